//! `matome plan --export-model`: the compact MIP written through good_lp and HiGHS is
//! the problem matome solves. On tiny, HiGHS's optimum of the file is never below the
//! bound matome reports and equals matome's (proven optimal) objective, and matome's
//! plan, fixed column by column, is a feasible point of the file with that objective.

use matome::solve::export::solve_file;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn plan(out: &Path, model: &Path, scenario: Option<&Path>) -> Output {
    let tiny = repo().join("datasets/tiny");
    let models = repo().join("models");
    let mut args = vec![
        "plan",
        s(&tiny),
        "--models",
        s(&models),
        "--out",
        s(out),
        "--quiet",
        "--export-model",
        s(model),
    ];
    if let Some(sc) = scenario {
        args.extend(["--scenario", s(sc)]);
    }
    Command::new(env!("CARGO_BIN_EXE_matome"))
        .args(&args)
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn summary(out: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap()
}

fn rows(path: &Path) -> Vec<csv::StringRecord> {
    let t = std::fs::read_to_string(path).unwrap();
    let mut r = csv::Reader::from_reader(t.trim_start_matches('\u{FEFF}').as_bytes());
    r.records().map(|x| x.unwrap()).collect()
}

/// The index of column `name` in the header of `path`.
fn column(path: &Path, name: &str) -> usize {
    let t = std::fs::read_to_string(path).unwrap();
    let mut r = csv::Reader::from_reader(t.trim_start_matches('\u{FEFF}').as_bytes());
    r.headers().unwrap().iter().position(|h| h == name).unwrap()
}

/// matome's plan as column values of the exported model (baseline: a unit is a
/// facility, a hub a facility): y_hub = 1 for each bundle, x_facility_hub = 1 for
/// each bundled facility.
fn plan_point(out: &Path) -> Vec<(String, f64)> {
    let bundles = out.join("bundles.csv");
    let (id, hub) = (column(&bundles, "bundle_id"), column(&bundles, "hub_id"));
    let hub_of: std::collections::HashMap<String, String> = rows(&bundles)
        .iter()
        .map(|r| (r[id].to_string(), r[hub].to_string()))
        .collect();
    let mut point: Vec<(String, f64)> = hub_of.values().map(|h| (format!("y_{h}"), 1.0)).collect();
    let assignments = out.join("assignments.csv");
    let (fac, new) = (
        column(&assignments, "facility_id"),
        column(&assignments, "new_contract"),
    );
    for r in rows(&assignments) {
        if let Some(hub) = hub_of.get(&r[new]) {
            let x = (format!("x_{}_{hub}", &r[fac]), 1.0);
            if !point.contains(&x) {
                point.push(x);
            }
        }
    }
    point
}

#[test]
fn the_exported_model_agrees_with_the_plan_and_its_bound() {
    let dir = tempfile::tempdir().unwrap();
    for ext in ["mps", "lp"] {
        let out = dir.path().join(format!("plan-{ext}"));
        let model = dir.path().join(format!("tiny.{ext}"));
        let o = plan(&out, &model, None);
        assert!(o.status.success(), "{}", text(&o));
        assert!(text(&o).contains("wrote model"), "{}", text(&o));
        let sum = summary(&out);
        let objective = sum["solver"]["objective_jpy_per_year"].as_f64().unwrap();
        let bound = sum["solver"]["lower_bound_jpy_per_year"].as_f64().unwrap();
        assert_eq!(
            sum["solver"]["status"], "optimal",
            "tiny is solved to optimality"
        );

        let free = solve_file(&model, 60.0, None).unwrap();
        assert_eq!(free.status, "optimal", "{free:?}");
        assert!(
            free.objective >= bound - 1.0,
            "{free:?} below matome's bound {bound}"
        );
        assert!(
            (free.objective - objective).abs() <= 1.0,
            "{free:?} vs matome {objective}"
        );

        let point = plan_point(&out);
        let fixed = solve_file(&model, 60.0, Some(&point)).unwrap();
        assert_eq!(
            fixed.status, "optimal",
            "matome's plan is feasible: {fixed:?} {point:?}"
        );
        assert!(
            (fixed.objective - objective).abs() <= 1.0,
            "{fixed:?} vs {objective}"
        );

        // The same check refuses a point that breaks a row: a bundle's hub closed.
        let mut broken = point.clone();
        let y = broken
            .iter()
            .position(|(n, _)| n.starts_with("y_"))
            .unwrap();
        broken[y].1 = 0.0;
        let bad = solve_file(&model, 60.0, Some(&broken)).unwrap();
        assert_eq!(bad.status, "infeasible", "{bad:?}");
    }
}

#[test]
fn trade_group_units_export_and_agree() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plan");
    let model = dir.path().join("by-group.mps");
    let sc = repo().join("models/scenarios/by-trade-group.toml");
    let o = plan(&out, &model, Some(&sc));
    assert!(o.status.success(), "{}", text(&o));
    let text_model = std::fs::read_to_string(&model).unwrap();
    assert!(
        text_model.contains("x_F01.cleaning_F01.s0"),
        "unit and hub names carry the group"
    );
    let sum = summary(&out);
    let objective = sum["solver"]["objective_jpy_per_year"].as_f64().unwrap();
    let bound = sum["solver"]["lower_bound_jpy_per_year"].as_f64().unwrap();
    let free = solve_file(&model, 60.0, None).unwrap();
    assert_eq!(free.status, "optimal", "{free:?}");
    assert!(free.objective >= bound - 1.0, "{free:?} below {bound}");
    assert!(
        free.objective <= objective + 1.0,
        "{free:?} above matome's plan {objective}"
    );
}

#[test]
fn a_model_file_of_another_kind_is_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plan");
    let model = dir.path().join("model.txt");
    let o = plan(&out, &model, None);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains(".mps or .lp"), "{}", text(&o));
    assert!(!out.exists() && !model.exists());
    // A model inside the dataset is refused like an output folder there.
    let inside = repo().join("datasets/tiny/model.mps");
    let o = plan(&out, &inside, None);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(!inside.exists());
}
