//! One module per subcommand, each owning its arguments and a `run`.
//!
//! A command reads like a short story: load the scenario, run the engine,
//! print the report. Errors in the user's input are rendered here, with the
//! run's [`SourceMap`], into a [`Rejected`] error that exits with code 2.

pub mod appraise;
pub mod chart;
pub mod check;
pub mod completions;
pub mod diff;
pub mod init;
pub mod man;
pub mod monitor;
pub mod project;
pub mod report;
pub mod sensitivity;
pub mod settle;

use std::path::Path;

use crate::engine::{self, Projection};
use crate::error::{Diagnostic, Diagnostics};
use crate::limits::MAX_DRAWS;
use crate::report::{Format, Writes, Written};
use crate::scenario::{self, Loaded, Override, Scenario, Values};
use crate::source::SourceMap;
use crate::uncertainty;

/// How a command that ran to the end came out.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0.
    Success,
    /// Exit 1: a difference, or a failed expectation.
    Differs,
}

/// Invalid input, already rendered with its source lines (exit 2).
#[derive(Debug, thiserror::Error)]
#[error("{rendered}")]
pub struct Rejected {
    pub rendered: String,
    /// How many problems were found.
    pub count: usize,
}

/// Some input was invalid and has already been reported (exit 2).
#[derive(Debug, thiserror::Error)]
#[error("invalid input (reported above)")]
pub struct Invalid;

impl Rejected {
    /// Renders with colours; they are stripped on the way out unless
    /// stderr is a terminal and `NO_COLOR` is unset.
    pub fn new(diags: &Diagnostics, sources: &SourceMap) -> Self {
        Rejected {
            rendered: diags.render_styled(sources),
            count: diags.len(),
        }
    }
}

/// Loads and validates a scenario with its overrides, or renders why it
/// is invalid.
pub fn load(path: &Path, overrides: &[Override]) -> Result<(Loaded, SourceMap), Rejected> {
    let mut sources = SourceMap::new();
    match scenario::load_with(path, overrides, &mut sources) {
        Ok(loaded) => Ok((loaded, sources)),
        Err(diags) => Err(Rejected::new(&diags, &sources)),
    }
}

/// The central projection, or the engine's overflow rendered at its source.
pub fn central(loaded: &Loaded, sources: &SourceMap) -> Result<Projection, Rejected> {
    let s = &loaded.scenario;
    engine::project(s, &Values::central(s))
        .map_err(|e| Rejected::new(&Diagnostics::from(Diagnostic::from(e)), sources))
}

/// Prints the warnings of a plan that is valid but implausible
/// ([`crate::plausibility`]) to stderr, the first
/// [`crate::limits::MAX_SHOWN_ERRORS`] of them, after `heading` when there
/// are any, and returns how many there are.
pub fn warn(
    s: &Scenario,
    p: &Projection,
    ranges: Option<&uncertainty::Ranges>,
    sources: &SourceMap,
    heading: Option<&str>,
) -> usize {
    let all = crate::plausibility::warnings(s, p, ranges);
    if let (Some(h), false) = (heading, all.is_empty()) {
        anstream::eprintln!("{h}");
    }
    print_warnings(&all, sources);
    all.len()
}

/// Prints warnings to stderr, the first
/// [`crate::limits::MAX_SHOWN_ERRORS`] of them, then how many more.
pub fn print_warnings(all: &[Diagnostic], sources: &SourceMap) {
    let shown = crate::limits::MAX_SHOWN_ERRORS;
    for w in all.iter().take(shown) {
        anstream::eprint!("{}", w.render_warning(sources, true));
    }
    if all.len() > shown {
        anstream::eprintln!(
            "warning: and {} more (the first {shown} of {} are shown)",
            all.len() - shown,
            all.len()
        );
    }
}

/// Warns that options of the draws (those `given`, by flag) were passed
/// with `--no-ranges`, which draws nothing: a script that means to sample
/// learns that it does not.
pub fn warn_undrawn(no_ranges: bool, given: &[(&str, bool)]) {
    let flags: Vec<&str> = given
        .iter()
        .filter_map(|&(flag, is)| is.then_some(flag))
        .collect();
    if no_ranges && !flags.is_empty() {
        anstream::eprintln!(
            "warning: {} {} no effect with --no-ranges, which runs the central case only",
            flags.join(" and "),
            if flags.len() == 1 { "has" } else { "have" }
        );
    }
}

/// `--precision`: a positive amount of money.
pub fn parse_precision(text: &str) -> Result<rust_decimal::Decimal, String> {
    match crate::scenario::values::parse_money(text) {
        Ok(v) if v > rust_decimal::Decimal::ZERO => Ok(v),
        Ok(_) => Err("the standard error to reach must be above £0, e.g. £10,000".into()),
        Err(e) => Err(e.message),
    }
}

/// `--draws N`, or `--draws auto`: as many as bring the standard error of
/// the NPV's percentiles under a target (docs/uncertainty.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Draws {
    Count(u64),
    Auto,
}

impl std::str::FromStr for Draws {
    type Err = String;

    fn from_str(text: &str) -> Result<Draws, String> {
        if text.eq_ignore_ascii_case("auto") {
            return Ok(Draws::Auto);
        }
        text.replace(['_', ','], "")
            .parse::<u64>()
            .map(Draws::Count)
            .map_err(|_| format!("`{text}` is not a number of draws: write e.g. 100000, or auto"))
    }
}

/// Monte Carlo options: the scenario's, with `--draws` and `--seed`
/// overriding them (a usage error outside the documented limits).
pub fn monte_carlo_options(
    s: &Scenario,
    draws: Option<Draws>,
    seed: Option<u64>,
    precision: Option<rust_decimal::Decimal>,
) -> anyhow::Result<uncertainty::Options> {
    if precision.is_some() && draws != Some(Draws::Auto) {
        anyhow::bail!(
            "--precision sets the target of --draws auto\n  = help: add --draws auto, or leave out --precision"
        );
    }
    let mut options = uncertainty::Options::of(s);
    match draws {
        Some(Draws::Count(d)) => {
            if !(1..=MAX_DRAWS).contains(&d) {
                anyhow::bail!("--draws must be 1 to {MAX_DRAWS}, not {d} (or auto)");
            }
            options.draws = d;
        }
        Some(Draws::Auto) => {
            options.draws = MAX_DRAWS;
            options.precision = Some(precision.unwrap_or(uncertainty::precision::DEFAULT_TARGET));
        }
        None => {}
    }
    if let Some(seed) = seed {
        options.seed = seed;
    }
    Ok(options)
}

/// Refuses `-o FILE` naming a file this run reads: one of `paths` (the
/// scenarios named on the command line, checked before they are read) or
/// any file of `sources` (their `extends` chains, checked once read and
/// before anything is computed). Compared by file identity, not spelling.
pub fn refuse_output_over_inputs(
    output: Option<&Path>,
    paths: &[&Path],
    sources: &[&SourceMap],
) -> anyhow::Result<()> {
    // No `-o` is standard output, as `-o -` is: checked all the same.
    let output = output.unwrap_or(Path::new("-"));
    let read = sources.iter().flat_map(|s| s.file_names().map(Path::new));
    crate::output::refuse_inputs(output, paths.iter().copied().chain(read))?;
    Ok(())
}

/// The text format a command that writes only text writes: see
/// [`Writes::choose`].
pub fn text_format(
    command: &'static str,
    explicit: Option<Format>,
    output: Option<&Path>,
) -> anyhow::Result<Format> {
    match (Writes {
        command,
        svg: false,
    })
    .choose(explicit, output)?
    {
        Written::Text(f) => Ok(f),
        Written::Svg => Ok(Format::Table),
    }
}

/// Refuses `-o FILE` whose extension is not `ext`, the one kind of file
/// `command` writes (`what`): nothing is created. A name without an
/// extension, and standard output, are fine.
pub fn only_extension(
    command: &str,
    output: Option<&Path>,
    ext: &str,
    what: &str,
) -> anyhow::Result<()> {
    match crate::report::extension_of(output) {
        Some(e) if e != ext => anyhow::bail!(
            "{}: `pool-model {command}` does not write .{e} files\n  = help: it writes {what} (.{ext}); nothing was written",
            crate::display::escape(&output.map(|o| o.display().to_string()).unwrap_or_default())
        ),
        _ => Ok(()),
    }
}

/// Whether `-o` names a scenario file (`.toml`): then whether it is one of
/// the inputs is known only once they are read, and that error comes
/// first, so its extension is checked after reading.
pub fn names_a_scenario(output: Option<&Path>) -> bool {
    crate::report::extension_of(output).is_some_and(|e| e == "toml")
}

/// Writes a workbook or text: a workbook's bytes are refused on a
/// terminal (give `-o FILE.xlsx`, or redirect stdout).
pub fn emit_as(
    format: Format,
    text: impl FnOnce(&dyn crate::report::Printer) -> String,
    workbook: impl FnOnce() -> Result<Vec<u8>, rust_xlsxwriter::XlsxError>,
    output: Option<&Path>,
) -> anyhow::Result<()> {
    use std::io::IsTerminal;
    if format != Format::Xlsx {
        return emit(&text(crate::report::printer(format).as_ref()), output);
    }
    if output.is_none_or(|o| o.as_os_str() == "-") && std::io::stdout().is_terminal() {
        anyhow::bail!(
            "a workbook is a binary file: give -o FILE.xlsx (or redirect stdout)\n  = help: e.g. -o results.xlsx"
        );
    }
    let bytes = workbook().map_err(|e| anyhow::anyhow!("writing the workbook failed: {e}"))?;
    Ok(crate::output::write(&bytes, output)?)
}

/// Writes results to stdout, or atomically to `-o FILE`.
pub fn emit(text: &str, output: Option<&Path>) -> anyhow::Result<()> {
    Ok(crate::output::write(text.as_bytes(), output)?)
}
