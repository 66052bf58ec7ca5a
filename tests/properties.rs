//! Properties of the exact engine on random valid scenarios:
//!
//! * after the shift solve the `from` share equals sigma(t) (to the last of
//!   28 digits) whenever money moved, and is at or below it when none did;
//! * money is conserved every year: counterfactual = scenario spend + gross
//!   savings, and the partners' net contributions plus `unallocated` equal
//!   counterfactual - net savings + variances.

use pool_model::engine::project;
use pool_model::model::{Exact, shift};
use pool_model::scenario::{Profile, Values, load_str};
use pool_model::source::SourceMap;
use proptest::prelude::*;
use rust_decimal::Decimal;

#[derive(Debug, Clone)]
struct Gen {
    horizon: u32,
    partners: usize,
    services: Vec<GenService>,
    savings: Vec<(Option<u32>, Option<u32>, Vec<u32>)>,
    costs: Vec<Vec<u32>>,
    variances: Vec<(usize, Vec<i32>)>,
    workforce: Vec<GenWorkforce>,
}

/// (service, staff, cost per head, (reduction %, by), transfer year).
type GenWorkforce = (usize, u32, u32, Option<(u32, u32)>, Option<u32>);

#[derive(Debug, Clone)]
struct GenService {
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
struct GenShift {
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
        prop::collection::vec(prop::option::weighted(0.4, 0u32..20), partners),
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

fn scenario() -> impl Strategy<Value = Gen> {
    (1u32..=6, 1usize..=3)
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
                        prop::collection::vec(0u32..=100, 1..4),
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
                    ),
                    0..3,
                ),
            )
        })
        .prop_map(
            |(horizon, partners, services, savings, costs, variances, workforce)| Gen {
                horizon,
                partners,
                services,
                savings,
                costs,
                variances,
                workforce,
            },
        )
}

/// Basis points as a percent string: 1234 -> "12.34%".
fn bp(v: i64) -> String {
    format!("\"{}%\"", Decimal::new(v, 2))
}

fn render(g: &Gen) -> String {
    let mut t = format!(
        "[scenario]\nname = \"Generated\"\nstart = \"2010/11\"\nhorizon = {}\n\n",
        g.horizon
    );
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
            bp(i64::from(s.growth)),
            bp(i64::from(s.inflation))
        );
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
                "  [[service.setting]]\n  id = \"k{k}\"\n  name = \"Setting {k}\"\n  share = {}\n  unit_cost = \"£{}k\"\n",
                bp(share),
                s.unit_costs[k]
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
                bp(i64::from(sh.target) * 100),
                year(sh.by)
            );
            if let Some(r) = sh.ratio {
                t += &format!("cost_ratio = {}\n", bp(i64::from(r) * 100));
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
        match (rate, amount) {
            (Some(r), _) => t += &format!("rate = {}\n\n", bp(i64::from(*r))),
            (None, Some(a)) => t += &format!("amount = \"£{a}k\"\n\n"),
            (None, None) => t += "amount = 0\n\n",
        }
    }
    for (n, amounts) in g.costs.iter().enumerate() {
        let a: Vec<String> = amounts.iter().map(|a| format!("\"£{a}k\"")).collect();
        t += &format!(
            "[[cost]]\nname = \"Cost {n}\"\namounts = [{}]\n\n",
            a.join(", ")
        );
    }
    let services = g.services.len();
    for (n, (s, amounts)) in g.variances.iter().enumerate() {
        let a: Vec<String> = amounts.iter().map(|a| format!("\"{a}000\"")).collect();
        t += &format!(
            "[[variance]]\nname = \"Variance {n}\"\nservice = \"s{}\"\namounts = [{}]\n\n",
            s % services,
            a.join(", ")
        );
    }
    for (n, (s, staff, cph, reduction, transfer)) in g.workforce.iter().enumerate() {
        t += &format!(
            "[[workforce]]\nname = \"Staff {n}\"\nservice = \"s{}\"\nemployer = \"p0\"\nstaff = {staff}\ncost_per_head = \"£{cph}\"\nredundancy_cost = \"£{cph}\"\n",
            s % services
        );
        if let Some((fewer, by)) = reduction {
            t += &format!(
                "reduction = \"{}\"\nreduction_by = {}\n",
                Decimal::new(i64::from(*fewer) * i64::from(*staff), 2),
                year(*by)
            );
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

/// With `POOL_MODEL_DUMP=DIR`, writes each generated scenario to DIR so the
/// independent reference (tools/reference.py) can be run over them.
fn dump(text: &str) {
    if let Some(dir) = std::env::var_os("POOL_MODEL_DUMP") {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let _ = std::fs::write(
            std::path::Path::new(&dir).join(format!("gen_{n:04}.toml")),
            text,
        );
    }
}

fn close(a: Decimal, b: Decimal, tolerance: &str) -> bool {
    (a - b).abs() <= tolerance.parse::<Decimal>().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn shift_hits_its_target_and_money_is_conserved(g in scenario()) {
        let text = render(&g);
        dump(&text);
        let mut sources = SourceMap::new();
        let scenario = match load_str("generated.toml", &text, &mut sources) {
            Ok(s) => s,
            Err(e) => panic!("generated an invalid scenario:\n{}\n{text}", e.render(&sources)),
        };
        let values = Values::central(&scenario);
        let p = project(&scenario, &values).unwrap();
        for (service, sp) in scenario.services.iter().zip(&p.services) {
            let Some(sh) = &service.shift else { continue };
            let sigma0 = service.settings[sh.from].share;
            let target = values.get(sh.target_share);
            for (t, y) in sp.years.iter().enumerate() {
                let phi: Exact = shift::phi(&sh.profile, t as u32, sh.by).value().unwrap();
                let (sigma0, target) = (Exact::new(sigma0), Exact::new(target));
                let sigma = (shift::target_gap(&sigma0, &target) * phi + sigma0)
                    .to_decimal()
                    .unwrap();
                let share = y.settings[sh.from].share;
                if y.moved > Decimal::ZERO {
                    prop_assert!(close(share, sigma, "0.000000000000000000001"), "year {t}: share {share} vs sigma {sigma}\n{text}");
                } else {
                    prop_assert!(share <= sigma + Decimal::new(1, 21), "year {t}: share {share} above sigma {sigma}\n{text}");
                }
            }
            if let Profile::List(list) = &sh.profile {
                prop_assert_eq!(list.len() as u32, sh.by);
            }
        }
        for (t, y) in p.years.iter().enumerate() {
            prop_assert!(close(y.counterfactual, y.scenario + y.gross_savings, "0.000000001"), "year {t}\n{text}");
            let partners: Decimal = p.partners.iter().map(|x| x.years[t].net_contribution).sum();
            let expected = y.counterfactual - y.net_savings + y.variances;
            prop_assert!(
                close(partners + y.unallocated, expected, "0.000001"),
                "year {t}: partners {partners} + unallocated {} vs {expected}\n{text}", y.unallocated
            );
            prop_assert!(y.unallocated >= Decimal::ZERO);
        }
    }
}

// --- selection of order statistics ------------------------------------------------------

use pool_model::uncertainty::percentile::{percentiles_of, select_ranks};

/// f64 values of every kind selection meets: signed zeros, ties, tiny and
/// huge magnitudes, infinities (never NaN: the kernel's outputs are
/// numbers).
fn value() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(0.0),
        Just(-0.0),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        (-5i32..5).prop_map(f64::from),
        any::<f64>().prop_filter("a number", |x| !x.is_nan()),
        (-1e9f64..1e9),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn selection_finds_what_a_full_sort_finds(
        values in prop::collection::vec(value(), 1..300),
        picks in prop::collection::vec(any::<prop::sample::Index>(), 0..12),
    ) {
        let mut sorted = values.clone();
        sorted.sort_by(f64::total_cmp);
        let mut ranks: Vec<usize> = picks.iter().map(|i| i.index(values.len())).collect();
        ranks.sort_unstable();
        let mut v = values.clone();
        let got = select_ranks(&mut v, &ranks);
        for (g, &r) in got.iter().zip(&ranks) {
            prop_assert_eq!(g.to_bits(), sorted[r].to_bits());
        }
        let mut again = values;
        let p = percentiles_of(&mut again, &[1, 5, 10, 50, 90, 95, 99]);
        prop_assert_eq!(p.len(), 7);
        // Never decreasing (NaN, from infinities of both signs, aside).
        prop_assert!(
            p.windows(2).all(|w| w[0].partial_cmp(&w[1]) != Some(std::cmp::Ordering::Greater)),
            "{:?}",
            p
        );
    }
}
