//! Splits a problem into independent parts when no arc (and no own-unit link) joins
//! them and the hub count is free: e.g. a ward plan with `within_area`, where each area
//! is its own facility-location problem. Each part is solved on its own; objectives and
//! lower bounds add up, so the combined bound stays valid.

use super::problem::{Arcs, HubCount, Problem};

/// The parts as (unit ids, hub ids), or `None` when the problem is one piece or its
/// parts are coupled by the hub count.
pub fn components(p: &Problem) -> Option<Vec<(Vec<usize>, Vec<usize>)>> {
    if p.hub_count != HubCount::Free {
        return None;
    }
    let Arcs::Sparse { per_unit } = &p.arcs else {
        return None;
    };
    let n = p.units.len();
    let m = p.hubs.len();
    let mut parent: Vec<usize> = (0..n + m).collect();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    let mut union = |a: usize, b: usize| {
        let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
        if ra != rb {
            parent[ra.max(rb)] = ra.min(rb);
        }
    };
    for (u, l) in per_unit.iter().enumerate() {
        for &(h, _) in l {
            union(u, n + h as usize);
        }
    }
    for (h, hub) in p.hubs.iter().enumerate() {
        if let Some(o) = hub.own_unit {
            union(o, n + h);
        }
    }
    let mut index = vec![usize::MAX; n + m];
    let mut parts: Vec<(Vec<usize>, Vec<usize>)> = Vec::new();
    for u in 0..n {
        let r = find(&mut parent, u);
        if index[r] == usize::MAX {
            index[r] = parts.len();
            parts.push((Vec::new(), Vec::new()));
        }
        parts[index[r]].0.push(u);
    }
    for h in 0..m {
        let r = find(&mut parent, n + h);
        if index[r] != usize::MAX {
            parts[index[r]].1.push(h);
        }
    }
    (parts.len() > 1).then_some(parts)
}

/// The sub-problem of one part, with units and hubs renumbered in the given order.
pub fn restrict(p: &Problem, units: &[usize], hubs: &[usize], part: usize) -> Problem {
    let Arcs::Sparse { per_unit } = &p.arcs else {
        unreachable!("components() only splits sparse arcs")
    };
    let mut hub_local = vec![u32::MAX; p.hubs.len()];
    for (j, &h) in hubs.iter().enumerate() {
        hub_local[h] = j as u32;
    }
    let mut unit_local = vec![usize::MAX; p.units.len()];
    for (i, &u) in units.iter().enumerate() {
        unit_local[u] = i;
    }
    let arcs = units
        .iter()
        .map(|&u| {
            per_unit[u]
                .iter()
                .map(|&(h, c)| (hub_local[h as usize], c))
                .collect()
        })
        .collect();
    let hub_list = hubs
        .iter()
        .map(|&h| {
            let mut hub = p.hubs[h].clone();
            hub.own_unit = hub.own_unit.map(|o| unit_local[o]);
            hub
        })
        .collect();
    Problem {
        name: format!("{} part {}", p.name, part + 1),
        dim_names: p.dim_names.clone(),
        units: units.iter().map(|&u| p.units[u].clone()).collect(),
        hubs: hub_list,
        arcs: Arcs::Sparse { per_unit: arcs },
        hub_count: HubCount::Free,
        hub_serves_own_unit: p.hub_serves_own_unit,
    }
}
