//! `ssmplan solve --costs`: a sparse cost table in place of straight lines. The same instance
//! solved from coordinates and from a table of the same distances gives the same answer; a
//! hand-built network where the road differs from the straight line gives the hand-computed
//! answer; random sparse tables match an exhaustive search written here; bad tables are
//! refused naming file, line and field.

use std::fmt::Write as _;
use std::path::Path;

use serde_json::Value;

mod common;
use common::{json, scratch, ssmplan};

fn put(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path.display().to_string()
}

/// A seeded linear congruential stream.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, m: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % m
    }
}

fn result(v: &Value) -> &Value {
    &v["tables"]["result"][0]
}

fn chosen_ids(v: &Value) -> Vec<String> {
    v["tables"]["chosen"]
        .as_array()
        .expect("chosen")
        .iter()
        .map(|r| r["id"].as_str().expect("id").to_owned())
        .collect()
}

fn run(files: &[(&str, &str)], extra: &[&str]) -> Value {
    let mut args: Vec<&str> = vec!["solve", "--format", "json"];
    for (flag, path) in files {
        args.push(flag);
        args.push(path);
    }
    args.extend(extra);
    json(&args)
}

#[test]
fn a_table_of_the_euclidean_distances_gives_the_geometric_answer() {
    for seed in 1..=4 {
        let mut rng = Lcg(seed);
        let mut coord = |m: u64| i64::try_from(rng.below(m)).expect("small");
        let demand: Vec<(i64, i64, i64)> = (0..40)
            .map(|_| (coord(60), coord(40), 1 + coord(9)))
            .collect();
        let candidates: Vec<(i64, i64)> = (0..11).map(|_| (coord(60), coord(40))).collect();
        let existing = [(30_i64, 20_i64)];
        let tmp = scratch(&format!("costs-euclid{seed}"));
        let d = tmp.path();
        let mut text = "id,x,y,weight\n".to_owned();
        for (i, (x, y, w)) in demand.iter().enumerate() {
            let _ = writeln!(text, "d{i},{x},{y},{w}");
        }
        let demand_file = put(d, "demand.csv", &text);
        let points = |ps: &[(i64, i64)], prefix: &str| {
            let mut s = "id,x,y\n".to_owned();
            for (i, (x, y)) in ps.iter().enumerate() {
                let _ = writeln!(s, "{prefix}{i},{x},{y}");
            }
            s
        };
        let cand_file = put(d, "candidates.csv", &points(&candidates, "c"));
        let exist_file = put(d, "existing.csv", &points(&existing, "e"));
        // Every pair, Rust's shortest round-trip formatting: the table holds the same f64.
        let mut table = "origin,dest,cost\n".to_owned();
        for (i, &(x, y, _)) in demand.iter().enumerate() {
            for (prefix, sites) in [("c", &candidates[..]), ("e", &existing[..])] {
                for (j, &(sx, sy)) in sites.iter().enumerate() {
                    let cost = ((x - sx) as f64).hypot((y - sy) as f64);
                    let _ = writeln!(table, "d{i},{prefix}{j},{cost}");
                }
            }
        }
        let cost_file = put(d, "costs.csv", &table);
        let files = [
            ("--demand", demand_file.as_str()),
            ("--candidates", cand_file.as_str()),
            ("--existing", exist_file.as_str()),
        ];
        let mut with_costs = files.to_vec();
        with_costs.push(("--costs", cost_file.as_str()));
        for p in ["1", "3"] {
            for extra in [
                &["--model", "mclp", "--radius", "5"][..],
                &["--model", "mclp", "--radius", "5", "--exact"][..],
                &["--model", "pmedian"][..],
                &["--model", "lscp", "--radius", "30", "--target-share", "0.9"][..],
            ] {
                let mut args = extra.to_vec();
                args.extend(["-p", p]);
                let geometric = run(&files, &args);
                let tabled = run(&with_costs, &args);
                assert_eq!(
                    chosen_ids(&geometric),
                    chosen_ids(&tabled),
                    "seed {seed} {args:?}"
                );
                let (a, b) = (
                    result(&geometric)["objective"].as_f64().expect("objective"),
                    result(&tabled)["objective"].as_f64().expect("objective"),
                );
                assert!(
                    (a - b).abs() <= 1e-9 * a.abs().max(1.0),
                    "seed {seed} {args:?}: {a} against {b}"
                );
                assert_eq!(result(&tabled)["unreached_points"], 0, "{args:?}");
                assert!(result(&geometric)["unreached_points"].is_null());
            }
        }
        // The cost file is among the inputs with its sha256.
        let v = run(&with_costs, &["--model", "pmedian", "-p", "2"]);
        let inputs = v["inputs"].as_array().expect("inputs");
        let hash = ssmplan_io::manifest::sha256_file(Path::new(&cost_file)).expect("sha256");
        assert!(
            inputs
                .iter()
                .any(|i| i["role"] == "cost table" && i["sha256"] == hash.as_str()),
            "{inputs:?}"
        );
        assert_eq!(v["parameters"]["cost_pairs"], 40 * 12);
    }
}

/// A river between `a` and candidate `x`: 1 km as the crow flies, 5 km by road. Files with ids
/// only (no coordinates). Weights: a 10, b 1, c 4.
///
/// | origin | x | y | e (existing) |
/// |---|---|---|---|
/// | a | 5 | 3 | - |
/// | b | 4 | 2 | - |
/// | c | 1 | - | 6 |
///
/// p-median, p = 1: x costs 10x5 + 1x4 + 4x1 = 58; y costs 10x3 + 1x2 + 4x6 (c served by e) = 56:
/// y. MCLP radius 3, p = 1: x covers c (4), y covers a and b (11): y, 11; radius 1 (inclusive):
/// x covers c exactly at 1: x, 4. LSCP radius 4, everyone: c needs x (1) or e (6 > 4), a needs y:
/// {x, y}, 2 sites.
#[test]
fn a_hand_built_network_gives_the_hand_computed_answer() {
    let tmp = scratch("costs-network");
    let d = tmp.path();
    let files = [
        (
            "--demand",
            put(d, "demand.csv", "id,weight\na,10\nb,1\nc,4\n"),
        ),
        ("--candidates", put(d, "candidates.csv", "id\nx\ny\n")),
        ("--existing", put(d, "existing.csv", "id\ne\n")),
        (
            "--costs",
            put(
                d,
                "costs.csv",
                "origin,dest,cost\na,x,5\na,y,3\nb,x,4\nb,y,2\nc,x,1\nc,e,6\n",
            ),
        ),
    ];
    let files: Vec<(&str, &str)> = files.iter().map(|(f, p)| (*f, p.as_str())).collect();
    let v = run(&files, &["--model", "pmedian", "-p", "1"]);
    assert_eq!(chosen_ids(&v), ["y"]);
    assert_eq!(result(&v)["objective"], 56.0);
    assert_eq!(result(&v)["unreached_points"], 0);
    assert_eq!(v["tables"]["chosen"][0]["x"], Value::Null);
    let v = run(&files, &["--model", "mclp", "--radius", "3", "-p", "1"]);
    assert_eq!(
        (chosen_ids(&v), &result(&v)["objective"]),
        (vec!["y".to_owned()], &11.0.into())
    );
    let v = run(
        &files,
        &["--model", "mclp", "--radius", "1", "-p", "1", "--exact"],
    );
    assert_eq!(
        (chosen_ids(&v), &result(&v)["objective"]),
        (vec!["x".to_owned()], &4.0.into())
    );
    assert_eq!(result(&v)["status"], "optimal");
    let v = run(
        &files,
        &["--model", "lscp", "--radius", "4", "--target-share", "1"],
    );
    assert_eq!(result(&v)["objective"], 2.0);
    assert_eq!(result(&v)["covered_share"], 1.0);
    // Without the existing site c reaches x only: y would leave it unreached (4 x the unreached
    // cost 5 x (15 / 1 + 1) = 80), so x, 10 x 5 + 1 x 4 + 4 x 1 = 58.
    let alone = put(
        d,
        "costs_alone.csv",
        "origin,dest,cost\na,x,5\na,y,3\nb,x,4\nb,y,2\nc,x,1\n",
    );
    let v = run(
        &[files[0], files[1], ("--costs", alone.as_str())],
        &["--model", "pmedian", "-p", "1"],
    );
    assert_eq!(chosen_ids(&v), ["x"]);
    assert_eq!(result(&v)["objective"], 58.0);
    assert_eq!(v["parameters"]["unreached_cost"], 80.0);
    // MCLP, radius 2, p = 1 without the existing site: y covers b (1), x covers c (4): x; the
    // demand x does not reach at all is none, so nothing is unreached.
    let v = run(
        &[files[0], files[1], ("--costs", alone.as_str())],
        &["--model", "mclp", "--radius", "2", "-p", "1"],
    );
    assert_eq!(chosen_ids(&v), ["x"]);
    assert_eq!(result(&v)["objective"], 4.0);
    assert_eq!(result(&v)["unreached_points"], 0);
}

/// Every set of `p` indices among `n`.
fn subsets(n: usize, p: usize) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    let mut set: Vec<usize> = (0..p).collect();
    loop {
        out.push(set.clone());
        let Some(i) = (0..p).rev().find(|&i| set[i] < n - p + i) else {
            return out;
        };
        set[i] += 1;
        for t in i + 1..p {
            set[t] = set[t - 1] + 1;
        }
    }
}

#[test]
fn random_sparse_tables_match_an_exhaustive_search() {
    for seed in 1..=8 {
        let mut rng = Lcg(seed * 7919);
        let (n, m) = (15, 7);
        let weight: Vec<u64> = (0..n).map(|_| 1 + rng.below(9)).collect();
        // cost[i][j]: None when the pair is absent; every demand point reaches candidate i % m.
        let cost: Vec<Vec<Option<u64>>> = (0..n)
            .map(|i| {
                (0..m)
                    .map(|j| (j == i % m || rng.below(10) < 5).then(|| rng.below(50)))
                    .collect()
            })
            .collect();
        let tmp = scratch(&format!("costs-random{seed}"));
        let d = tmp.path();
        let mut demand = "id,weight\n".to_owned();
        let mut table = "origin,dest,cost\n".to_owned();
        for i in 0..n {
            let _ = writeln!(demand, "d{i},{}", weight[i]);
            for (j, c) in cost[i].iter().enumerate() {
                if let Some(c) = c {
                    let _ = writeln!(table, "d{i},c{j},{c}");
                }
            }
        }
        let candidates: String = std::iter::once("id\n".to_owned())
            .chain((0..m).map(|j| format!("c{j}\n")))
            .collect();
        let files = [
            ("--demand", put(d, "demand.csv", &demand)),
            ("--candidates", put(d, "candidates.csv", &candidates)),
            ("--costs", put(d, "costs.csv", &table)),
        ];
        let files: Vec<(&str, &str)> = files.iter().map(|(f, p)| (*f, p.as_str())).collect();
        for p in 1..=3 {
            let radius = 20;
            let (mut best_cover, mut best_median) = (0, None::<u64>);
            for set in subsets(m, p) {
                let mut cover = 0;
                let mut median = Some(0);
                for i in 0..n {
                    let nearest = set.iter().filter_map(|&j| cost[i][j]).min();
                    if nearest.is_some_and(|c| c <= radius) {
                        cover += weight[i];
                    }
                    median = median.zip(nearest).map(|(t, c)| t + weight[i] * c);
                }
                best_cover = best_cover.max(cover);
                if let Some(v) = median {
                    best_median = Some(best_median.map_or(v, |b| b.min(v)));
                }
            }
            let ps = p.to_string();
            let v = run(&files, &["--model", "mclp", "--radius", "20", "-p", &ps]);
            assert_eq!(
                result(&v)["objective"],
                best_cover as f64,
                "seed {seed} p {p}"
            );
            assert!(result(&v)["bound"].as_f64().expect("bound") >= best_cover as f64);
            let v = run(&files, &["--model", "pmedian", "-p", &ps]);
            let objective = result(&v)["objective"].as_f64().expect("objective");
            let bound = result(&v)["bound"].as_f64().expect("bound");
            if let Some(best) = best_median {
                // A set reaches everyone: the strict optimum, nothing unreached.
                assert_eq!(result(&v)["objective"], best as f64, "seed {seed} p {p}");
                assert!(bound <= best as f64 * (1.0 + 1e-9), "seed {seed} p {p}");
                assert!(objective >= bound);
                assert_eq!(result(&v)["unreached_points"], 0);
            } else {
                let unreached = result(&v)["unreached_points"].as_u64().expect("count");
                assert!(unreached > 0, "seed {seed} p {p}");
            }
        }
    }
}

#[test]
fn bad_cost_tables_name_file_line_and_field() {
    let tmp = scratch("costs-bad");
    let d = tmp.path();
    let demand = put(d, "demand.csv", "id,weight\na,1\nb,2\n");
    let candidates = put(d, "candidates.csv", "id\nx\ny\n");
    let existing = put(d, "existing.csv", "id\ne\n");
    let clash = put(d, "clash.csv", "id\nf\ny\n");
    let cases: [(&str, &str, &[&str], &str); 10] = [
        (
            "origin,dest,cost\na,x,1\nz,x,1\n",
            "existing.csv",
            &["--radius", "5"],
            "costs.csv, line 3, field `origin`: not a demand id of",
        ),
        (
            "origin,dest,cost\na,x,1\nb,w,1\n",
            "existing.csv",
            &["--radius", "5"],
            "line 3, field `dest`: neither a candidate id of",
        ),
        (
            "origin,dest,cost\na,x,1\nb,e,1\na,x,2\n",
            "existing.csv",
            &["--radius", "5"],
            "line 4, field `origin,dest`: duplicate value `a,x` (first on line 2)",
        ),
        (
            "origin,dest,cost\na,x,-1\n",
            "existing.csv",
            &["--radius", "5"],
            "line 2, field `cost`: cost must be zero or positive",
        ),
        (
            "origin,dest,cost\na,x,NaN\n",
            "existing.csv",
            &["--radius", "5"],
            "line 2, field `cost`: expected a finite number",
        ),
        (
            "origin,dest,cost\n",
            "existing.csv",
            &["--radius", "5"],
            "costs.csv: empty table (no data row)",
        ),
        (
            "origin,destination_id,cost\na,x,1\n",
            "existing.csv",
            &["--radius", "5"],
            "costs.csv: missing column `dest|destination|to|dest_id`",
        ),
        (
            "origin,dest,cost\na,x,1\n",
            "existing.csv",
            &["--model", "pmedian"],
            "demand.csv, line 3, field `id`: p-median: no candidate or existing site reaches this demand point",
        ),
        (
            "origin,dest,cost\na,x,1\n",
            "clash.csv",
            &["--radius", "5"],
            "clash.csv, line 3, field `id`: also a candidate id",
        ),
        (
            "origin,dest,cost\na,x,\n",
            "existing.csv",
            &["--radius", "5"],
            "line 2, field `cost`: required value is empty",
        ),
    ];
    for (i, (table, existing_file, extra, expected)) in cases.iter().enumerate() {
        let sub = d.join(format!("case{i}"));
        std::fs::create_dir_all(&sub).expect("dir");
        let costs = put(&sub, "costs.csv", table);
        let existing = if *existing_file == "clash.csv" {
            clash.clone()
        } else {
            existing.clone()
        };
        let args: Vec<&str> = [
            "solve",
            "--demand",
            &demand,
            "--candidates",
            &candidates,
            "--existing",
            &existing,
            "--costs",
            &costs,
            "-p",
            "1",
        ]
        .into_iter()
        .chain(extra.iter().copied())
        .collect();
        let out = ssmplan(&args);
        assert!(!out.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expected), "{expected}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}
