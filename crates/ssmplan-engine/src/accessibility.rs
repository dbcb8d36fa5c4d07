//! `accessibility`: floating-catchment accessibility per commune.

use serde_json::json;
use ssmplan_core::{AccessibilityParams, FcaDecay, floating_catchment, floating_catchment_by};

use crate::common::{base_parameters, geojson_multipolygon};
use crate::distance::DistanceSpec;
use crate::report::{Cell, Feature, MapLayer, Report, Table};
use crate::request::{AccessibilityRequest, DemandSpec, Method, Validate};
use crate::{Engine, EngineError, Progress};

const COLUMNS: [&str; 7] = [
    "nis",
    "name",
    "province",
    "typology",
    "population",
    "capacity_per_100k",
    "demand_points",
];

/// The result of `accessibility`.
#[derive(Clone, Debug)]
pub struct AccessibilityResult {
    /// Accessibility per commune (capacity units per 100,000 inhabitants), parallel to the
    /// dataset's communes.
    pub per_100k: Vec<f64>,
    /// Tables, provenance and map layer.
    pub report: Report,
}

/// The floating-catchment parameters of a request.
///
/// # Errors
/// [`EngineError::Parameter`] on `steps`.
pub fn fca_params(request: &AccessibilityRequest) -> Result<AccessibilityParams, EngineError> {
    let radius_m = request.radius_km * 1000.0;
    Ok(match request.method {
        Method::TwoStep => AccessibilityParams::two_step(radius_m),
        Method::E2sfca => AccessibilityParams::enhanced(radius_m, request.steps_m()?),
        Method::G2sfca => AccessibilityParams::new(
            radius_m,
            FcaDecay::Gaussian {
                sigma_m: request.sigma_km.map_or(radius_m / 2.0, |s| s * 1000.0),
            },
        ),
    })
}

/// The floating-catchment parameters of a request under the drive-time model: radius
/// `radius_min`, steps read as `upper_min:weight`, Gaussian bandwidth radius / 2, all in
/// minutes.
///
/// # Errors
/// [`EngineError::Parameter`] on `radius_min` or `steps`.
pub fn fca_params_min(request: &AccessibilityRequest) -> Result<AccessibilityParams, EngineError> {
    let radius = request.radius_min.ok_or_else(|| {
        EngineError::parameter(
            "radius_min",
            "distance drive needs the catchment radius in minutes",
        )
    })?;
    Ok(match request.method {
        Method::TwoStep => AccessibilityParams::two_step(radius),
        Method::E2sfca => AccessibilityParams::enhanced(
            radius,
            request
                .steps_m()?
                .into_iter()
                .map(|(b, w)| (b / 1000.0, w))
                .collect(),
        ),
        Method::G2sfca => AccessibilityParams::new(
            radius,
            FcaDecay::Gaussian {
                sigma_m: radius / 2.0,
            },
        ),
    })
}

/// Computes floating-catchment accessibility per commune.
///
/// # Errors
/// [`EngineError`] for a bad request, unreadable demand file or invalid steps.
#[expect(
    clippy::too_many_lines,
    reason = "builds one report: distance model, table, map layer, parameters"
)]
pub fn accessibility(
    engine: &Engine,
    request: &AccessibilityRequest,
    layer: MapLayer,
    progress: &dyn Progress,
) -> Result<AccessibilityResult, EngineError> {
    request.validate()?;
    let mut dataset = engine.working_copy();
    let spec = DemandSpec::parse(&request.demand)?;
    progress.stage(&format!("building demand ({})", spec.describe()));
    let demand = engine.demand(&mut dataset, &spec, progress)?;
    let distance_spec = DistanceSpec::of_request(&request.distance, request.detour)?;
    let distance = engine.distance(&mut dataset, distance_spec)?;
    let minutes = distance.drive.is_some();
    let params = if minutes {
        fca_params_min(request)?
    } else {
        fca_params(request)?
    };
    let (capacity, uses_etp) = ssmplan_core::site_capacities(&dataset.sites);
    let points: Vec<geo::Coord<f64>> = demand.points.iter().map(|p| p.location).collect();
    let population: Vec<f64> = demand.points.iter().map(|p| p.population as f64).collect();
    progress.stage("floating catchment");
    let result = if distance_spec == DistanceSpec::Euclidean {
        floating_catchment(
            &points,
            &population,
            &dataset.site_locations(),
            &capacity,
            &params,
        )?
    } else {
        // Detour: kilometres of model distance; drive: minutes (the R-tree search prunes with
        // the model's exact inverse).
        floating_catchment_by(
            &points,
            &population,
            &dataset.site_locations(),
            &capacity,
            &params,
            distance.model.as_ref(),
        )?
    };
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
    let mut per_100k_all = Vec::with_capacity(n);
    for (i, c) in dataset.communes.iter().enumerate() {
        let per_100k = if c.population > 0 {
            weighted[i] / c.population as f64 * 100_000.0
        } else {
            0.0
        };
        per_100k_all.push(per_100k);
        let row: Vec<Cell> = vec![
            c.nis.to_string().into(),
            c.name.clone().into(),
            c.province.clone().into(),
            c.typology.map_or(Cell::Empty, |g| g.key().into()),
            c.population.into(),
            Cell::Num(per_100k, 4),
            counts[i].into(),
        ];
        if layer == MapLayer::Build {
            features.push(Feature {
                geometry: geojson_multipolygon(&c.geometry),
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
    let mut parameters = base_parameters(&dataset);
    parameters.push(("demand", json!(spec.describe())));
    parameters.push(("method", json!(crate::describe::method(request.method))));
    parameters.extend(distance.parameters());
    if let Some(drive) = distance.drive_time() {
        parameters.push(("radius_min", json!(params.radius_m())));
        parameters.push((
            "radius_straight_line_km",
            json!(crate::describe::km_text(
                drive.straight_m_within(params.radius_m())
            )),
        ));
        parameters.push((
            "decay",
            json!(crate::describe::decay_in(
                params.decay(),
                crate::describe::DecayScale::Minutes
            )),
        ));
    } else {
        parameters.push(("radius_km", json!(request.radius_km)));
        parameters.push(("decay", json!(crate::describe::decay(params.decay()))));
    }
    parameters.push(("capacity", json!(capacity_source(&dataset, uses_etp))));
    parameters.push(("unit", json!("capacity units per 100,000 inhabitants (population-weighted mean over the commune's demand points)")));
    Ok(AccessibilityResult {
        per_100k: per_100k_all,
        report: Report {
            command: "accessibility",
            parameters,
            inputs: dataset.inputs.clone(),
            caveats: dataset
                .caveats()
                .into_iter()
                .chain(distance.caveats())
                .collect(),
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
        },
    })
}

/// What the capacity of each site is, in words.
fn capacity_source(dataset: &ssmplan_io::Dataset, uses_etp: bool) -> String {
    match &dataset.facilities {
        Some(f) => f.capacity_column.as_ref().map_or_else(
            || "1 per facility (no capacity column)".to_owned(),
            |c| format!("column `{c}` of the facility layer"),
        ),
        None if uses_etp => {
            "ETP of the SSM (1 where missing), split evenly over its sites".to_owned()
        }
        None => "1 per SSM (no ETP in the sites file), split evenly over its sites".to_owned(),
    }
}
