//! Candidate hub lists: for each unit, its allowed hubs sorted by assignment cost,
//! optionally cut to the k cheapest. Euclidean arcs use an R*-tree over hub points so
//! that 50k units never need an n×n matrix.

use super::problem::{Arcs, Problem};
use rstar::{primitives::GeomWithData, RTree};
use std::sync::OnceLock;

type HubPoint = GeomWithData<[f64; 2], u32>;

/// Per-unit allowed hubs, cheapest first, and their inverse (built once, on first use).
#[derive(Debug, Clone)]
pub struct Candidates {
    /// For each unit, (hub, cost) cheapest first (ties by hub index).
    pub per_unit: Vec<Vec<(u32, f64)>>,
    /// True when every allowed arc is listed (no cut to k).
    pub complete: bool,
    hubs: usize,
    inverse: OnceLock<Vec<Vec<u32>>>,
    listing: OnceLock<Vec<Vec<(u32, f64)>>>,
}

impl Candidates {
    /// The k cheapest allowed hubs of every unit (`usize::MAX` for all of them).
    pub fn build(p: &Problem, k: usize) -> Candidates {
        let n = p.units.len();
        let m = p.hubs.len();
        let mut cut = vec![false; n];
        let per_unit: Vec<Vec<(u32, f64)>> = match &p.arcs {
            Arcs::Euclidean { truncate, max_dist } => {
                let tree = hub_tree(p);
                let cut = &mut cut;
                (0..n)
                    .map(|u| {
                        let a = p.units[u]
                            .xy
                            .expect("validated: Euclidean arcs have coordinates");
                        let mut out = Vec::new();
                        for hp in tree.nearest_neighbor_iter(&a) {
                            let b = hp.geom();
                            let d = ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt();
                            if max_dist.is_some_and(|md| d > md) {
                                break;
                            }
                            if out.len() >= k {
                                cut[u] = true;
                                break;
                            }
                            out.push((hp.data, if *truncate { d.floor() } else { d }));
                        }
                        // Floor can reorder ties; a stable sort keeps it deterministic.
                        out.sort_by(|x, y| x.1.total_cmp(&y.1).then(x.0.cmp(&y.0)));
                        out
                    })
                    .collect()
            }
            Arcs::Dense { costs } => (0..n)
                .map(|u| {
                    let mut v: Vec<(u32, f64)> =
                        (0..m).map(|h| (h as u32, costs[h * n + u])).collect();
                    v.sort_by(|x, y| x.1.total_cmp(&y.1).then(x.0.cmp(&y.0)));
                    if v.len() > k {
                        cut[u] = true;
                        v.truncate(k);
                    }
                    v
                })
                .collect(),
            Arcs::Sparse { per_unit } => per_unit
                .iter()
                .enumerate()
                .map(|(u, l)| {
                    let mut v = l.clone();
                    // Keep the cheapest arc when a pair is listed twice.
                    v.sort_by(|x, y| x.0.cmp(&y.0).then(x.1.total_cmp(&y.1)));
                    v.dedup_by_key(|x| x.0);
                    v.sort_by(|x, y| x.1.total_cmp(&y.1).then(x.0.cmp(&y.0)));
                    if v.len() > k {
                        cut[u] = true;
                        v.truncate(k);
                    }
                    v
                })
                .collect(),
        };
        let complete = !cut.iter().any(|&c| c);
        Candidates {
            per_unit,
            complete,
            hubs: m,
            inverse: OnceLock::new(),
            listing: OnceLock::new(),
        }
    }

    /// Number of listed arcs.
    pub fn arcs(&self) -> usize {
        self.per_unit.iter().map(|l| l.len()).sum()
    }

    /// The lists inverted: for every hub, the units that list it, in unit order
    /// (computed once per `Candidates`, on first use).
    pub fn inverse(&self) -> &[Vec<u32>] {
        self.inverse.get_or_init(|| {
            let mut inv = vec![Vec::new(); self.hubs];
            for (u, l) in self.per_unit.iter().enumerate() {
                for &(h, _) in l {
                    inv[h as usize].push(u as u32);
                }
            }
            inv
        })
    }

    /// [`Candidates::inverse`] with each unit's cost at the hub: `(unit, cost)` for every
    /// unit that lists the hub (computed once, on first use; at 50,000 units it holds
    /// millions of entries, so every VNS chain and restart shares it).
    pub fn listing(&self) -> &[Vec<(u32, f64)>] {
        self.listing.get_or_init(|| {
            let mut inv = vec![Vec::new(); self.hubs];
            for (u, l) in self.per_unit.iter().enumerate() {
                for &(h, c) in l {
                    inv[h as usize].push((u as u32, c));
                }
            }
            inv
        })
    }
}

/// R*-tree over hub coordinates (Euclidean problems only).
pub fn hub_tree(p: &Problem) -> RTree<HubPoint> {
    RTree::bulk_load(
        p.hubs
            .iter()
            .enumerate()
            .map(|(h, hub)| {
                GeomWithData::new(
                    hub.xy.expect("validated: Euclidean arcs have coordinates"),
                    h as u32,
                )
            })
            .collect(),
    )
}

/// Number of allowed arcs of the full model (an upper estimate with a distance cut).
pub fn full_arc_count(p: &Problem) -> usize {
    match &p.arcs {
        Arcs::Euclidean { .. } | Arcs::Dense { .. } => p.units.len() * p.hubs.len(),
        Arcs::Sparse { per_unit } => per_unit.iter().map(|l| l.len()).sum(),
    }
}
