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
mod phase;
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

/// Written after `FILES` when the scenario has `[phase]`.
pub const PHASE_FILE: &str = "phase.csv";

/// Renders every output of a plan in memory: (file name, bytes), in `FILES` order, then
/// phase.csv under `[phase]`.
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
    if let Some(ph) = &plan.phase {
        files.push((PHASE_FILE, phase::csv(plan, ph)));
    }
    Ok(files)
}

/// Renders and writes a plan into `out_dir`, refusing any place inside `dataset_dir`.
pub fn write(plan: &Plan, dataset_dir: &Path, out_dir: &Path) -> Result<Vec<PathBuf>, OutputError> {
    ensure_outside(dataset_dir, out_dir)?;
    write_files(out_dir, &render(plan)?)
}

/// What may be a bundle's centre, when the scenario limits it (`hub_kinds`), and where
/// no facility of those kinds was found so any facility there served.
pub(crate) fn hub_note(plan: &Plan) -> Option<String> {
    let kinds = &plan.scenario.hub_kinds;
    if kinds.is_empty() {
        return None;
    }
    let mut note = format!(
        "中心（拠点）にできる施設種別 Kinds that may be a bundle's centre (hub_kinds): {}.",
        kinds.join(", ")
    );
    if !plan.built.hub_fallback.is_empty() {
        note.push_str(&format!(
            " 該当種別の中心で扱えないため任意の施設を中心とした所 Where no centre of those kinds could serve, any facility may be one: {}.",
            plan.built.hub_fallback.join(", ")
        ));
    }
    Some(note)
}

/// What the travel figures include, in one sentence (Japanese, then English).
pub(crate) fn travel_sentence(plan: &Plan) -> String {
    let located = plan
        .inputs
        .ward
        .vendors()
        .iter()
        .filter(|v| v.lat.is_some() && v.lon.is_some())
        .count();
    format!(
        "移動距離は各訪問を担当拠点からの往復として計上(現在=契約業者の拠点、計画後=包括契約の拠点、現行のままの業務=その業者)。 Travel: every visit is a round trip from the base that serves it — today the contract's vendor ({located} firms located in vendors.csv; others assumed {} km away, costs.vendor_base_km), after the plan the bundle's hub, and the vendor for lines left as is; distances are travel.csv road km, else great-circle km × {}.",
        plan.scenario.costs.vendor_base_km, plan.scenario.costs.detour_factor
    )
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
