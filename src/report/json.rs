//! `--format json`: one document with every figure (schema in docs/json.md).
//!
//! Money is a JSON number in pounds to exactly 2 dp, written from the exact
//! decimal (never through a float): `315000000.00`. Shares are fractions to
//! 6 dp, people and staff numbers to 2 dp.

use std::borrow::Cow;

use rust_decimal::Decimal;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Serialize;
use serde_json::value::RawValue;

use super::numbers::{fixed, fraction, pounds};
use super::{
    AppraiseReport, DiffReport, MonitorReport, Printer, ProjectionReport, SensitivityReport,
};
use crate::engine::Projection;
use crate::metric::Metric;
use crate::scenario::{DiscountRate, Scenario};
use crate::uncertainty::Ranges;

/// Bumped when a field is removed or renamed or its meaning changes; adding
/// a field does not bump it (see docs/json.md).
pub const FORMAT_VERSION: u32 = 1;

pub struct JsonPrinter;

impl Printer for JsonPrinter {
    fn projection(&self, r: &ProjectionReport<'_>) -> String {
        pretty(&projection_document(r.scenario, r.central, r.ranges))
    }

    fn diff(&self, r: &DiffReport<'_>) -> String {
        pretty(&diff_document(r))
    }

    fn sensitivity(&self, r: &SensitivityReport<'_>) -> String {
        match r.tail {
            Some(tail) => pretty(&tail_document(r.scenario, tail)),
            None => pretty(&sensitivity_document(r)),
        }
    }

    fn appraise(&self, r: &AppraiseReport<'_>) -> String {
        pretty(&appraise_document(r))
    }

    fn monitor(&self, r: &MonitorReport<'_>) -> String {
        pretty(&monitor_document(r))
    }
}

/// The result of `pool-model monitor --format json` and `settle --format
/// json` (docs/monitoring.md).
#[derive(Serialize)]
pub struct MonitorDocument {
    pub format_version: u32,
    /// "monitor" (a year in progress) or "settlement" (year end).
    pub kind: &'static str,
    pub scenario: String,
    /// The financial year: "2015/16".
    pub year: String,
    /// "months" or "quarters".
    pub periods: &'static str,
    /// The last period reported on: "M06".
    pub to_date: String,
    /// "rest_of_budget" or "straight_line".
    pub forecast: &'static str,
    pub amber: Number,
    pub red: Number,
    pub services: Vec<MonitorServiceOut>,
    pub pool: MonitorLineOut,
    /// The pool by period, with the cumulative forecast from the last
    /// period reported on.
    pub pool_periods: Vec<PeriodOut>,
    pub partners: Vec<MonitorPartnerOut>,
    pub settlement: SettlementOut,
}

#[derive(Serialize)]
pub struct MonitorLineOut {
    pub budget: Number,
    pub budget_to_date: Number,
    pub actual_to_date: Number,
    pub variance_to_date: Number,
    pub forecast_outturn: Number,
    pub forecast_variance: Number,
    /// Of the budget; null for a zero budget.
    pub forecast_variance_share: Option<Number>,
    /// "green", "amber" or "red".
    pub rag: Option<&'static str>,
}

#[derive(Serialize)]
pub struct MonitorServiceOut {
    pub id: String,
    pub name: String,
    #[serde(flatten)]
    pub line: MonitorLineOut,
    /// When the actuals give the service by setting.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub settings: Vec<MonitorSettingOut>,
    pub periods: Vec<PeriodOut>,
}

#[derive(Serialize)]
pub struct MonitorSettingOut {
    pub id: String,
    #[serde(flatten)]
    pub line: MonitorLineOut,
    pub periods: Vec<PeriodOut>,
}

#[derive(Serialize)]
pub struct PeriodOut {
    pub period: String,
    pub budget: Number,
    pub actual: Option<Number>,
    pub cumulative_budget: Number,
    pub cumulative_actual: Option<Number>,
    pub cumulative_forecast: Option<Number>,
}

#[derive(Serialize)]
pub struct MonitorPartnerOut {
    pub id: String,
    pub name: String,
    pub planned_contribution: Number,
    /// Its share of overspends after caps, less underspends returned.
    pub variance_share: Number,
    pub final_contribution: Number,
    pub carried_forward: Number,
    /// What it paid in to date, when the actuals say.
    pub paid_to_date: Option<Number>,
    /// At year end: what it paid (or its planned contribution when the
    /// actuals do not say) and the balance it owes (+) or is owed (-).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paid: Option<Number>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub balance: Option<Number>,
}

#[derive(Serialize)]
pub struct SettlementOut {
    /// "return_pro_rata", "carry_forward" or "retain_in_pool".
    pub underspend: &'static str,
    pub net_across_services: bool,
    /// Whether the actuals gave the money each partner paid in.
    pub paid_given: bool,
    pub services: Vec<SettlementServiceOut>,
    pub unallocated: Number,
    pub retained: Number,
    pub balance: BalanceOut,
    /// Whether money in equals money out to the penny.
    pub balanced: bool,
}

#[derive(Serialize)]
pub struct SettlementServiceOut {
    pub id: String,
    pub budget: Number,
    /// The outturn (the forecast outturn in a monitoring report).
    pub outturn: Number,
    pub variance: Number,
    /// Left to share after offsetting across the pool.
    pub shared: Number,
    /// Each partner's part, in the plan's order of partners.
    pub shares: Vec<PartOut>,
    pub unallocated: Number,
    pub carried_forward: Number,
    pub retained: Number,
}

#[derive(Serialize)]
pub struct PartOut {
    pub partner: String,
    pub amount: Number,
}

#[derive(Serialize)]
pub struct BalanceOut {
    pub paid: Number,
    pub balances: Number,
    pub money_in: Number,
    pub outturn: Number,
    pub carried_forward: Number,
    /// Retained in the pool less overspend no partner bears.
    pub unallocated: Number,
    pub money_out: Number,
    pub difference: Number,
}

fn monitor_line(l: &crate::monitoring::Line) -> MonitorLineOut {
    MonitorLineOut {
        budget: Number::money(l.budget),
        budget_to_date: Number::money(l.budget_to_date),
        actual_to_date: Number::money(l.actual_to_date),
        variance_to_date: Number::money(l.variance_to_date),
        forecast_outturn: Number::money(l.forecast),
        forecast_variance: Number::money(l.forecast_variance),
        forecast_variance_share: l.forecast_variance_share.map(Number::fraction),
        rag: l.rag.map(|r| r.name()),
    }
}

fn periods_out(
    m: &crate::monitoring::Monitor,
    lines: &[crate::monitoring::PeriodLine],
) -> Vec<PeriodOut> {
    lines
        .iter()
        .enumerate()
        .map(|(k, pl)| PeriodOut {
            period: m.periods.label(k + 1),
            budget: Number::money(pl.budget),
            actual: pl.actual.map(Number::money),
            cumulative_budget: Number::money(pl.cumulative_budget),
            cumulative_actual: pl.cumulative_actual.map(Number::money),
            cumulative_forecast: pl.cumulative_forecast.map(Number::money),
        })
        .collect()
}

/// The JSON of a monitoring report or statement.
pub fn monitor_document(r: &MonitorReport<'_>) -> MonitorDocument {
    let s = r.scenario;
    let m = r.monitor;
    let st = &m.settlement;
    let b = &st.balance;
    MonitorDocument {
        format_version: FORMAT_VERSION,
        kind: if r.year_end { "settlement" } else { "monitor" },
        scenario: s.name.clone(),
        year: s.year(m.year).to_string(),
        periods: m.periods.noun(),
        to_date: m.periods.label(m.to_date),
        forecast: m.forecast.name(),
        amber: Number::fraction(s.monitoring.amber),
        red: Number::fraction(s.monitoring.red),
        services: s
            .services
            .iter()
            .zip(&m.services)
            .map(|(service, x)| MonitorServiceOut {
                id: service.id.clone(),
                name: service.name.clone(),
                line: monitor_line(&x.line),
                settings: x
                    .settings
                    .iter()
                    .map(|k| MonitorSettingOut {
                        id: service
                            .settings
                            .get(k.setting)
                            .map_or(String::new(), |x| x.id.clone()),
                        line: monitor_line(&k.line),
                        periods: periods_out(m, &k.periods),
                    })
                    .collect(),
                periods: periods_out(m, &x.periods),
            })
            .collect(),
        pool: monitor_line(&m.pool),
        pool_periods: periods_out(m, &m.pool_periods),
        partners: s
            .partners
            .iter()
            .zip(&st.partners)
            .enumerate()
            .map(|(i, (partner, x))| MonitorPartnerOut {
                id: partner.id.clone(),
                name: partner.name.clone(),
                planned_contribution: Number::money(x.planned),
                variance_share: Number::money(x.variance_share),
                final_contribution: Number::money(x.final_contribution),
                carried_forward: Number::money(x.carried_forward),
                paid_to_date: m
                    .received
                    .as_ref()
                    .map(|v| Number::money(v.get(i).copied().unwrap_or_default())),
                paid: r.year_end.then(|| Number::money(x.paid)),
                balance: r.year_end.then(|| Number::money(x.balance)),
            })
            .collect(),
        settlement: SettlementOut {
            underspend: s.monitoring.underspend.name(),
            net_across_services: st.net_across_services,
            paid_given: st.paid_given,
            services: s
                .services
                .iter()
                .zip(&st.services)
                .map(|(service, x)| SettlementServiceOut {
                    id: service.id.clone(),
                    budget: Number::money(x.budget),
                    outturn: Number::money(x.outturn),
                    variance: Number::money(x.variance),
                    shared: Number::money(x.shared),
                    shares: s
                        .partners
                        .iter()
                        .zip(&x.shares)
                        .map(|(p, v)| PartOut {
                            partner: p.id.clone(),
                            amount: Number::money(*v),
                        })
                        .collect(),
                    unallocated: Number::money(x.unallocated),
                    carried_forward: Number::money(x.carried_forward),
                    retained: Number::money(x.retained),
                })
                .collect(),
            unallocated: Number::money(st.unallocated),
            retained: Number::money(st.retained),
            balance: BalanceOut {
                paid: Number::money(b.paid),
                balances: Number::money(b.balances),
                money_in: Number::money(b.money_in),
                outturn: Number::money(b.outturn),
                carried_forward: Number::money(b.carried_forward),
                unallocated: Number::money(b.unallocated),
                money_out: Number::money(b.money_out),
                difference: Number::money(b.difference),
            },
            balanced: st.balances(),
        },
    }
}

/// The result of `pool-model appraise --format json`.
#[derive(Serialize)]
pub struct AppraiseDocument {
    pub format_version: u32,
    /// One per option, in the order given.
    pub options: Vec<OptionOut>,
    /// Options whose NPVs cannot be compared with option 1's, in words.
    pub warnings: Vec<String>,
    /// The number (from 1) of the comparable option with the highest NPV.
    pub highest_npv: Option<usize>,
}

#[derive(Serialize)]
pub struct OptionOut {
    /// Its number, from 1, in the order given.
    pub option: usize,
    /// The file as given on the command line.
    pub file: String,
    pub name: String,
    /// False when its counterfactual, discounting or deflator differs from
    /// option 1's: its NPV is then not comparable.
    pub comparable: bool,
    pub price_base: String,
    pub discount_rate: RateOut,
    pub pv_savings: Number,
    pub pv_costs: Number,
    pub npv: Number,
    pub npv_before_optimism_bias: Number,
    pub bcr: Option<Number>,
    /// Monte Carlo of NPV; null without ranged values or with --no-ranges.
    pub ranges: Option<OptionRangesOut>,
    /// The value that moves NPV most, with its switching value; null when
    /// no ranged value moves NPV or there are too many to vary.
    pub largest_swing: Option<SwingOut>,
}

#[derive(Serialize)]
pub struct OptionRangesOut {
    pub draws: u64,
    pub seed: u64,
    pub percentiles: Vec<u8>,
    /// The NPV's percentiles, mean and chance of being below zero.
    pub npv: Percentiles,
}

#[derive(Serialize)]
pub struct SwingOut {
    /// How to find the value in the file, as `sensitivity` names it.
    pub value: String,
    /// Its name for people.
    pub label: String,
    /// "money" (pounds), "percent" (a fraction) or "number".
    pub kind: String,
    /// |NPV at high - NPV at low|.
    pub swing: Number,
    pub switching: Option<SwitchingOut>,
}

fn appraise_document(r: &AppraiseReport<'_>) -> AppraiseDocument {
    use crate::shortlist::Largest;
    let list = r.shortlist;
    AppraiseDocument {
        format_version: FORMAT_VERSION,
        options: list
            .options
            .iter()
            .enumerate()
            .map(|(i, o)| {
                let s = &o.scenario;
                let a = &o.central.appraisal;
                OptionOut {
                    option: i + 1,
                    file: o.file.clone(),
                    name: s.name.clone(),
                    comparable: list.comparable(i),
                    price_base: s.start.to_string(),
                    discount_rate: RateOut::of(s.discount_rate),
                    pv_savings: Number::money(a.pv_savings),
                    pv_costs: Number::money(a.pv_costs),
                    npv: Number::money(o.central.npv),
                    npv_before_optimism_bias: Number::money(a.npv_before_optimism_bias),
                    bcr: a.bcr.map(Number::fraction),
                    ranges: o.ranges.as_ref().map(|r| OptionRangesOut {
                        draws: r.draws,
                        seed: r.seed,
                        percentiles: r.percentiles.clone(),
                        npv: percentiles(r, Metric::Npv, 0),
                    }),
                    largest_swing: match &o.largest {
                        Largest::Bar(b) => Some(SwingOut {
                            value: b.name.clone(),
                            label: b.label.clone(),
                            kind: kind_name(s, b.param).to_string(),
                            swing: Number::money(b.swing),
                            switching: b.switching.map(switching_out),
                        }),
                        Largest::Nothing | Largest::TooMuchWork => None,
                    },
                }
            })
            .collect(),
        warnings: list.warnings(),
        highest_npv: list.highest_npv().map(|i| i + 1),
    }
}

/// The result of `pool-model sensitivity --format json`.
#[derive(Serialize)]
pub struct SensitivityDocument {
    pub format_version: u32,
    pub scenario: String,
    /// The central case: cumulative net savings over the horizon and NPV.
    pub central: OutcomeOut,
    /// One bar per ranged value, largest NPV swing first.
    pub bars: Vec<BarOut>,
}

#[derive(Serialize)]
pub struct OutcomeOut {
    pub cumulative_net_savings: Number,
    pub npv: Number,
}

#[derive(Serialize)]
pub struct BarOut {
    pub rank: usize,
    /// How to find the value in the file, e.g. `saving "X".rate`.
    pub value: String,
    /// Its name for people, e.g. "X: saving rate".
    pub label: String,
    /// "money" (pounds), "percent" (a fraction) or "number".
    pub kind: String,
    pub low: Number,
    pub high: Number,
    pub at_low: OutcomeOut,
    pub at_high: OutcomeOut,
    /// |NPV at high - NPV at low|.
    pub swing: Number,
    /// Where NPV is zero with this value alone moved, nearest to central
    /// (SPEC 3.6); null where NPV is not zero anywhere the value may lie.
    pub switching: Option<SwitchingOut>,
}

#[derive(Serialize)]
pub struct SwitchingOut {
    /// The value, in the value's unit, with every digit the search found
    /// (NPV is within £1 of zero there).
    pub value: Number,
    /// (value - central) / |central| as a fraction to 6 dp; null when the
    /// central value is zero.
    pub change: Option<Number>,
}

fn sensitivity_document(r: &SensitivityReport<'_>) -> SensitivityDocument {
    use crate::scenario::values::Kind;
    let outcome = |o: &crate::uncertainty::sensitivity::Outcome| OutcomeOut {
        cumulative_net_savings: Number::money(o.cumulative),
        npv: Number::money(o.npv),
    };
    SensitivityDocument {
        format_version: FORMAT_VERSION,
        scenario: r.scenario.name.clone(),
        central: outcome(&r.tornado.central),
        bars: r
            .tornado
            .bars
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let kind = r.scenario.param(b.param).map_or(Kind::Number, |p| p.kind);
                let number: fn(Decimal) -> Number = match kind {
                    Kind::Money => Number::money,
                    Kind::Percent => Number::fraction,
                    Kind::Number => Number::count,
                };
                BarOut {
                    rank: i + 1,
                    value: b.name.clone(),
                    label: b.label.clone(),
                    kind: kind_name(r.scenario, b.param).to_string(),
                    low: number(b.low),
                    high: number(b.high),
                    at_low: outcome(&b.at_low),
                    at_high: outcome(&b.at_high),
                    swing: Number::money(b.swing),
                    switching: b.switching.map(switching_out),
                }
            })
            .collect(),
    }
}

/// How a param's values print: "money" (pounds), "percent" (a fraction)
/// or "number".
/// The result of `pool-model sensitivity --tail pNN --format json`.
#[derive(Serialize)]
pub struct TailDocument {
    pub format_version: u32,
    pub scenario: String,
    /// The percentile, e.g. "p10".
    pub tail: String,
    /// "below": the draws whose NPV is at or below the percentile (p50
    /// and under); "above": at or above it.
    pub side: &'static str,
    pub draws: u64,
    pub seed: u64,
    /// The NPV's percentile: the tail's edge (pounds).
    pub threshold: Number,
    /// Draws in the tail.
    pub draws_in_tail: u64,
    pub npv_mean: Number,
    pub npv_mean_in_tail: Number,
    /// Every ranged input, the largest shift first.
    pub drivers: Vec<DriverOut>,
}

#[derive(Serialize)]
pub struct DriverOut {
    pub rank: usize,
    /// Its key, as `sensitivity` prints it.
    pub value: String,
    pub label: String,
    /// "money" (pounds), "percent" (a fraction) or "number".
    pub kind: &'static str,
    /// Its mean over every draw, over the tail's draws, the difference,
    /// and its standard deviation over every draw, in its unit.
    pub mean: Number,
    pub mean_in_tail: Number,
    pub moved: Number,
    pub sd: Number,
    /// (mean in tail - mean) / sd, 6 dp.
    pub shift_sd: Number,
}

fn tail_document(s: &Scenario, tail: &crate::uncertainty::tail::Tail) -> TailDocument {
    use crate::scenario::values::Kind;
    TailDocument {
        format_version: FORMAT_VERSION,
        scenario: s.name.clone(),
        tail: format!("p{}", tail.of.0),
        side: if tail.of.lower() { "below" } else { "above" },
        draws: tail.draws,
        seed: tail.seed,
        threshold: Number::money(tail.threshold),
        draws_in_tail: tail.in_tail,
        npv_mean: Number::money(tail.npv_mean),
        npv_mean_in_tail: Number::money(tail.npv_tail_mean),
        drivers: tail
            .drivers
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let number: fn(Decimal) -> Number =
                    match s.param(d.param).map_or(Kind::Number, |p| p.kind) {
                        Kind::Money => Number::money,
                        Kind::Percent | Kind::Number => Number::fraction,
                    };
                DriverOut {
                    rank: i + 1,
                    value: d.name.clone(),
                    label: d.label.clone(),
                    kind: kind_name(s, d.param),
                    mean: number(d.mean),
                    mean_in_tail: number(d.tail_mean),
                    moved: number(d.moved()),
                    sd: number(d.sd),
                    shift_sd: Number::fraction(d.shift),
                }
            })
            .collect(),
    }
}

fn kind_name(s: &Scenario, id: crate::scenario::ParamId) -> &'static str {
    use crate::scenario::values::Kind;
    match s.param(id).map_or(Kind::Number, |p| p.kind) {
        Kind::Money => "money",
        Kind::Percent => "percent",
        Kind::Number => "number",
    }
}

fn switching_out(v: crate::uncertainty::switching::SwitchingValue) -> SwitchingOut {
    SwitchingOut {
        value: Number::exact(v.value),
        change: v.change.map(Number::fraction),
    }
}

fn pretty(value: &impl Serialize) -> String {
    let mut text =
        serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}

/// The result of `pool-model diff --format json`.
#[derive(Serialize)]
pub struct DiffDocument {
    pub format_version: u32,
    pub a: Side,
    pub b: Side,
    /// True when no input and no result differs (exit code 0).
    pub identical: bool,
    /// Inputs that differ, keyed by `--set` path; null where a side lacks it.
    pub inputs: Vec<InputOut>,
    /// Results that differ, largest first within money, shares, counts.
    pub results: Vec<ResultOut>,
    /// Result values compared and found equal.
    pub unchanged: usize,
}

#[derive(Serialize)]
pub struct Side {
    pub file: String,
    pub name: String,
}

#[derive(Serialize)]
pub struct InputOut {
    pub key: String,
    pub a: Option<String>,
    pub b: Option<String>,
}

#[derive(Serialize)]
pub struct ResultOut {
    /// Financial year; empty for NPV.
    pub year: String,
    pub metric: String,
    pub service: String,
    pub setting: String,
    pub partner: String,
    pub case: String,
    pub a: Option<Number>,
    pub b: Option<Number>,
    pub diff: Option<Number>,
    /// (b - a) / |a| x 100, rounded to 2 dp; null when a is zero or absent.
    pub percent: Option<Number>,
}

fn diff_document(r: &DiffReport<'_>) -> DiffDocument {
    let c = r.comparison;
    let number = |v: Decimal, unit: crate::metric::Unit| Number(super::numbers::machine(v, unit));
    DiffDocument {
        format_version: FORMAT_VERSION,
        a: Side {
            file: r.a_file.to_string(),
            name: r.a.name.clone(),
        },
        b: Side {
            file: r.b_file.to_string(),
            name: r.b.name.clone(),
        },
        identical: c.identical(),
        inputs: c
            .inputs
            .iter()
            .map(|i| InputOut {
                key: i.key.clone(),
                a: i.a.clone(),
                b: i.b.clone(),
            })
            .collect(),
        results: c
            .results
            .iter()
            .map(|x| ResultOut {
                year: x.year.clone(),
                metric: x.metric.clone(),
                service: x.service.clone(),
                setting: x.setting.clone(),
                partner: x.partner.clone(),
                case: x.case.clone(),
                a: x.a.map(|v| number(v, x.unit)),
                b: x.b.map(|v| number(v, x.unit)),
                diff: x.difference().map(|v| number(v, x.unit)),
                percent: x.percent().map(|p| Number(fixed(p, 2))),
            })
            .collect(),
        unchanged: c.unchanged,
    }
}

/// A JSON number written exactly as the text it holds.
#[derive(Clone, Debug, PartialEq)]
pub struct Number(String);

impl Number {
    pub fn money(value: Decimal) -> Number {
        Number(pounds(value))
    }

    pub fn fraction(value: Decimal) -> Number {
        Number(fraction(value))
    }

    pub fn count(value: Decimal) -> Number {
        Number(fixed(value, 2))
    }

    /// Every digit of the value (a switching value).
    pub fn exact(value: Decimal) -> Number {
        Number(value.normalize().to_string())
    }
}

impl JsonSchema for Number {
    fn schema_name() -> Cow<'static, str> {
        "Number".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "number" })
    }
}

/// The JSON Schema of the document, generated from these types
/// (docs/pool-model.schema.json).
pub fn schema() -> String {
    let schema = schemars::schema_for!(Document);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

impl Serialize for Number {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let raw = RawValue::from_string(self.0.clone()).map_err(serde::ser::Error::custom)?;
        raw.serialize(serializer)
    }
}

#[derive(Serialize, JsonSchema)]
/// The result of `pool-model project --format json`: every figure of the
/// central projection. Money is in pounds to 2 dp, fractions to 6 dp.
pub struct Document {
    /// Bumped when a field is removed or renamed or changes meaning.
    pub format_version: u32,
    pub scenario: ScenarioInfo,
    /// Pool totals, one per year 0..H.
    pub years: Vec<YearOut>,
    /// Each service in file order.
    pub services: Vec<ServiceOut>,
    /// Each partner in file order.
    pub partners: Vec<PartnerOut>,
    /// Each [[workforce]] line in file order.
    pub workforce: Vec<WorkforceOut>,
    /// The appraisal's NPV (SPEC 3.7): real terms at year-0 prices, after
    /// optimism bias, discounted (pounds); as `appraisal.npv`.
    pub npv: Number,
    /// The appraisal (SPEC 3.7).
    pub appraisal: AppraisalOut,
    /// Monte Carlo percentiles; absent with `--no-ranges`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ranges: Option<RangesOut>,
}

/// Percentiles by name, in ascending order, then the mean of the draws
/// and, for cumulative net savings and NPV, the chance of a value below
/// zero: `{ "p10": 1.00, "p50": 2.00, "mean": 2.10, "probability_negative":
/// 0.023000 }`.
#[derive(Clone, Debug, PartialEq)]
pub struct Percentiles {
    pub values: Vec<(u8, Number)>,
    pub mean: Option<Number>,
    pub probability_negative: Option<Number>,
    /// The Monte Carlo standard error of each percentile and of the mean,
    /// by the same names.
    pub standard_error: Vec<(String, Number)>,
}

/// `standard_error`'s object: pounds by name.
struct Named<'a>(&'a [(String, Number)]);

impl Serialize for Named<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl Serialize for Percentiles {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(None)?;
        for (p, v) in &self.values {
            map.serialize_entry(&format!("p{p}"), v)?;
        }
        if let Some(mean) = &self.mean {
            map.serialize_entry("mean", mean)?;
        }
        if let Some(chance) = &self.probability_negative {
            map.serialize_entry("probability_negative", chance)?;
        }
        if !self.standard_error.is_empty() {
            map.serialize_entry("standard_error", &Named(&self.standard_error))?;
        }
        map.end()
    }
}

impl JsonSchema for Percentiles {
    fn schema_name() -> Cow<'static, str> {
        "Percentiles".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "Percentiles by name (p1 to p99) and the mean of the draws, money in pounds to 2 dp; for cumulative net savings and NPV, `probability_negative`: the share of draws below zero, a fraction to 6 dp; `standard_error`: the Monte Carlo standard error of each percentile and of the mean, by the same names, in pounds to 2 dp (absent from a single draw; docs/uncertainty.md).",
            "type": "object",
            "properties": {
                "standard_error": {
                    "type": "object",
                    "propertyNames": { "pattern": "^(p[1-9][0-9]?|mean)$" },
                    "additionalProperties": { "type": "number" }
                }
            },
            "propertyNames": { "pattern": "^(p[1-9][0-9]?|mean|probability_negative|standard_error)$" },
            "additionalProperties": { "type": "number" }
        })
    }
}

/// Monte Carlo ranges (SPEC 3.6): percentiles of unrounded draws, rounded.
#[derive(Serialize, JsonSchema)]
pub struct RangesOut {
    pub draws: u64,
    pub seed: u64,
    pub percentiles: Vec<u8>,
    /// One per year 0..H; year 0 has no uncertainty.
    pub years: Vec<RangeYearOut>,
    pub npv: Percentiles,
    /// The `[[correlation]]`s the draws were re-paired by: the values, by
    /// the keys `sensitivity` prints, and their rank correlations, row by
    /// row (absent without any).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub correlations: Vec<CorrelationOut>,
}

#[derive(Serialize, JsonSchema)]
pub struct CorrelationOut {
    pub values: Vec<String>,
    pub rank_correlations: Vec<Vec<f64>>,
}

#[derive(Serialize, JsonSchema)]
pub struct RangeYearOut {
    pub year: u32,
    pub label: String,
    pub net_savings: Percentiles,
    pub cumulative_net_savings: Percentiles,
    pub gross_savings: Percentiles,
    pub scenario: Percentiles,
    pub partners: Vec<PartnerRangeOut>,
}

#[derive(Serialize, JsonSchema)]
pub struct PartnerRangeOut {
    pub id: String,
    pub net_contribution: Percentiles,
}

/// A metric's percentiles in year `t`, its mean, and (for cumulative net
/// savings and NPV) its chance of being below zero.
fn percentiles(r: &Ranges, metric: Metric, t: usize) -> Percentiles {
    Percentiles {
        values: r
            .percentiles
            .iter()
            .filter_map(|&q| r.value(metric, t, q).map(|v| (q, Number::money(v))))
            .collect(),
        mean: r.mean(metric, t).map(Number::money),
        probability_negative: matches!(metric, Metric::CumulativeNetSavings | Metric::Npv)
            .then(|| r.below_zero(metric, t).map(Number::fraction))
            .flatten(),
        standard_error: r
            .percentiles
            .iter()
            .filter_map(|&q| {
                r.error(metric, t, q)
                    .map(|v| (format!("p{q}"), Number::money(v)))
            })
            .chain(
                r.mean(metric, t)
                    .and(r.mean_error(metric, t))
                    .map(|v| ("mean".to_string(), Number::money(v))),
            )
            .collect(),
    }
}

fn ranges_out(s: &Scenario, p: &Projection, r: &Ranges) -> RangesOut {
    let pct = |metric: Metric, t: usize| percentiles(r, metric, t);
    RangesOut {
        draws: r.draws,
        seed: r.seed,
        percentiles: r.percentiles.clone(),
        years: (0..p.years.len())
            .map(|t| RangeYearOut {
                year: t as u32,
                label: s.year(t as u32).to_string(),
                net_savings: pct(Metric::NetSavings, t),
                cumulative_net_savings: pct(Metric::CumulativeNetSavings, t),
                gross_savings: pct(Metric::GrossSavings, t),
                scenario: pct(Metric::Scenario, t),
                partners: s
                    .partners
                    .iter()
                    .enumerate()
                    .map(|(i, x)| PartnerRangeOut {
                        id: x.id.clone(),
                        net_contribution: pct(Metric::NetContribution(i), t),
                    })
                    .collect(),
            })
            .collect(),
        npv: pct(Metric::Npv, 0),
        correlations: s
            .correlations
            .iter()
            .filter(|c| c.params.len() >= 2)
            .map(|c| CorrelationOut {
                values: c
                    .params
                    .iter()
                    .filter_map(|&id| s.param(id).map(|p| p.name.clone()))
                    .collect(),
                rank_correlations: c.matrix.clone(),
            })
            .collect(),
    }
}

#[derive(Serialize, JsonSchema)]
pub struct ScenarioInfo {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Baseline financial year (year 0), e.g. "2009/10".
    pub start: String,
    /// Last projected financial year (year H).
    pub end: String,
    /// H: years projected after the baseline.
    pub horizon: u32,
    /// `"green_book"`, or a flat rate as a fraction, e.g. 0.035.
    pub discount_rate: RateOut,
}

/// A discount rate: the Green Book's schedule or a flat rate.
#[derive(Serialize, JsonSchema)]
#[serde(untagged)]
pub enum RateOut {
    /// `"green_book"`: 3.5% a year to year 30, then 3%.
    Schedule(String),
    /// A flat rate as a fraction to 6 dp.
    Flat(Number),
}

impl RateOut {
    fn of(rate: DiscountRate) -> RateOut {
        match rate {
            DiscountRate::GreenBook => RateOut::Schedule("green_book".into()),
            DiscountRate::Flat(r) => RateOut::Flat(Number::fraction(r)),
        }
    }
}

/// The appraisal of SPEC 3.7: real terms at `price_base` prices, after
/// optimism bias, discounted.
#[derive(Serialize, JsonSchema)]
pub struct AppraisalOut {
    /// The price base: the baseline year, e.g. "2009/10".
    pub price_base: String,
    pub discount_rate: RateOut,
    /// Years 1..H.
    pub years: Vec<AppraisalYearOut>,
    /// Present value of savings after optimism bias (pounds).
    pub pv_savings: Number,
    /// Present value of costs after optimism bias (pounds).
    pub pv_costs: Number,
    /// pv_savings - pv_costs (pounds).
    pub npv: Number,
    /// The NPV with every optimism bias 0% (pounds).
    pub npv_before_optimism_bias: Number,
    /// pv_savings / pv_costs to 6 dp; null when there are no costs.
    pub bcr: Option<Number>,
}

#[derive(Serialize, JsonSchema)]
pub struct AppraisalYearOut {
    /// Years after the baseline, 1..H.
    pub year: u32,
    pub label: String,
    /// I(t) = (1 + deflator)^t, to 6 dp.
    pub deflator_index: Number,
    /// D(t), to 6 dp.
    pub discount_factor: Number,
    /// Every line's savings after optimism bias, nominal (pounds).
    pub savings: Number,
    /// Every cost line and redundancy after optimism bias, nominal (pounds).
    pub costs: Number,
    /// (savings - costs) / I(t) x D(t): real, discounted (pounds).
    pub present_value: Number,
}

fn appraisal_out(s: &Scenario, p: &Projection) -> AppraisalOut {
    let a = &p.appraisal;
    AppraisalOut {
        price_base: s.start.to_string(),
        discount_rate: RateOut::of(s.discount_rate),
        years: a
            .years
            .iter()
            .zip(1u32..)
            .map(|(y, t)| AppraisalYearOut {
                year: t,
                label: s.year(t).to_string(),
                deflator_index: Number::fraction(y.deflator_index),
                discount_factor: Number::fraction(y.discount_factor),
                savings: Number::money(y.savings),
                costs: Number::money(y.costs),
                present_value: Number::money(y.present_value),
            })
            .collect(),
        pv_savings: Number::money(a.pv_savings),
        pv_costs: Number::money(a.pv_costs),
        npv: Number::money(a.npv),
        npv_before_optimism_bias: Number::money(a.npv_before_optimism_bias),
        bcr: a.bcr.map(Number::fraction),
    }
}

#[derive(Serialize, JsonSchema)]
pub struct YearOut {
    /// Years after the baseline, 0..H.
    pub year: u32,
    /// The financial year, e.g. "2010/11".
    pub label: String,
    /// Spend with no change (pounds).
    pub counterfactual: Number,
    /// Counterfactual minus gross savings (pounds).
    pub scenario: Number,
    pub shift_savings: Number,
    pub efficiency_savings: Number,
    pub workforce_savings: Number,
    pub gross_savings: Number,
    pub costs: Number,
    /// Redundancy costs of workforce reductions, part of costs (pounds).
    pub redundancy_costs: Number,
    pub net_savings: Number,
    /// Net savings of years 1..t (pounds).
    pub cumulative_net_savings: Number,
    pub variances: Number,
    /// Overspend beyond every cap, borne by no partner (pounds).
    pub unallocated: Number,
}

#[derive(Serialize, JsonSchema)]
pub struct ServiceOut {
    pub id: String,
    pub name: String,
    /// Partner id of the lead commissioner.
    pub lead: String,
    pub years: Vec<ServiceYearOut>,
}

#[derive(Serialize, JsonSchema)]
pub struct ServiceYearOut {
    /// Years after the baseline, 0..H.
    pub year: u32,
    /// The financial year, e.g. "2010/11".
    pub label: String,
    /// Spend with no change (pounds).
    pub counterfactual: Number,
    /// Counterfactual minus shift savings: the base of rate savings (pounds).
    pub post_shift: Number,
    /// Counterfactual minus gross savings: metric spend.<service> (pounds).
    pub spend: Number,
    pub shift_savings: Number,
    pub efficiency_savings: Number,
    pub workforce_savings: Number,
    pub gross_savings: Number,
    pub costs: Number,
    pub net_savings: Number,
    pub variances: Number,
    /// Overspend beyond every cap, borne by no partner (pounds).
    pub unallocated: Number,
    /// m(t): spend moved out of the shift's `from` setting (pounds).
    pub moved: Number,
    /// People m(t) stands for, when the `from` setting has a unit cost.
    pub people_moved: Option<Number>,
    /// Heads of workforce lines (fractional heads allowed).
    pub staff: Number,
    pub settings: Vec<SettingOut>,
}

#[derive(Serialize, JsonSchema)]
pub struct SettingOut {
    pub id: String,
    /// Post-shift spend: after the shift, before efficiency and workforce savings (pounds).
    pub spend: Number,
    /// Share of the post-shift service total, as a fraction.
    pub share: Number,
    /// Spend over unit cost x (1 + p)^t, when the setting has a unit cost.
    pub people: Option<Number>,
}

#[derive(Serialize, JsonSchema)]
pub struct PartnerOut {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub years: Vec<PartnerYearOut>,
}

#[derive(Serialize, JsonSchema)]
pub struct PartnerYearOut {
    /// Years after the baseline, 0..H.
    pub year: u32,
    /// The financial year, e.g. "2010/11".
    pub label: String,
    /// Counterfactual contribution (pounds).
    pub contribution: Number,
    /// Rule share of each service's net savings (pounds; may be negative).
    pub savings_share: Number,
    /// Share of variances after caps (pounds).
    pub variance_share: Number,
    /// Contribution - savings share + variance share (pounds).
    pub net_contribution: Number,
    /// Heads of workforce lines (fractional heads allowed).
    pub staff: Number,
    pub pay: Number,
}

#[derive(Serialize, JsonSchema)]
pub struct WorkforceOut {
    pub name: String,
    pub service: String,
    pub years: Vec<WorkforceYearOut>,
}

#[derive(Serialize, JsonSchema)]
pub struct WorkforceYearOut {
    /// Years after the baseline, 0..H.
    pub year: u32,
    /// The financial year, e.g. "2010/11".
    pub label: String,
    /// Partner id employing the staff that year.
    pub employer: String,
    pub heads: Number,
    pub pay: Number,
    pub savings: Number,
    /// Redundancy costs of workforce reductions, part of costs (pounds).
    pub redundancy_costs: Number,
}

/// The JSON document of a projection, with its ranges when there are some.
pub fn projection_document(s: &Scenario, p: &Projection, ranges: Option<&Ranges>) -> Document {
    let mut doc = document(s, p);
    doc.ranges = ranges.map(|x| ranges_out(s, p, x));
    doc
}

/// Builds the JSON document of a central projection.
pub fn document(s: &Scenario, p: &Projection) -> Document {
    let label = |t: usize| s.year(t as u32).to_string();
    let partner_id = |i: usize| s.partners.get(i).map_or(String::new(), |x| x.id.clone());
    let m = Number::money;
    Document {
        format_version: FORMAT_VERSION,
        scenario: ScenarioInfo {
            name: s.name.clone(),
            description: s.description.clone(),
            start: s.start.to_string(),
            end: s.year(s.horizon).to_string(),
            horizon: s.horizon,
            discount_rate: RateOut::of(s.discount_rate),
        },
        years: p
            .years
            .iter()
            .enumerate()
            .map(|(t, y)| YearOut {
                year: t as u32,
                label: label(t),
                counterfactual: m(y.counterfactual),
                scenario: m(y.scenario),
                shift_savings: m(y.shift_savings),
                efficiency_savings: m(y.efficiency_savings),
                workforce_savings: m(y.workforce_savings),
                gross_savings: m(y.gross_savings),
                costs: m(y.costs),
                redundancy_costs: m(y.redundancy_costs),
                net_savings: m(y.net_savings),
                cumulative_net_savings: m(y.cumulative_net_savings),
                variances: m(y.variances),
                unallocated: m(y.unallocated),
            })
            .collect(),
        services: s
            .services
            .iter()
            .zip(&p.services)
            .map(|(service, sp)| ServiceOut {
                id: service.id.clone(),
                name: service.name.clone(),
                lead: partner_id(service.lead),
                years: sp
                    .years
                    .iter()
                    .enumerate()
                    .map(|(t, y)| ServiceYearOut {
                        year: t as u32,
                        label: label(t),
                        counterfactual: m(y.counterfactual),
                        post_shift: m(y.post_shift),
                        spend: m(y.spend),
                        shift_savings: m(y.shift_savings),
                        efficiency_savings: m(y.efficiency_savings),
                        workforce_savings: m(y.workforce_savings),
                        gross_savings: m(y.gross_savings),
                        costs: m(y.costs),
                        net_savings: m(y.net_savings),
                        variances: m(y.variances),
                        unallocated: m(y.unallocated),
                        moved: m(y.moved),
                        people_moved: y.people_moved.map(Number::count),
                        staff: Number::count(y.staff),
                        settings: service
                            .settings
                            .iter()
                            .zip(&y.settings)
                            .map(|(k, ky)| SettingOut {
                                id: k.id.clone(),
                                spend: m(ky.spend),
                                share: Number::fraction(ky.share),
                                people: ky.people.map(Number::count),
                            })
                            .collect(),
                    })
                    .collect(),
            })
            .collect(),
        partners: s
            .partners
            .iter()
            .zip(&p.partners)
            .map(|(partner, pp)| PartnerOut {
                id: partner.id.clone(),
                name: partner.name.clone(),
                kind: partner.kind.name().to_string(),
                years: pp
                    .years
                    .iter()
                    .enumerate()
                    .map(|(t, y)| PartnerYearOut {
                        year: t as u32,
                        label: label(t),
                        contribution: m(y.contribution),
                        savings_share: m(y.savings_share),
                        variance_share: m(y.variance_share),
                        net_contribution: m(y.net_contribution),
                        staff: Number::count(y.staff),
                        pay: m(y.pay),
                    })
                    .collect(),
            })
            .collect(),
        workforce: s
            .workforce
            .iter()
            .zip(&p.workforce)
            .map(|(line, wp)| WorkforceOut {
                name: line.name.clone(),
                service: s
                    .services
                    .get(line.service)
                    .map_or(String::new(), |x| x.id.clone()),
                years: wp
                    .years
                    .iter()
                    .enumerate()
                    .map(|(t, y)| WorkforceYearOut {
                        year: t as u32,
                        label: label(t),
                        employer: partner_id(y.employer),
                        heads: Number::count(y.heads),
                        pay: m(y.pay),
                        savings: m(y.savings),
                        redundancy_costs: m(y.redundancy_costs),
                    })
                    .collect(),
            })
            .collect(),
        npv: m(p.npv),
        appraisal: appraisal_out(s, p),
        ranges: None,
    }
}
