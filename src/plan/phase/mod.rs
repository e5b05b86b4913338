//! Phase-in (`[phase]`): in which fiscal year (April–March) each bundle of a plan
//! starts, given the end dates of today's contracts, and the year-by-year ledger of
//! what that moves, costs and frees.
//!
//! A line is *free* from the first fiscal year that begins after its contract's `end`
//! (a line without a contract is free at once). A bundle starts on 1 April of its start
//! year; its procurement (the staff-time model's bundle specification and procurement
//! hours) falls in the year before, so the ledger opens with that preparation year.
//! Under `wait` a bundle starts once all its lines are free; under `absorb` once
//! `min_share` of its value is free, each other line joining at its contract's end;
//! under `terminate` in any year, contracts still running being ended early at
//! `termination_cost_jpy_per_month` a contract and remaining month (a contract whose
//! lines go to two bundles is cut once per bundle).
//!
//! Staff hours of a year: every one of today's contracts that still holds a line not
//! yet moved (renewed as today while it waits) keeps its full hours, and every bundle
//! running costs its hours for the facilities and trades it holds so far — the same
//! per-year figures as the plan's accounts, so once every line has moved the year
//! frees exactly the plan's annual hours. `setup` computes what each start year of
//! each bundle implies, `mip` chooses the start years, and `ledger` recomputes every
//! figure from the chosen years alone, which `check` compares with the MIP.

mod ledger;
mod mip;

pub use ledger::{LedgerRow, Timeline};

use super::Inputs;
use crate::model::Date;
use crate::problem::{Built, Bundle, LineFate};
use crate::scenario::{Phase, PhasePolicy, Scenario};
use crate::staff::day_number;

/// The phase MIP's side: what HiGHS proved.
#[derive(Debug, Clone, PartialEq)]
pub struct PhaseSolver {
    /// `optimal` or `feasible` (time limit reached with a schedule).
    pub status: &'static str,
    /// Staff hours freed over the period, net of launch hours and of termination
    /// costs counted in hours (`costs.yen_per_staff_hour`): the MIP's objective.
    pub objective_hours: f64,
    /// HiGHS's proven upper bound on that objective.
    pub bound_hours: f64,
    /// `(bound − objective) / max(|objective|, 1)`.
    pub gap: f64,
    /// Binary columns (bundle × start year).
    pub binaries: usize,
    /// Continuous columns (contracts shared by bundles × year).
    pub continuous: usize,
    /// Rows.
    pub rows: usize,
    /// HiGHS wall time, seconds.
    pub seconds: f64,
}

/// A plan's phase-in: the start year of each bundle and the ledger.
#[derive(Debug, Clone, PartialEq)]
pub struct Phasing {
    /// The scenario's `[phase]`.
    pub phase: Phase,
    /// The period's fiscal years.
    pub years: Vec<i32>,
    /// Per bundle (plan order): the fiscal year it starts, or None (not in the period).
    pub starts: Vec<Option<i32>>,
    /// Per bundle: the earliest year the policy allows, or None (none in the period).
    pub earliest: Vec<Option<i32>>,
    /// Per ward line: the fiscal year it joins its bundle, or None (it stays, or joins
    /// after the period).
    pub moves_in_fy: Vec<Option<i32>>,
    /// The preparation year (first − 1), then one row per fiscal year of the period.
    pub ledger: Vec<LedgerRow>,
    /// Per bundle, per ledger row: the share of its annual value moved in by the end
    /// of that year (for the timeline chart).
    pub timeline: Timeline,
    /// Staff hours a year today (the plan's `staff_hours_before`).
    pub baseline_hours: f64,
    /// The phase MIP.
    pub solver: PhaseSolver,
}

impl Phasing {
    /// Hours freed over the period net of launch hours (the ledger's last running total).
    pub fn cumulative_net_hours(&self) -> f64 {
        self.ledger.last().map(|r| r.cum_net_hours).unwrap_or(0.0)
    }

    /// "0.00 %", or "unknown" without a finite bound.
    pub fn gap_text(&self) -> String {
        if self.solver.gap.is_finite() {
            format!("{:.2} %", 100.0 * self.solver.gap)
        } else {
            "unknown".into()
        }
    }

    /// Bundles that do not start within the period.
    pub fn deferred(&self) -> usize {
        self.starts.iter().filter(|s| s.is_none()).count()
    }
}

/// The first fiscal year that begins after `end`: FY y runs 1 April y – 31 March y+1.
pub fn free_from(end: Date) -> i32 {
    end.first_fiscal_year_after()
}

/// Whole months (by average month length, rounded) a contract ending `end` still runs
/// from 1 April of `year`; zero when it has ended by then.
pub fn months_left(end: Date, year: i32) -> f64 {
    if free_from(end) <= year {
        return 0.0;
    }
    let from = day_number(Date {
        year,
        month: 4,
        day: 1,
    });
    let days = (day_number(end) - from + 1) as f64;
    (days / (365.25 / 12.0)).round().max(0.0)
}

/// "令和7年度 FY2025" (Reiwa 1 = 2019).
pub fn fy_label(year: i32) -> String {
    if year >= 2019 {
        let r = year - 2018;
        if r == 1 {
            format!("令和元年度 FY{year}")
        } else {
            format!("令和{r}年度 FY{year}")
        }
    } else {
        format!("FY{year}")
    }
}

/// A group of a bundle's lines that share one of today's contracts (or none).
#[derive(Debug, Clone)]
struct Group {
    /// Index into `Ward::contracts`, or None for lines without a contract.
    contract: Option<usize>,
    /// Ward line indices.
    lines: Vec<usize>,
    /// Annual value of those lines, yen.
    value: f64,
    /// First fiscal year the lines are free (i32::MIN without a contract).
    free: i32,
}

/// What each start year of each bundle implies, computed once from the ward.
#[derive(Debug, Clone)]
struct Setup {
    years: Vec<i32>,
    policy: PhasePolicy,
    min_share: f64,
    per_month: f64,
    yen_per_hour: f64,
    cap: Option<usize>,
    launch_hours: f64,
    /// Per bundle: its line groups.
    groups: Vec<Vec<Group>>,
    /// Per bundle: its total annual value, yen.
    value: Vec<f64>,
    /// Annual hours of today's contracts with a line (index into `Ward::contracts`).
    contract_hours: Vec<f64>,
    /// Contracts that hold a pinned or excluded line: held throughout.
    fixed: Vec<bool>,
    /// Today's contracts (those with a line).
    today: Vec<usize>,
    baseline: f64,
}

impl Setup {
    fn new(
        inputs: Inputs,
        scenario: &Scenario,
        phase: &Phase,
        built: &Built,
        bundles: &[Bundle],
    ) -> Setup {
        let w = inputs.ward;
        let contracts = w.contracts();
        let groups: Vec<Vec<Group>> = bundles
            .iter()
            .map(|b| {
                let mut by: std::collections::BTreeMap<Option<usize>, Vec<usize>> =
                    Default::default();
                for &l in &b.lines {
                    by.entry(w.lines()[l].contract).or_default().push(l);
                }
                by.into_iter()
                    .map(|(contract, lines)| Group {
                        contract,
                        value: lines
                            .iter()
                            .map(|&l| w.lines()[l].annual_cost.0 as f64)
                            .sum(),
                        free: contract.map_or(i32::MIN, |c| free_from(contracts[c].end)),
                        lines,
                    })
                    .collect()
            })
            .collect();
        let value = groups
            .iter()
            .map(|g| g.iter().map(|x| x.value).sum())
            .collect();
        let today: Vec<usize> = (0..contracts.len())
            .filter(|&c| !w.contract_lines(c).is_empty())
            .collect();
        let contract_hours: Vec<f64> = contracts
            .iter()
            .map(|c| inputs.staff.contract_hours(c, 1.0))
            .collect();
        let fixed: Vec<bool> = (0..contracts.len())
            .map(|c| {
                w.contract_lines(c)
                    .iter()
                    .any(|&l| !matches!(built.fates[l], LineFate::Unit(_)))
            })
            .collect();
        let b = &inputs.staff.bundle;
        Setup {
            years: phase.years().collect(),
            policy: phase.policy,
            min_share: phase.min_share,
            per_month: phase.termination_cost_jpy_per_month.unwrap_or(0.0),
            yen_per_hour: scenario.costs.yen_per_staff_hour,
            cap: phase.max_launches_per_year,
            launch_hours: b.specification.value + b.procurement.value,
            baseline: today.iter().map(|&c| contract_hours[c]).sum(),
            groups,
            value,
            contract_hours,
            fixed,
            today,
        }
    }

    /// May bundle `b` start in `year` under the policy?
    fn allowed(&self, b: usize, year: i32) -> bool {
        let g = &self.groups[b];
        match self.policy {
            PhasePolicy::Wait => g.iter().all(|x| x.free <= year),
            PhasePolicy::Terminate => true,
            PhasePolicy::Absorb => {
                let free = |x: &&Group| x.free <= year;
                if self.value[b] > 0.0 {
                    let v: f64 = g.iter().filter(free).map(|x| x.value).sum();
                    v >= self.min_share * self.value[b] - 1e-6
                } else {
                    let n: usize = g.iter().filter(free).map(|x| x.lines.len()).sum();
                    let all: usize = g.iter().map(|x| x.lines.len()).sum();
                    n as f64 >= self.min_share * all as f64 - 1e-9
                }
            }
        }
    }

    /// The fiscal year a group joins its bundle when the bundle starts in `start`.
    fn join(&self, g: &Group, start: i32) -> i32 {
        match self.policy {
            PhasePolicy::Absorb => start.max(g.free),
            PhasePolicy::Wait | PhasePolicy::Terminate => start,
        }
    }

    /// Early-termination cost, yen, of bundle `b` starting in `start`.
    fn termination_yen(&self, inputs: Inputs, b: usize, start: i32) -> f64 {
        if self.policy != PhasePolicy::Terminate {
            return 0.0;
        }
        let contracts = inputs.ward.contracts();
        self.groups[b]
            .iter()
            .filter_map(|g| g.contract)
            .map(|c| self.per_month * months_left(contracts[c].end, start))
            .sum()
    }
}

/// Plans the phase-in of a plan's bundles; None when the scenario has no `[phase]`.
pub fn phase(
    inputs: Inputs,
    scenario: &Scenario,
    built: &Built,
    bundles: &[Bundle],
) -> Result<Option<Phasing>, String> {
    let Some(phase) = &scenario.phase else {
        return Ok(None);
    };
    // `Scenario::validate` guarantees a period; a scenario built in code may skip it.
    if phase.years().is_empty() {
        return Err(format!(
            "[phase] の期間が空です / the period is empty: first_year {:?}, last_year {:?}",
            phase.first_year, phase.last_year
        ));
    }
    let setup = Setup::new(inputs, scenario, phase, built, bundles);
    let earliest: Vec<Option<i32>> = (0..bundles.len())
        .map(|b| setup.years.iter().copied().find(|&y| setup.allowed(b, y)))
        .collect();
    let solved = mip::solve(inputs, &setup, scenario)?;
    let (ledger, timeline, moves_in_fy) = ledger::ledger(inputs, &setup, bundles, &solved.starts);
    check(inputs, &setup, &solved, &ledger, &moves_in_fy)?;
    Ok(Some(Phasing {
        phase: phase.clone(),
        years: setup.years.clone(),
        starts: solved.starts,
        earliest,
        moves_in_fy,
        ledger,
        timeline,
        baseline_hours: setup.baseline,
        solver: solved.solver,
    }))
}

/// Recomputes the rules from the ward and the chosen years alone: no start outside
/// the policy, the launch cap, no line before its contract ends under `wait` and
/// `absorb`, and the ledger's net total equal to the MIP's objective.
fn check(
    inputs: Inputs,
    setup: &Setup,
    solved: &mip::Solved,
    ledger: &[LedgerRow],
    moves: &[Option<i32>],
) -> Result<(), String> {
    let mut errors = Vec::new();
    for (b, s) in solved.starts.iter().enumerate() {
        if let Some(s) = s {
            if !setup.allowed(b, *s) {
                errors.push(format!(
                    "bundle {} starts in FY{s}, which the policy forbids",
                    b + 1
                ));
            }
        }
    }
    if let Some(cap) = setup.cap {
        for &y in &setup.years {
            let n = solved.starts.iter().filter(|s| **s == Some(y)).count();
            if n > cap {
                errors.push(format!("{n} bundles start in FY{y}, above the cap {cap}"));
            }
        }
    }
    if setup.policy != PhasePolicy::Terminate {
        let w = inputs.ward;
        for (l, m) in moves.iter().enumerate() {
            if let (Some(y), Some(c)) = (m, w.lines()[l].contract) {
                if free_from(w.contracts()[c].end) > *y {
                    errors.push(format!(
                        "line {} moves in FY{y} before its contract {} ends ({})",
                        w.lines()[l].id,
                        w.contracts()[c].id,
                        w.contracts()[c].end
                    ));
                }
            }
        }
    }
    let termination_hours = ledger.iter().map(|r| r.termination_cost_jpy).sum::<f64>()
        / if setup.yen_per_hour > 0.0 {
            setup.yen_per_hour
        } else {
            1.0
        };
    let net = ledger.last().map(|r| r.cum_net_hours).unwrap_or(0.0) - termination_hours;
    // The ledger holds each contract exactly as long as a line of it waits; the MIP's
    // `h` may hold one longer only when HiGHS stopped before optimality.
    let tol = 1e-6 * net.abs().max(1.0) + 1e-4;
    let off = net - solved.solver.objective_hours;
    if off < -tol || (solved.solver.status == "optimal" && off > tol) {
        errors.push(format!(
            "the ledger nets {net:.3} h but the phase MIP's objective is {:.3} h",
            solved.solver.objective_hours
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "the phase-in failed its independent check, nothing was written:\n{}",
            errors.join("\n")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(year: i32, month: u8, day: u8) -> Date {
        Date { year, month, day }
    }

    #[test]
    fn a_line_is_free_from_the_fiscal_year_after_its_end() {
        assert_eq!(free_from(d(2026, 3, 31)), 2026);
        assert_eq!(free_from(d(2026, 4, 1)), 2027);
        assert_eq!(free_from(d(2026, 9, 30)), 2027);
        assert_eq!(free_from(d(2027, 1, 31)), 2027);
    }

    #[test]
    fn months_left_count_from_the_first_of_april() {
        assert_eq!(months_left(d(2027, 3, 31), 2025), 24.0);
        assert_eq!(months_left(d(2026, 3, 31), 2025), 12.0);
        assert_eq!(months_left(d(2026, 3, 31), 2026), 0.0);
        assert_eq!(months_left(d(2025, 9, 30), 2025), 6.0);
    }

    #[test]
    fn fiscal_year_labels_name_the_era_year() {
        assert_eq!(fy_label(2025), "令和7年度 FY2025");
        assert_eq!(fy_label(2019), "令和元年度 FY2019");
    }
}
