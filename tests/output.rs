//! Output formats and `-o`: format inferred from the extension, atomic
//! writes, nothing damaged or left behind by a failed run.

mod common;

use common::{Test, root};

fn birmingham() -> String {
    std::fs::read_to_string(root().join("scenarios/birmingham.toml")).unwrap()
}

fn files_in(t: &Test) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(t.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn o_writes_the_inferred_format_and_explicit_format_wins() {
    let t = Test::new()
        .file("b.toml", &birmingham())
        .args(&["project", "b.toml", "-o", "out.csv"]);
    t.run().status(0);
    let csv = std::fs::read_to_string(t.path().join("out.csv")).unwrap();
    assert!(csv.starts_with("year,metric,service,setting,partner,case,value\n"));

    let t = Test::new()
        .file("b.toml", &birmingham())
        .args(&["project", "b.toml", "-o", "out.json"]);
    t.run().status(0);
    assert!(
        std::fs::read_to_string(t.path().join("out.json"))
            .unwrap()
            .starts_with("{\n  \"format_version\": 1,")
    );

    let t = Test::new()
        .file("b.toml", &birmingham())
        .args(&["project", "b.toml", "-o", "out.md"]);
    t.run().status(0);
    assert!(
        std::fs::read_to_string(t.path().join("out.md"))
            .unwrap()
            .starts_with("## Birmingham")
    );

    let t = Test::new()
        .file("b.toml", &birmingham())
        .args(&["project", "b.toml", "-o", "out.csv", "--format", "json"]);
    t.run().status(0);
    assert!(
        std::fs::read_to_string(t.path().join("out.csv"))
            .unwrap()
            .starts_with('{')
    );
    assert_eq!(
        files_in(&t),
        ["b.toml", "out.csv"],
        "no stray temporary file"
    );
}

#[test]
fn a_failed_run_leaves_an_existing_output_untouched() {
    let t = Test::new()
        .file("bad.toml", "[scenario]\nname = 1\n")
        .file("out.csv", "precious\n")
        .args(&["project", "bad.toml", "-o", "out.csv"]);
    t.run().status(2);
    assert_eq!(
        std::fs::read_to_string(t.path().join("out.csv")).unwrap(),
        "precious\n"
    );
    assert_eq!(files_in(&t), ["bad.toml", "out.csv"]);
}

#[test]
fn o_into_a_missing_directory_names_the_path() {
    let t = Test::new().file("b.toml", &birmingham()).args(&[
        "project",
        "b.toml",
        "-o",
        "nowhere/out.csv",
    ]);
    t.run()
        .status(2)
        .stderr_has("error: nowhere/out.csv: cannot write: the directory `nowhere` does not exist");
    assert_eq!(files_in(&t), ["b.toml"]);
}

#[test]
fn o_under_a_file_is_an_error() {
    Test::new()
        .file("b.toml", &birmingham())
        .args(&["project", "b.toml", "-o", "b.toml/out.csv"])
        .run()
        .status(2)
        .stderr_has("is not a directory");
}

#[cfg(target_os = "linux")]
#[test]
fn o_to_an_unwritable_place_is_an_error() {
    Test::new()
        .file("b.toml", &birmingham())
        .args(&["project", "b.toml", "-o", "/proc/pool-model-out.csv"])
        .run()
        .status(2)
        .stderr_has("error: /proc/pool-model-out.csv: cannot write:");
}

#[test]
fn csv_is_tidy_with_one_value_per_row() {
    let ran = Test::new()
        .file("b.toml", &birmingham())
        .args(&["project", "b.toml", "--format", "csv"])
        .run()
        .status(0);
    let mut reader = csv::Reader::from_reader(ran.stdout.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        [
            "year", "metric", "service", "setting", "partner", "case", "value"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert!(rows.iter().all(|r| r.len() == 7));
    let find = |year: &str, metric: &str, service: &str, setting: &str, partner: &str| {
        rows.iter()
            .find(|r| {
                &r[0] == year
                    && &r[1] == metric
                    && &r[2] == service
                    && &r[3] == setting
                    && &r[4] == partner
            })
            .map(|r| r[6].to_string())
    };
    assert_eq!(
        find("2009/10", "counterfactual", "", "", "").as_deref(),
        Some("315000000.00")
    );
    assert_eq!(
        find("2012/13", "share", "learning_disability", "residential", "").as_deref(),
        Some("0.400000")
    );
    assert_eq!(
        find("2009/10", "contribution", "", "", "bcc").as_deref(),
        Some("165000000.00")
    );
    assert!(
        find("", "npv", "", "", "").is_some(),
        "NPV has an empty year"
    );
    assert!(find("2010/11", "staff", "", "", "bcc").is_some());
    assert!(find("2010/11", "people_moved", "learning_disability", "", "").is_some());
    // The central case, and Monte Carlo percentiles as cases p10, p50, p90.
    let mut cases: Vec<&str> = rows.iter().map(|r| &r[5]).collect();
    cases.sort_unstable();
    cases.dedup();
    assert_eq!(cases, ["central", "p10", "p50", "p90"]);
    assert!(find("2012/13", "net_savings", "", "", "").is_some());
    let p10 = rows
        .iter()
        .find(|r| r[0].is_empty() && &r[1] == "npv" && &r[5] == "p10")
        .map(|r| r[6].parse::<f64>().unwrap())
        .unwrap();
    let p90 = rows
        .iter()
        .find(|r| r[0].is_empty() && &r[1] == "npv" && &r[5] == "p90")
        .map(|r| r[6].parse::<f64>().unwrap())
        .unwrap();
    assert!(p10 < p90, "NPV p10 {p10} below p90 {p90}");
}

#[test]
fn markdown_tables_have_captions_and_right_aligned_numbers() {
    let ran = Test::new()
        .file("b.toml", &birmingham())
        .args(&["project", "b.toml", "--format", "markdown"])
        .run()
        .status(0);
    assert!(ran.stdout.contains("**Table 1. Summary by year.** Birmingham learning disability and mental health pool, base year 2009/10."));
    assert!(ran.stdout.contains("| :------ | -------------: |"));
    assert!(ran.stdout.contains("| 2009/10 |        £315.0m |"));
}
