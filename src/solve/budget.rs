//! The run's limits at work: where each phase ends, on the wall clock and on the run's
//! work counter. A phase end is an [`Until`]; the [`Schedule`] says how much each phase
//! gets, [`Budget`] turns that into ends from the current point of the run, and the
//! phases ask it whether they are done, how many seconds (for HiGHS) and how many steps
//! (for their own iteration limits) they have left.
//!
//! With a work limit and no deadline no end ever consults the wall clock: deadlines are
//! distant, every iteration limit comes from the steps, and the run repeats exactly.

use super::guard::Watch;
use super::problem::Problem;
use super::schedule::{Schedule, STEPS_PER_SECOND};
use super::{Mode, Stop};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Seconds to a deadline that never comes (a work-limited run's), about 115 days.
const FAR: u64 = 10_000_000;

/// Where a phase ends: an instant on the wall clock and/or a count of the run's steps.
#[derive(Debug, Clone, Copy)]
pub struct Until {
    at: Option<Instant>,
    steps: Option<u64>,
}

impl Until {
    /// Whichever of the two ends comes first.
    pub fn min(self, other: Until) -> Until {
        Until {
            at: opt_min(self.at, other.at),
            steps: opt_min(self.steps, other.steps),
        }
    }
}

fn opt_min<T: Ord>(a: Option<T>, b: Option<T>) -> Option<T> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// One run's limits and the schedule of each.
pub struct Budget {
    t0: Instant,
    /// The schedule over the time limit, when there is one.
    time: Option<Schedule>,
    /// The schedule over the nominal limit of the work budget, and the budget.
    work: Option<(Schedule, u64)>,
    /// Steps charged so far.
    spent: AtomicU64,
    /// The whole run's guard: its end (a part may have an earlier one of its own) and
    /// its count of solver calls left behind.
    watch: Watch,
}

impl Budget {
    /// The limits of a run that started at `t0`, guarded by `watch` (its own, or that
    /// of the run it is a part of).
    pub fn new(p: &Problem, stop: &Stop, mode: Mode, t0: Instant, watch: Watch) -> Budget {
        let time = stop
            .time_limit
            .map(|t| Schedule::new(p, t.as_secs_f64(), mode));
        let work = stop
            .work
            .map(|w| (Schedule::new(p, w as f64 / STEPS_PER_SECOND, mode), w));
        Budget {
            t0,
            time,
            work,
            spent: AtomicU64::new(0),
            watch,
        }
    }

    /// The whole run's guard: no solver call may hold the run past its end (see
    /// [`guard`](super::guard)).
    pub fn watch(&self) -> &Watch {
        &self.watch
    }

    /// The schedule decisions are taken from: the time limit's when there is one
    /// (it binds in practice), else the work budget's.
    pub fn schedule(&self) -> &Schedule {
        self.time
            .as_ref()
            .or(self.work.as_ref().map(|w| &w.0))
            .expect("Stop::resolved gives a limit")
    }

    /// When the run started.
    pub fn t0(&self) -> Instant {
        self.t0
    }

    /// Whether the run has a work budget.
    pub fn has_work(&self) -> bool {
        self.work.is_some()
    }

    fn spent(&self) -> u64 {
        self.spent.load(Ordering::Relaxed)
    }

    /// Charges `steps` of work to the run.
    pub fn charge(&self, steps: u64) {
        self.spent.fetch_add(steps, Ordering::Relaxed);
    }

    fn secs(s: f64) -> Duration {
        Duration::from_secs_f64(s.clamp(0.0, FAR as f64))
    }

    fn steps_of(s: f64) -> u64 {
        (s.max(0.0) * STEPS_PER_SECOND) as u64
    }

    /// The end of the run.
    pub fn end(&self) -> Until {
        Until {
            at: self.time.as_ref().map(|s| self.t0 + Self::secs(s.limit)),
            steps: self.work.as_ref().map(|w| w.1),
        }
    }

    /// `f(schedule)` seconds after the start of the run.
    pub fn from_start(&self, f: impl Fn(&Schedule) -> f64) -> Until {
        Until {
            at: self.time.as_ref().map(|s| self.t0 + Self::secs(f(s))),
            steps: self.work.as_ref().map(|w| Self::steps_of(f(&w.0))),
        }
    }

    /// `f(schedule)` seconds from now.
    pub fn after(&self, f: impl Fn(&Schedule) -> f64) -> Until {
        let now = Instant::now();
        Until {
            at: self.time.as_ref().map(|s| now + Self::secs(f(s))),
            steps: self
                .work
                .as_ref()
                .map(|w| self.spent() + Self::steps_of(f(&w.0))),
        }
    }

    /// `f(schedule, seconds left to u)` of the way from now to `u`.
    pub fn share(&self, u: Until, f: impl Fn(&Schedule, f64) -> f64) -> Until {
        let now = Instant::now();
        let spent = self.spent();
        Until {
            at: u.at.map(|at| {
                let left = at.saturating_duration_since(now);
                let s = self.time.as_ref().expect("a deadline has a schedule");
                now + left.mul_f64(f(s, left.as_secs_f64()))
            }),
            steps: u.steps.map(|steps| {
                let left = steps.saturating_sub(spent);
                let s = &self.work.as_ref().expect("steps have a schedule").0;
                spent + (left as f64 * f(s, left as f64 / STEPS_PER_SECOND)) as u64
            }),
        }
    }

    /// `f(schedule)` seconds before `u` (at `u` when that is sooner than now).
    pub fn before(&self, u: Until, f: impl Fn(&Schedule) -> f64) -> Until {
        Until {
            at: u.at.map(|at| {
                let s = self.time.as_ref().expect("a deadline has a schedule");
                at.checked_sub(Self::secs(f(s))).unwrap_or(at)
            }),
            steps: u.steps.map(|steps| {
                let s = &self.work.as_ref().expect("steps have a schedule").0;
                steps.saturating_sub(Self::steps_of(f(s)))
            }),
        }
    }

    /// `u` with its instant at least `secs` from now (a deliberate overrun of a
    /// deadline; the steps stay), but never more than `secs` past the whole run's end:
    /// the parts of a ward that start late share one overrun instead of adding theirs
    /// up (five parts at T = 1 s ended 0.7 s late, two at a time).
    pub fn at_least(&self, u: Until, secs: f64) -> Until {
        let mut floor = Instant::now() + Self::secs(secs);
        if let Some(end) = self.watch.end() {
            floor = floor.min(end + Self::secs(secs));
        }
        Until {
            at: u.at.map(|at| at.max(floor)),
            steps: u.steps,
        }
    }

    /// Has the run reached `u`?
    pub fn reached(&self, u: Until) -> bool {
        u.at.is_some_and(|at| Instant::now() >= at) || u.steps.is_some_and(|s| self.spent() >= s)
    }

    /// The wall-clock instant of `u` (a distant one when it has none).
    pub fn deadline(&self, u: Until) -> Instant {
        u.at.unwrap_or(self.t0 + Duration::from_secs(FAR))
    }

    /// Wall-clock seconds left to `u` (infinite when it has no instant: HiGHS then
    /// stops on its node limit).
    pub fn secs_left(&self, u: Until) -> f64 {
        u.at.map_or(f64::INFINITY, |at| {
            at.saturating_duration_since(Instant::now()).as_secs_f64()
        })
    }

    /// Seconds left to `u` as the schedule reckons them: on the wall clock when the run
    /// has a deadline, else the nominal seconds of the steps left.
    pub fn left(&self, u: Until) -> f64 {
        match (u.at, u.steps) {
            (Some(_), _) => self.secs_left(u),
            (None, Some(_)) => self.steps_left(u) as f64 / STEPS_PER_SECOND,
            (None, None) => f64::INFINITY,
        }
    }

    /// Steps left to `u` (`u64::MAX` when it has no step count).
    pub fn steps_left(&self, u: Until) -> u64 {
        u.steps.map_or(u64::MAX, |s| s.saturating_sub(self.spent()))
    }

    /// How many of a thing costing `cost` steps fit before `u` (`u64::MAX` without a
    /// work budget).
    pub fn count_left(&self, u: Until, cost: u64) -> u64 {
        u.steps
            .map_or(u64::MAX, |_| self.steps_left(u) / cost.max(1))
    }

    /// A HiGHS node limit for a MIP that may run to `u` (none without a work budget),
    /// with the steps it may use, to charge.
    pub fn nodes_left(&self, u: Until, node_cost: u64) -> Option<i64> {
        u.steps
            .map(|_| (self.steps_left(u) / node_cost.max(1)).min(i64::MAX as u64) as i64)
    }
}
