//! Typed quantities. Yen, hours and kilometres never mix by accident: each is its own
//! newtype, and only the operations that make sense between them are defined.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Mul, Sub};

macro_rules! quantity {
    ($(#[$doc:meta])* $name:ident, $inner:ty, $unit:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, PartialOrd, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub $inner);

        impl Add for $name {
            type Output = $name;
            fn add(self, o: $name) -> $name {
                $name(self.0 + o.0)
            }
        }
        impl AddAssign for $name {
            fn add_assign(&mut self, o: $name) {
                self.0 += o.0;
            }
        }
        impl Sub for $name {
            type Output = $name;
            fn sub(self, o: $name) -> $name {
                $name(self.0 - o.0)
            }
        }
        impl Sum for $name {
            fn sum<I: Iterator<Item = $name>>(it: I) -> $name {
                it.fold($name::default(), |a, b| a + b)
            }
        }
        impl<'a> Sum<&'a $name> for $name {
            fn sum<I: Iterator<Item = &'a $name>>(it: I) -> $name {
                it.fold($name::default(), |a, b| a + *b)
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{} {}", self.0, $unit)
            }
        }
    };
}

quantity!(
    /// Japanese yen, whole.
    Yen,
    i64,
    "JPY"
);
quantity!(
    /// Hours.
    Hours,
    f64,
    "h"
);
quantity!(
    /// Kilometres.
    Km,
    f64,
    "km"
);

impl Mul<f64> for Hours {
    type Output = Hours;
    fn mul(self, k: f64) -> Hours {
        Hours(self.0 * k)
    }
}
impl Mul<f64> for Km {
    type Output = Km;
    fn mul(self, k: f64) -> Km {
        Km(self.0 * k)
    }
}
