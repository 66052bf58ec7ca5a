//! `--format csv`: tidy long data for R and pandas, one value per row.
//!
//! Header `year,metric,service,setting,partner,case,value`. Every metric of
//! SPEC 4.2 the scenario has (see [`crate::metric::catalogue`]), metrics in
//! catalogue order and years in order within each; money in pounds to 2 dp,
//! shares as fractions to 6 dp, people and staff to 2 dp. NPV rows have an
//! empty year. Written with the `csv` crate, so names with commas or quotes
//! are quoted properly.

use rust_decimal::Decimal;

use super::numbers::machine;
use super::{DiffReport, Printer, ProjectionReport, SensitivityReport};
use crate::engine::Projection;
use crate::metric::{Metric, catalogue};
use crate::scenario::Scenario;
use crate::uncertainty::{Ranges, standard_metrics};

pub const HEADER: [&str; 7] = [
    "year", "metric", "service", "setting", "partner", "case", "value",
];

/// The header of `diff --format csv`.
pub const DIFF_HEADER: [&str; 9] = [
    "year", "metric", "service", "setting", "partner", "case", "a", "b", "diff",
];

pub struct CsvPrinter;

impl Printer for CsvPrinter {
    fn projection(&self, r: &ProjectionReport<'_>) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        let _ = w.write_record(HEADER);
        for row in rows(r.scenario, r.central, "central") {
            let _ = w.write_record(&row);
        }
        if let Some(ranges) = r.ranges {
            for row in percentile_rows(r.scenario, r.central, ranges) {
                let _ = w.write_record(&row);
            }
        }
        finish(w)
    }

    /// One row per ranged value, largest swing first; `low` and `high` in
    /// the value's own unit (pounds, fraction or number).
    fn sensitivity(&self, r: &SensitivityReport<'_>) -> String {
        use crate::scenario::values::Kind;
        let mut w = csv::Writer::from_writer(Vec::new());
        let _ = w.write_record(SENSITIVITY_HEADER);
        for (i, bar) in r.tornado.bars.iter().enumerate() {
            let kind = r.scenario.param(bar.param).map_or(Kind::Number, |p| p.kind);
            let (input, unit) = match kind {
                Kind::Money => (crate::metric::Unit::Money, "pounds"),
                Kind::Percent => (crate::metric::Unit::Fraction, "fraction"),
                Kind::Number => (crate::metric::Unit::Count, "number"),
            };
            let money = |v| machine(v, crate::metric::Unit::Money);
            let _ = w.write_record([
                (i + 1).to_string(),
                bar.name.clone(),
                machine(bar.low, input),
                machine(bar.high, input),
                money(bar.at_low.cumulative),
                money(bar.at_high.cumulative),
                money(bar.at_low.npv),
                money(bar.at_high.npv),
                money(bar.swing),
                unit.to_string(),
            ]);
        }
        finish(w)
    }

    /// Inputs first, as rows with metric `input.<path>` and the values as
    /// written; then results, largest first, as printed numbers.
    fn diff(&self, r: &DiffReport<'_>) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        let _ = w.write_record(DIFF_HEADER);
        for i in &r.comparison.inputs {
            let metric = format!("input.{}", i.key);
            let (a, b) = (
                i.a.clone().unwrap_or_default(),
                i.b.clone().unwrap_or_default(),
            );
            let _ = w.write_record([
                "",
                metric.as_str(),
                "",
                "",
                "",
                "",
                a.as_str(),
                b.as_str(),
                "",
            ]);
        }
        for x in &r.comparison.results {
            let show =
                |v: Option<rust_decimal::Decimal>| v.map_or(String::new(), |v| machine(v, x.unit));
            let _ = w.write_record([
                x.year.clone(),
                x.metric.clone(),
                x.service.clone(),
                x.setting.clone(),
                x.partner.clone(),
                x.case.clone(),
                show(x.a),
                show(x.b),
                show(x.difference()),
            ]);
        }
        finish(w)
    }
}

/// The tidy rows of one projection, labelled with `case`.
pub fn rows(s: &Scenario, p: &Projection, case: &str) -> Vec<[String; 7]> {
    let mut out = Vec::new();
    for metric in catalogue(s) {
        let c = metric.columns(s);
        for (t, year) in metric.years(s, p.years.len()) {
            let Some(value) = p.metric(metric, t) else {
                continue;
            };
            out.push([
                year,
                c.metric.to_string(),
                c.service.to_string(),
                c.setting.to_string(),
                c.partner.to_string(),
                case.to_string(),
                machine(value, metric.unit()),
            ]);
        }
    }
    out
}

/// The header of `sensitivity --format csv`: one row per ranged value.
pub const SENSITIVITY_HEADER: [&str; 10] = [
    "rank",
    "value",
    "low",
    "high",
    "cumulative_net_savings_at_low",
    "cumulative_net_savings_at_high",
    "npv_at_low",
    "npv_at_high",
    "npv_swing",
    "unit",
];

/// The Monte Carlo rows: for every metric with percentiles, each
/// percentile (case `pNN`) and the mean (case `mean`) for years 0..H (NPV
/// once, no year); then `loss_probability`, the chance that NPV < 0.
pub fn percentile_rows(s: &Scenario, p: &Projection, ranges: &Ranges) -> Vec<[String; 7]> {
    let mut out = Vec::new();
    let row = |year: String, metric: Metric, case: String, value: Decimal| {
        let c = metric.columns(s);
        [
            year,
            c.metric.to_string(),
            c.service.to_string(),
            c.setting.to_string(),
            c.partner.to_string(),
            case,
            machine(value, metric.unit()),
        ]
    };
    for metric in standard_metrics(s) {
        for &pct in &ranges.percentiles {
            for (t, year) in metric.years(s, p.years.len()) {
                if let Some(value) = ranges.value(metric, t, pct) {
                    out.push(row(year, metric, format!("p{pct}"), value));
                }
            }
        }
        // The mean of the draws (case `mean`).
        for (t, year) in metric.years(s, p.years.len()) {
            if let Some(value) = ranges.mean(metric, t) {
                out.push(row(year, metric, "mean".into(), value));
            }
        }
    }
    // The chance of a loss: NPV below zero (SPEC 4.2 `loss_probability`),
    // a fraction.
    if let Some(value) = ranges.below_zero(Metric::Npv, 0) {
        out.push(row(
            String::new(),
            Metric::LossProbability,
            "mean".into(),
            value,
        ));
    }
    out
}

/// The written bytes as text (the writer only ever holds UTF-8).
pub fn finish(w: csv::Writer<Vec<u8>>) -> String {
    match w.into_inner() {
        Ok(bytes) => String::from_utf8(bytes).unwrap_or_default(),
        Err(_) => String::new(),
    }
}
