//! Claims: what a scenario says its simulated outcomes must show, as validated
//! types (`[[claims]]` in the file). Reading them is `read/claims.rs`; evaluating
//! them on samples is `stats::claims`; running them is `analysis::check`.
//!
//! The statistic a claim bounds is the vocabulary of [`crate::metric::Statistic`].
//!
//! This module must not sample or simulate.

use serde::Serialize;

use super::Override;
use crate::metric::{Metric, Statistic};

/// One `[[claims]]` entry, valid: its metric and strategies exist, its bounds are
/// ordered, and its statistic fits its strategies.
#[derive(Clone, Debug, Serialize)]
pub struct Claim {
    /// Short name for tables (`C1`); `claim_<n>` by default.
    pub id: String,
    /// What is claimed, in words, for the report.
    pub text: String,
    pub metric: Metric,
    /// Optional denominator: the mean-family statistics use mean(metric) / mean(per),
    /// e.g. incident_hours per incident (the mean time to recovery).
    pub per: Option<Metric>,
    /// One strategy id, or the pair [a, b].
    pub strategies: Vec<String>,
    pub statistic: Statistic,
    /// Inclusive bounds; at least one is set.
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub source: String,
    /// Overrides for this claim's run (both sides of a pair).
    pub set: Vec<Override>,
    /// Extra overrides for side a (resp. b) of a pair only.
    pub set_a: Vec<Override>,
    pub set_b: Vec<Override>,
    /// Where the claim starts in the file (1-based line).
    pub line: usize,
}

impl Claim {
    /// The overrides of side `i` (0 = a or the one strategy, 1 = b), in order.
    pub fn overrides(&self, side: usize) -> Vec<Override> {
        let extra = if side == 0 { &self.set_a } else { &self.set_b };
        self.set.iter().chain(extra).cloned().collect()
    }

    /// The strategy of side `i`.
    pub fn strategy(&self, side: usize) -> &str {
        &self.strategies[side.min(self.strategies.len() - 1)]
    }

    /// The bounds in words: `1.2 to 1.3`, `>= 0.9`, `<= 0.05`.
    pub fn bounds_label(&self) -> String {
        match (self.min, self.max) {
            (Some(lo), Some(hi)) => format!("{lo} to {hi}"),
            (Some(lo), None) => format!(">= {lo}"),
            (None, Some(hi)) => format!("<= {hi}"),
            (None, None) => "any".into(),
        }
    }
}
