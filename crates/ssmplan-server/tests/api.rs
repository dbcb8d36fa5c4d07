//! Every route of the map service through `tower::ServiceExt::oneshot` on the default dataset:
//! figures against the dataset's known totals, caching headers, uploads, scenarios, and every
//! kind of bad request answered with a 4xx JSON error naming the parameter.

use std::path::PathBuf;
use std::sync::LazyLock;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::Value;
use ssmplan_engine::{DataRequest, Engine};
use ssmplan_server::{AppState, Limits, app};
use tower::ServiceExt;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

static STATE: LazyLock<AppState> = LazyLock::new(|| {
    let engine = Engine::load(&DataRequest {
        data: repo().join("geodata"),
        ..DataRequest::default()
    })
    .expect("default dataset loads");
    AppState::new(engine, Limits::default())
});

fn service() -> Router {
    app(STATE.clone())
}

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!("{e}: {}", String::from_utf8_lossy(&self.body));
        })
    }
}

async fn send(request: Request<Body>) -> Answer {
    let response = service().oneshot(request).await.expect("infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes()
        .to_vec();
    Answer {
        status,
        headers,
        body,
    }
}

async fn get(uri: &str) -> Answer {
    send(Request::get(uri).body(Body::empty()).expect("request")).await
}

async fn post(uri: &str, content_type: &str, body: impl Into<Body>) -> Answer {
    send(
        Request::post(uri)
            .header(header::CONTENT_TYPE, content_type)
            .body(body.into())
            .expect("request"),
    )
    .await
}

/// A 4xx JSON error naming `parameter` (when given).
fn assert_error(a: &Answer, status: StatusCode, parameter: Option<&str>) -> Value {
    assert_eq!(a.status, status, "{}", String::from_utf8_lossy(&a.body));
    let v = a.json();
    assert!(v["error"].as_str().is_some_and(|e| !e.is_empty()), "{v}");
    if let Some(p) = parameter {
        assert_eq!(v["parameter"], p, "{v}");
    }
    v
}

#[tokio::test]
async fn health_and_summary_state_the_dataset() {
    let h = get("/api/health").await;
    assert_eq!(h.status, StatusCode::OK);
    assert_eq!(h.json()["status"], "ok");
    let s = get("/api/summary").await.json();
    // Statbel 1 January 2025, Wallonia without the German-speaking communes.
    assert_eq!(s["population"], 3_625_453);
    assert_eq!(s["communes"], 252);
    assert_eq!(s["ssm"], 36);
    assert_eq!(s["sites"], 39);
    assert_eq!(s["ssm_agreed"], 66);
    // 3,625,453 / 50,000 = 72.51 SSM due; 72.51 - 36 = 36.51.
    assert_eq!(s["ssm_due"], 72.51);
    assert_eq!(s["norm_deficit"], 36.51);
    assert_eq!(s["typology"]["source"], "reconstructed");
    let caveats = s["caveats"].to_string();
    assert!(caveats.contains("PARTIAL SITE LIST"), "{caveats}");
    assert!(s["inputs"].as_array().is_some_and(|i| {
        i.iter()
            .all(|f| f["sha256"].as_str().is_some_and(|h| h.len() == 64))
    }));
}

#[tokio::test]
async fn communes_layer_has_every_commune_with_its_figures_and_caches() {
    let a = get("/api/communes").await;
    assert_eq!(a.status, StatusCode::OK);
    let v = a.json();
    let features = v["features"].as_array().expect("features");
    assert_eq!(features.len(), 252);
    let population: u64 = features
        .iter()
        .map(|f| f["properties"]["population"].as_u64().expect("population"))
        .sum();
    assert_eq!(population, 3_625_453);
    let mut nis: Vec<&str> = features
        .iter()
        .map(|f| f["properties"]["nis"].as_str().expect("nis"))
        .collect();
    nis.dedup();
    assert_eq!(nis.len(), 252);
    for f in features {
        let p = &f["properties"];
        assert_eq!(f["geometry"]["type"], "MultiPolygon");
        assert!(p["mean_distance_km"].is_number(), "{p}");
        assert!(p["e2sfca_per_100k"].is_number(), "{p}");
        assert!(p["nearest_ssm_id"].is_string(), "{p}");
        assert_eq!(p["typology_source"], "reconstructed");
        // Every coordinate in Wallonia, WGS84.
        let text = f["geometry"]["coordinates"].to_string();
        assert!(!text.contains("null"));
    }
    // Namur (92094) holds SSM sites: its population-weighted distance is short.
    let namur = features
        .iter()
        .find(|f| f["properties"]["nis"] == "92094")
        .expect("Namur");
    assert!(
        namur["properties"]["mean_distance_km"]
            .as_f64()
            .expect("km")
            < 5.0
    );
    // ETag: a second request with it gets 304; gzip when asked.
    let etag = a.headers[header::ETAG].to_str().expect("etag").to_owned();
    let again = send(
        Request::get("/api/communes")
            .header(header::IF_NONE_MATCH, &etag)
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.body.is_empty());
    let gz = send(
        Request::get("/api/communes")
            .header(header::ACCEPT_ENCODING, "gzip, br")
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(gz.headers[header::CONTENT_ENCODING], "gzip");
    assert!(
        gz.body.len() * 3 < a.body.len(),
        "{} vs {}",
        gz.body.len(),
        a.body.len()
    );
}

#[tokio::test]
async fn sites_catchments_grid_and_arrondissements() {
    let sites = get("/api/sites").await.json();
    let sites = sites["features"].as_array().expect("features");
    assert_eq!(sites.len(), 39);
    assert!(sites.iter().all(|s| {
        ["siege", "antenne", "unspecified"]
            .contains(&s["properties"]["kind"].as_str().expect("kind"))
    }));
    let served: u64 = sites
        .iter()
        .map(|s| {
            s["properties"]["population_served"]
                .as_u64()
                .expect("served")
        })
        .sum();
    assert_eq!(served, 3_625_453, "every resident is served by one site");
    let c = get("/api/catchments").await.json();
    assert_eq!(c["features"].as_array().expect("features").len(), 39);
    let g = get("/api/grid").await.json();
    let cells = g["features"].as_array().expect("features");
    let pop: u64 = cells
        .iter()
        .map(|f| f["properties"]["population"].as_u64().expect("population"))
        .sum();
    assert_eq!(pop, 3_625_453);
    let a = get("/api/arrondissements").await.json();
    let rows = a["arrondissements"].as_array().expect("rows");
    let pop: u64 = rows
        .iter()
        .map(|r| r["population"].as_u64().expect("population"))
        .sum();
    assert_eq!(pop, 3_625_453);
}

#[tokio::test]
async fn operations_answer_reports() {
    let reco = get("/api/recommendations?model=mclp&p=3&radius_km=10&demand=communes").await;
    assert_eq!(
        reco.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&reco.body)
    );
    let report = reco.json();
    assert_eq!(report["command"], "recommend");
    assert_eq!(
        report["tables"]["recommendations"]
            .as_array()
            .expect("rows")
            .len(),
        3
    );
    assert_eq!(report["parameters"]["p"], 3);
    let cov = get("/api/coverage?level=province&level=arrondissement&demand=communes").await;
    let coverage = cov.json();
    assert_eq!(
        coverage["tables"]["province"]
            .as_array()
            .expect("rows")
            .len(),
        5
    );
    assert!(coverage["tables"]["arrondissement"].is_array());
    let budget = get("/api/budget/coordinators?bands=2,45,18").await.json();
    // The sector's table: 96,012 + 3,240,405 + 1,728,216 EUR.
    let total = budget["tables"]["bands"]
        .as_array()
        .and_then(|rows| rows.last())
        .map(|r| r["cost_eur"].clone());
    assert_eq!(total, Some(Value::from(5_064_633)));
    let expansion = get("/api/expansion?budget_eur=480060&demand=communes")
        .await
        .json();
    assert!(
        expansion["summary"]["allocated"]
            .as_str()
            .expect("allocated")
            .starts_with("5.00 ETP")
    );
    let access = get("/api/accessibility?method=2sfca&radius_km=15&demand=communes").await;
    assert_eq!(access.status, StatusCode::OK);
    // Modelled drive time: minutes, the shares beyond Eurostat's thresholds, the wording.
    let drive = get("/api/coverage?level=total&demand=communes&distance=drive")
        .await
        .json();
    let total = &drive["tables"]["total"][0];
    assert!(total["share_beyond_20_min_pct"].is_number(), "{total}");
    assert!(total.get("mean_distance_km").is_none());
    assert!(
        drive["parameters"]["distance_model"]
            .as_str()
            .is_some_and(|m| m.starts_with("modelled drive time, calibrated on Eurostat routed hospital access (2020), mean error"))
    );
    let in_min =
        get("/api/accessibility?method=2sfca&distance=drive&radius_min=15&demand=communes").await;
    assert_eq!(in_min.status, StatusCode::OK);
    assert_eq!(in_min.json()["parameters"]["radius_min"], 15.0);
    assert_eq!(get("/api/typology").await.json()["command"], "typology");
    assert_eq!(get("/api/validate").await.json()["command"], "validate");
}

#[tokio::test]
async fn scenario_changes_the_figures_and_names_bad_fields() {
    let body = r#"{"name":"t","add_sites":[{"id":"NEW-ARLON","ssm_id":"NEW-LUX","kind":"siege","lat":49.6833,"lon":5.8167}]}"#;
    let a = post("/api/scenario?demand=communes", "application/json", body).await;
    assert_eq!(
        a.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&a.body)
    );
    let v = a.json();
    let rows = v["tables"]["deltas"].as_array().expect("rows");
    let sites = rows
        .iter()
        .find(|r| r["metric"] == "sites" && r["zone"] == "all")
        .expect("sites row");
    assert_eq!(sites["before"], 39.0);
    assert_eq!(sites["after"], 40.0);
    let mean = rows
        .iter()
        .find(|r| r["metric"] == "mean_distance_km" && r["zone"] == "all")
        .expect("mean row");
    assert!(mean["delta"].as_f64().expect("delta") < 0.0, "{mean}");
    // The posted scenario is an input identified by its sha256, not an unverified dataset file.
    assert!(
        !v["caveats"].to_string().contains("MANIFEST"),
        "{}",
        v["caveats"]
    );
    let scenario_input = v["inputs"]
        .as_array()
        .and_then(|i| i.iter().find(|f| f["role"] == "scenario"))
        .expect("scenario input");
    assert_eq!(scenario_input["path"], "request body");
    let unknown = post(
        "/api/scenario",
        "application/json",
        r#"{"name":"t","remove_sites":["NO-SUCH-SITE"]}"#,
    )
    .await;
    let e = assert_error(&unknown, StatusCode::UNPROCESSABLE_ENTITY, None);
    assert!(
        e["error"].as_str().expect("text").contains("NO-SUCH-SITE"),
        "{e}"
    );
    let malformed = post("/api/scenario", "application/json", "{\"name\": ").await;
    assert_error(&malformed, StatusCode::UNPROCESSABLE_ENTITY, None);
    let outside = post(
        "/api/scenario",
        "application/json",
        r#"{"name":"t","add_sites":[{"id":"X","ssm_id":"X","kind":"siege","lat":48.85,"lon":2.35}]}"#,
    )
    .await;
    let e = assert_error(&outside, StatusCode::UNPROCESSABLE_ENTITY, None);
    assert!(
        e["error"].as_str().expect("text").contains("add_sites[0]"),
        "{e}"
    );
}

fn default_sites() -> String {
    std::fs::read_to_string(repo().join("geodata/facilities/wallonia_ssm_sites.csv"))
        .expect("sites file")
}

#[tokio::test]
async fn an_uploaded_sites_table_makes_a_private_session_dataset() {
    let mut csv = default_sites();
    // One more service in Arlon.
    let header: Vec<&str> = csv.lines().next().expect("header").split(',').collect();
    let row: Vec<&str> = header
        .iter()
        .map(|h| match *h {
            "ssm_id" => "NEW-ARLON",
            "ssm_name" => "Test SSM",
            "site_kind" => "siege",
            "lat" => "49.6833",
            "lon" => "5.8167",
            _ => "",
        })
        .collect();
    csv.push_str(&row.join(","));
    csv.push('\n');
    let a = post("/api/datasets?kind=sites", "text/csv", csv).await;
    assert_eq!(
        a.status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&a.body)
    );
    let v = a.json();
    let id = v["dataset"].as_str().expect("id").to_owned();
    assert_eq!(id.len(), 32, "128-bit hex id");
    assert_eq!(v["ssm"], 37);
    assert!(
        !v["caveats"].to_string().contains("MANIFEST"),
        "{}",
        v["caveats"]
    );
    assert_eq!(v["sites"], 40);
    let s = get(&format!("/api/summary?dataset={id}")).await.json();
    assert_eq!(s["sites"], 40);
    // Luxembourg now has a site: its caveat is gone in the session, not in the base.
    assert!(!s["caveats"].to_string().contains("Luxembourg"));
    assert!(
        get("/api/summary").await.json()["caveats"]
            .to_string()
            .contains("Luxembourg")
    );
    assert_eq!(get("/api/summary").await.json()["sites"], 39);
    let r = get(&format!(
        "/api/recommendations?dataset={id}&p=1&demand=communes"
    ))
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["parameters"]["sites_in_scope"], 40);
    let unknown = get("/api/summary?dataset=0123456789abcdef0123456789abcdef").await;
    assert_error(&unknown, StatusCode::NOT_FOUND, Some("dataset"));
}

#[tokio::test]
async fn a_bad_upload_names_line_and_field() {
    let mut lines: Vec<String> = default_sites().lines().map(str::to_owned).collect();
    let header: Vec<&str> = lines[0].split(',').collect();
    let lat = header.iter().position(|h| *h == "lat").expect("lat column");
    // Line 4 of the file (header is line 1) gets a latitude that is not a number.
    let mut fields: Vec<String> = split_csv(&lines[3]);
    fields[lat] = "north".into();
    lines[3] = fields
        .iter()
        .map(|f| quote(f))
        .collect::<Vec<_>>()
        .join(",");
    let a = post(
        "/api/datasets?kind=sites&name=C:\\planning\\mes_sites.csv",
        "text/csv",
        lines.join("\n"),
    )
    .await;
    let v = assert_error(&a, StatusCode::UNPROCESSABLE_ENTITY, None);
    assert_eq!(v["file"], "upload:mes_sites.csv", "{v}");
    assert_eq!(v["line"], 4, "{v}");
    assert_eq!(v["field"], "lat", "{v}");
    let typo = post(
        "/api/datasets?kind=typology",
        "text/csv",
        "nis,group\n92094,risque élevé\n99999,favorables\n",
    )
    .await;
    let v = assert_error(&typo, StatusCode::UNPROCESSABLE_ENTITY, None);
    assert_eq!(v["line"], 3, "{v}");
    assert_eq!(v["field"], "nis", "{v}");
    assert_error(
        &post("/api/datasets", "text/csv", "a,b\n").await,
        StatusCode::BAD_REQUEST,
        Some("kind"),
    );
    assert_error(
        &post("/api/datasets?kind=maps", "text/csv", "a,b\n").await,
        StatusCode::BAD_REQUEST,
        Some("kind"),
    );
    assert_error(
        &post("/api/datasets?kind=sites", "application/pdf", "%PDF").await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        None,
    );
    let big = "x".repeat(3 * 1024 * 1024);
    let a = post("/api/datasets?kind=sites", "text/csv", big).await;
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE);
}

fn split_csv(line: &str) -> Vec<String> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(line.as_bytes())
        .records()
        .next()
        .expect("row")
        .expect("csv")
        .iter()
        .map(str::to_owned)
        .collect()
}

fn quote(field: &str) -> String {
    if field.contains([',', '"']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

/// Bad requests: URI, status, parameter named.
const BAD_REQUESTS: &[(&str, StatusCode, &str)] = &[
    (
        "/api/coverage?distance=foo",
        StatusCode::BAD_REQUEST,
        "distance",
    ),
    (
        "/api/coverage?distance=detour:0.5",
        StatusCode::BAD_REQUEST,
        "distance",
    ),
    (
        "/api/accessibility?radius_min=10",
        StatusCode::BAD_REQUEST,
        "radius_min",
    ),
    (
        "/api/recommendations?model=kmeans",
        StatusCode::BAD_REQUEST,
        "model",
    ),
    ("/api/recommendations?p=0", StatusCode::BAD_REQUEST, "p"),
    (
        "/api/recommendations?p=100000",
        StatusCode::BAD_REQUEST,
        "p",
    ),
    ("/api/recommendations?p=five", StatusCode::BAD_REQUEST, "p"),
    (
        "/api/recommendations?radius_km=-4",
        StatusCode::BAD_REQUEST,
        "radius_km",
    ),
    (
        "/api/recommendations?radius_km=1e9",
        StatusCode::BAD_REQUEST,
        "radius_km",
    ),
    (
        "/api/recommendations?radius_km=NaN",
        StatusCode::BAD_REQUEST,
        "radius_km",
    ),
    (
        "/api/recommendations?candidates=/etc/passwd",
        StatusCode::BAD_REQUEST,
        "candidates",
    ),
    (
        "/api/recommendations?candidates=grid:10",
        StatusCode::BAD_REQUEST,
        "candidates",
    ),
    (
        "/api/recommendations?exclude=99999&demand=communes",
        StatusCode::BAD_REQUEST,
        "exclude",
    ),
    (
        "/api/recommendations?target_share=2&model=lscp",
        StatusCode::BAD_REQUEST,
        "target_share",
    ),
    (
        "/api/recommendations?weights=high_risk=abc",
        StatusCode::BAD_REQUEST,
        "weights",
    ),
    (
        "/api/recommendations?colour=red",
        StatusCode::BAD_REQUEST,
        "colour",
    ),
    (
        "/api/coverage?demand=points:/etc/passwd",
        StatusCode::BAD_REQUEST,
        "demand",
    ),
    (
        "/api/coverage?demand=grid:10",
        StatusCode::BAD_REQUEST,
        "demand",
    ),
    (
        "/api/coverage?demand=hexagons",
        StatusCode::BAD_REQUEST,
        "demand",
    ),
    (
        "/api/coverage?level=planet",
        StatusCode::BAD_REQUEST,
        "level",
    ),
    (
        "/api/coverage?detour=0.5",
        StatusCode::BAD_REQUEST,
        "detour",
    ),
    (
        "/api/accessibility?method=3sfca",
        StatusCode::BAD_REQUEST,
        "method",
    ),
    (
        "/api/accessibility?steps=5-1",
        StatusCode::BAD_REQUEST,
        "steps",
    ),
    ("/api/expansion", StatusCode::BAD_REQUEST, "budget_eur"),
    (
        "/api/expansion?budget_eur=-5",
        StatusCode::BAD_REQUEST,
        "budget_eur",
    ),
    (
        "/api/expansion?budget_etp=1&frameworks=/etc/passwd",
        StatusCode::BAD_REQUEST,
        "frameworks",
    ),
    (
        "/api/budget/coordinators?bands=2,45",
        StatusCode::BAD_REQUEST,
        "bands",
    ),
    (
        "/api/budget/coordinators",
        StatusCode::BAD_REQUEST,
        "frameworks",
    ),
    ("/api/communes?level=1", StatusCode::BAD_REQUEST, "level"),
    (
        "/api/communes?dataset=nope",
        StatusCode::NOT_FOUND,
        "dataset",
    ),
];

#[tokio::test]
async fn every_bad_request_is_a_4xx_naming_the_parameter() {
    for (uri, status, parameter) in BAD_REQUESTS {
        let a = get(uri).await;
        assert_eq!(
            a.status,
            *status,
            "{uri}: {}",
            String::from_utf8_lossy(&a.body)
        );
        assert_eq!(a.json()["parameter"], *parameter, "{uri}");
    }
    // More sites than candidates: the model cannot be solved as asked.
    let a = get("/api/recommendations?p=900&demand=communes").await;
    assert!(a.status.is_client_error(), "{}", a.status);
    let unknown_route = get("/api/nothing").await;
    assert_error(&unknown_route, StatusCode::NOT_FOUND, None);
    let wrong_method = post("/api/communes", "application/json", "{}").await;
    assert!(wrong_method.status.is_client_error());
}

#[tokio::test]
async fn openapi_documents_every_route() {
    let v = get("/api/openapi.json").await.json();
    assert_eq!(v["openapi"], "3.1.0");
    for route in [
        "/api/health",
        "/api/summary",
        "/api/communes",
        "/api/sites",
        "/api/catchments",
        "/api/grid",
        "/api/coverage",
        "/api/accessibility",
        "/api/typology",
        "/api/recommendations",
        "/api/expansion",
        "/api/budget/coordinators",
        "/api/scenario",
        "/api/datasets",
    ] {
        assert!(v["paths"][route].is_object(), "{route}");
    }
    let params = v["paths"]["/api/recommendations"]["get"]["parameters"].to_string();
    for p in ["model", "radius_km", "candidates", "dataset"] {
        assert!(params.contains(&format!("\"{p}\"")), "{p}");
    }
}

#[tokio::test]
async fn the_page_is_embedded() {
    let a = get("/").await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(String::from_utf8_lossy(&a.body).contains("lang=\"fr\""));
    let js = get("/vendor/maplibre-gl.js").await;
    assert_eq!(js.status, StatusCode::OK);
    assert!(
        js.headers[header::CONTENT_TYPE]
            .to_str()
            .expect("type")
            .starts_with("text/javascript")
    );
    assert_eq!(get("/vendor.sh").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_saturated_service_answers_503_instead_of_piling_up() {
    let state = AppState::new(
        Engine::load(&DataRequest {
            data: repo().join("geodata"),
            ..DataRequest::default()
        })
        .expect("dataset"),
        Limits {
            concurrent_jobs: 1,
            queue_wait: Duration::from_millis(50),
            job_timeout: Duration::from_millis(200),
            ..Limits::default()
        },
    );
    let (release, wait) = std::sync::mpsc::channel::<()>();
    let busy = state.clone();
    let first = tokio::spawn(async move {
        busy.run_job(move || {
            let _ = wait.recv_timeout(Duration::from_secs(5));
            Ok(())
        })
        .await
    });
    tokio::time::sleep(Duration::from_millis(20)).await;
    let second = state.run_job(|| Ok(())).await;
    assert_eq!(
        second.expect_err("saturated").status(),
        StatusCode::SERVICE_UNAVAILABLE
    );
    // The first one outlives its timeout: 503, and its slot stays taken until it ends.
    let first = first.await.expect("join");
    assert_eq!(
        first.expect_err("timeout").status(),
        StatusCode::SERVICE_UNAVAILABLE
    );
    let _ = release.send(());
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(state.run_job(|| Ok(())).await.is_ok());
}
