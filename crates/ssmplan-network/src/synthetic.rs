//! Seeded synthetic road networks for tests and benches: a grid of two-way streets with
//! perturbed node positions and speeds, crossed by a few fast "motorway" lines.

use geo::Coord;

use crate::{Edge, RoadGraph};

/// Options of [`grid`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GridParams {
    /// Nodes per row and per column.
    pub side: u32,
    /// Distance between neighbouring nodes before perturbation (metres).
    pub spacing_m: f64,
    /// Each node moves by up to this much in x and in y (metres; 0 for an exact grid).
    pub jitter_m: f64,
    /// Street speeds are drawn uniformly in `[min, max]` (km/h; equal for a uniform speed).
    pub speed_kmh: (f64, f64),
    /// Every `motorway_every`-th row and column is a motorway (0: none).
    pub motorway_every: u32,
    /// The motorway speed (km/h).
    pub motorway_kmh: f64,
    /// The seed.
    pub seed: u64,
}

impl GridParams {
    /// An exact `side` × `side` grid with `spacing_m` and one speed, no motorway.
    #[must_use]
    pub fn uniform(side: u32, spacing_m: f64, speed_kmh: f64) -> Self {
        Self {
            side,
            spacing_m,
            jitter_m: 0.0,
            speed_kmh: (speed_kmh, speed_kmh),
            motorway_every: 0,
            motorway_kmh: speed_kmh,
            seed: 0,
        }
    }

    /// The bench network: 160 × 160 nodes 200 m apart (a 32 km square, 101,760 directed
    /// edges), positions moved by up to 60 m, streets at 30 to 90 km/h, a 120 km/h motorway
    /// every 40th row and column.
    #[must_use]
    pub fn bench(seed: u64) -> Self {
        Self {
            side: 160,
            spacing_m: 200.0,
            jitter_m: 60.0,
            speed_kmh: (30.0, 90.0),
            motorway_every: 40,
            motorway_kmh: 120.0,
            seed,
        }
    }
}

/// A seeded xorshift64* generator: uniform in `[0, 1)`.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed (any value, 0 included).
    #[must_use]
    pub fn new(seed: u64) -> Self {
        Self(seed ^ 0x9e37_79b9_7f4a_7c15 | 1)
    }

    /// The next number in `[0, 1)`.
    pub fn next_f64(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The grid network of `params`: node `row * side + col` near `(col, row) * spacing_m`, a
/// two-way edge between horizontal and vertical neighbours, its time the straight length over
/// its speed (the motorway speed along a motorway row or column).
#[must_use]
pub fn grid(params: GridParams) -> RoadGraph {
    let mut rng = Rng::new(params.seed);
    let n = params.side;
    let xy: Vec<Coord<f64>> = (0..n * n)
        .map(|i| {
            let (row, col) = (f64::from(i / n), f64::from(i % n));
            let dx = (rng.next_f64() * 2.0 - 1.0) * params.jitter_m;
            let dy = (rng.next_f64() * 2.0 - 1.0) * params.jitter_m;
            Coord {
                x: col * params.spacing_m + dx,
                y: row * params.spacing_m + dy,
            }
        })
        .collect();
    let motorway =
        |line: u32| params.motorway_every > 0 && line.is_multiple_of(params.motorway_every);
    let mut edges = Vec::with_capacity(4 * (n * n) as usize);
    for row in 0..n {
        for col in 0..n {
            let u = row * n + col;
            // (neighbour, is it along a motorway line)
            let right = (col + 1 < n).then(|| (u + 1, motorway(row)));
            let up = (row + 1 < n).then(|| (u + n, motorway(col)));
            for (v, fast) in [right, up].into_iter().flatten() {
                let (lo, hi) = params.speed_kmh;
                let street = lo + (hi - lo) * rng.next_f64();
                let kmh = if fast { params.motorway_kmh } else { street };
                let (a, b) = (xy[u as usize], xy[v as usize]);
                let secs = (a.x - b.x).hypot(a.y - b.y) / (kmh / 3.6);
                edges.push(Edge {
                    from: u,
                    to: v,
                    secs,
                });
                edges.push(Edge {
                    from: v,
                    to: u,
                    secs,
                });
            }
        }
    }
    RoadGraph::new(xy, &edges)
}
