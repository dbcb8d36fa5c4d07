//! `catchments`: the catchment of every site (nearest-site allocation) and its polygon.

use serde_json::json;
use ssmplan_core::{Catchment, Colocation, site_catchments_beyond, territory};

use crate::common::{base_parameters, colocation_caveat, geojson_multipolygon, km, site_commune};
use crate::coverage::allocate;
use crate::distance::DistanceSpec;
use crate::report::{Cell, Feature, MapLayer, Report, Table};
use crate::request::{CatchmentsRequest, Validate};
use crate::{Engine, EngineError, Progress};

/// Columns of the catchments table.
pub const CATCHMENT_COLUMNS: [&str; 19] = [
    "site_id",
    "ssm_id",
    "ssm_name",
    "site_name",
    "kind",
    "commune_nis",
    "commune",
    "population",
    "norm_share_ssm",
    "demand_points",
    "communes_served",
    "area_km2",
    "mean_distance_km",
    "p90_distance_km",
    "max_distance_km",
    "pop_beyond_10km",
    "pop_beyond_20km",
    "services_at_location",
    "location_share",
];

/// Columns of the catchments table under the drive-time model (modelled minutes in place of
/// kilometres; residents beyond 20 and 45 minutes).
pub const CATCHMENT_TIME_COLUMNS: [&str; 19] = [
    "site_id",
    "ssm_id",
    "ssm_name",
    "site_name",
    "kind",
    "commune_nis",
    "commune",
    "population",
    "norm_share_ssm",
    "demand_points",
    "communes_served",
    "area_km2",
    "mean_time_min",
    "p90_time_min",
    "max_time_min",
    "pop_beyond_20_min",
    "pop_beyond_45_min",
    "services_at_location",
    "location_share",
];

/// The result of `catchments`.
#[derive(Clone, Debug)]
pub struct CatchmentsResult {
    /// One catchment per site, parallel to the dataset's sites.
    pub catchments: Vec<Catchment>,
    /// Tables, provenance and map layer.
    pub report: Report,
}

/// Computes the catchment of every site.
///
/// # Errors
/// [`EngineError`] for a bad request or unreadable demand file.
pub fn catchments(
    engine: &Engine,
    request: &CatchmentsRequest,
    layer: MapLayer,
    progress: &dyn Progress,
) -> Result<CatchmentsResult, EngineError> {
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
    let columns = if minutes {
        CATCHMENT_TIME_COLUMNS
    } else {
        CATCHMENT_COLUMNS
    };
    // Minutes as they are; metres to kilometres.
    let unit = |v: Option<f64>| if minutes { v } else { km(v) };
    progress.stage("catchment polygons");
    let scope_shape = territory(&dataset.communes);
    let colocation = Colocation::new(&dataset.sites);
    let catchments = site_catchments_beyond(
        &dataset.site_locations(),
        &colocation,
        &a.demand.points,
        &a.nearest,
        &scope_shape,
        a.beyond(),
    );
    let mut rows = Vec::new();
    let mut features = Vec::new();
    for (site, c) in dataset.sites.iter().zip(&catchments) {
        let (commune_nis, commune_name) = site_commune(&dataset, site);
        let d = &c.distance;
        let row: Vec<Cell> = vec![
            site.id.0.clone().into(),
            site.ssm.0.clone().into(),
            site.ssm_name.clone().into(),
            site.name.clone().into(),
            site.kind.key().into(),
            commune_nis,
            commune_name,
            c.population.into(),
            if dataset.facilities.is_some() {
                Cell::Empty
            } else {
                Cell::Num(
                    c.population as f64 / ssmplan_core::NORM_INHABITANTS_PER_SSM,
                    2,
                )
            },
            c.demand_points.into(),
            c.communes.into(),
            Cell::Num(c.area_km2, 2),
            Cell::opt(unit(d.mean_m), 2),
            Cell::opt(unit(d.p90_m), 2),
            Cell::opt(unit(d.max_m), 2),
            // 10 and 20 km; 20 and 45 minutes.
            d.beyond[1].into(),
            d.beyond[if minutes { 2 } else { 3 }].into(),
            c.services_at_location.into(),
            Cell::Num(c.location_share, 4),
        ];
        if layer == MapLayer::Build {
            features.push(Feature {
                geometry: geojson_multipolygon(&c.polygon),
                properties: columns.iter().copied().zip(row.iter().cloned()).collect(),
            });
        }
        rows.push(row);
    }
    let empty = catchments.iter().filter(|c| c.population == 0).count();
    let mut caveats = dataset.caveats();
    caveats.extend(colocation_caveat(&dataset, &colocation));
    caveats.extend(a.distance.caveats());
    let mut parameters = base_parameters(&dataset);
    parameters.push(("demand", json!(a.spec.describe())));
    parameters.extend(a.distance.parameters());
    parameters.push(("allocation", json!("nearest site; services at one location share its residents (by ETP when every service there has one, else equally); polygon = Voronoi cell of the location clipped to the territory in scope")));
    Ok(CatchmentsResult {
        report: Report {
            command: "catchments",
            parameters,
            inputs: dataset.inputs.clone(),
            caveats,
            summary: vec![
                ("sites".into(), dataset.sites.len().to_string()),
                ("catchments without residents".into(), empty.to_string()),
            ],
            tables: vec![Table {
                name: "catchments".into(),
                title: "Catchment of each site".into(),
                columns: columns.to_vec(),
                rows,
            }],
            features,
        },
        catchments,
    })
}
