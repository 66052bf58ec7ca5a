//! Checked exact arithmetic for the engine.
//!
//! [`Exact`] wraps a `Decimal` and does checked arithmetic through the usual
//! operators: an overflow (or a division by zero) poisons the value instead
//! of panicking, and [`Exact::get`] turns the poison into an [`Overflow`]
//! error that the engine reports at the scenario value that caused it. This
//! keeps the formulas readable against SPEC 3 while staying panic-free.

use std::ops::{Add, Div, Mul, Neg, Sub};

use rust_decimal::Decimal;

/// The arithmetic left the range of exact decimals (about ±7.9 × 10^28) or
/// divided by zero.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the numbers are too large to compute exactly (beyond about 7.9 × 10^28)")]
pub struct Overflow;

/// A decimal that poisons itself on overflow.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Exact(Option<Decimal>);

impl Exact {
    pub const ZERO: Exact = Exact(Some(Decimal::ZERO));
    pub const ONE: Exact = Exact(Some(Decimal::ONE));

    pub fn new(value: Decimal) -> Exact {
        Exact(Some(value))
    }

    pub fn get(self) -> Result<Decimal, Overflow> {
        self.0.ok_or(Overflow)
    }

    /// `self` raised to a whole power, by repeated checked multiplication.
    pub fn powi(self, n: u32) -> Exact {
        (0..n).fold(Exact::ONE, |acc, _| acc * self)
    }

    pub fn max(self, other: Exact) -> Exact {
        match (self.0, other.0) {
            (Some(a), Some(b)) => Exact(Some(a.max(b))),
            _ => Exact(None),
        }
    }

    /// Sum of many values.
    pub fn sum(values: impl IntoIterator<Item = Exact>) -> Exact {
        values.into_iter().fold(Exact::ZERO, |acc, v| acc + v)
    }
}

impl From<Decimal> for Exact {
    fn from(value: Decimal) -> Self {
        Exact::new(value)
    }
}

impl From<u32> for Exact {
    fn from(value: u32) -> Self {
        Exact::new(Decimal::from(value))
    }
}

macro_rules! checked_op {
    ($trait:ident, $method:ident, $checked:ident) => {
        impl $trait for Exact {
            type Output = Exact;
            fn $method(self, rhs: Exact) -> Exact {
                match (self.0, rhs.0) {
                    (Some(a), Some(b)) => Exact(a.$checked(b)),
                    _ => Exact(None),
                }
            }
        }

        impl $trait<Decimal> for Exact {
            type Output = Exact;
            fn $method(self, rhs: Decimal) -> Exact {
                self.$method(Exact::new(rhs))
            }
        }
    };
}

checked_op!(Add, add, checked_add);
checked_op!(Sub, sub, checked_sub);
checked_op!(Mul, mul, checked_mul);
checked_op!(Div, div, checked_div);

impl Neg for Exact {
    type Output = Exact;
    fn neg(self) -> Exact {
        Exact(self.0.map(|v| -v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overflow_poisons_instead_of_panicking() {
        let big = Exact::new(Decimal::MAX);
        assert_eq!((big * Decimal::TWO).get(), Err(Overflow));
        assert_eq!(
            (big * Decimal::TWO + Decimal::ONE - big).get(),
            Err(Overflow)
        );
        assert_eq!((Exact::ONE / Decimal::ZERO).get(), Err(Overflow));
        assert_eq!((Exact::ONE + Decimal::ONE).get(), Ok(Decimal::TWO));
    }

    #[test]
    fn powers_are_repeated_products() {
        let q = Exact::new(Decimal::new(11, 1));
        assert_eq!(q.powi(2).get(), Ok(Decimal::new(121, 2)));
        assert_eq!(q.powi(0).get(), Ok(Decimal::ONE));
        assert_eq!(Exact::new(Decimal::from(11)).powi(50).get(), Err(Overflow));
    }
}
