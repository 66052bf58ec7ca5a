//! Correlated inputs (`[[correlation]]`, docs/uncertainty.md): the
//! Iman-Conover method, applied to each chunk of draws on its own.
//!
//! Each ranged value is drawn exactly as without correlation; then, within
//! a chunk of n draws, the values of each correlated group are re-paired
//! (each value's column reordered, never changed) so that their rank
//! correlations are close to the target:
//!
//! 1. Scores: the van der Waerden scores Phi^-1(i / (n + 1)), i = 1..n,
//!    one column per value, each column in its own random order (a
//!    stream derived from the seed and the chunk alone).
//! 2. The scores' own correlation E = Q Q' and the target C = P P'
//!    (Cholesky factors; C's entries are the normal correlations
//!    2 sin(pi r / 6) whose rank correlations are the r asked for); each
//!    draw's scores m become t = P Q^-1 m, whose correlation is C exactly.
//! 3. Each value's drawn column is sorted and handed out by the ranks of
//!    its column of t.
//!
//! Marginals are untouched (the same values are drawn, only paired
//! differently) and every step depends only on the seed, the chunk and the
//! scenario, so the draws are the same bytes for any number of threads.

// The matrices are k x k and the columns n long, built here and indexed
// with 0..k and 0..n, so no index can be out of bounds.
#![allow(clippy::indexing_slicing)]

use rand::Rng;

use super::portable;
use super::sample::{Generator, splitmix64};
use crate::scenario::Scenario;

/// The lower-triangular Cholesky factor L (L L' = `matrix`) of a symmetric
/// positive semi-definite matrix, row by row; `None` when the matrix is not
/// positive semi-definite. A singular matrix (a pair at exactly 1, say)
/// has a factor: a pivot within [`TOLERANCE`] of zero is taken as zero.
pub fn cholesky(matrix: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let k = matrix.len();
    let mut l = vec![vec![0.0; k]; k];
    for i in 0..k {
        for j in 0..=i {
            let a = *matrix.get(i)?.get(j)?;
            let dot: f64 = (0..j).map(|m| l[i][m] * l[j][m]).sum();
            if i == j {
                let d = a - dot;
                if d < -TOLERANCE {
                    return None;
                }
                l[i][i] = d.max(0.0).sqrt();
            } else if l[j][j] > TOLERANCE {
                l[i][j] = (a - dot) / l[j][j];
            } else if (a - dot).abs() > TOLERANCE.sqrt() {
                // A zero pivot with something left to explain: no factor.
                return None;
            }
        }
    }
    Some(l)
}

/// The normal scores' correlations whose rank correlations are the
/// target's: 2 sin(pi r / 6) (for normal variates, a Pearson correlation
/// rho has rank correlation (6 / pi) asin(rho / 2)). Without it a rank
/// correlation of 0.9 came out at 0.89.
fn pearson(matrix: &[Vec<f64>]) -> Vec<Vec<f64>> {
    matrix
        .iter()
        .enumerate()
        .map(|(i, row)| {
            row.iter()
                .enumerate()
                .map(|(j, &r)| {
                    if i == j {
                        1.0
                    } else {
                        2.0 * libm::sin(std::f64::consts::PI * r / 6.0)
                    }
                })
                .collect()
        })
        .collect()
}

/// The normal correlations a rank matrix needs ([`pearson`]), and, where
/// those are not positive semi-definite (a rank matrix at the edge of what
/// is possible, such as three values at -0.5 each), the same taken
/// toward independence (lambda C + (1 - lambda) I, the largest lambda
/// that is, to 1e-6) with how far (1 - lambda).
pub fn normal_correlations(matrix: &[Vec<f64>]) -> (Vec<Vec<f64>>, Option<f64>) {
    let c = pearson(matrix);
    if cholesky(&c).is_some() {
        return (c, None);
    }
    let toward = |lambda: f64| -> Vec<Vec<f64>> {
        c.iter()
            .enumerate()
            .map(|(i, row)| {
                row.iter()
                    .enumerate()
                    .map(|(j, &r)| if i == j { 1.0 } else { lambda * r })
                    .collect()
            })
            .collect()
    };
    let (mut lo, mut hi) = (0.0, 1.0);
    for _ in 0..20 {
        let mid = (lo + hi) / 2.0;
        if cholesky(&toward(mid)).is_some() {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    (toward(lo), Some(1.0 - lo))
}

/// How far below zero a pivot may fall from rounding alone.
pub const TOLERANCE: f64 = 1e-10;

/// One group of correlated values, ready to re-pair draws.
#[derive(Clone, Debug)]
struct Group {
    /// The params, by index into the scenario's params.
    params: Vec<usize>,
    /// The target's Cholesky factor P.
    target: Vec<Vec<f64>>,
}

/// Every `[[correlation]]` of a scenario, ready to re-pair a chunk's draws.
#[derive(Clone, Debug)]
pub struct Correlator {
    groups: Vec<Group>,
}

/// A tag mixed into the seed of the scores' streams, so that they are
/// not the draws' own streams.
const SCORES: u64 = 0x636f_7272_656c_6174;

impl Correlator {
    /// The scenario's correlations; `None` when it has none.
    pub fn new(s: &Scenario) -> Option<Correlator> {
        let groups: Vec<Group> = s
            .correlations
            .iter()
            .filter(|c| c.params.len() >= 2)
            .filter_map(|c| {
                Some(Group {
                    params: c.params.iter().map(|p| p.0).collect(),
                    target: cholesky(&c.normal)?,
                })
            })
            .collect();
        (!groups.is_empty()).then_some(Correlator { groups })
    }

    /// Re-pairs the first `n` draws of chunk `chunk` of a run with `seed`:
    /// `column(p)` is param p's draws, in draw order.
    pub fn apply<'a>(
        &self,
        seed: u64,
        chunk: u64,
        n: usize,
        mut column: impl FnMut(usize) -> Option<&'a mut [f64]>,
        scores: &mut Scores,
    ) {
        if n < 3 {
            return;
        }
        let base = scores.of(n).to_vec();
        let mut rng =
            Generator::from_u64(splitmix64(splitmix64(seed ^ SCORES).wrapping_add(chunk)));
        for group in &self.groups {
            let k = group.params.len();
            // The scores, each column shuffled (Fisher-Yates).
            let mut m: Vec<Vec<f64>> = (0..k)
                .map(|_| {
                    let mut c = base.clone();
                    for i in (1..n).rev() {
                        let j = (rng.next_u64() % (i as u64 + 1)) as usize;
                        c.swap(i, j);
                    }
                    c
                })
                .collect();
            // Their correlation (the columns have mean 0 and the same
            // sum of squares), and its factor Q.
            let ss: f64 = base.iter().map(|x| x * x).sum();
            let e: Vec<Vec<f64>> = (0..k)
                .map(|a| {
                    (0..k)
                        .map(|b| {
                            if a == b {
                                1.0
                            } else {
                                m[a].iter().zip(&m[b]).map(|(x, y)| x * y).sum::<f64>() / ss
                            }
                        })
                        .collect()
                })
                .collect();
            let Some(q) = cholesky(&e) else {
                continue;
            };
            // t = P Q^-1 m, draw by draw: Q^-1 m by forward substitution.
            let mut t = vec![vec![0.0; n]; k];
            let mut y = vec![0.0; k];
            for d in 0..n {
                for a in 0..k {
                    let dot: f64 = (0..a).map(|b| q[a][b] * y[b]).sum();
                    y[a] = if q[a][a] > TOLERANCE {
                        (m[a][d] - dot) / q[a][a]
                    } else {
                        0.0
                    };
                }
                for (a, ta) in t.iter_mut().enumerate() {
                    ta[d] = (0..=a).map(|b| group.target[a][b] * y[b]).sum();
                }
            }
            m.clear();
            // Each value's draws, sorted, handed out by the ranks of t
            // (ties in t broken by draw, so the order is one and only one).
            let mut sorted: Vec<u64> = Vec::with_capacity(n);
            let mut order: Vec<u64> = Vec::with_capacity(n);
            // A draw's index in the low bits of its key (a chunk's draws
            // fit in INDEX_BITS), the key's own low bits dropped: one u64
            // sort, about twice as fast as sorting pairs.
            let mask = (1u64 << INDEX_BITS) - 1;
            for (a, &p) in group.params.iter().enumerate() {
                let Some(values) = column(p) else { continue };
                let Some(values) = values.get_mut(..n) else {
                    continue;
                };
                sorted.clear();
                sorted.extend(values.iter().map(|&x| order_key(x)));
                sorted.sort_unstable();
                order.clear();
                order.extend(
                    t[a].iter()
                        .enumerate()
                        .map(|(d, &x)| (order_key(x) & !mask) | d as u64),
                );
                order.sort_unstable();
                for (&key, &x) in order.iter().zip(&sorted) {
                    if let Some(v) = values.get_mut((key & mask) as usize) {
                        *v = from_order_key(x);
                    }
                }
            }
        }
    }
}

/// Bits of a draw's index within its chunk.
const INDEX_BITS: u32 = 14;
const _: () = assert!(super::CHUNK <= 1 << INDEX_BITS);

/// The f64 of an [`order_key`].
fn from_order_key(k: u64) -> f64 {
    f64::from_bits(if k >> 63 == 1 { k & !(1 << 63) } else { !k })
}

/// A key whose unsigned order is `f64::total_cmp`'s order of `x`.
fn order_key(x: f64) -> u64 {
    let bits = x.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    }
}

/// The van der Waerden scores of a chunk's size, centred: kept, since
/// every chunk but the last has the same size.
#[derive(Default)]
pub struct Scores {
    n: usize,
    values: Vec<f64>,
}

impl Scores {
    fn of(&mut self, n: usize) -> &[f64] {
        if self.n != n {
            self.n = n;
            self.values = (1..=n)
                .map(|i| inverse_normal(i as f64 / (n as f64 + 1.0)))
                .collect();
            // Symmetric, so the mean is zero but for rounding: removed.
            let mean = self.values.iter().sum::<f64>() / n as f64;
            for v in &mut self.values {
                *v -= mean;
            }
        }
        &self.values
    }
}

/// The standard normal's quantile at `p` in (0, 1) (Acklam's rational
/// approximation, relative error below 1.2e-9), with the same bits on
/// every machine ([`portable::ln`]).
pub fn inverse_normal(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    const LOW: f64 = 0.02425;
    let tail = |q: f64| {
        let q = (-2.0 * portable::ln(q)).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    if p < LOW {
        tail(p)
    } else if p > 1.0 - LOW {
        -tail(1.0 - p)
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
}
