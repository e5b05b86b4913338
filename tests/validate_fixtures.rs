//! One test per broken fixture under tests/fixtures/: each breaks one thing and must
//! produce exactly the expected diagnostics (code, file, line), and nothing else.

use matome::diag::{codes, Diagnostic};
use matome::validate::validate_dir;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Asserts the fixture's diagnostics are exactly `expected` as (code, file, line).
fn check(name: &str, expected: &[(&str, &str, Option<usize>)]) -> Vec<Diagnostic> {
    let report = validate_dir(&fixture(name), None);
    let got: Vec<(String, String, Option<usize>)> = report
        .diagnostics
        .iter()
        .map(|d| {
            let file = d
                .file
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default();
            (d.code.clone(), file, d.line)
        })
        .collect();
    let want: Vec<(String, String, Option<usize>)> = expected
        .iter()
        .map(|(c, f, l)| (c.to_string(), f.to_string(), *l))
        .collect();
    assert_eq!(got, want, "{name}: {:#?}", report.diagnostics);
    for d in &report.diagnostics {
        assert!(!d.message.is_empty() && !d.action.is_empty(), "{d}");
    }
    report.diagnostics
}

macro_rules! fixture_test {
    ($name:ident, $( ($code:expr, $file:expr, $line:expr) ),+ ) => {
        #[test]
        fn $name() {
            check(stringify!($name), &[$( ($code, $file, $line) ),+]);
        }
    };
}

fixture_test!(
    missing_contracts_file,
    (codes::MISSING_FILE, "contracts.csv", None)
);
fixture_test!(
    facilities_file_is_a_folder,
    (codes::UNREADABLE_FILE, "facilities.csv", None)
);
fixture_test!(nul_byte, (codes::NUL_BYTE, "facilities.csv", Some(4)));
fixture_test!(
    number_too_large,
    (codes::NUMBER_TOO_LARGE, "service_lines.csv", Some(2)),
    (codes::NUMBER_TOO_LARGE, "service_lines.csv", Some(3))
);
fixture_test!(
    missing_column_lat,
    (codes::MISSING_COLUMN, "facilities.csv", Some(1))
);
fixture_test!(
    row_with_extra_field,
    (codes::FIELD_COUNT, "depots.csv", Some(3))
);
fixture_test!(
    duplicate_column_trade,
    (codes::DUPLICATE_COLUMN, "service_lines.csv", Some(1))
);
fixture_test!(
    invalid_encoding_bytes,
    (codes::ENCODING_REPLACED, "facilities.csv", None)
);
fixture_test!(empty_depots_file, (codes::EMPTY_FILE, "depots.csv", None));
fixture_test!(
    duplicate_facility_id,
    (codes::DUPLICATE_FACILITY_ID, "facilities.csv", Some(10))
);
fixture_test!(
    latitude_out_of_range,
    (codes::LAT_LON_RANGE, "facilities.csv", Some(6))
);
fixture_test!(
    facility_far_away,
    (codes::FACILITY_FAR_OUT, "facilities.csv", Some(8))
);
fixture_test!(
    unknown_operator,
    (codes::BAD_OPERATOR, "facilities.csv", Some(7))
);
fixture_test!(
    duplicate_line_id,
    (codes::DUPLICATE_LINE_ID, "service_lines.csv", Some(22))
);
fixture_test!(
    line_unknown_facility,
    (codes::UNKNOWN_FACILITY, "service_lines.csv", Some(11))
);
fixture_test!(
    line_unknown_contract,
    (codes::UNKNOWN_CONTRACT, "service_lines.csv", Some(19))
);
#[test]
fn line_unknown_trade() {
    let d = check(
        "line_unknown_trade",
        &[(codes::UNKNOWN_TRADE, "service_lines.csv", Some(17))],
    );
    assert!(
        d[0].action.starts_with("did you mean 'tree_pruning'?"),
        "{}",
        d[0]
    );
}
fixture_test!(
    pinned_line_without_contract,
    (
        codes::PINNED_WITHOUT_CONTRACT,
        "service_lines.csv",
        Some(16)
    )
);
fixture_test!(
    pinned_not_boolean,
    (codes::BAD_PINNED, "service_lines.csv", Some(16))
);
fixture_test!(
    line_without_contract,
    (codes::LINE_WITHOUT_CONTRACT, "service_lines.csv", Some(19))
);
fixture_test!(
    duplicate_contract_id,
    (codes::DUPLICATE_CONTRACT_ID, "contracts.csv", Some(15))
);
fixture_test!(malformed_date, (codes::BAD_DATE, "contracts.csv", Some(8)));
fixture_test!(
    contract_ends_before_start,
    (codes::END_BEFORE_START, "contracts.csv", Some(9))
);
fixture_test!(
    unknown_procurement,
    (codes::BAD_PROCUREMENT, "contracts.csv", Some(6))
);
fixture_test!(
    contract_without_lines,
    (codes::CONTRACT_WITHOUT_LINES, "contracts.csv", Some(15))
);
fixture_test!(
    contract_value_mismatch,
    (codes::CONTRACT_VALUE_MISMATCH, "contracts.csv", Some(7))
);
fixture_test!(
    payments_not_whole,
    (codes::BAD_PAYMENTS, "contracts.csv", Some(5))
);
fixture_test!(
    duplicate_depot_id,
    (codes::DUPLICATE_DEPOT_ID, "depots.csv", Some(3))
);
fixture_test!(
    depot_id_is_facility_id,
    (codes::DEPOT_ID_CLASH, "depots.csv", Some(3))
);
fixture_test!(
    travel_unknown_id,
    (codes::TRAVEL_UNKNOWN_ID, "travel.csv", Some(3))
);
fixture_test!(
    duplicate_travel_pair,
    (codes::DUPLICATE_TRAVEL_PAIR, "travel.csv", Some(3))
);
fixture_test!(
    empty_facility_name,
    (codes::EMPTY_VALUE, "facilities.csv", Some(5))
);
fixture_test!(
    hours_not_a_number,
    (codes::NOT_A_NUMBER, "service_lines.csv", Some(4))
);
fixture_test!(
    negative_visits,
    (codes::NEGATIVE_NUMBER, "service_lines.csv", Some(10))
);

#[test]
fn column_is_named_where_it_matters() {
    let d = check(
        "latitude_out_of_range",
        &[(codes::LAT_LON_RANGE, "facilities.csv", Some(6))],
    );
    assert_eq!(d[0].column.as_deref(), Some("lat"));
    let shown = d[0].to_string();
    assert!(shown.starts_with("error[E0102] "), "{shown}");
    assert!(shown.contains("facilities.csv:6:lat: "), "{shown}");
    assert!(shown.contains(" — fix: "), "{shown}");
}

#[test]
fn many_problems_are_all_reported_at_once() {
    // A dataset broken in several files reports each problem, not the first only.
    let tmp = tempfile::tempdir().unwrap();
    let src = fixture("line_unknown_trade");
    for f in [
        "facilities.csv",
        "service_lines.csv",
        "contracts.csv",
        "depots.csv",
    ] {
        std::fs::copy(src.join(f), tmp.path().join(f)).unwrap();
    }
    let c = tmp.path().join("contracts.csv");
    let text = std::fs::read_to_string(&c)
        .unwrap()
        .replace("2025-04-01,2026-03-31", "2025-04-01,2026-02-30");
    std::fs::write(&c, text).unwrap();
    let report = validate_dir(tmp.path(), None);
    let bad_dates = report
        .diagnostics
        .iter()
        .filter(|d| d.code == codes::BAD_DATE)
        .count();
    assert_eq!(bad_dates, 7, "{:#?}", report.diagnostics);
    assert!(report
        .diagnostics
        .iter()
        .any(|d| d.code == codes::UNKNOWN_TRADE));
}

#[test]
fn every_code_is_unique_and_documented() {
    let mut seen = std::collections::HashSet::new();
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/data-format.md"))
            .unwrap();
    for (code, _) in codes::ALL {
        assert!(seen.insert(*code), "duplicate code {code}");
        assert!(
            doc.contains(code),
            "docs/data-format.md does not list {code}"
        );
    }
}

#[test]
fn duplicate_trade_key_in_models_is_reported() {
    let report = validate_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/tiny"),
        Some(&fixture("models_duplicate_trade_key")),
    );
    let d: Vec<&Diagnostic> = report.diagnostics.iter().collect();
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0].code, codes::DUPLICATE_TRADE_KEY);
    assert!(d[0].line.is_some());
}

#[test]
fn bad_model_toml_is_reported_with_its_line() {
    let text = "[[trade]]\nkey = \"x\"\nname_ja = \"x\"\nname_en = \"x\"\ngroup = \"g\"\nqualification = \"q\"\nstaffing = \"sometimes\"\n";
    let err = matome::io::parse_trades(text, Path::new("trades.toml")).unwrap_err();
    assert_eq!(err[0].code, codes::MODEL_SYNTAX);
    assert_eq!(err[0].line, Some(7), "{}", err[0]);
}
