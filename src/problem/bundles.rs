//! Reading an engine solution back as bundles: the facilities, lines and trades of
//! each open hub, its loads, its travel by the hub model and by one visiting round.

use super::Built;
use crate::geo::round_km;
use crate::scenario::Scenario;
use crate::solve::Solution;
use crate::staff::StaffModel;
use crate::ward::{Site, Ward};

/// A new comprehensive contract.
#[derive(Debug, Clone, PartialEq)]
pub struct Bundle {
    /// `B01`, `B02`, … in order of area, then hub.
    pub id: String,
    /// What a person calls it: its area, its number in the area, and the districts its
    /// facilities lie in, most facilities first (`烏山-2 給田・上祖師谷`).
    pub name: String,
    /// Index into `Built::hubs`.
    pub hub: usize,
    /// The hub's facility or depot id.
    pub hub_id: String,
    /// The hub's name.
    pub hub_name: String,
    /// The area of its facilities; several joined by `+` when the bundle crosses areas.
    pub area: String,
    /// Trade groups the bundle may hold.
    pub groups: Vec<String>,
    /// Indices into `Built::units`.
    pub units: Vec<usize>,
    /// Indices into `Ward::facilities`, file order, distinct.
    pub facilities: Vec<usize>,
    /// Indices into `Ward::lines`, file order.
    pub lines: Vec<usize>,
    /// Distinct trade keys, sorted.
    pub trades: Vec<String>,
    /// Annual on-site labour hours.
    pub labour_hours: f64,
    /// Annual value today of its lines, yen.
    pub value: i64,
    /// Visits a year of lines whose workers travel.
    pub visits: f64,
    /// Hub model: every visit is a round trip from the hub.
    pub travel_km_year: f64,
    /// One round from the hub through every facility with visits, and back.
    pub route_km: f64,
    /// Staff hours a year the ward spends on this bundle.
    pub admin_hours: f64,
}

/// Groups units by their hub. Deterministic for a given solution.
pub fn bundles(
    built: &Built,
    sol: &Solution,
    ward: &Ward,
    scenario: &Scenario,
    staff: &StaffModel,
) -> Vec<Bundle> {
    let travel = ward.travel(scenario.costs.detour_factor);
    let mut by_hub: std::collections::BTreeMap<usize, Vec<usize>> =
        std::collections::BTreeMap::new();
    for (u, &h) in sol.assign.iter().enumerate() {
        by_hub.entry(h as usize).or_default().push(u);
    }
    let mut out: Vec<Bundle> = by_hub
        .into_iter()
        .map(|(h, units)| {
            let hub = &built.hubs[h];
            let mut facilities: Vec<usize> =
                units.iter().map(|&u| built.units[u].facility).collect();
            facilities.sort_unstable();
            facilities.dedup();
            let mut lines: Vec<usize> = units
                .iter()
                .flat_map(|&u| built.units[u].lines.iter().copied())
                .collect();
            lines.sort_unstable();
            let mut trades: Vec<String> = units
                .iter()
                .flat_map(|&u| built.units[u].trades.iter().cloned())
                .collect();
            trades.sort();
            trades.dedup();
            let travel_km_year = units
                .iter()
                .map(|&u| {
                    let unit = &built.units[u];
                    travel.yearly_km(unit.visits, Site::Facility(unit.facility), hub.site)
                })
                .sum();
            // The round: hub first, then each facility some unit of which is visited.
            let mut stops: Vec<Site> = vec![hub.site];
            for &fi in &facilities {
                let visited = units
                    .iter()
                    .any(|&u| built.units[u].facility == fi && built.units[u].visits > 0.0);
                if visited && Site::Facility(fi) != hub.site {
                    stops.push(Site::Facility(fi));
                }
            }
            let route_km = round_km(stops.len(), 0, &|i, j| travel.km(stops[i], stops[j]));
            // From the facilities, not the hub: without within_area a bundle may span
            // areas, and a depot has none.
            let mut areas: Vec<&str> = facilities
                .iter()
                .map(|&f| ward.facilities()[f].area.as_str())
                .collect();
            areas.sort_unstable();
            areas.dedup();
            let area = areas.join("+");
            Bundle {
                id: String::new(),
                name: String::new(),
                hub: h,
                hub_id: ward.site_id(hub.site).to_string(),
                hub_name: hub.name.clone(),
                area,
                groups: built.group_sets[hub.group_set].clone(),
                labour_hours: units.iter().map(|&u| built.units[u].hours).sum(),
                value: units.iter().map(|&u| built.units[u].value).sum(),
                visits: units.iter().map(|&u| built.units[u].visits).sum(),
                admin_hours: staff.bundle_hours(facilities.len(), trades.len()),
                units,
                facilities,
                lines,
                trades,
                travel_km_year,
                route_km,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        (a.area.as_str(), a.hub_id.as_str(), a.hub).cmp(&(
            b.area.as_str(),
            b.hub_id.as_str(),
            b.hub,
        ))
    });
    let width = out.len().to_string().len().max(2);
    let mut in_area: std::collections::HashMap<String, usize> = Default::default();
    for (i, b) in out.iter_mut().enumerate() {
        b.id = format!("B{:0width$}", i + 1);
        let k = in_area.entry(b.area.clone()).or_insert(0);
        *k += 1;
        b.name = format!("{}-{} {}", b.area, k, districts(ward, &b.facilities));
    }
    out
}

/// The districts of `facilities`, most facilities first (ties in name order), joined
/// with ・.
fn districts(ward: &Ward, facilities: &[usize]) -> String {
    let mut count: std::collections::BTreeMap<&str, usize> = Default::default();
    for &f in facilities {
        *count
            .entry(ward.facilities()[f].district.as_str())
            .or_insert(0) += 1;
    }
    let mut v: Vec<(&str, usize)> = count.into_iter().filter(|(d, _)| !d.is_empty()).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    v.into_iter().map(|(d, _)| d).collect::<Vec<_>>().join("・")
}
