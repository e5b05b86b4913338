//! The solve pipeline: diagnosis, candidates, construction, local search, then either
//! the compact MIP (exact mode) or LNS plus a Lagrangian/LP bound (heuristic mode), and
//! finally the independent checker on the returned plan.

use super::alloc::gap_step;
use super::cand::{full_arc_count, Candidates};
use super::check::check;
use super::construct::{construct, from_hubs, from_lagrangian, inverse, reassign};
use super::decompose::{components, restrict};
use super::diagnose::diagnose;
use super::ils::iterated_lns;
use super::lagr::{lagrangian_bound, LagrOutcome};
use super::lns::{lns, LnsParams};
use super::local::local_search;
use super::mip::{solve_sub, MipOptions, MipStatus, Sub};
use super::problem::{Arcs, HubCount, Problem, Solution};
use super::queue::run_queue;
use super::state::State;
use super::vns::{parallel_vns, VnsParams};
use super::{Diagnosis, Finding, Mode, SolveError, SolveParams, SolveReport, Status};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::time::{Duration, Instant};

/// Auto mode solves the compact MIP exactly up to this many allowed arcs.
pub const AUTO_EXACT_ARCS: usize = 60_000;
/// Heuristic mode ends with a MIP over each unit's cheapest hubs up to this many units.
const RESTRICTED_MIP_UNITS: usize = 2_000;
/// Fewest hubs a unit keeps in that restricted MIP.
const RESTRICTED_ARCS: usize = 16;
/// Exact mode on at most this many arcs trusts the MIP more than the iterated LNS.
const SMALL_MIP_ARCS: usize = 8_000;
/// Heuristic mode runs the hub-set VNS before the LNS up to this many units. A VNS move
/// costs in proportion to the hubs it touches (journal rollback, settle around the
/// change), not to n: on p3038 (T = 300 s) it ends 0.4–0.8 % above the best known
/// where the LNS alone ended 1.0–2.0 %; on generated 5,000-unit CPMPs (T = 60 s) the
/// gap to the bound fell from 7.7–8.6 % to 2.0–4.2 %, on the generated 50,000-unit one
/// (T = 300 s) from 8.6 % to 3.8 % (1.5 GiB peak). Larger problems are untested.
const VNS_UNITS: usize = 50_000;
/// VNS restarts from new constructions in a row without a better plan before the VNS
/// hands its time on.
const VNS_RESTARTS: usize = 10;
/// Heuristic mode adds the LP bound of the full model up to this many arcs.
pub const LP_BOUND_ARCS: usize = 250_000;

fn say(params: &SolveParams, msg: &str) {
    if let Some(f) = &params.progress {
        f(msg);
    }
}

/// Rough seconds HiGHS needs for the root of the full compact model on this machine
/// class (measured: ~40k arcs of a ward part did not finish the root LP in 1.5 s).
/// A MIP or LP given less than this only burns the time, and HiGHS overruns its limit.
fn root_seconds(p: &Problem) -> f64 {
    full_arc_count(p) as f64 / 5_000.0
}

/// Whether the full compact MIP is worth `secs`: small enough for exact mode, and the
/// time covers its root.
fn full_mip_fits(p: &Problem, secs: f64) -> bool {
    full_arc_count(p) <= AUTO_EXACT_ARCS && secs > root_seconds(p).max(1.0)
}

/// Seconds from now until `t` (zero once past).
fn secs_until(t: Instant) -> f64 {
    t.saturating_duration_since(Instant::now()).as_secs_f64()
}

/// The instant `frac` of the way from now to `t`.
fn share_until(t: Instant, frac: f64) -> Instant {
    Instant::now() + t.saturating_duration_since(Instant::now()).mul_f64(frac)
}

/// Which mode Auto picks for this problem.
pub fn auto_mode(p: &Problem) -> Mode {
    if full_arc_count(p) <= AUTO_EXACT_ARCS {
        Mode::Exact
    } else {
        Mode::Heuristic
    }
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

pub fn solve(problem: &Problem, params: &SolveParams) -> Result<SolveReport, SolveError> {
    let t0 = Instant::now();
    let diagnosis = diagnose(problem);
    if !diagnosis.findings.is_empty() {
        return Err(SolveError::Infeasible(diagnosis));
    }
    if let Some(parts) = components(problem) {
        return solve_parts(problem, params, parts, t0);
    }
    solve_one(problem, params, t0)
}

/// Solves independent parts one after the other, each with a share of the time in
/// proportion to its arcs, and joins the plans; bounds add up.
fn solve_parts(
    problem: &Problem,
    params: &SolveParams,
    parts: Vec<(Vec<usize>, Vec<usize>)>,
    t0: Instant,
) -> Result<SolveReport, SolveError> {
    let weight = |units: &[usize]| -> usize {
        match &problem.arcs {
            Arcs::Sparse { per_unit } => units
                .iter()
                .map(|&u| per_unit[u].len())
                .sum::<usize>()
                .max(1),
            _ => units.len(),
        }
    };
    let mut assign = vec![0u32; problem.units.len()];
    let mut bound = 0.0;
    let mut modes = Vec::new();
    let mut sources = Vec::new();
    let threads = params.threads.max(1).min(parts.len());
    say(
        params,
        &format!(
            "{}: {} independent parts, {} at a time",
            problem.name,
            parts.len(),
            threads
        ),
    );
    // Parts run side by side, one solver thread each, largest first. A part that
    // starts gets the remaining time times the threads, in proportion to its weight
    // among the parts not yet started; every part ends by the overall deadline.
    let deadline = t0 + params.time_limit;
    let mut order: Vec<usize> = (0..parts.len()).collect();
    order.sort_by_key(|&k| (std::cmp::Reverse(weight(&parts[k].0)), k));
    // Time plan: the threads' remaining seconds, less what running parts still hold,
    // shared among the parts not yet started in proportion to their weight.
    struct Plan {
        unstarted: usize,
        ends: Vec<(usize, Instant)>,
    }
    let plan = std::sync::Mutex::new(Plan {
        unstarted: order.iter().map(|&k| weight(&parts[k].0)).sum::<usize>(),
        ends: Vec::new(),
    });
    let run_part = |k: usize| -> Result<SolveReport, SolveError> {
        let (units, hubs) = &parts[k];
        let w = weight(units);
        let share = {
            let mut pl = plan.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            let left = deadline.saturating_duration_since(now).as_secs_f64();
            let held: f64 = pl
                .ends
                .iter()
                .map(|&(_, e)| e.saturating_duration_since(now).as_secs_f64())
                .sum();
            let avail = (left * threads as f64 - held).max(0.0);
            let share = (avail * w as f64 / pl.unstarted.max(1) as f64).min(left);
            pl.unstarted = pl.unstarted.saturating_sub(w);
            pl.ends.push((k, now + Duration::from_secs_f64(share)));
            Duration::from_secs_f64(share)
        };
        let sub = restrict(problem, units, hubs, k);
        let prm = SolveParams {
            time_limit: share,
            threads: if threads > 1 { 1 } else { params.threads },
            ..params.clone()
        };
        let rep = solve_one(&sub, &prm, Instant::now());
        plan.lock()
            .unwrap_or_else(|e| e.into_inner())
            .ends
            .retain(|&(j, _)| j != k);
        rep
    };
    // Plain OS threads (see `queue`), largest part first.
    let mut reports = run_queue(&order, threads, |&k| (k, run_part(k)));
    reports.sort_by_key(|r| r.0);
    for (k, rep) in reports {
        let rep = rep?;
        let (units, hubs) = &parts[k];
        for (i, &u) in units.iter().enumerate() {
            assign[u] = hubs[rep.solution.assign[i] as usize] as u32;
        }
        bound += rep.lower_bound;
        modes.push(rep.mode);
        sources.push(rep.bound_source);
    }
    let mode = if modes.iter().all(|m| *m == Mode::Exact) {
        Mode::Exact
    } else {
        Mode::Heuristic
    };
    let source = if sources.iter().all(|s| *s == sources[0]) {
        sources[0]
    } else {
        "sum of part bounds"
    };
    finish(
        problem,
        params,
        Solution { assign },
        bound,
        source,
        mode,
        t0,
    )
}

/// Local search, then the location–allocation loop: re-centred hubs (local search) and
/// a fresh allocation (regret greedy, else the exact GAP step), until neither pays.
fn settle<'a>(
    st: &mut State<'a>,
    cand: &Candidates,
    inv: &[Vec<u32>],
    deadline: Instant,
    seed: u64,
) {
    local_search(st, cand, inv, deadline);
    let better = |ns: &Option<State>, st: &State| {
        ns.as_ref()
            .is_some_and(|ns| ns.cost < st.cost - 1e-9 * st.cost.abs().max(1.0))
    };
    for _ in 0..10 {
        if Instant::now() >= deadline {
            break;
        }
        let mut ns = reassign(st, cand);
        if let Some(ns) = ns.as_mut() {
            local_search(ns, cand, inv, deadline);
        }
        if !better(&ns, st) {
            ns = gap_step(st, cand, 4, deadline, seed);
            if let Some(ns) = ns.as_mut() {
                local_search(ns, cand, inv, deadline);
            }
        }
        if !better(&ns, st) {
            break;
        }
        *st = ns.expect("better implies some");
    }
}

fn solve_one(
    problem: &Problem,
    params: &SolveParams,
    t0: Instant,
) -> Result<SolveReport, SolveError> {
    let deadline = t0 + params.time_limit;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(params.threads.max(1))
        .build()
        .map_err(|e| SolveError::Solver(format!("thread pool: {e}")))?;
    let mode = match params.mode {
        // Too little time for the full model's root: the matheuristic uses it better.
        Mode::Auto if params.time_limit.as_secs_f64() < 2.0 * root_seconds(problem) => {
            Mode::Heuristic
        }
        Mode::Auto => auto_mode(problem),
        m => m,
    };
    let n = problem.units.len();
    if n == 0 {
        return Ok(SolveReport {
            solution: Solution { assign: Vec::new() },
            objective: 0.0,
            lower_bound: 0.0,
            status: Status::Optimal,
            mode,
            seconds: t0.elapsed().as_secs_f64(),
            bound_source: "empty problem",
        });
    }
    let k = heuristic_k(problem);
    let cand = Candidates::build(problem, k);
    let inv = inverse(&cand, problem.hubs.len());
    say(
        params,
        &format!(
            "{}: {} units, {} hubs, {} candidate arcs, mode {:?}",
            problem.name,
            n,
            problem.hubs.len(),
            cand.arcs(),
            mode
        ),
    );
    let total = params.time_limit.as_secs_f64();
    // Constructions and the settling of the Lagrangian start each get 3 % of the run
    // (5 % of short runs, up to 0.5 s): the VNS and the LNS improve faster than more
    // settling (p3038_800: the same start after 9 s as after 30 s; OC n = 100 at
    // T = 1 s: 97 of 100 runs at the optimum with 5 %, 95 with 10 %, together with the
    // VNS taking the LNS's share when that is too short).
    let start_share = (total * 0.03).max((total * 0.05).min(0.5));
    let ls_deadline = t0 + Duration::from_secs_f64(start_share);
    let mut best = starts(problem, &cand, &inv, params.seed, 0..8, ls_deadline);
    if let Some(b) = &best {
        say(
            params,
            &format!(
                "construction + local search: {:.2} after {:.1}s",
                b.cost,
                t0.elapsed().as_secs_f64()
            ),
        );
    }
    let int_costs = integral_costs(problem);
    // Lagrangian heuristic (ALGORITHMS.md §2): a short subgradient run, then the hubs
    // its relaxation opens are allocated and settled like a construction. Its bound is
    // valid and kept.
    let mut early = Early {
        bound: f64::NEG_INFINITY,
        source: "none",
        converged: false,
        lambda: None,
    };
    if let Some(b) = best.as_ref() {
        // Long enough to converge on small problems (then the final bound phase
        // shrinks to a refinement, and the search gets the time), never past the
        // run's deadline (a 1 ms run otherwise got 0.4 ms of wall-clock-dependent
        // iterations after its construction, and its plan varied between runs).
        let until = (Instant::now()
            + Duration::from_secs_f64((total * 0.1).max((total * 0.4).min(1.0))))
        .min(deadline);
        let lag = lagrangian_bound(problem, b.cost, &b.acost, None, until, int_costs, &pool);
        early = Early {
            bound: lag.bound,
            source: lag_source(lag.exact_knapsacks),
            converged: lag.converged,
            lambda: Some(lag.lambda),
        };
        let settle_until = (Instant::now() + Duration::from_secs_f64(start_share)).min(deadline);
        // Two plans from the relaxation's hubs: its own allocation, and a greedy
        // one; the better after settling.
        let mut lag_starts: Vec<State> = [
            from_lagrangian(problem, &cand, &lag.hubs, &lag.takes),
            from_hubs(problem, &cand, &inv, &lag.hubs),
        ]
        .into_iter()
        .flatten()
        .collect();
        let half = share_until(settle_until, 0.5);
        for (i, st) in lag_starts.iter_mut().enumerate() {
            let raw = st.cost;
            settle(
                st,
                &cand,
                &inv,
                if i == 0 { half } else { settle_until },
                params.seed,
            );
            say(
                params,
                &format!("  Lagrangian start {i}: {raw:.2}, settled {:.2}", st.cost),
            );
        }
        let lag_start = lag_starts
            .into_iter()
            .min_by(|a, b| a.cost.total_cmp(&b.cost));
        if let Some(st) = lag_start {
            say(
                params,
                &format!(
                    "Lagrangian heuristic: {:.2} (bound {:.2}) after {:.1}s",
                    st.cost,
                    lag.bound,
                    t0.elapsed().as_secs_f64()
                ),
            );
            if st.cost < b.cost && check(problem, &st.solution()).feasible {
                best = Some(st);
            }
        }
    }
    // The early Lagrangian bound may already prove the incumbent optimal (it does on
    // several Osman–Christofides instances): stop there.
    if let Some(b) = best.as_ref() {
        if let Some(done) = early.finish_if_proven(problem, params, b, int_costs, mode, t0) {
            say(params, "the Lagrangian bound proves the plan optimal");
            return done;
        }
    }
    match mode {
        Mode::Exact | Mode::Auto => exact(
            problem, params, best, &cand, early, t0, deadline, &pool, int_costs,
        ),
        Mode::Heuristic => match best {
            Some(st) => heuristic(
                problem, params, st, &cand, early, t0, deadline, &pool, int_costs,
            ),
            // No heuristic start: small models still get the MIP.
            None if full_arc_count(problem) <= LP_BOUND_ARCS => exact(
                problem, params, None, &cand, early, t0, deadline, &pool, int_costs,
            ),
            None => Err(SolveError::NoSolution),
        },
    }
}

/// The bound of the Lagrangian run before the improvement phase.
struct Early {
    bound: f64,
    source: &'static str,
    converged: bool,
    /// Its best multipliers: the final bound run starts from them (on the generated
    /// 50,000-unit CPMP it restarted from the incumbent's costs and ended near the
    /// early bound again).
    lambda: Option<Vec<f64>>,
}

impl Early {
    /// The finished report of `st` when this bound already proves it optimal within
    /// the relative gap (the run then stops).
    fn finish_if_proven(
        &self,
        p: &Problem,
        params: &SolveParams,
        st: &State,
        int_costs: bool,
        mode: Mode,
        t0: Instant,
    ) -> Option<Result<SolveReport, SolveError>> {
        let bound = proves(st.cost, self.bound, int_costs, params)?;
        Some(finish(
            p,
            params,
            st.solution(),
            bound,
            self.source,
            mode,
            t0,
        ))
    }

    /// The final Lagrangian run for the plan `st`, warm-started from this run's
    /// multipliers. When this run converged it only refines the bound, within the
    /// deadline (OC n = 50 at T = 1 s ended 0.2–0.3 s late); otherwise it gets at
    /// least 0.2 s past it.
    fn final_bound(
        &self,
        p: &Problem,
        st: &State,
        deadline: Instant,
        int_costs: bool,
        pool: &rayon::ThreadPool,
    ) -> LagrOutcome {
        let until = if self.converged {
            deadline
        } else {
            deadline.max(Instant::now() + Duration::from_millis(200))
        };
        lagrangian_bound(
            p,
            st.cost,
            &st.acost,
            self.lambda.as_deref(),
            until,
            int_costs,
            pool,
        )
    }
}

/// The bound (rounded up for integer costs) when it proves a plan of cost `cost`
/// optimal within the relative gap.
fn proves(cost: f64, bound: f64, int_costs: bool, params: &SolveParams) -> Option<f64> {
    let bound = if int_costs && bound.is_finite() {
        (bound - 1e-6).ceil()
    } else {
        bound
    };
    (bound.is_finite() && cost - bound <= params.rel_gap * cost.abs().max(1e-9)).then_some(bound)
}

/// Runs the hub-set VNS (one chain per thread) on `st` until `until`.
fn run_vns(
    st: &mut State,
    cand: &Candidates,
    params: &SolveParams,
    until: Instant,
    max_fails: usize,
    pool: &rayon::ThreadPool,
    t0: Instant,
) {
    let p = st.p;
    let inv = inverse(cand, p.hubs.len());
    let vp = VnsParams {
        max_fails,
        ..VnsParams::new(params.seed)
    };
    // A chain that stalls before `until` starts again from a new construction, settled
    // by local search (no MIP: a restart must be cheap): on tight CPMPs the search from
    // one start settles in one basin (OC pmedcap1_14 ends at 983 or 982 depending on
    // the seed). At most `max_fails` in a row without a better plan, so tiny problems
    // hand the time on.
    let fresh = |key: u64| {
        let mut rng = ChaCha8Rng::seed_from_u64(
            params
                .seed
                .wrapping_mul(1_000_003)
                .wrapping_add(1_000 + key),
        );
        let mut ns = construct(p, cand, &inv, &mut rng)?;
        local_search(&mut ns, cand, &inv, until);
        check(p, &ns.solution()).feasible.then_some(ns)
    };
    let stats = parallel_vns(st, cand, &inv, &vp, until, fresh, pool);
    say(
        params,
        &format!(
            "VNS: {:.2} after {:.2}s ({} moves, {} shakes, {} restarts)",
            st.cost,
            t0.elapsed().as_secs_f64(),
            stats.evaluations,
            stats.shakes,
            stats.restarts,
        ),
    );
}

/// Solves the MIP over every unit and hub with the given arcs per unit, warm-started
/// from `st`, and keeps its plan when it is better and passes the checker. Returns
/// HiGHS's dual bound when it has one (valid for the full problem only when `arcs`
/// holds every allowed arc).
fn improve_by_mip(
    st: &mut State,
    arcs: Vec<Vec<(u32, f64)>>,
    opts: &MipOptions,
    pool: &rayon::ThreadPool,
) -> Option<f64> {
    let p = st.p;
    let sub = Sub {
        units: (0..p.units.len()).collect(),
        hubs: (0..p.hubs.len()).collect(),
        arcs,
        count: p.hub_count,
    };
    let r = pool
        .install(|| solve_sub(p, &sub, Some(&st.assign), opts))
        .ok()?;
    if let Some(a) = r.assign {
        if r.objective < st.cost - 1e-9 * st.cost.abs().max(1.0) {
            let ns = State::from_solution(p, &Solution { assign: a });
            if check(p, &ns.solution()).feasible {
                *st = ns;
            }
        }
    }
    r.bound.is_finite().then_some(r.bound)
}

/// Multi-start: construction (seeded by `seed` and the attempt number), then local
/// search, location–allocation and GAP rounds (`settle`) for each attempt until the deadline (the first
/// always runs); the best feasible plan. Construction does not enforce minimum loads,
/// so a plan that misses one is dropped.
fn starts<'a>(
    problem: &'a Problem,
    cand: &Candidates,
    inv: &[Vec<u32>],
    seed: u64,
    attempts: std::ops::Range<u64>,
    deadline: Instant,
) -> Option<State<'a>> {
    let mut best: Option<State> = None;
    for attempt in attempts {
        if attempt > 0 && Instant::now() >= deadline {
            break;
        }
        let mut rng = ChaCha8Rng::seed_from_u64(seed.wrapping_mul(1_000_003).wrapping_add(attempt));
        let Some(mut st) = construct(problem, cand, inv, &mut rng) else {
            continue;
        };
        settle(&mut st, cand, inv, deadline, seed);
        if !check(problem, &st.solution()).feasible {
            continue;
        }
        if best.as_ref().is_none_or(|b| st.cost < b.cost) {
            best = Some(st);
        }
    }
    best
}

/// Wall-clock cap of one LNS sub-MIP: a tenth of the run, between 0.5 and 2 seconds.
fn sub_time(params: &SolveParams) -> f64 {
    (params.time_limit.as_secs_f64() / 10.0).clamp(0.5, 2.0)
}

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

#[allow(clippy::too_many_arguments)]
fn exact(
    p: &Problem,
    params: &SolveParams,
    best: Option<State>,
    cand: &Candidates,
    early: Early,
    t0: Instant,
    deadline: Instant,
    pool: &rayon::ThreadPool,
    int_costs: bool,
) -> Result<SolveReport, SolveError> {
    let mut best = best;
    // LNS first: the MIP's tree search profits from a good incumbent far more than
    // from the same seconds of branching. Larger models, where the full MIP rarely
    // closes its gap in time, give the LNS most of the run.
    if let Some(st) = best.as_mut() {
        let total = params.time_limit.as_secs_f64();
        // Small models (few arcs: OC n = 50, Holmberg, OR-Library SS): one LNS
        // descent, then the MIP, which often proves optimality there. Larger ones: the
        // iterated LNS gets most of the run, the MIP the rest.
        // The hub-set VNS first (fast, whole-plan moves), then the LNS from its plan.
        // Small models with a fixed hub count (OC n = 50) give the VNS 40 % and its
        // usual restarts, since the MIP rarely proves them within a short run
        // (pmedcap1_10 at T = 1 s: the optimum on 10 of 10 seeds, 8 of 10 with 25 %
        // and one restart). With a free count (Holmberg, OR-Library SS) the MIP
        // proves most plans and needs the time: the VNS gets 25 % and restarts at
        // most once without gain (40 % and ten restarts left Holmberg p27, p29 and p51
        // unproven at T = 10 s).
        let (vns_share, vns_fails, share, restarts) = if full_arc_count(p) > SMALL_MIP_ARCS {
            (0.35, VNS_RESTARTS, 0.3, u64::MAX)
        } else if matches!(p.hub_count, HubCount::Free) {
            (0.25, 1, 0.1, 0)
        } else {
            (0.4, VNS_RESTARTS, 0.1, 0)
        };
        let until = Instant::now() + Duration::from_secs_f64(total * vns_share);
        run_vns(st, cand, params, until.min(deadline), vns_fails, pool, t0);
        if let Some(done) = early.finish_if_proven(p, params, st, int_costs, Mode::Exact, t0) {
            return done;
        }
        let until = Instant::now() + Duration::from_secs_f64(total * share);
        let stats = iterated_lns(
            st,
            cand,
            &lns_params(p, params, sub_time(params)),
            until.min(deadline),
            restarts,
            pool,
        );
        say(
            params,
            &format!(
                "LNS: {:.2} after {:.1}s ({stats:?})",
                st.cost,
                t0.elapsed().as_secs_f64()
            ),
        );
    }
    let full = Candidates::build(p, usize::MAX);
    let sub = Sub {
        units: (0..p.units.len()).collect(),
        hubs: (0..p.hubs.len()).collect(),
        arcs: full.per_unit.clone(),
        count: p.hub_count,
    };
    let start = best.as_ref().map(|st| st.assign.clone());
    let remaining = deadline
        .saturating_duration_since(Instant::now())
        .as_secs_f64();
    // Keep a slice of the run for a Lagrangian bound in case HiGHS stops before its
    // own bound is useful (e.g. before the root LP under a short limit).
    let reserve = if p.units.len() > 40 {
        0.1 * params.time_limit.as_secs_f64()
    } else {
        0.0
    };
    let opts = MipOptions {
        // Within the deadline (a 0.5 s floor made OC n = 50 runs at T = 1 s end at
        // 1.2-1.3 s); the early stop and the final bound keep to it as well.
        time_limit: (remaining - reserve).max(0.1),
        rel_gap: params.rel_gap,
        seed: params.seed,
        node_limit: None,
        relax: false,
    };
    let r = pool
        .install(|| solve_sub(p, &sub, start.as_deref(), &opts))
        .map_err(SolveError::Solver)?;
    say(
        params,
        &format!(
            "MIP ({:.1}s limit): {:?}, {:.2}, bound {:.2} after {:.1}s",
            opts.time_limit,
            r.status,
            r.objective,
            r.bound,
            t0.elapsed().as_secs_f64()
        ),
    );
    let mut bound = r.bound;
    let mut source = "HiGHS MIP dual bound";
    let solution = match (r.status, r.assign) {
        (MipStatus::Infeasible, _) => {
            return Err(SolveError::Infeasible(Diagnosis {
                findings: vec![Finding::Other(
                    "the MIP solver proved that no plan satisfies every limit".into(),
                )],
            }))
        }
        (_, Some(a))
            if best
                .as_ref()
                .is_none_or(|b| r.objective <= b.cost + 1e-9 * b.cost.abs().max(1.0)) =>
        {
            Solution { assign: a }
        }
        _ => match best {
            Some(b) => b.solution(),
            None => return Err(SolveError::NoSolution),
        },
    };
    if early.bound > bound || !bound.is_finite() {
        bound = early.bound;
        source = early.source;
    }
    let inc = State::from_solution(p, &solution);
    let gap_ok =
        bound.is_finite() && (inc.cost - bound) <= params.rel_gap * inc.cost.abs().max(1e-9);
    if !gap_ok && !p.units.is_empty() {
        let lag = early.final_bound(p, &inc, deadline, int_costs, pool);
        if lag.bound > bound || !bound.is_finite() {
            bound = lag.bound;
            source = lag_source(lag.exact_knapsacks);
        }
    }
    if int_costs && bound.is_finite() {
        bound = (bound - 1e-6).ceil();
    }
    if !bound.is_finite() {
        source = "none";
    }
    finish(p, params, solution, bound, source, Mode::Exact, t0)
}

#[allow(clippy::too_many_arguments)]
fn heuristic<'a>(
    p: &'a Problem,
    params: &SolveParams,
    mut st: State<'a>,
    cand: &Candidates,
    early: Early,
    t0: Instant,
    deadline: Instant,
    pool: &rayon::ThreadPool,
    int_costs: bool,
) -> Result<SolveReport, SolveError> {
    let total = params.time_limit.as_secs_f64();
    // The early Lagrangian run already gave a bound: the final one only refines it.
    // Still at least a second (or 40 % of a short run): under load the subgradient
    // needs it, and it stops by itself once converged. When the early run converged
    // already, the refinement gets 5 % (on Osman–Christofides at T = 1 s the 0.4 s
    // it had moved no bound, and the VNS got 0.3 s).
    let bound_budget = if early.converged {
        total * 0.05
    } else if early.bound.is_finite() {
        (total * 0.05).max((total * 0.4).min(1.0))
    } else {
        (total * 0.15).max((total * 0.4).min(1.0))
    };
    let lns_deadline = deadline
        .checked_sub(Duration::from_secs_f64(bound_budget))
        .unwrap_or(deadline);
    // Capacitated p-median style problems (a fixed hub count) give the iterated LNS
    // the whole time; with a free count (facility location, ward plans) it gets half,
    // and multi-start restarts and a restricted MIP the rest.
    let ils_until = if matches!(p.hub_count, HubCount::Free) {
        share_until(lns_deadline, 0.5)
    } else {
        lns_deadline
    };
    if p.units.len() <= VNS_UNITS {
        // With a fixed hub count (the CPMP) the VNS finds most of what the LNS would,
        // faster: it gets most of the time; with a free count half.
        let share = if matches!(p.hub_count, HubCount::Free) {
            0.5
        } else if secs_until(ils_until) < 2.0 * sub_time(params) {
            // Too short for the LNS to solve a few sub-MIPs (OC at T = 1 s: it had
            // 0.05 s and solved none).
            1.0
        } else {
            0.85
        };
        run_vns(
            &mut st,
            cand,
            params,
            share_until(ils_until, share),
            VNS_RESTARTS,
            pool,
            t0,
        );
        if let Some(done) = early.finish_if_proven(p, params, &st, int_costs, Mode::Heuristic, t0) {
            return done;
        }
    }
    let lp = sized(lns_params(p, params, sub_time(params)), p, &st);
    let improved = iterated_lns(&mut st, cand, &lp, ils_until, u64::MAX, pool);
    say(
        params,
        &format!(
            "LNS: {:.2} after {:.1}s ({improved:?})",
            st.cost,
            t0.elapsed().as_secs_f64()
        ),
    );
    // The time left before the bound: restarts from new constructions (each settled,
    // and improved by LNS when the LNS improved anything above), then a restricted MIP
    // (IRMA) when the full MIP will not run; the MIP gets most of the time.
    let restricted =
        p.units.len() <= RESTRICTED_MIP_UNITS && !full_mip_fits(p, secs_until(lns_deadline));
    let restart_until = if restricted {
        share_until(lns_deadline, 0.3)
    } else {
        lns_deadline
    };
    let inv = inverse(cand, p.hubs.len());
    let mut attempt = 8u64;
    let mut restarts = 0usize;
    let mut stall = 0usize;
    // Small problems run through restarts fast: stop once many bring nothing new.
    while Instant::now() < restart_until && restarts < 5_000 && stall < 100 {
        restarts += 1;
        stall += 1;
        let Some(mut ns) = starts(
            p,
            cand,
            &inv,
            params.seed,
            attempt..attempt + 1,
            restart_until,
        ) else {
            attempt += 1;
            continue;
        };
        attempt += 1;
        if improved.lns.improved > 0 {
            let lp = sized(lns_params(p, params, sub_time(params)), p, &ns);
            lns(&mut ns, cand, &lp, lns_deadline, pool);
        }
        if ns.cost < st.cost - 1e-9 * st.cost.abs().max(1.0) {
            st = ns;
            stall = 0;
        }
    }
    if restarts > 0 {
        say(
            params,
            &format!(
                "{restarts} restarts: {:.2} after {:.1}s",
                st.cost,
                t0.elapsed().as_secs_f64()
            ),
        );
    }
    let left = secs_until(lns_deadline);
    if restricted && left > 0.2 {
        // Each unit keeps its cheapest hubs, about twice as many as units share an
        // open hub (a bundle's hub may sit across it), and its current one.
        let k = (2 * p.units.len() / st.n_open.max(1)).clamp(RESTRICTED_ARCS, 2 * RESTRICTED_ARCS);
        let wide = Candidates::build(p, k);
        let arcs: Vec<Vec<(u32, f64)>> = (0..p.units.len())
            .map(|u| {
                let mut a: Vec<(u32, f64)> = wide.per_unit[u].clone();
                if !a.iter().any(|x| x.0 == st.assign[u]) {
                    a.push((st.assign[u], st.acost[u]));
                }
                a
            })
            .collect();
        let opts = MipOptions {
            time_limit: left,
            rel_gap: params.rel_gap * 0.5,
            seed: params.seed,
            node_limit: None,
            relax: false,
        };
        improve_by_mip(&mut st, arcs, &opts, pool);
        say(
            params,
            &format!(
                "restricted MIP ({k} hubs a unit): {:.2} after {:.1}s",
                st.cost,
                t0.elapsed().as_secs_f64()
            ),
        );
    }
    let mut bound = f64::NEG_INFINITY;
    let mut source = "none";
    let left = secs_until(lns_deadline);
    if full_mip_fits(p, left) {
        // LNS ran out of neighbourhoods early: spend the time on the full MIP,
        // warm-started, which may still improve and yields HiGHS's dual bound.
        let full = Candidates::build(p, usize::MAX);
        let opts = MipOptions {
            time_limit: left,
            rel_gap: params.rel_gap,
            seed: params.seed,
            node_limit: None,
            relax: false,
        };
        if let Some(b) = improve_by_mip(&mut st, full.per_unit, &opts, pool) {
            bound = b;
            source = "HiGHS MIP dual bound";
        }
        say(
            params,
            &format!(
                "full MIP: {:.2}, bound {:.2} after {:.1}s",
                st.cost,
                bound,
                t0.elapsed().as_secs_f64()
            ),
        );
    }
    let half_left = deadline
        .saturating_duration_since(Instant::now())
        .as_secs_f64()
        * 0.5;
    if full_arc_count(p) <= LP_BOUND_ARCS && !bound.is_finite() && half_left >= root_seconds(p) {
        let full = Candidates::build(p, usize::MAX);
        let sub = Sub {
            units: (0..p.units.len()).collect(),
            hubs: (0..p.hubs.len()).collect(),
            arcs: full.per_unit,
            count: p.hub_count,
        };
        let remaining = deadline
            .saturating_duration_since(Instant::now())
            .as_secs_f64()
            * 0.5;
        let opts = MipOptions {
            time_limit: remaining.max(0.5),
            rel_gap: 0.0,
            seed: params.seed,
            node_limit: None,
            relax: true,
        };
        if let Ok(r) = pool.install(|| solve_sub(p, &sub, None, &opts)) {
            if r.bound.is_finite() {
                bound = r.bound;
                source = "LP relaxation";
            }
        }
    }
    let lag = early.final_bound(p, &st, deadline, int_costs, pool);
    say(
        params,
        &format!(
            "Lagrangian bound {:.2} ({} iterations)",
            lag.bound, lag.iterations
        ),
    );
    if lag.bound > bound {
        bound = lag.bound;
        source = lag_source(lag.exact_knapsacks);
    }
    if early.bound > bound {
        bound = early.bound;
        source = early.source;
    }
    if int_costs && bound.is_finite() {
        bound = (bound - 1e-6).ceil();
    }
    finish(p, params, st.solution(), bound, source, Mode::Heuristic, t0)
}

fn lag_source(exact_knapsacks: bool) -> &'static str {
    if exact_knapsacks {
        "Lagrangian (exact knapsacks)"
    } else {
        "Lagrangian (LP knapsacks)"
    }
}

fn finish(
    p: &Problem,
    params: &SolveParams,
    solution: Solution,
    bound: f64,
    source: &'static str,
    mode: Mode,
    t0: Instant,
) -> Result<SolveReport, SolveError> {
    let rep = check(p, &solution);
    if !rep.feasible {
        return Err(SolveError::Solver(format!(
            "the checker rejected the plan: {}",
            rep.violations.join("; ")
        )));
    }
    let objective = rep.objective;
    let lower_bound = bound.min(objective);
    say(
        params,
        &format!(
            "{}: {:.2} (bound {:.2}, {}) after {:.1}s",
            p.name,
            objective,
            lower_bound,
            source,
            t0.elapsed().as_secs_f64()
        ),
    );
    let gap = if objective.abs() < 1e-9 {
        0.0
    } else {
        (objective - lower_bound) / objective.abs()
    };
    let status = if gap <= params.rel_gap + 1e-12 {
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
    })
}
