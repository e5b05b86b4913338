//! The exact pipeline: the hub-set VNS and the (iterated) LNS first, since the MIP's
//! tree search profits from a good incumbent far more than from the same seconds of
//! branching; then the compact MIP over every arc, warm-started, for the plan and
//! HiGHS's dual bound; then, when that does not prove the plan, the final Lagrangian
//! bound in the time the MIP kept back.

use super::{Early, Run};
use crate::solve::bound::{Bound, BoundSource};
use crate::solve::mip::{solve_sub, MipOptions, MipStatus};
use crate::solve::schedule::{EXACT_MIP_FLOOR, MIP_NODE_STEPS};
use crate::solve::state::{improves, State};
use crate::solve::Solution;
use crate::solve::{bound, Diagnosis, Finding, Mode, SolveError, SolveReport};

/// Runs the exact pipeline from the best start (if any) and the early bound.
pub fn exact<'p>(
    run: &Run<'p>,
    best: Option<State<'p>>,
    early: Early,
) -> Result<SolveReport, SolveError> {
    let (p, b) = (run.p, &run.budget);
    let mut best = best;
    if let Some(st) = best.as_mut() {
        let shares = b.schedule().exact;
        run.vns(st, b.after(|s| s.exact.vns).min(b.end()), shares.vns_fails);
        if let Some(done) = early.finish_if_proven(run, st, Mode::Exact) {
            return done;
        }
        let until = b.after(|s| s.exact.lns).min(b.end());
        let lp = run.lns_params(until);
        run.iterated_lns(st, &lp, until, shares.lns_restarts);
    }
    let start = best.as_ref().map(|st| st.assign.clone());
    // Within the deadline less the reserve for the final bound; the early stop and the
    // final bound keep to it as well.
    let mip_until = b.before(b.end(), |s| s.exact.mip_reserve);
    let node_limit = b.nodes_left(mip_until, MIP_NODE_STEPS);
    let opts = MipOptions {
        time_limit: b.secs_left(mip_until).max(EXACT_MIP_FLOOR),
        rel_gap: run.params.rel_gap,
        seed: run.params.seed,
        node_limit,
        relax: false,
        watch: b.watch().clone(),
    };
    let full = run.full();
    let r = run
        .pool
        .install(|| solve_sub(p, full, start.as_deref(), &opts))?;
    b.charge(node_limit.map_or(0, |n| n as u64 * MIP_NODE_STEPS));
    run.say(&format!(
        "MIP ({:.1}s limit): {:?}, {:.2}, bound {:.2} after {:.1}s",
        opts.time_limit,
        r.status,
        r.objective,
        r.bound,
        run.elapsed()
    ));
    let mut bound = Bound::new(r.bound, BoundSource::HighsMip);
    let solution = match (r.status, r.assign) {
        (MipStatus::Infeasible, _) => {
            return Err(SolveError::Infeasible(Diagnosis {
                findings: vec![Finding::Other(
                    "the MIP solver proved that no plan satisfies every limit".into(),
                )],
            }))
        }
        // HiGHS's plan unless it is worse than the incumbent.
        (_, Some(a)) if best.as_ref().is_none_or(|b| !improves(b.cost, r.objective)) => {
            Solution { assign: a }
        }
        _ => match best {
            Some(b) => b.solution(),
            None => return Err(SolveError::NoSolution),
        },
    };
    bound.raise(early.bound);
    let inc = State::from_solution(p, &solution);
    if !bound::proves(inc.cost, bound.value, run.params.rel_gap) {
        bound.raise(early.final_bound(run, &inc));
    }
    run.finish(solution, bound.rounded(run.int_costs), Mode::Exact)
}
