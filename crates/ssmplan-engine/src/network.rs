//! `network`: drive times on an OpenStreetMap road network (`ssmplan-network`) from each
//! commune's demand points to the nearest site, set beside the calibrated drive-time model
//! (`ssmplan_core::drivetime`) in the same run.

use std::path::PathBuf;

use serde_json::json;
use ssmplan_core::drivetime::DriveTime;
use ssmplan_core::{StraightLine, nearest_sites};
use ssmplan_network::{Snapped, Snapper, TimeParams, nearest_times, read_pbf};

use crate::calibrate::{DEFAULT_PARAMS, read_params_file};
use crate::common::base_parameters;
use crate::report::{Cell, Report, Table};
use crate::request::DemandSpec;
use crate::{Engine, EngineError, Progress};

/// Columns of the commune table.
pub const NETWORK_COLUMNS: [&str; 10] = [
    "nis",
    "name",
    "population",
    "demand_points",
    "points_snapped",
    "snap_distance_m",
    "nearest_site",
    "network_min",
    "model_min",
    "model_minus_network_min",
];

/// A request of `network`.
#[derive(Clone, Debug, PartialEq)]
pub struct NetworkRequest {
    /// The OpenStreetMap extract (`.osm.pbf`).
    pub network: PathBuf,
    /// The demand model (as in coverage; default `communes`: one point per commune).
    pub demand: String,
    /// A site farther than this from every road node is an error (km).
    pub max_snap_km: f64,
    /// Times beyond it are "not reached" (minutes).
    pub cutoff_min: f64,
    /// Speed of the straight legs between a point and its snapped node (km/h).
    pub access_speed_kmh: f64,
    /// The drive-time parameters file (default: `accessibility/drivetime_2020.json` of the
    /// dataset).
    pub params: Option<PathBuf>,
}

impl Default for NetworkRequest {
    fn default() -> Self {
        Self {
            network: PathBuf::new(),
            demand: "communes".to_owned(),
            max_snap_km: 2.0,
            cutoff_min: 180.0,
            access_speed_kmh: ssmplan_network::DEFAULT_ACCESS_SPEED_KMH,
            params: None,
        }
    }
}

impl NetworkRequest {
    fn validate(&self) -> Result<(), EngineError> {
        let positive = |field, v: f64| {
            if v.is_finite() && v > 0.0 {
                Ok(())
            } else {
                Err(EngineError::parameter(
                    field,
                    format!("must be a positive number, found {v}"),
                ))
            }
        };
        positive("max_snap_km", self.max_snap_km)?;
        positive("cutoff_min", self.cutoff_min)?;
        positive("access_speed_kmh", self.access_speed_kmh)
    }
}

/// The result of `network`.
#[derive(Clone, Debug)]
pub struct NetworkResult {
    /// Per commune, `model_min - network_min` (communes with both).
    pub differences_min: Vec<f64>,
    /// Tables and provenance.
    pub report: Report,
}

/// Population-weighted mean of `(value, weight)` pairs; `None` without weight.
fn weighted_mean(pairs: impl Iterator<Item = (f64, u64)>) -> Option<f64> {
    let (mut sum, mut weight) = (0.0, 0u64);
    for (v, w) in pairs {
        sum += v * w as f64;
        weight += w;
    }
    (weight > 0).then(|| sum / weight as f64)
}

/// The nearest-rank P90 of `values` (sorted in place).
fn p90(values: &mut [f64]) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    (n > 0).then(|| values[(n * 9).div_ceil(10).max(1) - 1])
}

/// Network times to the nearest site per commune, and the calibrated model beside them.
///
/// Each demand point and each site is snapped to the nearest node of the network's largest
/// strongly connected component; a point more than `max_snap_km` away is left out (counted),
/// a site that far is an error naming it. A commune's times are the population-weighted means
/// over its snapped points of the time to the nearest site: on the network (access legs at
/// `access_speed_kmh`) and by the model (to the straight-line nearest site).
///
/// # Errors
/// A bad request, an unreadable or empty extract, an unreadable parameters file, a site that
/// cannot be snapped.
#[expect(
    clippy::too_many_lines,
    reason = "one report: snapping, times, commune table, summary"
)]
pub fn network(
    engine: &Engine,
    request: &NetworkRequest,
    progress: &dyn Progress,
) -> Result<NetworkResult, EngineError> {
    request.validate()?;
    let mut dataset = engine.working_copy();
    let params_path = request
        .params
        .clone()
        .unwrap_or_else(|| dataset.data_dir.join(DEFAULT_PARAMS));
    let (params, model_mae) = read_params_file(&params_path)?;
    let model =
        DriveTime::new(params).map_err(|e| EngineError::parameter("params", e.to_string()))?;
    let spec = DemandSpec::parse(&request.demand)?;
    progress.stage(&format!("building demand ({})", spec.describe()));
    let demand = engine.demand(&mut dataset, &spec, progress)?;

    progress.stage(&format!("reading {}", request.network.display()));
    let osm = read_pbf(&request.network)?;
    let graph = &osm.graph;
    progress.stage(&format!(
        "road graph: {} nodes, {} edges ({} nodes dropped outside the largest strongly connected component)",
        graph.node_count(),
        graph.edge_count(),
        osm.stats.nodes_dropped
    ));
    let snapper = Snapper::new(graph);
    let max_snap_m = request.max_snap_km * 1000.0;
    let mut sites = Vec::with_capacity(dataset.sites.len());
    for site in &dataset.sites {
        match snapper.snap(site.location) {
            Some(s) if s.distance_m <= max_snap_m => sites.push(s),
            found => {
                return Err(EngineError::parameter(
                    "network",
                    format!(
                        "{}: site {} ({}) is {} from the nearest road node, beyond {} km: is the site inside the extract?",
                        request.network.display(),
                        site.id,
                        site.name,
                        found.map_or_else(
                            || "not snappable".to_owned(),
                            |s| format!("{:.2} km", s.distance_m / 1000.0)
                        ),
                        request.max_snap_km
                    ),
                ));
            }
        }
    }
    let origins: Vec<Option<Snapped>> = demand
        .points
        .iter()
        .map(|p| {
            snapper
                .snap(p.location)
                .filter(|s| s.distance_m <= max_snap_m)
        })
        .collect();
    let unsnapped = origins.iter().filter(|o| o.is_none()).count();
    progress.stage(&format!(
        "times from {} sites to {} demand points",
        sites.len(),
        origins.len()
    ));
    let time_params =
        TimeParams::new(1, request.cutoff_min * 60.0).access_speed_kmh(request.access_speed_kmh);
    let times = nearest_times(graph, &sites, &origins, time_params);
    let straight = nearest_sites(&demand.points, &dataset.site_locations(), &StraightLine);

    let mut rows = Vec::with_capacity(dataset.communes.len());
    let mut differences = Vec::new();
    let mut start = 0;
    for (c, commune) in dataset.communes.iter().enumerate() {
        let end = start
            + demand.points[start..]
                .iter()
                .take_while(|p| p.commune == c)
                .count();
        let range = start..end;
        start = end;
        // Points snapped and reached, with their network time and model time.
        let reached: Vec<(usize, f64, f64)> = range
            .clone()
            .filter_map(|i| {
                let net = times[i].first()?;
                let straight_m = straight[i]?.distance_m;
                Some((i, net.secs / 60.0, model.minutes(straight_m)))
            })
            .collect();
        let weight = |i: usize| demand.points[i].population;
        let network_min = weighted_mean(reached.iter().map(|&(i, n, _)| (n, weight(i))));
        let model_min = weighted_mean(reached.iter().map(|&(i, _, m)| (m, weight(i))));
        let snap_m = weighted_mean(
            range
                .clone()
                .filter_map(|i| origins[i].map(|s| (s.distance_m, weight(i)))),
        );
        let heaviest = reached
            .iter()
            .max_by_key(|&&(i, _, _)| (weight(i), std::cmp::Reverse(i)))
            .and_then(|&(i, _, _)| times[i].first())
            .map(|t| dataset.sites[t.site as usize].id.to_string());
        let difference = model_min.zip(network_min).map(|(m, n)| m - n);
        differences.extend(difference);
        rows.push(vec![
            commune.nis.to_string().into(),
            commune.name.clone().into(),
            Cell::Int(commune.population),
            Cell::Int(range.len() as u64),
            Cell::Int(range.filter(|&i| origins[i].is_some()).count() as u64),
            Cell::opt(snap_m, 0),
            heaviest.map_or(Cell::Empty, Cell::Text),
            Cell::opt(network_min, 1),
            Cell::opt(model_min, 1),
            Cell::opt(difference, 1),
        ]);
    }
    let n = differences.len();
    let mean = (n > 0).then(|| differences.iter().sum::<f64>() / n as f64);
    let mean_abs = (n > 0).then(|| differences.iter().map(|d| d.abs()).sum::<f64>() / n as f64);
    let mut abs: Vec<f64> = differences.iter().map(|d| d.abs()).collect();
    let p90_abs = p90(&mut abs);
    let f = |v: Option<f64>| v.map_or_else(|| "n/a".to_owned(), |m| format!("{m:.1} min"));
    let summary = vec![
        (
            "road graph (largest strongly connected component)".to_owned(),
            format!(
                "{} nodes, {} edges; {} nodes dropped in smaller components",
                graph.node_count(),
                graph.edge_count(),
                osm.stats.nodes_dropped
            ),
        ),
        (
            "demand points snapped / beyond the snapping limit".to_owned(),
            format!("{} / {unsnapped}", origins.len() - unsnapped),
        ),
        (
            "communes compared".to_owned(),
            format!("{n} of {}", dataset.communes.len()),
        ),
        (
            "model minus network, per commune: mean / mean absolute / P90 absolute".to_owned(),
            format!("{} / {} / {}", f(mean), f(mean_abs), f(p90_abs)),
        ),
    ];
    let mut caveats = dataset.caveats();
    caveats.push(format!(
        "network times: free-flow at the Belgian legal limits by road class (no congestion, no junction delay), a lower bound of real driving times; access legs at {} km/h",
        request.access_speed_kmh
    ));
    caveats.push(format!(
        "model times: modelled drive time, calibrated on Eurostat routed hospital access (2020){}; not routed",
        model_mae.map_or_else(String::new, |m| format!(", mean error {m:.1} points"))
    ));
    let mut parameters = base_parameters(&dataset);
    parameters.extend([
        ("network", json!(request.network.display().to_string())),
        ("network_nodes", json!(graph.node_count())),
        ("network_edges", json!(graph.edge_count())),
        ("network_ways", json!(osm.stats.ways)),
        ("network_car_ways", json!(osm.stats.car_ways)),
        ("network_missing_nodes", json!(osm.stats.missing_nodes)),
        ("network_nodes_dropped", json!(osm.stats.nodes_dropped)),
        ("max_snap_km", json!(request.max_snap_km)),
        ("cutoff_min", json!(request.cutoff_min)),
        ("access_speed_kmh", json!(request.access_speed_kmh)),
        ("demand", json!(spec.describe())),
        ("demand_points", json!(demand.points.len())),
        ("demand_points_unsnapped", json!(unsnapped)),
        ("drivetime_params", json!(params_path.display().to_string())),
        ("model_minus_network_mean_min", json!(mean)),
        ("model_minus_network_mean_abs_min", json!(mean_abs)),
        ("model_minus_network_p90_abs_min", json!(p90_abs)),
    ]);
    Ok(NetworkResult {
        differences_min: differences,
        report: Report {
            command: "network",
            parameters,
            inputs: dataset.inputs.clone(),
            caveats,
            summary,
            tables: vec![Table {
                name: "commune".to_owned(),
                title: "Time to the nearest site: road network and calibrated model".to_owned(),
                columns: NETWORK_COLUMNS.to_vec(),
                rows,
            }],
            features: Vec::new(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_statistics() {
        assert_eq!(weighted_mean([(1.0, 1), (4.0, 3)].into_iter()), Some(3.25));
        assert_eq!(weighted_mean([(1.0, 0)].into_iter()), None);
        let mut v: Vec<f64> = (1..=10).map(f64::from).rev().collect();
        assert_eq!(p90(&mut v), Some(9.0));
        assert_eq!(p90(&mut [5.0]), Some(5.0));
        assert_eq!(p90(&mut []), None);
    }

    #[test]
    fn request_validation_names_the_field() {
        let r = NetworkRequest {
            cutoff_min: 0.0,
            ..NetworkRequest::default()
        };
        assert!(
            r.validate()
                .is_err_and(|e| e.to_string().starts_with("cutoff_min"))
        );
    }
}
