//! `--format table`: the projection's tables drawn with comfy-table.
//!
//! Money in £m to 1 dp, shares as percents to 1 dp, financial-year labels.
//! Tables never wrap to the terminal width, so output is the same bytes on
//! every machine.

use comfy_table::{CellAlignment, ContentArrangement, Table, presets};

use super::grid::{
    Grid, ProjectionTables, appraise_tables, diff_tables, projection_tables, sensitivity_tables,
    shown, shown_lines,
};
use super::{
    AppraiseReport, DiffReport, MonitorReport, Printer, ProjectionReport, SensitivityReport,
};

pub struct TablePrinter;

impl Printer for TablePrinter {
    fn projection(&self, r: &ProjectionReport<'_>) -> String {
        render(&projection_tables(
            r.scenario, r.central, r.ranges, &r.layout,
        ))
    }

    fn diff(&self, r: &DiffReport<'_>) -> String {
        render(&diff_tables(r))
    }

    fn sensitivity(&self, r: &SensitivityReport<'_>) -> String {
        render(&sensitivity_tables(r))
    }

    fn appraise(&self, r: &AppraiseReport<'_>) -> String {
        render(&appraise_tables(r))
    }

    fn monitor(&self, r: &MonitorReport<'_>) -> String {
        render(&super::statement::tables(&super::statement::statement(r)))
    }
}

fn render(tables: &ProjectionTables) -> String {
    let mut out = format!(
        "{}\n{}\n",
        shown_lines(&tables.name),
        shown_lines(&tables.subtitle)
    );
    for grid in &tables.grids {
        out.push('\n');
        out.push_str(&shown(&grid.title));
        out.push('\n');
        out.push_str(&draw(grid));
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&shown_lines(&tables.closing));
    out.push('\n');
    out
}

/// Draws a grid in the house style: rounded UTF-8 borders, numbers
/// right-aligned, no wrapping.
pub fn draw(grid: &Grid) -> String {
    let mut t = Table::new();
    t.load_preset(presets::UTF8_FULL_CONDENSED)
        .apply_modifier(comfy_table::modifiers::UTF8_ROUND_CORNERS)
        .set_content_arrangement(ContentArrangement::Disabled);
    t.set_header(grid.header.iter().map(|h| shown_lines(h)));
    for row in &grid.rows {
        t.add_row(row.iter().map(|c| shown(c)));
    }
    for i in grid.first_number..grid.header.len() {
        if let Some(c) = t.column_mut(i) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    t.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_that_reached_a_grid_raw_is_still_drawn_escaped() {
        let grid = Grid {
            title: "T\u{1b}[2J".into(),
            header: vec!["Name\u{202E}".into(), "Two-line\nheader".into()],
            rows: vec![vec!["a\nb\u{7}".into(), "£1.0m".into()]],
            first_number: 1,
        };
        let drawn = draw(&grid);
        assert!(drawn.contains("Name\\u202E"), "{drawn}");
        assert!(drawn.contains("a\\nb\\u0007"), "{drawn}");
        // The header's own line break still makes two lines.
        assert!(drawn.contains("Two-line") && !drawn.contains("Two-line\\n"));
        let tables = ProjectionTables {
            name: "A\u{1b}]0;x\u{7}".into(),
            subtitle: String::new(),
            grids: vec![grid],
            closing: "c\r".into(),
        };
        let out = render(&tables);
        assert!(
            !out.chars()
                .any(|c| c != '\n' && crate::display::is_unsafe(c)),
            "{out:?}"
        );
    }
}
