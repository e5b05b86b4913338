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

impl Built {
    /// Names of the units and hubs for an exported model (`solve::export`): facility or
    /// depot ids, with the trade group (`F012.cleaning`), the trade-group set (`.s1`,
    /// when the scenario has several) or a depot's area (`.a0`, areas in file order)
    /// where one id stands for several.
    pub fn model_names(&self, ward: &Ward) -> (Vec<String>, Vec<String>) {
        let many_sets = self.group_sets.len() > 1;
        let units = self
            .units
            .iter()
            .map(|u| {
                let id = &ward.facilities()[u.facility].id;
                match (&u.group, many_sets) {
                    (Some(g), _) => format!("{id}.{g}"),
                    (None, true) => format!("{id}.s{}", u.group_set),
                    (None, false) => id.clone(),
                }
            })
            .collect();
        let hubs = self
            .hubs
            .iter()
            .map(|h| {
                let mut name = ward.site_id(h.site).to_string();
                if many_sets {
                    name.push_str(&format!(".s{}", h.group_set));
                }
                if let (Site::Depot(_), Some(a)) = (h.site, &h.area) {
                    let i = ward.areas().iter().position(|x| x == a).unwrap_or_default();
                    name.push_str(&format!(".a{i}"));
                }
                name
            })
            .collect();
        (units, hubs)
    }
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
    let mut per_unit = Vec::with_capacity(units.len());
    for u in &units {
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
            costs.push((h as u32, round_trips_km(u.visits, km) * yen_km + admin));
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

#[cfg(test)]
mod tests;
