//! Efficiency savings, costs, the workforce and a service's totals (SPEC
//! 3.4).
//!
//! A rate saving is rate x phase(t) x the post-shift base; an amount saving
//! and a cost line are split between the services in scope pro rata to a
//! base (post-shift spend for savings, counterfactual spend for costs).
//! Workforce savings are the pay of the posts gone, redundancy the cost of
//! the posts going in a year, both at that year's prices.

use rust_decimal::Decimal;

use super::{Number, Overflow};

/// phase(t): the fraction of a saving achieved in year `t` (1-based); the
/// last value holds after the list ends, even below 100%.
pub fn phase(phase_in: &[Decimal], t: u32) -> Decimal {
    if t == 0 {
        return Decimal::ZERO;
    }
    phase_in
        .get(t as usize - 1)
        .or(phase_in.last())
        .copied()
        .unwrap_or(Decimal::ONE)
}

/// The entry of a yearly list for year `t` (1-based): `list[t - 1]`, none
/// before year 1 or after the list (cost and variance amounts).
pub fn in_year<T: Copy>(list: &[T], t: u32) -> Option<T> {
    if t == 0 {
        return None;
    }
    list.get(t as usize - 1).copied()
}

/// A rate saving on one service: rate x phase(t) x base.
#[inline(always)]
pub fn rate_saving<N: Number>(rate: &N, phase: &N, base: &N) -> N {
    rate.clone() * phase * base
}

/// An amount of a year: the amount x phase(t) (an amount saving), or the
/// amount as it is (a cost line: phase one).
#[inline(always)]
pub fn phased<N: Number>(amount: &N, phase: &N) -> N {
    amount.clone() * phase
}

/// One service's part of an amount split pro rata: amount x base / total
/// of the bases, or an equal part of `count` when every base is zero
/// (docs/model.md). The parts sum to the amount (exactly, in exact
/// numbers).
#[inline(always)]
pub fn pro_rata_part<N: Number>(
    amount: &N,
    base: &N,
    total: &N,
    equal_part: &N,
) -> Result<N, Overflow> {
    if total.is_zero() {
        Ok(amount.clone() * equal_part)
    } else {
        (amount.clone() * base).over(total)
    }
}

/// The equal part of one of `count` services (at least one).
#[inline]
pub fn equal_part<N: Number>(count: usize) -> Result<N, Overflow> {
    let n = u32::try_from(count.max(1)).unwrap_or(u32::MAX);
    N::one().over(&N::count(n))
}

/// heads(t) = staff - reduction x phi(t).
#[inline]
pub fn heads<N: Number>(staff: &N, reduction: &N, phi: &N) -> N {
    staff.clone() - &(reduction.clone() * phi)
}

/// Pay of a number of heads: heads x cost per head x (1 + p)^t.
#[inline]
pub fn pay<N: Number>(heads: &N, cost_per_head: &N, prices: &N) -> N {
    heads.clone() * &(prices.clone() * cost_per_head)
}

/// The cost of `reduction x phi` posts at `per_head` in year-`t` prices:
/// with phi(t) the workforce saving (pay of the posts gone by year t),
/// with phi(t) - phi(t - 1) the redundancy cost (posts going in year t).
#[inline(always)]
pub fn staff_cost<N: Number>(reduction: &N, phi: &N, per_head: &N, prices: &N) -> N {
    reduction.clone() * phi * per_head * prices
}

/// Gross savings: shift + efficiency + workforce.
#[inline(always)]
pub fn gross_savings<N: Number>(shift: &N, efficiency: &N, workforce: &N) -> N {
    shift.clone() + efficiency + workforce
}

/// Net savings: gross savings less costs.
#[inline(always)]
pub fn net_savings<N: Number>(gross: &N, costs: &N) -> N {
    gross.clone() - costs
}

/// Spend in the scenario: counterfactual less gross savings.
#[inline(always)]
pub fn scenario_spend<N: Number>(counterfactual: &N, gross: &N) -> N {
    counterfactual.clone() - gross
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Exact;
    use crate::model::testing::{d, e};

    #[test]
    fn phase_in_holds_its_last_value() {
        let p = [d("0.5"), d("0.8")];
        assert_eq!(phase(&p, 0), Decimal::ZERO);
        assert_eq!(phase(&p, 1), d("0.5"));
        assert_eq!(phase(&p, 2), d("0.8"));
        assert_eq!(phase(&p, 9), d("0.8"));
    }

    fn pro_rata(amount: &Exact, bases: &[Exact]) -> Vec<Exact> {
        let total = Exact::sum(bases);
        let equal = equal_part(bases.len()).unwrap();
        bases
            .iter()
            .map(|b| pro_rata_part(amount, b, &total, &equal).unwrap())
            .collect()
    }

    #[test]
    fn pro_rata_follows_the_bases() {
        assert_eq!(
            pro_rata(&e("10"), &[e("1"), e("3")]),
            vec![e("2.5"), e("7.5")]
        );
        assert_eq!(pro_rata(&e("10"), &[e("0"), e("0")]), vec![e("5"), e("5")]);
    }

    #[test]
    fn pro_rata_parts_sum_to_the_whole_exactly() {
        // Thirds of a penny: each part is 1/3p, and together exactly 1p.
        let parts = pro_rata(&e("0.01"), &[e("1"), e("1"), e("1")]);
        assert_eq!(Exact::sum(&parts), e("0.01"));
        assert_ne!(parts[0].to_decimal().unwrap() * d("3"), d("0.01"));
    }

    #[test]
    fn amounts_stop_after_the_list() {
        let a = [d("3"), d("2")];
        assert_eq!(in_year(&a, 1), Some(d("3")));
        assert_eq!(in_year(&a, 3), None);
        assert_eq!(in_year(&a, 0), None);
    }

    #[test]
    fn heads_fall_along_the_profile() {
        let h = |phi: &str| heads(&e("907"), &e("300"), &e(phi));
        assert_eq!(h("0"), e("907"));
        // No reduction: the staff stay, whatever the year.
        assert_eq!(heads(&e("907"), &Exact::zero(), &Exact::one()), e("907"));
        assert_eq!(h("1").to_decimal().unwrap(), d("607"));
        let third = Exact::one().div(&e("3")).unwrap();
        assert_eq!(heads(&e("907"), &e("300"), &third), e("807"));
        // The posts gone cost what the heads no longer paid do.
        let saving = staff_cost(&e("300"), &third, &e("30000"), &e("1.02"));
        let before = pay(&e("907"), &e("30000"), &e("1.02"));
        let after = pay(&e("807"), &e("30000"), &e("1.02"));
        assert_eq!(saving, before - after);
    }
}
