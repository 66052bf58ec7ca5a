//! Properties of the year-end settlement (docs/monitoring.md) on random
//! plans and outturns: the statement always balances to the penny, each
//! service's variance is shared out exactly (partners, no partner, carried
//! forward or retained), no partner bears more than its cap, and netting
//! across the pool keeps the pool's variance.

use proptest::prelude::*;
use rust_decimal::Decimal;

use pool_model::monitoring::{self, actuals};
use pool_model::source::SourceMap;

#[derive(Debug, Clone)]
struct Case {
    /// Per service: each partner's year-0 contribution (£), and whether
    /// the rule is `lead` (the first partner with money leads).
    services: Vec<(Vec<u32>, bool)>,
    /// Per partner: a cap on every service's overspend (£), if any.
    caps: Vec<Option<u32>>,
    /// Per service: outturn less budget, in pence.
    variances: Vec<i64>,
    net: bool,
    underspend: usize,
    /// Money each partner paid in (£), when the actuals say.
    paid: Option<Vec<u32>>,
}

fn cases() -> impl Strategy<Value = Case> {
    (1usize..=3, 1usize..=4).prop_flat_map(|(partners, services)| {
        (
            prop::collection::vec(
                (
                    prop::collection::vec(0u32..5_000_000, partners),
                    any::<bool>(),
                ),
                services,
            ),
            prop::collection::vec(prop::option::of(0u32..2_000_000), partners),
            prop::collection::vec(-300_000_000i64..300_000_000, services),
            any::<bool>(),
            0usize..3,
            prop::option::of(prop::collection::vec(0u32..20_000_000, partners)),
        )
            .prop_map(|(services, caps, variances, net, underspend, paid)| Case {
                services,
                caps,
                variances,
                net,
                underspend,
                paid,
            })
    })
}

/// The plan: no growth, no savings, so a service's budget is its year-0
/// contributions.
fn plan(c: &Case) -> (String, Vec<i64>) {
    let partners = c.caps.len();
    let mut text =
        String::from("[scenario]\nname = \"Random pool\"\nstart = \"2024/25\"\nhorizon = 1\n\n");
    for p in 0..partners {
        text.push_str(&format!(
            "[[partner]]\nid = \"p{p}\"\nname = \"Partner {p}\"\nkind = \"other\"\n\n"
        ));
    }
    let mut budgets = Vec::new();
    for (i, (money, lead)) in c.services.iter().enumerate() {
        let mut money = money.clone();
        if money.iter().all(|m| *m == 0) {
            money[0] = 1;
        }
        let leader = money.iter().position(|m| *m > 0).unwrap_or(0);
        let contributions: Vec<String> = money
            .iter()
            .enumerate()
            .map(|(p, m)| format!("p{p} = {m}"))
            .collect();
        let caps: Vec<String> = c
            .caps
            .iter()
            .enumerate()
            .filter_map(|(p, cap)| cap.map(|x| format!("p{p} = {x}")))
            .collect();
        let rule = if *lead { "lead" } else { "proportional" };
        let cap = if caps.is_empty() {
            String::new()
        } else {
            format!(", cap = {{ {} }}", caps.join(", "))
        };
        text.push_str(&format!(
            "[[service]]\nid = \"s{i}\"\nname = \"Service {i}\"\nlead = \"p{leader}\"\ncontributions = {{ {} }}\nrisk_share = {{ rule = \"{rule}\"{cap} }}\n\n",
            contributions.join(", ")
        ));
        budgets.push(money.iter().map(|m| i64::from(*m) * 100).sum());
    }
    let underspend = ["return_pro_rata", "carry_forward", "retain_in_pool"][c.underspend];
    text.push_str(&format!(
        "[monitoring]\nnet_across_services = {}\nunderspend = \"{underspend}\"\n",
        c.net
    ));
    (text, budgets)
}

/// A year of monthly actuals reaching budget + variance.
fn actuals_text(c: &Case, budgets: &[i64]) -> String {
    let pounds = |pence: i64| {
        let sign = if pence < 0 { "-" } else { "" };
        format!("{sign}{}.{:02}", pence.abs() / 100, pence.abs() % 100)
    };
    let mut out = String::from("year,period,service,partner,value\n");
    for (i, (budget, variance)) in budgets.iter().zip(&c.variances).enumerate() {
        let monthly = budget / 12;
        for k in 1..=12 {
            let v = if k == 12 {
                budget + variance - 11 * monthly
            } else {
                monthly
            };
            out.push_str(&format!("2025/26,M{k:02},s{i},,{}\n", pounds(v)));
        }
    }
    if let Some(paid) = &c.paid {
        for (p, v) in paid.iter().enumerate() {
            out.push_str(&format!("2025/26,M06,,p{p},{v}\n"));
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn every_statement_balances_and_shares_out_every_penny(c in cases()) {
        let (text, budgets) = plan(&c);
        let mut sources = SourceMap::new();
        let s = pool_model::scenario::load_str("plan.toml", &text, &mut sources)
            .unwrap_or_else(|d| panic!("{}\n{}", d.render(&sources), text));
        let file = sources.add_file("actuals.csv", actuals_text(&c, &budgets));
        let a = actuals::parse(file, "actuals.csv", &s, &sources)
            .unwrap_or_else(|d| panic!("{}", d.render(&sources)));
        let m = monitoring::monitor(&s, &a, monitoring::Options {
            year: Some(1),
            year_end: true,
            ..monitoring::Options::default()
        })
        .unwrap();
        let st = &m.settlement;
        prop_assert!(st.balances(), "{:?}", st.balance);
        let cent = Decimal::new(1, 2);
        let total_variance: Decimal = st.services.iter().map(|x| x.variance).sum();
        let total_shared: Decimal = st.services.iter().map(|x| x.shared).sum();
        prop_assert_eq!(total_variance, total_shared);
        for ((x, service), budget) in st.services.iter().zip(&s.services).zip(&budgets) {
            prop_assert_eq!(x.budget * Decimal::ONE_HUNDRED, Decimal::from(*budget));
            prop_assert_eq!(x.planned.iter().sum::<Decimal>(), x.budget);
            let shares: Decimal = x.shares.iter().sum();
            let carried: Decimal = x.carried.iter().sum();
            if x.shared > Decimal::ZERO {
                prop_assert_eq!(shares + x.unallocated, x.shared);
                for (share, cap) in x.shares.iter().zip(&service.risk_share.caps) {
                    if let Some(cap) = cap {
                        prop_assert!(*share <= *cap + cent, "{} above its cap {}", share, cap);
                    }
                }
            } else {
                prop_assert_eq!(-x.shared, -shares + x.carried_forward + x.retained);
                prop_assert_eq!(carried, x.carried_forward);
                prop_assert!(x.unallocated.is_zero());
            }
            // Every figure is to the penny.
            for v in x.shares.iter().chain(&x.planned).chain(&x.carried) {
                prop_assert_eq!(v.round_dp(2), *v);
            }
        }
        for x in &st.partners {
            prop_assert_eq!(x.final_contribution, x.planned + x.variance_share);
            prop_assert_eq!(x.balance, x.final_contribution - x.paid);
        }
    }
}
