//! The compact MIP (ALGORITHMS.md §0) over a subset of units and hubs, built directly
//! on the `highs` crate that good_lp wraps: good_lp's `solve` drops HiGHS's solved
//! model, and with it the MIP dual bound that every run must report. Used for exact
//! mode (all units, all arcs), the LNS repair (a few clusters) and the LP bound.

use super::cand::Candidates;
use super::guard::{self, GuardError, Outcome, Watch};
use super::problem::{HubCount, Problem};
use super::state::State;
use highs::{HighsModelStatus, HighsSolutionStatus, HighsStatus, RowProblem, Sense};
use thiserror::Error;

/// Why HiGHS gave no result (a limit reached or infeasibility are results, not errors).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MipError {
    /// HiGHS did not accept the model.
    #[error("HiGHS rejected the model: {0:?}")]
    Model(HighsStatus),
    /// HiGHS did not accept an option.
    #[error("HiGHS rejected the option {0}")]
    Option(&'static str),
    /// HiGHS did not accept the warm start.
    #[error("HiGHS rejected the warm start: {0:?}")]
    WarmStart(HighsStatus),
    /// HiGHS ended with a status the engine does not expect.
    #[error("HiGHS ended with status {0:?}")]
    Status(HighsModelStatus),
    /// A unit of the sub-problem has no arc.
    #[error("unit {0} of the sub-problem has no arc")]
    NoArcs(usize),
    /// The call could not be run under its deadline guard.
    #[error(transparent)]
    Guard(#[from] GuardError),
}

/// A restriction of the problem: local unit i is `units[i]`, local hub j is `hubs[j]`,
/// and `arcs[i]` lists (local hub, cost) pairs.
pub struct Sub {
    /// The problem's units, by local index.
    pub units: Vec<usize>,
    /// The problem's hubs, by local index (sorted in every sub the engine builds).
    pub hubs: Vec<usize>,
    /// For each local unit, (local hub, cost).
    pub arcs: Vec<Vec<(u32, f64)>>,
    /// How many of the local hubs may open.
    pub count: HubCount,
}

impl Sub {
    /// The whole problem: every unit, every hub, the given arcs (e.g. every allowed arc).
    pub fn full(p: &Problem, arcs: Vec<Vec<(u32, f64)>>) -> Sub {
        Sub {
            units: (0..p.units.len()).collect(),
            hubs: (0..p.hubs.len()).collect(),
            arcs,
            count: p.hub_count,
        }
    }

    /// `units` of the plan `st` restricted to `hubs` (sorted): each unit keeps its `k`
    /// cheapest arcs to those hubs plus its current hub (so `st` is a warm start and the
    /// model is never infeasible). The k cheapest are read from `lists` when given (the
    /// unit's cheapest arcs among `hubs`, in list order); only when a cut list holds
    /// fewer than k of them, or no list is given, are all of `hubs` costed. Returns the
    /// sub-problem (hub count `count`) and the warm start in local hubs. Serves the GAP
    /// step over the open hubs, the LNS neighbourhoods and the restricted MIP.
    pub fn restricted(
        st: &State,
        units: Vec<usize>,
        hubs: Vec<usize>,
        k: usize,
        lists: Option<&Candidates>,
        count: HubCount,
    ) -> (Sub, Vec<u32>) {
        let p = st.p;
        let local = |h: usize| hubs.binary_search(&h).ok();
        let mut arcs = Vec::with_capacity(units.len());
        let mut start = Vec::with_capacity(units.len());
        for &u in &units {
            let mut a: Vec<(u32, f64)> = match lists {
                Some(c) => c.per_unit[u]
                    .iter()
                    .filter_map(|&(h, c)| local(h as usize).map(|j| (j as u32, c)))
                    .take(k)
                    .collect(),
                None => Vec::new(),
            };
            if lists.is_none_or(|c| a.len() < k && !c.complete) {
                // No list, or it was cut before it saw k of the hubs: cost them all.
                a = hubs
                    .iter()
                    .enumerate()
                    .filter_map(|(j, &h)| p.cost(u, h).map(|c| (j as u32, c)))
                    .collect();
                a.sort_by(|x, y| x.1.total_cmp(&y.1).then(x.0.cmp(&y.0)));
                a.truncate(k);
            }
            let jg = local(st.assign[u] as usize).expect("the unit's hub is in the sub") as u32;
            if !a.iter().any(|x| x.0 == jg) {
                a.push((jg, st.acost[u]));
            }
            start.push(jg);
            arcs.push(a);
        }
        let sub = Sub {
            units,
            hubs,
            arcs,
            count,
        };
        (sub, start)
    }
}

/// How HiGHS solves a sub-problem.
#[derive(Debug, Clone)]
pub struct MipOptions {
    /// Seconds (infinite for none: a work-limited run stops on the node limit).
    pub time_limit: f64,
    /// Relative gap at which the MIP stops.
    pub rel_gap: f64,
    /// HiGHS's random seed.
    pub seed: u64,
    /// Branch-and-bound node limit: a work limit, reproducible unlike wall-clock time.
    pub node_limit: Option<i64>,
    /// Solve the LP relaxation instead.
    pub relax: bool,
    /// The run's guard: a call still running [`GRACE`] after the sooner of its own
    /// limit and the run's end is abandoned, and counted there.
    ///
    /// [`GRACE`]: super::guard::GRACE
    pub watch: Watch,
}

/// How a MIP ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MipStatus {
    /// Solved to the gap.
    Optimal,
    /// Stopped by a limit with a feasible solution.
    Feasible,
    /// No plan satisfies the sub-problem.
    Infeasible,
    /// Stopped by a limit without any solution.
    NoSolution,
    /// HiGHS had not returned at its deadline and was left behind (see
    /// [`guard`](super::guard)): no solution, no bound.
    Abandoned,
}

/// What a MIP found.
#[derive(Debug, Clone)]
pub struct MipResult {
    /// How it ended.
    pub status: MipStatus,
    /// HiGHS's objective value of its plan (infinite without one).
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
) -> Result<MipResult, MipError> {
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
    let mut model = pb.try_optimise(Sense::Minimise).map_err(MipError::Model)?;
    let set = |model: &mut highs::Model, k: &'static str, v: OptVal| -> Result<(), MipError> {
        let r = match v {
            OptVal::I(i) => model.try_set_option(k, i),
            OptVal::F(f) => model.try_set_option(k, f),
            OptVal::B(b) => model.try_set_option(k, b),
            OptVal::S(t) => model.try_set_option(k, t),
        };
        r.map_err(|_| MipError::Option(k))
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
            .map_err(MipError::WarmStart)?;
    }
    let raw = match guard::solve(
        model,
        guard::deadline_in(opt.time_limit),
        &opt.watch,
        move |s| Raw::read(s, integer),
    )
    .map_err(MipError::Guard)?
    {
        Outcome::Done(raw) => raw,
        Outcome::Abandoned => {
            return Ok(MipResult {
                status: MipStatus::Abandoned,
                objective: f64::INFINITY,
                bound: f64::NEG_INFINITY,
                assign: None,
            })
        }
    };
    let has_solution = raw.primal == HighsSolutionStatus::Feasible;
    let mut bound = raw.dual_bound;
    let st = match raw.status {
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
        other => return Err(MipError::Status(other)),
    };
    if !integer {
        // Only an optimal LP value is a bound.
        bound = if st == MipStatus::Optimal {
            raw.objective
        } else {
            f64::NEG_INFINITY
        };
        return Ok(MipResult {
            status: st,
            objective: raw.objective,
            bound,
            assign: None,
        });
    }
    if !bound.is_finite() && st == MipStatus::Optimal {
        bound = raw.objective;
    }
    let Some(cols) = raw.columns.filter(|_| has_solution) else {
        return Ok(MipResult {
            status: st,
            objective: f64::INFINITY,
            bound,
            assign: None,
        });
    };
    let mut assign = Vec::with_capacity(sub.units.len());
    for (i, arcs) in sub.arcs.iter().enumerate() {
        let k = (0..arcs.len())
            .max_by(|&a, &b| cols[x[i][a].index()].total_cmp(&cols[x[i][b].index()]))
            .ok_or(MipError::NoArcs(i))?;
        assign.push(sub.hubs[arcs[k].0 as usize] as u32);
    }
    Ok(MipResult {
        status: st,
        objective: raw.objective,
        bound,
        assign: Some(assign),
    })
}

/// What a solve leaves, read on the solving thread (HiGHS's solved model stays there).
struct Raw {
    status: HighsModelStatus,
    primal: HighsSolutionStatus,
    objective: f64,
    /// HiGHS's MIP dual bound (minus infinity for an LP or when it has none).
    dual_bound: f64,
    /// The column values, when HiGHS has a feasible point.
    columns: Option<Vec<f64>>,
}

impl Raw {
    fn read(s: &highs::SolvedModel, integer: bool) -> Raw {
        let primal = s.primal_solution_status();
        Raw {
            status: s.status(),
            primal,
            objective: s.objective_value(),
            dual_bound: if integer {
                s.double_info_value(c"mip_dual_bound")
                    .unwrap_or(f64::NEG_INFINITY)
            } else {
                f64::NEG_INFINITY
            },
            columns: (integer && primal == HighsSolutionStatus::Feasible)
                .then(|| s.get_solution().columns().to_vec()),
        }
    }
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
