//! The tiny dataset under the baseline scenario, against figures computed by hand
//! from datasets/tiny and models/staff_time.toml.
//!
//! Contracts (stage hours: specification 8 + procurement 20 competitive / 5 negotiated,
//! spread over the term; site check 2 + supervision 4 + inspection 2 a year; 0.75 h a
//! payment):
//!   C01, C02, C03, C06, C10  competitive, 3 years, 12 payments: 28/3 + 8 + 9 = 26.333 h each
//!   C04, C13                 competitive, 1 year, 2 payments:   28 + 8 + 1.5  = 37.5 h each
//!   C05, C11                 negotiated, 1 year, 12 payments:   13 + 8 + 9    = 30 h each
//!   C07                      negotiated, 1 year, 2 payments:    13 + 8 + 1.5  = 22.5 h
//!   C08                      competitive, 1 year, 1 payment:    28 + 8 + 0.75 = 36.75 h
//!   C09                      competitive, 1 year, 12 payments:  28 + 8 + 9    = 45 h
//!   C12                      negotiated, 5 years, 4 payments:   13/5 + 8 + 3  = 13.6 h
//!   before = 5 × 26.333 + 2 × 37.5 + 2 × 30 + 22.5 + 36.75 + 45 + 13.6 = 384.517 h
//!
//! Plan: F08 is run by a designated manager (C12 stays), L15 is pinned (C11 stays).
//! Within area, a second bundle in an area costs ¥733k a year of staff time, far more
//! than any travel it saves, so the optimum is one bundle per area:
//!   北沢 F01-F04: 4 facilities, 7 trades; 玉川 F05-F07: 3 facilities, 7 trades.
//!   bundle = (80 + 60) / 3 + 40 + 12 × 4 + 12 × 1 = 146.667 h, + 1.5 h a facility + 3 h a trade
//!   after = (146.667 + 6 + 21) + (146.667 + 4.5 + 21) + 30 + 13.6 = 389.433 h
//! Bundling four and three small facilities costs the ward more than it saves: the
//! model's honest answer for a ward this small.

use matome::plan::{plan, Inputs};
use matome::scenario::Scenario;
use matome::staff::StaffModel;
use std::path::PathBuf;

fn approx(a: f64, b: f64) {
    assert!((a - b).abs() < 1e-3, "{a} != {b}");
}

#[test]
fn tiny_baseline_plan_matches_hand_computed_counts_and_hours() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let models = repo.join("models");
    let v = matome::validate::load_and_validate(&repo.join("datasets/tiny"), Some(&models))
        .unwrap_or_else(|d| panic!("tiny dataset invalid: {d:?}"));
    let staff = StaffModel::load(Some(&models)).unwrap();
    let scenario = Scenario::load(&models.join("scenarios/baseline.toml")).unwrap();
    let inputs = Inputs {
        dataset_name: "tiny",
        ward: &v.ward,
        staff: &staff,
    };
    let p = plan(inputs, &scenario, None).unwrap_or_else(|e| panic!("{e}"));
    let a = &p.accounts;

    assert_eq!(
        (
            a.contracts_before,
            a.bundles,
            a.contracts_left,
            a.contracts_after
        ),
        (13, 2, 2, 4)
    );
    assert_eq!(
        (
            a.lines_total,
            a.lines_bundled,
            a.lines_pinned,
            a.lines_excluded
        ),
        (20, 17, 1, 2)
    );
    let fac: Vec<Vec<&str>> = p
        .bundles
        .iter()
        .map(|b| {
            b.facilities
                .iter()
                .map(|&f| v.ward.facilities()[f].id.as_str())
                .collect()
        })
        .collect();
    assert_eq!(
        fac,
        vec![vec!["F01", "F02", "F03", "F04"], vec!["F05", "F06", "F07"]],
        "bundles sorted by area name"
    );
    let before = 5.0 * (28.0 / 3.0 + 17.0) + 2.0 * 37.5 + 2.0 * 30.0 + 22.5 + 36.75 + 45.0 + 13.6;
    approx(a.staff_hours_before, before);
    approx(before, 384.516_667);
    let bundle = 140.0 / 3.0 + 100.0;
    let after = (bundle + 6.0 + 21.0) + (bundle + 4.5 + 21.0) + 30.0 + 13.6;
    approx(a.staff_hours_after, after);
    approx(a.staff_hours_freed, before - after);
    approx(a.fte_freed, (before - after) / 1850.0);
    // Every plan that reaches the caller has passed the independent checker.
    assert!(
        p.solver.gap <= scenario.solver.rel_gap + 1e-9,
        "gap {}",
        p.solver.gap
    );
    assert!(p.solver.lower_bound <= p.solver.objective + 1e-6);
}
