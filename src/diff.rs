//! Comparing two scenarios: the inputs that differ, key by key, and the
//! results that differ, by metric and year (SPEC 4.3 `diff`).
//!
//! Inputs are compared on the merged, validated scenarios, value by value
//! after parsing, so `"£140m"` and `140000000` are the same input. Keys are
//! named with `--set` paths (`shift.learning_disability.by`), so any line
//! can be pasted back into `--set`. Results are compared as printed (money
//! to pence, fractions to 6 dp), matched by metric name and financial year.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::engine::Projection;
use crate::metric::{Metric, Unit, catalogue};
use crate::report::numbers::round;
use crate::scenario::raw::*;
use crate::scenario::values::{Dist, Uncertain};
use crate::scenario::{Loaded, RuleKind, Scenario};
use crate::uncertainty::{Ranges, standard_metrics};

/// One input that differs; `None` where a side does not have it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputChange {
    pub key: String,
    pub a: Option<String>,
    pub b: Option<String>,
}

/// One result that differs, as printed.
#[derive(Clone, Debug, PartialEq)]
pub struct ResultChange {
    /// Financial year label; empty for NPV.
    pub year: String,
    pub metric: String,
    pub service: String,
    pub setting: String,
    pub partner: String,
    pub case: String,
    pub unit: Unit,
    pub a: Option<Decimal>,
    pub b: Option<Decimal>,
}

impl ResultChange {
    /// b - a, when both sides have the value.
    pub fn difference(&self) -> Option<Decimal> {
        Some(self.b? - self.a?)
    }

    /// The difference as a percentage of |a|, when a is not zero.
    pub fn percent(&self) -> Option<Decimal> {
        let a = self.a?;
        if a.is_zero() {
            return None;
        }
        self.difference()?
            .checked_mul(Decimal::ONE_HUNDRED)?
            .checked_div(a.abs())
    }

    /// The full metric name (`spend.ld.residential`).
    pub fn name(&self) -> String {
        [
            self.metric.as_str(),
            &self.service,
            &self.setting,
            &self.partner,
        ]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(".")
    }
}

/// Everything `diff` found.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    pub inputs: Vec<InputChange>,
    pub results: Vec<ResultChange>,
    /// Result values compared and found equal.
    pub unchanged: usize,
}

impl Comparison {
    pub fn identical(&self) -> bool {
        self.inputs.is_empty() && self.results.is_empty()
    }
}

/// A metric value keyed for matching: (metric name, year label, case).
type Key = (String, String, String);

/// The printed values of one projection (and case), keyed for matching, in
/// catalogue order.
pub fn result_values(s: &Scenario, p: &Projection, case: &str) -> Vec<(Key, ResultChange)> {
    keyed_values(s, p, catalogue(s), case, |metric, t| p.metric(metric, t))
}

/// The printed values of `metrics` for each year (or the whole run), from
/// `value`, keyed for matching.
fn keyed_values(
    s: &Scenario,
    p: &Projection,
    metrics: Vec<Metric>,
    case: &str,
    value: impl Fn(Metric, usize) -> Option<Decimal>,
) -> Vec<(Key, ResultChange)> {
    let mut out = Vec::new();
    for metric in metrics {
        let columns = metric.columns(s);
        for (t, year) in metric.years(s, p.years.len()) {
            let Some(v) = value(metric, t) else {
                continue;
            };
            let change = ResultChange {
                year: year.clone(),
                metric: columns.metric.to_string(),
                service: columns.service.to_string(),
                setting: columns.setting.to_string(),
                partner: columns.partner.to_string(),
                case: case.to_string(),
                unit: metric.unit(),
                a: Some(round(v, metric.unit().dp())),
                b: None,
            };
            out.push(((metric.name(s), year, case.to_string()), change));
        }
    }
    out
}

/// Compares two sets of result values; `a` and `b` come from
/// [`result_values`] (each side's value is in its `a` field).
pub fn compare_results(
    a: Vec<(Key, ResultChange)>,
    b: Vec<(Key, ResultChange)>,
) -> (Vec<ResultChange>, usize) {
    let mut b_map: BTreeMap<Key, ResultChange> = b.into_iter().collect();
    let mut changes = Vec::new();
    let mut unchanged = 0;
    for (key, mut change) in a {
        match b_map.remove(&key) {
            Some(other) => {
                change.b = other.a;
                if change.a == change.b {
                    unchanged += 1;
                } else {
                    changes.push(change);
                }
            }
            None => changes.push(change),
        }
    }
    for (_, mut only_b) in b_map {
        only_b.b = only_b.a.take();
        changes.push(only_b);
    }
    // Largest first within each unit: money, then shares, then counts;
    // absent values (a metric only one side has) last within their unit.
    let rank = |u: Unit| match u {
        Unit::Money => 0,
        Unit::Fraction => 1,
        Unit::Count => 2,
    };
    changes.sort_by(|x, y| {
        rank(x.unit).cmp(&rank(y.unit)).then_with(|| {
            let size = |c: &ResultChange| c.difference().map(|d| d.abs());
            match (size(x), size(y)) {
                (Some(p), Some(q)) => q.cmp(&p),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            }
        })
    });
    (changes, unchanged)
}

/// The printed percentile values of one scenario's Monte Carlo ranges, for
/// percentile `p`, keyed like [`result_values`].
pub fn percentile_values(
    s: &Scenario,
    p: &Projection,
    ranges: &Ranges,
    pct: u8,
) -> Vec<(Key, ResultChange)> {
    keyed_values(
        s,
        p,
        standard_metrics(s),
        &format!("p{pct}"),
        |metric, t| ranges.value(metric, t, pct),
    )
}

/// One side of a comparison: the scenario, its central projection and,
/// when both sides have them, its Monte Carlo ranges.
pub struct Side<'a> {
    pub loaded: &'a Loaded,
    pub central: &'a Projection,
    pub ranges: Option<&'a Ranges>,
}

/// Compares two scenarios: inputs, central results, and the percentiles
/// both sides report (when both have ranges).
pub fn compare(a: &Side<'_>, b: &Side<'_>) -> Comparison {
    let inputs = compare_inputs(&a.loaded.raw, &b.loaded.raw);
    let mut av = result_values(&a.loaded.scenario, a.central, "central");
    let mut bv = result_values(&b.loaded.scenario, b.central, "central");
    if let (Some(ra), Some(rb)) = (a.ranges, b.ranges) {
        for &pct in ra.percentiles.iter().filter(|p| rb.percentiles.contains(p)) {
            av.extend(percentile_values(&a.loaded.scenario, a.central, ra, pct));
            bv.extend(percentile_values(&b.loaded.scenario, b.central, rb, pct));
        }
    }
    let (results, unchanged) = compare_results(av, bv);
    Comparison {
        inputs,
        results,
        unchanged,
    }
}

/// The inputs that differ between two raw scenarios: entries only one side
/// has as one line each, and key-level changes for entries both have.
pub fn compare_inputs(a: &RawScenario, b: &RawScenario) -> Vec<InputChange> {
    let fa = flatten(a);
    let fb = flatten(b);
    let entities = |f: &[(String, String, String)]| -> Vec<String> {
        let mut seen: Vec<String> = Vec::new();
        for (entity, _, _) in f {
            if !seen.contains(entity) {
                seen.push(entity.clone());
            }
        }
        seen
    };
    let (ea, eb) = (entities(&fa), entities(&fb));
    let mut out = Vec::new();
    let value_of = |f: &[(String, String, String)], entity: &str, key: &str| {
        f.iter()
            .find(|(e, k, _)| e == entity && k == key)
            .map(|(_, _, v)| v.clone())
    };
    for entity in &ea {
        if !eb.contains(entity) && is_entry(entity) {
            out.push(InputChange {
                key: entity.clone(),
                a: Some("present".into()),
                b: None,
            });
            continue;
        }
        let keys: Vec<&String> = fa
            .iter()
            .filter(|(e, _, _)| e == entity)
            .map(|(_, k, _)| k)
            .chain(fb.iter().filter(|(e, _, _)| e == entity).map(|(_, k, _)| k))
            .collect();
        let mut done: Vec<&String> = Vec::new();
        for key in keys {
            if done.contains(&key) {
                continue;
            }
            done.push(key);
            let (va, vb) = (value_of(&fa, entity, key), value_of(&fb, entity, key));
            if va != vb {
                out.push(InputChange {
                    key: join(entity, key),
                    a: va,
                    b: vb,
                });
            }
        }
    }
    for entity in &eb {
        if !ea.contains(entity) {
            if is_entry(entity) {
                out.push(InputChange {
                    key: entity.clone(),
                    a: None,
                    b: Some("present".into()),
                });
            } else {
                for (_, key, value) in fb.iter().filter(|(e, _, _)| e == entity) {
                    out.push(InputChange {
                        key: join(entity, key),
                        a: None,
                        b: Some(value.clone()),
                    });
                }
            }
        }
    }
    out
}

fn is_entry(entity: &str) -> bool {
    entity.contains('.')
}

fn join(entity: &str, key: &str) -> String {
    if entity.is_empty() {
        key.to_string()
    } else {
        format!("{entity}.{key}")
    }
}

/// (entity, key, value) for every input, with documented defaults filled in.
/// Entities are `scenario`, `assumptions`, `partner.ID`, `service.ID`,
/// `service.ID.setting.ID`, `shift.SERVICE`, `saving.NAME`, ...
fn flatten(r: &RawScenario) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let mut put = |entity: &str, key: &str, value: Option<String>| {
        if let Some(v) = value {
            out.push((entity.to_string(), key.to_string(), v));
        }
    };
    if let Some(h) = &r.header {
        put("scenario", "name", h.name.as_ref().map(|v| quote(&v.value)));
        put(
            "scenario",
            "description",
            h.description.as_ref().map(|v| quote(&v.value)),
        );
        put(
            "scenario",
            "start",
            h.start.as_ref().map(|v| v.value.to_string()),
        );
        put(
            "scenario",
            "horizon",
            h.horizon.as_ref().map(|v| v.value.to_string()),
        );
        put(
            "scenario",
            "discount_rate",
            Some(
                h.discount_rate
                    .as_ref()
                    .map_or("3.5%".into(), |v| percent(v.value)),
            ),
        );
        put(
            "scenario",
            "draws",
            Some(
                h.draws
                    .as_ref()
                    .map_or("10000".into(), |v| v.value.to_string()),
            ),
        );
        put(
            "scenario",
            "seed",
            Some(h.seed.as_ref().map_or("1".into(), |v| v.value.to_string())),
        );
        put(
            "scenario",
            "percentiles",
            Some(h.percentiles.as_ref().map_or("[10, 50, 90]".into(), |v| {
                format!(
                    "[{}]",
                    v.value
                        .iter()
                        .map(|p| p.value.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })),
        );
    }
    put(
        "assumptions",
        "inflation",
        Some(
            r.assumptions
                .inflation
                .as_ref()
                .map_or("0%".into(), |v| uncertain(&v.value, percent)),
        ),
    );
    put(
        "assumptions",
        "growth",
        Some(
            r.assumptions
                .growth
                .as_ref()
                .map_or("0%".into(), |v| uncertain(&v.value, percent)),
        ),
    );
    for p in &r.partners {
        let e = format!(
            "partner.{}",
            p.id.as_ref().map_or("?", |v| v.value.as_str())
        );
        put(&e, "name", p.name.as_ref().map(|v| quote(&v.value)));
        put(
            &e,
            "kind",
            p.kind.as_ref().map(|v| v.value.name().to_string()),
        );
    }
    for s in &r.services {
        let id = s.id.as_ref().map_or("?", |v| v.value.as_str());
        let e = format!("service.{id}");
        put(&e, "name", s.name.as_ref().map(|v| quote(&v.value)));
        put(&e, "lead", s.lead.as_ref().map(|v| v.value.clone()));
        if let Some(c) = &s.contributions {
            for (pid, amount) in &c.value {
                put(
                    &e,
                    &format!("contributions.{}", pid.value),
                    Some(money(amount.value)),
                );
            }
        }
        put(
            &e,
            "inflation",
            s.inflation.as_ref().map(|v| uncertain(&v.value, percent)),
        );
        put(
            &e,
            "growth",
            s.growth.as_ref().map(|v| uncertain(&v.value, percent)),
        );
        let rule = s
            .risk_share
            .as_ref()
            .and_then(|r| r.rule.as_ref())
            .map_or(RuleKind::Proportional, |r| r.value);
        put(&e, "risk_share.rule", Some(rule.name().to_string()));
        if let Some(rs) = &s.risk_share {
            for (pid, share) in rs.shares.iter().flat_map(|m| &m.value) {
                put(
                    &e,
                    &format!("risk_share.shares.{}", pid.value),
                    Some(percent(share.value)),
                );
            }
            for (pid, cap) in rs.cap.iter().flat_map(|m| &m.value) {
                put(
                    &e,
                    &format!("risk_share.cap.{}", pid.value),
                    Some(money(cap.value)),
                );
            }
        }
        for k in &s.settings {
            let ke = format!(
                "{e}.setting.{}",
                k.id.as_ref().map_or("?", |v| v.value.as_str())
            );
            put(&ke, "name", k.name.as_ref().map(|v| quote(&v.value)));
            put(&ke, "share", k.share.as_ref().map(|v| percent(v.value)));
            put(
                &ke,
                "unit_cost",
                k.unit_cost.as_ref().map(|v| uncertain(&v.value, money)),
            );
        }
    }
    for sh in &r.shifts {
        let e = format!(
            "shift.{}",
            sh.service.as_ref().map_or("?", |v| v.value.as_str())
        );
        put(&e, "name", sh.name.as_ref().map(|v| quote(&v.value)));
        put(&e, "from", sh.from.as_ref().map(|v| v.value.clone()));
        for (k, w) in sh.to.iter().flat_map(|m| &m.value) {
            put(&e, &format!("to.{}", k.value), Some(percent(w.value)));
        }
        put(
            &e,
            "target_share",
            sh.target_share
                .as_ref()
                .map(|v| uncertain(&v.value, percent)),
        );
        put(&e, "by", sh.by.as_ref().map(|v| v.value.to_string()));
        put(
            &e,
            "profile",
            Some(
                sh.profile
                    .as_ref()
                    .map_or("linear".into(), |p| profile(&p.value)),
            ),
        );
        put(
            &e,
            "cost_ratio",
            sh.cost_ratio.as_ref().map(|v| uncertain(&v.value, percent)),
        );
    }
    for sv in &r.savings {
        let e = format!(
            "saving.{}",
            sv.name.as_ref().map_or("?", |v| v.value.as_str())
        );
        put(&e, "services", sv.services.as_ref().map(|v| ids(&v.value)));
        put(
            &e,
            "rate",
            sv.rate.as_ref().map(|v| uncertain(&v.value, percent)),
        );
        put(
            &e,
            "amount",
            sv.amount.as_ref().map(|v| uncertain(&v.value, money)),
        );
        put(
            &e,
            "phase_in",
            Some(sv.phase_in.as_ref().map_or("[100%]".into(), |v| {
                list(v.value.iter().map(|p| percent(p.value)))
            })),
        );
    }
    for c in &r.costs {
        let e = format!("cost.{}", c.name.as_ref().map_or("?", |v| v.value.as_str()));
        put(&e, "services", c.services.as_ref().map(|v| ids(&v.value)));
        put(
            &e,
            "amounts",
            c.amounts
                .as_ref()
                .map(|v| list(v.value.iter().map(|a| uncertain(&a.value, money)))),
        );
    }
    for v in &r.variances {
        let e = format!(
            "variance.{}",
            v.name.as_ref().map_or("?", |x| x.value.as_str())
        );
        put(&e, "service", v.service.as_ref().map(|x| x.value.clone()));
        put(
            &e,
            "amounts",
            v.amounts
                .as_ref()
                .map(|x| list(x.value.iter().map(|a| uncertain(&a.value, money)))),
        );
    }
    for w in &r.workforce {
        let e = format!(
            "workforce.{}",
            w.name.as_ref().map_or("?", |x| x.value.as_str())
        );
        put(&e, "service", w.service.as_ref().map(|x| x.value.clone()));
        put(&e, "employer", w.employer.as_ref().map(|x| x.value.clone()));
        put(
            &e,
            "staff",
            w.staff.as_ref().map(|x| x.value.normalize().to_string()),
        );
        put(
            &e,
            "cost_per_head",
            w.cost_per_head.as_ref().map(|x| uncertain(&x.value, money)),
        );
        put(
            &e,
            "transfer_to",
            w.transfer_to.as_ref().map(|x| x.value.clone()),
        );
        put(
            &e,
            "transfer_in",
            w.transfer_in.as_ref().map(|x| x.value.to_string()),
        );
        put(
            &e,
            "reduction",
            w.reduction.as_ref().map(|x| uncertain(&x.value, number)),
        );
        put(
            &e,
            "reduction_by",
            w.reduction_by.as_ref().map(|x| x.value.to_string()),
        );
        put(
            &e,
            "reduction_profile",
            w.reduction_profile.as_ref().map(|p| profile(&p.value)),
        );
        put(
            &e,
            "redundancy_cost",
            w.redundancy_cost
                .as_ref()
                .map(|x| uncertain(&x.value, money)),
        );
    }
    out
}

/// A text value as a TOML basic string, so a line can be pasted into
/// `--set`: quotes and backslashes escaped, and whatever is unsafe to show
/// escaped as [`crate::display::escape`] shows it (`\u001B`, `\n`).
fn quote(s: &str) -> String {
    let inner = s.replace('\\', "\\\\").replace('"', "\\\"");
    format!("\"{}\"", crate::display::escape(&inner))
}

fn percent(v: Decimal) -> String {
    format!("{}%", (v * Decimal::ONE_HUNDRED).normalize())
}

fn number(v: Decimal) -> String {
    v.normalize().to_string()
}

fn money(v: Decimal) -> String {
    let sign = if v.is_sign_negative() && !v.is_zero() {
        "-"
    } else {
        ""
    };
    let abs = v.abs().normalize();
    let text = abs.to_string();
    let (int, frac) = text
        .split_once('.')
        .map_or((text.as_str(), None), |(i, f)| (i, Some(f)));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{sign}£{grouped}.{f}"),
        None => format!("{sign}£{grouped}"),
    }
}

fn uncertain(u: &Uncertain, show: fn(Decimal) -> String) -> String {
    match u {
        Uncertain::Point(v) => show(*v),
        Uncertain::Range(r) => {
            let midpoint = (r.low + r.high) / Decimal::TWO;
            if r.dist == Dist::Uniform && r.central == midpoint {
                format!("{} to {}", show(r.low), show(r.high))
            } else {
                format!(
                    "{{ low = {}, central = {}, high = {}, dist = {} }}",
                    show(r.low),
                    show(r.central),
                    show(r.high),
                    r.dist.name()
                )
            }
        }
    }
}

fn profile(p: &RawProfile) -> String {
    match p {
        RawProfile::Shape(s) => s.name().to_string(),
        RawProfile::List(values) => list(values.iter().map(|v| percent(v.value))),
    }
}

fn list(items: impl Iterator<Item = String>) -> String {
    format!("[{}]", items.collect::<Vec<_>>().join(", "))
}

fn ids(v: &[Located<String>]) -> String {
    list(v.iter().map(|i| i.value.clone()))
}
