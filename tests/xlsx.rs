//! The Excel workbook (`--format xlsx`, `-o FILE.xlsx`) read back as a
//! spreadsheet program reads it: by a reader crate (calamine) here, and by
//! LibreOffice (converted to CSV, headless) where it is installed, which
//! `.ci/run` makes sure of in CI. Every number is a number, equal to the
//! CSV output's; the bytes are the same run to run.

mod common;

use std::collections::BTreeMap;

use calamine::{Data, Reader, Xlsx, open_workbook};
use common::{Test, root, run_in_root};

const BIRMINGHAM: &str = "scenarios/birmingham.toml";

/// Writes `args ... -o out.xlsx` in a temp dir and opens it.
fn workbook(test: &Test, args: &[&str]) -> Xlsx<std::io::BufReader<std::fs::File>> {
    let out = test.path().join("out.xlsx");
    let mut all: Vec<&str> = args.to_vec();
    let out_text = out.display().to_string();
    all.extend(["-o", &out_text]);
    run_in_root(&all).status(0);
    open_workbook(&out).expect("a workbook calamine can open")
}

fn sheet(book: &mut Xlsx<std::io::BufReader<std::fs::File>>, name: &str) -> Vec<Vec<Data>> {
    book.worksheet_range(name)
        .unwrap_or_else(|e| panic!("sheet {name}: {e}"))
        .rows()
        .map(<[Data]>::to_vec)
        .collect()
}

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => format!("{other}"),
    }
}

/// The CSV output's central values: (metric, service, setting, partner,
/// year) -> value.
fn csv_values(file: &str) -> BTreeMap<(String, String, String, String, String), f64> {
    let ran = run_in_root(&["project", file, "--format", "csv"]).status(0);
    let mut reader = csv::Reader::from_reader(ran.stdout.as_bytes());
    reader
        .records()
        .map(Result::unwrap)
        .filter(|r| &r[5] == "central")
        .map(|r| {
            (
                (
                    r[1].to_string(),
                    r[2].to_string(),
                    r[3].to_string(),
                    r[4].to_string(),
                    r[0].to_string(),
                ),
                r[6].parse().unwrap(),
            )
        })
        .collect()
}

#[test]
fn the_project_workbook_has_a_sheet_per_table_and_numbers_as_numbers() {
    let test = Test::new();
    let mut book = workbook(&test, &["project", BIRMINGHAM]);
    assert_eq!(
        book.sheet_names(),
        [
            "Summary",
            "Services",
            "Settings",
            "Workforce",
            "Partners",
            "Ranges",
            "Appraisal",
            "Inputs",
            "Notes"
        ]
    );
    let summary = sheet(&mut book, "Summary");
    // Years across, as financial-year labels.
    let header: Vec<String> = summary[0].iter().map(text).collect();
    assert_eq!(
        header[1..],
        [
            "2009/10",
            "2010/11",
            "2011/12",
            "2012/13",
            "2013/14",
            "2014/15",
            "Total, 2010/11 to 2014/15"
        ]
    );
    let header = header[..header.len() - 1].to_vec();
    // Every figure is a number, equal to the CSV's to the penny.
    let csv = csv_values(BIRMINGHAM);
    let names = [
        ("Counterfactual", "counterfactual"),
        ("Scenario spend", "scenario"),
        ("Shift savings", "shift_savings"),
        ("Efficiency savings", "efficiency_savings"),
        ("Gross savings", "gross_savings"),
        ("Costs", "costs"),
        ("Net savings", "net_savings"),
        ("Cumulative net savings", "cumulative_net_savings"),
    ];
    let mut compared = 0;
    for row in &summary[1..] {
        let label = text(&row[0]);
        let Some((_, metric)) = names.iter().find(|(l, _)| *l == label) else {
            continue;
        };
        for (cell, year) in row[1..].iter().zip(&header[1..]) {
            let Data::Float(v) = cell else {
                panic!("{label} {year}: {cell:?} is not a number");
            };
            let want = csv[&(
                metric.to_string(),
                String::new(),
                String::new(),
                String::new(),
                year.clone(),
            )];
            assert!(
                (v - want).abs() < 0.005,
                "{label} {year}: {v} vs CSV {want}"
            );
            compared += 1;
        }
    }
    assert_eq!(compared, names.len() * 6);
    // £315.0m in the baseline year.
    assert_eq!(summary[1][1], Data::Float(315_000_000.0));

    // Partners: what each contributes, gets back and bears.
    let partners = sheet(&mut book, "Partners");
    let labels: Vec<String> = partners.iter().map(|r| text(&r[1])).collect();
    for want in [
        "Contribution (counterfactual)",
        "Share of savings",
        "Share of variances (after caps)",
        "Net contribution",
        "Unallocated (above caps)",
    ] {
        assert!(labels.iter().any(|l| l == want), "{want}: {labels:?}");
    }
    // The appraisal: NPV £60.0m, real.
    let appraisal = sheet(&mut book, "Appraisal");
    assert!(text(&appraisal[0][0]).contains("real, 2009/10 prices"));
    assert_eq!(text(&appraisal[0][6]), "Total");
    let npv = appraisal
        .iter()
        .find(|r| text(&r[0]) == "NPV (real, £)")
        .unwrap();
    let Data::Float(v) = npv[6] else {
        panic!("{npv:?}")
    };
    assert!((v - 60_036_304.72).abs() < 0.005, "{v}");
    // Inputs: every input with its --set path, range and where written.
    let inputs = sheet(&mut book, "Inputs");
    let row = inputs
        .iter()
        .find(|r| text(&r[0]) == "service.learning_disability.setting.residential.unit_cost")
        .unwrap();
    assert_eq!(text(&row[1]), "£65,000 to £85,000");
    assert_eq!(row[2], Data::Float(65000.0));
    assert_eq!(row[3], Data::Float(75000.0));
    assert_eq!(row[4], Data::Float(85000.0));
    assert_eq!(text(&row[5]), "uniform");
    assert!(
        text(&row[6]).starts_with("scenarios/birmingham.toml:"),
        "{row:?}"
    );
    // Notes: what the figures are.
    let notes = sheet(&mut book, "Notes");
    let note = |k: &str| {
        notes
            .iter()
            .find(|r| text(&r[0]) == k)
            .map(|r| text(&r[1]))
            .unwrap_or_default()
    };
    assert!(note("Made by").starts_with("pool-model "), "{notes:?}");
    assert!(note("Cash or real").contains("real, 2009/10 prices"));
    assert_eq!(note("Monte Carlo draws"), "10000");
    assert_eq!(note("Seed"), "2009");
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    let test = Test::new();
    let out = |name: &str| {
        let path = test.path().join(name);
        run_in_root(&[
            "project",
            BIRMINGHAM,
            "--draws",
            "500",
            "-o",
            &path.display().to_string(),
        ])
        .status(0);
        std::fs::read(path).unwrap()
    };
    let (a, b) = (out("a.xlsx"), out("b.xlsx"));
    assert!(a.starts_with(b"PK"), "a ZIP file");
    assert_eq!(a, b);
    // Piped to stdout too.
    let piped = run_in_root(&["project", BIRMINGHAM, "--draws", "500", "--format", "xlsx"]);
    assert_eq!(piped.output.stdout, a);
}

#[test]
fn sensitivity_appraise_and_diff_write_workbooks() {
    let test = Test::new();
    let mut book = workbook(&test, &["sensitivity", BIRMINGHAM]);
    assert_eq!(book.sheet_names(), ["Sensitivity", "Inputs", "Notes"]);
    let rows = sheet(&mut book, "Sensitivity");
    assert_eq!(rows.len(), 21, "a header and 20 ranged values");
    assert_eq!(
        text(&rows[1][1]),
        "Learning disability: supported living unit cost"
    );
    // The key path too, for --set.
    assert_eq!(
        text(&rows[1][11]),
        "service.learning_disability.setting.supported_living.unit_cost"
    );
    let Data::Float(switching) = rows[1][9] else {
        panic!("{:?}", rows[1])
    };
    assert!((switching - 106_782.0).abs() < 1.0, "{switching}");

    let mut book = workbook(
        &test,
        &[
            "appraise",
            "scenarios/birmingham-option-1-business-as-usual.toml",
            "scenarios/birmingham-option-3-preferred.toml",
            "--no-ranges",
        ],
    );
    assert_eq!(book.sheet_names(), ["Options", "Notes"]);
    let rows = sheet(&mut book, "Options");
    assert_eq!(rows.len(), 3);
    let Data::Float(npv) = rows[2][6] else {
        panic!("{:?}", rows[2])
    };
    assert!((npv - 48_824_031.76).abs() < 0.005, "{npv}");

    // `diff` exits 1: the two differ.
    let out = test.path().join("diff.xlsx");
    run_in_root(&[
        "diff",
        BIRMINGHAM,
        "scenarios/birmingham-fast.toml",
        "--no-ranges",
        "-o",
        &out.display().to_string(),
    ])
    .status(1);
    let mut book: Xlsx<_> = open_workbook(&out).unwrap();
    assert_eq!(book.sheet_names(), ["Inputs", "Results", "Notes"]);
    let inputs = sheet(&mut book, "Inputs");
    assert!(
        inputs
            .iter()
            .any(|r| text(&r[0]) == "shift.learning_disability.by"
                && text(&r[1]) == "2012/13"
                && text(&r[2]) == "2011/12"),
        "{inputs:?}"
    );
    let results = sheet(&mut book, "Results");
    assert!(results.len() > 10);
    assert!(
        results[1..]
            .iter()
            .all(|r| matches!(r[6], Data::Float(_) | Data::Empty))
    );
}

#[test]
fn a_workbook_is_not_written_to_a_terminal_or_over_an_input() {
    let test = Test::new().file(
        "b.toml",
        &std::fs::read_to_string(root().join(BIRMINGHAM)).unwrap(),
    );
    test.run_with(&["project", "b.toml", "-o", "b.toml", "--format", "xlsx"])
        .status(2)
        .stderr_has("cannot write: it is the input b.toml");
    assert_eq!(
        std::fs::read_to_string(test.path().join("b.toml")).unwrap(),
        std::fs::read_to_string(root().join(BIRMINGHAM)).unwrap()
    );
}

/// LibreOffice, headless, converts each sheet to CSV: the values a real
/// spreadsheet program reads are the CSV output's. Skipped where
/// LibreOffice is not installed, except in CI, which installs it.
/// LibreOffice's command, or `None` (a skip) where it is not installed;
/// CI must have it.
fn libreoffice() -> Option<&'static str> {
    let found = ["soffice", "libreoffice"].into_iter().find(|b| {
        std::process::Command::new(b)
            .arg("--version")
            .output()
            .is_ok()
    });
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have LibreOffice (.ci/run installs it)"
        );
        eprintln!("LibreOffice not installed: skipped");
    }
    found
}

/// Converts a workbook with LibreOffice into a CSV a sheet, beside it.
fn to_csv(soffice: &str, test: &Test, workbook: &std::path::Path) {
    let converted = std::process::Command::new(soffice)
        .args([
            "--headless",
            "--norestore",
            &format!("-env:UserInstallation=file://{}/lo", test.path().display()),
            "--convert-to",
            // Comma, quote, UTF-8, from row 1, values as stored (not as
            // shown), every sheet to its own file.
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
            "--outdir",
            &test.path().display().to_string(),
            &workbook.display().to_string(),
        ])
        .output()
        .expect("soffice runs");
    assert!(converted.status.success(), "{converted:?}");
}

#[test]
fn libreoffice_reads_the_same_values_as_the_csv_output() {
    let Some(soffice) = libreoffice() else {
        return;
    };
    let test = Test::new();
    let out = test.path().join("birmingham.xlsx");
    run_in_root(&[
        "project",
        BIRMINGHAM,
        "--no-ranges",
        "-o",
        &out.display().to_string(),
    ])
    .status(0);
    to_csv(soffice, &test, &out);
    let read = |sheet: &str| -> Vec<Vec<String>> {
        let path = test.path().join(format!("birmingham-{sheet}.csv"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "{}: {e}; made {:?}",
                path.display(),
                std::fs::read_dir(test.path())
                    .unwrap()
                    .map(|e| e.unwrap().file_name())
                    .collect::<Vec<_>>()
            )
        });
        csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(String::from).collect())
            .collect()
    };
    let csv = csv_values(BIRMINGHAM);
    let pool = |metric: &str, year: &str| {
        csv[&(
            metric.to_string(),
            String::new(),
            String::new(),
            String::new(),
            year.to_string(),
        )]
    };
    let summary = read("Summary");
    let years = summary[0][1..].to_vec();
    // The last column totals a flow over years 1..H.
    assert_eq!(years.last().unwrap(), "Total, 2010/11 to 2014/15");
    let net = summary.iter().find(|r| r[0] == "Net savings").unwrap();
    let total: f64 = net.last().unwrap().parse().unwrap();
    assert!((total - 72_774_479.26).abs() < 0.005, "{total}");
    let years = years[..years.len() - 1].to_vec();
    let mut compared = 0;
    for (label, metric) in [
        ("Counterfactual", "counterfactual"),
        ("Net savings", "net_savings"),
        ("Cumulative net savings", "cumulative_net_savings"),
    ] {
        let row = summary.iter().find(|r| r[0] == label).unwrap();
        for (value, year) in row[1..].iter().zip(&years) {
            let v: f64 = value
                .parse()
                .unwrap_or_else(|_| panic!("{label} {year}: {value:?}"));
            assert!((v - pool(metric, year)).abs() < 0.005, "{label} {year}");
            compared += 1;
        }
    }
    assert_eq!(compared, 18);
    // Settings' shares are fractions, as in the CSV.
    let settings = read("Settings");
    let share = settings
        .iter()
        .find(|r| r[1] == "Residential care" && r[2] == "Share of service spend")
        .unwrap();
    let i = years.iter().position(|y| y == "2012/13").unwrap() + 3;
    // LibreOffice keeps a percentage's sign in CSV: "40%" is 0.4.
    let v: f64 = match share[i].strip_suffix('%') {
        Some(p) => p.parse::<f64>().unwrap() / 100.0,
        None => share[i].parse().unwrap(),
    };
    let want = csv[&(
        "share".to_string(),
        "learning_disability".to_string(),
        "residential".to_string(),
        String::new(),
        "2012/13".to_string(),
    )];
    assert!((v - want).abs() < 1e-6, "{v} vs {want}");
}

/// A workbook as text, sheet by sheet and cell by cell, each number marked
/// as a number (`=`) so a figure stored as text would show.
fn dump(book: &mut Xlsx<std::io::BufReader<std::fs::File>>) -> String {
    let mut out = String::new();
    for name in book.sheet_names() {
        out.push_str(&format!("== {name}\n"));
        for row in sheet(book, &name) {
            let cells: Vec<String> = row
                .iter()
                .map(|d| match d {
                    Data::Float(_) | Data::Int(_) => format!("={d}"),
                    d => text(d),
                })
                .collect();
            out.push_str(cells.join("\t").trim_end());
            out.push('\n');
        }
    }
    out
}

#[test]
fn the_workbook_of_every_shipped_scenario() {
    for name in common::shipped_scenarios() {
        let test = Test::new();
        let stem = name.trim_end_matches(".toml");
        let path = format!("scenarios/{name}");
        let mut book = workbook(&test, &["project", &path]);
        insta::assert_snapshot!(format!("xlsx_project_{stem}"), dump(&mut book));
    }
}

#[test]
fn the_workbooks_of_the_plymouth_monitoring_and_settlement() {
    let test = Test::new();
    let plan = "scenarios/plymouth-monitoring.toml";
    let actuals = "scenarios/plymouth-2015-16-actuals.csv";
    let mut book = workbook(
        &test,
        &["monitor", plan, "--actuals", actuals, "--to", "M06"],
    );
    insta::assert_snapshot!("xlsx_monitor_plymouth_m06", dump(&mut book));
    let test = Test::new();
    let mut book = workbook(
        &test,
        &["settle", plan, "--actuals", actuals, "--year", "2015/16"],
    );
    insta::assert_snapshot!("xlsx_settle_plymouth", dump(&mut book));
}

#[test]
fn libreoffice_reads_a_balanced_settlement() {
    let Some(soffice) = libreoffice() else {
        return;
    };
    let test = Test::new();
    let out = test.path().join("settle.xlsx");
    run_in_root(&[
        "settle",
        "scenarios/plymouth-monitoring.toml",
        "--actuals",
        "scenarios/plymouth-2015-16-actuals.csv",
        "--year",
        "2015/16",
        "-o",
        &out.display().to_string(),
    ])
    .status(0);
    to_csv(soffice, &test, &out);
    let text = std::fs::read_to_string(test.path().join("settle-Balance.csv")).unwrap();
    let value = |label: &str| -> f64 {
        let line = text
            .lines()
            .find(|l| l.trim_start_matches('"').starts_with(label))
            .unwrap_or_else(|| panic!("{label}: {text}"));
        line.rsplit(',')
            .next()
            .unwrap()
            .trim_matches('"')
            .parse()
            .unwrap()
    };
    // The spreadsheet holds the statement's own figures, to the penny.
    assert_eq!(value("Money in"), 473_189_654.22);
    assert_eq!(value("Money out"), 473_189_654.22);
    assert_eq!(value("Difference"), 0.0);
    let partners = std::fs::read_to_string(test.path().join("settle-Partners.csv")).unwrap();
    assert!(partners.contains("1343333.33"), "{partners}");
}

/// The tail's workbook, opened by LibreOffice, holds the tail the CSV
/// output gives: every input, its means and its move in standard
/// deviations, and the draws it came from.
#[test]
fn libreoffice_reads_the_tail_s_drivers() {
    let Some(soffice) = libreoffice() else {
        return;
    };
    let test = Test::new();
    let out = test.path().join("tail.xlsx");
    let args = ["sensitivity", BIRMINGHAM, "--tail", "p10"];
    run_in_root(&[&args[..], &["-o", &out.display().to_string()]].concat()).status(0);
    to_csv(soffice, &test, &out);
    let read = |sheet: &str| -> Vec<Vec<String>> {
        let text = std::fs::read_to_string(test.path().join(format!("tail-{sheet}.csv")))
            .unwrap_or_else(|e| panic!("{sheet}: {e}"));
        csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(text.as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(String::from).collect())
            .collect()
    };
    // LibreOffice writes a fraction formatted as a percentage with its sign.
    let number = |cell: &str| -> f64 {
        match cell.strip_suffix('%') {
            Some(p) => p.parse::<f64>().unwrap() / 100.0,
            None => cell.parse().unwrap_or_else(|_| panic!("{cell:?}")),
        }
    };
    let drivers = read("Tail drivers");
    let csv = run_in_root(&[&args[..], &["-f", "csv"]].concat())
        .status(0)
        .stdout;
    let mut compared = 0;
    for (i, record) in csv::Reader::from_reader(csv.as_bytes())
        .records()
        .enumerate()
    {
        let record = record.unwrap();
        let row = drivers
            .iter()
            .find(|r| r.last().map(String::as_str) == Some(&record[1]))
            .unwrap_or_else(|| panic!("no row for {}", &record[1]));
        assert_eq!(row[0], (i + 1).to_string(), "{}'s rank", &record[1]);
        assert_eq!(row[1], record[2].to_string());
        // The CSV rounds pounds to 2 dp and the rest to 6 dp.
        let places = if &record[8] == "pounds" { 0.006 } else { 1e-6 };
        for (col, field, within) in [(2, 3, places), (3, 4, places), (6, 7, 1e-6)] {
            let (got, want) = (number(&row[col]), record[field].parse::<f64>().unwrap());
            assert!(
                (got - want).abs() <= within,
                "{} column {col}: {got} vs {want}",
                &record[1]
            );
        }
        compared += 1;
    }
    assert!(compared >= 10, "{compared} inputs");
    let notes = read("Notes");
    let note = |item: &str| {
        notes
            .iter()
            .find(|r| r[0] == item)
            .map(|r| r[1].clone())
            .unwrap_or_else(|| panic!("no note {item}"))
    };
    assert_eq!(note("Monte Carlo draws"), "10000");
    assert!(note("Tail").starts_with("The 1000 draws whose NPV is at or below its p10"));
}
