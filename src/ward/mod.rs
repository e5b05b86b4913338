//! The resolved ward: what validation hands to planning. Every foreign key of the
//! dataset is an index here (a line knows its facility, its trade and its contract),
//! each contract knows its lines, and what every plan of the ward needs is built once
//! and owned here: the road matrix (`travel.csv`) by site and the map projection.
//!
//! A `Ward` is only made by `Ward::resolve`, which refuses a dangling key, so code
//! above this layer (`problem`, `plan`, `report`) never looks an id up and never
//! re-checks what validation has checked.

mod travel;

pub use travel::{round_trips_km, Site, Travel};

use crate::geo::Projection;
use crate::model::{Contract, Dataset, Depot, Facility, Trade, TradeCatalogue, Vendor};
use crate::units::{Hours, Yen};
use std::collections::HashMap;
use thiserror::Error;

/// A service line with its keys resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// `line_id`.
    pub id: String,
    /// Index into `Ward::facilities`.
    pub facility: usize,
    /// Index into the trade catalogue (`Ward::trades`).
    pub trade: usize,
    /// Index into `Ward::contracts`; `None` for work not let today (warning W0207).
    pub contract: Option<usize>,
    /// Visits a year.
    pub visits_per_year: f64,
    /// On-site labour hours of one visit.
    pub hours_per_visit: Hours,
    /// What the line costs today, yen a year.
    pub annual_cost: Yen,
    /// Must stay in its own contract.
    pub pinned: bool,
}

impl Line {
    /// Annual on-site labour hours of this line.
    pub fn annual_hours(&self) -> Hours {
        self.hours_per_visit * self.visits_per_year
    }
}

/// A key of the dataset that names nothing. Validation reports each of these with its
/// file and line first (E0202, E0203, E0204, E0403), so a validated dataset never
/// meets one; `resolve` refuses them for datasets built in code.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ResolveError {
    /// A line names a facility that does not exist.
    #[error("line '{line}' names facility '{facility}', which is not in facilities.csv")]
    UnknownFacility {
        /// The line's id.
        line: String,
        /// The facility id it names.
        facility: String,
    },
    /// A line names a trade missing from the catalogue.
    #[error("line '{line}' names trade '{trade}', which is not in the trade catalogue")]
    UnknownTrade {
        /// The line's id.
        line: String,
        /// The trade key it names.
        trade: String,
    },
    /// A line names a contract that does not exist.
    #[error("line '{line}' names contract '{contract}', which is not in contracts.csv")]
    UnknownContract {
        /// The line's id.
        line: String,
        /// The contract id it names.
        contract: String,
    },
    /// travel.csv names an id that is neither a facility nor a depot.
    #[error("travel.csv names '{0}', which is neither a facility_id nor a depot_id")]
    UnknownSite(String),
}

/// A dataset with its keys resolved and its trade catalogue, ready to plan.
#[derive(Debug, Clone)]
pub struct Ward {
    facilities: Vec<Facility>,
    lines: Vec<Line>,
    contracts: Vec<Contract>,
    depots: Vec<Depot>,
    vendors: Vec<Vendor>,
    trades: TradeCatalogue,
    /// For each contract, its lines in file order.
    contract_lines: Vec<Vec<usize>>,
    /// Areas in facilities.csv order of first appearance.
    areas: Vec<String>,
    /// For each facility, its index into `areas`.
    facility_area: Vec<usize>,
    /// `travel.csv` by site pair, one entry per direction given.
    road_km: HashMap<(Site, Site), f64>,
    projection: Projection,
}

impl Ward {
    /// Resolves every key of `dataset` against its own rows and the trade catalogue.
    /// Ids are unique in a validated dataset; were one repeated, its last row would win.
    pub fn resolve(dataset: Dataset, trades: TradeCatalogue) -> Result<Ward, ResolveError> {
        let Dataset {
            facilities,
            lines,
            contracts,
            depots,
            vendors,
            travel,
        } = dataset;
        let facility_of = index(facilities.iter().map(|f| f.id.as_str()));
        let contract_of = index(contracts.iter().map(|c| c.id.as_str()));
        let depot_of = index(depots.iter().map(|d| d.id.as_str()));
        // The first trade with a key, as `TradeCatalogue::get` finds it.
        let mut trade_of: HashMap<&str, usize> = HashMap::new();
        for (i, t) in trades.trades.iter().enumerate() {
            trade_of.entry(t.key.as_str()).or_insert(i);
        }

        let mut resolved = Vec::with_capacity(lines.len());
        let mut contract_lines = vec![Vec::new(); contracts.len()];
        for l in lines {
            let facility = *facility_of.get(l.facility_id.as_str()).ok_or_else(|| {
                ResolveError::UnknownFacility {
                    line: l.id.clone(),
                    facility: l.facility_id.clone(),
                }
            })?;
            let trade =
                *trade_of
                    .get(l.trade.as_str())
                    .ok_or_else(|| ResolveError::UnknownTrade {
                        line: l.id.clone(),
                        trade: l.trade.clone(),
                    })?;
            let contract = if l.contract_id.is_empty() {
                None
            } else {
                let c = *contract_of.get(l.contract_id.as_str()).ok_or_else(|| {
                    ResolveError::UnknownContract {
                        line: l.id.clone(),
                        contract: l.contract_id.clone(),
                    }
                })?;
                contract_lines[c].push(resolved.len());
                Some(c)
            };
            resolved.push(Line {
                id: l.id,
                facility,
                trade,
                contract,
                visits_per_year: l.visits_per_year,
                hours_per_visit: l.hours_per_visit,
                annual_cost: l.annual_cost,
                pinned: l.pinned,
            });
        }

        let site = |id: &str| {
            facility_of
                .get(id)
                .map(|&i| Site::Facility(i))
                .or_else(|| depot_of.get(id).map(|&i| Site::Depot(i)))
                .ok_or_else(|| ResolveError::UnknownSite(id.to_string()))
        };
        let mut road_km = HashMap::with_capacity(travel.len());
        for ((from, to), entry) in &travel {
            road_km.insert((site(from.as_str())?, site(to.as_str())?), entry.km.0);
        }

        let mut areas: Vec<String> = Vec::new();
        let mut facility_area = Vec::with_capacity(facilities.len());
        for f in &facilities {
            let a = match areas.iter().position(|a| *a == f.area) {
                Some(a) => a,
                None => {
                    areas.push(f.area.clone());
                    areas.len() - 1
                }
            };
            facility_area.push(a);
        }
        let projection = Projection::around(
            &facilities
                .iter()
                .map(|f| (f.lat, f.lon))
                .collect::<Vec<_>>(),
        );
        Ok(Ward {
            facilities,
            lines: resolved,
            contracts,
            depots,
            vendors,
            trades,
            contract_lines,
            areas,
            facility_area,
            road_km,
            projection,
        })
    }

    /// The facilities, in facilities.csv order.
    pub fn facilities(&self) -> &[Facility] {
        &self.facilities
    }

    /// The service lines, in service_lines.csv order.
    pub fn lines(&self) -> &[Line] {
        &self.lines
    }

    /// Today's contracts, in contracts.csv order.
    pub fn contracts(&self) -> &[Contract] {
        &self.contracts
    }

    /// The depots, in depots.csv order (empty without the file).
    pub fn depots(&self) -> &[Depot] {
        &self.depots
    }

    /// The firms of vendors.csv, in file order; empty when the dataset has none.
    pub fn vendors(&self) -> &[Vendor] {
        &self.vendors
    }

    /// The trade catalogue the lines' trades index.
    pub fn trades(&self) -> &TradeCatalogue {
        &self.trades
    }

    /// The lines a contract covers, in file order (empty for a contract without lines,
    /// warning W0305).
    pub fn contract_lines(&self, contract: usize) -> &[usize] {
        &self.contract_lines[contract]
    }

    /// The facility of a line.
    pub fn facility_of(&self, line: &Line) -> &Facility {
        &self.facilities[line.facility]
    }

    /// The trade of a line.
    pub fn trade_of(&self, line: &Line) -> &Trade {
        &self.trades.trades[line.trade]
    }

    /// The contract of a line, when it has one today.
    pub fn contract_of(&self, line: &Line) -> Option<&Contract> {
        line.contract.map(|c| &self.contracts[c])
    }

    /// The first fiscal year of `years` in which every contract of `lines` has ended
    /// (the year after `years` when one runs past it; its first year when none has a
    /// contract): when a bundle of these lines can start without cutting a contract.
    pub fn free_year(&self, years: std::ops::RangeInclusive<i32>, lines: &[usize]) -> i32 {
        let (first, after) = (*years.start(), *years.end() + 1);
        lines
            .iter()
            .filter_map(|&l| self.contract_of(&self.lines[l]))
            .map(|c| c.end.first_fiscal_year_after())
            .max()
            .unwrap_or(first)
            .clamp(first, after)
    }

    /// Whether the workers of a line travel to its site on each visit.
    pub fn is_visited(&self, line: &Line) -> bool {
        self.trade_of(line).staffing.travels()
    }

    /// The areas, in facilities.csv order of first appearance.
    pub fn areas(&self) -> &[String] {
        &self.areas
    }

    /// The index into `areas` of a facility's area.
    pub fn area_of(&self, facility: usize) -> usize {
        self.facility_area[facility]
    }

    /// The id of a site (`facility_id` or `depot_id`).
    pub fn site_id(&self, site: Site) -> &str {
        match site {
            Site::Facility(f) => &self.facilities[f].id,
            Site::Depot(d) => &self.depots[d].id,
        }
    }

    /// The (latitude, longitude) of a site.
    pub fn lat_lon(&self, site: Site) -> (f64, f64) {
        match site {
            Site::Facility(f) => (self.facilities[f].lat, self.facilities[f].lon),
            Site::Depot(d) => (self.depots[d].lat, self.depots[d].lon),
        }
    }

    /// The ward's map projection (x east, y north, km), centred on its facilities.
    pub fn projection(&self) -> &Projection {
        &self.projection
    }

    /// A site on the projected map.
    pub fn xy(&self, site: Site) -> [f64; 2] {
        let (lat, lon) = self.lat_lon(site);
        self.projection.xy(lat, lon)
    }

    /// The travel model of a plan whose scenario uses `detour` (road km over
    /// great-circle km where travel.csv lacks a pair).
    pub fn travel(&self, detour: f64) -> Travel<'_> {
        Travel::new(self, detour)
    }
}

/// Row index by id.
fn index<'a>(ids: impl Iterator<Item = &'a str>) -> HashMap<&'a str, usize> {
    ids.enumerate().map(|(i, id)| (id, i)).collect()
}

#[cfg(test)]
pub(crate) mod tests;
