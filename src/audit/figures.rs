//! summary.json's figures recomputed from the plan's lines and bundles: the objective
//! (bundle fixed costs, travel and the units' administration shares, as DESIGN.md
//! defines it), the bound and gap it states, staff hours before and after, contractor
//! travel before and after, and the contract and line counts.

use super::limits::Facts;
use super::lines::{Expect, Placed};
use super::read::{PlanFiles, SUMMARY};
use super::{close, Violation, TOL_HOURS, TOL_KM, TOL_YEN};
use crate::plan::Inputs;
use crate::scenario::Scenario;
use crate::text::fixed;
use crate::ward::{Site, Ward};
use serde_json::Value;

fn at<'a>(j: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(j, |j, k| j.get(k))
}

/// The objective of the plan in the files, when every unit has a bundle with a hub.
fn objective(inputs: Inputs, scenario: &Scenario, placed: &Placed, facts: &[Facts]) -> Option<f64> {
    let ward = inputs.ward;
    let staff = inputs.staff;
    let travel = ward.travel(scenario.costs.detour_factor);
    let yen_h = scenario.costs.yen_per_staff_hour;
    let yen_km = scenario.costs.yen_per_km;
    let mut units_of = vec![0usize; ward.facilities().len()];
    for u in &placed.units {
        units_of[u.facility] += 1;
    }
    let lines = ward.lines();
    let mixing = mixing_costs(ward, scenario, placed, facts);
    let mut total = 0.0;
    for (u, unit) in placed.units.iter().enumerate() {
        total += mixing[u];
        placed.unit_bundle[u]?;
        let mut trades: Vec<usize> = unit.lines.iter().map(|&l| lines[l].trade).collect();
        trades.sort_unstable();
        trades.dedup();
        let admin = staff.bundle.per_facility.value / units_of[unit.facility] as f64
            + staff.bundle.per_trade.value * trades.len() as f64;
        total += admin * yen_h;
        // Travel line by line, each from the hub of the bundle it is written in: equal
        // to the unit's visits times its round trip when the unit is whole, and still
        // the plan's travel when it is not.
        for &l in &unit.lines {
            let b = placed.line_bundle[l]?;
            if ward.is_visited(&lines[l]) {
                let km = travel.km(Site::Facility(unit.facility), facts[b].hub?);
                total += lines[l].visits_per_year * 2.0 * km * yen_km;
            }
        }
    }
    let open = facts.iter().filter(|f| !f.lines.is_empty()).count();
    let fixed_cost = staff.bundle_fixed_hours() * yen_h;
    total += fixed_cost * open as f64;
    Some(total)
}

/// Per unit, what `[phase] end_year_mixing_jpy` adds to the objective: the yen a year
/// for each year between the unit's contract end and that of its bundle's hub
/// facility (its unit of the same trade-group set); nothing for a depot hub, a hub
/// facility without such a unit, or without the key.
fn mixing_costs(ward: &Ward, scenario: &Scenario, placed: &Placed, facts: &[Facts]) -> Vec<f64> {
    let n = placed.units.len();
    let Some(p) = scenario
        .phase
        .as_ref()
        .filter(|p| p.end_year_mixing_jpy > 0.0)
    else {
        return vec![0.0; n];
    };
    let year: Vec<i32> = placed
        .units
        .iter()
        .map(|u| ward.free_year(p.years(), &u.lines))
        .collect();
    let unit_at: std::collections::HashMap<(usize, usize), usize> = placed
        .units
        .iter()
        .enumerate()
        .map(|(i, u)| ((u.facility, u.set), i))
        .collect();
    (0..n)
        .map(|u| {
            let hub_unit = match placed.unit_bundle[u].and_then(|b| facts[b].hub) {
                Some(Site::Facility(f)) => unit_at.get(&(f, placed.units[u].set)),
                _ => None,
            };
            hub_unit.map_or(0.0, |&h| {
                p.end_year_mixing_jpy * f64::from((year[u] - year[h]).abs())
            })
        })
        .collect()
}

/// Staff hours and travel before and after, from the plan's placements: a line the
/// plan leaves out of every bundle keeps its contract.
struct Accounts {
    contracts_before: usize,
    contracts_left: usize,
    staff_before: f64,
    staff_after: f64,
    travel_before: f64,
    travel_after: f64,
}

fn accounts(inputs: Inputs, scenario: &Scenario, placed: &Placed, facts: &[Facts]) -> Accounts {
    let ward = inputs.ward;
    let stays = |l: usize| placed.line_bundle[l].is_none();
    let today: Vec<usize> = (0..ward.contracts().len())
        .filter(|&c| !ward.contract_lines(c).is_empty())
        .collect();
    let left: Vec<usize> = today
        .iter()
        .copied()
        .filter(|&c| ward.contract_lines(c).iter().any(|&l| stays(l)))
        .collect();
    let hours = |c: usize| inputs.staff.contract_hours(&ward.contracts()[c], 1.0);
    let staff_before = today.iter().map(|&c| hours(c)).sum();
    let staff_after = left.iter().map(|&c| hours(c)).sum::<f64>()
        + facts
            .iter()
            .filter(|f| !f.lines.is_empty())
            .map(|f| f.admin_hours)
            .sum::<f64>();
    let (travel_before, travel_left) = travel_today(ward, scenario, &stays);
    Accounts {
        contracts_before: today.len(),
        contracts_left: left.len(),
        staff_before,
        staff_after,
        travel_before,
        travel_after: travel_left + facts.iter().map(|f| f.travel_km).sum::<f64>(),
    }
}

/// Today's travel, by the rule the plan states for both sides: every visited line's
/// visits are round trips from its contract's vendor — the vendor's vendors.csv
/// location (matched by vendor_id or name), else `costs.vendor_base_km` away; and the
/// part of it that stays with the lines `stays` keeps.
fn travel_today(ward: &Ward, scenario: &Scenario, stays: &dyn Fn(usize) -> bool) -> (f64, f64) {
    let detour = scenario.costs.detour_factor;
    let mut base: std::collections::HashMap<&str, (f64, f64)> = Default::default();
    for v in ward.vendors() {
        if let (Some(lat), Some(lon)) = (v.lat, v.lon) {
            base.entry(v.id.as_str()).or_insert((lat, lon));
        }
    }
    for v in ward.vendors() {
        if let (Some(lat), Some(lon)) = (v.lat, v.lon) {
            base.entry(v.name.as_str()).or_insert((lat, lon));
        }
    }
    let (mut before, mut left) = (0.0, 0.0);
    for (l, line) in ward.lines().iter().enumerate() {
        let Some(c) = line.contract else { continue };
        if !ward.is_visited(line) {
            continue;
        }
        let f = &ward.facilities()[line.facility];
        let km = match base.get(ward.contracts()[c].vendor.trim()) {
            Some(&(lat, lon)) => crate::geo::great_circle_km(lat, lon, f.lat, f.lon) * detour,
            None => scenario.costs.vendor_base_km,
        };
        let yearly = line.visits_per_year * 2.0 * km;
        before += yearly;
        if stays(l) {
            left += yearly;
        }
    }
    (before, left)
}

fn differs(
    v: &mut Vec<Violation>,
    kind: &'static str,
    key: &str,
    stated: String,
    actual: String,
    ja: &str,
) {
    v.push(Violation::new(
        kind,
        SUMMARY,
        None,
        format!("{ja} {key} は {stated} ですが、計画のファイルから計算すると {actual} です"),
        format!("{key} says {stated}, the plan's files give {actual}"),
    ));
}

/// Compares summary.json with the recomputation; returns (recomputed, stated) objective.
pub fn check(
    inputs: Inputs,
    scenario: &Scenario,
    files: &PlanFiles,
    placed: &Placed,
    facts: &[Facts],
    v: &mut Vec<Violation>,
) -> (Option<f64>, Option<f64>) {
    let obj = objective(inputs, scenario, placed, facts);
    let Some(sum) = &files.summary else {
        return (obj, None);
    };
    let num = |path: &[&str]| at(sum, path).and_then(Value::as_f64);
    let stated = num(&["solver", "objective_jpy_per_year"]);
    // A replan (`--from`) counts a cost per facility moved, which only the earlier plan
    // can show; its summary states the objective without it, and the difference is
    // taken as stated (every other part is recomputed).
    let change_costs = match (
        num(&["realignment", "objective_without_change_cost"]),
        stated,
    ) {
        (Some(without), Some(s)) => s - without,
        _ => 0.0,
    };
    let obj = obj.map(|o| o + change_costs);
    match (stated, obj) {
        (Some(s), Some(o)) if !close(s, o, TOL_YEN) => differs(
            v,
            "objective_differs",
            "solver.objective_jpy_per_year",
            format!("¥{}", fixed(s, 0)),
            format!("¥{}", fixed(o, 0)),
            "目的関数",
        ),
        (None, _) => differs(
            v,
            "objective_differs",
            "solver.objective_jpy_per_year",
            "missing".into(),
            obj.map_or("unknown".into(), |o| format!("¥{}", fixed(o, 0))),
            "目的関数",
        ),
        _ => {}
    }
    let bound = num(&["solver", "lower_bound_jpy_per_year"]);
    if let (Some(b), Some(o)) = (bound, obj) {
        if b > o + TOL_YEN + super::TOL_REL * o.abs() {
            v.push(Violation::new(
                "bound_above_objective",
                SUMMARY,
                None,
                format!("下界 ¥{} が計画の目的関数 ¥{} を上回っています（下界は計画の費用以下のはずです）", fixed(b, 0), fixed(o, 0)),
                format!("solver.lower_bound_jpy_per_year ¥{} is above the plan's objective ¥{}: no plan can cost less than a valid bound", fixed(b, 0), fixed(o, 0)),
            ));
        }
    }
    if let (Some(s), Some(b), Some(g)) = (stated, bound, num(&["solver", "gap"])) {
        let want = crate::solve::bound::gap(s, b);
        if (g - want).abs() > 1e-6 + 1e-3 * want {
            differs(
                v,
                "gap_differs",
                "solver.gap",
                format!("{g}"),
                format!("{want:.6}"),
                "ギャップ",
            );
        }
    }
    if let (Some(o), Some(b)) = (obj, bound) {
        let status = at(sum, &["solver", "status"]).and_then(Value::as_str);
        if status == Some("optimal")
            && crate::solve::bound::gap(o, b) > 1e-6 + TOL_YEN / o.abs().max(1.0)
        {
            differs(
                v,
                "status_differs",
                "solver.status",
                "\"optimal\"".into(),
                format!("a gap of {:.4} %", 100.0 * crate::solve::bound::gap(o, b)),
                "状態",
            );
        }
    }
    let a = accounts(inputs, scenario, placed, facts);
    let fte = inputs.staff.hours_per_fte();
    for (key, actual, tol, ja) in [
        (
            &["staff_hours", "before"][..],
            a.staff_before,
            TOL_HOURS,
            "職員時間",
        ),
        (
            &["staff_hours", "after"][..],
            a.staff_after,
            TOL_HOURS,
            "職員時間",
        ),
        (
            &["staff_hours", "freed"][..],
            a.staff_before - a.staff_after,
            2.0 * TOL_HOURS,
            "職員時間",
        ),
        (
            &["staff_hours", "fte_freed"][..],
            (a.staff_before - a.staff_after) / fte,
            0.01,
            "職員時間",
        ),
        (
            &["travel_km_per_year", "before"][..],
            a.travel_before,
            TOL_KM,
            "移動距離",
        ),
        (
            &["travel_km_per_year", "after"][..],
            a.travel_after,
            TOL_KM,
            "移動距離",
        ),
    ] {
        let kind = if key[0] == "staff_hours" {
            "staff_hours_differ"
        } else {
            "travel_differs"
        };
        match num(key) {
            Some(s) if close(s, actual, tol) => {}
            s => differs(
                v,
                kind,
                &key.join("."),
                s.map_or("missing".into(), |s| s.to_string()),
                fixed(actual, 2),
                ja,
            ),
        }
    }
    let bundles = facts.iter().filter(|f| !f.lines.is_empty()).count();
    let count = |e: Expect| {
        placed
            .expected
            .iter()
            .zip(&placed.line_bundle)
            .filter(|(x, b)| **x == e && b.is_none())
            .count()
    };
    let excluded = placed
        .expected
        .iter()
        .zip(&placed.line_bundle)
        .filter(|(x, b)| matches!(x, Expect::Excluded(_)) && b.is_none())
        .count();
    for (key, actual) in [
        (&["contracts", "before"][..], a.contracts_before),
        (&["contracts", "after"][..], bundles + a.contracts_left),
        (&["contracts", "bundles"][..], bundles),
        (&["contracts", "left_as_is"][..], a.contracts_left),
        (&["lines", "total"][..], inputs.ward.lines().len()),
        (
            &["lines", "bundled"][..],
            placed.line_bundle.iter().filter(|b| b.is_some()).count(),
        ),
        (&["lines", "pinned"][..], count(Expect::Pinned)),
        (&["lines", "excluded"][..], excluded),
    ] {
        match at(sum, key).and_then(Value::as_u64) {
            Some(s) if s as usize == actual => {}
            s => differs(
                v,
                "count_differs",
                &key.join("."),
                s.map_or("missing".into(), |s| s.to_string()),
                actual.to_string(),
                "件数",
            ),
        }
    }
    (obj, stated)
}
