//! summary.json: the plan's figures for other programs, the scenario echoed in full.
//! Timings live only under `timing`, so runs with one seed compare equal elsewhere.

use crate::plan::Plan;
use serde_json::json;

/// Rounds to `places` decimals so the file does not carry float noise.
fn r(v: f64, places: i32) -> f64 {
    let k = 10f64.powi(places);
    let x = (v * k).round() / k;
    if x == 0.0 {
        0.0
    } else {
        x
    }
}

pub fn value(plan: &Plan) -> serde_json::Value {
    let a = &plan.accounts;
    let s = &plan.solver;
    let mut v = json!({
        "matome_version": env!("CARGO_PKG_VERSION"),
        "dataset": plan.inputs.dataset_name,
        "scenario": plan.scenario,
        "contracts": {
            "before": a.contracts_before,
            "after": a.contracts_after,
            "bundles": a.bundles,
            "left_as_is": a.contracts_left,
        },
        "lines": {
            "total": a.lines_total,
            "bundled": a.lines_bundled,
            "pinned": a.lines_pinned,
            "excluded": a.lines_excluded,
        },
        "facilities": { "total": a.facilities_total, "bundled": a.facilities_bundled },
        "staff_hours": {
            "before": r(a.staff_hours_before, 1),
            "after": r(a.staff_hours_after, 1),
            "freed": r(a.staff_hours_freed, 1),
            "fte_freed": r(a.fte_freed, 2),
            "hours_per_fte": plan.inputs.staff.hours_per_fte(),
            "freed_if_contract_figures_25_percent_lower": r(a.freed_if_contracts_25_lower, 1),
            "freed_if_contract_figures_25_percent_higher": r(a.freed_if_contracts_25_higher, 1),
            "by_area": a.by_area.iter().map(|x| json!({
                "area": x.area,
                "before": r(x.before, 1),
                "after": r(x.after, 1),
                "freed": r(x.freed, 1),
                "fte_freed": r(x.fte_freed, 2),
            })).collect::<Vec<_>>(),
        },
        "travel_km_per_year": {
            "before": r(a.travel_km_before, 1),
            "after": r(a.travel_km_after, 1),
            "route_km_per_round_all_bundles": r(a.route_km_total, 1),
        },
        "bidders": {
            "firms_derived_from_contracts": plan.market.derived,
            "fewest_of_any_bundle": plan.market.fewest_bidders,
            "in_ward_share_before": plan.market.in_ward_share_before.map(|x| r(x, 4)),
            "in_ward_share_after": plan.market.in_ward_share_after.map(|x| r(x, 4)),
            "subcontract_in_ward": plan.scenario.vendors.subcontract_in_ward,
            "lots": plan.scenario.lots.name(),
            "by_bundle": plan.market.bundles,
        },
        "realignment": plan.realignment.as_ref().map(|x| json!({
            "from": x.from,
            "facilities_moved": x.moved,
            "facilities_in_both_plans": x.common,
            "new_facilities": x.new_facilities,
            "closed_facilities": x.closed_facilities,
            "changed_facilities": x.changed_facilities,
            "change_cost_jpy_per_facility": x.change_cost_jpy,
            "objective_without_change_cost": r(x.objective_without_change_cost, 0),
            "fresh_plan": x.fresh.map(|(o, m)| json!({"objective_jpy_per_year": r(o, 0), "facilities_moved": m})),
            "by_bundle": x.bundles,
        })),
        "solver": {
            "objective_jpy_per_year": r(s.objective, 0),
            "lower_bound_jpy_per_year": r(s.lower_bound, 0),
            "gap": r(s.gap, 6),
            "status": s.status,
            "mode": s.mode,
            "checked": true,
            "solver_calls_abandoned_at_deadline": s.abandoned_calls,
        },
        "timing": {
            "solve_seconds": r(s.seconds, 3),
            "total_seconds": r(plan.total_seconds, 3),
        },
    });
    if !plan.built.hub_fallback.is_empty() {
        v["hub_kinds_fallback"] = json!(plan.built.hub_fallback);
    }
    if let Some(ph) = &plan.phase {
        v["phase"] = super::phase::json(plan, ph);
        v["timing"]["phase_mip_seconds"] = json!(r(ph.solver.seconds, 3));
    }
    // A run stopped by work (`solver.work_limit`) writes byte-identical files for its
    // seed and thread count: wall-clock times are left out.
    if let Some(steps) = plan.scenario.solver.work_limit {
        v["timing"] = json!({ "stopped_after_engine_steps": steps });
    }
    v
}

pub fn render(plan: &Plan) -> String {
    let mut s = serde_json::to_string_pretty(&value(plan)).expect("a JSON value serialises");
    s.push('\n');
    s
}
