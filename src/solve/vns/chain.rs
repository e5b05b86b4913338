//! One VNS chain: first-improvement descent over the open hubs, shakes of `k` random
//! moves from the best plan (`k` grows while shakes fail and returns to 1 after an
//! improvement; a shake that ends as good as the best moves the search there: integer
//! costs make plateaus common), the local descent after a shake, and the exact GAP
//! step on the best plan at the end.

use super::moves::{change_hubs, Scratch};
use super::{VnsParams, VnsStats};
use crate::solve::alloc::gap_step;
use crate::solve::alternatives::alternatives;
use crate::solve::cand::Candidates;
use crate::solve::schedule::VNS_GAP_FLOOR;
use crate::solve::state::{improves, State, NONE};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::time::{Duration, Instant};

pub(super) fn open_hubs(st: &State) -> Vec<usize> {
    (0..st.p.hubs.len()).filter(|&h| st.is_open(h)).collect()
}

/// Is `a` better than `b` by more than rounding noise?
pub(super) fn better(a: &State, b: &State) -> bool {
    improves(a.cost, b.cost)
}

struct Search<'c> {
    cand: &'c Candidates,
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
        let ok = change_hubs(cur, self.cand, g, h, &mut self.scratch);
        if ok && improves(cur.cost, mark.0) {
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
            for &u in &self.cand.inverse()[h] {
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
            if !change_hubs(&mut ns, self.cand, Some(g), Some(h), &mut self.scratch) {
                return None;
            }
            made += 1;
        }
        (made > 0).then_some(ns)
    }
}

/// Runs the VNS from `st` until the deadline or the work limit; `st` ends as the best
/// plan found (never worse than the start).
pub fn vns(st: &mut State, cand: &Candidates, vp: &VnsParams, deadline: Instant) -> VnsStats {
    let t0 = Instant::now();
    let mut rng = ChaCha8Rng::seed_from_u64(vp.seed ^ 0x0F1E_5A11);
    let mut s = Search {
        cand,
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
    let until = deadline.max(Instant::now() + Duration::from_secs_f64(VNS_GAP_FLOOR));
    if let Some(ns) = gap_step(&best, cand, 4, until, &vp.watch, vp.seed) {
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
