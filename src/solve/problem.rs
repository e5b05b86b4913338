//! The generic capacitated bundling problem the engine solves. It knows nothing of
//! wards, trades or file formats: units with loads, candidate hubs with fixed costs and
//! capacities, allowed (unit, hub) pairs with assignment costs, and an optional hub
//! count. The capacitated p-median problem, the single-source capacitated facility
//! location problem and a ward plan are all instances.
//!
//! Problem data is immutable once built: `Problem::new` validates it, and a changed
//! scenario builds a new problem.

use thiserror::Error;

/// How many hubs may open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HubCount {
    /// Any number.
    Free,
    /// Exactly this many.
    Exact(usize),
    /// Inclusive range.
    Range(usize, usize),
}

/// Something to bundle: a facility's contracts, a demand point.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    /// Shown in diagnostics ("facility F012 世田谷小学校").
    pub name: String,
    /// One entry per load dimension (e.g. annual hours, annual yen).
    pub load: Vec<f64>,
    /// Planar coordinates, when costs are geometric.
    pub xy: Option<[f64; 2]>,
}

/// A candidate hub: a bundle's centre, a facility to open.
#[derive(Debug, Clone, PartialEq)]
pub struct Hub {
    /// Shown in diagnostics.
    pub name: String,
    /// Paid once when the hub opens.
    pub fixed_cost: f64,
    /// One entry per load dimension; `f64::INFINITY` for no limit.
    pub capacity: Vec<f64>,
    /// Minimum load per dimension when open; 0 for none.
    pub min_load: Vec<f64>,
    /// Planar coordinates, when costs are geometric.
    pub xy: Option<[f64; 2]>,
    /// The unit located at this hub, if any. With `Problem::hub_serves_own_unit`, an
    /// open hub must serve it.
    pub own_unit: Option<usize>,
}

/// Which (unit, hub) pairs are allowed and what each costs.
#[derive(Debug, Clone, PartialEq)]
pub enum Arcs {
    /// Every pair allowed; cost = Euclidean distance between unit and hub coordinates,
    /// floored to an integer when `truncate` (the OR-Library pmedcap convention), and
    /// forbidden beyond `max_dist` when given.
    Euclidean {
        /// Floor distances to integers.
        truncate: bool,
        /// Pairs farther apart are forbidden.
        max_dist: Option<f64>,
    },
    /// Dense matrix, row-major by hub: `costs[h * n_units + u]`.
    Dense {
        /// The costs.
        costs: Vec<f64>,
    },
    /// Sparse lists: for each unit, its allowed hubs with their costs.
    Sparse {
        /// (hub, cost) for each unit.
        per_unit: Vec<Vec<(u32, f64)>>,
    },
}

/// One instance of the bundling problem (immutable once built).
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Shown in progress messages and reports.
    pub name: String,
    /// Names of the load dimensions, for messages ("labour hours", "value yen").
    pub dim_names: Vec<String>,
    /// The units.
    pub units: Vec<Unit>,
    /// The candidate hubs.
    pub hubs: Vec<Hub>,
    /// Allowed (unit, hub) pairs and their costs.
    pub arcs: Arcs,
    /// How many hubs may open.
    pub hub_count: HubCount,
    /// An open hub must serve its own unit.
    pub hub_serves_own_unit: bool,
}

/// Why data make no problem.
#[derive(Debug, Error, PartialEq)]
pub enum ProblemError {
    #[error("unit {unit} has {got} load values; the problem has {want} dimensions")]
    /// A unit's load has the wrong number of dimensions.
    UnitDims {
        /// The unit.
        unit: usize,
        /// Values given.
        got: usize,
        /// Dimensions of the problem.
        want: usize,
    },
    #[error("hub {hub} has {got} capacity or minimum values; the problem has {want} dimensions")]
    /// A hub's capacity or minimum has the wrong number of dimensions.
    HubDims {
        /// The hub.
        hub: usize,
        /// Values given.
        got: usize,
        /// Dimensions of the problem.
        want: usize,
    },
    #[error("unit {unit}: load, cost or coordinate is not a finite number")]
    /// A number is not finite.
    NotFinite {
        /// The unit.
        unit: usize,
    },
    #[error("arc of unit {unit} names hub {hub}, but there are {hubs} hubs")]
    /// An arc names a hub that does not exist.
    BadHub {
        /// The unit.
        unit: usize,
        /// The hub it names.
        hub: usize,
        /// Hubs in the problem.
        hubs: usize,
    },
    #[error("{0}")]
    /// Any other inconsistency, in words.
    Shape(String),
}

impl Problem {
    /// Validates shapes and numbers; the engine relies on them afterwards.
    pub fn new(
        name: impl Into<String>,
        dim_names: Vec<String>,
        units: Vec<Unit>,
        hubs: Vec<Hub>,
        arcs: Arcs,
        hub_count: HubCount,
        hub_serves_own_unit: bool,
    ) -> Result<Problem, ProblemError> {
        let dims = dim_names.len();
        for (i, u) in units.iter().enumerate() {
            if u.load.len() != dims {
                return Err(ProblemError::UnitDims {
                    unit: i,
                    got: u.load.len(),
                    want: dims,
                });
            }
            if u.load.iter().any(|v| !v.is_finite()) {
                return Err(ProblemError::NotFinite { unit: i });
            }
        }
        for (j, h) in hubs.iter().enumerate() {
            if h.capacity.len() != dims || h.min_load.len() != dims {
                let got = h.capacity.len().min(h.min_load.len());
                return Err(ProblemError::HubDims {
                    hub: j,
                    got,
                    want: dims,
                });
            }
            if let Some(u) = h.own_unit {
                if u >= units.len() {
                    return Err(ProblemError::Shape(format!(
                        "hub {j} names own unit {u}, but there are {} units",
                        units.len()
                    )));
                }
            }
        }
        match &arcs {
            Arcs::Euclidean { .. } => {
                if units.iter().any(|u| u.xy.is_none()) || hubs.iter().any(|h| h.xy.is_none()) {
                    return Err(ProblemError::Shape(
                        "Euclidean arcs need coordinates on every unit and hub".into(),
                    ));
                }
            }
            Arcs::Dense { costs } => {
                if costs.len() != units.len() * hubs.len() {
                    return Err(ProblemError::Shape(format!(
                        "dense cost matrix has {} entries, expected {} hubs x {} units",
                        costs.len(),
                        hubs.len(),
                        units.len()
                    )));
                }
            }
            Arcs::Sparse { per_unit } => {
                if per_unit.len() != units.len() {
                    return Err(ProblemError::Shape(format!(
                        "sparse arcs list {} units, the problem has {}",
                        per_unit.len(),
                        units.len()
                    )));
                }
                for (u, list) in per_unit.iter().enumerate() {
                    for &(h, c) in list {
                        if h as usize >= hubs.len() {
                            return Err(ProblemError::BadHub {
                                unit: u,
                                hub: h as usize,
                                hubs: hubs.len(),
                            });
                        }
                        if !c.is_finite() {
                            return Err(ProblemError::NotFinite { unit: u });
                        }
                    }
                }
            }
        }
        Ok(Problem {
            name: name.into(),
            dim_names,
            units,
            hubs,
            arcs,
            hub_count,
            hub_serves_own_unit,
        })
    }

    /// Number of load dimensions.
    pub fn dims(&self) -> usize {
        self.dim_names.len()
    }

    /// Total load of every unit in dimension `d`.
    pub fn total_load(&self, d: usize) -> f64 {
        self.units.iter().map(|u| u.load[d]).sum()
    }

    /// The hubs' finite capacities in dimension `d`, in hub order.
    pub fn finite_capacities(&self, d: usize) -> Vec<f64> {
        self.hubs
            .iter()
            .map(|h| h.capacity[d])
            .filter(|c| c.is_finite())
            .collect()
    }

    /// Cost of serving unit `u` from hub `h`, or `None` when the pair is forbidden.
    pub fn cost(&self, u: usize, h: usize) -> Option<f64> {
        match &self.arcs {
            Arcs::Euclidean { truncate, max_dist } => {
                let a = self.units[u].xy?;
                let b = self.hubs[h].xy?;
                let d = ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt();
                if max_dist.is_some_and(|m| d > m) {
                    return None;
                }
                Some(if *truncate { d.floor() } else { d })
            }
            Arcs::Dense { costs } => Some(costs[h * self.units.len() + u]),
            Arcs::Sparse { per_unit } => per_unit[u]
                .iter()
                .find(|&&(j, _)| j as usize == h)
                .map(|&(_, c)| c),
        }
    }
}

/// A plan in engine terms: the hub of every unit. Open hubs are the hubs used.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Solution {
    /// The hub of each unit.
    pub assign: Vec<u32>,
}
