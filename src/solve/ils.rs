//! Iterated LNS: when the LNS has tried every neighbourhood size on every hub without
//! improvement, the best plan is perturbed (a few clusters move to another hub of their
//! members' candidates), its allocation settled by shifts and swaps, and the LNS starts again from its
//! smallest neighbourhoods. The best plan found is kept.

use super::cand::Candidates;
use super::lns::{lns, LnsParams, LnsStats};
use super::local::{shift_pass, swap_pass};
use super::state::{improves, State};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::time::Instant;

/// What an iterated LNS run did.
#[derive(Debug, Clone, Copy, Default)]
pub struct IlsStats {
    /// Perturbations made.
    pub restarts: u64,
    /// Perturbations that led to a better plan.
    pub improved_restarts: u64,
    /// The LNS runs' totals.
    pub lns: LnsStats,
}

/// Moves `k` random clusters each to a closed hub listed among the first candidates of
/// one of its members, when that hub can take the whole cluster (capacity, minimum
/// load, own-unit rule). Returns how many clusters moved.
pub fn perturb(st: &mut State, cand: &Candidates, k: usize, rng: &mut ChaCha8Rng) -> usize {
    let p = st.p;
    let mut moved = 0;
    for _ in 0..4 * k {
        if moved >= k {
            break;
        }
        let open: Vec<usize> = (0..p.hubs.len()).filter(|&h| st.is_open(h)).collect();
        if open.is_empty() {
            break;
        }
        let g = open[rng.random_range(0..open.len())];
        let members: Vec<usize> = st.members[g].iter().map(|&v| v as usize).collect();
        let v = members[rng.random_range(0..members.len())];
        let list = &cand.per_unit[v];
        if list.is_empty() {
            continue;
        }
        let (h, _) = list[rng.random_range(0..list.len().min(5))];
        let h = h as usize;
        if h == g || st.is_open(h) {
            continue;
        }
        if !st.can_take_cluster(g, h) {
            continue;
        }
        let costs: Option<Vec<f64>> = members.iter().map(|&u| p.cost(u, h)).collect();
        let Some(costs) = costs else { continue };
        for (&u, &c) in members.iter().zip(&costs) {
            st.shift(u, h, c);
        }
        moved += 1;
    }
    st.recompute_cost();
    moved
}

/// Runs the LNS, and after each convergence perturbs the best plan and runs it again,
/// until the deadline, `max_restarts`, or `lp.max_rounds` LNS rounds over all restarts
/// (the work limit). `st` ends as the best plan found.
pub fn iterated_lns(
    st: &mut State,
    cand: &Candidates,
    lp: &LnsParams,
    deadline: Instant,
    max_restarts: u64,
    pool: &rayon::ThreadPool,
) -> IlsStats {
    let mut stats = IlsStats::default();
    let first = lns(st, cand, lp, deadline, pool);
    stats.lns = first;
    let mut best = st.clone();
    let mut rng = ChaCha8Rng::seed_from_u64(lp.seed ^ 0x5EED_1715);
    // Restarts in a row without a better plan before giving up: tiny problems would
    // otherwise perturb and re-solve the same few plans until the deadline.
    const STALL: u64 = 50;
    let mut stall = 0u64;
    while Instant::now() < deadline
        && stats.restarts < max_restarts
        && stall < STALL
        && stats.lns.rounds < lp.max_rounds
    {
        stats.restarts += 1;
        stall += 1;
        let mut cur = best.clone();
        let k = (cur.n_open / 10).clamp(2, 8);
        if perturb(&mut cur, cand, k, &mut rng) == 0 {
            break;
        }
        // Only the allocation is settled: a full local search would move the
        // clusters straight back.
        while shift_pass(&mut cur, cand) | swap_pass(&mut cur, cand) {
            if Instant::now() >= deadline {
                break;
            }
        }
        cur.recompute_cost();
        let sub = LnsParams {
            seed: lp.seed.wrapping_add(stats.restarts.wrapping_mul(0x9E37)),
            max_rounds: lp.max_rounds - stats.lns.rounds,
            ..lp.clone()
        };
        let s = lns(&mut cur, cand, &sub, deadline, pool);
        stats.lns.rounds += s.rounds;
        stats.lns.solved += s.solved;
        stats.lns.improved += s.improved;
        if improves(cur.cost, best.cost) && cur.count_ok() {
            best = cur;
            stats.improved_restarts += 1;
            stall = 0;
        }
    }
    *st = best;
    stats
}
