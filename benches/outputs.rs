//! Benchmarks of the outputs finance teams and boards use (issue 29,
//! docs/performance.md): the Excel workbook and the board report of a
//! scenario, from its central case and Monte Carlo ranges already
//! computed, so what is measured is the time they add beyond the Monte
//! Carlo. The report's time includes its tornado (exact runs, switching
//! values) and its three charts. `cargo bench --bench outputs` runs them in
//! under a minute; CI does not.

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use pool_model::engine::project;
use pool_model::report::{ProjectionReport, html, xlsx};
use pool_model::scenario::{Scenario, Values, load};
use pool_model::source::SourceMap;
use pool_model::uncertainty::{Options, ranges};

fn scenario(path: &str, sources: &mut SourceMap) -> Scenario {
    load(&Path::new(env!("CARGO_MANIFEST_DIR")).join(path), sources).expect("valid scenario")
}

fn benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("outputs");
    group.sample_size(20);
    for path in ["scenarios/birmingham.toml", "scenarios/bench/large.toml"] {
        let mut sources = SourceMap::new();
        let s = scenario(path, &mut sources);
        let name = Path::new(path)
            .file_stem()
            .and_then(|n| n.to_str())
            .unwrap_or(path);
        let central = project(&s, &Values::central(&s)).expect("projects");
        let r = ranges(&s, &central, &Options::of(&s)).expect("ranges");
        let report = ProjectionReport {
            scenario: &s,
            central: &central,
            ranges: Some(&r),
            layout: Default::default(),
        };
        group.bench_function(format!("{name} workbook"), |b| {
            b.iter(|| xlsx::projection(&report, &sources).expect("a workbook"))
        });
        group.bench_function(format!("{name} board report"), |b| {
            b.iter(|| html::board_of(&s, &central, Some(&r), &sources).expect("a page"))
        });
    }
    group.finish();
}

/// Issue 31's target: a year of monthly actuals for 100 services read
/// and reported in under 100 ms: reading the CSV and checking it against
/// the plan, the plan's exact budgets, the report and its settlement, and
/// printing it as a table; and the exact projection alone.
fn monitoring(c: &mut Criterion) {
    use pool_model::monitoring::{self, actuals};
    use pool_model::report::{Format, MonitorReport, printer};
    let mut group = c.benchmark_group("monitoring");
    group.sample_size(20);
    let mut sources = SourceMap::new();
    let s = scenario("scenarios/bench/monitor-100.toml", &mut sources);
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/bench/monitor-100-actuals.csv");
    let text = std::fs::read_to_string(&path).expect("the actuals");
    group.bench_function("100 services, 12 months: read, monitor, table", |b| {
        b.iter(|| {
            let mut sources = SourceMap::new();
            let id = sources.add_file("actuals.csv", text.clone());
            let a = actuals::parse(id, "actuals.csv", &s, &sources).expect("valid actuals");
            let m = monitoring::monitor(&s, &a, monitoring::Options::default()).expect("a report");
            let report = MonitorReport {
                scenario: &s,
                monitor: &m,
                year_end: true,
            };
            printer(Format::Table).monitor(&report)
        })
    });
    group.bench_function("100 services: the exact budgets alone", |b| {
        b.iter(|| pool_model::engine::project_budgets(&s, &Values::central(&s)).expect("projects"))
    });
    group.finish();
}

criterion_group!(output_benches, benches, monitoring);
criterion_main!(output_benches);
