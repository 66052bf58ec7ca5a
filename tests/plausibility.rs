//! Warnings for plans that are valid but cannot be right (issue 30),
//! as a person meets them: on stderr, located like errors, listed by
//! `check`, failing CI with `--deny-warnings`; never on a plausible plan.

mod common;

use common::{Test, root};

/// A small valid pool: £100m, one council, a shift with unit costs, a rate
/// saving, a cost line and a workforce line.
const POOL: &str = r#"[scenario]
name = "Small pool"
start = "2024/25"
horizon = 3

[[partner]]
id = "council"
name = "Council"
kind = "council"

[[partner]]
id = "icb"
name = "ICB"
kind = "nhs"

[[service]]
id = "ld"
name = "Learning disability"
lead = "council"
contributions = { council = "£60m", icb = "£40m" }

  [[service.setting]]
  id = "residential"
  name = "Residential care"
  share = "55%"
  unit_cost = "£80,000"

  [[service.setting]]
  id = "supported_living"
  name = "Supported living"
  share = "45%"
  unit_cost = "£60,000"

[[shift]]
name = "Residential to community"
service = "ld"
from = "residential"
to = { supported_living = "100%" }
target_share = "45%"
by = "2026/27"

[[saving]]
name = "Efficiencies"
rate = "4%"

[[cost]]
name = "Set-up"
amounts = ["£1m"]

[[workforce]]
name = "Commissioners"
service = "ld"
employer = "council"
staff = 10
cost_per_head = "£45k"
"#;

fn pool(from: &str, to: &str) -> String {
    assert!(POOL.contains(from), "{from}");
    POOL.replacen(from, to, 1)
}

#[test]
fn a_plausible_plan_has_no_warning() {
    let t = Test::new().file("pool.toml", POOL);
    let ran = t
        .run_with(&["check", "pool.toml", "--deny-warnings"])
        .status(0);
    assert_eq!(ran.stderr, "");
    assert_eq!(
        ran.stdout,
        "pool.toml: ok (0 expectation(s) passed)\n1 file(s) checked: 1 ok, 0 with failed expectations, 0 failed on warnings (--deny-warnings), 0 invalid\n"
    );
    let ran = t.run_with(&["project", "pool.toml"]).status(0);
    assert_eq!(ran.stderr, "");
}

#[test]
fn a_saving_larger_than_the_pool_is_warned_of_where_it_is_written() {
    // £200m on a £100m pool: spend and the council's contribution go
    // below zero.
    let text = pool("rate = \"4%\"", "amount = \"£200m\"");
    let t = Test::new().file("pool.toml", &text);
    let ran = t.run_with(&["project", "pool.toml"]).status(0);
    let stderr = &ran.stderr;
    assert!(
        stderr.contains(
            "warning: pool.toml:44:10: the saving \"Efficiencies\" of £200.0m in 2025/26 is more than the £"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("44 | amount = \"£200m\""), "{stderr}");
    assert!(
        stderr.contains("Learning disability's spend is -£"),
        "{stderr}"
    );
    assert!(
        stderr.contains("Council's net contribution is -£"),
        "{stderr}"
    );
    assert!(
        stderr.contains("= help: check the amount's unit"),
        "{stderr}"
    );
    // The projection is still made.
    assert!(ran.stdout.contains("Small pool"));
    // `check` lists them and passes; with --deny-warnings it fails (exit 1).
    let ran = t.run_with(&["check", "pool.toml"]).status(0);
    assert!(
        ran.stdout
            .contains("pool.toml: ok (0 expectation(s) passed; ")
    );
    assert!(ran.stdout.contains(" warnings, on stderr)"));
    let ran = t
        .run_with(&["check", "pool.toml", "--deny-warnings"])
        .status(1);
    assert!(
        ran.stdout
            .contains("pool.toml: FAILED with --deny-warnings")
    );
}

#[test]
fn a_saving_of_all_the_spend_leaves_staff_paid_from_nothing() {
    let text = pool("rate = \"4%\"", "rate = \"100%\"");
    let t = Test::new().file("pool.toml", &text);
    let ran = t.run_with(&["check", "pool.toml"]).status(0);
    let stderr = &ran.stderr;
    assert!(
        stderr.contains(
            "warning: pool.toml:44:8: the saving \"Efficiencies\" takes all of its services' spend in 2025/26"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("warning: pool.toml:50:1: the staff paid from Learning disability cost £0.5m in 2025/26, more than the £0.0m the service spends"),
        "{stderr}"
    );
}

#[test]
fn a_cost_larger_than_its_services_spend_is_warned_of() {
    let text = pool("amounts = [\"£1m\"]", "amounts = [\"£150m\"]");
    let t = Test::new().file("pool.toml", &text);
    let ran = t.run_with(&["check", "pool.toml"]).status(0);
    assert!(
        ran.stderr.contains(
            "warning: pool.toml:48:12: the cost \"Set-up\" of £150.0m in 2025/26 is more than the £"
        ),
        "{}",
        ran.stderr
    );
}

#[test]
fn a_range_that_takes_spend_below_zero_is_warned_of() {
    // A saving of £10m to £140m: the central case is fine, the low
    // percentile of spend is not.
    let text = pool("rate = \"4%\"", "amount = \"£10m to £140m\"")
        .replace("target_share = \"45%\"", "target_share = \"40% to 45%\"")
        .replace("unit_cost = \"£80,000\"", "unit_cost = \"£70k to £90k\"")
        .replace("unit_cost = \"£60,000\"", "unit_cost = \"£50k to £70k\"");
    let t = Test::new().file("pool.toml", &text);
    let ran = t
        .run_with(&["project", "pool.toml", "--draws", "2000"])
        .status(0);
    assert!(
        ran.stderr
            .contains("warning: pool.toml:1:1: the pool's spend is below zero at the 10th percentile in 2025/26"),
        "{}",
        ran.stderr
    );
    // Not in the central case.
    assert!(!ran.stderr.contains("Learning disability's spend is -£"));
    // Without ranges, nothing to say about them.
    let ran = t
        .run_with(&["project", "pool.toml", "--no-ranges"])
        .status(0);
    assert!(!ran.stderr.contains("percentile"), "{}", ran.stderr);
}

#[test]
fn key_drivers_given_as_points_beside_ranges_are_named() {
    let text = pool("rate = \"4%\"", "rate = \"3% to 7%\"");
    let t = Test::new().file("pool.toml", &text);
    let ran = t.run_with(&["check", "pool.toml"]).status(0);
    let stderr = &ran.stderr;
    for (line_col, key) in [
        (
            "pool.toml:26:15",
            "service.ld.setting.residential.unit_cost",
        ),
        (
            "pool.toml:32:15",
            "service.ld.setting.supported_living.unit_cost",
        ),
        ("pool.toml:39:16", "shift.ld.target_share"),
    ] {
        assert!(
            stderr.contains(&format!(
                "warning: {line_col}: `{key}` has no range, though other values do"
            )),
            "{key}:\n{stderr}"
        );
    }
    // The ranged saving is not named.
    assert!(
        !stderr.contains("saving \"Efficiencies\".rate`"),
        "{stderr}"
    );
    assert_eq!(stderr.matches("warning:").count(), 3, "{stderr}");
}

#[test]
fn the_shipped_scenarios_warn_only_where_they_say_why() {
    // Each shipped scenario that warns says why beside the value warned
    // of (a comment with "pool-model warns"); the rest warn of nothing.
    for name in common::shipped_scenarios() {
        let path = root().join("scenarios").join(&name);
        let ran = common::run_in_root(&["check", &format!("scenarios/{name}")]).status(0);
        assert!(path.exists());
        for line in ran.stderr.lines().filter(|l| l.starts_with("warning: ")) {
            // warning: FILE:LINE:COL: ...
            let mut parts = line["warning: ".len()..].splitn(3, ':');
            let file = parts.next().unwrap();
            let n: usize = parts.next().unwrap().parse().unwrap();
            let source = std::fs::read_to_string(root().join(file)).unwrap();
            let said = source.lines().nth(n - 1).unwrap();
            let above = source.lines().nth(n - 2).unwrap_or("");
            assert!(
                said.contains("pool-model warns") || above.contains("pool-model warns"),
                "{name}: {line}\nnot explained at {file}:{n}"
            );
        }
    }
}

#[test]
fn the_cause_comes_first_and_overspend_without_an_owner_is_named() {
    // £200m on a £100m pool: the saving is the cause, the rest follow.
    let text = pool("rate = \"4%\"", "amount = \"£200m\"");
    let t = Test::new().file("pool.toml", &text);
    let ran = t
        .run_with(&["project", "pool.toml", "--no-ranges"])
        .status(0);
    let first = ran
        .stderr
        .lines()
        .find(|l| l.starts_with("warning: "))
        .unwrap();
    assert!(
        first.contains("the saving \"Efficiencies\" of £200.0m"),
        "{}",
        ran.stderr
    );
    // The saving warned of is not also asked for a range.
    assert!(!ran.stderr.contains("has no range"), "{}", ran.stderr);
    // An overspend above every cap.
    let text = format!(
        "{}\n[[variance]]\nname = \"Overspend\"\nservice = \"ld\"\namounts = [\"£5m\"]\n",
        POOL.replace(
            "contributions = { council = \"£60m\", icb = \"£40m\" }",
            "contributions = { council = \"£60m\", icb = \"£40m\" }\nrisk_share = { rule = \"proportional\", cap = { council = \"£1m\", icb = \"£1m\" } }"
        )
    );
    let t = Test::new().file("pool.toml", &text);
    t.run_with(&["check", "pool.toml"])
        .status(0)
        .stderr_has("Learning disability: £3.0m of overspend in 2025/26 is above every partner's cap and left unallocated");
    // --deny-warnings says it failed on warnings, not on expectations.
    t.run_with(&["check", "pool.toml", "--deny-warnings"])
        .status(1)
        .stdout_has("1 file(s) checked: 0 ok, 0 with failed expectations, 1 failed on warnings (--deny-warnings), 0 invalid");
}
