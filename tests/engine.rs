//! The exact engine against hand-checked figures: SPEC 5's worked example to
//! 6 dp in every column, each risk-share rule, caps with water-filling, and a
//! workforce transfer with a reduction and redundancy costs.

use pool_model::engine::{Projection, project};
use pool_model::scenario::{Scenario, Values, load_str};
use pool_model::source::SourceMap;
use rust_decimal::Decimal;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn run(text: &str) -> (Scenario, Projection) {
    let mut sources = SourceMap::new();
    let scenario = match load_str("test.toml", text, &mut sources) {
        Ok(s) => s,
        Err(e) => panic!("{}", e.render(&sources)),
    };
    let p = project(&scenario, &Values::central(&scenario)).unwrap();
    (scenario, p)
}

/// £m to 6 dp, as SPEC 5's table prints them.
fn m6(v: Decimal) -> Decimal {
    (v / Decimal::from(1_000_000)).round_dp(6)
}

#[test]
fn spec_worked_example_matches_every_column_to_6dp() {
    let (_, p) = run(include_str!("data/worked_example.toml"));
    let ld = &p.services[0];
    // year, sigma, m, shift saving, post-shift total, supported living, home support, efficiency saving
    let expected = [
        (
            1,
            "0.50",
            "5.970149",
            "1.940299",
            "98.059701",
            "33.134328",
            "15.895522",
            "2.451493",
        ),
        (
            2,
            "0.45",
            "11.713031",
            "3.806735",
            "96.193265",
            "36.149341",
            "16.756955",
            "4.809663",
        ),
        (
            3,
            "0.40",
            "17.241379",
            "5.603448",
            "94.396552",
            "39.051724",
            "17.586207",
            "4.719828",
        ),
    ];
    for (t, sigma, m, saving, total, sl, hs, eff) in expected {
        let y = &ld.years[t];
        assert_eq!(y.settings[0].share.round_dp(6), d(sigma), "sigma, year {t}");
        assert_eq!(m6(y.moved), d(m), "m, year {t}");
        assert_eq!(m6(y.shift_savings), d(saving), "shift saving, year {t}");
        assert_eq!(m6(y.post_shift), d(total), "post-shift total, year {t}");
        assert_eq!(m6(y.settings[1].spend), d(sl), "supported living, year {t}");
        assert_eq!(m6(y.settings[2].spend), d(hs), "home support, year {t}");
        assert_eq!(
            m6(y.efficiency_savings),
            d(eff),
            "efficiency saving, year {t}"
        );
    }
    // Year 0 is the baseline: nothing moves, nothing is saved.
    assert_eq!(ld.years[0].moved, Decimal::ZERO);
    assert_eq!(p.years[0].gross_savings, Decimal::ZERO);
}

#[test]
fn worked_example_people_follow_unit_costs() {
    let (_, p) = run(include_str!("data/worked_example.toml"));
    let y0 = &p.services[0].years[0];
    assert_eq!(y0.settings[0].people, Some(d("687.5"))); // £55m / £80k
    assert_eq!(y0.settings[1].people, Some(d("500"))); // £30m / £60k
    // m(1) / £80k: 5,970,149.25... / 80,000
    assert_eq!(
        p.services[0].years[1].people_moved.unwrap().round_dp(4),
        d("74.6269")
    );
}

#[test]
fn worked_example_totals_and_npv() {
    let (_, p) = run(include_str!("data/worked_example.toml"));
    let net: Vec<Decimal> = p.years.iter().map(|y| y.net_savings).collect();
    assert_eq!(net[0], Decimal::ZERO);
    // Cumulative is the exact sum; the parts are handed on to 7 or more
    // places (a sticky last digit), so their sum agrees far below a penny.
    let sum = net[1] + net[2] + net[3];
    assert!(
        (p.years[3].cumulative_net_savings - sum).abs() < d("0.0000001"),
        "{} vs {sum}",
        p.years[3].cumulative_net_savings
    );
    let npv = net[1] / d("1.035")
        + net[2] / (d("1.035") * d("1.035"))
        + net[3] / (d("1.035") * d("1.035") * d("1.035"));
    assert!((p.npv - npv).abs() < d("0.000001"), "{} vs {npv}", p.npv);
    // Counterfactual = scenario spend + gross savings, every year.
    for y in &p.years {
        let sum = y.scenario + y.gross_savings;
        assert!(
            (y.counterfactual - sum).abs() < d("0.0000001"),
            "{} vs {sum}",
            y.counterfactual
        );
    }
}

const RISK_BASE: &str = r#"
[scenario]
name = "Risk share"
start = "2014/15"
horizon = 2

[[partner]]
id = "council"
name = "Council"
kind = "council"

[[partner]]
id = "ccg"
name = "CCG"
kind = "nhs"

[[partner]]
id = "trust"
name = "Trust"
kind = "nhs"

[[service]]
id = "acute"
name = "Acute care"
lead = "ccg"
contributions = { council = "£50m", ccg = "£30m", trust = "£20m" }
RULE

[[saving]]
name = "Saving"
amount = "£1m"

[[variance]]
name = "Deficit"
service = "acute"
amounts = ["£10m", "-£4m"]
"#;

fn risk(rule: &str) -> Projection {
    run(&RISK_BASE.replace("RULE", rule)).1
}

fn shares(p: &Projection, t: usize) -> Vec<(Decimal, Decimal)> {
    p.partners
        .iter()
        .map(|x| (x.years[t].savings_share, x.years[t].variance_share))
        .collect()
}

#[test]
fn proportional_rule_shares_by_year_0_contributions() {
    let p = risk("");
    assert_eq!(
        shares(&p, 1),
        vec![
            (d("500000"), d("5000000")),
            (d("300000"), d("3000000")),
            (d("200000"), d("2000000"))
        ]
    );
    // Net contribution = contribution - savings share + variance share.
    let council = &p.partners[0].years[1];
    assert_eq!(
        council.net_contribution,
        d("50000000") - d("500000") + d("5000000")
    );
}

#[test]
fn lead_rule_gives_everything_to_the_lead() {
    let p = risk(r#"risk_share = { rule = "lead" }"#);
    assert_eq!(shares(&p, 1)[1], (d("1000000"), d("10000000")));
    assert_eq!(shares(&p, 1)[0], (d("0"), d("0")));
}

#[test]
fn fixed_rule_uses_its_shares_and_unnamed_partners_bear_nothing() {
    let p = risk(r#"risk_share = { rule = "fixed", shares = { ccg = "70%", trust = "30%" } }"#);
    assert_eq!(
        shares(&p, 1),
        vec![
            (d("0"), d("0")),
            (d("700000"), d("7000000")),
            (d("300000"), d("3000000"))
        ]
    );
}

#[test]
fn caps_force_re_sharing_by_water_filling() {
    // £10m at 50/30/20; council capped at £2m and the CCG at £2.5m. Round
    // one caps the council (5 > 2) and the CCG (3 > 2.5); the trust takes
    // the remaining £5.5m.
    let p = risk(r#"risk_share = { cap = { council = "£2m", ccg = "£2.5m" } }"#);
    assert_eq!(
        shares(&p, 1).iter().map(|s| s.1).collect::<Vec<_>>(),
        vec![d("2000000"), d("2500000"), d("5500000")]
    );
    assert_eq!(p.years[1].unallocated, Decimal::ZERO);
    // Savings shares are never capped.
    assert_eq!(shares(&p, 1)[0].0, d("500000"));
    // An underspend ignores caps.
    assert_eq!(p.partners[0].years[2].variance_share, d("-2000000"));
}

#[test]
fn overspend_beyond_every_cap_is_unallocated() {
    let p = risk(r#"risk_share = { cap = { council = "£2m", ccg = "£2.5m", trust = "£4m" } }"#);
    assert_eq!(
        shares(&p, 1).iter().map(|s| s.1).collect::<Vec<_>>(),
        vec![d("2000000"), d("2500000"), d("4000000")]
    );
    assert_eq!(p.years[1].unallocated, d("1500000"));
    assert_eq!(p.years[1].variances, d("10000000"));
}

#[test]
fn capped_lead_leaves_the_excess_unallocated() {
    let p = risk(r#"risk_share = { rule = "lead", cap = { ccg = "£3m" } }"#);
    assert_eq!(p.partners[1].years[1].variance_share, d("3000000"));
    assert_eq!(p.years[1].unallocated, d("7000000"));
}

#[test]
fn variances_never_enter_savings_or_npv() {
    let with = risk("");
    let without = run(&RISK_BASE
        .replace("RULE", "")
        .replace("amounts = [\"£10m\", \"-£4m\"]", "amounts = []"))
    .1;
    assert_eq!(with.npv, without.npv);
    assert_eq!(with.years[1].net_savings, without.years[1].net_savings);
}

const WORKFORCE: &str = r#"
[scenario]
name = "Workforce"
start = "2010/11"
horizon = 3

[assumptions]
inflation = "10%"

[[partner]]
id = "council"
name = "Council"
kind = "council"

[[partner]]
id = "trust"
name = "Trust"
kind = "nhs"

[[service]]
id = "asc"
name = "Adult social care"
lead = "council"
contributions = { council = "£10m" }

[[workforce]]
name = "Care managers"
service = "asc"
employer = "council"
staff = 100
cost_per_head = "£30k"
transfer_to = "trust"
transfer_in = "2012/13"
reduction = 20
reduction_by = "2012/13"
redundancy_cost = "£10k"
"#;

#[test]
fn workforce_transfer_with_reduction_and_redundancy() {
    let (_, p) = run(WORKFORCE);
    let line = &p.workforce[0];
    // Year 1: heads 100 - 20 x 1/2 = 90, prices x1.1.
    assert_eq!(line.years[1].heads, d("90"));
    assert_eq!(line.years[1].pay, d("2970000"));
    assert_eq!(line.years[1].savings, d("330000"));
    assert_eq!(line.years[1].redundancy_costs, d("110000"));
    assert_eq!(line.years[1].employer, 0);
    // Year 2: heads 80, prices x1.21, now employed by the trust.
    assert_eq!(line.years[2].heads, d("80"));
    assert_eq!(line.years[2].pay, d("2904000"));
    assert_eq!(line.years[2].savings, d("726000"));
    assert_eq!(line.years[2].redundancy_costs, d("121000"));
    assert_eq!(line.years[2].employer, 1);
    // Year 3: no further reduction, so no redundancy; savings grow with prices.
    assert_eq!(line.years[3].savings, d("798600"));
    assert_eq!(line.years[3].redundancy_costs, Decimal::ZERO);
    // Staff and pay by employer.
    assert_eq!(p.partners[0].years[0].staff, d("100"));
    assert_eq!(p.partners[0].years[1].staff, d("90"));
    assert_eq!(p.partners[0].years[2].staff, Decimal::ZERO);
    assert_eq!(p.partners[1].years[2].staff, d("80"));
    assert_eq!(p.partners[1].years[2].pay, d("2904000"));
    // Savings and redundancy belong to the service; net = savings - costs.
    assert_eq!(p.years[1].workforce_savings, d("330000"));
    assert_eq!(p.years[1].costs, d("110000"));
    assert_eq!(p.years[1].net_savings, d("220000"));
    assert_eq!(p.years[2].net_savings, d("605000"));
    assert_eq!(p.services[0].years[2].staff, d("80"));
    // Workforce savings do not reduce the post-shift base.
    assert_eq!(p.services[0].years[1].post_shift, d("11000000"));
    assert_eq!(p.services[0].years[1].spend, d("11000000") - d("330000"));
}

#[test]
fn costs_are_attributed_pro_rata_to_counterfactual_spend() {
    let text = r#"
[scenario]
name = "Costs"
start = "2010/11"
horizon = 2

[[partner]]
id = "council"
name = "Council"
kind = "council"

[[service]]
id = "a"
name = "A"
lead = "council"
contributions = { council = "£30m" }

[[service]]
id = "b"
name = "B"
lead = "council"
contributions = { council = "£10m" }
growth = "100%"

[[cost]]
name = "Set-up"
amounts = ["£5m"]

[[saving]]
name = "Fixed saving"
services = ["a", "b"]
amount = "£3m"
phase_in = ["50%", "100%"]
"#;
    let (_, p) = run(text);
    // Year 1: a = £30m, b = £20m; £5m of costs splits 3:2.
    assert_eq!(p.services[0].years[1].costs, d("3000000"));
    assert_eq!(p.services[1].years[1].costs, d("2000000"));
    assert_eq!(p.years[2].costs, Decimal::ZERO);
    // £3m x 50% in year 1, pro rata to post-shift spend (30:20).
    assert_eq!(p.services[0].years[1].efficiency_savings, d("900000"));
    assert_eq!(p.services[1].years[1].efficiency_savings, d("600000"));
    // Year 2: a = £30m, b = £40m; the full £3m splits 3:4.
    assert_eq!(p.years[2].efficiency_savings, d("3000000"));
}

#[test]
fn growth_and_inflation_compound_and_scale_contributions() {
    let text = r#"
[scenario]
name = "Growth"
start = "2010/11"
horizon = 2

[assumptions]
inflation = "2%"
growth = "3%"

[[partner]]
id = "council"
name = "Council"
kind = "council"

[[partner]]
id = "nhs"
name = "NHS"
kind = "nhs"

[[service]]
id = "a"
name = "A"
lead = "council"
contributions = { council = "£75m", nhs = "£25m" }
"#;
    let (_, p) = run(text);
    // C(2) = 100m x (1.03 x 1.02)^2 = 100m x 1.0506^2.
    assert_eq!(p.years[2].counterfactual, d("110376036"));
    assert_eq!(p.partners[0].years[2].contribution, d("82782027"));
    assert_eq!(p.partners[1].years[2].contribution, d("27594009"));
}
