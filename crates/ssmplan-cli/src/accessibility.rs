//! `ssmplan accessibility`: floating-catchment accessibility per commune.

use anyhow::{Context, Result, bail};
use serde_json::json;
use ssmplan_core::{AccessibilityParams, FcaDecay, floating_catchment};

use crate::args::{AccessibilityArgs, DataArgs, Format, MethodArg};
use crate::common::{self, Progress};
use crate::report::{Cell, Feature, Report, Table};

const COLUMNS: [&str; 7] = [
    "nis",
    "name",
    "province",
    "typology",
    "population",
    "capacity_per_100k",
    "demand_points",
];

/// Parses `5:1,10:0.68` into metres and weights.
pub fn parse_steps(text: &str) -> Result<Vec<(f64, f64)>> {
    text.split(',')
        .map(|pair| {
            let (b, w) = pair
                .split_once(':')
                .with_context(|| format!("--steps: `{pair}` is not `upper_km:weight`"))?;
            let b: f64 = b
                .trim()
                .parse()
                .with_context(|| format!("--steps: `{b}` is not a number of km"))?;
            let w: f64 = w
                .trim()
                .parse()
                .with_context(|| format!("--steps: `{w}` is not a weight"))?;
            Ok((b * 1000.0, w))
        })
        .collect()
}

pub fn run(data: &DataArgs, args: &AccessibilityArgs) -> Result<Report> {
    if !(args.radius_km.is_finite() && args.radius_km > 0.0) {
        bail!("--radius-km must be a positive number of kilometres");
    }
    let progress = Progress::new();
    let mut dataset = common::load(data, &progress)?;
    let (demand, spec, _) = common::demand(&mut dataset, &args.demand, &progress)?;
    let params = fca_params(args)?;
    let (capacity, uses_etp) = ssmplan_core::site_capacities(&dataset.sites);
    let points: Vec<geo::Coord<f64>> = demand.points.iter().map(|p| p.location).collect();
    let population: Vec<f64> = demand.points.iter().map(|p| p.population as f64).collect();
    progress.stage("floating catchment");
    let result = floating_catchment(
        &points,
        &population,
        &dataset.site_locations(),
        &capacity,
        &params,
    )?;
    // Commune value: population-weighted mean of its points' accessibility.
    let n = dataset.communes.len();
    let mut weighted = vec![0.0; n];
    let mut counts = vec![0usize; n];
    for (p, a) in demand.points.iter().zip(&result.accessibility) {
        weighted[p.commune] += a * p.population as f64;
        counts[p.commune] += 1;
    }
    let mut rows = Vec::new();
    let mut features = Vec::new();
    for (i, c) in dataset.communes.iter().enumerate() {
        let per_100k = if c.population > 0 {
            weighted[i] / c.population as f64 * 100_000.0
        } else {
            0.0
        };
        let row: Vec<Cell> = vec![
            c.nis.to_string().into(),
            c.name.clone().into(),
            c.province.clone().into(),
            c.typology.map_or(Cell::Empty, |g| g.key().into()),
            c.population.into(),
            Cell::Num(per_100k, 4),
            counts[i].into(),
        ];
        if data.format == Format::Geojson {
            features.push(Feature {
                geometry: common::geojson_multipolygon(&c.geometry),
                properties: COLUMNS.iter().copied().zip(row.iter().cloned()).collect(),
            });
        }
        rows.push(row);
    }
    let total_pop = dataset.population_total() as f64;
    let mean = weighted.iter().sum::<f64>() / total_pop * 100_000.0;
    let zero = dataset
        .communes
        .iter()
        .enumerate()
        .filter(|(i, _)| weighted[*i] == 0.0)
        .map(|(_, c)| c.population)
        .sum::<u64>();
    let mut parameters = common::base_parameters(&dataset);
    parameters.push(("demand", json!(spec.describe())));
    parameters.push(("method", json!(format!("{:?}", args.method))));
    parameters.push(("radius_km", json!(args.radius_km)));
    parameters.push(("decay", json!(format!("{:?}", params.decay()))));
    parameters.push((
        "capacity",
        json!(if uses_etp {
            "ETP of the SSM (1 where missing), split evenly over its sites"
        } else {
            "1 per SSM (no ETP in the sites file), split evenly over its sites"
        }),
    ));
    parameters.push(("unit", json!("capacity units per 100,000 inhabitants (population-weighted mean over the commune's demand points)")));
    Ok(Report {
        command: "accessibility",
        parameters,
        inputs: dataset.inputs.clone(),
        caveats: dataset.caveats(),
        summary: vec![
            (
                "mean accessibility (per 100,000)".into(),
                format!("{mean:.3}"),
            ),
            (
                "inhabitants of communes with no site within the radius".into(),
                zero.to_string(),
            ),
        ],
        tables: vec![Table {
            name: "communes".into(),
            title: "Accessibility per commune".into(),
            columns: COLUMNS.to_vec(),
            rows,
        }],
        features,
    })
}

/// The floating-catchment parameters of the command line.
pub fn fca_params(args: &AccessibilityArgs) -> Result<AccessibilityParams> {
    let radius_m = args.radius_km * 1000.0;
    Ok(match args.method {
        MethodArg::TwoStep => AccessibilityParams::two_step(radius_m),
        MethodArg::E2sfca => AccessibilityParams::enhanced(radius_m, parse_steps(&args.steps)?),
        MethodArg::G2sfca => AccessibilityParams::new(
            radius_m,
            FcaDecay::Gaussian {
                sigma_m: args.sigma_km.map_or(radius_m / 2.0, |s| s * 1000.0),
            },
        ),
    })
}
