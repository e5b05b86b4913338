//! The ward's domain as read: facilities, service lines, current contracts, the trade
//! catalogue and optional depots and travel matrix. Plain data with keys as strings,
//! read by `io`, checked by `validate` and resolved into a `ward::Ward` (keys become
//! indices) for planning. No I/O here.

use crate::units::{Hours, Km, Yen};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Who runs a facility today. A designated manager (指定管理者) already maintains its
/// facility, so those are outside bundling unless a scenario says otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Operator {
    /// Run by the ward itself (`direct`).
    Direct,
    /// Run by a designated manager (`designated_manager`).
    DesignatedManager,
}

/// How a contract was let.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Procurement {
    /// Competitive tender (`competitive`).
    Competitive,
    /// Negotiated with one vendor (`negotiated`).
    Negotiated,
}

/// How a trade's workers reach the site: stationed on site (no travel), visiting
/// (travel per visit) or remote (monitoring; no travel per visit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Staffing {
    /// Workers are on site every day (daily cleaning, custodial work).
    Stationed,
    /// Workers drive to the site for each visit.
    Visit,
    /// Monitored remotely (security systems).
    Remote,
}

impl Staffing {
    /// Whether the workers travel to the site on each visit.
    pub fn travels(self) -> bool {
        self == Staffing::Visit
    }
}

/// A calendar date (ISO 8601, `YYYY-MM-DD`), validated when read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Date {
    /// Year, e.g. 2026.
    pub year: i32,
    /// Month, 1 to 12.
    pub month: u8,
    /// Day of the month, from 1.
    pub day: u8,
}

impl Date {
    /// The first Japanese fiscal year (April–March, named by the year it starts) that
    /// begins after this date: a contract ending on 31 March 2026 frees its lines for
    /// FY2026, one ending on 30 September 2026 for FY2027.
    pub fn first_fiscal_year_after(self) -> i32 {
        if self.month >= 4 {
            self.year + 1
        } else {
            self.year
        }
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A row of facilities.csv.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Facility {
    /// `facility_id`, unique among facilities and depots.
    pub id: String,
    /// The facility's name.
    pub name: String,
    /// Kind, e.g. `elementary_school` (scenarios may exclude kinds).
    pub kind: String,
    /// Branch-office area (支所).
    pub area: String,
    /// District (地区) inside the area.
    pub district: String,
    /// Latitude, WGS84 degrees.
    pub lat: f64,
    /// Longitude, WGS84 degrees.
    pub lon: f64,
    /// Floor area, m², when known.
    pub floor_area_m2: Option<f64>,
    /// Who runs it today.
    pub operator: Operator,
}

/// A row of service_lines.csv: one trade at one facility.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceLine {
    /// `line_id`.
    pub id: String,
    /// The facility it serves (`facility_id`).
    pub facility_id: String,
    /// The trade key (`models/trades.toml`).
    pub trade: String,
    /// Visits a year.
    pub visits_per_year: f64,
    /// On-site labour hours of one visit.
    pub hours_per_visit: Hours,
    /// What the line costs today, yen a year.
    pub annual_cost: Yen,
    /// The current contract covering it; empty for work not let today.
    pub contract_id: String,
    /// Must stay in its own contract.
    pub pinned: bool,
}

/// A row of contracts.csv: one of today's contracts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contract {
    /// `contract_id`.
    pub id: String,
    /// The vendor holding it.
    pub vendor: String,
    /// Annual value, yen.
    pub annual_value: Yen,
    /// Invoices paid a year.
    pub payments_per_year: u32,
    /// How it was let.
    pub procurement: Procurement,
    /// First day of the term.
    pub start: Date,
    /// Last day of the term.
    pub end: Date,
}

/// A row of depots.csv: a base a bundle may be served from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Depot {
    /// `depot_id`, unique among facilities and depots.
    pub id: String,
    /// The depot's name.
    pub name: String,
    /// Latitude, WGS84 degrees.
    pub lat: f64,
    /// Longitude, WGS84 degrees.
    pub lon: f64,
}

/// A row of vendors.csv: a firm that holds or may bid for the ward's contracts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Vendor {
    /// `vendor_id`; contracts.csv's `vendor` names it or its `name`.
    pub id: String,
    /// The firm's name (商号).
    pub name: String,
    /// Based in the ward (区内業者).
    pub in_ward: bool,
    /// Where it is based, when known.
    pub lat: Option<f64>,
    /// Where it is based, when known.
    pub lon: Option<f64>,
    /// The trades it performs itself (keys of the catalogue).
    pub trades: Vec<String>,
    /// A facility-management firm that takes comprehensive contracts and subcontracts
    /// the trades it lacks.
    pub prime_capable: bool,
    /// The largest annual contract value it is qualified for (格付け), when known.
    pub max_annual_value: Option<Yen>,
}

/// One entry of a road-network matrix (`travel.csv`), one direction.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TravelEntry {
    /// Road distance.
    pub km: Km,
    /// Driving time, minutes.
    pub minutes: f64,
}

/// A trade of the catalogue (`models/trades.toml`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trade {
    /// The key service lines name, e.g. `fire_equipment`.
    pub key: String,
    /// Japanese name.
    pub name_ja: String,
    /// English name.
    pub name_en: String,
    /// Trade group (e.g. `cleaning`, `inspection`, `greenery`); scenarios say which
    /// groups may share a bundle.
    pub group: String,
    /// Qualification the work requires, or empty.
    pub qualification: String,
    /// How its workers reach the site.
    pub staffing: Staffing,
}

/// The trade catalogue, in file order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TradeCatalogue {
    /// Every trade, keys unique (E0602).
    pub trades: Vec<Trade>,
}

impl TradeCatalogue {
    /// The trade with this key.
    pub fn get(&self, key: &str) -> Option<&Trade> {
        self.trades.iter().find(|t| t.key == key)
    }
}

/// A dataset folder as read, rows in file order, keys as strings.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    /// facilities.csv.
    pub facilities: Vec<Facility>,
    /// service_lines.csv.
    pub lines: Vec<ServiceLine>,
    /// contracts.csv.
    pub contracts: Vec<Contract>,
    /// depots.csv (optional).
    pub depots: Vec<Depot>,
    /// vendors.csv (optional): empty when the dataset has none.
    pub vendors: Vec<Vendor>,
    /// Road-network distances keyed by (from_id, to_id); empty when there is no
    /// `travel.csv`.
    pub travel: HashMap<(String, String), TravelEntry>,
}
