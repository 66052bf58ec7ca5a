//! What reaches a terminal or a paper: names that carry escape sequences,
//! BEL, CR, NUL, bidi overrides, noncharacters, newlines and Markdown are
//! shown escaped (`\u001B`, `\n`) in every human format, keep their table
//! cells in Markdown, leave charts well-formed XML, and stay exact in CSV
//! and JSON.

mod common;

use common::{Ran, Test};

/// A name that tries everything, as written in a TOML basic string: a
/// colour and an OSC window-title sequence, BEL, CR, NUL, a right-to-left
/// override, the two noncharacters XML forbids, a newline that would start
/// a Markdown heading, a fake table row, a tab, and Markdown and HTML.
const HOSTILE: &str = r"\u001B[31mred\u001B]0;owned\u0007 bell\u0007 cr\r nul\u0000 rlo\u202Eevil fffe\uFFFE ffff\uFFFF nl\n## Injected heading\n| a | b | tab\t`code` <b>&amp; *em* #";

/// [`HOSTILE`] as the tool reads it.
const DECODED: &str = "\u{1b}[31mred\u{1b}]0;owned\u{7} bell\u{7} cr\r nul\0 rlo\u{202E}evil fffe\u{FFFE} ffff\u{FFFF} nl\n## Injected heading\n| a | b | tab\t`code` <b>&amp; *em* #";

/// Characters that must never reach a person's output raw (newlines are
/// checked separately: the tool prints its own).
const RAW: [char; 8] = [
    '\u{1b}', '\u{7}', '\r', '\0', '\u{202E}', '\u{FFFE}', '\u{FFFF}', '\t',
];

/// How [`HOSTILE`] shows in a table: every unsafe character as its TOML
/// escape, on one line.
const SHOWN: &str = r"\u001B[31mred\u001B]0;owned\u0007 bell\u0007 cr\r nul\u0000 rlo\u202Eevil fffe\uFFFE ffff\uFFFF nl\n## Injected heading\n| a | b | tab\t`code` <b>&amp; *em* #";

/// A scenario whose every name and description carries [`HOSTILE`], with
/// a range in every kind of line so each shows in the tornado (a shift is
/// named there by its service id; its name shows in the shares chart).
fn scenario(rate: &str) -> String {
    let h = HOSTILE;
    format!(
        r#"[scenario]
name = "Scenario {h}"
description = "Description {h}"
start = "2009/10"
horizon = 3
draws = 200

[[partner]]
id = "council"
name = "Council {h}"
kind = "council"

[[partner]]
id = "nhs"
name = "NHS {h}"
kind = "nhs"

[[service]]
id = "ld"
name = "Service {h}"
lead = "council"
contributions = {{ council = "£80m", nhs = "£20m" }}

  [[service.setting]]
  id = "residential"
  name = "Residential {h}"
  share = "55%"
  unit_cost = "£80k"

  [[service.setting]]
  id = "supported"
  name = "Supported {h}"
  share = "45%"
  unit_cost = "£60k"

[[shift]]
name = "Shift {h}"
service = "ld"
from = "residential"
to = {{ supported = "100%" }}
target_share = "35% to 45%"
by = "2012/13"

[[saving]]
name = "Saving {h}"
rate = "{rate}"

[[cost]]
name = "Cost {h}"
amounts = ["£1m to £2m"]

[[variance]]
name = "Variance {h}"
service = "ld"
amounts = ["£1m to £3m"]

[[workforce]]
name = "Workforce {h}"
service = "ld"
employer = "council"
staff = 100
cost_per_head = "£30k"
transfer_to = "nhs"
transfer_in = "2011/12"
reduction = "10 to 20"
reduction_by = "2012/13"

[[expect]]
year = "2012/13"
metric = "net_savings"
min = "£1bn"
"#
    )
}

/// A file name that is itself hostile: a colour sequence and an override.
const HOSTILE_FILE: &str = "b\u{1b}[31m\u{202E}.toml";

/// A and, under [`HOSTILE_FILE`], B: another saving rate and a
/// description with quotes and a backslash.
fn hostile() -> Test {
    let b = scenario("4% to 6%").replace(
        "description = \"Description ",
        r#"description = "Changed \"quoted\" \\ Description "#,
    );
    Test::new()
        .file("a.toml", &scenario("3% to 7%"))
        .file(HOSTILE_FILE, &b)
}

/// No character of [`RAW`] anywhere, and no line made by a name's newline.
fn assert_shown_safely(what: &str, text: &str) {
    for c in RAW {
        assert!(
            !text.contains(c),
            "{what}: U+{:04X} reaches the output raw:\n{text}",
            u32::from(c)
        );
    }
    for line in text.lines() {
        assert!(
            !line.trim_start().starts_with("## Injected") && !line.starts_with("| a | b |"),
            "{what}: a name's newline made a line:\n{line}"
        );
    }
}

fn run(t: &Test, args: &[&str]) -> Ran {
    t.run_with(args)
}

#[test]
fn table_output_of_project_diff_sensitivity_and_check_shows_names_escaped() {
    let t = hostile();
    let project = run(&t, &["project", "a.toml"]).status(0);
    assert_shown_safely("project", &project.stdout);
    // Scenario, service, setting and partner names, each on one line.
    for prefix in ["Scenario", "Service", "Residential", "Council", "NHS"] {
        assert!(
            project.stdout.contains(&format!("{prefix} {SHOWN}")),
            "{prefix}:\n{}",
            project.stdout
        );
    }

    let sensitivity = run(&t, &["sensitivity", "a.toml"]).status(0);
    assert_shown_safely("sensitivity", &sensitivity.stdout);
    for line in ["Saving", "Cost", "Variance", "Workforce"] {
        assert!(
            sensitivity.stdout.contains(&format!("{line} {SHOWN}")),
            "{line}:\n{}",
            sensitivity.stdout
        );
    }

    let diff = run(&t, &["diff", "a.toml", HOSTILE_FILE]).status(1);
    assert_shown_safely("diff", &diff.stdout);
    let diff = diff.stdout_has(r"B: b\u001B[31m\u202E.toml (Scenario \u001B[31mred");
    // A changed text value is quoted as a TOML string, ready for `--set`.
    diff.stdout_has(r#""Changed \"quoted\" \\ Description \u001B[31mred"#);

    let check = run(&t, &["check", "a.toml", HOSTILE_FILE]).status(1);
    assert_shown_safely("check", &check.stdout);
    check.stdout_has(r"b\u001B[31m\u202E.toml: FAILED net_savings");
}

/// The cells of a Markdown table row: `|` not escaped by a backslash.
fn borders(line: &str) -> usize {
    let mut count = 0;
    let mut escaped = false;
    for c in line.chars() {
        match c {
            '\\' if !escaped => escaped = true,
            '|' if !escaped => count += 1,
            _ => escaped = false,
        }
        if c != '\\' {
            escaped = false;
        }
    }
    count
}

/// Every table's rows have as many cells as its header, and the only
/// heading is the first line.
fn assert_markdown_structure(what: &str, text: &str) {
    assert_shown_safely(what, text);
    let headings: Vec<&str> = text.lines().filter(|l| l.starts_with('#')).collect();
    assert_eq!(headings.len(), 1, "{what}: headings {headings:?}");
    assert!(text.starts_with("## "), "{what}:\n{text}");
    let mut header: Option<usize> = None;
    let mut tables = 0;
    for line in text.lines() {
        if line.starts_with('|') {
            let n = borders(line);
            match header {
                None => {
                    header = Some(n);
                    tables += 1;
                }
                Some(h) => assert_eq!(n, h, "{what}: row breaks its table:\n{line}"),
            }
        } else {
            header = None;
        }
    }
    assert!(tables > 0, "{what}: no table:\n{text}");
}

#[test]
fn markdown_keeps_every_cell_and_gains_no_heading() {
    let t = hostile();
    let project = run(&t, &["project", "a.toml", "--format", "markdown"]).status(0);
    assert_markdown_structure("project", &project.stdout);
    // Shown escaped for Markdown as well: the backslash of `\u001B` doubled,
    // the pipe, backticks, HTML, entity, emphasis and hash escaped.
    project.stdout_has(
        r"Service \\u001B\[31mred\\u001B\]0;owned\\u0007 bell\\u0007 cr\\r nul\\u0000 rlo\\u202Eevil fffe\\uFFFE ffff\\uFFFF nl\\n\#\# Injected heading\\n\| a \| b \| tab\\t\`code\` \<b\>\&amp; \*em\* \#",
    );
    let sensitivity = run(&t, &["sensitivity", "a.toml", "--format", "markdown"]).status(0);
    assert_markdown_structure("sensitivity", &sensitivity.stdout);
    let diff = run(
        &t,
        &["diff", "a.toml", HOSTILE_FILE, "--format", "markdown"],
    )
    .status(1);
    assert_markdown_structure("diff", &diff.stdout);
}

#[test]
fn csv_and_json_carry_the_exact_names() {
    let t = hostile();
    let json = run(
        &t,
        &["project", "a.toml", "--format", "json", "--no-ranges"],
    )
    .status(0);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(doc["scenario"]["name"], format!("Scenario {DECODED}"));
    assert_eq!(
        doc["scenario"]["description"],
        format!("Description {DECODED}")
    );
    assert_eq!(doc["workforce"][0]["name"], format!("Workforce {DECODED}"));
    assert_eq!(doc["services"][0]["name"], format!("Service {DECODED}"));
    assert_eq!(doc["partners"][1]["name"], format!("NHS {DECODED}"));

    let csv = run(&t, &["sensitivity", "a.toml", "--format", "csv"]).status(0);
    let mut reader = csv::Reader::from_reader(csv.stdout.as_bytes());
    let names: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[1].to_string())
        .collect();
    for line in ["Saving", "Cost", "Variance", "Workforce"] {
        let exact = format!("{line} {DECODED}");
        assert!(
            names.iter().any(|n| n.contains(&exact)),
            "{line} not exact in {names:?}"
        );
    }
}

#[test]
fn diff_csv_keys_carry_the_exact_names() {
    let t = hostile();
    let ran = run(&t, &["diff", "a.toml", HOSTILE_FILE, "--format", "csv"]).status(1);
    let mut reader = csv::Reader::from_reader(ran.stdout.as_bytes());
    let metrics: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[1].to_string())
        .collect();
    let key = format!("input.saving.Saving {DECODED}.rate");
    assert!(metrics.contains(&key), "{metrics:?}");
}

#[test]
fn every_chart_kind_is_well_formed_xml_and_shows_names_escaped() {
    let t = hostile();
    for kind in ["fan", "shares", "tornado", "partners"] {
        let out = format!("{kind}.svg");
        run(&t, &["chart", "a.toml", "--kind", kind, "-o", &out]).status(0);
        let svg = std::fs::read_to_string(t.path().join(&out)).unwrap();
        if let Err(e) = roxmltree::Document::parse(&svg) {
            panic!("{kind}: not XML: {e}");
        }
        assert_shown_safely(kind, &svg);
        assert!(svg.contains(r"\u001B[31mred"), "{kind}:\n{svg}");
        assert!(svg.contains("&lt;b&gt;&amp;amp;"), "{kind}:\n{svg}");
    }
}

#[test]
fn error_messages_show_a_hostile_name_escaped() {
    let text = scenario("3% to 7%").replace("rate = \"3% to 7%\"", "rat = \"5%\"");
    let ran = Test::new()
        .file("bad.toml", &text)
        .file(HOSTILE_FILE, "")
        .args(&["project", "bad.toml"])
        .run()
        .status(2);
    assert_shown_safely("stderr", &ran.stderr);
    ran.stderr_has(r#"[[saving]] "Saving \u001B[31mred"#);
}

#[test]
fn a_hostile_path_in_an_output_error_or_init_message_is_shown_escaped() {
    let t = hostile();
    let ran = run(
        &t,
        &[
            "project",
            "a.toml",
            "-o",
            "no\u{202E}where\u{1b}[2J/out.csv",
        ],
    )
    .status(2);
    assert_shown_safely("stderr", &ran.stderr);
    ran.stderr_has(r"no\u202Ewhere\u001B[2J/out.csv");

    let ran = run(&t, &["init", "new\u{1b}]0;x\u{7}.toml"]).status(0);
    assert_shown_safely("stderr", &ran.stderr);
    ran.stderr_has(r"Wrote new\u001B]0;x\u0007.toml");
}
