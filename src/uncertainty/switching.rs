//! Switching values (SPEC 3.6, the Green Book's): for one ranged value,
//! everything else central, the value at which NPV is zero, nearest to its
//! central value within the key's domain, found on the exact engine to
//! within £1 of NPV.
//!
//! The search walks out from the central value on both sides in growing
//! steps (half the range's width, then twice the width, 8 times, ...), always
//! extending the side that has gone less far, until NPV reaches zero or
//! changes sign. It then narrows that step to a value whose NPV is within
//! £1 of zero (regula falsi, Illinois variant, on the shortest decimals
//! that keep it converging), and walks the other side only as far as that
//! value, in case a nearer one lies there. A side ends at a closed end of
//! the domain (a share of 0% or 100%), ten halvings short of an open end
//! (a growth rate near -100%), 1,000 times the value's size (or its
//! range's width, if larger) where the domain has no end, or where the
//! engine cannot compute (a figure too large). Two crossings within one
//! step, or a touch of zero between two steps, are not seen: NPV is smooth
//! and, for most inputs, monotone in one value (docs/appraisal.md).

use rust_decimal::{Decimal, RoundingStrategy};

use crate::scenario::{Domain, End};

/// How close to zero NPV must be: £1 (SPEC 3.6).
pub const TOLERANCE: Decimal = Decimal::ONE;
/// How far a side walks where its domain has no end, in multiples of the
/// value's size or its range's width, whichever is larger.
const REACH: i64 = 1_000;
/// Each step out goes this many times as far as the last.
const STEP: Decimal = Decimal::from_parts(4, 0, 0, false, 0);
/// Halvings of the distance to an open end before a side gives up.
const OPEN_HALVINGS: u32 = 10;
/// Most narrowing steps; each gains about three digits or halves the step.
const MOST_STEPS: u32 = 200;

/// Where NPV switches sign.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SwitchingValue {
    /// The input's value, as short a decimal as the search allowed.
    pub value: Decimal,
    /// (value - central) / |central|, a fraction; none when the central
    /// value is zero.
    pub change: Option<Decimal>,
}

impl SwitchingValue {
    fn new(value: Decimal, central: Decimal) -> SwitchingValue {
        let change = if value == central {
            Some(Decimal::ZERO)
        } else {
            (value - central).checked_div(central.abs())
        };
        SwitchingValue { value, change }
    }
}

/// The switching value of one input: `npv(v)` is NPV with the input at `v`
/// and everything else central (none where the engine cannot compute).
/// `width` is the input's range (high - low); none where NPV never comes
/// within £1 of zero on the searched domain.
pub fn switching_value(
    npv: impl Fn(Decimal) -> Option<Decimal>,
    central: Decimal,
    central_npv: Decimal,
    width: Decimal,
    domain: Domain,
) -> Option<SwitchingValue> {
    if central_npv.abs() <= TOLERANCE {
        return Some(SwitchingValue::new(central, central));
    }
    let width = if width > Decimal::ZERO {
        width
    } else {
        central.abs().max(Decimal::ONE)
    };
    let reach = central
        .abs()
        .max(width)
        .checked_mul(Decimal::from(REACH))
        .unwrap_or(Decimal::MAX);
    let first = width / Decimal::TWO;
    let mut sides = [
        Side::new(
            Decimal::NEGATIVE_ONE,
            domain.low,
            central,
            central_npv,
            first,
        ),
        Side::new(Decimal::ONE, domain.high, central, central_npv, first),
    ];
    let mut found: Option<Decimal> = None;
    loop {
        let limit = found.map(|r| (r - central).abs());
        // The side that has gone less far (the low side on a tie), and
        // once a value is found, only a side still short of it.
        let next = sides
            .iter_mut()
            .filter(|s| !s.done && limit.is_none_or(|l| s.distance(central) < l))
            .min_by_key(|s| s.distance(central));
        let Some(side) = next else { break };
        let Some(x) = side.next_point(central, reach, limit) else {
            side.done = true;
            continue;
        };
        let Some(fx) = npv(x) else {
            side.done = true;
            continue;
        };
        let root = if fx.abs() <= TOLERANCE {
            Some(x)
        } else if fx.is_sign_negative() != side.npv.is_sign_negative() {
            narrow(&npv, (side.at, side.npv), (x, fx))
        } else {
            side.at = x;
            side.npv = fx;
            None
        };
        if let Some(r) = root {
            side.done = true;
            found = Some(match found {
                Some(f) if (f - central).abs() <= (r - central).abs() => f,
                _ => r,
            });
        }
    }
    found.map(|v| SwitchingValue::new(v, central))
}

/// One direction of the walk out from the central value.
struct Side {
    /// -1 (down) or +1 (up).
    dir: Decimal,
    end: End,
    /// The farthest value evaluated, and its NPV (the same sign as the
    /// central NPV).
    at: Decimal,
    npv: Decimal,
    /// The distance from central of the next step.
    step: Decimal,
    halvings: u32,
    done: bool,
}

impl Side {
    fn new(dir: Decimal, end: End, central: Decimal, npv: Decimal, step: Decimal) -> Side {
        Side {
            dir,
            end,
            at: central,
            npv,
            step,
            halvings: 0,
            done: false,
        }
    }

    fn distance(&self, central: Decimal) -> Decimal {
        (self.at - central).abs()
    }

    /// Whether `x` lies beyond `bound` in this side's direction.
    fn beyond(&self, x: Decimal, bound: Decimal) -> bool {
        if self.dir.is_sign_negative() {
            x < bound
        } else {
            x > bound
        }
    }

    /// The next value to evaluate, or none where the side has ended.
    fn next_point(
        &mut self,
        central: Decimal,
        reach: Decimal,
        limit: Option<Decimal>,
    ) -> Option<Decimal> {
        let mut distance = self.step;
        if let Some(l) = limit {
            distance = distance.min(l);
        }
        self.step = self.step.checked_mul(STEP).unwrap_or(Decimal::MAX);
        let target = central.checked_add(self.dir * distance);
        // Where the domain has no end, the search's reach is one.
        let end = match self.end {
            End::Unbounded => End::Closed(central.checked_add(self.dir * reach).unwrap_or(
                if self.dir.is_sign_negative() {
                    Decimal::MIN
                } else {
                    Decimal::MAX
                },
            )),
            end => end,
        };
        let x = match end {
            End::Closed(b) => match target {
                _ if self.at == b => return None,
                Some(t) if !self.beyond(t, b) => t,
                _ => b,
            },
            End::Open(b) => match target {
                Some(t) if self.beyond(b, t) => t,
                _ => {
                    self.halvings += 1;
                    if self.halvings > OPEN_HALVINGS {
                        return None;
                    }
                    (self.at + b) / Decimal::TWO
                }
            },
            End::Unbounded => return None,
        };
        (x != self.at).then_some(x)
    }
}

/// A value between `a` and `b` (whose NPVs have opposite signs, neither
/// within £1 of zero) whose NPV is within £1 of zero; or, if the decimals
/// run out first, the end nearer zero.
fn narrow(
    npv: &impl Fn(Decimal) -> Option<Decimal>,
    (mut a, mut fa): (Decimal, Decimal),
    (mut b, mut fb): (Decimal, Decimal),
) -> Option<Decimal> {
    // Which end the last step replaced: Illinois halves the other end's
    // NPV when the same end is kept twice, so the bracket keeps closing.
    let mut kept: Option<bool> = None;
    for _ in 0..MOST_STEPS {
        let secant = fb
            .checked_sub(fa)
            .and_then(|d| fa.checked_mul(b - a).and_then(|n| n.checked_div(d)))
            .and_then(|s| a.checked_sub(s));
        let guess = secant.unwrap_or_else(|| a + (b - a) / Decimal::TWO);
        // The value's change that moves NPV by about 10p: no digit finer
        // is needed.
        let tenth = (b - a)
            .abs()
            .checked_div((fb - fa).abs() * Decimal::TEN)
            .unwrap_or(Decimal::ZERO);
        let Some(x) = shortest_inside(guess, a, b, order_of(tenth)) else {
            break;
        };
        let Some(fx) = npv(x) else { break };
        if fx.abs() <= TOLERANCE {
            return Some(x);
        }
        if fx.is_sign_negative() == fa.is_sign_negative() {
            a = x;
            fa = fx;
            if kept == Some(false) {
                fb /= Decimal::TWO;
            }
            kept = Some(false);
        } else {
            b = x;
            fb = fx;
            if kept == Some(true) {
                fa /= Decimal::TWO;
            }
            kept = Some(true);
        }
    }
    // NPV halved by Illinois is no longer NPV: re-evaluate the ends.
    [a, b]
        .into_iter()
        .filter_map(|x| npv(x).map(|f| (f.abs(), x)))
        .min()
        .map(|(_, x)| x)
}

/// `guess` rounded to a multiple of 10^order, or of a finer power of ten,
/// the coarsest that lies strictly between `a` and `b`; else the midpoint
/// so rounded; else none (the decimals between them ran out).
fn shortest_inside(guess: Decimal, a: Decimal, b: Decimal, order: i64) -> Option<Decimal> {
    let (lo, hi) = (a.min(b), a.max(b));
    let inside = |x: &Decimal| lo < *x && *x < hi;
    let mid = lo + (hi - lo) / Decimal::TWO;
    [guess, mid].into_iter().find_map(|x| {
        (-28..=order.max(-28))
            .rev()
            .filter_map(|o| round_to(x, o))
            .chain(std::iter::once(x))
            .find(inside)
    })
}

/// The power of ten of a positive decimal's leading digit (0.0042 -> -3).
fn order_of(x: Decimal) -> i64 {
    let n = x.normalize();
    let digits = n.mantissa().unsigned_abs().checked_ilog10().unwrap_or(0);
    i64::from(digits) - i64::from(n.scale())
}

/// `x` rounded to a multiple of 10^order (half away from zero).
fn round_to(x: Decimal, order: i64) -> Option<Decimal> {
    if order <= 0 {
        let dp = u32::try_from(-order).ok().filter(|&dp| dp <= 28)?;
        Some(x.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero))
    } else {
        let q = 10_i128
            .checked_pow(u32::try_from(order).ok()?)
            .and_then(|p| Decimal::try_from_i128_with_scale(p, 0).ok())?;
        x.checked_div(q)?
            .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)
            .checked_mul(q)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    fn d(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    fn find(f: impl Fn(Decimal) -> Decimal, c: Decimal, w: Decimal, d: Domain) -> Option<Decimal> {
        switching_value(|x| Some(f(x)), c, f(c), w, d).map(|s| s.value)
    }

    #[test]
    fn a_straight_line_switches_where_it_crosses_zero() {
        // NPV = £2.5bn x (rate - 2%): zero at 2%, central 5%.
        let f = |r: Decimal| d("2500000000") * (r - d("0.02"));
        let v = switching_value(
            |x| Some(f(x)),
            d("0.05"),
            f(d("0.05")),
            d("0.04"),
            Domain::SHARE,
        )
        .unwrap();
        assert!(f(v.value).abs() <= TOLERANCE, "{v:?}");
        assert_eq!(v.change.unwrap().round_dp(6), d("-0.6"));
    }

    #[test]
    fn the_value_found_is_the_nearest_to_central() {
        // Roots at 1 and 4; central 3: 4 is nearer.
        let f = |x: Decimal| d("1000000") * (x - d("1")) * (x - d("4"));
        let v = find(f, d("3"), d("0.5"), Domain::ANY).unwrap();
        assert!((v - d("4")).abs() < d("0.000001"), "{v}");
        // Central 2.2: 1 is nearer.
        let v = find(f, d("2.2"), d("0.5"), Domain::ANY).unwrap();
        assert!((v - d("1")).abs() < d("0.000001"), "{v}");
    }

    #[test]
    fn a_curve_is_narrowed_to_within_a_pound() {
        // NPV falls with growth as (1 + g)^10 would, crossing near 7.18%.
        let f = |g: Decimal| {
            let mut p = Decimal::ONE;
            for _ in 0..10 {
                p *= Decimal::ONE + g;
            }
            d("300000000") * (Decimal::TWO - p)
        };
        let calls = Cell::new(0);
        let v = switching_value(
            |x| {
                calls.set(calls.get() + 1);
                Some(f(x))
            },
            d("0.02"),
            f(d("0.02")),
            d("0.02"),
            Domain::RATE,
        )
        .unwrap();
        assert!(f(v.value).abs() <= TOLERANCE, "{v:?}");
        assert!((v.value - d("0.0718")).abs() < d("0.0001"), "{v:?}");
        assert!(calls.get() < 40, "{} evaluations", calls.get());
        // Short: no more digits than the pound needs, and a few more.
        assert!(v.value.normalize().scale() <= 14, "{v:?}");
    }

    #[test]
    fn none_where_npv_never_crosses_zero_in_the_domain() {
        // NPV = £10m + £100m x share: zero at -10%, outside 0%..100%.
        let f = |x: Decimal| d("10000000") + d("100000000") * x;
        assert_eq!(find(f, d("0.5"), d("0.2"), Domain::SHARE), None);
        // A constant NPV never switches; a zero one switches at central.
        assert_eq!(find(|_| d("5"), d("3"), d("1"), Domain::ANY), None);
        let v = switching_value(|_| Some(d("0.4")), d("0"), d("0.4"), d("1"), Domain::ANY);
        assert_eq!(
            v,
            Some(SwitchingValue {
                value: d("0"),
                change: Some(d("0"))
            })
        );
    }

    #[test]
    fn a_closed_end_is_tried_and_an_open_end_approached() {
        // Zero exactly at the closed end 100%.
        let f = |x: Decimal| d("1000000") * (Decimal::ONE - x);
        assert_eq!(find(f, d("0.5"), d("0.1"), Domain::SHARE), Some(d("1")));
        // Zero at -99.99%, inside the open end -100%: not reached in ten
        // halvings from wherever the doubling steps stop.
        let f = |x: Decimal| d("1000000") * (x + d("0.9999"));
        assert_eq!(find(f, d("0.02"), d("0.02"), Domain::RATE), None);
        // Zero at -90%: found.
        let f = |x: Decimal| d("1000000") * (x + d("0.9"));
        let v = find(f, d("0.02"), d("0.02"), Domain::RATE).unwrap();
        assert!(f(v).abs() <= TOLERANCE);
    }

    #[test]
    fn an_engine_that_cannot_compute_ends_the_side() {
        // Beyond 10 the engine overflows; the root at 20 is never seen,
        // the one at -5 is.
        let f = |x: Decimal| (x - d("20")) * (x + d("5")) * d("1000");
        let v = switching_value(
            |x| (x < d("10")).then(|| f(x)),
            d("0"),
            f(d("0")),
            d("1"),
            Domain::ANY,
        )
        .unwrap();
        assert!((v.value + d("5")).abs() < d("0.001"), "{v:?}");
        assert_eq!(v.change, None);
    }

    #[test]
    fn short_decimals_inside_the_bracket() {
        assert_eq!(
            shortest_inside(d("0.0213457123"), d("0.02"), d("0.03"), -5),
            Some(d("0.02135"))
        );
        // Coarser than the bracket: the coarsest rounding inside it.
        assert_eq!(
            shortest_inside(d("0.0213457123"), d("0.0213"), d("0.0214"), -1),
            Some(d("0.02135"))
        );
        assert_eq!(
            shortest_inside(d("1234567.891"), d("1000000"), d("2000000"), 3),
            Some(d("1235000"))
        );
        assert_eq!(shortest_inside(d("1"), d("1"), d("1"), 0), None);
        assert_eq!(order_of(d("0.0042")), -3);
        assert_eq!(order_of(d("4200")), 3);
    }
}
