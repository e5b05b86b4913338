//! Before/after accounts of a plan: contracts, staff hours (total, by area, with a
//! ±25 % sensitivity line) and contractor travel.
//!
//! Before = today's contracts (every contract a service line names). After = the
//! bundles plus every contract that still covers a pinned or excluded line; such a
//! contract keeps its full staff time. Hours of a contract or bundle are shared among
//! areas by its lines. Travel uses the hub model for both: a contract today is served
//! from the facility of its own lines that minimises its travel, so single-site
//! contracts count no travel and "before" understates today's driving.

use super::{Inputs, PlanError};
use crate::geo::Distances;
use crate::problem::{facility_place, travels, Built, Bundle, LineFate};
use crate::scenario::Scenario;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq)]
pub struct AreaHours {
    pub area: String,
    pub before: f64,
    pub after: f64,
    pub freed: f64,
    pub fte_freed: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Accounts {
    pub contracts_before: usize,
    pub contracts_after: usize,
    pub bundles: usize,
    /// Today's contracts that stay because they cover pinned or excluded lines.
    pub contracts_left: usize,
    pub lines_total: usize,
    pub lines_bundled: usize,
    pub lines_pinned: usize,
    pub lines_excluded: usize,
    pub facilities_total: usize,
    pub facilities_bundled: usize,
    pub staff_hours_before: f64,
    pub staff_hours_after: f64,
    pub staff_hours_freed: f64,
    pub fte_freed: f64,
    /// Hours freed if every single-contract figure were 25 % lower / higher.
    pub freed_if_contracts_25_lower: f64,
    pub freed_if_contracts_25_higher: f64,
    /// Areas in facilities.csv order.
    pub by_area: Vec<AreaHours>,
    pub travel_km_before: f64,
    pub travel_km_after: f64,
    /// Sum over bundles of one visiting round.
    pub route_km_total: f64,
}

pub fn accounts(
    inputs: Inputs,
    scenario: &Scenario,
    built: &Built,
    bundles: &[Bundle],
) -> Result<Accounts, PlanError> {
    let d = inputs.dataset;
    let staff = inputs.staff;
    let fidx = d.facility_index();
    let cidx = d.contract_index();
    let line_area =
        |l: usize| -> &str { &d.facilities[fidx[d.lines[l].facility_id.as_str()]].area };

    let mut areas: Vec<String> = Vec::new();
    for f in &d.facilities {
        if !areas.contains(&f.area) {
            areas.push(f.area.clone());
        }
    }
    let area_pos = |a: &str| {
        areas
            .iter()
            .position(|x| x == a)
            .expect("every line's area is a facility area")
    };

    // Contract index -> its lines, in contract-id order for deterministic sums.
    let mut by_contract: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (l, line) in d.lines.iter().enumerate() {
        if !cidx.contains_key(line.contract_id.as_str()) {
            return Err(PlanError::UnknownContract {
                line: line.id.clone(),
                contract: line.contract_id.clone(),
            });
        }
        by_contract
            .entry(line.contract_id.as_str())
            .or_default()
            .push(l);
    }
    let stays = |l: usize| !matches!(built.fates[l], LineFate::Unit(_));
    let left: Vec<&str> = by_contract
        .iter()
        .filter(|(_, ls)| ls.iter().any(|&l| stays(l)))
        .map(|(c, _)| *c)
        .collect();

    // Spreads `hours` over areas by the share of `lines` in each.
    let spread = |acc: &mut Vec<f64>, lines: &[usize], hours: f64| {
        for &l in lines {
            acc[area_pos(line_area(l))] += hours / lines.len() as f64;
        }
    };
    let hours_of = |c: &str, scale: f64| staff.contract_hours(&d.contracts[cidx[c]], scale);

    let mut before_area = vec![0.0; areas.len()];
    let mut after_area = vec![0.0; areas.len()];
    for (c, ls) in &by_contract {
        spread(&mut before_area, ls, hours_of(c, 1.0));
    }
    for c in &left {
        spread(&mut after_area, &by_contract[c], hours_of(c, 1.0));
    }
    for b in bundles {
        spread(&mut after_area, &b.lines, b.admin_hours);
    }
    let freed_at = |scale: f64| {
        let before: f64 = by_contract.keys().map(|c| hours_of(c, scale)).sum();
        let after: f64 = left.iter().map(|c| hours_of(c, scale)).sum::<f64>()
            + bundles.iter().map(|b| b.admin_hours).sum::<f64>();
        (before, after)
    };
    let (staff_before, staff_after) = freed_at(1.0);
    let fte = staff.hours_per_fte();

    let (travel_before, travel_left) = travel(inputs, scenario, &stays);

    let count = |f: &dyn Fn(&LineFate) -> bool| built.fates.iter().filter(|x| f(x)).count();
    let mut bundled_facilities: Vec<usize> = bundles
        .iter()
        .flat_map(|b| b.facilities.iter().copied())
        .collect();
    bundled_facilities.sort_unstable();
    bundled_facilities.dedup();
    Ok(Accounts {
        contracts_before: by_contract.len(),
        contracts_after: bundles.len() + left.len(),
        bundles: bundles.len(),
        contracts_left: left.len(),
        lines_total: d.lines.len(),
        lines_bundled: count(&|f| matches!(f, LineFate::Unit(_))),
        lines_pinned: count(&|f| matches!(f, LineFate::Pinned)),
        lines_excluded: count(&|f| matches!(f, LineFate::Excluded(_))),
        facilities_total: d.facilities.len(),
        facilities_bundled: bundled_facilities.len(),
        staff_hours_before: staff_before,
        staff_hours_after: staff_after,
        staff_hours_freed: staff_before - staff_after,
        fte_freed: (staff_before - staff_after) / fte,
        freed_if_contracts_25_lower: {
            let (b, a) = freed_at(0.75);
            b - a
        },
        freed_if_contracts_25_higher: {
            let (b, a) = freed_at(1.25);
            b - a
        },
        by_area: areas
            .iter()
            .enumerate()
            .map(|(i, a)| AreaHours {
                area: a.clone(),
                before: before_area[i],
                after: after_area[i],
                freed: before_area[i] - after_area[i],
                fte_freed: (before_area[i] - after_area[i]) / fte,
            })
            .collect(),
        travel_km_before: travel_before,
        travel_km_after: bundles.iter().map(|b| b.travel_km_year).sum::<f64>() + travel_left,
        route_km_total: bundles.iter().map(|b| b.route_km).sum(),
    })
}

/// Today's contract count and contractor travel (km a year), for the status-quo row.
pub fn today(inputs: Inputs, scenario: &Scenario) -> (usize, f64) {
    let mut ids: Vec<&str> = inputs
        .dataset
        .lines
        .iter()
        .map(|l| l.contract_id.as_str())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    (ids.len(), travel(inputs, scenario, &|_| false).0)
}

/// Travel today (each contract served from the site of its own lines that minimises
/// its travel) and the part of it that remains with lines that stay (`stays`).
fn travel(inputs: Inputs, scenario: &Scenario, stays: &dyn Fn(usize) -> bool) -> (f64, f64) {
    let d = inputs.dataset;
    let fidx = d.facility_index();
    let mut by_contract: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    // Lines naming an unknown facility are reported by validation and by the problem
    // builder; here they are simply left out rather than risk a panic.
    for (l, line) in d.lines.iter().enumerate() {
        if fidx.contains_key(line.facility_id.as_str()) {
            by_contract
                .entry(line.contract_id.as_str())
                .or_default()
                .push(l);
        }
    }
    let dist = Distances::new(&d.travel, scenario.costs.detour_factor);
    let visiting = |l: usize| {
        inputs
            .trades
            .get(&d.lines[l].trade)
            .is_some_and(|t| travels(t.staffing))
    };
    let mut travel_before = 0.0;
    let mut travel_left = 0.0;
    for ls in by_contract.values() {
        let visits: Vec<(usize, f64)> = ls
            .iter()
            .filter(|&&l| visiting(l))
            .map(|&l| {
                (
                    fidx[d.lines[l].facility_id.as_str()],
                    d.lines[l].visits_per_year,
                )
            })
            .collect();
        if visits.is_empty() {
            continue;
        }
        let mut sites: Vec<usize> = ls
            .iter()
            .map(|&l| fidx[d.lines[l].facility_id.as_str()])
            .collect();
        sites.sort_unstable();
        sites.dedup();
        let km_from =
            |hub: usize, f: usize| dist.km(&facility_place(d, f), &facility_place(d, hub));
        let total_from = |hub: usize| {
            visits
                .iter()
                .map(|&(f, v)| v * 2.0 * km_from(hub, f))
                .sum::<f64>()
        };
        let hub = sites
            .iter()
            .copied()
            .min_by(|&a, &b| {
                total_from(a)
                    .partial_cmp(&total_from(b))
                    .unwrap_or(std::cmp::Ordering::Equal)
            })
            .expect("a contract with lines has sites");
        travel_before += total_from(hub);
        travel_left += ls
            .iter()
            .filter(|&&l| visiting(l) && stays(l))
            .map(|&l| {
                d.lines[l].visits_per_year
                    * 2.0
                    * km_from(hub, fidx[d.lines[l].facility_id.as_str()])
            })
            .sum::<f64>();
    }

    (travel_before, travel_left)
}
