//! `pool-model project FILE`: the year-by-year projection of one scenario.

use std::path::PathBuf;

use crate::commands::{
    Outcome, Rejected, emit_as, load, monte_carlo_options, refuse_output_over_inputs, text_format,
};
use crate::error::{Diagnostic, Diagnostics};
use crate::report::{Format, Layout, ProjectionReport, TableKind};
use crate::scenario::Override;
use crate::{RunError, RunOptions};

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

    /// Monte Carlo draws [default: the scenario's `draws`, else 10000].
    #[arg(long, value_name = "N")]
    pub draws: Option<u64>,

    /// Random seed [default: the scenario's `seed`, else 1].
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,

    /// Override one value, e.g. --set scenario.horizon=5 (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<Override>,

    /// Only these tables, in a table or Markdown, e.g. --tables summary,partners
    /// [default: every one].
    #[arg(long, value_enum, value_delimiter = ',', value_name = "LIST")]
    pub tables: Vec<TableKind>,

    /// Years down the rows, or across the columns as finance papers lay
    /// them out (table and Markdown).
    #[arg(long, value_enum, default_value = "down", value_name = "WAY")]
    pub years: Years,
}

/// Which way the years run in a table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Years {
    /// A row a year.
    Down,
    /// A column a year.
    Across,
}

pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    let output = args.output.as_deref();
    refuse_output_over_inputs(output, &[&args.file], &[])?;
    let (loaded, sources) = load(&args.file, &args.set)?;
    refuse_output_over_inputs(output, &[], &[&sources])?;
    let format = text_format("project", args.format, output)?;
    let options = RunOptions {
        monte_carlo: if args.no_ranges {
            None
        } else {
            Some(monte_carlo_options(
                &loaded.scenario,
                args.draws,
                args.seed,
            )?)
        },
    };
    let results = crate::run(&loaded.scenario, &options).map_err(|e| match e {
        RunError::Engine(e) => anyhow::Error::from(Rejected::new(
            &Diagnostics::from(Diagnostic::from(e)),
            &sources,
        )),
        RunError::MonteCarlo(e) => anyhow::Error::from(e),
    })?;
    super::warn(
        &loaded.scenario,
        &results.central,
        results.ranges.as_ref(),
        &sources,
        None,
    );
    let report = ProjectionReport {
        scenario: &loaded.scenario,
        central: &results.central,
        ranges: results.ranges.as_ref(),
        layout: Layout {
            tables: args.tables.clone(),
            years_across: args.years == Years::Across,
        },
    };
    emit_as(
        format,
        |p| p.projection(&report),
        || crate::report::xlsx::projection(&report, &sources),
        output,
    )?;
    Ok(Outcome::Success)
}
