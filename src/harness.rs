//! Drives the whole tool on untrusted bytes, for the property tests and the
//! fuzz target (`fuzz/`): read and validate, project, sample, vary, print
//! every format, draw every chart, evaluate expectations and compare.
//!
//! The contract it checks: any input gives either results or located
//! diagnostics (a file, line and column for every problem), and never a
//! panic; and what a person reads (tables, Markdown, charts, diagnostics)
//! holds no character [`crate::display::is_unsafe`] forbids but the
//! tool's own line breaks (and the tabs of a quoted source line). Files
//! are held in memory, so `extends` is exercised against the shipped
//! Birmingham scenario without touching the disk.

use std::path::Path;

use crate::chart::{self, ChartError};
use crate::diff::{Side, compare};
use crate::engine::project;
use crate::error::{Diagnostics, Place};
use crate::expectations::{WithRanges, evaluate};
use crate::report::{DiffReport, Format, ProjectionReport, SensitivityReport, printer};
use crate::scenario::merge::Memory;
use crate::scenario::{Values, load_from};
use crate::source::SourceMap;
use crate::uncertainty::{Options, ranges, sensitivity};

/// The name the input is read under.
pub const INPUT: &str = "input.toml";

/// A base the input may extend.
pub const BASE: &str = include_str!("../scenarios/birmingham.toml");

/// Most draws the harness samples, so each input runs in milliseconds.
pub const DRAWS: u64 = 64;

/// Runs everything on `bytes`. `Err` describes a broken contract (a
/// diagnostic without a location); a panic is a broken contract too.
pub fn exercise(bytes: &[u8]) -> Result<(), String> {
    exercise_files(&[(INPUT, bytes), ("birmingham.toml", BASE.as_bytes())])
}

/// [`exercise`] with a set of files in memory (path, bytes), the first
/// being the scenario read; the others are there for `extends` to find or
/// to be refused (a path outside the pretend current folder, `/memory`).
pub fn exercise_files(files: &[(&str, &[u8])]) -> Result<(), String> {
    let Some((input, _)) = files.first() else {
        return Ok(());
    };
    let mut sources = SourceMap::new();
    let loaded = match load_from(&Memory(files), Path::new(input), &[], &mut sources) {
        Ok(l) => l,
        Err(diags) => {
            unquoted(&diags.render(&sources), files)?;
            return located(&diags, &sources);
        }
    };
    let s = &loaded.scenario;
    let central = match project(s, &Values::central(s)) {
        Ok(p) => p,
        Err(e) => {
            return located(
                &Diagnostics::from(crate::error::Diagnostic::from(e)),
                &sources,
            );
        }
    };
    let options = Options {
        draws: s.draws.min(DRAWS),
        seed: s.seed,
        percentiles: s.percentiles.clone(),
        precision: None,
    };
    let r = match ranges(s, &central, &options) {
        Ok(r) => Some(r),
        Err(crate::uncertainty::McError::TooMuchWork { .. }) => None,
        Err(e) => return Err(format!("Monte Carlo refused a valid scenario: {e}")),
    };
    let report = ProjectionReport {
        scenario: s,
        central: &central,
        ranges: r.as_ref(),
        layout: Default::default(),
    };
    for format in [Format::Table, Format::Markdown] {
        shown(&printer(format).projection(&report))?;
    }
    for format in [Format::Csv, Format::Json] {
        let _ = printer(format).projection(&report);
    }
    let _ = evaluate(
        s,
        &WithRanges {
            central: &central,
            ranges: r.as_ref(),
        },
    );
    if let Ok(tornado) = sensitivity::tornado(s) {
        shown(&printer(Format::Table).sensitivity(&SensitivityReport {
            scenario: s,
            tornado: &tornado,
            tail: None,
        }))?;
        drawn(chart::tornado::chart(s, &tornado))?;
    }
    drawn(chart::fan::chart(s, &central, r.as_ref()))?;
    drawn(chart::shares::chart(s, &central))?;
    drawn(chart::partners::chart(s, &central))?;
    let side = Side {
        loaded: &loaded,
        central: &central,
        ranges: r.as_ref(),
    };
    let comparison = compare(&side, &side);
    if !comparison.identical() {
        return Err("a scenario differs from itself".to_string());
    }
    let report = DiffReport {
        a_file: input,
        b_file: input,
        a: s,
        b: s,
        a_central: &central,
        b_central: &central,
        comparison: &comparison,
        all: false,
    };
    let _ = printer(Format::Csv).diff(&report);
    shown(&printer(Format::Markdown).diff(&report))?;
    Ok(())
}

/// Text for a person holds no character unsafe to show but line breaks
/// and tabs.
fn shown(text: &str) -> Result<(), String> {
    match text
        .chars()
        .find(|&c| !matches!(c, '\n' | '\t') && crate::display::is_unsafe(c))
    {
        Some(c) => Err(format!(
            "U+{:04X} reaches a person's output raw",
            u32::from(c)
        )),
        None => Ok(()),
    }
}

/// A chart is drawn, or there is nothing of its kind to draw.
fn drawn(chart: Result<String, ChartError>) -> Result<(), String> {
    match chart {
        Ok(svg) if svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>") => shown(&svg),
        Ok(_) => Err("a chart is not a whole SVG document".to_string()),
        Err(ChartError::Nothing { .. }) => Ok(()),
        Err(e) => Err(e.to_string()),
    }
}

/// No line of a file a base may not come from (outside the pretend
/// current folder, or not named `.toml`) reaches a diagnostic.
fn unquoted(rendered: &str, files: &[(&str, &[u8])]) -> Result<(), String> {
    let input = files
        .first()
        .map(|(_, b)| String::from_utf8_lossy(b))
        .unwrap_or_default();
    let forbidden = files.iter().skip(1).filter(|(path, _)| {
        path.starts_with('/') || path.starts_with("..") || !path.ends_with(".toml")
    });
    for (path, bytes) in forbidden {
        let text = String::from_utf8_lossy(bytes);
        if let Some(line) = text
            .lines()
            .map(str::trim)
            .find(|l| l.len() >= 8 && rendered.contains(l) && !input.contains(l))
        {
            return Err(format!("a diagnostic quotes {path}: `{line}`"));
        }
    }
    Ok(())
}

/// Every diagnostic must point somewhere, and render.
fn located(diags: &Diagnostics, sources: &SourceMap) -> Result<(), String> {
    if diags.is_empty() {
        return Err("rejected with no diagnostic".to_string());
    }
    for d in diags.iter() {
        match &d.place {
            Place::At(loc) if sources.get(loc.file).is_some() => {}
            Place::File(name) if !name.is_empty() => {}
            other => {
                return Err(format!(
                    "diagnostic without a location ({other:?}): {}",
                    d.message
                ));
            }
        }
    }
    shown(&diags.render(sources))
}

/// Every parser of SPEC 2.1's value syntax on `text`, for the `values`
/// fuzz target: each gives a value or an error with a help line, never a
/// panic, and a range it accepts is ordered.
pub fn values(text: &str) -> Result<(), String> {
    use crate::scenario::values::{
        FinancialYear, Kind, Uncertain, parse_money, parse_number, parse_percent, parse_uncertain,
    };
    let _ = parse_money(text);
    let _ = parse_percent(text);
    let _ = parse_number(text);
    let _ = text.parse::<FinancialYear>();
    for kind in [Kind::Money, Kind::Percent, Kind::Number] {
        match parse_uncertain(text, kind) {
            Ok(Uncertain::Range(r)) if !(r.low <= r.central && r.central <= r.high) => {
                return Err(format!("`{text}` gave a range out of order: {r:?}"));
            }
            Ok(_) => {}
            Err(e) if e.help.is_none() && e.message.is_empty() => {
                return Err(format!("`{text}` gave an empty error"));
            }
            Err(_) => {}
        }
    }
    Ok(())
}
