//! The distance model of a request (`distance`: `euclidean`, `detour:<F>` or `drive`), with the
//! words every output using the drive-time model carries.

use std::path::PathBuf;

use ssmplan_core::{DetourFactor, DistanceModel, DriveTime, StraightLine};
use ssmplan_io::Dataset;
use ssmplan_io::drivetime::DriveParamsFile;

use crate::EngineError;

/// The default drive-time parameters file, relative to the dataset directory.
pub const DEFAULT_DRIVE_PARAMS: &str = "accessibility/drivetime_2020.json";

/// The thresholds of the minute outputs (Eurostat's).
///
/// # Units
/// Minutes.
pub const BEYOND_MIN: [f64; 3] = ssmplan_core::drivetime::THRESHOLDS_MIN;

/// The accuracy goals of the calibration (issue 10): leave-one-district-out mean absolute
/// error, nearest hospital, share beyond 20 and beyond 5 minutes (percentage points).
pub const GOAL_LOO_MAE_PTS: [(f64, f64); 2] = [(20.0, 1.0), (5.0, 3.0)];

/// A parsed `distance` field.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum DistanceSpec {
    /// Straight line in EPSG:3812.
    Euclidean,
    /// Straight line times a detour factor (>= 1).
    Detour(f64),
    /// The calibrated drive-time model (minutes).
    Drive,
}

impl DistanceSpec {
    /// Parses `euclidean`, `detour:<F>` (1 <= F <= 10) or `drive`.
    ///
    /// # Errors
    /// [`EngineError::Parameter`] on `distance`.
    pub fn parse(text: &str) -> Result<Self, EngineError> {
        match text.trim() {
            "euclidean" | "straight" => Ok(Self::Euclidean),
            "drive" => Ok(Self::Drive),
            other => {
                let Some(f) = other.strip_prefix("detour:") else {
                    return Err(EngineError::parameter(
                        "distance",
                        format!("`{other}`: expected euclidean, detour:<factor> or drive"),
                    ));
                };
                let factor: f64 = f.parse().map_err(|_| {
                    EngineError::parameter(
                        "distance",
                        format!("{other}: `{f}` is not a detour factor"),
                    )
                })?;
                if factor.is_finite() && (1.0..=10.0).contains(&factor) {
                    Ok(Self::Detour(factor))
                } else {
                    Err(EngineError::parameter(
                        "distance",
                        format!("{other}: the detour factor must be between 1 and 10"),
                    ))
                }
            }
        }
    }

    /// The spec of a request's `distance` and deprecated `detour` fields (a detour other than
    /// 1 is `detour:<F>`; both at once are refused).
    ///
    /// # Errors
    /// [`EngineError::Parameter`] on `distance` or `detour`.
    pub fn of_request(distance: &str, detour: f64) -> Result<Self, EngineError> {
        let spec = Self::parse(distance)?;
        if (detour - 1.0).abs() < f64::EPSILON {
            return Ok(spec);
        }
        if !(detour.is_finite() && (1.0..=10.0).contains(&detour)) {
            return Err(EngineError::parameter(
                "detour",
                format!("{detour} is not a detour factor between 1 and 10"),
            ));
        }
        if spec != Self::Euclidean {
            return Err(EngineError::parameter(
                "detour",
                format!("give distance ({distance}) or the deprecated detour, not both"),
            ));
        }
        Ok(Self::Detour(detour))
    }
}

/// The model of a request, ready to use.
pub(crate) struct Distance {
    /// The model (its cost is minutes for the drive-time model).
    pub model: Box<dyn DistanceModel>,
    /// The drive-time file, for the drive-time model.
    pub drive: Option<DriveParamsFile>,
}

impl Distance {
    /// The drive-time model, when it is the one.
    pub fn drive_time(&self) -> Option<DriveTime> {
        self.drive.as_ref().map(|d| d.model)
    }

    /// What the outputs record as `distance_model`.
    pub fn describe(&self) -> String {
        match &self.drive {
            Some(d) => format!("{}; {}", drive_wording(d), self.model.describe()),
            None => self.model.describe(),
        }
    }

    /// Parameters recorded in outputs: the model, and the drive-time file with its sha256.
    pub fn parameters(&self) -> Vec<(&'static str, serde_json::Value)> {
        let mut out = vec![("distance_model", serde_json::json!(self.describe()))];
        if let Some(d) = &self.drive {
            out.push((
                "drive_params",
                serde_json::json!({
                    "file": d.path.display().to_string(),
                    "sha256": d.sha256,
                }),
            ));
        }
        out
    }

    /// Caveats of the drive-time model (none for the others).
    pub fn caveats(&self) -> Vec<String> {
        self.drive.as_ref().map(drive_caveats).unwrap_or_default()
    }
}

/// "modelled drive time, calibrated on Eurostat routed hospital access (2020), mean error X
/// points (...)", with X the leave-one-district-out error of the share beyond 20 minutes of
/// the nearest hospital.
#[must_use]
pub fn drive_wording(file: &DriveParamsFile) -> String {
    match file.loo_error("N1", 20.0) {
        Some(x) => format!(
            "modelled drive time, calibrated on Eurostat routed hospital access (2020), mean error {x:.1} points (leave-one-district-out mean absolute error of the share of residents beyond 20 min of the nearest hospital); a function of the straight-line distance, not a routing on a road network"
        ),
        None => "modelled drive time, calibrated on Eurostat routed hospital access (2020), mean error not reported by the parameters file; a function of the straight-line distance, not a routing on a road network".to_owned(),
    }
}

/// The caveats of the drive-time model: what it is, and every accuracy goal it missed.
#[must_use]
pub fn drive_caveats(file: &DriveParamsFile) -> Vec<String> {
    let mut out = vec![format!(
        "times are {} ({})",
        drive_wording(file),
        file.path.display()
    )];
    let mut missed = Vec::new();
    for (threshold, goal) in GOAL_LOO_MAE_PTS {
        match file.loo_error("N1", threshold) {
            Some(x) if x > goal => missed.push(format!(
                "share beyond {threshold} min: {x:.1} points against a goal of at most {goal}"
            )),
            Some(_) => {}
            None => missed.push(format!(
                "share beyond {threshold} min: error not reported, goal at most {goal} points"
            )),
        }
    }
    if !missed.is_empty() {
        out.push(format!(
            "the drive-time calibration missed its accuracy goal (leave-one-district-out, nearest hospital): {}; read the minutes as approximate",
            missed.join("; ")
        ));
    }
    out
}

/// Builds the model of `spec`; the drive-time file (`drive_params`, else the dataset's
/// [`DEFAULT_DRIVE_PARAMS`]) is read, checked against the manifest and recorded in `dataset`'s
/// inputs.
pub(crate) fn distance(
    spec: DistanceSpec,
    drive_params: Option<&PathBuf>,
    dataset: &mut Dataset,
) -> Result<Distance, EngineError> {
    Ok(match spec {
        DistanceSpec::Euclidean => Distance {
            model: Box::new(StraightLine),
            drive: None,
        },
        DistanceSpec::Detour(f) => Distance {
            model: Box::new(
                DetourFactor::new(f)
                    .map_err(|e| EngineError::parameter("distance", e.to_string()))?,
            ),
            drive: None,
        },
        DistanceSpec::Drive => {
            let path = drive_params
                .cloned()
                .unwrap_or_else(|| dataset.data_dir.join(DEFAULT_DRIVE_PARAMS));
            dataset.record_input("drive-time parameters", &path)?;
            let file = ssmplan_io::drivetime::read_drive_params(&path)?;
            Distance {
                model: Box::new(file.model),
                drive: Some(file),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(r: Result<DistanceSpec, EngineError>) -> &'static str {
        match r {
            Err(EngineError::Parameter { field, .. }) => field,
            other => panic!("expected a parameter error, got {other:?}"),
        }
    }

    #[test]
    fn parse_and_refuse() {
        assert_eq!(
            DistanceSpec::parse("euclidean").ok(),
            Some(DistanceSpec::Euclidean)
        );
        assert_eq!(DistanceSpec::parse("drive").ok(), Some(DistanceSpec::Drive));
        assert_eq!(
            DistanceSpec::parse("detour:1.3").ok(),
            Some(DistanceSpec::Detour(1.3))
        );
        for bad in [
            "foo",
            "detour:0.5",
            "detour:x",
            "detour:",
            "detour:11",
            "Drive",
        ] {
            assert_eq!(field(DistanceSpec::parse(bad)), "distance", "{bad}");
        }
        assert_eq!(
            DistanceSpec::of_request("euclidean", 1.2).ok(),
            Some(DistanceSpec::Detour(1.2))
        );
        assert_eq!(field(DistanceSpec::of_request("drive", 1.2)), "detour");
        assert_eq!(field(DistanceSpec::of_request("euclidean", 0.5)), "detour");
    }
}
