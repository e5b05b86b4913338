//! The figures `matome validate` prints about a dataset: facilities by area and kind,
//! lines by trade, contracts and their value, pinned lines, designated managers.

use crate::model::{Dataset, Operator};
use std::collections::{BTreeMap, BTreeSet};

/// Counts of what a dataset holds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    /// Facilities.
    pub facilities: usize,
    /// Distinct areas.
    pub areas: usize,
    /// Distinct (area, district) pairs.
    pub districts: usize,
    /// Facilities per area.
    pub facilities_by_area: BTreeMap<String, usize>,
    /// Facilities per kind.
    pub facilities_by_kind: BTreeMap<String, usize>,
    /// Facilities run by a designated manager.
    pub designated_manager_facilities: usize,
    /// Service lines.
    pub lines: usize,
    /// Service lines per trade key.
    pub lines_by_trade: BTreeMap<String, usize>,
    /// Pinned lines.
    pub lines_pinned: usize,
    /// Contracts.
    pub contracts: usize,
    /// Sum of the contracts' annual values, yen.
    pub contract_value_jpy: i64,
    /// Contracts covering lines at more than one facility.
    pub multi_facility_contracts: usize,
    /// Depots.
    pub depots: usize,
    /// Entries of travel.csv.
    pub travel_entries: usize,
}

impl Summary {
    /// The figures of a dataset as read (valid or not).
    pub fn of(ds: &Dataset) -> Summary {
        let mut s = Summary {
            facilities: ds.facilities.len(),
            lines: ds.lines.len(),
            contracts: ds.contracts.len(),
            depots: ds.depots.len(),
            travel_entries: ds.travel.len(),
            ..Summary::default()
        };
        let mut districts = BTreeSet::new();
        for f in &ds.facilities {
            *s.facilities_by_area.entry(f.area.clone()).or_default() += 1;
            *s.facilities_by_kind.entry(f.kind.clone()).or_default() += 1;
            districts.insert((f.area.as_str(), f.district.as_str()));
            if f.operator == Operator::DesignatedManager {
                s.designated_manager_facilities += 1;
            }
        }
        s.areas = s.facilities_by_area.len();
        s.districts = districts.len();
        let mut sites: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for l in &ds.lines {
            *s.lines_by_trade.entry(l.trade.clone()).or_default() += 1;
            s.lines_pinned += usize::from(l.pinned);
            sites
                .entry(&l.contract_id)
                .or_default()
                .insert(&l.facility_id);
        }
        s.multi_facility_contracts = ds
            .contracts
            .iter()
            .filter(|c| sites.get(c.id.as_str()).is_some_and(|f| f.len() > 1))
            .count();
        s.contract_value_jpy = ds.contracts.iter().map(|c| c.annual_value.0).sum();
        s
    }
}
