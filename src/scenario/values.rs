//! Value syntaxes of the scenario format (SPEC 2.1).
//!
//! Money (`"£315m"`, `"£1,250,000"`, integers in pounds), percents (`"55%"`),
//! plain numbers (`850`, `"850.5"`), financial years (`"2009/10"`) and ranges
//! (`"3% to 7%"`, `{ low, central, high, dist }`). Every number is parsed
//! exactly into a [`Decimal`], never through a float. Parsers return a
//! [`ValueError`] whose help line shows the accepted form.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;

/// Why a value did not parse, and the accepted form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValueError {
    pub message: String,
    pub help: Option<String>,
}

impl ValueError {
    fn new(message: impl Into<String>, help: impl Into<String>) -> Self {
        ValueError {
            message: message.into(),
            help: Some(help.into()),
        }
    }
}

pub const MONEY_FORMS: &str =
    "use a form like \"£315m\", \"£1.2bn\", \"£850k\", \"£1,250,000\" or \"1250000.50\"";
pub const PERCENT_FORMS: &str = "use a form like \"55%\", \"3.25%\" or \"-1.5%\"";
pub const NUMBER_FORMS: &str = "use an integer like 907 or a decimal string like \"850.5\"";
pub const YEAR_FORMS: &str =
    "use a financial year like \"2009/10\" (1 April 2009 to 31 March 2010)";

/// What a key holds: decides which parser reads it and how it prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Money,
    Percent,
    Number,
}

impl Kind {
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Money => "a money amount",
            Kind::Percent => "a percent",
            Kind::Number => "a number",
        }
    }

    pub fn forms(self) -> &'static str {
        match self {
            Kind::Money => MONEY_FORMS,
            Kind::Percent => PERCENT_FORMS,
            Kind::Number => NUMBER_FORMS,
        }
    }

    /// A value as a person writes it in a file: `"£1250000"`, `"1.5%"`, `12`.
    pub fn written(self, v: Decimal) -> String {
        match self {
            Kind::Money => format!("\"£{}\"", v.normalize()),
            Kind::Percent => format!("\"{}%\"", (v * Decimal::ONE_HUNDRED).normalize()),
            Kind::Number => v.normalize().to_string(),
        }
    }

    /// Parses a string of this kind (not a range).
    pub fn parse(self, text: &str) -> Result<Decimal, ValueError> {
        match self {
            Kind::Money => parse_money(text),
            Kind::Percent => parse_percent(text),
            Kind::Number => parse_number(text),
        }
    }
}

/// Digits with optional thousands separators and fraction: `1,250,000.50`.
fn parse_digits(text: &str) -> Option<Result<Decimal, ValueError>> {
    let (int_part, frac_part) = match text.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (text, None),
    };
    if int_part.is_empty() || !int_part.chars().all(|c| c.is_ascii_digit() || c == ',') {
        return None;
    }
    if let Some(f) = frac_part {
        if f.is_empty() || !f.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
    }
    if int_part.contains(',') {
        let mut groups = int_part.split(',');
        let first = groups.next().unwrap_or("");
        if first.is_empty() || first.len() > 3 || groups.any(|g| g.len() != 3) {
            return None;
        }
    }
    let plain: String = text.chars().filter(|&c| c != ',').collect();
    Some(Decimal::from_str_exact(&plain).map_err(|_| {
        ValueError::new(
            format!("`{text}` has too many digits to hold exactly"),
            "at most 28 significant digits are kept exactly",
        )
    }))
}

fn split_sign(text: &str) -> (bool, &str) {
    match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    }
}

fn apply_sign(negative: bool, value: Decimal) -> Decimal {
    if negative { -value } else { value }
}

/// Money: `"£315m"`, `"315m"`, `"£1.2bn"`, `"£850k"`, `"£1,250,000"`,
/// `"1250000.50"`, `"-£2m"`.
pub fn parse_money(text: &str) -> Result<Decimal, ValueError> {
    let bad = || ValueError::new(format!("`{text}` is not a money amount"), MONEY_FORMS);
    let trimmed = text.trim();
    if trimmed.ends_with('%') {
        return Err(ValueError::new(
            format!("`{text}` is a percent, but this key takes a money amount"),
            MONEY_FORMS,
        ));
    }
    let (negative, rest) = split_sign(trimmed);
    let rest = rest.strip_prefix('£').unwrap_or(rest);
    let split = rest
        .find(|c: char| !(c.is_ascii_digit() || c == ',' || c == '.'))
        .unwrap_or(rest.len());
    let (digits, suffix) = rest.split_at(split);
    let multiplier = match suffix {
        "" => Decimal::ONE,
        "k" => Decimal::from(1_000),
        "m" => Decimal::from(1_000_000),
        "bn" => Decimal::from(1_000_000_000),
        s if !digits.is_empty() && s.chars().all(|c| c.is_ascii_alphabetic()) => {
            return Err(ValueError::new(
                format!("`{text}` has an unknown suffix `{s}`"),
                "the suffixes are k (thousand), m (million) and bn (billion), in lower case: e.g. \"£315m\"",
            ));
        }
        _ => return Err(bad()),
    };
    let value = parse_digits(digits).ok_or_else(bad)??;
    let value = value.checked_mul(multiplier).ok_or_else(|| {
        ValueError::new(
            format!("`{text}` is too large"),
            "money must be below about £79,000,000,000,000bn",
        )
    })?;
    Ok(apply_sign(negative, value))
}

/// Percent: a string ending in `%`, returned as a fraction (`"55%"` -> 0.55).
pub fn parse_percent(text: &str) -> Result<Decimal, ValueError> {
    let trimmed = text.trim();
    let Some(number) = trimmed.strip_suffix('%') else {
        if trimmed.contains('£') || trimmed.ends_with(['k', 'm']) || trimmed.ends_with("bn") {
            return Err(ValueError::new(
                format!("`{text}` is a money amount, but this key takes a percent"),
                PERCENT_FORMS,
            ));
        }
        let help = match parse_number(trimmed) {
            Ok(n) => format!("a percent ends in %: use \"{}%\"", n.normalize()),
            Err(_) => PERCENT_FORMS.to_string(),
        };
        return Err(ValueError::new(format!("`{text}` is not a percent"), help));
    };
    let (negative, digits) = split_sign(number.trim_end());
    let bad = || {
        // "2-4%" or "2%-4%" (or an en dash): a range written as a span.
        let span = digits.split_once(['-', '\u{2013}']).filter(|(a, b)| {
            let a = a.trim().trim_end_matches('%');
            !a.is_empty() && parse_number(a).is_ok() && parse_number(b.trim()).is_ok()
        });
        match span {
            Some((a, b)) => ValueError::new(
                format!("`{text}` is not a percent"),
                format!(
                    "a range is written with \"to\": \"{}% to {}%\"",
                    a.trim().trim_end_matches('%'),
                    b.trim()
                ),
            ),
            None => ValueError::new(format!("`{text}` is not a percent"), PERCENT_FORMS),
        }
    };
    if digits.contains(',') {
        return Err(bad());
    }
    let value = parse_digits(digits).ok_or_else(bad)??;
    // Dividing by 100 adds two decimal places: refuse a percent whose
    // fraction would need more digits than are held exactly (as money of
    // the same precision is refused), rather than round it silently.
    let fraction = value
        .checked_div(Decimal::ONE_HUNDRED)
        .filter(|f| f.checked_mul(Decimal::ONE_HUNDRED) == Some(value))
        .ok_or_else(|| {
            ValueError::new(
                format!("`{text}` has too many digits to hold exactly"),
                "a percent keeps at most 26 decimal places (28 significant digits as a fraction)",
            )
        })?;
    Ok(apply_sign(negative, fraction))
}

/// Plain number: `"850.5"`, `"1,300"`, `"-3"`.
pub fn parse_number(text: &str) -> Result<Decimal, ValueError> {
    let trimmed = text.trim();
    let (negative, digits) = split_sign(trimmed);
    let value = parse_digits(digits)
        .ok_or_else(|| ValueError::new(format!("`{text}` is not a number"), NUMBER_FORMS))??;
    Ok(apply_sign(negative, value))
}

/// A financial year, 1 April to 31 March, named by its first calendar year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FinancialYear(i32);

impl FinancialYear {
    pub fn new(first_calendar_year: i32) -> Self {
        FinancialYear(first_calendar_year)
    }

    pub fn first_calendar_year(self) -> i32 {
        self.0
    }

    /// The year `offset` years later.
    pub fn plus(self, offset: u32) -> FinancialYear {
        FinancialYear(
            self.0
                .saturating_add(i32::try_from(offset).unwrap_or(i32::MAX)),
        )
    }

    /// Years from `self` to `later` (negative if `later` is earlier).
    pub fn years_until(self, later: FinancialYear) -> i64 {
        i64::from(later.0) - i64::from(self.0)
    }
}

impl fmt::Display for FinancialYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Four digits, as a file writes them: "0001/02", not "1/02".
        write!(f, "{:04}/{:02}", self.0, (self.0 + 1).rem_euclid(100))
    }
}

impl FromStr for FinancialYear {
    type Err = ValueError;

    /// `"2009/10"`; the second part must be the first plus one (`"1999/00"`).
    fn from_str(text: &str) -> Result<Self, ValueError> {
        let bad = |why: &str| {
            ValueError::new(
                format!("`{text}` is not a financial year: {why}"),
                YEAR_FORMS,
            )
        };
        let Some((first, second)) = text.split_once('/') else {
            return Err(bad("write both years, e.g. \"2009/10\""));
        };
        let digits = |s: &str, n: usize| s.len() == n && s.chars().all(|c| c.is_ascii_digit());
        if !digits(first, 4) {
            return Err(bad("the first year needs four digits"));
        }
        if !digits(second, 2) {
            return Err(bad("the second year needs two digits"));
        }
        let first: i32 = first
            .parse()
            .map_err(|_| bad("the first year needs four digits"))?;
        let second: i32 = second
            .parse()
            .map_err(|_| bad("the second year needs two digits"))?;
        if (first + 1) % 100 != second {
            let expected = FinancialYear(first);
            return Err(ValueError::new(
                format!("`{text}` is not a financial year: the second year must follow the first"),
                format!("use \"{expected}\""),
            ));
        }
        Ok(FinancialYear(first))
    }
}

/// How a range is sampled (SPEC 2.1, 3.6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dist {
    Uniform,
    Triangular,
    /// Beta-PERT with lambda 4.
    Pert,
    /// Low and high are the 5th and 95th percentiles.
    Normal,
}

impl Dist {
    pub const NAMES: [&'static str; 4] = ["uniform", "triangular", "pert", "normal"];

    pub fn name(self) -> &'static str {
        match self {
            Dist::Uniform => "uniform",
            Dist::Triangular => "triangular",
            Dist::Pert => "pert",
            Dist::Normal => "normal",
        }
    }

    pub fn from_name(name: &str) -> Option<Dist> {
        match name {
            "uniform" => Some(Dist::Uniform),
            "triangular" => Some(Dist::Triangular),
            "pert" => Some(Dist::Pert),
            "normal" => Some(Dist::Normal),
            _ => None,
        }
    }
}

/// A range: low, central and high with a distribution.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Range {
    pub low: Decimal,
    pub central: Decimal,
    pub high: Decimal,
    pub dist: Dist,
}

impl Range {
    /// Checks `low <= central <= high`, `low < high`, and that a normal
    /// range is centred.
    pub fn new(
        low: Decimal,
        central: Option<Decimal>,
        high: Decimal,
        dist: Option<Dist>,
        kind: Kind,
    ) -> Result<Range, ValueError> {
        if low >= high {
            return Err(ValueError::new(
                "a range needs its low end below its high end",
                "write the lower value first, e.g. \"3% to 7%\"; for a single value drop the range",
            ));
        }
        let dist = dist.unwrap_or(if central.is_some() {
            Dist::Triangular
        } else {
            Dist::Uniform
        });
        let midpoint = match (central, dist) {
            (Some(c), d) if d != Dist::Normal => c,
            _ => midpoint(low, high)?,
        };
        let central = match central {
            Some(c) if c < low || c > high => {
                return Err(ValueError::new(
                    "the central value lies outside the range",
                    "central must be between low and high",
                ));
            }
            Some(c) if dist == Dist::Normal && c != midpoint => {
                return Err(ValueError::new(
                    "a normal range must have its central value at the midpoint of low and high",
                    format!(
                        "remove `central` or set it to the midpoint, central = {}",
                        kind.written(midpoint)
                    ),
                ));
            }
            Some(c) => c,
            None => midpoint,
        };
        Ok(Range {
            low,
            central,
            high,
            dist,
        })
    }

    /// Whether the range reads as `"low to high"`: uniform, with its
    /// central value at the exact midpoint (else it takes the table form,
    /// `{ low, central, high, dist }`).
    pub fn is_plain(&self) -> bool {
        self.dist == Dist::Uniform && midpoint(self.low, self.high).ok() == Some(self.central)
    }
}

/// The exact midpoint of a range's ends, or an error when it cannot be
/// held exactly: the ends' sum overflows, or halving it needs a 29th digit.
fn midpoint(low: Decimal, high: Decimal) -> Result<Decimal, ValueError> {
    let too_wide = || {
        ValueError::new(
            "the midpoint of this range cannot be held exactly",
            "exact decimals keep at most 28 significant digits: give `central`, or ends with fewer digits",
        )
    };
    let sum = low.checked_add(high).ok_or_else(too_wide)?;
    let half = sum.checked_div(Decimal::TWO).ok_or_else(too_wide)?;
    if half.checked_mul(Decimal::TWO) != Some(sum) {
        return Err(too_wide());
    }
    Ok(half)
}

/// A value that may be uncertain: a point or a [`Range`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Uncertain {
    Point(Decimal),
    Range(Range),
}

impl Uncertain {
    pub fn central(&self) -> Decimal {
        match self {
            Uncertain::Point(v) => *v,
            Uncertain::Range(r) => r.central,
        }
    }

    pub fn low(&self) -> Decimal {
        match self {
            Uncertain::Point(v) => *v,
            Uncertain::Range(r) => r.low,
        }
    }

    pub fn high(&self) -> Decimal {
        match self {
            Uncertain::Point(v) => *v,
            Uncertain::Range(r) => r.high,
        }
    }

    pub fn is_range(&self) -> bool {
        matches!(self, Uncertain::Range(_))
    }
}

/// Parses a string that is a point value or a `"low to high"` range.
pub fn parse_uncertain(text: &str, kind: Kind) -> Result<Uncertain, ValueError> {
    let Some((low, high)) = text.split_once(" to ") else {
        if text.contains(" - ") || text.contains('–') {
            return Err(ValueError::new(
                format!("`{text}` is not {}", kind.noun()),
                "write a range with \"to\", e.g. \"3% to 7%\" or \"£2m to £4m\"",
            ));
        }
        return kind.parse(text).map(Uncertain::Point);
    };
    let end = |side: &str, which: &str| {
        kind.parse(side).map_err(|e| ValueError {
            message: format!("the {which} end of the range `{text}`: {}", e.message),
            help: Some(format!(
                "both ends of a range are {}s: {}",
                kind.noun()
                    .trim_start_matches("a ")
                    .trim_start_matches("an "),
                kind.forms()
            )),
        })
    };
    let low = end(low, "low")?;
    let high = end(high, "high")?;
    Range::new(low, None, high, None, kind).map(Uncertain::Range)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    #[test]
    fn money_forms_of_the_spec_parse_exactly() {
        for (text, value) in [
            ("£315m", "315000000"),
            ("315m", "315000000"),
            ("£1.2bn", "1200000000"),
            ("£850k", "850000"),
            ("£1,250,000", "1250000"),
            ("1250000.50", "1250000.50"),
            ("-£2m", "-2000000"),
            ("-4000000", "-4000000"),
            ("£0.1m", "100000"),
        ] {
            assert_eq!(parse_money(text).unwrap(), d(value), "{text}");
        }
    }

    #[test]
    fn malformed_money_is_rejected_with_the_accepted_forms() {
        for text in [
            "£3.5.5m",
            "£1,25,000",
            "£",
            "£m",
            "three",
            "£3x",
            "£ 3m",
            "£3M",
            "1e6",
        ] {
            let err = parse_money(text).unwrap_err();
            assert!(err.help.is_some(), "{text}");
        }
        assert!(parse_money("55%").unwrap_err().message.contains("percent"));
        assert!(parse_money("£79228162514264337593543950335bn").is_err());
    }

    #[test]
    fn percents_become_fractions() {
        assert_eq!(parse_percent("55%").unwrap(), d("0.55"));
        assert_eq!(parse_percent("-1.5%").unwrap(), d("-0.015"));
        assert_eq!(parse_percent("3.25%").unwrap(), d("0.0325"));
        let err = parse_percent("55").unwrap_err();
        assert_eq!(
            err.help.as_deref(),
            Some("a percent ends in %: use \"55%\"")
        );
        assert!(parse_percent("£3m").unwrap_err().message.contains("money"));
    }

    #[test]
    fn financial_years_need_consecutive_parts() {
        assert_eq!(
            "2009/10".parse::<FinancialYear>().unwrap(),
            FinancialYear(2009)
        );
        assert_eq!(
            "1999/00".parse::<FinancialYear>().unwrap().to_string(),
            "1999/00"
        );
        for bad in ["2009/11", "2009", "09/10", "2009/2010", "20o9/10", ""] {
            assert!(bad.parse::<FinancialYear>().is_err(), "{bad}");
        }
        assert_eq!(
            "2009/11"
                .parse::<FinancialYear>()
                .unwrap_err()
                .help
                .as_deref(),
            Some("use \"2009/10\"")
        );
    }

    #[test]
    fn string_ranges_are_uniform_about_their_midpoint() {
        let u = parse_uncertain("3% to 7%", Kind::Percent).unwrap();
        assert_eq!(
            u,
            Uncertain::Range(Range {
                low: d("0.03"),
                central: d("0.05"),
                high: d("0.07"),
                dist: Dist::Uniform
            })
        );
        assert!(parse_uncertain("7% to 3%", Kind::Percent).is_err());
        assert!(parse_uncertain("3% to 3%", Kind::Percent).is_err());
        let mixed = parse_uncertain("3% to £7m", Kind::Percent).unwrap_err();
        assert!(mixed.message.contains("high end"), "{mixed:?}");
        assert!(
            parse_uncertain("3% - 7%", Kind::Percent)
                .unwrap_err()
                .help
                .unwrap()
                .contains("to")
        );
    }

    #[test]
    fn table_ranges_check_their_central_value() {
        let r = Range::new(d("1"), Some(d("2")), d("5"), None, Kind::Number).unwrap();
        assert_eq!(r.dist, Dist::Triangular);
        assert!(Range::new(d("1"), Some(d("6")), d("5"), None, Kind::Number).is_err());
        assert!(
            Range::new(
                d("1"),
                Some(d("2")),
                d("5"),
                Some(Dist::Normal),
                Kind::Number
            )
            .is_err()
        );
        assert_eq!(
            Range::new(d("1"), None, d("5"), Some(Dist::Normal), Kind::Number)
                .unwrap()
                .central,
            d("3")
        );
    }

    #[test]
    fn a_range_whose_ends_sum_past_the_limit_is_an_error_not_a_panic() {
        let max = Decimal::MAX;
        let err = Range::new(max - Decimal::ONE, None, max, None, Kind::Number).unwrap_err();
        assert!(err.message.contains("midpoint"), "{}", err.message);
        assert!(Range::new(-max, None, max, None, Kind::Number).is_ok());
        // From the text of a file, as a string range and a table.
        assert!(
            parse_uncertain(
                "79228162514264337593543950334 to 79228162514264337593543950335",
                Kind::Money
            )
            .is_err()
        );
    }

    #[test]
    fn a_midpoint_needing_a_29th_digit_is_refused_not_rounded() {
        let low = d("0.1000000000000000000000000001");
        let high = d("0.1000000000000000000000000002");
        let err = Range::new(low, None, high, None, Kind::Number).unwrap_err();
        assert!(err.message.contains("midpoint"), "{}", err.message);
        // With the central value given, nothing needs halving.
        assert!(Range::new(low, Some(low), high, None, Kind::Number).is_ok());
        assert_eq!(
            Range::new(d("0.03"), None, d("0.07"), None, Kind::Number)
                .unwrap()
                .central,
            d("0.05")
        );
    }

    #[test]
    fn a_percent_with_more_digits_than_can_be_held_is_refused_like_money() {
        let err = parse_percent("1.234567890123456789012345678%").unwrap_err();
        assert!(err.message.contains("too many digits"), "{}", err.message);
        assert_eq!(
            parse_percent("1.2345678901234567890123456%").unwrap(),
            d("0.012345678901234567890123456")
        );
        assert!(parse_money("0.12345678901234567890123456789").is_err());
    }

    #[test]
    fn early_years_print_with_four_digits_as_written() {
        let y: FinancialYear = "0000/01".parse().unwrap();
        assert_eq!(y.to_string(), "0000/01");
        assert_eq!(FinancialYear::new(1).to_string(), "0001/02");
        assert_eq!(FinancialYear::new(1999).to_string(), "1999/00");
    }

    #[test]
    fn a_range_is_plain_only_when_uniform_and_centred() {
        let plain = |text: &str, kind: Kind| match parse_uncertain(text, kind).unwrap() {
            Uncertain::Range(r) => r.is_plain(),
            Uncertain::Point(_) => panic!("{text} is not a range"),
        };
        assert!(plain("3% to 7%", Kind::Percent));
        assert!(plain("£1.5m to £3m", Kind::Money));
        let range =
            |c: &str, dist| Range::new(d("1"), Some(d(c)), d("3"), dist, Kind::Number).unwrap();
        assert!(range("2", Some(Dist::Uniform)).is_plain());
        assert!(!range("2", None).is_plain(), "triangular");
        assert!(!range("2.5", Some(Dist::Uniform)).is_plain());
        // Ends whose sum overflows have no midpoint: not plain, no panic.
        let huge = Range::new(
            d("50000000000000000000000000000"),
            Some(d("60000000000000000000000000000")),
            d("70000000000000000000000000000"),
            Some(Dist::Uniform),
            Kind::Number,
        )
        .unwrap();
        assert!(!huge.is_plain());
    }
}
