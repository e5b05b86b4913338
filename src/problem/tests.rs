//! The problem builder on the in-memory test ward (`ward::tests`).

// Scenarios here are the defaults with one or two keys changed, as a reader would
// write them in a file.
#![allow(clippy::field_reassign_with_default)]

use super::*;
use crate::scenario::UnitKind;
use crate::ward::tests::ward;

fn staff() -> StaffModel {
    StaffModel::parse(crate::staff::EMBEDDED, "embedded").unwrap()
}

#[test]
fn facility_units_skip_pinned_and_designated_manager_lines() {
    let d = ward();
    let b = build(&d, &Scenario::default(), &staff()).unwrap();
    // F1 {L1, L2}, F2 {L3}, F3 {L5, L6}; L4 pinned, L7 at a designated-manager facility.
    let lines: Vec<Vec<usize>> = b.units.iter().map(|u| u.lines.clone()).collect();
    assert_eq!(lines, vec![vec![0, 1], vec![2], vec![4, 5]]);
    assert_eq!(b.fates[3], LineFate::Pinned);
    assert_eq!(b.fates[6], LineFate::Excluded(Exclusion::DesignatedManager));
    assert_eq!(b.units[0].hours, 960.0 + 6.0);
    assert_eq!(b.units[0].value, 2_100_000);
    // Daily cleaning is stationed: only the two fire inspections travel.
    assert_eq!(b.units[0].visits, 2.0);
    assert_eq!(b.hubs.len(), 3);
    assert_eq!(b.problem.hubs[2].own_unit, Some(2));
}

#[test]
fn within_area_forbids_cross_area_hubs_and_costs_follow_distance() {
    let d = ward();
    let s = Scenario::default();
    let st = staff();
    let b = build(&d, &s, &st).unwrap();
    // Unit F3 (South) may only use its own hub.
    assert_eq!(b.problem.cost(2, 0), None);
    let km = d
        .travel(s.costs.detour_factor)
        .km(Site::Facility(1), Site::Facility(0));
    let gc = crate::geo::great_circle_km(35.660, 139.65, 35.650, 139.65);
    assert!((km - gc * s.costs.detour_factor).abs() < 1e-9);
    let admin =
        (st.bundle.per_facility.value + st.bundle.per_trade.value) * s.costs.yen_per_staff_hour;
    let want = 2.0 * 2.0 * km * s.costs.yen_per_km + admin;
    assert!((b.problem.cost(1, 0).unwrap() - want).abs() < 1e-6);
    let mut s2 = s.clone();
    s2.within_area = false;
    let b2 = build(&d, &s2, &st).unwrap();
    assert!(b2.problem.cost(2, 0).is_some());
    s2.limits.max_distance_km = Some(1.0);
    let b3 = build(&d, &s2, &st).unwrap();
    assert_eq!(b3.problem.cost(2, 0), None, "F3 is over 2 km from F1");
}

#[test]
fn separate_trade_groups_split_a_facility_and_its_hubs() {
    let d = ward();
    let mut s = Scenario::default();
    s.trade_groups.together = vec![vec!["cleaning".into()], vec!["building_systems".into()]];
    let b = build(&d, &s, &staff()).unwrap();
    assert_eq!(b.group_sets.len(), 3, "greenery forms its own set");
    // F1 splits into cleaning {L1} and building_systems {L2}; F3 into {L6} cleaning and {L5} greenery.
    let lines: Vec<Vec<usize>> = b.units.iter().map(|u| u.lines.clone()).collect();
    assert_eq!(lines, vec![vec![0], vec![1], vec![2], vec![5], vec![4]]);
    for (u, unit) in b.units.iter().enumerate() {
        for h in 0..b.hubs.len() {
            if b.problem.cost(u, h).is_some() {
                assert_eq!(b.hubs[h].group_set, unit.group_set);
            }
        }
    }
    assert_eq!(b.units[0].facility_share, 0.5);
}

#[test]
fn trade_group_units_and_unknown_groups() {
    let d = ward();
    let mut s = Scenario::default();
    s.unit = UnitKind::FacilityTradeGroup;
    let b = build(&d, &s, &staff()).unwrap();
    assert_eq!(b.units.len(), 5);
    assert_eq!(
        b.hubs.len(),
        3,
        "one hub per facility when every group shares"
    );
    assert_eq!(b.units[1].group.as_deref(), Some("building_systems"));
    s.trade_groups.together = vec![vec!["gardening".into()]];
    let e = build(&d, &s, &staff()).unwrap_err();
    assert!(e.to_string().contains("gardening"));
}

#[test]
fn limits_become_capacities() {
    let d = ward();
    let mut s = Scenario::default();
    s.limits.max_labour_hours = Some(1500.0);
    s.limits.max_value_jpy = Some(5_000_000);
    s.limits.min_value_jpy = Some(1_000);
    s.limits.max_facilities = Some(2);
    let b = build(&d, &s, &staff()).unwrap();
    assert_eq!(b.problem.hubs[0].capacity, vec![1500.0, 5_000_000.0, 2.0]);
    assert_eq!(b.problem.hubs[0].min_load, vec![0.0, 1_000.0, 0.0]);
    assert!(b.problem.hub_serves_own_unit);
}

#[test]
fn excluding_everything_is_an_error() {
    let d = ward();
    let mut s = Scenario::default();
    s.exclude.kinds = vec!["school".into()];
    assert!(matches!(
        build(&d, &s, &staff()),
        Err(BuildError::NothingToBundle)
    ));
}

#[test]
fn bundles_read_back_loads_and_travel() {
    let d = ward();
    let s = Scenario::default();
    let st = staff();
    let b = build(&d, &s, &st).unwrap();
    let sol = crate::solve::Solution {
        assign: vec![0, 0, 2],
    };
    let bs = bundles(&b, &sol, &d, &s, &st);
    assert_eq!(bs.len(), 2);
    assert_eq!(bs[0].id, "B01");
    assert_eq!(bs[0].area, "North");
    assert_eq!(bs[0].facilities, vec![0, 1]);
    assert_eq!(
        bs[0].trades,
        vec!["cleaning_daily".to_string(), "fire_equipment".to_string()]
    );
    let km = d
        .travel(s.costs.detour_factor)
        .km(Site::Facility(1), Site::Facility(0));
    assert!((bs[0].travel_km_year - 2.0 * 2.0 * km).abs() < 1e-9);
    assert!((bs[0].route_km - 2.0 * km).abs() < 1e-9);
    assert!((bs[0].admin_hours - st.bundle_hours(2, 2)).abs() < 1e-9);
    assert_eq!(
        bs[1].route_km, 0.0,
        "a bundle of its hub alone has no round"
    );
}

#[test]
fn bundle_count_rules_map_to_the_engines_hub_count() {
    let rule = |count, min, max| BundleCount { count, min, max };
    assert_eq!(hub_count(&rule(None, None, None)), HubCount::Free);
    assert_eq!(hub_count(&rule(Some(5), None, None)), HubCount::Exact(5));
    assert_eq!(
        hub_count(&rule(None, Some(2), Some(7))),
        HubCount::Range(2, 7)
    );
    assert_eq!(hub_count(&rule(None, None, Some(7))), HubCount::Range(1, 7));
    assert_eq!(
        hub_count(&rule(None, Some(2), None)),
        HubCount::Range(2, usize::MAX)
    );
}
