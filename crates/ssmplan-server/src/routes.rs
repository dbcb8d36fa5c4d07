//! The handlers of the JSON API.

use std::path::Path;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Multipart, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::json;
use ssmplan_engine::{
    AccessibilityRequest, CoordinatorRequest, CoverageRequest, Engine, EngineError, ExpandRequest,
    MapLayer, RecommendRequest, Report, ScenarioRequest, ScenarioSource, Silent,
};

use crate::error::ApiError;
use crate::query::{self, Parsed, check_candidates, check_demand, check_no_path};
use crate::state::{AppState, Prepared, Session, StaticLayers};

/// Answers `prepared`, or 304 when the client has it, compressed when the client accepts it.
pub fn serve(headers: &HeaderMap, prepared: &Prepared) -> Response {
    let etag = HeaderValue::from_str(&prepared.etag).ok();
    if let (Some(tag), Some(asked)) = (&etag, headers.get(header::IF_NONE_MATCH))
        && asked.to_str().is_ok_and(|a| {
            a.split(',')
                .any(|t| t.trim() == prepared.etag || t.trim() == "*")
        })
    {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, tag.clone())]).into_response();
    }
    let gzip = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|e| e.trim().starts_with("gzip")));
    let mut response = if gzip {
        let mut r = prepared.gzip.clone().into_response();
        r.headers_mut()
            .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        r
    } else {
        prepared.raw.clone().into_response()
    };
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(prepared.content_type),
    );
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let Some(tag) = etag {
        h.insert(header::ETAG, tag);
    }
    response
}

/// The static layers of a session, computed on first use.
async fn layers(state: &AppState, session: &Arc<Session>) -> Result<Arc<StaticLayers>, ApiError> {
    let s = Arc::clone(session);
    let st = state.clone();
    session
        .layers
        .get_or_try_init(|| async move { st.run_job(move || compute_layers(&s.engine)).await })
        .await
        .cloned()
}

/// Computes the static layers (blocking).
///
/// # Errors
/// As [`ssmplan_engine::map::layers`].
pub fn compute_layers(engine: &Engine) -> Result<Arc<StaticLayers>, ApiError> {
    let l = ssmplan_engine::map::layers(engine, &Silent)?;
    Ok(Arc::new(StaticLayers {
        summary: Prepared::json(&l.summary),
        communes: Prepared::json(&l.communes),
        sites: Prepared::json(&l.sites),
        arrondissements: Prepared::json(&l.arrondissements),
    }))
}

/// `dataset=` alone.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DatasetParam {
    /// An uploaded dataset id (from `POST /api/datasets`); default: the dataset loaded at
    /// start-up.
    #[expect(
        dead_code,
        reason = "documents the parameter in OpenAPI; query::parse reads it"
    )]
    pub dataset: Option<String>,
}

fn session_of(state: &AppState, raw: Option<&str>) -> Result<Arc<Session>, ApiError> {
    let p: Parsed<serde_json::Map<String, serde_json::Value>> = query::parse(raw)?;
    if let Some(k) = p.request.keys().next() {
        return Err(ApiError::parameter(k, format!("unknown parameter `{k}`")));
    }
    state.session(p.dataset.as_deref())
}

/// `GET /api/health`.
#[utoipa::path(get, path = "/api/health", responses((status = 200, description = "The service is up: `{\"status\":\"ok\",\"version\":...}`")))]
pub async fn health() -> Response {
    axum::Json(json!({"status": "ok", "version": env!("CARGO_PKG_VERSION")})).into_response()
}

macro_rules! static_layer {
    ($name:ident, $field:ident, $path:literal, $doc:literal) => {
        #[doc = $doc]
        #[utoipa::path(get, path = $path, params(DatasetParam), responses(
            (status = 200, description = $doc, content_type = "application/json"),
            (status = 304, description = "Not modified (ETag)"),
            (status = 404, description = "Unknown dataset id", body = crate::error::ErrorBody)))]
        pub async fn $name(
            State(state): State<AppState>,
            headers: HeaderMap,
            RawQuery(raw): RawQuery,
        ) -> Result<Response, ApiError> {
            let session = session_of(&state, raw.as_deref())?;
            let l = layers(&state, &session).await?;
            Ok(serve(&headers, &l.$field))
        }
    };
}

static_layer!(
    summary,
    summary,
    "/api/summary",
    "Scope, inputs with sha256, totals, norm, distances and caveats."
);
static_layer!(
    communes,
    communes,
    "/api/communes",
    "Communes as `GeoJSON` (WGS84, simplified, shared borders kept) with population, typology and its source, distances to the nearest SSM, E2SFCA accessibility, norm share and nearest SSM."
);
static_layer!(
    sites,
    sites,
    "/api/sites",
    "SSM sites as `GeoJSON` points: SSM, kind, ETP, residents served."
);
static_layer!(
    arrondissements,
    arrondissements,
    "/api/arrondissements",
    "Norm coverage per arrondissement: inhabitants per SSM, SSM due, deficit."
);

async fn lazy_layer(
    state: AppState,
    headers: HeaderMap,
    raw: Option<String>,
    pick: fn(&Session) -> &tokio::sync::OnceCell<Prepared>,
    compute: fn(&Engine) -> Result<serde_json::Value, EngineError>,
) -> Result<Response, ApiError> {
    let session = session_of(&state, raw.as_deref())?;
    let s = Arc::clone(&session);
    let st = state.clone();
    let prepared = pick(&session)
        .get_or_try_init(|| async move {
            st.run_job(move || Ok(Prepared::json(&compute(&s.engine)?)))
                .await
        })
        .await?;
    Ok(serve(&headers, prepared))
}

/// `GET /api/catchments`.
#[utoipa::path(get, path = "/api/catchments", params(DatasetParam), responses(
    (status = 200, description = "Catchment polygons of every site (GeoJSON, WGS84) with the catchments table's figures", content_type = "application/json")))]
pub async fn catchments(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    lazy_layer(
        state,
        headers,
        raw,
        |s| &s.catchments,
        |e| ssmplan_engine::map::catchments_layer(e, &Silent),
    )
    .await
}

/// `GET /api/grid`.
#[utoipa::path(get, path = "/api/grid", params(DatasetParam), responses(
    (status = 200, description = "The 1 km population cells (GeoJSON points) with their distance to the nearest site", content_type = "application/json")))]
pub async fn grid(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    lazy_layer(
        state,
        headers,
        raw,
        |s| &s.grid,
        |e| ssmplan_engine::map::grid_layer(e, &Silent),
    )
    .await
}

/// Runs an operation on the request of a query string, answering its JSON report (the same
/// bytes as the CLI's `--format json`). Answers are cached per dataset.
async fn operation<T>(
    state: AppState,
    headers: HeaderMap,
    raw: Option<String>,
    route: &'static str,
    check: fn(&T) -> Result<(), ApiError>,
    run: fn(&Engine, &T) -> Result<Report, EngineError>,
) -> Result<Response, ApiError>
where
    T: DeserializeOwned + Serialize + Send + 'static,
{
    let Parsed { dataset, request } = query::parse::<T>(raw.as_deref())?;
    check(&request)?;
    let session = state.session(dataset.as_deref())?;
    let key = format!(
        "{route}?{}",
        serde_json::to_string(&request).unwrap_or_default()
    );
    if let Some(hit) = session.answer(&key) {
        return Ok(serve(&headers, &hit));
    }
    let s = Arc::clone(&session);
    let prepared = state
        .run_job(move || {
            let report = run(&s.engine, &request)?;
            let bytes = report
                .json_bytes()
                .map_err(|e| ApiError::internal(&e.to_string()))?;
            Ok(Prepared::new(bytes, "application/json"))
        })
        .await?;
    session.keep_answer(key, prepared.clone(), state.limits.cached_answers);
    Ok(serve(&headers, &prepared))
}

macro_rules! operation_route {
    ($name:ident, $req:ty, $path:literal, $doc:literal, $check:expr, $run:expr) => {
        #[doc = $doc]
        #[utoipa::path(get, path = $path, params($req, DatasetParam), responses(
            (status = 200, description = "The operation's report: tool, command, parameters, inputs with sha256, caveats, summary and tables (the CLI's `--format json`)", content_type = "application/json"),
            (status = 400, description = "A bad parameter (named in `parameter`)", body = crate::error::ErrorBody),
            (status = 422, description = "The request cannot be computed on this dataset", body = crate::error::ErrorBody),
            (status = 503, description = "The service is busy or the computation took too long", body = crate::error::ErrorBody)))]
        pub async fn $name(
            State(state): State<AppState>,
            headers: HeaderMap,
            RawQuery(raw): RawQuery,
        ) -> Result<Response, ApiError> {
            operation::<$req>(state, headers, raw, $path, $check, $run).await
        }
    };
}

operation_route!(
    coverage,
    CoverageRequest,
    "/api/coverage",
    "Access distances and norm coverage per zone (`ssmplan coverage`).",
    |r: &CoverageRequest| check_demand(&r.demand),
    |e, r| ssmplan_engine::coverage(e, r, MapLayer::Skip, &Silent).map(|r| r.report)
);
operation_route!(
    accessibility,
    AccessibilityRequest,
    "/api/accessibility",
    "Floating-catchment accessibility per commune (`ssmplan accessibility`).",
    |r: &AccessibilityRequest| check_demand(&r.demand),
    |e, r| ssmplan_engine::accessibility(e, r, MapLayer::Skip, &Silent).map(|r| r.report)
);
operation_route!(
    recommendations,
    RecommendRequest,
    "/api/recommendations",
    "Where to open new SSM or antennes (`ssmplan recommend`).",
    |r: &RecommendRequest| {
        check_demand(&r.demand)?;
        check_candidates(&r.candidates)
    },
    |e, r| ssmplan_engine::recommend(e, r, MapLayer::Skip, &Silent).map(|r| r.report)
);
operation_route!(
    expansion,
    ExpandRequest,
    "/api/expansion",
    "Framework expansion within a budget (`ssmplan expand`).",
    |r: &ExpandRequest| {
        check_demand(&r.demand)?;
        check_no_path("frameworks", r.frameworks.as_ref())
    },
    |e, r| ssmplan_engine::expand(e, r, &Silent).map(|r| r.report)
);
operation_route!(
    coordinators,
    CoordinatorRequest,
    "/api/budget/coordinators",
    "The coordinator funding proposal by framework band (`ssmplan budget coordinators`).",
    |r: &CoordinatorRequest| check_no_path("frameworks", r.frameworks.as_ref()),
    |_, r| ssmplan_engine::coordinators(r).map(|r| r.report)
);

/// No parameters but `dataset=`.
#[derive(Debug, Default, serde::Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NoParams {}

operation_route!(
    typology,
    NoParams,
    "/api/typology",
    "The typology: official when loaded, else reconstructed, with loadings and group means (`ssmplan typology`).",
    |_: &NoParams| Ok(()),
    |e, _| ssmplan_engine::typology(e, &Silent).map(|r| r.report)
);
operation_route!(
    validate,
    NoParams,
    "/api/validate",
    "Checks of the dataset: counts, mapped codes, geometries, sites, totals (`ssmplan validate`).",
    |_: &NoParams| Ok(()),
    |e, _| Ok(ssmplan_engine::validate(e, &Silent))
);

impl utoipa::IntoParams for NoParams {
    fn into_params(
        _: impl Fn() -> Option<utoipa::openapi::path::ParameterIn>,
    ) -> Vec<utoipa::openapi::path::Parameter> {
        Vec::new()
    }
}

/// `POST /api/scenario`: the body is a scenario (JSON, the format of `ssmplan scenario FILE`).
#[utoipa::path(post, path = "/api/scenario", params(ScenarioRequest, DatasetParam),
    request_body(content_type = "application/json", description = "A scenario (JSON, or TOML with `content-type: application/toml`): `{\"name\": ..., \"add_sites\": [{\"id\", \"ssm_id\", \"kind\", \"lat\", \"lon\", \"etp\"}], \"remove_sites\": [site or SSM ids], \"etp_changes\": [{\"ssm_id\", \"etp_delta\"}], \"radius_km\", \"weights\"}` (see `crates/ssmplan-planner/src/scenario.rs`)"),
    responses(
        (status = 200, description = "Every metric before and after (table `deltas`)", content_type = "application/json"),
        (status = 400, description = "A bad parameter", body = crate::error::ErrorBody),
        (status = 413, description = "Body over the limit"),
        (status = 422, description = "Malformed scenario (the field is named)", body = crate::error::ErrorBody)))]
pub async fn scenario(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Result<Response, ApiError> {
    let Parsed { dataset, request } = query::parse::<ScenarioRequest>(raw.as_deref())?;
    check_demand(&request.demand)?;
    let toml = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.contains("toml"));
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(&body)
        && let Some(d) = v.get("demand").and_then(|d| d.as_str())
    {
        check_demand(d)?;
    }
    let session = state.session(dataset.as_deref())?;
    let key = format!(
        "/api/scenario?{}#{}",
        serde_json::to_string(&request).unwrap_or_default(),
        ssmplan_io::manifest::sha256_bytes(&body)
    );
    if let Some(hit) = session.answer(&key) {
        return Ok(serve(&headers, &hit));
    }
    let s = Arc::clone(&session);
    let prepared = state
        .run_job(move || {
            let r = ssmplan_engine::scenario(
                &s.engine,
                ScenarioSource::Body {
                    label: "request body",
                    bytes: &body,
                    toml,
                },
                &request,
                &Silent,
            )?;
            let bytes = r
                .report
                .json_bytes()
                .map_err(|e| ApiError::internal(&e.to_string()))?;
            Ok(Prepared::new(bytes, "application/json"))
        })
        .await?;
    session.keep_answer(key, prepared.clone(), state.limits.cached_answers);
    Ok(serve(&headers, &prepared))
}

/// `kind=` of an upload.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct UploadParams {
    /// `sites` or `typology` (for a `text/csv` body).
    pub kind: Option<String>,
    /// The user's file name, shown in errors and provenance (default `sites.csv` or
    /// `typology.csv`).
    pub name: Option<String>,
}

/// A file name a client gave, reduced to a safe label.
fn upload_label(name: Option<&str>, kind: &str) -> String {
    let base = name
        .and_then(|n| n.rsplit(['/', '\\']).next())
        .map(|n| {
            n.chars()
                .filter(|c| !c.is_control())
                .take(100)
                .collect::<String>()
        })
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| format!("{kind}.csv"));
    format!("upload:{base}")
}

/// What an upload answers.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UploadAnswer {
    /// The dataset id to pass as `dataset=` to every other route.
    pub dataset: String,
    /// SSM in scope.
    pub ssm: usize,
    /// Sites in scope.
    pub sites: usize,
    /// `official` when a typology table was uploaded (or loaded at start-up), else null.
    pub typology: Option<String>,
    /// Caveats of the new dataset.
    pub caveats: Vec<String>,
}

/// `POST /api/datasets`: a sites and/or typology table, as `text/csv` with `?kind=` or as a
/// multipart form with fields `sites` and `typology`. Validated with the CLI's loaders;
/// nothing is written to disk.
#[utoipa::path(post, path = "/api/datasets", params(UploadParams, DatasetParam),
    request_body(description = "`text/csv` (with `?kind=sites|typology`) or `multipart/form-data` with fields `sites` and/or `typology`", content_type = "text/csv"),
    responses(
        (status = 201, description = "The session dataset", body = UploadAnswer),
        (status = 400, description = "Missing or unknown kind", body = crate::error::ErrorBody),
        (status = 413, description = "Body over the limit"),
        (status = 415, description = "Neither text/csv nor multipart/form-data", body = crate::error::ErrorBody),
        (status = 422, description = "A bad row: file, line and field named", body = crate::error::ErrorBody)))]
#[expect(
    clippy::too_many_lines,
    reason = "one flow: content negotiation, reading the tables, loading them, the answer"
)]
pub async fn upload(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
    body: axum::extract::Request,
) -> Result<Response, ApiError> {
    let Parsed { dataset, request } = query::parse::<UploadParams>(raw.as_deref())?;
    let base = state.session(dataset.as_deref())?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let mut tables: Vec<(String, String, Bytes)> = Vec::new();
    if content_type.starts_with("multipart/form-data") {
        let mut form = <Multipart as axum::extract::FromRequest<()>>::from_request(body, &())
            .await
            .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, e.body_text()))?;
        while let Some(field) = form
            .next_field()
            .await
            .map_err(|e| ApiError::new(e.status(), e.body_text()))?
        {
            let name = field.name().unwrap_or("").to_owned();
            let label = upload_label(field.file_name(), &name);
            if name != "sites" && name != "typology" {
                return Err(ApiError::parameter(
                    &name,
                    format!("form field `{name}`: expected `sites` or `typology`"),
                ));
            }
            let bytes = field
                .bytes()
                .await
                .map_err(|e| ApiError::new(e.status(), e.body_text()))?;
            tables.push((name, label, bytes));
        }
    } else if content_type.starts_with("text/csv") || content_type.starts_with("text/plain") {
        let kind = request.kind.ok_or_else(|| {
            ApiError::parameter("kind", "kind: give ?kind=sites or ?kind=typology")
        })?;
        if kind != "sites" && kind != "typology" {
            return Err(ApiError::parameter(
                "kind",
                format!("kind: `{kind}` is not sites or typology"),
            ));
        }
        let bytes = axum::body::to_bytes(body.into_body(), state.limits.max_body_bytes)
            .await
            .map_err(|_| {
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    format!(
                        "the table is over the limit of {} bytes",
                        state.limits.max_body_bytes
                    ),
                )
            })?;
        let label = upload_label(request.name.as_deref(), &kind);
        tables.push((kind, label, bytes));
    } else {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send the table as text/csv (with ?kind=sites or ?kind=typology) or as multipart/form-data",
        ));
    }
    if tables.is_empty() {
        return Err(ApiError::parameter(
            "sites",
            "the form has no sites or typology field",
        ));
    }
    let engine = Arc::clone(&base.engine);
    let new_engine = state
        .run_job(move || {
            let mut current: Option<Engine> = None;
            for (kind, label, bytes) in &tables {
                let from = current.as_ref().unwrap_or(&engine);
                let label = Path::new(label);
                let next = if kind == "sites" {
                    from.with_sites(label, bytes)?
                } else {
                    from.with_typology(label, bytes)?
                };
                current = Some(next);
            }
            current.ok_or_else(|| ApiError::internal("no table"))
        })
        .await?;
    let d = new_engine.dataset();
    let answer = UploadAnswer {
        dataset: String::new(),
        ssm: d.ssm_count(),
        sites: d.sites.len(),
        typology: matches!(d.typology, ssmplan_io::TypologySource::Official(_))
            .then(|| "official".to_owned()),
        caveats: d.caveats(),
    };
    let id = state.add_upload(new_engine)?;
    tracing::info!(dataset = %id, ssm = answer.ssm, sites = answer.sites, "dataset uploaded");
    Ok((
        StatusCode::CREATED,
        axum::Json(UploadAnswer {
            dataset: id,
            ..answer
        }),
    )
        .into_response())
}
