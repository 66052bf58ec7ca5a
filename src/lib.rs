//! pool-model: exact projections of pooled health and social care budgets.
//!
//! Councils and NHS bodies pool money under section 75 agreements, shift care
//! from residential settings to community ones, expect "3 to 7%" savings and
//! agree who bears an overspend. This crate models that, to the penny.
//!
//! Data flows one way (see `STYLE.md`):
//!
//! ```text
//! file -> scenario::document (located TOML) -> scenario::raw (typed, located)
//!      -> scenario::validate -> Scenario -> engine::project -> Projection -> report
//! ```
//!
//! * [`scenario`]: the file format of SPEC 2, read and validated;
//! * [`engine`]: the exact model of SPEC 3 on a validated scenario;
//! * [`metric`]: the metric names of SPEC 4.2;
//! * [`report`]: one module per output format;
//! * [`chart`]: SVG charts, one module per kind;
//! * [`display`]: the one rule that makes a user's text safe to show;
//! * [`cli`] and [`commands`]: the command-line tool over the library.

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
pub mod commands;
pub mod diff;
pub mod display;
pub mod engine;
pub mod error;
pub mod expectations;
#[doc(hidden)]
pub mod harness;
pub mod limits;
pub mod model;
pub use scenario::metric;
pub mod output;
pub mod progress;
pub mod report;
pub mod scenario;
pub mod source;
pub mod uncertainty;

pub use engine::{Projection, project};
pub use error::{Diagnostic, Diagnostics};
pub use scenario::{Scenario, Values};
pub use source::SourceMap;
