//! Warnings for plans that are valid but cannot be right (docs/format.md,
//! "Warnings").
//!
//! A scenario can pass every rule of SPEC 2 and still describe a pool no
//! finance team would sign: a saving larger than the spend it comes from,
//! spend or a partner's contribution below zero, staff paid more than
//! their service spends, a Monte Carlo range that takes spend below zero,
//! or a few values ranged while the drivers that matter most are points.
//! These are warnings, not errors: the projection is still made. Each is
//! located at the value to look at, like an error, and goes to stderr as
//! `warning: FILE:LINE:COL: ...`; `check` lists them and
//! `--deny-warnings` makes them fail a CI run.
//!
//! Every check reads the central case (and the Monte Carlo ranges where
//! they were run); none changes a figure.

use rust_decimal::Decimal;

use crate::engine::Projection;
use crate::error::Diagnostic;
use crate::metric::Metric;
use crate::report::numbers::millions;
use crate::scenario::{CostRatio, ParamId, SavingSize, Scenario};
use crate::source::Loc;
use crate::uncertainty::Ranges;

/// The first year in which `bad` holds: one warning a line, at the year
/// to look at first.
fn first_year<T>(
    years: impl Iterator<Item = (u32, T)>,
    bad: impl Fn(&T) -> bool,
) -> Option<(u32, T)> {
    years.into_iter().find(|(_, v)| bad(v))
}

/// Every warning for a scenario's central case and, where they were run,
/// its Monte Carlo ranges: causes first (a line larger than the spend it
/// applies to), then what the risk share leaves unallocated, then their
/// consequences (spend or a contribution below zero), the ranges, and
/// drivers without a range; in file order within each.
pub fn warnings(s: &Scenario, p: &Projection, ranges: Option<&Ranges>) -> Vec<Diagnostic> {
    let mut ranked: Vec<(u8, Vec<Diagnostic>)> = Vec::new();
    let mut causes = Vec::new();
    savings_beyond_spend(s, p, &mut causes);
    costs_beyond_spend(s, p, &mut causes);
    pay_beyond_spend(s, p, &mut causes);
    shifts_beyond_their_setting(s, p, &mut causes);
    ranked.push((0, causes));
    let mut unallocated_out = Vec::new();
    unallocated(s, p, &mut unallocated_out);
    ranked.push((1, unallocated_out));
    let mut consequences = Vec::new();
    below_zero(s, p, &mut consequences);
    ranked.push((2, consequences));
    let mut sampled = Vec::new();
    if let Some(r) = ranges {
        ranges_below_zero(s, r, &mut sampled);
    }
    for c in &s.correlations {
        for (loc, note) in &c.notes {
            sampled.push(
                Diagnostic::at(*loc, note.clone())
                    .help("see docs/uncertainty.md, \"Correlated inputs\""),
            );
        }
    }
    ranked.push((3, sampled));
    // A value already warned of is not also asked for a range.
    let warned: Vec<Loc> = ranked
        .iter()
        .flat_map(|(_, d)| d.iter().filter_map(Diagnostic::loc))
        .collect();
    let mut points = Vec::new();
    point_drivers(s, &mut points);
    points.retain(|d| d.loc().is_none_or(|l| !warned.contains(&l)));
    ranked.push((4, points));
    ranked
        .into_iter()
        .flat_map(|(_, mut d)| {
            d.sort_by_key(|d| d.loc().map(|l| (l.file, l.start)));
            d
        })
        .collect()
}

/// Overspend above every partner's cap: the risk share leaves it with no
/// one, and the agreement must say who meets it.
fn unallocated(s: &Scenario, p: &Projection, out: &mut Vec<Diagnostic>) {
    for (service, projected) in s.services.iter().zip(&p.services) {
        let years = projected
            .years
            .iter()
            .zip(0u32..)
            .map(|(y, t)| (t, y.unallocated));
        if let Some((t, v)) = first_year(years, |v| *v > Decimal::ZERO) {
            out.push(
                Diagnostic::at(
                    service.loc,
                    format!(
                        "{}: {} of overspend in {} is above every partner's cap and left unallocated",
                        service.name,
                        millions(v),
                        s.year(t)
                    ),
                )
                .help("the agreement must say who meets it: raise a cap, or leave a partner uncapped"),
            );
        }
    }
}

/// The spend a line applies to in year `t`: the post-shift spend of its
/// services (what a saving is taken from).
fn post_shift_of(p: &Projection, services: &[usize], t: usize) -> Decimal {
    services
        .iter()
        .filter_map(|&i| p.services.get(i)?.years.get(t))
        .map(|y| y.post_shift)
        .sum()
}

/// The counterfactual spend of a line's services in year `t`.
fn counterfactual_of(p: &Projection, services: &[usize], t: usize) -> Decimal {
    services
        .iter()
        .filter_map(|&i| p.services.get(i)?.years.get(t))
        .map(|y| y.counterfactual)
        .sum()
}

fn central(s: &Scenario, id: ParamId) -> Decimal {
    s.param(id).map_or(Decimal::ZERO, |p| p.value.central())
}

fn loc_of(s: &Scenario, id: ParamId, otherwise: Loc) -> Loc {
    s.param(id).map_or(otherwise, |p| p.loc)
}

/// A saving larger than (or all of) the spend of the services it applies
/// to, in the first year it is.
fn savings_beyond_spend(s: &Scenario, p: &Projection, out: &mut Vec<Diagnostic>) {
    for saving in &s.savings {
        match saving.size {
            SavingSize::Rate(id) => {
                let rate = central(s, id);
                let full = (1..=s.horizon)
                    .map(|t| (t, rate * crate::model::savings::phase(&saving.phase_in, t)))
                    .find(|(_, r)| *r >= Decimal::ONE);
                if let Some((t, _)) = full {
                    out.push(
                        Diagnostic::at(
                            loc_of(s, id, saving.loc),
                            format!(
                                "the saving \"{}\" takes all of its services' spend in {}: nothing is left to provide care with",
                                saving.name,
                                s.year(t)
                            ),
                        )
                        .help("pooled budgets expect savings of a few percent (\"3% to 7%\"); check the rate and its phase_in"),
                    );
                }
            }
            SavingSize::Amount(id) => {
                let amount = central(s, id);
                let years = (1..=s.horizon).map(|t| {
                    let phased = amount * crate::model::savings::phase(&saving.phase_in, t);
                    (t, (phased, post_shift_of(p, &saving.services, t as usize)))
                });
                if let Some((t, (phased, spend))) = first_year(years, |(a, b)| a > b) {
                    out.push(
                        Diagnostic::at(
                            loc_of(s, id, saving.loc),
                            format!(
                                "the saving \"{}\" of {} in {} is more than the {} its services spend",
                                saving.name,
                                millions(phased),
                                s.year(t),
                                millions(spend)
                            ),
                        )
                        .help("check the amount's unit (\"£2m\", not \"£200m\") and the `services` it applies to"),
                    );
                }
            }
        }
    }
}

/// A cost line larger than the counterfactual spend of its services.
fn costs_beyond_spend(s: &Scenario, p: &Projection, out: &mut Vec<Diagnostic>) {
    for cost in &s.costs {
        let years = cost.amounts.iter().zip(1u32..).map(|(&id, t)| {
            (
                t,
                (
                    id,
                    central(s, id),
                    counterfactual_of(p, &cost.services, t as usize),
                ),
            )
        });
        if let Some((t, (id, amount, spend))) = first_year(years, |(_, a, b)| a > b) {
            out.push(
                Diagnostic::at(
                    loc_of(s, id, cost.loc),
                    format!(
                        "the cost \"{}\" of {} in {} is more than the {} its services would spend without the plan",
                        cost.name,
                        millions(amount),
                        s.year(t),
                        millions(spend)
                    ),
                )
                .help("check the amount's unit and the year it falls in (the first amount is year 1)"),
            );
        }
    }
}

/// Spend, a partner's net contribution or a setting's people below zero
/// in the central case.
fn below_zero(s: &Scenario, p: &Projection, out: &mut Vec<Diagnostic>) {
    for (service, projected) in s.services.iter().zip(&p.services) {
        let spend = projected
            .years
            .iter()
            .zip(0u32..)
            .map(|(y, t)| (t, y.spend));
        if let Some((t, spend)) = first_year(spend, |v| v.is_sign_negative() && !v.is_zero()) {
            out.push(
                Diagnostic::at(
                    service.loc,
                    format!(
                        "{}'s spend is {} in {}: savings are larger than what the service spends",
                        service.name,
                        millions(spend),
                        s.year(t)
                    ),
                )
                .help("look at the savings and shifts that apply to this service"),
            );
        }
        for (k, setting) in service.settings.iter().enumerate() {
            let people = projected
                .years
                .iter()
                .zip(0u32..)
                .filter_map(|(y, t)| Some((t, y.settings.get(k)?.people?)));
            if let Some((t, n)) = first_year(people, |v| v.is_sign_negative() && !v.is_zero()) {
                out.push(
                    Diagnostic::at(
                        service.loc,
                        format!(
                            "{}: {} would care for {} people in {}",
                            service.name,
                            setting.name,
                            n.round_dp(1),
                            s.year(t)
                        ),
                    )
                    .help("a shift or saving takes more from this setting than it spends"),
                );
            }
        }
    }
    for (partner, projected) in s.partners.iter().zip(&p.partners) {
        let net = projected
            .years
            .iter()
            .zip(0u32..)
            .map(|(y, t)| (t, y.net_contribution));
        if let Some((t, v)) = first_year(net, |v| v.is_sign_negative() && !v.is_zero()) {
            out.push(
                Diagnostic::at(
                    partner.loc,
                    format!(
                        "{}'s net contribution is {} in {}: the pool would pay the partner",
                        partner.name,
                        millions(v),
                        s.year(t)
                    ),
                )
                .help("its share of savings is larger than what it puts in: check the savings, and the risk share's `shares`"),
            );
        }
    }
}

/// Staff of a service paid more, in a year, than the service spends.
fn pay_beyond_spend(s: &Scenario, p: &Projection, out: &mut Vec<Diagnostic>) {
    for (i, service) in s.services.iter().enumerate() {
        let lines: Vec<usize> = (0..s.workforce.len())
            .filter(|&w| s.workforce.get(w).is_some_and(|l| l.service == i))
            .collect();
        let Some(first) = lines.first().and_then(|&w| s.workforce.get(w)) else {
            continue;
        };
        let Some(projected) = p.services.get(i) else {
            continue;
        };
        let years = projected.years.iter().zip(0u32..).map(|(y, t)| {
            let pay: Decimal = lines
                .iter()
                .filter_map(|&w| Some(p.workforce.get(w)?.years.get(t as usize)?.pay))
                .sum();
            (t, (pay, y.spend))
        });
        // Spend below zero is warned of as such.
        let beyond = |(pay, spend): &(Decimal, Decimal)| pay > spend && !spend.is_sign_negative();
        if let Some((t, (pay, spend))) = first_year(years, beyond) {
            out.push(
                Diagnostic::at(
                    first.loc,
                    format!(
                        "the staff paid from {} cost {} in {}, more than the {} the service spends",
                        service.name,
                        millions(pay),
                        s.year(t),
                        millions(spend)
                    ),
                )
                .help("check `staff` and `cost_per_head`, and the savings taken from this service"),
            );
        }
    }
}

/// A shift that moves more spend (or people) out of its `from` setting
/// than the setting would have had.
fn shifts_beyond_their_setting(s: &Scenario, p: &Projection, out: &mut Vec<Diagnostic>) {
    for (service, projected) in s.services.iter().zip(&p.services) {
        let Some(shift) = &service.shift else {
            continue;
        };
        let Some(from) = service.settings.get(shift.from) else {
            continue;
        };
        let years = projected.years.iter().zip(0u32..).filter_map(|(y, t)| {
            let held = y.settings.get(shift.from)?.counterfactual;
            Some((t, (y.moved, held)))
        });
        if let Some((t, _)) = first_year(years, |(moved, held)| moved > held) {
            out.push(
                Diagnostic::at(
                    shift.loc,
                    format!(
                        "the shift \"{}\" moves more out of {} in {} than it would hold",
                        shift.name,
                        from.name,
                        s.year(t)
                    ),
                )
                .help("check `target_share` against the setting's share"),
            );
        }
    }
}

/// A Monte Carlo percentile of the pool's spend, or of a service's where
/// it was sampled, below zero.
fn ranges_below_zero(s: &Scenario, r: &Ranges, out: &mut Vec<Diagnostic>) {
    let Some(&lowest) = r.percentiles.first() else {
        return;
    };
    let years =
        (0..=s.horizon).filter_map(|t| Some((t, r.value(Metric::Scenario, t as usize, lowest)?)));
    if let Some((t, v)) = first_year(years, |v| v.is_sign_negative() && !v.is_zero()) {
        out.push(
            Diagnostic::at(
                s.loc,
                format!(
                    "the pool's spend is below zero at the {lowest}th percentile in {} ({}): some draws save more than the pool spends",
                    s.year(t),
                    millions(v)
                ),
            )
            .help("narrow the ranges of the largest savings, or check their units"),
        );
    }
    for (i, service) in s.services.iter().enumerate() {
        let years = (0..=s.horizon)
            .filter_map(|t| Some((t, r.value(Metric::Spend(i), t as usize, lowest)?)));
        if let Some((t, v)) = first_year(years, |v| v.is_sign_negative() && !v.is_zero()) {
            out.push(
                Diagnostic::at(
                    service.loc,
                    format!(
                        "{}'s spend is below zero at the {lowest}th percentile in {} ({}): some draws save more than the service spends",
                        service.name,
                        s.year(t),
                        millions(v)
                    ),
                )
                .help("narrow the ranges of the savings that apply to this service"),
            );
        }
    }
}

/// The drivers of a plan given as points while other values are ranged:
/// the fan and the tornado leave out their uncertainty.
fn point_drivers(s: &Scenario, out: &mut Vec<Diagnostic>) {
    if s.ranged_params().next().is_none() {
        return;
    }
    let mut drivers: Vec<ParamId> = Vec::new();
    for service in &s.services {
        if let Some(shift) = &service.shift {
            drivers.push(shift.target_share);
            if let CostRatio::Given(id) = shift.cost_ratio {
                drivers.push(id);
            }
        }
        drivers.extend(service.settings.iter().filter_map(|k| k.unit_cost));
    }
    for saving in &s.savings {
        drivers.push(match saving.size {
            SavingSize::Rate(id) | SavingSize::Amount(id) => id,
        });
    }
    drivers.sort();
    drivers.dedup();
    for id in drivers {
        let Some(param) = s.param(id) else { continue };
        if param.value.is_range() {
            continue;
        }
        let example = match param.kind {
            crate::scenario::values::Kind::Money => "\"£80,000 to £95,000\"",
            crate::scenario::values::Kind::Percent => "\"35% to 45%\"",
            crate::scenario::values::Kind::Number => "\"3 to 6\"",
        };
        out.push(
            Diagnostic::at(
                param.loc,
                format!("`{}` has no range, though other values do", param.name),
            )
            .help(format!(
                "a range, e.g. {example}, lets the fan and the tornado show its uncertainty"
            )),
        );
    }
}
