//! The monitoring chart (`chart --kind monitor --actuals FILE`): the
//! pool's budget, actual and forecast by month, cumulative, with each
//! month's variance below (docs/monitoring.md).

use plotters::prelude::*;
use rust_decimal::Decimal;

use super::axis::{self, Axis, Scale, Unit};
use super::style::{self, BLUE, GUIDE, INK, ORANGE};
use super::{Area, ChartError, Heading, Swatch, corners, key, key_height, panel_title, render};
use crate::monitoring::{Monitor, Periods};
use crate::report::numbers::millions_to;
use crate::report::statement::as_at;
use crate::scenario::Scenario;

/// Height of each of the two panels.
const PANEL: u32 = 300;

/// Draws the monitoring chart of a year.
pub fn chart(s: &Scenario, m: &Monitor) -> Result<String, ChartError> {
    let year = s.year(m.year);
    let title = format!("{}: {year} against budget", s.name);
    let subtitle = format!(
        "To {}: spent {} against {} budgeted; forecast outturn {}, budget {}. £m, cash.",
        as_at(m),
        millions_to(m.pool.actual_to_date, 2),
        millions_to(m.pool.budget_to_date, 2),
        millions_to(m.pool.forecast, 2),
        millions_to(m.pool.budget, 2),
    );
    let heading = Heading::new(&title, &subtitle);
    let items = [
        (Swatch::Dashed(GUIDE), "Budget".to_string()),
        (Swatch::Line(INK), "Actual".to_string()),
        (
            Swatch::Dashed(BLUE),
            match m.forecast {
                crate::scenario::Forecast::RestOfBudget => "Forecast: the rest of the budget",
                crate::scenario::Forecast::StraightLine => "Forecast: straight line",
            }
            .to_string(),
        ),
        (Swatch::Block(ORANGE), "Over budget to date".to_string()),
        (
            Swatch::Block(style::tint(BLUE, 0.6)),
            "Under budget to date".to_string(),
        ),
    ];
    render(heading.height() + 40 + 2 * PANEL, |root| {
        let body = heading.draw(root)?;
        let rows = key(&body, &items, (24, 10))?;
        let body = body.split_vertically(key_height(rows)).1;
        let (top, bottom) = body.split_vertically(PANEL);
        monthly(&top, m)?;
        cumulative(&bottom, m)?;
        Ok(())
    })
}

/// "£1.55m over", "£0.37m under".
fn signed(v: Decimal) -> String {
    if v > Decimal::ZERO {
        format!("{} over", millions_to(v, 2))
    } else if v < Decimal::ZERO {
        format!("{} under", millions_to(-v, 2))
    } else {
        "on budget".into()
    }
}

/// A period's short label on the axis: "Apr", or "Q1".
fn tick(periods: Periods, v: f64) -> String {
    if v < 0.5 || v.fract().abs() > 1e-9 {
        return String::new();
    }
    // Ticks are whole periods 1..=12, so the cast is exact.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let k = v.round() as usize;
    match periods {
        Periods::Months => periods.name(k).chars().take(3).collect(),
        Periods::Quarters => periods.label(k),
    }
}

fn frame<'a, 'b>(
    area: &'a Area<'b>,
    m: &Monitor,
    y: &Axis,
) -> Result<super::YearChart<'a, 'b>, ChartError> {
    let n = m.periods.count();
    let keys: Vec<f64> = (1..=n).map(|k| k as f64).collect();
    let periods = m.periods;
    let x_label = move |v: &f64| tick(periods, *v);
    super::across_chart(
        area,
        Scale::new(0.5, n as f64 + 0.5, keys),
        &x_label,
        y,
        (28, 84),
    )
}

fn monthly(area: &Area<'_>, m: &Monitor) -> Result<(), ChartError> {
    let p = &m.pool_periods;
    // A forecast period's spend: the step of the cumulative forecast.
    let forecast: Vec<(usize, Decimal)> = p
        .windows(2)
        .enumerate()
        .filter_map(|(k, w)| match (w.first(), w.get(1)) {
            (Some(a), Some(b)) => match (a.cumulative_forecast, b.cumulative_forecast) {
                (Some(x), Some(y)) => Some((k + 1, y.checked_sub(x).unwrap_or_default())),
                _ => None,
            },
            _ => None,
        })
        .collect();
    let mut all: Vec<Decimal> = Vec::new();
    for pl in p {
        all.push(axis::millions(pl.budget));
        all.extend(pl.actual.map(axis::millions));
    }
    all.extend(forecast.iter().map(|f| axis::millions(f.1)));
    // Not from zero: a month's spend differs from its budget by a few
    // per cent, which an axis from zero would flatten.
    let low = all.iter().copied().min().unwrap_or_default();
    let high = all.iter().copied().max().unwrap_or_default();
    let y = Axis::between(low, high, Unit::Millions);
    let noun = m.periods.one();
    let area = panel_title(
        area,
        &format!("The pool's spend by {noun} against its budget"),
        None,
    )?;
    let mut chart = frame(&area, m, &y)?;
    let at = |k: usize, v: Decimal| (k as f64 + 1.0, axis::to_f64(axis::millions(v)));
    let budget: Vec<(f64, f64)> = p
        .iter()
        .enumerate()
        .map(|(k, pl)| at(k, pl.budget))
        .collect();
    chart.draw_series(DashedLineSeries::new(budget, 7, 5, GUIDE.stroke_width(2)))?;
    let last_actual = p
        .iter()
        .enumerate()
        .rev()
        .find_map(|(k, pl)| pl.actual.map(|v| at(k, v)));
    let ahead: Vec<(f64, f64)> = last_actual
        .into_iter()
        .chain(forecast.iter().map(|&(k, v)| at(k, v)))
        .collect();
    chart.draw_series(DashedLineSeries::new(ahead, 7, 5, BLUE.stroke_width(2)))?;
    let actual: Vec<(f64, f64)> = p
        .iter()
        .enumerate()
        .filter_map(|(k, pl)| pl.actual.map(|v| at(k, v)))
        .collect();
    chart.draw_series(LineSeries::new(actual, INK.stroke_width(2)).point_size(3))?;
    Ok(())
}

fn cumulative(area: &Area<'_>, m: &Monitor) -> Result<(), ChartError> {
    let p = &m.pool_periods;
    let gap = |a: Decimal, b: Decimal| axis::millions(a.checked_sub(b).unwrap_or_default());
    let actual: Vec<(usize, Decimal)> = p
        .iter()
        .enumerate()
        .filter_map(|(k, pl)| {
            pl.cumulative_actual
                .map(|a| (k, gap(a, pl.cumulative_budget)))
        })
        .collect();
    let forecast: Vec<(usize, Decimal)> = p
        .iter()
        .enumerate()
        .filter_map(|(k, pl)| {
            pl.cumulative_forecast
                .map(|f| (k, gap(f, pl.cumulative_budget)))
        })
        .collect();
    let mut all: Vec<Decimal> = vec![Decimal::ZERO];
    all.extend(actual.iter().map(|g| g.1));
    all.extend(forecast.iter().map(|g| g.1));
    let y = Axis::covering(all, Unit::Millions);
    let area = panel_title(
        area,
        &format!(
            "Variance to date (actual less budget), and the forecast to year end: {}",
            signed(m.pool.forecast_variance)
        ),
        None,
    )?;
    let mut chart = frame(&area, m, &y)?;
    let n = m.periods.count() as f64;
    chart.draw_series(LineSeries::new(
        [(0.5, 0.0), (n + 0.5, 0.0)],
        GUIDE.stroke_width(1),
    ))?;
    chart.draw_series(actual.iter().map(|&(k, v)| {
        let x = k as f64 + 1.0;
        let value = axis::to_f64(v);
        let colour = if value > 0.0 {
            ORANGE
        } else {
            style::tint(BLUE, 0.6)
        };
        Rectangle::new(corners((x - 0.3, 0.0), (x + 0.3, value)), colour.filled())
    }))?;
    let path: Vec<(f64, f64)> = forecast
        .iter()
        .map(|&(k, v)| (k as f64 + 1.0, axis::to_f64(v)))
        .collect();
    chart.draw_series(DashedLineSeries::new(path, 7, 5, BLUE.stroke_width(2)))?;
    Ok(())
}
