use super::*;
use crate::SplitMix64;

fn model(p: DriveTimeParams) -> DriveTime {
    DriveTime::new(p).expect("valid parameters")
}

#[test]
fn hand_computed_minutes_and_inverse() {
    let m = model(DriveTimeParams {
        access_min: 2.0,
        detour: 1.5,
        near_speed_kmh: 45.0,
        far_speed_kmh: 90.0,
        near_band_km: 4.0,
    });
    // 4 km straight = 6 km road at 45 km/h = 8 min, + 2 min access.
    assert!((m.minutes(4000.0) - 10.0).abs() < 1e-9);
    // 10 km: 8 min near + 6 km straight = 9 km road at 90 km/h = 6 min, + 2.
    assert!((m.minutes(10_000.0) - 16.0).abs() < 1e-9);
    assert!((m.straight_m_within(16.0) - 10_000.0).abs() < 1e-6);
    assert!((m.straight_m_within(6.0) - 2000.0).abs() < 1e-6);
    assert!(m.straight_m_within(1.0).abs() < 1e-12);
    assert!((m.minutes(0.0) - 2.0).abs() < 1e-12);
}

#[test]
fn invalid_parameters_name_the_field() {
    let base = DriveTimeParams::default();
    for (p, field) in [
        (
            DriveTimeParams {
                detour: 0.9,
                ..base
            },
            "detour",
        ),
        (
            DriveTimeParams {
                access_min: -1.0,
                ..base
            },
            "access_min",
        ),
        (
            DriveTimeParams {
                near_speed_kmh: 0.0,
                ..base
            },
            "near_speed_kmh",
        ),
        (
            DriveTimeParams {
                far_speed_kmh: f64::NAN,
                ..base
            },
            "far_speed_kmh",
        ),
        (
            DriveTimeParams {
                near_band_km: f64::INFINITY,
                ..base
            },
            "near_band_km",
        ),
    ] {
        match DriveTime::new(p) {
            Err(DriveTimeError::OutOfRange { field: f, .. }) => assert_eq!(f, field),
            Ok(_) => panic!("{field} accepted"),
        }
    }
}

/// Property over random parameters and distances: monotone, and the straight-line bound is
/// exact (every distance within the bound takes at most the time, none beyond it).
#[test]
fn monotone_and_bound_property() {
    let mut rng = SplitMix64::new(7);
    for _ in 0..500 {
        let p = DriveTimeParams {
            access_min: rng.next_f64() * 10.0,
            detour: 1.0 + rng.next_f64(),
            near_speed_kmh: 5.0 + rng.next_f64() * 100.0,
            far_speed_kmh: 5.0 + rng.next_f64() * 140.0,
            near_band_km: rng.next_f64() * 30.0,
        };
        let m = model(p);
        assert!(m.is_monotone());
        let mut last = f64::NEG_INFINITY;
        let mut d = 0.0;
        while d < 100_000.0 {
            let t = m.minutes(d);
            assert!(t >= last, "{p:?} at {d}");
            last = t;
            d += 37.0 + rng.next_f64() * 500.0;
        }
        for _ in 0..50 {
            let minutes = rng.next_f64() * 90.0;
            let bound = m.straight_line_bound_m(minutes);
            if bound > 0.0 {
                assert!(m.minutes(bound) <= minutes + 1e-9, "{p:?} {minutes}");
            }
            assert!(m.minutes(bound * 1.001 + 1.0) > minutes, "{p:?} {minutes}");
            let origin = Coord { x: 0.0, y: 0.0 };
            let b = Coord {
                x: bound * 0.6,
                y: bound * 0.8,
            };
            assert!((m.distance_m(origin, b) - m.minutes(bound)).abs() < 1e-6);
        }
    }
}

#[test]
fn sub_points_cover_the_cell() {
    let pts = cell_sub_points(
        Coord {
            x: 1000.0,
            y: 2000.0,
        },
        Coord { x: 1000.0, y: 0.0 },
        Coord { x: 0.0, y: 1000.0 },
        2,
    );
    let expected = [
        (750.0, 1750.0),
        (1250.0, 1750.0),
        (750.0, 2250.0),
        (1250.0, 2250.0),
    ];
    assert_eq!(pts.len(), 4);
    for (p, (x, y)) in pts.iter().zip(expected) {
        assert!((p.x - x).abs() < 1e-9 && (p.y - y).abs() < 1e-9, "{p:?}");
    }
    assert_eq!(
        cell_sub_points(
            Coord { x: 5.0, y: 6.0 },
            Coord { x: 1.0, y: 0.0 },
            Coord { x: 0.0, y: 1.0 },
            1
        ),
        vec![Coord { x: 5.0, y: 6.0 }]
    );
}

/// A tiny grid: zone 0 holds 3 samples, zone 1 one sample; shares computed by hand.
#[test]
fn hand_made_grid_shares() {
    // 60 km/h, no access time, no detour: 1 km per minute.
    let m = model(DriveTimeParams {
        access_min: 0.0,
        detour: 1.0,
        near_speed_kmh: 60.0,
        far_speed_kmh: 60.0,
        near_band_km: 0.0,
    });
    let s = |d: [f64; 3], weight, zone| AccessSample {
        class: None,
        nearest_m: d,
        weight,
        zone,
    };
    let samples = [
        // N1 4 min, AN3 (4+10+16)/3 = 10 min.
        s([4000.0, 10_000.0, 16_000.0], 100.0, 0),
        // N1 6 min, AN3 (6+30+60)/3 = 32 min.
        s([6000.0, 30_000.0, 60_000.0], 300.0, 0),
        // N1 25 min, AN3 (25+50+60)/3 = 45 min, not beyond 45.
        s([25_000.0, 50_000.0, 60_000.0], 600.0, 0),
        s([50_000.0, 50_000.0, 50_000.0], 10.0, 1),
    ];
    let shares = zone_shares(|d| m.minutes(d), &samples, 3);
    let z = shares[0];
    assert!((z.population - 1000.0).abs() < 1e-9);
    // N1: > 5 min: 300 + 600 = 90 %; > 20: 600 = 60 %; > 45: 0.
    for (got, want) in z.n1_beyond_pct.iter().zip([90.0, 60.0, 0.0]) {
        assert!((got - want).abs() < 1e-9, "{z:?}");
    }
    // AN3: > 5: all = 100 %; > 20: 900 = 90 %; > 45: none.
    for (got, want) in z.an3_beyond_pct.iter().zip([100.0, 90.0, 0.0]) {
        assert!((got - want).abs() < 1e-9, "{z:?}");
    }
    assert!(
        shares[1]
            .n1_beyond_pct
            .iter()
            .all(|v| (v - 100.0).abs() < 1e-9)
    );
    assert_eq!(shares[2], ZoneShares::default());
    let targets = [
        Target {
            class: None,
            zone: 0,
            indicator: Indicator::N1,
            threshold: 1,
            observed_pct: 58.0,
        },
        Target {
            class: None,
            zone: 1,
            indicator: Indicator::AN3,
            threshold: 0,
            observed_pct: 96.0,
        },
    ];
    assert_eq!(mean_abs_error(&shares, &targets, |_| true), Some(3.0));
    assert_eq!(mean_abs_error(&shares, &targets, |z| z == 1), Some(4.0));
    assert_eq!(mean_abs_error(&shares, &targets, |_| false), None);
    // Straight-line baseline on the same samples.
    let cdf = DistanceCdf::per_zone(&samples, 3, Indicator::N1);
    assert!((cdf[0].beyond_pct(5000.0) - 90.0).abs() < 1e-9);
    assert!((cdf[0].beyond_pct(6000.0) - 60.0).abs() < 1e-9);
    assert!(cdf[2].beyond_pct(1.0).abs() < 1e-12);
}

fn synthetic(zones: usize, seed: u64) -> Vec<AccessSample> {
    let mut rng = SplitMix64::new(seed);
    let mut out = Vec::new();
    for zone in 0..zones {
        #[expect(clippy::cast_precision_loss, reason = "small")]
        let scale = 1500.0 + 2500.0 * zone as f64;
        for _ in 0..3000 {
            let mut d: [f64; 3] = std::array::from_fn(|_| scale * 3.0 * rng.next_f64().powi(2));
            d.sort_by(f64::total_cmp);
            out.push(AccessSample {
                class: None,
                nearest_m: d,
                weight: 1.0 + rng.next_f64(),
                zone,
            });
        }
    }
    out
}

/// Shares generated with known parameters are fitted back: the fitted model reproduces the
/// shares and the times of the generating model over the distances that matter.
#[test]
fn fit_recovers_known_parameters() {
    let truth = DriveTimeParams {
        access_min: 3.0,
        detour: 1.3,
        near_speed_kmh: 40.0,
        far_speed_kmh: 80.0,
        near_band_km: 6.0,
    };
    let zones = 8;
    let samples = synthetic(zones, 11);
    let m = model(truth);
    let shares = zone_shares(|d| m.minutes(d), &samples, zones);
    let mut targets = Vec::new();
    for (zone, s) in shares.iter().enumerate() {
        for indicator in [Indicator::N1, Indicator::AN3] {
            for threshold in 0..3 {
                targets.push(Target {
                    class: None,
                    zone,
                    indicator,
                    threshold,
                    observed_pct: s.get(indicator, threshold),
                });
            }
        }
    }
    let fitted = fit(&samples, zones, &targets, |_| true, &FitParams::default()).expect("fit");
    assert!(fitted.mae_pct < 0.3, "{fitted:?}");
    let f = model(fitted.params);
    for d in [2000.0, 5000.0, 10_000.0, 20_000.0] {
        assert!((f.minutes(d) - m.minutes(d)).abs() < 1.0, "{d}: {fitted:?}");
    }
    // The fit from a wrong start is not already the truth.
    assert!(
        mean_abs_error(
            &zone_shares(
                |d| model(DriveTimeParams::default()).minutes(d),
                &samples,
                zones
            ),
            &targets,
            |_| true
        )
        .is_some_and(|e| e > 1.0)
    );
}

#[test]
fn leave_one_out_leaves_out_exactly_one_zone() {
    let t = |zone| Target {
        class: None,
        zone,
        indicator: Indicator::N1,
        threshold: 0,
        observed_pct: 0.0,
    };
    // Zone 2 has no target, zone 3 two, zone 9 is out of range.
    let targets = [t(3), t(0), t(3), t(1), t(9)];
    let seen = leave_one_out(&targets, 5, |out, mask| {
        assert_eq!(mask.len(), 5);
        assert_eq!(mask.iter().filter(|k| !**k).count(), 1);
        assert!(!mask[out]);
        mask.to_vec()
    });
    let held: Vec<usize> = seen.iter().map(|(z, _)| *z).collect();
    assert_eq!(held, vec![0, 1, 3]);
}

#[test]
fn threshold_baseline_finds_the_radius() {
    let samples: Vec<AccessSample> = (0..100)
        .map(|i| AccessSample {
            class: None,
            nearest_m: [f64::from(i) * 100.0; 3],
            weight: 1.0,
            zone: 0,
        })
        .collect();
    let cdf = DistanceCdf::per_zone(&samples, 1, Indicator::N1);
    // 30 % beyond: distances 7000..9900 are beyond 6950 → first multiple of 50 with 30 %: 6900.
    let target = [Target {
        class: None,
        zone: 0,
        indicator: Indicator::N1,
        threshold: 0,
        observed_pct: 30.0,
    }];
    let (r, mae) = fit_threshold(&cdf, &target, |_| true, 50.0, 20_000.0).expect("fit");
    assert!((r - 6900.0).abs() < 1e-9, "{r}");
    assert!(mae.abs() < 1e-9);
}

mod by_class {
    use super::*;
    use crate::AreaClass;
    use crate::drivetime::by_class::{
        ClassDriveTime, ClassFitParams, ClassModel, class_mean_abs_error, class_shares,
        fit_by_class, modelled_pct,
    };

    const CLASSES: [AreaClass; 3] = [AreaClass::City, AreaClass::TownsSemiDense, AreaClass::Rural];

    /// Shares by class against a brute-force count on a tiny sample set.
    #[test]
    fn class_shares_match_a_brute_force_count() {
        let m = ClassDriveTime::new([
            DriveTimeParams {
                access_min: 0.0,
                detour: 1.0,
                near_speed_kmh: 60.0,
                far_speed_kmh: 60.0,
                near_band_km: 0.0,
            },
            DriveTimeParams {
                access_min: 2.0,
                detour: 1.0,
                near_speed_kmh: 60.0,
                far_speed_kmh: 60.0,
                near_band_km: 0.0,
            },
            DriveTimeParams {
                access_min: 10.0,
                detour: 1.0,
                near_speed_kmh: 60.0,
                far_speed_kmh: 60.0,
                near_band_km: 0.0,
            },
        ])
        .expect("valid");
        let mut rng = SplitMix64::new(5);
        let samples: Vec<AccessSample> = (0..200)
            .map(|i| {
                let mut d: [f64; 3] = std::array::from_fn(|_| 40_000.0 * rng.next_f64());
                d.sort_by(f64::total_cmp);
                AccessSample {
                    nearest_m: d,
                    weight: 1.0 + rng.next_f64(),
                    zone: (i / 4) % 2,
                    class: [None, Some(CLASSES[0]), Some(CLASSES[1]), Some(CLASSES[2])][i % 4],
                }
            })
            .collect();
        let shares = class_shares(|c, d| m.minutes(c, d), &samples, 2);
        for zone in 0..2 {
            for (slot, class) in [None, Some(CLASSES[0]), Some(CLASSES[1]), Some(CLASSES[2])]
                .into_iter()
                .enumerate()
            {
                // Brute force: minutes by hand (km at 60 km/h = 1 min per km).
                let access = |c: Option<AreaClass>| match c {
                    Some(AreaClass::City) => 0.0,
                    Some(AreaClass::TownsSemiDense) => 2.0,
                    _ => 10.0,
                };
                let mine: Vec<&AccessSample> = samples
                    .iter()
                    .filter(|s| s.zone == zone && (class.is_none() || s.class == class))
                    .collect();
                let total: f64 = mine.iter().map(|s| s.weight).sum();
                for (t, threshold) in THRESHOLDS_MIN.iter().enumerate() {
                    let beyond: f64 = mine
                        .iter()
                        .filter(|s| access(s.class) + s.nearest_m[0] / 1000.0 > *threshold)
                        .map(|s| s.weight)
                        .sum();
                    let got = shares[zone][slot].n1_beyond_pct[t];
                    assert!(
                        (got - 100.0 * beyond / total).abs() < 1e-9,
                        "{zone} {slot} {t}"
                    );
                    let target = Target {
                        zone,
                        class,
                        indicator: Indicator::N1,
                        threshold: t,
                        observed_pct: 0.0,
                    };
                    assert!((modelled_pct(&shares, &target) - got).abs() < 1e-12);
                }
            }
        }
        // A sample without a class counts in the total only; no class origin takes the
        // slowest class.
        assert!((m.minutes(None, 1000.0) - 11.0).abs() < 1e-9);
    }

    /// Figures generated with a known access time per class are fitted back by the
    /// per-class model, which the shared model cannot match.
    #[test]
    fn per_class_fit_recovers_known_access_times() {
        let base = DriveTimeParams {
            access_min: 0.0,
            detour: 1.3,
            near_speed_kmh: 40.0,
            far_speed_kmh: 80.0,
            near_band_km: 6.0,
        };
        let truth = [1.0, 3.0, 6.0].map(|a| DriveTimeParams {
            access_min: a,
            ..base
        });
        let zones = 6;
        let mut samples = synthetic(zones, 17);
        for (i, s) in samples.iter_mut().enumerate() {
            s.class = Some(CLASSES[i % 3]);
        }
        let m = ClassDriveTime::new(truth).expect("valid");
        let shares = class_shares(|c, d| m.minutes(c, d), &samples, zones);
        let mut targets = Vec::new();
        for zone in 0..zones {
            for class in CLASSES {
                for threshold in 0..3 {
                    let mut t = Target {
                        zone,
                        class: Some(class),
                        indicator: Indicator::N1,
                        threshold,
                        observed_pct: 0.0,
                    };
                    t.observed_pct = modelled_pct(&shares, &t);
                    targets.push(t);
                }
            }
        }
        let options = FitParams::default();
        let start = DriveTimeParams {
            access_min: 3.0,
            ..DriveTimeParams::default()
        };
        let shared = fit_by_class(
            &samples,
            zones,
            &targets,
            |_| true,
            &options,
            &ClassFitParams {
                model: ClassModel::Shared,
                start,
                shrink_pts: 0.0,
            },
        )
        .expect("fit");
        // The per-class fit on the zones `keep` accepts.
        let fit = |keep: &dyn Fn(usize) -> bool| {
            fit_by_class(
                &samples,
                zones,
                &targets,
                keep,
                &options,
                &ClassFitParams {
                    model: ClassModel::Access,
                    start,
                    shrink_pts: 0.0,
                },
            )
            .expect("fit")
        };
        let by_class = fit(&|_| true);
        assert!(by_class.mae_pct < 0.5, "{by_class:?}");
        assert!(shared.mae_pct > 2.0 * by_class.mae_pct + 1.0, "{shared:?}");
        for (k, p) in by_class.params.iter().enumerate() {
            assert!(
                (p.access_min - truth[k].access_min).abs() < 0.75,
                "{by_class:?}"
            );
        }
        // Held out: the error on a zone the fit did not see stays small.
        let loo = fit(&|z| z != 2);
        let m = ClassDriveTime::new(loo.params).expect("valid");
        let shares = class_shares(|c, d| m.minutes(c, d), &samples, zones);
        assert!(class_mean_abs_error(&shares, &targets, |z| z == 2).is_some_and(|e| e < 1.0));
    }

    /// The class lookup takes the nearest cell centre within reach; the model's straight-line
    /// bound is the loosest over classes: every pair within T minutes lies within the bound,
    /// checked on random pairs against the brute-force time.
    #[test]
    fn class_model_behind_the_distance_trait() {
        use crate::DistanceModel;
        use crate::drivetime::by_class::{ClassDriveTimeModel, ClassLookup};
        use geo::Coord;
        let centres = [
            Coord { x: 500.0, y: 500.0 },
            Coord {
                x: 1500.0,
                y: 500.0,
            },
            Coord {
                x: 2500.0,
                y: 500.0,
            },
        ];
        let lookup = ClassLookup::new(&centres, CLASSES.to_vec(), 800.0);
        assert_eq!(
            lookup.class_at(Coord {
                x: 1400.0,
                y: 900.0
            }),
            Some(CLASSES[1])
        );
        assert_eq!(
            lookup.class_at(Coord { x: 2999.0, y: 0.0 }),
            Some(CLASSES[2])
        );
        assert_eq!(
            lookup.class_at(Coord {
                x: 500.0,
                y: 5000.0
            }),
            None
        );
        let params = [(1.0, 20.0), (3.0, 40.0), (6.0, 80.0)].map(|(a, v)| DriveTimeParams {
            access_min: a,
            detour: 1.3,
            near_speed_kmh: v,
            far_speed_kmh: 90.0,
            near_band_km: 4.0,
        });
        let model = ClassDriveTimeModel {
            model: ClassDriveTime::new(params).expect("valid"),
            lookup,
        };
        assert!(model.is_monotone());
        let mut rng = SplitMix64::new(9);
        for _ in 0..2000 {
            let from = Coord {
                x: 3000.0 * rng.next_f64(),
                y: 1000.0 * rng.next_f64(),
            };
            let to = Coord {
                x: 60_000.0 * rng.next_f64(),
                y: 60_000.0 * rng.next_f64(),
            };
            let straight = (from.x - to.x).hypot(from.y - to.y);
            let minutes = model.distance_m(from, to);
            let class = model.lookup.class_at(from).expect("in reach");
            let by_hand = model.model.model(class).minutes(straight);
            assert!((minutes - by_hand).abs() < 1e-9);
            let limit = 40.0 * rng.next_f64();
            if minutes <= limit {
                assert!(straight <= model.straight_line_bound_m(limit) + 1e-6);
            }
            // Farther along the same ray is never sooner.
            let farther = Coord {
                x: from.x + 1.5 * (to.x - from.x),
                y: from.y + 1.5 * (to.y - from.y),
            };
            assert!(model.distance_m(from, farther) >= minutes);
        }
        // The loosest bound: the fastest class (DEG3 here) reaches farthest.
        let t = 30.0;
        assert!(
            (model.straight_line_bound_m(t) - model.model.model(CLASSES[2]).straight_m_within(t))
                .abs()
                < 1e-9
        );
    }
}
