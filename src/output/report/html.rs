//! HTML text helpers for the report: escaping, number cells that name their
//! source, the inline style sheet and chart SVGs made fit for inlining.

use std::fmt::Write;

/// The report's whole style sheet, inlined into the page.
pub const STYLE: &str = include_str!("style.css");

/// `text` safe in HTML text and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Where a number shown in the report came from: a file of the folder, and the
/// row and column in it (`total_cost/ux_led/p80` in `summary.csv`).
pub struct Source<'a> {
    pub file: &'a str,
    pub key: String,
}

/// A table cell showing `text` for `value`, tagged with its source so that a
/// reader (or a test) can trace it back to the CSV.
pub fn number_cell(out: &mut String, text: &str, value: f64, source: &Source<'_>, class: &str) {
    let _ = write!(
        out,
        "<td class=\"num {class}\" data-source=\"{}\" data-key=\"{}\" data-value=\"{value:?}\">{}</td>",
        escape(source.file),
        escape(&source.key),
        escape(text)
    );
}

/// A plotters SVG ready to sit inside the page: its XML namespace dropped (HTML
/// knows `<svg>`), its fixed size replaced by the view box, so it scales to its
/// box, and labelled for screen readers.
pub fn inline_svg(svg: &str, title: &str) -> String {
    let body = svg.trim_start_matches(|c: char| c != '<');
    let Some(end) = body.find('>') else {
        return String::new();
    };
    let (head, rest) = body.split_at(end);
    let view_box = head
        .split("viewBox=\"")
        .nth(1)
        .and_then(|v| v.split('"').next())
        .unwrap_or("0 0 1920 1080");
    format!(
        "<svg class=\"chart\" viewBox=\"{view_box}\" role=\"img\" aria-label=\"{}\" preserveAspectRatio=\"xMidYMid meet\"{rest}",
        escape(title)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_leaves_no_markup() {
        assert_eq!(escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }

    #[test]
    fn inlined_svg_keeps_its_view_box_and_drops_size_and_namespace() {
        let svg = "<svg width=\"1920\" height=\"1080\" viewBox=\"0 0 1920 1080\" xmlns=\"http://www.w3.org/2000/svg\">\n<rect/></svg>";
        let inline = inline_svg(svg, "T");
        assert!(inline.starts_with("<svg class=\"chart\" viewBox=\"0 0 1920 1080\""));
        assert!(!inline.contains("http"));
        assert!(!inline.contains("width=\"1920\""));
        assert!(inline.ends_with("<rect/></svg>"));
    }
}
