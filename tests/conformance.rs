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
