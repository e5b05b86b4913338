//! Starter service lines and contracts for imported facilities, from the per-kind
//! profiles of `models/starter_lines.toml`: each facility gets its kind's lines, each
//! line one contract of its own for the fiscal year (the fragmented starting point a
//! plan merges). Every row is an estimate to be replaced by the ward's registers.

use super::rules::{StarterLine, StarterProfiles};
use super::Site;

/// The mark every starter row carries in its `estimate` column.
pub const ESTIMATE: &str = "推定・要置換 estimate: replace with the register";

/// One starter line (and its contract).
#[derive(Debug, Clone)]
pub struct Line {
    /// line_id (L00001, …) — its contract is the same number with C.
    pub line_id: String,
    /// contract_id.
    pub contract_id: String,
    /// The facility.
    pub facility_id: String,
    /// Its kind.
    pub kind: String,
    /// Trade key.
    pub trade: String,
    /// Visits a year.
    pub visits: f64,
    /// Crew-hours a visit.
    pub hours: f64,
    /// Annual cost, yen.
    pub cost: f64,
    /// Payments a year.
    pub payments: u32,
    /// The figures' source.
    pub source: String,
    /// The floor area was assumed (the list gave none).
    pub area_assumed: bool,
}

/// Kinds that got no lines, with their facility counts.
#[derive(Debug, Clone, Default)]
pub struct Starter {
    /// The lines, in facility order.
    pub lines: Vec<Line>,
    /// Kind → facilities of that kind without a profile.
    pub without_profile: Vec<(String, usize)>,
    /// Lines left out because the facility is below a line's floor-area threshold.
    pub below_threshold: usize,
}

/// The starter lines of `sites` under `profiles`.
pub fn lines_for(sites: &[Site], profiles: &StarterProfiles) -> Starter {
    let mut out = Starter::default();
    let mut missing: std::collections::BTreeMap<String, usize> = Default::default();
    let width = 5;
    for s in sites {
        let Some(kind) = profiles.kinds.get(&s.kind) else {
            *missing.entry(s.kind.clone()).or_default() += 1;
            continue;
        };
        let Some(profile) = profiles.profiles.get(&kind.profile) else {
            *missing.entry(s.kind.clone()).or_default() += 1;
            continue;
        };
        let (area, assumed) = match s.floor_area_m2 {
            Some(a) => (Some(a), false),
            None => (kind.floor_area_m2, kind.floor_area_m2.is_some()),
        };
        for l in profile {
            if let (Some(min), Some(a)) = (l.min_floor_area_m2, area) {
                if a < min {
                    out.below_threshold += 1;
                    continue;
                }
            }
            let n = out.lines.len() + 1;
            out.lines.push(line(
                s,
                l,
                n,
                width,
                assumed && l.min_floor_area_m2.is_some(),
            ));
        }
    }
    out.without_profile = missing.into_iter().collect();
    out
}

fn line(s: &Site, l: &StarterLine, n: usize, width: usize, area_assumed: bool) -> Line {
    Line {
        line_id: format!("L{n:0width$}"),
        contract_id: format!("C{n:0width$}"),
        facility_id: s.id.clone(),
        kind: s.kind.clone(),
        trade: l.trade.clone(),
        visits: l.visits,
        hours: l.hours,
        cost: l.annual_cost(),
        payments: l.payments,
        source: l.source.clone(),
        area_assumed,
    }
}
