//! `matome generate`: a synthetic but realistic ward, deterministic for a seed. Every
//! figure it draws from lives in a preset file (`setagaya.toml`, embedded) with its
//! unit and source; this module only turns the preset and a seed into a `Dataset`.

mod contracts;
mod place;
mod preset;

pub use place::apportion;

use crate::io::read_trades;
use crate::model::{Contract, Dataset, Depot, ServiceLine, Vendor};
use crate::units::Yen;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::collections::{BTreeMap, BTreeSet};

/// Why no dataset was generated.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    /// No embedded preset has this name.
    #[error("unknown preset '{0}' (known: setagaya)")]
    UnknownPreset(String),
    /// The preset file is inconsistent (what is wrong, in words).
    #[error("the preset is invalid: {0}")]
    Preset(String),
}

/// Generates the ward of the named embedded preset.
pub fn generate(preset: &str, seed: u64) -> Result<Dataset, GenerateError> {
    let text =
        preset::embedded(preset).ok_or_else(|| GenerateError::UnknownPreset(preset.into()))?;
    generate_from(text, seed)
}

/// Generates from preset TOML text.
pub fn generate_from(text: &str, seed: u64) -> Result<Dataset, GenerateError> {
    let p: preset::Preset =
        toml::from_str(text).map_err(|e| GenerateError::Preset(e.to_string()))?;
    let trades = read_trades(None)
        .map_err(|d| GenerateError::Preset(format!("embedded trade catalogue: {}", d[0])))?;
    for prof in &p.profile {
        for l in &prof.lines {
            if trades.get(&l.trade).is_none() {
                return Err(GenerateError::Preset(format!(
                    "profile '{}' names unknown trade '{}'",
                    prof.name, l.trade
                )));
            }
        }
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let facs = place::facilities(&mut rng, &p)?;
    let mut lines = contracts::lines(&mut rng, &p, &facs)?;
    let contracts = contracts::contracts(&mut rng, &p, &trades, &facs, &mut lines);
    let depots = p
        .depot
        .iter()
        .enumerate()
        .map(|(i, d)| Depot {
            id: format!("D{:02}", i + 1),
            name: d.name.clone(),
            lat: d.lat,
            lon: d.lon,
        })
        .collect();
    let vendors = vendors(&p, &lines, &contracts);
    Ok(Dataset {
        facilities: facs.into_iter().map(|(f, _)| f).collect(),
        lines,
        contracts,
        depots,
        vendors,
        travel: Default::default(),
    })
}

/// vendors.csv: every vendor of the contracts (no random draws, so the other files do
/// not change), graded by what it holds, then the preset's prime-capable firms.
fn vendors(p: &preset::Preset, lines: &[ServiceLine], contracts: &[Contract]) -> Vec<Vendor> {
    let v = &p.vendors;
    let mut order: Vec<&str> = Vec::new();
    let mut held: BTreeMap<&str, (i64, BTreeSet<&str>)> = BTreeMap::new();
    let contract_vendor: BTreeMap<&str, &str> = contracts
        .iter()
        .map(|c| (c.id.as_str(), c.vendor.as_str()))
        .collect();
    for c in contracts {
        if !held.contains_key(c.vendor.as_str()) {
            order.push(&c.vendor);
        }
        held.entry(&c.vendor).or_default().0 += c.annual_value.0;
    }
    for l in lines {
        if let Some(vendor) = contract_vendor.get(l.contract_id.as_str()) {
            held.entry(vendor).or_default().1.insert(&l.trade);
        }
    }
    let mut out: Vec<Vendor> = order
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let (value, trades) = &held[name];
            let grade = v.grades.iter().find(|g| *value >= g.from_held_jpy);
            Vendor {
                id: format!("V{:04}", i + 1),
                name: name.to_string(),
                in_ward: v.in_ward_others.iter().any(|o| o == name)
                    || v.in_ward_prefixes.iter().any(|pre| {
                        name.trim_start_matches("株式会社")
                            .starts_with(pre.as_str())
                    }),
                lat: None,
                lon: None,
                trades: trades.iter().map(|t| t.to_string()).collect(),
                prime_capable: false,
                max_annual_value: grade.and_then(|g| g.max_annual_value_jpy).map(Yen),
            }
        })
        .collect();
    let n = out.len();
    out.extend(v.primes.iter().enumerate().map(|(i, f)| Vendor {
        id: format!("V{:04}", n + i + 1),
        name: f.name.clone(),
        in_ward: f.in_ward,
        lat: Some(f.lat),
        lon: Some(f.lon),
        trades: v.prime_trades.clone(),
        prime_capable: true,
        max_annual_value: f.max_annual_value_jpy.map(Yen),
    }));
    out
}
