//! Sharing a service's net savings and variances between partners (SPEC
//! 3.5).
//!
//! A partner's rule share is a weight over a total: its year-0
//! contribution over the service's (proportional), or its share over one
//! (lead, fixed). Savings shares and underspends follow the rule shares
//! directly. A positive variance (an overspend) is shared with caps by
//! water-filling: each partner's portion is its rule share of what is
//! left, a partner whose portion would pass its cap bears exactly its cap,
//! and the excess is re-shared among partners still below their caps until
//! nothing is left or every partner with a non-zero share is full; the
//! rest is `unallocated`.

use super::{Number, Overflow};
use crate::limits::MAX_PARTNERS;

/// A rule share: weight / total.
#[inline]
pub fn rule_share<N: Number>(weight: &N, total: &N) -> Result<N, Overflow> {
    weight.over(total)
}

/// A partner's part of an amount shared by rule: share x amount.
#[inline(always)]
pub fn rule_part<N: Number>(share: &N, amount: &N) -> N {
    share.clone() * amount
}

/// A partner's net contribution: contribution - savings share + variance
/// share.
#[inline]
pub fn net_contribution<N: Number>(contribution: &N, savings_share: &N, variance_share: &N) -> N {
    contribution.clone() - savings_share + variance_share
}

// Partner sets are bit masks of a u64: one bit a partner.
const _: () = assert!(MAX_PARTNERS <= u64::BITS as usize);

/// A service's variance for a year shared between partners with rule
/// `shares` (summing to one) and `caps`: each partner's portion goes to
/// `portions`, and the unallocated rest is returned. An underspend, or an
/// overspend where no partner has a cap, follows the rule shares.
pub fn share_variance<N: Number>(
    variance: &N,
    shares: &[N],
    caps: &[Option<N>],
    portions: &mut [N],
) -> Result<N, Overflow> {
    if !variance.is_positive() || caps.iter().all(Option::is_none) {
        for (p, s) in portions.iter_mut().zip(shares) {
            *p = rule_part(s, variance);
        }
        return Ok(N::zero());
    }
    for p in portions.iter_mut() {
        *p = N::zero();
    }
    let has = |set: u64, i: usize| i < 64 && set & (1 << i) != 0;
    let mut remaining = variance.clone();
    let mut active: u64 = shares
        .iter()
        .enumerate()
        .filter(|(i, s)| s.is_positive() && *i < 64)
        .fold(0, |m, (i, _)| m | (1 << i));
    loop {
        let weight = (0..shares.len())
            .filter(|&i| has(active, i))
            .filter_map(|i| shares.get(i))
            .fold(N::zero(), |acc, s| acc + s);
        if active == 0 || !weight.is_positive() || !remaining.is_positive() {
            break;
        }
        // A partner's portion of what is left: remaining x share / weight.
        let portion = |s: &N| (remaining.clone() * s).over(&weight);
        let mut capped = 0u64;
        for (i, s) in shares.iter().enumerate().filter(|&(i, _)| has(active, i)) {
            if let Some(Some(cap)) = caps.get(i) {
                if portion(s)? > *cap {
                    capped |= 1 << i;
                }
            }
        }
        if capped == 0 {
            // Everyone left takes their portion, the last the exact rest.
            let last = 63 - active.leading_zeros() as usize;
            let mut given = N::zero();
            for (i, s) in shares.iter().enumerate().filter(|&(i, _)| has(active, i)) {
                let p = if i == last {
                    remaining.clone() - &given
                } else {
                    portion(s)?
                };
                given = given + &p;
                if let Some(slot) = portions.get_mut(i) {
                    *slot = p;
                }
            }
            remaining = N::zero();
            break;
        }
        for i in (0..shares.len()).filter(|&i| has(capped, i)) {
            if let (Some(Some(cap)), Some(slot)) = (caps.get(i), portions.get_mut(i)) {
                remaining = remaining - cap;
                *slot = cap.clone();
            }
        }
        active &= !capped;
    }
    Ok(if remaining.is_positive() {
        remaining
    } else {
        N::zero()
    })
}

#[cfg(test)]
mod tests {
    use crate::model::Exact;
    use crate::model::testing::d;
    use rust_decimal::Decimal;

    /// share_variance on decimals, its results as decimals.
    fn share_variance(
        variance: Decimal,
        shares: &[Decimal],
        caps: &[Option<Decimal>],
    ) -> (Vec<Decimal>, Decimal) {
        let shares: Vec<Exact> = shares.iter().map(|s| Exact::new(*s)).collect();
        let caps: Vec<Option<Exact>> = caps.iter().map(|c| c.map(Exact::new)).collect();
        let mut portions = vec![Exact::zero(); shares.len()];
        let u =
            super::share_variance(&Exact::new(variance), &shares, &caps, &mut portions).unwrap();
        let dec = |x: &Exact| x.to_decimal().unwrap().normalize();
        (portions.iter().map(dec).collect(), dec(&u))
    }

    #[test]
    fn uncapped_overspend_follows_rule_shares() {
        let (p, u) = share_variance(d("14"), &[d("0.25"), d("0.75")], &[None, None]);
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
            &[Some(d("2")), None, None],
        );
        assert_eq!(p, vec![d("2"), d("7"), d("5")]);
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
            &[Some(d("2")), Some(d("3")), None],
        );
        assert_eq!(p, vec![d("2"), d("3"), d("5")]);
        assert_eq!(u, Decimal::ZERO);
    }

    #[test]
    fn excess_beyond_every_cap_is_unallocated() {
        let (p, u) = share_variance(
            d("10"),
            &[d("0.6"), d("0.4"), d("0")],
            &[Some(d("3")), Some(d("4")), None],
        );
        assert_eq!(p, vec![d("3"), d("4"), d("0")]);
        assert_eq!(u, d("3"));
    }

    #[test]
    fn lead_rule_with_a_capped_lead_leaves_the_excess_unallocated() {
        let (p, u) = share_variance(d("5"), &[d("1"), d("0")], &[Some(d("2")), None]);
        assert_eq!(p, vec![d("2"), d("0")]);
        assert_eq!(u, d("3"));
    }

    #[test]
    fn underspends_ignore_caps() {
        let (p, u) = share_variance(d("-10"), &[d("0.5"), d("0.5")], &[Some(d("1")), None]);
        assert_eq!(p, vec![d("-5"), d("-5")]);
        assert_eq!(u, Decimal::ZERO);
    }

    #[test]
    fn thirds_of_an_overspend_are_exact_and_sum_to_it() {
        let third = Exact::one().div(&Exact::from(3)).unwrap();
        let shares = vec![third.clone(), third.clone(), third];
        let caps = vec![Some(Exact::new(d("5"))), None, None];
        let mut portions = vec![Exact::zero(); 3];
        let u = super::share_variance(&Exact::new(d("10")), &shares, &caps, &mut portions).unwrap();
        assert_eq!(u, Exact::zero());
        assert_eq!(Exact::sum(&portions), Exact::new(d("10")));
    }
}
