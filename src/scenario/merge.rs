//! Variants: `extends` and merging a variant over its base (SPEC 2.3).
//!
//! Works on the located TOML tree, before typed reading, so every value of
//! the merged document keeps the location where it was written (base or
//! variant) and diagnostics point there.
//!
//! * Tables merge key by key, recursively (`[scenario]`, `[assumptions]`,
//!   inline tables such as `contributions`, `risk_share` or a range table).
//! * Arrays of tables merge by identity: `[[partner]]`, `[[service]]` and
//!   `[[service.setting]]` by `id`, `[[shift]]` by `service`, `[[saving]]`,
//!   `[[cost]]`, `[[variance]]` and `[[workforce]]` by `name`. A matched
//!   entry's keys replace (or, for tables, merge into) the base's; an
//!   unmatched entry is appended; `drop = true` removes the matched entry.
//! * Everything else (strings, numbers, plain arrays such as `amounts`)
//!   is replaced.
//! * `[[expect]]` is not inherited.

use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};

use super::confine::{self, Kind, Resolved};
use super::document::{self, Entry, Node, NodeKind, Table};
use super::read_source_as;
use crate::error::Diagnostic as D;
use crate::error::{Diagnostic, Diagnostics, list_ids};
use crate::limits::{MAX_EXTENDS_DEPTH, MAX_TOML_TOKENS};
use crate::source::{FileId, Loc, SourceMap};

/// The identity key of each top-level array of tables.
pub fn identity_key(section: &str) -> Option<&'static str> {
    match section {
        "partner" | "service" => Some("id"),
        "shift" => Some("service"),
        "saving" | "cost" | "variance" | "workforce" => Some("name"),
        _ => None,
    }
}

/// Where scenario files come from: the filesystem, or (for tests and
/// fuzzing) a set of files in memory.
pub trait Files {
    /// Reads the file at `path` into `sources`, calling it `name`.
    fn read(&self, path: &Path, name: &str, sources: &mut SourceMap)
    -> Result<FileId, Diagnostics>;
    /// A key that is the same for two paths naming the same file.
    fn identity(&self, path: &Path) -> PathBuf;
    /// Where `path` leads (symlinks and `..` followed) and what is there,
    /// or why it leads nowhere.
    fn resolve(&self, path: &Path) -> Result<Resolved, String>;
    /// The folders bases may come from in a run whose top scenario is `top`
    /// (see [`super::confine`]), resolved.
    fn roots(&self, top: &Path) -> Vec<PathBuf>;
}

/// Files on disk.
pub struct Disk;

impl Files for Disk {
    fn read(
        &self,
        path: &Path,
        name: &str,
        sources: &mut SourceMap,
    ) -> Result<FileId, Diagnostics> {
        read_source_as(path, name, sources)
    }

    fn identity(&self, path: &Path) -> PathBuf {
        std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
    }

    fn resolve(&self, path: &Path) -> Result<Resolved, String> {
        confine::resolve_on_disk(path)
    }

    fn roots(&self, top: &Path) -> Vec<PathBuf> {
        confine::roots_on_disk(top)
    }
}

/// Files in memory, by path. Relative paths are taken from a current
/// folder, [`MEMORY_CWD`], so `..` can lead out of it as on disk.
pub struct Memory<'a>(pub &'a [(&'a str, &'a [u8])]);

/// The current folder of [`Memory`] files.
pub const MEMORY_CWD: &str = "/memory";

impl Memory<'_> {
    /// The bytes of the file `path` names, if there is one.
    fn find(&self, path: &Path) -> Option<&[u8]> {
        let key = self.identity(path);
        self.0
            .iter()
            .find(|(p, _)| self.identity(Path::new(p)) == key)
            .map(|(_, bytes)| *bytes)
    }
}

impl Files for Memory<'_> {
    fn read(
        &self,
        path: &Path,
        name: &str,
        sources: &mut SourceMap,
    ) -> Result<FileId, Diagnostics> {
        match self.find(path) {
            Some(bytes) => super::add_bytes(name, bytes, sources),
            None => Err(D::file(name, "no such file").into()),
        }
    }

    fn identity(&self, path: &Path) -> PathBuf {
        // Lexical normalisation: `a/./b` and `a/x/../b` name `/memory/a/b`.
        let mut out = PathBuf::from(MEMORY_CWD);
        for part in path.components() {
            match part {
                std::path::Component::CurDir => {}
                std::path::Component::ParentDir => {
                    out.pop();
                }
                other => out.push(other),
            }
        }
        out
    }

    fn resolve(&self, path: &Path) -> Result<Resolved, String> {
        let path = self.identity(path);
        let kind = if self.find(&path).is_some() {
            Kind::File
        } else if self
            .0
            .iter()
            .any(|(p, _)| self.identity(Path::new(p)).starts_with(&path))
        {
            Kind::Directory
        } else {
            return Err("no such file".to_string());
        };
        Ok(Resolved { path, kind })
    }

    fn roots(&self, top: &Path) -> Vec<PathBuf> {
        let cwd = PathBuf::from(MEMORY_CWD);
        let folder = self.identity(top.parent().unwrap_or(Path::new("")));
        if folder == cwd {
            vec![cwd]
        } else {
            vec![cwd, folder]
        }
    }
}

/// Reads a scenario file and every file it extends, merged into one tree.
/// Returns the tree and the location of the top file's start. Each base
/// must pass [`confine::admit`] before it is opened.
pub fn load_document_from(
    files: &dyn Files,
    path: &Path,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
) -> Option<(Table, Loc)> {
    let mut chain = Vec::new();
    let run = Run {
        files,
        roots: files.roots(path),
    };
    let top = Link {
        path,
        open: path,
        via: None,
    };
    let mut tokens = MAX_TOML_TOKENS;
    load_chain(&run, &top, sources, diags, &mut chain, &mut tokens)
}

/// Reads a scenario file on disk and every file it extends.
pub fn load_document(
    path: &Path,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
) -> Option<(Table, Loc)> {
    load_document_from(&Disk, path, sources, diags)
}

/// What every link of one chain shares.
struct Run<'a> {
    files: &'a dyn Files,
    /// The folders a base may come from.
    roots: Vec<PathBuf>,
}

/// One file of an `extends` chain.
struct Link<'a> {
    /// The path as the chain reached it (a base's relative to its variant's):
    /// the file's name in diagnostics, and what its own `extends` is
    /// relative to.
    path: &'a Path,
    /// What to open: the path itself, or a base's admitted, resolved path.
    open: &'a Path,
    /// The `extends` value that led here (none for the top file).
    via: Option<Loc>,
}

fn load_chain(
    run: &Run,
    link: &Link,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
    chain: &mut Vec<(PathBuf, String)>,
    tokens: &mut usize,
) -> Option<(Table, Loc)> {
    let path = link.path;
    let file = match run
        .files
        .read(link.open, &path.display().to_string(), sources)
    {
        Ok(file) => file,
        Err(errors) => {
            match link.via {
                // A base that cannot be read is reported at the `extends` line.
                Some(at) => {
                    for e in errors.iter() {
                        diags.push(
                            Diagnostic::at(
                                at,
                                format!(
                                    "cannot read the base scenario {}: {}",
                                    path.display(),
                                    e.message
                                ),
                            )
                            .help("`extends` is a path relative to the file that extends"),
                        );
                    }
                }
                None => diags.extend(errors),
            }
            return None;
        }
    };
    let text = sources
        .get(file)
        .map(|f| f.text().to_string())
        .unwrap_or_default();
    let mut root = document::parse_within(&text, file, tokens, diags)?;
    let top = Loc::file_start(file);
    let Some(extends) = root.remove("extends") else {
        return Some((root, top));
    };
    let NodeKind::Str(base_name) = &extends.value.kind else {
        diags.push(
            Diagnostic::at(
                extends.value.loc,
                format!(
                    "`extends` must be a path string, not {}",
                    extends.value.kind.type_name()
                ),
            )
            .help("e.g. extends = \"birmingham.toml\""),
        );
        return None;
    };
    let at = extends.value.loc;
    let base_path = path.parent().unwrap_or(Path::new("")).join(base_name);
    let admitted = confine::admit(
        Path::new(base_name),
        || run.files.resolve(&base_path),
        &run.roots,
    );
    let base_open = match admitted {
        Ok(resolved) => resolved,
        Err(refusal) => {
            diags.push(
                Diagnostic::at(
                    at,
                    format!(
                        "cannot read the base scenario {base_name}: {}",
                        refusal.reason()
                    ),
                )
                .help(refusal.help(&run.roots)),
            );
            return None;
        }
    };
    let me = (run.files.identity(path), path.display().to_string());
    if chain.is_empty() {
        chain.push(me);
    }
    let base_key = run.files.identity(&base_path);
    if let Some(start) = chain.iter().position(|(p, _)| *p == base_key) {
        let mut names: Vec<String> = chain.iter().skip(start).map(|(_, n)| n.clone()).collect();
        names.push(base_path.display().to_string());
        diags.push(
            Diagnostic::at(
                at,
                format!("`extends` makes a cycle: {}", names.join(" -> ")),
            )
            .help("a variant extends its base; a base cannot extend its own variant"),
        );
        return None;
    }
    if chain.len() > MAX_EXTENDS_DEPTH {
        diags.push(
            Diagnostic::at(
                at,
                format!("`extends` chains more than {MAX_EXTENDS_DEPTH} deep"),
            )
            .help(format!(
                "the chain is {}",
                chain
                    .iter()
                    .map(|(_, n)| n.as_str())
                    .collect::<Vec<_>>()
                    .join(" -> ")
            )),
        );
        return None;
    }
    chain.push((base_key, base_path.display().to_string()));
    let base_link = Link {
        path: &base_path,
        open: &base_open,
        via: Some(at),
    };
    let base = load_chain(run, &base_link, sources, diags, chain, tokens);
    chain.pop();
    let (mut base, _) = base?;
    base.remove("expect");
    merge_root(&mut base, root, diags);
    Some((base, top))
}

/// Merges a variant's top-level table over its base.
fn merge_root(base: &mut Table, variant: Table, diags: &mut Diagnostics) {
    let mut keys = key_index(base);
    for entry in variant.entries {
        let key = entry.key.clone();
        let old = keys.get(&key).and_then(|&i| base.entries.get_mut(i));
        match (old, identity_key(&key)) {
            (Some(old), Some(id_key)) => match (&mut old.value.kind, entry.value.kind) {
                (NodeKind::Array(items), NodeKind::Array(new_items)) => {
                    merge_entries(items, new_items, id_key, &key, diags);
                }
                (_, kind) => {
                    *old = Entry {
                        value: Node {
                            kind,
                            loc: entry.value.loc,
                        },
                        ..entry
                    }
                }
            },
            (Some(old), None) => merge_value(old, entry),
            (None, Some(id_key)) => {
                append_section(base, &mut keys, entry, id_key, &key, diags);
            }
            (None, None) => push_entry(base, &mut keys, entry),
        }
    }
}

/// Where each key of a table is, so that merging a table of many keys
/// over another is one pass, not a search for each key.
fn key_index(table: &Table) -> HashMap<String, usize> {
    let mut keys = HashMap::new();
    for (i, e) in table.entries.iter().enumerate() {
        keys.entry(e.key.clone()).or_insert(i);
    }
    keys
}

/// Appends an entry and records where it is.
/// A section the base lacks: its entries append (merged among themselves
/// by identity), and a `drop` has nothing to remove.
fn append_section(
    base: &mut Table,
    keys: &mut HashMap<String, usize>,
    entry: Entry,
    id_key: &str,
    section: &str,
    diags: &mut Diagnostics,
) {
    let NodeKind::Array(new_items) = entry.value.kind else {
        push_entry(base, keys, entry);
        return;
    };
    let mut items = Vec::new();
    merge_entries(&mut items, new_items, id_key, section, diags);
    push_entry(
        base,
        keys,
        Entry {
            value: Node {
                kind: NodeKind::Array(items),
                loc: entry.value.loc,
            },
            ..entry
        },
    );
}

fn push_entry(table: &mut Table, keys: &mut HashMap<String, usize>, entry: Entry) {
    keys.entry(entry.key.clone()).or_insert(table.entries.len());
    table.entries.push(entry);
}

/// Replaces a value, or merges key by key when both are tables.
fn merge_value(old: &mut Entry, new: Entry) {
    match (&mut old.value.kind, new.value.kind) {
        (NodeKind::Table(a), NodeKind::Table(b)) => merge_tables(a, b),
        (_, kind) => {
            *old = Entry {
                value: Node {
                    kind,
                    loc: new.value.loc,
                },
                ..new
            }
        }
    }
}

fn merge_tables(base: &mut Table, over: Table) {
    let mut keys = key_index(base);
    for entry in over.entries {
        match keys.get(&entry.key).and_then(|&i| base.entries.get_mut(i)) {
            Some(old) => merge_value(old, entry),
            None => push_entry(base, &mut keys, entry),
        }
    }
}

/// The identity of an array-of-tables entry: its `id_key` string.
fn identity<'a>(node: &'a Node, id_key: &str) -> Option<&'a str> {
    match &node.kind {
        NodeKind::Table(t) => match t.get(id_key).map(|n| &n.kind) {
            Some(NodeKind::Str(s)) => Some(s),
            _ => None,
        },
        _ => None,
    }
}

/// Merges a variant's entries of one array of tables into the base's.
fn merge_entries(
    base: &mut Vec<Node>,
    variant: Vec<Node>,
    id_key: &str,
    section: &str,
    diags: &mut Diagnostics,
) {
    // Entries by identity, in order, so each variant entry finds its match
    // at once; a dropped entry leaves a hole until the end, so positions
    // stay put. One pass, however many entries.
    let mut slots: Vec<Option<Node>> = std::mem::take(base).into_iter().map(Some).collect();
    let mut index: HashMap<String, VecDeque<usize>> = HashMap::new();
    for (i, node) in slots.iter().enumerate() {
        if let Some(id) = node.as_ref().and_then(|n| identity(n, id_key)) {
            index.entry(id.to_string()).or_default().push_back(i);
        }
    }
    for mut item in variant {
        let drop = take_drop(&mut item, diags);
        let Some(id) = identity(&item, id_key).map(str::to_string) else {
            if drop.is_some() {
                diags.push(
                    Diagnostic::at(
                        item.loc,
                        format!("a [[{section}]] with `drop` needs its `{id_key}`"),
                    )
                    .help(format!(
                        "`drop = true` removes the inherited [[{section}]] with the same `{id_key}`"
                    )),
                );
            } else {
                slots.push(Some(item));
            }
            continue;
        };
        let found = index.get(&id).and_then(|q| q.front().copied());
        match (found, drop) {
            (Some(i), Some(true)) => {
                if let Some(slot) = slots.get_mut(i) {
                    *slot = None;
                }
                if let Some(q) = index.get_mut(&id) {
                    q.pop_front();
                }
            }
            (None, Some(true)) => {
                // The first few: the message is shortened past that anyway.
                let known: Vec<&str> = slots
                    .iter()
                    .flatten()
                    .filter_map(|b| identity(b, id_key))
                    .take(KNOWN_SHOWN)
                    .collect();
                diags.push(
                    Diagnostic::at(
                        item.loc,
                        format!(
                            "nothing to drop: the base has no [[{section}]] with {id_key} \"{id}\""
                        ),
                    )
                    .help(format!(
                        "the base's {section} entries are {}",
                        list_ids(&known)
                    )),
                );
            }
            (Some(i), _) => {
                if let (Some(Some(old)), NodeKind::Table(new)) = (slots.get_mut(i), item.kind) {
                    if let NodeKind::Table(old_table) = &mut old.kind {
                        merge_entry(old_table, new, section, diags);
                    }
                }
            }
            (None, _) => {
                index.entry(id).or_default().push_back(slots.len());
                slots.push(Some(item));
            }
        }
    }
    *base = slots.into_iter().flatten().collect();
}

/// How many of the base's ids a "nothing to drop" error lists.
const KNOWN_SHOWN: usize = 30;

/// Merges a matched entry: its keys replace the base's (tables merge);
/// a service's settings merge by id.
fn merge_entry(base: &mut Table, over: Table, section: &str, diags: &mut Diagnostics) {
    let mut keys = key_index(base);
    for entry in over.entries {
        let nested = section == "service" && entry.key == "setting";
        match keys.get(&entry.key).and_then(|&i| base.entries.get_mut(i)) {
            Some(old) if nested => match (&mut old.value.kind, entry.value.kind) {
                (NodeKind::Array(items), NodeKind::Array(new_items)) => {
                    merge_entries(items, new_items, "id", "service.setting", diags);
                }
                (_, kind) => {
                    *old = Entry {
                        value: Node {
                            kind,
                            loc: entry.value.loc,
                        },
                        ..entry
                    }
                }
            },
            Some(old) => merge_value(old, entry),
            None if nested => {
                append_section(base, &mut keys, entry, "id", "service.setting", diags);
            }
            None => push_entry(base, &mut keys, entry),
        }
    }
}

/// Removes and reads an entry's `drop` key.
fn take_drop(item: &mut Node, diags: &mut Diagnostics) -> Option<bool> {
    let NodeKind::Table(t) = &mut item.kind else {
        return None;
    };
    let entry = t.remove("drop")?;
    match entry.value.kind {
        NodeKind::Bool(b) => Some(b),
        other => {
            diags.push(
                Diagnostic::at(
                    entry.value.loc,
                    format!("`drop` must be true or false, not {}", other.type_name()),
                )
                .help("drop = true removes the inherited entry"),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &[u8] = include_bytes!("../../tests/bad/bases/good.toml");

    /// The diagnostics of reading `input.toml` (with `text`) among `others`.
    fn messages(text: &str, others: &[(&str, &[u8])]) -> Vec<String> {
        let mut files = vec![("input.toml", text.as_bytes())];
        files.extend_from_slice(others);
        let mut sources = SourceMap::new();
        let mut diags = Diagnostics::new();
        let loaded = load_document_from(
            &Memory(&files),
            Path::new("input.toml"),
            &mut sources,
            &mut diags,
        );
        assert_eq!(loaded.is_some(), diags.is_empty());
        diags.iter().map(|d| d.message.clone()).collect()
    }

    #[test]
    fn in_memory_bases_meet_the_confinement_rule() {
        // `/base.toml` is a file outside the current folder, `/memory`.
        let base: &[(&str, &[u8])] = &[
            ("base.toml", BASE),
            ("sub/a.toml", BASE),
            ("/base.toml", BASE),
        ];
        assert!(messages("extends = \"base.toml\"", base).is_empty());
        assert!(messages("extends = \"./sub/../base.toml\"", base).is_empty());
        assert!(messages("extends = \"/memory/base.toml\"", base).is_empty());
        for (extends, why) in [
            (
                "../base.toml",
                "it is outside the folders a base may come from",
            ),
            (
                "/base.toml",
                "it is outside the folders a base may come from",
            ),
            ("/etc/passwd", "its name does not end in .toml"),
            ("sub", "its name does not end in .toml"),
            ("nowhere.toml", "no such file"),
        ] {
            let found = messages(&format!("extends = \"{extends}\""), base);
            assert_eq!(
                found,
                [format!("cannot read the base scenario {extends}: {why}")],
                "{extends}"
            );
        }
    }

    #[test]
    fn an_in_memory_folder_is_not_a_base() {
        let files: &[(&str, &[u8])] = &[("dir.toml/a.toml", BASE)];
        assert_eq!(
            messages("extends = \"dir.toml\"", files),
            ["cannot read the base scenario dir.toml: it is a directory"]
        );
    }

    #[test]
    fn a_base_beside_a_scenario_outside_the_current_folder_is_admitted() {
        let files = [
            ("/elsewhere/v.toml", b"extends = \"base.toml\"".as_slice()),
            (
                "/elsewhere/up.toml",
                b"extends = \"../base.toml\"".as_slice(),
            ),
            ("/elsewhere/base.toml", BASE),
            ("/base.toml", BASE),
        ];
        let read = |top: &str| {
            let mut sources = SourceMap::new();
            let mut diags = Diagnostics::new();
            load_document_from(&Memory(&files), Path::new(top), &mut sources, &mut diags);
            diags.iter().map(|d| d.message.clone()).collect::<Vec<_>>()
        };
        assert!(read("/elsewhere/v.toml").is_empty());
        assert_eq!(
            read("/elsewhere/up.toml"),
            [
                "cannot read the base scenario ../base.toml: it is outside the folders a base may come from"
            ]
        );
    }
}
