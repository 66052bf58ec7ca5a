//! The library's face: one call from a validated scenario to its results.
//!
//! ```no_run
//! use pool_model::{RunOptions, SourceMap, run, scenario};
//!
//! let mut sources = SourceMap::new();
//! let text = std::fs::read_to_string("scenarios/birmingham.toml")?;
//! let s = scenario::load_str("birmingham.toml", &text, &mut sources)
//!     .map_err(|e| e.render(&sources))?;
//! let results = run(&s, &RunOptions::of(&s))?;
//! println!("NPV: £{}", results.central.npv.round_dp(2));
//! // The same document as `pool-model project --format json`.
//! let json = serde_json::to_string_pretty(&results)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! [`run`] is what `pool-model project` does between reading the file and
//! printing: the exact central case ([`crate::engine`]) and, unless asked
//! not to, the Monte Carlo ranges ([`crate::uncertainty`]). [`Results`]
//! serialise as the JSON document of docs/json.md.

use serde::Serialize;

use crate::engine::{self, EngineError, Projection};
use crate::report::json;
use crate::scenario::{Scenario, Values};
use crate::uncertainty::{self, McError, Ranges};

/// What to compute besides the central case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunOptions {
    /// Monte Carlo draws, seed and percentiles; `None` for the central
    /// case only.
    pub monte_carlo: Option<uncertainty::Options>,
}

impl RunOptions {
    /// As `pool-model project` runs a scenario: its own draws, seed and
    /// percentiles.
    pub fn of(s: &Scenario) -> RunOptions {
        RunOptions {
            monte_carlo: Some(uncertainty::Options::of(s)),
        }
    }

    /// The central case only (`--no-ranges`).
    pub fn central_only() -> RunOptions {
        RunOptions { monte_carlo: None }
    }
}

/// Every figure of one scenario's run.
#[derive(Clone, Debug)]
pub struct Results<'a> {
    pub scenario: &'a Scenario,
    /// The exact central case.
    pub central: Projection,
    /// Monte Carlo percentiles, when asked for.
    pub ranges: Option<Ranges>,
}

/// Why a run could not finish.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum RunError {
    /// A figure is too large to compute exactly.
    #[error(transparent)]
    Engine(#[from] EngineError),
    /// Monte Carlo could not run (no draws, or too much work).
    #[error(transparent)]
    MonteCarlo(#[from] McError),
}

/// Runs a validated scenario: the exact central case, and the Monte Carlo
/// ranges when `options` ask for them.
pub fn run<'a>(scenario: &'a Scenario, options: &RunOptions) -> Result<Results<'a>, RunError> {
    let central = engine::project(scenario, &Values::central(scenario))?;
    let ranges = match &options.monte_carlo {
        Some(mc) => Some(uncertainty::ranges(scenario, &central, mc)?),
        None => None,
    };
    Ok(Results {
        scenario,
        central,
        ranges,
    })
}

impl Serialize for Results<'_> {
    /// The JSON document of `pool-model project --format json`.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        json::projection_document(self.scenario, &self.central, self.ranges.as_ref())
            .serialize(serializer)
    }
}
