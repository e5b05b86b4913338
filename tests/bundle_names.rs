//! Bundles a person can name: each bundle is called by its area, its number in the
//! area and the districts of its facilities; `hub_kinds` says which kinds may be a
//! bundle's centre. On datasets/tiny and tests/fixtures/phase_tiny.

use matome::plan::{plan, Inputs, PlanError};
use matome::scenario::Scenario;
use matome::staff::StaffModel;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

fn run(dataset: &str, scenario: &str) -> Result<Vec<(String, String, String)>, String> {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let models = repo.join("models");
    let v = matome::validate::load_and_validate(&repo.join(dataset), Some(&models)).unwrap();
    let staff = StaffModel::load(Some(&models)).unwrap();
    let s = Scenario::parse(scenario, Path::new("t.toml"), "t").map_err(|e| e.to_string())?;
    let inputs = Inputs {
        dataset_name: "t",
        ward: &v.ward,
        staff: &staff,
    };
    let p = plan(inputs, &s, None).map_err(|e: PlanError| e.to_string())?;
    let w = &v.ward;
    for b in &p.bundles {
        // The name is `{area}-{k} {districts}`, every district one of its facilities'.
        let (head, districts) = b.name.split_once(' ').expect("area-k districts");
        let (area, k) = head.rsplit_once('-').expect("area-k");
        assert_eq!(area, b.area, "{}", b.name);
        assert!(k.parse::<usize>().is_ok_and(|k| k >= 1), "{}", b.name);
        let own: HashSet<&str> = b
            .facilities
            .iter()
            .map(|&f| w.facilities()[f].district.as_str())
            .collect();
        let named: Vec<&str> = districts.split('・').collect();
        assert_eq!(named.len(), own.len(), "{}: every district once", b.name);
        assert!(named.iter().all(|d| own.contains(d)), "{}", b.name);
    }
    let names: HashSet<&str> = p.bundles.iter().map(|b| b.name.as_str()).collect();
    assert_eq!(names.len(), p.bundles.len(), "names unique");
    Ok(p.bundles
        .iter()
        .map(|b| (b.id.clone(), b.name.clone(), b.hub_id.clone()))
        .collect())
}

#[test]
fn bundles_are_named_by_area_and_districts() {
    // tiny: 北沢 F01–F04 (代沢 ×2, 梅丘 ×2: ties in name order), 玉川 F05–F07 (用賀 ×2, 深沢).
    let got = run("datasets/tiny", "").unwrap();
    let names: Vec<&str> = got.iter().map(|g| g.1.as_str()).collect();
    assert_eq!(names, ["北沢-1 代沢・梅丘", "玉川-1 用賀・深沢"]);
    // Several bundles in one area count up: a ¥8M cap (two of phase_tiny's ¥4M
    // facilities) splits each area in two; 代沢 appears in two names, the number keeps
    // them apart.
    let got = run(
        "tests/fixtures/phase_tiny",
        "[limits]\nmax_value_jpy = 8_000_000\n",
    )
    .unwrap();
    let names: Vec<&str> = got.iter().map(|g| g.1.as_str()).collect();
    assert_eq!(
        names,
        [
            "北沢-1 代沢",
            "北沢-2 代沢・梅丘",
            "玉川-1 用賀",
            "玉川-2 深沢"
        ]
    );
}

#[test]
fn hub_kinds_choose_the_centre_and_an_area_without_that_kind_falls_back() {
    let got = run("datasets/tiny", "hub_kinds = [\"elementary_school\"]\n").unwrap();
    let hubs: Vec<&str> = got.iter().map(|g| g.2.as_str()).collect();
    assert_eq!(hubs, ["F01", "F05"], "the area's elementary schools");
    // 玉川 has no library: any of its facilities may be the centre there, and the plan
    // records where; 北沢's centre is its library F03.
    let got = run("datasets/tiny", "hub_kinds = [\"library\"]\n").unwrap();
    assert_eq!(got[0].2, "F03");
    assert!(
        ["F05", "F06", "F07"].contains(&got[1].2.as_str()),
        "{got:?}"
    );
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let models = repo.join("models");
    let v =
        matome::validate::load_and_validate(&repo.join("datasets/tiny"), Some(&models)).unwrap();
    let staff = StaffModel::load(Some(&models)).unwrap();
    let s = Scenario::parse("hub_kinds = [\"library\"]\n", Path::new("t.toml"), "t").unwrap();
    let inputs = Inputs {
        dataset_name: "t",
        ward: &v.ward,
        staff: &staff,
    };
    let p = plan(inputs, &s, None).unwrap();
    assert_eq!(p.built.hub_fallback, ["玉川 地域 area"]);
    let e = run("datasets/tiny", "hub_kinds = [\"\"]\n").unwrap_err();
    assert!(e.contains("`hub_kinds`"), "{e}");
}
