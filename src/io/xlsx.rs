//! Tables read from Excel workbooks (calamine): a dataset folder may hold
//! `facilities.xlsx`, … instead of the CSV files, or the dataset may be one workbook
//! whose sheets are named after the tables (facilities or 施設, …). Cells are taken as
//! Excel stores them — numbers, text, dates (serial or text), booleans, numbers stored
//! as text — and turned into the same text the CSV reader sees, so every value check
//! and code is the same; diagnostics name the workbook, the sheet and the cell
//! (`facilities.xlsx [施設] D12`). Leading blank rows and title rows above the header
//! are skipped; a merged header cell is refused.

use super::columns::Aliases;
use super::table::{map_header, Table};
use super::values::{calendar, excel_serial};
use crate::diag::{codes, Diagnostic};
use calamine::{open_workbook, Data, Reader, Xlsx};
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

/// The sheet names a one-workbook dataset may use for each table.
pub const SHEETS: [(&str, &[&str]); 6] = [
    ("facilities", &["facilities", "施設"]),
    ("service_lines", &["service_lines", "業務"]),
    ("contracts", &["contracts", "契約"]),
    ("travel", &["travel", "移動"]),
    ("depots", &["depots", "拠点"]),
    ("vendors", &["vendors", "業者"]),
];

/// How a table is shown in messages: `facilities.xlsx [施設]`.
fn shown(path: &Path, sheet: &str) -> PathBuf {
    PathBuf::from(format!("{} [{sheet}]", path.display()))
}

/// The cell's value as the CSV reader would see it.
fn text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        // Inside Excel's range, the date by the workbook's own epoch (1900, or 1904 for
        // workbooks from old Mac Excel); outside it, the number as stored.
        Data::DateTime(d) => match excel_serial(d.as_f64()) {
            Some(_) => {
                let (y, m, day, ..) = d.to_ymd_hms_milli();
                calendar(i32::from(y), m, day)
                    .map_or_else(|| d.as_f64().to_string(), |date| date.to_string())
            }
            None => d.as_f64().to_string(),
        },
        Data::DateTimeIso(s) => s.chars().take(10).collect(),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

fn unreadable(path: &Path, why: &str) -> Diagnostic {
    Diagnostic::new(
        codes::UNREADABLE_FILE,
        path,
        None,
        None,
        format!("cannot read the workbook: {why}"),
        "save it again from Excel as .xlsx (Excel workbook), or as CSV UTF-8",
    )
}

/// A worksheet's cells as text.
pub struct Grid {
    /// Excel's row number of `rows[0]`.
    pub first_row: usize,
    /// Excel's column index (0 = A) of the first cell of every row.
    pub first_col: usize,
    /// The cells, row by row.
    pub rows: Vec<Vec<String>>,
}

/// An open workbook: opened (and its shared strings parsed) once, however many of its
/// sheets are read.
pub struct Book {
    path: PathBuf,
    wb: Xlsx<BufReader<File>>,
}

impl Book {
    /// Opens the workbook at `path`, or says why it cannot be read.
    pub fn open(path: &Path) -> Result<Book, Box<Diagnostic>> {
        // A FIFO named .xlsx would block the zip reader forever.
        match std::fs::metadata(path) {
            Ok(m) if !m.is_file() => {
                return Err(Box::new(unreadable(path, "it is not a regular file")));
            }
            _ => {}
        }
        let wb = open_workbook(path).map_err(|e: calamine::XlsxError| {
            Box::new(match &e {
                calamine::XlsxError::Io(io) => {
                    let (message, action) = super::unreadable_words(io);
                    Diagnostic::new(codes::UNREADABLE_FILE, path, None, None, message, action)
                }
                _ => unreadable(path, &e.to_string()),
            })
        })?;
        Ok(Book {
            path: path.to_path_buf(),
            wb,
        })
    }

    /// Its sheet names, in workbook order.
    pub fn sheet_names(&self) -> Vec<String> {
        self.wb.sheet_names()
    }

    /// The cells of `sheet` as the CSV reader would see them, with the Excel row number
    /// (1-based) of the first row and the column offset of the first column, for
    /// readers that find their own header (the open-data importer).
    pub fn grid(&mut self, sheet: &str) -> Result<Grid, String> {
        let range = self
            .wb
            .worksheet_range(sheet)
            .map_err(|e| format!("sheet '{sheet}': {e}"))?;
        let (top, left) = range.start().unwrap_or((0, 0));
        Ok(Grid {
            first_row: top as usize + 1,
            first_col: left as usize,
            rows: range.rows().map(|r| r.iter().map(text).collect()).collect(),
        })
    }

    /// Reads the table `table` (`facilities`, …) from `sheet`. `None` (after
    /// reporting) when it cannot be used at all.
    pub fn read(
        &mut self,
        sheet: &str,
        table: &str,
        aliases: &Aliases,
        required_columns: &[&str],
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Table> {
        read_sheet(
            &mut self.wb,
            &self.path,
            sheet,
            table,
            aliases,
            required_columns,
            diags,
        )
    }
}

fn read_sheet(
    wb: &mut Xlsx<BufReader<File>>,
    path: &Path,
    sheet: &str,
    table: &str,
    aliases: &Aliases,
    required_columns: &[&str],
    diags: &mut Vec<Diagnostic>,
) -> Option<Table> {
    let file = shown(path, sheet);
    let range = match wb.worksheet_range(sheet) {
        Ok(r) => r,
        Err(e) => {
            diags.push(unreadable(path, &format!("sheet '{sheet}': {e}")));
            return None;
        }
    };
    let (top, left) = range.start().unwrap_or((0, 0));
    let grid: Vec<Vec<String>> = range.rows().map(|r| r.iter().map(text).collect()).collect();
    // The header: the first row naming at least half the required columns (title rows
    // and blank rows above it are skipped); else the first non-blank row.
    let names = |row: &[String]| {
        row.iter()
            .filter(|c| required_columns.contains(&aliases.column(table, c).as_str()))
            .count()
    };
    let need = required_columns.len().div_ceil(2).max(1);
    let head = grid.iter().position(|r| names(r) >= need).or_else(|| {
        grid.iter()
            .position(|r| r.iter().any(|c| !c.trim().is_empty()))
    });
    let Some(head) = head else {
        diags.push(Diagnostic::new(
            codes::MISSING_COLUMN,
            &file,
            Some(1),
            None,
            "the sheet is empty: no header row",
            format!(
                "start the sheet with the header row: {}",
                required_columns.join(", ")
            ),
        ));
        return None;
    };
    // Excel's own row numbers (1-based) and column offsets.
    let excel_row = |i: usize| top as usize + i + 1;
    let header_row = excel_row(head);
    if let Ok(merged) = wb.merge_cells_by_sheet_name(sheet) {
        let h = (top as usize + head) as u32;
        if let Some(m) = merged.iter().find(|m| m.start.0 <= h && h <= m.end.0) {
            let mut d = Diagnostic::new(
                codes::MERGED_HEADER,
                &file,
                Some(header_row),
                None,
                "the header row has merged cells, so its columns cannot be told apart",
                "unmerge the header cells and give every column its own name in one row",
            );
            d.cell = Some(super::table::cell_name(
                m.start.1 as usize,
                m.start.0 as usize + 1,
            ));
            diags.push(d);
            return None;
        }
    }
    // Pad the header to the sheet's width, offset by the sheet's first column so cell
    // names match what Excel shows.
    let pad = left as usize;
    let header: Vec<&str> = std::iter::repeat_n("", pad)
        .chain(grid[head].iter().map(String::as_str))
        .collect();
    let (columns, headers) = map_header(
        &file,
        table,
        aliases,
        &header,
        header_row,
        required_columns,
        diags,
    )?;
    let mut rows = Vec::new();
    for (i, r) in grid.iter().enumerate().skip(head + 1) {
        if r.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let fields: Vec<&str> = std::iter::repeat_n("", pad)
            .chain(r.iter().map(String::as_str))
            .collect();
        rows.push((excel_row(i), csv::StringRecord::from(fields)));
    }
    if rows.is_empty() {
        diags.push(Diagnostic::new(
            codes::EMPTY_FILE,
            &file,
            None,
            None,
            "the sheet has a header but no rows",
            "add rows, or remove the sheet if the table is optional",
        ));
    }
    Some(Table::from_rows(file, columns, headers, aliases, rows))
}
