//! `GeoPackage` output and input checked with GDAL itself (`ogrinfo`, `ogr2ogr` from Debian's
//! `gdal-bin`), an independent reader and writer of the format:
//! - the `.gpkg` of several commands opens in GDAL without error or warning, with the expected
//!   layers, feature counts, geometry types and CRS (EPSG:4326), an extent in Wallonia in
//!   longitude/latitude order, the provenance in its metadata, and every attribute table equal,
//!   value by value, to the JSON output of the same command;
//! - GDAL's `validate_gpkg.py` (when `python3-gdal` is installed) finds nothing to report;
//! - the default communes (`GeoJSON` and the Lambert 2008 shapefile) and sites (CSV) converted
//!   to `GeoPackage` by `ogr2ogr` give the same figures as the default inputs.
//!
//! Without `ogrinfo` the GDAL checks print `SKIPPED: ogrinfo (gdal-bin) not installed` and
//! pass, unless `SSMPLAN_REQUIRE_GDAL=1` (set by `.ci/run` once it has installed `gdal-bin`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use tempfile::TempDir;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn ssmplan(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ssmplan"))
        .current_dir(repo())
        .args(args)
        .arg("--quiet")
        .output()
        .expect("binary runs")
}

fn ok(args: &[&str]) -> Vec<u8> {
    let out = ssmplan(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn json(args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    serde_json::from_slice(&ok(&all)).expect("JSON output")
}

/// A scratch directory for one test, removed when the returned guard is dropped.
fn scratch(name: &str) -> TempDir {
    tempfile::Builder::new()
        .prefix(&format!("ssmplan-gpkg-{name}-"))
        .tempdir()
        .expect("scratch directory")
}

/// True when GDAL's tools can run; else prints SKIPPED, or fails under
/// `SSMPLAN_REQUIRE_GDAL=1`.
fn gdal() -> bool {
    let found = Command::new("ogrinfo")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var("SSMPLAN_REQUIRE_GDAL").as_deref() != Ok("1"),
            "SSMPLAN_REQUIRE_GDAL=1 but ogrinfo (gdal-bin) is not installed"
        );
        println!("SKIPPED: ogrinfo (gdal-bin) not installed");
    }
    found
}

/// Runs a GDAL tool; fails on a non-zero exit, or on any `ERROR` or `Warning` it prints.
fn gdal_run(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool)
        .args(args)
        .output()
        .expect("GDAL tool runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{tool} {args:?}: {stderr}");
    assert!(
        !stderr.contains("ERROR") && !stderr.contains("Warning"),
        "{tool} {args:?} complained: {stderr}"
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

/// What `ogrinfo -so -al` says of one layer.
#[derive(Debug, Default)]
struct LayerInfo {
    geometry: String,
    features: usize,
    extent: Option<[f64; 4]>,
    epsg: Option<u32>,
}

/// Layers of a `GeoPackage` as `ogrinfo -ro -so -al` describes them.
fn ogrinfo_layers(path: &Path) -> BTreeMap<String, LayerInfo> {
    let text = gdal_run(
        "ogrinfo",
        &["-ro", "-so", "-al", path.to_str().expect("path")],
    );
    let mut layers: BTreeMap<String, LayerInfo> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("Layer name: ") {
            current = Some(name.trim().to_owned());
            layers.insert(name.trim().to_owned(), LayerInfo::default());
            continue;
        }
        let Some(layer) = current.as_ref().and_then(|c| layers.get_mut(c)) else {
            continue;
        };
        if let Some(g) = line.strip_prefix("Geometry: ") {
            g.trim().clone_into(&mut layer.geometry);
        } else if let Some(n) = line.strip_prefix("Feature Count: ") {
            layer.features = n.trim().parse().expect("count");
        } else if let Some(e) = line.strip_prefix("Extent: ") {
            let numbers: Vec<f64> = e
                .split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == 'e'))
                .filter(|t| !t.is_empty() && *t != "-")
                .map(|t| t.parse().expect("extent number"))
                .collect();
            layer.extent = numbers.try_into().ok();
        } else if line.trim_start().starts_with("ID[\"EPSG\",") && line.starts_with("    ID[") {
            // The CRS's own ID: the last line of the WKT, indented once.
            let code = line.trim().trim_start_matches("ID[\"EPSG\",");
            layer.epsg = code.trim_end_matches([']', ',']).parse().ok();
        }
    }
    layers
}

/// Rows of a layer as GDAL reads them (`ogr2ogr -f CSV`), as header → value maps.
fn gdal_rows(path: &Path, layer: &str, extra: &[&str]) -> Vec<BTreeMap<String, String>> {
    let mut args = vec![
        "-f",
        "CSV",
        "/vsistdout/",
        path.to_str().expect("path"),
        layer,
    ];
    args.extend(extra);
    let text = gdal_run("ogr2ogr", &args);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().expect("header").clone();
    reader
        .records()
        .map(|r| {
            let r = r.expect("record");
            header
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_owned(), v.to_owned()))
                .collect()
        })
        .collect()
}

/// A value read by GDAL equals the JSON output's: empty for null, the same text, or the same
/// number (exactly: both are the decimal of the report).
fn same(gdal: &str, json: &Value) -> bool {
    match json {
        Value::Null => gdal.is_empty(),
        Value::String(s) => gdal == s,
        Value::Number(n) => gdal.parse::<f64>().ok() == n.as_f64(),
        other => gdal == other.to_string().as_str(),
    }
}

fn assert_rows_equal(what: &str, gdal: &[BTreeMap<String, String>], json: &[Value]) {
    assert_eq!(gdal.len(), json.len(), "{what}: row count");
    for (i, (g, j)) in gdal.iter().zip(json).enumerate() {
        let j = j.as_object().expect("row object");
        for (k, v) in j {
            let read = g
                .get(k)
                .unwrap_or_else(|| panic!("{what}: no column `{k}` in GDAL's reading"));
            assert!(
                same(read, v),
                "{what}, row {i}, `{k}`: GDAL read `{read}`, JSON has {v}"
            );
        }
    }
}

/// GDAL's conformance checker of the `GeoPackage` specification (`validate_gpkg.py`, shipped with
/// Debian's `python3-gdal`), when it is installed: it must find nothing.
fn validate_gpkg(file: &Path) {
    let script = Path::new("/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py");
    if !script.is_file() {
        println!("SKIPPED: validate_gpkg.py (python3-gdal) not installed");
        return;
    }
    let out = Command::new("python3")
        .arg(script)
        .arg(file)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success() && out.stdout.is_empty() && out.stderr.is_empty(),
        "{}: validate_gpkg.py: {}{}",
        file.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Writes `args` as a `GeoPackage` and checks it against GDAL and the JSON output: the layer
/// names and counts, the map layer's geometry type, CRS and extent, every attribute table value
/// by value, the summary and the provenance. Returns the scratch directory (the file is removed
/// with it when it is dropped), the file and the JSON.
fn check_command(name: &str, args: &[&str], geometry: Option<&str>) -> (TempDir, PathBuf, Value) {
    let dir = scratch(name);
    let file = dir.path().join(format!("{name}.gpkg"));
    let mut all = args.to_vec();
    all.extend(["--out", file.to_str().expect("path")]);
    ok(&all);
    let report = json(args);
    let command = report["command"]
        .as_str()
        .expect("command")
        .replace(' ', "_");
    let layers = ogrinfo_layers(&file);
    let tables = report["tables"].as_object().expect("tables");
    let mut expected: Vec<String> = tables
        .keys()
        .map(|t| {
            if *t == command {
                format!("{command}_table")
            } else {
                format!("{command}_{t}")
            }
        })
        .collect();
    let json_summary = report["summary"].as_object().expect("summary");
    if !json_summary.is_empty() {
        expected.push(format!("{command}_summary"));
    }
    if geometry.is_some() {
        expected.push(format!("ssmplan_{command}"));
    }
    expected.sort();
    assert_eq!(
        layers.keys().cloned().collect::<Vec<_>>(),
        expected,
        "{name}: layers"
    );
    for (t, rows) in tables {
        let layer = if *t == command {
            format!("{command}_table")
        } else {
            format!("{command}_{t}")
        };
        let rows = rows.as_array().expect("rows");
        assert_eq!(layers[&layer].features, rows.len(), "{name}: {layer} count");
        assert_eq!(
            layers[&layer].geometry, "None",
            "{name}: {layer} is an attribute table"
        );
        assert_rows_equal(
            &format!("{name}: {layer}"),
            &gdal_rows(&file, &layer, &[]),
            rows,
        );
    }
    let summary = if json_summary.is_empty() {
        Vec::new()
    } else {
        gdal_rows(&file, &format!("{command}_summary"), &[])
    };
    assert_eq!(summary.len(), json_summary.len(), "{name}: summary rows");
    for row in &summary {
        assert_eq!(
            json_summary[&row["figure"]].as_str(),
            Some(row["value"].as_str()),
            "{name}: summary"
        );
    }
    if let Some(kind) = geometry {
        let info = &layers[&format!("ssmplan_{command}")];
        assert_eq!(info.geometry, kind, "{name}: geometry type");
        assert_eq!(info.epsg, Some(4326), "{name}: CRS");
        let [min_x, min_y, max_x, max_y] = info.extent.expect("extent");
        // Wallonia in longitude, latitude order.
        assert!(
            (2.8..=6.5).contains(&min_x) && (2.8..=6.5).contains(&max_x),
            "{name}: x {min_x}..{max_x} not longitudes of Wallonia"
        );
        assert!(
            (49.4..=50.9).contains(&min_y) && (49.4..=50.9).contains(&max_y),
            "{name}: y {min_y}..{max_y} not latitudes of Wallonia"
        );
    }
    validate_gpkg(&file);
    // The provenance: GDAL reads the metadata items, with the inputs' digests.
    let info = gdal_run("ogrinfo", &["-ro", "-so", file.to_str().expect("path")]);
    assert!(
        info.contains(&format!(
            "SSMPLAN_COMMAND={}",
            report["command"].as_str().expect("command")
        )),
        "{name}: no provenance in GDAL's metadata"
    );
    for input in report["inputs"].as_array().expect("inputs") {
        let sha = input["sha256"].as_str().expect("sha256");
        assert!(
            info.contains(sha),
            "{name}: input digest {sha} missing from the metadata"
        );
    }
    (dir, file, report)
}

#[test]
fn coverage_communes_read_by_gdal() {
    if !gdal() {
        return;
    }
    let (_dir, file, report) = check_command(
        "coverage",
        &["coverage", "--level", "commune", "--level", "province"],
        Some("Multi Polygon"),
    );
    // The map layer: one feature per commune in scope, its figures those of the commune table.
    let communes = report["tables"]["commune"].as_array().expect("communes");
    let features = gdal_rows(&file, "ssmplan_coverage", &[]);
    assert_eq!(features.len(), communes.len());
    assert_eq!(
        report["parameters"]["communes_in_scope"].as_u64(),
        Some(features.len() as u64)
    );
    for (f, c) in features.iter().zip(communes) {
        assert_eq!(f["nis"], c["key"].as_str().expect("key"));
        for k in [
            "population",
            "sites",
            "mean_distance_km",
            "pop_beyond_10km",
            "norm_deficit_ssm",
        ] {
            assert!(
                same(&f[k], &c[k]),
                "commune {}: `{k}` {} vs {}",
                f["nis"],
                f[k],
                c[k]
            );
        }
    }
    let namur = features
        .iter()
        .find(|f| f["nis"] == "92094")
        .expect("Namur");
    assert_eq!(namur["name"], "Namur");
}

#[test]
fn catchments_accessibility_recommend_validate_read_by_gdal() {
    if !gdal() {
        return;
    }
    for (name, args, geometry, table) in [
        (
            "catchments",
            vec!["catchments"],
            Some("Multi Polygon"),
            "catchments",
        ),
        (
            "accessibility",
            vec!["accessibility"],
            Some("Multi Polygon"),
            "communes",
        ),
        (
            "recommend",
            vec!["recommend", "-p", "3", "--demand", "communes"],
            Some("Point"),
            "recommendations",
        ),
        ("validate", vec!["validate"], None, ""),
    ] {
        let (_dir, file, report) = check_command(name, &args, geometry);
        if geometry.is_none() {
            continue;
        }
        // The map layer's attributes are the rows of the report's table, in order.
        let rows = report["tables"][table].as_array().expect("rows");
        let extra: &[&str] = if geometry == Some("Point") {
            &["-lco", "GEOMETRY=AS_XY"]
        } else {
            &[]
        };
        let features = gdal_rows(&file, &format!("ssmplan_{name}"), extra);
        assert_rows_equal(&format!("{name}: map layer"), &features, rows);
        if geometry == Some("Point") {
            for f in &features {
                let x: f64 = f["X"].parse().expect("X");
                let lon: f64 = f["lon"].parse().expect("lon");
                let y: f64 = f["Y"].parse().expect("Y");
                let lat: f64 = f["lat"].parse().expect("lat");
                assert!((x - lon).abs() < 1e-9 && (y - lat).abs() < 1e-9, "{f:?}");
            }
        }
    }
}

#[test]
fn gpkg_output_is_deterministic_and_needs_a_file() {
    let tmp = scratch("determinism");
    let dir = tmp.path();
    let (a, b) = (dir.join("a.gpkg"), dir.join("b.gpkg"));
    for f in [&a, &b] {
        ok(&[
            "catchments",
            "--demand",
            "communes",
            "--out",
            f.to_str().expect("path"),
        ]);
    }
    let bytes = std::fs::read(&a).expect("a");
    assert!(bytes.starts_with(b"SQLite format 3\0"));
    assert_eq!(
        bytes,
        std::fs::read(&b).expect("b"),
        "same inputs, same bytes"
    );
    assert!(!dir.join("a.gpkg.tmp").exists(), "no temporary file left");
    // A failed write leaves nothing behind.
    let blocked = dir.join("blocked.gpkg");
    std::fs::create_dir_all(&blocked).expect("mkdir");
    let out = ssmplan(&[
        "catchments",
        "--demand",
        "communes",
        "--out",
        blocked.to_str().expect("path"),
    ]);
    assert!(!out.status.success());
    assert!(
        !dir.join("blocked.gpkg.tmp").exists(),
        "temporary file removed"
    );
    let out = ssmplan(&["catchments", "--format", "gpkg"]);
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--out"), "{err}");
}

/// `coverage --level province` figures (tables and summary) with extra arguments.
fn figures(extra: &[&str]) -> (Value, Value) {
    let mut args = vec!["coverage", "--level", "province", "--level", "catchment"];
    args.extend(extra);
    let report = json(&args);
    (report["tables"].clone(), report["summary"].clone())
}

/// `ogr2ogr -f GPKG out src extra...`.
fn convert(out: &Path, src: &Path, extra: &[&str]) {
    let mut args = vec![
        "-f",
        "GPKG",
        out.to_str().expect("path"),
        src.to_str().expect("path"),
    ];
    args.extend(extra);
    gdal_run("ogr2ogr", &args);
}

#[test]
fn inputs_converted_by_ogr2ogr_give_the_same_figures() {
    if !gdal() {
        return;
    }
    let tmp = scratch("roundtrip");
    let dir = tmp.path();
    let base = figures(&[]);
    let geodata = repo().join("geodata");
    let communes = dir.join("communes.gpkg");
    convert(
        &communes,
        &geodata.join("communes/wallonia_communes_2025_wgs84.geojson"),
        &["-nlt", "MULTIPOLYGON", "-nln", "communes"],
    );
    assert_eq!(
        figures(&["--boundary-file", communes.to_str().expect("path")]),
        base,
        "communes from a GeoPackage (EPSG:4326)"
    );
    // All of Belgium in Lambert 2008 from the shapefile: the CRS comes from the `GeoPackage`.
    let lambert = dir.join("be_lambert2008.gpkg");
    convert(
        &lambert,
        &geodata.join("communes/be_communes_2025_lambert2008.shp"),
        &["-nlt", "MULTIPOLYGON", "-nln", "communes"],
    );
    let info = ogrinfo_layers(&lambert);
    assert_eq!(info["communes"].epsg, Some(3812));
    assert_eq!(
        figures(&["--boundary-file", lambert.to_str().expect("path")]),
        figures(&["--boundaries", "shapefile"]),
        "communes from a GeoPackage (EPSG:3812) and from the shapefile"
    );
    let sites = dir.join("sites.gpkg");
    convert(
        &sites,
        &geodata.join("facilities/wallonia_ssm_sites.csv"),
        &[
            "-oo",
            "X_POSSIBLE_NAMES=lon",
            "-oo",
            "Y_POSSIBLE_NAMES=lat",
            "-oo",
            "AUTODETECT_TYPE=YES",
            "-a_srs",
            "EPSG:4326",
            "-nln",
            "sites",
        ],
    );
    assert_eq!(
        figures(&["--sites", sites.to_str().expect("path")]),
        base,
        "sites from a GeoPackage"
    );
    // Both, and a file with both layers needs --layer / --sites-layer.
    let both = dir.join("both.gpkg");
    std::fs::copy(&communes, &both).expect("copy");
    gdal_run(
        "ogr2ogr",
        &[
            "-f",
            "GPKG",
            "-update",
            both.to_str().expect("path"),
            sites.to_str().expect("path"),
            "sites",
        ],
    );
    let b = both.to_str().expect("path");
    let out = ssmplan(&["validate", "--boundary-file", b]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("2 feature layers (communes, sites); choose one with --layer NAME"),
        "{err}"
    );
    assert_eq!(
        figures(&[
            "--boundary-file",
            b,
            "--layer",
            "communes",
            "--sites",
            b,
            "--sites-layer",
            "sites"
        ]),
        base,
        "communes and sites from one GeoPackage"
    );
}
