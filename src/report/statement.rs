//! The tables of a monitoring report and of a year-end statement
//! (docs/monitoring.md), built once with typed values.
//!
//! A table and Markdown draw them as [`super::grid::Grid`]s (money in £m
//! to 2 dp in a monitoring report, in pounds and pence in a statement),
//! and the workbook writes them as sheets of numbers
//! ([`super::xlsx::monitor`]). Nothing here computes: the figures are the
//! [`Monitor`]'s.

use rust_decimal::Decimal;

use super::MonitorReport;
use super::grid::{Grid, ProjectionTables, shown};
use super::numbers::{millions_to, percent, pounds_grouped};
use crate::monitoring::{Line, Monitor, Rag};
use crate::scenario::{Forecast, Scenario, Underspend};

/// A value in a statement's table.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Empty,
    Text(String),
    Money(Decimal),
    /// A fraction, shown as a percent.
    Share(Decimal),
}

/// One table: its sheet's name in a workbook, its title, header and rows;
/// the first `labels` columns are labels.
#[derive(Clone, Debug, PartialEq)]
pub struct Sheet {
    pub name: &'static str,
    pub title: String,
    pub header: Vec<String>,
    pub labels: usize,
    pub rows: Vec<Vec<Value>>,
}

/// A whole report: a heading, the tables and the closing notes.
#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    pub name: String,
    pub subtitle: String,
    pub sheets: Vec<Sheet>,
    pub closing: Vec<String>,
    /// Money to the penny (a statement) rather than in £m.
    pub pence: bool,
}

fn text(s: impl Into<String>) -> Value {
    Value::Text(s.into())
}

fn head(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// "M06 (September)" or "Q2 (July to September)".
pub fn as_at(m: &Monitor) -> String {
    match m.periods {
        crate::monitoring::Periods::Months => {
            format!(
                "{} ({})",
                m.periods.label(m.to_date),
                m.periods.name(m.to_date)
            )
        }
        crate::monitoring::Periods::Quarters => m.periods.name(m.to_date),
    }
}

/// How the forecast was made, for people.
pub fn forecast_method(f: Forecast) -> &'static str {
    match f {
        Forecast::RestOfBudget => "actual to date plus the budget for the rest of the year",
        Forecast::StraightLine => "actual to date carried on at the same rate to year end",
    }
}

/// What happens to an underspend, for people.
pub fn underspend_rule(u: Underspend) -> &'static str {
    match u {
        Underspend::ReturnProRata => "returned to the partners by each service's rule shares",
        Underspend::CarryForward => {
            "carried forward into next year's pool, each partner's part shown"
        }
        Underspend::RetainInPool => "retained in the pool's reserve",
    }
}

fn rag_text(r: Option<Rag>) -> Value {
    match r {
        Some(Rag::Green) => text("Green"),
        Some(Rag::Amber) => text("Amber"),
        Some(Rag::Red) => text("Red"),
        None => Value::Empty,
    }
}

fn share(v: Option<Decimal>) -> Value {
    v.map_or(Value::Empty, Value::Share)
}

fn line_row(label: String, l: &Line) -> Vec<Value> {
    vec![
        text(label),
        Value::Money(l.budget),
        Value::Money(l.budget_to_date),
        Value::Money(l.actual_to_date),
        Value::Money(l.variance_to_date),
        Value::Money(l.forecast),
        Value::Money(l.forecast_variance),
        share(l.forecast_variance_share),
        rag_text(l.rag),
    ]
}

/// The report of `pool-model monitor`, or with `year_end` the statement
/// of `pool-model settle`.
pub fn statement(r: &MonitorReport<'_>) -> Statement {
    if r.year_end {
        settlement(r.scenario, r.monitor)
    } else {
        monitoring(r.scenario, r.monitor)
    }
}

fn monitoring(s: &Scenario, m: &Monitor) -> Statement {
    let year = s.year(m.year);
    let by_setting = m.services.iter().any(|x| !x.settings.is_empty());
    let to = m.periods.label(m.to_date);
    let mut header = vec!["Service".to_string()];
    if by_setting {
        header.push("Setting".into());
    }
    header.extend([
        "Budget".to_string(),
        format!("Budget\nto {to}"),
        format!("Actual\nto {to}"),
        format!("Variance\nto {to}"),
        "Forecast\noutturn".to_string(),
        "Forecast\nvariance".to_string(),
        "% of\nbudget".to_string(),
        "RAG".to_string(),
    ]);
    let mut services = Sheet {
        name: "Services",
        title: format!(
            "Budget and actual to {} {year}, and the forecast outturn",
            as_at(m)
        ),
        header,
        labels: if by_setting { 2 } else { 1 },
        rows: Vec::new(),
    };
    let labelled = |service: &str, setting: &str, l: &Line| {
        let mut row = line_row(service.to_string(), l);
        if by_setting {
            row.insert(1, text(setting));
        }
        row
    };
    for (service, x) in s.services.iter().zip(&m.services) {
        services.rows.push(labelled(&service.name, "", &x.line));
        for k in &x.settings {
            let name = service
                .settings
                .get(k.setting)
                .map_or("", |k| k.name.as_str());
            services.rows.push(labelled(&service.name, name, &k.line));
        }
    }
    services.rows.push(labelled("Pool", "", &m.pool));
    let noun = m.periods.one();
    let mut periods = Sheet {
        name: if noun == "month" {
            "By month"
        } else {
            "By quarter"
        },
        title: format!("The pool by {noun}: budget, actual, and the forecast to year end"),
        header: head(&[
            "Period",
            if noun == "month" { "Month" } else { "Months" },
            "Budget",
            "Actual",
            "Cumulative\nbudget",
            "Cumulative\nactual",
            "Cumulative\nforecast",
        ]),
        labels: 2,
        rows: Vec::new(),
    };
    for (k, pl) in m.pool_periods.iter().enumerate() {
        let name = m.periods.months_of(k + 1);
        let money = |v: Option<Decimal>| v.map_or(Value::Empty, Value::Money);
        periods.rows.push(vec![
            text(m.periods.label(k + 1)),
            text(name),
            Value::Money(pl.budget),
            money(pl.actual),
            Value::Money(pl.cumulative_budget),
            money(pl.cumulative_actual),
            money(pl.cumulative_forecast),
        ]);
    }
    let st = &m.settlement;
    let mut header = vec![
        "Partner",
        "Planned\ncontribution",
        "Share of forecast\nover/underspend",
        "Forecast final\ncontribution",
    ];
    if m.received.is_some() {
        header.push("Paid in\nto date");
    }
    let mut partners = Sheet {
        name: "Risk share",
        title: "The risk share of the forecast variance: the year-end settlement if the forecast is the outturn".into(),
        header: head(&header),
        labels: 1,
        rows: Vec::new(),
    };
    for (i, (partner, x)) in s.partners.iter().zip(&st.partners).enumerate() {
        let mut row = vec![
            text(partner.name.clone()),
            Value::Money(x.planned),
            Value::Money(x.variance_share),
            Value::Money(x.final_contribution),
        ];
        if let Some(received) = &m.received {
            row.push(Value::Money(received.get(i).copied().unwrap_or_default()));
        }
        partners.rows.push(row);
    }
    if !st.unallocated.is_zero() {
        let mut row = vec![
            text("No partner (above every cap)"),
            Value::Empty,
            Value::Money(st.unallocated),
            Value::Empty,
        ];
        if m.received.is_some() {
            row.push(Value::Empty);
        }
        partners.rows.push(row);
    }
    let mut closing = vec![format!(
        "Forecast: {}. RAG: amber from a forecast overspend of {} of budget, red from {}; an underspend is green.",
        forecast_method(m.forecast),
        super::numbers::percent_exact(s.monitoring.amber),
        super::numbers::percent_exact(s.monitoring.red),
    )];
    if !st.unallocated.is_zero() {
        closing.push(format!(
            "{} of the forecast overspend is above every cap: no partner bears it (unallocated).",
            millions_to(st.unallocated, 2)
        ));
    }
    if !st.retained.is_zero() || st.services.iter().any(|x| !x.carried_forward.is_zero()) {
        closing.push(format!(
            "Underspends are {} (docs/monitoring.md).",
            underspend_rule(s.monitoring.underspend)
        ));
    }
    if s.monitoring.net_across_services {
        closing.push("Underspends offset overspends across the pool before the risk share.".into());
    }
    Statement {
        name: shown(&s.name),
        subtitle: format!(
            "Monitoring {year} to {}: {} of {} {}s in, from {}. Budget: the plan's central case (cash).",
            as_at(m),
            m.to_date,
            m.periods.count(),
            noun,
            shown(&m.actuals_file)
        ),
        sheets: vec![services, periods, partners],
        closing,
        pence: false,
    }
}

fn settlement(s: &Scenario, m: &Monitor) -> Statement {
    let year = s.year(m.year);
    let st = &m.settlement;
    let net = st.net_across_services;
    let rule = s.monitoring.underspend;
    let underspend_head = match rule {
        Underspend::ReturnProRata => "Underspend\nreturned",
        Underspend::CarryForward => "Carried\nforward",
        Underspend::RetainInPool => "Retained\nin the pool",
    };
    let mut header = vec!["Service", "Budget", "Outturn", "Variance", "Of\nbudget"];
    if net {
        header.push("Left after\noffsetting");
    }
    header.extend([
        "Overspend borne\nby partners",
        "Above every\ncap",
        underspend_head,
    ]);
    let mut outturn = Sheet {
        name: "Outturn",
        title: format!("Outturn against budget, {year}"),
        header: head(&header),
        labels: 1,
        rows: Vec::new(),
    };
    let mut totals = [Decimal::ZERO; 7];
    for (service, x) in s.services.iter().zip(&st.services) {
        let borne = sum(x.shares.iter().filter(|_| x.shared > Decimal::ZERO));
        let under = match rule {
            Underspend::ReturnProRata => -x
                .shares
                .iter()
                .filter(|_| x.shared < Decimal::ZERO)
                .sum::<Decimal>(),
            Underspend::CarryForward => x.carried_forward,
            Underspend::RetainInPool => x.retained,
        };
        let values = [
            x.budget,
            x.outturn,
            x.variance,
            x.shared,
            borne,
            x.unallocated,
            under,
        ];
        for (t, v) in totals.iter_mut().zip(values) {
            *t = t.saturating_add(v);
        }
        outturn
            .rows
            .push(outturn_row(service.name.clone(), &values, net));
    }
    outturn.rows.push(outturn_row("Pool".into(), &totals, net));
    let mut header = vec![
        "Partner",
        "Planned\ncontribution",
        "Share of over-\n/underspend",
        "Final\ncontribution",
        if st.paid_given {
            "Paid"
        } else {
            "Paid (taken\nas planned)"
        },
        "Balance: owes (+)\nor is owed (-)",
    ];
    let carry = rule == Underspend::CarryForward;
    if carry {
        header.push("Carried\nforward");
    }
    let mut partners = Sheet {
        name: "Partners",
        title: format!("Year-end statement by partner, {year}"),
        header: head(&header),
        labels: 1,
        rows: Vec::new(),
    };
    let mut sums = [Decimal::ZERO; 6];
    for (partner, x) in s.partners.iter().zip(&st.partners) {
        let values = [
            x.planned,
            x.variance_share,
            x.final_contribution,
            x.paid,
            x.balance,
            x.carried_forward,
        ];
        for (t, v) in sums.iter_mut().zip(values) {
            *t = t.saturating_add(v);
        }
        partners
            .rows
            .push(partner_row(partner.name.clone(), &values, carry));
    }
    partners
        .rows
        .push(partner_row("Total".into(), &sums, carry));
    let mut shares_header = vec!["Service".to_string(), "Shared".to_string()];
    shares_header.extend(s.partners.iter().map(|p| p.name.clone()));
    shares_header.push("No partner\n(above caps)".into());
    let mut shares = Sheet {
        name: "Shares",
        title: "How each service's variance is shared: by its rule and caps (SPEC 3.5)".into(),
        header: shares_header,
        labels: 1,
        rows: Vec::new(),
    };
    for (service, x) in s.services.iter().zip(&st.services) {
        let mut row = vec![text(service.name.clone()), Value::Money(x.shared)];
        let parts = if x.shared < Decimal::ZERO && rule == Underspend::CarryForward {
            x.carried.iter().map(|v| -*v).collect::<Vec<_>>()
        } else {
            x.shares.clone()
        };
        row.extend(parts.into_iter().map(Value::Money));
        row.push(Value::Money(x.unallocated));
        shares.rows.push(row);
    }
    let b = &st.balance;
    let balance = Sheet {
        name: "Balance",
        title: "Balance: money in equals money out, to the penny".into(),
        header: head(&["Item", "Amount"]),
        labels: 1,
        rows: [
            ("Contributions paid", b.paid),
            ("Balances due from (+) or to (-) partners", b.balances),
            ("Money in: the partners' final contributions", b.money_in),
            ("Outturn", b.outturn),
            ("Carried forward to next year", b.carried_forward),
            ("Retained in the pool", st.retained),
            (
                "Not funded: overspend above every cap, borne by no partner",
                -st.unallocated,
            ),
            ("Money out", b.money_out),
            ("Difference", b.difference),
        ]
        .into_iter()
        .map(|(l, v)| vec![text(l), Value::Money(v)])
        .collect(),
    };
    let mut closing = Vec::new();
    if st.balances() {
        closing.push(format!(
            "Balanced to the penny: money in {} equals money out {}.",
            pounds_grouped(b.money_in),
            pounds_grouped(b.money_out)
        ));
    } else {
        closing.push(format!(
            "DOES NOT BALANCE: money in {} against money out {}, a difference of {}.",
            pounds_grouped(b.money_in),
            pounds_grouped(b.money_out),
            pounds_grouped(b.difference)
        ));
    }
    for (partner, x) in s.partners.iter().zip(&st.partners) {
        if st.paid_given && x.paid != x.planned {
            let (gap, word) = if x.paid < x.planned {
                (x.planned - x.paid, "less")
            } else {
                (x.paid - x.planned, "more")
            };
            closing.push(format!(
                "{} paid {} {word} than its planned contribution ({} paid of {}); its balance includes the difference.",
                shown(&partner.name),
                pounds_grouped(gap),
                pounds_grouped(x.paid),
                pounds_grouped(x.planned)
            ));
        }
    }
    if !st.paid_given {
        closing.push(
            "The actuals have no rows of money paid in: each partner is taken to have paid its planned contribution."
                .into(),
        );
    }
    if !st.unallocated.is_zero() {
        closing.push(format!(
            "{} of overspend is above every cap: no partner bears it, and the pool is short by that much until the partners agree who pays.",
            pounds_grouped(st.unallocated)
        ));
    }
    closing.push(format!(
        "Overspends are shared by each service's rule and caps; underspends are {}{}.",
        underspend_rule(rule),
        if net {
            "; underspends first offset overspends across the pool"
        } else {
            ""
        }
    ));
    Statement {
        name: shown(&s.name),
        subtitle: format!(
            "Year-end statement {year}: outturn from {} (every {} in). Budget: the plan's central case (cash).",
            shown(&m.actuals_file),
            m.periods.one()
        ),
        sheets: vec![outturn, partners, shares, balance],
        closing,
        pence: true,
    }
}

/// A total for a table's last row: the settlement's own totals are exact
/// (crate::monitoring), so this saturates only on figures it refused.
fn sum<'a>(values: impl IntoIterator<Item = &'a Decimal>) -> Decimal {
    values
        .into_iter()
        .fold(Decimal::ZERO, |acc, v| acc.saturating_add(*v))
}

fn outturn_row(label: String, v: &[Decimal; 7], net: bool) -> Vec<Value> {
    let [budget, outturn, variance, shared, borne, above, under] = *v;
    let pct = variance
        .checked_div(budget)
        .map_or(Value::Empty, Value::Share);
    let mut row = vec![
        text(label),
        Value::Money(budget),
        Value::Money(outturn),
        Value::Money(variance),
        pct,
    ];
    if net {
        row.push(Value::Money(shared));
    }
    row.extend([
        Value::Money(borne),
        Value::Money(above),
        Value::Money(under),
    ]);
    row
}

fn partner_row(label: String, v: &[Decimal; 6], carry: bool) -> Vec<Value> {
    let mut row = vec![text(label)];
    row.extend(v.iter().take(5).map(|x| Value::Money(*x)));
    if carry {
        row.push(Value::Money(v.get(5).copied().unwrap_or_default()));
    }
    row
}

/// The statement as tables for a table or Markdown.
pub fn tables(st: &Statement) -> ProjectionTables {
    let money = |v: Decimal| {
        if st.pence {
            pounds_grouped(v)
        } else {
            millions_to(v, 2)
        }
    };
    ProjectionTables {
        name: st.name.clone(),
        subtitle: st.subtitle.clone(),
        grids: st
            .sheets
            .iter()
            .map(|sheet| {
                // A person reads a setting under its service, indented;
                // a workbook keeps the two columns, so a filter or a
                // pivot finds a setting's service.
                let merge = sheet.labels == 2 && sheet.name == "Services";
                let cell = |v: &Value| match v {
                    Value::Empty => String::new(),
                    Value::Text(t) => shown(t),
                    Value::Money(m) => money(*m),
                    Value::Share(f) => percent(*f),
                };
                let mut header = sheet.header.clone();
                if merge {
                    header.remove(1);
                }
                Grid {
                    title: sheet.title.clone(),
                    header,
                    rows: sheet
                        .rows
                        .iter()
                        .map(|row| {
                            let mut cells: Vec<String> = row.iter().map(cell).collect();
                            if merge && cells.len() > 1 {
                                let setting = cells.remove(1);
                                if !setting.is_empty() {
                                    if let Some(first) = cells.first_mut() {
                                        *first = format!("  · {setting}");
                                    }
                                }
                            }
                            cells
                        })
                        .collect(),
                    first_number: if merge { 1 } else { sheet.labels },
                }
            })
            .collect(),
        closing: st.closing.join("\n"),
    }
}
