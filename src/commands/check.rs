//! `pool-model check FILE...`: validate scenarios and evaluate their
//! `[[expect]]` assertions, for CI.
//!
//! One line per file: `ok`, or one line per failed expectation with its
//! metric, year, case, value and bound. A summary line closes the run.
//! Exit 0 when every file is valid and every expectation passes, 1 when an
//! expectation fails, 2 when a file is invalid or missing; every file is
//! checked and reported either way.

use std::path::{Path, PathBuf};

use crate::commands::{
    Outcome, Rejected, central, emit, monte_carlo_options, refuse_output_over_inputs,
};
use crate::expectations::{Bound, Verdict, WithRanges, evaluate};
use crate::report::numbers::exact_for_people;
use crate::scenario::Case;
use crate::scenario::{self, Override};
use crate::source::SourceMap;
use crate::uncertainty;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Scenario files to check.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,

    /// Override one value in every file, e.g. --set scenario.horizon=5.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<Override>,

    /// Write the report to this file (atomically) instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Monte Carlo draws for percentile expectations [default: each
    /// scenario's `draws`], or auto (see `project --draws`).
    #[arg(long, value_name = "N|auto")]
    pub draws: Option<crate::commands::Draws>,

    /// Random seed for percentile expectations [default: each scenario's].
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,

    /// Fail (exit 1) on a file with warnings: a plan that is valid but
    /// implausible, as on a failed expectation.
    #[arg(long)]
    pub deny_warnings: bool,
}

/// How one file came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum FileResult {
    Ok,
    /// Valid, expectations pass, but warnings with `--deny-warnings`.
    Warned,
    Failed,
    Invalid,
}

pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    let paths: Vec<&Path> = args.files.iter().map(PathBuf::as_path).collect();
    refuse_output_over_inputs(args.output.as_deref(), &paths, &[])?;
    let text_only =
        || super::only_extension("check", args.output.as_deref(), "txt", "its report as text");
    if !super::names_a_scenario(args.output.as_deref()) {
        text_only()?;
    }
    let mut report = String::new();
    let mut results = Vec::new();
    for path in &args.files {
        let name = crate::display::escape(&path.display().to_string()).into_owned();
        let (result, lines) = check_file(path, &name, args)?;
        report.push_str(&lines);
        results.push(result);
    }
    let count = |r: FileResult| results.iter().filter(|x| **x == r).count();
    let denied = if args.deny_warnings {
        format!(
            ", {} failed on warnings (--deny-warnings)",
            count(FileResult::Warned)
        )
    } else {
        String::new()
    };
    report.push_str(&format!(
        "{} file(s) checked: {} ok, {} with failed expectations{denied}, {} invalid\n",
        results.len(),
        count(FileResult::Ok),
        count(FileResult::Failed),
        count(FileResult::Invalid)
    ));
    text_only()?;
    emit(&report, args.output.as_deref())?;
    match results.iter().max() {
        Some(FileResult::Invalid) => Err(crate::commands::Invalid.into()),
        Some(FileResult::Failed | FileResult::Warned) => Ok(Outcome::Differs),
        _ => Ok(Outcome::Success),
    }
}

/// Checks one file; diagnostics of an invalid file go to stderr at once.
fn check_file(path: &Path, name: &str, args: &Args) -> anyhow::Result<(FileResult, String)> {
    // The files read are known even when one is invalid: the report is
    // written either way, and never over any of them.
    let mut sources = SourceMap::new();
    let loaded = scenario::load_with(path, &args.set, &mut sources);
    refuse_output_over_inputs(args.output.as_deref(), &[], &[&sources])?;
    let loaded = loaded
        .map_err(|diags| Rejected::new(&diags, &sources))
        .and_then(|loaded| {
            let p = central(&loaded, &sources)?;
            Ok((loaded, p))
        });
    let (loaded, projection) = match loaded {
        Ok(x) => x,
        Err(rejected) => {
            anstream::eprint!("{}", rejected.rendered);
            let n = rejected.count;
            return Ok((
                FileResult::Invalid,
                format!("{name}: invalid ({n} error(s), reported on stderr)\n"),
            ));
        }
    };
    let s = &loaded.scenario;
    let needs_ranges = s.expects.iter().any(|e| e.case != Case::Central);
    let options = monte_carlo_options(s, args.draws, args.seed, None)?;
    let ranges = if needs_ranges {
        Some(uncertainty::ranges(s, &projection, &options)?)
    } else {
        // What `project` would refuse, `check` does not pass.
        if options.precision.is_none() {
            uncertainty::check_run(s, options.draws)?;
        }
        None
    };
    let verdicts = evaluate(
        s,
        &WithRanges {
            central: &projection,
            ranges: ranges.as_ref(),
        },
    );
    let monitored = match super::monitor::expectations(s, &mut sources) {
        Ok(v) => v,
        Err(rejected) => {
            anstream::eprint!("{}", rejected.rendered);
            let n = rejected.count;
            return Ok((
                FileResult::Invalid,
                format!(
                    "{name}: invalid ({n} error(s) in its actuals or their [[expect]]s, reported on stderr)\n"
                ),
            ));
        }
    };
    // With several files, say whose warnings follow: a variant's may point
    // into the file it extends.
    let heading = format!("{name}: warnings");
    let heading = (args.files.len() > 1).then_some(heading.as_str());
    let mut warnings = super::warn(s, &projection, ranges.as_ref(), &sources, heading);
    // Actuals named but not there (with expectations of them, an error
    // above).
    if let Some((path, loc)) = super::monitor::actuals_path(s, &sources) {
        if s.monitor_expects.is_empty() && !path.exists() {
            let w = crate::error::Diagnostic::at(
                loc,
                format!("the actuals named here, {}, do not exist", path.display()),
            )
            .help(
                "the path is relative to the file that names it; `pool-model monitor` reads them",
            );
            anstream::eprint!("{}", w.render_warning(&sources, true));
            warnings += 1;
        }
    }
    let mut lines = String::new();
    let mut failed = 0;
    let mut skipped = Vec::new();
    // Each expectation as (metric, where it was read, its case, unit,
    // verdict), plan metrics first, then monitoring ones.
    let mut judged = Vec::new();
    for (i, verdict) in &verdicts {
        let Some(e) = s.expects.get(*i) else { continue };
        let year = e.year.map_or("years 1 to the horizon".to_string(), |t| {
            s.year(t).to_string()
        });
        // The chance of a loss is one figure over the draws: no year, no
        // case to name.
        let whole = if e.metric == crate::metric::Metric::LossProbability {
            "over the draws".to_string()
        } else {
            format!("in {year} ({})", e.case)
        };
        let case = e.case.to_string();
        judged.push((e.metric.name(s), whole, case, e.metric.unit(), verdict));
    }
    for (e, as_at, verdict) in &monitored {
        let whole = format!("in {} ({as_at})", s.year(e.year));
        judged.push((
            e.metric.name(s),
            whole,
            as_at.clone(),
            e.metric.unit(),
            verdict,
        ));
    }
    for (metric, whole, case, unit, verdict) in judged {
        match verdict {
            Verdict::Pass => {}
            Verdict::Fail { value, bound } => {
                failed += 1;
                let (what, b) = match bound {
                    Bound::Min(b) => ("below the minimum", *b),
                    Bound::Max(b) => ("above the maximum", *b),
                };
                lines.push_str(&format!(
                    "{name}: FAILED {metric} {whole}: {} is {what} {}\n",
                    exact_for_people(*value, unit),
                    exact_for_people(b, unit)
                ));
            }
            Verdict::NotEvaluated(why) => skipped.push(format!("{metric} {case} ({why})")),
        }
    }
    let n = s.expects.len() + monitored.len();
    let warned = match warnings {
        0 => String::new(),
        1 => "; 1 warning, on stderr".to_string(),
        w => format!("; {w} warnings, on stderr"),
    };
    if failed == 0 && (warnings == 0 || !args.deny_warnings) {
        let mut line = format!("{name}: ok ({} expectation(s) passed", n - skipped.len());
        if !skipped.is_empty() {
            line.push_str(&format!(
                "; {} not evaluated: {}",
                skipped.len(),
                skipped.join(", ")
            ));
        }
        line.push_str(&warned);
        line.push_str(")\n");
        lines.push_str(&line);
        Ok((FileResult::Ok, lines))
    } else if failed == 0 {
        lines.push_str(&format!(
            "{name}: FAILED with --deny-warnings ({} expectation(s) passed{warned})\n",
            n - skipped.len()
        ));
        Ok((FileResult::Warned, lines))
    } else {
        if warnings > 0 {
            lines.push_str(&format!("{name}: {}\n", warned.trim_start_matches("; ")));
        }
        Ok((FileResult::Failed, lines))
    }
}
