//! Benchmarks of the exact engine and of Monte Carlo (docs/performance.md).
//!
//! `cargo bench` runs them in a few minutes; CI does not.

use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use pool_model::engine::project;
use pool_model::scenario::{Scenario, Values, load};
use pool_model::source::SourceMap;
use pool_model::uncertainty::{Options, monte_carlo, sensitivity, standard_rows};

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
    mc.finish();
}

criterion_group!(monte_carlo_benches, benches);
criterion_main!(monte_carlo_benches);
