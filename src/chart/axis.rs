//! Value axes: "nice" ticks (1, 2 or 5 times a power of ten) chosen in
//! exact decimals, and their labels in £m or per cent.
//!
//! Plotters would choose ticks itself with `log10` and `powf`, whose last
//! bit may differ between platforms' maths libraries; choosing them here
//! keeps the SVG the same bytes everywhere.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::report::numbers::{fixed, group};

/// How a value axis labels its ticks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// Values in £m: `£20m`, `-£2.5m`.
    Millions,
    /// Values in per cent: `45%`.
    Percent,
    /// Plain numbers: `-0.5`.
    Plain,
}

/// A value axis: its range and labelled ticks.
#[derive(Clone, Debug, PartialEq)]
pub struct Axis {
    pub low: f64,
    pub high: f64,
    /// (position, label), ascending.
    pub ticks: Vec<(f64, String)>,
}

impl Axis {
    /// An axis covering `values` (and zero), with about six ticks.
    pub fn covering(values: impl IntoIterator<Item = Decimal>, unit: Unit) -> Axis {
        let mut low = Decimal::ZERO;
        let mut high = Decimal::ZERO;
        for v in values {
            low = low.min(v);
            high = high.max(v);
        }
        Axis::between(low, high, unit)
    }

    /// An axis from `low` to `high` (widened to whole ticks).
    pub fn between(low: Decimal, high: Decimal, unit: Unit) -> Axis {
        let span = high.checked_sub(low).unwrap_or(Decimal::MAX);
        let step = nice_step(if span.is_zero() {
            Decimal::ONE
        } else {
            span / Decimal::from(6)
        });
        let first = (low / step).floor();
        let mut last = (high / step).ceil();
        if last <= first {
            last = first + Decimal::ONE;
        }
        let mut ticks = Vec::new();
        let mut k = first;
        while k <= last && ticks.len() < 20 {
            let value = k * step;
            ticks.push((to_f64(value), label(value, step, unit)));
            k += Decimal::ONE;
        }
        Axis {
            low: to_f64(first * step),
            high: to_f64(last * step),
            ticks,
        }
    }

    /// The positions of the ticks, for plotters' key points.
    pub fn positions(&self) -> Vec<f64> {
        self.ticks.iter().map(|(v, _)| *v).collect()
    }

    /// The label of the tick nearest `value`.
    pub fn label(&self, value: f64) -> String {
        self.ticks
            .iter()
            .min_by(|a, b| (a.0 - value).abs().total_cmp(&(b.0 - value).abs()))
            .map(|(_, l)| l.clone())
            .unwrap_or_default()
    }
}

/// The smallest of 1, 2 or 5 times a power of ten that is at least `raw`.
pub fn nice_step(raw: Decimal) -> Decimal {
    let raw = raw.abs().max(Decimal::new(1, 6));
    let ten = Decimal::TEN;
    let mut power = Decimal::ONE;
    // Bounded: Decimal spans 10^-28..10^28.
    for _ in 0..60 {
        match power.checked_mul(ten) {
            Some(next) if next <= raw => power = next,
            _ if power > raw => power /= ten,
            _ => break,
        }
    }
    for m in [1, 2, 5, 10] {
        match power.checked_mul(Decimal::from(m)) {
            Some(step) if step >= raw => return step,
            Some(_) => {}
            None => return power,
        }
    }
    power
}

/// A tick label, to as many places as the step needs.
pub fn label(value: Decimal, step: Decimal, unit: Unit) -> String {
    let dp = step.normalize().scale();
    let v = value.round_dp(dp).normalize();
    let magnitude = group(&fixed(v.abs(), dp));
    let sign = if v.is_sign_negative() && !v.is_zero() {
        "-"
    } else {
        ""
    };
    match unit {
        Unit::Millions => format!("{sign}£{magnitude}m"),
        Unit::Percent => format!("{sign}{magnitude}%"),
        Unit::Plain => format!("{sign}{magnitude}"),
    }
}

/// Pounds as £m for plotting.
pub fn millions(pounds: Decimal) -> Decimal {
    pounds / Decimal::from(1_000_000)
}

/// A decimal as a plotting coordinate (display only: never money).
pub fn to_f64(value: Decimal) -> f64 {
    value.to_f64().unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn dec(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    #[test]
    fn steps_are_one_two_or_five() {
        assert_eq!(nice_step(dec("0.7")), dec("1"));
        assert_eq!(nice_step(dec("1.2")), dec("2"));
        assert_eq!(nice_step(dec("3")), dec("5"));
        assert_eq!(nice_step(dec("6")), dec("10"));
        assert_eq!(nice_step(dec("0.03")), dec("0.05"));
        assert_eq!(nice_step(dec("1400")), dec("2000"));
    }

    #[test]
    fn axis_covers_zero_and_labels_in_millions() {
        let a = Axis::covering([dec("3.2"), dec("18.9")], Unit::Millions);
        assert_eq!(a.low, 0.0);
        assert_eq!(a.high, 20.0);
        let labels: Vec<&str> = a.ticks.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(labels, ["£0m", "£5m", "£10m", "£15m", "£20m"]);
        let b = Axis::covering([dec("-2.7"), dec("0.4")], Unit::Millions);
        assert_eq!(b.ticks.first().map(|t| t.1.as_str()), Some("-£3m"));
        assert_eq!(b.label(0.0), "£0m");
        let small = Axis::covering([dec("0.3")], Unit::Millions);
        assert_eq!(small.label(0.1), "£0.10m");
    }

    #[test]
    fn flat_values_still_get_an_axis() {
        let a = Axis::covering([Decimal::ZERO], Unit::Percent);
        assert_eq!(a.ticks.len(), 2);
        assert!(a.high > a.low);
        let p = Axis::between(Decimal::ZERO, dec("100"), Unit::Percent);
        assert_eq!(p.label(40.0), "40%");
        let big = Axis::covering([dec("1351.7")], Unit::Millions);
        assert_eq!(big.label(1500.0), "£1,500m");
    }
}

/// A linear coordinate from `low` to `high` whose grid lines and labels
/// fall exactly on `keys`: plotters' own `f64` coordinate would choose its
/// ticks itself.
#[derive(Clone, Debug, PartialEq)]
pub struct Scale {
    pub low: f64,
    pub high: f64,
    pub keys: Vec<f64>,
}

impl Scale {
    pub fn new(low: f64, high: f64, keys: Vec<f64>) -> Scale {
        Scale { low, high, keys }
    }

    /// The scale of a value axis.
    pub fn of(axis: &Axis) -> Scale {
        Scale::new(axis.low, axis.high, axis.positions())
    }
}

impl plotters::coord::ranged1d::Ranged for Scale {
    type FormatOption = plotters::coord::ranged1d::DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let span = self.high - self.low;
        let pixels = limit.1 - limit.0;
        if span == 0.0 || !span.is_finite() {
            return limit.0 + pixels / 2;
        }
        let at = (value - self.low) / span * f64::from(pixels);
        // Clamped far outside the canvas, so the cast cannot wrap.
        #[allow(clippy::cast_possible_truncation)]
        let offset = (at + 1e-3).floor().clamp(-1e6, 1e6) as i32;
        limit.0 + offset
    }

    fn key_points<Hint: plotters::coord::ranged1d::KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.keys.clone()
        }
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.low..self.high
    }
}
