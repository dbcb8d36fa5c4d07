//! Errors of the location models.

use std::fmt;

/// Which point set of a [`LocationInstance`](super::LocationInstance) an error refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PointSet {
    /// The demand points.
    Demand,
    /// The candidate sites.
    Candidates,
    /// The existing (fixed, open) sites.
    Existing,
}

impl fmt::Display for PointSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Demand => "demand",
            Self::Candidates => "candidate",
            Self::Existing => "existing site",
        })
    }
}

/// Why an instance was refused or a location model could not be solved.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum LocationError {
    /// The weight vector does not hold exactly one weight per demand point.
    #[error(
        "{weights} weights for {demand} demand points: one weight per demand point is expected"
    )]
    WeightCount {
        /// Number of demand points.
        demand: usize,
        /// Number of weights given.
        weights: usize,
    },
    /// The certified mode's time limit is not a finite positive number of seconds.
    #[error(
        "time_limit_s {time_limit_s}: the time limit must be a finite positive number of seconds"
    )]
    InvalidTimeLimit {
        /// The limit given (seconds).
        time_limit_s: f64,
    },
    /// A demand weight is negative, NaN or infinite.
    #[error("demand point {index}: weight {value} is not a finite non-negative number")]
    InvalidWeight {
        /// Index of the demand point.
        index: usize,
        /// The weight found.
        value: f64,
    },
    /// The demand weights are finite one by one but their sum overflows.
    #[error("the total demand weight overflows (is not finite)")]
    WeightOverflow,
    /// A coordinate is NaN or infinite.
    #[error("{set} point {index}: coordinate ({x}, {y}) is not finite")]
    InvalidCoordinate {
        /// The point set holding the point.
        set: PointSet,
        /// Index of the point in its set.
        index: usize,
        /// The x coordinate found (EPSG:3812 metres).
        x: f64,
        /// The y coordinate found (EPSG:3812 metres).
        y: f64,
    },
    /// A point set is larger than the 32-bit indices of the sparse structures allow.
    #[error("{count} {set} points: at most {max} are supported")]
    TooManyPoints {
        /// The point set.
        set: PointSet,
        /// Number of points given.
        count: usize,
        /// Largest supported number.
        max: usize,
    },
    /// There is no candidate site.
    #[error("no candidate site: at least one is needed")]
    NoCandidates,
    /// More new sites are requested than there are candidates.
    #[error("p = {p} new sites requested but there are only {candidates} candidates")]
    TooManySites {
        /// Number of new sites requested.
        p: usize,
        /// Number of candidates.
        candidates: usize,
    },
    /// p-median with no existing site and `p = 0`: no demand point can be served.
    #[error("p-median with p = 0 and no existing site: nothing serves the demand")]
    NoOpenSite,
    /// The coverage radius is not a finite positive number.
    #[error("radius {radius_m} m must be a finite positive number of metres")]
    InvalidRadius {
        /// The radius given (metres).
        radius_m: f64,
    },
    /// The LSCP target share is not in `(0, 1]`.
    #[error("target share {target_share} must be in (0, 1]")]
    InvalidTargetShare {
        /// The target share given.
        target_share: f64,
    },
    /// The LSCP target cannot be met even by opening every candidate.
    #[error(
        "target share {target_share} is unreachable: existing sites and all candidates together \
         cover a share of {reachable_share} of the demand weight"
    )]
    UnreachableTarget {
        /// The target share asked for.
        target_share: f64,
        /// The share covered by the existing sites and all candidates together.
        reachable_share: f64,
    },
    /// The p-median distance lists would hold too many demand-candidate pairs.
    #[error(
        "p-median needs {pairs} demand-candidate pairs, more than the limit of {limit}: add existing \
         sites, thin the candidates or raise `SolveParams::max_pairs`"
    )]
    TooManyPairs {
        /// Number of pairs needed.
        pairs: u64,
        /// The limit in force.
        limit: u64,
    },
    /// A pair of a cost table refers to a demand point or a site beyond its set.
    #[error("cost pair (demand point {demand}, {site:?}): index out of range")]
    PairOutOfRange {
        /// Index of the demand point.
        demand: usize,
        /// The site.
        site: super::Site,
    },
    /// A cost of a cost table is negative, NaN or infinite.
    #[error(
        "cost pair (demand point {demand}, {site:?}): cost {cost} is not a finite non-negative number"
    )]
    InvalidCost {
        /// Index of the demand point.
        demand: usize,
        /// The site.
        site: super::Site,
        /// The cost found.
        cost: f64,
    },
    /// A pair of a cost table is given twice.
    #[error("cost pair (demand point {demand}, {site:?}) given twice")]
    DuplicatePair {
        /// Index of the demand point.
        demand: usize,
        /// The site.
        site: super::Site,
    },
    /// The weights and the cost table do not have the same number of demand points.
    #[error("{weights} weights for a cost table of {demand} demand points")]
    CostTableSize {
        /// Demand points of the table.
        demand: usize,
        /// Number of weights given.
        weights: usize,
    },
    /// Exhaustive search refused: too many subsets to enumerate.
    #[error("exhaustive search would enumerate {subsets} subsets, more than the limit of {limit}")]
    ExhaustiveTooLarge {
        /// Number of subsets to enumerate (saturating).
        subsets: u128,
        /// The limit in force.
        limit: u128,
    },
}
