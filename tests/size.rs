//! Files that are small on disk but huge in what they ask for: hundreds of
//! thousands of keys, entries or errors, and megabyte names (issue 26,
//! docs/limits.md). Through the real binary, each is refused (or read) with
//! a short report: the first errors in file order and a count of the rest,
//! the count limits reported once, long names reported at the value. The
//! files are generated here; speed is measured by tools/hostile_sizes.py,
//! not asserted.

mod common;

use common::Test;

const BASE: &str = r#"[scenario]
name = "Base"
start = "2009/10"
horizon = 3

[[partner]]
id = "council"
name = "Council"
kind = "council"

[[service]]
id = "ld"
name = "Learning disability"
lead = "council"
contributions = { council = "£80m" }
"#;

/// How many diagnostics a report shows (one headline each).
fn headlines(stderr: &str) -> usize {
    stderr
        .lines()
        .filter(|l| l.starts_with("error: s.toml:"))
        .count()
}

#[test]
fn thousands_of_errors_show_the_first_fifty_in_file_order_then_a_count() {
    let mut text = format!("{BASE}\n[assumptions]\n");
    for i in 0..3000 {
        text.push_str(&format!("k{i} = 1\n"));
    }
    let ran = Test::new()
        .file("s.toml", &text)
        .args(&["check", "s.toml"])
        .run()
        .status(2)
        .stderr_has("error: s.toml:18:1: unknown key `k0` in [assumptions]")
        .stderr_has("error: s.toml:67:1: unknown key `k49` in [assumptions]")
        .stderr_has("error: and 2950 more problems (the first 50 of 3000 are shown)");
    assert_eq!(headlines(&ran.stderr), 50);
    assert!(!ran.stderr.contains("`k50`"), "{}", ran.stderr);
    assert!(ran.stderr.len() < 20_000, "{} bytes", ran.stderr.len());
    assert!(ran.stdout.contains("s.toml: invalid (3000 error(s)"));
}

#[test]
fn each_file_checked_shows_its_own_first_fifty() {
    let mut text = format!("{BASE}\n[assumptions]\n");
    for i in 0..60 {
        text.push_str(&format!("k{i} = 1\n"));
    }
    let ran = Test::new()
        .file("s.toml", &text)
        .file("t.toml", &text)
        .args(&["check", "s.toml", "t.toml"])
        .run()
        .status(2);
    let counts = ran
        .stderr
        .matches("error: and 10 more problems (the first 50 of 60 are shown)")
        .count();
    assert_eq!(counts, 2, "{}", ran.stderr);
    assert_eq!(headlines(&ran.stderr), 50);
}

#[test]
fn one_line_of_many_unknown_keys_is_reported_in_brief_at_exact_columns() {
    let keys: Vec<String> = (0..5000).map(|i| format!("k{i} = 1")).collect();
    let text = format!("{BASE}risk_share = {{ {} }}\n", keys.join(", "));
    let ran = Test::new()
        .file("s.toml", &text)
        .args(&["project", "s.toml"])
        .run()
        .status(2)
        .stderr_has("error: s.toml:16:16: unknown key `k0` in the risk_share of [[service]] `ld`")
        .stderr_has("error: s.toml:16:24: unknown key `k1` in the risk_share")
        .stderr_has("error: s.toml:16:447: unknown key `k49` in the risk_share")
        .stderr_has("error: and 4950 more problems (the first 50 of 5000 are shown)");
    assert_eq!(headlines(&ran.stderr), 50);
    assert!(ran.stderr.len() < 40_000, "{} bytes", ran.stderr.len());
}

#[test]
fn entries_past_a_count_limit_are_reported_once_and_not_validated() {
    // 100 valid services, then thousands more that would each be a
    // duplicate with missing keys: only the limit is reported.
    let mut text = BASE.to_string();
    for i in 1..100 {
        text.push_str(&format!(
            "\n[[service]]\nid = \"s{i}\"\nname = \"S\"\nlead = \"council\"\ncontributions = {{ council = 1 }}\n"
        ));
    }
    let over_at = text.lines().count() + 2;
    for _ in 0..20_000 {
        text.push_str("\n[[service]]\nid = \"ld\"\n");
    }
    let ran = Test::new()
        .file("s.toml", &text)
        .args(&["check", "s.toml"])
        .run()
        .status(2)
        .stderr_has(&format!(
            "error: s.toml:{over_at}:1: too many [[service]] entries: at most 100 (this is number 101)"
        ))
        .stderr_has("see docs/limits.md");
    assert!(!ran.stderr.contains("duplicate"), "{}", ran.stderr);
    assert!(ran.stdout.contains("invalid (1 error(s)"), "{}", ran.stdout);
}

#[test]
fn partners_past_the_limit_are_reported_once_and_not_validated() {
    let mut text = BASE.to_string();
    for i in 1..64 {
        text.push_str(&format!(
            "\n[[partner]]\nid = \"p{i}\"\nname = \"P\"\nkind = \"nhs\"\n"
        ));
    }
    for _ in 0..20_000 {
        text.push_str("\n[[partner]]\nid = \"council\"\nkind = \"x\"\n");
    }
    let ran = Test::new()
        .file("s.toml", &text)
        .args(&["check", "s.toml"])
        .run()
        .status(2)
        .stderr_has("too many [[partner]] entries: at most 64 (this is number 65)");
    assert!(!ran.stderr.contains("duplicate"), "{}", ran.stderr);
    assert!(ran.stdout.contains("invalid (1 error(s)"), "{}", ran.stdout);
}

#[test]
fn a_list_far_longer_than_any_scenario_needs_is_cut_at_its_limit() {
    let zeros = vec!["\"x\""; 50_000].join(", ");
    let text = format!("{BASE}\n[[saving]]\nname = \"S\"\nrate = \"1%\"\nservices = [{zeros}]\n");
    let ran = Test::new()
        .file("s.toml", &text)
        .args(&["check", "s.toml"])
        .run()
        .status(2)
        // 100 unknown services and the limit (after the first 50 shown),
        // not 50,000 unknown services.
        .stderr_has("error: and 51 more problems (the first 50 of 101 are shown)");
    assert!(ran.stderr.len() < 40_000, "{} bytes", ran.stderr.len());
}

#[test]
fn a_name_longer_than_the_limit_is_a_located_error() {
    let long = "N".repeat(1_000_000);
    let text = BASE.replacen(
        "name = \"Learning disability\"",
        &format!("name = \"{long}\""),
        1,
    );
    let ran = Test::new()
        .file("s.toml", &text)
        .args(&["project", "s.toml"])
        .run()
        .status(2)
        .stderr_has(
            "error: s.toml:13:8: this name is 1000000 characters long; at most 200 are allowed",
        )
        .stderr_has("= help: shorten it");
    assert!(ran.stdout.is_empty());
    assert!(ran.stderr.len() < 2_000, "{} bytes", ran.stderr.len());
}

#[test]
fn a_name_at_the_limit_is_accepted() {
    let text = BASE.replacen(
        "name = \"Learning disability\"",
        &format!("name = \"{}\"", "é".repeat(200)),
        1,
    );
    Test::new()
        .file("s.toml", &text)
        .args(&["check", "s.toml"])
        .run()
        .status(0);
}

#[test]
fn a_long_description_and_a_long_id_are_located_errors() {
    let text = BASE
        .replacen(
            "name = \"Base\"",
            &format!("name = \"Base\"\ndescription = \"{}\"", "d".repeat(2001)),
            1,
        )
        .replacen("id = \"ld\"", &format!("id = \"{}\"", "l".repeat(201)), 1);
    let ran = Test::new()
        .file("s.toml", &text)
        .args(&["check", "s.toml"])
        .run()
        .status(2)
        .stderr_has(
            "error: s.toml:3:15: this description is 2001 characters long; at most 2000 are allowed",
        )
        .stderr_has("error: s.toml:13:6: this id is 201 characters long; at most 200 are allowed");
    assert!(ran.stderr.len() < 4_000, "{} bytes", ran.stderr.len());
}

#[test]
fn a_message_quoting_a_megabyte_key_stays_short() {
    let text = format!("{BASE}\n[assumptions]\n{} = 1\n", "k".repeat(1_000_000));
    let ran = Test::new()
        .file("s.toml", &text)
        .args(&["check", "s.toml"])
        .run()
        .status(2)
        .stderr_has("error: s.toml:18:1: unknown key `kkk")
        .stderr_has(" … ");
    assert!(ran.stderr.len() < 3_000, "{} bytes", ran.stderr.len());
}

#[test]
fn a_file_of_a_million_tokens_is_refused_before_it_is_parsed() {
    // 2 tokens a value: "0" and ",".
    let values = "0,".repeat(600_000);
    let text = format!("{BASE}[[expect]]\nmetric = \"npv\"\nmax = [{values}0]\n");
    let ran = Test::new()
        .file("s.toml", &text)
        .args(&["check", "s.toml"])
        .run()
        .status(2)
        .stderr_has("the file has more than 1000000 TOML tokens")
        .stderr_has("see docs/limits.md");
    assert!(ran.stderr.len() < 2_000, "{} bytes", ran.stderr.len());
    assert!(ran.stdout.contains("invalid (1 error(s)"), "{}", ran.stdout);
}

#[test]
fn a_scenario_and_its_base_share_one_token_limit() {
    // 600,000 tokens each: either alone is read, together they are refused.
    let values = "0,".repeat(300_000);
    let base = format!("{BASE}\n[[cost]]\nname = \"c\"\namounts = [{values}0]\n");
    let variant =
        format!("extends = \"base.toml\"\n\n[[variance]]\nname = \"v\"\namounts = [{values}0]\n");
    let ran = Test::new()
        .file("base.toml", &base)
        .file("s.toml", &variant)
        .args(&["check", "s.toml"])
        .run()
        .status(2)
        .stderr_has("error: base.toml:")
        .stderr_has("this file and the files extending it have more than 1000000 TOML tokens");
    assert!(ran.stderr.len() < 2_000, "{} bytes", ran.stderr.len());
    Test::new()
        .file("base.toml", &base)
        .args(&["check", "base.toml"])
        .run()
        .status(2)
        .stderr_has("too many amounts: at most 50 (this is number 51)");
}

#[test]
fn more_set_options_than_the_limit_are_a_usage_error_not_minutes_of_work() {
    let mut args: Vec<String> = vec!["check".into(), "base.toml".into()];
    for i in 0..=pool_model::limits::MAX_OVERRIDES {
        args.push("--set".into());
        args.push(format!("scenario.k{i}=1"));
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let ran = Test::new()
        .file("base.toml", BASE)
        .run_with(&args)
        .status(2);
    assert!(
        ran.stderr
            .contains("1001 --set options given: at most 1000 are read"),
        "{}",
        ran.stderr
    );
    assert!(ran.stderr.len() < 2_000, "{}", ran.stderr.len());
}
