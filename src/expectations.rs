//! Evaluating a scenario's `[[expect]]` assertions (SPEC 2.2, 4.2).
//!
//! Each expectation compares the metric's value *as printed* (money to
//! pence, fractions to 6 dp, people and staff to 2 dp) with its bounds, so
//! `max = "40%"` holds for a share that is 40% by construction.

use rust_decimal::Decimal;

use crate::engine::Projection;
use crate::metric::Unit;
use crate::report::numbers::round;
use crate::scenario::Case;
use crate::scenario::{Expect, Scenario};

/// The values of one case that expectations can read: the central
/// projection, or a percentile of the Monte Carlo distribution.
pub trait CaseValues {
    /// The metric's value in year `t` for `case`, or `None` when that case
    /// is not available (a percentile without Monte Carlo).
    fn value(&self, expect: &Expect, case: Case) -> Option<Decimal>;
}

/// Central values only.
pub struct CentralOnly<'a>(pub &'a Projection);

impl CaseValues for CentralOnly<'_> {
    fn value(&self, expect: &Expect, case: Case) -> Option<Decimal> {
        match case {
            Case::Central => self
                .0
                .metric(expect.metric, expect.year.unwrap_or(0) as usize),
            Case::Mean | Case::Percentile(_) => None,
        }
    }
}

/// Central values and, when they were computed, Monte Carlo percentiles.
pub struct WithRanges<'a> {
    pub central: &'a Projection,
    pub ranges: Option<&'a crate::uncertainty::Ranges>,
}

impl CaseValues for WithRanges<'_> {
    fn value(&self, expect: &Expect, case: Case) -> Option<Decimal> {
        let t = expect.year.unwrap_or(0) as usize;
        match case {
            Case::Central => self.central.metric(expect.metric, t),
            // The chance of a loss: of NPV's draws, the share below zero.
            Case::Mean if expect.metric == crate::metric::Metric::LossProbability => {
                self.ranges?.below_zero(crate::metric::Metric::Npv, 0)
            }
            Case::Mean => self.ranges?.mean(expect.metric, t),
            Case::Percentile(p) => self.ranges?.value(expect.metric, t, p),
        }
    }
}

/// How one expectation came out.
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    Pass,
    /// The printed value and the bound it broke.
    Fail {
        value: Decimal,
        bound: Bound,
    },
    /// The case could not be computed (and is not counted as passed).
    NotEvaluated(String),
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Bound {
    Min(Decimal),
    Max(Decimal),
}

/// Evaluates every expectation of a scenario.
pub fn evaluate(s: &Scenario, values: &dyn CaseValues) -> Vec<(usize, Verdict)> {
    s.expects
        .iter()
        .enumerate()
        .map(|(i, e)| (i, verdict(e, values)))
        .collect()
}

fn verdict(e: &Expect, values: &dyn CaseValues) -> Verdict {
    let Some(raw) = values.value(e, e.case) else {
        return Verdict::NotEvaluated(format!("case {} needs Monte Carlo ranges", e.case));
    };
    judge(raw, e.metric.unit(), e.min, e.max)
}

/// A value against its bounds, compared as printed for `unit`.
pub fn judge(raw: Decimal, unit: Unit, min: Option<Decimal>, max: Option<Decimal>) -> Verdict {
    let value = printed(raw, unit);
    if let Some(min) = min {
        if value < min {
            return Verdict::Fail {
                value,
                bound: Bound::Min(min),
            };
        }
    }
    if let Some(max) = max {
        if value > max {
            return Verdict::Fail {
                value,
                bound: Bound::Max(max),
            };
        }
    }
    Verdict::Pass
}

/// A value as it prints for its unit.
pub fn printed(value: Decimal, unit: Unit) -> Decimal {
    round(value, unit.dp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_compare_as_printed() {
        // 0.4000001 prints as 0.400000, so max 40% holds.
        assert_eq!(
            printed("0.4000001".parse().unwrap(), Unit::Fraction),
            "0.4".parse::<Decimal>().unwrap()
        );
        assert_eq!(
            printed("1.005".parse().unwrap(), Unit::Money),
            "1.01".parse::<Decimal>().unwrap()
        );
    }
}
