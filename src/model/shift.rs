//! The shift of activity between care settings (SPEC 3.2-3.3).
//!
//! The profile fraction [`phi`], the target share path, the weighted cost
//! ratio r̄ and the solve for the spend moved, m, each once. The profile
//! fraction is a [`Ratio`] of two small decimals, divided last in the
//! number the caller works in: a third stays a third in exact arithmetic.
//!
//! The solve of SPEC 3.3 is m = (R(1 - sigma) - sigma O) / (1 - sigma(1 -
//! r̄)) with R and O the `from` and other spend before the shift. Both are
//! the counterfactual's settings, R = sigma0 C and O = (1 - sigma0) C, so
//! the numerator is C (sigma0 - sigma): [`spend_moved`] computes it so.

use rust_decimal::Decimal;

use super::{Number, Overflow};
use crate::scenario::{Profile, Shape};

/// num / den, kept apart so that division happens last. `den` is positive.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ratio {
    pub num: Decimal,
    pub den: Decimal,
}

impl Ratio {
    pub const ZERO: Ratio = Ratio {
        num: Decimal::ZERO,
        den: Decimal::ONE,
    };
    pub const ONE: Ratio = Ratio {
        num: Decimal::ONE,
        den: Decimal::ONE,
    };

    pub fn whole(value: Decimal) -> Ratio {
        Ratio {
            num: value,
            den: Decimal::ONE,
        }
    }

    /// The value in a number of the model.
    #[inline]
    pub fn value<N: Number>(self) -> Result<N, Overflow> {
        N::of(self.num).over(&N::of(self.den))
    }
}

/// phi(t): the fraction of the change reached by year `t` of `big_t` years.
/// Zero at the baseline, one from year `big_t` on.
pub fn phi(profile: &Profile, t: u32, big_t: u32) -> Ratio {
    if t == 0 {
        return Ratio::ZERO;
    }
    if t >= big_t {
        return Ratio::ONE;
    }
    // t < T <= 50 (the horizon's limit): these products are small.
    let (t_, tt) = (i64::from(t), i64::from(big_t));
    let ratio = |num: i64, den: i64| Ratio {
        num: Decimal::from(num),
        den: Decimal::from(den),
    };
    match profile {
        Profile::Shape(Shape::Linear) => ratio(t_, tt),
        // 1 - (1 - t/T)^2 = t(2T - t) / T^2.
        Profile::Shape(Shape::FrontLoaded) => ratio(t_ * (2 * tt - t_), tt * tt),
        Profile::Shape(Shape::BackLoaded) => ratio(t_ * t_, tt * tt),
        Profile::Shape(Shape::Step) => Ratio::ZERO,
        Profile::List(values) => {
            Ratio::whole(values.get(t as usize - 1).copied().unwrap_or(Decimal::ONE))
        }
    }
}

/// phi(t) for t = 0..=horizon, in a number of the model.
pub fn phis<N: Number>(profile: &Profile, big_t: u32, horizon: u32) -> Result<Vec<N>, Overflow> {
    (0..=horizon)
        .map(|t| phi(profile, t, big_t).value())
        .collect()
}

/// sigmaT - sigma0: how far the `from` share has to go.
#[inline(always)]
pub fn target_gap<N: Number>(sigma0: &N, sigma_target: &N) -> N {
    sigma_target.clone() - sigma0
}

/// r_j = unit_cost_j / unit_cost_from, when no cost ratio is given.
#[inline]
pub fn cost_ratio<N: Number>(unit_cost: &N, unit_cost_from: &N) -> Result<N, Overflow> {
    unit_cost.over(unit_cost_from)
}

/// r̄ = sum_j w_j r_j with every r_j the unit costs' ratio:
/// (sum_j w_j unit_cost_j) / unit_cost_from, summed from zero in the
/// order of the split by [`weighted_unit_cost`]. (A given cost ratio is r̄
/// itself: the splits sum to one.)
#[inline]
pub fn rbar_of_unit_costs<'a, N: Number + 'a>(
    splits_and_unit_costs: impl IntoIterator<Item = (&'a N, &'a N)>,
    unit_cost_from: &N,
) -> Result<N, Overflow> {
    let sum = splits_and_unit_costs
        .into_iter()
        .fold(N::zero(), |acc, (w, uc)| weighted_unit_cost(acc, w, uc));
    rbar_of_weighted(&sum, unit_cost_from)
}

/// One target's term of r̄'s numerator added to the sum so far:
/// sum + w_j x unit_cost_j.
#[inline(always)]
pub fn weighted_unit_cost<N: Number>(sum: N, w: &N, unit_cost: &N) -> N {
    sum + w.clone() * unit_cost
}

/// r̄ from its numerator: sum_j w_j unit_cost_j / unit_cost_from.
#[inline(always)]
pub fn rbar_of_weighted<N: Number>(sum: &N, unit_cost_from: &N) -> Result<N, Overflow> {
    sum.over(unit_cost_from)
}

/// 1 - r̄: the share of the spend moved that is saved.
#[inline(always)]
pub fn one_minus_rbar<N: Number>(rbar: &N) -> N {
    N::one() - rbar
}

/// m(t), the spend moved out of `from` in a year: SPEC 3.3 with sigma(t) =
/// sigma0 + (sigmaT - sigma0) phi(t) (SPEC 3.2), on the counterfactual
/// `c`. Zero when the target is already met (the numerator is not
/// positive).
#[inline(always)]
pub fn spend_moved<N: Number>(
    c: &N,
    sigma0: &N,
    target_gap: &N,
    phi: &N,
    one_minus_rbar: &N,
) -> Result<N, Overflow> {
    // sigma(t) - sigma0.
    let change = target_gap.clone() * phi;
    let sigma = sigma0.clone() + &change;
    // R(1 - sigma) - sigma O = C (sigma0 - sigma).
    let numerator = -(c.clone() * &change);
    let denominator = N::one() - &(sigma * one_minus_rbar);
    // A denominator of zero needs sigma = 1 and r̄ = 0, where the
    // numerator is not positive already.
    if numerator.is_positive() && denominator.is_positive() {
        numerator.over(&denominator)
    } else {
        Ok(N::zero())
    }
}

/// The shift saving m(1 - r̄) (negative when re-provision costs more).
#[inline(always)]
pub fn shift_saving<N: Number>(moved: &N, one_minus_rbar: &N) -> N {
    moved.clone() * one_minus_rbar
}

/// E(t): the post-shift total, counterfactual less the shift saving.
#[inline(always)]
pub fn post_shift<N: Number>(c: &N, shift_saving: &N) -> N {
    c.clone() - shift_saving
}

/// A setting's counterfactual spend: its year-0 share of C(t).
#[inline]
pub fn setting_spend<N: Number>(c: &N, share: &N) -> N {
    c.clone() * share
}

/// m w_j r_j: spend added to a target setting with split `w` and cost
/// ratio `r`.
#[inline]
pub fn added_to_target<N: Number>(moved: &N, w: &N, r: &N) -> N {
    moved.clone() * w * r
}

/// People a spend stands for: spend / (unit cost x (1 + p)^t).
#[inline]
pub fn people<N: Number>(spend: &N, unit_cost: &N, prices: &N) -> Result<N, Overflow> {
    spend.over(&(unit_cost.clone() * prices))
}

/// A setting's share of the post-shift total (zero of nothing).
#[inline]
pub fn setting_share<N: Number>(spend: &N, post_shift: &N) -> Result<N, Overflow> {
    if post_shift.is_positive() {
        spend.over(post_shift)
    } else {
        Ok(N::zero())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Exact;
    use crate::model::testing::{d, e};

    fn value(r: Ratio) -> Decimal {
        r.value::<Exact>().unwrap().to_decimal().unwrap()
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
            assert_eq!(value(phi(&p, 0, 4)), Decimal::ZERO);
            assert_eq!(value(phi(&p, 4, 4)), Decimal::ONE);
            assert_eq!(value(phi(&p, 6, 4)), Decimal::ONE);
        }
    }

    #[test]
    fn profile_shapes_match_the_spec_formulas() {
        let at = |shape, t| value(phi(&Profile::Shape(shape), t, 4));
        assert_eq!(at(Shape::Linear, 1), d("0.25"));
        assert_eq!(at(Shape::FrontLoaded, 1), d("0.4375")); // 1 - 0.75^2
        assert_eq!(at(Shape::BackLoaded, 1), d("0.0625")); // 0.25^2
        assert_eq!(at(Shape::Step, 3), Decimal::ZERO);
        let list = Profile::List(vec![d("0.25"), d("0.6"), d("1")]);
        assert_eq!(value(phi(&list, 2, 3)), d("0.6"));
    }

    #[test]
    fn thirds_stay_exact() {
        // 37.05 x 1/6 is exactly 6.175; a rounded 1/6 would miss it.
        let p: Exact = phi(&Profile::Shape(Shape::Linear), 1, 6).value().unwrap();
        assert_eq!((p * d("37.05")).to_decimal().unwrap(), d("6.175"));
    }

    #[test]
    fn worked_example_year_one_moves_5_970149m() {
        // SPEC 5: C = 100, sigma0 = 0.55, sigma(1) = 0.5, r = 0.75 and 0.5
        // (60k and 40k over 80k), splits 70/30, so r̄ = 0.675 (in £m).
        let rb =
            rbar_of_unit_costs([(&e("0.7"), &e("60")), (&e("0.3"), &e("40"))], &e("80")).unwrap();
        assert_eq!(rb, e("0.675"));
        let omr = one_minus_rbar(&rb);
        let gap = target_gap(&e("0.55"), &e("0.35"));
        // phi(1) = 0.25 of the way to 0.35: sigma(1) = 0.5.
        let m = spend_moved(&e("100"), &e("0.55"), &gap, &e("0.25"), &omr).unwrap();
        let six = |x: &Exact| x.to_decimal().unwrap().round_dp(6);
        assert_eq!(six(&m), d("5.970149"));
        assert_eq!(six(&shift_saving(&m, &omr)), d("1.940299"));
        // The SPEC's form of the numerator, R(1 - sigma) - sigma O.
        let n = e("55") * (Exact::one() - e("0.5")) - e("0.5") * e("45");
        let den = Exact::one() - e("0.5") * omr;
        assert_eq!(m, n.div(&den).unwrap());
    }

    #[test]
    fn target_already_met_moves_nothing() {
        let half = e("0.5");
        // The share is already below the target: sigma falls no further.
        let gap = target_gap(&e("0.3"), &e("0.4"));
        assert_eq!(
            spend_moved(&e("100"), &e("0.3"), &gap, &Exact::one(), &half).unwrap(),
            Exact::zero()
        );
        // sigma = 1 and r̄ = 0: nothing to move, no division by zero.
        let none = target_gap(&Exact::one(), &Exact::one());
        assert_eq!(
            spend_moved(&e("0"), &Exact::one(), &none, &Exact::one(), &Exact::one()).unwrap(),
            Exact::zero()
        );
    }
}
