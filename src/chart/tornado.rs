//! The tornado chart: the swings of `pool-model sensitivity` as bars, each
//! ranged value alone at its low and high end, largest NPV swing on top.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use rust_decimal::Decimal;

use super::axis::{self, Axis, Unit};
use super::style::{self, BLUE, INK, MUTED, ORANGE};
use super::{
    ChartError, Heading, Swatch, corners, key, key_height, render, row_chart, shorten_middle,
};
use crate::report::numbers::{appraisal_basis, found_for_people, input_for_people, millions};
use crate::scenario::Scenario;
use crate::scenario::values::Kind;
use crate::uncertainty::sensitivity::Tornado;

/// Bars drawn at most; `pool-model sensitivity` lists the rest.
pub const MAX_BARS: usize = 15;
/// Height of one bar's row.
const ROW: u32 = 40;
/// Characters of a value's name shown left of its bar.
const NAME: usize = 58;
/// Width of the names left of the bars.
const NAMES: u32 = 420;
/// Width of the switching values right of the bars.
const SWITCHING: u32 = 130;

/// Draws the tornado chart.
pub fn chart(s: &Scenario, t: &Tornado) -> Result<String, ChartError> {
    chart_of(s, t, MAX_BARS)
}

/// Draws the tornado chart of the `most` largest swings (the board report
/// draws fewer than `chart`).
pub fn chart_of(s: &Scenario, t: &Tornado, most: usize) -> Result<String, ChartError> {
    if t.bars.is_empty() {
        return Err(ChartError::Nothing {
            message: format!(
                "scenario `{}` has no ranged values: there is nothing to vary",
                s.name
            ),
            help: "give a value as a range, e.g. rate = { low = \"2%\", central = \"3%\", high = \"4%\" }"
                .into(),
        });
    }
    let shown: Vec<_> = t.bars.iter().take(most).collect();
    let n = shown.len();
    let more = t.bars.len() - n;
    let subtitle = format!(
        "NPV {} ({}): each ranged value alone at the low and the high end of its range, the rest central; right, its switching value, where NPV is zero{}.",
        crate::report::numbers::years_projected(s),
        appraisal_basis(s),
        if more > 0 {
            format!(
                ". {more} smaller {} not shown: see `pool-model sensitivity`",
                if more == 1 { "swing" } else { "swings" }
            )
        } else {
            String::new()
        }
    );
    let heading = Heading::new(&format!("{}: what moves NPV most", s.name), &subtitle);
    let height = heading.height() + 120 + ROW * u32::try_from(n).unwrap_or(1);

    let central = axis::millions(t.central.npv);
    let mut all = vec![central];
    for bar in &shown {
        all.push(axis::millions(bar.at_low.npv));
        all.push(axis::millions(bar.at_high.npv));
    }
    let lowest = all.iter().copied().min().unwrap_or_default();
    let highest = all.iter().copied().max().unwrap_or_default();
    // Not from zero: a tornado is read against the central case. Padded so
    // the value labels at the bars' ends fit.
    let pad = (highest - lowest) / Decimal::from(4);
    let x = Axis::between(lowest - pad, highest + pad, Unit::Millions);

    render(height, |root| {
        let body = heading.draw(root)?;
        let mut items = vec![
            (
                Swatch::Block(BLUE),
                "Value at the low end of its range".to_string(),
            ),
            (
                Swatch::Block(ORANGE),
                "Value at the high end of its range".to_string(),
            ),
        ];
        let zero_shown = x.low < 0.0 && x.high > 0.0;
        if zero_shown {
            items.push((Swatch::Dashed(MUTED), "NPV = 0".to_string()));
        }
        let rows = key(&body, &items, (24, 10))?;
        let body = body.split_vertically(key_height(rows)).1;
        let top = n as f64;
        let desc = format!("NPV (central case {})", millions(t.central.npv));
        let mut chart = row_chart(&body, &x, n, (NAMES, 40 + SWITCHING), &desc)?;

        let c = axis::to_f64(central);
        let left = chart.backend_coord(&(x.low, 0.0)).0;
        let right = i32::try_from(super::WIDTH).unwrap_or(i32::MAX) - 16;
        // Where NPV is zero, if the bars reach near it.
        if zero_shown {
            chart.draw_series(DashedLineSeries::new(
                [(0.0, 0.0), (0.0, top)],
                5,
                4,
                MUTED.stroke_width(1),
            ))?;
        }
        let (_, header) = chart.backend_coord(&(c, top));
        root.draw(&Text::new(
            "Switching value",
            (right, header - 10),
            style::anchored(style::SMALL, HPos::Right, VPos::Bottom).color(&MUTED),
        ))?;
        for (i, bar) in shown.iter().enumerate() {
            let y0 = top - i as f64 - 0.78;
            let y1 = top - i as f64 - 0.22;
            for (outcome, colour) in [(bar.at_low.npv, BLUE), (bar.at_high.npv, ORANGE)] {
                let v = axis::to_f64(axis::millions(outcome));
                // A swing under a pixel has no bar (SVG wants width > 0).
                if chart.backend_coord(&(v, y0)).0 != chart.backend_coord(&(c, y0)).0 {
                    chart.draw_series(std::iter::once(Rectangle::new(
                        corners((c, y0), (v, y1)),
                        colour.filled(),
                    )))?;
                }
                let (px, py) = chart.backend_coord(&(v, (y0 + y1) / 2.0));
                let (anchor, dx) = if v < c {
                    (HPos::Right, -4)
                } else {
                    (HPos::Left, 4)
                };
                root.draw(&Text::new(
                    millions(outcome),
                    (px + dx, py),
                    style::anchored(style::SMALL, anchor, VPos::Center),
                ))?;
            }
            // The value's name, and its range under it.
            let kind = s.param(bar.param).map_or(Kind::Number, |p| p.kind);
            let (_, py) = chart.backend_coord(&(c, (y0 + y1) / 2.0));
            root.draw(&Text::new(
                shorten_middle(&bar.label, NAME),
                (left - 10, py - 8),
                style::anchored(style::SMALL, HPos::Right, VPos::Center),
            ))?;
            root.draw(&Text::new(
                format!(
                    "{} to {}",
                    input_for_people(bar.low, kind),
                    input_for_people(bar.high, kind)
                ),
                (left - 10, py + 8),
                style::anchored(style::SMALL, HPos::Right, VPos::Center).color(&MUTED),
            ))?;
            // Its switching value and how far that is from central.
            let (value, change) = match bar.switching {
                Some(v) => (
                    found_for_people(v.value, kind),
                    v.change.map_or(String::new(), |c| {
                        let p = format!(
                            "{}%",
                            crate::report::numbers::group(
                                &crate::report::numbers::round(c * Decimal::ONE_HUNDRED, 1)
                                    .to_string()
                            )
                        );
                        if c > Decimal::ZERO {
                            format!("+{p} from central")
                        } else {
                            format!("{p} from central")
                        }
                    }),
                ),
                None => ("none".to_string(), "NPV stays one side of 0".to_string()),
            };
            root.draw(&Text::new(
                value,
                (right, py - 8),
                style::anchored(style::SMALL, HPos::Right, VPos::Center),
            ))?;
            root.draw(&Text::new(
                change,
                (right, py + 8),
                style::anchored(style::SMALL, HPos::Right, VPos::Center).color(&MUTED),
            ))?;
        }
        chart.draw_series(LineSeries::new([(c, 0.0), (c, top)], INK.stroke_width(2)))?;
        Ok(())
    })
}
