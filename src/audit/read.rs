//! Reads a plan folder back: assignments.csv and bundles.csv by header name (UTF-8
//! with or without BOM, or CP932 when a spreadsheet saved them again), summary.json as
//! JSON. What cannot be read becomes a violation with its file, line and column; what
//! can be read is kept, so one bad cell does not hide the rest of the plan.

use super::Violation;
use crate::io::decode::decode;
use crate::scenario::Scenario;
use std::collections::HashMap;
use std::path::Path;

/// One row of assignments.csv.
#[derive(Debug, Clone, PartialEq)]
pub struct AssignmentRow {
    /// Physical line in the file (the header is line 1).
    pub line: usize,
    /// `line_id`.
    pub line_id: String,
    /// `facility_id`, when the column is there.
    pub facility_id: Option<String>,
    /// `old_contract`, when the column is there.
    pub old_contract: Option<String>,
    /// `new_contract`: a bundle id, `pinned` or `excluded`.
    pub new_contract: String,
    /// `reason`, when the column is there.
    pub reason: Option<String>,
}

/// One row of bundles.csv; a figure is `None` when its column is absent or its cell is
/// not a number (the latter is reported).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BundleRow {
    /// Physical line in the file.
    pub line: usize,
    /// `bundle_id`.
    pub id: String,
    /// `hub_id`.
    pub hub_id: String,
    /// `area`.
    pub area: Option<String>,
    /// `facilities`.
    pub facilities: Option<f64>,
    /// `facility_ids`, `;`-separated.
    pub facility_ids: Option<String>,
    /// `lines`.
    pub lines: Option<f64>,
    /// `trades`, `;`-separated.
    pub trades: Option<String>,
    /// `labour_hours`.
    pub labour_hours: Option<f64>,
    /// `value_jpy`.
    pub value_jpy: Option<f64>,
    /// `travel_km_year`.
    pub travel_km_year: Option<f64>,
    /// `admin_hours_year`.
    pub admin_hours_year: Option<f64>,
}

/// The files of a plan folder as read.
#[derive(Debug, Clone, Default)]
pub struct PlanFiles {
    /// assignments.csv rows (empty when the file could not be used).
    pub assignments: Vec<AssignmentRow>,
    /// The file could be used: its required columns are there.
    pub assignments_read: bool,
    /// bundles.csv rows.
    pub bundles: Vec<BundleRow>,
    /// The file could be used.
    pub bundles_read: bool,
    /// summary.json, when it parses.
    pub summary: Option<serde_json::Value>,
}

pub const ASSIGNMENTS: &str = "assignments.csv";
pub const BUNDLES: &str = "bundles.csv";
pub const SUMMARY: &str = "summary.json";

/// Undoes `text::inert`: a leading apostrophe before a formula character was added on
/// writing.
pub fn plain(s: &str) -> String {
    let mut c = s.chars();
    match (c.next(), c.next()) {
        (Some('\''), Some('=' | '+' | '-' | '@' | '\t' | '\r')) => s[1..].to_string(),
        _ => s.to_string(),
    }
}

/// The bytes of a plan file, or a violation: missing, not a regular file (a folder or
/// a FIFO would block or fail), unreadable.
fn bytes(dir: &Path, name: &'static str, v: &mut Vec<Violation>) -> Option<Vec<u8>> {
    let path = dir.join(name);
    match std::fs::metadata(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            v.push(Violation::new(
                "file_missing",
                name,
                None,
                format!("{} がありません", path.display()),
                format!("{} is missing from the plan folder", path.display()),
            ));
            return None;
        }
        Err(e) => {
            v.push(unreadable(name, &path, &e.to_string()));
            return None;
        }
        Ok(m) if !m.is_file() => {
            v.push(unreadable(name, &path, "not a regular file"));
            return None;
        }
        Ok(_) => {}
    }
    match std::fs::read(&path) {
        Ok(b) => Some(b),
        Err(e) => {
            v.push(unreadable(name, &path, &e.to_string()));
            None
        }
    }
}

fn unreadable(name: &'static str, path: &Path, why: &str) -> Violation {
    Violation::new(
        "file_unreadable",
        name,
        None,
        format!("{} を読めません（{why}）", path.display()),
        format!("cannot read {}: {why}", path.display()),
    )
}

/// A CSV plan file: column index by name and each row with its physical line.
type Csv = (HashMap<String, usize>, Vec<(usize, csv::StringRecord)>);

fn read_csv(
    dir: &Path,
    name: &'static str,
    required: &[&str],
    v: &mut Vec<Violation>,
) -> Option<Csv> {
    let raw = bytes(dir, name, v)?;
    let text = decode(&raw).text;
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = r.records();
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => {
            v.push(csv_error(name, &e));
            return None;
        }
        None => {
            v.push(Violation::new(
                "file_empty",
                name,
                None,
                "ファイルが空です（見出し行もありません）",
                "the file is empty: no header row",
            ));
            return None;
        }
    };
    let columns: HashMap<String, usize> = header
        .iter()
        .enumerate()
        .map(|(i, h)| (h.trim().to_string(), i))
        .collect();
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|c| !columns.contains_key(*c))
        .collect();
    if !missing.is_empty() {
        v.push(Violation::new(
            "column_missing",
            name,
            Some(1),
            format!("必要な列がありません: {}", missing.join(", ")),
            format!("required column(s) missing: {}", missing.join(", ")),
        ));
        return None;
    }
    let mut rows = Vec::new();
    for rec in records {
        match rec {
            Ok(rec) => {
                let line = rec.position().map_or(0, |p| p.line() as usize);
                if rec.iter().all(|f| f.trim().is_empty()) {
                    continue;
                }
                rows.push((line, rec));
            }
            Err(e) => v.push(csv_error(name, &e)),
        }
    }
    Some((columns, rows))
}

fn csv_error(name: &'static str, e: &csv::Error) -> Violation {
    let line = e.position().map(|p| p.line() as usize);
    Violation::new(
        "file_unparsable",
        name,
        line,
        format!("CSV として読めません: {e}"),
        format!("not valid CSV: {e}"),
    )
}

/// The cell of `column` in `rec`, un-quoted, when the column exists.
fn cell(cols: &HashMap<String, usize>, rec: &csv::StringRecord, column: &str) -> Option<String> {
    cols.get(column)
        .map(|&i| plain(rec.get(i).unwrap_or("").trim()))
}

/// A numeric cell: `None` when the column is absent; a violation and `None` when the
/// cell is not a finite number.
fn number(
    cols: &HashMap<String, usize>,
    rec: &csv::StringRecord,
    line: usize,
    column: &'static str,
    v: &mut Vec<Violation>,
) -> Option<f64> {
    let text = cell(cols, rec, column)?;
    match text.parse::<f64>() {
        Ok(x) if x.is_finite() => Some(x),
        _ => {
            v.push(Violation::new(
                "bad_number",
                BUNDLES,
                Some(line),
                format!("列 {column} の値 {text:?} は有限の数ではありません"),
                format!("column {column}: {text:?} is not a finite number"),
            ));
            None
        }
    }
}

/// Reads the three files of a plan folder; problems go to `v`.
pub fn read(dir: &Path, v: &mut Vec<Violation>) -> PlanFiles {
    let mut files = PlanFiles::default();
    if let Some((cols, rows)) = read_csv(dir, ASSIGNMENTS, &["line_id", "new_contract"], v) {
        files.assignments_read = true;
        for (line, rec) in rows {
            files.assignments.push(AssignmentRow {
                line,
                line_id: cell(&cols, &rec, "line_id").unwrap_or_default(),
                facility_id: cell(&cols, &rec, "facility_id"),
                old_contract: cell(&cols, &rec, "old_contract"),
                new_contract: cell(&cols, &rec, "new_contract").unwrap_or_default(),
                reason: cell(&cols, &rec, "reason"),
            });
        }
    }
    if let Some((cols, rows)) = read_csv(dir, BUNDLES, &["bundle_id", "hub_id"], v) {
        files.bundles_read = true;
        for (line, rec) in rows {
            let mut n = |c: &'static str| number(&cols, &rec, line, c, v);
            let row = BundleRow {
                line,
                facilities: n("facilities"),
                lines: n("lines"),
                labour_hours: n("labour_hours"),
                value_jpy: n("value_jpy"),
                travel_km_year: n("travel_km_year"),
                admin_hours_year: n("admin_hours_year"),
                id: cell(&cols, &rec, "bundle_id").unwrap_or_default(),
                hub_id: cell(&cols, &rec, "hub_id").unwrap_or_default(),
                area: cell(&cols, &rec, "area"),
                facility_ids: cell(&cols, &rec, "facility_ids"),
                trades: cell(&cols, &rec, "trades"),
            };
            files.bundles.push(row);
        }
    }
    files.summary = read_summary(dir, v);
    files
}

fn read_summary(dir: &Path, v: &mut Vec<Violation>) -> Option<serde_json::Value> {
    let raw = bytes(dir, SUMMARY, v)?;
    match serde_json::from_slice::<serde_json::Value>(&raw) {
        Ok(j) => Some(j),
        Err(e) => {
            v.push(Violation::new(
                "file_unparsable",
                SUMMARY,
                Some(e.line()),
                format!("JSON として読めません: {e}"),
                format!("not valid JSON: {e}"),
            ));
            None
        }
    }
}

/// The scenario summary.json echoes, validated like a scenario file.
pub fn echoed_scenario(dir: &Path) -> Result<Scenario, String> {
    let path = dir.join(SUMMARY);
    let mut v = Vec::new();
    let Some(json) = read_summary(dir, &mut v) else {
        return Err(v.first().map_or_else(String::new, |x| x.to_string()));
    };
    let Some(s) = json.get("scenario") else {
        return Err(format!(
            "{}: シナリオ（scenario）がありません / has no `scenario`; give the scenario with --scenario",
            path.display()
        ));
    };
    let scenario: Scenario = serde_json::from_value(s.clone()).map_err(|e| {
        format!(
            "{}: scenario を読めません / cannot read `scenario`: {e}; give the scenario with --scenario",
            path.display()
        )
    })?;
    scenario.validate(&path).map_err(|e| e.to_string())?;
    Ok(scenario)
}
