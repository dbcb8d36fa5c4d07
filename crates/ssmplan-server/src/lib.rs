//! HTTP map service of ssmplan: a JSON API over the engine (`ssmplan-engine`) and the French
//! planning page (`web/`, embedded in the binary).
//!
//! [`app`] builds the router (tested with `tower::ServiceExt::oneshot`); [`run`] serves it on
//! a socket until Ctrl-C or SIGTERM. The dataset is loaded once and shared; uploaded sites or
//! typology tables make session datasets kept in memory only. Heavy work runs on the blocking
//! pool under a concurrency limit and a timeout; static layers are computed once, kept
//! compressed and served with an `ETag`.

mod assets;
mod error;
mod query;
mod routes;
mod state;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use ssmplan_engine::Engine;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;

pub use error::{ApiError, ErrorBody};
pub use state::{AppState, Limits, Prepared};

/// The `OpenAPI` 3.1 document of the API, generated from the request types.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "ssmplan map service",
        description = "Coverage planning of the Walloon mental-health services (SSM): layers for the map, and every operation of the `ssmplan` command line with the same parameters (query parameter names are the CLI's long options with `_` for `-`) and the same JSON report. Every route takes `dataset=` (an id from `POST /api/datasets`). Errors are JSON `{error, parameter?, file?, line?, field?}` with a 4xx status."
    ),
    paths(
        routes::health,
        routes::summary,
        routes::communes,
        routes::sites,
        routes::arrondissements,
        routes::catchments,
        routes::grid,
        routes::coverage,
        routes::accessibility,
        routes::typology,
        routes::validate,
        routes::recommendations,
        routes::expansion,
        routes::coordinators,
        routes::scenario,
        routes::upload,
    ),
    components(schemas(ErrorBody, routes::UploadAnswer))
)]
pub struct ApiDoc;

/// The router's shared state plus the embedded page.
#[derive(Clone, Debug)]
struct Shared {
    app: AppState,
    assets: Arc<HashMap<String, Prepared>>,
    openapi: Arc<Prepared>,
}

impl axum::extract::FromRef<Shared> for AppState {
    fn from_ref(s: &Shared) -> Self {
        s.app.clone()
    }
}

/// The whole service: `/api/...` and the page.
pub fn app(state: AppState) -> Router {
    let openapi = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
    let body_limit = state.limits.max_body_bytes;
    let shared = Shared {
        app: state,
        assets: Arc::new(assets::load()),
        openapi: Arc::new(Prepared::json(&openapi)),
    };
    Router::new()
        .route("/api/health", get(routes::health))
        .route("/api/summary", get(routes::summary))
        .route("/api/communes", get(routes::communes))
        .route("/api/sites", get(routes::sites))
        .route("/api/arrondissements", get(routes::arrondissements))
        .route("/api/catchments", get(routes::catchments))
        .route("/api/grid", get(routes::grid))
        .route("/api/coverage", get(routes::coverage))
        .route("/api/accessibility", get(routes::accessibility))
        .route("/api/typology", get(routes::typology))
        .route("/api/validate", get(routes::validate))
        .route("/api/recommendations", get(routes::recommendations))
        .route("/api/expansion", get(routes::expansion))
        .route("/api/budget/coordinators", get(routes::coordinators))
        .route("/api/scenario", post(routes::scenario))
        .route("/api/datasets", post(routes::upload))
        .route("/api/openapi.json", get(openapi_doc))
        .route("/api/{*rest}", get(api_not_found).post(api_not_found))
        .fallback(get(asset))
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(CompressionLayer::new().gzip(true))
        .layer(CatchPanicLayer::custom(|_| {
            ApiError::internal("a handler panicked").into_response()
        }))
        .layer(TraceLayer::new_for_http())
        .with_state(shared)
}

async fn openapi_doc(State(s): State<Shared>, headers: HeaderMap) -> Response {
    routes::serve(&headers, &s.openapi)
}

async fn api_not_found(uri: Uri) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        format!("{}: no such route (see /api/openapi.json)", uri.path()),
    )
}

async fn asset(State(s): State<Shared>, headers: HeaderMap, uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    let path = if path.is_empty() { "index.html" } else { path };
    match s.assets.get(path) {
        Some(p) => routes::serve(&headers, p),
        None => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}

/// Options of [`run`].
#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// Address to listen on (loopback by default).
    pub addr: SocketAddr,
    /// Open the page in the default browser once listening.
    pub open_browser: bool,
    /// Limits.
    pub limits: Limits,
}

impl Default for ServeOptions {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            open_browser: false,
            limits: Limits::default(),
        }
    }
}

/// Computes the base dataset's static layers now, so the first page view is fast.
///
/// # Errors
/// When the layers cannot be computed (unreadable population grid, indicators...).
pub fn prepare(state: &AppState) -> Result<(), ApiError> {
    let layers = routes::compute_layers(&state.base.engine)?;
    let _ = state.base.layers.set(layers);
    Ok(())
}

/// Serves `engine` until Ctrl-C or SIGTERM, logging with `tracing` (`RUST_LOG` to tune).
///
/// # Errors
/// The layers cannot be computed or the address cannot be bound.
pub fn run(engine: Engine, options: &ServeOptions) -> anyhow::Result<()> {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,tower_http=info".into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
    let state = AppState::new(engine, options.limits.clone());
    prepare(&state).map_err(|e| anyhow::anyhow!("computing the map layers: {e:?}"))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let (addr, open_browser) = (options.addr, options.open_browser);
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| anyhow::anyhow!("cannot listen on {addr}: {e}"))?;
        let addr = listener.local_addr()?;
        let shutdown = shutdown_signal()?;
        if !addr.ip().is_loopback() {
            tracing::warn!(
                "listening on {addr}: the service is open to the network, without authentication; uploaded lists are only as private as their ids"
            );
        }
        let url = format!("http://{addr}/");
        println!("ssmplan map service: {url}  (Ctrl-C to stop)");
        if open_browser && let Err(e) = webbrowser::open(&url) {
            tracing::warn!("cannot open a browser: {e}");
        }
        axum::serve(listener, app(state))
            .with_graceful_shutdown(shutdown)
            .await?;
        tracing::info!("stopped");
        Ok(())
    })
}

/// Waits for Ctrl-C or SIGTERM. The handlers are installed when this is called, not when the
/// future is first polled, so a signal sent as soon as the address is printed is not lost (and does
/// not kill the process with the default disposition).
fn shutdown_signal() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    let (mut interrupt, mut terminate) = {
        use tokio::signal::unix::{SignalKind, signal};
        (
            signal(SignalKind::interrupt())?,
            signal(SignalKind::terminate())?,
        )
    };
    Ok(async move {
        #[cfg(unix)]
        tokio::select! {
            _ = interrupt.recv() => {},
            _ = terminate.recv() => {},
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutting down");
    })
}
