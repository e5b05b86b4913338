//! Generated CPMP instances for scale tests and criterion benches: clustered points on a
//! 10,000 × 10,000 square, integer demands 1..=100, every point a candidate hub with one
//! capacity chosen for a fill of `fill` (0.8 like p3038).

use crate::solve::{Arcs, Hub, HubCount, Problem, Unit};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A CPMP of `n` points and `p` hubs, capacities for a fill of `fill`.
pub fn cpmp(n: usize, p: usize, fill: f64, seed: u64) -> Problem {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let centres: Vec<[f64; 2]> = (0..(n / 200).max(3))
        .map(|_| {
            [
                rng.random::<f64>() * 10_000.0,
                rng.random::<f64>() * 10_000.0,
            ]
        })
        .collect();
    let mut pts = Vec::with_capacity(n);
    for _ in 0..n {
        let xy = if rng.random::<f64>() < 0.3 {
            [
                rng.random::<f64>() * 10_000.0,
                rng.random::<f64>() * 10_000.0,
            ]
        } else {
            let c = centres[rng.random_range(0..centres.len())];
            // Box–Muller normal around the centre.
            let r = (-2.0 * rng.random::<f64>().max(1e-12).ln()).sqrt() * 400.0;
            let a = rng.random::<f64>() * std::f64::consts::TAU;
            [
                (c[0] + r * a.cos()).clamp(0.0, 10_000.0),
                (c[1] + r * a.sin()).clamp(0.0, 10_000.0),
            ]
        };
        let d = rng.random_range(1..=100) as f64;
        pts.push((xy, d));
    }
    let total: f64 = pts.iter().map(|x| x.1).sum();
    let cap = (total / (p as f64 * fill)).ceil().max(100.0);
    let pts: Vec<([f64; 2], f64, f64)> = pts.iter().map(|&(xy, d)| (xy, d, cap)).collect();
    super::read::points_cpmp(format!("gen_cpmp_{n}_{p}_s{seed}"), &pts, p, false)
        .expect("generated data is well-formed")
}

/// A problem shaped like a ward plan: `n` facility units in `areas` side-by-side areas,
/// two load dimensions (hours, yen), every unit a candidate hub serving itself, a fixed
/// cost per open hub and arcs only within an area (the `within_area` rule).
pub fn ward_like(n: usize, areas: usize, seed: u64) -> Problem {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let areas = areas.max(1);
    let mut area_of = Vec::with_capacity(n);
    let mut units = Vec::with_capacity(n);
    for i in 0..n {
        let a = i % areas;
        area_of.push(a);
        let xy = [
            a as f64 * 3.0 + rng.random::<f64>() * 3.0,
            rng.random::<f64>() * 6.0,
        ];
        let hours = 20.0 + rng.random::<f64>().powi(2) * 1_500.0;
        let yen = hours * (4_000.0 + rng.random::<f64>() * 4_000.0);
        units.push(Unit {
            name: format!("facility F{:04}", i + 1),
            load: vec![hours, yen],
            xy: Some(xy),
        });
    }
    let hubs: Vec<Hub> = (0..n)
        .map(|i| Hub {
            name: format!("hub at F{:04}", i + 1),
            fixed_cost: 3_000_000.0,
            capacity: vec![25_000.0, 150_000_000.0],
            min_load: vec![0.0, 10_000_000.0],
            xy: units[i].xy,
            own_unit: Some(i),
        })
        .collect();
    let per_unit = (0..n)
        .map(|u| {
            let a = units[u].xy.expect("set above");
            (0..n)
                .filter(|&h| area_of[h] == area_of[u])
                .map(|h| {
                    let b = units[h].xy.expect("set above");
                    let km = ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt() * 1.3;
                    // 24 visits a year, a round trip, 40 yen/km, plus 2 staff-hours of travel at 5,000 yen/h per 10 km.
                    (h as u32, (24.0 * 2.0 * km * (40.0 + 1_000.0)).round())
                })
                .collect()
        })
        .collect();
    Problem::new(
        format!("ward_like_{n}_{areas}_s{seed}"),
        vec!["hours".into(), "yen".into()],
        units,
        hubs,
        Arcs::Sparse { per_unit },
        HubCount::Free,
        true,
    )
    .expect("generated data is well-formed")
}
