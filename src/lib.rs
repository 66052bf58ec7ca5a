//! pool-model: exact projections of pooled health and social care budgets.
//!
//! Councils and NHS bodies pool money under section 75 agreements, shift care
//! from residential settings to community ones, expect "3 to 7%" savings and
//! agree who bears an overspend. This crate models that, to the penny.
//!
//! One call runs a scenario: [`scenario::load_str`] (or [`scenario::load`])
//! reads and validates a file, and [`run`] gives its [`Results`], which
//! serialise as the JSON of `pool-model project --format json`.
//!
//! Data flows one way (docs/architecture.md):
//!
//! ```text
//! file -> scenario::document (located TOML) -> scenario::raw (typed, located)
//!      -> scenario::validate -> Scenario -> model (one), run by a driver:
//!         engine (exact) or uncertainty (Monte Carlo) -> results -> report
//! ```
//!
//! * [`scenario`]: the file format of SPEC 2, read and validated;
//! * [`model`]: each formula of SPEC 3 once, generic over the number;
//! * [`engine`]: the exact driver; [`uncertainty`]: Monte Carlo and
//!   sensitivity;
//! * [`metric`]: the metric names of SPEC 4.2;
//! * [`report`]: one module per output format; [`chart`]: SVG charts;
//! * [`diff`] and [`expectations`]: comparing scenarios, checking
//!   `[[expect]]`;
//! * [`cli`]: the command-line tool over the library (its one public item
//!   is `main`).

// No panics on anything a user's input can reach: no unwrap or expect, no
// panic!, no indexing that can go out of bounds (tests may do all four).
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod chart;
pub mod cli;
mod commands;
pub mod diff;
mod display;
pub mod engine;
pub mod error;
pub mod expectations;
#[doc(hidden)]
pub mod harness;
pub mod limits;
pub mod model;
pub mod monitoring;
pub use scenario::metric;
mod output;
pub mod plausibility;
mod progress;
pub mod report;
mod run;
pub mod scenario;
pub mod shortlist;
pub mod source;
pub mod uncertainty;

pub use engine::{Projection, project};
pub use error::{Diagnostic, Diagnostics};
pub use run::{Results, RunError, RunOptions, run};
pub use scenario::{Scenario, Values};
pub use source::SourceMap;
