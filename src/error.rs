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

impl Diagnostic {
    pub fn at(loc: Loc, message: impl Into<String>) -> Self {
        Diagnostic {
            place: Place::At(loc),
            message: message.into(),
            help: Vec::new(),
        }
    }

    pub fn file(path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            place: Place::File(path.into()),
            message: message.into(),
            help: Vec::new(),
        }
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Diagnostic {
            place: Place::Nowhere,
            message: message.into(),
            help: Vec::new(),
        }
    }

    /// Adds a help line (shown as `= help: ...`).
    pub fn help(mut self, text: impl Into<String>) -> Self {
        self.help.push(text.into());
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

    fn render_with(&self, sources: &SourceMap, paint: &Paint) -> String {
        let mut out = format!(
            "{}: {}\n",
            paint.error.render_as("error"),
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
    fn new(sources: &SourceMap, loc: Loc) -> Option<Snippet> {
        let file = sources.get(loc.file)?;
        let start = file.position(loc.start);
        let chars: Vec<char> = file.line_text(start.line - 1).chars().collect();
        let col = start.column - 1;
        let span_chars = file.text().get(loc.start..loc.end).map_or(0, |s| {
            let first = s.split('\n').next().unwrap_or("");
            first.chars().map(|c| in_snippet(c).chars().count()).sum()
        });
        let mut caret_len = span_chars.clamp(1, MAX_CARETS);
        let (from, to) = if chars.len() > MAX_SHOWN_LINE {
            (
                col.saturating_sub(WINDOW_MARGIN),
                (col + caret_len + WINDOW_MARGIN).min(chars.len()),
            )
        } else {
            (0, chars.len())
        };
        let shown: String = chars
            .get(from..to)
            .unwrap_or(&[])
            .iter()
            .map(|&c| in_snippet(c))
            .collect();
        let mut line = String::new();
        let mut caret_offset: String = chars
            .get(from..col.min(chars.len()).max(from))
            .unwrap_or(&[])
            .iter()
            .map(|&c| match c {
                '\t' => "\t".to_string(),
                c => " ".repeat(in_snippet(c).chars().count()),
            })
            .collect();
        if from > 0 {
            line.push('…');
            caret_offset.insert(0, ' ');
        }
        line.push_str(&shown);
        if to < chars.len() {
            line.push('…');
        }
        if col >= chars.len() {
            caret_len = 1;
        }
        let label = match file.kind() {
            SourceKind::File => start.line.to_string(),
            SourceKind::Override => String::new(),
        };
        Some(Snippet {
            label,
            line,
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
#[derive(Clone, Debug, Default, PartialEq, Eq, thiserror::Error)]
#[error("{} error(s) in the input", .0.len())]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn new() -> Self {
        Diagnostics(Vec::new())
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    /// Sorts into file order and drops exact repeats.
    pub fn finish(mut self) -> Self {
        self.0.sort_by(|a, b| {
            let key = |d: &Diagnostic| match &d.place {
                Place::Nowhere => (0, None),
                Place::File(_) => (1, None),
                Place::At(loc) => (2, Some((loc.file, loc.start, loc.end))),
            };
            key(a).cmp(&key(b))
        });
        self.0.dedup();
        self
    }

    /// Renders every diagnostic, then a count when there are several.
    pub fn render(&self, sources: &SourceMap) -> String {
        self.render_all(sources, false)
    }

    /// [`Diagnostics::render`] with terminal colours.
    pub fn render_styled(&self, sources: &SourceMap) -> String {
        self.render_all(sources, true)
    }

    fn render_all(&self, sources: &SourceMap, colour: bool) -> String {
        let mut out = String::new();
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(&if colour {
                d.render_styled(sources)
            } else {
                d.render(sources)
            });
        }
        if self.0.len() > 1 {
            let _ = writeln!(out, "\nerror: {} problems found", self.0.len());
        }
        out
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

/// The closest candidate to `word`, if one is close enough to be a likely
/// typo ("did you mean ...?").
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(1);
    candidates
        .into_iter()
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
