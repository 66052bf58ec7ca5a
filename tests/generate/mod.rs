//! Random valid scenarios covering every feature of SPEC 2, for property
//! tests (tests/properties.rs) and the conformance of the two drivers of
//! the model (tests/conformance.rs): every profile form (the shapes, step
//! and lists), given cost ratios and unit-cost ratios, targets already
//! met, rate and amount savings with short and long phase-in, cost and
//! variance lists, workforce transfers, reductions with and without
//! redundancy, the proportional, lead and fixed rules, caps that bind,
//! that do not and that leave money unallocated, horizons 1 to 50, and
//! ranges on every kind of value that takes one.

#![allow(dead_code)]

use proptest::prelude::*;
use rust_decimal::Decimal;

#[derive(Debug, Clone)]
pub struct Gen {
    pub horizon: u32,
    pub partners: usize,
    pub services: Vec<GenService>,
    pub savings: Vec<(Option<u32>, Option<u32>, Vec<u32>)>,
    pub costs: Vec<Vec<u32>>,
    pub variances: Vec<(usize, Vec<i32>)>,
    pub workforce: Vec<GenWorkforce>,
    /// Which kinds of value are ranges (bits of [`Ranged`]).
    pub ranged: u8,
    pub appraisal: GenAppraisal,
}

/// SPEC 3.7's inputs.
#[derive(Debug, Clone)]
pub struct GenAppraisal {
    /// 0: left out (the Green Book schedule), 1: "green_book", 2: flat.
    pub discount: u8,
    /// The flat rate in basis points.
    pub flat: i32,
    /// The deflator in basis points (else the inflation assumption).
    pub deflator: Option<i32>,
    /// The scenario's optimism bias of costs and of savings, in percent.
    pub costs: Option<u32>,
    pub savings: Option<u32>,
    /// Lines with their own optimism bias: bit 0 shifts, 1 savings, 2 costs.
    pub own: u8,
}

fn appraisal() -> impl Strategy<Value = GenAppraisal> {
    (
        0u8..3,
        -200i32..800,
        prop::option::of(-100i32..600),
        prop::option::of(0u32..=150),
        prop::option::of(0u32..=100),
        0u8..8,
    )
        .prop_map(
            |(discount, flat, deflator, costs, savings, own)| GenAppraisal {
                discount,
                flat,
                deflator,
                costs,
                savings,
                own,
            },
        )
}

/// The kinds of value a generated scenario may give as ranges.
#[derive(Clone, Copy)]
pub enum Ranged {
    Growth = 1,
    Shift = 2,
    Savings = 4,
    Costs = 8,
    Variances = 16,
    Workforce = 32,
    Appraisal = 64,
}

impl Gen {
    fn ranged(&self, kind: Ranged) -> bool {
        self.ranged & kind as u8 != 0
    }
}

/// (service, staff, cost per head, (reduction %, by), transfer year,
/// redundancy paid).
type GenWorkforce = (usize, u32, u32, Option<(u32, u32)>, Option<u32>, bool);

#[derive(Debug, Clone)]
pub struct GenService {
    contributions: Vec<u32>,
    weights: Vec<u32>,
    growth: i32,
    inflation: i32,
    unit_costs: Vec<u32>,
    shift: Option<GenShift>,
    rule: u8,
    caps: Vec<Option<u32>>,
}

#[derive(Debug, Clone)]
pub struct GenShift {
    target: u32,
    by: u32,
    profile: u8,
    ratio: Option<u32>,
    split: Vec<u32>,
}

fn service(partners: usize, horizon: u32) -> impl Strategy<Value = GenService> {
    (
        prop::collection::vec(prop_oneof![Just(0u32), 5u32..400], partners),
        prop::collection::vec(1u32..100, 1..=4),
        -300i32..800,
        -200i32..600,
        prop::collection::vec(5u32..150, 4),
        prop::option::weighted(
            0.8,
            (
                0u32..=100,
                1..=horizon,
                0u8..5,
                prop::option::of(10u32..150),
                prop::collection::vec(1u32..10, 3),
            ),
        ),
        0u8..3,
        prop::collection::vec(
            prop::option::weighted(0.4, prop_oneof![0u32..20, 500u32..20000]),
            partners,
        ),
    )
        .prop_map(
            |(mut contributions, weights, growth, inflation, unit_costs, shift, rule, caps)| {
                if contributions.iter().all(|c| *c == 0) {
                    contributions[0] = 100;
                }
                let shift = shift.filter(|_| weights.len() >= 2).map(
                    |(target, by, profile, ratio, split)| GenShift {
                        target,
                        by,
                        profile,
                        ratio,
                        split,
                    },
                );
                GenService {
                    contributions,
                    weights,
                    growth,
                    inflation,
                    unit_costs,
                    shift,
                    rule,
                    caps,
                }
            },
        )
}

pub fn scenario() -> impl Strategy<Value = Gen> {
    (prop_oneof![3 => 1u32..=6, 1 => 7u32..=50], 1usize..=3)
        .prop_flat_map(|(horizon, partners)| {
            let h = horizon as usize;
            (
                Just(horizon),
                Just(partners),
                prop::collection::vec(service(partners, horizon), 1..=3),
                prop::collection::vec(
                    (
                        prop::option::of(0u32..800),
                        prop::option::of(1u32..5000),
                        prop::collection::vec(0u32..=100, 1..=8),
                    ),
                    0..3,
                ),
                prop::collection::vec(prop::collection::vec(0u32..5000, 0..=h), 0..3),
                prop::collection::vec(
                    (0usize..3, prop::collection::vec(-3000i32..8000, 0..=h)),
                    0..3,
                ),
                prop::collection::vec(
                    (
                        0usize..3,
                        0u32..60,
                        20u32..60,
                        prop::option::of((0u32..=100, 1..=horizon)),
                        prop::option::of(1..=horizon),
                        any::<bool>(),
                    ),
                    0..3,
                ),
                prop_oneof![Just(0u8), 0u8..128],
                appraisal(),
            )
        })
        .prop_map(
            |(
                horizon,
                partners,
                services,
                savings,
                costs,
                variances,
                workforce,
                ranged,
                appraisal,
            )| {
                Gen {
                    horizon,
                    partners,
                    services,
                    savings,
                    costs,
                    variances,
                    workforce,
                    ranged,
                    appraisal,
                }
            },
        )
}

/// Basis points as a percent string: 1234 -> "12.34%".
pub fn bp(v: i64) -> String {
    format!("\"{}%\"", Decimal::new(v, 2))
}

/// A percentage in basis points, or a range from it to `spread` above.
fn percent(v: i64, spread: Option<i64>) -> String {
    match spread {
        Some(w) => format!("\"{}% to {}%\"", Decimal::new(v, 2), Decimal::new(v + w, 2)),
        None => bp(v),
    }
}

/// An amount in pounds with a suffix, or a range from it to `spread` above.
fn money(v: i64, suffix: &str, spread: Option<i64>) -> String {
    match spread {
        Some(w) => format!("\"£{v}{suffix} to £{}{suffix}\"", v + w),
        None => format!("\"£{v}{suffix}\""),
    }
}

/// An optimism bias of `v` percent, or a range from half of it to it.
fn bias(g: &Gen, v: u32) -> String {
    let v = i64::from(v) * 100;
    match g.ranged(Ranged::Appraisal) && v > 0 {
        true => percent(v / 2, Some(v - v / 2)),
        false => bp(v),
    }
}

pub fn render(g: &Gen) -> String {
    let a = &g.appraisal;
    let mut t = format!(
        "[scenario]\nname = \"Generated\"\nstart = \"2010/11\"\nhorizon = {}\n",
        g.horizon
    );
    match a.discount {
        1 => t += "discount_rate = \"green_book\"\n",
        2 => t += &format!("discount_rate = {}\n", bp(i64::from(a.flat))),
        _ => {}
    }
    let mut defaults = Vec::new();
    if let Some(c) = a.costs {
        defaults.push(format!("costs = {}", bias(g, c)));
    }
    if let Some(s) = a.savings {
        defaults.push(format!("savings = {}", bias(g, s)));
    }
    if !defaults.is_empty() {
        t += &format!("optimism_bias = {{ {} }}\n", defaults.join(", "));
    }
    t += "\n";
    if let Some(d) = a.deflator {
        let spread = g.ranged(Ranged::Appraisal).then_some(150);
        t += &format!(
            "[assumptions]\ndeflator = {}\n\n",
            percent(i64::from(d), spread)
        );
    }
    for p in 0..g.partners {
        t += &format!("[[partner]]\nid = \"p{p}\"\nname = \"Partner {p}\"\nkind = \"other\"\n\n");
    }
    let year = |y: u32| format!("\"{}/{:02}\"", 2010 + y, (2011 + y) % 100);
    for (i, s) in g.services.iter().enumerate() {
        let contributions: Vec<String> = s
            .contributions
            .iter()
            .enumerate()
            .map(|(p, c)| format!("p{p} = \"£{c}k\""))
            .collect();
        let rule = match s.rule {
            0 => "proportional".to_string(),
            1 => "lead".to_string(),
            _ => "fixed".to_string(),
        };
        let mut risk = format!("rule = \"{rule}\"");
        if s.rule == 2 {
            let n = s.contributions.len() as i64;
            let shares: Vec<String> = (0..n)
                .map(|p| {
                    let v = if p == n - 1 {
                        10000 - (n - 1) * (10000 / n)
                    } else {
                        10000 / n
                    };
                    format!("p{p} = {}", bp(v))
                })
                .collect();
            risk += &format!(", shares = {{ {} }}", shares.join(", "));
        }
        let caps: Vec<String> = s
            .caps
            .iter()
            .enumerate()
            .filter_map(|(p, c)| c.map(|c| format!("p{p} = \"£{c}k\"")))
            .collect();
        if !caps.is_empty() {
            risk += &format!(", cap = {{ {} }}", caps.join(", "));
        }
        t += &format!(
            "[[service]]\nid = \"s{i}\"\nname = \"Service {i}\"\nlead = \"p0\"\ncontributions = {{ {} }}\ngrowth = {}\ninflation = {}\nrisk_share = {{ {risk} }}\n",
            contributions.join(", "),
            percent(i64::from(s.growth), g.ranged(Ranged::Growth).then_some(150)),
            percent(
                i64::from(s.inflation),
                g.ranged(Ranged::Growth).then_some(100)
            )
        );
        let shift_range = g.ranged(Ranged::Shift);
        let total: u32 = s.weights.iter().sum();
        let mut given = 0i64;
        for (k, w) in s.weights.iter().enumerate() {
            let share = if k + 1 == s.weights.len() {
                10000 - given
            } else {
                i64::from(*w) * 10000 / i64::from(total)
            };
            given += share;
            t += &format!(
                "  [[service.setting]]\n  id = \"k{k}\"\n  name = \"Setting {k}\"\n  share = {}\n  unit_cost = {}\n",
                bp(share),
                money(i64::from(s.unit_costs[k]), "k", shift_range.then_some(10))
            );
        }
        if let Some(sh) = &s.shift {
            let targets: Vec<usize> = (1..s.weights.len()).collect();
            let weights: Vec<u32> = targets.iter().map(|j| sh.split[(j - 1) % 3]).collect();
            let wt: u32 = weights.iter().sum();
            let mut given = 0i64;
            let to: Vec<String> = targets
                .iter()
                .zip(&weights)
                .enumerate()
                .map(|(n, (j, w))| {
                    let v = if n + 1 == targets.len() {
                        10000 - given
                    } else {
                        i64::from(*w) * 10000 / i64::from(wt)
                    };
                    given += v;
                    format!("k{j} = {}", bp(v))
                })
                .collect();
            let profile = match sh.profile {
                0 => "\"linear\"".to_string(),
                1 => "\"front_loaded\"".to_string(),
                2 => "\"back_loaded\"".to_string(),
                3 => "\"step\"".to_string(),
                _ => {
                    let values: Vec<String> = (1..=sh.by)
                        .map(|y| bp(i64::from(y * 10000 / sh.by)))
                        .collect();
                    format!("[{}]", values.join(", "))
                }
            };
            t += &format!(
                "[[shift]]\nname = \"Shift {i}\"\nservice = \"s{i}\"\nfrom = \"k0\"\nto = {{ {} }}\ntarget_share = {}\nby = {}\nprofile = {profile}\n",
                to.join(", "),
                // A range up to the target, from 10 points below it.
                match (shift_range, i64::from(sh.target) * 100) {
                    (true, v) if v >= 1000 => percent(v - 1000, Some(1000)),
                    (_, v) => bp(v),
                },
                year(sh.by)
            );
            if let Some(r) = sh.ratio {
                let r = i64::from(r) * 100;
                t += &format!("cost_ratio = {}\n", percent(r, shift_range.then_some(1500)));
            }
            if a.own & 1 != 0 {
                t += &format!("optimism_bias = {}\n", bias(g, 30));
            }
        }
        t += "\n";
    }
    for (n, (rate, amount, phase)) in g.savings.iter().enumerate() {
        let phase: Vec<String> = phase.iter().map(|p| bp(i64::from(*p) * 100)).collect();
        t += &format!(
            "[[saving]]\nname = \"Saving {n}\"\nphase_in = [{}]\n",
            phase.join(", ")
        );
        if a.own & 2 != 0 {
            t += &format!("optimism_bias = {}\n", bias(g, 10 * n as u32 + 5));
        }
        let spread = g.ranged(Ranged::Savings);
        match (rate, amount) {
            (Some(r), _) => {
                t += &format!(
                    "rate = {}\n\n",
                    percent(i64::from(*r), spread.then_some(200))
                )
            }
            (None, Some(a)) => {
                t += &format!(
                    "amount = {}\n\n",
                    money(i64::from(*a), "k", spread.then_some(900))
                )
            }
            (None, None) => t += "amount = 0\n\n",
        }
    }
    for (n, amounts) in g.costs.iter().enumerate() {
        let spread = g.ranged(Ranged::Costs).then_some(700);
        let a: Vec<String> = amounts
            .iter()
            .map(|a| money(i64::from(*a), "k", spread))
            .collect();
        t += &format!(
            "[[cost]]\nname = \"Cost {n}\"\namounts = [{}]\n",
            a.join(", ")
        );
        if g.appraisal.own & 4 != 0 {
            t += &format!("optimism_bias = {}\n", bias(g, 40));
        }
        t += "\n";
    }
    let services = g.services.len();
    for (n, (s, amounts)) in g.variances.iter().enumerate() {
        let spread = g.ranged(Ranged::Variances);
        let a: Vec<String> = amounts
            .iter()
            .map(|a| match spread {
                // Overspends and underspends, and ranges that cross zero.
                true => format!("\"{a}000 to {}000\"", a + 4000),
                false => format!("\"{a}000\""),
            })
            .collect();
        t += &format!(
            "[[variance]]\nname = \"Variance {n}\"\nservice = \"s{}\"\namounts = [{}]\n\n",
            s % services,
            a.join(", ")
        );
    }
    for (n, (s, staff, cph, reduction, transfer, redundancy)) in g.workforce.iter().enumerate() {
        let spread = g.ranged(Ranged::Workforce);
        t += &format!(
            "[[workforce]]\nname = \"Staff {n}\"\nservice = \"s{}\"\nemployer = \"p0\"\nstaff = {staff}\ncost_per_head = {}\n",
            s % services,
            money(i64::from(*cph), "", spread.then_some(15))
        );
        if *redundancy {
            t += &format!("redundancy_cost = {}\n", money(i64::from(*cph), "", None));
        }
        if let Some((fewer, by)) = reduction {
            let heads = Decimal::new(i64::from(*fewer) * i64::from(*staff), 2);
            let heads = match spread {
                true if heads > Decimal::ONE => format!("\"{} to {heads}\"", heads / Decimal::TWO),
                _ => format!("\"{heads}\""),
            };
            t += &format!("reduction = {heads}\nreduction_by = {}\n", year(*by));
        }
        if let Some(y) = transfer {
            t += &format!(
                "transfer_to = \"p{}\"\ntransfer_in = {}\n",
                g.partners - 1,
                year(*y)
            );
        }
        t += "\n";
    }
    t
}
