//! Every service line exactly once, where the scenario says it goes: pinned lines
//! pinned, excluded lines excluded (with the exclusion's reason), every other line in
//! a bundle of bundles.csv, and each unit (a facility's lines, or one trade group's)
//! whole in one bundle.

use super::read::{PlanFiles, ASSIGNMENTS, BUNDLES};
use super::Violation;
use crate::model::Operator;
use crate::problem::group_sets;
use crate::scenario::{Scenario, UnitKind};
use crate::ward::Ward;
use std::collections::{BTreeMap, HashMap};

/// Where the scenario sends a line, recomputed from the dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// Into some bundle.
    Bundle,
    /// Pinned: stays in its contract.
    Pinned,
    /// Left out, with the reason assignments.csv writes.
    Excluded(&'static str),
}

/// A unit as the scenario defines it: bundleable lines of one facility (and trade-group
/// set, or trade group).
#[derive(Debug, Clone)]
pub struct AuditUnit {
    /// Index into `Ward::facilities`.
    pub facility: usize,
    /// Index into the scenario's trade-group sets.
    pub set: usize,
    /// Indices into `Ward::lines`.
    pub lines: Vec<usize>,
}

/// The plan's lines resolved against the ward.
#[derive(Debug, Clone, Default)]
pub struct Placed {
    /// Per ward line: the bundle (index into `PlanFiles::bundles`) it is written in.
    pub line_bundle: Vec<Option<usize>>,
    /// Per ward line: where the scenario sends it.
    pub expected: Vec<Expect>,
    /// Per ward line: the assignments.csv line it is on (its first, if twice).
    pub row: Vec<Option<usize>>,
    /// The scenario's units, facility file order.
    pub units: Vec<AuditUnit>,
    /// Per unit: its bundle (that of its first line in a bundle).
    pub unit_bundle: Vec<Option<usize>>,
    /// The scenario's trade-group sets.
    pub sets: Vec<Vec<String>>,
    /// Bundle id → index into `PlanFiles::bundles` (first row of an id).
    pub bundle_index: HashMap<String, usize>,
}

fn expected(ward: &Ward, scenario: &Scenario, l: usize) -> Expect {
    let line = &ward.lines()[l];
    let f = ward.facility_of(line);
    let ex = &scenario.exclude;
    if f.operator == Operator::DesignatedManager && !ex.include_designated_managers {
        Expect::Excluded("designated_manager")
    } else if ex.facilities.contains(&f.id) {
        Expect::Excluded("excluded_facility")
    } else if ex.kinds.contains(&f.kind) {
        Expect::Excluded("excluded_kind")
    } else if ex.trades.contains(&ward.trade_of(line).key) {
        Expect::Excluded("excluded_trade")
    } else if line.pinned {
        Expect::Pinned
    } else {
        Expect::Bundle
    }
}

/// Checks coverage and fates; returns where each line and unit went.
pub fn check(
    ward: &Ward,
    scenario: &Scenario,
    files: &PlanFiles,
    v: &mut Vec<Violation>,
) -> Placed {
    let n = ward.lines().len();
    let mut p = Placed {
        line_bundle: vec![None; n],
        expected: (0..n).map(|l| expected(ward, scenario, l)).collect(),
        row: vec![None; n],
        ..Placed::default()
    };
    p.sets = match group_sets(ward.trades(), scenario) {
        Ok(s) => s,
        Err(e) => {
            v.push(Violation::new(
                "scenario",
                "summary.json",
                None,
                format!("シナリオを適用できません: {e}"),
                format!("the scenario cannot be applied: {e}"),
            ));
            return p;
        }
    };
    for (i, b) in files.bundles.iter().enumerate() {
        if let Some(&first) = p.bundle_index.get(&b.id) {
            v.push(Violation::new(
                "bundle_twice",
                BUNDLES,
                Some(b.line),
                format!(
                    "包括契約 {} が2行あります（{} 行目にも）",
                    b.id, files.bundles[first].line
                ),
                format!(
                    "bundle {} is listed twice (also on line {})",
                    b.id, files.bundles[first].line
                ),
            ));
        } else {
            p.bundle_index.insert(b.id.clone(), i);
        }
    }
    if !files.assignments_read {
        return p;
    }
    let by_id: HashMap<String, usize> = ward
        .lines()
        .iter()
        .enumerate()
        .map(|(i, l)| (l.id.clone(), i))
        .collect();
    for r in &files.assignments {
        let Some(&l) = by_id.get(&r.line_id) else {
            v.push(Violation::new(
                "line_unknown",
                ASSIGNMENTS,
                Some(r.line),
                format!("業務 {} はデータセットにありません", r.line_id),
                format!(
                    "service line {:?} is not in the dataset's service_lines.csv",
                    r.line_id
                ),
            ));
            continue;
        };
        if let Some(first) = p.row[l] {
            v.push(Violation::new(
                "line_twice",
                ASSIGNMENTS,
                Some(r.line),
                format!("業務 {} が2回あります（{first} 行目にも）", r.line_id),
                format!(
                    "service line {} appears twice (also on line {first}); every line must appear exactly once",
                    r.line_id
                ),
            ));
            continue;
        }
        p.row[l] = Some(r.line);
        check_row(ward, &mut p, l, r, v);
    }
    for (l, line) in ward.lines().iter().enumerate() {
        if p.row[l].is_none() {
            v.push(Violation::new(
                "line_missing",
                ASSIGNMENTS,
                None,
                format!(
                    "業務 {}（施設 {}、{}）が割当にありません",
                    line.id,
                    ward.facility_of(line).id,
                    ward.trade_of(line).key
                ),
                format!(
                    "service line {} (facility {}, {}) is missing; every line must appear exactly once",
                    line.id,
                    ward.facility_of(line).id,
                    ward.trade_of(line).key
                ),
            ));
        }
    }
    units(ward, scenario, files, &mut p, v);
    p
}

/// One row: its informational columns agree with the dataset, and its destination
/// with the scenario.
fn check_row(
    ward: &Ward,
    p: &mut Placed,
    l: usize,
    r: &super::AssignmentRow,
    v: &mut Vec<Violation>,
) {
    let line = &ward.lines()[l];
    let facility = &ward.facility_of(line).id;
    if r.facility_id.as_ref().is_some_and(|f| f != facility) {
        v.push(Violation::new(
            "row_differs",
            ASSIGNMENTS,
            Some(r.line),
            format!(
                "業務 {} の施設は {} ですが、{} と書かれています",
                line.id,
                facility,
                r.facility_id.as_deref().unwrap_or("")
            ),
            format!(
                "service line {} belongs to facility {facility}, not {}",
                line.id,
                r.facility_id.as_deref().unwrap_or("")
            ),
        ));
    }
    let old = ward.contract_of(line).map(|c| c.id.as_str()).unwrap_or("");
    if r.old_contract.as_ref().is_some_and(|c| c != old) {
        v.push(Violation::new(
            "row_differs",
            ASSIGNMENTS,
            Some(r.line),
            format!(
                "業務 {} の現契約は {old:?} ですが、{:?} と書かれています",
                line.id,
                r.old_contract.as_deref().unwrap_or("")
            ),
            format!(
                "service line {}'s current contract is {old:?}, not {:?}",
                line.id,
                r.old_contract.as_deref().unwrap_or("")
            ),
        ));
    }
    let dest = r.new_contract.as_str();
    let known = p.bundle_index.get(dest).copied();
    match (p.expected[l], dest) {
        (Expect::Pinned, "pinned") => {}
        (Expect::Pinned, _) => v.push(Violation::new(
            "pinned_moved",
            ASSIGNMENTS,
            Some(r.line),
            format!(
                "固定の業務 {} が {dest} に入っています（現契約 {old} のままのはずです）",
                line.id
            ),
            format!(
                "pinned service line {} is put in {dest:?}; a pinned line keeps its contract {old}",
                line.id
            ),
        )),
        (Expect::Excluded(reason), "excluded") => {
            if r.reason.as_deref().is_some_and(|x| x != reason) {
                v.push(Violation::new(
                    "reason_differs",
                    ASSIGNMENTS,
                    Some(r.line),
                    format!("業務 {} の除外理由は {reason} です", line.id),
                    format!(
                        "service line {} is excluded because of {reason}, not {:?}",
                        line.id,
                        r.reason.as_deref().unwrap_or("")
                    ),
                ));
            }
        }
        (Expect::Excluded(reason), _) => v.push(Violation::new(
            "excluded_moved",
            ASSIGNMENTS,
            Some(r.line),
            format!(
                "対象外（{reason}）の業務 {} が {dest} に入っています",
                line.id
            ),
            format!(
                "service line {} is excluded by the scenario ({reason}) but is put in {dest:?}",
                line.id
            ),
        )),
        (Expect::Bundle, "pinned" | "excluded") => v.push(Violation::new(
            "not_bundled",
            ASSIGNMENTS,
            Some(r.line),
            format!(
                "業務 {} は包括の対象ですが {dest} とされています",
                line.id
            ),
            format!(
                "service line {} is neither pinned nor excluded under the scenario, but is marked {dest}",
                line.id
            ),
        )),
        (Expect::Bundle, _) => match known {
            Some(b) => p.line_bundle[l] = Some(b),
            None => v.push(Violation::new(
                "bundle_unknown",
                ASSIGNMENTS,
                Some(r.line),
                format!(
                    "業務 {} の包括契約 {dest:?} は bundles.csv にありません",
                    line.id
                ),
                format!(
                    "service line {} is put in bundle {dest:?}, which bundles.csv does not list",
                    line.id
                ),
            )),
        },
    }
}

/// The scenario's units and whether each went whole into one bundle.
fn units(
    ward: &Ward,
    scenario: &Scenario,
    files: &PlanFiles,
    p: &mut Placed,
    v: &mut Vec<Violation>,
) {
    let group_order: Vec<&String> = p.sets.iter().flatten().collect();
    let mut by_key: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new();
    for (l, line) in ward.lines().iter().enumerate() {
        if p.expected[l] != Expect::Bundle {
            continue;
        }
        let group = &ward.trade_of(line).group;
        let Some(set) = p.sets.iter().position(|s| s.contains(group)) else {
            continue;
        };
        let key = match scenario.unit {
            UnitKind::Facility => set,
            UnitKind::FacilityTradeGroup => {
                group_order.iter().position(|g| *g == group).unwrap_or(set)
            }
        };
        by_key.entry((line.facility, key)).or_default().push(l);
    }
    for ((facility, _), lines) in by_key {
        let group = &ward.trade_of(&ward.lines()[lines[0]]).group;
        let set = p
            .sets
            .iter()
            .position(|s| s.contains(group))
            .unwrap_or_default();
        let mut bundles: Vec<usize> = lines.iter().filter_map(|&l| p.line_bundle[l]).collect();
        let first = bundles.first().copied();
        bundles.sort_unstable();
        bundles.dedup();
        if bundles.len() > 1 {
            let ids: Vec<String> = bundles
                .iter()
                .map(|&b| files.bundles[b].id.clone())
                .collect();
            let what = match scenario.unit {
                UnitKind::Facility => "unit = \"facility\"".to_string(),
                UnitKind::FacilityTradeGroup => {
                    format!("unit = \"facility_trade_group\" ({group})")
                }
            };
            let f = &ward.facilities()[facility].id;
            v.push(Violation::new(
                "unit_split",
                ASSIGNMENTS,
                lines.iter().filter_map(|&l| p.row[l]).max(),
                format!(
                    "施設 {f} の業務が {} に分かれています（{what} では一つの包括契約に入ります）",
                    ids.join(", ")
                ),
                format!(
                    "facility {f}'s lines are split across {}; under {what} they go into one bundle together",
                    ids.join(", ")
                ),
            ));
        }
        p.unit_bundle.push(first);
        p.units.push(AuditUnit {
            facility,
            set,
            lines,
        });
    }
}
