//! Exact percentiles of Monte Carlo outputs in bounded memory.
//!
//! Keeping every output of every draw would take rows x draws x 8 bytes
//! (81 rows x 1,000,000 draws is 650 MB). Instead:
//!
//! 1. **Pilot.** The first chunks (at most [`PILOT`] draws) are kept whole.
//!    Their order statistics give, for every order statistic the requested
//!    percentiles need, a window of values that contains it with
//!    overwhelming probability (a margin of [`Z`] standard deviations of
//!    the number of pilot values below the full run's order statistic,
//!    which is hypergeometric: the pilot is part of the run). The edges are
//!    read off one histogram of the pilot: each window reaches at most a
//!    bucket beyond the pilot values that bound it.
//! 2. **One pass** over every draw counts, per row, how many values fall
//!    below each window's low edge and keeps only the values inside
//!    windows, all of a row's in one region (which window each is in need
//!    not be known: the windows are disjoint and ordered, so the kept
//!    values, sorted, are window after window). The pass is in stages:
//!    after [`REFINE`] draws the windows are **narrowed** to the margins
//!    of that many draws, within the pilot's (see [`narrow`]), and again
//!    each time four times as many draws have been seen, while enough
//!    are left to repay it ([`narrowings`]): the pilot is two chunks (one
//!    for each of two threads), its windows are wide, and most draws are
//!    tallied in windows as narrow as a pilot of all the draws before
//!    them would give, without keeping that pilot's values.
//! 3. **Resolve.** Each window's size is counted from the kept values. The
//!    rank-r value lies in the window whose count below is
//!    at most r and whose count below plus its size exceeds r; it is found
//!    by selection among the row's kept values, at its place after the
//!    values of the windows below its own. If a rank falls outside
//!    every window (vanishingly rare), the rows concerned are recomputed in
//!    a second pass that keeps all their values.
//!
//! Every step is exact: the percentiles are those of the full set of f64
//! draws, whatever the windows were. Small runs (rows x draws up to
//! [`KEEP_ALL`]) simply keep everything.

use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use super::kernel::{Kernel, Row};
use super::percentile::{
    brackets, brackets_in, interpolate, ranks_with_errors, select_ranks, select_ranks_in,
    standard_errors,
};
use super::{CHUNK, ChunkBuffers, chunks, progress, run_chunk, sample};
use crate::scenario::Scenario;

/// Keep every value when rows x draws is at most this (8 bytes each:
/// 128 MB).
pub const KEEP_ALL: usize = 16 * 1024 * 1024;

/// Draws in the pilot (a whole number of chunks).
pub const PILOT: usize = 2 * CHUNK;

/// Draws seen (a whole number of chunks, the pilot's among them) before
/// the windows are first narrowed.
pub const REFINE: usize = 16 * CHUNK;

/// Standard deviations of margin around each window (of the number of
/// pilot values below the full run's order statistic).
pub const Z: f64 = 5.0;

/// Memory a windowed pass may use for one group of rows (bytes).
pub const WINDOWED_BUDGET: usize = 256 * 1024 * 1024;

/// How a run collects its percentiles: keeping every value or windows,
/// and how many rows each pass over the draws handles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Plan {
    pub windowed: bool,
    /// Rows per pass.
    pub group: usize,
    /// Passes over every draw.
    pub passes: usize,
}

/// The plan for `rows` outputs of `draws` draws whose percentiles `ps`
/// are wanted.
pub fn plan(rows: usize, draws: usize, ps: &[u8]) -> Plan {
    let rows = rows.max(1);
    let draws = draws.max(1);
    let (windowed, group) = if rows.saturating_mul(draws) <= KEEP_ALL {
        (false, rows)
    } else if draws <= PILOT {
        (false, (KEEP_ALL / draws).max(1))
    } else {
        let per_row = 8 * windowed_values_per_row(draws, &ranks_with_errors(ps, draws), Z);
        (true, (WINDOWED_BUDGET / per_row.max(1)).max(1))
    };
    let group = group.min(rows);
    Plan {
        windowed,
        group,
        passes: rows.div_ceil(group),
    }
}

/// The values a windowed pass holds per row at its peak, as [`windowed`]
/// allocates them (on one thread; more threads split a stage's room
/// between them): the pilot's buffer, reused by each stage's kept values;
/// the pilot's own kept values; and each narrowing's carried values. Once
/// assumed to be the pilot and a tenth of the draws, about five times
/// what is kept, so that runs split into two passes from 5,000,000 draws.
fn windowed_values_per_row(draws: usize, ranks: &[usize], z: f64) -> usize {
    let total = chunks(draws);
    let pilot_chunks = PILOT / CHUNK;
    let after_pilot = pilot_chunks.min(total);
    let pilot_draws = (pilot_chunks * CHUNK).min(draws);
    let stops = narrowings(after_pilot, total);
    let starts = std::iter::once(after_pilot).chain(stops.iter().copied());
    let most = starts
        .zip(stops.iter().copied().chain([total]))
        .enumerate()
        .map(|(i, (from, to))| {
            let seen = if i == 0 {
                pilot_draws
            } else {
                (from * CHUNK).min(draws)
            };
            let stage = from..to;
            expected_room(seen, ranks, draws, z, std::slice::from_ref(&stage))
        })
        .max()
        .unwrap_or(0);
    let carried: usize = stops
        .iter()
        .map(|&at| {
            let seen = (at * CHUNK).min(draws);
            room(expected_share(seen, ranks, draws, z), seen)
        })
        .sum();
    let pilot_room = room(expected_share(pilot_draws, ranks, draws, z), pilot_draws);
    pilot_draws.max(most + most / 8) + pilot_room + carried
}

/// How to find the order statistics.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Strategy {
    /// Keep every value when that is small, else windows (the default).
    Auto,
    /// Keep every value (for tests: the reference).
    KeepAll,
    /// Windows with this many standard errors of margin (for tests: a tiny
    /// margin forces the fallback).
    Windowed(f64),
    /// Windows with this margin, narrowed after each of these numbers of
    /// chunks instead of the default schedule ([`narrowings`]; for tests:
    /// many stages in a short run).
    NarrowedAt(f64, &'static [usize]),
}

/// A row's sum over draws and how many draws were below zero: its mean
/// and its chance of a loss (SPEC 3.6).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Moments {
    pub sum: f64,
    /// The sum of squares, for the mean's standard error.
    pub squares: f64,
    pub negative: u64,
}

/// The sample variance of `draws` values from their sum and sum of
/// squares: (squares - sum x mean) / (draws - 1), never below zero
/// (rounding); zero for fewer than two draws.
pub fn sample_variance(sum: f64, squares: f64, draws: usize) -> f64 {
    if draws < 2 {
        return 0.0;
    }
    let n = draws as f64;
    ((squares - sum * (sum / n)) / (n - 1.0)).max(0.0)
}

/// Lanes of the sum: independent running sums, so a row's values are
/// added four at a time, always in the same order.
const SUM_LANES: usize = 8;

impl Moments {
    /// Adds values in order: each to the running sum of its lane (its
    /// position modulo [`SUM_LANES`]), the lanes then summed in order, so
    /// the result depends only on the values and their order.
    fn of(values: &[f64]) -> Moments {
        #[cfg(target_arch = "x86_64")]
        {
            if super::simd::avx2() {
                // SAFETY: the CPU has AVX2 (checked just above).
                return unsafe { Moments::of_avx2(values) };
            }
        }
        Moments::of_generic(values)
    }

    /// [`Moments::of`] compiled for AVX2: the same additions in the same
    /// order, four lanes an instruction, so the same bits.
    ///
    /// Runs only where the CPU has AVX2: callers check it
    /// ([`super::simd::avx2`]) before calling.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn of_avx2(values: &[f64]) -> Moments {
        Moments::of_generic(values)
    }

    #[inline(always)]
    fn of_generic(values: &[f64]) -> Moments {
        let mut lanes = [0.0; SUM_LANES];
        let mut squares = [0.0; SUM_LANES];
        let mut negative = [0u64; SUM_LANES];
        let mut groups = values.chunks_exact(SUM_LANES);
        for group in &mut groups {
            for (((sum, sq), below), &v) in lanes
                .iter_mut()
                .zip(squares.iter_mut())
                .zip(negative.iter_mut())
                .zip(group)
            {
                *sum += v;
                *sq += v * v;
                *below += u64::from(v < 0.0);
            }
        }
        for (((sum, sq), below), &v) in lanes
            .iter_mut()
            .zip(squares.iter_mut())
            .zip(negative.iter_mut())
            .zip(groups.remainder())
        {
            *sum += v;
            *sq += v * v;
            *below += u64::from(v < 0.0);
        }
        Moments {
            sum: lanes.iter().sum(),
            squares: squares.iter().sum(),
            negative: negative.iter().sum(),
        }
    }

    fn merge(&mut self, other: &Moments) {
        self.sum += other.sum;
        self.squares += other.squares;
        self.negative += other.negative;
    }
}

/// Each chunk's moments of each row, set once by the thread that draws the
/// chunk and summed in chunk order, so that the totals do not depend on
/// which thread ran which chunk.
struct ChunkMoments {
    chunks: Vec<std::sync::OnceLock<Vec<Moments>>>,
    /// By kernel row: whether its moments are reported (net and
    /// cumulative net savings, NPV); the others are left at zero, which
    /// saves most of the cost.
    wanted: Vec<bool>,
}

impl ChunkMoments {
    fn new(chunks: usize, kernel: &Kernel) -> ChunkMoments {
        ChunkMoments {
            chunks: (0..chunks).map(|_| std::sync::OnceLock::new()).collect(),
            wanted: kernel
                .rows()
                .iter()
                .map(|r| super::has_moments(r.quantity))
                .collect(),
        }
    }

    /// Adds a group of draws of kernel row `r` to its moments, if wanted.
    fn add(&self, m: &mut Moments, r: usize, values: &[f64]) {
        if self.wanted.get(r).copied().unwrap_or(false) {
            m.merge(&Moments::of(values));
        }
    }

    fn set(&self, chunk: usize, moments: Vec<Moments>) {
        if let Some(slot) = self.chunks.get(chunk) {
            let _ = slot.set(moments);
        }
    }

    /// Every row's moments over every chunk, in chunk order.
    fn totals(&self, rows: usize) -> Vec<Moments> {
        let mut out = vec![Moments::default(); rows];
        for chunk in self.chunks.iter().filter_map(std::sync::OnceLock::get) {
            for (total, m) in out.iter_mut().zip(chunk) {
                total.merge(m);
            }
        }
        out
    }
}

/// A row's percentiles, mean and chance of a value below zero.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    pub percentiles: Vec<f64>,
    /// Each percentile's Monte Carlo standard error
    /// ([`super::percentile::standard_errors`]).
    pub errors: Vec<f64>,
    pub mean: f64,
    /// The mean's standard error: the draws' standard deviation over the
    /// square root of their number.
    pub mean_error: f64,
    /// The share of draws below zero.
    pub below_zero: f64,
}

/// The percentiles `ps` of every kernel row over `draws` draws.
pub fn percentiles(
    kernel: &Kernel,
    s: &Scenario,
    draws: usize,
    seed: u64,
    ps: &[u8],
) -> Vec<Vec<f64>> {
    percentiles_with(kernel, s, draws, seed, ps, Strategy::Auto)
}

/// [`percentiles`] with a chosen strategy; every strategy gives the same
/// values.
///
/// Rows the kernel computes to the same bits as an earlier row
/// ([`Kernel::aliases`]: gross savings in years without costs, year 1's
/// cumulative net savings) are not drawn or tallied again: they take the
/// earlier row's percentiles.
pub fn percentiles_with(
    kernel: &Kernel,
    s: &Scenario,
    draws: usize,
    seed: u64,
    ps: &[u8],
    strategy: Strategy,
) -> Vec<Vec<f64>> {
    summaries_with(kernel, s, draws, seed, ps, strategy)
        .into_iter()
        .map(|x| x.percentiles)
        .collect()
}

/// The percentiles, mean and chance of a loss of every kernel row.
pub fn summaries(
    kernel: &Kernel,
    s: &Scenario,
    draws: usize,
    seed: u64,
    ps: &[u8],
) -> Vec<Summary> {
    summaries_with(kernel, s, draws, seed, ps, Strategy::Auto)
}

/// [`summaries`] with a chosen strategy; every strategy gives the same
/// values (the moments are summed chunk by chunk in chunk order whatever
/// the strategy).
pub fn summaries_with(
    kernel: &Kernel,
    s: &Scenario,
    draws: usize,
    seed: u64,
    ps: &[u8],
    strategy: Strategy,
) -> Vec<Summary> {
    let aliases = kernel.aliases();
    let reduced;
    let kernel = if aliases.iter().all(Option::is_none) {
        kernel
    } else {
        reduced = kernel.with_rows(
            kernel
                .rows()
                .iter()
                .zip(&aliases)
                .filter(|(_, alias)| alias.is_none())
                .map(|(row, _)| *row)
                .collect::<Vec<Row>>(),
        );
        &reduced
    };
    let rows = kernel.rows().len();
    let samplers = sample::samplers(s);
    let ranks = ranks_with_errors(ps, draws);
    let plan = plan(rows, draws, ps);
    let z = match strategy {
        Strategy::Auto if plan.windowed => Some(Z),
        Strategy::Auto | Strategy::KeepAll => None,
        Strategy::Windowed(z) | Strategy::NarrowedAt(z, _) if draws > PILOT => Some(z),
        Strategy::Windowed(_) | Strategy::NarrowedAt(..) => None,
    };
    let stops = match strategy {
        Strategy::NarrowedAt(_, stops) => Some(stops),
        _ => None,
    };
    let group = if strategy == Strategy::Auto {
        plan.group
    } else {
        rows.max(1)
    };
    // Rows are processed in groups, one pass over every draw each, so that
    // memory stays within budget however many outputs there are.
    let all: Vec<usize> = (0..rows).collect();
    let mut values = Vec::with_capacity(rows);
    let mut moments: Vec<Moments> = Vec::with_capacity(rows);
    // With correlation, a pilot's worth of draws run as drawn too.
    let as_drawn_draws = match kernel.correlator() {
        Some(_) if draws >= 2 => draws.min(PILOT),
        _ => 0,
    };
    progress::start(
        (draws as u64)
            .saturating_mul(rows.div_ceil(group.max(1)) as u64)
            .saturating_add(as_drawn_draws as u64),
    );
    let as_drawn = as_drawn_variances(kernel, &samplers, seed, as_drawn_draws);
    for group in all.chunks(group.max(1)) {
        let sums = ChunkMoments::new(chunks(draws), kernel);
        if let Some(z) = z {
            let run = Run {
                kernel,
                samplers: &samplers,
                seed,
                draws,
                rows: group,
                ranks: &ranks,
                z,
                trace: None,
                moments: Some(&sums),
            };
            values.extend(windowed(&run, stops));
        } else {
            let every = 0..chunks(draws);
            let mut kept = keep_all(kernel, &samplers, seed, draws, group, every, 0, Some(&sums));
            values.extend(
                kept.rows_mut()
                    .map(|v| select_ranks(v, &ranks))
                    .collect::<Vec<_>>(),
            );
        }
        moments.extend(sums.totals(group.len()));
    }
    progress::finish();
    let n = draws.max(1) as f64;
    let mut found = values
        .iter()
        .zip(&moments)
        .enumerate()
        .map(|(r, (found, m))| {
            let mean = m.sum / n;
            let variance = sample_variance(m.sum, m.squares, draws);
            // With correlation, what re-pairing cannot move (docs/uncertainty.md).
            let excess = as_drawn
                .as_ref()
                .and_then(|v| v.get(r))
                .map_or(0.0, |&v| (v - variance).max(0.0));
            Summary {
                percentiles: interpolate(ps, draws, &ranks, found),
                errors: standard_errors(ps, draws, &ranks, found)
                    .into_iter()
                    .map(|e| (e * e + excess / n).sqrt())
                    .collect(),
                mean,
                mean_error: ((variance + excess) / n).sqrt(),
                below_zero: m.negative as f64 / n,
            }
        });
    // Each aliased row takes the summary of the earlier row it equals.
    let mut all: Vec<Summary> = Vec::with_capacity(aliases.len());
    for alias in aliases {
        let summary = match alias.and_then(|j| all.get(j)) {
            Some(earlier) => earlier.clone(),
            None => found.next().unwrap_or(Summary {
                percentiles: Vec::new(),
                errors: Vec::new(),
                mean: f64::NAN,
                mean_error: f64::NAN,
                below_zero: f64::NAN,
            }),
        };
        all.push(summary);
    }
    all
}

/// Each row's variance over the first `draws` (with `[[correlation]]`, a
/// pilot's worth) as drawn, before they are re-paired; none for fewer
/// than two draws.
///
/// Re-pairing keeps each input's draws in a chunk and only changes which
/// go together, so a chunk's mean of a row moves from seed to seed as it
/// would without correlation: where correlation narrows a row (two costs
/// that rise together in a difference), a standard error from its
/// correlated draws alone would understate the run's. The part of the
/// as-drawn variance above the correlated one is added to each standard
/// error as a shift all of a run's draws share (docs/uncertainty.md).
fn as_drawn_variances(
    kernel: &Kernel,
    samplers: &[sample::ParamSampler],
    seed: u64,
    draws: usize,
) -> Option<Vec<f64>> {
    if draws < 2 {
        return None;
    }
    let mut buffers = ChunkBuffers::as_drawn(kernel, samplers);
    let mut sums = vec![Moments::default(); kernel.rows().len()];
    for chunk in 0..chunks(draws) {
        run_chunk(kernel, samplers, seed, chunk, draws, &mut buffers, |out| {
            for (r, m) in sums.iter_mut().enumerate() {
                m.merge(&Moments::of(out.row(r)));
            }
        });
    }
    Some(
        sums.iter()
            .map(|m| sample_variance(m.sum, m.squares, draws))
            .collect(),
    )
}

/// Every value of some rows, row after row at the start of one buffer:
/// one large allocation, which the allocator returns to the system when
/// it is freed (many half-megabyte rows would raise glibc's mmap threshold
/// and leave later buffers in its arenas, tens of megabytes more at the
/// peak). The buffer may be longer than the rows need, so that a later
/// stage can reuse its pages (see [`windowed`]).
struct Kept {
    values: Vec<f64>,
    per_row: usize,
    rows: usize,
}

impl Kept {
    fn rows_mut(&mut self) -> rayon::slice::ChunksMut<'_, f64> {
        let used = self.per_row * self.rows;
        self.values
            .get_mut(..used)
            .unwrap_or(&mut [])
            .par_chunks_mut(self.per_row.max(1))
    }

    fn row_mut(&mut self, i: usize) -> Option<&mut [f64]> {
        let n = self.per_row;
        if i >= self.rows {
            return None;
        }
        self.values.get_mut(i * n..(i + 1) * n)
    }
}

/// Every value of the chosen rows over chunks `from..to`, per row, in a
/// buffer of at least `at_least` values; each chunk's moments go to
/// `moments` when given.
#[allow(clippy::too_many_arguments)]
fn keep_all(
    kernel: &Kernel,
    samplers: &[sample::ParamSampler],
    seed: u64,
    draws: usize,
    rows: &[usize],
    chunks_drawn: std::ops::Range<usize>,
    at_least: usize,
    moments: Option<&ChunkMoments>,
) -> Kept {
    let (from, to) = (chunks_drawn.start, chunks_drawn.end);
    // Each chunk writes its draws into its own slice of every row's
    // buffer, so nothing is copied twice.
    let first = from * CHUNK;
    let total = (to * CHUNK).min(draws).saturating_sub(first);
    let mut all = Kept {
        values: super::memory::zeroed((total * rows.len()).max(at_least)),
        per_row: total,
        rows: rows.len(),
    };
    let mut per_chunk: Vec<Vec<&mut [f64]>> =
        (from..to).map(|_| Vec::with_capacity(rows.len())).collect();
    let used = total * rows.len();
    for row in all
        .values
        .get_mut(..used)
        .unwrap_or(&mut [])
        .chunks_mut(total.max(1))
    {
        for (slot, piece) in per_chunk.iter_mut().zip(row.chunks_mut(CHUNK)) {
            slot.push(piece);
        }
    }
    per_chunk.into_par_iter().enumerate().for_each_init(
        || ChunkBuffers::new(kernel, samplers),
        |buffers, (i, mut pieces)| {
            let mut filled = 0;
            let mut sums = vec![Moments::default(); rows.len()];
            run_chunk(kernel, samplers, seed, from + i, draws, buffers, |out| {
                let len = out.len();
                for (piece, &r) in pieces.iter_mut().zip(rows) {
                    if let Some(dst) = piece.get_mut(filled..filled + len) {
                        dst.copy_from_slice(out.row(r));
                    }
                }
                if let Some(all) = moments {
                    // As the tally adds them (see `tally_chunks`), so
                    // every strategy gives the same moments.
                    for (m, &r) in sums.iter_mut().zip(rows) {
                        all.add(m, r, out.row(r));
                    }
                }
                filled += len;
            });
            if let Some(all) = moments {
                all.set(from + i, sums);
            }
        },
    );
    all
}

/// A row's windows: sorted, disjoint value intervals.
///
/// Values are placed by comparing `(v - centre) as f32` with the edges
/// rounded the same way: eight values at a time in vector registers. The
/// rounding is monotone, so a value's region (the number of edges at or
/// below it) never decreases as the value grows: every window is still an
/// interval of values, all below-window values are below it and all
/// above-window values above it, which is all that exact selection needs.
/// Measuring from the centre keeps f32's precision relative to the spread
/// of the row's values, not their size.
#[derive(Clone, Debug, Default)]
struct Windows {
    /// Where values are measured from.
    centre: f64,
    /// `(edge - centre) as f32` for each edge, low_0, high_0, low_1,
    /// high_1, ...: odd regions are inside a window.
    keys: Vec<f32>,
    /// The share of the pilot's values inside the windows.
    share: f64,
    /// The one value of a row every pilot draw shares (a partner that
    /// pays nothing in): its tally counts the draws that differ instead
    /// of keeping values, and if none does every order statistic is this.
    point: Option<f64>,
}

impl Windows {
    fn new(edges: &[f64]) -> Windows {
        let finite: Vec<f64> = edges.iter().copied().filter(|e| e.is_finite()).collect();
        let centre = match (finite.first(), finite.last()) {
            (Some(lo), Some(hi)) => lo / 2.0 + hi / 2.0,
            _ => 0.0,
        };
        Windows {
            keys: edges.iter().map(|&e| key(e, centre)).collect(),
            centre,
            share: 0.0,
            point: None,
        }
    }
}

/// A value's f32 key relative to `centre` (monotone in `v`).
#[inline(always)]
fn key(v: f64, centre: f64) -> f32 {
    (v - centre) as f32
}

/// The least f32 above `k` (`k` itself for infinity and NaN).
fn next_key(k: f32) -> f32 {
    if k.is_nan() || k == f32::INFINITY {
        k
    } else if k == 0.0 {
        f32::from_bits(1)
    } else if k > 0.0 {
        f32::from_bits(k.to_bits() + 1)
    } else {
        f32::from_bits(k.to_bits() - 1)
    }
}

/// For each 4-bit mask of f64 lanes, the 32-bit lane permutation that
/// packs those lanes to the front, in order.
// Indices are bounded by the loops: mask < 16, out <= lane < 4.
#[allow(clippy::indexing_slicing)]
const fn pack_table() -> [[i32; 8]; 16] {
    let mut table = [[0i32; 8]; 16];
    let mut mask: usize = 0;
    while mask < 16 {
        let mut out: usize = 0;
        let mut lane: usize = 0;
        while lane < 4 {
            if mask & (1 << lane) != 0 {
                table[mask][2 * out] = (2 * lane) as i32;
                table[mask][2 * out + 1] = (2 * lane + 1) as i32;
                out += 1;
            }
            lane += 1;
        }
        mask += 1;
    }
    table
}

/// Up to this many edges (two a window) are compared in vector registers;
/// more fall back to the generic loop.
const MAX_EDGES: usize = 16;

/// The values one part of the draws put inside one window: a slice of a
/// buffer shared by many windows, then a vector for any that overflow it.
#[derive(Debug, Default)]
struct Region<'a> {
    slots: &'a mut [f64],
    len: usize,
    spill: Vec<f64>,
}

impl<'a> Region<'a> {
    fn new(slots: &'a mut [f64]) -> Region<'a> {
        Region {
            slots,
            len: 0,
            spill: Vec::new(),
        }
    }

    #[inline(always)]
    fn push(&mut self, v: f64) {
        if let Some(slot) = self.slots.get_mut(self.len) {
            *slot = v;
            self.len += 1;
        } else {
            self.spill.push(v);
        }
    }

    fn len(&self) -> usize {
        self.len + self.spill.len()
    }

    /// The unused slots, if there are at least `room` of them (and
    /// nothing has spilled yet, so values go on in order).
    #[inline(always)]
    fn tail(&mut self, room: usize) -> Option<&mut [f64]> {
        if !self.spill.is_empty() {
            return None;
        }
        self.slots.get_mut(self.len..).filter(|t| t.len() >= room)
    }

    /// The values, as the slots used and the spill.
    fn lists(&self) -> [&[f64]; 2] {
        [self.slots.get(..self.len).unwrap_or(&[]), &self.spill]
    }
}

/// Room in a region for the values `draws` draws are expected to put in
/// windows holding `share` of the pilot's values: a tenth more, and a
/// little, so few overflow.
fn room(share: f64, draws: usize) -> usize {
    (share * draws as f64 * 1.1) as usize + 16
}

/// Cuts `buffer` into consecutive slices of the given sizes.
fn cut<'a>(mut buffer: &'a mut [f64], sizes: &[usize]) -> Vec<&'a mut [f64]> {
    sizes
        .iter()
        .map(|&n| {
            let n = n.min(buffer.len());
            let (head, tail) = std::mem::take(&mut buffer).split_at_mut(n);
            buffer = tail;
            head
        })
        .collect()
}

/// Per row: how many values there are, how many are at or above each
/// window's low edge, and the values inside the windows, all in one
/// region.
///
/// The windows are disjoint and ascending, so the kept values, sorted,
/// are window 0's, then window 1's, and so on. A window's first rank is
/// the count below its low edge; its size is how many kept values lie in
/// it, which [`Tally::resolve`] works out from the kept values themselves
/// (a few in a hundred of all values). So the pass over every value counts
/// at the low edges only, and keeps values without working out which
/// window they are in: the vector path packs them straight into the
/// region.
#[derive(Debug, Default)]
struct Tally<'a> {
    total: usize,
    /// Per window: values at or above its low edge.
    from_low: Vec<u64>,
    /// Counts of the vector path, per window and lane (added to
    /// `from_low` by [`Tally::settle`]).
    lanes: Vec<[u32; 8]>,
    inside: Region<'a>,
    /// For a point row ([`Windows::point`]): the values that are not its
    /// point.
    differ: u64,
}

impl<'a> Tally<'a> {
    /// An empty tally whose kept values go to a vector.
    fn new(windows: &Windows) -> Tally<'a> {
        Tally::in_region(windows, Region::default())
    }

    /// An empty tally whose kept values go to `inside`.
    fn in_region(windows: &Windows, inside: Region<'a>) -> Tally<'a> {
        let n = windows.keys.len() / 2;
        Tally {
            total: 0,
            from_low: vec![0; n],
            lanes: vec![[0; 8]; n],
            inside,
            differ: 0,
        }
    }

    fn add(&mut self, windows: &Windows, values: &[f64]) {
        if let Some(x) = windows.point {
            let x = x.to_bits();
            self.total += values.len();
            self.differ += values.iter().filter(|v| v.to_bits() != x).count() as u64;
            return;
        }
        #[cfg(target_arch = "x86_64")]
        {
            if super::simd::avx2_popcnt() && windows.keys.len() <= MAX_EDGES {
                // SAFETY: the CPU has AVX2 and POPCNT (checked just above).
                unsafe { self.add_avx2(windows, values) };
                return;
            }
        }
        self.add_generic(windows, values);
    }

    /// Adds the vector path's lane counts into `from_low`.
    fn settle(&mut self) {
        for (slot, lanes) in self.from_low.iter_mut().zip(self.lanes.iter_mut()) {
            *slot += lanes.iter().map(|&x| u64::from(x)).sum::<u64>();
            *lanes = [0; 8];
        }
    }

    /// The parts of one row's tallies taken together: how many values,
    /// and how many at or above each window's low edge.
    fn combine(parts: &mut [Tally], windows: &Windows) -> (usize, Vec<u64>) {
        let mut total = 0;
        let mut from_low = vec![0u64; windows.keys.len() / 2];
        for part in parts {
            part.settle();
            total += part.total;
            for (a, b) in from_low.iter_mut().zip(&part.from_low) {
                *a += b;
            }
        }
        (total, from_low)
    }

    fn add_generic(&mut self, windows: &Windows, values: &[f64]) {
        for &v in values {
            self.add_one(windows, v);
        }
    }

    #[inline(always)]
    fn add_one(&mut self, windows: &Windows, v: f64) {
        self.total += 1;
        let k = key(v, windows.centre);
        let mut region = 0usize;
        for (pair, count) in windows.keys.chunks_exact(2).zip(self.from_low.iter_mut()) {
            if let [low, high] = pair {
                if k >= *low {
                    region += 1;
                    *count += 1;
                }
                if k >= *high {
                    region += 1;
                }
            }
        }
        // An odd number of edges at or below: inside a window.
        if region & 1 == 1 {
            self.inside.push(v);
        }
    }

    /// Eight values at a time are compared with each window's low edge;
    /// the masks are summed into counts (five counters for five windows,
    /// which stay in registers with the edges), and their sum picks the
    /// one high edge a value must be below to be inside a window (one
    /// more compare, not one a window). The values inside a window are
    /// packed, without branching (a table of lane permutations), straight
    /// into the region, or into a staging buffer when the region is nearly
    /// full. Specialised by the number of windows so the loops unroll.
    ///
    /// Runs only where the CPU has AVX2 and POPCNT: callers check both
    /// ([`super::simd::avx2_popcnt`]) before calling.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,popcnt")]
    fn add_avx2(&mut self, windows: &Windows, values: &[f64]) {
        // `add_windows` needs AVX2 and POPCNT, which this function's own
        // target features give.
        match windows.keys.len() {
            2 => self.add_windows::<1>(windows, values),
            4 => self.add_windows::<2>(windows, values),
            6 => self.add_windows::<3>(windows, values),
            8 => self.add_windows::<4>(windows, values),
            10 => self.add_windows::<5>(windows, values),
            12 => self.add_windows::<6>(windows, values),
            14 => self.add_windows::<7>(windows, values),
            16 => self.add_windows::<8>(windows, values),
            _ => self.add_generic(windows, values),
        }
    }

    /// The tally of [`Self::add_avx2`] for `W` windows.
    ///
    /// Runs only where the CPU has AVX2 and POPCNT: callers check both
    /// ([`super::simd::avx2_popcnt`]) before calling.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,popcnt")]
    fn add_windows<const W: usize>(&mut self, windows: &Windows, values: &[f64]) {
        use std::arch::x86_64::*;
        let mut edges = [[_mm256_setzero_ps(); 2]; W];
        for (slot, pair) in edges.iter_mut().zip(windows.keys.chunks_exact(2)) {
            if let [low, high] = pair {
                *slot = [_mm256_set1_ps(*low), _mm256_set1_ps(*high)];
            }
        }
        let centre = _mm256_set1_pd(windows.centre);
        // Window j's high edge (j = 0..W, W <= 8) in lane 7 - j: see
        // `inside` below.
        let mut high_keys = [f32::NEG_INFINITY; 8];
        for (j, pair) in windows.keys.chunks_exact(2).enumerate().take(8) {
            if let (Some(slot), [_, high]) = (high_keys.get_mut(7 - j), pair) {
                *slot = *high;
            }
        }
        // SAFETY: `high_keys` is 32 readable bytes.
        let highs = unsafe { _mm256_loadu_ps(high_keys.as_ptr()) };
        // Lane permutations that pack the f64 lanes named by a 4-bit mask
        // to the front (as pairs of 32-bit lanes).
        const PACK: [[i32; 8]; 16] = pack_table();
        // A packed store writes 4 lanes, beyond the values it keeps: a
        // batch needs room for all of its values and 4 more.
        const BATCH: usize = 64;
        const ROOM: usize = BATCH + 4;
        // Made only if a region is nearly full (clearing it on every call
        // was a measurable part of the tally).
        let mut staged: Option<[f64; ROOM]> = None;
        let mut counts: [__m256i; W] = std::array::from_fn(|j| match self.lanes.get(j) {
            // SAFETY: `lanes` is 32 readable bytes.
            Some(lanes) => unsafe { _mm256_loadu_si256(lanes.as_ptr().cast()) },
            None => _mm256_setzero_si256(),
        });
        let mut batches = values.chunks_exact(BATCH);
        for batch in &mut batches {
            // Straight into the region if it has room, else staged.
            let direct = self
                .inside
                .tail(ROOM)
                .and_then(|tail| tail.first_chunk_mut::<ROOM>());
            let staging = direct.is_none();
            let dest: &mut [f64; ROOM] = match direct {
                Some(tail) => tail,
                None => staged.get_or_insert([0.0; ROOM]),
            };
            // First the counts, and which values of each group of eight
            // are inside a window (a byte of `kept` a group); then only
            // the groups that keep something are packed. Packing every
            // group, kept or not, made the tally about twice as slow
            // (measured in commit dc59b06): each lookup in the
            // table of permutations waited on the stores before it.
            let mut kept = 0u64;
            for (i, oct) in batch.chunks_exact(8).enumerate() {
                let (a, b) = oct.split_at(4);
                // SAFETY: `a` and `b` hold exactly four values each.
                let (va, vb) =
                    unsafe { (_mm256_loadu_pd(a.as_ptr()), _mm256_loadu_pd(b.as_ptr())) };
                let ka = _mm256_cvtpd_ps(_mm256_sub_pd(va, centre));
                let kb = _mm256_cvtpd_ps(_mm256_sub_pd(vb, centre));
                let k = _mm256_set_m128(kb, ka);
                // The number of low edges at or below the key, n, is minus
                // the sum of their masks, whose low 3 bits (8 - n, or 0
                // for n = 8) pick window n's high edge from `highs`: the
                // key is inside a window iff it is below that edge and n
                // is not 0 (at or above the first low edge). Windows' keys
                // are in order, so this is the same test as "at or above
                // some window's low edge and below its high edge".
                let mut from_count = _mm256_setzero_si256();
                let mut from_first = _mm256_setzero_ps();
                for (j, ([low, _], count)) in edges.iter().zip(counts.iter_mut()).enumerate() {
                    // A mask lane is all ones (-1) where the key is at or
                    // above the edge's.
                    let from = _mm256_cmp_ps::<_CMP_GE_OQ>(k, *low);
                    if j == 0 {
                        from_first = from;
                    }
                    let from = _mm256_castps_si256(from);
                    *count = _mm256_sub_epi32(*count, from);
                    // The count stays in its register from group to group:
                    // without this (empty) barrier the compiler sums each
                    // window's masks over the batch's eight groups first,
                    // keeping forty masks on the stack, which was 10%
                    // slower (measured in commit dc59b06).
                    // SAFETY: the instruction is empty: it reads and
                    // writes only the register, unchanged.
                    unsafe {
                        std::arch::asm!(
                            "/* {0} */",
                            inout(ymm_reg) * count,
                            options(pure, nomem, nostack, preserves_flags)
                        )
                    };
                    from_count = _mm256_add_epi32(from_count, from);
                }
                let high = _mm256_permutevar8x32_ps(highs, from_count);
                let inside = _mm256_and_ps(from_first, _mm256_cmp_ps::<_CMP_LT_OQ>(k, high));
                kept |= (_mm256_movemask_ps(inside) as u64) << (8 * i);
            }
            let mut n = 0usize;
            while kept != 0 {
                let group = (kept.trailing_zeros() / 8) as usize;
                let odd = (kept >> (8 * group)) as usize & 0xff;
                kept &= !(0xff << (8 * group));
                let Some(oct) = batch.get(8 * group..8 * group + 8) else {
                    break;
                };
                let (a, b) = oct.split_at(4);
                // SAFETY: `a` and `b` hold exactly four values each.
                let (va, vb) =
                    unsafe { (_mm256_loadu_pd(a.as_ptr()), _mm256_loadu_pd(b.as_ptr())) };
                for (lanes, bits) in [(va, odd & 15), (vb, odd >> 4)] {
                    let perm = PACK.get(bits).copied().unwrap_or([0; 8]);
                    // SAFETY: `perm` is 32 readable bytes.
                    let p = unsafe { _mm256_loadu_si256(perm.as_ptr().cast()) };
                    let packed =
                        _mm256_castps_pd(_mm256_permutevar8x32_ps(_mm256_castpd_ps(lanes), p));
                    // Unchecked: a checked slice here cost a sixth of the
                    // tally's time. n counts the values kept so far in the
                    // batch, at most BATCH - 4 before its last store.
                    debug_assert!(n + 4 <= ROOM);
                    // SAFETY: the four lanes n..n + 4 are within `dest`
                    // (ROOM = BATCH + 4 slots).
                    unsafe { _mm256_storeu_pd(dest.as_mut_ptr().add(n), packed) };
                    n += bits.count_ones() as usize;
                }
            }
            self.total += BATCH;
            if staging {
                for &v in staged.iter().flatten().take(n) {
                    self.inside.push(v);
                }
            } else {
                self.inside.len += n;
            }
        }
        for (c, lanes) in counts.iter().zip(self.lanes.iter_mut()) {
            // SAFETY: `lanes` is 32 writable bytes.
            unsafe { _mm256_storeu_si256(lanes.as_mut_ptr().cast(), *c) };
        }
        for &v in batches.remainder() {
            self.add_one(windows, v);
        }
    }

    /// The values at `ranks` among every value the `parts` saw, or `None`
    /// if some rank is in no window. Each rank is selected among the kept
    /// values of every part taken together (read where they are, or
    /// gathered into `scratch`, reused from row to row), at its place
    /// after the values of the windows below its own.
    fn resolve(
        mut parts: Vec<Tally>,
        windows: &Windows,
        ranks: &[usize],
        scratch: &mut Vec<f64>,
    ) -> Option<Vec<f64>> {
        if let Some(x) = windows.point {
            // Every value the point, or the row is run again whole.
            let differ: u64 = parts.iter().map(|p| p.differ).sum();
            return (differ == 0).then(|| vec![x; ranks.len()]);
        }
        let (total, from_low) = Tally::combine(&mut parts, windows);
        let lists: Vec<&[f64]> = parts.iter().flat_map(|p| p.inside.lists()).collect();
        let spans = spans(total, &from_low, &window_sizes(&lists, windows)?);
        let places: Vec<usize> = ranks
            .iter()
            .map(|&r| place(&spans, r))
            .collect::<Option<_>>()?;
        Some(select_ranks_in(&lists, &places, scratch))
    }
}

/// Each window's first rank among all `total` values (from the count at or
/// above its low edge) and its size among the kept values.
fn spans(total: usize, from_low: &[u64], sizes: &[usize]) -> Vec<(usize, usize)> {
    from_low
        .iter()
        .zip(sizes)
        .map(|(&low, &size)| (total.saturating_sub(low as usize), size))
        .collect()
}

/// Where the rank-`r` value lies among the kept values sorted (window
/// after window), if a window of `spans` holds it.
fn place(spans: &[(usize, usize)], r: usize) -> Option<usize> {
    let mut before = 0;
    for &(start, size) in spans {
        if start <= r && r < start + size {
            return Some(before + (r - start));
        }
        before += size;
    }
    None
}

/// How many of the kept values `lists` lie in each window, found by
/// comparing their keys with the low edges as the tally did: a kept value
/// is in the last window whose low edge it is at or above. `None` if one
/// is below every window (the tally and the windows disagree: the rows
/// are recomputed).
fn window_sizes(lists: &[&[f64]], windows: &Windows) -> Option<Vec<usize>> {
    #[cfg(target_arch = "x86_64")]
    {
        if super::simd::avx2() {
            // SAFETY: the CPU has AVX2 (checked just above).
            return unsafe { window_sizes_avx2(lists, windows) };
        }
    }
    window_sizes_generic(lists, windows)
}

/// [`window_sizes`] compiled for AVX2 (eight keys a compare).
///
/// Runs only where the CPU has AVX2: callers check it
/// ([`super::simd::avx2`]) before calling.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn window_sizes_avx2(lists: &[&[f64]], windows: &Windows) -> Option<Vec<usize>> {
    window_sizes_generic(lists, windows)
}

#[inline(always)]
fn window_sizes_generic(lists: &[&[f64]], windows: &Windows) -> Option<Vec<usize>> {
    let lows: Vec<f32> = windows.keys.iter().step_by(2).copied().collect();
    // Kept values at or above each low edge, counted a batch of keys at a
    // time (loops the compiler vectorises).
    let mut from_low = vec![0usize; lows.len()];
    let mut keys = [0.0f32; 64];
    for list in lists {
        for batch in list.chunks(keys.len()) {
            for (k, &v) in keys.iter_mut().zip(batch) {
                *k = key(v, windows.centre);
            }
            let batch_keys = keys.get(..batch.len()).unwrap_or(&[]);
            for (count, &low) in from_low.iter_mut().zip(&lows) {
                let at_or_above: u32 = batch_keys.iter().map(|&k| u32::from(k >= low)).sum();
                *count += at_or_above as usize;
            }
        }
    }
    let kept: usize = lists.iter().map(|l| l.len()).sum();
    if from_low.first().is_some_and(|&n| n != kept) {
        return None;
    }
    let beyond = from_low.iter().skip(1).copied().chain([0]);
    Some(
        from_low
            .iter()
            .zip(beyond)
            .map(|(&a, b)| a.saturating_sub(b))
            .collect(),
    )
}

/// For each rank of the full run, the pilot ranks that bound its window
/// (`usize::MAX` where the window is open at that end), with a pilot of
/// `k` values.
fn pilot_bounds(k: usize, ranks: &[usize], draws: usize, z: f64) -> Vec<(usize, usize)> {
    let mut bounds: Vec<(usize, usize)> = Vec::new();
    if k == 0 {
        return bounds;
    }
    for &r in ranks {
        let f = r as f64 / (draws.max(2) - 1) as f64;
        let spread = (f * (1.0 - f)).max(1.0 / k as f64);
        // The pilot is k of the N draws, so how many pilot values lie below
        // the full run's rank-r value is hypergeometric: mean k f, variance
        // k f (1 - f) (N - k) / (N - 1).
        let rest = (draws.saturating_sub(k)) as f64 / (draws.max(2) - 1) as f64;
        let margin = z * (k as f64 * spread * rest).sqrt();
        let centre = f * (k - 1) as f64;
        let lo = (centre - margin).floor();
        let hi = (centre + margin).ceil();
        let lo = if lo < 0.0 { usize::MAX } else { lo as usize };
        let hi = if hi >= (k - 1) as f64 {
            usize::MAX
        } else {
            hi as usize
        };
        bounds.push((lo, hi));
    }
    bounds
}

/// The room one row's region is expected to need when threads take the
/// chunks of `shares`: the windows hold the pilot ranks between their
/// bounds (windows that overlap are merged, as [`windows`] merges them),
/// so, without ties, this many pilot values.
fn expected_room(
    k: usize,
    ranks: &[usize],
    draws: usize,
    z: f64,
    shares: &[std::ops::Range<usize>],
) -> usize {
    let share = expected_share(k, ranks, draws, z);
    shares
        .iter()
        .map(|part| room(share, CHUNK * part.len()))
        .sum()
}

/// The share of the draws a row's windows are expected to hold when made
/// from `k` draws (the pilot ranks between their bounds, windows that
/// overlap merged, without ties).
fn expected_share(k: usize, ranks: &[usize], draws: usize, z: f64) -> f64 {
    let mut spans: Vec<(usize, usize)> = pilot_bounds(k, ranks, draws, z)
        .iter()
        .map(|&(lo, hi)| {
            (
                if lo == usize::MAX { 0 } else { lo },
                if hi == usize::MAX { k - 1 } else { hi },
            )
        })
        .collect();
    spans.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (lo, hi) in spans {
        match merged.last_mut() {
            Some(last) if lo <= last.1 => last.1 = last.1.max(hi),
            _ => merged.push((lo, hi)),
        }
    }
    let inside: usize = merged
        .iter()
        .map(|&(lo, hi)| hi.saturating_sub(lo) + 1)
        .sum();
    inside as f64 / k as f64
}

/// The windows of one row from its pilot values (perhaps reordered).
///
/// A window's edges need only lie outside the pilot order statistics that
/// bound it, not on them (a wider window is as exact, and holds a few more
/// values), so each is taken from one histogram of the pilot: the edges of
/// the bucket holding the statistic, with no selection (see
/// [`brackets`]).
fn windows(pilot: &mut [f64], ranks: &[usize], draws: usize, z: f64) -> Windows {
    let k = pilot.len();
    if k == 0 {
        return Windows::default();
    }
    if let Some(&first) = pilot.first() {
        if pilot.iter().all(|v| v.to_bits() == first.to_bits()) {
            return Windows {
                point: Some(first),
                ..Windows::default()
            };
        }
    }
    let bounds = pilot_bounds(k, ranks, draws, z);
    // Around every pilot rank that bounds a window.
    let mut wanted: Vec<usize> = bounds
        .iter()
        .flat_map(|&(a, b)| [a, b])
        .filter(|x| *x != usize::MAX)
        .collect();
    wanted.sort_unstable();
    wanted.dedup();
    let found = brackets(pilot, &wanted, k / 100);
    let bracket = |rank: usize| {
        wanted
            .iter()
            .position(|w| *w == rank)
            .and_then(|i| found.get(i))
            .copied()
    };
    let mut intervals: Vec<(f64, f64)> = bounds
        .iter()
        .map(|&(a, b)| {
            (
                bracket(a).map_or(f64::NEG_INFINITY, |(below, _)| below),
                bracket(b).map_or(f64::INFINITY, |(_, above)| above),
            )
        })
        .collect();
    intervals.sort_by(|x, y| x.0.total_cmp(&y.0));
    let mut merged: Vec<(f64, f64)> = Vec::new();
    for (a, b) in intervals {
        match merged.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    let edges: Vec<f64> = merged.iter().flat_map(|&(a, b)| [a, b]).collect();
    Windows::new(&edges)
}

/// `range` cut into at most `parts` contiguous runs of nearly equal length.
fn split(range: std::ops::Range<usize>, parts: usize) -> Vec<std::ops::Range<usize>> {
    let len = range.len();
    let parts = parts.clamp(1, len.max(1));
    (0..parts)
        .map(|i| range.start + len * i / parts..range.start + len * (i + 1) / parts)
        .filter(|r| !r.is_empty())
        .collect()
}

/// The percentiles of `run`'s rows by windows (see the module's docs),
/// narrowed after the chunks of `stops` if given, else of [`narrowings`].
fn windowed(run: &Run, stops: Option<&[usize]>) -> Vec<Vec<f64>> {
    let &Run {
        kernel,
        samplers,
        seed,
        draws,
        rows,
        ranks,
        z,
        ..
    } = run;
    let all_rows: Vec<usize> = rows.to_vec();
    let pilot_chunks = PILOT / CHUNK;
    let clock = std::time::Instant::now();
    let trace = std::env::var_os("POOL_MODEL_TRACE").is_some();
    let total = chunks(draws);
    let after_pilot = pilot_chunks.min(total);
    let stops: Vec<usize> = match stops {
        Some(list) => {
            let mut list: Vec<usize> = list
                .iter()
                .copied()
                .filter(|&at| at > after_pilot && at < total)
                .collect();
            list.sort_unstable();
            list.dedup();
            list
        }
        None => narrowings(after_pilot, total),
    };
    let threads = rayon::current_num_threads();
    // Each stage's chunks, and how many draws its windows are made from
    // (the pilot's, then every draw seen before the stage).
    let pilot_draws = (pilot_chunks * CHUNK).min(draws);
    let starts: Vec<usize> = std::iter::once(after_pilot)
        .chain(stops.iter().copied())
        .collect();
    let stages: Vec<(std::ops::Range<usize>, usize)> = starts
        .iter()
        .zip(stops.iter().copied().chain([total]))
        .enumerate()
        .map(|(i, (&from, to))| {
            let seen = if i == 0 {
                pilot_draws
            } else {
                (from * CHUNK).min(draws)
            };
            (from..to, seen)
        })
        .collect();
    // The pilot's buffer is made long enough to hold the threads' regions
    // of any stage afterwards (each stage's in turn): its pages are then
    // filled once, not again for each stage (on a VM a fresh page costs
    // as much as several passes over it). An eighth more than expected,
    // as the pilot's windows reach out to their buckets' edges (see
    // [`windows`]); pages never written cost nothing.
    let most = stages
        .iter()
        .map(|(range, seen)| expected_room(*seen, ranks, draws, z, &split(range.clone(), threads)))
        .max()
        .unwrap_or(0);
    let expected = rows.len() * most;
    let expected = expected + expected / 8;
    let mut pilot = keep_all(
        kernel,
        samplers,
        seed,
        draws,
        &all_rows,
        0..pilot_chunks,
        expected,
        run.moments,
    );
    if trace {
        eprintln!("pilot run {:?}", clock.elapsed());
    }
    // Each row's windows, then its pilot values tallied while they are
    // still in the core's cache. Selection reorders the pilot values; the
    // tally does not care.
    // The pilot's kept values go to a small buffer of their own, a region
    // a row, as the first stage's will.
    let pilot_room = room(expected_share(pilot_draws, ranks, draws, z), pilot_draws);
    let mut kept = super::memory::zeroed(rows.len() * pilot_room);
    let (mut windows, tallies): (Vec<Windows>, Vec<Tally>) = pilot
        .rows_mut()
        .zip(kept.par_chunks_mut(pilot_room.max(1)))
        .map(|(values, slots)| {
            let w = windows(values, ranks, draws, z);
            let mut t = Tally::in_region(&w, Region::new(slots));
            t.add(&w, values);
            (w, t)
        })
        .unzip();
    for (w, t) in windows.iter_mut().zip(&tallies) {
        w.share = t.inside.len() as f64 / t.total.max(1) as f64;
    }
    let windows = windows;
    if trace {
        report_windows("windows and the pilot's tally", clock, &windows);
    }
    // The values each narrowing carries on go to one buffer on huge
    // pages, a region a row (a fresh vector for each would cost a page
    // fault every 512 values). All are made now (no page is touched until
    // it is written), so that each stage's tallies can borrow their own.
    let mut carries: Vec<(Vec<f64>, usize)> = stops
        .iter()
        .map(|&at| {
            let seen = (at * CHUNK).min(draws);
            let room = room(expected_share(seen, ranks, draws, z), seen);
            (super::memory::zeroed(rows.len() * room), room)
        })
        .collect();
    let run = Run {
        trace: trace.then_some(clock),
        ..*run
    };
    let mut buffer = pilot.values;
    let resolved = run_stages(&run, &windows, tallies, &stages, &mut buffer, &mut carries);
    drop((buffer, carries));
    if trace {
        eprintln!("resolved {:?}", clock.elapsed());
    }
    // Fallback: rows whose windows missed a rank keep all their values.
    let missed: Vec<usize> = resolved
        .iter()
        .enumerate()
        .filter(|(_, r)| r.is_none())
        .map(|(i, _)| i)
        .collect();
    if trace && !missed.is_empty() {
        eprintln!("windows missed a rank in {} rows", missed.len());
    }
    let mut fallback = if missed.is_empty() {
        Kept {
            values: Vec::new(),
            per_row: 0,
            rows: 0,
        }
    } else {
        let missed_rows: Vec<usize> = missed
            .iter()
            .filter_map(|&i| rows.get(i).copied())
            .collect();
        // Every chunk's moments are known already.
        keep_all(
            kernel,
            samplers,
            seed,
            draws,
            &missed_rows,
            0..chunks(draws),
            0,
            None,
        )
    };
    resolved
        .into_iter()
        .enumerate()
        .map(|(i, r)| match r {
            Some(v) => v,
            None => match missed
                .iter()
                .position(|m| *m == i)
                .and_then(|k| fallback.row_mut(k))
            {
                Some(values) => select_ranks(values, ranks),
                None => vec![f64::NAN; ranks.len()],
            },
        })
        .collect()
}

/// What every chunk of a windowed run is drawn and tallied from, and how
/// its windows are made.
#[derive(Clone, Copy)]
struct Run<'k> {
    kernel: &'k Kernel,
    samplers: &'k [sample::ParamSampler],
    seed: u64,
    draws: usize,
    rows: &'k [usize],
    ranks: &'k [usize],
    z: f64,
    /// Where each chunk's moments go.
    moments: Option<&'k ChunkMoments>,
    /// `POOL_MODEL_TRACE`: when the run began.
    trace: Option<std::time::Instant>,
}

/// The chunks seen before each narrowing: [`REFINE`]'s, then four times
/// as many each time (windows half as wide), as long as some chunks are
/// left after it (the first) or at least half as many as were seen (the
/// later ones: a narrowing costs passes over every value kept so far and
/// fresh pages for those it carries on, which a few chunks after it
/// would not repay). For 1,000,000 draws (123 chunks): after 16 and 64.
fn narrowings(after_pilot: usize, total: usize) -> Vec<usize> {
    let mut stops = Vec::new();
    let mut at = (REFINE / CHUNK).max(after_pilot + 1);
    while at < total && (stops.is_empty() || total - at >= at / 2) {
        stops.push(at);
        at = at.saturating_mul(4);
    }
    stops
}

/// Runs the stages (each a range of chunks, and the draws its windows
/// were made from) from the first, in `windows`, whose tallies so far are
/// `first`: each stage's chunks are tallied, their kept values in
/// `buffer`, then (if a stage follows) every row's windows are narrowed,
/// the values kept so far carried on into the next of `carries` (a buffer
/// and the room of a row's region in it), and the next stage run in the
/// narrower windows. Resolves every row after the last.
fn run_stages(
    run: &Run,
    windows: &[Windows],
    first: Vec<Tally>,
    stages: &[(std::ops::Range<usize>, usize)],
    buffer: &mut [f64],
    carries: &mut [(Vec<f64>, usize)],
) -> Vec<Option<Vec<f64>>> {
    let Some(((range, _), later)) = stages.split_first() else {
        return resolve_rows(by_row(first, Vec::new()), windows, run.ranks);
    };
    let mut spare = Vec::new();
    let stage = tally_chunks(run, windows, range.clone(), buffer, &mut spare);
    let per_row = by_row(first, stage);
    if let Some(clock) = run.trace {
        report(&format!("stage to chunk {}", range.end), clock, &per_row);
    }
    if later.is_empty() {
        return resolve_rows(per_row, windows, run.ranks);
    }
    let Some(((carry, room), carries)) = carries.split_first_mut() else {
        return resolve_rows(per_row, windows, run.ranks);
    };
    // Narrower windows from every draw so far; the next stage's kept
    // values go to the same buffer (this stage's are carried on).
    let (ranks, draws, z) = (run.ranks, run.draws, run.z);
    let (narrowed, carried): (Vec<Windows>, Vec<Tally>) = per_row
        .into_par_iter()
        .zip(windows)
        .zip(carry.par_chunks_mut((*room).max(1)))
        .map_init(Vec::new, |scratch, ((parts, w), slots)| {
            narrow(parts, w, ranks, draws, z, scratch, slots)
        })
        .unzip();
    if let Some(clock) = run.trace {
        report_windows("narrowed", clock, &narrowed);
    }
    // Every value kept so far has been carried on (or copied): what
    // overflowed this stage's regions is not needed in the next.
    drop(spare);
    run_stages(run, &narrowed, carried, later, buffer, carries)
}

/// Each thread's tallies (one per row) of the chunks in `range` in
/// `windows`.
///
/// Each thread tallies the chunks it claims into one set of tallies: few,
/// large buffers. Which thread ran which chunk does not change the result:
/// counts are sums, and selection finds the same value whatever order the
/// kept values are in. Each thread's kept values go to one slice of
/// `buffer` (or of `spare`, made for threads whose regions do not fit, as
/// when ties filled the windows beyond their ranks), cut into a region per
/// row sized from the window's share for an equal share of the chunks (a
/// tenth more, and what does not fit goes to a vector): a few large areas
/// on huge pages instead of thousands of growing vectors.
fn tally_chunks<'a>(
    run: &Run,
    windows: &[Windows],
    range: std::ops::Range<usize>,
    buffer: &'a mut [f64],
    spare: &'a mut Vec<f64>,
) -> Vec<Vec<Tally<'a>>> {
    let Run {
        kernel,
        samplers,
        seed,
        draws,
        rows,
        ..
    } = *run;
    let shares = split(range.clone(), rayon::current_num_threads());
    let sizes: Vec<Vec<usize>> = shares
        .iter()
        .map(|part| {
            windows
                .iter()
                .map(|w| room(w.share, CHUNK * part.len()))
                .collect()
        })
        .collect();
    let lengths: Vec<usize> = sizes.iter().map(|s| s.iter().sum()).collect();
    // The threads whose regions fit in `buffer`, in order; the rest get
    // `spare`.
    let mut fit = 0;
    let mut used = 0;
    for &n in &lengths {
        if used + n > buffer.len() {
            break;
        }
        used += n;
        fit += 1;
    }
    let (inside, beyond) = lengths.split_at(fit);
    *spare = super::memory::zeroed(beyond.iter().sum());
    let mut parts = cut(buffer, inside);
    parts.extend(cut(spare, beyond));
    let next = AtomicUsize::new(range.start);
    parts
        .into_par_iter()
        .zip(&sizes)
        .map(|(part, sizes)| {
            let mut t: Vec<Tally> = windows
                .iter()
                .zip(cut(part, sizes))
                .map(|(w, slots)| Tally::in_region(w, Region::new(slots)))
                .collect();
            // Chunks are claimed one at a time, so a thread that runs
            // slower (a busy core) does fewer of them and none waits for
            // the others at the end.
            let mut buffers = ChunkBuffers::new(kernel, samplers);
            loop {
                let c = next.fetch_add(1, Ordering::Relaxed);
                if c >= range.end {
                    break;
                }
                let mut sums = vec![Moments::default(); rows.len()];
                run_chunk(kernel, samplers, seed, c, draws, &mut buffers, |out| {
                    for ((tally, w), &r) in t.iter_mut().zip(windows).zip(rows) {
                        tally.add(w, out.row(r));
                    }
                    if let Some(all) = run.moments {
                        for (m, &r) in sums.iter_mut().zip(rows) {
                            all.add(m, r, out.row(r));
                        }
                    }
                });
                if let Some(all) = run.moments {
                    all.set(c, sums);
                }
            }
            t
        })
        .collect()
}

/// Each row's tallies: `first`'s, then each thread's.
fn by_row<'a>(first: Vec<Tally<'a>>, threads: Vec<Vec<Tally<'a>>>) -> Vec<Vec<Tally<'a>>> {
    let mut per_row: Vec<Vec<Tally>> = first.into_iter().map(|t| vec![t]).collect();
    for thread in threads {
        for (list, t) in per_row.iter_mut().zip(thread) {
            list.push(t);
        }
    }
    per_row
}

/// Every row's tallies resolved, in parallel (see [`Tally::resolve`]).
fn resolve_rows(
    per_row: Vec<Vec<Tally>>,
    windows: &[Windows],
    ranks: &[usize],
) -> Vec<Option<Vec<f64>>> {
    per_row
        .into_par_iter()
        .zip(windows)
        .map_init(Vec::new, |scratch, (parts, w)| {
            Tally::resolve(parts, w, ranks, scratch)
        })
        .collect()
}

/// `POOL_MODEL_TRACE`: when a step made windows, and how many edges.
fn report_windows(step: &str, clock: std::time::Instant, windows: &[Windows]) {
    let edges: usize = windows.iter().map(|w| w.keys.len()).sum();
    eprintln!("{step} {:?} edges {edges}", clock.elapsed());
}

/// `POOL_MODEL_TRACE`: a stage's end, and how many values its tallies
/// keep.
fn report(stage: &str, clock: std::time::Instant, per_row: &[Vec<Tally>]) {
    let inside: usize = per_row.iter().flatten().map(|t| t.inside.len()).sum();
    let spilled: usize = per_row.iter().flatten().map(|t| t.inside.spill.len()).sum();
    eprintln!(
        "{stage} {:?} inside {inside} spilled {spilled}",
        clock.elapsed()
    );
}

/// Narrower windows for a row, from every draw its tallies `parts` have
/// seen, and one tally of those draws in them.
///
/// The new windows are those [`windows`] would take from a pilot of every
/// draw seen so far (the margins of [`pilot_bounds`] for that many): each
/// edge is the edge of the bucket holding a seen draws' order statistic in
/// one histogram of the kept values. Each new window is cut to lie within the old ones,
/// in keys, so every seen value inside it was kept, and how many seen
/// values lie below it follows from the old counts: those kept below it,
/// counted afresh, and those not kept, which all lie beyond the old
/// window its low edge is in. Where that cannot be worked out (kept values
/// that disagree with the windows), the old windows and every kept value
/// are carried on, and the resolve falls back as it would have.
fn narrow<'c>(
    mut parts: Vec<Tally>,
    windows: &Windows,
    ranks: &[usize],
    draws: usize,
    z: f64,
    scratch: &mut Vec<f64>,
    slots: &'c mut [f64],
) -> (Windows, Tally<'c>) {
    let (total, from_low) = Tally::combine(&mut parts, windows);
    let lists: Vec<&[f64]> = parts.iter().flat_map(|p| p.inside.lists()).collect();
    let unchanged = || {
        let mut t = Tally::new(windows);
        for list in &lists {
            t.inside.spill.extend_from_slice(list);
        }
        t.total = total;
        t.from_low.clone_from(&from_low);
        t.differ = parts.iter().map(|p| p.differ).sum();
        (windows.clone(), t)
    };
    if windows.point.is_some() {
        return unchanged();
    }
    let Some(sizes) = window_sizes(&lists, windows) else {
        return unchanged();
    };
    // Old window i holds the seen ranks from total - from_low[i], and
    // `unkept[i]` seen values lie beyond it without being kept.
    let mut unkept = vec![0usize; sizes.len()];
    let mut kept_beyond = 0;
    for i in (0..sizes.len()).rev() {
        let (Some(&low), Some(&size), Some(slot)) =
            (from_low.get(i), sizes.get(i), unkept.get_mut(i))
        else {
            return unchanged();
        };
        let Some(n) = (low as usize)
            .checked_sub(size)
            .and_then(|n| n.checked_sub(kept_beyond))
        else {
            return unchanged();
        };
        *slot = n;
        kept_beyond += size;
    }
    // Seen rank s's place among the kept values (sorted), if kept.
    let spans = spans(total, &from_low, &sizes);
    let bounds = pilot_bounds(total, ranks, draws, z);
    let mut wanted: Vec<usize> = bounds
        .iter()
        .flat_map(|&(a, b)| [a, b])
        .filter_map(|s| place(&spans, s))
        .collect();
    wanted.sort_unstable();
    wanted.dedup();
    // As the pilot's windows, each edge is the edge of the bucket holding
    // the order statistic in one histogram, not the statistic itself.
    let kept: usize = sizes.iter().sum();
    let found = brackets_in(&lists, &wanted, kept / 100, scratch);
    let bracket_at = |s: usize| {
        let at = wanted.binary_search(&place(&spans, s)?).ok()?;
        found.get(at).copied()
    };
    // Each rank's keys, cut to the old windows: (low, high, old window).
    let old: Vec<(f32, f32)> = windows
        .keys
        .chunks_exact(2)
        .filter_map(|pair| Some((*pair.first()?, *pair.get(1)?)))
        .collect();
    let mut pieces: Vec<(f32, f32, usize)> = Vec::new();
    for &(a, b) in &bounds {
        // Every value below `above` has a key at most its key.
        let low = bracket_at(a).map_or(f32::NEG_INFINITY, |(below, _)| key(below, windows.centre));
        let high = bracket_at(b).map_or(f32::INFINITY, |(_, above)| {
            next_key(key(above, windows.centre))
        });
        for (i, &(old_low, old_high)) in old.iter().enumerate() {
            let (l, h) = (low.max(old_low), high.min(old_high));
            if l < h {
                pieces.push((l, h, i));
            }
        }
    }
    pieces.sort_by(|x, y| x.0.total_cmp(&y.0));
    let mut merged: Vec<(f32, f32, usize)> = Vec::new();
    for piece in pieces {
        match merged.last_mut() {
            Some(last) if piece.0 <= last.1 => last.1 = last.1.max(piece.1),
            _ => merged.push(piece),
        }
    }
    if merged.is_empty() {
        return unchanged();
    }
    let keys: Vec<f32> = merged.iter().flat_map(|&(l, h, _)| [l, h]).collect();
    let mut narrowed = Windows {
        centre: windows.centre,
        keys,
        share: 0.0,
        point: None,
    };
    let mut carried = Tally::in_region(&narrowed, Region::new(slots));
    for list in &lists {
        carried.add(&narrowed, list);
    }
    carried.settle();
    for (count, &(_, _, i)) in carried.from_low.iter_mut().zip(&merged) {
        *count += unkept.get(i).copied().unwrap_or(0) as u64;
    }
    carried.total = total;
    narrowed.share = carried.inside.len() as f64 / total.max(1) as f64;
    (narrowed, carried)
}

/// Times the tally alone (for docs/performance.md): `values` values of one
/// row against windows like a run's, the kept values going to `slots` (a
/// region made once by the caller, as a run's are, so that its clearing
/// is not timed; room for every value and 128 more never overflows).
#[doc(hidden)]
pub fn bench_tally(values: &[f64], edges: &[f64], slots: &mut [f64]) -> (usize, usize) {
    let windows = Windows::new(edges);
    let mut t = Tally::in_region(&windows, Region::new(slots));
    // As a run hands them over: a group of blocks at a time.
    for group in values.chunks(super::kernel::BLOCK * super::GROUP) {
        t.add(&windows, group);
    }
    (t.total, t.inside.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tally's kept values, sorted.
    fn inside(t: &Tally) -> Vec<f64> {
        let mut v: Vec<f64> = t.inside.lists().concat();
        v.sort_by(f64::total_cmp);
        v
    }

    #[test]
    fn windows_narrow_each_time_four_times_as_many_draws_are_seen() {
        // 1,000,000 draws are 123 chunks; the pilot is 2.
        assert_eq!(narrowings(2, 123), vec![16, 64]);
        // Too few chunks after 64 to repay a second narrowing (95 - 64 <
        // 32), or none after the first point at all.
        assert_eq!(narrowings(2, 95), vec![16]);
        assert_eq!(narrowings(2, 96), vec![16, 64]);
        assert_eq!(narrowings(2, 17), vec![16]);
        assert_eq!(narrowings(2, 16), Vec::<usize>::new());
        assert_eq!(narrowings(2, 13), Vec::<usize>::new());
        // 10,000,000 draws: 1,221 chunks.
        assert_eq!(narrowings(2, 1221), vec![16, 64, 256]);
        assert_eq!(narrowings(2, 1536), vec![16, 64, 256, 1024]);
    }

    #[test]
    fn window_margins_are_the_hypergeometric_spread() {
        // A pilot of 65,536 of 1,000,000 draws, 6 standard deviations: at
        // the median the half-width is 6 sqrt(k f (1 - f) (N - k) / (N - 1))
        // = 742.4 pilot ranks, rounded outwards.
        let (k, n) = (65_536, 1_000_000);
        let r = (n - 1) / 2;
        let [(lo, hi)] = pilot_bounds(k, &[r], n, 6.0)[..] else {
            panic!("one rank, one window");
        };
        let centre = r as f64 / (n - 1) as f64 * (k - 1) as f64;
        let half = 6.0 * (k as f64 * 0.25 * (n - k) as f64 / (n - 1) as f64).sqrt();
        assert_eq!(lo, (centre - half).floor() as usize);
        assert_eq!(hi, (centre + half).ceil() as usize);
        assert_eq!(hi - lo, 1485);
        // A pilot that is the whole run knows every rank exactly.
        let ranks = [0, 10, 4_999, 9_999];
        let bounds = pilot_bounds(10_000, &ranks, 10_000, 6.0);
        assert_eq!(
            bounds,
            vec![(0, 0), (10, 10), (4_999, 4_999), (9_999, usize::MAX)]
        );
        // Expected room: one merged window of 1,486 pilot values, for two
        // threads each taking 57 chunks, a tenth more and 16 each.
        let room = expected_room(k, &[r, r + 1], n, 6.0, &[8..65, 65..122]);
        let each = (1486.0 / k as f64 * (57 * CHUNK) as f64 * 1.1) as usize + 16;
        assert_eq!(room, 2 * each);
    }

    #[test]
    fn tallies_resolve_ranks_inside_windows_and_refuse_others() {
        let windows = Windows::new(&[10.0, 20.0, 50.0, 60.0]);
        let mut t = Tally::new(&windows);
        let values: Vec<f64> = (0..100).map(f64::from).collect();
        t.add(&windows, &values);
        t.settle();
        // At or above the low edges 10 and 50.
        assert_eq!(t.from_low, vec![90, 50]);
        let mut g = Tally::new(&windows);
        g.add_generic(&windows, &values);
        assert_eq!(g.from_low, t.from_low);
        assert_eq!(inside(&g), inside(&t));
        let kept: Vec<f64> = (10..20).chain(50..60).map(f64::from).collect();
        assert_eq!(inside(&t), kept);
        let scratch = &mut Vec::new();
        // Ranks in the first window, the second, and both.
        assert_eq!(
            Tally::resolve(vec![t], &windows, &[15, 55], scratch),
            Some(vec![15.0, 55.0])
        );
        assert_eq!(Tally::resolve(vec![g], &windows, &[30], scratch), None);
        // A kept value below every window means the tally and the windows
        // disagree: no sizes, so the rows are recomputed.
        assert_eq!(window_sizes(&[&[12.0, 55.0]], &windows), Some(vec![1, 1]));
        assert_eq!(window_sizes(&[&[12.0], &[5.0]], &windows), None);
        let mut h = Tally::new(&windows);
        h.add(&windows, &values);
        assert_eq!(
            Tally::resolve(vec![h], &windows, &[10, 19, 50, 59], scratch),
            Some(vec![10.0, 19.0, 50.0, 59.0])
        );
    }

    #[test]
    fn parts_in_regions_that_overflow_resolve_as_one_tally_of_every_value() {
        let windows = Windows::new(&[10.0, 20.0, 50.0, 60.0]);
        // Values 0..100 three times over, in a scrambled order, and a
        // length that is not a whole number of vector batches per part.
        let values: Vec<f64> = (0..300).map(|i| f64::from((i * 37) % 100)).collect();
        let mut whole = Tally::new(&windows);
        whole.add(&windows, &values);
        // Three parts: a region too small (most values spill), a region
        // with room for its part's values packed straight in, and none.
        let mut small = vec![0.0; 6];
        let mut roomy = vec![0.0; 200];
        let mut parts = vec![
            Tally::in_region(&windows, Region::new(&mut small)),
            Tally::in_region(&windows, Region::new(&mut roomy)),
            Tally::new(&windows),
        ];
        for (part, piece) in parts.iter_mut().zip(values.chunks(100)) {
            part.add(&windows, piece);
        }
        assert!(parts[0].inside.len == 6 && !parts[0].inside.spill.is_empty());
        assert!(parts[1].inside.len > 0 && parts[1].inside.spill.is_empty());
        let kept: usize = parts.iter().map(|p| p.inside.len()).sum();
        assert_eq!(kept, whole.inside.len());
        assert_eq!(kept, 60);
        let ranks = [31, 42, 170, 178];
        let scratch = &mut Vec::new();
        let expected = Tally::resolve(vec![whole], &windows, &ranks, scratch);
        assert_eq!(expected, Some(vec![10.0, 14.0, 56.0, 59.0]));
        assert_eq!(Tally::resolve(parts, &windows, &ranks, scratch), expected);
    }

    /// `n` bell-shaped, money-sized values (the sum of three uniforms), or
    /// with `ties`, values from a hundred levels only.
    fn draws(n: usize, ties: bool) -> Vec<f64> {
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        let mut unit = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 11) as f64 / (1u64 << 53) as f64
        };
        (0..n)
            .map(|_| {
                let u = unit() + unit() + unit();
                if ties {
                    4.0e6 + (u * 33.0).floor() * 1.0e4
                } else {
                    4.0e6 + u * 2.0e5
                }
            })
            .collect()
    }

    #[test]
    fn the_next_key_is_the_least_f32_above() {
        for k in [-3.5f32, -f32::MIN_POSITIVE, -0.0, 0.0, 1.0, 7.0e30] {
            let n = next_key(k);
            assert!(n > k && (n - k) <= (k.abs() * f32::EPSILON).max(f32::from_bits(1)));
        }
        assert_eq!(next_key(-f32::from_bits(1)), -0.0);
        assert_eq!(next_key(f32::MAX), f32::INFINITY);
        assert_eq!(next_key(f32::INFINITY), f32::INFINITY);
        assert_eq!(next_key(f32::NEG_INFINITY), f32::MIN);
    }

    #[test]
    fn narrowed_windows_carry_what_a_fresh_tally_of_every_seen_value_gives() {
        for ties in [false, true] {
            // A run of 400,000 draws: a pilot of 4,000, 36,000 more in the
            // pilot's windows, then the rest in the narrowed ones.
            let all = draws(400_000, ties);
            let (seen, rest) = all.split_at(40_000);
            let ranks = super::super::percentile::ranks(&[5, 50, 95], all.len());
            let mut pilot = seen[..4_000].to_vec();
            let old = windows(&mut pilot, &ranks, all.len(), 5.0);
            let mut parts = vec![Tally::new(&old), Tally::new(&old), Tally::new(&old)];
            for (part, piece) in parts.iter_mut().zip(seen.chunks(15_000)) {
                part.add(&old, piece);
            }
            let kept_before: usize = parts.iter().map(|p| p.inside.len()).sum();
            let scratch = &mut Vec::new();
            // A region too small for what is carried: the rest spills.
            let mut slots = vec![0.0; 1_000];
            let (new, carried) = narrow(parts, &old, &ranks, all.len(), 5.0, scratch, &mut slots);
            assert!(carried.inside.len > 900 && !carried.inside.spill.is_empty());
            // The carried counts and values are those of every seen value
            // tallied afresh in the new windows.
            let mut fresh = Tally::new(&new);
            fresh.add(&new, seen);
            fresh.settle();
            assert_eq!(carried.total, seen.len());
            assert_eq!(carried.from_low, fresh.from_low, "ties {ties}");
            assert_eq!(inside(&carried), inside(&fresh));
            // Each new window lies within an old one, and they hold far
            // fewer values.
            for pair in new.keys.chunks_exact(2) {
                assert!(
                    old.keys
                        .chunks_exact(2)
                        .any(|o| o[0] <= pair[0] && pair[1] <= o[1])
                );
            }
            if !ties {
                assert!(carried.inside.len() * 2 < kept_before, "{kept_before}");
            }
            // And the run resolves to the exact order statistics.
            let mut last = Tally::new(&new);
            last.add(&new, rest);
            let mut sorted = all.clone();
            sorted.sort_by(f64::total_cmp);
            let exact: Vec<f64> = ranks.iter().map(|&r| sorted[r]).collect();
            let found = Tally::resolve(vec![carried, last], &new, &ranks, scratch);
            assert_eq!(found, Some(exact), "ties {ties}");
        }
    }

    #[test]
    fn the_vector_tally_keeps_and_counts_what_the_scalar_one_does() {
        // Money-sized values around a large centre, ties on edges, and a
        // length that is not a whole number of batches.
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        let values: Vec<f64> = (0..1_000)
            .map(|i| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                if i % 97 == 0 {
                    2.5e8
                } else {
                    2.4e8 + (x >> 11) as f64 / (1u64 << 53) as f64 * 2e7
                }
            })
            .collect();
        let edges = [2.41e8, 2.42e8, 2.45e8, 2.5e8, 2.5e8, 2.5e8, 2.52e8, 2.55e8];
        let windows = Windows::new(&edges);
        let mut vector = Tally::new(&windows);
        for block in values.chunks(64) {
            vector.add(&windows, block);
        }
        vector.settle();
        let mut scalar = Tally::new(&windows);
        scalar.add_generic(&windows, &values);
        // Packed straight into a region with room, as in a run.
        let mut slots = vec![0.0; 1_100];
        let mut direct = Tally::in_region(&windows, Region::new(&mut slots));
        for block in values.chunks(64) {
            direct.add(&windows, block);
        }
        direct.settle();
        assert!(direct.inside.spill.is_empty());
        assert_eq!(direct.from_low, scalar.from_low);
        assert_eq!(inside(&direct), inside(&scalar));
        assert_eq!(vector.total, 1_000);
        assert_eq!(vector.from_low, scalar.from_low);
        assert_eq!(inside(&vector), inside(&scalar));
        // Each window kept what lies in it: none in the collapsed
        // [2.5e8, 2.5e8), and the ties at 2.5e8 are at its edge: in no
        // window, but counted at or above it.
        let kept = inside(&vector);
        let pairs: Vec<(f64, f64)> = edges.chunks_exact(2).map(|p| (p[0], p[1])).collect();
        for &(low, high) in &pairs {
            let n = kept.iter().filter(|v| low <= **v && **v < high).count();
            if low == high {
                assert_eq!(n, 0);
            } else {
                assert!(n > 0, "[{low}, {high})");
            }
        }
        assert!(
            kept.iter()
                .all(|v| pairs.iter().any(|&(low, high)| low <= *v && *v < high))
        );
        assert!(kept.iter().all(|v| *v != 2.5e8));
        let ties = values.iter().filter(|v| **v == 2.5e8).count() as u64;
        let above = values.iter().filter(|v| **v >= 2.5e8).count() as u64;
        assert!(ties >= 10);
        // The third window's low edge is 2.5e8 (as is its high edge).
        assert_eq!(vector.from_low[2], above);
        // The kept values fall into the windows as the tally kept them: the
        // collapsed one holds none.
        let sizes = window_sizes(&vector.inside.lists(), &windows);
        let expected: Vec<usize> = pairs
            .iter()
            .map(|&(low, high)| kept.iter().filter(|v| low <= **v && **v < high).count())
            .collect();
        assert_eq!(sizes, Some(expected));
        assert_eq!(sizes.map(|s| s[2]), Some(0));
    }

    #[test]
    fn a_row_every_pilot_draw_shares_keeps_nothing_and_is_rerun_if_another_value_comes() {
        let mut pilot = vec![0.0; 100];
        let ranks = [10, 50];
        let w = windows(&mut pilot, &ranks, 1000, Z);
        assert_eq!(w.point, Some(0.0));
        let mut scratch = Vec::new();
        let mut t = Tally::new(&w);
        t.add(&w, &[0.0; 64]);
        assert_eq!((t.inside.len(), t.total), (0, 64));
        assert_eq!(
            Tally::resolve(vec![t], &w, &ranks, &mut scratch),
            Some(vec![0.0, 0.0])
        );
        // -0.0 is another value (its bits differ): the row is rerun whole.
        for other in [1.0, -0.0] {
            let mut t = Tally::new(&w);
            t.add(&w, &[0.0, other, 0.0]);
            assert_eq!(t.differ, 1);
            assert_eq!(Tally::resolve(vec![t], &w, &ranks, &mut scratch), None);
        }
    }

    #[test]
    fn the_vector_tally_matches_the_scalar_one_for_one_to_eight_windows() {
        // The vector tally picks a window's high edge by the number of low
        // edges at or below a value (for eight windows, lane 0 holds the
        // last window's, and "below every window" is ruled out by the
        // first low edge): each window count against the value-by-value
        // tally, with values on edges, windows that touch or collapse
        // (equal edges), infinities and NaN.
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for w in 1..=8usize {
            let mut edges: Vec<f64> = (0..2 * w).map(|_| (next() % 1_000) as f64 * 1e3).collect();
            edges.sort_by(f64::total_cmp);
            let windows = Windows::new(&edges);
            let mut values: Vec<f64> = (0..2_000)
                .map(|_| (next() % 1_100) as f64 * 1e3 - 5e4)
                .collect();
            values.extend(&edges);
            values.extend([f64::INFINITY, f64::NEG_INFINITY, f64::NAN, 0.5]);
            let mut scalar = Tally::new(&windows);
            scalar.add_generic(&windows, &values);
            let mut slots = vec![0.0; values.len() + 128];
            let mut vector = Tally::in_region(&windows, Region::new(&mut slots));
            for group in values.chunks(256) {
                vector.add(&windows, group);
            }
            vector.settle();
            assert_eq!(vector.total, scalar.total, "{w} windows");
            assert_eq!(vector.from_low, scalar.from_low, "{w} windows");
            assert_eq!(inside(&vector), inside(&scalar), "{w} windows");
            assert!(!inside(&scalar).is_empty(), "{w} windows");
        }
    }
}
