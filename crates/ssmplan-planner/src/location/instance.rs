//! The abstract, validated input of every location model.

use geo::Coord;

use super::costs::CostTable;
use super::error::{LocationError, PointSet};

/// Demand points with their weights, candidate sites and existing (fixed, always open) sites.
///
/// Built with [`LocationInstance::new`] from coordinates (straight-line distances), or with
/// [`LocationInstance::from_costs`] from a sparse [`CostTable`] (network distances, travel
/// times: a pair absent from the table is unreachable). Both check every value once so that the
/// solvers never meet a NaN, a negative weight or mismatched lengths.
///
/// # Units
/// Coordinates in Belgian Lambert 2008 (EPSG:3812), metres, or the cost table's unit. Weights
/// are population times the need weight of the demand point's typology group (any
/// non-negative unit works).
#[derive(Clone, Debug)]
pub struct LocationInstance {
    demand: Vec<Coord<f64>>,
    weight: Vec<f64>,
    candidates: Vec<Coord<f64>>,
    existing: Vec<Coord<f64>>,
    total_weight: f64,
    costs: Option<CostTable>,
    unreached_cost: f64,
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
        let total_weight = checked_total(&weight)?;
        Ok(Self {
            demand,
            weight,
            candidates,
            existing,
            total_weight,
            costs: None,
            unreached_cost: f64::INFINITY,
        })
    }

    /// Validates and builds an instance on a sparse cost table: `weight` has one entry per
    /// demand point of the table. The solvers take the table's pairs in place of straight
    /// lines: MCLP and LSCP cover the pairs with `cost <= radius`; p-median serves each demand
    /// point from the cheapest open site it reaches.
    ///
    /// A demand point that no open site reaches costs p-median the *unreached cost*
    /// [`LocationInstance::unreached_cost`] per unit of weight:
    /// `U = c_max x (W / q + 1)` with `c_max` the largest cost of the table, `W` the total
    /// weight and `q` the smallest positive weight capped at 1 (`U = 1` when every cost is 0).
    /// Then `U x q` exceeds the cost of serving everyone, so with integer weights (or weights
    /// that are multiples of a `q` below 1) a set of sites that leaves less weight unreached
    /// always wins: the optimum is the strict p-median of the table's pairs (every demand point
    /// served by a site it reaches) whenever some set of `p` sites reaches everyone, and
    /// otherwise leaves the least weight unreached.
    ///
    /// # Errors
    /// [`LocationError::CostTableSize`] when `weight` and the table differ in demand points,
    /// [`LocationError::NoCandidates`] without candidates, and the weight errors of
    /// [`LocationInstance::new`].
    ///
    /// # Units
    /// The cost table's unit.
    pub fn from_costs(weight: Vec<f64>, costs: CostTable) -> Result<Self, LocationError> {
        if weight.len() != costs.demand_count() {
            return Err(LocationError::CostTableSize {
                demand: costs.demand_count(),
                weights: weight.len(),
            });
        }
        if costs.candidate_count() == 0 {
            return Err(LocationError::NoCandidates);
        }
        let total_weight = checked_total(&weight)?;
        let smallest = weight
            .iter()
            .copied()
            .filter(|&w| w > 0.0)
            .fold(1.0_f64, f64::min);
        let unreached_cost = if costs.max_cost() > 0.0 {
            costs.max_cost() * (total_weight / smallest + 1.0)
        } else {
            1.0
        };
        Ok(Self {
            demand: Vec::new(),
            weight,
            candidates: Vec::new(),
            existing: Vec::new(),
            total_weight,
            costs: Some(costs),
            unreached_cost,
        })
    }

    /// The cost table of an instance built with [`LocationInstance::from_costs`].
    #[must_use]
    pub fn costs(&self) -> Option<&CostTable> {
        self.costs.as_ref()
    }

    /// p-median on a cost table: the cost per unit of weight of a demand point that no open
    /// site reaches (see [`LocationInstance::from_costs`]); infinite for a planar instance,
    /// where every site reaches every point.
    ///
    /// # Units
    /// The cost table's unit.
    #[must_use]
    pub fn unreached_cost(&self) -> f64 {
        self.unreached_cost
    }

    /// Number of demand points.
    #[must_use]
    pub fn demand_count(&self) -> usize {
        self.weight.len()
    }

    /// Number of candidate sites; solutions refer to them by index.
    #[must_use]
    pub fn candidate_count(&self) -> usize {
        self.costs
            .as_ref()
            .map_or(self.candidates.len(), CostTable::candidate_count)
    }

    /// Number of existing sites.
    #[must_use]
    pub fn existing_count(&self) -> usize {
        self.costs
            .as_ref()
            .map_or(self.existing.len(), CostTable::existing_count)
    }

    /// The demand points (empty for an instance on a cost table).
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

    /// The candidate sites; solutions refer to them by index in this slice (empty for an
    /// instance on a cost table: see [`LocationInstance::candidate_count`]).
    ///
    /// # Units
    /// EPSG:3812 metres.
    #[must_use]
    pub fn candidates(&self) -> &[Coord<f64>] {
        &self.candidates
    }

    /// The existing sites, always open (empty for an instance on a cost table).
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

/// The total of the weights, refusing negative, NaN and infinite ones and an infinite sum.
fn checked_total(weight: &[f64]) -> Result<f64, LocationError> {
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
    Ok(total_weight)
}
