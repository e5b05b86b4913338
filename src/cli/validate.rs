//! `matome validate DATASET`: reads and checks a dataset folder, prints a summary and
//! every diagnostic, and sets the exit code.

use clap::Args;
use matome::diag::Severity;
use matome::text::thousands;
use matome::validate::{validate_dir, Summary};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

pub const EXIT_CODES: &str = "Exit codes:
  0  the dataset is valid (warnings may have been printed)
  1  the dataset is invalid: at least one error was found (all are printed)
  2  usage error: bad arguments, or the dataset or models folder does not exist";

#[derive(Args)]
#[command(after_help = EXIT_CODES)]
pub struct ValidateArgs {
    /// The dataset folder (facilities.csv, service_lines.csv, contracts.csv; optional
    /// travel.csv, depots.csv; each may be .xlsx instead), or one workbook with a sheet
    /// per table (施設, 業務, 契約, 移動, 拠点).
    pub dataset: PathBuf,
    /// Folder of model files (trades.toml). Default: ./models when it exists, else the
    /// copies built into matome.
    #[arg(long, value_name = "DIR")]
    pub models: Option<PathBuf>,
}

pub fn run(args: ValidateArgs) -> ExitCode {
    // One workbook is a dataset too (its sheets are the tables); the reader opens it.
    let workbook = args.dataset.is_file()
        && args
            .dataset
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    if !args.dataset.is_dir() && !workbook {
        eprintln!(
            "error: dataset folder '{}' does not exist or is not a folder (nor an .xlsx workbook)",
            args.dataset.display()
        );
        return ExitCode::from(2);
    }
    if let Some(m) = &args.models {
        if !m.is_dir() {
            eprintln!(
                "error: models folder '{}' does not exist or is not a folder",
                m.display()
            );
            return ExitCode::from(2);
        }
    }
    let report = validate_dir(&args.dataset, args.models.as_deref());
    let s = Summary::of(&report.outcome.dataset);
    out!("dataset {}", args.dataset.display());
    print_summary(&s);
    let errors = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = report.diagnostics.len() - errors;
    if !report.diagnostics.is_empty() {
        out!();
        for d in &report.diagnostics {
            out!("{d}");
        }
    }
    out!();
    if errors > 0 {
        out!("invalid: {errors} error(s), {warnings} warning(s)");
        ExitCode::from(1)
    } else {
        out!("valid: 0 errors, {warnings} warning(s)");
        ExitCode::SUCCESS
    }
}

fn list(m: &BTreeMap<String, usize>) -> String {
    let mut v: Vec<(&String, &usize)> = m.iter().collect();
    v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    v.iter()
        .map(|(k, n)| format!("{k} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn print_summary(s: &Summary) {
    out!(
        "facilities      {} in {} areas and {} districts; {} under designated managers",
        s.facilities,
        s.areas,
        s.districts,
        s.designated_manager_facilities
    );
    out!("  by area       {}", list(&s.facilities_by_area));
    out!("  by kind       {}", list(&s.facilities_by_kind));
    out!("service lines   {}; {} pinned", s.lines, s.lines_pinned);
    out!("  by trade      {}", list(&s.lines_by_trade));
    out!(
        "contracts       {} ({} spanning several facilities); total annual value {} yen",
        s.contracts,
        s.multi_facility_contracts,
        thousands(s.contract_value_jpy)
    );
    out!("depots          {}", s.depots);
    out!("travel entries  {}", s.travel_entries);
}
