//! Times a Monte Carlo run of a scenario (used for docs/performance.md).
use pool_model::scenario::load;
use pool_model::source::SourceMap;
use pool_model::uncertainty::{Options, monte_carlo, standard_rows};
use std::time::Instant;
fn main() {
    let path = std::env::args().nth(1).expect("scenario path");
    let draws: u64 = std::env::args()
        .nth(2)
        .map(|d| d.parse().expect("draws"))
        .unwrap_or(1_000_000);
    let mut sources = SourceMap::new();
    let s = load(std::path::Path::new(&path), &mut sources).expect("valid scenario");
    let mut o = Options::of(&s);
    o.draws = draws;
    let rows = standard_rows(&s);
    let t = Instant::now();
    let r = monte_carlo(&s, rows.clone(), &o, &[]).expect("draws");
    println!(
        "{} rows, {} draws: {:?}; NPV percentiles {:?}",
        rows.len(),
        draws,
        t.elapsed(),
        r.last()
    );
}
