//! Large-neighbourhood search in the style of Gnägi & Baumann (2021): a neighbourhood is
//! a seed hub plus its nearest open hubs; their units are re-optimised by the compact
//! MIP over the open hubs and the closed candidate hubs near them, warm-started from the
//! incumbent. Neighbourhoods of one round are pairwise disjoint in units and hubs and
//! are solved in parallel (one HiGHS thread each); improvements are applied in index
//! order, so the result does not depend on the thread count.

use super::alternatives::alternatives;
use super::cand::Candidates;
use super::guard::Watch;
use super::mip::{solve_sub, MipOptions, MipStatus, Sub};
use super::problem::HubCount;
use super::state::{improves, State, NONE};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use std::time::Instant;

#[derive(Debug, Clone)]
/// The LNS's settings.
pub struct LnsParams {
    /// Every random choice comes from it.
    pub seed: u64,
    /// Units per neighbourhood, doubled when every hub is tabu.
    pub target_units: usize,
    /// Most units per neighbourhood.
    pub max_units: usize,
    /// Closed candidate hubs per unit offered to the sub-MIP.
    pub hub_cands: usize,
    /// Closed hubs offered per open hub of a neighbourhood (GB21's l).
    pub medians_per_hub: usize,
    /// Relative gap at which a sub-MIP stops.
    pub sub_gap: f64,
    /// Cheapest sub-MIP hubs each unit may use (plus its current hub): keeps the
    /// sub-MIP small when clusters are large.
    pub arcs_per_unit: usize,
    /// Disjoint neighbourhoods solved per round.
    pub neighbourhoods_per_round: usize,
    /// HiGHS node limit of each sub-MIP.
    pub node_limit: i64,
    /// Seconds each sub-MIP may take (infinite: the node limit alone).
    pub sub_time_limit: f64,
    /// Stop after this many rounds (a work limit, for reproducible runs and benches).
    pub max_rounds: u64,
    /// The run's guard, which counts the sub-MIPs left behind.
    pub watch: Watch,
}

struct Hood {
    units: Vec<usize>,
    open: Vec<usize>,
    sub: Sub,
    start: Vec<u32>,
    cost: f64,
}

fn mix(a: u64, b: u64) -> u64 {
    let mut z = a ^ b.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Nearest open hubs of `g`, judged by what its members would pay to use them.
fn near_open(st: &State, cand: &Candidates, g: usize, taken: &[bool]) -> Vec<usize> {
    let mut best: Vec<(f64, usize)> = Vec::new();
    for &v in &st.members[g] {
        for &(h, c) in &cand.per_unit[v as usize] {
            let h = h as usize;
            if h == g || !st.is_open(h) || taken[h] {
                continue;
            }
            match best.iter_mut().find(|x| x.1 == h) {
                Some(x) => x.0 = x.0.min(c),
                None => best.push((c, h)),
            }
        }
    }
    best.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    best.into_iter().map(|x| x.1).collect()
}

fn build_hood(
    st: &State,
    cand: &Candidates,
    seed: usize,
    target: usize,
    taken: &mut [bool],
    lp: &LnsParams,
) -> Option<Hood> {
    let p = st.p;
    let mut open = vec![seed];
    taken[seed] = true;
    let mut n_units = st.members[seed].len();
    // Grow ring by ring: the nearest open hubs of the hubs already in.
    let mut frontier = 0;
    while n_units < target && frontier < open.len() {
        for h in near_open(st, cand, open[frontier], taken) {
            if n_units >= target {
                break;
            }
            if taken[h] {
                continue;
            }
            taken[h] = true;
            open.push(h);
            n_units += st.members[h].len();
        }
        frontier += 1;
    }
    open.sort_unstable();
    let mut units: Vec<usize> = open
        .iter()
        .flat_map(|&h| st.members[h].iter().map(|&v| v as usize))
        .collect();
    units.sort_unstable();
    // Candidate hubs: the open ones plus, for each open hub, the closed hubs that would
    // serve its current members best (its best alternative 1-medians), drawn from the
    // members' candidate lists and not claimed by another neighbourhood of this round.
    let mut hubs = open.clone();
    for &g in &open {
        let alts = alternatives(st, cand, g, lp.medians_per_hub, lp.hub_cands, |h| taken[h]);
        for h in alts {
            taken[h] = true;
            hubs.push(h);
        }
    }
    hubs.sort_unstable();
    let cost: f64 = units.iter().map(|&v| st.acost[v]).sum::<f64>()
        + open.iter().map(|&h| p.hubs[h].fixed_cost).sum::<f64>();
    let outside = st.n_open - open.len();
    let count = match p.hub_count {
        HubCount::Free => HubCount::Free,
        HubCount::Exact(_) => HubCount::Exact(open.len()),
        HubCount::Range(lo, hi) => {
            HubCount::Range(lo.saturating_sub(outside), hi.saturating_sub(outside))
        }
    };
    // Every hub of the neighbourhood is costed (no candidate list): the sub-MIP sees
    // each unit's cheapest arcs among them.
    let (sub, start) = Sub::restricted(st, units.clone(), hubs, lp.arcs_per_unit, None, count);
    Some(Hood {
        units,
        open,
        sub,
        start,
        cost,
    })
}

/// What an LNS run did.
#[derive(Debug, Clone, Copy, Default)]
pub struct LnsStats {
    /// Rounds made.
    pub rounds: u64,
    /// Sub-MIPs solved.
    pub solved: usize,
    /// Sub-MIPs that improved the plan.
    pub improved: usize,
    /// The neighbourhood size at the end.
    pub final_target: usize,
}

/// Runs LNS rounds until the deadline or the round limit.
pub fn lns(
    st: &mut State,
    cand: &Candidates,
    lp: &LnsParams,
    deadline: Instant,
    pool: &rayon::ThreadPool,
) -> LnsStats {
    let p = st.p;
    let m = p.hubs.len();
    let mut tabu = vec![false; m];
    let mut target = lp.target_units;
    let mut improved = 0usize;
    let mut round = 0u64;
    let mut solved = 0usize;
    let mut level_improved = false;
    while Instant::now() < deadline && round < lp.max_rounds {
        round += 1;
        let mut rng = ChaCha8Rng::seed_from_u64(mix(lp.seed, round));
        let mut taken = vec![false; m];
        let mut free: Vec<usize> = (0..m).filter(|&h| st.is_open(h) && !tabu[h]).collect();
        if free.is_empty() {
            tabu.iter_mut().for_each(|t| *t = false);
            if level_improved && target > lp.target_units {
                // A larger neighbourhood paid off: the small ones may pay again
                // (variable neighbourhood descent).
                target = lp.target_units;
                level_improved = false;
                continue;
            }
            if target >= lp.max_units.min(p.units.len()) {
                // Every neighbourhood size has been tried on every hub.
                break;
            }
            target = (target * 2).min(lp.max_units);
            level_improved = false;
            continue;
        }
        let mut hoods = Vec::new();
        while hoods.len() < lp.neighbourhoods_per_round && !free.is_empty() {
            let i = rng.random_range(0..free.len());
            let seed = free.swap_remove(i);
            if taken[seed] {
                continue;
            }
            if let Some(h) = build_hood(st, cand, seed, target, &mut taken, lp) {
                hoods.push((seed, h));
            }
            free.retain(|&h| !taken[h]);
        }
        let remaining = deadline
            .saturating_duration_since(Instant::now())
            .as_secs_f64();
        if remaining <= 0.05 {
            break;
        }
        // The sub-MIPs of a round share the pool's threads: cap each so that the
        // whole round ends by the deadline even when they run one after another.
        let waves = hoods
            .len()
            .div_ceil(pool.current_num_threads().max(1))
            .max(1);
        let opts = MipOptions {
            time_limit: lp.sub_time_limit.min(remaining / waves as f64),
            rel_gap: lp.sub_gap,
            seed: lp.seed,
            node_limit: Some(lp.node_limit),
            relax: false,
            watch: lp.watch.clone(),
        };
        solved += hoods.len();
        let results: Vec<Option<(f64, Vec<u32>)>> = pool.install(|| {
            hoods
                .par_iter()
                .map(|(_, h)| {
                    // A failed sub-MIP only means no improvement from this neighbourhood.
                    let r = solve_sub(p, &h.sub, Some(&h.start), &opts).ok()?;
                    match r.status {
                        MipStatus::Optimal | MipStatus::Feasible => Some((r.objective, r.assign?)),
                        _ => None,
                    }
                })
                .collect()
        });
        for ((seed, h), r) in hoods.iter().zip(results) {
            // HiGHS's objective carries its feasibility tolerance: it only nominates a
            // plan, judged below on the exact cost the state recomputes.
            let nominated = r.as_ref().is_some_and(|(obj, _)| improves(*obj, h.cost));
            let make_tabu = |tabu: &mut [bool]| {
                for &o in &h.open {
                    tabu[o] = true;
                }
                tabu[*seed] = true;
            };
            if !nominated {
                make_tabu(&mut tabu);
                continue;
            }
            let (_, assign) = r.expect("checked");
            let snapshot_cost = st.cost;
            let old: Vec<u32> = h.units.iter().map(|&v| st.assign[v]).collect();
            for &v in &h.units {
                st.take(v);
            }
            let mut ok = true;
            for (&v, &g) in h.units.iter().zip(&assign) {
                match p.cost(v, g as usize) {
                    Some(c) => st.put(v, g as usize, c),
                    None => ok = false,
                }
            }
            ok &= st.count_ok();
            if !ok || !improves(st.cost, snapshot_cost) {
                // Not better after all: undone, and the neighbourhood is tabu as if
                // HiGHS had found nothing.
                make_tabu(&mut tabu);
                for &v in &h.units {
                    if st.assign[v] != NONE {
                        st.take(v);
                    }
                }
                for (&v, &g) in h.units.iter().zip(&old) {
                    let c = p.cost(v, g as usize).expect("was assigned");
                    st.put(v, g as usize, c);
                }
                continue;
            }
            improved += 1;
            level_improved = true;
            // New hubs start fresh; hubs that closed lose their tabu mark.
            for &v in &h.units {
                tabu[st.assign[v] as usize] = false;
            }
        }
        st.recompute_cost();
    }
    LnsStats {
        rounds: round,
        solved,
        improved,
        final_target: target,
    }
}
