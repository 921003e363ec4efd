//! The `[report]` table: how the board pack presents a run (its own title and
//! subtitle, and whom it is for). It changes no number: a board audience only
//! moves the seed, trial-count and cap notes off the charts into the report's
//! method section. Reads and checks; must not know how a report is drawn.

use serde::Serialize;
use toml::de::DeValue;

use super::names::NameRule;
use super::values::{Tbl, type_name};
use super::{MAX_TITLE_CHARS, Reader};

/// Most characters in a `[report]` subtitle: one line under the report's title.
pub const MAX_REPORT_SUBTITLE_CHARS: usize = 160;

/// Who reads the report.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    /// Every chart carries its seed, trial count and cap notes (the default).
    #[default]
    Analyst,
    /// Charts carry only what a board needs; the run's seed, trials and cap notes
    /// move to the report's method section.
    Board,
}

impl Audience {
    pub fn word(self) -> &'static str {
        match self {
            Audience::Analyst => "analyst",
            Audience::Board => "board",
        }
    }
}

/// The `[report]` table as read.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ReportSpec {
    /// The report's title; `None`: the scenario's `title`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// One line under the title; `None`: none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subtitle: Option<String>,
    pub audience: Audience,
}

impl ReportSpec {
    /// Whether the table says nothing (then the manifest does not write it).
    pub fn is_default(&self) -> bool {
        *self == ReportSpec::default()
    }
}

const REPORT_TITLE: NameRule = NameRule {
    max_chars: MAX_TITLE_CHARS,
    on_charts: true,
    shown: "it heads the report and its charts",
    default_is: "the scenario's title",
};

const REPORT_SUBTITLE: NameRule = NameRule {
    max_chars: MAX_REPORT_SUBTITLE_CHARS,
    on_charts: true,
    shown: "it stands under the report's title",
    default_is: "none",
};

impl Reader<'_> {
    /// `[report]`: `title`, `subtitle`, `audience = "board" | "analyst"`.
    pub(super) fn report_spec(&mut self, root: &mut Tbl<'_, '_>) -> ReportSpec {
        let mut t = self.table(root, "report");
        let mut spec = ReportSpec::default();
        if t.get("title").is_some() {
            spec.title = Some(self.display_name(&mut t, "title", None, REPORT_TITLE));
        }
        if t.get("subtitle").is_some() {
            spec.subtitle = Some(self.display_name(&mut t, "subtitle", None, REPORT_SUBTITLE));
        }
        if let Some(v) = t.get("audience") {
            let path = t.key_path("audience");
            match v.get_ref() {
                DeValue::String(s) if s == "board" => spec.audience = Audience::Board,
                DeValue::String(s) if s == "analyst" => spec.audience = Audience::Analyst,
                DeValue::String(s) => self.problem(
                    v.span(),
                    &path,
                    format!("must be \"board\" or \"analyst\", got {s:?}"),
                ),
                other => self.problem(
                    v.span(),
                    &path,
                    format!(
                        "expected \"board\" or \"analyst\" in quotes, got {}",
                        type_name(other)
                    ),
                ),
            }
        }
        self.finish(t);
        spec
    }
}
