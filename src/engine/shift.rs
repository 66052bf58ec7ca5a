//! The shift of activity between care settings (SPEC 3.2-3.3).
//!
//! Small pure functions named as in the SPEC: the profile fraction [`phi`],
//! the target share path [`sigma`], the weighted cost ratio [`rbar`] and the
//! exact [`solve`] for the spend moved, m.
//!
//! Fractions such as phi = 1/3 are kept as a [`Ratio`] (numerator and
//! denominator) and every figure is formed by multiplying first and dividing
//! once at the end, so a figure whose exact value has a finite decimal
//! expansion (heads of 50.825, say) is computed exactly, not rounded on the
//! way.

use rust_decimal::Decimal;

use super::exact::{Exact, Overflow};
use crate::scenario::Profile;
use crate::scenario::raw::Shape;

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

    /// The value as one decimal (rounded only if it does not terminate).
    pub fn value(self) -> Result<Decimal, Overflow> {
        (Exact::new(self.num) / self.den).get()
    }

    /// `x * self`, dividing last.
    pub fn of(self, x: Decimal) -> Result<Decimal, Overflow> {
        (Exact::new(x) * self.num / self.den).get()
    }

    /// `self - other`, over a common denominator.
    pub fn minus(self, other: Ratio) -> Result<Ratio, Overflow> {
        if self.den == other.den {
            return Ok(Ratio {
                num: (Exact::new(self.num) - other.num).get()?,
                den: self.den,
            });
        }
        Ok(Ratio {
            num: (Exact::new(self.num) * other.den - Exact::new(other.num) * self.den).get()?,
            den: (Exact::new(self.den) * other.den).get()?,
        })
    }
}

/// phi(t): the fraction of the change reached by year `t` of `big_t` years.
/// Zero at the baseline, one from year `big_t` on.
pub fn phi(profile: &Profile, t: u32, big_t: u32) -> Result<Ratio, Overflow> {
    if t == 0 {
        return Ok(Ratio::ZERO);
    }
    if t >= big_t {
        return Ok(Ratio::ONE);
    }
    let (t_, tt) = (Exact::from(t), Exact::from(big_t));
    let ratio = |num: Exact, den: Exact| -> Result<Ratio, Overflow> {
        Ok(Ratio {
            num: num.get()?,
            den: den.get()?,
        })
    };
    match profile {
        Profile::Shape(Shape::Linear) => ratio(t_, tt),
        // 1 - (1 - t/T)^2 = t(2T - t) / T^2.
        Profile::Shape(Shape::FrontLoaded) => ratio(t_ * (tt * Decimal::TWO - t_), tt * tt),
        Profile::Shape(Shape::BackLoaded) => ratio(t_ * t_, tt * tt),
        Profile::Shape(Shape::Step) => Ok(Ratio::ZERO),
        Profile::List(values) => Ok(Ratio::whole(
            values.get(t as usize - 1).copied().unwrap_or(Decimal::ONE),
        )),
    }
}

/// sigma(t) = sigma0 + (sigmaT - sigma0) * phi(t), over phi's denominator.
pub fn sigma(sigma0: Decimal, sigma_target: Decimal, phi: Ratio) -> Result<Ratio, Overflow> {
    Ok(Ratio {
        num: (Exact::new(sigma0) * phi.den + (Exact::new(sigma_target) - sigma0) * phi.num)
            .get()?,
        den: phi.den,
    })
}

/// rbar = sum_j w_j r_j, where every r_j is `ratio_nums[j] / den` (unit
/// costs over the `from` unit cost, or a given cost ratio over 1).
pub fn rbar(splits_and_ratio_nums: &[(Decimal, Decimal)], den: Decimal) -> Result<Ratio, Overflow> {
    Ok(Ratio {
        num: Exact::sum(
            splits_and_ratio_nums
                .iter()
                .map(|&(w, r)| Exact::new(w) * r),
        )
        .get()?,
        den,
    })
}

/// The exact solve of SPEC 3.3 for one year, with R = `from` spend and
/// O = other spend:
///
/// m = (R(1 - sigma) - sigma O) / (1 - sigma(1 - rbar)), when positive.
///
/// With sigma = S/b and rbar = N/D this is m = n D / d where
/// n = R(b - S) - S O and d = bD - S(D - N); the figures that follow from m
/// are formed from n and d with a single division each.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Solve {
    n: Decimal,
    d: Decimal,
    rbar: Ratio,
}

/// Solves for the spend moved; `None` when the target is already met
/// (numerator <= 0), so nothing moves.
pub fn solve(
    from_spend: Decimal,
    other_spend: Decimal,
    sigma: Ratio,
    rbar: Ratio,
) -> Result<Option<Solve>, Overflow> {
    let (s, b) = (Exact::new(sigma.num), Exact::new(sigma.den));
    let n = (Exact::new(from_spend) * (b - s) - s * other_spend).get()?;
    if n <= Decimal::ZERO {
        return Ok(None);
    }
    let d = (b * rbar.den - s * (Exact::new(rbar.den) - rbar.num)).get()?;
    if d <= Decimal::ZERO {
        // Only when sigma = 1 and rbar = 0, where n <= 0 already.
        return Ok(None);
    }
    Ok(Some(Solve { n, d, rbar }))
}

impl Solve {
    /// m(t): spend moved out of `from`.
    pub fn moved(&self) -> Result<Decimal, Overflow> {
        (Exact::new(self.n) * self.rbar.den / self.d).get()
    }

    /// Shift saving m(1 - rbar) (negative when re-provision costs more).
    pub fn saving(&self) -> Result<Decimal, Overflow> {
        (Exact::new(self.n) * (Exact::new(self.rbar.den) - self.rbar.num) / self.d).get()
    }

    /// m w_j r_j: spend added to a target with split `w` and ratio
    /// numerator `r_num` (over rbar's denominator).
    pub fn to_target(&self, w: Decimal, r_num: Decimal) -> Result<Decimal, Overflow> {
        (Exact::new(self.n) * w * r_num / self.d).get()
    }

    /// People moved: m / (unit_cost_from x (1 + p)^t).
    pub fn people(&self, unit_cost: Decimal, prices: Decimal) -> Result<Decimal, Overflow> {
        (Exact::new(self.n) * self.rbar.den / (Exact::new(self.d) * unit_cost * prices)).get()
    }
}

/// m alone, for callers that need only the spend moved.
pub fn moved_spend(
    from_spend: Decimal,
    other_spend: Decimal,
    sigma: Ratio,
    rbar: Ratio,
) -> Result<Decimal, Overflow> {
    match solve(from_spend, other_spend, sigma, rbar)? {
        Some(s) => s.moved(),
        None => Ok(Decimal::ZERO),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn value(r: Ratio) -> Decimal {
        r.value().unwrap()
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
            assert_eq!(value(phi(&p, 0, 4).unwrap()), Decimal::ZERO);
            assert_eq!(value(phi(&p, 4, 4).unwrap()), Decimal::ONE);
            assert_eq!(value(phi(&p, 6, 4).unwrap()), Decimal::ONE);
        }
    }

    #[test]
    fn profile_shapes_match_the_spec_formulas() {
        let at = |shape, t| value(phi(&Profile::Shape(shape), t, 4).unwrap());
        assert_eq!(at(Shape::Linear, 1), d("0.25"));
        assert_eq!(at(Shape::FrontLoaded, 1), d("0.4375")); // 1 - 0.75^2
        assert_eq!(at(Shape::BackLoaded, 1), d("0.0625")); // 0.25^2
        assert_eq!(at(Shape::Step, 3), Decimal::ZERO);
        let list = Profile::List(vec![d("0.25"), d("0.6"), d("1")]);
        assert_eq!(value(phi(&list, 2, 3).unwrap()), d("0.6"));
    }

    #[test]
    fn thirds_stay_exact_until_the_last_division() {
        // 37.05 x 1/6 is exactly 6.175; dividing first would round 1/6.
        let p = phi(&Profile::Shape(Shape::Linear), 1, 6).unwrap();
        assert_eq!(p.of(d("37.05")).unwrap(), d("6.175"));
    }

    #[test]
    fn worked_example_year_one_moves_5_970149m() {
        // SPEC 5: R = 55, O = 45, sigma = 0.5, r = 0.75 and 0.5 (60k and 40k
        // over 80k), splits 70/30, so rbar = 0.675 (in £m).
        let rb = rbar(
            &[(d("0.7"), d("60000")), (d("0.3"), d("40000"))],
            d("80000"),
        )
        .unwrap();
        assert_eq!(value(rb), d("0.675"));
        let s = solve(d("55"), d("45"), Ratio::whole(d("0.5")), rb)
            .unwrap()
            .unwrap();
        assert_eq!(s.moved().unwrap().round_dp(6), d("5.970149"));
        assert_eq!(s.saving().unwrap().round_dp(6), d("1.940299"));
    }

    #[test]
    fn target_already_met_moves_nothing() {
        let half = Ratio::whole(d("0.5"));
        assert_eq!(
            moved_spend(d("30"), d("70"), Ratio::whole(d("0.4")), half).unwrap(),
            Decimal::ZERO
        );
        assert_eq!(
            moved_spend(d("0"), d("0"), Ratio::ONE, Ratio::ZERO).unwrap(),
            Decimal::ZERO
        );
    }
}
