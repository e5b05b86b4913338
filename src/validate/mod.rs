//! Validation of a dataset: the checks that look across rows and files (duplicates,
//! references, outliers), then the resolution of a valid dataset into a `ward::Ward`.
//! Value-level problems (numbers, dates, enums, columns, encodings) are found while
//! reading, in `io`, with codes from the same table (`diag::codes`). Everything is
//! reported at once.

mod checks;
mod summary;

pub use checks::check_all;
pub use summary::Summary;

use crate::diag::{codes, sort, Diagnostic};
use crate::io::columns::Aliases;
use crate::io::{read_dataset_with, read_trades, ReadOutcome, LINES, TRAVEL};
use crate::model::TradeCatalogue;
use crate::ward::{ResolveError, Ward};
use std::path::{Path, PathBuf};

/// A dataset that passed validation, resolved, with the warnings left.
#[derive(Debug)]
pub struct Validated {
    /// The dataset with every key resolved, and its trade catalogue.
    pub ward: Ward,
    /// Warnings found on the way (no errors: those make the dataset invalid).
    pub warnings: Vec<Diagnostic>,
}

/// Everything `validate` learns about a folder, valid or not (the CLI prints a summary
/// of what was read even when there are errors).
pub struct Report {
    /// What the readers found.
    pub outcome: ReadOutcome,
    /// The trade catalogue, when it could be read.
    pub trades: Option<TradeCatalogue>,
    /// All diagnostics, sorted by file and line.
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    /// True when any diagnostic is an error.
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

/// Where the column alias table comes from: `models_dir/columns.toml` when that file
/// exists (a ward's own names), else `./models/columns.toml` when present, else the
/// embedded copy. Unlike the trade catalogue it is optional in a models folder.
pub fn columns_path(models_dir: Option<&Path>) -> Option<PathBuf> {
    let local = models_dir
        .unwrap_or(Path::new("models"))
        .join("columns.toml");
    local.is_file().then_some(local)
}

/// Reads and checks a dataset folder; never panics.
pub fn validate_dir(dataset_dir: &Path, models_dir: Option<&Path>) -> Report {
    let (aliases, alias_diags) = match Aliases::read(columns_path(models_dir).as_deref()) {
        Ok(a) => (a, Vec::new()),
        Err(d) => (Aliases::embedded(), d),
    };
    let outcome = read_dataset_with(dataset_dir, &aliases);
    let mut diagnostics = outcome.diagnostics.clone();
    diagnostics.extend(alias_diags);
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

/// The agreed entry point: the resolved ward when no diagnostic is an error (warnings
/// ride along), every diagnostic otherwise.
pub fn load_and_validate(
    dataset_dir: &Path,
    models_dir: Option<&Path>,
) -> Result<Validated, Vec<Diagnostic>> {
    let report = validate_dir(dataset_dir, models_dir);
    if report.has_errors() {
        return Err(report.diagnostics);
    }
    let Some(trades) = report.trades else {
        return Err(report.diagnostics);
    };
    match Ward::resolve(report.outcome.dataset, trades) {
        Ok(ward) => Ok(Validated {
            ward,
            warnings: report.diagnostics,
        }),
        Err(e) => Err(vec![unresolved(dataset_dir, &e)]),
    }
}

/// A key `Ward::resolve` refused, as the diagnostic the checks give it. The checks
/// report every such key with its line first, so this only guards against a check
/// and the resolution drifting apart.
fn unresolved(dir: &Path, e: &ResolveError) -> Diagnostic {
    let (code, file, column) = match e {
        ResolveError::UnknownFacility { .. } => (codes::UNKNOWN_FACILITY, LINES, "facility_id"),
        ResolveError::UnknownTrade { .. } => (codes::UNKNOWN_TRADE, LINES, "trade"),
        ResolveError::UnknownContract { .. } => (codes::UNKNOWN_CONTRACT, LINES, "contract_id"),
        ResolveError::UnknownSite(_) => (codes::TRAVEL_UNKNOWN_ID, TRAVEL, "from_id"),
    };
    Diagnostic::new(
        code,
        &dir.join(file),
        None,
        Some(column),
        e.to_string(),
        "correct the id",
    )
}
