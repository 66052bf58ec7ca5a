//! The exact model of SPEC 3.1-3.5.
//!
//! [`project`] runs a validated [`Scenario`] for one set of [`Values`] (the
//! central case, a sensitivity end, a draw) and returns a [`Projection`]:
//! every figure for every year 0..=H, by service, setting, partner and
//! workforce line. Every figure is computed as an exact rational
//! ([`exact::Exact`]) and handed on as a decimal whose rounding to pence or
//! to 6 places is the exact value's rounding; nothing here formats or
//! rounds, reports round when they print. A figure too large to hand on
//! becomes an [`EngineError`] located at the scenario value behind it.

pub mod exact;
pub mod risk_share;
pub mod savings;
pub mod shift;
pub mod workforce;

use rust_decimal::Decimal;

use crate::error::Diagnostic;
use crate::scenario::metric::Metric;
use crate::scenario::{CostRatio, SavingSize, Scenario, Service, Values};
use crate::source::Loc;
use exact::{Exact, Overflow};

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

/// Every figure of one run, for years 0..=H.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Projection {
    pub years: Vec<YearSummary>,
    pub services: Vec<ServiceProjection>,
    pub partners: Vec<PartnerProjection>,
    pub workforce: Vec<WorkforceProjection>,
    /// sum over t = 1..H of net(t) / (1 + d)^t.
    pub npv: Decimal,
}

impl Projection {
    /// The exact value of the metric in year `t` (ignored for NPV).
    pub fn metric(&self, m: Metric, t: usize) -> Option<Decimal> {
        let p = self;
        if m == Metric::Npv {
            return Some(p.npv);
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
            Metric::Npv => p.npv,
            Metric::Variances => y.variances,
            Metric::Unallocated => y.unallocated,
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
    sigma_target: Exact,
    /// (setting index, w_j, r_j).
    targets: Vec<(usize, Exact, Exact)>,
    rbar: Exact,
    unit_cost_from: Option<Exact>,
}

/// A service's state carried from year to year.
struct ServiceRun {
    growth_factor: Exact,
    price_factor: Exact,
    /// ((1 + g)(1 + p))^t.
    volume: Exact,
    /// (1 + p)^t.
    prices: Exact,
    unit_costs: Vec<Option<Exact>>,
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
    for &(j, w) in &shift.to {
        // r_j: a given cost ratio, or the unit costs' ratio (validation
        // makes sure one of them exists, and unit costs are positive).
        let r = match (&shift.cost_ratio, unit_cost(j), &unit_cost_from) {
            (CostRatio::Given(p), _, _) => Exact::new(values.get(*p)),
            (CostRatio::UnitCosts, Some(uj), Some(uf)) => uj.div(uf)?,
            (CostRatio::UnitCosts, _, _) => Exact::one(),
        };
        targets.push((j, Exact::new(w), r));
    }
    let pairs: Vec<(Exact, Exact)> = targets
        .iter()
        .map(|(_, w, r)| (w.clone(), r.clone()))
        .collect();
    Ok(Some(ShiftRun {
        from: shift.from,
        sigma0: Exact::new(
            service
                .settings
                .get(shift.from)
                .map_or(Decimal::ZERO, |s| s.share),
        ),
        sigma_target: Exact::new(values.get(shift.target_share)),
        rbar: shift::rbar(&pairs),
        targets,
        unit_cost_from,
    }))
}

/// Runs the model for every year 0..=H.
pub fn project(s: &Scenario, values: &Values) -> Result<Projection, EngineError> {
    let years = s.horizon as usize + 1;
    let mut out = Projection {
        years: Vec::with_capacity(years),
        services: vec![ServiceProjection::default(); s.services.len()],
        partners: vec![PartnerProjection::default(); s.partners.len()],
        workforce: vec![WorkforceProjection::default(); s.workforce.len()],
        npv: Decimal::ZERO,
    };
    let mut runs = Vec::with_capacity(s.services.len());
    for service in &s.services {
        let g = values.get(service.growth);
        let p = values.get(service.inflation);
        runs.push(ServiceRun {
            growth_factor: (Exact::one() + g) * (Exact::one() + p),
            price_factor: Exact::one() + p,
            volume: Exact::one(),
            prices: Exact::one(),
            unit_costs: service
                .settings
                .iter()
                .map(|k| k.unit_cost.map(|u| Exact::new(values.get(u))))
                .collect(),
            shift: at(shift_run(service, values), service.loc, || {
                format!("the cost ratio of the shift on `{}`", service.id)
            })?,
        });
    }
    let mut cumulative = Exact::zero();
    let mut npv = Exact::zero();
    let mut discount = Exact::one();
    let discount_factor = Exact::one() + s.discount_rate;
    for t in 0..=s.horizon {
        let label = s.year(t);
        if t > 0 {
            for run in runs.iter_mut() {
                run.volume = &run.volume * &run.growth_factor;
                run.prices = &run.prices * &run.price_factor;
            }
            discount = discount * &discount_factor;
        }
        let (mut year, net) = project_year(s, values, &runs, t, &mut out)?;
        if t > 0 {
            cumulative = cumulative + &net;
            npv = npv
                + at(net.div(&discount), s.loc, || {
                    format!("the discount factor in {label}")
                })?;
        }
        year.cumulative_net_savings = dec(&cumulative, s.loc, || {
            format!("cumulative net savings in {label}")
        })?;
        out.years.push(year);
    }
    out.npv = dec(&npv, s.loc, || "the NPV".into())?;
    Ok(out)
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
        })
    }
}

/// Computes year `t` of every service, line and partner, appending to `out`;
/// returns the pool's summary (its cumulative figure still to fill) and its
/// exact net savings.
fn project_year(
    s: &Scenario,
    values: &Values,
    runs: &[ServiceRun],
    t: u32,
    out: &mut Projection,
) -> Result<(YearSummary, Exact), EngineError> {
    let label = s.year(t);
    let mut services: Vec<ServiceWork> = Vec::with_capacity(s.services.len());

    // 3.1 and 3.3: counterfactual and the shift, service by service.
    for (service, run) in s.services.iter().zip(runs) {
        let ctx = || format!("service `{}` in {label}", service.id);
        let cf = &run.volume * service.baseline;
        let mut spend: Vec<Exact> = service.settings.iter().map(|k| &cf * k.share).collect();
        let counterfactual_settings = spend.clone();
        let mut year = ServiceWork {
            counterfactual: cf.clone(),
            ..ServiceWork::default()
        };
        if let (Some(sh), Some(shift)) = (&run.shift, &service.shift) {
            let loc = shift.loc;
            let r = spend.get(sh.from).cloned().unwrap_or_default();
            let o = &cf - &r;
            let phi = at(shift::phi_exact(&shift.profile, t, shift.by), loc, ctx)?;
            let sigma = shift::sigma(&sh.sigma0, &sh.sigma_target, &phi);
            let solved = at(shift::solve(&r, &o, &sigma, &sh.rbar), loc, ctx)?;
            if let Some(solve) = &solved {
                let m = solve.moved();
                if let Some(slot) = spend.get_mut(sh.from) {
                    *slot = &r - m;
                }
                for (j, w, r_j) in &sh.targets {
                    if let Some(slot) = spend.get_mut(*j) {
                        *slot = &*slot + solve.to_target(w, r_j);
                    }
                }
                year.moved = m.clone();
                year.shift_savings = solve.saving();
            }
            year.people_moved = match (&sh.unit_cost_from, &solved) {
                (Some(u), Some(solve)) => Some(at(solve.people(u, &run.prices), loc, ctx)?),
                (Some(_), None) => Some(Exact::zero()),
                (None, _) => None,
            };
        }
        year.post_shift = &cf - &year.shift_savings;
        for (k, (post, cf_k)) in spend.into_iter().zip(counterfactual_settings).enumerate() {
            // A zero post-shift total is refused by validation; a share of
            // nothing would be 0/0.
            let share = if year.post_shift.is_positive() {
                at(post.div(&year.post_shift), service.loc, ctx)?
            } else {
                Exact::zero()
            };
            let people = match run.unit_costs.get(k).cloned().flatten() {
                Some(u) => Some(at(post.div(&(u * &run.prices)), service.loc, ctx)?),
                None => None,
            };
            year.settings.push(SettingWork {
                counterfactual: cf_k,
                spend: post,
                share,
                people,
            });
        }
        services.push(year);
    }

    // 3.4: efficiency savings on the post-shift base, and costs.
    if t > 0 {
        for saving in &s.savings {
            let ctx = || format!("saving \"{}\" in {label}", saving.name);
            let phase = savings::phase(&saving.phase_in, t);
            let bases: Vec<Exact> = saving
                .services
                .iter()
                .map(|&i| {
                    services
                        .get(i)
                        .map_or_else(Exact::zero, |y| y.post_shift.clone())
                })
                .collect();
            let amounts = match saving.size {
                SavingSize::Rate(p) => {
                    let rate = Exact::new(values.get(p)) * phase;
                    bases.iter().map(|b| &rate * b).collect()
                }
                SavingSize::Amount(p) => {
                    let total = Exact::new(values.get(p)) * phase;
                    at(savings::pro_rata(&total, &bases), saving.loc, ctx)?
                }
            };
            for (&i, amount) in saving.services.iter().zip(amounts) {
                if let Some(y) = services.get_mut(i) {
                    y.efficiency_savings = &y.efficiency_savings + amount;
                }
            }
        }
        for cost in &s.costs {
            let ctx = || format!("cost \"{}\" in {label}", cost.name);
            let amounts: Vec<Decimal> = cost.amounts.iter().map(|&p| values.get(p)).collect();
            let amount = Exact::new(savings::amount_in_year(&amounts, t));
            let bases: Vec<Exact> = cost
                .services
                .iter()
                .map(|&i| {
                    services
                        .get(i)
                        .map_or_else(Exact::zero, |y| y.counterfactual.clone())
                })
                .collect();
            let parts = at(savings::pro_rata(&amount, &bases), cost.loc, ctx)?;
            for (&i, part) in cost.services.iter().zip(parts) {
                if let Some(y) = services.get_mut(i) {
                    y.costs = &y.costs + part;
                }
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
        let reduction = line
            .reduction
            .as_ref()
            .map(|r| (values.get(r.heads), r.by, &r.profile));
        let cost_per_head = values.get(line.cost_per_head);
        let per_head = line
            .redundancy_cost
            .map_or(Decimal::ZERO, |p| values.get(p));
        let heads = at(workforce::heads(line.staff, reduction, t), line.loc, ctx)?;
        let pay_per_head = prices * cost_per_head;
        let pay = &heads * &pay_per_head;
        let (saving, redundancy) = if t > 0 {
            let before = at(
                workforce::heads(line.staff, reduction, t - 1),
                line.loc,
                ctx,
            )?;
            let gone = Exact::new(line.staff) - &heads;
            let left = before - &heads;
            (gone * &pay_per_head, left * (prices * per_head))
        } else {
            (Exact::zero(), Exact::zero())
        };
        let employer = workforce::employer_in(line, t);
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
    if t > 0 {
        for variance in &s.variances {
            let amounts: Vec<Decimal> = variance.amounts.iter().map(|&p| values.get(p)).collect();
            let amount = savings::amount_in_year(&amounts, t);
            if let Some(y) = services.get_mut(variance.service) {
                y.variances = &y.variances + amount;
            }
        }
    }

    // 3.4 totals per service, then 3.5: partners and risk share.
    let n = s.partners.len();
    let mut savings_share = vec![Exact::zero(); n];
    let mut variance_share = vec![Exact::zero(); n];
    let mut contribution = vec![Exact::zero(); n];
    for ((service, run), y) in s.services.iter().zip(runs).zip(services.iter_mut()) {
        let loc = service.loc;
        let ctx = || format!("service `{}` in {label}", service.id);
        y.gross_savings = &y.shift_savings + &y.efficiency_savings + &y.workforce_savings;
        y.net_savings = &y.gross_savings - &y.costs;
        y.spend = &y.counterfactual - &y.gross_savings;
        let rule = &service.risk_share;
        let shares = at(
            risk_share::share_out(&y.net_savings, &rule.weights, rule.total),
            loc,
            ctx,
        )?;
        let (portions, unallocated) = at(
            risk_share::share_variance(&y.variances, &rule.weights, rule.total, &rule.caps),
            loc,
            ctx,
        )?;
        y.unallocated = unallocated;
        for i in 0..n {
            let c0 = service.contributions.get(i).copied().unwrap_or_default();
            if let Some(slot) = contribution.get_mut(i) {
                *slot = &*slot + &run.volume * c0;
            }
            if let (Some(slot), Some(v)) = (savings_share.get_mut(i), shares.get(i)) {
                *slot = &*slot + v;
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
        let net = &c - &sv + &vr;
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
    Ok((summary, net))
}
