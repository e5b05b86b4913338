//! Hostile data in a dataset's files, end to end, each case the tiny dataset with one
//! cell or one file changed:
//! - numbers no register means (NaN, ±inf, 1e308 and beyond, integers past i64 and
//!   u64) are refused with the file, the line, the column and the value as it was
//!   typed; full-width digits are the same numbers, and plan the same (subnormals:
//!   tests/hostile_inputs.rs);
//! - an empty file is refused naming it (E0003, with the header row to write); a
//!   header without rows is named (W0007) and a plan that needs rows says which are
//!   missing; nothing panics, and a refused plan writes no folder.

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

/// A copy of datasets/tiny in a temporary folder.
fn tiny_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(repo().join("datasets/tiny")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dir.path().join(e.file_name())).unwrap();
    }
    dir
}

/// A copy of datasets/tiny with cell `field` (0-based) of data row 1 of `file` set
/// to `value`.
fn tiny_with(file: &str, field: usize, value: &str) -> tempfile::TempDir {
    let dir = tiny_copy();
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

/// datasets/tiny with `file` replaced by `body`.
fn tiny_with_file(file: &str, body: &str) -> tempfile::TempDir {
    let dir = tiny_copy();
    std::fs::write(dir.path().join(file), body).unwrap();
    dir
}

fn header(file: &str) -> String {
    let body = std::fs::read_to_string(repo().join("datasets/tiny").join(file)).unwrap();
    format!("{}\n", body.lines().next().unwrap())
}

const FILES: [&str; 4] = [
    "facilities.csv",
    "service_lines.csv",
    "contracts.csv",
    "depots.csv",
];

#[test]
fn an_empty_file_is_refused_with_the_header_to_write() {
    for file in FILES {
        let dir = tiny_with_file(file, "");
        let o = matome(&["validate", s(dir.path())]);
        let all = text(&o);
        assert_eq!(o.status.code(), Some(1), "{file}\n{all}");
        let line = all
            .lines()
            .find(|l| l.contains("E0003") && l.contains(&format!("{file}:1")))
            .unwrap_or_else(|| panic!("{file}: no E0003\n{all}"));
        // What to do: the header row itself (its required columns).
        let head = header(file);
        let first: Vec<&str> = head.trim().split(',').take(3).collect();
        assert!(
            line.contains(&format!("header row: {}", first.join(","))),
            "{line}"
        );
        let out = dir.path().with_extension("out");
        let p = matome(&["plan", s(dir.path()), "--quiet", "--out", s(&out)]);
        assert!(!p.status.success(), "{file}\n{}", text(&p));
        assert!(!text(&p).contains("panicked"), "{}", text(&p));
        assert!(
            !out.exists(),
            "{file}: a refused plan wrote {}",
            out.display()
        );
    }
}

#[test]
fn a_header_without_rows_is_named_and_the_plan_says_what_is_missing() {
    for file in FILES {
        let dir = tiny_with_file(file, &header(file));
        let o = matome(&["validate", s(dir.path())]);
        let all = text(&o);
        assert!(
            all.lines().any(|l| l.contains("W0007") && l.contains(file)),
            "{file}: no W0007\n{all}"
        );
        assert!(!all.contains("panicked"), "{all}");
        let out = dir.path().with_extension("out");
        let p = matome(&["plan", s(dir.path()), "--quiet", "--out", s(&out)]);
        let plan = text(&p);
        assert!(!plan.contains("panicked"), "{plan}");
        match file {
            // Depots are optional for the baseline (hubs are facilities).
            "depots.csv" => assert!(p.status.success(), "{plan}"),
            "service_lines.csv" => {
                assert!(!p.status.success(), "{plan}");
                assert!(plan.contains("no service lines"), "{plan}");
                assert!(!out.exists());
            }
            // Lines that name facilities or contracts no row defines: every one named.
            _ => {
                assert_eq!(p.status.code(), Some(1), "{plan}");
                assert!(plan.contains("nothing was planned"), "{plan}");
                assert!(!out.exists());
            }
        }
    }
}
