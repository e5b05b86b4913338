//! The phase MIP: one binary `z[b,s]` per bundle and allowed start year (at most one
//! start each, none meaning "after the period"), at most `max_launches_per_year`
//! starts a year, and for each of today's contracts whose lines go to two or more
//! bundles a continuous `h[c,y]` ≥ 1 − (the start columns of one of those bundles that
//! have moved c's lines by year y): the contract is held, and costs its hours, until
//! every bundle has taken its lines. A contract of one bundle is folded into that
//! bundle's columns (then `h = 1 − Σ z` exactly). Maximises staff hours freed over the
//! period, net of launch hours and of termination yen at `costs.yen_per_staff_hour`.
//!
//! Built through good_lp and solved by HiGHS; as in `solve::mip`, the HiGHS model is
//! taken from good_lp before solving because good_lp's `solve` drops the MIP dual bound
//! that is reported with the schedule.

use super::{Inputs, Setup};
use crate::scenario::Scenario;
use crate::solve::guard::{self, Outcome};
use good_lp::solvers::highs::highs;
use good_lp::{variable, Expression, ProblemVariables, SolverModel, Variable};
use highs::{HighsModelStatus, HighsSolutionStatus};
use std::time::Instant;

/// The chosen start years and HiGHS's figures.
pub(super) struct Solved {
    pub starts: Vec<Option<i32>>,
    pub solver: super::PhaseSolver,
}

/// Annual hours of bundle `b` in `year` when it starts in `start`: the facilities and
/// trades of the groups that have joined by then (all of them unless `absorb`).
pub(super) fn bundle_hours_in(
    inputs: Inputs,
    setup: &Setup,
    b: usize,
    start: i32,
    year: i32,
) -> f64 {
    if year < start {
        return 0.0;
    }
    let w = inputs.ward;
    let mut facilities = Vec::new();
    let mut trades = Vec::new();
    for g in &setup.groups[b] {
        if setup.join(g, start) <= year {
            for &l in &g.lines {
                facilities.push(w.lines()[l].facility);
                trades.push(w.lines()[l].trade);
            }
        }
    }
    facilities.sort_unstable();
    facilities.dedup();
    trades.sort_unstable();
    trades.dedup();
    inputs.staff.bundle_hours(facilities.len(), trades.len())
}

pub(super) fn solve(inputs: Inputs, setup: &Setup, scenario: &Scenario) -> Result<Solved, String> {
    let started = Instant::now();
    let nb = setup.groups.len();
    // Which bundles take lines of each of today's contracts.
    let mut touching: Vec<Vec<usize>> = vec![Vec::new(); inputs.ward.contracts().len()];
    for (b, groups) in setup.groups.iter().enumerate() {
        for g in groups {
            if let Some(c) = g.contract {
                touching[c].push(b);
            }
        }
    }
    let shared: Vec<usize> = setup
        .today
        .iter()
        .copied()
        .filter(|&c| !setup.fixed[c] && touching[c].len() > 1)
        .collect();

    let mut vars = ProblemVariables::new();
    let mut n_cols = 0usize;
    let mut obj = Expression::from(0.0);
    // z[b] = [(year, column, its variable)].
    let mut z: Vec<Vec<(i32, usize, Variable)>> = vec![Vec::new(); nb];
    for (b, zb) in z.iter_mut().enumerate() {
        for &s in &setup.years {
            if !setup.allowed(b, s) {
                continue;
            }
            let mut gain = -setup.launch_hours
                - setup.termination_yen(inputs, b, s) / setup.yen_per_hour.max(f64::MIN_POSITIVE);
            for &y in setup.years.iter().filter(|&&y| y >= s) {
                gain -= bundle_hours_in(inputs, setup, b, s, y);
            }
            for g in &setup.groups[b] {
                let Some(c) = g.contract else { continue };
                if setup.fixed[c] || touching[c].len() > 1 {
                    continue;
                }
                let join = setup.join(g, s);
                let years_moved = setup.years.iter().filter(|&&y| y >= join).count();
                gain += setup.contract_hours[c] * years_moved as f64;
            }
            let v = vars.add(variable().binary());
            obj += gain * v;
            zb.push((s, n_cols, v));
            n_cols += 1;
        }
    }
    let binaries = n_cols;
    if binaries == 0 {
        // No bundle may start in the period (e.g. `wait` and contracts running past
        // it): nothing moves, nothing is freed, nothing to solve.
        return Ok(Solved {
            starts: vec![None; nb],
            solver: super::PhaseSolver {
                status: "optimal",
                objective_hours: 0.0,
                bound_hours: 0.0,
                gap: 0.0,
                binaries: 0,
                continuous: 0,
                rows: 0,
                seconds: started.elapsed().as_secs_f64(),
            },
        });
    }
    let n_years = setup.years.len() as f64;
    let mut constant = 0.0;
    let mut h_rows: Vec<(Variable, usize, i32)> = Vec::new();
    for &c in &shared {
        constant += n_years * setup.contract_hours[c];
        for &y in &setup.years {
            let v = vars.add(variable().min(0.0).max(1.0));
            n_cols += 1;
            obj += -setup.contract_hours[c] * v;
            h_rows.push((v, c, y));
        }
    }
    let mut model = vars.maximise(obj).using(highs);
    let mut rows = 0usize;
    for zb in &z {
        if zb.len() > 1 {
            let one: Expression = zb.iter().map(|&(_, _, v)| Expression::from(v)).sum();
            model = model.with(one.leq(1.0));
            rows += 1;
        }
    }
    if let Some(cap) = setup.cap {
        for &y in &setup.years {
            let starting: Vec<Variable> = z
                .iter()
                .flat_map(|zb| zb.iter().filter(|e| e.0 == y).map(|e| e.2))
                .collect();
            if starting.len() > cap {
                let sum: Expression = starting.into_iter().map(Expression::from).sum();
                model = model.with(sum.leq(cap as f64));
                rows += 1;
            }
        }
    }
    for &(h, c, y) in &h_rows {
        for &b in &touching[c] {
            let g = setup.groups[b]
                .iter()
                .find(|g| g.contract == Some(c))
                .expect("a touching bundle has the contract's group");
            let mut moved = Expression::from(h);
            for &(s, _, v) in &z[b] {
                if setup.join(g, s) <= y {
                    moved += v;
                }
            }
            model = model.with(moved.geq(1.0));
            rows += 1;
        }
    }

    let mut m = model
        .try_into_inner()
        .map_err(|e| format!("the phase MIP could not be built: {e}"))?;
    let bad = |k: &str| format!("HiGHS rejected the option {k} of the phase MIP");
    m.try_set_option("threads", 1).map_err(|_| bad("threads"))?;
    m.try_set_option("output_flag", false)
        .map_err(|_| bad("output_flag"))?;
    m.try_set_option("mip_rel_gap", 0.0)
        .map_err(|_| bad("mip_rel_gap"))?;
    m.try_set_option("random_seed", (scenario.solver.seed % 2_147_483_647) as i32)
        .map_err(|_| bad("random_seed"))?;
    let limit = scenario.solver.time_limit_s.max(0.01);
    m.try_set_option("time_limit", limit)
        .map_err(|_| bad("time_limit"))?;
    let read = |s: &highs::SolvedModel| {
        let feasible = s.primal_solution_status() == HighsSolutionStatus::Feasible;
        (
            s.status(),
            feasible,
            s.objective_value(),
            s.double_info_value(c"mip_dual_bound").ok(),
            feasible.then(|| s.get_solution().columns().to_vec()),
        )
    };
    let (model_status, feasible, value, dual, cols) =
        match guard::solve(m, guard::deadline_in(limit), &guard::Watch::default(), read)
            .map_err(|e| format!("HiGHS failed on the phase MIP: {e}"))?
        {
            Outcome::Done(r) => r,
            Outcome::Abandoned => {
                return Err(format!(
                    "HiGHS did not return from the phase MIP within its time limit of {limit} s, so it was \
                     left behind; try another solver.seed, or plan without [phase]"
                ))
            }
        };
    let status = match model_status {
        HighsModelStatus::Optimal => "optimal",
        HighsModelStatus::ReachedTimeLimit
        | HighsModelStatus::ReachedIterationLimit
        | HighsModelStatus::ReachedSolutionLimit
        | HighsModelStatus::ReachedInterrupt
        | HighsModelStatus::ReachedMemoryLimit
            if feasible =>
        {
            "feasible"
        }
        other => return Err(format!("HiGHS ended the phase MIP with status {other:?}")),
    };
    let cols = cols.unwrap_or_default();
    let objective = constant + value;
    let bound = match dual {
        Some(v) if v.is_finite() => constant + v,
        _ if status == "optimal" => objective,
        _ => f64::INFINITY,
    };
    // HiGHS stops at optimal within its own tolerance; the bound is never below the
    // plan it found.
    let bound = bound.max(objective);
    let starts = z
        .iter()
        .map(|zb| zb.iter().find(|e| cols[e.1] > 0.5).map(|e| e.0))
        .collect();
    Ok(Solved {
        starts,
        solver: super::PhaseSolver {
            status,
            objective_hours: objective,
            bound_hours: bound,
            gap: (bound - objective) / objective.abs().max(1.0),
            binaries,
            continuous: n_cols - binaries,
            rows,
            seconds: started.elapsed().as_secs_f64(),
        },
    })
}
