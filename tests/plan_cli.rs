//! `matome plan` end to end on the committed tiny dataset: outputs parse, the report
//! is self-contained, runs repeat byte for byte, bad scenarios and output folders are
//! refused with the right exit codes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn tiny() -> PathBuf {
    repo().join("datasets/tiny")
}

fn matome(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_matome"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run matome")
}

fn plan_into(out: &Path, extra: &[&str]) -> Output {
    plan_dataset(&tiny(), out, extra)
}

/// `matome plan DATASET --models models --out OUT --quiet EXTRA…`, run beside OUT.
fn plan_dataset(dataset: &Path, out: &Path, extra: &[&str]) -> Output {
    let models = repo().join("models");
    let mut args = vec![
        "plan",
        dataset.to_str().unwrap(),
        "--models",
        models.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ];
    args.extend_from_slice(extra);
    matome(&args, out.parent().unwrap())
}

fn text(o: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn read_csv(path: &Path) -> (Vec<String>, Vec<csv::StringRecord>) {
    let bytes = std::fs::read(path).unwrap();
    assert!(
        bytes.starts_with("\u{FEFF}".as_bytes()),
        "{} lacks the BOM",
        path.display()
    );
    let mut r = csv::Reader::from_reader(&bytes[3..]);
    let header = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r.records().map(|x| x.unwrap()).collect();
    (header, rows)
}

#[test]
fn every_output_parses_and_the_report_is_self_contained() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = plan_into(&out, &[]);
    assert!(o.status.success(), "{}", text(&o));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("contracts") && stdout.contains("freed"),
        "{stdout}"
    );

    let (h, bundles) = read_csv(&out.join("bundles.csv"));
    assert_eq!(h[0], "bundle_id");
    assert!(!bundles.is_empty());
    let (h, lines) = read_csv(&out.join("assignments.csv"));
    assert_eq!(h[0], "line_id");
    // Every service line exactly once.
    let (_, dataset_lines) = {
        let bytes = std::fs::read(tiny().join("service_lines.csv")).unwrap();
        let body = bytes
            .strip_prefix("\u{FEFF}".as_bytes())
            .unwrap_or(&bytes)
            .to_vec();
        let mut r = csv::Reader::from_reader(body.as_slice());
        let h: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
        (h, r.records().count())
    };
    assert_eq!(lines.len(), dataset_lines);
    let bundle_ids: Vec<&str> = bundles.iter().map(|r| r.get(0).unwrap()).collect();
    for l in &lines {
        let new = l.get(7).unwrap();
        assert!(
            bundle_ids.contains(&new) || new == "pinned" || new == "excluded",
            "{l:?}"
        );
    }

    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(
        summary["contracts"]["bundles"].as_u64().unwrap() as usize,
        bundles.len()
    );
    assert_eq!(summary["solver"]["checked"], true);
    assert!(
        summary["scenario"]["limits"].is_object(),
        "scenario echoed in full"
    );

    let geo: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("bundles.geojson")).unwrap()).unwrap();
    assert_eq!(geo["type"], "FeatureCollection");
    let feats = geo["features"].as_array().unwrap();
    let n_bundle_feats = feats
        .iter()
        .filter(|f| f["properties"]["layer"] == "bundle")
        .count();
    assert_eq!(n_bundle_feats, bundles.len());
    for f in feats {
        let g = &f["geometry"];
        if g["type"] == "Polygon" {
            let ring = g["coordinates"][0].as_array().unwrap();
            assert!(ring.len() >= 4 && ring.first() == ring.last());
        }
    }

    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<svg"));
    assert!(
        !html.to_lowercase().contains("http"),
        "report.html must not reference the network"
    );
    assert!(html.contains("Contracts") && html.contains("契約数"));
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.starts_with("# "));
}

#[test]
fn same_seed_gives_identical_files_apart_from_timings() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    for out in [&a, &b] {
        let o = plan_into(out, &["--seed", "7"]);
        assert!(o.status.success(), "{}", text(&o));
    }
    for name in [
        "bundles.csv",
        "assignments.csv",
        "bundles.geojson",
        "report.html",
        "report.md",
    ] {
        assert_eq!(
            std::fs::read(a.join(name)).unwrap(),
            std::fs::read(b.join(name)).unwrap(),
            "{name} differs"
        );
    }
    let strip = |p: &Path| {
        let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap();
        v.as_object_mut()
            .unwrap()
            .remove("timing")
            .expect("timings live under `timing`");
        v
    };
    assert_eq!(
        strip(&a.join("summary.json")),
        strip(&b.join("summary.json"))
    );
}

#[test]
fn writing_into_the_dataset_folder_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("tiny");
    std::fs::create_dir(&copy).unwrap();
    for e in std::fs::read_dir(tiny()).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), copy.join(e.file_name())).unwrap();
    }
    let before: Vec<_> = std::fs::read_dir(&copy)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    let models = repo().join("models");
    let o = matome(
        &[
            "plan",
            copy.to_str().unwrap(),
            "--models",
            models.to_str().unwrap(),
            "--out",
            copy.join("out").to_str().unwrap(),
            "--quiet",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("refusing to write into the dataset folder"),
        "{}",
        text(&o)
    );
    let after: Vec<_> = std::fs::read_dir(&copy)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(before, after, "nothing written into the dataset");
}

#[test]
fn an_infeasible_scenario_names_the_facility_and_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let scenario = repo().join("tests/fixtures/plan_infeasible_value_cap.toml");
    let o = plan_into(&out, &["--scenario", scenario.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("infeasible"), "{err}");
    assert!(err.contains("limits.max_value_jpy"), "{err}");
    // F01, F02 and F05 cost ¥8.48M each, F03 ¥4.9M (datasets/tiny).
    for blocked in [
        "F01 代沢小学校",
        "F02 梅丘中学校",
        "F05 用賀小学校",
        "L01, L02, L03",
    ] {
        assert!(err.contains(blocked), "{blocked} not named: {err}");
    }
    assert!(!err.contains("F03 梅丘図書館"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(!out.exists(), "nothing written");
}

#[test]
fn an_unknown_scenario_key_is_named_with_its_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let scenario = repo().join("tests/fixtures/plan_unknown_key.toml");
    let o = plan_into(&out, &["--scenario", scenario.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("max_labor_hours") && err.contains("plan_unknown_key.toml"),
        "{err}"
    );
    assert!(!out.exists());
}

fn plan_fixture(fixture: &str, out: &Path) -> Output {
    plan_dataset(&repo().join("tests/fixtures").join(fixture), out, &[])
}

#[test]
fn an_invalid_dataset_exits_1_and_names_every_problem() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = plan_fixture("line_unknown_facility", &out);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("error[E0202]") && err.contains("nothing was planned"),
        "{err}"
    );
    assert!(!out.exists(), "nothing written");
}

#[test]
fn a_line_without_a_contract_is_bundled_as_work_not_let_today() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = plan_fixture("line_without_contract", &out);
    assert!(o.status.success(), "{}", text(&o));
    let (_, lines) = read_csv(&out.join("assignments.csv"));
    let l18 = lines.iter().find(|r| r.get(0) == Some("L18")).unwrap();
    assert_eq!(l18.get(6), Some(""), "no old contract: {l18:?}");
    assert!(l18.get(7).unwrap().starts_with('B'), "bundled: {l18:?}");
}

#[test]
fn a_formula_looking_name_is_written_as_text() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir(&data).unwrap();
    for f in [
        "facilities.csv",
        "service_lines.csv",
        "contracts.csv",
        "depots.csv",
    ] {
        let text = std::fs::read_to_string(tiny().join(f)).unwrap();
        // F01's name becomes a live-link formula; the CSV quotes it because of the commas.
        let text = text.replace(
            "代沢小学校",
            "\"=HYPERLINK(\"\"http://example.com\"\",\"\"x\"\")\"",
        );
        std::fs::write(data.join(f), text).unwrap();
    }
    let out = tmp.path().join("out");
    let o = plan_dataset(&data, &out, &[]);
    assert!(o.status.success(), "{}", text(&o));
    let (head, rows) = read_csv(&out.join("assignments.csv"));
    let col = head.iter().position(|h| h == "facility_name").unwrap();
    let names: Vec<&str> = rows.iter().map(|r| &r[col]).collect();
    assert!(
        names.contains(&"'=HYPERLINK(\"http://example.com\",\"x\")"),
        "{names:?}"
    );
    assert!(names.iter().all(|n| !n.starts_with('=')), "{names:?}");
}

#[test]
fn plan_xlsx_holds_every_sheet_and_each_bundle_adds_up_to_bundles_csv() {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let o = plan_into(&out, &[]);
    assert!(o.status.success(), "{}", text(&o));
    let (head, rows) = read_csv(&out.join("bundles.csv"));
    let id = head.iter().position(|h| h == "bundle_id").unwrap();
    let value = head.iter().position(|h| h == "value_jpy").unwrap();
    let mut wb: Xlsx<_> = open_workbook(out.join("plan.xlsx")).unwrap();
    let names = wb.sheet_names();
    let mut want = vec![
        "概要".to_string(),
        "包括契約".into(),
        "入札".into(),
        "割当".into(),
    ];
    want.extend(rows.iter().map(|r| format!("業務一覧 {}", &r[id])));
    want.push("前提".into());
    assert_eq!(names, want);
    for r in &rows {
        let sheet = wb.worksheet_range(&format!("業務一覧 {}", &r[id])).unwrap();
        // The last row is the total; its last cell the bundle's annual value.
        let (h, w) = sheet.get_size();
        let total = sheet.get_value(((h - 1) as u32, (w - 1) as u32));
        let expect: f64 = r[value].parse().unwrap();
        assert_eq!(total, Some(&Data::Float(expect)), "bundle {}", &r[id]);
        assert_eq!(
            sheet.get_value(((h - 1) as u32, 0)),
            Some(&Data::String("合計 Total".into()))
        );
    }
    // The assignments sheet has every service line once.
    let (_, lines) = read_csv(&out.join("assignments.csv"));
    let a = wb.worksheet_range("割当").unwrap();
    assert_eq!(a.get_size().0, lines.len() + 1);
}

/// LibreOffice (Debian's libreoffice-calc, which `.ci/run` installs) opens plan.xlsx and
/// prints it to PDF without error; skipped with a message where it is not installed.
#[test]
fn libreoffice_opens_plan_xlsx() {
    let Some(office) = ["libreoffice", "soffice"].into_iter().find(|c| {
        Command::new(c)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    }) else {
        eprintln!("skipped: libreoffice is not installed (apt-get install libreoffice-calc)");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let o = plan_into(&out, &[]);
    assert!(o.status.success(), "{}", text(&o));
    let pdf_dir = tmp.path().join("pdf");
    // A profile of its own, so a running office or another test does not interfere.
    let profile = format!(
        "-env:UserInstallation=file://{}",
        tmp.path().join("lo").display()
    );
    let mut child = Command::new(office)
        .args([
            profile.as_str(),
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            pdf_dir.to_str().unwrap(),
            out.join("plan.xlsx").to_str().unwrap(),
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run libreoffice");
    // Never let a stuck office hang the suite: two minutes, then fail.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("libreoffice did not finish converting plan.xlsx within 120 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let pdf = std::fs::read(pdf_dir.join("plan.pdf")).unwrap_or_default();
    assert!(pdf.starts_with(b"%PDF"), "no PDF: {}", text(&o));
    assert!(pdf.len() > 10_000, "PDF of {} bytes", pdf.len());
}
