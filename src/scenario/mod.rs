//! The scenario file format (SPEC 2): reading, merging and validation.
//!
//! Data flows one way: file bytes -> [`document`] (TOML as a located tree)
//! -> [`raw`] (typed values, each with its location) -> [`validate`] (the
//! rules of SPEC 2.4) -> [`Scenario`]. Every stage reports all the problems it
//! finds as located [`Diagnostics`]; a `Scenario` exists only for a valid file.

pub mod confine;
pub mod document;
mod labels;
pub mod merge;
pub mod metric;
pub mod model;
pub mod overrides;
pub mod raw;
pub mod read;
pub mod validate;
pub mod values;

use std::path::Path;

pub use model::*;
pub use overrides::Override;

use crate::error::{Diagnostic, Diagnostics};
use crate::source::{FileId, Loc, SourceMap};

/// Reads a file's text into `sources`, checking size (on the bytes read)
/// and encoding.
pub fn read_source(path: &Path, sources: &mut SourceMap) -> Result<FileId, Diagnostics> {
    read_source_as(path, &path.display().to_string(), sources)
}

/// [`read_source`], calling the file `name` in diagnostics.
pub fn read_source_as(
    path: &Path,
    name: &str,
    sources: &mut SourceMap,
) -> Result<FileId, Diagnostics> {
    let bytes = read::read_bounded(path, name)?;
    add_bytes(name, &bytes, sources)
}

/// Adds file bytes under `name`: BOM stripped, UTF-8 required.
pub fn add_bytes(name: &str, bytes: &[u8], sources: &mut SourceMap) -> Result<FileId, Diagnostics> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(sources.add_file(name, text)),
        Err(e) => {
            let at = e.valid_up_to();
            let byte = bytes.get(at).copied().unwrap_or(0);
            let id = sources.add_file(name, String::from_utf8_lossy(bytes).into_owned());
            Err(Diagnostic::at(
                Loc::new(id, at, at + 1),
                format!("the file is not valid UTF-8 text (byte 0x{byte:02x})"),
            )
            .help("save the scenario as UTF-8; if this is not a scenario file, check the path")
            .into())
        }
    }
}

/// A scenario as loaded: valid. The raw form it was read from stays in
/// this module; downstream code sees only the validated model.
#[derive(Clone, Debug)]
pub struct Loaded {
    pub scenario: Scenario,
}

/// Reads one scenario file: its `extends` chain merged, `--set` overrides
/// applied, then read and validated.
pub fn load_with(
    path: &Path,
    overrides: &[Override],
    sources: &mut SourceMap,
) -> Result<Loaded, Diagnostics> {
    load_from(&merge::Disk, path, overrides, sources)
}

/// [`load_with`] reading files from `files` (on disk, or in memory).
pub fn load_from(
    files: &dyn merge::Files,
    path: &Path,
    overrides: &[Override],
    sources: &mut SourceMap,
) -> Result<Loaded, Diagnostics> {
    let mut diags = Diagnostics::new();
    let Some((mut root, top)) = merge::load_document_from(files, path, sources, &mut diags) else {
        return Err(diags.finish());
    };
    overrides::apply(&mut root, overrides, sources, &mut diags);
    let raw = raw::read(&root, top, &mut diags);
    let scenario = validate::validate(&raw, sources, &mut diags);
    match scenario {
        Some(scenario) if diags.is_empty() => Ok(Loaded { scenario }),
        _ => Err(diags.finish()),
    }
}

/// Reads and validates one scenario file (no overrides).
pub fn load(path: &Path, sources: &mut SourceMap) -> Result<Scenario, Diagnostics> {
    load_with(path, &[], sources).map(|l| l.scenario)
}

/// Validates a parsed (and possibly merged) document.
pub fn from_document(
    root: &document::Table,
    top: Loc,
    sources: &SourceMap,
    mut diags: Diagnostics,
) -> Result<Scenario, Diagnostics> {
    let raw = raw::read(root, top, &mut diags);
    let scenario = validate::validate(&raw, sources, &mut diags);
    match scenario {
        Some(s) if diags.is_empty() => Ok(s),
        _ => Err(diags.finish()),
    }
}

/// Reads a scenario from text (for tests and tools): `name` is what
/// diagnostics call the file.
pub fn load_str(name: &str, text: &str, sources: &mut SourceMap) -> Result<Scenario, Diagnostics> {
    let file = add_bytes(name, text.as_bytes(), sources)?;
    let mut diags = Diagnostics::new();
    let Some(root) = document::parse(
        text.strip_prefix('\u{feff}').unwrap_or(text),
        file,
        &mut diags,
    ) else {
        return Err(diags.finish());
    };
    from_document(&root, Loc::file_start(file), sources, diags)
}
