//! The `matome` command line: parse, call the library, print, set the exit code.

use clap::{Parser, Subcommand};
use std::process::ExitCode;

mod cli;

/// matome plans the comprehensive outsourcing (包括委託) of a ward's facility maintenance.
#[derive(Parser)]
#[command(name = "matome", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Solve benchmark instances (CPMP, SSCFLP) and print one CSV row each.
    Bench(cli::bench::BenchArgs),
    /// Plan the bundles of a dataset under a scenario and write the reports.
    Plan(cli::plan::PlanArgs),
    /// 計画の検証: re-verify a plan folder from its files alone (lines, limits, objective).
    Check(cli::check::CheckArgs),
    /// Plan every scenario of a sweep in parallel and write one comparison.
    Scenarios(cli::scenarios::ScenariosArgs),
    /// Check a dataset folder: print a summary and every problem (file, line, column).
    Validate(cli::validate::ValidateArgs),
    /// Write a synthetic but realistic ward dataset (deterministic for a seed).
    Generate(cli::generate::GenerateArgs),
    /// Build a dataset from a city's published files (open-data facility lists).
    Import(cli::import::ImportArgs),
    /// The planning desk in a browser: a local web app on 127.0.0.1 (no network).
    #[command(long_about = cli::serve::LONG_ABOUT)]
    Serve(cli::serve::ServeArgs),
}

fn main() -> ExitCode {
    cli::stop_safely_on_signals();
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Bench(args) => cli::bench::run(args),
        Command::Plan(args) => cli::plan::run(args),
        Command::Check(args) => cli::check::run(args),
        Command::Scenarios(args) => cli::scenarios::run(args),
        Command::Validate(args) => cli::validate::run(args),
        Command::Generate(args) => cli::generate::run(args),
        Command::Import(args) => cli::import::run(args),
        Command::Serve(args) => cli::serve::run(args),
    };
    cli::end(code)
}
