//! The in-memory test ward (shared with the tests of `problem` and `plan`), its
//! resolution, and the travel model.

use super::*;
use crate::model::{
    Contract, Date, Facility, Operator, Procurement, ServiceLine, Staffing, TravelEntry,
};
use crate::units::Km;

pub(crate) fn catalogue() -> TradeCatalogue {
    let t = |key: &str, group: &str, staffing: Staffing| Trade {
        key: key.into(),
        name_ja: key.into(),
        name_en: key.into(),
        group: group.into(),
        qualification: String::new(),
        staffing,
    };
    TradeCatalogue {
        trades: vec![
            t("cleaning_daily", "cleaning", Staffing::Stationed),
            t("fire_equipment", "building_systems", Staffing::Visit),
            t("elevator", "building_systems", Staffing::Visit),
            t("tree_pruning", "greenery", Staffing::Visit),
        ],
    }
}

/// The in-memory ward, resolved.
pub(crate) fn ward() -> Ward {
    Ward::resolve(dataset(), catalogue()).expect("the test ward's keys resolve")
}

/// Four facilities in two areas, about 1-2 km apart; F4 is run by a designated manager.
pub(crate) fn dataset() -> Dataset {
    let fac = |id: &str, area: &str, lat: f64, lon: f64, op: Operator| Facility {
        id: id.into(),
        name: format!("{id} school"),
        kind: "school".into(),
        area: area.into(),
        district: "d".into(),
        lat,
        lon,
        floor_area_m2: None,
        operator: op,
    };
    let line = |id: &str,
                f: &str,
                trade: &str,
                visits: f64,
                hours: f64,
                cost: i64,
                c: &str,
                pinned: bool| ServiceLine {
        id: id.into(),
        facility_id: f.into(),
        trade: trade.into(),
        visits_per_year: visits,
        hours_per_visit: Hours(hours),
        annual_cost: Yen(cost),
        contract_id: c.into(),
        pinned,
    };
    let contract = |id: &str, payments: u32| Contract {
        id: id.into(),
        vendor: "v".into(),
        annual_value: Yen(0),
        payments_per_year: payments,
        procurement: Procurement::Competitive,
        start: Date {
            year: 2024,
            month: 4,
            day: 1,
        },
        end: Date {
            year: 2025,
            month: 3,
            day: 31,
        },
    };
    Dataset {
        facilities: vec![
            fac("F1", "North", 35.650, 139.650, Operator::Direct),
            fac("F2", "North", 35.660, 139.650, Operator::Direct),
            fac("F3", "South", 35.630, 139.650, Operator::Direct),
            fac("F4", "South", 35.620, 139.650, Operator::DesignatedManager),
        ],
        lines: vec![
            line(
                "L1",
                "F1",
                "cleaning_daily",
                240.0,
                4.0,
                2_000_000,
                "C1",
                false,
            ),
            line("L2", "F1", "fire_equipment", 2.0, 3.0, 100_000, "C2", false),
            line("L3", "F2", "fire_equipment", 2.0, 3.0, 100_000, "C2", false),
            line("L4", "F2", "elevator", 12.0, 1.0, 600_000, "C3", true),
            line("L5", "F3", "tree_pruning", 1.0, 16.0, 300_000, "C4", false),
            line(
                "L6",
                "F3",
                "cleaning_daily",
                240.0,
                4.0,
                2_000_000,
                "C5",
                false,
            ),
            line(
                "L7",
                "F4",
                "cleaning_daily",
                240.0,
                4.0,
                2_000_000,
                "C6",
                false,
            ),
        ],
        contracts: vec![
            contract("C1", 12),
            contract("C2", 2),
            contract("C3", 12),
            contract("C4", 1),
            contract("C5", 12),
            contract("C6", 12),
        ],
        depots: vec![],
        vendors: vec![],
        travel: Default::default(),
    }
}

#[test]
fn keys_become_indices_and_contracts_know_their_lines() {
    let w = Ward::resolve(dataset(), catalogue()).unwrap();
    let l = &w.lines()[1];
    assert_eq!((l.id.as_str(), l.facility, l.contract), ("L2", 0, Some(1)));
    assert_eq!(w.trade_of(l).key, "fire_equipment");
    assert!(w.is_visited(l));
    assert!(!w.is_visited(&w.lines()[0]), "daily cleaning is stationed");
    assert_eq!(w.contract_lines(1), [1, 2]);
    assert_eq!(w.areas(), ["North", "South"]);
    assert_eq!(w.area_of(2), 1);
}

#[test]
fn dangling_keys_are_refused() {
    let mut d = dataset();
    d.lines[0].contract_id = "C99".into();
    let e = Ward::resolve(d, catalogue()).unwrap_err();
    assert!(e.to_string().contains("C99"), "{e}");
    let mut d = dataset();
    d.lines[0].facility_id = "F9".into();
    assert!(matches!(
        Ward::resolve(d, catalogue()),
        Err(ResolveError::UnknownFacility { .. })
    ));
    let mut d = dataset();
    d.lines[0].contract_id.clear();
    let w = Ward::resolve(d, catalogue()).unwrap();
    assert_eq!(
        w.lines()[0].contract,
        None,
        "no contract: work not let today"
    );
}

#[test]
fn travel_matrix_wins_over_great_circle_either_direction() {
    let mut d = dataset();
    d.travel.insert(
        ("F1".into(), "F2".into()),
        TravelEntry {
            km: Km(7.0),
            minutes: 12.0,
        },
    );
    let w = Ward::resolve(d, catalogue()).unwrap();
    let t = w.travel(1.3);
    let (f1, f2, f3) = (Site::Facility(0), Site::Facility(1), Site::Facility(2));
    assert_eq!(t.km(f1, f2), 7.0);
    assert_eq!(t.km(f2, f1), 7.0);
    assert_eq!(t.km(f3, f3), 0.0);
    let gc = crate::geo::great_circle_km(35.660, 139.650, 35.630, 139.650);
    assert!((t.km(f2, f3) - 1.3 * gc).abs() < 1e-12);
    assert_eq!(t.yearly_km(3.0, f1, f2), 42.0);
}
