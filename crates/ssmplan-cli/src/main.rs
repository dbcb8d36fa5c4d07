//! `ssmplan`: command-line interface of the SSM coverage-planning engine.

mod accessibility;
mod args;
mod catchments;
mod common;
mod coverage;
mod expand;
mod recommend;
mod report;
mod scenario;
mod typology;
mod validate;

use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command};

fn main() -> ExitCode {
    let mut cli = Cli::parse();
    cli.data.resolve_format();
    let result = match &cli.command {
        Command::Coverage(a) => coverage::run(&cli.data, a),
        Command::Catchments(a) => catchments::run(&cli.data, a),
        Command::Accessibility(a) => accessibility::run(&cli.data, a),
        Command::Validate => validate::run(&cli.data),
        Command::Recommend(a) => recommend::run(&cli.data, a),
        Command::Expand(a) => expand::run(&cli.data, a),
        Command::Budget(args::BudgetCommand::Coordinators(a)) => expand::coordinators(&cli.data, a),
        Command::Scenario(a) => scenario::run(&cli.data, a),
        Command::Typology => typology::run(&cli.data),
    };
    match result.and_then(|report| report::emit(&report, cli.data.format, cli.data.out.as_deref()))
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
