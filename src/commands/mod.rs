//! One module per subcommand, each owning its arguments and a `run`.
//!
//! A command reads like a short story: load the scenario, run the engine,
//! print the report. Errors in the user's input are rendered here, with the
//! run's [`SourceMap`], into a [`Rejected`] error that exits with code 2.

pub mod project;

use std::path::Path;

use crate::error::Diagnostics;
use crate::scenario::{self, Scenario};
use crate::source::SourceMap;

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
}

impl Rejected {
    pub fn new(diags: &Diagnostics, sources: &SourceMap) -> Self {
        Rejected {
            rendered: diags.render(sources),
        }
    }
}

/// Loads and validates a scenario, or renders why it is invalid.
pub fn load(path: &Path) -> Result<(Scenario, SourceMap), Rejected> {
    let mut sources = SourceMap::new();
    match scenario::load(path, &mut sources) {
        Ok(s) => Ok((s, sources)),
        Err(diags) => Err(Rejected::new(&diags, &sources)),
    }
}

/// Writes results to stdout, or atomically to `-o FILE`.
pub fn emit(text: &str, output: Option<&Path>) -> anyhow::Result<()> {
    Ok(crate::output::write(text.as_bytes(), output)?)
}
