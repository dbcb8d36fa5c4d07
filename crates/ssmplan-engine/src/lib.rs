//! What each ssmplan operation computes, once, below both front ends.
//!
//! The CLI (`ssmplan-cli`) and the map service (`ssmplan-server`) do the same thing: build a
//! typed request ([`request`]: serde, the CLI's defaults, validated in one place with errors
//! naming the field), call one operation on a shared [`Engine`] (the loaded, indexed dataset,
//! `Send + Sync`, reused by many requests), and render its typed result, which carries a
//! [`Report`] with the provenance (inputs with sha256, parameters, caveats). Neither front end
//! decides anything about the domain.
//!
//! | operation | request | result |
//! |---|---|---|
//! | [`coverage()`] | [`CoverageRequest`] | [`CoverageResult`] |
//! | [`catchments()`] | [`CatchmentsRequest`] | [`CatchmentsResult`] |
//! | [`accessibility()`] | [`AccessibilityRequest`] | [`AccessibilityResult`] |
//! | [`validate()`] | (none) | [`Report`] |
//! | [`typology()`] | (none) | [`TypologyResult`] |
//! | [`recommend()`] | [`RecommendRequest`] | [`RecommendResult`] |
//! | [`expand()`] | [`ExpandRequest`] | [`ExpandResult`] |
//! | [`coordinators()`] | [`CoordinatorRequest`] | [`CoordinatorResult`] |
//! | [`scenario()`] | [`ScenarioRequest`] + [`ScenarioSource`] | [`ScenarioResult`] |
//! | [`calibrate()`] | [`CalibrateRequest`] (files of the dataset, no engine) | [`CalibrateResult`] |
//! | [`solve()`] | [`SolveRequest`] (instance files, no dataset) | [`SolveResult`] |
//! | [`urbanisation()`] (also [`Engine::degree_of_urbanisation`]) | [`UrbanisationRequest`] | [`UrbanisationResult`] |
//! | [`map::layers`] | (none) | [`map::MapLayers`] (the map service's static layers) |
//!
//! The engine does no I/O beyond reading the dataset it is given and the files a request
//! names (a CLI's `--frameworks`, `--candidates` or `points:` file; the map service accepts
//! none of those from clients).

mod accessibility;
pub mod calibrate;
mod catchments;
mod common;
mod coverage;
mod degurba;
pub mod describe;
pub mod distance;
mod engine;
mod error;
mod expand;
pub mod map;
mod network;
mod recommend;
pub mod report;
pub mod request;
mod scenario;
pub mod solve;
mod typology;
mod validate;

pub use accessibility::{AccessibilityResult, accessibility, fca_params, fca_params_min};
pub use calibrate::{CalibrateRequest, CalibrateResult, calibrate};
pub use catchments::{CATCHMENT_COLUMNS, CATCHMENT_TIME_COLUMNS, CatchmentsResult, catchments};
pub use common::{geojson_multipolygon, geojson_point, km, wgs84_rounded};
pub use coverage::{
    COVERAGE_COLUMNS, COVERAGE_TIME_COLUMNS, CoverageResult, coverage, coverage_columns,
    coverage_row, coverage_time_row, zone_levels,
};
pub use degurba::{
    CONTEXT_GRID, ClassifiedCell, GridExtent, URBANISATION_COLUMNS, UrbanisationRequest,
    UrbanisationResult, urbanisation,
};
pub use engine::{Engine, Progress, Silent};
pub use error::EngineError;
pub use expand::{CoordinatorResult, ExpandResult, coordinators, expand};
pub use network::{NETWORK_COLUMNS, NetworkRequest, NetworkResult, network};
pub use recommend::{RECOMMEND_COLUMNS, RecommendResult, recommend};
pub use report::{Cell, Feature, GpkgRenderError, MapLayer, RenderError, Report, Table};
pub use request::{
    AccessibilityRequest, CatchmentsRequest, CoordinatorRequest, CoverageRequest, DataRequest,
    ExpandRequest, RecommendRequest, ScenarioRequest, Validate,
};
pub use scenario::{Metrics, ScenarioResult, ScenarioSource, scenario};
pub use solve::{SolveRequest, SolveResult, solve};
pub use typology::{Reconstruction, TypologyResult, typology};
pub use validate::validate;
