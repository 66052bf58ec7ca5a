//! Documented bounds on input, so that no file can make the tool run for
//! minutes or exhaust memory (docs/limits.md). Each is checked where the
//! input is read and reported as a located error (exit 2).

/// Largest scenario file read, in bytes.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// Largest horizon a scenario may project (SPEC 2.2: 1..=50).
pub const MAX_HORIZON: u32 = 50;

/// Longest chain of `extends` (a variant of a variant of ...).
pub const MAX_EXTENDS_DEPTH: usize = 8;

/// Most `[[partner]]` entries.
pub const MAX_PARTNERS: usize = 64;

/// Most `[[service]]` entries.
pub const MAX_SERVICES: usize = 100;

/// Most `[[service.setting]]` entries in one service.
pub const MAX_SETTINGS: usize = 20;

/// Most entries of each of `[[saving]]`, `[[cost]]`, `[[variance]]` and
/// `[[workforce]]`.
pub const MAX_LINES: usize = 200;

/// Most `--set` options on one command line (each may add a key to a
/// table, so thousands would cost time quadratic in their number).
pub const MAX_OVERRIDES: usize = 1000;

/// Most `[[expect]]` entries.
pub const MAX_EXPECTS: usize = 1000;

/// Longest `phase_in` list.
pub const MAX_PHASE_IN: usize = 100;

/// Most Monte Carlo draws a run may ask for.
pub const MAX_DRAWS: u64 = 10_000_000;

/// Most Monte Carlo work: draws x model size (see [`model_size`]); about
/// 20 CPU-seconds. The benchmark file at 1M draws is 0.5 of a billion.
pub const MAX_MONTE_CARLO_WORK: u64 = 12_000_000_000;

/// Most sensitivity work ([`sensitivity_work`]): about 10 CPU-seconds,
/// measured at 1.4 microseconds a unit (docs/limits.md).
pub const MAX_SENSITIVITY_WORK: u64 = 8_000_000;

/// The work of a tornado: exact runs (two a ranged value, plus one) x
/// model size x (10 + horizon) / 10 x ((d + 4) / 8)^2, where d is the most
/// significant digits of any factor compounded year on year (1 + growth,
/// 1 + inflation, 1 + the discount rate, at any end of its range). The
/// exact engine's numbers grow with the years compounded and with the
/// digits of what compounds, so a run's time grows about as the horizon
/// squared, and a 28-digit growth rate costs many times a "2.5%" one
/// (docs/limits.md).
pub fn sensitivity_work(s: &crate::scenario::Scenario) -> u64 {
    let runs = 2 * s.ranged_params().count() as u64 + 1;
    let d = compounding_digits(s) + 4;
    runs.saturating_mul(model_size(s))
        .saturating_mul(10 + u64::from(s.horizon))
        .saturating_mul(d * d)
        / 640
}

/// The most significant digits of any factor the exact engine compounds.
fn compounding_digits(s: &crate::scenario::Scenario) -> u64 {
    let digits = |rate: rust_decimal::Decimal| {
        rate.checked_add(rust_decimal::Decimal::ONE)
            .map_or(29, |f| {
                u64::from(
                    f.normalize()
                        .mantissa()
                        .unsigned_abs()
                        .checked_ilog10()
                        .unwrap_or(0),
                ) + 1
            })
    };
    let ends = |id| {
        s.param(id).map_or(0, |p| {
            [p.value.low(), p.value.central(), p.value.high()]
                .into_iter()
                .map(digits)
                .max()
                .unwrap_or(0)
        })
    };
    s.services
        .iter()
        .map(|x| ends(x.growth).max(ends(x.inflation)))
        .chain([digits(s.discount_rate)])
        .max()
        .unwrap_or(0)
}

/// The size of a scenario's model: lane operations per draw, roughly,
/// counting per year each service, each service a saving or cost line
/// covers, each variance and workforce line, and each partner-service pair.
pub fn model_size(s: &crate::scenario::Scenario) -> u64 {
    let per_year = s.services.len()
        + s.services.iter().map(|x| x.settings.len()).sum::<usize>()
        + s.savings.iter().map(|x| x.services.len()).sum::<usize>()
        + s.costs.iter().map(|x| x.services.len()).sum::<usize>()
        + s.variances.len()
        + s.workforce.len()
        + s.partners.len() * s.services.len();
    u64::from(s.horizon) * per_year as u64
}

/// Most errors shown for one file: the first this many in file order,
/// then a line counting the rest.
pub const MAX_SHOWN_ERRORS: usize = 50;

/// Longest name or id, in characters: names are printed in every table.
pub const MAX_NAME_CHARS: usize = 200;

/// Longest `[scenario] description`, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 2000;

/// Longest `percentiles` list: they are distinct integers 1 to 99.
pub const MAX_PERCENTILES: usize = 99;

/// Most TOML tokens (keys, values, punctuation, runs of spaces, line ends)
/// in one file, counted before it is parsed: parsing holds them all at
/// once. A scenario at every other limit at once has about 540,000.
pub const MAX_TOML_TOKENS: usize = 1_000_000;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::load_str;
    use crate::source::SourceMap;

    fn scenario(growth: &str, horizon: u32) -> crate::scenario::Scenario {
        let text = format!(
            r#"[scenario]
name = "Work"
start = "2009/10"
horizon = {horizon}

[assumptions]
growth = "{growth}"
inflation = "1% to 3%"

[[partner]]
id = "council"
name = "Council"
kind = "council"

[[service]]
id = "ld"
name = "Learning disability"
lead = "council"
contributions = {{ council = "£80m" }}
"#
        );
        load_str("work.toml", &text, &mut SourceMap::new()).unwrap()
    }

    #[test]
    fn sensitivity_work_grows_with_the_horizon_and_the_digits_compounded() {
        let plain = sensitivity_work(&scenario("2.5%", 10));
        assert_eq!(plain, 3 * model_size(&scenario("2.5%", 10)) * 20 * 64 / 640);
        assert!(sensitivity_work(&scenario("2.5%", 50)) > 5 * plain);
        let long = scenario("2.45236523359355868821576745%", 10);
        // 1.0245236523359355868821576745 has 29 digits: (33/8)^2 = 17 times.
        assert_eq!(sensitivity_work(&long), plain * 33 * 33 / 64);
    }
}
