//! Query strings into the engine's typed requests, with errors naming the parameter, and the
//! limits of a shared server on what a client may ask (no server file paths, no grid so fine
//! that one request would hold the machine).

use serde::de::DeserializeOwned;
use ssmplan_engine::request::DemandSpec;

use crate::error::ApiError;

/// Smallest demand grid cell a client may ask (metres): `grid:250` is about 270,000 points.
pub const MIN_REMOTE_DEMAND_CELL_M: f64 = 250.0;
/// Smallest candidate grid cell a client may ask (metres).
pub const MIN_REMOTE_CANDIDATE_CELL_M: f64 = 1_000.0;

/// A parsed query: the dataset id and the request.
#[derive(Debug)]
pub struct Parsed<T> {
    /// `dataset=` (an uploaded dataset id), if given.
    pub dataset: Option<String>,
    /// The request.
    pub request: T,
}

/// Parses a query string into `T`. A repeated key becomes one comma-separated value (lists
/// such as `level=province&level=commune`).
///
/// # Errors
/// 400 naming the parameter.
pub fn parse<T: DeserializeOwned>(raw: Option<&str>) -> Result<Parsed<T>, ApiError> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut dataset = None;
    for (k, v) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
        if k == "dataset" {
            dataset = Some(v.into_owned());
        } else if let Some(slot) = pairs.iter_mut().find(|(key, _)| *key == k) {
            slot.1.push(',');
            slot.1.push_str(&v);
        } else {
            pairs.push((k.into_owned(), v.into_owned()));
        }
    }
    let encoded = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&pairs)
        .finish();
    let deserializer =
        serde_urlencoded::Deserializer::new(form_urlencoded::parse(encoded.as_bytes()));
    let request = serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        if path.is_empty() || path == "." {
            // Unknown parameter: name it from the message.
            let name = inner
                .split('`')
                .nth(1)
                .map_or_else(String::new, str::to_owned);
            ApiError::parameter(&name, format!("query: {inner}"))
        } else {
            ApiError::parameter(&path, format!("{path}: {inner}"))
        }
    })?;
    Ok(Parsed { dataset, request })
}

/// Refuses demand models a shared server will not run for a client.
///
/// # Errors
/// 400 on `demand`.
pub fn check_demand(demand: &str) -> Result<(), ApiError> {
    match DemandSpec::parse(demand).map_err(ApiError::from)? {
        DemandSpec::Points(_) => Err(ApiError::parameter(
            "demand",
            "demand: points:<file> reads a file on the server and is only available on the command line",
        )),
        DemandSpec::Grid(m) if m < MIN_REMOTE_DEMAND_CELL_M => Err(ApiError::parameter(
            "demand",
            format!(
                "demand: grid:{m} is too fine for the map service (at least grid:{MIN_REMOTE_DEMAND_CELL_M}); use the command line"
            ),
        )),
        _ => Ok(()),
    }
}

/// Refuses candidate sets a shared server will not build for a client.
///
/// # Errors
/// 400 on `candidates`.
pub fn check_candidates(candidates: &str) -> Result<(), ApiError> {
    if candidates == "communes" {
        return Ok(());
    }
    if let Some(m) = candidates.strip_prefix("grid:") {
        let cell: f64 = m.parse().map_err(|_| {
            ApiError::parameter(
                "candidates",
                format!("candidates: `{m}` is not a number of metres"),
            )
        })?;
        if cell.is_finite() && cell >= MIN_REMOTE_CANDIDATE_CELL_M {
            return Ok(());
        }
        return Err(ApiError::parameter(
            "candidates",
            format!("candidates: grid:{m} is too fine for the map service (at least grid:1000)"),
        ));
    }
    Err(ApiError::parameter(
        "candidates",
        format!(
            "candidates: `{candidates}`: expected communes or grid:<metres> (files only on the command line)"
        ),
    ))
}

/// Refuses a server file path.
///
/// # Errors
/// 400 on `name`.
pub fn check_no_path<P>(name: &str, value: Option<&P>) -> Result<(), ApiError> {
    if value.is_some() {
        return Err(ApiError::parameter(
            name,
            format!(
                "{name}: files are only read on the command line; upload tables with POST /api/datasets"
            ),
        ));
    }
    Ok(())
}
