//! Seeded brute-force oracles for the point and commune indexes.

use geo::{Coord, LineString, MultiPolygon, Polygon};

use super::*;
use crate::{DetourFactor, Nis, StraightLine};

/// Seeded test inputs.
struct Rng(crate::SplitMix64);

impl Rng {
    fn new(seed: u64) -> Self {
        Self(crate::SplitMix64::new(seed))
    }
    fn unit(&mut self) -> f64 {
        self.0.next_f64()
    }
    fn coord(&mut self, extent: f64) -> Coord<f64> {
        Coord {
            x: self.unit() * extent,
            y: self.unit() * extent,
        }
    }
}

fn brute_sorted(points: &[Coord<f64>], q: Coord<f64>) -> Vec<Neighbour> {
    let mut all: Vec<Neighbour> = points
        .iter()
        .enumerate()
        .map(|(index, p)| Neighbour {
            index,
            distance_m: (p.x - q.x).hypot(p.y - q.y),
        })
        .collect();
    all.sort_by(|a, b| {
        a.distance_m
            .total_cmp(&b.distance_m)
            .then(a.index.cmp(&b.index))
    });
    all
}

fn random_points(rng: &mut Rng, n: usize, extent: f64, snap: bool) -> Vec<Coord<f64>> {
    (0..n)
        .map(|_| {
            let c = rng.coord(extent);
            // Snapping to a coarse lattice creates exact ties and duplicates.
            if snap {
                Coord {
                    x: (c.x / 1000.0).round() * 1000.0,
                    y: (c.y / 1000.0).round() * 1000.0,
                }
            } else {
                c
            }
        })
        .collect()
}

#[test]
fn nearest_k_nearest_and_radius_match_brute_force() {
    let mut rng = Rng::new(42);
    for case in 0..60 {
        let n = [1, 2, 7, 50, 300][case % 5];
        let snap = case % 2 == 0;
        let points = random_points(&mut rng, n, 20_000.0, snap);
        let index = PointIndex::new(&points);
        for _ in 0..40 {
            let q = random_points(&mut rng, 1, 22_000.0, snap)[0];
            let oracle = brute_sorted(&points, q);
            let nearest = index.nearest(q).expect("non-empty");
            assert_eq!(nearest.index, oracle[0].index, "case {case}");
            assert!((nearest.distance_m - oracle[0].distance_m).abs() < 1e-9);
            for k in [1, 3, 10] {
                let got = index.k_nearest(q, k);
                let want: Vec<usize> = oracle.iter().take(k).map(|n| n.index).collect();
                let got_idx: Vec<usize> = got.iter().map(|n| n.index).collect();
                assert_eq!(got_idx, want, "case {case} k {k}");
            }
            let radius = rng.unit() * 8_000.0;
            let got: Vec<usize> = index
                .within_radius(q, radius)
                .iter()
                .map(|n| n.index)
                .collect();
            let want: Vec<usize> = oracle
                .iter()
                .filter(|n| n.distance_m <= radius)
                .map(|n| n.index)
                .collect();
            assert_eq!(got, want, "case {case} radius {radius}");
        }
    }
}

#[test]
fn empty_index_answers_nothing() {
    let index = PointIndex::new(&[]);
    assert!(index.is_empty());
    assert_eq!(index.nearest(Coord { x: 0.0, y: 0.0 }), None);
    assert!(index.k_nearest(Coord { x: 0.0, y: 0.0 }, 3).is_empty());
    assert!(
        index
            .within_radius(Coord { x: 0.0, y: 0.0 }, 1e9)
            .is_empty()
    );
}

#[test]
fn nearest_by_model_matches_brute_force() {
    let mut rng = Rng::new(7);
    let points = random_points(&mut rng, 200, 50_000.0, false);
    let index = PointIndex::new(&points);
    let detour = DetourFactor::new(1.3).expect("valid");
    for _ in 0..200 {
        let q = rng.coord(50_000.0);
        let oracle = brute_sorted(&points, q)[0];
        let a = index
            .nearest_by(q, &points, &StraightLine)
            .expect("non-empty");
        let b = index.nearest_by(q, &points, &detour).expect("non-empty");
        assert_eq!(a.index, oracle.index);
        assert_eq!(b.index, oracle.index);
        assert!((b.distance_m - 1.3 * oracle.distance_m).abs() < 1e-6);
    }
}

fn square(x0: f64, y0: f64, side: f64) -> Polygon<f64> {
    Polygon::new(
        LineString::from(vec![
            (x0, y0),
            (x0 + side, y0),
            (x0 + side, y0 + side),
            (x0, y0 + side),
        ]),
        vec![],
    )
}

fn commune(code: &str, geometry: MultiPolygon<f64>) -> Commune {
    Commune {
        nis: Nis::try_from(code).expect("valid"),
        name: code.into(),
        arrondissement_nis: Nis::try_from("99000").expect("valid"),
        arrondissement: String::new(),
        province: String::new(),
        geometry,
        population: 0,
        typology: None,
    }
}

#[test]
fn point_in_commune_matches_brute_force_with_holes_and_parts() {
    // Commune 0: a 100x100 square with a 40x40 hole; commune 1: the hole (an enclave);
    // commune 2: two separate parts sharing a border with commune 0.
    let mut outer = square(0.0, 0.0, 100.0);
    outer.interiors_push(LineString::from(vec![
        (30.0, 30.0),
        (70.0, 30.0),
        (70.0, 70.0),
        (30.0, 70.0),
    ]));
    let communes = vec![
        commune("90001", MultiPolygon(vec![outer])),
        commune("90002", MultiPolygon(vec![square(30.0, 30.0, 40.0)])),
        commune(
            "90003",
            MultiPolygon(vec![square(100.0, 0.0, 50.0), square(100.0, 60.0, 40.0)]),
        ),
    ];
    let locator = CommuneLocator::new(&communes);
    let mut rng = Rng::new(99);
    for _ in 0..5_000 {
        let q = Coord {
            x: rng.unit() * 170.0 - 10.0,
            y: rng.unit() * 120.0 - 10.0,
        };
        // Oracle: explicit inequalities (no boundary point is drawn with probability > 0).
        let in_sq = |x0: f64, y0: f64, s: f64| q.x > x0 && q.x < x0 + s && q.y > y0 && q.y < y0 + s;
        let want = if in_sq(30.0, 30.0, 40.0) {
            Some(1)
        } else if in_sq(0.0, 0.0, 100.0) {
            Some(0)
        } else if in_sq(100.0, 0.0, 50.0) || in_sq(100.0, 60.0, 40.0) {
            Some(2)
        } else {
            None
        };
        assert_eq!(locator.locate(q), want, "{q:?}");
    }
    // A point on the shared border goes to the lowest index.
    assert_eq!(locator.locate(Coord { x: 100.0, y: 20.0 }), Some(0));
}

#[test]
fn nearest_grid_matches_brute_force_with_ties_and_outside_queries() {
    let mut rng = Rng::new(2024);
    for case in 0..12 {
        let n = [1, 3, 40, 400][case % 4];
        let snap = case % 3 == 0;
        let points = random_points(&mut rng, n, 30_000.0, snap);
        let extent = geo::Rect::new(
            Coord { x: 0.0, y: 0.0 },
            Coord {
                x: 30_000.0,
                y: 30_000.0,
            },
        );
        let grid = NearestGrid::new(&points, extent, [0.5, 4.0, 16.0][case % 3]);
        for _ in 0..2_000 {
            // Some queries fall outside the grid's extent.
            let q = random_points(&mut rng, 1, 34_000.0, snap)[0];
            let oracle = brute_sorted(&points, q)[0];
            let got = grid.nearest(q).expect("non-empty");
            assert_eq!(got.index, oracle.index, "case {case} {q:?}");
            assert!((got.distance_m - oracle.distance_m).abs() < 1e-9);
        }
    }
}
