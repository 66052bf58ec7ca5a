//! Monte Carlo correctness: the f64 kernel against the exact engine, the
//! samplers against their closed forms, and percentiles against a sort.

use pool_model::engine::project;
use pool_model::scenario::{Scenario, Values, load, load_str};
use pool_model::source::SourceMap;
use pool_model::uncertainty::kernel::{BLOCK, Kernel, Quantity, Row, every_row};
use pool_model::uncertainty::sample::{self, Sampler};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

fn scenario(path: &str) -> Scenario {
    let mut sources = SourceMap::new();
    load(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path),
        &mut sources,
    )
    .unwrap()
}

/// Runs one block of random draws through the kernel and each draw through
/// the exact engine; every output must agree to 1e-9 relative (or 1e-6
/// absolute, for values near zero).
fn kernel_agrees(s: &Scenario, seed: u64) {
    let samplers = sample::samplers(s);
    let mut rng = sample::chunk_generator(seed, 0);
    let params: Vec<[f64; BLOCK]> = samplers
        .iter()
        .map(|ps| {
            let mut lanes = [0.0; BLOCK];
            ps.fill(&mut rng, &mut lanes);
            lanes
        })
        .collect();
    let rows = every_row(s);
    let kernel = Kernel::new(s, rows.clone());
    let mut scratch = kernel.scratch();
    let mut out = vec![[0.0; BLOCK]; rows.len()];
    kernel.run(&params, &mut scratch, &mut out);
    for d in (0..BLOCK).step_by(7) {
        let values = Values(
            params
                .iter()
                .map(|lanes| Decimal::from_f64_retain(lanes[d]).unwrap())
                .collect(),
        );
        let exact = project(s, &values).unwrap();
        for (row, lanes) in rows.iter().zip(&out) {
            let metric = row.quantity.metric();
            let want = exact.metric(metric, row.year).unwrap().to_f64().unwrap();
            let got = lanes[d];
            let tolerance = (want.abs() * 1e-9).max(1e-6);
            assert!(
                (got - want).abs() <= tolerance,
                "{} draw {d}, {:?} in year {}: kernel {got} vs exact {want}",
                s.name,
                row.quantity,
                row.year
            );
        }
    }
}

#[test]
fn f64_kernel_agrees_with_the_exact_engine_on_random_draws() {
    // Birmingham, the benchmark file and the worked example have only rate
    // savings (the kernel's one-pass path); Staffordshire has an amount
    // saving as well (the saving-by-saving path).
    for path in [
        "scenarios/birmingham.toml",
        "scenarios/bench/large.toml",
        "tests/data/worked_example.toml",
        "scenarios/staffordshire.toml",
    ] {
        for seed in [1, 2, 3] {
            kernel_agrees(&scenario(path), seed);
        }
    }
}

/// A block run on scratch a previous block used gives the same outputs as
/// on fresh scratch (the kernel resets only the arrays a service writes).
fn scratch_carries_nothing_over(s: &Scenario) {
    let samplers = sample::samplers(s);
    let block = |seed: u64| -> Vec<[f64; BLOCK]> {
        let mut rng = sample::chunk_generator(seed, 0);
        samplers
            .iter()
            .map(|ps| {
                let mut lanes = [0.0; BLOCK];
                ps.fill(&mut rng, &mut lanes);
                lanes
            })
            .collect()
    };
    let rows = every_row(s);
    let kernel = Kernel::new(s, rows.clone());
    let (first, second) = (block(11), block(12));
    let mut used = kernel.scratch();
    let mut out = vec![[0.0; BLOCK]; rows.len()];
    kernel.run(&first, &mut used, &mut out);
    kernel.run(&second, &mut used, &mut out);
    let mut fresh_out = vec![[0.0; BLOCK]; rows.len()];
    kernel.run(&second, &mut kernel.scratch(), &mut fresh_out);
    for ((row, a), b) in rows.iter().zip(&out).zip(&fresh_out) {
        let (a, b): (Vec<u64>, Vec<u64>) = (
            a.iter().map(|x| x.to_bits()).collect(),
            b.iter().map(|x| x.to_bits()).collect(),
        );
        assert_eq!(a, b, "{} {:?} in year {}", s.name, row.quantity, row.year);
    }
}

#[test]
fn a_block_s_outputs_do_not_depend_on_the_block_before() {
    for path in [
        "scenarios/birmingham.toml",
        "scenarios/bench/large.toml",
        "scenarios/plymouth.toml",
        "scenarios/staffordshire.toml",
    ] {
        scratch_carries_nothing_over(&scenario(path));
    }
    scratch_carries_nothing_over(&capped());
    // Redundancy paid only in the last year, and no cost lines: the costs
    // of one block's last year must not reach the next block's first.
    scratch_carries_nothing_over(&late());
}

/// The benchmark file with each `(from, to)` replaced (every `from` must
/// be there).
fn large_with(name: &str, changes: &[(&str, &str)]) -> Scenario {
    let mut text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/bench/large.toml"),
    )
    .unwrap();
    for (from, to) in changes {
        assert!(text.contains(from), "{from}");
        text = text.replace(from, to);
    }
    let mut sources = SourceMap::new();
    load_str(name, &text, &mut sources).unwrap()
}

/// The benchmark file with redundancy paid only in the last year and no
/// cost lines.
fn late() -> Scenario {
    large_with(
        "late.toml",
        &[
            (
                "reduction_by = \"2015/16\"",
                "reduction_by = \"2022/23\"\nreduction_profile = \"step\"",
            ),
            (
                "[[cost]]\nname = \"Programme team\"\namounts = [\"£2m to £3m\", \"£1.5m to £2.5m\", \"£1m to £2m\"]\n",
                "",
            ),
            (
                "[[cost]]\nname = \"Double running\"\nservices = [\"learning_disability\", \"older_people\"]\namounts = [\"£3m to £6m\", \"£2m to £5m\", \"£1m to £3m\"]\n",
                "",
            ),
        ],
    )
}

/// The benchmark file with overspends large enough that the caps bind and
/// spill over.
fn capped() -> Scenario {
    large_with(
        "capped.toml",
        &[(
            "amounts = [\"£4m to £14m\", \"£2m to £10m\", \"-£2m to £6m\", \"-£3m to £4m\"]",
            "amounts = [\"£40m to £140m\", \"-£20m to £100m\", \"£0 to £600m\", \"-£3m to £4m\"]",
        )],
    )
}

#[test]
fn f64_kernel_agrees_with_capped_water_filling() {
    let s = capped();
    for seed in [4, 5] {
        kernel_agrees(&s, seed);
    }
}

// --- samplers against closed forms ---------------------------------------------------

fn draws(sampler: &Sampler, n: usize) -> Vec<f64> {
    let mut rng = sample::chunk_generator(7, 0);
    (0..n).map(|_| sampler.sample(&mut rng)).collect()
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

fn quantile(v: &[f64], p: f64) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    s[((s.len() - 1) as f64 * p).round() as usize]
}

fn range(low: &str, central: Option<&str>, high: &str, dist: &str) -> Sampler {
    let d = |s: &str| s.parse::<Decimal>().unwrap();
    let dist = pool_model::scenario::values::Dist::from_name(dist).unwrap();
    let r = pool_model::scenario::values::Range::new(
        d(low),
        central.map(d),
        d(high),
        Some(dist),
        pool_model::scenario::values::Kind::Number,
    )
    .unwrap();
    Sampler::new(&pool_model::scenario::values::Uncertain::Range(r))
}

const N: usize = 400_000;

/// Tolerance for a mean: 5 standard errors.
fn se(sd: f64) -> f64 {
    5.0 * sd / (N as f64).sqrt()
}

#[test]
fn uniform_matches_its_closed_form() {
    let v = draws(&range("2", None, "6", "uniform"), N);
    let sd = 4.0 / 12f64.sqrt();
    assert!((mean(&v) - 4.0).abs() < se(sd));
    assert!((quantile(&v, 0.25) - 3.0).abs() < 0.02);
    assert!(v.iter().all(|x| (2.0..6.0).contains(x)));
}

#[test]
fn triangular_matches_its_closed_form() {
    // Mode 2 on [1, 5]: mean (1 + 2 + 5)/3; median 5 - sqrt(0.5 x 4 x 3).
    let v = draws(&range("1", Some("2"), "5", "triangular"), N);
    let sd = ((1.0 + 4.0 + 25.0 - 2.0 - 5.0 - 10.0) / 18.0f64).sqrt();
    assert!((mean(&v) - 8.0 / 3.0).abs() < se(sd));
    assert!((quantile(&v, 0.5) - (5.0 - 6f64.sqrt())).abs() < 0.01);
}

#[test]
fn normal_has_low_and_high_as_5th_and_95th_percentiles() {
    let v = draws(&range("10", None, "20", "normal"), N);
    let sd = 10.0 / (2.0 * 1.6448536);
    assert!((mean(&v) - 15.0).abs() < se(sd));
    assert!((quantile(&v, 0.05) - 10.0).abs() < 0.05);
    assert!((quantile(&v, 0.95) - 20.0).abs() < 0.05);
}

#[test]
fn pert_matches_beta_with_lambda_4() {
    // low 1, mode 2, high 7: alpha = 1 + 4/6, beta = 1 + 20/6; mean (1 + 4 x 2 + 7)/6.
    let v = draws(&range("1", Some("2"), "7", "pert"), N);
    let (a, b): (f64, f64) = (1.0 + 4.0 / 6.0, 1.0 + 20.0 / 6.0);
    let sd = 6.0 * (a * b / ((a + b).powi(2) * (a + b + 1.0))).sqrt();
    assert!((mean(&v) - 16.0 / 6.0).abs() < se(sd), "mean {}", mean(&v));
    // Against rand_distr's exact Beta sampler, quantile by quantile.
    use rand_distr::Distribution;
    let beta = rand_distr::Beta::new(a, b).unwrap();
    let mut rng = sample::chunk_generator(9, 0);
    let exact: Vec<f64> = (0..N).map(|_| 1.0 + 6.0 * beta.sample(&mut rng)).collect();
    for p in [0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99] {
        assert!((quantile(&v, p) - quantile(&exact, p)).abs() < 0.03, "p{p}");
    }
}

#[test]
fn pert_table_is_close_to_the_exact_quantile_function() {
    use pool_model::uncertainty::sample::PertTable;
    // Beta(2, 2): the CDF is 3x^2 - 2x^3, inverted by bisection.
    let table = PertTable::new(2.0, 2.0);
    let mut worst: f64 = 0.0;
    for i in 1..1000 {
        let u = i as f64 / 1000.0;
        let (mut lo, mut hi) = (0.0f64, 1.0f64);
        for _ in 0..80 {
            let mid = 0.5 * (lo + hi);
            if 3.0 * mid * mid - 2.0 * mid * mid * mid < u {
                lo = mid
            } else {
                hi = mid
            }
        }
        worst = worst.max((table.quantile(u) - lo).abs());
    }
    eprintln!("worst quantile error {worst:e}");
    assert!(worst < 1e-7, "worst quantile error {worst}");
}

#[test]
fn pert_tables_with_an_exponent_of_zero_match_their_closed_forms() {
    use pool_model::uncertainty::sample::PertTable;
    // Beta(1, b) has quantile 1 - (1 - u)^(1/b) and Beta(a, 1) has u^(1/a):
    // the density's factor at an end where its exponent is zero is 1,
    // not 0 (at the other end it vanishes).
    for (a, b) in [(1.0, 5.0), (3.5, 1.0)] {
        let table = PertTable::new(a, b);
        let mut worst: f64 = 0.0;
        for i in 1..1000 {
            let u = i as f64 / 1000.0;
            let exact = if a == 1.0 {
                1.0 - (1.0 - u).powf(1.0 / b)
            } else {
                u.powf(1.0 / a)
            };
            worst = worst.max((table.quantile(u) - exact).abs());
        }
        assert!(worst < 1e-6, "Beta({a}, {b}): worst quantile error {worst}");
    }
}

#[test]
fn samplers_of_one_beta_pert_shape_share_a_table_and_match_their_own() {
    // Two of the benchmark file's three PERT values have one shape (2.5% to
    // 4%, most likely 3%, and 0.5% to 2%, most likely 1%) and the third
    // another; each sampler must draw as the sampler built for its param
    // alone.
    let s = large_with("large.toml", &[]);
    let all = sample::samplers(&s);
    let mut perts = 0;
    for (shared, param) in all.iter().zip(&s.params) {
        let alone = sample::ParamSampler::new(param);
        if let (Sampler::Pert { table: a, .. }, Sampler::Pert { table: b, .. }) =
            (&shared.sampler, &alone.sampler)
        {
            perts += 1;
            for i in 0..=200 {
                let u = i as f64 / 200.0;
                assert_eq!(a.quantile(u).to_bits(), b.quantile(u).to_bits(), "u = {u}");
            }
        }
    }
    assert_eq!(perts, 3);
}

#[test]
fn pert_quantiles_of_a_slice_equal_the_quantile_of_each_value() {
    use pool_model::uncertainty::sample::{PertTable, unit_of};
    // The vector path (four at a time) must give the scalar
    // formula's bits: skewed tables, both ends, knots exactly, and a
    // length that is not a multiple of four.
    for (a, b) in [(1.0, 5.0), (4.2, 1.8), (2.0, 2.0), (1.0, 1.0)] {
        let table = PertTable::new(a, b);
        let mut us: Vec<f64> = (0..4_001u64)
            .map(|i| unit_of(i.wrapping_mul(0x9E37_79B9_7F4A_7C15)))
            .collect();
        us.extend([1.0, 0.5, 0.25, 1.0 / 4096.0, 4095.0 / 4096.0, 1e-300, 0.0]);
        let expected: Vec<u64> = us.iter().map(|&u| table.quantile(u).to_bits()).collect();
        table.quantiles(&mut us);
        let got: Vec<u64> = us.iter().map(|q| q.to_bits()).collect();
        assert_eq!(got, expected, "Beta({a}, {b})");
    }
}

#[test]
fn clamped_shares_stay_within_0_and_100_percent() {
    let text = include_str!("data/worked_example.toml").replace(
        "target_share = \"40%\"",
        "target_share = { low = \"-50%\", high = \"150%\", dist = \"normal\" }",
    );
    let mut sources = SourceMap::new();
    // A normal range may straddle 0%-100% only through its tails; here the
    // ends themselves are out of bounds, which validation rejects.
    assert!(load_str("w.toml", &text, &mut sources).is_err());
    let text = include_str!("data/worked_example.toml").replace(
        "target_share = \"40%\"",
        "target_share = { low = \"0%\", high = \"100%\", dist = \"normal\" }",
    );
    let s = load_str("w.toml", &text, &mut sources).unwrap();
    let ps = sample::samplers(&s);
    let id = s
        .params
        .iter()
        .position(|p| p.name.ends_with("target_share"))
        .unwrap();
    let mut rng = sample::chunk_generator(1, 0);
    let mut lanes = [0.0; BLOCK];
    let mut outside = 0;
    for _ in 0..100 {
        ps[id].fill(&mut rng, &mut lanes);
        outside += lanes.iter().filter(|x| !(0.0..=1.0).contains(*x)).count();
    }
    assert_eq!(outside, 0);
}

// --- percentiles: strategies, collapsed ranges ----------------------------------------

use pool_model::uncertainty::collect::{Strategy, percentiles_with, summaries_with};
use pool_model::uncertainty::{Options, standard_rows};

#[test]
fn windowed_percentiles_equal_keeping_every_value() {
    let s = scenario("scenarios/bench/large.toml");
    let kernel = Kernel::new(&s, standard_rows(&s));
    let draws = 150_000;
    let ps = [1, 5, 10, 50, 90, 95, 99];
    let all = percentiles_with(&kernel, &s, draws, 11, &ps, Strategy::KeepAll);
    let windowed = percentiles_with(&kernel, &s, draws, 11, &ps, Strategy::Windowed(7.0));
    assert_eq!(
        all, windowed,
        "windows must find the exact order statistics"
    );
    // A margin of zero makes the windows miss: the fallback must agree too.
    let missed = percentiles_with(&kernel, &s, draws, 11, &ps, Strategy::Windowed(0.0));
    assert_eq!(all, missed);
}

#[test]
fn rows_every_draw_shares_are_found_without_keeping_their_values() {
    // Plymouth's partners that pay nothing into a service have outputs
    // that are the same in every draw: their windows once held nothing,
    // missed every rank and forced a second pass.
    let s = scenario("scenarios/plymouth.toml");
    let kernel = Kernel::new(&s, standard_rows(&s));
    let draws = 60_000;
    let ps = [5, 10, 50, 90, 95];
    let all = percentiles_with(&kernel, &s, draws, 3, &ps, Strategy::KeepAll);
    let windowed = percentiles_with(&kernel, &s, draws, 3, &ps, Strategy::Windowed(5.0));
    assert_eq!(all, windowed);
    assert!(
        all.iter()
            .any(|row| row.iter().all(|v| v.to_bits() == row[0].to_bits()))
    );
}

#[test]
fn narrowed_windows_find_the_exact_percentiles_of_a_long_run() {
    // Past the first 131,072 draws the windows are narrowed and most of
    // the run is tallied in them: a few rows over 300,000 draws, each
    // percentile the same as keeping every value.
    let s = scenario("scenarios/bench/large.toml");
    let rows: Vec<_> = standard_rows(&s).into_iter().step_by(13).collect();
    assert!(rows.len() >= 6);
    let kernel = Kernel::new(&s, rows);
    let draws = 300_000;
    assert!(draws > 2 * pool_model::uncertainty::collect::REFINE);
    let ps = [1, 5, 10, 50, 90, 95, 99];
    let all = percentiles_with(&kernel, &s, draws, 5, &ps, Strategy::KeepAll);
    let windowed = percentiles_with(&kernel, &s, draws, 5, &ps, Strategy::Windowed(5.0));
    assert_eq!(all, windowed);
    // Many stages, each narrowed within the last: the same again.
    let staged = percentiles_with(
        &kernel,
        &s,
        draws,
        5,
        &ps,
        Strategy::NarrowedAt(5.0, &[3, 5, 9, 16, 30]),
    );
    assert_eq!(all, staged);
    // Runs too short to narrow resolve in the pilot's windows.
    let draws = 100_000;
    assert!(draws < pool_model::uncertainty::collect::REFINE);
    let all = percentiles_with(&kernel, &s, draws, 5, &ps, Strategy::KeepAll);
    let windowed = percentiles_with(&kernel, &s, draws, 5, &ps, Strategy::Windowed(5.0));
    assert_eq!(all, windowed);
}

/// The percentiles by windows (narrowed once, and narrowed after 4, 7
/// and 12 chunks) are those of keeping every value; returns them.
fn windows_agree_with_keeping_every_value(
    kernel: &Kernel,
    s: &pool_model::scenario::Scenario,
    draws: usize,
    ps: &[u8],
) -> Vec<Vec<f64>> {
    let all = percentiles_with(kernel, s, draws, 3, ps, Strategy::KeepAll);
    let windowed = percentiles_with(kernel, s, draws, 3, ps, Strategy::Windowed(5.5));
    assert_eq!(all, windowed);
    let staged = percentiles_with(
        kernel,
        s,
        draws,
        3,
        ps,
        Strategy::NarrowedAt(5.5, &[4, 7, 12]),
    );
    assert_eq!(all, staged, "narrowed again and again");
    all
}

#[test]
fn windowed_percentiles_are_exact_when_rows_are_all_ties() {
    // One ranged value left (the file's last): most rows then take a handful of values, or
    // one, so a window holds far more of the pilot than its ranks suggest
    // and its regions need a buffer of their own.
    let mut s = scenario("scenarios/bench/large.toml");
    let mut kept_one = false;
    for p in s.params.iter_mut().rev() {
        if p.value.is_range() && !kept_one {
            kept_one = true;
        } else {
            p.value = pool_model::scenario::values::Uncertain::Point(p.value.central());
        }
    }
    assert!(kept_one);
    let kernel = Kernel::new(&s, standard_rows(&s));
    let draws = 150_000;
    let ps = [5, 50, 95];
    let all = windows_agree_with_keeping_every_value(&kernel, &s, draws, &ps);
    // Some rows really are constant, so the case this test is for occurs.
    assert!(all.iter().any(|row| row.first() == row.last()));
    assert!(all.iter().any(|row| row.first() != row.last()));
}

#[test]
fn collapsed_ranges_give_the_exact_central_result_to_the_penny() {
    // Every range collapsed to its central value, run through the Monte
    // Carlo machinery (samplers, kernel, percentiles) all the same.
    for path in ["scenarios/birmingham.toml", "scenarios/bench/large.toml"] {
        let mut s = scenario(path);
        for p in &mut s.params {
            p.value = pool_model::scenario::values::Uncertain::Point(p.value.central());
        }
        let central = project(&s, &Values::central(&s)).unwrap();
        let rows = standard_rows(&s);
        let options = Options {
            draws: 300,
            seed: 1,
            percentiles: vec![10, 50, 90],
            precision: None,
        };
        let found = pool_model::uncertainty::monte_carlo(&s, rows.clone(), &options, &[]).unwrap();
        for (row, ps) in rows.iter().zip(found) {
            let exact = central.metric(row.quantity.metric(), row.year).unwrap();
            let want = pool_model::report::numbers::pounds(exact);
            for p in ps {
                let got = pool_model::report::numbers::pounds(Decimal::from_f64_retain(p).unwrap());
                assert_eq!(got, want, "{path}: {:?} year {}", row.quantity, row.year);
            }
        }
    }
}

#[test]
fn filling_a_block_gives_the_values_one_draw_at_a_time_gives() {
    // `fill` has faster loops per distribution; it must consume the same
    // stream and give the same bits as `sample`, which the statistical
    // tests above check.
    for sampler in [
        range("1", None, "3", "uniform"),
        range("-2", Some("0.5"), "4", "triangular"),
        range("0", Some("2"), "10", "pert"),
        range("5", None, "9", "normal"),
    ] {
        for len in [1, 63, 64, 100] {
            let mut filled = vec![0.0; len];
            sampler.fill(&mut sample::chunk_generator(11, 3), &mut filled);
            let mut rng = sample::chunk_generator(11, 3);
            let one_by_one: Vec<f64> = (0..len).map(|_| sampler.sample(&mut rng)).collect();
            assert_eq!(
                filled.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
                one_by_one.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
                "{sampler:?} x {len}"
            );
        }
    }
}

// --- the generator ---------------------------------------------------------------

/// The 16 state words `Generator::from_u64(seed)` documents: SplitMix64's
/// first 16 outputs from `seed`.
fn splitmix_words(seed: u64) -> Vec<u64> {
    (0..16u64)
        .map(|k| sample::splitmix64(seed.wrapping_add(k.wrapping_mul(0x9E37_79B9_7F4A_7C15))))
        .collect()
}

#[test]
fn each_stream_of_the_generator_is_xoshiro256plusplus() {
    use rand::{Rng, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;
    for seed in [0u64, 1, 42, u64::MAX] {
        let words = splitmix_words(seed);
        let mut streams: Vec<Xoshiro256PlusPlus> = words
            .chunks(4)
            .map(|w| {
                let mut bytes = [0u8; 32];
                for (b, x) in bytes.chunks_mut(8).zip(w) {
                    b.copy_from_slice(&x.to_le_bytes());
                }
                Xoshiro256PlusPlus::from_seed(bytes)
            })
            .collect();
        // Stream 0 is rand_xoshiro's own generator seeded from the u64.
        let mut own = Xoshiro256PlusPlus::seed_from_u64(seed);
        let mut first = streams[0].clone();
        for _ in 0..10 {
            assert_eq!(own.next_u64(), first.next_u64());
        }
        // Bulk (AVX2 where the CPU has it) and one at a time, against the
        // four reference streams interleaved step by step.
        let mut bulk = sample::Generator::from_u64(seed);
        let mut raw = vec![0u64; 4 * 300];
        bulk.fill_raw(&mut raw);
        let mut single = sample::Generator::from_u64(seed);
        for (i, &x) in raw.iter().enumerate() {
            let want = streams[i % 4].next_u64();
            assert_eq!(x, want, "seed {seed}, output {i}");
            assert_eq!(single.next_u64(), want, "seed {seed}, output {i}");
        }
    }
}

#[test]
fn the_generator_hands_out_one_sequence_however_it_is_asked() {
    use rand::Rng;
    let mut reference = sample::Generator::from_u64(9);
    let want: Vec<u64> = (0..200).map(|_| reference.next_u64()).collect();
    // Bulk requests of every size mod 4, starting mid-step, with single
    // values (`None`) between them.
    let mut g = sample::Generator::from_u64(9);
    let mut got = Vec::new();
    for request in [1usize, 3, 2, 7, 64, 5, 0, 4].map(Some).into_iter().chain([
        None,
        Some(1),
        None,
        None,
        Some(6),
    ]) {
        match request {
            Some(len) => {
                let mut raw = vec![0u64; len];
                g.fill_raw(&mut raw);
                got.extend(raw);
            }
            None => got.push(g.next_u64()),
        }
    }
    assert_eq!(got, want[..got.len()]);
}

#[test]
fn uniform_variates_are_the_middles_of_2_to_the_52_steps() {
    for bits in [
        0u64,
        1,
        4095,
        4096,
        u64::MAX,
        u64::MAX - 4096,
        1 << 63,
        0x0123_4567_89ab_cdef,
    ] {
        let want = ((bits >> 12) as f64 + 0.5) / (1u64 << 52) as f64;
        assert_eq!(sample::unit_of(bits).to_bits(), want.to_bits(), "{bits:#x}");
        assert!(sample::unit_of(bits) > 0.0 && sample::unit_of(bits) < 1.0);
    }
}

#[test]
fn windows_stay_exact_for_large_values_with_a_tiny_spread() {
    // £5bn a year whose growth and savings vary by a hundred-thousandth of
    // a percent: spend varies by a few thousand pounds in £5bn, a handful of
    // f32 steps at that size. The tally measures from each row's centre,
    // so its windows stay narrow and the percentiles exact.
    let text = r#"
[scenario]
name = "Tiny spread"
start = "2024/25"
horizon = 3

[[partner]]
id = "council"
name = "Council"
kind = "council"

[[partner]]
id = "icb"
name = "ICB"
kind = "nhs"

[[service]]
id = "acute"
name = "Acute"
lead = "icb"
contributions = { council = "£2bn", icb = "£3bn" }
growth = "1.00000% to 1.00001%"

[[saving]]
name = "Tiny"
rate = "0.0000% to 0.0001%"
"#;
    let s = pool_model::scenario::load_str("tiny.toml", text, &mut SourceMap::new()).unwrap();
    let kernel = Kernel::new(&s, standard_rows(&s));
    let draws = 140_000;
    let ps = [1, 5, 10, 50, 90, 95, 99];
    let all = windows_agree_with_keeping_every_value(&kernel, &s, draws, &ps);
    // The spread really is tiny: p1 and p99 of year-1 spend differ by about
    // a millionth of it (a few thousand pounds; f32 steps by £512 there).
    let spend = &all[3];
    assert!(spend[6] > spend[0] && (spend[6] - spend[0]) / spend[0] < 2e-6);
}

// --- rows computed alike -----------------------------------------------------------------

/// Pairs (row, earlier row) of [`Kernel::aliases`], as (quantity, year).
fn alias_pairs(kernel: &Kernel) -> Vec<((Quantity, usize), (Quantity, usize))> {
    let rows = kernel.rows();
    kernel
        .aliases()
        .iter()
        .enumerate()
        .filter_map(|(i, a)| a.map(|j| (i, j)))
        .map(|(i, j)| {
            (
                (rows[i].quantity, rows[i].year),
                (rows[j].quantity, rows[j].year),
            )
        })
        .collect()
}

#[test]
fn rows_the_kernel_computes_alike_are_found_and_alike_to_the_bit() {
    use Quantity::{CumulativeNetSavings, GrossSavings, NetSavings};
    // The benchmark file's costs stop after year 3 (redundancy too): gross
    // savings in years 4 to 10 are net savings, and year 1's cumulative.
    let large = scenario("scenarios/bench/large.toml");
    let mut expected = vec![((CumulativeNetSavings, 1), (NetSavings, 1))];
    expected.extend((4..=10).map(|t| ((GrossSavings, t), (NetSavings, t))));
    assert_eq!(
        alias_pairs(&Kernel::new(&large, standard_rows(&large))),
        expected
    );
    // Redundancy paid only in the last year, no cost lines: gross savings
    // are net savings in every year but the last.
    let late = late();
    let gross_aliased: Vec<usize> = alias_pairs(&Kernel::new(&late, standard_rows(&late)))
        .iter()
        .filter(|((q, _), _)| *q == GrossSavings)
        .map(|((_, t), _)| *t)
        .collect();
    assert_eq!(gross_aliased, (1..=9).collect::<Vec<_>>());
    // A row asked for twice (NPV's year is ignored) is the first one.
    let net = Row {
        quantity: Quantity::NetSavings,
        year: 4,
    };
    let npv = |year| Row {
        quantity: Quantity::Npv,
        year,
    };
    let twice = Kernel::new(&late, vec![npv(0), net, net, npv(3)]);
    assert_eq!(twice.aliases(), [None, None, Some(1), Some(0)]);
    // Every pair found, in every quantity the kernel computes, holds the
    // same bits in every draw.
    for s in [
        scenario("scenarios/birmingham.toml"),
        scenario("scenarios/plymouth.toml"),
        scenario("scenarios/staffordshire.toml"),
        large,
        late,
        capped(),
    ] {
        let rows = every_row(&s);
        let kernel = Kernel::new(&s, rows.clone());
        let aliases = kernel.aliases();
        assert!(aliases.iter().any(Option::is_some), "{}", s.name);
        let samplers = sample::samplers(&s);
        let (mut params, ranged) = sample::block_params(&samplers);
        let mut rng = sample::chunk_generator(3, 0);
        let mut x = kernel.scratch();
        let mut out = vec![[0.0; BLOCK]; rows.len()];
        for _ in 0..8 {
            sample::fill_block(&samplers, &ranged, &mut rng, &mut params);
            kernel.run(&params, &mut x, &mut out);
            for (i, alias) in aliases.iter().enumerate() {
                if let Some(j) = alias {
                    let bits = |r: &[f64; BLOCK]| r.map(f64::to_bits);
                    assert_eq!(
                        bits(&out[i]),
                        bits(&out[*j]),
                        "{}: {:?} in year {}",
                        s.name,
                        rows[i].quantity,
                        rows[i].year
                    );
                }
            }
        }
    }
}

#[test]
fn rows_computed_alike_take_the_percentiles_of_the_row_they_equal() {
    // Percentiles with the aliased rows taken from the rows they equal,
    // against each aliased row run on its own (nothing to alias it to).
    let s = scenario("scenarios/bench/large.toml");
    let kernel = Kernel::new(&s, standard_rows(&s));
    let (draws, ps) = (20_000, [5, 50, 95]);
    let together = percentiles_with(&kernel, &s, draws, 9, &ps, Strategy::KeepAll);
    let aliases = kernel.aliases();
    let aliased: Vec<usize> = (0..aliases.len())
        .filter(|&i| aliases[i].is_some())
        .collect();
    assert_eq!(aliased.len(), 8);
    for i in aliased {
        let alone = kernel.with_rows(vec![kernel.rows()[i]]);
        assert!(alone.aliases().iter().all(Option::is_none));
        let found = percentiles_with(&alone, &s, draws, 9, &ps, Strategy::KeepAll);
        assert_eq!(found[0], together[i], "{:?}", kernel.rows()[i]);
    }
}

#[test]
fn means_and_chances_of_a_loss_are_the_same_whichever_way_percentiles_are_found() {
    // 200,000 draws: past the pilot, so the windowed strategy tallies most
    // chunks and keeps all of the pilot's; the moments are summed chunk
    // by chunk in chunk order either way.
    let s = scenario("scenarios/bench/large.toml");
    let kernel = Kernel::new(&s, standard_rows(&s));
    let draws = 200_000;
    let ps = [5, 50, 95];
    let all = summaries_with(&kernel, &s, draws, 3, &ps, Strategy::KeepAll);
    let windowed = summaries_with(&kernel, &s, draws, 3, &ps, Strategy::Windowed(7.0));
    let rows = kernel.rows();
    assert!(
        rows.iter()
            .any(|r| pool_model::uncertainty::has_moments(r.quantity))
    );
    for ((a, w), row) in all.iter().zip(&windowed).zip(rows) {
        assert_eq!(a.mean.to_bits(), w.mean.to_bits());
        if !pool_model::uncertainty::has_moments(row.quantity) {
            continue;
        }
        assert_eq!(a.below_zero, w.below_zero);
        assert_eq!(a.percentiles, w.percentiles);
        // A mean lies between the 5th and 95th percentiles here (no row is
        // that skewed), and a chance is a fraction.
        let slack = 1e-9 * a.mean.abs().max(1.0);
        assert!(
            a.percentiles[0] - slack <= a.mean && a.mean <= a.percentiles[2] + slack,
            "{a:?}"
        );
        assert!((0.0..=1.0).contains(&a.below_zero));
    }
}
