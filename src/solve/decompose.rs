//! Splits a problem into independent parts when no arc (and no own-unit link) joins
//! them and the hub count is free: e.g. a ward plan with `within_area`, where each area
//! is its own facility-location problem. Each part is solved on its own (side by side,
//! one solver thread each); objectives and lower bounds add up, so the combined bound
//! stays valid.

use super::bound::{Bound, BoundSource};
use super::guard::Watch;
use super::pipeline::{finish, solve_one};
use super::problem::{Arcs, HubCount, Problem, Solution};
use super::queue::run_queue;
use super::{Mode, SolveError, SolveParams, SolveReport, Stop};
use std::time::{Duration, Instant};

/// One part: its unit ids and hub ids in the whole problem.
pub type Part = (Vec<usize>, Vec<usize>);

/// The parts as (unit ids, hub ids), or `None` when the problem is one piece or its
/// parts are coupled by the hub count.
pub fn components(p: &Problem) -> Option<Vec<Part>> {
    if p.hub_count != HubCount::Free {
        return None;
    }
    let Arcs::Sparse { per_unit } = &p.arcs else {
        return None;
    };
    let n = p.units.len();
    let m = p.hubs.len();
    let mut parent: Vec<usize> = (0..n + m).collect();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    let mut union = |a: usize, b: usize| {
        let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
        if ra != rb {
            parent[ra.max(rb)] = ra.min(rb);
        }
    };
    for (u, l) in per_unit.iter().enumerate() {
        for &(h, _) in l {
            union(u, n + h as usize);
        }
    }
    for (h, hub) in p.hubs.iter().enumerate() {
        if let Some(o) = hub.own_unit {
            union(o, n + h);
        }
    }
    let mut index = vec![usize::MAX; n + m];
    let mut parts: Vec<(Vec<usize>, Vec<usize>)> = Vec::new();
    for u in 0..n {
        let r = find(&mut parent, u);
        if index[r] == usize::MAX {
            index[r] = parts.len();
            parts.push((Vec::new(), Vec::new()));
        }
        parts[index[r]].0.push(u);
    }
    for h in 0..m {
        let r = find(&mut parent, n + h);
        if index[r] != usize::MAX {
            parts[index[r]].1.push(h);
        }
    }
    (parts.len() > 1).then_some(parts)
}

/// The sub-problem of one part, with units and hubs renumbered in the given order.
pub fn restrict(p: &Problem, units: &[usize], hubs: &[usize], part: usize) -> Problem {
    let Arcs::Sparse { per_unit } = &p.arcs else {
        unreachable!("components() only splits sparse arcs")
    };
    let mut hub_local = vec![u32::MAX; p.hubs.len()];
    for (j, &h) in hubs.iter().enumerate() {
        hub_local[h] = j as u32;
    }
    let mut unit_local = vec![usize::MAX; p.units.len()];
    for (i, &u) in units.iter().enumerate() {
        unit_local[u] = i;
    }
    let arcs = units
        .iter()
        .map(|&u| {
            per_unit[u]
                .iter()
                .map(|&(h, c)| (hub_local[h as usize], c))
                .collect()
        })
        .collect();
    let hub_list = hubs
        .iter()
        .map(|&h| {
            let mut hub = p.hubs[h].clone();
            hub.own_unit = hub.own_unit.map(|o| unit_local[o]);
            hub
        })
        .collect();
    Problem {
        name: format!("{} part {}", p.name, part + 1),
        dim_names: p.dim_names.clone(),
        units: units.iter().map(|&u| p.units[u].clone()).collect(),
        hubs: hub_list,
        arcs: Arcs::Sparse { per_unit: arcs },
        hub_count: HubCount::Free,
        hub_serves_own_unit: p.hub_serves_own_unit,
    }
}

/// Solves independent parts side by side, largest first, and joins the plans; bounds
/// add up. A part that starts gets the threads' remaining time, less what running
/// parts still hold, in proportion to its weight (its arcs) among the parts not yet
/// started; every part ends by the overall deadline. A work budget is split in
/// proportion to the weights up front (so that the split does not depend on timing).
pub fn solve_parts(
    problem: &Problem,
    stop: Stop,
    params: &SolveParams,
    parts: Vec<Part>,
    t0: Instant,
    watch: &Watch,
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
    let threads = params.threads.max(1).min(parts.len());
    if let Some(f) = &params.progress {
        f(&format!(
            "{}: {} independent parts, {} at a time",
            problem.name,
            parts.len(),
            threads
        ));
    }
    let deadline = stop.time_limit.map(|t| t0 + t);
    let mut order: Vec<usize> = (0..parts.len()).collect();
    order.sort_by_key(|&k| (std::cmp::Reverse(weight(&parts[k].0)), k));
    let total_weight: usize = order.iter().map(|&k| weight(&parts[k].0)).sum();
    // Time plan: the threads' remaining seconds, less what running parts still hold,
    // shared among the parts not yet started in proportion to their weight.
    struct Plan {
        unstarted: usize,
        ends: Vec<(usize, Instant)>,
    }
    let plan = std::sync::Mutex::new(Plan {
        unstarted: total_weight,
        ends: Vec::new(),
    });
    let time_share = |k: usize, w: usize, deadline: Instant| -> Duration {
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
    let run_part = |k: usize| -> Result<SolveReport, SolveError> {
        let (units, hubs) = &parts[k];
        let w = weight(units);
        let part_stop = Stop {
            time_limit: deadline.map(|d| time_share(k, w, d)),
            work: stop
                .work
                .map(|s| (s as u128 * w as u128 / total_weight.max(1) as u128) as u64),
        };
        let sub = restrict(problem, units, hubs, k);
        let prm = SolveParams {
            threads: if threads > 1 { 1 } else { params.threads },
            ..params.clone()
        };
        let rep = solve_one(&sub, part_stop, &prm, Instant::now(), watch);
        plan.lock()
            .unwrap_or_else(|e| e.into_inner())
            .ends
            .retain(|&(j, _)| j != k);
        rep
    };
    // Plain OS threads (see `queue`), largest part first.
    let mut reports = run_queue(&order, threads, |&k| (k, run_part(k)));
    reports.sort_by_key(|r| r.0);
    let mut assign = vec![0u32; problem.units.len()];
    let mut bound = 0.0;
    let mut modes = Vec::new();
    let mut sources = Vec::new();
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
        BoundSource::SumOfParts
    };
    let bound = Bound::new(bound, source);
    finish(problem, params, Solution { assign }, bound, mode, t0)
}
