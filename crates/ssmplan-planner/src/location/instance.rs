//! The abstract, validated input of every location model.

use geo::Coord;

use super::error::{LocationError, PointSet};

/// Demand points with their weights, candidate sites and existing (fixed, always open) sites.
///
/// Built with [`LocationInstance::new`], which checks every value once so that the solvers never
/// meet a NaN, a negative weight or mismatched lengths.
///
/// # Units
/// Coordinates in Belgian Lambert 2008 (EPSG:3812), metres. Weights are population times the
/// need weight of the demand point's typology group (any non-negative unit works).
#[derive(Clone, Debug)]
pub struct LocationInstance {
    demand: Vec<Coord<f64>>,
    weight: Vec<f64>,
    candidates: Vec<Coord<f64>>,
    existing: Vec<Coord<f64>>,
    total_weight: f64,
}

/// Largest number of points of one set (indices are stored on 32 bits).
const MAX_POINTS: usize = u32::MAX as usize - 1;

impl LocationInstance {
    /// Validates and builds an instance.
    ///
    /// Duplicate points, zero weights and an empty demand or existing set are allowed.
    ///
    /// # Errors
    /// [`LocationError::WeightCount`] when `weight` and `demand` differ in length,
    /// [`LocationError::InvalidWeight`] for a negative, NaN or infinite weight,
    /// [`LocationError::WeightOverflow`] when the weights sum to infinity,
    /// [`LocationError::InvalidCoordinate`] for a non-finite coordinate,
    /// [`LocationError::NoCandidates`] when `candidates` is empty and
    /// [`LocationError::TooManyPoints`] beyond `u32::MAX - 1` points in a set.
    ///
    /// # Units
    /// EPSG:3812 metres.
    pub fn new(
        demand: Vec<Coord<f64>>,
        weight: Vec<f64>,
        candidates: Vec<Coord<f64>>,
        existing: Vec<Coord<f64>>,
    ) -> Result<Self, LocationError> {
        if weight.len() != demand.len() {
            return Err(LocationError::WeightCount {
                demand: demand.len(),
                weights: weight.len(),
            });
        }
        if candidates.is_empty() {
            return Err(LocationError::NoCandidates);
        }
        for (set, points) in [
            (PointSet::Demand, &demand),
            (PointSet::Candidates, &candidates),
            (PointSet::Existing, &existing),
        ] {
            if points.len() > MAX_POINTS {
                return Err(LocationError::TooManyPoints {
                    set,
                    count: points.len(),
                    max: MAX_POINTS,
                });
            }
            if let Some((index, p)) = points
                .iter()
                .enumerate()
                .find(|(_, p)| !(p.x.is_finite() && p.y.is_finite()))
            {
                return Err(LocationError::InvalidCoordinate {
                    set,
                    index,
                    x: p.x,
                    y: p.y,
                });
            }
        }
        if let Some((index, &value)) = weight
            .iter()
            .enumerate()
            .find(|(_, w)| !(w.is_finite() && **w >= 0.0))
        {
            return Err(LocationError::InvalidWeight { index, value });
        }
        let total_weight = super::numeric::det_sum(weight.len(), |i| weight[i]);
        if !total_weight.is_finite() {
            return Err(LocationError::WeightOverflow);
        }
        Ok(Self {
            demand,
            weight,
            candidates,
            existing,
            total_weight,
        })
    }

    /// The demand points.
    ///
    /// # Units
    /// EPSG:3812 metres.
    #[must_use]
    pub fn demand(&self) -> &[Coord<f64>] {
        &self.demand
    }

    /// The weight of each demand point (population x need weight).
    #[must_use]
    pub fn weight(&self) -> &[f64] {
        &self.weight
    }

    /// The candidate sites; solutions refer to them by index in this slice.
    ///
    /// # Units
    /// EPSG:3812 metres.
    #[must_use]
    pub fn candidates(&self) -> &[Coord<f64>] {
        &self.candidates
    }

    /// The existing sites, always open.
    ///
    /// # Units
    /// EPSG:3812 metres.
    #[must_use]
    pub fn existing(&self) -> &[Coord<f64>] {
        &self.existing
    }

    /// Sum of the demand weights (in a fixed order).
    #[must_use]
    pub fn total_weight(&self) -> f64 {
        self.total_weight
    }
}
