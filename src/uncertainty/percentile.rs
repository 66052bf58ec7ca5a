//! Percentiles by numpy's default (linear) method, found by selection.
//!
//! For n sorted values x and percentile p: the virtual index is
//! v = (p / 100)(n - 1), and the percentile interpolates between
//! x[floor(v)] and x[floor(v) + 1] exactly as numpy's `_lerp` does
//! (`a + (b - a) t`, or `b - (b - a)(1 - t)` when t >= 0.5), so results
//! match `numpy.percentile` to the bit. Only the order statistics needed
//! are found, by selection (`select_nth_unstable`, after a histogram has
//! narrowed long inputs to the few values near each wanted rank), never a
//! full sort.

/// The order statistics (0-based ranks) percentile `p` of `n` values needs,
/// and the interpolation weight between them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Needed {
    pub lo: usize,
    pub hi: usize,
    pub t: f64,
}

pub fn needed(p: u8, n: usize) -> Needed {
    let q = f64::from(p) / 100.0;
    let v = q * (n.saturating_sub(1)) as f64;
    let lo = v.floor();
    let t = v - lo;
    let lo = (lo as usize).min(n.saturating_sub(1));
    Needed {
        lo,
        hi: (lo + 1).min(n.saturating_sub(1)),
        t,
    }
}

/// numpy's `_lerp`.
pub fn lerp(a: f64, b: f64, t: f64) -> f64 {
    let diff = b - a;
    if t >= 0.5 {
        b - diff * (1.0 - t)
    } else {
        a + diff * t
    }
}

/// Every rank any of `percentiles` needs among `n` values, ascending.
pub fn ranks(percentiles: &[u8], n: usize) -> Vec<usize> {
    let mut r: Vec<usize> = percentiles
        .iter()
        .flat_map(|&p| {
            let x = needed(p, n);
            [x.lo, x.hi]
        })
        .collect();
    r.sort_unstable();
    r.dedup();
    r
}

/// The ranks that bracket percentile `p`'s standard error among `n`
/// values: its virtual index less and plus sqrt(n p (1 - p)), outwards to
/// whole ranks, within 0..n, and that half-width k.
///
/// The number of draws below the true percentile is binomial with
/// standard deviation k = sqrt(n p (1 - p)); the order statistics k
/// ranks either side bound a one-standard-error interval, so half their
/// distance, scaled by 2k over the ranks between them, is the standard
/// error (the distribution-free estimate of the percentile's sampling
/// spread; docs/uncertainty.md).
pub fn error_ranks(p: u8, n: usize) -> (usize, usize, f64) {
    let q = f64::from(p) / 100.0;
    let last = n.saturating_sub(1) as f64;
    let v = q * last;
    let k = (n as f64 * q * (1.0 - q)).sqrt();
    let lo = (v - k).floor().clamp(0.0, last) as usize;
    let hi = (v + k).ceil().clamp(0.0, last) as usize;
    (lo, hi, k)
}

/// [`ranks`] and the ranks of each percentile's standard error
/// ([`error_ranks`]), ascending.
pub fn ranks_with_errors(percentiles: &[u8], n: usize) -> Vec<usize> {
    let mut r = ranks(percentiles, n);
    for &p in percentiles {
        let (lo, hi, _) = error_ranks(p, n);
        r.extend([lo, hi]);
    }
    r.sort_unstable();
    r.dedup();
    r
}

/// The value `found` at rank `r` of `ranks` (NaN where it was not found).
fn value_at(ranks: &[usize], found: &[f64], r: usize) -> f64 {
    ranks
        .iter()
        .position(|x| *x == r)
        .and_then(|i| found.get(i))
        .copied()
        .unwrap_or(f64::NAN)
}

/// The standard error of each of `percentiles` of `n` values, from the
/// values `found` at `ranks` (which include [`error_ranks`]).
pub fn standard_errors(percentiles: &[u8], n: usize, ranks: &[usize], found: &[f64]) -> Vec<f64> {
    let at = |r: usize| value_at(ranks, found, r);
    percentiles
        .iter()
        .map(|&p| {
            let (lo, hi, k) = error_ranks(p, n);
            if hi <= lo {
                0.0
            } else {
                (at(hi) - at(lo)) * k / (hi - lo) as f64
            }
        })
        .collect()
}

/// The values at `ranks` (ascending; a rank beyond the values gives NaN)
/// of `values`, in the total order of `f64::total_cmp`. Long inputs are
/// first narrowed by a histogram ([`bucket_select`]); the rest, and each
/// bucket, by successive selection on shrinking sub-slices. May reorder
/// `values`.
pub fn select_ranks(values: &mut [f64], ranks: &[usize]) -> Vec<f64> {
    if values.len() >= BUCKETED {
        if let Some(found) = bucket_select(&[values], ranks) {
            return found;
        }
    }
    select_by_partition(values, ranks)
}

/// [`select_ranks`] over the values of several lists taken together, read
/// where they are when the histogram can narrow them (else copied into
/// `scratch`, which is reused from call to call).
pub fn select_ranks_in(lists: &[&[f64]], ranks: &[usize], scratch: &mut Vec<f64>) -> Vec<f64> {
    let n: usize = lists.iter().map(|l| l.len()).sum();
    if n >= BUCKETED {
        if let Some(found) = bucket_select(lists, ranks) {
            return found;
        }
    }
    scratch.clear();
    for list in lists {
        scratch.extend_from_slice(list);
    }
    select_by_partition(scratch, ranks)
}

/// Inputs at least this long are narrowed by a histogram first.
const BUCKETED: usize = 4096;

/// Equal-width buckets over the values of some lists: the values lie
/// between their least and greatest, lo and hi, and bucket b of B holds
/// the values with `floor((v - lo) B / (hi - lo)) = b`. That map never
/// decreases as v grows, so bucket b holds exactly the ranks from the count
/// of the buckets before it.
struct Histogram {
    lo: f64,
    hi: f64,
    scale: f64,
    top: f64,
    counts: Vec<u32>,
    /// Where each bucket starts among the sorted values (one more entry
    /// than buckets: the last is the number of values).
    starts: Vec<usize>,
}

/// Values whose buckets are worked out together (a loop the compiler
/// vectorises), then used one by one.
const BATCH: usize = 64;

impl Histogram {
    /// The histogram of the values of `lists`: one pass for the least and
    /// greatest, one to count. `None` when a value is not finite, every
    /// value is equal, or the range is too wide for an f64.
    fn of(lists: &[&[f64]]) -> Option<Histogram> {
        #[cfg(target_arch = "x86_64")]
        {
            if super::simd::avx2() {
                // SAFETY: the CPU has AVX2 (checked just above).
                return unsafe { Histogram::of_avx2(lists) };
            }
        }
        Histogram::of_generic(lists)
    }

    /// [`Histogram::of`] compiled for AVX2: four lanes a vector instead of
    /// two, the same IEEE arithmetic, so the same histogram.
    /// Runs only where the CPU has AVX2: callers check it
    /// ([`super::simd::avx2`]) before calling.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn of_avx2(lists: &[&[f64]]) -> Option<Histogram> {
        Histogram::of_generic(lists)
    }

    #[inline(always)]
    fn of_generic(lists: &[&[f64]]) -> Option<Histogram> {
        const LANES: usize = 8;
        let n: usize = lists.iter().map(|l| l.len()).sum();
        // Least and greatest, and whether any value is not finite, eight
        // lanes at a time.
        let (mut low, mut high) = ([f64::INFINITY; LANES], [f64::NEG_INFINITY; LANES]);
        let mut odd = [false; LANES];
        let mut take = |chunk: &[f64]| {
            for (((&v, l), h), o) in chunk
                .iter()
                .zip(low.iter_mut())
                .zip(high.iter_mut())
                .zip(odd.iter_mut())
            {
                *l = if v < *l { v } else { *l };
                *h = if v > *h { v } else { *h };
                *o |= !v.is_finite();
            }
        };
        for values in lists {
            let mut chunks = values.chunks_exact(LANES);
            for chunk in &mut chunks {
                take(chunk);
            }
            take(chunks.remainder());
        }
        if odd.iter().any(|&o| o) {
            return None;
        }
        let lo = low.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = high.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        // About eight values a bucket; the counts stay within the L1 cache.
        let buckets = (n / 8).next_power_of_two().clamp(256, 1 << 13);
        let scale = buckets as f64 / (hi - lo);
        // (An overflowing width would make (v - lo) scale infinite or NaN.)
        if hi <= lo || !(hi - lo).is_finite() || !scale.is_finite() {
            return None;
        }
        let mut h = Histogram {
            lo,
            hi,
            scale,
            top: (buckets - 1) as f64,
            counts: vec![0; buckets],
            starts: Vec::with_capacity(buckets + 1),
        };
        let mut ids = [0u32; BATCH];
        for batch in lists.iter().flat_map(|values| values.chunks(BATCH)) {
            h.buckets(batch, &mut ids);
            for &b in ids.iter().take(batch.len()) {
                if let Some(c) = h.counts.get_mut(b as usize) {
                    *c += 1;
                }
            }
        }
        let mut sum = 0usize;
        h.starts.push(0);
        for &c in &h.counts {
            sum += c as usize;
            h.starts.push(sum);
        }
        Some(h)
    }

    /// The bucket of each value of `batch`, into `out`.
    #[inline(always)]
    fn buckets(&self, batch: &[f64], out: &mut [u32; BATCH]) {
        for (o, &v) in out.iter_mut().zip(batch) {
            *o = self.bucket(v);
        }
    }

    /// The bucket of a value within lo..=hi.
    #[inline(always)]
    fn bucket(&self, v: f64) -> u32 {
        let x = ((v - self.lo) * self.scale).min(self.top);
        // SAFETY: x is finite and within 0..=top (v, lo and scale are
        // finite, v >= lo, and (v - lo) scale is at most about B), so it
        // fits in an i32 exactly as truncation gives it.
        unsafe { x.to_int_unchecked::<i32>() }.unsigned_abs()
    }

    /// The bucket holding rank `r`, if there are more than `r` values.
    fn bucket_of(&self, r: usize) -> Option<usize> {
        let n = self.starts.last().copied().unwrap_or(0);
        (r < n).then(|| self.starts.partition_point(|&s| s <= r) - 1)
    }

    /// Values below and above the rank-`r` value, and how many values its
    /// bucket holds: the bounds of the bucket, nudged (by a few units in
    /// the last place at most) until the map from values to buckets puts
    /// them in the buckets either side. That map never decreases, so every
    /// value of the bucket lies strictly between them. `None` where
    /// rounding defeats that (values far larger than their spread).
    fn bracket(&self, r: usize) -> Option<(f64, f64, usize)> {
        self.bracket_bucket(self.bucket_of(r)?)
    }

    /// [`Histogram::bracket`] of bucket `b`.
    fn bracket_bucket(&self, b: usize) -> Option<(f64, f64, usize)> {
        const NUDGES: usize = 16;
        let edge = |i: usize| self.lo + i as f64 / self.scale;
        let clear_below = |v: f64| v < self.lo || (self.bucket(v) as usize) < b;
        let clear_above = |v: f64| v > self.hi || self.bucket(v) as usize > b;
        let mut below = edge(b);
        for _ in 0..NUDGES {
            if clear_below(below) {
                break;
            }
            below = next_down(below);
        }
        let mut above = edge(b + 1);
        for _ in 0..NUDGES {
            if clear_above(above) {
                break;
            }
            above = next_up(above);
        }
        let within = self.counts.get(b).copied()? as usize;
        (clear_below(below) && clear_above(above)).then_some((below, above, within))
    }
}

/// The least f64 above `x` (`f64::next_up`, which is newer than this
/// crate's minimum Rust).
fn next_up(x: f64) -> f64 {
    if x.is_nan() || x == f64::INFINITY {
        return x;
    }
    if x == 0.0 {
        return f64::from_bits(1);
    }
    let bits = x.to_bits();
    f64::from_bits(if x > 0.0 { bits + 1 } else { bits - 1 })
}

/// The greatest f64 below `x`.
fn next_down(x: f64) -> f64 {
    -next_up(-x)
}

/// Where no bucket is wanted.
const NOT_WANTED: u32 = u32::MAX;

/// The most wanted buckets [`gather`] finds by their brackets.
const MOST_BRACKETS: usize = 4;

/// What [`gather`] reads and where it writes.
struct Gathering<'a> {
    h: &'a Histogram,
    lists: &'a [&'a [f64]],
    /// Each wanted bucket's bracket, in the order of the wanted.
    brackets: Option<&'a [(f64, f64)]>,
    /// Each bucket's order among the wanted, or [`NOT_WANTED`].
    slot: &'a [u32],
    /// Where each wanted bucket's next value goes in `segments`.
    cursor: &'a mut [usize],
    segments: &'a mut [f64],
}

/// Copies the values of the wanted buckets into their segments. Each
/// wanted bucket's values lie strictly inside its bracket: a batch is
/// tested against the brackets (two compares a value, a loop that
/// vectorises), and only values inside one have their bucket worked out.
/// Without brackets (too many buckets, or rounding gave none), every
/// value's bucket is.
fn gather(g: Gathering) {
    #[cfg(target_arch = "x86_64")]
    {
        if super::simd::avx2() {
            // SAFETY: the CPU has AVX2 (checked just above).
            unsafe { gather_avx2(g) };
            return;
        }
    }
    gather_generic(g);
}

/// [`gather`] compiled for AVX2 (the same comparisons, so the same values).
/// Runs only where the CPU has AVX2: callers check it
/// ([`super::simd::avx2`]) before calling.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn gather_avx2(g: Gathering) {
    gather_generic(g);
}

#[inline(always)]
fn gather_generic(g: Gathering) {
    let Gathering {
        h,
        lists,
        brackets,
        slot,
        cursor,
        segments,
    } = g;
    let mut put = |v: f64, b: u32| {
        let s = slot.get(b as usize).copied().unwrap_or(NOT_WANTED);
        if s != NOT_WANTED {
            if let Some(at) = cursor.get_mut(s as usize) {
                if let Some(place) = segments.get_mut(*at) {
                    *place = v;
                }
                *at += 1;
            }
        }
    };
    let mut ids = [0u32; BATCH];
    for batch in lists.iter().flat_map(|values| values.chunks(BATCH)) {
        if let Some(brackets) = brackets {
            let hits = brackets.iter().fold(0usize, |sum, &(below, above)| {
                sum + batch.iter().filter(|&&v| below < v && v < above).count()
            });
            if hits > 0 {
                let inside = |v: f64| {
                    brackets
                        .iter()
                        .any(|&(below, above)| below < v && v < above)
                };
                for &v in batch.iter().filter(|&&v| inside(v)) {
                    put(v, h.bucket(v));
                }
            }
        } else {
            h.buckets(batch, &mut ids);
            for (&v, &b) in batch.iter().zip(&ids) {
                put(v, b);
            }
        }
    }
}

/// Selection through a histogram ([`Histogram`]): one pass counts the
/// buckets, a second gathers only those that hold a wanted rank (a few
/// values each), and each of those is selected on its own: two cheap
/// passes instead of the several partitions of selection over the whole
/// input, with the same result.
///
/// `None` (select the usual way) when a value is not finite, every value
/// is equal, or the range is too wide for an f64.
fn bucket_select(lists: &[&[f64]], ranks: &[usize]) -> Option<Vec<f64>> {
    let h = Histogram::of(lists)?;
    let n = h.starts.last().copied().unwrap_or(0);
    let buckets = h.counts.len();
    // The bucket of each wanted rank (ranks ascend, so buckets do too).
    let of_rank: Vec<Option<usize>> = ranks.iter().map(|&r| h.bucket_of(r)).collect();
    let mut wanted: Vec<usize> = of_rank.iter().flatten().copied().collect();
    wanted.dedup();
    // Each wanted bucket's place among the gathered values.
    let mut slot = vec![NOT_WANTED; buckets];
    let mut bounds: Vec<(usize, usize)> = Vec::with_capacity(wanted.len());
    let mut gathered = 0usize;
    for (i, &b) in wanted.iter().enumerate() {
        if let Some(s) = slot.get_mut(b) {
            *s = i as u32;
        }
        let count = h.counts.get(b).copied().unwrap_or(0) as usize;
        bounds.push((gathered, gathered + count));
        gathered += count;
    }
    let mut segments = vec![0.0; gathered];
    // Where each wanted bucket's next value goes.
    let mut cursor: Vec<usize> = bounds.iter().map(|&(from, _)| from).collect();
    // Brackets pay for a few wanted buckets (two compares a value each);
    // for more, working out each value's bucket is cheaper.
    let brackets: Option<Vec<(f64, f64)>> = if wanted.len() <= MOST_BRACKETS {
        wanted
            .iter()
            .map(|&b| h.bracket_bucket(b).map(|(below, above, _)| (below, above)))
            .collect()
    } else {
        None
    };
    gather(Gathering {
        h: &h,
        lists,
        brackets: brackets.as_deref(),
        slot: &slot,
        cursor: &mut cursor,
        segments: &mut segments,
    });
    // Each wanted bucket's ranks, selected among its own values. A bucket
    // holding most of the values (a few far outliers stretch the range)
    // is selected directly, so narrowing never repeats for long.
    let mut found = vec![f64::NAN; ranks.len()];
    for (i, &b) in wanted.iter().enumerate() {
        let (Some(&(from, to)), Some(&start)) = (bounds.get(i), h.starts.get(b)) else {
            continue;
        };
        let Some(segment) = segments.get_mut(from..to) else {
            continue;
        };
        let (places, local): (Vec<usize>, Vec<usize>) = of_rank
            .iter()
            .zip(ranks)
            .enumerate()
            .filter(|(_, (o, _))| **o == Some(b))
            .map(|(place, (_, &r))| (place, r - start))
            .unzip();
        let selected = if segment.len() > n / 2 {
            select_by_partition(segment, &local)
        } else {
            select_ranks(segment, &local)
        };
        for (place, v) in places.into_iter().zip(selected) {
            if let Some(slot) = found.get_mut(place) {
                *slot = v;
            }
        }
    }
    Some(found)
}

/// For each of `ranks` (ascending), an interval of values that holds the
/// rank-r value: `(below, above)` with below <= value < above, from one
/// histogram of `values` (two passes, no selection). Each interval is the
/// rank's bucket (a few values in ten thousand of a smooth distribution's).
/// Where the histogram cannot be built, or would give any rank a bucket of
/// more than `most` values (far outliers stretch the range), every rank's
/// value itself, found by selection (which may reorder `values`).
pub fn brackets(values: &mut [f64], ranks: &[usize], most: usize) -> Vec<(f64, f64)> {
    histogram_brackets(&[values], ranks, most).unwrap_or_else(|| {
        select_ranks(values, ranks)
            .into_iter()
            .map(|v| (v, next_up(v)))
            .collect()
    })
}

/// [`brackets`] over the values of several lists taken together (copied
/// into `scratch` only if they must be selected).
pub fn brackets_in(
    lists: &[&[f64]],
    ranks: &[usize],
    most: usize,
    scratch: &mut Vec<f64>,
) -> Vec<(f64, f64)> {
    histogram_brackets(lists, ranks, most).unwrap_or_else(|| {
        select_ranks_in(lists, ranks, scratch)
            .into_iter()
            .map(|v| (v, next_up(v)))
            .collect()
    })
}

/// Each rank's bucket in one histogram of the values of `lists`, if it can
/// be built and no rank's bucket holds more than `most` values.
fn histogram_brackets(lists: &[&[f64]], ranks: &[usize], most: usize) -> Option<Vec<(f64, f64)>> {
    let n: usize = lists.iter().map(|l| l.len()).sum();
    let h = (n >= BUCKETED).then(|| Histogram::of(lists)).flatten()?;
    ranks
        .iter()
        .map(|&r| {
            h.bracket(r)
                .filter(|&(_, _, within)| within <= most)
                .map(|(below, above, _)| (below, above))
        })
        .collect()
}

/// [`select_ranks`] by successive selection on shrinking sub-slices.
/// Reorders `values`.
fn select_by_partition(values: &mut [f64], ranks: &[usize]) -> Vec<f64> {
    // Selection compares plain integers: each value is replaced by its
    // order key (the bits `f64::total_cmp` compares), and back afterwards.
    for v in values.iter_mut() {
        *v = f64::from_bits(order_key(*v));
    }
    let found = select_keys(values, ranks);
    for v in values.iter_mut() {
        *v = f64::from_bits(from_order_key(v.to_bits()));
    }
    found
        .into_iter()
        .map(|k| k.map_or(f64::NAN, |k| f64::from_bits(from_order_key(k))))
        .collect()
}

/// An f64's bits mapped so unsigned order is `f64::total_cmp`'s order.
#[inline(always)]
fn order_key(v: f64) -> u64 {
    let b = v.to_bits();
    if b >> 63 == 1 { !b } else { b | (1 << 63) }
}

/// The inverse of [`order_key`].
#[inline(always)]
fn from_order_key(k: u64) -> u64 {
    if k >> 63 == 1 { k & !(1 << 63) } else { !k }
}

/// [`select_ranks`] on values holding order keys (as f64 bits).
fn select_keys(values: &mut [f64], ranks: &[usize]) -> Vec<Option<u64>> {
    let mut out = vec![None; ranks.len()];
    select_within(values, 0, ranks, &mut out);
    out
}

/// Divide and conquer: select the middle rank, then the lower ranks in
/// the part below it and the higher ones in the part above, so each value
/// takes part in about log2(ranks) partitions, not one per rank.
fn select_within(values: &mut [f64], offset: usize, ranks: &[usize], out: &mut [Option<u64>]) {
    let by_key = |a: &f64, b: &f64| a.to_bits().cmp(&b.to_bits());
    let Some(&r) = ranks.get(ranks.len() / 2) else {
        return;
    };
    let below = ranks.partition_point(|&x| x < r);
    let above = ranks.partition_point(|&x| x <= r);
    let Some(local) = r.checked_sub(offset).filter(|&l| l < values.len()) else {
        // Out of range, as every higher rank is: only the lower ones remain.
        let lower = out.get_mut(..below).unwrap_or_default();
        select_within(values, offset, ranks.get(..below).unwrap_or(&[]), lower);
        return;
    };
    let (left, found, right) = if local == 0 {
        // Often the rank just after one already found (numpy's
        // interpolation needs both): the smallest value, by a scan.
        let at = values
            .iter()
            .enumerate()
            .min_by(|a, b| by_key(a.1, b.1))
            .map_or(0, |(i, _)| i);
        values.swap(0, at);
        let (first, right) = values.split_at_mut(1);
        let (left, found) = first.split_at_mut(0);
        (left, found.first().map(|k| k.to_bits()), right)
    } else {
        let (left, nth, right) = values.select_nth_unstable_by(local, by_key);
        (left, Some(nth.to_bits()), right)
    };
    if let Some(slots) = out.get_mut(below..above) {
        slots.fill(found);
    }
    let (lower, rest) = out.split_at_mut(below);
    let upper = rest.get_mut(above - below..).unwrap_or_default();
    select_within(left, offset, ranks.get(..below).unwrap_or(&[]), lower);
    select_within(right, r + 1, ranks.get(above..).unwrap_or(&[]), upper);
}

/// The percentiles of `values` (reordered), by numpy's linear method.
pub fn percentiles_of(values: &mut [f64], percentiles: &[u8]) -> Vec<f64> {
    let n = values.len();
    if n == 0 {
        return vec![f64::NAN; percentiles.len()];
    }
    let ranks = ranks(percentiles, n);
    let found = select_ranks(values, &ranks);
    interpolate(percentiles, n, &ranks, &found)
}

/// The percentiles of `n` values by numpy's linear method, from the values
/// `found` at `ranks` (as [`ranks`] gives them).
pub fn interpolate(percentiles: &[u8], n: usize, ranks: &[usize], found: &[f64]) -> Vec<f64> {
    let at = |r: usize| value_at(ranks, found, r);
    percentiles
        .iter()
        .map(|&p| {
            let x = needed(p, n);
            lerp(at(x.lo), at(x.hi), x.t)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_numpy_linear_interpolation() {
        // numpy.percentile([1, 2, 3, 4], [10, 50, 90]) -> [1.3, 2.5, 3.7]
        let mut v = vec![4.0, 1.0, 3.0, 2.0];
        let p = percentiles_of(&mut v, &[10, 50, 90]);
        assert!((p[0] - 1.3).abs() < 1e-12);
        assert_eq!(p[1], 2.5);
        assert!((p[2] - 3.7).abs() < 1e-12);
    }

    #[test]
    fn selection_agrees_with_a_full_sort() {
        let mut v: Vec<f64> = (0..1001)
            .map(|i| ((i * 7919) % 1001) as f64 * 0.37)
            .collect();
        let mut sorted = v.clone();
        sorted.sort_by(f64::total_cmp);
        let p = percentiles_of(&mut v, &[1, 5, 10, 50, 90, 95, 99]);
        for (got, pct) in p.iter().zip([1u8, 5, 10, 50, 90, 95, 99]) {
            let x = needed(pct, sorted.len());
            assert_eq!(*got, lerp(sorted[x.lo], sorted[x.hi], x.t));
        }
    }

    #[test]
    fn selected_ranks_are_those_of_a_full_sort_with_signs_ties_and_repeats() {
        // Negative, zero, tied and extreme values; adjacent, repeated and
        // out-of-range ranks.
        let values: Vec<f64> = (0..500)
            .map(|i| match i % 7 {
                0 => -0.0,
                1 => 0.0,
                2 => f64::from((i * 31) % 97) - 50.0,
                3 => -1e300,
                4 => 1e-300,
                _ => f64::from((i * 7919) % 503) * -0.25,
            })
            .collect();
        let mut sorted = values.clone();
        sorted.sort_by(f64::total_cmp);
        let ranks = [0, 1, 2, 100, 101, 101, 250, 251, 498, 499, 500];
        let mut v = values.clone();
        let got = select_ranks(&mut v, &ranks);
        for (g, &r) in got.iter().zip(&ranks) {
            match sorted.get(r) {
                Some(want) => assert_eq!(g.to_bits(), want.to_bits(), "rank {r}"),
                None => assert!(g.is_nan(), "rank {r}"),
            }
        }
        // The values are only reordered.
        v.sort_by(f64::total_cmp);
        assert_eq!(
            v.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
            sorted.iter().map(|x| x.to_bits()).collect::<Vec<_>>()
        );
    }

    /// A shape of input for the histogram path: `i` of `n`, `x` a
    /// pseudo-random word.
    fn shaped(shape: usize, i: usize, n: usize, x: u64) -> f64 {
        let u = (x >> 11) as f64 / (1u64 << 53) as f64;
        match shape {
            // Spread evenly, with signs and both zeros.
            0 => (u - 0.5) * 1e7,
            1 => [-0.0, 0.0, 1.0, -1.0][i % 4],
            // Heavy ties: few distinct values.
            2 => ((x % 13) as f64 - 6.0) * 0.25,
            // A far outlier stretching the range: nearly every value in
            // one bucket.
            3 if i == n / 3 => 1e300,
            3 => u,
            // Geometric: each bucket split leaves most values in the first.
            4 => 2f64.powi((i % 900) as i32 - 450),
            // Values far larger than their spread (a bucket of the
            // histogram is narrower than a unit in the last place).
            6 => 1e15 + (x % 64) as f64 * 0.125,
            // Money-like, clustered.
            _ => 1e8 + (u * u) * 1e6,
        }
    }

    /// `n` values of a shape, from the xorshift state `x`.
    fn shaped_values(shape: usize, n: usize, x: &mut u64) -> Vec<f64> {
        (0..n)
            .map(|i| {
                *x ^= *x << 13;
                *x ^= *x >> 7;
                *x ^= *x << 17;
                shaped(shape, i, n, *x)
            })
            .collect()
    }

    #[test]
    fn the_histogram_path_selects_what_a_full_sort_does() {
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        for n in [BUCKETED, 5_001, 70_000] {
            for shape in 0..7 {
                let values = shaped_values(shape, n, &mut x);
                let mut sorted = values.clone();
                sorted.sort_by(f64::total_cmp);
                let ranks = [0, 1, n / 20, n / 20, n / 2, n / 2 + 1, n - 2, n - 1, n];
                let mut v = values.clone();
                let got = select_ranks(&mut v, &ranks);
                for (g, &r) in got.iter().zip(&ranks) {
                    match sorted.get(r) {
                        Some(want) => {
                            assert_eq!(g.to_bits(), want.to_bits(), "n {n} shape {shape} rank {r}")
                        }
                        None => assert!(g.is_nan(), "n {n} shape {shape} rank {r}"),
                    }
                }
            }
        }
    }

    #[test]
    fn brackets_hold_their_ranks_and_are_one_bucket_wide() {
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        let n = 20_000;
        for shape in 0..7 {
            let values = shaped_values(shape, n, &mut x);
            let mut sorted = values.clone();
            sorted.sort_by(f64::total_cmp);
            let ranks = [0, 1, n / 20, n / 2, n / 2 + 1, n - 1];
            let most = n / 100;
            let got = brackets(&mut values.clone(), &ranks, most);
            for (&(below, above), &r) in got.iter().zip(&ranks) {
                let v = sorted[r];
                assert!(below <= v && v < above, "shape {shape} rank {r}");
                // Narrow: at most `most` values inside, unless the value
                // itself (an exact bracket) holds them all as ties.
                let inside = sorted.iter().filter(|&&w| below <= w && w < above).count();
                let ties = sorted.iter().filter(|&&w| w == v).count();
                assert!(inside <= most.max(ties), "shape {shape} rank {r}: {inside}");
            }
        }
        // Evenly spread values: each bracket is one bucket of a few
        // values.
        let mut even: Vec<f64> = (0..n).map(|i| i as f64 * 0.37).collect();
        let got = brackets(&mut even, &[0, n / 2, n - 1], n);
        for (below, above) in got {
            let inside = (0..n)
                .filter(|&i| below <= i as f64 * 0.37 && (i as f64 * 0.37) < above)
                .count();
            assert!((1..=10).contains(&inside), "{inside} in [{below}, {above})");
        }
    }

    #[test]
    fn the_histogram_path_steps_aside_for_values_that_are_not_finite_or_all_equal() {
        let mut v: Vec<f64> = (0..BUCKETED).map(|i| i as f64).collect();
        assert!(bucket_select(&[&v], &[3]).is_some());
        for odd in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            v[7] = odd;
            assert!(bucket_select(&[&v], &[3]).is_none());
            let mut sorted = v.clone();
            sorted.sort_by(f64::total_cmp);
            let got = select_ranks(&mut v.clone(), &[0, 100, BUCKETED - 1]);
            let want = [sorted[0], sorted[100], sorted[BUCKETED - 1]];
            for (g, w) in got.iter().zip(want) {
                assert_eq!(g.to_bits(), w.to_bits());
            }
        }
        // A range wider than the largest f64.
        let mut wide = vec![0.0; BUCKETED];
        wide[1] = -1e308;
        wide[2] = 1e308;
        assert!(bucket_select(&[&wide], &[0]).is_none());
        assert_eq!(
            select_ranks(&mut wide, &[0, 1, BUCKETED - 1]),
            vec![-1e308, 0.0, 1e308]
        );
        let equal = vec![2.5; BUCKETED];
        assert!(bucket_select(&[&equal], &[0]).is_none());
        assert_eq!(select_ranks(&mut equal.clone(), &[0, 9]), vec![2.5, 2.5]);
    }

    #[test]
    fn a_few_ranks_gathered_by_their_buckets_brackets_select_what_a_full_sort_does() {
        // Up to four wanted buckets are gathered by testing values against
        // their brackets, not by working out every value's bucket.
        let mut x = 0x5851_F42D_4C95_7F2Du64;
        for n in [BUCKETED, 12_000] {
            for shape in 0..7 {
                let values = shaped_values(shape, n, &mut x);
                let mut sorted = values.clone();
                sorted.sort_by(f64::total_cmp);
                let (a, b) = values.split_at(n / 3);
                for ranks in [
                    vec![n / 2],
                    vec![n / 2, n / 2 + 1],
                    vec![0, n / 20, n / 20 + 1],
                    vec![1, n / 10, n / 2, n - 1],
                ] {
                    let got = select_ranks_in(&[a, b], &ranks, &mut Vec::new());
                    for (g, &r) in got.iter().zip(&ranks) {
                        let want = sorted.get(r).map(|w| w.to_bits());
                        assert_eq!(Some(g.to_bits()), want, "n {n} shape {shape} rank {r}");
                    }
                }
            }
        }
    }

    #[test]
    fn several_lists_select_as_their_values_together() {
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        for n in [300, 9_000] {
            let values: Vec<f64> = (0..n)
                .map(|i| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    shaped(i % 6, i, n, x)
                })
                .collect();
            let mut sorted = values.clone();
            sorted.sort_by(f64::total_cmp);
            // Uneven lists, an empty one among them.
            let (a, rest) = values.split_at(n / 3);
            let (b, c) = rest.split_at(n / 2);
            let lists: [&[f64]; 4] = [a, &[], b, c];
            let ranks = [0, 7, n / 2, n / 2 + 1, n - 1, n];
            let got = select_ranks_in(&lists, &ranks, &mut Vec::new());
            for (g, &r) in got.iter().zip(&ranks) {
                match sorted.get(r) {
                    Some(want) => assert_eq!(g.to_bits(), want.to_bits(), "n {n} rank {r}"),
                    None => assert!(g.is_nan(), "n {n} rank {r}"),
                }
            }
        }
    }

    #[test]
    fn one_value_is_every_percentile() {
        let mut v = vec![7.0];
        assert_eq!(percentiles_of(&mut v, &[1, 50, 99]), vec![7.0, 7.0, 7.0]);
    }
}
