//! `coverage`: access distances and norm coverage per zone.

use serde_json::json;
use ssmplan_core::{
    Commune, CoverageInput, Neighbour, ZoneCoverage, ZoneLevel, nearest_sites, zone_coverage,
};

use crate::common::{base_parameters, colocation_caveat, geojson_multipolygon, km};
use crate::engine::distance_model;
use crate::report::{Cell, Feature, MapLayer, Report, Table};
use crate::request::{CoverageRequest, DemandSpec, Level, Validate};
use crate::{Engine, EngineError, Progress};

/// Columns of every coverage table.
pub const COVERAGE_COLUMNS: [&str; 18] = [
    "level",
    "key",
    "name",
    "population",
    "communes",
    "sites",
    "ssm",
    "inhabitants_per_ssm",
    "norm_ssm",
    "norm_deficit_ssm",
    "mean_distance_km",
    "median_distance_km",
    "p90_distance_km",
    "max_distance_km",
    "pop_beyond_5km",
    "pop_beyond_10km",
    "pop_beyond_15km",
    "pop_beyond_20km",
];

/// One row of a coverage table; without `norm` (a facility layer), the columns of the SSM
/// norm are empty.
#[must_use]
pub fn coverage_row(z: &ZoneCoverage, norm: bool) -> Vec<Cell> {
    let d = &z.distance;
    let mut row = vec![
        z.level.key().into(),
        z.key.clone().into(),
        z.name.clone().into(),
        z.population.into(),
        z.communes.into(),
        z.sites.into(),
        z.ssm.into(),
        Cell::opt(z.inhabitants_per_ssm, 0),
        Cell::Num(z.norm_ssm, 2),
        Cell::Num(z.norm_deficit, 2),
        Cell::opt(km(d.mean_m), 2),
        Cell::opt(km(d.median_m), 2),
        Cell::opt(km(d.p90_m), 2),
        Cell::opt(km(d.max_m), 2),
        d.beyond[0].into(),
        d.beyond[1].into(),
        d.beyond[2].into(),
        d.beyond[3].into(),
    ];
    if !norm {
        for cell in &mut row[6..10] {
            *cell = Cell::Empty;
        }
    }
    row
}

const ALL_LEVELS: [ZoneLevel; 7] = [
    ZoneLevel::Total,
    ZoneLevel::Province,
    ZoneLevel::Arrondissement,
    ZoneLevel::Nuts3,
    ZoneLevel::Commune,
    ZoneLevel::Typology,
    ZoneLevel::Catchment,
];

/// The zone levels asked, in the canonical order, without duplicates.
#[must_use]
pub fn zone_levels(asked: &[Level]) -> Vec<ZoneLevel> {
    let mut out: Vec<ZoneLevel> = if asked.contains(&Level::All) {
        ALL_LEVELS.to_vec()
    } else {
        asked
            .iter()
            .map(|l| match l {
                Level::Total | Level::All => ZoneLevel::Total,
                Level::Province => ZoneLevel::Province,
                Level::Arrondissement => ZoneLevel::Arrondissement,
                Level::Nuts3 => ZoneLevel::Nuts3,
                Level::Commune => ZoneLevel::Commune,
                Level::Typology => ZoneLevel::Typology,
                Level::Catchment => ZoneLevel::Catchment,
            })
            .collect()
    };
    out.sort_by_key(|l| ALL_LEVELS.iter().position(|a| a == l));
    out.dedup();
    out
}

/// The result of `coverage`.
#[derive(Clone, Debug)]
pub struct CoverageResult {
    /// The whole territory.
    pub total: ZoneCoverage,
    /// Each level asked, with its zones.
    pub levels: Vec<(ZoneLevel, Vec<ZoneCoverage>)>,
    /// Number of demand points.
    pub demand_points: usize,
    /// Tables, provenance and map layer.
    pub report: Report,
}

/// The nearest-site allocation of a demand, reused by the map layers.
pub(crate) struct Allocation {
    pub demand: ssmplan_core::Demand,
    pub nearest: Vec<Option<Neighbour>>,
    pub spec: DemandSpec,
    pub model: String,
}

/// Builds the demand and allocates it to the nearest site.
pub(crate) fn allocate(
    engine: &Engine,
    dataset: &mut ssmplan_io::Dataset,
    demand: &str,
    detour: f64,
    progress: &dyn Progress,
) -> Result<Allocation, EngineError> {
    let spec = DemandSpec::parse(demand)?;
    progress.stage(&format!("building demand ({})", spec.describe()));
    let d = engine.demand(dataset, &spec, progress)?;
    progress.stage(&format!("{} demand points", d.points.len()));
    let model = distance_model(detour)?;
    progress.stage("nearest sites");
    let nearest = nearest_sites(&d.points, &dataset.site_locations(), model.as_ref());
    Ok(Allocation {
        demand: d,
        nearest,
        spec,
        model: model.describe(),
    })
}

/// Computes access distances and norm coverage per zone.
///
/// # Errors
/// [`EngineError`] for a bad request or unreadable demand file.
#[expect(
    clippy::too_many_lines,
    reason = "builds one report: tables, summary, map layer, parameters"
)]
pub fn coverage(
    engine: &Engine,
    request: &CoverageRequest,
    layer: MapLayer,
    progress: &dyn Progress,
) -> Result<CoverageResult, EngineError> {
    request.validate()?;
    let mut dataset = engine.working_copy();
    let a = allocate(
        engine,
        &mut dataset,
        &request.demand,
        request.detour,
        progress,
    )?;
    let input = CoverageInput {
        communes: &dataset.communes,
        sites: &dataset.sites,
        demand: &a.demand.points,
        nearest: &a.nearest,
    };
    progress.stage("zone tables");
    let norm = dataset.facilities.is_none();
    let mut tables = Vec::new();
    let mut levels = Vec::new();
    for level in zone_levels(&request.level) {
        if level == ZoneLevel::Typology && dataset.communes.iter().all(|c| c.typology.is_none()) {
            continue;
        }
        let rows = zone_coverage(&input, level);
        tables.push(Table {
            name: level.key().to_owned(),
            title: format!("Coverage by {}", level.key()),
            columns: COVERAGE_COLUMNS.to_vec(),
            rows: rows.iter().map(|z| coverage_row(z, norm)).collect(),
        });
        levels.push((level, rows));
    }
    let total = match levels.iter().find(|(l, _)| *l == ZoneLevel::Total) {
        Some((_, rows)) => rows[0].clone(),
        None => zone_coverage(&input, ZoneLevel::Total).remove(0),
    };
    let d = &total.distance;
    let f =
        |v: Option<f64>| v.map_or_else(|| "n/a".to_owned(), |m| format!("{:.1} km", m / 1000.0));
    let mut summary = vec![(
        "inhabitants in scope".to_owned(),
        total.population.to_string(),
    )];
    if norm {
        summary.extend([
            (
                "SSM known / sites".to_owned(),
                format!("{} / {}", total.ssm, total.sites),
            ),
            (
                "SSM due by the norm".to_owned(),
                format!(
                    "{:.1} (deficit {:.1} against the known list)",
                    total.norm_ssm, total.norm_deficit
                ),
            ),
        ]);
    } else {
        summary.push((
            "facility points in scope / beyond".to_owned(),
            format!("{} / {}", total.sites, dataset.sites.len() - total.sites),
        ));
    }
    summary.extend([
        (
            "distance to nearest site: mean / median / P90 / max".to_owned(),
            format!(
                "{} / {} / {} / {}",
                f(d.mean_m),
                f(d.median_m),
                f(d.p90_m),
                f(d.max_m)
            ),
        ),
        (
            "inhabitants beyond 5 / 10 / 15 / 20 km".to_owned(),
            format!(
                "{} / {} / {} / {}",
                d.beyond[0], d.beyond[1], d.beyond[2], d.beyond[3]
            ),
        ),
    ]);
    let mut features = Vec::new();
    if layer == MapLayer::Build {
        let communes = zone_coverage(&input, ZoneLevel::Commune);
        for (c, z) in dataset.communes.iter().zip(&communes) {
            let mut properties: Vec<(&'static str, Cell)> = vec![
                ("nis", c.nis.to_string().into()),
                ("name", c.name.clone().into()),
                ("province", c.province.clone().into()),
                (
                    "typology",
                    c.typology.map_or(Cell::Empty, |g| g.key().into()),
                ),
                ("area_km2", Cell::Num(Commune::area_km2(c), 3)),
            ];
            properties.extend(
                COVERAGE_COLUMNS
                    .iter()
                    .copied()
                    .zip(coverage_row(z, norm))
                    .skip(3),
            );
            features.push(Feature {
                geometry: geojson_multipolygon(&c.geometry),
                properties,
            });
        }
    }
    let mut caveats = dataset.caveats();
    if levels.iter().any(|(l, _)| *l == ZoneLevel::Catchment) {
        caveats.extend(colocation_caveat(
            &dataset,
            &ssmplan_core::Colocation::new(&dataset.sites),
        ));
    }
    let mut parameters = base_parameters(&dataset);
    parameters.push(("demand", json!(a.spec.describe())));
    parameters.push(("demand_points", json!(a.demand.points.len())));
    parameters.push((
        "demand_fallback_communes",
        json!(a.demand.fallback_communes.len()),
    ));
    parameters.push(("distance_model", json!(a.model)));
    Ok(CoverageResult {
        total,
        levels,
        demand_points: a.demand.points.len(),
        report: Report {
            command: "coverage",
            parameters,
            inputs: dataset.inputs.clone(),
            caveats,
            summary,
            tables,
            features,
        },
    })
}
