//! Each bundle of bundles.csv against the scenario's limits (labour hours, value,
//! minimum value, facilities, distance from the hub, area, trade groups, its hub), the
//! bundle-count rule, and bundles.csv's own figures against those recomputed from its
//! lines.

use super::lines::Placed;
use super::read::{PlanFiles, BUNDLES};
use super::{close, Violation, TOL_HOURS, TOL_KM};
use crate::plan::Inputs;
use crate::scenario::{HubSource, Scenario};
use crate::text::fixed;
use crate::ward::Site;
use std::collections::HashMap;

/// One bundle recomputed from the lines the plan puts in it.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// The hub, when its id names a site of the right kind.
    pub hub: Option<Site>,
    /// Ward lines, file order.
    pub lines: Vec<usize>,
    /// Indices into `Placed::units` of the units with a line here.
    pub units: Vec<usize>,
    /// Distinct facilities, file order.
    pub facilities: Vec<usize>,
    /// Distinct trade keys, sorted.
    pub trades: Vec<String>,
    /// Contractor km a year from the hub (hub model), when the hub is known.
    pub travel_km: f64,
    /// Staff hours a year the ward spends on the bundle.
    pub admin_hours: f64,
}

fn limit(v: &mut Vec<Violation>, kind: &'static str, line: usize, ja: String, en: String) {
    v.push(Violation::new(kind, BUNDLES, Some(line), ja, en));
}

/// Checks every bundle and the count; returns each bundle's facts, bundles.csv order.
pub fn check(
    inputs: Inputs,
    scenario: &Scenario,
    files: &PlanFiles,
    placed: &Placed,
    v: &mut Vec<Violation>,
) -> Vec<Facts> {
    let ward = inputs.ward;
    let travel = ward.travel(scenario.costs.detour_factor);
    let facility_by_id: HashMap<&str, usize> = ward
        .facilities()
        .iter()
        .enumerate()
        .map(|(i, f)| (f.id.as_str(), i))
        .collect();
    let depot_by_id: HashMap<&str, usize> = ward
        .depots()
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id.as_str(), i))
        .collect();
    let mut facts: Vec<Facts> = vec![Facts::default(); files.bundles.len()];
    for (l, b) in placed.line_bundle.iter().enumerate() {
        if let Some(b) = *b {
            facts[b].lines.push(l);
        }
    }
    for (u, unit) in placed.units.iter().enumerate() {
        let mut bs: Vec<usize> = unit
            .lines
            .iter()
            .filter_map(|&l| placed.line_bundle[l])
            .collect();
        bs.sort_unstable();
        bs.dedup();
        for b in bs {
            facts[b].units.push(u);
        }
    }
    let lim = &scenario.limits;
    let mut non_empty = 0usize;
    for (bi, row) in files.bundles.iter().enumerate() {
        if placed.bundle_index.get(&row.id) != Some(&bi) {
            continue; // a repeated id, reported already
        }
        let f = &mut facts[bi];
        let id = &row.id;
        let line = row.line;
        if f.lines.is_empty() {
            limit(
                v,
                "bundle_empty",
                line,
                format!("包括契約 {id} に業務が一つもありません"),
                format!("bundle {id} holds no service line in assignments.csv"),
            );
            continue;
        }
        non_empty += 1;
        let lines = ward.lines();
        f.facilities = f.lines.iter().map(|&l| lines[l].facility).collect();
        f.facilities.sort_unstable();
        f.facilities.dedup();
        f.trades = f
            .lines
            .iter()
            .map(|&l| ward.trade_of(&lines[l]).key.clone())
            .collect();
        f.trades.sort();
        f.trades.dedup();
        f.admin_hours = inputs
            .staff
            .bundle_hours(f.facilities.len(), f.trades.len());
        f.hub = match scenario.hubs {
            HubSource::Facilities => facility_by_id
                .get(row.hub_id.as_str())
                .map(|&i| Site::Facility(i)),
            HubSource::Depots => depot_by_id
                .get(row.hub_id.as_str())
                .map(|&i| Site::Depot(i)),
        };
        if f.hub.is_none() {
            let kind = match scenario.hubs {
                HubSource::Facilities => "facility (hubs = \"facilities\")",
                HubSource::Depots => "depot (hubs = \"depots\")",
            };
            limit(
                v,
                "hub_unknown",
                line,
                format!(
                    "包括契約 {id} の拠点 {:?} はデータセットの拠点候補ではありません",
                    row.hub_id
                ),
                format!(
                    "bundle {id}: hub {:?} is no {kind} of the dataset",
                    row.hub_id
                ),
            );
        }
        let hours: f64 = f.lines.iter().map(|&l| lines[l].annual_hours().0).sum();
        let value: i64 = f.lines.iter().map(|&l| lines[l].annual_cost.0).sum();
        if let Some(max) = lim.max_labour_hours {
            if hours > max * (1.0 + super::TOL_REL) {
                limit(
                    v,
                    "limit_labour_hours",
                    line,
                    format!("包括契約 {id} の年間作業時間 {} h が上限 limits.max_labour_hours {} h を超えています", fixed(hours, 1), fixed(max, 1)),
                    format!("bundle {id} carries {} labour hours a year, above limits.max_labour_hours = {}", fixed(hours, 1), fixed(max, 1)),
                );
            }
        }
        if let Some(max) = lim.max_value_jpy {
            if value > max {
                limit(
                    v,
                    "limit_value",
                    line,
                    format!("包括契約 {id} の年額 {value} 円が上限 limits.max_value_jpy {max} 円を超えています"),
                    format!("bundle {id} is worth {value} yen a year, above limits.max_value_jpy = {max}"),
                );
            }
        }
        if let Some(min) = lim.min_value_jpy {
            if value < min {
                limit(
                    v,
                    "limit_min_value",
                    line,
                    format!("包括契約 {id} の年額 {value} 円が下限 limits.min_value_jpy {min} 円に届きません"),
                    format!("bundle {id} is worth {value} yen a year, below limits.min_value_jpy = {min}"),
                );
            }
        }
        if let Some(max) = lim.max_facilities {
            // The engine counts a facility once per unit it brings (facility_trade_group).
            let count = f.units.len().max(f.facilities.len());
            if count > max {
                limit(
                    v,
                    "limit_facilities",
                    line,
                    format!("包括契約 {id} の施設数 {count} が上限 limits.max_facilities {max} を超えています"),
                    format!("bundle {id} covers {count} facilities (units), above limits.max_facilities = {max}"),
                );
            }
        }
        let Some(hub) = f.hub else { continue };
        if let Some(max) = lim.max_distance_km {
            for &fi in &f.facilities {
                let km = travel.km(Site::Facility(fi), hub);
                if km > max * (1.0 + super::TOL_REL) {
                    let fid = &ward.facilities()[fi].id;
                    limit(
                        v,
                        "limit_distance",
                        line,
                        format!("包括契約 {id}: 施設 {fid} は拠点 {} から {} km（上限 limits.max_distance_km {} km）", row.hub_id, fixed(km, 2), fixed(max, 2)),
                        format!("bundle {id}: facility {fid} is {} km from hub {}, above limits.max_distance_km = {}", fixed(km, 2), row.hub_id, fixed(max, 2)),
                    );
                }
            }
        }
        if scenario.within_area {
            let hub_area = match hub {
                Site::Facility(h) => Some(ward.facilities()[h].area.as_str()),
                Site::Depot(_) => None,
            };
            let areas: Vec<&str> = {
                let mut a: Vec<&str> = f
                    .facilities
                    .iter()
                    .map(|&fi| ward.facilities()[fi].area.as_str())
                    .chain(hub_area)
                    .collect();
                a.sort_unstable();
                a.dedup();
                a
            };
            if areas.len() > 1 {
                limit(
                    v,
                    "area_crossed",
                    line,
                    format!(
                        "包括契約 {id} が地域をまたいでいます（{}）が、within_area = true です",
                        areas.join(", ")
                    ),
                    format!(
                        "bundle {id} spans the areas {} but the scenario has within_area = true",
                        areas.join(", ")
                    ),
                );
            }
        }
        let mut sets: Vec<usize> = f.units.iter().map(|&u| placed.units[u].set).collect();
        sets.sort_unstable();
        sets.dedup();
        if sets.len() > 1 {
            let names: Vec<String> = sets.iter().map(|&s| placed.sets[s].join("+")).collect();
            limit(
                v,
                "groups_mixed",
                line,
                format!(
                    "包括契約 {id} に同居できない業種グループが入っています: {}",
                    names.join(" / ")
                ),
                format!(
                    "bundle {id} mixes trade groups that trade_groups.together keeps apart: {}",
                    names.join(" / ")
                ),
            );
        }
        if let (HubSource::Facilities, Site::Facility(h)) = (scenario.hubs, hub) {
            let own_here = f.units.iter().any(|&u| placed.units[u].facility == h);
            if !own_here {
                limit(
                    v,
                    "hub_outside",
                    line,
                    format!("包括契約 {id} の拠点 {} の業務がこの包括契約に入っていません（拠点は包括契約の施設です）", row.hub_id),
                    format!("bundle {id}: its hub {} is not one of its own facilities (hubs = \"facilities\": a hub serves its own lines)", row.hub_id),
                );
            }
        }
        f.travel_km = f
            .lines
            .iter()
            .filter(|&&l| ward.is_visited(&lines[l]))
            .map(|&l| {
                travel.yearly_km(
                    lines[l].visits_per_year,
                    Site::Facility(lines[l].facility),
                    hub,
                )
            })
            .sum();
        stated_figures(ward, row, f, hours, value, v);
    }
    count_rule(scenario, non_empty, v);
    facts
}

/// bundles.csv's own columns against the recomputed bundle.
fn stated_figures(
    ward: &crate::ward::Ward,
    row: &super::BundleRow,
    f: &Facts,
    hours: f64,
    value: i64,
    v: &mut Vec<Violation>,
) {
    let id = &row.id;
    let mut differs = |column: &str, stated: String, actual: String| {
        limit(
            v,
            "bundle_row_differs",
            row.line,
            format!("包括契約 {id} の {column} は {stated} と書かれていますが、業務から計算すると {actual} です"),
            format!("bundle {id}: {column} says {stated}, its lines give {actual}"),
        );
    };
    let num =
        |stated: Option<f64>, actual: f64, tol: f64| stated.filter(|s| !close(*s, actual, tol));
    if let Some(s) = num(row.facilities, f.facilities.len() as f64, 0.0) {
        differs("facilities", s.to_string(), f.facilities.len().to_string());
    }
    if let Some(s) = num(row.lines, f.lines.len() as f64, 0.0) {
        differs("lines", s.to_string(), f.lines.len().to_string());
    }
    if let Some(s) = num(row.labour_hours, hours, TOL_HOURS) {
        differs("labour_hours", fixed(s, 1), fixed(hours, 1));
    }
    if let Some(s) = num(row.value_jpy, value as f64, 0.5) {
        differs("value_jpy", s.to_string(), value.to_string());
    }
    if let Some(s) = num(row.travel_km_year, f.travel_km, TOL_KM) {
        differs("travel_km_year", fixed(s, 1), fixed(f.travel_km, 1));
    }
    if let Some(s) = num(row.admin_hours_year, f.admin_hours, TOL_HOURS) {
        differs("admin_hours_year", fixed(s, 1), fixed(f.admin_hours, 1));
    }
    if let Some(ids) = &row.facility_ids {
        let mut stated: Vec<&str> = ids
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        stated.sort_unstable();
        let mut actual: Vec<&str> = f
            .facilities
            .iter()
            .map(|&fi| ward.facilities()[fi].id.as_str())
            .collect();
        actual.sort_unstable();
        if stated != actual {
            differs("facility_ids", stated.join(";"), actual.join(";"));
        }
    }
    if let Some(t) = &row.trades {
        let mut stated: Vec<&str> = t
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        stated.sort_unstable();
        if stated != f.trades.iter().map(String::as_str).collect::<Vec<_>>() {
            differs("trades", stated.join(";"), f.trades.join(";"));
        }
    }
    if let Some(a) = &row.area {
        let mut areas: Vec<&str> = f
            .facilities
            .iter()
            .map(|&fi| ward.facilities()[fi].area.as_str())
            .collect();
        areas.sort_unstable();
        areas.dedup();
        if *a != areas.join("+") {
            differs("area", a.clone(), areas.join("+"));
        }
    }
}

fn count_rule(scenario: &Scenario, n: usize, v: &mut Vec<Violation>) {
    let b = &scenario.bundles;
    let bad = match (b.count, b.min, b.max) {
        (Some(p), _, _) if n != p => Some(format!("bundles.count = {p}")),
        (None, Some(lo), _) if n < lo => Some(format!("bundles.min = {lo}")),
        (None, _, Some(hi)) if n > hi => Some(format!("bundles.max = {hi}")),
        _ => None,
    };
    if let Some(rule) = bad {
        v.push(Violation::new(
            "bundle_count",
            BUNDLES,
            None,
            format!("包括契約が {n} 件ありますが、シナリオは {rule} です"),
            format!("the plan has {n} bundles; the scenario requires {rule}"),
        ));
    }
}
