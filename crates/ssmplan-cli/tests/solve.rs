//! `ssmplan solve` on instance files, against an exhaustive search written here (every set of
//! p candidates), with the radius inclusive, the unit option, byte-identical reruns and errors
//! naming file, line and field.

use std::fmt::Write as _;
use std::path::Path;

use serde_json::Value;

mod common;
use common::{json, scratch, ssmplan};

/// A small seeded instance (integer coordinates, so distances at the radius are exact).
struct Instance {
    demand: Vec<(i64, i64, u64)>,
    candidates: Vec<(i64, i64)>,
    existing: Vec<(i64, i64)>,
}

fn instance(seed: u64) -> Instance {
    let mut state = seed;
    let mut next = |m: u64| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % m
    };
    let mut coord = |m: u64| i64::try_from(next(m)).expect("small");
    let demand = (0..40)
        .map(|_| (coord(60), coord(40), 1 + coord(9).unsigned_abs()))
        .collect();
    let candidates = (0..11).map(|_| (coord(60), coord(40))).collect();
    Instance {
        demand,
        candidates,
        existing: vec![(30, 20)],
    }
}

fn write(dir: &Path, inst: &Instance, scale: f64) -> [String; 3] {
    let mut d = "id,x,y,weight\n".to_owned();
    for (i, (x, y, w)) in inst.demand.iter().enumerate() {
        let _ = writeln!(d, "d{i},{},{},{w}", *x as f64 * scale, *y as f64 * scale);
    }
    let points = |ps: &[(i64, i64)], prefix: &str| {
        let mut s = "id,x,y\n".to_owned();
        for (i, (x, y)) in ps.iter().enumerate() {
            let _ = writeln!(s, "{prefix}{i},{},{}", *x as f64 * scale, *y as f64 * scale);
        }
        s
    };
    let files = [
        (dir.join("demand.csv"), d),
        (dir.join("candidates.csv"), points(&inst.candidates, "c")),
        (dir.join("existing.csv"), points(&inst.existing, "e")),
    ];
    files.map(|(path, text)| {
        std::fs::write(&path, text).expect("write");
        path.display().to_string()
    })
}

/// Every set of `p` indices among `n`.
fn subsets(n: usize, p: usize) -> Vec<Vec<usize>> {
    fn go(start: usize, n: usize, p: usize, cur: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
        if cur.len() == p {
            out.push(cur.clone());
            return;
        }
        for i in start..n {
            cur.push(i);
            go(i + 1, n, p, cur, out);
            cur.pop();
        }
    }
    let mut out = Vec::new();
    go(0, n, p, &mut Vec::new(), &mut out);
    out
}

fn dist(a: (i64, i64), b: (i64, i64)) -> f64 {
    ((a.0 - b.0) as f64).hypot((a.1 - b.1) as f64)
}

/// Exhaustive MCLP optimum (radius inclusive) and p-median optimum, existing sites open.
fn brute_force(inst: &Instance, p: usize, radius: f64) -> (f64, f64) {
    let mut best_cover = 0.0_f64;
    let mut best_median = f64::INFINITY;
    for set in subsets(inst.candidates.len(), p) {
        let open: Vec<(i64, i64)> = set
            .iter()
            .map(|&i| inst.candidates[i])
            .chain(inst.existing.iter().copied())
            .collect();
        let mut cover = 0.0;
        let mut median = 0.0;
        for &(x, y, w) in &inst.demand {
            let d = open
                .iter()
                .map(|&o| dist((x, y), o))
                .fold(f64::INFINITY, f64::min);
            if d <= radius {
                cover += w as f64;
            }
            median += w as f64 * d;
        }
        best_cover = best_cover.max(cover);
        best_median = best_median.min(median);
    }
    (best_cover, best_median)
}

fn result(v: &Value) -> &Value {
    &v["tables"]["result"][0]
}

#[test]
fn solve_finds_the_exhaustive_optimum_and_a_valid_bound() {
    for seed in 1..=6 {
        let inst = instance(seed);
        let tmp = scratch(&format!("solve-opt{seed}"));
        let d = tmp.path();
        let [demand, candidates, existing] = write(d, &inst, 1.0);
        for p in [1, 3] {
            // A radius of 5 puts integer points at exactly the radius (3-4-5): inclusive.
            let (cover, median) = brute_force(&inst, p, 5.0);
            let base = [
                "--demand",
                &demand,
                "--candidates",
                &candidates,
                "--existing",
                &existing,
                "-p",
                &p.to_string(),
                "--format",
                "json",
            ]
            .map(str::to_owned);
            let run = |extra: &[&str]| {
                let args: Vec<&str> = ["solve"]
                    .into_iter()
                    .chain(base.iter().map(String::as_str))
                    .chain(extra.iter().copied())
                    .collect();
                json(&args)
            };
            let mclp = run(&["--model", "mclp", "--radius", "5"]);
            let r = result(&mclp);
            let objective = r["objective"].as_f64().expect("objective");
            assert!(
                (objective - cover).abs() < 1e-9,
                "seed {seed} p {p}: MCLP {objective} against {cover}"
            );
            if let Some(bound) = r["bound"].as_f64() {
                assert!(bound >= cover - 1e-9, "MCLP bound {bound} below {cover}");
            }
            assert_eq!(mclp["tables"]["chosen"].as_array().map(Vec::len), Some(p));
            // The certified mode proves it: status optimal, bound equal to the optimum.
            let exact = run(&["--model", "mclp", "--radius", "5", "--exact"]);
            let r = result(&exact);
            assert_eq!(r["status"], "optimal", "seed {seed} p {p}");
            assert!((r["objective"].as_f64().expect("objective") - cover).abs() < 1e-9);
            assert!((r["bound"].as_f64().expect("bound") - cover).abs() < 1e-9);
            assert_eq!(exact["parameters"]["exact"], true);
            let pmedian = run(&["--model", "pmedian"]);
            let r = result(&pmedian);
            let objective = r["objective"].as_f64().expect("objective");
            assert!(
                (objective - median).abs() <= 1e-6 * median,
                "seed {seed} p {p}: p-median {objective} against {median}"
            );
            if let Some(bound) = r["bound"].as_f64() {
                assert!(
                    bound <= median * (1.0 + 1e-9),
                    "p-median bound {bound} above {median}"
                );
            }
            // Certified p-median: the optimum, proven.
            let exact = run(&["--model", "pmedian", "--exact"]);
            let r = result(&exact);
            assert_eq!(r["status"], "optimal", "seed {seed} p {p}");
            let objective = r["objective"].as_f64().expect("objective");
            assert!((objective - median).abs() <= 1e-6 * median);
            let bound = r["bound"].as_f64().expect("bound");
            assert!(bound <= median * (1.0 + 1e-9) && bound >= median * (1.0 - 1e-8));
        }
    }
}

#[test]
fn kilometres_give_the_same_choice_and_reruns_the_same_bytes() {
    let inst = instance(9);
    let (tm, tk) = (scratch("solve-m"), scratch("solve-km"));
    let (dm, dk) = (tm.path(), tk.path());
    let [dm_d, dm_c, _] = write(dm, &inst, 1000.0);
    let [dk_d, dk_c, _] = write(dk, &inst, 1.0);
    let run = |demand: &str, candidates: &str, unit: &str, radius: &str| {
        let out = ssmplan(&[
            "solve",
            "--demand",
            demand,
            "--candidates",
            candidates,
            "--unit",
            unit,
            "--radius",
            radius,
            "-p",
            "2",
            "--format",
            "json",
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    let metres = run(&dm_d, &dm_c, "m", "6000");
    assert_eq!(
        metres,
        run(&dm_d, &dm_c, "m", "6000"),
        "byte-identical rerun"
    );
    let km = run(&dk_d, &dk_c, "km", "6");
    let (m, k): (Value, Value) = (
        serde_json::from_slice(&metres).expect("json"),
        serde_json::from_slice(&km).expect("json"),
    );
    assert_eq!(
        m["tables"]["chosen"],
        k["tables"]["chosen"].clone().tap_xy(1000.0)
    );
    assert_eq!(result(&m)["objective"], result(&k)["objective"]);
    // p-median in km: the objective is in weight x km.
    let pm = |demand: &str, candidates: &str, unit: &str| {
        let v = json(&[
            "solve",
            "--model",
            "pmedian",
            "--demand",
            demand,
            "--candidates",
            candidates,
            "--unit",
            unit,
            "-p",
            "2",
            "--format",
            "json",
        ]);
        result(&v)["objective"].as_f64().expect("objective")
    };
    let (in_m, in_km) = (pm(&dm_d, &dm_c, "m"), pm(&dk_d, &dk_c, "km"));
    assert!(
        (in_m / 1000.0 - in_km).abs() < 1e-6 * in_km,
        "{in_m} m against {in_km} km"
    );
}

/// Scales the `x`/`y` of the chosen rows (km rows compared with metre rows).
trait TapXy {
    fn tap_xy(self, factor: f64) -> Value;
}

impl TapXy for Value {
    fn tap_xy(mut self, factor: f64) -> Value {
        for row in self.as_array_mut().into_iter().flatten() {
            for key in ["x", "y"] {
                if let Some(v) = row[key].as_f64() {
                    row[key] = Value::from(v * factor);
                }
            }
        }
        self
    }
}

#[test]
fn bad_instances_name_file_line_and_field() {
    let tmp = scratch("solve-bad");
    let d = tmp.path();
    let good_c = d.join("c.csv");
    std::fs::write(&good_c, "id,x,y\nc1,0,0\nc2,10,0\n").expect("write");
    let good_c = good_c.display().to_string();
    let cases: [(&str, &[&str], &str); 8] = [
        (
            "id,x,y,weight\na,0,0,1\n",
            &[
                "-p",
                "1",
                "--model",
                "pmedian",
                "--exact",
                "--time-limit-s=1e9",
            ],
            "--time-limit-s: 1000000000: the time limit must be between 0 and",
        ),
        (
            "id,x,y,weight\na,0,0,1\n",
            &["-p", "1", "--radius", "5", "--exact", "--time-limit-s=-1"],
            "--time-limit-s: -1: the time limit must be between 0 and",
        ),
        (
            "id,x,y,weight\na,0,0,1\na,1,1,1\n",
            &["-p", "1", "--radius", "5"],
            "line 3, field `id`: duplicate value `a` (first on line 2)",
        ),
        (
            "id,x,y,weight\na,0,0,-1\n",
            &["-p", "1", "--radius", "5"],
            "line 2, field `weight`: weight must be zero or positive",
        ),
        (
            "id,x,y\na,0,0\n",
            &["-p", "1", "--radius", "5"],
            "missing column `weight",
        ),
        (
            "id,x,y,weight\na,NaN,0,1\n",
            &["-p", "1", "--radius", "5"],
            "line 2, field `x`",
        ),
        (
            "id,x,y,weight\na,0,0,1\n",
            &["-p", "1"],
            "--radius: MCLP and LSCP need a coverage radius",
        ),
        (
            "id,x,y,weight\na,0,0,1\n",
            &["-p", "3", "--radius", "5"],
            "p = 3 new sites requested but there are only 2 candidates",
        ),
    ];
    for (i, (demand, extra, expected)) in cases.iter().enumerate() {
        let path = d.join(format!("d{i}.csv"));
        std::fs::write(&path, demand).expect("write");
        let path = path.display().to_string();
        let args: Vec<&str> = ["solve", "--demand", &path, "--candidates", &good_c]
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
