//! One file per subcommand: arguments and the run function returning the exit code.
//! Commands fail with `anyhow` errors; `exit_code` prints them and maps them to the
//! documented codes: 1 when the data is invalid or the scenario admits no plan
//! (`Invalid`), 2 for every other error (usage: arguments, files, output location).

pub mod bench;
pub mod check;
pub mod generate;
pub mod import;
mod inputs;
pub mod plan;
mod progress;
pub mod scenarios;
pub mod serve;
pub mod validate;

use std::fmt::Display;
use std::process::ExitCode;

/// An error that exits with code 1: the dataset is invalid, or the scenario admits no
/// plan. Any other error of a command is a usage error (code 2).
#[derive(Debug, thiserror::Error)]
pub enum Invalid {
    /// The dataset failed validation: every diagnostic, one a line.
    #[error("{0}")]
    Data(String),
    /// No plan exists for the scenario (infeasible, no solution in time, failed check).
    #[error("no plan: {0}")]
    NoPlan(matome::plan::PlanError),
}

/// An error whose message already names its cause, so the printed chain does not
/// repeat the cause after it.
pub fn whole(e: impl Display) -> anyhow::Error {
    anyhow::Error::msg(e.to_string())
}

/// Prints a failed command's error on stderr as `matome COMMAND: …` and returns the
/// exit code it documents.
pub fn exit_code(command: &str, result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("matome {command}: {e:#}");
            ExitCode::from(if e.is::<Invalid>() { 1 } else { 2 })
        }
    }
}
