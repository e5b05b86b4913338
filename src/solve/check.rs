//! The independent checker: recomputes feasibility and the objective of a solution from
//! the problem alone. It shares no code with the search (only `Problem::cost`), so a bug
//! in the incremental bookkeeping of the heuristics cannot hide here.

use super::problem::{HubCount, Problem, Solution};

/// What the checker found. `objective` is recomputed even when infeasible (arcs that
/// are forbidden or out of range contribute nothing).
#[derive(Debug, Clone, PartialEq)]
pub struct CheckReport {
    /// Every limit holds.
    pub feasible: bool,
    /// The recomputed objective.
    pub objective: f64,
    /// What is wrong, one sentence each.
    pub violations: Vec<String>,
}

/// Relative slack on load limits, so that sums of real loads are not rejected for
/// rounding noise.
const LOAD_TOL: f64 = 1e-9;

/// Verifies `solution` against `problem` from scratch. The search never calls it to
/// steer itself (it has [`State::is_feasible`](super::state::State::is_feasible)); it
/// verifies what a run returns.
pub fn check(problem: &Problem, solution: &Solution) -> CheckReport {
    let n = problem.units.len();
    let m = problem.hubs.len();
    let dims = problem.dims();
    let mut violations = Vec::new();
    let mut objective = 0.0;
    if solution.assign.len() != n {
        violations.push(format!(
            "the solution assigns {} units; the problem has {n}",
            solution.assign.len()
        ));
    }
    let mut load = vec![0.0; m * dims];
    let mut used = vec![false; m];
    for (u, &h) in solution.assign.iter().enumerate().take(n) {
        let h = h as usize;
        let unit = &problem.units[u];
        if h >= m {
            violations.push(format!(
                "unit {u} ({}) is assigned to hub {h}, which does not exist",
                unit.name
            ));
            continue;
        }
        match problem.cost(u, h) {
            Some(c) => objective += c,
            None => violations.push(format!(
                "unit {u} ({}) is assigned to hub {h} ({}), a pair that is not allowed",
                unit.name, problem.hubs[h].name
            )),
        }
        used[h] = true;
        for d in 0..dims {
            load[h * dims + d] += unit.load[d];
        }
    }
    let mut open = 0usize;
    for (h, hub) in problem.hubs.iter().enumerate() {
        if !used[h] {
            continue;
        }
        open += 1;
        objective += hub.fixed_cost;
        for d in 0..dims {
            let l = load[h * dims + d];
            let tol = LOAD_TOL * hub.capacity[d].abs().max(1.0);
            if l > hub.capacity[d] + tol {
                violations.push(format!(
                    "hub {h} ({}) carries {l} {} but its capacity is {}",
                    hub.name, problem.dim_names[d], hub.capacity[d]
                ));
            }
            let tol = LOAD_TOL * hub.min_load[d].abs().max(1.0);
            if l < hub.min_load[d] - tol {
                violations.push(format!(
                    "hub {h} ({}) carries {l} {} but its minimum is {}",
                    hub.name, problem.dim_names[d], hub.min_load[d]
                ));
            }
        }
        if problem.hub_serves_own_unit {
            if let Some(o) = hub.own_unit {
                if solution.assign.get(o).map(|&x| x as usize) != Some(h) {
                    violations.push(format!(
                        "hub {h} ({}) is open but its own unit {o} ({}) is served elsewhere",
                        hub.name, problem.units[o].name
                    ));
                }
            }
        }
    }
    let count_ok = match problem.hub_count {
        HubCount::Free => true,
        HubCount::Exact(p) => open == p,
        HubCount::Range(lo, hi) => lo <= open && open <= hi,
    };
    if !count_ok {
        violations.push(format!(
            "{open} hubs are open; the problem requires {:?}",
            problem.hub_count
        ));
    }
    CheckReport {
        feasible: violations.is_empty(),
        objective,
        violations,
    }
}
