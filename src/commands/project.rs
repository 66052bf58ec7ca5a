//! `pool-model project FILE`: the year-by-year projection of one scenario.

use std::path::PathBuf;

use crate::commands::{Outcome, Rejected, load, print};
use crate::engine;
use crate::error::Diagnostics;
use crate::report::{Format, ProjectionReport, printer};
use crate::scenario::Values;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The scenario file (TOML).
    pub file: PathBuf,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Table)]
    pub format: Format,

    /// Leave out Monte Carlo ranges: central case only.
    #[arg(long)]
    pub no_ranges: bool,
}

pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    let (scenario, sources) = load(&args.file)?;
    let central = engine::project(&scenario, &Values::central(&scenario)).map_err(|e| {
        Rejected::new(
            &Diagnostics::from(crate::error::Diagnostic::from(e)),
            &sources,
        )
    })?;
    let report = ProjectionReport {
        scenario: &scenario,
        central: &central,
    };
    print(&printer(args.format).projection(&report))?;
    Ok(Outcome::Success)
}
