//! The drive-time parameters file that `ssmplan calibrate --write-params` writes (the default
//! one ships as `accessibility/drivetime_2020.json`): the model's parameters, what it was
//! calibrated on, and the fit's errors per indicator.
//!
//! Only the fields the model needs are read; any other field (provenance, parameters added by
//! later calibrations) is ignored, so a richer file still loads. Errors name the file and the
//! field (`params.far_speed_kmh`, `fit.errors[1].model_loo_mae_pts`).

use std::path::{Path, PathBuf};

use serde_json::Value;
use ssmplan_core::{DriveTime, DriveTimeError, DriveTimeParams};

/// A drive-time parameters file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum DriveParamsError {
    /// The file cannot be read.
    #[error("{path}: cannot read the drive-time parameters file")]
    Open {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The file is not JSON.
    #[error("{path}: line {line}, column {column}: not valid JSON ({message})")]
    Json {
        /// The file.
        path: PathBuf,
        /// Line (1-based).
        line: usize,
        /// Column (1-based).
        column: usize,
        /// The parser's message.
        message: String,
    },
    /// A field is missing or has the wrong type.
    #[error("{path}: field `{field}`: {expected}")]
    Field {
        /// The file.
        path: PathBuf,
        /// The field, as a JSON path (`params.detour`).
        field: String,
        /// What was expected.
        expected: &'static str,
    },
    /// A parameter is out of its range.
    #[error("{path}: field `params.{field}` must be {expected}, found {found}")]
    OutOfRange {
        /// The file.
        path: PathBuf,
        /// The parameter.
        field: &'static str,
        /// The range expected.
        expected: &'static str,
        /// The value found.
        found: f64,
    },
}

/// One row of the fit's errors (`fit.errors[]`).
#[derive(Clone, Debug, PartialEq)]
pub struct FitError {
    /// Eurostat's indicator: `N1` (nearest hospital) or `AN3` (average of the 3 nearest).
    pub indicator: String,
    /// The threshold of the share (minutes).
    pub threshold_min: f64,
    /// Leave-one-district-out mean absolute error of the model (percentage points).
    pub model_loo_mae_pts: f64,
    /// The same for the straight-line threshold baseline, when the file gives it.
    pub baseline_loo_mae_pts: Option<f64>,
}

/// A loaded drive-time parameters file.
#[derive(Clone, Debug)]
pub struct DriveParamsFile {
    /// The file.
    pub path: PathBuf,
    /// Hex sha256 of its bytes.
    pub sha256: String,
    /// The validated model.
    pub model: DriveTime,
    /// What it was calibrated on (`calibrated_on`), when given.
    pub calibrated_on: Option<String>,
    /// The fit's errors (`fit.errors`; empty when the file has none).
    pub errors: Vec<FitError>,
}

impl DriveParamsFile {
    /// The leave-one-out error of an indicator at a threshold, when the file reports it.
    ///
    /// # Units
    /// Percentage points.
    #[must_use]
    pub fn loo_error(&self, indicator: &str, threshold_min: f64) -> Option<f64> {
        self.errors
            .iter()
            .find(|e| e.indicator == indicator && (e.threshold_min - threshold_min).abs() < 1e-9)
            .map(|e| e.model_loo_mae_pts)
    }
}

/// Reads a drive-time parameters file.
///
/// # Errors
/// [`DriveParamsError`] naming the file and the field.
pub fn read_drive_params(path: &Path) -> Result<DriveParamsFile, DriveParamsError> {
    let bytes = std::fs::read(path).map_err(|source| DriveParamsError::Open {
        path: path.to_path_buf(),
        source,
    })?;
    parse_drive_params(path, &bytes)
}

/// Parses a drive-time parameters file from its bytes; `path` names it in errors.
///
/// # Errors
/// [`DriveParamsError`] naming the file and the field.
pub fn parse_drive_params(path: &Path, bytes: &[u8]) -> Result<DriveParamsFile, DriveParamsError> {
    let root: Value = serde_json::from_slice(bytes).map_err(|e| DriveParamsError::Json {
        path: path.to_path_buf(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    let field = |field: String, expected| DriveParamsError::Field {
        path: path.to_path_buf(),
        field,
        expected,
    };
    let params = root
        .get("params")
        .filter(|v| v.is_object())
        .ok_or_else(|| field("params".into(), "expected an object of parameters"))?;
    let number = |name: &str| {
        params
            .get(name)
            .and_then(Value::as_f64)
            .ok_or_else(|| field(format!("params.{name}"), "expected a number"))
    };
    let p = DriveTimeParams {
        access_min: number("access_min")?,
        detour: number("detour")?,
        near_speed_kmh: number("near_speed_kmh")?,
        far_speed_kmh: number("far_speed_kmh")?,
        near_band_km: number("near_band_km")?,
    };
    let model = DriveTime::new(p).map_err(|e| match e {
        DriveTimeError::OutOfRange {
            field,
            expected,
            found,
        } => DriveParamsError::OutOfRange {
            path: path.to_path_buf(),
            field,
            expected,
            found,
        },
    })?;
    let calibrated_on = match root.get("calibrated_on") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(field("calibrated_on".into(), "expected a string")),
    };
    let mut errors = Vec::new();
    if let Some(list) = root.get("fit").and_then(|f| f.get("errors")) {
        let rows = list
            .as_array()
            .ok_or_else(|| field("fit.errors".into(), "expected an array"))?;
        for (i, row) in rows.iter().enumerate() {
            let name = |k: &str| format!("fit.errors[{i}].{k}");
            let num = |k: &str| {
                row.get(k)
                    .and_then(Value::as_f64)
                    .ok_or_else(|| field(name(k), "expected a number"))
            };
            errors.push(FitError {
                indicator: row
                    .get("indicator")
                    .and_then(Value::as_str)
                    .ok_or_else(|| field(name("indicator"), "expected a string"))?
                    .to_owned(),
                threshold_min: num("threshold_min")?,
                model_loo_mae_pts: num("model_loo_mae_pts")?,
                baseline_loo_mae_pts: row.get("baseline_loo_mae_pts").and_then(Value::as_f64),
            });
        }
    }
    Ok(DriveParamsFile {
        path: path.to_path_buf(),
        sha256: crate::manifest::sha256_bytes(bytes),
        model,
        calibrated_on,
        errors,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"{
      "calibrated_on": "Eurostat 2020",
      "fit": {"errors": [
        {"indicator": "N1", "threshold_min": 20.0, "model_loo_mae_pts": 2.015,
         "baseline_loo_mae_pts": 1.99, "by_class": {"DEG1": 1.0}},
        {"indicator": "N1", "threshold_min": 5.0, "model_loo_mae_pts": 4.087}
      ], "whatever": 1},
      "params": {"access_min": 1, "detour": 1.3, "far_speed_kmh": 76.0,
                 "near_band_km": 2.0, "near_speed_kmh": 31.0,
                 "by_urbanisation": {"DEG1": {"access_min": 2}}},
      "new_top_level_field": [1, 2]
    }"#;

    fn parse(text: &str) -> Result<DriveParamsFile, DriveParamsError> {
        parse_drive_params(Path::new("dt.json"), text.as_bytes())
    }

    #[test]
    fn reads_the_fields_it_needs_and_ignores_the_others() {
        let f = parse(FILE).expect("valid");
        let p = f.model.params();
        assert_eq!(
            (p.access_min, p.detour, p.near_speed_kmh, p.far_speed_kmh),
            (1.0, 1.3, 31.0, 76.0)
        );
        assert_eq!(f.loo_error("N1", 20.0), Some(2.015));
        assert_eq!(f.loo_error("N1", 5.0), Some(4.087));
        assert_eq!(f.loo_error("AN3", 5.0), None);
        assert_eq!(f.errors[0].baseline_loo_mae_pts, Some(1.99));
        assert_eq!(f.calibrated_on.as_deref(), Some("Eurostat 2020"));
        assert_eq!(f.sha256, crate::manifest::sha256_bytes(FILE.as_bytes()));
    }

    #[test]
    fn errors_name_the_file_and_the_field() {
        let cases = [
            (
                FILE.replace("\"detour\": 1.3", "\"detour\": \"x\""),
                "params.detour",
            ),
            (FILE.replace("\"detour\": 1.3,", ""), "params.detour"),
            (
                FILE.replace("\"detour\": 1.3", "\"detour\": 0.5"),
                "params.detour",
            ),
            (
                FILE.replace(
                    "\"model_loo_mae_pts\": 4.087",
                    "\"model_loo_mae_pts\": null",
                ),
                "fit.errors[1].model_loo_mae_pts",
            ),
            ("{\"params\": 3}".to_owned(), "`params`"),
        ];
        for (text, field) in cases {
            let message = parse(&text).expect_err(field).to_string();
            assert!(message.starts_with("dt.json: "), "{message}");
            assert!(message.contains(field), "{message} lacks {field}");
        }
        let message = parse("{\"params\": ").expect_err("truncated").to_string();
        assert!(message.contains("dt.json: line 1"), "{message}");
        let missing = read_drive_params(Path::new("/nonexistent/dt.json")).expect_err("missing");
        assert!(missing.to_string().contains("/nonexistent/dt.json"));
    }

    #[test]
    fn the_shipped_file_loads() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../geodata/accessibility/drivetime_2020.json");
        let f = read_drive_params(&path).expect("shipped file");
        assert!(f.loo_error("N1", 20.0).is_some());
        assert!(f.loo_error("N1", 5.0).is_some());
    }
}
