//! SVG charts for `pool-model chart` (SPEC 4.3): pictures of a projection
//! for finance and commissioning audiences.
//!
//! Six kinds, one module each: [`fan`] (net savings with Monte Carlo
//! bands), [`shares`] (each setting's share of service spend, target
//! marked), [`tornado`] (the swings of `pool-model sensitivity`, with
//! switching values), [`partners`] (net contribution by partner, stacked)
//! [`options`] (each option's NPV, for `appraise`) and [`monitor`] (a
//! year's budget, actual and forecast, for `monitor`). The board report
//! (`pool-model report`) puts the fan, shares and tornado inline.
//!
//! Charts are drawn with `plotters` through its SVG backend alone, with
//! its generic font: text is written as `<text font-family="sans-serif">`
//! and laid out by a fixed estimate, so no system font is read and the same
//! input gives the same bytes on any machine. Axis ticks are chosen here in
//! exact decimals ([`axis`]), not by plotters' floating-point tick search,
//! for the same reason. Colours come from the Okabe-Ito palette, ordered so
//! that neighbours also differ in lightness ([`style`]); lines also differ
//! in dash and carry direct labels, so every chart reads in greyscale.

pub mod axis;
pub mod fan;
pub mod monitor;
pub mod options;
pub mod partners;
pub mod shares;
pub mod style;
pub mod tail;
pub mod tornado;

use plotters::coord::Shift;
use plotters::prelude::*;

use axis::{Axis, Scale};

/// A chart kind (`--kind`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    /// Net savings by year with Monte Carlo bands; cumulative below.
    Fan,
    /// Each setting's share of service spend by year, target marked.
    Shares,
    /// Which ranged value moves NPV most (exact, as `sensitivity`).
    Tornado,
    /// Net contribution by partner by year, stacked.
    Partners,
    /// Each option's NPV with its range (`appraise`), of several files.
    Options,
    /// A year's budget, actual and forecast by month (needs --actuals).
    Monitor,
    /// What drives NPV's worst draws (`sensitivity --tail`; --tail p10).
    Tail,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Fan => "fan",
            Kind::Shares => "shares",
            Kind::Tornado => "tornado",
            Kind::Partners => "partners",
            Kind::Options => "options",
            Kind::Monitor => "monitor",
            Kind::Tail => "tail",
        }
    }
}

/// Why a chart could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// The scenario has nothing this kind of chart shows.
    #[error("{message}")]
    Nothing { message: String, help: String },
    /// The drawing library failed (not expected with an in-memory SVG).
    #[error("drawing the chart failed: {0}")]
    Draw(String),
}

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for ChartError {
    fn from(e: DrawingAreaErrorKind<E>) -> Self {
        ChartError::Draw(e.to_string())
    }
}

/// The drawing area every chart draws on.
pub type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

/// Width of every chart, in pixels.
pub const WIDTH: u32 = 960;

/// A chart with years across and a value axis up.
pub type YearChart<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<Scale, Scale>>;

/// Builds a chart of years (`years`, labelled as financial years) against
/// the value axis `y` on `area`, and draws its grid and labels.
pub fn year_chart<'a, 'b>(
    area: &'a Area<'b>,
    s: &crate::scenario::Scenario,
    years: Scale,
    y: &Axis,
    (right, labels): (u32, u32),
) -> Result<YearChart<'a, 'b>, ChartError> {
    let x_label = |v: &f64| year_label(s, *v);
    across_chart(area, years, &x_label, y, (right, labels))
}

/// Builds a chart of `x` across, labelled by `x_label` (years, months),
/// against the value axis `y` on `area`, and draws its grid and labels.
pub fn across_chart<'a, 'b>(
    area: &'a Area<'b>,
    x: Scale,
    x_label: &dyn Fn(&f64) -> String,
    y: &Axis,
    (right, labels): (u32, u32),
) -> Result<YearChart<'a, 'b>, ChartError> {
    let mut chart = ChartBuilder::on(area)
        .margin(8)
        .margin_left(16)
        .margin_right(right)
        .x_label_area_size(30)
        .y_label_area_size(labels)
        .build_cartesian_2d(x, Scale::of(y))?;
    let y_label = |v: &f64| y.label(*v);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .bold_line_style(style::GRID)
        .axis_style(style::INK)
        .label_style(style::font(style::LABEL))
        .x_label_formatter(&x_label)
        .y_label_formatter(&y_label)
        .draw()?;
    Ok(chart)
}

/// A chart of values across (in £m) and `rows` rows of bars down.
pub type RowChart<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<Scale, Scale>>;

/// Builds a chart of the value axis `x` across and `rows` rows down (row
/// 0 at the top), names in `names` pixels on the left and `right` pixels
/// of notes on the right, and draws its grid and the axis labelled `desc`.
pub fn row_chart<'a, 'b>(
    area: &'a Area<'b>,
    x: &Axis,
    rows: usize,
    (names, right): (u32, u32),
    desc: &str,
) -> Result<RowChart<'a, 'b>, ChartError> {
    let mut chart = ChartBuilder::on(area)
        .margin(12)
        .margin_right(right)
        .x_label_area_size(52)
        .y_label_area_size(names)
        .build_cartesian_2d(Scale::of(x), Scale::new(0.0, rows as f64, Vec::new()))?;
    let x_label = |v: &f64| x.label(*v);
    chart
        .configure_mesh()
        .disable_y_mesh()
        .bold_line_style(style::GRID)
        .axis_style(style::INK)
        .label_style(style::font(style::LABEL))
        .x_label_formatter(&x_label)
        .x_desc(desc)
        .axis_desc_style(style::font(style::LABEL))
        .draw()?;
    Ok(chart)
}

/// Draws a chart of `height` pixels into an SVG string.
pub fn render(
    height: u32,
    draw: impl FnOnce(&Area<'_>) -> Result<(), ChartError>,
) -> Result<String, ChartError> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE)?;
        draw(&root)?;
        root.present()?;
    }
    Ok(svg)
}

/// A chart's title and its subtitle, wrapped to the chart's width.
pub struct Heading {
    title: Vec<String>,
    lines: Vec<String>,
}

impl Heading {
    /// Characters of title per line.
    const TITLE_WRAP: usize = 72;
    /// Characters of subtitle per line.
    const WRAP: usize = 130;

    pub fn new(title: &str, subtitle: &str) -> Heading {
        Heading {
            title: wrap(&clean(title), Heading::TITLE_WRAP),
            lines: wrap(&clean(subtitle), Heading::WRAP),
        }
    }

    /// Pixels the heading takes at the top of the chart.
    pub fn height(&self) -> u32 {
        let title = u32::try_from(self.title.len()).unwrap_or(1);
        let lines = u32::try_from(self.lines.len()).unwrap_or(1);
        24 + 28 * title + 20 * lines
    }

    /// Draws the heading and returns the area below it.
    pub fn draw<'a>(&self, root: &Area<'a>) -> Result<Area<'a>, ChartError> {
        let mut y = 14;
        for line in &self.title {
            root.draw(&Text::new(line.clone(), (16, y), style::font(style::TITLE)))?;
            y += 28;
        }
        y += 4;
        for line in &self.lines {
            root.draw(&Text::new(
                line.clone(),
                (16, y),
                style::font(style::NOTE).color(&style::MUTED),
            ))?;
            y += 20;
        }
        Ok(root.split_vertically(self.height()).1)
    }
}

/// Draws a panel's title (and a note under it), left-aligned, and returns
/// the area below.
pub fn panel_title<'a>(
    area: &Area<'a>,
    title: &str,
    note: Option<&str>,
) -> Result<Area<'a>, ChartError> {
    area.draw(&Text::new(
        shorten(title, 100),
        (16, 10),
        style::font(style::PANEL),
    ))?;
    if let Some(note) = note {
        area.draw(&Text::new(
            shorten(note, 120),
            (16, 32),
            style::font(style::SMALL).color(&style::MUTED),
        ))?;
    }
    Ok(area
        .split_vertically(if note.is_some() { 52 } else { 34 })
        .1)
}

/// `text` broken at spaces into lines of at most `width` characters.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines.truncate(3);
    lines
}

/// Text safe to put in SVG: XML 1.0 forbids most control characters, and
/// U+FFFE and U+FFFF, even escaped, and a scenario name may contain them;
/// they are shown as [`crate::display::escape`] shows them everywhere
/// (plotters escapes `&`, `<` and quotes). Long text is shortened with an
/// ellipsis.
pub fn clean(text: &str) -> String {
    const MAX: usize = 400;
    let shown = crate::display::escape(text);
    let mut out: String = shown.chars().take(MAX).collect();
    if shown.chars().count() > MAX {
        out.pop();
        out.push('…');
    }
    out
}

/// Like [`shorten`], but keeping the start and the end and eliding the
/// middle: `cost "Double running and set…".amounts[2011/12]`.
pub fn shorten_middle(text: &str, max: usize) -> String {
    let cleaned = clean(text);
    let chars: Vec<char> = cleaned.chars().collect();
    if chars.len() <= max || max < 5 {
        return shorten(text, max);
    }
    let tail = (max - 1) / 2;
    let head = max - 1 - tail;
    let mut out: String = chars.iter().take(head).collect();
    out.push('…');
    out.extend(chars.iter().skip(chars.len() - tail));
    out
}

/// Like [`clean`], shortened to `max` characters.
pub fn shorten(text: &str, max: usize) -> String {
    let cleaned = clean(text);
    if cleaned.chars().count() <= max {
        return cleaned;
    }
    let mut out: String = cleaned.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// The financial-year label of year `t` of a scenario: `2010/11`.
pub fn year_label(s: &crate::scenario::Scenario, t: f64) -> String {
    if t < 0.0 || t.fract().abs() > 1e-9 {
        return String::new();
    }
    // Key points are whole years 0..=50, so the cast is exact.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let year = t.round() as u32;
    s.year(year).to_string()
}

/// Whole years `from..=to`, every `stride`-th, for x-axis labels: at most
/// `most` labels whatever the horizon.
pub fn year_ticks(from: u32, to: u32, most: u32) -> Vec<f64> {
    let span = to.saturating_sub(from) + 1;
    let stride = span.div_ceil(most.max(1)).max(1);
    (from..=to)
        .filter(|t| (t - from).is_multiple_of(stride))
        .map(f64::from)
        .collect()
}

/// How a key shows a series.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Swatch {
    /// A filled block: bars and bands.
    Block(RGBColor),
    /// A solid line with a point: the central case.
    Line(RGBColor),
    /// A dashed line.
    Dashed(RGBColor),
}

/// A key drawn as a row of swatches and names from `(x, y)`, wrapping at
/// the chart's width; returns the rows used.
pub fn key(
    area: &Area<'_>,
    items: &[(Swatch, String)],
    (x, y): (i32, i32),
) -> Result<i32, ChartError> {
    use plotters::style::text_anchor::{HPos, VPos};
    let right = i32::try_from(WIDTH).unwrap_or(i32::MAX) - 16;
    let (mut cx, mut cy, mut rows) = (x, y, 1);
    for (swatch, name) in items {
        let text = shorten(name, 60);
        let width = 36 + 8 * i32::try_from(text.chars().count()).unwrap_or(40);
        if cx + width > right && cx > x {
            cx = x;
            cy += 22;
            rows += 1;
        }
        match *swatch {
            Swatch::Block(colour) => {
                area.draw(&Rectangle::new(
                    [(cx, cy - 7), (cx + 22, cy + 7)],
                    colour.filled(),
                ))?;
            }
            Swatch::Line(colour) => {
                area.draw(&PathElement::new(
                    [(cx, cy), (cx + 22, cy)],
                    colour.stroke_width(2),
                ))?;
                area.draw(&Circle::new((cx + 11, cy), 3, colour.stroke_width(2)))?;
            }
            Swatch::Dashed(colour) => {
                for dash in [0, 9, 18] {
                    area.draw(&PathElement::new(
                        [(cx + dash, cy), (cx + dash + 5, cy)],
                        colour.stroke_width(2),
                    ))?;
                }
            }
        }
        area.draw(&Text::new(
            text,
            (cx + 30, cy),
            style::anchored(style::LABEL, HPos::Left, VPos::Center),
        ))?;
        cx += width + 16;
    }
    Ok(rows)
}

/// Pixels a key of `rows` rows takes, with the space under it.
pub fn key_height(rows: i32) -> i32 {
    rows * 22 + 10
}

/// The sum of `values`, saturating rather than overflowing (labels only).
pub fn total(values: impl IntoIterator<Item = rust_decimal::Decimal>) -> rust_decimal::Decimal {
    values
        .into_iter()
        .fold(rust_decimal::Decimal::ZERO, |a, v| {
            a.checked_add(v).unwrap_or(if v.is_sign_negative() {
                rust_decimal::Decimal::MIN
            } else {
                rust_decimal::Decimal::MAX
            })
        })
}

/// The corners of the rectangle spanning `a` and `b`, ordered as plotters
/// needs them (top left, bottom right) so no SVG `<rect>` gets a negative
/// width or height.
pub fn corners(a: (f64, f64), b: (f64, f64)) -> [(f64, f64); 2] {
    [(a.0.min(b.0), a.1.max(b.1)), (a.0.max(b.0), a.1.min(b.1))]
}
