//! Floating-catchment accessibility of CSV inputs: the Rust side of
//! `benches/compare/access_pysal.py`.
//!
//! ```text
//! cargo build --release -p ssmplan-core --example fca_csv
//! fca_csv DEMAND.csv SUPPLY.csv [--radius-m 10000] [--steps 3000:1,6000:0.68,10000:0.22]
//!         [--sigma-m 5000] [--repeat 1]
//! ```
//!
//! `DEMAND.csv` has the columns `id,x,y,pop`, `SUPPLY.csv` `id,x,y,capacity` (EPSG:3812 metres,
//! any column order, header required). Prints `id,2sfca,e2sfca,g2sfca` per demand point with
//! 17 significant digits on stdout, and tab-separated timings on stderr: `read_ms`, then
//! `compute_ms METHOD` (the fastest of `--repeat` runs of `floating_catchment`).

use std::error::Error;
use std::fmt::Write as _;
use std::io::Write as _;
use std::process::ExitCode;
use std::time::Instant;

use geo::Coord;
use ssmplan_core::{AccessibilityParams, FcaDecay, floating_catchment};

type AnyError = Box<dyn Error>;

struct Points {
    ids: Vec<String>,
    coords: Vec<Coord<f64>>,
    values: Vec<f64>,
}

struct Options {
    demand: String,
    supply: String,
    radius_m: f64,
    steps: Vec<(f64, f64)>,
    sigma_m: f64,
    repeat: usize,
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("fca_csv: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), AnyError> {
    let options = parse_args(std::env::args().skip(1))?;
    let started = Instant::now();
    let demand = read_points(&options.demand, "pop")?;
    let supply = read_points(&options.supply, "capacity")?;
    eprintln!("read_ms\t{:.3}", ms(started));

    let methods = [
        ("2sfca", AccessibilityParams::two_step(options.radius_m)),
        (
            "e2sfca",
            AccessibilityParams::enhanced(options.radius_m, options.steps.clone()),
        ),
        (
            "g2sfca",
            AccessibilityParams::new(
                options.radius_m,
                FcaDecay::Gaussian {
                    sigma_m: options.sigma_m,
                },
            ),
        ),
    ];
    let mut columns = Vec::with_capacity(methods.len());
    for (name, params) in &methods {
        let mut best_ms = f64::INFINITY;
        let mut result = None;
        for _ in 0..options.repeat {
            let started = Instant::now();
            let found = floating_catchment(
                &demand.coords,
                &demand.values,
                &supply.coords,
                &supply.values,
                params,
            )?;
            best_ms = best_ms.min(ms(started));
            result = Some(found.accessibility);
        }
        eprintln!("compute_ms\t{name}\t{best_ms:.3}");
        columns.push(result.ok_or("--repeat must be at least 1")?);
    }

    let mut out = String::with_capacity(demand.ids.len() * 80);
    out.push_str("id,2sfca,e2sfca,g2sfca\n");
    for (i, id) in demand.ids.iter().enumerate() {
        out.push_str(id);
        for column in &columns {
            write!(out, ",{:.16e}", column[i])?;
        }
        out.push('\n');
    }
    std::io::stdout().lock().write_all(out.as_bytes())?;
    Ok(())
}

fn ms(started: Instant) -> f64 {
    started.elapsed().as_secs_f64() * 1000.0
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Options, AnyError> {
    let usage = "usage: fca_csv DEMAND.csv SUPPLY.csv [--radius-m M] [--steps B:W,...] \
                 [--sigma-m M] [--repeat N]";
    let mut positional = Vec::new();
    let mut radius_m = 10_000.0;
    let mut steps = vec![(3_000.0, 1.0), (6_000.0, 0.68), (10_000.0, 0.22)];
    let mut sigma_m = None;
    let mut repeat = 1;
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .ok_or_else(|| format!("{arg} needs a value; {usage}"))
        };
        match arg.as_str() {
            "--radius-m" => radius_m = value()?.parse()?,
            "--sigma-m" => sigma_m = Some(value()?.parse()?),
            "--repeat" => repeat = value()?.parse()?,
            "--steps" => {
                steps = value()?
                    .split(',')
                    .map(|step| {
                        let (bound, weight) = step
                            .split_once(':')
                            .ok_or_else(|| format!("step `{step}` is not BOUND_M:WEIGHT"))?;
                        Ok((bound.trim().parse()?, weight.trim().parse()?))
                    })
                    .collect::<Result<_, AnyError>>()?;
            }
            flag if flag.starts_with("--") => {
                return Err(format!("unknown option {flag}; {usage}").into());
            }
            _ => positional.push(arg),
        }
    }
    let [demand, supply] = <[String; 2]>::try_from(positional).map_err(|_| usage)?;
    Ok(Options {
        demand,
        supply,
        radius_m,
        steps,
        sigma_m: sigma_m.unwrap_or(radius_m / 2.0),
        repeat,
    })
}

/// Reads `id,x,y,<value_column>` (any column order) with plain std parsing.
fn read_points(path: &str, value_column: &str) -> Result<Points, AnyError> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let mut lines = text.lines().enumerate();
    let (_, header) = lines.next().ok_or_else(|| format!("{path}: empty file"))?;
    let names: Vec<&str> = header.split(',').map(str::trim).collect();
    let column = |name: &str| {
        names
            .iter()
            .position(|n| *n == name)
            .ok_or_else(|| format!("{path}: no `{name}` column in the header `{header}`"))
    };
    let (id_col, x_col, y_col, value_col) = (
        column("id")?,
        column("x")?,
        column("y")?,
        column(value_column)?,
    );
    let mut points = Points {
        ids: Vec::new(),
        coords: Vec::new(),
        values: Vec::new(),
    };
    for (index, line) in lines {
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        let field = |col: usize, name: &str| {
            fields
                .get(col)
                .copied()
                .ok_or_else(|| format!("{path}:{}: missing field `{name}`", index + 1))
        };
        let number = |col: usize, name: &str| -> Result<f64, AnyError> {
            let text = field(col, name)?;
            text.parse()
                .map_err(|e| format!("{path}:{}: field `{name}`: `{text}`: {e}", index + 1).into())
        };
        points.ids.push(field(id_col, "id")?.to_owned());
        points.coords.push(Coord {
            x: number(x_col, "x")?,
            y: number(y_col, "y")?,
        });
        points.values.push(number(value_col, value_column)?);
    }
    Ok(points)
}
