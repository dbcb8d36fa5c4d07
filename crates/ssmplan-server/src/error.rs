//! Errors as HTTP responses: 4xx with a JSON body naming the parameter (or the file, line and
//! field of an uploaded table), 5xx logged and answered with a generic message.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use ssmplan_engine::EngineError;
use ssmplan_io::{CsvError, DatasetError};

/// The JSON body of every error.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// What went wrong, for a person.
    pub error: String,
    /// The query parameter or body field at fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
    /// The uploaded file at fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Its 1-based line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// Its column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// An error answer.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    body: ErrorBody,
}

impl ApiError {
    /// An error with a status and a message.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            body: ErrorBody {
                error: message.into(),
                parameter: None,
                file: None,
                line: None,
                field: None,
            },
        }
    }

    /// A bad parameter (400).
    pub fn parameter(name: &str, message: impl Into<String>) -> Self {
        let mut e = Self::new(StatusCode::BAD_REQUEST, message);
        e.body.parameter = Some(name.to_owned());
        e
    }

    /// Names the parameter at fault.
    #[must_use]
    pub fn with_parameter(mut self, name: &str) -> Self {
        self.body.parameter = Some(name.to_owned());
        self
    }

    /// The service is saturated or the work took too long (503).
    pub fn busy(message: impl Into<String>) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, message)
    }

    /// An unexpected failure: logged, answered generically (500).
    pub fn internal(what: &str) -> Self {
        tracing::error!("internal error: {what}");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal error (logged on the server)",
        )
    }

    /// The status.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        self.status
    }
}

impl From<EngineError> for ApiError {
    fn from(e: EngineError) -> Self {
        let message = with_sources(&e);
        match e {
            EngineError::Parameter { field, .. } => Self::parameter(field, message),
            EngineError::Dataset(DatasetError::Csv(csv)) | EngineError::Csv(csv) => {
                let mut out = Self::new(StatusCode::UNPROCESSABLE_ENTITY, message);
                match csv {
                    CsvError::BadValue {
                        path, line, field, ..
                    }
                    | CsvError::Duplicate {
                        path, line, field, ..
                    }
                    | CsvError::UnknownNis {
                        path, line, field, ..
                    } => {
                        out.body.file = Some(path.display().to_string());
                        out.body.line = Some(line);
                        out.body.field = Some(field);
                    }
                    CsvError::Malformed { path, line, .. } => {
                        out.body.file = Some(path.display().to_string());
                        out.body.line = Some(line);
                    }
                    CsvError::MissingColumn { path, column, .. } => {
                        out.body.file = Some(path.display().to_string());
                        out.body.field = Some(column);
                    }
                    CsvError::Empty { path, .. } | CsvError::Open { path, .. } => {
                        out.body.file = Some(path.display().to_string());
                    }
                }
                out
            }
            EngineError::Scenario { .. } => Self::new(StatusCode::UNPROCESSABLE_ENTITY, message),
            ref other if other.is_bad_request() => {
                Self::new(StatusCode::UNPROCESSABLE_ENTITY, message)
            }
            _ => Self::internal(&message),
        }
    }
}

/// The error's message followed by its sources (as the CLI prints them), each source once.
fn with_sources(e: &dyn std::error::Error) -> String {
    let mut message = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = s.source();
    }
    message
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}
