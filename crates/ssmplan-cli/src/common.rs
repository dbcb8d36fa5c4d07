//! What every command shares: progress messages on a terminal, and the translation of the
//! command line into the engine's typed requests.

use std::io::IsTerminal;
use std::time::Instant;

use ssmplan_core::drivetime::by_class::ClassModel;
use ssmplan_engine::calibrate::FitIndicators;
use ssmplan_engine::request::{BoundaryLayerName, Level, Method, Model, ScopeName};
use ssmplan_engine::solve::Unit;
use ssmplan_engine::{
    AccessibilityRequest, CalibrateRequest, CatchmentsRequest, CoordinatorRequest, CoverageRequest,
    DataRequest, EngineError, ExpandRequest, RecommendRequest, ScenarioRequest, SolveRequest,
};

use crate::args::{
    AccessibilityArgs, BoundariesArg, ByDegurbaArg, CalibrateArgs, CatchmentsArgs, CoordinatorArgs,
    CoverageArgs, DataArgs, ExpandArgs, FitIndicatorsArg, LevelArg, MethodArg, ModelArg,
    RecommendArgs, ScenarioArgs, ScopeArg, SolveArgs, UnitArg,
};

/// Progress on standard error, only when it is a terminal and `--quiet` is not given (never in
/// pipes or CI logs): a spinner with the current stage and the elapsed time, or a bar with the
/// steps done and the time left when the stage knows its number of steps (gridding, solver
/// iterations); a long search updates the message with its state (the certified search's
/// nodes, gap and time); each finished stage stays on its own line with its start time.
pub struct TerminalProgress {
    bar: Option<indicatif::ProgressBar>,
    start: Instant,
}

const SPINNER: &str = "{spinner} [{elapsed_precise}] {msg}";
const BAR: &str = "{spinner} [{elapsed_precise}] {msg} [{bar:30}] {pos}/{len} (about {eta} left)";

fn style(template: &str) -> Option<indicatif::ProgressStyle> {
    indicatif::ProgressStyle::with_template(template)
        .ok()
        .map(|s| s.progress_chars("=> "))
}

impl TerminalProgress {
    pub fn new(quiet: bool) -> Self {
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let bar = indicatif::ProgressBar::new_spinner();
            if let Some(s) = style(SPINNER) {
                bar.set_style(s);
            }
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
            bar
        });
        Self {
            bar,
            start: Instant::now(),
        }
    }

    /// Clears the spinner (before the output is printed).
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Drop for TerminalProgress {
    fn drop(&mut self) {
        self.finish();
    }
}

impl ssmplan_engine::Progress for TerminalProgress {
    fn stage(&self, what: &str) {
        if let Some(bar) = &self.bar {
            bar.println(format!(
                "[{:>6.2} s] {what}",
                self.start.elapsed().as_secs_f64()
            ));
            bar.unset_length();
            if let Some(s) = style(SPINNER) {
                bar.set_style(s);
            }
            bar.set_message(what.to_owned());
        }
    }

    fn steps(&self, what: &str, total: u64) {
        self.stage(what);
        if let Some(bar) = &self.bar {
            if let Some(s) = style(BAR) {
                bar.set_style(s);
            }
            bar.set_length(total);
            bar.set_position(0);
        }
    }

    fn advance(&self, n: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(n);
        }
    }

    fn status(&self, what: &str) {
        if let Some(bar) = &self.bar {
            bar.set_message(what.to_owned());
        }
    }
}

/// An engine error as the command line shows it: request fields become `--options`.
pub fn cli_error(e: EngineError) -> anyhow::Error {
    match e {
        EngineError::Parameter { field, message } => {
            anyhow::anyhow!("--{}: {message}", field.replace('_', "-"))
        }
        other => other.into(),
    }
}

pub fn data_request(a: &DataArgs) -> DataRequest {
    DataRequest {
        data: a.data.clone(),
        scope: match a.scope {
            ScopeArg::Aviq => ScopeName::Aviq,
            ScopeArg::Wallonia => ScopeName::Wallonia,
        },
        provinces: a.provinces.clone(),
        boundaries: match a.boundaries {
            BoundariesArg::Geojson => BoundaryLayerName::Geojson,
            BoundariesArg::Shapefile => BoundaryLayerName::Shapefile,
        },
        boundary_file: a.boundary_file.clone(),
        boundary_layer: a.layer.clone(),
        sites_layer: a.sites_layer.clone(),
        crs: a.crs.clone(),
        year: a.year,
        sites: a.sites.clone(),
        typology: a.typology.clone(),
        facilities: a.facilities.clone(),
        drive_params: a.drive_params.clone(),
    }
}

pub fn coverage_request(a: &CoverageArgs) -> CoverageRequest {
    CoverageRequest {
        demand: a.demand.demand.clone(),
        distance: a.distance.distance.clone(),
        detour: a.demand.detour,
        level: a
            .levels
            .iter()
            .map(|l| match l {
                LevelArg::Total => Level::Total,
                LevelArg::Province => Level::Province,
                LevelArg::Arrondissement => Level::Arrondissement,
                LevelArg::Nuts3 => Level::Nuts3,
                LevelArg::Commune => Level::Commune,
                LevelArg::Typology => Level::Typology,
                LevelArg::Catchment => Level::Catchment,
                LevelArg::All => Level::All,
            })
            .collect(),
    }
}

pub fn catchments_request(a: &CatchmentsArgs) -> CatchmentsRequest {
    CatchmentsRequest {
        demand: a.demand.demand.clone(),
        distance: a.distance.distance.clone(),
        detour: a.demand.detour,
    }
}

pub fn accessibility_request(a: &AccessibilityArgs) -> AccessibilityRequest {
    AccessibilityRequest {
        demand: a.demand.demand.clone(),
        distance: a.distance.distance.clone(),
        detour: a.demand.detour,
        method: match a.method {
            MethodArg::TwoStep => Method::TwoStep,
            MethodArg::E2sfca => Method::E2sfca,
            MethodArg::G2sfca => Method::G2sfca,
        },
        radius_km: a.radius_km,
        radius_min: a.radius_min,
        steps: a.steps.clone(),
        sigma_km: a.sigma_km,
    }
}

pub fn recommend_request(a: &RecommendArgs) -> RecommendRequest {
    RecommendRequest {
        demand: a.demand.demand.clone(),
        distance: a.distance.distance.clone(),
        detour: a.demand.detour,
        weights: a.need.weights.clone(),
        no_typology: a.need.no_typology,
        model: model(a.model),
        p: a.p,
        radius_km: a.radius_km,
        radius_min: a.radius_min,
        target_share: a.target_share,
        candidates: a.candidates.clone(),
        exclude: a.exclude.clone(),
        min_distance_km: a.min_distance_km,
        norm: a.norm,
        seed: a.seed,
        perturbations: a.perturbations,
        exact: a.exact,
        time_limit_s: a.time_limit_s,
    }
}

pub fn calibrate_request(data: &DataArgs, a: &CalibrateArgs) -> CalibrateRequest {
    CalibrateRequest {
        data: data.data.clone(),
        grid: a.grid.clone(),
        hospitals: a.hospitals.clone(),
        eurostat: a.eurostat.clone(),
        nuts3: a.nuts3.clone(),
        subdivision: a.subdivision,
        indicators: match a.fit {
            FitIndicatorsArg::N1 => FitIndicators::N1,
            FitIndicatorsArg::Both => FitIndicators::Both,
        },
        by_degurba: match a.by_degurba {
            ByDegurbaArg::None => ClassModel::Shared,
            ByDegurbaArg::Access => ClassModel::Access,
            ByDegurbaArg::AccessSpeed => ClassModel::AccessSpeed,
        },
        shrink_pts: a.shrink_pts,
    }
}

pub fn solve_request(a: &SolveArgs) -> SolveRequest {
    SolveRequest {
        model: model(a.model),
        p: a.p,
        radius: a.radius,
        unit: match a.unit {
            UnitArg::M => Unit::M,
            UnitArg::Km => Unit::Km,
        },
        target_share: a.target_share,
        demand: a.demand.clone(),
        candidates: a.candidates.clone(),
        existing: a.existing.clone(),
        costs: a.costs.clone(),
        seed: a.seed,
        perturbations: a.perturbations,
        timings: a.timings,
        exact: a.exact,
        time_limit_s: a.time_limit_s,
    }
}

fn model(m: ModelArg) -> Model {
    match m {
        ModelArg::Mclp => Model::Mclp,
        ModelArg::Pmedian => Model::Pmedian,
        ModelArg::Lscp => Model::Lscp,
    }
}

pub fn expand_request(a: &ExpandArgs) -> ExpandRequest {
    ExpandRequest {
        demand: a.demand.demand.clone(),
        detour: a.demand.detour,
        weights: a.need.weights.clone(),
        no_typology: a.need.no_typology,
        budget_etp: a.budget_etp,
        budget_eur: a.budget_eur,
        cost_per_etp: a.cost_per_etp,
        step_etp: a.step_etp,
        frameworks: a.frameworks.clone(),
        assumed_etp: a.assumed_etp,
    }
}

pub fn coordinator_request(a: &CoordinatorArgs) -> CoordinatorRequest {
    CoordinatorRequest {
        frameworks: a.frameworks.clone(),
        bands: a.bands.clone(),
        cost_per_etp: a.cost_per_etp,
    }
}

pub fn scenario_request(a: &ScenarioArgs) -> ScenarioRequest {
    ScenarioRequest {
        demand: a.demand.demand.clone(),
        detour: a.demand.detour,
        weights: a.need.weights.clone(),
        no_typology: a.need.no_typology,
        assumed_etp: a.assumed_etp,
    }
}
