//! Before/after accounts of a plan: contracts, staff hours (total, by area, with a
//! ±25 % sensitivity line) and contractor travel.
//!
//! Before = today's contracts (every contract that covers a service line). After = the
//! bundles plus every contract that still covers a pinned or excluded line; such a
//! contract keeps its full staff time. A line without a contract (work not let today)
//! adds nothing before. Hours of a contract or bundle are shared among areas by its
//! lines. Travel follows one rule on both sides: every visit is a round trip from the
//! base that serves it — today the contract's vendor (vendors.csv location, else
//! `costs.vendor_base_km`), after the plan the bundle's hub, or the vendor for lines
//! left as is.

use super::Inputs;
use crate::problem::{Built, Bundle, LineFate};
use crate::scenario::Scenario;
use crate::ward::Ward;

/// Staff hours of one area, before and after.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaHours {
    /// The area's name.
    pub area: String,
    /// Staff hours a year today.
    pub before: f64,
    /// Staff hours a year under the plan.
    pub after: f64,
    /// `before - after`.
    pub freed: f64,
    /// `freed` in full-time equivalents.
    pub fte_freed: f64,
}

/// The before/after figures of a plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Accounts {
    /// Today's contracts that cover a line.
    pub contracts_before: usize,
    /// Bundles plus the contracts left.
    pub contracts_after: usize,
    /// Bundles of the plan.
    pub bundles: usize,
    /// Today's contracts that stay because they cover pinned or excluded lines.
    pub contracts_left: usize,
    /// Service lines of the ward.
    pub lines_total: usize,
    /// Lines in a bundle.
    pub lines_bundled: usize,
    /// Pinned lines.
    pub lines_pinned: usize,
    /// Lines the scenario excludes.
    pub lines_excluded: usize,
    /// Facilities of the ward.
    pub facilities_total: usize,
    /// Facilities with a line in a bundle.
    pub facilities_bundled: usize,
    /// Staff hours a year today.
    pub staff_hours_before: f64,
    /// Staff hours a year under the plan.
    pub staff_hours_after: f64,
    /// `staff_hours_before - staff_hours_after`.
    pub staff_hours_freed: f64,
    /// Hours freed in full-time equivalents.
    pub fte_freed: f64,
    /// Hours freed if every single-contract figure were 25 % lower.
    pub freed_if_contracts_25_lower: f64,
    /// Hours freed if every single-contract figure were 25 % higher.
    pub freed_if_contracts_25_higher: f64,
    /// Areas in facilities.csv order.
    pub by_area: Vec<AreaHours>,
    /// Contractor km a year today.
    pub travel_km_before: f64,
    /// Contractor km a year under the plan.
    pub travel_km_after: f64,
    /// Sum over bundles of one visiting round.
    pub route_km_total: f64,
}

/// Today's contracts: those that cover at least one line, in contracts.csv order.
fn current_contracts(ward: &Ward) -> Vec<usize> {
    (0..ward.contracts().len())
        .filter(|&c| !ward.contract_lines(c).is_empty())
        .collect()
}

/// The accounts of a plan's bundles.
pub fn accounts(
    inputs: Inputs,
    scenario: &Scenario,
    built: &Built,
    bundles: &[Bundle],
) -> Accounts {
    let w = inputs.ward;
    let staff = inputs.staff;
    let line_area = |l: usize| w.area_of(w.lines()[l].facility);
    let today = current_contracts(w);
    let stays = |l: usize| !matches!(built.fates[l], LineFate::Unit(_));
    let left: Vec<usize> = today
        .iter()
        .copied()
        .filter(|&c| w.contract_lines(c).iter().any(|&l| stays(l)))
        .collect();

    // Spreads `hours` over areas by the share of `lines` in each.
    let spread = |acc: &mut Vec<f64>, lines: &[usize], hours: f64| {
        for &l in lines {
            acc[line_area(l)] += hours / lines.len() as f64;
        }
    };
    let hours_of = |c: usize, scale: f64| staff.contract_hours(&w.contracts()[c], scale);

    let mut before_area = vec![0.0; w.areas().len()];
    let mut after_area = vec![0.0; w.areas().len()];
    for &c in &today {
        spread(&mut before_area, w.contract_lines(c), hours_of(c, 1.0));
    }
    for &c in &left {
        spread(&mut after_area, w.contract_lines(c), hours_of(c, 1.0));
    }
    for b in bundles {
        spread(&mut after_area, &b.lines, b.admin_hours);
    }
    let freed_at = |scale: f64| {
        let before: f64 = today.iter().map(|&c| hours_of(c, scale)).sum();
        let after: f64 = left.iter().map(|&c| hours_of(c, scale)).sum::<f64>()
            + bundles.iter().map(|b| b.admin_hours).sum::<f64>();
        (before, after)
    };
    let (staff_before, staff_after) = freed_at(1.0);
    let fte = staff.hours_per_fte();

    let (travel_before, travel_left) = travel_today(w, scenario, &stays);

    let count = |f: &dyn Fn(&LineFate) -> bool| built.fates.iter().filter(|x| f(x)).count();
    let mut bundled_facilities: Vec<usize> = bundles
        .iter()
        .flat_map(|b| b.facilities.iter().copied())
        .collect();
    bundled_facilities.sort_unstable();
    bundled_facilities.dedup();
    Accounts {
        contracts_before: today.len(),
        contracts_after: bundles.len() + left.len(),
        bundles: bundles.len(),
        contracts_left: left.len(),
        lines_total: w.lines().len(),
        lines_bundled: count(&|f| matches!(f, LineFate::Unit(_))),
        lines_pinned: count(&|f| matches!(f, LineFate::Pinned)),
        lines_excluded: count(&|f| matches!(f, LineFate::Excluded(_))),
        facilities_total: w.facilities().len(),
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
        by_area: w
            .areas()
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
    }
}

/// Today's contract count and contractor travel (km a year), for the status-quo row.
pub fn today(inputs: Inputs, scenario: &Scenario) -> (usize, f64) {
    let w = inputs.ward;
    (
        current_contracts(w).len(),
        travel_today(w, scenario, &|_| false).0,
    )
}

/// Travel today and the part of it that remains with lines that stay (`stays`), by the
/// rule the bundles follow after: every visit is a round trip from the base that serves
/// it. Today that is the contract's vendor's base (vendors.csv lat/lon), or
/// `costs.vendor_base_km` away where the location is unknown.
fn travel_today(ward: &Ward, scenario: &Scenario, stays: &dyn Fn(usize) -> bool) -> (f64, f64) {
    let detour = scenario.costs.detour_factor;
    let market = crate::market::Market::of(ward);
    let mut travel_before = 0.0;
    let mut travel_left = 0.0;
    for (l, line) in ward.lines().iter().enumerate() {
        let Some(c) = line.contract else { continue };
        if !ward.is_visited(line) {
            continue;
        }
        let f = &ward.facilities()[line.facility];
        let km = match market.contract_firm[c].and_then(|v| market.firms[v].base) {
            Some((lat, lon)) => crate::geo::great_circle_km(lat, lon, f.lat, f.lon) * detour,
            None => scenario.costs.vendor_base_km,
        };
        let yearly = crate::ward::round_trips_km(line.visits_per_year, km);
        travel_before += yearly;
        if stays(l) {
            travel_left += yearly;
        }
    }
    (travel_before, travel_left)
}
