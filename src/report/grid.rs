//! The tables of a projection, independent of how they are drawn.
//!
//! `--format table` and `--format markdown` show the same tables; this module
//! builds them once as [`Grid`]s of formatted cells (money in £m to 1 dp,
//! shares as percents, counts), and each format only draws them. A user's
//! text (names, file paths, values in a diff) enters a grid through
//! [`shown`], so a newline in a name can never pass for a line break.

use rust_decimal::Decimal;

use super::numbers::{appraisal_basis, chance, fixed, millions, people, percent, round};
use crate::display;
use crate::engine::{Projection, YearSummary};
use crate::metric::Metric;
use crate::scenario::Scenario;
use crate::uncertainty::Ranges;

/// One table: a title, a header row and rows of formatted cells. Columns
/// from `first_number` on hold numbers and are right-aligned. A header cell
/// may break over two lines with `\n`.
#[derive(Clone, Debug, PartialEq)]
pub struct Grid {
    pub title: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub first_number: usize,
}

/// A user's text as a grid shows it: see [`display::escape`].
pub fn shown(text: &str) -> String {
    display::escape(text).into_owned()
}

/// Text with the tool's own line breaks (a two-line header, the two files
/// a diff names), each line shown through [`display::escape`]. The drawers
/// pass everything through this or [`shown`] once more, so text that
/// reached a grid without [`shown`] is still safe (escaping is idempotent).
pub use display::escape_lines as shown_lines;

impl Grid {
    fn new(title: impl Into<String>, header: Vec<String>, first_number: usize) -> Grid {
        Grid {
            title: title.into(),
            header,
            rows: Vec::new(),
            first_number,
        }
    }
}

/// Everything a person-facing projection shows, in order.
pub struct ProjectionTables {
    /// The scenario's name.
    pub name: String,
    /// Base year, years projected and which case is shown.
    pub subtitle: String,
    pub grids: Vec<Grid>,
    /// The NPV sentence.
    pub closing: String,
}

/// Builds the tables of a projection: central tables, then the ranges;
/// those `layout` asks for, years down or across.
pub fn projection_tables(
    s: &Scenario,
    p: &Projection,
    ranges: Option<&Ranges>,
    layout: &super::Layout,
) -> ProjectionTables {
    use super::TableKind;
    let mut kinds = vec![
        (
            TableKind::Summary,
            by_year_table(s, p, "Summary by year (cash)", &summary_columns(s)),
        ),
        (
            TableKind::Summary,
            by_year_table(
                s,
                p,
                "Where the savings come from (cash)",
                &sources_columns(s),
            ),
        ),
        (TableKind::Services, services_table(s, p)),
    ];
    for (i, service) in s.services.iter().enumerate() {
        if !service.settings.iter().all(|k| k.implicit) {
            kinds.push((TableKind::Settings, settings_table(s, p, i)));
        }
    }
    if !s.workforce.is_empty() {
        kinds.push((TableKind::Workforce, workforce_table(s, p)));
    }
    kinds.push((TableKind::Partners, partner_table(s, p)));
    kinds.push((TableKind::Appraisal, appraisal_table(s, p)));
    let mut closing = npv_line(s, p);
    if let Some(r) = ranges {
        kinds.extend(
            range_tables(s, p, r)
                .into_iter()
                .map(|g| (TableKind::Ranges, g)),
        );
        closing.push_str(&npv_range(r));
        for line in super::numbers::correlation_lines(s) {
            closing.push_str("\nCorrelated in Monte Carlo: ");
            closing.push_str(&line);
            closing.push('.');
        }
        if let Some(note) = precision_note(s, r) {
            closing.push('\n');
            closing.push_str(&note);
        }
    }
    let grids = kinds
        .into_iter()
        .filter(|(k, _)| layout.tables.is_empty() || layout.tables.contains(k))
        .map(|(_, g)| {
            if layout.years_across {
                years_across(&g)
            } else {
                g
            }
        })
        .collect();
    ProjectionTables {
        name: shown(&s.name),
        subtitle: subtitle(s),
        grids,
        closing,
    }
}

/// "central (pLOW to pHIGH)" or "central (pNN)".
fn range_label(r: &Ranges) -> String {
    match (r.percentiles.first(), r.percentiles.last()) {
        (Some(lo), Some(hi)) if lo != hi => format!("central (p{lo} to p{hi})"),
        (Some(p), _) => format!("central (p{p})"),
        _ => "central".to_string(),
    }
}

/// A central value with its outer percentiles: `£17.5m (£12.1m to £22.3m)`.
fn with_range(central: Decimal, r: &Ranges, metric: Metric, t: usize) -> String {
    let at = |p: Option<&u8>| p.and_then(|p| r.value(metric, t, *p));
    match (at(r.percentiles.first()), at(r.percentiles.last())) {
        (Some(lo), Some(hi)) if r.percentiles.len() > 1 => {
            format!(
                "{} ({} to {})",
                millions(central),
                millions(lo),
                millions(hi)
            )
        }
        (Some(v), _) => format!("{} ({})", millions(central), millions(v)),
        _ => millions(central),
    }
}

fn draws_note(r: &Ranges) -> String {
    format!(
        "{} draw{}, seed {}",
        super::numbers::count(Decimal::from(r.draws)),
        if r.draws == 1 { "" } else { "s" },
        r.seed
    )
}

/// The uncertainty tables: pool figures and partners with their ranges, and
/// every percentile of cumulative net savings and NPV.
fn range_tables(s: &Scenario, p: &Projection, r: &Ranges) -> Vec<Grid> {
    let label = range_label(r);
    let mut pool = Grid::new(
        format!("Ranges: {label} from {}", draws_note(r)),
        [
            "Year",
            "Net savings",
            "Cumulative net savings",
            "Gross savings",
            "Scenario spend",
        ]
        .map(String::from)
        .to_vec(),
        1,
    );
    let metrics = [
        Metric::NetSavings,
        Metric::CumulativeNetSavings,
        Metric::GrossSavings,
        Metric::Scenario,
    ];
    for t in 0..p.years.len() {
        let mut row = vec![s.year(t as u32).to_string()];
        for m in metrics {
            let central = p.metric(m, t).unwrap_or_default();
            row.push(with_range(central, r, m, t));
        }
        pool.rows.push(row);
    }
    let mut header = vec!["Year".to_string()];
    header.extend(s.partners.iter().map(|x| shown(&x.name)));
    let mut partners = Grid::new(format!("Partners' net contribution: {label}"), header, 1);
    for t in 0..p.years.len() {
        let mut row = vec![s.year(t as u32).to_string()];
        for i in 0..s.partners.len() {
            let m = Metric::NetContribution(i);
            row.push(with_range(p.metric(m, t).unwrap_or_default(), r, m, t));
        }
        partners.rows.push(row);
    }
    let mut header = vec!["Year".to_string()];
    header.extend(r.percentiles.iter().map(|p| format!("p{p}")));
    header.extend(["Mean".to_string(), "Chance\nbelow zero".to_string()]);
    let mut detail = Grid::new(
        "Percentiles of cumulative net savings (cash), and NPV (real)",
        header,
        1,
    );
    let moments = |m: Metric, t: usize| {
        [
            r.mean(m, t).map_or(String::new(), millions),
            r.below_zero(m, t).map_or(String::new(), chance),
        ]
    };
    for t in 0..p.years.len() {
        let mut row = vec![s.year(t as u32).to_string()];
        row.extend(r.percentiles.iter().map(|&q| {
            r.value(Metric::CumulativeNetSavings, t, q)
                .map_or(String::new(), millions)
        }));
        row.extend(moments(Metric::CumulativeNetSavings, t));
        detail.rows.push(row);
    }
    let mut row = vec!["NPV".to_string()];
    row.extend(
        r.percentiles
            .iter()
            .map(|&q| r.value(Metric::Npv, 0, q).map_or(String::new(), millions)),
    );
    row.extend(moments(Metric::Npv, 0));
    detail.rows.push(row);
    vec![pool, partners, detail]
}

/// A footnote when Monte Carlo's standard error is more than half the
/// £0.1m a table prints: which figure is least precise, and the draws
/// that would steady it.
pub fn precision_note(s: &Scenario, r: &Ranges) -> Option<String> {
    use crate::uncertainty::precision::{DEFAULT_TARGET, draws_for, largest_error};
    let (error, what) = largest_error(s, r)?;
    if error <= DEFAULT_TARGET {
        return None;
    }
    let most = crate::uncertainty::largest_draws(s, crate::limits::MAX_DRAWS);
    let more = draws_for(r.draws, error, DEFAULT_TARGET, most);
    let advice = if more > r.draws {
        format!(
            "; about {} draws would bring it under {}, by this run's estimate (--draws auto does so for the NPV's percentiles)",
            super::numbers::count(Decimal::from(more)),
            super::numbers::millions_to(DEFAULT_TARGET, 2),
        )
    } else {
        String::new()
    };
    Some(format!(
        "Monte Carlo standard error up to {} ({what}) with {} draws, more than half the £0.1m printed{advice}.",
        super::numbers::millions_to(error, 2),
        super::numbers::count(Decimal::from(r.draws)),
    ))
}

/// The NPV's range, appended to the NPV sentence.
fn npv_range(r: &Ranges) -> String {
    let parts: Vec<String> = r
        .percentiles
        .iter()
        .filter_map(|&q| {
            r.value(Metric::Npv, 0, q)
                .map(|v| format!("p{q} {}", millions(v)))
        })
        .collect();
    let mut out = if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join(", "))
    };
    if let (Some(mean), Some(loss)) = (r.mean(Metric::Npv, 0), r.below_zero(Metric::Npv, 0)) {
        out.push_str(&format!(
            "; expected {}; {} chance NPV < 0",
            millions(mean),
            chance(loss)
        ));
    }
    out
}

/// Base year, years projected and which case is shown.
pub fn subtitle(s: &Scenario) -> String {
    let case = if s.has_ranges() {
        "Central case: every range at its central value."
    } else {
        "Every value is a point: no ranges."
    };
    // Two lines, each narrower than 100 columns.
    format!(
        "Base year {}, projected {} ({} year{}).\n{case}",
        s.start,
        super::numbers::years_projected(s),
        s.horizon,
        if s.horizon == 1 { "" } else { "s" }
    )
}

/// The NPV sentence that closes a projection.
pub fn npv_line(s: &Scenario, p: &Projection) -> String {
    format!(
        "Net present value, {} ({}): {}",
        super::numbers::years_projected(s),
        appraisal_basis(s),
        millions(p.npv)
    )
}

/// Columns of a by-year table: header and how to read the value.
type Column = (&'static str, fn(&YearSummary) -> Decimal);

/// The summary: what the pool spends and saves, net of costs, and what
/// the risk share leaves unallocated. Narrow enough for 100 columns; where
/// the savings come from is the next table.
fn summary_columns(s: &Scenario) -> Vec<Column> {
    let mut cols: Vec<Column> = vec![
        ("Counter-\nfactual", |y| y.counterfactual),
        ("Scenario", |y| y.scenario),
        ("Gross\nsavings", |y| y.gross_savings),
        ("Costs", |y| y.costs),
        ("Net\nsavings", |y| y.net_savings),
        ("Cumulative\nnet savings", |y| y.cumulative_net_savings),
    ];
    if !s.variances.is_empty() {
        cols.push(("Variances", |y| y.variances));
        cols.push(("Unallo-\ncated", |y| y.unallocated));
    }
    cols
}

/// Where the gross savings come from.
fn sources_columns(s: &Scenario) -> Vec<Column> {
    let mut cols: Vec<Column> = vec![
        ("Shift of care", |y| y.shift_savings),
        ("Efficiency", |y| y.efficiency_savings),
    ];
    if !s.workforce.is_empty() {
        cols.push(("Workforce", |y| y.workforce_savings));
    }
    cols.push(("Gross savings", |y| y.gross_savings));
    cols
}

fn by_year_table(s: &Scenario, p: &Projection, title: &str, cols: &[Column]) -> Grid {
    let mut header = vec!["Year".to_string()];
    header.extend(cols.iter().map(|(h, _)| h.to_string()));
    let mut t = Grid::new(title, header, 1);
    for (year, y) in p.years.iter().enumerate() {
        let mut row = vec![s.year(year as u32).to_string()];
        row.extend(cols.iter().map(|(_, f)| millions(f(y))));
        t.rows.push(row);
    }
    t
}

/// A table with years down its first column turned to years across, as
/// finance papers lay them out: a row for each label (service, setting,
/// partner) and measure, a column for each year. A year's later rows
/// leave the year blank; they are its.
pub fn years_across(g: &Grid) -> Grid {
    let labels = g.first_number.saturating_sub(1);
    let mut years: Vec<String> = Vec::new();
    // (label cells, measure) -> value per year.
    let mut rows: Vec<(Vec<String>, String, Vec<String>)> = Vec::new();
    let mut year = String::new();
    for row in &g.rows {
        let first = row.first().cloned().unwrap_or_default();
        if !first.is_empty() {
            year = first;
        }
        let column = match years.iter().position(|y| *y == year) {
            Some(i) => i,
            None => {
                years.push(year.clone());
                years.len() - 1
            }
        };
        let key: Vec<String> = row.iter().skip(1).take(labels).cloned().collect();
        for (m, measure) in g.header.iter().enumerate().skip(g.first_number) {
            let measure = measure.replace("-\n", "").replace('\n', " ");
            let value = row.get(m).cloned().unwrap_or_default();
            let at = match rows
                .iter()
                .position(|(k, me, _)| *k == key && *me == measure)
            {
                Some(i) => i,
                None => {
                    rows.push((key.clone(), measure.clone(), Vec::new()));
                    rows.len() - 1
                }
            };
            if let Some((_, _, values)) = rows.get_mut(at) {
                values.resize(column, String::new());
                values.push(value);
            }
        }
    }
    let mut header: Vec<String> = g.header.iter().skip(1).take(labels).cloned().collect();
    header.push("Measure".into());
    header.extend(years.iter().cloned());
    let mut out = Grid::new(g.title.clone(), header, labels + 1);
    let mut previous: Vec<String> = Vec::new();
    for (key, measure, mut values) in rows {
        values.resize(years.len(), String::new());
        // A label is shown once, on its first row.
        let shown_key: Vec<String> = if key == previous {
            vec![String::new(); key.len()]
        } else {
            key.clone()
        };
        previous = key;
        let mut row = shown_key;
        row.push(measure);
        row.extend(values);
        out.rows.push(row);
    }
    out
}

/// The appraisal (SPEC 3.7), year by year, then its totals.
fn appraisal_table(s: &Scenario, p: &Projection) -> Grid {
    let a = &p.appraisal;
    let header = [
        "Year",
        "Price\nindex",
        "Discount\nfactor",
        "Savings after\noptimism bias\n(cash)",
        "Costs after\noptimism bias\n(cash)",
        "Present\nvalue\n(real)",
    ];
    let mut t = Grid::new(
        format!("Appraisal ({})", appraisal_basis(s)),
        header.iter().map(|h| h.to_string()).collect(),
        1,
    );
    for (y, year) in a.years.iter().zip(1u32..) {
        t.rows.push(vec![
            s.year(year).to_string(),
            fixed(y.deflator_index, 4),
            fixed(y.discount_factor, 4),
            millions(y.savings),
            millions(y.costs),
            millions(y.present_value),
        ]);
    }
    let total = |label: &str, value: String| {
        let mut row = vec![label.to_string(), String::new(), String::new()];
        row.extend([String::new(), String::new(), value]);
        row
    };
    t.rows.push(total("PV of savings", millions(a.pv_savings)));
    t.rows.push(total("PV of costs", millions(a.pv_costs)));
    t.rows.push(total("NPV", millions(a.npv)));
    t.rows.push(total(
        "NPV before optimism bias",
        millions(a.npv_before_optimism_bias),
    ));
    t.rows.push(total(
        "Benefit-cost ratio",
        a.bcr
            .map_or_else(|| "none (no costs)".into(), |b| fixed(b, 2)),
    ));
    t
}

fn services_table(s: &Scenario, p: &Projection) -> Grid {
    let any_shift = s.services.iter().any(|x| x.shift.is_some());
    let any_people = p
        .services
        .iter()
        .any(|x| x.years.iter().any(|y| y.people_moved.is_some()));
    let mut header = vec![
        "Year".to_string(),
        "Service".to_string(),
        "Counterfactual".to_string(),
    ];
    if any_shift {
        // Both are levels against the counterfactual (SPEC 3.2), not moves
        // made in the year.
        header.push("Spend moved\n(vs counter-\nfactual)".into());
        if any_people {
            header.push("People moved\n(vs counter-\nfactual)".into());
        }
    }
    header.extend(["Gross savings", "Costs", "Net savings", "Spend"].map(String::from));
    let mut t = Grid::new("Services", header, 2);
    for year in 0..p.years.len() {
        for (i, (service, projection)) in s.services.iter().zip(&p.services).enumerate() {
            let Some(y) = projection.years.get(year) else {
                continue;
            };
            let label = if i == 0 {
                s.year(year as u32).to_string()
            } else {
                String::new()
            };
            let mut row = vec![label, shown(&service.name), millions(y.counterfactual)];
            if any_shift {
                row.push(if service.shift.is_some() {
                    millions(y.moved)
                } else {
                    String::new()
                });
                if any_people {
                    row.push(y.people_moved.map(people).unwrap_or_default());
                }
            }
            row.extend([
                millions(y.gross_savings),
                millions(y.costs),
                millions(y.net_savings),
                millions(y.spend),
            ]);
            t.rows.push(row);
        }
    }
    t
}

fn settings_table(s: &Scenario, p: &Projection, i: usize) -> Grid {
    let (Some(service), Some(projection)) = (s.services.get(i), p.services.get(i)) else {
        return Grid::new("", Vec::new(), 0);
    };
    let lead = s.partners.get(service.lead).map_or("", |x| x.name.as_str());
    let title = format!(
        "{}: spend and share by care setting after the shift (lead commissioner: {})",
        shown(&service.name),
        shown(lead)
    );
    let with_people = service.settings.iter().any(|k| k.unit_cost.is_some());
    let mut header = vec!["Year", "Setting", "Spend", "Share"];
    if with_people {
        header.push("People");
    }
    let mut t = Grid::new(title, header.into_iter().map(String::from).collect(), 2);
    for (year, y) in projection.years.iter().enumerate() {
        for (k, (setting, ky)) in service.settings.iter().zip(&y.settings).enumerate() {
            let label = if k == 0 {
                s.year(year as u32).to_string()
            } else {
                String::new()
            };
            let mut row = vec![
                label,
                shown(&setting.name),
                millions(ky.spend),
                percent(ky.share),
            ];
            if with_people {
                row.push(ky.people.map(people).unwrap_or_default());
            }
            t.rows.push(row);
        }
    }
    t
}

fn workforce_table(s: &Scenario, p: &Projection) -> Grid {
    let employers: Vec<usize> = (0..s.partners.len())
        .filter(|&i| {
            p.workforce
                .iter()
                .any(|w| w.years.iter().any(|y| y.employer == i))
        })
        .collect();
    let mut header = vec!["Year".to_string()];
    for &i in &employers {
        header.push(format!(
            "Staff: {}",
            shown(s.partners.get(i).map_or("", |x| x.name.as_str()))
        ));
    }
    header.extend(["Pay", "Workforce savings", "Redundancy costs"].map(String::from));
    let mut t = Grid::new("Workforce", header, 1);
    for (year, y) in p.years.iter().enumerate() {
        let mut row = vec![s.year(year as u32).to_string()];
        for &i in &employers {
            let staff = p
                .partners
                .get(i)
                .and_then(|x| x.years.get(year))
                .map_or(Decimal::ZERO, |x| x.staff);
            row.push(people(staff));
        }
        let pay: Decimal = p
            .workforce
            .iter()
            .filter_map(|w| w.years.get(year))
            .map(|w| w.pay)
            .sum();
        row.extend([
            millions(pay),
            millions(y.workforce_savings),
            millions(y.redundancy_costs),
        ]);
        t.rows.push(row);
    }
    t
}

fn partner_table(s: &Scenario, p: &Projection) -> Grid {
    let has_variances = !s.variances.is_empty();
    let has_unallocated = p.years.iter().any(|y| !y.unallocated.is_zero());
    let mut header = vec![
        "Year".to_string(),
        "Partner".to_string(),
        "Contribution".to_string(),
        "Savings share".to_string(),
    ];
    if has_variances {
        header.push("Variance share".into());
    }
    header.push("Net contribution".into());
    let mut t = Grid::new("Partners: contributions and risk share", header, 2);
    for (year, y) in p.years.iter().enumerate() {
        let label = s.year(year as u32).to_string();
        for (i, (partner, projection)) in s.partners.iter().zip(&p.partners).enumerate() {
            let Some(py) = projection.years.get(year) else {
                continue;
            };
            let shown_year = if i == 0 { label.clone() } else { String::new() };
            let mut row = vec![
                shown_year,
                shown(&partner.name),
                millions(py.contribution),
                millions(py.savings_share),
            ];
            if has_variances {
                row.push(millions(py.variance_share));
            }
            row.push(millions(py.net_contribution));
            t.rows.push(row);
        }
        if has_unallocated {
            let mut row = vec![
                String::new(),
                "Unallocated".to_string(),
                String::new(),
                String::new(),
            ];
            row.push(millions(y.unallocated));
            row.push(millions(y.unallocated));
            t.rows.push(row);
        }
    }
    t
}

/// Results that differ listed by table and Markdown without `--all`.
pub const DIFF_RESULTS_SHOWN: usize = 20;

/// The answer first: NPV, cumulative net savings by the horizon and each
/// partner's net contribution in its last year, A, B and the change
/// (central case, £m).
fn diff_headline(r: &super::DiffReport<'_>) -> Grid {
    let mut g = Grid::new(
        "Headline (central case)",
        ["Measure", "A", "B", "Change"].map(String::from).to_vec(),
        1,
    );
    let change = |a: Option<Decimal>, b: Option<Decimal>| match (a, b) {
        (Some(a), Some(b)) => {
            let d = b - a;
            if d > Decimal::ZERO {
                format!("+{}", millions(d))
            } else {
                millions(d)
            }
        }
        _ => String::new(),
    };
    let shown_m = |v: Option<Decimal>| v.map_or("(absent)".to_string(), millions);
    let mut row = |label: String, a: Option<Decimal>, b: Option<Decimal>| {
        g.rows
            .push(vec![label, shown_m(a), shown_m(b), change(a, b)]);
    };
    row(
        format!("NPV ({})", appraisal_basis(r.a)),
        Some(r.a_central.npv),
        Some(r.b_central.npv),
    );
    let last = |p: &Projection| p.years.last().map(|y| y.cumulative_net_savings);
    let label = |s: &Scenario| s.year(s.horizon).to_string();
    let by = if r.a.horizon == r.b.horizon {
        label(r.a)
    } else {
        format!("{} (A), {} (B)", label(r.a), label(r.b))
    };
    row(
        format!("Cumulative net savings by {by} (cash)"),
        last(r.a_central),
        last(r.b_central),
    );
    // Each partner of either, A's first, by id.
    let mut ids: Vec<(&str, &str)> =
        r.a.partners
            .iter()
            .map(|p| (p.id.as_str(), p.name.as_str()))
            .collect();
    for p in &r.b.partners {
        if !ids.iter().any(|(id, _)| *id == p.id) {
            ids.push((&p.id, &p.name));
        }
    }
    let net = |s: &Scenario, p: &Projection, id: &str| {
        let i = s.partner_index(id)?;
        p.partners.get(i)?.years.last().map(|y| y.net_contribution)
    };
    for (id, name) in ids {
        row(
            format!("Net contribution of {}, {by} (cash)", shown(name)),
            net(r.a, r.a_central, id),
            net(r.b, r.b_central, id),
        );
    }
    g
}

/// The tables of a diff: the headline, the inputs that differ, then the
/// results (the largest [`DIFF_RESULTS_SHOWN`] unless `--all`).
pub fn diff_tables(r: &super::DiffReport<'_>) -> ProjectionTables {
    use super::numbers::{exact_for_people, signed_for_people};
    let c = r.comparison;
    let absent = || "(absent)".to_string();
    let side = |v: &Option<String>| v.as_deref().map_or_else(absent, shown);
    let mut inputs = Grid::new(
        format!("Inputs that differ ({})", c.inputs.len()),
        vec!["Input".into(), "A".into(), "B".into()],
        3,
    );
    for i in &c.inputs {
        inputs
            .rows
            .push(vec![shown(&i.key), side(&i.a), side(&i.b)]);
    }
    let cut = !r.all && c.results.len() > DIFF_RESULTS_SHOWN;
    let mut results = Grid::new(
        if cut {
            format!(
                "Results that differ ({}): the {DIFF_RESULTS_SHOWN} largest (--all for every one)",
                c.results.len()
            )
        } else {
            format!("Results that differ ({}), largest first", c.results.len())
        },
        ["Year", "Metric", "Case", "A", "B", "Difference", "Change"]
            .map(String::from)
            .to_vec(),
        3,
    );
    let shown_results = if cut {
        DIFF_RESULTS_SHOWN
    } else {
        c.results.len()
    };
    for x in c.results.iter().take(shown_results) {
        let show = |v: Option<Decimal>| v.map_or_else(absent, |v| exact_for_people(v, x.unit));
        results.rows.push(vec![
            if x.year.is_empty() {
                "all years".into()
            } else {
                x.year.clone()
            },
            shown(&x.name()),
            shown(&x.case),
            show(x.a),
            show(x.b),
            x.difference()
                .map_or(String::new(), |d| signed_for_people(d, x.unit)),
            x.percent().map_or(String::new(), |p| {
                let r = super::numbers::round(p, 1);
                if r > Decimal::ZERO {
                    format!("+{r}%")
                } else {
                    format!("{r}%")
                }
            }),
        ]);
    }
    let mut grids = vec![diff_headline(r)];
    if !c.inputs.is_empty() {
        grids.push(inputs);
    }
    if !c.results.is_empty() {
        grids.push(results);
    }
    let verdict = if c.identical() {
        "The scenarios are identical.".to_string()
    } else {
        format!(
            "{} input(s) and {} result(s) differ; {} result(s) unchanged.",
            c.inputs.len(),
            c.results.len(),
            c.unchanged
        )
    };
    ProjectionTables {
        name: format!(
            "A: {} ({})\nB: {} ({})",
            shown(r.a_file),
            shown(&r.a.name),
            shown(r.b_file),
            shown(&r.b.name)
        ),
        subtitle: if c.results.iter().any(|x| x.case != "central") {
            "The central case and, as both scenarios have ranges, the Monte Carlo percentiles and means, compared as printed: money to the penny, shares to 6 dp."
        } else {
            "The central case compared as printed: money to the penny, shares to 6 dp."
        }
        .into(),
        grids,
        closing: verdict,
    }
}

/// `sensitivity --tail`: each input's mean over every draw and over the
/// tail's, largest shift first.
pub fn tail_tables(s: &Scenario, tail: &crate::uncertainty::tail::Tail) -> ProjectionTables {
    use super::numbers::{found_for_people, group};
    let p = tail.of.0;
    let (side, worst) = if tail.of.lower() {
        ("at or below", "worst")
    } else {
        ("at or above", "best")
    };
    let mut grid = Grid::new(
        format!(
            "Each ranged input's mean in the draws whose NPV is {side} its p{p}, against its mean in every draw; largest shift first"
        ),
        [
            "Rank",
            "Value",
            "Mean,\nevery draw",
            &format!("Mean, NPV\n{side} p{p}"),
            "Moved",
            "Moved, in standard\ndeviations",
        ]
        .map(String::from)
        .to_vec(),
        2,
    );
    for (i, d) in tail.drivers.iter().enumerate() {
        let kind = s
            .param(d.param)
            .map_or(crate::scenario::values::Kind::Number, |x| x.kind);
        let moved = d.moved();
        let signed = |text: String| {
            if moved > Decimal::ZERO {
                format!("+{text}")
            } else {
                text
            }
        };
        let shift = round(d.shift, 2);
        grid.rows.push(vec![
            (i + 1).to_string(),
            shown(&d.label),
            found_for_people(d.mean, kind),
            found_for_people(d.tail_mean, kind),
            // A rate's move is in percentage points.
            signed(match kind {
                crate::scenario::values::Kind::Percent => {
                    format!("{} pp", round(moved * Decimal::ONE_HUNDRED, 2))
                }
                _ => found_for_people(moved, kind),
            }),
            if shift > Decimal::ZERO {
                format!("+{}", group(&shift.to_string()))
            } else {
                group(&shift.to_string())
            },
        ]);
    }
    let subtitle = format!(
        "What drives the {worst} outcomes: the {} of {} Monte Carlo draws (seed {}) whose NPV is {side} its p{p}, {}.",
        super::numbers::count(Decimal::from(tail.in_tail)),
        super::numbers::count(Decimal::from(tail.draws)),
        tail.seed,
        millions(tail.threshold),
    );
    let closing = if tail.drivers.is_empty() {
        "The scenario has no ranged values: every draw is the central case.".to_string()
    } else {
        let m = tail.in_tail.max(1) as f64;
        let n = tail.draws.max(1) as f64;
        let noise = 2.0 * ((1.0 - m / n).max(0.0) / m).sqrt();
        format!(
            "NPV ({}) averages {} in these draws against {} in all. An input that moves by a large part of its own spread in the {worst} draws is what drives them; one that hardly moves does not matter there, however wide its range. With {} draws in the tail, a move within ±{noise:.2} standard deviations (two standard errors) is within sampling noise (docs/uncertainty.md).",
            super::numbers::appraisal_basis(s),
            millions(tail.npv_tail_mean),
            millions(tail.npv_mean),
            super::numbers::count(Decimal::from(tail.in_tail)),
        )
    };
    ProjectionTables {
        name: shown(&s.name),
        subtitle,
        grids: vec![grid],
        closing,
    }
}

/// The tornado table: one row per ranged value, largest swing first.
pub fn sensitivity_tables(r: &super::SensitivityReport<'_>) -> ProjectionTables {
    use super::numbers::{found_for_people, group, input_for_people};
    if let Some(tail) = r.tail {
        return tail_tables(r.scenario, tail);
    }
    let s = r.scenario;
    let t = r.tornado;
    let last = s.year(s.horizon);
    let mut grid = Grid::new(
        "Each ranged value alone at its low and its high end, everything else central; largest NPV swing first",
        [
            "Rank",
            "Value",
            "Low",
            "High",
            &format!("Cumulative net (cash)\nto {last}, at low"),
            "Cumulative net\nat high",
            "NPV (real)\nat low",
            "NPV\nat high",
            "NPV\nswing",
            "Switching\nvalue",
            "Relative change\nfrom central",
        ]
        .map(String::from)
        .to_vec(),
        4,
    );
    for (i, bar) in t.bars.iter().enumerate() {
        let kind = s
            .param(bar.param)
            .map_or(crate::scenario::values::Kind::Number, |p| p.kind);
        grid.rows.push(vec![
            (i + 1).to_string(),
            shown(&bar.label),
            input_for_people(bar.low, kind),
            input_for_people(bar.high, kind),
            millions(bar.at_low.cumulative),
            millions(bar.at_high.cumulative),
            millions(bar.at_low.npv),
            millions(bar.at_high.npv),
            millions(bar.swing),
            bar.switching
                .map_or("none".into(), |v| found_for_people(v.value, kind)),
            bar.switching
                .and_then(|v| v.change)
                .map_or(String::new(), |c| {
                    let p = format!(
                        "{}%",
                        group(&round(c * Decimal::ONE_HUNDRED, 1).to_string())
                    );
                    if c > Decimal::ZERO {
                        format!("+{p}")
                    } else {
                        p
                    }
                }),
        ]);
    }
    let subtitle = format!(
        "Sensitivity (exact): central cumulative net savings to {last} {}, NPV {}.",
        millions(t.central.cumulative),
        millions(t.central.npv)
    );
    let closing = if t.bars.is_empty() {
        "The scenario has no ranged values: there is nothing to vary.".to_string()
    } else {
        let zero = if t.central.npv.abs() <= Decimal::ONE {
            " NPV is zero in the central case, so every value's switching value is its central value."
        } else {
            ""
        };
        format!(
            "{} ranged value(s). Switching value: the value, everything else central, at which NPV ({}) is zero, nearest to central (within £1 of NPV); none where NPV does not reach zero within the values searched (docs/appraisal.md). The change is relative: (switching value - central) / central.{zero}",
            t.bars.len(),
            super::numbers::appraisal_basis(s)
        )
    };
    ProjectionTables {
        name: shown(&s.name),
        subtitle,
        grids: if t.bars.is_empty() {
            Vec::new()
        } else {
            vec![grid]
        },
        closing,
    }
}

/// The options appraisal (SPEC 4.3): the appraisal of each option, then its
/// uncertainty, one row per option in the order given.
pub fn appraise_tables(r: &super::AppraiseReport<'_>) -> ProjectionTables {
    use super::numbers::{found_for_people, group};
    use crate::metric::Metric;
    use crate::shortlist::Largest;
    let list = r.shortlist;
    let option = |i: usize, o: &crate::shortlist::Appraised| {
        let note = if list.comparable(i) {
            ""
        } else {
            " (not comparable)"
        };
        format!("{}. {}{note}", i + 1, shown(&o.scenario.name))
    };
    let mut appraisal = Grid::new(
        "Appraisal: each option against its own counterfactual (central case)",
        [
            "Option",
            "File",
            "PV of\nsavings",
            "PV of\ncosts",
            "NPV",
            "NPV before\noptimism bias",
            "Benefit-cost\nratio",
        ]
        .map(String::from)
        .to_vec(),
        2,
    );
    let mut uncertainty = Grid::new(
        "Uncertainty: Monte Carlo, and the value that moves NPV most with its switching value",
        [
            "Option",
            "Value that moves NPV most",
            "Expected\nNPV",
            "Chance\nNPV < 0",
            "NPV range",
            "NPV swing\nof that value",
            "Its switching value\n(change from central)",
        ]
        .map(String::from)
        .to_vec(),
        2,
    );
    for (i, o) in list.options.iter().enumerate() {
        let a = &o.central.appraisal;
        appraisal.rows.push(vec![
            option(i, o),
            shown(&o.file),
            millions(a.pv_savings),
            millions(a.pv_costs),
            millions(o.central.npv),
            millions(a.npv_before_optimism_bias),
            a.bcr.map_or("none".into(), |b| fixed(b, 2)),
        ]);
        let (expected, loss, range) = match &o.ranges {
            Some(ranges) => {
                let (lo, hi) = (
                    ranges.percentiles.first().copied().unwrap_or(10),
                    ranges.percentiles.last().copied().unwrap_or(90),
                );
                let at = |p| ranges.value(Metric::Npv, 0, p).map_or("-".into(), millions);
                (
                    ranges.mean(Metric::Npv, 0).map_or("-".into(), millions),
                    ranges.below_zero(Metric::Npv, 0).map_or("-".into(), chance),
                    format!("p{lo} {} to p{hi} {}", at(lo), at(hi)),
                )
            }
            None => ("-".into(), "-".into(), "no ranges".into()),
        };
        let (largest, swing, switching) = match &o.largest {
            Largest::Nothing => (
                "no ranged value moves NPV".into(),
                String::new(),
                String::new(),
            ),
            Largest::TooMuchWork => (
                "too many ranged values to vary (docs/limits.md)".into(),
                String::new(),
                String::new(),
            ),
            Largest::Bar(bar) => {
                let kind = o
                    .scenario
                    .param(bar.param)
                    .map_or(crate::scenario::values::Kind::Number, |p| p.kind);
                let switching = bar.switching.map_or("none".into(), |v| {
                    let value = found_for_people(v.value, kind);
                    match v.change {
                        Some(c) => {
                            let p = format!(
                                "{}%",
                                group(&round(c * Decimal::ONE_HUNDRED, 1).to_string())
                            );
                            let sign = if c > Decimal::ZERO { "+" } else { "" };
                            format!("{value} ({sign}{p})")
                        }
                        None => value,
                    }
                });
                (shown(&bar.label), millions(bar.swing), switching)
            }
        };
        uncertainty.rows.push(vec![
            option(i, o),
            largest,
            expected,
            loss,
            range,
            swing,
            switching,
        ]);
    }
    let basis = match list.options.first() {
        Some(o) if (0..list.options.len()).all(|i| list.comparable(i)) => {
            appraisal_basis(&o.scenario)
        }
        _ => "real, each option at its own price base and discounting (see the warnings)".into(),
    };
    let mut closing = Vec::new();
    for w in list.warnings() {
        closing.push(format!("Warning: {w}."));
    }
    if let Some(best) = list
        .highest_npv()
        .and_then(|i| list.options.get(i).map(|o| (i, o)))
    {
        closing.push(format!(
            "Highest NPV: option {}, {} ({}).",
            best.0 + 1,
            shown(&best.1.scenario.name),
            millions(best.1.central.npv)
        ));
    }
    if list.options.len() == 1 {
        closing.push(
            "One option only: a Green Book shortlist compares several, business as usual among them."
                .into(),
        );
    }
    closing.push(
        "Expected NPV is the mean of the draws; the central case takes each range at its central value (the mode of a triangular or PERT range). Switching value: where NPV is zero with that value alone moved (docs/appraisal.md)."
            .into(),
    );
    ProjectionTables {
        name: match list.options.len() {
            1 => "Options appraisal: 1 option".to_string(),
            n => format!("Options appraisal: {n} options"),
        },
        subtitle: format!(
            "NPV {basis}; each option against its own counterfactual (business as usual)."
        ),
        grids: vec![appraisal, uncertainty],
        closing: closing.join("\n"),
    }
}
