//! Running a sweep: every scenario as a plan, in parallel (one HiGHS thread each); a
//! scenario that is infeasible or fails becomes a row with its reason while the others
//! run. The comparison rows, with today's contracts first and Pareto marks, are built
//! here; the caller writes each plan and the comparison (`report`).

use super::{plan, Inputs, Plan};
use crate::problem::{Bundle, LineFate};
use crate::scenario::sweep::{Soft, Sweep};
use crate::scenario::Scenario;

/// The figures of one row of the comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    /// Contracts after (today's, for the status quo).
    pub contracts: usize,
    /// Bundles of the plan.
    pub bundles: usize,
    /// Staff hours freed a year.
    pub staff_hours_freed: f64,
    /// Hours freed in full-time equivalents.
    pub fte_freed: f64,
    /// Contractor km a year.
    pub travel_km_year: f64,
    /// Largest annual value of one contract or bundle, yen.
    pub largest_value: i64,
    /// Bundles above any of the sweep's soft thresholds.
    pub over_soft: usize,
    /// Fewest prime bidders of any bundle (`None` for the status quo).
    pub fewest_bidders: Option<usize>,
    /// In-ward firms' share of the contracted value (today's for the status quo);
    /// `None` when vendors.csv does not say who is in the ward.
    pub in_ward_share: Option<f64>,
    /// The solver's relative gap.
    pub gap: f64,
    /// The solver's status words.
    pub solver_status: String,
    /// The phase-in's totals, when the scenario has `[phase]`.
    pub phase: Option<PhaseFigures>,
}

/// A phase-in's totals for the comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct PhaseFigures {
    /// The period's last fiscal year.
    pub last_year: i32,
    /// Staff hours freed from the first to the last year, net of launch hours.
    pub cum_net_hours: f64,
    /// Early-termination cost over the period, yen.
    pub termination_jpy: f64,
    /// Bundles that do not start within the period.
    pub after_period: usize,
}

/// One row of the comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The scenario's name (or `status quo 現状`).
    pub name: String,
    /// `status quo`, `ok`, `infeasible` or `failed`.
    pub outcome: &'static str,
    /// The figures, when there is a plan.
    pub figures: Option<Figures>,
    /// Why there is no plan, or empty.
    pub reason: String,
    /// No other row dominates this one.
    pub pareto: bool,
}

/// A planned sweep: the comparison rows and the plans behind them.
pub struct Comparison<'a> {
    /// Today's contracts first, then one row per scenario in sweep order.
    pub rows: Vec<Row>,
    /// Each plan with the index of its row.
    pub plans: Vec<(usize, Plan<'a>)>,
}

impl Comparison<'_> {
    /// Turns a planned row into a failed one (e.g. its files could not be written)
    /// and marks the Pareto front again without it.
    pub fn fail(&mut self, row: usize, reason: &str) {
        let name = self.rows[row].name.clone();
        self.rows[row] = failed(&name, "failed", reason);
        mark_pareto(&mut self.rows);
    }
}

/// Today's contracts as the first row: nothing freed, today's travel from the vendors' bases.
pub fn status_quo(inputs: Inputs, scenario: &Scenario) -> Row {
    let w = inputs.ward;
    let (contracts, travel) = super::accounts::today(inputs, scenario);
    let largest = (0..w.contracts().len())
        .map(|c| line_costs(inputs, w.contract_lines(c), &|_| true))
        .max()
        .unwrap_or(0);
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
            fewest_bidders: None,
            in_ward_share: crate::market::in_ward_share_today(w),
            gap: 0.0,
            solver_status: String::new(),
            phase: None,
        }),
        reason: String::new(),
        pareto: false,
    }
}

/// What the `lines` that pass `keep` cost today, yen a year.
fn line_costs(inputs: Inputs, lines: &[usize], keep: &dyn Fn(usize) -> bool) -> i64 {
    let all = inputs.ward.lines();
    lines
        .iter()
        .filter(|&&l| keep(l))
        .map(|&l| all[l].annual_cost.0)
        .sum()
}

fn over_soft(b: &Bundle, soft: &Soft) -> bool {
    soft.max_value_jpy.is_some_and(|v| b.value > v)
        || soft.max_labour_hours.is_some_and(|h| b.labour_hours > h)
        || soft.max_facilities.is_some_and(|f| b.facilities.len() > f)
}

/// The comparison row of a plan.
fn row(inputs: Inputs, p: &Plan, soft: &Soft) -> Row {
    let a = &p.accounts;
    let stays = |l: usize| !matches!(p.built.fates[l], LineFate::Unit(_));
    // The largest remaining contract's value, counting only the lines it keeps.
    let largest_left = (0..inputs.ward.contracts().len())
        .map(|c| line_costs(inputs, inputs.ward.contract_lines(c), &stays))
        .max()
        .unwrap_or(0);
    Row {
        name: p.scenario.name.clone(),
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
            over_soft: p.bundles.iter().filter(|b| over_soft(b, soft)).count(),
            fewest_bidders: p.market.fewest_bidders,
            in_ward_share: p.market.in_ward_share_after,
            gap: p.solver.gap,
            solver_status: p.solver.status.to_string(),
            phase: p.phase.as_ref().map(|ph| PhaseFigures {
                last_year: *ph.years.last().expect("a period has a year"),
                cum_net_hours: ph.cumulative_net_hours(),
                termination_jpy: ph.ledger.last().map_or(0.0, |r| r.cum_termination_cost_jpy),
                after_period: ph.deferred(),
            }),
        }),
        reason: String::new(),
        pareto: false,
    }
}

/// Plans every scenario of the sweep, `threads` at a time. `on_done` is called after
/// each scenario (for progress), from worker threads.
pub fn run<'a>(
    inputs: Inputs<'a>,
    sweep: &Sweep,
    threads: usize,
    on_done: &(dyn Fn(&str) + Sync),
) -> Comparison<'a> {
    let one = |s: &Scenario| -> (Row, Option<Plan<'a>>) {
        let mut s = s.clone();
        // Scenarios run side by side: one HiGHS thread each.
        s.solver.threads = 1;
        let out = match plan(inputs, &s, None) {
            Ok(p) => (row(inputs, &p, &sweep.soft), Some(p)),
            Err(e) if e.is_infeasible() => (failed(&s.name, "infeasible", &e.to_string()), None),
            Err(e) => (failed(&s.name, "failed", &e.to_string()), None),
        };
        on_done(&s.name);
        out
    };
    // Scenarios side by side on plain OS threads (see `solve::queue`).
    let planned = crate::solve::queue::run_queue(&sweep.scenarios, threads, one);
    let first = sweep.scenarios.first().cloned().unwrap_or_default();
    let mut rows = vec![status_quo(inputs, &first)];
    let mut plans = Vec::new();
    for (row, plan) in planned {
        if let Some(p) = plan {
            plans.push((rows.len(), p));
        }
        rows.push(row);
    }
    mark_pareto(&mut rows);
    Comparison { rows, plans }
}

fn failed(name: &str, outcome: &'static str, reason: &str) -> Row {
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
                fewest_bidders: None,
                in_ward_share: None,
                gap: 0.0,
                solver_status: String::new(),
                phase: None,
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
            failed("f", "infeasible", "x"),
        ];
        mark_pareto(&mut rows);
        let marks: Vec<bool> = rows.iter().map(|r| r.pareto).collect();
        assert_eq!(marks, vec![true, true, false, true, true, false, false]);
    }
}
