//! One ward plan end to end, as a library function: build the engine problem from the
//! ward and scenario, solve it, check the solution independently, read it back as
//! bundles and do the before/after accounts. `matome plan` and `matome scenarios` both
//! call `plan` (the latter through `sweep`); writing files is `report`'s job, called by
//! the CLI.

mod accounts;
mod diagnose;
pub mod phase;
pub mod sweep;

pub use accounts::{accounts, Accounts, AreaHours};
pub use diagnose::explain;

use crate::problem::{self, BuildError, Built, Bundle};
use crate::scenario::Scenario;
use crate::solve::{self, Mode, ProgressFn, SolveError, SolveParams, Status, Stop};
use crate::staff::StaffModel;
use crate::text::thousands;
use crate::ward::Ward;
use std::time::{Duration, Instant};
use thiserror::Error;

/// What a plan rests on, borrowed: one ward and staff model serve many scenarios.
#[derive(Clone, Copy)]
pub struct Inputs<'a> {
    /// The dataset folder's name, for titles.
    pub dataset_name: &'a str,
    /// The validated, resolved ward.
    pub ward: &'a Ward,
    /// The staff-time model.
    pub staff: &'a StaffModel,
}

/// The solver's side of a plan.
#[derive(Debug, Clone, PartialEq)]
pub struct SolverOutcome {
    /// Yearly cost in yen: bundle fixed costs, travel and administration shares, as
    /// recomputed by the independent checker.
    pub objective: f64,
    /// A proven lower bound on the yearly cost of any plan.
    pub lower_bound: f64,
    /// Relative gap between objective and bound.
    pub gap: f64,
    /// `optimal` or `feasible`.
    pub status: &'static str,
    /// `exact` or `heuristic`: the method that ran.
    pub mode: &'static str,
    /// Solver wall time, seconds.
    pub seconds: f64,
    /// HiGHS calls abandoned at their deadline (a solver that did not return in time).
    pub abandoned_calls: usize,
}

impl SolverOutcome {
    /// What the reports say when HiGHS calls were left behind at their deadline (none
    /// otherwise), in Japanese and English.
    pub fn left_behind_text(&self) -> Option<String> {
        (self.abandoned_calls > 0).then(|| {
            format!(
                "HiGHS の呼び出し {n} 件が制限時間内に戻らず、打ち切りました。計画はそれ以外で得た最良の検証済みの案です / {n} HiGHS call(s) did not return by their deadline and were left behind; the plan is the best checked one found without them",
                n = self.abandoned_calls
            )
        })
    }

    /// "¥1,234,567", or words when the engine proved no finite bound.
    pub fn bound_text(&self) -> String {
        if self.lower_bound.is_finite() {
            format!("¥{}", thousands(self.lower_bound.round() as i64))
        } else {
            "none proven".into()
        }
    }

    /// "0.42 %", or "unknown" without a finite bound.
    pub fn gap_text(&self) -> String {
        if self.gap.is_finite() {
            format!("{:.2} %", 100.0 * self.gap)
        } else {
            "unknown".into()
        }
    }
}

/// A checked plan of one scenario, with everything the reports need.
pub struct Plan<'a> {
    /// What it rests on.
    pub inputs: Inputs<'a>,
    /// The scenario as it ran (command-line overrides included).
    pub scenario: Scenario,
    /// The engine problem and its reading in ward terms.
    pub built: Built,
    /// The new contracts.
    pub bundles: Vec<Bundle>,
    /// Before and after.
    pub accounts: Accounts,
    /// The solver's figures.
    pub solver: SolverOutcome,
    /// Who can bid for each bundle, and the in-ward firms' share before and after.
    pub market: crate::market::PlanMarket,
    /// What changed against the earlier plan (`--from`).
    pub realignment: Option<crate::replan::Realignment>,
    /// The phase-in over fiscal years, when the scenario has `[phase]`.
    pub phase: Option<phase::Phasing>,
    /// Wall time of the whole plan (build, solve, check, accounts, phase-in), seconds.
    pub total_seconds: f64,
}

/// The engine's mode for the scenario's `[solver] mode`. The scenario keeps its own word
/// for it (`scenario` sits below the engine and knows nothing of it, as with the bundle
/// count); this is the one place the two meet. `matome bench`, which has no scenario,
/// parses `solve::Mode` directly, and reports print `Mode::name`.
pub fn engine_mode(m: crate::scenario::SolverMode) -> Mode {
    use crate::scenario::SolverMode;
    match m {
        SolverMode::Auto => Mode::Auto,
        SolverMode::Exact => Mode::Exact,
        SolverMode::Heuristic => Mode::Heuristic,
    }
}

impl Plan<'_> {
    /// For each service line, in ward order: where it goes — its bundle's id, or
    /// `pinned` / `excluded` — and why it stays (`pinned` or the exclusion's key; empty
    /// for a bundled line). assignments.csv and plan.xlsx both list this.
    pub fn destinations(&self) -> Vec<(String, String)> {
        let mut unit_bundle = vec![""; self.built.units.len()];
        for b in &self.bundles {
            for &u in &b.units {
                unit_bundle[u] = b.id.as_str();
            }
        }
        self.built
            .fates
            .iter()
            .map(|fate| match fate {
                problem::LineFate::Unit(u) => (unit_bundle[*u].to_string(), String::new()),
                problem::LineFate::Pinned => ("pinned".to_string(), "pinned".to_string()),
                problem::LineFate::Excluded(e) => ("excluded".to_string(), e.key().to_string()),
            })
            .collect()
    }
}

/// Why a scenario has no plan.
#[derive(Debug, Error)]
pub enum PlanError {
    /// The scenario cannot be built into an engine problem for this ward.
    #[error(transparent)]
    Build(#[from] BuildError),
    /// No plan exists; each reason names the facilities or lines and the limit.
    #[error("the scenario is infeasible:\n{}", .0.iter().map(|r| format!("  - {r}")).collect::<Vec<_>>().join("\n"))]
    Infeasible(Vec<String>),
    /// The time limit (seconds) ran out before a feasible plan was found.
    #[error("no feasible plan was found within the time limit of {0} s; raise --time-limit or loosen the limits")]
    NoSolution(f64),
    /// The engine failed (HiGHS reported an error).
    #[error(transparent)]
    Solver(SolveError),
    /// The earlier plan of `--from` cannot be used, or `[replan]` cannot be met.
    #[error(transparent)]
    Replan(#[from] crate::replan::ReplanError),
    /// The independent checker rejected the engine's plan: a bug, never written out.
    #[error("the plan failed the independent check, nothing was written:\n{}", .0.join("\n"))]
    CheckFailed(Vec<String>),
    /// The phase-in MIP failed, or its schedule failed the independent check.
    #[error("phase-in 段階導入: {0}")]
    Phase(String),
}

impl PlanError {
    /// True when the scenario admits no plan (exit code 1), as opposed to bad input.
    pub fn is_infeasible(&self) -> bool {
        matches!(
            self,
            PlanError::Infeasible(_)
                | PlanError::NoSolution(_)
                | PlanError::Build(BuildError::NothingToBundle)
                | PlanError::Build(BuildError::TooFewBidders { .. })
        )
    }
}

/// Plans one scenario. The scenario's solver settings are used as they are (the CLI
/// writes its overrides into the scenario first, so the summary echoes what ran).
pub fn plan<'a>(
    inputs: Inputs<'a>,
    scenario: &Scenario,
    progress: Option<ProgressFn>,
) -> Result<Plan<'a>, PlanError> {
    plan_from(inputs, scenario, None, progress)
}

/// Plans one scenario continuing `earlier` (`matome plan --from`): locked bundles kept,
/// a cost per facility moved, earlier bundle ids kept where a bundle keeps its hub,
/// and the realignment reported; with a lock or a change cost, a fresh plan of the
/// same scenario is made too, to show what stability costs.
pub fn plan_from<'a>(
    inputs: Inputs<'a>,
    scenario: &Scenario,
    earlier: Option<&crate::replan::Earlier>,
    progress: Option<ProgressFn>,
) -> Result<Plan<'a>, PlanError> {
    let start = Instant::now();
    let continuity = match earlier {
        Some(e) => Some(e.continuity(inputs.ward, scenario)?),
        None if !scenario.replan.lock.is_empty() || scenario.replan.change_cost_jpy > 0.0 => {
            return Err(crate::replan::ReplanError::NoEarlier.into())
        }
        None => None,
    };
    let built =
        problem::build_continuing(inputs.ward, scenario, inputs.staff, continuity.as_ref())?;
    let stop = match scenario.solver.work_limit {
        Some(steps) => Stop::work(steps),
        None => Stop::after(Duration::from_secs_f64(scenario.solver.time_limit_s)),
    };
    let params = SolveParams {
        rel_gap: scenario.solver.rel_gap,
        seed: scenario.solver.seed,
        threads: scenario.solver.threads,
        mode: engine_mode(scenario.solver.mode),
        progress,
    };
    let report = match solve::solve(&built.problem, stop, &params) {
        Ok(r) => r,
        Err(SolveError::Infeasible(diag)) => {
            return Err(PlanError::Infeasible(explain(&built, inputs.ward, &diag)))
        }
        Err(SolveError::NoSolution) => {
            return Err(PlanError::NoSolution(scenario.solver.time_limit_s))
        }
        Err(e) => return Err(PlanError::Solver(e)),
    };
    let check = solve::check::check(&built.problem, &report.solution);
    let tolerance = 1e-6 * report.objective.abs().max(1.0);
    if !check.feasible || (check.objective - report.objective).abs() > tolerance {
        let mut v = check.violations.clone();
        if (check.objective - report.objective).abs() > tolerance {
            v.push(format!(
                "engine objective {} but the checker computes {}",
                report.objective, check.objective
            ));
        }
        return Err(PlanError::CheckFailed(v));
    }
    let mut bundles = problem::bundles(
        &built,
        &report.solution,
        inputs.ward,
        scenario,
        inputs.staff,
    );
    if let Some(e) = earlier {
        crate::replan::rename_bundles(&mut bundles, e);
    }
    let accounts = accounts(inputs, scenario, &built, &bundles);
    let market = crate::market::plan_market(inputs.ward, scenario, &built, &bundles);
    // limits.min_bidders is enforced through value caps; check it on the bundles as
    // they came out, so a plan that breaks it is never written.
    if let Some(k) = scenario.limits.min_bidders {
        let short: Vec<String> = market
            .bundles
            .iter()
            .filter(|b| b.fewest < k)
            .map(|b| {
                format!(
                    "bundle {} has {} bidders, below limits.min_bidders = {k}",
                    b.bundle, b.fewest
                )
            })
            .collect();
        if !short.is_empty() {
            return Err(PlanError::CheckFailed(short));
        }
    }
    let phase = phase::phase(inputs, scenario, &built, &bundles).map_err(PlanError::Phase)?;
    let gap = report.gap();
    let solver = SolverOutcome {
        objective: check.objective,
        lower_bound: report.lower_bound,
        gap,
        // "optimal" only when the bound meets the plan; a plan the solver stopped on
        // because it was within the scenario's `rel_gap` says so.
        status: match report.status {
            Status::Optimal if gap <= 1e-6 => "optimal",
            Status::Optimal => "within target gap",
            Status::Feasible => "feasible",
        },
        mode: report.mode.name(),
        seconds: report.seconds,
        abandoned_calls: report.abandoned_calls,
    };
    let realignment = match earlier {
        Some(e) => {
            let fresh = if !scenario.replan.lock.is_empty() || scenario.replan.change_cost_jpy > 0.0
            {
                let mut s = scenario.clone();
                s.replan = Default::default();
                let mut p = plan_from(inputs, &s, None, None)?;
                crate::replan::rename_bundles(&mut p.bundles, e);
                let now = crate::replan::facility_bundles(inputs.ward, &p.bundles);
                Some((
                    p.solver.objective,
                    crate::replan::moved_count(e, inputs.ward, &now),
                ))
            } else {
                None
            };
            Some(crate::replan::realign(
                e,
                inputs.ward,
                scenario,
                &bundles,
                solver.objective,
                fresh,
            ))
        }
        None => None,
    };
    Ok(Plan {
        inputs,
        scenario: scenario.clone(),
        built,
        bundles,
        accounts,
        solver,
        market,
        realignment,
        phase,
        total_seconds: start.elapsed().as_secs_f64(),
    })
}

#[cfg(test)]
mod tests;
