//! The flags people type: short and readable aliases, `--version` with the dataset's manifest,
//! shell completions, positive-radius errors, examples in `--help`.

use std::process::Command;

mod common;
use common::{repo, ssmplan, stdout};

#[test]
fn short_and_long_aliases_of_the_number_of_sites_agree() {
    let base = ["recommend", "--demand", "communes", "--format", "json"];
    let long = stdout(&[&base[..], &["--p", "2"]].concat());
    assert_eq!(long, stdout(&[&base[..], &["-p", "2"]].concat()));
    assert_eq!(long, stdout(&[&base[..], &["--new-sites", "2"]].concat()));
    assert!(long.contains("\"p\": 2"));
}

#[test]
fn version_names_the_dataset_manifest() {
    let text = stdout(&["--version"]);
    assert!(
        text.starts_with(&format!("ssmplan {}", env!("CARGO_PKG_VERSION"))),
        "{text}"
    );
    let manifest = repo().join("geodata/MANIFEST.sha256");
    let hash = ssmplan_io::manifest::sha256_file(&manifest).expect("manifest");
    assert!(text.contains(&hash), "{text}");
    let elsewhere = stdout(&["--version", "--data", "/nonexistent"]);
    assert!(elsewhere.contains("no MANIFEST.sha256"), "{elsewhere}");
}

#[test]
fn completions_for_three_shells() {
    for shell in ["bash", "zsh", "fish"] {
        let script = stdout(&["completions", shell]);
        assert!(
            script.contains("ssmplan") && script.contains("recommend"),
            "{shell}"
        );
    }
    let out = ssmplan(&["completions", "tcsh"]);
    assert!(!out.status.success());
}

#[test]
fn a_negative_radius_says_it_must_be_positive() {
    for args in [
        ["recommend", "--radius-km=-4"],
        ["accessibility", "--radius-km=-4"],
    ] {
        let out = ssmplan(&args);
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("--radius-km") && err.contains("positive"),
            "{err}"
        );
    }
}

#[test]
fn every_command_shows_an_example() {
    for command in [
        vec!["coverage"],
        vec!["catchments"],
        vec!["accessibility"],
        vec!["validate"],
        vec!["recommend"],
        vec!["expand"],
        vec!["budget", "coordinators"],
        vec!["typology"],
        vec!["scenario"],
        vec!["serve"],
    ] {
        let help = stdout(&[&command[..], &["--help"]].concat());
        assert!(
            help.contains(&format!("Example:\n  ssmplan {}", command.join(" "))),
            "{command:?}: {help}"
        );
    }
    // No command: the help, and a failure exit.
    let out = ssmplan(&[]);
    assert!(!out.status.success());
}

#[test]
fn each_input_is_listed_once_when_the_grid_serves_typology_and_demand() {
    let out: serde_json::Value =
        serde_json::from_str(&stdout(&["recommend", "-p", "1", "--format", "json"])).expect("JSON");
    let inputs: Vec<String> = out["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .map(|i| format!("{} {}", i["role"], i["path"]))
        .collect();
    let mut unique = inputs.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), inputs.len(), "{inputs:?}");
    assert!(inputs.iter().any(|i| i.contains("ghs_pop")), "{inputs:?}");
}

/// Progress goes to a terminal only: a bar with the steps while the grid is built when standard
/// error is a terminal (a pseudo-terminal made by util-linux `script`), nothing in a pipe or
/// with `--quiet`.
#[test]
fn progress_bar_on_a_terminal_only() {
    let args = ["coverage", "--demand", "grid:500", "--level", "total"];
    let piped = ssmplan(&args);
    assert!(piped.status.success());
    let err = String::from_utf8_lossy(&piped.stderr);
    assert!(!err.contains("gridding"), "{err}");
    let has_script = Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_script {
        eprintln!("SKIPPED the terminal half: util-linux `script` is not installed");
        return;
    }
    let run = |extra: &str| {
        let command = format!(
            "{} {} {extra} > /dev/null",
            env!("CARGO_BIN_EXE_ssmplan"),
            args.join(" ")
        );
        let out = Command::new("script")
            .current_dir(repo())
            .args(["-qec", &command, "/dev/null"])
            .output()
            .expect("script runs");
        assert!(out.status.success(), "{command}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let terminal = run("");
    assert!(terminal.contains("gridding 252 communes"), "{terminal}");
    assert!(terminal.contains("/252"), "{terminal}");
    let quiet = run("--quiet");
    assert!(!quiet.contains("gridding"), "{quiet}");
}
