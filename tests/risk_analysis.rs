//! Uncertainty the way risk analysts work (issue 32), driven through the
//! real binary: correlated inputs, the raw draws, what drives the worst
//! outcomes, and the Monte Carlo's own precision.

mod common;

use common::{Test, root};

const UNIT_COSTS: [&str; 2] = [
    "service.learning_disability.setting.residential.unit_cost",
    "service.learning_disability.setting.supported_living.unit_cost",
];

/// Birmingham (copied beside the test's files) and a variant of it with
/// the two learning disability unit costs correlated at `rank`.
fn birmingham_with(rank: &str) -> Test {
    let base = std::fs::read_to_string(root().join("scenarios/birmingham.toml")).unwrap();
    Test::new().file("birmingham.toml", &base).file(
        "correlated.toml",
        &format!(
            "extends = \"birmingham.toml\"\n\n[[correlation]]\nvalues = [\"{}\", \"{}\"]\nrank = {rank}\n",
            UNIT_COSTS[0], UNIT_COSTS[1]
        ),
    )
}

/// A CSV's header and its rows of numbers.
fn read_csv(path: &std::path::Path) -> (Vec<String>, Vec<Vec<f64>>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(|x| x.parse().unwrap()).collect())
        .collect();
    (header, rows)
}

fn column(header: &[String], rows: &[Vec<f64>], name: &str) -> Vec<f64> {
    let i = header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name}"));
    rows.iter().map(|r| r[i]).collect()
}

fn ranks(v: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..v.len()).collect();
    order.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
    let mut r = vec![0.0; v.len()];
    for (k, &i) in order.iter().enumerate() {
        r[i] = k as f64;
    }
    r
}

fn pearson(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let cov: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = a.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = b.iter().map(|y| (y - mb).powi(2)).sum();
    cov / (va * vb).sqrt()
}

fn spearman(a: &[f64], b: &[f64]) -> f64 {
    pearson(&ranks(a), &ranks(b))
}

fn sorted(mut v: Vec<f64>) -> Vec<f64> {
    v.sort_by(f64::total_cmp);
    v
}

/// numpy's linear percentile of sorted values.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    let v = p / 100.0 * (sorted.len() - 1) as f64;
    let lo = v.floor() as usize;
    let t = v - lo as f64;
    sorted[lo] + (sorted[(lo + 1).min(sorted.len() - 1)] - sorted[lo]) * t
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap()
}

#[test]
fn correlated_draws_have_the_rank_correlation_asked_for_and_the_same_values() {
    let t = birmingham_with("0.7");
    for (file, out) in [("correlated.toml", "c.csv"), ("birmingham.toml", "i.csv")] {
        t.run_with(&["project", file, "--draws-out", out, "-o", "p.json"])
            .status(0);
    }
    let (h, c) = read_csv(&t.path().join("c.csv"));
    let (hi, i) = read_csv(&t.path().join("i.csv"));
    assert_eq!(h, hi);
    assert_eq!(c.len(), 10_000);
    let [a, b] = UNIT_COSTS.map(|name| column(&h, &c, name));
    let rho = spearman(&a, &b);
    assert!((rho - 0.7).abs() < 0.02, "rank correlation {rho}");
    // Independent without the correlation.
    let [x, y] = UNIT_COSTS.map(|name| column(&hi, &i, name));
    assert!(spearman(&x, &y).abs() < 0.03);
    // Re-paired, not redrawn: every input's values are the same.
    for name in &h[1..21] {
        assert_eq!(
            sorted(column(&h, &c, name)),
            sorted(column(&hi, &i, name)),
            "{name}"
        );
    }
    // And the paired inputs move the outputs: the NPV's spread narrows
    // (the saving is the difference of the two fees).
    let spread = |rows: &[Vec<f64>]| {
        let npv = sorted(column(&h, rows, "npv"));
        percentile(&npv, 90.0) - percentile(&npv, 10.0)
    };
    assert!(
        spread(&c) < 0.8 * spread(&i),
        "{} {}",
        spread(&c),
        spread(&i)
    );
}

#[test]
fn three_values_take_a_matrix_and_negative_correlations() {
    let base = std::fs::read_to_string(root().join("scenarios/birmingham.toml")).unwrap();
    let t = Test::new().file("birmingham.toml", &base).file(
        "m.toml",
        r#"extends = "birmingham.toml"

[[correlation]]
values = ["assumptions.inflation", "assumptions.growth", "saving.Joint commissioning from shared providers.rate"]
matrix = [[1, 0.5, 0.0], [0.5, 1, -0.6], [0.0, -0.6, 1]]
"#,
    );
    t.run_with(&[
        "project",
        "m.toml",
        "--draws",
        "20000",
        "--draws-out",
        "d.csv",
        "-o",
        "p.json",
    ])
    .status(0);
    let (h, rows) = read_csv(&t.path().join("d.csv"));
    let inflation = column(&h, &rows, "assumptions.inflation");
    let growth = column(&h, &rows, "assumptions.growth");
    let rate = column(
        &h,
        &rows,
        "saving \"Joint commissioning from shared providers\".rate",
    );
    for (a, b, want) in [
        (&inflation, &growth, 0.5),
        (&growth, &rate, -0.6),
        (&inflation, &rate, 0.0),
    ] {
        let got = spearman(a, b);
        assert!((got - want).abs() < 0.03, "wanted {want}, got {got}");
    }
    // Said pair by pair, the pair at 0 left out.
    t.run_with(&["project", "m.toml", "--draws", "1000"])
        .status(0)
        .stdout_has("Correlated in Monte Carlo: Inflation (pool assumption) and Demand growth (pool assumption): rank correlation 0.5; Demand growth (pool assumption) and Joint commissioning from shared providers: saving rate: rank correlation -0.6.");
}

#[test]
fn correlated_runs_are_the_same_bytes_on_any_number_of_threads() {
    let t = birmingham_with("-0.5");
    let mut outputs = Vec::new();
    for threads in ["1", "2", "3"] {
        let out = format!("d{threads}.csv");
        let ran = t
            .run_with(&[
                "project",
                "correlated.toml",
                "--draws",
                "30000",
                "--threads",
                threads,
                "-f",
                "json",
                "--draws-out",
                &out,
            ])
            .status(0);
        outputs.push((ran.stdout, std::fs::read(t.path().join(&out)).unwrap()));
    }
    assert!(outputs.windows(2).all(|w| w[0] == w[1]));
}

#[test]
fn correlation_mistakes_are_located_errors_and_nothing_is_written() {
    let base = std::fs::read_to_string(root().join("scenarios/birmingham.toml")).unwrap();
    let bad = r#"extends = "birmingham.toml"

[[correlation]]
values = ["service.learning_disability.setting.supported_living.unitcost", "assumptions.inflation"]
rank = 0.5

[[correlation]]
values = ["assumptions.inflation", "shift.learning_disability.target_share"]
rank = 0.5

[[correlation]]
values = ["assumptions.growth", "service.learning_disability.growth", "service.learning_disability.setting.residential.unit_cost"]
matrix = [[1, 0.9, 0.9], [0.9, 1, -0.9], [0.9, -0.9, 1]]

[[correlation]]
values = ["service.learning_disability.setting.home_support.unit_cost", "saving.Joint commissioning from shared providers.rate"]
matrix = [[1, 0.5], [0.4, 1]]

[[correlation]]
values = ["cost.Double running and set-up of supported living.amounts[2010/11]", "cost.Double running and set-up of supported living.amounts[2011/12]", "cost.Double running and set-up of supported living.amounts[2012/13]"]
rank = 1.5
"#;
    let t = Test::new()
        .file("birmingham.toml", &base)
        .file("bad.toml", bad);
    let ran = t
        .run_with(&["project", "bad.toml", "-o", "out.json", "--draws-out", "d.csv"])
        .status(2)
        .stderr_has("bad.toml:4:11: unknown value `service.learning_disability.setting.supported_living.unitcost`")
        .stderr_has("did you mean `service.learning_disability.setting.supported_living.unit_cost`?")
        .stderr_has("bad.toml:8:11: `assumptions.inflation` is already correlated at bad.toml:4:")
        .stderr_has("bad.toml:8:36: `shift.learning_disability.target_share` is a point value")
        .stderr_has("bad.toml:13:10: these correlations cannot all hold at once: the matrix is not positive semi-definite (`assumptions.growth`, `service.learning_disability.growth` and `service.learning_disability.setting.residential.unit_cost` already cannot)")
        .stderr_has("bad.toml:17:22: row 2, column 1 is 0.4 but row 1, column 2 is 0.5")
        .stderr_has("bad.toml:21:8: a correlation of 1.5 is outside -1 to 1");
    assert!(!ran.stderr.contains("missing key `rank`"), "{}", ran.stderr);
    assert!(!t.path().join("out.json").exists());
    assert!(!t.path().join("d.csv").exists());
    // Three values with a single `rank`, and the diagonal.
    let t = Test::new().file("birmingham.toml", &base).file(
        "three.toml",
        r#"extends = "birmingham.toml"

[[correlation]]
values = ["assumptions.inflation", "assumptions.growth", "service.learning_disability.growth"]
rank = 0.5

[[correlation]]
values = ["service.learning_disability.setting.home_support.unit_cost", "service.learning_disability.setting.residential.unit_cost"]
matrix = [[1, 0.2], [0.2, 0.9]]
"#,
    );
    t.run_with(&["check", "three.toml"])
        .status(2)
        .stderr_has("three.toml:5:8: `rank` correlates two values, but 3 are named")
        .stderr_has("three.toml:9:27")
        .stderr_has("the diagonal must be 1, not 0.9");
    // One value where a list is wanted: how to write the list.
    let t = Test::new().file("birmingham.toml", &base).file(
        "one.toml",
        "extends = \"birmingham.toml\"\n\n[[correlation]]\nvalues = \"assumptions.inflation\"\nrank = 0.5\n",
    );
    t.run_with(&["check", "one.toml"])
        .status(2)
        .stderr_has(
            "one.toml:4:10: `values` takes an array for a list of ranged values, found a string",
        )
        .stderr_has(
            "help: a list is written in square brackets: values = [\"assumptions.inflation\"]",
        );
}

#[test]
fn the_raw_draws_are_the_draws_the_percentiles_come_from() {
    let t = birmingham_with("0.7");
    let ran = t
        .run_with(&[
            "project",
            "correlated.toml",
            "-f",
            "json",
            "--draws",
            "12345",
            "--draws-out",
            "d.csv",
        ])
        .status(0);
    let doc = json(&ran.stdout);
    let (h, rows) = read_csv(&t.path().join("d.csv"));
    assert_eq!(rows.len(), 12_345);
    assert_eq!(h[0], "draw");
    assert_eq!(rows.last().unwrap()[0], 12_345.0);
    assert!(
        h.contains(&"net_contribution.bcc[2014/15]".to_string()),
        "{h:?}"
    );
    assert_eq!(h.last().unwrap(), "npv");
    let npv = sorted(column(&h, &rows, "npv"));
    for p in [10, 50, 90] {
        let reported = doc["ranges"]["npv"][format!("p{p}")].as_f64().unwrap();
        // The file's values are rounded to pence.
        assert!(
            (percentile(&npv, p as f64) - reported).abs() <= 0.011,
            "p{p}"
        );
    }
    let mean = npv.iter().sum::<f64>() / npv.len() as f64;
    assert!((mean - doc["ranges"]["npv"]["mean"].as_f64().unwrap()).abs() < 0.01);
}

#[test]
fn the_raw_draws_refuse_unsafe_targets() {
    let t = birmingham_with("0.7");
    t.run_with(&[
        "project",
        "correlated.toml",
        "--draws-out",
        "birmingham.toml",
    ])
    .status(2)
    .stderr_has("which this run reads")
    .stderr_has("help: write the results to another file\n");
    t.run_with(&[
        "project",
        "correlated.toml",
        "--no-ranges",
        "--draws-out",
        "d.csv",
    ])
    .status(2);
    t.run_with(&[
        "project",
        "correlated.toml",
        "-o",
        "d.csv",
        "--draws-out",
        "d.csv",
    ])
    .status(2)
    .stderr_has("one file");
    t.run_with(&["project", "correlated.toml", "--draws-out", "-"])
        .status(2)
        .stderr_has("help: name a CSV file, e.g. --draws-out draws.csv");
    assert!(!t.path().join("-").exists());
    t.run_with(&["project", "correlated.toml", "--draws-out", "missing/d.csv"])
        .status(2)
        .stderr_has("does not exist");
    assert!(!t.path().join("d.csv").exists());
    assert_eq!(
        std::fs::read_to_string(t.path().join("birmingham.toml")).unwrap(),
        std::fs::read_to_string(root().join("scenarios/birmingham.toml")).unwrap()
    );
}

#[test]
fn the_tail_is_the_draws_below_the_reported_percentile() {
    let t = birmingham_with("0.7");
    let projected = json(
        &t.run_with(&["project", "birmingham.toml", "-f", "json"])
            .status(0)
            .stdout,
    );
    let mut docs = Vec::new();
    for threads in ["1", "2"] {
        let ran = t
            .run_with(&[
                "sensitivity",
                "birmingham.toml",
                "--tail",
                "p10",
                "-f",
                "json",
                "--threads",
                threads,
            ])
            .status(0);
        docs.push(ran.stdout);
    }
    assert_eq!(docs[0], docs[1]);
    let tail = json(&docs[0]);
    assert_eq!(tail["threshold"], projected["ranges"]["npv"]["p10"]);
    assert_eq!(tail["npv_mean"], projected["ranges"]["npv"]["mean"]);
    assert_eq!(tail["draws_in_tail"], 1000);
    assert_eq!(tail["side"], "below");
    let drivers = tail["drivers"].as_array().unwrap();
    assert_eq!(drivers.len(), 20);
    let shifts: Vec<f64> = drivers
        .iter()
        .map(|d| d["shift_sd"].as_f64().unwrap().abs())
        .collect();
    assert!(shifts.windows(2).all(|w| w[0] >= w[1]), "{shifts:?}");
    // The worst NPVs come with cheap residential care and dear supported
    // living: the saving per person moved is their difference.
    assert_eq!(drivers[0]["value"], UNIT_COSTS[0]);
    assert!(drivers[0]["shift_sd"].as_f64().unwrap() < -0.8);
    assert_eq!(drivers[1]["value"], UNIT_COSTS[1]);
    assert!(drivers[1]["shift_sd"].as_f64().unwrap() > 0.8);
    // The means agree with the raw draws.
    t.run_with(&[
        "project",
        "birmingham.toml",
        "--draws-out",
        "d.csv",
        "-o",
        "p.json",
    ])
    .status(0);
    let (h, rows) = read_csv(&t.path().join("d.csv"));
    let npv = column(&h, &rows, "npv");
    let costs = column(&h, &rows, UNIT_COSTS[0]);
    let edge = tail["threshold"].as_f64().unwrap();
    let inside: Vec<f64> = npv
        .iter()
        .zip(&costs)
        .filter(|(v, _)| **v <= edge + 0.005)
        .map(|(_, c)| *c)
        .collect();
    let mean = inside.iter().sum::<f64>() / inside.len() as f64;
    assert!((mean - drivers[0]["mean_in_tail"].as_f64().unwrap()).abs() < 0.01);
    // The best tenth, and the table and the chart.
    let best = json(
        &t.run_with(&[
            "sensitivity",
            "birmingham.toml",
            "--tail",
            "p90",
            "-f",
            "json",
        ])
        .status(0)
        .stdout,
    );
    assert_eq!(best["side"], "above");
    assert_eq!(best["threshold"], projected["ranges"]["npv"]["p90"]);
    t.run_with(&["sensitivity", "birmingham.toml", "--tail", "p10"])
        .status(0)
        .stdout_has("What drives the worst outcomes: the 1,000 of 10,000 Monte Carlo draws")
        .stdout_has("Learning disability: residential care unit cost");
    t.run_with(&["sensitivity", "birmingham.toml", "--tail", "10"])
        .status(2)
        .stderr_has("not a percentile");
    let upper = t
        .run_with(&[
            "sensitivity",
            "birmingham.toml",
            "--tail",
            "P10",
            "-f",
            "json",
        ])
        .status(0)
        .stdout;
    assert_eq!(json(&upper)["tail"], "p10");
    t.run_with(&[
        "chart",
        "birmingham.toml",
        "--kind",
        "tail",
        "-o",
        "tail.svg",
    ])
    .status(0);
    let svg = std::fs::read_to_string(t.path().join("tail.svg")).unwrap();
    assert!(svg.contains("what drives the"), "{svg}");
    assert!(svg.contains("Learning disability: residential care unit cost"));
}

#[test]
fn standard_errors_are_reported_and_fall_with_the_draws() {
    let t = birmingham_with("0.7");
    let error = |draws: &str| {
        let doc = json(
            &t.run_with(&["project", "birmingham.toml", "-f", "json", "--draws", draws])
                .status(0)
                .stdout,
        );
        doc["ranges"]["npv"]["standard_error"]["p10"]
            .as_f64()
            .unwrap()
    };
    let (small, large) = (error("10000"), error("160000"));
    // A quarter: one over the square root of sixteen times the draws.
    assert!((large / small - 0.25).abs() < 0.05, "{small} {large}");
    let csv = t
        .run_with(&["project", "birmingham.toml", "-f", "csv"])
        .status(0)
        .stdout;
    assert!(csv.contains(",npv,,,,se_p10,"), "{csv}");
    assert!(csv.contains("2014/15,cumulative_net_savings,,,,se_mean,"));
    t.run_with(&["project", "birmingham.toml"])
        .status(0)
        .stdout_has("Monte Carlo standard error up to £0.21m (cumulative net savings p10 in 2014/15) with 10,000 draws");
    let quiet = t
        .run_with(&["project", "birmingham.toml", "--draws", "1000000"])
        .status(0);
    assert!(
        !quiet.stdout.contains("Monte Carlo standard error"),
        "{}",
        quiet.stdout
    );
    // One draw has no spread to estimate an error from: none is reported.
    let one = t
        .run_with(&["project", "birmingham.toml", "-f", "json", "--draws", "1"])
        .status(0);
    assert!(json(&one.stdout)["ranges"]["npv"]["p10"].is_number());
    assert!(!one.stdout.contains("standard_error"), "{}", one.stdout);
    let one = t
        .run_with(&["project", "birmingham.toml", "-f", "csv", "--draws", "1"])
        .status(0);
    assert!(!one.stdout.contains(",se_"), "{}", one.stdout);
    t.run_with(&["project", "birmingham.toml", "--draws", "1"])
        .status(0)
        .stdout_has("from 1 draw, seed");
    // Nor has a tail of one draw anything to compare: refused.
    t.run_with(&[
        "sensitivity",
        "birmingham.toml",
        "--tail",
        "p10",
        "--draws",
        "1",
    ])
    .status(2)
    .stderr_has("1 draw(s) put 1 in the NPV's p10 tail: too few");
}

#[test]
fn draws_auto_reaches_its_target_the_same_way_every_time() {
    let t = birmingham_with("0.7");
    let run = |extra: &[&str]| {
        let mut args = vec![
            "project",
            "birmingham.toml",
            "-f",
            "json",
            "--draws",
            "auto",
        ];
        args.extend_from_slice(extra);
        t.run_with(&args).status(0).stdout
    };
    let first = run(&[]);
    assert_eq!(first, run(&["--threads", "1"]));
    let doc = json(&first);
    let draws = doc["ranges"]["draws"].as_u64().unwrap();
    assert!(draws > 10_000 && draws.is_multiple_of(8192), "{draws}");
    for p in ["p10", "p50", "p90"] {
        assert!(doc["ranges"]["npv"]["standard_error"][p].as_f64().unwrap() <= 50_000.0);
    }
    let loose = json(&run(&["--precision", "£150,000"]));
    assert!(loose["ranges"]["draws"].as_u64().unwrap() < draws);
    t.run_with(&["project", "birmingham.toml", "--precision", "£10,000"])
        .status(2)
        .stderr_has("--draws auto");
    // Options of the draws with --no-ranges, which draws nothing: said.
    t.run_with(&[
        "project",
        "birmingham.toml",
        "--no-ranges",
        "--draws",
        "500",
        "--seed",
        "2",
    ])
    .status(0)
    .stderr_has("warning: --draws and --seed have no effect with --no-ranges");
}

/// `--precision` goes wherever `--draws auto` does, and only with it.
#[test]
fn every_command_that_draws_auto_takes_a_precision() {
    let t = birmingham_with("0.7");
    let draws = |args: &[&str]| -> u64 {
        let doc = json(&t.run_with(args).status(0).stdout);
        doc["ranges"]["draws"]
            .as_u64()
            .or(doc["draws"].as_u64())
            .unwrap_or_else(|| panic!("no draws in {doc}"))
    };
    let auto = ["--draws", "auto", "--precision", "£100,000"];
    let project = draws(&[&["project", "birmingham.toml", "-f", "json"][..], &auto].concat());
    let tail = draws(
        &[
            &[
                "sensitivity",
                "birmingham.toml",
                "--tail",
                "p10",
                "-f",
                "json",
            ][..],
            &auto,
        ]
        .concat(),
    );
    assert!(project > 10_000 && project < 180_224, "{project}");
    assert_eq!(tail, project);
    t.run_with(&[&["report", "birmingham.toml", "-o", "r.html"][..], &auto].concat())
        .status(0);
    let page = std::fs::read_to_string(t.path().join("r.html")).unwrap();
    assert!(page.contains(&format!("from {} Monte Carlo draws", grouped(project))));
    for command in [
        &["chart", "birmingham.toml", "--kind", "fan", "-o", "f.svg"][..],
        &["appraise", "birmingham.toml"][..],
        &["sensitivity", "birmingham.toml", "--tail", "p10"][..],
    ] {
        t.run_with(&[command, &["--precision", "£1"]].concat())
            .status(2)
            .stderr_has("--precision sets the target of --draws auto");
    }
}

/// A count with thousands separated: 49152 as "49,152".
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A target --draws auto cannot reach within the most draws a run may
/// take: it runs them, says so, and reports what it reached.
#[test]
fn draws_auto_says_when_it_stops_short() {
    let tiny = "[scenario]\nname = \"Tiny pool\"\nstart = \"2024/25\"\nhorizon = 1\n\n\
        [[partner]]\nid = \"council\"\nname = \"Council\"\nkind = \"council\"\n\n\
        [[service]]\nid = \"care\"\nname = \"Care\"\nlead = \"council\"\n\
        contributions = { council = \"£10m\" }\n\n\
        [[saving]]\nname = \"Efficiencies\"\nrate = \"1% to 5%\"\n";
    let t = Test::new().file("tiny.toml", tiny);
    let ran = t
        .run_with(&[
            "project",
            "tiny.toml",
            "-f",
            "json",
            "--draws",
            "auto",
            "--precision",
            "£1",
        ])
        .status(0)
        .stderr_has("warning: --draws auto stopped at 10,000,000 draws, the most this run may take")
        .stderr_has("above the £1.00 asked for");
    let doc = json(&ran.stdout);
    assert_eq!(doc["ranges"]["draws"].as_u64(), Some(10_000_000));
    let error = doc["ranges"]["npv"]["standard_error"]["p50"]
        .as_f64()
        .unwrap();
    assert!(error > 1.0 && error < 1_000.0, "{error}");
}

#[test]
fn a_percentiles_standard_error_is_its_spread_over_seeds() {
    let t = birmingham_with("0.95");
    // 40 seeds estimate the spread to within about a quarter.
    let near = 0.65..1.5;
    for key in ["p10", "mean"] {
        let ratio = spread_over_reported(&t, "birmingham.toml", key);
        assert!(
            near.contains(&ratio),
            "{key}: spread over seeds / reported {ratio}"
        );
    }
    // Re-pairing keeps each input's draws in a chunk, so where correlation
    // narrows NPV its mean still moves from seed to seed as without: the
    // errors say so (from the correlated draws alone they were half the
    // spread).
    for key in ["p50", "mean"] {
        let ratio = spread_over_reported(&t, "correlated.toml", key);
        assert!(
            near.contains(&ratio),
            "{key} correlated: spread over seeds / reported {ratio}"
        );
    }
}

/// The spread of the NPV's `key` (p10, mean) over 40 seeds against its
/// average reported standard error.
fn spread_over_reported(t: &Test, file: &str, key: &str) -> f64 {
    let (mut values, mut reported) = (Vec::new(), Vec::new());
    for seed in 1..=40 {
        let doc = json(
            &t.run_with(&["project", file, "-f", "json", "--seed", &seed.to_string()])
                .status(0)
                .stdout,
        );
        values.push(doc["ranges"]["npv"][key].as_f64().unwrap());
        reported.push(
            doc["ranges"]["npv"]["standard_error"][key]
                .as_f64()
                .unwrap(),
        );
    }
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let spread = (values.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    spread / (reported.iter().sum::<f64>() / n)
}

#[test]
fn correlations_are_seen_in_the_outputs_and_in_diff() {
    let t = birmingham_with("0.7");
    let doc = json(
        &t.run_with(&["project", "correlated.toml", "-f", "json"])
            .status(0)
            .stdout,
    );
    let c = &doc["ranges"]["correlations"][0];
    assert_eq!(c["values"][0], UNIT_COSTS[0]);
    assert_eq!(c["rank_correlations"][0][1], 0.7);
    assert!(
        json(
            &t.run_with(&["project", "birmingham.toml", "-f", "json"])
                .status(0)
                .stdout
        )["ranges"]
            .get("correlations")
            .is_none()
    );
    t.run_with(&["project", "correlated.toml"]).status(0).stdout_has(
        "Correlated in Monte Carlo: Learning disability: residential care unit cost and Learning disability: supported living unit cost: rank correlation 0.7.",
    );
    t.run_with(&["diff", "birmingham.toml", "correlated.toml"])
        .status(1)
        .stdout_has("Inputs that differ (1)")
        .stdout_has("rank 0.7");
    // The board report says so too, and says nothing of it without.
    let page = |file: &str| {
        let out = format!("{file}.html");
        t.run_with(&["report", file, "-o", &out]).status(0);
        std::fs::read_to_string(t.path().join(out)).unwrap()
    };
    assert!(page("correlated.toml").contains(
        "The draws are correlated: Learning disability: residential care unit cost and Learning disability: supported living unit cost: rank correlation 0.7; every other uncertain value is drawn independently."
    ));
    assert!(!page("birmingham.toml").contains("correlated"));
}

#[test]
fn a_value_set_single_leaves_its_correlation_with_a_warning() {
    let t = birmingham_with("0.7");
    let set = format!("{}=£75,000", UNIT_COSTS[0]);
    let ran = t
        .run_with(&["project", "correlated.toml", "--set", &set, "-f", "json"])
        .status(0)
        .stderr_has("warning: correlated.toml:4:")
        .stderr_has("is a single value (--set ");
    assert!(json(&ran.stdout)["ranges"].get("correlations").is_none());
    // A rank matrix whose normal correlations cannot hold is shrunk, said.
    let base = std::fs::read_to_string(root().join("scenarios/birmingham.toml")).unwrap();
    let t = Test::new().file("birmingham.toml", &base).file(
        "edge.toml",
        r#"extends = "birmingham.toml"

[[correlation]]
values = ["assumptions.inflation", "assumptions.growth", "service.learning_disability.growth"]
matrix = [[1, -0.5, -0.5], [-0.5, 1, -0.5], [-0.5, -0.5, 1]]
"#,
    );
    t.run_with(&["project", "edge.toml", "-o", "out.json"])
        .status(0)
        .stderr_has("edge.toml:5:10: the normal correlations these rank correlations need cannot all hold at once");
}
