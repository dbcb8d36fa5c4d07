//! The output of a reconstruction: groups, axis scores, loadings and group means.

use serde::Serialize;
use ssmplan_core::TypologyGroup;

use super::indicator::IndicatorAxis;
use super::params::AxisRotation;

/// How one indicator enters the two axes.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Loading {
    /// Indicator name.
    pub name: String,
    /// The axis the indicator was declared to describe.
    pub axis: IndicatorAxis,
    /// Whether the indicator was used as given (`true`) or negated (`false`).
    pub higher_is_more: bool,
    /// Loading on the need axis: the (weighted) correlation between the oriented indicator
    /// (negated when `higher_is_more` is false) and the need score, in `[-1, 1]`.
    pub need: f64,
    /// Loading on the offer axis: correlation between the oriented indicator and the offer score.
    pub offer: f64,
    /// Loadings on the first two (unrotated) principal components, `v_i · √λ`, for comparison
    /// with a plain PCA (their signs follow the eigenvector convention: the largest component of
    /// each eigenvector is positive).
    pub components: [f64; 2],
}

/// Summary of one group.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GroupMean {
    /// The group.
    pub group: TypologyGroup,
    /// Number of communes in the group.
    pub count: usize,
    /// Total weight of the group (equal to `count` when unweighted).
    pub weight: f64,
    /// Mean of each raw indicator (as given, not negated nor standardised), weighted when
    /// weights were given, in the order of the indicators.
    ///
    /// # Units
    /// Those of each indicator.
    pub indicator_means: Vec<f64>,
    /// (Weighted) mean need score of the group (the need coordinate of its k-means center).
    pub need_score: f64,
    /// (Weighted) mean offer score of the group (the offer coordinate of its k-means center).
    pub offer_score: f64,
}

/// A typology *reconstructed* from the indicators at hand: an approximation in the spirit of
/// IWEPS's 2025 typology, **not** IWEPS's method nor its indicators (see the module docs).
/// Every output built from it must say so and list the indicators ([`Self::loadings`]).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReconstructedTypology {
    /// Group of each commune, in the order of the indicator values.
    pub groups: Vec<TypologyGroup>,
    /// Need score of each commune: positive means more need than the (weighted) mean.
    ///
    /// # Units
    /// Principal-component score of z-scores (weighted mean 0, weighted variance equal to the
    /// axis eigenvalue).
    pub need_score: Vec<f64>,
    /// Offer score of each commune: positive means more offer or easier access than the mean.
    ///
    /// # Units
    /// As [`Self::need_score`].
    pub offer_score: Vec<f64>,
    /// Loadings of every indicator on both axes, in the order of the indicators.
    pub loadings: Vec<Loading>,
    /// Share of the total variance of the standardised indicators carried by the need and the
    /// offer scores, `[need, offer]`. Their sum is that of
    /// [`Self::component_explained_variance`].
    pub explained_variance: [f64; 2],
    /// Share of the total variance carried by the first two principal components (eigenvalue
    /// over the sum of the eigenvalues; scikit-learn's `explained_variance_ratio_`).
    pub component_explained_variance: [f64; 2],
    /// All eigenvalues of the correlation matrix, largest first (they sum to the number of
    /// indicators).
    pub eigenvalues: Vec<f64>,
    /// How the axes were placed in the principal plane.
    pub rotation: AxisRotation,
    /// The need axis as a unit vector of the principal plane: `need score = need_axis[0] ·
    /// PC1 score + need_axis[1] · PC2 score` (unscaled component scores).
    pub need_axis: [f64; 2],
    /// The offer axis as a unit vector of the principal plane, orthogonal to [`Self::need_axis`].
    pub offer_axis: [f64; 2],
    /// One summary per group, in the order high risk, vulnerable, intermediate, favourable.
    pub group_means: Vec<GroupMean>,
    /// Weighted within-group sum of squared distances to the group centers, in the plane of the
    /// two scores (the same in the component and in the need-offer coordinates), of the kept
    /// k-means run.
    ///
    /// # Units
    /// Squared score units (times the weight unit when weighted).
    pub inertia: f64,
    /// Seed of the k-means++ seeding.
    pub seed: u64,
    /// Number of k-means runs.
    pub restarts: usize,
    /// Position (0-based) of the kept run among the restarts.
    pub best_restart: usize,
    /// Number of runs whose inertia is within a relative `1e-9` of the kept one. A small count
    /// says the optimum is hard to reach (more restarts might find a lower inertia); other runs
    /// close in inertia but with different groups say the typology is fragile.
    pub restarts_at_best: usize,
    /// Lloyd iterations of the kept run.
    pub iterations: usize,
    /// Whether the kept run converged (assignments stable) before the iteration cap.
    pub converged: bool,
    /// Whether per-commune weights were used.
    pub weighted: bool,
}

impl ReconstructedTypology {
    /// One line that outputs quote to label the typology.
    pub const METHOD: &'static str = "reconstructed typology (not IWEPS's): indicators \
        standardised, PCA on their correlation matrix, 2 components, need and offer axes placed \
        in their plane, k-means k=4 (greedy k-means++, seeded restarts, lowest inertia), groups \
        named by mean need score minus offer score";
}
