//! Seeded synthetic instances for benches, examples and the comparison with other solvers:
//! clustered "towns" over a rural background, population-like integer weights times need
//! weights, candidates mostly in towns. Deterministic across platforms (`SplitMix64`, no `rand`).

use geo::Coord;

use super::error::LocationError;
use super::instance::LocationInstance;
use super::numeric::{Draw, SplitMix64};

/// Parameters of [`synthetic_instance`].
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct SyntheticParams {
    /// Seed of the generator.
    pub seed: u64,
    /// Number of demand points.
    pub demand: usize,
    /// Number of candidate sites.
    pub candidates: usize,
    /// Number of existing sites.
    pub existing: usize,
    /// Number of towns (clusters).
    pub clusters: usize,
    /// Width of the extent.
    ///
    /// # Units
    /// Metres.
    pub extent_x_m: f64,
    /// Height of the extent.
    ///
    /// # Units
    /// Metres.
    pub extent_y_m: f64,
}

impl SyntheticParams {
    /// `demand` points and `candidates` sites from `seed`, no existing site, 24 towns over
    /// 150 km x 100 km.
    #[must_use]
    pub fn new(seed: u64, demand: usize, candidates: usize) -> Self {
        Self {
            seed,
            demand,
            candidates,
            existing: 0,
            clusters: 24,
            extent_x_m: 150_000.0,
            extent_y_m: 100_000.0,
        }
    }

    /// Sets the number of existing sites.
    #[must_use]
    pub fn existing(mut self, n: usize) -> Self {
        self.existing = n;
        self
    }

    /// Sets the number of towns (at least 1 is used).
    #[must_use]
    pub fn clusters(mut self, n: usize) -> Self {
        self.clusters = n;
        self
    }
}

/// Need weights cycled over the towns (exact binary fractions, so weights stay exact).
const NEED: [f64; 4] = [1.0, 1.25, 1.5, 2.0];

/// A seeded clustered instance: 75 % of the demand points in towns (Gaussian spread of 1.5 to
/// 6 km, town sizes decreasing like 1/rank), 25 % uniform; weights are integer populations
/// (towns 20 to 319, countryside 5 to 64) times a need weight of 1, 1.25, 1.5 or 2; 60 % of the
/// candidates and 80 % of the existing sites in towns. Coordinates are rounded to the metre, from
/// (0, 0) to the extent.
///
/// # Errors
/// [`LocationError::NoCandidates`] when `candidates` is 0.
///
/// # Units
/// Metres.
pub fn synthetic_instance(params: &SyntheticParams) -> Result<LocationInstance, LocationError> {
    let mut rng = SplitMix64::new(params.seed);
    let (wx, wy) = (params.extent_x_m, params.extent_y_m);
    let k = params.clusters.max(1);
    let towns: Vec<(Coord<f64>, f64)> = (0..k)
        .map(|_| {
            let centre = Coord {
                x: wx * (0.05 + 0.9 * rng.unit()),
                y: wy * (0.05 + 0.9 * rng.unit()),
            };
            (centre, 1_500.0 + 4_500.0 * rng.unit())
        })
        .collect();
    // Cumulative town sizes ~ 1 / rank.
    let mut cumulative = Vec::with_capacity(k);
    let mut acc = 0.0;
    for rank in 0..k {
        acc += 1.0 / (rank as f64 + 1.0);
        cumulative.push(acc);
    }
    let clamp = |c: Coord<f64>| Coord {
        x: c.x.clamp(0.0, wx).round(),
        y: c.y.clamp(0.0, wy).round(),
    };
    let pick_town = |rng: &mut SplitMix64| {
        let u = rng.unit() * acc;
        cumulative.partition_point(|&c| c <= u).min(k - 1)
    };
    let in_town = |rng: &mut SplitMix64, t: usize, spread: f64| {
        let (centre, sigma) = towns[t];
        clamp(Coord {
            x: centre.x + spread * sigma * rng.normal(),
            y: centre.y + spread * sigma * rng.normal(),
        })
    };
    let uniform = |rng: &mut SplitMix64| {
        clamp(Coord {
            x: wx * rng.unit(),
            y: wy * rng.unit(),
        })
    };
    let mut demand = Vec::with_capacity(params.demand);
    let mut weight = Vec::with_capacity(params.demand);
    for _ in 0..params.demand {
        if rng.unit() < 0.75 {
            let t = pick_town(&mut rng);
            demand.push(in_town(&mut rng, t, 1.0));
            weight.push((20 + rng.below(300)) as f64 * NEED[t % NEED.len()]);
        } else {
            demand.push(uniform(&mut rng));
            weight.push((5 + rng.below(60)) as f64 * NEED[rng.below(NEED.len())]);
        }
    }
    let sites = |n: usize, town_share: f64, rng: &mut SplitMix64| -> Vec<Coord<f64>> {
        (0..n)
            .map(|_| {
                if rng.unit() < town_share {
                    // Towns picked uniformly: small towns get candidates too.
                    let t = rng.below(k);
                    in_town(rng, t, 1.5)
                } else {
                    uniform(rng)
                }
            })
            .collect()
    };
    let candidates = sites(params.candidates, 0.6, &mut rng);
    let existing = sites(params.existing, 0.8, &mut rng);
    LocationInstance::new(demand, weight, candidates, existing)
}
