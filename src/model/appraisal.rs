//! The appraisal of SPEC 3.7: real terms, discounting and optimism bias, as
//! HM Treasury's Green Book asks.
//!
//! The cash tables (SPEC 3.1-3.5) stay nominal; the appraisal takes each
//! line's savings and costs in a year, adjusts them for optimism bias,
//! deflates them to year-0 prices with the price index I(t) and discounts
//! them with the discount factor D(t). Summed over years 1..H they give
//! the present values, the NPV and the benefit-cost ratio.

use rust_decimal::Decimal;

use super::{Number, Overflow};
use crate::scenario::DiscountRate;

/// The Green Book's real discount rate for year `t`: 3.5% for years 1 to
/// 30, 3.0% from 31 (to 75; a horizon is at most 50).
pub fn green_book_rate(t: u32) -> Decimal {
    if t <= 30 {
        Decimal::new(35, 3)
    } else {
        Decimal::new(30, 3)
    }
}

/// r_t: the discount rate of year `t`.
pub fn rate_in_year(rate: DiscountRate, t: u32) -> Decimal {
    match rate {
        DiscountRate::GreenBook => green_book_rate(t),
        DiscountRate::Flat(r) => r,
    }
}

/// D(t) = D(t - 1) / (1 + r_t), D(0) = 1.
#[inline]
pub fn discount_factor<N: Number>(previous: &N, rate: &N) -> Result<N, Overflow> {
    previous.over(&(N::one() + rate))
}

/// I(t) = I(t - 1) x (1 + deflator), I(0) = 1: the price index.
#[inline(always)]
pub fn price_index<N: Number>(previous: &N, deflator: &N) -> N {
    previous.clone() * &(N::one() + deflator)
}

/// A cost line's amount after optimism bias: x (1 + ob), an uplift.
#[inline(always)]
pub fn biased_cost<N: Number>(amount: &N, ob: &N) -> N {
    amount.clone() * &(N::one() + ob)
}

/// A saving line's amount after optimism bias: x (1 - ob) when x >= 0, a
/// shortfall; x (1 + ob) when x < 0 (a shift that costs more than it
/// saves), so the adjustment never flatters the case.
#[inline(always)]
pub fn biased_saving<N: Number>(amount: &N, ob: &N) -> N {
    // One multiplication either way (1 + (-ob) is 1 - ob exactly), so
    // over lanes it is a select, not a branch.
    let signed = if *amount >= N::zero() {
        -ob.clone()
    } else {
        ob.clone()
    };
    amount.clone() * &(N::one() + &signed)
}

/// Many saving lines at one optimism bias, as [`biased_saving`] line by
/// line: their sum `sum` x (1 - ob), plus 2 ob x `negative` (the sum of
/// the negative lines), since a negative line's x (1 + ob) is
/// x (1 - ob) + 2 ob x. Monte Carlo sums the lines that share the
/// scenario's bias this way, from totals it has already.
#[inline(always)]
pub fn biased_savings<N: Number>(sum: &N, negative: &N, ob: &N) -> N {
    let two_ob = ob.clone() + ob;
    sum.clone() * &(N::one() - ob) + &(two_ob * negative)
}

/// A year's nominal amount in real terms, discounted: x / I(t) x D(t).
#[inline]
pub fn present_value<N: Number>(amount: &N, index: &N, factor: &N) -> Result<N, Overflow> {
    Ok(amount.over(index)? * factor)
}

/// The benefit-cost ratio pv_savings / pv_costs, when costs are positive.
#[inline]
pub fn bcr<N: Number>(pv_savings: &N, pv_costs: &N) -> Result<Option<N>, Overflow> {
    if pv_costs.is_positive() {
        pv_savings.over(pv_costs).map(Some)
    } else {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Exact;
    use crate::model::testing::e;

    #[test]
    fn the_green_book_schedule_steps_down_after_year_30() {
        assert_eq!(green_book_rate(1), Decimal::new(35, 3));
        assert_eq!(green_book_rate(30), Decimal::new(35, 3));
        assert_eq!(green_book_rate(31), Decimal::new(3, 2));
        let mut d = Exact::one();
        for t in 1..=31 {
            d = discount_factor(&d, &Exact::new(green_book_rate(t))).unwrap();
        }
        let want = Exact::one()
            .div(&(e("1.035").powi(30) * e("1.03")))
            .unwrap();
        assert_eq!(d, want);
    }

    #[test]
    fn a_flat_rate_discounts_the_same_in_exact_numbers_and_f64() {
        let rate = rate_in_year(DiscountRate::Flat(Decimal::new(35, 3)), 40);
        let mut d = Exact::one();
        let mut float = 1.0_f64;
        for _ in 0..2 {
            d = discount_factor(&d, &Exact::new(rate)).unwrap();
            float = discount_factor(&float, &0.035).unwrap();
        }
        assert_eq!(d, Exact::one().div(&e("1.071225")).unwrap());
        assert!((float - 1.0 / 1.071225).abs() < 1e-15);
    }

    #[test]
    fn optimism_bias_never_flatters_the_case() {
        assert_eq!(biased_cost(&e("100"), &e("0.2")), e("120"));
        assert_eq!(biased_saving(&e("100"), &e("0.2")), e("80"));
        // A shift that costs more than it saves costs more still.
        assert_eq!(biased_saving(&e("-100"), &e("0.2")), e("-120"));
        assert_eq!(biased_saving(&0.0_f64, &0.5), 0.0);
    }

    #[test]
    fn lines_at_one_bias_sum_as_they_would_line_by_line() {
        let ob = e("0.15");
        let lines = ["100", "-40", "0", "2.5", "-0.01", "7"].map(e);
        let one_by_one = lines
            .iter()
            .fold(Exact::zero(), |a, x| a + &biased_saving(x, &ob));
        let sum = lines.iter().fold(Exact::zero(), |a, x| a + x);
        let negative = lines
            .iter()
            .filter(|x| **x < Exact::zero())
            .fold(Exact::zero(), |a, x| a + x);
        assert_eq!(biased_savings(&sum, &negative, &ob), one_by_one);
    }

    #[test]
    fn a_hand_worked_appraisal() {
        // £50,000 a year in year-0 prices, nominal at 2% inflation, and
        // costs of £30k, £20k, £10k with a 20% uplift, Green Book rates:
        // pv_savings 140,081.85, pv_costs 65,833.92, bcr 2.127807.
        let deflator = e("0.02");
        let (mut index, mut factor) = (Exact::one(), Exact::one());
        let (mut pv_s, mut pv_c) = (Exact::zero(), Exact::zero());
        for (t, cost) in [(1, "30000"), (2, "20000"), (3, "10000")] {
            index = price_index(&index, &deflator);
            factor = discount_factor(&factor, &Exact::new(green_book_rate(t))).unwrap();
            let saving = e("50000") * &index;
            pv_s = pv_s
                + present_value(&biased_saving(&saving, &Exact::zero()), &index, &factor).unwrap();
            pv_c =
                pv_c + present_value(&biased_cost(&e(cost), &e("0.2")), &index, &factor).unwrap();
        }
        let pence = |x: &Exact| x.to_decimal().unwrap().round_dp(2);
        assert_eq!(pence(&pv_s), "140081.85".parse().unwrap());
        assert_eq!(pence(&pv_c), "65833.92".parse().unwrap());
        let ratio = bcr(&pv_s, &pv_c).unwrap().unwrap();
        assert_eq!(
            ratio.to_decimal().unwrap().round_dp(6),
            "2.127807".parse().unwrap()
        );
        assert_eq!(bcr(&pv_s, &Exact::zero()).unwrap(), None);
    }
}
