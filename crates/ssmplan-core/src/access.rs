//! Access distances: each demand point's nearest site under a distance model.

use geo::Coord;

use crate::index::bounding_box;
use crate::{DemandPoint, DistanceModel, NearestGrid, Neighbour, PointIndex, par};

/// For every demand point, its nearest site (index into `sites`) and the access distance under
/// `model`; `None` for every point when there is no site. Ties go to the lowest site index.
/// Runs in parallel with the `rayon` feature; the result does not depend on the thread count.
///
/// Straight-line-monotone models (straight line, detour factor) use a [`NearestGrid`] over the
/// demand's extent when there are many points; others evaluate the model around the R-tree's
/// candidate.
#[must_use]
pub fn nearest_sites(
    demand: &[DemandPoint],
    sites: &[Coord<f64>],
    model: &dyn DistanceModel,
) -> Vec<Option<Neighbour>> {
    if model.is_monotone()
        && demand.len() >= 4 * sites.len().max(1)
        && !sites.is_empty()
        && let Some(extent) = bounding_box(demand.iter().map(|p| p.location))
    {
        let grid = NearestGrid::new(sites, extent, 4.0);
        return par::map(demand, |p| {
            grid.nearest(p.location).map(|n| Neighbour {
                index: n.index,
                distance_m: model.distance_m(p.location, sites[n.index]),
            })
        });
    }
    let index = PointIndex::new(sites);
    par::map(demand, |p| index.nearest_by(p.location, sites, model))
}
