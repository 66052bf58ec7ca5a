//! Snapshots (insta) of every output format of every shipped scenario.
//! Review changes with `cargo insta review`; never accept blindly.

mod common;

use common::{run_in_root, shipped_scenarios};

const FORMATS: [&str; 4] = ["table", "markdown", "csv", "json"];

/// The shipped Birmingham options, business as usual first.
fn birmingham_options() -> Vec<String> {
    let mut options: Vec<String> = shipped_scenarios()
        .into_iter()
        .filter(|n| n.starts_with("birmingham-option-"))
        .map(|n| format!("scenarios/{n}"))
        .collect();
    options.sort();
    assert_eq!(options.len(), 4);
    options
}

#[test]
fn every_format_of_every_shipped_scenario() {
    for name in shipped_scenarios() {
        let stem = name.trim_end_matches(".toml");
        for format in FORMATS {
            let path = format!("scenarios/{name}");
            let ran = run_in_root(&["project", &path, "--format", format]).status(0);
            insta::assert_snapshot!(format!("project_{stem}_{format}"), ran.stdout);
        }
    }
}

#[test]
fn sensitivity_of_every_shipped_scenario_in_every_format() {
    for name in shipped_scenarios() {
        let stem = name.trim_end_matches(".toml");
        for format in FORMATS {
            let path = format!("scenarios/{name}");
            let ran = run_in_root(&["sensitivity", &path, "--format", format]).status(0);
            insta::assert_snapshot!(format!("sensitivity_{stem}_{format}"), ran.stdout);
            // What drives the worst tenth of the draws.
            let ran =
                run_in_root(&["sensitivity", &path, "--tail", "p10", "--format", format]).status(0);
            insta::assert_snapshot!(format!("sensitivity_tail_p10_{stem}_{format}"), ran.stdout);
        }
    }
}

#[test]
fn appraise_of_the_birmingham_options_in_every_format() {
    let options = birmingham_options();
    for format in FORMATS {
        let mut args = vec!["appraise", "--format", format];
        args.extend(options.iter().map(String::as_str));
        let ran = run_in_root(&args).status(0);
        insta::assert_snapshot!(format!("appraise_birmingham_options_{format}"), ran.stdout);
    }
}

#[test]
fn board_report_of_every_shipped_scenario_and_of_the_options() {
    for name in shipped_scenarios() {
        let stem = name.trim_end_matches(".toml");
        let path = format!("scenarios/{name}");
        let ran = run_in_root(&["report", &path]).status(0);
        insta::assert_snapshot!(format!("report_{stem}"), ran.stdout);
    }
    let options = birmingham_options();
    let mut args = vec!["report"];
    args.extend(options.iter().map(String::as_str));
    let ran = run_in_root(&args).status(0);
    insta::assert_snapshot!("report_birmingham_options", ran.stdout);
}

#[test]
fn diff_of_birmingham_and_its_fast_variant_in_every_format() {
    for format in FORMATS {
        let ran = run_in_root(&[
            "diff",
            "scenarios/birmingham.toml",
            "scenarios/birmingham-fast.toml",
            "--format",
            format,
        ])
        .status(1);
        insta::assert_snapshot!(format!("diff_birmingham_fast_{format}"), ran.stdout);
    }
}

#[test]
fn check_of_every_shipped_scenario() {
    let mut args = vec!["check".to_string()];
    args.extend(
        shipped_scenarios()
            .into_iter()
            .map(|n| format!("scenarios/{n}")),
    );
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let ran = run_in_root(&args).status(0);
    insta::assert_snapshot!("check_shipped", ran.stdout);
}

#[test]
fn monitor_and_settle_of_the_plymouth_example_in_every_format() {
    let plan = "scenarios/plymouth-monitoring.toml";
    let actuals = "scenarios/plymouth-2015-16-actuals.csv";
    for format in FORMATS {
        let ran = run_in_root(&[
            "monitor",
            plan,
            "--actuals",
            actuals,
            "--to",
            "M06",
            "--format",
            format,
        ])
        .status(0);
        insta::assert_snapshot!(format!("monitor_plymouth_m06_{format}"), ran.stdout);
        let ran = run_in_root(&[
            "settle",
            plan,
            "--actuals",
            actuals,
            "--year",
            "2015/16",
            "--format",
            format,
        ])
        .status(0);
        insta::assert_snapshot!(format!("settle_plymouth_{format}"), ran.stdout);
    }
}
