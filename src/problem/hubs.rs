//! The candidate hubs of a scenario: one per facility that has a unit (and per trade-
//! group set), or every depot (per set, and per area under `within_area`).

use super::{BuildError, UnitInfo};
use crate::scenario::{HubSource, Scenario};
use crate::ward::{Site, Ward};

/// A candidate hub in ward terms.
#[derive(Debug, Clone, PartialEq)]
pub struct HubInfo {
    /// Where the bundle is served from.
    pub site: Site,
    /// "F012 世田谷小学校", or a depot's id and name (and area).
    pub name: String,
    /// The area the hub's bundle must stay in (`within_area`), or its facility's area.
    pub area: Option<String>,
    /// Index into `group_sets`.
    pub group_set: usize,
}

impl HubInfo {
    /// The facility index when the hub is a facility.
    pub fn facility(&self) -> Option<usize> {
        match self.site {
            Site::Facility(f) => Some(f),
            Site::Depot(_) => None,
        }
    }
}

pub(super) fn make_hubs(
    ward: &Ward,
    scenario: &Scenario,
    units: &[UnitInfo],
    n_sets: usize,
) -> Result<(Vec<HubInfo>, Vec<String>), BuildError> {
    let mut hubs = Vec::new();
    match scenario.hubs {
        HubSource::Facilities => {
            // One hub per facility and group set: several trade-group units of one
            // facility in one set share it.
            let mut seen = std::collections::HashSet::new();
            let kind_ok = |kind: &str| {
                scenario.hub_kinds.is_empty() || scenario.hub_kinds.iter().any(|k| k == kind)
            };
            for u in units {
                let f = &ward.facilities()[u.facility];
                if !kind_ok(&f.kind) {
                    continue;
                }
                if seen.insert((u.facility, u.group_set)) {
                    hubs.push(HubInfo {
                        site: Site::Facility(u.facility),
                        name: format!("{} {}", f.id, f.name),
                        area: Some(f.area.clone()),
                        group_set: u.group_set,
                    });
                }
            }
        }
        HubSource::Depots => {
            if ward.depots().is_empty() {
                return Err(BuildError::NoDepots);
            }
            // A depot may serve any area; under within_area it gets one hub per area so
            // each bundle still stays inside one.
            let mut areas: Vec<Option<String>> = vec![None];
            if scenario.within_area {
                let mut a: Vec<String> = units
                    .iter()
                    .map(|u| ward.facilities()[u.facility].area.clone())
                    .collect();
                a.sort();
                a.dedup();
                areas = a.into_iter().map(Some).collect();
            }
            for (di, d) in ward.depots().iter().enumerate() {
                for set in 0..n_sets {
                    for area in &areas {
                        hubs.push(HubInfo {
                            site: Site::Depot(di),
                            name: match area {
                                Some(a) => format!("{} {} ({a})", d.id, d.name),
                                None => format!("{} {}", d.id, d.name),
                            },
                            area: area.clone(),
                            group_set: set,
                        });
                    }
                }
            }
        }
    }
    // Under hub_kinds, an area (within_area) or trade-group set whose units would have
    // no hub of those kinds may use any of its facilities instead, and the plan says so:
    // a small ward's register may have no school or office in some area.
    let mut fallback: Vec<String> = Vec::new();
    if !scenario.hub_kinds.is_empty() && scenario.hubs == HubSource::Facilities {
        let mut seen: std::collections::HashSet<(usize, usize)> = hubs
            .iter()
            .filter_map(|h| h.facility().map(|f| (f, h.group_set)))
            .collect();
        let mut extra = Vec::new();
        for u in units {
            let f = &ward.facilities()[u.facility];
            let served = hubs.iter().any(|h| {
                h.group_set == u.group_set
                    && (!scenario.within_area || h.area.as_deref() == Some(f.area.as_str()))
            });
            if served {
                continue;
            }
            let what = if scenario.within_area {
                format!("{} 地域 area", f.area)
            } else {
                "区全体 the ward".to_string()
            };
            if !fallback.contains(&what) {
                fallback.push(what);
            }
            if seen.insert((u.facility, u.group_set)) {
                extra.push(HubInfo {
                    site: Site::Facility(u.facility),
                    name: format!("{} {}", f.id, f.name),
                    area: Some(f.area.clone()),
                    group_set: u.group_set,
                });
            }
        }
        hubs.extend(extra);
    }
    Ok((hubs, fallback))
}
