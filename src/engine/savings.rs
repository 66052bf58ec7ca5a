//! Efficiency savings, costs and their attribution to services (SPEC 3.4).

use rust_decimal::Decimal;

use super::exact::{Exact, Overflow};

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

/// Splits `amount` between services pro rata to `bases`. When every base is
/// zero the amount is split equally (documented in docs/model.md). The
/// parts are exact, so they sum to the amount exactly.
pub fn pro_rata(amount: &Exact, bases: &[Exact]) -> Result<Vec<Exact>, Overflow> {
    let total = Exact::sum(bases);
    if total.is_zero() {
        let n = Exact::from(u32::try_from(bases.len().max(1)).unwrap_or(u32::MAX));
        let part = amount.div(&n)?;
        return Ok(bases.iter().map(|_| part.clone()).collect());
    }
    bases.iter().map(|b| (amount * b).div(&total)).collect()
}

/// The amount of a list for year `t` (1-based): `amounts[t - 1]`, none after.
pub fn amount_in_year(amounts: &[Decimal], t: u32) -> Decimal {
    if t == 0 {
        return Decimal::ZERO;
    }
    amounts
        .get(t as usize - 1)
        .copied()
        .unwrap_or(Decimal::ZERO)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn phase_in_holds_its_last_value() {
        let p = [d("0.5"), d("0.8")];
        assert_eq!(phase(&p, 0), Decimal::ZERO);
        assert_eq!(phase(&p, 1), d("0.5"));
        assert_eq!(phase(&p, 2), d("0.8"));
        assert_eq!(phase(&p, 9), d("0.8"));
    }

    fn e(s: &str) -> Exact {
        Exact::new(d(s))
    }

    #[test]
    fn pro_rata_follows_the_bases() {
        assert_eq!(
            pro_rata(&e("10"), &[e("1"), e("3")]).unwrap(),
            vec![e("2.5"), e("7.5")]
        );
        assert_eq!(
            pro_rata(&e("10"), &[e("0"), e("0")]).unwrap(),
            vec![e("5"), e("5")]
        );
    }

    #[test]
    fn pro_rata_parts_sum_to_the_whole_exactly() {
        // Thirds of a penny: each part is 1/3p, and together exactly 1p.
        let parts = pro_rata(&e("0.01"), &[e("1"), e("1"), e("1")]).unwrap();
        assert_eq!(Exact::sum(&parts), e("0.01"));
        assert_ne!(parts[0].to_decimal().unwrap() * d("3"), d("0.01"));
    }

    #[test]
    fn amounts_stop_after_the_list() {
        let a = [d("3"), d("2")];
        assert_eq!(amount_in_year(&a, 1), d("3"));
        assert_eq!(amount_in_year(&a, 3), Decimal::ZERO);
    }
}
