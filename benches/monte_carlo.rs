//! Benchmarks of the exact engine and of Monte Carlo (docs/performance.md).
//!
//! `cargo bench` runs them in a few minutes; CI does not.

use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use pool_model::engine::project;
use pool_model::scenario::{Scenario, Values, load};
use pool_model::source::SourceMap;
use pool_model::uncertainty::kernel::{BLOCK, Kernel};
use pool_model::uncertainty::{
    Options, collect, monte_carlo, sample, sensitivity, standard_rows, tail,
};

fn scenario(path: &str) -> Scenario {
    let mut sources = SourceMap::new();
    load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join(path),
        &mut sources,
    )
    .expect("valid scenario")
}

fn run(s: &Scenario, draws: u64) -> Vec<Vec<f64>> {
    let mut options = Options::of(s);
    options.draws = draws;
    monte_carlo(s, standard_rows(s), &options, &[]).expect("draws")
}

fn benches(c: &mut Criterion) {
    let birmingham = scenario("scenarios/birmingham.toml");
    let large = scenario("scenarios/bench/large.toml");
    // The same pool with caps that bind in most draws (water-filling).
    let capped = scenario("scenarios/bench/capped.toml");
    // The large pool with one cap, the council's £1m on acute care,
    // binding in most draws: it should take no longer than the large pool.
    let council_cap = scenario("scenarios/bench/council-cap.toml");
    // The large pool with nine of its values in three correlations.
    let correlated = scenario("scenarios/bench/correlated.toml");
    // Plymouth, two of whose partners pay nothing into some services.
    let plymouth = scenario("scenarios/plymouth.toml");

    let mut exact = c.benchmark_group("exact");
    exact.bench_function("birmingham central", |b| {
        b.iter(|| project(&birmingham, &Values::central(&birmingham)))
    });
    exact.bench_function("large central", |b| {
        b.iter(|| project(&large, &Values::central(&large)))
    });
    exact.bench_function("large sensitivity", |b| {
        b.iter(|| sensitivity::tornado(&large))
    });
    exact.finish();

    let mut mc = c.benchmark_group("monte carlo");
    mc.sample_size(10).measurement_time(Duration::from_secs(10));
    mc.bench_function("birmingham 10k draws", |b| {
        b.iter(|| run(&birmingham, 10_000))
    });
    mc.bench_function("large 10k draws", |b| b.iter(|| run(&large, 10_000)));
    mc.bench_function("large 100k draws", |b| b.iter(|| run(&large, 100_000)));
    mc.bench_function("large 1M draws", |b| b.iter(|| run(&large, 1_000_000)));
    mc.bench_function("capped 1M draws", |b| b.iter(|| run(&capped, 1_000_000)));
    mc.bench_function("council-cap 1M draws", |b| {
        b.iter(|| run(&council_cap, 1_000_000))
    });
    mc.bench_function("correlated 1M draws", |b| {
        b.iter(|| run(&correlated, 1_000_000))
    });
    mc.bench_function("plymouth 1M draws", |b| {
        b.iter(|| run(&plymouth, 1_000_000))
    });
    mc.bench_function("large 1M draws, NPV's p10 tail", |b| {
        let mut options = Options::of(&large);
        options.draws = 1_000_000;
        b.iter(|| tail::tail(&large, &options, tail::TailOf(10)))
    });
    mc.finish();

    // The main pass's three parts, each alone on data that stays in cache,
    // for the benchmark file: steadier than whole runs on a noisy machine.
    let mut parts = c.benchmark_group("monte carlo parts");
    let kernel = Kernel::new(&large, standard_rows(&large));
    let samplers = sample::samplers(&large);
    let (mut params, ranged) = sample::block_params(&samplers);
    let mut rng = sample::chunk_generator(1, 0);
    parts.bench_function("sampling, a block of 64 draws", |b| {
        b.iter(|| sample::fill_block(&samplers, &ranged, &mut rng, &mut params))
    });
    let mut scratch = kernel.scratch();
    let mut out = vec![[0.0; BLOCK]; kernel.rows().len()];
    parts.bench_function("kernel, a block of 64 draws", |b| {
        b.iter(|| kernel.run(&params, &mut scratch, &mut out))
    });
    // The capped file's kernel on one of its own blocks of draws.
    let capped_kernel = Kernel::new(&capped, standard_rows(&capped));
    let capped_samplers = sample::samplers(&capped);
    let (mut capped_params, capped_ranged) = sample::block_params(&capped_samplers);
    sample::fill_block(
        &capped_samplers,
        &capped_ranged,
        &mut rng,
        &mut capped_params,
    );
    let mut capped_scratch = capped_kernel.scratch();
    let mut capped_out = vec![[0.0; BLOCK]; capped_kernel.rows().len()];
    parts.bench_function("kernel, a block of 64 draws, caps binding", |b| {
        b.iter(|| capped_kernel.run(&capped_params, &mut capped_scratch, &mut capped_out))
    });
    // 8,192 values spread evenly, five windows holding about 7% of them.
    let values: Vec<f64> = (0..8192u32)
        .map(|i| f64::from(i.wrapping_mul(2_654_435_761) % 8192) * 1e4)
        .collect();
    let edges: Vec<f64> = [0.05, 0.1, 0.5, 0.9, 0.95]
        .iter()
        .flat_map(|&f| [f * 8.192e7 - 5.8e5, f * 8.192e7 + 5.8e5])
        .collect();
    let mut slots = vec![0.0; values.len() + 128];
    parts.bench_function("tally, 8,192 values of one output", |b| {
        b.iter(|| collect::bench_tally(&values, &edges, &mut slots))
    });
    parts.finish();
}

criterion_group!(monte_carlo_benches, benches);
criterion_main!(monte_carlo_benches);
