//! The model of SPEC 3.1-3.5, written once.
//!
//! Every step of the SPEC is here as one small function named as the SPEC
//! names it, generic over the [`Number`] it works in: [`Exact`] rationals
//! for the central case and every other exact run (crate::engine), and
//! `f64` for Monte Carlo (crate::uncertainty::kernel). The two drivers
//! differ only in what they loop over: the exact engine over years,
//! services and every reported quantity, with locations for its errors;
//! the kernel over lanes of draws, block by block. Neither computes a
//! figure of the model itself.
//!
//! The formulas are written in the order of operations the f64 kernel
//! uses, which the exact engine, working in rationals, does not notice:
//! any algebraically equal form gives the same exact value. So one
//! function serves both, and changing a formula here changes both drivers
//! (docs/architecture.md: "to add a formula, change this one place").
//!
//! * [`growth`]: the counterfactual and partners' contributions (SPEC 3.1);
//! * [`shift`]: the profile, the target share and the shift solve (3.2-3.3);
//! * [`savings`]: efficiency savings, costs, the workforce, totals (3.4);
//! * [`risk_share`]: partners' shares, caps and contributions (3.5).
//! * [`appraisal`]: real terms, discounting and optimism bias (3.7).

pub mod appraisal;
pub mod exact;
pub mod growth;
pub mod number;
pub mod risk_share;
pub mod savings;
pub mod shift;

pub use exact::{Exact, Overflow};
pub use number::Number;

/// Test helpers: decimals and exact numbers from text.
#[cfg(test)]
pub(crate) mod testing {
    use rust_decimal::Decimal;

    use super::Exact;

    pub fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    pub fn e(s: &str) -> Exact {
        Exact::new(d(s))
    }
}
