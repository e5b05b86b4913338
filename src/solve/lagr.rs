//! Lagrangian lower bound: the assignment rows are dualised (multipliers λ), so each hub
//! solves a 0-1 knapsack over the units whose cost is below their multiplier
//! (ALGORITHMS.md §1). The bound is valid for the FULL problem because (a) each hub's
//! item list holds every unit within radius R of it and λ is clamped to R, so no
//! omitted unit could enter a knapsack; (b) each knapsack is solved exactly by dynamic
//! programming, or replaced by its LP relaxation (a larger profit, so a smaller bound)
//! when the weights are not integers or the table would be too large; (c) only one load
//! dimension is kept and minimum loads and the own-unit rule are dropped, which only
//! relaxes the problem further. Multipliers follow subgradient steps with Polyak size.

use super::problem::{Arcs, HubCount, Problem};
use rayon::prelude::*;
use rstar::{primitives::GeomWithData, RTree};
use std::time::Instant;

/// Largest DP table (items × capacity) solved exactly; larger knapsacks use their LP.
const DP_CELLS: usize = 400_000;
/// Cap on the stored (hub, unit) items; the radius shrinks until the lists fit.
const MAX_ITEMS: usize = 60_000_000;

/// What a Lagrangian run found.
pub struct LagrOutcome {
    /// The best bound (rounded up for integer costs).
    pub bound: f64,
    /// Subgradient iterations made.
    pub iterations: u64,
    /// True when every knapsack of the best iteration was solved exactly.
    pub exact_knapsacks: bool,
    /// True when the subgradient method stopped by itself (step size exhausted, bound
    /// met the incumbent, zero subgradient), not at the deadline.
    pub converged: bool,
    /// The hubs the relaxation opened (fully) at its best iteration: a start for the
    /// Lagrangian heuristic (ALGORITHMS.md §2).
    pub hubs: Vec<usize>,
    /// The units each of those hubs took in its knapsack (fully) at that iteration:
    /// within the hub's capacity in the kept dimension, a near-feasible allocation.
    pub takes: Vec<Vec<u32>>,
    /// The multipliers of the best iteration: a warm start for a later run.
    pub lambda: Vec<f64>,
}

/// Items of hub j: (unit, cost), every allowed unit with cost below `radius`.
fn hub_items(p: &Problem, radius: f64) -> Vec<Vec<(u32, f64)>> {
    let n = p.units.len();
    let m = p.hubs.len();
    match &p.arcs {
        Arcs::Euclidean { truncate, max_dist } => {
            let tree: RTree<GeomWithData<[f64; 2], u32>> = RTree::bulk_load(
                p.units
                    .iter()
                    .enumerate()
                    .map(|(u, x)| GeomWithData::new(x.xy.expect("validated"), u as u32))
                    .collect(),
            );
            let r = max_dist.map_or(radius, |md| md.min(radius));
            (0..m)
                .into_par_iter()
                .map(|h| {
                    let b = p.hubs[h].xy.expect("validated");
                    let mut v: Vec<(u32, f64)> = tree
                        .locate_within_distance(b, r * r)
                        .map(|up| {
                            let a = up.geom();
                            let d = ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt();
                            (up.data, if *truncate { d.floor() } else { d })
                        })
                        .filter(|&(_, c)| max_dist.is_none_or(|md| c <= md))
                        .collect();
                    v.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
                    v
                })
                .collect()
        }
        Arcs::Dense { costs } => (0..m)
            .map(|h| {
                (0..n)
                    .map(|u| (u as u32, costs[h * n + u]))
                    .filter(|x| x.1 < radius)
                    .collect()
            })
            .collect(),
        Arcs::Sparse { per_unit } => {
            let mut out = vec![Vec::new(); m];
            for (u, l) in per_unit.iter().enumerate() {
                for &(h, c) in l {
                    if c < radius {
                        out[h as usize].push((u as u32, c));
                    }
                }
            }
            out
        }
    }
}

struct Knap {
    value: f64,
    /// (unit, fraction taken)
    take: Vec<(u32, f64)>,
    exact: bool,
}

fn knapsack(
    items: &[(u32, f64)],
    lambda: &[f64],
    w: &[f64],
    cap: f64,
    integral: bool,
    fixed: f64,
) -> Knap {
    let mut cand: Vec<(u32, f64, f64)> = items
        .iter()
        .filter_map(|&(u, c)| {
            let r = c - lambda[u as usize];
            (r < 0.0).then_some((u, -r, w[u as usize]))
        })
        .collect();
    let total_w: f64 = cand.iter().map(|x| x.2).sum();
    if !cap.is_finite() || total_w <= cap + 1e-9 {
        let profit: f64 = cand.iter().map(|x| x.1).sum();
        return Knap {
            value: fixed - profit,
            take: cand.iter().map(|x| (x.0, 1.0)).collect(),
            exact: true,
        };
    }
    let capi = cap.floor().max(0.0) as usize;
    if integral && cand.len() * (capi + 1) <= DP_CELLS {
        // 0-1 knapsack DP with a choice table for reconstruction.
        let k = cand.len();
        let mut best = vec![0.0f64; capi + 1];
        let mut choose = vec![false; k * (capi + 1)];
        for (i, &(_, prof, wt)) in cand.iter().enumerate() {
            let wt = wt as usize;
            if wt > capi {
                continue;
            }
            for c in (wt..=capi).rev() {
                let v = best[c - wt] + prof;
                if v > best[c] {
                    best[c] = v;
                    choose[i * (capi + 1) + c] = true;
                }
            }
        }
        let mut c = capi;
        let mut take = Vec::new();
        for i in (0..k).rev() {
            if choose[i * (capi + 1) + c] {
                take.push((cand[i].0, 1.0));
                c -= cand[i].2 as usize;
            }
        }
        return Knap {
            value: fixed - best[capi],
            take,
            exact: true,
        };
    }
    cand.sort_by(|a, b| (b.1 * a.2).total_cmp(&(a.1 * b.2)).then(a.0.cmp(&b.0)));
    // Exact by branch and bound when it finishes within its node budget.
    let mut bb = Bb {
        c: &cand,
        best: 0.0,
        best_set: vec![false; cand.len()],
        cur: vec![false; cand.len()],
        nodes: 0,
    };
    if bb.go(0, cap, 0.0) {
        let take = (0..cand.len())
            .filter(|&i| bb.best_set[i])
            .map(|i| (cand[i].0, 1.0))
            .collect();
        return Knap {
            value: fixed - bb.best,
            take,
            exact: true,
        };
    }
    // LP relaxation: by profit per weight, the last item fractional.
    let mut room = cap;
    let mut profit = 0.0;
    let mut take = Vec::new();
    for &(u, prof, wt) in &cand {
        if wt <= room {
            room -= wt;
            profit += prof;
            take.push((u, 1.0));
        } else {
            if wt > 0.0 && room > 0.0 {
                let f = room / wt;
                profit += prof * f;
                take.push((u, f));
            }
            break;
        }
    }
    Knap {
        value: fixed - profit,
        take,
        exact: false,
    }
}

/// Nodes a branch-and-bound knapsack may use before it gives way to the LP.
const BB_NODES: usize = 20_000;

/// Depth-first 0-1 knapsack over items (unit, profit, weight) sorted by profit per
/// weight, pruned by the Dantzig (LP) bound.
struct Bb<'a> {
    c: &'a [(u32, f64, f64)],
    best: f64,
    best_set: Vec<bool>,
    cur: Vec<bool>,
    nodes: usize,
}

impl Bb<'_> {
    /// Explores from item `i`; false when the node budget ran out (result not exact).
    fn go(&mut self, i: usize, room: f64, profit: f64) -> bool {
        self.nodes += 1;
        if self.nodes > BB_NODES {
            return false;
        }
        if profit > self.best {
            self.best = profit;
            self.best_set.clone_from(&self.cur);
        }
        if i == self.c.len() {
            return true;
        }
        let mut ub = profit;
        let mut r = room;
        for &(_, pr, wt) in &self.c[i..] {
            if wt <= r {
                r -= wt;
                ub += pr;
            } else {
                if wt > 0.0 {
                    ub += pr * r / wt;
                }
                break;
            }
        }
        if ub <= self.best {
            return true;
        }
        let (_, pr, wt) = self.c[i];
        if wt <= room {
            self.cur[i] = true;
            let ok = self.go(i + 1, room - wt, profit + pr);
            self.cur[i] = false;
            if !ok {
                return false;
            }
        }
        self.go(i + 1, room, profit)
    }
}

/// Chooses hubs (with fractions) for the relaxed count rule. With a free or ranged
/// count, the valid cover row Σ Q_j y_j ≥ Σ w_i is kept in its LP form: after the hubs
/// with negative value, the cheapest value per capacity are added (the last one
/// fractionally) until the load is covered. Keeping a valid row only raises the bound.
fn pick_hubs(v: &[f64], count: HubCount, caps: &[f64], demand: f64) -> Vec<(usize, f64)> {
    let mut order: Vec<usize> = (0..v.len()).collect();
    order.sort_by(|&a, &b| v[a].total_cmp(&v[b]).then(a.cmp(&b)));
    let (lo, hi) = match count {
        HubCount::Free => (0, v.len()),
        HubCount::Exact(k) => (k, k),
        HubCount::Range(lo, hi) => (lo, hi),
    };
    let mut out = Vec::new();
    let mut covered = 0.0;
    for (i, &j) in order.iter().enumerate() {
        if i < lo || (i < hi && v[j] < 0.0) {
            out.push((j, 1.0));
            covered += caps[j];
        } else {
            break;
        }
    }
    if matches!(count, HubCount::Exact(_)) || covered >= demand || !demand.is_finite() {
        return out;
    }
    let mut slots = hi.saturating_sub(out.len()) as f64;
    let mut rest: Vec<usize> = order[out.len()..]
        .iter()
        .copied()
        .filter(|&j| caps[j] > 0.0 && caps[j].is_finite())
        .collect();
    rest.sort_by(|&a, &b| {
        (v[a] / caps[a])
            .total_cmp(&(v[b] / caps[b]))
            .then(a.cmp(&b))
    });
    for j in rest {
        if covered >= demand || slots <= 0.0 {
            break;
        }
        let f = ((demand - covered) / caps[j]).min(1.0).min(slots);
        out.push((j, f));
        covered += f * caps[j];
        slots -= f;
    }
    out
}

/// How long a Lagrangian run may go, and from where it starts.
#[derive(Debug, Clone, Copy)]
pub struct LagrRun<'a> {
    /// The first λ instead of the incumbent's costs: an earlier run's best
    /// multipliers, clamped to this run's radius, so that the bound starts where that
    /// run ended.
    pub warm: Option<&'a [f64]>,
    /// Wall-clock end.
    pub deadline: Instant,
    /// Most subgradient iterations (the work limit).
    pub max_iterations: u64,
    /// Every objective value is an integer, so the bound may be rounded up.
    pub integral_costs: bool,
}

/// Runs the subgradient method until it converges, the deadline or the iteration limit.
/// `ub` is the incumbent objective and `start` the incumbent's assignment costs (a good
/// first λ, and the scale of the item radius).
pub fn lagrangian_bound(
    p: &Problem,
    ub: f64,
    start: &[f64],
    run: &LagrRun,
    pool: &rayon::ThreadPool,
) -> LagrOutcome {
    let LagrRun {
        warm,
        deadline,
        max_iterations,
        integral_costs,
    } = *run;
    let n = p.units.len();
    let dims = p.dims();
    // The tightest dimension is kept; the others are relaxed away.
    let mut dim = None;
    let mut tight = -1.0;
    for d in 0..dims {
        let total = p.total_load(d);
        let caps = p.finite_capacities(d);
        if caps.len() == p.hubs.len() && !caps.is_empty() {
            let avg = caps.iter().sum::<f64>() / caps.len() as f64;
            if total / avg > tight {
                tight = total / avg;
                dim = Some(d);
            }
        }
    }
    let w: Vec<f64> = p
        .units
        .iter()
        .map(|u| dim.map_or(0.0, |d| u.load[d]))
        .collect();
    let caps: Vec<f64> = p
        .hubs
        .iter()
        .map(|h| dim.map_or(f64::INFINITY, |d| h.capacity[d]))
        .collect();
    let integral = w.iter().all(|x| x.fract() == 0.0 && *x >= 0.0);
    let demand: f64 = if dim.is_some() {
        w.iter().sum()
    } else {
        f64::INFINITY
    };
    // Radius: generous around the incumbent's costs, shrunk until the lists fit.
    let mut sorted: Vec<f64> = start.to_vec();
    sorted.sort_by(|a, b| a.total_cmp(b));
    let q = sorted
        .get(((n as f64) * 0.995) as usize)
        .copied()
        .or(sorted.last().copied())
        .unwrap_or(0.0);
    let mut radius = match p.arcs {
        Arcs::Euclidean { .. } => (2.0 * q).max(1e-9),
        _ => f64::INFINITY,
    };
    let items = pool.install(|| loop {
        let it = hub_items(p, radius);
        let total: usize = it.iter().map(|l| l.len()).sum();
        if total <= MAX_ITEMS || !radius.is_finite() {
            break it;
        }
        radius *= 0.7;
    });
    // With floored costs an omitted unit (distance > radius) costs at least
    // floor(radius); λ may not exceed that, or it could have entered a knapsack.
    let clamp = match p.arcs {
        Arcs::Euclidean { truncate: true, .. } => radius.floor(),
        _ => radius,
    };
    let all_units: Vec<usize> = (0..n).collect();
    let all_hubs: Vec<usize> = (0..p.hubs.len()).collect();
    let min_open = super::mip::min_open_hubs(p, &all_units, &all_hubs);
    let counted = match p.hub_count {
        HubCount::Free if min_open > 0 => Some(HubCount::Range(min_open, p.hubs.len())),
        HubCount::Range(lo, hi) if min_open > lo => Some(HubCount::Range(min_open.min(hi), hi)),
        _ => None,
    };
    let mut lambda: Vec<f64> = warm
        .unwrap_or(start)
        .iter()
        .map(|&c| c.min(clamp))
        .collect();
    let mut best_lambda = lambda.clone();
    let mut best = f64::NEG_INFINITY;
    let mut best_exact = true;
    let mut best_hubs = Vec::new();
    let mut best_takes: Vec<Vec<u32>> = Vec::new();
    let mut theta = 1.0;
    let mut stall = 0;
    let mut iterations = 0;
    let mut converged = false;
    loop {
        if theta <= 1e-4 {
            converged = true;
            break;
        }
        if Instant::now() >= deadline || iterations >= max_iterations {
            break;
        }
        iterations += 1;
        let ks: Vec<Knap> = pool.install(|| {
            (0..p.hubs.len())
                .into_par_iter()
                .map(|j| {
                    knapsack(
                        &items[j],
                        &lambda,
                        &w,
                        caps[j],
                        integral,
                        p.hubs[j].fixed_cost,
                    )
                })
                .collect()
        });
        let v: Vec<f64> = ks.iter().map(|k| k.value).collect();
        let lsum: f64 = lambda.iter().sum();
        let value = |c: &[(usize, f64)]| lsum + c.iter().map(|&(j, y)| y * v[j]).sum::<f64>();
        let chosen = pick_hubs(&v, p.hub_count, &caps, demand);
        let l = value(&chosen);
        // Each relaxation of the hub rows gives a valid bound; report the better one: the
        // LP cover row above, or the rounded hub count ⌈Σ load / max Q⌉ (integral). The
        // multipliers follow the better one; the hubs handed to the heuristics always
        // the first (taking them from the second made the Lagrangian start much worse
        // on Holmberg p31/p32).
        let mut lb = l;
        let mut lb_exact = chosen.iter().all(|&(j, _)| ks[j].exact);
        let mut step = None;
        if let Some(count) = counted {
            let c = pick_hubs(&v, count, &caps, f64::NEG_INFINITY);
            let lc = value(&c);
            if lc > lb {
                lb = lc;
                lb_exact = c.iter().all(|&(j, _)| ks[j].exact);
                step = Some(c);
            }
        }
        if !best.is_finite() || lb > best + 1e-9 * best.abs().max(1.0) {
            best = lb;
            best_lambda.clone_from(&lambda);
            best_exact = lb_exact;
            best_hubs = chosen
                .iter()
                .filter(|&&(_, y)| y >= 1.0)
                .map(|&(j, _)| j)
                .collect();
            best_takes = best_hubs
                .iter()
                .map(|&j| {
                    ks[j]
                        .take
                        .iter()
                        .filter(|&&(_, f)| f >= 1.0)
                        .map(|&(u, _)| u)
                        .collect()
                })
                .collect();
            stall = 0;
        } else {
            stall += 1;
            if stall >= 20 {
                theta *= 0.5;
                stall = 0;
            }
        }
        if (ub - best) <= 1e-6 * ub.abs().max(1.0) {
            converged = true;
            break;
        }
        let mut g = vec![1.0; n];
        for &(j, y) in step.as_deref().unwrap_or(&chosen) {
            for &(u, f) in &ks[j].take {
                g[u as usize] -= y * f;
            }
        }
        let norm: f64 = g.iter().map(|x| x * x).sum();
        if norm <= 1e-12 {
            converged = true;
            break;
        }
        let t = theta * (ub - lb).max(1e-9 * ub.abs().max(1.0)) / norm;
        for (li, gi) in lambda.iter_mut().zip(&g) {
            *li = (*li + t * gi).min(clamp);
        }
    }
    if integral_costs && best.is_finite() {
        // Every objective value is an integer, so the bound may be rounded up.
        best = (best - 1e-6).ceil();
    }
    LagrOutcome {
        bound: best,
        iterations,
        exact_knapsacks: best_exact,
        converged,
        hubs: best_hubs,
        takes: best_takes,
        lambda: best_lambda,
    }
}
