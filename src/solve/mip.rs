//! The compact MIP (ALGORITHMS.md §0) over a subset of units and hubs, built directly
//! on the `highs` crate that good_lp wraps: good_lp's `solve` drops HiGHS's solved
//! model, and with it the MIP dual bound that every run must report. Used for exact
//! mode (all units, all arcs), the LNS repair (a few clusters) and the LP bound.

use super::problem::{HubCount, Problem};
use highs::{HighsModelStatus, HighsSolutionStatus, RowProblem, Sense};

/// A restriction of the problem: local unit i is `units[i]`, local hub j is `hubs[j]`,
/// and `arcs[i]` lists (local hub, cost) pairs.
pub struct Sub {
    pub units: Vec<usize>,
    pub hubs: Vec<usize>,
    pub arcs: Vec<Vec<(u32, f64)>>,
    pub count: HubCount,
}

#[derive(Debug, Clone)]
pub struct MipOptions {
    pub time_limit: f64,
    pub rel_gap: f64,
    pub seed: u64,
    /// Branch-and-bound node limit: a work limit, reproducible unlike wall-clock time.
    pub node_limit: Option<i64>,
    /// Solve the LP relaxation instead.
    pub relax: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MipStatus {
    Optimal,
    /// Stopped by a limit with a feasible solution.
    Feasible,
    Infeasible,
    /// Stopped by a limit without any solution.
    NoSolution,
}

#[derive(Debug, Clone)]
pub struct MipResult {
    pub status: MipStatus,
    pub objective: f64,
    /// A valid lower bound on the restricted problem (the LP value for `relax`).
    pub bound: f64,
    /// For each local unit, the global hub (when a solution exists).
    pub assign: Option<Vec<u32>>,
}

/// Builds and solves the restricted compact model. `start` gives, for each local unit,
/// the local hub of a feasible warm start.
pub fn solve_sub(
    p: &Problem,
    sub: &Sub,
    start: Option<&[u32]>,
    opt: &MipOptions,
) -> Result<MipResult, String> {
    let dims = p.dims();
    let nh = sub.hubs.len();
    let integer = !opt.relax;
    let mut pb = RowProblem::default();
    // A hub whose own unit is outside the sub-problem (or cannot reach it) must stay shut.
    let mut local_unit = std::collections::HashMap::with_capacity(sub.units.len());
    for (i, &u) in sub.units.iter().enumerate() {
        local_unit.insert(u, i);
    }
    let own_local: Vec<Option<Option<usize>>> = sub
        .hubs
        .iter()
        .map(|&h| match (p.hub_serves_own_unit, p.hubs[h].own_unit) {
            (true, Some(o)) => Some(local_unit.get(&o).copied()),
            _ => None,
        })
        .collect();
    let y: Vec<highs::Col> = (0..nh)
        .map(|j| {
            let shut = matches!(own_local[j], Some(None));
            let ub = if shut { 0.0 } else { 1.0 };
            pb.add_column_with_integrality(p.hubs[sub.hubs[j]].fixed_cost, 0.0..=ub, integer)
        })
        .collect();
    let mut x: Vec<Vec<highs::Col>> = Vec::with_capacity(sub.units.len());
    for arcs in &sub.arcs {
        x.push(
            arcs.iter()
                .map(|&(_, c)| pb.add_column_with_integrality(c, 0.0..=1.0, integer))
                .collect(),
        );
    }
    let mut by_hub: Vec<Vec<(usize, usize)>> = vec![Vec::new(); nh];
    for (i, arcs) in sub.arcs.iter().enumerate() {
        pb.add_row(1.0..=1.0, x[i].iter().map(|&c| (c, 1.0)));
        for (k, &(j, _)) in arcs.iter().enumerate() {
            by_hub[j as usize].push((i, k));
        }
    }
    for j in 0..nh {
        let hub = &p.hubs[sub.hubs[j]];
        for d in 0..dims {
            let terms = || {
                by_hub[j]
                    .iter()
                    .map(|&(i, k)| (x[i][k], p.units[sub.units[i]].load[d]))
            };
            // (Dividing these rows by the capacity looked cleaner for yen loads of
            // 10⁸, but made HiGHS's presolve (strengthenInequalities) loop forever on
            // ward sub-MIPs; HiGHS copes with the unscaled rows.)
            if hub.capacity[d].is_finite() {
                pb.add_row(
                    ..=0.0,
                    terms().chain(std::iter::once((y[j], -hub.capacity[d]))),
                );
            }
            if hub.min_load[d] > 0.0 {
                pb.add_row(
                    0.0..,
                    terms().chain(std::iter::once((y[j], -hub.min_load[d]))),
                );
            }
        }
        let own = own_local[j].flatten();
        for &(i, k) in &by_hub[j] {
            if own == Some(i) {
                pb.add_row(0.0..=0.0, [(x[i][k], 1.0), (y[j], -1.0)]);
            } else {
                pb.add_row(..=0.0, [(x[i][k], 1.0), (y[j], -1.0)]);
            }
        }
        if let Some(o) = own {
            if !by_hub[j].iter().any(|&(i, _)| i == o) {
                // The own unit cannot use this hub: it can never open.
                pb.add_row(0.0..=0.0, [(y[j], 1.0)]);
            }
        }
    }
    // Every hub holds at most the largest capacity, so at least ⌈total / max Q⌉ hubs
    // open in every dimension: a valid row, and the LP's hub count rounded up, which
    // the LP with fixed costs otherwise leaves fractional.
    let min_open = min_open_hubs(p, &sub.units, &sub.hubs);
    match sub.count {
        HubCount::Free if min_open > 1 => {
            pb.add_row(min_open as f64.., y.iter().map(|&c| (c, 1.0)));
        }
        HubCount::Range(lo, _) if min_open > lo => {
            pb.add_row(min_open as f64.., y.iter().map(|&c| (c, 1.0)));
        }
        _ => {}
    }
    match sub.count {
        HubCount::Free => {
            // Σ Q y ≥ Σ q: redundant for the MIP, a much tighter LP (ALGORITHMS.md §0).
            for d in 0..dims {
                let total: f64 = sub.units.iter().map(|&u| p.units[u].load[d]).sum();
                let top = sub
                    .hubs
                    .iter()
                    .map(|&h| p.hubs[h].capacity[d])
                    .fold(0.0f64, f64::max);
                if total > 0.0 && top > 0.0 && top.is_finite() {
                    pb.add_row(
                        total..,
                        (0..nh).map(|j| (y[j], p.hubs[sub.hubs[j]].capacity[d])),
                    );
                }
            }
        }
        HubCount::Exact(k) => {
            pb.add_row(k as f64..=k as f64, y.iter().map(|&c| (c, 1.0)));
        }
        HubCount::Range(lo, hi) => {
            pb.add_row(lo as f64..=hi as f64, y.iter().map(|&c| (c, 1.0)));
        }
    }
    let ncols = pb.num_cols();
    let mut model = pb
        .try_optimise(Sense::Minimise)
        .map_err(|e| format!("HiGHS rejected the model: {e:?}"))?;
    let set = |model: &mut highs::Model, k: &str, v: OptVal| -> Result<(), String> {
        let r = match v {
            OptVal::I(i) => model.try_set_option(k, i),
            OptVal::F(f) => model.try_set_option(k, f),
            OptVal::B(b) => model.try_set_option(k, b),
            OptVal::S(t) => model.try_set_option(k, t),
        };
        r.map_err(|e| format!("HiGHS option {k}: {e:?}"))
    };
    // threads = 1 everywhere: HiGHS rejects a changed thread count on one OS thread, and
    // parallelism comes from rayon across sub-problems.
    set(&mut model, "threads", OptVal::I(1))?;
    // MATOME_HIGHS_LOG=1 shows HiGHS's own log on stdout (for engine work).
    let log = std::env::var_os("MATOME_HIGHS_LOG").is_some_and(|v| v == "1");
    set(&mut model, "output_flag", OptVal::B(log))?;
    set(&mut model, "log_to_console", OptVal::B(log))?;
    set(
        &mut model,
        "random_seed",
        OptVal::I((opt.seed % 2_147_483_647) as i32),
    )?;
    set(
        &mut model,
        "time_limit",
        OptVal::F(opt.time_limit.max(0.01)),
    )?;
    if integer {
        set(&mut model, "mip_rel_gap", OptVal::F(opt.rel_gap))?;
        if ncols > 10_000 {
            // Probing in presolve can spend a whole short time limit on a large model
            // before the root LP; the LP bound matters more here.
            set(&mut model, "presolve", OptVal::S("off"))?;
        }
        if let Some(nodes) = opt.node_limit {
            set(
                &mut model,
                "mip_max_nodes",
                OptVal::I(nodes.min(i32::MAX as i64) as i32),
            )?;
        }
    }
    if let (Some(start), true) = (start, integer) {
        let mut cols = vec![0.0; ncols];
        for (i, &jl) in start.iter().enumerate() {
            if let Some(k) = sub.arcs[i].iter().position(|&(j, _)| j == jl) {
                cols[x[i][k].index()] = 1.0;
                cols[y[jl as usize].index()] = 1.0;
            }
        }
        model
            .try_set_solution(Some(&cols), None, None, None)
            .map_err(|e| format!("HiGHS warm start: {e:?}"))?;
    }
    let solved = model
        .try_solve()
        .map_err(|e| format!("HiGHS failed: {e:?}"))?;
    let status = solved.status();
    let has_solution = solved.primal_solution_status() == HighsSolutionStatus::Feasible;
    let mut bound = if integer {
        solved
            .double_info_value(c"mip_dual_bound")
            .unwrap_or(f64::NEG_INFINITY)
    } else {
        f64::NEG_INFINITY
    };
    let st = match status {
        HighsModelStatus::Optimal => MipStatus::Optimal,
        HighsModelStatus::Infeasible => {
            return Ok(MipResult {
                status: MipStatus::Infeasible,
                objective: f64::INFINITY,
                bound: f64::INFINITY,
                assign: None,
            })
        }
        HighsModelStatus::ReachedTimeLimit
        | HighsModelStatus::ReachedIterationLimit
        | HighsModelStatus::ReachedSolutionLimit
        | HighsModelStatus::ReachedInterrupt
        | HighsModelStatus::ReachedMemoryLimit
        | HighsModelStatus::ObjectiveBound
        | HighsModelStatus::ObjectiveTarget => {
            if has_solution {
                MipStatus::Feasible
            } else {
                MipStatus::NoSolution
            }
        }
        other => return Err(format!("HiGHS ended with status {other:?}")),
    };
    if !integer {
        // Only an optimal LP value is a bound.
        bound = if st == MipStatus::Optimal {
            solved.objective_value()
        } else {
            f64::NEG_INFINITY
        };
        return Ok(MipResult {
            status: st,
            objective: solved.objective_value(),
            bound,
            assign: None,
        });
    }
    if !bound.is_finite() && st == MipStatus::Optimal {
        bound = solved.objective_value();
    }
    if !has_solution {
        return Ok(MipResult {
            status: st,
            objective: f64::INFINITY,
            bound,
            assign: None,
        });
    }
    let sol = solved.get_solution();
    let cols = sol.columns();
    let mut assign = Vec::with_capacity(sub.units.len());
    for (i, arcs) in sub.arcs.iter().enumerate() {
        let k = (0..arcs.len())
            .max_by(|&a, &b| cols[x[i][a].index()].total_cmp(&cols[x[i][b].index()]))
            .ok_or_else(|| "a unit without arcs in the sub-problem".to_string())?;
        assign.push(sub.hubs[arcs[k].0 as usize] as u32);
    }
    Ok(MipResult {
        status: st,
        objective: solved.objective_value(),
        bound,
        assign: Some(assign),
    })
}

/// The fewest hubs that can hold the units' load in every dimension, from the
/// largest capacity among `hubs`: max over dimensions of ⌈Σ load / max capacity⌉.
pub fn min_open_hubs(p: &Problem, units: &[usize], hubs: &[usize]) -> usize {
    let mut k = 0usize;
    for d in 0..p.dims() {
        let total: f64 = units.iter().map(|&u| p.units[u].load[d]).sum();
        let cap = hubs
            .iter()
            .map(|&h| p.hubs[h].capacity[d])
            .fold(0.0f64, f64::max);
        if total > 0.0 && cap.is_finite() && cap > 0.0 {
            // A relative tolerance keeps a load that fills hubs exactly from rounding up.
            let need = (total / cap * (1.0 - 1e-12) - 1e-9).ceil().max(0.0);
            k = k.max(need as usize);
        }
    }
    k
}

enum OptVal {
    S(&'static str),
    I(i32),
    F(f64),
    B(bool),
}
