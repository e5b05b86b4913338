//! Bidders per bundle and the in-ward share, on tests/fixtures/vendors_tiny (the tiny
//! ward with a vendors.csv whose counts are worked out by hand below), and the
//! `limits.min_bidders` and `lots` rules.
//!
//! Baseline bundles: B01 北沢 (F01–F04, ¥22,660,000), B02 玉川 (F05–F07, ¥16,530,000),
//! each holding every trade of its facilities. No firm performs all of them, so only
//! the prime-capable firms can bid: V20 (up to ¥30M), V21 (¥18M), V22 (¥100M). B01:
//! V20, V22 → 2. B02: V20, V21, V22 → 3.
//! In-ward share: of ¥47,190,000 of lines, V11 (L15) and V13 (L03, L13) are outside
//! the ward: ¥1,800,000 → before 96.19 %. After, without the subcontracting rule, only
//! in-ward lines left as is stay: F08's (designated manager, V12) ¥7,400,000 → 15.68 %.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn dataset() -> PathBuf {
    repo().join("tests/fixtures/vendors_tiny")
}

fn plan(dataset: &Path, scenario: &str, out: &Path) -> Output {
    let file = out.with_extension("toml");
    let baseline = fs::read_to_string(repo().join("models/scenarios/baseline.toml")).unwrap();
    fs::write(&file, format!("{baseline}\n{scenario}")).unwrap();
    Command::new(env!("CARGO_BIN_EXE_matome"))
        .args(["plan", dataset.to_str().unwrap(), "--scenario"])
        .arg(&file)
        .arg("--out")
        .arg(out)
        .output()
        .expect("matome runs")
}

/// bundles.csv rows as (bundle_id, bidders, bidder_ids, lots).
fn bidders(out: &Path) -> Vec<(String, usize, String, String)> {
    let mut r = csv::Reader::from_path(out.join("bundles.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    let col = |n: &str| {
        h.iter()
            .position(|x| x.trim_start_matches('\u{feff}') == n)
            .unwrap()
    };
    let (id, n, ids, lots) = (
        col("bundle_id"),
        col("bidders"),
        col("bidder_ids"),
        col("lots"),
    );
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            (
                rec[id].to_string(),
                rec[n].parse().unwrap(),
                rec[ids].to_string(),
                rec[lots].to_string(),
            )
        })
        .collect()
}

fn summary(out: &Path) -> serde_json::Value {
    serde_json::from_str(&fs::read_to_string(out.join("summary.json")).unwrap()).unwrap()
}

#[test]
fn bidders_and_the_in_ward_share_are_counted_as_by_hand() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("base");
    let o = plan(&dataset(), "", &out);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let b = bidders(&out);
    assert_eq!(b.len(), 2, "{b:?}");
    assert_eq!((b[0].1, b[0].2.as_str()), (2, "V20;V22"));
    assert_eq!((b[1].1, b[1].2.as_str()), (3, "V20;V21;V22"));
    let s = summary(&out);
    let m = &s["bidders"];
    assert_eq!(m["fewest_of_any_bundle"], 2);
    assert_eq!(m["firms_derived_from_contracts"], false);
    assert!(
        (m["in_ward_share_before"].as_f64().unwrap() - 0.9619).abs() < 1e-4,
        "{m}"
    );
    assert!(
        (m["in_ward_share_after"].as_f64().unwrap() - 0.1568).abs() < 1e-4,
        "{m}"
    );
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains(
            "fewest 2 for a bundle (vendors.csv, 16 firms); in-ward firms' share 96.2 % → 15.7 %"
        ),
        "{stdout}"
    );
    let md = fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("## 入札参加可能業者 Bidders"), "{md}");
    assert!(
        md.contains(
            "| B01 | all: 2 | 2 | 東京ファシリティーズ株式会社, 関東ビルマネジメント株式会社 |"
        ),
        "{md}"
    );
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("入札参加可能業者 Bidders"));

    // The subcontracting rule keeps the in-ward firms' bundled work in the ward.
    let out = tmp.path().join("kept");
    let o = plan(&dataset(), "[vendors]\nsubcontract_in_ward = true\n", &out);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let m = &summary(&out)["bidders"];
    assert_eq!(m["in_ward_share_after"], m["in_ward_share_before"]);
}

#[test]
fn min_bidders_changes_the_plan_where_it_must_and_holds_in_the_output() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("three");
    let o = plan(&dataset(), "", &out);
    assert!(o.status.success());
    let before = bidders(&out);
    // Three bidders: a lot may be worth at most the third largest grade among the
    // firms able to take it (V21's ¥18M), so 北沢's ¥22.66M must split.
    let file = min_bidders_file(tmp.path(), "min_bidders = 3\n", "");
    let out = tmp.path().join("min3");
    let o = run(&file, &out);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let after = bidders(&out);
    assert!(after.len() > before.len(), "{before:?} → {after:?}");
    assert!(after.iter().all(|b| b.1 >= 3), "{after:?}");
    let mut r = csv::Reader::from_path(out.join("bundles.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    let v = h.iter().position(|x| x == "value_jpy").unwrap();
    for rec in r.records() {
        assert!(rec.unwrap()[v].parse::<i64>().unwrap() <= 18_000_000);
    }
}

fn min_bidders_file(dir: &Path, limits: &str, top: &str) -> PathBuf {
    let text = fs::read_to_string(repo().join("models/scenarios/baseline.toml")).unwrap();
    let text = text.replace("[limits]\n", &format!("{top}[limits]\n{limits}"));
    let file = dir.join("s.toml");
    fs::write(&file, text).unwrap();
    file
}

fn run(file: &Path, out: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_matome"))
        .args(["plan", dataset().to_str().unwrap(), "--scenario"])
        .arg(file)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

#[test]
fn an_impossible_min_bidders_is_explained_before_solving() {
    let tmp = tempfile::tempdir().unwrap();
    let file = min_bidders_file(tmp.path(), "min_bidders = 4\n", "");
    let out = tmp.path().join("four");
    let o = run(&file, &out);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("limits.min_bidders = 4"), "{err}");
    assert!(
        err.contains("custodial") && err.contains("fire_equipment"),
        "names the trades: {err}"
    );
    assert!(
        err.contains("have 3:") && err.contains("せたがや総合管理株式会社 (up to ¥18,000,000)"),
        "names the firms: {err}"
    );
    assert!(!out.exists());

    // Lots by trade group: the building-systems lot (fire, HVAC, lifts) is the one no
    // four firms can take.
    let file = min_bidders_file(tmp.path(), "min_bidders = 4\n", "lots = \"by_trade\"\n");
    let o = run(&file, &out);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("a lot of trade group building_systems"),
        "{err}"
    );
}

#[test]
fn lots_by_trade_group_count_bidders_per_lot() {
    let tmp = tempfile::tempdir().unwrap();
    let file = min_bidders_file(tmp.path(), "min_bidders = 3\n", "lots = \"by_trade\"\n");
    let out = tmp.path().join("lots");
    let o = run(&file, &out);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for (id, fewest, _, lots) in bidders(&out) {
        assert!(
            lots.contains("cleaning:") && lots.contains("building_systems:"),
            "{id}: {lots}"
        );
        assert!(fewest >= 3, "{id}: {lots}");
        let min = lots
            .split(';')
            .map(|l| l.rsplit(':').next().unwrap().parse::<usize>().unwrap())
            .min()
            .unwrap();
        assert_eq!(min, fewest, "{id}: {lots}");
    }
}

#[test]
fn without_vendors_the_firms_are_derived_and_said_to_be() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("derived");
    let o = plan(&repo().join("datasets/tiny"), "", &out);
    assert!(o.status.success());
    let m = &summary(&out)["bidders"];
    assert_eq!(m["firms_derived_from_contracts"], true);
    assert!(m["in_ward_share_before"].is_null());
    let md = fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("derived from contracts.csv"), "{md}");
}

#[test]
fn vendors_csv_is_validated_with_codes_at_lines() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("ds");
    fs::create_dir(&d).unwrap();
    for f in ["facilities.csv", "service_lines.csv", "contracts.csv"] {
        fs::copy(dataset().join(f), d.join(f)).unwrap();
    }
    let mut v = fs::read_to_string(dataset().join("vendors.csv")).unwrap();
    v = v.replace(
        "V03,株式会社用賀ビルサービス,true,,,custodial,",
        "V03,株式会社用賀ビルサービス,true,,,custodail,",
    );
    v = v.replace(
        "V05,株式会社玉川昇降機サービス,true,",
        "V05,株式会社玉川昇降機サービス,たぶん,",
    );
    v = v.replace("V07,", "V06,");
    v = v.replace("V13,株式会社城南設備,", "V13,株式会社城南設備工業,");
    fs::write(d.join("vendors.csv"), v).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_matome"))
        .args(["validate", d.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("error[E0802]")
            && out.contains("vendors.csv:4:trades")
            && out.contains("did you mean 'custodial'"),
        "{out}"
    );
    assert!(
        out.contains("error[E0804]") && out.contains("vendors.csv:6:in_ward"),
        "{out}"
    );
    assert!(
        out.contains("error[E0801]") && out.contains("vendors.csv:8:vendor_id"),
        "{out}"
    );
    assert!(
        out.contains("warning[W0803]") && out.contains("contracts.csv:14:vendor"),
        "{out}"
    );
}
