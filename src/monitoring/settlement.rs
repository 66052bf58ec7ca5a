//! The year-end settlement: who bears an overspend, what happens to an
//! underspend, and the balance line that proves the statement
//! (docs/monitoring.md).
//!
//! Each service's variance (outturn minus budget) is shared between the
//! partners by the service's rule and caps with the same code as the plan's
//! variances ([`crate::model::risk_share::share_variance`], SPEC 3.5).
//! With `net_across_services`, underspends first offset overspends across
//! the pool: the smaller side is absorbed and the larger is scaled down
//! pro rata, service by service. An underspend left over follows
//! `underspend`: returned to the partners by rule share, carried forward
//! (each partner's part shown), or retained in the pool.
//!
//! A statement is in pence: every split of an amount is rounded to the
//! penny by the largest remainder ([`pence`]), so the parts printed always
//! add up to the whole printed, and the balance line holds to the penny.

use rust_decimal::Decimal;

use crate::model::{Exact, Overflow, risk_share};
use crate::scenario::{Scenario, Underspend};

/// One service's part of a settlement.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ServiceSettlement {
    pub budget: Decimal,
    pub outturn: Decimal,
    /// outturn - budget: an overspend (+) or underspend (-).
    pub variance: Decimal,
    /// The variance left to share after offsetting across the pool (the
    /// variance itself without `net_across_services`).
    pub shared: Decimal,
    /// Each partner's planned contribution, by partner index.
    pub planned: Vec<Decimal>,
    /// Each partner's part of `shared`: its overspend after caps, or the
    /// underspend returned to it (negative).
    pub shares: Vec<Decimal>,
    /// Overspend above every cap: borne by no partner.
    pub unallocated: Decimal,
    /// Underspend carried into next year, and each partner's part of it.
    pub carried_forward: Decimal,
    pub carried: Vec<Decimal>,
    /// Underspend kept in the pool's reserve.
    pub retained: Decimal,
}

/// One partner's part of a settlement.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PartnerSettlement {
    pub planned: Decimal,
    /// Its share of overspends after caps, less underspends returned.
    pub variance_share: Decimal,
    /// planned + variance share.
    pub final_contribution: Decimal,
    /// Its part of the underspend carried forward.
    pub carried_forward: Decimal,
    /// What it paid in: from the actuals' contribution rows, or (without
    /// any) taken to be its planned contribution.
    pub paid: Decimal,
    /// final contribution - paid: what it owes the pool (+) or is owed (-).
    pub balance: Decimal,
}

/// The balance line: money in equals money out, to the penny.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Balance {
    pub paid: Decimal,
    pub balances: Decimal,
    /// paid + balances: every partner's final contribution.
    pub money_in: Decimal,
    pub outturn: Decimal,
    pub carried_forward: Decimal,
    /// Retained in the pool (+) less overspend no partner bears (-): what
    /// is allocated to no partner.
    pub unallocated: Decimal,
    /// outturn + carried forward + unallocated.
    pub money_out: Decimal,
    /// money in - money out: zero when the statement balances.
    pub difference: Decimal,
}

/// A whole settlement: by service, by partner, and its balance line.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Settlement {
    pub net_across_services: bool,
    /// Whether the actuals gave the money each partner paid in.
    pub paid_given: bool,
    pub services: Vec<ServiceSettlement>,
    pub partners: Vec<PartnerSettlement>,
    /// Totals over the services.
    pub unallocated: Decimal,
    pub retained: Decimal,
    pub balance: Balance,
}

impl Settlement {
    pub fn balances(&self) -> bool {
        self.balance.difference.is_zero()
    }
}

/// What a settlement is worked out from, service by service: the budget
/// (pence), each partner's planned contribution (exact, summing to it) and
/// the outturn (pence).
pub struct Inputs<'a> {
    pub budgets: &'a [Decimal],
    pub planned: &'a [Vec<Decimal>],
    pub outturns: &'a [Decimal],
    /// What each partner paid in, when the actuals say.
    pub paid: Option<&'a [Decimal]>,
}

/// Settles a year: see the module docs.
pub fn settle(s: &Scenario, inputs: &Inputs<'_>) -> Result<Settlement, Overflow> {
    let m = &s.monitoring;
    let n = s.partners.len();
    let mut services = Vec::with_capacity(s.services.len());
    for (i, _) in s.services.iter().enumerate() {
        let budget = inputs.budgets.get(i).copied().unwrap_or_default();
        let outturn = inputs.outturns.get(i).copied().unwrap_or_default();
        let planned: Vec<Exact> = inputs
            .planned
            .get(i)
            .map(|p| p.iter().map(|d| Exact::new(*d)).collect())
            .unwrap_or_default();
        services.push(ServiceSettlement {
            budget,
            outturn,
            variance: outturn.checked_sub(budget).ok_or(Overflow)?,
            planned: pence(budget, &planned)?,
            ..ServiceSettlement::default()
        });
    }
    let variances: Vec<Decimal> = services.iter().map(|x| x.variance).collect();
    let shared = if m.net_across_services {
        offset(&variances)?
    } else {
        variances
    };
    let mut portions = vec![Exact::zero(); n];
    for ((x, service), amount) in services.iter_mut().zip(&s.services).zip(shared) {
        x.shared = amount;
        let rule = &service.risk_share;
        let total = Exact::new(rule.total);
        let shares: Vec<Exact> = (0..n)
            .map(|p| Exact::new(rule.weights.get(p).copied().unwrap_or_default()).div(&total))
            .collect::<Result<_, _>>()?;
        x.shares = vec![Decimal::ZERO; n];
        x.carried = vec![Decimal::ZERO; n];
        if amount > Decimal::ZERO {
            let caps: Vec<Option<Exact>> = (0..n)
                .map(|p| rule.caps.get(p).copied().flatten().map(Exact::new))
                .collect();
            let unallocated =
                risk_share::share_variance(&Exact::new(amount), &shares, &caps, &mut portions)?;
            let mut parts = portions.clone();
            parts.push(unallocated);
            let mut split = pence(amount, &parts)?;
            x.unallocated = split.pop().unwrap_or_default();
            x.shares = split;
        } else if amount < Decimal::ZERO {
            let whole = Exact::new(amount);
            let parts: Vec<Exact> = shares
                .iter()
                .map(|sh| risk_share::rule_part(sh, &whole))
                .collect();
            match m.underspend {
                Underspend::ReturnProRata => x.shares = pence(amount, &parts)?,
                Underspend::CarryForward => {
                    x.carried_forward = -amount;
                    let back: Vec<Exact> = parts.iter().map(|p| -p.clone()).collect();
                    x.carried = pence(-amount, &back)?;
                }
                Underspend::RetainInPool => x.retained = -amount,
            }
        }
    }
    let mut partners = vec![PartnerSettlement::default(); n];
    let add = |a: Decimal, b: Decimal| a.checked_add(b).ok_or(Overflow);
    for x in &services {
        for (p, out) in partners.iter_mut().enumerate() {
            let get = |v: &[Decimal]| v.get(p).copied().unwrap_or_default();
            out.planned = add(out.planned, get(&x.planned))?;
            out.variance_share = add(out.variance_share, get(&x.shares))?;
            out.carried_forward = add(out.carried_forward, get(&x.carried))?;
        }
    }
    for (p, out) in partners.iter_mut().enumerate() {
        out.final_contribution = add(out.planned, out.variance_share)?;
        out.paid = match inputs.paid {
            Some(paid) => paid.get(p).copied().unwrap_or_default(),
            None => out.planned,
        };
        out.balance = out
            .final_contribution
            .checked_sub(out.paid)
            .ok_or(Overflow)?;
    }
    let sum = |f: &dyn Fn(&ServiceSettlement) -> Decimal| {
        services
            .iter()
            .try_fold(Decimal::ZERO, |acc, x| add(acc, f(x)))
    };
    let unallocated = sum(&|x| x.unallocated)?;
    let retained = sum(&|x| x.retained)?;
    let psum = |f: &dyn Fn(&PartnerSettlement) -> Decimal| {
        partners
            .iter()
            .try_fold(Decimal::ZERO, |acc, x| add(acc, f(x)))
    };
    let paid = psum(&|x| x.paid)?;
    let balances = psum(&|x| x.balance)?;
    let money_in = add(paid, balances)?;
    let outturn = sum(&|x| x.outturn)?;
    let carried_forward = sum(&|x| x.carried_forward)?;
    let unallocated_net = retained.checked_sub(unallocated).ok_or(Overflow)?;
    let money_out = add(add(outturn, carried_forward)?, unallocated_net)?;
    Ok(Settlement {
        net_across_services: m.net_across_services,
        paid_given: inputs.paid.is_some(),
        services,
        partners,
        unallocated,
        retained,
        balance: Balance {
            paid,
            balances,
            money_in,
            outturn,
            carried_forward,
            unallocated: unallocated_net,
            money_out,
            difference: money_in.checked_sub(money_out).ok_or(Overflow)?,
        },
    })
}

/// Offsets underspends against overspends across the pool: the smaller
/// side is absorbed, and each service on the larger side keeps its part
/// of the difference pro rata to its own variance (in pence).
pub fn offset(variances: &[Decimal]) -> Result<Vec<Decimal>, Overflow> {
    let over =
        crate::monitoring::total(variances.iter().copied().filter(|v| v.is_sign_positive()))?;
    let under =
        -crate::monitoring::total(variances.iter().copied().filter(|v| v.is_sign_negative()))?;
    if over.is_zero() || under.is_zero() {
        return Ok(variances.to_vec());
    }
    let left = over.checked_sub(under).ok_or(Overflow)?;
    // The side that is left over, and its total.
    let (keep, total): (fn(&Decimal) -> bool, Decimal) = if left > Decimal::ZERO {
        (|v| *v > Decimal::ZERO, over)
    } else {
        (|v| *v < Decimal::ZERO, -under)
    };
    let ratio = Exact::new(left).div(&Exact::new(total))?;
    let parts: Vec<Exact> = variances
        .iter()
        .map(|v| {
            if keep(v) {
                Exact::new(*v) * &ratio
            } else {
                Exact::zero()
            }
        })
        .collect();
    pence(left, &parts)
}

/// Splits `total` (in pence) into parts near the exact `parts` (whose sum
/// is `total`, or within a penny of it), each to the penny, that add up to
/// `total` exactly: each part rounded half away from zero, then the pennies
/// still short (or over) given to (or taken from) the parts with the
/// largest remainders, the first in order on a tie.
pub fn pence(total: Decimal, parts: &[Exact]) -> Result<Vec<Decimal>, Overflow> {
    let mut rounded = Vec::with_capacity(parts.len());
    let mut remainders = Vec::with_capacity(parts.len());
    for p in parts {
        let d = p
            .to_decimal()?
            .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        remainders.push(p.clone() - &Exact::new(d));
        rounded.push(d);
    }
    let sum = rounded
        .iter()
        .try_fold(Decimal::ZERO, |acc, d| acc.checked_add(*d))
        .ok_or(Overflow)?;
    let short = total.checked_sub(sum).ok_or(Overflow)?;
    let pennies = (short * Decimal::ONE_HUNDRED).trunc();
    let count = usize::try_from(pennies.abs().mantissa()).unwrap_or(usize::MAX);
    if count == 0 || rounded.is_empty() {
        return Ok(rounded);
    }
    let step = if pennies > Decimal::ZERO {
        Decimal::new(1, 2)
    } else {
        Decimal::new(-1, 2)
    };
    let mut order: Vec<usize> = (0..parts.len()).collect();
    // Largest remainder first when pennies are short; most negative when
    // there are too many.
    order.sort_by(|&a, &b| {
        let (ra, rb) = (remainders.get(a), remainders.get(b));
        if step > Decimal::ZERO {
            rb.cmp(&ra)
        } else {
            ra.cmp(&rb)
        }
        .then(a.cmp(&b))
    });
    for k in 0..count {
        if let Some(slot) = order.get(k % order.len()).and_then(|&i| rounded.get_mut(i)) {
            *slot += step;
        }
    }
    Ok(rounded)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::{d, e};

    #[test]
    fn thirds_of_a_pound_add_up_to_the_pound() {
        let third = Exact::one().div(&Exact::from(3)).unwrap();
        let parts = vec![third.clone(), third.clone(), third];
        assert_eq!(
            pence(d("1"), &parts).unwrap(),
            vec![d("0.34"), d("0.33"), d("0.33")]
        );
        let minus: Vec<Exact> = parts_of(d("-1"), 3);
        assert_eq!(
            pence(d("-1"), &minus).unwrap(),
            vec![d("-0.34"), d("-0.33"), d("-0.33")]
        );
    }

    fn parts_of(total: Decimal, n: u32) -> Vec<Exact> {
        let each = Exact::new(total).div(&Exact::from(n)).unwrap();
        vec![each; n as usize]
    }

    #[test]
    fn exact_parts_are_kept() {
        assert_eq!(
            pence(d("10"), &[e("2.5"), e("7.5")]).unwrap(),
            vec![d("2.5"), d("7.5")]
        );
    }

    #[test]
    fn underspends_offset_overspends_pro_rata() {
        // Overspends of 6 and 2, an underspend of 4: 4 of the 8 is left,
        // 3 and 1.
        assert_eq!(
            offset(&[d("6"), d("2"), d("-4")]).unwrap(),
            vec![d("3"), d("1"), d("0")]
        );
        // More underspent than overspent: the underspends are scaled.
        assert_eq!(
            offset(&[d("1"), d("-3"), d("-1")]).unwrap(),
            vec![d("0"), d("-2.25"), d("-0.75")]
        );
        assert_eq!(offset(&[d("1"), d("2")]).unwrap(), vec![d("1"), d("2")]);
    }
}
