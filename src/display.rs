//! Making a user's text safe to show: the one rule every human format uses.
//!
//! Names, descriptions and file paths come from the user's files and
//! command line, and a name may hold characters that act on whatever shows
//! it rather than being shown: an ESC sequence recolours a terminal or sets
//! its title, BEL rings, CR overwrites the line, a bidi override (U+202E)
//! reorders what follows, a newline starts a fake row or a Markdown
//! heading, and XML forbids U+FFFE, U+FFFF and most C0 controls outright.
//!
//! [`escape`] replaces each such character with the escape a TOML basic
//! string would use for it (`\u001B`, `\u202E`, `\n`, `\t`), so the text
//! shows on one line, in order, and the reader can find the character in
//! the file. Every other character, backslashes included, is left as it is,
//! so ordinary names print exactly as written. Reports call it where a
//! user's text reaches a table, Markdown, a chart or a diagnostic; the
//! machine formats (CSV, JSON) carry the exact text instead.

use std::borrow::Cow;
use std::fmt::Write as _;

/// `text` with every character that [`is_unsafe`] escaped as in TOML.
/// Borrows when there is nothing to escape.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// [`escape`] line by line, keeping the line breaks: for text whose line
/// breaks are the tool's own (a two-line table header, an error message
/// and its help), with a user's text already escaped inside it or not.
pub fn escape_lines(text: &str) -> String {
    text.split('\n').map(escape).collect::<Vec<_>>().join("\n")
}

/// Whether `c` must not reach a terminal, a Markdown table or an XML file
/// as it is: C0 and C1 controls and DEL (tab and newline included), the
/// bidirectional formatting characters, the line and paragraph separators,
/// and Unicode's noncharacters (U+FDD0 to U+FDEF, and the last two code
/// points of every plane, U+FFFE and U+FFFF among them).
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || is_bidi_control(c)
        || matches!(c, '\u{2028}' | '\u{2029}')
        || is_noncharacter(c)
}

/// The bidirectional formatting characters: marks (ALM, LRM, RLM),
/// embeddings and overrides (U+202A to U+202E) and isolates (U+2066 to
/// U+2069).
fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// Unicode's 66 noncharacters.
fn is_noncharacter(c: char) -> bool {
    let code = u32::from(c);
    (0xFDD0..=0xFDEF).contains(&code) || code & 0xFFFE == 0xFFFE
}

/// The TOML escape of `c`: a short form where TOML has one, else
/// `\uXXXX` (or `\UXXXXXXXX` beyond the Basic Multilingual Plane).
fn push_escaped(out: &mut String, c: char) {
    match c {
        '\u{8}' => out.push_str("\\b"),
        '\t' => out.push_str("\\t"),
        '\n' => out.push_str("\\n"),
        '\u{c}' => out.push_str("\\f"),
        '\r' => out.push_str("\\r"),
        c if u32::from(c) <= 0xFFFF => {
            let _ = write!(out, "\\u{:04X}", u32::from(c));
        }
        c => {
            let _ = write!(out, "\\U{:08X}", u32::from(c));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_names_are_borrowed_unchanged() {
        for name in [
            "Birmingham City Council",
            "Learning disability: £120m, 55% → 40%",
            "A\\B | C & <D> ‘quoted’ café 学校 👩‍⚕️",
        ] {
            assert!(matches!(escape(name), Cow::Borrowed(n) if n == name));
        }
    }

    #[test]
    fn terminal_controls_are_shown_as_toml_escapes() {
        assert_eq!(escape("a\u{1b}[31mred"), "a\\u001B[31mred");
        assert_eq!(escape("\u{1b}]0;title\u{7}"), "\\u001B]0;title\\u0007");
        assert_eq!(
            escape("a\rb\0c\u{7f}d\u{9b}e"),
            "a\\rb\\u0000c\\u007Fd\\u009Be"
        );
        assert_eq!(escape("one\ntwo\tthree"), "one\\ntwo\\tthree");
        assert_eq!(escape("\u{8}\u{c}"), "\\b\\f");
    }

    #[test]
    fn bidi_controls_and_separators_are_escaped() {
        assert_eq!(escape("abc\u{202E}fed"), "abc\\u202Efed");
        for c in [
            '\u{061C}', '\u{200E}', '\u{200F}', '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}',
            '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}', '\u{2028}', '\u{2029}',
        ] {
            assert!(is_unsafe(c), "{:04X}", u32::from(c));
        }
        // Joiners make emoji and scripts render; they stay.
        assert!(!is_unsafe('\u{200D}'));
    }

    #[test]
    fn noncharacters_are_escaped_beyond_the_first_plane_too() {
        assert_eq!(escape("\u{FFFE}\u{FFFF}"), "\\uFFFE\\uFFFF");
        assert_eq!(escape("\u{FDD0}"), "\\uFDD0");
        assert_eq!(escape("\u{10FFFF}"), "\\U0010FFFF");
        assert_eq!(escape("\u{1FFFE}"), "\\U0001FFFE");
        assert!(!is_unsafe('\u{FFFD}'));
    }

    #[test]
    fn escaping_by_lines_keeps_the_line_breaks() {
        assert_eq!(escape_lines("a\u{1b}\nb\r\n"), "a\\u001B\nb\\r\n");
    }

    #[test]
    fn escaping_twice_changes_nothing_more() {
        let once = escape("x\u{1b}\n\u{202E}\u{FFFF}").into_owned();
        assert_eq!(escape(&once), once.as_str());
        assert!(!once.chars().any(is_unsafe));
    }
}
