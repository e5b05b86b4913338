//! The bundling engine: exact MIP for small problems, a parallel matheuristic for large
//! ones, a lower bound on every run, infeasibility diagnosis before solving, and an
//! independent checker. Knows nothing of wards or file formats (see `problem`).

pub mod alloc;
pub mod cand;
pub mod check;
pub mod construct;
pub mod decompose;
pub mod diagnose;
pub mod ils;
pub mod lagr;
pub mod lns;
pub mod local;
pub mod mip;
pub mod problem;
pub mod queue;
pub mod state;
pub mod vns;

pub use problem::{Arcs, Hub, HubCount, Problem, ProblemError, Solution, Unit};

use std::sync::Arc;
use std::time::Duration;
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

/// A progress message for the caller's display (never printed by the engine).
pub type ProgressFn = Arc<dyn Fn(&str) + Send + Sync>;

#[derive(Clone)]
pub struct SolveParams {
    pub time_limit: Duration,
    /// Stop when (objective - bound) / objective falls below this.
    pub rel_gap: f64,
    pub seed: u64,
    pub threads: usize,
    pub mode: Mode,
    pub progress: Option<ProgressFn>,
}

impl Default for SolveParams {
    fn default() -> Self {
        SolveParams {
            time_limit: Duration::from_secs(60),
            rel_gap: 1e-4,
            seed: 1,
            threads: 1,
            mode: Mode::Auto,
            progress: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Optimality proven (gap to the bound within the target).
    Optimal,
    /// A feasible plan; optimality not proven.
    Feasible,
}

#[derive(Debug, Clone)]
pub struct SolveReport {
    pub solution: Solution,
    pub objective: f64,
    /// A valid lower bound on the optimum of the full problem.
    pub lower_bound: f64,
    pub status: Status,
    /// The mode that actually ran.
    pub mode: Mode,
    pub seconds: f64,
    /// Where the lower bound comes from ("HiGHS MIP", "LP", "Lagrangian", ...).
    pub bound_source: &'static str,
}

impl SolveReport {
    /// Relative gap between the objective and the bound, in [0, 1].
    pub fn gap(&self) -> f64 {
        if self.objective.abs() < 1e-9 {
            0.0
        } else {
            ((self.objective - self.lower_bound) / self.objective.abs()).max(0.0)
        }
    }
}

/// Why no plan exists, with the numbers. Unit and hub indices refer to the problem.
#[derive(Debug, Clone, PartialEq)]
pub enum Finding {
    /// Total load exceeds what the allowed number of hubs can hold.
    CapacityShort {
        dim: usize,
        total_load: f64,
        max_capacity: f64,
        max_hubs: usize,
    },
    /// A unit is heavier than every hub it may use.
    UnitTooHeavy {
        unit: usize,
        dim: usize,
        load: f64,
        largest_capacity: f64,
    },
    /// A unit has no allowed hub.
    NoAllowedHub { unit: usize },
    /// No hub can reach its minimum load even with every unit it may take.
    MinimumUnreachable {
        hub: usize,
        dim: usize,
        minimum: f64,
        reachable: f64,
    },
    /// Too few hubs can open at all for the required count.
    TooFewHubs { required: usize, available: usize },
    /// Anything else the solver proved infeasible, in words.
    Other(String),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Diagnosis {
    pub findings: Vec<Finding>,
}

#[derive(Debug, Error)]
pub enum SolveError {
    #[error("the problem is infeasible ({} findings)", .0.findings.len())]
    Infeasible(Diagnosis),
    #[error("no feasible plan found within the time limit")]
    NoSolution,
    #[error("solver failure: {0}")]
    Solver(String),
}

pub use run::{auto_mode, lns_params, solve};

mod run;
