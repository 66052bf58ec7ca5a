//! `pool-model sensitivity FILE`: the tornado of SPEC 3.6, which ranged
//! value matters most, computed exactly.

use std::path::PathBuf;

use crate::commands::{Outcome, Rejected, emit_as, load, refuse_output_over_inputs, text_format};
use crate::error::{Diagnostic, Diagnostics};
use crate::report::{Format, SensitivityReport};
use crate::scenario::Override;
use crate::uncertainty::sensitivity::{TornadoError, tornado};

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
    let tornado = match tornado(&loaded.scenario) {
        Ok(t) => t,
        Err(TornadoError::Engine(e)) => {
            return Err(Rejected::new(&Diagnostics::from(Diagnostic::from(e)), &sources).into());
        }
        Err(e) => return Err(e.into()),
    };
    let report = SensitivityReport {
        scenario: &loaded.scenario,
        tornado: &tornado,
    };
    emit_as(
        format,
        |p| p.sensitivity(&report),
        || crate::report::xlsx::sensitivity(&report, &sources),
        output,
    )?;
    Ok(Outcome::Success)
}
