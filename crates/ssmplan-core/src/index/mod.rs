//! R-tree indexes: points (sites or demand) and commune boundaries.

use geo::{BoundingRect, Contains, Coord, MultiPolygon, Point};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

use crate::{Commune, DistanceModel};

mod grid;
pub use grid::NearestGrid;

type IndexedPoint = GeomWithData<[f64; 2], usize>;

/// An R-tree over points (EPSG:3812), each carrying its index in the caller's slice.
///
/// Ties (equal distances, e.g. several sites geocoded to the same locality point) are broken by
/// the lowest index, so results are deterministic.
#[derive(Clone, Debug)]
pub struct PointIndex {
    tree: RTree<IndexedPoint>,
    len: usize,
}

/// A point found by a query: its index in the indexed slice and its distance.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Neighbour {
    /// Index of the point in the slice the index was built from.
    pub index: usize,
    /// Distance from the query point.
    ///
    /// # Units
    /// Metres.
    pub distance_m: f64,
}

impl PointIndex {
    /// Bulk-loads the points.
    #[must_use]
    pub fn new(points: &[Coord<f64>]) -> Self {
        let items = points
            .iter()
            .enumerate()
            .map(|(i, p)| GeomWithData::new([p.x, p.y], i))
            .collect();
        Self {
            tree: RTree::bulk_load(items),
            len: points.len(),
        }
    }

    /// Number of indexed points.
    #[must_use]
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when no point is indexed.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The nearest point (straight line), lowest index on ties; `None` when the index is empty.
    #[must_use]
    pub fn nearest(&self, query: Coord<f64>) -> Option<Neighbour> {
        let q = [query.x, query.y];
        // Every point at exactly the smallest distance; keep the lowest index.
        let tied = self.tree.nearest_neighbors(&q);
        let best = tied.iter().min_by_key(|p| p.data)?;
        Some(Neighbour {
            index: best.data,
            distance_m: dist_2(best.geom(), &q).sqrt(),
        })
    }

    /// The `k` nearest points (straight line), sorted by distance then index.
    #[must_use]
    pub fn k_nearest(&self, query: Coord<f64>, k: usize) -> Vec<Neighbour> {
        if k == 0 {
            return Vec::new();
        }
        let q = [query.x, query.y];
        let mut found: Vec<Neighbour> = Vec::with_capacity(k + 4);
        let mut kth_2 = f64::INFINITY;
        for p in self.tree.nearest_neighbor_iter_with_distance_2(&q) {
            let (point, d2) = p;
            if found.len() >= k && d2 > kth_2 {
                break;
            }
            found.push(Neighbour {
                index: point.data,
                distance_m: d2,
            });
            if found.len() == k {
                kth_2 = d2;
            }
        }
        found.sort_by(|a, b| {
            a.distance_m
                .total_cmp(&b.distance_m)
                .then(a.index.cmp(&b.index))
        });
        found.truncate(k);
        for n in &mut found {
            n.distance_m = n.distance_m.sqrt();
        }
        found
    }

    /// Every point within `radius_m` (inclusive), sorted by distance then index.
    #[must_use]
    pub fn within_radius(&self, query: Coord<f64>, radius_m: f64) -> Vec<Neighbour> {
        let q = [query.x, query.y];
        let r2 = radius_m * radius_m;
        let mut found: Vec<Neighbour> = self
            .tree
            .locate_within_distance(q, r2)
            .map(|p| Neighbour {
                index: p.data,
                distance_m: dist_2(p.geom(), &q).sqrt(),
            })
            .collect();
        found.sort_by(|a, b| {
            a.distance_m
                .total_cmp(&b.distance_m)
                .then(a.index.cmp(&b.index))
        });
        found
    }

    /// The nearest point under a distance model. For monotone models (straight line, detour
    /// factor) this is the straight-line nearest; otherwise every point within the straight-line
    /// bound of the first candidate is evaluated.
    #[must_use]
    pub fn nearest_by(
        &self,
        query: Coord<f64>,
        points: &[Coord<f64>],
        model: &dyn DistanceModel,
    ) -> Option<Neighbour> {
        let first = self.nearest(query)?;
        let first_m = model.distance_m(query, points[first.index]);
        if model.is_monotone() {
            return Some(Neighbour {
                index: first.index,
                distance_m: first_m,
            });
        }
        let bound = model.straight_line_bound_m(first_m);
        self.within_radius(query, bound)
            .into_iter()
            .map(|n| Neighbour {
                index: n.index,
                distance_m: model.distance_m(query, points[n.index]),
            })
            .min_by(|a, b| {
                a.distance_m
                    .total_cmp(&b.distance_m)
                    .then(a.index.cmp(&b.index))
            })
    }
}

/// Smallest rectangle holding every point; `None` for no point or a non-finite coordinate.
pub(crate) fn bounding_box(points: impl IntoIterator<Item = Coord<f64>>) -> Option<geo::Rect<f64>> {
    let mut points = points.into_iter();
    let first = points.next()?;
    let (mut min, mut max) = (first, first);
    for p in points {
        min.x = min.x.min(p.x);
        min.y = min.y.min(p.y);
        max.x = max.x.max(p.x);
        max.y = max.y.max(p.y);
    }
    (min.x.is_finite() && min.y.is_finite() && max.x.is_finite() && max.y.is_finite())
        .then(|| geo::Rect::new(min, max))
}

fn dist_2(a: &[f64; 2], b: &[f64; 2]) -> f64 {
    let dx = a[0] - b[0];
    let dy = a[1] - b[1];
    dx * dx + dy * dy
}

/// Point-in-commune lookup: an R-tree of commune bounding boxes, refined with an exact
/// point-in-polygon test (boundary points belong to the lowest-index commune touching them).
#[derive(Clone, Debug)]
pub struct CommuneLocator {
    tree: RTree<GeomWithData<Rectangle<[f64; 2]>, usize>>,
    shapes: Vec<MultiPolygon<f64>>,
}

impl CommuneLocator {
    /// Indexes the communes' boundaries.
    #[must_use]
    pub fn new(communes: &[Commune]) -> Self {
        let shapes: Vec<MultiPolygon<f64>> = communes.iter().map(|c| c.geometry.clone()).collect();
        let items = shapes
            .iter()
            .enumerate()
            .filter_map(|(i, g)| {
                let r = g.bounding_rect()?;
                Some(GeomWithData::new(
                    Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                    i,
                ))
            })
            .collect();
        Self {
            tree: RTree::bulk_load(items),
            shapes,
        }
    }

    /// Index of the commune containing `point` (interior or boundary), `None` outside all.
    #[must_use]
    pub fn locate(&self, point: Coord<f64>) -> Option<usize> {
        let p = Point::from(point);
        self.tree
            .locate_in_envelope_intersecting(&AABB::from_point([point.x, point.y]))
            .map(|r| r.data)
            .filter(|&i| {
                use geo::Intersects;
                self.shapes[i].contains(&p) || self.shapes[i].intersects(&p)
            })
            .min()
    }
}

#[cfg(test)]
mod tests;
