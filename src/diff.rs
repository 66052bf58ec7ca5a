//! Comparing two scenarios: the inputs that differ, key by key, and the
//! results that differ, by metric and year (SPEC 4.3 `diff`).
//!
//! Inputs are compared on the merged, validated scenarios (the [`Scenario`]
//! the engine runs on, never the file's raw form), value by value, so
//! `"£140m"` and `140000000` are the same input, and so are a default
//! written out (`discount_rate = "3.5%"`) and one left out: validation
//! fills in every default. An uncertain value shows as it was written (a
//! point, `"low to high"` or `{ low, central, high, dist }`). Keys are
//! named with `--set` paths (`shift.learning_disability.by`), so any line
//! can be pasted back into `--set`; an entry only one side has (a partner,
//! a saving) is one line. Results are compared as printed (money to pence,
//! fractions to 6 dp), matched by metric name and financial year.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::engine::Projection;
use crate::metric::{Metric, Unit, catalogue};
use crate::report::numbers::round;
use crate::scenario::values::Uncertain;
use crate::scenario::{
    CostRatio, DiscountRate, Loaded, ParamId, Profile, RuleKind, SavingSize, Scenario,
};
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
        Unit::Ratio => 3,
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
    let inputs = compare_inputs(&a.loaded.scenario, &b.loaded.scenario);
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

/// The inputs that differ between two validated scenarios: entries only
/// one side has as one line each, and key-level changes for entries both
/// have.
pub fn compare_inputs(a: &Scenario, b: &Scenario) -> Vec<InputChange> {
    let fa = flatten(a);
    let fb = flatten(b);
    let entities = |f: &[Input]| -> Vec<String> {
        let mut seen: Vec<String> = Vec::new();
        for i in f {
            if !seen.contains(&i.entity) {
                seen.push(i.entity.clone());
            }
        }
        seen
    };
    let (ea, eb) = (entities(&fa), entities(&fb));
    let mut out = Vec::new();
    fn find<'f>(f: &'f [Input], entity: &str, key: &str) -> Option<&'f Input> {
        f.iter().find(|i| i.entity == entity && i.key == key)
    }
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
            .chain(&fb)
            .filter(|i| &i.entity == entity)
            .map(|i| &i.key)
            .collect();
        let mut done: Vec<&String> = Vec::new();
        for key in keys {
            if done.contains(&key) {
                continue;
            }
            done.push(key);
            let (ia, ib) = (find(&fa, entity, key), find(&fb, entity, key));
            let same = match (ia, ib) {
                (Some(x), Some(y)) => x.value == y.value,
                (Some(only), None) | (None, Some(only)) => only.is_unset(),
                (None, None) => true,
            };
            if !same {
                out.push(InputChange {
                    key: join(entity, key),
                    a: ia.map(|i| i.value.clone()),
                    b: ib.map(|i| i.value.clone()),
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
                for i in fb.iter().filter(|i| &i.entity == entity) {
                    out.push(InputChange {
                        key: join(entity, &i.key),
                        a: None,
                        b: Some(i.value.clone()),
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

/// One input as `diff` shows it.
struct Input {
    /// `scenario`, `assumptions`, `partner.ID`, `service.ID`,
    /// `service.ID.setting.ID`, `shift.SERVICE`, `saving.NAME`, ...
    entity: String,
    key: String,
    value: String,
    /// The param holding the value, when it may be a range.
    param: Option<ParamId>,
    /// Where the entry (or the param) was written.
    loc: Option<crate::source::Loc>,
    /// What the key counts as on a side without it, if anything (a partner
    /// a scenario does not have contributes nothing to its services): a
    /// key one side lacks and the other shows at this value is no
    /// difference.
    unset: Option<String>,
}

impl Input {
    fn is_unset(&self) -> bool {
        self.unset.as_ref() == Some(&self.value)
    }
}

/// Collects the inputs of one scenario, in the order they are shown.
struct Inputs<'s> {
    scenario: &'s Scenario,
    list: Vec<Input>,
    /// Where the entry being collected was written.
    here: Option<crate::source::Loc>,
}

impl Inputs<'_> {
    fn put(&mut self, entity: &str, key: &str, value: Option<String>) {
        if let Some(value) = value {
            self.list.push(Input {
                entity: entity.to_string(),
                key: key.to_string(),
                value,
                param: None,
                loc: self.here,
                unset: None,
            });
        }
    }

    /// [`Inputs::put`] a value held by a param (which may be a range),
    /// shown as it was written, at the place it was written.
    fn put_param(
        &mut self,
        entity: &str,
        key: &str,
        id: impl Into<Option<ParamId>>,
        show: fn(Decimal) -> String,
    ) {
        let Some(p) = id
            .into()
            .and_then(|id| self.scenario.param(id).map(|p| (id, p)))
        else {
            return;
        };
        let (id, p) = p;
        self.list.push(Input {
            entity: entity.to_string(),
            key: key.to_string(),
            value: uncertain(&p.value, show),
            param: Some(id),
            loc: Some(p.loc),
            unset: None,
        });
    }

    /// [`Inputs::put`] a key that counts as `unset` on a side without it.
    fn put_or(&mut self, entity: &str, key: &str, value: String, unset: String) {
        self.list.push(Input {
            entity: entity.to_string(),
            key: key.to_string(),
            value,
            param: None,
            loc: self.here,
            unset: Some(unset),
        });
    }
}

/// One input of a scenario as the workbook lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct InputLine {
    /// Its `--set` path, e.g. `shift.learning_disability.target_share`.
    pub key: String,
    /// As written: a point, `"low to high"` or a distribution.
    pub value: String,
    /// The param holding it, when it may be a range.
    pub param: Option<ParamId>,
    /// Where it (or its entry) was written.
    pub loc: Option<crate::source::Loc>,
}

/// Every input of a validated scenario, keyed by `--set` path, in file
/// order, with the defaults validation filled in.
pub fn inputs(s: &Scenario) -> Vec<InputLine> {
    flatten(s)
        .into_iter()
        .map(|i| InputLine {
            key: join(&i.entity, &i.key),
            value: i.value,
            param: i.param,
            loc: i.loc,
        })
        .collect()
}

/// Every input of a validated scenario, as it is run: the defaults are
/// the ones validation filled in, and an uncertain value shows as it was
/// written (a range or a distribution).
fn flatten(s: &Scenario) -> Vec<Input> {
    let mut out = Inputs {
        scenario: s,
        list: Vec::new(),
        here: Some(s.loc),
    };
    let param =
        |id: ParamId, show: fn(Decimal) -> String| s.param(id).map(|p| uncertain(&p.value, show));
    let params = |ids: &[ParamId], show: fn(Decimal) -> String| {
        list(ids.iter().filter_map(|&id| param(id, show)))
    };
    let partner = |i: usize| s.partners.get(i).map(|p| p.id.clone());
    let service = |i: usize| s.services.get(i).map(|x| x.id.clone());
    let services = |scope: &[usize]| list(scope.iter().filter_map(|&i| service(i)));
    let year = |t: u32| Some(s.year(t).to_string());

    let e = "scenario";
    out.put(e, "name", Some(quote(&s.name)));
    out.put(e, "description", s.description.as_deref().map(quote));
    out.put(e, "start", Some(s.start.to_string()));
    out.put(e, "horizon", Some(s.horizon.to_string()));
    out.put(
        e,
        "discount_rate",
        Some(match s.discount_rate {
            DiscountRate::GreenBook => "green_book".into(),
            DiscountRate::Flat(r) => percent(r),
        }),
    );
    out.put(e, "draws", Some(s.draws.to_string()));
    out.put(e, "seed", Some(s.seed.to_string()));
    out.put(
        e,
        "percentiles",
        Some(list(s.percentiles.iter().map(u8::to_string))),
    );
    let (on_savings, on_costs) = (s.optimism_bias.savings, s.optimism_bias.costs);
    out.put_param(e, "optimism_bias.costs", on_costs, percent);
    out.put_param(e, "optimism_bias.savings", on_savings, percent);
    out.put_param("assumptions", "inflation", s.inflation, percent);
    out.put_param("assumptions", "growth", s.growth, percent);
    // The deflator is the inflation param itself unless written.
    if s.deflator != s.inflation {
        out.put_param("assumptions", "deflator", s.deflator, percent);
    }
    for p in &s.partners {
        let e = format!("partner.{}", p.id);
        out.here = Some(p.loc);
        out.put(&e, "name", Some(quote(&p.name)));
        out.put(&e, "kind", Some(p.kind.name().to_string()));
    }
    for sv in &s.services {
        let e = format!("service.{}", sv.id);
        out.here = Some(sv.loc);
        out.put(&e, "name", Some(quote(&sv.name)));
        out.put(&e, "lead", partner(sv.lead));
        for (p, amount) in s.partners.iter().zip(&sv.contributions) {
            out.put_or(
                &e,
                &format!("contributions.{}", p.id),
                money(*amount),
                money(Decimal::ZERO),
            );
        }
        // A service without its own rate shares the [assumptions] param
        // (one draw for all such services); one with its own has another.
        if sv.inflation != s.inflation {
            out.put_param(&e, "inflation", sv.inflation, percent);
        }
        if sv.growth != s.growth {
            out.put_param(&e, "growth", sv.growth, percent);
        }
        let rs = &sv.risk_share;
        out.put(&e, "risk_share.rule", Some(rs.rule.name().to_string()));
        if rs.rule == RuleKind::Fixed {
            for (i, p) in s.partners.iter().enumerate() {
                out.put_or(
                    &e,
                    &format!("risk_share.shares.{}", p.id),
                    percent(rs.share(i)),
                    percent(Decimal::ZERO),
                );
            }
        }
        for (p, cap) in s.partners.iter().zip(&rs.caps) {
            out.put(&e, &format!("risk_share.cap.{}", p.id), cap.map(money));
        }
        for k in sv.settings.iter().filter(|k| !k.implicit) {
            let ke = format!("{e}.setting.{}", k.id);
            out.put(&ke, "name", Some(quote(&k.name)));
            out.put(&ke, "share", Some(percent(k.share)));
            out.put_param(&ke, "unit_cost", k.unit_cost, money);
        }
    }
    for sv in &s.services {
        let Some(sh) = &sv.shift else {
            continue;
        };
        let setting = |k: usize| sv.settings.get(k).map(|x| x.id.clone());
        let e = format!("shift.{}", sv.id);
        out.here = Some(sh.loc);
        out.put(&e, "name", Some(quote(&sh.name)));
        out.put(&e, "from", setting(sh.from));
        for &(k, w) in &sh.to {
            if let Some(id) = setting(k) {
                out.put(&e, &format!("to.{id}"), Some(percent(w)));
            }
        }
        out.put_param(&e, "target_share", sh.target_share, percent);
        out.put(&e, "by", year(sh.by));
        out.put(&e, "profile", Some(profile(&sh.profile)));
        if let CostRatio::Given(id) = sh.cost_ratio {
            out.put_param(&e, "cost_ratio", id, percent);
        }
        // A line's own optimism bias; one that takes the scenario's is
        // shown there.
        if sh.optimism_bias != on_savings {
            out.put_param(&e, "optimism_bias", sh.optimism_bias, percent);
        }
    }
    for sv in &s.savings {
        let e = format!("saving.{}", sv.name);
        out.here = Some(sv.loc);
        out.put(&e, "services", Some(services(&sv.services)));
        match sv.size {
            SavingSize::Rate(id) => out.put_param(&e, "rate", id, percent),
            SavingSize::Amount(id) => out.put_param(&e, "amount", id, money),
        }
        out.put(
            &e,
            "phase_in",
            Some(list(sv.phase_in.iter().map(|&p| percent(p)))),
        );
        if sv.optimism_bias != on_savings {
            out.put_param(&e, "optimism_bias", sv.optimism_bias, percent);
        }
    }
    for c in &s.costs {
        let e = format!("cost.{}", c.name);
        out.here = Some(c.loc);
        out.put(&e, "services", Some(services(&c.services)));
        out.put(&e, "amounts", Some(params(&c.amounts, money)));
        if c.optimism_bias != on_costs {
            out.put_param(&e, "optimism_bias", c.optimism_bias, percent);
        }
    }
    for v in &s.variances {
        let e = format!("variance.{}", v.name);
        out.here = Some(v.loc);
        out.put(&e, "service", service(v.service));
        out.put(&e, "amounts", Some(params(&v.amounts, money)));
    }
    for w in &s.workforce {
        let e = format!("workforce.{}", w.name);
        out.here = Some(w.loc);
        out.put(&e, "service", service(w.service));
        out.put(&e, "employer", partner(w.employer));
        out.put(&e, "staff", Some(number(w.staff)));
        out.put_param(&e, "cost_per_head", w.cost_per_head, money);
        if let Some(t) = &w.transfer {
            out.put(&e, "transfer_to", partner(t.to));
            out.put(&e, "transfer_in", year(t.year));
        }
        if let Some(r) = &w.reduction {
            out.put_param(&e, "reduction", r.heads, number);
            out.put(&e, "reduction_by", year(r.by));
            // Where the other side has no reduction, the profile it would
            // take is no news.
            out.put_or(
                &e,
                "reduction_profile",
                profile(&r.profile),
                profile(&Profile::DEFAULT),
            );
        }
        out.put_param(&e, "redundancy_cost", w.redundancy_cost, money);
    }
    // Correlations change the ranges though no value does: shown by the
    // values they join, `rank 0.7` or the matrix.
    for c in s.correlations.iter().filter(|c| c.params.len() >= 2) {
        out.here = Some(c.loc);
        let names: Vec<String> = c
            .params
            .iter()
            .filter_map(|&id| s.param(id).map(|p| crate::scenario::dotted(&p.name)))
            .collect();
        out.put(
            "correlation",
            &names.join(" ~ "),
            Some(correlation_text(&c.matrix)),
        );
    }
    out.list
}

/// A correlation as written: `rank 0.7`, or its matrix.
pub fn correlation_text(matrix: &[Vec<f64>]) -> String {
    match matrix {
        [_, second] if second.len() == 2 => {
            format!("rank {}", second.first().copied().unwrap_or(0.0))
        }
        rows => format!(
            "matrix [{}]",
            rows.iter()
                .map(|r| format!(
                    "[{}]",
                    r.iter().map(f64::to_string).collect::<Vec<_>>().join(", ")
                ))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// A text value as a TOML basic string, so a line can be pasted into
/// `--set`: quotes and backslashes escaped, and whatever is unsafe to show
/// escaped as [`crate::display::escape`] shows it (`\u001B`, `\n`).
fn quote(s: &str) -> String {
    let inner = s.replace('\\', "\\\\").replace('"', "\\\"");
    format!("\"{}\"", crate::display::escape(&inner))
}

fn percent(v: Decimal) -> String {
    // A validated percent was read as a number of hundredths, so it has
    // room for them; the fraction is shown should one not.
    match v.checked_mul(Decimal::ONE_HUNDRED) {
        Some(p) => format!("{}%", p.normalize()),
        None => v.normalize().to_string(),
    }
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
            if r.is_plain() {
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

fn profile(p: &Profile) -> String {
    match p {
        Profile::Shape(s) => s.name().to_string(),
        Profile::List(values) => list(values.iter().map(|&v| percent(v))),
    }
}

fn list(items: impl Iterator<Item = String>) -> String {
    format!("[{}]", items.collect::<Vec<_>>().join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::load_str;
    use crate::source::SourceMap;

    /// Writes out several defaults (`discount_rate = "3.5%"`, `draws`,
    /// `percentiles`, a `proportional` rule, a `linear` profile).
    const BIRMINGHAM: &str = include_str!("../scenarios/birmingham.toml");

    /// `text` with every `from` replaced by `to`; `from` must be there.
    fn edit(text: &str, from: &str, to: &str) -> String {
        assert!(text.contains(from), "{from:?} is not in the scenario");
        text.replace(from, to)
    }

    fn scenario(text: &str) -> Scenario {
        match load_str("test.toml", text, &mut SourceMap::new()) {
            Ok(s) => s,
            Err(d) => panic!("invalid test scenario: {d:?}"),
        }
    }

    /// The inputs that differ, both ways round.
    fn both_ways(a: &str, b: &str) -> (Vec<InputChange>, Vec<InputChange>) {
        let (a, b) = (scenario(a), scenario(b));
        (compare_inputs(&a, &b), compare_inputs(&b, &a))
    }

    fn change(key: &str, a: Option<&str>, b: Option<&str>) -> InputChange {
        InputChange {
            key: key.into(),
            a: a.map(String::from),
            b: b.map(String::from),
        }
    }

    #[test]
    fn a_default_written_out_is_no_difference() {
        let mut left_out = BIRMINGHAM.to_string();
        for written in [
            "discount_rate = \"green_book\"",
            "draws = 10000",
            "percentiles = [10, 50, 90]",
            "rule = \"proportional\", ",
            "profile = \"linear\"",
        ] {
            left_out = edit(&left_out, written, "");
        }
        let more_written = edit(
            BIRMINGHAM,
            "reduction_by = \"2011/12\"",
            "reduction_by = \"2011/12\"\nreduction_profile = \"linear\"",
        );
        assert_eq!(both_ways(BIRMINGHAM, &left_out), (vec![], vec![]));
        assert_eq!(both_ways(&left_out, &more_written), (vec![], vec![]));
    }

    #[test]
    fn another_discount_rate_is_a_difference_named_by_its_set_path() {
        let left_out = edit(BIRMINGHAM, "discount_rate = \"green_book\"", "");
        let other = edit(
            BIRMINGHAM,
            "discount_rate = \"green_book\"",
            "discount_rate = \"5%\"",
        );
        let (ab, _) = both_ways(&left_out, &other);
        assert_eq!(
            ab,
            vec![change(
                "scenario.discount_rate",
                Some("green_book"),
                Some("5%")
            )]
        );
    }

    #[test]
    fn optimism_bias_and_the_deflator_are_inputs() {
        let base = "[scenario]\nname = \"S\"\nstart = \"2009/10\"\nhorizon = 3\n\n[assumptions]\ninflation = \"2%\"\n\n[[partner]]\nid = \"c\"\nname = \"C\"\nkind = \"council\"\n\n[[service]]\nid = \"s\"\nname = \"S\"\nlead = \"c\"\ncontributions = { c = \"£10m\" }\n\n[[cost]]\nname = \"Set-up\"\namounts = [\"£1m\"]\n";
        let biased = edit(
            base,
            "horizon = 3\n",
            "horizon = 3\noptimism_bias = { costs = \"20%\" }\n",
        );
        let (ab, _) = both_ways(base, &biased);
        assert_eq!(
            ab,
            [change(
                "scenario.optimism_bias.costs",
                Some("0%"),
                Some("20%")
            )]
        );
        let own = edit(
            base,
            "amounts = [\"£1m\"]\n",
            "amounts = [\"£1m\"]\noptimism_bias = \"41%\"\n",
        );
        let (ab, _) = both_ways(base, &own);
        assert_eq!(ab, [change("cost.Set-up.optimism_bias", None, Some("41%"))]);
        let deflated = edit(
            base,
            "inflation = \"2%\"\n",
            "inflation = \"2%\"\ndeflator = \"2.5%\"\n",
        );
        let (ab, _) = both_ways(base, &deflated);
        assert_eq!(ab, [change("assumptions.deflator", None, Some("2.5%"))]);
    }

    #[test]
    fn values_written_differently_are_no_difference() {
        let written = edit(BIRMINGHAM, "\"£140m\"", "140000000");
        assert_eq!(both_ways(BIRMINGHAM, &written), (vec![], vec![]));
        let written = edit(&written, "\"£250k\"", "\"£250,000\"");
        let written = edit(&written, "\"0.5% to 1.5%\"", "\"0.50% to 1.500%\"");
        assert_eq!(both_ways(BIRMINGHAM, &written), (vec![], vec![]));
    }

    #[test]
    fn a_partner_left_out_of_contributions_gives_nothing() {
        let zero = edit(BIRMINGHAM, "sb = \"£16m\" }", "sb = \"£0\" }");
        let left_out = edit(BIRMINGHAM, ", sb = \"£16m\" }", " }");
        assert_eq!(both_ways(&zero, &left_out), (vec![], vec![]));
        let (ab, _) = both_ways(&left_out, BIRMINGHAM);
        assert_eq!(
            ab,
            vec![change(
                "service.learning_disability.contributions.sb",
                Some("£0"),
                Some("£16,000,000")
            )]
        );
    }

    #[test]
    fn an_entry_on_one_side_only_is_one_present_line() {
        let more = format!("{BIRMINGHAM}\n[[cost]]\nname = \"Training\"\namounts = [\"£2m\"]\n");
        let (ab, ba) = both_ways(BIRMINGHAM, &more);
        assert_eq!(ab, vec![change("cost.Training", None, Some("present"))]);
        assert_eq!(ba, vec![change("cost.Training", Some("present"), None)]);
    }

    #[test]
    fn a_range_shows_as_it_was_written() {
        let target = "target_share = \"40%\"";
        let plain = edit(BIRMINGHAM, target, "target_share = \"35% to 45%\"");
        let table = edit(
            BIRMINGHAM,
            target,
            "target_share = { low = \"35%\", central = \"40%\", high = \"45%\", dist = \"pert\" }",
        );
        let (ab, _) = both_ways(&plain, &table);
        assert_eq!(
            ab,
            vec![change(
                "shift.learning_disability.target_share",
                Some("35% to 45%"),
                Some("{ low = 35%, central = 40%, high = 45%, dist = pert }")
            )]
        );
    }
}
