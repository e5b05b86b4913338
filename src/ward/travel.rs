//! The one travel model: every visit is a round trip between the site visited and the
//! base it is served from (a bundle's hub after, a contract's best-placed site today),
//! over the road distance of `travel.csv` where it has the pair, else great-circle
//! distance times the scenario's detour factor. Costs, bundles and accounts all use it.

use super::Ward;
use crate::geo::great_circle_km;

/// A place contractors drive from or to: a facility or a depot of the ward. Facility
/// and depot ids share one namespace (E0402), so a site is one id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Site {
    /// Index into `Ward::facilities`.
    Facility(usize),
    /// Index into `Ward::depots`.
    Depot(usize),
}

/// Km a year of `visits` round trips over `km` each way.
pub fn round_trips_km(visits: f64, km: f64) -> f64 {
    visits * 2.0 * km
}

/// Road distances between the sites of one ward under one detour factor.
#[derive(Debug, Clone, Copy)]
pub struct Travel<'w> {
    ward: &'w Ward,
    detour: f64,
}

impl<'w> Travel<'w> {
    /// The model of `ward` with `detour` = road km / great-circle km.
    pub fn new(ward: &'w Ward, detour: f64) -> Travel<'w> {
        Travel { ward, detour }
    }

    /// Road km from `a` to `b`: travel.csv where it has the pair (either direction,
    /// this one first), otherwise great-circle distance times the detour factor.
    pub fn km(&self, a: Site, b: Site) -> f64 {
        if a == b {
            return 0.0;
        }
        let road = &self.ward.road_km;
        if let Some(&km) = road.get(&(a, b)).or_else(|| road.get(&(b, a))) {
            return km;
        }
        let (a_lat, a_lon) = self.ward.lat_lon(a);
        let (b_lat, b_lon) = self.ward.lat_lon(b);
        great_circle_km(a_lat, a_lon, b_lat, b_lon) * self.detour
    }

    /// Km a year of `visits` round trips between `site` and the `base` serving it.
    pub fn yearly_km(&self, visits: f64, site: Site, base: Site) -> f64 {
        round_trips_km(visits, self.km(site, base))
    }
}
