//! The exact driver of the model of SPEC 3.1-3.5.
//!
//! [`project`] runs a validated [`Scenario`] for one set of [`Values`] (the
//! central case, a sensitivity end, a draw) and returns a [`Projection`]:
//! every figure for every year 0..=H, by service, setting, partner and
//! workforce line. Every figure is computed by the formulas of
//! [`crate::model`] as an exact rational ([`Exact`]) and handed on as a
//! decimal whose rounding to pence or to 6 places is the exact value's
//! rounding; nothing here formats or rounds, reports round when they
//! print. A figure too large to hand on
//! becomes an [`EngineError`] located at the scenario value behind it.

use rust_decimal::Decimal;

use crate::error::Diagnostic;
use crate::model::{Exact, Overflow, appraisal, growth, risk_share, savings, shift};
use crate::scenario::metric::{Metric, ServiceTotal};
use crate::scenario::{CostRatio, ParamId, SavingSize, Scenario, Service, Values};
use crate::source::Loc;

/// Totals for one year across the pool.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct YearSummary {
    pub counterfactual: Decimal,
    /// Counterfactual minus gross savings.
    pub scenario: Decimal,
    pub shift_savings: Decimal,
    pub efficiency_savings: Decimal,
    pub workforce_savings: Decimal,
    pub gross_savings: Decimal,
    /// Implementation costs and redundancy costs.
    pub costs: Decimal,
    /// Of `costs`, the redundancy costs of workforce reductions.
    pub redundancy_costs: Decimal,
    pub net_savings: Decimal,
    pub cumulative_net_savings: Decimal,
    pub variances: Decimal,
    pub unallocated: Decimal,
}

/// One setting of a service in one year, after the shift.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SettingYear {
    /// Counterfactual spend: share x C(t).
    pub counterfactual: Decimal,
    /// Post-shift spend (before efficiency and workforce savings).
    pub spend: Decimal,
    /// Share of the post-shift service total.
    pub share: Decimal,
    /// spend / (unit cost x (1 + p)^t), for settings with a unit cost.
    pub people: Option<Decimal>,
}

/// One service in one year.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ServiceYear {
    pub counterfactual: Decimal,
    /// Post-shift total E(t): counterfactual minus shift savings.
    pub post_shift: Decimal,
    /// Counterfactual minus gross savings.
    pub spend: Decimal,
    pub shift_savings: Decimal,
    pub efficiency_savings: Decimal,
    pub workforce_savings: Decimal,
    pub gross_savings: Decimal,
    pub costs: Decimal,
    pub net_savings: Decimal,
    pub variances: Decimal,
    pub unallocated: Decimal,
    /// m(t): spend moved out of the shift's `from` setting.
    pub moved: Decimal,
    /// People m(t) stands for, when the `from` setting has a unit cost.
    pub people_moved: Option<Decimal>,
    /// Heads of workforce lines paid from this service.
    pub staff: Decimal,
    pub settings: Vec<SettingYear>,
    /// The year's budget for monitoring (docs/monitoring.md): what the
    /// partners plan to put in, counterfactual minus net savings (the
    /// spend plus the costs attributed to the service). Only from
    /// [`project_budgets`]; zero from [`project`].
    pub budget: Decimal,
    /// Each partner's planned contribution to the service, by partner
    /// index: its counterfactual contribution minus its rule share of the
    /// service's net savings. They sum to `budget`. Only from
    /// [`project_budgets`]; empty from [`project`].
    pub planned: Vec<Decimal>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ServiceProjection {
    pub years: Vec<ServiceYear>,
}

/// One partner in one year.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PartnerYear {
    /// Counterfactual contribution.
    pub contribution: Decimal,
    /// Rule share of every service's net savings.
    pub savings_share: Decimal,
    /// Share of variances after caps.
    pub variance_share: Decimal,
    /// contribution - savings share + variance share.
    pub net_contribution: Decimal,
    /// Heads employed that year.
    pub staff: Decimal,
    pub pay: Decimal,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct PartnerProjection {
    pub years: Vec<PartnerYear>,
}

/// One workforce line in one year.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WorkforceYear {
    /// Partner index employing the staff that year.
    pub employer: usize,
    pub heads: Decimal,
    pub pay: Decimal,
    pub savings: Decimal,
    pub redundancy_costs: Decimal,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct WorkforceProjection {
    pub years: Vec<WorkforceYear>,
}

/// One year (1..=H) of the appraisal (SPEC 3.7).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AppraisalYear {
    /// I(t) = (1 + deflator)^t.
    pub deflator_index: Decimal,
    /// D(t) = D(t - 1) / (1 + r_t).
    pub discount_factor: Decimal,
    /// Every line's savings after optimism bias, nominal.
    pub savings: Decimal,
    /// Every cost line and redundancy after optimism bias, nominal.
    pub costs: Decimal,
    /// (savings - costs) / I(t) x D(t): real, discounted.
    pub present_value: Decimal,
}

/// The appraisal (SPEC 3.7): real terms at year-0 prices, after optimism
/// bias, discounted.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Appraisal {
    /// Years 1..=H.
    pub years: Vec<AppraisalYear>,
    pub pv_savings: Decimal,
    pub pv_costs: Decimal,
    /// pv_savings - pv_costs.
    pub npv: Decimal,
    /// The NPV with every optimism bias 0%.
    pub npv_before_optimism_bias: Decimal,
    /// pv_savings / pv_costs, when pv_costs > 0.
    pub bcr: Option<Decimal>,
}

/// Every figure of one run, for years 0..=H.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Projection {
    pub years: Vec<YearSummary>,
    pub services: Vec<ServiceProjection>,
    pub partners: Vec<PartnerProjection>,
    pub workforce: Vec<WorkforceProjection>,
    /// The appraisal's NPV (SPEC 3.7), as `appraisal.npv`.
    pub npv: Decimal,
    pub appraisal: Appraisal,
}

impl Projection {
    /// The exact value of the metric in year `t` (ignored for NPV).
    pub fn metric(&self, m: Metric, t: usize) -> Option<Decimal> {
        let p = self;
        let a = &p.appraisal;
        match m {
            Metric::Npv => return Some(p.npv),
            Metric::PvSavings => return Some(a.pv_savings),
            Metric::PvCosts => return Some(a.pv_costs),
            Metric::NpvBeforeOptimismBias => return Some(a.npv_before_optimism_bias),
            Metric::Bcr => return a.bcr,
            // Monte Carlo's alone.
            Metric::LossProbability => return None,
            _ => {}
        }
        let y = p.years.get(t)?;
        let service = |i: usize| p.services.get(i).and_then(|s| s.years.get(t));
        let partner = |i: usize| p.partners.get(i).and_then(|s| s.years.get(t));
        let setting = |i: usize, k: usize| service(i).and_then(|s| s.settings.get(k));
        Some(match m {
            Metric::Counterfactual => y.counterfactual,
            Metric::Scenario => y.scenario,
            Metric::ShiftSavings => y.shift_savings,
            Metric::EfficiencySavings => y.efficiency_savings,
            Metric::WorkforceSavings => y.workforce_savings,
            Metric::GrossSavings => y.gross_savings,
            Metric::Costs => y.costs,
            Metric::NetSavings => y.net_savings,
            Metric::CumulativeNetSavings => y.cumulative_net_savings,
            Metric::Npv
            | Metric::PvSavings
            | Metric::PvCosts
            | Metric::NpvBeforeOptimismBias
            | Metric::Bcr
            | Metric::LossProbability => return None,
            Metric::Variances => y.variances,
            Metric::Unallocated => y.unallocated,
            Metric::RedundancyCosts => y.redundancy_costs,
            Metric::DeflatorIndex
            | Metric::DiscountFactor
            | Metric::AppraisalSavings
            | Metric::AppraisalCosts
            | Metric::PresentValue => {
                // Years 1..H: none for the base year.
                let a = p.appraisal.years.get(t.checked_sub(1)?)?;
                match m {
                    Metric::DeflatorIndex => a.deflator_index,
                    Metric::DiscountFactor => a.discount_factor,
                    Metric::AppraisalSavings => a.savings,
                    Metric::AppraisalCosts => a.costs,
                    _ => a.present_value,
                }
            }
            Metric::Spend(i) => service(i)?.spend,
            Metric::SettingSpend(i, k) => setting(i, k)?.spend,
            Metric::Share(i, k) => setting(i, k)?.share,
            Metric::People(i, k) => setting(i, k)?.people?,
            Metric::Contribution(i) => partner(i)?.contribution,
            Metric::NetContribution(i) => partner(i)?.net_contribution,
            Metric::PartnerStaff(i) => partner(i)?.staff,
            Metric::Pay(i) => partner(i)?.pay,
            Metric::ServiceStaff(i) => service(i)?.staff,
            Metric::Moved(i) => service(i)?.moved,
            Metric::PeopleMoved(i) => service(i)?.people_moved?,
            Metric::ServiceTotal(total, i) => {
                let y = service(i)?;
                match total {
                    ServiceTotal::Counterfactual => y.counterfactual,
                    ServiceTotal::PostShift => y.post_shift,
                    ServiceTotal::ShiftSavings => y.shift_savings,
                    ServiceTotal::EfficiencySavings => y.efficiency_savings,
                    ServiceTotal::WorkforceSavings => y.workforce_savings,
                    ServiceTotal::GrossSavings => y.gross_savings,
                    ServiceTotal::Costs => y.costs,
                    ServiceTotal::NetSavings => y.net_savings,
                    ServiceTotal::Variances => y.variances,
                    ServiceTotal::Unallocated => y.unallocated,
                }
            }
            Metric::SavingsShare(i) => partner(i)?.savings_share,
            Metric::VarianceShare(i) => partner(i)?.variance_share,
        })
    }
}

/// The model could not be computed: a figure grew beyond what a decimal
/// of 28 digits holds.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct EngineError {
    pub loc: Loc,
    pub message: String,
}

impl From<EngineError> for Diagnostic {
    fn from(e: EngineError) -> Self {
        Diagnostic::at(e.loc, e.message)
            .help("figures are handed on as decimals of 28 digits; check for a growth, inflation or amount far too large")
    }
}

/// Attaches a location and a description to an overflow.
fn at<T>(
    result: Result<T, Overflow>,
    loc: Loc,
    what: impl FnOnce() -> String,
) -> Result<T, EngineError> {
    result.map_err(|_| EngineError {
        loc,
        message: format!(
            "the numbers are too large to compute exactly: {} overflows",
            what()
        ),
    })
}

/// Hands an exact figure on as a decimal (see [`exact`]), located.
fn dec(x: &Exact, loc: Loc, what: impl FnOnce() -> String) -> Result<Decimal, EngineError> {
    at(x.to_decimal(), loc, what)
}

/// Per-run constants of a service's shift.
struct ShiftRun {
    from: usize,
    sigma0: Exact,
    /// sigmaT - sigma0.
    gap: Exact,
    one_minus_rbar: Exact,
    /// (setting index, w_j, r_j).
    targets: Vec<(usize, Exact, Exact)>,
    unit_cost_from: Option<Exact>,
}

/// A service's constants for the run and its state carried from year to
/// year.
struct ServiceRun {
    baseline: Exact,
    growth_factor: Exact,
    price_factor: Exact,
    /// ((1 + g)(1 + p))^t.
    volume: Exact,
    /// (1 + p)^t.
    prices: Exact,
    unit_costs: Vec<Option<Exact>>,
    /// Each partner's rule share and cap, and year-0 contribution.
    shares: Vec<Exact>,
    caps: Vec<Option<Exact>>,
    contributions: Vec<Exact>,
    shift: Option<ShiftRun>,
}

fn shift_run(service: &Service, values: &Values) -> Result<Option<ShiftRun>, Overflow> {
    let Some(shift) = &service.shift else {
        return Ok(None);
    };
    let unit_cost = |k: usize| {
        service
            .settings
            .get(k)
            .and_then(|s| s.unit_cost)
            .map(|p| Exact::new(values.get(p)))
    };
    let unit_cost_from = unit_cost(shift.from);
    let mut targets = Vec::with_capacity(shift.to.len());
    let mut split_costs = Vec::with_capacity(shift.to.len());
    for &(j, w) in &shift.to {
        // r_j: a given cost ratio, or the unit costs' ratio (validation
        // makes sure one of them exists, and unit costs are positive).
        let r = match (&shift.cost_ratio, unit_cost(j), &unit_cost_from) {
            (CostRatio::Given(p), _, _) => Exact::new(values.get(*p)),
            (CostRatio::UnitCosts, Some(uj), Some(uf)) => {
                let r = shift::cost_ratio(&uj, uf)?;
                split_costs.push((Exact::new(w), uj));
                r
            }
            (CostRatio::UnitCosts, _, _) => Exact::one(),
        };
        targets.push((j, Exact::new(w), r));
    }
    let rbar = match (&shift.cost_ratio, &unit_cost_from) {
        // The splits sum to one exactly (validation): r̄ is the ratio.
        (CostRatio::Given(p), _) => Exact::new(values.get(*p)),
        (CostRatio::UnitCosts, Some(uf)) => {
            shift::rbar_of_unit_costs(split_costs.iter().map(|(w, u)| (w, u)), uf)?
        }
        (CostRatio::UnitCosts, None) => Exact::one(),
    };
    let sigma0 = Exact::new(
        service
            .settings
            .get(shift.from)
            .map_or(Decimal::ZERO, |s| s.share),
    );
    Ok(Some(ShiftRun {
        from: shift.from,
        gap: shift::target_gap(&sigma0, &Exact::new(values.get(shift.target_share))),
        sigma0,
        one_minus_rbar: shift::one_minus_rbar(&rbar),
        targets,
        unit_cost_from,
    }))
}

fn service_run(s: &Scenario, service: &Service, values: &Values) -> Result<ServiceRun, Overflow> {
    let g = Exact::new(values.get(service.growth));
    let p = Exact::new(values.get(service.inflation));
    let rule = &service.risk_share;
    let total = Exact::new(rule.total);
    let partners = s.partners.len();
    let weight = |i: usize| Exact::new(rule.weights.get(i).copied().unwrap_or_default());
    Ok(ServiceRun {
        baseline: Exact::new(service.baseline),
        growth_factor: growth::growth_factor(&g, &p),
        price_factor: growth::price_factor(&p),
        volume: Exact::one(),
        prices: Exact::one(),
        unit_costs: service
            .settings
            .iter()
            .map(|k| k.unit_cost.map(|u| Exact::new(values.get(u))))
            .collect(),
        shares: (0..partners)
            .map(|i| risk_share::rule_share(&weight(i), &total))
            .collect::<Result<_, _>>()?,
        caps: (0..partners)
            .map(|i| rule.caps.get(i).copied().flatten().map(Exact::new))
            .collect(),
        contributions: (0..partners)
            .map(|i| Exact::new(service.contributions.get(i).copied().unwrap_or_default()))
            .collect(),
        shift: shift_run(service, values)?,
    })
}

/// Runs the model for every year 0..=H.
pub fn project(s: &Scenario, values: &Values) -> Result<Projection, EngineError> {
    project_as(s, values, false)
}

/// [`project`], with each service's budget and each partner's planned
/// contribution to it ([`ServiceYear::budget`], [`ServiceYear::planned`]):
/// what monitoring starts from (crate::monitoring). Kept out of
/// [`project`], which the sensitivity searches run thousands of times.
pub fn project_budgets(s: &Scenario, values: &Values) -> Result<Projection, EngineError> {
    project_as(s, values, true)
}

fn project_as(s: &Scenario, values: &Values, budgets: bool) -> Result<Projection, EngineError> {
    let years = s.horizon as usize + 1;
    let mut out = Projection {
        years: Vec::with_capacity(years),
        services: vec![ServiceProjection::default(); s.services.len()],
        partners: vec![PartnerProjection::default(); s.partners.len()],
        workforce: vec![WorkforceProjection::default(); s.workforce.len()],
        npv: Decimal::ZERO,
        appraisal: Appraisal::default(),
    };
    let mut runs = Vec::with_capacity(s.services.len());
    for service in &s.services {
        runs.push(at(service_run(s, service, values), service.loc, || {
            format!("the cost ratio of the shift on `{}`", service.id)
        })?);
    }
    let mut cumulative = Exact::zero();
    let mut real = RealTerms::new(s, values);
    for t in 0..=s.horizon {
        let label = s.year(t);
        if t > 0 {
            for run in runs.iter_mut() {
                run.volume = growth::next_year(&run.volume, &run.growth_factor);
                run.prices = growth::next_year(&run.prices, &run.price_factor);
            }
        }
        let (mut year, net, lines) = project_year(s, values, &runs, (t, budgets), &mut out)?;
        if t > 0 {
            cumulative = cumulative + &net;
            let appraised = at(real.year(s, values, t, &lines), s.loc, || {
                format!("the appraisal in {label}")
            })?;
            out.appraisal.years.push(appraised);
        }
        year.cumulative_net_savings = dec(&cumulative, s.loc, || {
            format!("cumulative net savings in {label}")
        })?;
        out.years.push(year);
    }
    let years = std::mem::take(&mut out.appraisal.years);
    out.appraisal = Appraisal {
        years,
        ..at(real.finish(), s.loc, || "the appraisal".into())?
    };
    out.npv = out.appraisal.npv;
    Ok(out)
}

/// One year's savings and costs, line by line, with each line's optimism
/// bias (SPEC 3.7).
#[derive(Default)]
struct Lines {
    savings: Vec<(Exact, ParamId)>,
    costs: Vec<(Exact, ParamId)>,
}

/// The appraisal carried from year to year (SPEC 3.7).
struct RealTerms {
    deflator: Exact,
    /// I(t) and D(t).
    index: Exact,
    factor: Exact,
    pv_savings: Exact,
    pv_costs: Exact,
    /// Present values with every optimism bias 0%.
    pv_savings_before: Exact,
    pv_costs_before: Exact,
}

impl RealTerms {
    fn new(s: &Scenario, values: &Values) -> RealTerms {
        RealTerms {
            deflator: Exact::new(values.get(s.deflator)),
            index: Exact::one(),
            factor: Exact::one(),
            pv_savings: Exact::zero(),
            pv_costs: Exact::zero(),
            pv_savings_before: Exact::zero(),
            pv_costs_before: Exact::zero(),
        }
    }

    /// Year `t` (1..=H): index, factor, the lines after optimism bias and
    /// their present value.
    fn year(
        &mut self,
        s: &Scenario,
        values: &Values,
        t: u32,
        lines: &Lines,
    ) -> Result<AppraisalYear, Overflow> {
        self.index = appraisal::price_index(&self.index, &self.deflator);
        let rate = Exact::new(appraisal::rate_in_year(s.discount_rate, t));
        self.factor = appraisal::discount_factor(&self.factor, &rate)?;
        let ob = |p: ParamId| Exact::new(values.get(p));
        let (mut savings, mut costs) = (Exact::zero(), Exact::zero());
        let (mut savings_before, mut costs_before) = (Exact::zero(), Exact::zero());
        for (x, p) in &lines.savings {
            savings = savings + appraisal::biased_saving(x, &ob(*p));
            savings_before = savings_before + x;
        }
        for (x, p) in &lines.costs {
            costs = costs + appraisal::biased_cost(x, &ob(*p));
            costs_before = costs_before + x;
        }
        let pv = |x: &Exact| appraisal::present_value(x, &self.index, &self.factor);
        let (pv_savings, pv_costs) = (pv(&savings)?, pv(&costs)?);
        self.pv_savings_before = &self.pv_savings_before + pv(&savings_before)?;
        self.pv_costs_before = &self.pv_costs_before + pv(&costs_before)?;
        let present_value = &pv_savings - &pv_costs;
        self.pv_savings = &self.pv_savings + pv_savings;
        self.pv_costs = &self.pv_costs + pv_costs;
        Ok(AppraisalYear {
            deflator_index: self.index.to_decimal()?,
            discount_factor: self.factor.to_decimal()?,
            savings: savings.to_decimal()?,
            costs: costs.to_decimal()?,
            present_value: present_value.to_decimal()?,
        })
    }

    /// The totals over years 1..=H.
    fn finish(&self) -> Result<Appraisal, Overflow> {
        let npv = &self.pv_savings - &self.pv_costs;
        let before = &self.pv_savings_before - &self.pv_costs_before;
        Ok(Appraisal {
            years: Vec::new(),
            pv_savings: self.pv_savings.to_decimal()?,
            pv_costs: self.pv_costs.to_decimal()?,
            npv: npv.to_decimal()?,
            npv_before_optimism_bias: before.to_decimal()?,
            bcr: appraisal::bcr(&self.pv_savings, &self.pv_costs)?
                .map(|b| b.to_decimal())
                .transpose()?,
        })
    }
}

/// One setting of a service in one year, exactly (see [`SettingYear`]).
#[derive(Clone, Default)]
struct SettingWork {
    counterfactual: Exact,
    spend: Exact,
    share: Exact,
    people: Option<Exact>,
}

/// One service in one year, exactly (see [`ServiceYear`]).
#[derive(Clone, Default)]
struct ServiceWork {
    counterfactual: Exact,
    post_shift: Exact,
    spend: Exact,
    shift_savings: Exact,
    efficiency_savings: Exact,
    workforce_savings: Exact,
    gross_savings: Exact,
    costs: Exact,
    net_savings: Exact,
    variances: Exact,
    unallocated: Exact,
    moved: Exact,
    people_moved: Option<Exact>,
    staff: Exact,
    settings: Vec<SettingWork>,
    planned: Vec<Exact>,
}

impl ServiceWork {
    /// The year's figures handed on as decimals.
    fn finish(&self, loc: Loc, ctx: &dyn Fn() -> String) -> Result<ServiceYear, EngineError> {
        let d = |x: &Exact| dec(x, loc, ctx);
        let opt = |x: &Option<Exact>| x.as_ref().map(|v| dec(v, loc, ctx)).transpose();
        let mut settings = Vec::with_capacity(self.settings.len());
        for k in &self.settings {
            settings.push(SettingYear {
                counterfactual: d(&k.counterfactual)?,
                spend: d(&k.spend)?,
                share: d(&k.share)?,
                people: opt(&k.people)?,
            });
        }
        Ok(ServiceYear {
            counterfactual: d(&self.counterfactual)?,
            post_shift: d(&self.post_shift)?,
            spend: d(&self.spend)?,
            shift_savings: d(&self.shift_savings)?,
            efficiency_savings: d(&self.efficiency_savings)?,
            workforce_savings: d(&self.workforce_savings)?,
            gross_savings: d(&self.gross_savings)?,
            costs: d(&self.costs)?,
            net_savings: d(&self.net_savings)?,
            variances: d(&self.variances)?,
            unallocated: d(&self.unallocated)?,
            moved: d(&self.moved)?,
            people_moved: opt(&self.people_moved)?,
            staff: d(&self.staff)?,
            settings,
            budget: if self.planned.is_empty() {
                Decimal::ZERO
            } else {
                d(&Exact::sum(&self.planned))?
            },
            planned: self.planned.iter().map(d).collect::<Result<_, _>>()?,
        })
    }
}

/// SPEC 3.1 and 3.3 for one service in year `t`: the counterfactual, the
/// shift and the settings after it.
fn shift_year(
    service: &Service,
    run: &ServiceRun,
    t: u32,
    ctx: &dyn Fn() -> String,
) -> Result<ServiceWork, EngineError> {
    let cf = growth::counterfactual(&run.baseline, &run.volume);
    let mut spend: Vec<Exact> = service
        .settings
        .iter()
        .map(|k| shift::setting_spend(&cf, &Exact::new(k.share)))
        .collect();
    let counterfactual_settings = spend.clone();
    let mut year = ServiceWork {
        counterfactual: cf.clone(),
        ..ServiceWork::default()
    };
    if let (Some(sh), Some(shift)) = (&run.shift, &service.shift) {
        let loc = shift.loc;
        let phi = at(shift::phi(&shift.profile, t, shift.by).value(), loc, ctx)?;
        let m = at(
            shift::spend_moved(&cf, &sh.sigma0, &sh.gap, &phi, &sh.one_minus_rbar),
            loc,
            ctx,
        )?;
        if let Some(slot) = spend.get_mut(sh.from) {
            *slot = &*slot - &m;
        }
        for (j, w, r_j) in &sh.targets {
            if let Some(slot) = spend.get_mut(*j) {
                *slot = &*slot + shift::added_to_target(&m, w, r_j);
            }
        }
        year.people_moved = match &sh.unit_cost_from {
            Some(u) => Some(at(shift::people(&m, u, &run.prices), loc, ctx)?),
            None => None,
        };
        year.shift_savings = shift::shift_saving(&m, &sh.one_minus_rbar);
        year.moved = m;
    }
    year.post_shift = shift::post_shift(&cf, &year.shift_savings);
    for (k, (post, cf_k)) in spend.into_iter().zip(counterfactual_settings).enumerate() {
        // A zero post-shift total is refused by validation; a share of
        // nothing is zero.
        let share = at(
            shift::setting_share(&post, &year.post_shift),
            service.loc,
            ctx,
        )?;
        let people = match run.unit_costs.get(k).cloned().flatten() {
            Some(u) => Some(at(shift::people(&post, &u, &run.prices), service.loc, ctx)?),
            None => None,
        };
        year.settings.push(SettingWork {
            counterfactual: cf_k,
            spend: post,
            share,
            people,
        });
    }
    Ok(year)
}

/// Splits `amount` over the services in `scope` pro rata to `base`,
/// adding each part to `into`.
fn add_pro_rata(
    services: &mut [ServiceWork],
    scope: &[usize],
    amount: &Exact,
    base: fn(&ServiceWork) -> &Exact,
    into: fn(&mut ServiceWork) -> &mut Exact,
) -> Result<(), Overflow> {
    let total = scope
        .iter()
        .filter_map(|&i| services.get(i))
        .fold(Exact::zero(), |acc, y| acc + base(y));
    let equal = savings::equal_part(scope.len())?;
    for &i in scope {
        if let Some(y) = services.get_mut(i) {
            let part = savings::pro_rata_part(amount, base(y), &total, &equal)?;
            let slot = into(y);
            *slot = &*slot + part;
        }
    }
    Ok(())
}

/// Computes year `t` of every service, line and partner, appending to `out`;
/// returns the pool's summary (its cumulative figure still to fill) and its
/// exact net savings.
fn project_year(
    s: &Scenario,
    values: &Values,
    runs: &[ServiceRun],
    (t, budgets): (u32, bool),
    out: &mut Projection,
) -> Result<(YearSummary, Exact, Lines), EngineError> {
    let label = s.year(t);
    let mut services: Vec<ServiceWork> = Vec::with_capacity(s.services.len());
    let mut lines = Lines::default();

    // 3.1 and 3.3: counterfactual and the shift, service by service.
    for (service, run) in s.services.iter().zip(runs) {
        let ctx = || format!("service `{}` in {label}", service.id);
        let year = shift_year(service, run, t, &ctx)?;
        if let Some(shift) = &service.shift {
            lines
                .savings
                .push((year.shift_savings.clone(), shift.optimism_bias));
        }
        services.push(year);
    }

    // 3.4: efficiency savings on the post-shift base, and costs.
    if t > 0 {
        for saving in &s.savings {
            let ctx = || format!("saving \"{}\" in {label}", saving.name);
            let phase = Exact::new(savings::phase(&saving.phase_in, t));
            let line = match saving.size {
                SavingSize::Rate(p) => {
                    let rate = Exact::new(values.get(p));
                    let mut line = Exact::zero();
                    for &i in &saving.services {
                        if let Some(y) = services.get_mut(i) {
                            let amount = savings::rate_saving(&rate, &phase, &y.post_shift);
                            line = line + &amount;
                            y.efficiency_savings = &y.efficiency_savings + amount;
                        }
                    }
                    line
                }
                SavingSize::Amount(p) => {
                    let total = savings::phased(&Exact::new(values.get(p)), &phase);
                    let added = add_pro_rata(
                        &mut services,
                        &saving.services,
                        &total,
                        |y| &y.post_shift,
                        |y| &mut y.efficiency_savings,
                    );
                    at(added, saving.loc, ctx)?;
                    total
                }
            };
            lines.savings.push((line, saving.optimism_bias));
        }
        for cost in &s.costs {
            let ctx = || format!("cost \"{}\" in {label}", cost.name);
            if let Some(p) = savings::in_year(&cost.amounts, t) {
                let amount = Exact::new(values.get(p));
                let added = add_pro_rata(
                    &mut services,
                    &cost.services,
                    &amount,
                    |y| &y.counterfactual,
                    |y| &mut y.costs,
                );
                at(added, cost.loc, ctx)?;
                lines.costs.push((amount, cost.optimism_bias));
            }
        }
    }

    // 3.4: workforce lines.
    let mut partner_staff = vec![Exact::zero(); s.partners.len()];
    let mut partner_pay = vec![Exact::zero(); s.partners.len()];
    let mut redundancy_total = Exact::zero();
    for (line, projection) in s.workforce.iter().zip(out.workforce.iter_mut()) {
        let ctx = || format!("workforce \"{}\" in {label}", line.name);
        let one = Exact::one();
        let prices = runs.get(line.service).map_or(&one, |r| &r.prices);
        let staff = Exact::new(line.staff);
        let cost_per_head = Exact::new(values.get(line.cost_per_head));
        let (fewer, now, before) = match &line.reduction {
            Some(r) => {
                let phi = |t: u32| at(shift::phi(&r.profile, t, r.by).value(), line.loc, ctx);
                let before = if t > 0 { phi(t - 1)? } else { Exact::zero() };
                (Exact::new(values.get(r.heads)), phi(t)?, before)
            }
            None => (Exact::zero(), Exact::zero(), Exact::zero()),
        };
        let heads = savings::heads(&staff, &fewer, &now);
        let pay = savings::pay(&heads, &cost_per_head, prices);
        let (saving, redundancy) = if t > 0 {
            let per_head = line
                .redundancy_cost
                .map_or_else(Exact::zero, |p| Exact::new(values.get(p)));
            (
                savings::staff_cost(&fewer, &now, &cost_per_head, prices),
                savings::staff_cost(&fewer, &(&now - &before), &per_head, prices),
            )
        } else {
            (Exact::zero(), Exact::zero())
        };
        if t > 0 {
            lines
                .savings
                .push((saving.clone(), s.optimism_bias.savings));
            lines
                .costs
                .push((redundancy.clone(), s.optimism_bias.costs));
        }
        let employer = line.employer_in(t);
        if let Some(y) = services.get_mut(line.service) {
            y.workforce_savings = &y.workforce_savings + &saving;
            y.costs = &y.costs + &redundancy;
            y.staff = &y.staff + &heads;
        }
        if let (Some(st), Some(pp)) = (
            partner_staff.get_mut(employer),
            partner_pay.get_mut(employer),
        ) {
            *st = &*st + &heads;
            *pp = &*pp + &pay;
        }
        redundancy_total = redundancy_total + &redundancy;
        projection.years.push(WorkforceYear {
            employer,
            heads: dec(&heads, line.loc, ctx)?,
            pay: dec(&pay, line.loc, ctx)?,
            savings: dec(&saving, line.loc, ctx)?,
            redundancy_costs: dec(&redundancy, line.loc, ctx)?,
        });
    }

    // Variances: each service's lines summed for the year.
    for variance in &s.variances {
        if let (Some(p), Some(y)) = (
            savings::in_year(&variance.amounts, t),
            services.get_mut(variance.service),
        ) {
            y.variances = &y.variances + values.get(p);
        }
    }

    // 3.4 totals per service, then 3.5: partners and risk share.
    let n = s.partners.len();
    let mut savings_share = vec![Exact::zero(); n];
    let mut variance_share = vec![Exact::zero(); n];
    let mut contribution = vec![Exact::zero(); n];
    let mut portions = vec![Exact::zero(); n];
    for ((service, run), y) in s.services.iter().zip(runs).zip(services.iter_mut()) {
        let ctx = || format!("service `{}` in {label}", service.id);
        y.gross_savings = savings::gross_savings(
            &y.shift_savings,
            &y.efficiency_savings,
            &y.workforce_savings,
        );
        y.net_savings = savings::net_savings(&y.gross_savings, &y.costs);
        y.spend = savings::scenario_spend(&y.counterfactual, &y.gross_savings);
        let shared =
            risk_share::share_variance(&y.variances, &run.shares, &run.caps, &mut portions);
        y.unallocated = at(shared, service.loc, ctx)?;
        for i in 0..n {
            let c = run
                .contributions
                .get(i)
                .map_or_else(Exact::zero, |c0| growth::contribution(c0, &run.volume));
            let part = run.shares.get(i).map_or_else(Exact::zero, |share| {
                risk_share::rule_part(share, &y.net_savings)
            });
            if budgets {
                y.planned.push(&c - &part);
            }
            if let Some(slot) = contribution.get_mut(i) {
                *slot = &*slot + c;
            }
            if let Some(slot) = savings_share.get_mut(i) {
                *slot = &*slot + part;
            }
            if let (Some(slot), Some(v)) = (variance_share.get_mut(i), portions.get(i)) {
                *slot = &*slot + v;
            }
        }
    }
    for (i, partner) in s.partners.iter().enumerate() {
        let ctx = || format!("partner `{}` in {label}", partner.id);
        let get = |v: &[Exact]| v.get(i).cloned().unwrap_or_default();
        let (c, sv, vr) = (
            get(&contribution),
            get(&savings_share),
            get(&variance_share),
        );
        let net = risk_share::net_contribution(&c, &sv, &vr);
        let d = |x: &Exact| dec(x, partner.loc, ctx);
        let year = PartnerYear {
            contribution: d(&c)?,
            savings_share: d(&sv)?,
            variance_share: d(&vr)?,
            net_contribution: d(&net)?,
            staff: d(&get(&partner_staff))?,
            pay: d(&get(&partner_pay))?,
        };
        if let Some(p) = out.partners.get_mut(i) {
            p.years.push(year);
        }
    }

    // Pool totals, from the exact service figures.
    let total = |f: fn(&ServiceWork) -> &Exact| {
        let sum = services.iter().fold(Exact::zero(), |acc, y| acc + f(y));
        dec(&sum, s.loc, || format!("the pool total in {label}"))
    };
    let net = services
        .iter()
        .fold(Exact::zero(), |acc, y| acc + &y.net_savings);
    let summary = YearSummary {
        counterfactual: total(|y| &y.counterfactual)?,
        scenario: total(|y| &y.spend)?,
        shift_savings: total(|y| &y.shift_savings)?,
        efficiency_savings: total(|y| &y.efficiency_savings)?,
        workforce_savings: total(|y| &y.workforce_savings)?,
        gross_savings: total(|y| &y.gross_savings)?,
        costs: total(|y| &y.costs)?,
        redundancy_costs: dec(&redundancy_total, s.loc, || {
            format!("redundancy costs in {label}")
        })?,
        net_savings: total(|y| &y.net_savings)?,
        cumulative_net_savings: Decimal::ZERO,
        variances: total(|y| &y.variances)?,
        unallocated: total(|y| &y.unallocated)?,
    };
    for ((projection, y), service) in out.services.iter_mut().zip(&services).zip(&s.services) {
        let ctx = || format!("service `{}` in {label}", service.id);
        projection.years.push(y.finish(service.loc, &ctx)?);
    }
    Ok((summary, net, lines))
}
