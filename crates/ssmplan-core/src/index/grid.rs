//! A nearest-site lookup grid for bulk queries: each grid cell stores the few sites that can be
//! the nearest of a point inside it, found once with the R-tree, so a query scans a handful of
//! candidates instead of descending the tree.

use geo::{Coord, Rect};

use super::{Neighbour, PointIndex, dist_2};

/// Nearest-site lookup over a rectangular extent (queries outside it fall back to the R-tree).
///
/// For a cell of centre `c` and half-diagonal `h`, whose centre's nearest site is at `d_c`, every
/// site that can be nearest to a point of the cell lies within `d_c + 2h` of `c` (triangle
/// inequality), so the candidate list is exact, ties included. Results are identical to
/// [`PointIndex::nearest`]: smallest squared distance, then lowest index.
#[derive(Clone, Debug)]
pub struct NearestGrid {
    index: PointIndex,
    points: Vec<Coord<f64>>,
    origin: Coord<f64>,
    cell_m: f64,
    nx: usize,
    ny: usize,
    offsets: Vec<u32>,
    items: Vec<u32>,
}

impl NearestGrid {
    /// Builds the grid over `extent` with about `cells_per_point` cells per indexed point (at
    /// most 4 million cells).
    #[must_use]
    pub fn new(points: &[Coord<f64>], extent: Rect<f64>, cells_per_point: f64) -> Self {
        let index = PointIndex::new(points);
        let width = extent.width().max(1.0);
        let height = extent.height().max(1.0);
        let cells = (points.len().max(1) as f64 * cells_per_point).clamp(1.0, 4.0e6);
        let cell_m = ((width * height) / cells).sqrt().max(1.0);
        let nx = (width / cell_m).ceil().max(1.0) as usize;
        let ny = (height / cell_m).ceil().max(1.0) as usize;
        let half_diagonal = cell_m * std::f64::consts::FRAC_1_SQRT_2;
        let origin = extent.min();
        let lists: Vec<Vec<u32>> = crate::par::map_range(nx * ny, |k| {
            let (i, j) = (k % nx, k / nx);
            let c = Coord {
                x: origin.x + (i as f64 + 0.5) * cell_m,
                y: origin.y + (j as f64 + 0.5) * cell_m,
            };
            let Some(first) = index.nearest(c) else {
                return Vec::new();
            };
            let radius = first.distance_m + 2.0 * half_diagonal + 1e-6 * (1.0 + first.distance_m);
            let mut found: Vec<u32> = index
                .within_radius(c, radius)
                .iter()
                .map(|n| n.index as u32)
                .collect();
            found.sort_unstable();
            found
        });
        let mut offsets = Vec::with_capacity(lists.len() + 1);
        let mut items = Vec::new();
        offsets.push(0);
        for l in lists {
            items.extend(l);
            offsets.push(items.len() as u32);
        }
        Self {
            index,
            points: points.to_vec(),
            origin,
            cell_m,
            nx,
            ny,
            offsets,
            items,
        }
    }

    /// The nearest point, as [`PointIndex::nearest`].
    #[must_use]
    pub fn nearest(&self, query: Coord<f64>) -> Option<Neighbour> {
        let fx = (query.x - self.origin.x) / self.cell_m;
        let fy = (query.y - self.origin.y) / self.cell_m;
        if !(fx >= 0.0 && fy >= 0.0 && fx < self.nx as f64 && fy < self.ny as f64) {
            return self.index.nearest(query);
        }
        let k = fy as usize * self.nx + fx as usize;
        let list = &self.items[self.offsets[k] as usize..self.offsets[k + 1] as usize];
        let q = [query.x, query.y];
        let mut best: Option<(f64, usize)> = None;
        for &i in list {
            let p = self.points[i as usize];
            let d2 = dist_2(&[p.x, p.y], &q);
            // Lists are sorted by index, so a strict comparison keeps the lowest index on ties.
            if best.is_none_or(|(b, _)| d2 < b) {
                best = Some((d2, i as usize));
            }
        }
        best.map(|(d2, index)| Neighbour {
            index,
            distance_m: d2.sqrt(),
        })
    }
}
