//! Helpers shared by the integration tests of the `ssmplan` binary (each test file is its own
//! crate and uses the part it needs).
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};

/// The repository root (the binary runs there, so `geodata/` is the default dataset).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
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
