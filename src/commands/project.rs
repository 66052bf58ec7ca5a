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

    /// Monte Carlo draws [default: the scenario's `draws`, else 10000], or auto: as many as bring the NPV percentiles' standard error under £50,000.
    #[arg(long, value_name = "N|auto")]
    pub draws: Option<crate::commands::Draws>,

    /// With --draws auto: the standard error to reach, e.g. £10,000
    /// [default: £50,000, half the £0.1m a table prints].
    #[arg(long, value_name = "AMOUNT", value_parser = super::parse_precision)]
    pub precision: Option<rust_decimal::Decimal>,

    /// Also write every Monte Carlo draw to this CSV file: one row a draw,
    /// each sampled input and each output (docs/uncertainty.md).
    #[arg(long, value_name = "FILE.csv", conflicts_with = "no_ranges")]
    pub draws_out: Option<PathBuf>,

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
    let draws_out = args.draws_out.as_deref();
    if draws_out == Some(std::path::Path::new("-")) {
        anyhow::bail!(
            "--draws-out -: the draws go to a file, not standard output (a row a draw, often gigabytes)\n  = help: name a CSV file, e.g. --draws-out draws.csv"
        );
    }
    for out in [output, draws_out] {
        refuse_output_over_inputs(out, &[&args.file], &[])?;
    }
    if let (Some(a), Some(b)) = (output, draws_out) {
        if a == b || crate::output::same_file(a, b) {
            anyhow::bail!(
                "{}: cannot write both the results and the draws to one file\n  = help: give --draws-out a file of its own, e.g. draws.csv",
                b.display()
            );
        }
    }
    let (loaded, sources) = load(&args.file, &args.set)?;
    for out in [output, draws_out] {
        refuse_output_over_inputs(out, &[], &[&sources])?;
    }
    if let Some(path) = draws_out {
        crate::output::check_writable(path)?;
    }
    let format = text_format("project", args.format, output)?;
    super::warn_undrawn(
        args.no_ranges,
        &[
            ("--draws", args.draws.is_some()),
            ("--precision", args.precision.is_some()),
            ("--seed", args.seed.is_some()),
        ],
    );
    let options = RunOptions {
        monte_carlo: if args.no_ranges {
            None
        } else {
            Some(monte_carlo_options(
                &loaded.scenario,
                args.draws,
                args.seed,
                args.precision,
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
    // --draws auto stopped short of its target (the work limit, 10,000,000
    // draws, or its last run): said, not hidden.
    if let (Some(mc), Some(r)) = (options.monte_carlo.as_ref(), results.ranges.as_ref()) {
        let error = crate::uncertainty::precision::npv_error(r);
        if let Some(target) = mc.precision.filter(|t| error > *t) {
            let most = crate::uncertainty::largest_draws(&loaded.scenario, mc.draws);
            let why = if r.draws >= most {
                "the most this run may take".to_string()
            } else {
                format!(
                    "after {} runs whose estimates fell short",
                    crate::uncertainty::precision::ROUNDS
                )
            };
            // Whole pounds, or pence below £100.
            let money = |x: rust_decimal::Decimal| {
                let dp = if x >= rust_decimal::Decimal::ONE_HUNDRED {
                    0
                } else {
                    2
                };
                crate::report::numbers::pounds_grouped(crate::report::numbers::round(x, dp))
            };
            anstream::eprintln!(
                "warning: --draws auto stopped at {} draws, {why}, with a standard error of the NPV's percentiles of {}, above the {} asked for\n  = help: ask for less (--precision); the figures are still right to within their standard errors",
                crate::report::numbers::count(rust_decimal::Decimal::from(r.draws)),
                money(error),
                money(target),
            );
        }
    }
    if let (Some(path), Some(mc)) = (draws_out, options.monte_carlo.as_ref()) {
        // The draws the ranges came from (--draws auto's last run).
        let mc = crate::uncertainty::Options {
            draws: results.ranges.as_ref().map_or(mc.draws, |r| r.draws),
            ..mc.clone()
        };
        crate::output::write_streamed(path, |w| {
            crate::uncertainty::draws::write(&loaded.scenario, &mc, w)
        })?;
    }
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
