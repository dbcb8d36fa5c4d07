//! The map service answers the same numbers as the command line: for each operation, the JSON
//! of `GET /api/...` (through the real router) is byte-identical to `ssmplan ... --format json`
//! with the same parameters, except for the `data` path, which the server states as loaded.

use std::path::PathBuf;
use std::process::Command;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use ssmplan_engine::{DataRequest, Engine};
use ssmplan_server::{AppState, Limits, app};
use tower::ServiceExt;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn cli(args: &[&str]) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_ssmplan"))
        .current_dir(repo())
        .args(args)
        .args(["--format", "json"])
        .output()
        .expect("binary runs");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

async fn api(router: &axum::Router, method: &str, uri: &str, body: Option<Vec<u8>>) -> Vec<u8> {
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .header("content-type", "application/json")
        .body(body.map_or_else(Body::empty, Body::from))
        .expect("request");
    let response = router.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes()
        .to_vec();
    assert_eq!(
        status,
        StatusCode::OK,
        "{uri}: {}",
        String::from_utf8_lossy(&bytes)
    );
    bytes
}

#[tokio::test]
async fn every_operation_answers_the_cli_bytes() {
    // The engine is loaded the way the CLI loads it from the repository root.
    std::env::set_current_dir(repo()).expect("cd");
    let engine = Engine::load(&DataRequest::default()).expect("default dataset");
    let router = app(AppState::new(engine, Limits::default()));
    let scenario =
        std::fs::read(repo().join("geodata/scenarios/example_luxembourg.json")).expect("scenario");
    let cases: Vec<(Vec<&str>, &str, &str)> = vec![
        (vec!["coverage"], "GET", "/api/coverage"),
        (
            vec![
                "coverage", "--level", "commune", "--level", "typology", "--demand", "communes",
            ],
            "GET",
            "/api/coverage?level=commune&level=typology&demand=communes",
        ),
        (
            vec!["accessibility", "--method", "g2sfca", "--radius-km", "15"],
            "GET",
            "/api/accessibility?method=g2sfca&radius_km=15",
        ),
        (vec!["typology"], "GET", "/api/typology"),
        (vec!["validate"], "GET", "/api/validate"),
        (
            vec!["recommend", "--p", "5"],
            "GET",
            "/api/recommendations?p=5",
        ),
        (
            vec![
                "recommend",
                "--model",
                "lscp",
                "--radius-km",
                "15",
                "--demand",
                "communes",
                "--exclude",
                "92094",
            ],
            "GET",
            "/api/recommendations?model=lscp&radius_km=15&demand=communes&exclude=92094",
        ),
        (
            vec![
                "recommend",
                "--model",
                "pmedian",
                "--p",
                "3",
                "--candidates",
                "grid:5000",
                "--weights",
                "high_risk=2",
            ],
            "GET",
            "/api/recommendations?model=pmedian&p=3&candidates=grid:5000&weights=high_risk=2",
        ),
        (
            vec!["expand", "--budget-eur", "500000"],
            "GET",
            "/api/expansion?budget_eur=500000",
        ),
        (
            vec!["budget", "coordinators", "--bands", "2,45,18"],
            "GET",
            "/api/budget/coordinators?bands=2,45,18",
        ),
    ];
    for (args, method, uri) in cases {
        let expected = cli(&args);
        let got = api(&router, method, uri, None).await;
        assert!(
            expected == got,
            "{uri} differs from `ssmplan {}`:\n{}\n---\n{}",
            args.join(" "),
            String::from_utf8_lossy(&expected),
            String::from_utf8_lossy(&got)
        );
    }
    // The scenario: same figures; the provenance names the body instead of the file.
    let expected: serde_json::Value = serde_json::from_slice(&cli(&[
        "scenario",
        "geodata/scenarios/example_luxembourg.json",
    ]))
    .expect("json");
    let got: serde_json::Value =
        serde_json::from_slice(&api(&router, "POST", "/api/scenario", Some(scenario)).await)
            .expect("json");
    assert_eq!(expected["tables"], got["tables"]);
    assert_eq!(expected["summary"], got["summary"]);
    assert_eq!(expected["parameters"], got["parameters"]);
}
