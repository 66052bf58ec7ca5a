//! `pool-model project` through the real binary: the SPEC 5 worked example
//! read back from the JSON output, determinism, and the shipped scenario.

mod common;

use common::{Test, run_in_root};
use rust_decimal::Decimal;
use serde_json::Value;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// A JSON number (pounds) in £m to 6 dp.
fn m6(v: &Value) -> Decimal {
    let pounds: Decimal = v.to_string().parse().unwrap();
    (pounds / Decimal::from(1_000_000)).round_dp(6)
}

#[test]
fn worked_example_through_the_json_output() {
    let ran = Test::new()
        .file("w.toml", include_str!("data/worked_example.toml"))
        .args(&["project", "w.toml", "--format", "json"])
        .run()
        .status(0);
    let doc: Value = serde_json::from_str(&ran.stdout).unwrap();
    let expected = [
        (
            1,
            "0.500000",
            "5.970149",
            "1.940299",
            "98.059701",
            "33.134328",
            "15.895522",
            "2.451493",
        ),
        (
            2,
            "0.450000",
            "11.713031",
            "3.806735",
            "96.193265",
            "36.149341",
            "16.756955",
            "4.809663",
        ),
        (
            3,
            "0.400000",
            "17.241379",
            "5.603448",
            "94.396552",
            "39.051724",
            "17.586207",
            "4.719828",
        ),
    ];
    for (t, sigma, m, saving, total, sl, hs, eff) in expected {
        let y = &doc["services"][0]["years"][t];
        let settings = &y["settings"];
        assert_eq!(d(&settings[0]["share"].to_string()), d(sigma), "year {t}");
        assert!(
            ran.stdout.contains(&format!("\"share\": {sigma}")),
            "shares print to 6 dp"
        );
        assert_eq!(m6(&y["moved"]), d(m), "year {t}");
        assert_eq!(m6(&y["shift_savings"]), d(saving), "year {t}");
        assert_eq!(m6(&y["post_shift"]), d(total), "year {t}");
        assert_eq!(m6(&settings[1]["spend"]), d(sl), "year {t}");
        assert_eq!(m6(&settings[2]["spend"]), d(hs), "year {t}");
        assert_eq!(m6(&y["efficiency_savings"]), d(eff), "year {t}");
        assert_eq!(m6(&doc["years"][t]["shift_savings"]), d(saving), "year {t}");
    }
    // Money is printed to exactly 2 dp, from the exact decimal.
    assert_eq!(doc["years"][1]["shift_savings"].to_string(), "1940298.51");
    assert_eq!(doc["years"][0]["label"], "2009/10");
    assert_eq!(doc["format_version"], 1);
}

#[test]
fn output_is_byte_identical_run_to_run() {
    let a = run_in_root(&["project", "scenarios/birmingham.toml", "--format", "json"]).status(0);
    let b = run_in_root(&["project", "scenarios/birmingham.toml", "--format", "json"]).status(0);
    assert_eq!(a.stdout, b.stdout);
    let t = run_in_root(&["project", "scenarios/birmingham.toml"]).status(0);
    assert!(
        t.stdout
            .starts_with("Birmingham learning disability and mental health pool\n")
    );
    assert!(t.stdout.contains("£315.0m"));
}

#[test]
fn no_ranges_is_accepted() {
    run_in_root(&["project", "scenarios/birmingham.toml", "--no-ranges"]).status(0);
}

#[test]
fn help_shows_an_example_and_version_prints() {
    run_in_root(&["--help"])
        .status(0)
        .stdout_has("pool-model project scenarios/birmingham.toml");
    run_in_root(&["--version"])
        .status(0)
        .stdout_has("pool-model ");
}

#[test]
fn an_unknown_format_lists_the_valid_ones() {
    run_in_root(&["project", "scenarios/birmingham.toml", "--format", "xml"])
        .status(2)
        .stderr_has("possible values: table, markdown, csv, json");
}
