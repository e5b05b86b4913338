//! Variable neighbourhood search over the set of open hubs (after Fleszar & Hindi 2008,
//! ALGORITHMS.md §2), with no MIP in the loop: tens of thousands of hub changes are
//! judged per second, and a change costs in proportion to the hubs it touches, not to
//! the size of the problem (moves are made in place and undone from the state's
//! journal; the settle and the descent after a shake look only around the change).
//!
//! A move closes one open hub and opens one of the closed hubs that would serve its
//! cluster best (or, when the hub count may change, only closes or only opens). It is
//! judged incrementally: every other unit stays where it is, the closed hub's members
//! are reassigned greedily (regret order), overloads are repaired, and the allocation is
//! settled by shift and swap descents. (Rebuilding the whole allocation greedily for
//! each hub set was tried first: it misjudges hub sets by over 1 % on Osman–Christofides
//! instances, e.g. the optimal hubs of pmedcap1_11 at 1019 against 1006, and the search
//! stalled 0.2 % above the optima.) The descent takes the first improving move; a shake
//! makes `k` random moves from the best plan; `k` grows while shakes fail and returns to
//! 1 after an improvement; a shake that ends as good as the best moves the search there
//! (integer costs make plateaus common).

use super::alloc::gap_step;
use super::cand::Candidates;
use super::construct::{assign_units, inverse_costs, repair_hubs};
use super::local::{shift_units, swap_units};
use super::state::{State, NONE};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub struct VnsParams {
    pub seed: u64,
    /// Closed alternatives tried per open hub in the descent (the shake draws from
    /// twice as many).
    pub alternatives: usize,
    /// First candidate hubs of each member pooled to find the alternatives.
    pub hub_cands: usize,
    /// Largest shake (hub changes at once).
    pub max_k: usize,
    /// Stop after this many moves judged (a work limit, for reproducible runs).
    pub max_evaluations: u64,
    /// The search ends after `stall_factor · open hubs · alternatives` shakes (at least
    /// 50) in a row without a better plan.
    pub stall_factor: f64,
    /// [`parallel_vns`]: fresh starts a chain makes in a row without beating its best
    /// before it stops.
    pub max_fails: usize,
}

impl VnsParams {
    pub fn new(seed: u64) -> VnsParams {
        VnsParams {
            seed,
            alternatives: 12,
            hub_cands: 6,
            max_k: 5,
            max_evaluations: u64::MAX,
            stall_factor: 0.5,
            max_fails: 10,
        }
    }
}

/// What a VNS run did.
#[derive(Debug, Clone, Copy, Default)]
pub struct VnsStats {
    pub evaluations: u64,
    pub shakes: u64,
    pub improvements: u64,
    /// Seconds into the run when the best plan was found.
    pub last_improvement: f64,
}

/// The unit that opens hub `h`: its own unit under the own-unit rule, else the
/// cheapest unassigned unit that lists it, else the listed unit that loses least by
/// moving there (and leaves a hub that stays open).
fn opener(st: &State, inv: &[Vec<u32>], h: usize) -> Option<usize> {
    let p = st.p;
    if let (true, Some(o)) = (p.hub_serves_own_unit, p.hubs[h].own_unit) {
        return Some(o);
    }
    let cheapest = |free: bool| {
        inv[h]
            .iter()
            .map(|&u| u as usize)
            .filter(|&u| {
                if free {
                    st.assign[u] == NONE
                } else {
                    st.assign[u] != NONE && st.members[st.assign[u] as usize].len() > 1
                }
            })
            .filter_map(|u| {
                let c = p.cost(u, h)?;
                Some((if free { c } else { c - st.acost[u] }, u))
            })
            .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))
            .map(|x| x.1)
    };
    cheapest(true).or_else(|| cheapest(false))
}

/// Reused marks for [`settle`], so that a move costs in proportion to what it touched.
struct Scratch {
    epoch: u32,
    unit_mark: Vec<u32>,
    hub_mark: Vec<u32>,
    /// Hubs in the queue of [`Search::descend_near`].
    queued: Vec<bool>,
}

impl Scratch {
    fn new(n: usize, m: usize) -> Scratch {
        Scratch {
            epoch: 0,
            unit_mark: vec![0; n],
            hub_mark: vec![0; m],
            queued: vec![false; m],
        }
    }

    fn next_epoch(&mut self) -> u32 {
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.unit_mark.fill(0);
            self.hub_mark.fill(0);
            self.epoch = 1;
        }
        self.epoch
    }

    /// The distinct hubs `st` changed since `mark`, in first-touched order.
    fn touched(&mut self, st: &State, mark: (f64, usize)) -> Vec<usize> {
        let e = self.next_epoch();
        let mut hubs = Vec::new();
        for h in st.touched_since(mark) {
            if self.hub_mark[h] != e {
                self.hub_mark[h] = e;
                hubs.push(h);
            }
        }
        hubs
    }
}

/// Shift and swap descents over the units whose moves the changes since `mark` may
/// have altered: the members of every hub that gained or lost a unit, and the units
/// for which such a hub is a cheaper candidate than their own (`listing[h]`: the
/// units that list hub h, with their cost there). The shift and swap passes only
/// move a unit to a hub cheaper than its own (or cheaper than its own plus the fixed
/// cost its leaving saves), so a shift or swap of any other unit involves only
/// untouched hubs or a dearer one, was not improving before and is not now: the result
/// is as locally optimal as full passes would leave it, at a cost that does not grow
/// with the problem (full passes made a move O(n): too slow at n = 3,000). Filtering
/// on the cost, not only on the listing, matters when lists are long (OC n = 100:
/// 80 of 100 hubs per unit, so nearly every unit listed each touched hub).
fn settle(
    st: &mut State,
    cand: &Candidates,
    listing: &[Vec<(u32, f64)>],
    mark: (f64, usize),
    sc: &mut Scratch,
) {
    let p = st.p;
    let mut from = mark;
    let mut dirty: Vec<u32> = Vec::new();
    for _ in 0..100 {
        let hubs = sc.touched(st, from);
        if hubs.is_empty() {
            return;
        }
        from = st.mark();
        let e = sc.next_epoch();
        dirty.clear();
        for &h in &hubs {
            for &u in &st.members[h] {
                if sc.unit_mark[u as usize] != e {
                    sc.unit_mark[u as usize] = e;
                    dirty.push(u);
                }
            }
            for &(u, c) in &listing[h] {
                let ui = u as usize;
                if sc.unit_mark[ui] == e {
                    continue;
                }
                let a = st.assign[ui];
                if a == NONE || c < st.acost[ui] + p.hubs[a as usize].fixed_cost {
                    sc.unit_mark[ui] = e;
                    dirty.push(u);
                }
            }
        }
        dirty.sort_unstable();
        shift_units(st, cand, dirty.iter().map(|&u| u as usize));
        swap_units(st, cand, dirty.iter().map(|&u| u as usize));
    }
}

/// Closes `g` (when given) and opens `h` (when given) in `st` (which must keep a
/// journal), keeping every other unit where it is: g's members are reassigned greedily
/// (regret order), overloads repaired, and the allocation settled by shift and swap
/// descents around the change. False when the result is not a feasible plan (a unit
/// left over, a hub over capacity or under its minimum, a wrong hub count); the caller
/// then rolls `st` back.
fn change_hubs(
    st: &mut State,
    cand: &Candidates,
    inv: &[Vec<u32>],
    listing: &[Vec<(u32, f64)>],
    g: Option<usize>,
    h: Option<usize>,
    sc: &mut Scratch,
) -> bool {
    let p = st.p;
    let start = st.mark();
    let mut free: Vec<usize> = Vec::new();
    if let Some(g) = g {
        free.extend(st.members[g].iter().map(|&v| v as usize));
        for &v in &free {
            st.take(v);
        }
    }
    if let Some(h) = h {
        if st.is_open(h) {
            return false;
        }
        let Some(u) = opener(st, inv, h) else {
            return false;
        };
        let Some(c) = p.cost(u, h) else { return false };
        if st.assign[u] != NONE {
            if st.members[st.assign[u] as usize].len() == 1 {
                return false;
            }
            st.take(u);
        } else {
            free.retain(|&v| v != u);
        }
        st.put(u, h, c);
    }
    assign_units(st, cand, free.clone());
    repair_hubs(st, cand, |st| {
        let mut bad: Vec<usize> = st
            .touched_since(start)
            .filter(|&x| st.is_open(x) && !st.within_capacity(x))
            .collect();
        bad.sort_unstable();
        bad.dedup();
        bad
    });
    if free.iter().any(|&v| st.assign[v] == NONE) || !st.count_ok() {
        return false;
    }
    settle(st, cand, listing, start, sc);
    sc.touched(st, start)
        .into_iter()
        .all(|x| !st.is_open(x) || (st.within_capacity(x) && st.meets_minimum(x)))
}

/// Closed hubs that would serve `g`'s current members best (sum of their costs; its best
/// alternative 1-medians), drawn from the members' first `hub_cands` candidates and
/// not `skipped`; at most `l`, best first. The LNS offers the same hubs to its
/// sub-MIPs.
pub fn alternatives(
    st: &State,
    cand: &Candidates,
    g: usize,
    l: usize,
    hub_cands: usize,
    skipped: impl Fn(usize) -> bool,
) -> Vec<usize> {
    let p = st.p;
    let members = &st.members[g];
    let mut pool: Vec<usize> = members
        .iter()
        .flat_map(|&v| cand.per_unit[v as usize].iter().take(hub_cands))
        .map(|&(h, _)| h as usize)
        .filter(|&h| !st.is_open(h) && !skipped(h))
        .collect();
    pool.sort_unstable();
    pool.dedup();
    let mut scored: Vec<(f64, usize)> = pool
        .into_iter()
        .filter_map(|h| {
            let mut s = 0.0;
            for &v in members {
                s += p.cost(v as usize, h)?;
            }
            Some((s, h))
        })
        .collect();
    scored.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    scored.truncate(l);
    scored.into_iter().map(|x| x.1).collect()
}

fn open_hubs(st: &State) -> Vec<usize> {
    (0..st.p.hubs.len()).filter(|&h| st.is_open(h)).collect()
}

fn better(a: &State, b: &State) -> bool {
    a.cost < b.cost - 1e-9 * b.cost.abs().max(1.0)
}

struct Search<'c> {
    cand: &'c Candidates,
    inv: &'c [Vec<u32>],
    /// `inv` with each unit's cost at the hub.
    listing: &'c [Vec<(u32, f64)>],
    vp: &'c VnsParams,
    deadline: Instant,
    stats: VnsStats,
    scratch: Scratch,
}

impl Search<'_> {
    fn out_of_work(&self) -> bool {
        self.stats.evaluations >= self.vp.max_evaluations || Instant::now() >= self.deadline
    }

    /// Makes the move in `cur` when the result is feasible and better; true if made.
    fn try_move(&mut self, cur: &mut State, g: Option<usize>, h: Option<usize>) -> bool {
        self.stats.evaluations += 1;
        cur.clear_journal();
        let mark = cur.mark();
        let ok = change_hubs(
            cur,
            self.cand,
            self.inv,
            self.listing,
            g,
            h,
            &mut self.scratch,
        );
        if ok && cur.cost < mark.0 - 1e-9 * mark.0.abs().max(1.0) {
            return true;
        }
        cur.rollback(mark);
        false
    }

    /// The first improving move at open hub `g` (closing it, or swapping it for, or
    /// adding, one of its cluster's alternatives), made in `cur`; true if one was.
    fn improve_at(&mut self, cur: &mut State, g: usize) -> bool {
        if cur.count_allows(-1) && self.try_move(cur, Some(g), None) {
            return true;
        }
        let alts = alternatives(
            cur,
            self.cand,
            g,
            self.vp.alternatives,
            self.vp.hub_cands,
            |_| false,
        );
        for h in alts {
            if self.out_of_work() {
                return false;
            }
            if self.try_move(cur, Some(g), Some(h))
                || (cur.count_allows(1) && self.try_move(cur, None, Some(h)))
            {
                return true;
            }
        }
        false
    }

    /// First-improvement descent until a whole pass over the open hubs finds nothing.
    fn descend(&mut self, cur: &mut State, rng: &mut ChaCha8Rng) {
        loop {
            let mut order = open_hubs(cur);
            for i in (1..order.len()).rev() {
                order.swap(i, rng.random_range(0..=i));
            }
            let mut moved = false;
            for g in order {
                if self.out_of_work() {
                    return;
                }
                if cur.is_open(g) && self.improve_at(cur, g) {
                    moved = true;
                }
            }
            if !moved {
                cur.recompute_cost();
                return;
            }
        }
    }

    /// Queues the open hubs near `hubs`: those still open among them, and the hubs of
    /// the units that list one of them as a candidate.
    fn queue_near(&mut self, cur: &State, hubs: &[usize], queue: &mut Vec<usize>) {
        let sc = &mut self.scratch;
        let mut push = |h: usize, queue: &mut Vec<usize>| {
            if cur.is_open(h) && !sc.queued[h] {
                sc.queued[h] = true;
                queue.push(h);
            }
        };
        for &h in hubs {
            push(h, queue);
            for &u in &self.inv[h] {
                let a = cur.assign[u as usize];
                if a != NONE {
                    push(a as usize, queue);
                }
            }
        }
    }

    /// The descent after a shake: only the open hubs near what changed (the hubs the
    /// shake touched, then those each move touches) are examined, so that a shake
    /// costs in proportion to its reach, not to the number of open hubs (a full pass
    /// judges ~6,400 moves at p = 800). Moves elsewhere were not improving before the
    /// shake and their judgement depends on the hubs around them only.
    fn descend_near(&mut self, cur: &mut State, seeds: Vec<usize>, rng: &mut ChaCha8Rng) {
        let mut queue = Vec::new();
        self.queue_near(cur, &seeds, &mut queue);
        for i in (1..queue.len()).rev() {
            queue.swap(i, rng.random_range(0..=i));
        }
        let mut head = 0;
        while head < queue.len() {
            let g = queue[head];
            head += 1;
            self.scratch.queued[g] = false;
            if self.out_of_work() {
                break;
            }
            if cur.is_open(g) && self.improve_at(cur, g) {
                // The journal holds exactly the move just made (try_move clears it).
                let touched: Vec<usize> = cur.touched_all().collect();
                self.queue_near(cur, &touched, &mut queue);
            }
        }
        for &g in &queue[head..] {
            self.scratch.queued[g] = false;
        }
        cur.recompute_cost();
    }

    /// `k` random moves from `best`: open hubs swapped for alternatives of their
    /// clusters. `None` when no move could be made or the plan became infeasible.
    fn shake<'a>(&mut self, best: &State<'a>, k: usize, rng: &mut ChaCha8Rng) -> Option<State<'a>> {
        let mut ns = best.clone();
        ns.start_journal();
        let mut made = 0;
        for _ in 0..4 * k {
            if made >= k {
                break;
            }
            let open = open_hubs(&ns);
            let g = open[rng.random_range(0..open.len())];
            let alts = alternatives(
                &ns,
                self.cand,
                g,
                2 * self.vp.alternatives,
                self.vp.hub_cands,
                |_| false,
            );
            if alts.is_empty() {
                continue;
            }
            let h = alts[rng.random_range(0..alts.len())];
            self.stats.evaluations += 1;
            if !change_hubs(
                &mut ns,
                self.cand,
                self.inv,
                self.listing,
                Some(g),
                Some(h),
                &mut self.scratch,
            ) {
                return None;
            }
            made += 1;
        }
        (made > 0).then_some(ns)
    }
}

/// Runs the VNS from `st` until the deadline or the work limit; `st` ends as the best
/// plan found (never worse than the start).
pub fn vns(
    st: &mut State,
    cand: &Candidates,
    inv: &[Vec<u32>],
    vp: &VnsParams,
    deadline: Instant,
) -> VnsStats {
    vns_listed(st, cand, inv, &inverse_costs(cand, inv.len()), vp, deadline)
}

/// [`vns`] with the costed listing of `inv` given (built once for many runs).
fn vns_listed(
    st: &mut State,
    cand: &Candidates,
    inv: &[Vec<u32>],
    listing: &[Vec<(u32, f64)>],
    vp: &VnsParams,
    deadline: Instant,
) -> VnsStats {
    let t0 = Instant::now();
    let mut rng = ChaCha8Rng::seed_from_u64(vp.seed ^ 0x0F1E_5A11);
    let mut s = Search {
        cand,
        inv,
        listing,
        vp,
        deadline,
        stats: VnsStats::default(),
        scratch: Scratch::new(st.p.units.len(), st.p.hubs.len()),
    };
    let mut best = st.clone();
    best.start_journal();
    s.descend(&mut best, &mut rng);
    let max_k = vp.max_k.min(best.n_open).max(1);
    // Stop once this many shakes in a row found nothing better (the caller may
    // restart from elsewhere, or hand the time to the LNS or the MIP).
    let stall_limit = ((vp.stall_factor * (best.n_open * vp.alternatives) as f64) as u64).max(50);
    let mut stall = 0u64;
    let mut k = 1;
    while !s.out_of_work() && best.n_open > 0 && stall < stall_limit {
        s.stats.shakes += 1;
        stall += 1;
        if let Some(mut cur) = s.shake(&best, k, &mut rng) {
            // The shake's journal holds all of its moves.
            let mut seeds: Vec<usize> = cur.touched_all().collect();
            seeds.sort_unstable();
            seeds.dedup();
            s.descend_near(&mut cur, seeds, &mut rng);
            if better(&cur, &best) {
                best = cur;
                s.stats.improvements += 1;
                s.stats.last_improvement = t0.elapsed().as_secs_f64();
                stall = 0;
                k = 1;
                continue;
            }
            if !better(&best, &cur) {
                // A plan as good: move there (plateaus are common with integer costs).
                best = cur;
            }
        }
        k = if k >= max_k { 1 } else { k + 1 };
    }
    // The best plan's allocation solved exactly, once, even past the deadline (a
    // GAP over the open hubs takes milliseconds on the problems the VNS runs on). A
    // run that stopped on its work limit keeps its distant deadline, so that the MIP
    // ends on its node limit (not the clock) and the result repeats.
    let until = deadline.max(Instant::now() + Duration::from_millis(300));
    if let Some(ns) = gap_step(&best, cand, 4, until, vp.seed) {
        if better(&ns, &best) {
            best = ns;
        }
    }
    best.stop_journal();
    if better(&best, st) {
        *st = best;
    }
    s.stats
}

/// What [`parallel_vns`] did over all chains.
#[derive(Debug, Clone, Copy, Default)]
pub struct ParallelStats {
    pub evaluations: u64,
    pub shakes: u64,
    /// Restarts from fresh plans, over all chains.
    pub restarts: u64,
}

/// Runs one VNS chain per thread of `pool` until the deadline and keeps the best plan
/// (lowest cost, then lowest chain index). Chain i starts from `st` (seed
/// `vp.seed + i`); when it stalls, it starts again on its own from `fresh(key)` (a new
/// plan for a key unique to the chain and attempt), at most `vp.max_fails` times in a
/// row without beating its best. The chains restart independently, so they explore
/// different basins: on Osman–Christofides n = 100 a chain settles in its basin within
/// about 0.1 s (pmedcap1_18 at 1045 is a true 1-swap local optimum, four hubs away
/// from the optimum's), and a new start is the way out. Deterministic for a given
/// seed, thread count and work limit.
pub fn parallel_vns<'a, F>(
    st: &mut State<'a>,
    cand: &Candidates,
    inv: &[Vec<u32>],
    vp: &VnsParams,
    deadline: Instant,
    fresh: F,
    pool: &rayon::ThreadPool,
) -> ParallelStats
where
    F: Fn(u64) -> Option<State<'a>> + Sync,
{
    use rayon::prelude::*;
    let chains = pool.current_num_threads().max(1);
    let start = st.clone();
    // One costed listing for every chain and restart (at 50,000 units it holds
    // millions of entries).
    let listing = inverse_costs(cand, inv.len());
    let listing = &listing;
    let results: Vec<(State, ParallelStats)> = pool.install(|| {
        (0..chains)
            .into_par_iter()
            .map(|i| {
                let mut best = start.clone();
                let v = VnsParams {
                    seed: vp.seed.wrapping_add(i as u64),
                    ..vp.clone()
                };
                let s = vns_listed(&mut best, cand, inv, listing, &v, deadline);
                let mut stats = ParallelStats {
                    evaluations: s.evaluations,
                    shakes: s.shakes,
                    restarts: 0,
                };
                let (mut attempt, mut fails) = (0u64, 0usize);
                while fails < vp.max_fails
                    && stats.evaluations < vp.max_evaluations
                    && Instant::now() < deadline
                {
                    attempt += 1;
                    let key = ((i as u64) << 32) | attempt;
                    let Some(mut ns) = fresh(key) else {
                        fails += 1;
                        continue;
                    };
                    stats.restarts += 1;
                    let v = VnsParams {
                        seed: vp.seed.wrapping_add(key.wrapping_mul(7_919)),
                        max_evaluations: vp.max_evaluations - stats.evaluations,
                        ..vp.clone()
                    };
                    let s = vns_listed(&mut ns, cand, inv, listing, &v, deadline);
                    stats.evaluations += s.evaluations;
                    stats.shakes += s.shakes;
                    if better(&ns, &best) {
                        best = ns;
                        fails = 0;
                    } else {
                        fails += 1;
                    }
                }
                (best, stats)
            })
            .collect()
    });
    let mut total = ParallelStats::default();
    for (s, stats) in results {
        total.evaluations += stats.evaluations;
        total.shakes += stats.shakes;
        total.restarts += stats.restarts;
        if better(&s, st) {
            *st = s;
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::generate::{cpmp, ward_like};
    use crate::solve::construct::{construct, inverse};
    use crate::solve::local::{shift_pass, swap_pass};
    use crate::solve::Problem;

    /// After a hub change, the settle leaves no improving shift or swap anywhere in the
    /// plan: the units it skips (neither members of a touched hub nor listing one as
    /// cheaper than their own hub plus its fixed cost) have none.
    #[test]
    fn settle_leaves_no_improving_shift_or_swap() {
        let problems: Vec<Problem> = (0..4)
            .flat_map(|s| [cpmp(150, 10, 0.85, s), ward_like(200, 2, s)])
            .collect();
        let mut checked = 0;
        for (i, p) in problems.iter().enumerate() {
            let cand = Candidates::build(p, 40);
            let inv = inverse(&cand, p.hubs.len());
            let listing = inverse_costs(&cand, p.hubs.len());
            let mut rng = ChaCha8Rng::seed_from_u64(i as u64);
            let Some(mut st) = construct(p, &cand, &inv, &mut rng) else {
                continue;
            };
            while shift_pass(&mut st, &cand) | swap_pass(&mut st, &cand) {}
            st.start_journal();
            let mut sc = Scratch::new(p.units.len(), p.hubs.len());
            for _ in 0..40 {
                st.clear_journal();
                let mark = st.mark();
                let open = open_hubs(&st);
                let g = open[rng.random_range(0..open.len())];
                let alts = alternatives(&st, &cand, g, 12, 6, |_| false);
                if alts.is_empty() {
                    continue;
                }
                let h = alts[rng.random_range(0..alts.len())];
                if !change_hubs(&mut st, &cand, &inv, &listing, Some(g), Some(h), &mut sc) {
                    st.rollback(mark);
                    continue;
                }
                let mut probe = st.clone();
                probe.stop_journal();
                assert!(
                    !shift_pass(&mut probe, &cand),
                    "{}: a shift was left",
                    p.name
                );
                assert!(!swap_pass(&mut probe, &cand), "{}: a swap was left", p.name);
                checked += 1;
            }
        }
        assert!(checked > 100, "only {checked} changes checked");
    }
}
