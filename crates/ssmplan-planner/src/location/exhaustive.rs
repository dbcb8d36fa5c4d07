//! Exact solutions by enumeration, for tests and the certification of small instances.
//!
//! Deliberately independent of the heuristics: dense distances computed directly, no R-tree,
//! no sparse lists, so it also checks their construction.

use std::cmp::Ordering;

use rayon::prelude::*;

use super::error::LocationError;
use super::instance::LocationInstance;
use super::lscp::TARGET_TOLERANCE;
use super::numeric::{dist, dist_2};
use super::params::{Objective, SolveParams};
use super::solution::{BoundKind, Solution};

/// Largest number of subsets [`solve_exhaustive`] enumerates (for LSCP: over all sizes tried).
pub const MAX_EXHAUSTIVE_SUBSETS: u128 = 2_000_000;

/// Solves a location model exactly by enumerating every set of candidates.
///
/// MCLP and p-median enumerate the `C(candidates, p)` sets of `params.p` candidates; LSCP
/// enumerates sets of 0, 1, 2, ... candidates until one meets the target. Among optimal sets the
/// lexicographically smallest is returned, re-ordered like [`solve`](super::solve) orders its
/// sites (largest marginal gain first). `bound` equals `objective` and `gap` is 0.
///
/// # Errors
/// The errors of [`solve`](super::solve), and [`LocationError::ExhaustiveTooLarge`] when more
/// than [`MAX_EXHAUSTIVE_SUBSETS`] sets would be enumerated.
pub fn solve_exhaustive(
    instance: &LocationInstance,
    objective: &Objective,
    params: &SolveParams,
) -> Result<Solution, LocationError> {
    objective.validate()?;
    let m = instance.candidate_count();
    let model = Model::new(instance, objective);
    match *objective {
        Objective::Mclp { .. } | Objective::PMedian => {
            let p = params.p;
            if p > m {
                return Err(LocationError::TooManySites { p, candidates: m });
            }
            if p == 0 && instance.existing_count() == 0 && !objective.is_maximisation() {
                return Err(LocationError::NoOpenSite);
            }
            let subsets = binomial(m, p);
            if subsets > MAX_EXHAUSTIVE_SUBSETS {
                return Err(LocationError::ExhaustiveTooLarge {
                    subsets,
                    limit: MAX_EXHAUSTIVE_SUBSETS,
                });
            }
            let (value, set) = model.best(p);
            Ok(model.solution(&set, value, subsets))
        }
        Objective::Lscp { target_share, .. } => {
            let total = instance.total_weight();
            let needed = target_share * total - TARGET_TOLERANCE * total;
            let all: Vec<usize> = (0..m).collect();
            if model.value(&all) < needed {
                return Err(LocationError::UnreachableTarget {
                    target_share,
                    reachable_share: if total > 0.0 {
                        model.value(&all) / total
                    } else {
                        1.0
                    },
                });
            }
            let mut enumerated = 0u128;
            for k in 0..=m {
                enumerated = enumerated.saturating_add(binomial(m, k));
                if enumerated > MAX_EXHAUSTIVE_SUBSETS {
                    return Err(LocationError::ExhaustiveTooLarge {
                        subsets: enumerated,
                        limit: MAX_EXHAUSTIVE_SUBSETS,
                    });
                }
                let (covered, set) = model.best(k);
                // Opening every candidate meets the (reachable) target.
                if covered >= needed || k == m {
                    let mut solution = model.solution(&set, covered, enumerated);
                    solution.covered_share = Some(if total > 0.0 { covered / total } else { 1.0 });
                    solution.objective = k as f64;
                    solution.bound = Some(k as f64);
                    solution.baseline_objective = 0.0;
                    return Ok(solution);
                }
            }
            // Not reached: the loop returns at `k == m` at the latest.
            Err(LocationError::NoCandidates)
        }
    }
}

/// `C(n, k)`, saturating.
fn binomial(n: usize, k: usize) -> u128 {
    if k > n {
        return 0;
    }
    let k = k.min(n - k);
    let mut c: u128 = 1;
    for i in 0..k {
        c = c.saturating_mul((n - i) as u128) / (i as u128 + 1);
        if c == u128::MAX {
            break;
        }
    }
    c
}

/// Dense evaluation of an objective.
enum Model {
    /// Coverage: for each demand point not covered by an existing site, its weight and the
    /// candidates within the radius; `baseline` is the weight existing sites cover.
    Cover {
        weight: Vec<f64>,
        covering: Vec<Vec<usize>>,
        baseline: f64,
        total: f64,
        m: usize,
    },
    /// Distances: for each demand point, its weight, its distance to the nearest existing site
    /// (infinite without any; on a cost table the unreached cost at most) and its distance to
    /// every candidate (infinite for a pair absent from a cost table).
    Median {
        weight: Vec<f64>,
        base: Vec<f64>,
        cost: Vec<Vec<f64>>,
        m: usize,
    },
}

impl Model {
    fn new(instance: &LocationInstance, objective: &Objective) -> Self {
        if let Some(costs) = instance.costs() {
            return Self::from_table(instance, costs, objective);
        }
        let demand = instance.demand();
        let weight = instance.weight();
        let candidates = instance.candidates();
        let existing = instance.existing();
        let m = candidates.len();
        match *objective {
            Objective::Mclp { radius_m } | Objective::Lscp { radius_m, .. } => {
                let r2 = radius_m * radius_m;
                let mut model_weight = Vec::new();
                let mut covering = Vec::new();
                let mut baseline = 0.0;
                for (i, &q) in demand.iter().enumerate() {
                    if existing.iter().any(|&e| dist_2(e, q) <= r2) {
                        baseline += weight[i];
                    } else {
                        model_weight.push(weight[i]);
                        covering.push((0..m).filter(|&j| dist_2(candidates[j], q) <= r2).collect());
                    }
                }
                Self::Cover {
                    weight: model_weight,
                    covering,
                    baseline,
                    total: instance.total_weight(),
                    m,
                }
            }
            Objective::PMedian => Self::Median {
                weight: weight.to_vec(),
                base: demand
                    .iter()
                    .map(|&q| {
                        existing
                            .iter()
                            .map(|&e| dist(e, q))
                            .fold(f64::INFINITY, f64::min)
                    })
                    .collect(),
                cost: demand
                    .iter()
                    .map(|&q| candidates.iter().map(|&c| dist(c, q)).collect())
                    .collect(),
                m,
            },
        }
    }

    /// Dense matrices from a cost table: absent pairs never cover and cost the unreached cost.
    fn from_table(
        instance: &LocationInstance,
        costs: &super::CostTable,
        objective: &Objective,
    ) -> Self {
        let weight = instance.weight();
        let m = costs.candidate_count();
        let unreached = instance.unreached_cost();
        let dense = |d: usize| -> Vec<f64> {
            let mut row = vec![f64::INFINITY; m];
            let (sites, cost) = costs.candidate_costs(d);
            for (&j, &c) in sites.iter().zip(cost) {
                row[j as usize] = c;
            }
            row
        };
        let nearest_existing = |d: usize| {
            costs
                .existing_costs(d)
                .1
                .iter()
                .fold(f64::INFINITY, |a, &c| a.min(c))
        };
        match *objective {
            Objective::Mclp { radius_m } | Objective::Lscp { radius_m, .. } => {
                let mut model_weight = Vec::new();
                let mut covering = Vec::new();
                let mut baseline = 0.0;
                for (d, &w) in weight.iter().enumerate() {
                    if nearest_existing(d) <= radius_m {
                        baseline += w;
                    } else {
                        let row = dense(d);
                        model_weight.push(w);
                        covering.push((0..m).filter(|&j| row[j] <= radius_m).collect());
                    }
                }
                Self::Cover {
                    weight: model_weight,
                    covering,
                    baseline,
                    total: instance.total_weight(),
                    m,
                }
            }
            Objective::PMedian => Self::Median {
                weight: weight.to_vec(),
                base: (0..weight.len())
                    .map(|d| nearest_existing(d).min(unreached))
                    .collect(),
                cost: (0..weight.len()).map(dense).collect(),
                m,
            },
        }
    }

    fn maximise(&self) -> bool {
        matches!(self, Self::Cover { .. })
    }

    fn candidates(&self) -> usize {
        match self {
            Self::Cover { m, .. } | Self::Median { m, .. } => *m,
        }
    }

    /// Objective of the existing sites plus `set` (covered weight, or weighted distance).
    fn value(&self, set: &[usize]) -> f64 {
        match self {
            Self::Cover {
                weight,
                covering,
                baseline,
                m,
                ..
            } => {
                let mut open = vec![false; *m];
                for &j in set {
                    open[j] = true;
                }
                let mut covered = *baseline;
                for (w, cov) in weight.iter().zip(covering) {
                    if cov.iter().any(|&j| open[j]) {
                        covered += w;
                    }
                }
                covered
            }
            Self::Median {
                weight, base, cost, ..
            } => {
                let mut total = 0.0;
                for ((w, b), row) in weight.iter().zip(base).zip(cost) {
                    if *w > 0.0 {
                        let nearest = set.iter().map(|&j| row[j]).fold(*b, f64::min);
                        total += w * nearest;
                    }
                }
                total
            }
        }
    }

    /// True when `a` is a better value than `b`.
    fn better(&self, a: f64, b: f64) -> bool {
        if self.maximise() { a > b } else { a < b }
    }

    /// Best set of `k` candidates (ties: lexicographically smallest), enumerated in parallel
    /// over the first element.
    fn best(&self, k: usize) -> (f64, Vec<usize>) {
        let m = self.candidates();
        if k == 0 {
            return (self.value(&[]), Vec::new());
        }
        let pick = |a: (f64, Vec<usize>), b: (f64, Vec<usize>)| -> (f64, Vec<usize>) {
            if self.better(b.0, a.0) || (a.0.total_cmp(&b.0) == Ordering::Equal && b.1 < a.1) {
                b
            } else {
                a
            }
        };
        (0..=m - k)
            .into_par_iter()
            .filter_map(|first| {
                let mut set: Vec<usize> = (first..first + k).collect();
                let mut best: Option<(f64, Vec<usize>)> = None;
                loop {
                    let value = self.value(&set);
                    best = Some(match best {
                        None => (value, set.clone()),
                        Some(b) => pick(b, (value, set.clone())),
                    });
                    // Next combination with the same first element.
                    let mut i = k;
                    loop {
                        if i == 1 {
                            return best;
                        }
                        i -= 1;
                        if set[i] < m - k + i {
                            break;
                        }
                    }
                    set[i] += 1;
                    for t in i + 1..k {
                        set[t] = set[t - 1] + 1;
                    }
                }
            })
            .reduce_with(pick)
            .unwrap_or_else(|| (self.value(&[]), Vec::new()))
    }

    /// The solution for an optimal `set` of value `value`.
    fn solution(&self, set: &[usize], value: f64, subsets: u128) -> Solution {
        let baseline = self.value(&[]);
        let mut rest = set.to_vec();
        let mut order = Vec::new();
        let mut marginal = Vec::new();
        let mut current = baseline;
        while !rest.is_empty() {
            let mut best: Option<(f64, usize)> = None;
            for &j in &rest {
                let mut trial = order.clone();
                trial.push(j);
                let v = self.value(&trial);
                if best.is_none_or(|(bv, _)| self.better(v, bv)) {
                    best = Some((v, j));
                }
            }
            let Some((v, j)) = best else { break };
            marginal.push(if self.maximise() {
                v - current
            } else {
                current - v
            });
            current = v;
            order.push(j);
            rest.retain(|&k| k != j);
        }
        let (covered_share, baseline_share) = match self {
            Self::Cover { total, .. } => {
                let share = |x: f64| if *total > 0.0 { x / total } else { 1.0 };
                (Some(share(value)), Some(share(baseline)))
            }
            Self::Median { .. } => (None, None),
        };
        Solution {
            chosen: order,
            objective: value,
            bound: Some(value),
            bound_kind: Some(BoundKind::Exact),
            gap: Some(0.0),
            baseline_objective: baseline,
            marginal,
            covered_share,
            baseline_share,
            iterations: 0,
            evaluations: u64::try_from(subsets).unwrap_or(u64::MAX),
        }
    }
}
