//! The exact allocation step of the location–allocation loop (ALGORITHMS.md §2, the GB21
//! global phase): with the open hubs fixed, the assignment is a generalized assignment
//! problem, solved by the compact MIP over the open hubs with each unit restricted to
//! its `g` cheapest open hubs plus its current one (so the incumbent is a warm start and
//! the model is never infeasible). Minimum loads, every capacity dimension and the
//! own-unit rule stay hard rows.

use super::cand::Candidates;
use super::guard::Watch;
use super::mip::{solve_sub, MipOptions, MipStatus, Sub};
use super::problem::{HubCount, Solution};
use super::state::State;
use std::time::Instant;

/// Reassigns every unit of `st` among its open hubs by the MIP. Returns the new plan when
/// HiGHS found one (it is never worse than `st`, which is the warm start). The MIP
/// may take until `deadline`, and is abandoned past the run's end (see
/// [`guard`](super::guard)).
pub fn gap_step<'a>(
    st: &State<'a>,
    cand: &Candidates,
    g: usize,
    deadline: Instant,
    watch: &Watch,
    seed: u64,
) -> Option<State<'a>> {
    let p = st.p;
    let open: Vec<usize> = (0..p.hubs.len()).filter(|&h| st.is_open(h)).collect();
    if open.is_empty() {
        return None;
    }
    let units = (0..p.units.len()).collect();
    let count = HubCount::Exact(open.len());
    let (sub, start) = Sub::restricted(st, units, open, g, Some(cand), count);
    let remaining = deadline
        .saturating_duration_since(Instant::now())
        .as_secs_f64();
    if remaining <= 0.02 {
        return None;
    }
    let opts = MipOptions {
        time_limit: remaining,
        rel_gap: 1e-6,
        seed,
        node_limit: Some(2_000),
        relax: false,
        watch: watch.clone(),
    };
    let r = solve_sub(p, &sub, Some(&start), &opts).ok()?;
    match r.status {
        MipStatus::Optimal | MipStatus::Feasible => {
            let assign = r.assign?;
            let ns = State::from_solution(p, &Solution { assign });
            (ns.cost.is_finite() && ns.count_ok()).then_some(ns)
        }
        _ => None,
    }
}
