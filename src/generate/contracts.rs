//! Draws each facility's service lines from its kind's profile, then the current
//! contracts: one per designated-manager facility (its agreement covers every line),
//! one per pinned line (the maker's), multi-facility lots where the preset says so, and
//! one per facility and trade otherwise.

use super::place::round_to;
use super::preset::{Lot, Preset, Scope};
use super::GenerateError;
use crate::model::{Contract, Date, Facility, Operator, Procurement, ServiceLine, TradeCatalogue};
use crate::units::{Hours, Yen};
use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeMap;

pub fn lines(
    rng: &mut ChaCha8Rng,
    p: &Preset,
    facs: &[(Facility, usize)],
) -> Result<Vec<ServiceLine>, GenerateError> {
    let mut out = Vec::new();
    for (f, ki) in facs {
        let kind = &p.kind[*ki];
        let profile = p
            .profile
            .iter()
            .find(|pr| pr.name == kind.profile)
            .ok_or_else(|| {
                GenerateError::Preset(format!(
                    "kind '{}': no profile '{}'",
                    kind.key, kind.profile
                ))
            })?;
        // Where the facility sits in its kind's size range: bigger sites draw towards
        // the top of each range.
        let size_t = match (kind.floor_area_m2, f.floor_area_m2) {
            (Some([lo, hi]), Some(a)) if hi > lo => Some(((a - lo) / (hi - lo)).clamp(0.0, 1.0)),
            _ => None,
        };
        for spec in &profile.lines {
            let required = matches!((spec.required_from_m2, f.floor_area_m2), (Some(min), Some(a)) if a >= min);
            if !required && !rng.random_bool(spec.p.clamp(0.0, 1.0)) {
                continue;
            }
            let u: f64 = rng.random();
            let t = size_t.map_or(u, |s| 0.6 * s + 0.4 * u);
            let lerp = |[lo, hi]: [f64; 2], t: f64| lo + (hi - lo) * t;
            let visits = rng.random_range(spec.visits[0]..=spec.visits[1].max(spec.visits[0]));
            let hours = round_to(lerp(spec.hours, t), 0.5).max(0.5);
            let cost = match (spec.cost, spec.rate) {
                (_, Some(rate)) => {
                    let r = rng.random_range(rate[0]..=rate[1]);
                    f64::from(visits) * hours * r
                }
                (Some([lo, hi]), None) => {
                    let t2 = 0.7 * t + 0.3 * rng.random::<f64>();
                    lerp([lo as f64, hi as f64], t2)
                }
                (None, None) => {
                    return Err(GenerateError::Preset(format!(
                        "profile '{}': line '{}' needs cost or rate",
                        profile.name, spec.trade
                    )))
                }
            };
            let pinned = spec.pinned_p > 0.0 && rng.random_bool(spec.pinned_p.clamp(0.0, 1.0));
            out.push(ServiceLine {
                id: format!("L{:05}", out.len() + 1),
                facility_id: f.id.clone(),
                trade: spec.trade.clone(),
                visits_per_year: f64::from(visits),
                hours_per_visit: Hours(hours),
                annual_cost: Yen((round_to(cost, 1000.0)) as i64),
                contract_id: String::new(),
                pinned,
            });
        }
    }
    Ok(out)
}

/// (area, district, facility index, line index): sorting groups a lot's members by
/// place, so each lot is geographically coherent.
type LotMember = (String, String, usize, usize);

enum Group {
    DesignatedManager(Vec<usize>),
    Pinned(usize),
    Single(usize),
    Lot(Vec<usize>),
}

impl Group {
    fn lines(&self) -> Vec<usize> {
        match self {
            Group::DesignatedManager(v) | Group::Lot(v) => v.clone(),
            Group::Pinned(i) | Group::Single(i) => vec![*i],
        }
    }
}

fn lot_for<'a>(lots: &'a [Lot], kind: &str, trade: &str) -> Option<(usize, &'a Lot)> {
    lots.iter()
        .enumerate()
        .find(|(_, l)| l.trade == trade && l.kinds.iter().any(|k| k == kind))
}

/// Sets each line's `contract_id` and returns the contracts.
pub fn contracts(
    rng: &mut ChaCha8Rng,
    p: &Preset,
    trades: &TradeCatalogue,
    facs: &[(Facility, usize)],
    lines: &mut [ServiceLine],
) -> Vec<Contract> {
    let fac_index: BTreeMap<&str, usize> = facs
        .iter()
        .enumerate()
        .map(|(i, (f, _))| (f.id.as_str(), i))
        .collect();
    let mut groups = Vec::new();
    let mut by_facility: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (li, l) in lines.iter().enumerate() {
        by_facility
            .entry(fac_index[l.facility_id.as_str()])
            .or_default()
            .push(li);
    }
    let mut lot_members: BTreeMap<(usize, String), Vec<LotMember>> = BTreeMap::new();
    for (&fi, lis) in &by_facility {
        let f = &facs[fi].0;
        if f.operator == Operator::DesignatedManager {
            groups.push(Group::DesignatedManager(lis.clone()));
            continue;
        }
        for &li in lis {
            let l = &lines[li];
            if l.pinned {
                groups.push(Group::Pinned(li));
            } else if let Some((lot_i, lot)) = lot_for(&p.lot, &f.kind, &l.trade) {
                let scope = match lot.scope {
                    Scope::Ward => String::new(),
                    Scope::Area => f.area.clone(),
                    Scope::District => format!("{}/{}", f.area, f.district),
                };
                lot_members.entry((lot_i, scope)).or_default().push((
                    f.area.clone(),
                    f.district.clone(),
                    fi,
                    li,
                ));
            } else {
                groups.push(Group::Single(li));
            }
        }
    }
    for ((lot_i, _), mut members) in lot_members {
        members.sort();
        let size = p.lot[lot_i].size.max(1);
        for chunk in members.chunks(size) {
            groups.push(Group::Lot(chunk.iter().map(|m| m.3).collect()));
        }
    }
    let mut out = Vec::with_capacity(groups.len());
    for g in &groups {
        let id = format!("C{:05}", out.len() + 1);
        let members = g.lines();
        let value: i64 = members.iter().map(|&li| lines[li].annual_cost.0).sum();
        let trade = lines[members[0]].trade.clone();
        for &li in &members {
            lines[li].contract_id = id.clone();
        }
        out.push(contract(rng, p, trades, g, id, &trade, value));
    }
    out
}

fn pick<'a>(rng: &mut ChaCha8Rng, v: &'a [String]) -> &'a str {
    if v.is_empty() {
        return "";
    }
    &v[rng.random_range(0..v.len())]
}

fn contract(
    rng: &mut ChaCha8Rng,
    p: &Preset,
    trades: &TradeCatalogue,
    g: &Group,
    id: String,
    trade: &str,
    value: i64,
) -> Contract {
    let v = &p.vendors;
    let dm = matches!(g, Group::DesignatedManager(_));
    let pinned = matches!(g, Group::Pinned(_));
    let vendor = if dm {
        pick(rng, &v.designated_managers).to_string()
    } else if pinned && trade == "elevator" {
        pick(rng, &v.elevator_makers).to_string()
    } else {
        let prefix = pick(rng, &v.prefixes).to_string();
        let suffix = match trade {
            "security" => pick(rng, &v.security_suffixes).to_string(),
            "elevator" => "昇降機サービス".to_string(),
            _ => {
                let group = trades
                    .get(trade)
                    .map_or("building_systems", |t| t.group.as_str());
                v.suffixes
                    .get(group)
                    .map_or("", |s| pick(rng, s))
                    .to_string()
            }
        };
        format!("株式会社{prefix}{suffix}")
    };
    let term = if dm {
        p.designated_manager_years
    } else if p.long_term_trades.iter().any(|t| t == trade) {
        rng.random_range(p.long_term_years[0]..=p.long_term_years[1])
    } else {
        1
    };
    let [lo, hi] = if term > 1 {
        p.end_years
    } else {
        p.single_year_end_years
    };
    let end_year = rng.random_range(lo..=hi);
    let procurement = if dm
        || pinned
        || (value < p.negotiated_below_jpy
            && rng.random_bool(p.negotiated_share_below.clamp(0.0, 1.0)))
    {
        Procurement::Negotiated
    } else {
        Procurement::Competitive
    };
    let payments_per_year = if dm {
        p.designated_manager_payments
    } else {
        p.payments.get(trade).copied().unwrap_or(1)
    };
    Contract {
        id,
        vendor,
        annual_value: Yen(value),
        payments_per_year,
        procurement,
        start: Date {
            year: end_year - term,
            month: 4,
            day: 1,
        },
        end: Date {
            year: end_year,
            month: 3,
            day: 31,
        },
    }
}
