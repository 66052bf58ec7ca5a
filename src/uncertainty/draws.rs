//! Raw draws (`project --draws-out FILE.csv`): one row a draw, with every
//! sampled input and every output Monte Carlo reports, for analysts who
//! take the draws into their own tools.
//!
//! Every value is written with every digit of the f64 drawn or computed
//! (the shortest text that reads back to the same f64), so the file's
//! percentiles are the report's before rounding.
//!
//! The draws are those the percentiles come from (the same seed, chunks
//! and streams, correlations applied), run again in a pass of their own.
//! Chunks are run a batch at a time on every core (a chunk a thread), each written to text
//! of its own, and the texts written in chunk order, so memory is bounded
//! by a batch (not the draws) and the bytes do not depend on the threads.

use std::io::Write;

use rayon::prelude::*;

use super::kernel::{Kernel, Quantity};
use super::{ChunkBuffers, Options, chunks, run_chunk, sample, standard_rows};
use crate::scenario::Scenario;

/// The CSV's columns: `draw`, each ranged input by the name `sensitivity`
/// prints, then each output as `metric[year]` (`npv` alone).
pub fn header(s: &Scenario, kernel: &Kernel) -> Vec<String> {
    let mut names = vec!["draw".to_string()];
    names.extend(
        s.ranged_params()
            .filter_map(|id| s.param(id))
            .map(|p| p.name.clone()),
    );
    names.extend(kernel.rows().iter().map(|row| {
        let name = row.quantity.metric().name(s);
        if row.quantity == Quantity::Npv {
            name
        } else {
            format!("{name}[{}]", s.year(row.year as u32))
        }
    }));
    names
}

/// Writes every draw of a run to `out` as CSV.
pub fn write(s: &Scenario, options: &Options, out: &mut dyn Write) -> std::io::Result<()> {
    let kernel = Kernel::new(s, standard_rows(s));
    let samplers = sample::samplers(s);
    let ranged: Vec<usize> = s.ranged_params().map(|id| id.0).collect();
    let draws = usize::try_from(options.draws).unwrap_or(usize::MAX);
    let mut head = csv::Writer::from_writer(Vec::new());
    head.write_record(header(s, &kernel))?;
    out.write_all(&head.into_inner().map_err(|e| e.into_error())?)?;
    // A chunk a thread at a time: a chunk's text is 8,192 rows (about
    // 19 MB for the benchmark file), so a batch is bounded by the threads.
    let batch = rayon::current_num_threads().max(1);
    let all = chunks(draws);
    let mut first = 0;
    while first < all {
        let last = (first + batch).min(all);
        let texts: Vec<Vec<u8>> = (first..last)
            .into_par_iter()
            .map_init(
                || ChunkBuffers::keeping_draws(&kernel, &samplers),
                |buffers, chunk| {
                    chunk_text(
                        &kernel,
                        &samplers,
                        &ranged,
                        options.seed,
                        chunk,
                        draws,
                        buffers,
                    )
                },
            )
            .collect();
        for text in texts {
            out.write_all(&text)?;
        }
        first = last;
    }
    Ok(())
}

/// One chunk's rows.
fn chunk_text(
    kernel: &Kernel,
    samplers: &[sample::ParamSampler],
    ranged: &[usize],
    seed: u64,
    chunk: usize,
    draws: usize,
    buffers: &mut ChunkBuffers,
) -> Vec<u8> {
    let rows = kernel.rows().len();
    let mut text = Vec::new();
    let mut draw = chunk * super::CHUNK;
    let mut number = ryu::Buffer::new();
    run_chunk(kernel, samplers, seed, chunk, draws, buffers, |group| {
        let inputs: Vec<&[f64]> = ranged
            .iter()
            .map(|&p| group.input(p).unwrap_or(&[]))
            .collect();
        let outputs: Vec<&[f64]> = (0..rows).map(|r| group.row(r)).collect();
        for i in 0..group.len() {
            draw += 1;
            // Writing to a Vec cannot fail.
            let _ = write!(text, "{draw}");
            for column in inputs.iter().chain(&outputs) {
                text.push(b',');
                let v = column.get(i).copied().unwrap_or(f64::NAN);
                text.extend_from_slice(number.format(v).as_bytes());
            }
            text.push(b'\n');
        }
    });
    text
}
