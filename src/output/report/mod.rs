//! The board pack's `report.html`: one self-contained page per section (the
//! decision, what could flip it, the what-ifs, the charts, the assumptions, the
//! method), read from a run folder's saved files, so that every number it shows
//! is one a CSV file beside it holds.
//!
//! Owns the report's facts ([`RunFacts`], read from the folder) and the extra
//! tables of `tradeoff-sim report` ([`Extras`]); the HTML is written by `html`
//! and `pages`. Must not simulate or compute statistics of its own beyond picking
//! the lowest value and reading a cumulative share off a histogram; must not
//! reach the network: no external reference of any kind in the page.

mod assumptions;
mod html;
pub mod live;
mod method;
mod pages;

use std::path::Path;

use crate::output::chart::{
    self, ChartData, ChartError, ChartKind, decision_value, render_to_svg_string,
};
use crate::output::schema::{self, DecisionRow};
use crate::scenario::DecisionStat;

pub use assumptions::{Assumption, assumptions_of, evidence_of};

/// The report file a run folder holds.
pub const REPORT_HTML: &str = "report.html";

/// The metric the recommendation is made on; its statistic is the scenario's
/// `[decision] statistic` (P80 by default), which [`RunFacts::stat`] reads.
pub const DECISION_METRIC: &str = "total_cost";

/// What a run folder says, as the report reads it.
pub struct RunFacts {
    pub data: ChartData,
    pub decision: Vec<DecisionRow>,
    /// The whole `manifest.json`, for the method section and the assumptions.
    pub manifest: serde_json::Value,
}

impl RunFacts {
    /// Reads `manifest.json`, `summary.csv`, `histograms.csv`, `comparison.csv` and
    /// `decision.csv` from `dir`.
    pub fn load(dir: &Path) -> Result<RunFacts, ChartError> {
        let data = ChartData::load(dir)?;
        let decision = chart::read_rows::<DecisionRow>(&dir.join(schema::DECISION))?
            .into_iter()
            .map(|(_, row)| row)
            .collect();
        let path = dir.join(schema::MANIFEST);
        let text = std::fs::read(&path).map_err(|source| ChartError::Read {
            path: path.clone(),
            source,
        })?;
        let manifest = serde_json::from_slice(&text)
            .map_err(|source| ChartError::Manifest { path, source })?;
        Ok(RunFacts {
            data,
            decision,
            manifest,
        })
    }

    /// The statistic of total cost the decision is made on (`[decision]`).
    pub fn stat(&self) -> DecisionStat {
        self.data.manifest.decision
    }

    /// The decision statistic of each strategy, in manifest order; NaN where
    /// `summary.csv` lacks it.
    pub fn decision_values(&self) -> Vec<f64> {
        self.data
            .manifest
            .strategies
            .iter()
            .map(|s| {
                self.data
                    .summary
                    .get(&(DECISION_METRIC.to_string(), s.id.clone()))
                    .map_or(f64::NAN, |r| decision_value(r, self.stat()))
            })
            .collect()
    }

    /// The report's title: `[report] title`, else the scenario's.
    pub fn title(&self) -> &str {
        let m = &self.data.manifest;
        match &m.report_title {
            Some(t) => t,
            None if m.scenario_title.trim().is_empty() => &m.scenario_name,
            None => &m.scenario_title,
        }
    }

    /// `[report] subtitle`, when the scenario gives one.
    pub fn subtitle(&self) -> Option<&str> {
        self.manifest
            .pointer("/scenario/report/subtitle")
            .and_then(|v| v.as_str())
    }

    fn text(&self, key: &str) -> Option<&str> {
        self.manifest.get(key).and_then(|v| v.as_str())
    }
}

/// The index of the lowest finite value; the first of a tie.
pub fn lowest(values: &[f64]) -> Option<usize> {
    values
        .iter()
        .enumerate()
        .filter(|(_, v)| v.is_finite())
        .min_by(|a, b| a.1.total_cmp(b.1))
        .map(|(i, _)| i)
}

/// One what-if of `tradeoff-sim report`: a variant of the scenario run on the
/// same random numbers as the base.
#[derive(Clone, Debug)]
pub struct WhatIf {
    pub name: String,
    /// The overrides as written (`KEY=VALUE`).
    pub overrides: Vec<String>,
    /// The statistic of total cost the values are.
    pub statistic: DecisionStat,
    /// The decision statistic per strategy, in the base's strategy order.
    pub values: Vec<f64>,
}

/// One driver of the decision tornado: the gap between the recommended option
/// and the runner-up (recommended minus runner-up, negative while the
/// recommendation holds) at the driver's low and high setting.
#[derive(Clone, Debug)]
pub struct Flip {
    pub name: String,
    pub key: String,
    pub low_setting: String,
    pub high_setting: String,
    pub base_setting: String,
    pub gap_at_low: f64,
    pub gap_at_high: f64,
}

/// The decision tornado of `tradeoff-sim report`.
#[derive(Clone, Debug)]
pub struct Flips {
    /// Strategy ids: the recommended option and the runner-up.
    pub best: String,
    pub runner_up: String,
    /// The gap at the base setting, at the tornado's trials.
    pub base_gap: f64,
    pub trials: u64,
    /// Largest swing first.
    pub drivers: Vec<Flip>,
    /// The tornado chart, as drawn into `charts/tornado_decision.svg`.
    pub svg: Option<String>,
}

/// The Monte Carlo standard error of a gap between two strategies' decision
/// statistics at `trials`, from the run's own summary: each one's is
/// [`crate::stats::decision::decision_std_err`]; the gap's adds the two in
/// quadrature (common random numbers make it smaller, so this is an upper
/// estimate).
pub fn gap_std_err(facts: &RunFacts, flips: &Flips) -> f64 {
    let se = |id: &str| decision_std_err(facts, id, flips.trials as f64);
    se(&flips.best).hypot(se(&flips.runner_up))
}

/// The Monte Carlo standard error of strategy `id`'s decision statistic at
/// `trials`, from its row of `summary.csv` (as the live panel computes it in
/// the page); NaN without the row.
pub fn decision_std_err(facts: &RunFacts, id: &str, trials: f64) -> f64 {
    facts
        .data
        .summary
        .get(&(DECISION_METRIC.to_string(), id.to_string()))
        .map_or(f64::NAN, |r| {
            crate::stats::decision::decision_std_err(facts.stat(), trials, r.std_dev, |column| {
                summary_quantile(r, column)
            })
        })
}

/// A quantile of a `summary.csv` row by its column name; NaN for another name.
fn summary_quantile(r: &schema::SummaryRow, column: &str) -> f64 {
    match column {
        "p05" => r.p05,
        "p10" => r.p10,
        "p25" => r.p25,
        "p50" => r.p50,
        "p75" => r.p75,
        "p80" => r.p80,
        "p90" => r.p90,
        "p95" => r.p95,
        "p99" => r.p99,
        _ => f64::NAN,
    }
}

/// One claim of the scenario as `tradeoff-sim report` judged it.
#[derive(Clone, Debug)]
pub struct ClaimVerdict {
    pub id: String,
    pub text: String,
    pub source: String,
    /// The figure the run gives, as `check` writes it.
    pub figure: String,
    /// The bound the claim states (`<= 40`, `$1.2m to $1.5m`).
    pub bound: String,
    /// `holds`, `fails` or `undecided`.
    pub verdict: String,
}

/// The scenario's claims, judged on `trials` trials per run.
#[derive(Clone, Debug)]
pub struct ClaimsChecked {
    pub trials: u64,
    pub claims: Vec<ClaimVerdict>,
}

/// What `tradeoff-sim report` adds to a run's report.
#[derive(Clone, Debug, Default)]
pub struct Extras {
    pub what_ifs: Vec<WhatIf>,
    pub flips: Option<Flips>,
    pub claims: Option<ClaimsChecked>,
    /// Leave out the live what-if panel (`report --no-live`).
    pub no_live: bool,
    /// The scenario as the run read it, for the live panel.
    pub scenario: Option<live::ScenarioText>,
}

/// The charts a report shows, in page order, with what each page says.
pub const REPORT_CHARTS: [ChartKind; 8] = [
    ChartKind::Tradeoff,
    ChartKind::TotalCost,
    ChartKind::BuildWeeksSCurve,
    ChartKind::ProbabilityBest,
    ChartKind::CostBreakdown,
    ChartKind::ApiFailureProbability,
    ChartKind::DowntimeHours,
    ChartKind::EmergencyFixes,
];

/// Writes `report.html` for the run folder `dir` (its CSV files and manifest
/// already written). With `charts` false no chart is embedded, and the report
/// says so.
pub fn run_report_html(dir: &Path, charts: bool, extras: &Extras) -> Result<Vec<u8>, ChartError> {
    let facts = RunFacts::load(dir)?;
    let mut svgs = Vec::new();
    if charts {
        for kind in REPORT_CHARTS {
            svgs.push((kind, render_to_svg_string(&facts.data, kind)?));
        }
    }
    let html = pages::document(&facts, &svgs, extras);
    Ok(live::with_panel(html, dir, &facts, extras).into_bytes())
}
