//! Replanning from an earlier plan (`matome plan --from`) on the tiny ward: nothing
//! changed gives the same plan; a locked bundle keeps exactly its facilities; a very
//! large change cost moves nothing, zero gives the fresh plan; new and closed
//! facilities are listed in changes.csv.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn tiny() -> PathBuf {
    repo().join("datasets/tiny")
}

fn scenario(dir: &Path, name: &str, extra_limits: &str, tail: &str) -> PathBuf {
    let text = fs::read_to_string(repo().join("models/scenarios/baseline.toml")).unwrap();
    let text = text.replace("[limits]\n", &format!("[limits]\n{extra_limits}"));
    let file = dir.join(format!("{name}.toml"));
    fs::write(&file, format!("{text}\n{tail}")).unwrap();
    file
}

fn plan(dataset: &Path, scenario: &Path, out: &Path, from: Option<&Path>) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_matome"));
    c.args(["plan", dataset.to_str().unwrap(), "--quiet", "--scenario"])
        .arg(scenario)
        .arg("--out")
        .arg(out);
    if let Some(f) = from {
        c.arg("--from").arg(f);
    }
    c.output().expect("matome runs")
}

/// bundle id → its facility ids (bundles.csv).
fn bundles(out: &Path) -> Vec<(String, String)> {
    let mut r = csv::Reader::from_path(out.join("bundles.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    let id = h
        .iter()
        .position(|x| x.trim_start_matches('\u{feff}') == "bundle_id")
        .unwrap();
    let f = h.iter().position(|x| x == "facility_ids").unwrap();
    r.records()
        .map(|x| {
            let x = x.unwrap();
            (x[id].to_string(), x[f].to_string())
        })
        .collect()
}

fn changes(out: &Path) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_path(out.join("changes.csv")).unwrap();
    r.records()
        .map(|x| x.unwrap().iter().map(str::to_string).collect())
        .collect()
}

fn ok(o: &Output) {
    assert!(
        o.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

/// The tiny ward with a new park F09 next to 用賀公園 (玉川) and F03 closed.
fn changed_tiny(dir: &Path) -> PathBuf {
    let d = dir.join("tiny2");
    fs::create_dir(&d).unwrap();
    for f in [
        "facilities.csv",
        "service_lines.csv",
        "contracts.csv",
        "depots.csv",
    ] {
        fs::copy(tiny().join(f), d.join(f)).unwrap();
    }
    let fac = fs::read_to_string(d.join("facilities.csv")).unwrap();
    let fac: String = fac
        .lines()
        .filter(|l| !l.starts_with("F03,"))
        .map(|l| format!("{l}\n"))
        .collect();
    fs::write(
        d.join("facilities.csv"),
        format!("{fac}F09,用賀西公園,block_park,玉川,用賀,35.626,139.629,,direct\n"),
    )
    .unwrap();
    let lines = fs::read_to_string(d.join("service_lines.csv")).unwrap();
    let lines: String = lines
        .lines()
        .filter(|l| !l.contains(",F03,"))
        .map(|l| format!("{l}\n"))
        .collect();
    fs::write(
        d.join("service_lines.csv"),
        format!("{lines}L21,F09,park_cleaning,50,2,400000,C14,false\n"),
    )
    .unwrap();
    let contracts = fs::read_to_string(d.join("contracts.csv")).unwrap();
    let contracts: String = contracts
        .lines()
        .filter(|l| !l.starts_with("C06,") && !l.starts_with("C07,"))
        .map(|l| format!("{l}\n"))
        .collect();
    fs::write(
        d.join("contracts.csv"),
        format!("{contracts}C14,株式会社玉川造園,400000,12,competitive,2025-04-01,2026-03-31\n"),
    )
    .unwrap();
    d
}

#[test]
fn a_replan_with_nothing_changed_is_identical_to_its_source() {
    let tmp = tempfile::tempdir().unwrap();
    let s = scenario(tmp.path(), "base", "", "");
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    ok(&plan(&tiny(), &s, &a, None));
    let o = plan(&tiny(), &s, &b, Some(&a));
    ok(&o);
    assert_eq!(bundles(&a), bundles(&b));
    assert!(changes(&b).is_empty());
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("realignment      0 of 8 facilities moved, 0 new, 0 closed"),
        "{stdout}"
    );
}

#[test]
fn new_and_closed_facilities_are_listed_and_a_locked_bundle_keeps_its_facilities() {
    let tmp = tempfile::tempdir().unwrap();
    let s = scenario(tmp.path(), "base", "", "");
    let a = tmp.path().join("a");
    ok(&plan(&tiny(), &s, &a, None));
    let before = bundles(&a);
    let b02 = before.iter().find(|b| b.0 == "B02").unwrap().1.clone();
    assert_eq!(b02, "F05;F06;F07");
    let d = changed_tiny(tmp.path());

    // Unlocked: the new park joins 玉川's bundle; F03 is reported closed.
    let free = tmp.path().join("free");
    ok(&plan(&d, &s, &free, Some(&a)));
    let c = changes(&free);
    assert!(
        c.contains(&vec![
            "F09".into(),
            "".into(),
            "B02".into(),
            "new facility".into()
        ]),
        "{c:?}"
    );
    assert!(
        c.contains(&vec![
            "F03".into(),
            "B01".into(),
            "".into(),
            "closed".into()
        ]),
        "{c:?}"
    );
    let summary = fs::read_to_string(free.join("summary.json")).unwrap();
    assert!(
        summary.contains("\"closed_facilities\": [\n      \"F03\""),
        "{summary}"
    );

    // Locked: B02 keeps exactly F05, F06, F07; F09 goes elsewhere.
    let s = scenario(tmp.path(), "lock", "", "[replan]\nlock = [\"B02\"]\n");
    let locked = tmp.path().join("locked");
    ok(&plan(&d, &s, &locked, Some(&a)));
    let after = bundles(&locked);
    assert_eq!(
        after.iter().find(|b| b.0 == "B02").unwrap().1,
        "F05;F06;F07",
        "{after:?}"
    );
    assert!(
        after.iter().any(|b| b.0 != "B02" && b.1.contains("F09")),
        "{after:?}"
    );
    let md = fs::read_to_string(locked.join("report.md")).unwrap();
    assert!(md.contains("| B02 | 3 | 0 | 0 | 固定 locked |"), "{md}");

    // A lock naming no earlier bundle is refused with the bundles there are.
    let s = scenario(tmp.path(), "bad", "", "[replan]\nlock = [\"B09\"]\n");
    let o = plan(&d, &s, &tmp.path().join("bad"), Some(&a));
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("bundle 'B09' is not in") && err.contains("B01, B02"),
        "{err}"
    );
}

#[test]
fn a_large_change_cost_moves_nothing_and_zero_gives_the_fresh_plan() {
    let tmp = tempfile::tempdir().unwrap();
    // The earlier plan: at most two facilities a bundle.
    let small = scenario(tmp.path(), "small", "", "");
    let text = fs::read_to_string(&small).unwrap();
    assert!(text.contains("max_facilities = 40"));
    fs::write(
        &small,
        text.replace("max_facilities = 40", "max_facilities = 2"),
    )
    .unwrap();
    let a = tmp.path().join("a");
    ok(&plan(&tiny(), &small, &a, None));
    let earlier = bundles(&a);
    assert!(earlier.len() >= 3, "{earlier:?}");

    // Now the baseline (up to 40 a bundle) continuing from it.
    let fresh_dir = tmp.path().join("fresh");
    let base = scenario(tmp.path(), "base", "", "");
    ok(&plan(&tiny(), &base, &fresh_dir, None));
    let zero = tmp.path().join("zero");
    ok(&plan(&tiny(), &base, &zero, Some(&a)));
    let facility_sets = |v: &[(String, String)]| {
        let mut s: Vec<String> = v.iter().map(|b| b.1.clone()).collect();
        s.sort();
        s
    };
    assert_eq!(
        facility_sets(&bundles(&zero)),
        facility_sets(&bundles(&fresh_dir))
    );
    assert!(
        !changes(&zero).is_empty(),
        "the fresh plan moves facilities"
    );

    let stay = scenario(tmp.path(), "stay", "", "[replan]\nchange_cost_jpy = 1e9\n");
    let kept = tmp.path().join("kept");
    let o = plan(&tiny(), &stay, &kept, Some(&a));
    ok(&o);
    assert_eq!(facility_sets(&bundles(&kept)), facility_sets(&earlier));
    assert!(changes(&kept).is_empty(), "{:?}", changes(&kept));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("a fresh plan would move"), "{stdout}");
    let summary: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(kept.join("summary.json")).unwrap()).unwrap();
    let r = &summary["realignment"];
    assert_eq!(r["facilities_moved"], 0);
    assert!(
        r["fresh_plan"]["facilities_moved"].as_u64().unwrap() > 0,
        "{r}"
    );
    assert!(
        r["objective_without_change_cost"].as_f64().unwrap()
            >= r["fresh_plan"]["objective_jpy_per_year"].as_f64().unwrap(),
        "{r}"
    );
}

#[test]
fn replan_keys_without_an_earlier_plan_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let s = scenario(tmp.path(), "lock", "", "[replan]\nlock = [\"B01\"]\n");
    let o = plan(&tiny(), &s, &tmp.path().join("x"), None);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("add --from PLAN_DIR"));
}
