//! The options chart (`appraise -o x.svg`, `chart --kind options FILE...`):
//! each option's NPV as a bar from zero, its Monte Carlo range (the lowest
//! to the highest percentile) as a whisker and its expected NPV as a ring,
//! in the order given.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use rust_decimal::Decimal;

use super::axis::{self, Axis, Unit};
use super::style::{self, BLUE, INK, MUTED, ORANGE};
use super::{
    ChartError, Heading, Swatch, corners, key, key_height, render, row_chart, shorten_middle,
};
use crate::metric::Metric;
use crate::report::numbers::{appraisal_basis, chance, millions};
use crate::shortlist::Shortlist;

/// Height of one option's row.
const ROW: u32 = 56;
/// Characters of an option's name shown left of its bar.
const NAME: usize = 46;
/// Width of the names left of the bars.
const NAMES: u32 = 340;
/// Width of the ranges written right of the bars.
const RANGES: u32 = 190;

/// Draws the options chart.
pub fn chart(list: &Shortlist) -> Result<String, ChartError> {
    let Some(first) = list.options.first() else {
        return Err(ChartError::Nothing {
            message: "no options to draw".into(),
            help: "give the options' scenario files, business as usual first".into(),
        });
    };
    let n = list.options.len();
    let unlike = (0..n).any(|i| !list.comparable(i));
    let subtitle = format!(
        "NPV ({}), each option against its own counterfactual: central case as a bar, the Monte Carlo range as a whisker, the expected NPV as a ring.{}",
        appraisal_basis(&first.scenario),
        if unlike {
            " Options marked \"not comparable\" have another counterfactual, discounting or deflator than option 1."
        } else {
            ""
        }
    );
    let heading = Heading::new("Options appraisal: NPV of each option", &subtitle);
    let height = heading.height() + 130 + ROW * u32::try_from(n).unwrap_or(1);

    // Every figure drawn, and zero: the bars start there.
    let mut all = vec![Decimal::ZERO];
    for o in &list.options {
        all.push(axis::millions(o.central.npv));
        if let Some(r) = &o.ranges {
            for &p in &r.percentiles {
                all.extend(r.value(Metric::Npv, 0, p).map(axis::millions));
            }
            all.extend(r.mean(Metric::Npv, 0).map(axis::millions));
        }
    }
    let lowest = all.iter().copied().min().unwrap_or_default();
    let highest = all.iter().copied().max().unwrap_or_default();
    let pad = (highest - lowest) / Decimal::from(8);
    let x = Axis::between(
        if lowest < Decimal::ZERO {
            lowest - pad
        } else {
            lowest
        },
        highest + pad,
        Unit::Millions,
    );

    render(height, |root| {
        let body = heading.draw(root)?;
        let items = [
            (Swatch::Block(BLUE), "NPV, central case".to_string()),
            (
                Swatch::Line(INK),
                "Monte Carlo range (lowest to highest percentile)".to_string(),
            ),
            (
                Swatch::Line(ORANGE),
                "Expected NPV (mean of the draws)".to_string(),
            ),
        ];
        let rows = key(&body, &items, (24, 10))?;
        let body = body.split_vertically(key_height(rows)).1;
        let top = n as f64;
        let mut chart = row_chart(&body, &x, n, (NAMES, 24 + RANGES), "NPV")?;
        let left = chart.backend_coord(&(x.low, 0.0)).0;
        let right = i32::try_from(super::WIDTH).unwrap_or(i32::MAX) - 16;
        for (i, o) in list.options.iter().enumerate() {
            let y0 = top - i as f64 - 0.72;
            let y1 = top - i as f64 - 0.28;
            let mid = (y0 + y1) / 2.0;
            let npv = axis::to_f64(axis::millions(o.central.npv));
            if chart.backend_coord(&(npv, y0)).0 != chart.backend_coord(&(0.0, y0)).0 {
                chart.draw_series(std::iter::once(Rectangle::new(
                    corners((0.0, y0), (npv, y1)),
                    BLUE.filled(),
                )))?;
            }
            let (px, py) = chart.backend_coord(&(npv, y1));
            let (anchor, dx) = if npv < 0.0 {
                (HPos::Right, -4)
            } else {
                (HPos::Left, 4)
            };
            root.draw(&Text::new(
                millions(o.central.npv),
                (px + dx, py - 8),
                style::anchored(style::SMALL, anchor, VPos::Center),
            ))?;
            // The range and the mean, when Monte Carlo ran.
            let mut range_text = "no ranges".to_string();
            if let Some(r) = &o.ranges {
                let (lo, hi) = (
                    r.percentiles.first().copied().unwrap_or(10),
                    r.percentiles.last().copied().unwrap_or(90),
                );
                if let (Some(a), Some(b)) =
                    (r.value(Metric::Npv, 0, lo), r.value(Metric::Npv, 0, hi))
                {
                    let (a, b) = (
                        axis::to_f64(axis::millions(a)),
                        axis::to_f64(axis::millions(b)),
                    );
                    // A range of nothing (no value moves NPV) has no whisker.
                    let ends = if a < b { vec![a, b] } else { Vec::new() };
                    if a < b {
                        chart.draw_series(LineSeries::new(
                            [(a, mid), (b, mid)],
                            INK.stroke_width(2),
                        ))?;
                    }
                    for end in ends {
                        chart.draw_series(LineSeries::new(
                            [(end, mid - 0.12), (end, mid + 0.12)],
                            INK.stroke_width(2),
                        ))?;
                    }
                    range_text = format!(
                        "p{lo} {} to p{hi} {}",
                        millions(r.value(Metric::Npv, 0, lo).unwrap_or_default()),
                        millions(r.value(Metric::Npv, 0, hi).unwrap_or_default())
                    );
                }
                if let Some(mean) = r.mean(Metric::Npv, 0) {
                    let at = chart.backend_coord(&(axis::to_f64(axis::millions(mean)), mid));
                    root.draw(&Circle::new(at, 6, ORANGE.stroke_width(3)))?;
                }
                if let Some(loss) = r.below_zero(Metric::Npv, 0) {
                    range_text = format!("{range_text}; {} chance < 0", chance(loss));
                }
            }
            let (_, row_y) = chart.backend_coord(&(0.0, mid));
            root.draw(&Text::new(
                shorten_middle(&format!("{}. {}", i + 1, o.scenario.name), NAME),
                (left - 10, row_y - 8),
                style::anchored(style::SMALL, HPos::Right, VPos::Center),
            ))?;
            let note = if list.comparable(i) {
                shorten_middle(&o.file, NAME)
            } else {
                format!("{} (not comparable)", shorten_middle(&o.file, NAME - 17))
            };
            root.draw(&Text::new(
                note,
                (left - 10, row_y + 8),
                style::anchored(style::SMALL, HPos::Right, VPos::Center).color(&MUTED),
            ))?;
            root.draw(&Text::new(
                range_text,
                (right, row_y),
                style::anchored(style::SMALL, HPos::Right, VPos::Center).color(&MUTED),
            ))?;
        }
        if x.low < 0.0 {
            chart.draw_series(LineSeries::new(
                [(0.0, 0.0), (0.0, top)],
                INK.stroke_width(1),
            ))?;
        }
        Ok(())
    })
}
