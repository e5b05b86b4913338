//! How a run spends its limit: every phase's share, computed once per run from the
//! problem's size, the kind of hub count, the limit and the mode, with the measured
//! reasons for each figure. The pipelines read their phase ends from here (through
//! [`Budget`](super::budget::Budget)); the rules that depend on what an earlier phase
//! did ("the early bound converged", "the LNS is too short for two sub-MIPs") are
//! methods taking that outcome.
//!
//! A work-limited run uses the same rules over a nominal limit of
//! `work / STEPS_PER_SECOND` seconds, so that both kinds of run divide their budget
//! alike; each phase turns its steps into its own unit (VNS moves, LNS rounds,
//! Lagrangian iterations, HiGHS nodes) by the costs below.
//!
//! Deliberate overruns of the run's deadline (kept, since each was measured as worth
//! it; none applies to a work-limited run): [`FINAL_BOUND_FLOOR`], [`VNS_GAP_FLOOR`],
//! [`LP_BOUND_FLOOR`] and [`EXACT_MIP_FLOOR`].

use super::cand::full_arc_count;
use super::problem::{HubCount, Problem};
use super::Mode;

/// Engine steps a nominal second holds: about the VNS moves judged per second on the
/// benchmark CPMPs ("tens of thousands"). Only a conversion, so that a work budget is
/// split by the same rules as a time limit.
pub const STEPS_PER_SECOND: f64 = 20_000.0;
/// Steps one LNS round is charged (a round solves 8–32 sub-MIPs).
pub const LNS_ROUND_STEPS: u64 = 2_000;
/// Steps one subgradient iteration of the Lagrangian bound is charged.
pub const LAGR_ITERATION_STEPS: u64 = 50;
/// Steps one branch-and-bound node of a full or restricted MIP is charged.
pub const MIP_NODE_STEPS: u64 = 20;
/// Steps one construction with its settling is charged (a multi-start attempt, a
/// restart, a Lagrangian start).
pub const START_STEPS: u64 = 1_000;

/// The final Lagrangian run gets at least this many seconds, past the deadline if need
/// be, when the early run had not converged: under load the subgradient needs them.
pub const FINAL_BOUND_FLOOR: f64 = 0.2;
/// The exact GAP step that ends every VNS run gets at least this many seconds, past the
/// deadline if need be (a GAP over the open hubs takes milliseconds where the VNS runs).
pub const VNS_GAP_FLOOR: f64 = 0.3;
/// The LP bound of the heuristic pipeline gets at least this many seconds.
pub const LP_BOUND_FLOOR: f64 = 0.5;
/// The exact pipeline's MIP gets at least this many seconds (a 0.5 s floor made OC
/// n = 50 runs at T = 1 s end at 1.2–1.3 s).
pub const EXACT_MIP_FLOOR: f64 = 0.1;
/// The restricted MIP runs only with more than this many seconds left.
pub const RESTRICTED_MIP_MIN: f64 = 0.2;

/// Auto mode solves the compact MIP exactly up to this many allowed arcs.
pub const AUTO_EXACT_ARCS: usize = 60_000;
/// Exact mode on at most this many arcs trusts the MIP more than the iterated LNS.
pub const SMALL_MIP_ARCS: usize = 8_000;
/// VNS restarts from new constructions in a row without a better plan before the VNS
/// hands its time on.
pub const VNS_RESTARTS: usize = 10;

/// Rough seconds HiGHS needs for the root of the full compact model on this machine
/// class (measured: ~40k arcs of a ward part did not finish the root LP in 1.5 s).
/// A MIP or LP given less than this only burns the time, and HiGHS overruns its limit.
pub fn root_seconds(p: &Problem) -> f64 {
    full_arc_count(p) as f64 / 5_000.0
}

/// Whether the full compact MIP is worth `secs`: small enough for exact mode, and the
/// time covers its root.
pub fn full_mip_fits(p: &Problem, secs: f64) -> bool {
    full_arc_count(p) <= AUTO_EXACT_ARCS && secs > root_seconds(p).max(1.0)
}

/// The mode Auto runs for a limit of `limit` seconds.
pub fn resolve_mode(p: &Problem, mode: Mode, limit: f64) -> Mode {
    match mode {
        // Too little time for the full model's root: the matheuristic uses it better.
        Mode::Auto if limit < 2.0 * root_seconds(p) => Mode::Heuristic,
        Mode::Auto if full_arc_count(p) <= AUTO_EXACT_ARCS => Mode::Exact,
        Mode::Auto => Mode::Heuristic,
        m => m,
    }
}

/// What the early Lagrangian run left for the final bound phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EarlyBound {
    /// It converged: the final run only refines it.
    Converged,
    /// It gave a finite bound but stopped at its deadline.
    Open,
    /// It gave no bound.
    Missing,
}

/// The exact pipeline's shares.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ExactShares {
    /// Seconds of the hub-set VNS (from its start; cut at the deadline).
    pub vns: f64,
    /// Restarts in a row without a better plan before the VNS hands its time on.
    pub vns_fails: usize,
    /// Seconds of the iterated LNS after the VNS (cut at the deadline).
    pub lns: f64,
    /// Perturbations the iterated LNS may make.
    pub lns_restarts: u64,
    /// Seconds kept back from the MIP for the final Lagrangian bound.
    pub mip_reserve: f64,
}

/// The heuristic pipeline's shares, as fractions of what is left when each starts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HeuristicShares {
    /// Fraction of the search time (up to the final bound) for the VNS and the
    /// iterated LNS; restarts and the restricted MIP get the rest.
    pub ils: f64,
    /// Fraction of the VNS + LNS time for the VNS (before the LNS-too-short rule of
    /// [`Schedule::vns_of_ils`]).
    pub vns: f64,
    /// Fraction of the time after the LNS for restarts when a restricted MIP follows.
    pub restarts: f64,
}

/// Every phase's share of one run.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    /// The limit the shares divide, seconds (nominal for a work limit).
    pub limit: f64,
    /// The mode that runs.
    pub mode: Mode,
    /// Whether the hub count is free.
    pub free_count: bool,
    /// Seconds from the start for the constructions (multi-start with settling), and
    /// again for settling the two Lagrangian starts (the first gets half).
    pub starts: f64,
    /// Seconds of the early Lagrangian run.
    pub early_bound: f64,
    /// The exact pipeline's shares.
    pub exact: ExactShares,
    /// The heuristic pipeline's shares.
    pub heuristic: HeuristicShares,
    /// Seconds one LNS sub-MIP may take.
    pub sub_mip: f64,
}

impl Schedule {
    /// The shares of a run of `limit` seconds on `p` in `mode` (Auto resolved first).
    pub fn new(p: &Problem, limit: f64, mode: Mode) -> Schedule {
        let free_count = matches!(p.hub_count, HubCount::Free);
        Schedule {
            limit,
            mode: resolve_mode(p, mode, limit),
            free_count,
            // Constructions and the settling of the Lagrangian start each get 3 % of
            // the run (5 % of short runs, up to 0.5 s): the VNS and the LNS improve
            // faster than more settling (p3038_800: the same start after 9 s as after
            // 30 s; OC n = 100 at T = 1 s: 97 of 100 runs at the optimum with 5 %, 95
            // with 10 %, together with the VNS taking the LNS's share when that is too
            // short).
            starts: (limit * 0.03).max((limit * 0.05).min(0.5)),
            // Long enough to converge on small problems (then the final bound phase
            // shrinks to a refinement, and the search gets the time), never past the
            // run's deadline (a 1 ms run otherwise got 0.4 ms of wall-clock-dependent
            // iterations after its construction, and its plan varied between runs).
            early_bound: (limit * 0.1).max((limit * 0.4).min(1.0)),
            exact: exact_shares(p, limit),
            heuristic: HeuristicShares {
                // Capacitated p-median style problems (a fixed hub count) give the
                // iterated LNS the whole time; with a free count (facility location,
                // ward plans) it gets half, and multi-start restarts and a restricted
                // MIP the rest.
                ils: if free_count { 0.5 } else { 1.0 },
                // With a fixed hub count (the CPMP) the VNS finds most of what the LNS
                // would, faster: it gets most of the time; with a free count half.
                vns: if free_count { 0.5 } else { 0.85 },
                // The time left before the bound: restarts, then a restricted MIP
                // (IRMA) when the full MIP will not run; the MIP gets most of it.
                restarts: 0.3,
            },
            // A tenth of the run, between 0.5 and 2 seconds.
            sub_mip: (limit / 10.0).clamp(0.5, 2.0),
        }
    }

    /// Seconds before the deadline kept for the final Lagrangian bound of the heuristic
    /// pipeline. The early run already gave a bound: the final one only refines it.
    /// Still at least a second (or 40 % of a short run): under load the subgradient
    /// needs it, and it stops by itself once converged. When the early run converged
    /// already, the refinement gets 5 % (on Osman–Christofides at T = 1 s the 0.4 s it
    /// had moved no bound, and the VNS got 0.3 s).
    pub fn final_bound(&self, early: EarlyBound) -> f64 {
        let t = self.limit;
        match early {
            EarlyBound::Converged => t * 0.05,
            EarlyBound::Open => (t * 0.05).max((t * 0.4).min(1.0)),
            EarlyBound::Missing => (t * 0.15).max((t * 0.4).min(1.0)),
        }
    }

    /// Fraction of the VNS + LNS time left (`left` seconds) that the VNS takes: all of
    /// it with a fixed count when that is too short for the LNS to solve a few
    /// sub-MIPs (OC at T = 1 s: it had 0.05 s and solved none).
    pub fn vns_of_ils(&self, left: f64) -> f64 {
        if !self.free_count && left < 2.0 * self.sub_mip {
            1.0
        } else {
            self.heuristic.vns
        }
    }

    /// Fraction of the time after the LNS for restarts: all of it unless a restricted
    /// MIP follows.
    pub fn restarts(&self, restricted: bool) -> f64 {
        if restricted {
            self.heuristic.restarts
        } else {
            1.0
        }
    }

    /// The phases of a run in which every phase uses its whole share, as (phase, start,
    /// end) in seconds: what the tests hold against the limit. `early` and
    /// `restricted` stand for what the run learns on its way.
    pub fn nominal(&self, early: EarlyBound, restricted: bool) -> Vec<(&'static str, f64, f64)> {
        let t = self.limit;
        let mut out = Vec::new();
        let mut now = 0.0;
        let mut phase = |name: &'static str, end: f64, now: &mut f64| {
            out.push((name, *now, end));
            *now = end;
        };
        phase("starts", self.starts, &mut now);
        phase("early bound", (now + self.early_bound).min(t), &mut now);
        let settle = (now + self.starts).min(t);
        phase("Lagrangian start 0", now + (settle - now) * 0.5, &mut now);
        phase("Lagrangian start 1", settle, &mut now);
        let final_floor = |now: f64| {
            if early == EarlyBound::Converged {
                t.max(now)
            } else {
                t.max(now + FINAL_BOUND_FLOOR)
            }
        };
        if self.mode == Mode::Exact {
            let e = self.exact;
            phase("VNS", (now + e.vns).min(t), &mut now);
            phase("iterated LNS", (now + e.lns).min(t), &mut now);
            let mip = ((t - now).max(0.0) - e.mip_reserve).max(EXACT_MIP_FLOOR);
            phase("MIP", now + mip, &mut now);
            phase("final bound", final_floor(now), &mut now);
        } else {
            let search_end = t - self.final_bound(early);
            let ils_end = now + (search_end - now) * self.heuristic.ils;
            let vns = self.vns_of_ils(ils_end - now);
            phase("VNS", now + (ils_end - now) * vns, &mut now);
            phase("iterated LNS", ils_end, &mut now);
            let restarts = now + (search_end - now) * self.restarts(restricted);
            phase("restarts", restarts, &mut now);
            phase("restricted or full MIP", search_end, &mut now);
            phase("final bound", final_floor(now), &mut now);
        }
        out
    }
}

/// Small models (few arcs: OC n = 50, Holmberg, OR-Library SS): one LNS descent, then
/// the MIP, which often proves optimality there. Larger ones: the iterated LNS gets
/// most of the run, the MIP the rest. The hub-set VNS runs first (fast, whole-plan
/// moves), then the LNS from its plan. Small models with a fixed hub count (OC n = 50)
/// give the VNS 40 % and its usual restarts, since the MIP rarely proves them within a
/// short run (pmedcap1_10 at T = 1 s: the optimum on 10 of 10 seeds, 8 of 10 with 25 %
/// and one restart). With a free count (Holmberg, OR-Library SS) the MIP proves most
/// plans and needs the time: the VNS gets 25 % and restarts at most once without gain
/// (40 % and ten restarts left Holmberg p27, p29 and p51 unproven at T = 10 s). The
/// MIP keeps back 10 % of the run for a Lagrangian bound in case HiGHS stops before its
/// own bound is useful (e.g. before the root LP under a short limit), except on tiny
/// models.
fn exact_shares(p: &Problem, limit: f64) -> ExactShares {
    let (vns, vns_fails, lns, lns_restarts) = if full_arc_count(p) > SMALL_MIP_ARCS {
        (0.35, VNS_RESTARTS, 0.3, u64::MAX)
    } else if matches!(p.hub_count, HubCount::Free) {
        (0.25, 1, 0.1, 0)
    } else {
        (0.4, VNS_RESTARTS, 0.1, 0)
    };
    ExactShares {
        vns: limit * vns,
        vns_fails,
        lns: limit * lns,
        lns_restarts,
        mip_reserve: if p.units.len() > 40 { 0.1 * limit } else { 0.0 },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::generate::{cpmp, ward_like};

    /// The overruns the module names; every other phase ends by the limit.
    fn overrun_allowed(name: &str) -> bool {
        matches!(name, "MIP" | "final bound")
    }

    fn problems() -> Vec<Problem> {
        vec![
            cpmp(50, 5, 0.8, 1),
            cpmp(150, 10, 0.85, 2),
            cpmp(2_500, 50, 0.8, 3),
            ward_like(300, 3, 1),
        ]
    }

    #[test]
    fn phases_are_contiguous_and_end_at_the_limit() {
        for p in problems() {
            for limit in [0.001, 0.3, 1.0, 10.0, 30.0, 300.0] {
                for mode in [Mode::Auto, Mode::Exact, Mode::Heuristic] {
                    let s = Schedule::new(&p, limit, mode);
                    for early in [EarlyBound::Converged, EarlyBound::Open, EarlyBound::Missing] {
                        for restricted in [false, true] {
                            let phases = s.nominal(early, restricted);
                            let ctx = format!("{} T={limit} {mode:?} {early:?}", p.name);
                            let mut at = 0.0;
                            for &(name, start, end) in &phases {
                                assert!((start - at).abs() < 1e-12, "{ctx}: gap before {name}");
                                assert!(
                                    end >= start - 1e-12,
                                    "{ctx}: {name} ends before it starts"
                                );
                                assert!(
                                    end <= limit + 1e-12 || overrun_allowed(name),
                                    "{ctx}: {name} ends at {end}, past the limit"
                                );
                                at = end;
                            }
                            // Shares sum to the limit, or to the limit plus a named floor.
                            let total: f64 = phases.iter().map(|x| x.2 - x.1).sum();
                            let floors = FINAL_BOUND_FLOOR + EXACT_MIP_FLOOR;
                            assert!(total >= limit - 1e-9, "{ctx}: {total} < {limit}");
                            assert!(total <= limit + floors + 1e-9, "{ctx}: {total}");
                            if limit >= 10.0 && early == EarlyBound::Converged {
                                assert!((total - limit).abs() < 1e-9, "{ctx}: {total}");
                            }
                        }
                    }
                }
            }
        }
    }

    fn near(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn shares_keep_their_measured_figures() {
        let oc = cpmp(50, 5, 0.8, 1);
        let s = Schedule::new(&oc, 1.0, Mode::Exact);
        assert!(near(s.starts, 0.05) && near(s.early_bound, 0.4));
        assert!(near(s.exact.vns, 0.4) && near(s.exact.lns, 0.1));
        assert_eq!((s.exact.vns_fails, s.exact.lns_restarts), (VNS_RESTARTS, 0));
        assert!(near(s.exact.mip_reserve, 0.1) && near(s.sub_mip, 0.5));
        let s = Schedule::new(&oc, 30.0, Mode::Heuristic);
        assert!(near(s.starts, 0.9) && near(s.early_bound, 3.0) && near(s.sub_mip, 2.0));
        assert!(near(s.final_bound(EarlyBound::Converged), 1.5));
        assert!(near(s.final_bound(EarlyBound::Open), 1.5));
        assert!(near(s.final_bound(EarlyBound::Missing), 4.5));
        // Two sub-MIPs of 2 s: below 4 s the VNS keeps the LNS's share.
        assert_eq!((s.vns_of_ils(4.1), s.vns_of_ils(3.9)), (0.85, 1.0));
        let short = Schedule::new(&oc, 0.2, Mode::Heuristic);
        assert!(near(short.final_bound(EarlyBound::Open), 0.08));
        let ward = ward_like(300, 3, 1);
        assert_eq!(ward.hub_count, HubCount::Free);
        let s = Schedule::new(&ward, 10.0, Mode::Heuristic);
        assert_eq!((s.heuristic.ils, s.vns_of_ils(0.1)), (0.5, 0.5));
        assert_eq!((s.restarts(true), s.restarts(false)), (0.3, 1.0));
    }

    #[test]
    fn auto_picks_the_heuristic_when_the_root_does_not_fit() {
        // Every point is a candidate hub: n² arcs.
        let p = cpmp(2_500, 50, 0.8, 3); // 6.25 M arcs: over the exact limit
        assert_eq!(resolve_mode(&p, Mode::Auto, 300.0), Mode::Heuristic);
        let p = cpmp(50, 5, 0.8, 1); // 2,500 arcs: root 0.5 s
        assert_eq!(resolve_mode(&p, Mode::Auto, 1.0), Mode::Exact);
        assert_eq!(resolve_mode(&p, Mode::Auto, 0.9), Mode::Heuristic);
        assert_eq!(resolve_mode(&p, Mode::Exact, 0.001), Mode::Exact);
    }
}
