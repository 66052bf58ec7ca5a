//! `pool-model settle PLAN --actuals FILE --year Y`: the year-end
//! statement once every period is in: each partner's share of the
//! overspend or underspend after caps, its final contribution, what it
//! paid and the balance, ending with a balance line that holds to the
//! penny (docs/monitoring.md).

use std::path::PathBuf;

use crate::commands::Outcome;
use crate::commands::monitor::{Request, report};
use crate::report::Format;
use crate::scenario::Override;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The plan: a scenario file (TOML).
    pub file: PathBuf,

    /// The actuals: a CSV of year,period,service,value rows, every period of the year
    /// [default: the plan's `[monitoring] actuals`].
    #[arg(long, value_name = "FILE.csv")]
    pub actuals: Option<PathBuf>,

    /// The financial year to settle, e.g. 2015/16.
    #[arg(long, value_name = "YEAR")]
    pub year: String,

    /// Output format [default: from -o's extension (.csv, .json, .md, .xlsx), else table].
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<Format>,

    /// Write the statement to this file (atomically) instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Override one value of the plan, e.g. --set monitoring.underspend=carry_forward (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<Override>,
}

pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    let request = Request {
        file: &args.file,
        actuals: args.actuals.as_deref(),
        year: Some(&args.year),
        to: None,
        forecast: None,
        set: &args.set,
        output: args.output.as_deref(),
        format: args.format,
        year_end: true,
    };
    report(&request, "settle")
}
