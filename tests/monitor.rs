//! The pool's in-year job (issue 31) as a pool manager meets it: the
//! actuals file with located errors, `monitor` with its forecast, RAG and
//! risk share, `settle` with its balance line, `chart --kind monitor` and
//! monitoring `[[expect]]`s in `check`.

mod common;

use common::{Test, run_in_root};

const PLYMOUTH: &str = "scenarios/plymouth-monitoring.toml";
const PLYMOUTH_ACTUALS: &str = "scenarios/plymouth-2015-16-actuals.csv";

/// Two services, two partners, no growth and no savings, so each
/// service's budget is its contribution: adults £12m (council £9m, ICB
/// £3m, proportional, the council capped at £1m of overspend) and health
/// £24m (ICB alone).
const PLAN: &str = r#"[scenario]
name = "Test pool"
start = "2024/25"
horizon = 2

[[partner]]
id = "council"
name = "Council"
kind = "council"

[[partner]]
id = "icb"
name = "ICB"
kind = "nhs"

[[service]]
id = "adults"
name = "Adult social care"
lead = "council"
contributions = { council = "£9m", icb = "£3m" }
risk_share = { rule = "proportional", cap = { council = "£1m" } }

  [[service.setting]]
  id = "residential"
  name = "Residential care"
  share = "50%"

  [[service.setting]]
  id = "home"
  name = "Home care"
  share = "50%"

[[service]]
id = "health"
name = "Community health"
lead = "icb"
contributions = { icb = "£24m" }
"#;

/// A year of monthly actuals: adults a twelfth of £12m plus `adults_over`
/// spread over the year, health a twelfth of £24m plus `health_over`.
fn year(adults_over: i64, health_over: i64, months: usize) -> String {
    let mut out = String::from("year,period,service,value\n");
    for k in 1..=months {
        let a = 1_000_000 + if k == 12 { adults_over } else { 0 };
        let h = 2_000_000 + if k == 12 { health_over } else { 0 };
        out.push_str(&format!("2025/26,M{k:02},adults,{a}\n"));
        out.push_str(&format!("2025/26,M{k:02},health,{h}\n"));
    }
    out
}

/// A test directory with the plan and these actuals.
fn with_actuals(text: &str) -> Test {
    Test::new()
        .file("plan.toml", PLAN)
        .file("actuals.csv", text)
}

/// `settle` of 2025/26 as JSON, with more arguments.
fn settle_json(test: &Test, more: &[&str]) -> serde_json::Value {
    let mut args = vec![
        "settle",
        "plan.toml",
        "--actuals",
        "actuals.csv",
        "--year",
        "2025/26",
        "-f",
        "json",
    ];
    args.extend(more);
    json(&test.run_with(&args).status(0).stdout)
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

fn money(v: &serde_json::Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

fn partner<'a>(doc: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    doc["partners"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == id)
        .unwrap()
}

#[test]
fn the_plymouth_statement_keeps_council_money_out_of_acute_and_balances() {
    let ran = run_in_root(&[
        "settle",
        PLYMOUTH,
        "--actuals",
        PLYMOUTH_ACTUALS,
        "--year",
        "2015/16",
        "--format",
        "json",
    ])
    .status(0);
    let doc = json(&ran.stdout);
    assert_eq!(doc["kind"], "settlement");
    let acute = &doc["settlement"]["services"][0];
    assert_eq!(acute["id"], "acute");
    assert_eq!(money(&acute["variance"]), 9_600_000.0);
    // The council's fixed 26.09% of the acute overspend is capped at £0,
    // so the CCG bears all of it.
    let shares: Vec<(String, f64)> = acute["shares"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["partner"].as_str().unwrap().to_string(),
                money(&s["amount"]),
            )
        })
        .collect();
    assert_eq!(shares[0], ("council".into(), 0.0));
    assert_eq!(shares[1], ("ccg".into(), 9_600_000.0));
    let balance = &doc["settlement"]["balance"];
    assert_eq!(doc["settlement"]["balanced"], true);
    assert_eq!(money(&balance["money_in"]), money(&balance["money_out"]));
    assert_eq!(money(&balance["difference"]), 0.0);
    assert_eq!(money(&partner(&doc, "council")["balance"]), 1_343_333.33);
    assert_eq!(money(&partner(&doc, "ccg")["balance"]), 8_656_666.67);
    // The table says it balanced, in words.
    run_in_root(&[
        "settle",
        PLYMOUTH,
        "--actuals",
        PLYMOUTH_ACTUALS,
        "--year",
        "2015/16",
    ])
    .status(0)
    .stdout_has(
        "Balanced to the penny: money in £473,189,654.22 equals money out £473,189,654.22.",
    );
}

#[test]
fn month_six_looks_green_and_the_year_end_is_red() {
    let at = |to: &str, forecast: &str| {
        let ran = run_in_root(&[
            "monitor",
            PLYMOUTH,
            "--actuals",
            PLYMOUTH_ACTUALS,
            "--to",
            to,
            "--forecast",
            forecast,
            "--format",
            "json",
        ])
        .status(0);
        json(&ran.stdout)
    };
    let m6 = at("M06", "rest-of-budget");
    assert_eq!(m6["to_date"], "M06");
    assert_eq!(m6["services"][0]["rag"], "green");
    assert_eq!(m6["forecast"], "rest_of_budget");
    // Rest of budget: the forecast variance is the variance to date.
    assert_eq!(
        m6["services"][0]["forecast_variance"],
        m6["services"][0]["variance_to_date"]
    );
    // Straight line: six months' spend doubled.
    let line = at("M06", "straight-line");
    let actual = money(&line["services"][0]["actual_to_date"]);
    assert!((money(&line["services"][0]["forecast_outturn"]) - 2.0 * actual).abs() < 0.006);
    let m12 = at("M12", "rest-of-budget");
    assert_eq!(m12["services"][0]["rag"], "red");
    assert_eq!(money(&m12["services"][0]["forecast_variance"]), 9_600_000.0);
    // Adult social care is given by setting: residential runs over.
    let asc = &m12["services"][2];
    assert_eq!(asc["id"], "adult_social_care");
    assert_eq!(asc["settings"][0]["id"], "residential");
    // The illustration's setting budgets were made from shares to 6 dp.
    let over = money(&asc["settings"][0]["forecast_variance"]);
    assert!((over - 1_200_000.0).abs() < 100.0, "{over}");
}

#[test]
fn every_bad_row_is_located_at_once_and_nothing_is_written() {
    let bad = "year,period,service,partner,value\n\
2025/26,M01,adluts,,100\n\
2025/26,M13,health,,100\n\
2025/26,M02,health,,1.005\n\
2025/26,M03,health,icb,5\n\
2031/32,M01,health,,5\n\
2025/26,M04,health,,7\n\
2025/26,M04,health,,8\n\
2025/26,Q2,adults,,9\n\
2025/26,M05,,cuoncil,1\n";
    let test = with_actuals(bad);
    let ran = test
        .run_with(&[
            "monitor",
            "plan.toml",
            "--actuals",
            "actuals.csv",
            "-o",
            "out.json",
        ])
        .status(2)
        .stderr_has("actuals.csv:2:13: column `service`: unknown service `adluts`")
        .stderr_has("did you mean `adults`?")
        .stderr_has("actuals.csv:3:9: column `period`: `M13` is not a month or a quarter")
        .stderr_has("actuals.csv:4:21: column `value`: `1.005` has fractions of a penny")
        .stderr_has("a row is either spend (a `service`) or money paid in (a `partner`), not both")
        .stderr_has("column `year`: 2031/32 is not a year of the plan")
        .stderr_has("the plan runs 2024/25 to 2026/27")
        .stderr_has(
            "a second row for the same spend of `health`, M04 2025/26 (the first is line 7)",
        )
        .stderr_has("2025/26 is given in months (from line 7), so this row cannot be in quarters")
        .stderr_has("unknown partner `cuoncil`");
    // The offending line is shown.
    assert!(
        ran.stderr.contains("2025/26,M01,adluts,,100"),
        "{}",
        ran.stderr
    );
    assert!(!test.path().join("out.json").exists());
}

#[test]
fn a_header_without_a_needed_column_or_with_an_unknown_one_is_told() {
    let test = Test::new().file("plan.toml", PLAN).file(
        "actuals.csv",
        "year,month,service,amount\n2025/26,M01,health,1\n",
    );
    test.run_with(&["monitor", "plan.toml", "--actuals", "actuals.csv"])
        .status(2)
        .stderr_has("unknown column `month`")
        .stderr_has("missing the column `period`")
        .stderr_has("missing the column `value`");
}

#[test]
fn settle_refuses_a_year_not_complete_and_names_the_missing_months() {
    let test = with_actuals(&year(0, 0, 9));
    test.run_with(&[
        "settle",
        "plan.toml",
        "--actuals",
        "actuals.csv",
        "--year",
        "2025/26",
    ])
    .status(2)
    .stderr_has("2025/26 is not complete: no spend yet for M10 to M12");
    // Monitoring the same file is fine.
    test.run_with(&["monitor", "plan.toml", "--actuals", "actuals.csv"])
        .status(0)
        .stdout_has("Monitoring 2025/26 to M09 (December): 9 of 12 months in");
}

#[test]
fn a_service_missing_a_month_is_named() {
    let mut text = year(0, 0, 3);
    text = text.replace("2025/26,M02,health,2000000\n", "");
    let test = with_actuals(&text);
    test.run_with(&["monitor", "plan.toml", "--actuals", "actuals.csv"])
        .status(2)
        .stderr_has("2025/26 to M03 has no spend for `health` (M02)")
        .stderr_has("0 when nothing was spent");
}

#[test]
fn an_overspend_above_the_cap_is_shared_on_and_the_rest_is_unallocated() {
    // Adults £2m over: the council's 75% is £1.5m, capped at £1m; the
    // ICB takes the £0.5m excess on top of its 25%.
    let test = with_actuals(&year(2_000_000, 0, 12));
    let doc = settle_json(&test, &[]);
    assert_eq!(
        money(&partner(&doc, "council")["variance_share"]),
        1_000_000.0
    );
    assert_eq!(money(&partner(&doc, "icb")["variance_share"]), 1_000_000.0);
    assert_eq!(money(&doc["settlement"]["unallocated"]), 0.0);
    // Under a lead rule with the council capped, the excess belongs to no
    // partner: the pool is short by it, and the balance line says so.
    let lead = test
        .run_with(&[
            "settle",
            "plan.toml",
            "--actuals",
            "actuals.csv",
            "--year",
            "2025/26",
            "--set",
            "service.adults.risk_share.rule=lead",
        ])
        .status(0);
    assert!(
        lead.stdout
            .contains("£1,000,000.00 of overspend is above every cap"),
        "{}",
        lead.stdout
    );
    let less = lead
        .stdout
        .lines()
        .find(|l| l.contains("Not funded: overspend above every cap"))
        .unwrap();
    assert!(less.contains("-£1,000,000.00"), "{less}");
    assert!(
        lead.stdout.contains("Balanced to the penny"),
        "{}",
        lead.stdout
    );
}

#[test]
fn underspends_follow_the_plans_rule_and_the_statement_still_balances() {
    // Adults £1.2m under, health £0.3m over.
    let test = with_actuals(&year(-1_200_000, 300_000, 12));
    let settle =
        |rule: &str| settle_json(&test, &["--set", &format!("monitoring.underspend={rule}")]);
    let back = settle("return_pro_rata");
    assert_eq!(
        money(&partner(&back, "council")["variance_share"]),
        -900_000.0
    );
    assert_eq!(money(&partner(&back, "council")["balance"]), -900_000.0);
    let carried = settle("carry_forward");
    assert_eq!(money(&partner(&carried, "council")["variance_share"]), 0.0);
    assert_eq!(
        money(&partner(&carried, "council")["carried_forward"]),
        900_000.0
    );
    assert_eq!(
        money(&carried["settlement"]["balance"]["carried_forward"]),
        1_200_000.0
    );
    let kept = settle("retain_in_pool");
    assert_eq!(money(&kept["settlement"]["retained"]), 1_200_000.0);
    assert_eq!(
        money(&kept["settlement"]["balance"]["unallocated"]),
        1_200_000.0
    );
    for doc in [&back, &carried, &kept] {
        assert_eq!(doc["settlement"]["balanced"], true);
        let b = &doc["settlement"]["balance"];
        assert_eq!(money(&b["money_in"]), money(&b["money_out"]));
    }
    // Netted across the pool, the £0.3m overspend is absorbed by the
    // underspend and £0.9m is left to return.
    let netted = settle_json(&test, &["--set", "monitoring.net_across_services=true"]);
    let services = netted["settlement"]["services"].as_array().unwrap();
    assert_eq!(money(&services[0]["shared"]), -900_000.0);
    assert_eq!(money(&services[1]["shared"]), 0.0);
    assert_eq!(
        money(&partner(&netted, "icb")["variance_share"]),
        -225_000.0
    );
}

#[test]
fn money_paid_in_sets_each_partners_balance() {
    let mut text = String::from("year,period,service,partner,value\n");
    for line in year(600_000, 0, 12).lines().skip(1) {
        let (head, value) = line.rsplit_once(',').unwrap();
        text.push_str(&format!("{head},,{value}\n"));
    }
    // The council paid £8.5m of its £9m; the ICB all of its £27m.
    text.push_str("2025/26,M06,,council,8500000\n2025/26,M06,,icb,27000000\n");
    let test = with_actuals(&text);
    let ran = test.run_with(&[
        "settle",
        "plan.toml",
        "--actuals",
        "actuals.csv",
        "--year",
        "2025/26",
        "-f",
        "json",
    ]);
    let doc = json(&ran.status(0).stdout);
    assert_eq!(doc["settlement"]["paid_given"], true);
    let council = partner(&doc, "council");
    assert_eq!(money(&council["paid"]), 8_500_000.0);
    // Final £9m + 75% of £0.6m = £9.45m, less £8.5m paid.
    assert_eq!(money(&council["balance"]), 950_000.0);
    assert_eq!(money(&partner(&doc, "icb")["balance"]), 150_000.0);
    assert_eq!(doc["settlement"]["balanced"], true);
}

#[test]
fn quarterly_actuals_are_monitored_by_quarter() {
    let test = Test::new().file("plan.toml", PLAN).file(
        "actuals.csv",
        "year,period,service,value\n2025/26,Q1,adults,3100000\n2025/26,Q1,health,6000000\n",
    );
    let ran = test
        .run_with(&["monitor", "plan.toml", "--actuals", "actuals.csv"])
        .status(0)
        .stdout_has("Monitoring 2025/26 to Q1 (April to June): 1 of 4 quarters in");
    assert!(ran.stdout.contains("£0.10m"), "{}", ran.stdout);
    test.run_with(&[
        "monitor",
        "plan.toml",
        "--actuals",
        "actuals.csv",
        "--to",
        "M03",
    ])
    .status(2)
    .stderr_has("2025/26 is given in quarters");
}

#[test]
fn a_monthly_profile_phases_the_budget() {
    let plan = format!(
        "{PLAN}\n[monitoring]\nprofile = [\"5%\", \"5%\", \"5%\", \"5%\", \"5%\", \"5%\", \"10%\", \"10%\", \"10%\", \"15%\", \"15%\", \"10%\"]\n"
    );
    let test = Test::new()
        .file("plan.toml", &plan)
        .file("actuals.csv", &year(0, 0, 6));
    let doc = json(
        &test
            .run_with(&[
                "monitor",
                "plan.toml",
                "--actuals",
                "actuals.csv",
                "-f",
                "json",
            ])
            .status(0)
            .stdout,
    );
    // Six months at 5% each of £36m: £10.8m budgeted, £18m spent.
    assert_eq!(money(&doc["pool"]["budget_to_date"]), 10_800_000.0);
    assert_eq!(money(&doc["pool"]["actual_to_date"]), 18_000_000.0);
    let bad = format!(
        "{PLAN}\n[monitoring]\nprofile = [\"50%\", \"40%\"]\namber = \"5%\"\nred = \"2%\"\n"
    );
    let test = Test::new()
        .file("plan.toml", &bad)
        .file("actuals.csv", &year(0, 0, 1));
    test.run_with(&["monitor", "plan.toml", "--actuals", "actuals.csv"])
        .status(2)
        .stderr_has("`profile` has 2 monthly shares; a year has 12")
        .stderr_has("`red` is below `amber`");
}

#[test]
fn usage_errors_name_the_year_and_period() {
    let test = with_actuals(&year(0, 0, 3));
    test.run_with(&[
        "monitor",
        "plan.toml",
        "--actuals",
        "actuals.csv",
        "--year",
        "2030/31",
    ])
    .status(2)
    .stderr_has("--year 2030/31 is not a year of the plan");
    test.run_with(&[
        "monitor",
        "plan.toml",
        "--actuals",
        "actuals.csv",
        "--to",
        "M05",
    ])
    .status(2)
    .stderr_has("M05 is after the last period reported in 2025/26 (M03)");
    test.run_with(&[
        "monitor",
        "plan.toml",
        "--actuals",
        "actuals.csv",
        "--to",
        "June",
    ])
    .status(2)
    .stderr_has("--to June is not a month or a quarter");
    test.run_with(&[
        "monitor",
        "plan.toml",
        "--actuals",
        "actuals.csv",
        "-o",
        "actuals.csv",
    ])
    .status(2);
    assert!(
        std::fs::read_to_string(test.path().join("actuals.csv"))
            .unwrap()
            .starts_with("year,period")
    );
}

#[test]
fn every_format_writes_and_the_workbook_has_the_statement() {
    let test = with_actuals(&year(2_000_000, -500_000, 12));
    let args = [
        "settle",
        "plan.toml",
        "--actuals",
        "actuals.csv",
        "--year",
        "2025/26",
    ];
    for (ext, needle) in [
        ("txt", "Balanced to the penny"),
        (
            "md",
            "**Table 4. Balance: money in equals money out, to the penny.**",
        ),
        ("csv", "2025/26,,money_in,,,,37500000.00"),
        ("json", "\"balanced\": true"),
    ] {
        let out = format!("out.{ext}");
        let mut a = args.to_vec();
        a.extend(["-o", &out]);
        test.run_with(&a).status(0);
        let text = std::fs::read_to_string(test.path().join(&out)).unwrap();
        assert!(text.contains(needle), "{ext}: {text}");
    }
    let mut a = args.to_vec();
    a.extend(["-o", "out.xlsx"]);
    test.run_with(&a).status(0);
    use calamine::{Reader, open_workbook};
    let mut book: calamine::Xlsx<_> = open_workbook(test.path().join("out.xlsx")).unwrap();
    assert_eq!(
        book.sheet_names(),
        ["Outturn", "Partners", "Shares", "Balance", "Notes"]
    );
    let balance = book.worksheet_range("Balance").unwrap();
    let row = |label: &str| {
        balance
            .rows()
            .find(|r| r[0] == label)
            .map(|r| r[1].clone())
            .unwrap()
    };
    assert_eq!(row("Money out"), calamine::Data::Float(37_500_000.0));
    assert_eq!(row("Difference"), calamine::Data::Float(0.0));
}

#[test]
fn the_monitor_chart_draws_the_year() {
    let svg = run_in_root(&[
        "chart",
        PLYMOUTH,
        "--kind",
        "monitor",
        "--actuals",
        PLYMOUTH_ACTUALS,
        "--to",
        "M09",
    ])
    .status(0)
    .stdout;
    roxmltree::Document::parse(&svg).unwrap();
    for needle in [
        "2015/16 against budget",
        "To M09 (December)",
        "Dec",
        "£5.27m over",
        "Forecast: the rest of the budget",
    ] {
        assert!(svg.contains(needle), "{needle}");
    }
    // The plan names its actuals, so --actuals may be left out; a plan
    // that names none needs it.
    run_in_root(&["chart", PLYMOUTH, "--kind", "monitor", "-o", "-"]).status(0);
    Test::new()
        .file("plan.toml", PLAN)
        .run_with(&["chart", "plan.toml", "--kind", "monitor", "-o", "m.svg"])
        .status(2)
        .stderr_has("no actuals: give --actuals FILE.csv");
    run_in_root(&[
        "chart",
        PLYMOUTH,
        "--kind",
        "fan",
        "--actuals",
        PLYMOUTH_ACTUALS,
    ])
    .status(2)
    .stderr_has("are for `--kind monitor`");
}

#[test]
fn check_measures_monitoring_expectations_against_the_actuals() {
    run_in_root(&["check", PLYMOUTH])
        .status(0)
        .stdout_has("plymouth-monitoring.toml: ok (6 expectation(s) passed)");
    let test = Test::new()
        .file(
            "plan.toml",
            &format!(
                "{PLAN}\n[monitoring]\nactuals = \"data/actuals.csv\"\n\n[[expect]]\nyear = \"2025/26\"\nmetric = \"forecast_variance.adults\"\ncase = \"M06\"\nmax = \"£0\"\n\n[[expect]]\nyear = \"2025/26\"\nmetric = \"balance.council\"\nmax = \"£0\"\n"
            ),
        )
        .file("data/actuals.csv", &year(400_000, 0, 12));
    // At M06 adults are on budget; at year end the council owes 75% of
    // £0.4m.
    test.run_with(&["check", "plan.toml"]).status(1).stdout_has(
        "FAILED balance.council in 2025/26 (M12): £300,000.00 is above the maximum £0.00",
    );
    // A monitoring metric without actuals to read is an error at it.
    let no_actuals = format!(
        "{PLAN}\n[[expect]]\nyear = \"2025/26\"\nmetric = ⟨\"balance.council\"\nmax = \"£0\"\n"
    );
    let (text, line, col) = common::marked(&no_actuals);
    Test::new()
        .file("plan.toml", &text)
        .run_with(&["check", "plan.toml"])
        .status(2)
        .stderr_has(&format!("plan.toml:{line}:{col}: `balance.council` is measured against actuals, and [monitoring] names none"));
}

#[test]
fn a_month_that_looks_wrong_is_warned_of_at_its_row() {
    // M02 of health has a digit too many; M03 of adults is a large credit.
    let text = year(0, 0, 3)
        .replace("2025/26,M02,health,2000000", "2025/26,M02,health,20000000")
        .replace("2025/26,M03,adults,1000000", "2025/26,M03,adults,-900000");
    let test = with_actuals(&text);
    test.run_with(&["monitor", "plan.toml", "--actuals", "actuals.csv"])
        .status(0)
        .stderr_has("warning: actuals.csv:5:20: M02 spend of `health` is £20,000,000.00, 10.0 times its budget for the period (£2,000,000.00): a digit too many?")
        .stderr_has("warning: actuals.csv:6:20: M03 spend of `adults` is -£900,000.00: a credit of more than half its budget");
    // The Plymouth year has none.
    let ran = run_in_root(&["monitor", PLYMOUTH, "--actuals", PLYMOUTH_ACTUALS]).status(0);
    assert!(!ran.stderr.contains("warning"), "{}", ran.stderr);
}

#[test]
fn amounts_too_large_to_add_up_are_refused_without_a_panic() {
    // Each row holds, but the pool's total does not fit a decimal.
    let huge = "50000000000000000000000000000";
    let text = format!(
        "year,period,service,value\n2025/26,M01,adults,{huge}\n2025/26,M01,health,{huge}\n"
    );
    let test = with_actuals(&text);
    for args in [
        vec!["monitor", "plan.toml", "--actuals", "actuals.csv"],
        vec![
            "monitor",
            "plan.toml",
            "--actuals",
            "actuals.csv",
            "-f",
            "json",
        ],
        vec![
            "chart",
            "plan.toml",
            "--kind",
            "monitor",
            "--actuals",
            "actuals.csv",
            "-o",
            "m.svg",
        ],
    ] {
        test.run_with(&args).status(2).stderr_has("too large");
    }
    // One huge row against a tiny budget: a share of budget that no
    // percent holds is still shown.
    let tiny = PLAN.replace(
        "contributions = { icb = \"£24m\" }",
        "contributions = { icb = 1 }",
    );
    let text = "year,period,service,value\n2025/26,M01,adults,1000000\n2025/26,M01,health,7000000000000000000000000000\n";
    let test = Test::new()
        .file("plan.toml", &tiny)
        .file("actuals.csv", text);
    for format in ["table", "markdown", "csv", "json"] {
        let ran = test.run_with(&[
            "monitor",
            "plan.toml",
            "--actuals",
            "actuals.csv",
            "-f",
            format,
        ]);
        assert!(
            ran.code() == 0 || ran.code() == 2,
            "{format}: {}",
            ran.stderr
        );
    }
}

#[test]
fn every_figure_adds_up_to_the_penny() {
    let doc = json(
        &run_in_root(&["monitor", PLYMOUTH, "--to", "M06", "-f", "json"])
            .status(0)
            .stdout,
    );
    let services = doc["services"].as_array().unwrap();
    let pence = |v: &serde_json::Value| (money(v) * 100.0).round() as i64;
    for field in [
        "budget",
        "budget_to_date",
        "actual_to_date",
        "variance_to_date",
        "forecast_outturn",
        "forecast_variance",
    ] {
        let sum: i64 = services.iter().map(|x| pence(&x[field])).sum();
        assert_eq!(sum, pence(&doc["pool"][field]), "{field}");
    }
    for line in services.iter().chain([&doc["pool"]]) {
        // Rest of budget: the variance to date is the forecast variance.
        assert_eq!(
            pence(&line["variance_to_date"]),
            pence(&line["forecast_variance"])
        );
    }
    for line in services
        .iter()
        .map(|x| (x, &x["periods"]))
        .chain([(&doc["pool"], &doc["pool_periods"])])
    {
        let (l, periods) = line;
        let periods = periods.as_array().unwrap();
        let months: i64 = periods.iter().map(|p| pence(&p["budget"])).sum();
        assert_eq!(months, pence(&l["budget"]));
        let six: i64 = periods[..6].iter().map(|p| pence(&p["budget"])).sum();
        assert_eq!(six, pence(&l["budget_to_date"]));
        assert_eq!(
            pence(&periods[11]["cumulative_forecast"]),
            pence(&l["forecast_outturn"])
        );
    }
}

#[test]
fn settings_add_up_to_their_service_in_every_figure_and_period() {
    let pence = |v: &serde_json::Value| (money(v) * 100.0).round() as i64;
    for to in ["M01", "M04", "M06", "M08", "M11", "M12"] {
        for forecast in ["rest-of-budget", "straight-line"] {
            let args = [
                "monitor",
                PLYMOUTH,
                "--to",
                to,
                "--forecast",
                forecast,
                "-f",
                "json",
            ];
            let doc = json(&run_in_root(&args).status(0).stdout);
            let asc = &doc["services"][2];
            let settings = asc["settings"].as_array().unwrap();
            assert_eq!(settings.len(), 3);
            for field in [
                "budget",
                "budget_to_date",
                "actual_to_date",
                "variance_to_date",
                "forecast_outturn",
                "forecast_variance",
            ] {
                let sum: i64 = settings.iter().map(|x| pence(&x[field])).sum();
                assert_eq!(sum, pence(&asc[field]), "{to} {forecast} {field}");
            }
            for k in 0..12 {
                for field in ["budget", "cumulative_budget", "cumulative_forecast"] {
                    let of = |x: &serde_json::Value| x["periods"][k][field].clone();
                    if of(asc).is_null() {
                        continue;
                    }
                    let sum: i64 = settings.iter().map(|x| pence(&of(x))).sum();
                    assert_eq!(sum, pence(&of(asc)), "{to} {forecast} {field} {k}");
                }
            }
        }
    }
}

#[test]
fn a_ledger_export_as_excel_writes_it_is_read() {
    // A BOM, CRLF, capitalised titles in another order, a trailing comma,
    // quoted amounts with £ and commas, a credit in brackets, years with
    // a dash and periods in lower case.
    let text = "\u{feff}Value,Year,Period,Service,\r\n\
\"£1,000,000.00\",2025-26,m01,adults,\r\n\
\"£2,000,000.00\",2025-26,m01,health,\r\n\
\"(£1,000.50)\",2025-26,m02,adults,\r\n\
2000000,2025-26,m02,health,\r\n\r\n";
    let test = with_actuals(text);
    let doc = json(
        &test
            .run_with(&[
                "monitor",
                "plan.toml",
                "--actuals",
                "actuals.csv",
                "--year",
                "2025-26",
                "-f",
                "json",
            ])
            .status(0)
            .stdout,
    );
    assert_eq!(money(&doc["services"][0]["actual_to_date"]), 998_999.5);
    // Excel's "CSV (Comma delimited)" on a UK machine: £ as the byte 0xA3.
    let test = Test::new().file("plan.toml", PLAN).bytes(
        "actuals.csv",
        b"year,period,service,value\n2025/26,M01,adults,\"\xA31,000,000\"\n2025/26,M01,health,2000000\n",
    );
    test.run_with(&["monitor", "plan.toml", "--actuals", "actuals.csv"])
        .status(0)
        .stderr_has("not UTF-8, so read as Windows-1252");
    // Tabs are told, not read as one column.
    let test = Test::new().file("plan.toml", PLAN).file(
        "actuals.csv",
        "year\tperiod\tservice\tvalue\n2025/26\tM01\tadults\t1\n",
    );
    test.run_with(&["monitor", "plan.toml", "--actuals", "actuals.csv"])
        .status(2)
        .stderr_has("the cells of this file are separated by tabs, not commas");
}

#[test]
fn the_same_mistake_in_every_row_is_told_three_times_and_counted() {
    let mut text = String::from("year,period,service,value\n");
    for k in 1..=12 {
        text.push_str(&format!("2025/2026,M{k:02},adults,1\n"));
    }
    let test = with_actuals(&text);
    let ran = test
        .run_with(&["monitor", "plan.toml", "--actuals", "actuals.csv"])
        .status(2)
        .stderr_has("and this row and 8 more after it have the same problem")
        .stderr_has("(the first 4 of 12 are shown)");
    assert_eq!(
        ran.stderr.matches("is not a financial year").count(),
        4,
        "{}",
        ran.stderr
    );
}

#[test]
fn the_plans_own_actuals_are_used_and_a_missing_file_is_told_at_its_line() {
    let (plan, line, col) = common::marked(&format!(
        "{PLAN}\n[monitoring]\nactuals = ⟨\"data/gone.csv\"\n"
    ));
    let test = Test::new().file("plan.toml", &plan);
    test.run_with(&["monitor", "plan.toml"])
        .status(2)
        .stderr_has(&format!(
            "plan.toml:{line}:{col}: the actuals named here, data/gone.csv, cannot be read: no such file"
        ));
    // --to a quarter of a year in months: as at its last month.
    let plan = format!("{PLAN}\n[monitoring]\nactuals = \"a.csv\"\n");
    let test = Test::new()
        .file("plan.toml", &plan)
        .file("a.csv", &year(0, 0, 7));
    test.run_with(&["monitor", "plan.toml", "--to", "Q2"])
        .status(0)
        .stdout_has("to M06 (September)");
}

#[test]
fn a_gap_suggests_the_last_complete_period_and_a_setting_is_warned_of_at_its_row() {
    let mut text = year(0, 0, 7);
    text = text.replace("2025/26,M07,health,2000000\n", "");
    let test = with_actuals(&text);
    test.run_with(&["monitor", "plan.toml", "--actuals", "actuals.csv"])
        .status(2)
        .stderr_has("report as at the last period every service has: --to M06");
    let text = "year,period,service,setting,value\n\
2025/26,M01,adults,residential,500000\n\
2025/26,M01,adults,home,4950000\n\
2025/26,M01,health,,2000000\n";
    let test = with_actuals(text);
    test.run_with(&["monitor", "plan.toml", "--actuals", "actuals.csv"])
        .status(0)
        .stderr_has("warning: actuals.csv:3:25: M01 spend of `adults` in `home` is £4,950,000.00, 9.9 times its budget");
}

#[test]
fn a_balance_read_before_year_end_is_refused_at_its_case() {
    let (plan, line, col) = common::marked(&format!(
        "{PLAN}\n[monitoring]\nactuals = \"a.csv\"\n\n[[expect]]\nyear = \"2025/26\"\nmetric = \"balance.council\"\ncase = ⟨\"M06\"\nmax = \"£0\"\n"
    ));
    Test::new()
        .file("plan.toml", &plan)
        .file("a.csv", &year(0, 0, 12))
        .run_with(&["check", "plan.toml"])
        .status(2)
        .stderr_has(&format!(
            "plan.toml:{line}:{col}: `balance.council` is the year-end statement's: it has no period"
        ));
}

#[test]
fn errors_in_a_windows_file_point_at_their_own_row() {
    let text = "year,period,service,value\r\n2025/26,M01,adluts,1\r\n2025/26,M01,health,1\r\n";
    with_actuals(text)
        .run_with(&["monitor", "plan.toml", "--actuals", "actuals.csv"])
        .status(2)
        .stderr_has("actuals.csv:2:13: column `service`: unknown service `adluts`")
        .stderr_has("2 | 2025/26,M01,adluts,1");
}

#[test]
fn a_quarter_in_check_reads_a_year_in_months_and_named_actuals_must_exist() {
    let plan = format!(
        "{PLAN}\n[monitoring]\nactuals = \"a.csv\"\n\n[[expect]]\nyear = \"2025/26\"\nmetric = \"actual_to_date.adults\"\ncase = \"Q2\"\nmin = \"£6m\"\nmax = \"£6m\"\n"
    );
    Test::new()
        .file("plan.toml", &plan)
        .file("a.csv", &year(0, 0, 12))
        .run_with(&["check", "plan.toml"])
        .status(0)
        .stdout_has("ok (1 expectation(s) passed)");
    let (plan, line, col) =
        common::marked(&format!("{PLAN}\n[monitoring]\nactuals = ⟨\"gone.csv\"\n"));
    Test::new()
        .file("plan.toml", &plan)
        .run_with(&["check", "plan.toml"])
        .status(0)
        .stderr_has(&format!(
            "warning: plan.toml:{line}:{col}: the actuals named here, gone.csv, do not exist"
        ));
}
