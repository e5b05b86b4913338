//! Solver calls that cannot hold a run past their deadline. HiGHS was seen looping in
//! presolve, where its own time limit does not reach; so a HiGHS call with a deadline
//!
//! 1. is asked to stop at the deadline through HiGHS's interrupt callbacks (simplex,
//!    interior point and branch-and-bound each consult them), which ends the common
//!    overrun with HiGHS's best solution so far; and
//! 2. runs on a thread of its own while the caller waits at most until the deadline
//!    plus [`GRACE`]. A call still running then is abandoned: the caller carries on with
//!    what the run already holds (its best checked plan, its bound) and the thread ends
//!    unseen, when HiGHS returns or the process exits.
//!
//! A work-limited run has no deadline of its own; its end here is a safety net far
//! beyond any run that works ([`run_end`]), so that a looping HiGHS call cannot hang it
//! either, and a run that never meets it repeats exactly. A run's [`Watch`] holds its
//! end and counts the calls it left behind, which the run reports.

use highs::{HighsStatus, Model, SolvedModel};
use highs_sys::{
    kHighsCallbackIpmInterrupt, kHighsCallbackMipInterrupt, kHighsCallbackSimplexInterrupt,
    HighsCallbackDataIn, HighsCallbackDataOut, Highs_setCallback, Highs_startCallback,
};
use std::ffi::{c_char, c_int, c_void};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, OnceLock};
use std::time::{Duration, Instant};
use thiserror::Error;

/// How long past its deadline a call may take to return before it is abandoned: the
/// interrupt normally ends it within milliseconds; this keeps a call that is merely
/// finishing up from being thrown away.
pub const GRACE: Duration = Duration::from_millis(300);

/// Test hook: `MATOME_TEST_SLOW_SOLVE_MS=N` makes every HiGHS call first sleep N ms,
/// deaf to its time limit and its interrupt, as a looping presolve is. The tests use it
/// to prove the deadline holds; it has no other use.
pub const SLOW_SOLVE_ENV: &str = "MATOME_TEST_SLOW_SOLVE_MS";

/// Set once any call of the process has been left behind: its thread may still be
/// inside HiGHS when the command ends (see [`any_left_behind`]).
static ANY_LEFT: AtomicBool = AtomicBool::new(false);

/// Whether any HiGHS call of this process was left behind. Its thread may still be
/// running inside HiGHS, so the process should end without running C++ static
/// destructors under it (the binary then ends by `_exit`).
pub fn any_left_behind() -> bool {
    ANY_LEFT.load(Ordering::Relaxed)
}

/// One run's guard: the run's end on the wall clock (none for a work-limited run),
/// and the count of its calls left behind, shared by every clone (the parts of a run,
/// its threads).
#[derive(Debug, Clone, Default)]
pub struct Watch {
    end: Option<Instant>,
    left_behind: Arc<AtomicUsize>,
}

impl Watch {
    /// The guard of a run that ends at `end`.
    pub fn new(end: Option<Instant>) -> Watch {
        Watch {
            end,
            left_behind: Arc::default(),
        }
    }

    /// The run's end.
    pub fn end(&self) -> Option<Instant> {
        self.end
    }

    /// How many calls the run has left behind so far.
    pub fn left_behind(&self) -> usize {
        self.left_behind.load(Ordering::Relaxed)
    }
}

/// Why a guarded call gave no result.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum GuardError {
    /// HiGHS's run itself failed.
    #[error("HiGHS failed: {0:?}")]
    Solve(HighsStatus),
    /// No thread could be started for the call.
    #[error("no thread could be started for the solver: {0}")]
    Thread(String),
}

/// How a guarded call ended.
#[derive(Debug)]
pub enum Outcome<T> {
    /// HiGHS returned; what `read` took from its solved model.
    Done(T),
    /// HiGHS had not returned at the deadline plus [`GRACE`].
    Abandoned,
}

/// A work-limited run's end: [`WORK_SAFETY_FACTOR`] times its nominal seconds (the
/// steps at [`STEPS_PER_SECOND`]), and at least [`WORK_SAFETY_FLOOR`] after its start.
///
/// [`STEPS_PER_SECOND`]: super::schedule::STEPS_PER_SECOND
pub const WORK_SAFETY_FACTOR: f64 = 30.0;

/// See [`WORK_SAFETY_FACTOR`].
pub const WORK_SAFETY_FLOOR: Duration = Duration::from_secs(600);

/// The end of a run that started at `t0`: its time limit's, else the safety net of a
/// work-limited run (see [`WORK_SAFETY_FACTOR`]); none for a run without either (or
/// an end past what the clock can hold).
pub fn run_end(t0: Instant, time_limit: Option<Duration>, work: Option<u64>) -> Option<Instant> {
    let span = match (time_limit, work) {
        (Some(t), _) => t,
        (None, Some(w)) => {
            let nominal = w as f64 / super::schedule::STEPS_PER_SECOND * WORK_SAFETY_FACTOR;
            Duration::try_from_secs_f64(nominal)
                .unwrap_or(Duration::MAX)
                .max(WORK_SAFETY_FLOOR)
        }
        (None, None) => return None,
    };
    t0.checked_add(span)
}

/// When a call given `seconds` from now must end (none for an infinite or unreadable
/// limit: the call then runs inline).
pub fn deadline_in(seconds: f64) -> Option<Instant> {
    if !seconds.is_finite() {
        return None;
    }
    Duration::try_from_secs_f64(seconds.max(0.0))
        .ok()
        .and_then(|d| Instant::now().checked_add(d))
}

/// Solves `model` and returns what `read` takes from the solved model. HiGHS is asked
/// to stop at `deadline`, and the call ends by the sooner of `deadline` and the run's
/// end (a call's own limit may pass it by a deliberate floor) plus [`GRACE`], whatever
/// HiGHS does (see the module's text). `read` runs on the solving thread: HiGHS's
/// solved model never leaves it.
pub fn solve<T, R>(
    mut model: Model,
    deadline: Option<Instant>,
    watch: &Watch,
    read: R,
) -> Result<Outcome<T>, GuardError>
where
    T: Send + 'static,
    R: FnOnce(&SolvedModel) -> T + Send + 'static,
{
    let Some(at) = deadline.or(watch.end) else {
        slow_down();
        let solved = model.try_solve().map_err(GuardError::Solve)?;
        return Ok(Outcome::Done(read(&solved)));
    };
    let give_up = watch.end.map_or(at, |end| at.min(end));
    let interrupt = Arc::new(Interrupt {
        at,
        stop: AtomicBool::new(false),
    });
    listen(&mut model, &interrupt);
    let (tx, rx) = mpsc::channel();
    let held = Arc::clone(&interrupt);
    let model = Movable(model);
    let spawned = std::thread::Builder::new()
        .name("matome-highs".into())
        // A main thread's stack: HiGHS's presolve and search recurse.
        .stack_size(8 << 20)
        .spawn(move || {
            let model = model.into_inner();
            slow_down();
            let r = model.try_solve().map(|solved| read(&solved));
            // HiGHS calls back into `held` until its run returns; it lives until then.
            drop(held);
            // The caller may have stopped listening (an abandoned call).
            let _ = tx.send(r);
        });
    if let Err(e) = spawned {
        return Err(GuardError::Thread(e.to_string()));
    }
    let wait = (give_up + GRACE).saturating_duration_since(Instant::now());
    match rx.recv_timeout(wait) {
        Ok(r) => r.map(Outcome::Done).map_err(GuardError::Solve),
        // The thread ended without an answer (a panic in it).
        Err(mpsc::RecvTimeoutError::Disconnected) => Err(GuardError::Thread(
            "the solver thread stopped without a result".into(),
        )),
        Err(mpsc::RecvTimeoutError::Timeout) => {
            // Should HiGHS consult its callbacks later, it stops then.
            interrupt.stop.store(true, Ordering::Relaxed);
            watch.left_behind.fetch_add(1, Ordering::Relaxed);
            ANY_LEFT.store(true, Ordering::Relaxed);
            Ok(Outcome::Abandoned)
        }
    }
}

/// What the interrupt callback reads: the deadline, and a stop set when the caller
/// has given up on the call.
struct Interrupt {
    at: Instant,
    stop: AtomicBool,
}

/// A HiGHS model on its way to the thread that solves it.
struct Movable(Model);

impl Movable {
    /// The model (a method, so the closure moves the whole `Movable`, not its field).
    fn into_inner(self) -> Model {
        self.0
    }
}

// SAFETY: a Highs instance has no affinity to the thread that made it; it is moved to
// the solving thread and used there alone (HiGHS's task scheduler is set up per
// thread when `Highs_run` starts, with `threads = 1` throughout the engine).
unsafe impl Send for Movable {}

/// Registers the interrupt callback on `model` for every kind of solve. The callback
/// data is `interrupt`, which the solving thread keeps alive for the whole run.
fn listen(model: &mut Model, interrupt: &Arc<Interrupt>) {
    let ptr = model.as_mut_ptr();
    let data = Arc::as_ptr(interrupt) as *mut c_void;
    // SAFETY: `ptr` is a live Highs instance; `data` outlives the run (see `solve`).
    // A callback HiGHS refuses leaves the thread's abandonment as the only guard.
    unsafe {
        Highs_setCallback(ptr, Some(on_callback), data);
        for kind in [
            kHighsCallbackSimplexInterrupt,
            kHighsCallbackIpmInterrupt,
            kHighsCallbackMipInterrupt,
        ] {
            Highs_startCallback(ptr, kind);
        }
    }
}

/// HiGHS's callback: asks the run to stop once the deadline has passed or the caller
/// has given up.
unsafe extern "C" fn on_callback(
    _kind: c_int,
    _message: *const c_char,
    _out: *const HighsCallbackDataOut,
    data_in: *mut HighsCallbackDataIn,
    user: *mut c_void,
) {
    if data_in.is_null() || user.is_null() {
        return;
    }
    // SAFETY: `user` is the `Interrupt` registered in `listen`, alive for the run;
    // `data_in` is HiGHS's, valid for this call.
    unsafe {
        let it = &*(user as *const Interrupt);
        if it.stop.load(Ordering::Relaxed) || Instant::now() >= it.at {
            (*data_in).user_interrupt = 1;
        }
    }
}

/// The test hook's sleep (see [`SLOW_SOLVE_ENV`]).
fn slow_down() {
    static DELAY: OnceLock<Option<Duration>> = OnceLock::new();
    let delay = DELAY.get_or_init(|| {
        std::env::var(SLOW_SOLVE_ENV)
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_millis)
    });
    if let Some(d) = delay {
        std::thread::sleep(*d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use highs::{RowProblem, Sense};

    /// A knapsack-like MIP HiGHS needs a while to prove: many items, one row.
    fn hard_model(n: usize, time_limit: f64) -> Model {
        let mut pb = RowProblem::default();
        let cols: Vec<_> = (0..n)
            .map(|i| {
                let w = 1000.0 + ((i * 7919) % 997) as f64;
                pb.add_integer_column(-(w + (i % 13) as f64), 0..=1)
            })
            .collect();
        pb.add_row(
            ..=(n as f64 * 700.0),
            cols.iter()
                .enumerate()
                .map(|(i, &c)| (c, 1000.0 + ((i * 7919) % 997) as f64)),
        );
        let mut m = pb.optimise(Sense::Minimise);
        m.set_option("output_flag", false);
        m.set_option("threads", 1);
        m.set_option("time_limit", time_limit);
        m
    }

    #[test]
    fn a_call_without_deadline_runs_inline_to_its_end() {
        let m = hard_model(20, 60.0);
        let r = solve(m, None, &Watch::default(), |s| s.status()).unwrap();
        assert!(matches!(r, Outcome::Done(highs::HighsModelStatus::Optimal)));
    }

    /// HiGHS's own time limit is far off; the interrupt callback ends the call at the
    /// deadline, and HiGHS reports it as interrupted (not abandoned).
    #[test]
    fn the_interrupt_callback_stops_highs_at_the_deadline() {
        let m = hard_model(3000, 600.0);
        let t0 = Instant::now();
        let watch = Watch::default();
        let r = solve(m, deadline_in(0.3), &watch, |s| s.status()).unwrap();
        let took = t0.elapsed();
        assert!(took < Duration::from_secs(2), "took {took:?}");
        match r {
            // A model HiGHS happens to prove in time is no failure of the guard.
            Outcome::Done(s) => assert!(
                matches!(
                    s,
                    highs::HighsModelStatus::ReachedInterrupt | highs::HighsModelStatus::Optimal
                ),
                "{s:?}"
            ),
            Outcome::Abandoned => panic!("the callback should have stopped HiGHS"),
        }
        assert_eq!(watch.left_behind(), 0);
    }

    #[test]
    fn a_work_limited_run_ends_far_beyond_its_nominal_seconds() {
        let t0 = Instant::now();
        let secs = |e: Option<Instant>| e.map(|e| (e - t0).as_secs_f64());
        assert_eq!(
            secs(run_end(t0, Some(Duration::from_secs(8)), None)),
            Some(8.0)
        );
        // A time limit binds even with a work budget.
        assert_eq!(
            secs(run_end(t0, Some(Duration::from_secs(8)), Some(1 << 40))),
            Some(8.0)
        );
        // 30,000 steps (1.5 nominal s): the floor.
        assert_eq!(secs(run_end(t0, None, Some(30_000))), Some(600.0));
        // 2,000,000 steps (100 nominal s): thirty times that.
        assert_eq!(secs(run_end(t0, None, Some(2_000_000))), Some(3000.0));
        assert_eq!(run_end(t0, None, None), None);
        // Past what an Instant holds: no end rather than an overflow.
        assert_eq!(run_end(t0, Some(Duration::MAX), None), None);
        assert!(run_end(t0, None, Some(u64::MAX)).is_none_or(|e| e > t0));
    }

    #[test]
    fn an_unreadable_limit_has_no_deadline() {
        assert!(deadline_in(f64::INFINITY).is_none());
        assert!(deadline_in(f64::NAN).is_none());
        assert!(deadline_in(1e308).is_none());
        assert!(deadline_in(-1.0).is_some());
    }
}
