//! The library's face: one call from a validated scenario to results that
//! serialise as the command line's JSON, byte for byte.

use std::path::Path;
use std::process::Command;

use pool_model::scenario::load_str;
use pool_model::uncertainty::{McError, Options};
use pool_model::{RunError, RunOptions, SourceMap, run};

fn cli_json(args: &[&str]) -> String {
    let out = Command::new(assert_cmd::cargo::cargo_bin("pool-model"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

fn load(path: &str) -> pool_model::Scenario {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap();
    let mut sources = SourceMap::new();
    load_str(path, &text, &mut sources).unwrap()
}

#[test]
fn run_gives_what_project_prints_as_json() {
    for path in ["scenarios/birmingham.toml", "scenarios/plymouth.toml"] {
        let s = load(path);
        let results = run(&s, &RunOptions::of(&s)).unwrap();
        assert!(results.ranges.is_some());
        let json = serde_json::to_string_pretty(&results).unwrap() + "\n";
        assert_eq!(
            json,
            cli_json(&["project", path, "--format", "json"]),
            "{path}"
        );
    }
}

#[test]
fn central_only_is_no_ranges() {
    let s = load("scenarios/birmingham.toml");
    let results = run(&s, &RunOptions::central_only()).unwrap();
    assert!(results.ranges.is_none());
    // The worked figure of the README: Birmingham's NPV, exactly.
    assert_eq!(
        results.central.npv,
        pool_model::project(&s, &pool_model::Values::central(&s))
            .unwrap()
            .npv
    );
    let json = serde_json::to_string_pretty(&results).unwrap() + "\n";
    assert_eq!(
        json,
        cli_json(&[
            "project",
            "scenarios/birmingham.toml",
            "--no-ranges",
            "--format",
            "json"
        ])
    );
}

#[test]
fn no_draws_is_an_error_not_a_panic() {
    let s = load("scenarios/birmingham.toml");
    let options = RunOptions {
        monte_carlo: Some(Options {
            draws: 0,
            ..Options::of(&s)
        }),
    };
    assert_eq!(
        run(&s, &options).unwrap_err(),
        RunError::MonteCarlo(McError::NoDraws)
    );
}
