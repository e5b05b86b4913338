//! Which lines are bundleable and how they form units: exclusions (designated
//! managers, kinds, facilities, trades), pinned lines, trade-group sets.

use super::BuildError;
use crate::model::{Operator, TradeCatalogue};
use crate::scenario::{Scenario, UnitKind};
use crate::ward::Ward;
use std::collections::BTreeMap;

/// Why a line keeps its current contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exclusion {
    /// Its facility is run by a designated manager.
    DesignatedManager,
    /// Its facility's kind is excluded.
    Kind,
    /// Its facility is excluded.
    Facility,
    /// Its trade is excluded.
    Trade,
}

impl Exclusion {
    /// The reason as written in assignments.csv.
    pub fn key(self) -> &'static str {
        match self {
            Exclusion::DesignatedManager => "designated_manager",
            Exclusion::Kind => "excluded_kind",
            Exclusion::Facility => "excluded_facility",
            Exclusion::Trade => "excluded_trade",
        }
    }
}

/// What becomes of one service line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineFate {
    /// Bundled as part of this unit.
    Unit(usize),
    /// Pinned: stays in its contract.
    Pinned,
    /// Left out by the scenario.
    Excluded(Exclusion),
}

/// One unit of the engine problem in ward terms.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitInfo {
    /// Index into `Ward::facilities`.
    pub facility: usize,
    /// Index into `Built::group_sets`.
    pub group_set: usize,
    /// For `facility_trade_group` units, the trade group; None for whole facilities.
    pub group: Option<String>,
    /// Indices into `Ward::lines`.
    pub lines: Vec<usize>,
    /// Distinct trade keys, sorted.
    pub trades: Vec<String>,
    /// Annual on-site labour hours.
    pub hours: f64,
    /// Annual value today, yen.
    pub value: i64,
    /// Visits a year of lines whose workers travel (stationed and remote trades do not).
    pub visits: f64,
    /// This unit's share of its facility (1 / units of the facility), so per-facility
    /// administration is counted once per facility.
    pub facility_share: f64,
}

impl UnitInfo {
    /// "F012 世田谷小学校" or "F012 世田谷小学校 [cleaning]".
    pub fn label(&self, ward: &Ward, sets: &[Vec<String>]) -> String {
        let f = &ward.facilities()[self.facility];
        match (&self.group, sets.len()) {
            (Some(g), _) => format!("{} {} [{g}]", f.id, f.name),
            (None, 1) => format!("{} {}", f.id, f.name),
            (None, _) => format!("{} {} [{}]", f.id, f.name, sets[self.group_set].join("+")),
        }
    }
}

/// The sets of trade groups that may share a bundle, in catalogue order.
pub fn group_sets(
    trades: &TradeCatalogue,
    scenario: &Scenario,
) -> Result<Vec<Vec<String>>, BuildError> {
    let mut groups: Vec<String> = Vec::new();
    for t in &trades.trades {
        if !groups.contains(&t.group) {
            groups.push(t.group.clone());
        }
    }
    let together = &scenario.trade_groups.together;
    if together.is_empty() {
        return Ok(vec![groups]);
    }
    for g in together.iter().flatten() {
        if !groups.contains(g) {
            return Err(BuildError::UnknownGroup(g.clone()));
        }
    }
    let mut sets: Vec<Vec<String>> = together.iter().filter(|s| !s.is_empty()).cloned().collect();
    for g in groups {
        if !together.iter().flatten().any(|x| *x == g) {
            sets.push(vec![g]);
        }
    }
    Ok(sets)
}

/// The units of a scenario and, per line, what becomes of it.
pub(super) fn make_units(
    ward: &Ward,
    scenario: &Scenario,
    sets: &[Vec<String>],
) -> (Vec<UnitInfo>, Vec<LineFate>) {
    let ex = &scenario.exclude;
    let lines = ward.lines();
    let mut fates = vec![LineFate::Pinned; lines.len()];
    // (facility, key) -> lines, where key orders a facility's units by set or group.
    let mut groups: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new();
    let group_order: Vec<&String> = sets.iter().flatten().collect();
    for (li, line) in lines.iter().enumerate() {
        let fi = line.facility;
        let trade = ward.trade_of(line);
        let f = &ward.facilities()[fi];
        let exclusion =
            if f.operator == Operator::DesignatedManager && !ex.include_designated_managers {
                Some(Exclusion::DesignatedManager)
            } else if ex.facilities.contains(&f.id) {
                Some(Exclusion::Facility)
            } else if ex.kinds.contains(&f.kind) {
                Some(Exclusion::Kind)
            } else if ex.trades.contains(&trade.key) {
                Some(Exclusion::Trade)
            } else {
                None
            };
        if let Some(e) = exclusion {
            fates[li] = LineFate::Excluded(e);
            continue;
        }
        if line.pinned {
            continue;
        }
        let set = sets
            .iter()
            .position(|s| s.contains(&trade.group))
            .expect("every catalogue group is in a set");
        let key = match scenario.unit {
            UnitKind::Facility => set,
            UnitKind::FacilityTradeGroup => group_order
                .iter()
                .position(|g| **g == trade.group)
                .expect("group listed"),
        };
        groups.entry((fi, key)).or_default().push(li);
    }

    let mut units = Vec::with_capacity(groups.len());
    let mut per_facility: BTreeMap<usize, usize> = BTreeMap::new();
    for ((fi, key), members) in groups {
        let (group_set, group) = match scenario.unit {
            UnitKind::Facility => (key, None),
            UnitKind::FacilityTradeGroup => {
                let g = group_order[key].clone();
                (
                    sets.iter()
                        .position(|s| s.contains(&g))
                        .expect("group in a set"),
                    Some(g),
                )
            }
        };
        let mut trade_keys: Vec<String> = members
            .iter()
            .map(|&l| ward.trade_of(&lines[l]).key.clone())
            .collect();
        trade_keys.sort();
        trade_keys.dedup();
        let hours = members.iter().map(|&l| lines[l].annual_hours().0).sum();
        let value = members.iter().map(|&l| lines[l].annual_cost.0).sum();
        let visits = members
            .iter()
            .filter(|&&l| ward.is_visited(&lines[l]))
            .map(|&l| lines[l].visits_per_year)
            .sum();
        for &l in &members {
            fates[l] = LineFate::Unit(units.len());
        }
        *per_facility.entry(fi).or_default() += 1;
        units.push(UnitInfo {
            facility: fi,
            group_set,
            group,
            lines: members,
            trades: trade_keys,
            hours,
            value,
            visits,
            facility_share: 1.0,
        });
    }
    for u in &mut units {
        u.facility_share = 1.0 / per_facility[&u.facility] as f64;
    }
    (units, fates)
}
