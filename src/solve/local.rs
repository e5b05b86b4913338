//! Local search on the incremental state, first improvement in a fixed order so that it
//! is deterministic: shift (one unit to another open hub), swap (two units between
//! hubs), hub relocation (a whole cluster to another hub of its members' candidates),
//! close-and-reassign and open (when the hub count may change).

use super::cand::Candidates;
use super::state::{improving, State};
use std::time::Instant;

/// Runs every neighbourhood until none improves or the deadline passes (each pass
/// ends by itself: a work-limited run gives a distant deadline and stays reproducible).
pub fn local_search(st: &mut State, cand: &Candidates, deadline: Instant) {
    loop {
        let before = st.cost;
        let mut any = shift_pass(st, cand);
        if Instant::now() >= deadline {
            break;
        }
        any |= swap_pass(st, cand);
        if Instant::now() >= deadline {
            break;
        }
        any |= relocate_pass(st, cand);
        any |= close_pass(st, cand);
        any |= open_pass(st, cand);
        st.recompute_cost();
        if !any || st.cost >= before || Instant::now() >= deadline {
            break;
        }
    }
}

/// Moves single units to a cheaper open hub with room (first improvement).
pub fn shift_pass(st: &mut State, cand: &Candidates) -> bool {
    shift_units(st, cand, 0..st.p.units.len())
}

/// [`shift_pass`] over the given units only.
pub fn shift_units(
    st: &mut State,
    cand: &Candidates,
    units: impl IntoIterator<Item = usize>,
) -> bool {
    let p = st.p;
    let mut any = false;
    for u in units {
        let g = st.assign[u] as usize;
        if !st.can_release(u, g) {
            continue;
        }
        let closes = st.members[g].len() == 1;
        if closes && !st.count_allows(-1) {
            continue;
        }
        let saved_fixed = if closes { p.hubs[g].fixed_cost } else { 0.0 };
        for &(h, c) in &cand.per_unit[u] {
            let h = h as usize;
            if c - st.acost[u] - saved_fixed >= 0.0 {
                break;
            }
            if h != g
                && st.is_open(h)
                && st.fits(u, h)
                && improving(c - st.acost[u] - saved_fixed, c)
            {
                st.shift(u, h, c);
                any = true;
                break;
            }
        }
    }
    any
}

fn pinned(st: &State, u: usize) -> bool {
    let p = st.p;
    let g = st.assign[u] as usize;
    p.hub_serves_own_unit && p.hubs[g].own_unit == Some(u)
}

/// Swaps pairs of units between hubs when cheaper (first improvement).
pub fn swap_pass(st: &mut State, cand: &Candidates) -> bool {
    swap_units(st, cand, 0..st.p.units.len())
}

/// [`swap_pass`] over the given units only (their partners may be any unit).
pub fn swap_units(
    st: &mut State,
    cand: &Candidates,
    units: impl IntoIterator<Item = usize>,
) -> bool {
    let p = st.p;
    let mut any = false;
    for u in units {
        if pinned(st, u) {
            continue;
        }
        let g = st.assign[u] as usize;
        'hubs: for &(h, cuh) in &cand.per_unit[u] {
            let h = h as usize;
            if cuh >= st.acost[u] {
                break;
            }
            if h == g || !st.is_open(h) {
                continue;
            }
            for i in 0..st.members[h].len() {
                let v = st.members[h][i] as usize;
                if pinned(st, v) {
                    continue;
                }
                let Some(cvg) = p.cost(v, g) else { continue };
                let delta = cuh + cvg - st.acost[u] - st.acost[v];
                if improving(delta, cuh + cvg) && st.fits_swap(h, v, u) && st.fits_swap(g, u, v) {
                    st.take(u);
                    st.take(v);
                    st.put(u, h, cuh);
                    st.put(v, g, cvg);
                    any = true;
                    break 'hubs;
                }
            }
        }
    }
    any
}

/// Moves a whole cluster to another closed hub when cheaper (the median relocation of
/// the CPMP, a facility swap of the SSCFLP).
pub fn relocate_pass(st: &mut State, cand: &Candidates) -> bool {
    let p = st.p;
    let mut any = false;
    for g in 0..p.hubs.len() {
        if !st.is_open(g) {
            continue;
        }
        let members: Vec<usize> = st.members[g].iter().map(|&v| v as usize).collect();
        let old: f64 = members.iter().map(|&v| st.acost[v]).sum::<f64>() + p.hubs[g].fixed_cost;
        let mut targets: Vec<usize> = Vec::new();
        for &v in &members {
            for &(h, _) in cand.per_unit[v].iter().take(4) {
                let h = h as usize;
                if h != g && !st.is_open(h) && !targets.contains(&h) {
                    targets.push(h);
                }
            }
        }
        targets.sort_unstable();
        let mut best: Option<(f64, usize, Vec<f64>)> = None;
        for &h in &targets {
            let hub = &p.hubs[h];
            if !st.can_take_cluster(g, h) {
                continue;
            }
            let mut costs = Vec::with_capacity(members.len());
            let mut total = hub.fixed_cost;
            let mut ok = true;
            for &v in &members {
                match p.cost(v, h) {
                    Some(c) => {
                        total += c;
                        costs.push(c);
                    }
                    None => {
                        ok = false;
                        break;
                    }
                }
                if total >= old {
                    ok = false;
                    break;
                }
            }
            if ok && improving(total - old, old) && best.as_ref().is_none_or(|b| total < b.0) {
                best = Some((total, h, costs));
            }
        }
        if let Some((_, h, costs)) = best {
            for (&v, &c) in members.iter().zip(&costs) {
                st.shift(v, h, c);
            }
            any = true;
        }
    }
    any
}

/// Closes a hub when its units fit elsewhere at less than its fixed cost.
pub fn close_pass(st: &mut State, cand: &Candidates) -> bool {
    let p = st.p;
    if !st.count_allows(-1) {
        return false;
    }
    let mut any = false;
    for g in 0..p.hubs.len() {
        if !st.is_open(g) || p.hubs[g].fixed_cost <= 0.0 || !st.count_allows(-1) {
            continue;
        }
        let snapshot = st.clone();
        let before = st.cost;
        let members: Vec<usize> = st.members[g].iter().map(|&v| v as usize).collect();
        let mut ok = true;
        for &v in &members {
            st.take(v);
            let pick = cand.per_unit[v]
                .iter()
                .find(|&&(h, _)| {
                    h as usize != g && st.is_open(h as usize) && st.fits(v, h as usize)
                })
                .copied();
            match pick {
                Some((h, c)) => st.put(v, h as usize, c),
                None => {
                    ok = false;
                    break;
                }
            }
        }
        let min_ok = ok && (0..p.hubs.len()).all(|h| !st.is_open(h) || st.meets_minimum(h));
        if min_ok && improving(st.cost - before, before) {
            any = true;
        } else {
            *st = snapshot;
        }
    }
    any
}

/// Opens a closed hub and moves to it the units that gain most, when the savings beat
/// its fixed cost.
pub fn open_pass(st: &mut State, cand: &Candidates) -> bool {
    let p = st.p;
    let inv = cand.inverse();
    if !st.count_allows(1) {
        return false;
    }
    let mut any = false;
    for (h, users) in inv.iter().enumerate().take(p.hubs.len()) {
        if st.is_open(h) || users.is_empty() || !st.count_allows(1) {
            continue;
        }
        let hub = &p.hubs[h];
        let mut gains: Vec<(f64, usize, f64)> = users
            .iter()
            .filter_map(|&v| {
                let v = v as usize;
                let c = cand.per_unit[v].iter().find(|x| x.0 as usize == h)?.1;
                (c < st.acost[v]).then_some((c - st.acost[v], v, c))
            })
            .collect();
        if let (true, Some(o)) = (p.hub_serves_own_unit, hub.own_unit) {
            // The own unit goes first, whatever it gains.
            match p.cost(o, h) {
                Some(c) => {
                    gains.retain(|x| x.1 != o);
                    gains.insert(0, (f64::NEG_INFINITY, o, c));
                }
                None => continue,
            }
            gains[1..].sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        } else {
            gains.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        }
        let potential: f64 = gains.iter().filter(|x| x.0.is_finite()).map(|x| x.0).sum();
        if potential + hub.fixed_cost >= 0.0
            && !gains.first().is_some_and(|x| x.0 == f64::NEG_INFINITY)
        {
            continue;
        }
        let snapshot = st.clone();
        let before = st.cost;
        let mut ok = true;
        for &(_, v, c) in &gains {
            let g = st.assign[v] as usize;
            let closes = st.members[g].len() == 1;
            if !st.can_release(v, g) || (closes && !st.count_allows(-1)) || !st.fits(v, h) {
                if st.is_open(h) {
                    continue;
                }
                ok = false;
                break;
            }
            st.shift(v, h, c);
        }
        let valid = ok && st.is_open(h) && st.meets_minimum(h);
        if valid && improving(st.cost - before, before) {
            any = true;
        } else {
            *st = snapshot;
        }
    }
    any
}
