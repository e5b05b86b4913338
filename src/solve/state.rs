//! The incremental search state shared by construction, local search and LNS: the
//! assignment plus per-hub loads, unit counts and member lists, so that a move is
//! evaluated in O(dims) before it is applied.

use super::problem::{HubCount, Problem, Solution};

pub const NONE: u32 = u32::MAX;
const EPS: f64 = 1e-9;

#[derive(Clone)]
pub struct State<'a> {
    pub p: &'a Problem,
    pub assign: Vec<u32>,
    /// Assignment cost of each unit (0 when unassigned).
    pub acost: Vec<f64>,
    pub load: Vec<f64>,
    pub members: Vec<Vec<u32>>,
    pub n_open: usize,
    pub cost: f64,
    dims: usize,
    /// Every `put` and `take` since [`State::start_journal`], so that a trial change can
    /// be undone in proportion to its size ([`State::rollback`]) instead of copying
    /// the whole state.
    journal: Option<Vec<Entry>>,
}

/// One recorded change: `u` was put on (`put`) or taken from hub `h` at cost `c`.
#[derive(Clone, Copy)]
struct Entry {
    u: u32,
    h: u32,
    c: f64,
    put: bool,
}

impl<'a> State<'a> {
    pub fn empty(p: &'a Problem) -> State<'a> {
        let m = p.hubs.len();
        State {
            p,
            assign: vec![NONE; p.units.len()],
            acost: vec![0.0; p.units.len()],
            load: vec![0.0; m * p.dims()],
            members: vec![Vec::new(); m],
            n_open: 0,
            cost: 0.0,
            dims: p.dims(),
            journal: None,
        }
    }

    /// Builds the state of a complete solution (every arc must be allowed).
    pub fn from_solution(p: &'a Problem, s: &Solution) -> State<'a> {
        let mut st = State::empty(p);
        for (u, &h) in s.assign.iter().enumerate() {
            let c = p.cost(u, h as usize).unwrap_or(f64::INFINITY);
            st.put(u, h as usize, c);
        }
        st
    }

    pub fn solution(&self) -> Solution {
        Solution {
            assign: self.assign.clone(),
        }
    }

    pub fn is_open(&self, h: usize) -> bool {
        !self.members[h].is_empty()
    }

    pub fn load(&self, h: usize) -> &[f64] {
        &self.load[h * self.dims..(h + 1) * self.dims]
    }

    /// Is hub `h`'s load within its capacity in every dimension?
    pub fn within_capacity(&self, h: usize) -> bool {
        let hub = &self.p.hubs[h];
        self.load(h)
            .iter()
            .zip(&hub.capacity)
            .all(|(l, c)| *l <= c + EPS * c.abs().max(1.0))
    }

    /// Is hub `h`'s load at or above its minimum in every dimension?
    pub fn meets_minimum(&self, h: usize) -> bool {
        let hub = &self.p.hubs[h];
        self.load(h)
            .iter()
            .zip(&hub.min_load)
            .all(|(l, m)| *l >= m - EPS * m.abs().max(1.0))
    }

    /// Would hub `h` stay within capacity after adding unit `u`?
    pub fn fits(&self, u: usize, h: usize) -> bool {
        let hub = &self.p.hubs[h];
        let l = &self.p.units[u].load;
        (0..self.dims).all(|d| {
            self.load[h * self.dims + d] + l[d]
                <= hub.capacity[d] + EPS * hub.capacity[d].abs().max(1.0)
        })
    }

    /// Would hub `h` stay above its minimum after removing unit `u` (or become empty)?
    pub fn can_release(&self, u: usize, h: usize) -> bool {
        if self.members[h].len() == 1 {
            return true;
        }
        let hub = &self.p.hubs[h];
        let l = &self.p.units[u].load;
        if self.p.hub_serves_own_unit && hub.own_unit == Some(u) {
            return false;
        }
        (0..self.dims).all(|d| {
            self.load[h * self.dims + d] - l[d]
                >= hub.min_load[d] - EPS * hub.min_load[d].abs().max(1.0)
        })
    }

    /// May the open-hub count change by `delta`?
    pub fn count_allows(&self, delta: i64) -> bool {
        let k = self.n_open as i64 + delta;
        match self.p.hub_count {
            HubCount::Free => true,
            HubCount::Exact(p) => k == p as i64 || delta == 0,
            HubCount::Range(lo, hi) => (k >= lo as i64 && k <= hi as i64) || delta == 0,
        }
    }

    /// Does the open-hub count satisfy the problem?
    pub fn count_ok(&self) -> bool {
        let k = self.n_open;
        match self.p.hub_count {
            HubCount::Free => true,
            HubCount::Exact(p) => k == p,
            HubCount::Range(lo, hi) => lo <= k && k <= hi,
        }
    }

    pub fn put(&mut self, u: usize, h: usize, c: f64) {
        debug_assert_eq!(self.assign[u], NONE);
        if self.members[h].is_empty() {
            self.n_open += 1;
            self.cost += self.p.hubs[h].fixed_cost;
        }
        if let Some(j) = &mut self.journal {
            j.push(Entry {
                u: u as u32,
                h: h as u32,
                c,
                put: true,
            });
        }
        self.assign[u] = h as u32;
        self.acost[u] = c;
        self.cost += c;
        self.members[h].push(u as u32);
        for d in 0..self.dims {
            self.load[h * self.dims + d] += self.p.units[u].load[d];
        }
    }

    pub fn take(&mut self, u: usize) -> usize {
        let h = self.assign[u] as usize;
        debug_assert_ne!(self.assign[u], NONE);
        if let Some(j) = &mut self.journal {
            j.push(Entry {
                u: u as u32,
                h: h as u32,
                c: self.acost[u],
                put: false,
            });
        }
        self.assign[u] = NONE;
        self.cost -= self.acost[u];
        self.acost[u] = 0.0;
        let pos = self.members[h]
            .iter()
            .position(|&v| v as usize == u)
            .expect("member");
        self.members[h].swap_remove(pos);
        for d in 0..self.dims {
            self.load[h * self.dims + d] -= self.p.units[u].load[d];
        }
        if self.members[h].is_empty() {
            self.n_open -= 1;
            self.cost -= self.p.hubs[h].fixed_cost;
            for d in 0..self.dims {
                self.load[h * self.dims + d] = 0.0;
            }
        }
        h
    }

    pub fn shift(&mut self, u: usize, h: usize, c: f64) {
        self.take(u);
        self.put(u, h, c);
    }

    /// Starts recording changes (clearing any record so far).
    pub fn start_journal(&mut self) {
        match &mut self.journal {
            Some(j) => j.clear(),
            None => self.journal = Some(Vec::new()),
        }
    }

    /// A point to roll back to: the cost and the length of the record.
    pub fn mark(&self) -> (f64, usize) {
        (self.cost, self.journal.as_ref().map_or(0, |j| j.len()))
    }

    /// Undoes every change recorded since `mark` (loads of real-valued dimensions may
    /// differ from before in the last bits; the cost is restored exactly).
    pub fn rollback(&mut self, mark: (f64, usize)) {
        let Some(mut j) = self.journal.take() else {
            return;
        };
        while j.len() > mark.1 {
            let e = j.pop().expect("non-empty");
            if e.put {
                self.take(e.u as usize);
            } else {
                self.put(e.u as usize, e.h as usize, e.c);
            }
        }
        self.journal = Some(j);
        self.cost = mark.0;
    }

    /// The hubs that gained or lost a unit since `mark` (with repetitions).
    pub fn touched_since(&self, mark: (f64, usize)) -> impl Iterator<Item = usize> + '_ {
        self.journal
            .iter()
            .flat_map(move |j| j[mark.1.min(j.len())..].iter().map(|e| e.h as usize))
    }

    /// The hubs that gained or lost a unit since the record was started or last
    /// cleared (with repetitions).
    pub fn touched_all(&self) -> impl Iterator<Item = usize> + '_ {
        self.touched_since((self.cost, 0))
    }

    /// Stops recording and drops the record.
    pub fn stop_journal(&mut self) {
        self.journal = None;
    }

    /// Drops the record so far (keeps recording).
    pub fn clear_journal(&mut self) {
        if let Some(j) = &mut self.journal {
            j.clear();
        }
    }

    /// Recomputes the cost from scratch (guards against drift of the running sum).
    pub fn recompute_cost(&mut self) {
        let mut c: f64 = self.acost.iter().sum();
        for (h, mem) in self.members.iter().enumerate() {
            if !mem.is_empty() {
                c += self.p.hubs[h].fixed_cost;
            }
        }
        self.cost = c;
    }
}
