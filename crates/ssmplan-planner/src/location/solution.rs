//! The result of a location model.

use serde::Serialize;

/// Where the bound of a [`Solution`] comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BoundKind {
    /// Exact: the solution was proved optimal by enumeration, or (certified mode,
    /// [`SolveParams::exact`](super::SolveParams::exact)) by branch-and-bound on the Lagrangian
    /// bound; with non-integral weights, up to a relative `1e-9` of the total weight.
    Exact,
    /// MCLP submodularity bound: `f(S*) <= f(S) + sum of the p largest single-site gains over S`,
    /// taken at every greedy step and at the final solution (the smallest is kept).
    Submodular,
    /// MCLP: all the weight within the radius of some candidate or existing site.
    Reachable,
    /// Lagrangian relaxation solved by subgradient steps (MCLP: coverage constraints relaxed;
    /// p-median: assignment constraints relaxed). Valid at every iteration; the best is kept.
    Lagrangian,
    /// LSCP: the fewest sites whose individual coverages, added up, reach the target.
    TopCovers,
    /// LSCP: the MCLP Lagrangian bound with one site fewer than found is below the target, so
    /// the number found is optimal.
    LagrangianCover,
}

/// A solution of a location model.
///
/// # Units
/// `objective`, `bound` and `baseline_objective` are in weight units for MCLP (weight covered,
/// existing sites included), weight x metres for p-median (total weighted distance), and a
/// number of new sites for LSCP.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Solution {
    /// Chosen candidates (indices into [`LocationInstance::candidates`](super::LocationInstance::candidates)),
    /// in priority order: each is the one that adds the most to the sites before it (existing
    /// sites first), so the first `k` are the best to open if only `k` can be funded.
    pub chosen: Vec<usize>,
    /// Objective value of `chosen` together with the existing sites.
    pub objective: f64,
    /// A bound on the optimum: an upper bound for MCLP (maximisation), a lower bound for
    /// p-median and LSCP (minimisation); `None` when none was computed.
    pub bound: Option<f64>,
    /// Which bound `bound` is.
    pub bound_kind: Option<BoundKind>,
    /// Relative gap `|bound - objective| / max(|bound|, |objective|)`; 0 proves optimality.
    pub gap: Option<f64>,
    /// Objective of the existing sites alone (p-median without existing site: infinity; LSCP: 0).
    pub baseline_objective: f64,
    /// Objective gain of each chosen site given the existing sites and the chosen sites before it
    /// (MCLP: weight newly covered; p-median: weighted distance saved, infinite for the first
    /// site when there is no existing site; LSCP: weight newly covered). For MCLP and LSCP they
    /// add up to the covered weight minus the baseline.
    pub marginal: Vec<f64>,
    /// MCLP and LSCP: share of the total weight covered by existing and chosen sites.
    pub covered_share: Option<f64>,
    /// MCLP and LSCP: share of the total weight covered by the existing sites alone.
    pub baseline_share: Option<f64>,
    /// Improving local-search moves made (swaps; LSCP: also sites dropped).
    pub iterations: usize,
    /// Marginal-gain evaluations (greedy recomputations and swap pairs scored).
    pub evaluations: u64,
}
