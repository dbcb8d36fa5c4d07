//! `ssmplan calibrate` on the shipped data: it reproduces the shipped parameters file byte for
//! byte, reports the goals, and names a bad parameter.

mod common;
use common::{repo, scratch, ssmplan};

#[test]
fn calibrate_reproduces_the_shipped_parameters() {
    let dir = scratch("calibrate");
    let out_path = dir.path().join("drivetime.json");
    let out_arg = out_path.to_string_lossy().into_owned();
    let out = ssmplan(&[
        "calibrate",
        "--quiet",
        "--format",
        "json",
        "--write-params",
        &out_arg,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let written = std::fs::read(&out_path).expect("written");
    let shipped =
        std::fs::read(repo().join("geodata/accessibility/drivetime_2020.json")).expect("shipped");
    assert_eq!(
        written, shipped,
        "the shipped parameters are not reproduced"
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let summary = report["summary"].as_object().expect("summary");
    assert!(
        summary.contains_key("goal N1 > 20 min: LOO MAE <= 1"),
        "{summary:?}"
    );
    let caveats = report["caveats"].to_string();
    for held in ["BE32D", "BE334", "BE344", "BE353"] {
        assert!(caveats.contains(held), "{held} not reported as held out");
    }
    assert!(caveats.contains("not a routing"));
}

#[test]
fn calibrate_names_a_bad_parameter_and_shows_an_example() {
    let out = ssmplan(&["calibrate", "--subdivision", "0"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("subdivision"));
    let help = ssmplan(&["calibrate", "--help"]);
    assert!(String::from_utf8_lossy(&help.stdout).contains("Example:\n  ssmplan calibrate"));
}
