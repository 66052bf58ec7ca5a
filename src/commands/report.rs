//! `pool-model report FILE -o board.html`: the one-page board report of a
//! scenario, or of options (`report A.toml B.toml ...`), as a
//! self-contained HTML page ([`crate::report::html`], docs/report.md).

use std::io::IsTerminal;
use std::path::PathBuf;

use crate::chart;
use crate::commands::{
    Outcome, Rejected, central, emit, load, monte_carlo_options, refuse_output_over_inputs,
};
use crate::error::{Diagnostic, Diagnostics};
use crate::report::html;
use crate::scenario::Override;
use crate::uncertainty;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The scenario file (TOML); several for an options report, business
    /// as usual first.
    #[arg(required = true, num_args = 1..)]
    pub files: Vec<PathBuf>,

    /// Write the page to this file (atomically) [default: stdout, when not a terminal].
    #[arg(long, short = 'o', value_name = "OUT.html")]
    pub output: Option<PathBuf>,

    /// Monte Carlo draws [default: each scenario's `draws`, else 10000], or auto: as many as bring the NPV percentiles' standard error under £50,000.
    #[arg(long, value_name = "N|auto")]
    pub draws: Option<crate::commands::Draws>,

    /// With --draws auto: the standard error to reach, e.g. £10,000
    /// [default: £50,000, half the £0.1m a table prints].
    #[arg(long, value_name = "AMOUNT", value_parser = super::parse_precision)]
    pub precision: Option<rust_decimal::Decimal>,

    /// Random seed [default: each scenario's `seed`, else 1].
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,

    /// Override one value in every file, e.g. --set scenario.horizon=5 (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<Override>,
}

pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    if args.output.is_none() && std::io::stdout().is_terminal() {
        anyhow::bail!(
            "a board report is an HTML page: give -o OUT.html (or redirect stdout), e.g.\n  pool-model report {} -o board.html",
            args.files
                .iter()
                .map(|f| f.display().to_string())
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
    let output = args.output.as_deref();
    let paths: Vec<&std::path::Path> = args.files.iter().map(PathBuf::as_path).collect();
    refuse_output_over_inputs(output, &paths, &[])?;
    let html_only = || super::only_extension("report", output, "html", "an HTML page");
    if !super::names_a_scenario(output) {
        html_only()?;
    }
    if let [file] = args.files.as_slice() {
        let page = one(file, args, output)?;
        html_only()?;
        emit(&page, output)?;
        return Ok(Outcome::Success);
    }
    let sampling = super::appraise::Sampling {
        no_ranges: false,
        draws: args.draws,
        seed: args.seed,
        precision: args.precision,
    };
    let list = super::appraise::shortlist(&args.files, &args.set, output, sampling)?;
    html_only()?;
    let chart = chart::options::chart(&list).ok();
    emit(&html::options(&list, chart.as_deref()), output)?;
    Ok(Outcome::Success)
}

/// The board report of one scenario.
fn one(
    file: &std::path::Path,
    args: &Args,
    output: Option<&std::path::Path>,
) -> anyhow::Result<String> {
    let (loaded, sources) = load(file, &args.set)?;
    refuse_output_over_inputs(output, &[], &[&sources])?;
    let s = &loaded.scenario;
    let projection = central(&loaded, &sources)?;
    let rejected = |e| Rejected::new(&Diagnostics::from(Diagnostic::from(e)), &sources);
    let ranges = if s.has_ranges() {
        let options = monte_carlo_options(s, args.draws, args.seed, args.precision)?;
        Some(uncertainty::ranges(s, &projection, &options)?)
    } else {
        None
    };
    super::warn(s, &projection, ranges.as_ref(), &sources, None);
    html::board_of(s, &projection, ranges.as_ref(), &sources).map_err(|e| match e {
        html::BoardError::Engine(e) => rejected(e).into(),
        html::BoardError::Chart(e) => anyhow::Error::from(e),
    })
}
