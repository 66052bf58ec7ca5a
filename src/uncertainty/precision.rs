//! How precise a Monte Carlo run is, and `--draws auto`: as many draws as
//! bring the standard error of the NPV's percentiles below a target.
//!
//! Each percentile's standard error comes from the draws' own order
//! statistics ([`super::percentile::error_ranks`]) and the mean's from
//! their standard deviation, so it costs nothing beyond the run. A
//! standard error falls as one over the square root of the draws: from a
//! first run of [`FIRST`] draws, the draws the target needs are
//! estimated, rounded up to a whole number of [`super::CHUNK`]s, and run;
//! again while the estimate falls short (at most [`ROUNDS`] runs). Every
//! run has the file's seed, so the draws are the first run's and more,
//! and the result depends only on the file, the seed and the target: the
//! same bytes every time.

use rust_decimal::Decimal;

use super::{CHUNK, McError, Ranges};
use crate::metric::Metric;
use crate::scenario::Scenario;

/// The default target of `--draws auto`: £50,000, half the £0.1m a table
/// prints, so the printed NPV percentiles would rarely move with another
/// seed.
pub const DEFAULT_TARGET: Decimal = Decimal::from_parts(50_000, 0, 0, false, 0);

/// The draws of `--draws auto`'s first run.
pub const FIRST: u64 = 10_000;

/// Most runs `--draws auto` makes.
pub const ROUNDS: usize = 4;

/// The largest standard error of the NPV's percentiles.
pub fn npv_error(r: &Ranges) -> Decimal {
    r.percentiles
        .iter()
        .filter_map(|&p| r.error(Metric::Npv, 0, p))
        .max()
        .unwrap_or(Decimal::ZERO)
}

/// The draws that bring a standard error of `error` at `draws` draws to
/// `target`: draws x (error / target)^2, a tenth more for the estimate's
/// own noise, in whole chunks, at most `most`.
pub fn draws_for(draws: u64, error: Decimal, target: Decimal, most: u64) -> u64 {
    use rust_decimal::prelude::ToPrimitive;
    let ratio = (error / target.max(Decimal::new(1, 2)))
        .to_f64()
        .unwrap_or(f64::MAX);
    let wanted = draws as f64 * ratio * ratio * 1.1;
    let chunk = CHUNK as f64;
    let wanted = (wanted / chunk).ceil() * chunk;
    if wanted.is_finite() && wanted < most as f64 {
        (wanted as u64).max(draws)
    } else {
        most
    }
}

/// The largest standard error of any money figure a table prints from the
/// run, with what it is of: the precision a reader can trust. Tables print
/// every percentile and the mean of cumulative net savings and NPV, and of
/// the other figures the outer two percentiles (their range).
pub fn largest_error(s: &Scenario, r: &Ranges) -> Option<(Decimal, String)> {
    let mut best: Option<(Decimal, String)> = None;
    let mut consider = |e: Option<Decimal>, what: &dyn Fn() -> String| {
        if let Some(e) = e {
            if best.as_ref().is_none_or(|(b, _)| e > *b) {
                best = Some((e, what()));
            }
        }
    };
    for metric in super::standard_metrics(s) {
        let years: Vec<usize> = if metric == Metric::Npv {
            vec![0]
        } else {
            (1..=s.horizon as usize).collect()
        };
        for t in years {
            let when = || {
                if metric == Metric::Npv {
                    String::new()
                } else {
                    format!(" in {}", s.year(t as u32))
                }
            };
            let name = words(s, metric);
            let every = matches!(metric, Metric::CumulativeNetSavings | Metric::Npv);
            let outer = [r.percentiles.first(), r.percentiles.last()];
            for &p in &r.percentiles {
                if every || outer.contains(&Some(&p)) {
                    consider(r.error(metric, t, p), &|| format!("{name} p{p}{}", when()));
                }
            }
            if every && r.mean(metric, t).is_some() {
                consider(r.mean_error(metric, t), &|| {
                    format!("{name} mean{}", when())
                });
            }
        }
    }
    best
}

/// Monte Carlo with `--draws auto`: runs of more draws until the standard
/// errors of the NPV's percentiles are at most `target`, or the draws
/// reach `most`. (Every figure a table prints would take a large pool to
/// the most draws allowed: a year's cumulative spread is wider than the
/// NPV's, and the footnote says how precise the others are.)
pub fn auto(
    target: Decimal,
    most: u64,
    mut run: impl FnMut(u64) -> Result<Ranges, McError>,
) -> Result<Ranges, McError> {
    let mut draws = FIRST.min(most);
    let mut ranges = run(draws)?;
    for _ in 1..ROUNDS {
        let error = npv_error(&ranges);
        if error <= target || draws >= most {
            break;
        }
        let next = draws_for(draws, error, target, most);
        if next <= draws {
            break;
        }
        draws = next;
        ranges = run(draws)?;
    }
    Ok(ranges)
}

/// A reported metric in words: "NPV", "Council's net contribution".
fn words(s: &Scenario, metric: Metric) -> String {
    match metric {
        Metric::Npv => "NPV".to_string(),
        Metric::NetSavings => "net savings".to_string(),
        Metric::CumulativeNetSavings => "cumulative net savings".to_string(),
        Metric::GrossSavings => "gross savings".to_string(),
        Metric::Scenario => "scenario spend".to_string(),
        Metric::NetContribution(i) => format!(
            "{}'s net contribution",
            s.partners.get(i).map_or("?", |p| p.name.as_str())
        ),
        other => other.name(s),
    }
}
