//! Construction: seed hubs by D²-sampling (k-means++ on assignment costs, so it works
//! for geometric and for matrix costs), then regret-ordered greedy assignment on the
//! candidate lists, then a capacity repair that shifts units out of overloaded hubs.

use super::cand::Candidates;
use super::problem::{HubCount, Problem};
use super::state::{State, NONE};
use rand::RngExt;
use rand_chacha::ChaCha8Rng;

/// How many hubs to seed: the count when fixed, else enough capacity for the load with
/// some slack.
fn target_hubs(p: &Problem) -> usize {
    let m = p.hubs.len();
    let mut need = 1usize;
    for d in 0..p.dims() {
        let total = p.total_load(d);
        let caps = p.finite_capacities(d);
        if caps.is_empty() || total <= 0.0 {
            continue;
        }
        let avg = caps.iter().sum::<f64>() / caps.len() as f64;
        need = need.max((total * 1.15 / avg).ceil() as usize);
    }
    match p.hub_count {
        HubCount::Exact(k) => k,
        HubCount::Range(lo, hi) => need.clamp(lo, hi),
        HubCount::Free => need.min(m),
    }
}

/// The unit that must seed hub `h` under the own-unit rule, else `u` itself.
fn seed_unit(p: &Problem, h: usize, u: usize) -> usize {
    if p.hub_serves_own_unit {
        if let Some(o) = p.hubs[h].own_unit {
            return o;
        }
    }
    u
}

/// A plan by D²-sampled seed hubs, regret-ordered greedy assignment and capacity repair;
/// `None` when a unit stays unassigned, a hub overloaded or the hub count wrong.
pub fn construct<'a>(p: &'a Problem, cand: &Candidates, rng: &mut ChaCha8Rng) -> Option<State<'a>> {
    let inv = cand.inverse();
    let n = p.units.len();
    let k0 = target_hubs(p).min(n);
    let mut st = State::empty(p);
    // d[u]: cost to the cheapest seeded candidate hub of u.
    let mut dist = vec![f64::INFINITY; n];
    let per_member = (n as f64 / k0.max(1) as f64).max(1.0);
    let mut tries = 0usize;
    while st.n_open < k0 && tries < 20 * k0 + 100 {
        tries += 1;
        let finite_max = dist
            .iter()
            .copied()
            .filter(|d| d.is_finite())
            .fold(0.0, f64::max);
        let inf_w = if finite_max > 0.0 {
            (4.0 * finite_max).powi(2)
        } else {
            1.0
        };
        let w: Vec<f64> = (0..n)
            .map(|u| {
                if st.assign[u] != NONE {
                    0.0
                } else if dist[u].is_finite() {
                    dist[u] * dist[u]
                } else {
                    inf_w
                }
            })
            .collect();
        let total: f64 = w.iter().sum();
        if total <= 0.0 {
            break;
        }
        let mut r = rng.random::<f64>() * total;
        let mut u = n - 1;
        for (i, &wi) in w.iter().enumerate() {
            if r < wi {
                u = i;
                break;
            }
            r -= wi;
        }
        // Cheapest closed hub of u, counting a share of the fixed cost.
        let best = cand.per_unit[u]
            .iter()
            .filter(|&&(h, _)| {
                let h = h as usize;
                let s = seed_unit(p, h, u);
                !st.is_open(h) && st.assign[s] == NONE && p.cost(s, h).is_some() && st.fits(s, h)
            })
            .min_by(|a, b| {
                let ca = a.1 + p.hubs[a.0 as usize].fixed_cost / per_member;
                let cb = b.1 + p.hubs[b.0 as usize].fixed_cost / per_member;
                ca.total_cmp(&cb).then(a.0.cmp(&b.0))
            });
        let Some(&(h, _)) = best else {
            dist[u] = 0.0;
            continue;
        };
        let h = h as usize;
        let s = seed_unit(p, h, u);
        st.put(s, h, p.cost(s, h).expect("checked"));
        for &v in &inv[h] {
            let c = p.cost(v as usize, h).unwrap_or(f64::INFINITY);
            if c < dist[v as usize] {
                dist[v as usize] = c;
            }
        }
    }
    assign_rest(&mut st, cand);
    repair(&mut st, cand);
    if st.assign.contains(&NONE) || overloaded(&st).next().is_some() || !st.count_allows(0) {
        return None;
    }
    Some(st)
}

fn overloaded<'s>(st: &'s State) -> impl Iterator<Item = usize> + 's {
    (0..st.p.hubs.len()).filter(move |&h| st.is_open(h) && !st.within_capacity(h))
}

/// Greedy assignment of the units still unassigned to the open hubs, largest regret
/// first; units with no room anywhere go to their cheapest open hub (overloading it)
/// for the repair to fix.
pub fn assign_rest(st: &mut State, cand: &Candidates) {
    let n = st.p.units.len();
    assign_units(st, cand, (0..n).filter(|&u| st.assign[u] == NONE).collect());
}

/// [`assign_rest`] for the given units (all unassigned).
pub fn assign_units(st: &mut State, cand: &Candidates, units: Vec<usize>) {
    let p = st.p;
    let mut order: Vec<(f64, u32)> = units
        .into_iter()
        .map(|u| {
            let mut it = cand.per_unit[u]
                .iter()
                .filter(|&&(h, _)| st.is_open(h as usize));
            let c1 = it.next().map(|x| x.1);
            let c2 = it.next().map(|x| x.1);
            let regret = match (c1, c2) {
                (Some(a), Some(b)) => b - a,
                _ => f64::INFINITY,
            };
            (regret, u as u32)
        })
        .collect();
    order.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    for &(_, u) in &order {
        let u = u as usize;
        let pick = cand.per_unit[u]
            .iter()
            .find(|&&(h, _)| st.is_open(h as usize) && st.fits(u, h as usize))
            .copied();
        if let Some((h, c)) = pick {
            st.put(u, h as usize, c);
            continue;
        }
        // No candidate with room: any open hub with room, else open a candidate, else
        // overload the cheapest open candidate.
        let open: Vec<usize> = (0..p.hubs.len()).filter(|&h| st.is_open(h)).collect();
        let any = open
            .iter()
            .filter(|&&h| st.fits(u, h))
            .filter_map(|&h| p.cost(u, h).map(|c| (h, c)))
            .min_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((h, c)) = any {
            st.put(u, h, c);
            continue;
        }
        if st.count_allows(1) {
            let fresh = cand.per_unit[u].iter().find(|&&(h, _)| {
                let hub = &p.hubs[h as usize];
                !st.is_open(h as usize)
                    && (!p.hub_serves_own_unit || hub.own_unit.is_none_or(|o| o == u))
            });
            if let Some(&(h, c)) = fresh {
                if st.fits(u, h as usize) {
                    st.put(u, h as usize, c);
                    continue;
                }
            }
        }
        let fallback = cand.per_unit[u]
            .iter()
            .find(|&&(h, _)| st.is_open(h as usize))
            .copied()
            .or_else(|| {
                open.iter()
                    .filter_map(|&h| p.cost(u, h).map(|c| (h as u32, c)))
                    .min_by(|a, b| a.1.total_cmp(&b.1))
            });
        if let Some((h, c)) = fallback {
            st.put(u, h as usize, c);
        }
    }
}

/// Shifts units out of overloaded hubs to open hubs with room, cheapest increase first.
pub fn repair(st: &mut State, cand: &Candidates) {
    repair_hubs(st, cand, |st| overloaded(st).collect());
}

/// [`repair`] with the overloaded hubs found by `overloaded` (e.g. among the hubs a
/// change touched).
pub fn repair_hubs(st: &mut State, cand: &Candidates, overloaded: impl Fn(&State) -> Vec<usize>) {
    let p = st.p;
    for _pass in 0..3 {
        let bad: Vec<usize> = overloaded(st);
        if bad.is_empty() {
            return;
        }
        for h in bad {
            let mut guard = 0;
            while !st.within_capacity(h) && guard < 10_000 {
                guard += 1;
                let mut best: Option<(f64, usize, usize, f64)> = None;
                for &u in &st.members[h] {
                    let u = u as usize;
                    if p.hub_serves_own_unit && p.hubs[h].own_unit == Some(u) {
                        continue;
                    }
                    for &(g, c) in &cand.per_unit[u] {
                        let g = g as usize;
                        if g != h && st.is_open(g) && st.fits(u, g) {
                            let delta = c - st.acost[u];
                            if best.is_none_or(|b| delta < b.0) {
                                best = Some((delta, u, g, c));
                            }
                            break;
                        }
                    }
                }
                let Some((_, u, g, c)) = best else { break };
                st.shift(u, g, c);
            }
        }
    }
}

/// Assigns the units a seeded plan still lacks (regret order) and repairs overloads;
/// `None` when a unit stays unassigned, a hub overloaded or the hub count wrong.
fn complete<'a>(mut st: State<'a>, cand: &Candidates) -> Option<State<'a>> {
    assign_rest(&mut st, cand);
    repair(&mut st, cand);
    if st.assign.contains(&NONE) || overloaded(&st).next().is_some() || !st.count_ok() {
        return None;
    }
    Some(st)
}

/// The allocation half of the location–allocation loop: keeps the open hubs and
/// reassigns every unit from scratch (own units first, regret order), then repairs.
/// Hubs without an own unit keep their cheapest member, so the hub count is preserved.
pub fn reassign<'a>(st: &State<'a>, cand: &Candidates) -> Option<State<'a>> {
    let p = st.p;
    let mut ns = State::empty(p);
    for h in 0..p.hubs.len() {
        if !st.is_open(h) {
            continue;
        }
        let seed = match (p.hub_serves_own_unit, p.hubs[h].own_unit) {
            (true, Some(o)) => o,
            _ => *st.members[h]
                .iter()
                .min_by(|&&a, &&b| {
                    st.acost[a as usize]
                        .total_cmp(&st.acost[b as usize])
                        .then(a.cmp(&b))
                })
                .expect("open hub has members") as usize,
        };
        ns.put(seed, h, p.cost(seed, h)?);
    }
    complete(ns, cand)
}

/// A plan from a Lagrangian relaxation's solution: the `hubs` it opened, each unit
/// that their knapsacks (`takes`, one list per hub) took going to the cheapest hub
/// that took it while it fits (own units first), the rest assigned in regret order
/// and overloads repaired. On tight problems this keeps the relaxation's allocation,
/// where [`from_hubs`] rebuilds it greedily (p3038_800: the greedy plan of the same
/// hubs was 14 % above the best known).
pub fn from_lagrangian<'a>(
    p: &'a Problem,
    cand: &Candidates,
    hubs: &[usize],
    takes: &[Vec<u32>],
) -> Option<State<'a>> {
    let mut st = State::empty(p);
    if p.hub_serves_own_unit {
        for &h in hubs {
            if let Some(o) = p.hubs[h].own_unit {
                if st.assign[o] != NONE {
                    return None;
                }
                st.put(o, h, p.cost(o, h)?);
            }
        }
    }
    let mut offers: Vec<(f64, u32, u32)> = Vec::new();
    for (&h, take) in hubs.iter().zip(takes) {
        for &u in take {
            if let Some(c) = p.cost(u as usize, h) {
                offers.push((c, u, h as u32));
            }
        }
    }
    offers.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    for (c, u, h) in offers {
        let (u, h) = (u as usize, h as usize);
        if st.assign[u] == NONE && st.fits(u, h) {
            st.put(u, h, c);
        }
    }
    // A hub whose knapsack was empty (or lost all to cheaper hubs) gets a seed unit.
    for &h in hubs {
        if !st.is_open(h) {
            let u = (0..p.units.len())
                .filter(|&u| st.assign[u] == NONE)
                .filter_map(|u| p.cost(u, h).map(|c| (c, u)))
                .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))?
                .1;
            st.put(u, h, p.cost(u, h)?);
        }
    }
    complete(st, cand)
}

/// A plan that opens exactly `hubs` (e.g. the hubs of a Lagrangian relaxation): each
/// hub is seeded with its own unit (own-unit rule) or its cheapest unassigned unit, the
/// rest are assigned in regret order and overloads repaired. `None` when that fails.
pub fn from_hubs<'a>(p: &'a Problem, cand: &Candidates, hubs: &[usize]) -> Option<State<'a>> {
    let inv = cand.inverse();
    let mut st = State::empty(p);
    for &h in hubs {
        let seed = match (p.hub_serves_own_unit, p.hubs[h].own_unit) {
            (true, Some(o)) => Some(o).filter(|&o| st.assign[o] == NONE),
            _ => inv[h]
                .iter()
                .map(|&u| u as usize)
                .filter(|&u| st.assign[u] == NONE)
                .filter_map(|u| p.cost(u, h).map(|c| (c, u)))
                .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))
                .map(|x| x.1),
        };
        let u = seed?;
        st.put(u, h, p.cost(u, h)?);
    }
    complete(st, cand)
}
