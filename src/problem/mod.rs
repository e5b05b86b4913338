//! Ward + scenario → the engine's generic `Problem`, and back: the engine's
//! `Solution` → bundles of facilities and lines. Owns the ward-specific rules: which
//! lines are bundleable (exclusions, pinned lines), what a unit is, which hubs exist,
//! which unit-hub pairs are allowed (trade groups, area, distance) and what they cost.
//! No formats here; `report` writes what `bundles` returns.

mod bundles;
mod hubs;
mod units;

pub use bundles::{bundles, Bundle};
pub use hubs::HubInfo;
pub use units::{group_sets, Exclusion, LineFate, UnitInfo};

use crate::scenario::{BundleCount, HubSource, Scenario};
use crate::solve::{Arcs, Hub, HubCount, Problem, ProblemError, Unit};
use crate::staff::StaffModel;
use crate::ward::{round_trips_km, Site, Ward};
use thiserror::Error;

/// Load dimensions of every unit, in this order.
pub const DIM_HOURS: usize = 0;
/// The annual-value dimension.
pub const DIM_VALUE: usize = 1;
/// The facility-count dimension.
pub const DIM_FACILITIES: usize = 2;

/// Scenario key that limits each load dimension, for messages.
pub const DIM_KEYS: [&str; 3] = [
    "limits.max_labour_hours",
    "limits.max_value_jpy",
    "limits.max_facilities",
];

/// Why a scenario cannot be turned into an engine problem for a ward.
#[derive(Debug, Error)]
pub enum BuildError {
    /// The scenario names a trade group the catalogue lacks.
    #[error(
        "scenario: trade_groups.together names group `{0}`, which no trade of the catalogue has"
    )]
    UnknownGroup(String),
    /// Every line is pinned or excluded.
    #[error("nothing to bundle: every service line is pinned or excluded by the scenario")]
    NothingToBundle,
    /// `hub_kinds` leaves some area (or trade-group set) without any facility that may
    /// be a hub.
    #[error("scenario: hub_kinds [{kinds}] leaves no facility that may be a bundle's centre in {places}; 中心にできる施設がありません — add a kind present there")]
    NoHubOfKind {
        /// The scenario's kinds.
        kinds: String,
        /// Where no hub remains.
        places: String,
    },
    /// Depot hubs were asked for, but the ward has none.
    #[error("scenario says hubs = \"depots\" but the dataset has no depots.csv rows")]
    NoDepots,
    /// The engine refused the problem: a bug in this module.
    #[error("internal: the built problem is malformed: {0}")]
    Problem(#[from] ProblemError),
}

/// The engine problem with everything needed to read its solution back.
#[derive(Debug, Clone)]
pub struct Built {
    /// What the engine solves.
    pub problem: Problem,
    /// The engine's units in ward terms, same order.
    pub units: Vec<UnitInfo>,
    /// The engine's hubs in ward terms, same order.
    pub hubs: Vec<HubInfo>,
    /// Per ward line (same order): in which unit it went, or why it stays.
    pub fates: Vec<LineFate>,
    /// Trade groups that may share a bundle; a hub and its units share one set.
    pub group_sets: Vec<Vec<String>>,
}

/// The engine's hub count for the scenario's bundle-count rule.
pub fn hub_count(b: &BundleCount) -> HubCount {
    match (b.count, b.min, b.max) {
        (Some(p), _, _) => HubCount::Exact(p),
        (None, None, None) => HubCount::Free,
        (None, lo, hi) => HubCount::Range(lo.unwrap_or(1), hi.unwrap_or(usize::MAX)),
    }
}

/// Builds the engine problem. Deterministic: units follow facility file order, hubs
/// follow unit order (or depot order), arcs follow hub order.
pub fn build(ward: &Ward, scenario: &Scenario, staff: &StaffModel) -> Result<Built, BuildError> {
    let sets = group_sets(ward.trades(), scenario)?;
    let (units, fates) = units::make_units(ward, scenario, &sets);
    if units.is_empty() {
        return Err(BuildError::NothingToBundle);
    }
    let hubs = hubs::make_hubs(ward, scenario, &units, sets.len())?;
    let travel = ward.travel(scenario.costs.detour_factor);

    let yen_h = scenario.costs.yen_per_staff_hour;
    let yen_km = scenario.costs.yen_per_km;
    let free_year = end_years(ward, scenario, &units);
    let mixing = scenario
        .phase
        .as_ref()
        .map_or(0.0, |p| p.end_year_mixing_jpy);
    // The end year of each hub's own facility unit (same trade-group set); None for a
    // depot, which mixes nothing.
    let hub_year: Vec<Option<i32>> = hubs
        .iter()
        .map(|h| {
            let hf = h.facility()?;
            units
                .iter()
                .position(|x| x.facility == hf && x.group_set == h.group_set)
                .map(|hu| free_year[hu])
        })
        .collect();
    let mut per_unit = Vec::with_capacity(units.len());
    for (ui, u) in units.iter().enumerate() {
        let site = Site::Facility(u.facility);
        let area = &ward.facilities()[u.facility].area;
        // The unit's share of bundle administration does not depend on the hub; it is
        // in the objective so that the objective is the yearly cost of the plan.
        let admin = (staff.bundle.per_facility.value * u.facility_share
            + staff.bundle.per_trade.value * u.trades.len() as f64)
            * yen_h;
        let mut costs = Vec::new();
        for (h, hub) in hubs.iter().enumerate() {
            if hub.group_set != u.group_set {
                continue;
            }
            if scenario.within_area && hub.area.as_deref().is_some_and(|a| a != area) {
                continue;
            }
            let km = travel.km(site, hub.site);
            if scenario.limits.max_distance_km.is_some_and(|m| km > m) {
                continue;
            }
            // Under `[phase] end_year_mixing_jpy`: years between this unit's last
            // contract end and its hub facility's (same trade-group set), in yen a year.
            let mix = match (mixing > 0.0, hub_year[h]) {
                (true, Some(hy)) => mixing * f64::from((free_year[ui] - hy).abs()),
                _ => 0.0,
            };
            costs.push((
                h as u32,
                round_trips_km(u.visits, km) * yen_km + admin + mix,
            ));
        }
        per_unit.push(costs);
    }

    let l = &scenario.limits;
    let capacity = vec![
        l.max_labour_hours.unwrap_or(f64::INFINITY),
        l.max_value_jpy.map_or(f64::INFINITY, |v| v as f64),
        l.max_facilities.map_or(f64::INFINITY, |v| v as f64),
    ];
    let min_load = vec![0.0, l.min_value_jpy.map_or(0.0, |v| v as f64), 0.0];
    let fixed = staff.bundle_fixed_hours() * yen_h;
    let engine_units: Vec<Unit> = units
        .iter()
        .map(|u| Unit {
            name: u.label(ward, &sets),
            load: vec![u.hours, u.value as f64, 1.0],
            xy: Some(ward.xy(Site::Facility(u.facility))),
        })
        .collect();
    let engine_hubs: Vec<Hub> = hubs
        .iter()
        .map(|h| Hub {
            name: h.name.clone(),
            fixed_cost: fixed,
            capacity: capacity.clone(),
            min_load: min_load.clone(),
            xy: Some(ward.xy(h.site)),
            own_unit: h.facility().and_then(|fi| {
                units
                    .iter()
                    .position(|u| u.facility == fi && u.group_set == h.group_set)
            }),
        })
        .collect();
    let problem = Problem::new(
        scenario.name.clone(),
        vec![
            "annual labour hours".into(),
            "annual value (yen)".into(),
            "facilities".into(),
        ],
        engine_units,
        engine_hubs,
        Arcs::Sparse { per_unit },
        hub_count(&scenario.bundles),
        scenario.hubs == HubSource::Facilities,
    )?;
    Ok(Built {
        problem,
        units,
        hubs,
        fates,
        group_sets: sets,
    })
}

/// Per unit: the first fiscal year in which all its lines are free, held within the
/// phase-in period (first year … last year + 1); all zero without `[phase]`.
fn end_years(ward: &Ward, scenario: &Scenario, units: &[UnitInfo]) -> Vec<i32> {
    let Some(p) = &scenario.phase else {
        return vec![0; units.len()];
    };
    let years = p.years();
    let (first, after) = (*years.start(), *years.end() + 1);
    units
        .iter()
        .map(|u| {
            u.lines
                .iter()
                .filter_map(|&l| ward.contract_of(&ward.lines()[l]))
                .map(|c| c.end.first_fiscal_year_after())
                .max()
                .unwrap_or(first)
                .clamp(first, after)
        })
        .collect()
}

#[cfg(test)]
mod tests;
