//! The exact model of SPEC 3.1-3.5.
//!
//! [`project`] runs a validated [`Scenario`] for one set of [`Values`] (the
//! central case, a sensitivity end, a draw) and returns a [`Projection`]:
//! every figure for every year 0..=H, by service, setting, partner and
//! workforce line, in exact decimals. Nothing here formats or rounds; reports
//! round when they print. Arithmetic is checked: an overflow becomes an
//! [`EngineError`] located at the scenario value behind it.

pub mod exact;
pub mod risk_share;
pub mod savings;
pub mod shift;
pub mod workforce;

use rust_decimal::Decimal;

use crate::error::Diagnostic;
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

/// The model could not be computed exactly: the numbers grew beyond the
/// range of exact decimals.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct EngineError {
    pub loc: Loc,
    pub message: String,
}

impl From<EngineError> for Diagnostic {
    fn from(e: EngineError) -> Self {
        Diagnostic::at(e.loc, e.message)
            .help("exact decimals hold about 28 digits; check for a growth, inflation or amount far too large")
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

/// Per-run constants of a service's shift.
struct ShiftRun {
    from: usize,
    sigma0: Decimal,
    sigma_target: Decimal,
    /// (setting index, w_j, numerator of r_j over `rbar.den`).
    targets: Vec<(usize, Decimal, Decimal)>,
    rbar: shift::Ratio,
    unit_cost_from: Option<Decimal>,
}

/// A service's state carried from year to year.
struct ServiceRun {
    growth_factor: Decimal,
    price_factor: Decimal,
    /// ((1 + g)(1 + p))^t.
    volume: Decimal,
    /// (1 + p)^t.
    prices: Decimal,
    unit_costs: Vec<Option<Decimal>>,
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
            .map(|p| values.get(p))
    };
    let unit_cost_from = unit_cost(shift.from);
    // Every r_j shares one denominator: the `from` unit cost, or 1 for a
    // given cost ratio.
    let den = match (&shift.cost_ratio, unit_cost_from) {
        (CostRatio::UnitCosts, Some(uf)) => uf,
        _ => Decimal::ONE,
    };
    let targets: Vec<(usize, Decimal, Decimal)> = shift
        .to
        .iter()
        .map(|&(j, w)| {
            let r_num = match &shift.cost_ratio {
                CostRatio::Given(p) => values.get(*p),
                CostRatio::UnitCosts => unit_cost(j).unwrap_or(den),
            };
            (j, w, r_num)
        })
        .collect();
    let pairs: Vec<(Decimal, Decimal)> = targets.iter().map(|&(_, w, r)| (w, r)).collect();
    Ok(Some(ShiftRun {
        from: shift.from,
        sigma0: service
            .settings
            .get(shift.from)
            .map_or(Decimal::ZERO, |s| s.share),
        sigma_target: values.get(shift.target_share),
        targets,
        rbar: shift::rbar(&pairs, den)?,
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
            growth_factor: at(
                ((Exact::ONE + g) * (Exact::ONE + p)).get(),
                service.loc,
                || format!("the growth factor of service `{}`", service.id),
            )?,
            price_factor: at((Exact::ONE + p).get(), service.loc, || "inflation".into())?,
            volume: Decimal::ONE,
            prices: Decimal::ONE,
            unit_costs: service
                .settings
                .iter()
                .map(|k| k.unit_cost.map(|u| values.get(u)))
                .collect(),
            shift: at(shift_run(service, values), service.loc, || {
                format!("the cost ratio of the shift on `{}`", service.id)
            })?,
        });
    }
    let mut cumulative = Decimal::ZERO;
    let mut discount = Decimal::ONE;
    let discount_factor = at((Exact::ONE + s.discount_rate).get(), s.loc, || {
        "the discount rate".into()
    })?;
    for t in 0..=s.horizon {
        let label = s.year(t);
        if t > 0 {
            for (service, run) in s.services.iter().zip(runs.iter_mut()) {
                run.volume = at(
                    (Exact::new(run.volume) * run.growth_factor).get(),
                    service.loc,
                    || {
                        format!(
                            "the counterfactual spend of service `{}` in {label}",
                            service.id
                        )
                    },
                )?;
                run.prices = at(
                    (Exact::new(run.prices) * run.price_factor).get(),
                    service.loc,
                    || format!("the price index of service `{}` in {label}", service.id),
                )?;
            }
            discount = at(
                (Exact::new(discount) * discount_factor).get(),
                s.loc,
                || format!("the discount factor in {label}"),
            )?;
        }
        let mut year = project_year(s, values, &runs, t, &mut out)?;
        if t > 0 {
            cumulative = at(
                (Exact::new(cumulative) + year.net_savings).get(),
                s.loc,
                || format!("cumulative net savings in {label}"),
            )?;
            out.npv = at(
                (Exact::new(out.npv) + Exact::new(year.net_savings) / discount).get(),
                s.loc,
                || format!("the NPV in {label}"),
            )?;
        }
        year.cumulative_net_savings = cumulative;
        out.years.push(year);
    }
    Ok(out)
}

/// Computes year `t` of every service, line and partner, appending to `out`.
fn project_year(
    s: &Scenario,
    values: &Values,
    runs: &[ServiceRun],
    t: u32,
    out: &mut Projection,
) -> Result<YearSummary, EngineError> {
    let label = s.year(t);
    let mut services: Vec<ServiceYear> = Vec::with_capacity(s.services.len());

    // 3.1 and 3.3: counterfactual and the shift, service by service.
    for (service, run) in s.services.iter().zip(runs) {
        let loc = service.loc;
        let ctx = || format!("service `{}` in {label}", service.id);
        let cf = at((Exact::new(service.baseline) * run.volume).get(), loc, ctx)?;
        let mut spend: Vec<Decimal> = Vec::with_capacity(service.settings.len());
        for k in &service.settings {
            spend.push(at((Exact::new(k.share) * cf).get(), loc, ctx)?);
        }
        let counterfactual_settings = spend.clone();
        let mut year = ServiceYear {
            counterfactual: cf,
            ..ServiceYear::default()
        };
        if let (Some(sh), Some(shift)) = (&run.shift, &service.shift) {
            let loc = shift.loc;
            let r = spend.get(sh.from).copied().unwrap_or_default();
            let o = at((Exact::new(cf) - r).get(), loc, ctx)?;
            let phi = at(shift::phi(&shift.profile, t, shift.by), loc, ctx)?;
            let sigma = at(shift::sigma(sh.sigma0, sh.sigma_target, phi), loc, ctx)?;
            let solved = at(shift::solve(r, o, sigma, sh.rbar), loc, ctx)?;
            if let Some(solve) = &solved {
                let m = at(solve.moved(), loc, ctx)?;
                if let Some(slot) = spend.get_mut(sh.from) {
                    *slot = at((Exact::new(r) - m).get(), loc, ctx)?;
                }
                for &(j, w, r_num) in &sh.targets {
                    let added = at(solve.to_target(w, r_num), loc, ctx)?;
                    if let Some(slot) = spend.get_mut(j) {
                        *slot = at((Exact::new(*slot) + added).get(), loc, ctx)?;
                    }
                }
                year.moved = m;
                year.shift_savings = at(solve.saving(), loc, ctx)?;
            }
            year.people_moved = match (sh.unit_cost_from, &solved) {
                (Some(u), Some(solve)) => Some(at(solve.people(u, run.prices), loc, ctx)?),
                (Some(_), None) => Some(Decimal::ZERO),
                (None, _) => None,
            };
        }
        year.post_shift = at((Exact::new(cf) - year.shift_savings).get(), loc, ctx)?;
        for (k, (&post, &cf_k)) in spend.iter().zip(&counterfactual_settings).enumerate() {
            let share = if year.post_shift > Decimal::ZERO {
                at((Exact::new(post) / year.post_shift).get(), loc, ctx)?
            } else {
                Decimal::ZERO
            };
            let people = match run.unit_costs.get(k).copied().flatten() {
                Some(u) => Some(at(
                    (Exact::new(post) / (Exact::new(u) * run.prices)).get(),
                    loc,
                    ctx,
                )?),
                None => None,
            };
            year.settings.push(SettingYear {
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
            let bases: Vec<Decimal> = saving
                .services
                .iter()
                .map(|&i| services.get(i).map_or(Decimal::ZERO, |y| y.post_shift))
                .collect();
            let amounts = match saving.size {
                SavingSize::Rate(p) => {
                    let rate = at((Exact::new(values.get(p)) * phase).get(), saving.loc, ctx)?;
                    bases
                        .iter()
                        .map(|&b| at((Exact::new(rate) * b).get(), saving.loc, ctx))
                        .collect::<Result<Vec<_>, _>>()?
                }
                SavingSize::Amount(p) => {
                    let total = at((Exact::new(values.get(p)) * phase).get(), saving.loc, ctx)?;
                    at(savings::pro_rata(total, &bases), saving.loc, ctx)?
                }
            };
            for (&i, amount) in saving.services.iter().zip(amounts) {
                if let Some(y) = services.get_mut(i) {
                    y.efficiency_savings = at(
                        (Exact::new(y.efficiency_savings) + amount).get(),
                        saving.loc,
                        ctx,
                    )?;
                }
            }
        }
        for cost in &s.costs {
            let ctx = || format!("cost \"{}\" in {label}", cost.name);
            let amounts: Vec<Decimal> = cost.amounts.iter().map(|&p| values.get(p)).collect();
            let amount = savings::amount_in_year(&amounts, t);
            let bases: Vec<Decimal> = cost
                .services
                .iter()
                .map(|&i| services.get(i).map_or(Decimal::ZERO, |y| y.counterfactual))
                .collect();
            for (&i, part) in
                cost.services
                    .iter()
                    .zip(at(savings::pro_rata(amount, &bases), cost.loc, ctx)?)
            {
                if let Some(y) = services.get_mut(i) {
                    y.costs = at((Exact::new(y.costs) + part).get(), cost.loc, ctx)?;
                }
            }
        }
    }

    // 3.4: workforce lines.
    let mut partner_staff = vec![Decimal::ZERO; s.partners.len()];
    let mut partner_pay = vec![Decimal::ZERO; s.partners.len()];
    let mut redundancy_total = Exact::ZERO;
    for (line, projection) in s.workforce.iter().zip(out.workforce.iter_mut()) {
        let ctx = || format!("workforce \"{}\" in {label}", line.name);
        let prices = runs.get(line.service).map_or(Decimal::ONE, |r| r.prices);
        let reduction = line
            .reduction
            .as_ref()
            .map(|r| (values.get(r.heads), r.by, &r.profile));
        let cost_per_head = values.get(line.cost_per_head);
        let per_head = line
            .redundancy_cost
            .map_or(Decimal::ZERO, |p| values.get(p));
        let heads_now = at(workforce::heads(line.staff, reduction, t), line.loc, ctx)?;
        let heads = at(heads_now.value(), line.loc, ctx)?;
        let pay_per_head = at((Exact::new(cost_per_head) * prices).get(), line.loc, ctx)?;
        let pay = at(heads_now.of(pay_per_head), line.loc, ctx)?;
        let (saving, redundancy) = if t > 0 {
            let before = at(
                workforce::heads(line.staff, reduction, t - 1),
                line.loc,
                ctx,
            )?;
            let gone = at(
                shift::Ratio::whole(line.staff).minus(heads_now),
                line.loc,
                ctx,
            )?;
            let left = at(before.minus(heads_now), line.loc, ctx)?;
            let redundancy_per_head = at((Exact::new(per_head) * prices).get(), line.loc, ctx)?;
            (
                at(gone.of(pay_per_head), line.loc, ctx)?,
                at(left.of(redundancy_per_head), line.loc, ctx)?,
            )
        } else {
            (Decimal::ZERO, Decimal::ZERO)
        };
        let employer = workforce::employer_in(line, t);
        if let Some(y) = services.get_mut(line.service) {
            y.workforce_savings = at(
                (Exact::new(y.workforce_savings) + saving).get(),
                line.loc,
                ctx,
            )?;
            y.costs = at((Exact::new(y.costs) + redundancy).get(), line.loc, ctx)?;
            y.staff = at((Exact::new(y.staff) + heads).get(), line.loc, ctx)?;
        }
        if let (Some(st), Some(pp)) = (
            partner_staff.get_mut(employer),
            partner_pay.get_mut(employer),
        ) {
            *st = at((Exact::new(*st) + heads).get(), line.loc, ctx)?;
            *pp = at((Exact::new(*pp) + pay).get(), line.loc, ctx)?;
        }
        redundancy_total = redundancy_total + redundancy;
        projection.years.push(WorkforceYear {
            employer,
            heads,
            pay,
            savings: saving,
            redundancy_costs: redundancy,
        });
    }

    // Variances: each service's lines summed for the year.
    if t > 0 {
        for variance in &s.variances {
            let ctx = || format!("variance \"{}\" in {label}", variance.name);
            let amounts: Vec<Decimal> = variance.amounts.iter().map(|&p| values.get(p)).collect();
            let amount = savings::amount_in_year(&amounts, t);
            if let Some(y) = services.get_mut(variance.service) {
                y.variances = at((Exact::new(y.variances) + amount).get(), variance.loc, ctx)?;
            }
        }
    }

    // 3.4 totals per service, then 3.5: partners and risk share.
    let n = s.partners.len();
    let mut savings_share = vec![Exact::ZERO; n];
    let mut variance_share = vec![Exact::ZERO; n];
    let mut contribution = vec![Exact::ZERO; n];
    for ((service, run), y) in s.services.iter().zip(runs).zip(services.iter_mut()) {
        let loc = service.loc;
        let ctx = || format!("service `{}` in {label}", service.id);
        y.gross_savings = at(
            (Exact::new(y.shift_savings) + y.efficiency_savings + y.workforce_savings).get(),
            loc,
            ctx,
        )?;
        y.net_savings = at((Exact::new(y.gross_savings) - y.costs).get(), loc, ctx)?;
        y.spend = at(
            (Exact::new(y.counterfactual) - y.gross_savings).get(),
            loc,
            ctx,
        )?;
        let rule = &service.risk_share;
        let shares = at(
            risk_share::share_out(y.net_savings, &rule.weights, rule.total),
            loc,
            ctx,
        )?;
        let (portions, unallocated) = at(
            risk_share::share_variance(y.variances, &rule.weights, rule.total, &rule.caps),
            loc,
            ctx,
        )?;
        y.unallocated = unallocated;
        for i in 0..n {
            let c0 = service.contributions.get(i).copied().unwrap_or_default();
            if let Some(slot) = contribution.get_mut(i) {
                *slot = *slot + Exact::new(c0) * run.volume;
            }
            if let (Some(slot), Some(v)) = (savings_share.get_mut(i), shares.get(i)) {
                *slot = *slot + *v;
            }
            if let (Some(slot), Some(v)) = (variance_share.get_mut(i), portions.get(i)) {
                *slot = *slot + *v;
            }
        }
    }
    for (i, partner) in s.partners.iter().enumerate() {
        let ctx = || format!("partner `{}` in {label}", partner.id);
        let get = |v: &[Exact]| v.get(i).copied().unwrap_or(Exact::ZERO);
        let c = at(get(&contribution).get(), partner.loc, ctx)?;
        let sv = at(get(&savings_share).get(), partner.loc, ctx)?;
        let vr = at(get(&variance_share).get(), partner.loc, ctx)?;
        let net = at((Exact::new(c) - sv + vr).get(), partner.loc, ctx)?;
        if let Some(p) = out.partners.get_mut(i) {
            p.years.push(PartnerYear {
                contribution: c,
                savings_share: sv,
                variance_share: vr,
                net_contribution: net,
                staff: partner_staff.get(i).copied().unwrap_or_default(),
                pay: partner_pay.get(i).copied().unwrap_or_default(),
            });
        }
    }

    // Pool totals.
    let total = |f: fn(&ServiceYear) -> Decimal| {
        at(
            Exact::sum(services.iter().map(|y| Exact::new(f(y)))).get(),
            s.loc,
            || format!("the pool total in {label}"),
        )
    };
    let summary = YearSummary {
        counterfactual: total(|y| y.counterfactual)?,
        scenario: total(|y| y.spend)?,
        shift_savings: total(|y| y.shift_savings)?,
        efficiency_savings: total(|y| y.efficiency_savings)?,
        workforce_savings: total(|y| y.workforce_savings)?,
        gross_savings: total(|y| y.gross_savings)?,
        costs: total(|y| y.costs)?,
        redundancy_costs: at(redundancy_total.get(), s.loc, || {
            format!("redundancy costs in {label}")
        })?,
        net_savings: total(|y| y.net_savings)?,
        cumulative_net_savings: Decimal::ZERO,
        variances: total(|y| y.variances)?,
        unallocated: total(|y| y.unallocated)?,
    };
    for (projection, y) in out.services.iter_mut().zip(services) {
        projection.years.push(y);
    }
    Ok(summary)
}
