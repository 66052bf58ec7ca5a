//! The Monte Carlo driver of the model of SPEC 3.1-3.5: f64 over blocks
//! of draws.
//!
//! SPEC 3.6 lets Monte Carlo use f64 internally; the central case stays
//! exact (crate::engine). Both drivers call the same formulas
//! ([`crate::model`]), here on `f64` lane by lane. The scenario is compiled once into flat constants
//! ([`Kernel`]); each block of [`BLOCK`] draws is then run, half a block at
//! a time, as structure of arrays: every quantity is an array over the
//! lanes, so the inner loops are simple lane-wise arithmetic the compiler
//! vectorizes, with no allocation per draw. Only the quantities Monte Carlo
//! reports are computed (pool totals, service spend, partners'
//! contributions), not settings or people.
//!
//! Two steps are computed in an algebraically equal form that is faster
//! over lanes, each checked against the model's function: a partner's net
//! contribution is summed from terms over services ([`net_terms`]), and
//! lanes where no cap binds share an overspend in one vector pass
//! ([`capped_shares`]). With the same param values the two drivers agree
//! to about 1e-12 relative (tests/conformance.rs).

// The kernel indexes fixed-size arrays of PART lanes with `0..PART`, and
// small per-scenario tables built in `Kernel::new` with indices it also
// built, so no index can be out of bounds.
#![allow(clippy::indexing_slicing)]

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::metric::Metric;
use crate::model::{appraisal, growth, risk_share, savings, shift};
use crate::scenario::{CostRatio, Profile, SavingSize, Scenario};

/// Draws per block: sampled together and reported together.
pub const BLOCK: usize = 64;

/// One lane-array of a block: a param's values or a row's outputs.
pub type Lanes = [f64; BLOCK];

/// [`Lanes`] on a 64-byte boundary (a cache line): the same 512 bytes.
#[derive(Clone, Copy)]
#[repr(C, align(64))]
struct AlignedLanes(Lanes);

/// Lane-arrays that each start on a cache line, read and written as a
/// slice of [`Lanes`]. A `Vec<Lanes>` is only as aligned as the allocator
/// makes it (16 bytes here), and then half of the kernel's 32-byte vector
/// loads of params and stores of outputs straddle two cache lines
/// (docs/performance.md: a block's kernel about 4% faster aligned).
#[derive(Clone)]
pub struct LaneBuffer(Vec<AlignedLanes>);

impl LaneBuffer {
    /// `n` lane-arrays of zeros.
    pub fn zeroed(n: usize) -> LaneBuffer {
        LaneBuffer(vec![AlignedLanes([0.0; BLOCK]); n])
    }
}

impl FromIterator<Lanes> for LaneBuffer {
    fn from_iter<I: IntoIterator<Item = Lanes>>(lanes: I) -> LaneBuffer {
        LaneBuffer(lanes.into_iter().map(AlignedLanes).collect())
    }
}

impl std::ops::Deref for LaneBuffer {
    type Target = [Lanes];

    fn deref(&self) -> &[Lanes] {
        // SAFETY: `AlignedLanes` is `repr(C)` around one `Lanes`, whose
        // 512 bytes are already a multiple of its 64-byte alignment, so it
        // has the size and layout of `Lanes` with no padding: `len` of them
        // are `len` Lanes, and a stronger alignment is still aligned.
        unsafe { std::slice::from_raw_parts(self.0.as_ptr().cast::<Lanes>(), self.0.len()) }
    }
}

impl std::ops::DerefMut for LaneBuffer {
    fn deref_mut(&mut self) -> &mut [Lanes] {
        // SAFETY: as for `deref`; the borrow of `self.0` is exclusive.
        unsafe { std::slice::from_raw_parts_mut(self.0.as_mut_ptr().cast::<Lanes>(), self.0.len()) }
    }
}

/// Lanes the kernel works on at once: half a block. A block's working
/// arrays (about 50 KB for six services at 64 lanes) then stay within the
/// 32 KB L1 data cache far more of the time; each lane's arithmetic is the
/// same whichever part it is run in, so the results are too.
const PART: usize = 32;

/// One working array of a part of a block.
type Part = [f64; PART];

/// A part of a block's params: param p's lanes `offset..offset + PART`.
#[derive(Clone, Copy)]
struct Params<'a> {
    all: &'a [Lanes],
    offset: usize,
}

impl<'a> Params<'a> {
    #[inline(always)]
    fn get(self, id: usize) -> &'a Part {
        self.all
            .get(id)
            .and_then(|lanes| lanes.get(self.offset..))
            .and_then(|lanes| lanes.first_chunk::<PART>())
            .unwrap_or(&ZERO)
    }
}

/// A quantity the kernel reports for a year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Quantity {
    Counterfactual,
    Scenario,
    ShiftSavings,
    EfficiencySavings,
    WorkforceSavings,
    GrossSavings,
    Costs,
    NetSavings,
    CumulativeNetSavings,
    Variances,
    Unallocated,
    Spend(usize),
    Contribution(usize),
    NetContribution(usize),
    /// Over years 1..H; its row's year is ignored.
    Npv,
}

impl Quantity {
    /// The metric this quantity is.
    pub fn metric(self) -> Metric {
        match self {
            Quantity::Counterfactual => Metric::Counterfactual,
            Quantity::Scenario => Metric::Scenario,
            Quantity::ShiftSavings => Metric::ShiftSavings,
            Quantity::EfficiencySavings => Metric::EfficiencySavings,
            Quantity::WorkforceSavings => Metric::WorkforceSavings,
            Quantity::GrossSavings => Metric::GrossSavings,
            Quantity::Costs => Metric::Costs,
            Quantity::NetSavings => Metric::NetSavings,
            Quantity::CumulativeNetSavings => Metric::CumulativeNetSavings,
            Quantity::Variances => Metric::Variances,
            Quantity::Unallocated => Metric::Unallocated,
            Quantity::Spend(s) => Metric::Spend(s),
            Quantity::Contribution(p) => Metric::Contribution(p),
            Quantity::NetContribution(p) => Metric::NetContribution(p),
            Quantity::Npv => Metric::Npv,
        }
    }

    /// The kernel quantity of a metric, if Monte Carlo computes it.
    pub fn of(metric: Metric) -> Option<Quantity> {
        Some(match metric {
            Metric::Counterfactual => Quantity::Counterfactual,
            Metric::Scenario => Quantity::Scenario,
            Metric::ShiftSavings => Quantity::ShiftSavings,
            Metric::EfficiencySavings => Quantity::EfficiencySavings,
            Metric::WorkforceSavings => Quantity::WorkforceSavings,
            Metric::GrossSavings => Quantity::GrossSavings,
            Metric::Costs => Quantity::Costs,
            Metric::NetSavings => Quantity::NetSavings,
            Metric::CumulativeNetSavings => Quantity::CumulativeNetSavings,
            Metric::Variances => Quantity::Variances,
            Metric::Unallocated => Quantity::Unallocated,
            Metric::Npv => Quantity::Npv,
            Metric::Spend(s) => Quantity::Spend(s),
            Metric::Contribution(p) => Quantity::Contribution(p),
            Metric::NetContribution(p) => Quantity::NetContribution(p),
            _ => return None,
        })
    }
}

/// One output row: a quantity in a year (1..=H).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Row {
    pub quantity: Quantity,
    pub year: usize,
}

fn f(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

/// phi(t) for t = 0..=H as f64.
fn phis(profile: &Profile, by: u32, horizon: u32) -> Vec<f64> {
    // f64 division never fails.
    shift::phis(profile, by, horizon).unwrap_or_default()
}

#[derive(Clone, Debug)]
enum Ratio {
    /// rbar = the given cost ratio param.
    Given(usize),
    /// rbar = sum_j w_j uc_j / uc_from.
    UnitCosts { from: usize, to: Vec<(f64, usize)> },
}

#[derive(Clone, Debug)]
struct KShift {
    sigma0: f64,
    target: usize,
    phi: Vec<f64>,
    ratio: Ratio,
}

#[derive(Clone, Debug)]
struct KService {
    baseline: f64,
    growth: usize,
    inflation: usize,
    /// Year-0 contribution of each partner.
    contributions: Vec<f64>,
    /// How its variances are shared.
    sharing: Sharing,
    /// Partner contribution per unit of counterfactual spend (c_i / C0).
    per_spend: Vec<f64>,
    /// Whether every partner's rule share equals its contribution share
    /// (proportional rule), so contribution - savings share is
    /// share x (counterfactual - net).
    proportional: bool,
    shift: Option<KShift>,
}

/// How a service's variances are shared between partners, compiled for
/// [`capped_shares`].
#[derive(Clone, Debug)]
struct Sharing {
    /// Rule share of each partner.
    shares: Vec<f64>,
    caps: Vec<Option<f64>>,
    capped: bool,
    /// The largest overspend no cap binds on (water-filling's first round
    /// suffices), and the partner that takes the exact remainder.
    fits_below: f64,
    last_active: usize,
    /// Sum of the positive rule shares.
    weight: f64,
    /// When exactly one partner with a share has a cap: water-filling's
    /// closed form, so lanes where it binds are shared in vector form too.
    single: Option<SingleCap>,
}

/// One capped partner: where its cap binds it bears the cap, and the rest
/// of the overspend is shared among the others by their rule shares (the
/// last of them the exact remainder), as water-filling's second and last
/// round does; with no other partner, the rest is unallocated.
#[derive(Clone, Debug)]
struct SingleCap {
    partner: usize,
    cap: f64,
    /// The sum of the other positive shares, in partner order.
    rest_weight: f64,
    /// The last other partner with a share (none: the rest is unallocated).
    rest_last: Option<usize>,
}

impl Sharing {
    fn new(shares: Vec<f64>, caps: Vec<Option<f64>>) -> Sharing {
        let weight: f64 = shares.iter().filter(|s| **s > 0.0).sum();
        let fits_below = shares
            .iter()
            .zip(&caps)
            .filter_map(|(s, c)| match c {
                Some(cap) if *s > 0.0 => Some(cap * weight / s),
                _ => None,
            })
            .fold(
                if weight > 0.0 {
                    f64::INFINITY
                } else {
                    f64::NEG_INFINITY
                },
                f64::min,
            );
        let capped: Vec<usize> = (0..shares.len())
            .filter(|&i| shares[i] > 0.0 && caps.get(i).is_some_and(Option::is_some))
            .collect();
        let single = match capped.as_slice() {
            [c] => Some(SingleCap {
                partner: *c,
                cap: caps.get(*c).copied().flatten().unwrap_or(0.0),
                rest_weight: shares
                    .iter()
                    .enumerate()
                    .filter(|(i, s)| *i != *c && **s > 0.0)
                    .fold(0.0, |acc, (_, s)| acc + s),
                rest_last: shares
                    .iter()
                    .enumerate()
                    .rposition(|(i, s)| i != *c && *s > 0.0),
            }),
            _ => None,
        };
        Sharing {
            fits_below,
            last_active: shares.iter().rposition(|s| *s > 0.0).unwrap_or(0),
            weight,
            capped: caps.iter().any(Option::is_some),
            single,
            shares,
            caps,
        }
    }
}

#[derive(Clone, Debug)]
struct KSaving {
    scope: Vec<usize>,
    rate: bool,
    param: usize,
    /// phase(t) for t = 0..=H.
    phase: Vec<f64>,
}

#[derive(Clone, Debug)]
struct KYearly {
    scope: Vec<usize>,
    /// The param of each year's amount, t = 0..=H (None: nothing that year).
    amounts: Vec<Option<usize>>,
}

#[derive(Clone, Debug)]
struct KWorkforce {
    service: usize,
    /// (reduction param, phi(t) for t = 0..=H).
    reduction: Option<(usize, Vec<f64>)>,
    cost_per_head: usize,
    redundancy: Option<usize>,
}

/// A scenario compiled for Monte Carlo.
#[derive(Clone, Debug)]
pub struct Kernel {
    horizon: usize,
    partners: usize,
    services: Vec<KService>,
    savings: Vec<KSaving>,
    costs: Vec<KYearly>,
    variances: Vec<KYearly>,
    workforce: Vec<KWorkforce>,
    /// D(t) for t = 0..=H (SPEC 3.7).
    discount: Vec<f64>,
    /// The deflator's param: I(t) = (1 + deflator)^t.
    deflator: usize,
    /// The lines the appraisal adjusts for optimism bias, when any bias
    /// can be other than 0% (else the appraisal's savings less costs are
    /// net savings).
    bias: Option<BiasLines>,
    rows: Vec<Row>,
    /// Rows by year (index t), and the NPV rows.
    by_year: Vec<Vec<(usize, Quantity)>>,
    npv_rows: Vec<usize>,
    /// Each partner's net contribution as terms over services, after its
    /// share of variances (see [`net_terms`]).
    net_terms: Vec<Vec<Term>>,
    /// Whether each service needs its price index (workforce lines).
    needs_prices: Vec<bool>,
    /// When every saving is a rate: each service's savings (indices, in
    /// file order), so a service's efficiency savings are summed in one
    /// pass (see [`grow_and_save`]).
    rates_by_service: Option<Vec<Vec<usize>>>,
    /// Per service, the years in which cost lines or redundancy add to
    /// its costs, and variance lines to its variances (see [`Active`]).
    costs_in: Vec<Active>,
    variances_in: Vec<Active>,
    /// The years in which any service has a variance.
    any_variances: Active,
    /// How draws are re-paired for `[[correlation]]` (none without).
    correlator: Option<super::correlate::Correlator>,
}

/// The years (t = 0..=H) in which something adds to one of a service's
/// arrays. In other years the array is zero, so it needs clearing only in
/// a year after an active one, and what is shared from it (a variance
/// of zero gives every partner zero) can be skipped: late years of a
/// scenario whose costs and variances stop early cost less.
#[derive(Clone, Debug)]
struct Active(Vec<bool>);

impl Active {
    fn new(horizon: u32) -> Active {
        Active(vec![false; horizon as usize + 1])
    }

    fn set(&mut self, t: usize) {
        if let Some(slot) = self.0.get_mut(t) {
            *slot = true;
        }
    }

    /// Every year in which a cost or variance line has an amount.
    fn mark(&mut self, line: &KYearly) {
        for (t, amount) in line.amounts.iter().enumerate() {
            if amount.is_some() {
                self.set(t);
            }
        }
    }

    /// Something adds to the array in some year.
    fn any(&self) -> bool {
        self.0.contains(&true)
    }

    /// Something adds to the array in year `t`.
    fn at(&self, t: usize) -> bool {
        self.0.get(t).copied().unwrap_or(false)
    }

    /// The array must be cleared in year `t`: something adds to it now,
    /// or added to it last year.
    fn clear(&self, t: usize) -> bool {
        self.at(t) || (t > 0 && self.at(t - 1))
    }
}

/// One service's working arrays for a block.
#[derive(Clone)]
#[repr(C, align(64))]
struct ServiceLanes {
    volume: Part,
    growth: Part,
    prices: Part,
    price_growth: Part,
    cf: Part,
    post: Part,
    shift: Part,
    eff: Part,
    wf: Part,
    cost: Part,
    var: Part,
    net: Part,
    unalloc: Part,
    dsigma: Part,
    one_minus_rbar: Part,
    /// Counterfactual less net savings (what a proportional share keeps).
    kept: Part,
    /// Whether the service has a shift (else its post-shift base is its
    /// counterfactual, read from `cf`: `post` is not written).
    shifted: bool,
    /// Staggers consecutive services' arrays across L1 cache sets: without
    /// it each service is exactly 4 KiB (the L1's set stride), so every
    /// service's copy of an array maps to the same sets and evicts the
    /// others'. With the flag above it makes a service 4,160 bytes (a
    /// test checks): one cache line over 4 KiB. Each service starts on a
    /// cache line (`align(64)`), so no 32-byte vector load of its arrays
    /// straddles two lines.
    _stagger: [f64; 7],
}

impl ServiceLanes {
    fn new() -> Self {
        let z = [0.0; PART];
        ServiceLanes {
            volume: z,
            growth: z,
            prices: z,
            price_growth: z,
            cf: z,
            post: z,
            shift: z,
            eff: z,
            wf: z,
            cost: z,
            var: z,
            net: z,
            unalloc: z,
            dsigma: z,
            one_minus_rbar: z,
            kept: z,
            shifted: false,
            _stagger: [0.0; 7],
        }
    }

    /// The post-shift base of efficiency savings.
    #[inline(always)]
    fn base(&self) -> &Part {
        if self.shifted { &self.post } else { &self.cf }
    }
}

#[cfg(test)]
mod fast_path {
    use super::*;
    use crate::uncertainty::sample::{splitmix64, unit_of};

    /// [`capped_shares`] (vector pass where no cap binds, water-filling
    /// elsewhere) gives what the model's [`risk_share::share_variance`]
    /// gives lane by lane, on random shares, caps and variances.
    /// Rule shares of one to five partners, a fifth of them none, adding
    /// to one; `None` when every partner's is none.
    fn random_shares(unit: &mut impl FnMut() -> f64) -> Option<Vec<f64>> {
        let n = 1 + (unit() * 5.0) as usize;
        let raw: Vec<f64> = (0..n)
            .map(|_| if unit() < 0.2 { 0.0 } else { unit() })
            .collect();
        let total: f64 = raw.iter().sum();
        (total != 0.0).then(|| raw.iter().map(|r| r / total).collect())
    }

    #[test]
    fn capped_shares_agree_with_the_model_s_water_filling() {
        let mut state = 42u64;
        let mut unit = || {
            state = splitmix64(state);
            unit_of(state)
        };
        for _ in 0..3000 {
            let Some(shares) = random_shares(&mut unit) else {
                continue;
            };
            let n = shares.len();
            let caps: Vec<Option<f64>> = (0..n)
                .map(|_| (unit() < 0.5).then(|| unit() * 40.0))
                .collect();
            if caps.iter().all(Option::is_none) {
                continue;
            }
            let sharing = Sharing::new(shares.clone(), caps.clone());
            let mut l = ServiceLanes::new();
            for d in 0..PART {
                l.var[d] = (unit() - 0.3) * 100.0;
            }
            let mut partner_var = vec![[0.0; PART]; n];
            let mut portions = vec![0.0; n];
            let mut given = [0.0; PART];
            capped_shares(
                &sharing,
                &mut l,
                &mut partner_var,
                &mut portions,
                &mut given,
            );
            for d in 0..PART {
                let mut want = vec![0.0; n];
                let unallocated =
                    risk_share::share_variance(&l.var[d], &shares, &caps, &mut want).unwrap();
                let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * l.var[d].abs().max(1.0);
                assert!(
                    close(l.unalloc[d], unallocated),
                    "lane {d}: {} vs {unallocated}",
                    l.unalloc[d]
                );
                for (i, (got, want)) in partner_var.iter().zip(&want).enumerate() {
                    assert!(
                        close(got[d], *want),
                        "lane {d}, partner {i}: {} vs {want} (shares {shares:?}, caps {caps:?}, variance {})",
                        got[d],
                        l.var[d]
                    );
                }
            }
        }
    }

    /// With one capped partner the closed form gives water-filling's
    /// own bits, lane by lane, in every order of partners, wherever the
    /// two agree on whether the cap binds (they may differ by rounding
    /// within an ulp of the threshold): blocks of overspends that all
    /// bind, that none binds on, and mixed with underspends and zeros.
    #[test]
    fn one_capped_partner_is_shared_to_water_filling_s_bits() {
        let mut state = 7u64;
        let mut unit = || {
            state = splitmix64(state);
            unit_of(state)
        };
        let mut lanes = 0;
        for _ in 0..6000 {
            let Some(shares) = random_shares(&mut unit) else {
                continue;
            };
            let n = shares.len();
            let capped = (unit() * n as f64) as usize;
            let caps: Vec<Option<f64>> = (0..n)
                .map(|i| (i == capped).then(|| unit() * 40.0))
                .collect();
            let sharing = Sharing::new(shares.clone(), caps.clone());
            let Some(one) = sharing.single.clone() else {
                continue;
            };
            let mut l = ServiceLanes::new();
            let (mode, below) = (unit(), sharing.fits_below);
            for d in 0..PART {
                l.var[d] = match mode {
                    m if m < 0.4 => (unit() - 0.3) * 100.0,
                    m if m < 0.7 => below * (1.0 + unit()) + 1e-9,
                    _ => below * (1e-6 + (1.0 - 1e-6) * unit()),
                };
            }
            if unit() < 0.2 {
                (l.var[3], l.var[4]) = (0.0, -0.0);
            }
            let mut partner_var = vec![[0.0; PART]; n];
            let mut given = [0.0; PART];
            single_cap_shares(&sharing, &one, &mut l, &mut partner_var, &mut given);
            for d in 0..PART {
                let v = l.var[d];
                let share = shares[one.partner];
                let water_binds = v > 0.0 && v * share / sharing.weight > one.cap;
                if water_binds != (v > 0.0 && v > below) {
                    continue;
                }
                let mut want = vec![0.0; n];
                let unallocated =
                    risk_share::share_variance(&v, &shares, &caps, &mut want).unwrap();
                assert_eq!(l.unalloc[d].to_bits(), unallocated.to_bits(), "lane {d}");
                for (i, (got, want)) in partner_var.iter().zip(&want).enumerate() {
                    // The kernel adds each part to a zeroed sum.
                    assert_eq!(
                        got[d].to_bits(),
                        (0.0 + want).to_bits(),
                        "lane {d}, partner {i}: {} vs {want} (shares {shares:?}, caps {caps:?}, variance {v})",
                        got[d]
                    );
                }
                lanes += 1;
            }
        }
        assert!(lanes > 50_000, "{lanes} lanes compared");
    }
}

#[cfg(test)]
mod layout {
    #[test]
    fn a_service_s_arrays_are_staggered_by_one_cache_line() {
        assert_eq!(std::mem::size_of::<super::ServiceLanes>(), 4096 + 64);
        assert_eq!(std::mem::align_of::<super::ServiceLanes>(), 64);
    }

    #[test]
    fn lane_buffers_start_every_lane_array_on_a_cache_line() {
        use super::{BLOCK, LaneBuffer};
        let mut made: LaneBuffer = (0..7).map(|i| [f64::from(i); BLOCK]).collect();
        let mut zeroed = LaneBuffer::zeroed(5);
        for buffer in [&mut made, &mut zeroed] {
            for lanes in buffer.iter() {
                assert_eq!(lanes.as_ptr() as usize % 64, 0);
            }
            // Written through the slice, read back through it.
            if let Some(last) = buffer.last_mut() {
                last[BLOCK - 1] = 42.0;
            }
        }
        assert_eq!(made.len(), 7);
        assert_eq!(made[3], [3.0; BLOCK]);
        assert_eq!(made[6][BLOCK - 1], 42.0);
        assert_eq!(zeroed.len(), 5);
        assert_eq!(zeroed[4][BLOCK - 1], 42.0);
        assert_eq!(zeroed[0], [0.0; BLOCK]);
    }
}

/// Where a block's rows go (see [`Kernel::run_into`]).
pub struct Out<'a> {
    lanes: &'a mut [Lanes],
    stride: usize,
    slot: usize,
    /// The part of the block being run: lanes `offset..offset + PART`.
    offset: usize,
}

impl Out<'_> {
    #[inline(always)]
    fn row(&mut self, r: usize) -> Option<&mut Part> {
        self.lanes
            .get_mut(r * self.stride + self.slot)
            .and_then(|lanes| lanes.get_mut(self.offset..))
            .and_then(|lanes| lanes.first_chunk_mut::<PART>())
    }
}

/// Per-block working arrays, allocated once per thread.
///
/// Its own arrays, and each service's, start on cache lines
/// (`align(64)`), as the params and outputs do ([`LaneBuffer`]); the
/// partners' variances, used only in years with variances, are in a
/// vector of their own and are not aligned.
#[repr(C, align(64))]
pub struct Scratch {
    cumulative: Part,
    npv: Part,
    /// I(t), and the year's appraised savings less costs.
    index: Part,
    appraised: Part,
    net: Part,
    gross: Part,
    cf: Part,
    tmp: Part,
    services: Vec<ServiceLanes>,
    partner_var: Vec<Part>,
    portions: Vec<f64>,
    /// Whether every value of this part of the block lies in its key's
    /// domain (see [`BiasLines`]).
    in_domain: bool,
}

impl Kernel {
    /// Compiles a scenario, reporting `rows` (years 1..=H, or NPV).
    pub fn new(s: &Scenario, rows: Vec<Row>) -> Kernel {
        let h = s.horizon;
        let n = s.partners.len();
        let services: Vec<KService> = s
            .services
            .iter()
            .map(|sv| {
                let rule = &sv.risk_share;
                let shares: Vec<f64> = (0..n)
                    .map(|i| {
                        let w = rule.weights.get(i).copied().unwrap_or_default();
                        risk_share::rule_share(&f(w), &f(rule.total)).unwrap_or(0.0)
                    })
                    .collect();
                let caps: Vec<Option<f64>> = sv.risk_share.caps.iter().map(|c| c.map(f)).collect();
                let per_spend: Vec<f64> = sv
                    .contributions
                    .iter()
                    .map(|c| {
                        if sv.baseline.is_zero() {
                            0.0
                        } else {
                            // c(0) x volume = c(0) / C(0) x C(t).
                            risk_share::rule_share(&f(*c), &f(sv.baseline)).unwrap_or(0.0)
                        }
                    })
                    .collect();
                KService {
                    proportional: sv.risk_share.rule == crate::scenario::RuleKind::Proportional,
                    per_spend,
                    baseline: f(sv.baseline),
                    growth: sv.growth.0,
                    inflation: sv.inflation.0,
                    contributions: sv.contributions.iter().map(|c| f(*c)).collect(),
                    sharing: Sharing::new(shares, caps),
                    shift: sv.shift.as_ref().map(|sh| KShift {
                        sigma0: sv.settings.get(sh.from).map_or(0.0, |k| f(k.share)),
                        target: sh.target_share.0,
                        phi: phis(&sh.profile, sh.by, h),
                        ratio: match &sh.cost_ratio {
                            CostRatio::Given(p) => Ratio::Given(p.0),
                            CostRatio::UnitCosts => Ratio::UnitCosts {
                                from: sv
                                    .settings
                                    .get(sh.from)
                                    .and_then(|k| k.unit_cost)
                                    .map_or(0, |p| p.0),
                                to: sh
                                    .to
                                    .iter()
                                    .map(|&(j, w)| {
                                        (
                                            f(w),
                                            sv.settings
                                                .get(j)
                                                .and_then(|k| k.unit_cost)
                                                .map_or(0, |p| p.0),
                                        )
                                    })
                                    .collect(),
                            },
                        },
                    }),
                }
            })
            .collect();
        let savings: Vec<KSaving> = s
            .savings
            .iter()
            .map(|sv| {
                let (rate, param) = match sv.size {
                    SavingSize::Rate(p) => (true, p.0),
                    SavingSize::Amount(p) => (false, p.0),
                };
                KSaving {
                    scope: sv.services.clone(),
                    rate,
                    param,
                    phase: (0..=h)
                        .map(|t| f(savings::phase(&sv.phase_in, t)))
                        .collect(),
                }
            })
            .collect();
        let yearly = |scope: Vec<usize>, amounts: &[crate::scenario::ParamId]| KYearly {
            scope,
            amounts: (0..=h as usize)
                .map(|t| {
                    if t == 0 {
                        None
                    } else {
                        amounts.get(t - 1).map(|p| p.0)
                    }
                })
                .collect(),
        };
        let costs: Vec<KYearly> = s
            .costs
            .iter()
            .map(|c| yearly(c.services.clone(), &c.amounts))
            .collect();
        let variances: Vec<KYearly> = s
            .variances
            .iter()
            .map(|v| yearly(vec![v.service], &v.amounts))
            .collect();
        let workforce: Vec<KWorkforce> = s
            .workforce
            .iter()
            .map(|w| KWorkforce {
                service: w.service,
                reduction: w
                    .reduction
                    .as_ref()
                    .map(|r| (r.heads.0, phis(&r.profile, r.by, h))),
                cost_per_head: w.cost_per_head.0,
                redundancy: w.redundancy_cost.map(|p| p.0),
            })
            .collect();
        let mut needs_prices = vec![false; s.services.len()];
        let mut costs_in = vec![Active::new(h); s.services.len()];
        let mut variances_in = vec![Active::new(h); s.services.len()];
        let mut any_variances = Active::new(h);
        for w in &workforce {
            if let Some(slot) = needs_prices.get_mut(w.service) {
                *slot = true;
            }
            // Redundancy is paid in the years in which posts go.
            if let (Some(_), Some((_, phi)), Some(active)) =
                (w.redundancy, &w.reduction, costs_in.get_mut(w.service))
            {
                for (t, pair) in phi.windows(2).enumerate() {
                    if pair.first() != pair.last() {
                        active.set(t + 1);
                    }
                }
            }
        }
        for c in &costs {
            for &k in &c.scope {
                if let Some(active) = costs_in.get_mut(k) {
                    active.mark(c);
                }
            }
        }
        for v in &variances {
            any_variances.mark(v);
            for &k in &v.scope {
                if let Some(active) = variances_in.get_mut(k) {
                    active.mark(v);
                }
            }
        }
        let rates_by_service = savings.iter().all(|sv| sv.rate).then(|| {
            (0..s.services.len())
                .map(|k| {
                    savings
                        .iter()
                        .enumerate()
                        .filter(|(_, sv)| sv.scope.contains(&k))
                        .map(|(i, _)| i)
                        .collect()
                })
                .collect()
        });
        let mut factor = 1.0;
        let discount = (0..=h)
            .map(|t| {
                if t > 0 {
                    let rate = f(appraisal::rate_in_year(s.discount_rate, t));
                    factor = appraisal::discount_factor(&factor, &rate).unwrap_or(0.0);
                }
                factor
            })
            .collect();
        let (by_year, npv_rows) = row_plan(&rows, h as usize);
        Kernel {
            horizon: h as usize,
            partners: n,
            net_terms: (0..n).map(|i| net_terms(&services, i)).collect(),
            services,
            savings,
            costs,
            variances,
            workforce,
            discount,
            deflator: s.deflator.0,
            bias: BiasLines::of(s),
            rows,
            by_year,
            npv_rows,
            needs_prices,
            rates_by_service,
            costs_in,
            variances_in,
            any_variances,
            correlator: super::correlate::Correlator::new(s),
        }
    }

    /// How draws are re-paired for the scenario's `[[correlation]]`s.
    pub fn correlator(&self) -> Option<&super::correlate::Correlator> {
        self.correlator.as_ref()
    }

    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// The same compiled scenario reporting `rows` instead.
    pub fn with_rows(&self, rows: Vec<Row>) -> Kernel {
        let (by_year, npv_rows) = row_plan(&rows, self.horizon);
        Kernel {
            rows,
            by_year,
            npv_rows,
            ..self.clone()
        }
    }

    /// For each row, an earlier row whose value the kernel computes to
    /// the same bits in every draw, if there is one, so that its
    /// percentiles need not be found twice:
    ///
    /// * cumulative net savings in year 1 is net savings in year 1 (the
    ///   kernel copies it);
    /// * gross savings in a year in which no service has costs is net
    ///   savings: each service's costs are then an array of zeros, and
    ///   x - 0.0 is x, so every service's net savings are its gross
    ///   savings and the pool's sums add the same values in the same
    ///   order (programme costs that stop early leave most years so);
    /// * a row asked for twice is the same row.
    pub fn aliases(&self) -> Vec<Option<usize>> {
        let find = |quantity: Quantity, year: usize| {
            self.rows
                .iter()
                .position(|r| r.quantity == quantity && r.year == year)
        };
        self.rows
            .iter()
            .enumerate()
            .map(|(i, row)| {
                let same = match row.quantity {
                    Quantity::Npv => self.rows.iter().position(|r| r.quantity == Quantity::Npv),
                    Quantity::CumulativeNetSavings if row.year == 1 => {
                        find(Quantity::NetSavings, 1)
                    }
                    Quantity::GrossSavings
                        if !self.costs_in.iter().any(|active| active.at(row.year)) =>
                    {
                        find(Quantity::NetSavings, row.year)
                    }
                    q => find(q, row.year),
                };
                same.filter(|&j| j < i)
            })
            .collect()
    }

    pub fn scratch(&self) -> Scratch {
        Scratch {
            services: self
                .services
                .iter()
                .map(|sv| ServiceLanes {
                    shifted: sv.shift.is_some(),
                    ..ServiceLanes::new()
                })
                .collect(),
            partner_var: vec![[0.0; PART]; self.partners],
            portions: vec![0.0; self.partners],
            cumulative: [0.0; PART],
            npv: [0.0; PART],
            index: [1.0; PART],
            appraised: [0.0; PART],
            in_domain: true,
            net: [0.0; PART],
            gross: [0.0; PART],
            cf: [0.0; PART],
            tmp: [0.0; PART],
        }
    }

    /// Runs one block: `params[p]` holds param p's value in every lane;
    /// `out[r]` receives row r.
    pub fn run(&self, params: &[Lanes], x: &mut Scratch, out: &mut [Lanes]) {
        self.run_into(params, x, out, 1, 0);
    }

    /// [`Kernel::run`] into one slot of several: row r goes to
    /// `out[r * stride + slot]`, so consecutive blocks of a row can lie
    /// side by side.
    pub fn run_into(
        &self,
        params: &[Lanes],
        x: &mut Scratch,
        out: &mut [Lanes],
        stride: usize,
        slot: usize,
    ) {
        let out = &mut Out {
            lanes: out,
            stride,
            slot,
            offset: 0,
        };
        #[cfg(target_arch = "x86_64")]
        {
            if super::simd::avx2() {
                // SAFETY: the CPU has AVX2 (checked just above).
                unsafe { self.run_avx2(params, x, out) };
                return;
            }
        }
        self.run_generic(params, x, out);
    }

    /// The same code compiled for AVX2: wider lanes, identical IEEE
    /// arithmetic (no fused multiply-add), so identical results.
    /// Runs only where the CPU has AVX2: callers check it
    /// ([`super::simd::avx2`]) before calling.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn run_avx2(&self, params: &[Lanes], x: &mut Scratch, out: &mut Out) {
        self.run_generic(params, x, out);
    }

    /// Runs the block part by part.
    #[inline(always)]
    fn run_generic(&self, params: &[Lanes], x: &mut Scratch, out: &mut Out) {
        for offset in (0..BLOCK).step_by(PART) {
            out.offset = offset;
            self.run_part(
                Params {
                    all: params,
                    offset,
                },
                x,
                out,
            );
        }
    }

    #[inline(always)]
    fn run_part(&self, params: Params, x: &mut Scratch, out: &mut Out) {
        let p = |id: usize| params.get(id);
        // Per-run constants of each draw, and the state each block starts
        // from. Arrays a service never writes stay as the scratch was
        // made (zero), so only those it writes are reset: workforce
        // savings are cleared every year they are used, so never here.
        for (k, (sv, l)) in self.services.iter().zip(x.services.iter_mut()).enumerate() {
            if self.needs_prices[k] {
                growth_factors(
                    &mut l.growth,
                    &mut l.price_growth,
                    p(sv.growth),
                    p(sv.inflation),
                );
                l.prices = [1.0; PART];
            } else {
                growth_factor(&mut l.growth, p(sv.growth), p(sv.inflation));
            }
            l.volume = [1.0; PART];
            if self.costs_in[k].any() {
                l.cost = [0.0; PART];
            }
            if self.variances_in[k].any() {
                l.var = [0.0; PART];
                if sv.sharing.capped {
                    l.unalloc = [0.0; PART];
                }
            }
            if let Some(sh) = &sv.shift {
                offset(&mut l.dsigma, p(sh.target), sh.sigma0);
                match &sh.ratio {
                    Ratio::Given(c) => one_minus(&mut l.one_minus_rbar, p(*c)),
                    Ratio::UnitCosts { from, to } => {
                        one_minus_unit_cost_ratio(&mut l.one_minus_rbar, to, params, *from);
                    }
                }
            }
        }
        // NPV is summed from zero. The cumulative sum needs no clearing:
        // year 1 copies net savings into it (see `year`).
        x.npv = [0.0; PART];
        x.index = [1.0; PART];
        if let Some(lines) = &self.bias {
            x.in_domain = lines.in_domain(params);
        }
        for t in 1..=self.horizon {
            self.year(t, params, x, out);
        }
        for &r in &self.npv_rows {
            if let Some(row) = out.row(r) {
                *row = x.npv;
            }
        }
    }

    /// Efficiency savings in year `t`, saving by saving (the general
    /// path: amounts are shared pro rata, so they need every service's
    /// base first).
    #[inline(always)]
    fn savings(&self, t: usize, params: Params, x: &mut Scratch) {
        let p = |id: usize| params.get(id);
        for sv in &self.savings {
            let size = p(sv.param);
            let phase = sv.phase[t];
            if sv.rate {
                for &k in &sv.scope {
                    if let Some(l) = x.services.get_mut(k) {
                        let base = if l.shifted { &l.post } else { &l.cf };
                        add_product(&mut l.eff, size, base, phase);
                    }
                }
            } else {
                pro_rata(
                    &mut x.services,
                    ServiceLanes::base,
                    |l| &mut l.eff,
                    &sv.scope,
                    size,
                    phase,
                    &mut x.tmp,
                );
            }
        }
    }

    #[inline(always)]
    fn year(&self, t: usize, params: Params, x: &mut Scratch, out: &mut Out) {
        let p = |id: usize| params.get(id);
        // 3.1 and 3.3: counterfactual and the shift.
        for (k, (sv, l)) in self.services.iter().zip(x.services.iter_mut()).enumerate() {
            // Growth, the shift and (when every saving is a rate, 3.4)
            // efficiency savings in one pass over the lanes.
            let rates = self.rates_by_service.as_ref().and_then(|r| r.get(k));
            match (&sv.shift, rates) {
                (Some(sh), Some(list)) => grow_and_save::<true>(
                    l,
                    (sv.baseline, sh.sigma0, sh.phi[t]),
                    list,
                    &self.savings,
                    t,
                    params,
                ),
                // No shift: its savings stay as cleared for the block.
                (None, Some(list)) => grow_and_save::<false>(
                    l,
                    (sv.baseline, 0.0, 0.0),
                    list,
                    &self.savings,
                    t,
                    params,
                ),
                (Some(sh), None) => grow_and_shift(l, sv.baseline, sh.sigma0, sh.phi[t]),
                (None, None) => grow_unshifted(l, sv.baseline),
            }
            if self.needs_prices[k] {
                mul_assign(&mut l.prices, &l.price_growth);
                l.wf = [0.0; PART];
            }
            if self.costs_in[k].clear(t) {
                l.cost = [0.0; PART];
            }
            if self.variances_in[k].clear(t) {
                l.var = [0.0; PART];
            }
        }
        // 3.4: efficiency savings on the post-shift base (done above when
        // every saving is a rate).
        if self.rates_by_service.is_none() {
            for l in x.services.iter_mut() {
                l.eff = [0.0; PART];
            }
            self.savings(t, params, x);
        }
        // Costs, pro rata to counterfactual spend.
        for c in &self.costs {
            if let Some(Some(a)) = c.amounts.get(t) {
                pro_rata(
                    &mut x.services,
                    |l| &l.cf,
                    |l| &mut l.cost,
                    &c.scope,
                    p(*a),
                    1.0,
                    &mut x.tmp,
                );
            }
        }
        // Workforce savings and redundancy costs.
        for w in &self.workforce {
            let (Some((reduction, phi)), Some(l)) = (&w.reduction, x.services.get_mut(w.service))
            else {
                continue;
            };
            let (fewer, cph) = (p(*reduction), p(w.cost_per_head));
            let (now, before) = (phi[t], phi[t - 1]);
            add_staff_cost(&mut l.wf, fewer, cph, &l.prices, now);
            // Redundancy is paid as posts go: a year in which none go adds
            // nothing (x + 0.0 is x, and costs are never -0.0).
            if let (Some(rc), true) = (w.redundancy, now != before) {
                add_staff_cost(&mut l.cost, fewer, p(rc), &l.prices, now - before);
            }
        }
        for v in &self.variances {
            if let (Some(Some(a)), Some(&k)) = (v.amounts.get(t), v.scope.first()) {
                if let Some(l) = x.services.get_mut(k) {
                    add_assign(&mut l.var, p(*a));
                }
            }
        }
        // Service net savings and the risk share of variances.
        if self.any_variances.clear(t) {
            for pv in x.partner_var.iter_mut() {
                *pv = [0.0; PART];
            }
        }
        service_totals(&mut x.services, &mut x.net, &mut x.gross, &mut x.cf);
        for (k, (sv, l)) in self.services.iter().zip(x.services.iter_mut()).enumerate() {
            let variances = &self.variances_in[k];
            if !variances.at(t) {
                // No variance this year: every partner's part is zero.
                if sv.sharing.capped && variances.clear(t) {
                    l.unalloc = [0.0; PART];
                }
                continue;
            }
            if sv.sharing.capped {
                capped_shares(
                    &sv.sharing,
                    l,
                    &mut x.partner_var,
                    &mut x.portions,
                    &mut x.tmp,
                );
            } else {
                for (pv, &share) in x.partner_var.iter_mut().zip(&sv.sharing.shares) {
                    if share != 0.0 {
                        add_rule_part(pv, share, &l.var);
                    }
                }
            }
        }
        // Pool totals.
        // Year 1's cumulative is a copy (0.0 + x would turn -0.0 into
        // 0.0), so it is net savings to the bit (see `aliases`).
        if t == 1 {
            x.cumulative = x.net;
        } else {
            add_assign(&mut x.cumulative, &x.net);
        }
        // SPEC 3.7: the year's savings less costs after optimism bias, in
        // real terms, discounted.
        next_index(&mut x.index, params.get(self.deflator));
        match &self.bias {
            Some(lines) => {
                self.appraised(lines, t, params, x);
                add_present_value(&mut x.npv, &x.appraised, &x.index, self.discount[t]);
            }
            None => add_present_value(&mut x.npv, &x.net, &x.index, self.discount[t]),
        }
        for &(r, q) in &self.by_year[t] {
            let Some(row) = out.row(r) else {
                continue;
            };
            let services = &x.services;
            match q {
                Quantity::NetSavings => *row = x.net,
                Quantity::CumulativeNetSavings => *row = x.cumulative,
                Quantity::Counterfactual => *row = x.cf,
                Quantity::GrossSavings => *row = x.gross,
                Quantity::Scenario => difference(row, &x.cf, &x.gross),
                Quantity::ShiftSavings => sum_into(row, services, |l| &l.shift),
                Quantity::EfficiencySavings => sum_into(row, services, |l| &l.eff),
                Quantity::WorkforceSavings => sum_into(row, services, |l| &l.wf),
                Quantity::Costs => sum_into(row, services, |l| &l.cost),
                Quantity::Variances => sum_into(row, services, |l| &l.var),
                Quantity::Unallocated => sum_into(row, services, |l| &l.unalloc),
                Quantity::Spend(k) => {
                    if let Some(l) = services.get(k) {
                        scenario_spend(row, l);
                    }
                }
                Quantity::Contribution(i) => {
                    *row = [0.0; PART];
                    for (sv, l) in self.services.iter().zip(services) {
                        let c0 = sv.contributions.get(i).copied().unwrap_or(0.0);
                        if c0 != 0.0 {
                            add_contribution(row, c0, &l.volume);
                        }
                    }
                }
                Quantity::NetContribution(i) => {
                    if let (Some(start), Some(terms)) =
                        (x.partner_var.get(i), self.net_terms.get(i))
                    {
                        sum_terms(row, start, terms, services);
                    }
                }
                Quantity::Npv => {}
            }
        }
    }
}

/// Every quantity the kernel computes, for every year 1..=H, and the NPV.
pub fn every_row(s: &Scenario) -> Vec<Row> {
    let mut rows = vec![Row {
        quantity: Quantity::Npv,
        year: 0,
    }];
    for year in 1..=s.horizon as usize {
        let mut qs = vec![
            Quantity::Counterfactual,
            Quantity::Scenario,
            Quantity::ShiftSavings,
            Quantity::EfficiencySavings,
            Quantity::WorkforceSavings,
            Quantity::GrossSavings,
            Quantity::Costs,
            Quantity::NetSavings,
            Quantity::CumulativeNetSavings,
            Quantity::Variances,
            Quantity::Unallocated,
        ];
        qs.extend((0..s.services.len()).map(Quantity::Spend));
        qs.extend((0..s.partners.len()).map(Quantity::Contribution));
        qs.extend((0..s.partners.len()).map(Quantity::NetContribution));
        rows.extend(qs.into_iter().map(|quantity| Row { quantity, year }));
    }
    rows
}

/// The lines of SPEC 3.7 with their optimism bias params.
///
/// Most lines take the scenario's biases: their savings and costs are
/// summed from the pool's totals ([`appraisal::biased_savings`]), and only
/// lines with a bias of their own, and shifts (which may be negative), are
/// taken one by one. That holds while every saving line is at least zero
/// bar shifts, which validation ensures for every value in its key's
/// domain; a block in which a value drawn from a normal range leaves its
/// domain (a growth rate below -100%, a negative amount) is appraised line
/// by line, as the exact engine does.
#[derive(Clone, Debug)]
struct BiasLines {
    /// The scenario's biases of savings and of costs.
    savings_ob: usize,
    costs_ob: usize,
    /// (service, bias) of each shift.
    shifts: Vec<(usize, usize)>,
    /// The services whose shift takes the scenario's bias and may cost
    /// more than it saves (r̄ above 1 somewhere in its ranges), and the
    /// shifts with a bias of their own.
    negative_shifts: Vec<usize>,
    own_shifts: Vec<(usize, usize)>,
    /// (saving, bias) and (cost, bias) of every line, and of those with a
    /// bias of their own: indices into the kernel's lists.
    savings: Vec<(usize, usize)>,
    costs: Vec<(usize, usize)>,
    own_savings: Vec<(usize, usize)>,
    own_costs: Vec<(usize, usize)>,
    /// Params drawn from a normal range (unbounded), with the domain the
    /// sums above need them in.
    guards: Vec<(usize, Bounds)>,
}

/// A key's domain in f64: each end and whether it is open.
#[derive(Clone, Copy, Debug)]
struct Bounds {
    low: Option<(f64, bool)>,
    high: Option<(f64, bool)>,
}

impl Bounds {
    fn of(d: crate::scenario::Domain) -> Bounds {
        use crate::scenario::End;
        let end = |e: End| match e {
            End::Unbounded => None,
            End::Closed(b) => Some((f(b), false)),
            End::Open(b) => Some((f(b), true)),
        };
        Bounds {
            low: end(d.low),
            high: end(d.high),
        }
    }

    #[inline(always)]
    fn holds(&self, v: f64) -> bool {
        let above = match self.low {
            None => true,
            Some((b, open)) => v > b || (!open && v == b),
        };
        let below = match self.high {
            None => true,
            Some((b, open)) => v < b || (!open && v == b),
        };
        above && below
    }
}

impl BiasLines {
    /// The lines, unless every optimism bias is a point 0%.
    fn of(s: &Scenario) -> Option<BiasLines> {
        use crate::scenario::values::{Dist, Uncertain};
        let zero = |p: crate::scenario::ParamId| {
            s.param(p)
                .is_some_and(|x| x.value == Uncertain::Point(Decimal::ZERO))
        };
        let every = s
            .services
            .iter()
            .filter_map(|sv| sv.shift.as_ref().map(|sh| sh.optimism_bias))
            .chain(s.savings.iter().map(|x| x.optimism_bias))
            .chain(s.costs.iter().map(|x| x.optimism_bias))
            .chain([s.optimism_bias.savings, s.optimism_bias.costs]);
        if every.into_iter().all(zero) {
            return None;
        }
        let (on_savings, on_costs) = (s.optimism_bias.savings, s.optimism_bias.costs);
        let savings: Vec<(usize, usize)> = s
            .savings
            .iter()
            .enumerate()
            .map(|(i, x)| (i, x.optimism_bias.0))
            .collect();
        let costs: Vec<(usize, usize)> = s
            .costs
            .iter()
            .enumerate()
            .map(|(i, x)| (i, x.optimism_bias.0))
            .collect();
        let normal = |p: &crate::scenario::Param| {
            p.clamp.is_none() && matches!(&p.value, Uncertain::Range(r) if r.dist == Dist::Normal)
        };
        let shifts: Vec<(usize, &crate::scenario::Service, &crate::scenario::Shift)> = s
            .services
            .iter()
            .enumerate()
            .filter_map(|(k, sv)| sv.shift.as_ref().map(|sh| (k, sv, sh)))
            .collect();
        // Whether r̄ may pass 1: a cost ratio or unit costs whose ranges
        // allow it, or that are unbounded.
        let may_cost_more = |sv: &crate::scenario::Service, sh: &crate::scenario::Shift| {
            let unbounded = |id: crate::scenario::ParamId| s.param(id).is_none_or(normal);
            match sh.cost_ratio {
                crate::scenario::CostRatio::Given(c) => {
                    unbounded(c) || s.param(c).is_none_or(|p| p.value.high() > Decimal::ONE)
                }
                crate::scenario::CostRatio::UnitCosts => {
                    let cost = |k: usize| sv.settings.get(k).and_then(|x| x.unit_cost);
                    let Some(from) = cost(sh.from) else {
                        return true;
                    };
                    let mut most = Decimal::ZERO;
                    for &(k, w) in &sh.to {
                        let Some(to) = cost(k) else {
                            return true;
                        };
                        if unbounded(to) {
                            return true;
                        }
                        let high = s.param(to).map_or(Decimal::ZERO, |p| p.value.high());
                        most = match w.checked_mul(high).and_then(|x| most.checked_add(x)) {
                            Some(m) => m,
                            None => return true,
                        };
                    }
                    let low = s.param(from).map_or(Decimal::ZERO, |p| p.value.low());
                    unbounded(from) || most > low
                }
            }
        };
        Some(BiasLines {
            savings_ob: on_savings.0,
            costs_ob: on_costs.0,
            shifts: shifts
                .iter()
                .map(|(k, _, sh)| (*k, sh.optimism_bias.0))
                .collect(),
            negative_shifts: shifts
                .iter()
                .filter(|(_, sv, sh)| sh.optimism_bias == on_savings && may_cost_more(sv, sh))
                .map(|(k, _, _)| *k)
                .collect(),
            own_shifts: shifts
                .iter()
                .filter(|(_, _, sh)| sh.optimism_bias != on_savings)
                .map(|(k, _, sh)| (*k, sh.optimism_bias.0))
                .collect(),
            own_savings: savings
                .iter()
                .copied()
                .filter(|&(_, ob)| ob != on_savings.0)
                .collect(),
            own_costs: costs
                .iter()
                .copied()
                .filter(|&(_, ob)| ob != on_costs.0)
                .collect(),
            savings,
            costs,
            guards: s
                .params
                .iter()
                .enumerate()
                .filter(|(_, p)| normal(p))
                .map(|(i, p)| (i, Bounds::of(p.domain)))
                .collect(),
        })
    }

    /// Whether every value of this part of a block lies in its key's
    /// domain, so that the pool's totals may be used.
    fn in_domain(&self, params: Params) -> bool {
        self.guards
            .iter()
            .all(|(id, b)| params.get(*id).iter().all(|&v| b.holds(v)))
    }
}

impl Kernel {
    /// SPEC 3.7 in year `t`: the year's savings less costs after optimism
    /// bias, into `x.appraised`: from the pool's totals when every value
    /// of the block is in its domain (`x.in_domain`), else line by line.
    #[inline(always)]
    fn appraised(&self, lines: &BiasLines, t: usize, params: Params, x: &mut Scratch) {
        if !x.in_domain {
            return self.appraised_by_line(lines, t, params, x);
        }
        let p = |id: usize| params.get(id);
        // Lines with a bias of their own, their sum and their appraisal,
        // and the negative part of shifts at the scenario's bias.
        let mut own = [0.0; PART];
        let mut own_costs = [0.0; PART];
        let mut own_appraised = [0.0; PART];
        let mut negative = [0.0; PART];
        for l in lines
            .negative_shifts
            .iter()
            .filter_map(|&k| x.services.get(k))
        {
            for (n, &x) in negative.iter_mut().zip(&l.shift) {
                *n += x.min(0.0);
            }
        }
        for &(k, ob) in &lines.own_shifts {
            if let Some(l) = x.services.get(k) {
                let ob = p(ob);
                for d in 0..PART {
                    own[d] += l.shift[d];
                    own_appraised[d] += appraisal::biased_saving(&l.shift[d], &ob[d]);
                }
            }
        }
        for &(i, ob) in &lines.own_savings {
            let line = self.saving_line(i, t, params, x);
            let ob = p(ob);
            for d in 0..PART {
                own[d] += line[d];
                own_appraised[d] += appraisal::biased_saving(&line[d], &ob[d]);
            }
        }
        for &(i, ob) in &lines.own_costs {
            if let Some(Some(a)) = self.costs.get(i).and_then(|c| c.amounts.get(t)) {
                let (a, ob) = (p(*a), p(ob));
                for d in 0..PART {
                    own_costs[d] += a[d];
                    own_appraised[d] -= appraisal::biased_cost(&a[d], &ob[d]);
                }
            }
        }
        let (obs, obc) = (p(lines.savings_ob), p(lines.costs_ob));
        for d in 0..PART {
            let savings = x.gross[d] - own[d];
            let costs = x.gross[d] - x.net[d] - own_costs[d];
            x.appraised[d] = appraisal::biased_savings(&savings, &negative[d], &obs[d])
                - appraisal::biased_cost(&costs, &obc[d])
                + own_appraised[d];
        }
    }

    /// Saving line `i`'s total in year `t`: a rate saving is linear in its
    /// base, so it is the rate saving on its services' bases summed (a
    /// service at a time over the lanes); an amount saving is its amount.
    #[inline(always)]
    fn saving_line(&self, i: usize, t: usize, params: Params, x: &Scratch) -> Part {
        let mut line = [0.0; PART];
        let Some(sv) = self.savings.get(i) else {
            return line;
        };
        let (size, phase) = (params.get(sv.param), sv.phase[t]);
        if sv.rate {
            let mut bases = [0.0; PART];
            for l in sv.scope.iter().filter_map(|&k| x.services.get(k)) {
                add_assign(&mut bases, l.base());
            }
            for d in 0..PART {
                line[d] = savings::rate_saving(&size[d], &phase, &bases[d]);
            }
        } else {
            for d in 0..PART {
                line[d] = savings::phased(&size[d], &phase);
            }
        }
        line
    }

    /// SPEC 3.7 line by line, as the exact engine: every line's savings
    /// less costs after optimism bias, into `x.appraised`.
    #[inline(never)]
    fn appraised_by_line(&self, lines: &BiasLines, t: usize, params: Params, x: &mut Scratch) {
        let p = |id: usize| params.get(id);
        let mut acc = [0.0; PART];
        for &(k, ob) in &lines.shifts {
            if let Some(l) = x.services.get(k) {
                let ob = p(ob);
                for d in 0..PART {
                    acc[d] += appraisal::biased_saving(&l.shift[d], &ob[d]);
                }
            }
        }
        for &(i, ob) in &lines.savings {
            let line = self.saving_line(i, t, params, x);
            let ob = p(ob);
            for d in 0..PART {
                acc[d] += appraisal::biased_saving(&line[d], &ob[d]);
            }
        }
        for &(i, ob) in &lines.costs {
            if let Some(Some(a)) = self.costs.get(i).and_then(|c| c.amounts.get(t)) {
                let (a, ob) = (p(*a), p(ob));
                for d in 0..PART {
                    acc[d] -= appraisal::biased_cost(&a[d], &ob[d]);
                }
            }
        }
        let (ob_savings, ob_costs) = (p(lines.savings_ob), p(lines.costs_ob));
        for w in &self.workforce {
            let (Some((reduction, phi)), Some(l)) = (&w.reduction, x.services.get(w.service))
            else {
                continue;
            };
            let (fewer, cph) = (p(*reduction), p(w.cost_per_head));
            let (now, before) = (phi[t], phi[t - 1]);
            for d in 0..PART {
                let saving = savings::staff_cost(&fewer[d], &now, &cph[d], &l.prices[d]);
                acc[d] += appraisal::biased_saving(&saving, &ob_savings[d]);
            }
            if let (Some(rc), true) = (w.redundancy, now != before) {
                let rc = p(rc);
                for d in 0..PART {
                    let cost =
                        savings::staff_cost(&fewer[d], &(now - before), &rc[d], &l.prices[d]);
                    acc[d] -= appraisal::biased_cost(&cost, &ob_costs[d]);
                }
            }
        }
        x.appraised = acc;
    }
}

/// Rows by year (index t = 0..=horizon) and the NPV rows.
fn row_plan(rows: &[Row], horizon: usize) -> (Vec<Vec<(usize, Quantity)>>, Vec<usize>) {
    let mut by_year = vec![Vec::new(); horizon + 1];
    let mut npv_rows = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        if row.quantity == Quantity::Npv {
            npv_rows.push(i);
        } else if let Some(list) = by_year.get_mut(row.year) {
            list.push((i, row.quantity));
        }
    }
    (by_year, npv_rows)
}

/// Which of a service's arrays a [`Term`] reads.
#[derive(Clone, Copy, Debug)]
enum Source {
    Kept,
    Counterfactual,
    Net,
}

/// `coefficient x` one array of service `service`.
#[derive(Clone, Copy, Debug)]
struct Term {
    coefficient: f64,
    source: Source,
    service: usize,
}

/// Partner `i`'s net contribution beyond its share of variances, as terms
/// in service order: its share of what a proportional service keeps
/// (counterfactual less net savings), or its contribution per unit of
/// counterfactual spend less its share of net savings.
fn net_terms(services: &[KService], i: usize) -> Vec<Term> {
    let mut terms = Vec::new();
    for (k, sv) in services.iter().enumerate() {
        let share = sv.sharing.shares.get(i).copied().unwrap_or(0.0);
        let per_spend = sv.per_spend.get(i).copied().unwrap_or(0.0);
        let mut term = |coefficient: f64, source: Source| {
            if coefficient != 0.0 {
                terms.push(Term {
                    coefficient,
                    source,
                    service: k,
                });
            }
        };
        if sv.proportional {
            term(share, Source::Kept);
        } else {
            term(per_spend, Source::Counterfactual);
            term(-share, Source::Net);
        }
    }
    terms
}

/// The value of a param the kernel was not given (none, in practice).
const ZERO: Part = [0.0; PART];

/// Lanes handled together by [`grow_and_save`] and [`service_totals`]:
/// four AVX2 registers per running sum.
const TILE: usize = 16;

/// row = start + the terms, added in order (as successive `axpy`s would,
/// so the same bits), over the whole part at once: the running sums (eight
/// AVX2 registers) stay in registers instead of going to memory once per
/// term, and each term's bookkeeping (which service, which array) is done
/// once for all the lanes.
#[inline(always)]
fn sum_terms(row: &mut Part, start: &Part, terms: &[Term], services: &[ServiceLanes]) {
    let mut acc = *start;
    for t in terms {
        let Some(l) = services.get(t.service) else {
            continue;
        };
        let source = match t.source {
            Source::Kept => &l.kept,
            Source::Counterfactual => &l.cf,
            Source::Net => &l.net,
        };
        let c = t.coefficient;
        for (a, b) in acc.iter_mut().zip(source) {
            *a += c * b;
        }
    }
    *row = acc;
}

/// SPEC 3.1 and 3.3 for one service ([`grow_unshifted`] or
/// [`grow_and_shift`], by `SHIFTED`) and its rate savings in year `t`
/// (`list`: its savings, in file order), a tile of lanes at a time: the
/// savings are summed from zero in file order as successive
/// [`add_product`]s would (so the same bits) while the tile's post-shift
/// base is still in registers. The tuple is (baseline, sigma0, phi(t)).
#[inline(always)]
fn grow_and_save<const SHIFTED: bool>(
    l: &mut ServiceLanes,
    (baseline, sigma0, phi): (f64, f64, f64),
    list: &[usize],
    savings: &[KSaving],
    t: usize,
    params: Params,
) {
    for d0 in (0..PART).step_by(TILE) {
        let mut base = [0.0; TILE];
        for (j, b) in base.iter_mut().enumerate() {
            let d = d0 + j;
            *b = if SHIFTED {
                shift_lane(l, d, baseline, sigma0, phi)
            } else {
                grow_lane(l, d, baseline)
            };
        }
        let mut acc = [0.0; TILE];
        for sv in list.iter().filter_map(|&i| savings.get(i)) {
            let size = params.get(sv.param);
            let phase = sv.phase.get(t).copied().unwrap_or(0.0);
            if let Some(size) = size.get(d0..d0 + TILE) {
                for ((a, s), b) in acc.iter_mut().zip(size).zip(&base) {
                    *a += savings::rate_saving(s, &phase, b);
                }
            }
        }
        if let Some(eff) = l.eff.get_mut(d0..d0 + TILE) {
            eff.copy_from_slice(&acc);
        }
    }
}

/// Shares a capped service's variances: lanes where no cap binds (or that
/// are underspends) in vector form, the rest by full water-filling.
#[inline(always)]
fn capped_shares(
    sv: &Sharing,
    l: &mut ServiceLanes,
    partner_var: &mut [Part],
    portions: &mut [f64],
    given: &mut Part,
) {
    if let Some(one) = &sv.single {
        single_cap_shares(sv, one, l, partner_var, given);
        return;
    }
    *given = [0.0; PART];
    let fits_below = sv.fits_below;
    for (i, (pv, &share)) in partner_var.iter_mut().zip(&sv.shares).enumerate() {
        if share == 0.0 {
            continue;
        }
        // The last partner with a share takes the exact remainder.
        if i == sv.last_active {
            give_uncapped(pv, given, &l.var, share, fits_below, |v, g| v - g);
        } else {
            let weight = sv.weight;
            give_uncapped(pv, given, &l.var, share, fits_below, |v, _| {
                v * share / weight
            });
        }
    }
    // Lanes where a cap binds: full water-filling, lane by lane, or its
    // closed form for one capped partner.
    let mut highest = f64::NEG_INFINITY;
    for d in 0..PART {
        highest = highest.max(l.var[d]);
    }
    l.unalloc = [0.0; PART];
    if highest > 0.0 && highest > fits_below {
        for d in 0..PART {
            let v = l.var[d];
            if v > 0.0 && v > fits_below {
                l.unalloc[d] =
                    risk_share::share_variance(&v, &sv.shares, &sv.caps, portions).unwrap_or(0.0);
                for (pv, portion) in partner_var.iter_mut().zip(portions.iter()) {
                    pv[d] += portion;
                }
            }
        }
    }
}

/// [`capped_shares`] with one capped partner, every lane in one pass a
/// partner, as selects, so the loops vectorise. Where its cap does not
/// bind (an underspend, or v <= fits_below) a lane is shared by rule as
/// water-filling's first round shares it (the last partner the exact
/// remainder of what the others were given). Where it binds (its first
/// round portion passes its cap) it bears its cap, and the rest, v - cap,
/// goes to the others in partner order, each rest x share / rest_weight,
/// the last of them the exact remainder: water-filling's second and last
/// round, in the same operations and order as
/// [`risk_share::share_variance`]. With no other partner the rest is
/// unallocated.
///
/// A lane is in one round or the other, so one running sum of what was
/// given serves both, and each partner divides once: the amount (v, or
/// the rest where the cap binds) times its share over the round's weight
/// (1 for an underspend, whose rule part is v x share: dividing by 1 is
/// exact).
#[inline(always)]
fn single_cap_shares(
    sv: &Sharing,
    one: &SingleCap,
    l: &mut ServiceLanes,
    partner_var: &mut [Part],
    given: &mut Part,
) {
    let fits_below = sv.fits_below;
    let binds = |v: f64| v > 0.0 && v > fits_below;
    *given = [0.0; PART];
    let (weight, rest_weight, cap) = (sv.weight, one.rest_weight, one.cap);
    let var = &l.var;
    for (i, (pv, &share)) in partner_var.iter_mut().zip(&sv.shares).enumerate() {
        if share <= 0.0 {
            continue;
        }
        let last = i == sv.last_active;
        if i == one.partner && last {
            // The capped partner, last: its cap where it binds, the exact
            // remainder elsewhere.
            for d in 0..PART {
                let (v, g) = (var[d], given[d]);
                let first = if v <= 0.0 { v * share } else { v - g };
                pv[d] += if binds(v) { cap } else { first };
            }
        } else if i == one.partner {
            // The capped partner: its cap where it binds, its first-round
            // part elsewhere (what it bears counts toward no one's rest).
            for d in 0..PART {
                let (v, g) = (var[d], given[d]);
                let first = v * share / if v <= 0.0 { 1.0 } else { weight };
                let b = binds(v);
                given[d] = g + if b { 0.0 } else { first };
                pv[d] += if b { cap } else { first };
            }
        } else if last {
            // The last partner takes the exact remainder in either round
            // (it is the last of the others too).
            for d in 0..PART {
                let (v, g) = (var[d], given[d]);
                let amount = if binds(v) { v - cap } else { v };
                pv[d] += if v <= 0.0 { v * share } else { amount - g };
            }
        } else if Some(i) == one.rest_last {
            // The last of the others, before the capped partner: the
            // remainder where the cap binds, its rule part elsewhere.
            for d in 0..PART {
                let (v, g) = (var[d], given[d]);
                let part = if binds(v) {
                    (v - cap) - g
                } else {
                    v * share / if v <= 0.0 { 1.0 } else { weight }
                };
                given[d] = g + part;
                pv[d] += part;
            }
        } else {
            for d in 0..PART {
                let (v, g) = (var[d], given[d]);
                let b = binds(v);
                let amount = if b { v - cap } else { v };
                let round_weight = if b {
                    rest_weight
                } else if v <= 0.0 {
                    1.0
                } else {
                    weight
                };
                let part = amount * share / round_weight;
                given[d] = g + part;
                pv[d] += part;
            }
        }
    }
    l.unalloc = [0.0; PART];
    if one.rest_last.is_none() {
        for d in 0..PART {
            let v = l.var[d];
            l.unalloc[d] = if binds(v) { v - cap } else { 0.0 };
        }
    }
}

/// One partner's part of each lane's variance where no cap binds
/// (`fitted` of the variance and what earlier partners were given), its
/// rule share of an underspend, nothing where a cap binds (water-filling
/// does those). Written as selects, not branches, so the loop vectorises.
#[inline(always)]
fn give_uncapped(
    pv: &mut Part,
    given: &mut Part,
    var: &Part,
    share: f64,
    fits_below: f64,
    fitted: impl Fn(f64, f64) -> f64,
) {
    for d in 0..PART {
        let v = var[d];
        let fit = fitted(v, given[d]);
        let p = if v <= 0.0 {
            v * share
        } else if v <= fits_below {
            fit
        } else {
            0.0
        };
        given[d] += p;
        pv[d] += p;
    }
}

/// Each service's net savings and what it keeps (counterfactual less
/// net), and the pool's net, gross and counterfactual: sums over services
/// in service order from zero, a tile of lanes at a time so the pool's
/// running sums stay in registers.
#[inline(always)]
fn service_totals(
    services: &mut [ServiceLanes],
    pool_net: &mut Part,
    pool_gross: &mut Part,
    pool_cf: &mut Part,
) {
    for d0 in (0..PART).step_by(TILE) {
        let mut net_sum = [0.0; TILE];
        let mut gross_sum = [0.0; TILE];
        let mut cf_sum = [0.0; TILE];
        for l in services.iter_mut() {
            for j in 0..TILE {
                let d = d0 + j;
                let gross = savings::gross_savings(&l.shift[d], &l.eff[d], &l.wf[d]);
                let net = savings::net_savings(&gross, &l.cost[d]);
                l.net[d] = net;
                l.kept[d] = l.cf[d] - net;
                net_sum[j] += net;
                gross_sum[j] += gross;
                cf_sum[j] += l.cf[d];
            }
        }
        let tile = d0..d0 + TILE;
        pool_net[tile.clone()].copy_from_slice(&net_sum);
        pool_gross[tile.clone()].copy_from_slice(&gross_sum);
        pool_cf[tile].copy_from_slice(&cf_sum);
    }
}

/// out = the pool's spend in the scenario: counterfactual less gross.
#[inline(always)]
fn difference(out: &mut Part, cf: &Part, gross: &Part) {
    for d in 0..PART {
        out[d] = savings::scenario_spend(&cf[d], &gross[d]);
    }
}

#[inline(always)]
fn growth_factors(growth: &mut Part, price_growth: &mut Part, g: &Part, p: &Part) {
    for d in 0..PART {
        growth[d] = growth::growth_factor(&g[d], &p[d]);
        price_growth[d] = growth::price_factor(&p[d]);
    }
}

/// [`growth_factors`] without the price index.
#[inline(always)]
fn growth_factor(growth: &mut Part, g: &Part, p: &Part) {
    for d in 0..PART {
        growth[d] = growth::growth_factor(&g[d], &p[d]);
    }
}

/// sigmaT - sigma0, lane by lane.
#[inline(always)]
fn offset(out: &mut Part, target: &Part, sigma0: f64) {
    for d in 0..PART {
        out[d] = shift::target_gap(&sigma0, &target[d]);
    }
}

/// 1 - r̄ with r̄ a given cost ratio, lane by lane.
#[inline(always)]
fn one_minus(out: &mut Part, rbar: &Part) {
    for d in 0..PART {
        out[d] = shift::one_minus_rbar(&rbar[d]);
    }
}

/// 1 - r̄ with r̄ from the unit costs (params `to` and `from`), lane by
/// lane.
#[inline(always)]
fn one_minus_unit_cost_ratio(out: &mut Part, to: &[(f64, usize)], params: Params, from: usize) {
    // As `shift::rbar_of_unit_costs`, a target at a time over the lanes.
    let mut sum = [0.0; PART];
    for (w, uc) in to {
        let uc = params.get(*uc);
        for d in 0..PART {
            sum[d] = shift::weighted_unit_cost(sum[d], w, &uc[d]);
        }
    }
    let from = params.get(from);
    for d in 0..PART {
        let rbar = shift::rbar_of_weighted(&sum[d], &from[d]).unwrap_or(0.0);
        out[d] = shift::one_minus_rbar(&rbar);
    }
}

/// SPEC 3.1 for a service with no shift: volume and counterfactual grow
/// (the post-shift base is the counterfactual: see
/// [`ServiceLanes::base`]).
#[inline(always)]
fn grow_unshifted(l: &mut ServiceLanes, baseline: f64) {
    for d in 0..PART {
        grow_lane(l, d, baseline);
    }
}

/// [`grow_unshifted`] for lane `d`; returns the counterfactual.
#[inline(always)]
fn grow_lane(l: &mut ServiceLanes, d: usize, baseline: f64) -> f64 {
    l.volume[d] = growth::next_year(&l.volume[d], &l.growth[d]);
    let cf = growth::counterfactual(&baseline, &l.volume[d]);
    l.cf[d] = cf;
    cf
}

/// SPEC 3.1 and the exact solve of SPEC 3.3 in f64, lane by lane, in one
/// pass.
#[inline(always)]
fn grow_and_shift(l: &mut ServiceLanes, baseline: f64, sigma0: f64, phi: f64) {
    for d in 0..PART {
        shift_lane(l, d, baseline, sigma0, phi);
    }
}

/// [`grow_and_shift`] for lane `d`; returns the post-shift base.
#[inline(always)]
fn shift_lane(l: &mut ServiceLanes, d: usize, baseline: f64, sigma0: f64, phi: f64) -> f64 {
    let cf = grow_lane(l, d, baseline);
    let omr = l.one_minus_rbar[d];
    // f64 division never fails.
    let m = shift::spend_moved(&cf, &sigma0, &l.dsigma[d], &phi, &omr).unwrap_or(0.0);
    l.shift[d] = shift::shift_saving(&m, &omr);
    l.post[d] = shift::post_shift(&cf, &l.shift[d]);
    l.post[d]
}

#[inline(always)]
fn mul_assign(a: &mut Part, b: &Part) {
    for d in 0..PART {
        a[d] *= b[d];
    }
}

#[inline(always)]
fn add_assign(a: &mut Part, b: &Part) {
    for d in 0..PART {
        a[d] += b[d];
    }
}

/// a += a partner's contribution from a service: c(0) x volume.
#[inline(always)]
fn add_contribution(a: &mut Part, c0: f64, volume: &Part) {
    for d in 0..PART {
        a[d] += growth::contribution(&c0, &volume[d]);
    }
}

/// index = I(t) from I(t - 1), lane by lane.
#[inline(always)]
fn next_index(index: &mut Part, deflator: &Part) {
    for d in 0..PART {
        index[d] = appraisal::price_index(&index[d], &deflator[d]);
    }
}

/// npv += amount / I(t) x D(t).
#[inline(always)]
fn add_present_value(npv: &mut Part, amount: &Part, index: &Part, factor: f64) {
    for d in 0..PART {
        npv[d] += appraisal::present_value(&amount[d], &index[d], &factor).unwrap_or(0.0);
    }
}

/// a += share x variance (a variance shared by rule, no cap).
#[inline(always)]
fn add_rule_part(a: &mut Part, share: f64, variance: &Part) {
    for d in 0..PART {
        a[d] += risk_share::rule_part(&share, &variance[d]);
    }
}

/// a += size x phase x base (a rate saving).
#[inline(always)]
fn add_product(a: &mut Part, size: &Part, base: &Part, phase: f64) {
    for d in 0..PART {
        a[d] += savings::rate_saving(&size[d], &phase, &base[d]);
    }
}

/// a += fewer x phi x per_head x prices (a workforce saving or redundancy).
#[inline(always)]
fn add_staff_cost(a: &mut Part, fewer: &Part, per_head: &Part, prices: &Part, phi: f64) {
    for d in 0..PART {
        a[d] += savings::staff_cost(&fewer[d], &phi, &per_head[d], &prices[d]);
    }
}

/// row = a service's spend in the scenario.
#[inline(always)]
fn scenario_spend(row: &mut Part, l: &ServiceLanes) {
    for (d, out) in row.iter_mut().enumerate() {
        let gross = savings::gross_savings(&l.shift[d], &l.eff[d], &l.wf[d]);
        *out = savings::scenario_spend(&l.cf[d], &gross);
    }
}

/// row = sum over services of one of their arrays.
#[inline(always)]
fn sum_into(row: &mut Part, services: &[ServiceLanes], field: impl Fn(&ServiceLanes) -> &Part) {
    *row = [0.0; PART];
    for l in services {
        let v = field(l);
        for d in 0..PART {
            row[d] += v[d];
        }
    }
}

/// Adds `amount x phase` to the services in `scope`, pro rata to their
/// `base` (equal shares when every base is zero, as the exact engine).
#[inline(always)]
fn pro_rata(
    services: &mut [ServiceLanes],
    base: impl Fn(&ServiceLanes) -> &Part,
    into: impl Fn(&mut ServiceLanes) -> &mut Part,
    scope: &[usize],
    amount: &Part,
    phase: f64,
    total: &mut Part,
) {
    *total = [0.0; PART];
    for &k in scope {
        if let Some(l) = services.get(k) {
            add_assign(total, base(l));
        }
    }
    let equal: f64 = savings::equal_part(scope.len()).unwrap_or(0.0);
    for &k in scope {
        let Some(l) = services.get_mut(k) else {
            continue;
        };
        let b = *base(l);
        let target = into(l);
        for d in 0..PART {
            let a = savings::phased(&amount[d], &phase);
            target[d] += savings::pro_rata_part(&a, &b[d], &total[d], &equal).unwrap_or(0.0);
        }
    }
}
