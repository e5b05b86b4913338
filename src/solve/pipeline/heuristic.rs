//! The heuristic pipeline (the matheuristic): the hub-set VNS, the iterated LNS,
//! restarts from new constructions, a restricted MIP (IRMA) or the full MIP when it
//! fits, then the bounds: HiGHS's or the LP's when the full model is small enough, and
//! the final Lagrangian run in the time kept back for it.

use super::{sized, Early, Run, LP_BOUND_ARCS};
use crate::solve::bound::{Bound, BoundSource};
use crate::solve::budget::Until;
use crate::solve::cand::{full_arc_count, Candidates};
use crate::solve::lns::lns;
use crate::solve::mip::{solve_sub, MipOptions, Sub};
use crate::solve::schedule::{
    full_mip_fits, root_seconds, LNS_ROUND_STEPS, LP_BOUND_FLOOR, MIP_NODE_STEPS,
    RESTRICTED_MIP_MIN, START_STEPS, VNS_RESTARTS,
};
use crate::solve::start::starts;
use crate::solve::state::{improves, State};
use crate::solve::{Mode, SolveError, SolveReport};

/// Heuristic mode runs the hub-set VNS before the LNS up to this many units. A VNS move
/// costs in proportion to the hubs it touches (journal rollback, settle around the
/// change), not to n: on p3038 (T = 300 s) it ends 0.4–0.8 % above the best known
/// where the LNS alone ended 1.0–2.0 %; on generated 5,000-unit CPMPs (T = 60 s) the
/// gap to the bound fell from 7.7–8.6 % to 2.0–4.2 %, on the generated 50,000-unit one
/// (T = 300 s) from 8.6 % to 3.8 % (1.5 GiB peak). Larger problems are untested.
const VNS_UNITS: usize = 50_000;
/// Heuristic mode ends with a MIP over each unit's cheapest hubs up to this many units.
const RESTRICTED_MIP_UNITS: usize = 2_000;
/// Fewest hubs a unit keeps in that restricted MIP.
const RESTRICTED_ARCS: usize = 16;
/// Restarts at most, and in a row without a better plan: small problems run through
/// restarts fast, so stop once many bring nothing new.
const MAX_RESTARTS: usize = 5_000;
const RESTART_STALL: usize = 100;

/// Runs the heuristic pipeline from the start `st` and the early bound.
pub fn heuristic<'p>(
    run: &Run<'p>,
    mut st: State<'p>,
    early: Early,
) -> Result<SolveReport, SolveError> {
    let (p, b) = (run.p, &run.budget);
    let kind = early.kind();
    let end = b.end();
    // The search ends where the final bound's share begins.
    let lns_deadline = b.before(end, |s| s.final_bound(kind));
    let ils_until = b.share(lns_deadline, |s, _| s.heuristic.ils);
    if p.units.len() <= VNS_UNITS {
        let vns_until = b.share(ils_until, |s, left| s.vns_of_ils(left));
        run.vns(&mut st, vns_until, VNS_RESTARTS);
        if let Some(done) = early.finish_if_proven(run, &st, Mode::Heuristic) {
            return done;
        }
    }
    let lp = sized(run.lns_params(ils_until), p, &st);
    let improved = run.iterated_lns(&mut st, &lp, ils_until, u64::MAX);
    // The time left before the bound: restarts from new constructions (each settled,
    // and improved by LNS when the LNS improved anything above), then a restricted MIP
    // (IRMA) when the full MIP will not run; the MIP gets most of the time.
    let restricted =
        p.units.len() <= RESTRICTED_MIP_UNITS && !full_mip_fits(p, b.left(lns_deadline));
    let restart_until = b.share(lns_deadline, |s, _| s.restarts(restricted));
    restart(
        run,
        &mut st,
        restart_until,
        lns_deadline,
        improved.lns.improved > 0,
    );
    if restricted && b.left(lns_deadline) > RESTRICTED_MIP_MIN {
        // Each unit keeps its cheapest hubs, about twice as many as units share an
        // open hub (a bundle's hub may sit across it), and its current one.
        let k = (2 * p.units.len() / st.n_open.max(1)).clamp(RESTRICTED_ARCS, 2 * RESTRICTED_ARCS);
        let wide = Candidates::build(p, k);
        let units = (0..p.units.len()).collect();
        let hubs = (0..p.hubs.len()).collect();
        let (sub, _) = Sub::restricted(&st, units, hubs, k, Some(&wide), p.hub_count);
        let opts = mip_options(run, lns_deadline, run.params.rel_gap * 0.5);
        run.improve_by_mip(&mut st, &sub, &opts);
        run.say(&format!(
            "restricted MIP ({k} hubs a unit): {:.2} after {:.1}s",
            st.cost,
            run.elapsed()
        ));
    }
    let mut bound = Bound::NONE;
    if full_mip_fits(p, b.left(lns_deadline)) {
        // LNS ran out of neighbourhoods early: spend the time on the full MIP,
        // warm-started, which may still improve and yields HiGHS's dual bound.
        let opts = mip_options(run, lns_deadline, run.params.rel_gap);
        if let Some(v) = run.improve_by_mip(&mut st, run.full(), &opts) {
            bound = Bound::new(v, BoundSource::HighsMip);
        }
        run.say(&format!(
            "full MIP: {:.2}, bound {:.2} after {:.1}s",
            st.cost,
            bound.value,
            run.elapsed()
        ));
    }
    let half_left = b.left(end) * 0.5;
    if full_arc_count(p) <= LP_BOUND_ARCS
        && !bound.value.is_finite()
        && half_left >= root_seconds(p)
    {
        let opts = MipOptions {
            time_limit: (b.secs_left(end) * 0.5).max(LP_BOUND_FLOOR),
            rel_gap: 0.0,
            seed: run.params.seed,
            node_limit: None,
            relax: true,
            watch: b.watch().clone(),
        };
        if let Ok(r) = run.pool.install(|| solve_sub(p, run.full(), None, &opts)) {
            if r.bound.is_finite() {
                bound = Bound::new(r.bound, BoundSource::LpRelaxation);
            }
        }
    }
    bound.raise(early.final_bound(run, &st));
    bound.raise(early.bound);
    run.finish(st.solution(), bound.rounded(run.int_costs), Mode::Heuristic)
}

/// The MIP settings for a MIP that may run to `until`: its seconds, and its nodes under
/// a work budget (charged up front).
fn mip_options(run: &Run, until: Until, rel_gap: f64) -> MipOptions {
    let node_limit = run.budget.nodes_left(until, MIP_NODE_STEPS);
    run.budget
        .charge(node_limit.map_or(0, |n| n as u64 * MIP_NODE_STEPS));
    MipOptions {
        time_limit: run.budget.secs_left(until),
        rel_gap,
        seed: run.params.seed,
        node_limit,
        relax: false,
        watch: run.budget.watch().clone(),
    }
}

/// Restarts from new constructions until `until` (each settled, then improved by the
/// LNS up to `lns_until` when `with_lns`); `st` keeps the best plan.
fn restart<'p>(run: &Run<'p>, st: &mut State<'p>, until: Until, lns_until: Until, with_lns: bool) {
    let (p, b) = (run.p, &run.budget);
    let mut attempt = 8u64;
    let mut restarts = 0usize;
    let mut stall = 0usize;
    while !b.reached(until) && restarts < MAX_RESTARTS && stall < RESTART_STALL {
        restarts += 1;
        stall += 1;
        b.charge(START_STEPS);
        let deadline = b.deadline(until);
        let range = attempt..attempt + 1;
        attempt += 1;
        let Some(mut ns) = starts(p, &run.cand, run.params.seed, range, deadline, b.watch()) else {
            continue;
        };
        if with_lns {
            let lp = sized(run.lns_params(lns_until), p, &ns);
            let s = lns(&mut ns, &run.cand, &lp, b.deadline(lns_until), &run.pool);
            b.charge(s.rounds * LNS_ROUND_STEPS);
        }
        if improves(ns.cost, st.cost) {
            *st = ns;
            stall = 0;
        }
    }
    if restarts > 0 {
        run.say(&format!(
            "{restarts} restarts: {:.2} after {:.1}s",
            st.cost,
            run.elapsed()
        ));
    }
}
