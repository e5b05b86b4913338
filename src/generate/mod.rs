//! `matome generate`: a synthetic but realistic ward, deterministic for a seed. Every
//! figure it draws from lives in a preset file (`setagaya.toml`, embedded) with its
//! unit and source; this module only turns the preset and a seed into a `Dataset`.

mod contracts;
mod place;
mod preset;

pub use place::apportion;

use crate::io::read_trades;
use crate::model::{Dataset, Depot};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

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
    Ok(Dataset {
        facilities: facs.into_iter().map(|(f, _)| f).collect(),
        lines,
        contracts,
        depots,
        vendors: Vec::new(),
        travel: Default::default(),
    })
}
