//! `--format xlsx`: an Excel workbook, as a finance team would lay it out
//! (docs/xlsx.md).
//!
//! One sheet per table, years across the columns (the finance convention),
//! the labels in the first columns and the header in the first row, both
//! frozen. Numbers are stored as numbers, never text: money in pounds to
//! the penny shown as `£#,##0`, shares and chances as percentages,
//! people to one decimal place, indices and discount factors to six.
//! Every workbook ends with an Inputs sheet (every input with its `--set`
//! path, its range and distribution, and where it was written) where a
//! scenario is reported, and a Notes sheet (what the figures are: cash or
//! real, the tool's version, draws and seed).
//!
//! The bytes are the same for the same input: the document's creation
//! time is fixed at 1 January 1980 (the ZIP format's epoch, which the
//! files inside already carry), and nothing else varies.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, XlsxError,
};

use super::numbers::{appraisal_basis, discounting, round};
use super::{AppraiseReport, DiffReport, MonitorReport, ProjectionReport, SensitivityReport};
use crate::engine::Projection;
use crate::metric::{Metric, ServiceTotal, Unit, catalogue};
use crate::scenario::Scenario;
use crate::scenario::values::{Kind, Uncertain};
use crate::source::SourceMap;

/// How a number is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Style {
    /// Pounds: `£#,##0`, negatives in red with a minus sign.
    Money,
    /// Pounds and pence (a year-end statement): `£#,##0.00`.
    Pence,
    /// A share or chance: `0.0%`.
    Percent,
    /// People and staff: `#,##0.0`.
    Count,
    /// A price index or discount factor: `0.000000`.
    Factor,
    /// A benefit-cost ratio: `0.00`.
    Ratio,
    /// A plain number: `General`.
    Plain,
}

impl Style {
    fn of(unit: Unit) -> Style {
        match unit {
            Unit::Money => Style::Money,
            Unit::Fraction => Style::Percent,
            Unit::Count => Style::Count,
            Unit::Ratio => Style::Ratio,
        }
    }

    fn of_kind(kind: Kind) -> Style {
        match kind {
            Kind::Money => Style::Money,
            Kind::Percent => Style::Percent,
            Kind::Number => Style::Plain,
        }
    }

    fn format(self) -> Format {
        let f = Format::new();
        match self {
            Style::Money => f.set_num_format("£#,##0;[Red]-£#,##0"),
            Style::Pence => f.set_num_format("£#,##0.00;[Red]-£#,##0.00"),
            Style::Percent => f.set_num_format("0.0%"),
            Style::Count => f.set_num_format("#,##0.0"),
            Style::Factor => f.set_num_format("0.000000"),
            Style::Ratio => f.set_num_format("0.00"),
            Style::Plain => f,
        }
    }
}

/// One cell of a table.
#[derive(Clone, Debug, PartialEq)]
enum Cell {
    Empty,
    Text(String),
    /// The value as Excel stores it (a double), and how it is shown.
    Number(f64, Style),
}

impl Cell {
    fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    /// An exact value as the machine formats print it (money to pence,
    /// fractions to 6 dp), stored as a number.
    fn value(v: Decimal, unit: Unit) -> Cell {
        let printed = round(v, unit.dp());
        Cell::Number(printed.to_f64().unwrap_or(0.0), Style::of(unit))
    }

    fn money(v: Decimal) -> Cell {
        Cell::value(v, Unit::Money)
    }

    fn fraction(v: Decimal) -> Cell {
        Cell::value(v, Unit::Fraction)
    }

    /// A price index or discount factor, to 6 dp.
    fn factor(v: Decimal) -> Cell {
        Cell::Number(round(v, 6).to_f64().unwrap_or(0.0), Style::Factor)
    }

    fn or_empty(v: Option<Cell>) -> Cell {
        v.unwrap_or(Cell::Empty)
    }
}

/// One sheet: a header row, label columns on the left, then values.
struct Table {
    name: String,
    header: Vec<String>,
    /// How many columns on the left are labels (frozen with the header).
    labels: u16,
    rows: Vec<Vec<Cell>>,
}

impl Table {
    fn new(name: &str, header: Vec<String>, labels: u16) -> Table {
        Table {
            name: name.to_string(),
            header,
            labels,
            rows: Vec::new(),
        }
    }

    /// A table with `labels` label columns headed `heads`, then one column
    /// a financial year 0..H.
    fn by_year(name: &str, s: &Scenario, heads: &[&str]) -> Table {
        let mut header: Vec<String> = heads.iter().map(|h| h.to_string()).collect();
        header.extend((0..=s.horizon).map(|t| s.year(t).to_string()));
        Table::new(name, header, u16::try_from(heads.len()).unwrap_or(1))
    }

    /// [`Table::by_year`] with a last column totalling years 1..H: what a
    /// flow of money (spend, savings, costs, contributions) comes to over
    /// the plan ([`year_row`] leaves it empty for levels and shares).
    fn by_year_with_total(name: &str, s: &Scenario, heads: &[&str]) -> Table {
        let mut t = Table::by_year(name, s, heads);
        t.header
            .push(format!("Total, {}", super::numbers::years_projected(s)));
        t
    }
}

/// Writes the tables, one sheet each, into a workbook's bytes.
fn workbook(tables: &[Table]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let created = ExcelDateTime::from_ymd(1980, 1, 1)?;
    book.set_properties(
        &DocProperties::new()
            .set_creation_datetime(&created)
            .set_author("pool-model"),
    );
    let header = Format::new()
        .set_bold()
        .set_border_bottom(FormatBorder::Thin);
    // Over numbers, the header sits right, as the numbers do.
    let number_header = header.clone().set_align(FormatAlign::Right);
    let styles = [
        Style::Money,
        Style::Pence,
        Style::Percent,
        Style::Count,
        Style::Factor,
        Style::Ratio,
        Style::Plain,
    ];
    let formats: Vec<(Style, Format)> = styles.iter().map(|&s| (s, s.format())).collect();
    let format_of = |style: Style| {
        formats
            .iter()
            .find(|(s, _)| *s == style)
            .map_or_else(Format::new, |(_, f)| f.clone())
    };
    for table in tables {
        let sheet = book.add_worksheet();
        sheet.set_name(&table.name)?;
        for (c, h) in table.header.iter().enumerate() {
            let over_numbers = c >= usize::from(table.labels)
                && table
                    .rows
                    .iter()
                    .any(|r| matches!(r.get(c), Some(Cell::Number(..))));
            let f = if over_numbers {
                &number_header
            } else {
                &header
            };
            sheet.write_string_with_format(0, col(c), h, f)?;
        }
        for (r, row) in table.rows.iter().enumerate() {
            let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
            for (c, cell) in row.iter().enumerate() {
                match cell {
                    Cell::Empty => {}
                    Cell::Text(t) => {
                        sheet.write_string(r, col(c), t)?;
                    }
                    Cell::Number(v, style) => {
                        sheet.write_number_with_format(r, col(c), *v, &format_of(*style))?;
                    }
                }
            }
        }
        sheet.set_freeze_panes(1, table.labels)?;
        // Printed: A4 landscape, one page wide, the header on every page.
        sheet.set_paper_size(9);
        sheet.set_landscape();
        sheet.set_print_fit_to_pages(1, 0);
        sheet.set_repeat_rows(0, 0)?;
        for (c, width) in widths(table).into_iter().enumerate() {
            sheet.set_column_width(col(c), width)?;
        }
    }
    book.save_to_buffer()
}

/// Each column's width in characters: its widest cell as shown (numbers
/// with their £, thousands separators and %), plus a margin, at most 60.
fn widths(table: &Table) -> Vec<f64> {
    let mut w: Vec<usize> = table.header.iter().map(|h| h.chars().count()).collect();
    for row in &table.rows {
        for (c, cell) in row.iter().enumerate() {
            let n = match cell {
                Cell::Empty => 0,
                Cell::Text(t) => t.chars().count(),
                Cell::Number(v, style) => shown_width(*v, *style),
            };
            if let Some(x) = w.get_mut(c) {
                *x = (*x).max(n);
            } else {
                w.push(n);
            }
        }
    }
    w.into_iter().map(|n| (n.min(60) + 2) as f64).collect()
}

/// How many characters a number takes as its style shows it.
fn shown_width(v: f64, style: Style) -> usize {
    let digits = |x: f64| format!("{:.0}", x.abs().trunc()).len();
    let grouped = |x: f64| {
        let d = digits(x);
        d + (d - 1) / 3
    };
    let sign = usize::from(v < 0.0);
    sign + match style {
        Style::Money => 1 + grouped(v),
        Style::Pence => 4 + grouped(v),
        Style::Percent => digits(v * 100.0) + 3,
        Style::Count => grouped(v) + 2,
        Style::Factor => digits(v) + 7,
        Style::Ratio => digits(v) + 3,
        Style::Plain => format!("{v}").len(),
    }
}

fn col(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}

/// A metric's people's name for a row: "Counterfactual", "Net savings".
fn measure(m: Metric) -> &'static str {
    match m {
        Metric::Counterfactual => "Counterfactual",
        Metric::Scenario => "Scenario spend",
        Metric::ShiftSavings => "Shift savings",
        Metric::EfficiencySavings => "Efficiency savings",
        Metric::WorkforceSavings => "Workforce savings",
        Metric::GrossSavings => "Gross savings",
        Metric::Costs => "Costs",
        Metric::NetSavings => "Net savings",
        Metric::CumulativeNetSavings => "Cumulative net savings",
        Metric::Npv => "NPV",
        Metric::Variances => "Variances (over- and underspends)",
        Metric::Unallocated => "Unallocated (above caps)",
        Metric::PvSavings => "PV of savings",
        Metric::PvCosts => "PV of costs",
        Metric::NpvBeforeOptimismBias => "NPV before optimism bias",
        Metric::Bcr => "Benefit-cost ratio",
        Metric::LossProbability => "Chance NPV < 0",
        Metric::Spend(_) => "Spend",
        Metric::SettingSpend(..) => "Spend after the shift",
        Metric::Share(..) => "Share of service spend",
        Metric::People(..) => "People",
        Metric::Contribution(_) => "Contribution (counterfactual)",
        Metric::NetContribution(_) => "Net contribution",
        Metric::PartnerStaff(_) => "Staff employed",
        Metric::Pay(_) => "Pay",
        Metric::ServiceStaff(_) => "Staff paid from the service",
        Metric::Moved(_) => "Spend moved out of the from setting",
        Metric::PeopleMoved(_) => "People moved (level against the counterfactual)",
        Metric::ServiceTotal(ServiceTotal::Counterfactual, _) => "Counterfactual",
        Metric::ServiceTotal(ServiceTotal::GrossSavings, _) => "Gross savings",
        Metric::ServiceTotal(ServiceTotal::Costs, _) => "Costs",
        Metric::ServiceTotal(ServiceTotal::NetSavings, _) => "Net savings",
        Metric::ServiceTotal(ServiceTotal::Variances, _) => "Variances (over- and underspends)",
        Metric::ServiceTotal(ServiceTotal::PostShift, _) => "Spend after the shift",
        Metric::ServiceTotal(ServiceTotal::ShiftSavings, _) => "Shift savings",
        Metric::ServiceTotal(ServiceTotal::EfficiencySavings, _) => "Efficiency savings",
        Metric::ServiceTotal(ServiceTotal::WorkforceSavings, _) => "Workforce savings",
        Metric::ServiceTotal(ServiceTotal::Unallocated, _) => "Unallocated (above caps)",
        Metric::RedundancyCosts => "Redundancy costs (part of costs)",
        Metric::DeflatorIndex => "Price index",
        Metric::DiscountFactor => "Discount factor",
        Metric::AppraisalSavings => "Savings after optimism bias",
        Metric::AppraisalCosts => "Costs after optimism bias",
        Metric::PresentValue => "Present value (real)",
        Metric::SavingsShare(_) => "Share of savings",
        Metric::VarianceShare(_) => "Share of variances (after caps)",
    }
}

/// A row of `metric` by year.
fn year_row(labels: Vec<Cell>, m: Metric, p: &Projection, s: &Scenario) -> Vec<Cell> {
    let mut row = labels;
    row.extend(
        (0..=s.horizon as usize)
            .map(|t| Cell::or_empty(p.metric(m, t).map(|v| Cell::value(v, m.unit())))),
    );
    // The total of a flow of money over years 1..H; none for a level
    // (cumulative savings, spend moved) or a share or count.
    let flow =
        m.unit() == Unit::Money && !matches!(m, Metric::CumulativeNetSavings | Metric::Moved(_));
    let total = (1..=s.horizon as usize)
        .map(|t| p.metric(m, t))
        .sum::<Option<Decimal>>();
    row.push(Cell::or_empty(
        total.filter(|_| flow).map(|v| Cell::value(v, Unit::Money)),
    ));
    row
}

/// The workbook of `pool-model project`.
pub fn projection(r: &ProjectionReport<'_>, sources: &SourceMap) -> Result<Vec<u8>, XlsxError> {
    let (s, p) = (r.scenario, r.central);
    let service_name = |i: usize| s.services.get(i).map_or(String::new(), |x| x.name.clone());
    let partner_name = |i: usize| s.partners.get(i).map_or(String::new(), |x| x.name.clone());
    let setting_name = |i: usize, k: usize| {
        s.services
            .get(i)
            .and_then(|x| x.settings.get(k))
            .map_or(String::new(), |x| {
                if x.name.is_empty() {
                    x.id.clone()
                } else {
                    x.name.clone()
                }
            })
    };

    let mut summary = Table::by_year_with_total("Summary", s, &["Pool (cash, £)"]);
    let mut services = Table::by_year_with_total("Services", s, &["Service", "Measure (cash, £)"]);
    let mut settings = Table::by_year_with_total("Settings", s, &["Service", "Setting", "Measure"]);
    let mut workforce =
        Table::by_year_with_total("Workforce", s, &["Employer or service", "Measure"]);
    let mut partners = Table::by_year_with_total("Partners", s, &["Partner", "Measure (cash, £)"]);
    for m in catalogue(s) {
        match m {
            _ if m.is_whole_run() => {}
            // On the Appraisal sheet.
            Metric::DeflatorIndex
            | Metric::DiscountFactor
            | Metric::AppraisalSavings
            | Metric::AppraisalCosts
            | Metric::PresentValue => {}
            Metric::ServiceTotal(_, i)
            | Metric::Spend(i)
            | Metric::Moved(i)
            | Metric::PeopleMoved(i) => services.rows.push(year_row(
                vec![Cell::text(service_name(i)), Cell::text(measure(m))],
                m,
                p,
                s,
            )),
            Metric::ServiceStaff(i) => workforce.rows.push(year_row(
                vec![Cell::text(service_name(i)), Cell::text(measure(m))],
                m,
                p,
                s,
            )),
            Metric::SettingSpend(i, k) | Metric::Share(i, k) | Metric::People(i, k) => {
                settings.rows.push(year_row(
                    vec![
                        Cell::text(service_name(i)),
                        Cell::text(setting_name(i, k)),
                        Cell::text(measure(m)),
                    ],
                    m,
                    p,
                    s,
                ));
            }
            Metric::PartnerStaff(i) | Metric::Pay(i) => workforce.rows.push(year_row(
                vec![Cell::text(partner_name(i)), Cell::text(measure(m))],
                m,
                p,
                s,
            )),
            // What each partner puts in, gets back and bears under the
            // risk share, and its net contribution.
            Metric::Contribution(i)
            | Metric::SavingsShare(i)
            | Metric::VarianceShare(i)
            | Metric::NetContribution(i) => partners.rows.push(year_row(
                vec![Cell::text(partner_name(i)), Cell::text(measure(m))],
                m,
                p,
                s,
            )),
            _ => summary
                .rows
                .push(year_row(vec![Cell::text(measure(m))], m, p, s)),
        }
    }
    // The pool's unallocated variances close the partners' sheet.
    partners.rows.push(year_row(
        vec![Cell::text("Pool"), Cell::text(measure(Metric::Unallocated))],
        Metric::Unallocated,
        p,
        s,
    ));

    let mut tables = vec![summary, services, settings];
    if !s.workforce.is_empty() {
        tables.push(workforce);
    }
    tables.push(partners);
    if let Some(ranges) = r.ranges {
        tables.push(ranges_table(s, p, ranges));
    }
    tables.push(appraisal_table(s, p, r.ranges));
    tables.push(inputs_table(s, sources));
    tables.push(notes_table(
        s,
        r.ranges.map(|x| (x.draws, x.seed)),
        "project",
    ));
    workbook(&tables)
}

/// Monte Carlo by year: each percentile and the mean of net and cumulative
/// net savings, and the chance cumulative net savings are below zero.
fn ranges_table(s: &Scenario, p: &Projection, ranges: &crate::uncertainty::Ranges) -> Table {
    let mut t = Table::by_year("Ranges", s, &["Measure (cash, £)", "Case"]);
    let years = p.years.len();
    for m in [Metric::NetSavings, Metric::CumulativeNetSavings] {
        let mut row = vec![Cell::text(measure(m)), Cell::text("central")];
        row.extend((0..years).map(|t| Cell::or_empty(p.metric(m, t).map(Cell::money))));
        t.rows.push(row);
        for &q in &ranges.percentiles {
            let mut row = vec![Cell::text(measure(m)), Cell::text(format!("p{q}"))];
            row.extend((0..years).map(|t| Cell::or_empty(ranges.value(m, t, q).map(Cell::money))));
            t.rows.push(row);
        }
        let mut row = vec![Cell::text(measure(m)), Cell::text("mean")];
        row.extend((0..years).map(|t| Cell::or_empty(ranges.mean(m, t).map(Cell::money))));
        t.rows.push(row);
    }
    let m = Metric::CumulativeNetSavings;
    let mut row = vec![Cell::text(measure(m)), Cell::text("chance below zero")];
    row.extend((0..years).map(|t| Cell::or_empty(ranges.below_zero(m, t).map(Cell::fraction))));
    t.rows.push(row);
    t
}

/// SPEC 3.7 by year (years 1..H across, then a Total column), then the
/// totals and NPV's Monte Carlo figures in the Total column.
fn appraisal_table(
    s: &Scenario,
    p: &Projection,
    ranges: Option<&crate::uncertainty::Ranges>,
) -> Table {
    let basis = appraisal_basis(s);
    let mut header = vec![format!("Appraisal ({basis})")];
    header.extend((1..=s.horizon).map(|t| s.year(t).to_string()));
    header.push("Total".into());
    let total = header.len() - 1;
    let mut t = Table::new("Appraisal", header, 1);
    let a = &p.appraisal;
    let by_year = |label: &str, f: &dyn Fn(&crate::engine::AppraisalYear) -> Cell| {
        let mut row = vec![Cell::text(label)];
        row.extend(a.years.iter().map(f));
        row
    };
    t.rows.push(by_year("Price index (deflator)", &|y| {
        Cell::factor(y.deflator_index)
    }));
    t.rows.push(by_year("Discount factor", &|y| {
        Cell::factor(y.discount_factor)
    }));
    t.rows
        .push(by_year("Savings after optimism bias (cash, £)", &|y| {
            Cell::money(y.savings)
        }));
    t.rows
        .push(by_year("Costs after optimism bias (cash, £)", &|y| {
            Cell::money(y.costs)
        }));
    let mut pv = by_year("Present value (real, £)", &|y| {
        Cell::money(y.present_value)
    });
    pv.push(Cell::money(p.npv));
    t.rows.push(pv);
    t.rows.push(Vec::new());
    let mut whole = |label: &str, value: Cell| {
        let mut row = vec![Cell::text(label)];
        row.resize(total, Cell::Empty);
        row.push(value);
        t.rows.push(row);
    };
    whole("PV of savings (real, £)", Cell::money(a.pv_savings));
    whole("PV of costs (real, £)", Cell::money(a.pv_costs));
    whole("NPV (real, £)", Cell::money(p.npv));
    whole(
        "NPV before optimism bias (real, £)",
        Cell::money(a.npv_before_optimism_bias),
    );
    whole(
        "Benefit-cost ratio",
        Cell::or_empty(a.bcr.map(|b| Cell::value(b, Unit::Ratio))),
    );
    if let Some(r) = ranges {
        for &q in &r.percentiles {
            if let Some(v) = r.value(Metric::Npv, 0, q) {
                whole(&format!("NPV, p{q} (real, £)"), Cell::money(v));
            }
        }
        if let Some(v) = r.mean(Metric::Npv, 0) {
            whole(
                "NPV, expected: the mean of the draws (real, £)",
                Cell::money(v),
            );
        }
        if let Some(v) = r.below_zero(Metric::Npv, 0) {
            whole("Chance NPV < 0", Cell::fraction(v));
        }
    }
    t
}

/// Every input, with its range and distribution and where it was written.
fn inputs_table(s: &Scenario, sources: &SourceMap) -> Table {
    let mut t = Table::new(
        "Inputs",
        [
            "Key (--set path)",
            "As written",
            "Low",
            "Central",
            "High",
            "Distribution",
            "Where written",
        ]
        .map(String::from)
        .to_vec(),
        1,
    );
    for line in crate::diff::inputs(s) {
        let mut row = vec![Cell::text(&line.key), Cell::text(&line.value)];
        match line.param.and_then(|id| s.param(id)) {
            Some(p) => {
                let style = Style::of_kind(p.kind);
                let number = |v: Decimal| Cell::Number(v.to_f64().unwrap_or(0.0), style);
                match &p.value {
                    Uncertain::Point(v) => {
                        row.extend([Cell::Empty, number(*v), Cell::Empty, Cell::text("point")])
                    }
                    Uncertain::Range(range) => row.extend([
                        number(range.low),
                        number(range.central),
                        number(range.high),
                        Cell::text(range.dist.name()),
                    ]),
                }
            }
            None => row.extend([Cell::Empty, Cell::Empty, Cell::Empty, Cell::Empty]),
        }
        row.push(Cell::or_empty(
            line.loc.map(|l| Cell::text(sources.describe(l))),
        ));
        t.rows.push(row);
    }
    t
}

/// What the workbook is: the scenario, the tool, the draws, cash or real.
fn notes_table(s: &Scenario, draws: Option<(u64, u64)>, command: &str) -> Table {
    let mut t = Table::new("Notes", vec!["Item".into(), "Value".into()], 1);
    let mut note = |k: &str, v: String| t.rows.push(vec![Cell::text(k), Cell::text(v)]);
    note("Scenario", s.name.clone());
    if let Some(d) = &s.description {
        note(
            "Description",
            d.split_whitespace().collect::<Vec<_>>().join(" "),
        );
    }
    note(
        "Made by",
        format!("pool-model {} ({command})", env!("CARGO_PKG_VERSION")),
    );
    note("Base year", s.start.to_string());
    note("Years projected", super::numbers::years_projected(s));
    note(
        "Cash or real",
        if command == "sensitivity --tail" {
            format!(
                "Inputs are in their own units; NPVs are {}.",
                appraisal_basis(s)
            )
        } else if command == "sensitivity" {
            format!(
                "Cumulative net savings are cash (nominal pounds, as budgets are set); NPVs, their swing and switching values are {}.",
                appraisal_basis(s)
            )
        } else {
            format!(
                "Every sheet is cash (nominal pounds, as budgets are set) but the Appraisal sheet's present values, PVs and NPV, which are {}.",
                appraisal_basis(s)
            )
        },
    );
    note("Discounting", discounting(s.discount_rate));
    match draws {
        Some((n, seed)) => {
            note("Monte Carlo draws", n.to_string());
            note("Seed", seed.to_string());
            note(
                "Percentiles",
                s.percentiles
                    .iter()
                    .map(|p| format!("p{p}"))
                    .collect::<Vec<_>>()
                    .join(", "),
            );
        }
        None if command == "sensitivity --tail" => {}
        None => note("Monte Carlo", "not run (central case only)".into()),
    }
    if draws.is_some() || command == "sensitivity --tail" {
        for line in super::numbers::correlation_lines(s) {
            note("Correlated", line);
        }
    }
    note(
        "Central case",
        if draws.is_some() {
            "Every range at its central value (the mode of a triangular or PERT range); the expected value is the mean of the draws."
        } else {
            "Every range at its central value (the mode of a triangular or PERT range)."
        }
        .into(),
    );
    note(
        "Money",
        "In pounds, to the penny; shown to the pound.".into(),
    );
    t
}

/// The workbook of `pool-model sensitivity`.
pub fn sensitivity(r: &SensitivityReport<'_>, sources: &SourceMap) -> Result<Vec<u8>, XlsxError> {
    let s = r.scenario;
    if let Some(tail) = r.tail {
        let mut notes = notes_table(s, None, "sensitivity --tail");
        let side = if tail.of.lower() {
            "at or below"
        } else {
            "at or above"
        };
        for (k, v) in [
            ("Monte Carlo draws", tail.draws.to_string()),
            ("Seed", tail.seed.to_string()),
            (
                "Tail",
                format!(
                    "The {} draws whose NPV is {side} its p{}, £{}",
                    tail.in_tail,
                    tail.of.0,
                    super::numbers::pounds(tail.threshold)
                ),
            ),
            (
                "NPV's mean in the tail, and in every draw",
                format!(
                    "£{} and £{}",
                    super::numbers::pounds(tail.npv_tail_mean),
                    super::numbers::pounds(tail.npv_mean)
                ),
            ),
        ] {
            notes.rows.push(vec![Cell::text(k), Cell::text(v)]);
        }
        return workbook(&[tail_table(s, tail), inputs_table(s, sources), notes]);
    }
    let last = s.year(s.horizon);
    let mut t = Table::new(
        "Sensitivity",
        [
            "Rank".to_string(),
            "Value".to_string(),
            "Low".to_string(),
            "High".to_string(),
            format!("Cumulative net savings to {last} at low (cash, £)"),
            format!("Cumulative net savings to {last} at high (cash, £)"),
            "NPV at low (real, £)".to_string(),
            "NPV at high (real, £)".to_string(),
            "NPV swing (real, £)".to_string(),
            "Switching value".to_string(),
            "Relative change from central".to_string(),
            "Key (for --set)".to_string(),
        ]
        .to_vec(),
        2,
    );
    for (i, bar) in r.tornado.bars.iter().enumerate() {
        let style = Style::of_kind(s.param(bar.param).map_or(Kind::Number, |p| p.kind));
        let number = |v: Decimal| Cell::Number(v.to_f64().unwrap_or(0.0), style);
        t.rows.push(vec![
            Cell::Number(i as f64 + 1.0, Style::Plain),
            Cell::text(&bar.label),
            number(bar.low),
            number(bar.high),
            Cell::money(bar.at_low.cumulative),
            Cell::money(bar.at_high.cumulative),
            Cell::money(bar.at_low.npv),
            Cell::money(bar.at_high.npv),
            Cell::money(bar.swing),
            bar.switching
                .map_or(Cell::text("none"), |v| number(v.value)),
            Cell::or_empty(bar.switching.and_then(|v| v.change).map(Cell::fraction)),
            Cell::text(&bar.name),
        ]);
    }
    workbook(&[
        t,
        inputs_table(s, sources),
        notes_table(s, None, "sensitivity"),
    ])
}

/// `sensitivity --tail`: each input's mean over every draw and over the
/// tail, in its own unit.
fn tail_table(s: &Scenario, tail: &crate::uncertainty::tail::Tail) -> Table {
    let p = tail.of.0;
    let side = if tail.of.lower() {
        "at or below"
    } else {
        "at or above"
    };
    let mut t = Table::new(
        "Tail drivers",
        [
            "Rank".to_string(),
            "Value".to_string(),
            "Mean, every draw".to_string(),
            format!("Mean, NPV {side} p{p}"),
            "Moved".to_string(),
            "Standard deviation".to_string(),
            "Moved, in standard deviations".to_string(),
            "Key (for --set)".to_string(),
        ]
        .to_vec(),
        2,
    );
    for (i, d) in tail.drivers.iter().enumerate() {
        let style = Style::of_kind(s.param(d.param).map_or(Kind::Number, |p| p.kind));
        let number = |v: Decimal| Cell::Number(v.to_f64().unwrap_or(0.0), style);
        t.rows.push(vec![
            Cell::Number(i as f64 + 1.0, Style::Plain),
            Cell::text(&d.label),
            number(d.mean),
            number(d.tail_mean),
            number(d.moved()),
            number(d.sd),
            Cell::Number(d.shift.to_f64().unwrap_or(0.0), Style::Plain),
            Cell::text(&d.name),
        ]);
    }
    t
}

/// The workbook of `pool-model appraise`: one row per option.
pub fn appraise(r: &AppraiseReport<'_>) -> Result<Vec<u8>, XlsxError> {
    use crate::shortlist::Largest;
    let list = r.shortlist;
    let percentiles = list.percentiles();
    let mut header: Vec<String> = [
        "Option",
        "Name",
        "File",
        "Comparable with option 1",
        "PV of savings (real, £)",
        "PV of costs (real, £)",
        "NPV (real, £)",
        "NPV before optimism bias (£)",
        "Benefit-cost ratio",
        "Expected NPV (£)",
        "Chance NPV < 0",
    ]
    .map(String::from)
    .to_vec();
    header.extend(percentiles.iter().map(|p| format!("NPV p{p} (£)")));
    header.extend(
        [
            "Value that moves NPV most",
            "Its NPV swing (£)",
            "Its switching value",
            "Relative change from central",
        ]
        .map(String::from),
    );
    let mut t = Table::new("Options", header, 2);
    for (i, o) in list.options.iter().enumerate() {
        let a = &o.central.appraisal;
        let ranges = o.ranges.as_ref();
        let mut row = vec![
            Cell::Number(i as f64 + 1.0, Style::Plain),
            Cell::text(&o.scenario.name),
            Cell::text(&o.file),
            Cell::text(if list.comparable(i) { "yes" } else { "no" }),
            Cell::money(a.pv_savings),
            Cell::money(a.pv_costs),
            Cell::money(o.central.npv),
            Cell::money(a.npv_before_optimism_bias),
            Cell::or_empty(a.bcr.map(|b| Cell::value(b, Unit::Ratio))),
            Cell::or_empty(ranges.and_then(|r| r.mean(Metric::Npv, 0)).map(Cell::money)),
            Cell::or_empty(
                ranges
                    .and_then(|r| r.below_zero(Metric::Npv, 0))
                    .map(Cell::fraction),
            ),
        ];
        for &q in &percentiles {
            row.push(Cell::or_empty(
                ranges
                    .and_then(|r| r.value(Metric::Npv, 0, q))
                    .map(Cell::money),
            ));
        }
        match &o.largest {
            Largest::Bar(bar) => {
                let style =
                    Style::of_kind(o.scenario.param(bar.param).map_or(Kind::Number, |p| p.kind));
                row.extend([
                    Cell::text(&bar.label),
                    Cell::money(bar.swing),
                    bar.switching.map_or(Cell::text("none"), |v| {
                        Cell::Number(v.value.to_f64().unwrap_or(0.0), style)
                    }),
                    Cell::or_empty(bar.switching.and_then(|v| v.change).map(Cell::fraction)),
                ]);
            }
            Largest::Nothing => row.push(Cell::text("no ranged value moves NPV")),
            Largest::TooMuchWork => row.push(Cell::text("too many ranged values to vary")),
        }
        t.rows.push(row);
    }
    let mut notes = Table::new("Notes", vec!["Item".into(), "Value".into()], 1);
    let mut note = |k: &str, v: String| notes.rows.push(vec![Cell::text(k), Cell::text(v)]);
    note(
        "Made by",
        format!("pool-model {} (appraise)", env!("CARGO_PKG_VERSION")),
    );
    note(
        "What it is",
        "An options appraisal: each option against its own counterfactual (business as usual)."
            .into(),
    );
    if let Some(first) = list.options.first() {
        note(
            "Appraisal basis of option 1",
            appraisal_basis(&first.scenario),
        );
    }
    for w in list.warnings() {
        note("Warning", w);
    }
    if let Some(best) = list.highest_npv() {
        note("Highest NPV", format!("option {}", best + 1));
    }
    workbook(&[t, notes])
}

/// The workbook of `pool-model diff`: the inputs and the results that differ.
pub fn diff(r: &DiffReport<'_>) -> Result<Vec<u8>, XlsxError> {
    let c = r.comparison;
    let mut inputs = Table::new(
        "Inputs",
        vec!["Key (--set path)".into(), "A".into(), "B".into()],
        1,
    );
    for i in &c.inputs {
        inputs.rows.push(vec![
            Cell::text(&i.key),
            Cell::or_empty(i.a.as_ref().map(Cell::text)),
            Cell::or_empty(i.b.as_ref().map(Cell::text)),
        ]);
    }
    let mut results = Table::new(
        "Results",
        [
            "Year", "Metric", "Service", "Setting", "Partner", "Case", "A", "B", "B - A",
        ]
        .map(String::from)
        .to_vec(),
        6,
    );
    for x in &c.results {
        let v = |d: Option<Decimal>| Cell::or_empty(d.map(|d| Cell::value(d, x.unit)));
        results.rows.push(vec![
            Cell::text(&x.year),
            Cell::text(&x.metric),
            Cell::text(&x.service),
            Cell::text(&x.setting),
            Cell::text(&x.partner),
            Cell::text(&x.case),
            v(x.a),
            v(x.b),
            v(x.difference()),
        ]);
    }
    let mut notes = Table::new("Notes", vec!["Item".into(), "Value".into()], 1);
    let mut note = |k: &str, v: String| notes.rows.push(vec![Cell::text(k), Cell::text(v)]);
    note(
        "Made by",
        format!("pool-model {} (diff)", env!("CARGO_PKG_VERSION")),
    );
    note("A", format!("{} ({})", r.a_file, r.a.name));
    note("B", format!("{} ({})", r.b_file, r.b.name));
    note(
        "Results compared",
        format!("{} differ, {} the same", c.results.len(), c.unchanged),
    );
    workbook(&[inputs, results, notes])
}

/// The workbook of `pool-model monitor` and `pool-model settle`: a sheet
/// per table of the report ([`super::statement`]), money to the penny,
/// then Notes.
pub fn monitor(r: &MonitorReport<'_>) -> Result<Vec<u8>, XlsxError> {
    use super::statement::Value;
    let st = super::statement::statement(r);
    let mut tables = Vec::new();
    for sheet in &st.sheets {
        let header = sheet.header.iter().map(|h| h.replace('\n', " ")).collect();
        let mut t = Table::new(sheet.name, header, u16::try_from(sheet.labels).unwrap_or(1));
        for row in &sheet.rows {
            t.rows.push(
                row.iter()
                    .map(|v| match v {
                        Value::Empty => Cell::Empty,
                        Value::Text(x) => Cell::text(x),
                        Value::Money(m) => {
                            Cell::Number(round(*m, 2).to_f64().unwrap_or(0.0), Style::Pence)
                        }
                        Value::Share(f) => Cell::fraction(*f),
                    })
                    .collect(),
            );
        }
        tables.push(t);
    }
    let mut notes = Table::new("Notes", vec!["Item".into(), "Value".into()], 1);
    let mut note = |k: &str, v: String| notes.rows.push(vec![Cell::text(k), Cell::text(v)]);
    note("Plan", r.scenario.name.clone());
    note(
        "Made by",
        format!(
            "pool-model {} ({})",
            env!("CARGO_PKG_VERSION"),
            if r.year_end { "settle" } else { "monitor" }
        ),
    );
    note("Report", st.subtitle.clone());
    for line in &st.closing {
        note("Note", line.clone());
    }
    note(
        "Figures",
        "Cash (nominal pounds, as budgets are set), to the penny.".into(),
    );
    tables.push(notes);
    workbook(&tables)
}
