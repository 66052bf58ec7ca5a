//! The counterfactual (SPEC 3.1); discounting is the appraisal's
//! ([`super::appraisal`]).
//!
//! C(t) = C(0) x ((1 + g)(1 + p))^t, carried from year to year as a
//! volume index: volume(t) = volume(t - 1) x (1 + g)(1 + p), so no power
//! is taken in the year loop.

use super::Number;

/// (1 + g)(1 + p): one year's growth of a service's spend, volume growth
/// `g` and inflation `p`.
#[inline(always)]
pub fn growth_factor<N: Number>(g: &N, p: &N) -> N {
    (N::one() + g) * (N::one() + p)
}

/// 1 + p: one year's rise in prices (unit costs, pay).
#[inline(always)]
pub fn price_factor<N: Number>(p: &N) -> N {
    N::one() + p
}

/// An index carried one year on: `index(t) = index(t - 1) x factor`.
#[inline(always)]
pub fn next_year<N: Number>(index: &N, factor: &N) -> N {
    index.clone() * factor
}

/// C(t) = C(0) x volume(t).
#[inline(always)]
pub fn counterfactual<N: Number>(baseline: &N, volume: &N) -> N {
    baseline.clone() * volume
}

/// A partner's counterfactual contribution: its year-0 contribution grown
/// as the service is, c(0) x volume(t).
#[inline(always)]
pub fn contribution<N: Number>(c0: &N, volume: &N) -> N {
    c0.clone() * volume
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Exact;
    use crate::model::testing::e;

    #[test]
    fn growth_compounds_volume_and_prices() {
        let g = growth_factor(&e("0.02"), &e("0.03"));
        assert_eq!(g, e("1.0506"));
        let mut volume = Exact::one();
        for _ in 0..2 {
            volume = next_year(&volume, &g);
        }
        assert_eq!(counterfactual(&e("100"), &volume), e("110.376036"));
        assert_eq!(price_factor(&e("0.03")), e("1.03"));
    }
}
