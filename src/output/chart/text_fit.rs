//! Text measured before it is placed: the width of a string in the chart font, a label cut
//! or shrunk to fit a width, and text wrapped to lines. Drawing the text is
//! [`super::canvas`]'s job; this module only measures.

use plotters::style::{FontDesc, FontFamily, FontStyle};

pub(super) fn font(size: f64, bold: bool) -> FontDesc<'static> {
    FontDesc::new(
        FontFamily::SansSerif,
        size,
        if bold {
            FontStyle::Bold
        } else {
            FontStyle::Normal
        },
    )
}

/// The width in pixels of `text` at `size`, measured with the embedded font.
pub fn text_width(text: &str, size: f64, bold: bool) -> i32 {
    match font(size, bold).box_size(text) {
        Ok((w, _)) => w as i32,
        // The font is embedded, so this only happens if registration failed, which
        // `render` reports before drawing; a generous estimate keeps layout safe regardless.
        Err(_) => (text.chars().count() as f64 * size * 0.62) as i32,
    }
}

/// Shrinks `text` to fit `max_width`: first the font size (down to `min_size`), then the text
/// itself, ending in an ellipsis. Returns the text and the size to draw it at.
pub fn fit_text(text: &str, max_width: i32, size: f64, min_size: f64, bold: bool) -> (String, f64) {
    let mut s = size;
    while s > min_size && text_width(text, s, bold) > max_width {
        s -= 1.0;
    }
    if text_width(text, s, bold) <= max_width {
        return (text.to_string(), s);
    }
    // The longest head that fits with its ellipsis, found by halving (a head's width
    // grows with its length), so that a text of any length costs a few measurements.
    let chars: Vec<char> = text.chars().collect();
    let cut = |keep: usize| chars[..keep].iter().collect::<String>() + "…";
    let (mut fits, mut too_long) = (0, chars.len());
    while too_long - fits > 1 {
        let mid = fits + (too_long - fits) / 2;
        if text_width(&cut(mid), s, bold) <= max_width {
            fits = mid;
        } else {
            too_long = mid;
        }
    }
    if fits == 0 {
        return ("…".to_string(), s);
    }
    (cut(fits), s)
}

/// [`fit_text`] for `head` followed by `tail`, cutting `head` rather than `tail` when it
/// must cut, so that the words that carry the meaning ("… better ▶") stay.
pub fn fit_text_keeping_tail(
    head: &str,
    tail: &str,
    max_width: i32,
    size: f64,
    min_size: f64,
    bold: bool,
) -> (String, f64) {
    let whole = format!("{head}{tail}");
    let (text, s) = fit_text(&whole, max_width, size, min_size, bold);
    if text == whole {
        return (text, s);
    }
    let chars: Vec<char> = head.chars().collect();
    for keep in (1..chars.len()).rev() {
        let candidate = format!("{}…{tail}", chars[..keep].iter().collect::<String>());
        if text_width(&candidate, s, bold) <= max_width {
            return (candidate, s);
        }
    }
    fit_text(&whole, max_width, s, s, bold)
}

/// Splits `text` into lines no wider than `max_width` at `size`, breaking at spaces; a word
/// wider than a line on its own is broken between characters.
pub fn wrap(text: &str, max_width: i32, size: f64) -> Vec<String> {
    wrap_text(text, max_width, size, false)
}

/// [`wrap`] in either weight.
pub fn wrap_text(text: &str, max_width: i32, size: f64, bold: bool) -> Vec<String> {
    let fits = |t: &str| text_width(t, size, bold) <= max_width;
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if fits(&candidate) {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        // The word starts a line; if it is too wide even so, it is cut where it must be.
        for c in word.chars() {
            line.push(c);
            if !fits(&line) && line.chars().count() > 1 {
                line.pop();
                lines.push(std::mem::take(&mut line));
                line.push(c);
            }
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Lays `text` out in at most `max_lines` lines no wider than `max_width`: on one line at
/// the largest size from `size` down to `one_line_min`, else on up to `max_lines` lines at
/// the largest size down to `min_size`, else at `min_size` with the last line ending in an
/// ellipsis. Returns the lines and the size to draw them at.
pub fn fit_lines(
    text: &str,
    max_width: i32,
    size: f64,
    one_line_min: f64,
    min_size: f64,
    max_lines: usize,
    bold: bool,
) -> (Vec<String>, f64) {
    let mut s = size;
    while s >= one_line_min {
        if text_width(text, s, bold) <= max_width {
            return (vec![text.to_string()], s);
        }
        s -= 1.0;
    }
    let mut s = size;
    while s >= min_size {
        let lines = wrap_text(text, max_width, s, bold);
        if lines.len() <= max_lines.max(1) {
            return (lines, s);
        }
        s -= 1.0;
    }
    (
        lines_at(text, max_width, min_size, max_lines, bold),
        min_size,
    )
}

/// `text` wrapped at `size` into at most `max_lines` lines, the last one cut with an
/// ellipsis when the text needs more.
pub fn lines_at(
    text: &str,
    max_width: i32,
    size: f64,
    max_lines: usize,
    bold: bool,
) -> Vec<String> {
    let max_lines = max_lines.max(1);
    let mut lines = wrap_text(text, max_width, size, bold);
    if lines.len() > max_lines {
        let rest = lines.split_off(max_lines - 1).join(" ");
        // A short last word is kept and the cut made before it, so that labels differing
        // only at their end ("..., g = 0.2" and "..., g = 0.9") are still told apart.
        let (last, _) = match rest.rsplit_once(' ') {
            Some((head, tail))
                if !head.trim().is_empty() && text_width(tail, size, bold) <= max_width / 3 =>
            {
                fit_text_keeping_tail(head, &format!(" {tail}"), max_width, size, size, bold)
            }
            _ => fit_text(&rest, max_width, size, size, bold),
        };
        lines.push(last);
    }
    lines
}
