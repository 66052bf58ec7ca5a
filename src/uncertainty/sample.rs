//! Sampling ranged values (SPEC 3.6): one sampler per param, drawing from
//! a portable, seeded generator (four xoshiro256++ streams stepped
//! together, [`Generator`]).
//!
//! * `uniform`: low + u (high - low).
//! * `triangular`: the closed-form inverse CDF.
//! * `normal`: mean (low + high) / 2, sd (high - low) / (2 x 1.6448536), so
//!   low and high are the 5th and 95th percentiles; standard normal
//!   variates from `rand_distr`'s ziggurat.
//! * `pert` (beta-PERT, lambda 4): alpha = 1 + 4(c - low)/(high - low),
//!   beta = 1 + 4(high - c)/(high - low), sampled by inverting the Beta CDF
//!   through a quantile table built from the exact density once per shape
//!   (alpha, beta) (see [`PertTable`]): one uniform per value, about 3 ns
//!   instead of about 60 ns for a rejection sampler, and within 1e-6 of the
//!   exact quantile over the central 99.8% of the distribution (tested).
//!
//! A sampled share or rate (target shares, saving rates) that leaves 0-100%
//! is clamped to it; no other value is truncated (docs/uncertainty.md).

use std::convert::Infallible;

use rand::{Rng, TryRng};
use rand_distr::{Distribution, StandardNormal};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::kernel::{LaneBuffer, Lanes};
use super::portable;
use crate::scenario::values::{Dist, Uncertain};
use crate::scenario::{Param, Scenario};

/// z for the 95th percentile of the standard normal (SPEC 3.6).
pub const Z95: f64 = 1.6448536;

/// Streams a [`Generator`] steps together: four 64-bit lanes, one AVX2
/// register per word of state.
pub const STREAMS: usize = 4;

/// The generator behind every draw: four xoshiro256++ streams (each with
/// its own 256-bit state) stepped together, their outputs interleaved.
/// Step i yields stream 0's i-th output, then stream 1's, 2's and 3's, and
/// [`Generator::fill_raw`] and `next_u64` both hand out that one sequence.
/// Integer arithmetic only, so the same seed gives the same stream on
/// every machine, whether or not the steps run as vector instructions
/// (about 0.5 ns a value with AVX2 against 1.3 ns for one stream alone,
/// whose steps each wait for the last).
#[derive(Clone, Debug)]
pub struct Generator {
    /// State word w of stream j is `state[w][j]`.
    state: [[u64; STREAMS]; 4],
    /// The last step's outputs not yet handed out: `buffer[next..]`.
    buffer: [u64; STREAMS],
    next: usize,
}

impl Generator {
    /// The generator whose 16 state words (stream 0's four, then stream
    /// 1's, ...) are the first 16 outputs of SplitMix64 started at `seed`,
    /// as `rand_xoshiro` seeds one stream from a u64.
    pub fn from_u64(seed: u64) -> Generator {
        let mut x = seed;
        let mut state = [[0; STREAMS]; 4];
        for j in 0..STREAMS {
            for word in state.iter_mut() {
                if let Some(w) = word.get_mut(j) {
                    *w = splitmix64(x);
                }
                x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
            }
        }
        Generator {
            state,
            buffer: [0; STREAMS],
            next: STREAMS,
        }
    }

    /// One step of every stream: xoshiro256++, lane by lane (for
    /// `next_u64`, and for bulk steps where the CPU lacks AVX2;
    /// [`steps_avx2`] does the same in registers).
    #[inline(always)]
    fn step(&mut self) -> [u64; STREAMS] {
        let [s0, s1, s2, s3] = &mut self.state;
        let mut out = [0; STREAMS];
        let words = s0
            .iter_mut()
            .zip(s1.iter_mut())
            .zip(s2.iter_mut().zip(s3.iter_mut()));
        for (((s0, s1), (s2, s3)), o) in words.zip(out.iter_mut()) {
            *o = s0.wrapping_add(*s3).rotate_left(23).wrapping_add(*s0);
            let t = *s1 << 17;
            *s2 ^= *s0;
            *s3 ^= *s1;
            *s1 ^= *s2;
            *s0 ^= *s3;
            *s2 ^= t;
            *s3 = s3.rotate_left(45);
        }
        out
    }

    /// Fills `out` (a whole number of steps) with the outputs of the next
    /// steps, in registers with AVX2 where the CPU has it.
    #[inline(always)]
    fn steps(&mut self, out: &mut [u64]) {
        #[cfg(target_arch = "x86_64")]
        {
            if super::simd::avx2() {
                // SAFETY: the CPU has AVX2 (checked just above).
                unsafe { steps_avx2(&mut self.state, out) };
                return;
            }
        }
        for four in out.chunks_exact_mut(STREAMS) {
            four.copy_from_slice(&self.step());
        }
    }

    /// Fills `out` with the next outputs, as calls of `next_u64` would.
    #[inline(always)]
    pub fn fill_raw(&mut self, out: &mut [u64]) {
        let waiting = self.buffer.get(self.next..).unwrap_or(&[]);
        let (first, rest) = out.split_at_mut(waiting.len().min(out.len()));
        // Usually nothing is waiting (a block's params each take a whole
        // number of steps): no call to copy nothing.
        if !first.is_empty() {
            first.copy_from_slice(waiting.get(..first.len()).unwrap_or(&[]));
            self.next += first.len();
        }
        let whole = rest.len() - rest.len() % STREAMS;
        let (bulk, tail) = rest.split_at_mut(whole);
        self.steps(bulk);
        if !tail.is_empty() {
            self.buffer = self.step();
            tail.copy_from_slice(self.buffer.get(..tail.len()).unwrap_or(&[]));
            self.next = tail.len();
        }
    }
}

/// [`Generator::step`] over `out.len() / 4` steps with the state in four
/// AVX2 registers (the same integer arithmetic, so the same outputs).
/// Runs only where the CPU has AVX2: callers check it
/// ([`super::simd::avx2`]) before calling.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn steps_avx2(state: &mut [[u64; STREAMS]; 4], out: &mut [u64]) {
    use std::arch::x86_64::*;
    let [w0, w1, w2, w3] = state;
    // SAFETY: each word is four u64s, 32 readable bytes.
    let (mut s0, mut s1, mut s2, mut s3) = unsafe {
        (
            _mm256_loadu_si256(w0.as_ptr().cast()),
            _mm256_loadu_si256(w1.as_ptr().cast()),
            _mm256_loadu_si256(w2.as_ptr().cast()),
            _mm256_loadu_si256(w3.as_ptr().cast()),
        )
    };
    for four in out.chunks_exact_mut(STREAMS) {
        let sum = _mm256_add_epi64(s0, s3);
        let rotated = _mm256_or_si256(_mm256_slli_epi64::<23>(sum), _mm256_srli_epi64::<41>(sum));
        // SAFETY: `four` is four u64s, 32 writable bytes.
        unsafe { _mm256_storeu_si256(four.as_mut_ptr().cast(), _mm256_add_epi64(rotated, s0)) };
        let t = _mm256_slli_epi64::<17>(s1);
        s2 = _mm256_xor_si256(s2, s0);
        s3 = _mm256_xor_si256(s3, s1);
        s1 = _mm256_xor_si256(s1, s2);
        s0 = _mm256_xor_si256(s0, s3);
        s2 = _mm256_xor_si256(s2, t);
        s3 = _mm256_or_si256(_mm256_slli_epi64::<45>(s3), _mm256_srli_epi64::<19>(s3));
    }
    // SAFETY: as for the loads.
    unsafe {
        _mm256_storeu_si256(w0.as_mut_ptr().cast(), s0);
        _mm256_storeu_si256(w1.as_mut_ptr().cast(), s1);
        _mm256_storeu_si256(w2.as_mut_ptr().cast(), s2);
        _mm256_storeu_si256(w3.as_mut_ptr().cast(), s3);
    }
}

impl TryRng for Generator {
    type Error = Infallible;

    #[inline]
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        // The high half: xoshiro's best bits.
        self.try_next_u64().map(|x| (x >> 32) as u32)
    }

    #[inline]
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        if self.next >= STREAMS {
            self.buffer = self.step();
            self.next = 0;
        }
        let x = self.buffer.get(self.next).copied().unwrap_or(0);
        self.next += 1;
        Ok(x)
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        for piece in dst.chunks_mut(8) {
            let bytes = self.next_u64().to_le_bytes();
            piece.copy_from_slice(bytes.get(..piece.len()).unwrap_or(&[]));
        }
        Ok(())
    }
}

/// The generator for chunk `chunk` of a run with `seed`: each fixed-size
/// chunk of draws has its own streams, so results do not depend on how
/// chunks are spread over threads.
pub fn chunk_generator(seed: u64, chunk: u64) -> Generator {
    let mixed =
        splitmix64(splitmix64(seed) ^ splitmix64(chunk.wrapping_add(0x632B_E59B_D9B4_E019)));
    Generator::from_u64(mixed)
}

/// SplitMix64: a bijective mixer for deriving stream seeds.
pub fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A uniform variate in (0, 1), from 52 random bits (see [`unit_of`]).
#[inline(always)]
pub fn open_unit<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    unit_of(rng.next_u64())
}

/// The uniform variate of 64 random bits: (k + 1/2) / 2^52 for k their top
/// 52 bits, exactly, so never 0 or 1: the middles of 2^52 equal steps of
/// (0, 1). k goes into the mantissa of a number in [1, 2), 1 + k/2^52,
/// from which 1 - 2^-53 is taken; the difference is exact (the two are
/// within a factor of two). Three operations a value, which vectorise: a
/// conversion of the integer k to f64 does not (AVX2 has none for 64-bit
/// integers), and converting it in two halves cost twice the time.
#[inline(always)]
pub fn unit_of(bits: u64) -> f64 {
    let one_and_k = f64::from_bits((bits >> 12) | 0x3FF0_0000_0000_0000);
    one_and_k - (1.0 - f64::EPSILON / 2.0)
}

/// How one param is drawn.
#[derive(Clone, Debug)]
pub enum Sampler {
    /// A point value: the same every draw.
    Fixed(f64),
    Uniform {
        low: f64,
        width: f64,
    },
    Triangular(Triangular),
    Normal {
        mean: f64,
        sd: f64,
    },
    Pert {
        low: f64,
        width: f64,
        table: PertTable,
    },
}

fn f(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

impl Sampler {
    /// The sampler of a param's value.
    pub fn new(value: &Uncertain) -> Sampler {
        Sampler::with_tables(value, &mut PertTable::new)
    }

    /// [`Sampler::new`], taking a PERT value's table from `table` (given
    /// the Beta shape, as [`pert_shape`]), so that values of one shape can
    /// share a table built once.
    fn with_tables(value: &Uncertain, table: &mut impl FnMut(f64, f64) -> PertTable) -> Sampler {
        let r = match value {
            Uncertain::Point(v) => return Sampler::Fixed(f(*v)),
            Uncertain::Range(r) => r,
        };
        let (low, central, high) = (f(r.low), f(r.central), f(r.high));
        let width = high - low;
        match r.dist {
            Dist::Uniform => Sampler::Uniform { low, width },
            Dist::Triangular => Sampler::Triangular(Triangular {
                low,
                high,
                split: (central - low) / width,
                left: width * (central - low),
                right: width * (high - central),
            }),
            Dist::Normal => Sampler::Normal {
                mean: (low + high) / 2.0,
                sd: width / (2.0 * Z95),
            },
            Dist::Pert => {
                let (alpha, beta) = pert_shape(low, central, high);
                Sampler::Pert {
                    low,
                    width,
                    table: table(alpha, beta),
                }
            }
        }
    }

    pub fn is_fixed(&self) -> bool {
        matches!(self, Sampler::Fixed(_))
    }

    /// One draw.
    #[inline(always)]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Sampler::Fixed(v) => *v,
            Sampler::Uniform { low, width } => low + open_unit(rng) * width,
            Sampler::Triangular(t) => t.at(open_unit(rng)),
            Sampler::Normal { mean, sd } => {
                let z: f64 = StandardNormal.sample(rng);
                mean + sd * z
            }
            Sampler::Pert { low, width, table } => low + width * table.quantile(open_unit(rng)),
        }
    }

    /// Fills `out` with draws.
    #[inline(always)]
    pub fn fill(&self, rng: &mut Generator, out: &mut [f64]) {
        self.fill_with(rng, out, &mut [0; RAW]);
    }

    /// [`Sampler::fill`], the raw bits passing through `raw` (whatever it
    /// holds: every bit used is written first), so that a block's params
    /// share one buffer rather than each clearing its own.
    #[inline(always)]
    fn fill_with(&self, rng: &mut Generator, out: &mut [f64], raw: &mut [u64; RAW]) {
        match self {
            Sampler::Fixed(v) => out.fill(*v),
            &Sampler::Uniform { low, width } => fill_units(rng, out, raw, |u| low + u * width),
            &Sampler::Triangular(t) => fill_units(rng, out, raw, |u| t.at(u)),
            Sampler::Pert { low, width, table } => {
                // Uniform variates first, then the quantiles of all of
                // them at once (the table lookups vectorise).
                let (low, width) = (*low, *width);
                fill_units(rng, out, raw, |u| u);
                table.quantiles(out);
                for x in out.iter_mut() {
                    *x = low + width * *x;
                }
            }
            other => {
                for x in out.iter_mut() {
                    *x = other.sample(rng);
                }
            }
        }
    }
}

/// The triangular distribution's inverse CDF.
#[derive(Clone, Copy, Debug)]
pub struct Triangular {
    low: f64,
    high: f64,
    /// The probability below the mode.
    split: f64,
    /// (high - low)(mode - low) and (high - low)(high - mode).
    left: f64,
    right: f64,
}

impl Triangular {
    /// The value at probability `u`: the side's radicand is chosen first
    /// and one square root taken (selects, not branches, so a loop of
    /// these vectorises; the result is the same as taking the root on the
    /// chosen side only).
    #[inline(always)]
    pub fn at(&self, u: f64) -> f64 {
        let below = u < self.split;
        let radicand = if below {
            u * self.left
        } else {
            (1.0 - u) * self.right
        };
        let root = radicand.sqrt();
        if below {
            self.low + root
        } else {
            self.high - root
        }
    }
}

/// Raw bits drawn at a time for the uniform variates of a param.
const RAW: usize = 64;

/// Fills `out` with `f(u)` for uniform variates u, one per value in
/// stream order, as `f(open_unit(rng))` would: raw bits first (four
/// streams a step, [`Generator::fill_raw`], into `raw`), then the
/// variates through `f`, a loop that vectorises.
#[inline(always)]
fn fill_units(rng: &mut Generator, out: &mut [f64], raw: &mut [u64; RAW], f: impl Fn(f64) -> f64) {
    for part in out.chunks_mut(RAW) {
        let raw = raw.get_mut(..part.len()).unwrap_or(&mut []);
        rng.fill_raw(raw);
        for (x, &r) in part.iter_mut().zip(raw.iter()) {
            *x = f(unit_of(r));
        }
    }
}

/// A param's sampler with the interval its draws are clamped to.
#[derive(Clone, Debug)]
pub struct ParamSampler {
    pub sampler: Sampler,
    pub clamp: Option<(f64, f64)>,
}

impl ParamSampler {
    pub fn new(param: &Param) -> ParamSampler {
        ParamSampler::with_tables(param, &mut PertTable::new)
    }

    fn with_tables(param: &Param, table: &mut impl FnMut(f64, f64) -> PertTable) -> ParamSampler {
        ParamSampler {
            sampler: Sampler::with_tables(&param.value, table),
            clamp: param.clamp.map(|(lo, hi)| (f(lo), f(hi))),
        }
    }

    /// Fills `out` with clamped draws.
    #[inline(always)]
    pub fn fill(&self, rng: &mut Generator, out: &mut [f64]) {
        self.fill_with(rng, out, &mut [0; RAW]);
    }

    /// [`ParamSampler::fill`] through a shared buffer of raw bits (see
    /// [`Sampler::fill_with`]).
    #[inline(always)]
    fn fill_with(&self, rng: &mut Generator, out: &mut [f64], raw: &mut [u64; RAW]) {
        self.sampler.fill_with(rng, out, raw);
        if let (Some((lo, hi)), false) = (self.clamp, self.sampler.is_fixed()) {
            for x in out.iter_mut() {
                *x = x.clamp(lo, hi);
            }
        }
    }
}

/// Draws a block: each ranged param (`ranged`, in param order) fills its
/// lanes, in turn, from one generator.
pub fn fill_block(
    samplers: &[ParamSampler],
    ranged: &[usize],
    rng: &mut Generator,
    params: &mut [Lanes],
) {
    #[cfg(target_arch = "x86_64")]
    {
        if super::simd::avx2() {
            // SAFETY: the CPU has AVX2 (checked just above).
            unsafe { fill_block_avx2(samplers, ranged, rng, params) };
            return;
        }
    }
    fill_block_generic(samplers, ranged, rng, params);
}

/// The same code compiled for AVX2: wider lanes for the conversions,
/// identical IEEE arithmetic, so identical values.
/// Runs only where the CPU has AVX2: callers check it
/// ([`super::simd::avx2`]) before calling.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn fill_block_avx2(
    samplers: &[ParamSampler],
    ranged: &[usize],
    rng: &mut Generator,
    params: &mut [Lanes],
) {
    fill_block_generic(samplers, ranged, rng, params);
}

#[inline(always)]
fn fill_block_generic(
    samplers: &[ParamSampler],
    ranged: &[usize],
    rng: &mut Generator,
    params: &mut [Lanes],
) {
    // One buffer of raw bits for the block, not one cleared per param
    // (about a tenth of sampling's instructions).
    let mut raw = [0; RAW];
    for &i in ranged {
        if let (Some(ps), Some(lanes)) = (samplers.get(i), params.get_mut(i)) {
            ps.fill_with(rng, lanes, &mut raw);
        }
    }
}

/// A block's param lanes, with every fixed value already in place (they
/// never change), and the indices of the ranged params, which
/// [`fill_block`] draws.
pub fn block_params(samplers: &[ParamSampler]) -> (LaneBuffer, Vec<usize>) {
    let params = samplers
        .iter()
        .map(|ps| match ps.sampler {
            Sampler::Fixed(v) => [v; super::kernel::BLOCK],
            _ => [0.0; super::kernel::BLOCK],
        })
        .collect();
    let ranged = samplers
        .iter()
        .enumerate()
        .filter(|(_, ps)| !ps.sampler.is_fixed())
        .map(|(i, _)| i)
        .collect();
    (params, ranged)
}

/// The Beta shape (alpha, beta) of a beta-PERT value (lambda 4).
fn pert_shape(low: f64, central: f64, high: f64) -> (f64, f64) {
    let width = high - low;
    (
        1.0 + 4.0 * (central - low) / width,
        1.0 + 4.0 * (high - central) / width,
    )
}

/// Every param's sampler, in param order.
///
/// Each distinct beta-PERT shape's table is built once (values of one
/// shape, such as "2.5% to 4%, most likely 3%" and "0.5% to 2%, most
/// likely 1%", share it), the tables in parallel: building one is about
/// half a millisecond, which a short run would otherwise spend before its
/// first draw, table after table.
pub fn samplers(s: &Scenario) -> Vec<ParamSampler> {
    use rayon::prelude::*;
    let mut shapes: Vec<(u64, u64)> = s
        .params
        .iter()
        .filter_map(|p| match &p.value {
            Uncertain::Range(r) if r.dist == Dist::Pert => {
                let (alpha, beta) = pert_shape(f(r.low), f(r.central), f(r.high));
                Some((alpha.to_bits(), beta.to_bits()))
            }
            _ => None,
        })
        .collect();
    shapes.sort_unstable();
    shapes.dedup();
    if !shapes.is_empty() {
        // Shared by every table: built before them, not by each.
        ln_grid();
    }
    // Every table's grid of densities in pieces (most of a table's work,
    // and each point's value is its own, so any split gives the same
    // bits), then each table from its grid: pieces, not whole tables, so
    // both threads have work to the end (three tables on two threads
    // took two tables' time, or three when one thread was slow to wake).
    const PIECE: usize = 8192;
    let mut grids: Vec<Vec<f64>> = shapes
        .iter()
        .map(|_| vec![0.0; PertTable::GRID + 1])
        .collect();
    grids
        .par_iter_mut()
        .zip(&shapes)
        .flat_map(|(grid, &(a, b))| {
            grid.par_chunks_mut(PIECE)
                .enumerate()
                .map(move |(i, piece)| (a, b, i * PIECE, piece))
        })
        .for_each(|(a, b, from, piece)| {
            PertTable::grid_densities(f64::from_bits(a), f64::from_bits(b), piece, from);
        });
    let tables: Vec<PertTable> = shapes
        .par_iter()
        .zip(grids)
        .map(|(&(a, b), grid)| {
            PertTable::from_densities(f64::from_bits(a), f64::from_bits(b), grid)
        })
        .collect();
    let mut table = |alpha: f64, beta: f64| {
        shapes
            .binary_search(&(alpha.to_bits(), beta.to_bits()))
            .ok()
            .and_then(|i| tables.get(i))
            .cloned()
            .unwrap_or_else(|| PertTable::new(alpha, beta))
    };
    s.params
        .iter()
        .map(|p| ParamSampler::with_tables(p, &mut table))
        .collect()
}

/// ln(k / GRID) for k = 0..=GRID (the first is minus infinity), computed
/// once: the grid of every [`PertTable`]'s density. ln(1 - x) on the grid
/// is ln of the grid point GRID - k (1 - k / GRID is exact), so the table
/// serves both factors of the density.
fn ln_grid() -> &'static [f64] {
    static GRID: std::sync::OnceLock<Vec<f64>> = std::sync::OnceLock::new();
    GRID.get_or_init(|| {
        let h = 1.0 / PertTable::GRID as f64;
        let mut grid: Vec<f64> = (0..=PertTable::GRID).map(|k| k as f64 * h).collect();
        if let Some((zero, rest)) = grid.split_first_mut() {
            *zero = f64::NEG_INFINITY;
            // In pieces on every thread: each logarithm is its own.
            use rayon::prelude::*;
            rest.par_chunks_mut(8192).for_each(ln_in_place);
        }
        grid
    })
}

/// Replaces each of `xs` by its logarithm ([`portable::ln_normal`]: only
/// positive, normal, finite values have a meaningful one); with AVX2 where
/// the CPU has it.
fn ln_in_place(xs: &mut [f64]) {
    #[cfg(target_arch = "x86_64")]
    {
        if super::simd::avx2() {
            // SAFETY: the CPU has AVX2 (checked just above).
            unsafe { ln_in_place_avx2(xs) };
            return;
        }
    }
    ln_in_place_generic(xs);
}

/// [`ln_in_place`] compiled for AVX2 (the same arithmetic, so the same values).
///
/// Runs only where the CPU has AVX2: callers check it
/// ([`super::simd::avx2`]) before calling.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn ln_in_place_avx2(xs: &mut [f64]) {
    ln_in_place_generic(xs);
}

#[inline(always)]
fn ln_in_place_generic(xs: &mut [f64]) {
    for x in xs {
        *x = portable::ln_normal(*x);
    }
}

/// `out[i] = exp(a xs[i] + b rest[last - i])`: the density, up to a
/// constant, at grid points whose ln x and ln(1 - x) are `xs[i]` and
/// `rest[last - i]` (`a`, `b` are alpha - 1, beta - 1). With AVX2 where the
/// CPU has it: the same arithmetic, four points at a time.
fn densities(out: &mut [f64], xs: &[f64], rest: &[f64], a: f64, b: f64) {
    #[cfg(target_arch = "x86_64")]
    {
        if super::simd::avx2() {
            // SAFETY: the CPU has AVX2 (checked just above).
            unsafe { densities_avx2(out, xs, rest, a, b) };
            return;
        }
    }
    densities_generic(out, xs, rest, a, b);
}

/// [`densities`] compiled for AVX2 (the same arithmetic, so the same values).
///
/// Runs only where the CPU has AVX2: callers check it
/// ([`super::simd::avx2`]) before calling.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn densities_avx2(out: &mut [f64], xs: &[f64], rest: &[f64], a: f64, b: f64) {
    densities_generic(out, xs, rest, a, b);
}

#[inline(always)]
fn densities_generic(out: &mut [f64], xs: &[f64], rest: &[f64], a: f64, b: f64) {
    for ((d, x), r) in out.iter_mut().zip(xs).zip(rest.iter().rev()) {
        *d = portable::exp(a * x + b * r);
    }
}

/// The quantile function of Beta(alpha, beta) on [0, 1], tabulated at
/// `KNOTS + 1` evenly spaced probabilities with its slope, and interpolated
/// by cubic Hermite splines.
///
/// Built from the exact density: its CDF is integrated (trapezoid rule) on
/// a grid of `GRID` steps, normalised and inverted at each knot; the slope
/// at a knot is 1 / density (where the density vanishes, at an end, the
/// secant is used instead).
#[derive(Clone, Debug)]
pub struct PertTable {
    /// (quantile, slope) at each knot, side by side so one lookup touches
    /// one or two cache lines.
    pairs: Vec<[f64; 2]>,
}

impl PertTable {
    pub const KNOTS: usize = 4096;
    const GRID: usize = 1 << 16;

    pub fn new(alpha: f64, beta: f64) -> PertTable {
        let mut density = vec![0.0; Self::GRID + 1];
        Self::grid_densities(alpha, beta, &mut density, 0);
        Self::from_densities(alpha, beta, density)
    }

    /// ln of the density, up to a constant, from ln x and ln(1 - x)
    /// (None where x or 1 - x is 0).
    fn log_density_from_logs(
        alpha: f64,
        beta: f64,
        ln_x: Option<f64>,
        ln_rest: Option<f64>,
    ) -> f64 {
        let factor = |exponent: f64, ln: Option<f64>| match ln {
            Some(l) => exponent * l,
            None if exponent == 0.0 => 0.0,
            None => f64::NEG_INFINITY,
        };
        factor(alpha - 1.0, ln_x) + factor(beta - 1.0, ln_rest)
    }

    /// ln of the density at `x`, up to a constant.
    fn log_density(alpha: f64, beta: f64, x: f64) -> f64 {
        Self::log_density_from_logs(
            alpha,
            beta,
            (x > 0.0).then(|| portable::ln(x)),
            (x < 1.0).then(|| portable::ln(1.0 - x)),
        )
    }

    /// The density (up to a constant) at grid points `from..from +
    /// out.len()` (of 0..=GRID), into `out`: each point's on its own, so
    /// any split of the grid gives the same values. Inside the grid, 0 <
    /// x < 1, both logarithms are read from the shared grid (x = k h > 0;
    /// 1 - x = (n - k) h exactly) a block of points at a time (as vector
    /// instructions); the ends, x = 0 and x = 1, lack one logarithm.
    fn grid_densities(alpha: f64, beta: f64, out: &mut [f64], from: usize) {
        let n = Self::GRID;
        let ln = ln_grid();
        let end = (from + out.len()).min(n + 1);
        let (inner_from, inner_end) = (from.max(1), end.min(n));
        if inner_from < inner_end {
            if let (Some(d), Some(xs), Some(rest)) = (
                out.get_mut(inner_from - from..inner_end - from),
                ln.get(inner_from..inner_end),
                ln.get(n + 1 - inner_end..n + 1 - inner_from),
            ) {
                densities(d, xs, rest, alpha - 1.0, beta - 1.0);
            }
        }
        if from == 0 {
            if let Some(first) = out.first_mut() {
                *first = portable::exp(Self::log_density(alpha, beta, 0.0));
            }
        }
        if end > n {
            if let Some(last) = n.checked_sub(from).and_then(|i| out.get_mut(i)) {
                *last = portable::exp(Self::log_density_from_logs(
                    alpha,
                    beta,
                    ln.get(n).copied(),
                    None,
                ));
            }
        }
    }

    /// The table from the density at every grid point 0..=GRID
    /// ([`PertTable::grid_densities`]): the CDF by the trapezoid rule,
    /// summed in order, then inverted at each knot.
    /// The densities become the CDF in place (each read before it is
    /// overwritten): no second grid's fresh pages.
    fn from_densities(alpha: f64, beta: f64, mut cdf: Vec<f64>) -> PertTable {
        let n = Self::GRID;
        let h = 1.0 / n as f64;
        let log_density = |x: f64| Self::log_density(alpha, beta, x);
        let mut acc = 0.0;
        let mut previous = cdf.first().copied().unwrap_or(0.0);
        if let Some(first) = cdf.first_mut() {
            *first = 0.0;
        }
        for slot in cdf.iter_mut().skip(1) {
            let g = *slot;
            acc += 0.5 * (previous + g) * h;
            *slot = acc;
            previous = g;
        }
        let total = acc;
        let mut knots = Vec::with_capacity(Self::KNOTS + 1);
        let mut k = 0usize;
        for i in 0..=Self::KNOTS {
            let u = i as f64 / Self::KNOTS as f64 * total;
            while k + 1 < n && cdf.get(k + 1).is_some_and(|c| *c < u) {
                k += 1;
            }
            let (c0, c1) = (
                cdf.get(k).copied().unwrap_or(0.0),
                cdf.get(k + 1).copied().unwrap_or(total),
            );
            let frac = if c1 > c0 {
                ((u - c0) / (c1 - c0)).clamp(0.0, 1.0)
            } else {
                0.0
            };
            knots.push(((k as f64 + frac) * h).clamp(0.0, 1.0));
        }
        if let Some(first) = knots.first_mut() {
            *first = 0.0;
        }
        if let Some(last) = knots.last_mut() {
            *last = 1.0;
        }
        // dq/du = 1 / density(q), per unit of u; in knot units, / KNOTS.
        let du = 1.0 / Self::KNOTS as f64;
        // The density at every knot as on the grid, in vector form, where
        // q and 1 - q are normal numbers (all but the ends, in practice).
        let mut ln_q = knots.clone();
        let mut ln_rest: Vec<f64> = knots.iter().rev().map(|q| 1.0 - q).collect();
        ln_in_place(&mut ln_q);
        ln_in_place(&mut ln_rest);
        let mut at_knots = vec![0.0; knots.len()];
        densities(&mut at_knots, &ln_q, &ln_rest, alpha - 1.0, beta - 1.0);
        let slopes: Vec<f64> = (0..=Self::KNOTS)
            .map(|i| {
                let q = knots.get(i).copied().unwrap_or(0.0);
                let density = match at_knots.get(i) {
                    Some(&d) if (f64::MIN_POSITIVE..1.0).contains(&q) => d,
                    _ => portable::exp(log_density(q)),
                } / total;
                let secant = {
                    let a = knots.get(i.saturating_sub(1)).copied().unwrap_or(0.0);
                    let b = knots.get((i + 1).min(Self::KNOTS)).copied().unwrap_or(1.0);
                    let span = ((i + 1).min(Self::KNOTS) - i.saturating_sub(1)) as f64;
                    (b - a) / span
                };
                let exact = du / density;
                if density > 0.0 && exact.is_finite() && exact < 8.0 * secant.max(du * 1e-3) {
                    exact
                } else {
                    secant
                }
            })
            .collect();
        PertTable {
            pairs: knots.iter().zip(&slopes).map(|(&q, &m)| [q, m]).collect(),
        }
    }

    /// The quantile at probability `u` in [0, 1].
    #[inline(always)]
    pub fn quantile(&self, u: f64) -> f64 {
        let x = u * Self::KNOTS as f64;
        let i = (x as usize).min(Self::KNOTS - 1);
        let t = x - i as f64;
        match (self.pairs.get(i), self.pairs.get(i + 1)) {
            (Some(&[q0, m0]), Some(&[q1, m1])) => {
                let (t2, t3) = (t * t, t * t * t);
                let q = (2.0 * t3 - 3.0 * t2 + 1.0) * q0
                    + (t3 - 2.0 * t2 + t) * m0
                    + (-2.0 * t3 + 3.0 * t2) * q1
                    + (t3 - t2) * m1;
                q.clamp(q0.min(q1), q0.max(q1))
            }
            _ => 1.0,
        }
    }

    /// Replaces each probability in `us` by its quantile: the same values
    /// as [`PertTable::quantile`], four at a time with AVX2 where
    /// the CPU has them.
    pub fn quantiles(&self, us: &mut [f64]) {
        #[cfg(target_arch = "x86_64")]
        {
            if super::simd::avx2() && self.pairs.len() == Self::KNOTS + 1 {
                // SAFETY: the CPU has AVX2 and the table has every knot
                // (both checked just above).
                unsafe { self.quantiles_avx2(us) };
                return;
            }
        }
        for u in us.iter_mut() {
            *u = self.quantile(*u);
        }
    }

    /// [`PertTable::quantiles`] four at a time. Runs only where the CPU
    /// has AVX2: callers check it ([`super::simd::avx2`]) before calling.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn quantiles_avx2(&self, us: &mut [f64]) {
        use std::arch::x86_64::*;
        // The loads below read knots through a raw pointer: the table must
        // have every knot.
        if self.pairs.len() != Self::KNOTS + 1 {
            for u in us.iter_mut() {
                *u = self.quantile(*u);
            }
            return;
        }
        let base: *const f64 = self.pairs.as_ptr().cast();
        let scale = _mm256_set1_pd(Self::KNOTS as f64);
        let last = _mm_set1_epi32(Self::KNOTS as i32 - 1);
        let (two, three, one) = (
            _mm256_set1_pd(2.0),
            _mm256_set1_pd(3.0),
            _mm256_set1_pd(1.0),
        );
        let minus_two = _mm256_set1_pd(-2.0);
        let mut quads = us.chunks_exact_mut(4);
        for quad in &mut quads {
            // SAFETY: `quad` is 4 readable and writable f64s.
            let u = unsafe { _mm256_loadu_pd(quad.as_ptr()) };
            let x = _mm256_mul_pd(u, scale);
            // As `(x as usize).min(KNOTS - 1)`: truncation, kept within
            // the table (a NaN or negative x takes knot 0, as the cast).
            let i = _mm_max_epi32(
                _mm_min_epi32(_mm256_cvttpd_epi32(x), last),
                _mm_setzero_si128(),
            );
            let t = _mm256_sub_pd(x, _mm256_cvtepi32_pd(i));
            let at = _mm_slli_epi32::<1>(i);
            // Each lane's knots i and i + 1, (q0, m0) and (q1, m1), are
            // four f64s side by side: two 128-bit loads a lane, paired
            // across lanes and interleaved (cheaper than four gathers).
            // SAFETY: 0 <= i < KNOTS, so f64s 2i..2i + 4 are within the
            // 2 (KNOTS + 1) f64s of the table.
            let (q0, m0, q1, m1) = unsafe {
                let knots = |lane: i32| base.add(lane as usize);
                let (a, b, c, d) = (
                    knots(_mm_cvtsi128_si32(at)),
                    knots(_mm_extract_epi32::<1>(at)),
                    knots(_mm_extract_epi32::<2>(at)),
                    knots(_mm_extract_epi32::<3>(at)),
                );
                // (q0, m0) of lanes a and c, then of b and d; likewise
                // (q1, m1) two f64s on.
                let first_ac = _mm256_loadu2_m128d(c, a);
                let first_bd = _mm256_loadu2_m128d(d, b);
                let second_ac = _mm256_loadu2_m128d(c.add(2), a.add(2));
                let second_bd = _mm256_loadu2_m128d(d.add(2), b.add(2));
                (
                    _mm256_unpacklo_pd(first_ac, first_bd),
                    _mm256_unpackhi_pd(first_ac, first_bd),
                    _mm256_unpacklo_pd(second_ac, second_bd),
                    _mm256_unpackhi_pd(second_ac, second_bd),
                )
            };
            // The scalar formula, operation for operation.
            let t2 = _mm256_mul_pd(t, t);
            let t3 = _mm256_mul_pd(t2, t);
            let a = _mm256_add_pd(
                _mm256_sub_pd(_mm256_mul_pd(two, t3), _mm256_mul_pd(three, t2)),
                one,
            );
            let b = _mm256_add_pd(_mm256_sub_pd(t3, _mm256_mul_pd(two, t2)), t);
            let c = _mm256_add_pd(_mm256_mul_pd(minus_two, t3), _mm256_mul_pd(three, t2));
            let d = _mm256_sub_pd(t3, t2);
            let q = _mm256_add_pd(
                _mm256_add_pd(
                    _mm256_add_pd(_mm256_mul_pd(a, q0), _mm256_mul_pd(b, m0)),
                    _mm256_mul_pd(c, q1),
                ),
                _mm256_mul_pd(d, m1),
            );
            // As `clamp`: a bound replaces q only when q is strictly
            // beyond it (max_pd and min_pd return their second operand
            // on ties).
            let q = _mm256_min_pd(
                _mm256_max_pd(q0, q1),
                _mm256_max_pd(_mm256_min_pd(q0, q1), q),
            );
            // SAFETY: as the load.
            unsafe { _mm256_storeu_pd(quad.as_mut_ptr(), q) };
        }
        for u in quads.into_remainder() {
            *u = self.quantile(*u);
        }
    }
}

#[cfg(test)]
mod grid {
    use super::{PertTable, ln_grid, portable};

    /// The density on the grid reads ln(x) and ln(1 - x) from one table:
    /// both must be exactly what the logarithm of x and of 1 - x gives.
    #[test]
    fn the_shared_logarithms_are_those_of_x_and_of_one_minus_x() {
        let n = PertTable::GRID;
        let h = 1.0 / n as f64;
        let ln = ln_grid();
        assert_eq!(ln.len(), n + 1);
        for k in (1..n).step_by(97).chain([1, 2, n / 2, n - 2, n - 1]) {
            let x = k as f64 * h;
            assert_eq!(ln[k].to_bits(), portable::ln(x).to_bits(), "k = {k}");
            assert_eq!(
                ln[n - k].to_bits(),
                portable::ln(1.0 - x).to_bits(),
                "k = {k}"
            );
        }
        assert_eq!(ln[n], 0.0);
    }
}

#[cfg(test)]
mod tests {
    use super::PertTable;

    #[test]
    fn a_beta_pert_table_is_the_same_whatever_pieces_its_grid_is_built_in() {
        for (alpha, beta) in [(2.33, 3.67), (1.0, 5.0), (3.0, 3.0), (5.0, 1.0)] {
            let whole = PertTable::new(alpha, beta);
            for piece in [1, 7, 512, 8192, PertTable::GRID + 1] {
                let mut grid = vec![0.0; PertTable::GRID + 1];
                for (i, part) in grid.chunks_mut(piece).enumerate() {
                    PertTable::grid_densities(alpha, beta, part, i * piece);
                }
                let pieces = PertTable::from_densities(alpha, beta, grid);
                let bits = |t: &PertTable| -> Vec<[u64; 2]> {
                    t.pairs
                        .iter()
                        .map(|[q, m]| [q.to_bits(), m.to_bits()])
                        .collect()
                };
                assert_eq!(
                    bits(&whole),
                    bits(&pieces),
                    "({alpha}, {beta}) in pieces of {piece}"
                );
            }
        }
    }
}
