//! Lagrangian bounds by subgradient optimisation (deterministic: fixed start, scaled and
//! deflected Polyak steps with a step factor halved after a fixed number of non-improving
//! iterations).
//!
//! Any multipliers give a valid bound, so stopping early never makes a bound wrong, only weaker.

use rayon::prelude::*;

use super::claims::ClaimPlan;
use super::coverage::Coverage;
use super::numeric::{
    PARALLEL_MIN, det_chunk_sums, det_sums, lane_sum_pairs, top_k, update_chunk_sum,
};
use super::pmedian::Distances;

/// Initial step factor of the Polyak rule.
const THETA_START: f64 = 2.0;
/// Iterations without improvement before the step factor is halved.
const PATIENCE: usize = 20;
/// Deflection factor of the Camerini-Fratta-Maffioli rule.
const DEFLECTION: f64 = 1.5;
/// Step factor below which the subgradient search stops.
const THETA_MIN: f64 = 1e-4;
/// Iterations without a relative improvement of [`STALL_IMPROVEMENT`] after which the search
/// stops.
const STALL_ITERATIONS: usize = 50;
/// Relative improvement of the bound that resets the stall count.
const STALL_IMPROVEMENT: f64 = 1e-6;
/// Relative distance to the heuristic value at which the bound is considered tight.
const TIGHT: f64 = 1e-6;

/// A Lagrangian bound and the best feasible set met on the way.
#[derive(Clone, Debug)]
pub(crate) struct LagrangeOutcome {
    /// The bound (best over the iterations).
    pub bound: f64,
    /// The open set of the relaxed solution with the best true objective, when it beats the
    /// solution given to the bound (a Lagrangian heuristic, free since the set is at hand).
    pub better: Option<(f64, Vec<usize>)>,
    /// MCLP: up to `elite` distinct relaxed open sets (sorted) covering the most, best first
    /// (ties: lexicographically smallest set); starting points for local search.
    pub elite: Vec<(f64, Vec<usize>)>,
    /// Iterations made (at most the number asked for).
    #[cfg_attr(not(test), expect(dead_code, reason = "read by the tests only"))]
    pub iterations: usize,
}

/// Inserts `(value, set)` into `elite` (best first, distinct sets, at most `size`).
fn keep_elite(elite: &mut Vec<(f64, Vec<usize>)>, size: usize, value: f64, set: &[usize]) {
    if size == 0 || elite.iter().any(|(_, s)| s == set) {
        return;
    }
    let worse = |a: &(f64, Vec<usize>)| b_cmp(a, value, set) == std::cmp::Ordering::Greater;
    let at = elite.iter().position(worse).unwrap_or(elite.len());
    if at < size {
        elite.insert(at, (value, set.to_vec()));
        elite.truncate(size);
    }
}

/// Orders an elite entry against `(value, set)`: `Greater` when the entry ranks after it.
fn b_cmp(a: &(f64, Vec<usize>), value: f64, set: &[usize]) -> std::cmp::Ordering {
    value.total_cmp(&a.0).then_with(|| a.1.as_slice().cmp(set))
}

/// The pace test of [`mclp_upper_bound`] against a bound known by other means.
struct Pace {
    /// The known bound.
    known_upper: f64,
    /// The search's bound at the last check.
    checkpoint: f64,
}

impl Pace {
    /// Every [`STALL_ITERATIONS`] iterations: whether the bound `best`, still above the known
    /// one, fell since the last check by less than its distance to it.
    fn too_slow(&mut self, iteration: usize, best: f64) -> bool {
        if !iteration.is_multiple_of(STALL_ITERATIONS) {
            return false;
        }
        let slow = best > self.known_upper && self.checkpoint - best < best - self.known_upper;
        self.checkpoint = best;
        slow
    }
}

/// MCLP upper bound on the weight that `p` new sites can cover (existing coverage excluded).
///
/// Relaxing the coverage constraints `y_d <= sum_{j covers d} x_j` with multipliers
/// `0 <= lambda_d <= w_d` gives `L(lambda) = sum_d (w_d - lambda_d)^+ + (sum of the p largest
/// c_j)`, `c_j = sum_{d in L(j)} lambda_d`, an upper bound for every `lambda` (its minimum is the
/// LP bound). Subgradient steps are scaled per demand group by `sqrt(w_d)` (groups differ in
/// weight by orders of magnitude) and deflected (Camerini-Fratta-Maffioli), from
/// `lambda = w / 2`. `lower` is the weight covered by a known solution (the Polyak target,
/// raised whenever a relaxed open set covers more). With `stop_below`, stops once the bound
/// drops below it or a relaxed open set covers it.
///
/// The claims `c_j` come from a [`ClaimPlan`]: each from a neighbouring candidate's claim and
/// the groups where their lists differ (3.3 to 7.9 times fewer reads than the lists at 20 km).
///
/// `known_upper` is a bound already proven by other means (infinity if none). Every
/// [`STALL_ITERATIONS`] iterations, a search whose bound is still above it and fell by less,
/// over those iterations, than its distance to it stops: at that pace it would not improve on
/// `known_upper` before the next check (deterministic; any stop leaves a valid bound).
pub(crate) fn mclp_upper_bound(
    cov: &Coverage,
    p: usize,
    mut lower: f64,
    iterations: usize,
    stop_below: Option<f64>,
    known_upper: f64,
    elite_size: usize,
) -> LagrangeOutcome {
    let groups = cov.demand();
    let mut elite: Vec<(f64, Vec<usize>)> = Vec::new();
    let sites = cov.candidates();
    let weight = &cov.weight;
    let scale: Vec<f64> = weight.iter().map(|x| x.sqrt()).collect();
    let mut lambda: Vec<f64> = weight.iter().map(|x| x / 2.0).collect();
    // Cover counts as floats: the passes over the groups then need no integer conversion.
    let mut count = vec![0.0; groups];
    let mut direction = vec![0.0; groups];
    let mut best = f64::INFINITY;
    let mut better = None;
    let mut theta = THETA_START;
    let mut stale = 0;
    let mut stalled = 0;
    let mut pace = Pace {
        known_upper,
        checkpoint: f64::INFINITY,
    };
    let mut made = 0;
    let plan = ClaimPlan::new(&cov.by_candidate, &cov.by_group);
    let mut claimed = vec![0.0; sites];
    for iteration in 0..iterations {
        made = iteration + 1;
        plan.claims(&lambda, &mut claimed);
        let open = top_k(&claimed, p);
        count.fill(0.0);
        for &j in &open {
            for &d in cov.by_candidate.row(j) {
                count[d as usize] += 1.0;
            }
        }
        let [slack, covered, previous, dot, g_norm_2] =
            cover_sums(weight, &lambda, &count, &scale, &direction);
        let value = slack + open.iter().fold(0.0, |acc, &j| acc + claimed[j]);
        if elite_size > 0 {
            let mut set = open.clone();
            set.sort_unstable();
            keep_elite(&mut elite, elite_size, covered, &set);
        }
        if covered > lower {
            lower = covered;
            let mut set = open.clone();
            set.sort_unstable();
            better = Some((covered, set));
        }
        if value < best - STALL_IMPROVEMENT * best.abs() {
            stalled = 0;
        } else {
            stalled += 1;
        }
        if value < best {
            best = value;
            stale = 0;
        } else {
            stale += 1;
            if stale >= PATIENCE {
                theta /= 2.0;
                stale = 0;
            }
        }
        if stop_below.is_some_and(|s| best < s || lower >= s)
            || best - lower <= TIGHT * lower.abs()
            || theta < THETA_MIN
            || stalled >= STALL_ITERATIONS
            || pace.too_slow(iteration, best)
        {
            break;
        }
        let beta = deflection(previous, dot);
        // |g + beta * direction|^2 from the sums above: with the deflection factor of
        // [`deflection`], it is at least a quarter of |g|^2 (Cauchy-Schwarz), so expanding it
        // loses no precision that matters, and one pass then moves both vectors.
        let norm_2 = g_norm_2 + beta * (2.0 * dot + beta * previous);
        if norm_2 <= 0.0 {
            break;
        }
        let step = theta * (value - lower) / norm_2;
        cover_step(
            &mut lambda,
            &mut direction,
            &count,
            weight,
            &scale,
            beta,
            step,
        );
    }
    LagrangeOutcome {
        bound: best,
        better,
        elite,
        iterations: made,
    }
}

/// Component of the MCLP subgradient for a group covered `count` times by the relaxed open
/// set, of weight `w` and multiplier `l`: `count - y_d` (`y_d = 1` when `w > l`).
#[inline]
fn cover_subgradient(count: f64, w: f64, l: f64) -> f64 {
    count - if w > l { 1.0 } else { 0.0 }
}

/// The sums of one MCLP iteration over the groups, in one pass: the slack `sum (w - lambda)^+`,
/// the weight the relaxed open set covers, and the products `|direction|^2`, `<g, direction>`
/// and `|g|^2` in the step metric `scale` (for the deflection and the step's norm).
fn cover_sums(
    weight: &[f64],
    lambda: &[f64],
    count: &[f64],
    scale: &[f64],
    direction: &[f64],
) -> [f64; 5] {
    det_chunk_sums(weight.len(), |r| {
        let mut acc = [0.0; 5];
        let items = weight[r.clone()]
            .iter()
            .zip(&lambda[r.clone()])
            .zip(&count[r.clone()])
            .zip(&scale[r.clone()])
            .zip(&direction[r]);
        for ((((&w, &l), &c), &s), &dir) in items {
            let g = cover_subgradient(c, w, l);
            acc[0] += (w - l).max(0.0);
            acc[1] += if c > 0.0 { w } else { 0.0 };
            acc[2] += s * dir * dir;
            acc[3] += s * g * dir;
            acc[4] += s * g * g;
        }
        acc
    })
}

/// One MCLP step, item by item: `direction = g + beta * direction`, then
/// `lambda = clamp(lambda - step * scale * direction, 0, weight)`.
fn cover_step(
    lambda: &mut [f64],
    direction: &mut [f64],
    count: &[f64],
    weight: &[f64],
    scale: &[f64],
    beta: f64,
    step: f64,
) {
    let update = |first: usize, lambdas: &mut [f64], dirs: &mut [f64]| {
        let r = first..first + lambdas.len();
        let items = lambdas
            .iter_mut()
            .zip(dirs)
            .zip(count[r.clone()].iter().zip(&weight[r.clone()]))
            .zip(&scale[r]);
        for (((l, dir), (&c, &w)), &s) in items {
            *dir = cover_subgradient(c, w, *l) + beta * *dir;
            *l = (*l - step * s * *dir).clamp(0.0, w);
        }
    };
    if lambda.len() <= PARALLEL_MIN {
        update(0, lambda, direction);
    } else {
        lambda
            .par_chunks_mut(PARALLEL_MIN)
            .zip(direction.par_chunks_mut(PARALLEL_MIN))
            .enumerate()
            .for_each(|(c, (lambdas, dirs))| update(c * PARALLEL_MIN, lambdas, dirs));
    }
}

/// One step down `direction`: `lambda = clamp(lambda - step * metric * direction, 0, cap)`
/// item by item.
fn move_multipliers(lambda: &mut [f64], metric: &[f64], direction: &[f64], cap: &[f64], step: f64) {
    update_chunk_sum(lambda, |first, lambdas| {
        let r = first..first + lambdas.len();
        let items = lambdas
            .iter_mut()
            .zip(&metric[r.clone()])
            .zip(&direction[r.clone()])
            .zip(&cap[r]);
        for (((l, &m), &dir), &c) in items {
            *l = (*l - step * m * dir).clamp(0.0, c);
        }
        0.0
    });
}

/// Camerini-Fratta-Maffioli deflection factor: the new direction is `g + beta * direction`
/// with `beta = max(0, -1.5 <g, direction> / |direction|^2)` (products in the step metric),
/// `previous = |direction|^2` and `dot = <g, direction>`.
fn deflection(previous: f64, dot: f64) -> f64 {
    if previous > 0.0 {
        (-DEFLECTION * dot / previous).max(0.0)
    } else {
        0.0
    }
}

/// Weighted costs `w_d c_dj` of the pairs that can be negative in `rho_j` when
/// `lambda <= limit`, by candidate.
fn useful_columns(data: &Distances, limit: &[f64]) -> Vec<(Vec<u32>, Vec<f64>)> {
    let weight = &data.weight;
    (0..data.candidates())
        .into_par_iter()
        .map(|j| {
            let (demand, dist) = data.column(j);
            demand
                .iter()
                .zip(dist)
                .filter(|&(&d, &c)| weight[d as usize] * c < limit[d as usize])
                .map(|(&d, &c)| (d, weight[d as usize] * c))
                .unzip()
        })
        .collect()
}

/// p-median lower bound on the weighted distance of the demand points that have candidates
/// nearer than their fallback (the fixed part of the cost excluded).
///
/// Relaxing the assignment constraints `sum_j x_dj + x_d,existing = 1` with multipliers
/// `lambda_d` gives `L(lambda) = sum_d [lambda_d + min(0, w_d b_d - lambda_d)] + (sum of the p
/// most negative rho_j)`, `rho_j = sum_{d} min(0, w_d c_dj - lambda_d)`, a lower bound for every
/// `lambda` (pairs with `c_dj >= b_d` are never useful and are left out without changing the
/// optimum). Multipliers are kept in `[0, w_d * reach_d]`: any multipliers give a valid bound,
/// and under that cap only the pairs nearer than `reach_d` can count, so the iterations skip the
/// others (`reach_d` a few times the distance to the second-nearest open site of a known
/// solution loses next to nothing). Steps are scaled per demand point by `w_d` and deflected;
/// the start is `start` (the assignment costs of a known solution of value `upper`, the Polyak
/// target, lowered whenever a relaxed open set costs less).
pub(crate) fn pmedian_lower_bound(
    data: &Distances,
    p: usize,
    mut upper: f64,
    start: &[f64],
    reach: &[f64],
    iterations: usize,
) -> LagrangeOutcome {
    let points = data.weight.len();
    let weight = &data.weight;
    let cap: Vec<f64> = (0..points).map(|d| weight[d] * data.base[d]).collect();
    let limit: Vec<f64> = (0..points)
        .map(|d| weight[d] * reach[d].min(data.base[d]))
        .collect();
    let columns = useful_columns(data, &limit);
    let mut lambda: Vec<f64> = (0..points).map(|d| start[d].min(limit[d])).collect();
    let mut count = vec![0u32; points];
    let mut best = f64::NEG_INFINITY;
    let mut better = None;
    let mut nearest = vec![0.0; points];
    let mut direction = vec![0.0; points];
    let mut theta = THETA_START;
    let mut stale = 0;
    let mut stalled = 0;
    let mut made = 0;
    for iteration in 0..iterations {
        made = iteration + 1;
        let rho: Vec<f64> = columns
            .par_iter()
            .map(|(demand, cost)| {
                lane_sum_pairs(demand, cost, |d, c| (c - lambda[d as usize]).min(0.0))
            })
            .collect();
        let negated: Vec<f64> = rho.iter().map(|r| -r).collect();
        let open = top_k(&negated, p);
        count.fill(0);
        nearest.copy_from_slice(&data.base);
        for &j in &open {
            let (demand, cost) = &columns[j];
            for (&d, &c) in demand.iter().zip(cost) {
                if c < lambda[d as usize] {
                    count[d as usize] += 1;
                }
            }
            let (demand, dist) = data.column(j);
            for (&d, &c) in demand.iter().zip(dist) {
                let now = &mut nearest[d as usize];
                if c < *now {
                    *now = c;
                }
            }
        }
        // Subgradient: 1 - (number of open assignments d takes in the relaxed solution); one
        // pass for the value, the cost of the relaxed open set and the deflection products.
        let subgradient =
            |d: usize| 1.0 - f64::from(count[d]) - if cap[d] < lambda[d] { 1.0 } else { 0.0 };
        let [own, cost, previous, dot] = det_sums(points, |d| {
            let g = subgradient(d);
            [
                lambda[d] + (cap[d] - lambda[d]).min(0.0),
                weight[d] * nearest[d],
                weight[d] * direction[d] * direction[d],
                weight[d] * g * direction[d],
            ]
        });
        let value = own + open.iter().fold(0.0, |acc, &j| acc + rho[j]);
        if cost < upper {
            upper = cost;
            let mut set = open.clone();
            set.sort_unstable();
            better = Some((cost, set));
        }
        if value > best + STALL_IMPROVEMENT * best.abs() {
            stalled = 0;
        } else {
            stalled += 1;
        }
        if value > best {
            best = value;
            stale = 0;
        } else {
            stale += 1;
            if stale >= PATIENCE {
                theta /= 2.0;
                stale = 0;
            }
        }
        if upper - best <= TIGHT * upper.abs() || theta < THETA_MIN || stalled >= STALL_ITERATIONS {
            break;
        }
        let beta = deflection(previous, dot);
        let norm_2 = update_chunk_sum(&mut direction, |first, dirs| {
            dirs.iter_mut().enumerate().fold(0.0, |acc, (i, dir)| {
                let d = first + i;
                *dir = subgradient(d) + beta * *dir;
                acc + weight[d] * *dir * *dir
            })
        });
        if norm_2 == 0.0 {
            break;
        }
        let step = theta * (upper - value) / norm_2;
        // Up the subgradient: `lambda + step * w * direction`, the same bits.
        move_multipliers(&mut lambda, weight, &direction, &limit, -step);
    }
    LagrangeOutcome {
        bound: best,
        better,
        elite: Vec::new(),
        iterations: made,
    }
}
