//! Variable neighbourhood search over the set of open hubs (after Fleszar & Hindi 2008,
//! ALGORITHMS.md §2), with no MIP in the loop: tens of thousands of hub changes are
//! judged per second, and a change costs in proportion to the hubs it touches, not to
//! the size of the problem (moves are made in place and undone from the state's
//! journal; the settle and the descent after a shake look only around the change).
//!
//! `moves`: one hub change, judged incrementally; `chain`: the descent, the shake and
//! one VNS run; `parallel`: one chain per thread with restarts from fresh plans.

mod chain;
mod moves;
mod parallel;

use crate::solve::guard::Watch;
pub use chain::vns;
pub use parallel::{parallel_vns, ParallelStats};

/// The VNS's settings.
#[derive(Debug, Clone)]
pub struct VnsParams {
    /// Seed of chain 0 (chain i uses seed + i).
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
    /// [`parallel_vns`]: chains to run (0: one per thread of the pool). A fixed count
    /// makes the result independent of the thread count.
    pub chains: usize,
    /// The run's guard: the GAP step's MIP (given a floor of time near the end) is
    /// abandoned past the run's end (see [`guard`](crate::solve::guard)).
    pub watch: Watch,
}

impl VnsParams {
    /// The defaults with the given seed.
    pub fn new(seed: u64) -> VnsParams {
        VnsParams {
            seed,
            alternatives: 12,
            hub_cands: 6,
            max_k: 5,
            max_evaluations: u64::MAX,
            stall_factor: 0.5,
            max_fails: 10,
            chains: 0,
            watch: Watch::default(),
        }
    }
}

/// What a VNS run did.
#[derive(Debug, Clone, Copy, Default)]
pub struct VnsStats {
    /// Moves judged (the work measure).
    pub evaluations: u64,
    /// Shakes made.
    pub shakes: u64,
    /// Better plans found.
    pub improvements: u64,
    /// Seconds into the run when the best plan was found.
    pub last_improvement: f64,
}
