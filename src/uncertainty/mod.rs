//! Uncertainty (SPEC 3.6): Monte Carlo percentiles and the sensitivity
//! tornado.
//!
//! Monte Carlo samples every ranged value once per draw ([`sample`]), runs
//! the f64 [`kernel`] over blocks of draws, and reports percentiles by
//! numpy's linear method ([`percentile`]). Draws are split into fixed-size
//! chunks, each with its own stream derived from the seed and the chunk
//! index, so the same file, seed and draws give the same bytes on any
//! machine and with any number of threads. Sensitivity ([`sensitivity`])
//! uses the exact engine.

// The Monte Carlo driver's parts are public for the tests and benchmarks
// only; the library's surface is `Options`, `ranges`, `Ranges`,
// `sensitivity` and `progress`.
#[doc(hidden)]
pub mod collect;
pub mod correlate;
pub mod draws;
#[doc(hidden)]
pub mod kernel;
#[doc(hidden)]
pub mod memory;
#[doc(hidden)]
pub mod percentile;
#[doc(hidden)]
pub mod portable;
pub mod precision;
pub mod progress;
#[doc(hidden)]
pub mod sample;
pub mod sensitivity;
#[doc(hidden)]
pub mod simd;
pub mod switching;
pub mod tail;

use std::collections::HashMap;

use rust_decimal::Decimal;

use crate::engine::Projection;
use crate::metric::Metric;
use crate::scenario::Case;
use crate::scenario::Scenario;
use kernel::{BLOCK, Kernel, Lanes, Quantity, Row};

/// Draws per chunk: each chunk has its own random stream.
pub const CHUNK: usize = 8 * 1024;

/// The quantities every Monte Carlo run reports per year (SPEC 3.6 and the
/// uncertainty issue): net, cumulative net and gross savings, scenario
/// spend, each partner's net contribution; and NPV.
pub fn standard_rows(s: &Scenario) -> Vec<Row> {
    let mut rows = Vec::new();
    for year in 1..=s.horizon as usize {
        for quantity in [
            Quantity::NetSavings,
            Quantity::CumulativeNetSavings,
            Quantity::GrossSavings,
            Quantity::Scenario,
        ] {
            rows.push(Row { quantity, year });
        }
        for i in 0..s.partners.len() {
            rows.push(Row {
                quantity: Quantity::NetContribution(i),
                year,
            });
        }
    }
    rows.push(Row {
        quantity: Quantity::Npv,
        year: 0,
    });
    rows
}

/// The rows and percentiles a scenario's `[[expect]]` percentile cases
/// need beyond the standard ones.
pub fn expectation_needs(s: &Scenario) -> (Vec<Row>, Vec<u8>) {
    let mut rows = Vec::new();
    let mut percentiles = Vec::new();
    for e in &s.expects {
        if let Case::Percentile(p) = e.case {
            percentiles.push(p);
            if let Some(quantity) = Quantity::of(e.metric) {
                let year = e.year.unwrap_or(0) as usize;
                if year > 0 || quantity == Quantity::Npv {
                    rows.push(Row {
                        quantity,
                        year: if quantity == Quantity::Npv { 0 } else { year },
                    });
                }
            }
        }
    }
    (rows, percentiles)
}

/// How to run Monte Carlo (`--draws`, `--seed` override the scenario's).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    pub draws: u64,
    pub seed: u64,
    /// Percentiles to report (the scenario's, unless overridden).
    pub percentiles: Vec<u8>,
    /// `--draws auto`: as many draws as bring the standard error of the
    /// NPV's percentiles to at most this (pounds); `draws` is then the
    /// most it may take ([`precision::auto`]).
    pub precision: Option<Decimal>,
}

impl Options {
    pub fn of(s: &Scenario) -> Options {
        Options {
            draws: s.draws,
            seed: s.seed,
            percentiles: s.percentiles.clone(),
            precision: None,
        }
    }
}

/// Monte Carlo percentiles of a scenario, for the quantities it reports.
#[derive(Clone, Debug, PartialEq)]
pub struct Ranges {
    pub draws: u64,
    pub seed: u64,
    /// The percentiles reported (SPEC `percentiles`).
    pub percentiles: Vec<u8>,
    /// Percentiles of each (quantity, year), as exact decimals of the f64
    /// values (rounded only when printed). Year 0 holds the central value.
    values: HashMap<(Quantity, usize), Vec<(u8, Decimal)>>,
    /// The mean of the draws, and the share of them below zero, of each
    /// (quantity, year).
    moments: HashMap<(Quantity, usize), (Decimal, Decimal)>,
    /// The Monte Carlo standard error of each percentile and of the mean
    /// (`None` for a value every draw shares: zero).
    errors: HashMap<(Quantity, usize), Errors>,
}

/// The standard errors of one (quantity, year)'s percentiles and mean.
#[derive(Clone, Debug, PartialEq)]
struct Errors {
    percentiles: Vec<(u8, Decimal)>,
    mean: Option<Decimal>,
}

impl Ranges {
    /// The mean of `metric`'s draws in year `t` (ignored for NPV).
    pub fn mean(&self, metric: Metric, t: usize) -> Option<Decimal> {
        self.moments_of(metric, t).map(|m| m.0)
    }

    /// The share of `metric`'s draws below zero in year `t`: for NPV, the
    /// chance of a loss.
    pub fn below_zero(&self, metric: Metric, t: usize) -> Option<Decimal> {
        self.moments_of(metric, t).map(|m| m.1)
    }

    fn moments_of(&self, metric: Metric, t: usize) -> Option<(Decimal, Decimal)> {
        let quantity = Quantity::of(metric)?;
        let year = if quantity == Quantity::Npv { 0 } else { t };
        self.moments.get(&(quantity, year)).copied()
    }

    /// Percentile `p` of `metric` in year `t` (ignored for NPV).
    pub fn value(&self, metric: Metric, t: usize, p: u8) -> Option<Decimal> {
        let quantity = Quantity::of(metric)?;
        let year = if quantity == Quantity::Npv { 0 } else { t };
        self.values
            .get(&(quantity, year))?
            .iter()
            .find(|(q, _)| *q == p)
            .map(|(_, v)| *v)
    }

    /// The Monte Carlo standard error of percentile `p` of `metric` in
    /// year `t`: zero for a value every draw shares; none from a single
    /// draw, whose spread cannot be estimated.
    pub fn error(&self, metric: Metric, t: usize, p: u8) -> Option<Decimal> {
        if self.draws < 2 {
            return None;
        }
        let key = self.key(metric, t)?;
        match self.errors.get(&key) {
            Some(e) => e.percentiles.iter().find(|(q, _)| *q == p).map(|(_, v)| *v),
            None => self.values.contains_key(&key).then_some(Decimal::ZERO),
        }
    }

    /// The Monte Carlo standard error of the mean of `metric` in year `t`.
    pub fn mean_error(&self, metric: Metric, t: usize) -> Option<Decimal> {
        if self.draws < 2 {
            return None;
        }
        let key = self.key(metric, t)?;
        match self.errors.get(&key) {
            Some(e) => e.mean,
            None => self.moments.contains_key(&key).then_some(Decimal::ZERO),
        }
    }

    fn key(&self, metric: Metric, t: usize) -> Option<(Quantity, usize)> {
        let quantity = Quantity::of(metric)?;
        Some((quantity, if quantity == Quantity::Npv { 0 } else { t }))
    }

    /// Whether `metric` has percentiles in this run.
    pub fn has(&self, metric: Metric) -> bool {
        Quantity::of(metric).is_some_and(|q| self.values.keys().any(|(k, _)| *k == q))
    }
}

/// Whether Monte Carlo reports the mean and the chance of a value below
/// zero of a quantity (SPEC 4.1): net and cumulative net savings, NPV.
pub fn has_moments(q: Quantity) -> bool {
    matches!(
        q,
        Quantity::NetSavings | Quantity::CumulativeNetSavings | Quantity::Npv
    )
}

/// The metrics every run reports percentiles of, in report order: net,
/// cumulative net and gross savings, scenario spend, each partner's net
/// contribution, and NPV.
pub fn standard_metrics(s: &Scenario) -> Vec<Metric> {
    let mut m = vec![
        Metric::NetSavings,
        Metric::CumulativeNetSavings,
        Metric::GrossSavings,
        Metric::Scenario,
    ];
    m.extend((0..s.partners.len()).map(Metric::NetContribution));
    m.push(Metric::Npv);
    m
}

/// Why Monte Carlo could not run.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum McError {
    #[error("draws must be at least 1")]
    NoDraws,
    #[error(
        "{draws} draws of a model this size would take too long: at most {max} draws (see docs/limits.md); use --draws {max} or fewer"
    )]
    TooMuchWork { draws: u64, max: u64 },
    #[error(
        "{draws} draw(s) put {in_tail} in the NPV's p{p} tail: too few to compare an input's mean there with its spread\n  = help: use more draws, e.g. --draws 10000"
    )]
    TailTooSmall { draws: u64, in_tail: u64, p: u8 },
}

/// The size of a scenario's model: lane operations per draw, roughly,
/// counting per year each service, each service a saving or cost line
/// covers, each variance and workforce line, and each partner-service pair.
pub fn model_size(s: &Scenario) -> u64 {
    let per_year = s.services.len()
        + s.services.iter().map(|x| x.settings.len()).sum::<usize>()
        + s.savings.iter().map(|x| x.services.len()).sum::<usize>()
        + s.costs.iter().map(|x| x.services.len()).sum::<usize>()
        + s.variances.len()
        + s.workforce.len()
        + s.partners.len() * s.services.len();
    u64::from(s.horizon) * per_year as u64
}

/// Checks a run against the Monte Carlo work limit: draws x model size x
/// passes (more outputs than fit the memory budget need more passes, each
/// over every draw).
pub fn check_work(s: &Scenario, rows: usize, draws: u64) -> Result<(), McError> {
    let size = model_size(s).max(1);
    let ps = &s.percentiles;
    let passes =
        |d: u64| collect::plan(rows, usize::try_from(d).unwrap_or(usize::MAX), ps).passes as u64;
    let work = draws.saturating_mul(size).saturating_mul(passes(draws));
    if work > crate::limits::MAX_MONTE_CARLO_WORK {
        // The largest draws that fit, allowing for the passes they need.
        let mut max = crate::limits::MAX_MONTE_CARLO_WORK / size;
        while max > 1 {
            if max.saturating_mul(size).saturating_mul(passes(max))
                <= crate::limits::MAX_MONTE_CARLO_WORK
            {
                break;
            }
            max = max * 9 / 10;
        }
        return Err(McError::TooMuchWork { draws, max });
    }
    Ok(())
}

/// `options` with `--draws auto` settled: the draws its runs settle on
/// (for a run that needs them fixed beforehand, such as the tail's).
pub fn settled(s: &Scenario, central: &Projection, options: &Options) -> Result<Options, McError> {
    match options.precision {
        Some(_) if s.has_ranges() => Ok(Options {
            draws: ranges(s, central, options)?.draws,
            precision: None,
            ..options.clone()
        }),
        _ => Ok(Options {
            precision: None,
            ..options.clone()
        }),
    }
}

/// The outputs a run of `s` computes: the standard rows and those its
/// `[[expect]]`s need.
fn rows_of(s: &Scenario) -> Vec<Row> {
    let mut rows = standard_rows(s);
    for r in expectation_needs(s).0 {
        if !rows.contains(&r) {
            rows.push(r);
        }
    }
    rows
}

/// Checks `draws` of `s` against the work limit as `project` runs them
/// (`check` refuses what `project` would).
pub fn check_run(s: &Scenario, draws: u64) -> Result<(), McError> {
    if s.has_ranges() {
        check_work(s, rows_of(s).len(), draws)
    } else {
        Ok(())
    }
}

/// The most draws of `s` the work limit allows, up to `most`.
pub fn largest_draws(s: &Scenario, most: u64) -> u64 {
    match check_work(s, rows_of(s).len(), most) {
        Ok(()) => most,
        Err(McError::TooMuchWork { max, .. }) => max.min(most),
        Err(McError::NoDraws | McError::TailTooSmall { .. }) => most,
    }
}

/// The percentiles of a scenario: the standard quantities, and whatever its
/// `[[expect]]` percentile cases need. A scenario without ranged values is
/// not sampled: every percentile is its exact central value.
pub fn ranges(s: &Scenario, central: &Projection, options: &Options) -> Result<Ranges, McError> {
    if options.draws == 0 {
        return Err(McError::NoDraws);
    }
    if let Some(target) = options.precision {
        if s.has_ranges() {
            let most = largest_draws(s, options.draws);
            return precision::auto(target, most, |draws| {
                let fixed = Options {
                    draws,
                    precision: None,
                    ..options.clone()
                };
                ranges(s, central, &fixed)
            });
        }
    }
    let rows = rows_of(s);
    let (_, extra_percentiles) = expectation_needs(s);
    let mut percentiles = options.percentiles.clone();
    percentiles.extend(extra_percentiles);
    percentiles.sort_unstable();
    percentiles.dedup();
    let mut values: HashMap<(Quantity, usize), Vec<(u8, Decimal)>> = HashMap::new();
    let mut moments: HashMap<(Quantity, usize), (Decimal, Decimal)> = HashMap::new();
    let mut errors: HashMap<(Quantity, usize), Errors> = HashMap::new();
    // A value every draw shares: its own mean, below zero in all or none.
    let point = |v: Decimal| {
        let below = if v < Decimal::ZERO {
            Decimal::ONE
        } else {
            Decimal::ZERO
        };
        (v, below)
    };
    if s.has_ranges() {
        check_work(s, rows.len(), options.draws)?;
        let kernel = Kernel::new(s, rows.clone());
        let draws = usize::try_from(options.draws).unwrap_or(usize::MAX);
        let found = collect::summaries(&kernel, s, draws, options.seed, &percentiles);
        for (row, summary) in rows.iter().zip(found) {
            let v = percentiles
                .iter()
                .zip(&summary.percentiles)
                .filter_map(|(&p, &x)| Decimal::from_f64_retain(x).map(|d| (p, d)))
                .collect();
            values.insert((row.quantity, row.year), v);
            errors.insert(
                (row.quantity, row.year),
                Errors {
                    percentiles: percentiles
                        .iter()
                        .zip(&summary.errors)
                        .filter_map(|(&p, &x)| Decimal::from_f64_retain(x).map(|d| (p, d)))
                        .collect(),
                    mean: has_moments(row.quantity)
                        .then(|| Decimal::from_f64_retain(summary.mean_error))
                        .flatten(),
                },
            );
            if let (Some(mean), Some(below)) = (
                Decimal::from_f64_retain(summary.mean),
                Decimal::from_f64_retain(summary.below_zero),
            ) {
                if has_moments(row.quantity) {
                    moments.insert((row.quantity, row.year), (mean, below));
                }
            }
        }
    } else {
        for row in &rows {
            if let Some(v) = central.metric(row.quantity.metric(), row.year) {
                values.insert(
                    (row.quantity, row.year),
                    percentiles.iter().map(|&p| (p, v)).collect(),
                );
                if has_moments(row.quantity) {
                    moments.insert((row.quantity, row.year), point(v));
                }
            }
        }
    }
    // Year 0 has no savings, costs or variances: every percentile is the
    // central value.
    for row in &rows {
        if row.quantity != Quantity::Npv {
            if let Some(v) = central.metric(row.quantity.metric(), 0) {
                values.insert(
                    (row.quantity, 0),
                    percentiles.iter().map(|&p| (p, v)).collect(),
                );
                if has_moments(row.quantity) {
                    moments.insert((row.quantity, 0), point(v));
                }
            }
        }
    }
    Ok(Ranges {
        draws: options.draws,
        seed: options.seed,
        percentiles: options.percentiles.clone(),
        values,
        moments,
        errors,
    })
}

/// The raw f64 percentiles of `rows` (for tests and benchmarks).
#[doc(hidden)]
pub fn monte_carlo(
    s: &Scenario,
    rows: Vec<Row>,
    options: &Options,
    extra: &[u8],
) -> Result<Vec<Vec<f64>>, McError> {
    if options.draws == 0 {
        return Err(McError::NoDraws);
    }
    let mut all = options.percentiles.clone();
    all.extend_from_slice(extra);
    all.sort_unstable();
    all.dedup();
    let kernel = Kernel::new(s, rows);
    let draws = usize::try_from(options.draws).unwrap_or(usize::MAX);
    Ok(collect::percentiles(&kernel, s, draws, options.seed, &all))
}

/// Blocks run before their outputs are handed on together: each row's
/// outputs of these blocks lie side by side, so a consumer handles 512
/// values of a row at a time, not 64 (the tally's set-up per call, its
/// edges and counts loaded into registers, is then paid once per 512
/// values; a group's outputs, about 300 KB for the benchmark file, stay
/// in the core's L2 cache).
pub const GROUP: usize = 8;

/// The outputs of up to [`GROUP`] consecutive blocks.
pub struct Outputs<'a> {
    lanes: &'a [Lanes],
    len: usize,
    /// The chunk's draws of each param, when kept, and where these
    /// blocks begin in them.
    inputs: Option<(&'a ChunkDraws, usize)>,
}

impl Outputs<'_> {
    /// Param `p`'s values in these draws, when the chunk's draws are kept
    /// ([`ChunkBuffers::keeping_draws`]) and `p` is ranged.
    pub fn input(&self, p: usize) -> Option<&[f64]> {
        let (draws, start) = self.inputs?;
        draws.columns.get(p)?.get(start..start + self.len)
    }

    /// Row `r`'s values, one per draw, in draw order.
    pub fn row(&self, r: usize) -> &[f64] {
        self.lanes
            .get(r * GROUP..(r + 1) * GROUP)
            .map_or(&[][..], |blocks| blocks.as_flattened())
            .get(..self.len)
            .unwrap_or(&[])
    }

    /// How many draws these are.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// What a thread reuses from chunk to chunk: a block's params (the fixed
/// ones in place once and for all), the kernel's scratch (a block's
/// outputs do not depend on the block before: tested) and a group's
/// outputs (every row is written for every block). Made afresh for each
/// chunk, these were about 200 KB to clear and copy a chunk.
pub struct ChunkBuffers {
    params: kernel::LaneBuffer,
    ranged: Vec<usize>,
    scratch: kernel::Scratch,
    out: kernel::LaneBuffer,
    /// A whole chunk's draws of every param, when they are re-paired for
    /// `[[correlation]]` before the kernel runs.
    chunk: Option<ChunkDraws>,
}

/// A chunk's draws, param by param (blocks of [`BLOCK`] lanes end to end).
pub struct ChunkDraws {
    columns: Vec<Vec<f64>>,
    scores: correlate::Scores,
}

impl ChunkBuffers {
    pub fn new(kernel: &Kernel, samplers: &[sample::ParamSampler]) -> ChunkBuffers {
        ChunkBuffers::made(kernel, samplers, kernel.correlator().is_some())
    }

    /// Buffers whose draws go to the kernel as drawn, not re-paired by
    /// the kernel's `[[correlation]]`s.
    pub fn as_drawn(kernel: &Kernel, samplers: &[sample::ParamSampler]) -> ChunkBuffers {
        ChunkBuffers::made(kernel, samplers, false)
    }

    /// Buffers that keep each chunk's draws of every param, which the sink
    /// then sees ([`Outputs::input`]).
    pub fn keeping_draws(kernel: &Kernel, samplers: &[sample::ParamSampler]) -> ChunkBuffers {
        ChunkBuffers::made(kernel, samplers, true)
    }

    fn made(kernel: &Kernel, samplers: &[sample::ParamSampler], keep: bool) -> ChunkBuffers {
        let (params, ranged) = sample::block_params(samplers);
        let chunk = keep.then(|| ChunkDraws {
            columns: samplers
                .iter()
                .map(|ps| {
                    if ps.sampler.is_fixed() {
                        Vec::new()
                    } else {
                        vec![0.0; CHUNK]
                    }
                })
                .collect(),
            scores: correlate::Scores::default(),
        });
        ChunkBuffers {
            params,
            ranged,
            scratch: kernel.scratch(),
            out: kernel::LaneBuffer::zeroed(kernel.rows().len() * GROUP),
            chunk,
        }
    }
}

/// Runs every draw of chunk `chunk`, handing the outputs of each group of
/// blocks to `sink`.
pub fn run_chunk(
    kernel: &Kernel,
    samplers: &[sample::ParamSampler],
    seed: u64,
    chunk: usize,
    draws: usize,
    buffers: &mut ChunkBuffers,
    mut sink: impl FnMut(&Outputs),
) {
    let start = chunk * CHUNK;
    let n = CHUNK.min(draws.saturating_sub(start));
    let mut rng = sample::chunk_generator(seed, chunk as u64);
    let ChunkBuffers {
        params,
        ranged,
        scratch,
        out,
        chunk: whole,
    } = buffers;
    // The buffers must have been made for this kernel and these samplers.
    debug_assert_eq!(out.len(), kernel.rows().len() * GROUP);
    debug_assert_eq!(params.len(), samplers.len());
    if let Some(whole) = whole.as_mut() {
        // Every block drawn as it would be, then re-paired as a whole.
        for b in 0..n.div_ceil(BLOCK) {
            sample::fill_block(samplers, ranged, &mut rng, params);
            for &p in ranged.iter() {
                if let (Some(column), Some(lanes)) = (whole.columns.get_mut(p), params.get(p)) {
                    if let Some(to) = column.get_mut(b * BLOCK..(b + 1) * BLOCK) {
                        to.copy_from_slice(lanes);
                    }
                }
            }
        }
        if let Some(correlator) = kernel.correlator() {
            let ChunkDraws { columns, scores } = whole;
            let mut columns: Vec<Option<&mut [f64]>> =
                columns.iter_mut().map(|c| Some(c.as_mut_slice())).collect();
            correlator.apply(
                seed,
                chunk as u64,
                n,
                |p| columns.get_mut(p).and_then(Option::take),
                scores,
            );
        }
    }
    let mut done = 0;
    let mut block = 0;
    while done < n {
        let mut len = 0;
        for slot in 0..GROUP {
            if done + len >= n {
                break;
            }
            match whole.as_ref() {
                Some(whole) => {
                    for &p in ranged.iter() {
                        let from = whole
                            .columns
                            .get(p)
                            .and_then(|c| c.get(block * BLOCK..(block + 1) * BLOCK));
                        if let (Some(from), Some(lanes)) = (from, params.get_mut(p)) {
                            lanes.copy_from_slice(from);
                        }
                    }
                }
                None => sample::fill_block(samplers, ranged, &mut rng, params),
            }
            block += 1;
            kernel.run_into(params, scratch, out, GROUP, slot);
            len += BLOCK.min(n - done - len);
        }
        sink(&Outputs {
            lanes: out,
            len,
            inputs: whole.as_ref().map(|w| (w, done)),
        });
        done += len;
    }
    progress::advance(n as u64);
}

/// Number of chunks for `draws`.
pub fn chunks(draws: usize) -> usize {
    draws.div_ceil(CHUNK)
}
