//! Exact arithmetic for the engine: rationals of unbounded size.
//!
//! [`Exact`] is a fraction of two big integers, so every figure of the
//! central case is the exact result of SPEC 3, however long the compounding
//! (`1.025^50` has 150 decimal places) or however many pro-rata splits and
//! divisions lie behind it. Nothing is rounded on the way; a figure is
//! rounded once, when printed (SPEC 4.2).
//!
//! The engine hands its results on as `Decimal`s made by
//! [`Exact::to_decimal`], which keeps every figure's rounding right to the
//! last place a report prints: a value that has a finite decimal expansion
//! that fits is kept exactly, and one that does not is cut to its first
//! [`MIN_STICKY_SCALE`] or more decimal places and then marked with a final
//! `5` one place further on ("sticky" rounding, also called rounding to
//! odd). The marked value lies strictly between the same two neighbours as
//! the exact one at every coarser scale, so rounding it to pence or to 6
//! decimal places, half away from zero, gives exactly what rounding the
//! exact value would: a figure that is exactly half a penny rounds up, and
//! one a hair below it rounds down.
//!
//! Division by zero is the only arithmetic error inside the engine, and a
//! figure too large to hand on as a decimal the only other: both become an
//! [`Overflow`] that the engine reports at the scenario value behind it.

use std::ops::{Add, Mul, Neg, Sub};

use dashu_base::{BitTest, DivRem, Sign};
use dashu_int::{IBig, UBig};
use dashu_ratio::RBig;
use rust_decimal::Decimal;

/// A figure could not be handed on exactly: it is too large for a decimal
/// of 28 digits, or it divides by zero.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the numbers are too large to compute exactly (beyond about 7.9 × 10^24)")]
pub struct Overflow;

/// The fewest decimal places a non-terminating figure is handed on with
/// (its sticky digit one place further). A figure below about 7.9 x 10^20
/// keeps at least 7, one more than the 6 of a printed fraction; a larger
/// one (only money that large) keeps at least 3, one more than pence. So
/// every printed rounding is exact.
pub const MIN_STICKY_SCALE: u32 = 3;

/// The most decimal places a `Decimal` holds.
const MAX_SCALE: u32 = 28;

/// An exact rational number.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Exact(RBig);

impl Exact {
    pub fn zero() -> Exact {
        Exact(RBig::ZERO)
    }

    pub fn one() -> Exact {
        Exact(RBig::ONE)
    }

    /// A decimal, exactly.
    pub fn new(value: Decimal) -> Exact {
        let mantissa = IBig::from(value.mantissa());
        Exact(RBig::from_parts(mantissa, ten_to(value.scale()).clone()))
    }

    /// `self` raised to a whole power.
    pub fn powi(&self, n: u32) -> Exact {
        Exact(self.0.pow(n as usize))
    }

    /// `self / rhs`, or an [`Overflow`] when `rhs` is zero.
    pub fn div(&self, rhs: &Exact) -> Result<Exact, Overflow> {
        if rhs.0.is_zero() {
            return Err(Overflow);
        }
        Ok(Exact(&self.0 / &rhs.0))
    }

    pub fn is_zero(&self) -> bool {
        self.0.is_zero()
    }

    /// Strictly above zero.
    pub fn is_positive(&self) -> bool {
        self.0.sign() == Sign::Positive && !self.0.is_zero()
    }

    /// The larger of two values.
    pub fn max(self, other: Exact) -> Exact {
        if other > self { other } else { self }
    }

    /// The sum of many values.
    pub fn sum<'a>(values: impl IntoIterator<Item = &'a Exact>) -> Exact {
        values.into_iter().fold(Exact::zero(), |acc, v| acc + v)
    }

    /// The value as a `Decimal` whose rounding to any scale of 6 or fewer
    /// places is the exact value's rounding (module docs): exact when the
    /// value terminates within 28 places and fits, else cut and marked
    /// with a sticky `5`. An [`Overflow`] when the value is too large.
    pub fn to_decimal(&self) -> Result<Decimal, Overflow> {
        let (numer, denom) = (self.0.numerator(), self.0.denominator());
        if denom.is_one() {
            return whole(numer);
        }
        let denom = IBig::from(denom.clone());
        // Digits before the point, roughly: start where the scaled value
        // just fits and step down until it does.
        let int_bits = numer.bit_len().saturating_sub(denom.bit_len());
        let int_digits = u32::try_from(int_bits * 30103 / 100_000).unwrap_or(u32::MAX);
        let mut scale = MAX_SCALE.saturating_sub(int_digits);
        loop {
            let scaled = numer * ten_to(scale);
            // Both rounded toward zero, as Rust's integers are.
            let (quotient, remainder) = (&scaled).div_rem(&denom);
            if remainder.is_zero() {
                if let Some(d) = fits(&quotient, scale) {
                    return Ok(d);
                }
            } else if scale < MAX_SCALE {
                // Cut toward zero, then a 5 one place further on, away from
                // zero: strictly between the cut and the next value up.
                let sign: i8 = if numer.sign() == Sign::Negative {
                    -1
                } else {
                    1
                };
                let marked = quotient * 10u8 + IBig::from(sign * 5);
                if let Some(d) = fits(&marked, scale + 1) {
                    return Ok(d);
                }
            }
            if scale <= MIN_STICKY_SCALE && !remainder.is_zero() {
                return Err(Overflow);
            }
            if scale == 0 {
                return Err(Overflow);
            }
            scale -= 1;
        }
    }
}

/// 10^n for n = 0..=28 (a `Decimal`'s scales), made once.
fn ten_to(n: u32) -> &'static UBig {
    static POWERS: std::sync::OnceLock<Vec<UBig>> = std::sync::OnceLock::new();
    let powers = POWERS.get_or_init(|| {
        (0..=MAX_SCALE as usize)
            .map(|k| UBig::from(10u8).pow(k))
            .collect()
    });
    // Scales never pass 28; the last power is a safe answer if one did.
    powers
        .get(n as usize)
        .or(powers.last())
        .unwrap_or(const { &UBig::ONE })
}

/// A whole number as a `Decimal`, if it fits.
fn whole(n: &IBig) -> Result<Decimal, Overflow> {
    fits(n, 0).ok_or(Overflow)
}

/// `mantissa x 10^-scale` as a `Decimal`, if the mantissa fits in 96 bits.
fn fits(mantissa: &IBig, scale: u32) -> Option<Decimal> {
    let m = i128::try_from(mantissa).ok()?;
    Decimal::try_from_i128_with_scale(m, scale).ok()
}

impl Default for Exact {
    fn default() -> Self {
        Exact::zero()
    }
}

impl From<Decimal> for Exact {
    fn from(value: Decimal) -> Self {
        Exact::new(value)
    }
}

impl From<u32> for Exact {
    fn from(value: u32) -> Self {
        Exact(RBig::from(value))
    }
}

macro_rules! exact_op {
    ($trait:ident, $method:ident) => {
        impl $trait<&Exact> for &Exact {
            type Output = Exact;
            fn $method(self, rhs: &Exact) -> Exact {
                Exact((&self.0).$method(&rhs.0))
            }
        }

        impl $trait<Exact> for Exact {
            type Output = Exact;
            fn $method(self, rhs: Exact) -> Exact {
                Exact(self.0.$method(rhs.0))
            }
        }

        impl $trait<&Exact> for Exact {
            type Output = Exact;
            fn $method(self, rhs: &Exact) -> Exact {
                Exact(self.0.$method(&rhs.0))
            }
        }

        impl $trait<Exact> for &Exact {
            type Output = Exact;
            fn $method(self, rhs: Exact) -> Exact {
                Exact((&self.0).$method(rhs.0))
            }
        }

        impl $trait<Decimal> for Exact {
            type Output = Exact;
            fn $method(self, rhs: Decimal) -> Exact {
                self.$method(Exact::new(rhs))
            }
        }

        impl $trait<Decimal> for &Exact {
            type Output = Exact;
            fn $method(self, rhs: Decimal) -> Exact {
                self.$method(Exact::new(rhs))
            }
        }
    };
}

exact_op!(Add, add);
exact_op!(Sub, sub);
exact_op!(Mul, mul);

impl Neg for Exact {
    type Output = Exact;
    fn neg(self) -> Exact {
        Exact(-self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::RoundingStrategy;

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    fn pence(e: &Exact) -> Decimal {
        e.to_decimal()
            .unwrap()
            .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
    }

    #[test]
    fn terminating_values_are_handed_on_exactly() {
        assert_eq!(Exact::new(d("315000000")).to_decimal(), Ok(d("315000000")));
        assert_eq!(Exact::new(d("-0.005")).to_decimal(), Ok(d("-0.005")));
        let q = Exact::new(d("1.025")).powi(3);
        assert_eq!(q.to_decimal(), Ok(d("1.076890625")));
        assert_eq!(Exact::zero().to_decimal(), Ok(Decimal::ZERO));
    }

    #[test]
    fn a_half_penny_after_long_compounding_rounds_up() {
        // 1.5^50 has 50 decimal places; times 5 x 2^50 / 1000 it is
        // 5 x 3^50 / 1000 exactly: a whole number of pounds and half a penny.
        let c0 = Exact::new(Decimal::from(5u64 << 50))
            .div(&Exact::from(1000))
            .unwrap();
        let x = c0 * Exact::new(d("1.5")).powi(50);
        let three = IBig::from(3u8).pow(50) * 5u8;
        assert_eq!(x, Exact(RBig::from_parts(three, UBig::from(1000u16))));
        // 5 x 3^50 = ...851245, so the value is £3,589,489,938,459,262,943,851.245
        // exactly: a tie, which rounds away from zero.
        assert_eq!(pence(&x), d("3589489938459262943851.25"));
        assert_eq!(pence(&-x), d("-3589489938459262943851.25"));
    }

    #[test]
    fn values_a_hair_either_side_of_a_tie_round_to_their_side() {
        // 0.005 - 1/3 x 10^-30 and 0.005 + 1/3 x 10^-30.
        let tiny = Exact::one()
            .div(&Exact::new(d("3")))
            .unwrap()
            .div(&Exact::new(Decimal::from_i128_with_scale(
                10i128.pow(27),
                0,
            )))
            .unwrap()
            .div(&Exact::new(d("1000")))
            .unwrap();
        let half = Exact::new(d("0.005"));
        assert_eq!(pence(&(&half - &tiny)), d("0.00"));
        assert_eq!(pence(&(&half + &tiny)), d("0.01"));
        assert_eq!(pence(&half), d("0.01"));
        assert_eq!(pence(&-(&half - &tiny)), d("0.00"));
        assert_eq!(pence(&-(&half + &tiny)), d("-0.01"));
    }

    #[test]
    fn thirds_are_marked_not_rounded() {
        let third = Exact::one().div(&Exact::new(d("3"))).unwrap();
        let got = third.to_decimal().unwrap();
        assert!(got > d("0.3333333") && got < d("0.3333334"), "{got}");
        assert_eq!(got.round_dp(6), d("0.333333"));
    }

    #[test]
    fn division_by_zero_and_huge_values_are_errors_not_panics() {
        assert_eq!(Exact::one().div(&Exact::zero()), Err(Overflow));
        assert_eq!(Exact::new(Decimal::MAX).powi(2).to_decimal(), Err(Overflow));
        // A huge value that does not terminate cannot keep 3 places.
        let third = Exact::one().div(&Exact::new(d("3"))).unwrap();
        let big = Exact::new(d("10000000000000000000000000")) + &third;
        assert_eq!(big.to_decimal(), Err(Overflow));
        // One of 10^21 keeps fewer than 7, but still pence and a sticky 5.
        let big = Exact::new(d("1000000000000000000000")) + third;
        assert_eq!(
            big.to_decimal().unwrap().round_dp(2),
            d("1000000000000000000000.33")
        );
        assert_eq!(Exact::new(Decimal::MAX).to_decimal(), Ok(Decimal::MAX));
    }
}
