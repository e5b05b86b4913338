//! The bundling engine: exact MIP for small problems, a parallel matheuristic for large
//! ones, a lower bound on every run, infeasibility diagnosis before solving, and an
//! independent checker. Knows nothing of wards or file formats (see `problem`).
//!
//! One entry, [`solve`]`(problem, stop, params)`. A run: diagnosis
//! ([`diagnose`]), independent parts solved apart ([`decompose`]), then per part the
//! starts ([`start`]: constructions, the location–allocation settle, the Lagrangian
//! starts with the early bound), and one of two pipelines ([`pipeline`]): exact (VNS,
//! LNS, then the compact MIP) or heuristic (VNS, iterated LNS, restarts, a restricted
//! or full MIP, and the bounds). [`schedule`] holds every phase's share of the limit,
//! [`budget`] turns it into phase ends, [`bound`] the reported bound and the gap. The
//! search works on [`state::State`], which owns its feasibility tests; [`check`] only
//! verifies the returned plan. Operators: [`local`], [`vns`], [`lns`], [`ils`],
//! [`alloc`] (the GAP step), [`lagr`] (the bound), over [`mip`] (HiGHS), whose every
//! call [`guard`] ends by its deadline.

pub mod alloc;
pub mod alternatives;
pub mod bound;
pub mod budget;
pub mod cand;
pub mod check;
pub mod construct;
pub mod decompose;
pub mod diagnose;
pub mod export;
pub mod guard;
pub mod ils;
pub mod lagr;
pub mod lns;
pub mod local;
pub mod mip;
pub mod pipeline;
pub mod problem;
pub mod queue;
pub mod schedule;
pub mod start;
pub mod state;
pub mod vns;

pub use bound::BoundSource;
pub use pipeline::lns_params;
pub use problem::{Arcs, Hub, HubCount, Problem, ProblemError, Solution, Unit};

use std::sync::Arc;
use std::time::{Duration, Instant};
use thiserror::Error;

/// Which method solves the problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Exact for small problems, matheuristic for large ones.
    Auto,
    /// The compact MIP through good_lp + HiGHS, warm-started by the heuristic.
    Exact,
    /// Construction, local search and LNS with sub-MIP repair.
    Heuristic,
}

impl Mode {
    /// Every mode, in the order `--help` lists them.
    pub const ALL: [Mode; 3] = [Mode::Auto, Mode::Exact, Mode::Heuristic];

    /// The mode's name on the command line, in scenarios and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Auto => "auto",
            Mode::Exact => "exact",
            Mode::Heuristic => "heuristic",
        }
    }
}

impl std::fmt::Display for Mode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A mode name that is none of `auto`, `exact`, `heuristic`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unknown solver mode '{0}' (auto, exact or heuristic)")]
pub struct UnknownMode(pub String);

impl std::str::FromStr for Mode {
    type Err = UnknownMode;
    fn from_str(s: &str) -> Result<Mode, UnknownMode> {
        Mode::ALL
            .into_iter()
            .find(|m| m.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownMode(s.to_string()))
    }
}

/// A progress message for the caller's display (never printed by the engine).
pub type ProgressFn = Arc<dyn Fn(&str) + Send + Sync>;

/// When a run stops: a wall-clock limit, a budget of engine steps, or both (whichever
/// comes first). With a work budget and no time limit no decision consults the wall
/// clock, and a run repeats exactly for the same seed, on any thread count (the VNS
/// then runs a fixed number of chains): each phase gets its share of the steps (VNS
/// moves, LNS rounds, Lagrangian iterations, HiGHS nodes, multi-start attempts; see
/// [`schedule`]). Constructions and their settling run to their local optimum, and
/// HiGHS's root LP to its end, so a step is not a fixed slice of wall clock (OC n = 100
/// at 100,000 steps, a nominal 5 s, took 12 s). Neither: the default 60 s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stop {
    /// Wall-clock limit from the call.
    pub time_limit: Option<Duration>,
    /// Engine steps (about one VNS move each; [`schedule::STEPS_PER_SECOND`] a nominal
    /// second).
    pub work: Option<u64>,
}

impl Stop {
    /// Stop after `limit` of wall clock.
    pub fn after(limit: Duration) -> Stop {
        Stop {
            time_limit: Some(limit),
            work: None,
        }
    }

    /// Stop after `steps` engine steps, whatever the clock says.
    pub fn work(steps: u64) -> Stop {
        Stop {
            time_limit: None,
            work: Some(steps),
        }
    }

    /// This stop, or 60 s when it names no limit.
    fn resolved(self) -> Stop {
        if self.time_limit.is_none() && self.work.is_none() {
            Stop::after(Duration::from_secs(60))
        } else {
            self
        }
    }
}

/// How a run searches (its limits are a [`Stop`]).
#[derive(Clone)]
pub struct SolveParams {
    /// Stop when (objective - bound) / objective falls below this.
    pub rel_gap: f64,
    /// Every random choice comes from it.
    pub seed: u64,
    /// Solver threads (VNS chains, LNS sub-MIPs, parts side by side).
    pub threads: usize,
    /// Which method runs.
    pub mode: Mode,
    /// Progress messages, when wanted.
    pub progress: Option<ProgressFn>,
}

impl Default for SolveParams {
    fn default() -> Self {
        SolveParams {
            rel_gap: 1e-4,
            seed: 1,
            threads: 1,
            mode: Mode::Auto,
            progress: None,
        }
    }
}

/// Whether a plan is proven optimal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Optimality proven (gap to the bound within the target).
    Optimal,
    /// A feasible plan; optimality not proven.
    Feasible,
}

/// What a run returns.
#[derive(Debug, Clone)]
pub struct SolveReport {
    /// The plan.
    pub solution: Solution,
    /// Its objective, as the checker computes it.
    pub objective: f64,
    /// A valid lower bound on the optimum of the full problem.
    pub lower_bound: f64,
    /// Whether the bound proves the plan optimal.
    pub status: Status,
    /// The mode that actually ran.
    pub mode: Mode,
    /// Wall-clock seconds the run took.
    pub seconds: f64,
    /// Where the lower bound comes from (displays as "HiGHS MIP dual bound", ...).
    pub bound_source: BoundSource,
    /// HiGHS calls left behind at their deadline ([`guard`]); the plan and the bound
    /// come from what the run held without them.
    pub abandoned_calls: usize,
}

impl SolveReport {
    /// Relative gap between the objective and the bound, in [0, 1].
    pub fn gap(&self) -> f64 {
        bound::gap(self.objective, self.lower_bound)
    }
}

/// Why no plan exists, with the numbers. Unit and hub indices refer to the problem.
#[derive(Debug, Clone, PartialEq)]
pub enum Finding {
    /// Total load exceeds what the allowed number of hubs can hold.
    CapacityShort {
        /// The load dimension.
        dim: usize,
        /// Total load of every unit.
        total_load: f64,
        /// The most the allowed hubs can hold.
        max_capacity: f64,
        /// The most hubs that may open.
        max_hubs: usize,
    },
    /// A unit is heavier than every hub it may use.
    UnitTooHeavy {
        /// The unit.
        unit: usize,
        /// The load dimension.
        dim: usize,
        /// Its load.
        load: f64,
        /// The largest capacity among its allowed hubs.
        largest_capacity: f64,
    },
    /// A unit has no allowed hub.
    NoAllowedHub {
        /// The unit.
        unit: usize,
    },
    /// No hub can reach its minimum load even with every unit it may take.
    MinimumUnreachable {
        /// The hub.
        hub: usize,
        /// The load dimension.
        dim: usize,
        /// Its minimum load.
        minimum: f64,
        /// What it could carry with every unit it may take.
        reachable: f64,
    },
    /// Too few hubs can open at all for the required count.
    TooFewHubs {
        /// Hubs the count requires.
        required: usize,
        /// Hubs that can open.
        available: usize,
    },
    /// Anything else the solver proved infeasible, in words.
    Other(String),
}

/// Every reason found why no plan exists.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Diagnosis {
    /// The findings, each a proof of infeasibility.
    pub findings: Vec<Finding>,
}

/// Why a run returned no plan.
#[derive(Debug, Error)]
pub enum SolveError {
    /// The problem has no plan (the diagnosis, or HiGHS's proof).
    #[error("the problem is infeasible ({} findings)", .0.findings.len())]
    Infeasible(Diagnosis),
    /// No feasible plan was found within the limit.
    #[error("no feasible plan found within the limit")]
    NoSolution,
    /// The independent checker rejected the plan the search returned (an engine bug).
    #[error("the checker rejected the plan: {}", .violations.join("; "))]
    CheckerRejected {
        /// What the checker found wrong.
        violations: Vec<String>,
    },
    /// HiGHS failed on the full model.
    #[error("solver failure: {0}")]
    Mip(#[from] mip::MipError),
    /// The thread pool could not be built.
    #[error("thread pool: {0}")]
    ThreadPool(#[from] rayon::ThreadPoolBuildError),
}

/// Solves `problem` until `stop`: diagnosis first (infeasible problems return their
/// findings), independent parts apart, then the exact or the heuristic pipeline, and
/// the returned plan verified by the independent checker. The report's bound is valid
/// for the whole problem.
pub fn solve(
    problem: &Problem,
    stop: Stop,
    params: &SolveParams,
) -> Result<SolveReport, SolveError> {
    let t0 = Instant::now();
    let stop = stop.resolved();
    let diagnosis = diagnose::diagnose(problem);
    if !diagnosis.findings.is_empty() {
        return Err(SolveError::Infeasible(diagnosis));
    }
    let watch = guard::Watch::new(guard::run_end(t0, stop.time_limit, stop.work));
    let mut report = match decompose::components(problem) {
        Some(parts) => decompose::solve_parts(problem, stop, params, parts, t0, &watch),
        None => pipeline::solve_one(problem, stop, params, t0, &watch),
    }?;
    report.abandoned_calls = watch.left_behind();
    Ok(report)
}
