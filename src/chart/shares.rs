//! The shares chart: for each service with a shift, each setting's share of
//! the service's spend by year, with the shift's target marked.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use rust_decimal::Decimal;

use super::axis::{self, Axis, Scale, Unit};
use super::style::{self, GUIDE, INK};
use super::{Area, ChartError, Heading, panel_title, render, shorten, year_chart, year_ticks};
use crate::engine::Projection;
use crate::report::numbers::percent_exact;
use crate::scenario::{Scenario, Values};

/// Height of each service's panel.
const PANEL: u32 = 380;
/// Room right of each panel for the settings' names.
const LABELS: u32 = 240;

/// Draws the shares chart: one panel per service with a shift.
pub fn chart(s: &Scenario, p: &Projection) -> Result<String, ChartError> {
    let shifted: Vec<usize> = s
        .services
        .iter()
        .enumerate()
        .filter(|(_, service)| service.shift.is_some())
        .map(|(i, _)| i)
        .collect();
    if shifted.is_empty() {
        return Err(ChartError::Nothing {
            message: format!(
                "scenario `{}` has no service with a shift: there are no shares to chart",
                s.name
            ),
            help: "add a [service.shift] table, or try --kind fan or --kind partners".into(),
        });
    }
    let panels = u32::try_from(shifted.len()).unwrap_or(u32::MAX);
    let subtitle = format!(
        "Each setting's share of its service's spend, {} to {} (central case). The ring marks the shift's target.",
        s.year(0),
        s.year(s.horizon)
    );
    let heading = Heading::new(&format!("{}: the shift of care", s.name), &subtitle);
    let height = heading
        .height()
        .saturating_add(PANEL.saturating_mul(panels));
    render(height, |root| {
        let body = heading.draw(root)?;
        let areas = body.split_evenly((shifted.len(), 1));
        for (area, &i) in areas.iter().zip(&shifted) {
            panel(root, area, s, p, i)?;
        }
        Ok(())
    })
}

fn panel(
    root: &Area<'_>,
    area: &Area<'_>,
    s: &Scenario,
    p: &Projection,
    i: usize,
) -> Result<(), ChartError> {
    let (Some(service), Some(projection)) = (s.services.get(i), p.services.get(i)) else {
        return Ok(());
    };
    let Some(shift) = &service.shift else {
        return Ok(());
    };
    let central = Values::central(s);
    let target = central.get(shift.target_share);
    let percent = |v: Decimal| v * Decimal::ONE_HUNDRED;
    let from = service.settings.get(shift.from);
    // "Learning disability: care closer to home" says the service already.
    let title = if shift
        .name
        .to_lowercase()
        .contains(&service.name.to_lowercase())
    {
        shift.name.clone()
    } else {
        format!("{}: {}", service.name, shift.name)
    };
    let note = format!(
        "Target: {} at {} of the service's spend by {}",
        from.map_or("", |k| k.name.as_str()),
        percent_exact(target),
        s.year(shift.by),
    );
    let mut values: Vec<Decimal> = vec![percent(target)];
    for year in &projection.years {
        values.extend(year.settings.iter().map(|k| percent(k.share)));
    }
    let top = values.iter().copied().max().unwrap_or(Decimal::ONE_HUNDRED);
    let y = Axis::between(Decimal::ZERO, top, Unit::Percent);
    let h = f64::from(s.horizon);

    let area = panel_title(area, &title, Some(&note))?;
    let mut chart = year_chart(
        &area,
        s,
        Scale::new(-0.25, h + 0.25, year_ticks(0, s.horizon, 8)),
        &y,
        (LABELS, 64),
    )?;

    // The target: a guide at its level and a ring at its year.
    let level = axis::to_f64(percent(target));
    let by = f64::from(shift.by);
    chart.draw_series(DashedLineSeries::new(
        [(-0.25, level), (h + 0.25, level)],
        2,
        4,
        GUIDE.stroke_width(1),
    ))?;
    chart.draw_series(std::iter::once(Circle::new(
        (by, level),
        7,
        INK.stroke_width(2),
    )))?;

    let mut ends = Vec::new();
    for (k, setting) in service.settings.iter().enumerate() {
        let points: Vec<(f64, f64)> = projection
            .years
            .iter()
            .enumerate()
            .map(|(t, year)| {
                let share = year.settings.get(k).map_or(Decimal::ZERO, |x| x.share);
                (t as f64, axis::to_f64(percent(share)))
            })
            .collect();
        let colour = style::line_colour(k);
        let line = colour.stroke_width(3);
        match style::dashes(k) {
            None => {
                chart.draw_series(LineSeries::new(points.clone(), line))?;
            }
            Some((dash, gap)) => {
                chart.draw_series(DashedLineSeries::new(points.clone(), dash, gap, line))?;
            }
        }
        let stride = (points.len() / 12).max(1);
        for &point in points.iter().step_by(stride) {
            style::marker(root, k, chart.backend_coord(&point), colour)?;
        }
        if let Some(&(t, v)) = points.last() {
            let last = projection
                .years
                .last()
                .and_then(|y| y.settings.get(k))
                .map_or(Decimal::ZERO, |x| x.share);
            ends.push((
                chart.backend_coord(&(t, v)),
                format!(
                    "{} {}",
                    shorten(&setting.name, 24),
                    crate::report::numbers::percent(last)
                ),
                colour,
                k,
            ));
        }
    }
    // Direct labels right of the lines, nudged apart so none overlap.
    ends.sort_by_key(|e| e.0.1);
    let mut floor = i32::MIN;
    for ((x, y), text, colour, k) in ends {
        let y = y.max(floor);
        floor = y + 16;
        root.draw(&PathElement::new(
            [(x + 6, y), (x + 22, y)],
            colour.stroke_width(3),
        ))?;
        style::marker(root, k, (x + 14, y), colour)?;
        root.draw(&Text::new(
            text,
            (x + 26, y),
            style::anchored(style::SMALL, HPos::Left, VPos::Center),
        ))?;
    }
    Ok(())
}
