//! Running a sweep: every scenario as a plan, in parallel on rayon (one HiGHS thread
//! each), each written to its own subfolder exactly as `matome plan` would; a scenario
//! that is infeasible or fails becomes a row with its reason while the others run. The
//! comparison rows, with today's contracts first and Pareto marks, are built here.

use super::{plan, Inputs};
use crate::scenario::sweep::{Soft, Sweep};
use crate::scenario::Scenario;
use std::path::Path;

/// The figures of one row of the comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    pub contracts: usize,
    pub bundles: usize,
    pub staff_hours_freed: f64,
    pub fte_freed: f64,
    pub travel_km_year: f64,
    /// Largest annual value of one contract or bundle, yen.
    pub largest_value: i64,
    /// Bundles above any of the sweep's soft thresholds.
    pub over_soft: usize,
    pub gap: f64,
    pub solver_status: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub name: String,
    /// `status quo`, `ok`, `infeasible` or `failed`.
    pub outcome: &'static str,
    pub figures: Option<Figures>,
    /// Why there is no plan, or empty.
    pub reason: String,
    pub pareto: bool,
}

/// Today's contracts as the first row: nothing freed, today's travel by the hub model.
pub fn status_quo(inputs: Inputs, scenario: &Scenario) -> Row {
    let d = inputs.dataset;
    let (contracts, travel) = super::accounts::today(inputs, scenario);
    let largest = {
        let mut per: std::collections::BTreeMap<&str, i64> = std::collections::BTreeMap::new();
        for l in &d.lines {
            *per.entry(l.contract_id.as_str()).or_default() += l.annual_cost.0;
        }
        per.values().copied().max().unwrap_or(0)
    };
    Row {
        name: "status quo 現状".into(),
        outcome: "status quo",
        figures: Some(Figures {
            contracts,
            bundles: 0,
            staff_hours_freed: 0.0,
            fte_freed: 0.0,
            travel_km_year: travel,
            largest_value: largest,
            over_soft: 0,
            gap: 0.0,
            solver_status: String::new(),
        }),
        reason: String::new(),
        pareto: false,
    }
}

fn over_soft(b: &crate::problem::Bundle, soft: &Soft) -> bool {
    soft.max_value_jpy.is_some_and(|v| b.value > v)
        || soft.max_labour_hours.is_some_and(|h| b.labour_hours > h)
        || soft.max_facilities.is_some_and(|f| b.facilities.len() > f)
}

/// Plans every scenario of the sweep and writes each into `out_dir/<name>/`.
/// `on_done` is called after each scenario (for progress), from worker threads.
pub fn run(
    inputs: Inputs,
    sweep: &Sweep,
    dataset_dir: &Path,
    out_dir: &Path,
    threads: usize,
    on_done: &(dyn Fn(&str) + Sync),
) -> Vec<Row> {
    let one = |s: &Scenario| -> Row {
        let mut s = s.clone();
        // Scenarios run side by side: one HiGHS thread each.
        s.solver.threads = 1;
        let row = match plan(inputs, &s, None) {
            Ok(p) => match crate::report::write(&p, dataset_dir, &out_dir.join(&s.name)) {
                Ok(_) => {
                    let a = &p.accounts;
                    let largest_left = left_values(inputs, &p);
                    Row {
                        name: s.name.clone(),
                        outcome: "ok",
                        figures: Some(Figures {
                            contracts: a.contracts_after,
                            bundles: a.bundles,
                            staff_hours_freed: a.staff_hours_freed,
                            fte_freed: a.fte_freed,
                            travel_km_year: a.travel_km_after,
                            largest_value: p
                                .bundles
                                .iter()
                                .map(|b| b.value)
                                .max()
                                .unwrap_or(0)
                                .max(largest_left),
                            over_soft: p
                                .bundles
                                .iter()
                                .filter(|b| over_soft(b, &sweep.soft))
                                .count(),
                            gap: p.solver.gap,
                            solver_status: p.solver.status.to_string(),
                        }),
                        reason: String::new(),
                        pareto: false,
                    }
                }
                Err(e) => failed(&s.name, "failed", e.to_string()),
            },
            Err(e) if e.is_infeasible() => failed(&s.name, "infeasible", e.to_string()),
            Err(e) => failed(&s.name, "failed", e.to_string()),
        };
        on_done(&s.name);
        row
    };
    // Scenarios side by side on plain OS threads (see `solve::queue`).
    let rows = crate::solve::queue::run_queue(&sweep.scenarios, threads, one);
    let first = sweep.scenarios.first().cloned().unwrap_or_default();
    let mut all = vec![status_quo(inputs, &first)];
    all.extend(rows);
    mark_pareto(&mut all);
    all
}

/// The largest remaining contract's value, counting only the lines it keeps.
fn left_values(inputs: Inputs, p: &super::Plan) -> i64 {
    let mut per: std::collections::BTreeMap<&str, i64> = std::collections::BTreeMap::new();
    for (l, line) in inputs.dataset.lines.iter().enumerate() {
        if !matches!(p.built.fates[l], crate::problem::LineFate::Unit(_)) {
            *per.entry(line.contract_id.as_str()).or_default() += line.annual_cost.0;
        }
    }
    per.values().copied().max().unwrap_or(0)
}

fn failed(name: &str, outcome: &'static str, reason: String) -> Row {
    Row {
        name: name.to_string(),
        outcome,
        figures: None,
        reason: reason.replace('\n', " "),
        pareto: false,
    }
}

/// Marks rows no other row dominates: at most as many contracts, at most as much
/// travel and at least as many hours freed, and better on one of them.
pub fn mark_pareto(rows: &mut [Row]) {
    let figs: Vec<Option<(f64, f64, f64)>> = rows
        .iter()
        .map(|r| {
            r.figures
                .as_ref()
                .map(|f| (f.contracts as f64, f.travel_km_year, f.staff_hours_freed))
        })
        .collect();
    for i in 0..rows.len() {
        let Some(a) = figs[i] else { continue };
        let dominated = figs.iter().enumerate().any(|(j, b)| {
            let Some(b) = b else { return false };
            j != i
                && b.0 <= a.0
                && b.1 <= a.1
                && b.2 >= a.2
                && (b.0 < a.0 || b.1 < a.1 || b.2 > a.2)
        });
        rows[i].pareto = !dominated;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, contracts: usize, travel: f64, freed: f64) -> Row {
        Row {
            name: name.into(),
            outcome: "ok",
            figures: Some(Figures {
                contracts,
                bundles: 0,
                staff_hours_freed: freed,
                fte_freed: 0.0,
                travel_km_year: travel,
                largest_value: 0,
                over_soft: 0,
                gap: 0.0,
                solver_status: String::new(),
            }),
            reason: String::new(),
            pareto: false,
        }
    }

    #[test]
    fn pareto_marks_on_a_hand_made_table() {
        let mut rows = vec![
            row("today", 100, 50.0, 0.0), // least travel: efficient
            row("a", 10, 80.0, 900.0),    // efficient
            row("b", 12, 90.0, 800.0),    // dominated by a
            row("c", 5, 200.0, 950.0),    // fewest contracts, most freed: efficient
            row("d", 10, 80.0, 900.0),    // equal to a: neither dominates
            row("e", 10, 80.0, 899.0),    // dominated by a (less freed)
            failed("f", "infeasible", "x".into()),
        ];
        mark_pareto(&mut rows);
        let marks: Vec<bool> = rows.iter().map(|r| r.pareto).collect();
        assert_eq!(marks, vec![true, true, false, true, true, false, false]);
    }
}
