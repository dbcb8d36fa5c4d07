//! Tests of the location models: hand-computed optima, seeded comparisons with exhaustive
//! search (which also checks the bounds bracket the optimum), brute-force oracles of the sparse
//! lists, error cases and determinism.

#![expect(
    clippy::float_cmp,
    reason = "weights are small integers or binary fractions: the sums compared are exact"
)]

use geo::Coord;

use super::coverage::Coverage;
use super::numeric::{Draw, SplitMix64, dist, dist_2};
use super::pmedian::Distances;
use super::*;

fn at(x: f64, y: f64) -> Coord<f64> {
    Coord { x, y }
}

/// A seeded small instance: points on a 1 km lattice when `snap` (exact ties, duplicates,
/// points exactly on the radius), some zero weights.
fn random_instance(
    rng: &mut SplitMix64,
    demand: usize,
    candidates: usize,
    existing: usize,
    snap: bool,
) -> LocationInstance {
    let extent = 20_000.0;
    let point = |rng: &mut SplitMix64| {
        let c = at(rng.unit() * extent, rng.unit() * extent);
        if snap {
            at(
                (c.x / 1000.0).round() * 1000.0,
                (c.y / 1000.0).round() * 1000.0,
            )
        } else {
            c
        }
    };
    let demand_points: Vec<_> = (0..demand).map(|_| point(rng)).collect();
    let weight = (0..demand)
        .map(|_| {
            if rng.below(8) == 0 {
                0.0
            } else {
                (1 + rng.below(100)) as f64
            }
        })
        .collect();
    let mut candidate_points: Vec<_> = (0..candidates).map(|_| point(rng)).collect();
    if snap && candidates > 2 {
        // A duplicate candidate.
        candidate_points[1] = candidate_points[0];
    }
    let existing_points = (0..existing).map(|_| point(rng)).collect();
    LocationInstance::new(demand_points, weight, candidate_points, existing_points)
        .expect("valid instance")
}

/// Shape of the `case`-th seeded small instance.
fn small_case(rng: &mut SplitMix64, case: usize) -> (LocationInstance, usize) {
    let demand = 30 + rng.below(31);
    let candidates = 8 + rng.below(8);
    let existing = if case.is_multiple_of(2) {
        0
    } else {
        1 + rng.below(3)
    };
    let instance = random_instance(rng, demand, candidates, existing, case.is_multiple_of(3));
    let p = 1 + case % 4;
    (instance, p)
}

/// Runs `f` on a pool of `threads` threads (for the tests that compare thread counts).
pub(super) fn on_threads<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("pool")
        .install(f)
}

/// The weight within `radius_m` (straight lines, inclusive) of an existing site or one of
/// `chosen`, counted by brute force over every demand point and site: the objective's oracle.
pub(super) fn covered_by_brute_force(
    instance: &LocationInstance,
    chosen: &[usize],
    radius_m: f64,
) -> f64 {
    let sites: Vec<Coord<f64>> = chosen
        .iter()
        .map(|&j| instance.candidates()[j])
        .chain(instance.existing().iter().copied())
        .collect();
    instance
        .demand()
        .iter()
        .zip(instance.weight())
        .filter(|(d, _)| {
            sites
                .iter()
                .any(|c| (c.x - d.x).hypot(c.y - d.y) <= radius_m)
        })
        .map(|(_, &w)| w)
        .sum()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

#[test]
fn three_points_on_a_line() {
    // Demand at 0, 1000, 2000 m weighing 1, 1, 3; candidates at the same places.
    let line = vec![at(0.0, 0.0), at(1_000.0, 0.0), at(2_000.0, 0.0)];
    let weight = vec![1.0, 1.0, 3.0];
    let instance =
        LocationInstance::new(line.clone(), weight.clone(), line.clone(), vec![]).expect("valid");
    let params = SolveParams::new(1);

    // MCLP radius 1 km: the middle candidate covers all (inclusive radius).
    let mclp = solve(&instance, &Objective::Mclp { radius_m: 1_000.0 }, &params).expect("solves");
    assert_eq!(mclp.chosen, vec![1]);
    assert!(close(mclp.objective, 5.0));
    assert_eq!(mclp.marginal, vec![5.0]);
    assert_eq!(mclp.covered_share, Some(1.0));
    assert_eq!(mclp.baseline_objective, 0.0);
    assert!(mclp.gap.expect("gap") < 1e-12);
    // Radius 999 m: each covers its own point; the heaviest wins.
    let mclp = solve(&instance, &Objective::Mclp { radius_m: 999.0 }, &params).expect("solves");
    assert_eq!((mclp.chosen, mclp.objective), (vec![2], 3.0));

    // p-median: costs 7000, 4000, 3000 for candidates 0, 1, 2.
    let median = solve(&instance, &Objective::PMedian, &params).expect("solves");
    assert_eq!(median.chosen, vec![2]);
    assert!(close(median.objective, 3_000.0));
    assert_eq!(median.baseline_objective, f64::INFINITY);
    assert_eq!(median.marginal, vec![f64::INFINITY]);
    assert!(close(median.bound.expect("bound"), 3_000.0));
    // Two sites: cost 1000 (one light point walks 1 km).
    let median = solve(&instance, &Objective::PMedian, &SolveParams::new(2)).expect("solves");
    // {0, 2} and {1, 2} tie at 1000; the greedy second step ties too and takes the lower index.
    assert_eq!(median.chosen, vec![2, 0]);
    assert!(close(median.objective, 1_000.0));
    assert!(close(median.marginal[1], 2_000.0));

    // With an existing site at 0: candidate 2 leaves only the 1 km trip of the middle point.
    let with_existing =
        LocationInstance::new(line.clone(), weight.clone(), line.clone(), vec![line[0]])
            .expect("valid");
    let median = solve(&with_existing, &Objective::PMedian, &params).expect("solves");
    assert_eq!(median.chosen, vec![2]);
    assert!(close(median.objective, 1_000.0));
    assert!(close(median.baseline_objective, 7_000.0));
    assert!(close(median.marginal[0], 6_000.0));
    let mclp = solve(
        &with_existing,
        &Objective::Mclp { radius_m: 500.0 },
        &params,
    )
    .expect("solves");
    assert_eq!((mclp.chosen, mclp.objective), (vec![2], 4.0));
    assert_eq!(mclp.baseline_objective, 1.0);
    assert_eq!(mclp.baseline_share, Some(0.2));

    // LSCP radius 600 m: everyone needs 3 sites, half the weight needs only the heavy one.
    let all = Objective::Lscp {
        radius_m: 600.0,
        target_share: 1.0,
    };
    let lscp = solve(&instance, &all, &params).expect("solves");
    assert_eq!(lscp.chosen, vec![2, 0, 1]);
    assert_eq!((lscp.objective, lscp.bound), (3.0, Some(3.0)));
    let half = Objective::Lscp {
        radius_m: 600.0,
        target_share: 0.5,
    };
    let lscp = solve(&instance, &half, &params).expect("solves");
    assert_eq!((lscp.chosen, lscp.objective), (vec![2], 1.0));
    // With the existing site at 0 and radius 1 km, the existing site already covers 40 %.
    let lscp = solve(
        &with_existing,
        &Objective::Lscp {
            radius_m: 1_000.0,
            target_share: 0.4,
        },
        &params,
    )
    .expect("solves");
    assert!(lscp.chosen.is_empty());
    assert_eq!(lscp.objective, 0.0);
}

#[test]
fn mclp_matches_exhaustive_search() {
    let mut rng = SplitMix64::new(11);
    let mut equal = 0;
    let cases = 160;
    for case in 0..cases {
        let (instance, p) = small_case(&mut rng, case);
        let radius_m = 2_000.0 + rng.unit() * 4_000.0;
        let objective = Objective::Mclp { radius_m };
        let params = SolveParams::new(p);
        let exact = solve_exhaustive(&instance, &objective, &params).expect("exact");
        let found = solve(&instance, &objective, &params).expect("heuristic");
        let bound = found.bound.expect("bound");
        let tol = 1e-9 * instance.total_weight().max(1.0);
        assert_eq!(found.chosen.len(), p, "case {case}");
        assert!(found.objective <= exact.objective + tol, "case {case}");
        assert!(found.objective >= 0.999 * exact.objective, "case {case}");
        assert!(
            bound >= exact.objective - tol,
            "case {case}: bound {bound} < {}",
            exact.objective
        );
        if close(found.objective, exact.objective) {
            equal += 1;
        }
        // Marginal gains add up to the newly covered weight.
        let sum: f64 = found.marginal.iter().sum();
        assert!(
            close(sum, found.objective - found.baseline_objective),
            "case {case}"
        );
        let sum: f64 = exact.marginal.iter().sum();
        assert!(
            close(sum, exact.objective - exact.baseline_objective),
            "case {case}"
        );
        assert!(
            close(found.baseline_objective, exact.baseline_objective),
            "case {case}"
        );
    }
    assert!(equal * 100 >= cases * 97, "only {equal} of {cases} optimal");
}

#[test]
fn pmedian_matches_exhaustive_search() {
    let mut rng = SplitMix64::new(12);
    let mut equal = 0;
    let cases = 160;
    for case in 0..cases {
        let (instance, p) = small_case(&mut rng, case);
        let params = SolveParams::new(p);
        let exact = solve_exhaustive(&instance, &Objective::PMedian, &params).expect("exact");
        let found = solve(&instance, &Objective::PMedian, &params).expect("heuristic");
        let bound = found.bound.expect("bound");
        let tol = 1e-9 * exact.objective.max(1.0);
        assert!(found.objective >= exact.objective - tol, "case {case}");
        assert!(
            found.objective <= 1.001 * exact.objective + tol,
            "case {case}"
        );
        assert!(
            bound <= exact.objective + tol,
            "case {case}: bound {bound} > {}",
            exact.objective
        );
        if close(found.objective, exact.objective) {
            equal += 1;
        }
        if instance.existing().is_empty() {
            assert_eq!(found.baseline_objective, f64::INFINITY);
        } else {
            assert!(
                close(found.baseline_objective, exact.baseline_objective),
                "case {case}"
            );
            let sum: f64 = found.marginal.iter().sum();
            assert!(
                close(sum, found.baseline_objective - found.objective),
                "case {case}"
            );
        }
    }
    assert!(equal * 100 >= cases * 97, "only {equal} of {cases} optimal");
}

#[test]
fn lscp_matches_exhaustive_search() {
    let mut rng = SplitMix64::new(13);
    let mut equal = 0;
    let mut cases = 0;
    for case in 0..160 {
        let (instance, _) = small_case(&mut rng, case);
        let objective = Objective::Lscp {
            radius_m: 4_000.0 + rng.unit() * 4_000.0,
            target_share: [1.0, 0.9, 0.75, 0.5][case % 4],
        };
        let params = SolveParams::new(0);
        let exact = match solve_exhaustive(&instance, &objective, &params) {
            Ok(s) => s,
            Err(LocationError::UnreachableTarget { .. }) => {
                assert!(matches!(
                    solve(&instance, &objective, &params),
                    Err(LocationError::UnreachableTarget { .. })
                ));
                continue;
            }
            Err(e) => panic!("case {case}: {e}"),
        };
        cases += 1;
        let found = solve(&instance, &objective, &params).expect("heuristic");
        let Objective::Lscp { target_share, .. } = objective else {
            unreachable!()
        };
        assert!(
            found.covered_share.expect("share") >= target_share - 1e-9,
            "case {case}"
        );
        assert_eq!(found.objective, found.chosen.len() as f64);
        assert!(found.objective >= exact.objective, "case {case}");
        assert!(
            found.bound.expect("bound") <= exact.objective,
            "case {case}"
        );
        if found.objective == exact.objective {
            equal += 1;
        }
    }
    println!("lscp: {equal} of {cases} optimal");
    assert!(cases >= 100, "only {cases} reachable cases");
    assert!(equal * 100 >= cases * 97, "only {equal} of {cases} optimal");
}

#[test]
fn lagrangian_bounds_bracket_the_optimum_on_larger_instances() {
    let mut rng = SplitMix64::new(14);
    for case in 0..6 {
        let instance = random_instance(&mut rng, 400, 14, case % 2 * 3, case.is_multiple_of(3));
        let p = 2 + case % 3;
        let params = SolveParams::new(p);
        for objective in [Objective::Mclp { radius_m: 3_000.0 }, Objective::PMedian] {
            let exact = solve_exhaustive(&instance, &objective, &params).expect("exact");
            let found = solve(&instance, &objective, &params).expect("heuristic");
            let bound = found.bound.expect("bound");
            let tol = 1e-9 * exact.objective.max(1.0);
            if objective.is_maximisation() {
                assert!(bound >= exact.objective - tol && exact.objective >= found.objective - tol);
            } else {
                assert!(bound <= exact.objective + tol && exact.objective <= found.objective + tol);
                assert_eq!(found.bound_kind, Some(BoundKind::Lagrangian));
            }
            assert!(
                found.gap.expect("gap") < 0.05,
                "case {case}: gap {:?}",
                found.gap
            );
        }
    }
}

#[test]
fn greedy_alone_and_perturbations() {
    let mut rng = SplitMix64::new(15);
    for case in 0..20 {
        let (instance, p) = small_case(&mut rng, case);
        for objective in [Objective::Mclp { radius_m: 3_000.0 }, Objective::PMedian] {
            let greedy = solve(
                &instance,
                &objective,
                &SolveParams::new(p).local_search(false),
            )
            .expect("greedy");
            let swapped = solve(&instance, &objective, &SolveParams::new(p)).expect("swap");
            let kicked = solve(
                &instance,
                &objective,
                &SolveParams::new(p).perturbations(5).seed(case as u64),
            )
            .expect("perturbed");
            assert_eq!(greedy.iterations, 0);
            let sign = if objective.is_maximisation() {
                1.0
            } else {
                -1.0
            };
            assert!(sign * (swapped.objective - greedy.objective) >= -1e-9);
            assert!(sign * (kicked.objective - swapped.objective) >= -1e-9);
        }
    }
}

#[test]
fn coverage_lists_match_brute_force() {
    let mut rng = SplitMix64::new(16);
    for case in 0..30 {
        let instance = random_instance(&mut rng, 200, 20, case % 4, case.is_multiple_of(2));
        // A lattice radius puts points exactly on the circle: they are covered.
        let radius_m = if case.is_multiple_of(2) {
            2_000.0
        } else {
            1_000.0 + rng.unit() * 3_000.0
        };
        let cov = Coverage::build(&instance, radius_m);
        let r2 = radius_m * radius_m;
        let covered_by_existing =
            |q: Coord<f64>| instance.existing().iter().any(|&e| dist_2(e, q) <= r2);
        for (j, &c) in instance.candidates().iter().enumerate() {
            let want: Vec<u32> = (0..instance.demand().len())
                .filter(|&i| {
                    let q = instance.demand()[i];
                    instance.weight()[i] > 0.0 && !covered_by_existing(q) && dist_2(c, q) <= r2
                })
                .map(|i| i as u32)
                .collect();
            let mut got: Vec<u32> = cov
                .by_candidate
                .row(j)
                .iter()
                .flat_map(|&g| cov.members[g as usize].iter().copied())
                .collect();
            got.sort_unstable();
            assert_eq!(got, want, "case {case} candidate {j}");
        }
        for (g, members) in cov.members.iter().enumerate() {
            // Members share their candidate set, which is the group's row.
            let mut weight = 0.0;
            for &i in members {
                let q = instance.demand()[i as usize];
                let set: Vec<u32> = (0..instance.candidates().len() as u32)
                    .filter(|&j| dist_2(instance.candidates()[j as usize], q) <= r2)
                    .collect();
                assert_eq!(set.as_slice(), cov.by_group.row(g), "case {case} group {g}");
                weight += instance.weight()[i as usize];
            }
            assert_eq!(cov.weight[g], weight);
        }
        let baseline: f64 = instance
            .demand()
            .iter()
            .zip(instance.weight())
            .filter(|&(&q, _)| covered_by_existing(q))
            .map(|(_, &w)| w)
            .sum();
        assert!(close(cov.baseline, baseline));
    }
}

#[test]
fn pmedian_lists_match_brute_force() {
    let mut rng = SplitMix64::new(17);
    for case in 0..30 {
        let instance = random_instance(&mut rng, 150, 25, case % 4, case.is_multiple_of(2));
        let data = Distances::build(&instance, u64::MAX).expect("lists");
        let mut fixed = 0.0;
        let mut base_of = vec![f64::NAN; instance.demand().len()];
        for (i, (&q, &w)) in instance.demand().iter().zip(instance.weight()).enumerate() {
            let base = instance
                .existing()
                .iter()
                .map(|&e| dist(e, q))
                .fold(f64::INFINITY, f64::min);
            base_of[i] = base;
            let useful = instance.candidates().iter().any(|&c| dist(c, q) < base);
            if w > 0.0 && !useful {
                fixed += w * base;
            }
        }
        for j in 0..instance.candidates().len() {
            let c = instance.candidates()[j];
            let (demand, dists) = data.column(j);
            let got: Vec<(u32, u64)> = demand
                .iter()
                .zip(dists)
                .map(|(&d, &x)| (data.origin[d as usize], x.to_bits()))
                .collect();
            let mut want: Vec<(u32, u64)> = (0..instance.demand().len())
                .filter(|&i| {
                    instance.weight()[i] > 0.0 && dist(c, instance.demand()[i]) < base_of[i]
                })
                .map(|i| (i as u32, dist(c, instance.demand()[i]).to_bits()))
                .collect();
            let mut sorted = got.clone();
            sorted.sort_unstable();
            want.sort_unstable();
            assert_eq!(sorted, want, "case {case} candidate {j}");
            // Columns list the active points in increasing (Morton) order.
            assert!(demand.windows(2).all(|w| w[0] < w[1]));
        }
        for (d, &i) in data.origin.iter().enumerate() {
            assert_eq!(data.weight[d], instance.weight()[i as usize]);
            if !instance.existing().is_empty() {
                assert_eq!(data.base[d], base_of[i as usize]);
            }
        }
        assert!(close(data.fixed_cost, fixed), "case {case}");
    }
}

#[test]
fn impossible_requests_are_refused() {
    let pts = vec![at(0.0, 0.0), at(1_000.0, 0.0)];
    let ok = LocationInstance::new(pts.clone(), vec![1.0, 2.0], pts.clone(), vec![]).expect("ok");
    let mclp = Objective::Mclp { radius_m: 500.0 };
    assert_eq!(
        solve(&ok, &mclp, &SolveParams::new(3)),
        Err(LocationError::TooManySites {
            p: 3,
            candidates: 2
        })
    );
    assert!(matches!(
        solve(&ok, &Objective::PMedian, &SolveParams::new(3)),
        Err(LocationError::TooManySites { .. })
    ));
    assert_eq!(
        solve(&ok, &Objective::PMedian, &SolveParams::new(0)),
        Err(LocationError::NoOpenSite)
    );
}

#[test]
fn invalid_instances_are_refused() {
    let pts = vec![at(0.0, 0.0), at(1_000.0, 0.0)];
    assert_eq!(
        LocationInstance::new(pts.clone(), vec![1.0, 2.0], vec![], vec![]).err(),
        Some(LocationError::NoCandidates)
    );
    assert_eq!(
        LocationInstance::new(pts.clone(), vec![1.0, -2.0], pts.clone(), vec![]).err(),
        Some(LocationError::InvalidWeight {
            index: 1,
            value: -2.0
        })
    );
    assert!(matches!(
        LocationInstance::new(pts.clone(), vec![f64::NAN, 2.0], pts.clone(), vec![]),
        Err(LocationError::InvalidWeight { index: 0, .. })
    ));
    assert!(matches!(
        LocationInstance::new(pts.clone(), vec![f64::INFINITY, 2.0], pts.clone(), vec![]),
        Err(LocationError::InvalidWeight { index: 0, .. })
    ));
    assert_eq!(
        LocationInstance::new(pts.clone(), vec![f64::MAX, f64::MAX], pts.clone(), vec![]).err(),
        Some(LocationError::WeightOverflow)
    );
    assert_eq!(
        LocationInstance::new(pts.clone(), vec![1.0], pts.clone(), vec![]).err(),
        Some(LocationError::WeightCount {
            demand: 2,
            weights: 1
        })
    );
    assert!(matches!(
        LocationInstance::new(
            pts.clone(),
            vec![1.0, 1.0],
            pts.clone(),
            vec![at(f64::NAN, 0.0)]
        ),
        Err(LocationError::InvalidCoordinate {
            set: PointSet::Existing,
            index: 0,
            ..
        })
    ));
}

#[test]
fn invalid_parameters_are_refused() {
    let pts = vec![at(0.0, 0.0), at(1_000.0, 0.0)];
    let ok = LocationInstance::new(pts.clone(), vec![1.0, 2.0], pts.clone(), vec![]).expect("ok");
    for radius_m in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        for objective in [
            Objective::Mclp { radius_m },
            Objective::Lscp {
                radius_m,
                target_share: 1.0,
            },
        ] {
            assert!(matches!(
                solve(&ok, &objective, &SolveParams::new(1)),
                Err(LocationError::InvalidRadius { .. })
            ));
            assert!(matches!(
                solve_exhaustive(&ok, &objective, &SolveParams::new(1)),
                Err(LocationError::InvalidRadius { .. })
            ));
        }
    }
    for target_share in [0.0, -0.5, 1.5, f64::NAN] {
        assert!(matches!(
            solve(
                &ok,
                &Objective::Lscp {
                    radius_m: 10.0,
                    target_share
                },
                &SolveParams::new(0)
            ),
            Err(LocationError::InvalidTargetShare { .. })
        ));
    }
    // Only the demand at 0 (weight 1 of 3) is within reach of the candidate at -100.
    let far = LocationInstance::new(pts.clone(), vec![1.0, 2.0], vec![at(-100.0, 0.0)], vec![])
        .expect("ok");
    let lscp = Objective::Lscp {
        radius_m: 200.0,
        target_share: 0.5,
    };
    for result in [
        solve(&far, &lscp, &SolveParams::new(0)),
        solve_exhaustive(&far, &lscp, &SolveParams::new(0)),
    ] {
        match result {
            Err(LocationError::UnreachableTarget {
                target_share,
                reachable_share,
            }) => {
                assert_eq!(target_share, 0.5);
                assert!(close(reachable_share, 1.0 / 3.0));
            }
            other => panic!("expected UnreachableTarget, got {other:?}"),
        }
    }
    assert!(
        solve(&far, &lscp, &SolveParams::new(0))
            .expect_err("unreachable")
            .to_string()
            .contains("0.333")
    );
    // Exhaustive refuses large enumerations; p-median refuses oversized lists.
    let mut rng = SplitMix64::new(18);
    let big = random_instance(&mut rng, 10, 60, 0, false);
    assert!(matches!(
        solve_exhaustive(&big, &Objective::PMedian, &SolveParams::new(10)),
        Err(LocationError::ExhaustiveTooLarge { .. })
    ));
    assert!(matches!(
        solve(&big, &Objective::PMedian, &SolveParams::new(2).max_pairs(100)),
        Err(LocationError::TooManyPairs { pairs, limit: 100 }) if pairs > 100 && pairs % 60 == 0
    ));
}

#[test]
fn degenerate_instances() {
    let pts = vec![at(0.0, 0.0), at(1_000.0, 0.0), at(1_000.0, 0.0)];
    // Empty demand: nothing to cover, still p sites.
    let empty = LocationInstance::new(vec![], vec![], pts.clone(), vec![]).expect("ok");
    let s = solve(
        &empty,
        &Objective::Mclp { radius_m: 10.0 },
        &SolveParams::new(2),
    )
    .expect("ok");
    assert_eq!(
        (s.chosen.len(), s.objective, s.covered_share),
        (2, 0.0, Some(1.0))
    );
    let s = solve(&empty, &Objective::PMedian, &SolveParams::new(1)).expect("ok");
    assert_eq!(s.objective, 0.0);
    // All weights zero.
    let zero = LocationInstance::new(pts.clone(), vec![0.0; 3], pts.clone(), vec![]).expect("ok");
    let s = solve(&zero, &Objective::PMedian, &SolveParams::new(2)).expect("ok");
    assert_eq!((s.chosen.len(), s.objective), (2, 0.0));
    let lscp = Objective::Lscp {
        radius_m: 1.0,
        target_share: 1.0,
    };
    assert_eq!(
        solve(&zero, &lscp, &SolveParams::new(0))
            .expect("ok")
            .objective,
        0.0
    );
    // p = 0 and p = number of candidates are exact.
    let inst = LocationInstance::new(pts.clone(), vec![1.0, 2.0, 3.0], pts.clone(), vec![pts[0]])
        .expect("ok");
    let mclp = Objective::Mclp { radius_m: 10.0 };
    let none = solve(&inst, &mclp, &SolveParams::new(0)).expect("ok");
    assert_eq!((none.objective, none.gap), (1.0, Some(0.0)));
    let all = solve(&inst, &mclp, &SolveParams::new(3)).expect("ok");
    assert_eq!((all.objective, all.gap), (6.0, Some(0.0)));
    // Duplicate candidates: the lower index wins the tie.
    let s = solve(&inst, &mclp, &SolveParams::new(1)).expect("ok");
    assert_eq!(s.chosen, vec![1]);
    let s = solve(&inst, &Objective::PMedian, &SolveParams::new(0)).expect("ok");
    assert!(close(s.objective, 5_000.0));
}

#[test]
fn solutions_are_deterministic_across_thread_counts() {
    let instance =
        synthetic_instance(&SyntheticParams::new(3, 3_000, 120).existing(5)).expect("synthetic");
    let objectives = [
        Objective::Mclp { radius_m: 8_000.0 },
        Objective::PMedian,
        Objective::Lscp {
            radius_m: 15_000.0,
            target_share: 0.95,
        },
    ];
    let params = SolveParams::new(6).perturbations(2).seed(9);
    let run = |threads: usize| -> Vec<Solution> {
        on_threads(threads, || {
            objectives
                .iter()
                .map(|o| solve(&instance, o, &params).expect("solves"))
                .collect()
        })
    };
    let one = run(1);
    let three = run(3);
    for (a, b) in one.iter().zip(&three) {
        assert_eq!(a.chosen, b.chosen);
        assert_eq!(a.objective.to_bits(), b.objective.to_bits());
        assert_eq!(a.bound.map(f64::to_bits), b.bound.map(f64::to_bits));
        assert_eq!(a, b);
    }
}

#[test]
fn synthetic_instances_are_seeded() {
    let params = SyntheticParams::new(5, 500, 40).existing(3);
    let a = synthetic_instance(&params).expect("ok");
    let b = synthetic_instance(&params).expect("ok");
    assert_eq!(a.demand(), b.demand());
    assert_eq!(a.weight(), b.weight());
    assert_eq!(a.candidates(), b.candidates());
    assert_eq!(
        (a.demand().len(), a.candidates().len(), a.existing().len()),
        (500, 40, 3)
    );
    let c = synthetic_instance(&SyntheticParams::new(6, 500, 40)).expect("ok");
    assert_ne!(a.demand(), c.demand());
    for p in a.demand().iter().chain(a.candidates()) {
        assert!((0.0..=150_000.0).contains(&p.x) && (0.0..=100_000.0).contains(&p.y));
        assert_eq!((p.x.fract(), p.y.fract()), (0.0, 0.0));
    }
    assert!(
        a.weight()
            .iter()
            .all(|&w| w > 0.0 && (w * 4.0).fract() == 0.0)
    );
}

/// A small instance of `family` (extent shrunk to 30 km x 20 km so that radii of 2 to 12 km
/// matter), its `p` and radius.
fn small_family_case(family: Family, seed: u64) -> (LocationInstance, usize, f64) {
    let mut rng = SplitMix64::new(seed ^ 0xfa);
    let demand = 40 + rng.below(40);
    let candidates = 8 + rng.below(7);
    let existing = if seed.is_multiple_of(2) {
        0
    } else {
        1 + rng.below(2)
    };
    let mut params = family.params(seed, demand, candidates, existing);
    params.extent_x_m = 30_000.0;
    params.extent_y_m = 20_000.0;
    if let Layout::Clustered {
        sigma_min_m,
        sigma_max_m,
        ..
    } = &mut params.layout
    {
        *sigma_min_m /= 5.0;
        *sigma_max_m /= 5.0;
    }
    let instance = family_instance(&params).expect("family instance");
    let p = 1 + rng.below(4);
    let radius_m = 2_000.0 + rng.unit() * 10_000.0;
    (instance, p, radius_m)
}

#[test]
fn families_are_seeded_and_named() {
    for family in Family::ALL {
        assert_eq!(family.name().parse::<Family>(), Ok(family));
        let params = family.params(4, 300, 20, 2);
        let a = family_instance(&params).expect("ok");
        let b = family_instance(&params).expect("ok");
        assert_eq!(a.demand(), b.demand(), "{family}");
        assert_eq!(a.weight(), b.weight(), "{family}");
        assert_eq!(a.candidates(), b.candidates(), "{family}");
        assert_eq!(a.existing().len(), 2, "{family}");
        // Integers (towns: populations x need weights 1, 1.25, 1.5 or 2).
        assert!(
            a.weight()
                .iter()
                .all(|w| *w >= 1.0 && (w * 4.0).fract() == 0.0),
            "{family}"
        );
        let other = family_instance(&family.params(5, 300, 20, 2)).expect("ok");
        assert_ne!(a.demand(), other.demand(), "{family}");
    }
    let err = "nope".parse::<Family>().expect_err("unknown");
    assert!(err.to_string().contains("nope"), "{err}");
}

#[test]
fn bounds_and_certified_mode_match_exhaustive_search_on_every_family() {
    let mut cases = 0;
    for family in Family::ALL {
        for seed in 0..8 {
            let (instance, p, radius_m) = small_family_case(family, seed);
            let objective = Objective::Mclp { radius_m };
            let exact =
                solve_exhaustive(&instance, &objective, &SolveParams::new(p)).expect("exhaustive");
            let tol = 1e-9 * instance.total_weight().max(1.0);
            let what = format!("{family} seed {seed} p {p} r {radius_m:.0}");
            // Default mode: a feasible value and a bound on each side of the optimum.
            let found = solve(&instance, &objective, &SolveParams::new(p)).expect("solves");
            assert!(found.objective <= exact.objective + tol, "{what}");
            let bound = found.bound.expect("bound");
            assert!(
                bound >= exact.objective - tol,
                "{what}: bound {bound} < {}",
                exact.objective
            );
            // Certified mode: the optimum, proven.
            let certified =
                solve(&instance, &objective, &SolveParams::new(p).exact(true)).expect("solves");
            assert_eq!(
                certified.chosen.len(),
                p.min(instance.candidates().len()),
                "{what}"
            );
            assert!(
                close(certified.objective, exact.objective),
                "{what}: {} vs {}",
                certified.objective,
                exact.objective
            );
            assert_eq!(certified.bound_kind, Some(BoundKind::Exact), "{what}");
            assert!(certified.gap.expect("gap") <= 1e-9, "{what}");
            // Stopped after one node: still a valid bound and a feasible value.
            let stopped = solve(
                &instance,
                &objective,
                &SolveParams::new(p).exact(true).node_limit(1),
            )
            .expect("solves");
            assert!(stopped.objective <= exact.objective + tol, "{what}");
            assert!(
                stopped.bound.expect("bound") >= exact.objective - tol,
                "{what}"
            );
            // p-median: the Lagrangian bound stays below the optimum.
            let median = solve_exhaustive(&instance, &Objective::PMedian, &SolveParams::new(p))
                .expect("exhaustive");
            let found =
                solve(&instance, &Objective::PMedian, &SolveParams::new(p)).expect("solves");
            let mtol = 1e-9 * median.objective.abs().max(1.0);
            assert!(found.objective >= median.objective - mtol, "{what}");
            if let Some(bound) = found.bound {
                assert!(
                    bound <= median.objective + mtol,
                    "{what}: p-median bound {bound}"
                );
            }
            cases += 1;
        }
    }
    assert_eq!(cases, 64);
}

#[test]
fn certified_mode_proves_random_small_instances() {
    let mut rng = SplitMix64::new(21);
    for case in 0..80 {
        let (instance, p) = small_case(&mut rng, case);
        let radius_m = 2_000.0 + rng.unit() * 6_000.0;
        let objective = Objective::Mclp { radius_m };
        let exact = solve_exhaustive(&instance, &objective, &SolveParams::new(p)).expect("exact");
        let certified =
            solve(&instance, &objective, &SolveParams::new(p).exact(true)).expect("solves");
        assert!(close(certified.objective, exact.objective), "case {case}");
        assert_eq!(certified.bound_kind, Some(BoundKind::Exact), "case {case}");
        assert_eq!(certified.chosen.len(), p, "case {case}");
    }
}

/// Optima proved by `HiGHS` 1.16 (`mip_rel_gap = 0`) with
/// `python3 benches/compare/location_families.py` on 2026-11-29 (MCLP, 10,000 demand points x
/// 300 candidates, seed 1, p = 10, r = 10 km, no existing site).
const HIGHS_OPTIMA: [(Family, f64); 6] = [
    (Family::Towns, 1_376_115.75),
    (Family::Uniform, 123_321.0),
    (Family::UniformLognormal, 180_648.0),
    (Family::ClusteredMany, 245_617.0),
    (Family::GaussWide, 222_978.0),
    (Family::Pareto, 282_687.0),
];

#[test]
fn bounds_bracket_the_highs_optima_on_medium_instances() {
    let objective = Objective::Mclp { radius_m: 10_000.0 };
    for (family, optimum) in HIGHS_OPTIMA {
        let instance = family_instance(&family.params(1, 10_000, 300, 0)).expect("instance");
        let found = solve(&instance, &objective, &SolveParams::new(10)).expect("solves");
        let tol = 1e-9 * optimum;
        assert!(found.objective <= optimum + tol, "{family}");
        assert!(
            found.objective >= 0.999 * optimum,
            "{family}: {}",
            found.objective
        );
        assert!(found.bound.expect("bound") >= optimum - tol, "{family}");
    }
}

#[test]
fn certified_mode_is_deterministic_across_thread_counts() {
    let instance = family_instance(&Family::ClusteredFew.params(2, 2_000, 60, 0)).expect("ok");
    let objective = Objective::Mclp { radius_m: 10_000.0 };
    let params = SolveParams::new(5).exact(true).node_limit(40);
    let run = |threads: usize| -> Solution {
        on_threads(threads, || {
            solve(&instance, &objective, &params).expect("solves")
        })
    };
    let one = run(1);
    let three = run(3);
    assert_eq!(one, three);
    assert_eq!(one.objective.to_bits(), three.objective.to_bits());
}

#[test]
fn invalid_time_limits_are_refused() {
    let instance = family_instance(&Family::Uniform.params(1, 50, 5, 0)).expect("ok");
    for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        let err = solve(
            &instance,
            &Objective::Mclp { radius_m: 1_000.0 },
            &SolveParams::new(2).exact(true).time_limit_s(Some(bad)),
        )
        .expect_err("refused");
        assert!(
            matches!(err, LocationError::InvalidTimeLimit { .. }),
            "{err}"
        );
        assert!(err.to_string().contains("time_limit_s"), "{err}");
    }
}

#[test]
fn lagrangian_search_stops_early_behind_a_better_known_bound() {
    // Wide radius: a few sites reach every point, so the optimum is everything within reach
    // and the subgradient search, started at w / 2, stays above that bound for long.
    let mut rng = SplitMix64::new(21);
    let instance = random_instance(&mut rng, 400, 30, 0, false);
    let radius_m = 9_000.0;
    let p = 4;
    let objective = Objective::Mclp { radius_m };
    let exact = solve_exhaustive(&instance, &objective, &SolveParams::new(p)).expect("exact");
    let cov = Coverage::build(&instance, radius_m);
    let reachable: f64 = cov.weight.iter().sum();
    assert_eq!(
        exact.objective, reachable,
        "premise: {p} sites reach everything"
    );
    let lower = 0.9 * reachable;
    let free = bound::mclp_upper_bound(&cov, p, lower, 300, None, f64::INFINITY, 0);
    let told = bound::mclp_upper_bound(&cov, p, lower, 300, None, reachable, 0);
    assert!(
        told.iterations < free.iterations,
        "told {} free {}",
        told.iterations,
        free.iterations
    );
    assert!(told.bound > reachable && free.bound >= exact.objective);
    // Both searches follow the same path until the earlier one stops.
    assert!(told.bound >= free.bound);
}

#[test]
fn lane_sums_are_fixed_order_sums() {
    let mut rng = SplitMix64::new(5);
    for n in [0u32, 1, 7, 8, 9, 63, 1000] {
        let x: Vec<f64> = (0..n).map(|_| (rng.unit() - 0.5) * 1e6).collect();
        let index: Vec<u32> = (0..n).rev().collect();
        // Oracle: item i in lane i % 8, lanes added pairwise.
        let mut lanes = [0.0f64; 8];
        for (i, &k) in index.iter().enumerate() {
            lanes[i % 8] += x[k as usize];
        }
        let oracle = ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3]))
            + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
        let sum = numeric::lane_sum(&index, |k| x[k as usize]);
        let pairs = numeric::lane_sum_pairs(&index, &x, |k, y| x[k as usize] - y);
        assert_eq!(sum.to_bits(), oracle.to_bits(), "n = {n}");
        let plain: f64 = x.iter().sum();
        assert!((sum - plain).abs() <= 1e-3 * f64::from(n.max(1)));
        // x[index[i]] - x[i] sums to zero up to rounding.
        assert!(
            pairs.abs() <= 1e-3 * f64::from(n.max(1)),
            "n = {n}: {pairs}"
        );
    }
}

/// Records what the solver reports.
#[derive(Default)]
struct Recorder {
    stages: std::sync::Mutex<Vec<String>>,
    searches: std::sync::Mutex<Vec<SearchState>>,
}

impl SolveObserver for Recorder {
    fn stage(&self, what: &str) {
        self.stages.lock().expect("lock").push(what.to_owned());
    }

    fn search(&self, state: &SearchState) {
        self.searches.lock().expect("lock").push(*state);
    }
}

#[test]
fn observers_see_the_stages_and_bounds_that_bracket_the_optimum() {
    let mut rng = SplitMix64::new(33);
    let mut reports = 0;
    for case in 0..6 {
        let instance = random_instance(&mut rng, 400, 16, case % 2 * 2, case.is_multiple_of(3));
        let params = SolveParams::new(4).exact(true).time_limit_s(Some(30.0));
        for objective in [
            Objective::Mclp { radius_m: 3_000.0 },
            Objective::PMedian,
            Objective::Lscp {
                radius_m: 5_000.0,
                target_share: 0.7,
            },
        ] {
            let recorder = Recorder::default();
            let observed =
                solve_observed(&instance, &objective, &params, &recorder).expect("solves");
            // Reports never change the solution.
            assert_eq!(
                observed,
                solve(&instance, &objective, &params).expect("solves")
            );
            let stages = recorder.stages.into_inner().expect("lock");
            let searches = recorder.searches.into_inner().expect("lock");
            let first = if objective == Objective::PMedian {
                "distance lists"
            } else {
                "coverage lists"
            };
            assert_eq!(
                stages.first().map(String::as_str),
                Some(first),
                "{stages:?}"
            );
            if matches!(objective, Objective::Lscp { .. }) {
                continue;
            }
            // MCLP and p-median always run the certified search: its stage comes last and
            // reports at least its root, with the 30 s limit.
            assert_eq!(
                stages.last().map(String::as_str),
                Some("certified search (branch-and-bound)")
            );
            assert!(!searches.is_empty(), "case {case}: no search report");
            let exact = solve_exhaustive(&instance, &objective, &params).expect("exact");
            let tol = 1e-9 * exact.objective.abs().max(1.0);
            for s in &searches {
                assert_eq!(s.time_limit_s, Some(30.0));
                if objective.is_maximisation() {
                    assert!(
                        s.bound >= exact.objective - tol && s.objective <= exact.objective + tol
                    );
                } else {
                    assert!(
                        s.bound <= exact.objective + tol && s.objective >= exact.objective - tol
                    );
                }
                assert!(s.gap >= 0.0 && s.gap <= 1.0, "{s:?}");
            }
            reports += searches.len();
            eprintln!(
                "{case} {objective:?} n={} first={:?} last={:?} opt={}",
                searches.len(),
                searches.first(),
                searches.last(),
                exact.objective
            );
            // Node counts never go down.
            assert!(searches.windows(2).all(|w| w[0].nodes <= w[1].nodes));
        }
    }
    // Most searches go beyond their root (the unit tests report every node).
    assert!(reports >= 30, "{reports} reports");
}

#[test]
fn a_start_covering_everything_in_reach_is_proven_at_the_root() {
    // 10 sites of 30 km cover the whole 150 x 100 km square: the heuristic covers everything,
    // and the certified search must prove it without branching (before, the Lagrangian bound
    // stayed a hair above the total and the search ran to its limits).
    let instance = family_instance(&Family::Uniform.params(1, 3_000, 120, 0)).expect("ok");
    let objective = Objective::Mclp { radius_m: 30_000.0 };
    let heuristic = solve(&instance, &objective, &SolveParams::new(10)).expect("solves");
    let total: f64 = instance.weight().iter().sum();
    assert_eq!(
        heuristic.objective, total,
        "the heuristic covers everything"
    );
    let certified = solve(
        &instance,
        &objective,
        &SolveParams::new(10).exact(true).node_limit(50),
    )
    .expect("solves");
    assert_eq!(certified.objective, total);
    assert_eq!(certified.bound_kind, Some(BoundKind::Exact));
    assert_eq!(certified.bound, Some(total));
    // One node: the heuristic's swaps plus the root.
    assert_eq!(certified.iterations, heuristic.iterations + 1);
}
