//! Maximal covering (MCLP): lazy greedy (CELF), fast swap local search on incremental tables
//! (`swap.rs`) with optional seeded kicks, local searches restarted from the Lagrangian's relaxed
//! sets, path relinking between the local optima (`relink.rs`), a tabu search from the best
//! (`tabu.rs`), and the submodular and Lagrangian upper bounds.

use std::collections::BinaryHeap;
use std::sync::atomic::{AtomicUsize, Ordering as AtomicOrdering};

use rayon::prelude::*;

use super::bound::{LagrangeOutcome, mclp_upper_bound};
use super::branch::mclp_branch_and_bound;
use super::coverage::{CoverState, Coverage};
use super::error::LocationError;
use super::instance::LocationInstance;
use super::numeric::{Draw, Lazy, SplitMix64, by_value_desc, det_sum, relative_gap, top_k_sum};
use super::observe::SolveObserver;
use super::params::SolveParams;
use super::relink::relink_elite;
use super::solution::{BoundKind, Solution};
use super::swap::SwapTables;
use super::tabu::tabu_search;
use super::tree::Limits;

/// Relative tolerance under which a swap does not count as an improvement.
const IMPROVEMENT_TOLERANCE: f64 = 1e-10;

/// Local optima (the best distinct ones) that the path relinking joins to the best. 10 before
/// the tabu search; with it, 3 left no run below 99.9 % of the best known on 704 runs
/// (generator seeds 2 and 3 at every setting, seeds 2 to 11 at p = 10 and 20 km), as 10 did,
/// with a better worst case at p = 50 (99.943 % instead of 99.932 %) and about a third of the
/// relinking time (25 ms of 70 on `towns` at 20 km, 2 threads, with 10).
const RELINK_ELITE: usize = 3;

/// What the lazy greedy found besides the sites it added to the state.
#[derive(Clone, Debug)]
pub(crate) struct GreedyOutcome {
    /// Smallest submodular upper bound seen, on the weight covered by `bound_p` chosen sites
    /// (existing coverage excluded); infinity without `bound_p`.
    pub upper_bound: f64,
    /// Weight covered after each addition (existing coverage excluded).
    pub covered_after: Vec<f64>,
    /// Gain evaluations made (initial gains included).
    pub evaluations: u64,
}

/// Lazy greedy (CELF): adds the candidate of largest marginal gain (ties: lowest index) until
/// `stop(number chosen, weight covered)` holds or no candidate is left.
///
/// With `bound_p = Some(p)`, records at each step the submodular bound
/// `f(S_k) + sum of the p largest gain upper bounds`: the queue holds gains computed on subsets
/// of `S_k`, which by submodularity are upper bounds of the gains over `S_k`.
pub(crate) fn lazy_greedy(
    state: &mut CoverState<'_>,
    mut stop: impl FnMut(usize, f64) -> bool,
    bound_p: Option<usize>,
) -> GreedyOutcome {
    let initial = state.gains();
    let mut evaluations = initial.len() as u64;
    let mut heap: BinaryHeap<Lazy> = initial
        .iter()
        .enumerate()
        .filter(|&(j, _)| !state.is_chosen[j])
        .map(|(j, &gain)| Lazy {
            gain,
            candidate: j as u32,
            round: 0,
        })
        .collect();
    let mut covered = state.covered();
    let mut covered_after = Vec::new();
    let mut upper_bound = f64::INFINITY;
    let mut round = 0u32;
    let mut queued = Vec::with_capacity(heap.len());
    while !heap.is_empty() && !stop(state.chosen.len(), covered) {
        if let Some(p) = bound_p {
            queued.clear();
            queued.extend(heap.iter().map(|e| e.gain));
            upper_bound = upper_bound.min(covered + top_k_sum(&queued, p));
        }
        while let Some(top) = heap.pop() {
            if top.round == round {
                state.add(top.candidate as usize);
                covered += top.gain;
                covered_after.push(covered);
                break;
            }
            evaluations += 1;
            heap.push(Lazy {
                gain: state.gain(top.candidate as usize),
                candidate: top.candidate,
                round,
            });
        }
        round += 1;
    }
    GreedyOutcome {
        upper_bound,
        covered_after,
        evaluations,
    }
}

/// What a swap local search did.
#[derive(Clone, Debug, Default)]
pub(crate) struct SwapOutcome {
    /// Improving swaps made.
    pub moves: usize,
    /// Swap pairs scored.
    pub evaluations: u64,
}

/// Best-improvement swap local search (fast vertex substitution) on incremental
/// [`SwapTables`]: each step scans the `p x (m - p)` swap deltas and updates the tables around
/// the two sites exchanged. Ties go to the lowest position, then the lowest candidate index.
pub(crate) fn swap_search(state: &mut CoverState<'_>, max_moves: usize) -> SwapOutcome {
    improve(
        state,
        &SolveParams::new(state.chosen.len()).max_iterations(max_moves),
        0,
    )
}

/// Local search, then `rounds` kicks seeded by `params.seed` (a third of the sites swapped for
/// random candidates, local search again, kept if strictly better). Leaves the best state found.
pub(crate) fn improve(
    state: &mut CoverState<'_>,
    params: &SolveParams,
    rounds: usize,
) -> SwapOutcome {
    let m = state.cov.candidates();
    let p = state.chosen.len();
    let mut out = SwapOutcome {
        moves: 0,
        evaluations: 0,
    };
    if p > 0 && p < m && params.max_iterations > 0 {
        let eps = IMPROVEMENT_TOLERANCE * state.cov.total;
        let mut tables = SwapTables::new(state);
        let (moves, evaluations) = tables.descend(state, params.max_iterations, eps);
        out.moves += moves;
        out.evaluations += evaluations;
        if rounds > 0 {
            let mut rng = SplitMix64::new(params.seed);
            let mut best = (state.clone(), tables.clone());
            let mut best_value = state.covered();
            for _ in 0..rounds {
                for _ in 0..(p / 3).max(1) {
                    let i = rng.below(p);
                    let j = loop {
                        let j = rng.below(m);
                        if !state.is_chosen[j] {
                            break j;
                        }
                    };
                    tables.apply(state, i, j);
                }
                let (moves, evaluations) = tables.descend(state, params.max_iterations, eps);
                out.moves += moves;
                out.evaluations += evaluations;
                let value = state.covered();
                if value > best_value + eps {
                    best_value = value;
                    best.0.clone_from(state);
                    best.1.clone_from(&tables);
                } else {
                    state.clone_from(&best.0);
                    tables.clone_from(&best.1);
                }
            }
        }
    }
    out
}

/// Kick rounds after each MCLP local search: the kicks of the parameters plus the
/// perturbations asked for.
fn mclp_rounds(params: &SolveParams) -> usize {
    params.kicks.saturating_add(params.perturbations)
}

/// Orders `chosen` greedily (largest marginal gain first, ties lowest index) and returns the
/// order with the marginal gains, and the number of gain evaluations.
pub(crate) fn resequence(cov: &Coverage, chosen: &[u32]) -> (Vec<usize>, Vec<f64>, u64) {
    let mut state = CoverState::new(cov);
    let mut rest: Vec<usize> = chosen.iter().map(|&j| j as usize).collect();
    rest.sort_unstable();
    let mut order = Vec::with_capacity(rest.len());
    let mut marginal = Vec::with_capacity(rest.len());
    let mut evaluations = 0;
    while !rest.is_empty() {
        let scored: Vec<(f64, usize)> = rest.par_iter().map(|&j| (state.gain(j), j)).collect();
        evaluations += scored.len() as u64;
        let Some(&(gain, j)) = scored.iter().min_by(|a, b| by_value_desc(**a, **b)) else {
            break;
        };
        state.add(j);
        rest.retain(|&k| k != j);
        order.push(j);
        marginal.push(gain);
    }
    (order, marginal, evaluations)
}

/// Restarts the local search (when `searching`) from each of `starts` (skipping the current
/// set) and leaves in `state` the best strictly better result; stops once a result reaches the
/// proven bound `upper`.
///
/// The restarts are independent (each kick sequence follows `params.seed`), so they run in
/// parallel; their results are then taken in the order of `starts`, exactly as one after the
/// other would take them, and those after the first one that reaches `upper` are dropped (a
/// restart that reaches it stops those after it that have not begun).
fn restart(
    state: &mut CoverState<'_>,
    starts: Vec<Vec<usize>>,
    params: &SolveParams,
    searching: bool,
    upper: f64,
) -> Restarted {
    let cov = state.cov;
    let mut covered = state.covered();
    let mut current: Vec<usize> = state.chosen.iter().map(|&j| j as usize).collect();
    current.sort_unstable();
    let mut out = Restarted {
        moves: 0,
        evaluations: 0,
        gains: None,
        elite: vec![(covered, state.chosen.clone())],
    };
    let starts: Vec<Vec<usize>> = starts.into_iter().filter(|set| *set != current).collect();
    let mut improved = false;
    if proven(covered, upper, cov.total) {
        return out;
    }
    let search = |set: &[usize]| {
        let mut next = CoverState::with_open(cov, set.iter().copied());
        let round = if searching {
            improve(&mut next, params, mclp_rounds(params))
        } else {
            SwapOutcome::default()
        };
        (next, round)
    };
    // The first restart known to reach the bound: those after it are not begun (one that is
    // needed after all, in the rare case where the bound is reached only within the
    // tolerance, is searched when its turn comes).
    let first_proven = AtomicUsize::new(usize::MAX);
    let searched: Vec<Option<(CoverState<'_>, SwapOutcome)>> = starts
        .par_iter()
        .enumerate()
        .map(|(k, set)| {
            if first_proven.load(AtomicOrdering::Relaxed) < k {
                return None;
            }
            let result = search(set);
            if proven(result.0.covered(), upper, cov.total) {
                first_proven.fetch_min(k, AtomicOrdering::Relaxed);
            }
            Some(result)
        })
        .collect();
    for (set, result) in starts.iter().zip(searched) {
        let (next, round) = result.unwrap_or_else(|| search(set));
        out.moves += round.moves;
        out.evaluations += round.evaluations;
        let value = next.covered();
        out.elite.push((value, next.chosen.clone()));
        if value > covered + IMPROVEMENT_TOLERANCE * cov.total {
            *state = next;
            covered = value;
            improved = true;
        }
        if proven(covered, upper, cov.total) {
            break;
        }
    }
    out.gains = improved.then(|| state.gains());
    out
}

/// Relaxed open sets to restart from: the one covering the most when it beats the local optimum
/// (`covered`; always), then the best distinct ones (`params.restarts`); the search restarts
/// from each and keeps strictly better results.
fn relaxed_starts(lagrangian: LagrangeOutcome, covered: f64, total: f64) -> Vec<Vec<usize>> {
    let mut starts: Vec<Vec<usize>> = Vec::new();
    if let Some((value, set)) = lagrangian.better
        && value > covered + IMPROVEMENT_TOLERANCE * total
    {
        starts.push(set);
    }
    for (_, set) in lagrangian.elite {
        if !starts.contains(&set) {
            starts.push(set);
        }
    }
    starts
}

/// Whether `covered` reaches the bound `upper` (relative tolerance on the total weight).
fn proven(covered: f64, upper: f64, total: f64) -> bool {
    upper - covered <= IMPROVEMENT_TOLERANCE * total
}

/// The distinct sets of `elite` other than `best`, by decreasing value (ties: the sets'
/// sorted order), each as chosen in the search.
fn distinct_elite(mut elite: Vec<(f64, Vec<u32>)>, best: &[u32]) -> Vec<Vec<u32>> {
    let key = |set: &[u32]| {
        let mut sorted = set.to_vec();
        sorted.sort_unstable();
        sorted
    };
    let best = key(best);
    elite.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| key(&a.1).cmp(&key(&b.1))));
    let mut seen = vec![best];
    let mut out = Vec::new();
    for (_, set) in elite {
        let sorted = key(&set);
        if !seen.contains(&sorted) {
            seen.push(sorted);
            out.push(set);
        }
    }
    out
}

/// What [`restart`] did.
struct Restarted {
    /// Improving swaps made.
    moves: usize,
    /// Swap pairs scored.
    evaluations: u64,
    /// Gains over the new state, when a restart beat the start state.
    gains: Option<Vec<f64>>,
    /// The start state and every local optimum reached, with their covered weights.
    elite: Vec<(f64, Vec<u32>)>,
}

/// What the certified mode adds to a heuristic solution.
struct Certified<'a> {
    /// A strictly better state, when found.
    state: Option<CoverState<'a>>,
    /// The proven bound on the covered weight (existing coverage excluded) and its kind:
    /// [`BoundKind::Exact`] when the search finished.
    bound: Option<(f64, BoundKind)>,
    /// Branch-and-bound nodes solved.
    nodes: usize,
}

/// Runs the branch-and-bound of the certified mode from the heuristic `state` (`covered`).
fn certify<'a>(
    cov: &'a Coverage,
    p: usize,
    params: &SolveParams,
    state: &CoverState<'a>,
    covered: f64,
    observer: &dyn SolveObserver,
) -> Certified<'a> {
    if p == 0 || p >= cov.candidates() {
        // Nothing or everything to choose: the greedy set is optimal.
        return Certified {
            state: None,
            bound: Some((covered, BoundKind::Exact)),
            nodes: 0,
        };
    }
    let limits = Limits::new(params, observer, cov.baseline);
    let out = mclp_branch_and_bound(cov, p, (covered, &state.chosen), &limits);
    let better = (out.value > covered)
        .then(|| CoverState::with_open(cov, out.set.iter().map(|&j| j as usize)));
    Certified {
        state: better,
        bound: Some((
            out.bound,
            if out.proven {
                BoundKind::Exact
            } else {
                BoundKind::Lagrangian
            },
        )),
        nodes: usize::try_from(out.nodes).unwrap_or(usize::MAX),
    }
}

/// The best state's covered weight, the smallest proven bound with its kind, and the work done,
/// as the stages of [`solve`] go.
struct Tally {
    covered: f64,
    upper: f64,
    kind: BoundKind,
    iterations: usize,
    evaluations: u64,
}

/// The Lagrangian bound, the local searches restarted from its relaxed sets and the path
/// relinking between their local optima; skipped when the bound is switched off, `p` is 0,
/// the instance is above the pairs limit or the state is proven optimal already.
fn guided_search<'a>(
    cov: &'a Coverage,
    params: &SolveParams,
    searching: bool,
    state: &mut CoverState<'a>,
    tally: &mut Tally,
    observer: &dyn SolveObserver,
) {
    let p = params.p;
    if params.bound_iterations == 0
        || p == 0
        || proven(tally.covered, tally.upper, cov.total)
        || (cov.by_candidate.nnz() as u64) > params.bound_pairs_limit
    {
        return;
    }
    observer.stage("Lagrangian bound and restarts");
    let lagrangian = mclp_upper_bound(
        cov,
        p,
        tally.covered,
        params.bound_iterations,
        None,
        tally.upper,
        if searching { params.restarts } else { 0 },
    );
    if lagrangian.bound < tally.upper {
        tally.upper = lagrangian.bound;
        tally.kind = BoundKind::Lagrangian;
    }
    let starts = relaxed_starts(lagrangian, tally.covered, cov.total);
    let restarted = restart(state, starts, params, searching, tally.upper);
    tally.iterations += restarted.moves;
    tally.evaluations += restarted.evaluations;
    if let Some(gains) = restarted.gains {
        tally.covered = state.covered();
        // A bound whatever the state it is computed on.
        let submodular = tally.covered + top_k_sum(&gains, p);
        if submodular < tally.upper {
            tally.upper = submodular;
            tally.kind = BoundKind::Submodular;
        }
    }
    if searching && params.relink && !proven(tally.covered, tally.upper, cov.total) {
        observer.stage("path relinking");
        let mut elite = distinct_elite(restarted.elite, &state.chosen);
        elite.truncate(RELINK_ELITE);
        let eps = IMPROVEMENT_TOLERANCE * cov.total;
        let relinked = relink_elite(state, &elite, params.max_iterations, eps);
        tally.iterations += relinked.moves;
        tally.evaluations += relinked.evaluations;
        if relinked.improved {
            tally.covered = state.covered();
        }
    }
}

/// Solves MCLP with radius `radius_m` (validated by the caller).
pub(super) fn solve(
    instance: &LocationInstance,
    radius_m: f64,
    params: &SolveParams,
    observer: &dyn SolveObserver,
) -> Result<Solution, LocationError> {
    let m = instance.candidate_count();
    let p = params.p;
    if p > m {
        return Err(LocationError::TooManySites { p, candidates: m });
    }
    observer.stage("coverage lists");
    let cov = Coverage::build(instance, radius_m);
    observer.stage("greedy and swap search");
    let mut state = CoverState::new(&cov);
    let greedy = lazy_greedy(&mut state, |k, _| k >= p, Some(p));
    let mut evaluations = greedy.evaluations;
    let mut iterations = 0;
    let searching = params.local_search && p > 0 && p < m;
    if searching {
        let out = improve(&mut state, params, mclp_rounds(params));
        iterations += out.moves;
        evaluations += out.evaluations;
    }
    let final_gains = state.gains();
    let covered = state.covered();
    let mut upper = greedy.upper_bound.min(covered + top_k_sum(&final_gains, p));
    let mut kind = BoundKind::Submodular;
    // Everything within reach is a bound too (it wins when nearly everything is covered).
    let reachable = det_sum(cov.demand(), |d| cov.weight[d]);
    if reachable < upper {
        upper = reachable;
        kind = BoundKind::Reachable;
    }
    let mut tally = Tally {
        covered,
        upper,
        kind,
        iterations,
        evaluations,
    };
    guided_search(&cov, params, searching, &mut state, &mut tally, observer);
    if searching && params.tabu > 0 && !proven(tally.covered, tally.upper, cov.total) {
        observer.stage("tabu search");
        let eps = IMPROVEMENT_TOLERANCE * cov.total;
        let steps = params.tabu.saturating_mul(p);
        let walked = tabu_search(&mut state, steps, tally.upper, eps);
        tally.iterations += walked.moves;
        tally.evaluations += walked.evaluations;
        if walked.improved {
            tally.covered = state.covered();
        }
    }
    let Tally {
        mut covered,
        mut upper,
        mut kind,
        mut iterations,
        mut evaluations,
    } = tally;
    if params.exact {
        observer.stage("certified search (branch-and-bound)");
        let certified = certify(&cov, p, params, &state, covered, observer);
        iterations += certified.nodes;
        if let Some(found) = certified.state {
            state = found;
            covered = state.covered();
        }
        if let Some((bound, bound_kind)) = certified.bound
            && (bound_kind == BoundKind::Exact || bound < upper)
        {
            upper = bound;
            kind = bound_kind;
        }
    }
    // The optimum is at least what was found: a bound below it is rounding only.
    let upper = upper.max(covered);
    let (chosen, marginal, resequencing) = resequence(&cov, &state.chosen);
    evaluations += resequencing;
    let objective = cov.baseline + covered;
    let bound = cov.baseline + upper;
    Ok(Solution {
        chosen,
        objective,
        bound: Some(bound),
        bound_kind: Some(kind),
        gap: Some(relative_gap(objective, bound)),
        baseline_objective: cov.baseline,
        marginal,
        covered_share: Some(cov.share(objective)),
        baseline_share: Some(cov.share(cov.baseline)),
        iterations,
        evaluations,
    })
}

#[cfg(test)]
mod tests {
    use super::super::coverage::{CoverState, Coverage};
    use super::super::numeric::{Draw, SplitMix64};
    use super::super::tests::on_threads;
    use super::super::{SyntheticParams, synthetic_instance};
    use super::{IMPROVEMENT_TOLERANCE, SolveParams, improve, proven, restart};

    /// The parallel restarts give what taking them one after the other gives (an oracle that
    /// searches every start in turn): the best strictly better state, the moves and the local
    /// optima of the restarts up to the first that reaches the bound, none after it; on 1 and
    /// 3 threads.
    #[test]
    fn parallel_restarts_stop_where_one_after_the_other_stops() {
        let instance = synthetic_instance(&SyntheticParams::new(4, 1_500, 60)).expect("synthetic");
        let cov = Coverage::build(&instance, 9_000.0);
        let params = SolveParams::new(5);
        let mut rng = SplitMix64::new(4);
        let starts: Vec<Vec<usize>> = (0..12)
            .map(|_| {
                let mut set: Vec<usize> = Vec::new();
                while set.len() < 5 {
                    let j = rng.below(cov.candidates());
                    if !set.contains(&j) {
                        set.push(j);
                    }
                }
                set.sort_unstable();
                set
            })
            .collect();
        let searched: Vec<(f64, usize)> = starts
            .iter()
            .map(|set| {
                let mut state = CoverState::with_open(&cov, set.iter().copied());
                let moves = improve(&mut state, &params, 0).moves;
                (state.covered(), moves)
            })
            .collect();
        // A start state that is none of the restarts' starts.
        let first = CoverState::with_open(&cov, 0..5);
        assert!(starts.iter().all(|set| *set != [0, 1, 2, 3, 4]));
        // The bound: the best of the first six restarts, so that some come after it.
        let upper = searched[..6].iter().fold(0.0, |a: f64, r| a.max(r.0));
        let (mut covered, mut moves, mut taken) = (first.covered(), 0, 0);
        for &(value, made) in &searched {
            moves += made;
            taken += 1;
            if value > covered + IMPROVEMENT_TOLERANCE * cov.total {
                covered = value;
            }
            if proven(covered, upper, cov.total) {
                break;
            }
        }
        assert!(taken < starts.len(), "the bound stops the restarts early");
        for threads in [1, 3] {
            let mut state = first.clone();
            let out = on_threads(threads, || {
                restart(&mut state, starts.clone(), &params, true, upper)
            });
            assert_eq!(
                state.covered().to_bits(),
                covered.to_bits(),
                "{threads} threads"
            );
            assert_eq!(out.moves, moves, "{threads} threads");
            assert_eq!(out.elite.len(), 1 + taken, "{threads} threads");
        }
    }
}
