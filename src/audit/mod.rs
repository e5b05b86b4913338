//! `matome check`: re-verifies a plan folder from its files alone. It reads
//! assignments.csv, bundles.csv and summary.json back, resolves them against the
//! dataset and the scenario (the one summary.json echoes, or another), and recomputes
//! everything a plan promises in ward terms: every service line exactly once; pinned
//! and excluded lines left where they are; each unit whole; every bundle within its
//! limits, area, distance and trade groups; bundles.csv's figures; the objective,
//! staff hours and travel of summary.json. It shares no state with the run that made
//! the plan and none of the engine's code (not `problem::build`, not the engine's
//! checker): only the ward, the staff-time model, the travel model and the scenario's
//! trade-group sets, which define what the figures mean.
//!
//! Every violation is collected, none stops the others, and each names the file and
//! line, the service line or bundle, the limit and the numbers.

mod figures;
mod limits;
mod lines;
mod read;

pub use read::{AssignmentRow, BundleRow, PlanFiles};

use crate::plan::Inputs;
use crate::scenario::Scenario;
use std::fmt;
use std::path::Path;

/// Yen by which summary.json's objective and bound may differ from the recomputed
/// ones: the file rounds them to whole yen.
pub const TOL_YEN: f64 = 1.0;
/// Hours by which staff and labour hours may differ: the files round them to 0.1 h.
pub const TOL_HOURS: f64 = 0.1;
/// Km by which travel may differ: the files round it to 0.1 km.
pub const TOL_KM: f64 = 0.1;
/// Relative slack on every comparison, for the rounding noise of sums of thousands of
/// floating-point terms (the engine's checker uses the same).
pub const TOL_REL: f64 = 1e-9;

/// `true` when `a` and `b` agree within `abs` plus `TOL_REL` of their size.
pub(crate) fn close(a: f64, b: f64, abs: f64) -> bool {
    (a - b).abs() <= abs + TOL_REL * a.abs().max(b.abs())
}

/// One way in which a plan folder does not hold.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    /// A stable key of the kind of violation (`line_missing`, `limit_value`, …), for
    /// scripts and tests.
    pub kind: &'static str,
    /// The plan file the violation is found in (or the dataset file it concerns).
    pub file: &'static str,
    /// The 1-based physical line of that file, when one row is at fault.
    pub line: Option<usize>,
    /// What is wrong, in Japanese.
    pub ja: String,
    /// What is wrong, in English, with the numbers.
    pub en: String,
}

impl Violation {
    pub(crate) fn new(
        kind: &'static str,
        file: &'static str,
        line: Option<usize>,
        ja: impl Into<String>,
        en: impl Into<String>,
    ) -> Violation {
        Violation {
            kind,
            file,
            line,
            ja: ja.into(),
            en: en.into(),
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] {}", self.kind, self.file)?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
        }
        write!(f, ": {} / {}", self.ja, self.en)
    }
}

/// What `check` found.
#[derive(Debug, Clone)]
pub struct Audit {
    /// Every violation, in the order: files, lines, bundles, figures.
    pub violations: Vec<Violation>,
    /// Service lines checked (rows of assignments.csv).
    pub lines: usize,
    /// Bundles checked (rows of bundles.csv).
    pub bundles: usize,
    /// The objective recomputed from the files, yen a year (when the files allowed it).
    pub objective: Option<f64>,
    /// The objective summary.json states.
    pub stated_objective: Option<f64>,
}

impl Audit {
    /// True when the plan holds.
    pub fn holds(&self) -> bool {
        self.violations.is_empty()
    }
}

/// The scenario a plan folder echoes in summary.json, validated, or why it cannot be
/// read (a message naming the file).
pub fn echoed_scenario(plan_dir: &Path) -> Result<Scenario, String> {
    read::echoed_scenario(plan_dir)
}

/// Checks the plan in `plan_dir` against the ward, staff model and `scenario`.
pub fn check(inputs: Inputs, scenario: &Scenario, plan_dir: &Path) -> Audit {
    let mut violations = Vec::new();
    let files = read::read(plan_dir, &mut violations);
    let n_lines = files.assignments.len();
    let n_bundles = files.bundles.len();
    let placed = lines::check(inputs.ward, scenario, &files, &mut violations);
    let per_bundle = limits::check(inputs, scenario, &files, &placed, &mut violations);
    let (objective, stated) = figures::check(
        inputs,
        scenario,
        &files,
        &placed,
        &per_bundle,
        &mut violations,
    );
    Audit {
        violations,
        lines: n_lines,
        bundles: n_bundles,
        objective,
        stated_objective: stated,
    }
}
