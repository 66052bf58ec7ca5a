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
/// zero the amount is split equally (documented in docs/model.md).
pub fn pro_rata(amount: Decimal, bases: &[Decimal]) -> Result<Vec<Decimal>, Overflow> {
    let total = Exact::sum(bases.iter().map(|&b| Exact::new(b))).get()?;
    if total.is_zero() {
        let n = Decimal::from(bases.len().max(1) as u64);
        return bases
            .iter()
            .map(|_| (Exact::new(amount) / n).get())
            .collect();
    }
    bases
        .iter()
        .map(|&b| (Exact::new(amount) * b / total).get())
        .collect()
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

    #[test]
    fn pro_rata_follows_the_bases() {
        assert_eq!(
            pro_rata(d("10"), &[d("1"), d("3")]).unwrap(),
            vec![d("2.5"), d("7.5")]
        );
        assert_eq!(
            pro_rata(d("10"), &[d("0"), d("0")]).unwrap(),
            vec![d("5"), d("5")]
        );
    }

    #[test]
    fn amounts_stop_after_the_list() {
        let a = [d("3"), d("2")];
        assert_eq!(amount_in_year(&a, 1), d("3"));
        assert_eq!(amount_in_year(&a, 3), Decimal::ZERO);
    }
}
