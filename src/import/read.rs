//! Reads a published list into rows of text: a CSV file in any encoding the dataset
//! readers take (UTF-8, UTF-16 with BOM, Shift_JIS/CP932), or every sheet of an .xlsx
//! workbook. Rows keep the line (CSV, as an editor shows it) or the Excel row number.

use crate::io::decode::decode;
use crate::io::table::LineIndex;
use crate::io::xlsx::Book;
use std::path::Path;

/// One table of a published list: a CSV file or one worksheet.
pub struct Sheet {
    /// How the table is named in the report: `parks.csv`, `list.xlsx [公園]`.
    pub shown: String,
    /// Read from a worksheet: rows are Excel row numbers and cells have letters.
    pub cells: bool,
    /// Excel's column index of the first cell of every row (0 for CSV).
    pub first_col: usize,
    /// Each row with its line or Excel row number.
    pub rows: Vec<(usize, Vec<String>)>,
    /// The encoding of a CSV file, for the report.
    pub encoding: Option<&'static str>,
}

/// Reads `path`: `Err` with the reason when it cannot be read at all.
pub fn read(path: &Path) -> Result<Vec<Sheet>, String> {
    let name = path.display().to_string();
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "xlsx" | "xlsm" => {
            let mut book = Book::open(path).map_err(|d| d.message.clone())?;
            let mut sheets = Vec::new();
            for sheet in book.sheet_names() {
                let grid = book.grid(&sheet)?;
                sheets.push(Sheet {
                    shown: format!("{name} [{sheet}]"),
                    cells: true,
                    first_col: grid.first_col,
                    rows: grid
                        .rows
                        .into_iter()
                        .enumerate()
                        .map(|(i, r)| (grid.first_row + i, r))
                        .collect(),
                    encoding: None,
                });
            }
            Ok(sheets)
        }
        "xls" | "ods" | "numbers" => Err(format!(
            "a .{ext} file cannot be read: save it from Excel as .xlsx (Excel workbook) or as CSV"
        )),
        _ => {
            if path.is_dir() {
                return Err("is a folder, not a file: give the list's CSV or .xlsx files".into());
            }
            let bytes = std::fs::read(path).map_err(|e| format!("cannot be read: {e}"))?;
            if bytes.starts_with(b"PK\x03\x04") {
                return Err(
                    "is a zip file (an .xlsx or a zip archive) without the .xlsx ending: rename or unpack it"
                        .into(),
                );
            }
            let decoded = decode(&bytes);
            let lines = LineIndex::new(&decoded.text);
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(decoded.text.as_bytes());
            let mut rows = Vec::new();
            for rec in reader.records() {
                match rec {
                    Ok(r) => {
                        let line = r.position().map_or(0, |p| lines.line(p.byte()));
                        rows.push((line, r.iter().map(str::to_string).collect()));
                    }
                    Err(e) => {
                        let line = e.position().map_or(0, |p| lines.line(p.byte()));
                        return Err(format!(
                            "line {line}: cannot be read as CSV ({e}); check that row's quotes"
                        ));
                    }
                }
            }
            Ok(vec![Sheet {
                shown: name,
                cells: false,
                first_col: 0,
                rows,
                encoding: Some(if decoded.replaced {
                    "undecodable bytes replaced"
                } else {
                    decoded.encoding
                }),
            }])
        }
    }
}

impl Sheet {
    /// A row as the report names it: `12` (a line) or `row 12` of a sheet.
    pub fn row_label(&self, row: usize) -> String {
        if self.cells {
            format!("行 row {row}")
        } else {
            format!("{row}")
        }
    }
}
