//! The calibration by degree of urbanisation: Eurostat's figures per district **and** class
//! (`DEG1`, `DEG2`, `DEG3`, as Eurostat classifies its residents' grid cells) against the shared
//! model, the per-class model when asked ([`ClassModel`]), and one straight-line threshold per
//! class; in sample and leave-one-district-out.

use serde_json::{Value, json};
use ssmplan_core::AreaClass;
use ssmplan_core::DriveTimeParams;
use ssmplan_core::drivetime::by_class::{
    ClassDriveTime, ClassFit, ClassFitParams, ClassModel, class_shares, fit_by_class, modelled_pct,
};
use ssmplan_core::drivetime::{
    AccessSample, DistanceCdf, FitParams, Indicator, THRESHOLDS_MIN, Target, ZoneShares,
    fit_threshold, leave_one_out,
};
use ssmplan_io::accessibility::District;
use ssmplan_io::dataset::InputFile;

use super::FitIndicators;
use crate::EngineError;
use crate::report::{Cell, Table};

/// `TOTAL`, then the three classes.
pub(super) const SLOTS: [Option<AreaClass>; 4] = [
    None,
    Some(AreaClass::City),
    Some(AreaClass::TownsSemiDense),
    Some(AreaClass::Rural),
];

/// Eurostat's code of a slot.
pub(super) fn slot_code(class: Option<AreaClass>) -> &'static str {
    class.map_or("TOTAL", AreaClass::code)
}

/// Errors of one class, indicator and threshold.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ClassErrors {
    /// `None`: all residents.
    pub class: Option<AreaClass>,
    /// Indicator.
    pub indicator: Indicator,
    /// Index in [`THRESHOLDS_MIN`].
    pub threshold: usize,
    /// Districts with a figure.
    pub districts: usize,
    /// Shared model, in sample and leave-one-out (points).
    pub shared_pts: [f64; 2],
    /// Per-class model, in sample and leave-one-out (points), when fitted.
    pub by_class_pts: Option<[f64; 2]>,
    /// Straight-line threshold fitted on this class's figures: radius (m), in sample and
    /// leave-one-out (points).
    pub baseline: Option<(f64, [f64; 2])>,
}

/// Everything computed by class.
#[derive(Clone, Debug)]
pub struct ByClass {
    /// The per-class model asked for.
    pub model: ClassModel,
    /// Its fit on all districts.
    pub fit: Option<ClassFit>,
    /// Its leave-one-out fits, by district index.
    pub loo_fits: Vec<(usize, [DriveTimeParams; 3])>,
    /// Errors per class, indicator and threshold.
    pub errors: Vec<ClassErrors>,
    /// Per target: observed, shared in/LOO, class in/LOO, baseline LOO.
    rows: Vec<(Target, [Option<f64>; 5])>,
}

fn mean(v: &[f64]) -> f64 {
    #[expect(clippy::cast_precision_loss, reason = "a few districts")]
    let n = v.len().max(1) as f64;
    v.iter().sum::<f64>() / n
}

/// Runs the comparison.
#[expect(
    clippy::too_many_lines,
    reason = "one linear pass: shared shares, per-class fit and its leave-one-out, errors per class"
)]
pub(super) fn by_degurba(
    request: &super::CalibrateRequest,
    samples: &[AccessSample],
    zones: usize,
    targets: &[Target],
    options: &FitParams,
    shared: DriveTimeParams,
    shared_loo: &[(usize, DriveTimeParams)],
) -> Result<ByClass, EngineError> {
    let bad = |e: ssmplan_core::DriveTimeError| EngineError::parameter("params", e.to_string());
    let one_zone = |z: usize| -> Vec<AccessSample> {
        samples.iter().filter(|s| s.zone == z).copied().collect()
    };
    let m = ClassDriveTime::new([shared; 3]).map_err(bad)?;
    let shared_in = class_shares(|c, d| m.minutes(c, d), samples, zones);
    let mut shared_out = vec![[ZoneShares::default(); 4]; zones];
    for (z, p) in shared_loo {
        let m = ClassDriveTime::new([*p; 3]).map_err(bad)?;
        shared_out[*z] = class_shares(|c, d| m.minutes(c, d), &one_zone(*z), zones)[*z];
    }
    let fitted: Vec<Target> = targets
        .iter()
        .filter(|t| request.indicators == FitIndicators::Both || t.indicator == Indicator::N1)
        .copied()
        .collect();
    let mut fit = None;
    let mut loo_fits = Vec::new();
    let mut class_in = None;
    let mut class_out = vec![[ZoneShares::default(); 4]; zones];
    if request.by_degurba != ClassModel::Shared {
        let run = |keep: &dyn Fn(usize) -> bool| {
            fit_by_class(
                samples,
                zones,
                &fitted,
                keep,
                options,
                &ClassFitParams {
                    model: request.by_degurba,
                    start: shared,
                    shrink_pts: request.shrink_pts,
                },
            )
        };
        let found = run(&|_| true)
            .ok_or_else(|| EngineError::parameter("eurostat", "no target to fit".to_owned()))?;
        let m = ClassDriveTime::new(found.params).map_err(bad)?;
        class_in = Some(class_shares(|c, d| m.minutes(c, d), samples, zones));
        fit = Some(found);
        for (out, found) in leave_one_out(&fitted, zones, |out, _| run(&|z| z != out)) {
            let Some(found) = found else { continue };
            let m = ClassDriveTime::new(found.params).map_err(bad)?;
            class_out[out] = class_shares(|c, d| m.minutes(c, d), &one_zone(out), zones)[out];
            loo_fits.push((out, found.params));
        }
    }

    let mut errors = Vec::new();
    let mut rows = Vec::new();
    for class in SLOTS {
        let of_class: Vec<AccessSample> = samples
            .iter()
            .filter(|s| class.is_none() || s.class == class)
            .copied()
            .collect();
        for indicator in [Indicator::N1, Indicator::AN3] {
            let cdfs = DistanceCdf::per_zone(&of_class, zones, indicator);
            for t in 0..THRESHOLDS_MIN.len() {
                let kind: Vec<Target> = targets
                    .iter()
                    .filter(|x| x.class == class && x.indicator == indicator && x.threshold == t)
                    .copied()
                    .collect();
                if kind.is_empty() {
                    continue;
                }
                let radius = fit_threshold(&cdfs, &kind, |_| true, 50.0, 60_000.0);
                let mut e: [Vec<f64>; 6] = Default::default();
                for x in &kind {
                    let fitted_out = loo_fits.iter().any(|(z, _)| *z == x.zone);
                    let shared_fitted_out = shared_loo.iter().any(|(z, _)| *z == x.zone);
                    let values = [
                        Some(modelled_pct(&shared_in, x)),
                        shared_fitted_out.then(|| modelled_pct(&shared_out, x)),
                        class_in.as_ref().map(|s| modelled_pct(s, x)),
                        fitted_out.then(|| modelled_pct(&class_out, x)),
                        radius.map(|(r, _)| {
                            let (r, _) =
                                fit_threshold(&cdfs, &kind, |z| z != x.zone, 50.0, 60_000.0)
                                    .unwrap_or((r, 0.0));
                            cdfs[x.zone].beyond_pct(r)
                        }),
                    ];
                    for (k, v) in values.iter().enumerate() {
                        if let Some(v) = v {
                            e[k].push((v - x.observed_pct).abs());
                        }
                    }
                    if let Some((r, _)) = radius {
                        e[5].push((cdfs[x.zone].beyond_pct(r) - x.observed_pct).abs());
                    }
                    rows.push((*x, values));
                }
                errors.push(ClassErrors {
                    class,
                    indicator,
                    threshold: t,
                    districts: kind.len(),
                    shared_pts: [mean(&e[0]), mean(&e[1])],
                    by_class_pts: class_in.as_ref().map(|_| [mean(&e[2]), mean(&e[3])]),
                    baseline: radius.map(|(r, _)| (r, [mean(&e[5]), mean(&e[4])])),
                });
            }
        }
    }
    Ok(ByClass {
        model: request.by_degurba,
        fit,
        loo_fits,
        errors,
        rows,
    })
}

fn round(v: f64, decimals: i32) -> f64 {
    let k = 10_f64.powi(decimals);
    (v * k).round() / k
}

impl ByClass {
    /// The fields the per-class model adds to the parameters file (`params` and `fit` keep the
    /// shared model, so that readers of the shared model are unaffected): `params_by_degurba`
    /// (the parameters of `DEG1`, `DEG2`, `DEG3`) and `fit_by_degurba` (how, on what, and the
    /// errors by class, in sample and leave-one-district-out, next to the shared model and the
    /// straight-line threshold).
    pub(super) fn params_fields(
        &self,
        fit: &ClassFit,
        context: Option<&InputFile>,
    ) -> Vec<(String, Value)> {
        let params: serde_json::Map<String, Value> = SLOTS[1..]
            .iter()
            .zip(&fit.params)
            .map(|(class, p)| {
                (
                    slot_code(*class).to_owned(),
                    json!({
                        "access_min": round(p.access_min, 4),
                        "detour": p.detour,
                        "near_speed_kmh": round(p.near_speed_kmh, 3),
                        "far_speed_kmh": round(p.far_speed_kmh, 3),
                        "near_band_km": round(p.near_band_km, 4),
                    }),
                )
            })
            .collect();
        let errors: Vec<Value> = self
            .errors
            .iter()
            .map(|e| {
                json!({
                    "deg_urb": slot_code(e.class),
                    "indicator": e.indicator.code(),
                    "threshold_min": THRESHOLDS_MIN[e.threshold],
                    "districts": e.districts,
                    "model_in_sample_mae_pts": e.by_class_pts.map(|p| round(p[0], 3)),
                    "model_loo_mae_pts": e.by_class_pts.map(|p| round(p[1], 3)),
                    "shared_model_in_sample_mae_pts": round(e.shared_pts[0], 3),
                    "shared_model_loo_mae_pts": round(e.shared_pts[1], 3),
                    "baseline_straight_line_radius_km": e.baseline.map(|b| round(b.0 / 1000.0, 2)),
                    "baseline_in_sample_mae_pts": e.baseline.map(|b| round(b.1[0], 3)),
                    "baseline_loo_mae_pts": e.baseline.map(|b| round(b.1[1], 3)),
                })
            })
            .collect();
        vec![
            ("params_by_degurba".to_owned(), Value::Object(params)),
            (
                "fit_by_degurba".to_owned(),
                json!({
                    "model": "the same formula, its parameters chosen by the degree of urbanisation of the origin's 1 km cell (DEG1 urban centre, DEG2 urban cluster, DEG3 rural: the grid stage of Eurostat's method on the GHS-POP 2020 grid around Belgium); `params` is the shared model",
                    "free_parameters": self.model.key(),
                    "fitted_on": "N1 > 5, 20, 45 min per district for TOTAL, DEG1, DEG2, DEG3 (Eurostat's classes are the classes of its residents' grid cells)",
                    "method": "Nelder-Mead (deterministic; from the shared fit and the 3 fixed starts, 400 iterations each) minimising the mean absolute error of the shares",
                    "objective_mae_pts": round(fit.mae_pct, 4),
                    "cell_classes_input": context.map(|i| json!({"role": i.role, "file": i.path.file_name().map(|f| f.to_string_lossy().into_owned()), "sha256": i.sha256})),
                    "errors": errors,
                }),
            ),
        ]
    }

    /// The report's tables: errors by class, per district and class, the per-class parameters.
    #[expect(clippy::too_many_lines, reason = "three table literals")]
    pub(super) fn tables(&self, districts: &[District]) -> Vec<Table> {
        let errors = Table {
            name: "errors_by_degurba".to_owned(),
            title: format!(
                "Mean absolute error by degree of urbanisation (percentage points): shared model, per-class model ({}), one straight-line threshold per class; LOO = leave-one-district-out",
                self.model.key()
            ),
            columns: vec![
                "deg_urb",
                "indicator",
                "threshold_min",
                "districts",
                "shared_in_sample_pts",
                "shared_loo_pts",
                "by_class_in_sample_pts",
                "by_class_loo_pts",
                "baseline_radius_km",
                "baseline_in_sample_pts",
                "baseline_loo_pts",
            ],
            rows: self
                .errors
                .iter()
                .map(|e| {
                    vec![
                        slot_code(e.class).into(),
                        e.indicator.code().into(),
                        Cell::Num(THRESHOLDS_MIN[e.threshold], 0),
                        Cell::Int(e.districts as u64),
                        Cell::Num(e.shared_pts[0], 2),
                        Cell::Num(e.shared_pts[1], 2),
                        Cell::opt(e.by_class_pts.map(|p| p[0]), 2),
                        Cell::opt(e.by_class_pts.map(|p| p[1]), 2),
                        Cell::opt(e.baseline.map(|b| b.0 / 1000.0), 2),
                        Cell::opt(e.baseline.map(|b| b.1[0]), 2),
                        Cell::opt(e.baseline.map(|b| b.1[1]), 2),
                    ]
                })
                .collect(),
        };
        let per_district = Table {
            name: "districts_by_degurba".to_owned(),
            title: "Observed and modelled shares per district and degree of urbanisation (percent; LOO: fitted without the district)".to_owned(),
            columns: vec![
                "nuts3",
                "deg_urb",
                "indicator",
                "threshold_min",
                "observed_pct",
                "shared_in_sample_pct",
                "shared_loo_pct",
                "by_class_in_sample_pct",
                "by_class_loo_pct",
                "baseline_loo_pct",
            ],
            rows: self
                .rows
                .iter()
                .map(|(t, v)| {
                    let mut row = vec![
                        districts[t.zone].code.clone().into(),
                        slot_code(t.class).into(),
                        t.indicator.code().into(),
                        Cell::Num(THRESHOLDS_MIN[t.threshold], 0),
                        Cell::Num(t.observed_pct, 2),
                    ];
                    row.extend(v.iter().map(|x| Cell::opt(*x, 2)));
                    row
                })
                .collect(),
        };
        let mut out = vec![errors, per_district];
        if let Some(fit) = &self.fit {
            let mut rows = Vec::new();
            let mut push = |who: String, params: &[DriveTimeParams; 3]| {
                for (class, p) in SLOTS[1..].iter().zip(params) {
                    rows.push(vec![
                        who.clone().into(),
                        slot_code(*class).into(),
                        Cell::Num(p.access_min, 3),
                        Cell::Num(p.near_speed_kmh, 2),
                        Cell::Num(p.far_speed_kmh, 2),
                        Cell::Num(p.near_band_km, 3),
                    ]);
                }
            };
            push("all".to_owned(), &fit.params);
            for (z, p) in &self.loo_fits {
                push(districts[*z].code.clone(), p);
            }
            out.push(Table {
                name: "parameters_by_degurba".to_owned(),
                title: "Per-class parameters: fitted on all districts, and without each".to_owned(),
                columns: vec![
                    "left_out",
                    "deg_urb",
                    "access_min",
                    "near_speed_kmh",
                    "far_speed_kmh",
                    "near_band_km",
                ],
                rows,
            });
        }
        out
    }
}
