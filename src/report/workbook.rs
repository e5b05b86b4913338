//! Excel workbooks a department can file: typed sheets (text, counts, yen, hours, km,
//! shares) written as real Excel tables — a bold two-language header (Japanese first),
//! frozen, with an autofilter, yen and hour number formats and column widths that fit
//! Japanese text. Text is always written as a text cell, so a value such as
//! `=HYPERLINK(...)` from an input is shown, never evaluated.
//!
//! The plan and comparison reports describe their sheets with [`Sheet`]; this module
//! only knows cells and formats.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, Workbook, XlsxError};
use thiserror::Error;

/// One cell's value and how Excel should show it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Nothing.
    Empty,
    /// Text, written as a text cell whatever it starts with.
    Text(String),
    /// A count (`#,##0`).
    Count(i64),
    /// Yen (`¥#,##0`).
    Yen(f64),
    /// Hours (`#,##0.0`).
    Hours(f64),
    /// Kilometres (`#,##0.0`).
    Km(f64),
    /// A share in [0, 1], shown as a percentage (`0.00%`).
    Share(f64),
    /// A plain number with up to two decimals (`#,##0.##`).
    Number(f64),
}

impl Cell {
    /// A text cell.
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }
}

/// One worksheet: a name, a header of (Japanese, English) labels and rows of cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    /// The sheet's tab name (Excel allows 31 characters, no `[]:*?/\`).
    pub name: String,
    /// Optional lines above the table (a title, the source of the figures).
    pub notes: Vec<String>,
    /// Column labels, Japanese first.
    pub header: Vec<(String, String)>,
    /// Rows, each as long as the header (shorter rows are padded with empty cells).
    pub rows: Vec<Vec<Cell>>,
}

/// Why a workbook could not be made.
#[derive(Debug, Error)]
pub enum WorkbookError {
    /// A sheet name Excel refuses.
    #[error("sheet name '{0}' is not allowed in Excel (at most 31 characters, none of []:*?/\\, unique)")]
    SheetName(String),
    /// The writer failed.
    #[error("cannot write the workbook: {0}")]
    Xlsx(#[from] XlsxError),
}

/// The name Excel will accept for `want`: forbidden characters replaced by `_`, cut to
/// 31 characters, and made unique among `taken` with a ` (2)`-style suffix.
pub fn sheet_name(want: &str, taken: &[String]) -> String {
    let clean: String = want
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .collect();
    let clean = clean.trim_matches('\'').to_string();
    let base: String = clean.chars().take(31).collect();
    let base = if base.is_empty() {
        "Sheet".to_string()
    } else {
        base
    };
    let is_taken = |n: &str| taken.iter().any(|t| t.to_lowercase() == n.to_lowercase());
    if !is_taken(&base) {
        return base;
    }
    (2..)
        .map(|i| {
            let suffix = format!(" ({i})");
            let keep = 31 - suffix.chars().count();
            format!("{}{suffix}", base.chars().take(keep).collect::<String>())
        })
        .find(|n| !is_taken(n))
        .unwrap_or(base)
}

/// Display width of `s` in Excel's character units: wide (CJK, full-width) characters
/// count two, others one.
pub fn display_width(s: &str) -> usize {
    s.chars()
        .map(|c| {
            let u = c as u32;
            let wide = (0x1100..=0x115F).contains(&u)
                || (0x2E80..=0xA4CF).contains(&u)
                || (0xAC00..=0xD7A3).contains(&u)
                || (0xF900..=0xFAFF).contains(&u)
                || (0xFE30..=0xFE4F).contains(&u)
                || (0xFF00..=0xFF60).contains(&u)
                || (0xFFE0..=0xFFE6).contains(&u);
            if wide {
                2
            } else {
                1
            }
        })
        .sum()
}

struct Formats {
    header: Format,
    /// The header of a number column: right-aligned over its right-aligned numbers.
    header_number: Format,
    note: Format,
    text: Format,
    count: Format,
    yen: Format,
    hours: Format,
    share: Format,
    number: Format,
}

impl Formats {
    fn new() -> Formats {
        let font = |f: Format| f.set_font_name("Meiryo UI");
        Formats {
            header: font(Format::new())
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_background_color(0xDDEBF7),
            header_number: font(Format::new())
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_align(FormatAlign::Right)
                .set_background_color(0xDDEBF7),
            note: font(Format::new()).set_italic(),
            text: font(Format::new()),
            count: font(Format::new()).set_num_format("#,##0"),
            yen: font(Format::new()).set_num_format("¥#,##0"),
            hours: font(Format::new()).set_num_format("#,##0.0"),
            share: font(Format::new()).set_num_format("0.00%"),
            number: font(Format::new()).set_num_format("#,##0.##"),
        }
    }
}

/// The shown text of a number in `cell`, for the width estimate.
fn shown(cell: &Cell) -> String {
    match cell {
        Cell::Empty => String::new(),
        Cell::Text(s) => s.clone(),
        // Digits with their thousands separators (and the yen sign or decimals).
        Cell::Count(v) => grouped(v.unsigned_abs() as f64, 0),
        Cell::Yen(v) => format!("¥{}", grouped(v.abs(), 0)),
        Cell::Hours(v) | Cell::Km(v) => grouped(v.abs(), 2),
        Cell::Share(_) => "100.00%".into(),
        Cell::Number(v) => grouped(v.abs(), 3),
    }
}

fn grouped(v: f64, decimals: usize) -> String {
    let digits = format!("{v:.0}").len();
    "0".repeat(digits + (digits.saturating_sub(1)) / 3 + decimals)
}

/// Writes the sheets into one workbook and returns its bytes (the caller writes them
/// atomically next to the other reports).
pub fn workbook(sheets: &[Sheet]) -> Result<Vec<u8>, WorkbookError> {
    let mut wb = Workbook::new();
    // A fixed creation date: two runs with one seed give the same bytes (the writer
    // would otherwise stamp the wall clock into docProps/core.xml); when a plan ran is
    // in summary.json.
    wb.set_properties(
        &DocProperties::new()
            .set_author("matome")
            .set_creation_datetime(&ExcelDateTime::from_ymd(2000, 1, 1)?),
    );
    let f = Formats::new();
    let mut taken: Vec<String> = Vec::new();
    for sheet in sheets {
        let name = sheet_name(&sheet.name, &taken);
        if name != sheet.name {
            return Err(WorkbookError::SheetName(sheet.name.clone()));
        }
        taken.push(name.clone());
        let ws = wb.add_worksheet();
        ws.set_name(&name)?;
        let mut row: u32 = 0;
        for note in &sheet.notes {
            ws.write_string_with_format(row, 0, note, &f.note)?;
            row += 1;
        }
        if !sheet.notes.is_empty() {
            row += 1;
        }
        let head = row;
        let cols = sheet.header.len();
        // Widths fit the cells; a header longer than a number column wraps instead of
        // widening it (a bundle's matrix has two columns per trade).
        let numeric: Vec<bool> = (0..cols)
            .map(|c| {
                sheet
                    .rows
                    .iter()
                    .all(|r| !matches!(r.get(c), Some(Cell::Text(_))))
            })
            .collect();
        let mut width: Vec<usize> = vec![6; cols];
        for cells in &sheet.rows {
            for (c, w) in width.iter_mut().enumerate() {
                *w = (*w).max(display_width(&shown(cells.get(c).unwrap_or(&Cell::Empty))));
            }
        }
        let mut header_lines = 1;
        for (c, (ja, en)) in sheet.header.iter().enumerate() {
            let label = if en.is_empty() || en == ja {
                ja.clone()
            } else {
                format!("{ja}\n{en}")
            };
            let format = if numeric[c] && !sheet.rows.is_empty() {
                &f.header_number
            } else {
                &f.header
            };
            ws.write_string_with_format(head, c as u16, &label, format)?;
            let longest = display_width(ja).max(display_width(en));
            width[c] = if numeric[c] {
                width[c].max(longest.min(14))
            } else {
                width[c].max(longest)
            }
            .min(58);
            let lines: usize = label
                .lines()
                .map(|l| display_width(l).div_ceil(width[c] + 1).max(1))
                .sum();
            header_lines = header_lines.max(lines);
        }
        ws.set_row_height(head, 15.0 * header_lines as f64)?;
        let mut row = head;
        for cells in &sheet.rows {
            row += 1;
            for c in 0..cols {
                let cell = cells.get(c).unwrap_or(&Cell::Empty);
                let (r, col) = (row, c as u16);
                match cell {
                    Cell::Empty => {}
                    Cell::Text(s) => {
                        ws.write_string_with_format(r, col, s, &f.text)?;
                    }
                    Cell::Count(v) => {
                        ws.write_number_with_format(r, col, *v as f64, &f.count)?;
                    }
                    Cell::Yen(v) => {
                        ws.write_number_with_format(r, col, *v, &f.yen)?;
                    }
                    Cell::Hours(v) | Cell::Km(v) => {
                        ws.write_number_with_format(r, col, *v, &f.hours)?;
                    }
                    Cell::Share(v) => {
                        ws.write_number_with_format(r, col, *v, &f.share)?;
                    }
                    Cell::Number(v) => {
                        ws.write_number_with_format(r, col, *v, &f.number)?;
                    }
                }
            }
        }
        for (c, w) in width.iter().enumerate() {
            ws.set_column_width(c as u16, (*w as f64 + 2.0).min(60.0))?;
        }
        // Printed (or turned into a PDF for a council file): A4 landscape, one page
        // wide (two for wide matrices, whose text is unreadable at one), the header
        // repeated on every page.
        let pages_wide = if cols > 12 { 2 } else { 1 };
        ws.set_paper_size(9)
            .set_landscape()
            .set_print_fit_to_pages(pages_wide, 0);
        if cols > 0 {
            ws.set_repeat_rows(head, head)?;
            ws.set_freeze_panes(head + 1, 0)?;
            ws.autofilter(head, 0, row.max(head), cols as u16 - 1)?;
        }
    }
    Ok(wb.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
    use std::io::Cursor;

    fn sample() -> Vec<Sheet> {
        vec![
            Sheet {
                name: "包括契約".into(),
                notes: vec!["包括契約の一覧 Bundles".into()],
                header: vec![
                    ("名称".into(), "Name".into()),
                    ("施設数".into(), "Facilities".into()),
                    ("年間契約額".into(), "Annual value".into()),
                    ("労務時間".into(), "Labour hours".into()),
                    ("割合".into(), "Share".into()),
                ],
                rows: vec![
                    vec![
                        Cell::text("北沢 1"),
                        Cell::Count(12),
                        Cell::Yen(123_456_789.0),
                        Cell::Hours(1_234.5),
                        Cell::Share(0.25),
                    ],
                    vec![
                        Cell::text("=HYPERLINK(\"http://example.com\",\"x\")"),
                        Cell::Count(3),
                    ],
                ],
            },
            Sheet {
                name: "前提".into(),
                notes: vec![],
                header: vec![
                    ("項目".into(), "Item".into()),
                    ("値".into(), "Value".into()),
                ],
                rows: vec![vec![Cell::text("1回あたり時間"), Cell::Number(2.5)]],
            },
        ]
    }

    #[test]
    fn a_workbook_reads_back_with_its_sheets_values_and_no_formulas() {
        let bytes = workbook(&sample()).unwrap();
        let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
        assert_eq!(wb.sheet_names(), vec!["包括契約", "前提"]);
        let r = wb.worksheet_range("包括契約").unwrap();
        // Row 0: the note; row 1 blank; row 2 the header; row 3 the first bundle.
        assert_eq!(
            r.get_value((0, 0)),
            Some(&Data::String("包括契約の一覧 Bundles".into()))
        );
        assert_eq!(
            r.get_value((2, 0)),
            Some(&Data::String("名称\nName".into()))
        );
        assert_eq!(r.get_value((3, 2)), Some(&Data::Float(123_456_789.0)));
        assert_eq!(r.get_value((3, 1)), Some(&Data::Float(12.0)));
        assert_eq!(
            r.get_value((4, 0)),
            Some(&Data::String(
                "=HYPERLINK(\"http://example.com\",\"x\")".into()
            ))
        );
        let formulas = wb.worksheet_formula("包括契約").unwrap();
        assert!(
            formulas.used_cells().all(|(_, _, f)| f.is_empty()),
            "no formula cells"
        );
        let r = wb.worksheet_range("前提").unwrap();
        assert_eq!(r.get_value((1, 1)), Some(&Data::Float(2.5)));
    }

    #[test]
    fn sheet_names_excel_accepts() {
        assert_eq!(sheet_name("業務一覧 北沢/1", &[]), "業務一覧 北沢_1");
        let long = "あ".repeat(40);
        assert_eq!(sheet_name(&long, &[]).chars().count(), 31);
        let taken = vec!["業務一覧".to_string()];
        assert_eq!(sheet_name("業務一覧", &taken), "業務一覧 (2)");
        let bad = Sheet {
            name: "a:b".into(),
            notes: vec![],
            header: vec![],
            rows: vec![],
        };
        assert!(matches!(workbook(&[bad]), Err(WorkbookError::SheetName(_))));
    }

    #[test]
    fn japanese_text_counts_double_width() {
        assert_eq!(display_width("abc"), 3);
        assert_eq!(display_width("施設"), 4);
        assert_eq!(display_width("ＡＢ"), 4);
        assert_eq!(display_width("ｱｲ"), 2);
    }
}
