//! Where every piece of text of a chart lands, measured by drawing the chart onto a backend
//! that records text instead of pixels: the ink each string puts on the page, glyph by
//! glyph, as the bitmap backend would draw it. Tests hold the layout to its promise that
//! nothing overlaps or leaves the page, whatever the labels.

use plotters::prelude::*;
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendTextStyle, DrawingBackend, DrawingErrorKind,
};

use super::canvas::{HEIGHT, WIDTH};
use super::{ChartError, Drawing};

/// Where to put a label `width` pixels wide, centred on `centre` as far as it can be, so
/// that it stays between `left` and `right`. `i32::clamp` panics when the label is wider
/// than the room (a long number, a long currency); then it is centred on the room.
pub fn centre_within(centre: i32, width: i32, left: i32, right: i32) -> i32 {
    let (lo, hi) = (
        left.saturating_add(width / 2),
        right.saturating_sub(width / 2),
    );
    if lo > hi {
        left.saturating_add(right) / 2
    } else {
        centre.clamp(lo, hi)
    }
}

/// The left edge of a label `width` pixels wide that starts at `x` as far as it can,
/// kept between `left` and `right`; at `left` when it is wider than the room.
pub fn start_within(x: i32, width: i32, left: i32, right: i32) -> i32 {
    x.min(right.saturating_sub(width)).max(left)
}

/// One string drawn on a chart page, its font size in pixels, and the rectangle its ink
/// covers, in pixels from the top left corner (`right` and `bottom` exclusive). The page is
/// `0..1920` by `0..1080`.
#[derive(Clone, Debug, PartialEq)]
pub struct TextBox {
    pub text: String,
    pub size: f64,
    pub left: i32,
    pub top: i32,
    pub right: i32,
    pub bottom: i32,
}

impl TextBox {
    /// Whether the two boxes share any pixel.
    pub fn overlaps(&self, other: &TextBox) -> bool {
        self.left < other.right
            && other.left < self.right
            && self.top < other.bottom
            && other.top < self.bottom
    }

    /// Whether the box lies wholly on the page.
    pub fn on_page(&self) -> bool {
        self.left >= 0
            && self.top >= 0
            && self.right <= WIDTH as i32
            && self.bottom <= HEIGHT as i32
    }
}

/// A backend that draws nothing and records the ink box of every string.
pub(super) struct Recorder<'a> {
    boxes: &'a mut Vec<TextBox>,
}

impl DrawingBackend for Recorder<'_> {
    type ErrorType = std::convert::Infallible;

    fn get_size(&self) -> (u32, u32) {
        (WIDTH, HEIGHT)
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        Ok(())
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        Ok(())
    }

    fn draw_pixel(
        &mut self,
        _: BackendCoord,
        _: BackendColor,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        Ok(())
    }

    fn draw_rect<S: plotters_backend::BackendStyle>(
        &mut self,
        _: BackendCoord,
        _: BackendCoord,
        _: &S,
        _: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        Ok(())
    }

    /// Places the glyphs exactly as plotters' default `draw_text` (which the bitmap backend
    /// uses) does, and keeps the bounds of the ink, including any that falls off the page.
    fn draw_text<TStyle: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &TStyle,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        if style.color().alpha == 0.0 {
            return Ok(());
        }
        let Ok(((min_x, min_y), (max_x, max_y))) = style.layout_box(text) else {
            return Ok(());
        };
        let (width, height) = (max_x - min_x, max_y - min_y);
        let dx = match style.anchor().h_pos {
            HPos::Left => 0,
            HPos::Right => -width,
            HPos::Center => -width / 2,
        };
        let dy = match style.anchor().v_pos {
            VPos::Top => 0,
            VPos::Center => -height / 2,
            VPos::Bottom => -height,
        };
        let trans = style.transform();
        let mut ink: Option<(i32, i32, i32, i32)> = None;
        let _ = style.draw(text, (0, 0), |x, y, _| {
            let (x, y) = trans.transform(x + dx - min_x, y + dy - min_y);
            let (x, y) = (pos.0 + x, pos.1 + y);
            ink = Some(match ink {
                None => (x, y, x + 1, y + 1),
                Some((l, t, r, b)) => (l.min(x), t.min(y), r.max(x + 1), b.max(y + 1)),
            });
            Ok::<(), std::convert::Infallible>(())
        });
        if let Some((left, top, right, bottom)) = ink {
            self.boxes.push(TextBox {
                text: text.to_string(),
                size: style.size(),
                left,
                top,
                right,
                bottom,
            });
        }
        Ok(())
    }
}

/// The text boxes of one page drawn by `draw`.
pub(super) fn record(
    draw: impl FnOnce(&DrawingArea<Recorder<'_>, plotters::coord::Shift>) -> Result<(), ChartError>,
) -> Result<Vec<TextBox>, ChartError> {
    super::ensure_font()?;
    let mut boxes = Vec::new();
    {
        let root = Recorder { boxes: &mut boxes }.into_drawing_area();
        draw(&root)?;
    }
    Ok(boxes)
}

/// The text boxes of a sweep or compare page.
pub(super) fn drawing_boxes(d: &impl Drawing) -> Result<(String, Vec<TextBox>), ChartError> {
    Ok((d.name().to_string(), record(|root| d.draw(root))?))
}
