//! The `[decision]` table: the statistic of total cost a recommendation is made
//! on (P80 unless the table says otherwise). Every chart, the report and the
//! workbook then mark and compare on it, with the P50 beside it. Reads and
//! checks; must not compute a statistic.

use serde::Serialize;
use toml::de::DeValue;

use super::Reader;
use super::values::{Tbl, type_name};

/// The statistic of total cost the decision is made on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DecisionStat {
    P50,
    #[default]
    P80,
    P90,
    P95,
    Mean,
}

impl DecisionStat {
    pub const ALL: [DecisionStat; 5] = [
        DecisionStat::P50,
        DecisionStat::P80,
        DecisionStat::P90,
        DecisionStat::P95,
        DecisionStat::Mean,
    ];

    /// The word a file writes and the column of `summary.csv` that holds it.
    pub fn column(self) -> &'static str {
        match self {
            DecisionStat::P50 => "p50",
            DecisionStat::P80 => "p80",
            DecisionStat::P90 => "p90",
            DecisionStat::P95 => "p95",
            DecisionStat::Mean => "mean",
        }
    }

    /// As a chart or table heading writes it: `P80`, `Mean`.
    pub fn short(self) -> &'static str {
        match self {
            DecisionStat::P50 => "P50",
            DecisionStat::P80 => "P80",
            DecisionStat::P90 => "P90",
            DecisionStat::P95 => "P95",
            DecisionStat::Mean => "Mean",
        }
    }

    /// `P80 total cost`, `mean total cost`.
    pub fn label(self) -> String {
        match self {
            DecisionStat::Mean => "mean total cost".to_string(),
            s => format!("{} total cost", s.short()),
        }
    }

    /// What it means, for a reader who does not know quantiles.
    pub fn meaning(self) -> &'static str {
        match self {
            DecisionStat::P50 => "the cost it stays under in half of the projects",
            DecisionStat::P80 => "the cost it stays under in 4 projects out of 5",
            DecisionStat::P90 => "the cost it stays under in 9 projects out of 10",
            DecisionStat::P95 => "the cost it stays under in 19 projects out of 20",
            DecisionStat::Mean => "the average over every simulated project",
        }
    }

    /// The quantile's probability; `None` for the mean.
    pub fn probability(self) -> Option<f64> {
        match self {
            DecisionStat::P50 => Some(0.5),
            DecisionStat::P80 => Some(0.8),
            DecisionStat::P90 => Some(0.9),
            DecisionStat::P95 => Some(0.95),
            DecisionStat::Mean => None,
        }
    }

    pub fn from_word(word: &str) -> Option<DecisionStat> {
        DecisionStat::ALL.into_iter().find(|s| s.column() == word)
    }
}

/// The `[decision]` table as read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DecisionSpec {
    pub statistic: DecisionStat,
}

impl DecisionSpec {
    /// Whether the table says nothing new (then the manifest does not write it).
    pub fn is_default(&self) -> bool {
        *self == DecisionSpec::default()
    }
}

impl Reader<'_> {
    /// `[decision]`: `statistic = "p50" | "p80" | "p90" | "p95" | "mean"`.
    pub(super) fn decision_spec(&mut self, root: &mut Tbl<'_, '_>) -> DecisionSpec {
        let mut t = self.table(root, "decision");
        let mut spec = DecisionSpec::default();
        if let Some(v) = t.get("statistic") {
            let path = t.key_path("statistic");
            let words = "\"p50\", \"p80\", \"p90\", \"p95\" or \"mean\" (of total cost)";
            match v.get_ref() {
                DeValue::String(s) => match DecisionStat::from_word(s) {
                    Some(stat) => spec.statistic = stat,
                    None => self.problem(
                        v.span(),
                        &path,
                        format!("must be {words}, got {:?}", s.as_ref()),
                    ),
                },
                other => self.problem(
                    v.span(),
                    &path,
                    format!("expected {words}, got {}", type_name(other)),
                ),
            }
        }
        self.finish(t);
        spec
    }
}
