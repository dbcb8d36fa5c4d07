//! Seeded location instances as CSV, and a solver front end for comparisons with other solvers
//! (`benches/compare/location_peers.py`).
//!
//! ```text
//! cargo run --release -p ssmplan-planner --example location_csv -- \
//!     gen --seed 1 --demand 10000 --candidates 300 [--existing 0] [--family towns] --out DIR
//! cargo run --release -p ssmplan-planner --example location_csv -- \
//!     solve --model mclp|pmedian|lscp [--p 10] [--radius-km 10] [--target-share 1] \
//!     [--repeat 1] [--perturbations 0] [--seed 0] [--bound-iterations 300] [--restarts 20]
//!     [--kicks 0] [--tabu 60]
//!     [--bound-pairs-limit 5000000] [--no-local-search] [--no-relink] [--exact [--time-limit-s S]
//!     [--node-limit N]] DIR
//! ```
//!
//! `gen` writes `demand.csv` (`id,x,y,weight`), `candidates.csv` (`id,x,y`) and, with existing
//! sites, `existing.csv` (`id,x,y`): the instance of
//! [`family_instance`](ssmplan_planner::location::family_instance) for `--family` (default
//! `towns`, the instance of [`synthetic_instance`](ssmplan_planner::location::synthetic_instance)) over 150 km x 100 km,
//! coordinates in metres (rounded), weights exact. `solve` prints `key: value` lines: objective,
//! bound, gap, chosen candidate ids, and the solve time (R-tree and lists included, CSV reading
//! excluded; the minimum and the median over `--repeat` runs).

use std::error::Error;
use std::fmt::Write as _;
use std::fs;
use std::io::{BufWriter, Write as _};
use std::path::{Path, PathBuf};
use std::time::Instant;

use geo::Coord;
use ssmplan_planner::location::{
    BoundKind, Family, LocationInstance, Objective, SolveParams, family_instance, solve,
};

type Result<T> = std::result::Result<T, Box<dyn Error>>;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("gen") => generate(&Args::parse(&args[1..])?),
        Some("solve") => run(&Args::parse(&args[1..])?),
        _ => Err("usage: location_csv gen|solve [options] (see the file header)".into()),
    }
}

/// `--key value` options, `--flag` switches and one positional directory.
struct Args {
    pairs: Vec<(String, String)>,
    flags: Vec<String>,
    dir: Option<PathBuf>,
}

impl Args {
    fn parse(args: &[String]) -> Result<Self> {
        let mut out = Args {
            pairs: Vec::new(),
            flags: Vec::new(),
            dir: None,
        };
        let mut it = args.iter();
        while let Some(a) = it.next() {
            if let Some(key) = a.strip_prefix("--") {
                if key == "no-local-search" || key == "no-relink" || key == "exact" {
                    out.flags.push(key.to_owned());
                } else {
                    let value = it.next().ok_or_else(|| format!("--{key} needs a value"))?;
                    out.pairs.push((key.to_owned(), value.clone()));
                }
            } else if out.dir.is_none() {
                out.dir = Some(PathBuf::from(a));
            } else {
                return Err(format!("unexpected argument {a}").into());
            }
        }
        Ok(out)
    }

    fn get<T: std::str::FromStr>(&self, key: &str) -> Result<Option<T>>
    where
        T::Err: Error + 'static,
    {
        match self.pairs.iter().rev().find(|(k, _)| k == key) {
            None => Ok(None),
            Some((_, v)) => v
                .parse()
                .map(Some)
                .map_err(|e| format!("--{key} {v}: {e}").into()),
        }
    }

    fn require<T: std::str::FromStr>(&self, key: &str) -> Result<T>
    where
        T::Err: Error + 'static,
    {
        self.get(key)?
            .ok_or_else(|| format!("--{key} is required").into())
    }

    fn flag(&self, name: &str) -> bool {
        self.flags.iter().any(|f| f == name)
    }
}

fn generate(args: &Args) -> Result<()> {
    let family: Family = args.get("family")?.unwrap_or(Family::Towns);
    let seed: u64 = args.require("seed")?;
    let params = family.params(
        seed,
        args.require("demand")?,
        args.require("candidates")?,
        args.get("existing")?.unwrap_or(0),
    );
    let out: PathBuf = args.require("out")?;
    let instance = family_instance(&params)?;
    fs::create_dir_all(&out)?;
    let mut w = BufWriter::new(fs::File::create(out.join("demand.csv"))?);
    writeln!(w, "id,x,y,weight")?;
    for (i, (p, wt)) in instance.demand().iter().zip(instance.weight()).enumerate() {
        writeln!(w, "{i},{},{},{wt}", p.x, p.y)?;
    }
    w.flush()?;
    write_points(&out.join("candidates.csv"), instance.candidates())?;
    let existing = out.join("existing.csv");
    if instance.existing().is_empty() {
        if existing.exists() {
            fs::remove_file(existing)?;
        }
    } else {
        write_points(&existing, instance.existing())?;
    }
    println!(
        "wrote {} demand points, {} candidates, {} existing sites to {} (family {family}, seed {seed})",
        instance.demand().len(),
        instance.candidates().len(),
        instance.existing().len(),
        out.display(),
    );
    Ok(())
}

fn write_points(path: &Path, points: &[Coord<f64>]) -> Result<()> {
    let mut w = BufWriter::new(fs::File::create(path)?);
    writeln!(w, "id,x,y")?;
    for (i, p) in points.iter().enumerate() {
        writeln!(w, "{i},{},{}", p.x, p.y)?;
    }
    w.flush()?;
    Ok(())
}

/// Rows of a CSV with a header and numeric columns: (id, values).
fn read_rows(path: &Path, columns: usize) -> Result<Vec<(String, Vec<f64>)>> {
    let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut rows = Vec::new();
    for (line_no, line) in text.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split(',').collect();
        if fields.len() != columns + 1 {
            return Err(format!(
                "{} line {}: {} fields, expected {}",
                path.display(),
                line_no + 1,
                fields.len(),
                columns + 1
            )
            .into());
        }
        let values = fields[1..]
            .iter()
            .enumerate()
            .map(|(k, f)| {
                f.trim().parse::<f64>().map_err(|e| {
                    format!(
                        "{} line {} column {}: {e}",
                        path.display(),
                        line_no + 1,
                        k + 2
                    )
                })
            })
            .collect::<std::result::Result<Vec<f64>, String>>()?;
        rows.push((fields[0].trim().to_owned(), values));
    }
    Ok(rows)
}

fn points(rows: &[(String, Vec<f64>)]) -> Vec<Coord<f64>> {
    rows.iter()
        .map(|(_, v)| Coord { x: v[0], y: v[1] })
        .collect()
}

fn run(args: &Args) -> Result<()> {
    let dir = args
        .dir
        .clone()
        .ok_or("solve needs the instance directory")?;
    let model: String = args.require("model")?;
    let read_start = Instant::now();
    let demand = read_rows(&dir.join("demand.csv"), 3)?;
    let candidates = read_rows(&dir.join("candidates.csv"), 2)?;
    let existing_path = dir.join("existing.csv");
    let existing = if existing_path.exists() {
        read_rows(&existing_path, 2)?
    } else {
        Vec::new()
    };
    let instance = LocationInstance::new(
        points(&demand),
        demand.iter().map(|(_, v)| v[2]).collect(),
        points(&candidates),
        points(&existing),
    )?;
    let read_s = read_start.elapsed().as_secs_f64();
    let radius_km: Option<f64> = args.get("radius-km")?;
    let objective = match model.as_str() {
        "mclp" => Objective::Mclp {
            radius_m: radius_km.ok_or("--radius-km is required for mclp")? * 1_000.0,
        },
        "pmedian" => Objective::PMedian,
        "lscp" => Objective::Lscp {
            radius_m: radius_km.ok_or("--radius-km is required for lscp")? * 1_000.0,
            target_share: args.get("target-share")?.unwrap_or(1.0),
        },
        other => return Err(format!("unknown model {other}: mclp, pmedian or lscp").into()),
    };
    let params = solve_params(args)?;
    let repeat: usize = args.get("repeat")?.unwrap_or(1).max(1);
    let mut times = Vec::with_capacity(repeat);
    let mut solution = None;
    for _ in 0..repeat {
        let start = Instant::now();
        let s = solve(&instance, &objective, &params)?;
        times.push(start.elapsed().as_secs_f64() * 1_000.0);
        solution = Some(s);
    }
    let solution = solution.ok_or("no run")?;
    times.sort_by(f64::total_cmp);
    let ids = solution
        .chosen
        .iter()
        .map(|&j| candidates[j].0.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let mut report = String::new();
    let opt = |x: Option<f64>| x.map_or_else(|| "none".to_owned(), |v| v.to_string());
    writeln!(report, "model: {model}")?;
    writeln!(
        report,
        "size: {} x {} (existing {})",
        instance.demand().len(),
        instance.candidates().len(),
        instance.existing().len()
    )?;
    writeln!(report, "p: {}", params.p)?;
    writeln!(report, "threads: {}", rayon_threads())?;
    writeln!(report, "objective: {}", solution.objective)?;
    writeln!(report, "bound: {}", opt(solution.bound))?;
    writeln!(
        report,
        "bound_kind: {}",
        solution
            .bound_kind
            .map_or_else(|| "none".to_owned(), |k| format!("{k:?}"))
    )?;
    writeln!(report, "gap: {}", opt(solution.gap))?;
    writeln!(
        report,
        "status: {}",
        if solution.gap == Some(0.0) || solution.bound_kind == Some(BoundKind::Exact) {
            "optimal"
        } else {
            "feasible"
        }
    )?;
    writeln!(
        report,
        "baseline_objective: {}",
        solution.baseline_objective
    )?;
    writeln!(report, "covered_share: {}", opt(solution.covered_share))?;
    writeln!(report, "chosen_ids: {ids}")?;
    writeln!(report, "iterations: {}", solution.iterations)?;
    writeln!(report, "evaluations: {}", solution.evaluations)?;
    writeln!(report, "read_s: {read_s:.3}")?;
    writeln!(report, "runs: {repeat}")?;
    writeln!(report, "solve_ms_min: {:.3}", times[0])?;
    writeln!(report, "solve_ms_median: {:.3}", times[times.len() / 2])?;
    print!("{report}");
    Ok(())
}

/// The solver options of `solve`.
fn solve_params(args: &Args) -> Result<SolveParams> {
    let params = SolveParams::new(args.get("p")?.unwrap_or(10))
        .local_search(!args.flag("no-local-search"))
        .relink(!args.flag("no-relink"))
        .perturbations(args.get("perturbations")?.unwrap_or(0))
        .seed(args.get("seed")?.unwrap_or(0))
        .exact(args.flag("exact"))
        .time_limit_s(args.get("time-limit-s")?);
    let params = match args.get("node-limit")? {
        Some(n) => params.node_limit(n),
        None => params,
    };
    let params = match args.get("bound-iterations")? {
        Some(n) => params.bound_iterations(n),
        None => params,
    };
    let params = match args.get("kicks")? {
        Some(n) => params.kicks(n),
        None => params,
    };
    let params = match args.get("tabu")? {
        Some(n) => params.tabu(n),
        None => params,
    };
    let params = match args.get("restarts")? {
        Some(n) => params.restarts(n),
        None => params,
    };
    let params = match args.get("bound-pairs-limit")? {
        Some(n) => params.bound_pairs_limit(n),
        None => params,
    };
    Ok(params)
}

/// Threads of the global rayon pool (`RAYON_NUM_THREADS` or the number of cores).
fn rayon_threads() -> usize {
    std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n: &usize| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
}
