//! `pool-model chart FILE --kind K -o OUT.svg`: an SVG picture of a
//! projection (SPEC 4.3). The drawing itself lives in [`crate::chart`].

use std::io::IsTerminal;
use std::path::PathBuf;

use crate::chart::{self, ChartError, Kind};
use crate::commands::{
    Outcome, Rejected, central, emit, load, monte_carlo_options, refuse_output_over_inputs,
};
use crate::error::{Diagnostic, Diagnostics};
use crate::scenario::Override;
use crate::uncertainty::{self, sensitivity::TornadoError};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The scenario file (TOML); several for `--kind options`, business
    /// as usual first.
    #[arg(required = true, num_args = 1..)]
    pub files: Vec<PathBuf>,

    /// Which chart to draw.
    #[arg(long, short = 'k', value_enum)]
    pub kind: Kind,

    /// Write the SVG to this file (atomically) [default: stdout, when not a terminal].
    #[arg(long, short = 'o', value_name = "OUT.svg")]
    pub output: Option<PathBuf>,

    /// Monte Carlo draws for the fan's bands [default: the scenario's `draws`, else 10000], or auto: as many as bring the NPV percentiles' standard error under £50,000.
    #[arg(long, value_name = "N|auto")]
    pub draws: Option<crate::commands::Draws>,

    /// With --draws auto: the standard error to reach, e.g. £10,000
    /// [default: £50,000, half the £0.1m a table prints].
    #[arg(long, value_name = "AMOUNT", value_parser = super::parse_precision)]
    pub precision: Option<rust_decimal::Decimal>,

    /// Random seed for the fan's bands [default: the scenario's `seed`, else 1].
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,

    /// `--kind tail`: which tail of NPV, e.g. p10 for its worst tenth [default: p10].
    #[arg(long, value_name = "pNN")]
    pub tail: Option<crate::uncertainty::tail::TailOf>,

    /// Override one value, e.g. --set scenario.horizon=5 (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<Override>,

    /// `--kind monitor`: the actuals (a CSV, as `pool-model monitor` reads)
    /// [default: the plan's `[monitoring] actuals`].
    #[arg(long, value_name = "FILE.csv")]
    pub actuals: Option<PathBuf>,

    /// `--kind monitor`: the financial year [default: the latest in the actuals].
    #[arg(long, value_name = "YEAR")]
    pub year: Option<String>,

    /// `--kind monitor`: as at this period, e.g. M06 [default: the latest].
    #[arg(long, value_name = "PERIOD")]
    pub to: Option<String>,
}

pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    let shown_files = args
        .files
        .iter()
        .map(|f| f.display().to_string())
        .collect::<Vec<_>>()
        .join(" ");
    if args.output.is_none() && std::io::stdout().is_terminal() {
        anyhow::bail!(
            "a chart is an SVG file: give -o OUT.svg (or redirect stdout), e.g.\n  pool-model chart {} --kind {}{} -o {}.svg",
            shown_files,
            args.kind.name(),
            args.actuals
                .as_ref()
                .map(|a| format!(" --actuals {}", a.display()))
                .unwrap_or_default(),
            args.kind.name()
        );
    }
    let output = args.output.as_deref();
    let paths: Vec<&std::path::Path> = args.files.iter().map(PathBuf::as_path).collect();
    refuse_output_over_inputs(output, &paths, &[])?;
    let svg_only = || super::only_extension("chart", output, "svg", "an SVG picture");
    if !super::names_a_scenario(output) {
        svg_only()?;
    }
    if args.kind == Kind::Options {
        let sampling = super::appraise::Sampling {
            no_ranges: false,
            draws: args.draws,
            seed: args.seed,
            precision: args.precision,
        };
        let list = super::appraise::shortlist(&args.files, &args.set, output, sampling)?;
        svg_only()?;
        emit(&chart::options::chart(&list)?, output)?;
        return Ok(Outcome::Success);
    }
    if args.kind != Kind::Tail && args.tail.is_some() {
        anyhow::bail!("--tail is for `--kind tail`\n  = help: leave it out, or draw --kind tail");
    }
    if args.kind != Kind::Monitor
        && (args.actuals.is_some() || args.year.is_some() || args.to.is_some())
    {
        anyhow::bail!(
            "--actuals, --year and --to are for `--kind monitor`\n  = help: leave them out, or draw --kind monitor"
        );
    }
    let [file] = args.files.as_slice() else {
        anyhow::bail!(
            "`--kind {}` draws one scenario, not {}: give one file (`--kind options` compares several)",
            args.kind.name(),
            args.files.len()
        );
    };
    if args.kind == Kind::Monitor {
        let m = super::monitor::monitored(&super::monitor::Request {
            file,
            actuals: args.actuals.as_deref(),
            year: args.year.as_deref(),
            to: args.to.as_deref(),
            forecast: None,
            set: &args.set,
            output,
            format: None,
            year_end: false,
        })?;
        svg_only()?;
        emit(
            &chart::monitor::chart(&m.loaded.scenario, &m.monitor)?,
            output,
        )?;
        return Ok(Outcome::Success);
    }
    refuse_output_over_inputs(output, &[file], &[])?;
    let (loaded, sources) = load(file, &args.set)?;
    refuse_output_over_inputs(output, &[], &[&sources])?;
    svg_only()?;
    let s = &loaded.scenario;
    let drawn = match args.kind {
        Kind::Fan => {
            let projection = central(&loaded, &sources)?;
            let options = monte_carlo_options(s, args.draws, args.seed, args.precision)?;
            let ranges = uncertainty::ranges(s, &projection, &options)?;
            chart::fan::chart(s, &projection, Some(&ranges))
        }
        Kind::Shares => chart::shares::chart(s, &central(&loaded, &sources)?),
        Kind::Partners => chart::partners::chart(s, &central(&loaded, &sources)?),
        Kind::Tornado => match uncertainty::sensitivity::tornado(s) {
            Ok(t) => chart::tornado::chart(s, &t),
            Err(TornadoError::Engine(e)) => {
                return Err(
                    Rejected::new(&Diagnostics::from(Diagnostic::from(e)), &sources).into(),
                );
            }
            Err(e) => return Err(e.into()),
        },
        Kind::Tail => {
            let projection = central(&loaded, &sources)?;
            let options = monte_carlo_options(s, args.draws, args.seed, args.precision)?;
            let options = uncertainty::settled(s, &projection, &options)?;
            let of = args.tail.unwrap_or(uncertainty::tail::TailOf(10));
            chart::tail::chart(s, &uncertainty::tail::tail(s, &options, of)?)
        }
        Kind::Options | Kind::Monitor => unreachable!("drawn above"),
    };
    let svg = match drawn {
        Ok(svg) => svg,
        Err(ChartError::Nothing { message, help }) => {
            anyhow::bail!("{}: {message}\n  = help: {help}", file.display())
        }
        Err(e) => return Err(e.into()),
    };
    emit(&svg, output)?;
    Ok(Outcome::Success)
}
