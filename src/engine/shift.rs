//! The shift of activity between care settings (SPEC 3.2-3.3).
//!
//! Small pure functions named as in the SPEC: the profile fraction [`phi`],
//! the target share path [`sigma`], the weighted cost ratio [`rbar`] and the
//! exact [`solve`] for the spend moved, m.
//!
//! Every figure is an exact rational ([`Exact`]): phi = 1/3 is a third, and
//! m, a quotient, is kept as one, so nothing is rounded on the way. The
//! profile fraction is also given as a [`Ratio`] of two small decimals for
//! the Monte Carlo kernel, which works in f64.

use rust_decimal::Decimal;

use super::exact::{Exact, Overflow};
use crate::scenario::Profile;
use crate::scenario::Shape;

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

    /// The value as an exact number.
    pub fn exact(self) -> Result<Exact, Overflow> {
        Exact::new(self.num).div(&Exact::new(self.den))
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

/// The profile fraction phi(t) as an exact number.
pub fn phi_exact(profile: &Profile, t: u32, big_t: u32) -> Result<Exact, Overflow> {
    phi(profile, t, big_t).exact()
}

/// sigma(t) = sigma0 + (sigmaT - sigma0) * phi(t).
pub fn sigma(sigma0: &Exact, sigma_target: &Exact, phi: &Exact) -> Exact {
    sigma0 + (sigma_target - sigma0) * phi
}

/// rbar = sum_j w_j r_j over the `to` split.
pub fn rbar(splits_and_ratios: &[(Exact, Exact)]) -> Exact {
    splits_and_ratios
        .iter()
        .fold(Exact::zero(), |acc, (w, r)| acc + w * r)
}

/// The exact solve of SPEC 3.3 for one year, with R = `from` spend and
/// O = other spend:
///
/// m = (R(1 - sigma) - sigma O) / (1 - sigma(1 - rbar)), when positive.
#[derive(Clone, Debug, PartialEq)]
pub struct Solve {
    m: Exact,
    rbar: Exact,
}

/// Solves for the spend moved; `None` when the target is already met
/// (numerator <= 0), so nothing moves.
pub fn solve(
    from_spend: &Exact,
    other_spend: &Exact,
    sigma: &Exact,
    rbar: &Exact,
) -> Result<Option<Solve>, Overflow> {
    let one = Exact::one();
    let n = from_spend * (&one - sigma) - sigma * other_spend;
    if !n.is_positive() {
        return Ok(None);
    }
    let d = &one - sigma * (&one - rbar);
    if !d.is_positive() {
        // Only when sigma = 1 and rbar = 0, where n <= 0 already.
        return Ok(None);
    }
    Ok(Some(Solve {
        m: n.div(&d)?,
        rbar: rbar.clone(),
    }))
}

impl Solve {
    /// m(t): spend moved out of `from`.
    pub fn moved(&self) -> &Exact {
        &self.m
    }

    /// Shift saving m(1 - rbar) (negative when re-provision costs more).
    pub fn saving(&self) -> Exact {
        &self.m * (Exact::one() - &self.rbar)
    }

    /// m w_j r_j: spend added to a target with split `w` and ratio `r`.
    pub fn to_target(&self, w: &Exact, r: &Exact) -> Exact {
        &self.m * w * r
    }

    /// People moved: m / (unit_cost_from x (1 + p)^t).
    pub fn people(&self, unit_cost: &Exact, prices: &Exact) -> Result<Exact, Overflow> {
        self.m.div(&(unit_cost * prices))
    }
}

/// m alone, for callers that need only the spend moved.
pub fn moved_spend(
    from_spend: &Exact,
    other_spend: &Exact,
    sigma: &Exact,
    rbar: &Exact,
) -> Result<Exact, Overflow> {
    Ok(
        solve(from_spend, other_spend, sigma, rbar)?
            .map_or_else(Exact::zero, |s| s.moved().clone()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn e(s: &str) -> Exact {
        Exact::new(d(s))
    }

    fn value(r: Ratio) -> Decimal {
        r.exact().unwrap().to_decimal().unwrap()
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
        let p = phi_exact(&Profile::Shape(Shape::Linear), 1, 6).unwrap();
        assert_eq!((p * d("37.05")).to_decimal().unwrap(), d("6.175"));
    }

    #[test]
    fn worked_example_year_one_moves_5_970149m() {
        // SPEC 5: R = 55, O = 45, sigma = 0.5, r = 0.75 and 0.5 (60k and 40k
        // over 80k), splits 70/30, so rbar = 0.675 (in £m).
        let rb = rbar(&[(e("0.7"), e("0.75")), (e("0.3"), e("0.5"))]);
        assert_eq!(rb, e("0.675"));
        let s = solve(&e("55"), &e("45"), &e("0.5"), &rb).unwrap().unwrap();
        let six = |x: &Exact| x.to_decimal().unwrap().round_dp(6);
        assert_eq!(six(s.moved()), d("5.970149"));
        assert_eq!(six(&s.saving()), d("1.940299"));
    }

    #[test]
    fn target_already_met_moves_nothing() {
        let half = e("0.5");
        assert_eq!(
            moved_spend(&e("30"), &e("70"), &e("0.4"), &half).unwrap(),
            Exact::zero()
        );
        assert_eq!(
            moved_spend(&e("0"), &e("0"), &Exact::one(), &Exact::zero()).unwrap(),
            Exact::zero()
        );
    }
}
