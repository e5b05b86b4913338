//! `matome check` on plans of the tiny dataset: an untouched plan holds under every
//! scenario shape (facility units, trade-group units, depot hubs), and each way of
//! tampering with a plan's files is named with its kind, file, line and numbers.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn matome(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_matome"))
        .args(args)
        .current_dir(repo())
        .output()
        .expect("run matome")
}

fn text(o: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Plans tiny under `scenario` (the baseline when None) into `out`.
fn plan(out: &Path, scenario: Option<&Path>) {
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
    ];
    if let Some(sc) = scenario {
        args.extend(["--scenario", s(sc)]);
    }
    let o = matome(&args);
    assert!(o.status.success(), "{}", text(&o));
}

fn check(plan_dir: &Path, extra: &[&str]) -> Output {
    let tiny = repo().join("datasets/tiny");
    let models = repo().join("models");
    let mut args = vec!["check", s(&tiny), s(plan_dir), "--models", s(&models)];
    args.extend_from_slice(extra);
    matome(&args)
}

/// A fresh baseline plan of tiny in a temporary folder.
fn baseline() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plan");
    plan(&out, None);
    (dir, out)
}

/// Replaces `from` by `to` in a plan file, once; the test fails if `from` is absent.
fn tamper(plan_dir: &Path, file: &str, from: &str, to: &str) {
    let p = plan_dir.join(file);
    let t = std::fs::read_to_string(&p).unwrap();
    assert!(t.contains(from), "{file} lacks {from:?}:\n{t}");
    std::fs::write(&p, t.replacen(from, to, 1)).unwrap();
}

/// Runs check on a tampered plan: exit 1, and every `want` appears in stderr.
fn fails_with(plan_dir: &Path, extra: &[&str], want: &[&str]) -> String {
    let o = check(plan_dir, extra);
    let all = text(&o);
    assert_eq!(o.status.code(), Some(1), "{all}");
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    for w in want {
        assert!(err.contains(w), "missing {w:?} in:\n{all}");
    }
    assert!(
        err.contains("violation(s): the plan does not hold"),
        "{all}"
    );
    err
}

fn write_scenario(dir: &Path, name: &str, body: &str) -> PathBuf {
    let p = dir.join(format!("{name}.toml"));
    std::fs::write(&p, body).unwrap();
    p
}

#[test]
fn untouched_plans_hold_under_every_scenario_shape() {
    let dir = tempfile::tempdir().unwrap();
    let depots = write_scenario(
        dir.path(),
        "depots",
        "hubs = \"depots\"\nwithin_area = true\n[limits]\nmax_distance_km = 8.0\n",
    );
    let by_group = repo().join("models/scenarios/by-trade-group.toml");
    let min_value = write_scenario(
        dir.path(),
        "min-value",
        "within_area = false\n[limits]\nmin_value_jpy = 1000000\nmax_facilities = 4\n[bundles]\nmin = 2\n",
    );
    for (name, sc) in [
        ("baseline", None),
        ("by-trade-group", Some(by_group.as_path())),
        ("depots", Some(depots.as_path())),
        ("min-value", Some(min_value.as_path())),
    ] {
        let out = dir.path().join(format!("plan-{name}"));
        plan(&out, sc);
        let o = check(&out, &[]);
        assert!(o.status.success(), "{name}: {}", text(&o));
        let stdout = String::from_utf8_lossy(&o.stdout);
        assert!(stdout.contains("the plan holds"), "{name}: {stdout}");
        assert!(stdout.contains("20 service lines"), "{name}: {stdout}");
    }
}

#[test]
fn a_missing_or_repeated_or_unknown_line_is_named() {
    let (_d, out) = baseline();
    tamper(
        &out,
        "assignments.csv",
        "L03,F01,代沢小学校,北沢,hvac,600000,C13,B01,\n",
        "",
    );
    let err = fails_with(
        &out,
        &[],
        &[
            "[line_missing]",
            "service line L03 (facility F01, hvac) is missing",
        ],
    );
    // The plan's figures no longer add up either: bundles.csv and the objective.
    assert!(
        err.contains("[bundle_row_differs]") && err.contains("lines says 10, its lines give 9"),
        "{err}"
    );

    let (_d, out) = baseline();
    let file = out.join("assignments.csv");
    let t = std::fs::read_to_string(&file).unwrap();
    let row = t
        .lines()
        .find(|l| l.starts_with("L05,"))
        .unwrap()
        .to_string();
    std::fs::write(
        &file,
        format!("{t}{row}\nL99,F01,代沢小学校,北沢,hvac,1,C13,B01,\n"),
    )
    .unwrap();
    fails_with(
        &out,
        &[],
        &[
            "[line_twice] assignments.csv:22",
            "service line L05 appears twice (also on line 6)",
            "[line_unknown] assignments.csv:23",
            "\"L99\" is not in the dataset",
        ],
    );
}

#[test]
fn pinned_and_excluded_lines_must_stay_and_bundleable_ones_must_not() {
    let (_d, out) = baseline();
    tamper(&out, "assignments.csv", ",C11,pinned,pinned", ",C11,B02,");
    tamper(
        &out,
        "assignments.csv",
        "L19,F08,深沢体育館,玉川,cleaning_daily,7200000,C12,excluded,designated_manager",
        "L19,F08,深沢体育館,玉川,cleaning_daily,7200000,C12,B02,",
    );
    tamper(
        &out,
        "assignments.csv",
        "L13,F05,用賀小学校,玉川,hvac,600000,C13,B02,",
        "L13,F05,用賀小学校,玉川,hvac,600000,C13,pinned,pinned",
    );
    fails_with(
        &out,
        &[],
        &[
            "[pinned_moved] assignments.csv:16",
            "pinned service line L15 is put in \"B02\"; a pinned line keeps its contract C11",
            "[excluded_moved] assignments.csv:20",
            "excluded by the scenario (designated_manager)",
            "[not_bundled] assignments.csv:14",
            "service line L13 is neither pinned nor excluded",
        ],
    );
}

#[test]
fn a_unit_split_or_moved_across_areas_is_named() {
    let (_d, out) = baseline();
    // F01's hvac line alone to the other area's bundle.
    tamper(
        &out,
        "assignments.csv",
        "L03,F01,代沢小学校,北沢,hvac,600000,C13,B01,",
        "L03,F01,代沢小学校,北沢,hvac,600000,C13,B02,",
    );
    fails_with(
        &out,
        &[],
        &[
            "[unit_split] assignments.csv:4",
            "facility F01's lines are split across B01, B02",
            "[area_crossed] bundles.csv:3",
            "bundle B02 spans the areas",
            "[limit_distance] bundles.csv:3",
            "facility F01 is",
            "above limits.max_distance_km = 6.00",
            "[objective_differs] summary.json",
        ],
    );
}

#[test]
fn every_bundle_limit_is_checked_with_its_numbers() {
    let (d, out) = baseline();
    // B01: 5,244 h, ¥22,660,000, 4 facilities; B02: 3,890 h, ¥16,530,000, 3 facilities.
    let tight = write_scenario(
        d.path(),
        "tight",
        "[limits]\nmax_labour_hours = 5000.0\nmax_value_jpy = 20000000\nmin_value_jpy = 17000000\nmax_facilities = 3\nmax_distance_km = 0.5\n[bundles]\ncount = 3\n",
    );
    fails_with(
        &out,
        &["--scenario", s(&tight)],
        &[
            "[limit_labour_hours] bundles.csv:2: ",
            "bundle B01 carries 5244.0 labour hours a year, above limits.max_labour_hours = 5000.0",
            "[limit_value] bundles.csv:2",
            "bundle B01 is worth 22660000 yen a year, above limits.max_value_jpy = 20000000",
            "[limit_min_value] bundles.csv:3",
            "bundle B02 is worth 16530000 yen a year, below limits.min_value_jpy = 17000000",
            "[limit_facilities] bundles.csv:2",
            "bundle B01 covers 4 facilities (units), above limits.max_facilities = 3",
            "[limit_distance] bundles.csv:2",
            "above limits.max_distance_km = 0.50",
            "[bundle_count] bundles.csv",
            "the plan has 2 bundles; the scenario requires bundles.count = 3",
        ],
    );
    let apart = write_scenario(
        d.path(),
        "apart",
        "[trade_groups]\ntogether = [[\"cleaning\"], [\"building_systems\"], [\"greenery\"]]\n",
    );
    fails_with(
        &out,
        &["--scenario", s(&apart)],
        &[
            "[groups_mixed] bundles.csv:2",
            "bundle B01 mixes trade groups",
        ],
    );
}

#[test]
fn a_moved_hub_and_tampered_bundle_figures_are_named() {
    let (_d, out) = baseline();
    tamper(
        &out,
        "bundles.csv",
        "B01,北沢-1 代沢・梅丘,F01,F01 代沢小学校",
        "B01,北沢-1 代沢・梅丘,F05,F05 用賀小学校",
    );
    tamper(&out, "bundles.csv", "5244.0,22660000", "5000.0,22000000");
    fails_with(
        &out,
        &[],
        &[
            "[hub_outside] bundles.csv:2",
            "its hub F05 is not one of its own facilities",
            "[bundle_row_differs] bundles.csv:2",
            "labour_hours says 5000.0, its lines give 5244.0",
            "value_jpy says 22000000, its lines give 22660000",
            "travel_km_year says 120.8",
        ],
    );
}

#[test]
fn tampered_summary_figures_are_named() {
    let (_d, out) = baseline();
    tamper(
        &out,
        "summary.json",
        "\"objective_jpy_per_year\": 1799530.0",
        "\"objective_jpy_per_year\": 1700000.0",
    );
    tamper(
        &out,
        "summary.json",
        "\"lower_bound_jpy_per_year\": 1799530.0",
        "\"lower_bound_jpy_per_year\": 1900000.0",
    );
    tamper(&out, "summary.json", "\"after\": 389.4", "\"after\": 300.0");
    tamper(&out, "summary.json", "\"bundled\": 17", "\"bundled\": 18");
    fails_with(
        &out,
        &[],
        &[
            "[objective_differs] summary.json",
            "solver.objective_jpy_per_year says ¥1700000, the plan's files give ¥1799530",
            "[bound_above_objective]",
            "solver.lower_bound_jpy_per_year ¥1900000 is above the plan's objective ¥1799530",
            "[staff_hours_differ]",
            "staff_hours.after says 300",
            "[count_differs]",
            "lines.bundled says 18, the plan's files give 17",
        ],
    );
    let (_d, out) = baseline();
    let t = std::fs::read_to_string(out.join("summary.json")).unwrap();
    let after = t.split("\"travel_km_per_year\"").nth(1).unwrap();
    let value = after
        .split("\"after\": ")
        .nth(1)
        .unwrap()
        .split([',', '\n'])
        .next()
        .unwrap()
        .to_string();
    tamper(
        &out,
        "summary.json",
        &format!("\"after\": {value}"),
        "\"after\": 1.0",
    );
    fails_with(
        &out,
        &[],
        &[
            "[travel_differs]",
            "travel_km_per_year.after says 1, the plan's files give",
        ],
    );
}

#[test]
fn missing_and_unreadable_plan_files_are_named() {
    let (_d, out) = baseline();
    let scenario = repo().join("models/scenarios/baseline.toml");
    std::fs::remove_file(out.join("summary.json")).unwrap();
    // Without summary.json there is no echoed scenario: a usage error unless one is given.
    let o = check(&out, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("summary.json"), "{}", text(&o));
    std::fs::remove_file(out.join("bundles.csv")).unwrap();
    std::fs::create_dir(out.join("bundles.csv")).unwrap();
    fails_with(
        &out,
        &["--scenario", s(&scenario)],
        &[
            "[file_missing] summary.json",
            "[file_unreadable] bundles.csv",
            "not a regular file",
        ],
    );
    let o = check(&out.join("nowhere"), &[]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("plan folder"), "{}", text(&o));
}

#[test]
fn a_non_number_in_bundles_csv_is_named_with_its_column() {
    let (_d, out) = baseline();
    tamper(&out, "bundles.csv", "5244.0,22660000", "NaN,22660000");
    fails_with(
        &out,
        &[],
        &[
            "[bad_number] bundles.csv:2",
            "column labour_hours: \"NaN\" is not a finite number",
        ],
    );
}

/// `[phase] end_year_mixing_jpy` is part of the plan's objective; check prices it
/// too (it once recomputed the objective without it and refused a sound plan), and
/// still names an objective tampered with.
#[test]
fn a_plan_with_end_year_mixing_holds_and_its_objective_is_priced() {
    let dir = tempfile::tempdir().unwrap();
    let ds = repo().join("tests/fixtures/phase_tiny");
    let sc = write_scenario(
        dir.path(),
        "mix",
        "name = \"mix\"\n[phase]\nfirst_year = 2025\nlast_year = 2028\nend_year_mixing_jpy = 200000\n",
    );
    let out = dir.path().join("plan");
    let o = matome(&[
        "plan",
        s(&ds),
        "--scenario",
        s(&sc),
        "--out",
        s(&out),
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let checked = |extra: &[&str]| {
        let mut args = vec!["check", s(&ds), s(&out), "--scenario", s(&sc)];
        args.extend_from_slice(extra);
        matome(&args)
    };
    let summary = std::fs::read_to_string(out.join("summary.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&summary).unwrap();
    let obj = v["solver"]["objective_jpy_per_year"].as_f64().unwrap();
    let o = checked(&[]);
    assert!(o.status.success(), "{}", text(&o));
    // The mixing is in it: without the key the same bundles cost less.
    let plain = write_scenario(
        dir.path(),
        "plain",
        "name = \"mix\"\n[phase]\nfirst_year = 2025\nlast_year = 2028\n",
    );
    let o = matome(&["check", s(&ds), s(&out), "--scenario", s(&plain)]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("objective_differs"), "{}", text(&o));
    tamper(
        &out,
        "summary.json",
        &format!("\"objective_jpy_per_year\": {obj}"),
        &format!("\"objective_jpy_per_year\": {}", obj + 1000.0),
    );
    let o = checked(&[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
}
