//! Infeasibility diagnosis before solving: cheap necessary conditions, each reported
//! with its numbers and the names of the units or hubs involved. An empty diagnosis does
//! not prove feasibility (bin packing is hard), but every finding proves infeasibility.

use super::problem::{Arcs, HubCount, Problem};
use super::{Diagnosis, Finding};

/// Allowed hubs of every unit. Euclidean arcs without a distance cut allow every hub and
/// are not listed (`None`), so 50k-unit problems stay cheap.
fn allowed_lists(p: &Problem) -> Option<Vec<Vec<u32>>> {
    match &p.arcs {
        Arcs::Euclidean { max_dist: None, .. } | Arcs::Dense { .. } => None,
        Arcs::Euclidean {
            max_dist: Some(r),
            truncate: _,
        } => {
            let tree = super::cand::hub_tree(p);
            Some(
                p.units
                    .iter()
                    .map(|u| {
                        let a = u.xy.expect("validated");
                        let mut v: Vec<u32> = tree
                            .locate_within_distance(a, r * r)
                            .map(|hp| hp.data)
                            .collect();
                        v.sort_unstable();
                        v
                    })
                    .collect(),
            )
        }
        Arcs::Sparse { per_unit } => Some(
            per_unit
                .iter()
                .map(|l| {
                    let mut v: Vec<u32> = l.iter().map(|x| x.0).collect();
                    v.sort_unstable();
                    v.dedup();
                    v
                })
                .collect(),
        ),
    }
}

/// The cheap necessary conditions that fail for `p` (empty: none found).
pub fn diagnose(p: &Problem) -> Diagnosis {
    let n = p.units.len();
    let m = p.hubs.len();
    let dims = p.dims();
    let mut findings = Vec::new();
    let lists = allowed_lists(p);
    let allowed = |u: usize| -> Vec<u32> {
        match &lists {
            Some(l) => l[u].clone(),
            None => (0..m as u32).collect(),
        }
    };
    // Reachable load per hub: what it could carry if it took every unit it may take.
    let mut reach = vec![0.0; m * dims];
    match &lists {
        Some(l) => {
            for (u, hs) in l.iter().enumerate() {
                for &h in hs {
                    for d in 0..dims {
                        reach[h as usize * dims + d] += p.units[u].load[d];
                    }
                }
            }
        }
        None => {
            let total: Vec<f64> = (0..dims)
                .map(|d| p.units.iter().map(|u| u.load[d]).sum())
                .collect();
            for h in 0..m {
                reach[h * dims..(h + 1) * dims].copy_from_slice(&total);
            }
        }
    }
    // A hub is usable when it can reach its minimum and, under the own-unit rule, may
    // serve its own unit.
    let mut usable = vec![true; m];
    for (h, hub) in p.hubs.iter().enumerate() {
        for d in 0..dims {
            if hub.min_load[d] > reach[h * dims + d] + 1e-9 {
                findings.push(Finding::MinimumUnreachable {
                    hub: h,
                    dim: d,
                    minimum: hub.min_load[d],
                    reachable: reach[h * dims + d],
                });
                usable[h] = false;
            }
            if hub.min_load[d] > hub.capacity[d] {
                findings.push(Finding::Other(format!(
                    "hub {h} ({}): minimum {} {} exceeds its capacity {}",
                    hub.name, hub.min_load[d], p.dim_names[d], hub.capacity[d]
                )));
                usable[h] = false;
            }
        }
        if p.hub_serves_own_unit {
            if let Some(o) = hub.own_unit {
                let ok = p.cost(o, h).is_some()
                    && (0..dims).all(|d| p.units[o].load[d] <= hub.capacity[d]);
                if !ok {
                    usable[h] = false;
                }
            }
        }
    }
    // Hub-level minimum findings matter only when they leave something infeasible;
    // keep them for the record only when a unit or the count is then blocked.
    let mut blocking = false;
    for u in 0..n {
        let hs = allowed(u);
        let unit = &p.units[u];
        if hs.is_empty() {
            findings.push(Finding::NoAllowedHub { unit: u });
            blocking = true;
            continue;
        }
        let fits = |h: usize| (0..dims).all(|d| unit.load[d] <= p.hubs[h].capacity[d] + 1e-9);
        if hs.iter().any(|&h| usable[h as usize] && fits(h as usize)) {
            continue;
        }
        blocking = true;
        let mut reported = false;
        for d in 0..dims {
            let largest = hs
                .iter()
                .map(|&h| p.hubs[h as usize].capacity[d])
                .fold(f64::NEG_INFINITY, f64::max);
            if unit.load[d] > largest + 1e-9 {
                findings.push(Finding::UnitTooHeavy {
                    unit: u,
                    dim: d,
                    load: unit.load[d],
                    largest_capacity: largest,
                });
                reported = true;
            }
        }
        if !reported {
            findings.push(Finding::Other(format!(
                "unit {u} ({}) fits no hub it may use that can open (capacity in every dimension, minimum load, own-unit rule)",
                unit.name
            )));
        }
    }
    let n_usable = usable.iter().filter(|&&b| b).count();
    let (lo, hi) = match p.hub_count {
        HubCount::Free => (0, m),
        HubCount::Exact(k) => (k, k),
        HubCount::Range(a, b) => (a, b),
    };
    if lo > hi {
        findings.push(Finding::Other(format!(
            "the hub count range {lo}..={hi} is empty"
        )));
        blocking = true;
    }
    // Every open hub serves at least one unit, so at most n hubs can open.
    let available = n_usable.min(n);
    if lo > available {
        findings.push(Finding::TooFewHubs {
            required: lo,
            available,
        });
        blocking = true;
    }
    let max_hubs = hi.min(n_usable);
    for d in 0..dims {
        let total: f64 = p.units.iter().map(|u| u.load[d]).sum();
        let mut caps: Vec<f64> = (0..m)
            .filter(|&h| usable[h])
            .map(|h| p.hubs[h].capacity[d])
            .collect();
        caps.sort_by(|a, b| b.total_cmp(a));
        let max_capacity: f64 = caps.iter().take(max_hubs).sum();
        if total > max_capacity + 1e-9 * total.abs().max(1.0) {
            findings.push(Finding::CapacityShort {
                dim: d,
                total_load: total,
                max_capacity,
                max_hubs,
            });
            blocking = true;
        }
    }
    if !blocking {
        findings.retain(|f| !matches!(f, Finding::MinimumUnreachable { .. }));
    }
    Diagnosis { findings }
}

impl Diagnosis {
    /// One English sentence per finding, naming units and hubs.
    pub fn describe(&self, p: &Problem) -> Vec<String> {
        self.findings.iter().map(|f| describe(f, p)).collect()
    }
}

fn dim_name(p: &Problem, d: usize) -> &str {
    p.dim_names.get(d).map(String::as_str).unwrap_or("load")
}

/// One English sentence for `f`, naming units and hubs.
pub fn describe(f: &Finding, p: &Problem) -> String {
    match f {
        Finding::CapacityShort { dim, total_load, max_capacity, max_hubs } => format!(
            "total {} is {total_load}, but the {max_hubs} largest hubs that may open hold only {max_capacity}",
            dim_name(p, *dim)
        ),
        Finding::UnitTooHeavy { unit, dim, load, largest_capacity } => format!(
            "unit {} needs {load} {}, more than the largest capacity {largest_capacity} of any hub it may use",
            p.units[*unit].name,
            dim_name(p, *dim)
        ),
        Finding::NoAllowedHub { unit } => format!("unit {} has no hub it may be assigned to", p.units[*unit].name),
        Finding::MinimumUnreachable { hub, dim, minimum, reachable } => format!(
            "hub {} needs at least {minimum} {} but all units it may serve total {reachable}",
            p.hubs[*hub].name,
            dim_name(p, *dim)
        ),
        Finding::TooFewHubs { required, available } => {
            format!("{required} hubs must open, but only {available} can")
        }
        Finding::Other(s) => s.clone(),
    }
}
