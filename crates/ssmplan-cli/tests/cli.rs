//! The `ssmplan` binary on the default dataset and on broken copies of it: outputs, determinism,
//! and clear errors (file, line, field) with a non-zero exit.

use std::path::Path;

mod common;
use common::{repo, scratch, scratch_dataset, ssmplan, stdout as ok};

/// A named edit of a file and the text the error must contain.
type Case = (&'static str, fn(String) -> String, &'static str);

fn fails(args: &[&str]) -> String {
    let out = ssmplan(args);
    assert!(!out.status.success(), "{args:?} should fail");
    assert!(out.stdout.is_empty(), "nothing on stdout on failure");
    let err = String::from_utf8(out.stderr).expect("utf-8");
    assert!(!err.contains("panicked"), "{err}");
    err
}

fn edit(path: &Path, f: impl FnOnce(String) -> String) {
    let text = std::fs::read_to_string(path).expect("read");
    std::fs::write(path, f(text)).expect("write");
}

#[test]
fn coverage_summary_states_scope_and_partial_list() {
    let out = ok(&["coverage", "--demand", "communes"]);
    assert!(out.contains("3625453"), "{out}");
    assert!(out.contains("PARTIAL SITE LIST: 36 SSM (39 sites) known against 66"));
    assert!(out.contains("German-speaking"));
    assert!(
        out.contains("provinces without any known site (artefact of the site list): Luxembourg")
    );
    assert!(out.contains("72.5"));
}

#[test]
fn outputs_are_byte_identical_between_runs() {
    for format in ["json", "csv", "geojson"] {
        let a = ok(&[
            "coverage", "--demand", "popgrid", "--level", "all", "--format", format,
        ]);
        let b = ok(&[
            "coverage", "--demand", "popgrid", "--level", "all", "--format", format,
        ]);
        assert_eq!(a, b, "{format}");
    }
    let a = ok(&["catchments", "--format", "geojson"]);
    assert_eq!(a, ok(&["catchments", "--format", "geojson"]));
}

#[test]
fn json_and_geojson_carry_provenance() {
    let json: serde_json::Value = serde_json::from_str(&ok(&[
        "coverage", "--demand", "communes", "--format", "json",
    ]))
    .expect("json");
    assert_eq!(json["parameters"]["population_in_scope"], 3_625_453);
    assert_eq!(json["tables"]["total"][0]["population"], 3_625_453);
    let inputs = json["inputs"].as_array().expect("inputs");
    assert!(inputs.iter().all(|i| i["verified_by_manifest"] == true));
    assert!(
        inputs
            .iter()
            .all(|i| i["sha256"].as_str().is_some_and(|s| s.len() == 64))
    );
    let geo: serde_json::Value =
        serde_json::from_str(&ok(&["catchments", "--format", "geojson"])).expect("geojson");
    assert_eq!(geo["type"], "FeatureCollection");
    let features = geo["features"].as_array().expect("features");
    assert_eq!(features.len(), 39);
    let population: u64 = features
        .iter()
        .map(|f| f["properties"]["population"].as_u64().expect("pop"))
        .sum();
    assert_eq!(population, 3_625_453);
    // WGS84 longitudes and latitudes of Wallonia.
    let first = &features[0]["geometry"]["coordinates"][0][0][0];
    let (lon, lat) = (
        first[0].as_f64().expect("lon"),
        first[1].as_f64().expect("lat"),
    );
    assert!(
        (2.8..6.5).contains(&lon) && (49.4..50.9).contains(&lat),
        "{lon} {lat}"
    );
    assert!(
        geo["ssmplan"]["caveats"]
            .as_array()
            .is_some_and(|c| !c.is_empty())
    );
}

#[test]
fn csv_out_writes_a_sidecar() {
    let tmp = scratch("cli-csv");
    let dir = tmp.path();
    let out = dir.join("coverage.csv");
    ok(&[
        "coverage",
        "--demand",
        "communes",
        "--level",
        "province",
        "--format",
        "csv",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    let csv = std::fs::read_to_string(&out).expect("csv");
    assert!(csv.starts_with("level,key,name,population,"));
    assert_eq!(csv.lines().count(), 6);
    let meta = std::fs::read_to_string(dir.join("coverage.csv.meta.json")).expect("sidecar");
    assert!(meta.contains("PARTIAL SITE LIST"));
}

#[test]
fn validate_reports_counts_and_mappings() {
    let out = ok(&["validate"]);
    assert!(
        out.contains("Walloon communes in the layer                     261"),
        "{out}"
    );
    assert!(out.contains("16901.5"));
    assert!(out.contains("unspecified kind"));
}

#[test]
fn missing_data_directory_and_files() {
    let err = fails(&["coverage", "--data", "/nonexistent/dir"]);
    assert!(
        err.contains("/nonexistent/dir") && err.contains("data directory not found"),
        "{err}"
    );
    let tmp = scratch_dataset("cli-missing");
    let dir = tmp.path();
    std::fs::remove_file(dir.join("population/wallonia_population_2025_by_commune.csv"))
        .expect("rm");
    let err = fails(&["coverage", "--data", dir.to_str().expect("utf-8")]);
    assert!(
        err.contains("wallonia_population_2025_by_commune.csv")
            && err.contains("missing population file"),
        "{err}"
    );
}

#[test]
fn corrupted_file_is_caught_by_the_manifest() {
    let tmp = scratch_dataset("cli-corrupt");
    let dir = tmp.path();
    std::fs::copy(
        repo().join("geodata/MANIFEST.sha256"),
        dir.join("MANIFEST.sha256"),
    )
    .expect("copy");
    edit(
        &dir.join("population/wallonia_population_2025_by_commune.csv"),
        |t| t.replacen("7242", "7243", 1),
    );
    let err = fails(&["coverage", "--data", dir.to_str().expect("utf-8")]);
    assert!(
        err.contains("sha256 mismatch") && err.contains("wallonia_population_2025_by_commune.csv"),
        "{err}"
    );
}

#[test]
fn bad_population_rows_name_file_line_and_field() {
    let cases: [Case; 5] = [
        (
            "negative",
            |t| t.replacen(",7242,", ",-7242,", 1),
            "line 2, field `pop_total`",
        ),
        (
            "text",
            |t| t.replacen(",7242,", ",many,", 1),
            "line 2, field `pop_total`",
        ),
        (
            "unknown",
            |t| t.replacen("25005,Beauvechain", "25999,Beauvechain", 1),
            "unknown NIS code `25999`",
        ),
        (
            "duplicate",
            |t| t.replacen("25014,Braine", "25005,Braine", 1),
            "duplicate value `25005`",
        ),
        (
            "malformed",
            |t| t.replacen("25005,Beauvechain,", "25005,", 1),
            "line 2: malformed row",
        ),
    ];
    for (name, change, expected) in cases {
        let tmp = scratch_dataset(&format!("cli-{name}"));
        let dir = tmp.path();
        let file = dir.join("population/wallonia_population_2025_by_commune.csv");
        edit(&file, change);
        let err = fails(&["coverage", "--data", dir.to_str().expect("utf-8")]);
        assert!(
            err.contains("wallonia_population_2025_by_commune.csv") && err.contains(expected),
            "{name}: {err}"
        );
    }
}

#[test]
fn bad_sites_name_file_line_and_field() {
    let cases: [Case; 3] = [
        (
            "kind",
            |t| t.replacen(",siege,", ",hopital,", 1),
            "line 2, field `site_kind`",
        ),
        // Paris: outside Wallonia.
        (
            "outside",
            |t| t.replacen("50.490094,5.104392", "48.8566,2.3522", 1),
            "outside every commune",
        ),
        (
            "latitude",
            |t| t.replacen("50.490094,5.104392", "north,5.104392", 1),
            "field `lat`",
        ),
    ];
    for (name, change, expected) in cases {
        let tmp = scratch_dataset(&format!("cli-{name}"));
        let dir = tmp.path();
        edit(&dir.join("facilities/wallonia_ssm_sites.csv"), change);
        let err = fails(&["coverage", "--data", dir.to_str().expect("utf-8")]);
        assert!(
            err.contains("wallonia_ssm_sites.csv") && err.contains(expected),
            "{name}: {err}"
        );
    }
}

#[test]
fn wrong_or_unknown_crs_is_an_error_naming_the_file() {
    let tmp = scratch_dataset("cli-crs");
    let dir = tmp.path();
    let args = |d: &Path| {
        vec![
            "coverage".to_owned(),
            "--boundaries".into(),
            "shapefile".into(),
            "--data".into(),
            d.display().to_string(),
        ]
    };
    // A UTM 31N .prj on Lambert 2008 coordinates: read, and caught by the range check.
    let utm = "PROJCS[\"WGS_1984_UTM_Zone_31N\",GEOGCS[\"GCS_WGS_1984\",DATUM[\"D_WGS_1984\",SPHEROID[\"WGS_1984\",6378137.0,298.257223563]],PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]],PROJECTION[\"Transverse_Mercator\"],PARAMETER[\"False_Easting\",500000.0],PARAMETER[\"False_Northing\",0.0],PARAMETER[\"Central_Meridian\",3.0],PARAMETER[\"Scale_Factor\",0.9996],PARAMETER[\"Latitude_Of_Origin\",0.0],UNIT[\"Meter\",1.0]]";
    std::fs::write(dir.join("communes/be_communes_2025_lambert2008.prj"), utm).expect("write");
    let a = args(dir);
    let a: Vec<&str> = a.iter().map(String::as_str).collect();
    let err = fails(&a);
    assert!(err.contains("not in Belgium for EPSG:32631"), "{err}");
    // Unknown projection in the .prj.
    std::fs::write(
        dir.join("communes/be_communes_2025_lambert2008.prj"),
        utm.replace("Transverse_Mercator", "Unknown_Projection"),
    )
    .expect("write");
    let err = fails(&a);
    assert!(
        err.contains("be_communes_2025_lambert2008.prj")
            && err.contains("unknown or unsupported coordinate reference system"),
        "{err}"
    );
    // A wrong override (Lambert 2008 metres read as degrees) is caught by the range check.
    let mut b = a.clone();
    b.extend(["--crs", "EPSG:4326"]);
    let err = fails(&b);
    assert!(err.contains("not in Belgium for EPSG:4326"), "{err}");
    // The right override works without the .prj.
    std::fs::remove_file(dir.join("communes/be_communes_2025_lambert2008.prj")).expect("rm");
    let err = fails(&a);
    assert!(err.contains("missing .prj"), "{err}");
    let mut c = a.clone();
    c.extend(["--crs", "EPSG:3812", "--demand", "communes"]);
    ok(&c);
}

#[test]
fn empty_layer_and_bad_options() {
    let tmp = scratch_dataset("cli-empty");
    let dir = tmp.path();
    std::fs::write(
        dir.join("communes/wallonia_communes_2025_wgs84.geojson"),
        r#"{"type":"FeatureCollection","features":[]}"#,
    )
    .expect("write");
    let err = fails(&["coverage", "--data", dir.to_str().expect("utf-8")]);
    assert!(err.contains("empty layer"), "{err}");
    assert!(fails(&["coverage", "--demand", "grid:-5"]).contains("--demand"));
    assert!(fails(&["coverage", "--demand", "hexagons"]).contains("--demand"));
    assert!(fails(&["coverage", "--province", "Flandre"]).contains("unknown province `Flandre`"));
    assert!(fails(&["coverage", "--detour", "0.5"]).contains("--detour"));
    assert!(fails(&["validate", "--format", "geojson"]).contains("no map layer"));
}

#[test]
fn province_filter_and_wallonia_scope() {
    let json: serde_json::Value = serde_json::from_str(&ok(&[
        "coverage",
        "--demand",
        "communes",
        "--province",
        "Namur",
        "--format",
        "json",
    ]))
    .expect("json");
    assert_eq!(json["tables"]["total"][0]["population"], 505_348);
    let json: serde_json::Value = serde_json::from_str(&ok(&[
        "coverage", "--demand", "communes", "--scope", "wallonia", "--format", "json",
    ]))
    .expect("json");
    assert_eq!(json["tables"]["total"][0]["population"], 3_704_990);
}

#[test]
fn coordinator_budget_matches_the_sectors_table() {
    let json: serde_json::Value = serde_json::from_str(&ok(&[
        "budget",
        "coordinators",
        "--bands",
        "2,45,18",
        "--format",
        "json",
    ]))
    .expect("json");
    let rows = json["tables"]["bands"].as_array().expect("rows");
    let costs: Vec<u64> = rows
        .iter()
        .map(|r| r["cost_eur"].as_u64().expect("cost"))
        .collect();
    assert_eq!(costs, [96_012, 3_240_405, 1_728_216, 5_064_633]);
    assert!(fails(&["budget", "coordinators", "--bands", "2,45"]).contains("three counts"));
    assert!(fails(&["budget", "coordinators"]).contains("--frameworks"));
}

#[test]
fn recommend_is_deterministic_and_explains_each_site() {
    let args = [
        "recommend",
        "--p",
        "3",
        "--demand",
        "communes",
        "--format",
        "json",
    ];
    let a = ok(&args);
    assert_eq!(a, ok(&args));
    let json: serde_json::Value = serde_json::from_str(&a).expect("json");
    let rows = json["tables"]["recommendations"].as_array().expect("rows");
    assert_eq!(rows.len(), 3);
    for r in rows {
        let decision = r["decision"].as_str().expect("decision");
        let catchment = r["catchment_population"].as_u64().expect("catchment");
        assert_eq!(decision == "new SSM", catchment >= 50_000, "{r}");
        assert!(
            r["reason"]
                .as_str()
                .is_some_and(|s| s.contains(&catchment.to_string()))
        );
        // Distances never get worse when a site opens.
        assert!(r["mean_distance_km_after"].as_f64() <= r["mean_distance_km_before"].as_f64());
    }
    assert_eq!(json["parameters"]["seed"], 42);
    assert!(fails(&["recommend", "--p", "300", "--demand", "communes"]).contains("candidates"));
    let err = fails(&["recommend", "--exclude", "99999"]);
    assert!(
        err.contains("--exclude: 99999: not a commune in scope"),
        "{err}"
    );
}

#[test]
fn expansion_spends_whole_steps_and_says_frameworks_are_assumed() {
    let json: serde_json::Value = serde_json::from_str(&ok(&[
        "expand",
        "--budget-etp",
        "2.6",
        "--demand",
        "communes",
        "--format",
        "json",
    ]))
    .expect("json");
    let rows = json["tables"]["frameworks"].as_array().expect("rows");
    let added: f64 = rows
        .iter()
        .map(|r| r["etp_added"].as_f64().expect("added"))
        .sum();
    assert!((added - 2.5).abs() < 1e-9, "{added}");
    assert!(
        json["caveats"]
            .as_array()
            .expect("caveats")
            .iter()
            .any(|c| c.as_str().is_some_and(|s| s.contains("ASSUMED FRAMEWORKS")))
    );
    let population: f64 = rows
        .iter()
        .map(|r| r["catchment_population"].as_f64().expect("pop"))
        .sum();
    assert!((population - 3_625_453.0).abs() <= rows.len() as f64);
    assert!(fails(&["expand", "--budget-etp=-1"]).contains("budget"));
}

#[test]
fn scenario_deltas_are_after_minus_before_and_empty_scenarios_change_nothing() {
    let json: serde_json::Value = serde_json::from_str(&ok(&[
        "scenario",
        "geodata/scenarios/example_luxembourg.json",
        "--demand",
        "communes",
        "--format",
        "json",
    ]))
    .expect("json");
    let rows = json["tables"]["deltas"].as_array().expect("rows");
    let find = |metric: &str, zone: &str| {
        rows.iter()
            .find(|r| r["metric"] == metric && r["zone"] == zone)
            .unwrap_or_else(|| panic!("{metric} {zone}"))
    };
    let ssm = find("ssm", "all");
    assert_eq!(
        (ssm["before"].as_f64(), ssm["after"].as_f64()),
        (Some(36.0), Some(37.0))
    );
    assert_eq!(find("sites", "province:Luxembourg")["after"], 2.0);
    for r in rows {
        let (b, a, d) = (
            r["before"].as_f64().expect("b"),
            r["after"].as_f64().expect("a"),
            r["delta"].as_f64().expect("d"),
        );
        assert!((a - b - d).abs() < 2e-3, "{r}");
    }
    // Hainaut is far from Luxembourg: its distances do not move.
    assert_eq!(find("pop_beyond_10km", "province:Hainaut")["delta"], 0.0);

    let tmp = scratch("cli-scenario");
    let dir = tmp.path();
    let empty = dir.join("empty.json");
    std::fs::write(&empty, r#"{"name": "nothing"}"#).expect("write");
    let json: serde_json::Value = serde_json::from_str(&ok(&[
        "scenario",
        empty.to_str().expect("utf-8"),
        "--demand",
        "communes",
        "--format",
        "json",
    ]))
    .expect("json");
    assert!(
        json["tables"]["deltas"]
            .as_array()
            .expect("rows")
            .iter()
            .all(|r| r["delta"].as_f64() == Some(0.0))
    );
    let bad = dir.join("bad.json");
    std::fs::write(&bad, r#"{"name": "x", "add_sites": [{"id": "P", "ssm_id": "N", "kind": "siege", "lat": 48.85, "lon": 2.35}]}"#).expect("write");
    let err = fails(&["scenario", bad.to_str().expect("utf-8")]);
    assert!(
        err.contains("bad.json")
            && err.contains("add_sites[0].lat")
            && err.contains("outside every commune"),
        "{err}"
    );
}

#[test]
fn reconstructed_typology_is_labelled_and_reads_back_as_a_typology_table() {
    let tmp = scratch("cli-typology");
    let dir = tmp.path();
    let out = dir.join("typology.csv");
    let out_s = out.to_str().expect("utf-8");
    ok(&["typology", "--out", out_s]);
    let first = std::fs::read_to_string(&out).expect("csv");
    ok(&["typology", "--out", out_s]);
    assert_eq!(
        first,
        std::fs::read_to_string(&out).expect("csv"),
        "deterministic"
    );
    assert!(first.starts_with("nis,name,province,group,"));
    assert_eq!(first.lines().count(), 253);
    let meta = std::fs::read_to_string(dir.join("typology.csv.meta.json")).expect("sidecar");
    assert!(meta.contains("RECONSTRUCTED") && meta.contains("not the IWEPS table"));
    // Read back as an official-format table: every commune in scope gets a group.
    let json: serde_json::Value = serde_json::from_str(&ok(&[
        "coverage",
        "--demand",
        "communes",
        "--typology",
        out_s,
        "--level",
        "typology",
        "--format",
        "json",
    ]))
    .expect("json");
    let groups = json["tables"]["typology"].as_array().expect("rows");
    assert_eq!(groups.len(), 4);
    let population: u64 = groups
        .iter()
        .map(|g| g["population"].as_u64().expect("pop"))
        .sum();
    assert_eq!(population, 3_625_453);
    // Recommendations use it and say so.
    let json: serde_json::Value = serde_json::from_str(&ok(&[
        "recommend",
        "--p",
        "2",
        "--demand",
        "communes",
        "--format",
        "json",
    ]))
    .expect("json");
    assert!(
        json["parameters"]["typology"]
            .as_str()
            .is_some_and(|t| t.contains("RECONSTRUCTED"))
    );
}
