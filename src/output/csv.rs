//! The CSV files of a run: one flat `Serialize` row type per file, written to
//! memory and then atomically to disk. The only user of the `csv` crate.

use serde::Serialize;

use super::schema::{
    self, ClaimRow, ComparisonRow, CrossoverRow, DecisionRow, HistogramRow, SummaryRow, SweepRow,
};

use crate::metric::Metric;
use crate::scenario::Scenario;
use crate::stats::Samples;
use crate::stats::{Comparison, Histogram, Summary};

mod sensitivity;

pub use sensitivity::{global_csv, tornado_csv, tornado_decision_csv};

#[derive(Debug, thiserror::Error)]
pub enum CsvError {
    #[error("cannot format {file}: {source}")]
    Format {
        file: &'static str,
        source: ::csv::Error,
    },
    #[error("cannot write {file}: {source}")]
    Io {
        file: &'static str,
        source: std::io::Error,
    },
}

fn to_bytes<T: Serialize>(
    file: &'static str,
    rows: impl IntoIterator<Item = T>,
) -> Result<Vec<u8>, CsvError> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    for row in rows {
        w.serialize(row)
            .map_err(|source| CsvError::Format { file, source })?;
    }
    // Flush explicitly: a Writer dropped with buffered rows throws the error away.
    w.flush().map_err(|source| CsvError::Io { file, source })?;
    w.into_inner().map_err(|e| CsvError::Io {
        file,
        source: std::io::Error::other(e.to_string()),
    })
}

/// `summary.csv`: one row per strategy and metric.
pub fn summary_csv(scenario: &Scenario, summaries: &[Summary]) -> Result<Vec<u8>, CsvError> {
    to_bytes(
        schema::SUMMARY,
        summaries.iter().map(|s| {
            let q = s.quantiles;
            SummaryRow {
                scenario: scenario.name.clone(),
                strategy: scenario.strategies[s.strategy].id.clone(),
                metric: s.metric.id().to_string(),
                unit: s.metric.unit_label(&scenario.currency),
                n: s.n as f64,
                mean: s.mean,
                std_dev: s.std_dev,
                std_err: s.std_err,
                min: s.min,
                p05: q[0],
                p10: q[1],
                p25: q[2],
                p50: q[3],
                p75: q[4],
                p80: q[5],
                p90: q[6],
                p95: q[7],
                p99: q[8],
                max: s.max,
            }
        }),
    )
}

/// `comparison.csv`: one row per metric and pair of strategies.
pub fn comparison_csv(
    scenario: &Scenario,
    comparisons: &[Comparison],
) -> Result<Vec<u8>, CsvError> {
    to_bytes(
        schema::COMPARISON,
        comparisons.iter().map(|c| ComparisonRow {
            scenario: scenario.name.clone(),
            metric: c.metric.id().to_string(),
            unit: c.metric.unit_label(&scenario.currency),
            strategy_a: scenario.strategies[c.a].id.clone(),
            strategy_b: scenario.strategies[c.b].id.clone(),
            n: c.n as f64,
            p_a_better: c.p_a_better,
            p_tie: c.p_tie,
            p_b_better: c.p_b_better,
            mean_diff: c.mean_diff,
            mean_diff_ci95_low: c.ci95.0,
            mean_diff_ci95_high: c.ci95.1,
            p_best_a: c.p_best_a,
            p_best_b: c.p_best_b,
        }),
    )
}

/// `histograms.csv`: bins per strategy and metric, with the statistics charts mark.
pub fn histograms_csv(scenario: &Scenario, histograms: &[Histogram]) -> Result<Vec<u8>, CsvError> {
    to_bytes(
        schema::HISTOGRAMS,
        histograms.iter().flat_map(|h| {
            let s = &h.summary;
            h.bins.iter().map(move |b| HistogramRow {
                scenario: scenario.name.clone(),
                strategy: scenario.strategies[h.strategy].id.clone(),
                metric: h.metric.id().to_string(),
                unit: h.metric.unit_label(&scenario.currency),
                scale: h.scale.id().to_string(),
                kind: b.kind.id().to_string(),
                bin_low: b.low,
                bin_high: b.high,
                count: b.count as f64,
                n: s.n as f64,
                mean: s.mean,
                p10: s.quantiles[1],
                p50: s.quantiles[3],
                p80: s.quantiles[5],
                p90: s.quantiles[6],
                p95: s.quantiles[7],
            })
        }),
    )
}

/// `trials.csv`: one row per trial and strategy, every metric a column. Written
/// straight to `out` (it can be large).
pub fn write_trials_csv<W: std::io::Write>(
    scenario: &Scenario,
    samples: &Samples,
    out: W,
) -> Result<(), CsvError> {
    const FILE: &str = schema::TRIALS;
    let mut w = ::csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(out);
    let mut header = vec!["trial", "strategy"];
    header.extend(samples.metrics().iter().map(|m| m.id()));
    w.write_record(&header)
        .map_err(|source| CsvError::Format { file: FILE, source })?;
    let mut values = [0.0; crate::metric::METRIC_COUNT];
    // The metrics a scenario adds to Metric::ALL, after them.
    let added = &samples.metrics()[crate::metric::METRIC_COUNT..];
    let mut more = vec![0.0; added.len()];
    for t in 0..samples.trials() {
        for (s, strategy) in scenario.strategies.iter().enumerate() {
            for (v, m) in values.iter_mut().zip(Metric::ALL) {
                *v = samples.column(s, m)[t];
            }
            let written = if added.is_empty() {
                w.serialize((t, &strategy.id, values))
            } else {
                for (v, &m) in more.iter_mut().zip(added) {
                    *v = samples.column(s, m)[t];
                }
                w.serialize((t, &strategy.id, values, &more))
            };
            written.map_err(|source| CsvError::Format { file: FILE, source })?;
        }
    }
    w.flush()
        .map_err(|source| CsvError::Io { file: FILE, source })
}

/// `claims.csv`: one row per claim of a `check`, with its verdict.
pub fn claims_csv(report: &crate::analysis::check::CheckReport) -> Result<Vec<u8>, CsvError> {
    use crate::analysis::check::{metric_label, overrides_label, strategies_label};
    to_bytes(
        schema::CLAIMS,
        report.outcomes.iter().map(|o| ClaimRow {
            scenario: report.scenario.name.clone(),
            claim: o.claim.id.clone(),
            text: o.claim.text.clone(),
            metric: metric_label(&o.claim),
            strategy: strategies_label(&o.claim),
            statistic: o.claim.statistic.label(),
            value: o.estimate.value,
            ci95_low: o.estimate.ci95.0,
            ci95_high: o.estimate.ci95.1,
            min: o.claim.min,
            max: o.claim.max,
            verdict: o.verdict.id().to_string(),
            source: o.claim.source.clone(),
            trials: o.estimate.n as u64,
            trials_to_decide: o.trials_to_decide,
            overrides: overrides_label(&o.claim),
        }),
    )
}

/// `decision.csv`: one row per strategy, decision metrics on total cost.
pub fn decision_csv(
    scenario: &Scenario,
    decisions: &[crate::stats::decision::Decision],
) -> Result<Vec<u8>, CsvError> {
    to_bytes(
        schema::DECISION,
        decisions.iter().map(|d| {
            let st = &scenario.strategies[d.strategy];
            let half = crate::stats::Z_975 * d.expected_regret_std_err;
            DecisionRow {
                scenario: scenario.name.clone(),
                strategy: st.id.clone(),
                n: d.n as u64,
                currency: scenario.currency.clone(),
                planned_budget: st.weekly_burn * st.plan_weeks(&scenario.build),
                p_lowest_total_cost: d.p_lowest_total_cost,
                expected_regret: d.expected_regret,
                expected_regret_std_err: d.expected_regret_std_err,
                expected_regret_ci95_low: d.expected_regret - half,
                expected_regret_ci95_high: d.expected_regret + half,
                p_build_cost_above_1_2x_budget: d.p_build_cost_above_budget[0],
                p_build_cost_above_1_5x_budget: d.p_build_cost_above_budget[1],
            }
        }),
    )
}

/// `sweep.csv`: one row per point, strategy and metric.
pub fn sweep_csv(sweep: &crate::analysis::sweep::Sweep) -> Result<Vec<u8>, CsvError> {
    let s = &sweep.scenario;
    let param2 = sweep.params.get(1).map_or("", |p| p.key.as_str());
    to_bytes(
        schema::SWEEP,
        sweep.points.iter().enumerate().flat_map(|(i, point)| {
            point.summaries.iter().map(move |x| {
                let q = x.quantiles;
                SweepRow {
                    scenario: s.name.clone(),
                    point: i as u64,
                    param: sweep.params[0].key.clone(),
                    value: point.values[0].clone(),
                    param2: param2.to_string(),
                    value2: point.values.get(1).cloned().unwrap_or_default(),
                    strategy: s.strategies[x.strategy].id.clone(),
                    metric: x.metric.id().to_string(),
                    unit: x.metric.unit_label(&s.currency),
                    n: x.n as f64,
                    mean: x.mean,
                    std_dev: x.std_dev,
                    std_err: x.std_err,
                    min: x.min,
                    p05: q[0],
                    p10: q[1],
                    p25: q[2],
                    p50: q[3],
                    p75: q[4],
                    p80: q[5],
                    p90: q[6],
                    p95: q[7],
                    p99: q[8],
                    max: x.max,
                }
            })
        }),
    )
}

/// `crossovers.csv`: where one strategy starts to beat another.
pub fn crossovers_csv(
    sweep: &crate::analysis::sweep::Sweep,
    crossovers: &[crate::analysis::sweep::Crossover],
    metric: Metric,
    stat: &str,
) -> Result<Vec<u8>, CsvError> {
    let s = &sweep.scenario;
    to_bytes(
        schema::CROSSOVERS,
        crossovers.iter().map(|c| CrossoverRow {
            scenario: s.name.clone(),
            metric: metric.id().to_string(),
            statistic: stat.to_string(),
            strategy_a: s.strategies[c.a].id.clone(),
            strategy_b: s.strategies[c.b].id.clone(),
            param: sweep.params[0].key.clone(),
            crossing_value: c.at,
            between_low: c.between.0.clone(),
            between_high: c.between.1.clone(),
            a_better_when: if c.a_better_above { "above" } else { "below" }.to_string(),
            param2: sweep
                .params
                .get(1)
                .map_or("", |p| p.key.as_str())
                .to_string(),
            value2: c.fixed.clone().unwrap_or_default(),
            statement: crate::analysis::sweep::describe(sweep, c, metric, stat),
        }),
    )
}

/// `compare.csv`: the summary rows of every scenario, one after another (the
/// columns of `summary.csv`).
pub fn compare_csv(runs: &[crate::analysis::compare::ScenarioRun]) -> Result<Vec<u8>, CsvError> {
    let mut out = Vec::new();
    for (i, r) in runs.iter().enumerate() {
        let bytes = summary_csv(&r.scenario, &r.summaries)?;
        let body = if i == 0 {
            &bytes[..]
        } else {
            let header_end = bytes.iter().position(|&b| b == b'\n').map_or(0, |p| p + 1);
            &bytes[header_end..]
        };
        out.extend_from_slice(body);
    }
    Ok(out)
}

/// `what_ifs.csv`: per what-if (the base first) and strategy, the decision
/// statistic and whether the strategy wins under it.
pub fn what_ifs_csv(
    strategies: &[String],
    what_ifs: &[crate::output::report::WhatIf],
) -> Result<Vec<u8>, CsvError> {
    use crate::output::report::{DECISION_METRIC, lowest};
    to_bytes(
        schema::WHAT_IFS,
        what_ifs.iter().flat_map(|w| {
            let winner = lowest(&w.values);
            strategies
                .iter()
                .zip(&w.values)
                .enumerate()
                .map(move |(s, (id, v))| schema::WhatIfRow {
                    what_if: w.name.clone(),
                    overrides: w.overrides.join("; "),
                    strategy: id.clone(),
                    metric: DECISION_METRIC.to_string(),
                    statistic: w.statistic.column().to_string(),
                    value: *v,
                    winner: winner == Some(s),
                })
        }),
    )
}
