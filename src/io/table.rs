//! A CSV file read by header name: columns in any order, unknown columns ignored,
//! every row with its physical line number. Its rows' typed field accessors, which
//! report a coded diagnostic instead of failing, are in `row`.

use super::columns::Aliases;
use super::decode::decode;
use crate::diag::{codes, Diagnostic};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// A CSV file read by header name.
pub struct Table {
    /// The file read.
    pub file: PathBuf,
    pub(super) columns: HashMap<String, usize>,
    /// Column → the header as the file writes it (施設名 for `name`), for messages.
    pub(super) headers: HashMap<String, String>,
    /// The alias table, for values (直営 → direct).
    pub(super) aliases: Aliases,
    /// Each data row with its 1-based physical line (its row number in a worksheet).
    pub rows: Vec<(usize, csv::StringRecord)>,
    /// Read from a worksheet: diagnostics name the cell.
    pub(super) cells: bool,
}

/// Reads `path`. `None` when the file cannot be used at all (missing, unreadable or a
/// required column absent); the reason is in `diags`. `required_file = false` makes a
/// missing file silent (optional files).
pub fn read_table(
    path: &Path,
    aliases: &Aliases,
    required_columns: &[&str],
    required_file: bool,
    diags: &mut Vec<Diagnostic>,
) -> Option<Table> {
    let bytes = match super::read_regular(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if required_file {
                diags.push(Diagnostic::new(
                    codes::MISSING_FILE,
                    path,
                    None,
                    None,
                    "required file is missing",
                    "add the file to the dataset folder (see docs/data-format.md)",
                ));
            }
            return None;
        }
        Err(e) => {
            let (message, action) = super::unreadable_words(&e);
            diags.push(Diagnostic::new(
                codes::UNREADABLE_FILE,
                path,
                None,
                None,
                message,
                action,
            ));
            return None;
        }
    };
    if let Some(target) = link_outside(path) {
        diags.push(Diagnostic::new(
            codes::LINK_OUTSIDE,
            path,
            None,
            None,
            format!(
                "is a link to {}, outside the dataset folder; it was read",
                target.display()
            ),
            "copy the file into the dataset folder, so that a copy of the dataset is complete",
        ));
    }
    let decoded = decode(&bytes);
    if decoded.replaced {
        diags.push(Diagnostic::new(
            codes::ENCODING_REPLACED,
            path,
            None,
            None,
            format!(
                "some bytes are not valid {}; they were replaced by '\u{FFFD}'",
                decoded.encoding
            ),
            "save the file again as UTF-8 (or CSV from Excel) and check the names",
        ));
    }
    let mut text = decoded.text;
    if let Some(at) = text.find('\0') {
        let line = LineIndex::new(&text).line(at as u64);
        let count = text.matches('\0').count();
        diags.push(Diagnostic::new(
            codes::NUL_BYTE,
            path,
            Some(line),
            None,
            format!("the file holds {count} NUL byte(s), the first on this line; they were dropped"),
            "save the file again as CSV from its program; a NUL is never part of a name or a number",
        ));
        text = text.replace('\0', "");
    }
    let lines = LineIndex::new(&text);
    // Excel's "Unicode text" is UTF-16 with tabs between the fields: read it too.
    let first = text.lines().next().unwrap_or("");
    let delimiter = if first.contains('\t') && !first.contains(',') {
        b'\t'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => {
            csv_error(path, &e, &lines, diags);
            return None;
        }
        None => {
            diags.push(Diagnostic::new(
                codes::MISSING_COLUMN,
                path,
                Some(1),
                None,
                "the file is empty: no header row",
                format!(
                    "start the file with the header row: {}",
                    required_columns.join(",")
                ),
            ));
            return None;
        }
    };
    let header_line = header.position().map_or(1, |p| lines.line(p.byte()));
    // The table's name in the alias table: the file stem (`facilities`, …).
    let table = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_string();
    let names: Vec<&str> = header.iter().collect();
    let (columns, headers) = map_header(
        path,
        &table,
        aliases,
        &names,
        header_line,
        required_columns,
        diags,
    )?;
    let width = header.len();
    let mut rows = Vec::new();
    for rec in records {
        match rec {
            Ok(r) => {
                let line = r.position().map_or(0, |p| lines.line(p.byte()));
                if r.iter().all(|f| f.trim().is_empty()) {
                    continue; // a blank row Excel left behind
                }
                if r.len() != width {
                    diags.push(Diagnostic::new(
                        codes::FIELD_COUNT,
                        path,
                        Some(line),
                        None,
                        format!("row has {} fields but the header has {width}", r.len()),
                        "check for a missing or extra comma; quote values that contain commas",
                    ));
                    continue;
                }
                rows.push((line, r));
            }
            Err(e) => csv_error(path, &e, &lines, diags),
        }
    }
    if rows.is_empty() {
        diags.push(Diagnostic::new(
            codes::EMPTY_FILE,
            path,
            None,
            None,
            "the file has a header but no rows",
            "add rows, or remove the file if it is optional",
        ));
    }
    Some(Table {
        file: path.to_path_buf(),
        columns,
        headers,
        aliases: aliases.clone(),
        rows,
        cells: false,
    })
}

/// The target of a symlink that leads out of the folder holding `path`.
fn link_outside(path: &Path) -> Option<PathBuf> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.file_type().is_symlink() {
        return None;
    }
    let target = path.canonicalize().ok()?;
    let dir = path.parent()?.canonicalize().ok()?;
    (!target.starts_with(&dir)).then_some(target)
}

fn csv_error(path: &Path, e: &csv::Error, lines: &LineIndex, diags: &mut Vec<Diagnostic>) {
    let line = e.position().map(|p| lines.line(p.byte()));
    diags.push(Diagnostic::new(
        codes::FIELD_COUNT,
        path,
        line,
        None,
        format!("the row cannot be read as CSV: {e}"),
        "check the quoting of this row",
    ));
}

/// Maps a header row to columns through the alias table: column → index and column →
/// header as written. `None` (after reporting) when a required column is missing.
/// Serves the CSV reader and the workbook reader alike.
pub(super) fn map_header(
    path: &Path,
    table: &str,
    aliases: &Aliases,
    header: &[&str],
    header_line: usize,
    required_columns: &[&str],
    diags: &mut Vec<Diagnostic>,
) -> Option<(HashMap<String, usize>, HashMap<String, String>)> {
    let mut columns = HashMap::new();
    let mut headers: HashMap<String, String> = HashMap::new();
    for (i, name) in header.iter().enumerate() {
        let written = name.trim().trim_start_matches('\u{FEFF}').trim();
        if written.is_empty() {
            continue;
        }
        let key = aliases.column(table, written);
        if columns.insert(key.clone(), i).is_some() {
            let first = headers.get(&key).cloned().unwrap_or_default();
            let msg = if first == written {
                format!("column '{key}' appears more than once in the header")
            } else {
                format!("columns '{first}' and '{written}' both mean '{key}'")
            };
            diags.push(Diagnostic::new(
                codes::DUPLICATE_COLUMN,
                path,
                Some(header_line),
                Some(&key),
                msg,
                "delete or rename one of the two columns",
            ));
        } else {
            headers.insert(key, written.to_string());
        }
    }
    let missing: Vec<&str> = required_columns
        .iter()
        .copied()
        .filter(|c| !columns.contains_key(*c))
        .collect();
    for col in &missing {
        let other = aliases.names_of(table, col);
        let action = if other.is_empty() {
            format!("add a column named '{col}' (header names are case-insensitive)")
        } else {
            format!(
                "add a column named '{col}' or {} (header names are case-insensitive)",
                other.join(", ")
            )
        };
        diags.push(Diagnostic::new(
            codes::MISSING_COLUMN,
            path,
            Some(header_line),
            Some(col),
            format!("required column '{col}' is missing from the header"),
            action,
        ));
    }
    missing.is_empty().then_some((columns, headers))
}

impl Table {
    /// A table from rows read elsewhere (a worksheet): `sheet` makes diagnostics name
    /// cells (`D12`) instead of lines.
    pub(super) fn from_rows(
        file: PathBuf,
        columns: HashMap<String, usize>,
        headers: HashMap<String, String>,
        aliases: &Aliases,
        rows: Vec<(usize, csv::StringRecord)>,
    ) -> Table {
        Table {
            file,
            columns,
            headers,
            aliases: aliases.clone(),
            rows,
            cells: true,
        }
    }
}

/// Line numbers as an editor (and Excel) shows them, whatever the line ends: CRLF
/// (Excel on Windows), LF and a lone CR each end one line. The csv crate's own line
/// count differs with CRLF rows (every diagnostic was one line too low), so rows are
/// placed by their byte offset instead.
pub(crate) struct LineIndex {
    /// Byte offset at which each line after the first starts.
    starts: Vec<u64>,
}

impl LineIndex {
    pub(crate) fn new(text: &str) -> LineIndex {
        let b = text.as_bytes();
        let mut starts = Vec::new();
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                // The csv crate may start the next record at the LF of a CRLF: that
                // byte already belongs to the next line.
                b'\r' if b.get(i + 1) == Some(&b'\n') => {
                    starts.push(i as u64 + 1);
                    i += 2;
                    continue;
                }
                b'\r' | b'\n' => starts.push(i as u64 + 1),
                _ => {}
            }
            i += 1;
        }
        LineIndex { starts }
    }

    /// The 1-based line on which the byte at `offset` lies.
    pub(crate) fn line(&self, offset: u64) -> usize {
        self.starts.partition_point(|&s| s <= offset) + 1
    }
}

/// A cell's name as a spreadsheet shows it: column index 3, row 12 → `D12`.
pub fn cell_name(col: usize, row: usize) -> String {
    let mut letters = Vec::new();
    let mut n = col + 1;
    while n > 0 {
        let r = (n - 1) % 26;
        letters.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    format!("{}{row}", String::from_utf8(letters).unwrap_or_default())
}
