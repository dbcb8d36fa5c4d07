//! Access distances: each demand point's nearest site under a distance model.

use geo::Coord;

use crate::{DemandPoint, DistanceModel, Neighbour, PointIndex, par};

/// For every demand point, its nearest site (index into `sites`) and the access distance under
/// `model`; `None` for every point when there is no site. Ties go to the lowest site index.
/// Runs in parallel with the `rayon` feature; the result does not depend on the thread count.
#[must_use]
pub fn nearest_sites(
    demand: &[DemandPoint],
    sites: &[Coord<f64>],
    model: &dyn DistanceModel,
) -> Vec<Option<Neighbour>> {
    let index = PointIndex::new(sites);
    par::map(demand, |p| index.nearest_by(p.location, sites, model))
}
