//! The ward's domain: facilities, service lines, current contracts, the trade catalogue
//! and optional depots and travel matrix. Plain data, read by `io`, validated by
//! `validate`, turned into an engine problem by `problem`. No I/O here.

use crate::units::{Hours, Km, Yen};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Who runs a facility today. A designated manager (指定管理者) already maintains its
/// facility, so those are outside bundling unless a scenario says otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Operator {
    Direct,
    DesignatedManager,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Procurement {
    Competitive,
    Negotiated,
}

/// How a trade's workers reach the site: stationed on site (no travel), visiting
/// (travel per visit) or remote (monitoring; no travel per visit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Staffing {
    Stationed,
    Visit,
    Remote,
}

/// A calendar date (ISO 8601, `YYYY-MM-DD`), validated when read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Facility {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub area: String,
    pub district: String,
    pub lat: f64,
    pub lon: f64,
    pub floor_area_m2: Option<f64>,
    pub operator: Operator,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceLine {
    pub id: String,
    pub facility_id: String,
    pub trade: String,
    pub visits_per_year: f64,
    pub hours_per_visit: Hours,
    pub annual_cost: Yen,
    pub contract_id: String,
    pub pinned: bool,
}

impl ServiceLine {
    /// Annual on-site labour hours of this line.
    pub fn annual_hours(&self) -> Hours {
        self.hours_per_visit * self.visits_per_year
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contract {
    pub id: String,
    pub vendor: String,
    pub annual_value: Yen,
    pub payments_per_year: u32,
    pub procurement: Procurement,
    pub start: Date,
    pub end: Date,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Depot {
    pub id: String,
    pub name: String,
    pub lat: f64,
    pub lon: f64,
}

/// One entry of a road-network matrix (`travel.csv`), one direction.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TravelEntry {
    pub km: Km,
    pub minutes: f64,
}

/// A trade of the catalogue (`models/trades.toml`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trade {
    pub key: String,
    pub name_ja: String,
    pub name_en: String,
    /// Trade group (e.g. `cleaning`, `inspection`, `greenery`); scenarios say which
    /// groups may share a bundle.
    pub group: String,
    pub qualification: String,
    pub staffing: Staffing,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TradeCatalogue {
    pub trades: Vec<Trade>,
}

impl TradeCatalogue {
    pub fn get(&self, key: &str) -> Option<&Trade> {
        self.trades.iter().find(|t| t.key == key)
    }
}

/// A dataset folder, read whole. Rows keep file order; the maps index them by id.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    pub facilities: Vec<Facility>,
    pub lines: Vec<ServiceLine>,
    pub contracts: Vec<Contract>,
    pub depots: Vec<Depot>,
    /// Road-network distances keyed by (from_id, to_id); empty when there is no
    /// `travel.csv`.
    pub travel: HashMap<(String, String), TravelEntry>,
}

impl Dataset {
    pub fn facility_index(&self) -> HashMap<&str, usize> {
        self.facilities.iter().enumerate().map(|(i, f)| (f.id.as_str(), i)).collect()
    }
    pub fn contract_index(&self) -> HashMap<&str, usize> {
        self.contracts.iter().enumerate().map(|(i, c)| (c.id.as_str(), i)).collect()
    }
}
