//! One connected problem, start to finish: candidates, the starts and the early
//! Lagrangian bound (common to both pipelines), then the exact or the heuristic
//! pipeline, and the finish (the independent checker, the status). [`Run`] carries what
//! every phase needs.

mod exact;
mod heuristic;

use super::bound::{self, Bound, BoundSource};
use super::budget::{Budget, Until};
use super::cand::{full_arc_count, Candidates};
use super::check::check;
use super::guard::Watch;
use super::ils::{iterated_lns, IlsStats};
use super::lagr::{lagrangian_bound, LagrOutcome, LagrRun};
use super::lns::LnsParams;
use super::mip::{solve_sub, MipOptions, Sub};
use super::problem::{Arcs, HubCount, Problem, Solution};
use super::schedule::{self, EarlyBound, LAGR_ITERATION_STEPS, LNS_ROUND_STEPS, START_STEPS};
use super::start::{fresh, lagrangian_starts, starts};
use super::state::{improves, State};
use super::vns::{parallel_vns, VnsParams};
use super::{Mode, SolveError, SolveParams, SolveReport, Status, Stop};
use std::sync::OnceLock;
use std::time::Instant;

/// Heuristic mode adds the LP bound of the full model up to this many arcs.
pub const LP_BOUND_ARCS: usize = 250_000;
/// VNS chains of a work-limited run, whatever the thread count (the benchmark
/// protocol's two threads run one each).
pub const WORK_CHAINS: usize = 2;

/// What every phase of one run needs.
pub struct Run<'p> {
    /// The problem.
    pub p: &'p Problem,
    /// The caller's settings.
    pub params: &'p SolveParams,
    /// The limits and every phase's share.
    pub budget: Budget,
    /// Each unit's cheapest hubs (and their inverse).
    pub cand: Candidates,
    /// The solver threads.
    pub pool: rayon::ThreadPool,
    /// Whether every objective value is an integer (bounds round up).
    pub int_costs: bool,
    /// The mode that runs.
    pub mode: Mode,
    full: OnceLock<Sub>,
}

impl<'p> Run<'p> {
    /// Sends a progress message.
    pub fn say(&self, msg: &str) {
        if let Some(f) = &self.params.progress {
            f(msg);
        }
    }

    /// Seconds since the run started.
    pub fn elapsed(&self) -> f64 {
        self.budget.t0().elapsed().as_secs_f64()
    }

    /// The full compact model (every unit, hub and allowed arc), built once per run.
    pub fn full(&self) -> &Sub {
        self.full
            .get_or_init(|| Sub::full(self.p, Candidates::build(self.p, usize::MAX).per_unit))
    }

    /// Seconds one LNS sub-MIP may take: the schedule's, or unlimited in a run without
    /// a deadline (the node limit then stops it, reproducibly).
    pub fn sub_time(&self) -> f64 {
        if self.budget.secs_left(self.budget.end()).is_finite() {
            self.budget.schedule().sub_mip
        } else {
            f64::INFINITY
        }
    }

    /// The LNS settings of this run, limited to the rounds that fit before `until`.
    pub fn lns_params(&self, until: Until) -> LnsParams {
        LnsParams {
            max_rounds: self.budget.count_left(until, LNS_ROUND_STEPS),
            watch: self.budget.watch().clone(),
            ..lns_params(self.p, self.params, self.sub_time())
        }
    }

    /// The iterated LNS on `st` until `until` with at most `restarts` perturbations.
    pub fn iterated_lns(
        &self,
        st: &mut State,
        lp: &LnsParams,
        until: Until,
        restarts: u64,
    ) -> IlsStats {
        let deadline = self.budget.deadline(until);
        let stats = iterated_lns(st, &self.cand, lp, deadline, restarts, &self.pool);
        self.budget.charge(stats.lns.rounds * LNS_ROUND_STEPS);
        self.say(&format!(
            "LNS: {:.2} after {:.1}s ({stats:?})",
            st.cost,
            self.elapsed()
        ));
        stats
    }

    /// The hub-set VNS (one chain per thread) on `st` until `until`. A chain that
    /// stalls before `until` starts again from a new construction, settled by local
    /// search: on tight CPMPs the search from one start settles in one basin (OC
    /// pmedcap1_14 ends at 983 or 982 depending on the seed). At most `max_fails` in a
    /// row without a better plan, so tiny problems hand the time on.
    pub fn vns(&self, st: &mut State<'p>, until: Until, max_fails: usize) {
        // A work-limited run always runs WORK_CHAINS chains, so that its plan does not
        // depend on the thread count.
        let chains = if self.budget.has_work() {
            WORK_CHAINS
        } else {
            0
        };
        let vp = VnsParams {
            max_fails,
            max_evaluations: self.budget.steps_left(until),
            chains,
            watch: self.budget.watch().clone(),
            ..VnsParams::new(self.params.seed)
        };
        let deadline = self.budget.deadline(until);
        let (p, cand, seed) = (self.p, &self.cand, self.params.seed);
        let restart = |key: u64| fresh(p, cand, seed, key, deadline);
        let stats = parallel_vns(st, cand, &vp, deadline, restart, &self.pool);
        // The chains ran side by side: the run spent one chain's share.
        let chains = match chains {
            0 => self.pool.current_num_threads().max(1),
            c => c,
        };
        self.budget.charge(stats.evaluations / chains as u64);
        self.say(&format!(
            "VNS: {:.2} after {:.2}s ({} moves, {} shakes, {} restarts)",
            st.cost,
            self.elapsed(),
            stats.evaluations,
            stats.shakes,
            stats.restarts,
        ));
    }

    /// Solves `sub` (over every unit and hub) warm-started from `st`, and keeps its plan
    /// when it is better and feasible. Returns HiGHS's dual bound when it has one
    /// (valid for the full problem only when `sub` holds every allowed arc).
    pub fn improve_by_mip(&self, st: &mut State<'p>, sub: &Sub, opts: &MipOptions) -> Option<f64> {
        let p = self.p;
        let r = self
            .pool
            .install(|| solve_sub(p, sub, Some(&st.assign), opts))
            .ok()?;
        if let Some(a) = r.assign {
            let ns = State::from_solution(p, &Solution { assign: a });
            if improves(ns.cost, st.cost) && ns.is_feasible() {
                *st = ns;
            }
        }
        r.bound.is_finite().then_some(r.bound)
    }

    /// A Lagrangian run for the plan `st` until `until`, warm-started from `warm`.
    fn lagrangian(&self, st: &State, warm: Option<&[f64]>, until: Until) -> LagrOutcome {
        let run = LagrRun {
            warm,
            deadline: self.budget.deadline(until),
            max_iterations: self.budget.count_left(until, LAGR_ITERATION_STEPS),
            integral_costs: self.int_costs,
        };
        let lag = lagrangian_bound(self.p, st.cost, &st.acost, &run, &self.pool);
        self.budget.charge(lag.iterations * LAGR_ITERATION_STEPS);
        lag
    }

    /// The report of `solution`, verified by the independent checker: the bound (never
    /// above the objective) and whether it proves the plan optimal.
    pub fn finish(
        &self,
        solution: Solution,
        bound: Bound,
        mode: Mode,
    ) -> Result<SolveReport, SolveError> {
        finish(self.p, self.params, solution, bound, mode, self.budget.t0())
    }
}

/// The bound of the Lagrangian run before the improvement phase.
pub struct Early {
    /// Its bound.
    pub bound: Bound,
    /// Whether the subgradient method stopped by itself.
    pub converged: bool,
    /// Its best multipliers: the final bound run starts from them (on the generated
    /// 50,000-unit CPMP it restarted from the incumbent's costs and ended near the
    /// early bound again).
    pub lambda: Option<Vec<f64>>,
}

impl Early {
    /// What the final bound phase may expect of it.
    pub fn kind(&self) -> EarlyBound {
        if self.converged {
            EarlyBound::Converged
        } else if self.bound.value.is_finite() {
            EarlyBound::Open
        } else {
            EarlyBound::Missing
        }
    }

    /// The finished report of `st` when this bound already proves it optimal within
    /// the relative gap (the run then stops).
    pub fn finish_if_proven(
        &self,
        run: &Run,
        st: &State,
        mode: Mode,
    ) -> Option<Result<SolveReport, SolveError>> {
        let b = self.bound.rounded(run.int_costs);
        bound::proves(st.cost, b.value, run.params.rel_gap)
            .then(|| run.finish(st.solution(), b, mode))
    }

    /// The final Lagrangian run for the plan `st`, warm-started from this run's
    /// multipliers. When this run converged it only refines the bound, within the
    /// deadline (OC n = 50 at T = 1 s ended 0.2–0.3 s late); otherwise it gets at
    /// least [`schedule::FINAL_BOUND_FLOOR`] past it.
    pub fn final_bound(&self, run: &Run, st: &State) -> Bound {
        let end = run.budget.end();
        let until = if self.converged {
            end
        } else {
            run.budget.at_least(end, schedule::FINAL_BOUND_FLOOR)
        };
        let lag = run.lagrangian(st, self.lambda.as_deref(), until);
        run.say(&format!(
            "Lagrangian bound {:.2} ({} iterations)",
            lag.bound, lag.iterations
        ));
        Bound::new(lag.bound, lag_source(lag.exact_knapsacks))
    }
}

/// The source of a Lagrangian bound.
pub fn lag_source(exact_knapsacks: bool) -> BoundSource {
    BoundSource::Lagrangian { exact_knapsacks }
}

fn integral_costs(p: &Problem) -> bool {
    let fixed = p.hubs.iter().all(|h| h.fixed_cost.fract() == 0.0);
    fixed
        && match &p.arcs {
            Arcs::Euclidean { truncate, .. } => *truncate,
            Arcs::Dense { costs } => costs.iter().all(|c| c.fract() == 0.0),
            Arcs::Sparse { per_unit } => per_unit.iter().flatten().all(|c| c.1.fract() == 0.0),
        }
}

/// Candidate list length for the heuristics: enough to see several open hubs.
fn heuristic_k(p: &Problem) -> usize {
    let m = p.hubs.len();
    let open = match p.hub_count {
        HubCount::Exact(k) | HubCount::Range(_, k) => k.max(1),
        HubCount::Free => (m / 4).max(1),
    };
    (8 * m / open).clamp(24, 80).min(m)
}

/// Solves one connected problem (no independent parts) until `stop`.
pub fn solve_one(
    problem: &Problem,
    stop: Stop,
    params: &SolveParams,
    t0: Instant,
    watch: &Watch,
) -> Result<SolveReport, SolveError> {
    let stop = stop.resolved();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(params.threads.max(1))
        .build()?;
    let budget = Budget::new(problem, &stop, params.mode, t0, watch.clone());
    let mode = budget.schedule().mode;
    if problem.units.is_empty() {
        return Ok(SolveReport {
            solution: Solution { assign: Vec::new() },
            objective: 0.0,
            lower_bound: 0.0,
            status: Status::Optimal,
            mode,
            seconds: t0.elapsed().as_secs_f64(),
            bound_source: BoundSource::EmptyProblem,
            abandoned_calls: 0,
        });
    }
    let cand = Candidates::build(problem, heuristic_k(problem));
    let run = Run {
        p: problem,
        params,
        budget,
        cand,
        pool,
        int_costs: integral_costs(problem),
        mode,
        full: OnceLock::new(),
    };
    run.say(&format!(
        "{}: {} units, {} hubs, {} candidate arcs, mode {:?}",
        problem.name,
        problem.units.len(),
        problem.hubs.len(),
        run.cand.arcs(),
        mode
    ));
    let (best, early) = begin(&run);
    // The early Lagrangian bound may already prove the incumbent optimal (it does on
    // several Osman–Christofides instances): stop there.
    if let Some(b) = best.as_ref() {
        if let Some(done) = early.finish_if_proven(&run, b, mode) {
            run.say("the Lagrangian bound proves the plan optimal");
            return done;
        }
    }
    match mode {
        Mode::Exact | Mode::Auto => exact::exact(&run, best, early),
        Mode::Heuristic => match best {
            Some(st) => heuristic::heuristic(&run, st, early),
            // No heuristic start: small models still get the MIP.
            None if full_arc_count(problem) <= LP_BOUND_ARCS => exact::exact(&run, None, early),
            None => Err(SolveError::NoSolution),
        },
    }
}

/// The phases both pipelines share: multi-start constructions, then the Lagrangian
/// heuristic (ALGORITHMS.md §2): a short subgradient run, then the hubs its relaxation
/// opens are allocated and settled like a construction. Its bound is valid and kept.
fn begin<'p>(run: &Run<'p>) -> (Option<State<'p>>, Early) {
    let b = &run.budget;
    let starts_until = b.from_start(|s| s.starts);
    // Eight attempts, or as many as the work budget holds (the first always runs).
    let attempts = b.count_left(starts_until, START_STEPS).clamp(1, 8);
    let seed = run.params.seed;
    let mut best = starts(
        run.p,
        &run.cand,
        seed,
        0..attempts,
        b.deadline(starts_until),
        b.watch(),
    );
    b.charge(attempts * START_STEPS);
    if let Some(st) = &best {
        run.say(&format!(
            "construction + local search: {:.2} after {:.1}s",
            st.cost,
            run.elapsed()
        ));
    }
    let Some(incumbent) = best.as_ref() else {
        let early = Early {
            bound: Bound::NONE,
            converged: false,
            lambda: None,
        };
        return (best, early);
    };
    let lag = run.lagrangian(incumbent, None, b.after(|s| s.early_bound).min(b.end()));
    let settle_until = b.after(|s| s.starts).min(b.end());
    let half = b.share(settle_until, |_, _| 0.5);
    let lag_starts = lagrangian_starts(
        run.p,
        &run.cand,
        &lag,
        b.deadline(half),
        b.deadline(settle_until),
        b.watch(),
        seed,
    );
    b.charge(lag_starts.len() as u64 * START_STEPS);
    for (i, (raw, st)) in lag_starts.iter().enumerate() {
        run.say(&format!(
            "  Lagrangian start {i}: {raw:.2}, settled {:.2}",
            st.cost
        ));
    }
    let lag_start = lag_starts
        .into_iter()
        .map(|x| x.1)
        .min_by(|a, b| a.cost.total_cmp(&b.cost));
    if let Some(st) = lag_start {
        run.say(&format!(
            "Lagrangian heuristic: {:.2} (bound {:.2}) after {:.1}s",
            st.cost,
            lag.bound,
            run.elapsed()
        ));
        if st.cost < incumbent.cost && st.is_feasible() {
            best = Some(st);
        }
    }
    let early = Early {
        bound: Bound::new(lag.bound, lag_source(lag.exact_knapsacks)),
        converged: lag.converged,
        lambda: Some(lag.lambda),
    };
    (best, early)
}

/// The LNS settings for `p`, with sub-MIPs capped at `sub_time` seconds.
pub fn lns_params(p: &Problem, params: &SolveParams, sub_time: f64) -> LnsParams {
    // Start with about three clusters (GB21 sizes sub-MIPs by a target point count);
    // the size doubles when every hub has been tried, and drops back to the start
    // after a size that paid. Each open hub offers its 10 best closed alternatives
    // (GB21's l), and each unit its 12 cheapest hubs of the neighbourhood: these
    // restrictions let HiGHS solve most sub-MIPs to optimality in a fraction of a
    // second, and node limits (not wall-clock) keep runs reproducible.
    let open = match p.hub_count {
        HubCount::Exact(k) | HubCount::Range(_, k) => k.max(1),
        HubCount::Free => (p.units.len() / 10).max(1),
    };
    let per_hub = p.units.len().div_ceil(open);
    LnsParams {
        seed: params.seed,
        target_units: (3 * per_hub).clamp(30, 150).min(p.units.len()),
        max_units: 120,
        hub_cands: 6,
        medians_per_hub: 10,
        sub_gap: 1e-4,
        arcs_per_unit: 12,
        // Tied to the hub count, never to the thread count, so results do not depend
        // on it; many disjoint neighbourhoods per round keep both threads busy when a
        // few sub-MIPs run to their time cap.
        neighbourhoods_per_round: (open / 10).clamp(8, 32),
        node_limit: 20_000,
        sub_time_limit: sub_time,
        max_rounds: u64::MAX,
        watch: Watch::default(),
    }
}

/// With a free hub count, sizes neighbourhoods from the incumbent's clusters (about
/// three of them) rather than from a guess of the hub count.
fn sized(mut lp: LnsParams, p: &Problem, st: &State) -> LnsParams {
    if matches!(p.hub_count, HubCount::Free) && st.n_open > 0 {
        let per_hub = p.units.len().div_ceil(st.n_open);
        lp.target_units = (3 * per_hub).clamp(30, 150).min(p.units.len());
    }
    lp
}

/// The report of `solution` with `bound`, verified by the independent checker.
pub fn finish(
    p: &Problem,
    params: &SolveParams,
    solution: Solution,
    bound: Bound,
    mode: Mode,
    t0: Instant,
) -> Result<SolveReport, SolveError> {
    let rep = check(p, &solution);
    if !rep.feasible {
        return Err(SolveError::CheckerRejected {
            violations: rep.violations,
        });
    }
    let objective = rep.objective;
    let source = if bound.value.is_finite() {
        bound.source
    } else {
        BoundSource::None
    };
    let lower_bound = bound.value.min(objective);
    if let Some(f) = &params.progress {
        f(&format!(
            "{}: {:.2} (bound {:.2}, {}) after {:.1}s",
            p.name,
            objective,
            lower_bound,
            source,
            t0.elapsed().as_secs_f64()
        ));
    }
    let status = if bound::gap(objective, lower_bound) <= params.rel_gap + 1e-12 {
        Status::Optimal
    } else {
        Status::Feasible
    };
    Ok(SolveReport {
        solution,
        objective,
        lower_bound,
        status,
        mode,
        seconds: t0.elapsed().as_secs_f64(),
        bound_source: source,
        abandoned_calls: 0,
    })
}
