//! `pool-model report`: a one-page board report, a self-contained HTML page
//! a director reads in two minutes (docs/report.md).
//!
//! The headline first (real NPV with its range and the chance of a loss,
//! cumulative net savings by the horizon), then who pays and who bears the
//! risk, the shift of care, the charts, the key assumptions with the
//! sources the scenario cites, and how to read the figures (cash or real).
//! Everything is inline: styles, and the charts as SVG; no script, font or
//! image is fetched (a Content-Security-Policy of `default-src 'none'`
//! says so to the browser). A print stylesheet fits it on two A4 pages.
//! The same input gives the same bytes.

use rust_decimal::Decimal;

use super::numbers::{appraisal_basis, chance, found_for_people, millions, percent};
use crate::engine::Projection;
use crate::metric::Metric;
use crate::scenario::Scenario;
use crate::scenario::values::Kind;
use crate::shortlist::{Largest, Shortlist};
use crate::source::SourceMap;
use crate::uncertainty::Ranges;
use crate::uncertainty::sensitivity::Tornado;

/// Most key assumptions listed: the values that move NPV most.
const MOST_ASSUMPTIONS: usize = 6;

/// Bars of the tornado in the report: the rest are in `sensitivity`.
const BARS: usize = 8;

/// Why a board report could not be made from results already computed.
#[derive(Debug, thiserror::Error)]
pub enum BoardError {
    /// An exact run of the tornado failed (overflow).
    #[error(transparent)]
    Engine(#[from] crate::engine::EngineError),
    #[error(transparent)]
    Chart(#[from] crate::chart::ChartError),
}

/// The board report of one scenario from its central case and Monte Carlo
/// ranges: the tornado (left out when too many values are ranged to vary
/// one by one), the charts a director reads, and the page.
pub fn board_of(
    scenario: &Scenario,
    central: &Projection,
    ranges: Option<&Ranges>,
    sources: &SourceMap,
) -> Result<String, BoardError> {
    use crate::chart::{self, ChartError};
    use crate::uncertainty::sensitivity::{TornadoError, tornado_searching};
    // Switching values are shown for the bars drawn and the assumptions
    // listed only: the rest are not searched.
    let tornado = match tornado_searching(scenario, BARS.max(MOST_ASSUMPTIONS)) {
        Ok(t) => Some(t),
        Err(TornadoError::TooMuchWork { .. }) => None,
        Err(TornadoError::Engine(e)) => return Err(e.into()),
    };
    // Savings over time, the shift, and what matters most. A chart with
    // nothing to show is left out.
    let mut charts = Vec::new();
    let mut add = |title: &str, drawn: Result<String, ChartError>| match drawn {
        Ok(svg) => {
            charts.push((title.to_string(), svg));
            Ok(())
        }
        Err(ChartError::Nothing { .. }) => Ok(()),
        Err(e) => Err(e),
    };
    add(
        if ranges.is_some() {
            "Net savings by year, with the Monte Carlo range (cash)"
        } else {
            "Net savings by year (cash)"
        },
        chart::fan::chart(scenario, central, ranges),
    )?;
    add(
        "The shift of care: each setting's share of its service's spend",
        chart::shares::chart(scenario, central),
    )?;
    if let Some(t) = &tornado {
        add(
            "What moves NPV most, with each value's switching value",
            chart::tornado::chart_of(scenario, t, BARS),
        )?;
    }
    Ok(board(&Board {
        scenario,
        central,
        ranges,
        tornado: tornado.as_ref(),
        charts,
        sources,
    }))
}

/// What the board report of one scenario shows.
pub struct Board<'a> {
    pub scenario: &'a Scenario,
    pub central: &'a Projection,
    pub ranges: Option<&'a Ranges>,
    pub tornado: Option<&'a Tornado>,
    /// The charts, drawn: (title, SVG).
    pub charts: Vec<(String, String)>,
    pub sources: &'a SourceMap,
}

/// Text made safe for HTML: markup escaped, and whatever is unsafe to show
/// escaped as [`crate::display::escape`] shows it.
fn esc(text: &str) -> String {
    let shown = crate::display::escape(text);
    let mut out = String::with_capacity(shown.len());
    for c in shown.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
:root { --ink: #1a1a1a; --muted: #555; --rule: #ddd; --blue: #0072b2; --warn: #b35900; }
* { box-sizing: border-box; }
body { font-family: "Segoe UI", "Helvetica Neue", Arial, "Liberation Sans", sans-serif; color: var(--ink); margin: 0 auto; max-width: 1000px; padding: 24px; line-height: 1.4; font-size: 15px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 22px 0 8px; border-bottom: 2px solid var(--ink); padding-bottom: 2px; }
.sub, .note, figcaption { color: var(--muted); font-size: 13px; }
.headline { display: grid; grid-template-columns: repeat(3, 1fr); gap: 12px; margin: 16px 0; }
.figure { border: 1px solid var(--rule); border-top: 4px solid var(--blue); padding: 10px 12px; }
.figure .label { display: block; font-size: 13px; color: var(--muted); }
.figure .value { display: block; font-size: 28px; font-weight: 700; }
.figure .detail { display: block; font-size: 13px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { padding: 4px 6px; border-bottom: 1px solid var(--rule); text-align: left; vertical-align: top; }
th { border-bottom: 2px solid var(--ink); }
td.n, th.n { text-align: right; }
td.n { white-space: nowrap; }
td.name { min-width: 11em; }
td.caps { min-width: 13em; }
.warning { color: var(--warn); font-weight: 600; }
figure { margin: 8px 0 16px; break-inside: avoid; }
figure svg { width: 100%; height: auto; display: block; }
.charts { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
.charts figure.wide { grid-column: 1 / -1; }
ul.assumptions { padding-left: 18px; font-size: 13px; }
ul.assumptions li { margin-bottom: 6px; }
.source { color: var(--muted); }
footer { margin-top: 20px; font-size: 12px; color: var(--muted); }
@page { size: A4; margin: 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  h1 { font-size: 17pt; }
  h2 { font-size: 12pt; margin: 10px 0 5px; }
  .headline { margin: 8px 0; gap: 8px; }
  .figure { padding: 5px 8px; }
  .figure .value { font-size: 17pt; }
  .figure .label, .figure .detail, .sub, .note, figcaption, table, ul.assumptions, footer { font-size: 8pt; }
  th, td { padding: 2px 4px; }
  figure { margin: 4px 0 8px; }
  .charts { display: block; }
  .charts figure { display: inline-block; width: 44%; margin: 0 2%; vertical-align: top; }
  .charts figure.wide { display: block; width: 70%; margin: 4px auto 8px; }
  h2 { break-after: avoid; }
  tr, li { break-inside: avoid; }
}
"#;

/// A cap as a risk share states it: to the pound below £10m (`£250,000`,
/// not a rounded `£0.3m`), in millions above.
fn cap(value: Decimal) -> String {
    if value.abs() < Decimal::from(10_000_000) {
        // Whole pounds without ".00", as an agreement writes them.
        let shown = super::numbers::pounds_grouped(value);
        shown
            .strip_suffix(".00")
            .map_or(shown.clone(), str::to_string)
    } else {
        millions(value)
    }
}

/// `text` with each "-£" that starts a figure (not the dash of
/// "£900-£1,250") made a true minus sign joined to its figure.
fn joined_minus(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut previous = ' ';
    let mut rest = text.chars().peekable();
    while let Some(c) = rest.next() {
        if c == '-' && rest.peek() == Some(&'£') && !previous.is_alphanumeric() {
            out.push_str("\u{2212}\u{2060}");
        } else {
            out.push(c);
        }
        previous = c;
    }
    out
}

/// The page around a body. A minus sign before a sum of money is kept on
/// the sum's line (a word joiner after a true minus sign): a figure never
/// wraps as "-" and "£26.0m".
fn page(title: &str, body: &str) -> String {
    let body = joined_minus(body);
    format!(
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n<meta name=\"generator\" content=\"pool-model {}\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        env!("CARGO_PKG_VERSION"),
        esc(title)
    )
}

/// The board report of one scenario.
pub fn board(b: &Board<'_>) -> String {
    let (s, p) = (b.scenario, b.central);
    let mut h = String::new();
    let last = s.year(s.horizon);
    h.push_str(&format!(
        "<header>\n<h1>{}</h1>\n<p class=\"sub\">Board report. Base year {}; {}. Made by pool-model {}.</p>\n</header>\n",
        esc(&s.name),
        s.start,
        esc(&super::numbers::years_projected(s)),
        env!("CARGO_PKG_VERSION")
    ));

    // The headline.
    h.push_str("<section class=\"headline\">\n");
    let npv_detail = match b.ranges {
        Some(r) => {
            let (lo, hi) = ends(r);
            format!(
                "p{lo} {} to p{hi} {}; expected {}; {} chance of a loss",
                money_or(r.value(Metric::Npv, 0, lo)),
                money_or(r.value(Metric::Npv, 0, hi)),
                money_or(r.mean(Metric::Npv, 0)),
                r.below_zero(Metric::Npv, 0).map_or("-".into(), chance)
            )
        }
        None => "no ranges: the central case only".into(),
    };
    figure(
        &mut h,
        &format!("Net present value ({})", appraisal_basis(s)),
        &millions(p.npv),
        &npv_detail,
    );
    let cumulative = p
        .years
        .last()
        .map_or(Decimal::ZERO, |y| y.cumulative_net_savings);
    let t = s.horizon as usize;
    let cumulative_detail = match b.ranges {
        Some(r) => {
            let (lo, hi) = ends(r);
            format!(
                "p{lo} {} to p{hi} {}; {} chance it is below zero",
                money_or(r.value(Metric::CumulativeNetSavings, t, lo)),
                money_or(r.value(Metric::CumulativeNetSavings, t, hi)),
                r.below_zero(Metric::CumulativeNetSavings, t)
                    .map_or("-".into(), chance)
            )
        }
        None => String::new(),
    };
    figure(
        &mut h,
        &format!("Cumulative net savings by {last} (cash)"),
        &millions(cumulative),
        &cumulative_detail,
    );
    let a = &p.appraisal;
    figure(
        &mut h,
        "Benefit-cost ratio (real)",
        &a.bcr
            .map_or("no costs".into(), |r| super::numbers::fixed(r, 2)),
        &format!(
            "PV of savings {}; PV of costs {}; NPV before optimism bias {}",
            millions(a.pv_savings),
            millions(a.pv_costs),
            millions(a.npv_before_optimism_bias)
        ),
    );
    h.push_str("</section>\n");
    if let Some(d) = &s.description {
        h.push_str(&format!(
            "<p>{}</p>\n",
            esc(&d.split_whitespace().collect::<Vec<_>>().join(" "))
        ));
    }

    // Who pays and who bears the risk.
    h.push_str(&partners_section(s, p));
    // The shift of care.
    h.push_str(&shift_section(s, p));
    // The charts.
    if !b.charts.is_empty() {
        h.push_str("<section>\n<h2>In pictures</h2>\n<div class=\"charts\">\n");
        for (i, (title, svg)) in b.charts.iter().enumerate() {
            let wide = if b.charts.len() % 2 == 1 && i + 1 == b.charts.len() {
                " class=\"wide\""
            } else {
                ""
            };
            h.push_str(&format!(
                "<figure{wide}>\n{svg}<figcaption>{}</figcaption>\n</figure>\n",
                esc(title)
            ));
        }
        h.push_str("</div>\n</section>\n");
    }
    // What matters most, and the assumptions behind it.
    h.push_str(&assumptions_section(b));
    // How to read it.
    h.push_str(&format!(
        "<section>\n<h2>How to read this</h2>\n<p class=\"note\">Budgets are cash: spend, savings, costs and contributions are nominal pounds, as the partners set them. The net present value, its range and the benefit-cost ratio are an appraisal as HM Treasury's Green Book asks: {}. {} Figures in £m to one decimal place; the tool computes them exactly, to the penny.</p>\n</section>\n",
        appraisal_basis(s),
        b.ranges.map_or(
            "Every value is a point: there is no range, and no chance of a loss to give.".to_string(),
            |r| format!(
                "The central case takes every uncertain value at its central value; the expected value and the chance of a loss come from {} Monte Carlo draws.{}",
                group(r.draws),
                correlated(s)
            )
        )
    ));
    h.push_str(&format!(
        "<footer>pool-model {}; seed {}; {}.</footer>\n",
        env!("CARGO_PKG_VERSION"),
        b.ranges.map_or(s.seed, |r| r.seed),
        esc(&s.name)
    ));
    page(&format!("{}: board report", s.name), &h)
}

/// The uncertain values the draws pair by a `[[correlation]]`, as a
/// sentence to follow the Monte Carlo's (escaped), or nothing when every
/// value is drawn independently.
fn correlated(s: &Scenario) -> String {
    let lines = crate::report::numbers::correlation_lines(s);
    if lines.is_empty() {
        return String::new();
    }
    format!(
        " The draws are correlated: {}; every other uncertain value is drawn independently.",
        esc(&lines.join("; "))
    )
}

/// The lowest and highest percentile reported.
fn ends(r: &Ranges) -> (u8, u8) {
    (
        r.percentiles.first().copied().unwrap_or(10),
        r.percentiles.last().copied().unwrap_or(90),
    )
}

fn money_or(v: Option<Decimal>) -> String {
    v.map_or("-".into(), millions)
}

fn group(n: u64) -> String {
    super::numbers::group(&n.to_string())
}

fn figure(h: &mut String, label: &str, value: &str, detail: &str) {
    h.push_str(&format!(
        "<div class=\"figure\"><span class=\"label\">{}</span><span class=\"value\">{}</span><span class=\"detail\">{}</span></div>\n",
        esc(label),
        esc(value),
        esc(detail)
    ));
}

/// Each partner's contribution, what it gets back, what it bears and its
/// net contribution; the caps; what no partner bears.
fn partners_section(s: &Scenario, p: &Projection) -> String {
    let last = s.year(s.horizon);
    let mut h = format!(
        "<section>\n<h2>Who pays and who bears the risk</h2>\n<table>\n<thead><tr><th>Partner</th><th class=\"n\">Contribution {}</th><th class=\"n\">Share of savings, {}</th><th class=\"n\">Share of overspends, {}</th><th class=\"n\">Net contribution {last}</th><th>Cap on its share of overspends</th></tr></thead>\n<tbody>\n",
        s.start,
        esc(&super::numbers::years_projected(s)),
        esc(&super::numbers::years_projected(s)),
    );
    for (i, partner) in s.partners.iter().enumerate() {
        let Some(pp) = p.partners.get(i) else {
            continue;
        };
        let years = pp.years.get(1..).unwrap_or(&[]);
        let sum = |f: fn(&crate::engine::PartnerYear) -> Decimal| {
            years.iter().map(f).fold(Decimal::ZERO, |a, x| a + x)
        };
        let caps: Vec<String> = s
            .services
            .iter()
            .filter_map(|sv| {
                sv.risk_share
                    .caps
                    .get(i)
                    .copied()
                    .flatten()
                    .map(|c| format!("{}: {} a year", sv.name, cap(c)))
            })
            .collect();
        h.push_str(&format!(
            "<tr><td class=\"name\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"caps\">{}</td></tr>\n",
            esc(&partner.name),
            pp.years.first().map_or("-".into(), |y| millions(y.contribution)),
            millions(sum(|y| y.savings_share)),
            millions(sum(|y| y.variance_share)),
            pp.years.last().map_or("-".into(), |y| millions(y.net_contribution)),
            if caps.is_empty() {
                "none".into()
            } else {
                esc(&caps.join("; "))
            }
        ));
    }
    h.push_str("</tbody>\n</table>\n");
    let unallocated = p.years.iter().fold(Decimal::ZERO, |a, y| a + y.unallocated);
    if unallocated.is_zero() {
        h.push_str("<p class=\"note\">Savings and overspends are shared by each service's risk-share rule; no overspend is left unallocated by the caps.</p>\n");
    } else {
        h.push_str(&format!(
            "<p class=\"note\">Savings and overspends are shared by each service's risk-share rule. <span class=\"warning\">{} of overspends over the years is above every cap and left unallocated</span>: the agreement must say who meets it.</p>\n",
            millions(unallocated)
        ));
    }
    h.push_str("</section>\n");
    h
}

/// Each shift in a sentence: the setting's share now and at the target
/// year, the spend moved and the people it stands for by the horizon.
fn shift_section(s: &Scenario, p: &Projection) -> String {
    let mut items = Vec::new();
    let t = s.horizon as usize;
    for (i, sv) in s.services.iter().enumerate() {
        let Some(sh) = &sv.shift else { continue };
        let name = |k: usize| {
            sv.settings.get(k).map_or(String::new(), |x| {
                if x.name.is_empty() {
                    x.id.clone()
                } else {
                    x.name.clone()
                }
            })
        };
        let share = |t: usize| p.metric(Metric::Share(i, sh.from), t);
        let to: Vec<String> = sh.to.iter().map(|&(k, _)| name(k)).collect();
        let mut sentence = format!(
            "{}: {} falls from {} of spend in {} to {} in {}, as care moves to {}",
            sv.name,
            name(sh.from),
            share(0).map_or("-".into(), percent),
            s.start,
            share(sh.by as usize).map_or("-".into(), percent),
            s.year(sh.by),
            to.join(" and ")
        );
        if let Some(moved) = p.metric(Metric::Moved(i), t) {
            sentence.push_str(&format!(
                "; by {} {} a year is spent elsewhere",
                s.year(s.horizon),
                millions(moved)
            ));
        }
        if let Some(people) = p.metric(Metric::PeopleMoved(i), t) {
            sentence.push_str(&format!(
                " (about {} people, against the counterfactual)",
                super::numbers::people(people)
            ));
        }
        sentence.push('.');
        items.push(sentence);
    }
    if items.is_empty() {
        return String::new();
    }
    let mut h = String::from("<section>\n<h2>The shift of care</h2>\n<ul>\n");
    for item in items {
        h.push_str(&format!("<li>{}</li>\n", esc(&item)));
    }
    h.push_str("</ul>\n</section>\n");
    h
}

/// The values that move NPV most, with their range, switching value and
/// the source the scenario cites for them (its comments).
fn assumptions_section(b: &Board<'_>) -> String {
    let s = b.scenario;
    let Some(t) = b.tornado.filter(|t| !t.bars.is_empty()) else {
        return String::new();
    };
    let mut h = String::from(
        "<section>\n<h2>Key assumptions and their sources</h2>\n<p class=\"note\">The uncertain values that move NPV most, each alone from the low to the high end of its range; the switching value is where NPV would be zero.</p>\n<ul class=\"assumptions\">\n",
    );
    for bar in t.bars.iter().take(MOST_ASSUMPTIONS) {
        let param = s.param(bar.param);
        let kind = param.map_or(Kind::Number, |p| p.kind);
        let range = format!(
            "{} to {}",
            super::numbers::input_for_people(bar.low, kind),
            super::numbers::input_for_people(bar.high, kind)
        );
        let switching = bar.switching.map_or("never zero".to_string(), |v| {
            let change = v.change.map_or(String::new(), |c| {
                let sign = if c > Decimal::ZERO { "+" } else { "" };
                format!(", {sign}{} on central", percent(c))
            });
            // A value NPV only reaches far beyond what the scenario thinks
            // plausible says so: it is not a risk to watch.
            let outside = v.value < bar.low || v.value > bar.high;
            if outside {
                format!(
                    "zero only at {}, outside its range{change}",
                    found_for_people(v.value, kind)
                )
            } else {
                format!(
                    "zero at {}, inside its range{change}",
                    found_for_people(v.value, kind)
                )
            }
        });
        let source = param
            .and_then(|p| citation(b.sources, p.loc))
            .map_or(String::new(), |c| {
                format!("<br><span class=\"source\">{}</span>", esc(&c))
            });
        h.push_str(&format!(
            "<li><strong>{}</strong>: {}; NPV swing {}; NPV {}.{source}</li>\n",
            esc(&bar.label),
            esc(&range),
            millions(bar.swing),
            esc(&switching)
        ));
    }
    h.push_str("</ul>\n</section>\n");
    h
}

/// A comment that explains the file format rather than the value, as
/// `pool-model init`'s starter writes them ("optional: ...", "(range
/// ok)"): not a source, so not cited.
fn is_format_help(comment: &str) -> bool {
    let c = comment.trim();
    c.to_lowercase().starts_with("optional") || c.contains("range ok)")
}

/// The comments a scenario writes by a value: the comment lines right
/// above its line and any comment on the line itself, joined ("FACT (seed
/// 000): ...", "ASSUMPTION: ...").
pub fn citation(sources: &SourceMap, loc: crate::source::Loc) -> Option<String> {
    let file = sources.get(loc.file)?;
    let text = file.text();
    let line_start = text.get(..loc.start)?.rfind('\n').map_or(0, |i| i + 1);
    let line_end = text
        .get(loc.start..)
        .and_then(|rest| rest.find('\n'))
        .map_or(text.len(), |i| loc.start + i);
    let mut parts: Vec<String> = Vec::new();
    // Comment lines above, nearest last.
    let above = text.get(..line_start)?;
    let mut lines: Vec<&str> = Vec::new();
    // Comment lines indented further than the key continue the comment
    // at the end of a line above (the starter's style), so are not about
    // this value.
    let indent = |line: &str| line.len() - line.trim_start().len();
    let own = indent(text.get(line_start..line_end)?);
    for line in above.lines().rev() {
        let trimmed = line.trim();
        if trimmed.starts_with('#') && indent(line) > own {
            break;
        }
        match trimmed.strip_prefix('#') {
            Some(c) if is_format_help(c) => {}
            Some(c) => lines.push(c.trim()),
            None => break,
        }
    }
    lines.reverse();
    if !lines.is_empty() {
        parts.push(lines.join(" "));
    }
    // A comment after the value on its own line.
    let line = text.get(line_start..line_end)?;
    if let Some(i) = line.rfind(" #").or_else(|| line.rfind("\t#")) {
        if let Some(c) = line.get(i + 2..) {
            let c = c.trim();
            // Not a `#` inside a quoted string (an odd number of quotes
            // before it).
            let quoted = line
                .get(..i)
                .is_some_and(|before| before.matches('"').count() % 2 == 1);
            if !c.is_empty() && !quoted && !is_format_help(c) {
                parts.push(c.to_string());
            }
        }
    }
    let joined = parts.join(" ");
    (!joined.is_empty()).then_some(joined)
}

/// The board report of an options appraisal.
pub fn options(list: &Shortlist, chart: Option<&str>) -> String {
    let mut h = String::new();
    h.push_str(&format!(
        "<header>\n<h1>Options appraisal: {} options</h1>\n<p class=\"sub\">Board report. Each option against its own counterfactual (business as usual). Made by pool-model {}.</p>\n</header>\n",
        list.options.len(),
        env!("CARGO_PKG_VERSION")
    ));
    if let Some(best) = list
        .highest_npv()
        .and_then(|i| list.options.get(i).map(|o| (i, o)))
    {
        h.push_str("<section class=\"headline\">\n");
        let r = best.1.ranges.as_ref();
        figure(
            &mut h,
            "Highest net present value",
            &millions(best.1.central.npv),
            &format!("option {}: {}", best.0 + 1, best.1.scenario.name),
        );
        figure(
            &mut h,
            "Its expected NPV",
            &money_or(r.and_then(|r| r.mean(Metric::Npv, 0))),
            &format!(
                "{} chance of a loss",
                r.and_then(|r| r.below_zero(Metric::Npv, 0))
                    .map_or("-".into(), chance)
            ),
        );
        figure(
            &mut h,
            "Its benefit-cost ratio",
            &best
                .1
                .central
                .appraisal
                .bcr
                .map_or("no costs".into(), |r| super::numbers::fixed(r, 2)),
            &appraisal_basis(&best.1.scenario),
        );
        h.push_str("</section>\n");
    }
    for w in list.warnings() {
        h.push_str(&format!("<p class=\"warning\">Warning: {}.</p>\n", esc(&w)));
    }
    h.push_str("<section>\n<h2>The options</h2>\n<table>\n<thead><tr><th>Option</th><th class=\"n\">NPV</th><th class=\"n\">NPV before optimism bias</th><th class=\"n\">Benefit-cost ratio</th><th class=\"n\">Expected NPV</th><th class=\"n\">Chance of a loss</th><th class=\"n\">Range</th><th>Value that moves NPV most: its switching value</th></tr></thead>\n<tbody>\n");
    for (i, o) in list.options.iter().enumerate() {
        let a = &o.central.appraisal;
        let r = o.ranges.as_ref();
        let range = r.map_or("-".to_string(), |r| {
            let (lo, hi) = ends(r);
            format!(
                "p{lo} {} to p{hi} {}",
                money_or(r.value(Metric::Npv, 0, lo)),
                money_or(r.value(Metric::Npv, 0, hi))
            )
        });
        let largest = match &o.largest {
            Largest::Bar(bar) => {
                let kind = o.scenario.param(bar.param).map_or(Kind::Number, |p| p.kind);
                format!(
                    "{}: {}",
                    esc(&bar.label),
                    esc(&bar
                        .switching
                        .map_or("never zero".into(), |v| found_for_people(v.value, kind)))
                )
            }
            Largest::Nothing => "no ranged value moves NPV".into(),
            Largest::TooMuchWork => "too many ranged values to vary".into(),
        };
        let not = if list.comparable(i) {
            ""
        } else {
            " (not comparable)"
        };
        h.push_str(&format!(
            "<tr><td>{}. {}{not}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>\n",
            i + 1,
            esc(&o.scenario.name),
            millions(o.central.npv),
            millions(a.npv_before_optimism_bias),
            a.bcr.map_or("no costs".into(), |r| super::numbers::fixed(r, 2)),
            money_or(r.and_then(|r| r.mean(Metric::Npv, 0))),
            r.and_then(|r| r.below_zero(Metric::Npv, 0)).map_or("-".into(), chance),
            esc(&range),
            largest
        ));
    }
    h.push_str("</tbody>\n</table>\n</section>\n");
    if let Some(svg) = chart {
        h.push_str(&format!(
            "<section>\n<h2>In a picture</h2>\n<figure>\n{svg}<figcaption>Each option's NPV: the central case as a bar, the Monte Carlo range as a whisker, the expected NPV as a ring.</figcaption>\n</figure>\n</section>\n"
        ));
    }
    let basis = list
        .options
        .first()
        .map_or(String::new(), |o| appraisal_basis(&o.scenario));
    h.push_str(&format!(
        "<section>\n<h2>How to read this</h2>\n<p class=\"note\">Each option is a scenario file appraised against its own counterfactual; NPVs are {basis}. The expected NPV is the mean of the Monte Carlo draws; the central case takes every uncertain value at its central value. The switching value is where NPV would be zero with that value alone moved.</p>\n</section>\n"
    ));
    h.push_str(&format!(
        "<footer>pool-model {}.</footer>\n",
        env!("CARGO_PKG_VERSION")
    ));
    page("Options appraisal: board report", &h)
}
