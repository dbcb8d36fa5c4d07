//! Errors of the typology reconstruction.

use super::indicator::IndicatorAxis;

/// Why a typology could not be reconstructed. Commune positions are 0-based indices into the
/// indicator values.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum TypologyError {
    /// `k` is not the number of IWEPS groups.
    #[error(
        "k = {k} clusters requested: the naming step maps exactly {expected} clusters onto the four IWEPS groups"
    )]
    UnsupportedGroupCount {
        /// The `k` requested.
        k: usize,
        /// The only supported value (4).
        expected: usize,
    },
    /// `restarts` is zero.
    #[error("restarts = 0: k-means needs at least one run")]
    NoRestarts,
    /// `max_iterations` is zero.
    #[error("max_iterations = 0: k-means needs at least one Lloyd iteration")]
    NoIterations,
    /// Fewer indicators than the two axes need.
    #[error("{found} indicator(s): at least {min} are needed for two axes")]
    TooFewIndicators {
        /// Number of indicators given.
        found: usize,
        /// Smallest accepted number (2).
        min: usize,
    },
    /// Two indicators share a name.
    #[error("indicator name `{name}` appears more than once")]
    DuplicateName {
        /// The repeated name.
        name: String,
    },
    /// No indicator describes one of the axes.
    #[error("no {axis} indicator: each axis needs at least one")]
    MissingAxis {
        /// The axis without indicator.
        axis: IndicatorAxis,
    },
    /// An indicator does not hold one value per commune.
    #[error(
        "indicator `{indicator}` has {found} values but `{reference}` has {expected}: one value per commune is expected"
    )]
    LengthMismatch {
        /// The indicator of the wrong length.
        indicator: String,
        /// The first indicator, whose length is the reference.
        reference: String,
        /// Number of communes (values of the first indicator).
        expected: usize,
        /// Number of values found.
        found: usize,
    },
    /// Fewer communes than clusters.
    #[error("{found} communes: at least k = {k} are needed")]
    TooFewCommunes {
        /// Number of communes.
        found: usize,
        /// Number of clusters.
        k: usize,
    },
    /// An indicator value is NaN or infinite.
    #[error("indicator `{indicator}`, commune {commune}: value {value} is not finite")]
    NonFiniteValue {
        /// The indicator.
        indicator: String,
        /// Position of the commune.
        commune: usize,
        /// The value found.
        value: f64,
    },
    /// The weight vector does not hold one weight per commune.
    #[error("{found} weights for {communes} communes: one weight per commune is expected")]
    WeightCount {
        /// Number of communes.
        communes: usize,
        /// Number of weights given.
        found: usize,
    },
    /// A weight is negative, NaN or infinite.
    #[error("commune {commune}: weight {value} is not a finite non-negative number")]
    InvalidWeight {
        /// Position of the commune.
        commune: usize,
        /// The weight found.
        value: f64,
    },
    /// The weights sum to zero or overflow.
    #[error("the commune weights sum to {total}: a positive finite total is needed")]
    InvalidTotalWeight {
        /// The sum found.
        total: f64,
    },
    /// An indicator is constant over the communes of positive weight (its standard deviation is
    /// zero or below `1e-12` times its mean): it has no z-score.
    #[error(
        "indicator `{indicator}` is constant (mean {mean}, standard deviation {std}): it cannot be standardised"
    )]
    ConstantIndicator {
        /// The indicator.
        indicator: String,
        /// Its (weighted) mean.
        mean: f64,
        /// Its (weighted, population) standard deviation.
        std: f64,
    },
    /// The variance of an indicator overflows.
    #[error("indicator `{indicator}`: its variance overflows (values too large)")]
    VarianceOverflow {
        /// The indicator.
        indicator: String,
    },
    /// The eigen-decomposition of the correlation matrix did not converge (not expected to
    /// happen on a correlation matrix).
    #[error(
        "the Jacobi eigen-decomposition of the correlation matrix did not converge in {sweeps} sweeps"
    )]
    EigenNotConverged {
        /// Sweeps run.
        sweeps: usize,
    },
    /// Fewer distinct points than clusters in the plane of the two scores (communes of zero
    /// weight do not count): k-means cannot form `k` non-empty groups.
    #[error(
        "only {distinct} communes of positive weight have distinct need and offer scores: k-means needs at least k = {k}"
    )]
    TooFewDistinctScores {
        /// Number of distinct score points of positive weight.
        distinct: usize,
        /// Number of clusters.
        k: usize,
    },
}
