//! Small deterministic numeric helpers shared by the location solvers: distances, sums whose
//! order does not depend on the number of threads, top-k selections with index tie-breaking,
//! a priority-queue entry for lazy greedy, a spatial (Morton) order and draws from the shared
//! seeded generator.

use std::cmp::Ordering;

use geo::Coord;
use rayon::prelude::*;

/// Squared straight-line distance, computed exactly as `rstar` does for `[f64; 2]` points, so
/// that radius tests agree bit for bit with `locate_within_distance`.
///
/// # Units
/// Square metres.
#[inline]
pub(crate) fn dist_2(a: Coord<f64>, b: Coord<f64>) -> f64 {
    let dx = a.x - b.x;
    let dy = a.y - b.y;
    dx * dx + dy * dy
}

/// Straight-line distance.
///
/// # Units
/// Metres.
#[inline]
pub(crate) fn dist(a: Coord<f64>, b: Coord<f64>) -> f64 {
    dist_2(a, b).sqrt()
}

/// Items summed sequentially per chunk; the chunk partials are then summed in chunk order.
const SUM_CHUNK: usize = 4096;

/// Items under which the chunks of a sum are computed on the calling thread: below it, handing
/// chunks to other threads costs more than it saves (the Lagrangian iterations over about 5,000
/// demand groups spent more time in that hand-over than in the sums). The order of the
/// additions is the same either way.
pub(crate) const PARALLEL_MIN: usize = 16 * SUM_CHUNK;

/// Sum of `f(0) + ... + f(n - 1)` in an order fixed by `n` alone (chunks of [`SUM_CHUNK`] summed
/// one by one, in parallel above [`PARALLEL_MIN`] items; partials summed in order), so the result
/// never depends on the thread count.
pub(crate) fn det_sum(n: usize, f: impl Fn(usize) -> f64 + Sync) -> f64 {
    let [sum] = det_chunk_sums(n, |range| [range.map(&f).fold(0.0, |acc, x| acc + x)]);
    sum
}

/// Partial sums of [`lane_sum`] and [`lane_sum_pairs`].
const LANES: usize = 8;

/// Adds the lanes as `((l0 + l1) + (l2 + l3)) + ((l4 + l5) + (l6 + l7))`.
#[inline]
fn fold_lanes(l: [f64; LANES]) -> f64 {
    ((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7]))
}

/// Sum of `f(x)` over `items` in eight interleaved partial sums (item `i` goes to lane `i % 8`,
/// the lanes are then added pairwise): the order is fixed by the items alone, and the eight
/// independent additions hide the latency of a single running sum, which bounded the sparse row
/// sums of the bounds and gains (twice as fast on the 283,724 pairs of a 30 km MCLP).
#[inline]
pub(crate) fn lane_sum<T: Copy>(items: &[T], f: impl Fn(T) -> f64) -> f64 {
    let mut lanes = [0.0; LANES];
    let mut blocks = items.chunks_exact(LANES);
    for block in &mut blocks {
        for (lane, &x) in lanes.iter_mut().zip(block) {
            *lane += f(x);
        }
    }
    for (lane, &x) in lanes.iter_mut().zip(blocks.remainder()) {
        *lane += f(x);
    }
    fold_lanes(lanes)
}

/// [`lane_sum`] over the pairs `(a[i], b[i])` of two slices of the same length.
#[inline]
pub(crate) fn lane_sum_pairs<A: Copy, B: Copy>(a: &[A], b: &[B], f: impl Fn(A, B) -> f64) -> f64 {
    debug_assert_eq!(a.len(), b.len());
    let mut lanes = [0.0; LANES];
    let mut blocks_a = a.chunks_exact(LANES);
    let mut blocks_b = b.chunks_exact(LANES);
    for (block_a, block_b) in (&mut blocks_a).zip(&mut blocks_b) {
        for ((lane, &x), &y) in lanes.iter_mut().zip(block_a).zip(block_b) {
            *lane += f(x, y);
        }
    }
    for ((lane, &x), &y) in lanes
        .iter_mut()
        .zip(blocks_a.remainder())
        .zip(blocks_b.remainder())
    {
        *lane += f(x, y);
    }
    fold_lanes(lanes)
}

/// Like [`det_sum`] for `K` sums at once (one pass over the items).
pub(crate) fn det_sums<const K: usize>(n: usize, f: impl Fn(usize) -> [f64; K] + Sync) -> [f64; K] {
    det_chunk_sums(n, |range| {
        let mut acc = [0.0; K];
        for i in range {
            for (a, x) in acc.iter_mut().zip(f(i)) {
                *a += x;
            }
        }
        acc
    })
}

/// [`det_sums`] from the sums of whole chunks: `chunk(range)` adds up the items of `range` in
/// order, each sum from 0 (the caller can slice its arrays once per chunk, which lets the
/// compiler drop the bounds checks of item-by-item indexing).
pub(crate) fn det_chunk_sums<const K: usize>(
    n: usize,
    chunk: impl Fn(std::ops::Range<usize>) -> [f64; K] + Sync,
) -> [f64; K] {
    let range = |c: usize| c * SUM_CHUNK..((c + 1) * SUM_CHUNK).min(n);
    if n <= SUM_CHUNK {
        return chunk(0..n);
    }
    let chunks = 0..n.div_ceil(SUM_CHUNK);
    let partials: Vec<[f64; K]> = if n <= PARALLEL_MIN {
        chunks.map(|c| chunk(range(c))).collect()
    } else {
        chunks.into_par_iter().map(|c| chunk(range(c))).collect()
    };
    let mut total = [0.0; K];
    for partial in partials {
        for (t, x) in total.iter_mut().zip(partial) {
            *t += x;
        }
    }
    total
}

/// Runs `f(first, chunk)` on the chunks of [`SUM_CHUNK`] items of `values` (`first`: the index
/// of the chunk's first item), in parallel above [`PARALLEL_MIN`] items, and returns the sum of
/// what it returns in chunk order: updating and summing in one pass gives the same bits as
/// updating first and summing after with [`det_sum`] when `f` adds its items in order from 0.
pub(crate) fn update_chunk_sum(
    values: &mut [f64],
    f: impl Fn(usize, &mut [f64]) -> f64 + Sync + Send,
) -> f64 {
    let chunk = |(c, items): (usize, &mut [f64])| f(c * SUM_CHUNK, items);
    if values.len() <= PARALLEL_MIN {
        return values
            .chunks_mut(SUM_CHUNK)
            .enumerate()
            .map(chunk)
            .fold(0.0, |acc, x| acc + x);
    }
    let partials: Vec<f64> = values
        .par_chunks_mut(SUM_CHUNK)
        .enumerate()
        .map(chunk)
        .collect();
    partials.iter().fold(0.0, |acc, x| acc + x)
}

/// Orders `(value, index)` pairs by decreasing value, then increasing index.
#[inline]
pub(crate) fn by_value_desc(a: (f64, usize), b: (f64, usize)) -> Ordering {
    b.0.total_cmp(&a.0).then(a.1.cmp(&b.1))
}

/// Indices of the `k` largest values (ties: lowest index), sorted by decreasing value.
pub(crate) fn top_k(values: &[f64], k: usize) -> Vec<usize> {
    let k = k.min(values.len());
    if k == 0 {
        return Vec::new();
    }
    let mut pairs: Vec<(f64, usize)> = values.iter().copied().zip(0..).collect();
    if k < pairs.len() {
        pairs.select_nth_unstable_by(k - 1, |a, b| by_value_desc(*a, *b));
        pairs.truncate(k);
    }
    pairs.sort_unstable_by(|a, b| by_value_desc(*a, *b));
    pairs.into_iter().map(|(_, i)| i).collect()
}

/// Sum of the `k` largest values, added in decreasing order.
pub(crate) fn top_k_sum(values: &[f64], k: usize) -> f64 {
    top_k(values, k)
        .into_iter()
        .fold(0.0, |acc, i| acc + values[i])
}

/// Relative gap between an objective and a bound: `|bound - objective| / max(|bound|, |objective|)`,
/// zero when both are zero.
pub(crate) fn relative_gap(objective: f64, bound: f64) -> f64 {
    let scale = objective.abs().max(bound.abs());
    if scale == 0.0 {
        0.0
    } else {
        (bound - objective).abs() / scale
    }
}

/// A lazy-greedy priority-queue entry: larger gain first, then lower candidate index.
/// `round` is the greedy round in which `gain` was computed (stale when older than the current one).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Lazy {
    /// Marginal gain (exact when `round` is current, an upper bound otherwise).
    pub gain: f64,
    /// Candidate index.
    pub candidate: u32,
    /// Round in which `gain` was computed.
    pub round: u32,
}

impl PartialEq for Lazy {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Lazy {}

impl PartialOrd for Lazy {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Lazy {
    fn cmp(&self, other: &Self) -> Ordering {
        self.gain
            .total_cmp(&other.gain)
            .then(other.candidate.cmp(&self.candidate))
            .then(other.round.cmp(&self.round))
    }
}

/// Indices `0..points.len()` in Morton (Z-curve) order of the points, ties by index: points close
/// in space get close indices, which keeps the per-candidate lists cache-friendly.
pub(crate) fn morton_order(points: &[Coord<f64>]) -> Vec<usize> {
    let (mut min_x, mut min_y, mut max_x, mut max_y) = (
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    );
    for p in points {
        min_x = min_x.min(p.x);
        min_y = min_y.min(p.y);
        max_x = max_x.max(p.x);
        max_y = max_y.max(p.y);
    }
    let span = (max_x - min_x).max(max_y - min_y);
    let scale = if span > 0.0 { 65_535.0 / span } else { 0.0 };
    let mut keyed: Vec<(u32, usize)> = points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let qx = ((p.x - min_x) * scale) as u32;
            let qy = ((p.y - min_y) * scale) as u32;
            (spread_bits(qx) | (spread_bits(qy) << 1), i)
        })
        .collect();
    keyed.par_sort_unstable();
    keyed.into_iter().map(|(_, i)| i).collect()
}

/// Spreads the low 16 bits of `v` to the even bit positions.
fn spread_bits(v: u32) -> u32 {
    let mut x = v & 0xffff;
    x = (x | (x << 8)) & 0x00ff_00ff;
    x = (x | (x << 4)) & 0x0f0f_0f0f;
    x = (x | (x << 2)) & 0x3333_3333;
    (x | (x << 1)) & 0x5555_5555
}

pub(crate) use ssmplan_core::SplitMix64;

/// Draws built on the shared `SplitMix64` stream.
pub(crate) trait Draw {
    /// Uniform in `[0, 1)`, 53 bits.
    fn unit(&mut self) -> f64;
    /// Uniform in `0..n` (`n > 0`), by multiply-shift (bias below 2^-32 for the sizes used here).
    fn below(&mut self, n: usize) -> usize;
    /// Standard normal, Box-Muller (one value per call, the second is dropped for simplicity).
    fn normal(&mut self) -> f64;
}

impl Draw for SplitMix64 {
    fn unit(&mut self) -> f64 {
        self.next_f64()
    }

    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.unit();
        let u2 = self.unit();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
}
