//! What drives the worst outcomes (`sensitivity --tail p10`): for each
//! ranged input, its mean in the Monte Carlo draws whose NPV falls in the
//! tail against its mean in every draw.
//!
//! Two passes over the same draws (the seed's chunks and streams,
//! correlations applied): the first finds the NPV's percentile (exactly,
//! as `project` reports it); the second sums each input over every draw
//! and over the draws in the tail. Chunks run on every core and their
//! sums are added in chunk order, so the result is the same bytes for any
//! number of threads. An input's shift is compared across inputs in its
//! own standard deviations: the tail's mean less the overall mean, over
//! the input's standard deviation in the draws.

use rayon::prelude::*;
use rust_decimal::Decimal;

use super::kernel::{Kernel, Quantity, Row};
use super::{ChunkBuffers, McError, Options, check_work, chunks, collect, run_chunk, sample};
use crate::scenario::{ParamId, Scenario};

/// Which tail: the draws at or below percentile p of NPV when p is at most
/// 50 (the worst outcomes), at or above it when p is above 50 (the best).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TailOf(pub u8);

impl TailOf {
    /// Whether the tail is the draws at or below the percentile.
    pub fn lower(self) -> bool {
        self.0 <= 50
    }
}

impl std::str::FromStr for TailOf {
    type Err = String;

    fn from_str(text: &str) -> Result<TailOf, String> {
        // `P10` and `p05` read as `p10` and `p5`.
        let lower = text.trim().to_ascii_lowercase();
        let plain = match lower.strip_prefix('p') {
            Some(digits) => format!("p{}", digits.trim_start_matches('0')),
            None => lower,
        };
        match crate::scenario::raw::parse_case(&plain) {
            Some(crate::scenario::Case::Percentile(p)) => Ok(TailOf(p)),
            _ => Err(format!(
                "`{text}` is not a percentile: write p1 to p99, e.g. p10 for the worst tenth of NPVs"
            )),
        }
    }
}

/// One input's place in the tail.
#[derive(Clone, Debug, PartialEq)]
pub struct Driver {
    pub param: ParamId,
    /// Its key, as `sensitivity` prints it.
    pub name: String,
    pub label: String,
    /// Its mean over every draw, and its standard deviation.
    pub mean: Decimal,
    pub sd: Decimal,
    /// Its mean over the draws in the tail.
    pub tail_mean: Decimal,
    /// (tail mean - mean) / sd: how far the tail moves it, in its own
    /// standard deviations.
    pub shift: Decimal,
}

impl Driver {
    /// The tail's mean less the overall mean, in the input's own units.
    pub fn moved(&self) -> Decimal {
        self.tail_mean - self.mean
    }
}

/// The drivers of one tail of NPV.
#[derive(Clone, Debug, PartialEq)]
pub struct Tail {
    pub of: TailOf,
    pub draws: u64,
    pub seed: u64,
    /// The NPV's percentile that bounds the tail.
    pub threshold: Decimal,
    /// How many draws are in the tail.
    pub in_tail: u64,
    /// NPV's mean over every draw and over the tail.
    pub npv_mean: Decimal,
    pub npv_tail_mean: Decimal,
    /// Every ranged input, the largest shift (either way) first; ties in
    /// file order.
    pub drivers: Vec<Driver>,
}

/// Per chunk: each input's sum, sum of squares and sum in the tail, and
/// NPV's sum and tail sum and the tail's count.
#[derive(Clone, Debug, Default)]
struct Sums {
    sum: Vec<f64>,
    squares: Vec<f64>,
    tail: Vec<f64>,
    npv: f64,
    npv_tail: f64,
    count: u64,
}

impl Sums {
    /// Nothing yet, for `k` inputs.
    fn new(k: usize) -> Sums {
        Sums {
            sum: vec![0.0; k],
            squares: vec![0.0; k],
            tail: vec![0.0; k],
            ..Sums::default()
        }
    }
}

/// The drivers of NPV's tail `of` over the draws of `options`.
pub fn tail(s: &Scenario, options: &Options, of: TailOf) -> Result<Tail, McError> {
    if options.draws == 0 {
        return Err(McError::NoDraws);
    }
    let npv = Row {
        quantity: Quantity::Npv,
        year: 0,
    };
    // Two passes: the work of twice the draws.
    check_work(s, 1, options.draws.saturating_mul(2))?;
    let kernel = Kernel::new(s, vec![npv]);
    let draws = usize::try_from(options.draws).unwrap_or(usize::MAX);
    let found = collect::percentiles(&kernel, s, draws, options.seed, &[of.0]);
    let threshold = found
        .first()
        .and_then(|row| row.first())
        .copied()
        .unwrap_or(f64::NAN);
    let samplers = sample::samplers(s);
    let ranged: Vec<usize> = s.ranged_params().map(|id| id.0).collect();
    let in_tail = |v: f64| {
        if of.lower() {
            v <= threshold
        } else {
            v >= threshold
        }
    };
    let per_chunk: Vec<Sums> = (0..chunks(draws))
        .into_par_iter()
        .map_init(
            || ChunkBuffers::keeping_draws(&kernel, &samplers),
            |buffers, chunk| {
                let mut sums = Sums::new(ranged.len());
                run_chunk(
                    &kernel,
                    &samplers,
                    options.seed,
                    chunk,
                    draws,
                    buffers,
                    |group| {
                        let npvs = group.row(0);
                        for (i, &p) in ranged.iter().enumerate() {
                            let xs = group.input(p).unwrap_or(&[]);
                            let (mut sum, mut sq, mut tail) = (0.0, 0.0, 0.0);
                            for (&x, &v) in xs.iter().zip(npvs) {
                                sum += x;
                                sq += x * x;
                                if in_tail(v) {
                                    tail += x;
                                }
                            }
                            if let (Some(a), Some(b), Some(c)) = (
                                sums.sum.get_mut(i),
                                sums.squares.get_mut(i),
                                sums.tail.get_mut(i),
                            ) {
                                *a += sum;
                                *b += sq;
                                *c += tail;
                            }
                        }
                        for &v in npvs {
                            sums.npv += v;
                            if in_tail(v) {
                                sums.npv_tail += v;
                                sums.count += 1;
                            }
                        }
                    },
                );
                sums
            },
        )
        .collect();
    // Added in chunk order: the same bits for any number of threads.
    let mut total = Sums::new(ranged.len());
    for c in &per_chunk {
        for (t, x) in total.sum.iter_mut().zip(&c.sum) {
            *t += x;
        }
        for (t, x) in total.squares.iter_mut().zip(&c.squares) {
            *t += x;
        }
        for (t, x) in total.tail.iter_mut().zip(&c.tail) {
            *t += x;
        }
        total.npv += c.npv;
        total.npv_tail += c.npv_tail;
        total.count += c.count;
    }
    // An input's spread needs two draws, its mean in the tail at least
    // two there to be more than one draw's value.
    if draws < 2 || total.count < 2 {
        return Err(McError::TailTooSmall {
            draws: options.draws,
            in_tail: total.count,
            p: of.0,
        });
    }
    let n = draws as f64;
    let m = total.count as f64;
    let dec = |x: f64| Decimal::from_f64_retain(x).unwrap_or(Decimal::ZERO);
    let labels = s.labels();
    let mut drivers: Vec<Driver> = ranged
        .iter()
        .enumerate()
        .filter_map(|(i, &p)| {
            let param = s.params.get(p)?;
            let sum = *total.sum.get(i)?;
            let mean = sum / n;
            let variance = super::collect::sample_variance(sum, *total.squares.get(i)?, draws);
            let sd = variance.sqrt();
            let tail_mean = total.tail.get(i)? / m;
            let shift = if sd > 0.0 {
                (tail_mean - mean) / sd
            } else {
                0.0
            };
            Some(Driver {
                param: ParamId(p),
                name: param.name.clone(),
                label: labels.get(p).cloned().unwrap_or_else(|| param.name.clone()),
                mean: dec(mean),
                sd: dec(sd),
                tail_mean: dec(tail_mean),
                shift: dec(shift),
            })
        })
        .collect();
    drivers.sort_by_key(|d| std::cmp::Reverse(d.shift.abs()));
    Ok(Tail {
        of,
        draws: options.draws,
        seed: options.seed,
        threshold: dec(threshold),
        in_tail: total.count,
        npv_mean: dec(total.npv / n),
        npv_tail_mean: dec(total.npv_tail / m),
        drivers,
    })
}
