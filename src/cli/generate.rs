//! `matome generate`: writes a synthetic ward dataset, atomically.

use clap::Args;
use matome::generate::generate;
use matome::io::{write_dataset_atomic, WriteError};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
#[command(after_help = "Exit codes:
  0  the dataset was written
  1  writing failed (nothing half-written is left in OUT)
  2  usage error: unknown preset, or OUT is not empty and --force was not given
  130 interrupted (Ctrl-C or SIGTERM): a write under way is finished first; nothing is
      half-written")]
pub struct GenerateArgs {
    /// Ward preset (built in): setagaya.
    #[arg(long, default_value = "setagaya")]
    pub preset: String,
    /// Random seed; the same seed gives byte-identical files.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Output folder (created; must be empty unless --force).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Replace the content of a non-empty output folder.
    #[arg(long)]
    pub force: bool,
}

pub fn run(args: GenerateArgs) -> ExitCode {
    let ds = match generate(&args.preset, args.seed) {
        Ok(ds) => ds,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    match write_dataset_atomic(&ds, &args.out, args.force) {
        Ok(()) => {
            out!(
                "wrote {} facilities, {} service lines, {} contracts, {} depots to {}",
                ds.facilities.len(),
                ds.lines.len(),
                ds.contracts.len(),
                ds.depots.len(),
                args.out.display()
            );
            ExitCode::SUCCESS
        }
        Err(e @ (WriteError::NotEmpty(_) | WriteError::NotAFolder(_))) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
