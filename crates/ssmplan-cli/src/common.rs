//! What every command shares: loading the dataset, building the demand, progress messages.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use geo::{Coord, MultiPolygon};
use serde_json::{Value, json};
use ssmplan_core::{Demand, DetourFactor, DistanceModel, StraightLine};
use ssmplan_io::crs::{Crs, lambert2008_to_wgs84};
use ssmplan_io::{BoundaryFormat, Dataset, LoadParams, Scope};

use crate::args::{BoundariesArg, DataArgs, DemandArgs, ScopeArg};

/// Stage messages on standard error, only when it is a terminal (never in pipes or CI logs).
pub struct Progress {
    enabled: bool,
    start: Instant,
}

impl Progress {
    pub fn new() -> Self {
        Self {
            enabled: std::io::stderr().is_terminal(),
            start: Instant::now(),
        }
    }

    pub fn stage(&self, what: &str) {
        if self.enabled {
            eprintln!("[{:>6.2} s] {what}", self.start.elapsed().as_secs_f64());
        }
    }
}

/// Loads the dataset described by the global options.
pub fn load(args: &DataArgs, progress: &Progress) -> Result<Dataset> {
    progress.stage(&format!("loading {}", args.data.display()));
    let crs = args
        .crs
        .as_deref()
        .map(|c| c.parse::<Crs>().map_err(|e| anyhow::anyhow!("--crs: {e}")))
        .transpose()?;
    let mut params = LoadParams::new(&args.data)
        .scope(match args.scope {
            ScopeArg::Aviq => Scope::Aviq,
            ScopeArg::Wallonia => Scope::Wallonia,
        })
        .year(args.year)
        .boundaries(match args.boundaries {
            BoundariesArg::Geojson => BoundaryFormat::GeoJson,
            BoundariesArg::Shapefile => BoundaryFormat::Shapefile,
        });
    params.provinces.clone_from(&args.provinces);
    params.boundary_file.clone_from(&args.boundary_file);
    params.crs = crs;
    params.sites.clone_from(&args.sites);
    params.typology.clone_from(&args.typology);
    let dataset = Dataset::load(&params)?;
    progress.stage(&format!(
        "loaded {} communes, {} sites, {} inhabitants",
        dataset.communes.len(),
        dataset.sites.len(),
        dataset.population_total()
    ));
    Ok(dataset)
}

/// A parsed `--demand` option.
#[derive(Clone, Debug, PartialEq)]
pub enum DemandSpec {
    Communes,
    PopGrid,
    Grid(f64),
    Points(PathBuf),
}

impl DemandSpec {
    pub fn parse(text: &str) -> Result<Self> {
        Ok(match text {
            "communes" | "commune" => Self::Communes,
            "popgrid" => Self::PopGrid,
            other => {
                if let Some(m) = other.strip_prefix("grid:") {
                    let cell: f64 = m.parse().with_context(|| {
                        format!("--demand {other}: `{m}` is not a number of metres")
                    })?;
                    if !(cell.is_finite() && cell >= 10.0) {
                        bail!("--demand {other}: the cell size must be at least 10 metres");
                    }
                    Self::Grid(cell)
                } else if let Some(p) = other.strip_prefix("points:") {
                    Self::Points(PathBuf::from(p))
                } else {
                    bail!(
                        "--demand `{other}`: expected communes, popgrid, grid:<metres> or points:<file.csv>"
                    );
                }
            }
        })
    }

    pub fn describe(&self) -> String {
        match self {
            Self::Communes => {
                "communes: one point per commune (centroid, or point on surface)".into()
            }
            Self::PopGrid => {
                "popgrid: GHS-POP 2020 1 km cells, rescaled to each commune's Statbel total".into()
            }
            Self::Grid(m) => format!(
                "grid:{m}: regular {m} m grid clipped to communes (cell centre), population spread by area"
            ),
            Self::Points(p) => format!(
                "points:{}: weighted points rescaled to each commune's total",
                p.display()
            ),
        }
    }
}

/// Builds the demand and the distance model.
pub fn demand(
    dataset: &mut Dataset,
    args: &DemandArgs,
    progress: &Progress,
) -> Result<(Demand, DemandSpec, Box<dyn DistanceModel>)> {
    let spec = DemandSpec::parse(&args.demand)?;
    progress.stage(&format!("building demand ({})", spec.describe()));
    let demand = match &spec {
        DemandSpec::Communes => ssmplan_core::commune_points(&dataset.communes)?,
        DemandSpec::PopGrid => dataset.weighted_demand(None)?,
        DemandSpec::Grid(cell) => ssmplan_core::regular_grid(&dataset.communes, *cell)?,
        DemandSpec::Points(p) => dataset.weighted_demand(Some(p))?,
    };
    progress.stage(&format!("{} demand points", demand.points.len()));
    let model: Box<dyn DistanceModel> = if (args.detour - 1.0).abs() < f64::EPSILON {
        Box::new(StraightLine)
    } else {
        Box::new(DetourFactor::new(args.detour).map_err(|e| anyhow::anyhow!("--detour: {e}"))?)
    };
    Ok((demand, spec, model))
}

/// Parameters recorded in every output.
pub fn base_parameters(dataset: &Dataset) -> Vec<(&'static str, Value)> {
    vec![
        ("data", json!(dataset.data_dir.display().to_string())),
        ("scope", json!(dataset.scope)),
        ("provinces", json!(dataset.provinces)),
        ("population_year", json!(dataset.year)),
        ("communes_in_scope", json!(dataset.communes.len())),
        ("population_in_scope", json!(dataset.population_total())),
        ("ssm_in_scope", json!(dataset.ssm_count())),
        ("sites_in_scope", json!(dataset.sites.len())),
        ("norm", json!("1 SSM per 50,000 inhabitants")),
    ]
}

/// WGS84 `GeoJSON` geometry of a Lambert 2008 multipolygon, coordinates rounded to 1e-6 degree.
pub fn geojson_multipolygon(shape: &MultiPolygon<f64>) -> Value {
    let ring =
        |ls: &geo::LineString<f64>| -> Vec<[f64; 2]> { ls.coords().map(|c| wgs84(*c)).collect() };
    let polygons: Vec<Vec<Vec<[f64; 2]>>> = shape
        .0
        .iter()
        .map(|p| {
            std::iter::once(ring(p.exterior()))
                .chain(p.interiors().iter().map(ring))
                .collect()
        })
        .collect();
    json!({ "type": "MultiPolygon", "coordinates": polygons })
}

fn wgs84(c: Coord<f64>) -> [f64; 2] {
    let (lon, lat) = lambert2008_to_wgs84(c.x, c.y);
    [(lon * 1e6).round() / 1e6, (lat * 1e6).round() / 1e6]
}

/// Metres to kilometres.
pub fn km(m: Option<f64>) -> Option<f64> {
    m.map(|v| v / 1000.0)
}

/// Need weights from `--weights`.
pub fn need_weights(args: &crate::args::NeedArgs) -> Result<ssmplan_planner::NeedWeights> {
    ssmplan_planner::NeedWeights::parse(&args.weights)
        .map_err(|e| anyhow::anyhow!("--weights: {e}"))
}

/// Makes sure a typology is loaded: the official table when present, else a reconstructed one
/// (unless `--no-typology`). Returns a sentence describing the typology used.
pub fn ensure_typology(
    dataset: &mut Dataset,
    args: &crate::args::NeedArgs,
    progress: &Progress,
) -> Result<String> {
    match &dataset.typology {
        ssmplan_io::TypologySource::Official(p) => {
            return Ok(format!("official table {}", p.display()));
        }
        ssmplan_io::TypologySource::Reconstructed(d) => return Ok(format!("reconstructed: {d}")),
        ssmplan_io::TypologySource::None => {}
    }
    if args.no_typology {
        return Ok("none (--no-typology): every inhabitant weighs 1".to_owned());
    }
    progress.stage("reconstructing a typology");
    crate::typology::reconstruct_into(dataset)
}
