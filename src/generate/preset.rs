//! The preset file format of `matome generate` (see `setagaya.toml`): the ward's
//! geography, facility kinds, line profiles, current lots, vendors and depots.

use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Deserialize)]
pub struct Preset {
    pub bbox: BBox,
    pub district_radius_km: f64,
    pub end_years: [i32; 2],
    pub single_year_end_years: [i32; 2],
    pub long_term_trades: Vec<String>,
    pub long_term_years: [i32; 2],
    pub negotiated_below_jpy: i64,
    pub negotiated_share_below: f64,
    pub payments: BTreeMap<String, u32>,
    pub designated_manager_payments: u32,
    pub designated_manager_years: i32,
    pub area: Vec<Area>,
    pub kind: Vec<Kind>,
    pub profile: Vec<Profile>,
    pub lot: Vec<Lot>,
    pub vendors: Vendors,
    pub depot: Vec<DepotSpec>,
}

#[derive(Debug, Deserialize, Clone, Copy)]
pub struct BBox {
    pub lat_min: f64,
    pub lat_max: f64,
    pub lon_min: f64,
    pub lon_max: f64,
}

#[derive(Debug, Deserialize)]
pub struct Area {
    pub name: String,
    pub size_km2: f64,
    pub population: f64,
    pub districts: Vec<District>,
}

#[derive(Debug, Deserialize)]
pub struct District {
    pub name: String,
    pub lat: f64,
    pub lon: f64,
    pub towns: Vec<String>,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Spread {
    Population,
    Size,
    District,
    Area,
    Fixed,
}

#[derive(Debug, Deserialize)]
pub struct Kind {
    pub key: String,
    pub count: usize,
    pub spread: Spread,
    #[serde(default)]
    pub district: Option<String>,
    pub names: Vec<String>,
    #[serde(default)]
    pub floor_area_m2: Option<[f64; 2]>,
    pub profile: String,
    #[serde(default)]
    pub designated_manager_share: f64,
}

#[derive(Debug, Deserialize)]
pub struct Profile {
    pub name: String,
    pub lines: Vec<LineSpec>,
}

fn one() -> f64 {
    1.0
}

#[derive(Debug, Deserialize)]
pub struct LineSpec {
    pub trade: String,
    #[serde(default = "one")]
    pub p: f64,
    #[serde(default)]
    pub pinned_p: f64,
    #[serde(default)]
    pub required_from_m2: Option<f64>,
    pub visits: [u32; 2],
    pub hours: [f64; 2],
    #[serde(default)]
    pub cost: Option<[i64; 2]>,
    #[serde(default)]
    pub rate: Option<[f64; 2]>,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    Ward,
    Area,
    District,
}

#[derive(Debug, Deserialize)]
pub struct Lot {
    pub trade: String,
    pub kinds: Vec<String>,
    pub size: usize,
    pub scope: Scope,
}

#[derive(Debug, Deserialize)]
pub struct Vendors {
    pub prefixes: Vec<String>,
    pub suffixes: BTreeMap<String, Vec<String>>,
    pub security_suffixes: Vec<String>,
    pub elevator_makers: Vec<String>,
    pub designated_managers: Vec<String>,
    pub in_ward_prefixes: Vec<String>,
    pub in_ward_others: Vec<String>,
    pub grades: Vec<Grade>,
    pub primes: Vec<PrimeSpec>,
    pub prime_trades: Vec<String>,
}

/// A grade: firms holding at least `from_held_jpy` today may take contracts up to
/// `max_annual_value_jpy` (none: no limit).
#[derive(Debug, Deserialize)]
pub struct Grade {
    pub from_held_jpy: i64,
    pub max_annual_value_jpy: Option<i64>,
}

#[derive(Debug, Deserialize)]
pub struct PrimeSpec {
    pub name: String,
    pub in_ward: bool,
    pub lat: f64,
    pub lon: f64,
    pub max_annual_value_jpy: Option<i64>,
}

#[derive(Debug, Deserialize)]
pub struct DepotSpec {
    pub name: String,
    pub lat: f64,
    pub lon: f64,
}

pub const SETAGAYA: &str = include_str!("setagaya.toml");

/// The embedded preset of that name.
pub fn embedded(name: &str) -> Option<&'static str> {
    match name {
        "setagaya" => Some(SETAGAYA),
        _ => None,
    }
}
