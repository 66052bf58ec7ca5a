//! `pool-model appraise A.toml B.toml ...`: the options appraisal of SPEC
//! 4.3, a Green Book shortlist side by side ([`crate::shortlist`]).
//!
//! Every file is read before any is reported, so one run shows the errors
//! of all of them (exit 2, nothing written). `-o FILE.svg` draws the
//! options chart instead of a table.

use std::path::PathBuf;

use crate::commands::{
    Outcome, Rejected, emit, load, monte_carlo_options, refuse_output_over_inputs,
};
use crate::error::{Diagnostic, Diagnostics};
use crate::report::{AppraiseReport, Format, Writes, Written};
use crate::scenario::Override;
use crate::shortlist::{Appraised, Largest, Shortlist};
use crate::uncertainty::sensitivity::{TornadoError, largest_swing};
use crate::{RunError, RunOptions};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The options' scenario files (TOML), business as usual first.
    #[arg(required = true, num_args = 1..)]
    pub files: Vec<PathBuf>,

    /// Output format [default: from -o's extension (.csv, .json, .md, .svg for the chart), else table].
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<Format>,

    /// Write the results to this file (atomically) instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Leave out Monte Carlo: no expected NPV, chance of a loss or range.
    #[arg(long)]
    pub no_ranges: bool,

    /// Monte Carlo draws for every option [default: each scenario's `draws`, else 10000], or auto: as many as bring the NPV percentiles' standard error under £50,000.
    #[arg(long, value_name = "N|auto")]
    pub draws: Option<crate::commands::Draws>,

    /// With --draws auto: the standard error to reach, e.g. £10,000
    /// [default: £50,000, half the £0.1m a table prints].
    #[arg(long, value_name = "AMOUNT", value_parser = super::parse_precision)]
    pub precision: Option<rust_decimal::Decimal>,

    /// Random seed for every option [default: each scenario's `seed`, else 1].
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,

    /// Override one value in every option, e.g. --set scenario.discount_rate=1.5%.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<Override>,
}

pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    let output = args.output.as_deref();
    let writes = Writes {
        command: "appraise",
        svg: true,
    };
    // Checked before anything is read (after `-o` naming an input).
    let paths: Vec<&std::path::Path> = args.files.iter().map(PathBuf::as_path).collect();
    refuse_output_over_inputs(output, &paths, &[])?;
    if !super::names_a_scenario(output) {
        writes.choose(args.format, output)?;
    }
    super::warn_undrawn(
        args.no_ranges,
        &[
            ("--draws", args.draws.is_some()),
            ("--precision", args.precision.is_some()),
            ("--seed", args.seed.is_some()),
        ],
    );
    let shortlist = shortlist(
        &args.files,
        &args.set,
        output,
        Sampling {
            no_ranges: args.no_ranges,
            draws: args.draws,
            seed: args.seed,
            precision: args.precision,
        },
    )?;
    let written = writes.choose(args.format, output)?;
    let report = AppraiseReport {
        shortlist: &shortlist,
    };
    match written {
        Written::Svg => emit(&crate::chart::options::chart(&shortlist)?, output)?,
        Written::Text(format) => super::emit_as(
            format,
            |p| p.appraise(&report),
            || crate::report::xlsx::appraise(&report),
            output,
        )?,
    }
    Ok(Outcome::Success)
}

/// How each option's Monte Carlo runs.
#[derive(Clone, Copy, Debug, Default)]
pub struct Sampling {
    pub no_ranges: bool,
    pub draws: Option<crate::commands::Draws>,
    pub seed: Option<u64>,
    pub precision: Option<rust_decimal::Decimal>,
}

/// Reads every option (all of them before reporting any error, so one run
/// shows the errors of all), runs each, and warns on stderr of options
/// that cannot be compared. `output` is refused if it names an input.
pub fn shortlist(
    files: &[PathBuf],
    set: &[Override],
    output: Option<&std::path::Path>,
    sampling: Sampling,
) -> anyhow::Result<Shortlist> {
    let paths: Vec<&std::path::Path> = files.iter().map(PathBuf::as_path).collect();
    refuse_output_over_inputs(output, &paths, &[])?;
    let mut loaded = Vec::new();
    // Each distinct error once, with the options it came from.
    let mut rejected: Vec<(Rejected, Vec<usize>)> = Vec::new();
    for (i, path) in files.iter().enumerate() {
        match load(path, set) {
            Ok(ok) => loaded.push((path, ok)),
            Err(e) => match rejected.iter_mut().find(|(r, _)| r.rendered == e.rendered) {
                Some((_, options)) => options.push(i),
                None => rejected.push((e, vec![i])),
            },
        }
    }
    if !rejected.is_empty() {
        let count = rejected.len();
        for (n, (e, options)) in rejected.into_iter().enumerate() {
            anstream::eprint!("{}", e.rendered);
            // An error of `--set` names no file: say which options.
            let named = options.iter().all(|&i| {
                files
                    .get(i)
                    .is_some_and(|f| e.rendered.contains(&*f.display().to_string()))
            });
            if !named {
                let which: Vec<String> = options
                    .iter()
                    .filter_map(|&i| files.get(i).map(|f| format!("{} ({})", i + 1, f.display())))
                    .collect();
                eprintln!(
                    "  = note: in option(s) {}; --set applies to every option",
                    crate::display::escape(&which.join(", "))
                );
            }
            if n + 1 < count {
                eprintln!();
            }
        }
        return Err(super::Invalid.into());
    }
    let sources: Vec<_> = loaded.iter().map(|(_, (_, s))| s).collect();
    refuse_output_over_inputs(output, &[], &sources)?;

    let mut options = Vec::new();
    for (path, (l, sources)) in loaded {
        let s = &l.scenario;
        let run_options = RunOptions {
            monte_carlo: if sampling.no_ranges || !s.has_ranges() {
                None
            } else {
                Some(monte_carlo_options(
                    s,
                    sampling.draws,
                    sampling.seed,
                    sampling.precision,
                )?)
            },
        };
        let rejected = |e| Rejected::new(&Diagnostics::from(Diagnostic::from(e)), &sources);
        let results = crate::run(s, &run_options).map_err(|e| match e {
            RunError::Engine(e) => anyhow::Error::from(rejected(e)),
            RunError::MonteCarlo(e) => anyhow::Error::from(e),
        })?;
        let largest = match largest_swing(s) {
            Ok(Some(bar)) if !bar.swing.is_zero() => Largest::Bar(Box::new(bar)),
            Ok(_) => Largest::Nothing,
            Err(TornadoError::TooMuchWork { .. }) => Largest::TooMuchWork,
            Err(TornadoError::Engine(e)) => return Err(rejected(e).into()),
        };
        super::warn(s, &results.central, results.ranges.as_ref(), &sources, None);
        let (central, ranges) = (results.central, results.ranges);
        options.push(Appraised {
            file: path.display().to_string(),
            scenario: l.scenario,
            central,
            ranges,
            largest,
        });
    }
    let shortlist = Shortlist::new(options);
    for w in shortlist.warnings() {
        eprintln!("warning: {}", crate::display::escape_lines(&w));
    }
    Ok(shortlist)
}
