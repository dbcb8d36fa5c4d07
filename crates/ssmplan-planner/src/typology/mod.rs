//! A *reconstructed* typology of communes: a need axis, an offer/access axis, four groups.
//!
//! **This is not IWEPS's typology, nor its method or indicators.** IWEPS (2025) classified the
//! Walloon communes from five indicators of needs, offer, accessibility and use of mental-health
//! care (ISADF 2024 survey and administrative sources) by a principal component analysis
//! followed by a clustering, into communes *à risque élevé*, *vulnérables*, *intermédiaires* and
//! *favorisées*. Its per-commune table, the exact indicators, their weighting and the clustering
//! algorithm could not be obtained (`geodata/typology/SOURCES.md`). When the official `nis,group`
//! table is supplied, use it. This module only rebuilds an approximation *in its spirit* from
//! the indicators at hand (e.g. share 65+, median income, low education for need; distance to
//! the nearest SSM, E2SFCA accessibility for offer); every output built from it must say
//! *reconstructed* ([`ReconstructedTypology::METHOD`]) and list the indicators
//! ([`ReconstructedTypology::loadings`]).
//!
//! # Method ([`reconstruct_typology`])
//! 1. **Orientation and standardisation.** An indicator with `higher_is_more = false` is negated,
//!    so that a higher value always means more need (need indicators) or more offer and access
//!    (offer indicators). Each is turned into z-scores with its mean and its *population*
//!    standard deviation (divisor `n`, or the total weight; as scikit-learn's `StandardScaler`),
//!    weighted when commune weights are given. Constant or non-finite indicators are errors.
//! 2. **Principal components.** The correlation matrix of the z-scores is diagonalised by the
//!    cyclic Jacobi method and the plane of the two components of largest eigenvalue is kept.
//!    Component scores are `Σ z_i · v_i` (unscaled eigenvector coefficients, as scikit-learn's
//!    `PCA.transform`); the component explained variance is `λ / Σλ`.
//! 3. **Need and offer axes** in that plane ([`AxisRotation`]). By default
//!    ([`AxisRotation::Target`]) the two orthonormal directions of the plane closest to the
//!    declared axes (orthogonal Procrustes towards the equal-weight sums of the need and of the
//!    offer z-scores); with [`AxisRotation::None`] the components themselves, the need axis
//!    being the one whose loadings on the need indicators have the largest absolute sum (the
//!    first on a tie). Each axis is then signed so that the indicators of its own kind load
//!    positively on average (on a tie, the one with the largest absolute loading decides): a
//!    positive need score means more need than average, a positive offer score more offer or
//!    easier access. Loadings are correlations between oriented indicators and axis scores;
//!    the explained variance of an axis is the variance of its score over `Σλ`.
//!    The rotation exists because the first component of real data mixes the two kinds: on the
//!    261 Walloon communes (share 65+, median income and low education for need, distance to the
//!    nearest known SSM and psychiatric hospital for offer) every indicator loads 0.49 to 0.90
//!    on it, so an unrotated "need" axis is as much an offer axis, and ranking groups by need
//!    minus offer on it would be meaningless.
//! 4. **k-means**, k = 4, in the plane of the two component scores (not rescaled, so the first
//!    component weighs more; since the axes of step 3 only rotate that plane, the groups do not
//!    depend on them). Each of `restarts` runs (default 100) is seeded by greedy k-means++
//!    (weighted: `w·D²`, 3 candidates per center) from a `SplitMix64` stream, then Lloyd
//!    iterations until no assignment changes, refined by Hartigan-Wong single-point moves
//!    (resuming Lloyd after a move), within `max_iterations`; the run of lowest inertia is
//!    kept, the first on ties. A cluster left with zero weight takes the point of largest
//!    `w·d²`. Assignment ties go to the lower cluster index.
//! 5. **Naming.** Clusters of above-average need (mean need score > 0) are ranked first, then
//!    the others; within each part by the (weighted) mean of `need score - offer score`. In
//!    that order the first is *risque élevé* ([`TypologyGroup::HighRisk`]), the second
//!    *vulnérables*, the last *favorables*, the remaining one *médians* (ties: higher need
//!    first). A cluster of low need and very low offer (e.g. communes far from every *known*
//!    site) is therefore not called high risk while two clusters of above-average need exist. `k` is fixed at 4 for that reason: [`TypologyParams::k`] exists for clarity, and
//!    any other value is refused.
//!
//! # Determinism
//! Every sum runs in a fixed order, every tie has a rule and the restarts are collected in
//! order, so the same inputs and seed give the same bits whatever the number of rayon threads.
//!
//! # Limits
//! - Two axes keep part of the variance only (read `explained_variance`), and even rotated they
//!   need not be pure: read the cross-loadings.
//! - Within each part, the ranking by `need - offer` puts "high need, high offer" next to
//!   "lower need, low offer". IWEPS separates high risk (medico-administrative needs, use of care) from vulnerable
//!   (self-reported needs); two axes cannot, so *vulnérables* here is simply the second rank.
//! - Offer indicators computed from a partial list of SSM sites carry its artefacts. On the
//!   Walloon data, one cluster is 23 communes of low need and very low offer, 55 km on average
//!   from the nearest known SSM: 17 in Luxembourg province, where the list has no site, and 4
//!   German-speaking ones. A plain `need - offer` ranking called it *risque élevé*; the rule of
//!   step 5 calls it *médians*, but its "low offer" is still an artefact of the list.
//! - Near-optimal k-means solutions can differ in membership: on the same data the second-best
//!   local optimum found (inertia 0.1 % higher) has groups of 102, 79, 58 and 22 communes
//!   against 97, 89, 52 and 23. [`ReconstructedTypology::restarts_at_best`] says how often the
//!   kept optimum was reached.
//!
//! ```
//! use ssmplan_planner::typology::{Indicator, IndicatorAxis, TypologyParams, reconstruct_typology};
//! use ssmplan_core::TypologyGroup;
//!
//! let indicators = [
//!     Indicator::new("share_65_plus_pct", IndicatorAxis::Need, true,
//!         vec![24.0, 23.0, 22.5, 21.0, 19.0, 18.5, 17.0, 16.0]),
//!     Indicator::new("median_income_eur", IndicatorAxis::Need, false,
//!         vec![24_000.0, 25_000.0, 26_000.0, 27_500.0, 29_000.0, 30_000.0, 33_000.0, 34_000.0]),
//!     Indicator::new("distance_ssm_km", IndicatorAxis::Offer, false,
//!         vec![30.0, 28.0, 6.0, 5.0, 12.0, 11.0, 2.0, 1.0]),
//! ];
//! let typology = reconstruct_typology(&indicators, None, &TypologyParams::new().seed(42))?;
//! assert_eq!(typology.groups[0], TypologyGroup::HighRisk); // old, poor and far
//! assert_eq!(typology.groups[7], TypologyGroup::Favourable); // young, rich and near
//! assert_eq!(typology.loadings[1].name, "median_income_eur");
//! assert!(typology.loadings[1].need > 0.0); // low income (inverted) means more need
//! # Ok::<(), ssmplan_planner::typology::TypologyError>(())
//! ```

mod eigen;
mod error;
mod indicator;
mod kmeans;
mod params;
mod pca;
mod reconstruct;
mod result;

#[cfg(test)]
mod tests;

pub use error::TypologyError;
pub use indicator::{Indicator, IndicatorAxis};
pub use params::{AxisRotation, TypologyParams};
pub use reconstruct::reconstruct_typology;
pub use result::{GroupMean, Loading, ReconstructedTypology};

#[cfg(doc)]
use ssmplan_core::TypologyGroup;
