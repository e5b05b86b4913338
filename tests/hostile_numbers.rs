//! Numbers no register means, typed into a dataset's cells: NaN, ±inf, 1e308 and
//! beyond, integers past i64 and u64, are refused with the file, the line, the column
//! and the value as it was typed; subnormals and full-width digits are numbers, and
//! plan like any other. Each case is the tiny dataset with one cell changed.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn text(o: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn matome(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_matome"))
        .args(args)
        .output()
        .unwrap()
}

/// A copy of datasets/tiny with cell `field` (0-based) of data row 1 of `file` set
/// to `value`.
fn tiny_with(file: &str, field: usize, value: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(repo().join("datasets/tiny")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dir.path().join(e.file_name())).unwrap();
    }
    let path = dir.path().join(file);
    let body = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<String> = body.lines().map(str::to_string).collect();
    let mut cells: Vec<&str> = lines[1].split(',').collect();
    cells[field] = value;
    lines[1] = cells.join(",");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    dir
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// service_lines.csv: line_id, facility_id, trade, visits_per_year, hours_per_visit,
/// annual_cost_jpy, …; contracts.csv: contract_id, vendor, annual_value_jpy,
/// payments_per_year, …; facilities.csv: …, lat (5), lon (6), floor_area_m2 (7).
const HOURS: (&str, usize, &str) = ("service_lines.csv", 4, "hours_per_visit");
const PAYMENTS: (&str, usize, &str) = ("contracts.csv", 3, "payments_per_year");
const FLOOR: (&str, usize, &str) = ("facilities.csv", 7, "floor_area_m2");
const LAT: (&str, usize, &str) = ("facilities.csv", 5, "lat");

#[test]
fn numbers_no_register_means_are_refused_where_they_were_typed() {
    let cases = [
        (HOURS, "NaN", "E0502"),
        (HOURS, "inf", "E0502"),
        (HOURS, "-inf", "E0502"),
        (HOURS, "1e400", "E0502"),
        (HOURS, "1e308", "E0504"),
        (HOURS, "18446744073709551616", "E0504"),
        (FLOOR, "1e308", "E0504"),
        (PAYMENTS, "18446744073709551616", "E0504"),
        (PAYMENTS, "9223372036854775808", "E0504"),
        (PAYMENTS, "-9223372036854775809", "E0503"),
        (LAT, "1e308", "E0102"),
        (LAT, "NaN", "E0502"),
    ];
    for ((file, field, column), value, code) in cases {
        let dir = tiny_with(file, field, value);
        let o = matome(&["validate", s(dir.path())]);
        let all = text(&o);
        assert_eq!(o.status.code(), Some(1), "{file} {column} = {value}\n{all}");
        let at = format!("{file}:2:{column}");
        let line = all
            .lines()
            .find(|l| l.contains(&at))
            .unwrap_or_else(|| panic!("{value}: no message at {at}\n{all}"));
        assert!(line.contains(code), "{value}: want {code}\n{line}");
        // The value as it was typed, not as a float prints it.
        assert!(line.contains(value), "{value}: not shown as typed\n{line}");
        assert!(!all.contains("panicked"), "{all}");
    }
}

/// Plans `dataset` stopped by work (so two runs compare byte for byte) and returns
/// its folder's assignments.csv.
fn plan_assignments(dataset: &Path, out: &Path) -> Vec<u8> {
    let o = matome(&[
        "plan",
        s(dataset),
        "--quiet",
        "--work-limit",
        "20000",
        "--threads",
        "1",
        "--out",
        s(out),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let check = matome(&["check", s(dataset), s(out)]);
    assert!(check.status.success(), "{}", text(&check));
    std::fs::read(out.join("assignments.csv")).unwrap()
}

#[test]
fn full_width_digits_are_the_same_numbers() {
    let tmp = tempfile::tempdir().unwrap();
    let base = plan_assignments(&repo().join("datasets/tiny"), &tmp.path().join("base"));
    for ((file, field, _), value) in [(HOURS, "８"), (PAYMENTS, "１２"), (FLOOR, "６，０００")]
    {
        let dir = tiny_with(file, field, value);
        let out = tmp.path().join(format!("fw-{field}"));
        assert_eq!(
            plan_assignments(dir.path(), &out),
            base,
            "{file} = {value} planned differently from its half-width twin"
        );
    }
}

#[test]
fn subnormal_numbers_plan_and_check() {
    let tmp = tempfile::tempdir().unwrap();
    let cost = ("service_lines.csv", 5, "annual_cost_jpy");
    for ((file, field, column), value) in [(HOURS, "5e-324"), (cost, "4.9e-324"), (FLOOR, "1e-310")]
    {
        let dir = tiny_with(file, field, value);
        let v = matome(&["validate", s(dir.path())]);
        assert_eq!(v.status.code(), Some(0), "{column} = {value}\n{}", text(&v));
        plan_assignments(dir.path(), &tmp.path().join(format!("sub-{field}")));
    }
}
