//! Tests of the cost-table instances: the same answers as straight lines when the table holds
//! the straight-line distances, a hand-computed network where the two differ, seeded
//! comparisons with exhaustive search (and, for p-median, with a strict brute force that only
//! counts the sets of sites reaching every demand point), and refused tables.

#![expect(
    clippy::float_cmp,
    reason = "weights and costs are small integers: the sums compared are exact"
)]

use geo::Coord;

use super::numeric::{Draw, SplitMix64, dist};
use super::*;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// A seeded planar instance with integer weights and its table of all straight-line distances.
fn planar_and_table(
    rng: &mut SplitMix64,
    demand: usize,
    candidates: usize,
    existing: usize,
) -> (LocationInstance, LocationInstance) {
    let point = |rng: &mut SplitMix64| Coord {
        x: rng.unit() * 20_000.0,
        y: rng.unit() * 20_000.0,
    };
    let d: Vec<_> = (0..demand).map(|_| point(rng)).collect();
    let weight: Vec<f64> = (0..demand)
        .map(|_| {
            if rng.below(8) == 0 {
                0.0
            } else {
                (1 + rng.below(100)) as f64
            }
        })
        .collect();
    let c: Vec<_> = (0..candidates).map(|_| point(rng)).collect();
    let e: Vec<_> = (0..existing).map(|_| point(rng)).collect();
    let mut pairs = Vec::new();
    for (i, &q) in d.iter().enumerate() {
        pairs.extend(
            c.iter()
                .enumerate()
                .map(|(j, &s)| (i, Site::Candidate(j), dist(q, s))),
        );
        pairs.extend(
            e.iter()
                .enumerate()
                .map(|(k, &s)| (i, Site::Existing(k), dist(q, s))),
        );
    }
    // The pairs in a scrambled order: the table sorts them.
    pairs.reverse();
    let table = CostTable::new(demand, candidates, existing, pairs).expect("table");
    let tabled = LocationInstance::from_costs(weight.clone(), table).expect("instance");
    let planar = LocationInstance::new(d, weight, c, e).expect("instance");
    (planar, tabled)
}

#[test]
fn a_table_of_straight_lines_gives_the_planar_solution() {
    let mut rng = SplitMix64::new(31);
    for case in 0..24 {
        let (planar, tabled) = planar_and_table(&mut rng, 200, 20, case % 3);
        let p = 1 + case % 5;
        for objective in [
            Objective::Mclp { radius_m: 4_000.0 },
            Objective::PMedian,
            Objective::Lscp {
                radius_m: 6_000.0,
                target_share: 0.9,
            },
        ] {
            let params = SolveParams::new(p);
            let a = solve(&planar, &objective, &params).expect("planar");
            let b = solve(&tabled, &objective, &params).expect("table");
            assert!(
                close(a.objective, b.objective),
                "case {case} {objective:?}: {} against {}",
                a.objective,
                b.objective
            );
            assert_eq!(a.chosen, b.chosen, "case {case} {objective:?}");
            assert!(
                close(a.baseline_objective, b.baseline_objective)
                    || a.baseline_objective == b.baseline_objective
            );
        }
    }
}

/// Two demand points and two candidates on a road network where the straight line misleads:
/// `a` at (0, 0) is 1 km from `x` at (1, 0) as the crow flies but 5 km by road (a river
/// between them); it is 3 km from `y` at (0, 2) by road. `b` at (0, 4) is 4 km from `x` and 2
/// km from `y` by road. Weights 10 and 1.
#[test]
fn a_hand_built_network_differs_from_the_straight_line() {
    let table = CostTable::new(
        2,
        2,
        0,
        [
            (0, Site::Candidate(0), 5.0),
            (0, Site::Candidate(1), 3.0),
            (1, Site::Candidate(0), 4.0),
            (1, Site::Candidate(1), 2.0),
        ],
    )
    .expect("table");
    let instance = LocationInstance::from_costs(vec![10.0, 1.0], table).expect("instance");
    // p-median, p = 1: x costs 10 x 5 + 1 x 4 = 54, y costs 10 x 3 + 1 x 2 = 32.
    let s = solve(&instance, &Objective::PMedian, &SolveParams::new(1)).expect("solves");
    assert_eq!(s.chosen, vec![1]);
    assert_eq!(s.objective, 32.0);
    // Straight lines choose x: a is 1 km from x.
    let at = |x: f64, y: f64| Coord { x, y };
    let planar = LocationInstance::new(
        vec![at(0.0, 0.0), at(0.0, 4.0)],
        vec![10.0, 1.0],
        vec![at(1.0, 0.0), at(0.0, 2.0)],
        vec![],
    )
    .expect("instance");
    let s = solve(&planar, &Objective::PMedian, &SolveParams::new(1)).expect("solves");
    assert_eq!(s.chosen, vec![0]);
    // MCLP, radius 3 (inclusive): y covers a (3) and b (2), weight 11; x covers nothing.
    let s = solve(
        &instance,
        &Objective::Mclp { radius_m: 3.0 },
        &SolveParams::new(1),
    )
    .expect("solves");
    assert_eq!((s.chosen.clone(), s.objective), (vec![1], 11.0));
    // Radius 2.5: y covers b only.
    let s = solve(
        &instance,
        &Objective::Mclp { radius_m: 2.5 },
        &SolveParams::new(1),
    )
    .expect("solves");
    assert_eq!((s.chosen.clone(), s.objective), (vec![1], 1.0));
}

/// A seeded sparse table: integer costs 0 to 99, each pair present with probability
/// `density`; some zero weights. Every demand point reaches at least one site.
fn sparse_case(rng: &mut SplitMix64, case: usize, density: f64) -> (LocationInstance, usize) {
    let demand = 12 + rng.below(20);
    let candidates = 6 + rng.below(8);
    let existing = if case.is_multiple_of(2) {
        0
    } else {
        1 + rng.below(2)
    };
    let weight: Vec<f64> = (0..demand)
        .map(|_| {
            if rng.below(8) == 0 {
                0.0
            } else {
                (1 + rng.below(20)) as f64
            }
        })
        .collect();
    let mut pairs = Vec::new();
    for d in 0..demand {
        let before = pairs.len();
        for j in 0..candidates {
            if rng.unit() < density {
                pairs.push((d, Site::Candidate(j), rng.below(100) as f64));
            }
        }
        for k in 0..existing {
            if rng.unit() < density / 2.0 {
                pairs.push((d, Site::Existing(k), rng.below(100) as f64));
            }
        }
        if pairs.len() == before {
            pairs.push((
                d,
                Site::Candidate(rng.below(candidates)),
                rng.below(100) as f64,
            ));
        }
    }
    let table = CostTable::new(demand, candidates, existing, pairs).expect("table");
    let instance = LocationInstance::from_costs(weight, table).expect("instance");
    (instance, 1 + case % 4)
}

/// Every set of `p` indices among `n`.
fn subsets(n: usize, p: usize) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    let mut set: Vec<usize> = (0..p).collect();
    loop {
        out.push(set.clone());
        let Some(i) = (0..p).rev().find(|&i| set[i] < n - p + i) else {
            return out;
        };
        set[i] += 1;
        for t in i + 1..p {
            set[t] = set[t - 1] + 1;
        }
    }
}

/// The strict p-median optimum over the table's pairs (each positive-weight demand point
/// served by the cheapest open site it reaches), `None` when no set of `p` candidates reaches
/// every one of them.
fn strict_pmedian(instance: &LocationInstance, p: usize) -> Option<f64> {
    let costs = instance.costs().expect("table");
    let mut best: Option<f64> = None;
    'sets: for set in subsets(costs.candidate_count(), p) {
        let mut total = 0.0;
        for (d, &w) in instance.weight().iter().enumerate() {
            if w == 0.0 {
                continue;
            }
            let (sites, cost) = costs.candidate_costs(d);
            let to_candidate = sites
                .iter()
                .zip(cost)
                .filter(|(j, _)| set.contains(&(**j as usize)))
                .map(|(_, &c)| c);
            let nearest = costs
                .existing_costs(d)
                .1
                .iter()
                .copied()
                .chain(to_candidate)
                .fold(f64::INFINITY, f64::min);
            if nearest.is_infinite() {
                continue 'sets;
            }
            total += w * nearest;
        }
        best = Some(best.map_or(total, |b: f64| b.min(total)));
    }
    best
}

#[test]
fn sparse_tables_match_exhaustive_search() {
    let mut rng = SplitMix64::new(32);
    let (mut mclp_equal, mut median_equal, mut strict) = (0, 0, 0);
    let cases = 120;
    for case in 0..cases {
        let density = [0.3, 0.5, 0.8][case % 3];
        let (instance, p) = sparse_case(&mut rng, case, density);
        let params = SolveParams::new(p);
        // MCLP: the radius in the table's unit, inclusive.
        let objective = Objective::Mclp {
            radius_m: [20.0, 40.0, 60.0][case % 3],
        };
        let exact = solve_exhaustive(&instance, &objective, &params).expect("exact");
        let found = solve(&instance, &objective, &params).expect("heuristic");
        let tol = 1e-9 * instance.total_weight().max(1.0);
        assert!(found.objective <= exact.objective + tol, "case {case}");
        assert!(found.objective >= 0.99 * exact.objective, "case {case}");
        assert!(
            found.bound.expect("bound") >= exact.objective - tol,
            "case {case}"
        );
        mclp_equal += usize::from(close(found.objective, exact.objective));
        let certified = solve(&instance, &objective, &params.clone().exact(true)).expect("exact");
        assert!(close(certified.objective, exact.objective), "case {case}");
        // p-median.
        let exact = solve_exhaustive(&instance, &Objective::PMedian, &params).expect("exact");
        let found = solve(&instance, &Objective::PMedian, &params).expect("heuristic");
        let tol = 1e-9 * exact.objective.max(1.0);
        assert!(found.objective >= exact.objective - tol, "case {case}");
        assert!(
            found.bound.expect("bound") <= exact.objective + tol,
            "case {case}: bound {:?} above {}",
            found.bound,
            exact.objective
        );
        median_equal += usize::from(close(found.objective, exact.objective));
        // The unreached cost makes the optimum the strict one whenever a set reaches everyone.
        if let Some(optimum) = strict_pmedian(&instance, p) {
            strict += 1;
            assert!(close(exact.objective, optimum), "case {case}");
        } else {
            assert!(exact.objective >= instance.unreached_cost(), "case {case}");
        }
        // LSCP.
        let objective = Objective::Lscp {
            radius_m: 50.0,
            target_share: [1.0, 0.8][case % 2],
        };
        match solve_exhaustive(&instance, &objective, &SolveParams::new(0)) {
            Ok(exact) => {
                let found = solve(&instance, &objective, &SolveParams::new(0)).expect("heuristic");
                assert!(found.objective >= exact.objective, "case {case}");
                assert!(
                    found.bound.expect("bound") <= exact.objective,
                    "case {case}"
                );
            }
            Err(LocationError::UnreachableTarget { .. }) => assert!(matches!(
                solve(&instance, &objective, &SolveParams::new(0)),
                Err(LocationError::UnreachableTarget { .. })
            )),
            Err(e) => panic!("case {case}: {e}"),
        }
    }
    assert!(
        mclp_equal * 100 >= cases * 95,
        "MCLP: {mclp_equal} of {cases}"
    );
    assert!(
        median_equal * 100 >= cases * 95,
        "p-median: {median_equal} of {cases}"
    );
    assert!(strict >= cases / 3, "only {strict} strictly feasible cases");
}

#[test]
fn bad_tables_are_refused() {
    let pair = |d, s, c| CostTable::new(2, 2, 1, [(d, s, c)]);
    assert!(matches!(
        pair(2, Site::Candidate(0), 1.0),
        Err(LocationError::PairOutOfRange { demand: 2, .. })
    ));
    assert!(matches!(
        pair(0, Site::Existing(1), 1.0),
        Err(LocationError::PairOutOfRange { .. })
    ));
    for bad in [-1.0, f64::NAN, f64::INFINITY] {
        assert!(matches!(
            pair(0, Site::Candidate(1), bad),
            Err(LocationError::InvalidCost { .. })
        ));
    }
    assert_eq!(
        CostTable::new(
            2,
            2,
            0,
            [(1, Site::Candidate(1), 1.0), (1, Site::Candidate(1), 2.0)]
        )
        .map(|_| ())
        .expect_err("duplicate"),
        LocationError::DuplicatePair {
            demand: 1,
            site: Site::Candidate(1)
        }
    );
    let table = CostTable::new(2, 1, 0, [(0, Site::Candidate(0), 1.0)]).expect("table");
    assert!(matches!(
        LocationInstance::from_costs(vec![1.0], table.clone()),
        Err(LocationError::CostTableSize { .. })
    ));
    assert!(matches!(
        LocationInstance::from_costs(vec![1.0, -1.0], table),
        Err(LocationError::InvalidWeight { index: 1, .. })
    ));
    let empty = CostTable::new(1, 0, 0, []).expect("table");
    assert_eq!(
        LocationInstance::from_costs(vec![1.0], empty)
            .map(|_| ())
            .expect_err("no candidate"),
        LocationError::NoCandidates
    );
}

#[test]
fn the_unreached_cost_follows_its_formula() {
    // c_max = 10, W = 7, q = min(2, 1) = 1: U = 10 x (7 + 1) = 80.
    let table = CostTable::new(
        2,
        1,
        0,
        [(0, Site::Candidate(0), 10.0), (1, Site::Candidate(0), 4.0)],
    )
    .expect("table");
    let instance = LocationInstance::from_costs(vec![2.0, 5.0], table).expect("instance");
    assert_eq!(instance.unreached_cost(), 80.0);
    assert_eq!(instance.candidate_count(), 1);
    assert!(instance.candidates().is_empty());
    // p-median with p = 1: both served, 2 x 10 + 5 x 4.
    let s = solve(&instance, &Objective::PMedian, &SolveParams::new(1)).expect("solves");
    assert_eq!(s.objective, 40.0);
}

#[test]
fn certified_pmedian_and_lscp_match_exhaustive_search() {
    let mut rng = SplitMix64::new(33);
    let cases = 80;
    for case in 0..cases {
        let (instance, p) = if case % 2 == 0 {
            sparse_case(&mut rng, case, [0.4, 0.7, 1.0][case % 3])
        } else {
            let (planar, _) = planar_and_table(&mut rng, 40 + case, 9 + case % 5, case % 3);
            (planar, 1 + case % 4)
        };
        let params = SolveParams::new(p);
        let exact = solve_exhaustive(&instance, &Objective::PMedian, &params).expect("exact");
        let optimum = exact.objective;
        let tol = 1e-9 * optimum.max(1.0);
        let certified =
            solve(&instance, &Objective::PMedian, &params.clone().exact(true)).expect("certified");
        assert!(close(certified.objective, optimum), "case {case}");
        assert_eq!(certified.bound_kind, Some(BoundKind::Exact), "case {case}");
        let bound = certified.bound.expect("bound");
        assert!(
            bound <= optimum + tol && bound >= optimum - 1e-8 * optimum.max(1.0),
            "case {case}"
        );
        // Stopped by a node limit: a feasible set and a bound on the right side of the optimum.
        for nodes in [1, 2, 5] {
            let stopped = solve(
                &instance,
                &Objective::PMedian,
                &params.clone().exact(true).node_limit(nodes),
            )
            .expect("stopped");
            assert!(
                stopped.objective >= optimum - tol,
                "case {case} nodes {nodes}"
            );
            assert!(
                stopped.bound.expect("bound") <= optimum + tol,
                "case {case} nodes {nodes}: bound {:?} above {optimum}",
                stopped.bound
            );
        }
        // LSCP.
        let objective = Objective::Lscp {
            radius_m: if instance.costs().is_some() {
                40.0
            } else {
                5_000.0
            },
            target_share: [1.0, 0.9, 0.7][case % 3],
        };
        let params = SolveParams::new(0);
        match solve_exhaustive(&instance, &objective, &params) {
            Ok(exact) => {
                let certified =
                    solve(&instance, &objective, &params.clone().exact(true)).expect("certified");
                assert_eq!(certified.objective, exact.objective, "case {case}");
                assert_eq!(certified.bound, Some(exact.objective), "case {case}");
                assert!(
                    certified.covered_share.expect("share") >= [1.0, 0.9, 0.7][case % 3] - 1e-9,
                    "case {case}"
                );
                let stopped = solve(&instance, &objective, &params.exact(true).node_limit(1))
                    .expect("stopped");
                assert!(
                    stopped.bound.expect("bound") <= exact.objective,
                    "case {case}"
                );
            }
            Err(LocationError::UnreachableTarget { .. }) => {}
            Err(e) => panic!("case {case}: {e}"),
        }
    }
}
