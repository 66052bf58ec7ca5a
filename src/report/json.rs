//! `--format json`: one document with every figure (schema in docs/json.md).
//!
//! Money is a JSON number in pounds to exactly 2 dp, written from the exact
//! decimal (never through a float): `315000000.00`. Shares are fractions to
//! 6 dp, people and staff numbers to 2 dp.

use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::value::RawValue;

use super::numbers::{fixed, fraction, pounds};
use super::{Printer, ProjectionReport};
use crate::engine::Projection;
use crate::scenario::Scenario;

/// Bumped when a field is removed or renamed or its meaning changes; adding
/// a field does not bump it (see docs/json.md).
pub const FORMAT_VERSION: u32 = 1;

pub struct JsonPrinter;

impl Printer for JsonPrinter {
    fn projection(&self, r: &ProjectionReport<'_>) -> String {
        let doc = document(r.scenario, r.central);
        let mut text = serde_json::to_string_pretty(&doc)
            .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
        text.push('\n');
        text
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

impl Serialize for Number {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let raw = RawValue::from_string(self.0.clone()).map_err(serde::ser::Error::custom)?;
        raw.serialize(serializer)
    }
}

#[derive(Serialize)]
pub struct Document {
    pub format_version: u32,
    pub scenario: ScenarioInfo,
    pub years: Vec<YearOut>,
    pub services: Vec<ServiceOut>,
    pub partners: Vec<PartnerOut>,
    pub workforce: Vec<WorkforceOut>,
    pub npv: Number,
}

#[derive(Serialize)]
pub struct ScenarioInfo {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub start: String,
    pub end: String,
    pub horizon: u32,
    pub discount_rate: Number,
}

#[derive(Serialize)]
pub struct YearOut {
    pub year: u32,
    pub label: String,
    pub counterfactual: Number,
    pub scenario: Number,
    pub shift_savings: Number,
    pub efficiency_savings: Number,
    pub workforce_savings: Number,
    pub gross_savings: Number,
    pub costs: Number,
    pub redundancy_costs: Number,
    pub net_savings: Number,
    pub cumulative_net_savings: Number,
    pub variances: Number,
    pub unallocated: Number,
}

#[derive(Serialize)]
pub struct ServiceOut {
    pub id: String,
    pub name: String,
    pub lead: String,
    pub years: Vec<ServiceYearOut>,
}

#[derive(Serialize)]
pub struct ServiceYearOut {
    pub year: u32,
    pub label: String,
    pub counterfactual: Number,
    pub post_shift: Number,
    pub spend: Number,
    pub shift_savings: Number,
    pub efficiency_savings: Number,
    pub workforce_savings: Number,
    pub gross_savings: Number,
    pub costs: Number,
    pub net_savings: Number,
    pub variances: Number,
    pub unallocated: Number,
    pub moved: Number,
    pub people_moved: Option<Number>,
    pub staff: Number,
    pub settings: Vec<SettingOut>,
}

#[derive(Serialize)]
pub struct SettingOut {
    pub id: String,
    pub spend: Number,
    pub share: Number,
    pub people: Option<Number>,
}

#[derive(Serialize)]
pub struct PartnerOut {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub years: Vec<PartnerYearOut>,
}

#[derive(Serialize)]
pub struct PartnerYearOut {
    pub year: u32,
    pub label: String,
    pub contribution: Number,
    pub savings_share: Number,
    pub variance_share: Number,
    pub net_contribution: Number,
    pub staff: Number,
    pub pay: Number,
}

#[derive(Serialize)]
pub struct WorkforceOut {
    pub name: String,
    pub service: String,
    pub years: Vec<WorkforceYearOut>,
}

#[derive(Serialize)]
pub struct WorkforceYearOut {
    pub year: u32,
    pub label: String,
    pub employer: String,
    pub heads: Number,
    pub pay: Number,
    pub savings: Number,
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
