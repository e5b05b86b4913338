//! `matome import opendata` on small samples of both national open-data layouts,
//! written for these tests (invented facilities at approximate Setagaya towns; not
//! copied from any city): tests/fixtures/opendata/earlier_parks_cp932.csv (the earlier
//! layout, Shift_JIS/CP932, CRLF), newer_facilities.csv (the newer layout, UTF-8 with
//! BOM) and a workbook built here with a title row, look-alike header characters and a
//! definitions sheet. Asserts kinds, areas, merged duplicates, the rows reported with
//! file, row and reason, refused files, and that the dataset written validates and
//! plans.

use rust_xlsxwriter::Workbook;
use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/opendata")
        .join(name)
}

fn matome(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_matome"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("matome runs")
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// facilities.csv as name → its columns by header.
fn facilities(dir: &Path) -> HashMap<String, HashMap<String, String>> {
    let mut r = csv::Reader::from_path(dir.join("facilities.csv")).unwrap();
    let head: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            let row: HashMap<String, String> = head
                .iter()
                .cloned()
                .zip(rec.iter().map(str::to_string))
                .collect();
            (row["name"].clone(), row)
        })
        .collect()
}

/// name, category, address, lat, lon, floor area.
type School<'a> = (&'a str, &'a str, &'a str, f64, f64, Option<f64>);

/// A per-category list as a city might save it from Excel: a title row and a blank
/// row above the header; 施設名 for the name, 所在地 for the address, a category header
/// written with a look-alike dash (カテゴリ― for カテゴリー), the floor area with its
/// unit; and a second sheet of column definitions that is not a list.
fn schools_workbook(path: &Path) {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("学校一覧").unwrap();
    ws.write_string(0, 0, "区立学校一覧（令和8年4月1日現在）")
        .unwrap();
    let head = [
        "番号",
        "施設名",
        "カテゴリ―",
        "所在地",
        "緯度",
        "経度",
        "延床面積（㎡）",
    ];
    for (c, h) in head.iter().enumerate() {
        ws.write_string(2, c as u16, *h).unwrap();
    }
    let rows: [School; 3] = [
        (
            "太子堂小学校",
            "学校",
            "東京都世田谷区太子堂一丁目3番1号",
            35.6453,
            139.6713,
            Some(6431.0),
        ),
        (
            "奥沢中学校",
            "学校",
            "東京都世田谷区奥沢五丁目",
            35.6040,
            139.6720,
            Some(9800.0),
        ),
        (
            "砧南の学び舎",
            "小学校",
            "東京都世田谷区砧七丁目",
            35.6300,
            139.6150,
            None,
        ),
    ];
    for (i, (name, cat, addr, lat, lon, area)) in rows.iter().enumerate() {
        let r = 3 + i as u32;
        ws.write_number(r, 0, (i + 1) as f64).unwrap();
        ws.write_string(r, 1, *name).unwrap();
        ws.write_string(r, 2, *cat).unwrap();
        ws.write_string(r, 3, *addr).unwrap();
        ws.write_number(r, 4, *lat).unwrap();
        ws.write_number(r, 5, *lon).unwrap();
        if let Some(a) = area {
            ws.write_number(r, 6, *a).unwrap();
        }
    }
    let defs = wb.add_worksheet();
    defs.set_name("項目定義").unwrap();
    defs.write_string(0, 0, "項目名").unwrap();
    defs.write_string(0, 1, "説明").unwrap();
    defs.write_string(1, 0, "施設名").unwrap();
    defs.write_string(1, 1, "学校の名称").unwrap();
    wb.save(path).unwrap();
}

#[test]
fn both_layouts_and_a_workbook_import_with_kinds_areas_merges_and_reasons() {
    let tmp = tempfile::tempdir().unwrap();
    let xlsx = tmp.path().join("schools.xlsx");
    schools_workbook(&xlsx);
    let out = tmp.path().join("city");
    let earlier = fixture("earlier_parks_cp932.csv");
    let newer = fixture("newer_facilities.csv");
    let before: Vec<Vec<u8>> = [&earlier, &newer]
        .iter()
        .map(|p| fs::read(p).unwrap())
        .collect();
    let o = matome(&[
        "import",
        "opendata",
        s(&earlier),
        s(&newer),
        s(&xlsx),
        "--out",
        s(&out),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // Inputs are never modified.
    let after: Vec<Vec<u8>> = [&earlier, &newer]
        .iter()
        .map(|p| fs::read(p).unwrap())
        .collect();
    assert_eq!(before, after);

    let f = facilities(&out);
    let kind = |n: &str| f[n]["kind"].as_str();
    assert_eq!(kind("太子堂東公園"), "block_park");
    assert_eq!(kind("三宿の森緑地"), "green_strip");
    assert_eq!(kind("代沢児童遊園"), "childrens_playground");
    assert_eq!(kind("かもめ園"), "nursery", "from its POI code 1402a");
    assert_eq!(kind("三軒茶屋図書館"), "library");
    assert_eq!(kind("北沢保育園"), "nursery");
    assert_eq!(kind("代沢まちづくりセンター"), "district_centre");
    assert_eq!(kind("玉川総合支所"), "branch_office");
    assert_eq!(kind("成城体育館"), "sports");
    assert_eq!(kind("奥沢中学校"), "junior_high_school");
    assert_eq!(
        kind("砧南の学び舎"),
        "elementary_school",
        "from its category 小学校"
    );
    assert_eq!(kind("すずらんの家"), "other");
    assert_eq!(f["かもめ園"]["kind_from"], "POIコード: 1402a");
    // Without a table of towns: the municipality is the area, the town the district.
    assert!(f.values().all(|r| r["area"] == "世田谷区"), "{f:#?}");
    assert_eq!(f["三軒茶屋図書館"]["district"], "三軒茶屋");
    assert_eq!(f["玉川総合支所"]["district"], "等々力");

    // Duplicates across files merged: 太子堂東公園 (earlier + newer, 43 m apart), and
    // 世田谷区立太子堂小学校 (newer) = 太子堂小学校 (workbook), whose floor area the
    // workbook adds.
    assert_eq!(f.len(), 15, "{:?}", f.keys().collect::<Vec<_>>());
    assert!(!f.contains_key("太子堂小学校"));
    let school = &f["世田谷区立太子堂小学校"];
    assert_eq!(school["floor_area_m2"], "6431");
    assert!(
        school["source"].contains("newer_facilities.csv:2"),
        "{}",
        school["source"]
    );
    assert!(
        school["source"].contains("schools.xlsx [学校一覧] row 4"),
        "{}",
        school["source"]
    );
    assert!(f["太子堂東公園"]["source"].contains("earlier_parks_cp932.csv:2"));
    assert!(f["太子堂東公園"]["source"].contains("newer_facilities.csv:6"));
    assert_eq!(f["太子堂東公園"]["source_id"], "SET0005");
    // Latitude and longitude swapped in the source: put right, and noted.
    assert_eq!(f["奥沢中央公園"]["lat"], "35.605");
    // A formula-looking name is written as text.
    assert!(f.contains_key("'=HYPERLINK(\"http://example.invalid\",\"公園\")"));

    // Every row not placed is in the report with file, row (as an editor shows it,
    // CRLF and all) and reason.
    let report = fs::read_to_string(out.join("import-report.md")).unwrap();
    let row_of = |name: &str| {
        report
            .lines()
            .find(|l| l.starts_with('|') && l.contains(name) && l.contains(".csv"))
            .unwrap_or_else(|| panic!("{name} not in the report:\n{report}"))
            .to_string()
    };
    let r = row_of("北沢ポケットパーク");
    assert!(
        r.contains("earlier_parks_cp932.csv | 5 |") && r.contains("no coordinates"),
        "{r}"
    );
    let r = row_of("玉川台広場");
    assert!(
        r.contains("| 8 |") && r.contains("'abc' is not a number"),
        "{r}"
    );
    let r = report
        .lines()
        .find(|l| l.contains("newer_facilities.csv | 10 |"))
        .expect("the nameless row");
    assert!(r.contains("the name is empty"), "{r}");
    // The workbook's list: header on row 3, 3 rows, 2 new, 1 merged, 0 not placed.
    let sheet = report
        .lines()
        .find(|l| l.contains("schools.xlsx [学校一覧]") && l.contains("独自の列 own columns"))
        .expect("the workbook's row in Files");
    assert!(sheet.contains("| 3 | 3 | 2 | 1 | 0 |"), "{sheet}");
    assert!(
        sheet.contains("name=施設名") && sheet.contains("category=カテゴリ―"),
        "{sheet}"
    );
    assert!(
        report.contains("schools.xlsx [項目定義] | 使わず not used"),
        "{report}"
    );
    assert!(report.contains("旧様式 earlier layout") && report.contains("新様式 newer layout"));
    assert!(report.contains("(Shift_JIS/CP932)"));
    assert!(report.contains("latitude and longitude were swapped"));
    assert!(report.contains("| F0001 | 太子堂東公園 |"), "{report}");
}

#[test]
fn a_table_of_towns_places_areas_and_starter_lines_give_a_dataset_that_plans() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("city");
    let o = matome(&[
        "import",
        "opendata",
        s(&fixture("earlier_parks_cp932.csv")),
        s(&fixture("newer_facilities.csv")),
        "--areas",
        s(&fixture("towns.csv")),
        "--starter-lines",
        "--fiscal-year",
        "2026",
        "--out",
        s(&out),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let f = facilities(&out);
    assert_eq!(f["太子堂東公園"]["area"], "世田谷");
    assert_eq!(f["三軒茶屋図書館"]["district"], "太子堂");
    assert_eq!(f["代沢児童遊園"]["area"], "北沢");
    assert_eq!(f["玉川総合支所"]["area"], "玉川");
    assert_eq!(f["成城体育館"]["area"], "砧");
    // 三宿 is not in the table: the row is reported, not guessed.
    assert!(!f.contains_key("三宿の森緑地"));
    let report = fs::read_to_string(out.join("import-report.md")).unwrap();
    assert!(
        report.contains("町名「三宿」が対応表にありません"),
        "{report}"
    );

    // Starter lines: every row an estimate with a source; one contract per line.
    let mut lines = csv::Reader::from_path(out.join("service_lines.csv")).unwrap();
    let head = lines.headers().unwrap().clone();
    let est = head.iter().position(|h| h == "estimate").unwrap();
    let src = head.iter().position(|h| h == "source").unwrap();
    let trade = head.iter().position(|h| h == "trade").unwrap();
    let fac = head.iter().position(|h| h == "facility_id").unwrap();
    let rows: Vec<csv::StringRecord> = lines.records().map(Result::unwrap).collect();
    assert!(!rows.is_empty());
    assert!(rows
        .iter()
        .all(|r| r[est].contains("estimate") && !r[src].trim().is_empty()));
    let school = &f["世田谷区立太子堂小学校"]["facility_id"];
    let school_trades: Vec<&str> = rows
        .iter()
        .filter(|r| &r[fac] == school)
        .map(|r| &r[trade])
        .collect();
    assert!(school_trades.contains(&"custodial") && school_trades.contains(&"fire_equipment"));
    // ビル管法 pest control only from 8,000 m²; the school's assumed 6,750 m² is below.
    assert!(
        !school_trades.contains(&"pest_control"),
        "{school_trades:?}"
    );
    let other = &f["すずらんの家"]["facility_id"];
    assert!(
        rows.iter().all(|r| &r[fac] != other),
        "no lines for an unknown kind"
    );
    let contracts = fs::read_to_string(out.join("contracts.csv")).unwrap();
    assert_eq!(contracts.lines().count(), rows.len() + 1);
    assert!(contracts.contains("2026-04-01,2027-03-31"));

    // The dataset validates and plans.
    let v = matome(&["validate", s(&out)]);
    assert!(v.status.success(), "{}", String::from_utf8_lossy(&v.stdout));
    let plan = tmp.path().join("plan");
    let p = matome(&["plan", s(&out), "--out", s(&plan), "--time-limit", "2"]);
    assert!(p.status.success(), "{}", String::from_utf8_lossy(&p.stderr));
    assert!(plan.join("bundles.csv").is_file());
}

#[test]
fn a_file_that_cannot_be_mapped_stops_the_import_with_its_reason_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("city");
    let o = matome(&[
        "import",
        "opendata",
        s(&fixture("newer_facilities.csv")),
        s(&fixture("aed.csv")),
        "--out",
        s(&out),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("error[E0701]") && err.contains("aed.csv"),
        "{err}"
    );
    assert!(
        err.contains("missing columns") && err.contains("name (") && err.contains("lat ("),
        "{err}"
    );
    assert!(err.contains("does not look up addresses"), "{err}");
    assert!(!out.exists(), "nothing may be written");

    // A folder, an old .xls and a missing file are refused by name too.
    let xls = tmp.path().join("list.xls");
    fs::write(&xls, b"\xd0\xcf\x11\xe0").unwrap();
    let o = matome(&[
        "import",
        "opendata",
        s(tmp.path()),
        s(&xls),
        "missing.csv",
        "--out",
        s(&out),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("is a folder"), "{err}");
    assert!(
        err.contains("list.xls: a .xls file cannot be read"),
        "{err}"
    );
    assert!(err.contains("missing.csv: cannot be read"), "{err}");
    assert!(!out.exists());
}

#[test]
fn an_output_folder_with_content_is_kept_unless_forced() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("city");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("keep.txt"), "mine").unwrap();
    let file = fixture("newer_facilities.csv");
    let o = matome(&["import", "opendata", s(&file), "--out", s(&out)]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(fs::read_to_string(out.join("keep.txt")).unwrap(), "mine");
    let o = matome(&["import", "opendata", s(&file), "--out", s(&out), "--force"]);
    assert!(o.status.success());
    assert!(!out.join("keep.txt").exists() && out.join("facilities.csv").is_file());
}

#[test]
fn a_table_of_towns_with_a_town_given_twice_is_refused_at_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    let towns = tmp.path().join("towns.csv");
    // CRLF, as Excel on Windows saves it: the second 太子堂 is on line 3.
    fs::write(
        &towns,
        "町名,地区,地域\r\n太子堂,太子堂,世田谷\r\n太子堂,池尻,世田谷\r\n",
    )
    .unwrap();
    let out = tmp.path().join("city");
    let o = matome(&[
        "import",
        "opendata",
        s(&fixture("newer_facilities.csv")),
        "--areas",
        s(&towns),
        "--out",
        s(&out),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("error[E0702]") && err.contains("towns.csv:3"),
        "{err}"
    );
    assert!(err.contains("already on line 2"), "{err}");
    assert!(!out.exists());
}
