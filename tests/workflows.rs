//! Scenario workflows: variants (`extends`, merge rules one by one, `drop`,
//! chains, cycles, where errors point), `--set` on every path kind, and the
//! exit codes of `check` and `diff`.

mod common;

use common::{Test, run_in_root};
use serde_json::Value;

const BASE: &str = r#"[scenario]
name = "Base"
start = "2009/10"
horizon = 3

[[partner]]
id = "council"
name = "Council"
kind = "council"

[[partner]]
id = "pct"
name = "PCT"
kind = "nhs"

[[service]]
id = "ld"
name = "Learning disability"
lead = "council"
contributions = { council = "£80m", pct = "£20m" }

  [[service.setting]]
  id = "residential"
  name = "Residential"
  share = "55%"
  unit_cost = "£80k"

  [[service.setting]]
  id = "supported"
  name = "Supported living"
  share = "45%"
  unit_cost = "£60k"

[[shift]]
name = "Move"
service = "ld"
from = "residential"
to = { supported = "100%" }
target_share = "40%"
by = "2012/13"

[[saving]]
name = "Joint commissioning efficiencies"
rate = "2%"

[[cost]]
name = "Set-up"
amounts = ["£1m"]

[[variance]]
name = "Overspend"
service = "ld"
amounts = ["£1m"]

[[workforce]]
name = "Commissioners"
service = "ld"
employer = "pct"
staff = 10
cost_per_head = "£40k"

[[expect]]
year = "2012/13"
metric = "share.ld.residential"
max = "40%"
"#;

fn json(t: &Test, args: &[&str]) -> Value {
    let mut all = vec!["project"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let ran = t.run_with(&all).status(0);
    serde_json::from_str(&ran.stdout).unwrap()
}

fn variant(body: &str) -> Test {
    Test::new()
        .file("base.toml", BASE)
        .file("v.toml", &format!("extends = \"base.toml\"\n{body}"))
}

// --- merge rules ---------------------------------------------------------------

#[test]
fn a_variant_replaces_a_key() {
    let t = variant("[scenario]\nhorizon = 5\n");
    let doc = json(&t, &["v.toml"]);
    assert_eq!(doc["scenario"]["horizon"], 5);
    assert_eq!(doc["scenario"]["name"], "Base", "other keys are inherited");
}

#[test]
fn a_variant_merges_inline_tables_key_by_key() {
    let t = variant("[[service]]\nid = \"ld\"\ncontributions = { pct = \"£40m\" }\n");
    let doc = json(&t, &["v.toml"]);
    assert_eq!(doc["years"][0]["counterfactual"].to_string(), "120000000.0");
}

#[test]
fn a_variant_appends_an_unmatched_entry() {
    let t = variant("[[cost]]\nname = \"Training\"\namounts = [\"£2m\"]\n");
    let doc = json(&t, &["v.toml"]);
    assert_eq!(doc["years"][1]["costs"].to_string(), "3000000.0");
}

#[test]
fn a_matched_entry_keeps_the_keys_it_does_not_set() {
    let t = variant("[[cost]]\nname = \"Set-up\"\namounts = [\"£5m\"]\n");
    let doc = json(&t, &["v.toml"]);
    assert_eq!(doc["years"][1]["costs"].to_string(), "5000000.0");
}

#[test]
fn drop_removes_an_inherited_entry() {
    let t = variant(
        "[[cost]]\nname = \"Set-up\"\ndrop = true\n\n[[variance]]\nname = \"Overspend\"\ndrop = true\n",
    );
    let doc = json(&t, &["v.toml"]);
    assert_eq!(doc["years"][1]["costs"].to_string(), "0.0");
    assert_eq!(doc["years"][1]["variances"].to_string(), "0.0");
}

#[test]
fn settings_merge_by_id_within_a_service() {
    let t = variant(
        "[[service]]\nid = \"ld\"\n  [[service.setting]]\n  id = \"residential\"\n  unit_cost = \"£100k\"\n",
    );
    let doc = json(&t, &["v.toml"]);
    // £55m of residential care at £100k a head is 550 people.
    assert_eq!(
        doc["services"][0]["years"][0]["settings"][0]["people"].to_string(),
        "550.0"
    );
}

#[test]
fn dropping_something_the_base_lacks_is_an_error() {
    variant("[[cost]]\nname = \"Nothing\"\ndrop = true\n")
        .args(&["project", "v.toml"])
        .run()
        .status(2)
        .stderr_has(
            "error: v.toml:2:1: nothing to drop: the base has no [[cost]] with name \"Nothing\"",
        );
}

#[test]
fn chains_of_variants_merge_in_order() {
    let t = variant("[scenario]\nhorizon = 4\n").file(
        "v2.toml",
        "extends = \"v.toml\"\n[scenario]\nname = \"Second\"\n",
    );
    let doc = json(&t, &["v2.toml"]);
    assert_eq!(doc["scenario"]["horizon"], 4);
    assert_eq!(doc["scenario"]["name"], "Second");
}

#[test]
fn extends_is_relative_to_the_extending_file() {
    Test::new()
        .file("deep/base.toml", BASE)
        .file("deep/v.toml", "extends = \"base.toml\"\n")
        .args(&["project", "deep/v.toml"])
        .run()
        .status(0);
}

#[test]
fn a_cycle_is_an_error_naming_its_files() {
    Test::new()
        .file("a.toml", "extends = \"b.toml\"\n")
        .file("b.toml", "extends = \"a.toml\"\n")
        .args(&["project", "a.toml"])
        .run()
        .status(2)
        .stderr_has("b.toml:1:11: `extends` makes a cycle: a.toml -> b.toml -> a.toml");
}

#[test]
fn a_chain_deeper_than_8_is_an_error() {
    let mut t = Test::new().file("f0.toml", BASE);
    for i in 1..=9 {
        t = t.file(
            &format!("f{i}.toml"),
            &format!("extends = \"f{}.toml\"\n", i - 1),
        );
    }
    t.run_with(&["project", "f8.toml"]).status(0);
    t.run_with(&["project", "f9.toml"])
        .status(2)
        .stderr_has("chains more than 8 deep");
}

#[test]
fn a_missing_base_is_reported_at_the_extends_line() {
    Test::new()
        .file("v.toml", "# a variant\nextends = \"nowhere.toml\"\n")
        .args(&["project", "v.toml"])
        .run()
        .status(2)
        .stderr_has("error: v.toml:2:11: cannot read the base scenario nowhere.toml: no such file");
}

#[test]
fn a_bad_value_in_the_base_is_reported_at_the_base_line() {
    Test::new()
        .file(
            "base.toml",
            &BASE.replace("share = \"45%\"", "share = \"45\""),
        )
        .file(
            "v.toml",
            "extends = \"base.toml\"\n[scenario]\nhorizon = 4\n",
        )
        .args(&["project", "v.toml"])
        .run()
        .status(2)
        .stderr_has("error: base.toml:31:11: `45` is not a percent");
}

#[test]
fn a_bad_value_in_the_variant_is_reported_at_the_variant_line() {
    variant("\n[scenario]\nhorizon = \"four\"\n")
        .args(&["project", "v.toml"])
        .run()
        .status(2)
        .stderr_has("error: v.toml:4:11: `horizon` takes an integer, found a string");
}

#[test]
fn expectations_are_not_inherited() {
    // The base's expectation would fail with the target moved; the variant
    // states its own.
    let t = variant("[[shift]]\nservice = \"ld\"\ntarget_share = \"50%\"\n");
    t.run_with(&["check", "v.toml"])
        .status(0)
        .stdout_has("v.toml: ok (0 expectation(s) passed)");
    t.run_with(&["check", "v.toml", "base.toml"]).status(0);
}

#[test]
fn drop_outside_a_variant_is_explained() {
    Test::new()
        .file(
            "s.toml",
            &BASE.replace("name = \"Set-up\"", "name = \"Set-up\"\ndrop = true"),
        )
        .args(&["project", "s.toml"])
        .run()
        .status(2)
        .stderr_has("only works in a variant file");
}

// --- --set ------------------------------------------------------------------------

fn set(path_value: &str) -> Value {
    let t = Test::new().file("s.toml", BASE);
    json(&t, &["s.toml", "--set", path_value])
}

#[test]
fn set_overrides_each_path_kind() {
    assert_eq!(set("scenario.horizon=5")["scenario"]["horizon"], 5);
    assert_eq!(
        set("assumptions.inflation=10%")["years"][1]["counterfactual"].to_string(),
        "110000000.0"
    );
    assert_eq!(
        set("partner.pct.name=Primary care trust")["partners"][1]["name"],
        "Primary care trust"
    );
    assert_eq!(
        set("service.ld.growth=100%")["years"][1]["counterfactual"].to_string(),
        "200000000.0"
    );
    assert_eq!(
        set("service.ld.setting.residential.unit_cost=£110k")["services"][0]["years"][0]["settings"][0]["people"].to_string(),
        "500.0"
    );
    assert_eq!(
        set("shift.ld.target_share=55%")["services"][0]["years"][3]["moved"].to_string(),
        "0.0"
    );
    let no_saving = set("saving.Joint commissioning efficiencies.rate=0%");
    assert_eq!(
        no_saving["years"][1]["efficiency_savings"].to_string(),
        "0.0"
    );
    assert_eq!(
        set("cost.Set-up.amounts=[\"£2m\"]")["years"][1]["costs"].to_string(),
        "2000000.0"
    );
    assert_eq!(
        set("variance.Overspend.amounts=[\"-£1m\"]")["years"][1]["variances"].to_string(),
        "-1000000.0"
    );
    assert_eq!(
        set("workforce.Commissioners.staff=20")["partners"][1]["years"][0]["staff"].to_string(),
        "20.0"
    );
}

#[test]
fn set_values_are_strings_when_they_are_not_toml() {
    // `2011/12` and `35%` are not TOML values, so they are read as strings.
    let doc = set("shift.ld.by=2011/12");
    assert_eq!(
        doc["services"][0]["years"][2]["settings"][0]["share"].to_string(),
        "0.4"
    );
}

#[test]
fn set_a_path_that_names_nothing_lists_the_valid_ids() {
    Test::new()
        .file("s.toml", BASE)
        .args(&["project", "s.toml", "--set", "service.mh.growth=2%"])
        .run()
        .status(2)
        .stderr_has("error: --set service.mh.growth: no [[service]] `mh`")
        .stderr_has("the valid ones are `ld`");
    Test::new()
        .file("s.toml", BASE)
        .args(&["project", "s.toml", "--set", "saving.Nope.rate=2%"])
        .run()
        .status(2)
        .stderr_has("no [[saving]] `Nope`")
        .stderr_has("`Joint commissioning efficiencies`");
    Test::new()
        .file("s.toml", BASE)
        .args(&["project", "s.toml", "--set", "services.ld.growth=2%"])
        .run()
        .status(2)
        .stderr_has("names nothing a scenario has")
        .stderr_has("did you mean `service`?");
}

#[test]
fn set_with_a_malformed_argument_is_a_usage_error() {
    Test::new()
        .file("s.toml", BASE)
        .args(&["project", "s.toml", "--set", "scenario.horizon"])
        .run()
        .status(2)
        .stderr_has("is not PATH=VALUE");
}

#[test]
fn a_bad_value_from_set_names_the_override() {
    let ran = Test::new()
        .file("s.toml", BASE)
        .args(&["project", "s.toml", "--set", "shift.ld.target_share=35"])
        .run()
        .status(2);
    assert!(
        ran.stderr
            .contains("error: --set shift.ld.target_share: `35` is a bare number"),
        "{}",
        ran.stderr
    );
    assert!(
        ran.stderr.contains("| shift.ld.target_share=35\n"),
        "{}",
        ran.stderr
    );
}

#[test]
fn set_applies_after_extends() {
    let t = variant("[scenario]\nhorizon = 4\n");
    let doc = json(&t, &["v.toml", "--set", "scenario.horizon=6"]);
    assert_eq!(doc["scenario"]["horizon"], 6);
}

// --- check ------------------------------------------------------------------------

#[test]
fn check_passes_with_exit_0() {
    Test::new()
        .file("s.toml", BASE)
        .args(&["check", "s.toml"])
        .run()
        .status(0)
        .stdout_has("s.toml: ok (1 expectation(s) passed)")
        .stdout_has("1 file(s) checked: 1 ok, 0 with failed expectations, 0 invalid");
}

#[test]
fn expectations_check_the_appraisal_and_the_bcr_is_a_plain_number() {
    // BASE: a £1m cost, optimism bias raising it by 41%.
    let text = BASE.replace(
        "[[cost]]",
        "[[expect]]\nmetric = \"bcr\"\nmin = \"10\"\nmax = \"13.678435\"\n\n\
         [[expect]]\nmetric = \"npv_before_optimism_bias\"\nmin = \"£12,249,695.56\"\nmax = \"£12,249,695.56\"\n\n\
         [[expect]]\nmetric = \"pv_costs\"\nmin = \"£1,362,318.84\"\nmax = \"£1,362,318.84\"\n\n[[cost]]",
    )
    // The first `amounts` is the cost's.
    .replacen("amounts = [", "optimism_bias = \"41%\"\namounts = [", 1);
    Test::new()
        .file("s.toml", &text)
        .args(&["check", "s.toml"])
        .run()
        .status(1)
        // 13,215,879.14 / (966,183.57 x 1.41) = 9.701018, below the minimum.
        .stdout_has("FAILED bcr in years 1 to the horizon (central): 9.701018 is below the minimum 10.000000")
        .stdout_has("1 with failed expectations");
    // At the BCR as printed, every expectation holds.
    Test::new()
        .file(
            "s.toml",
            &text.replace("min = \"10\"", "min = \"9.701018\""),
        )
        .args(&["check", "s.toml"])
        .run()
        .status(0)
        .stdout_has("s.toml: ok (4 expectation(s) passed)");
    let bad = BASE.replace(
        "[[cost]]",
        "[[expect]]\nmetric = \"bcr\"\nyear = \"2010/11\"\nmin = \"1\"\n\n[[cost]]",
    );
    Test::new()
        .file("s.toml", &bad)
        .args(&["check", "s.toml"])
        .run()
        .status(2)
        .stderr_has("takes no `year`");
}

#[test]
fn expectations_read_the_mean_of_the_draws_and_the_chance_of_a_loss() {
    // A cost of £1m to £30m in the first year (the first `amounts`): NPV
    // is negative in part of the draws.
    let risky = BASE.replacen("amounts = [\"£1m\"]", "amounts = [\"£1m to £30m\"]", 1);
    let with = |expects: &str| format!("{risky}\n{expects}");
    Test::new()
        .file(
            "s.toml",
            &with("[[expect]]\nmetric = \"loss_probability\"\nmax = \"0%\"\n"),
        )
        .args(&["check", "s.toml"])
        .run()
        .status(1)
        .stdout_has("FAILED loss_probability over the draws: ")
        .stdout_has("is above the maximum 0.0000%");
    Test::new()
        .file(
            "s.toml",
            &with(
                "[[expect]]\nmetric = \"loss_probability\"\nmin = \"10%\"\nmax = \"90%\"\n\n\
                 [[expect]]\nmetric = \"npv\"\ncase = \"mean\"\nmax = \"£12m\"\n\n\
                 [[expect]]\nmetric = \"cumulative_net_savings\"\nyear = \"2012/13\"\ncase = \"mean\"\nmax = \"£30m\"\n",
            ),
        )
        .args(&["check", "s.toml"])
        .run()
        .status(0)
        .stdout_has("ok (4 expectation(s) passed");
    // A mean only where Monte Carlo reports one; no percentiles of a chance.
    Test::new()
        .file(
            "s.toml",
            &with(
                "[[expect]]\nmetric = \"spend.ld\"\nyear = \"2012/13\"\ncase = \"mean\"\nmax = \"£1bn\"\n\n\
                 [[expect]]\nmetric = \"loss_probability\"\ncase = \"p10\"\nmax = \"5%\"\n",
            ),
        )
        .args(&["check", "s.toml"])
        .run()
        .status(2)
        .stderr_has("has no Monte Carlo mean")
        .stderr_has("has no percentiles");
}

#[test]
fn a_failed_expectation_exits_1_with_its_value_and_bound() {
    let text = BASE.replace("max = \"40%\"", "max = \"39%\"");
    Test::new()
        .file("s.toml", &text)
        .args(&["check", "s.toml"])
        .run()
        .status(1)
        .stdout_has("s.toml: FAILED share.ld.residential in 2012/13 (central): 40.0000% is above the maximum 39.0000%");
}

#[test]
fn an_invalid_file_exits_2_and_the_others_are_still_checked() {
    Test::new()
        .file("good.toml", BASE)
        .file("bad.toml", "[scenario]\n")
        .args(&["check", "bad.toml", "good.toml", "missing.toml"])
        .run()
        .status(2)
        .stdout_has("bad.toml: invalid (")
        .stdout_has("good.toml: ok")
        .stdout_has("missing.toml: invalid (1 error(s)")
        .stderr_has("error: missing.toml: no such file")
        .stdout_has("3 file(s) checked: 1 ok, 0 with failed expectations, 2 invalid");
}

#[test]
fn percentile_expectations_are_evaluated_from_monte_carlo() {
    // A ranged saving rate: NPV's p10 is below its p90.
    let ranged = BASE.replace("rate = \"2%\"", "rate = \"0% to 4%\"");
    let text = format!("{ranged}\n[[expect]]\nmetric = \"npv\"\nmin = \"£1\"\ncase = \"p10\"\n");
    Test::new()
        .file("s.toml", &text)
        .args(&["check", "s.toml", "--draws", "2000"])
        .run()
        .status(0)
        .stdout_has("s.toml: ok (2 expectation(s) passed");
    let text = format!("{ranged}\n[[expect]]\nmetric = \"npv\"\nmin = \"£1bn\"\ncase = \"p90\"\n");
    Test::new()
        .file("s.toml", &text)
        .args(&["check", "s.toml", "--draws", "2000"])
        .run()
        .status(1)
        .stdout_has("FAILED npv in years 1 to the horizon (p90):");
}

#[test]
fn percentiles_of_unsampled_metrics_are_rejected() {
    let text = format!(
        "{BASE}\n[[expect]]\nyear = \"2012/13\"\nmetric = \"share.ld.residential\"\nmax = \"40%\"\ncase = \"p90\"\n"
    );
    Test::new()
        .file("s.toml", &text)
        .args(&["check", "s.toml"])
        .run()
        .status(2)
        .stderr_has("has no percentiles");
}

// --- diff -----------------------------------------------------------------------

#[test]
fn diff_of_identical_scenarios_exits_0() {
    Test::new()
        .file("s.toml", BASE)
        .args(&["diff", "s.toml", "s.toml"])
        .run()
        .status(0)
        .stdout_has("The scenarios are identical.");
}

#[test]
fn diff_of_different_scenarios_exits_1_and_names_the_inputs() {
    variant("[[shift]]\nservice = \"ld\"\nby = \"2011/12\"\n\n[[cost]]\nname = \"Training\"\namounts = [\"£2m\"]\n")
        .args(&["diff", "base.toml", "v.toml"])
        .run()
        .status(1)
        .stdout_has("shift.ld.by")
        .stdout_has("2012/13")
        .stdout_has("2011/12")
        .stdout_has("cost.Training");
}

#[test]
fn diff_treats_equal_values_written_differently_as_equal() {
    let t = Test::new().file("a.toml", BASE).file(
        "b.toml",
        &BASE
            .replace("\"£80m\"", "80000000")
            .replace("\"£1m\"]", "\"£1,000,000\"]"),
    );
    t.run_with(&["diff", "a.toml", "b.toml"]).status(0);
}

#[test]
fn diff_set_applies_to_b_only() {
    let ran = Test::new()
        .file("s.toml", BASE)
        .args(&[
            "diff",
            "s.toml",
            "s.toml",
            "--set",
            "scenario.discount_rate=5%",
            "--format",
            "json",
        ])
        .run()
        .status(1);
    let doc: Value = serde_json::from_str(&ran.stdout).unwrap();
    assert_eq!(doc["inputs"][0]["key"], "scenario.discount_rate");
    assert_eq!(doc["inputs"][0]["a"], "green_book");
    assert_eq!(doc["inputs"][0]["b"], "5%");
    // Only the appraisal changes: the NPV and its parts, never a cash figure.
    let metrics: Vec<&str> = doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["metric"].as_str().unwrap())
        .collect();
    assert!(metrics.contains(&"npv"), "{metrics:?}");
    let appraisal = [
        "npv",
        "pv_savings",
        "pv_costs",
        "npv_before_optimism_bias",
        "bcr",
        "discount_factor",
        "present_value",
    ];
    assert!(
        metrics.iter().all(|m| appraisal.contains(m)),
        "only the appraisal changes: {metrics:?}"
    );
}

#[test]
fn diff_with_an_invalid_file_reports_its_errors_and_exits_2() {
    Test::new()
        .file("good.toml", BASE)
        .file("bad.toml", &BASE.replace("horizon = 3", "horizon = 0"))
        .args(&["diff", "good.toml", "bad.toml"])
        .run()
        .status(2)
        .stderr_has("error: bad.toml:4:11: `horizon` must be 1 to 50");
}

#[test]
fn diff_csv_has_the_documented_header() {
    let ran = Test::new()
        .file("s.toml", BASE)
        .args(&[
            "diff",
            "s.toml",
            "s.toml",
            "--set",
            "scenario.discount_rate=5%",
            "--format",
            "csv",
        ])
        .run()
        .status(1);
    let mut lines = ran.stdout.lines();
    assert_eq!(
        lines.next(),
        Some("year,metric,service,setting,partner,case,a,b,diff")
    );
    assert_eq!(
        lines.next(),
        Some(",input.scenario.discount_rate,,,,,green_book,5%,")
    );
}

#[test]
fn shipped_scenarios_pass_check() {
    run_in_root(&[
        "check",
        "scenarios/birmingham.toml",
        "scenarios/birmingham-fast.toml",
    ])
    .status(0);
}
