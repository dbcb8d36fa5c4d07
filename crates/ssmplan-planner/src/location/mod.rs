//! Location models: where to open new SSM or antennes.
//!
//! The existing sites stay open; `p` new sites are chosen among candidates to serve demand
//! points weighted by population x need weight (see `domain.md` §4):
//! - [`Objective::Mclp`]: maximise the weight within a radius of an open site;
//! - [`Objective::PMedian`]: minimise the total weighted distance to the nearest open site;
//! - [`Objective::Lscp`]: the fewest new sites so that a target share of the weight is within
//!   the radius.
//!
//! [`solve`] builds a solution in milliseconds where exact MIP solvers take minutes:
//! 1. a lazy greedy (CELF; ties to the lowest candidate index);
//! 2. a best-improvement swap local search: fast vertex substitution on incremental
//!    gain / loss / extra tables for MCLP and LSCP (a swap updates only what the two sites
//!    reach, `swap.rs`), Resende-Werneck nearest / second-nearest bookkeeping for p-median;
//!    for MCLP, optional seeded kick rounds after each local search ([`SolveParams::kicks`],
//!    off by default since the tabu search), and for every model optional perturbation rounds
//!    ([`SolveParams::perturbations`]);
//! 3. a Lagrangian relaxation solved by scaled, deflected subgradient steps (for MCLP, each
//!    candidate's claim is summed from a neighbouring candidate's, over the groups where their
//!    lists differ, `claims.rs`), which gives the bound and, on the way, open sets that the
//!    local search restarts from: the one covering the most when it beats the local optimum,
//!    and (MCLP) the best
//!    [`SolveParams::restarts`] distinct ones, kept when strictly better (on the clustered
//!    family with four wide clusters this lifts the swap local optimum from 97.4 % to the
//!    optimum; see `benches/compare/README_location.md`);
//! 4. (MCLP) path relinking ([`SolveParams::relink`], `relink.rs`): from the best local
//!    optimum towards each other one and back, by the best swap that brings in a site of the
//!    other end, polishing the best set met on the way. With 50 sites of 10 km over a region
//!    they just cover, this lifts the heuristic from 99.37 % to the best set known;
//! 5. (MCLP) a tabu search from the best set ([`SolveParams::tabu`], `tabu.rs`): two walks of
//!    60 best allowed swaps per new site, improving or not, with recently moved sites barred
//!    for a few steps (two tenures, in parallel); the best set met is kept. With ten sites of
//!    20 km that nearly tile the region, this reaches optima that differ from the swap local
//!    optima in most of their sites;
//! 6. optionally ([`SolveParams::exact`], MCLP), a certified mode: a depth-first
//!    branch-and-bound on the same Lagrangian bound, warm-started from the heuristic solution,
//!    with reduced-cost fixing at every node (a candidate whose forced opening or closing
//!    cannot beat the incumbent is fixed in the subtree). It proves the optimum
//!    ([`BoundKind::Exact`], gap 0 with weights on a grid of `2^-k`, else within 1e-9 of the
//!    total weight) or, when [`SolveParams::time_limit_s`] or [`SolveParams::node_limit`] stops
//!    it, returns the best set with the largest bound of the unexplored nodes.
//!    p-median has the mirror search (`median_branch.rs`: assignment constraints relaxed, the
//!    bound proven within a relative 1e-9); both run the same depth-first search (`tree.rs`).
//!    LSCP certifies its count by proving with the MCLP search that one site fewer cannot
//!    meet the target. [`solve_observed`] reports the stages and, a few times a second, the
//!    search's nodes, bound and gap ([`SolveObserver`]).
//!
//! The MCLP Lagrangian stops early when it falls too slowly to beat a bound already proven
//! (everything within reach, or the submodular bound), and the restarts stop once one reaches
//! the proven bound (on a 30 km radius, where ten sites reach everyone, this halves the time).
//!
//! Every solution carries a bound on the optimum and the relative gap to it ([`BoundKind`]):
//! for MCLP the smallest of the submodularity bound, the reachable weight and the Lagrangian
//! (LP) bound; for p-median the Lagrangian (LP) bound; for LSCP the largest-covers count and a
//! Lagrangian certificate. LSCP drops sites while the target stays met (redundancy removal,
//! then MCLP swap search with one site fewer). [`solve_exhaustive`] enumerates every set of
//! candidates, for tests and small certifications. [`family_instance`] generates seeded
//! instances of the benchmark families ([`Family`]: uniform, clustered, Gaussian spreads,
//! skewed weights) for tests, benches and the comparison with `HiGHS`.
//!
//! Instances come from coordinates (straight lines) or from a sparse [`CostTable`] (network
//! distances, travel times; a pair absent is unreachable, see
//! [`LocationInstance::from_costs`] for the p-median rule on unreached demand).
//!
//! Nothing is dense: MCLP and LSCP coverage lists come from one R-tree query per demand point,
//! and demand points with the same candidate set are merged (compressed sparse rows, 32-bit
//! indices); p-median lists keep for each demand point only the candidates nearer than its
//! nearest existing site (all of them when there is none, up to [`SolveParams::max_pairs`]).
//! The Lagrangian runs up to [`SolveParams::bound_pairs_limit`] pairs. Work is split with
//! rayon, and every sum, every tie (lowest index wins) and every iteration order is fixed, so
//! the same inputs give the same solution bit for bit, whatever the number of threads.
//!
//! ```
//! use geo::Coord;
//! use ssmplan_planner::location::{LocationInstance, Objective, SolveParams, solve};
//!
//! let at = |x: f64| Coord { x, y: 0.0 };
//! let instance = LocationInstance::new(
//!     vec![at(0.0), at(1_000.0), at(5_000.0)],
//!     vec![10.0, 10.0, 30.0],
//!     vec![at(500.0), at(5_000.0)],
//!     vec![],
//! )?;
//! let solution = solve(&instance, &Objective::Mclp { radius_m: 600.0 }, &SolveParams::new(1))?;
//! assert_eq!(solution.chosen, vec![1]);
//! assert_eq!(solution.objective, 30.0);
//! # Ok::<(), ssmplan_planner::location::LocationError>(())
//! ```

mod bound;
mod branch;
mod claims;
mod costs;
#[cfg(test)]
mod costs_tests;
mod coverage;
mod error;
mod exhaustive;
mod families;
mod instance;
mod lscp;
mod mclp;
mod median_branch;
mod numeric;
mod observe;
mod params;
mod pmedian;
mod relink;
mod solution;
mod swap;
mod synthetic;
mod tabu;
#[cfg(test)]
mod tests;
mod tree;

pub use costs::{CostTable, Site};
pub use error::{LocationError, PointSet};
pub use exhaustive::{MAX_EXHAUSTIVE_SUBSETS, solve_exhaustive};
pub use families::{Family, FamilyParams, Layout, UnknownFamily, WeightLaw, family_instance};
pub use instance::LocationInstance;
pub use observe::{Quiet, SEARCH_REPORT_INTERVAL, SearchState, SolveObserver};
pub use params::{Objective, SolveParams};
pub use solution::{BoundKind, Solution};
pub use synthetic::{SyntheticParams, synthetic_instance};

/// Solves a location model with the heuristics described in the [module docs](self).
///
/// Deterministic: the same instance, objective and parameters give the same solution, whatever
/// the size of the rayon pool.
///
/// # Errors
/// [`LocationError::InvalidRadius`] and [`LocationError::InvalidTargetShare`] for bad objective
/// parameters; [`LocationError::TooManySites`] when `p` exceeds the number of candidates (MCLP,
/// p-median); [`LocationError::NoOpenSite`] for p-median with `p = 0` and no existing site;
/// [`LocationError::TooManyPairs`] when the p-median lists exceed `params.max_pairs`;
/// [`LocationError::UnreachableTarget`] when even every candidate cannot meet the LSCP target.
///
/// # Units
/// Coordinates and radii in metres (EPSG:3812); see [`Solution`] for the objective units.
pub fn solve(
    instance: &LocationInstance,
    objective: &Objective,
    params: &SolveParams,
) -> Result<Solution, LocationError> {
    solve_observed(instance, objective, params, &Quiet)
}

/// [`solve`], telling `observer` the stages and the certified search's progress (the same
/// solution: reports never change it).
///
/// # Errors
/// As [`solve`].
pub fn solve_observed(
    instance: &LocationInstance,
    objective: &Objective,
    params: &SolveParams,
    observer: &dyn SolveObserver,
) -> Result<Solution, LocationError> {
    objective.validate()?;
    params.validate()?;
    // Run on a pool thread: the many small parallel loops inside then stay on the pool instead
    // of each waking it from outside.
    rayon::scope(|_| match *objective {
        Objective::Mclp { radius_m } => mclp::solve(instance, radius_m, params, observer),
        Objective::PMedian => pmedian::solve(instance, params, observer),
        Objective::Lscp {
            radius_m,
            target_share,
        } => lscp::solve(instance, radius_m, target_share, params, observer),
    })
}
