//! `calibrate`: fits the drive-time model ([`ssmplan_core::DriveTime`]) on Eurostat's routed
//! hospital-access indicators (share of the population beyond 5 / 20 / 45 minutes of the
//! nearest hospital, `N1`, and of the average of the 3 nearest, `AN3`; all ages, all degrees of
//! urbanisation, 2020, per Walloon NUTS 3 district), by computing the same indicators from the
//! 1 km population grid (each cell spread over `subdivision` x `subdivision` sub-points) to the
//! 2020 hospital sites, and validates it by leave-one-district-out, against the baseline of one
//! straight-line threshold. With `by_degurba` (default: the access time per class), the model's
//! parameters also depend on the degree of urbanisation of the origin's 1 km cell, fitted on the
//! figures per district and class (`DEG1`, `DEG2`, `DEG3`) as well, and every error is also
//! reported by class (`by_class`).
//!
//! Reading is `ssmplan_io`'s: `accessibility` (districts, figures), `facilities` (hospitals),
//! `popgrid` (the grids).
//!
//! Files (default paths in the dataset directory; each checked against its manifest):
//! - `sectors/wallonia_ghs_pop_2020_1km_cells.csv`: `x_mollweide`, `y_mollweide` (cell
//!   centre, ESRI:54009), `nis_2025`, `pop_ghs_2020`;
//! - `facilities/belgium_hospital_sites_eurostat2020.csv`: `lat`, `lon` (all Belgian sites:
//!   those beyond Wallonia serve Walloon residents);
//! - `accessibility/eurostat_healthcare_access_nuts3_wallonia.csv`: `nuts`, `age`, `deg_urb`,
//!   `indicator`, `threshold`, `unit`, `v2020`;
//! - `accessibility/nuts3_2024_wallonia.csv`: `nuts3`, `arrondissement_nis`, `name`;
//! - `sectors/ghs_pop_2020_1km_belgium_bbox.csv` when present: the grid around Belgium, for the
//!   degree of urbanisation of the cells (else the Walloon grid alone).
//!
//! Districts missing from the Eurostat table (held out by its publisher here) are neither
//! fitted nor reported against figures: they are listed. The 2023 figures are not used: the
//! 2023 hospital list is not available, and 2020 sites against 2023 figures would mismatch.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use geo::{Coord, Rect};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use ssmplan_core::drivetime::by_class::ClassModel;
use ssmplan_core::drivetime::{
    AccessSample, DistanceCdf, Fit, FitParams, Indicator, THRESHOLDS_MIN, Target, ZoneShares,
    cell_sub_points, fit, fit_threshold, leave_one_out, zone_shares,
};
use ssmplan_core::{AreaClass, CellClass, DegurbaParams, GridCell, classify_grid};
use ssmplan_core::{
    CommuneLocator, DEGURBA_CELL_M, DriveTime, DriveTimeParams, Nis, PointIndex, nuts3_of,
};
use ssmplan_io::DatasetError;
use ssmplan_io::accessibility::{District, read_access_figures, read_districts};
use ssmplan_io::crs::{Crs, project_coord};
use ssmplan_io::dataset::InputFile;
use ssmplan_io::facilities::read_facilities;
use ssmplan_io::manifest::Manifest;
use ssmplan_io::popgrid::{LatticeGrid, read_lattice_grid};

use crate::report::{Cell, Report, Table};

mod by_class;
use crate::request::Validate;
use crate::{EngineError, Progress};
use by_class::by_degurba;

/// Default files, relative to the dataset directory.
pub const DEFAULT_GRID: &str = "sectors/wallonia_ghs_pop_2020_1km_cells.csv";
/// Default hospital list.
pub const DEFAULT_HOSPITALS: &str = "facilities/belgium_hospital_sites_eurostat2020.csv";
/// Default Eurostat table (the Walloon rows).
pub const DEFAULT_EUROSTAT: &str = "accessibility/eurostat_healthcare_access_nuts3_wallonia.csv";
/// Default district table.
pub const DEFAULT_NUTS3: &str = "accessibility/nuts3_2024_wallonia.csv";
/// Where the shipped fitted parameters live.
pub const DEFAULT_PARAMS: &str = "accessibility/drivetime_2020.json";

/// Which indicators the fit minimises the error of.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FitIndicators {
    /// The nearest hospital only (`N1`, > 5 / 20 / 45 min): the goal's indicator; `AN3` is
    /// reported out of the objective.
    #[default]
    N1,
    /// `N1` and `AN3` together: one model for both, at the cost of `N1`.
    Both,
}

/// `calibrate`: fit and validate the drive-time model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalibrateRequest {
    /// Dataset directory (default paths and manifest).
    pub data: PathBuf,
    /// Population grid (default `sectors/...` in `data`).
    pub grid: Option<PathBuf>,
    /// Hospital sites.
    pub hospitals: Option<PathBuf>,
    /// Eurostat accessibility table.
    pub eurostat: Option<PathBuf>,
    /// NUTS 3 district table.
    pub nuts3: Option<PathBuf>,
    /// Each 1 km cell is spread over `subdivision` x `subdivision` sub-points.
    pub subdivision: u32,
    /// Indicators fitted.
    pub indicators: FitIndicators,
    /// Parameters that depend on the degree of urbanisation of the origin (fitted on the
    /// figures per class as well, and compared with the shared model; default: the access time
    /// per class, which beats the shared model out of sample).
    #[serde(default = "default_by_degurba")]
    pub by_degurba: ClassModel,
    /// Penalty on the spread of the class parameters (points per minute of access time, per
    /// 10 km/h of near speed).
    #[serde(default)]
    pub shrink_pts: f64,
}

fn default_by_degurba() -> ClassModel {
    ClassModel::Access
}

impl Default for CalibrateRequest {
    fn default() -> Self {
        Self {
            data: PathBuf::from("geodata"),
            grid: None,
            hospitals: None,
            eurostat: None,
            nuts3: None,
            subdivision: 5,
            indicators: FitIndicators::N1,
            by_degurba: default_by_degurba(),
            shrink_pts: 0.0,
        }
    }
}

impl Validate for CalibrateRequest {
    fn validate(&self) -> Result<(), EngineError> {
        if !(1..=20).contains(&self.subdivision) {
            return Err(EngineError::parameter(
                "subdivision",
                format!("must be 1 to 20, found {}", self.subdivision),
            ));
        }
        Ok(())
    }
}

/// Errors of one indicator/threshold: model and baseline, in sample and leave-one-out.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ErrorSummary {
    /// Indicator.
    pub indicator: Indicator,
    /// Threshold (minutes).
    pub threshold_min: f64,
    /// Model, in sample (percentage points).
    pub model_in_sample_pts: f64,
    /// Model, leave-one-district-out (percentage points).
    pub model_loo_pts: f64,
    /// Straight-line threshold fitted on all districts: radius (m) and error (points).
    pub baseline_radius_m: f64,
    /// Its in-sample error (percentage points).
    pub baseline_in_sample_pts: f64,
    /// The straight-line threshold fitted without each district, on it (percentage points).
    pub baseline_loo_pts: f64,
}

/// The result of `calibrate`.
#[derive(Clone, Debug)]
pub struct CalibrateResult {
    /// The fit on all districts.
    pub fit: Fit,
    /// The leave-one-district-out fits, by district code.
    pub loo_fits: Vec<(String, DriveTimeParams)>,
    /// Errors per indicator and threshold.
    pub errors: Vec<ErrorSummary>,
    /// The parameters file to ship (`drivetime_2020.json`), with the fit's provenance.
    pub params_file: Value,
    /// Tables and provenance.
    pub report: Report,
}

/// Population samples: each cell spread evenly over `n` x `n` sub-points of its projected
/// outline (cells without residents left out); with the straight-line distances to the 3
/// nearest hospitals.
fn samples_of(
    grid: &LatticeGrid,
    classes: &[Option<AreaClass>],
    districts: &[District],
    hospitals: &PointIndex,
    n: u32,
) -> Result<Vec<AccessSample>, EngineError> {
    let bad =
        |what: String| EngineError::parameter("grid", format!("{}: {what}", grid.path.display()));
    let mollweide = Crs::from_esri(54_009).map_err(|e| bad(e.to_string()))?;
    let share = 1.0 / f64::from(n * n);
    let mut out = Vec::with_capacity(grid.cells.len() * (n * n) as usize);
    for (k, c) in grid.cells.iter().enumerate() {
        let Some(nis) = c.nis else {
            return Err(bad("column `nis_2025` missing".to_owned()));
        };
        let text = nis.as_str();
        let arrondissement =
            Nis::try_from(format!("{}000", &text[..2]).as_str()).map_err(|_| {
                bad(format!(
                    "cell {}: NIS code {text} has no arrondissement",
                    k + 1
                ))
            })?;
        let (code, _) = nuts3_of(nis, arrondissement)
            .ok_or_else(|| bad(format!("cell {}: {text} is not a Walloon commune", k + 1)))?;
        let zone = districts
            .iter()
            .position(|d| d.code == code)
            .ok_or_else(|| {
                bad(format!(
                    "cell {}: district {code} of {text} missing from the NUTS 3 table",
                    k + 1
                ))
            })?;
        let weight = c.cell.population;
        if weight == 0.0 {
            continue;
        }
        let x = (c.cell.col as f64 + 0.5) * DEGURBA_CELL_M;
        let y = (c.cell.row as f64 + 0.5) * DEGURBA_CELL_M;
        let centre = project_coord(mollweide, Coord { x, y });
        let east = project_coord(mollweide, Coord { x: x + 500.0, y });
        let north = project_coord(mollweide, Coord { x, y: y + 500.0 });
        let col_step = Coord {
            x: 2.0 * (east.x - centre.x),
            y: 2.0 * (east.y - centre.y),
        };
        let row_step = Coord {
            x: 2.0 * (north.x - centre.x),
            y: 2.0 * (north.y - centre.y),
        };
        if !(centre.x.is_finite() && col_step.x.is_finite() && row_step.y.is_finite()) {
            return Err(bad(format!(
                "cell {} ({x}, {y}) cannot be projected to EPSG:3812",
                k + 1
            )));
        }
        for p in cell_sub_points(centre, col_step, row_step, n) {
            let near = hospitals.k_nearest(p, 3);
            let d = |i: usize| {
                near.get(i)
                    .or(near.last())
                    .map_or(f64::INFINITY, |n| n.distance_m)
            };
            out.push(AccessSample {
                nearest_m: [d(0), d(1), d(2)],
                weight: weight * share,
                zone,
                class: classes.get(k).copied().flatten(),
            });
        }
    }
    Ok(out)
}

/// The degree of urbanisation of each cell of `grid` (as Eurostat classifies the residents of
/// its figures: by the class of their grid cell; `DEG1` urban centre, `DEG2` urban cluster,
/// `DEG3` rural), from the grid stage run on the whole grid around Belgium when the dataset
/// has it (settlements crossing the Walloon border stay whole), else on `grid` alone.
fn cell_classes(
    manifest: &Manifest,
    data: &Path,
    grid: &LatticeGrid,
) -> Result<(Vec<Option<AreaClass>>, Option<InputFile>), EngineError> {
    let context_path = data.join(crate::degurba::CONTEXT_GRID);
    let (cells, input): (Vec<GridCell>, Option<InputFile>) = if context_path.is_file() {
        let input = verify(
            manifest,
            "population grid around Belgium (GHS-POP 2020, 1 km; degree of urbanisation)",
            &context_path,
        )?;
        let context = read_lattice_grid(&context_path, None)?;
        (context.cells.iter().map(|c| c.cell).collect(), Some(input))
    } else {
        (grid.cells.iter().map(|c| c.cell).collect(), None)
    };
    let found = classify_grid(&cells, &DegurbaParams::default())
        .map_err(|e| EngineError::parameter("grid", e.to_string()))?;
    let at: BTreeMap<(i64, i64), CellClass> = cells
        .iter()
        .zip(&found.classes)
        .map(|(c, k)| ((c.col, c.row), *k))
        .collect();
    let classes = grid
        .cells
        .iter()
        .map(|c| {
            at.get(&(c.cell.col, c.cell.row)).map(|k| match k {
                CellClass::UrbanCentre => AreaClass::City,
                CellClass::UrbanCluster => AreaClass::TownsSemiDense,
                CellClass::Rural => AreaClass::Rural,
            })
        })
        .collect();
    Ok((classes, input))
}

/// The bounding box (EPSG:3812) of the grid's cell centres.
fn grid_extent(grid: &LatticeGrid) -> Option<Rect> {
    let mollweide = Crs::from_esri(54_009).ok()?;
    let points: Vec<Coord<f64>> = grid
        .cells
        .iter()
        .map(|c| {
            project_coord(
                mollweide,
                Coord {
                    x: (c.cell.col as f64 + 0.5) * DEGURBA_CELL_M,
                    y: (c.cell.row as f64 + 0.5) * DEGURBA_CELL_M,
                },
            )
        })
        .collect();
    let first = *points.first()?;
    Some(points.iter().fold(Rect::new(first, first), |r, p| {
        Rect::new(
            Coord {
                x: r.min().x.min(p.x),
                y: r.min().y.min(p.y),
            },
            Coord {
                x: r.max().x.max(p.x),
                y: r.max().y.max(p.y),
            },
        )
    }))
}

fn verify(manifest: &Manifest, role: &'static str, path: &Path) -> Result<InputFile, EngineError> {
    let (sha256, verified) = manifest
        .verify(path)
        .map_err(|e| EngineError::Dataset(DatasetError::Manifest(e)))?;
    Ok(InputFile {
        role,
        path: path.to_path_buf(),
        sha256,
        verified,
    })
}

fn round(v: f64, decimals: i32) -> f64 {
    let k = 10_f64.powi(decimals);
    (v * k).round() / k
}

/// Runs the calibration.
///
/// # Errors
/// A bad request parameter, a missing or malformed file (naming the file, line and field), a
/// manifest mismatch, no district with figures.
#[expect(
    clippy::too_many_lines,
    reason = "one linear pipeline: read, fit, validate, report"
)]
pub fn calibrate(
    request: &CalibrateRequest,
    progress: &dyn Progress,
) -> Result<CalibrateResult, EngineError> {
    request.validate()?;
    let at = |given: &Option<PathBuf>, default: &str| {
        given.clone().unwrap_or_else(|| request.data.join(default))
    };
    let grid_path = at(&request.grid, DEFAULT_GRID);
    let hospitals_path = at(&request.hospitals, DEFAULT_HOSPITALS);
    let eurostat_path = at(&request.eurostat, DEFAULT_EUROSTAT);
    let nuts3_path = at(&request.nuts3, DEFAULT_NUTS3);
    let manifest = Manifest::load(&request.data)
        .map_err(|e| EngineError::Dataset(DatasetError::Manifest(e)))?;
    let inputs = vec![
        verify(
            &manifest,
            "population grid (GHS-POP 2020, 1 km)",
            &grid_path,
        )?,
        verify(&manifest, "hospital sites (GISCO 2020)", &hospitals_path)?,
        verify(
            &manifest,
            "Eurostat healthcare accessibility",
            &eurostat_path,
        )?,
        verify(&manifest, "NUTS 3 districts (2024)", &nuts3_path)?,
    ];
    progress.stage("reading districts, hospitals and figures");
    let districts = read_districts(&nuts3_path)?;
    let figures = read_access_figures(&eurostat_path, &districts)?;
    let targets: Vec<Target> = figures
        .targets
        .iter()
        .filter(|t| t.class.is_none())
        .copied()
        .collect();
    let eurostat_population: BTreeMap<usize, f64> = figures
        .population
        .iter()
        .filter(|((_, class), _)| class.is_none())
        .map(|((zone, _), v)| (*zone, *v))
        .collect();
    let grid = read_lattice_grid(&grid_path, None)?;
    let hospitals: Vec<Coord<f64>> = read_facilities(
        &hospitals_path,
        &CommuneLocator::new(&[]),
        grid_extent(&grid),
    )?
    .table
    .sites
    .iter()
    .map(|s| s.location)
    .collect();
    let zones = districts.len();
    let fitted_zone = |z: usize| targets.iter().any(|t| t.zone == z);
    let held_out: Vec<&District> = (0..zones)
        .filter(|z| !fitted_zone(*z))
        .map(|z| &districts[z])
        .collect();
    if held_out.len() == zones {
        return Err(EngineError::parameter(
            "eurostat",
            format!(
                "{}: no all-ages 2020 row for any Walloon district",
                eurostat_path.display()
            ),
        ));
    }
    progress.stage(&format!(
        "spreading the grid over {0} x {0} sub-points per cell, 3 nearest of {1} hospitals",
        request.subdivision,
        hospitals.len()
    ));
    let index = PointIndex::new(&hospitals);
    progress.stage("degree of urbanisation of the grid cells");
    let (classes, context_input) = cell_classes(&manifest, &request.data, &grid)?;
    let mut report_inputs = inputs.clone();
    report_inputs.extend(context_input.clone());
    let samples = samples_of(&grid, &classes, &districts, &index, request.subdivision)?;

    let fitted_targets: Vec<Target> = targets
        .iter()
        .filter(|t| request.indicators == FitIndicators::Both || t.indicator == Indicator::N1)
        .copied()
        .collect();
    let options = FitParams::default();
    progress.stage("fitting on all districts");
    let all = fit(&samples, zones, &fitted_targets, |_| true, &options)
        .ok_or_else(|| EngineError::parameter("eurostat", "no target to fit".to_owned()))?;
    let model =
        DriveTime::new(all.params).map_err(|e| EngineError::parameter("params", e.to_string()))?;
    let in_sample = zone_shares(|d| model.minutes(d), &samples, zones);

    progress.stage("leave-one-district-out");
    let mut loo_shares: Vec<ZoneShares> = vec![ZoneShares::default(); zones];
    let mut loo_fits = Vec::new();
    for (out, found) in leave_one_out(&fitted_targets, zones, |_, mask| {
        fit(&samples, zones, &fitted_targets, |z| mask[z], &options)
    }) {
        let Some(found) = found else { continue };
        let m = DriveTime::new(found.params)
            .map_err(|e| EngineError::parameter("params", e.to_string()))?;
        let one: Vec<AccessSample> = samples.iter().filter(|s| s.zone == out).copied().collect();
        loo_shares[out] = zone_shares(|d| m.minutes(d), &one, zones)[out];
        loo_fits.push((districts[out].code.clone(), found.params));
    }

    // Baseline: one straight-line threshold per indicator and threshold.
    let mut errors = Vec::new();
    let mut baseline_rows: BTreeMap<(usize, Indicator, usize), (f64, f64)> = BTreeMap::new();
    for indicator in [Indicator::N1, Indicator::AN3] {
        let cdfs = DistanceCdf::per_zone(&samples, zones, indicator);
        for (t, threshold_min) in THRESHOLDS_MIN.iter().copied().enumerate().take(2) {
            let kind: Vec<Target> = targets
                .iter()
                .filter(|x| x.indicator == indicator && x.threshold == t)
                .copied()
                .collect();
            let Some((radius, base_mae)) = fit_threshold(&cdfs, &kind, |_| true, 50.0, 60_000.0)
            else {
                continue;
            };
            let mut loo_sum = 0.0;
            let mut model_in = 0.0;
            let mut model_loo = 0.0;
            for x in &kind {
                let (r, _) = fit_threshold(&cdfs, &kind, |z| z != x.zone, 50.0, 60_000.0)
                    .unwrap_or((radius, 0.0));
                let base_loo = cdfs[x.zone].beyond_pct(r);
                loo_sum += (base_loo - x.observed_pct).abs();
                baseline_rows.insert(
                    (x.zone, indicator, t),
                    (cdfs[x.zone].beyond_pct(radius), base_loo),
                );
                model_in += (in_sample[x.zone].get(indicator, t) - x.observed_pct).abs();
                model_loo += (loo_shares[x.zone].get(indicator, t) - x.observed_pct).abs();
            }
            #[expect(clippy::cast_precision_loss, reason = "a few districts")]
            let n = kind.len() as f64;
            errors.push(ErrorSummary {
                indicator,
                threshold_min,
                model_in_sample_pts: model_in / n,
                model_loo_pts: model_loo / n,
                baseline_radius_m: radius,
                baseline_in_sample_pts: base_mae,
                baseline_loo_pts: loo_sum / n,
            });
        }
    }

    // By degree of urbanisation: the shared model's shares per class, the per-class model
    // when asked, and one straight-line threshold per class.
    progress.stage("by degree of urbanisation");
    let by_class = by_degurba(
        request,
        &samples,
        zones,
        &figures.targets,
        &options,
        all.params,
        &loo_fits
            .iter()
            .filter_map(|(c, p)| districts.iter().position(|d| d.code == *c).map(|z| (z, *p)))
            .collect::<Vec<_>>(),
    )?;

    // Tables.
    let mut rows = Vec::new();
    for x in &targets {
        let d = &districts[x.zone];
        let (b_in, b_loo) = baseline_rows
            .get(&(x.zone, x.indicator, x.threshold))
            .copied()
            .map_or((None, None), |(a, b)| (Some(a), Some(b)));
        let loo = loo_fits
            .iter()
            .any(|(c, _)| *c == d.code)
            .then(|| loo_shares[x.zone].get(x.indicator, x.threshold));
        rows.push(vec![
            d.code.clone().into(),
            d.name.clone().into(),
            x.indicator.code().into(),
            Cell::Num(THRESHOLDS_MIN[x.threshold], 0),
            Cell::Num(x.observed_pct, 2),
            Cell::Num(in_sample[x.zone].get(x.indicator, x.threshold), 2),
            Cell::opt(loo, 2),
            Cell::opt(loo.map(|l| l - x.observed_pct), 2),
            Cell::opt(b_in, 2),
            Cell::opt(b_loo, 2),
        ]);
    }
    let district_table = Table {
        name: "districts".to_owned(),
        title: "Observed (Eurostat, routed) and modelled shares beyond each threshold, per district (percent; LOO: fitted without the district)".to_owned(),
        columns: vec![
            "nuts3",
            "name",
            "indicator",
            "threshold_min",
            "observed_pct",
            "modelled_in_sample_pct",
            "modelled_loo_pct",
            "loo_error_pts",
            "baseline_in_sample_pct",
            "baseline_loo_pct",
        ],
        rows,
    };
    let error_table = Table {
        name: "errors".to_owned(),
        title: "Mean absolute error over the districts (percentage points): drive-time model vs one straight-line threshold".to_owned(),
        columns: vec![
            "indicator",
            "threshold_min",
            "model_in_sample_pts",
            "model_loo_pts",
            "baseline_radius_km",
            "baseline_in_sample_pts",
            "baseline_loo_pts",
        ],
        rows: errors
            .iter()
            .map(|e| {
                vec![
                    e.indicator.code().into(),
                    Cell::Num(e.threshold_min, 0),
                    Cell::Num(e.model_in_sample_pts, 2),
                    Cell::Num(e.model_loo_pts, 2),
                    Cell::Num(e.baseline_radius_m / 1000.0, 2),
                    Cell::Num(e.baseline_in_sample_pts, 2),
                    Cell::Num(e.baseline_loo_pts, 2),
                ]
            })
            .collect(),
    };
    let population_table = Table {
        name: "population".to_owned(),
        title: "Population per district: GHS-POP 2020 grid (ours) and Eurostat's census 2021 grid"
            .to_owned(),
        columns: vec!["nuts3", "name", "grid_population", "eurostat_population"],
        rows: districts
            .iter()
            .enumerate()
            .map(|(z, d)| {
                vec![
                    d.code.clone().into(),
                    d.name.clone().into(),
                    Cell::Num(in_sample[z].population, 0),
                    Cell::opt(eurostat_population.get(&z).copied(), 0),
                ]
            })
            .collect(),
    };
    let loo_table = Table {
        name: "loo_parameters".to_owned(),
        title: "Parameters fitted without each district".to_owned(),
        columns: vec![
            "left_out",
            "access_min",
            "near_speed_kmh",
            "far_speed_kmh",
            "near_band_km",
        ],
        rows: loo_fits
            .iter()
            .map(|(c, p)| {
                vec![
                    c.clone().into(),
                    Cell::Num(p.access_min, 3),
                    Cell::Num(p.near_speed_kmh, 2),
                    Cell::Num(p.far_speed_kmh, 2),
                    Cell::Num(p.near_band_km, 3),
                ]
            })
            .collect(),
    };

    let held: Vec<String> = held_out
        .iter()
        .map(|d| format!("{} {}", d.code, d.name))
        .collect();
    let p = all.params;
    let err_of = |i: Indicator, t: f64| {
        errors
            .iter()
            .find(|e| e.indicator == i && (e.threshold_min - t).abs() < 1e-9)
    };
    let errors_json: Vec<Value> = errors
        .iter()
        .map(|e| {
            json!({
                "indicator": e.indicator.code(),
                "threshold_min": e.threshold_min,
                "model_in_sample_mae_pts": round(e.model_in_sample_pts, 3),
                "model_loo_mae_pts": round(e.model_loo_pts, 3),
                "baseline_straight_line_radius_km": round(e.baseline_radius_m / 1000.0, 2),
                "baseline_in_sample_mae_pts": round(e.baseline_in_sample_pts, 3),
                "baseline_loo_mae_pts": round(e.baseline_loo_pts, 3),
            })
        })
        .collect();
    let file_name = |path: &Path| {
        path.file_name()
            .map_or_else(String::new, |f| f.to_string_lossy().into_owned())
    };
    let params_file: Value = json!({
        "model": "modelled drive time (not routed): access_min + 60 * detour * (min(d, near_band_km) / near_speed_kmh + max(d - near_band_km, 0) / far_speed_kmh), d the straight-line distance in km (EPSG:3812)",
        "calibrated_on": "Eurostat, GISCO geographic accessibility (healthcare), 2020: share of the population beyond 5 / 20 / 45 minutes of the nearest hospital (N1) and the average of the 3 nearest (AN3), all ages, deg_urb TOTAL, Walloon NUTS 3 districts; routed by Eurostat on a road network from a 100 m grid",
        "params": {
            "access_min": round(p.access_min, 4),
            "detour": p.detour,
            "near_speed_kmh": round(p.near_speed_kmh, 3),
            "far_speed_kmh": round(p.far_speed_kmh, 3),
            "near_band_km": round(p.near_band_km, 4),
        },
        "fit": {
            "method": "Nelder-Mead (deterministic, 3 fixed starts, 400 iterations each) minimising the mean absolute error of the shares; detour fixed (only detour / speed is identifiable)",
            "fitted_indicators": match request.indicators { FitIndicators::N1 => "N1 > 5, 20, 45 min", FitIndicators::Both => "N1 and AN3 > 5, 20, 45 min" },
            "population": "GHS-POP 2020 1 km cells (pop_ghs_2020), each spread evenly over a grid of sub-points",
            "subdivision": request.subdivision,
            "hospitals": hospitals.len(),
            "districts_fitted": (0..zones).filter(|z| fitted_zone(*z)).map(|z| districts[z].code.clone()).collect::<Vec<_>>(),
            "districts_held_out_by_the_data": held_out.iter().map(|d| d.code.clone()).collect::<Vec<_>>(),
            "objective_mae_pts": round(all.mae_pct, 4),
            "errors": errors_json,
            "year_2023": "not fitted nor checked: the 2023 hospital list is not available (2020 sites against 2023 figures would mismatch)",
        },
        "inputs": inputs.iter().map(|i| json!({"role": i.role, "file": file_name(&i.path), "sha256": i.sha256})).collect::<Vec<_>>(),
    });

    let mut params_file = params_file;
    if let (Some(fit), Some(object)) = (&by_class.fit, params_file.as_object_mut()) {
        object.extend(by_class.params_fields(fit, context_input.as_ref()));
    }

    let mut summary = vec![(
        "fitted parameters".to_owned(),
        format!(
            "access {:.2} min, {:.1} km/h over the first {:.2} km, {:.1} km/h beyond (detour {} fixed)",
            p.access_min, p.near_speed_kmh, p.near_band_km, p.far_speed_kmh, p.detour
        ),
    )];
    for (i, t) in [
        (Indicator::N1, 5.0),
        (Indicator::N1, 20.0),
        (Indicator::AN3, 5.0),
        (Indicator::AN3, 20.0),
    ] {
        if let Some(e) = err_of(i, t) {
            summary.push((
                format!("{} > {t} min, MAE (points)", i.code()),
                format!(
                    "model {:.2} in sample, {:.2} leave-one-out; straight line {:.2} km: {:.2} in sample, {:.2} leave-one-out",
                    e.model_in_sample_pts,
                    e.model_loo_pts,
                    e.baseline_radius_m / 1000.0,
                    e.baseline_in_sample_pts,
                    e.baseline_loo_pts
                ),
            ));
        }
    }
    if let Some(fit) = &by_class.fit {
        let p = fit.params;
        summary.push((
            format!("parameters by degree of urbanisation ({})", request.by_degurba.key()),
            format!(
                "access {:.2} / {:.2} / {:.2} min (DEG1 / DEG2 / DEG3), {:.1} / {:.1} / {:.1} km/h over the first {:.2} km, {:.1} km/h beyond",
                p[0].access_min, p[1].access_min, p[2].access_min, p[0].near_speed_kmh, p[1].near_speed_kmh, p[2].near_speed_kmh, p[0].near_band_km, p[0].far_speed_kmh
            ),
        ));
        for e in by_class
            .errors
            .iter()
            .filter(|e| e.class.is_none() && e.threshold < 2)
        {
            if let Some([i, l]) = e.by_class_pts {
                summary.push((
                    format!(
                        "{} > {} min, MAE by class model (points)",
                        e.indicator.code(),
                        THRESHOLDS_MIN[e.threshold]
                    ),
                    format!(
                        "{i:.2} in sample, {l:.2} leave-one-out (shared model {:.2})",
                        e.shared_pts[1]
                    ),
                ));
            }
        }
    }
    let goals = [(Indicator::N1, 20.0, 1.0), (Indicator::N1, 5.0, 3.0)];
    for (i, t, goal) in goals {
        if let Some(e) = err_of(i, t) {
            // The best model out of sample: per class when fitted, else shared.
            let loo = by_class
                .errors
                .iter()
                .find(|c| {
                    c.class.is_none()
                        && c.indicator == i
                        && (THRESHOLDS_MIN[c.threshold] - t).abs() < 1e-9
                })
                .and_then(|c| c.by_class_pts)
                .map_or(e.model_loo_pts, |p| p[1].min(e.model_loo_pts));
            summary.push((
                format!("goal {} > {t} min: LOO MAE <= {goal}", i.code()),
                if loo <= goal {
                    format!("met ({loo:.2})")
                } else {
                    format!("not met ({loo:.2})")
                },
            ));
        }
    }
    let report = Report {
        command: "calibrate",
        parameters: vec![
            ("subdivision", json!(request.subdivision)),
            ("indicators", json!(request.indicators)),
            ("by_degurba", json!(request.by_degurba)),
            ("shrink_pts", json!(request.shrink_pts)),
            ("year", json!(2020)),
            ("age", json!("T")),
            ("deg_urb", json!("TOTAL")),
        ],
        inputs: report_inputs,
        caveats: vec![
            "modelled drive time, not a routing: minutes as a function of the straight-line distance, calibrated on Eurostat's routed figures".to_owned(),
            format!("districts without figures in the Eurostat table (held out by the data, not fitted): {}", if held.is_empty() { "none".to_owned() } else { held.join(", ") }),
            "population: GHS-POP 2020 (Eurostat routed from the census 2021 100 m grid); each 1 km cell spread evenly over its sub-points".to_owned(),
            "hospitals: the 272 Belgian GISCO 2020 sites; hospitals across the national borders are not in the list (border districts may show it)".to_owned(),
            "2023 figures not used: the 2023 hospital list is not available".to_owned(),
        ],
        summary,
        tables: {
            let mut t = vec![error_table, district_table, population_table, loo_table];
            t.extend(by_class.tables(&districts));
            t
        },
        features: Vec::new(),
    };
    Ok(CalibrateResult {
        fit: all,
        loo_fits,
        errors,
        params_file,
        report,
    })
}

/// The parameters of a shipped parameters file (`drivetime_2020.json`), with the mean error of
/// the 20-minute share (N1, leave-one-out) when recorded.
///
/// # Errors
/// The file cannot be read or lacks a valid `params` object.
pub fn read_params_file(path: &Path) -> Result<(DriveTimeParams, Option<f64>), EngineError> {
    let bad = |message: String| {
        EngineError::parameter("params", format!("{}: {message}", path.display()))
    };
    let bytes = std::fs::read(path).map_err(|e| bad(e.to_string()))?;
    let value: Value = serde_json::from_slice(&bytes).map_err(|e| bad(e.to_string()))?;
    let params: DriveTimeParams = serde_json::from_value(value["params"].clone())
        .map_err(|e| bad(format!("field `params`: {e}")))?;
    DriveTime::new(params).map_err(|e| bad(e.to_string()))?;
    let mae = value["fit"]["errors"].as_array().and_then(|a| {
        a.iter()
            .find(|e| e["indicator"] == "N1" && e["threshold_min"] == 20.0)
            .and_then(|e| e["model_loo_mae_pts"].as_f64())
    });
    Ok((params, mae))
}

/// The per-class parameters of a shipped parameters file (`params_by_degurba`: `DEG1`, `DEG2`,
/// `DEG3`), `None` when the file has none (a file fitted with `--by-degurba none`).
///
/// # Errors
/// The file cannot be read, or `params_by_degurba` is present but a class is missing or
/// invalid.
pub fn read_params_by_degurba(path: &Path) -> Result<Option<[DriveTimeParams; 3]>, EngineError> {
    let bad = |message: String| {
        EngineError::parameter("params", format!("{}: {message}", path.display()))
    };
    let bytes = std::fs::read(path).map_err(|e| bad(e.to_string()))?;
    let value: Value = serde_json::from_slice(&bytes).map_err(|e| bad(e.to_string()))?;
    let Some(by_class) = value.get("params_by_degurba") else {
        return Ok(None);
    };
    let mut out = [DriveTimeParams::default(); 3];
    for (slot, class) in out.iter_mut().zip(AreaClass::ALL) {
        let p: DriveTimeParams = serde_json::from_value(by_class[class.code()].clone())
            .map_err(|e| bad(format!("field `params_by_degurba.{}`: {e}", class.code())))?;
        DriveTime::new(p).map_err(|e| bad(e.to_string()))?;
        *slot = p;
    }
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;

    #[test]
    fn shipped_file_has_both_models() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../geodata")
            .join(DEFAULT_PARAMS);
        let (shared, mae) = read_params_file(&path).expect("shared");
        let by_class = read_params_by_degurba(&path)
            .expect("readable")
            .expect("per class");
        // The per-class model shares speeds and band (access time per class only).
        let same = |a: f64, b: f64| (a - b).abs() < 1e-12;
        assert!(
            by_class
                .iter()
                .all(|p| same(p.near_speed_kmh, by_class[0].near_speed_kmh)
                    && same(p.far_speed_kmh, by_class[0].far_speed_kmh)
                    && same(p.near_band_km, by_class[0].near_band_km))
        );
        assert!(
            by_class
                .iter()
                .any(|p| !same(p.access_min, by_class[0].access_min))
        );
        assert!((shared.detour - by_class[0].detour).abs() < 1e-12);
        assert!(mae.is_some());
    }

    #[test]
    fn request_validation_names_the_field() {
        let r = CalibrateRequest {
            subdivision: 0,
            ..CalibrateRequest::default()
        };
        assert!(
            r.validate()
                .is_err_and(|e| e.to_string().starts_with("subdivision"))
        );
    }

    /// A tiny dataset: 2 cells in Nivelles (BE310), 1 in Namur (BE352), a hospital in each
    /// city; figures for those two districts only.
    fn tiny(dir: &Path, grid_pop: &str) {
        std::fs::create_dir_all(dir.join("sectors")).expect("dir");
        std::fs::create_dir_all(dir.join("facilities")).expect("dir");
        std::fs::create_dir_all(dir.join("accessibility")).expect("dir");
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../geodata");
        std::fs::copy(repo.join(DEFAULT_NUTS3), dir.join(DEFAULT_NUTS3)).expect("nuts3");
        std::fs::write(
            dir.join(DEFAULT_GRID),
            format!(
                "x_mollweide,y_mollweide,nis_2025,pop_ghs_2020\n326500,5939500,25072,100\n323500,5938500,25072,{grid_pop}\n368500,5921500,92094,500\n"
            ),
        )
        .expect("grid");
        std::fs::write(
            dir.join(DEFAULT_HOSPITALS),
            "id,lat,lon\n1,50.632054,4.32865\n2,50.459441,4.874197\n",
        )
        .expect("hospitals");
        let mut e = String::from("nuts,age,deg_urb,indicator,threshold,unit,v2020,v2023\n");
        for (nuts, v5) in [("BE310", 75.0), ("BE352", 0.0)] {
            for (th, v) in [("GT_5_MIN", v5), ("GT_20_MIN", 0.0), ("GT_45_MIN", 0.0)] {
                writeln!(e, "{nuts},T,TOTAL,N1,{th},PC,{v},{v}").expect("write");
                writeln!(e, "{nuts},Y_GE65,TOTAL,N1,{th},PC,50,50").expect("write");
            }
            writeln!(e, "{nuts},T,TOTAL,N1,NONE,NR,1000,1000").expect("write");
        }
        std::fs::write(dir.join(DEFAULT_EUROSTAT), e).expect("eurostat");
    }

    #[test]
    fn tiny_dataset_end_to_end() {
        let dir = tempfile::Builder::new()
            .prefix("ssmplan-calibrate-")
            .tempdir()
            .expect("scratch directory");
        tiny(dir.path(), "300");
        let request = CalibrateRequest {
            data: dir.path().to_path_buf(),
            subdivision: 1,
            ..CalibrateRequest::default()
        };
        let r = calibrate(&request, &crate::Silent).expect("calibrate");
        // Leave-one-out over the two districts with figures, in district order.
        let left: Vec<&str> = r.loo_fits.iter().map(|(c, _)| c.as_str()).collect();
        assert_eq!(left, vec!["BE310", "BE352"]);
        // Grid population per district, read back from the population table.
        let pop = r
            .report
            .tables
            .iter()
            .find(|t| t.name == "population")
            .expect("table");
        assert_eq!(pop.rows.len(), 21);
        assert_eq!(pop.rows[0][2], Cell::Num(400.0, 0));
        assert_eq!(pop.rows[0][3], Cell::Num(1000.0, 0));
        // 75 % beyond 5 minutes in Nivelles: the 300 residents 2.9 km away, not the 100 at
        // the hospital; 0 % in Namur. A model can match both exactly.
        assert!(r.fit.mae_pct < 1e-9, "{:?}", r.fit);
        let districts = r
            .report
            .tables
            .iter()
            .find(|t| t.name == "districts")
            .expect("table");
        assert_eq!(districts.rows.len(), 6);
        assert!(r.report.caveats.iter().any(|c| c.contains("BE32D")));
        // The same inputs give the same parameters file.
        let again = calibrate(&request, &crate::Silent).expect("calibrate");
        assert_eq!(again.params_file, r.params_file);
        // A bad value names the file, the line and the field.
        tiny(dir.path(), "-3");
        let e = calibrate(&request, &crate::Silent).expect_err("negative");
        let text = e.to_string();
        assert!(
            text.contains("line 3") && text.contains("pop_ghs_2020"),
            "{text}"
        );
    }
}
