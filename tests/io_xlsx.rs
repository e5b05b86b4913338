//! Workbooks in: the tiny dataset as five .xlsx files and as one workbook with Japanese
//! sheet and column names (a title row and a blank row above the header, numbers,
//! dates and booleans stored as Excel stores them) reads as the same dataset as its CSV
//! and gives the same plan; diagnostics name the workbook, sheet and cell; a merged
//! header is refused.

use matome::io::read_dataset;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn tiny() -> PathBuf {
    repo().join("datasets/tiny")
}

fn rows_of(file: &str) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_path(tiny().join(file)).unwrap();
    let mut out = vec![r.headers().unwrap().iter().map(str::to_string).collect()];
    out.extend(
        r.records()
            .map(|x| x.unwrap().iter().map(str::to_string).collect()),
    );
    out
}

/// Writes `rows` (header first) into a new sheet, cells typed as Excel would hold them:
/// numbers as numbers, ISO dates as dates, true/false as booleans. `title` puts a title
/// row and a blank row above the header; `header` replaces the header's names.
fn sheet(
    wb: &mut Workbook,
    name: &str,
    rows: &[Vec<String>],
    title: bool,
    header: Option<&[&str]>,
) {
    let ws = wb.add_worksheet();
    ws.set_name(name).unwrap();
    let date = Format::new().set_num_format("yyyy/mm/dd");
    let mut r0 = 0u32;
    if title {
        ws.write_string(0, 0, "令和7年度 施設台帳（世田谷区）")
            .unwrap();
        r0 = 2;
    }
    for (i, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            let (r, c) = (r0 + i as u32, c as u16);
            if i == 0 {
                let v = header.map_or(v.as_str(), |h| h[c as usize]);
                ws.write_string(r, c, v).unwrap();
            } else if let Ok(n) = v.parse::<f64>() {
                ws.write_number(r, c, n).unwrap();
            } else if v.len() == 10 && v.as_bytes()[4] == b'-' {
                let d = ExcelDateTime::parse_from_str(v).unwrap();
                ws.write_datetime_with_format(r, c, &d, &date).unwrap();
            } else if v == "true" || v == "false" {
                ws.write_boolean(r, c, v == "true").unwrap();
            } else if !v.is_empty() {
                ws.write_string(r, c, v).unwrap();
            }
        }
    }
}

/// facilities.csv's header in Japanese, in its column order.
const FACILITY_HEADS: [&str; 9] = [
    "施設ID",
    "施設名",
    "施設種別",
    "地域",
    "地区",
    "緯度",
    "経度",
    "延床面積",
    "管理形態",
];

const TABLES: [&str; 4] = ["facilities", "service_lines", "contracts", "depots"];

fn same_dataset(dir: &Path) {
    let want = read_dataset(&tiny());
    let got = read_dataset(dir);
    assert!(got.diagnostics.is_empty(), "{:?}", got.diagnostics);
    assert_eq!(got.dataset.facilities, want.dataset.facilities);
    assert_eq!(got.dataset.lines, want.dataset.lines);
    assert_eq!(got.dataset.contracts, want.dataset.contracts);
    assert_eq!(got.dataset.depots, want.dataset.depots);
}

fn japanese_workbook(path: &Path) {
    let mut wb = Workbook::new();
    let heads: [(&str, &[&str]); 4] = [
        ("施設", &FACILITY_HEADS),
        (
            "業務",
            &[
                "業務ID",
                "施設ID",
                "業種",
                "年間回数",
                "1回あたり時間",
                "年間委託料",
                "契約番号",
                "固定",
            ],
        ),
        (
            "契約",
            &[
                "契約番号",
                "業者名",
                "年間契約額",
                "支払回数",
                "契約方法",
                "契約開始日",
                "契約終了日",
            ],
        ),
        ("拠点", &["拠点ID", "拠点名", "緯度", "経度"]),
    ];
    for (t, (name, head)) in TABLES.iter().zip(heads) {
        sheet(
            &mut wb,
            name,
            &rows_of(&format!("{t}.csv")),
            true,
            Some(head),
        );
    }
    wb.save(path).unwrap();
}

/// The tiny dataset as five .xlsx files, one per table, in a new folder.
fn five_workbooks() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for t in TABLES {
        let mut wb = Workbook::new();
        sheet(
            &mut wb,
            "Sheet1",
            &rows_of(&format!("{t}.csv")),
            false,
            None,
        );
        wb.save(dir.path().join(format!("{t}.xlsx"))).unwrap();
    }
    dir
}

#[test]
fn five_workbooks_read_as_the_csv_dataset() {
    let dir = five_workbooks();
    same_dataset(dir.path());
}

#[test]
fn one_japanese_workbook_reads_as_the_csv_dataset_and_plans_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("ward.xlsx");
    japanese_workbook(&book);
    same_dataset(&book);
    // matome plan on the workbook and on the CSV folder: the same bundles.
    let plan = |data: &Path, out: &Path| {
        let o = Command::new(env!("CARGO_BIN_EXE_matome"))
            .args(["plan", data.to_str().unwrap(), "--models"])
            .arg(repo().join("models"))
            .args(["--out", out.to_str().unwrap(), "--quiet"])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        fs::read(out.join("bundles.csv")).unwrap()
    };
    let a = plan(&book, &dir.path().join("a"));
    let b = plan(&tiny(), &dir.path().join("b"));
    assert_eq!(a, b);
    // matome validate takes the workbook too (it once asked for a folder).
    let o = Command::new(env!("CARGO_BIN_EXE_matome"))
        .args(["validate", book.to_str().unwrap(), "--models"])
        .arg(repo().join("models"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn diagnostics_name_workbook_sheet_and_cell() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("ward.xlsx");
    let mut wb = Workbook::new();
    let mut fac = rows_of("facilities.csv");
    fac[3][5] = "95".into(); // F03's latitude: header on row 3 (title above), so row 6
    let heads: &[&str] = &FACILITY_HEADS;
    sheet(&mut wb, "施設", &fac, true, Some(heads));
    for (t, name) in [("service_lines", "業務"), ("contracts", "契約")] {
        sheet(&mut wb, name, &rows_of(&format!("{t}.csv")), false, None);
    }
    wb.save(&book).unwrap();
    let o = read_dataset(&book);
    let d = o
        .diagnostics
        .iter()
        .find(|d| d.code == "E0102")
        .unwrap_or_else(|| panic!("{:?}", o.diagnostics));
    assert_eq!(d.cell.as_deref(), Some("F6"));
    assert_eq!(d.line, Some(6));
    let shown = d.to_string();
    assert!(shown.contains("ward.xlsx [施設] F6"), "{shown}");
    assert!(shown.contains("緯度 (lat)"), "{shown}");
}

#[test]
fn a_merged_header_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("facilities.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.merge_range(0, 0, 0, 1, "施設ID・施設名", &Format::new())
        .unwrap();
    ws.write_string(0, 2, "施設種別").unwrap();
    ws.write_string(1, 0, "F01").unwrap();
    wb.save(&path).unwrap();
    for f in ["service_lines.csv", "contracts.csv"] {
        fs::copy(tiny().join(f), dir.path().join(f)).unwrap();
    }
    let o = read_dataset(dir.path());
    let d = o
        .diagnostics
        .iter()
        .find(|d| d.code == "E0008")
        .unwrap_or_else(|| panic!("{:?}", o.diagnostics));
    assert_eq!(d.cell.as_deref(), Some("A1"));
    assert!(d
        .file
        .to_string_lossy()
        .contains("facilities.xlsx [Sheet1]"));
}

/// One workbook per kind of diagnostic: each is reported on its sheet, at its cell (or
/// its row, for checks across rows).
#[test]
fn each_kind_of_diagnostic_names_its_sheet_and_cell() {
    // (table, row index in the CSV incl. header, column index, new value, code, cell)
    // The sheets have no title row here, so CSV row i is Excel row i + 1.
    /// (table, row index in the CSV incl. header, column index, new value, code, cell,
    /// Excel row).
    type Case = (
        &'static str,
        usize,
        usize,
        &'static str,
        &'static str,
        Option<&'static str>,
        usize,
    );
    let cases: [Case; 6] = [
        ("service_lines", 2, 3, "twelve", "E0502", Some("D3"), 3),
        ("contracts", 4, 6, "令和8年2月30日", "E0302", Some("G5"), 5),
        ("facilities", 5, 8, "委託", "E0104", Some("I6"), 6),
        ("facilities", 2, 1, "", "E0501", Some("B3"), 3),
        ("service_lines", 3, 4, "-2", "E0503", Some("E4"), 4),
        // A repeated facility id: found across rows, so a row and no cell.
        ("facilities", 3, 0, "F01", "E0101", None, 4),
    ];
    let names = [
        ("facilities", "施設"),
        ("service_lines", "業務"),
        ("contracts", "契約"),
        ("depots", "拠点"),
    ];
    for (table, row, col, value, code, cell, line) in cases {
        let dir = tempfile::tempdir().unwrap();
        let book = dir.path().join("ward.xlsx");
        let mut wb = Workbook::new();
        for (t, name) in names {
            let mut rows = rows_of(&format!("{t}.csv"));
            if t == table {
                rows[row][col] = value.to_string();
            }
            sheet(&mut wb, name, &rows, false, None);
        }
        wb.save(&book).unwrap();
        let report = matome::validate::validate_dir(&book, None);
        let d = report
            .diagnostics
            .iter()
            .find(|d| d.code == code)
            .unwrap_or_else(|| panic!("{code}: {:?}", report.diagnostics));
        let sheet_name = names.iter().find(|(t, _)| *t == table).unwrap().1;
        assert!(
            d.file
                .to_string_lossy()
                .ends_with(&format!("ward.xlsx [{sheet_name}]")),
            "{code}: {}",
            d.file.display()
        );
        assert_eq!(d.cell.as_deref(), cell, "{code}");
        assert_eq!(d.line, Some(line), "{code}");
    }
}

#[test]
fn a_missing_column_is_reported_on_the_header_row() {
    let dir = tempfile::tempdir().unwrap();
    let mut rows = rows_of("facilities.csv");
    for r in rows.iter_mut() {
        r.remove(5); // lat
    }
    let mut wb = Workbook::new();
    sheet(&mut wb, "台帳", &rows, true, None);
    wb.save(dir.path().join("facilities.xlsx")).unwrap();
    for f in ["service_lines.csv", "contracts.csv"] {
        fs::copy(tiny().join(f), dir.path().join(f)).unwrap();
    }
    let o = read_dataset(dir.path());
    let d = o
        .diagnostics
        .iter()
        .find(|d| d.code == "E0003")
        .unwrap_or_else(|| panic!("{:?}", o.diagnostics));
    // Title on row 1, blank row 2, the header on row 3.
    assert_eq!(d.line, Some(3));
    assert_eq!(d.column.as_deref(), Some("lat"));
    assert!(d.action.contains("緯度"), "{}", d.action);
}

/// Rewrites `path` so that the workbook uses the 1904 date system (old Mac Excel):
/// the same serial numbers then mean dates 1,462 days later, as Excel shows them.
fn to_1904(path: &Path) {
    use std::io::{Read, Write};
    let bytes = fs::read(path).unwrap();
    let mut zin = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        if name == "xl/workbook.xml" {
            let xml = String::from_utf8(data).unwrap();
            assert!(xml.contains("<workbookPr"), "{xml}");
            data = xml
                .replacen("<workbookPr", "<workbookPr date1904=\"1\"", 1)
                .into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&data).unwrap();
    }
    fs::write(path, out.finish().unwrap().into_inner()).unwrap();
}

#[test]
fn a_workbook_in_the_1904_date_system_reads_its_dates_as_excel_shows_them() {
    let dir = five_workbooks();
    to_1904(&dir.path().join("contracts.xlsx"));
    let o = read_dataset(dir.path());
    let c01 = o
        .dataset
        .contracts
        .iter()
        .find(|c| c.id == "C01")
        .expect("C01 read");
    // 2023-04-01 and 2026-03-31 as 1900 serials, read in the 1904 system.
    assert_eq!(c01.start.to_string(), "2027-04-02");
    assert_eq!(c01.end.to_string(), "2030-04-01");
}
