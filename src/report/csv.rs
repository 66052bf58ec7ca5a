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
use super::{
    AppraiseReport, DiffReport, MonitorReport, Printer, ProjectionReport, SensitivityReport,
};
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
    /// `monitor` and `settle`: one value per row under
    /// [`MONITOR_HEADER`] (docs/monitoring.md lists the metrics): money in
    /// pounds to 2 dp, shares as fractions to 6 dp, the RAG status as a
    /// word; `period` is the period a figure is as at or of.
    fn monitor(&self, r: &MonitorReport<'_>) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        let _ = w.write_record(MONITOR_HEADER);
        for row in monitor_rows(r) {
            let _ = w.write_record(&row);
        }
        finish(w)
    }

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

    /// One row per ranged value, largest swing first; `low`, `high` and
    /// `switching_value` in the value's own unit (pounds, fraction or
    /// number), the switching value with every digit the search found and
    /// empty where there is none; `switching_change` a fraction, empty
    /// where there is none or the central value is zero.
    fn sensitivity(&self, r: &SensitivityReport<'_>) -> String {
        use crate::scenario::values::Kind;
        if let Some(tail) = r.tail {
            return tail_csv(r.scenario, tail);
        }
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
                bar.label.clone(),
                machine(bar.low, input),
                machine(bar.high, input),
                money(bar.at_low.cumulative),
                money(bar.at_high.cumulative),
                money(bar.at_low.npv),
                money(bar.at_high.npv),
                money(bar.swing),
                bar.switching
                    .map_or(String::new(), |v| v.value.normalize().to_string()),
                bar.switching
                    .and_then(|v| v.change)
                    .map_or(String::new(), |c| machine(c, crate::metric::Unit::Fraction)),
                unit.to_string(),
            ]);
        }
        finish(w)
    }

    /// One row per option, in the order given: the appraisal, then the
    /// NPV's mean, chance of a loss and percentiles (a column for every
    /// percentile any option reports, empty where this one does not), then
    /// the value that moves NPV most with its switching value.
    fn appraise(&self, r: &AppraiseReport<'_>) -> String {
        use crate::metric::Unit;
        use crate::shortlist::Largest;
        let list = r.shortlist;
        let percentiles = list.percentiles();
        let mut header: Vec<String> = APPRAISE_HEADER_START.map(String::from).to_vec();
        header.extend(percentiles.iter().map(|p| format!("npv_p{p}")));
        header.extend(APPRAISE_HEADER_END.map(String::from));
        let mut w = csv::Writer::from_writer(Vec::new());
        let _ = w.write_record(&header);
        let money = |v: Decimal| machine(v, Unit::Money);
        let blank = String::new;
        for (i, o) in list.options.iter().enumerate() {
            let a = &o.central.appraisal;
            let mut row = vec![
                (i + 1).to_string(),
                o.file.clone(),
                o.scenario.name.clone(),
                list.comparable(i).to_string(),
                money(a.pv_savings),
                money(a.pv_costs),
                money(o.central.npv),
                money(a.npv_before_optimism_bias),
                a.bcr.map_or_else(blank, |b| machine(b, Unit::Ratio)),
            ];
            let ranges = o.ranges.as_ref();
            row.push(
                ranges
                    .and_then(|r| r.mean(Metric::Npv, 0))
                    .map_or_else(blank, money),
            );
            row.push(
                ranges
                    .and_then(|r| r.below_zero(Metric::Npv, 0))
                    .map_or_else(blank, |v| machine(v, Unit::Fraction)),
            );
            for &p in &percentiles {
                row.push(
                    ranges
                        .and_then(|r| r.value(Metric::Npv, 0, p))
                        .map_or_else(blank, money),
                );
            }
            match &o.largest {
                Largest::Bar(bar) => {
                    row.push(bar.name.clone());
                    row.push(bar.label.clone());
                    row.push(money(bar.swing));
                    row.push(
                        bar.switching
                            .map_or_else(blank, |v| v.value.normalize().to_string()),
                    );
                    row.push(
                        bar.switching
                            .and_then(|v| v.change)
                            .map_or_else(blank, |c| machine(c, Unit::Fraction)),
                    );
                }
                Largest::Nothing | Largest::TooMuchWork => {
                    row.extend([blank(), blank(), blank(), blank(), blank()]);
                }
            }
            let _ = w.write_record(&row);
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

/// The header of `appraise --format csv` before the NPV's percentiles.
pub const APPRAISE_HEADER_START: [&str; 11] = [
    "option",
    "file",
    "name",
    "comparable",
    "pv_savings",
    "pv_costs",
    "npv",
    "npv_before_optimism_bias",
    "bcr",
    "npv_mean",
    "loss_probability",
];

/// The header of `appraise --format csv` after the NPV's percentiles.
pub const APPRAISE_HEADER_END: [&str; 5] = [
    "largest_swing_value",
    "largest_swing_label",
    "largest_swing",
    "switching_value",
    "switching_change",
];

/// The header of `sensitivity --format csv`: one row per ranged value.
pub const SENSITIVITY_HEADER: [&str; 13] = [
    "rank",
    "value",
    "label",
    "low",
    "high",
    "cumulative_net_savings_at_low",
    "cumulative_net_savings_at_high",
    "npv_at_low",
    "npv_at_high",
    "npv_swing",
    "switching_value",
    "switching_change",
    "unit",
];

/// The header of `sensitivity --tail pNN --format csv`: one row per
/// ranged input, the largest shift first.
pub const TAIL_HEADER: [&str; 9] = [
    "rank",
    "value",
    "label",
    "mean",
    "tail_mean",
    "moved",
    "sd",
    "shift_sd",
    "unit",
];

/// `sensitivity --tail`: each input's mean, its mean in the tail, the
/// difference and its standard deviation in its own unit (pounds to 2 dp,
/// fractions and numbers to 6 dp), and the shift in standard deviations.
fn tail_csv(s: &Scenario, tail: &crate::uncertainty::tail::Tail) -> String {
    use crate::metric::Unit;
    use crate::scenario::values::Kind;
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(TAIL_HEADER);
    for (i, d) in tail.drivers.iter().enumerate() {
        let (unit, name) = match s.param(d.param).map_or(Kind::Number, |p| p.kind) {
            Kind::Money => (Unit::Money, "pounds"),
            Kind::Percent => (Unit::Fraction, "fraction"),
            Kind::Number => (Unit::Fraction, "number"),
        };
        let _ = w.write_record([
            (i + 1).to_string(),
            d.name.clone(),
            d.label.clone(),
            machine(d.mean, unit),
            machine(d.tail_mean, unit),
            machine(d.moved(), unit),
            machine(d.sd, unit),
            machine(d.shift, Unit::Fraction),
            name.to_string(),
        ]);
    }
    finish(w)
}

/// The Monte Carlo rows: for every metric with percentiles, each
/// percentile (case `pNN`) and the mean (case `mean`) for years 0..H (NPV
/// once, no year); then `loss_probability`, the chance that NPV < 0; then
/// the standard error of each of them (`se_pNN`, `se_mean`).
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
    // The chance that each year's cumulative net savings are below zero
    // (case `probability_negative`, a fraction, as JSON's field).
    let cumulative = Metric::CumulativeNetSavings;
    for (t, year) in cumulative.years(s, p.years.len()) {
        if let Some(value) = ranges.below_zero(cumulative, t) {
            let mut r = row(year, cumulative, "probability_negative".into(), value);
            r[6] = machine(value, crate::metric::Unit::Fraction);
            out.push(r);
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
    // The Monte Carlo standard errors (cases `se_pNN` and `se_mean`,
    // pounds), after every estimate, in the same order.
    for metric in standard_metrics(s) {
        for &pct in &ranges.percentiles {
            for (t, year) in metric.years(s, p.years.len()) {
                if let Some(value) = ranges.error(metric, t, pct) {
                    out.push(row(year, metric, format!("se_p{pct}"), value));
                }
            }
        }
        for (t, year) in metric.years(s, p.years.len()) {
            if let (Some(_), Some(value)) = (ranges.mean(metric, t), ranges.mean_error(metric, t)) {
                out.push(row(year, metric, "se_mean".into(), value));
            }
        }
    }
    out
}

/// The header of `monitor --format csv` and `settle --format csv`.
pub const MONITOR_HEADER: [&str; 7] = [
    "year", "period", "metric", "service", "setting", "partner", "value",
];

/// Every figure of a monitoring report or statement, one a row.
pub fn monitor_rows(r: &MonitorReport<'_>) -> Vec<[String; 7]> {
    use crate::monitoring::Line;
    let s = r.scenario;
    let m = r.monitor;
    let year = s.year(m.year).to_string();
    let at = m.periods.label(m.to_date);
    let mut out: Vec<[String; 7]> = Vec::new();
    let mut push =
        |period: &str, metric: &str, service: &str, setting: &str, partner: &str, value: String| {
            out.push([
                year.clone(),
                period.to_string(),
                metric.to_string(),
                service.to_string(),
                setting.to_string(),
                partner.to_string(),
                value,
            ]);
        };
    let money = |v: Decimal| machine(v, crate::metric::Unit::Money);
    let share = |v: Decimal| machine(v, crate::metric::Unit::Fraction);
    let line = |push: &mut dyn FnMut(&str, &str, String), l: &Line| {
        push("", "budget", money(l.budget));
        push(&at, "budget_to_date", money(l.budget_to_date));
        push(&at, "actual_to_date", money(l.actual_to_date));
        push(&at, "variance_to_date", money(l.variance_to_date));
        push(&at, "forecast_outturn", money(l.forecast));
        push(&at, "forecast_variance", money(l.forecast_variance));
        if let Some(x) = l.forecast_variance_share {
            push(&at, "forecast_variance_share", share(x));
        }
        if let Some(rag) = l.rag {
            push(&at, "rag", rag.name().to_string());
        }
    };
    for (service, x) in s.services.iter().zip(&m.services) {
        line(
            &mut |p, metric, v| push(p, metric, &service.id, "", "", v),
            &x.line,
        );
        for k in &x.settings {
            let setting = service
                .settings
                .get(k.setting)
                .map_or("", |k| k.id.as_str());
            line(
                &mut |p, metric, v| push(p, metric, &service.id, setting, "", v),
                &k.line,
            );
        }
    }
    line(&mut |p, metric, v| push(p, metric, "", "", "", v), &m.pool);
    for (service, x) in s.services.iter().zip(&m.services) {
        for (k, pl) in x.periods.iter().enumerate() {
            let label = m.periods.label(k + 1);
            push(
                &label,
                "budget_in_period",
                &service.id,
                "",
                "",
                money(pl.budget),
            );
            if let Some(a) = pl.actual {
                push(&label, "actual_in_period", &service.id, "", "", money(a));
            }
        }
    }
    for (k, pl) in m.pool_periods.iter().enumerate() {
        let label = m.periods.label(k + 1);
        push(&label, "budget_in_period", "", "", "", money(pl.budget));
        if let Some(a) = pl.actual {
            push(&label, "actual_in_period", "", "", "", money(a));
        }
        if let Some(f) = pl.cumulative_forecast {
            push(&label, "cumulative_forecast", "", "", "", money(f));
        }
    }
    let st = &m.settlement;
    let end = if r.year_end { "" } else { at.as_str() };
    for (service, x) in s.services.iter().zip(&st.services) {
        if r.year_end {
            push(end, "outturn", &service.id, "", "", money(x.outturn));
            push(
                end,
                "outturn_variance",
                &service.id,
                "",
                "",
                money(x.variance),
            );
        }
        if st.net_across_services {
            push(
                end,
                "shared_after_offsetting",
                &service.id,
                "",
                "",
                money(x.shared),
            );
        }
        for (partner, v) in s.partners.iter().zip(&x.shares) {
            push(
                end,
                "variance_share",
                &service.id,
                "",
                &partner.id,
                money(*v),
            );
        }
        push(
            end,
            "unallocated",
            &service.id,
            "",
            "",
            money(x.unallocated),
        );
        push(
            end,
            "carried_forward",
            &service.id,
            "",
            "",
            money(x.carried_forward),
        );
        push(end, "retained", &service.id, "", "", money(x.retained));
    }
    for (i, (partner, x)) in s.partners.iter().zip(&st.partners).enumerate() {
        let id = partner.id.as_str();
        push(end, "planned_contribution", "", "", id, money(x.planned));
        push(end, "variance_share", "", "", id, money(x.variance_share));
        push(
            end,
            "final_contribution",
            "",
            "",
            id,
            money(x.final_contribution),
        );
        push(end, "carried_forward", "", "", id, money(x.carried_forward));
        if r.year_end {
            push(end, "paid", "", "", id, money(x.paid));
            push(end, "balance", "", "", id, money(x.balance));
        } else if let Some(received) = &m.received {
            let v = received.get(i).copied().unwrap_or_default();
            push(&at, "paid_to_date", "", "", id, money(v));
        }
    }
    push(end, "unallocated", "", "", "", money(st.unallocated));
    push(end, "retained", "", "", "", money(st.retained));
    if r.year_end {
        let b = &st.balance;
        for (metric, v) in [
            ("outturn", b.outturn),
            ("money_in", b.money_in),
            ("money_out", b.money_out),
            ("balance_difference", b.difference),
        ] {
            push(end, metric, "", "", "", money(v));
        }
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
