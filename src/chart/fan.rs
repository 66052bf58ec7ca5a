//! The fan chart: net savings by year, the exact central line over shaded
//! Monte Carlo percentile bands; cumulative net savings in a second panel.

use plotters::prelude::*;
use rust_decimal::Decimal;

use super::axis::{self, Axis, Scale, Unit};
use super::style::{self, BLUE, GUIDE, INK};
use super::{
    Area, ChartError, Heading, Swatch, key, key_height, panel_title, render, year_chart, year_ticks,
};
use crate::engine::Projection;
use crate::metric::Metric;
use crate::report::numbers::{count, millions};
use crate::scenario::Scenario;
use crate::uncertainty::Ranges;

/// Height of each of the two panels.
const PANEL: u32 = 320;

/// Draws the fan chart of a projection and its ranges (`None`: the
/// central line alone).
pub fn chart(s: &Scenario, p: &Projection, r: Option<&Ranges>) -> Result<String, ChartError> {
    // Without ranged values every percentile is the central case: no bands.
    let r = r.filter(|_| s.has_ranges());
    let subtitle = match r {
        Some(r) => format!(
            "Central case exact; shading: Monte Carlo percentiles of {} draws (seed {}). £m, cash terms.",
            count(Decimal::from(r.draws)),
            r.seed
        ),
        None => "Central case, exact: the scenario has no ranged values, so there is no spread to shade. £m, cash terms.".to_string(),
    };
    let heading = Heading::new(&format!("{}: net savings", s.name), &subtitle);
    let (pairs, middle) = r.map_or((Vec::new(), None), |r| bands(&r.percentiles));
    let draws = count(Decimal::from(r.map_or(0, |r| r.draws)));
    let mut items: Vec<(Swatch, String)> = pairs
        .iter()
        .enumerate()
        .map(|(k, (lo, hi))| {
            (
                Swatch::Block(band_colour(k, pairs.len())),
                format!("p{lo}–p{hi} of {draws} draws"),
            )
        })
        .collect();
    if let Some(m) = middle {
        let name = if m == 50 {
            "Median (p50)".to_string()
        } else {
            format!("p{m}")
        };
        items.push((Swatch::Dashed(BLUE), name));
    }
    items.push((Swatch::Line(INK), "Central case (exact)".to_string()));
    render(heading.height() + 40 + 2 * PANEL, |root| {
        let body = heading.draw(root)?;
        let rows = key(&body, &items, (24, 10))?;
        let body = body.split_vertically(key_height(rows)).1;
        let (top, bottom) = body.split_vertically(PANEL);
        panel(&top, s, p, r, Metric::NetSavings)?;
        panel(&bottom, s, p, r, Metric::CumulativeNetSavings)?;
        Ok(())
    })
}

/// The fill of band `k` of `n`, outermost first: lighter outside.
fn band_colour(k: usize, n: usize) -> RGBColor {
    let n = n.max(1) as f64;
    style::tint(BLUE, 0.22 + 0.3 * (k as f64) / n)
}

/// The percentile bands, outermost first: the lowest percentile paired
/// with the highest, and inwards.
fn bands(percentiles: &[u8]) -> (Vec<(u8, u8)>, Option<u8>) {
    let mut pairs = Vec::new();
    let mut i = 0;
    let mut j = percentiles.len();
    while j > i + 1 {
        j -= 1;
        if let (Some(&lo), Some(&hi)) = (percentiles.get(i), percentiles.get(j)) {
            pairs.push((lo, hi));
        }
        i += 1;
    }
    let middle = if j == i + 1 {
        percentiles.get(i).copied()
    } else {
        None
    };
    (pairs, middle)
}

fn panel(
    area: &Area<'_>,
    s: &Scenario,
    p: &Projection,
    r: Option<&Ranges>,
    metric: Metric,
) -> Result<(), ChartError> {
    let years: Vec<usize> = (1..=s.horizon as usize).collect();
    let at = |t: usize| axis::millions(p.metric(metric, t).unwrap_or_default());
    let central: Vec<(f64, Decimal)> = years.iter().map(|&t| (t as f64, at(t))).collect();
    let ranges = r.filter(|r| r.has(metric));
    let percentile = |t: usize, q: u8| {
        ranges
            .and_then(|r| r.value(metric, t, q))
            .map(axis::millions)
            .unwrap_or_else(|| at(t))
    };
    let (pairs, middle) = ranges.map_or((Vec::new(), None), |r| bands(&r.percentiles));

    let mut all: Vec<Decimal> = central.iter().map(|c| c.1).collect();
    for &(lo, hi) in &pairs {
        for &t in &years {
            all.push(percentile(t, lo));
            all.push(percentile(t, hi));
        }
    }
    let y = Axis::covering(all, Unit::Millions);
    let last = s.year(s.horizon);
    let caption = match metric {
        Metric::CumulativeNetSavings => {
            let total = p
                .years
                .last()
                .map_or(Decimal::ZERO, |y| y.cumulative_net_savings);
            let spread = match (pairs.first(), ranges) {
                (Some(&(lo, hi)), Some(r)) => {
                    let h = s.horizon as usize;
                    match (r.value(metric, h, lo), r.value(metric, h, hi)) {
                        (Some(a), Some(b)) => {
                            format!(" (p{lo} {}, p{hi} {})", millions(a), millions(b))
                        }
                        _ => String::new(),
                    }
                }
                _ => String::new(),
            };
            format!(
                "Cumulative net savings: {} by {last}{spread}",
                millions(total)
            )
        }
        _ => "Net savings by year (savings less costs)".to_string(),
    };

    let h = f64::from(s.horizon);
    let area = panel_title(area, &caption, None)?;
    let mut chart = year_chart(
        &area,
        s,
        Scale::new(0.5, h + 0.5, year_ticks(1, s.horizon, 10)),
        &y,
        (28, 84),
    )?;

    for (k, &(lo, hi)) in pairs.iter().enumerate() {
        let fill = band_colour(k, pairs.len());
        let mut outline: Vec<(f64, f64)> = years
            .iter()
            .map(|&t| (t as f64, axis::to_f64(percentile(t, hi))))
            .collect();
        outline.extend(
            years
                .iter()
                .rev()
                .map(|&t| (t as f64, axis::to_f64(percentile(t, lo)))),
        );
        chart.draw_series(std::iter::once(Polygon::new(outline, fill.filled())))?;
    }
    if y.low < 0.0 && y.high > 0.0 {
        chart.draw_series(LineSeries::new(
            [(0.5, 0.0), (h + 0.5, 0.0)],
            GUIDE.stroke_width(1),
        ))?;
    }
    if let Some(m) = middle {
        let line: Vec<(f64, f64)> = years
            .iter()
            .map(|&t| (t as f64, axis::to_f64(percentile(t, m))))
            .collect();
        chart.draw_series(DashedLineSeries::new(line, 7, 5, BLUE.stroke_width(2)))?;
    }
    let points: Vec<(f64, f64)> = central.iter().map(|&(t, v)| (t, axis::to_f64(v))).collect();
    chart.draw_series(LineSeries::new(points, INK.stroke_width(2)).point_size(3))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::bands;

    #[test]
    fn percentiles_pair_outside_in() {
        assert_eq!(bands(&[10, 50, 90]), (vec![(10, 90)], Some(50)));
        assert_eq!(
            bands(&[5, 25, 50, 75, 95]),
            (vec![(5, 95), (25, 75)], Some(50))
        );
        assert_eq!(bands(&[10, 90]), (vec![(10, 90)], None));
        assert_eq!(bands(&[50]), (vec![], Some(50)));
        assert_eq!(bands(&[]), (vec![], None));
    }
}
