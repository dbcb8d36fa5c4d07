//! Options of the reconstruction ([`TypologyParams`]).

use serde::{Deserialize, Serialize};

use super::error::TypologyError;

/// How the need and offer axes are placed in the plane of the first two principal components.
///
/// The groups never depend on it: k-means runs on the principal-component scores, and a
/// rotation of the plane moves no commune from one group to another. It decides which
/// directions are called need and offer, hence the scores, the loadings and the group names.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AxisRotation {
    /// The orthonormal pair of directions of the principal plane closest to the declared axes:
    /// the need axis near the equal-weight sum of the need z-scores, the offer axis near that of
    /// the offer z-scores (orthogonal Procrustes). Each score then reads as need or as offer
    /// even when need and offer indicators are correlated across communes (in Wallonia, poorer
    /// communes are also nearer to services, and the first component mixes both); the axes are
    /// no longer the variance-maximising components, and their scores may be correlated.
    #[default]
    Target,
    /// The two principal components as they come: the need axis is the component whose
    /// loadings on the need indicators have the largest absolute sum (the first on a tie), the
    /// offer axis the other. Faithful to a plain PCA (the scores are uncorrelated and the first
    /// axis carries the most variance), but when need and offer indicators are correlated both
    /// components mix them and the naming by need minus offer loses its meaning.
    None,
}

/// Options of [`reconstruct_typology`](super::reconstruct_typology), built with
/// [`TypologyParams::new`] and `#[must_use]` setters: `TypologyParams::new().seed(7).restarts(50)`;
/// the fields are public to read.
///
/// k-means restarts run on the global rayon pool; results do not depend on the number of threads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TypologyParams {
    /// Number of clusters. Must be 4 ([`TypologyParams::GROUPS`]): the naming step maps the
    /// clusters one to one onto the four IWEPS groups, so any other value is refused.
    #[serde(default = "defaults::k")]
    pub k: usize,
    /// Seed of the k-means++ seeding (`SplitMix64`). Restart `r` uses the `r`-th draw of a
    /// `SplitMix64` stream started at this seed.
    #[serde(default = "defaults::seed")]
    pub seed: u64,
    /// Number of k-means runs, each from its own k-means++ seeding; the run of lowest inertia is
    /// kept (the first on ties). The default, 100, costs about 5 ms on the 261 Walloon communes;
    /// there, a single run reaches the best inertia found (in 1,000 runs) 6.5 % of the time, so
    /// 20 runs miss it one time in four and 100 runs one time in a thousand.
    #[serde(default = "defaults::restarts")]
    pub restarts: usize,
    /// Cap on the Lloyd iterations of each run.
    #[serde(default = "defaults::max_iterations")]
    pub max_iterations: usize,
    /// How the need and offer axes are placed in the principal plane.
    #[serde(default)]
    pub rotation: AxisRotation,
}

/// Default values of [`TypologyParams`].
mod defaults {
    pub(super) fn k() -> usize {
        super::TypologyParams::GROUPS
    }
    pub(super) fn seed() -> u64 {
        42
    }
    pub(super) fn restarts() -> usize {
        100
    }
    pub(super) fn max_iterations() -> usize {
        300
    }
}

impl Default for TypologyParams {
    fn default() -> Self {
        Self::new()
    }
}

impl TypologyParams {
    /// The number of IWEPS groups, the only supported `k`.
    pub const GROUPS: usize = 4;

    /// The defaults: `k = 4`, `seed = 42`, `restarts = 100`, `max_iterations = 300`,
    /// [`AxisRotation::Target`].
    #[must_use]
    pub fn new() -> Self {
        Self {
            k: defaults::k(),
            seed: defaults::seed(),
            restarts: defaults::restarts(),
            max_iterations: defaults::max_iterations(),
            rotation: AxisRotation::Target,
        }
    }

    /// Sets the number of clusters (only 4 is accepted by
    /// [`reconstruct_typology`](super::reconstruct_typology)).
    #[must_use]
    pub fn k(mut self, k: usize) -> Self {
        self.k = k;
        self
    }

    /// Sets the seed of the k-means++ seeding.
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Sets the number of k-means runs.
    #[must_use]
    pub fn restarts(mut self, restarts: usize) -> Self {
        self.restarts = restarts;
        self
    }

    /// Sets the cap on the Lloyd iterations of each run.
    #[must_use]
    pub fn max_iterations(mut self, max_iterations: usize) -> Self {
        self.max_iterations = max_iterations;
        self
    }

    /// Sets how the need and offer axes are placed in the principal plane.
    #[must_use]
    pub fn rotation(mut self, rotation: AxisRotation) -> Self {
        self.rotation = rotation;
        self
    }

    /// Checks the options.
    ///
    /// # Errors
    /// [`TypologyError::UnsupportedGroupCount`] when `k != 4`, [`TypologyError::NoRestarts`]
    /// when `restarts == 0`, [`TypologyError::NoIterations`] when `max_iterations == 0`.
    pub fn validate(&self) -> Result<(), TypologyError> {
        if self.k != Self::GROUPS {
            return Err(TypologyError::UnsupportedGroupCount {
                k: self.k,
                expected: Self::GROUPS,
            });
        }
        if self.restarts == 0 {
            return Err(TypologyError::NoRestarts);
        }
        if self.max_iterations == 0 {
            return Err(TypologyError::NoIterations);
        }
        Ok(())
    }
}
