//! Text a user writes (titles, strategy labels, risk names, claim ids) as the charts and the
//! console show it: which characters the embedded chart font can draw, how many terminal
//! columns a string takes, and padding or cutting a string to a column width.
//!
//! It owns the embedded font (DejaVu Sans from the `dejavu` crate, read with `ab_glyph`) and
//! `unicode-width`; it draws nothing and prints nothing. The scenario layer asks it what
//! a label may hold, the chart layer takes the font bytes from it, and the console tables
//! pad with it, so all three agree on one definition.

#[cfg(feature = "cli")]
use std::sync::OnceLock;

#[cfg(feature = "cli")]
use ab_glyph::{Font, FontRef};
use unicode_width::UnicodeWidthChar;

/// The chart font, regular weight (DejaVu Sans 2.37).
#[cfg(feature = "cli")]
pub fn font_regular() -> &'static [u8] {
    dejavu::sans::regular()
}

/// The chart font, bold weight (DejaVu Sans 2.37 Bold).
#[cfg(feature = "cli")]
pub fn font_bold() -> &'static [u8] {
    dejavu::sans::bold()
}

/// What the charts can draw, in words, for error messages.
pub const DRAWABLE_IN_WORDS: &str = "the charts (font DejaVu Sans) draw Latin letters, accented too, Greek, Cyrillic, Armenian and Georgian letters, digits, punctuation and common symbols, left to right; not Chinese, Japanese or Korean, not emoji, not right-to-left scripts";

/// Whether the charts draw `c` as itself: the embedded font has a glyph for it in both
/// weights, it takes exactly one terminal column (so no combining mark, zero-width
/// character, emoji or wide East Asian character), and it is not from a right-to-left script
/// (plotters lays glyphs out left to right, one by one, without shaping).
pub fn is_drawable(c: char) -> bool {
    if c.is_control() || c.width() != Some(1) || is_right_to_left(c) {
        return false;
    }
    // Without `cli` there are no charts and no font (the live page's engine reads
    // a scenario the command line has already read, and changes numbers only).
    #[cfg(not(feature = "cli"))]
    let drawable = true;
    #[cfg(feature = "cli")]
    let drawable = match fonts() {
        Some((regular, bold)) => regular.glyph_id(c).0 != 0 && bold.glyph_id(c).0 != 0,
        // The font is embedded, so this cannot happen; ASCII is then the safe answer.
        None => c.is_ascii_graphic() || c == ' ',
    };
    drawable
}

/// Whether `c` breaks a one-line name: a control character (tab, newline, ...) or the
/// Unicode line and paragraph separators (U+2028, U+2029), which editors, terminals and
/// JSON readers may show as a line break.
pub fn breaks_the_line(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')
}

/// The distinct characters of `text` the charts cannot draw, in order of first appearance.
pub fn undrawable(text: &str) -> Vec<char> {
    let mut out: Vec<char> = Vec::new();
    for c in text.chars() {
        if !is_drawable(c) && !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

/// `'バ' (U+30D0), 'ッ' (U+30C3)`: the first few of `chars` for a message, with a count of the
/// rest.
pub fn describe_chars(chars: &[char]) -> String {
    const SHOWN: usize = 5;
    let mut parts: Vec<String> = chars
        .iter()
        .take(SHOWN)
        .map(|c| format!("{c:?} (U+{:04X})", *c as u32))
        .collect();
    if chars.len() > SHOWN {
        parts.push(format!("and {} more", chars.len() - SHOWN));
    }
    parts.join(", ")
}

#[cfg(feature = "cli")]
fn fonts() -> Option<&'static (FontRef<'static>, FontRef<'static>)> {
    static FONTS: OnceLock<Option<(FontRef<'static>, FontRef<'static>)>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            Some((
                FontRef::try_from_slice(font_regular()).ok()?,
                FontRef::try_from_slice(font_bold()).ok()?,
            ))
        })
        .as_ref()
}

/// Hebrew, Arabic, Syriac, Thaana, N'Ko and the other right-to-left blocks, with their
/// presentation forms.
fn is_right_to_left(c: char) -> bool {
    matches!(c as u32,
        0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF | 0x10800..=0x10FFF | 0x1E800..=0x1EFFF)
}

/// How many terminal columns `text` takes: wide East Asian characters count two, combining
/// marks and zero-width characters none, control characters none.
pub fn display_width(text: &str) -> usize {
    text.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// `text` cut to at most `width` columns, ending in `…` when cut.
pub fn truncate(text: &str, width: usize) -> String {
    if display_width(text) <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// `text` followed by spaces up to `width` columns (left-aligned in a column).
pub fn pad_right(text: &str, width: usize) -> String {
    let w = display_width(text);
    format!("{text}{}", " ".repeat(width.saturating_sub(w)))
}

/// Spaces up to `width` columns, then `text` (right-aligned in a column).
pub fn pad_left(text: &str, width: usize) -> String {
    let w = display_width(text);
    format!("{}{text}", " ".repeat(width.saturating_sub(w)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chart_font_draws_accented_latin_greek_and_cyrillic() {
        for text in [
            "Équipe façade",
            "Ærø Øst ŝ ğ ł",
            "Ωμέγα",
            "Бэкенд",
            "€ £ ¥ – — · ≥ →",
        ] {
            assert_eq!(undrawable(text), Vec::<char>::new(), "{text}");
        }
    }

    #[test]
    fn the_chart_font_refuses_cjk_emoji_combining_marks_and_right_to_left_text() {
        assert_eq!(
            undrawable("バックエンド主導"),
            "バックエンド主導".chars().collect::<Vec<_>>()
        );
        assert_eq!(undrawable("launch 🚀"), vec!['🚀']);
        assert_eq!(undrawable("E\u{301}quipe"), vec!['\u{301}']);
        assert_eq!(undrawable("a\u{200B}b"), vec!['\u{200B}']);
        assert_eq!(undrawable("שלום"), "שלום".chars().collect::<Vec<_>>());
        assert_eq!(undrawable("مرحبا"), "مرحبا".chars().collect::<Vec<_>>());
    }

    #[test]
    fn display_width_counts_terminal_columns() {
        assert_eq!(display_width("Équipe"), 6);
        assert_eq!(display_width("E\u{301}quipe"), 6);
        assert_eq!(display_width("主導"), 4);
    }

    #[test]
    fn padding_and_cutting_go_by_columns() {
        assert_eq!(pad_right("主導", 6), "主導  ");
        assert_eq!(pad_left("Équipe", 8), "  Équipe");
        assert_eq!(truncate("Équipe", 6), "Équipe");
        assert_eq!(truncate("Équipe backend", 8), "Équipe …");
        assert_eq!(truncate("主導主導", 6), "主導…");
        assert_eq!(display_width(&truncate("主導主導", 6)), 5);
    }
}
