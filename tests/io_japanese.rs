//! A register kept in Japanese reads as the same dataset: Japanese headers (with a unit
//! in brackets and full-width letters), 直営/指定管理, 一般競争/随意契約, はい/いいえ and
//! ○/×, full-width digits, yen amounts with separators and 円, era dates (令和, R7.3.31,
//! H31.4.1) — and a ward's own header names added through `models/columns.toml`.

use matome::io::read_dataset;
use matome::validate::validate_dir;
use std::fs;
use std::path::Path;

fn tiny() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/datasets/tiny"))
}

/// `file` of the tiny dataset with its header replaced and each field passed through
/// `cell(column, value)`; rows end in CRLF, as Excel on Windows saves them.
fn japanese(file: &str, header: &[&str], cell: &dyn Fn(&str, &str) -> String) -> String {
    let text = fs::read_to_string(tiny().join(file)).unwrap();
    let mut lines = text.lines();
    let names: Vec<String> = lines
        .next()
        .unwrap()
        .split(',')
        .map(str::to_string)
        .collect();
    assert_eq!(names.len(), header.len(), "{file}");
    let mut out = header.join(",") + "\r\n";
    for l in lines {
        let row: Vec<String> = l
            .split(',')
            .zip(&names)
            .map(|(v, n)| {
                let c = cell(n, v);
                if c.contains(',') {
                    format!("\"{c}\"")
                } else {
                    c
                }
            })
            .collect();
        out += &(row.join(",") + "\r\n");
    }
    out
}

fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '0'..='9' | '.' => char::from_u32(c as u32 - 0x21 + 0xFF01).unwrap(),
            c => c,
        })
        .collect()
}

/// 2026-03-31 → 令和8年3月31日, 2019-04-01 → H31.4.1, others → R{y}.{m}.{d}.
fn era(iso: &str) -> String {
    let p: Vec<u32> = iso.split('-').map(|x| x.parse().unwrap()).collect();
    let (y, m, d) = (p[0], p[1], p[2]);
    if (y, m) < (2019, 5) {
        format!("H{}.{m}.{d}", y - 1988)
    } else if d == 31 {
        format!("令和{}年{m}月{d}日", y - 2018)
    } else {
        format!("R{}.{m}.{d}", y - 2018)
    }
}

fn write_japanese(dir: &Path) {
    let fac = japanese(
        "facilities.csv",
        &[
            "施設ＩＤ",
            "施設名",
            "施設種別",
            "支所",
            "地区",
            "緯度",
            "経度",
            "延床面積（㎡）",
            "管理形態",
        ],
        &|col, v| match (col, v) {
            ("operator", "direct") => "直営".into(),
            ("operator", "designated_manager") => "指定管理者".into(),
            ("lat" | "lon", v) => full_width(v),
            _ => v.into(),
        },
    );
    fs::write(dir.join("facilities.csv"), fac).unwrap();
    let lines = japanese(
        "service_lines.csv",
        &[
            "業務ID",
            "施設ID",
            "業種",
            "年間回数",
            "1回あたり時間",
            "年間委託料(円)",
            "契約番号",
            "固定",
        ],
        &|col, v| match (col, v) {
            ("pinned", "true") => "○".into(),
            ("pinned", "false") => "いいえ".into(),
            ("annual_cost_jpy", v) => {
                let n: u64 = v.parse().unwrap();
                let s = n.to_string();
                let mut g = String::new();
                for (i, c) in s.chars().enumerate() {
                    if i > 0 && (s.len() - i).is_multiple_of(3) {
                        g.push(',');
                    }
                    g.push(c);
                }
                format!("{g}円")
            }
            ("visits_per_year", v) => full_width(v),
            _ => v.into(),
        },
    );
    fs::write(dir.join("service_lines.csv"), lines).unwrap();
    let contracts = japanese(
        "contracts.csv",
        &[
            "契約番号",
            "受託者",
            "年間契約額",
            "支払回数",
            "契約方法",
            "契約開始日",
            "契約終了日",
        ],
        &|col, v| match (col, v) {
            ("procurement", "competitive") => "一般競争入札".into(),
            ("procurement", "negotiated") => "随意契約".into(),
            ("annual_value_jpy", v) => format!("￥{v}"),
            ("start" | "end", v) => era(v),
            _ => v.into(),
        },
    );
    fs::write(dir.join("contracts.csv"), contracts).unwrap();
    let depots = japanese(
        "depots.csv",
        &["拠点ID", "拠点名", "緯度", "経度"],
        &|_, v| v.into(),
    );
    fs::write(dir.join("depots.csv"), depots).unwrap();
}

#[test]
fn a_japanese_register_reads_as_the_same_dataset() {
    let dir = tempfile::tempdir().unwrap();
    write_japanese(dir.path());
    let reference = read_dataset(tiny());
    assert!(
        reference.diagnostics.is_empty(),
        "{:?}",
        reference.diagnostics
    );
    let o = read_dataset(dir.path());
    assert!(o.diagnostics.is_empty(), "{:?}", o.diagnostics);
    assert_eq!(o.dataset.facilities, reference.dataset.facilities);
    assert_eq!(o.dataset.lines, reference.dataset.lines);
    assert_eq!(o.dataset.contracts, reference.dataset.contracts);
    assert_eq!(o.dataset.depots, reference.dataset.depots);
    assert_eq!(
        o.lines.lines, reference.lines.lines,
        "line numbers with CRLF"
    );
    let report = validate_dir(dir.path(), None);
    assert!(!report.has_errors(), "{:?}", report.diagnostics);
}

#[test]
fn diagnostics_name_the_header_as_written() {
    let dir = tempfile::tempdir().unwrap();
    write_japanese(dir.path());
    let p = dir.path().join("contracts.csv");
    let text = fs::read_to_string(&p).unwrap();
    // The third row's method is neither competitive nor negotiated; its end date does
    // not exist (令和 has no 2月30日).
    let mut rows: Vec<String> = text.split("\r\n").map(str::to_string).collect();
    rows[3] = rows[3].replace("一般競争入札", "くじ引き");
    let fields: Vec<&str> = rows[4].split(',').collect();
    let end = fields[6];
    rows[4] = rows[4].replace(end, "令和8年2月30日");
    fs::write(&p, rows.join("\r\n")).unwrap();
    let o = read_dataset(dir.path());
    let proc = o
        .diagnostics
        .iter()
        .find(|d| d.code == "E0304")
        .unwrap_or_else(|| panic!("{:?}", o.diagnostics));
    assert_eq!(proc.line, Some(4));
    assert_eq!(proc.column.as_deref(), Some("契約方法 (procurement)"));
    assert!(proc.message.contains("くじ引き"), "{}", proc.message);
    let date = o.diagnostics.iter().find(|d| d.code == "E0302").unwrap();
    assert_eq!(date.line, Some(5));
    assert_eq!(date.column.as_deref(), Some("契約終了日 (end)"));
}

#[test]
fn a_ward_adds_its_own_header_names() {
    let dir = tempfile::tempdir().unwrap();
    write_japanese(dir.path());
    let p = dir.path().join("facilities.csv");
    let text = fs::read_to_string(&p)
        .unwrap()
        .replacen("施設名", "建物名称", 1);
    fs::write(&p, text).unwrap();
    // Without the ward's name the column is missing, and the action lists the aliases.
    let o = validate_dir(dir.path(), None);
    let missing = o
        .diagnostics
        .iter()
        .find(|d| d.code == "E0003")
        .unwrap_or_else(|| panic!("{:?}", o.diagnostics));
    assert!(missing.action.contains("施設名"), "{}", missing.action);
    // A models folder with columns.toml naming 建物名称 reads it.
    let models = tempfile::tempdir().unwrap();
    fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("models/trades.toml"),
        models.path().join("trades.toml"),
    )
    .unwrap();
    let table =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("models/columns.toml"))
            .unwrap()
            .replace("name = [\"施設名\",", "name = [\"建物名称\", \"施設名\",");
    fs::write(models.path().join("columns.toml"), table).unwrap();
    let o = validate_dir(dir.path(), Some(models.path()));
    assert!(!o.has_errors(), "{:?}", o.diagnostics);
}

#[test]
fn the_japanese_files_are_really_japanese() {
    let dir = tempfile::tempdir().unwrap();
    write_japanese(dir.path());
    let c = fs::read_to_string(dir.path().join("contracts.csv")).unwrap();
    assert!(c.starts_with("契約番号,受託者"), "{c}");
    assert!(c.contains("令和") && c.contains(",R") && c.contains("随意契約") && c.contains('￥'));
    let l = fs::read_to_string(dir.path().join("service_lines.csv")).unwrap();
    assert!(
        l.contains("円") && l.contains("いいえ") && l.contains('２'),
        "{l}"
    );
    assert!(l.contains("\r\n"));
}
