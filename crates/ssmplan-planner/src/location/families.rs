//! Seeded instance families for testing the location solvers on instances they were not tuned
//! on (issue 8): uniform demand, clustered demand with few or many clusters, wide or narrow
//! Gaussian spreads, integer or skewed (Pareto, lognormal) weights, with or without existing
//! sites. Deterministic across platforms (`SplitMix64`, no `rand`); coordinates are rounded to
//! the metre and weights are integers, so that radius tests and objective values agree exactly
//! with other solvers reading the same CSV files.

use std::fmt;
use std::str::FromStr;

use geo::Coord;

use super::error::LocationError;
use super::instance::LocationInstance;
use super::numeric::{Draw, SplitMix64};
use super::synthetic::{SyntheticParams, synthetic_instance};

/// Where the demand points lie.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Layout {
    /// Uniform over the extent (no structure: many near-ties between candidates).
    Uniform,
    /// `clusters` Gaussian clusters of standard deviation drawn in `[sigma_min_m, sigma_max_m]`,
    /// cluster sizes equal, plus `background` (a share in `[0, 1]`) of the points uniform.
    Clustered {
        /// Number of clusters (at least 1 is used).
        clusters: usize,
        /// Smallest standard deviation of a cluster (metres).
        sigma_min_m: f64,
        /// Largest standard deviation of a cluster (metres).
        sigma_max_m: f64,
        /// Share of the demand points drawn uniformly over the extent.
        background: f64,
    },
    /// The towns of [`synthetic_instance`] (24 towns of 1.5 to 6 km, sizes ~ 1 / rank).
    Towns,
}

/// How the demand weights are drawn (all integers, at least 1).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum WeightLaw {
    /// Uniform integers in `1..=100`.
    Integer,
    /// Pareto with shape 1.2 and scale 10, rounded and capped at 1,000,000 (a few points hold
    /// much of the weight).
    Pareto,
    /// Lognormal `exp(3 + 1.5 N(0, 1))`, rounded up.
    Lognormal,
}

/// Parameters of [`family_instance`].
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct FamilyParams {
    /// Seed of the generator.
    pub seed: u64,
    /// Number of demand points.
    pub demand: usize,
    /// Number of candidate sites.
    pub candidates: usize,
    /// Number of existing sites (placed like the candidates).
    pub existing: usize,
    /// Where the demand points lie.
    pub layout: Layout,
    /// How the weights are drawn.
    pub weights: WeightLaw,
    /// Width of the extent (metres).
    pub extent_x_m: f64,
    /// Height of the extent (metres).
    pub extent_y_m: f64,
}

/// The named families of the benchmark suite ([`Family::ALL`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Family {
    /// The towns of [`synthetic_instance`] (the instances the solver was first tuned on).
    Towns,
    /// Uniform demand, integer weights.
    Uniform,
    /// Uniform demand, lognormal weights.
    UniformLognormal,
    /// 4 wide clusters (8 to 15 km), 10 % background, integer weights.
    ClusteredFew,
    /// 75 narrow clusters (1 to 3 km), 10 % background, integer weights.
    ClusteredMany,
    /// 24 wide Gaussian clusters (6 to 12 km), no background, integer weights.
    GaussWide,
    /// 24 narrow Gaussian clusters (0.5 to 1.5 km), no background, integer weights.
    GaussNarrow,
    /// 24 clusters of 2 to 6 km, 25 % background, Pareto weights.
    Pareto,
}

impl Family {
    /// Every family, in the order of the benchmark tables.
    pub const ALL: [Family; 8] = [
        Family::Towns,
        Family::Uniform,
        Family::UniformLognormal,
        Family::ClusteredFew,
        Family::ClusteredMany,
        Family::GaussWide,
        Family::GaussNarrow,
        Family::Pareto,
    ];

    /// The family's name (as accepted by [`FromStr`]).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Towns => "towns",
            Self::Uniform => "uniform",
            Self::UniformLognormal => "uniform-lognormal",
            Self::ClusteredFew => "clustered-few",
            Self::ClusteredMany => "clustered-many",
            Self::GaussWide => "gauss-wide",
            Self::GaussNarrow => "gauss-narrow",
            Self::Pareto => "pareto",
        }
    }

    /// The layout and weight law of the family.
    #[must_use]
    pub fn shape(self) -> (Layout, WeightLaw) {
        let clustered = |clusters, lo, hi, background| Layout::Clustered {
            clusters,
            sigma_min_m: lo,
            sigma_max_m: hi,
            background,
        };
        match self {
            Self::Towns => (Layout::Towns, WeightLaw::Integer),
            Self::Uniform => (Layout::Uniform, WeightLaw::Integer),
            Self::UniformLognormal => (Layout::Uniform, WeightLaw::Lognormal),
            Self::ClusteredFew => (clustered(4, 8_000.0, 15_000.0, 0.1), WeightLaw::Integer),
            Self::ClusteredMany => (clustered(75, 1_000.0, 3_000.0, 0.1), WeightLaw::Integer),
            Self::GaussWide => (clustered(24, 6_000.0, 12_000.0, 0.0), WeightLaw::Integer),
            Self::GaussNarrow => (clustered(24, 500.0, 1_500.0, 0.0), WeightLaw::Integer),
            Self::Pareto => (clustered(24, 2_000.0, 6_000.0, 0.25), WeightLaw::Pareto),
        }
    }

    /// Parameters of the family's instance with `demand` points, `candidates` sites and
    /// `existing` existing sites, over 150 km x 100 km.
    #[must_use]
    pub fn params(
        self,
        seed: u64,
        demand: usize,
        candidates: usize,
        existing: usize,
    ) -> FamilyParams {
        let (layout, weights) = self.shape();
        FamilyParams {
            seed,
            demand,
            candidates,
            existing,
            layout,
            weights,
            extent_x_m: 150_000.0,
            extent_y_m: 100_000.0,
        }
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A family name that [`Family::from_str`] does not know.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown instance family {name:?}: expected one of towns, uniform, uniform-lognormal, clustered-few, clustered-many, gauss-wide, gauss-narrow, pareto"
)]
pub struct UnknownFamily {
    /// The name given.
    pub name: String,
}

impl FromStr for Family {
    type Err = UnknownFamily;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Family::ALL
            .into_iter()
            .find(|f| f.name() == s)
            .ok_or_else(|| UnknownFamily { name: s.to_owned() })
    }
}

/// Draws one weight.
fn draw_weight(rng: &mut SplitMix64, law: WeightLaw) -> f64 {
    match law {
        WeightLaw::Integer => (1 + rng.below(100)) as f64,
        WeightLaw::Pareto => {
            let u = 1.0 - rng.unit();
            (10.0 * u.powf(-1.0 / 1.2)).round().clamp(1.0, 1e6)
        }
        WeightLaw::Lognormal => (3.0 + 1.5 * rng.normal()).exp().ceil().clamp(1.0, 1e9),
    }
}

/// A seeded instance of a family: demand after `params.layout` with weights after
/// `params.weights`; candidates and existing sites half in the clusters (spread 1.5 times
/// wider, clusters picked uniformly), half uniform (all uniform for [`Layout::Uniform`]).
/// [`Layout::Towns`] delegates to [`synthetic_instance`] (weights ignored).
///
/// # Errors
/// [`LocationError::NoCandidates`] when `candidates` is 0.
///
/// # Units
/// Metres.
pub fn family_instance(params: &FamilyParams) -> Result<LocationInstance, LocationError> {
    let (wx, wy) = (params.extent_x_m, params.extent_y_m);
    let (clusters, sigma_min, sigma_max, background) = match params.layout {
        Layout::Towns => {
            return synthetic_instance(
                &SyntheticParams::new(params.seed, params.demand, params.candidates)
                    .existing(params.existing),
            );
        }
        Layout::Uniform => (0, 0.0, 0.0, 1.0),
        Layout::Clustered {
            clusters,
            sigma_min_m,
            sigma_max_m,
            background,
        } => (clusters.max(1), sigma_min_m, sigma_max_m, background),
    };
    let mut rng = SplitMix64::new(params.seed ^ 0x5eed_fa31_1e5a_0001);
    let centres: Vec<(Coord<f64>, f64)> = (0..clusters)
        .map(|_| {
            let centre = Coord {
                x: wx * (0.05 + 0.9 * rng.unit()),
                y: wy * (0.05 + 0.9 * rng.unit()),
            };
            (centre, sigma_min + (sigma_max - sigma_min) * rng.unit())
        })
        .collect();
    let clamp = |c: Coord<f64>| Coord {
        x: c.x.clamp(0.0, wx).round(),
        y: c.y.clamp(0.0, wy).round(),
    };
    let point = |rng: &mut SplitMix64, uniform_share: f64, spread: f64| {
        if centres.is_empty() || rng.unit() < uniform_share {
            clamp(Coord {
                x: wx * rng.unit(),
                y: wy * rng.unit(),
            })
        } else {
            let (centre, sigma) = centres[rng.below(centres.len())];
            clamp(Coord {
                x: centre.x + spread * sigma * rng.normal(),
                y: centre.y + spread * sigma * rng.normal(),
            })
        }
    };
    let mut demand = Vec::with_capacity(params.demand);
    let mut weight = Vec::with_capacity(params.demand);
    for _ in 0..params.demand {
        demand.push(point(&mut rng, background, 1.0));
        weight.push(draw_weight(&mut rng, params.weights));
    }
    let candidates = (0..params.candidates)
        .map(|_| point(&mut rng, 0.5, 1.5))
        .collect();
    let existing = (0..params.existing)
        .map(|_| point(&mut rng, 0.5, 1.5))
        .collect();
    LocationInstance::new(demand, weight, candidates, existing)
}
