//! Validation of a dataset: the `Diagnostic` type, the stable codes, and the checks
//! that look across rows and files (duplicates, references, outliers). Value-level
//! problems (numbers, dates, enums, columns, encodings) are found while reading, in
//! `io`, with codes from the same table. Everything is reported at once.

mod checks;
pub mod codes;
mod diagnostic;
mod summary;

pub use checks::check_all;
pub use diagnostic::{sort, Diagnostic, Severity};
pub use summary::{thousands, Summary};

use crate::io::{read_dataset, read_trades, ReadOutcome};
use crate::model::{Dataset, TradeCatalogue};
use std::path::{Path, PathBuf};

/// A dataset that passed validation, with its trade catalogue and the warnings left.
#[derive(Debug)]
pub struct Validated {
    pub dataset: Dataset,
    pub trades: TradeCatalogue,
    pub warnings: Vec<Diagnostic>,
}

/// Everything `validate` learns about a folder, valid or not (the CLI prints a summary
/// of what was read even when there are errors).
pub struct Report {
    pub outcome: ReadOutcome,
    pub trades: Option<TradeCatalogue>,
    /// All diagnostics, sorted by file and line.
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Where the trade catalogue comes from: `models_dir/trades.toml` when a folder is
/// given; else `./models/trades.toml` when present; else the embedded copy.
pub fn trades_path(models_dir: Option<&Path>) -> Option<PathBuf> {
    match models_dir {
        Some(dir) => Some(dir.join("trades.toml")),
        None => {
            let local = Path::new("models").join("trades.toml");
            local.is_file().then_some(local)
        }
    }
}

/// Reads and checks a dataset folder; never panics.
pub fn validate_dir(dataset_dir: &Path, models_dir: Option<&Path>) -> Report {
    let outcome = read_dataset(dataset_dir);
    let mut diagnostics = outcome.diagnostics.clone();
    let trades = match read_trades(trades_path(models_dir).as_deref()) {
        Ok(t) => Some(t),
        Err(d) => {
            diagnostics.extend(d);
            None
        }
    };
    diagnostics.extend(check_all(&outcome, trades.as_ref()));
    sort(&mut diagnostics);
    Report {
        outcome,
        trades,
        diagnostics,
    }
}

/// The agreed entry point: `Ok` when no diagnostic is an error (warnings ride along),
/// `Err` with every diagnostic otherwise.
pub fn load_and_validate(
    dataset_dir: &Path,
    models_dir: Option<&Path>,
) -> Result<Validated, Vec<Diagnostic>> {
    let report = validate_dir(dataset_dir, models_dir);
    if report.has_errors() {
        return Err(report.diagnostics);
    }
    match report.trades {
        Some(trades) => Ok(Validated {
            dataset: report.outcome.dataset,
            trades,
            warnings: report.diagnostics,
        }),
        None => Err(report.diagnostics),
    }
}
