//! End-to-end engine tests: tiny random instances against brute force, determinism,
//! infeasibility diagnosis, and pmedcap1 instance 1. Every solution is re-checked.

use matome::solve::check::check;
use matome::solve::{
    solve, Arcs, Finding, Hub, HubCount, Mode, Problem, Solution, SolveError, SolveParams,
    SolveReport, Stop, Unit,
};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::time::Duration;

/// Tiny problem with two load dimensions, fixed costs, minimum loads, sparse arcs and
/// the own-unit rule, so that every constraint kind is exercised.
fn tiny(seed: u64, count: HubCount, own_rule: bool) -> Problem {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let n = 7;
    let m = 4;
    let units: Vec<Unit> = (0..n)
        .map(|i| Unit {
            name: format!("u{i}"),
            load: vec![
                rng.random_range(1..10) as f64,
                rng.random_range(1..5) as f64,
            ],
            xy: None,
        })
        .collect();
    let hubs: Vec<Hub> = (0..m)
        .map(|j| Hub {
            name: format!("h{j}"),
            fixed_cost: rng.random_range(0..30) as f64,
            capacity: vec![
                rng.random_range(18..30) as f64,
                rng.random_range(8..14) as f64,
            ],
            min_load: vec![if j == 0 { 6.0 } else { 0.0 }, 0.0],
            xy: None,
            own_unit: Some(j),
        })
        .collect();
    let per_unit = (0..n)
        .map(|u| {
            let mut arcs = Vec::new();
            for h in 0..m as u32 {
                let keep = h as usize == u || rng.random::<f64>() < 0.8;
                let cost = rng.random_range(0..40) as f64;
                if keep {
                    arcs.push((h, cost));
                }
            }
            arcs
        })
        .collect();
    Problem::new(
        "tiny",
        vec!["hours".into(), "yen".into()],
        units,
        hubs,
        Arcs::Sparse { per_unit },
        count,
        own_rule,
    )
    .unwrap()
}

fn brute_force(p: &Problem) -> Option<f64> {
    let n = p.units.len();
    let m = p.hubs.len();
    let mut best: Option<f64> = None;
    let mut a = vec![0u32; n];
    loop {
        let r = check(p, &Solution { assign: a.clone() });
        if r.feasible && best.is_none_or(|b| r.objective < b) {
            best = Some(r.objective);
        }
        let mut i = 0;
        loop {
            if i == n {
                return best;
            }
            a[i] += 1;
            if (a[i] as usize) < m {
                break;
            }
            a[i] = 0;
            i += 1;
        }
    }
}

/// The tests' time limit: generous, since most runs end by proving their plan.
fn ten_seconds() -> Stop {
    Stop::after(Duration::from_secs(10))
}

fn params(mode: Mode, seed: u64) -> SolveParams {
    SolveParams {
        rel_gap: 1e-6,
        seed,
        threads: 1,
        mode,
        progress: None,
    }
}

fn checked(p: &Problem, r: &SolveReport) {
    let c = check(p, &r.solution);
    assert!(c.feasible, "{:?}", c.violations);
    assert!((c.objective - r.objective).abs() < 1e-6);
    assert!(r.lower_bound <= r.objective + 1e-6);
}

#[test]
fn tiny_instances_match_brute_force() {
    let mut solved = 0;
    for seed in 0..12u64 {
        for (count, own) in [
            (HubCount::Free, true),
            (HubCount::Exact(2), false),
            (HubCount::Range(1, 2), true),
        ] {
            let p = tiny(seed, count, own);
            let opt = brute_force(&p);
            // A time limit, and a work budget alone (no clock at all).
            let runs = [
                (Mode::Exact, ten_seconds()),
                (Mode::Heuristic, ten_seconds()),
                (Mode::Exact, Stop::work(20_000)),
                (Mode::Heuristic, Stop::work(20_000)),
            ];
            for (mode, stop) in runs {
                match (solve(&p, stop, &params(mode, 1)), opt) {
                    (Ok(r), Some(o)) => {
                        checked(&p, &r);
                        assert!(
                            r.lower_bound <= o + 1e-6,
                            "bound {} above optimum {o} ({mode:?})",
                            r.lower_bound
                        );
                        if mode == Mode::Exact {
                            assert!(
                                (r.objective - o).abs() < 1e-6,
                                "seed {seed} {count:?}: {} vs {o}",
                                r.objective
                            );
                        } else {
                            assert!(r.objective >= o - 1e-6);
                        }
                        solved += 1;
                    }
                    (Ok(r), None) => {
                        panic!("solver found {} on an infeasible instance", r.objective)
                    }
                    (Err(SolveError::Infeasible(_)), None)
                    | (Err(SolveError::NoSolution), None) => {}
                    (Err(e), o) => panic!("seed {seed} {count:?} {mode:?}: {e} (optimum {o:?})"),
                }
            }
        }
    }
    assert!(solved >= 40, "too few feasible tiny instances ({solved})");
}

/// Whole-pipeline runs under a work budget (no deadline) repeat exactly: the same seed
/// gives the same plan, bound and source, in both modes, whatever the machine's load,
/// and on one thread as on two.
#[test]
fn same_seed_same_solution_under_a_work_limit() {
    // Every point is a candidate hub: 10,000 arcs for the heuristic pipeline, 3,600
    // for the exact one (a work budget bounds HiGHS's nodes, not its root LP).
    let big = matome::bench::generate::cpmp(100, 8, 0.85, 7);
    let small = matome::bench::generate::cpmp(60, 6, 0.8, 7);
    for (p, mode, work) in [
        (&big, Mode::Heuristic, 20_000),
        (&small, Mode::Exact, 8_000),
    ] {
        let mut prm = params(mode, 3);
        if std::env::var_os("MATOME_TEST_PROGRESS").is_some() {
            prm.progress = Some(std::sync::Arc::new(|m: &str| eprintln!("{m}")));
        }
        let a = solve(p, Stop::work(work), &prm).unwrap();
        let b = solve(p, Stop::work(work), &prm).unwrap();
        prm.threads = 2;
        let c = solve(p, Stop::work(work), &prm).unwrap();
        checked(p, &a);
        for other in [&b, &c] {
            assert_eq!(a.solution, other.solution, "{mode:?}");
            assert_eq!(a.lower_bound, other.lower_bound, "{mode:?}");
            assert_eq!(a.bound_source, other.bound_source, "{mode:?}");
        }
    }
}

/// Independent parts run one solver thread each, so under a work budget the plan does
/// not depend on how many run side by side.
#[test]
fn parts_give_the_same_plan_on_one_and_two_threads_under_a_work_limit() {
    let p = matome::bench::generate::ward_like(240, 3, 4);
    let mut prm = params(Mode::Heuristic, 9);
    let one = solve(&p, Stop::work(6_000), &prm).unwrap();
    prm.threads = 2;
    let two = solve(&p, Stop::work(6_000), &prm).unwrap();
    checked(&p, &one);
    assert_eq!(one.solution, two.solution);
    assert_eq!(one.lower_bound, two.lower_bound);
}

/// LNS under a round limit: identical for the same seed on 1 and 2 threads.
#[test]
fn lns_rounds_repeat_on_one_and_two_threads() {
    use matome::solve::{cand::Candidates, construct, lns, local, state::State};
    let p = matome::bench::generate::cpmp(600, 20, 0.8, 7);
    let prm = params(Mode::Heuristic, 3);
    let cand = Candidates::build(&p, 30);
    let far = std::time::Instant::now() + Duration::from_secs(600);
    let run = |threads: usize| -> Solution {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let mut st: State = construct::construct(&p, &cand, &mut rng).unwrap();
        local::local_search(&mut st, &cand, far);
        let mut lp = matome::solve::lns_params(&p, &prm, 30.0);
        lp.max_rounds = 4;
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        lns::lns(&mut st, &cand, &lp, far, &pool);
        st.solution()
    };
    let one = run(1);
    let two = run(2);
    assert!(check(&p, &one).feasible);
    assert_eq!(one, two);
}

#[test]
fn infeasible_instance_is_diagnosed() {
    let units = vec![
        Unit {
            name: "school A".into(),
            load: vec![5.0],
            xy: None,
        },
        Unit {
            name: "library B".into(),
            load: vec![50.0],
            xy: None,
        },
        Unit {
            name: "park C".into(),
            load: vec![5.0],
            xy: None,
        },
    ];
    let hubs = vec![
        Hub {
            name: "H1".into(),
            fixed_cost: 1.0,
            capacity: vec![20.0],
            min_load: vec![0.0],
            xy: None,
            own_unit: None,
        },
        Hub {
            name: "H2".into(),
            fixed_cost: 1.0,
            capacity: vec![20.0],
            min_load: vec![0.0],
            xy: None,
            own_unit: None,
        },
    ];
    let arcs = Arcs::Sparse {
        per_unit: vec![vec![(0, 1.0)], vec![(0, 1.0), (1, 1.0)], vec![]],
    };
    let p = Problem::new(
        "bad",
        vec!["hours".into()],
        units,
        hubs,
        arcs,
        HubCount::Exact(1),
        false,
    )
    .unwrap();
    let Err(SolveError::Infeasible(d)) = solve(&p, ten_seconds(), &params(Mode::Auto, 1)) else {
        panic!("expected a diagnosis")
    };
    assert!(
        d.findings.contains(&Finding::NoAllowedHub { unit: 2 }),
        "{:?}",
        d.findings
    );
    assert!(
        d.findings
            .iter()
            .any(|f| matches!(f, Finding::UnitTooHeavy { unit: 1, .. })),
        "{:?}",
        d.findings
    );
    assert!(
        d.findings
            .iter()
            .any(|f| matches!(f, Finding::CapacityShort { .. })),
        "{:?}",
        d.findings
    );
    let text = d.describe(&p).join("\n");
    assert!(
        text.contains("park C") && text.contains("library B"),
        "{text}"
    );
}

#[test]
fn pmedcap1_instance_1_solves_to_713() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/benchmarks/cpmp/osman_christofides/pmedcap1_01.txt");
    if !path.exists() {
        println!("skipped: {} is absent", path.display());
        return;
    }
    let inst = matome::bench::read_instance(&path, None).unwrap();
    let r = solve(&inst.problem, ten_seconds(), &params(Mode::Auto, 1)).unwrap();
    checked(&inst.problem, &r);
    assert_eq!(r.objective, 713.0);
    assert_eq!(r.lower_bound, 713.0);
}

#[test]
fn vns_keeps_plans_feasible_never_worsens_and_repeats_under_a_work_limit() {
    use matome::solve::vns::{vns, VnsParams};
    use matome::solve::{cand::Candidates, construct, local, state::State};
    let far = std::time::Instant::now() + Duration::from_secs(600);
    // A CPMP (fixed count, own-unit rule) and tiny problems with free and ranged
    // counts, two loads and minimum loads (close-only and open-only moves).
    let mut problems = vec![matome::bench::generate::cpmp(300, 10, 0.85, 3)];
    for seed in 0..12u64 {
        problems.push(tiny(seed, HubCount::Free, true));
        problems.push(tiny(seed, HubCount::Range(1, 3), false));
    }
    let mut improved = 0;
    for p in &problems {
        let cand = Candidates::build(p, 30);
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let Some(mut start) = construct::construct(p, &cand, &mut rng) else {
            continue;
        };
        local::local_search(&mut start, &cand, far);
        if !check(p, &start.solution()).feasible {
            continue;
        }
        let run = || -> State {
            let mut st = start.clone();
            let mut vp = VnsParams::new(4);
            vp.max_evaluations = 3_000;
            vns(&mut st, &cand, &vp, far);
            st
        };
        let a = run();
        let b = run();
        let c = check(p, &a.solution());
        assert!(c.feasible, "{}: {:?}", p.name, c.violations);
        assert!((c.objective - a.cost).abs() < 1e-6 * c.objective.abs().max(1.0));
        assert!(a.cost <= start.cost + 1e-9, "{}: VNS made it worse", p.name);
        assert_eq!(a.solution(), b.solution(), "{}: not repeatable", p.name);
        if a.cost < start.cost - 1e-9 {
            improved += 1;
        }
    }
    // The CPMP start (construction + local search) is far from optimal: the VNS must
    // find something.
    assert!(improved >= 1, "the VNS improved no start");
}

/// A trial change recorded in the state's journal and rolled back leaves exactly the
/// plan it started from (assignment, costs, loads, member sets, open count), whatever
/// mix of moves it made; the record names every hub the change touched.
#[test]
fn journal_rollback_restores_the_plan() {
    use matome::solve::state::State;
    for seed in 0..20 {
        let p = tiny(seed, HubCount::Free, false);
        let n = p.units.len();
        let m = p.hubs.len();
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut st = State::empty(&p);
        for u in 0..n {
            let h = rng.random_range(0..m);
            st.put(u, h, p.cost(u, h).unwrap_or(7.0));
        }
        st.start_journal();
        for round in 0..3 {
            let before = st.clone();
            let mark = st.mark();
            let mut moved = std::collections::BTreeSet::new();
            for _ in 0..rng.random_range(1..12) {
                let u = rng.random_range(0..n);
                let h = rng.random_range(0..m);
                moved.insert(st.assign[u] as usize);
                moved.insert(h);
                st.shift(u, h, rng.random_range(0..50) as f64);
            }
            let touched: std::collections::BTreeSet<usize> = st.touched_since(mark).collect();
            assert_eq!(touched, moved, "seed {seed} round {round}");
            st.rollback(mark);
            assert_eq!(st.assign, before.assign);
            assert_eq!(st.acost, before.acost);
            assert_eq!(st.load, before.load);
            assert_eq!(st.n_open, before.n_open);
            assert_eq!(st.cost, before.cost);
            for h in 0..m {
                let mut a = st.members[h].clone();
                let mut b = before.members[h].clone();
                a.sort_unstable();
                b.sort_unstable();
                assert_eq!(a, b, "seed {seed} hub {h}");
            }
            // Keep a change so that the next round starts elsewhere.
            let u = rng.random_range(0..n);
            st.shift(u, rng.random_range(0..m), 1.0);
            st.clear_journal();
        }
    }
}

/// A Lagrangian run warm-started from an earlier run's best multipliers starts at that
/// run's bound: its first iteration evaluates them, so even a short run is never below.
#[test]
fn lagrangian_warm_start_keeps_the_earlier_bound() {
    use matome::bench::generate::cpmp;
    use matome::solve::lagr::{lagrangian_bound, LagrRun};
    use matome::solve::{cand::Candidates, construct};
    use std::time::Instant;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    for seed in 0..2 {
        let p = cpmp(200, 10, 0.85, seed);
        // A constructed plan: its cost is the incumbent, its costs the first λ.
        let cand = Candidates::build(&p, 30);
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let st = construct::construct(&p, &cand, &mut rng).unwrap();
        let (ub, start) = (st.cost, st.acost.clone());
        let limits = |warm, deadline, max_iterations| LagrRun {
            warm,
            deadline,
            max_iterations,
            integral_costs: false,
        };
        let far = Instant::now() + Duration::from_secs(600);
        let first = lagrangian_bound(&p, ub, &start, &limits(None, far, 5), &pool);
        assert!(first.bound.is_finite() && first.iterations > 1);
        // One iteration: it evaluates the warm multipliers.
        let warm_run = limits(Some(&first.lambda), far, 1);
        let warm = lagrangian_bound(&p, ub, &start, &warm_run, &pool);
        assert!(warm.iterations >= 1);
        assert!(
            warm.bound >= first.bound - 1e-9 * first.bound.abs(),
            "seed {seed}: warm {} below {}",
            warm.bound,
            first.bound
        );
    }
}
