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
use super::{DiffReport, Printer, ProjectionReport};
use crate::engine::Projection;
use crate::scenario::Scenario;

/// Bumped when a field is removed or renamed or its meaning changes; adding
/// a field does not bump it (see docs/json.md).
pub const FORMAT_VERSION: u32 = 1;

pub struct JsonPrinter;

impl Printer for JsonPrinter {
    fn projection(&self, r: &ProjectionReport<'_>) -> String {
        pretty(&document(r.scenario, r.central))
    }

    fn diff(&self, r: &DiffReport<'_>) -> String {
        pretty(&diff_document(r))
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
    /// Net savings of years 1..H discounted at the discount rate (pounds).
    pub npv: Number,
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
    /// As a fraction, e.g. 0.035.
    pub discount_rate: Number,
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
            discount_rate: Number::fraction(s.discount_rate),
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
    }
}
