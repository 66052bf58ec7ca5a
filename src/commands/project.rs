//! `pool-model project FILE`: the year-by-year projection of one scenario.

use std::path::PathBuf;

use crate::commands::{Outcome, Rejected, emit, load};
use crate::engine;
use crate::error::{Diagnostic, Diagnostics};
use crate::report::{Format, ProjectionReport, printer};
use crate::scenario::Values;

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

    /// Leave out Monte Carlo ranges: central case only.
    #[arg(long)]
    pub no_ranges: bool,
}

pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    let (scenario, sources) = load(&args.file)?;
    let central = engine::project(&scenario, &Values::central(&scenario))
        .map_err(|e| Rejected::new(&Diagnostics::from(Diagnostic::from(e)), &sources))?;
    let report = ProjectionReport {
        scenario: &scenario,
        central: &central,
    };
    let format = Format::resolve(args.format, args.output.as_deref());
    emit(&printer(format).projection(&report), args.output.as_deref())?;
    Ok(Outcome::Success)
}
