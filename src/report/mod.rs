//! Everything `matome plan` writes: bundles.csv, assignments.csv, summary.json,
//! bundles.geojson, report.html (inline SVG map and charts), report.md and plan.xlsx. Files are
//! written into a temporary folder beside the target and renamed into place when all
//! are complete, so a failed run never leaves a half-written file. Only summary.json
//! holds timings (under `timing`), so two runs with one seed differ nowhere else.

mod atomic;
mod bidders;
pub mod comparison;
mod geojson;
mod html;
mod markdown;
mod plan_xlsx;
mod realign;
mod summary;
mod svg;
mod tables;
pub mod workbook;

pub use atomic::{ensure_outside, write_files, OutputError};

use crate::plan::Plan;
use std::path::{Path, PathBuf};

/// The files of one plan, in the order they are listed to the user.
pub const FILES: [&str; 7] = [
    "report.html",
    "plan.xlsx",
    "report.md",
    "summary.json",
    "bundles.csv",
    "assignments.csv",
    "bundles.geojson",
];

/// Renders every output of a plan in memory: (file name, bytes), in `FILES` order.
pub fn render(plan: &Plan) -> Result<Vec<(&'static str, Vec<u8>)>, OutputError> {
    let mut files = vec![
        ("report.html", html::render(plan).into_bytes()),
        ("plan.xlsx", plan_xlsx::render(plan)?),
        ("report.md", markdown::render(plan).into_bytes()),
        ("summary.json", summary::render(plan).into_bytes()),
        ("bundles.csv", tables::bundles_csv(plan)),
        ("assignments.csv", tables::assignments_csv(plan)),
        ("bundles.geojson", geojson::render(plan).into_bytes()),
    ];
    // A replan (`--from`) also lists every facility that changed bundle.
    if let Some(r) = &plan.realignment {
        files.push(("changes.csv", tables::changes_csv(r)));
    }
    Ok(files)
}

/// Renders and writes a plan into `out_dir`, refusing any place inside `dataset_dir`.
pub fn write(plan: &Plan, dataset_dir: &Path, out_dir: &Path) -> Result<Vec<PathBuf>, OutputError> {
    ensure_outside(dataset_dir, out_dir)?;
    write_files(out_dir, &render(plan)?)
}

/// Escapes text for HTML and SVG.
pub(crate) fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The name of a trade in Japanese and English, or its key when the catalogue lacks it.
pub(crate) fn trade_label(plan: &Plan, key: &str) -> String {
    match plan.inputs.ward.trades().get(key) {
        Some(t) => format!("{} {}", t.name_ja, t.name_en),
        None => key.to_string(),
    }
}
