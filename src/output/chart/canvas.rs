//! Page layout and drawing primitives over any plotters backend: title, subtitle, legend band,
//! footnotes, axes with our own ticks, and text that is measured before it is placed, so that
//! nothing overlaps the data or runs off the page.
//!
//! Axes are drawn here rather than by plotters' mesh because the charts need money ticks,
//! log decades, categorical labels that shrink to fit, and a plot rectangle whose position is
//! known before drawing (labels above the plot are placed against it).

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontTransform, RGBAColor};

/// Page size in pixels (PNG) and in SVG user units, so both formats share one layout.
pub const WIDTH: u32 = 1920;
pub const HEIGHT: u32 = 1080;
/// Outer page margin.
pub const MARGIN: i32 = 44;
pub const TITLE_SIZE: f64 = 48.0;
pub const SUBTITLE_SIZE: f64 = 30.0;
pub const LABEL_SIZE: f64 = 30.0;
pub const LEGEND_SIZE: f64 = 28.0;
pub const TICK_SIZE: f64 = 25.0;
pub const NOTE_SIZE: f64 = 24.0;
/// The most footnote lines a page shows.
pub const MAX_NOTE_LINES: usize = 5;

pub const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
pub const MUTED: RGBColor = RGBColor(0x55, 0x55, 0x55);
pub const GRID: RGBColor = RGBColor(0xE3, 0xE3, 0xE3);

use super::text_fit::font;
pub use super::text_fit::{fit_lines, fit_text, fit_text_keeping_tail, lines_at, text_width, wrap};

/// Drawing failures carry plotters' message; the caller adds which chart failed.
pub type DrawResult<T = ()> = Result<T, String>;

/// A colour with opacity, for fills that let overlaid distributions show through.
pub fn alpha(c: RGBColor, a: f64) -> RGBAColor {
    c.mix(a)
}

/// A version of a strategy colour dark enough to read as text on white (Okabe-Ito yellow and
/// sky blue are too light for text).
pub fn text_colour(c: RGBColor) -> RGBColor {
    let RGBColor(r, g, b) = c;
    let luminance = 0.2126 * r as f64 + 0.7152 * g as f64 + 0.0722 * b as f64;
    if luminance > 140.0 {
        let k = 140.0 / luminance;
        RGBColor(
            (r as f64 * k) as u8,
            (g as f64 * k) as u8,
            (b as f64 * k) as u8,
        )
    } else {
        c
    }
}

/// Thin wrapper over a drawing area in pixel coordinates.
pub struct Canvas<'a, DB: DrawingBackend> {
    pub root: &'a DrawingArea<DB, plotters::coord::Shift>,
}

impl<DB: DrawingBackend> Canvas<'_, DB> {
    #[allow(clippy::too_many_arguments)]
    pub fn text(
        &self,
        text: &str,
        at: (i32, i32),
        size: f64,
        bold: bool,
        colour: RGBColor,
        h: HPos,
        v: VPos,
    ) -> DrawResult {
        let style = font(size, bold).color(&colour).pos(Pos::new(h, v));
        self.root
            .draw_text(text, &style, at)
            .map_err(|e| e.to_string())
    }

    /// Text turned 90 degrees anticlockwise, centred on `at` (for the y-axis title).
    pub fn text_vertical(
        &self,
        text: &str,
        at: (i32, i32),
        size: f64,
        colour: RGBColor,
    ) -> DrawResult {
        let style = font(size, false)
            .transform(FontTransform::Rotate270)
            .color(&colour)
            .pos(Pos::new(HPos::Center, VPos::Center));
        self.root
            .draw_text(text, &style, at)
            .map_err(|e| e.to_string())
    }

    pub fn fill_rect(
        &self,
        a: (i32, i32),
        b: (i32, i32),
        colour: impl Into<RGBAColor>,
    ) -> DrawResult {
        let (x0, x1) = (a.0.min(b.0), a.0.max(b.0));
        let (y0, y1) = (a.1.min(b.1), a.1.max(b.1));
        let style = ShapeStyle {
            color: colour.into(),
            filled: true,
            stroke_width: 0,
        };
        self.root
            .draw(&Rectangle::new([(x0, y0), (x1, y1)], style))
            .map_err(|e| e.to_string())
    }

    pub fn line(
        &self,
        points: Vec<(i32, i32)>,
        colour: impl Into<RGBAColor>,
        width: u32,
    ) -> DrawResult {
        if points.len() < 2 {
            return Ok(());
        }
        let style = ShapeStyle {
            color: colour.into(),
            filled: false,
            stroke_width: width,
        };
        self.root
            .draw(&PathElement::new(points, style))
            .map_err(|e| e.to_string())
    }

    /// A dashed straight line; dashes are computed here so both backends draw the same.
    pub fn dashed(
        &self,
        a: (i32, i32),
        b: (i32, i32),
        colour: RGBColor,
        width: u32,
        dash: f64,
        gap: f64,
    ) -> DrawResult {
        let (dx, dy) = ((b.0 - a.0) as f64, (b.1 - a.1) as f64);
        let length = (dx * dx + dy * dy).sqrt();
        if length < 1.0 {
            return Ok(());
        }
        let mut t = 0.0;
        while t < length {
            let end = (t + dash).min(length);
            let p = |s: f64| {
                (
                    (a.0 as f64 + dx * s / length).round() as i32,
                    (a.1 as f64 + dy * s / length).round() as i32,
                )
            };
            self.line(vec![p(t), p(end)], colour, width)?;
            t += dash + gap;
        }
        Ok(())
    }

    pub fn circle(
        &self,
        at: (i32, i32),
        radius: i32,
        colour: impl Into<RGBAColor>,
        filled: bool,
    ) -> DrawResult {
        let style = ShapeStyle {
            color: colour.into(),
            filled,
            stroke_width: 3,
        };
        self.root
            .draw(&Circle::new(at, radius, style))
            .map_err(|e| e.to_string())
    }
}

/// How a legend entry shows its colour.
#[derive(Debug, Clone, Copy)]
pub enum Swatch {
    /// A filled square: bars and areas.
    Block(RGBColor),
    /// A line with a dot: lines and points.
    Line(RGBColor),
}

/// One legend entry.
#[derive(Debug, Clone)]
pub struct LegendItem {
    pub swatch: Swatch,
    pub text: String,
}

/// The fixed parts of a chart page.
pub struct Page {
    pub title: String,
    pub subtitle: String,
    pub legend: Vec<LegendItem>,
    pub footnotes: Vec<String>,
}

/// Where the page furniture ended: the plot goes between `content_top` and `content_bottom`.
pub struct PageLayout {
    pub content_top: i32,
    pub content_bottom: i32,
}

/// Draws the white background, title, subtitle, legend band (under the subtitle, never over
/// data) and footnotes (at the bottom), and returns the space left for the plot.
pub fn draw_page<DB: DrawingBackend>(canvas: &Canvas<DB>, page: &Page) -> DrawResult<PageLayout> {
    canvas.root.fill(&WHITE).map_err(|e| e.to_string())?;
    let width = WIDTH as i32 - 2 * MARGIN;
    // A title that names two long labels takes a second line rather than shrinking
    // below 34 px; everything under it moves down by that line.
    let (titles, title_size) = fit_lines(&page.title, width, TITLE_SIZE, 34.0, 34.0, 2, true);
    let title_line = (title_size * 1.2) as i32;
    for (i, title) in titles.iter().enumerate() {
        canvas.text(
            title,
            (MARGIN, 30 + i as i32 * title_line),
            title_size,
            true,
            INK,
            HPos::Left,
            VPos::Top,
        )?;
    }
    let below_title = title_line * (titles.len() as i32 - 1);
    let (subtitle, subtitle_size) = fit_text(&page.subtitle, width, SUBTITLE_SIZE, 20.0, false);
    canvas.text(
        &subtitle,
        (MARGIN, 96 + below_title),
        subtitle_size,
        false,
        MUTED,
        HPos::Left,
        VPos::Top,
    )?;
    let mut y = 150 + below_title;

    // Legend: entries flow left to right and wrap; with many strategies the font shrinks so
    // the band cannot eat the plot.
    if !page.legend.is_empty() {
        let mut size = LEGEND_SIZE;
        let rows = loop {
            let rows = flow_legend(&page.legend, size, width);
            let row_height = (size * 1.45) as i32;
            if rows.len() as i32 * row_height <= 200 || size <= 14.0 {
                break rows;
            }
            size -= 2.0;
        };
        let row_height = (size * 1.45) as i32;
        let swatch_w = (size * 1.5) as i32;
        for (r, row) in rows.iter().enumerate() {
            let cy = y + r as i32 * row_height + row_height / 2;
            for &(index, x) in row {
                let item = &page.legend[index];
                match item.swatch {
                    Swatch::Block(c) => {
                        let h = (size * 0.7) as i32;
                        canvas.fill_rect((x, cy - h / 2), (x + swatch_w, cy + h / 2), c)?;
                    }
                    Swatch::Line(c) => {
                        canvas.line(vec![(x, cy), (x + swatch_w, cy)], c, 5)?;
                        canvas.circle((x + swatch_w / 2, cy), (size * 0.22) as i32, c, true)?;
                    }
                }
                let (text, _) = fit_text(&item.text, width - swatch_w - 10, size, size, false);
                canvas.text(
                    &text,
                    (x + swatch_w + 10, cy),
                    size,
                    false,
                    INK,
                    HPos::Left,
                    VPos::Center,
                )?;
            }
        }
        y += rows.len() as i32 * row_height;
    }

    // Footnotes, bottom up.
    let mut lines = Vec::new();
    for note in &page.footnotes {
        lines.extend(wrap(note, width, NOTE_SIZE));
    }
    // Notes never take the plot's room: past MAX_NOTE_LINES the rest is cut with an ellipsis.
    if lines.len() > MAX_NOTE_LINES {
        lines.truncate(MAX_NOTE_LINES);
        if let Some(last) = lines.last_mut() {
            let (text, _) = fit_text(&format!("{last} …"), width, NOTE_SIZE, NOTE_SIZE, false);
            *last = if text.ends_with('…') {
                text
            } else {
                format!("{last} …")
            };
        }
    }
    let line_height = (NOTE_SIZE * 1.35) as i32;
    let bottom = HEIGHT as i32 - 24;
    let notes_top = bottom - lines.len() as i32 * line_height;
    for (i, line) in lines.iter().enumerate() {
        canvas.text(
            line,
            (MARGIN, notes_top + i as i32 * line_height),
            NOTE_SIZE,
            false,
            MUTED,
            HPos::Left,
            VPos::Top,
        )?;
    }
    Ok(PageLayout {
        content_top: y + 12,
        content_bottom: notes_top - if lines.is_empty() { 0 } else { 10 },
    })
}

/// Positions legend entries in rows: each row lists (entry index, x).
fn flow_legend(items: &[LegendItem], size: f64, width: i32) -> Vec<Vec<(usize, i32)>> {
    let swatch_w = (size * 1.5) as i32;
    let mut rows: Vec<Vec<(usize, i32)>> = vec![Vec::new()];
    let mut x = MARGIN;
    for (i, item) in items.iter().enumerate() {
        let w = swatch_w + 10 + text_width(&item.text, size, false).min(width - swatch_w - 10);
        if x > MARGIN && x + w > MARGIN + width {
            rows.push(Vec::new());
            x = MARGIN;
        }
        if let Some(row) = rows.last_mut() {
            row.push((i, x));
        }
        x += w + (size * 1.6) as i32;
    }
    rows
}

/// One axis: its range, whether it is logarithmic, and its labelled ticks.
#[derive(Debug, Clone)]
pub struct Axis {
    pub lo: f64,
    pub hi: f64,
    pub log: bool,
    pub ticks: Vec<(f64, String)>,
}

impl Axis {
    /// Position of `v` along the axis in [0, 1] (clamped, so out-of-range data sits on the edge).
    pub fn frac(&self, v: f64) -> f64 {
        let f = if self.log {
            let v = if v > 0.0 { v } else { self.lo };
            (v.log10() - self.lo.log10()) / (self.hi.log10() - self.lo.log10())
        } else {
            (v - self.lo) / (self.hi - self.lo)
        };
        if f.is_finite() {
            f.clamp(0.0, 1.0)
        } else {
            0.0
        }
    }

    /// Whether `v` lies inside the axis range.
    pub fn contains(&self, v: f64) -> bool {
        v.is_finite() && v >= self.lo && v <= self.hi && (!self.log || v > 0.0)
    }
}

/// The plot rectangle in pixels with its two axes.
#[derive(Debug, Clone)]
pub struct Frame {
    pub left: i32,
    pub top: i32,
    pub right: i32,
    pub bottom: i32,
    pub x: Axis,
    pub y: Axis,
}

impl Frame {
    pub fn px(&self, v: f64) -> i32 {
        self.left + (self.x.frac(v) * (self.right - self.left) as f64).round() as i32
    }

    pub fn py(&self, v: f64) -> i32 {
        self.bottom - (self.y.frac(v) * (self.bottom - self.top) as f64).round() as i32
    }

    pub fn pt(&self, x: f64, y: f64) -> (i32, i32) {
        (self.px(x), self.py(y))
    }
}

/// Room the x-axis needs under the plot: tick marks, tick labels, axis title.
const X_AXIS_BAND: i32 = 10 + TICK_BAND + 10 + 42;

/// The horizontal extent of the plot, given the y tick labels it must leave room for.
pub fn plot_x_extent(y: &Axis, right_room: i32) -> (i32, i32) {
    let widest = y
        .ticks
        .iter()
        .map(|(_, l)| text_width(l, TICK_SIZE, false))
        .max()
        .unwrap_or(0);
    let left = MARGIN + 44 + 16 + widest + 14;
    let right = WIDTH as i32 - MARGIN - right_room;
    (left, right.max(left + 100))
}

/// The plot frame below `top_room` extra pixels reserved above the plot (for marker labels).
pub fn plot_frame(layout: &PageLayout, x: Axis, y: Axis, top_room: i32, right_room: i32) -> Frame {
    let (left, right) = plot_x_extent(&y, right_room);
    let top = layout.content_top + top_room + 10;
    let bottom = (layout.content_bottom - X_AXIS_BAND).max(top + 100);
    Frame {
        left,
        top,
        right,
        bottom,
        x,
        y,
    }
}

/// Category labels drawn under the x-axis instead of numeric ticks.
pub struct Categories<'a> {
    pub labels: &'a [String],
    /// When given, a colour square before each label ties the category to its strategy.
    pub colours: Option<&'a [RGBColor]>,
    /// The most lines a label may take; past one, the frame must have made room with
    /// [`make_room_for_categories`].
    pub max_lines: usize,
}

/// Room under the plot for one line of tick or category labels.
const TICK_BAND: i32 = 36;
/// Category labels are never drawn smaller than this: a board reads them from a slide.
pub const MIN_CATEGORY_SIZE: f64 = 18.0;

/// Category labels laid out under a frame: one size for all, each label on its lines.
struct CategoryLayout {
    size: f64,
    lines: Vec<Vec<String>>,
    swatch: i32,
    slot: i32,
}

impl CategoryLayout {
    fn new(frame: &Frame, cats: &Categories) -> CategoryLayout {
        let n = cats.labels.len().max(1) as i32;
        let slot = (frame.right - frame.left) / n;
        let swatch = if cats.colours.is_some() { 32 } else { 0 };
        let width = (slot - 12 - swatch).max(1);
        let size = LABEL_SIZE - 2.0;
        // One size for every label (the smallest any of them needs), so the categories
        // read as a set.
        let size = cats
            .labels
            .iter()
            .map(|l| {
                fit_lines(
                    l,
                    width,
                    size,
                    size - 6.0,
                    MIN_CATEGORY_SIZE,
                    cats.max_lines,
                    false,
                )
                .1
            })
            .fold(size, f64::min);
        let lines = cats
            .labels
            .iter()
            .map(|l| lines_at(l, width, size, cats.max_lines, false))
            .collect();
        CategoryLayout {
            size,
            lines,
            swatch,
            slot,
        }
    }

    fn line_height(&self) -> i32 {
        (self.size * 1.25).ceil() as i32
    }

    /// Height of the label band: the tallest label, at least one tick band.
    fn band(&self) -> i32 {
        let most = self.lines.iter().map(Vec::len).max().unwrap_or(1) as i32;
        (most * self.line_height()).max(TICK_BAND)
    }
}

/// Raises the bottom of `frame` so that category labels on more than one line still leave
/// the x-axis title, and the footnotes under it, where they were.
pub fn make_room_for_categories(frame: &mut Frame, cats: &Categories) {
    let extra = CategoryLayout::new(frame, cats).band() - TICK_BAND;
    frame.bottom = (frame.bottom - extra).max(frame.top + 100);
}

/// Draws grid lines, axis lines, tick labels and axis titles. With `categories`, the x ticks
/// are replaced by one label per category centred on its slot: all at one size, wrapped
/// onto up to `max_lines` lines, cut with an ellipsis only when even that does not fit.
pub fn draw_axes<DB: DrawingBackend>(
    canvas: &Canvas<DB>,
    frame: &Frame,
    x_title: &str,
    y_title: &str,
    categories: Option<Categories>,
) -> DrawResult {
    for (v, label) in &frame.y.ticks {
        if !frame.y.contains(*v) {
            continue;
        }
        let y = frame.py(*v);
        canvas.line(vec![(frame.left, y), (frame.right, y)], GRID, 2)?;
        canvas.line(vec![(frame.left - 8, y), (frame.left, y)], INK, 2)?;
        canvas.text(
            label,
            (frame.left - 14, y),
            TICK_SIZE,
            false,
            INK,
            HPos::Right,
            VPos::Center,
        )?;
    }
    let tick_y = frame.bottom + 14;
    let mut band = TICK_BAND;
    match categories {
        Some(cats) => {
            let layout = CategoryLayout::new(frame, &cats);
            band = layout.band();
            let (size, slot, swatch) = (layout.size, layout.slot, layout.swatch);
            let line_h = layout.line_height();
            for (i, lines) in layout.lines.iter().enumerate() {
                let cx = frame.left + slot * i as i32 + slot / 2;
                let colour = cats.colours.and_then(|c| c.get(i)).copied();
                let widest = lines
                    .iter()
                    .map(|l| text_width(l, size, false))
                    .max()
                    .unwrap_or(0);
                let x = cx - (widest + swatch) / 2;
                if let Some(c) = colour {
                    let s = (size * 0.75) as i32;
                    canvas.fill_rect((x, tick_y + 4), (x + s, tick_y + 4 + s), c)?;
                }
                for (k, line) in lines.iter().enumerate() {
                    // Lines centred under the bar; with a swatch, flush left beside it.
                    let (at, h) = if colour.is_some() {
                        (x + swatch, HPos::Left)
                    } else {
                        (cx, HPos::Center)
                    };
                    canvas.text(
                        line,
                        (at, tick_y + k as i32 * line_h),
                        size,
                        false,
                        INK,
                        h,
                        VPos::Top,
                    )?;
                }
            }
        }
        None => {
            for (v, label) in &frame.x.ticks {
                if !frame.x.contains(*v) {
                    continue;
                }
                let x = frame.px(*v);
                canvas.line(vec![(x, frame.top), (x, frame.bottom)], GRID, 2)?;
                canvas.line(vec![(x, frame.bottom), (x, frame.bottom + 8)], INK, 2)?;
                canvas.text(
                    label,
                    (x, tick_y),
                    TICK_SIZE,
                    false,
                    INK,
                    HPos::Center,
                    VPos::Top,
                )?;
            }
        }
    }
    canvas.line(
        vec![
            (frame.left, frame.top),
            (frame.left, frame.bottom),
            (frame.right, frame.bottom),
        ],
        INK,
        2,
    )?;
    let (x_title, x_size) = fit_text(x_title, frame.right - frame.left, LABEL_SIZE, 18.0, false);
    canvas.text(
        &x_title,
        (
            (frame.left + frame.right) / 2,
            frame.bottom + 14 + band + 12,
        ),
        x_size,
        false,
        INK,
        HPos::Center,
        VPos::Top,
    )?;
    let (y_title, y_size) = fit_text(y_title, frame.bottom - frame.top, LABEL_SIZE, 18.0, false);
    canvas.text_vertical(
        &y_title,
        (MARGIN + 20, (frame.top + frame.bottom) / 2),
        y_size,
        INK,
    )?;
    Ok(())
}

/// Places labels (centre x, width) into the fewest rows so that no two in a row overlap;
/// returns each label's row, or `None` when it would need more than `max_rows`.
pub fn place_in_rows(labels: &[(i32, i32)], max_rows: usize) -> Vec<Option<usize>> {
    let mut rows: Vec<Vec<(i32, i32)>> = Vec::new();
    labels
        .iter()
        .map(|&(cx, w)| {
            let span = (cx - w / 2 - 10, cx + w / 2 + 10);
            for (r, row) in rows.iter_mut().enumerate() {
                if row.iter().all(|&(a, b)| span.1 <= a || span.0 >= b) {
                    row.push(span);
                    return Some(r);
                }
            }
            if rows.len() < max_rows {
                rows.push(vec![span]);
                Some(rows.len() - 1)
            } else {
                None
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_breaks_a_word_wider_than_the_line_between_characters() {
        super::super::ensure_font().unwrap();
        let word = "X".repeat(640);
        let lines = wrap(&format!("Note: {word} end."), 600, NOTE_SIZE);
        assert!(lines.len() > 3, "{lines:?}");
        assert!(lines.iter().all(|l| text_width(l, NOTE_SIZE, false) <= 600));
        assert_eq!(lines.concat().replace(' ', ""), format!("Note:{word}end."));
    }

    #[test]
    fn fit_lines_takes_one_line_then_two_then_cuts_the_second_with_an_ellipsis() {
        super::super::ensure_font().unwrap();
        let short = "Backend-led";
        assert_eq!(
            fit_lines(short, 400, 28.0, 22.0, 18.0, 2, false),
            (vec![short.to_string()], 28.0)
        );
        let long = "Backend-led, staged rollout with a platform team";
        let (lines, size) = fit_lines(long, 400, 28.0, 22.0, 18.0, 2, false);
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert_eq!(lines.join(" "), long);
        assert!(size >= 18.0);
        let (lines, size) = fit_lines(&long.repeat(4), 400, 28.0, 22.0, 18.0, 2, false);
        assert_eq!((lines.len(), size), (2, 18.0));
        assert!(lines[1].ends_with("… team"), "{lines:?}");
        assert!(lines.iter().all(|l| text_width(l, size, false) <= 400));
        let one_word = "W".repeat(200);
        let (lines, _) = fit_lines(&one_word, 400, 28.0, 22.0, 18.0, 2, false);
        assert!(lines[1].ends_with('…'), "{lines:?}");
    }

    #[test]
    fn labels_cut_to_two_lines_that_differ_only_at_the_end_stay_different() {
        super::super::ensure_font().unwrap();
        let cut = |label: &str| lines_at(label, 200, 18.0, 2, false);
        let (a, b) = (
            cut("Hybrid, shared responsibility matrix, g = 0.2"),
            cut("Hybrid, shared responsibility matrix, g = 0.9"),
        );
        assert_eq!(a.len(), 2, "{a:?}");
        assert!(a[1].contains('…'), "cut: {a:?}");
        assert_ne!(a, b, "told apart");
        assert!(
            a[1].ends_with(" 0.2") && b[1].ends_with(" 0.9"),
            "{a:?} {b:?}"
        );
        assert!(a.iter().all(|l| text_width(l, 18.0, false) <= 200));
    }
}
