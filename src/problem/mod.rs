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
    /// The dataset has no service line at all.
    #[error("nothing to bundle: the dataset has no service lines (service_lines.csv has no rows); add the lines to plan")]
    NoServiceLines,
    /// Every line is pinned or excluded.
    #[error("nothing to bundle: every service line is pinned or excluded by the scenario")]
    NothingToBundle,
    /// Depot hubs were asked for, but the ward has none.
    #[error("scenario says hubs = \"depots\" but the dataset has no depots.csv rows")]
    NoDepots,
    /// `limits.min_bidders` cannot be met: too few firms can bid for a lot of these
    /// trades at any value.
    #[error("limits.min_bidders = {need}: {what}")]
    TooFewBidders {
        /// The scenario's minimum.
        need: usize,
        /// Which lot, its trades, and the firms that could bid for it.
        what: String,
    },
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
    /// Where `hub_kinds` could not serve: areas without a facility of those kinds (any
    /// facility there may be a centre, "砧 地域 area") and facilities no allowed centre
    /// can serve, which get a hub of their own ("F09 用賀西公園"); empty normally.
    pub hub_fallback: Vec<String>,
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

/// What an earlier plan asks of a new one (`matome plan --from`): per facility the hub
/// id of its earlier bundle, the facilities of locked bundles with their hub, and the
/// yearly cost counted for each facility moved.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Continuity {
    /// Facility index → hub id (facility or depot id) of its earlier bundle.
    pub earlier_hub: std::collections::HashMap<usize, String>,
    /// Facility index → hub id it must stay with (its bundle is locked).
    pub locked: std::collections::HashMap<usize, String>,
    /// Hub ids of locked bundles: no other facility may join them.
    pub locked_hubs: std::collections::HashSet<String>,
    /// Yen a year per facility served from another hub than before.
    pub change_cost: f64,
}

/// Builds the engine problem. Deterministic: units follow facility file order, hubs
/// follow unit order (or depot order), arcs follow hub order.
pub fn build(ward: &Ward, scenario: &Scenario, staff: &StaffModel) -> Result<Built, BuildError> {
    build_continuing(ward, scenario, staff, None)
}

/// `build`, continuing an earlier plan: a unit may only be served from its locked
/// bundle's hub, no other unit from a locked hub, and an arc to another hub than the
/// unit's earlier one costs `change_cost` more (per unit, shared like administration
/// when a facility has several units).
pub fn build_continuing(
    ward: &Ward,
    scenario: &Scenario,
    staff: &StaffModel,
    continuity: Option<&Continuity>,
) -> Result<Built, BuildError> {
    let sets = group_sets(ward.trades(), scenario)?;
    let (units, fates) = units::make_units(ward, scenario, &sets);
    if ward.lines().is_empty() {
        return Err(BuildError::NoServiceLines);
    }
    if units.is_empty() {
        return Err(BuildError::NothingToBundle);
    }
    let (mut hubs, mut hub_fallback) = hubs::make_hubs(ward, scenario, &units, sets.len())?;
    let travel = ward.travel(scenario.costs.detour_factor);

    let yen_h = scenario.costs.yen_per_staff_hour;
    let yen_km = scenario.costs.yen_per_km;
    let free_year = end_years(ward, scenario, &units);
    let mixing = scenario
        .phase
        .as_ref()
        .map_or(0.0, |p| p.end_year_mixing_jpy);
    // Arcs of every unit to `hubs`: trade-group set, lock, area, distance, and their
    // yearly cost. A closure because hub_kinds may add fallback hubs (below).
    let arcs_for = |hubs: &[HubInfo]| -> Vec<Vec<(u32, f64)>> {
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
            let earlier = continuity.and_then(|c| c.earlier_hub.get(&u.facility));
            let locked = continuity.and_then(|c| c.locked.get(&u.facility));
            for (h, hub) in hubs.iter().enumerate() {
                if hub.group_set != u.group_set {
                    continue;
                }
                let hub_id = ward.site_id(hub.site);
                if let Some(c) = continuity {
                    match locked {
                        Some(l) if l != hub_id => continue,
                        None if c.locked_hubs.contains(hub_id) => continue,
                        _ => {}
                    }
                }
                let change = match (continuity, earlier) {
                    (Some(c), Some(e)) if e != hub_id => c.change_cost * u.facility_share,
                    _ => 0.0,
                };
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
                    round_trips_km(u.visits, km) * yen_km + admin + change + mix,
                ));
            }
            per_unit.push(costs);
        }
        per_unit
    };
    let mut per_unit = arcs_for(&hubs);
    // Under hub_kinds, a unit that no allowed centre can serve (none in reach, or only
    // hubs that cannot open because their own facility is locked into another bundle)
    // may be served from a hub at its own facility; the plan says which.
    if !scenario.hub_kinds.is_empty() && scenario.hubs == HubSource::Facilities {
        let unusable = |h: &HubInfo| {
            let (Some(f), Some(c)) = (h.facility(), continuity) else {
                return false;
            };
            c.locked.get(&f).is_some_and(|l| l != ward.site_id(h.site))
        };
        let mut extra = Vec::new();
        for (ui, arcs) in per_unit.iter().enumerate() {
            if arcs.iter().all(|&(h, _)| unusable(&hubs[h as usize])) {
                let u = &units[ui];
                let f = &ward.facilities()[u.facility];
                let taken = hubs.iter().chain(extra.iter()).any(|h: &HubInfo| {
                    h.facility() == Some(u.facility) && h.group_set == u.group_set
                });
                if !taken {
                    extra.push(HubInfo {
                        site: Site::Facility(u.facility),
                        name: format!("{} {}", f.id, f.name),
                        area: Some(f.area.clone()),
                        group_set: u.group_set,
                    });
                    hub_fallback.push(format!("{} {}", f.id, f.name));
                }
            }
        }
        if !extra.is_empty() {
            hubs.extend(extra);
            per_unit = arcs_for(&hubs);
        }
    }

    let l = &scenario.limits;
    let capacity = vec![
        l.max_labour_hours.unwrap_or(f64::INFINITY),
        l.max_value_jpy.map_or(f64::INFINITY, |v| v as f64),
        l.max_facilities.map_or(f64::INFINITY, |v| v as f64),
    ];
    let mut min_load = vec![0.0, l.min_value_jpy.map_or(0.0, |v| v as f64), 0.0];
    let bidding = bidder_caps(ward, scenario, &units, &hubs, &sets)?;
    let mut dims: Vec<String> = vec![
        "annual labour hours".into(),
        "annual value (yen)".into(),
        "facilities".into(),
    ];
    dims.extend(bidding.dims.iter().map(|d| format!("lot value (yen): {d}")));
    min_load.extend(std::iter::repeat_n(0.0, bidding.dims.len()));
    let fixed = staff.bundle_fixed_hours() * yen_h;
    let engine_units: Vec<Unit> = units
        .iter()
        .enumerate()
        .map(|(i, u)| {
            let mut load = vec![u.hours, u.value as f64, 1.0];
            load.extend(&bidding.unit_load[i]);
            Unit {
                name: u.label(ward, &sets),
                load,
                xy: Some(ward.xy(Site::Facility(u.facility))),
            }
        })
        .collect();
    let engine_hubs: Vec<Hub> = hubs
        .iter()
        .enumerate()
        .map(|(i, h)| Hub {
            name: h.name.clone(),
            fixed_cost: fixed,
            capacity: {
                let mut c = capacity.clone();
                c[DIM_VALUE] = c[DIM_VALUE].min(bidding.hub_value_cap[i]);
                c.extend(&bidding.hub_caps[i]);
                c
            },
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
        dims,
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
        hub_fallback,
    })
}

/// Per unit: the first fiscal year in which all its lines are free, held within the
/// phase-in period (first year … last year + 1); all zero without `[phase]`.
fn end_years(ward: &Ward, scenario: &Scenario, units: &[UnitInfo]) -> Vec<i32> {
    let Some(p) = &scenario.phase else {
        return vec![0; units.len()];
    };
    units
        .iter()
        .map(|u| ward.free_year(p.years(), &u.lines))
        .collect()
}

/// What `limits.min_bidders` adds to the engine problem: a value cap per hub (every
/// lot of a bundle then has at least k qualified bidders) and, for `lots = by_trade` or
/// `by_area`, one extra value dimension per lot kind with its cap.
struct BidderCaps {
    /// The extra dimensions' names (a trade group or an area).
    dims: Vec<String>,
    /// Per unit, its load on each extra dimension.
    unit_load: Vec<Vec<f64>>,
    /// Per hub, the cap on the whole bundle's value.
    hub_value_cap: Vec<f64>,
    /// Per hub, the cap on each extra dimension.
    hub_caps: Vec<Vec<f64>>,
}

/// Translates `limits.min_bidders = k` into capacities the engine enforces. A firm that
/// performs every trade of a lot (or is prime-capable) and is qualified for a value v
/// can bid for any lot of those trades worth at most v; so capping a lot's value at the
/// k-th largest qualification among the firms that can do all the trades the lot may
/// hold guarantees k bidders. Trades a lot may hold: those of its trade-group set
/// (whole bundles, and area lots) or of its trade group (`by_trade` lots), as present
/// among the bundleable lines. Conservative: a bundle with fewer trades may have more
/// bidders than its cap assumes. Errs, naming the trades and the firms, when fewer
/// than k firms can do a lot's trades at any value.
fn bidder_caps(
    ward: &Ward,
    scenario: &Scenario,
    units: &[UnitInfo],
    hubs: &[HubInfo],
    sets: &[Vec<String>],
) -> Result<BidderCaps, BuildError> {
    use crate::scenario::Lots;
    use std::collections::{BTreeMap, BTreeSet};
    let mut caps = BidderCaps {
        dims: Vec::new(),
        unit_load: vec![Vec::new(); units.len()],
        hub_value_cap: vec![f64::INFINITY; hubs.len()],
        hub_caps: vec![Vec::new(); hubs.len()],
    };
    let Some(k) = scenario.limits.min_bidders else {
        return Ok(caps);
    };
    let market = crate::market::Market::of(ward);
    let catalogue = &ward.trades().trades;
    let lines = ward.lines();
    let keys = |t: &BTreeSet<usize>| {
        t.iter()
            .map(|&i| catalogue[i].key.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let short = |need: usize, what: String, trades: &BTreeSet<usize>| {
        let able: Vec<String> = market
            .firms
            .iter()
            .filter(|f| f.prime_capable || trades.is_subset(&f.trades))
            .map(|f| match f.max_value {
                Some(v) => format!(
                    "{} (up to ¥{})",
                    f.name,
                    crate::text::thousands(v.round() as i64)
                ),
                None => f.name.clone(),
            })
            .collect();
        let source = if market.derived {
            "firms derived from contracts.csv (no vendors.csv: add one to name prime-capable firms and their grades)"
        } else {
            "firms of vendors.csv"
        };
        BuildError::TooFewBidders {
            need,
            what: format!(
                "{what} needs firms that perform {} or are prime-capable; the {source} have {}: {}. Lower limits.min_bidders, split the lots (lots = \"by_trade\"), keep the trade groups apart ([trade_groups]) or add firms",
                keys(trades),
                able.len(),
                if able.is_empty() { "none".to_string() } else { able.join("; ") }
            ),
        }
    };
    // Trades present per trade-group set, and per trade group.
    let mut set_trades: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); sets.len()];
    let mut group_trades: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
    for u in units {
        for &l in &u.lines {
            let t = lines[l].trade;
            set_trades[u.group_set].insert(t);
            group_trades
                .entry(catalogue[t].group.clone())
                .or_default()
                .insert(t);
        }
    }
    let mut set_cap = vec![f64::INFINITY; sets.len()];
    if scenario.lots != Lots::ByTrade {
        for (s, trades) in set_trades.iter().enumerate() {
            if trades.is_empty() {
                continue;
            }
            set_cap[s] = market.value_cap(trades, k).ok_or_else(|| {
                short(
                    k,
                    format!("a bundle of trade groups {}", sets[s].join("+")),
                    trades,
                )
            })?;
        }
    }
    match scenario.lots {
        Lots::Whole => {
            for (h, hub) in hubs.iter().enumerate() {
                caps.hub_value_cap[h] = set_cap[hub.group_set];
            }
        }
        Lots::ByTrade => {
            let groups: Vec<(String, f64)> = group_trades
                .iter()
                .map(|(g, trades)| {
                    market
                        .value_cap(trades, k)
                        .map(|c| (g.clone(), c))
                        .ok_or_else(|| short(k, format!("a lot of trade group {g}"), trades))
                })
                .collect::<Result<_, _>>()?;
            caps.dims = groups.iter().map(|(g, _)| g.clone()).collect();
            for (i, u) in units.iter().enumerate() {
                caps.unit_load[i] = groups
                    .iter()
                    .map(|(g, _)| {
                        u.lines
                            .iter()
                            .filter(|&&l| &catalogue[lines[l].trade].group == g)
                            .map(|&l| lines[l].annual_cost.0 as f64)
                            .sum()
                    })
                    .collect();
            }
            for h in 0..hubs.len() {
                caps.hub_caps[h] = groups.iter().map(|(_, c)| *c).collect();
            }
        }
        Lots::ByArea => {
            caps.dims = ward.areas().to_vec();
            for (i, u) in units.iter().enumerate() {
                let area = &ward.facilities()[u.facility].area;
                caps.unit_load[i] = caps
                    .dims
                    .iter()
                    .map(|a| if a == area { u.value as f64 } else { 0.0 })
                    .collect();
            }
            for (h, hub) in hubs.iter().enumerate() {
                caps.hub_caps[h] = vec![set_cap[hub.group_set]; caps.dims.len()];
            }
        }
    }
    Ok(caps)
}

#[cfg(test)]
mod tests;
