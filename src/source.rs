//! Source text and locations.
//!
//! Every value read from a scenario keeps a [`Loc`]: which source it came from
//! and the byte span it occupies there. A [`SourceMap`] owns the text of every
//! source read in one run (a scenario, the files it extends, and `--set`
//! overrides), so a diagnostic raised anywhere downstream can point back at
//! the file, line and column where the offending value was written.

use std::fmt;

/// Index of a source in a [`SourceMap`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(usize);

/// Where a value was written: a source and a byte span within it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Loc {
    pub file: FileId,
    pub start: usize,
    pub end: usize,
}

impl Loc {
    pub fn new(file: FileId, start: usize, end: usize) -> Self {
        Loc {
            file,
            start,
            end: end.max(start),
        }
    }

    /// The start of a source: used for whole-file problems (an empty file).
    pub fn file_start(file: FileId) -> Self {
        Loc::new(file, 0, 0)
    }
}

/// What kind of source a text is: a file on disk or a command-line override.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceKind {
    /// A scenario file; diagnostics say `FILE:LINE:COL`.
    File,
    /// A `--set PATH=VALUE` override; diagnostics say `--set PATH`.
    Override,
}

/// One source text with its display name and line index.
#[derive(Debug)]
pub struct SourceFile {
    name: String,
    text: String,
    kind: SourceKind,
    line_starts: Vec<usize>,
    /// `char_marks[k]`: characters before byte `k * CHAR_MARK_STRIDE`, so a
    /// column costs at most one stride of counting, however long its line.
    char_marks: Vec<usize>,
}

/// Bytes between the entries of [`SourceFile`]'s character index.
const CHAR_MARK_STRIDE: usize = 256;

/// Characters that start in `bytes` (UTF-8: every byte but continuations).
fn chars_in(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b & 0xC0 != 0x80).count()
}

impl SourceFile {
    fn new(name: String, text: String, kind: SourceKind) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        let char_marks = std::iter::once(0)
            .chain(text.as_bytes().chunks(CHAR_MARK_STRIDE).scan(0, |n, c| {
                *n += chars_in(c);
                Some(*n)
            }))
            .collect();
        SourceFile {
            name,
            text,
            kind,
            line_starts,
            char_marks,
        }
    }

    /// The name shown in diagnostics: the path as the user gave it, or
    /// `--set PATH` for an override.
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn kind(&self) -> SourceKind {
        self.kind
    }

    /// 0-based line index containing byte `offset`.
    fn line_index(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// The text of a 0-based line, without its line ending.
    pub fn line_text(&self, index: usize) -> &str {
        let start = self.line_starts.get(index).copied().unwrap_or(0);
        let end = self
            .line_starts
            .get(index + 1)
            .copied()
            .unwrap_or(self.text.len());
        let line = self.text.get(start..end).unwrap_or("");
        line.trim_end_matches('\n').trim_end_matches('\r')
    }

    /// Characters before byte `offset`, counting at most one stride.
    fn chars_before(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        let mark = offset / CHAR_MARK_STRIDE;
        let from = mark * CHAR_MARK_STRIDE;
        self.char_marks.get(mark).copied().unwrap_or(0)
            + chars_in(self.text.as_bytes().get(from..offset).unwrap_or(&[]))
    }

    /// Characters between two byte offsets (`start <= end`).
    pub fn chars_between(&self, start: usize, end: usize) -> usize {
        self.chars_before(end)
            .saturating_sub(self.chars_before(start))
    }

    /// Byte offset where the 0-based line `index` starts.
    pub fn line_start(&self, index: usize) -> usize {
        self.line_starts.get(index).copied().unwrap_or(0)
    }

    /// 1-based line and column of a byte offset; columns count characters.
    /// Constant time in the length of the line.
    pub fn position(&self, offset: usize) -> Position {
        let offset = offset.min(self.text.len());
        let index = self.line_index(offset);
        let start = self.line_start(index);
        Position {
            line: index + 1,
            column: self.chars_between(start, offset) + 1,
        }
    }
}

/// A 1-based line and character column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// Every source text read in one run.
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn new() -> Self {
        SourceMap::default()
    }

    /// Adds a scenario file's text under the name diagnostics will show.
    pub fn add_file(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        self.push(SourceFile::new(name.into(), text.into(), SourceKind::File))
    }

    /// Adds a `--set PATH=VALUE` override; `text` is what the user typed.
    pub fn add_override(&mut self, path: &str, text: impl Into<String>) -> FileId {
        self.push(SourceFile::new(
            format!("--set {path}"),
            text.into(),
            SourceKind::Override,
        ))
    }

    fn push(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId(self.files.len() - 1)
    }

    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0)
    }

    /// The names of the files read (not overrides): each a path as given
    /// or as reached through `extends`.
    pub fn file_names(&self) -> impl Iterator<Item = &str> {
        self.files
            .iter()
            .filter(|f| f.kind == SourceKind::File)
            .map(SourceFile::name)
    }

    /// The display name of a source, or `?` for an id from another map.
    pub fn name(&self, id: FileId) -> &str {
        self.get(id).map_or("?", SourceFile::name)
    }

    /// The text a location spans, or "" if it does not resolve.
    pub fn snippet(&self, loc: Loc) -> &str {
        self.get(loc.file)
            .and_then(|f| f.text.get(loc.start..loc.end))
            .unwrap_or("")
    }

    /// `FILE:LINE:COL` for a file, `--set PATH` for an override.
    pub fn describe(&self, loc: Loc) -> String {
        match self.get(loc.file) {
            Some(file) if file.kind == SourceKind::File => {
                format!("{}:{}", file.name, file.position(loc.start))
            }
            Some(file) => file.name.clone(),
            None => "?".to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_not_bytes() {
        let mut map = SourceMap::new();
        let id = map.add_file("a.toml", "name = \"£315m\" x\nnext");
        let file = map.get(id).unwrap();
        // `x` sits after a two-byte pound sign.
        let offset = "name = \"£315m\" ".len();
        assert_eq!(
            file.position(offset),
            Position {
                line: 1,
                column: 16
            }
        );
        assert_eq!(file.position(offset + 2), Position { line: 2, column: 1 });
    }

    #[test]
    fn columns_on_a_long_line_match_counting_from_its_start() {
        let mut map = SourceMap::new();
        let text = format!("x\n{}", "ab£é\t".repeat(2_000));
        let id = map.add_file("a.toml", text.clone());
        let file = map.get(id).unwrap();
        for (offset, _) in text.char_indices().step_by(97) {
            let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
            let expected = text[line_start..offset].chars().count() + 1;
            assert_eq!(file.position(offset).column, expected, "at byte {offset}");
        }
    }

    #[test]
    fn crlf_lines_are_shown_without_carriage_return() {
        let mut map = SourceMap::new();
        let id = map.add_file("a.toml", "a = 1\r\nb = 2\r\n");
        let file = map.get(id).unwrap();
        assert_eq!(file.line_text(1), "b = 2");
        assert_eq!(file.position(7).line, 2);
    }

    #[test]
    fn override_locations_are_named_by_their_path() {
        let mut map = SourceMap::new();
        let id = map.add_override("scenario.horizon", "scenario.horizon=99");
        assert_eq!(map.describe(Loc::new(id, 17, 19)), "--set scenario.horizon");
    }
}
