//! Located, renderable diagnostics.
//!
//! Everything that can be wrong with a user's input becomes a [`Diagnostic`]:
//! a message, where it happened (a [`Loc`] in a source, or a whole file), and
//! help lines ("did you mean ...", the valid ids, the accepted form). The
//! reader and validator collect every diagnostic they can find in one pass;
//! [`Diagnostics`] holds them in file order and renders them as
//!
//! ```text
//! error: scenarios/birmingham.toml:12:3: unknown key `contribution` in [[service]] `learning_disability`
//!    |
//! 12 |   contribution = { bcc = "£120m" }
//!    |   ^^^^^^^^^^^^
//!    = help: did you mean `contributions`?
//! ```
//!
//! A diagnostic quotes the user's names, paths and source lines, so every
//! part is shown through [`crate::display::escape`]: an escape sequence or a
//! bidi override in a name reaches the terminal as `\u001B` or `\u202E`,
//! never raw (tabs in a source line are kept, to line the caret up).

use std::fmt::Write as _;

use crate::display;
use crate::limits::MAX_SHOWN_ERRORS;
use crate::source::{Loc, SourceKind, SourceMap};

/// Where a diagnostic points.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    /// A span in a source of the run's [`SourceMap`].
    At(Loc),
    /// A whole file that could not be read (missing, not a file, too large).
    File(String),
    /// Nothing in particular (a usage problem).
    Nowhere,
}

/// One problem with the input, with where it is and how to fix it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub place: Place,
    pub message: String,
    pub help: Vec<String>,
}

/// Longest message or help line kept, in characters: one that quotes a
/// megabyte of the user's text is shortened in the middle.
const MAX_MESSAGE_CHARS: usize = 400;

/// `text` with its middle replaced by ` … ` when it is longer than
/// [`MAX_MESSAGE_CHARS`].
fn clipped(text: String) -> String {
    let Some((cut, _)) = text.char_indices().nth(MAX_MESSAGE_CHARS) else {
        return text;
    };
    let head = text
        .char_indices()
        .nth(MAX_MESSAGE_CHARS * 2 / 3)
        .map_or(cut, |(i, _)| i);
    let tail_chars = MAX_MESSAGE_CHARS / 3 - 3;
    let tail = text
        .char_indices()
        .rev()
        .nth(tail_chars - 1)
        .map_or(text.len(), |(i, _)| i);
    format!("{} … {}", &text[..head], &text[tail.max(head)..])
}

impl Diagnostic {
    fn new(place: Place, message: String) -> Self {
        Diagnostic {
            place,
            message: clipped(message),
            help: Vec::new(),
        }
    }

    pub fn at(loc: Loc, message: impl Into<String>) -> Self {
        Diagnostic::new(Place::At(loc), message.into())
    }

    pub fn file(path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic::new(Place::File(path.into()), message.into())
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Diagnostic::new(Place::Nowhere, message.into())
    }

    /// Adds a help line (shown as `= help: ...`).
    pub fn help(mut self, text: impl Into<String>) -> Self {
        self.help.push(clipped(text.into()));
        self
    }

    /// Adds a help line only when there is one.
    pub fn maybe_help(self, text: Option<String>) -> Self {
        match text {
            Some(text) => self.help(text),
            None => self,
        }
    }

    pub fn loc(&self) -> Option<Loc> {
        match self.place {
            Place::At(loc) => Some(loc),
            _ => None,
        }
    }

    /// The first line of the rendering: `FILE:LINE:COL: message`, without
    /// the `error: ` prefix, safe to show.
    pub fn headline(&self, sources: &SourceMap) -> String {
        let headline = match &self.place {
            Place::At(loc) => format!("{}: {}", sources.describe(*loc), self.message),
            Place::File(path) => format!("{path}: {}", self.message),
            Place::Nowhere => self.message.clone(),
        };
        display::escape(&headline).into_owned()
    }

    /// Renders the diagnostic: headline, source line with a caret, help.
    pub fn render(&self, sources: &SourceMap) -> String {
        self.render_with(sources, &Paint::PLAIN)
    }

    /// Renders with terminal colours (ANSI codes; `anstream` strips them
    /// when stderr is not a terminal or `NO_COLOR` is set).
    pub fn render_styled(&self, sources: &SourceMap) -> String {
        self.render_with(sources, &Paint::COLOUR)
    }

    /// Renders the diagnostic as a warning (a plan that is valid but
    /// implausible, [`crate::plausibility`]): `warning: FILE:LINE:COL: ...`,
    /// the source line and help, in yellow where colour is on.
    pub fn render_warning(&self, sources: &SourceMap, colour: bool) -> String {
        let paint = if colour { Paint::WARNING } else { Paint::PLAIN };
        self.render_labelled(sources, &paint, "warning")
    }

    fn render_with(&self, sources: &SourceMap, paint: &Paint) -> String {
        self.render_labelled(sources, paint, "error")
    }

    fn render_labelled(&self, sources: &SourceMap, paint: &Paint, label: &str) -> String {
        let mut out = format!(
            "{}: {}\n",
            paint.error.render_as(label),
            paint.headline.render_as(&self.headline(sources))
        );
        let mut gutter = 1;
        if let Place::At(loc) = self.place {
            if let Some(snippet) = Snippet::new(sources, loc) {
                gutter = snippet.gutter_width();
                snippet.write(&mut out, paint);
            }
        }
        for help in &self.help {
            let _ = writeln!(
                out,
                "{:gutter$} {} {}",
                "",
                paint.help.render_as("= help:"),
                display::escape(help)
            );
        }
        out
    }
}

/// Styles for the parts of a diagnostic.
struct Paint {
    error: Ink,
    headline: Ink,
    gutter: Ink,
    caret: Ink,
    help: Ink,
}

/// A style, or none.
struct Ink(Option<anstyle::Style>);

impl Ink {
    fn render_as(&self, text: &str) -> String {
        match self.0 {
            Some(style) => format!("{style}{text}{style:#}"),
            None => text.to_string(),
        }
    }
}

impl Paint {
    const PLAIN: Paint = Paint {
        error: Ink(None),
        headline: Ink(None),
        gutter: Ink(None),
        caret: Ink(None),
        help: Ink(None),
    };

    const WARNING: Paint = Paint {
        error: Ink(Some(anstyle::AnsiColor::Yellow.on_default().bold())),
        headline: Ink(Some(anstyle::Style::new().bold())),
        gutter: Ink(Some(anstyle::AnsiColor::Blue.on_default().bold())),
        caret: Ink(Some(anstyle::AnsiColor::Yellow.on_default().bold())),
        help: Ink(Some(anstyle::AnsiColor::Cyan.on_default().bold())),
    };

    const COLOUR: Paint = Paint {
        error: Ink(Some(anstyle::AnsiColor::Red.on_default().bold())),
        headline: Ink(Some(anstyle::Style::new().bold())),
        gutter: Ink(Some(anstyle::AnsiColor::Blue.on_default().bold())),
        caret: Ink(Some(anstyle::AnsiColor::Red.on_default().bold())),
        help: Ink(Some(anstyle::AnsiColor::Cyan.on_default().bold())),
    };
}

/// The source line under a diagnostic, windowed for very long lines.
struct Snippet {
    label: String,
    line: String,
    caret_offset: String,
    caret_len: usize,
}

/// Lines longer than this are shown as a window around the caret.
const MAX_SHOWN_LINE: usize = 160;
const WINDOW_MARGIN: usize = 60;
const MAX_CARETS: usize = 80;

impl Snippet {
    /// Costs time in the window shown, not in the length of the line or
    /// of the span, so a report on a 4 MB line stays fast.
    fn new(sources: &SourceMap, loc: Loc) -> Option<Snippet> {
        let file = sources.get(loc.file)?;
        let start = file.position(loc.start);
        let line = file.line_text(start.line - 1);
        let line_start = file.line_start(start.line - 1);
        let line_chars = file.chars_between(line_start, line_start + line.len());
        let col = start.column - 1;
        let span_chars = file.text().get(loc.start..loc.end).map_or(0, |s| {
            s.chars()
                .take_while(|&c| c != '\n')
                .take(MAX_CARETS)
                .map(|c| in_snippet(c).chars().count())
                .sum()
        });
        let mut caret_len = span_chars.clamp(1, MAX_CARETS);
        let (from, to) = if line_chars > MAX_SHOWN_LINE {
            (
                col.saturating_sub(WINDOW_MARGIN),
                (col + caret_len + WINDOW_MARGIN).min(line_chars),
            )
        } else {
            (0, line_chars)
        };
        // The window's characters: from the caret's byte, walk back to
        // `from` and on to `to`.
        let at = line_start.max(loc.start.min(line_start + line.len())) - line_start;
        let at = (0..=at)
            .rev()
            .find(|&i| line.is_char_boundary(i))
            .unwrap_or(0);
        let (head, tail) = line.split_at(at);
        let before: Vec<char> = head.chars().rev().take(col - from).collect();
        let after = tail.chars().take(to.saturating_sub(col));
        let mut line_shown = String::new();
        if from > 0 {
            line_shown.push('…');
        }
        line_shown.extend(before.iter().rev().map(|&c| in_snippet(c)));
        line_shown.extend(after.map(in_snippet));
        if to < line_chars {
            line_shown.push('…');
        }
        let mut caret_offset: String = before
            .iter()
            .rev()
            .map(|&c| match c {
                '\t' => "\t".to_string(),
                c => " ".repeat(in_snippet(c).chars().count()),
            })
            .collect();
        if from > 0 {
            caret_offset.insert(0, ' ');
        }
        if col >= line_chars {
            caret_len = 1;
        }
        let label = match file.kind() {
            SourceKind::File => start.line.to_string(),
            SourceKind::Override => String::new(),
        };
        Some(Snippet {
            label,
            line: line_shown,
            caret_offset,
            caret_len,
        })
    }

    fn gutter_width(&self) -> usize {
        self.label.len().max(1)
    }

    fn write(&self, out: &mut String, paint: &Paint) {
        let w = self.gutter_width();
        let bar = paint.gutter.render_as("|");
        let _ = writeln!(out, "{:w$} {bar}", "");
        let label = paint.gutter.render_as(&format!("{:>w$}", self.label));
        let _ = writeln!(out, "{label} {bar} {}", self.line);
        let carets = paint.caret.render_as(&"^".repeat(self.caret_len));
        let _ = writeln!(out, "{:w$} {bar} {}{carets}", "", self.caret_offset);
    }
}

/// A source character as a snippet shows it: a tab as it is (the caret
/// line copies it), anything else [`display::escape`] would escape escaped.
fn in_snippet(c: char) -> String {
    if c == '\t' {
        return c.to_string();
    }
    let mut buf = [0; 4];
    display::escape(c.encode_utf8(&mut buf)).into_owned()
}

/// Every diagnostic found in one pass, in file order.
///
/// A hostile file can hold hundreds of thousands of problems; only the first
/// [`MAX_SHOWN_ERRORS`] in file order are ever shown, so only a bounded
/// number are kept: whenever [`TRIM_AT`] are held, they are sorted and all
/// but the earliest [`MAX_SHOWN_ERRORS`] are counted and dropped. Memory
/// stays bounded and the whole collection is O(n log n).
#[derive(Clone, Debug, Default, PartialEq, Eq, thiserror::Error)]
#[error("{} error(s) in the input", .kept.len() + .dropped + .merged)]
pub struct Diagnostics {
    /// The earliest diagnostics found so far (in file order once sorted).
    kept: Vec<Diagnostic>,
    /// Diagnostics found but dropped: each later in file order than at
    /// least [`MAX_SHOWN_ERRORS`] kept ones.
    dropped: usize,
    /// Exact repeats merged while trimming: counted until [`Diagnostics::finish`]
    /// so that [`Diagnostics::len`] never falls while problems are collected.
    merged: usize,
    /// After a trim, the place of the last diagnostic kept: one placed
    /// later can never be shown.
    horizon: Option<Loc>,
}

/// How many diagnostics are held before the later ones are dropped.
const TRIM_AT: usize = 20 * MAX_SHOWN_ERRORS;

impl Diagnostics {
    pub fn new() -> Self {
        Diagnostics::default()
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.kept.push(diagnostic);
        if self.kept.len() >= TRIM_AT {
            self.trim();
        }
    }

    /// Keeps the earliest [`MAX_SHOWN_ERRORS`] distinct diagnostics and
    /// counts the rest.
    fn trim(&mut self) {
        self.sort_and_merge();
        if self.kept.len() > MAX_SHOWN_ERRORS {
            self.dropped += self.kept.len() - MAX_SHOWN_ERRORS;
            self.kept.truncate(MAX_SHOWN_ERRORS);
            self.horizon = self.kept.last().and_then(Diagnostic::loc);
        }
    }

    /// Counts a problem at `loc` without building it, when it could never
    /// be shown (so many earlier problems are already held): `true` if so.
    /// Lets a reader facing a million unknown keys skip their messages.
    pub fn count_if_unshown(&mut self, loc: Loc) -> bool {
        let beyond = self
            .horizon
            .is_some_and(|h| (loc.file, loc.start, loc.end) > (h.file, h.start, h.end));
        if beyond {
            self.dropped += 1;
        }
        beyond
    }

    fn sort_and_merge(&mut self) {
        self.kept.sort_by_cached_key(|d| match &d.place {
            Place::Nowhere => (0, None),
            Place::File(_) => (1, None),
            Place::At(loc) => (2, Some((loc.file, loc.start, loc.end))),
        });
        let before = self.kept.len();
        self.kept.dedup();
        self.merged += before - self.kept.len();
    }

    /// Counts `n` problems found but not kept, told of in a summary (the
    /// same mistake in many rows of an actuals file).
    pub fn count_more(&mut self, n: usize) {
        self.dropped += n;
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many problems were found (before [`Diagnostics::finish`], exact
    /// repeats included, so it only grows while problems are collected).
    pub fn len(&self) -> usize {
        self.kept.len() + self.dropped + self.merged
    }

    /// The diagnostics kept: all of them when there are fewer than a
    /// thousand or so, else at least the first [`MAX_SHOWN_ERRORS`].
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.kept.iter()
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.dropped += other.dropped;
        self.merged += other.merged;
        for d in other.kept {
            self.push(d);
        }
    }

    /// Sorts into file order and drops exact repeats.
    pub fn finish(mut self) -> Self {
        self.sort_and_merge();
        self.merged = 0;
        self
    }

    /// Renders the first [`MAX_SHOWN_ERRORS`] diagnostics, then a count
    /// when there are several.
    pub fn render(&self, sources: &SourceMap) -> String {
        self.render_all(sources, false)
    }

    /// [`Diagnostics::render`] with terminal colours.
    pub fn render_styled(&self, sources: &SourceMap) -> String {
        self.render_all(sources, true)
    }

    fn render_all(&self, sources: &SourceMap, colour: bool) -> String {
        let mut out = String::new();
        for (i, d) in self.kept.iter().take(MAX_SHOWN_ERRORS).enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(&if colour {
                d.render_styled(sources)
            } else {
                d.render(sources)
            });
        }
        let total = self.len();
        let shown = self.kept.len().min(MAX_SHOWN_ERRORS);
        if total > shown {
            let _ = writeln!(
                out,
                "\nerror: and {} more problems (the first {shown} of {total} are shown)",
                total - shown
            );
        } else if total > 1 {
            let _ = writeln!(out, "\nerror: {total} problems found");
        }
        out
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        let mut diags = Diagnostics::new();
        diags.push(d);
        diags
    }
}

/// The closest candidate to `word`, if one is close enough to be a likely
/// typo ("did you mean ...?").
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let len = word.chars().count();
    let limit = (len / 3).max(1);
    candidates
        .into_iter()
        // The distance is at least the difference in length: a word far
        // longer than every candidate (a 1 MB key) costs nothing to rule out.
        .filter(|c| c.chars().count().abs_diff(len) <= limit)
        .map(|c| (strsim::damerau_levenshtein(word, c), c))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

/// A list of ids for a message: `` `a`, `b` and `c` ``.
pub fn list_ids<S: AsRef<str>>(ids: &[S]) -> String {
    let quoted: Vec<String> = ids.iter().map(|s| format!("`{}`", s.as_ref())).collect();
    match quoted.len() {
        0 => "none".to_string(),
        1 => quoted.concat(),
        n => format!(
            "{} and {}",
            quoted.get(..n - 1).unwrap_or(&[]).join(", "),
            quoted.get(n - 1).map_or("", String::as_str)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caret_sits_under_the_value() {
        let mut map = SourceMap::new();
        let id = map.add_file("s.toml", "[scenario]\nhorizon = 0\n");
        let d = Diagnostic::at(Loc::new(id, 21, 22), "horizon must be 1 to 50").help("use 3");
        assert_eq!(
            d.render(&map),
            "error: s.toml:2:11: horizon must be 1 to 50\n  |\n2 | horizon = 0\n  |           ^\n  = help: use 3\n"
        );
    }

    #[test]
    fn long_lines_are_windowed_around_the_caret() {
        let mut map = SourceMap::new();
        let text = format!("name = \"{}\" x", "a".repeat(100_000));
        let id = map.add_file("s.toml", text.clone());
        let at = text.len() - 1;
        let out = Diagnostic::at(Loc::new(id, at, at + 1), "bad").render(&map);
        assert!(out.len() < 600, "{out}");
        assert!(out.contains("1:100011"));
    }

    #[test]
    fn names_in_messages_and_source_lines_reach_the_terminal_escaped() {
        // The caret sits under `x`, past the escapes' wider forms.
        let caret = " ".repeat("name = \"\\u202Eabc\" \\u001B[2J ".len());
        let mut map = SourceMap::new();
        let text = "name = \"\u{202E}abc\" \u{1b}[2J x\n";
        let id = map.add_file("s\u{7}.toml", text);
        let at = text.find('x').unwrap();
        let d = Diagnostic::at(Loc::new(id, at, at + 1), "bad name `\u{1b}]0;pwned\u{7}`")
            .help("rename `\u{202E}` \r");
        let out = d.render(&map);
        assert!(
            !out.chars().any(|c| c != '\n' && display::is_unsafe(c)),
            "{out:?}"
        );
        assert_eq!(
            out,
            format!(
                "error: s\\u0007.toml:1:20: bad name `\\u001B]0;pwned\\u0007`\n  |\n1 | name = \"\\u202Eabc\" \\u001B[2J x\n  | {caret}^\n  = help: rename `\\u202E` \\r\n"
            )
        );
        // Carets span a value as shown: `\u001B[2J` is nine wide.
        let esc = text.find('\u{1b}').unwrap();
        let out = Diagnostic::at(Loc::new(id, esc, esc + 4), "bad").render(&map);
        let offset = " ".repeat("name = \"\\u202Eabc\" ".len());
        assert!(
            out.contains(&format!("  | {offset}{}\n", "^".repeat(9))),
            "{out}"
        );
    }

    #[test]
    fn only_the_first_problems_in_file_order_are_shown_then_a_count() {
        let mut map = SourceMap::new();
        let text = "x = 1\n".repeat(10_000);
        let id = map.add_file("s.toml", text);
        let mut diags = Diagnostics::new();
        // Pushed last line first: the report is still in file order.
        for line in (0..10_000).rev() {
            diags.push(Diagnostic::at(Loc::new(id, line * 6, line * 6 + 1), "bad"));
        }
        diags.push(Diagnostic::at(Loc::new(id, 6, 7), "bad"));
        assert_eq!(diags.len(), 10_001);
        let diags = diags.finish();
        let out = diags.render(&map);
        assert_eq!(out.matches("error: s.toml:").count(), MAX_SHOWN_ERRORS);
        assert!(out.starts_with("error: s.toml:1:1: bad"), "{out}");
        assert!(out.contains("error: s.toml:50:1: bad"), "{out}");
        assert!(!out.contains("error: s.toml:51:1: bad"), "{out}");
        assert!(
            out.ends_with("error: and 9950 more problems (the first 50 of 10000 are shown)\n"),
            "{out}"
        );
    }

    #[test]
    fn a_message_quoting_a_megabyte_is_shortened_in_the_middle() {
        let d = Diagnostic::usage(format!(
            "unknown key `{}` in [scenario]",
            "k".repeat(1 << 20)
        ))
        .help("x".repeat(1 << 20));
        assert!(
            d.message.chars().count() <= MAX_MESSAGE_CHARS + 3,
            "{}",
            d.message
        );
        assert!(d.message.starts_with("unknown key `kkk"));
        assert!(d.message.ends_with("kkk` in [scenario]"));
        assert!(d.message.contains(" … "));
        assert!(d.help[0].chars().count() <= MAX_MESSAGE_CHARS + 3);
        let short = Diagnostic::usage("é".repeat(MAX_MESSAGE_CHARS));
        assert_eq!(short.message, "é".repeat(MAX_MESSAGE_CHARS));
    }

    #[test]
    fn a_word_far_longer_than_every_candidate_suggests_nothing() {
        assert_eq!(did_you_mean(&"k".repeat(1 << 20), ["name", "kind"]), None);
    }

    #[test]
    fn near_miss_suggests_the_intended_word() {
        let keys = ["contributions", "inflation", "growth"];
        assert_eq!(did_you_mean("contribution", keys), Some("contributions"));
        assert_eq!(did_you_mean("zzz", keys), None);
    }

    #[test]
    fn id_lists_read_as_english() {
        assert_eq!(list_ids(&["a", "b", "c"]), "`a`, `b` and `c`");
        assert_eq!(list_ids(&["a"]), "`a`");
    }
}
