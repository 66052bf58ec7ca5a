//! `pool-model diff A B`: what differs between two scenarios, inputs and
//! results, like `diff(1)`: exit 0 identical, 1 different, 2 error.
//!
//! `--set` applies to B only, so `diff base.toml base.toml --set KEY=VALUE`
//! answers "what does this one change do?".

use std::path::PathBuf;

use crate::commands::{Outcome, central, emit_as, load, refuse_output_over_inputs, text_format};
use crate::diff::{Side, compare};
use crate::report::{DiffReport, Format};
use crate::scenario::Override;
use crate::uncertainty;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The scenario to compare from.
    pub a: PathBuf,

    /// The scenario to compare to.
    pub b: PathBuf,

    /// Output format [default: from -o's extension (.csv, .json, .md), else table].
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<Format>,

    /// Write the report to this file (atomically) instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Override one value in B only, e.g. --set scenario.discount_rate=5%.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<Override>,

    /// Compare central results only, not Monte Carlo percentiles.
    #[arg(long)]
    pub no_ranges: bool,

    /// List every result that differs in a table or Markdown [default:
    /// the 20 largest; CSV, JSON and the workbook have every one].
    #[arg(long)]
    pub all: bool,
}

pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    let output = args.output.as_deref();
    refuse_output_over_inputs(output, &[&args.a, &args.b], &[])?;
    // Both files are read before either is reported, so one run shows the
    // errors of both; an output naming an input is refused before anything
    // is computed.
    let a = load(&args.a, &[]);
    let b = load(&args.b, &args.set);
    if let (Ok((_, sa)), Ok((_, sb))) = (&a, &b) {
        refuse_output_over_inputs(output, &[], &[sa, sb])?;
    }
    let format = text_format("diff", args.format, output)?;
    let a = a.and_then(|(l, s)| central(&l, &s).map(|p| (l, p)));
    let b = b.and_then(|(l, s)| central(&l, &s).map(|p| (l, p)));
    let ((la, pa), (lb, pb)) = match (a, b) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), Ok(_)) | (Ok(_), Err(e)) => return Err(e.into()),
        (Err(ea), Err(eb)) => {
            anstream::eprint!("{}", ea.rendered);
            eprintln!();
            return Err(eb.into());
        }
    };
    // Percentiles are compared when both scenarios have ranges.
    let sampled = !args.no_ranges && la.scenario.has_ranges() && lb.scenario.has_ranges();
    let (ra, rb) = if sampled {
        (
            Some(uncertainty::ranges(
                &la.scenario,
                &pa,
                &uncertainty::Options::of(&la.scenario),
            )?),
            Some(uncertainty::ranges(
                &lb.scenario,
                &pb,
                &uncertainty::Options::of(&lb.scenario),
            )?),
        )
    } else {
        (None, None)
    };
    let side = |loaded, central, ranges| Side {
        loaded,
        central,
        ranges,
    };
    let comparison = compare(&side(&la, &pa, ra.as_ref()), &side(&lb, &pb, rb.as_ref()));
    let (a_file, b_file) = (args.a.display().to_string(), args.b.display().to_string());
    let report = DiffReport {
        a_file: &a_file,
        b_file: &b_file,
        a: &la.scenario,
        b: &lb.scenario,
        a_central: &pa,
        b_central: &pb,
        comparison: &comparison,
        all: args.all,
    };
    emit_as(
        format,
        |p| p.diff(&report),
        || crate::report::xlsx::diff(&report),
        output,
    )?;
    Ok(if comparison.identical() {
        Outcome::Success
    } else {
        Outcome::Differs
    })
}
