//! `ssmplan urbanisation` end to end: formats, the extent flag, the cell table, errors naming
//! the grid file.

mod common;
use common::{scratch_dataset, ssmplan, stdout};

#[test]
fn csv_json_and_geojson_agree() {
    let csv = stdout(&["urbanisation", "--quiet", "--format", "csv"]);
    let mut lines = csv.lines();
    assert!(
        lines.next().is_some_and(
            |h| h.starts_with("nis,commune,province,arrondissement,population,degurba")
        ),
        "{csv}"
    );
    assert_eq!(lines.count(), 252, "AVIQ scope: 252 communes");
    assert!(csv.contains("\n62063,Liège,Liège,Liège,"), "Liège row");
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&["urbanisation", "--quiet", "--format", "json"]))
            .expect("json");
    assert_eq!(json["command"], "urbanisation");
    assert_eq!(json["parameters"]["extent"], "context");
    let communes = json["tables"]["communes"].as_array().expect("communes");
    let liege = communes
        .iter()
        .find(|c| c["nis"] == "62063")
        .expect("Liège");
    assert_eq!(liege["degurba"], "DEG1");
    assert!(
        json["tables"].get("cells").is_none(),
        "cells only on request"
    );
    let geojson: serde_json::Value =
        serde_json::from_str(&stdout(&["urbanisation", "--quiet", "--format", "geojson"]))
            .expect("geojson");
    let features = geojson["features"].as_array().expect("features");
    assert_eq!(features.len(), communes.len());
    assert_eq!(
        features
            .iter()
            .filter(|f| f["properties"]["degurba"] == "DEG1")
            .count(),
        communes.iter().filter(|c| c["degurba"] == "DEG1").count()
    );
}

#[test]
fn extent_and_cells_flags() {
    let json: serde_json::Value = serde_json::from_str(&stdout(&[
        "urbanisation",
        "--quiet",
        "--extent",
        "study-area",
        "--cells",
        "--scope",
        "wallonia",
        "--format",
        "json",
    ]))
    .expect("json");
    assert_eq!(json["parameters"]["extent"], "study_area");
    assert_eq!(json["parameters"]["grid_cells_classified"], 16_890);
    assert_eq!(
        json["tables"]["cells"].as_array().map(Vec::len),
        Some(16_890)
    );
    let out = ssmplan(&["urbanisation", "--extent", "nowhere"]);
    assert!(!out.status.success());
}

#[test]
fn a_grid_off_the_lattice_is_refused_naming_the_file_and_line() {
    let tmp = scratch_dataset("urbanisation");
    let dir = tmp.path();
    let path = dir.join("sectors/wallonia_ghs_pop_2020_1km_cells.csv");
    let text = std::fs::read_to_string(&path).expect("grid");
    std::fs::write(
        &path,
        text.replacen(",225500.0,5957500.0,", ",225400.0,5957500.0,", 1),
    )
    .expect("write");
    let out = ssmplan(&["urbanisation", "--data", dir.to_str().expect("utf-8")]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains("wallonia_ghs_pop_2020_1km_cells.csv, line 2")
            && err.contains("x_mollweide")
            && err.contains("lattice"),
        "{err}"
    );
}
