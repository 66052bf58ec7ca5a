//! Percentiles by numpy's default (linear) method, found by selection.
//!
//! For n sorted values x and percentile p: the virtual index is
//! v = (p / 100)(n - 1), and the percentile interpolates between
//! x[floor(v)] and x[floor(v) + 1] exactly as numpy's `_lerp` does
//! (`a + (b - a) t`, or `b - (b - a)(1 - t)` when t >= 0.5), so results
//! match `numpy.percentile` to the bit. Only the order statistics needed
//! are found, by selection (`select_nth_unstable`), never a full sort.

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

/// The values at `ranks` (ascending, all < len) of `values`, by successive
/// selection on shrinking sub-slices. Reorders `values`.
pub fn select_ranks(values: &mut [f64], ranks: &[usize]) -> Vec<f64> {
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
    let at = |r: usize| {
        ranks
            .iter()
            .position(|x| *x == r)
            .and_then(|i| found.get(i))
            .copied()
            .unwrap_or(f64::NAN)
    };
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

    #[test]
    fn one_value_is_every_percentile() {
        let mut v = vec![7.0];
        assert_eq!(percentiles_of(&mut v, &[1, 50, 99]), vec![7.0, 7.0, 7.0]);
    }
}
