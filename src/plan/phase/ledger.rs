//! The year-by-year ledger of a phase-in, recomputed from the chosen start years alone
//! (not from the MIP's columns): what starts, moves, is held, spent and freed in each
//! fiscal year, with running totals.

use super::mip::bundle_hours_in;
use super::{Inputs, Setup};
use crate::problem::Bundle;

/// Per bundle, per ledger row: the share of its annual value moved in by the end of
/// that year (0 before it starts).
pub type Timeline = Vec<Vec<f64>>;

/// One fiscal year of the ledger.
#[derive(Debug, Clone, PartialEq)]
pub struct LedgerRow {
    /// The fiscal year (April of this year to March of the next).
    pub fiscal_year: i32,
    /// Bundles whose contract starts on 1 April of this year.
    pub bundles_launched: usize,
    /// Service lines that join their bundle this year.
    pub lines_moved: usize,
    /// Today's contracts whose last bundled line leaves this year.
    pub contracts_moved: usize,
    /// Contracts held at the year's end: today's still holding a line, plus bundles.
    pub contracts_at_year_end: usize,
    /// Staff hours spent on the move this year: the specification and procurement of
    /// the bundles that start next year.
    pub staff_hours: f64,
    /// Staff hours today minus the staff hours of this year's contracts and bundles.
    pub hours_freed: f64,
    /// `hours_freed` in full-time equivalents.
    pub fte_freed: f64,
    /// Early-termination cost of the contracts ended this year, yen.
    pub termination_cost_jpy: f64,
    /// Running total of `bundles_launched`.
    pub cum_bundles_launched: usize,
    /// Running total of `lines_moved`.
    pub cum_lines_moved: usize,
    /// Running total of `staff_hours`.
    pub cum_staff_hours: f64,
    /// Running total of `hours_freed`.
    pub cum_hours_freed: f64,
    /// `cum_hours_freed − cum_staff_hours`.
    pub cum_net_hours: f64,
    /// Running total of `termination_cost_jpy`.
    pub cum_termination_cost_jpy: f64,
}

/// The ledger (preparation year first), the timeline and each line's move year.
pub(super) fn ledger(
    inputs: Inputs,
    setup: &Setup,
    bundles: &[Bundle],
    starts: &[Option<i32>],
) -> (Vec<LedgerRow>, Timeline, Vec<Option<i32>>) {
    let w = inputs.ward;
    let first = setup.years[0];
    let last = *setup.years.last().expect("a period has a year");
    let fte = inputs.staff.hours_per_fte();

    // Each group's join year, when within the period.
    let joins: Vec<Vec<Option<i32>>> = setup
        .groups
        .iter()
        .zip(starts)
        .map(|(groups, s)| {
            groups
                .iter()
                .map(|g| s.map(|s| setup.join(g, s)).filter(|&j| j <= last))
                .collect()
        })
        .collect();
    let mut moves_in_fy = vec![None; w.lines().len()];
    for (groups, js) in setup.groups.iter().zip(&joins) {
        for (g, j) in groups.iter().zip(js) {
            for &l in &g.lines {
                moves_in_fy[l] = *j;
            }
        }
    }
    // A contract is held in a year while any group of it has not joined by then.
    let mut leaves: Vec<Option<i32>> = vec![None; w.contracts().len()];
    let mut waits = vec![false; w.contracts().len()];
    for (groups, js) in setup.groups.iter().zip(&joins) {
        for (g, j) in groups.iter().zip(js) {
            if let Some(c) = g.contract {
                match j {
                    Some(j) => leaves[c] = Some(leaves[c].map_or(*j, |x: i32| x.max(*j))),
                    None => waits[c] = true,
                }
            }
        }
    }
    let held = |c: usize, y: i32| setup.fixed[c] || waits[c] || leaves[c].is_none_or(|j| j > y);

    let mut rows: Vec<LedgerRow> = Vec::with_capacity(setup.years.len() + 1);
    let mut timeline: Timeline = vec![Vec::new(); bundles.len()];
    for y in (first - 1)..=last {
        let in_period = y >= first;
        let launched = starts.iter().filter(|s| **s == Some(y)).count();
        let lines_moved = moves_in_fy.iter().filter(|m| **m == Some(y)).count();
        let held_now: Vec<usize> = setup
            .today
            .iter()
            .copied()
            .filter(|&c| held(c, y))
            .collect();
        let contracts_moved = setup
            .today
            .iter()
            .filter(|&&c| !held(c, y) && held(c, y - 1))
            .count();
        let running = starts.iter().filter(|s| s.is_some_and(|s| s <= y)).count();
        let mut hours: f64 = held_now.iter().map(|&c| setup.contract_hours[c]).sum();
        let mut termination = 0.0;
        for (b, s) in starts.iter().enumerate() {
            if let Some(s) = *s {
                hours += bundle_hours_in(inputs, setup, b, s, y);
                if s == y {
                    termination += setup.termination_yen(inputs, b, s);
                }
            }
        }
        let staff_hours =
            setup.launch_hours * starts.iter().filter(|s| **s == Some(y + 1)).count() as f64;
        let freed = if in_period {
            setup.baseline - hours
        } else {
            0.0
        };
        let prev = rows.last();
        let cum = |f: &dyn Fn(&LedgerRow) -> f64| prev.map_or(0.0, f);
        let row = LedgerRow {
            fiscal_year: y,
            bundles_launched: launched,
            lines_moved,
            contracts_moved,
            contracts_at_year_end: held_now.len() + running,
            staff_hours,
            hours_freed: freed,
            fte_freed: freed / fte,
            termination_cost_jpy: termination,
            cum_bundles_launched: prev.map_or(0, |r| r.cum_bundles_launched) + launched,
            cum_lines_moved: prev.map_or(0, |r| r.cum_lines_moved) + lines_moved,
            cum_staff_hours: cum(&|r| r.cum_staff_hours) + staff_hours,
            cum_hours_freed: cum(&|r| r.cum_hours_freed) + freed,
            cum_net_hours: cum(&|r| r.cum_net_hours) + freed - staff_hours,
            cum_termination_cost_jpy: cum(&|r| r.cum_termination_cost_jpy) + termination,
        };
        rows.push(row);
        for (b, js) in joins.iter().enumerate() {
            let total = setup.value[b];
            let moved: f64 = setup.groups[b]
                .iter()
                .zip(js)
                .filter(|(_, j)| j.is_some_and(|j| j <= y))
                .map(|(g, _)| {
                    if total > 0.0 {
                        g.value
                    } else {
                        g.lines.len() as f64
                    }
                })
                .sum();
            let all = if total > 0.0 {
                total
            } else {
                setup.groups[b]
                    .iter()
                    .map(|g| g.lines.len() as f64)
                    .sum::<f64>()
            };
            timeline[b].push(if all > 0.0 { moved / all } else { 0.0 });
        }
    }
    (rows, timeline, moves_in_fy)
}
