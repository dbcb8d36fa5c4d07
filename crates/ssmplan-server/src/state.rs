//! What the service holds: the base dataset, uploaded session datasets (in memory, bounded,
//! under unguessable ids), their layers computed once and kept compressed, a small cache of
//! operation answers, and the limit on concurrent heavy work.

use std::collections::{HashMap, VecDeque};
use std::io::Write as _;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use ssmplan_engine::Engine;
use tokio::sync::{OnceCell, Semaphore};

use crate::error::ApiError;

/// Limits of the service.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Heavy computations running at once (more wait, then get 503).
    pub concurrent_jobs: usize,
    /// How long a request waits for a free slot before 503.
    pub queue_wait: Duration,
    /// How long a computation may take before the request gets 503.
    pub job_timeout: Duration,
    /// Uploaded datasets kept (oldest evicted).
    pub max_datasets: usize,
    /// Largest request body (uploads, scenarios).
    pub max_body_bytes: usize,
    /// Operation answers kept per dataset.
    pub cached_answers: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            concurrent_jobs: 4,
            queue_wait: Duration::from_secs(10),
            job_timeout: Duration::from_secs(60),
            max_datasets: 32,
            max_body_bytes: 2 * 1024 * 1024,
            cached_answers: 64,
        }
    }
}

/// A response body kept ready: raw, gzip-compressed, and its entity tag.
#[derive(Clone, Debug)]
pub struct Prepared {
    /// Uncompressed bytes.
    pub raw: Bytes,
    /// Gzip-compressed bytes.
    pub gzip: Bytes,
    /// Strong entity tag (quoted sha256 prefix of `raw`).
    pub etag: String,
    /// Content type.
    pub content_type: &'static str,
}

impl Prepared {
    /// Prepares `raw` for serving.
    #[must_use]
    pub fn new(raw: Vec<u8>, content_type: &'static str) -> Self {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        // Writing to a Vec cannot fail.
        let _ = encoder.write_all(&raw);
        let gzip = encoder.finish().unwrap_or_default();
        let etag = format!("\"{}\"", &ssmplan_io::manifest::sha256_bytes(&raw)[..32]);
        Self {
            raw: Bytes::from(raw),
            gzip: Bytes::from(gzip),
            etag,
            content_type,
        }
    }

    /// A JSON value prepared for serving.
    #[must_use]
    pub fn json(value: &serde_json::Value) -> Self {
        Self::new(
            serde_json::to_vec(value).unwrap_or_default(),
            "application/json",
        )
    }
}

/// The layers every view needs, computed once per dataset.
#[derive(Debug)]
pub struct StaticLayers {
    /// `/api/summary`.
    pub summary: Prepared,
    /// `/api/communes`.
    pub communes: Prepared,
    /// `/api/sites`.
    pub sites: Prepared,
    /// `/api/arrondissements`.
    pub arrondissements: Prepared,
}

/// One dataset the service answers on: the base one or an upload.
#[derive(Debug)]
pub struct Session {
    /// The engine.
    pub engine: Arc<Engine>,
    /// Its static layers.
    pub layers: OnceCell<Arc<StaticLayers>>,
    /// Its catchments layer.
    pub catchments: OnceCell<Prepared>,
    /// Its population grid layer.
    pub grid: OnceCell<Prepared>,
    /// Operation answers by route and normalised query (outputs are deterministic).
    answers: Mutex<(HashMap<String, Prepared>, VecDeque<String>)>,
}

impl Session {
    /// A session over an engine.
    pub fn new(engine: Engine) -> Self {
        Self {
            engine: Arc::new(engine),
            layers: OnceCell::new(),
            catchments: OnceCell::new(),
            grid: OnceCell::new(),
            answers: Mutex::new((HashMap::new(), VecDeque::new())),
        }
    }

    /// A cached answer.
    pub fn answer(&self, key: &str) -> Option<Prepared> {
        self.answers.lock().ok()?.0.get(key).cloned()
    }

    /// Keeps an answer, evicting the oldest beyond `capacity`.
    pub fn keep_answer(&self, key: String, answer: Prepared, capacity: usize) {
        if let Ok(mut guard) = self.answers.lock() {
            let (map, order) = &mut *guard;
            if map.insert(key.clone(), answer).is_none() {
                order.push_back(key);
            }
            while order.len() > capacity {
                if let Some(old) = order.pop_front() {
                    map.remove(&old);
                }
            }
        }
    }
}

/// Uploaded datasets, oldest first.
#[derive(Debug, Default)]
struct Uploads {
    by_id: HashMap<String, Arc<Session>>,
    order: VecDeque<String>,
}

/// The state shared by every handler.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The dataset loaded at start-up.
    pub base: Arc<Session>,
    uploads: Arc<Mutex<Uploads>>,
    /// Slots for heavy work.
    pub jobs: Arc<Semaphore>,
    /// Limits.
    pub limits: Limits,
}

impl AppState {
    /// State over the dataset loaded at start-up.
    pub fn new(engine: Engine, limits: Limits) -> Self {
        Self {
            base: Arc::new(Session::new(engine)),
            uploads: Arc::default(),
            jobs: Arc::new(Semaphore::new(limits.concurrent_jobs.max(1))),
            limits,
        }
    }

    /// The session of `dataset` (`None` or `default`: the base one).
    ///
    /// # Errors
    /// 404 for an unknown or evicted id.
    pub fn session(&self, dataset: Option<&str>) -> Result<Arc<Session>, ApiError> {
        match dataset {
            None | Some("" | "default") => Ok(Arc::clone(&self.base)),
            Some(id) => self
                .uploads
                .lock()
                .ok()
                .and_then(|u| u.by_id.get(id).cloned())
                .ok_or_else(|| {
                    let mut e = ApiError::new(
                        axum::http::StatusCode::NOT_FOUND,
                        format!("dataset `{id}` is unknown or was evicted (upload it again)"),
                    );
                    e = e.with_parameter("dataset");
                    e
                }),
        }
    }

    /// Keeps an uploaded dataset under a new unguessable id, evicting the oldest beyond the
    /// limit.
    ///
    /// # Errors
    /// 500 when no random id can be drawn.
    pub fn add_upload(&self, engine: Engine) -> Result<String, ApiError> {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes).map_err(|e| ApiError::internal(&e.to_string()))?;
        let id = bytes.iter().fold(String::with_capacity(32), |mut s, b| {
            use std::fmt::Write as _;
            let _ = write!(s, "{b:02x}");
            s
        });
        let mut uploads = self
            .uploads
            .lock()
            .map_err(|_| ApiError::internal("uploads lock poisoned"))?;
        uploads
            .by_id
            .insert(id.clone(), Arc::new(Session::new(engine)));
        uploads.order.push_back(id.clone());
        while uploads.order.len() > self.limits.max_datasets {
            if let Some(old) = uploads.order.pop_front() {
                uploads.by_id.remove(&old);
            }
        }
        Ok(id)
    }

    /// Runs heavy work on the blocking pool, at most `concurrent_jobs` at once.
    ///
    /// # Errors
    /// 503 when no slot frees within `queue_wait` or the work exceeds `job_timeout` (it then
    /// finishes in the background, holding its slot, so work never piles up); 500 if it
    /// panicked.
    pub async fn run_job<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce() -> Result<T, ApiError> + Send + 'static,
    {
        let permit = tokio::time::timeout(
            self.limits.queue_wait,
            Arc::clone(&self.jobs).acquire_owned(),
        )
        .await
        .map_err(|_| ApiError::busy("the service is busy: try again in a moment"))?
        .map_err(|_| ApiError::internal("job semaphore closed"))?;
        let handle = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            work()
        });
        match tokio::time::timeout(self.limits.job_timeout, handle).await {
            Err(_) => Err(ApiError::busy(
                "the computation took too long: ask for a smaller problem",
            )),
            Ok(Err(join)) => Err(ApiError::internal(&format!("job failed: {join}"))),
            Ok(Ok(result)) => result,
        }
    }
}
