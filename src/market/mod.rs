//! The firms of the ward and who can bid for a bundle (入札参加可能業者).
//!
//! A firm can bid for a lot as prime contractor when it performs every trade of the lot
//! itself or is `prime_capable` (a facility-management firm that subcontracts what it
//! lacks), and the lot's annual value is within its `max_annual_value_jpy` (its grade,
//! 格付け). A bundle is one lot, or with `lots = "by_trade"` one lot per trade group, or
//! with `lots = "by_area"` one lot per area (箕面-style: bidders choose among lots); its
//! bidder count is that of its hardest lot. In-ward firms (区内業者) that perform a
//! trade of a bundle can serve it as subcontractors.
//!
//! Without vendors.csv the firms are derived from contracts.csv: each vendor name is a
//! firm performing the trades of its contracts, qualified up to its largest contract,
//! neither prime-capable nor known to be in the ward. Every output says so.

use crate::problem::{Built, Bundle, LineFate};
use crate::scenario::{Lots, Scenario};
use crate::ward::Ward;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// A firm, resolved against the trade catalogue.
#[derive(Debug, Clone, PartialEq)]
pub struct Firm {
    /// vendor_id (derived firms: the vendor name).
    pub id: String,
    /// Name.
    pub name: String,
    /// In the ward; `None` when unknown (derived firms).
    pub in_ward: Option<bool>,
    /// Trades it performs (indices into the catalogue).
    pub trades: BTreeSet<usize>,
    /// Takes comprehensive contracts and subcontracts what it lacks.
    pub prime_capable: bool,
    /// Largest annual value it is qualified for, yen; `None` = no limit known.
    pub max_value: Option<f64>,
    /// Annual value of today's contracts it holds, yen.
    pub holds: f64,
    /// Where it is based (vendors.csv lat, lon), when known.
    pub base: Option<(f64, f64)>,
}

/// The ward's firms.
#[derive(Debug, Clone, PartialEq)]
pub struct Market {
    /// Every firm.
    pub firms: Vec<Firm>,
    /// The firms were derived from contracts.csv (no vendors.csv).
    pub derived: bool,
    /// For each contract, its firm.
    pub contract_firm: Vec<Option<usize>>,
}

impl Market {
    /// The firms of `ward`: vendors.csv when it has rows, else derived.
    pub fn of(ward: &Ward) -> Market {
        let trade_of: BTreeMap<&str, usize> = ward
            .trades()
            .trades
            .iter()
            .enumerate()
            .map(|(i, t)| (t.key.as_str(), i))
            .collect();
        let mut firms: Vec<Firm>;
        let derived = ward.vendors().is_empty();
        let mut by_key: BTreeMap<String, usize> = BTreeMap::new();
        if derived {
            firms = Vec::new();
            for c in ward.contracts() {
                let name = c.vendor.trim();
                if name.is_empty() || by_key.contains_key(name) {
                    continue;
                }
                by_key.insert(name.to_string(), firms.len());
                firms.push(Firm {
                    id: name.to_string(),
                    name: name.to_string(),
                    in_ward: None,
                    trades: BTreeSet::new(),
                    prime_capable: false,
                    max_value: Some(0.0),
                    holds: 0.0,
                    base: None,
                });
            }
        } else {
            firms = ward
                .vendors()
                .iter()
                .map(|v| Firm {
                    id: v.id.clone(),
                    name: v.name.clone(),
                    in_ward: Some(v.in_ward),
                    trades: v
                        .trades
                        .iter()
                        .filter_map(|t| trade_of.get(t.as_str()).copied())
                        .collect(),
                    prime_capable: v.prime_capable,
                    max_value: v.max_annual_value.map(|y| y.0 as f64),
                    holds: 0.0,
                    base: v.lat.zip(v.lon),
                })
                .collect();
            for (i, v) in ward.vendors().iter().enumerate() {
                by_key.entry(v.id.clone()).or_insert(i);
            }
            for (i, v) in ward.vendors().iter().enumerate() {
                by_key.entry(v.name.clone()).or_insert(i);
            }
        }
        let contract_firm: Vec<Option<usize>> = ward
            .contracts()
            .iter()
            .map(|c| by_key.get(c.vendor.trim()).copied())
            .collect();
        for (c, contract) in ward.contracts().iter().enumerate() {
            let Some(f) = contract_firm[c] else { continue };
            firms[f].holds += contract.annual_value.0 as f64;
            if derived {
                for &l in ward.contract_lines(c) {
                    firms[f].trades.insert(ward.lines()[l].trade);
                }
                let v = contract.annual_value.0 as f64;
                if firms[f].max_value.is_none_or(|m| m < v) {
                    firms[f].max_value = Some(v);
                }
            }
        }
        Market {
            firms,
            derived,
            contract_firm,
        }
    }

    /// True when firm `f` can bid as prime for a lot of `trades` worth `value` a year.
    pub fn can_prime(&self, f: usize, trades: &BTreeSet<usize>, value: f64) -> bool {
        let firm = &self.firms[f];
        (firm.prime_capable || trades.is_subset(&firm.trades))
            && firm.max_value.is_none_or(|m| value <= m + 0.5)
    }

    /// The firms that can bid as prime for a lot.
    pub fn primes(&self, trades: &BTreeSet<usize>, value: f64) -> Vec<usize> {
        (0..self.firms.len())
            .filter(|&f| self.can_prime(f, trades, value))
            .collect()
    }

    /// The largest lot value for which at least `k` firms can bid on a lot of
    /// `trades` (`INFINITY` when `k` of them have no limit), and those firms; `None`
    /// when fewer than `k` firms perform these trades (or are prime-capable) at all.
    pub fn value_cap(&self, trades: &BTreeSet<usize>, k: usize) -> Option<f64> {
        let mut caps: Vec<f64> = self
            .firms
            .iter()
            .filter(|f| f.prime_capable || trades.is_subset(&f.trades))
            .map(|f| f.max_value.unwrap_or(f64::INFINITY))
            .collect();
        if caps.len() < k || k == 0 {
            return (k == 0).then_some(f64::INFINITY);
        }
        caps.sort_by(|a, b| b.total_cmp(a));
        Some(caps[k - 1])
    }

    /// In-ward firms performing `trade` themselves (possible subcontractors).
    pub fn in_ward_for(&self, trade: usize) -> Vec<usize> {
        (0..self.firms.len())
            .filter(|&f| {
                self.firms[f].in_ward == Some(true) && self.firms[f].trades.contains(&trade)
            })
            .collect()
    }
}

/// One lot of a bundle as bidders see it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Lot {
    /// What it holds: `all`, a trade group, or an area.
    pub label: String,
    /// Annual value, yen.
    pub value: f64,
    /// Firms that can bid for it as prime (ids).
    pub bidders: Vec<String>,
}

/// Who can bid for one bundle.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BundleBidders {
    /// The bundle's id.
    pub bundle: String,
    /// Its lots.
    pub lots: Vec<Lot>,
    /// Bidders of its hardest lot.
    pub fewest: usize,
    /// Per trade key: in-ward firms able to serve it as subcontractors (ids).
    pub in_ward_subcontractors: BTreeMap<String, Vec<String>>,
}

/// Bidders and the in-ward share of a plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanMarket {
    /// True when the firms were derived from contracts.csv (no vendors.csv).
    pub derived: bool,
    /// One per bundle, in bundle order.
    pub bundles: Vec<BundleBidders>,
    /// Fewest bidders of any bundle (`None` without bundles).
    pub fewest_bidders: Option<usize>,
    /// Share of today's contracted value held by in-ward firms; `None` when unknown.
    pub in_ward_share_before: Option<f64>,
    /// The same after the plan: lines kept in today's contracts, and bundled lines of
    /// in-ward firms where the scenario keeps them as subcontractors.
    pub in_ward_share_after: Option<f64>,
}

/// The lots of a bundle under the scenario's `lots` rule: (label, trades, value).
pub fn lots_of(ward: &Ward, lines: &[usize], lots: Lots) -> Vec<(String, BTreeSet<usize>, f64)> {
    let mut by: BTreeMap<String, (BTreeSet<usize>, f64)> = BTreeMap::new();
    for &l in lines {
        let line = &ward.lines()[l];
        let label = match lots {
            Lots::Whole => "all".to_string(),
            Lots::ByTrade => ward.trades().trades[line.trade].group.clone(),
            Lots::ByArea => ward.facilities()[line.facility].area.clone(),
        };
        let e = by.entry(label).or_default();
        e.0.insert(line.trade);
        e.1 += line.annual_cost.0 as f64;
    }
    by.into_iter().map(|(k, (t, v))| (k, t, v)).collect()
}

/// Bidders per bundle and the in-ward share before and after.
pub fn plan_market(
    ward: &Ward,
    scenario: &Scenario,
    built: &Built,
    bundles: &[Bundle],
) -> PlanMarket {
    let m = Market::of(ward);
    let per: Vec<BundleBidders> = bundles
        .iter()
        .map(|b| {
            let lots: Vec<Lot> = lots_of(ward, &b.lines, scenario.lots)
                .into_iter()
                .map(|(label, trades, value)| Lot {
                    label,
                    value,
                    bidders: m
                        .primes(&trades, value)
                        .into_iter()
                        .map(|f| m.firms[f].id.clone())
                        .collect(),
                })
                .collect();
            let fewest = lots.iter().map(|l| l.bidders.len()).min().unwrap_or(0);
            let mut subs = BTreeMap::new();
            for key in &b.trades {
                if let Some(t) = ward.trades().trades.iter().position(|x| &x.key == key) {
                    subs.insert(
                        key.clone(),
                        m.in_ward_for(t)
                            .into_iter()
                            .map(|f| m.firms[f].id.clone())
                            .collect(),
                    );
                }
            }
            BundleBidders {
                bundle: b.id.clone(),
                lots,
                fewest,
                in_ward_subcontractors: subs,
            }
        })
        .collect();
    let keep = scenario.vendors.subcontract_in_ward;
    let (before, after) = in_ward_share(ward, &m, &|l| {
        keep || !matches!(built.fates[l], LineFate::Unit(_))
    });
    PlanMarket {
        derived: m.derived,
        fewest_bidders: per.iter().map(|b| b.fewest).min(),
        bundles: per,
        in_ward_share_before: before,
        in_ward_share_after: after,
    }
}

/// Today's share of contracted line value held by in-ward firms (the status quo row
/// of a sweep); `None` when unknown.
pub fn in_ward_share_today(ward: &Ward) -> Option<f64> {
    in_ward_share(ward, &Market::of(ward), &|_| true).0
}

/// Shares of today's contracted line value held by in-ward firms, before and after;
/// after counts the in-ward lines for which `stays_local` holds (left as is, or kept
/// as subcontracts). `None` when no firm's location is known (derived firms).
fn in_ward_share(
    ward: &Ward,
    m: &Market,
    stays_local: &dyn Fn(usize) -> bool,
) -> (Option<f64>, Option<f64>) {
    if m.firms.iter().all(|f| f.in_ward.is_none()) {
        return (None, None);
    }
    let (mut total, mut before, mut after) = (0.0, 0.0, 0.0);
    for (l, line) in ward.lines().iter().enumerate() {
        let Some(c) = line.contract else { continue };
        let v = line.annual_cost.0 as f64;
        total += v;
        let local = m.contract_firm[c].is_some_and(|f| m.firms[f].in_ward == Some(true));
        if !local {
            continue;
        }
        before += v;
        if stays_local(l) {
            after += v;
        }
    }
    if total <= 0.0 {
        return (None, None);
    }
    (Some(before / total), Some(after / total))
}
