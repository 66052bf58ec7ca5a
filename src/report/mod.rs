//! Output formats, one module per format, behind one [`Printer`] interface.
//!
//! Reports never compute: they take a validated [`Scenario`] and the
//! engine's [`Projection`] and only choose what to show and how to round it
//! (through [`numbers`], the one place rounding happens). Output is
//! deterministic: the same input gives the same bytes.

pub mod csv;
pub mod grid;
pub mod html;
pub mod json;
pub mod markdown;
pub mod numbers;
pub mod statement;
pub mod table;
pub mod xlsx;

use std::fmt;

use crate::engine::Projection;
use crate::scenario::Scenario;

/// An output format (`--format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Tables for a person: £m to 1 dp, financial-year labels.
    Table,
    /// The same tables as GitHub-flavoured Markdown, for papers.
    Markdown,
    /// CSV for R and pandas: `project` tidy long, one value per row;
    /// `sensitivity`, `diff` and `appraise` one row per value, result or
    /// option.
    Csv,
    /// One JSON document (see docs/json.md): money in pounds to 2 dp.
    Json,
    /// An Excel workbook (see docs/xlsx.md): a sheet per table, years
    /// across, numbers as numbers.
    Xlsx,
}

impl Format {
    /// The format a file name implies (`.csv`, `.json`, `.md`), if any.
    pub fn from_extension(path: &std::path::Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            "md" | "markdown" => Some(Format::Markdown),
            "xlsx" => Some(Format::Xlsx),
            "txt" => Some(Format::Table),
            _ => None,
        }
    }

    /// The extension a file of this format has.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Table => "txt",
            Format::Markdown => "md",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Xlsx => "xlsx",
        }
    }

    /// What a person calls a file of this format.
    fn noun(self) -> &'static str {
        match self {
            Format::Table => "tables",
            Format::Markdown => "Markdown",
            Format::Csv => "CSV",
            Format::Json => "JSON",
            Format::Xlsx => "Excel workbooks",
        }
    }
}

/// The extension of `-o FILE`, lower case; none for standard output (`-`),
/// a name without one, and a directory (a name ending in `/` or an
/// existing directory), which the writer refuses with its own error.
pub fn extension_of(output: Option<&std::path::Path>) -> Option<String> {
    let o = output?;
    let text = o.as_os_str().to_string_lossy();
    if text == "-" || text.ends_with('/') || text.ends_with(std::path::MAIN_SEPARATOR) || o.is_dir()
    {
        return None;
    }
    o.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
}

/// What `-o FILE`'s extension asks a command to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Written {
    /// One of the text formats.
    Text(Format),
    /// An SVG chart (`appraise`, `chart`).
    Svg,
}

/// A command's formats: the text formats, and whether it draws an SVG.
pub struct Writes {
    pub command: &'static str,
    pub svg: bool,
}

impl Writes {
    /// What to write: `--format` when given, else what `-o`'s extension
    /// says, else a table. An extension this command does not write
    /// (`.pdf`, `.docx`, a typo), or one that contradicts `--format`, is an
    /// error naming what it writes: nothing is created. A file without an
    /// extension, and standard output (`-`), take `--format` or a table.
    pub fn choose(
        &self,
        explicit: Option<Format>,
        output: Option<&std::path::Path>,
    ) -> anyhow::Result<Written> {
        let Some(ext) = extension_of(output) else {
            return Ok(Written::Text(explicit.unwrap_or(Format::Table)));
        };
        let shown =
            crate::display::escape(&output.map(|o| o.display().to_string()).unwrap_or_default())
                .into_owned();
        let implied = match ext.as_str() {
            "svg" if self.svg => Some(Written::Svg),
            _ => {
                Format::from_extension(std::path::Path::new(&format!("x.{ext}"))).map(Written::Text)
            }
        };
        match (implied, explicit) {
            (Some(w), None) => Ok(w),
            // `--format` wins over a text format's extension (as the
            // README says), not over a picture's nor a workbook's: a
            // workbook is never written into a .csv, nor CSV into a .xlsx
            // that Excel would refuse to open.
            (Some(Written::Text(i)), Some(e))
                if i == e || (i != Format::Xlsx && e != Format::Xlsx) =>
            {
                Ok(Written::Text(e))
            }
            (Some(_), Some(e)) => anyhow::bail!(
                "{shown}: `--format {e}` writes {}, but the file's name ends in .{ext}\n  = help: name the file .{} or leave out --format",
                e.noun(),
                e.extension()
            ),
            (None, _) => anyhow::bail!(
                "{shown}: `pool-model {}` does not write .{ext} files\n  = help: it writes {}; nothing was written",
                self.command,
                self.list()
            ),
        }
    }

    /// "tables (.txt), Markdown (.md), CSV (.csv) and JSON (.json)".
    fn list(&self) -> String {
        let mut items: Vec<String> = [
            Format::Table,
            Format::Markdown,
            Format::Csv,
            Format::Json,
            Format::Xlsx,
        ]
        .iter()
        .map(|f| format!("{} (.{})", f.noun(), f.extension()))
        .collect();
        if self.svg {
            items.push("an SVG chart (.svg)".into());
        }
        match items.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
            _ => items.join(""),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Table => "table",
            Format::Markdown => "markdown",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Xlsx => "xlsx",
        })
    }
}

/// What `pool-model project` prints: a scenario, its exact central
/// projection and its Monte Carlo ranges.
pub struct ProjectionReport<'a> {
    pub scenario: &'a Scenario,
    pub central: &'a Projection,
    /// Monte Carlo percentiles; `None` with `--no-ranges`.
    pub ranges: Option<&'a crate::uncertainty::Ranges>,
    /// Which tables a table or Markdown shows, and which way the years run.
    pub layout: Layout,
}

/// The tables of `project` (`--tables`), by what they show.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum TableKind {
    /// The pool by year, and where its savings come from.
    Summary,
    Services,
    /// Each service's settings after the shift.
    Settings,
    Workforce,
    /// Partners' contributions and risk share.
    Partners,
    /// Monte Carlo ranges and percentiles.
    Ranges,
    /// The Green Book appraisal by year.
    Appraisal,
}

/// How a table or Markdown projection is laid out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Layout {
    /// The tables shown, in the tool's order; every one when empty.
    pub tables: Vec<TableKind>,
    /// Years across the columns, as finance papers lay them out, rather
    /// than down the rows.
    pub years_across: bool,
}

/// What `pool-model diff` prints: two scenarios and how they differ.
pub struct DiffReport<'a> {
    /// The files as given on the command line.
    pub a_file: &'a str,
    pub b_file: &'a str,
    pub a: &'a Scenario,
    pub b: &'a Scenario,
    /// The central cases, for the headline.
    pub a_central: &'a crate::engine::Projection,
    pub b_central: &'a crate::engine::Projection,
    pub comparison: &'a crate::diff::Comparison,
    /// Table and Markdown list every result that differs, not the largest
    /// [`crate::report::grid::DIFF_RESULTS_SHOWN`] (`--all`).
    pub all: bool,
}

/// What `pool-model sensitivity` prints: the tornado of one scenario.
pub struct SensitivityReport<'a> {
    pub scenario: &'a Scenario,
    pub tornado: &'a crate::uncertainty::sensitivity::Tornado,
    /// `--tail pNN`: what drives NPV's tail, printed instead of the
    /// tornado.
    pub tail: Option<&'a crate::uncertainty::tail::Tail>,
}

/// What `pool-model appraise` prints: the options side by side.
pub struct AppraiseReport<'a> {
    pub shortlist: &'a crate::shortlist::Shortlist,
}

/// What `pool-model monitor` and `pool-model settle` print: a plan's year
/// monitored against actuals, or settled at year end.
pub struct MonitorReport<'a> {
    pub scenario: &'a Scenario,
    pub monitor: &'a crate::monitoring::Monitor,
    /// The year-end statement (`settle`) rather than the in-year report.
    pub year_end: bool,
}

/// One output format: renders each kind of report to text.
pub trait Printer {
    fn projection(&self, report: &ProjectionReport<'_>) -> String;
    fn diff(&self, report: &DiffReport<'_>) -> String;
    fn sensitivity(&self, report: &SensitivityReport<'_>) -> String;
    fn appraise(&self, report: &AppraiseReport<'_>) -> String;
    fn monitor(&self, report: &MonitorReport<'_>) -> String;
}

/// The printer of a format.
pub fn printer(format: Format) -> Box<dyn Printer> {
    match format {
        Format::Table => Box::new(table::TablePrinter),
        Format::Markdown => Box::new(markdown::MarkdownPrinter),
        Format::Csv => Box::new(csv::CsvPrinter),
        Format::Json => Box::new(json::JsonPrinter),
        // Never asked: a workbook is written by [`xlsx`], not as text.
        Format::Xlsx => Box::new(table::TablePrinter),
    }
}
