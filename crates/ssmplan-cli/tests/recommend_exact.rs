//! `recommend --exact` for every model on the default data: the certified answer is never worse
//! than the heuristic's, its proven bound equals its objective (gap 0), and the heuristic's own
//! bound lies on the right side of the certified optimum. Optimality itself is checked against
//! exhaustive search in the planner's tests; this checks the wiring from the command line.

mod common;
use common::json;

/// The number before the first space of a summary value (`"123.4 unit"` or `"123.4 / 0.000 %"`).
fn leading_number(text: &str) -> f64 {
    text.split_whitespace()
        .next()
        .and_then(|t| t.parse().ok())
        .unwrap_or_else(|| panic!("no number at the start of {text:?}"))
}

/// Objective, bound and gap (percent) of a `recommend` run.
fn figures(args: &[&str]) -> (f64, Option<f64>, Option<f64>) {
    let mut all = vec!["recommend", "--format", "json", "-q"];
    all.extend_from_slice(args);
    let v = json(&all);
    let summary = &v["summary"];
    let objective = leading_number(summary["objective"].as_str().expect("objective"));
    let bound_gap = summary["bound / gap"].as_str().expect("bound / gap");
    let mut parts = bound_gap.split(" / ");
    let bound = parts.next().and_then(|b| b.parse().ok());
    let gap = parts.next().map(leading_number);
    (objective, bound, gap)
}

#[test]
fn certified_recommendations_are_optimal_and_never_worse_than_the_heuristic() {
    // (model arguments, maximise?)
    let cases: [(&[&str], bool); 3] = [
        (&["--model", "mclp", "-p", "3", "--radius-km", "10"], true),
        (&["--model", "pmedian", "-p", "2"], false),
        (
            &[
                "--model",
                "lscp",
                "--radius-km",
                "10",
                "--target-share",
                "0.9",
            ],
            false,
        ),
    ];
    for (args, maximise) in cases {
        let (heuristic, heuristic_bound, _) = figures(args);
        let mut with_exact = args.to_vec();
        with_exact.push("--exact");
        let (exact, bound, gap) = figures(&with_exact);
        let bound = bound.unwrap_or_else(|| panic!("{args:?}: the certified mode gives a bound"));
        let gap = gap.unwrap_or_else(|| panic!("{args:?}: the certified mode gives a gap"));
        assert!(gap.abs() < 1e-9, "{args:?}: certified gap {gap} %");
        // The summary rounds to 0.1, and "optimal" means the proven bound is within a relative
        // 1e-9 of the objective (p-median objectives are about 3e10 inhabitant-metres).
        let tolerance = 0.1 + 1e-9 * exact.abs();
        assert!(
            (bound - exact).abs() <= tolerance,
            "{args:?}: bound {bound} objective {exact}"
        );
        if maximise {
            assert!(
                exact >= heuristic - tolerance,
                "{args:?}: {exact} < heuristic {heuristic}"
            );
            if let Some(b) = heuristic_bound {
                assert!(
                    b >= exact - tolerance,
                    "{args:?}: heuristic bound {b} below optimum {exact}"
                );
            }
        } else {
            assert!(
                exact <= heuristic + tolerance,
                "{args:?}: {exact} > heuristic {heuristic}"
            );
            if let Some(b) = heuristic_bound {
                assert!(
                    b <= exact + tolerance,
                    "{args:?}: heuristic bound {b} above optimum {exact}"
                );
            }
        }
    }
}
