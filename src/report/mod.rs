//! Output formats, one module per format, behind one [`Printer`] interface.
//!
//! Reports never compute: they take a validated [`Scenario`] and the
//! engine's [`Projection`] and only choose what to show and how to round it
//! (through [`numbers`], the one place rounding happens). Output is
//! deterministic: the same input gives the same bytes.

pub mod json;
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
    /// One JSON document (see docs/json.md): money in pounds to 2 dp.
    Json,
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Table => "table",
            Format::Json => "json",
        })
    }
}

/// What `pool-model project` prints: a scenario and its central projection.
pub struct ProjectionReport<'a> {
    pub scenario: &'a Scenario,
    pub central: &'a Projection,
}

/// One output format: renders each kind of report to text.
pub trait Printer {
    fn projection(&self, report: &ProjectionReport<'_>) -> String;
}

/// The printer of a format.
pub fn printer(format: Format) -> Box<dyn Printer> {
    match format {
        Format::Table => Box::new(table::TablePrinter),
        Format::Json => Box::new(json::JsonPrinter),
    }
}
