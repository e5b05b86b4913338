//! Solves a model file written by `matome plan --export-model` with the HiGHS library
//! matome links, for machines without the `highs` command line (docs/model.md):
//!
//!     cargo run --release --example solve_model -- FILE.mps [SECONDS]
//!
//! Prints HiGHS's status, objective, MIP dual bound and the wall time.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(file) = args.next().map(PathBuf::from) else {
        eprintln!("usage: solve_model FILE.mps|FILE.lp [SECONDS (default 60)]");
        return ExitCode::from(2);
    };
    let seconds = match args.next().map(|s| s.parse::<f64>()) {
        None => 60.0,
        Some(Ok(s)) if s.is_finite() && s > 0.0 => s,
        Some(_) => {
            eprintln!("SECONDS must be a positive number");
            return ExitCode::from(2);
        }
    };
    match matome::solve::export::solve_file(&file, seconds, None) {
        Ok(r) => {
            println!(
                "{}: status {}, objective {:.0}, bound {:.0}, {:.1} s",
                file.display(),
                r.status,
                r.objective,
                r.bound,
                r.seconds
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(1)
        }
    }
}
