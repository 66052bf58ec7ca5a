//! Output formats, one module per format, behind one [`Printer`] interface.
//!
//! Reports never compute: they take a validated [`Scenario`] and the
//! engine's [`Projection`] and only choose what to show and how to round it
//! (through [`numbers`], the one place rounding happens). Output is
//! deterministic: the same input gives the same bytes.

pub mod csv;
pub mod grid;
pub mod json;
pub mod markdown;
pub mod numbers;
pub mod table;

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
    /// Tidy long CSV for R and pandas: one value per row.
    Csv,
    /// One JSON document (see docs/json.md): money in pounds to 2 dp.
    Json,
}

impl Format {
    /// The format a file name implies (`.csv`, `.json`, `.md`), if any.
    pub fn from_extension(path: &std::path::Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            "md" | "markdown" => Some(Format::Markdown),
            "txt" => Some(Format::Table),
            _ => None,
        }
    }

    /// `--format` when given, else what `-o`'s extension implies, else a table.
    pub fn resolve(explicit: Option<Format>, output: Option<&std::path::Path>) -> Format {
        explicit
            .or_else(|| output.and_then(Format::from_extension))
            .unwrap_or(Format::Table)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Table => "table",
            Format::Markdown => "markdown",
            Format::Csv => "csv",
            Format::Json => "json",
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
}

/// What `pool-model diff` prints: two scenarios and how they differ.
pub struct DiffReport<'a> {
    /// The files as given on the command line.
    pub a_file: &'a str,
    pub b_file: &'a str,
    pub a: &'a Scenario,
    pub b: &'a Scenario,
    pub comparison: &'a crate::diff::Comparison,
}

/// What `pool-model sensitivity` prints: the tornado of one scenario.
pub struct SensitivityReport<'a> {
    pub scenario: &'a Scenario,
    pub tornado: &'a crate::uncertainty::sensitivity::Tornado,
}

/// What `pool-model appraise` prints: the options side by side.
pub struct AppraiseReport<'a> {
    pub shortlist: &'a crate::shortlist::Shortlist,
}

/// One output format: renders each kind of report to text.
pub trait Printer {
    fn projection(&self, report: &ProjectionReport<'_>) -> String;
    fn diff(&self, report: &DiffReport<'_>) -> String;
    fn sensitivity(&self, report: &SensitivityReport<'_>) -> String;
    fn appraise(&self, report: &AppraiseReport<'_>) -> String;
}

/// The printer of a format.
pub fn printer(format: Format) -> Box<dyn Printer> {
    match format {
        Format::Table => Box::new(table::TablePrinter),
        Format::Markdown => Box::new(markdown::MarkdownPrinter),
        Format::Csv => Box::new(csv::CsvPrinter),
        Format::Json => Box::new(json::JsonPrinter),
    }
}
