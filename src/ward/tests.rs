//! Resolution of the in-memory test ward, and the travel model.

use super::*;
use crate::model::TravelEntry;
use crate::problem::tests::{catalogue, dataset};
use crate::units::Km;

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
