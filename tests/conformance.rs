//! The model is one thing: its two drivers, the exact engine and the Monte
//! Carlo kernel, give the same figures from the same parameter values.
//!
//! * On random valid scenarios covering every feature of SPEC 2
//!   (tests/generate), a block of draws goes through the kernel and some
//!   of its lanes through the exact engine: every quantity Monte Carlo
//!   reports agrees within 1e-9 relative or a penny.
//! * Monte Carlo collapsed (every range a point) is the exact central
//!   case, to the penny, for every shipped scenario.

use std::path::Path;

use pool_model::engine::project;
use pool_model::scenario::values::Uncertain;
use pool_model::scenario::{Scenario, Values, load, load_str};
use pool_model::source::SourceMap;
use pool_model::uncertainty::kernel::{BLOCK, Kernel, LaneBuffer, every_row};
use pool_model::uncertainty::{self, Options, collect, sample};
use proptest::prelude::*;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

mod generate;

/// One block of draws of every param, as Monte Carlo draws its first.
fn block(s: &Scenario, seed: u64) -> LaneBuffer {
    let samplers = sample::samplers(s);
    let (mut params, ranged) = sample::block_params(&samplers);
    let mut rng = sample::chunk_generator(seed, 0);
    sample::fill_block(&samplers, &ranged, &mut rng, &mut params);
    params
}

/// The first disagreement between the kernel's block and the exact engine
/// on lanes `lanes`, if any.
fn disagreement(s: &Scenario, seed: u64, lanes: &[usize]) -> Option<String> {
    let params = block(s, seed);
    let rows = every_row(s);
    let kernel = Kernel::new(s, rows.clone());
    let mut out = vec![[0.0; BLOCK]; rows.len()];
    kernel.run(&params, &mut kernel.scratch(), &mut out);
    for &d in lanes {
        let values = Values(
            params
                .iter()
                .map(|lanes| Decimal::from_f64_retain(lanes[d]).unwrap())
                .collect(),
        );
        let exact = match project(s, &values) {
            Ok(p) => p,
            Err(e) => return Some(format!("draw {d}: the exact engine failed: {e}")),
        };
        for (row, lanes) in rows.iter().zip(&out) {
            let want = exact
                .metric(row.quantity.metric(), row.year)
                .unwrap()
                .to_f64()
                .unwrap();
            let got = lanes[d];
            let tolerance = (want.abs() * 1e-9).max(0.01);
            // A NaN is a disagreement too.
            let agrees = (got - want).abs() <= tolerance;
            if !agrees {
                return Some(format!(
                    "draw {d}, {:?} in year {}: kernel {got} vs exact {want}",
                    row.quantity, row.year
                ));
            }
        }
    }
    None
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(160))]

    #[test]
    fn the_kernel_and_the_exact_engine_agree_on_random_scenarios(
        g in generate::scenario(),
        seed in 0u64..1000,
    ) {
        let text = generate::render(&g);
        let mut sources = SourceMap::new();
        let s = match load_str("generated.toml", &text, &mut sources) {
            Ok(s) => s,
            Err(e) => panic!("generated an invalid scenario:\n{}\n{text}", e.render(&sources)),
        };
        if let Some(problem) = disagreement(&s, seed, &[0, 13, 38, 63]) {
            prop_assert!(false, "{problem}\n{text}");
        }
    }
}

/// The scenario with every range replaced by its central value.
fn collapsed(s: &Scenario) -> Scenario {
    let mut c = s.clone();
    for p in &mut c.params {
        p.value = Uncertain::Point(p.value.central());
    }
    c
}

fn shipped() -> Vec<std::path::PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths: Vec<_> = std::fs::read_dir(root.join("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    paths.push(root.join("scenarios/bench/large.toml"));
    paths.push(root.join("scenarios/bench/capped.toml"));
    paths.push(root.join("tests/data/worked_example.toml"));
    paths
}

#[test]
fn collapsed_monte_carlo_is_the_exact_central_case_to_the_penny() {
    for path in shipped() {
        let mut sources = SourceMap::new();
        let s = load(&path, &mut sources).unwrap();
        let central = project(&s, &Values::central(&s)).unwrap();
        let rows = every_row(&s);
        let options = Options {
            draws: 100,
            seed: 7,
            percentiles: vec![1, 50, 99],
            precision: None,
        };
        // The mean of every draw, and the share below zero, of the rows that
        // report them are the central value's (summed chunk by chunk, 100
        // draws of one value).
        let c = collapsed(&s);
        let kernel = Kernel::new(&c, rows.clone());
        let summaries = collect::summaries(&kernel, &c, 100, 7, &[50]);
        for (row, summary) in rows.iter().zip(&summaries) {
            if !uncertainty::has_moments(row.quantity) {
                continue;
            }
            let want = central.metric(row.quantity.metric(), row.year).unwrap();
            let mean = Decimal::from_f64_retain(summary.mean).unwrap();
            assert!(
                (mean - want).abs() < Decimal::new(5, 3),
                "{}: {:?} in year {}: mean {mean} vs central {want}",
                path.display(),
                row.quantity,
                row.year
            );
            let below = if summary.percentiles[0] < 0.0 {
                1.0
            } else {
                0.0
            };
            assert_eq!(summary.below_zero, below, "{}: {:?}", path.display(), row);
        }
        // Through the whole Monte Carlo path: samplers, kernel, percentiles.
        let found = uncertainty::monte_carlo(&collapsed(&s), rows.clone(), &options, &[]).unwrap();
        for (row, percentiles) in rows.iter().zip(found) {
            let want = central.metric(row.quantity.metric(), row.year).unwrap();
            for got in percentiles {
                let got = Decimal::from_f64_retain(got).unwrap();
                assert!(
                    (got - want).abs() < Decimal::new(5, 3),
                    "{}: {:?} in year {}: collapsed Monte Carlo {got} vs central {want}",
                    path.display(),
                    row.quantity,
                    row.year
                );
            }
        }
    }
}

/// Monte Carlo sums most lines' optimism bias from the pool's totals, which
/// holds while every saving line but a shift is at least zero; draws from
/// a normal range that leave their key's domain (growth below -100%, a
/// negative amount) make a block go line by line. Both ways agree with the
/// exact engine, lane by lane, with biases of the scenario's and of lines'
/// own, and shifts that cost more than they save.
#[test]
fn optimism_bias_agrees_with_the_exact_engine_in_and_out_of_domain() {
    let text = r#"[scenario]
name = "Out of domain"
start = "2010/11"
horizon = 6
optimism_bias = { costs = "10% to 30%", savings = "5% to 25%" }

[assumptions]
inflation = "1% to 3%"
deflator = "1.5% to 2.5%"

[[partner]]
id = "council"
name = "Council"
kind = "council"

[[partner]]
id = "nhs"
name = "NHS"
kind = "nhs"

[[service]]
id = "ld"
name = "Learning disability"
lead = "council"
contributions = { council = "£60m", nhs = "£20m" }
growth = { low = "-95%", high = "20%", dist = "normal" }

  [[service.setting]]
  id = "res"
  name = "Res"
  share = "60%"

  [[service.setting]]
  id = "home"
  name = "Home"
  share = "40%"

[[service]]
id = "mh"
name = "Mental health"
lead = "nhs"
contributions = { council = "£10m", nhs = "£40m" }

  [[service.setting]]
  id = "ward"
  name = "Ward"
  share = "50%"

  [[service.setting]]
  id = "community"
  name = "Community"
  share = "50%"

[[shift]]
name = "LD shift"
service = "ld"
from = "res"
to = { home = "100%" }
target_share = "40%"
by = "2013/14"
cost_ratio = "80% to 130%"

[[shift]]
name = "MH shift"
service = "mh"
from = "ward"
to = { community = "100%" }
target_share = "35%"
by = "2012/13"
cost_ratio = "60% to 120%"
optimism_bias = "10% to 40%"

[[saving]]
name = "Rate"
rate = "1% to 3%"

[[saving]]
name = "Amount"
services = ["mh"]
amount = { low = "£0", high = "£2m", dist = "normal" }
optimism_bias = "30%"

[[cost]]
name = "Set-up"
amounts = ["£1m to £2m", "£0.5m to £1m"]

[[cost]]
name = "Own"
services = ["ld"]
amounts = ["£1m", "£1m", "£1m"]
optimism_bias = "50% to 60%"

[[workforce]]
name = "Team"
service = "mh"
employer = "nhs"
staff = 20
cost_per_head = "£40k"
reduction = { low = "2", high = "10", dist = "normal" }
reduction_by = "2012/13"
redundancy_cost = "£20k to £30k"
"#;
    let s = load_str("out.toml", text, &mut SourceMap::new()).unwrap();
    let lanes: Vec<usize> = (0..BLOCK).collect();
    let growth = s.services[0].growth.0;
    let mut left_the_domain = 0;
    for seed in 0..6 {
        let params = block(&s, seed);
        left_the_domain += params[growth].iter().filter(|&&g| g <= -1.0).count();
        if let Some(problem) = disagreement(&s, seed, &lanes) {
            panic!("seed {seed}: {problem}");
        }
    }
    // Some draws did leave the domain (growth drawn from a normal range
    // of -95% to 20% falls below -100% in about one draw in 27).
    assert!(left_the_domain > 0);
}
