//! The MCLP Lagrangian's claims `c_j = sum_{d in L(j)} lambda_d`, computed along a spanning
//! forest of the candidates' coverage lists.
//!
//! Neighbouring candidates reach mostly the same demand groups. Once the claim of a candidate
//! `k` is known, that of `j` is `c_k + sum_{L(j) \ L(k)} lambda - sum_{L(k) \ L(j)} lambda`,
//! which reads only the groups where the two lists differ. A [`ClaimPlan`] fixes, once per
//! coverage, which candidate each one starts from (its parent) and the two difference lists;
//! each Lagrangian iteration then reads those lists instead of every list. At 20 km on the
//! benchmark families (10,000 points x 300 candidates, seed 1), the lists hold 14,661 to 172,880
//! pairs and the plans read 1,856 to 39,632 groups (3.3 to 7.9 times fewer).
//!
//! The parents come from a minimum spanning tree (Prim) of the candidates, where each edge
//! costs the size of the two lists' symmetric difference and a virtual root reaches every
//! candidate at the cost of its own list (a direct sum). Exact differences between every pair
//! would cost as much as the product of the lists; the edges are instead estimated from a
//! sample of each list: the candidates that also reach the sampled groups, found through the
//! groups' own candidate lists. An estimate only decides the parent: the difference lists are
//! then computed exactly, and a candidate whose difference is no shorter than its own list
//! sums that list directly. Whatever the estimates, the claims are the same sums.
//!
//! Order and rounding: the plan depends on the coverage alone and the claims are computed in
//! the plan's order, so they do not depend on the number of threads. A claim computed from its
//! parent differs from the direct sum by rounding only: each step adds and subtracts sums of
//! non-negative multipliers, so the error grows with the depth of the candidate in the forest
//! (at most the number of candidates) times the machine epsilon times the claims, far below
//! the tolerance (`1e-10` of the total weight) with which bounds are compared.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rayon::prelude::*;

use super::coverage::Csr;
use super::numeric::lane_sum;

/// Groups sampled per candidate list to estimate its differences with other lists.
const SAMPLES: usize = 32;
/// Closest candidates (by estimated difference) kept as possible parents of each candidate.
const NEIGHBOURS: usize = 8;
/// Marks a candidate that sums its list directly.
const ROOT: u32 = u32::MAX;

/// Which candidate each claim starts from, and the groups to add and to subtract (see the
/// module documentation).
#[derive(Clone, Debug)]
pub(crate) struct ClaimPlan {
    /// Candidates in evaluation order: each comes after its parent.
    order: Vec<u32>,
    /// Parent of the candidate at each position of `order`, or [`ROOT`].
    parent: Vec<u32>,
    /// Groups to add at each position of `order` (the whole list for a root).
    plus: Csr,
    /// Groups to subtract at each position of `order`.
    minus: Csr,
}

impl ClaimPlan {
    /// The plan of the lists `by_candidate` (rows in increasing group order), whose transpose is
    /// `by_group`.
    pub(crate) fn new(by_candidate: &Csr, by_group: &Csr) -> Self {
        let m = by_candidate.rows();
        let near = estimated_neighbours(by_candidate, by_group);
        let mut adjacent: Vec<Vec<(usize, u32)>> = vec![Vec::new(); m];
        for (j, list) in near.iter().enumerate() {
            for &(cost, k) in list {
                adjacent[j].push((cost, k));
                adjacent[k as usize].push((cost, j as u32));
            }
        }
        // Prim from the virtual root; ties go to the lowest candidate index.
        let mut key: Vec<usize> = (0..m).map(|j| by_candidate.row(j).len()).collect();
        let mut parent = vec![ROOT; m];
        let mut done = vec![false; m];
        let mut heap: BinaryHeap<Reverse<(usize, u32)>> =
            (0..m).map(|j| Reverse((key[j], j as u32))).collect();
        let mut order = Vec::with_capacity(m);
        while let Some(Reverse((cost, j))) = heap.pop() {
            let j = j as usize;
            if done[j] || cost != key[j] {
                continue;
            }
            done[j] = true;
            order.push(j as u32);
            for &(edge, k) in &adjacent[j] {
                let k = k as usize;
                if !done[k] && edge < key[k] {
                    key[k] = edge;
                    parent[k] = j as u32;
                    heap.push(Reverse((edge, k as u32)));
                }
            }
        }
        let steps: Vec<(u32, Vec<u32>, Vec<u32>)> = order
            .par_iter()
            .map(|&j| {
                let own = by_candidate.row(j as usize);
                let from = parent[j as usize];
                if from != ROOT {
                    let (plus, minus) = differences(own, by_candidate.row(from as usize));
                    if plus.len() + minus.len() < own.len() {
                        return (from, plus, minus);
                    }
                }
                (ROOT, own.to_vec(), Vec::new())
            })
            .collect();
        let mut plan = Self {
            order,
            parent: Vec::with_capacity(m),
            plus: Csr::default(),
            minus: Csr::default(),
        };
        for (from, plus, minus) in steps {
            plan.parent.push(from);
            plan.plus.push_row(plus);
            plan.minus.push_row(minus);
        }
        plan
    }

    /// Groups read per evaluation (the pairs of the lists for direct sums).
    #[cfg_attr(not(test), expect(dead_code, reason = "read by the tests only"))]
    pub(crate) fn reads(&self) -> usize {
        self.plus.nnz() + self.minus.nnz()
    }

    /// Writes `c_j = sum_{d in L(j)} lambda_d` into `claims[j]` for every candidate.
    pub(crate) fn claims(&self, lambda: &[f64], claims: &mut [f64]) {
        for (at, (&j, &from)) in self.order.iter().zip(&self.parent).enumerate() {
            let added = lane_sum(self.plus.row(at), |d| lambda[d as usize]);
            claims[j as usize] = if from == ROOT {
                added
            } else {
                let removed = lane_sum(self.minus.row(at), |d| lambda[d as usize]);
                (claims[from as usize] + added) - removed
            };
        }
    }
}

/// The groups of `own` not in `other`, and those of `other` not in `own` (both lists in
/// increasing order).
fn differences(own: &[u32], other: &[u32]) -> (Vec<u32>, Vec<u32>) {
    let (mut plus, mut minus) = (Vec::new(), Vec::new());
    let (mut a, mut b) = (0, 0);
    while a < own.len() && b < other.len() {
        match own[a].cmp(&other[b]) {
            std::cmp::Ordering::Equal => {
                a += 1;
                b += 1;
            }
            std::cmp::Ordering::Less => {
                plus.push(own[a]);
                a += 1;
            }
            std::cmp::Ordering::Greater => {
                minus.push(other[b]);
                b += 1;
            }
        }
    }
    plus.extend_from_slice(&own[a..]);
    minus.extend_from_slice(&other[b..]);
    (plus, minus)
}

/// For each candidate, the [`NEIGHBOURS`] other candidates with the smallest estimated
/// symmetric difference of lists, as `(estimate, candidate)`, smallest first (ties: lowest
/// index). The estimate scales the share of [`SAMPLES`] evenly spaced groups of the list that
/// the other candidate also reaches.
fn estimated_neighbours(by_candidate: &Csr, by_group: &Csr) -> Vec<Vec<(usize, u32)>> {
    let m = by_candidate.rows();
    (0..m)
        .into_par_iter()
        .map_init(
            || (vec![0u32; m], Vec::new()),
            |(hits, touched), j| {
                let own = by_candidate.row(j);
                let stride = own.len().div_ceil(SAMPLES).max(1);
                let mut samples = 0;
                for &d in own.iter().skip(stride / 2).step_by(stride) {
                    samples += 1;
                    for &k in by_group.row(d as usize) {
                        if k as usize != j {
                            if hits[k as usize] == 0 {
                                touched.push(k);
                            }
                            hits[k as usize] += 1;
                        }
                    }
                }
                let mut near: Vec<(usize, u32)> = touched
                    .iter()
                    .map(|&k| {
                        let shared = (hits[k as usize] as usize * own.len()).div_ceil(samples);
                        let other = by_candidate.row(k as usize).len();
                        ((own.len() + other).saturating_sub(2 * shared), k)
                    })
                    .collect();
                for &k in touched.iter() {
                    hits[k as usize] = 0;
                }
                touched.clear();
                if near.len() > NEIGHBOURS {
                    near.select_nth_unstable(NEIGHBOURS - 1);
                    near.truncate(NEIGHBOURS);
                }
                near.sort_unstable();
                near
            },
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::coverage::Coverage;
    use super::super::numeric::{Draw, SplitMix64, lane_sum};
    use super::super::{Family, family_instance};
    use super::{ClaimPlan, ROOT};

    /// The plan rebuilds every list exactly (parent's list, plus its additions, minus its
    /// removals, as sets), each parent comes before its children, it never reads more than the
    /// direct sums, and its claims equal the direct sums up to rounding, for random
    /// multipliers, on every family at three radii.
    #[test]
    fn plans_rebuild_every_list_and_its_sum() {
        for (f, family) in Family::ALL.into_iter().enumerate() {
            let instance = family_instance(&family.params(f as u64, 2_000, 120, 5 * (f % 2)))
                .expect("family instance");
            for radius in [4_000.0, 12_000.0, 25_000.0] {
                let cov = Coverage::build(&instance, radius);
                let plan = ClaimPlan::new(&cov.by_candidate, &cov.by_group);
                let m = cov.candidates();
                assert!(plan.reads() <= cov.by_candidate.nnz(), "{family} {radius}");
                let mut seen = vec![false; m];
                for (at, (&j, &from)) in plan.order.iter().zip(&plan.parent).enumerate() {
                    let mut rebuilt: Vec<u32> = if from == ROOT {
                        Vec::new()
                    } else {
                        assert!(seen[from as usize], "{family} {radius}: parent after child");
                        cov.by_candidate.row(from as usize).to_vec()
                    };
                    rebuilt.retain(|d| !plan.minus.row(at).contains(d));
                    rebuilt.extend_from_slice(plan.plus.row(at));
                    rebuilt.sort_unstable();
                    assert_eq!(
                        rebuilt,
                        cov.by_candidate.row(j as usize),
                        "{family} {radius}"
                    );
                    assert!(!seen[j as usize], "{family} {radius}: candidate twice");
                    seen[j as usize] = true;
                }
                assert!(
                    seen.iter().all(|&s| s),
                    "{family} {radius}: candidate missing"
                );
                let mut rng = SplitMix64::new(f as u64);
                for _ in 0..3 {
                    let lambda: Vec<f64> = cov.weight.iter().map(|w| w * rng.unit()).collect();
                    let mut claims = vec![f64::NAN; m];
                    plan.claims(&lambda, &mut claims);
                    for (j, &c) in claims.iter().enumerate() {
                        let direct = lane_sum(cov.by_candidate.row(j), |d| lambda[d as usize]);
                        assert!(
                            (c - direct).abs() <= 1e-12 * cov.total,
                            "{family} {radius}: candidate {j}: {c} vs {direct}"
                        );
                    }
                }
            }
        }
    }
}
