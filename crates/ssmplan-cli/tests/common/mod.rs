//! Helpers shared by the integration tests of the `ssmplan` binary (each test file is its own
//! crate and uses the part it needs).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use geo::Coord;
use ssmplan_engine::{DataRequest, Engine};
use ssmplan_io::crs::{Crs, project_coord};

/// The 2020 Belgian hospital list of the shared data (relative to the repository root).
pub const HOSPITALS: &str = "../shared/geodata/facilities/belgium_hospital_sites_eurostat2020.csv";

/// The repository root (the binary runs there, so `geodata/` is the default dataset).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A fresh scratch directory `ssmplan-<name>-<random>` in the system's temporary directory,
/// removed with everything in it when the guard is dropped (also when a test fails); keep it
/// in a variable until the paths inside it are no longer used.
pub fn scratch(name: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("ssmplan-{name}-"))
        .tempdir()
        .expect("scratch directory")
}

/// A scratch copy of the default dataset (`geodata/`) without its manifest, so that its files
/// may be edited; removed like [`scratch`].
pub fn scratch_dataset(name: &str) -> tempfile::TempDir {
    let dir = scratch(name);
    copy_dir(&repo().join("geodata"), dir.path());
    std::fs::remove_file(dir.path().join("MANIFEST.sha256")).expect("manifest");
    dir
}

/// Copies a directory tree.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Runs the binary in the repository root.
pub fn ssmplan(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ssmplan"))
        .current_dir(repo())
        .args(args)
        .output()
        .expect("binary runs")
}

/// Standard output of a run that must succeed (its standard error in the failure message).
pub fn stdout(args: &[&str]) -> String {
    let out = ssmplan(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

/// Standard output of a run that must succeed, parsed as JSON.
pub fn json(args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&stdout(args)).expect("JSON output")
}

/// The output of `ssmplan coverage --facilities HOSPITALS --level LEVEL ARGS --format json`.
pub fn hospital_coverage(level: &str, args: &[&str]) -> serde_json::Value {
    json(
        &[
            &["coverage", "--facilities", HOSPITALS, "--level", level][..],
            args,
            &["--format", "json"],
        ]
        .concat(),
    )
}

/// The engine on the default dataset (`geodata/`).
pub fn default_engine() -> Engine {
    Engine::load(&DataRequest {
        data: repo().join("geodata"),
        ..DataRequest::default()
    })
    .expect("default dataset")
}

/// The hospitals of the shared data with their ids, projected to EPSG:3812 by the test itself
/// (`None`, after saying SKIPPED, when the shared data is not beside the repository).
pub fn hospitals() -> Option<Vec<(String, Coord<f64>)>> {
    let path = repo().join(HOSPITALS);
    if !path.is_file() {
        eprintln!("SKIPPED: {} not found", path.display());
        return None;
    }
    let mut reader = csv::Reader::from_path(&path).expect("hospital CSV");
    let header = reader.headers().expect("header").clone();
    let col = |name: &str| header.iter().position(|h| h == name).expect(name);
    let (id, lat, lon) = (col("id"), col("lat"), col("lon"));
    Some(
        reader
            .records()
            .map(|r| {
                let r = r.expect("row");
                let number = |i: usize| r[i].parse::<f64>().expect("number");
                (
                    r[id].to_owned(),
                    project_coord(
                        Crs::Wgs84,
                        Coord {
                            x: number(lon),
                            y: number(lat),
                        },
                    ),
                )
            })
            .collect(),
    )
}
