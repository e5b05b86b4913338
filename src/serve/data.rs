//! The Data page's side: the datasets under `datasets/`, uploads (a zip of CSV files,
//! or one workbook), and a dataset's validation as the page shows it: the summary and
//! every diagnostic with the offending row read back from its file.

use super::unzip::{is_workbook, unpack};
use super::App;
use crate::diag::Diagnostic;
use crate::validate::{validate_dir, Summary};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// A dataset or scenario name that is safe as a file name: letters (any script),
/// digits, `-`, `_`, `.`, at most 64 characters, not starting with a dot.
pub fn safe_name(s: &str) -> Result<String, String> {
    let s = s.trim();
    let ok = !s.is_empty()
        && s.chars().count() <= 64
        && !s.starts_with('.')
        && !s.contains("..")
        && s.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(s.to_string())
    } else {
        Err(format!(
            "the name `{s}` cannot be used: use letters, digits, - and _ (at most 64, not starting with a dot)"
        ))
    }
}

/// The folder or workbook of a dataset name.
pub fn dataset_path(app: &App, name: &str) -> Result<PathBuf, String> {
    let name = safe_name(name)?;
    let dir = app.datasets_dir().join(&name);
    if dir.is_dir() {
        return Ok(dir);
    }
    let book = app.datasets_dir().join(format!("{name}.xlsx"));
    if book.is_file() {
        return Ok(book);
    }
    Err(format!(
        "there is no dataset named `{name}` under the data folder"
    ))
}

/// Every dataset: folders, and workbooks by their name without `.xlsx`.
pub fn list(app: &App) -> Vec<Value> {
    let mut v = Vec::new();
    if let Ok(entries) = std::fs::read_dir(app.datasets_dir()) {
        for e in entries.flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            if n.starts_with('.') {
                continue;
            }
            let p = e.path();
            if p.is_dir() {
                v.push(json!({ "name": n, "kind": "folder" }));
            } else if let Some(stem) = n.strip_suffix(".xlsx") {
                v.push(json!({ "name": stem, "kind": "workbook" }));
            }
        }
    }
    v.sort_by(|a, b| a["name"].as_str().cmp(&b["name"].as_str()));
    v
}

/// Why an upload was refused, with the HTTP status it gets.
pub struct Refused(pub u16, pub String);

/// Stores an upload as `datasets/NAME/` (zip) or `datasets/NAME.xlsx` (workbook); the
/// bytes go to a hidden temporary place first and are renamed into place whole.
pub fn upload(app: &App, name: &str, bytes: &[u8]) -> Result<(String, &'static str), Refused> {
    let name = safe_name(name).map_err(|e| Refused(400, e))?;
    let dir = app.datasets_dir();
    if dir.join(&name).exists() || dir.join(format!("{name}.xlsx")).exists() {
        return Err(Refused(
            409,
            format!("a dataset named `{name}` exists already; choose another name"),
        ));
    }
    let tmp = dir.join(format!(".upload-{}", super::guard::new_token()));
    let io = |e: std::io::Error| Refused(500, format!("the upload could not be stored: {e}"));
    if is_workbook(bytes) {
        let t = tmp.with_extension("xlsx");
        let _writing = crate::stop::Writing::begin(&t);
        std::fs::write(&t, bytes).map_err(io)?;
        std::fs::rename(&t, dir.join(format!("{name}.xlsx"))).map_err(|e| {
            let _ = std::fs::remove_file(&t);
            io(e)
        })?;
        return Ok((name, "workbook"));
    }
    let _writing = crate::stop::Writing::begin(&tmp);
    std::fs::create_dir(&tmp).map_err(io)?;
    match unpack(bytes, &tmp) {
        Ok(_) => std::fs::rename(&tmp, dir.join(&name)).map_err(|e| {
            let _ = std::fs::remove_dir_all(&tmp);
            io(e)
        })?,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(Refused(400, e.to_string()));
        }
    }
    Ok((name, "folder"))
}

/// The header and one physical line of a CSV file, split into cells.
struct RowReader {
    files: HashMap<PathBuf, Option<Vec<String>>>,
}

fn cells(line: &str) -> Vec<String> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(line.as_bytes());
    r.records()
        .next()
        .and_then(|x| x.ok())
        .map(|rec| rec.iter().map(str::to_string).collect())
        .unwrap_or_else(|| vec![line.to_string()])
}

impl RowReader {
    fn row(&mut self, file: &Path, line: usize) -> Option<Value> {
        let is_csv = file
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
        if !is_csv || line == 0 {
            return None;
        }
        let lines = self.files.entry(file.to_path_buf()).or_insert_with(|| {
            let bytes = std::fs::read(file).ok()?;
            let text = crate::io::decode::decode(&bytes).text;
            Some(text.lines().map(str::to_string).collect())
        });
        let lines = lines.as_ref()?;
        let header = cells(lines.first()?.trim_start_matches('\u{feff}'));
        let values = lines.get(line - 1).map(|l| cells(l));
        Some(json!({ "header": header, "values": values, "line": line }))
    }
}

fn diagnostic(d: &Diagnostic, root: &Path, rows: &mut RowReader) -> Value {
    let file = d
        .file
        .strip_prefix(root)
        .unwrap_or(&d.file)
        .to_string_lossy()
        .into_owned();
    let row = d.line.and_then(|l| rows.row(&d.file, l));
    json!({
        "code": d.code,
        "severity": if d.is_error() { "error" } else { "warning" },
        "file": file,
        "line": d.line,
        "column": d.column,
        "cell": d.cell,
        "message": d.message,
        "action": d.action,
        "row": row,
    })
}

/// The Data page's view of a dataset: counts, and every diagnostic.
pub fn validation(app: &App, name: &str) -> Result<Value, String> {
    let path = dataset_path(app, name)?;
    let report = validate_dir(&path, app.models_dir.as_deref());
    let s = Summary::of(&report.outcome.dataset);
    let root = if path.is_dir() {
        path.clone()
    } else {
        path.parent().map(Path::to_path_buf).unwrap_or_default()
    };
    let mut rows = RowReader {
        files: HashMap::new(),
    };
    let diags: Vec<Value> = report
        .diagnostics
        .iter()
        .map(|d| diagnostic(d, &root, &mut rows))
        .collect();
    let errors = report.diagnostics.iter().filter(|d| d.is_error()).count();
    Ok(json!({
        "dataset": name,
        "valid": errors == 0,
        "errors": errors,
        "warnings": report.diagnostics.len() - errors,
        "summary": {
            "facilities": s.facilities,
            "areas": s.areas,
            "districts": s.districts,
            "designated_manager_facilities": s.designated_manager_facilities,
            "facilities_by_area": s.facilities_by_area,
            "facilities_by_kind": s.facilities_by_kind,
            "lines": s.lines,
            "lines_pinned": s.lines_pinned,
            "lines_by_trade": s.lines_by_trade,
            "contracts": s.contracts,
            "contract_value_jpy": s.contract_value_jpy,
            "multi_facility_contracts": s.multi_facility_contracts,
            "depots": s.depots,
            "travel_entries": s.travel_entries,
        },
        "diagnostics": diags,
    }))
}
