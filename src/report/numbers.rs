//! How numbers print: the one place rounding happens (SPEC 4.1).
//!
//! Money to pence and fractions to 6 dp for machine formats, £m to 1 dp and
//! percents to 1 dp for people. Always rounded half away from zero, from the
//! exact value, and never "-0".

use rust_decimal::{Decimal, RoundingStrategy};

use crate::metric::Unit;
use crate::scenario::{DiscountRate, Scenario};

/// `value` rounded half away from zero to `dp` places, with no negative zero
/// and exactly `dp` digits after the point.
pub fn round(value: Decimal, dp: u32) -> Decimal {
    let mut r = value.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero);
    if r.is_zero() {
        r = Decimal::ZERO;
    }
    r.rescale(dp);
    r
}

/// `value` to `dp` decimal places as text: `1234.50`.
pub fn fixed(value: Decimal, dp: u32) -> String {
    round(value, dp).to_string()
}

/// Money in pounds to pence: `315000000.00`.
pub fn pounds(value: Decimal) -> String {
    fixed(value, 2)
}

/// A fraction to 6 dp: `0.550000`.
pub fn fraction(value: Decimal) -> String {
    fixed(value, 6)
}

/// A value printed as its unit prints in machine formats.
pub fn machine(value: Decimal, unit: Unit) -> String {
    fixed(value, unit.dp())
}

/// Groups the integer digits of a plain decimal string: `1234567.8` -> `1,234,567.8`.
pub fn group(text: &str) -> String {
    let (sign, rest) = match text.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", text),
    };
    let (int, frac) = match rest.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (rest, None),
    };
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// Money in pounds to pence for people: `£17,477,851.45`, `-£2.00`.
pub fn pounds_grouped(value: Decimal) -> String {
    let r = round(value, 2);
    if r.is_sign_negative() && !r.is_zero() {
        format!("-£{}", group(&(-r).to_string()))
    } else {
        format!("£{}", group(&r.to_string()))
    }
}

/// A value of a metric unit for people, to the precision it is compared
/// at: money to pence, shares as percents to 4 dp, counts to 2 dp.
pub fn exact_for_people(value: Decimal, unit: Unit) -> String {
    match unit {
        Unit::Money => pounds_grouped(value),
        Unit::Fraction => format!("{}%", round(value * Decimal::ONE_HUNDRED, 4)),
        Unit::Count => group(&round(value, 2).to_string()),
        Unit::Ratio => round(value, 6).to_string(),
    }
}

/// A signed difference for people: `+£1,234.00`; shares in percentage
/// points, `-5.0000 pp`.
pub fn signed_for_people(value: Decimal, unit: Unit) -> String {
    let text = match unit {
        Unit::Fraction => format!("{} pp", round(value * Decimal::ONE_HUNDRED, 4)),
        _ => exact_for_people(value, unit),
    };
    if value > Decimal::ZERO && !round(value, unit.dp()).is_zero() {
        format!("+{text}")
    } else {
        text
    }
}

/// An input value as a person writes it: `£65,000`, `2.5%`, `12`.
pub fn input_for_people(value: Decimal, kind: crate::scenario::values::Kind) -> String {
    use crate::scenario::values::Kind;
    match kind {
        Kind::Money => {
            let v = value.normalize();
            if v.is_sign_negative() && !v.is_zero() {
                format!("-£{}", group(&(-v).to_string()))
            } else {
                format!("£{}", group(&v.to_string()))
            }
        }
        Kind::Percent => percent_exact(value),
        Kind::Number => group(&value.normalize().to_string()),
    }
}

/// Money in £m to 1 dp for people: `£315.0m`, `-£2.4m`.
pub fn millions(value: Decimal) -> String {
    millions_to(value, 1)
}

/// Money in £m to `dp` places for people: `£14.07m` (monitoring, where a
/// tenth of a million hides a service's variance).
pub fn millions_to(value: Decimal, dp: u32) -> String {
    let m = round(value / Decimal::from(1_000_000), dp);
    if m.is_sign_negative() && !m.is_zero() {
        format!("-£{}m", group(&(-m).to_string()))
    } else {
        format!("£{}m", group(&m.to_string()))
    }
}

/// A fraction as a percent to 1 dp: `0.55` -> `55.0%` (a fraction too
/// large to hold as a percent is shown as a fraction: `x 1.2E+27`).
pub fn percent(value: Decimal) -> String {
    match value.checked_mul(Decimal::ONE_HUNDRED) {
        Some(p) => format!("{}%", round(p, 1)),
        None => format!("x {value:e}"),
    }
}

/// How the appraisal discounts (SPEC 3.7), in words.
pub fn discounting(rate: DiscountRate) -> String {
    match rate {
        DiscountRate::GreenBook => "Green Book discounting".into(),
        DiscountRate::Flat(r) => format!("discounted at {} a year", percent_exact(r)),
    }
}

/// The years projected, for a sentence: "2010/11 to 2014/15", or
/// "2010/11" for a horizon of one year.
pub fn years_projected(s: &Scenario) -> String {
    if s.horizon == 1 {
        s.year(1).to_string()
    } else {
        format!("{} to {}", s.year(1), s.year(s.horizon))
    }
}

/// What the appraisal's figures are (SPEC 3.7): "real, 2009/10 prices,
/// Green Book discounting, after optimism bias".
pub fn appraisal_basis(s: &Scenario) -> String {
    format!(
        "real, {} prices, {}, after optimism bias",
        s.start,
        discounting(s.discount_rate)
    )
}

/// A fraction as a percent with as many places as it needs: `0.035` -> `3.5%`.
pub fn percent_exact(value: Decimal) -> String {
    format!("{}%", (value * Decimal::ONE_HUNDRED).normalize())
}

/// A value the search found (a switching value, SPEC 3.6) for people:
/// money to the pound under £1m and in £m to 2 dp from £1m, a percent to
/// 2 dp, a number to 1 dp.
pub fn found_for_people(value: Decimal, kind: crate::scenario::values::Kind) -> String {
    use crate::scenario::values::Kind;
    match kind {
        Kind::Money if value.abs() >= Decimal::from(1_000_000) => {
            let m = round(value / Decimal::from(1_000_000), 2);
            if m.is_sign_negative() {
                format!("-£{}m", group(&(-m).to_string()))
            } else {
                format!("£{}m", group(&m.to_string()))
            }
        }
        Kind::Money => {
            let p = round(value, 0);
            if p.is_sign_negative() {
                format!("-£{}", group(&(-p).to_string()))
            } else {
                format!("£{}", group(&p.to_string()))
            }
        }
        Kind::Percent => format!("{}%", round(value * Decimal::ONE_HUNDRED, 2)),
        Kind::Number => group(&round(value, 1).to_string()),
    }
}

/// A chance as a percent: `23%`, `<1%` for a chance that is small but not
/// nothing, `>99%` likewise near certainty.
pub fn chance(p: Decimal) -> String {
    let pct = p * Decimal::ONE_HUNDRED;
    if pct > Decimal::ZERO && pct < Decimal::ONE {
        "<1%".into()
    } else if pct < Decimal::ONE_HUNDRED && pct > Decimal::from(99) {
        ">99%".into()
    } else {
        format!("{}%", round(pct, 0))
    }
}

/// People or staff (full-time equivalents) for people: always to one
/// decimal place, grouped (`1,991.0`, `0.0`), so a column of them lines up
/// and a whole number is not mistaken for an exact count.
pub fn people(value: Decimal) -> String {
    group(&round(value, 1).to_string())
}

/// A count for people: whole numbers plain, others to 1 dp, grouped.
pub fn count(value: Decimal) -> String {
    let r = round(value, 1);
    if r.fract().is_zero() {
        group(&round(value, 0).to_string())
    } else {
        group(&r.to_string())
    }
}

/// Each `[[correlation]]` in words, for notes under the ranges, each pair
/// a matrix correlates in turn: "Learning disability: residential care unit
/// cost and ...: rank correlation 0.7; ...". Pairs at 0 are left out.
pub fn correlation_lines(s: &crate::scenario::Scenario) -> Vec<String> {
    let labels = s.labels();
    let name = |c: &crate::scenario::Correlation, i: usize| {
        c.params
            .get(i)
            .and_then(|id| labels.get(id.0))
            .cloned()
            .unwrap_or_default()
    };
    s.correlations
        .iter()
        .filter(|c| c.params.len() >= 2)
        .map(|c| {
            let mut pairs = Vec::new();
            for (j, row) in c.matrix.iter().enumerate() {
                for (i, &r) in row.iter().enumerate().take(j) {
                    if r != 0.0 {
                        pairs.push(format!(
                            "{} and {}: rank correlation {r}",
                            name(c, i),
                            name(c, j)
                        ));
                    }
                }
            }
            if pairs.is_empty() {
                let names: Vec<String> = (0..c.params.len()).map(|i| name(c, i)).collect();
                format!(
                    "{}: drawn independently (every correlation 0)",
                    names.join(", ")
                )
            } else {
                pairs.join("; ")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn halves_round_away_from_zero() {
        assert_eq!(pounds(d("0.005")), "0.01");
        assert_eq!(pounds(d("-0.005")), "-0.01");
        assert_eq!(pounds(d("2.675")), "2.68");
        assert_eq!(fraction(d("0.4")), "0.400000");
    }

    #[test]
    fn tiny_negatives_never_print_as_minus_zero() {
        assert_eq!(pounds(d("-0.001")), "0.00");
        assert_eq!(millions(d("-1")), "£0.0m");
    }

    #[test]
    fn millions_for_people() {
        assert_eq!(millions(d("315000000")), "£315.0m");
        assert_eq!(millions(d("-2449999")), "-£2.4m");
        assert_eq!(millions(d("1250000000")), "£1,250.0m");
        assert_eq!(millions(d("50000")), "£0.1m");
    }

    #[test]
    fn counts_and_percents() {
        assert_eq!(count(d("907")), "907");
        assert_eq!(people(d("1991")), "1,991.0");
        assert_eq!(people(d("0")), "0.0");
        assert_eq!(people(d("161.82")), "161.8");
        assert_eq!(count(d("1234.56")), "1,234.6");
        assert_eq!(count(d("1234.96")), "1,235");
        assert_eq!(percent(d("0.55")), "55.0%");
        assert_eq!(percent_exact(d("0.035")), "3.5%");
    }

    #[test]
    fn values_found_for_people() {
        use crate::scenario::values::Kind;
        assert_eq!(found_for_people(d("65630326.9"), Kind::Money), "£65.63m");
        assert_eq!(found_for_people(d("-1250000"), Kind::Money), "-£1.25m");
        assert_eq!(found_for_people(d("42043.96526"), Kind::Money), "£42,044");
        assert_eq!(
            found_for_people(d("-0.6709298558"), Kind::Percent),
            "-67.09%"
        );
        assert_eq!(found_for_people(d("1297.222505"), Kind::Number), "1,297.2");
    }
}
