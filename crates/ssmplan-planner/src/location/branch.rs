//! Certified MCLP: a depth-first branch-and-bound on the project's own Lagrangian bound (the
//! coverage constraints relaxed, see [`mclp_upper_bound`](super::bound::mclp_upper_bound)),
//! with reduced-cost fixing at every node.
//!
//! A node fixes some candidates open (`F1`) and some closed (`F0`); `k = p - |F1|` sites remain
//! to choose among the free ones. Its bound is
//! `L(lambda) = sum_d (w_d - lambda_d) + (sum of the k largest c_j over free j)` with
//! `c_j = sum_{d in L(j)} lambda_d`, `lambda_d = 0` for the demand `F1` covers and `lambda_d = w_d`
//! for the demand no free candidate covers: any `lambda` in `[0, w]` gives a valid bound, so the
//! subgradient steps (warm-started from the parent's multipliers, Polyak target = the incumbent)
//! only make it tighter. With `c_(k)` and `c_(k+1)` the k-th and (k+1)-th largest free `c`,
//! opening a free candidate `j` outside the relaxed top `k` gives at most `L - c_(k) + c_j` and
//! closing one inside at most `L - c_j + c_(k+1)`: when that cannot beat the incumbent, `j` is
//! fixed closed (open) in the whole subtree. Nodes branch on the relaxed open candidate of largest
//! `c_j`, the "open" child first. Every relaxed open set is a feasible solution; the best one
//! of each node, when within 1 % of the incumbent, is polished by the swap local search (once
//! per distinct set), which matters when the bound is tight but the relaxed sets are not
//! optimal.
//!
//! A node is discarded when its bound cannot beat the incumbent: when every weight is a
//! multiple of a unit `u = 2^-k` (integers, or population x need weights 1.25, 1.5; total below
//! 2^52 units) when `L < incumbent + u` (up to rounding), otherwise when
//! `L <= incumbent + 1e-9 x total weight`; the largest discarded bound (rounded down to a
//! multiple of `u`) is the proven bound. Single-threaded search with parallel (order-fixed) sums: the
//! result is deterministic; only a time limit, when it stops the search, makes it depend on the
//! machine (a node limit does not).

use std::collections::HashSet;

use rayon::prelude::*;

use super::coverage::{CoverState, Coverage};
use super::mclp::swap_search;
use super::numeric::{by_value_desc, det_sum, det_sums, lane_sum};
use super::tree::{
    DEFLECTION, Limits, NODE_PATIENCE, Pending, Split, THETA_MIN, TreeOutcome, TreeSearch,
    TreeState, depth_first,
};

/// Relative tolerance (of the total weight) on the bounds, for rounding.
const ROUNDING: f64 = 1e-9;
/// Relative distance to the incumbent under which a node's best relaxed set is polished by the
/// swap local search.
const POLISH_WITHIN: f64 = 0.01;
/// Cap on the improving swaps of one polishing.
const POLISH_MOVES: usize = 1_000;

/// The search state.
struct Search<'a> {
    cov: &'a Coverage,
    p: usize,
    /// The weights' granularity: every weight is a multiple of it (a power of two, at most 1),
    /// so a better solution covers at least `unit` more; `None` for arbitrary weights.
    unit: Option<f64>,
    tolerance: f64,
    /// Weight of every group, which no node can exceed: it closes the search at once when the
    /// incumbent covers everything in reach (the Lagrangian bound only tends to it; at 30 km,
    /// where 10 sites cover a whole 150 x 100 km square, the search ran to its time limit).
    reachable: f64,
    scale: Vec<f64>,
    /// The incumbent, the discarded bounds and the node count.
    tree: TreeState,
    /// Sets the swap search already started from.
    polished: HashSet<Vec<usize>>,
}

impl Search<'_> {
    /// Runs the swap local search from `open` (once per distinct set) and offers the result.
    fn polish(&mut self, open: &[usize]) {
        let mut key = open.to_vec();
        key.sort_unstable();
        if !self.polished.insert(key) {
            return;
        }
        let mut state = CoverState::with_open(self.cov, open.iter().copied());
        swap_search(&mut state, POLISH_MOVES);
        let value = state.covered();
        if value > self.tree.incumbent {
            self.tree.incumbent = value;
            let mut set = state.chosen.clone();
            set.sort_unstable();
            self.tree.best_set = set;
        }
    }

    /// The claims `c_j = sum_{d in L(j)} lambda_d` of the free candidates.
    fn claims(&self, free: &[usize], lambda: &[f64]) -> Vec<f64> {
        free.par_iter()
            .map(|&j| lane_sum(self.cov.by_candidate.row(j), |d| lambda[d as usize]))
            .collect()
    }
}

/// A node's open (`F1`) and free candidates, the number `k` of sites left to choose and the
/// demand status (2 covered by `F1`, 1 live, 0 dead).
struct Frame {
    opened: Vec<usize>,
    free: Vec<usize>,
    k: usize,
    status: Vec<u8>,
}

/// The largest `2^-k` (`k` in `0..=20`) of which every weight is a multiple, when sums of
/// weights stay exact in `f64` (total below 2^52 units).
fn granularity(weight: &[f64], total: f64) -> Option<f64> {
    (0..=20).map(|k| f64::from(1u32 << k)).find_map(|scale| {
        (total * scale < 4.0e15 && weight.iter().all(|w| (w * scale).fract() == 0.0))
            .then_some(1.0 / scale)
    })
}

/// Positions of the `k` largest values (ties: lowest position), in decreasing order.
fn top_free(values: &[f64], k: usize) -> Vec<usize> {
    super::numeric::top_k(values, k)
}

impl TreeSearch for Search<'_> {
    const MAXIMISE: bool = true;
    type Frame = Frame;

    fn tree_mut(&mut self) -> &mut TreeState {
        &mut self.tree
    }

    fn p(&self) -> usize {
        self.p
    }

    fn trivial_bound(&self) -> f64 {
        self.cov.total
    }

    fn free(frame: &Frame) -> &[usize] {
        &frame.free
    }

    fn tree(&self) -> &TreeState {
        &self.tree
    }

    /// True when a bound cannot beat the incumbent.
    fn prunable(&self, bound: f64) -> bool {
        match self.unit {
            Some(unit) => bound + self.tolerance < self.tree.incumbent + unit,
            None => bound <= self.tree.incumbent + self.tolerance,
        }
    }

    /// Records a discarded bound.
    fn discard(&mut self, bound: f64) {
        let b = match self.unit {
            Some(unit) => ((bound + self.tolerance) / unit).floor() * unit,
            None => bound,
        };
        self.tree.discarded = self.tree.discarded.max(b.min(self.cov.total));
    }

    /// Covered weight of a set of candidates; updates the incumbent.
    fn offer(&mut self, open: &[usize]) -> f64 {
        debug_assert!(open.len() <= self.p, "at most p sites");
        let mut hit = vec![false; self.cov.demand()];
        for &j in open {
            for &d in self.cov.by_candidate.row(j) {
                hit[d as usize] = true;
            }
        }
        let value = det_sum(hit.len(), |d| if hit[d] { self.cov.weight[d] } else { 0.0 });
        self.tree.improve(value, open, Self::MAXIMISE)
    }

    /// Subgradient steps on the node's bound from `lambda` (left at the best multipliers);
    /// offers every relaxed open set, polishes the node's best one; returns the best bound.
    fn relax(
        &mut self,
        frame: &Frame,
        lambda: &mut [f64],
        iterations: usize,
        theta: &mut f64,
    ) -> f64 {
        if self.prunable(self.reachable) {
            // The incumbent covers everything in reach: no node can beat it (a bound that
            // discards the node, so the caller fixes nothing with it).
            return self.reachable;
        }
        let cov = self.cov;
        let groups = cov.demand();
        let weight = &cov.weight;
        let Frame {
            opened,
            free,
            k,
            status,
        } = frame;
        let k = *k;
        let mut direction = vec![0.0; groups];
        let mut count = vec![0u32; groups];
        let mut best = f64::INFINITY;
        let mut best_lambda = lambda.to_vec();
        let mut stale = 0;
        let mut last_top: Vec<usize> = Vec::new();
        let mut node_best = (f64::NEG_INFINITY, Vec::new());
        for _ in 0..iterations {
            let claimed = self.claims(free, lambda);
            let top = top_free(&claimed, k);
            count.fill(0);
            for &t in &top {
                for &d in cov.by_candidate.row(free[t]) {
                    count[d as usize] += 1;
                }
            }
            let g = |d: usize| {
                if status[d] == 1 {
                    f64::from(count[d]) - if lambda[d] < weight[d] { 1.0 } else { 0.0 }
                } else {
                    0.0
                }
            };
            let [slack, previous, dot] = det_sums(groups, |d| {
                [
                    weight[d] - lambda[d],
                    self.scale[d] * direction[d] * direction[d],
                    self.scale[d] * g(d) * direction[d],
                ]
            });
            let value = slack + top.iter().fold(0.0, |acc, &t| acc + claimed[t]);
            let mut sorted_top = top.clone();
            sorted_top.sort_unstable();
            if sorted_top != last_top {
                let mut open = opened.clone();
                open.extend(top.iter().map(|&t| free[t]));
                let covered = self.offer(&open);
                if covered > node_best.0 {
                    node_best = (covered, open);
                }
                last_top = sorted_top;
            }
            if value < best {
                best = value;
                best_lambda.copy_from_slice(lambda);
                stale = 0;
            } else {
                stale += 1;
                if stale >= NODE_PATIENCE {
                    *theta /= 2.0;
                    stale = 0;
                }
            }
            if self.prunable(best) || *theta < THETA_MIN {
                break;
            }
            let beta = if previous > 0.0 {
                (-DEFLECTION * dot / previous).max(0.0)
            } else {
                0.0
            };
            for (d, dir) in direction.iter_mut().enumerate() {
                *dir = g(d) + beta * *dir;
            }
            let [norm_2] = det_sums(groups, |d| [self.scale[d] * direction[d] * direction[d]]);
            if norm_2 == 0.0 {
                break;
            }
            let target = self.tree.incumbent + self.unit.unwrap_or(0.0);
            let step = *theta * (value - target).max(0.0) / norm_2;
            let scale = &self.scale;
            let direction = &direction;
            lambda.par_iter_mut().enumerate().for_each(|(d, l)| {
                if status[d] == 1 {
                    *l = (*l - step * scale[d] * direction[d]).clamp(0.0, weight[d]);
                }
            });
        }
        lambda.copy_from_slice(&best_lambda);
        // A relaxed set close to the incumbent: polish it with the swap search.
        if node_best.0 >= (1.0 - POLISH_WITHIN) * self.tree.incumbent && !node_best.1.is_empty() {
            self.polish(&node_best.1);
        }
        best
    }

    /// Reduced-cost fixing at the multipliers `lambda` of bound `best`: fixes in `fixed` the
    /// free candidates whose forced opening (closing) cannot beat the incumbent. Returns whether
    /// anything was fixed and the unfixed relaxed open candidate of largest claim.
    fn fix(
        &mut self,
        frame: &Frame,
        fixed: &mut [i8],
        lambda: &[f64],
        best: f64,
    ) -> (bool, Option<usize>) {
        let (free, k) = (&frame.free, frame.k);
        let claimed = self.claims(free, lambda);
        let order = top_free(&claimed, k + 1);
        let c_k = claimed[order[k - 1]];
        let c_k1 = claimed[order[k]];
        let mut in_top = vec![false; free.len()];
        for &t in &order[..k] {
            in_top[t] = true;
        }
        let mut changed = false;
        let mut branch: Option<(f64, usize)> = None;
        for (t, &j) in free.iter().enumerate() {
            if in_top[t] {
                let closed = best - claimed[t] + c_k1;
                if self.prunable(closed) {
                    self.discard(closed);
                    fixed[j] = 1;
                    changed = true;
                } else if branch.is_none_or(|b| by_value_desc((claimed[t], j), b).is_lt()) {
                    branch = Some((claimed[t], j));
                }
            } else {
                let opened_bound = best - c_k + claimed[t];
                if self.prunable(opened_bound) {
                    self.discard(opened_bound);
                    fixed[j] = -1;
                    changed = true;
                }
            }
        }
        (changed, branch.map(|(_, j)| j))
    }

    /// The node's open and free candidates and demand status, with `lambda` set to 0 on the
    /// demand `F1` covers and to `w` on the demand no free candidate covers.
    fn frame(&mut self, split: Split, lambda: &mut [f64]) -> Frame {
        let cov = self.cov;
        let Split { opened, free, k } = split;
        // Demand status: 2 covered by F1, 1 live, 0 dead.
        let mut status = vec![0u8; cov.demand()];
        for &j in &free {
            for &d in cov.by_candidate.row(j) {
                status[d as usize] = 1;
            }
        }
        for &j in &opened {
            for &d in cov.by_candidate.row(j) {
                status[d as usize] = 2;
            }
        }
        for (d, l) in lambda.iter_mut().enumerate() {
            match status[d] {
                2 => *l = 0.0,
                0 => *l = cov.weight[d],
                _ => {}
            }
        }
        Frame {
            opened,
            free,
            k,
            status,
        }
    }
}

/// Branch-and-bound for MCLP with `p` new sites over `cov`, from the incumbent `start`
/// (covered weight and set).
pub(crate) fn mclp_branch_and_bound(
    cov: &Coverage,
    p: usize,
    start: (f64, &[u32]),
    limits: &Limits<'_>,
) -> TreeOutcome {
    let m = cov.candidates();
    let reachable = det_sum(cov.demand(), |d| cov.weight[d]);
    let total = cov.total.max(reachable);
    let search = Search {
        cov,
        p,
        unit: granularity(&cov.weight, total),
        tolerance: ROUNDING * total.max(1.0),
        reachable,
        scale: cov.weight.iter().map(|w| w.sqrt()).collect(),
        tree: TreeState::new(start, f64::NEG_INFINITY),
        polished: HashSet::new(),
    };
    let root = Pending {
        fixed: vec![0; m],
        lambda: cov.weight.iter().map(|w| w / 2.0).collect(),
        bound: f64::INFINITY,
    };
    depth_first(search, m, p, root, total, limits)
}
