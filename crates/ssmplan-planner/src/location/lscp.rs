//! Location set covering (LSCP) with a target share: lazy greedy until the target is met,
//! redundancy removal, then "one site fewer" attempts by MCLP swap search; lower bounds from the
//! largest single covers and from the MCLP Lagrangian bound.

use super::bound::mclp_upper_bound;
use super::branch::mclp_branch_and_bound;
use super::coverage::{CoverState, Coverage};
use super::error::LocationError;
use super::instance::LocationInstance;
use super::mclp::{improve, lazy_greedy, resequence};
use super::numeric::{det_sum, relative_gap, top_k};
use super::observe::SolveObserver;
use super::params::SolveParams;
use super::solution::{BoundKind, Solution};
use super::tree::Limits;

/// Relative tolerance (of the total weight) with which a target is considered met; the same
/// rule is used by the exhaustive search.
pub(crate) const TARGET_TOLERANCE: f64 = 1e-9;

/// Removes, last added first, every site whose removal keeps the covered weight at `needed`.
fn remove_redundant(state: &mut CoverState<'_>, needed: f64) -> usize {
    let mut removed = 0;
    let mut covered = state.covered();
    for position in (0..state.chosen.len()).rev() {
        let unique = state.unique(position);
        if covered - unique >= needed {
            state.remove(position);
            covered = state.covered();
            removed += 1;
        }
    }
    removed
}

/// Work counters of a solve.
#[derive(Default)]
struct Work {
    iterations: usize,
    evaluations: u64,
}

/// Position of the chosen site covering the least weight alone (ties: lowest position).
fn least_unique(state: &CoverState<'_>) -> Option<usize> {
    (0..state.chosen.len())
        .map(|i| (state.unique(i), i))
        .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))
        .map(|(_, i)| i)
}

/// Tries again and again to meet the target with one site fewer: drops the site covering the
/// least alone, then runs the MCLP swap search. Returns the coverage of the last failed attempt
/// (0 when none failed).
fn drop_sites(
    state: &mut CoverState<'_>,
    needed: f64,
    params: &SolveParams,
    work: &mut Work,
) -> f64 {
    while state.chosen.len() > 1 {
        let Some(drop) = least_unique(state) else {
            break;
        };
        let mut trial = state.clone();
        trial.remove(drop);
        let out = improve(&mut trial, params, params.perturbations);
        work.evaluations += out.evaluations;
        work.iterations += out.moves;
        let covered = trial.covered();
        if covered < needed {
            return covered;
        }
        *state = trial;
        work.iterations += 1 + remove_redundant(state, needed);
    }
    0.0
}

/// The fewest candidates whose single coverages add up to `needed` (a lower bound).
fn top_covers_bound(cov: &Coverage, needed: f64) -> usize {
    let covers = CoverState::new(cov).gains();
    let mut lower = 0usize;
    let mut sum = 0.0;
    if needed > 0.0 {
        for j in top_k(&covers, cov.candidates()) {
            lower += 1;
            sum += covers[j];
            if sum >= needed {
                break;
            }
        }
    }
    lower
}

/// Certified mode: MCLP's optimum grows with the number of sites, so the count found is optimal
/// once the certified MCLP with one site fewer proves it covers less than `needed`; a set with
/// one site fewer that meets it replaces `state` and the search goes on. Returns whether the
/// count left in `state` is proven optimal (false when a limit stopped the search).
fn certify<'a>(
    cov: &'a Coverage,
    state: &mut CoverState<'a>,
    needed: f64,
    params: &SolveParams,
    work: &mut Work,
    observer: &dyn SolveObserver,
) -> bool {
    let limits = Limits::new(params, observer, cov.baseline);
    while !state.chosen.is_empty() {
        let k = state.chosen.len() - 1;
        let mut start = state.clone();
        if let Some(drop) = least_unique(&start) {
            start.remove(drop);
        }
        let out = mclp_branch_and_bound(cov, k, (start.covered(), &start.chosen), &limits);
        work.iterations += usize::try_from(out.nodes).unwrap_or(usize::MAX);
        if out.value >= needed {
            *state = CoverState::with_open(cov, out.set.iter().map(|&j| j as usize));
            work.iterations += remove_redundant(state, needed);
            continue;
        }
        return out.proven;
    }
    true
}

/// Solves LSCP (radius and target share validated by the caller).
pub(super) fn solve(
    instance: &LocationInstance,
    radius_m: f64,
    target_share: f64,
    params: &SolveParams,
    observer: &dyn SolveObserver,
) -> Result<Solution, LocationError> {
    observer.stage("coverage lists");
    let cov = Coverage::build(instance, radius_m);
    let tolerance = TARGET_TOLERANCE * cov.total;
    // Weight the new sites must cover.
    let needed = target_share * cov.total - tolerance - cov.baseline;
    // Every group is within reach of some candidate.
    let reachable = det_sum(cov.demand(), |d| cov.weight[d]);
    if reachable < needed {
        return Err(LocationError::UnreachableTarget {
            target_share,
            reachable_share: cov.share(cov.baseline + reachable),
        });
    }
    observer.stage("greedy cover and site removal");
    let mut state = CoverState::new(&cov);
    let greedy = lazy_greedy(&mut state, |_, covered| covered >= needed, None);
    let mut work = Work {
        iterations: 0,
        evaluations: greedy.evaluations,
    };
    // The greedy tracks the covered weight incrementally; top up if rounding fell short.
    while state.covered() < needed {
        let gains = state.gains();
        work.evaluations += gains.len() as u64;
        let Some(&best) = top_k(&gains, 1).first() else {
            break;
        };
        state.add(best);
    }
    work.iterations += remove_redundant(&mut state, needed);
    // Best coverage known with one site fewer than the current solution (Polyak target of the
    // Lagrangian certificate).
    let mut fewer_covered = match state.chosen.len() {
        0 | 1 => 0.0,
        k => greedy.covered_after.get(k - 2).copied().unwrap_or(0.0),
    };
    if params.local_search {
        let before = state.chosen.len();
        let failed = drop_sites(&mut state, needed, params, &mut work);
        fewer_covered = if state.chosen.len() == before {
            fewer_covered.max(failed)
        } else {
            failed
        };
    }
    // Lower bounds on the number of sites: the fewest largest single covers reaching `needed`,
    // then the MCLP Lagrangian bound with one site fewer.
    observer.stage("lower bounds on the number of sites");
    let mut lower = top_covers_bound(&cov, needed);
    let mut kind = BoundKind::TopCovers;
    let lagrangian =
        params.bound_iterations > 0 && (cov.by_candidate.nnz() as u64) <= params.bound_pairs_limit;
    while lagrangian && lower < state.chosen.len() && state.chosen.len() >= 2 {
        let out = mclp_upper_bound(
            &cov,
            state.chosen.len() - 1,
            fewer_covered,
            params.bound_iterations,
            Some(needed),
            f64::INFINITY,
            0,
        );
        if out.bound < needed {
            lower = state.chosen.len();
            kind = BoundKind::LagrangianCover;
            break;
        }
        // A relaxed open set with one site fewer meets the target: take it and try again.
        match out.better {
            Some((covered, set)) if covered >= needed => {
                state = CoverState::with_open(&cov, set);
                work.iterations += 1 + remove_redundant(&mut state, needed);
                fewer_covered = 0.0;
            }
            _ => break,
        }
    }
    if params.exact && lower < state.chosen.len() && {
        observer.stage("certified search: one site fewer cannot meet the target");
        certify(&cov, &mut state, needed, params, &mut work, observer)
    } {
        lower = state.chosen.len();
        kind = BoundKind::Exact;
    }
    let found = state.chosen.len();
    let lower = lower.min(found);
    let (chosen, marginal, resequencing) = resequence(&cov, &state.chosen);
    work.evaluations += resequencing;
    let covered = cov.baseline + state.covered();
    let objective = found as f64;
    let bound = lower as f64;
    Ok(Solution {
        chosen,
        objective,
        bound: Some(bound),
        bound_kind: Some(kind),
        gap: Some(relative_gap(objective, bound)),
        baseline_objective: 0.0,
        marginal,
        covered_share: Some(cov.share(covered)),
        baseline_share: Some(cov.share(cov.baseline)),
        iterations: work.iterations,
        evaluations: work.evaluations,
    })
}
