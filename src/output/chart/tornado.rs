//! Tornado charts of `tradeoff-sim sensitivity`: one horizontal bar per driver,
//! largest first, from the base value to the value at the driver's low setting
//! (one colour) and at its high setting (another), with the settings named beside
//! each driver and the values at the bar ends.
//!
//! Drawn from a [`TornadoChart`] the command builds from its results: numbers in,
//! pixels out; no statistics here.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::canvas::{
    Axis, Canvas, Frame, GRID, HEIGHT, INK, LegendItem, MARGIN, MUTED, Page, Swatch, WIDTH,
    draw_page, fit_text, fit_text_keeping_tail, text_width,
};
use super::layout::start_within;
use super::ticks::linear_ticks;
use super::{ChartError, ChartFormat, ensure_font};
use crate::format::{money_ticks, money_with_prefix, plain_ticks, short};

/// Colour of a bar's low side (a key at its low setting, a risk switched off).
pub const LOW: RGBColor = RGBColor(0x00, 0x72, 0xB2);
/// Colour of a bar's high side (a key at its high setting, a risk forced on).
pub const HIGH: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
/// The most bars a page shows; the rest are counted in a footnote.
pub const MAX_BARS: usize = 12;

/// One page: everything the drawing needs, already worded.
#[derive(Clone, Debug)]
pub struct TornadoChart {
    /// File stem under `charts/`, e.g. `tornado_ux_led`.
    pub name: String,
    pub title: String,
    pub subtitle: String,
    /// The x-axis title, e.g. `P80 total cost (USD)`.
    pub axis_title: String,
    /// Currency prefix (`$`) when values are money; `None` for plain numbers.
    pub money: Option<String>,
    /// The base value: the line every bar starts from.
    pub base: f64,
    /// Label of the base line, e.g. `base $2.8m`.
    pub base_label: String,
    /// When set, a zero line is drawn with what lies left and right of it
    /// (a difference between two strategies).
    pub zero: Option<(String, String)>,
    /// Legend text for the two colours.
    pub legend: (String, String),
    /// Ranked, largest first; only the first [`MAX_BARS`] are drawn.
    pub bars: Vec<TornadoBar>,
    pub footnotes: Vec<String>,
}

/// The type size of the words on either side of a zero line.
const ZERO_LABEL_SIZE: f64 = 22.0;

/// One driver's bar.
#[derive(Clone, Debug)]
pub struct TornadoBar {
    /// The driver in plain words.
    pub label: String,
    /// The second, muted line: its key and low / high settings.
    pub detail: String,
    pub at_low: f64,
    pub at_high: f64,
}

/// Writes each chart into `<dir>/charts/` (PNG before SVG per chart) and returns
/// the paths in order.
pub fn render_tornado_charts(
    dir: &std::path::Path,
    charts: &[TornadoChart],
    format: ChartFormat,
) -> Result<Vec<std::path::PathBuf>, ChartError> {
    super::draw_files(
        dir,
        charts,
        format,
        |chart| chart.name.clone(),
        tornado_png,
        tornado_svg,
        &std::sync::atomic::AtomicBool::new(false),
    )
}

fn fail(e: String) -> ChartError {
    ChartError::Draw {
        chart: "tornado",
        message: e,
    }
}

/// Every piece of text the chart draws and where its ink lands on the page.
pub fn tornado_text_boxes(chart: &TornadoChart) -> Result<Vec<super::TextBox>, ChartError> {
    super::layout::record(|root| draw(&Canvas { root }, chart).map_err(fail))
}

/// The chart as an SVG document; the same chart always gives the same bytes.
pub fn tornado_svg(chart: &TornadoChart) -> Result<String, ChartError> {
    ensure_font()?;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        draw(&Canvas { root: &root }, chart).map_err(fail)?;
        root.present().map_err(|e| fail(e.to_string()))?;
    }
    Ok(svg)
}

/// The chart as PNG file bytes (1920 x 1080, 8-bit RGB).
pub fn tornado_png(chart: &TornadoChart) -> Result<Vec<u8>, ChartError> {
    ensure_font()?;
    let mut pixels = vec![0u8; WIDTH as usize * HEIGHT as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (WIDTH, HEIGHT)).into_drawing_area();
        draw(&Canvas { root: &root }, chart).map_err(fail)?;
        root.present().map_err(|e| fail(e.to_string()))?;
    }
    let encode_err = |e: png::EncodingError| fail(format!("png encoding: {e}"));
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, WIDTH, HEIGHT);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(encode_err)?;
    writer.write_image_data(&pixels).map_err(encode_err)?;
    writer.finish().map_err(encode_err)?;
    Ok(bytes)
}

fn value_text(chart: &TornadoChart, v: f64) -> String {
    match &chart.money {
        Some(prefix) => money_with_prefix(v, prefix),
        None => short(v, 3),
    }
}

fn draw<DB: DrawingBackend>(canvas: &Canvas<DB>, chart: &TornadoChart) -> Result<(), String> {
    let shown = &chart.bars[..chart.bars.len().min(MAX_BARS)];
    let page = Page {
        title: chart.title.clone(),
        subtitle: chart.subtitle.clone(),
        legend: vec![
            LegendItem {
                swatch: Swatch::Block(LOW),
                text: chart.legend.0.clone(),
            },
            LegendItem {
                swatch: Swatch::Block(HIGH),
                text: chart.legend.1.clone(),
            },
        ],
        footnotes: chart.footnotes.clone(),
    };
    let layout = draw_page(canvas, &page)?;

    // x range: every bar end, the base, and zero when a zero line is drawn.
    let mut lo = chart.base;
    let mut hi = chart.base;
    for b in shown {
        for v in [b.at_low, b.at_high] {
            if v.is_finite() {
                lo = lo.min(v);
                hi = hi.max(v);
            }
        }
    }
    if chart.zero.is_some() {
        lo = lo.min(0.0);
        hi = hi.max(0.0);
    }

    // Left column: driver names and their settings, as wide as the widest needs
    // (at most 40% of the page).
    const NAME_SIZE: f64 = 27.0;
    const SETTING_SIZE: f64 = 21.0;
    let settings: Vec<String> = shown.iter().map(|b| b.detail.clone()).collect();
    let widest = shown
        .iter()
        .zip(&settings)
        .map(|(b, s)| {
            text_width(&b.label, NAME_SIZE, false).max(text_width(s, SETTING_SIZE, false))
        })
        .max()
        .unwrap_or(100);
    let label_width = widest.min((WIDTH as f64 * 0.40) as i32);
    let left = MARGIN + label_width + 24;
    let right = WIDTH as i32 - MARGIN - 20;
    // Each side of a zero line gets the room its words need at their one size
    // (up to 45% of the plot), so that neither is shrunk or cut to nothing.
    if let Some((left_text, right_text)) = &chart.zero {
        let plot = (right - left).max(1) as f64;
        let need = |t: &str| {
            ((text_width(&format!("◀ {t}"), ZERO_LABEL_SIZE, false) + 24) as f64 / plot).min(0.45)
        };
        let (need_left, need_right) = (need(left_text), need(right_text));
        let span = (hi - lo).max(1e-9);
        if hi < need_right * span {
            hi = need_right * (-lo) / (1.0 - need_right);
        }
        let span = (hi - lo).max(1e-9);
        if -lo < need_left * span {
            lo = -need_left * hi / (1.0 - need_left);
        }
    }
    // Room for the value labels at the bar ends.
    let pad = (hi - lo).max(hi.abs() * 0.05).max(1e-9) * 0.10;
    let (x_lo, x_hi, step, ticks) = linear_ticks(lo - pad, hi + pad, 7);
    let labels = match &chart.money {
        Some(prefix) => money_ticks(&ticks, step, prefix),
        None => plain_ticks(&ticks, step),
    };
    // Room above the plot for the base line's label, and for the zero line's side labels.
    let top = layout.content_top + if chart.zero.is_some() { 76 } else { 44 };
    let bottom = layout.content_bottom - 86; // ticks and the axis title
    let frame = Frame {
        left,
        top,
        right,
        bottom,
        x: Axis {
            lo: x_lo,
            hi: x_hi,
            log: false,
            ticks: ticks.iter().copied().zip(labels).collect(),
        },
        y: Axis {
            lo: 0.0,
            hi: 1.0,
            log: false,
            ticks: Vec::new(),
        },
    };

    // Grid and ticks.
    for (v, label) in &frame.x.ticks {
        if !frame.x.contains(*v) {
            continue;
        }
        let x = frame.px(*v);
        canvas.line(vec![(x, top), (x, bottom)], GRID, 2)?;
        canvas.line(vec![(x, bottom), (x, bottom + 8)], INK, 2)?;
        canvas.text(
            label,
            (x, bottom + 14),
            25.0,
            false,
            INK,
            HPos::Center,
            VPos::Top,
        )?;
    }
    canvas.line(vec![(left, bottom), (right, bottom)], INK, 2)?;
    let (axis_title, axis_size) = fit_text(&chart.axis_title, right - left, 30.0, 18.0, false);
    canvas.text(
        &axis_title,
        ((left + right) / 2, bottom + 56),
        axis_size,
        false,
        INK,
        HPos::Center,
        VPos::Top,
    )?;

    // Bars.
    let n = shown.len().max(1) as i32;
    let slot = (bottom - top) / n;
    let thickness = ((slot as f64) * 0.56).clamp(8.0, 46.0) as i32;
    let base_x = frame.px(chart.base);
    for (i, (b, setting)) in shown.iter().zip(&settings).enumerate() {
        let cy = top + slot * i as i32 + slot / 2;
        // Name and settings share the bar's slot: on a crowded page both shrink with it,
        // so one driver's lines never run into the next one's.
        let name_max = NAME_SIZE.min(slot as f64 * 0.52).max(14.0);
        let setting_max = SETTING_SIZE.min(slot as f64 * 0.40).max(12.0);
        let (name, name_size) = fit_text(&b.label, label_width, name_max, 14.0, false);
        let (setting, setting_size) = fit_text(setting, label_width, setting_max, 12.0, false);
        canvas.text(
            &name,
            (left - 20, cy - 2),
            name_size,
            false,
            INK,
            HPos::Right,
            VPos::Bottom,
        )?;
        canvas.text(
            &setting,
            (left - 20, cy + 2),
            setting_size,
            false,
            MUTED,
            HPos::Right,
            VPos::Top,
        )?;
        let half = thickness / 2;
        // Draw the longer side first so a shorter side on the same side of the base stays visible.
        let mut sides = [(b.at_low, LOW), (b.at_high, HIGH)];
        sides.sort_by(|x, y| {
            (y.0 - chart.base)
                .abs()
                .total_cmp(&(x.0 - chart.base).abs())
        });
        for (v, colour) in sides {
            if !v.is_finite() {
                continue;
            }
            let x = frame.px(v);
            if x == base_x {
                continue;
            }
            canvas.fill_rect((base_x, cy - half), (x, cy + half), colour)?;
        }
        // Values at the bar ends, outside the bar. A side that does not move is not
        // labelled, nor the shorter side when both lie on the same side of the base
        // (its label would sit on the longer bar; tornado.csv has it).
        let mut placed: Vec<(i32, i32)> = Vec::new();
        let (xl, xh) = (frame.px(b.at_low), frame.px(b.at_high));
        let same_side = (xl - base_x) * (xh - base_x) > 0;
        for (v, colour) in [(b.at_low, LOW), (b.at_high, HIGH)] {
            if !v.is_finite() || frame.px(v) == base_x {
                continue;
            }
            let other = if v == b.at_low { b.at_high } else { b.at_low };
            if same_side && (v - chart.base).abs() < (other - chart.base).abs() {
                continue;
            }
            let text = value_text(chart, v);
            let w = text_width(&text, 22.0, false);
            let x = frame.px(v);
            let (anchor, start) = if x < base_x {
                (HPos::Right, x - 8 - w)
            } else {
                (HPos::Left, x + 8)
            };
            if placed.iter().any(|&(a, e)| start < e && start + w > a) {
                continue;
            }
            placed.push((start, start + w));
            let at = if x < base_x { x - 8 } else { x + 8 };
            canvas.text(
                &text,
                (at, cy),
                22.0,
                false,
                super::canvas::text_colour(colour),
                anchor,
                VPos::Center,
            )?;
        }
    }

    // Zero line with what each side means.
    if let Some((left_text, right_text)) = &chart.zero {
        let zx = frame.px(0.0);
        canvas.line(vec![(zx, top - 4), (zx, bottom)], MUTED, 3)?;
        // Each side's words stay on their own side of the line and on the page.
        // A label too long for its side is cut, never the "better" after it.
        let split = |t: &str| match t.rsplit_once(' ') {
            Some((head, last)) => (head.to_string(), format!(" {last}")),
            None => (String::new(), t.to_string()),
        };
        let (head, tail) = split(left_text);
        let (left_words, left_size) = fit_text_keeping_tail(
            &format!("◀ {head}"),
            &tail,
            zx - 10 - MARGIN,
            ZERO_LABEL_SIZE,
            ZERO_LABEL_SIZE,
            false,
        );
        let (head, tail) = split(right_text);
        let (right_words, right_size) = fit_text_keeping_tail(
            &head,
            &format!("{tail} ▶"),
            WIDTH as i32 - MARGIN - zx - 10,
            ZERO_LABEL_SIZE,
            ZERO_LABEL_SIZE,
            false,
        );
        canvas.text(
            &left_words,
            (zx - 10, top - 8),
            left_size,
            false,
            MUTED,
            HPos::Right,
            VPos::Bottom,
        )?;
        canvas.text(
            &right_words,
            (zx + 10, top - 8),
            right_size,
            false,
            MUTED,
            HPos::Left,
            VPos::Bottom,
        )?;
    }

    // Base line and its label, above the plot.
    let label_y = if chart.zero.is_some() {
        top - 40
    } else {
        top - 14
    };
    canvas.line(vec![(base_x, label_y + 4), (base_x, bottom)], INK, 3)?;
    let w = text_width(&chart.base_label, 25.0, true);
    let label_x = start_within(base_x - w / 2, w, left, right);
    canvas.text(
        &chart.base_label,
        (label_x, label_y),
        25.0,
        true,
        INK,
        HPos::Left,
        VPos::Bottom,
    )?;
    Ok(())
}
