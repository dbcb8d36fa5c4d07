//! Certified p-median: a depth-first branch-and-bound on the Lagrangian bound of
//! [`pmedian_lower_bound`](super::bound::pmedian_lower_bound) (assignment constraints relaxed),
//! with reduced-cost fixing at every node; the mirror of the MCLP search in `branch.rs`.
//!
//! A node fixes some candidates open (`F1`) and some closed (`F0`); `k = p - |F1|` sites remain
//! to choose among the free ones. With multipliers `lambda_d` in `[0, w_d b_d]` (`b_d` the
//! distance to the demand point's fallback: its nearest existing site, or a cost larger than
//! any) and `rho_j = sum_d min(0, w_d c_dj - lambda_d)`, its bound is
//! `L = sum_d lambda_d + sum_{j in F1} rho_j + (sum of the k most negative rho_j over free j)`,
//! a lower bound on every completion for every `lambda`, so subgradient steps (warm-started
//! from the parent's multipliers, Polyak target = the incumbent) only make it tighter. With
//! `rho_(k)` and `rho_(k+1)` the k-th and (k+1)-th most negative free `rho`, opening a free
//! `j` outside the relaxed top `k` costs at least `L - rho_(k) + rho_j` and closing one inside
//! at least `L - rho_j + rho_(k+1)`: when that cannot beat the incumbent, `j` is fixed closed
//! (open) in the subtree. Nodes branch on the relaxed open candidate of most negative `rho`,
//! the "open" child first; every relaxed open set is evaluated as a feasible solution.
//!
//! A node is discarded when `L >= incumbent - 1e-9 x incumbent`; the smallest discarded bound
//! (and, when a limit stops the search, the smallest bound of the nodes left) is the proven
//! bound, never above the optimum. Single-threaded search with parallel (order-fixed) sums.

use rayon::prelude::*;

use super::numeric::{det_sum, det_sums, lane_sum_pairs, top_k};
use super::pmedian::Distances;
use super::tree::{
    DEFLECTION, Limits, NODE_PATIENCE, Pending, Split, THETA_MIN, TreeOutcome, TreeSearch,
    TreeState, depth_first,
};

/// Relative tolerance on the bounds, for rounding.
const ROUNDING: f64 = 1e-9;

/// The search state.
struct Search<'a> {
    data: &'a Distances,
    /// Weighted costs `w_d c_dj` of each column, aligned with `data.column(j)`.
    weighted: Vec<Vec<f64>>,
    /// `w_d b_d`: the cost of the fallback, the cap of `lambda_d`.
    cap: &'a [f64],
    p: usize,
    /// The incumbent, the discarded bounds and the node count.
    tree: TreeState,
}

impl Search<'_> {
    fn tolerance(&self) -> f64 {
        ROUNDING * self.tree.incumbent.abs().max(1.0)
    }

    /// `rho_j` of the candidates `js`.
    fn rho(&self, js: &[usize], lambda: &[f64]) -> Vec<f64> {
        js.par_iter()
            .map(|&j| {
                let (demand, _) = self.data.column(j);
                lane_sum_pairs(demand, &self.weighted[j], |d, c| {
                    (c - lambda[d as usize]).min(0.0)
                })
            })
            .collect()
    }
}

/// Weighted costs `w_d c_dj` of every column.
fn weighted_columns(data: &Distances) -> Vec<Vec<f64>> {
    (0..data.candidates())
        .into_par_iter()
        .map(|j| {
            let (demand, dist) = data.column(j);
            demand
                .iter()
                .zip(dist)
                .map(|(&d, &c)| data.weight[d as usize] * c)
                .collect()
        })
        .collect()
}

/// Root multipliers: each point's weighted distance to its nearest site of `set`.
fn warm_start(data: &Distances, set: &[u32]) -> Vec<f64> {
    let mut nearest = data.base.clone();
    for &j in set {
        let (demand, dist) = data.column(j as usize);
        for (&d, &c) in demand.iter().zip(dist) {
            let now = &mut nearest[d as usize];
            if c < *now {
                *now = c;
            }
        }
    }
    (0..nearest.len())
        .map(|d| data.weight[d] * nearest[d])
        .collect()
}

impl TreeSearch for Search<'_> {
    const MAXIMISE: bool = false;
    type Frame = Split;

    fn tree_mut(&mut self) -> &mut TreeState {
        &mut self.tree
    }

    fn p(&self) -> usize {
        self.p
    }

    fn trivial_bound(&self) -> f64 {
        f64::NEG_INFINITY
    }

    fn frame(&mut self, split: Split, _lambda: &mut [f64]) -> Split {
        split
    }

    fn free(frame: &Split) -> &[usize] {
        &frame.free
    }

    fn tree(&self) -> &TreeState {
        &self.tree
    }

    /// True when a bound cannot beat the incumbent.
    fn prunable(&self, bound: f64) -> bool {
        bound >= self.tree.incumbent - self.tolerance()
    }

    fn discard(&mut self, bound: f64) {
        self.tree.discarded = self.tree.discarded.min(bound);
    }

    /// Weighted distance of a set of candidates; updates the incumbent.
    fn offer(&mut self, open: &[usize]) -> f64 {
        let data = self.data;
        let mut nearest = data.base.clone();
        for &j in open {
            let (demand, dist) = data.column(j);
            for (&d, &c) in demand.iter().zip(dist) {
                let now = &mut nearest[d as usize];
                if c < *now {
                    *now = c;
                }
            }
        }
        let value = det_sum(nearest.len(), |d| data.weight[d] * nearest[d]);
        self.tree.improve(value, open, Self::MAXIMISE)
    }

    /// Subgradient ascent on the node's bound from `lambda` (left at the best multipliers);
    /// offers every relaxed open set; returns the best bound.
    fn relax(
        &mut self,
        frame: &Split,
        lambda: &mut [f64],
        iterations: usize,
        theta: &mut f64,
    ) -> f64 {
        let data = self.data;
        let points = data.weight.len();
        let Split { opened, free, k } = frame;
        let k = *k;
        let mut direction = vec![0.0; points];
        let mut count = vec![0u32; points];
        let mut best = f64::NEG_INFINITY;
        let mut best_lambda = lambda.to_vec();
        let mut stale = 0;
        let mut last_top: Vec<usize> = Vec::new();
        for _ in 0..iterations {
            let fixed_rho = self.rho(opened, lambda);
            let free_rho = self.rho(free, lambda);
            let negated: Vec<f64> = free_rho.iter().map(|r| -r).collect();
            let top = top_k(&negated, k);
            count.fill(0);
            for j in opened.iter().copied().chain(top.iter().map(|&t| free[t])) {
                let (demand, _) = data.column(j);
                for (&d, &c) in demand.iter().zip(&self.weighted[j]) {
                    if c < lambda[d as usize] {
                        count[d as usize] += 1;
                    }
                }
            }
            let cap = self.cap;
            let g =
                |d: usize| 1.0 - f64::from(count[d]) - if cap[d] < lambda[d] { 1.0 } else { 0.0 };
            let [own, previous, dot] = det_sums(points, |d| {
                [
                    lambda[d] + (cap[d] - lambda[d]).min(0.0),
                    data.weight[d] * direction[d] * direction[d],
                    data.weight[d] * g(d) * direction[d],
                ]
            });
            let value = own
                + fixed_rho.iter().fold(0.0, |acc, r| acc + r)
                + top.iter().fold(0.0, |acc, &t| acc + free_rho[t]);
            let mut sorted_top = top.clone();
            sorted_top.sort_unstable();
            if sorted_top != last_top {
                let mut open = opened.clone();
                open.extend(top.iter().map(|&t| free[t]));
                self.offer(&open);
                last_top = sorted_top;
            }
            if value > best {
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
            let [norm_2] = det_sums(points, |d| [data.weight[d] * direction[d] * direction[d]]);
            if norm_2 == 0.0 {
                break;
            }
            let step = *theta * (self.tree.incumbent - value).max(0.0) / norm_2;
            let weight = &data.weight;
            let direction = &direction;
            lambda.par_iter_mut().enumerate().for_each(|(d, l)| {
                *l = (*l + step * weight[d] * direction[d]).clamp(0.0, cap[d]);
            });
        }
        lambda.copy_from_slice(&best_lambda);
        best
    }

    /// Reduced-cost fixing at the multipliers `lambda` of bound `best`. Returns whether
    /// anything was fixed and the unfixed relaxed open candidate of most negative `rho`.
    fn fix(
        &mut self,
        frame: &Split,
        fixed: &mut [i8],
        lambda: &[f64],
        best: f64,
    ) -> (bool, Option<usize>) {
        let (free, k) = (&frame.free, frame.k);
        let rho = self.rho(free, lambda);
        let negated: Vec<f64> = rho.iter().map(|r| -r).collect();
        let order = top_k(&negated, k + 1);
        let r_k = rho[order[k - 1]];
        let r_k1 = rho[order[k]];
        let mut in_top = vec![false; free.len()];
        for &t in &order[..k] {
            in_top[t] = true;
        }
        let mut changed = false;
        let mut branch: Option<(f64, usize)> = None;
        for (t, &j) in free.iter().enumerate() {
            if in_top[t] {
                let closed = best - rho[t] + r_k1;
                if self.prunable(closed) {
                    self.discard(closed);
                    fixed[j] = 1;
                    changed = true;
                } else if branch.is_none_or(|(r, b)| (rho[t], j) < (r, b)) {
                    branch = Some((rho[t], j));
                }
            } else {
                let opened = best - r_k + rho[t];
                if self.prunable(opened) {
                    self.discard(opened);
                    fixed[j] = -1;
                    changed = true;
                }
            }
        }
        (changed, branch.map(|(_, j)| j))
    }
}

/// Branch-and-bound for p-median with `p` new sites over `data`, from the incumbent `start`
/// (weighted distance, fixed cost excluded, and set).
pub(crate) fn pmedian_branch_and_bound(
    data: &Distances,
    p: usize,
    start: (f64, &[u32]),
    limits: &Limits<'_>,
) -> TreeOutcome {
    let m = data.candidates();
    let weighted = weighted_columns(data);
    let cap: Vec<f64> = (0..data.weight.len())
        .map(|d| data.weight[d] * data.base[d])
        .collect();
    let search = Search {
        data,
        weighted,
        cap: &cap,
        p,
        tree: TreeState::new(start, f64::INFINITY),
    };
    let root = Pending {
        fixed: vec![0; m],
        lambda: warm_start(data, start.1),
        bound: f64::NEG_INFINITY,
    };
    depth_first(search, m, p, root, 0.0, limits)
}
