//! Property test of the scenario reader (`Scenario::from_json`, then `apply` and
//! `framework_after`): random bytes and mutations of valid scenarios (truncation, byte flips,
//! removed, replaced or repeated nodes, duplicate keys, extreme numbers, a BOM, CRLF, Latin-1)
//! never panic, never hang, and every error names a line inside the document (syntax and
//! structure) or a field of the scenario that exists (values).
//!
//! The scenario has no file name of its own: the engine prefixes its errors with the file name
//! or `request body` (`EngineError::Scenario`). TOML scenarios do not exist yet and are not
//! covered here.
//!
//! Deterministic: fixed seed, no failure-persistence file. `--nocapture` prints a summary line;
//! `SSMPLAN_FUZZ_SCALE=20` multiplies the number of random cases.

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::path::Path;
use std::time::{Duration, Instant};

use geo::Coord;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};
use ssmplan_core::{Sector, Site, SiteId, SiteKind, SsmId};
use ssmplan_planner::scenario::{Scenario, ScenarioError};

/// A position in a collection of any size, as a fraction of it.
#[derive(Clone, Copy, Debug)]
struct Ix(u64);

impl Ix {
    fn index(self, size: usize) -> usize {
        assert!(size > 0, "Ix of an empty collection");
        ((size as u128 * u128::from(self.0)) >> 64) as usize
    }
}

fn ix() -> impl Strategy<Value = Ix> {
    any::<u64>().prop_map(Ix)
}

/// One change to a scenario document.
#[derive(Clone, Debug)]
enum Edit {
    /// Replace the n-th node (pre-order) by raw JSON text (possibly invalid).
    Replace(Ix, &'static str),
    /// Remove the n-th node from its object or array.
    Remove(Ix),
    /// Repeat the n-th node's first element (arrays).
    Repeat(Ix),
    /// Insert `"key": value,` after the n-th `{` (duplicate or unknown keys).
    Key(Ix, &'static str),
    /// Cut the text.
    Truncate(Ix),
    /// XOR a byte.
    Flip(Ix, u8),
    /// Insert bytes.
    Insert(Ix, &'static [u8]),
    /// Prepend a UTF-8 BOM.
    Bom,
    /// `\n` becomes `\r\n`.
    Crlf,
    /// Re-encode in ISO-8859-1.
    Latin1,
}

const VALUES: &[&str] = &[
    "null",
    "true",
    "0",
    "-0",
    "-1",
    "1e308",
    "-1e308",
    "1e400",
    "NaN",
    "-Infinity",
    "123456789012345678901234567890",
    "\"\"",
    "\"siege\"",
    "\"antenne\"",
    "\"hub\"",
    "\"Li\u{e8}ge\"",
    "\"WAL-HAI-PROV-CHARLEROI\"",
    "\"WAL-HAI-PROV-CHARLEROI#1\"",
    "\"NEW-LUX\"",
    "[]",
    "{}",
    "[1]",
    "[\"x\"]",
    r#"[{"id":"N","ssm_id":"NEW","kind":"siege","x":650000,"y":5000000}]"#,
    r#"[{"ssm_id":"WAL-HAI-PROV-CHARLEROI","etp_delta":-1e308}]"#,
    r#"[{"ssm_id":"WAL-HAI-PROV-CHARLEROI","etp_delta":1e308},{"ssm_id":"WAL-HAI-PROV-CHARLEROI","etp_delta":1e308}]"#,
    r#"{"high_risk":-1,"vulnerable":1e308,"intermediate":0,"favourable":"x"}"#,
    "\"wallonia\"",
    "\"moon\"",
    "\"grid:250\"",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
];

const KEYS: &[&str] = &[
    r#""name":"again""#,
    r#""name":3"#,
    r#""add_sites":[]"#,
    r#""remove_sites":["nobody"]"#,
    r#""lat":1e308"#,
    r#""lat":91"#,
    r#""x":1,"y":2"#,
    r#""etp":-1"#,
    r#""etp_delta":1e308"#,
    r#""kind":"antenne""#,
    r#""colour":"red""#,
    r#""radius_km":-4"#,
];

const INSERTS: &[&[u8]] = &[
    "\u{e9}".as_bytes(),
    b"\0",
    b"\"",
    b",",
    b"\n",
    b"\r",
    b"\xef\xbb\xbf",
    b"\xe8",
    b"\xc3",
    b"}",
    b"]",
    b"{",
    b"[",
];

fn edit() -> impl Strategy<Value = Edit> {
    (
        0u8..14,
        ix(),
        select(VALUES),
        select(KEYS),
        select(INSERTS),
        1u8..=255,
    )
        .prop_map(|(kind, at, value, key, insert, byte)| match kind {
            0..=3 => Edit::Replace(at, value),
            4 | 5 => Edit::Remove(at),
            6 => Edit::Repeat(at),
            7 => Edit::Key(at, key),
            8 => Edit::Truncate(at),
            9 => Edit::Flip(at, byte),
            10 => Edit::Insert(at, insert),
            11 => Edit::Bom,
            12 => Edit::Crlf,
            _ => Edit::Latin1,
        })
}

#[derive(Clone, Debug)]
enum Case {
    Edited(Ix, Vec<Edit>),
    Random(Vec<u8>),
}

const TEXTY: &[u8] = b"0123456789,,:\n\"..-e {}[]nameadd_sitesxyltrue";

fn case() -> impl Strategy<Value = Case> {
    prop_oneof![
        12 => (ix(), prop::collection::vec(edit(), 0..4)).prop_map(|(b, e)| Case::Edited(b, e)),
        1 => prop::collection::vec(select(TEXTY), 0..300).prop_map(Case::Random),
        1 => prop::collection::vec(any::<u8>(), 0..300).prop_map(Case::Random),
    ]
}

fn bases() -> Vec<Vec<u8>> {
    let example = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../geodata/scenarios/example_luxembourg.json"),
    )
    .expect("example scenario");
    vec![
        example,
        br#"{"name":"t"}"#.to_vec(),
        r#"{
  "name": "x/y sites, removals, weights",
  "add_sites": [
    {"id": "N1", "ssm_id": "WAL-HAI-PROV-CHARLEROI", "kind": "antenne", "x": 650000, "y": 5000000},
    {"id": "N2", "ssm_id": "NEW", "ssm_name": "New", "kind": "siège", "lat": 50.4, "lon": 4.4, "etp": 3.5}
  ],
  "remove_sites": ["WAL-NAM-PROV-COUVIN#1", "WAL-LIE-CG-SERAING"],
  "etp_changes": [{"ssm_id": "NEW", "etp_delta": -1.5}, {"ssm_id": "WAL-HAI-PROV-CHARLEROI", "etp_delta": 0.25}],
  "radius_km": 15,
  "weights": {"high_risk": 1.5, "vulnerable": 1.25, "intermediate": 1.0, "favourable": 0.8},
  "scope": "wallonia",
  "demand": "communes"
}"#
        .as_bytes()
        .to_vec(),
    ]
}

fn site(id: &str, ssm: &str) -> Site {
    Site {
        id: SiteId(id.into()),
        ssm: SsmId(ssm.into()),
        ssm_name: format!("SSM {ssm}"),
        name: id.into(),
        kind: SiteKind::Siege,
        location: Coord {
            x: 650_000.0,
            y: 5_000_000.0,
        },
        commune: Some(0),
        etp: Some(4.0),
        sector: Sector::Public,
    }
}

fn sites() -> Vec<Site> {
    vec![
        site("WAL-HAI-PROV-CHARLEROI#1", "WAL-HAI-PROV-CHARLEROI"),
        site("WAL-NAM-PROV-COUVIN#1", "WAL-NAM-PROV-COUVIN"),
        site("WAL-LIE-CG-SERAING#1", "WAL-LIE-CG-SERAING"),
        site("WAL-LIE-CG-SERAING#2", "WAL-LIE-CG-SERAING"),
    ]
}

/// A stand-in projection (degrees to "metres") and a locator accepting a box around Wallonia.
fn project(lon: f64, lat: f64) -> Coord<f64> {
    Coord {
        x: lon * 1e5 + 200_000.0,
        y: lat * 1e5,
    }
}

fn locate(c: Coord<f64>) -> Option<usize> {
    ((400_000.0..=900_000.0).contains(&c.x) && (4_900_000.0..=5_200_000.0).contains(&c.y))
        .then_some(0)
}

fn latin1(bytes: &[u8]) -> Vec<u8> {
    String::from_utf8_lossy(bytes)
        .chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
        .collect()
}

#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize),
}

fn paths(value: &serde_json::Value) -> Vec<Vec<Step>> {
    fn walk(v: &serde_json::Value, path: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
        out.push(path.clone());
        match v {
            serde_json::Value::Object(map) => {
                for (k, child) in map {
                    path.push(Step::Key(k.clone()));
                    walk(child, path, out);
                    path.pop();
                }
            }
            serde_json::Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    path.push(Step::Index(i));
                    walk(child, path, out);
                    path.pop();
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(value, &mut Vec::new(), &mut out);
    out
}

fn node<'v>(value: &'v mut serde_json::Value, path: &[Step]) -> Option<&'v mut serde_json::Value> {
    path.iter().try_fold(value, |v, step| match step {
        Step::Key(k) => v.get_mut(k.as_str()),
        Step::Index(i) => v.get_mut(*i),
    })
}

const RAW_MARK: &str = "@@raw-json@@";

fn apply(bytes: &mut Vec<u8>, edit: &Edit) {
    let len = bytes.len();
    match edit {
        Edit::Truncate(at) => bytes.truncate(at.index(len + 1)),
        Edit::Flip(at, mask) => {
            if len > 0 {
                bytes[at.index(len)] ^= *mask;
            }
        }
        Edit::Insert(at, b) => {
            let k = at.index(len + 1);
            bytes.splice(k..k, b.iter().copied());
        }
        Edit::Bom => {
            bytes.splice(0..0, *b"\xef\xbb\xbf");
        }
        Edit::Crlf => {
            let text = String::from_utf8_lossy(bytes).replace('\n', "\r\n");
            *bytes = text.into_bytes();
        }
        Edit::Latin1 => *bytes = latin1(bytes),
        Edit::Key(at, pair) => {
            let opens: Vec<usize> = (0..len).filter(|&k| bytes[k] == b'{').collect();
            if !opens.is_empty() {
                let k = opens[at.index(opens.len())] + 1;
                bytes.splice(k..k, format!("{pair},").bytes());
            }
        }
        Edit::Replace(..) | Edit::Remove(_) | Edit::Repeat(_) => {
            let Ok(mut root) = serde_json::from_slice::<serde_json::Value>(bytes) else {
                return;
            };
            let all = paths(&root);
            let mut raw = None;
            match edit {
                Edit::Replace(at, value) => {
                    if let Some(n) = node(&mut root, &all[at.index(all.len())]) {
                        *n = serde_json::Value::String(RAW_MARK.into());
                        raw = Some(*value);
                    }
                }
                Edit::Remove(at) => {
                    let path = &all[at.index(all.len())];
                    if let Some((last, parent)) = path.split_last()
                        && let Some(parent) = node(&mut root, parent)
                    {
                        match (parent, last) {
                            (serde_json::Value::Object(map), Step::Key(k)) => {
                                map.remove(k);
                            }
                            (serde_json::Value::Array(items), Step::Index(i)) => {
                                items.remove(*i);
                            }
                            _ => {}
                        }
                    }
                }
                Edit::Repeat(at) => {
                    if let Some(serde_json::Value::Array(items)) =
                        node(&mut root, &all[at.index(all.len())])
                        && let Some(first) = items.first().cloned()
                    {
                        items.push(first);
                    }
                }
                _ => {}
            }
            let mut text = serde_json::to_string_pretty(&root).expect("serialise");
            if let Some(value) = raw {
                text = text.replacen(&format!("\"{RAW_MARK}\""), value, 1);
            }
            *bytes = text.into_bytes();
        }
    }
}

fn realise(case: &Case, bases: &[Vec<u8>]) -> Vec<u8> {
    match case {
        Case::Random(b) => b.clone(),
        Case::Edited(base, edits) => {
            let mut bytes = bases[base.index(bases.len())].clone();
            for e in edits {
                apply(&mut bytes, e);
            }
            bytes
        }
    }
}

/// Checks that a field path names a field of the scenario that exists, e.g. `add_sites[1].kind`
/// with at least two sites to add.
fn field_exists(field: &str, scenario: &Scenario) -> bool {
    let indexed = |prefix: &str, len: usize, names: &[&str]| -> bool {
        let Some(rest) = field.strip_prefix(prefix) else {
            return false;
        };
        let Some((index, after)) = rest.split_once(']') else {
            return false;
        };
        let Ok(i) = index.parse::<usize>() else {
            return false;
        };
        i < len
            && (names.is_empty() && after.is_empty()
                || after
                    .strip_prefix('.')
                    .is_some_and(|name| names.contains(&name)))
    };
    field == "etp_changes"
        || indexed("remove_sites[", scenario.remove_sites.len(), &[])
        || indexed(
            "add_sites[",
            scenario.add_sites.len(),
            &["id", "kind", "ssm_id", "lat", "etp"],
        )
        || indexed(
            "etp_changes[",
            scenario.etp_changes.len(),
            &["ssm_id", "etp_delta"],
        )
}

/// What a case did: `Ok(kind)` when every promise holds, `Err(why)` otherwise.
fn judge(bytes: &[u8], existing: &[Site]) -> Result<String, String> {
    let scenario = match Scenario::from_json(bytes) {
        Ok(s) => s,
        Err(e) => {
            let message = e.to_string();
            return match e {
                ScenarioError::Parse { line, column, .. } => {
                    let lines = bytes.split(|&b| b == b'\n').count();
                    if !(1..=lines).contains(&line) {
                        return Err(format!("line {line} outside 1..={lines}: {message}"));
                    }
                    // serde_json counts columns in bytes.
                    let width = bytes
                        .split(|&b| b == b'\n')
                        .nth(line - 1)
                        .map_or(0, <[u8]>::len);
                    if column > width + 1 {
                        return Err(format!(
                            "column {column} beyond line {line} ({width} bytes): {message}"
                        ));
                    }
                    if !message.starts_with(&format!("scenario: line {line}, column {column}")) {
                        return Err(format!("message does not start with its place: {message}"));
                    }
                    Ok("Parse".into())
                }
                ScenarioError::Invalid { .. } => Err(format!("from_json gave {message}")),
            };
        }
    };
    let after = match scenario.apply(existing, project, locate) {
        Ok(after) => after,
        Err(ScenarioError::Invalid { field, problem }) => {
            if field_exists(&field, &scenario) {
                return Ok(format!(
                    "Invalid({})",
                    field.split('[').next().unwrap_or("")
                ));
            }
            return Err(format!(
                "field `{field}` does not exist in the scenario ({problem})"
            ));
        }
        Err(e) => return Err(format!("apply gave {e}")),
    };
    for site in &after {
        if !(site.location.x.is_finite() && site.location.y.is_finite()) {
            return Err(format!("site {} at a non-finite location", site.id.0));
        }
        match scenario.framework_after(&site.ssm.0, site.etp.unwrap_or(0.0)) {
            Ok(etp) if etp.is_finite() && etp >= 0.0 => {}
            Ok(etp) => return Err(format!("framework of {} becomes {etp}", site.ssm.0)),
            Err(ScenarioError::Invalid { field, .. }) if field == "etp_changes" => {
                return Ok("Invalid(framework)".into());
            }
            Err(e) => return Err(format!("framework_after gave {e}")),
        }
    }
    Ok("applied".into())
}

fn scaled(base: u32) -> u32 {
    let scale = std::env::var("SSMPLAN_FUZZ_SCALE")
        .ok()
        .and_then(|s| s.parse::<u32>().ok())
        .unwrap_or(1)
        .max(1);
    base.saturating_mul(scale)
}

#[test]
fn fuzz_scenario() {
    let bases = bases();
    let existing = sites();
    for (i, base) in bases.iter().enumerate() {
        assert_eq!(
            judge(base, &existing).as_deref(),
            Ok("applied"),
            "base {i} must apply"
        );
    }
    // The scenario reader is pure and fast: run it in a thread and give it a deadline.
    let worker = std::thread::spawn(move || {
        let counts = std::cell::RefCell::new(BTreeMap::<String, u64>::new());
        let slowest = std::cell::Cell::new(Duration::ZERO);
        let started = Instant::now();
        let one = |c: Case| -> Result<(), TestCaseError> {
            let bytes = realise(&c, &bases);
            let start = Instant::now();
            let outcome = std::panic::catch_unwind(|| judge(&bytes, &existing));
            slowest.set(slowest.get().max(start.elapsed()));
            let kind = match outcome {
                Ok(Ok(kind)) => kind,
                Ok(Err(why)) => {
                    return Err(TestCaseError::fail(format!(
                        "{why}\n  input: {}",
                        bytes.escape_ascii()
                    )));
                }
                Err(_) => {
                    return Err(TestCaseError::fail(format!(
                        "panicked\n  input: {}",
                        bytes.escape_ascii()
                    )));
                }
            };
            *counts.borrow_mut().entry(kind).or_insert(0) += 1;
            Ok(())
        };
        let fixed = [
            vec![Edit::Bom],
            vec![Edit::Crlf],
            vec![Edit::Latin1],
            vec![Edit::Truncate(Ix(u64::MAX / 2))],
        ];
        for b in 0..bases.len() {
            for edits in &fixed {
                let index = Ix(((b as u128 * 2 + 1) * (u128::from(u64::MAX) + 1)
                    / (bases.len() as u128 * 2)) as u64);
                one(Case::Edited(index, edits.clone())).map_err(|e| e.to_string())?;
            }
        }
        let config = Config {
            cases: scaled(20_000),
            failure_persistence: None,
            max_shrink_iters: 4096,
            ..Config::default()
        };
        let mut runner =
            TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &[14; 32]));
        match runner.run(&case(), one) {
            Ok(()) => {}
            Err(TestError::Fail(why, minimal)) => {
                return Err(format!("minimal failing case {minimal:?}: {why}"));
            }
            Err(e) => return Err(e.to_string()),
        }
        let counts = counts.into_inner();
        let total: u64 = counts.values().sum();
        let kinds = counts
            .iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect::<Vec<_>>()
            .join(", ");
        Ok(format!(
            "fuzz[scenario]: {total} cases in {:.2} s: {kinds}; 0 panics, 0 hangs; slowest case {:.1} ms",
            started.elapsed().as_secs_f64(),
            slowest.get().as_secs_f64() * 1e3
        ))
    });
    let deadline = Instant::now() + Duration::from_secs(120);
    while !worker.is_finished() {
        assert!(
            Instant::now() < deadline,
            "fuzz[scenario]: no answer after 120 s (hang?)"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    match worker.join() {
        Ok(Ok(summary)) => eprintln!("{summary}"),
        Ok(Err(failure)) => panic!("fuzz[scenario]: {failure}"),
        Err(payload) => std::panic::resume_unwind(payload),
    }
}

#[test]
fn bug_etp_deltas_can_sum_to_infinity() {
    let s = Scenario::from_json(
        br#"{"name":"t","etp_changes":[{"ssm_id":"WAL-NAM-PROV-COUVIN","etp_delta":1e308},{"ssm_id":"WAL-NAM-PROV-COUVIN","etp_delta":1e308}]}"#,
    )
    .expect("valid JSON");
    s.apply(&sites(), project, locate).expect("applies");
    let after = s.framework_after("WAL-NAM-PROV-COUVIN", 4.0);
    assert!(
        matches!(after, Err(ScenarioError::Invalid { ref field, .. }) if field.starts_with("etp_changes")),
        "{after:?}"
    );
}

#[test]
fn bug_parse_error_states_its_place_twice() {
    let err = Scenario::from_json(b"{\n\"name\": 3}").expect_err("bad type");
    let message = err.to_string();
    assert_eq!(message.matches("line 2").count(), 1, "{message}");
}
