//! The numbers the model works in: one trait, two kinds.
//!
//! [`Number`] is what a formula of [`crate::model`] needs: the ring
//! operations, a division that can fail, comparisons and the constants.
//! [`Exact`] implements it for the exact engine, where a division by zero
//! is an [`Overflow`] the engine reports; `f64` implements it for Monte
//! Carlo, where a division never fails (SPEC 3.6 lets draws use binary
//! floating point). Every method is small and inlined, so a formula called
//! on `f64` lanes compiles to the same code as if written for `f64`.

use std::ops::{Add, Mul, Neg, Sub};

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::exact::{Exact, Overflow};

/// A number a formula of the model can be computed in.
pub trait Number:
    Clone
    + PartialOrd
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Neg<Output = Self>
    + for<'a> Add<&'a Self, Output = Self>
    + for<'a> Sub<&'a Self, Output = Self>
    + for<'a> Mul<&'a Self, Output = Self>
{
    fn zero() -> Self;
    fn one() -> Self;
    /// A value of the scenario (a decimal of the file).
    fn of(value: Decimal) -> Self;
    /// A count (partners in scope, years).
    fn count(n: u32) -> Self;
    /// `self / rhs`: an [`Overflow`] when `rhs` is zero and the number is
    /// exact; IEEE division for f64.
    fn over(&self, rhs: &Self) -> Result<Self, Overflow>;
    /// `self` to a whole power.
    fn powi(&self, n: u32) -> Self;
    fn is_zero(&self) -> bool;
    /// Strictly above zero.
    fn is_positive(&self) -> bool;
}

impl Number for Exact {
    #[inline]
    fn zero() -> Self {
        Exact::zero()
    }

    #[inline]
    fn one() -> Self {
        Exact::one()
    }

    #[inline]
    fn of(value: Decimal) -> Self {
        Exact::new(value)
    }

    #[inline]
    fn count(n: u32) -> Self {
        Exact::from(n)
    }

    #[inline]
    fn over(&self, rhs: &Self) -> Result<Self, Overflow> {
        self.div(rhs)
    }

    #[inline]
    fn powi(&self, n: u32) -> Self {
        Exact::powi(self, n)
    }

    #[inline]
    fn is_zero(&self) -> bool {
        Exact::is_zero(self)
    }

    #[inline]
    fn is_positive(&self) -> bool {
        Exact::is_positive(self)
    }
}

impl Number for f64 {
    #[inline(always)]
    fn zero() -> Self {
        0.0
    }

    #[inline(always)]
    fn one() -> Self {
        1.0
    }

    /// The nearest f64 (zero for a value f64 cannot hold, which validation
    /// keeps out).
    #[inline]
    fn of(value: Decimal) -> Self {
        value.to_f64().unwrap_or(0.0)
    }

    #[inline(always)]
    fn count(n: u32) -> Self {
        f64::from(n)
    }

    #[inline(always)]
    fn over(&self, rhs: &Self) -> Result<Self, Overflow> {
        Ok(self / rhs)
    }

    #[inline(always)]
    fn powi(&self, n: u32) -> Self {
        f64::powi(*self, i32::try_from(n).unwrap_or(i32::MAX))
    }

    #[inline(always)]
    fn is_zero(&self) -> bool {
        *self == 0.0
    }

    #[inline(always)]
    fn is_positive(&self) -> bool {
        *self > 0.0
    }
}
