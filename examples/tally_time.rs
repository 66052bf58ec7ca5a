use std::time::Instant;
fn main() {
    let n = 10_000_000;
    let mut x = 1u64;
    let values: Vec<f64> = (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 11) as f64 / (1u64 << 53) as f64
        })
        .collect();
    let edges = vec![0.04, 0.06, 0.09, 0.11, 0.485, 0.515, 0.89, 0.91, 0.94, 0.96];
    let t = Instant::now();
    let (total, inside) = pool_model::uncertainty::collect::bench_tally(
        &values,
        &edges,
        &mut vec![0.0; values.len() + 128],
    );
    let e = t.elapsed();
    println!(
        "{total} values, {inside} inside: {:.2} ns/value",
        e.as_nanos() as f64 / n as f64
    );
}
