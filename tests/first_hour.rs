//! What a new analyst meets in the first hour (issue 30), each pinned by
//! driving the binary: nested `--set` paths, `[[expect]]` on a partner's
//! share of savings and overspends, and what the Services table says its
//! columns are.

mod common;

use common::{Test, root, run_in_root};

const BIRMINGHAM: &str = "scenarios/birmingham.toml";

fn csv_value(stdout: &str, metric: &str, partner: &str, year: &str) -> String {
    stdout
        .lines()
        .find(|l| {
            let f: Vec<&str> = l.split(',').collect();
            f.len() == 7 && f[0] == year && f[1] == metric && f[4] == partner && f[5] == "central"
        })
        .map(|l| l.rsplit(',').next().unwrap().to_string())
        .unwrap_or_else(|| panic!("{metric} {partner} {year}"))
}

#[test]
fn set_reaches_a_cap_inside_a_risk_share() {
    let plain = run_in_root(&["project", BIRMINGHAM, "--no-ranges", "--format", "csv"]).status(0);
    assert_eq!(
        csv_value(&plain.stdout, "variance_share", "bcc", "2010/11"),
        "2250000.00"
    );
    // The council capped at £100k a year: the rest is unallocated.
    let capped = run_in_root(&[
        "project",
        BIRMINGHAM,
        "--no-ranges",
        "--format",
        "csv",
        "--set",
        "service.learning_disability.risk_share.cap.bcc=£100k",
    ])
    .status(0);
    assert_eq!(
        csv_value(&capped.stdout, "variance_share", "bcc", "2010/11"),
        "100000.00"
    );
    // A contribution too.
    let more = run_in_root(&[
        "project",
        BIRMINGHAM,
        "--no-ranges",
        "--format",
        "csv",
        "--set",
        "service.mental_health.contributions.ben=£60m",
    ])
    .status(0);
    assert_ne!(
        csv_value(&more.stdout, "contribution", "ben", "2009/10"),
        csv_value(&plain.stdout, "contribution", "ben", "2009/10")
    );
    // A partner that is not there is a located error with a suggestion.
    run_in_root(&[
        "project",
        BIRMINGHAM,
        "--set",
        "service.learning_disability.risk_share.cap.bcx=£100k",
    ])
    .status(2)
    .stderr_has("--set service.learning_disability.risk_share.cap.bcx: unknown partner `bcx`")
    .stderr_has("did you mean `bcc`?");
}

#[test]
fn expect_asserts_what_a_partner_bears_and_gets_back() {
    let text = std::fs::read_to_string(root().join(BIRMINGHAM)).unwrap();
    let with = |expect: &str| format!("{text}\n{expect}");
    // "The council bears at most £1m of overspends a year": it bears
    // £2.25m in 2010/11.
    let t = Test::new().file(
        "b.toml",
        &with(
            "[[expect]]\nyear = \"2010/11\"\nmetric = \"variance_share.bcc\"\nmax = \"£1m\"\n\n[[expect]]\nyear = \"2014/15\"\nmetric = \"savings_share.ben\"\nmin = \"£2m\"\n",
        ),
    );
    t.run_with(&["check", "b.toml"])
        .status(1)
        .stdout_has(
            "b.toml: FAILED variance_share.bcc in 2010/11 (central): £2,250,000.00 is above the maximum £1,000,000.00",
        );
    // An unknown partner in the metric is a located error.
    let t = Test::new().file(
        "b.toml",
        &with("[[expect]]\nmetric = \"savings_share.bcx\"\nyear = \"2014/15\"\nmin = \"£0\"\n"),
    );
    t.run_with(&["check", "b.toml"])
        .status(2)
        .stderr_has("unknown partner `bcx` in metric `savings_share.bcx`");
}

#[test]
fn the_services_table_says_moves_are_levels_and_people_have_one_decimal() {
    let ran = run_in_root(&["project", BIRMINGHAM, "--no-ranges"]).status(0);
    assert!(ran.stdout.contains("People moved"));
    assert!(ran.stdout.contains("(vs counter-"));
    // People to one decimal place throughout, whole numbers too.
    assert!(ran.stdout.contains(" 2,040.7 │"));
    assert!(ran.stdout.contains(" 1,991.0 │"), "{}", ran.stdout);
    assert!(!ran.stdout.contains(" 1,991 │"));
}

#[test]
fn diff_starts_with_the_answer_and_lists_the_largest_results() {
    let ran = run_in_root(&["diff", BIRMINGHAM, "scenarios/birmingham-fast.toml"]).status(1);
    let out = &ran.stdout;
    let at = |needle: &str| {
        out.find(needle)
            .unwrap_or_else(|| panic!("{needle}:\n{out}"))
    };
    // The headline comes first, then the inputs, then the results.
    assert!(at("Headline (central case)") < at("Inputs that differ (3)"));
    assert!(at("Inputs that differ (3)") < at("Results that differ ("));
    assert!(out.contains("│ NPV (real, 2009/10 prices, Green Book discounting, after optimism bias) ┆  £60.0m ┆  £66.7m ┆ +£6.7m │"));
    assert!(out.contains("│ Cumulative net savings by 2014/15 (cash)"));
    assert!(out.contains("Net contribution of Birmingham City Council, 2014/15 (cash)"));
    // The 20 largest results, and how to see every one; the heading says
    // percentiles are compared.
    assert!(out.contains(": the 20 largest (--all for every one)"));
    assert!(out.contains("the Monte Carlo percentiles and means"));
    let rows = |text: &str| {
        text.lines()
            .filter(|l| l.contains(" ┆ central ") || l.contains(" ┆ p") || l.contains(" ┆ mean "))
            .count()
    };
    assert_eq!(rows(out), 20);
    let all = run_in_root(&[
        "diff",
        BIRMINGHAM,
        "scenarios/birmingham-fast.toml",
        "--all",
    ])
    .status(1);
    assert!(rows(&all.stdout) > 100, "{}", rows(&all.stdout));
    // Central case only: the heading says so.
    let central = run_in_root(&[
        "diff",
        BIRMINGHAM,
        "scenarios/birmingham-fast.toml",
        "--no-ranges",
    ])
    .status(1);
    assert!(
        central
            .stdout
            .contains("The central case compared as printed")
    );
    assert!(!central.stdout.contains(" ┆ p50 "));
}

/// The worked example with one slip made.
fn slipped(from: &str, to: &str) -> Test {
    let text = std::fs::read_to_string(root().join("tests/data/worked_example.toml")).unwrap();
    assert!(text.contains(from), "{from}");
    Test::new().file("s.toml", &text.replacen(from, to, 1))
}

#[test]
fn common_slips_name_the_key_and_show_the_fix() {
    // A range written with a dash.
    slipped("rate = \"5%\"", "rate = \"2-4%\"")
        .run_with(&["check", "s.toml"])
        .status(2)
        .stderr_has("error: s.toml:")
        .stderr_has("`2-4%` is not a percent")
        .stderr_has("= help: a range is written with \"to\": \"2% to 4%\"");
    // A year without quotes.
    slipped("by = \"2012/13\"", "by = 2012/13")
        .run_with(&["check", "s.toml"])
        .status(2)
        .stderr_has("invalid TOML at `by`:")
        .stderr_has("= help: write it in quotes: by = \"2012/13\"");
    // Curly quotes from a word processor.
    slipped("name = \"Efficiencies\"", "name = \u{201c}Efficiencies\u{201d}")
        .run_with(&["check", "s.toml"])
        .status(2)
        .stderr_has("invalid TOML at `name`:")
        .stderr_has("curly quotes (from a word processor) are not TOML's: use straight ones, name = \"Efficiencies\"");
    // A number in quotes.
    slipped("horizon = 3", "horizon = \"5\"")
        .run_with(&["check", "s.toml"])
        .status(2)
        .stderr_has("error: s.toml:5:11: `horizon` takes an integer, found a string")
        .stderr_has("= help: a whole number is written without quotes: horizon = 5");
}

#[test]
fn a_variant_that_changes_a_share_is_told_at_its_own_line() {
    let base = std::fs::read_to_string(root().join("tests/data/worked_example.toml")).unwrap();
    let t = Test::new().file("base.toml", &base).file(
        "v.toml",
        "extends = \"base.toml\"\n\n[[service]]\nid = \"ld\"\n\n  [[service.setting]]\n  id = \"residential\"\n  share = \"60%\"\n",
    );
    t.run_with(&["check", "v.toml"]).status(2).stderr_has(
        "error: v.toml:8:11: setting shares of service `ld` sum to 105%, not exactly 100%",
    );
    // A --set is the newest edit of all.
    t.run_with(&[
        "check",
        "base.toml",
        "--set",
        "service.ld.setting.home_support.share=20%",
    ])
    .status(2)
    .stderr_has("error: --set service.ld.setting.home_support.share: setting shares of service `ld` sum to 105%");
}

/// Characters on the widest line of a text.
fn widest(text: &str) -> usize {
    text.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

#[test]
fn the_summary_fits_100_columns_and_tables_can_be_chosen_and_turned() {
    for name in common::shipped_scenarios() {
        let ran = run_in_root(&[
            "project",
            &format!("scenarios/{name}"),
            "--tables",
            "summary",
            "--no-ranges",
        ])
        .status(0);
        let summary: String = ran
            .stdout
            .split("\n\n")
            .take(3)
            .collect::<Vec<_>>()
            .join("\n\n");
        assert!(summary.contains("Summary by year (cash)"), "{name}");
        assert!(
            widest(&summary) <= 100,
            "{name}: {} columns\n{summary}",
            widest(&summary)
        );
    }
    // Only the tables asked for, in the tool's order.
    let ran = run_in_root(&[
        "project",
        BIRMINGHAM,
        "--tables",
        "partners,summary",
        "--no-ranges",
    ])
    .status(0);
    let titles: Vec<&str> = ran
        .stdout
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with(['│', '╭', '╞', '╰', '├']))
        .skip(3)
        .collect();
    assert_eq!(
        titles,
        [
            "Summary by year (cash)",
            "Where the savings come from (cash)",
            "Partners: contributions and risk share",
            "Net present value, 2010/11 to 2014/15 (real, 2009/10 prices, Green Book discounting, after optimism bias): £60.0m"
        ]
    );
    // Years across: a column a year, a row a measure.
    let ran = run_in_root(&[
        "project",
        BIRMINGHAM,
        "--tables",
        "summary",
        "--years",
        "across",
        "--no-ranges",
    ])
    .status(0);
    assert!(
        ran.stdout.contains(
            "│ Measure                ┆ 2009/10 ┆ 2010/11 ┆ 2011/12 ┆ 2012/13 ┆ 2013/14 ┆ 2014/15 │"
        ),
        "{}",
        ran.stdout
    );
    assert!(ran.stdout.contains(
        "│ Cumulative net savings ┆   £0.0m ┆   £3.6m ┆  £14.8m ┆  £32.3m ┆  £52.1m ┆  £72.8m │"
    ));
    // Tables with a label per row keep it, once.
    let ran = run_in_root(&[
        "project",
        BIRMINGHAM,
        "--tables",
        "partners",
        "--years",
        "across",
        "--no-ranges",
    ])
    .status(0);
    assert!(
        ran.stdout.contains("│ Birmingham City Council"),
        "{}",
        ran.stdout
    );
    // A table name that is not one is a usage error naming them.
    run_in_root(&["project", BIRMINGHAM, "--tables", "sumary"])
        .status(2)
        .stderr_has(
            "possible values: summary, services, settings, workforce, partners, ranges, appraisal",
        );
}

#[test]
fn set_takes_a_value_as_sensitivity_names_it() {
    let name = "saving \"Joint commissioning from shared providers\".rate";
    let csv = run_in_root(&["sensitivity", BIRMINGHAM, "--format", "csv"]).status(0);
    assert!(
        csv.stdout
            .contains("\"saving \"\"Joint commissioning from shared providers\"\".rate\"")
    );
    let plain = run_in_root(&["project", BIRMINGHAM, "--no-ranges", "--format", "csv"]).status(0);
    let set = format!("{name}=2%");
    let doubled = run_in_root(&[
        "project",
        BIRMINGHAM,
        "--no-ranges",
        "--format",
        "csv",
        "--set",
        &set,
    ])
    .status(0);
    let efficiency = |text: &str| {
        text.lines()
            .find(|l| l.starts_with("2014/15,efficiency_savings,,,,central,"))
            .unwrap()
            .to_string()
    };
    assert_eq!(
        efficiency(&plain.stdout),
        "2014/15,efficiency_savings,,,,central,3656735.27"
    );
    assert_eq!(
        efficiency(&doubled.stdout),
        "2014/15,efficiency_savings,,,,central,7313470.54"
    );
}
