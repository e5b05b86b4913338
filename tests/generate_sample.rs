//! `matome generate`: same seed → identical bytes; the committed sample is exactly the
//! seed-1 output and passes validation with the figures issue 2 asks for.

use matome::validate::{load_and_validate, validate_dir, Summary};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const FILES: [&str; 5] = [
    "facilities.csv",
    "service_lines.csv",
    "contracts.csv",
    "depots.csv",
    "vendors.csv",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn generate(out: &Path, seed: &str, force: bool) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_matome"));
    cmd.args([
        "generate",
        "--preset",
        "setagaya",
        "--seed",
        seed,
        "--out",
        out.to_str().unwrap(),
    ]);
    if force {
        cmd.arg("--force");
    }
    cmd.output().unwrap()
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        tmp.path().join("a"),
        tmp.path().join("b"),
        tmp.path().join("c"),
    );
    assert!(generate(&a, "7", false).status.success());
    assert!(generate(&b, "7", false).status.success());
    assert!(generate(&c, "8", false).status.success());
    for f in FILES {
        assert_eq!(
            fs::read(a.join(f)).unwrap(),
            fs::read(b.join(f)).unwrap(),
            "{f}"
        );
    }
    assert_ne!(
        fs::read(a.join("facilities.csv")).unwrap(),
        fs::read(c.join("facilities.csv")).unwrap()
    );
    // No temporary folders are left beside the output.
    let names: Vec<String> = fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
}

#[test]
fn committed_sample_is_the_seed_1_output() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("s");
    assert!(generate(&out, "1", false).status.success());
    for f in FILES {
        let fresh = fs::read(out.join(f)).unwrap();
        let committed = fs::read(root().join("datasets/setagaya-sample").join(f)).unwrap();
        assert!(
            fresh == committed,
            "datasets/setagaya-sample/{f} differs from `matome generate --seed 1`; regenerate it"
        );
    }
}

#[test]
fn refuses_a_non_empty_folder_without_force() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("keep.txt"), "mine").unwrap();
    let out = generate(tmp.path(), "1", false);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        fs::read_to_string(tmp.path().join("keep.txt")).unwrap(),
        "mine"
    );
    assert!(!tmp.path().join("facilities.csv").exists());
    let forced = generate(tmp.path(), "1", true);
    assert!(forced.status.success());
    assert!(tmp.path().join("facilities.csv").exists());
    assert!(!tmp.path().join("keep.txt").exists());
}

#[test]
fn sample_passes_validation_with_the_required_figures() {
    let sample = root().join("datasets/setagaya-sample");
    let v = load_and_validate(&sample, None).expect("sample is valid");
    assert!(v.warnings.is_empty(), "{:#?}", v.warnings);
    let s = Summary::of(&validate_dir(&sample, None).outcome.dataset);
    assert!(s.facilities >= 800, "{} facilities", s.facilities);
    assert_eq!(s.areas, 5);
    assert_eq!(s.districts, 28);
    assert!(s.lines >= 3000, "{} lines", s.lines);
    assert_eq!(s.facilities_by_kind["elementary_school"], 61);
    assert_eq!(s.facilities_by_kind["junior_high_school"], 29);
    assert_eq!(s.facilities_by_kind["library"], 16);
    assert_eq!(s.facilities_by_kind["district_centre"], 28);
    assert_eq!(s.facilities_by_kind["branch_office"], 5);
    assert!(s.lines_pinned > 0);
    assert!(s.multi_facility_contracts > 0);
    let dm_share = s.designated_manager_facilities as f64 / s.facilities as f64;
    assert!(
        (0.05..=0.2).contains(&dm_share),
        "designated-manager share {dm_share}"
    );
    // Every facility lies inside the ward's bounding box.
    for f in v.ward.facilities() {
        assert!(
            (35.590..=35.683).contains(&f.lat) && (139.582..=139.687).contains(&f.lon),
            "{f:?}"
        );
    }
    // Contract ends spread over 2025–2028.
    let years: std::collections::BTreeSet<i32> =
        v.ward.contracts().iter().map(|c| c.end.year).collect();
    assert_eq!(
        years.into_iter().collect::<Vec<_>>(),
        vec![2025, 2026, 2027, 2028]
    );
}

#[test]
fn unknown_preset_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_matome"))
        .args([
            "generate",
            "--preset",
            "atlantis",
            "--out",
            tmp.path().join("x").to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown preset 'atlantis'"));
    assert!(!tmp.path().join("x").exists());
}
