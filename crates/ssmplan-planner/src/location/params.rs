//! What to optimise ([`Objective`]) and how ([`SolveParams`]).

use serde::{Deserialize, Serialize};

use super::error::LocationError;

/// The location model to solve. Existing sites are always open and count in every objective.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "model", rename_all = "snake_case")]
pub enum Objective {
    /// Maximal covering (MCLP): open `p` new sites to maximise the weight within `radius_m` of an
    /// open site. Rewards reaching many people within a distance norm; says nothing about how far
    /// the uncovered remain, so it can ignore a sparse remote area entirely.
    Mclp {
        /// Coverage radius (inclusive: a point at exactly `radius_m` is covered).
        ///
        /// # Units
        /// Metres.
        radius_m: f64,
    },
    /// p-median: open `p` new sites to minimise the total weighted straight-line distance from
    /// each demand point to its nearest open site. Efficient on average; dense areas dominate, so
    /// a few remote points may stay far.
    PMedian,
    /// Location set covering (LSCP): the fewest new sites so that a share `target_share` of the
    /// total weight lies within `radius_m` of an open site (existing sites count). Guarantees a
    /// level of service; the number of sites it needs can be large for a full (`1.0`) target.
    Lscp {
        /// Coverage radius (inclusive).
        ///
        /// # Units
        /// Metres.
        radius_m: f64,
        /// Share of the total demand weight to cover, in `(0, 1]`; `1.0` covers everyone.
        target_share: f64,
    },
}

impl Objective {
    /// Checks the parameters of the objective.
    ///
    /// # Errors
    /// [`LocationError::InvalidRadius`] for a radius that is not finite and positive,
    /// [`LocationError::InvalidTargetShare`] for a target share outside `(0, 1]`.
    pub fn validate(&self) -> Result<(), LocationError> {
        let radius_ok = |radius_m: f64| {
            if radius_m.is_finite() && radius_m > 0.0 {
                Ok(())
            } else {
                Err(LocationError::InvalidRadius { radius_m })
            }
        };
        match *self {
            Self::Mclp { radius_m } => radius_ok(radius_m),
            Self::PMedian => Ok(()),
            Self::Lscp {
                radius_m,
                target_share,
            } => {
                radius_ok(radius_m)?;
                if target_share > 0.0 && target_share <= 1.0 {
                    Ok(())
                } else {
                    Err(LocationError::InvalidTargetShare { target_share })
                }
            }
        }
    }

    /// True for the models that maximise (MCLP); p-median and LSCP minimise.
    #[must_use]
    pub fn is_maximisation(&self) -> bool {
        matches!(self, Self::Mclp { .. })
    }
}

/// Solver options, built with [`SolveParams::new`] and `#[must_use]` setters:
/// `SolveParams::new(10).seed(7).local_search(true)`; the fields are public to read.
///
/// Parallelism uses the global rayon pool (set its size with `RAYON_NUM_THREADS` or
/// `rayon::ThreadPoolBuilder`); results do not depend on the number of threads.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SolveParams {
    /// Number of new sites (ignored by LSCP).
    pub p: usize,
    /// Whether the swap local search runs after the greedy construction.
    #[serde(default = "defaults::local_search")]
    pub local_search: bool,
    /// Cap on the improving swaps of each local search.
    #[serde(default = "defaults::max_iterations")]
    pub max_iterations: usize,
    /// Seed of the perturbation rounds and of the MCLP kicks.
    #[serde(default)]
    pub seed: u64,
    /// Number of perturbation rounds.
    #[serde(default)]
    pub perturbations: usize,
    /// Iterations of the Lagrangian bound.
    #[serde(default = "defaults::bound_iterations")]
    pub bound_iterations: usize,
    /// Largest number of demand-candidate pairs on which the Lagrangian bound runs.
    #[serde(default = "defaults::bound_pairs_limit")]
    pub bound_pairs_limit: u64,
    /// Largest number of demand-candidate pairs of the p-median distance lists.
    #[serde(default = "defaults::max_pairs")]
    pub max_pairs: u64,
    /// MCLP: local searches restarted from the best distinct relaxed open sets of the
    /// Lagrangian iterations.
    #[serde(default = "defaults::restarts")]
    pub restarts: usize,
    /// MCLP: seeded kick rounds after the local search of the greedy start and of every
    /// restart, on top of [`SolveParams::perturbations`].
    #[serde(default = "defaults::kicks")]
    pub kicks: usize,
    /// MCLP: steps per new site of each tabu walk from the best set of the other stages.
    #[serde(default = "defaults::tabu")]
    pub tabu: usize,
    /// MCLP: path relinking between the best local optimum and the three best others (among the
    /// start and restart results), in both directions, keeping strictly better polished sets.
    #[serde(default = "defaults::relink")]
    pub relink: bool,
    /// Certified mode: after the heuristics, a branch-and-bound on the Lagrangian bound
    /// (p-median: its own; LSCP: the MCLP one with one site fewer) proves the optimum or, at
    /// [`SolveParams::time_limit_s`], reports the best solution with a proven bound.
    #[serde(default)]
    pub exact: bool,
    /// Wall-clock limit of the certified mode; `None` runs it to the end.
    ///
    /// # Units
    /// Seconds.
    #[serde(default)]
    pub time_limit_s: Option<f64>,
    /// Largest number of branch-and-bound nodes of the certified mode (a deterministic limit).
    #[serde(default = "defaults::node_limit")]
    pub node_limit: u64,
}

/// Default number of Lagrangian-guided restarts of the MCLP local search.
const RESTARTS: usize = 20;
/// Default number of kick rounds after each MCLP local search: none since the tabu search (with
/// it, kicks left more runs below 99.9 % of the optimum at p = 10 and 20 km, see
/// `benches/compare/README_location.md`).
const KICKS: usize = 0;

/// Default values of [`SolveParams`].
mod defaults {
    use super::{KICKS, RESTARTS};
    pub(super) fn local_search() -> bool {
        true
    }
    pub(super) fn max_iterations() -> usize {
        1_000
    }
    pub(super) fn bound_iterations() -> usize {
        300
    }
    pub(super) fn bound_pairs_limit() -> u64 {
        5_000_000
    }
    pub(super) fn max_pairs() -> u64 {
        50_000_000
    }
    pub(super) fn kicks() -> usize {
        KICKS
    }
    pub(super) fn tabu() -> usize {
        super::super::tabu::STEPS_PER_SITE
    }
    pub(super) fn relink() -> bool {
        true
    }
    pub(super) fn restarts() -> usize {
        RESTARTS
    }
    pub(super) fn node_limit() -> u64 {
        u64::MAX
    }
}

impl SolveParams {
    /// Options for `p` new sites (ignored by LSCP, which finds the number itself), with the
    /// defaults: local search on, at most 1,000 improving swaps, seed 0, no perturbation,
    /// 300 bound iterations on instances up to 5,000,000 demand-candidate pairs, p-median lists
    /// up to 50,000,000 pairs; for MCLP 20 restarts, no kick rounds, path relinking and two
    /// tabu walks of 60 steps per new site.
    #[must_use]
    pub fn new(p: usize) -> Self {
        Self {
            p,
            local_search: defaults::local_search(),
            max_iterations: defaults::max_iterations(),
            seed: 0,
            perturbations: 0,
            bound_iterations: defaults::bound_iterations(),
            bound_pairs_limit: defaults::bound_pairs_limit(),
            max_pairs: defaults::max_pairs(),
            restarts: defaults::restarts(),
            kicks: defaults::kicks(),
            tabu: defaults::tabu(),
            relink: defaults::relink(),
            exact: false,
            time_limit_s: None,
            node_limit: defaults::node_limit(),
        }
    }

    /// MCLP: number of local searches restarted from the best distinct open sets met by the
    /// Lagrangian iterations (default 20; each costs one local search and its kicks, about a
    /// millisecond at 10,000 x 300, and they run in parallel). The result is kept only when
    /// strictly better; the three best distinct results join the path relinking.
    #[must_use]
    pub fn restarts(mut self, n: usize) -> Self {
        self.restarts = n;
        self
    }

    /// MCLP: kick rounds after the local search of the greedy start and of every restart
    /// (default 0; 4 before the tabu search): each swaps a seeded random third of the new sites
    /// for random candidates, runs the local search again and keeps the result when strictly
    /// better. The local optima they leave feed the path relinking. The seed is
    /// [`SolveParams::seed`].
    #[must_use]
    pub fn kicks(mut self, n: usize) -> Self {
        self.kicks = n;
        self
    }

    /// MCLP: steps per new site (default 60: 600 steps at p = 10) of each of the two tabu walks
    /// that leave the best set of the other stages when it is not proven optimal. Each step
    /// makes the best swap that is not barred (improving or not), and the best set met is kept
    /// when strictly better. A site that left stays out for 20 steps (a third of the candidates
    /// not chosen when fewer); one that entered stays in for half the new sites, at most 10
    /// (first walk), or half that (second walk). A walk stops early at a set that reaches the
    /// proven bound. 0 turns the search off.
    #[must_use]
    pub fn tabu(mut self, steps_per_site: usize) -> Self {
        self.tabu = steps_per_site;
        self
    }

    /// MCLP: path relinking between the local optima of the start and the restarts (default
    /// on; it runs only when the best is not proven optimal already). Off, the heuristic is
    /// the one of earlier versions, for comparisons.
    #[must_use]
    pub fn relink(mut self, on: bool) -> Self {
        self.relink = on;
        self
    }

    /// Certified mode (default off; MCLP, p-median and LSCP): after the heuristics, a
    /// depth-first branch-and-bound on the Lagrangian bound with reduced-cost fixing returns a
    /// proven optimum ([`BoundKind::Exact`](super::BoundKind::Exact), gap 0 up to a relative
    /// 1e-9 for p-median),
    /// or, when [`SolveParams::time_limit_s`] or [`SolveParams::node_limit`] stops it, the best
    /// solution found with a proven bound and its gap.
    #[must_use]
    pub fn exact(mut self, on: bool) -> Self {
        self.exact = on;
        self
    }

    /// Wall-clock limit of the certified mode (default none). A search stopped by the clock
    /// depends on the machine; use [`SolveParams::node_limit`] for a reproducible limit.
    ///
    /// # Units
    /// Seconds.
    #[must_use]
    pub fn time_limit_s(mut self, seconds: Option<f64>) -> Self {
        self.time_limit_s = seconds;
        self
    }

    /// Largest number of branch-and-bound nodes of the certified mode (default unlimited).
    #[must_use]
    pub fn node_limit(mut self, nodes: u64) -> Self {
        self.node_limit = nodes;
        self
    }

    /// Checks the options.
    ///
    /// # Errors
    /// [`LocationError::InvalidTimeLimit`] when `time_limit_s` is not a finite positive number.
    pub fn validate(&self) -> Result<(), LocationError> {
        match self.time_limit_s {
            Some(s) if !(s.is_finite() && s > 0.0) => {
                Err(LocationError::InvalidTimeLimit { time_limit_s: s })
            }
            _ => Ok(()),
        }
    }

    /// Sets the number of new sites.
    #[must_use]
    pub fn p(mut self, p: usize) -> Self {
        self.p = p;
        self
    }

    /// Runs the swap local search after the greedy construction (default `true`). Without it the
    /// result is the plain lazy greedy.
    #[must_use]
    pub fn local_search(mut self, on: bool) -> Self {
        self.local_search = on;
        self
    }

    /// Caps the number of improving swaps of each local search (default 1,000).
    #[must_use]
    pub fn max_iterations(mut self, n: usize) -> Self {
        self.max_iterations = n;
        self
    }

    /// Seed of the perturbation phase (default 0). The same seed gives the same solution; with
    /// no perturbation the solvers draw no random number and ties go to the lowest index.
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Number of perturbation rounds after the first local optimum (default 0): each round swaps
    /// a seeded random third of the new sites for random candidates, runs the local search again
    /// and keeps the result when it is strictly better. Costs one local search per round; helps
    /// when the greedy start misleads the swaps.
    #[must_use]
    pub fn perturbations(mut self, n: usize) -> Self {
        self.perturbations = n;
        self
    }

    /// Iterations of the Lagrangian (subgradient) bound (default 300; 0 disables it, leaving the
    /// submodular bound for MCLP and no bound for p-median).
    #[must_use]
    pub fn bound_iterations(mut self, n: usize) -> Self {
        self.bound_iterations = n;
        self
    }

    /// Largest number of demand-candidate pairs on which the Lagrangian bound runs (default
    /// 5,000,000); above it MCLP reports the submodular bound only and p-median no bound.
    #[must_use]
    pub fn bound_pairs_limit(mut self, pairs: u64) -> Self {
        self.bound_pairs_limit = pairs;
        self
    }

    /// Largest number of demand-candidate pairs the p-median distance lists may hold (default
    /// 50,000,000, about 1.2 GB); beyond it p-median fails with
    /// [`LocationError::TooManyPairs`].
    #[must_use]
    pub fn max_pairs(mut self, pairs: u64) -> Self {
        self.max_pairs = pairs;
        self
    }
}
