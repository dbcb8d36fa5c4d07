//! The map service's layers, computed once per dataset: the summary strip, the communes with
//! their figures (WGS84, simplified for the web with shared borders kept shared), the sites,
//! the arrondissements' norm table, the catchments and the population grid.

use geo::{Coord, MultiPolygon};
use serde_json::{Value, json};
use ssmplan_core::{
    CoverageInput, Neighbour, PointIndex, ZoneLevel, simplify_coverage, zone_coverage,
    zone_coverage_beyond,
};
use ssmplan_io::{Dataset, TypologySource};

use crate::common::km;
use crate::coverage::allocate;
use crate::report::MapLayer;
use crate::request::{AccessibilityRequest, CatchmentsRequest, NeedRequest};
use crate::{Engine, EngineError, Progress};

/// Tolerance of the web simplification (metres): about a pixel at the scale of a province.
pub const WEB_SIMPLIFY_M: f64 = 40.0;

/// Decimal places of web coordinates (1e-5 degree is about 1 m).
const WEB_DECIMALS: f64 = 1e5;

/// The layers every page view needs.
#[derive(Clone, Debug)]
pub struct MapLayers {
    /// Scope, totals, norm, typology source, distances, inputs and caveats.
    pub summary: Value,
    /// Communes with their figures (`FeatureCollection`, WGS84).
    pub communes: Value,
    /// Sites (`FeatureCollection` of points).
    pub sites: Value,
    /// Norm coverage per arrondissement.
    pub arrondissements: Value,
}

fn web_coord(c: Coord<f64>) -> [f64; 2] {
    crate::common::wgs84_at(c, WEB_DECIMALS)
}

/// `GeoJSON` multipolygon with web precision.
fn web_multipolygon(shape: &MultiPolygon<f64>) -> Value {
    let ring = |ls: &geo::LineString<f64>| -> Vec<[f64; 2]> {
        let mut out: Vec<[f64; 2]> = Vec::with_capacity(ls.0.len());
        for c in ls.coords() {
            let p = web_coord(*c);
            if out.last() != Some(&p) {
                out.push(p);
            }
        }
        out
    };
    let polygons: Vec<Vec<Vec<[f64; 2]>>> = shape
        .0
        .iter()
        .map(|p| {
            std::iter::once(ring(p.exterior()))
                .chain(p.interiors().iter().map(ring))
                .filter(|r| r.len() >= 4)
                .collect::<Vec<_>>()
        })
        .filter(|p| !p.is_empty())
        .collect();
    json!({ "type": "MultiPolygon", "coordinates": polygons })
}

fn round(v: Option<f64>, decimals: i32) -> Value {
    let f = 10f64.powi(decimals);
    v.map_or(Value::Null, |v| json!((v * f).round() / f))
}

fn typology_source(dataset: &Dataset) -> (&'static str, String) {
    match &dataset.typology {
        TypologySource::None => ("none", "no typology".to_owned()),
        TypologySource::Official(p) => ("official", format!("official table {}", p.display())),
        TypologySource::Reconstructed(d) => ("reconstructed", d.clone()),
    }
}

/// Computes the summary, communes, sites and arrondissements layers.
///
/// # Errors
/// [`EngineError`] when the population grid or the typology indicators cannot be read.
#[expect(
    clippy::too_many_lines,
    reason = "one pass assembling four layers from the same allocation"
)]
pub fn layers(engine: &Engine, progress: &dyn Progress) -> Result<MapLayers, EngineError> {
    let mut dataset = engine.working_copy();
    engine.ensure_typology(&mut dataset, &NeedRequest::default(), progress)?;
    let a = allocate(
        engine,
        &mut dataset,
        "popgrid",
        crate::distance::DistanceSpec::Euclidean,
        progress,
    )?;
    // The "minutes" layer: modelled drive time to the nearest site (the model is monotone in
    // the straight line, so the nearest site is the same). A dataset without a usable
    // parameters file gets no minutes, and the summary says why.
    progress.stage("modelled drive times");
    let drive = crate::distance::distance(
        crate::distance::DistanceSpec::Drive,
        engine.drive_params(),
        &mut dataset,
    );
    let input = CoverageInput {
        communes: &dataset.communes,
        sites: &dataset.sites,
        demand: &a.demand.points,
        nearest: &a.nearest,
    };
    let per_commune = zone_coverage(&input, ZoneLevel::Commune);
    let total = zone_coverage(&input, ZoneLevel::Total).remove(0);
    let (per_commune_min, total_min) = match &drive {
        Ok(d) => {
            let model = d.drive_time().map(|m| {
                move |n: &Neighbour| Neighbour {
                    index: n.index,
                    distance_m: m.minutes(n.distance_m),
                }
            });
            let minutes: Vec<Option<Neighbour>> = a
                .nearest
                .iter()
                .map(|n| n.as_ref().and_then(|n| model.map(|f| f(n))))
                .collect();
            let input = CoverageInput {
                nearest: &minutes,
                ..input
            };
            let beyond = &crate::distance::BEYOND_MIN;
            (
                Some(zone_coverage_beyond(&input, ZoneLevel::Commune, beyond)),
                Some(zone_coverage_beyond(&input, ZoneLevel::Total, beyond).remove(0)),
            )
        }
        Err(_) => (None, None),
    };
    let share = |d: &ssmplan_core::DistanceSummary, k: usize| {
        (d.population > 0).then(|| 100.0 * d.beyond[k] as f64 / d.population as f64)
    };
    let arrondissements = zone_coverage(&input, ZoneLevel::Arrondissement);
    progress.stage("accessibility layer");
    let access = crate::accessibility(
        engine,
        &AccessibilityRequest::default(),
        MapLayer::Skip,
        progress,
    )?;
    progress.stage("simplifying commune borders");
    let shapes: Vec<MultiPolygon<f64>> = dataset
        .communes
        .iter()
        .map(|c| c.geometry.clone())
        .collect();
    let simplified = simplify_coverage(&shapes, WEB_SIMPLIFY_M);
    let site_index = PointIndex::new(&dataset.site_locations());
    let (source_key, source_text) = typology_source(&dataset);
    // Residents served by each site (nearest-site allocation) and their mean distance.
    // Services at one location share its residents, as in every command.
    let colocation = ssmplan_core::Colocation::new(&dataset.sites);
    let mut served = vec![(0u64, 0.0f64); dataset.sites.len()];
    for share in ssmplan_core::shared_allocation(&colocation, &a.demand.points, &a.nearest) {
        served[share.site].0 += share.population;
        served[share.site].1 += share.distance_m * share.population as f64;
    }
    let communes: Vec<Value> = dataset
        .communes
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let z = &per_commune[i];
            let nearest = c
                .representative_point()
                .and_then(|p| site_index.nearest(p))
                .map(|n| (&dataset.sites[n.index], n.distance_m));
            json!({
                "type": "Feature",
                "id": i,
                "properties": {
                    "nis": c.nis.to_string(),
                    "name": c.name,
                    "province": c.province,
                    "arrondissement": c.arrondissement,
                    "population": c.population,
                    "area_km2": round(Some(c.area_km2()), 2),
                    "typology": c.typology.map(ssmplan_core::TypologyGroup::key),
                    "typology_label": c.typology.map(ssmplan_core::TypologyGroup::label_fr),
                    "typology_source": c.typology.map(|_| source_key),
                    "mean_distance_km": round(km(z.distance.mean_m), 2),
                    "median_distance_km": round(km(z.distance.median_m), 2),
                    "p90_distance_km": round(km(z.distance.p90_m), 2),
                    "pop_beyond_20km": z.distance.beyond[3],
                    "e2sfca_per_100k": round(access.per_100k.get(i).copied(), 4),
                    "norm_share_ssm": round(Some(c.population as f64 / ssmplan_core::NORM_INHABITANTS_PER_SSM), 3),
                    "nearest_site_id": nearest.map(|(s, _)| s.id.0.clone()),
                    "nearest_ssm_id": nearest.map(|(s, _)| s.ssm.0.clone()),
                    "nearest_ssm_name": nearest.map(|(s, _)| s.ssm_name.clone()),
                    "nearest_site_distance_km": round(nearest.map(|(_, d)| d / 1000.0), 2),
                    "mean_time_min": round(per_commune_min.as_ref().and_then(|z| z[i].distance.mean_m), 1),
                    "p90_time_min": round(per_commune_min.as_ref().and_then(|z| z[i].distance.p90_m), 1),
                    "share_beyond_20_min_pct": round(per_commune_min.as_ref().and_then(|z| share(&z[i].distance, 1)), 1),
                },
                "geometry": web_multipolygon(&simplified[i]),
            })
        })
        .collect();
    let sites: Vec<Value> = dataset
        .sites
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let commune = s.commune.and_then(|c| dataset.communes.get(c));
            let (pop, dist) = served[i];
            json!({
                "type": "Feature",
                "id": i,
                "properties": {
                    "site_id": s.id.0,
                    "ssm_id": s.ssm.0,
                    "ssm_name": s.ssm_name,
                    "site_name": s.name,
                    "kind": s.kind.key(),
                    "etp": s.etp,
                    "commune_nis": commune.map(|c| c.nis.to_string()),
                    "commune": commune.map(|c| c.name.clone()),
                    "population_served": pop,
                    "services_at_location": colocation.at_location_of(i).len(),
                    "mean_distance_km": if pop > 0 { round(Some(dist / pop as f64 / 1000.0), 2) } else { Value::Null },
                },
                "geometry": {"type": "Point", "coordinates": web_coord(s.location)},
            })
        })
        .collect();
    let arrondissements: Vec<Value> = arrondissements
        .iter()
        .map(|z| {
            json!({
                "key": z.key,
                "name": z.name,
                "population": z.population,
                "communes": z.communes,
                "ssm": z.ssm,
                "sites": z.sites,
                "inhabitants_per_ssm": round(z.inhabitants_per_ssm, 0),
                "norm_ssm": round(Some(z.norm_ssm), 2),
                "norm_deficit_ssm": round(Some(z.norm_deficit), 2),
                "mean_distance_km": round(km(z.distance.mean_m), 2),
            })
        })
        .collect();
    let d = &total.distance;
    let summary = json!({
        "scope": dataset.scope,
        "scope_description": dataset.scope.describe(),
        "provinces": dataset.provinces,
        "population_year": dataset.year,
        "communes": dataset.communes.len(),
        "population": total.population,
        "ssm": total.ssm,
        "sites": total.sites,
        "ssm_agreed": ssmplan_io::dataset::AGREED_SSM,
        "norm_inhabitants_per_ssm": ssmplan_core::NORM_INHABITANTS_PER_SSM,
        "ssm_due": round(Some(total.norm_ssm), 2),
        "norm_deficit": round(Some(total.norm_deficit), 2),
        "typology": {"source": source_key, "description": source_text},
        "demand": a.spec.describe(),
        "distance_km": {
            "mean": round(km(d.mean_m), 2),
            "median": round(km(d.median_m), 2),
            "p90": round(km(d.p90_m), 2),
            "max": round(km(d.max_m), 2),
        },
        "population_beyond_km": {"5": d.beyond[0], "10": d.beyond[1], "15": d.beyond[2], "20": d.beyond[3]},
        "drive_time": match (&drive, &total_min) {
            (Ok(dr), Some(t)) => {
                let file = dr.drive.as_ref();
                json!({
                    "wording": file.map(crate::distance::drive_wording),
                    "caveats": file.map(crate::distance::drive_caveats),
                    "loo_mae_pts_n1_20_min": file.and_then(|f| f.loo_error("N1", 20.0)),
                    "loo_mae_pts_n1_5_min": file.and_then(|f| f.loo_error("N1", 5.0)),
                    "goal_missed": file.is_some_and(|f| crate::distance::drive_caveats(f).len() > 1),
                    "params_file": file.map(|f| f.path.display().to_string()),
                    "sha256": file.map(|f| f.sha256.clone()),
                    "mean_min": round(t.distance.mean_m, 1),
                    "median_min": round(t.distance.median_m, 1),
                    "p90_min": round(t.distance.p90_m, 1),
                    "population_beyond_min": {"5": t.distance.beyond[0], "20": t.distance.beyond[1], "45": t.distance.beyond[2]},
                })
            }
            (Err(e), _) => json!({"unavailable": e.to_string()}),
            _ => Value::Null,
        },
        "inputs": dataset.inputs.iter().map(|i| json!({
            "role": i.role,
            "path": i.path.display().to_string(),
            "sha256": i.sha256,
            "verified_by_manifest": i.verified == ssmplan_io::manifest::Verified::Matches,
        })).collect::<Vec<_>>(),
        "caveats": dataset.caveats(),
    });
    Ok(MapLayers {
        summary,
        communes: json!({"type": "FeatureCollection", "name": "ssmplan_communes", "features": communes}),
        sites: json!({"type": "FeatureCollection", "name": "ssmplan_sites", "features": sites}),
        arrondissements: json!({ "arrondissements": arrondissements }),
    })
}

/// The catchment of every site as a `FeatureCollection`, simplified for the web (the
/// catchments' shared borders stay shared), with the `catchments` table's properties.
///
/// # Errors
/// As [`crate::catchments()`].
pub fn catchments_layer(engine: &Engine, progress: &dyn Progress) -> Result<Value, EngineError> {
    let r = crate::catchments(
        engine,
        &CatchmentsRequest::default(),
        MapLayer::Skip,
        progress,
    )?;
    let shapes: Vec<MultiPolygon<f64>> = r.catchments.iter().map(|c| c.polygon.clone()).collect();
    let simplified = simplify_coverage(&shapes, WEB_SIMPLIFY_M);
    let table = &r.report.tables[0];
    let features: Vec<Value> = table
        .json_rows()
        .into_iter()
        .zip(&simplified)
        .enumerate()
        .map(|(i, (properties, shape))| {
            json!({"type": "Feature", "id": i, "properties": properties, "geometry": web_multipolygon(shape)})
        })
        .collect();
    Ok(
        json!({"type": "FeatureCollection", "name": "ssmplan_catchments", "ssmplan": r.report.meta(), "features": features}),
    )
}

/// The population grid (demand points of the `popgrid` model) with the distance of each cell
/// to its nearest site.
///
/// # Errors
/// When the population grid cannot be read.
pub fn grid_layer(engine: &Engine, progress: &dyn Progress) -> Result<Value, EngineError> {
    let mut dataset = engine.working_copy();
    let a = allocate(
        engine,
        &mut dataset,
        "popgrid",
        crate::distance::DistanceSpec::Euclidean,
        progress,
    )?;
    let features: Vec<Value> = a
        .demand
        .points
        .iter()
        .zip(&a.nearest)
        .filter(|(p, _)| p.population > 0)
        .map(|(p, n)| {
            json!({
                "type": "Feature",
                "properties": {
                    "population": p.population,
                    "nis": dataset.communes[p.commune].nis.to_string(),
                    "distance_km": round(n.map(|n| n.distance_m / 1000.0), 2),
                },
                "geometry": {"type": "Point", "coordinates": web_coord(p.location)},
            })
        })
        .collect();
    Ok(
        json!({"type": "FeatureCollection", "name": "ssmplan_grid", "demand": a.spec.describe(), "features": features}),
    )
}
