//! The pool's in-year job: the plan as the budget, monitored against
//! actuals, with a forecast outturn, and settled at year end
//! (docs/monitoring.md).
//!
//! Flow: the plan's exact central projection
//! ([`crate::engine::project_budgets`]) gives each service's budget for the
//! year and each partner's planned contribution
//! ([`crate::engine::ServiceYear::budget`] and `planned`); the actuals file
//! ([`actuals`]) gives what was spent and paid in. [`monitor`] works out,
//! for each service and the pool, the budget to date (phased by
//! `[monitoring] profile`), the actual and variance to date, the forecast
//! outturn and its variance with a RAG status, and the year-end settlement
//! the forecast would lead to ([`settlement`], the risk share of SPEC 3.5);
//! `settle` is the same settlement on the actual outturn, once every period
//! is in. Every figure is exact; the budget is set to the penny, and the
//! settlement is in pence so that its balance line holds to the penny.

pub mod actuals;
pub mod settlement;

use rust_decimal::{Decimal, RoundingStrategy};

use crate::model::{Exact, Overflow};
pub use crate::scenario::Periods;
use crate::scenario::{Forecast, Scenario};
use actuals::{Actuals, YearActuals};
use settlement::Settlement;

/// RAG status of a forecast overspend against the plan's thresholds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rag {
    Green,
    Amber,
    Red,
}

impl Rag {
    pub fn name(self) -> &'static str {
        match self {
            Rag::Green => "green",
            Rag::Amber => "amber",
            Rag::Red => "red",
        }
    }
}

/// One line of a monitoring report (a service, a setting or the pool).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Line {
    /// The year's budget.
    pub budget: Decimal,
    pub budget_to_date: Decimal,
    pub actual_to_date: Decimal,
    /// actual to date - budget to date.
    pub variance_to_date: Decimal,
    pub forecast: Decimal,
    /// forecast - budget: an overspend (+) or underspend (-).
    pub forecast_variance: Decimal,
    /// forecast variance / budget; none when the budget is zero.
    pub forecast_variance_share: Option<Decimal>,
    pub rag: Option<Rag>,
}

/// A service's lines, and its budget and actual by period.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ServiceMonitor {
    pub line: Line,
    /// Its settings, when the actuals give the service by setting.
    pub settings: Vec<SettingMonitor>,
    pub periods: Vec<PeriodLine>,
}

/// A setting's line, when the actuals give its service by setting: its
/// budget is the service's shared by the settings' post-shift shares.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SettingMonitor {
    /// The setting's index in its service.
    pub setting: usize,
    pub line: Line,
    pub periods: Vec<PeriodLine>,
}

/// One period's budget and actual, and the running totals with the
/// forecast path.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PeriodLine {
    pub budget: Decimal,
    /// None after the last period reported.
    pub actual: Option<Decimal>,
    pub cumulative_budget: Decimal,
    pub cumulative_actual: Option<Decimal>,
    /// From the last period reported on: where the forecast says the
    /// year to date will be.
    pub cumulative_forecast: Option<Decimal>,
}

/// A monitoring report (`pool-model monitor`) or, with every period in, a
/// year-end statement (`pool-model settle`).
#[derive(Clone, Debug, PartialEq)]
pub struct Monitor {
    /// The file of actuals, as named on the command line.
    pub actuals_file: String,
    /// Years after the plan's baseline.
    pub year: u32,
    pub periods: Periods,
    /// Periods reported on (1..=count).
    pub to_date: usize,
    pub forecast: Forecast,
    pub services: Vec<ServiceMonitor>,
    pub pool: Line,
    pub pool_periods: Vec<PeriodLine>,
    /// Money each partner has paid in to date, when the actuals say.
    pub received: Option<Vec<Decimal>>,
    /// The settlement of the forecast (monitor) or of the outturn
    /// (settle, where the two are the same).
    pub settlement: Settlement,
}

impl Monitor {
    /// The exact value of a monitoring metric (none for a zero budget's
    /// variance share).
    pub fn metric(&self, m: crate::metric::MonitorMetric) -> Option<Decimal> {
        use crate::metric::MonitorMetric as M;
        let line = |i: Option<usize>| match i {
            None => Some(&self.pool),
            Some(i) => self.services.get(i).map(|x| &x.line),
        };
        let partner = |p: usize| self.settlement.partners.get(p);
        match m {
            M::Budget(i) => line(i).map(|l| l.budget),
            M::ActualToDate(i) => line(i).map(|l| l.actual_to_date),
            M::ForecastOutturn(i) => line(i).map(|l| l.forecast),
            M::ForecastVariance(i) => line(i).map(|l| l.forecast_variance),
            M::ForecastVarianceShare(i) => line(i).and_then(|l| l.forecast_variance_share),
            M::SettledShare(p) => partner(p).map(|x| x.variance_share),
            M::FinalContribution(p) => partner(p).map(|x| x.final_contribution),
            M::Balance(p) => partner(p).map(|x| x.balance),
        }
    }
}

/// Why a report cannot be made from these actuals.
#[derive(Debug, thiserror::Error)]
pub enum MonitorError {
    #[error("{file}: {message}")]
    Actuals {
        file: String,
        message: String,
        help: String,
    },
    #[error("the figures are too large to work out exactly")]
    Overflow(#[from] Overflow),
    /// The plan's projection failed (located at the plan's value).
    #[error(transparent)]
    Engine(#[from] crate::engine::EngineError),
}

/// What to report on.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// The year (years after the baseline); default the latest in the
    /// actuals.
    pub year: Option<u32>,
    /// Report as at this period (1-based); default the latest reported.
    pub to: Option<usize>,
    /// Override the plan's forecast method.
    pub forecast: Option<Forecast>,
    /// Every period must be in (a year-end settlement).
    pub year_end: bool,
}

/// The monitoring report of one year: see the module docs.
pub fn monitor(s: &Scenario, actuals: &Actuals, options: Options) -> Result<Monitor, MonitorError> {
    let file = actuals.file.clone();
    let refuse = |message: String, help: String| MonitorError::Actuals {
        file: file.clone(),
        message,
        help,
    };
    let t = match options.year {
        Some(t) => t,
        None => actuals
            .years
            .iter()
            .rev()
            .find(|y| y.latest > 0)
            .or(actuals.years.last())
            .map(|y| y.year)
            .ok_or_else(|| {
                refuse(
                    "the file has no rows".into(),
                    "give a row a period: year,period,service,value".into(),
                )
            })?,
    };
    let label = s.year(t);
    let y: &YearActuals = actuals.year(t).ok_or_else(|| {
        let years: Vec<String> = actuals
            .years
            .iter()
            .map(|y| s.year(y.year).to_string())
            .collect();
        refuse(
            format!("no actuals for {label}"),
            if years.is_empty() {
                "the file has no rows".into()
            } else {
                format!("it has {}", years.join(", "))
            },
        )
    })?;
    let n = y.periods.count();
    if y.latest == 0 {
        return Err(refuse(
            format!("no spend for {label}, only money paid in"),
            "give the spend of each service a period".into(),
        ));
    }
    let to = options.to.unwrap_or(y.latest);
    if options.year_end && to < n {
        let missing: Vec<String> = (to + 1..=n).map(|k| y.periods.label(k)).collect();
        return Err(refuse(
            format!(
                "{label} is not complete: no spend yet for {}",
                span(&missing)
            ),
            "a year-end statement needs every period; `pool-model monitor` reports on a year in progress".into(),
        ));
    }
    if to == 0 || to > y.latest {
        return Err(refuse(
            format!(
                "{} is after the last period reported in {label} ({})",
                y.periods.label(to.max(1)),
                y.periods.label(y.latest)
            ),
            "report as at a period the file has".into(),
        ));
    }
    let missing = y.missing(to);
    if !missing.is_empty() {
        let shown: Vec<String> = missing
            .iter()
            .take(crate::limits::MAX_SHOWN_ERRORS)
            .map(|(i, gaps)| {
                let labels: Vec<String> = gaps.iter().map(|&k| y.periods.label(k)).collect();
                format!(
                    "`{}` ({})",
                    s.services.get(*i).map_or("", |x| x.id.as_str()),
                    span(&labels)
                )
            })
            .collect();
        // The last period every service has: a report can be made as at it.
        let first_gap = missing
            .iter()
            .filter_map(|(_, gaps)| gaps.first())
            .min()
            .copied()
            .unwrap_or(1);
        let mut help =
            "give every service a row each period (0 when nothing was spent)".to_string();
        if first_gap > 1 && !options.year_end {
            help.push_str(&format!(
                ", or report as at the last period every service has: --to {}",
                y.periods.label(first_gap - 1)
            ));
        }
        return Err(refuse(
            format!(
                "{label} to {} has no spend for {}",
                y.periods.label(to),
                shown.join(", ")
            ),
            help,
        ));
    }
    let p = &crate::engine::project_budgets(s, &crate::scenario::Values::central(s))?;
    let forecast = options.forecast.unwrap_or(s.monitoring.forecast);
    let cumulative = phasing(s, y.periods);
    let m = &s.monitoring;
    let mut services = Vec::with_capacity(s.services.len());
    let mut budgets = Vec::with_capacity(s.services.len());
    let mut planned = Vec::with_capacity(s.services.len());
    let mut outturns = Vec::with_capacity(s.services.len());
    let years = p
        .services
        .iter()
        .map(|x| x.years.get(t as usize).cloned().unwrap_or_default());
    for (i, sy) in years.enumerate() {
        let budget = to_pence(sy.budget);
        let spend: &[Option<Decimal>] = y.spend.get(i).map_or(&[], Vec::as_slice);
        let (whole, periods) = line(budget, spend, &cumulative, to, forecast, m)?;
        let mut service = ServiceMonitor {
            line: whole,
            settings: Vec::new(),
            periods,
        };
        if let Some(Some(by)) = y.settings.get(i) {
            let shares: Vec<Decimal> = sy.settings.iter().map(|x| x.share).collect();
            service.settings = setting_lines(&service, &shares, by, to, forecast, m)?;
        }
        budgets.push(budget);
        planned.push(sy.planned.clone());
        outturns.push(service.line.forecast);
        services.push(service);
    }
    let (pool, pool_periods) = pool_line(&services, m)?;
    let received = if y.has_received {
        Some(
            y.received
                .iter()
                .map(|periods| total(periods.iter().take(to).flatten().copied()))
                .collect::<Result<Vec<Decimal>, Overflow>>()?,
        )
    } else {
        None
    };
    let paid = if options.year_end {
        received.clone()
    } else {
        None
    };
    let settlement = settlement::settle(
        s,
        &settlement::Inputs {
            budgets: &budgets,
            planned: &planned,
            outturns: &outturns,
            paid: paid.as_deref(),
        },
    )?;
    Ok(Monitor {
        actuals_file: actuals.file.clone(),
        year: t,
        periods: y.periods,
        to_date: to,
        forecast,
        services,
        pool,
        pool_periods,
        received,
        settlement,
    })
}

/// Warnings of actuals that are valid but look wrong, each at its row: a
/// period's spend of a service more than [`TIMES_BUDGET`] times its
/// budget for the period (a digit too many?), a credit larger than half
/// of it, or spend on a service with no budget.
pub fn warnings(s: &Scenario, m: &Monitor, a: &Actuals) -> Vec<crate::error::Diagnostic> {
    let Some(y) = a.year(m.year) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, (service, x)) in s.services.iter().zip(&m.services).enumerate() {
        if x.settings.is_empty() {
            let at = |k: usize| y.locs.get(&(i, None, k)).copied();
            look(
                s,
                m,
                &format!("`{}`", service.id),
                &x.periods,
                &at,
                &mut out,
            );
        }
        for k in &x.settings {
            let name = service
                .settings
                .get(k.setting)
                .map_or(String::new(), |x| format!("`{}` in `{}`", service.id, x.id));
            let at = |p: usize| y.locs.get(&(i, Some(k.setting), p)).copied();
            look(s, m, &name, &k.periods, &at, &mut out);
        }
    }
    out
}

/// The warnings of one line's periods (see [`warnings`]).
fn look(
    s: &Scenario,
    m: &Monitor,
    what: &str,
    periods: &[PeriodLine],
    at: &dyn Fn(usize) -> Option<crate::source::Loc>,
    out: &mut Vec<crate::error::Diagnostic>,
) {
    use crate::error::Diagnostic;
    use crate::report::numbers::pounds_grouped;
    let times = Decimal::from(TIMES_BUDGET);
    for (k, pl) in periods.iter().enumerate().take(m.to_date) {
        let (Some(actual), Some(loc)) = (pl.actual, at(k + 1)) else {
            continue;
        };
        let label = m.periods.label(k + 1);
        let budget = pl.budget;
        let message = if budget.is_zero() && !actual.is_zero() {
            Some(format!(
                "{label} spend of {what} is {}, but its budget for {} is nothing",
                pounds_grouped(actual),
                s.year(m.year)
            ))
        } else if budget > Decimal::ZERO
            && actual > budget.checked_mul(times).unwrap_or(Decimal::MAX)
        {
            Some(format!(
                "{label} spend of {what} is {}, {} times its budget for the period ({}): a digit too many?",
                pounds_grouped(actual),
                crate::report::numbers::fixed(actual.checked_div(budget).unwrap_or_default(), 1),
                pounds_grouped(budget)
            ))
        } else if budget > Decimal::ZERO && -actual > budget / Decimal::TWO {
            Some(format!(
                "{label} spend of {what} is {}: a credit of more than half its budget for the period ({})",
                pounds_grouped(actual),
                pounds_grouped(budget)
            ))
        } else {
            None
        };
        if let Some(message) = message {
            out.push(Diagnostic::at(loc, message).help(
                "check the row against the ledger; if it is right, the forecast and the settlement already use it",
            ));
        }
    }
}

/// A period's spend more than this many times its budget is warned of.
pub const TIMES_BUDGET: u32 = 3;

/// The exact sum of amounts, or an [`Overflow`] when it is too large to
/// hand on.
pub(crate) fn total(values: impl IntoIterator<Item = Decimal>) -> Result<Decimal, Overflow> {
    values
        .into_iter()
        .fold(Exact::zero(), |acc, v| acc + Exact::new(v))
        .to_decimal()
}

/// "M07 to M12", "Q4", "M02, M05".
fn span(labels: &[String]) -> String {
    match labels {
        [] => String::new(),
        [one] => one.clone(),
        [first, .., last] if labels.len() > 2 => format!("{first} to {last}"),
        _ => labels.join(" and "),
    }
}

/// The budget's share spent by the end of each period (the last is one):
/// even, or by the plan's monthly profile.
fn phasing(s: &Scenario, periods: Periods) -> Vec<Exact> {
    let months = periods.months();
    (1..=periods.count())
        .map(|k| match &s.monitoring.profile {
            None => Exact::from(k as u32 * months as u32)
                .div(&Exact::from(12u32))
                .unwrap_or_default(),
            Some(profile) => Exact::new(profile.iter().take(k * months).sum()),
        })
        .collect()
}

/// A service's line: budget, budget and actual to date, forecast and
/// RAG, and its periods, every figure in pence: the budget to the end of
/// each period is rounded to the penny once (the last is the whole
/// budget), so a period's budget is the difference of two of them and the
/// periods add up to the year; a straight-line forecast is rounded to the
/// penny.
fn line(
    budget: Decimal,
    spend: &[Option<Decimal>],
    cumulative: &[Exact],
    to: usize,
    forecast: Forecast,
    m: &crate::scenario::Monitoring,
) -> Result<(Line, Vec<PeriodLine>), Overflow> {
    let n = cumulative.len();
    let whole = Exact::new(budget);
    let mut budget_at = vec![Decimal::ZERO];
    for (k, c) in cumulative.iter().enumerate() {
        budget_at.push(if k + 1 == n {
            budget
        } else {
            to_pence((&whole * c).to_decimal()?)
        });
    }
    let actual_to_date = total(spend.iter().take(to).map(|v| v.unwrap_or_default()))?;
    let paths = (1..=n)
        .map(|j| {
            (j >= to)
                .then(|| path(forecast, actual_to_date, &budget_at, to, j))
                .transpose()
        })
        .collect::<Result<Vec<_>, _>>()?;
    assemble(&budget_at, spend, to, &paths, m)
}

/// Where a forecast says spend will be by the end of period `j` (`j` at
/// least `to`), to the penny.
fn path(
    forecast: Forecast,
    actual_to_date: Decimal,
    budget_at: &[Decimal],
    to: usize,
    j: usize,
) -> Result<Decimal, Overflow> {
    let at = |k: usize| budget_at.get(k).copied().unwrap_or_default();
    match forecast {
        Forecast::RestOfBudget => actual_to_date
            .checked_add(at(j).checked_sub(at(to)).ok_or(Overflow)?)
            .ok_or(Overflow),
        Forecast::StraightLine => Ok(to_pence(
            (Exact::new(actual_to_date) * Exact::from(j as u32))
                .div(&Exact::from(to as u32))?
                .to_decimal()?,
        )),
    }
}

/// The settings' lines of a service given by setting: the service's
/// budget to the end of each period, and its forecast's path, shared
/// between them to the penny (largest remainder), so the settings add up
/// to the service in every figure: budgets by the settings' shares,
/// the rest-of-budget path as each setting's own, the straight line by
/// each setting's actual to date.
fn setting_lines(
    service: &ServiceMonitor,
    shares: &[Decimal],
    spend: &[Vec<Option<Decimal>>],
    to: usize,
    forecast: Forecast,
    m: &crate::scenario::Monitoring,
) -> Result<Vec<SettingMonitor>, Overflow> {
    let n = service.periods.len();
    let mut service_at = vec![Decimal::ZERO];
    service_at.extend(service.periods.iter().map(|p| p.cumulative_budget));
    // budget_at[setting][k]
    let mut budget_at = vec![vec![Decimal::ZERO; n + 1]; shares.len()];
    for (k, c) in service_at.iter().enumerate().skip(1) {
        let parts: Vec<Exact> = shares.iter().map(|s| Exact::new(*c) * *s).collect();
        for (slot, v) in budget_at
            .iter_mut()
            .map(|b| b.get_mut(k))
            .zip(settlement::pence(*c, &parts)?)
        {
            if let Some(slot) = slot {
                *slot = v;
            }
        }
    }
    let actuals: Vec<Decimal> = spend
        .iter()
        .map(|p| total(p.iter().take(to).map(|v| v.unwrap_or_default())))
        .collect::<Result<_, _>>()?;
    let service_actual = service.line.actual_to_date;
    let mut paths = vec![vec![None; n]; shares.len()];
    for j in to..=n {
        let own: Vec<Decimal> = budget_at
            .iter()
            .zip(&actuals)
            .map(|(b, a)| path(Forecast::RestOfBudget, *a, b, to, j))
            .collect::<Result<_, _>>()?;
        let split = match forecast {
            Forecast::RestOfBudget => own,
            Forecast::StraightLine => {
                let whole = service
                    .periods
                    .get(j - 1)
                    .and_then(|p| p.cumulative_forecast)
                    .unwrap_or_default();
                let parts: Vec<Exact> = actuals
                    .iter()
                    .map(|a| {
                        if service_actual.is_zero() {
                            Ok(Exact::zero())
                        } else {
                            (Exact::new(whole) * *a).div(&Exact::new(service_actual))
                        }
                    })
                    .collect::<Result<_, _>>()?;
                settlement::pence(whole, &parts)?
            }
        };
        for (p, v) in paths.iter_mut().zip(split) {
            if let Some(slot) = p.get_mut(j - 1) {
                *slot = Some(v);
            }
        }
    }
    let mut out = Vec::with_capacity(shares.len());
    for (k, ((b, p), s)) in budget_at.iter().zip(&paths).zip(spend).enumerate() {
        let (l, periods) = assemble(b, s, to, p, m)?;
        out.push(SettingMonitor {
            setting: k,
            line: l,
            periods,
        });
    }
    Ok(out)
}

/// A line from its budget to the end of each period (`budget_at[0]` is
/// zero, the last is the year's budget), its spend and its forecast's
/// path (`paths[j - 1]` for periods from `to` on).
fn assemble(
    budget_at: &[Decimal],
    spend: &[Option<Decimal>],
    to: usize,
    paths: &[Option<Decimal>],
    m: &crate::scenario::Monitoring,
) -> Result<(Line, Vec<PeriodLine>), Overflow> {
    let n = paths.len();
    let at = |k: usize| budget_at.get(k).copied().unwrap_or_default();
    let sub = |a: Decimal, b: Decimal| a.checked_sub(b).ok_or(Overflow);
    let budget = at(n);
    let actual_to_date = total(spend.iter().take(to).map(|v| v.unwrap_or_default()))?;
    let budget_to_date = at(to);
    let outturn = paths.last().copied().flatten().unwrap_or(actual_to_date);
    let mut periods = Vec::with_capacity(n);
    let mut running = Decimal::ZERO;
    for k in 1..=n {
        let actual = spend.get(k - 1).copied().flatten().filter(|_| k <= to);
        if let Some(a) = actual {
            running = running.checked_add(a).ok_or(Overflow)?;
        }
        periods.push(PeriodLine {
            budget: sub(at(k), at(k - 1))?,
            actual,
            cumulative_budget: at(k),
            cumulative_actual: (k <= to).then_some(running),
            cumulative_forecast: paths.get(k - 1).copied().flatten(),
        });
    }
    let variance = sub(outturn, budget)?;
    let share = share_of(variance, budget)?;
    Ok((
        Line {
            budget,
            budget_to_date,
            actual_to_date,
            variance_to_date: sub(actual_to_date, budget_to_date)?,
            forecast: outturn,
            forecast_variance: variance,
            forecast_variance_share: share,
            rag: Some(rag(variance, share, m)),
        },
        periods,
    ))
}

/// The pool's line: the sum of its services' lines, so the total is the
/// total of the lines to the penny.
fn pool_line(
    services: &[ServiceMonitor],
    m: &crate::scenario::Monitoring,
) -> Result<(Line, Vec<PeriodLine>), Overflow> {
    let sum = |f: &dyn Fn(&Line) -> Decimal| total(services.iter().map(|x| f(&x.line)));
    let budget = sum(&|l| l.budget)?;
    let forecast = sum(&|l| l.forecast)?;
    let variance = forecast.checked_sub(budget).ok_or(Overflow)?;
    let share = share_of(variance, budget)?;
    let line = Line {
        budget,
        budget_to_date: sum(&|l| l.budget_to_date)?,
        actual_to_date: sum(&|l| l.actual_to_date)?,
        variance_to_date: sum(&|l| l.variance_to_date)?,
        forecast,
        forecast_variance: variance,
        forecast_variance_share: share,
        rag: Some(rag(variance, share, m)),
    };
    let n = services.first().map_or(0, |x| x.periods.len());
    let mut periods = Vec::with_capacity(n);
    for k in 0..n {
        let each = || services.iter().filter_map(|x| x.periods.get(k));
        let some = |f: &dyn Fn(&PeriodLine) -> Option<Decimal>| {
            each()
                .map(f)
                .collect::<Option<Vec<Decimal>>>()
                .map(total)
                .transpose()
        };
        periods.push(PeriodLine {
            budget: total(each().map(|p| p.budget))?,
            actual: some(&|p| p.actual)?,
            cumulative_budget: total(each().map(|p| p.cumulative_budget))?,
            cumulative_actual: some(&|p| p.cumulative_actual)?,
            cumulative_forecast: some(&|p| p.cumulative_forecast)?,
        });
    }
    Ok((line, periods))
}

/// variance / budget, none for a zero budget.
fn share_of(variance: Decimal, budget: Decimal) -> Result<Option<Decimal>, Overflow> {
    if budget.is_zero() {
        return Ok(None);
    }
    Exact::new(variance)
        .div(&Exact::new(budget))?
        .to_decimal()
        .map(Some)
}

/// Red at or above `red`, amber at or above `amber`, else green: of a
/// forecast overspend as a share of the budget (an underspend is green;
/// any overspend of a zero budget is red).
pub fn rag(variance: Decimal, share: Option<Decimal>, m: &crate::scenario::Monitoring) -> Rag {
    if variance <= Decimal::ZERO {
        return Rag::Green;
    }
    match share {
        None => Rag::Red,
        Some(s) if s >= m.red => Rag::Red,
        Some(s) if s >= m.amber => Rag::Amber,
        Some(_) => Rag::Green,
    }
}

/// Money rounded to the penny, half away from zero.
fn to_pence(value: Decimal) -> Decimal {
    value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_months_or_quarters() {
        assert_eq!(Periods::parse("M01"), Some((Periods::Months, 1)));
        assert_eq!(Periods::parse("M12"), Some((Periods::Months, 12)));
        assert_eq!(Periods::parse("m7"), Some((Periods::Months, 7)));
        assert_eq!(Periods::parse("Q4"), Some((Periods::Quarters, 4)));
        assert_eq!(Periods::parse("M13"), None);
        assert_eq!(Periods::parse("Q0"), None);
        assert_eq!(Periods::parse("M+1"), None);
        assert_eq!(Periods::parse("April"), None);
        assert_eq!(Periods::Quarters.name(2), "Q2 (July to September)");
    }

    #[test]
    fn rag_rates_overspends_only() {
        let m = crate::scenario::Monitoring::default();
        let pct = |s: &str| Some(Decimal::from_str_exact(s).unwrap());
        assert_eq!(rag(Decimal::ONE, pct("0.0099"), &m), Rag::Green);
        assert_eq!(rag(Decimal::ONE, pct("0.01"), &m), Rag::Amber);
        assert_eq!(rag(Decimal::ONE, pct("0.03"), &m), Rag::Red);
        assert_eq!(rag(-Decimal::ONE, pct("-0.5"), &m), Rag::Green);
        assert_eq!(rag(Decimal::ONE, None, &m), Rag::Red);
    }
}
