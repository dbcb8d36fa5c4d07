//! `coverage`: access distances and norm coverage per zone.

use serde_json::json;
use ssmplan_core::{
    Commune, CoverageInput, Neighbour, ZoneCoverage, ZoneLevel, nearest_sites, zone_coverage_beyond,
};

use crate::common::{base_parameters, colocation_caveat, geojson_multipolygon, km};
use crate::distance::{BEYOND_MIN, Distance, DistanceSpec};
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

/// Columns of every coverage table under the drive-time model: the distance columns give way
/// to modelled drive times in minutes and the residents and shares beyond Eurostat's 5, 20 and
/// 45 minutes (no kilometre column: the straight-line figures come with `distance: euclidean`).
pub const COVERAGE_TIME_COLUMNS: [&str; 20] = [
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
    "mean_time_min",
    "median_time_min",
    "p90_time_min",
    "max_time_min",
    "pop_beyond_5_min",
    "pop_beyond_20_min",
    "pop_beyond_45_min",
    "share_beyond_5_min_pct",
    "share_beyond_20_min_pct",
    "share_beyond_45_min_pct",
];

/// The columns of a coverage table: [`COVERAGE_TIME_COLUMNS`] for a time model, else
/// [`COVERAGE_COLUMNS`].
#[must_use]
pub fn coverage_columns(minutes: bool) -> Vec<&'static str> {
    if minutes {
        COVERAGE_TIME_COLUMNS.to_vec()
    } else {
        COVERAGE_COLUMNS.to_vec()
    }
}

/// One row of a coverage table under the drive-time model (`z` computed with costs in minutes
/// and the thresholds [`BEYOND_MIN`]); the shares are of the zone's residents with a nearest
/// site (2 decimals).
#[must_use]
pub fn coverage_time_row(z: &ZoneCoverage, norm: bool) -> Vec<Cell> {
    let d = &z.distance;
    let mut row = zone_head(z, norm);
    row.extend([
        Cell::opt(d.mean_m, 2),
        Cell::opt(d.median_m, 2),
        Cell::opt(d.p90_m, 2),
        Cell::opt(d.max_m, 2),
    ]);
    row.extend(d.beyond.iter().map(|b| Cell::from(*b)));
    row.extend(d.beyond.iter().map(|b| {
        if d.population > 0 {
            Cell::Num(100.0 * *b as f64 / d.population as f64, 2)
        } else {
            Cell::Empty
        }
    }));
    row
}

/// One row of a coverage table; without `norm` (a facility layer), the columns of the SSM
/// norm are empty.
#[must_use]
pub fn coverage_row(z: &ZoneCoverage, norm: bool) -> Vec<Cell> {
    let d = &z.distance;
    let mut row = zone_head(z, norm);
    row.extend([
        Cell::opt(km(d.mean_m), 2),
        Cell::opt(km(d.median_m), 2),
        Cell::opt(km(d.p90_m), 2),
        Cell::opt(km(d.max_m), 2),
    ]);
    row.extend(d.beyond.iter().map(|b| Cell::from(*b)));
    row
}

/// The first 10 columns of a coverage row: the zone, its population, sites and norm.
fn zone_head(z: &ZoneCoverage, norm: bool) -> Vec<Cell> {
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
    /// Nearest site of each point; its `distance_m` is the model's cost (minutes for the
    /// drive-time model).
    pub nearest: Vec<Option<Neighbour>>,
    pub spec: DemandSpec,
    pub distance: Distance,
}

impl Allocation {
    /// The thresholds of the "beyond" counts, in the unit of the costs.
    pub fn beyond(&self) -> &'static [f64] {
        if self.distance.drive.is_some() {
            &BEYOND_MIN
        } else {
            &ssmplan_core::BEYOND_THRESHOLDS_M
        }
    }
}

/// Builds the demand and allocates it to the nearest site under the distance model.
pub(crate) fn allocate(
    engine: &Engine,
    dataset: &mut ssmplan_io::Dataset,
    demand: &str,
    distance: DistanceSpec,
    progress: &dyn Progress,
) -> Result<Allocation, EngineError> {
    let spec = DemandSpec::parse(demand)?;
    progress.stage(&format!("building demand ({})", spec.describe()));
    let d = engine.demand(dataset, &spec, progress)?;
    progress.stage(&format!("{} demand points", d.points.len()));
    let distance = engine.distance(dataset, distance)?;
    progress.stage("nearest sites");
    let nearest = nearest_sites(
        &d.points,
        &dataset.site_locations(),
        distance.model.as_ref(),
    );
    Ok(Allocation {
        demand: d,
        nearest,
        spec,
        distance,
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
        DistanceSpec::of_request(&request.distance, request.detour)?,
        progress,
    )?;
    let minutes = a.distance.drive.is_some();
    let beyond = a.beyond();
    let columns = coverage_columns(minutes);
    let row_of = |z: &ZoneCoverage, norm: bool| {
        if minutes {
            coverage_time_row(z, norm)
        } else {
            coverage_row(z, norm)
        }
    };
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
        let rows = zone_coverage_beyond(&input, level, beyond);
        tables.push(Table {
            name: level.key().to_owned(),
            title: format!("Coverage by {}", level.key()),
            columns: columns.clone(),
            rows: rows.iter().map(|z| row_of(z, norm)).collect(),
        });
        levels.push((level, rows));
    }
    let total = match levels.iter().find(|(l, _)| *l == ZoneLevel::Total) {
        Some((_, rows)) => rows[0].clone(),
        None => zone_coverage_beyond(&input, ZoneLevel::Total, beyond).remove(0),
    };
    let d = &total.distance;
    let f = |v: Option<f64>| {
        v.map_or_else(
            || "n/a".to_owned(),
            |m| {
                if minutes {
                    format!("{m:.1} min")
                } else {
                    format!("{:.1} km", m / 1000.0)
                }
            },
        )
    };
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
    summary.push((
        if minutes {
            "modelled drive time to nearest site: mean / median / P90 / max"
        } else {
            "distance to nearest site: mean / median / P90 / max"
        }
        .to_owned(),
        format!(
            "{} / {} / {} / {}",
            f(d.mean_m),
            f(d.median_m),
            f(d.p90_m),
            f(d.max_m)
        ),
    ));
    if minutes {
        let share = |b: u64| {
            if d.population > 0 {
                format!("{b} ({:.1} %)", 100.0 * b as f64 / d.population as f64)
            } else {
                b.to_string()
            }
        };
        summary.push((
            "inhabitants beyond 5 / 20 / 45 min (modelled)".to_owned(),
            d.beyond
                .iter()
                .map(|b| share(*b))
                .collect::<Vec<_>>()
                .join(" / "),
        ));
    } else {
        summary.push((
            "inhabitants beyond 5 / 10 / 15 / 20 km".to_owned(),
            d.beyond
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(" / "),
        ));
    }
    let mut features = Vec::new();
    if layer == MapLayer::Build {
        let communes = zone_coverage_beyond(&input, ZoneLevel::Commune, beyond);
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
            properties.extend(columns.iter().copied().zip(row_of(z, norm)).skip(3));
            features.push(Feature {
                geometry: geojson_multipolygon(&c.geometry),
                properties,
            });
        }
    }
    let mut caveats = dataset.caveats();
    caveats.extend(a.distance.caveats());
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
    parameters.extend(a.distance.parameters());
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
