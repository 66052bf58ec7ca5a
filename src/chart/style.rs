//! Colours, line styles and fonts shared by the charts.
//!
//! The palette is Okabe and Ito's, designed to be told apart by readers
//! with the common colour-vision deficiencies. It is ordered so that
//! neighbours also differ in lightness (grey levels 87, 162, 106, 213, 119,
//! 158, 0, 151), so stacked bars and lines still separate when printed in
//! greyscale; lines also cycle dash patterns and marker shapes and carry
//! direct labels.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Text and axes.
pub const INK: RGBColor = RGBColor(0x1A, 0x1A, 0x1A);
/// Subtitles and notes.
pub const MUTED: RGBColor = RGBColor(0x55, 0x55, 0x55);
/// Grid lines.
pub const GRID: RGBColor = RGBColor(0xDD, 0xDD, 0xDD);
/// The zero line and guides.
pub const GUIDE: RGBColor = RGBColor(0x88, 0x88, 0x88);

/// Okabe-Ito blue: the main series colour.
pub const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
/// Okabe-Ito orange: the contrasting colour.
pub const ORANGE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);

/// Series colours in order (Okabe-Ito, lightness alternating).
pub const PALETTE: [RGBColor; 8] = [
    BLUE,
    ORANGE,
    RGBColor(0x00, 0x9E, 0x73), // bluish green
    RGBColor(0xF0, 0xE4, 0x42), // yellow
    RGBColor(0xD5, 0x5E, 0x00), // vermillion
    RGBColor(0x56, 0xB4, 0xE9), // sky blue
    RGBColor(0x00, 0x00, 0x00), // black
    RGBColor(0xCC, 0x79, 0xA7), // reddish purple
];

/// The colour of series `i`.
pub fn colour(i: usize) -> RGBColor {
    PALETTE.get(i % PALETTE.len()).copied().unwrap_or(BLUE)
}

/// The colour of line `i`: the palette without yellow, which is too
/// faint as a line on white.
pub fn line_colour(i: usize) -> RGBColor {
    const LINES: [usize; 7] = [0, 1, 2, 6, 4, 7, 5];
    colour(LINES.get(i % LINES.len()).copied().unwrap_or(0))
}

/// Dash patterns (dash, gap in pixels) cycled by line series; `None` is
/// solid.
pub fn dashes(i: usize) -> Option<(u32, u32)> {
    match i % 4 {
        0 => None,
        1 => Some((10, 5)),
        2 => Some((3, 4)),
        _ => Some((14, 4)),
    }
}

/// Draws marker shape `i` (circle, triangle, square, cross, cycled) at a
/// pixel: lines carry markers so they part in greyscale too.
pub fn marker(
    area: &super::Area<'_>,
    i: usize,
    (x, y): (i32, i32),
    colour: RGBColor,
) -> Result<(), super::ChartError> {
    match i % 4 {
        0 => area.draw(&Circle::new((x, y), 4, colour.filled()))?,
        1 => area.draw(&TriangleMarker::new((x, y), 6, colour.filled()))?,
        2 => area.draw(&Rectangle::new(
            [(x - 4, y - 4), (x + 4, y + 4)],
            colour.filled(),
        ))?,
        _ => area.draw(&Cross::new((x, y), 4, colour.stroke_width(2)))?,
    }
    Ok(())
}

/// `colour` mixed with white: `strength` 1 is the colour, 0 is white. The
/// result is opaque, so overlapping bands do not depend on blending.
pub fn tint(colour: RGBColor, strength: f64) -> RGBColor {
    let mix = |c: u8| {
        let v = 255.0 - (255.0 - f64::from(c)) * strength.clamp(0.0, 1.0);
        // In 0..=255 by the clamp above.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let byte = v.round() as u8;
        byte
    };
    RGBColor(mix(colour.0), mix(colour.1), mix(colour.2))
}

/// Font sizes in pixels: chart title, panel title, axis labels,
/// subtitles and notes, small annotations.
pub const TITLE: u32 = 22;
pub const PANEL: u32 = 16;
pub const LABEL: u32 = 14;
pub const NOTE: u32 = 14;
pub const SMALL: u32 = 12;

/// The generic sans-serif font at `size` pixels. (Plotters writes a font
/// size of its size over 1.24, hence the factor; sizes above are chosen
/// so the written size is a whole number.)
pub fn font(size: u32) -> TextStyle<'static> {
    ("sans-serif", f64::from(size) * 1.24)
        .into_font()
        .color(&INK)
}

/// The font at `size`, anchored at `h` horizontally and `v` vertically.
pub fn anchored(size: u32, h: HPos, v: VPos) -> TextStyle<'static> {
    font(size).pos(Pos::new(h, v))
}
