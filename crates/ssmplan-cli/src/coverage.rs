//! `ssmplan coverage`: access distances and norm coverage per zone.

use anyhow::Result;
use serde_json::json;
use ssmplan_core::{CoverageInput, ZoneCoverage, ZoneLevel, nearest_sites, zone_coverage};

use crate::args::{CoverageArgs, DataArgs, LevelArg};
use crate::common::{self, Progress, km};
use crate::report::{Cell, Feature, Report, Table};

pub const COLUMNS: [&str; 18] = [
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

pub fn row(z: &ZoneCoverage) -> Vec<Cell> {
    let d = &z.distance;
    vec![
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
    ]
}

fn levels(asked: &[LevelArg]) -> Vec<ZoneLevel> {
    let all = [
        ZoneLevel::Total,
        ZoneLevel::Province,
        ZoneLevel::Arrondissement,
        ZoneLevel::Commune,
        ZoneLevel::Typology,
        ZoneLevel::Catchment,
    ];
    let mut out: Vec<ZoneLevel> = if asked.contains(&LevelArg::All) {
        all.to_vec()
    } else {
        asked
            .iter()
            .map(|l| match l {
                LevelArg::Total | LevelArg::All => ZoneLevel::Total,
                LevelArg::Province => ZoneLevel::Province,
                LevelArg::Arrondissement => ZoneLevel::Arrondissement,
                LevelArg::Commune => ZoneLevel::Commune,
                LevelArg::Typology => ZoneLevel::Typology,
                LevelArg::Catchment => ZoneLevel::Catchment,
            })
            .collect()
    };
    out.sort_by_key(|l| all.iter().position(|a| a == l));
    out.dedup();
    out
}

#[expect(
    clippy::too_many_lines,
    reason = "builds one report: tables, summary, map layer, parameters"
)]
pub fn run(data: &DataArgs, args: &CoverageArgs) -> Result<Report> {
    let progress = Progress::new();
    let mut dataset = common::load(data, &progress)?;
    let (demand, spec, model) = common::demand(&mut dataset, &args.demand, &progress)?;
    progress.stage("nearest sites");
    let locations = dataset.site_locations();
    let nearest = nearest_sites(&demand.points, &locations, model.as_ref());
    let input = CoverageInput {
        communes: &dataset.communes,
        sites: &dataset.sites,
        demand: &demand.points,
        nearest: &nearest,
    };
    progress.stage("zone tables");
    let mut tables = Vec::new();
    for level in levels(&args.levels) {
        if level == ZoneLevel::Typology && dataset.communes.iter().all(|c| c.typology.is_none()) {
            continue;
        }
        let rows = zone_coverage(&input, level);
        tables.push(Table {
            name: level.key().to_owned(),
            title: format!("Coverage by {}", level.key()),
            columns: COLUMNS.to_vec(),
            rows: rows.iter().map(row).collect(),
        });
    }
    let total = zone_coverage(&input, ZoneLevel::Total).remove(0);
    let d = &total.distance;
    let f =
        |v: Option<f64>| v.map_or_else(|| "n/a".to_owned(), |m| format!("{:.1} km", m / 1000.0));
    let summary = vec![
        (
            "inhabitants in scope".to_owned(),
            total.population.to_string(),
        ),
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
    ];
    let mut features = Vec::new();
    if data.format == crate::args::Format::Geojson {
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
                ("area_km2", Cell::Num(ssmplan_core::Commune::area_km2(c), 3)),
            ];
            properties.extend(COLUMNS.iter().copied().zip(row(z)).skip(3));
            features.push(Feature {
                geometry: common::geojson_multipolygon(&c.geometry),
                properties,
            });
        }
    }
    let mut parameters = common::base_parameters(&dataset);
    parameters.push(("demand", json!(spec.describe())));
    parameters.push(("demand_points", json!(demand.points.len())));
    parameters.push((
        "demand_fallback_communes",
        json!(demand.fallback_communes.len()),
    ));
    parameters.push(("distance_model", json!(model.describe())));
    Ok(Report {
        command: "coverage",
        parameters,
        inputs: dataset.inputs.clone(),
        caveats: dataset.caveats(),
        summary,
        tables,
        features,
    })
}
