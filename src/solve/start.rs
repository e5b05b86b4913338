//! Starting plans: constructions (multi-start, and the fresh plans the VNS restarts
//! from), the location–allocation settle that every start goes through, and the two
//! plans built from a Lagrangian relaxation's hubs (ALGORITHMS.md §2).

use super::alloc::gap_step;
use super::cand::Candidates;
use super::construct::{construct, from_hubs, from_lagrangian, reassign};
use super::guard::Watch;
use super::lagr::LagrOutcome;
use super::local::local_search;
use super::problem::Problem;
use super::state::{improves, State};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::time::Instant;

/// Rounds of the location–allocation loop at most.
const SETTLE_ROUNDS: usize = 10;

/// Local search, then the location–allocation loop: re-centred hubs (local search) and
/// a fresh allocation (regret greedy, else the exact GAP step), until neither pays.
pub fn settle(st: &mut State, cand: &Candidates, deadline: Instant, watch: &Watch, seed: u64) {
    local_search(st, cand, deadline);
    let better =
        |ns: &Option<State>, st: &State| ns.as_ref().is_some_and(|ns| improves(ns.cost, st.cost));
    for _ in 0..SETTLE_ROUNDS {
        if Instant::now() >= deadline {
            break;
        }
        let mut ns = reassign(st, cand);
        if let Some(ns) = ns.as_mut() {
            local_search(ns, cand, deadline);
        }
        if !better(&ns, st) {
            ns = gap_step(st, cand, 4, deadline, watch, seed);
            if let Some(ns) = ns.as_mut() {
                local_search(ns, cand, deadline);
            }
        }
        if !better(&ns, st) {
            break;
        }
        *st = ns.expect("better implies some");
    }
}

/// Multi-start: construction (seeded by `seed` and the attempt number), then `settle`
/// for each attempt until the deadline (the first always runs); the best feasible plan.
/// Construction does not enforce minimum loads, so a plan that misses one is dropped.
pub fn starts<'a>(
    problem: &'a Problem,
    cand: &Candidates,
    seed: u64,
    attempts: std::ops::Range<u64>,
    deadline: Instant,
    watch: &Watch,
) -> Option<State<'a>> {
    let mut best: Option<State> = None;
    for attempt in attempts {
        if attempt > 0 && Instant::now() >= deadline {
            break;
        }
        let mut rng = ChaCha8Rng::seed_from_u64(seed.wrapping_mul(1_000_003).wrapping_add(attempt));
        let Some(mut st) = construct(problem, cand, &mut rng) else {
            continue;
        };
        settle(&mut st, cand, deadline, watch, seed);
        if !st.is_feasible() {
            continue;
        }
        if best.as_ref().is_none_or(|b| st.cost < b.cost) {
            best = Some(st);
        }
    }
    best
}

/// A fresh plan for a VNS restart (`key` unique to the chain and attempt): a
/// construction settled by local search only (no MIP: a restart must be cheap);
/// `None` unless feasible.
pub fn fresh<'a>(
    p: &'a Problem,
    cand: &Candidates,
    seed: u64,
    key: u64,
    deadline: Instant,
) -> Option<State<'a>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed.wrapping_mul(1_000_003).wrapping_add(1_000 + key));
    let mut ns = construct(p, cand, &mut rng)?;
    local_search(&mut ns, cand, deadline);
    ns.is_feasible().then_some(ns)
}

/// Two plans from a Lagrangian relaxation's hubs: its own allocation (settled until
/// `half`), and a greedy one (settled until `until`); each with its cost before
/// settling.
pub fn lagrangian_starts<'a>(
    p: &'a Problem,
    cand: &Candidates,
    lag: &LagrOutcome,
    half: Instant,
    until: Instant,
    watch: &Watch,
    seed: u64,
) -> Vec<(f64, State<'a>)> {
    let built = [
        from_lagrangian(p, cand, &lag.hubs, &lag.takes),
        from_hubs(p, cand, &lag.hubs),
    ];
    built
        .into_iter()
        .flatten()
        .enumerate()
        .map(|(i, mut st)| {
            let raw = st.cost;
            settle(
                &mut st,
                cand,
                if i == 0 { half } else { until },
                watch,
                seed,
            );
            (raw, st)
        })
        .collect()
}
