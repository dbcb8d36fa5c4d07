//! Snapping points to the nearest graph node (an R-tree on the node positions).

use geo::Coord;
use rstar::RTree;
use rstar::primitives::GeomWithData;

use crate::RoadGraph;

/// A point attached to the graph: its nearest node and the straight line to it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Snapped {
    /// The nearest node (lowest id on a tie).
    pub node: u32,
    /// The straight-line distance from the point to the node.
    ///
    /// # Units
    /// Metres.
    pub distance_m: f64,
}

/// The nearest-node index of a graph.
#[derive(Debug)]
pub struct Snapper {
    tree: RTree<GeomWithData<[f64; 2], u32>>,
}

impl Snapper {
    /// Indexes the nodes of `graph`.
    #[must_use]
    pub fn new(graph: &RoadGraph) -> Self {
        let points = graph
            .positions()
            .iter()
            .enumerate()
            .map(|(i, c)| GeomWithData::new([c.x, c.y], i as u32))
            .collect();
        Self {
            tree: RTree::bulk_load(points),
        }
    }

    /// The nearest node of `point`, `None` for an empty graph or a non-finite point. On equal
    /// distances the lowest node id wins (the result does not depend on the tree's layout).
    ///
    /// # Units
    /// `point` in metres, EPSG:3812.
    #[must_use]
    pub fn snap(&self, point: Coord<f64>) -> Option<Snapped> {
        if !(point.x.is_finite() && point.y.is_finite()) {
            return None;
        }
        let query = [point.x, point.y];
        let mut best: Option<(f64, u32)> = None;
        for (item, d2) in self.tree.nearest_neighbor_iter_with_distance_2(&query) {
            match best {
                Some((b2, _)) if d2 > b2 => break,
                // Distances come in nondecreasing order: here `d2` equals the best's.
                Some((_, b)) if b <= item.data => {}
                _ => best = Some((d2, item.data)),
            }
        }
        best.map(|(d2, node)| Snapped {
            node,
            distance_m: d2.sqrt(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::Edge;

    /// A seeded brute-force oracle: the nearest node by a scan.
    #[test]
    fn snap_matches_a_scan() {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        // Positions on a 10 m lattice so that ties happen.
        let xy: Vec<Coord<f64>> = (0..500)
            .map(|_| Coord {
                x: (next() * 50.0).floor() * 10.0,
                y: (next() * 50.0).floor() * 10.0,
            })
            .collect();
        let graph = RoadGraph::new(xy.clone(), &[] as &[Edge]);
        let snapper = Snapper::new(&graph);
        for _ in 0..2000 {
            let p = Coord {
                x: (next() * 60.0).floor() * 10.0 - 50.0,
                y: (next() * 60.0).floor() * 10.0 - 50.0,
            };
            let (mut best, mut node) = (f64::INFINITY, 0);
            for (i, c) in xy.iter().enumerate() {
                let d = (c.x - p.x).hypot(c.y - p.y);
                if d < best {
                    (best, node) = (d, i as u32);
                }
            }
            let s = snapper.snap(p).expect("non-empty");
            assert_eq!(s.node, node, "{p:?}");
            assert!((s.distance_m - best).abs() < 1e-9);
        }
        assert!(
            snapper
                .snap(Coord {
                    x: f64::NAN,
                    y: 0.0
                })
                .is_none()
        );
    }
}
