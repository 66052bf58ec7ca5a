//! `--format markdown`: the same tables as `table`, as GitHub-flavoured
//! Markdown ready to paste into a paper.
//!
//! Each table has a numbered caption line naming the scenario and its base
//! year; number columns are right-aligned (`---:`); cells are padded so the
//! raw text reads as a table too.
//!
//! A user's text arrives made safe by [`crate::display::escape`] (no
//! newline, control or bidi character is left to break a row or start a
//! heading); [`escape`] then backslash-escapes every character that GitHub
//! would read as a cell border, emphasis, code, a link, HTML, an entity,
//! strikethrough, maths or a heading's closing hashes.

use super::grid::{
    Grid, ProjectionTables, appraise_tables, diff_tables, projection_tables, sensitivity_tables,
    shown, shown_lines,
};
use super::{
    AppraiseReport, DiffReport, MonitorReport, Printer, ProjectionReport, SensitivityReport,
};

pub struct MarkdownPrinter;

impl Printer for MarkdownPrinter {
    fn projection(&self, r: &ProjectionReport<'_>) -> String {
        let context = format!(
            "{}, base year {}",
            shown(&r.scenario.name),
            r.scenario.start
        );
        render(
            &projection_tables(r.scenario, r.central, r.ranges, &r.layout),
            &context,
        )
    }

    fn diff(&self, r: &DiffReport<'_>) -> String {
        let context = format!("{} compared with {}", shown(r.b_file), shown(r.a_file));
        render(&diff_tables(r), &context)
    }

    fn sensitivity(&self, r: &SensitivityReport<'_>) -> String {
        let context = format!(
            "{}, base year {}",
            shown(&r.scenario.name),
            r.scenario.start
        );
        render(&sensitivity_tables(r), &context)
    }

    fn appraise(&self, r: &AppraiseReport<'_>) -> String {
        let context = format!("{} options", r.shortlist.options.len());
        render(&appraise_tables(r), &context)
    }

    fn monitor(&self, r: &MonitorReport<'_>) -> String {
        let context = format!(
            "{}, {}",
            shown(&r.scenario.name),
            r.scenario.year(r.monitor.year)
        );
        render(
            &super::statement::tables(&super::statement::statement(r)),
            &context,
        )
    }
}

fn render(tables: &ProjectionTables, context: &str) -> String {
    // The name's own line breaks (a diff names two files) are the tool's;
    // a user's newline was escaped when the name was built.
    let heading: Vec<String> = shown_lines(&tables.name).split('\n').map(escape).collect();
    let mut out = format!(
        "## {}\n\n{}\n",
        heading.join("  \n"),
        shown_lines(&tables.subtitle)
    );
    for (n, grid) in tables.grids.iter().enumerate() {
        out.push_str(&format!(
            "\n**Table {}. {}.** {}.\n\n",
            n + 1,
            escape(&shown(&grid.title)),
            escape(&shown(context))
        ));
        out.push_str(&draw(grid));
    }
    out.push('\n');
    out.push_str(&shown_lines(&tables.closing));
    out.push('\n');
    out
}

/// Escapes the characters that would break a table cell or start markup.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '|' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '\\' | '&' | '~' | '$' | '#'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A two-line header cell joined into one: "Counter-\nfactual" becomes
/// "Counterfactual", "Net\nsavings" becomes "Net savings".
fn one_line(header: &str) -> String {
    let mut out = String::new();
    for (i, part) in header.split('\n').enumerate() {
        if i > 0 && !out.ends_with('-') {
            out.push(' ');
        } else if out.ends_with('-') {
            out.pop();
        }
        out.push_str(part);
    }
    out
}

/// Draws a grid as a GFM table with padded, aligned columns.
pub fn draw(grid: &Grid) -> String {
    let header: Vec<String> = grid
        .header
        .iter()
        .map(|h| escape(&one_line(&shown_lines(h))))
        .collect();
    let rows: Vec<Vec<String>> = grid
        .rows
        .iter()
        .map(|r| r.iter().map(|c| escape(&shown(c))).collect())
        .collect();
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .chain(header.get(i))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
                .max(3)
        })
        .collect();
    let right = |i: usize| i >= grid.first_number;
    let line = |cells: &[String]| {
        let padded: Vec<String> = widths
            .iter()
            .enumerate()
            .map(|(i, &w)| {
                let cell = cells.get(i).map_or("", String::as_str);
                let pad = " ".repeat(w.saturating_sub(cell.chars().count()));
                if right(i) {
                    format!("{pad}{cell}")
                } else {
                    format!("{cell}{pad}")
                }
            })
            .collect();
        format!("| {} |\n", padded.join(" | "))
    };
    let mut out = line(&header);
    let rule: Vec<String> = widths
        .iter()
        .enumerate()
        .map(|(i, &w)| {
            if right(i) {
                format!("{}:", "-".repeat(w - 1))
            } else {
                format!(":{}", "-".repeat(w - 1))
            }
        })
        .collect();
    out.push_str(&format!("| {} |\n", rule.join(" | ")));
    for row in &rows {
        out.push_str(&line(row));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_join_their_lines() {
        assert_eq!(one_line("Counter-\nfactual"), "Counterfactual");
        assert_eq!(one_line("Net\nsavings"), "Net savings");
    }

    #[test]
    fn number_columns_are_right_aligned() {
        let grid = Grid {
            title: "T".into(),
            header: vec!["Year".into(), "Net\nsavings".into()],
            rows: vec![vec!["2009/10".into(), "£1.5m".into()]],
            first_number: 1,
        };
        assert_eq!(
            draw(&grid),
            "| Year    | Net savings |\n| :------ | ----------: |\n| 2009/10 |       £1.5m |\n"
        );
    }

    #[test]
    fn pipes_in_names_are_escaped() {
        assert_eq!(escape("A|B"), "A\\|B");
    }

    #[test]
    fn text_that_reached_a_grid_raw_is_still_drawn_escaped() {
        let grid = Grid {
            title: "T\nT".into(),
            header: vec!["Name\u{202E}".into(), "Net\nsavings".into()],
            rows: vec![vec!["a\n# b".into(), "£1.0m".into()]],
            first_number: 1,
        };
        assert_eq!(
            draw(&grid),
            "| Name\\\\u202E | Net savings |\n| :---------- | ----------: |\n| a\\\\n\\# b    |       £1.0m |\n"
        );
        let tables = ProjectionTables {
            name: "A\u{1b}\nB".into(),
            subtitle: String::new(),
            grids: vec![grid],
            closing: String::new(),
        };
        let out = render(&tables, "c\n## d");
        assert!(out.starts_with("## A\\\\u001B  \nB\n"), "{out}");
        assert!(
            out.contains("**Table 1. T\\\\nT.** c\\\\n\\#\\# d."),
            "{out}"
        );
    }

    #[test]
    fn entities_strikethrough_maths_and_closing_hashes_are_escaped() {
        assert_eq!(
            escape("&amp; ~~x~~ $y$ #"),
            "\\&amp; \\~\\~x\\~\\~ \\$y\\$ \\#"
        );
    }
}
