//! Times the whole tool (`pool_model::harness::exercise`: read, validate,
//! project, sample, vary, print every format, draw every chart) on every
//! file of the directories given, and prints the slowest (docs/fuzzing.md):
//!
//!     cargo run --release --example slowest -- fuzz/corpus/scenario tests/bad
use std::time::Instant;

fn main() {
    let mut times = Vec::new();
    for dir in std::env::args().skip(1) {
        for entry in std::fs::read_dir(&dir).expect("a directory") {
            let path = entry.expect("an entry").path();
            if !path.is_file() {
                continue;
            }
            let bytes = std::fs::read(&path).expect("readable");
            let clock = Instant::now();
            let outcome = pool_model::harness::exercise(&bytes);
            times.push((
                clock.elapsed(),
                path.display().to_string(),
                bytes.len(),
                outcome,
            ));
        }
    }
    times.sort_by_key(|t| std::cmp::Reverse(t.0));
    let total: std::time::Duration = times.iter().map(|t| t.0).sum();
    println!("{} inputs in {:.1} s", times.len(), total.as_secs_f64());
    for (time, path, len, outcome) in times.iter().take(5) {
        let verdict = if outcome.is_ok() { "ok" } else { "BROKEN" };
        println!(
            "{:>8.1} ms  {len:>6} bytes  {verdict}  {path}",
            time.as_secs_f64() * 1e3
        );
    }
    let broken = times.iter().filter(|t| t.3.is_err()).count();
    println!("broken contracts: {broken}");
}
