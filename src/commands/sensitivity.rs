//! `pool-model sensitivity FILE`: the tornado of SPEC 3.6, which ranged
//! value matters most, computed exactly.

use std::path::PathBuf;

use crate::commands::{Outcome, Rejected, emit_as, load, refuse_output_over_inputs, text_format};
use crate::error::{Diagnostic, Diagnostics};
use crate::report::{Format, SensitivityReport};
use crate::scenario::Override;
use crate::uncertainty::sensitivity::{Outcome as Ends, Tornado, TornadoError, tornado};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The scenario file (TOML).
    pub file: PathBuf,

    /// Output format [default: from -o's extension (.csv, .json, .md), else table].
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<Format>,

    /// Write the results to this file (atomically) instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// What drives NPV's tail instead of the tornado: each input's mean in
    /// the Monte Carlo draws whose NPV is at or below this percentile
    /// (p50 and under; at or above it for p51 to p99), e.g. --tail p10.
    #[arg(long, value_name = "pNN")]
    pub tail: Option<crate::uncertainty::tail::TailOf>,

    /// With --tail: Monte Carlo draws [default: the scenario's `draws`, else 10000], or auto (see `project --draws`).
    #[arg(long, value_name = "N|auto", requires = "tail")]
    pub draws: Option<super::Draws>,

    /// With --tail and --draws auto: the standard error to reach, e.g.
    /// £10,000 [default: £50,000, half the £0.1m a table prints].
    #[arg(long, value_name = "AMOUNT", value_parser = super::parse_precision, requires = "tail")]
    pub precision: Option<rust_decimal::Decimal>,

    /// With --tail: random seed [default: the scenario's `seed`, else 1].
    #[arg(long, value_name = "S", requires = "tail")]
    pub seed: Option<u64>,

    /// Override one value, e.g. --set scenario.horizon=5 (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<Override>,
}

pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    let output = args.output.as_deref();
    refuse_output_over_inputs(output, &[&args.file], &[])?;
    let (loaded, sources) = load(&args.file, &args.set)?;
    refuse_output_over_inputs(output, &[], &[&sources])?;
    let format = text_format("sensitivity", args.format, output)?;
    // The plan's warnings: the central case is a fraction of the tornado's
    // work.
    let central = super::central(&loaded, &sources)?;
    super::warn(&loaded.scenario, &central, None, &sources, None);
    // With --tail the tail is printed instead of the tornado, which is
    // then not drawn (a tornado of no bars stands in for it).
    let (tornado, tail) = match args.tail {
        Some(of) => {
            let options = super::monte_carlo_options(
                &loaded.scenario,
                args.draws,
                args.seed,
                args.precision,
            )?;
            let options = crate::uncertainty::settled(&loaded.scenario, &central, &options)?;
            let tail = crate::uncertainty::tail::tail(&loaded.scenario, &options, of)?;
            let central = Ends {
                cumulative: central
                    .years
                    .last()
                    .map_or(rust_decimal::Decimal::ZERO, |y| y.cumulative_net_savings),
                npv: central.npv,
            };
            let bars = Vec::new();
            (Tornado { central, bars }, Some(tail))
        }
        None => match tornado(&loaded.scenario) {
            Ok(t) => (t, None),
            Err(TornadoError::Engine(e)) => {
                return Err(
                    Rejected::new(&Diagnostics::from(Diagnostic::from(e)), &sources).into(),
                );
            }
            Err(e) => return Err(e.into()),
        },
    };
    let report = SensitivityReport {
        scenario: &loaded.scenario,
        tornado: &tornado,
        tail: tail.as_ref(),
    };
    emit_as(
        format,
        |p| p.sensitivity(&report),
        || crate::report::xlsx::sensitivity(&report, &sources),
        output,
    )?;
    Ok(Outcome::Success)
}
