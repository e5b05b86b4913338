//! Criterion benches of the engine's building blocks on generated CPMP instances of
//! 1,000, 10,000 and 50,000 units: construction, one local-search run, one LNS round.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use matome::bench::generate::cpmp;
use matome::solve::{cand::Candidates, construct, lns, local, SolveParams};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::time::{Duration, Instant};

const SIZES: [(usize, usize); 3] = [(1_000, 20), (10_000, 200), (50_000, 1_000)];

fn benches(c: &mut Criterion) {
    let mut g = c.benchmark_group("engine");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(20));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    for (n, p) in SIZES {
        let prob = cpmp(n, p, 0.8, 1);
        let cand = Candidates::build(&prob, 40);
        cand.inverse();
        g.bench_with_input(BenchmarkId::new("construction", n), &n, |b, _| {
            b.iter(|| {
                let mut rng = ChaCha8Rng::seed_from_u64(1);
                construct::construct(&prob, &cand, &mut rng).expect("feasible")
            })
        });
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let start = construct::construct(&prob, &cand, &mut rng).expect("feasible");
        g.bench_with_input(BenchmarkId::new("local_search", n), &n, |b, _| {
            b.iter(|| {
                let mut st = start.clone();
                local::local_search(&mut st, &cand, Instant::now() + Duration::from_secs(120));
                st.cost
            })
        });
        let mut improved = start.clone();
        local::local_search(
            &mut improved,
            &cand,
            Instant::now() + Duration::from_secs(120),
        );
        let params = SolveParams {
            threads: 1,
            ..Default::default()
        };
        g.bench_with_input(BenchmarkId::new("lns_round", n), &n, |b, _| {
            b.iter(|| {
                let mut st = improved.clone();
                let mut lp = matome::solve::lns_params(&prob, &params, 30.0);
                lp.max_rounds = 1;
                lns::lns(
                    &mut st,
                    &cand,
                    &lp,
                    Instant::now() + Duration::from_secs(120),
                    &pool,
                );
                st.cost
            })
        });
    }
    g.finish();
}

criterion_group!(engine, benches);
criterion_main!(engine);
