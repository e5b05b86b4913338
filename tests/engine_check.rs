//! The independent checker rejects deliberately broken plans and scores good ones.

use matome::solve::check::check;
use matome::solve::{Arcs, Hub, HubCount, Problem, Solution, Unit};

fn unit(name: &str, load: f64) -> Unit {
    Unit {
        name: name.into(),
        load: vec![load],
        xy: None,
    }
}

fn hub(name: &str, fixed: f64, cap: f64, own: Option<usize>) -> Hub {
    Hub {
        name: name.into(),
        fixed_cost: fixed,
        capacity: vec![cap],
        min_load: vec![0.0],
        xy: None,
        own_unit: own,
    }
}

/// Three units, two hubs; unit 2 may not use hub 0.
fn small(count: HubCount, own_rule: bool) -> Problem {
    let arcs = Arcs::Sparse {
        per_unit: vec![
            vec![(0, 1.0), (1, 5.0)],
            vec![(0, 2.0), (1, 3.0)],
            vec![(1, 4.0)],
        ],
    };
    Problem::new(
        "small",
        vec!["hours".into()],
        vec![unit("A", 2.0), unit("B", 3.0), unit("C", 4.0)],
        vec![hub("H0", 10.0, 5.0, Some(0)), hub("H1", 20.0, 8.0, Some(2))],
        arcs,
        count,
        own_rule,
    )
    .unwrap()
}

#[test]
fn scores_a_feasible_plan() {
    let p = small(HubCount::Free, true);
    let r = check(
        &p,
        &Solution {
            assign: vec![0, 0, 1],
        },
    );
    assert!(r.feasible, "{:?}", r.violations);
    // fixed 10 + 20, arcs 1 + 2 + 4
    assert_eq!(r.objective, 37.0);
}

#[test]
fn rejects_over_capacity() {
    let p = small(HubCount::Free, false);
    // Hub 1 gets 2 + 3 + 4 = 9 > 8.
    let r = check(
        &p,
        &Solution {
            assign: vec![1, 1, 1],
        },
    );
    assert!(!r.feasible);
    assert!(
        r.violations.iter().any(|v| v.contains("capacity")),
        "{:?}",
        r.violations
    );
}

#[test]
fn rejects_forbidden_arc() {
    let p = small(HubCount::Free, false);
    let r = check(
        &p,
        &Solution {
            assign: vec![0, 1, 0],
        },
    );
    assert!(!r.feasible);
    assert!(
        r.violations.iter().any(|v| v.contains("not allowed")),
        "{:?}",
        r.violations
    );
}

#[test]
fn rejects_unassigned_and_out_of_range_units() {
    let p = small(HubCount::Free, false);
    let short = check(&p, &Solution { assign: vec![0, 0] });
    assert!(!short.feasible);
    let bad = check(
        &p,
        &Solution {
            assign: vec![0, 7, 1],
        },
    );
    assert!(!bad.feasible);
    assert!(
        bad.violations.iter().any(|v| v.contains("does not exist")),
        "{:?}",
        bad.violations
    );
}

#[test]
fn rejects_wrong_hub_count() {
    let p = small(HubCount::Exact(1), false);
    let r = check(
        &p,
        &Solution {
            assign: vec![0, 0, 1],
        },
    );
    assert!(!r.feasible);
    assert!(
        r.violations.iter().any(|v| v.contains("hubs are open")),
        "{:?}",
        r.violations
    );
    let p = small(HubCount::Range(2, 2), false);
    assert!(
        check(
            &p,
            &Solution {
                assign: vec![0, 0, 1]
            }
        )
        .feasible
    );
}

#[test]
fn rejects_open_hub_without_its_own_unit() {
    let p = small(HubCount::Free, true);
    // Hub 0 is open (unit B) but its own unit A sits at hub 1.
    let r = check(
        &p,
        &Solution {
            assign: vec![1, 0, 1],
        },
    );
    assert!(!r.feasible);
    assert!(
        r.violations.iter().any(|v| v.contains("own unit")),
        "{:?}",
        r.violations
    );
    // Without the rule the same plan is fine.
    let p = small(HubCount::Free, false);
    assert!(
        check(
            &p,
            &Solution {
                assign: vec![1, 0, 1]
            }
        )
        .feasible
    );
}

#[test]
fn rejects_minimum_load() {
    let mut p = small(HubCount::Free, false);
    p.hubs[1].min_load = vec![6.0];
    let r = check(
        &p,
        &Solution {
            assign: vec![0, 0, 1],
        },
    );
    assert!(!r.feasible);
    assert!(
        r.violations.iter().any(|v| v.contains("minimum")),
        "{:?}",
        r.violations
    );
}
