//! p-median: sparse distance lists (for each demand point only the candidates nearer than its
//! nearest existing site), lazy greedy, Resende-Werneck fast swap local search, optional seeded
//! perturbations, and a Lagrangian lower bound.

use std::collections::BinaryHeap;

use rayon::prelude::*;
use rstar::RTree;

use super::bound::pmedian_lower_bound;
use super::error::LocationError;
use super::instance::LocationInstance;
use super::median_branch::pmedian_branch_and_bound;
use super::numeric::{
    Draw, Lazy, SplitMix64, by_value_desc, det_sum, dist, dist_2, morton_order, relative_gap,
};
use super::observe::SolveObserver;
use super::params::SolveParams;
use super::solution::{BoundKind, Solution};

/// Relative tolerance under which a swap does not count as an improvement.
const IMPROVEMENT_TOLERANCE: f64 = 1e-10;
/// Demand points whose lists are gathered in parallel before being appended.
const BUILD_BLOCK: usize = 4096;
/// The Lagrangian bound caps each multiplier at `w_d` times this factor times the distance to
/// the second-nearest open site of the heuristic solution (see `pmedian_lower_bound`).
const REACH_FACTOR: f64 = 1.0;
/// Marks "no chosen site" in per-demand assignments and candidate positions.
const NONE: u32 = u32::MAX;

/// Sparse distances of a p-median instance, stored by candidate (columns).
#[derive(Clone, Debug)]
pub(crate) struct Distances {
    /// Weight of each active demand point (positive weight, at least one useful candidate),
    /// numbered in Morton order.
    pub weight: Vec<f64>,
    /// Distance of each active demand point to its nearest existing site; without existing
    /// sites a constant larger than any distance of the instance.
    pub base: Vec<f64>,
    /// Weighted distance of the demand points that no candidate can bring closer.
    pub fixed_cost: f64,
    /// Whether the instance has existing sites.
    pub has_existing: bool,
    /// Index in the instance's demand of each active demand point (kept for the oracle tests).
    #[cfg(test)]
    pub origin: Vec<u32>,
    /// Per candidate: the active demand points it is nearer to than their `base`, in
    /// increasing order, and the distances.
    col_offsets: Vec<usize>,
    col_demand: Vec<u32>,
    col_dist: Vec<f64>,
}

impl Distances {
    /// Builds the lists; fails when they would exceed `max_pairs` pairs.
    pub(crate) fn build(
        instance: &LocationInstance,
        max_pairs: u64,
    ) -> Result<Self, LocationError> {
        if let Some(costs) = instance.costs() {
            let (rows, fixed_cost) = Rows::from_table(instance, costs, max_pairs)?;
            let (col_offsets, col_demand, col_dist) = transpose(
                &rows.offsets,
                &rows.candidate,
                &rows.dist,
                costs.candidate_count(),
            );
            return Ok(Self {
                weight: rows.weight,
                base: rows.base,
                fixed_cost,
                has_existing: costs.existing_count() > 0,
                #[cfg(test)]
                origin: rows.origin,
                col_offsets,
                col_demand,
                col_dist,
            });
        }
        let demand = instance.demand();
        let weight = instance.weight();
        let candidates = instance.candidates();
        let m = candidates.len();
        let positive: Vec<usize> = (0..demand.len()).filter(|&i| weight[i] > 0.0).collect();
        let points: Vec<_> = positive.iter().map(|&i| demand[i]).collect();
        let order: Vec<usize> = morton_order(&points)
            .into_iter()
            .map(|k| positive[k])
            .collect();
        if instance.existing().is_empty() {
            // Every candidate is useful to every point: full columns, filled in parallel.
            let n = order.len();
            let pairs = n as u64 * m as u64;
            if pairs > max_pairs {
                return Err(LocationError::TooManyPairs {
                    pairs,
                    limit: max_pairs,
                });
            }
            let mut col_dist = vec![0.0; n * m];
            if n > 0 {
                col_dist
                    .par_chunks_mut(n)
                    .zip(candidates.par_iter())
                    .for_each(|(column, &c)| {
                        for (slot, &i) in column.iter_mut().zip(&order) {
                            *slot = dist(demand[i], c);
                        }
                    });
            }
            let all: Vec<u32> = (0..n as u32).collect();
            let mut col_demand = Vec::with_capacity(n * m);
            for _ in 0..m {
                col_demand.extend_from_slice(&all);
            }
            return Ok(Self {
                weight: order.iter().map(|&i| weight[i]).collect(),
                base: vec![2.0 * diagonal(demand, candidates) + 1.0; n],
                fixed_cost: 0.0,
                has_existing: false,
                #[cfg(test)]
                origin: order.iter().map(|&i| i as u32).collect(),
                col_offsets: (0..=m).map(|j| j * n).collect(),
                col_demand,
                col_dist,
            });
        }
        let (rows, fixed_cost) = Rows::sparse(instance, &order, max_pairs)?;
        let (col_offsets, col_demand, col_dist) =
            transpose(&rows.offsets, &rows.candidate, &rows.dist, m);
        Ok(Self {
            weight: rows.weight,
            base: rows.base,
            fixed_cost,
            has_existing: true,
            #[cfg(test)]
            origin: rows.origin,
            col_offsets,
            col_demand,
            col_dist,
        })
    }

    /// Number of candidates.
    pub(crate) fn candidates(&self) -> usize {
        self.col_offsets.len() - 1
    }

    /// Number of stored demand-candidate pairs.
    pub(crate) fn pairs(&self) -> usize {
        self.col_demand.len()
    }

    /// Active demand points candidate `j` is useful to, and their distances.
    #[inline]
    pub(crate) fn column(&self, j: usize) -> (&[u32], &[f64]) {
        let r = self.col_offsets[j]..self.col_offsets[j + 1];
        (&self.col_demand[r.clone()], &self.col_dist[r])
    }

    /// Weighted distance saved by opening `j` when demand point `d` is at distance `current[d]`.
    #[inline]
    fn gain(&self, j: usize, current: &[f64]) -> f64 {
        let (demand, dist) = self.column(j);
        demand.iter().zip(dist).fold(0.0, |acc, (&d, &c)| {
            let now = current[d as usize];
            if c < now {
                acc + self.weight[d as usize] * (now - c)
            } else {
                acc
            }
        })
    }
}

/// Rows (by demand point) of the distance lists under construction, before the transpose.
struct Rows {
    origin: Vec<u32>,
    weight: Vec<f64>,
    base: Vec<f64>,
    offsets: Vec<usize>,
    candidate: Vec<u32>,
    dist: Vec<f64>,
}

impl Rows {
    /// From a cost table: for each demand point (file order) the candidates strictly cheaper
    /// than its cheapest existing site, or than the unreached cost when it reaches none; points
    /// with none go to the fixed cost.
    fn from_table(
        instance: &LocationInstance,
        costs: &super::CostTable,
        max_pairs: u64,
    ) -> Result<(Self, f64), LocationError> {
        let weight = instance.weight();
        let unreached = instance.unreached_cost();
        let mut rows = Self {
            origin: Vec::new(),
            weight: Vec::new(),
            base: Vec::new(),
            offsets: vec![0],
            candidate: Vec::new(),
            dist: Vec::new(),
        };
        let mut fixed: Vec<f64> = Vec::new();
        for (d, &w) in weight.iter().enumerate() {
            if w <= 0.0 {
                continue;
            }
            let base = costs.nearest_existing(d).min(unreached);
            let (sites, cost) = costs.candidate_costs(d);
            let before = rows.candidate.len();
            for (&j, &c) in sites.iter().zip(cost) {
                if c < base {
                    rows.candidate.push(j);
                    rows.dist.push(c);
                }
            }
            if rows.candidate.len() == before {
                fixed.push(w * base);
                continue;
            }
            if rows.candidate.len() as u64 > max_pairs {
                return Err(LocationError::TooManyPairs {
                    pairs: rows.candidate.len() as u64,
                    limit: max_pairs,
                });
            }
            rows.origin.push(d as u32);
            rows.weight.push(w);
            rows.base.push(base);
            rows.offsets.push(rows.candidate.len());
        }
        Ok((rows, det_sum(fixed.len(), |i| fixed[i])))
    }

    /// With existing sites: for each demand point the candidates strictly nearer than its
    /// nearest existing site (R-tree queries); points with none go to the fixed cost.
    fn sparse(
        instance: &LocationInstance,
        order: &[usize],
        max_pairs: u64,
    ) -> Result<(Self, f64), LocationError> {
        let demand = instance.demand();
        let weight = instance.weight();
        let candidates = instance.candidates();
        let existing = instance.existing();
        let sites = RTree::bulk_load(existing.iter().map(|p| [p.x, p.y]).collect::<Vec<_>>());
        let base: Vec<f64> = order
            .par_iter()
            .map(|&i| {
                let q = demand[i];
                sites
                    .nearest_neighbor(&[q.x, q.y])
                    .map_or(f64::INFINITY, |e| dist(q, geo::Coord { x: e[0], y: e[1] }))
            })
            .collect();
        let tree = RTree::bulk_load(
            candidates
                .iter()
                .enumerate()
                .map(|(j, p)| rstar::primitives::GeomWithData::new([p.x, p.y], j as u32))
                .collect(),
        );
        let useful = |k: usize| -> Vec<(u32, f64)> {
            let q = demand[order[k]];
            let b = base[k];
            let mut list: Vec<(u32, f64)> = tree
                .locate_within_distance([q.x, q.y], b * b)
                .map(|g| {
                    let c = geo::Coord {
                        x: g.geom()[0],
                        y: g.geom()[1],
                    };
                    (g.data, dist_2(q, c).sqrt())
                })
                .filter(|&(_, c)| c < b)
                .collect();
            list.sort_unstable_by_key(|&(j, _)| j);
            list
        };
        if order.len() as u64 * candidates.len() as u64 > max_pairs {
            let pairs: u64 = (0..order.len())
                .into_par_iter()
                .map(|k| useful(k).len() as u64)
                .sum();
            if pairs > max_pairs {
                return Err(LocationError::TooManyPairs {
                    pairs,
                    limit: max_pairs,
                });
            }
        }
        let mut rows = Self {
            origin: Vec::new(),
            weight: Vec::new(),
            base: Vec::new(),
            offsets: vec![0],
            candidate: Vec::new(),
            dist: Vec::new(),
        };
        let mut fixed: Vec<f64> = Vec::new();
        for start in (0..order.len()).step_by(BUILD_BLOCK) {
            let end = (start + BUILD_BLOCK).min(order.len());
            let lists: Vec<Vec<(u32, f64)>> = (start..end).into_par_iter().map(useful).collect();
            for (k, list) in (start..end).zip(lists) {
                let w = weight[order[k]];
                if list.is_empty() {
                    fixed.push(w * base[k]);
                    continue;
                }
                rows.origin.push(order[k] as u32);
                rows.weight.push(w);
                rows.base.push(base[k]);
                rows.candidate.extend(list.iter().map(|&(j, _)| j));
                rows.dist.extend(list.iter().map(|&(_, c)| c));
                rows.offsets.push(rows.candidate.len());
            }
        }
        Ok((rows, det_sum(fixed.len(), |i| fixed[i])))
    }
}

/// Diagonal of the bounding box of two point sets.
fn diagonal(a: &[geo::Coord<f64>], b: &[geo::Coord<f64>]) -> f64 {
    let (mut min_x, mut min_y, mut max_x, mut max_y) = (
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    );
    for p in a.iter().chain(b) {
        min_x = min_x.min(p.x);
        min_y = min_y.min(p.y);
        max_x = max_x.max(p.x);
        max_y = max_y.max(p.y);
    }
    (max_x - min_x).hypot(max_y - min_y)
}

/// Column-major copy of the rows (each column lists rows in increasing order).
fn transpose(
    offsets: &[usize],
    column: &[u32],
    value: &[f64],
    columns: usize,
) -> (Vec<usize>, Vec<u32>, Vec<f64>) {
    let mut col_offsets = vec![0usize; columns + 1];
    for &c in column {
        col_offsets[c as usize + 1] += 1;
    }
    for i in 0..columns {
        col_offsets[i + 1] += col_offsets[i];
    }
    let mut next = col_offsets.clone();
    let mut rows = vec![0u32; column.len()];
    let mut values = vec![0.0; column.len()];
    for r in 0..offsets.len() - 1 {
        for k in offsets[r]..offsets[r + 1] {
            let slot = &mut next[column[k] as usize];
            rows[*slot] = r as u32;
            values[*slot] = value[k];
            *slot += 1;
        }
    }
    (col_offsets, rows, values)
}

/// Nearest and second-nearest open sites of a demand point.
#[derive(Clone, Copy, Debug)]
struct Assignment {
    /// Position (in `chosen`) of the nearest chosen site, or [`NONE`] when the fallback is
    /// nearer than every chosen site.
    first: u32,
    /// Distance to the nearest open site (fallback included).
    d1: f64,
    /// Distance to the second-nearest open site (fallback included).
    d2: f64,
}

/// The chosen sites of a p-median search.
#[derive(Clone, Debug)]
struct MedianState<'a> {
    data: &'a Distances,
    chosen: Vec<u32>,
    /// Position in `chosen` of each candidate, or [`NONE`].
    position: Vec<u32>,
}

impl<'a> MedianState<'a> {
    fn new(data: &'a Distances) -> Self {
        Self {
            data,
            chosen: Vec::new(),
            position: vec![NONE; data.candidates()],
        }
    }

    fn add(&mut self, j: usize) {
        self.position[j] = self.chosen.len() as u32;
        self.chosen.push(j as u32);
    }

    fn replace(&mut self, i: usize, j: usize) {
        self.position[self.chosen[i] as usize] = NONE;
        self.position[j] = i as u32;
        self.chosen[i] = j as u32;
    }

    /// Nearest and second-nearest open sites of every active demand point (ties: lowest
    /// candidate index), from the columns of the chosen sites.
    fn assignments(&self) -> Vec<Assignment> {
        let data = self.data;
        // (distance, candidate, position) of the two nearest chosen sites of each point.
        let far = (f64::INFINITY, u32::MAX, NONE);
        let mut top = vec![[far, far]; data.weight.len()];
        for (pos, &j) in self.chosen.iter().enumerate() {
            let (demand, dist) = data.column(j as usize);
            for (&d, &c) in demand.iter().zip(dist) {
                let [first, second] = &mut top[d as usize];
                if (c, j) < (first.0, first.1) {
                    *second = *first;
                    *first = (c, j, pos as u32);
                } else if (c, j) < (second.0, second.1) {
                    *second = (c, j, pos as u32);
                }
            }
        }
        top.iter()
            .zip(&data.base)
            .map(|([first, second], &base)| {
                if first.2 == NONE {
                    Assignment {
                        first: NONE,
                        d1: base,
                        d2: base,
                    }
                } else {
                    Assignment {
                        first: first.2,
                        d1: first.0,
                        d2: second.0.min(base),
                    }
                }
            })
            .collect()
    }

    /// Weighted distance of the active demand points under `assign`.
    fn cost(&self, assign: &[Assignment]) -> f64 {
        det_sum(assign.len(), |d| self.data.weight[d] * assign[d].d1)
    }
}

/// Lazy greedy: adds the candidate saving the most weighted distance, `p` times.
fn lazy_greedy(state: &mut MedianState<'_>, p: usize) -> u64 {
    let data = state.data;
    let mut current = data.base.clone();
    let initial: Vec<f64> = (0..data.candidates())
        .into_par_iter()
        .map(|j| data.gain(j, &current))
        .collect();
    let mut evaluations = initial.len() as u64;
    let mut heap: BinaryHeap<Lazy> = initial
        .iter()
        .enumerate()
        .map(|(j, &gain)| Lazy {
            gain,
            candidate: j as u32,
            round: 0,
        })
        .collect();
    let mut round = 0u32;
    while state.chosen.len() < p {
        let Some(top) = heap.pop() else { break };
        if top.round == round {
            let j = top.candidate as usize;
            state.add(j);
            let (demand, dist) = data.column(j);
            for (&d, &c) in demand.iter().zip(dist) {
                let now = &mut current[d as usize];
                if c < *now {
                    *now = c;
                }
            }
            round += 1;
        } else {
            evaluations += 1;
            heap.push(Lazy {
                gain: data.gain(top.candidate as usize, &current),
                candidate: top.candidate,
                round,
            });
        }
    }
    evaluations
}

/// Outcome of a swap local search.
struct SwapOutcome {
    moves: usize,
    evaluations: u64,
}

/// Resende-Werneck fast swap, best improvement: with `d1`/`d2` the distances of each demand
/// point to its nearest and second-nearest open sites, the saving of swapping the site at
/// position `i` for candidate `j` is `gain[j] - loss[i] + extra[j][i]`, where
/// `gain[j] = sum w (d1 - c_j)^+`, `loss[i] = sum_{first = i} w (d2 - d1)` and
/// `extra[j][i] = sum_{first = i, c_j < d2} w (d2 - max(c_j, d1))`; `gain` and `extra` come
/// from one parallel pass over the columns. Ties go to the lowest position, then the lowest
/// candidate index.
fn swap_search(state: &mut MedianState<'_>, max_moves: usize) -> SwapOutcome {
    let data = state.data;
    let m = data.candidates();
    let p = state.chosen.len();
    let mut moves = 0;
    let mut evaluations = 0u64;
    if p == 0 || p >= m {
        return SwapOutcome { moves, evaluations };
    }
    let mut extra = vec![0.0; m * p];
    let mut gains = vec![0.0; m];
    while moves < max_moves {
        let assign = state.assignments();
        let eps = IMPROVEMENT_TOLERANCE * (data.fixed_cost + state.cost(&assign));
        let mut loss = vec![0.0; p];
        for (a, w) in assign.iter().zip(&data.weight) {
            if a.first != NONE {
                loss[a.first as usize] += w * (a.d2 - a.d1);
            }
        }
        let st = &*state;
        extra
            .par_chunks_mut(p)
            .zip(gains.par_iter_mut())
            .enumerate()
            .for_each(|(j, (row, gain))| {
                row.fill(0.0);
                *gain = 0.0;
                if st.position[j] != NONE {
                    return;
                }
                let (demand, dist) = data.column(j);
                let mut acc = 0.0;
                for (&d, &c) in demand.iter().zip(dist) {
                    let a = assign[d as usize];
                    let w = data.weight[d as usize];
                    if c < a.d1 {
                        acc += w * (a.d1 - c);
                    }
                    if a.first != NONE && c < a.d2 {
                        row[a.first as usize] += w * (a.d2 - c.max(a.d1));
                    }
                }
                *gain = acc;
            });
        let mut best = (eps, None);
        for (i, lost) in loss.iter().enumerate() {
            for j in 0..m {
                if state.position[j] != NONE {
                    continue;
                }
                let delta = gains[j] - lost + extra[j * p + i];
                if delta > best.0 {
                    best = (delta, Some((i, j)));
                }
            }
        }
        evaluations += (p * (m - p)) as u64;
        let Some((i, j)) = best.1 else { break };
        state.replace(i, j);
        moves += 1;
    }
    SwapOutcome { moves, evaluations }
}

/// Local search, then seeded perturbation rounds (kept when strictly better).
fn improve(state: &mut MedianState<'_>, params: &SolveParams) -> SwapOutcome {
    let mut out = swap_search(state, params.max_iterations);
    let m = state.data.candidates();
    let p = state.chosen.len();
    if params.perturbations == 0 || p == 0 || p >= m {
        return out;
    }
    let mut rng = SplitMix64::new(params.seed);
    let mut best = state.clone();
    let mut best_cost = state.cost(&state.assignments());
    for _ in 0..params.perturbations {
        for _ in 0..(p / 3).max(1) {
            let i = rng.below(p);
            let j = loop {
                let j = rng.below(m);
                if state.position[j] == NONE {
                    break j;
                }
            };
            state.replace(i, j);
        }
        let round = swap_search(state, params.max_iterations);
        out.moves += round.moves;
        out.evaluations += round.evaluations;
        let cost = state.cost(&state.assignments());
        if cost < best_cost - IMPROVEMENT_TOLERANCE * best_cost {
            best = state.clone();
            best_cost = cost;
        } else {
            state.clone_from(&best);
        }
    }
    *state = best;
    out
}

/// Orders the chosen sites greedily (largest saving first, ties lowest index); returns the
/// order, the savings (infinite for the first site without existing sites) and the evaluations.
fn resequence(data: &Distances, chosen: &[u32]) -> (Vec<usize>, Vec<f64>, u64) {
    let mut current = data.base.clone();
    let mut rest: Vec<usize> = chosen.iter().map(|&j| j as usize).collect();
    rest.sort_unstable();
    let mut order = Vec::with_capacity(rest.len());
    let mut marginal = Vec::with_capacity(rest.len());
    let mut evaluations = 0;
    while !rest.is_empty() {
        let scored: Vec<(f64, usize)> = rest
            .par_iter()
            .map(|&j| (data.gain(j, &current), j))
            .collect();
        evaluations += scored.len() as u64;
        let Some(&(gain, j)) = scored.iter().min_by(|a, b| by_value_desc(**a, **b)) else {
            break;
        };
        let (demand, dist) = data.column(j);
        for (&d, &c) in demand.iter().zip(dist) {
            let now = &mut current[d as usize];
            if c < *now {
                *now = c;
            }
        }
        marginal.push(if order.is_empty() && !data.has_existing {
            f64::INFINITY
        } else {
            gain
        });
        order.push(j);
        rest.retain(|&k| k != j);
    }
    (order, marginal, evaluations)
}

/// Solves p-median.
pub(super) fn solve(
    instance: &LocationInstance,
    params: &SolveParams,
    observer: &dyn SolveObserver,
) -> Result<Solution, LocationError> {
    let m = instance.candidate_count();
    let p = params.p;
    if p > m {
        return Err(LocationError::TooManySites { p, candidates: m });
    }
    if p == 0 && instance.existing_count() == 0 {
        return Err(LocationError::NoOpenSite);
    }
    observer.stage("distance lists");
    let data = Distances::build(instance, params.max_pairs)?;
    observer.stage("greedy and swap search");
    let mut state = MedianState::new(&data);
    let mut evaluations = lazy_greedy(&mut state, p);
    let mut iterations = 0;
    if params.local_search {
        let out = improve(&mut state, params);
        iterations = out.moves;
        evaluations += out.evaluations;
    }
    let assign = state.assignments();
    let mut variable = state.cost(&assign);
    let mut lower = None;
    if params.bound_iterations > 0 && (data.pairs() as u64) <= params.bound_pairs_limit {
        observer.stage("Lagrangian bound");
        let start: Vec<f64> = assign
            .iter()
            .zip(&data.weight)
            .map(|(a, w)| w * a.d1)
            .collect();
        let reach: Vec<f64> = assign.iter().map(|a| REACH_FACTOR * a.d2).collect();
        let lagrangian =
            pmedian_lower_bound(&data, p, variable, &start, &reach, params.bound_iterations);
        lower = Some(lagrangian.bound);
        // A relaxed open set cheaper than the local optimum: restart the search from it.
        if let Some((cost, set)) = lagrangian.better
            && cost < variable - IMPROVEMENT_TOLERANCE * variable
        {
            let mut restart = MedianState::new(&data);
            for j in set {
                restart.add(j);
            }
            if params.local_search {
                let out = improve(&mut restart, params);
                iterations += out.moves;
                evaluations += out.evaluations;
            }
            state = restart;
            variable = state.cost(&state.assignments());
        }
    }
    let mut kind = BoundKind::Lagrangian;
    if params.exact {
        observer.stage("certified search (branch-and-bound)");
        let limits = super::tree::Limits::new(params, observer, data.fixed_cost);
        let out = pmedian_branch_and_bound(&data, p, (variable, &state.chosen), &limits);
        iterations += usize::try_from(out.nodes).unwrap_or(usize::MAX);
        if out.value < variable {
            let mut found = MedianState::new(&data);
            for &j in &out.set {
                found.add(j as usize);
            }
            state = found;
            variable = state.cost(&state.assignments());
        }
        if out.proven {
            lower = Some(out.bound);
            kind = BoundKind::Exact;
        } else if lower.is_none_or(|l| out.bound > l) {
            lower = Some(out.bound);
        }
    }
    let objective = data.fixed_cost + variable;
    let baseline_objective = if data.has_existing {
        data.fixed_cost + det_sum(data.weight.len(), |d| data.weight[d] * data.base[d])
    } else {
        f64::INFINITY
    };
    // The optimum is at most what was found: a bound above it is rounding only.
    let bound = lower.map(|l| data.fixed_cost + l.min(variable));
    let (chosen, marginal, resequencing) = resequence(&data, &state.chosen);
    evaluations += resequencing;
    Ok(Solution {
        chosen,
        objective,
        bound,
        bound_kind: bound.map(|_| kind),
        gap: bound.map(|b| relative_gap(objective, b)),
        baseline_objective,
        marginal,
        covered_share: None,
        baseline_share: None,
        iterations,
        evaluations,
    })
}
