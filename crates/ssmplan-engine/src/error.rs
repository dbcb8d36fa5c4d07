//! Why an operation failed. Parameter errors name the request field; data errors name the
//! file, line and field (they come from `ssmplan-io`).

use ssmplan_core::{AccessibilityError, DemandError};
use ssmplan_io::{CsvError, DatasetError};
use ssmplan_planner::frameworks::ExpansionError;
use ssmplan_planner::location::LocationError;
use ssmplan_planner::scenario::ScenarioError;
use ssmplan_planner::typology::TypologyError;

/// Why an operation failed.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// A request parameter is out of range or malformed.
    #[error("{field}: {message}")]
    Parameter {
        /// The request field (`radius_km`; the CLI shows it as `--radius-km`).
        field: &'static str,
        /// What is wrong, for a person.
        message: String,
    },
    /// The dataset (or an extra file it reads) could not be loaded.
    #[error(transparent)]
    Dataset(#[from] DatasetError),
    /// A CSV table given with a request (frameworks, candidates) is malformed.
    #[error(transparent)]
    Csv(#[from] CsvError),
    /// The demand could not be built.
    #[error(transparent)]
    Demand(#[from] DemandError),
    /// The drive-time parameters file cannot be used.
    #[error(transparent)]
    DriveParams(#[from] ssmplan_io::drivetime::DriveParamsError),
    /// The road network (`--network`) could not be read.
    #[error(transparent)]
    Network(#[from] ssmplan_network::OsmError),
    /// Floating-catchment parameters or inputs are invalid.
    #[error(transparent)]
    Accessibility(#[from] AccessibilityError),
    /// The location model cannot be solved as asked (e.g. more sites than candidates).
    #[error(transparent)]
    Location(#[from] LocationError),
    /// The typology could not be reconstructed.
    #[error("reconstructing the typology")]
    Typology(#[from] TypologyError),
    /// The framework expansion is impossible as asked.
    #[error(transparent)]
    Expansion(#[from] ExpansionError),
    /// A scenario is malformed or refers to unknown sites.
    ///
    /// The problem is part of the message and not returned by `source()`, so that a printed
    /// error chain (`{e:#}`) states it once.
    #[error("{source_name}: {problem}")]
    Scenario {
        /// Where the scenario came from (a file name, or `request body`).
        source_name: String,
        /// The problem.
        problem: ScenarioError,
    },
}

impl EngineError {
    /// A parameter error.
    pub(crate) fn parameter(field: &'static str, message: impl Into<String>) -> Self {
        Self::Parameter {
            field,
            message: message.into(),
        }
    }

    /// Whether the error is the caller's (bad parameter or bad data given with the request)
    /// rather than the server's.
    #[must_use]
    pub fn is_bad_request(&self) -> bool {
        !matches!(
            self,
            Self::Dataset(DatasetError::Manifest(_)) | Self::DriveParams(_)
        )
    }
}
