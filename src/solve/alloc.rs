//! The exact allocation step of the location–allocation loop (ALGORITHMS.md §2, the GB21
//! global phase): with the open hubs fixed, the assignment is a generalized assignment
//! problem, solved by the compact MIP over the open hubs with each unit restricted to
//! its `g` cheapest open hubs plus its current one (so the incumbent is a warm start and
//! the model is never infeasible). Minimum loads, every capacity dimension and the
//! own-unit rule stay hard rows.

use super::cand::Candidates;
use super::mip::{solve_sub, MipOptions, MipStatus, Sub};
use super::problem::{HubCount, Solution};
use super::state::State;
use std::time::Instant;

/// Reassigns every unit of `st` among its open hubs by the MIP. Returns the new plan when
/// HiGHS found one (it is never worse than `st`, which is the warm start).
pub fn gap_step<'a>(
    st: &State<'a>,
    cand: &Candidates,
    g: usize,
    deadline: Instant,
    seed: u64,
) -> Option<State<'a>> {
    let p = st.p;
    let open: Vec<usize> = (0..p.hubs.len()).filter(|&h| st.is_open(h)).collect();
    if open.is_empty() {
        return None;
    }
    let local = |h: usize| open.binary_search(&h).ok();
    let mut arcs = Vec::with_capacity(p.units.len());
    let mut start = Vec::with_capacity(p.units.len());
    for u in 0..p.units.len() {
        let mut a: Vec<(u32, f64)> = cand.per_unit[u]
            .iter()
            .filter_map(|&(h, c)| local(h as usize).map(|j| (j as u32, c)))
            .take(g)
            .collect();
        if a.len() < g && !cand.complete {
            // The candidate list was cut before it saw g open hubs: look at all of them.
            let mut all: Vec<(u32, f64)> = open
                .iter()
                .enumerate()
                .filter_map(|(j, &h)| p.cost(u, h).map(|c| (j as u32, c)))
                .collect();
            all.sort_by(|x, y| x.1.total_cmp(&y.1).then(x.0.cmp(&y.0)));
            all.truncate(g);
            a = all;
        }
        let jg = local(st.assign[u] as usize).expect("assigned to an open hub") as u32;
        if !a.iter().any(|x| x.0 == jg) {
            a.push((jg, st.acost[u]));
        }
        start.push(jg);
        arcs.push(a);
    }
    let remaining = deadline
        .saturating_duration_since(Instant::now())
        .as_secs_f64();
    if remaining <= 0.02 {
        return None;
    }
    let sub = Sub {
        units: (0..p.units.len()).collect(),
        hubs: open.clone(),
        arcs,
        count: HubCount::Exact(open.len()),
    };
    let opts = MipOptions {
        time_limit: remaining,
        rel_gap: 1e-6,
        seed,
        node_limit: Some(2_000),
        relax: false,
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
