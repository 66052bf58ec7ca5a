//! The partners chart: each partner's net contribution to the pool by year
//! (contribution less its share of savings plus its share of overspends),
//! stacked, baseline year included.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use rust_decimal::Decimal;

use super::axis::{self, Axis, Scale, Unit};
use super::style::{self, GUIDE};
use super::{
    ChartError, Heading, Swatch, corners, key, key_height, render, total, year_chart, year_ticks,
};
use crate::engine::Projection;
use crate::report::numbers::millions;
use crate::scenario::Scenario;

/// Height of the chart below its heading.
const PLOT: u32 = 520;
/// Totals are printed over the bars up to this many years.
const TOTALS_UP_TO: u32 = 12;

/// Draws the partners chart.
pub fn chart(s: &Scenario, p: &Projection) -> Result<String, ChartError> {
    let years = s.horizon as usize + 1;
    let at = |i: usize, t: usize| {
        p.partners
            .get(i)
            .and_then(|x| x.years.get(t))
            .map_or(Decimal::ZERO, |y| y.net_contribution)
    };
    // Each year's stack, in £m: every partner's segment, the top and bottom.
    let stacks: Vec<Stack> = (0..years)
        .map(|t| {
            let values: Vec<Decimal> = (0..s.partners.len())
                .map(|i| axis::millions(at(i, t)))
                .collect();
            stack(&values)
        })
        .collect();
    let extents = stacks.iter().flat_map(|k| [k.top, k.bottom]);
    let y = Axis::covering(extents, Unit::Millions);
    let subtitle = format!(
        "Contribution less share of savings plus share of overspends, {} to {} (central case). £m, cash terms.",
        s.year(0),
        s.year(s.horizon)
    );
    let heading = Heading::new(
        &format!("{}: net contribution by partner", s.name),
        &subtitle,
    );
    render(heading.height() + PLOT, |root| {
        let body = heading.draw(root)?;
        let items: Vec<_> = s
            .partners
            .iter()
            .enumerate()
            .map(|(i, partner)| (Swatch::Block(style::colour(i)), partner.name.clone()))
            .collect();
        // The key first, at the top, so it never covers a bar.
        let rows = key(&body, &items, (24, 12))?;
        let body = body.split_vertically(key_height(rows)).1;
        let h = f64::from(s.horizon);
        let mut chart = year_chart(
            &body,
            s,
            Scale::new(-0.5, h + 0.5, year_ticks(0, s.horizon, 10)),
            &y,
            (28, 84),
        )?;

        let half = 0.32;
        for i in 0..s.partners.len() {
            let colour = style::colour(i);
            let mut bars: Vec<[(f64, f64); 2]> = stacks
                .iter()
                .enumerate()
                .filter_map(|(t, k)| {
                    let (from, to) = k.segments.get(i)?;
                    let x = t as f64;
                    Some(corners(
                        (x - half, axis::to_f64(*from)),
                        (x + half, axis::to_f64(*to)),
                    ))
                })
                .collect();
            // A segment under a pixel is left out (SVG wants height > 0).
            bars.retain(|[a, b]| chart.backend_coord(a).1 != chart.backend_coord(b).1);
            chart.draw_series(
                bars.iter()
                    .map(|&corners| Rectangle::new(corners, colour.filled())),
            )?;
            // A white edge between stacked segments.
            chart.draw_series(
                bars.iter()
                    .map(|&corners| Rectangle::new(corners, WHITE.stroke_width(1))),
            )?;
        }
        if y.low < 0.0 {
            chart.draw_series(LineSeries::new(
                [(-0.5, 0.0), (h + 0.5, 0.0)],
                GUIDE.stroke_width(1),
            ))?;
        }
        if s.horizon <= TOTALS_UP_TO {
            for (t, k) in stacks.iter().enumerate() {
                let total = total((0..s.partners.len()).map(|i| at(i, t)));
                let (px, py) = chart.backend_coord(&(t as f64, axis::to_f64(k.top)));
                root.draw(&Text::new(
                    millions(total),
                    (px, py - 4),
                    style::anchored(style::SMALL, HPos::Center, VPos::Bottom),
                ))?;
            }
        }
        Ok(())
    })
}

/// One year's bars stacked: positives upwards from zero, negatives
/// downwards, in partner order.
struct Stack {
    /// Each value's (from, to).
    segments: Vec<(Decimal, Decimal)>,
    top: Decimal,
    bottom: Decimal,
}

fn stack(values: &[Decimal]) -> Stack {
    let (mut top, mut bottom) = (Decimal::ZERO, Decimal::ZERO);
    let segments = values
        .iter()
        .map(|&v| {
            let end = if v >= Decimal::ZERO {
                &mut top
            } else {
                &mut bottom
            };
            let from = *end;
            *end = from.saturating_add(v);
            (from, *end)
        })
        .collect();
    Stack {
        segments,
        top,
        bottom,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positives_stack_up_and_negatives_down() {
        let d = Decimal::from;
        let k = stack(&[d(3), d(-1), d(2), d(-4)]);
        assert_eq!(
            k.segments,
            vec![(d(0), d(3)), (d(0), d(-1)), (d(3), d(5)), (d(-1), d(-5))]
        );
        assert_eq!((k.top, k.bottom), (d(5), d(-5)));
    }
}
