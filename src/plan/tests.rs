//! Accounts on a hand-made solution of the in-memory ward (no solver needed): every
//! figure below is computed by hand from `models/staff_time.toml`.

// Scenarios here are the defaults with one or two keys changed, as a reader would
// write them in a file.
#![allow(clippy::field_reassign_with_default)]

use super::*;
use crate::solve::Solution;
use crate::ward::tests::{catalogue, dataset, ward};
use crate::ward::Site;

fn approx(a: f64, b: f64) {
    assert!((a - b).abs() < 1e-6, "{a} != {b}");
}

fn staff() -> StaffModel {
    StaffModel::parse(crate::staff::EMBEDDED, "embedded").unwrap()
}

/// The accounts of the default scenario's plan with F1 and F2 together from F1's hub
/// and F3 alone, and the problem built.
fn hand_made_plan(w: &Ward, staff: &StaffModel) -> (Accounts, Built) {
    let s = Scenario::default();
    let inputs = Inputs {
        dataset_name: "ward",
        ward: w,
        staff,
    };
    let built = problem::build(w, &s, staff).unwrap();
    let bundles = problem::bundles(
        &built,
        &Solution {
            assign: vec![0, 0, 2],
        },
        w,
        &s,
        staff,
    );
    (accounts(inputs, &s, &built, &bundles), built)
}

#[test]
fn accounts_of_a_hand_made_plan() {
    let w = ward();
    let s = Scenario::default();
    let (a, _) = hand_made_plan(&w, &staff());
    assert_eq!(
        (
            a.contracts_before,
            a.bundles,
            a.contracts_left,
            a.contracts_after
        ),
        (6, 2, 2, 4)
    );
    assert_eq!(
        (a.lines_bundled, a.lines_pinned, a.lines_excluded),
        (5, 1, 1)
    );
    // One-year competitive contracts: 8 + 20 + 2 + 4 + 2 = 36 h, plus 0.75 h a payment.
    // C1, C3, C5, C6 pay monthly (45 h), C2 twice (37.5 h), C4 once (36.75 h).
    approx(a.staff_hours_before, 4.0 * 45.0 + 37.5 + 36.75);
    // A bundle: (80 + 60) / 3 + 40 + 12 × 4 + 12 × 1 = 146.667 h, plus 1.5 h a facility
    // and 3 h a trade; C3 (pinned elevator) and C6 (designated manager) stay.
    let fixed = 140.0 / 3.0 + 100.0;
    let after = (fixed + 3.0 + 6.0) + (fixed + 1.5 + 6.0) + 90.0;
    approx(a.staff_hours_after, after);
    approx(a.staff_hours_freed, 254.25 - after);
    approx(a.fte_freed, (254.25 - after) / 1850.0);
    approx(
        a.freed_if_contracts_25_lower,
        0.75 * 254.25 - (after - 90.0 + 0.75 * 90.0),
    );
    assert_eq!(
        a.by_area
            .iter()
            .map(|x| x.area.as_str())
            .collect::<Vec<_>>(),
        ["North", "South"]
    );
    approx(a.by_area[0].before, 45.0 + 37.5 + 45.0);
    approx(a.by_area[0].after, fixed + 9.0 + 45.0);
    approx(a.by_area[1].after, fixed + 7.5 + 45.0);
    // Travel, one rule on both sides: every visit a round trip from its base. Today
    // no vendor has a location, so each visited line (L2, L3 fire 2 + 2 visits, L4 lift
    // 12, L5 pruning 1; daily cleaning is stationed) is 2 × 5 km (costs.vendor_base_km)
    // a visit: 17 × 10 = 170 km. After: the bundle F1+F2 from hub F1 (F2's 2 fire
    // visits), F3 from itself (0), and the pinned lift L4 still from its vendor (120).
    let km = w
        .travel(s.costs.detour_factor)
        .km(Site::Facility(1), Site::Facility(0));
    approx(a.travel_km_before, 170.0);
    approx(a.travel_km_after, 4.0 * km + 120.0);
    approx(a.route_km_total, 2.0 * km);
}

#[test]
fn findings_name_facilities_lines_and_keys() {
    let w = ward();
    let built = problem::build(&w, &Scenario::default(), &staff()).unwrap();
    let diag = crate::solve::Diagnosis {
        findings: vec![
            crate::solve::Finding::UnitTooHeavy {
                unit: 0,
                dim: 1,
                load: 2_100_000.0,
                largest_capacity: 1_000_000.0,
            },
            crate::solve::Finding::NoAllowedHub { unit: 2 },
        ],
    };
    let m = explain(&built, &w, &diag);
    assert!(
        m[0].contains("F1 F1 school") && m[0].contains("L1, L2"),
        "{}",
        m[0]
    );
    assert!(
        m[0].contains("¥2,100,000") && m[0].contains("limits.max_value_jpy"),
        "{}",
        m[0]
    );
    assert!(
        m[1].contains("F3") && m[1].contains("max_distance_km"),
        "{}",
        m[1]
    );
}

#[test]
fn a_line_without_a_contract_is_bundled_and_adds_nothing_before() {
    // L5 is the only line of C4; without its contract it is work not let today.
    let mut d = dataset();
    d.lines[4].contract_id.clear();
    let w = Ward::resolve(d, catalogue()).unwrap();
    let staff = staff();
    let (a, built) = hand_made_plan(&w, &staff);
    assert_eq!(built.fates[4], problem::LineFate::Unit(2));
    assert_eq!((a.contracts_before, a.contracts_after), (5, 4));
    approx(a.staff_hours_before, 254.25 - 36.75);
    let inputs = Inputs {
        dataset_name: "ward",
        ward: &w,
        staff: &staff,
    };
    let today = sweep::status_quo(inputs, &Scenario::default());
    assert_eq!(today.figures.unwrap().contracts, 5);
}

#[test]
fn travel_today_starts_at_the_vendors_base_where_vendors_csv_locates_it() {
    // Every contract's vendor is "v"; locate it at F1. Then L2 (F1) is 0 km away, L3
    // (F2) and L4 (F2) the great circle × detour from F1 to F2, L5 (F3) from F1 to F3.
    let mut ds = dataset();
    ds.vendors.push(crate::model::Vendor {
        id: "V1".into(),
        name: "v".into(),
        in_ward: true,
        lat: Some(35.650),
        lon: Some(139.650),
        trades: vec![],
        prime_capable: false,
        max_annual_value: None,
    });
    let w = Ward::resolve(ds, catalogue()).unwrap();
    let staff = staff();
    let (a, _) = hand_made_plan(&w, &staff);
    let s = Scenario::default();
    let gc = |i: usize| {
        let (f, g) = (&w.facilities()[0], &w.facilities()[i]);
        crate::geo::great_circle_km(f.lat, f.lon, g.lat, g.lon) * s.costs.detour_factor
    };
    approx(a.travel_km_before, (2.0 + 12.0) * 2.0 * gc(1) + 2.0 * gc(2));
    // After: the pinned lift L4 is still served from the vendor at F1.
    let hub = w
        .travel(s.costs.detour_factor)
        .km(Site::Facility(1), Site::Facility(0));
    approx(a.travel_km_after, 4.0 * hub + 24.0 * gc(1));
}
