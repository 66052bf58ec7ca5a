//! The sensitivity tornado (SPEC 3.6): each ranged value alone at its low
//! and at its high end, everything else central, in exact decimals.
//!
//! For each ranged param the exact engine runs twice, and then as often as
//! its switching value's search needs ([`super::switching`]); the params
//! spread over every core. The table reports cumulative net savings over
//! the horizon and NPV at each end, the swing (|NPV at high - NPV at
//! low|) and the switching value, sorted by swing, largest first (ties in
//! file order).

use rayon::prelude::*;
use rust_decimal::Decimal;

use super::switching::{SwitchingValue, switching_value};
use crate::engine::{EngineError, Projection, project};
use crate::scenario::{DiscountRate, ParamId, Scenario, Values};

/// Cumulative net savings over the horizon and NPV of one run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub cumulative: Decimal,
    pub npv: Decimal,
}

impl Outcome {
    fn of(p: &Projection) -> Outcome {
        Outcome {
            cumulative: p
                .years
                .last()
                .map_or(Decimal::ZERO, |y| y.cumulative_net_savings),
            npv: p.npv,
        }
    }
}

/// One bar of the tornado.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bar {
    pub param: ParamId,
    /// How a reader finds the value in the file, e.g.
    /// `saving "Joint commissioning efficiencies".rate`.
    pub name: String,
    /// Its name for people: "Learning disability: supported living unit
    /// cost" ([`Scenario::labels`]).
    pub label: String,
    pub low: Decimal,
    pub high: Decimal,
    pub at_low: Outcome,
    pub at_high: Outcome,
    /// |NPV at high - NPV at low|.
    pub swing: Decimal,
    /// Where NPV is zero with this value alone moved (the Green Book's
    /// switching value); none where it is not zero anywhere in the key's
    /// domain.
    pub switching: Option<SwitchingValue>,
}

/// The tornado of a scenario: the central outcome and one bar per ranged
/// value, largest swing first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tornado {
    pub central: Outcome,
    pub bars: Vec<Bar>,
}

/// Why the tornado could not be drawn.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TornadoError {
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error(
        "{ranged} ranged values in a model this size would take too long to vary one by one (see docs/limits.md)"
    )]
    TooMuchWork { ranged: usize },
}

/// Exact runs the switching-value search of one value takes at most, as
/// measured on the shipped and benchmark files (docs/limits.md).
pub const SEARCH_RUNS: u64 = 24;

/// The work of a tornado: exact runs (two a ranged value and its
/// switching-value search, plus one) x
/// model size x (10 + horizon) / 10 x ((d + 4) / 8)^2, where d is the most
/// significant digits of any factor compounded year on year (1 + growth,
/// 1 + inflation, 1 + the discount rate, at any end of its range). The
/// exact engine's numbers grow with the years compounded and with the
/// digits of what compounds, so a run's time grows about as the horizon
/// squared, and a 28-digit growth rate costs many times a "2.5%" one
/// (docs/limits.md).
pub fn work(s: &Scenario) -> u64 {
    work_searching(s, s.ranged_params().count() as u64)
}

/// [`work`] with switching values searched for `searched` values only.
fn work_searching(s: &Scenario, searched: u64) -> u64 {
    let runs = 2 * s.ranged_params().count() as u64 + SEARCH_RUNS * searched + 1;
    let d = compounding_digits(s) + 4;
    runs.saturating_mul(super::model_size(s))
        .saturating_mul(10 + u64::from(s.horizon))
        .saturating_mul(d * d)
        / 640
}

/// The most significant digits of any factor the exact engine compounds.
fn compounding_digits(s: &Scenario) -> u64 {
    let digits = |rate: rust_decimal::Decimal| {
        rate.checked_add(rust_decimal::Decimal::ONE)
            .map_or(29, |f| {
                u64::from(
                    f.normalize()
                        .mantissa()
                        .unsigned_abs()
                        .checked_ilog10()
                        .unwrap_or(0),
                ) + 1
            })
    };
    let ends = |id| {
        s.param(id).map_or(0, |p| {
            [p.value.low(), p.value.central(), p.value.high()]
                .into_iter()
                .map(digits)
                .max()
                .unwrap_or(0)
        })
    };
    s.services
        .iter()
        .map(|x| ends(x.growth).max(ends(x.inflation)))
        .chain(match s.discount_rate {
            // 3.5% and 3%.
            DiscountRate::GreenBook => [3],
            DiscountRate::Flat(r) => [digits(r)],
        })
        .max()
        .unwrap_or(0)
}

/// The tornado: every ranged value at its ends, with its switching value.
pub fn tornado(s: &Scenario) -> Result<Tornado, TornadoError> {
    tornado_searching(s, usize::MAX)
}

/// The tornado with switching values searched for its `most` largest bars
/// only, for a page that shows no more (the board report): the rest keep
/// `switching: None`, which there means "not searched", not "never zero",
/// and must not be shown. A search takes about 13 exact runs a bar against
/// 2 for its ends, so the benchmark file's report takes a fifth of the
/// time of its whole tornado.
pub fn tornado_searching(s: &Scenario, most: usize) -> Result<Tornado, TornadoError> {
    let ranged = s.ranged_params().count();
    if work_searching(s, ranged.min(most) as u64) > crate::limits::MAX_SENSITIVITY_WORK {
        return Err(TornadoError::TooMuchWork { ranged });
    }
    let central_values = Values::central(s);
    let central = Outcome::of(&project(s, &central_values)?);
    // Each bar is independent of every other: they run on every core, and
    // are collected in file order (the same bytes for any number of
    // threads), then sorted by swing, ties in file order.
    let ids: Vec<ParamId> = s.ranged_params().collect();
    let bars: Vec<Option<Bar>> = ids
        .par_iter()
        .map(|&id| ends(s, &central_values, id))
        .collect::<Result<_, EngineError>>()?;
    let labels = s.labels();
    let mut bars: Vec<Bar> = bars
        .into_iter()
        .flatten()
        .map(|b| Bar {
            label: labels.get(b.param.0).cloned().unwrap_or(b.label),
            ..b
        })
        .collect();
    bars.sort_by_key(|b| std::cmp::Reverse(b.swing));
    let rest = bars.split_off(bars.len().min(most));
    let mut bars: Vec<Bar> = bars
        .into_par_iter()
        .map(|b| searched(s, &central_values, &central, b))
        .collect();
    bars.extend(rest);
    Ok(Tornado { central, bars })
}

/// The tornado's first bar alone, with its switching value: the value that
/// moves NPV most (`pool-model appraise`). None without ranged values.
pub fn largest_swing(s: &Scenario) -> Result<Option<Bar>, TornadoError> {
    Ok(tornado_searching(s, 1)?.bars.into_iter().next())
}

/// NPV with one value moved, everything else central.
fn run(s: &Scenario, central: &Values, id: ParamId, v: Decimal) -> Result<Outcome, EngineError> {
    let mut values = central.clone();
    values.set(id, v);
    Ok(Outcome::of(&project(s, &values)?))
}

/// One bar at its range's ends, before its switching value is searched.
fn ends(s: &Scenario, central: &Values, id: ParamId) -> Result<Option<Bar>, EngineError> {
    let Some(param) = s.param(id) else {
        return Ok(None);
    };
    let (low, high) = (param.value.low(), param.value.high());
    let (at_low, at_high) = (run(s, central, id, low)?, run(s, central, id, high)?);
    Ok(Some(Bar {
        param: id,
        name: param.name.clone(),
        label: param.name.clone(),
        low,
        high,
        swing: (at_high.npv - at_low.npv).abs(),
        switching: None,
        at_low,
        at_high,
    }))
}

/// The bar with its switching value.
fn searched(s: &Scenario, values: &Values, central: &Outcome, mut bar: Bar) -> Bar {
    if let Some(param) = s.param(bar.param) {
        bar.switching = switching_value(
            |v| run(s, values, bar.param, v).ok().map(|o| o.npv),
            param.value.central(),
            central.npv,
            bar.high - bar.low,
            param.domain,
        );
    }
    bar
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::load_str;
    use crate::source::SourceMap;
    use crate::uncertainty::model_size;

    fn scenario(growth: &str, horizon: u32) -> crate::scenario::Scenario {
        let text = format!(
            r#"[scenario]
name = "Work"
start = "2009/10"
horizon = {horizon}

[assumptions]
growth = "{growth}"
inflation = "1% to 3%"

[[partner]]
id = "council"
name = "Council"
kind = "council"

[[service]]
id = "ld"
name = "Learning disability"
lead = "council"
contributions = {{ council = "£80m" }}
"#
        );
        load_str("work.toml", &text, &mut SourceMap::new()).unwrap()
    }

    #[test]
    fn work_grows_with_the_horizon_and_the_digits_compounded() {
        let plain = work(&scenario("2.5%", 10));
        assert_eq!(
            plain,
            (2 + SEARCH_RUNS + 1) * model_size(&scenario("2.5%", 10)) * 20 * 64 / 640
        );
        assert_eq!(
            work_searching(&scenario("2.5%", 10), 0),
            3 * model_size(&scenario("2.5%", 10)) * 20 * 64 / 640
        );
        assert!(work(&scenario("2.5%", 50)) > 5 * plain);
        let long = scenario("2.45236523359355868821576745%", 10);
        // 1.0245236523359355868821576745 has 29 digits: (33/8)^2 = 17 times.
        assert_eq!(work(&long), plain * 33 * 33 / 64);
    }
}
