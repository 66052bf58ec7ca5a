//! A fixed amount of the main pass's work, for counting its instructions
//! with valgrind (docs/performance.md, "Instructions per draw"): 1,000
//! blocks of sampling and the kernel on a scenario, and the tally of
//! 1,024,000 values (one row's share of those blocks' 81 rows, as the
//! tally sees them, times 16). Instruction counts do not depend on how busy
//! the machine is, so they compare builds where timings cannot.
//!
//! ```sh
//! cargo build --release --example instructions
//! valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.out \
//!   target/release/examples/instructions scenarios/bench/large.toml
//! callgrind_annotate --inclusive=yes /tmp/cg.out | grep -E 'Kernel::run_avx2 |fill_block |bench_tally '
//! ```
use pool_model::scenario::load;
use pool_model::source::SourceMap;
use pool_model::uncertainty::kernel::{BLOCK, Kernel};
use pool_model::uncertainty::{collect, sample, standard_rows};

const BLOCKS: usize = 1_000;
const VALUES: usize = 1_024_000;

fn main() {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "scenarios/bench/large.toml".into());
    let mut sources = SourceMap::new();
    let s = load(std::path::Path::new(&path), &mut sources).expect("valid scenario");
    let kernel = Kernel::new(&s, standard_rows(&s));
    let samplers = sample::samplers(&s);
    let (mut params, ranged) = sample::block_params(&samplers);
    let mut rng = sample::chunk_generator(1, 0);
    let mut scratch = kernel.scratch();
    let mut out = vec![[0.0; BLOCK]; kernel.rows().len()];
    let mut sum = 0.0;
    for _ in 0..BLOCKS {
        sample::fill_block(&samplers, &ranged, &mut rng, &mut params);
        kernel.run(&params, &mut scratch, &mut out);
        sum += out.iter().map(|row| row[0]).sum::<f64>();
    }
    // Values spread evenly, five windows holding about 7% of them, as the
    // criterion benchmark of the tally.
    let values: Vec<f64> = (0..VALUES as u64)
        .map(|i| (i.wrapping_mul(2_654_435_761) % VALUES as u64) as f64 * 1e4)
        .collect();
    let span = VALUES as f64 * 1e4;
    let edges: Vec<f64> = [0.05, 0.1, 0.5, 0.9, 0.95]
        .iter()
        .flat_map(|&f| [f * span - 0.007 * span, f * span + 0.007 * span])
        .collect();
    let (total, inside) = collect::bench_tally(&values, &edges, &mut vec![0.0; values.len() + 128]);
    println!(
        "{BLOCKS} blocks of {BLOCK} draws (first lanes summed: {sum:.0}); \
         {total} values tallied, {inside} inside windows"
    );
}
