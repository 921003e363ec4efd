//! The CSV files of a run: one flat `Serialize` row type per file, written to
//! memory and then atomically to disk. The only user of the `csv` crate.

use serde::Serialize;

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

#[derive(Serialize)]
struct SummaryRow<'a> {
    scenario: &'a str,
    strategy: &'a str,
    metric: &'static str,
    unit: String,
    n: usize,
    mean: f64,
    std_dev: f64,
    std_err: f64,
    min: f64,
    p05: f64,
    p10: f64,
    p25: f64,
    p50: f64,
    p75: f64,
    p80: f64,
    p90: f64,
    p95: f64,
    p99: f64,
    max: f64,
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
        "summary.csv",
        summaries.iter().map(|s| {
            let q = s.quantiles;
            SummaryRow {
                scenario: &scenario.name,
                strategy: &scenario.strategies[s.strategy].id,
                metric: s.metric.id(),
                unit: s.metric.unit_label(&scenario.currency),
                n: s.n,
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

#[derive(Serialize)]
struct ComparisonRow<'a> {
    scenario: &'a str,
    metric: &'static str,
    unit: String,
    strategy_a: &'a str,
    strategy_b: &'a str,
    n: usize,
    p_a_better: f64,
    p_tie: f64,
    p_b_better: f64,
    mean_diff: f64,
    mean_diff_ci95_low: f64,
    mean_diff_ci95_high: f64,
    p_best_a: f64,
    p_best_b: f64,
}

/// `comparison.csv`: one row per metric and pair of strategies.
pub fn comparison_csv(
    scenario: &Scenario,
    comparisons: &[Comparison],
) -> Result<Vec<u8>, CsvError> {
    to_bytes(
        "comparison.csv",
        comparisons.iter().map(|c| ComparisonRow {
            scenario: &scenario.name,
            metric: c.metric.id(),
            unit: c.metric.unit_label(&scenario.currency),
            strategy_a: &scenario.strategies[c.a].id,
            strategy_b: &scenario.strategies[c.b].id,
            n: c.n,
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

#[derive(Serialize)]
struct HistogramRow<'a> {
    scenario: &'a str,
    strategy: &'a str,
    metric: &'static str,
    unit: String,
    scale: &'static str,
    kind: &'static str,
    bin_low: f64,
    bin_high: f64,
    count: u64,
    n: usize,
    mean: f64,
    p10: f64,
    p50: f64,
    p80: f64,
    p90: f64,
    p95: f64,
}

/// `histograms.csv`: bins per strategy and metric, with the statistics charts mark.
pub fn histograms_csv(scenario: &Scenario, histograms: &[Histogram]) -> Result<Vec<u8>, CsvError> {
    to_bytes(
        "histograms.csv",
        histograms.iter().flat_map(|h| {
            let s = &h.summary;
            h.bins.iter().map(move |b| HistogramRow {
                scenario: &scenario.name,
                strategy: &scenario.strategies[h.strategy].id,
                metric: h.metric.id(),
                unit: h.metric.unit_label(&scenario.currency),
                scale: h.scale.id(),
                kind: b.kind.id(),
                bin_low: b.low,
                bin_high: b.high,
                count: b.count,
                n: s.n,
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
    const FILE: &str = "trials.csv";
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

#[derive(Serialize)]
struct ClaimRow<'a> {
    scenario: &'a str,
    claim: &'a str,
    text: &'a str,
    metric: String,
    strategy: String,
    statistic: String,
    value: f64,
    ci95_low: f64,
    ci95_high: f64,
    min: Option<f64>,
    max: Option<f64>,
    verdict: &'static str,
    source: &'a str,
    trials: usize,
    trials_to_decide: Option<u64>,
    overrides: String,
}

/// `claims.csv`: one row per claim of a `check`, with its verdict.
pub fn claims_csv(report: &crate::analysis::check::CheckReport) -> Result<Vec<u8>, CsvError> {
    use crate::analysis::check::{metric_label, overrides_label, strategies_label};
    to_bytes(
        "claims.csv",
        report.outcomes.iter().map(|o| ClaimRow {
            scenario: &report.scenario.name,
            claim: &o.claim.id,
            text: &o.claim.text,
            metric: metric_label(&o.claim),
            strategy: strategies_label(&o.claim),
            statistic: o.claim.statistic.label(),
            value: o.estimate.value,
            ci95_low: o.estimate.ci95.0,
            ci95_high: o.estimate.ci95.1,
            min: o.claim.min,
            max: o.claim.max,
            verdict: o.verdict.id(),
            source: &o.claim.source,
            trials: o.estimate.n,
            trials_to_decide: o.trials_to_decide,
            overrides: overrides_label(&o.claim),
        }),
    )
}

#[derive(Serialize)]
struct DecisionRow<'a> {
    scenario: &'a str,
    strategy: &'a str,
    n: usize,
    currency: &'a str,
    planned_budget: f64,
    p_lowest_total_cost: f64,
    expected_regret: f64,
    expected_regret_std_err: f64,
    expected_regret_ci95_low: f64,
    expected_regret_ci95_high: f64,
    p_build_cost_above_1_2x_budget: f64,
    p_build_cost_above_1_5x_budget: f64,
}

/// `decision.csv`: one row per strategy, decision metrics on total cost.
pub fn decision_csv(
    scenario: &Scenario,
    decisions: &[crate::stats::decision::Decision],
) -> Result<Vec<u8>, CsvError> {
    to_bytes(
        "decision.csv",
        decisions.iter().map(|d| {
            let st = &scenario.strategies[d.strategy];
            let half = crate::stats::Z_975 * d.expected_regret_std_err;
            DecisionRow {
                scenario: &scenario.name,
                strategy: &st.id,
                n: d.n,
                currency: &scenario.currency,
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

#[derive(Serialize)]
struct SweepRow<'a> {
    scenario: &'a str,
    point: usize,
    param: &'a str,
    value: &'a str,
    param2: &'a str,
    value2: &'a str,
    strategy: &'a str,
    metric: &'static str,
    unit: String,
    n: usize,
    mean: f64,
    std_dev: f64,
    std_err: f64,
    min: f64,
    p05: f64,
    p10: f64,
    p25: f64,
    p50: f64,
    p75: f64,
    p80: f64,
    p90: f64,
    p95: f64,
    p99: f64,
    max: f64,
}

/// `sweep.csv`: one row per point, strategy and metric.
pub fn sweep_csv(sweep: &crate::analysis::sweep::Sweep) -> Result<Vec<u8>, CsvError> {
    let s = &sweep.scenario;
    let param2 = sweep.params.get(1).map_or("", |p| p.key.as_str());
    to_bytes(
        "sweep.csv",
        sweep.points.iter().enumerate().flat_map(|(i, point)| {
            point.summaries.iter().map(move |x| {
                let q = x.quantiles;
                SweepRow {
                    scenario: &s.name,
                    point: i,
                    param: &sweep.params[0].key,
                    value: &point.values[0],
                    param2,
                    value2: point.values.get(1).map_or("", |v| v.as_str()),
                    strategy: &s.strategies[x.strategy].id,
                    metric: x.metric.id(),
                    unit: x.metric.unit_label(&s.currency),
                    n: x.n,
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

#[derive(Serialize)]
struct CrossoverRow<'a> {
    scenario: &'a str,
    metric: &'static str,
    statistic: &'a str,
    strategy_a: &'a str,
    strategy_b: &'a str,
    param: &'a str,
    crossing_value: Option<f64>,
    between_low: &'a str,
    between_high: &'a str,
    a_better_when: &'static str,
    param2: &'a str,
    value2: &'a str,
    statement: String,
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
        "crossovers.csv",
        crossovers.iter().map(|c| CrossoverRow {
            scenario: &s.name,
            metric: metric.id(),
            statistic: stat,
            strategy_a: &s.strategies[c.a].id,
            strategy_b: &s.strategies[c.b].id,
            param: &sweep.params[0].key,
            crossing_value: c.at,
            between_low: &c.between.0,
            between_high: &c.between.1,
            a_better_when: if c.a_better_above { "above" } else { "below" },
            param2: sweep.params.get(1).map_or("", |p| p.key.as_str()),
            value2: c.fixed.as_deref().unwrap_or(""),
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
