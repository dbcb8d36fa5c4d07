//! `floating_catchment` against `PySAL` `access` 1.1 on a 60 demand x 8 sites instance.
//!
//! The fixture in `tests/data/` comes from `python3 benches/compare/access_pysal.py --small`:
//! `demand.csv` (id,x,y,pop), `supply.csv` (id,x,y,capacity), `params.csv` (radius, E2SFCA
//! steps, Gaussian bandwidth) and `expected_pysal.csv`, the raw (`normalize=False`) values of
//! `PySAL`'s `two_stage_fca`, `enhanced_two_stage_fca` with `weights.step_fn` and `two_stage_fca`
//! with `weights.gaussian`. `PySAL` leaves `NaN` where no site is in reach; ssmplan gives 0 there.

use std::collections::HashMap;
use std::path::PathBuf;

use geo::Coord;
use ssmplan_core::{AccessibilityParams, FcaDecay, floating_catchment};

fn data(name: &str) -> String {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests", "data", name]
        .iter()
        .collect();
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Rows of a small CSV with a header, as maps from column name to text.
fn rows(name: &str) -> Vec<HashMap<String, String>> {
    let text = data(name);
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .expect("header")
        .split(',')
        .map(str::to_owned)
        .collect();
    lines
        .filter(|l| !l.is_empty())
        .map(|l| {
            header
                .iter()
                .cloned()
                .zip(l.split(',').map(str::to_owned))
                .collect()
        })
        .collect()
}

fn number(row: &HashMap<String, String>, column: &str) -> f64 {
    row[column]
        .parse()
        .unwrap_or_else(|e| panic!("column {column}: `{}`: {e}", row[column]))
}

fn points(name: &str, value: &str) -> (Vec<String>, Vec<Coord<f64>>, Vec<f64>) {
    let rows = rows(name);
    let ids = rows.iter().map(|r| r["id"].clone()).collect();
    let coords = rows
        .iter()
        .map(|r| Coord {
            x: number(r, "x"),
            y: number(r, "y"),
        })
        .collect();
    let values = rows.iter().map(|r| number(r, value)).collect();
    (ids, coords, values)
}

#[test]
fn accessibility_matches_pysal_access() {
    let params: HashMap<String, String> = rows("params.csv")
        .into_iter()
        .map(|r| (r["key"].clone(), r["value"].clone()))
        .collect();
    let radius_m: f64 = params["radius_m"].parse().expect("radius_m");
    let sigma_m: f64 = params["sigma_m"].parse().expect("sigma_m");
    let steps: Vec<(f64, f64)> = params["steps"]
        .split(';')
        .map(|s| {
            let (bound, weight) = s.split_once(':').expect("BOUND:WEIGHT");
            (
                bound.parse().expect("bound"),
                weight.parse().expect("weight"),
            )
        })
        .collect();

    let (demand_ids, demand, population) = points("demand.csv", "pop");
    let (_, sites, capacity) = points("supply.csv", "capacity");
    let expected = rows("expected_pysal.csv");
    assert_eq!(demand.len(), 60);
    assert_eq!(sites.len(), 8);
    assert_eq!(expected.len(), demand.len());

    let methods = [
        ("2sfca", AccessibilityParams::two_step(radius_m)),
        ("e2sfca", AccessibilityParams::enhanced(radius_m, steps)),
        (
            "g2sfca",
            AccessibilityParams::new(radius_m, FcaDecay::Gaussian { sigma_m }),
        ),
    ];
    for (method, params) in &methods {
        let found = floating_catchment(&demand, &population, &sites, &capacity, params)
            .expect("valid fixture");
        let mut out_of_reach = 0;
        for ((id, row), a) in demand_ids.iter().zip(&expected).zip(&found.accessibility) {
            assert_eq!(id, &row["id"], "rows in the same order");
            let e = number(row, method);
            if e.is_nan() {
                // No site within the radius: PySAL leaves it missing, we report 0.
                assert!(
                    a.abs() < f64::MIN_POSITIVE,
                    "{method} {id}: {a:e} for PySAL NaN"
                );
                out_of_reach += 1;
            } else {
                let scale = a.abs().max(e.abs());
                assert!(
                    (a - e).abs() <= 1e-9 * scale,
                    "{method} {id}: found {a:e}, PySAL {e:e}"
                );
            }
        }
        // The fixture exercises both cases.
        assert!(
            out_of_reach > 0 && out_of_reach < demand.len(),
            "{method}: {out_of_reach}"
        );
    }
}
