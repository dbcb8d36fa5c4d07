//! One typed request per operation, with the CLI's defaults. The CLI builds them from its
//! options; the map service deserialises them from a query string or a JSON body (field names
//! are the CLI's long options with `_` for `-`). [`Validate::validate`] checks every field in
//! one place; each operation calls it first.

use std::path::PathBuf;

use serde::{Deserialize, Deserializer, Serialize};

use crate::EngineError;
use crate::distance::DistanceSpec;

/// Largest radius accepted (km): Wallonia is about 250 km across.
pub const MAX_RADIUS_KM: f64 = 500.0;
/// Largest radius in minutes accepted (drive time).
pub const MAX_RADIUS_MIN: f64 = 600.0;
/// Largest number of new sites asked of a location model.
pub const MAX_NEW_SITES: usize = 1_000;

/// A request that can check its own fields.
pub trait Validate {
    /// Checks every field.
    ///
    /// # Errors
    /// [`EngineError::Parameter`] naming the first bad field.
    fn validate(&self) -> Result<(), EngineError>;
}

/// Which territory is planned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScopeName {
    /// Wallonia without the 9 German-speaking communes (AVIQ's competence).
    #[default]
    Aviq,
    /// All 261 Walloon communes.
    Wallonia,
}

/// Which boundary layer of the dataset is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BoundaryLayerName {
    /// The WGS84 `GeoJSON`.
    #[default]
    Geojson,
    /// The Lambert 2008 Shapefile.
    Shapefile,
}

/// Where the data comes from and what is in scope (the CLI's global options). Read once, when
/// an [`crate::Engine`] is loaded; the map service never takes paths from a client.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DataRequest {
    /// Dataset directory (standard layout).
    pub data: PathBuf,
    /// Scope.
    pub scope: ScopeName,
    /// Province filter (empty: all).
    pub provinces: Vec<String>,
    /// Boundary layer of the dataset.
    pub boundaries: BoundaryLayerName,
    /// Another boundary file.
    pub boundary_file: Option<PathBuf>,
    /// The layer of a `GeoPackage` boundary file with several feature layers.
    pub boundary_layer: Option<String>,
    /// CRS of the boundary file when it cannot be detected (`EPSG:3812`...).
    pub crs: Option<String>,
    /// Population reference year.
    pub year: u16,
    /// Another sites file.
    pub sites: Option<PathBuf>,
    /// The layer of a `GeoPackage` sites file with several feature layers.
    pub sites_layer: Option<String>,
    /// An official typology table.
    pub typology: Option<PathBuf>,
    /// Another facility layer in place of the SSM sites (coverage, catchments and
    /// accessibility only).
    pub facilities: Option<PathBuf>,
    /// Another drive-time parameters file for `distance: drive` (default: the dataset's
    /// `accessibility/drivetime_2020.json`).
    pub drive_params: Option<PathBuf>,
}

impl Default for DataRequest {
    fn default() -> Self {
        Self {
            data: PathBuf::from("geodata"),
            scope: ScopeName::Aviq,
            provinces: Vec::new(),
            boundaries: BoundaryLayerName::Geojson,
            boundary_file: None,
            boundary_layer: None,
            crs: None,
            year: 2025,
            sites: None,
            sites_layer: None,
            typology: None,
            facilities: None,
            drive_params: None,
        }
    }
}

/// A parsed demand model (`--demand`).
#[derive(Clone, Debug, PartialEq)]
pub enum DemandSpec {
    /// One point per commune.
    Communes,
    /// The dataset's population grid, rescaled to the commune totals.
    PopGrid,
    /// A regular grid of this cell size (metres).
    Grid(f64),
    /// Weighted points from a file.
    Points(PathBuf),
}

/// Smallest demand grid cell (metres).
pub const MIN_DEMAND_CELL_M: f64 = 10.0;

impl DemandSpec {
    /// Parses `communes`, `popgrid`, `grid:<metres>` or `points:<file.csv>`.
    ///
    /// # Errors
    /// [`EngineError::Parameter`] on `demand`.
    pub fn parse(text: &str) -> Result<Self, EngineError> {
        Ok(match text {
            "communes" | "commune" => Self::Communes,
            "popgrid" => Self::PopGrid,
            other => {
                if let Some(m) = other.strip_prefix("grid:") {
                    let cell: f64 = m.parse().map_err(|_| {
                        EngineError::parameter(
                            "demand",
                            format!("{other}: `{m}` is not a number of metres"),
                        )
                    })?;
                    if !(cell.is_finite() && cell >= MIN_DEMAND_CELL_M) {
                        return Err(EngineError::parameter(
                            "demand",
                            format!("{other}: the cell size must be at least 10 metres"),
                        ));
                    }
                    Self::Grid(cell)
                } else if let Some(p) = other.strip_prefix("points:") {
                    Self::Points(PathBuf::from(p))
                } else {
                    return Err(EngineError::parameter(
                        "demand",
                        format!(
                            "`{other}`: expected communes, popgrid, grid:<metres> or points:<file.csv>"
                        ),
                    ));
                }
            }
        })
    }

    /// One line describing the model, recorded in outputs.
    #[must_use]
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

fn check_detour(detour: f64) -> Result<(), EngineError> {
    if detour.is_finite() && (1.0..=10.0).contains(&detour) {
        Ok(())
    } else {
        Err(EngineError::parameter(
            "detour",
            format!("{detour} is not a detour factor between 1 and 10"),
        ))
    }
}

/// The distance model of a request; `radius_min` only with `drive`.
fn check_distance(
    distance: &str,
    detour: f64,
    radius_min: Option<f64>,
) -> Result<DistanceSpec, EngineError> {
    let spec = DistanceSpec::of_request(distance, detour)?;
    if let Some(m) = radius_min {
        if spec != DistanceSpec::Drive {
            return Err(EngineError::parameter(
                "radius_min",
                "a radius in minutes needs the drive-time model: add distance drive",
            ));
        }
        if !(m.is_finite() && m > 0.0 && m <= MAX_RADIUS_MIN) {
            return Err(EngineError::parameter(
                "radius_min",
                format!(
                    "{m}: the radius must be a positive number of minutes, at most {MAX_RADIUS_MIN}"
                ),
            ));
        }
    }
    Ok(spec)
}

fn check_radius(field: &'static str, km: f64) -> Result<(), EngineError> {
    if km.is_finite() && km > 0.0 && km <= MAX_RADIUS_KM {
        Ok(())
    } else {
        Err(EngineError::parameter(
            field,
            format!(
                "{km} km: the radius must be a positive number of kilometres, at most {MAX_RADIUS_KM}"
            ),
        ))
    }
}

fn check_positive(field: &'static str, value: f64, what: &str) -> Result<(), EngineError> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(EngineError::parameter(
            field,
            format!("must be a positive number of {what}"),
        ))
    }
}

/// The need weights of a `weights` field.
pub(crate) fn need_weights(text: &str) -> Result<ssmplan_planner::NeedWeights, EngineError> {
    ssmplan_planner::NeedWeights::parse(text).map_err(|e| EngineError::parameter("weights", e))
}

/// A list given as repeated values or as one comma-separated string (query strings).
fn comma_list<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<serde_json::Value>),
    }
    let values: Vec<serde_json::Value> = match OneOrMany::deserialize(deserializer)? {
        OneOrMany::One(s) => s
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| serde_json::Value::String(s.to_owned()))
            .collect(),
        OneOrMany::Many(v) => v,
    };
    values
        .into_iter()
        .map(|v| serde_json::from_value(v).map_err(serde::de::Error::custom))
        .collect()
}

/// A zoning of the coverage report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Level {
    /// The whole territory in scope.
    Total,
    /// Provinces.
    Province,
    /// Administrative arrondissements.
    Arrondissement,
    /// NUTS 3 regions (Eurostat's districts: Verviers split by language).
    Nuts3,
    /// Communes.
    Commune,
    /// Typology groups.
    Typology,
    /// Site catchments.
    Catchment,
    /// Every level.
    All,
}

/// `coverage`: access distances and norm coverage per zone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct CoverageRequest {
    /// Demand model.
    pub demand: String,
    /// Distance model: `euclidean`, `detour:<factor>` or `drive` (modelled drive time in
    /// minutes: the tables report minutes and the shares beyond 5, 20 and 45 minutes).
    pub distance: String,
    /// Deprecated: `distance: detour:<factor>` (1 = straight line).
    pub detour: f64,
    /// Zonings to report.
    #[serde(deserialize_with = "comma_list")]
    pub level: Vec<Level>,
}

impl Default for CoverageRequest {
    fn default() -> Self {
        Self {
            demand: "popgrid".into(),
            distance: "euclidean".into(),
            detour: 1.0,
            level: vec![
                Level::Total,
                Level::Province,
                Level::Arrondissement,
                Level::Typology,
                Level::Catchment,
            ],
        }
    }
}

impl Validate for CoverageRequest {
    fn validate(&self) -> Result<(), EngineError> {
        DemandSpec::parse(&self.demand)?;
        check_distance(&self.distance, self.detour, None)?;
        if self.level.is_empty() {
            return Err(EngineError::parameter("level", "give at least one level"));
        }
        Ok(())
    }
}

/// `catchments`: the catchment of every site.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct CatchmentsRequest {
    /// Demand model.
    pub demand: String,
    /// Distance model: `euclidean`, `detour:<factor>` or `drive` (minutes).
    pub distance: String,
    /// Deprecated: `distance: detour:<factor>`.
    pub detour: f64,
}

impl Default for CatchmentsRequest {
    fn default() -> Self {
        Self {
            demand: "popgrid".into(),
            distance: "euclidean".into(),
            detour: 1.0,
        }
    }
}

impl Validate for CatchmentsRequest {
    fn validate(&self) -> Result<(), EngineError> {
        DemandSpec::parse(&self.demand)?;
        check_distance(&self.distance, self.detour, None).map(|_| ())
    }
}

/// Floating-catchment method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Method {
    /// 2SFCA: a step at the radius.
    #[serde(rename = "2sfca")]
    TwoStep,
    /// E2SFCA: step weights by distance band.
    #[default]
    #[serde(rename = "e2sfca")]
    E2sfca,
    /// G2SFCA: Gaussian decay.
    #[serde(rename = "g2sfca")]
    G2sfca,
}

/// `accessibility`: floating-catchment accessibility per commune.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct AccessibilityRequest {
    /// Demand model.
    pub demand: String,
    /// Distance model: `euclidean`, `detour:<factor>` (radius, steps and bandwidth in
    /// kilometres of model distance) or `drive` (in minutes: give `radius_min`).
    pub distance: String,
    /// Deprecated: `distance: detour:<factor>`.
    pub detour: f64,
    /// Method.
    pub method: Method,
    /// Catchment radius d0 (km).
    pub radius_km: f64,
    /// Catchment radius d0 in minutes of modelled drive time (with `distance: drive`, in place
    /// of `radius_km`).
    pub radius_min: Option<f64>,
    /// E2SFCA steps, `upper_km:weight,...` (`upper_min:weight` with `distance: drive`).
    pub steps: String,
    /// G2SFCA bandwidth (km; default radius / 2; with `distance: drive`, radius / 2 minutes).
    pub sigma_km: Option<f64>,
}

impl Default for AccessibilityRequest {
    fn default() -> Self {
        Self {
            demand: "popgrid".into(),
            distance: "euclidean".into(),
            detour: 1.0,
            method: Method::E2sfca,
            radius_km: 20.0,
            radius_min: None,
            steps: "5:1,10:0.68,15:0.22,20:0.03".into(),
            sigma_km: None,
        }
    }
}

impl AccessibilityRequest {
    /// The steps in metres and weights.
    ///
    /// # Errors
    /// [`EngineError::Parameter`] on `steps`.
    pub fn steps_m(&self) -> Result<Vec<(f64, f64)>, EngineError> {
        self.steps
            .split(',')
            .map(|pair| {
                let bad = |m: String| EngineError::parameter("steps", m);
                let (b, w) = pair
                    .split_once(':')
                    .ok_or_else(|| bad(format!("`{pair}` is not `upper_km:weight`")))?;
                let b: f64 = b
                    .trim()
                    .parse()
                    .map_err(|_| bad(format!("`{b}` is not a number of km")))?;
                let w: f64 = w
                    .trim()
                    .parse()
                    .map_err(|_| bad(format!("`{w}` is not a weight")))?;
                Ok((b * 1000.0, w))
            })
            .collect()
    }
}

impl Validate for AccessibilityRequest {
    fn validate(&self) -> Result<(), EngineError> {
        DemandSpec::parse(&self.demand)?;
        let spec = check_distance(&self.distance, self.detour, self.radius_min)?;
        if spec == DistanceSpec::Drive {
            if self.radius_min.is_none() {
                return Err(EngineError::parameter(
                    "radius_min",
                    "distance drive needs the catchment radius in minutes",
                ));
            }
            if self.sigma_km.is_some() {
                return Err(EngineError::parameter(
                    "sigma_km",
                    "with distance drive the Gaussian bandwidth is radius_min / 2 minutes",
                ));
            }
        }
        check_radius("radius_km", self.radius_km)?;
        if self.method == Method::E2sfca {
            self.steps_m()?;
        }
        if let Some(s) = self.sigma_km {
            check_radius("sigma_km", s)?;
        }
        Ok(())
    }
}

/// Typology and need weights (recommend, expand, scenario).
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NeedRequest {
    /// Need weight per group, `high_risk=1.5,...` (groups not named keep their default).
    pub weights: String,
    /// Do not reconstruct a typology when no official table is loaded.
    pub no_typology: bool,
}

/// Location model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Model {
    /// Most need-weighted inhabitants within the radius.
    #[default]
    Mclp,
    /// Least need-weighted distance.
    Pmedian,
    /// Fewest sites bringing the target share within the radius.
    Lscp,
}

/// `recommend`: where to open new SSM or antennes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct RecommendRequest {
    /// Demand model.
    pub demand: String,
    /// Distance model: `euclidean`, or `drive` with `radius_min` (the coverage radius in
    /// minutes of modelled drive time, converted to the straight-line radius the model reaches
    /// in that time; mclp and lscp).
    pub distance: String,
    /// Detour factor (recorded; the location models use straight lines).
    pub detour: f64,
    /// Need weights.
    pub weights: String,
    /// No reconstructed typology.
    pub no_typology: bool,
    /// Location model.
    pub model: Model,
    /// Number of new sites (mclp, pmedian).
    pub p: usize,
    /// Coverage radius (km; mclp, lscp).
    pub radius_km: f64,
    /// Coverage radius in minutes of modelled drive time (`distance: drive`; mclp, lscp), in
    /// place of `radius_km`.
    pub radius_min: Option<f64>,
    /// Share of need-weighted demand within the radius (lscp).
    pub target_share: f64,
    /// `communes`, `grid:<metres>` or a CSV file.
    pub candidates: String,
    /// Communes whose candidates are excluded (NIS codes).
    #[serde(deserialize_with = "comma_list")]
    pub exclude: Vec<String>,
    /// Exclude candidates closer than this to an existing site (km).
    pub min_distance_km: f64,
    /// Inhabitants per SSM of the norm.
    pub norm: f64,
    /// Seed of the perturbation rounds.
    pub seed: u64,
    /// Seeded perturbation rounds.
    pub perturbations: usize,
    /// Certified mode (mclp): prove the optimum by branch-and-bound, or report the proven gap at
    /// `time_limit_s`.
    pub exact: bool,
    /// Time limit of the certified mode (seconds; none: run to the proof).
    pub time_limit_s: Option<f64>,
}

impl Default for RecommendRequest {
    fn default() -> Self {
        Self {
            demand: "popgrid".into(),
            distance: "euclidean".into(),
            detour: 1.0,
            weights: String::new(),
            no_typology: false,
            model: Model::Mclp,
            p: 5,
            radius_km: 10.0,
            radius_min: None,
            target_share: 0.95,
            candidates: "communes".into(),
            exclude: Vec::new(),
            min_distance_km: 0.0,
            norm: 50_000.0,
            seed: 42,
            perturbations: 0,
            exact: false,
            time_limit_s: None,
        }
    }
}

impl RecommendRequest {
    /// The need part of the request.
    #[must_use]
    pub fn need(&self) -> NeedRequest {
        NeedRequest {
            weights: self.weights.clone(),
            no_typology: self.no_typology,
        }
    }
}

/// Smallest candidate grid cell (metres).
pub const MIN_CANDIDATE_CELL_M: f64 = 100.0;
/// Most perturbation rounds.
pub const MAX_PERTURBATIONS: usize = 10_000;
/// Longest time limit of the certified mode (seconds; a day).
pub const MAX_TIME_LIMIT_S: f64 = 86_400.0;

impl Validate for RecommendRequest {
    fn validate(&self) -> Result<(), EngineError> {
        DemandSpec::parse(&self.demand)?;
        let spec = check_distance(&self.distance, self.detour, self.radius_min)?;
        match spec {
            DistanceSpec::Drive if self.model == Model::Pmedian => {
                return Err(EngineError::parameter(
                    "distance",
                    "pmedian minimises straight-line distance; distance drive applies to the radius of mclp and lscp",
                ));
            }
            DistanceSpec::Drive if self.radius_min.is_none() => {
                return Err(EngineError::parameter(
                    "radius_min",
                    "distance drive needs the coverage radius in minutes",
                ));
            }
            DistanceSpec::Detour(_) if self.distance != "euclidean" => {
                return Err(EngineError::parameter(
                    "distance",
                    "the location models use straight lines or drive time; the detour factor is only recorded (deprecated detour)",
                ));
            }
            _ => {}
        }
        need_weights(&self.weights)?;
        if self.model != Model::Lscp && !(1..=MAX_NEW_SITES).contains(&self.p) {
            return Err(EngineError::parameter(
                "p",
                format!(
                    "{}: the number of new sites must be between 1 and {MAX_NEW_SITES}",
                    self.p
                ),
            ));
        }
        if self.model != Model::Pmedian {
            check_radius("radius_km", self.radius_km)?;
        }
        if !(self.target_share.is_finite() && self.target_share > 0.0 && self.target_share <= 1.0) {
            return Err(EngineError::parameter(
                "target_share",
                "must be a share greater than 0 and at most 1",
            ));
        }
        if let Some(m) = self.candidates.strip_prefix("grid:") {
            let cell: f64 = m.parse().map_err(|_| {
                EngineError::parameter(
                    "candidates",
                    format!("{}: `{m}` is not a number of metres", self.candidates),
                )
            })?;
            if !(cell.is_finite() && cell >= MIN_CANDIDATE_CELL_M) {
                return Err(EngineError::parameter(
                    "candidates",
                    format!(
                        "{}: the cell size must be at least 100 metres",
                        self.candidates
                    ),
                ));
            }
        }
        if !(self.min_distance_km.is_finite()
            && self.min_distance_km >= 0.0
            && self.min_distance_km <= MAX_RADIUS_KM)
        {
            return Err(EngineError::parameter(
                "min_distance_km",
                "must be a distance in km between 0 and 500",
            ));
        }
        check_positive("norm", self.norm, "inhabitants")?;
        if self.perturbations > MAX_PERTURBATIONS {
            return Err(EngineError::parameter(
                "perturbations",
                format!("at most {MAX_PERTURBATIONS} rounds"),
            ));
        }
        if let Some(s) = self.time_limit_s {
            if !(s.is_finite() && s > 0.0 && s <= MAX_TIME_LIMIT_S) {
                return Err(EngineError::parameter(
                    "time_limit_s",
                    format!("{s}: the time limit must be between 0 and {MAX_TIME_LIMIT_S} seconds"),
                ));
            }
            if !self.exact {
                return Err(EngineError::parameter(
                    "time_limit_s",
                    "only applies to the certified mode: add exact",
                ));
            }
        }
        Ok(())
    }
}

/// `expand`: framework expansion within a budget.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct ExpandRequest {
    /// Demand model.
    pub demand: String,
    /// Detour factor.
    pub detour: f64,
    /// Need weights.
    pub weights: String,
    /// No reconstructed typology.
    pub no_typology: bool,
    /// Budget in ETP.
    pub budget_etp: Option<f64>,
    /// Budget in euros a year.
    pub budget_eur: Option<f64>,
    /// Yearly cost of one ETP (EUR).
    pub cost_per_etp: f64,
    /// Allocation step (ETP).
    pub step_etp: f64,
    /// Frameworks CSV (`ssm_id,etp`; command line only: the map service reads no files).
    #[cfg_attr(feature = "openapi", param(value_type = Option<String>))]
    pub frameworks: Option<PathBuf>,
    /// ETP assumed for every SSM without a framework.
    pub assumed_etp: f64,
}

impl Default for ExpandRequest {
    fn default() -> Self {
        Self {
            demand: "popgrid".into(),
            detour: 1.0,
            weights: String::new(),
            no_typology: false,
            budget_etp: None,
            budget_eur: None,
            cost_per_etp: 96_012.0,
            step_etp: 0.25,
            frameworks: None,
            assumed_etp: 5.0,
        }
    }
}

impl ExpandRequest {
    /// The need part of the request.
    #[must_use]
    pub fn need(&self) -> NeedRequest {
        NeedRequest {
            weights: self.weights.clone(),
            no_typology: self.no_typology,
        }
    }
}

/// Largest budget accepted, in ETP (the whole sector has a few hundred).
pub const MAX_BUDGET_ETP: f64 = 10_000.0;

impl Validate for ExpandRequest {
    fn validate(&self) -> Result<(), EngineError> {
        DemandSpec::parse(&self.demand)?;
        check_detour(self.detour)?;
        need_weights(&self.weights)?;
        check_positive("cost_per_etp", self.cost_per_etp, "euros")?;
        if !(self.assumed_etp.is_finite() && self.assumed_etp >= 0.0) {
            return Err(EngineError::parameter(
                "assumed_etp",
                "must be a number of ETP >= 0",
            ));
        }
        let budget = match (self.budget_etp, self.budget_eur) {
            (Some(_), Some(_)) => {
                return Err(EngineError::parameter(
                    "budget_etp",
                    "give budget_etp or budget_eur, not both",
                ));
            }
            (Some(etp), None) => ("budget_etp", etp),
            (None, Some(eur)) => ("budget_eur", eur / self.cost_per_etp),
            (None, None) => {
                return Err(EngineError::parameter(
                    "budget_eur",
                    "give a budget (budget_eur or budget_etp)",
                ));
            }
        };
        if !(budget.1.is_finite() && budget.1 >= 0.0 && budget.1 <= MAX_BUDGET_ETP) {
            return Err(EngineError::parameter(
                budget.0,
                format!("the budget must be between 0 and {MAX_BUDGET_ETP} ETP"),
            ));
        }
        if !(self.step_etp.is_finite() && self.step_etp >= 0.01 && self.step_etp <= 100.0) {
            return Err(EngineError::parameter(
                "step_etp",
                "the step must be between 0.01 and 100 ETP",
            ));
        }
        Ok(())
    }
}

/// `budget coordinators`: the coordinator funding proposal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct CoordinatorRequest {
    /// Frameworks CSV (`ssm_id,etp`; command line only: the map service reads no files).
    #[cfg_attr(feature = "openapi", param(value_type = Option<String>))]
    pub frameworks: Option<PathBuf>,
    /// Counts of SSM per band, `<=3,>3-9,>9`, e.g. `2,45,18`.
    pub bands: Option<String>,
    /// Yearly cost of one ETP (EUR).
    pub cost_per_etp: f64,
}

impl Default for CoordinatorRequest {
    fn default() -> Self {
        Self {
            frameworks: None,
            bands: None,
            cost_per_etp: 96_012.0,
        }
    }
}

/// Most SSM in one band.
pub const MAX_BAND_COUNT: usize = 100_000;

impl CoordinatorRequest {
    /// The three band counts of `bands`.
    ///
    /// # Errors
    /// [`EngineError::Parameter`] on `bands`.
    pub fn band_counts(&self) -> Result<Option<[usize; 3]>, EngineError> {
        let Some(text) = &self.bands else {
            return Ok(None);
        };
        let parts: Vec<usize> = text
            .split(',')
            .map(|p| {
                p.trim()
                    .parse::<usize>()
                    .ok()
                    .filter(|n| *n <= MAX_BAND_COUNT)
                    .ok_or_else(|| {
                        EngineError::parameter("bands", format!("`{p}` is not a count of SSM"))
                    })
            })
            .collect::<Result<_, _>>()?;
        let [a, b, c] = parts[..] else {
            return Err(EngineError::parameter(
                "bands",
                "needs three counts: <=3 ETP, >3 to 9 ETP, >9 ETP",
            ));
        };
        Ok(Some([a, b, c]))
    }
}

impl Validate for CoordinatorRequest {
    fn validate(&self) -> Result<(), EngineError> {
        check_positive("cost_per_etp", self.cost_per_etp, "euros")?;
        if self.bands.is_some() && self.frameworks.is_some() {
            return Err(EngineError::parameter(
                "bands",
                "give bands or frameworks, not both",
            ));
        }
        if self.band_counts()?.is_none() && self.frameworks.is_none() {
            return Err(EngineError::parameter(
                "frameworks",
                "give --frameworks FILE or --bands A,B,C",
            ));
        }
        Ok(())
    }
}

/// `scenario`: every coverage metric before and after a what-if.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct ScenarioRequest {
    /// Demand model (the scenario's own `demand` overrides it).
    pub demand: String,
    /// Detour factor.
    pub detour: f64,
    /// Need weights.
    pub weights: String,
    /// No reconstructed typology.
    pub no_typology: bool,
    /// ETP assumed for every SSM without a known framework.
    pub assumed_etp: f64,
}

impl Default for ScenarioRequest {
    fn default() -> Self {
        Self {
            demand: "popgrid".into(),
            detour: 1.0,
            weights: String::new(),
            no_typology: false,
            assumed_etp: 5.0,
        }
    }
}

impl ScenarioRequest {
    /// The need part of the request.
    #[must_use]
    pub fn need(&self) -> NeedRequest {
        NeedRequest {
            weights: self.weights.clone(),
            no_typology: self.no_typology,
        }
    }
}

impl Validate for ScenarioRequest {
    fn validate(&self) -> Result<(), EngineError> {
        DemandSpec::parse(&self.demand)?;
        check_detour(self.detour)?;
        need_weights(&self.weights)?;
        if !(self.assumed_etp.is_finite() && self.assumed_etp >= 0.0) {
            return Err(EngineError::parameter(
                "assumed_etp",
                "must be a number of ETP >= 0",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(request: &RecommendRequest) -> Option<&'static str> {
        match request.validate() {
            Ok(()) => None,
            Err(EngineError::Parameter { field, .. }) => Some(field),
            Err(other) => panic!("unexpected error {other}"),
        }
    }

    #[test]
    fn certified_mode_fields_are_validated() {
        let ok = RecommendRequest {
            exact: true,
            time_limit_s: Some(5.0),
            ..RecommendRequest::default()
        };
        assert_eq!(field_of(&ok), None);
        assert_eq!(field_of(&RecommendRequest::default()), None);
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY, MAX_TIME_LIMIT_S * 2.0] {
            let request = RecommendRequest {
                time_limit_s: Some(bad),
                ..ok.clone()
            };
            assert_eq!(field_of(&request), Some("time_limit_s"), "{bad}");
        }
        let without_exact = RecommendRequest {
            exact: false,
            ..ok.clone()
        };
        assert_eq!(field_of(&without_exact), Some("time_limit_s"));
        let median = RecommendRequest {
            model: Model::Pmedian,
            time_limit_s: None,
            ..ok
        };
        // Certified p-median and LSCP exist too: the certified mode is valid for every model.
        assert_eq!(field_of(&median), None);
    }
}
