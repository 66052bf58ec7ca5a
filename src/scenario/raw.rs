//! The raw scenario: every section and key of SPEC 2.2, typed and located.
//!
//! Second step of reading: the located [`Table`] tree becomes a
//! [`RawScenario`]. Each value is parsed by its syntax (money, percent, year,
//! range ...) and keeps its [`Loc`], so validation can point at it. Unknown
//! keys, wrong types and malformed values are reported here, all of them in
//! one pass; cross-references (does this partner exist?) are checked later in
//! [`super::validate`].

use rust_decimal::Decimal;

use super::document::{Node, NodeKind, Table};
use super::model::{Case, DiscountRate, Forecast, PartnerKind, RuleKind, Shape, Underspend};
use super::values::{self, Dist, FinancialYear, Kind, Range, Uncertain, ValueError};
use crate::error::{Diagnostic, Diagnostics, did_you_mean, list_ids};
use crate::limits::{
    MAX_CORRELATED, MAX_DESCRIPTION_CHARS, MAX_EXPECTS, MAX_HORIZON, MAX_LINES, MAX_NAME_CHARS,
    MAX_PARTNERS, MAX_PERCENTILES, MAX_PHASE_IN, MAX_SERVICES, MAX_SETTINGS,
};
use crate::source::Loc;

/// A value and where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Located<T> {
    pub value: T,
    pub loc: Loc,
}

impl<T> Located<T> {
    pub fn new(value: T, loc: Loc) -> Self {
        Located { value, loc }
    }
}

/// `{ id = value, ... }` in file order.
pub type IdMap = Vec<(Located<String>, Located<Decimal>)>;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct RawScenario {
    /// The start of the top file: where whole-file problems point.
    pub loc: Option<Loc>,
    pub header: Option<RawHeader>,
    pub assumptions: RawAssumptions,
    pub partners: Vec<RawPartner>,
    pub services: Vec<RawService>,
    pub shifts: Vec<RawShift>,
    pub savings: Vec<RawSaving>,
    pub costs: Vec<RawCost>,
    pub variances: Vec<RawVariance>,
    pub workforce: Vec<RawWorkforce>,
    pub expects: Vec<RawExpect>,
    pub monitoring: Option<RawMonitoring>,
    pub correlations: Vec<RawCorrelation>,
}

/// A correlation matrix as written: rows of located numbers.
pub type Matrix = Vec<Located<Vec<Located<f64>>>>;

/// `[[correlation]]`: ranged values that move together in Monte Carlo
/// (docs/uncertainty.md).
#[derive(Clone, Debug, PartialEq)]
pub struct RawCorrelation {
    pub loc: Loc,
    /// The values, by the keys `sensitivity` prints.
    pub values: Option<Located<Vec<Located<String>>>>,
    /// The rank correlation of two values.
    pub rank: Option<Located<f64>>,
    /// The rank correlation matrix of two or more, row by row.
    pub matrix: Option<Located<Matrix>>,
    /// Whether `rank` or `matrix` was written (though perhaps invalid).
    pub coefficients_written: bool,
}

/// `[monitoring]`: how the plan is monitored against actuals
/// (docs/monitoring.md).
#[derive(Clone, Debug, PartialEq)]
pub struct RawMonitoring {
    pub loc: Loc,
    pub amber: Option<Located<Decimal>>,
    pub red: Option<Located<Decimal>>,
    /// "even", or twelve monthly shares of the year's budget.
    pub profile: Option<Located<Option<Vec<Located<Decimal>>>>>,
    pub forecast: Option<Located<Forecast>>,
    pub net_across_services: Option<Located<bool>>,
    pub underspend: Option<Located<Underspend>>,
    pub actuals: Option<Located<String>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RawHeader {
    pub loc: Loc,
    pub name: Option<Located<String>>,
    pub description: Option<Located<String>>,
    pub start: Option<Located<FinancialYear>>,
    pub horizon: Option<Located<i64>>,
    pub discount_rate: Option<Located<DiscountRate>>,
    pub optimism_bias: Option<RawOptimismBias>,
    pub draws: Option<Located<i64>>,
    pub seed: Option<Located<i64>>,
    pub percentiles: Option<Located<Vec<Located<i64>>>>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct RawAssumptions {
    pub inflation: Option<Located<Uncertain>>,
    pub growth: Option<Located<Uncertain>>,
    pub deflator: Option<Located<Uncertain>>,
}

/// `[scenario] optimism_bias`: the defaults for cost and saving lines.
#[derive(Clone, Debug, PartialEq)]
pub struct RawOptimismBias {
    pub loc: Loc,
    pub costs: Option<Located<Uncertain>>,
    pub savings: Option<Located<Uncertain>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RawPartner {
    pub loc: Loc,
    pub id: Option<Located<String>>,
    pub name: Option<Located<String>>,
    pub kind: Option<Located<PartnerKind>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RawRiskShare {
    pub loc: Loc,
    pub rule: Option<Located<RuleKind>>,
    pub shares: Option<Located<IdMap>>,
    pub cap: Option<Located<IdMap>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RawService {
    pub loc: Loc,
    pub id: Option<Located<String>>,
    pub name: Option<Located<String>>,
    pub lead: Option<Located<String>>,
    pub contributions: Option<Located<IdMap>>,
    pub inflation: Option<Located<Uncertain>>,
    pub growth: Option<Located<Uncertain>>,
    pub risk_share: Option<RawRiskShare>,
    pub settings: Vec<RawSetting>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RawSetting {
    pub loc: Loc,
    pub id: Option<Located<String>>,
    pub name: Option<Located<String>>,
    pub share: Option<Located<Decimal>>,
    pub unit_cost: Option<Located<Uncertain>>,
    /// `unit_cost` was written (even if it did not parse).
    pub unit_cost_written: bool,
}

/// A profile: a named shape or the fraction reached in each year.
#[derive(Clone, Debug, PartialEq)]
pub enum RawProfile {
    Shape(Shape),
    List(Vec<Located<Decimal>>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct RawShift {
    pub loc: Loc,
    pub name: Option<Located<String>>,
    pub service: Option<Located<String>>,
    pub from: Option<Located<String>>,
    pub to: Option<Located<IdMap>>,
    pub target_share: Option<Located<Uncertain>>,
    pub by: Option<Located<FinancialYear>>,
    pub profile: Option<Located<RawProfile>>,
    pub cost_ratio: Option<Located<Uncertain>>,
    pub optimism_bias: Option<Located<Uncertain>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RawSaving {
    pub loc: Loc,
    pub name: Option<Located<String>>,
    pub services: Option<Located<Vec<Located<String>>>>,
    pub rate: Option<Located<Uncertain>>,
    pub amount: Option<Located<Uncertain>>,
    pub phase_in: Option<Located<Vec<Located<Decimal>>>>,
    pub optimism_bias: Option<Located<Uncertain>>,
    /// Whether the table had `rate` or `amount`, even one that did not
    /// parse (its error is reported; a missing size is not).
    pub size_written: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RawCost {
    pub loc: Loc,
    pub name: Option<Located<String>>,
    pub services: Option<Located<Vec<Located<String>>>>,
    pub amounts: Option<Located<Vec<Located<Uncertain>>>>,
    pub optimism_bias: Option<Located<Uncertain>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RawVariance {
    pub loc: Loc,
    pub name: Option<Located<String>>,
    pub service: Option<Located<String>>,
    pub amounts: Option<Located<Vec<Located<Uncertain>>>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RawWorkforce {
    pub loc: Loc,
    pub name: Option<Located<String>>,
    pub service: Option<Located<String>>,
    pub employer: Option<Located<String>>,
    pub staff: Option<Located<Decimal>>,
    pub cost_per_head: Option<Located<Uncertain>>,
    pub transfer_to: Option<Located<String>>,
    pub transfer_in: Option<Located<FinancialYear>>,
    pub reduction: Option<Located<Uncertain>>,
    pub reduction_by: Option<Located<FinancialYear>>,
    pub reduction_profile: Option<Located<RawProfile>>,
    pub redundancy_cost: Option<Located<Uncertain>>,
}

/// A bound of an `[[expect]]`, read once the metric's kind is known.
#[derive(Clone, Debug, PartialEq)]
pub enum RawBound {
    Int(i64),
    Str(String),
    /// A TOML float: rejected with a suggestion during validation.
    Float(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct RawExpect {
    pub loc: Loc,
    pub year: Option<Located<FinancialYear>>,
    pub metric: Option<Located<String>>,
    pub min: Option<Located<RawBound>>,
    pub max: Option<Located<RawBound>>,
    pub case: Option<Located<Case>>,
    /// A monitoring metric's case: as at a period, `"M06"` or `"Q2"`.
    pub period: Option<Located<(super::model::Periods, usize)>>,
}

/// Top-level keys and the keys of every table (SPEC 2.2).
pub mod keys {
    pub const ROOT: &[&str] = &[
        "scenario",
        "assumptions",
        "partner",
        "service",
        "shift",
        "saving",
        "cost",
        "variance",
        "workforce",
        "expect",
        "monitoring",
        "correlation",
    ];
    pub const CORRELATION: &[&str] = &["values", "rank", "matrix"];
    pub const MONITORING: &[&str] = &[
        "amber",
        "red",
        "profile",
        "forecast",
        "net_across_services",
        "underspend",
        "actuals",
    ];
    pub const SCENARIO: &[&str] = &[
        "name",
        "description",
        "start",
        "horizon",
        "discount_rate",
        "optimism_bias",
        "draws",
        "seed",
        "percentiles",
    ];
    pub const ASSUMPTIONS: &[&str] = &["inflation", "growth", "deflator"];
    pub const OPTIMISM_BIAS: &[&str] = &["costs", "savings"];
    pub const PARTNER: &[&str] = &["id", "name", "kind"];
    pub const SERVICE: &[&str] = &[
        "id",
        "name",
        "lead",
        "contributions",
        "inflation",
        "growth",
        "risk_share",
        "setting",
    ];
    pub const RISK_SHARE: &[&str] = &["rule", "shares", "cap"];
    pub const SETTING: &[&str] = &["id", "name", "share", "unit_cost"];
    pub const SHIFT: &[&str] = &[
        "name",
        "service",
        "from",
        "to",
        "target_share",
        "by",
        "profile",
        "cost_ratio",
        "optimism_bias",
    ];
    pub const SAVING: &[&str] = &[
        "name",
        "services",
        "rate",
        "amount",
        "phase_in",
        "optimism_bias",
    ];
    pub const COST: &[&str] = &["name", "services", "amounts", "optimism_bias"];
    pub const VARIANCE: &[&str] = &["name", "service", "amounts"];
    pub const WORKFORCE: &[&str] = &[
        "name",
        "service",
        "employer",
        "staff",
        "cost_per_head",
        "transfer_to",
        "transfer_in",
        "reduction",
        "reduction_by",
        "reduction_profile",
        "redundancy_cost",
    ];
    pub const EXPECT: &[&str] = &["year", "metric", "min", "max", "case"];
    pub const RANGE: &[&str] = &["low", "central", "high", "dist"];
}

/// Reads a merged document into a [`RawScenario`], reporting every problem.
pub fn read(root: &Table, top: Loc, diags: &mut Diagnostics) -> RawScenario {
    let mut r = Reader { diags, key: None };
    let mut raw = RawScenario {
        loc: Some(top),
        ..RawScenario::default()
    };
    r.check_keys(root, keys::ROOT, "the scenario file", top);
    match root.get("scenario") {
        Some(node) => raw.header = r.table(node, "[scenario]").map(|t| r.header(t, node.loc)),
        None => r.error(
            Diagnostic::at(top, "missing the [scenario] table")
                .help("start the file with [scenario] giving name, start and horizon"),
        ),
    }
    if let Some(node) = root.get("assumptions") {
        if let Some(t) = r.table(node, "[assumptions]") {
            r.check_keys(t, keys::ASSUMPTIONS, "[assumptions]", node.loc);
            raw.assumptions = RawAssumptions {
                inflation: r.opt(t, "inflation", |r, n| r.uncertain(n, Kind::Percent)),
                growth: r.opt(t, "growth", |r, n| r.uncertain(n, Kind::Percent)),
                deflator: r.opt(t, "deflator", |r, n| r.uncertain(n, Kind::Percent)),
            };
        }
    }
    raw.partners = r.array_of_tables(root, "partner", MAX_PARTNERS, Reader::partner);
    raw.services = r.array_of_tables(root, "service", MAX_SERVICES, Reader::service);
    // At most one shift a service.
    raw.shifts = r.array_of_tables(root, "shift", MAX_SERVICES, Reader::shift);
    raw.savings = r.array_of_tables(root, "saving", MAX_LINES, Reader::saving);
    raw.costs = r.array_of_tables(root, "cost", MAX_LINES, Reader::cost);
    raw.variances = r.array_of_tables(root, "variance", MAX_LINES, Reader::variance);
    raw.workforce = r.array_of_tables(root, "workforce", MAX_LINES, Reader::workforce);
    raw.expects = r.array_of_tables(root, "expect", MAX_EXPECTS, Reader::expect);
    raw.correlations = r.array_of_tables(root, "correlation", MAX_LINES, Reader::correlation);
    if let Some(node) = root.get("monitoring") {
        if let Some(t) = r.table(node, "[monitoring]") {
            raw.monitoring = Some(r.monitoring(t, node.loc));
        }
    }
    raw
}

struct Reader<'d> {
    diags: &'d mut Diagnostics,
    /// The key whose value is being read, to name in a type error.
    key: Option<String>,
}

impl Reader<'_> {
    fn error(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    fn value_error(&mut self, loc: Loc, e: ValueError) {
        self.error(Diagnostic::at(loc, e.message).maybe_help(e.help));
    }

    fn wrong_type(&mut self, node: &Node, expected: &str) {
        if node.kind == NodeKind::Invalid {
            return;
        }
        let message = match &self.key {
            Some(key) => format!("`{key}` takes {expected}, found {}", node.kind.type_name()),
            None => format!("expected {expected}, found {}", node.kind.type_name()),
        };
        let help = match (&node.kind, &self.key) {
            // `horizon = "5"`: the number in quotes.
            (NodeKind::Str(s), key)
                if expected == "an integer" && s.trim().parse::<i64>().is_ok() =>
            {
                Some(format!(
                    "a whole number is written without quotes: {} = {}",
                    key.as_deref().unwrap_or("key"),
                    s.trim()
                ))
            }
            // `values = "a.b"`: one item where a list is wanted.
            (NodeKind::Str(s), key) if expected.starts_with("an array") => Some(format!(
                "a list is written in square brackets: {} = [\"{}\"]",
                key.as_deref().unwrap_or("key"),
                crate::display::escape(s)
            )),
            _ => None,
        };
        self.error(Diagnostic::at(node.loc, message).maybe_help(help));
    }

    /// Reports every key of `table` not in `allowed`, with a suggestion.
    fn check_keys(&mut self, table: &Table, allowed: &[&str], context: &str, _loc: Loc) {
        for entry in &table.entries {
            if allowed.contains(&entry.key.as_str()) || self.diags.count_if_unshown(entry.key_loc) {
                continue;
            }
            let d = Diagnostic::at(
                entry.key_loc,
                format!("unknown key `{}` in {context}", entry.key),
            );
            let d = match did_you_mean(&entry.key, allowed.iter().copied()) {
                _ if entry.key == "drop" => d.help("`drop = true` removes an inherited entry: it only works in a variant file, one with `extends`"),
                _ if entry.key == "extends" => d.help("`extends` goes at the top of the file, before any table"),
                Some(s) => d.help(format!("did you mean `{s}`?")),
                None => d.help(format!("the keys of {context} are {}", list_ids(allowed))),
            };
            self.error(d);
        }
    }

    fn table<'t>(&mut self, node: &'t Node, what: &str) -> Option<&'t Table> {
        match &node.kind {
            NodeKind::Table(t) => Some(t),
            _ => {
                self.wrong_type(node, &format!("a table for {what}"));
                None
            }
        }
    }

    fn array<'t>(&mut self, node: &'t Node, what: &str) -> Option<&'t [Node]> {
        match &node.kind {
            NodeKind::Array(items) => Some(items),
            _ => {
                self.wrong_type(node, &format!("an array for {what}"));
                None
            }
        }
    }

    /// The first `max` items of a list; an item past them is reported
    /// once, at the first, and none of them is read (docs/limits.md).
    fn capped<'t>(&mut self, items: &'t [Node], max: usize, what: &str) -> &'t [Node] {
        if let Some(extra) = items.get(max) {
            self.error(
                Diagnostic::at(
                    extra.loc,
                    format!(
                        "too many {what}: at most {max} (this is number {})",
                        max + 1
                    ),
                )
                .help("see docs/limits.md for the limits on scenario files"),
            );
        }
        items.get(..max).unwrap_or(items)
    }

    /// The tables of `[[key]]`, at most `max` of them.
    fn array_of_tables<T>(
        &mut self,
        root: &Table,
        key: &str,
        max: usize,
        mut read: impl FnMut(&mut Self, &Table, Loc) -> T,
    ) -> Vec<T> {
        let Some(node) = root.get(key) else {
            return Vec::new();
        };
        let Some(items) = self.array_of_tables_items(node, &format!("[[{key}]]")) else {
            return Vec::new();
        };
        self.capped(items, max, &format!("[[{key}]] entries"))
            .iter()
            .filter_map(|item| match &item.kind {
                NodeKind::Table(t) => Some(read(self, t, item.loc)),
                _ => {
                    self.wrong_type(item, &format!("a table in [[{key}]]"));
                    None
                }
            })
            .collect()
    }

    fn array_of_tables_items<'t>(&mut self, node: &'t Node, what: &str) -> Option<&'t [Node]> {
        match &node.kind {
            NodeKind::Array(items) => Some(items),
            NodeKind::Table(_) => {
                self.error(
                    Diagnostic::at(
                        node.loc,
                        format!("expected an array of tables {what}, found a single table"),
                    )
                    .help(format!("write the header as {what}")),
                );
                None
            }
            _ => {
                self.wrong_type(node, &format!("an array of tables {what}"));
                None
            }
        }
    }

    /// An optional key, read with `read` when present.
    fn opt<T>(
        &mut self,
        table: &Table,
        key: &str,
        read: impl FnOnce(&mut Self, &Node) -> Option<T>,
    ) -> Option<T> {
        let node = table.get(key)?;
        let outer = self.key.replace(key.to_string());
        let value = read(self, node);
        self.key = outer;
        value
    }

    /// A required key: reported as missing at the table's header.
    fn req<T>(
        &mut self,
        table: &Table,
        key: &str,
        at: Loc,
        context: &str,
        read: impl FnOnce(&mut Self, &Node) -> Option<T>,
    ) -> Option<T> {
        match table.get(key) {
            Some(node) => {
                let outer = self.key.replace(key.to_string());
                let value = read(self, node);
                self.key = outer;
                value
            }
            None => {
                self.error(Diagnostic::at(
                    at,
                    format!("missing key `{key}` in {context}"),
                ));
                None
            }
        }
    }

    /// A string of at most `max` characters (a name or a description:
    /// printed in tables, so bounded; docs/limits.md).
    fn text(&mut self, node: &Node, max: usize, what: &str) -> Option<Located<String>> {
        let s = self.string(node)?;
        let chars = s.value.chars().count();
        if chars > max {
            self.error(
                Diagnostic::at(
                    node.loc,
                    format!("this {what} is {chars} characters long; at most {max} are allowed"),
                )
                .help(if what == "description" {
                    "shorten it: a description is a paragraph or two".to_string()
                } else {
                    "shorten it; longer text belongs in [scenario] description".to_string()
                }),
            );
            return None;
        }
        Some(s)
    }

    fn name(&mut self, node: &Node) -> Option<Located<String>> {
        self.text(node, MAX_NAME_CHARS, "name")
    }

    fn string(&mut self, node: &Node) -> Option<Located<String>> {
        match &node.kind {
            NodeKind::Str(s) => Some(Located::new(s.clone(), node.loc)),
            _ => {
                self.wrong_type(node, "a string");
                None
            }
        }
    }

    /// An id: `[a-z][a-z0-9_]*`.
    fn id(&mut self, node: &Node) -> Option<Located<String>> {
        let s = self.text(node, MAX_NAME_CHARS, "id")?;
        if !is_id(&s.value) {
            let suggestion = to_id(&s.value);
            let d = Diagnostic::at(
                node.loc,
                format!(
                    "`{}` is not a valid id: ids are a lower-case letter then lower-case letters, digits or _",
                    s.value
                ),
            );
            self.error(if suggestion.is_empty() {
                d
            } else {
                d.help(format!("use \"{suggestion}\""))
            });
            return None;
        }
        Some(s)
    }

    fn integer(&mut self, node: &Node) -> Option<Located<i64>> {
        match &node.kind {
            NodeKind::Int(n) => Some(Located::new(*n, node.loc)),
            _ => {
                self.wrong_type(node, "an integer");
                None
            }
        }
    }

    fn year(&mut self, node: &Node) -> Option<Located<FinancialYear>> {
        match &node.kind {
            NodeKind::Str(s) => match s.parse::<FinancialYear>() {
                Ok(y) => Some(Located::new(y, node.loc)),
                Err(e) => {
                    self.value_error(node.loc, e);
                    None
                }
            },
            NodeKind::Int(n) => {
                self.error(
                    Diagnostic::at(node.loc, "a financial year is a string like \"2009/10\"").help(
                        format!(
                            "use \"{}\"",
                            FinancialYear::new(i32::try_from(*n).unwrap_or(2009))
                        ),
                    ),
                );
                None
            }
            _ => {
                self.wrong_type(node, "a financial year string like \"2009/10\"");
                None
            }
        }
    }

    /// `discount_rate`: `"green_book"` or a flat percent.
    fn discount_rate(&mut self, node: &Node) -> Option<Located<DiscountRate>> {
        if let NodeKind::Str(s) = &node.kind {
            if s == "green_book" {
                return Some(Located::new(DiscountRate::GreenBook, node.loc));
            }
            if !s.trim_end().ends_with('%') {
                self.value_error(
                    node.loc,
                    ValueError {
                        message: format!(
                            "`{s}` is not a discount rate: give \"green_book\" or a percent"
                        ),
                        help: Some(
                            "\"green_book\" is the Green Book's schedule (3.5% to year 30, then 3%); a flat rate is a percent such as \"3.5%\"".into(),
                        ),
                    },
                );
                return None;
            }
        }
        self.scalar(node, Kind::Percent)
            .map(|v| Located::new(DiscountRate::Flat(v.value), v.loc))
    }

    /// A single (not ranged) value of `kind`.
    fn scalar(&mut self, node: &Node, kind: Kind) -> Option<Located<Decimal>> {
        let parsed = match &node.kind {
            NodeKind::Str(s) => {
                if s.contains(" to ") {
                    Err(ValueError {
                        message: format!("`{s}` is a range, but this key takes a single value"),
                        help: Some(format!("give one value: {}", kind.forms())),
                    })
                } else {
                    kind.parse(s)
                }
            }
            NodeKind::Int(n) => int_value(*n, kind),
            NodeKind::Float(text) => Err(float_error(text, kind)),
            NodeKind::Invalid => return None,
            _ => {
                self.wrong_type(node, kind.noun());
                return None;
            }
        };
        match parsed {
            Ok(v) => Some(Located::new(v, node.loc)),
            Err(e) => {
                self.value_error(node.loc, e);
                None
            }
        }
    }

    /// A value of `kind` that may be a range: `"3% to 7%"` or a table.
    fn uncertain(&mut self, node: &Node, kind: Kind) -> Option<Located<Uncertain>> {
        let parsed = match &node.kind {
            NodeKind::Str(s) => values::parse_uncertain(s, kind),
            NodeKind::Int(n) => int_value(*n, kind).map(Uncertain::Point),
            NodeKind::Float(text) => Err(float_error(text, kind)),
            NodeKind::Table(t) => return self.range_table(t, node.loc, kind),
            NodeKind::Invalid => return None,
            _ => {
                self.wrong_type(node, &format!("{} or a range", kind.noun()));
                return None;
            }
        };
        match parsed {
            Ok(v) => Some(Located::new(v, node.loc)),
            Err(e) => {
                self.value_error(node.loc, e);
                None
            }
        }
    }

    /// `{ low = ..., central = ..., high = ..., dist = "pert" }`.
    fn range_table(&mut self, t: &Table, loc: Loc, kind: Kind) -> Option<Located<Uncertain>> {
        self.check_keys(t, keys::RANGE, "a range", loc);
        let context = "a range";
        let low = self.req(t, "low", loc, context, |r, n| r.scalar(n, kind));
        let high = self.req(t, "high", loc, context, |r, n| r.scalar(n, kind));
        let central = self.opt(t, "central", |r, n| r.scalar(n, kind));
        let dist = self.opt(t, "dist", |r, n| {
            r.choice(n, &Dist::NAMES, "distribution", Dist::from_name)
        });
        let (low, high) = (low?, high?);
        if t.get("central").is_some() && central.is_none() {
            return None;
        }
        if t.get("dist").is_some() && dist.is_none() {
            return None;
        }
        match Range::new(
            low.value,
            central.as_ref().map(|c| c.value),
            high.value,
            dist.map(|d| d.value),
            kind,
        ) {
            Ok(range) => Some(Located::new(Uncertain::Range(range), loc)),
            Err(e) => {
                let at = match &central {
                    Some(c) if e.message.contains("central") => c.loc,
                    _ => loc,
                };
                self.value_error(at, e);
                None
            }
        }
    }

    /// A string that must be one of `names`.
    fn choice<T>(
        &mut self,
        node: &Node,
        names: &[&str],
        what: &str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Option<Located<T>> {
        let s = self.string(node)?;
        match parse(&s.value) {
            Some(v) => Some(Located::new(v, node.loc)),
            None => {
                let d = Diagnostic::at(node.loc, format!("unknown {what} `{}`", s.value));
                let d = match did_you_mean(&s.value, names.iter().copied()) {
                    Some(m) => d.help(format!(
                        "did you mean `{m}`? the choices are {}",
                        list_ids(names)
                    )),
                    None => d.help(format!("the choices are {}", list_ids(names))),
                };
                self.error(d);
                None
            }
        }
    }

    /// `{ id = value, ... }` with values of `kind`.
    fn id_map(&mut self, node: &Node, kind: Kind, max: usize) -> Option<Located<IdMap>> {
        let t = self.table(node, "a table of ids")?;
        let mut ok = true;
        let mut out = Vec::new();
        if let Some(extra) = t.entries.get(max) {
            self.error(
                Diagnostic::at(
                    extra.key_loc,
                    format!("too many ids: at most {max} (this is number {})", max + 1),
                )
                .help("see docs/limits.md for the limits on scenario files"),
            );
            ok = false;
        }
        for entry in t.entries.iter().take(max) {
            let value = self.scalar(&entry.value, kind);
            match value {
                Some(v) => out.push((Located::new(entry.key.clone(), entry.key_loc), v)),
                None => ok = false,
            }
        }
        ok.then(|| Located::new(out, node.loc))
    }

    fn id_list(&mut self, node: &Node) -> Option<Located<Vec<Located<String>>>> {
        let items = self.array(node, "a list of ids")?;
        let items = self.capped(items, MAX_SERVICES, "services in one list");
        let ids: Vec<_> = items.iter().map(|n| self.id(n)).collect();
        ids.into_iter()
            .collect::<Option<Vec<_>>>()
            .map(|v| Located::new(v, node.loc))
    }

    fn percent_list(
        &mut self,
        node: &Node,
        max: usize,
        what: &str,
    ) -> Option<Located<Vec<Located<Decimal>>>> {
        let items = self.array(node, "a list of percents")?;
        let items = self.capped(items, max, what);
        let values: Vec<_> = items
            .iter()
            .map(|n| self.scalar(n, Kind::Percent))
            .collect();
        values
            .into_iter()
            .collect::<Option<Vec<_>>>()
            .map(|v| Located::new(v, node.loc))
    }

    fn amounts(&mut self, node: &Node) -> Option<Located<Vec<Located<Uncertain>>>> {
        let items = self.array(node, "a list of amounts")?;
        let items = self.capped(items, MAX_HORIZON as usize, "amounts");
        let values: Vec<_> = items
            .iter()
            .map(|n| self.uncertain(n, Kind::Money))
            .collect();
        values
            .into_iter()
            .collect::<Option<Vec<_>>>()
            .map(|v| Located::new(v, node.loc))
    }

    fn profile(&mut self, node: &Node) -> Option<Located<RawProfile>> {
        match &node.kind {
            NodeKind::Str(_) => {
                let shape = self.choice(node, &Shape::NAMES, "profile", |s| match s {
                    "linear" => Some(Shape::Linear),
                    "front_loaded" => Some(Shape::FrontLoaded),
                    "back_loaded" => Some(Shape::BackLoaded),
                    "step" => Some(Shape::Step),
                    _ => None,
                })?;
                Some(Located::new(RawProfile::Shape(shape.value), node.loc))
            }
            NodeKind::Array(_) => {
                let list = self.percent_list(node, MAX_HORIZON as usize, "profile values")?;
                Some(Located::new(RawProfile::List(list.value), node.loc))
            }
            _ => {
                self.wrong_type(
                    node,
                    "a profile: \"linear\", \"front_loaded\", \"back_loaded\", \"step\" or a list like [\"25%\", \"60%\", \"100%\"]",
                );
                None
            }
        }
    }

    fn header(&mut self, t: &Table, loc: Loc) -> RawHeader {
        let cx = "[scenario]";
        self.check_keys(t, keys::SCENARIO, cx, loc);
        RawHeader {
            loc,
            name: self.req(t, "name", loc, cx, Self::name),
            description: self.opt(t, "description", |r, n| {
                r.text(n, MAX_DESCRIPTION_CHARS, "description")
            }),
            start: self.req(t, "start", loc, cx, Self::year),
            horizon: self.req(t, "horizon", loc, cx, Self::integer),
            discount_rate: self.opt(t, "discount_rate", Self::discount_rate),
            optimism_bias: self.opt(t, "optimism_bias", |r, n| {
                let table = r.table(n, "optimism_bias")?;
                r.check_keys(
                    table,
                    keys::OPTIMISM_BIAS,
                    "[scenario] optimism_bias",
                    n.loc,
                );
                Some(RawOptimismBias {
                    loc: n.loc,
                    costs: r.opt(table, "costs", |r, n| r.uncertain(n, Kind::Percent)),
                    savings: r.opt(table, "savings", |r, n| r.uncertain(n, Kind::Percent)),
                })
            }),
            draws: self.opt(t, "draws", Self::integer),
            seed: self.opt(t, "seed", Self::integer),
            percentiles: self.opt(t, "percentiles", |r, n| {
                let items = r.array(n, "percentiles")?;
                let items = r.capped(items, MAX_PERCENTILES, "percentiles");
                let values: Vec<_> = items.iter().map(|i| r.integer(i)).collect();
                values
                    .into_iter()
                    .collect::<Option<Vec<_>>>()
                    .map(|v| Located::new(v, n.loc))
            }),
        }
    }

    fn monitoring(&mut self, t: &Table, loc: Loc) -> RawMonitoring {
        self.check_keys(t, keys::MONITORING, "[monitoring]", loc);
        RawMonitoring {
            loc,
            amber: self.opt(t, "amber", |r, n| r.scalar(n, Kind::Percent)),
            red: self.opt(t, "red", |r, n| r.scalar(n, Kind::Percent)),
            profile: self.opt(t, "profile", |r, n| match &n.kind {
                NodeKind::Str(s) if s == "even" => Some(Located::new(None, n.loc)),
                NodeKind::Array(_) => {
                    let list = r.percent_list(n, 12, "monthly shares")?;
                    Some(Located::new(Some(list.value), n.loc))
                }
                _ => {
                    r.wrong_type(
                        n,
                        "\"even\" or twelve monthly shares of the year's budget, April first, e.g. [\"8%\", \"8%\", ...]",
                    );
                    None
                }
            }),
            forecast: self.opt(t, "forecast", |r, n| {
                r.choice(n, &Forecast::NAMES, "forecast method", Forecast::parse)
            }),
            net_across_services: self.opt(t, "net_across_services", |r, n| match &n.kind {
                NodeKind::Bool(b) => Some(Located::new(*b, n.loc)),
                _ => {
                    r.wrong_type(n, "true or false");
                    None
                }
            }),
            underspend: self.opt(t, "underspend", |r, n| {
                r.choice(n, &Underspend::NAMES, "underspend rule", Underspend::parse)
            }),
            actuals: self.opt(t, "actuals", |r, n| r.text(n, 4096, "path")),
        }
    }

    fn partner(&mut self, t: &Table, loc: Loc) -> RawPartner {
        let id = self.req(t, "id", loc, "[[partner]]", Self::id);
        let cx = context("partner", id.as_ref());
        self.check_keys(t, keys::PARTNER, &cx, loc);
        RawPartner {
            loc,
            id,
            name: self.req(t, "name", loc, &cx, Self::name),
            kind: self.req(t, "kind", loc, &cx, |r, n| {
                r.choice(n, &PartnerKind::NAMES, "partner kind", |s| match s {
                    "council" => Some(PartnerKind::Council),
                    "nhs" => Some(PartnerKind::Nhs),
                    "other" => Some(PartnerKind::Other),
                    _ => None,
                })
            }),
        }
    }

    fn service(&mut self, t: &Table, loc: Loc) -> RawService {
        let id = self.req(t, "id", loc, "[[service]]", Self::id);
        let cx = context("service", id.as_ref());
        self.check_keys(t, keys::SERVICE, &cx, loc);
        let risk_share = self.opt(t, "risk_share", |r, n| {
            let table = r.table(n, "risk_share")?;
            let rcx = format!("the risk_share of {cx}");
            r.check_keys(table, keys::RISK_SHARE, &rcx, n.loc);
            Some(RawRiskShare {
                loc: n.loc,
                rule: r.opt(table, "rule", |r, n| {
                    r.choice(n, &RuleKind::NAMES, "risk-share rule", |s| match s {
                        "proportional" => Some(RuleKind::Proportional),
                        "lead" => Some(RuleKind::Lead),
                        "fixed" => Some(RuleKind::Fixed),
                        _ => None,
                    })
                }),
                shares: r.opt(table, "shares", |r, n| {
                    r.id_map(n, Kind::Percent, MAX_PARTNERS)
                }),
                cap: r.opt(table, "cap", |r, n| r.id_map(n, Kind::Money, MAX_PARTNERS)),
            })
        });
        let settings = match t.get("setting") {
            Some(node) => match self.array_of_tables_items(node, "[[service.setting]]") {
                Some(items) => self
                    .capped(items, MAX_SETTINGS, "settings in one service")
                    .iter()
                    .filter_map(|item| match &item.kind {
                        NodeKind::Table(st) => Some(self.setting(st, item.loc, &cx)),
                        _ => {
                            self.wrong_type(item, "a table in [[service.setting]]");
                            None
                        }
                    })
                    .collect(),
                None => Vec::new(),
            },
            None => Vec::new(),
        };
        RawService {
            loc,
            name: self.req(t, "name", loc, &cx, Self::name),
            lead: self.req(t, "lead", loc, &cx, Self::id),
            contributions: self.req(t, "contributions", loc, &cx, |r, n| {
                r.id_map(n, Kind::Money, MAX_PARTNERS)
            }),
            inflation: self.opt(t, "inflation", |r, n| r.uncertain(n, Kind::Percent)),
            growth: self.opt(t, "growth", |r, n| r.uncertain(n, Kind::Percent)),
            risk_share,
            settings,
            id,
        }
    }

    fn setting(&mut self, t: &Table, loc: Loc, service_cx: &str) -> RawSetting {
        let id = self.req(t, "id", loc, "[[service.setting]]", Self::id);
        let cx = match &id {
            Some(id) => format!("setting `{}` of {service_cx}", id.value),
            None => format!("a setting of {service_cx}"),
        };
        self.check_keys(t, keys::SETTING, &cx, loc);
        RawSetting {
            loc,
            id,
            name: self.req(t, "name", loc, &cx, Self::name),
            share: self.req(t, "share", loc, &cx, |r, n| r.scalar(n, Kind::Percent)),
            unit_cost: self.opt(t, "unit_cost", |r, n| r.uncertain(n, Kind::Money)),
            unit_cost_written: t.get("unit_cost").is_some(),
        }
    }

    fn shift(&mut self, t: &Table, loc: Loc) -> RawShift {
        let name = self.req(t, "name", loc, "[[shift]]", Self::name);
        let cx = named_context("shift", name.as_ref());
        self.check_keys(t, keys::SHIFT, &cx, loc);
        RawShift {
            loc,
            service: self.req(t, "service", loc, &cx, Self::id),
            from: self.req(t, "from", loc, &cx, Self::id),
            to: self.req(t, "to", loc, &cx, |r, n| {
                r.id_map(n, Kind::Percent, MAX_SETTINGS)
            }),
            target_share: self.req(t, "target_share", loc, &cx, |r, n| {
                r.uncertain(n, Kind::Percent)
            }),
            by: self.req(t, "by", loc, &cx, Self::year),
            profile: self.opt(t, "profile", Self::profile),
            cost_ratio: self.opt(t, "cost_ratio", |r, n| r.uncertain(n, Kind::Percent)),
            optimism_bias: self.opt(t, "optimism_bias", |r, n| r.uncertain(n, Kind::Percent)),
            name,
        }
    }

    fn saving(&mut self, t: &Table, loc: Loc) -> RawSaving {
        let name = self.req(t, "name", loc, "[[saving]]", Self::name);
        let cx = named_context("saving", name.as_ref());
        self.check_keys(t, keys::SAVING, &cx, loc);
        RawSaving {
            loc,
            services: self.opt(t, "services", Self::id_list),
            rate: self.opt(t, "rate", |r, n| r.uncertain(n, Kind::Percent)),
            amount: self.opt(t, "amount", |r, n| r.uncertain(n, Kind::Money)),
            phase_in: self.opt(t, "phase_in", |r, n| {
                r.percent_list(n, MAX_PHASE_IN, "`phase_in` values")
            }),
            optimism_bias: self.opt(t, "optimism_bias", |r, n| r.uncertain(n, Kind::Percent)),
            size_written: t.get("rate").is_some() || t.get("amount").is_some(),
            name,
        }
    }

    fn cost(&mut self, t: &Table, loc: Loc) -> RawCost {
        let name = self.req(t, "name", loc, "[[cost]]", Self::name);
        let cx = named_context("cost", name.as_ref());
        self.check_keys(t, keys::COST, &cx, loc);
        RawCost {
            loc,
            services: self.opt(t, "services", Self::id_list),
            amounts: self.req(t, "amounts", loc, &cx, Self::amounts),
            optimism_bias: self.opt(t, "optimism_bias", |r, n| r.uncertain(n, Kind::Percent)),
            name,
        }
    }

    fn variance(&mut self, t: &Table, loc: Loc) -> RawVariance {
        let name = self.req(t, "name", loc, "[[variance]]", Self::name);
        let cx = named_context("variance", name.as_ref());
        self.check_keys(t, keys::VARIANCE, &cx, loc);
        RawVariance {
            loc,
            service: self.req(t, "service", loc, &cx, Self::id),
            amounts: self.req(t, "amounts", loc, &cx, Self::amounts),
            name,
        }
    }

    fn workforce(&mut self, t: &Table, loc: Loc) -> RawWorkforce {
        let name = self.req(t, "name", loc, "[[workforce]]", Self::name);
        let cx = named_context("workforce", name.as_ref());
        self.check_keys(t, keys::WORKFORCE, &cx, loc);
        RawWorkforce {
            loc,
            service: self.req(t, "service", loc, &cx, Self::id),
            employer: self.req(t, "employer", loc, &cx, Self::id),
            staff: self.req(t, "staff", loc, &cx, |r, n| r.scalar(n, Kind::Number)),
            cost_per_head: self.req(t, "cost_per_head", loc, &cx, |r, n| {
                r.uncertain(n, Kind::Money)
            }),
            transfer_to: self.opt(t, "transfer_to", Self::id),
            transfer_in: self.opt(t, "transfer_in", Self::year),
            reduction: self.opt(t, "reduction", |r, n| r.uncertain(n, Kind::Number)),
            reduction_by: self.opt(t, "reduction_by", Self::year),
            reduction_profile: self.opt(t, "reduction_profile", Self::profile),
            redundancy_cost: self.opt(t, "redundancy_cost", |r, n| r.uncertain(n, Kind::Money)),
            name,
        }
    }

    fn correlation(&mut self, t: &Table, loc: Loc) -> RawCorrelation {
        let cx = "[[correlation]]";
        self.check_keys(t, keys::CORRELATION, cx, loc);
        let values = self.req(t, "values", loc, cx, |r, n| {
            let items = r.array(n, "a list of ranged values")?;
            let items = r.capped(items, MAX_CORRELATED, "values in one correlation");
            let names: Vec<_> = items.iter().map(|n| r.string(n)).collect();
            names
                .into_iter()
                .collect::<Option<Vec<_>>>()
                .map(|v| Located::new(v, n.loc))
        });
        let rank = self.opt(t, "rank", Self::coefficient);
        let matrix = self.opt(t, "matrix", |r, n| {
            let rows = r.array(n, "a matrix: a list of rows")?;
            let rows = r.capped(rows, MAX_CORRELATED, "rows in one matrix");
            let read: Vec<_> = rows
                .iter()
                .map(|row| {
                    let items = r.array(row, "a row of the matrix: a list of numbers")?;
                    let items = r.capped(items, MAX_CORRELATED, "numbers in a row");
                    let xs: Vec<_> = items.iter().map(|x| r.coefficient(x)).collect();
                    xs.into_iter()
                        .collect::<Option<Vec<_>>>()
                        .map(|v| Located::new(v, row.loc))
                })
                .collect();
            read.into_iter()
                .collect::<Option<Vec<_>>>()
                .map(|v| Located::new(v, n.loc))
        });
        RawCorrelation {
            loc,
            values,
            rank,
            matrix,
            coefficients_written: t.get("rank").is_some() || t.get("matrix").is_some(),
        }
    }

    /// A correlation coefficient, -1 to 1: a number (`0.6`), or a string
    /// of one (`"0.6"`).
    fn coefficient(&mut self, node: &Node) -> Option<Located<f64>> {
        let text = match &node.kind {
            NodeKind::Int(i) => i.to_string(),
            NodeKind::Float(f) => f.clone(),
            NodeKind::Str(s) => s.trim().to_string(),
            _ => {
                self.wrong_type(node, "a correlation, a number from -1 to 1");
                return None;
            }
        };
        match text.replace('_', "").parse::<f64>() {
            Ok(x) if (-1.0..=1.0).contains(&x) => Some(Located::new(x, node.loc)),
            Ok(x) if !x.is_nan() => {
                self.error(
                    Diagnostic::at(node.loc, format!("a correlation of {text} is outside -1 to 1"))
                        .help("a rank correlation runs from -1 (always opposite) through 0 (independent) to 1 (always together), e.g. 0.6"),
                );
                None
            }
            _ => {
                self.error(
                    Diagnostic::at(node.loc, format!("`{text}` is not a correlation"))
                        .help("write a number from -1 to 1, e.g. 0.6 (not a percent)"),
                );
                None
            }
        }
    }

    fn expect(&mut self, t: &Table, loc: Loc) -> RawExpect {
        let cx = "[[expect]]";
        self.check_keys(t, keys::EXPECT, cx, loc);
        let bound = |r: &mut Self, n: &Node| match &n.kind {
            NodeKind::Int(i) => Some(Located::new(RawBound::Int(*i), n.loc)),
            NodeKind::Str(s) => Some(Located::new(RawBound::Str(s.clone()), n.loc)),
            NodeKind::Float(f) => Some(Located::new(RawBound::Float(f.clone()), n.loc)),
            _ => {
                r.wrong_type(n, "a money amount, percent or number");
                None
            }
        };
        let mut period = None;
        let case = self.opt(t, "case", |r, n| {
            let s = r.string(n)?;
            match parse_case(&s.value) {
                Some(c) => Some(Located::new(c, n.loc)),
                None => {
                    match super::model::Periods::parse(&s.value) {
                        Some(p) => period = Some(Located::new(p, n.loc)),
                        None => r.error(
                            Diagnostic::at(n.loc, format!("unknown case `{}`", s.value)).help(
                                "use \"central\", \"mean\" or a percentile \"p1\" to \"p99\", e.g. \"p10\"; a monitoring metric takes a period, \"M06\" or \"Q2\"",
                            ),
                        ),
                    }
                    None
                }
            }
        });
        RawExpect {
            loc,
            year: self.opt(t, "year", Self::year),
            metric: self.req(t, "metric", loc, cx, Self::string),
            min: self.opt(t, "min", bound),
            max: self.opt(t, "max", bound),
            case,
            period,
        }
    }
}

/// `central`, or `pNN` with NN in 1..=99.
pub fn parse_case(text: &str) -> Option<Case> {
    if text == "central" {
        return Some(Case::Central);
    }
    if text == "mean" {
        return Some(Case::Mean);
    }
    let digits = text.strip_prefix('p')?;
    if digits.is_empty()
        || digits.len() > 2
        || !digits.chars().all(|c| c.is_ascii_digit())
        || digits.starts_with('0')
    {
        return None;
    }
    let p: u8 = digits.parse().ok()?;
    (1..=99).contains(&p).then_some(Case::Percentile(p))
}

fn int_value(n: i64, kind: Kind) -> Result<Decimal, ValueError> {
    match kind {
        Kind::Money | Kind::Number => Ok(Decimal::from(n)),
        Kind::Percent => Err(ValueError {
            message: format!("`{n}` is a bare number, but this key takes a percent"),
            help: Some(format!("a percent is a string ending in %: use \"{n}%\"")),
        }),
    }
}

fn float_error(text: &str, kind: Kind) -> ValueError {
    match kind {
        Kind::Money => ValueError {
            message: format!("money cannot be a TOML float (`{text}` cannot hold pence exactly)"),
            help: Some(
                if text
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == '.' || c == '-')
                {
                    format!("write it as a string: \"{text}\" (or with a suffix, e.g. \"£315.5m\")")
                } else {
                    "write it as a string, e.g. \"£315.5m\" or \"1250000.50\"".to_string()
                },
            ),
        },
        Kind::Percent => {
            let suggestion = match Decimal::from_str_exact(text) {
                Ok(v) if v.abs() < Decimal::ONE && !v.is_zero() => {
                    format!("use \"{}%\"", (v * Decimal::ONE_HUNDRED).normalize())
                }
                Ok(v) => format!("use \"{}%\"", v.normalize()),
                Err(_) => values::PERCENT_FORMS.to_string(),
            };
            ValueError {
                message: format!("`{text}` is a bare number, but this key takes a percent"),
                help: Some(format!("a percent is a string ending in %: {suggestion}")),
            }
        }
        Kind::Number => ValueError {
            message: format!(
                "`{text}` is a TOML float; plain numbers are integers or decimal strings"
            ),
            help: Some(format!("write it as a string: \"{text}\"")),
        },
    }
}

/// `[a-z][a-z0-9_]*`.
pub fn is_id(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some('a'..='z'))
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_'))
}

/// A valid id close to `s` ("Learning Disability" -> "learning_disability").
fn to_id(s: &str) -> String {
    let mut out: String = s
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    while out.starts_with(|c: char| !c.is_ascii_lowercase()) && !out.is_empty() {
        out.remove(0);
    }
    out
}

fn context(kind: &str, id: Option<&Located<String>>) -> String {
    match id {
        Some(id) => format!("[[{kind}]] `{}`", id.value),
        None => format!("[[{kind}]]"),
    }
}

fn named_context(kind: &str, name: Option<&Located<String>>) -> String {
    match name {
        Some(name) => format!("[[{kind}]] \"{}\"", name.value),
        None => format!("[[{kind}]]"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_follow_the_pattern() {
        assert!(is_id("learning_disability"));
        assert!(is_id("b2"));
        assert!(!is_id("2b"));
        assert!(!is_id("Learning"));
        assert!(!is_id(""));
        assert_eq!(to_id("Learning Disability"), "learning_disability");
    }

    #[test]
    fn cases_are_central_or_a_percentile() {
        assert_eq!(parse_case("central"), Some(Case::Central));
        assert_eq!(parse_case("mean"), Some(Case::Mean));
        assert_eq!(parse_case("p10"), Some(Case::Percentile(10)));
        assert_eq!(parse_case("p99"), Some(Case::Percentile(99)));
        assert_eq!(parse_case("p0"), None);
        assert_eq!(parse_case("p100"), None);
        assert_eq!(parse_case("p05"), None);
        assert_eq!(parse_case("P10"), None);
    }
}
