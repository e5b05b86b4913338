//! `matome scenarios` end to end on the tiny dataset: a sweep with an infeasible
//! member completes with that row marked, and the comparison files parse.

use std::path::PathBuf;
use std::process::Command;

#[test]
fn sweep_with_an_infeasible_member_completes_and_compares() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sweep");
    let o = Command::new(env!("CARGO_BIN_EXE_matome"))
        .args([
            "scenarios",
            repo.join("datasets/tiny").to_str().unwrap(),
            repo.join("tests/fixtures/scenario_sweep_tiny.toml")
                .to_str()
                .unwrap(),
            "--models",
            repo.join("models").to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--quiet",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let all = format!(
        "{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(o.status.success(), "{all}");

    let bytes = std::fs::read(out.join("comparison.csv")).unwrap();
    assert!(bytes.starts_with("\u{FEFF}".as_bytes()));
    let mut r = csv::Reader::from_reader(&bytes[3..]);
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    let names: Vec<&str> = rows.iter().map(|r| r.get(0).unwrap()).collect();
    assert_eq!(
        names,
        [
            "status quo 現状",
            "baseline",
            "infeasible-value-cap",
            "grid-within_area=true",
            "grid-within_area=false"
        ]
    );
    assert_eq!(rows[0].get(1), Some("status quo"));
    // comparison.xlsx holds the same rows: scenario names and contract counts.
    {
        use calamine::{open_workbook, Data, Reader, Xlsx};
        let mut wb: Xlsx<_> = open_workbook(out.join("comparison.xlsx")).unwrap();
        assert_eq!(wb.sheet_names(), vec!["比較"]);
        let sheet = wb.worksheet_range("比較").unwrap();
        // A note row, a blank row, the header, then one row per scenario.
        for (i, r) in rows.iter().enumerate() {
            let at = (3 + i) as u32;
            assert_eq!(
                sheet.get_value((at, 0)),
                Some(&Data::String(r.get(0).unwrap().to_string()))
            );
            if let Some(c) = r.get(3).filter(|c| !c.is_empty()) {
                let want: f64 = c.parse().unwrap();
                assert_eq!(
                    sheet.get_value((at, 3)),
                    Some(&Data::Float(want)),
                    "row {i}"
                );
            }
        }
    }
    assert_eq!(rows[0].get(3), Some("13"), "today's contracts");
    assert_eq!(rows[2].get(1), Some("infeasible"));
    assert!(
        rows[2].get(14).unwrap().contains("limits.max_value_jpy"),
        "{:?}",
        rows[2]
    );
    for i in [1, 3, 4] {
        assert_eq!(rows[i].get(1), Some("ok"), "{:?}", rows[i]);
        assert!(out
            .join(rows[i].get(0).unwrap())
            .join("summary.json")
            .is_file());
    }
    assert!(!out.join("infeasible-value-cap").exists());
    // The baseline and its grid twin plan the same problem: same figures.
    assert_eq!(rows[1].get(3), rows[3].get(3));

    let html = std::fs::read_to_string(out.join("comparison.html")).unwrap();
    assert!(html.contains("<svg") && html.contains("<circle"));
    assert!(!html.to_lowercase().contains("http"));
    let md = std::fs::read_to_string(out.join("comparison.md")).unwrap();
    assert!(md.contains("| baseline |"));
}
