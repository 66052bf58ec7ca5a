//! The tail chart: what drives NPV's worst (or best) draws, as
//! `pool-model sensitivity --tail` finds it. One bar an input, how far
//! its mean in the tail's draws moves from its mean in every draw, in its
//! own standard deviations; the largest move on top.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use rust_decimal::Decimal;

use super::axis::{self, Axis, Unit};
use super::style::{self, BLUE, INK, MUTED, ORANGE};
use super::{
    ChartError, Heading, Swatch, corners, key, key_height, render, row_chart, shorten_middle,
};
use crate::report::numbers::{found_for_people, millions, round};
use crate::scenario::Scenario;
use crate::scenario::values::Kind;
use crate::uncertainty::tail::Tail;

/// Bars drawn at most; `pool-model sensitivity --tail` lists the rest.
pub const MAX_BARS: usize = 15;
/// Height of one bar's row.
const ROW: u32 = 40;
/// Characters of an input's name shown left of its bar.
const NAME: usize = 58;
/// Width of the names left of the bars.
const NAMES: u32 = 420;
/// Width of the means right of the bars.
const MEANS: u32 = 170;

/// Draws the tail chart.
pub fn chart(s: &Scenario, t: &Tail) -> Result<String, ChartError> {
    if t.drivers.is_empty() {
        return Err(ChartError::Nothing {
            message: format!(
                "scenario `{}` has no ranged values: every draw is the central case",
                s.name
            ),
            help: "give a value as a range, e.g. rate = \"2% to 4%\"".into(),
        });
    }
    let shown: Vec<_> = t.drivers.iter().take(MAX_BARS).collect();
    let n = shown.len();
    let more = t.drivers.len() - n;
    let p = t.of.0;
    let (side, worst) = if t.of.lower() {
        ("at or below", "worst")
    } else {
        ("at or above", "best")
    };
    let subtitle = format!(
        "The {} of {} Monte Carlo draws whose NPV is {side} its p{p} ({}; {} on average, against {} in all): how far each input's mean in them moves from its mean in every draw, in its own standard deviations{}.",
        crate::report::numbers::count(Decimal::from(t.in_tail)),
        crate::report::numbers::count(Decimal::from(t.draws)),
        millions(t.threshold),
        millions(t.npv_tail_mean),
        millions(t.npv_mean),
        if more > 0 {
            format!(". {more} smaller not shown: see `pool-model sensitivity --tail p{p}`")
        } else {
            String::new()
        }
    );
    let heading = Heading::new(
        &format!("{}: what drives the {worst} outcomes", s.name),
        &subtitle,
    );
    let height = heading.height() + 120 + ROW * u32::try_from(n).unwrap_or(1);
    let largest = shown
        .iter()
        .map(|d| d.shift.abs())
        .max()
        .unwrap_or(Decimal::ONE)
        .max(Decimal::new(1, 1));
    let x = Axis::between(-largest, largest, Unit::Plain);

    render(height, |root| {
        let body = heading.draw(root)?;
        let items = vec![
            (Swatch::Block(BLUE), format!("Lower in the {worst} draws")),
            (
                Swatch::Block(ORANGE),
                format!("Higher in the {worst} draws"),
            ),
        ];
        let rows = key(&body, &items, (24, 10))?;
        let body = body.split_vertically(key_height(rows)).1;
        let top = n as f64;
        let mut chart = row_chart(
            &body,
            &x,
            n,
            (NAMES, 40 + MEANS),
            "Move of the mean, in standard deviations of the input",
        )?;
        let left = chart.backend_coord(&(x.low, 0.0)).0;
        let right = i32::try_from(super::WIDTH).unwrap_or(i32::MAX) - 16;
        let (_, header) = chart.backend_coord(&(0.0, top));
        root.draw(&Text::new(
            "Mean: every draw → tail",
            (right, header - 10),
            style::anchored(style::SMALL, HPos::Right, VPos::Bottom).color(&MUTED),
        ))?;
        for (i, d) in shown.iter().enumerate() {
            let y0 = top - i as f64 - 0.78;
            let y1 = top - i as f64 - 0.22;
            let v = axis::to_f64(d.shift);
            let colour = if d.shift < Decimal::ZERO {
                BLUE
            } else {
                ORANGE
            };
            if chart.backend_coord(&(v, y0)).0 != chart.backend_coord(&(0.0, y0)).0 {
                chart.draw_series(std::iter::once(Rectangle::new(
                    corners((0.0, y0), (v, y1)),
                    colour.filled(),
                )))?;
            }
            let (px, py) = chart.backend_coord(&(v, (y0 + y1) / 2.0));
            let (anchor, dx) = if v < 0.0 {
                (HPos::Right, -4)
            } else {
                (HPos::Left, 4)
            };
            let shift = round(d.shift, 2);
            root.draw(&Text::new(
                if shift > Decimal::ZERO {
                    format!("+{shift}")
                } else {
                    shift.to_string()
                },
                (px + dx, py),
                style::anchored(style::SMALL, anchor, VPos::Center),
            ))?;
            let kind = s.param(d.param).map_or(Kind::Number, |p| p.kind);
            root.draw(&Text::new(
                shorten_middle(&d.label, NAME),
                (left - 10, py),
                style::anchored(style::SMALL, HPos::Right, VPos::Center),
            ))?;
            root.draw(&Text::new(
                format!(
                    "{} → {}",
                    found_for_people(d.mean, kind),
                    found_for_people(d.tail_mean, kind)
                ),
                (right, py),
                style::anchored(style::SMALL, HPos::Right, VPos::Center).color(&MUTED),
            ))?;
        }
        chart.draw_series(LineSeries::new(
            [(0.0, 0.0), (0.0, top)],
            INK.stroke_width(2),
        ))?;
        Ok(())
    })
}
