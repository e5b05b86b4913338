//! The lower bound a run reports: its value with where it comes from, the rounding of
//! bounds on problems with integer costs, and the one relative gap used everywhere.

use std::fmt;

/// Where a lower bound comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoundSource {
    /// No bound (the value is −∞).
    None,
    /// The problem has no units: the bound is 0.
    EmptyProblem,
    /// HiGHS's dual bound of the full compact MIP.
    HighsMip,
    /// The LP relaxation of the full compact model.
    LpRelaxation,
    /// The Lagrangian relaxation; `exact_knapsacks` when every knapsack of its best
    /// iteration was solved exactly (else some by their LP).
    Lagrangian {
        /// Every knapsack solved exactly.
        exact_knapsacks: bool,
    },
    /// The sum of the bounds of independent parts from different sources.
    SumOfParts,
}

impl fmt::Display for BoundSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BoundSource::None => "none",
            BoundSource::EmptyProblem => "empty problem",
            BoundSource::HighsMip => "HiGHS MIP dual bound",
            BoundSource::LpRelaxation => "LP relaxation",
            BoundSource::Lagrangian {
                exact_knapsacks: true,
            } => "Lagrangian (exact knapsacks)",
            BoundSource::Lagrangian {
                exact_knapsacks: false,
            } => "Lagrangian (LP knapsacks)",
            BoundSource::SumOfParts => "sum of part bounds",
        })
    }
}

/// A lower bound on the optimum and its source.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bound {
    /// The value (−∞ for none).
    pub value: f64,
    /// Where it comes from.
    pub source: BoundSource,
}

impl Bound {
    /// No bound.
    pub const NONE: Bound = Bound {
        value: f64::NEG_INFINITY,
        source: BoundSource::None,
    };

    /// A bound of `value` from `source`.
    pub fn new(value: f64, source: BoundSource) -> Bound {
        Bound { value, source }
    }

    /// Takes `other` when it is higher, or when this one is not finite.
    pub fn raise(&mut self, other: Bound) {
        if other.value > self.value || !self.value.is_finite() {
            *self = other;
        }
    }

    /// Rounded up to an integer when every objective value is one (a bound just below
    /// an integer by rounding noise stays there); the source of a non-finite bound is
    /// [`BoundSource::None`].
    pub fn rounded(self, integral_costs: bool) -> Bound {
        if !self.value.is_finite() {
            return Bound {
                value: self.value,
                source: BoundSource::None,
            };
        }
        Bound {
            value: round_up(self.value, integral_costs),
            source: self.source,
        }
    }
}

/// `value` rounded up to an integer when costs are integers (less 1e-6 first, so that
/// a bound a hair above an integer by rounding noise does not go up by one).
pub fn round_up(value: f64, integral_costs: bool) -> f64 {
    if integral_costs && value.is_finite() {
        (value - 1e-6).ceil()
    } else {
        value
    }
}

/// Relative gap between an objective and a bound, in [0, 1] for a valid bound
/// (0 for an objective of 0).
pub fn gap(objective: f64, bound: f64) -> f64 {
    if objective.abs() < 1e-9 {
        0.0
    } else {
        ((objective - bound) / objective.abs()).max(0.0)
    }
}

/// Does `bound` prove a plan of cost `cost` optimal within the relative gap `rel_gap`?
pub fn proves(cost: f64, bound: f64, rel_gap: f64) -> bool {
    bound.is_finite() && cost - bound <= rel_gap * cost.abs().max(1e-9)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gap_rounding_and_raise() {
        assert_eq!(gap(100.0, 90.0), 0.1);
        assert_eq!(gap(0.0, -5.0), 0.0);
        assert_eq!(gap(100.0, 101.0), 0.0);
        assert_eq!(round_up(712.01, true), 713.0);
        assert_eq!(round_up(712.0000001, true), 712.0);
        assert_eq!(round_up(712.5, false), 712.5);
        assert!(proves(713.0, 713.0, 0.0) && !proves(713.0, 712.0, 1e-4));
        assert!(!proves(713.0, f64::NEG_INFINITY, 1.0));
        let mut b = Bound::NONE;
        b.raise(Bound::new(5.0, BoundSource::HighsMip));
        b.raise(Bound::new(4.0, BoundSource::LpRelaxation));
        assert_eq!(b, Bound::new(5.0, BoundSource::HighsMip));
        assert_eq!(Bound::NONE.rounded(true).source, BoundSource::None);
        assert_eq!(
            Bound::new(
                f64::NEG_INFINITY,
                BoundSource::Lagrangian {
                    exact_knapsacks: true
                }
            )
            .rounded(false),
            Bound::NONE
        );
    }
}
