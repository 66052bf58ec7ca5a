//! Benchmarks of drawing each chart from results already computed
//! (docs/performance.md). `cargo bench --bench charts` runs them in under
//! a minute; CI does not.

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use pool_model::chart;
use pool_model::engine::project;
use pool_model::scenario::{Scenario, Values, load};
use pool_model::source::SourceMap;
use pool_model::uncertainty::{Options, ranges, sensitivity};

fn scenario(path: &str) -> Scenario {
    let mut sources = SourceMap::new();
    load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join(path),
        &mut sources,
    )
    .expect("valid scenario")
}

fn benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("charts");
    for path in ["scenarios/birmingham.toml", "scenarios/bench/large.toml"] {
        let s = scenario(path);
        let name = Path::new(path)
            .file_stem()
            .and_then(|n| n.to_str())
            .unwrap_or(path);
        let central = project(&s, &Values::central(&s)).expect("projects");
        let r = ranges(&s, &central, &Options::of(&s)).expect("ranges");
        let t = sensitivity::tornado(&s).expect("tornado");
        group.bench_function(format!("{name} fan"), |b| {
            b.iter(|| chart::fan::chart(&s, &central, Some(&r)))
        });
        group.bench_function(format!("{name} shares"), |b| {
            b.iter(|| chart::shares::chart(&s, &central))
        });
        group.bench_function(format!("{name} tornado"), |b| {
            b.iter(|| chart::tornado::chart(&s, &t))
        });
        group.bench_function(format!("{name} partners"), |b| {
            b.iter(|| chart::partners::chart(&s, &central))
        });
    }
    group.finish();
}

criterion_group!(chart_benches, benches);
criterion_main!(chart_benches);
