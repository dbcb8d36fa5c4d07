//! Simplification of a polygon coverage that keeps its topology: a border shared by two
//! communes is simplified once and used by both, so simplified neighbours neither overlap nor
//! leave gaps between them (what topojson and mapshaper do; `geo`'s `Simplify` works on one
//! geometry at a time and would move each side of a shared border differently).
//!
//! The rings are cut into arcs at their *nodes*: vertices with other than two distinct
//! neighbours over the whole coverage (where three communes meet, or where a shared border
//! leaves the outline). Each arc is simplified with Ramer-Douglas-Peucker, endpoints fixed,
//! in a canonical direction, and cached, so both rings that use it get the same points.
//! Shared vertices must be bitwise identical in the input (true of a coverage reprojected
//! from one file).

use std::collections::{BTreeSet, HashMap};

use geo::{Coord, LineString, MultiPolygon, Polygon, Simplify};

type Key = (u64, u64);

fn key(c: Coord<f64>) -> Key {
    (c.x.to_bits(), c.y.to_bits())
}

/// The ring's coordinates without the closing repeat and without consecutive duplicates.
fn open_ring(ring: &LineString<f64>) -> Vec<Coord<f64>> {
    let mut out: Vec<Coord<f64>> = Vec::with_capacity(ring.0.len());
    for c in &ring.0 {
        if out.last().is_none_or(|l| key(*l) != key(*c)) {
            out.push(*c);
        }
    }
    if out.len() > 1 && key(out[0]) == key(out[out.len() - 1]) {
        out.pop();
    }
    out
}

/// Simplifies every multipolygon of a coverage with tolerance `epsilon` (in the units of the
/// coordinates, metres in EPSG:3812), keeping shared borders shared. A ring that would
/// collapse (fewer than 4 points) is kept as it was.
#[must_use]
pub fn simplify_coverage(shapes: &[MultiPolygon<f64>], epsilon: f64) -> Vec<MultiPolygon<f64>> {
    let rings: Vec<Vec<Coord<f64>>> = shapes
        .iter()
        .flat_map(|m| m.0.iter())
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .map(open_ring)
        .collect();
    // Distinct neighbours of every vertex over the whole coverage.
    let mut neighbours: HashMap<Key, BTreeSet<Key>> = HashMap::new();
    for ring in &rings {
        let n = ring.len();
        for i in 0..n {
            let set = neighbours.entry(key(ring[i])).or_default();
            set.insert(key(ring[(i + n - 1) % n]));
            set.insert(key(ring[(i + 1) % n]));
        }
    }
    let is_node = |c: Coord<f64>| neighbours.get(&key(c)).is_none_or(|s| s.len() != 2);
    let mut cache: HashMap<Vec<Key>, Vec<Coord<f64>>> = HashMap::new();
    let mut simplify_ring = |ring: &[Coord<f64>]| -> LineString<f64> {
        let n = ring.len();
        if n < 3 {
            return LineString::new(ring.to_vec());
        }
        let mut nodes: Vec<usize> = (0..n).filter(|&i| is_node(ring[i])).collect();
        if nodes.is_empty() {
            // A ring that touches nothing (or an enclave's border): start at its smallest
            // vertex so that both sides cut it at the same place.
            let start = (0..n).min_by_key(|&i| key(ring[i])).unwrap_or(0);
            nodes.push(start);
        }
        let mut out: Vec<Coord<f64>> = Vec::with_capacity(n);
        for (k, &from) in nodes.iter().enumerate() {
            let to = nodes[(k + 1) % nodes.len()];
            let len = if to > from { to - from } else { to + n - from };
            let arc: Vec<Coord<f64>> = (0..=len).map(|j| ring[(from + j) % n]).collect();
            let keys: Vec<Key> = arc.iter().map(|c| key(*c)).collect();
            let mut reversed_keys = keys.clone();
            reversed_keys.reverse();
            let forward = keys <= reversed_keys;
            let canonical = if forward { keys } else { reversed_keys };
            let simplified = cache.entry(canonical).or_insert_with(|| {
                let mut line: Vec<Coord<f64>> = arc.clone();
                if !forward {
                    line.reverse();
                }
                LineString::new(line).simplify(epsilon).0
            });
            let mut piece = simplified.clone();
            if !forward {
                piece.reverse();
            }
            // Each arc ends where the next starts.
            piece.pop();
            out.extend(piece);
        }
        if let Some(first) = out.first().copied() {
            out.push(first);
        }
        if out.len() < 4 {
            let mut kept = ring.to_vec();
            kept.push(ring[0]);
            return LineString::new(kept);
        }
        LineString::new(out)
    };
    shapes
        .iter()
        .map(|m| {
            MultiPolygon::new(
                m.0.iter()
                    .map(|p| {
                        Polygon::new(
                            simplify_ring(&open_ring(p.exterior())),
                            p.interiors()
                                .iter()
                                .map(|r| simplify_ring(&open_ring(r)))
                                .collect(),
                        )
                    })
                    .collect(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use geo::{Area, polygon};

    use super::*;

    /// Undirected edges of a coverage with the number of rings using each.
    fn edges(shapes: &[MultiPolygon<f64>]) -> BTreeMap<(Key, Key), usize> {
        let mut out = BTreeMap::new();
        for m in shapes {
            for p in &m.0 {
                for r in std::iter::once(p.exterior()).chain(p.interiors()) {
                    for w in r.0.windows(2) {
                        let (a, b) = (key(w[0]), key(w[1]));
                        *out.entry((a.min(b), a.max(b))).or_default() += 1;
                    }
                }
            }
        }
        out
    }

    /// Two squares sharing a zig-zag border, each with a wiggly outer side.
    fn pair() -> Vec<MultiPolygon<f64>> {
        let left = polygon![
            (x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.1, y: 2.0), (x: 9.9, y: 4.0),
            (x: 10.1, y: 6.0), (x: 9.9, y: 8.0), (x: 10.0, y: 10.0), (x: 0.0, y: 10.0),
            (x: -0.1, y: 5.0), (x: 0.0, y: 0.0),
        ];
        let right = polygon![
            (x: 10.0, y: 0.0), (x: 20.0, y: 0.0), (x: 20.0, y: 10.0), (x: 10.0, y: 10.0),
            (x: 9.9, y: 8.0), (x: 10.1, y: 6.0), (x: 9.9, y: 4.0), (x: 10.1, y: 2.0),
            (x: 10.0, y: 0.0),
        ];
        vec![
            MultiPolygon::new(vec![left]),
            MultiPolygon::new(vec![right]),
        ]
    }

    #[test]
    fn a_shared_border_is_simplified_once_for_both_sides() {
        let shapes = pair();
        let out = simplify_coverage(&shapes, 0.5);
        // The zig-zag collapses to one straight edge, used by both squares.
        let e = edges(&out);
        let shared: Vec<_> = e.iter().filter(|(_, n)| **n == 2).collect();
        assert_eq!(shared.len(), 1, "{e:?}");
        assert!(e.values().all(|n| *n <= 2));
        // No overlap: the areas add up to the area of their union.
        let total: f64 = out.iter().map(Area::unsigned_area).sum();
        let union = geo::BooleanOps::union(&out[0], &out[1]).unsigned_area();
        assert!((total - union).abs() < 1e-6, "{total} {union} {out:?}");
        // The zig-zag points are gone from both sides.
        for m in &out {
            assert!(
                !m.0[0]
                    .exterior()
                    .0
                    .iter()
                    .any(|c| (c.x - 10.1).abs() < 1e-12)
            );
        }
    }

    #[test]
    fn a_small_tolerance_changes_nothing() {
        let shapes = pair();
        let out = simplify_coverage(&shapes, 1e-6);
        for (a, b) in shapes.iter().zip(&out) {
            assert_eq!(
                a.0[0].exterior().0.len(),
                b.0[0].exterior().0.len(),
                "{b:?}"
            );
            assert!((a.unsigned_area() - b.unsigned_area()).abs() < 1e-12);
        }
    }

    #[test]
    fn an_enclave_and_its_hole_stay_identical() {
        // A square with a hole exactly filled by a wiggly enclave: no node anywhere on the hole.
        let hole: Vec<Coord<f64>> = (0..40)
            .map(|i| {
                let t = f64::from(i) / 40.0 * std::f64::consts::TAU;
                let r = 3.0 + 0.05 * f64::from(i % 3);
                Coord {
                    x: 10.0 + r * t.cos(),
                    y: 10.0 + r * t.sin(),
                }
            })
            .collect();
        let mut ring = hole.clone();
        ring.push(hole[0]);
        let outer = LineString::from(vec![
            (0.0, 0.0),
            (20.0, 0.0),
            (20.0, 20.0),
            (0.0, 20.0),
            (0.0, 0.0),
        ]);
        let mut reversed = ring.clone();
        reversed.reverse();
        let shapes = vec![
            MultiPolygon::new(vec![Polygon::new(outer, vec![LineString::new(reversed)])]),
            MultiPolygon::new(vec![Polygon::new(LineString::new(ring), vec![])]),
        ];
        let out = simplify_coverage(&shapes, 0.3);
        let hole_after: BTreeSet<Key> = out[0].0[0].interiors()[0]
            .0
            .iter()
            .map(|c| key(*c))
            .collect();
        let enclave_after: BTreeSet<Key> =
            out[1].0[0].exterior().0.iter().map(|c| key(*c)).collect();
        assert_eq!(hole_after, enclave_after);
        assert!(enclave_after.len() < 40);
        let total: f64 = out.iter().map(Area::unsigned_area).sum();
        assert!((total - 400.0).abs() < 1e-9, "{total}");
    }
}
