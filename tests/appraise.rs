//! `pool-model appraise` (SPEC 4.3) driven as a user would: the shipped
//! Birmingham options set, each option's figures the same as its own
//! `project` and `sensitivity`, the warning for options that do not share a
//! counterfactual, the chart, and errors that write nothing.

mod common;

use common::{Test, root, run_in_root};
use serde_json::Value;

const OPTIONS: [&str; 4] = [
    "scenarios/birmingham-option-1-business-as-usual.toml",
    "scenarios/birmingham-option-2-do-minimum.toml",
    "scenarios/birmingham-option-3-preferred.toml",
    "scenarios/birmingham-option-4-further-and-faster.toml",
];

fn json(args: &[&str]) -> Value {
    let ran = run_in_root(args).status(0);
    serde_json::from_str(&ran.stdout).unwrap()
}

#[test]
fn each_option_s_figures_are_its_own_project_and_sensitivity() {
    let mut args = vec!["appraise", "--format", "json"];
    args.extend(OPTIONS);
    let doc = json(&args);
    let options = doc["options"].as_array().unwrap();
    assert_eq!(options.len(), 4);
    assert_eq!(doc["warnings"], Value::Array(Vec::new()));
    for (i, (o, file)) in options.iter().zip(OPTIONS).enumerate() {
        assert_eq!(o["option"], i + 1);
        assert_eq!(o["file"], file);
        assert_eq!(o["comparable"], true);
        let p = json(&["project", file, "--format", "json"]);
        let a = &p["appraisal"];
        for key in [
            "pv_savings",
            "pv_costs",
            "npv",
            "npv_before_optimism_bias",
            "bcr",
        ] {
            assert_eq!(o[key], a[key], "{file}: {key}");
        }
        assert_eq!(o["price_base"], "2009/10");
        assert_eq!(o["discount_rate"], "green_book");
        // Monte Carlo: the same draws as `project`.
        assert_eq!(o["ranges"]["npv"], p["ranges"]["npv"], "{file}");
        assert_eq!(o["ranges"]["draws"], 10000);
        // The largest swing is the first bar of `sensitivity`.
        let t = json(&["sensitivity", file, "--format", "json"]);
        let top = &t["bars"][0];
        if top["swing"].as_f64().unwrap() == 0.0 {
            assert_eq!(o["largest_swing"], Value::Null, "{file}");
        } else {
            assert_eq!(o["largest_swing"]["value"], top["value"], "{file}");
            assert_eq!(o["largest_swing"]["swing"], top["swing"], "{file}");
            assert_eq!(o["largest_swing"]["switching"], top["switching"], "{file}");
        }
    }
    // Business as usual is the benchmark: nothing saved, nothing spent.
    assert_eq!(options[0]["npv"], 0.0);
    assert_eq!(options[0]["bcr"], Value::Null);
    // The preferred option has the highest NPV, £48.8m.
    assert_eq!(doc["highest_npv"], 3);
    let npv = options[2]["npv"].as_f64().unwrap();
    assert!((48.7e6..48.9e6).contains(&npv), "{npv}");
}

#[test]
fn the_table_puts_the_options_side_by_side() {
    let mut args = vec!["appraise"];
    args.extend(OPTIONS);
    run_in_root(&args)
        .status(0)
        .stdout_has("Options appraisal: 4 options")
        .stdout_has("NPV real, 2009/10 prices, Green Book discounting, after optimism bias")
        .stdout_has("3. Preferred: residential care 55% to 40% in three years")
        .stdout_has("£48.8m")
        .stdout_has("no ranged value moves NPV")
        .stdout_has("Highest NPV: option 3");
}

#[test]
fn options_with_another_counterfactual_are_named_in_a_warning() {
    let ran = run_in_root(&[
        "appraise",
        "scenarios/birmingham.toml",
        "scenarios/birmingham-fast.toml",
        "scenarios/plymouth.toml",
        "--no-ranges",
        "--format",
        "json",
    ])
    .status(0)
    .stderr_has("warning: option 3 (scenarios/plymouth.toml) does not share the counterfactual");
    let doc: Value = serde_json::from_str(&ran.stdout).unwrap();
    let comparable: Vec<&Value> = doc["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| &o["comparable"])
        .collect();
    assert_eq!(
        comparable,
        [&Value::Bool(true), &Value::Bool(true), &Value::Bool(false)]
    );
    assert_eq!(doc["warnings"].as_array().unwrap().len(), 1);
    assert_eq!(doc["options"][0]["ranges"], Value::Null);
    // Plymouth's NPV is larger but not comparable: the highest comparable
    // is the faster Birmingham variant.
    assert_eq!(doc["highest_npv"], 2);
    // A different discount rate is warned of too.
    run_in_root(&[
        "appraise",
        "scenarios/birmingham.toml",
        "scenarios/birmingham.toml",
        "--no-ranges",
        "--set",
        "scenario.discount_rate=1.5%",
    ])
    .status(0);
}

#[test]
fn csv_has_one_row_per_option_and_a_column_per_percentile() {
    let mut args = vec!["appraise", "--format", "csv"];
    args.extend(OPTIONS);
    let ran = run_in_root(&args).status(0);
    let mut reader = csv::Reader::from_reader(ran.stdout.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        [
            "option",
            "file",
            "name",
            "comparable",
            "pv_savings",
            "pv_costs",
            "npv",
            "npv_before_optimism_bias",
            "bcr",
            "npv_mean",
            "loss_probability",
            "npv_p10",
            "npv_p50",
            "npv_p90",
            "largest_swing_value",
            "largest_swing_label",
            "largest_swing",
            "switching_value",
            "switching_change"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 4);
    assert_eq!(
        &rows[2][2],
        "Preferred: residential care 55% to 40% in three years"
    );
    assert_eq!(&rows[0][17], "", "business as usual has no switching value");
    let doc = {
        let mut args = vec!["appraise", "--format", "json"];
        args.extend(OPTIONS);
        json(&args)
    };
    for (row, o) in rows.iter().zip(doc["options"].as_array().unwrap()) {
        assert_eq!(row[6].parse::<f64>().unwrap(), o["npv"].as_f64().unwrap());
        assert_eq!(
            row[9].parse::<f64>().unwrap(),
            o["ranges"]["npv"]["mean"].as_f64().unwrap()
        );
    }
}

#[test]
fn an_svg_output_draws_the_options_chart_and_chart_draws_it_too() {
    let test = Test::new();
    let out = test.path().join("options.svg");
    let mut args = vec!["appraise", "-o", out.to_str().unwrap()];
    args.extend(OPTIONS);
    run_in_root(&args).status(0);
    let svg = std::fs::read_to_string(&out).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let texts: Vec<String> = doc
        .descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text().map(str::to_string))
        .collect();
    for want in ["Options appraisal: NPV of each option", "£48.8m", "£0.0m"] {
        assert!(texts.iter().any(|t| t.contains(want)), "{want}: {texts:?}");
    }
    let mut chart = vec!["chart", "--kind", "options"];
    chart.extend(OPTIONS);
    let drawn = run_in_root(&chart).status(0).stdout;
    assert_eq!(
        drawn, svg,
        "chart --kind options draws what appraise -o x.svg does"
    );
    run_in_root(&["chart", "--kind", "fan", OPTIONS[0], OPTIONS[1]])
        .status(2)
        .stderr_has("`--kind fan` draws one scenario, not 2");
}

#[test]
fn one_option_is_appraised_with_a_note() {
    run_in_root(&["appraise", OPTIONS[2], "--no-ranges"])
        .status(0)
        .stdout_has("One option only");
}

#[test]
fn invalid_options_are_all_reported_and_nothing_is_written() {
    let bad = "[scenario]\nname = \"Bad\"\nstart = \"2009/10\"\nhorizon = 0\n";
    let test = Test::new()
        .file("a.toml", bad)
        .file("b.toml", &bad.replace("Bad", "Worse"));
    let good = root().join(OPTIONS[2]).display().to_string();
    let ran = test
        .run_with(&["appraise", &good, "a.toml", "b.toml", "-o", "out.json"])
        .status(2);
    assert!(ran.stderr.contains("a.toml:4:"), "{}", ran.stderr);
    assert!(ran.stderr.contains("b.toml:4:"), "{}", ran.stderr);
    assert!(!test.path().join("out.json").exists());
    // An output naming an option is refused before anything is read.
    test.run_with(&["appraise", &good, "a.toml", "-o", "a.toml"])
        .status(2)
        .stderr_has("a.toml");
    assert_eq!(
        std::fs::read_to_string(test.path().join("a.toml")).unwrap(),
        bad
    );
    // No file at all is a usage error.
    test.run_with(&["appraise"]).status(2);
}

#[test]
fn the_same_file_twice_and_different_percentiles_are_warned_of() {
    let ran = run_in_root(&[
        "appraise", OPTIONS[2], OPTIONS[2], "--draws", "500", "--format", "json",
    ])
    .status(0)
    .stderr_has(
        "warning: option 2 (scenarios/birmingham-option-3-preferred.toml) is a file given earlier",
    );
    let doc: Value = serde_json::from_str(&ran.stdout).unwrap();
    assert_eq!(doc["warnings"].as_array().unwrap().len(), 1);
    let test = Test::new().file(
        "wide.toml",
        &std::fs::read_to_string(root().join("scenarios/birmingham.toml"))
            .unwrap()
            .replace("percentiles = [10, 50, 90]", "percentiles = [5, 50, 95]"),
    );
    let birmingham = root()
        .join("scenarios/birmingham.toml")
        .display()
        .to_string();
    test.run_with(&["appraise", &birmingham, "wide.toml", "--draws", "500"])
        .status(0)
        .stderr_has("span different percentiles (p5 to p95, p10 to p90)")
        .stdout_has("p5 ");
}

#[test]
fn an_error_of_set_names_the_options_it_came_from_once() {
    let mut args = vec!["appraise", "--set", "scenario.discount_rate=3.5"];
    args.extend(OPTIONS);
    let ran = run_in_root(&args).status(2);
    assert_eq!(
        ran.stderr.matches("is a bare number").count(),
        1,
        "{}",
        ran.stderr
    );
    assert!(
        ran.stderr.contains("= note: in option(s) 1 ("),
        "{}",
        ran.stderr
    );
    assert!(ran.stderr.contains("--set applies to every option"));
}
