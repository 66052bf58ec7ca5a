//! The parsed TOML document as a tree of located nodes.
//!
//! This is the first step of reading a scenario: TOML text becomes a [`Table`]
//! of [`Node`]s, each carrying the [`Loc`] where it was written. Variant files
//! are merged at this level (a merged tree keeps every node's own location),
//! and `--set` overrides replace nodes here, so the typed reader in
//! [`super::raw`] never needs to know where a value came from.

use toml::de::{DeTable, DeValue};

use crate::error::{Diagnostic, Diagnostics};
use crate::limits::MAX_TOML_TOKENS;
use crate::source::{FileId, Loc};

/// A TOML value and where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub loc: Loc,
    pub kind: NodeKind,
}

/// The TOML value kinds, with integers and floats kept exactly as written.
#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    Str(String),
    Int(i64),
    /// A TOML float, kept as its source text (it is never used as money).
    Float(String),
    Bool(bool),
    Datetime(String),
    Array(Vec<Node>),
    Table(Table),
    /// A value that already produced a diagnostic (an integer out of range);
    /// readers skip it silently.
    Invalid,
}

impl NodeKind {
    /// The TOML type name, for "expected ..., found ..." messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            NodeKind::Str(_) => "a string",
            NodeKind::Int(_) => "an integer",
            NodeKind::Float(_) => "a float",
            NodeKind::Bool(_) => "a boolean",
            NodeKind::Datetime(_) => "a date",
            NodeKind::Array(_) => "an array",
            NodeKind::Table(_) => "a table",
            NodeKind::Invalid => "an invalid value",
        }
    }
}

/// A TOML table: keys in the order they were written.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Table {
    pub entries: Vec<Entry>,
}

/// One `key = value` of a table.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_loc: Loc,
    pub value: Node,
}

impl Table {
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.key == key)
    }

    pub fn entry_mut(&mut self, key: &str) -> Option<&mut Entry> {
        self.entries.iter_mut().find(|e| e.key == key)
    }

    /// Replaces the value of `key`, or appends it.
    pub fn insert(&mut self, entry: Entry) {
        match self.entry_mut(&entry.key) {
            Some(old) => *old = entry,
            None => self.entries.push(entry),
        }
    }

    pub fn remove(&mut self, key: &str) -> Option<Entry> {
        let index = self.entries.iter().position(|e| e.key == key)?;
        Some(self.entries.remove(index))
    }
}

/// Parses TOML text into a located tree. Syntax errors are all reported and
/// give `None`: a half-parsed file would only produce misleading follow-on
/// errors.
pub fn parse(text: &str, file: FileId, diags: &mut Diagnostics) -> Option<Table> {
    parse_within(text, file, &mut MAX_TOML_TOKENS.clone(), diags)
}

/// [`parse`] with `budget` TOML tokens left (a scenario and the files it
/// extends share [`MAX_TOML_TOKENS`]); this file's tokens are taken from it.
pub fn parse_within(
    text: &str,
    file: FileId,
    budget: &mut usize,
    diags: &mut Diagnostics,
) -> Option<Table> {
    match count_tokens(text, *budget) {
        Ok(n) => *budget -= n,
        Err(at) => {
            let what = if *budget < MAX_TOML_TOKENS {
                "this file and the files extending it have"
            } else {
                "the file has"
            };
            diags.push(
                Diagnostic::at(
                    Loc::new(file, at.start, at.end),
                    format!(
                        "{what} more than {MAX_TOML_TOKENS} TOML tokens (keys, values, \
                         brackets, commas, spaces and line ends); the limit is passed here"
                    ),
                )
                .help("a scenario at every documented limit has about 540,000: see docs/limits.md"),
            );
            return None;
        }
    }
    let (root, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        for error in errors {
            let span = error.span().unwrap_or(0..0);
            let mut lines = error.message().lines();
            let message = lines.next().unwrap_or("invalid TOML").trim().to_string();
            let (key, fix) = toml_fix(text, span.clone());
            let mut d = Diagnostic::at(
                Loc::new(file, span.start, span.end),
                match &key {
                    Some(key) => format!("invalid TOML at `{key}`: {message}"),
                    None => format!("invalid TOML: {message}"),
                },
            );
            for line in lines.filter(|l| !l.trim().is_empty()) {
                d = d.help(line.trim().to_string());
            }
            diags.push(d.maybe_help(fix));
        }
        return None;
    }
    let mut converter = Converter {
        file,
        offset: 0,
        diags,
    };
    Some(converter.table(root.get_ref()))
}

/// The key on the line of a TOML error (`by` in `by = 2026/27`), and a fix
/// for the slips people make most: quotes pasted from a word processor
/// (“...”), and a financial year, percent or sum of money without quotes.
fn toml_fix(text: &str, span: std::ops::Range<usize>) -> (Option<String>, Option<String>) {
    let start = span.start.min(text.len());
    let line_start = text
        .get(..start)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1);
    let line_end = text
        .get(start..)
        .and_then(|t| t.find('\n'))
        .map_or(text.len(), |i| start + i);
    let line = text.get(line_start..line_end).unwrap_or("");
    let Some((before, after)) = line.split_once('=') else {
        return (None, None);
    };
    let key = before.trim();
    let is_key = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if !is_key {
        return (None, None);
    }
    let value = after.split(" #").next().unwrap_or("").trim();
    let fix = if value.contains(['\u{201C}', '\u{201D}', '\u{2018}', '\u{2019}']) {
        let straight: String = value
            .chars()
            .map(|c| match c {
                '\u{201C}' | '\u{201D}' => '"',
                '\u{2018}' | '\u{2019}' => '\'',
                c => c,
            })
            .collect();
        Some(format!(
            "curly quotes (from a word processor) are not TOML's: use straight ones, {key} = {straight}"
        ))
    } else {
        let unquoted = !value.starts_with(['"', '\'', '[', '{']);
        let year = value.len() == 7
            && value.as_bytes().get(4) == Some(&b'/')
            && value.chars().filter(char::is_ascii_digit).count() == 6;
        let money_or_percent = value.starts_with('£') || value.ends_with('%');
        (unquoted && (year || money_or_percent || value.contains(" to ")))
            .then(|| format!("write it in quotes: {key} = \"{value}\""))
    };
    (Some(key.to_string()), fix)
}

/// How many TOML tokens the text has, or the span of the token past
/// `budget`. Counting costs one pass and no memory; parsing holds every
/// token, event and value at once (100 bytes a token or more), so a file
/// of four million one-byte values would take gigabytes.
fn count_tokens(text: &str, budget: usize) -> Result<usize, std::ops::Range<usize>> {
    let mut count = 0;
    for token in toml_parser::Source::new(text).lex() {
        if count == budget {
            return Err(token.span().start()..token.span().end());
        }
        count += 1;
    }
    Ok(count)
}

/// Converts one parsed TOML value whose spans start `offset` bytes into
/// `file` (used for `--set` values).
pub fn convert_value(
    value: &DeValue<'_>,
    span: std::ops::Range<usize>,
    file: FileId,
    offset: usize,
    diags: &mut Diagnostics,
) -> Node {
    let mut converter = Converter {
        file,
        offset,
        diags,
    };
    converter.node(value, span)
}

struct Converter<'d> {
    file: FileId,
    offset: usize,
    diags: &'d mut Diagnostics,
}

impl Converter<'_> {
    fn loc(&self, span: std::ops::Range<usize>) -> Loc {
        Loc::new(self.file, self.offset + span.start, self.offset + span.end)
    }

    fn table(&mut self, table: &DeTable<'_>) -> Table {
        let entries = table
            .iter()
            .map(|(key, value)| Entry {
                key: key.get_ref().to_string(),
                key_loc: self.loc(key.span()),
                value: self.node(value.get_ref(), value.span()),
            })
            .collect();
        Table { entries }
    }

    fn node(&mut self, value: &DeValue<'_>, span: std::ops::Range<usize>) -> Node {
        let loc = self.loc(span);
        let kind = match value {
            DeValue::String(s) => NodeKind::Str(s.to_string()),
            DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
                Ok(n) => NodeKind::Int(n),
                Err(_) => {
                    self.diags.push(
                        Diagnostic::at(loc, "integer is too large for TOML (at most 64 bits)")
                            .help("write large money amounts as strings, e.g. \"£1.2bn\""),
                    );
                    NodeKind::Invalid
                }
            },
            DeValue::Float(f) => NodeKind::Float(f.as_str().to_string()),
            DeValue::Boolean(b) => NodeKind::Bool(*b),
            DeValue::Datetime(d) => NodeKind::Datetime(d.to_string()),
            DeValue::Array(items) => NodeKind::Array(
                items
                    .iter()
                    .map(|item| self.node(item.get_ref(), item.span()))
                    .collect(),
            ),
            DeValue::Table(t) => NodeKind::Table(self.table(t)),
        };
        Node { loc, kind }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceMap;

    fn parse_ok(text: &str) -> Table {
        let mut map = SourceMap::new();
        let id = map.add_file("t.toml", text);
        let mut diags = Diagnostics::new();
        let table = parse(text, id, &mut diags).unwrap();
        assert!(diags.is_empty(), "{diags:?}");
        table
    }

    #[test]
    fn keys_keep_file_order_and_spans() {
        let text = "[scenario]\nzeta = 1\nalpha = \"£2m\"\n";
        let t = parse_ok(text);
        let NodeKind::Table(s) = &t.get("scenario").unwrap().kind else {
            panic!()
        };
        let keys: Vec<_> = s.entries.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["zeta", "alpha"]);
        let alpha = s.get("alpha").unwrap();
        assert_eq!(&text[alpha.loc.start..alpha.loc.end], "\"£2m\"");
    }

    #[test]
    fn every_syntax_error_is_reported() {
        let mut map = SourceMap::new();
        let text = "a = \"x\nb = \n";
        let id = map.add_file("t.toml", text);
        let mut diags = Diagnostics::new();
        assert!(parse(text, id, &mut diags).is_none());
        assert_eq!(diags.len(), 2);
    }

    #[test]
    fn integer_beyond_64_bits_is_located() {
        let mut map = SourceMap::new();
        let text = "a = 99999999999999999999\n";
        let id = map.add_file("t.toml", text);
        let mut diags = Diagnostics::new();
        let t = parse(text, id, &mut diags).unwrap();
        assert_eq!(t.get("a").unwrap().kind, NodeKind::Invalid);
        assert_eq!(diags.iter().next().unwrap().loc().unwrap().start, 4);
    }
}
