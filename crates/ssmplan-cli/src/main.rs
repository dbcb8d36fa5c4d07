//! `ssmplan`: command-line interface of the SSM coverage-planning engine. It parses arguments
//! into the engine's typed requests (`ssmplan-engine`) and renders the reports; `serve` starts
//! the map service (`ssmplan-server`).

mod args;
mod common;
mod report;

use std::process::ExitCode;

use anyhow::Result;
use clap::Parser;
use ssmplan_engine::{Engine, MapLayer, Progress, Report, ScenarioSource};

use crate::args::{Cli, Command, Format};
use crate::common::{TerminalProgress, cli_error};

fn main() -> ExitCode {
    let mut cli = Cli::parse();
    cli.data.resolve_format();
    let result = match &cli.command {
        _ if cli.version => {
            version(&cli);
            Ok(())
        }
        None => {
            let _ = <Cli as clap::CommandFactory>::command().print_help();
            return ExitCode::FAILURE;
        }
        Some(Command::Completions { shell }) => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(*shell, &mut command, "ssmplan", &mut std::io::stdout());
            Ok(())
        }
        Some(Command::Serve(a)) => serve(&cli, a),
        Some(_) => run(&cli)
            .and_then(|report| report::emit(&report, cli.data.format, cli.data.out.as_deref())),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// `--version`: the tool's version and the identity of the dataset it would read.
fn version(cli: &Cli) {
    println!("ssmplan {}", env!("CARGO_PKG_VERSION"));
    let manifest = cli.data.data.join("MANIFEST.sha256");
    match ssmplan_io::manifest::sha256_file(&manifest) {
        Ok(hash) => {
            let files = std::fs::read_to_string(&manifest)
                .map_or(0, |t| t.lines().filter(|l| !l.trim().is_empty()).count());
            println!(
                "dataset {}: MANIFEST.sha256 {hash} ({files} files)",
                cli.data.data.display()
            );
        }
        Err(_) => println!(
            "dataset {}: no MANIFEST.sha256 (files not verified)",
            cli.data.data.display()
        ),
    }
}

/// Loads the dataset of the global options.
fn load(cli: &Cli, progress: &dyn Progress) -> Result<Engine> {
    progress.stage(&format!("loading {}", cli.data.data.display()));
    let engine = Engine::load(&common::data_request(&cli.data)).map_err(cli_error)?;
    let d = engine.dataset();
    progress.stage(&format!(
        "loaded {} communes, {} sites, {} inhabitants",
        d.communes.len(),
        d.sites.len(),
        d.population_total()
    ));
    Ok(engine)
}

/// Runs one command and returns its report.
fn run(cli: &Cli) -> Result<Report> {
    let progress = TerminalProgress::new(cli.data.quiet);
    let layer = if matches!(cli.data.format, Format::Geojson | Format::Gpkg) {
        MapLayer::Build
    } else {
        MapLayer::Skip
    };
    let Some(command) = &cli.command else {
        anyhow::bail!("no command given");
    };
    if let Some(report) = run_without_dataset(cli, command, &progress)? {
        return Ok(report);
    }
    if cli.data.facilities.is_some()
        && !matches!(
            command,
            Command::Coverage(_)
                | Command::Catchments(_)
                | Command::Accessibility(_)
                | Command::Network(_)
        )
    {
        anyhow::bail!(
            "--facilities applies to coverage, catchments, accessibility and network only (the other commands plan SSM sites)"
        );
    }
    let engine = load(cli, &progress)?;
    let p = &progress;
    let report = match command {
        Command::Coverage(a) => {
            ssmplan_engine::coverage(&engine, &common::coverage_request(a), layer, p)
                .map(|r| r.report)
        }
        Command::Network(a) => ssmplan_engine::network(
            &engine,
            &ssmplan_engine::NetworkRequest {
                network: a.network.clone(),
                demand: a.demand.clone(),
                max_snap_km: a.max_snap_km,
                cutoff_min: a.cutoff_min,
                access_speed_kmh: a.access_speed_kmh,
                params: a.params.clone(),
            },
            p,
        )
        .map(|r| r.report),
        Command::Catchments(a) => {
            ssmplan_engine::catchments(&engine, &common::catchments_request(a), layer, p)
                .map(|r| r.report)
        }
        Command::Accessibility(a) => {
            ssmplan_engine::accessibility(&engine, &common::accessibility_request(a), layer, p)
                .map(|r| r.report)
        }
        Command::Validate => Ok(ssmplan_engine::validate(&engine, p)),
        Command::Recommend(a) => {
            ssmplan_engine::recommend(&engine, &common::recommend_request(a), layer, p)
                .map(|r| r.report)
        }
        Command::Expand(a) => {
            ssmplan_engine::expand(&engine, &common::expand_request(a), p).map(|r| r.report)
        }
        Command::Scenario(a) => ssmplan_engine::scenario(
            &engine,
            ScenarioSource::File(&a.file),
            &common::scenario_request(a),
            p,
        )
        .map(|r| r.report),
        Command::Typology => ssmplan_engine::typology(&engine, p).map(|r| r.report),
        Command::Urbanisation(a) => ssmplan_engine::urbanisation(
            &engine,
            &ssmplan_engine::UrbanisationRequest {
                extent: match a.extent {
                    args::ExtentArg::Context => ssmplan_engine::GridExtent::Context,
                    args::ExtentArg::StudyArea => ssmplan_engine::GridExtent::StudyArea,
                },
                cells: a.cells,
            },
            layer,
            p,
        )
        .map(|r| r.report),
        Command::Budget(_)
        | Command::Serve(_)
        | Command::Completions { .. }
        | Command::Solve(_)
        | Command::Calibrate(_) => {
            anyhow::bail!("handled above")
        }
    };
    progress.finish();
    report.map_err(cli_error)
}

/// The commands that read no dataset (budget, calibrate, solve): their report, else `None`.
fn run_without_dataset(
    cli: &Cli,
    command: &Command,
    progress: &TerminalProgress,
) -> Result<Option<Report>> {
    Ok(Some(match command {
        Command::Budget(args::BudgetCommand::Coordinators(a)) => {
            ssmplan_engine::coordinators(&common::coordinator_request(a))
                .map_err(cli_error)?
                .report
        }
        Command::Serve(_) | Command::Completions { .. } => {
            anyhow::bail!("this command has no report")
        }
        Command::Calibrate(a) => {
            let result =
                ssmplan_engine::calibrate(&common::calibrate_request(&cli.data, a), progress)
                    .map_err(cli_error)?;
            if let Some(path) = &a.write_params {
                let mut bytes = serde_json::to_vec_pretty(&result.params_file)?;
                bytes.push(b'\n');
                report::write_atomically(path, &bytes)?;
            }
            progress.finish();
            result.report
        }
        Command::Solve(a) => {
            let report = ssmplan_engine::solve(&common::solve_request(a), progress)
                .map_err(cli_error)?
                .report;
            progress.finish();
            report
        }
        _ => return Ok(None),
    }))
}

/// `ssmplan serve`: loads the dataset once and runs the map service until Ctrl-C or SIGTERM.
fn serve(cli: &Cli, a: &args::ServeArgs) -> Result<()> {
    if cli.data.facilities.is_some() {
        anyhow::bail!(
            "--facilities applies to coverage, catchments and accessibility only, not to the map service"
        );
    }
    let progress = TerminalProgress::new(cli.data.quiet);
    let engine = load(cli, &progress)?;
    progress.finish();
    ssmplan_server::run(
        engine,
        &ssmplan_server::ServeOptions {
            addr: a.addr,
            open_browser: a.open,
            ..ssmplan_server::ServeOptions::default()
        },
    )
}
