//! The metric names of SPEC 4.2, shared by `[[expect]]`, CSV and `diff`.
//!
//! A [`Metric`] is resolved against a scenario's ids once (`spend.learning_disability`
//! becomes `Metric::Spend(0)`), knows its [`Unit`] (money, fraction or count,
//! which decides how it prints and how an `[[expect]]` bound is read). It
//! belongs to the scenario: the reader needs the names, and nothing here
//! reads results; a projection gives a metric's value
//! (`crate::engine::Projection::metric`).

use crate::error::did_you_mean;
use crate::scenario::Scenario;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Metric {
    Counterfactual,
    Scenario,
    ShiftSavings,
    EfficiencySavings,
    WorkforceSavings,
    GrossSavings,
    Costs,
    NetSavings,
    CumulativeNetSavings,
    Npv,
    Variances,
    Unallocated,
    /// The appraisal (SPEC 3.7), like `npv` one value for the run.
    PvSavings,
    PvCosts,
    NpvBeforeOptimismBias,
    /// The benefit-cost ratio: none when there are no costs.
    Bcr,
    /// The chance that NPV is below zero (Monte Carlo; no year).
    LossProbability,
    /// Redundancy costs of the year (part of `costs`).
    RedundancyCosts,
    /// The appraisal by year (SPEC 3.7, years 1..H): the price index,
    /// the discount factor, savings and costs after optimism bias (cash),
    /// and the year's present value (real).
    DeflatorIndex,
    DiscountFactor,
    AppraisalSavings,
    AppraisalCosts,
    PresentValue,
    /// `spend.<service>`: counterfactual minus gross savings.
    Spend(usize),
    /// `spend.<service>.<setting>`: post-shift spend.
    SettingSpend(usize, usize),
    /// `share.<service>.<setting>`: of the post-shift service total.
    Share(usize, usize),
    /// `people.<service>.<setting>`: only for settings with a unit cost.
    People(usize, usize),
    Contribution(usize),
    NetContribution(usize),
    PartnerStaff(usize),
    Pay(usize),
    ServiceStaff(usize),
    Moved(usize),
    /// Only for a shift whose `from` setting has a unit cost.
    PeopleMoved(usize),
    /// `<total>.<service>`: one service's part of a pool total
    /// (counterfactual, gross savings, costs, net savings, variances).
    ServiceTotal(ServiceTotal, usize),
    /// `savings_share.<partner>`: the partner's share of net savings.
    SavingsShare(usize),
    /// `variance_share.<partner>`: the over- or underspend the partner
    /// bears after caps.
    VarianceShare(usize),
}

/// The pool totals a service has its own part of (issue 30: every number
/// any format shows is in the CSV).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ServiceTotal {
    Counterfactual,
    /// Spend after the shift, before efficiency and workforce savings.
    PostShift,
    ShiftSavings,
    EfficiencySavings,
    WorkforceSavings,
    GrossSavings,
    Costs,
    NetSavings,
    Variances,
    Unallocated,
}

impl ServiceTotal {
    pub const ALL: [ServiceTotal; 10] = [
        ServiceTotal::Counterfactual,
        ServiceTotal::PostShift,
        ServiceTotal::ShiftSavings,
        ServiceTotal::EfficiencySavings,
        ServiceTotal::WorkforceSavings,
        ServiceTotal::GrossSavings,
        ServiceTotal::Costs,
        ServiceTotal::NetSavings,
        ServiceTotal::Variances,
        ServiceTotal::Unallocated,
    ];

    /// The family name, as the pool total's: `counterfactual`.
    pub fn name(self) -> &'static str {
        match self {
            ServiceTotal::Counterfactual => "counterfactual",
            ServiceTotal::PostShift => "post_shift",
            ServiceTotal::ShiftSavings => "shift_savings",
            ServiceTotal::EfficiencySavings => "efficiency_savings",
            ServiceTotal::WorkforceSavings => "workforce_savings",
            ServiceTotal::GrossSavings => "gross_savings",
            ServiceTotal::Costs => "costs",
            ServiceTotal::NetSavings => "net_savings",
            ServiceTotal::Variances => "variances",
            ServiceTotal::Unallocated => "unallocated",
        }
    }
}

/// How a metric's values print and compare.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// Pounds, printed to pence.
    Money,
    /// A share, printed as a fraction to 6 dp.
    Fraction,
    /// People or staff, printed to 2 dp.
    Count,
    /// A plain ratio (the BCR), printed to 6 dp.
    Ratio,
}

impl Unit {
    /// Decimal places a value of this unit is printed (and compared) to.
    pub fn dp(self) -> u32 {
        match self {
            Unit::Money | Unit::Count => 2,
            Unit::Fraction | Unit::Ratio => 6,
        }
    }
}

const TOTALS: [(&str, Metric); 22] = [
    ("counterfactual", Metric::Counterfactual),
    ("scenario", Metric::Scenario),
    ("shift_savings", Metric::ShiftSavings),
    ("efficiency_savings", Metric::EfficiencySavings),
    ("workforce_savings", Metric::WorkforceSavings),
    ("gross_savings", Metric::GrossSavings),
    ("costs", Metric::Costs),
    ("net_savings", Metric::NetSavings),
    ("cumulative_net_savings", Metric::CumulativeNetSavings),
    ("npv", Metric::Npv),
    ("variances", Metric::Variances),
    ("unallocated", Metric::Unallocated),
    ("pv_savings", Metric::PvSavings),
    ("pv_costs", Metric::PvCosts),
    ("npv_before_optimism_bias", Metric::NpvBeforeOptimismBias),
    ("bcr", Metric::Bcr),
    ("redundancy_costs", Metric::RedundancyCosts),
    ("deflator_index", Metric::DeflatorIndex),
    ("discount_factor", Metric::DiscountFactor),
    ("appraisal_savings", Metric::AppraisalSavings),
    ("appraisal_costs", Metric::AppraisalCosts),
    ("present_value", Metric::PresentValue),
];

const FAMILIES: [&str; 11] = [
    "savings_share",
    "variance_share",
    "spend",
    "share",
    "people",
    "contribution",
    "net_contribution",
    "staff",
    "pay",
    "moved",
    "people_moved",
];

/// Why a metric name did not resolve, with help.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MetricError {
    pub message: String,
    pub help: String,
}

impl Metric {
    pub fn unit(self) -> Unit {
        match self {
            Metric::Share(..) | Metric::LossProbability => Unit::Fraction,
            Metric::Bcr | Metric::DeflatorIndex | Metric::DiscountFactor => Unit::Ratio,
            Metric::People(..)
            | Metric::PeopleMoved(_)
            | Metric::PartnerStaff(_)
            | Metric::ServiceStaff(_) => Unit::Count,
            _ => Unit::Money,
        }
    }

    /// Whether Monte Carlo reports percentiles of this metric (pool totals,
    /// service spend, partners' contributions, NPV), so `case = "pNN"` can
    /// name it.
    pub fn sampled(self) -> bool {
        !matches!(
            self,
            Metric::ServiceTotal(..)
                | Metric::RedundancyCosts
                | Metric::DeflatorIndex
                | Metric::DiscountFactor
                | Metric::AppraisalSavings
                | Metric::AppraisalCosts
                | Metric::PresentValue
                | Metric::SavingsShare(_)
                | Metric::VarianceShare(_)
                | Metric::SettingSpend(..)
                | Metric::Share(..)
                | Metric::People(..)
                | Metric::PartnerStaff(_)
                | Metric::Pay(_)
                | Metric::ServiceStaff(_)
                | Metric::Moved(_)
                | Metric::PeopleMoved(_)
                | Metric::PvSavings
                | Metric::PvCosts
                | Metric::NpvBeforeOptimismBias
                | Metric::Bcr
        )
    }

    /// Whether the metric is one value for the whole run (NPV) rather than
    /// one per year.
    pub fn is_whole_run(self) -> bool {
        matches!(
            self,
            Metric::Npv
                | Metric::PvSavings
                | Metric::PvCosts
                | Metric::NpvBeforeOptimismBias
                | Metric::Bcr
                | Metric::LossProbability
        )
    }

    /// Whether Monte Carlo reports the mean of this metric's draws (SPEC
    /// 4.1: net savings, cumulative net savings, NPV), so `case = "mean"`
    /// can name it.
    pub fn has_mean(self) -> bool {
        matches!(
            self,
            Metric::NetSavings | Metric::CumulativeNetSavings | Metric::Npv
        )
    }

    /// The years this metric has a value for, with their labels: each of
    /// `years` (0..H) for a per-year metric, once with no year (and an
    /// empty label) for a whole-run one.
    pub fn years(self, s: &Scenario, years: usize) -> Vec<(usize, String)> {
        if self.is_whole_run() {
            vec![(0, String::new())]
        } else {
            (0..years)
                .map(|t| (t, s.year(t as u32).to_string()))
                .collect()
        }
    }

    /// The dotted name, as written in `[[expect]]` and CSV.
    pub fn name(self, s: &Scenario) -> String {
        let service = |i: usize| s.services.get(i).map_or("?", |x| x.id.as_str());
        let setting = |i: usize, k: usize| {
            s.services
                .get(i)
                .and_then(|x| x.settings.get(k))
                .map_or("?", |x| x.id.as_str())
        };
        let partner = |i: usize| s.partners.get(i).map_or("?", |x| x.id.as_str());
        if let Some((name, _)) = TOTALS.iter().find(|(_, m)| *m == self) {
            return (*name).to_string();
        }
        match self {
            Metric::LossProbability => "loss_probability".to_string(),
            Metric::Spend(i) => format!("spend.{}", service(i)),
            Metric::SettingSpend(i, k) => format!("spend.{}.{}", service(i), setting(i, k)),
            Metric::Share(i, k) => format!("share.{}.{}", service(i), setting(i, k)),
            Metric::People(i, k) => format!("people.{}.{}", service(i), setting(i, k)),
            Metric::Contribution(p) => format!("contribution.{}", partner(p)),
            Metric::NetContribution(p) => format!("net_contribution.{}", partner(p)),
            Metric::PartnerStaff(p) => format!("staff.{}", partner(p)),
            Metric::Pay(p) => format!("pay.{}", partner(p)),
            Metric::ServiceStaff(i) => format!("staff.{}", service(i)),
            Metric::Moved(i) => format!("moved.{}", service(i)),
            Metric::PeopleMoved(i) => format!("people_moved.{}", service(i)),
            Metric::ServiceTotal(total, i) => format!("{}.{}", total.name(), service(i)),
            Metric::SavingsShare(p) => format!("savings_share.{}", partner(p)),
            Metric::VarianceShare(p) => format!("variance_share.{}", partner(p)),
            _ => "?".to_string(),
        }
    }

    /// Resolves a dotted metric name against a scenario's ids.
    pub fn parse(text: &str, s: &Scenario) -> Result<Metric, MetricError> {
        if let Some((_, m)) = TOTALS.iter().find(|(name, _)| *name == text) {
            return Ok(*m);
        }
        if text == "loss_probability" {
            return Ok(Metric::LossProbability);
        }
        let parts: Vec<&str> = text.split('.').collect();
        let family = parts.first().copied().unwrap_or("");
        let service_ids: Vec<&str> = s.services.iter().map(|x| x.id.as_str()).collect();
        let partner_ids: Vec<&str> = s.partners.iter().map(|x| x.id.as_str()).collect();
        let unknown = |what: &str, id: &str, known: &[&str]| MetricError {
            message: format!("unknown {what} `{id}` in metric `{text}`"),
            help: match did_you_mean(id, known.iter().copied()) {
                Some(m) => format!(
                    "did you mean `{m}`? the {what}s are {}",
                    crate::error::list_ids(known)
                ),
                None => format!("the {what}s are {}", crate::error::list_ids(known)),
            },
        };
        let service = |id: &str| {
            s.service_index(id)
                .ok_or_else(|| unknown("service", id, &service_ids))
        };
        let partner = |id: &str| {
            s.partner_index(id)
                .ok_or_else(|| unknown("partner", id, &partner_ids))
        };
        let setting = |i: usize, id: &str| {
            let settings: Vec<&str> = s
                .services
                .get(i)
                .map(|x| x.settings.iter().map(|k| k.id.as_str()).collect())
                .unwrap_or_default();
            settings
                .iter()
                .position(|k| *k == id)
                .ok_or_else(|| unknown("setting", id, &settings))
        };
        if let (Some(total), [_, sv]) = (
            ServiceTotal::ALL.iter().find(|t| t.name() == family),
            parts.as_slice(),
        ) {
            return Ok(Metric::ServiceTotal(*total, service(sv)?));
        }
        match (family, parts.as_slice()) {
            ("savings_share", [_, p]) => Ok(Metric::SavingsShare(partner(p)?)),
            ("variance_share", [_, p]) => Ok(Metric::VarianceShare(partner(p)?)),
            ("spend", [_, sv]) => Ok(Metric::Spend(service(sv)?)),
            ("spend", [_, sv, st]) => {
                let i = service(sv)?;
                Ok(Metric::SettingSpend(i, setting(i, st)?))
            }
            ("share", [_, sv, st]) => {
                let i = service(sv)?;
                Ok(Metric::Share(i, setting(i, st)?))
            }
            ("people", [_, sv, st]) => {
                let i = service(sv)?;
                let k = setting(i, st)?;
                let has_unit_cost = s
                    .services
                    .get(i)
                    .and_then(|x| x.settings.get(k))
                    .is_some_and(|x| x.unit_cost.is_some());
                if !has_unit_cost {
                    return Err(MetricError {
                        message: format!(
                            "metric `{text}` needs a unit cost: setting `{st}` has none"
                        ),
                        help: format!(
                            "give setting `{st}` a unit_cost, or check spend.{sv}.{st} instead"
                        ),
                    });
                }
                Ok(Metric::People(i, k))
            }
            ("contribution", [_, p]) => Ok(Metric::Contribution(partner(p)?)),
            ("net_contribution", [_, p]) => Ok(Metric::NetContribution(partner(p)?)),
            ("pay", [_, p]) => Ok(Metric::Pay(partner(p)?)),
            ("staff", [_, id]) => match (s.partner_index(id), s.service_index(id)) {
                (Some(p), _) => Ok(Metric::PartnerStaff(p)),
                (None, Some(i)) => Ok(Metric::ServiceStaff(i)),
                (None, None) => {
                    let mut known = partner_ids.clone();
                    known.extend(service_ids.iter().copied());
                    Err(unknown("partner or service", id, &known))
                }
            },
            ("moved", [_, sv]) => Ok(Metric::Moved(service(sv)?)),
            ("people_moved", [_, sv]) => {
                let i = service(sv)?;
                let has = s
                    .services
                    .get(i)
                    .and_then(|x| x.shift.as_ref())
                    .is_some_and(|sh| {
                        s.services
                            .get(i)
                            .and_then(|x| x.settings.get(sh.from))
                            .is_some_and(|k| k.unit_cost.is_some())
                    });
                if !has {
                    return Err(MetricError {
                        message: format!(
                            "metric `{text}` needs a shift on `{sv}` whose `from` setting has a unit cost"
                        ),
                        help: format!("check moved.{sv} (money moved) instead"),
                    });
                }
                Ok(Metric::PeopleMoved(i))
            }
            _ => {
                let mut names: Vec<&str> = TOTALS.iter().map(|(n, _)| *n).collect();
                names.extend(FAMILIES.iter().copied());
                names.extend(MONITOR_LINES.iter().chain(&MONITOR_PARTNERS).copied());
                let help = match did_you_mean(family, names.iter().copied()) {
                    Some(m) if m != family => format!("did you mean `{m}`? see the metric names in docs/json.md"),
                    _ => "metrics are pool totals such as net_savings, cumulative_net_savings, npv or bcr, and figures of a service, setting or partner such as spend.<service>, share.<service>.<setting>, costs.<service> or variance_share.<partner>, and, measured against actuals, forecast_variance.<service> or balance.<partner>: every name is in docs/format.md".to_string(),
                };
                Err(MetricError {
                    message: format!("unknown metric `{text}`"),
                    help,
                })
            }
        }
    }
}

/// The columns a metric fills in tidy CSV: its family name and the ids it
/// is about (empty where it is about none).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Columns<'a> {
    pub metric: &'static str,
    pub service: &'a str,
    pub setting: &'a str,
    pub partner: &'a str,
}

impl Metric {
    /// Splits the metric into tidy columns: `spend.ld.residential` is
    /// metric `spend`, service `ld`, setting `residential`.
    pub fn columns(self, s: &Scenario) -> Columns<'_> {
        let service = |i: usize| s.services.get(i).map_or("", |x| x.id.as_str());
        let setting = |i: usize, k: usize| {
            s.services
                .get(i)
                .and_then(|x| x.settings.get(k))
                .map_or("", |x| x.id.as_str())
        };
        let partner = |i: usize| s.partners.get(i).map_or("", |x| x.id.as_str());
        let none = Columns {
            metric: "",
            service: "",
            setting: "",
            partner: "",
        };
        if let Some((name, _)) = TOTALS.iter().find(|(_, m)| *m == self) {
            return Columns {
                metric: name,
                ..none
            };
        }
        match self {
            Metric::LossProbability => Columns {
                metric: "loss_probability",
                ..none
            },
            Metric::Spend(i) => Columns {
                metric: "spend",
                service: service(i),
                ..none
            },
            Metric::SettingSpend(i, k) => Columns {
                metric: "spend",
                service: service(i),
                setting: setting(i, k),
                ..none
            },
            Metric::Share(i, k) => Columns {
                metric: "share",
                service: service(i),
                setting: setting(i, k),
                ..none
            },
            Metric::People(i, k) => Columns {
                metric: "people",
                service: service(i),
                setting: setting(i, k),
                ..none
            },
            Metric::Contribution(p) => Columns {
                metric: "contribution",
                partner: partner(p),
                ..none
            },
            Metric::NetContribution(p) => Columns {
                metric: "net_contribution",
                partner: partner(p),
                ..none
            },
            Metric::PartnerStaff(p) => Columns {
                metric: "staff",
                partner: partner(p),
                ..none
            },
            Metric::Pay(p) => Columns {
                metric: "pay",
                partner: partner(p),
                ..none
            },
            Metric::ServiceStaff(i) => Columns {
                metric: "staff",
                service: service(i),
                ..none
            },
            Metric::Moved(i) => Columns {
                metric: "moved",
                service: service(i),
                ..none
            },
            Metric::PeopleMoved(i) => Columns {
                metric: "people_moved",
                service: service(i),
                ..none
            },
            Metric::ServiceTotal(total, i) => Columns {
                metric: total.name(),
                service: service(i),
                ..none
            },
            Metric::SavingsShare(p) => Columns {
                metric: "savings_share",
                partner: partner(p),
                ..none
            },
            Metric::VarianceShare(p) => Columns {
                metric: "variance_share",
                partner: partner(p),
                ..none
            },
            _ => none,
        }
    }
}

/// Every metric a scenario has, in a fixed order: pool totals (SPEC 4.2
/// order), then each partner in file order, then each service in file order
/// with its settings. Workforce metrics appear only when the scenario has
/// `[[workforce]]` lines; `moved` only for services with a shift; people
/// only where unit costs are known.
pub fn catalogue(s: &Scenario) -> Vec<Metric> {
    let mut out: Vec<Metric> = TOTALS.iter().map(|(_, m)| *m).collect();
    let has_workforce = !s.workforce.is_empty();
    for p in 0..s.partners.len() {
        out.push(Metric::Contribution(p));
        out.push(Metric::SavingsShare(p));
        out.push(Metric::VarianceShare(p));
        out.push(Metric::NetContribution(p));
        if has_workforce {
            out.push(Metric::PartnerStaff(p));
            out.push(Metric::Pay(p));
        }
    }
    for (i, service) in s.services.iter().enumerate() {
        out.extend(ServiceTotal::ALL.map(|t| Metric::ServiceTotal(t, i)));
        out.push(Metric::Spend(i));
        if let Some(shift) = &service.shift {
            out.push(Metric::Moved(i));
            if service
                .settings
                .get(shift.from)
                .is_some_and(|k| k.unit_cost.is_some())
            {
                out.push(Metric::PeopleMoved(i));
            }
        }
        if s.workforce.iter().any(|w| w.service == i) {
            out.push(Metric::ServiceStaff(i));
        }
        for (k, setting) in service.settings.iter().enumerate() {
            out.push(Metric::SettingSpend(i, k));
            out.push(Metric::Share(i, k));
            if setting.unit_cost.is_some() {
                out.push(Metric::People(i, k));
            }
        }
    }
    out
}

/// A monitoring metric (docs/monitoring.md): read from a year monitored
/// against the actuals `[monitoring] actuals` names, as at a period.
/// `None` in a service slot is the pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MonitorMetric {
    Budget(Option<usize>),
    ActualToDate(Option<usize>),
    ForecastOutturn(Option<usize>),
    ForecastVariance(Option<usize>),
    /// Of the budget: a fraction.
    ForecastVarianceShare(Option<usize>),
    /// The settlement (at year end, of the outturn; before, of the
    /// forecast): a partner's share of over- and underspends after caps.
    SettledShare(usize),
    FinalContribution(usize),
    /// What the partner owes (+) or is owed (-) at year end.
    Balance(usize),
}

/// The monitoring metric families, pool-wide or `.<service>`.
pub const MONITOR_LINES: [&str; 5] = [
    "budget",
    "actual_to_date",
    "forecast_outturn",
    "forecast_variance",
    "forecast_variance_share",
];

/// The monitoring metric families of a partner, `.<partner>`.
pub const MONITOR_PARTNERS: [&str; 3] = ["settled_share", "final_contribution", "balance"];

impl MonitorMetric {
    /// The metric a name gives, when it is a monitoring metric's name;
    /// `Some(Err)` when it is one with an unknown id.
    pub fn parse(text: &str, s: &Scenario) -> Option<Result<MonitorMetric, MetricError>> {
        let (family, id) = match text.split_once('.') {
            Some((f, id)) => (f, Some(id)),
            None => (text, None),
        };
        let unknown = |what: &str, id: &str, known: Vec<&str>| MetricError {
            message: format!("unknown {what} `{id}` in metric `{text}`"),
            help: match did_you_mean(id, known.iter().copied()) {
                Some(m) => format!(
                    "did you mean `{m}`? the {what}s are {}",
                    crate::error::list_ids(&known)
                ),
                None => format!("the {what}s are {}", crate::error::list_ids(&known)),
            },
        };
        if MONITOR_LINES.contains(&family) {
            let service = match id {
                None => None,
                Some(id) if id.contains('.') => {
                    return Some(Err(MetricError {
                        message: format!(
                            "`{family}` is a pool's or a service's, not a setting's: `{text}`"
                        ),
                        help: format!(
                            "write `{family}.<service>` (a setting's figures are in monitor's report, not metrics)"
                        ),
                    }));
                }
                Some(id) => match s.service_index(id) {
                    Some(i) => Some(i),
                    None => {
                        let known = s.services.iter().map(|x| x.id.as_str()).collect();
                        return Some(Err(unknown("service", id, known)));
                    }
                },
            };
            return Some(Ok(match family {
                "budget" => MonitorMetric::Budget(service),
                "actual_to_date" => MonitorMetric::ActualToDate(service),
                "forecast_outturn" => MonitorMetric::ForecastOutturn(service),
                "forecast_variance" => MonitorMetric::ForecastVariance(service),
                _ => MonitorMetric::ForecastVarianceShare(service),
            }));
        }
        if MONITOR_PARTNERS.contains(&family) {
            let known: Vec<&str> = s.partners.iter().map(|x| x.id.as_str()).collect();
            let Some(id) = id else {
                return Some(Err(MetricError {
                    message: format!("`{family}` is a partner's: name one, `{family}.<partner>`"),
                    help: format!("the partners are {}", crate::error::list_ids(&known)),
                }));
            };
            return Some(match s.partner_index(id) {
                None => Err(unknown("partner", id, known)),
                Some(p) => Ok(match family {
                    "settled_share" => MonitorMetric::SettledShare(p),
                    "final_contribution" => MonitorMetric::FinalContribution(p),
                    _ => MonitorMetric::Balance(p),
                }),
            });
        }
        None
    }

    pub fn unit(self) -> Unit {
        match self {
            MonitorMetric::ForecastVarianceShare(_) => Unit::Fraction,
            _ => Unit::Money,
        }
    }

    /// Whether the metric reads the year-end statement (every period in).
    pub fn needs_year_end(self) -> bool {
        matches!(self, MonitorMetric::Balance(_))
    }

    /// The metric's name: `forecast_variance.acute`.
    pub fn name(self, s: &Scenario) -> String {
        let service = |i: Option<usize>| {
            i.and_then(|i| s.services.get(i))
                .map_or(String::new(), |x| format!(".{}", x.id))
        };
        let partner = |p: usize| s.partners.get(p).map_or("", |x| x.id.as_str());
        match self {
            MonitorMetric::Budget(i) => format!("budget{}", service(i)),
            MonitorMetric::ActualToDate(i) => format!("actual_to_date{}", service(i)),
            MonitorMetric::ForecastOutturn(i) => format!("forecast_outturn{}", service(i)),
            MonitorMetric::ForecastVariance(i) => format!("forecast_variance{}", service(i)),
            MonitorMetric::ForecastVarianceShare(i) => {
                format!("forecast_variance_share{}", service(i))
            }
            MonitorMetric::SettledShare(p) => format!("settled_share.{}", partner(p)),
            MonitorMetric::FinalContribution(p) => format!("final_contribution.{}", partner(p)),
            MonitorMetric::Balance(p) => format!("balance.{}", partner(p)),
        }
    }
}
