//! The shift of activity between care settings (SPEC 3.2-3.3).
//!
//! Small pure functions named as in the SPEC: the profile fraction [`phi`],
//! the target share path [`sigma`], the weighted cost ratio [`rbar`] and the
//! exact solve for the spend moved, [`moved_spend`].

use rust_decimal::Decimal;

use super::exact::{Exact, Overflow};
use crate::scenario::Profile;
use crate::scenario::raw::Shape;

/// phi(t): the fraction of the change reached by year `t` of `big_t` years.
/// Zero at the baseline, one from year `big_t` on.
pub fn phi(profile: &Profile, t: u32, big_t: u32) -> Result<Decimal, Overflow> {
    if t == 0 {
        return Ok(Decimal::ZERO);
    }
    if t >= big_t {
        return Ok(Decimal::ONE);
    }
    let (t_, tt) = (Exact::from(t), Exact::from(big_t));
    match profile {
        Profile::Shape(Shape::Linear) => (t_ / tt).get(),
        // 1 - (1 - t/T)^2, written as t(2T - t)/T^2 to divide once.
        Profile::Shape(Shape::FrontLoaded) => (t_ * (tt * Decimal::TWO - t_) / (tt * tt)).get(),
        Profile::Shape(Shape::BackLoaded) => (t_ * t_ / (tt * tt)).get(),
        Profile::Shape(Shape::Step) => Ok(Decimal::ZERO),
        Profile::List(values) => Ok(values.get(t as usize - 1).copied().unwrap_or(Decimal::ONE)),
    }
}

/// sigma(t) = sigma0 + (sigmaT - sigma0) * phi(t).
pub fn sigma(sigma0: Decimal, sigma_target: Decimal, phi: Decimal) -> Result<Decimal, Overflow> {
    (Exact::new(sigma0) + (Exact::new(sigma_target) - sigma0) * phi).get()
}

/// rbar = sum_j w_j * r_j.
pub fn rbar(splits_and_ratios: &[(Decimal, Decimal)]) -> Result<Decimal, Overflow> {
    Exact::sum(splits_and_ratios.iter().map(|&(w, r)| Exact::new(w) * r)).get()
}

/// m = max(0, (R(1 - sigma) - sigma O) / (1 - sigma(1 - rbar))): the spend
/// moved out of the `from` setting so that its share of the new service
/// total is sigma. `from_spend` is R, `other_spend` is O.
pub fn moved_spend(
    from_spend: Decimal,
    other_spend: Decimal,
    sigma: Decimal,
    rbar: Decimal,
) -> Result<Decimal, Overflow> {
    let s = Exact::new(sigma);
    let numerator = (Exact::new(from_spend) * (Exact::ONE - s) - s * other_spend).get()?;
    if numerator <= Decimal::ZERO {
        return Ok(Decimal::ZERO);
    }
    let denominator = (Exact::ONE - s * (Exact::ONE - rbar)).get()?;
    if denominator <= Decimal::ZERO {
        // Only when sigma = 1 and rbar = 0, where the numerator is <= 0.
        return Ok(Decimal::ZERO);
    }
    (Exact::new(numerator) / denominator).get()
}

/// Saving from re-providing `moved` at weighted ratio `rbar`: m(1 - rbar).
pub fn shift_saving(moved: Decimal, rbar: Decimal) -> Result<Decimal, Overflow> {
    (Exact::new(moved) * (Exact::ONE - rbar)).get()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn profiles_reach_one_at_the_target_year() {
        for shape in [
            Shape::Linear,
            Shape::FrontLoaded,
            Shape::BackLoaded,
            Shape::Step,
        ] {
            let p = Profile::Shape(shape);
            assert_eq!(phi(&p, 0, 4).unwrap(), Decimal::ZERO);
            assert_eq!(phi(&p, 4, 4).unwrap(), Decimal::ONE);
            assert_eq!(phi(&p, 6, 4).unwrap(), Decimal::ONE);
        }
    }

    #[test]
    fn profile_shapes_match_the_spec_formulas() {
        let at = |shape, t| phi(&Profile::Shape(shape), t, 4).unwrap();
        assert_eq!(at(Shape::Linear, 1), d("0.25"));
        assert_eq!(at(Shape::FrontLoaded, 1), d("0.4375")); // 1 - 0.75^2
        assert_eq!(at(Shape::BackLoaded, 1), d("0.0625")); // 0.25^2
        assert_eq!(at(Shape::Step, 3), Decimal::ZERO);
        let list = Profile::List(vec![d("0.25"), d("0.6"), d("1")]);
        assert_eq!(phi(&list, 2, 3).unwrap(), d("0.6"));
    }

    #[test]
    fn worked_example_year_one_moves_5_970149m() {
        // SPEC 5: R = 55, O = 45, sigma = 0.5, rbar = 0.675 (in £m).
        let rb = rbar(&[(d("0.7"), d("0.75")), (d("0.3"), d("0.5"))]).unwrap();
        assert_eq!(rb, d("0.675"));
        let m = moved_spend(d("55"), d("45"), d("0.5"), rb).unwrap();
        assert_eq!(m.round_dp(6), d("5.970149"));
        assert_eq!(shift_saving(m, rb).unwrap().round_dp(6), d("1.940299"));
    }

    #[test]
    fn target_already_met_moves_nothing() {
        assert_eq!(
            moved_spend(d("30"), d("70"), d("0.4"), d("0.5")).unwrap(),
            Decimal::ZERO
        );
        assert_eq!(
            moved_spend(d("0"), d("0"), d("1"), d("0")).unwrap(),
            Decimal::ZERO
        );
    }
}
