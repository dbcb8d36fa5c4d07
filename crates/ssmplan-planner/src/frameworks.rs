//! Framework expansion (*élargissement de cadre*): share a budget of ETP among existing SSM,
//! step by step, to the service whose catchment has the most need-weighted inhabitants per ETP.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// One SSM as the expansion sees it.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct FrameworkInput {
    /// SSM id.
    pub ssm: String,
    /// Current framework.
    ///
    /// # Units
    /// ETP.
    pub etp: f64,
    /// Inhabitants of its catchment.
    pub population: u64,
    /// Need-weighted inhabitants of its catchment (population x group weight).
    pub need_population: f64,
}

/// How to expand.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct ExpansionParams {
    /// ETP to share.
    pub budget_etp: f64,
    /// Size of one allocation step (default 0.25 ETP).
    pub step_etp: f64,
}

impl ExpansionParams {
    /// A budget in ETP with the default step of 0.25 ETP.
    #[must_use]
    pub fn new(budget_etp: f64) -> Self {
        Self {
            budget_etp,
            step_etp: 0.25,
        }
    }

    /// A budget in euros at `cost_per_etp_eur` a year: the ETP it pays, rounded down to whole
    /// steps by [`expand_frameworks`].
    #[must_use]
    pub fn from_eur(budget_eur: f64, cost_per_etp_eur: f64) -> Self {
        Self::new(budget_eur / cost_per_etp_eur)
    }

    /// Sets the step.
    #[must_use]
    pub fn step_etp(mut self, step: f64) -> Self {
        self.step_etp = step;
        self
    }
}

/// Before and after for one SSM.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct FrameworkChange {
    /// SSM id.
    pub ssm: String,
    /// ETP before.
    pub etp_before: f64,
    /// ETP added.
    pub etp_added: f64,
    /// ETP after.
    pub etp_after: f64,
    /// Need-weighted inhabitants of the catchment.
    pub need_population: f64,
    /// Need-weighted inhabitants per ETP before (`None` with no ETP).
    pub need_per_etp_before: Option<f64>,
    /// Need-weighted inhabitants per ETP after.
    pub need_per_etp_after: Option<f64>,
    /// ETP per 10,000 need-weighted inhabitants before (`None` with no need).
    pub etp_per_10k_before: Option<f64>,
    /// ETP per 10,000 need-weighted inhabitants after.
    pub etp_per_10k_after: Option<f64>,
}

/// The result of an expansion.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Expansion {
    /// Per SSM, in input order.
    pub changes: Vec<FrameworkChange>,
    /// Steps allocated.
    pub steps: usize,
    /// ETP allocated (steps x step).
    pub allocated_etp: f64,
    /// Budget left because it is smaller than one step.
    pub unallocated_etp: f64,
    /// Population-weighted Gini of ETP per 10,000 need-weighted inhabitants, before.
    pub gini_before: f64,
    /// The same, after.
    pub gini_after: f64,
}

/// Bad expansion parameters.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ExpansionError {
    /// Budget negative or not finite.
    #[error("budget must be a finite number of ETP >= 0, found {found}")]
    Budget {
        /// The budget.
        found: f64,
    },
    /// Step not positive.
    #[error("step must be a positive number of ETP, found {found}")]
    Step {
        /// The step.
        found: f64,
    },
    /// An SSM with a negative or non-finite ETP or need.
    #[error("SSM {ssm}: ETP and need-weighted population must be finite and >= 0")]
    Input {
        /// The SSM.
        ssm: String,
    },
}

#[derive(PartialEq)]
struct Candidate {
    ratio: f64,
    index: usize,
}

impl Eq for Candidate {}

impl Ord for Candidate {
    fn cmp(&self, other: &Self) -> Ordering {
        // Highest ratio first; ties to the lowest index.
        self.ratio
            .total_cmp(&other.ratio)
            .then(other.index.cmp(&self.index))
    }
}

impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

fn ratio(need: f64, etp: f64) -> f64 {
    if need <= 0.0 {
        0.0
    } else if etp <= 0.0 {
        f64::INFINITY
    } else {
        need / etp
    }
}

/// Shares the budget in steps: each step goes to the SSM with the most need-weighted
/// inhabitants per ETP at that moment (ties to the earlier SSM), which minimises the largest
/// need per ETP reachable with whole steps. SSM without need receive nothing.
///
/// # Errors
/// [`ExpansionError`] for a negative budget, a non-positive step or bad inputs.
pub fn expand_frameworks(
    inputs: &[FrameworkInput],
    params: &ExpansionParams,
) -> Result<Expansion, ExpansionError> {
    if !(params.budget_etp.is_finite() && params.budget_etp >= 0.0) {
        return Err(ExpansionError::Budget {
            found: params.budget_etp,
        });
    }
    if !(params.step_etp.is_finite() && params.step_etp > 0.0) {
        return Err(ExpansionError::Step {
            found: params.step_etp,
        });
    }
    for i in inputs {
        if !(i.etp.is_finite()
            && i.etp >= 0.0
            && i.need_population.is_finite()
            && i.need_population >= 0.0)
        {
            return Err(ExpansionError::Input { ssm: i.ssm.clone() });
        }
    }
    let total_steps = (params.budget_etp / params.step_etp + 1e-9).floor() as usize;
    let mut added = vec![0usize; inputs.len()];
    let mut heap: BinaryHeap<Candidate> = inputs
        .iter()
        .enumerate()
        .filter(|(_, i)| i.need_population > 0.0)
        .map(|(index, i)| Candidate {
            ratio: ratio(i.need_population, i.etp),
            index,
        })
        .collect();
    let mut steps = 0;
    while steps < total_steps {
        let Some(top) = heap.pop() else { break };
        added[top.index] += 1;
        steps += 1;
        let i = &inputs[top.index];
        let etp = i.etp + added[top.index] as f64 * params.step_etp;
        heap.push(Candidate {
            ratio: ratio(i.need_population, etp),
            index: top.index,
        });
    }
    let per_10k = |need: f64, etp: f64| (need > 0.0).then(|| etp / need * 10_000.0);
    let per_etp = |need: f64, etp: f64| (etp > 0.0).then(|| need / etp);
    let changes: Vec<FrameworkChange> = inputs
        .iter()
        .zip(&added)
        .map(|(i, &k)| {
            let after = i.etp + k as f64 * params.step_etp;
            FrameworkChange {
                ssm: i.ssm.clone(),
                etp_before: i.etp,
                etp_added: k as f64 * params.step_etp,
                etp_after: after,
                need_population: i.need_population,
                need_per_etp_before: per_etp(i.need_population, i.etp),
                need_per_etp_after: per_etp(i.need_population, after),
                etp_per_10k_before: per_10k(i.need_population, i.etp),
                etp_per_10k_after: per_10k(i.need_population, after),
            }
        })
        .collect();
    let weights: Vec<f64> = inputs.iter().map(|i| i.population as f64).collect();
    let before: Vec<f64> = changes
        .iter()
        .map(|c| c.etp_per_10k_before.unwrap_or(0.0))
        .collect();
    let after: Vec<f64> = changes
        .iter()
        .map(|c| c.etp_per_10k_after.unwrap_or(0.0))
        .collect();
    let allocated_etp = steps as f64 * params.step_etp;
    Ok(Expansion {
        changes,
        steps,
        allocated_etp,
        unallocated_etp: (params.budget_etp - allocated_etp).max(0.0),
        gini_before: weighted_gini(&before, &weights),
        gini_after: weighted_gini(&after, &weights),
    })
}

/// Weighted Gini coefficient: `sum_i sum_j w_i w_j |x_i - x_j| / (2 W^2 mean)`, with `W` the
/// total weight and `mean` the weighted mean; 0 for equal values, empty input or zero mean.
#[must_use]
pub fn weighted_gini(values: &[f64], weights: &[f64]) -> f64 {
    let total: f64 = weights.iter().sum();
    if total <= 0.0 {
        return 0.0;
    }
    let mean = values.iter().zip(weights).map(|(x, w)| x * w).sum::<f64>() / total;
    if mean <= 0.0 {
        return 0.0;
    }
    let mut sum = 0.0;
    for (xi, wi) in values.iter().zip(weights) {
        for (xj, wj) in values.iter().zip(weights) {
            sum += wi * wj * (xi - xj).abs();
        }
    }
    sum / (2.0 * total * total * mean)
}

#[cfg(test)]
#[expect(
    clippy::float_cmp,
    reason = "hand-computed values are exact in binary floating point"
)]
mod tests {
    use super::*;

    fn ssm(id: &str, etp: f64, need: f64) -> FrameworkInput {
        FrameworkInput {
            ssm: id.into(),
            etp,
            population: need as u64,
            need_population: need,
        }
    }

    #[test]
    fn hand_computed_allocation() {
        // A: 100,000 need / 5 ETP = 20,000 per ETP; B: 50,000 / 5 = 10,000.
        // Steps of 1 ETP: A (20,000 -> 16,667), A (-> 14,286), A (-> 12,500), A (-> 11,111),
        // A (-> 10,000), then a tie at 10,000 goes to A, the earlier (-> 9,091), then B.
        let e = expand_frameworks(
            &[ssm("A", 5.0, 100_000.0), ssm("B", 5.0, 50_000.0)],
            &ExpansionParams::new(7.0).step_etp(1.0),
        )
        .expect("valid");
        assert_eq!(e.changes[0].etp_added, 6.0);
        assert_eq!(e.changes[1].etp_added, 1.0);
        assert_eq!(e.steps, 7);
        // Gini of ETP per 10k (population-weighted): before 0.5 vs 1.0 -> after 1.0 vs 1.2.
        assert!(e.gini_after < e.gini_before);
    }

    #[test]
    fn greedy_minimises_the_largest_need_per_etp() {
        // Exhaustive oracle on small cases: all ways to give B steps to 3 SSM.
        let inputs = [
            ssm("A", 2.0, 31_000.0),
            ssm("B", 0.0, 7_000.0),
            ssm("C", 4.5, 52_000.0),
        ];
        for budget in 0..=8usize {
            let e = expand_frameworks(&inputs, &ExpansionParams::new(budget as f64 * 0.25))
                .expect("valid");
            let worst = |added: &[f64]| {
                inputs
                    .iter()
                    .zip(added)
                    .map(|(i, a)| ratio(i.need_population, i.etp + a))
                    .fold(0.0, f64::max)
            };
            let greedy = worst(&e.changes.iter().map(|c| c.etp_added).collect::<Vec<_>>());
            let mut best = f64::INFINITY;
            for a in 0..=budget {
                for b in 0..=budget - a {
                    let c = budget - a - b;
                    best = best.min(worst(&[a as f64 * 0.25, b as f64 * 0.25, c as f64 * 0.25]));
                }
            }
            assert!(
                greedy == best || (greedy - best).abs() < 1e-9,
                "budget {budget}: {greedy} vs {best}"
            );
        }
    }

    #[test]
    fn euros_and_leftovers() {
        let p = ExpansionParams::from_eur(100_000.0, 96_012.0);
        let e = expand_frameworks(&[ssm("A", 1.0, 10.0)], &p).expect("valid");
        // 1.0415 ETP pays 4 steps of 0.25; 0.0415 ETP is left.
        assert_eq!(e.steps, 4);
        assert!((e.unallocated_etp - (100_000.0 / 96_012.0 - 1.0)).abs() < 1e-9);
        assert!(expand_frameworks(&[], &ExpansionParams::new(-1.0)).is_err());
        assert!(expand_frameworks(&[], &ExpansionParams::new(1.0).step_etp(0.0)).is_err());
        assert!(expand_frameworks(&[ssm("A", f64::NAN, 1.0)], &ExpansionParams::new(1.0)).is_err());
    }

    #[test]
    fn gini_hand_computed() {
        assert_eq!(weighted_gini(&[1.0, 1.0], &[1.0, 1.0]), 0.0);
        // Two equal weights, values 0 and 1: sum |xi - xj| = 2, W = 2, mean 0.5 -> 2 / (2*4*0.5) = 0.5.
        assert!((weighted_gini(&[0.0, 1.0], &[1.0, 1.0]) - 0.5).abs() < 1e-12);
        assert_eq!(weighted_gini(&[], &[]), 0.0);
    }
}
