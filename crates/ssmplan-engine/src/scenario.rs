//! `scenario`: every coverage metric before and after a what-if.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::json;
use ssmplan_core::{
    AccessibilityParams, CoverageInput, Demand, Site, StraightLine, ZoneCoverage, ZoneLevel,
    floating_catchment, nearest_sites, zone_coverage,
};
use ssmplan_io::Dataset;
use ssmplan_io::crs::{Crs, project_coord};
use ssmplan_planner::scenario::{Scenario, ScenarioError};

use crate::common::base_parameters;
use crate::report::{Cell, Report, Table};
use crate::request::{DemandSpec, ScenarioRequest, ScopeName, Validate};
use crate::{Engine, EngineError, Progress};

/// Default E2SFCA steps of the scenario accessibility metric (bounds in metres, weights).
const STEPS: [(f64, f64); 4] = [
    (5_000.0, 1.0),
    (10_000.0, 0.68),
    (15_000.0, 0.22),
    (20_000.0, 0.03),
];

/// One metric value: (metric, zone) -> value.
pub type Metrics = BTreeMap<(String, String), f64>;

fn add_zone(m: &mut Metrics, z: &ZoneCoverage) {
    let zone = if z.level == ZoneLevel::Total {
        "all".to_owned()
    } else {
        format!("{}:{}", z.level.key(), z.name)
    };
    let d = &z.distance;
    let mut put = |k: &str, v: f64| {
        m.insert((k.to_owned(), zone.clone()), v);
    };
    if z.level != ZoneLevel::Typology {
        put("ssm", z.ssm as f64);
        put("sites", z.sites as f64);
        put("norm_deficit_ssm", z.norm_deficit);
    }
    put("mean_distance_km", d.mean_m.unwrap_or(0.0) / 1000.0);
    put("p90_distance_km", d.p90_m.unwrap_or(0.0) / 1000.0);
    if z.level == ZoneLevel::Total {
        put("median_distance_km", d.median_m.unwrap_or(0.0) / 1000.0);
        put("max_distance_km", d.max_m.unwrap_or(0.0) / 1000.0);
        put("pop_beyond_5km", d.beyond[0] as f64);
        put("pop_beyond_15km", d.beyond[2] as f64);
    }
    put("pop_beyond_10km", d.beyond[1] as f64);
    put("pop_beyond_20km", d.beyond[3] as f64);
}

fn metrics(
    dataset: &Dataset,
    sites: &[Site],
    demand: &Demand,
    scenario: &Scenario,
    assumed_etp: f64,
    radius_km: f64,
) -> Result<Metrics, ScenarioError> {
    let locations: Vec<geo::Coord<f64>> = sites.iter().map(|s| s.location).collect();
    let nearest = nearest_sites(&demand.points, &locations, &StraightLine);
    let input = CoverageInput {
        communes: &dataset.communes,
        sites,
        demand: &demand.points,
        nearest: &nearest,
    };
    let mut m = Metrics::new();
    for level in [ZoneLevel::Total, ZoneLevel::Province, ZoneLevel::Typology] {
        for z in zone_coverage(&input, level) {
            add_zone(&mut m, &z);
        }
    }
    // Accessibility: capacity = framework (known or assumed) after ETP changes, split over sites.
    let mut framework: BTreeMap<&str, (f64, usize)> = BTreeMap::new();
    for s in sites {
        let e = framework
            .entry(s.ssm.0.as_str())
            .or_insert((s.etp.unwrap_or(assumed_etp), 0));
        if let Some(etp) = s.etp {
            e.0 = etp;
        }
        e.1 += 1;
    }
    let mut capacity = Vec::with_capacity(sites.len());
    for s in sites {
        let (etp, n) = framework[s.ssm.0.as_str()];
        capacity.push(scenario.framework_after(&s.ssm.0, etp)? / n as f64);
    }
    let points: Vec<geo::Coord<f64>> = demand.points.iter().map(|p| p.location).collect();
    let population: Vec<f64> = demand.points.iter().map(|p| p.population as f64).collect();
    let steps: Vec<(f64, f64)> = STEPS
        .iter()
        .copied()
        .filter(|s| s.0 <= radius_km * 1000.0)
        .collect();
    let a = floating_catchment(
        &points,
        &population,
        &locations,
        &capacity,
        &AccessibilityParams::enhanced(radius_km * 1000.0, steps),
    )
    .map_err(|e| ScenarioError::Invalid {
        field: "add_sites".into(),
        problem: e.to_string(),
    })?;
    let mut by_group: BTreeMap<String, (f64, f64)> = BTreeMap::new();
    for (p, v) in demand.points.iter().zip(&a.accessibility) {
        let pop = p.population as f64;
        let all = by_group.entry("all".into()).or_default();
        all.0 += v * pop;
        all.1 += pop;
        if let Some(g) = dataset.communes[p.commune].typology {
            let e = by_group
                .entry(format!("typology:{}", g.label_fr()))
                .or_default();
            e.0 += v * pop;
            e.1 += pop;
        }
    }
    for (zone, (sum, pop)) in by_group {
        if pop > 0.0 {
            m.insert(("etp_per_100k_e2sfca".into(), zone), sum / pop * 100_000.0);
        }
    }
    Ok(m)
}

/// Where a scenario comes from.
#[derive(Clone, Copy, Debug)]
pub enum ScenarioSource<'a> {
    /// A file (read here, checked against the dataset manifest, recorded as an input); TOML
    /// when its name ends in `.toml`, else JSON.
    File(&'a Path),
    /// A scenario received by the map service; `label` names it in errors and provenance.
    Body {
        /// Name shown in errors (e.g. `request body`).
        label: &'a str,
        /// The JSON or TOML text.
        bytes: &'a [u8],
        /// TOML rather than JSON.
        toml: bool,
    },
}

/// The result of `scenario`.
#[derive(Clone, Debug)]
pub struct ScenarioResult {
    /// The scenario as read.
    pub scenario: Scenario,
    /// Every metric before.
    pub before: Metrics,
    /// Every metric after.
    pub after: Metrics,
    /// Tables and provenance.
    pub report: Report,
}

/// Evaluates every coverage metric before and after a what-if.
///
/// # Errors
/// [`EngineError::Scenario`] naming the source and the field for a malformed scenario or an
/// unknown site id; [`EngineError`] for a bad request.
#[expect(
    clippy::too_many_lines,
    reason = "builds one report: scope overrides, apply, two evaluations, delta table"
)]
pub fn scenario(
    engine: &Engine,
    source: ScenarioSource<'_>,
    request: &ScenarioRequest,
    progress: &dyn Progress,
) -> Result<ScenarioResult, EngineError> {
    request.validate()?;
    engine.require_ssm_sites("scenario")?;
    let args = request;
    let (name, bytes) = match source {
        ScenarioSource::File(path) => (
            path.display().to_string(),
            std::fs::read(path).map_err(|e| EngineError::Scenario {
                source_name: path.display().to_string(),
                problem: ScenarioError::Invalid {
                    field: "file".into(),
                    problem: format!("cannot read scenario: {e}"),
                },
            })?,
        ),
        ScenarioSource::Body { label, bytes, .. } => (label.to_owned(), bytes.to_vec()),
    };
    let toml = match source {
        ScenarioSource::File(path) => path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("toml")),
        ScenarioSource::Body { toml, .. } => toml,
    };
    let bad = |problem: ScenarioError| EngineError::Scenario {
        source_name: name.clone(),
        problem,
    };
    let scenario = if toml {
        Scenario::from_toml(&bytes)
    } else {
        Scenario::from_json(&bytes)
    }
    .map_err(&bad)?;
    let scope = match scenario.scope.as_deref() {
        None => None,
        Some("aviq") => Some(ScopeName::Aviq),
        Some("wallonia") => Some(ScopeName::Wallonia),
        Some(other) => {
            return Err(bad(ScenarioError::Invalid {
                field: "scope".into(),
                problem: format!("`{other}` is not aviq or wallonia"),
            }));
        }
    };
    let demand_text = scenario
        .demand
        .clone()
        .unwrap_or_else(|| args.demand.clone());
    let spec = DemandSpec::parse(&demand_text)?;
    let radius_km = scenario.radius_km.unwrap_or(20.0);
    if !(radius_km.is_finite() && (5.0..=crate::request::MAX_RADIUS_KM).contains(&radius_km)) {
        return Err(bad(ScenarioError::Invalid {
            field: "radius_km".into(),
            problem: "must be between 5 and 500 km".into(),
        }));
    }
    // A scope other than the engine's needs the dataset loaded again.
    let rescoped;
    let engine = match scope {
        Some(s) if s != engine.scope() => {
            rescoped = engine.rescoped(s)?;
            &rescoped
        }
        _ => engine,
    };
    let mut dataset = engine.working_copy();
    match source {
        ScenarioSource::File(path) => dataset.record_input("scenario", path)?,
        ScenarioSource::Body { label, bytes, .. } => {
            dataset.record_bytes("scenario", Path::new(label), bytes);
        }
    }
    let typology_note = engine.ensure_typology(&mut dataset, &args.need(), progress)?;
    progress.stage(&format!("building demand ({})", spec.describe()));
    let demand = engine.demand(&mut dataset, &spec, progress)?;
    let locator = ssmplan_core::CommuneLocator::new(&dataset.communes);
    let after_sites = scenario
        .apply(
            &dataset.sites,
            |lon, lat| project_coord(Crs::Wgs84, geo::Coord { x: lon, y: lat }),
            |c| locator.locate(c),
        )
        .map_err(&bad)?;
    progress.stage("evaluating before and after");
    let before = metrics(
        &dataset,
        &dataset.sites,
        &demand,
        &scenario,
        args.assumed_etp,
        radius_km,
    )
    .map_err(&bad)?;
    let after = metrics(
        &dataset,
        &after_sites,
        &demand,
        &scenario,
        args.assumed_etp,
        radius_km,
    )
    .map_err(&bad)?;
    let mut rows = Vec::new();
    for ((metric, zone), b) in &before {
        let a = after
            .get(&(metric.clone(), zone.clone()))
            .copied()
            .unwrap_or(0.0);
        let decimals = if metric.starts_with("pop_") || metric == "ssm" || metric == "sites" {
            0
        } else {
            3
        };
        rows.push(vec![
            metric.clone().into(),
            zone.clone().into(),
            Cell::Num(*b, decimals),
            Cell::Num(a, decimals),
            Cell::Num(a - b, decimals),
        ]);
    }
    let get = |m: &Metrics, k: &str| {
        m.get(&(k.to_owned(), "all".to_owned()))
            .copied()
            .unwrap_or(0.0)
    };
    let summary = vec![
        ("scenario".to_owned(), scenario.name.clone()),
        (
            "sites before -> after".to_owned(),
            format!("{} -> {}", dataset.sites.len(), after_sites.len()),
        ),
        (
            "mean distance (km)".to_owned(),
            format!(
                "{:.2} -> {:.2}",
                get(&before, "mean_distance_km"),
                get(&after, "mean_distance_km")
            ),
        ),
        (
            "inhabitants beyond 20 km".to_owned(),
            format!(
                "{:.0} -> {:.0}",
                get(&before, "pop_beyond_20km"),
                get(&after, "pop_beyond_20km")
            ),
        ),
        (
            "norm deficit (SSM)".to_owned(),
            format!(
                "{:.1} -> {:.1}",
                get(&before, "norm_deficit_ssm"),
                get(&after, "norm_deficit_ssm")
            ),
        ),
    ];
    let mut parameters = base_parameters(&dataset);
    parameters.push((
        "scenario",
        serde_json::to_value(&scenario).unwrap_or(serde_json::Value::Null),
    ));
    parameters.push(("demand", json!(spec.describe())));
    parameters.push(("typology", json!(typology_note)));
    let steps: Vec<(f64, f64)> = STEPS
        .iter()
        .copied()
        .filter(|s| s.0 <= radius_km * 1000.0)
        .collect();
    parameters.push((
        "accessibility",
        json!(format!(
            "E2SFCA, radius {radius_km} km, {}; capacity = framework ETP (assumed {} where unknown) after ETP changes, split over the SSM's sites",
            crate::describe::decay(&ssmplan_core::FcaDecay::Steps(steps)),
            args.assumed_etp
        )),
    ));
    let mut caveats = dataset.caveats();
    if let Some(s) = scope {
        caveats.push(format!(
            "the scenario sets the scope to {}",
            match s {
                ScopeName::Aviq => "aviq",
                ScopeName::Wallonia => "wallonia",
            }
        ));
    }
    let report = Report {
        command: "scenario",
        parameters,
        inputs: dataset.inputs.clone(),
        caveats,
        summary,
        tables: vec![Table {
            name: "deltas".into(),
            title: "Every metric before and after".into(),
            columns: vec!["metric", "zone", "before", "after", "delta"],
            rows,
        }],
        features: Vec::new(),
    };
    Ok(ScenarioResult {
        scenario,
        before,
        after,
        report,
    })
}
