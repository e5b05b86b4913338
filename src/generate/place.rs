//! Places the preset's facilities: how many of each kind in each district, where (inside
//! the district's cell: nearer its centre than any other centre, within a radius, inside
//! the ward's box), and what they are called.

use super::preset::{Kind, Preset, Spread};
use super::GenerateError;
use crate::model::{Facility, Operator};
use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use std::collections::HashSet;

pub struct DistrictRef<'a> {
    pub area: &'a str,
    pub name: &'a str,
    pub lat: f64,
    pub lon: f64,
    pub towns: &'a [String],
    pub population_weight: f64,
    pub size_weight: f64,
    pub first_of_area: bool,
}

pub fn districts(p: &Preset) -> Vec<DistrictRef<'_>> {
    let mut out = Vec::new();
    for a in &p.area {
        let n = a.districts.len().max(1) as f64;
        for (i, d) in a.districts.iter().enumerate() {
            out.push(DistrictRef {
                area: &a.name,
                name: &d.name,
                lat: d.lat,
                lon: d.lon,
                towns: &d.towns,
                population_weight: a.population / n,
                size_weight: a.size_km2 / n,
                first_of_area: i == 0,
            });
        }
    }
    out
}

/// Largest-remainder apportionment of `count` over `weights` (ties to the lower index,
/// so the result is deterministic).
pub fn apportion(count: usize, weights: &[f64]) -> Vec<usize> {
    let total: f64 = weights.iter().sum();
    if total <= 0.0 || weights.is_empty() {
        return vec![0; weights.len()];
    }
    let quotas: Vec<f64> = weights.iter().map(|w| w / total * count as f64).collect();
    let mut out: Vec<usize> = quotas.iter().map(|q| q.floor() as usize).collect();
    let mut rest: Vec<usize> = (0..weights.len()).collect();
    rest.sort_by(|&a, &b| {
        let (ra, rb) = (quotas[a] - quotas[a].floor(), quotas[b] - quotas[b].floor());
        rb.total_cmp(&ra).then(a.cmp(&b))
    });
    let missing = count - out.iter().sum::<usize>();
    for &i in rest.iter().take(missing) {
        out[i] += 1;
    }
    out
}

fn counts(kind: &Kind, ds: &[DistrictRef]) -> Result<Vec<usize>, GenerateError> {
    Ok(match kind.spread {
        Spread::Population => apportion(
            kind.count,
            &ds.iter().map(|d| d.population_weight).collect::<Vec<_>>(),
        ),
        Spread::Size => apportion(
            kind.count,
            &ds.iter().map(|d| d.size_weight).collect::<Vec<_>>(),
        ),
        Spread::District => vec![kind.count.min(1); ds.len()],
        Spread::Area => ds.iter().map(|d| usize::from(d.first_of_area)).collect(),
        Spread::Fixed => {
            let name = kind.district.as_deref().unwrap_or("");
            let i = ds.iter().position(|d| d.name == name).ok_or_else(|| {
                GenerateError::Preset(format!(
                    "kind '{}': district '{name}' is not in the preset",
                    kind.key
                ))
            })?;
            let mut v = vec![0; ds.len()];
            v[i] = kind.count;
            v
        }
    })
}

const KM_PER_DEG: f64 = 111.0;
const DIRECTIONS: &[&str] = &["北", "南", "東", "西", "中央"];
const CHOME: &[&str] = &["一", "二", "三", "四", "五", "六"];

fn location(rng: &mut ChaCha8Rng, p: &Preset, ds: &[DistrictRef], target: usize) -> (f64, f64) {
    let t = &ds[target];
    let r = p.district_radius_km;
    let kx = KM_PER_DEG * t.lat.to_radians().cos();
    let dist = |d: &DistrictRef, lat: f64, lon: f64| {
        (((lat - d.lat) * KM_PER_DEG).powi(2) + ((lon - d.lon) * kx).powi(2)).sqrt()
    };
    for _ in 0..1000 {
        let lat = t.lat + rng.random_range(-1.0..1.0) * r / KM_PER_DEG;
        let lon = t.lon + rng.random_range(-1.0..1.0) * r / kx;
        let b = &p.bbox;
        if lat < b.lat_min || lat > b.lat_max || lon < b.lon_min || lon > b.lon_max {
            continue;
        }
        let own = dist(t, lat, lon);
        if own > r || ds.iter().any(|d| dist(d, lat, lon) < own) {
            continue;
        }
        return (round6(lat), round6(lon));
    }
    (t.lat, t.lon)
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

fn name(rng: &mut ChaCha8Rng, kind: &Kind, d: &DistrictRef, used: &mut HashSet<String>) -> String {
    let expand = |rng: &mut ChaCha8Rng| {
        let tpl = &kind.names[rng.random_range(0..kind.names.len())];
        let town = &d.towns[rng.random_range(0..d.towns.len())];
        tpl.replace("{town}", town)
            .replace("{dir}", DIRECTIONS[rng.random_range(0..DIRECTIONS.len())])
            .replace("{n}", CHOME[rng.random_range(0..CHOME.len())])
            .replace("{area}", d.area)
            .replace("{district}", d.name)
    };
    let mut candidate = expand(rng);
    for _ in 0..30 {
        if !used.contains(&candidate) {
            break;
        }
        candidate = expand(rng);
    }
    // Fall back to a numbered name, as wards do for second sites ("第二").
    let base = candidate.clone();
    let mut k = 2;
    while used.contains(&candidate) {
        candidate = format!("{base}（第{k}）");
        k += 1;
    }
    used.insert(candidate.clone());
    candidate
}

/// The facilities with the index of the preset kind each was drawn from.
pub fn facilities(
    rng: &mut ChaCha8Rng,
    p: &Preset,
) -> Result<Vec<(Facility, usize)>, GenerateError> {
    let ds = districts(p);
    let mut used = HashSet::new();
    let mut out = Vec::new();
    for (ki, kind) in p.kind.iter().enumerate() {
        if kind.names.is_empty() {
            return Err(GenerateError::Preset(format!(
                "kind '{}' has no name templates",
                kind.key
            )));
        }
        let per_district = counts(kind, &ds)?;
        for (di, &n) in per_district.iter().enumerate() {
            let d = &ds[di];
            if d.towns.is_empty() {
                return Err(GenerateError::Preset(format!(
                    "district '{}' has no towns",
                    d.name
                )));
            }
            for _ in 0..n {
                let (lat, lon) = location(rng, p, &ds, di);
                let floor_area_m2 = kind.floor_area_m2.map(|[lo, hi]| {
                    let v: f64 = rng.random_range(lo..=hi);
                    (v / 10.0).round() * 10.0
                });
                let operator = if rng.random_bool(kind.designated_manager_share.clamp(0.0, 1.0)) {
                    Operator::DesignatedManager
                } else {
                    Operator::Direct
                };
                let f = Facility {
                    id: format!("F{:04}", out.len() + 1),
                    name: name(rng, kind, d, &mut used),
                    kind: kind.key.clone(),
                    area: d.area.to_string(),
                    district: d.name.to_string(),
                    lat,
                    lon,
                    floor_area_m2,
                    operator,
                };
                out.push((f, ki));
            }
        }
    }
    Ok(out)
}

/// Rounds to a multiple of `step` (hours to the half hour, yen to the thousand).
pub fn round_to(x: f64, step: f64) -> f64 {
    (x / step).round() * step
}

#[cfg(test)]
mod tests {
    use super::apportion;

    #[test]
    fn apportion_sums_to_count_and_follows_weights() {
        let v = apportion(
            61,
            &[
                253.0 / 7.0,
                154.0 / 6.0,
                226.0 / 7.0,
                165.0 / 5.0,
                120.0 / 3.0,
            ],
        );
        assert_eq!(v.iter().sum::<usize>(), 61);
        assert_eq!(v, vec![13, 9, 12, 12, 15]);
        assert_eq!(apportion(3, &[1.0, 1.0, 1.0, 1.0]), vec![1, 1, 1, 0]);
        assert_eq!(apportion(5, &[0.0, 0.0]), vec![0, 0]);
    }
}
