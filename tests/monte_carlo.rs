//! Monte Carlo through the binary: the same bytes with any number of
//! threads, and bad options rejected.

mod common;

use common::run_in_root;

fn json_with_threads(threads: &str, file: &str, draws: &str) -> String {
    let ran = run_in_root(&[
        "project",
        file,
        "--format",
        "json",
        "--draws",
        draws,
        "--threads",
        threads,
    ])
    .status(0);
    assert!(ran.stdout.contains("\"ranges\""));
    ran.stdout
}

#[test]
fn results_are_byte_identical_with_1_2_and_7_threads() {
    // Birmingham keeps every value; the large file at 120,000 draws takes
    // the windowed path.
    for (file, draws) in [
        ("scenarios/birmingham.toml", "20000"),
        ("scenarios/bench/large.toml", "120000"),
    ] {
        let one = json_with_threads("1", file, draws);
        assert_eq!(
            one,
            json_with_threads("2", file, draws),
            "{file}: 1 vs 2 threads"
        );
        assert_eq!(
            one,
            json_with_threads("7", file, draws),
            "{file}: 1 vs 7 threads"
        );
    }
}

#[test]
fn the_seed_changes_the_draws_and_is_reported() {
    let a = run_in_root(&[
        "project",
        "scenarios/birmingham.toml",
        "--format",
        "json",
        "--seed",
        "1",
    ])
    .status(0);
    let b = run_in_root(&[
        "project",
        "scenarios/birmingham.toml",
        "--format",
        "json",
        "--seed",
        "2",
    ])
    .status(0);
    assert_ne!(a.stdout, b.stdout);
    assert!(a.stdout.contains("\"seed\": 1,"));
}

#[test]
fn no_ranges_leaves_the_ranges_out() {
    let ran = run_in_root(&[
        "project",
        "scenarios/birmingham.toml",
        "--format",
        "json",
        "--no-ranges",
    ])
    .status(0);
    assert!(!ran.stdout.contains("\"ranges\""));
}

#[test]
fn zero_draws_is_an_error() {
    run_in_root(&["project", "scenarios/birmingham.toml", "--draws", "0"])
        .status(2)
        .stderr_has("--draws must be 1 to 10000000, not 0");
}

#[test]
fn check_refuses_the_draws_project_would() {
    // Birmingham has no percentile expectation, so check runs no Monte
    // Carlo of its own; it still refuses the draws project would.
    let args = [
        "scenarios/birmingham.toml",
        "--set",
        "scenario.horizon=50",
        "--set",
        "scenario.draws=10000000",
    ];
    for command in ["check", "project"] {
        let mut all = vec![command];
        all.extend(args);
        run_in_root(&all)
            .status(2)
            .stderr_has("10000000 draws of a model this size would take too long");
    }
}

#[test]
fn draws_over_the_limit_are_an_error() {
    run_in_root(&[
        "project",
        "scenarios/birmingham.toml",
        "--draws",
        "10000001",
    ])
    .status(2)
    .stderr_has("--draws must be 1 to 10000000");
}

#[test]
fn a_seed_that_is_not_an_integer_is_an_error() {
    run_in_root(&["project", "scenarios/birmingham.toml", "--seed", "abc"])
        .status(2)
        .stderr_has("invalid value 'abc' for '--seed <S>'");
    run_in_root(&["project", "scenarios/birmingham.toml", "--seed", "-3"]).status(2);
}

#[test]
fn sensitivity_ranks_the_ranged_values() {
    let ran = run_in_root(&[
        "sensitivity",
        "scenarios/birmingham.toml",
        "--format",
        "csv",
    ])
    .status(0);
    let mut lines = ran.stdout.lines();
    assert_eq!(
        lines.next(),
        Some(
            "rank,value,label,low,high,cumulative_net_savings_at_low,cumulative_net_savings_at_high,npv_at_low,npv_at_high,npv_swing,switching_value,switching_change,unit"
        )
    );
    let swings: Vec<f64> = ran
        .stdout
        .lines()
        .skip(1)
        .map(|l| l.rsplit(',').nth(3).unwrap().parse().unwrap())
        .collect();
    assert!(
        swings.windows(2).all(|w| w[0] >= w[1]),
        "sorted by swing: {swings:?}"
    );
    assert_eq!(swings.len(), 20, "every ranged value of birmingham.toml");
}

#[test]
fn sensitivity_names_values_for_people_and_by_key_for_machines() {
    run_in_root(&["sensitivity", "scenarios/birmingham.toml"])
        .status(0)
        .stdout_has("Joint commissioning from shared providers: saving rate")
        .stdout_has("Inflation (pool assumption)")
        .stdout_has("Learning disability: supported living unit cost");
    run_in_root(&["sensitivity", "scenarios/birmingham.toml", "--format", "csv"])
        .status(0)
        .stdout_has("\"saving \"\"Joint commissioning from shared providers\"\".rate\",Joint commissioning from shared providers: saving rate,")
        .stdout_has(",assumptions.inflation,Inflation (pool assumption),");
}
