//! Dataset + scenario → the engine's generic `Problem`, and back: the engine's
//! `Solution` → bundles of facilities and lines. Owns the ward-specific rules: which
//! lines are bundleable (exclusions, pinned lines), what a unit is, which hubs exist,
//! which unit-hub pairs are allowed (trade groups, area, distance) and what they cost.
//! No formats here; `report` writes what `bundles` returns.

mod bundles;
mod units;

pub use bundles::{bundles, Bundle};
pub use units::{group_sets, Exclusion, LineFate, UnitInfo};

use crate::geo::{Distances, Place, Projection};
use crate::model::{Dataset, Staffing, TradeCatalogue};
use crate::scenario::{HubSource, Scenario};
use crate::solve::{Arcs, Hub, Problem, ProblemError, Unit};
use crate::staff::StaffModel;
use thiserror::Error;

/// Load dimensions of every unit, in this order.
pub const DIM_HOURS: usize = 0;
pub const DIM_VALUE: usize = 1;
pub const DIM_FACILITIES: usize = 2;

/// Scenario key that limits each load dimension, for messages.
pub const DIM_KEYS: [&str; 3] = [
    "limits.max_labour_hours",
    "limits.max_value_jpy",
    "limits.max_facilities",
];

/// A candidate hub in ward terms.
#[derive(Debug, Clone, PartialEq)]
pub struct HubInfo {
    pub place: Place,
    pub name: String,
    /// The area the hub's bundle must stay in (`within_area`), or its facility's area.
    pub area: Option<String>,
    /// Index into `Dataset::facilities` when the hub is a facility.
    pub facility: Option<usize>,
    /// Index into `group_sets`.
    pub group_set: usize,
}

#[derive(Debug, Error)]
pub enum BuildError {
    #[error("line {line}: facility `{facility}` is not in facilities.csv")]
    UnknownFacility { line: String, facility: String },
    #[error("line {line}: trade `{trade}` is not in the trade catalogue")]
    UnknownTrade { line: String, trade: String },
    #[error(
        "scenario: trade_groups.together names group `{0}`, which no trade of the catalogue has"
    )]
    UnknownGroup(String),
    #[error("nothing to bundle: every service line is pinned or excluded by the scenario")]
    NothingToBundle,
    #[error("scenario says hubs = \"depots\" but the dataset has no depots.csv rows")]
    NoDepots,
    #[error("internal: the built problem is malformed: {0}")]
    Problem(#[from] ProblemError),
}

/// The engine problem with everything needed to read its solution back.
#[derive(Debug, Clone)]
pub struct Built {
    pub problem: Problem,
    pub units: Vec<UnitInfo>,
    pub hubs: Vec<HubInfo>,
    /// Per dataset line (same order): in which unit it went, or why it stays.
    pub fates: Vec<LineFate>,
    /// Trade groups that may share a bundle; a hub and its units share one set.
    pub group_sets: Vec<Vec<String>>,
    /// Road km between unit u and hub h, for the arcs that exist (same layout as arcs).
    pub arc_km: Vec<Vec<(u32, f64)>>,
    pub projection: Projection,
}

pub fn facility_place(d: &Dataset, i: usize) -> Place {
    let f = &d.facilities[i];
    Place {
        id: f.id.clone(),
        lat: f.lat,
        lon: f.lon,
    }
}

/// Builds the engine problem. Deterministic: units follow facility file order, hubs
/// follow unit order (or depot order), arcs follow hub order.
pub fn build(
    dataset: &Dataset,
    trades: &TradeCatalogue,
    scenario: &Scenario,
    staff: &StaffModel,
) -> Result<Built, BuildError> {
    let sets = group_sets(trades, scenario)?;
    let (units, fates) = units::make_units(dataset, trades, scenario, &sets)?;
    if units.is_empty() {
        return Err(BuildError::NothingToBundle);
    }
    let projection = Projection::around(
        &dataset
            .facilities
            .iter()
            .map(|f| (f.lat, f.lon))
            .collect::<Vec<_>>(),
    );
    let hubs = make_hubs(dataset, scenario, &units, sets.len())?;
    let dist = Distances::new(&dataset.travel, scenario.costs.detour_factor);

    let yen_h = scenario.costs.yen_per_staff_hour;
    let yen_km = scenario.costs.yen_per_km;
    let mut per_unit = Vec::with_capacity(units.len());
    let mut arc_km = Vec::with_capacity(units.len());
    for u in &units {
        let place = facility_place(dataset, u.facility);
        let area = &dataset.facilities[u.facility].area;
        // The unit's share of bundle administration does not depend on the hub; it is
        // in the objective so that the objective is the yearly cost of the plan.
        let admin = (staff.bundle.per_facility.value * u.facility_share
            + staff.bundle.per_trade.value * u.trades.len() as f64)
            * yen_h;
        let mut costs = Vec::new();
        let mut kms = Vec::new();
        for (h, hub) in hubs.iter().enumerate() {
            if hub.group_set != u.group_set {
                continue;
            }
            if scenario.within_area && hub.area.as_deref().is_some_and(|a| a != area) {
                continue;
            }
            let km = dist.km(&place, &hub.place);
            if scenario.limits.max_distance_km.is_some_and(|m| km > m) {
                continue;
            }
            costs.push((h as u32, u.visits * 2.0 * km * yen_km + admin));
            kms.push((h as u32, km));
        }
        per_unit.push(costs);
        arc_km.push(kms);
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
        .map(|u| {
            let f = &dataset.facilities[u.facility];
            Unit {
                name: u.label(dataset, &sets),
                load: vec![u.hours, u.value as f64, 1.0],
                xy: Some(projection.xy(f.lat, f.lon)),
            }
        })
        .collect();
    let engine_hubs: Vec<Hub> = hubs
        .iter()
        .map(|h| Hub {
            name: h.name.clone(),
            fixed_cost: fixed,
            capacity: capacity.clone(),
            min_load: min_load.clone(),
            xy: Some(projection.xy(h.place.lat, h.place.lon)),
            own_unit: h.facility.and_then(|fi| {
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
        scenario.hub_count(),
        scenario.hubs == HubSource::Facilities,
    )?;
    Ok(Built {
        problem,
        units,
        hubs,
        fates,
        group_sets: sets,
        arc_km,
        projection,
    })
}

fn make_hubs(
    dataset: &Dataset,
    scenario: &Scenario,
    units: &[UnitInfo],
    n_sets: usize,
) -> Result<Vec<HubInfo>, BuildError> {
    let mut hubs = Vec::new();
    match scenario.hubs {
        HubSource::Facilities => {
            // One hub per facility and group set: several trade-group units of one
            // facility in one set share it.
            let mut seen = std::collections::HashSet::new();
            for u in units {
                if seen.insert((u.facility, u.group_set)) {
                    let f = &dataset.facilities[u.facility];
                    hubs.push(HubInfo {
                        place: facility_place(dataset, u.facility),
                        name: format!("{} {}", f.id, f.name),
                        area: Some(f.area.clone()),
                        facility: Some(u.facility),
                        group_set: u.group_set,
                    });
                }
            }
        }
        HubSource::Depots => {
            if dataset.depots.is_empty() {
                return Err(BuildError::NoDepots);
            }
            // A depot may serve any area; under within_area it gets one hub per area so
            // each bundle still stays inside one.
            let mut areas: Vec<Option<String>> = vec![None];
            if scenario.within_area {
                let mut a: Vec<String> = units
                    .iter()
                    .map(|u| dataset.facilities[u.facility].area.clone())
                    .collect();
                a.sort();
                a.dedup();
                areas = a.into_iter().map(Some).collect();
            }
            for d in &dataset.depots {
                for set in 0..n_sets {
                    for area in &areas {
                        hubs.push(HubInfo {
                            place: Place {
                                id: d.id.clone(),
                                lat: d.lat,
                                lon: d.lon,
                            },
                            name: match area {
                                Some(a) => format!("{} {} ({a})", d.id, d.name),
                                None => format!("{} {}", d.id, d.name),
                            },
                            area: area.clone(),
                            facility: None,
                            group_set: set,
                        });
                    }
                }
            }
        }
    }
    Ok(hubs)
}

/// Whether a trade's workers travel to the site on each visit.
pub fn travels(staffing: Staffing) -> bool {
    staffing == Staffing::Visit
}

#[cfg(test)]
pub(crate) mod tests;
