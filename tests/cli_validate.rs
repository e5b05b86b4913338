//! Runs the real `matome validate` binary: exit codes 0/1/2 and readable output.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn matome(args: &[&str]) -> Output {
    // Run from a temporary folder so ./models of the checkout is not picked up by
    // accident: the embedded catalogue must suffice.
    let cwd = tempfile::tempdir().unwrap();
    Command::new(env!("CARGO_BIN_EXE_matome"))
        .args(args)
        .current_dir(cwd.path())
        .output()
        .unwrap()
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn tiny_is_valid_and_summarised() {
    let out = matome(&["validate", path(&root().join("datasets/tiny"))]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout
            .contains("facilities      8 in 2 areas and 4 districts; 1 under designated managers"),
        "{stdout}"
    );
    assert!(stdout.contains("service lines   20; 1 pinned"), "{stdout}");
    assert!(
        stdout.contains(
            "contracts       13 (4 spanning several facilities); total annual value 47,190,000 yen"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("北沢 4, 玉川 4"), "{stdout}");
    assert!(stdout.contains("valid: 0 errors, 0 warning(s)"), "{stdout}");
}

#[test]
fn broken_fixture_exits_1_with_code_and_location() {
    let out = matome(&[
        "validate",
        path(&root().join("tests/fixtures/latitude_out_of_range")),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("error[E0102]"), "{stdout}");
    assert!(stdout.contains("facilities.csv:6:lat"), "{stdout}");
    assert!(
        stdout.contains("invalid: 1 error(s), 0 warning(s)"),
        "{stdout}"
    );
}

#[test]
fn warnings_alone_exit_0() {
    let out = matome(&[
        "validate",
        path(&root().join("tests/fixtures/contract_without_lines")),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("warning[W0305]"), "{stdout}");
}

#[test]
fn missing_folder_is_a_usage_error() {
    let out = matome(&["validate", "/definitely/not/here"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not exist"));
}

#[test]
fn missing_argument_is_a_usage_error() {
    assert_eq!(matome(&["validate"]).status.code(), Some(2));
    let models = matome(&[
        "validate",
        path(&root().join("datasets/tiny")),
        "--models",
        "/no/such/models",
    ]);
    assert_eq!(models.status.code(), Some(2));
}

#[test]
fn models_option_reads_that_catalogue() {
    let out = matome(&[
        "validate",
        path(&root().join("datasets/tiny")),
        "--models",
        path(&root().join("tests/fixtures/models_duplicate_trade_key")),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("error[E0602]"), "{stdout}");
}

#[test]
fn help_documents_exit_codes() {
    let out = matome(&["validate", "--help"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0));
    for needle in [
        "Exit codes:",
        "0  the dataset is valid",
        "1  the dataset is invalid",
        "2  usage error",
    ] {
        assert!(stdout.contains(needle), "{stdout}");
    }
}
