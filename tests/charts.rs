//! `pool-model chart`: every kind of every shipped scenario is valid XML,
//! the same bytes run to run and thread count to thread count, says the
//! numbers the tables say, and is snapshotted (review with
//! `cargo insta review`; look at the pictures before accepting).

mod common;

use common::{Test, root, run_in_root, shipped_scenarios};

const KINDS: [&str; 5] = ["fan", "shares", "tornado", "partners", "tail"];

/// Parses an SVG and checks what every chart must be: an `<svg>` root of
/// the documented width, only known elements, no rectangle with a negative
/// or zero size, every number finite.
fn valid_svg(svg: &str) -> roxmltree::Document<'_> {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("not XML: {e}"));
    let svg_el = doc.root_element();
    assert_eq!(svg_el.tag_name().name(), "svg");
    assert_eq!(svg_el.attribute("width"), Some("960"));
    for node in doc.descendants().filter(|n| n.is_element()) {
        let name = node.tag_name().name();
        assert!(
            [
                "svg", "rect", "line", "polyline", "polygon", "circle", "text"
            ]
            .contains(&name),
            "unexpected element <{name}>"
        );
        if name == "rect" {
            for attr in ["width", "height"] {
                let v: f64 = node.attribute(attr).unwrap().parse().unwrap();
                assert!(v > 0.0, "<rect {attr}=\"{v}\">");
            }
        }
        for attr in node.attributes() {
            assert!(
                !attr.value().contains("NaN") && !attr.value().contains("inf"),
                "{name} {}={}",
                attr.name(),
                attr.value()
            );
        }
    }
    doc
}

fn texts(doc: &roxmltree::Document<'_>) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or("").trim().to_string())
        .collect()
}

/// Asserts that every one of `labels` is the whole text of some `<text>`.
fn has_texts(doc: &roxmltree::Document<'_>, labels: &[&str]) {
    let t = texts(doc);
    for label in labels {
        assert!(t.iter().any(|x| x == label), "{label:?} not in {t:?}");
    }
}

fn chart(scenario: &str, kind: &str) -> String {
    run_in_root(&["chart", scenario, "--kind", kind])
        .status(0)
        .stdout
}

#[test]
fn every_kind_of_every_shipped_scenario_is_valid_and_snapshotted() {
    for name in shipped_scenarios() {
        let stem = name.trim_end_matches(".toml");
        let path = format!("scenarios/{name}");
        for kind in KINDS {
            let ran = run_in_root(&["chart", &path, "--kind", kind]);
            if ran.code() == 2 && kind == "shares" {
                // Scenarios without a shift have no shares to chart.
                assert!(ran.stderr.contains("has no service with a shift"));
                continue;
            }
            let svg = ran.status(0).stdout;
            valid_svg(&svg);
            insta::assert_snapshot!(format!("chart_{stem}_{kind}"), svg);
        }
    }
}

/// The Birmingham options set, in order (docs/appraisal.md).
const OPTIONS: [&str; 4] = [
    "scenarios/birmingham-option-1-business-as-usual.toml",
    "scenarios/birmingham-option-2-do-minimum.toml",
    "scenarios/birmingham-option-3-preferred.toml",
    "scenarios/birmingham-option-4-further-and-faster.toml",
];

fn options_chart() -> String {
    let mut args = vec!["chart", "--kind", "options"];
    args.extend(OPTIONS);
    run_in_root(&args).status(0).stdout
}

#[test]
fn the_options_chart_says_what_appraise_says() {
    let svg = options_chart();
    let doc = valid_svg(&svg);
    // NPVs, ranges and chances as `pool-model appraise` prints them.
    has_texts(
        &doc,
        &[
            "1. Business as usual",
            "£0.0m",
            "£21.1m",
            "£48.8m",
            "£47.3m",
            "p10 £34.9m to p90 £61.9m; 0% chance < 0",
        ],
    );
    // One bar for each option that saves anything, and an expected-NPV
    // ring for each option (and the key's two swatches).
    let bars = doc
        .descendants()
        .filter(|n| n.has_tag_name("rect") && n.attribute("fill") == Some("#0072B2"));
    assert_eq!(bars.count(), 3 + 1);
    let rings = doc
        .descendants()
        .filter(|n| n.has_tag_name("circle") && n.attribute("r") == Some("6"));
    assert_eq!(rings.count(), 4);
    insta::assert_snapshot!("chart_birmingham_options", svg);
}

#[test]
fn the_fan_says_what_the_tables_say() {
    let svg = chart("scenarios/birmingham.toml", "fan");
    let doc = valid_svg(&svg);
    // Cumulative net savings, central and p10/p90, as `project` prints them.
    has_texts(
        &doc,
        &[
            "Cumulative net savings: £72.8m by 2014/15 (p10 £53.7m, p90 £90.7m)",
            "2010/11",
            "2014/15",
            "£0m",
            "£20m",
            "p10–p90 of 10,000 draws",
        ],
    );
    // The baseline year has no savings and is not on the fan's axis.
    assert!(!texts(&doc).contains(&"2009/10".to_string()));
    // One shaded band (p10-p90) per panel.
    let bands = doc.descendants().filter(|n| n.has_tag_name("polygon"));
    assert_eq!(bands.count(), 2);
}

#[test]
fn the_shares_chart_marks_the_target() {
    let svg = chart("scenarios/birmingham.toml", "shares");
    let doc = valid_svg(&svg);
    has_texts(
        &doc,
        &[
            "Target: Residential care at 40% of the service's spend by 2012/13",
            "Residential care 40.0%",
            "Supported living 39.1%",
            "0%",
            "60%",
        ],
    );
    // The target ring.
    let ring =
        |n: &roxmltree::Node<'_, '_>| n.has_tag_name("circle") && n.attribute("r") == Some("7");
    assert_eq!(doc.descendants().filter(ring).count(), 1);
}

#[test]
fn the_tornado_chart_draws_the_sensitivity_table() {
    let svg = chart("scenarios/birmingham.toml", "tornado");
    let doc = valid_svg(&svg);
    // Rank 1 of `pool-model sensitivity`: NPV £73.8m at low, £47.4m at high
    // (real terms, 2009/10 prices, Green Book discounting).
    has_texts(
        &doc,
        &[
            "£73.8m",
            "£47.4m",
            "£47,000 to £65,000",
            "NPV (central case £60.0m)",
            // Its switching value (`pool-model sensitivity`), and a value
            // whose NPV never reaches zero.
            "Switching value",
            "£106,782",
            "+90.7% from central",
            "none",
            "NPV stays one side of 0",
        ],
    );
    let t = texts(&doc);
    // No bar reaches NPV = 0, so no zero line.
    assert!(!t.iter().any(|x| x == "NPV = 0"), "{t:?}");
    assert!(
        t.iter().any(|x| x.contains("5 smaller swings not shown")),
        "{t:?}"
    );
}

#[test]
fn a_tornado_whose_bars_cross_zero_marks_npv_zero() {
    // A 2% saving on £10m for three years against a £0.6m cost in the
    // first: NPV near zero, and each range takes it across.
    let text = format!(
        "{PLAIN}
[[saving]]
name = \"Efficiency\"
rate = \"1% to 3%\"

[[cost]]
name = \"Set-up\"
amounts = [\"£0.3m to £0.9m\"]
"
    );
    let test = Test::new().file("near.toml", &text);
    let svg = test
        .run_with(&["chart", "near.toml", "--kind", "tornado"])
        .status(0)
        .stdout;
    let doc = valid_svg(&svg);
    has_texts(&doc, &["NPV = 0", "Switching value"]);
    let table = test
        .run_with(&["sensitivity", "near.toml", "--format", "csv"])
        .status(0)
        .stdout;
    // Both values switch NPV inside their ranges; the chart prints each.
    let mut reader = csv::Reader::from_reader(table.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (v, lo, hi) = (column("switching_value"), column("low"), column("high"));
    for row in reader.records().map(Result::unwrap) {
        let value: f64 = row[v].parse().unwrap();
        let (low, high): (f64, f64) = (row[lo].parse().unwrap(), row[hi].parse().unwrap());
        assert!(low < value && value < high, "{row:?}");
    }
    let t = texts(&doc);
    assert!(t.iter().any(|x| x.ends_with("% from central")), "{t:?}");
}

#[test]
fn the_partners_chart_stacks_every_partner() {
    let svg = chart("scenarios/birmingham.toml", "partners");
    let doc = valid_svg(&svg);
    has_texts(
        &doc,
        &[
            "Birmingham City Council",
            "NHS Birmingham East and North",
            "£315.0m",
            "2009/10",
        ],
    );
    // Six years of council bars, and the key's swatch.
    let blue = |n: &roxmltree::Node<'_, '_>| {
        n.has_tag_name("rect") && n.attribute("fill") == Some("#0072B2")
    };
    assert_eq!(doc.descendants().filter(blue).count(), 6 + 1);
}

#[test]
fn the_same_chart_is_the_same_bytes_whatever_the_threads() {
    for kind in KINDS {
        let one = run_in_root(&[
            "--threads",
            "1",
            "chart",
            "scenarios/birmingham.toml",
            "--kind",
            kind,
        ])
        .status(0)
        .stdout;
        let two = run_in_root(&[
            "--threads",
            "2",
            "chart",
            "scenarios/birmingham.toml",
            "--kind",
            kind,
        ])
        .status(0)
        .stdout;
        assert_eq!(one, two, "{kind}");
    }
}

#[test]
fn chart_writes_atomically_to_o() {
    let test = Test::new();
    let scenario = root().join("scenarios/birmingham.toml");
    let scenario = scenario.to_str().unwrap();
    test.run_with(&[
        "chart", scenario, "--kind", "fan", "-o", "fan.svg", "--draws", "500",
    ])
    .status(0);
    let svg = std::fs::read_to_string(test.path().join("fan.svg")).unwrap();
    let doc = valid_svg(&svg);
    assert!(texts(&doc).contains(&"p10–p90 of 500 draws".to_string()));
    // A failed run leaves the old file alone.
    test.run_with(&["chart", "missing.toml", "--kind", "fan", "-o", "fan.svg"])
        .status(2);
    assert_eq!(
        std::fs::read_to_string(test.path().join("fan.svg")).unwrap(),
        svg
    );
}

const PLAIN: &str = r#"[scenario]
name = "Ctrl <&> \u0001 \"quoted\" ' name"
start = "2024/25"
horizon = 3

[[partner]]
id = "council"
name = "Council <b>"
kind = "council"

[[service]]
id = "ld"
name = "Learning & disability"
lead = "council"
contributions = { council = "£10m" }
"#;

#[test]
fn charts_of_a_scenario_with_nothing_to_show_say_why() {
    let test = Test::new().file("plain.toml", PLAIN);
    test.run_with(&["chart", "plain.toml", "--kind", "shares"])
        .status(2)
        .stderr_has("has no service with a shift")
        .stderr_has("help: add a [service.shift] table, or try --kind fan");
    test.run_with(&["chart", "plain.toml", "--kind", "tornado"])
        .status(2)
        .stderr_has("has no ranged values: there is nothing to vary");
    // Fan and partners draw, markup in names escaped and control
    // characters dropped.
    for kind in ["fan", "partners"] {
        let svg = test
            .run_with(&["chart", "plain.toml", "--kind", kind])
            .status(0)
            .stdout;
        let doc = valid_svg(&svg);
        assert!(
            texts(&doc)
                .iter()
                .any(|t| t.starts_with("Ctrl <&>") && t.contains("\"quoted\" '")),
            "{kind}"
        );
    }
}

#[test]
fn chart_usage_errors_exit_2() {
    run_in_root(&["chart", "scenarios/birmingham.toml"])
        .status(2)
        .stderr_has("--kind");
    run_in_root(&["chart", "scenarios/birmingham.toml", "--kind", "pie"])
        .status(2)
        .stderr_has("possible values: fan, shares, tornado, partners");
    run_in_root(&[
        "chart",
        "scenarios/birmingham.toml",
        "--kind",
        "fan",
        "--draws",
        "0",
    ])
    .status(2)
    .stderr_has("--draws must be 1 to");
}

#[test]
fn a_long_horizon_labels_every_fifth_year() {
    let text = std::fs::read_to_string(root().join("tests/good/horizon_50.toml")).unwrap();
    let test = Test::new().file("long.toml", &text);
    for kind in KINDS {
        if kind == "tornado" || kind == "tail" {
            continue;
        }
        let svg = test
            .run_with(&["chart", "long.toml", "--kind", kind, "--draws", "200"])
            .status(0)
            .stdout;
        let doc = valid_svg(&svg);
        let mut years: Vec<String> = texts(&doc)
            .into_iter()
            .filter(|t| t.len() == 7 && t.as_bytes()[4] == b'/')
            .collect();
        years.sort();
        years.dedup();
        assert!(years.len() <= 11, "{kind}: {years:?}");
        assert!(years.len() >= 8, "{kind}: {years:?}");
    }
}

/// The charts in README.md and docs/charts.md are what the tool draws now.
/// Regenerate them with `UPDATE_IMAGES=1 cargo test --test charts`, or one
/// by one with the commands in docs/charts.md.
#[test]
fn the_documentation_images_are_current() {
    for (scenario, kind) in [
        ("birmingham", "fan"),
        ("birmingham", "shares"),
        ("birmingham", "tornado"),
        ("birmingham", "tail"),
        ("plymouth", "partners"),
        ("birmingham", "options"),
        ("plymouth", "monitor"),
    ] {
        let svg = if kind == "options" {
            options_chart()
        } else if kind == "monitor" {
            monitor_chart()
        } else {
            chart(&format!("scenarios/{scenario}.toml"), kind)
        };
        let path = root().join(format!("docs/img/{scenario}-{kind}.svg"));
        if std::env::var_os("UPDATE_IMAGES").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &svg).unwrap();
        } else {
            let committed = std::fs::read_to_string(&path).unwrap_or_default();
            assert!(
                committed == svg,
                "{} is out of date: run UPDATE_IMAGES=1 cargo test --test charts",
                path.display()
            );
        }
    }
}

#[test]
fn a_fan_without_ranged_values_has_no_bands() {
    let test = Test::new().file("plain.toml", PLAIN);
    let svg = test
        .run_with(&["chart", "plain.toml", "--kind", "fan"])
        .status(0)
        .stdout;
    let doc = valid_svg(&svg);
    assert_eq!(
        doc.descendants()
            .filter(|n| n.has_tag_name("polygon"))
            .count(),
        0
    );
    let t = texts(&doc);
    assert!(t.iter().any(|x| x.contains("no ranged values")), "{t:?}");
    assert!(!t.iter().any(|x| x.contains("draws")), "{t:?}");
}

/// The Plymouth example at December 2015 (docs/monitoring.md).
fn monitor_chart() -> String {
    run_in_root(&[
        "chart",
        "scenarios/plymouth-monitoring.toml",
        "--kind",
        "monitor",
        "--actuals",
        "scenarios/plymouth-2015-16-actuals.csv",
        "--to",
        "M09",
    ])
    .status(0)
    .stdout
}

#[test]
fn the_monitor_chart_of_the_plymouth_example() {
    let svg = monitor_chart();
    let doc = valid_svg(&svg);
    has_texts(&doc, &["Apr", "Mar", "Budget", "Actual"]);
    insta::assert_snapshot!("chart_plymouth_monitor_m09", svg);
}
