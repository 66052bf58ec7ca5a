//! Sharing a service's net savings and variances between partners (SPEC 3.5).
//!
//! Savings shares and underspends follow the rule shares directly. A
//! positive variance (an overspend) is shared with caps by water-filling:
//! each partner's portion is its rule share of what is left, a partner whose
//! portion would pass its cap bears exactly its cap, and the excess is
//! re-shared among partners still below their caps until nothing is left or
//! every partner with a non-zero share is full; the rest is `unallocated`.

use rust_decimal::Decimal;

use super::exact::{Exact, Overflow};

/// Each partner's rule share of an amount (savings, or an uncapped
/// variance): `amount x weight / total`. Rule shares are weights over a
/// total: contributions over the service's year-0 total (proportional), or
/// shares over 1 (lead, fixed).
pub fn share_out(
    amount: &Exact,
    weights: &[Decimal],
    total: Decimal,
) -> Result<Vec<Exact>, Overflow> {
    let total = Exact::new(total);
    weights.iter().map(|&w| (amount * w).div(&total)).collect()
}

/// A service's summed variance for one year shared between partners by rule
/// weights over `total`, with caps applied when it is an overspend. Returns
/// each partner's portion and the unallocated remainder.
pub fn share_variance(
    variance: &Exact,
    shares: &[Decimal],
    total: Decimal,
    caps: &[Option<Decimal>],
) -> Result<(Vec<Exact>, Exact), Overflow> {
    if !variance.is_positive() || caps.iter().all(Option::is_none) {
        return Ok((share_out(variance, shares, total)?, Exact::zero()));
    }
    let n = shares.len();
    let mut portions = vec![Exact::zero(); n];
    let mut active: Vec<usize> = (0..n)
        .filter(|&i| shares.get(i).is_some_and(|s| *s > Decimal::ZERO))
        .collect();
    let mut remaining = variance.clone();
    loop {
        let weight = active
            .iter()
            .fold(Exact::zero(), |acc, &i| acc + share(shares, i));
        if active.is_empty() || !weight.is_positive() || !remaining.is_positive() {
            break;
        }
        let portion = |i: usize| (&remaining * share(shares, i)).div(&weight);
        let mut capped = Vec::new();
        for &i in &active {
            if let Some(Some(cap)) = caps.get(i) {
                if portion(i)? > Exact::new(*cap) {
                    capped.push(i);
                }
            }
        }
        if capped.is_empty() {
            // Everyone left takes their portion, which sum to the rest
            // exactly.
            for &i in &active {
                set(&mut portions, i, portion(i)?);
            }
            remaining = Exact::zero();
            break;
        }
        for &i in &capped {
            let cap = Exact::new(caps.get(i).copied().flatten().unwrap_or_default());
            remaining = remaining - &cap;
            set(&mut portions, i, cap);
        }
        active.retain(|i| !capped.contains(i));
    }
    Ok((portions, remaining.max(Exact::zero())))
}

fn share(shares: &[Decimal], i: usize) -> Decimal {
    shares.get(i).copied().unwrap_or_default()
}

fn set(values: &mut [Exact], i: usize, v: Exact) {
    if let Some(slot) = values.get_mut(i) {
        *slot = v;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    /// share_variance on decimals, its results as decimals.
    fn share_variance(
        variance: Decimal,
        shares: &[Decimal],
        total: Decimal,
        caps: &[Option<Decimal>],
    ) -> Result<(Vec<Decimal>, Decimal), Overflow> {
        let (p, u) = super::share_variance(&Exact::new(variance), shares, total, caps)?;
        let dec = |x: &Exact| x.to_decimal().unwrap().normalize();
        Ok((p.iter().map(dec).collect(), dec(&u)))
    }

    #[test]
    fn uncapped_overspend_follows_rule_shares() {
        let (p, u) = share_variance(
            d("14"),
            &[d("0.25"), d("0.75")],
            Decimal::ONE,
            &[None, None],
        )
        .unwrap();
        assert_eq!(p, vec![d("3.5"), d("10.5")]);
        assert_eq!(u, Decimal::ZERO);
    }

    #[test]
    fn a_binding_cap_re_shares_the_excess() {
        // £14m at 40/35/25; council capped at £2m. The £3.6m excess over its
        // cap goes to the other two in the ratio 35:25.
        let (p, u) = share_variance(
            d("14"),
            &[d("0.4"), d("0.35"), d("0.25")],
            Decimal::ONE,
            &[Some(d("2")), None, None],
        )
        .unwrap();
        assert_eq!(p[0], d("2"));
        assert_eq!(p[1], d("7"));
        assert_eq!(p[2], d("5"));
        assert_eq!(u, Decimal::ZERO);
    }

    #[test]
    fn water_filling_repeats_until_everyone_is_full() {
        // 10 at 50/30/20, caps 2 and 3 on the first two: round one caps the
        // first (5 > 2); re-sharing 8 at 30:20 gives 4.8 > 3, so the second
        // is capped too; the third takes the remaining 5.
        let (p, u) = share_variance(
            d("10"),
            &[d("0.5"), d("0.3"), d("0.2")],
            Decimal::ONE,
            &[Some(d("2")), Some(d("3")), None],
        )
        .unwrap();
        assert_eq!(p, vec![d("2"), d("3"), d("5")]);
        assert_eq!(u, Decimal::ZERO);
    }

    #[test]
    fn excess_beyond_every_cap_is_unallocated() {
        let (p, u) = share_variance(
            d("10"),
            &[d("0.6"), d("0.4"), d("0")],
            Decimal::ONE,
            &[Some(d("3")), Some(d("4")), None],
        )
        .unwrap();
        assert_eq!(p, vec![d("3"), d("4"), d("0")]);
        assert_eq!(u, d("3"));
    }

    #[test]
    fn lead_rule_with_a_capped_lead_leaves_the_excess_unallocated() {
        let (p, u) = share_variance(
            d("5"),
            &[d("1"), d("0")],
            Decimal::ONE,
            &[Some(d("2")), None],
        )
        .unwrap();
        assert_eq!(p, vec![d("2"), d("0")]);
        assert_eq!(u, d("3"));
    }

    #[test]
    fn underspends_ignore_caps() {
        let (p, u) = share_variance(
            d("-10"),
            &[d("0.5"), d("0.5")],
            Decimal::ONE,
            &[Some(d("1")), None],
        )
        .unwrap();
        assert_eq!(p, vec![d("-5"), d("-5")]);
        assert_eq!(u, Decimal::ZERO);
    }
}
