//! Names people read: the scenario's `title`, a strategy's `label`, a risk's
//! `name` (not blank, one line, short enough for their place on the charts, drawn
//! by the chart font), and strategy ids. Which key holds a name is for the table
//! readers to say.

use toml::de::DeValue;

use super::values::Tbl;
use super::{MAX_LABEL_CHARS, MAX_RISK_NAME_CHARS, MAX_TITLE_CHARS, Reader};

/// What a name shown to people may hold: how long it may be, whether it is drawn on charts
/// (and so limited to what the chart font draws), and words for the messages.
#[derive(Clone, Copy)]
pub(super) struct NameRule {
    pub(super) max_chars: usize,
    pub(super) on_charts: bool,
    /// Where it is shown: "it names the strategy on tables and charts".
    pub(super) shown: &'static str,
    /// What the default is, for a problem with it: "the file name".
    pub(super) default_is: &'static str,
}

impl NameRule {
    pub(super) const TITLE: NameRule = NameRule {
        max_chars: MAX_TITLE_CHARS,
        on_charts: true,
        shown: "it heads the tables and every chart",
        default_is: "the file name",
    };
    pub(super) const LABEL: NameRule = NameRule {
        max_chars: MAX_LABEL_CHARS,
        on_charts: true,
        shown: "it names the strategy on tables and charts",
        default_is: "the strategy's id",
    };
    pub(super) const RISK_NAME: NameRule = NameRule {
        max_chars: MAX_RISK_NAME_CHARS,
        on_charts: true,
        shown: "it names the risk in sensitivity tables and charts",
        default_is: "",
    };
}

impl Reader<'_> {
    /// A name shown on tables and charts (`title`, a strategy's `label`, a risk's
    /// `name`): a string that is not blank, holds no control character (a newline or
    /// tab would break the console tables and chart labels), is at most `rule.max_chars`
    /// characters (what its place on the charts holds) and, when `rule.on_charts`, holds
    /// only characters the chart font draws ([`crate::text::is_drawable`]). A default
    /// (the file name for `title`, the id for `label`) is held to the same rules, and a
    /// problem with it is reported at the table it belongs to.
    pub(super) fn display_name(
        &mut self,
        t: &mut Tbl<'_, '_>,
        key: &'static str,
        default: Option<&str>,
        rule: NameRule,
    ) -> String {
        let text = self.string(t, key, default);
        let path = t.key_path(key);
        let given = t.get(key);
        let span = match given {
            Some(v) if matches!(v.get_ref(), DeValue::String(_)) => v.span(),
            // Not a string: `string` has reported it.
            Some(_) => return text,
            None if default.is_some() => t.span.clone(),
            None => return text,
        };
        // For a default, say where the text came from and how to replace it.
        let fix = match given {
            Some(_) => String::new(),
            None => format!(
                "; it is not given, so it is {}: add `{key} = \"...\"`{}",
                rule.default_is,
                if t.path.is_empty() {
                    " at the top of the file".to_string()
                } else {
                    format!(" in [{}]", t.path)
                }
            ),
        };
        let chars = text.chars().count();
        if text.trim().is_empty() {
            self.problem(
                span,
                &path,
                format!(
                    "must not be blank, got {text:?}; it names this on tables and charts{}",
                    if default.is_some() {
                        " (leave the key out for the default)"
                    } else {
                        ""
                    }
                ),
            );
        } else if text.trim() != text {
            // Refused rather than trimmed: "Partner X" and "Partner X " would look
            // the same on every table and chart, and the file should say what is shown.
            self.problem(
                span,
                &path,
                format!(
                    "must not start or end with spaces, got {text:?}; write {:?} (names that differ only in spaces look the same on tables and charts)",
                    text.trim()
                ),
            );
        } else if let Some(c) = text.chars().find(|&c| crate::text::breaks_the_line(c)) {
            self.problem(
                span,
                &path,
                format!(
                    "must be one line of printable text, got {text:?} with the control character {:?}",
                    c
                ),
            );
        } else if chars > rule.max_chars {
            self.problem(
                span,
                &path,
                format!(
                    "at most {} characters, got {chars} ({:?}); {}, and a longer one does not fit there: shorten it{fix}",
                    rule.max_chars,
                    crate::text::truncate(&text, 40),
                    rule.shown,
                ),
            );
        } else if rule.on_charts {
            let bad = crate::text::undrawable(&text);
            if !bad.is_empty() {
                self.problem(
                    span,
                    &path,
                    format!(
                        "{text:?} has {} the charts cannot draw: {}; {}: write it with those (e.g. transliterated){fix}",
                        if bad.len() == 1 { "a character" } else { "characters" },
                        crate::text::describe_chars(&bad),
                        crate::text::DRAWABLE_IN_WORDS,
                    ),
                );
            }
        }
        text
    }
}

pub(super) fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id.starts_with(|c: char| c.is_ascii_lowercase())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !matches!(id, "g0" | "g1" | "k")
}
