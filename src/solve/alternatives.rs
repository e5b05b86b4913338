//! The closed hubs that would serve a cluster best: the moves the VNS judges and the
//! hubs the LNS offers its sub-MIPs.

use super::cand::Candidates;
use super::state::State;

/// Closed hubs that would serve `g`'s current members best (sum of their costs; its best
/// alternative 1-medians), drawn from the members' first `hub_cands` candidates and
/// not `skipped`; at most `l`, best first. The LNS offers the same hubs to its
/// sub-MIPs.
pub fn alternatives(
    st: &State,
    cand: &Candidates,
    g: usize,
    l: usize,
    hub_cands: usize,
    skipped: impl Fn(usize) -> bool,
) -> Vec<usize> {
    let p = st.p;
    let members = &st.members[g];
    let mut pool: Vec<usize> = members
        .iter()
        .flat_map(|&v| cand.per_unit[v as usize].iter().take(hub_cands))
        .map(|&(h, _)| h as usize)
        .filter(|&h| !st.is_open(h) && !skipped(h))
        .collect();
    pool.sort_unstable();
    pool.dedup();
    let mut scored: Vec<(f64, usize)> = pool
        .into_iter()
        .filter_map(|h| {
            let mut s = 0.0;
            for &v in members {
                s += p.cost(v as usize, h)?;
            }
            Some((s, h))
        })
        .collect();
    scored.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    scored.truncate(l);
    scored.into_iter().map(|x| x.1).collect()
}
