//! A CSV file read by header name: columns in any order, unknown columns ignored,
//! every row with its physical line number, and typed field accessors that report a
//! coded diagnostic (file, line, column, what, what to do) instead of failing.

use super::columns::Aliases;
use super::decode::decode;
use super::values;
use crate::diag::{codes, Diagnostic};
use crate::model::Date;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// A CSV file read by header name.
pub struct Table {
    /// The file read.
    pub file: PathBuf,
    columns: HashMap<String, usize>,
    /// Column → the header as the file writes it (施設名 for `name`), for messages.
    headers: HashMap<String, String>,
    /// The alias table, for values (直営 → direct).
    aliases: Aliases,
    /// Each data row with its 1-based physical line (its row number in a worksheet).
    pub rows: Vec<(usize, csv::StringRecord)>,
    /// Read from a worksheet: diagnostics name the cell.
    cells: bool,
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

/// One row being read; accessors push diagnostics into `diags`.
pub struct Row<'a> {
    /// The file the row is in.
    pub file: &'a Path,
    /// Its 1-based physical line.
    pub line: usize,
    rec: &'a csv::StringRecord,
    table: &'a Table,
    /// Where its accessors report.
    pub diags: &'a mut Vec<Diagnostic>,
}

impl Table {
    /// Row `i`, reporting into `diags`.
    pub fn row<'a>(&'a self, i: usize, diags: &'a mut Vec<Diagnostic>) -> Row<'a> {
        let (line, rec) = &self.rows[i];
        Row {
            file: &self.file,
            line: *line,
            rec,
            table: self,
            diags,
        }
    }
}

impl Row<'_> {
    /// Reports a problem with column `col` of this row.
    pub fn report(&mut self, code: &str, col: &str, msg: String, action: &str) {
        let label = self.label(col);
        let mut d = Diagnostic::new(code, self.file, Some(self.line), Some(&label), msg, action);
        if self.table.cells {
            d.cell = self
                .table
                .columns
                .get(col)
                .map(|&i| cell_name(i, self.line));
        }
        self.diags.push(d);
    }

    /// The column as the file names it: `name`, or `施設名 (name)` when the header is
    /// an alias, so that a diagnostic points at what the user sees.
    pub fn label(&self, col: &str) -> String {
        match self.table.headers.get(col) {
            Some(h) if super::columns::header_key(h) != col => format!("{h} ({col})"),
            _ => col.to_string(),
        }
    }

    /// The trimmed value, or "" when the column is absent.
    pub fn raw(&self, col: &str) -> &str {
        self.table
            .columns
            .get(col)
            .and_then(|&i| self.rec.get(i))
            .map_or("", str::trim)
    }

    /// A value that must not be empty.
    pub fn text(&mut self, col: &str) -> Option<String> {
        let v = self.raw(col).to_string();
        if v.is_empty() {
            self.report(
                codes::EMPTY_VALUE,
                col,
                format!("'{}' is empty", self.label(col)),
                "fill in the value",
            );
            return None;
        }
        Some(v)
    }

    /// A number as spreadsheets show it (thousands separators, a yen sign, 円,
    /// full-width digits: see `values::number`). Empty is `Ok(None)`.
    fn parse_number(&mut self, col: &str) -> Result<Option<f64>, ()> {
        let raw = self.raw(col);
        match values::number(raw) {
            None => Ok(None),
            Some(Ok(v)) => Ok(Some(v)),
            Some(Err(())) => {
                let msg = format!("'{}' is '{raw}', which is not a number", self.label(col));
                self.report(
                    codes::NOT_A_NUMBER,
                    col,
                    msg,
                    "write a plain number such as 12 or 3.5",
                );
                Err(())
            }
        }
    }

    /// A required number ≥ 0. `None` after reporting.
    pub fn non_negative(&mut self, col: &str) -> Option<f64> {
        match self.parse_number(col) {
            Ok(Some(v)) if v < 0.0 => {
                // As typed: 1e308 or 18446744073709551616 printed from the f64 would
                // be a row of digits the user never wrote.
                let msg = format!(
                    "'{}' is {}, but it cannot be negative",
                    self.label(col),
                    self.raw(col)
                );
                self.report(
                    codes::NEGATIVE_NUMBER,
                    col,
                    msg,
                    "write zero or a positive number",
                );
                None
            }
            Ok(Some(v)) => match values::ceiling(col) {
                Some((max, unit)) if v > max => {
                    let msg = format!(
                        "'{}' is {}, more than the {max} {unit} it can mean",
                        self.label(col),
                        self.raw(col)
                    );
                    self.report(
                        codes::NUMBER_TOO_LARGE,
                        col,
                        msg,
                        "correct the value (a slip of the keyboard or an export?)",
                    );
                    None
                }
                _ => Some(v),
            },
            Ok(None) => {
                self.text(col);
                None
            }
            Err(()) => None,
        }
    }

    /// An optional number ≥ 0 (empty is fine).
    pub fn opt_non_negative(&mut self, col: &str) -> Option<f64> {
        if self.raw(col).is_empty() {
            return None;
        }
        self.non_negative(col)
    }

    /// A coordinate in [-limit, limit] (90 for latitude, 180 for longitude).
    pub fn coordinate(&mut self, col: &str, limit: f64) -> Option<f64> {
        match self.parse_number(col) {
            Ok(Some(v)) if v.abs() > limit => {
                let msg = format!(
                    "'{}' is {}, outside -{limit}..{limit}",
                    self.label(col),
                    self.raw(col)
                );
                self.report(
                    codes::LAT_LON_RANGE,
                    col,
                    msg,
                    "write decimal degrees (WGS84); check that lat and lon are not swapped",
                );
                None
            }
            Ok(Some(v)) => Some(v),
            Ok(None) => {
                self.text(col);
                None
            }
            Err(()) => None,
        }
    }

    /// A value from a fixed set; empty gives `default` when there is one.
    pub fn choice<T: Copy>(
        &mut self,
        col: &str,
        code: &str,
        options: &[(&str, T)],
        default: Option<T>,
    ) -> Option<T> {
        if self.raw(col).is_empty() {
            if default.is_some() {
                return default;
            }
            self.text(col);
            return None;
        }
        // Through the alias table: 直営 → direct, 随意契約 → negotiated.
        let key = self.table.aliases.value(col, self.raw(col));
        if let Some((_, v)) = options.iter().find(|(k, _)| *k == key) {
            return Some(*v);
        }
        let names: Vec<&str> = options.iter().map(|(k, _)| *k).collect();
        let msg = format!(
            "'{}' is '{}', which is not one of: {}",
            self.label(col),
            self.raw(col),
            names.join(", ")
        );
        let action = format!("write one of: {}", names.join(", "));
        self.report(code, col, msg, &action);
        None
    }

    /// Yes or no (true/false, yes/no, 1/0, はい/いいえ, ○/×, …: see `values::boolean`);
    /// empty gives `default` when there is one.
    pub fn boolean(&mut self, col: &str, code: &str, default: Option<bool>) -> Option<bool> {
        if self.raw(col).is_empty() {
            if default.is_some() {
                return default;
            }
            self.text(col);
            return None;
        }
        let v = values::boolean(self.raw(col));
        if v.is_none() {
            let msg = format!(
                "'{}' is '{}', which is neither yes nor no",
                self.label(col),
                self.raw(col)
            );
            self.report(
                code,
                col,
                msg,
                "write true or false (also yes/no, 1/0, はい/いいえ, ○/×)",
            );
        }
        v
    }

    /// A date: ISO `YYYY-MM-DD`, `YYYY/MM/DD` as Excel in Japan writes it, `2026年3月31日`,
    /// or in the era calendar (`令和7年3月31日`, `R7.3.31`, `H31.4.1`).
    pub fn date(&mut self, col: &str) -> Option<Date> {
        let raw = self.raw(col).to_string();
        if raw.is_empty() {
            self.text(col);
            return None;
        }
        let parsed = values::date(&raw);
        if parsed.is_none() {
            self.report(
                codes::BAD_DATE,
                col,
                format!("'{}' is '{raw}', which is not a valid date", self.label(col)),
                "write the date as YYYY-MM-DD, e.g. 2026-03-31 (令和8年3月31日 and R8.3.31 are read too)",
            );
        }
        parsed
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
