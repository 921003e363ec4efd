//! The stored trials of a run: every metric of every trial, per strategy, in
//! trial order. Filled by the engine (or read back from shards); read by the
//! summaries here and by every analysis that needs each trial.

use crate::metric::{METRIC_COUNT, Metric};

/// Every metric of every trial, per strategy, in trial order.
#[derive(Clone, Debug)]
pub struct Samples {
    strategies: usize,
    trials: usize,
    /// The metrics of each strategy: [`Metric::ALL`], then any the scenario adds.
    metrics: Vec<Metric>,
    /// `columns[strategy * metrics + metric]` holds one value per trial.
    columns: Vec<Vec<f64>>,
}

impl Samples {
    pub fn strategies(&self) -> usize {
        self.strategies
    }

    pub fn trials(&self) -> usize {
        self.trials
    }

    /// The metrics of each strategy's columns, in column order.
    pub fn metrics(&self) -> &[Metric] {
        &self.metrics
    }

    /// One strategy's values of one metric, in trial order; the run must report
    /// the metric (callers check it against the scenario: `Scenario::check_metric`).
    pub fn column(&self, strategy: usize, metric: Metric) -> &[f64] {
        let at = metric
            .position_in(&self.metrics)
            .expect("a metric the run reports");
        &self.columns[strategy * self.metrics.len() + at]
    }

    /// Every column, strategy-major then metric (for saving a shard).
    pub fn columns(&self) -> &[Vec<f64>] {
        &self.columns
    }

    /// Samples from columns the engine filled: `strategies * metrics.len()`
    /// columns of `trials` values each.
    pub(crate) fn from_parts(
        strategies: usize,
        trials: usize,
        metrics: &[Metric],
        columns: Vec<Vec<f64>>,
    ) -> Samples {
        debug_assert!(
            columns.len() == strategies * metrics.len()
                && columns.iter().all(|c| c.len() == trials)
        );
        Samples {
            strategies,
            trials,
            metrics: metrics.to_vec(),
            columns,
        }
    }

    /// Samples of the metrics of [`Metric::ALL`] from saved columns
    /// (strategy-major then metric, equal lengths).
    pub fn from_columns(strategies: usize, columns: Vec<Vec<f64>>) -> Option<Samples> {
        Samples::from_columns_with(strategies, &Metric::ALL, columns)
    }

    /// Samples of `metrics` (a scenario's) from saved columns (strategy-major
    /// then metric, equal lengths).
    pub fn from_columns_with(
        strategies: usize,
        metrics: &[Metric],
        columns: Vec<Vec<f64>>,
    ) -> Option<Samples> {
        let trials = columns.first().map_or(0, Vec::len);
        (metrics.len() >= METRIC_COUNT
            && metrics[..METRIC_COUNT] == Metric::ALL
            && columns.len() == strategies * metrics.len()
            && columns.iter().all(|c| c.len() == trials))
        .then(|| Samples {
            strategies,
            trials,
            metrics: metrics.to_vec(),
            columns,
        })
    }

    /// Shards' samples joined in the order given (their batches' order).
    pub fn concat(parts: Vec<Samples>) -> Option<Samples> {
        let first = parts.first()?;
        let strategies = first.strategies;
        let metrics = first.metrics.clone();
        if parts
            .iter()
            .any(|p| p.strategies != strategies || p.metrics != metrics)
        {
            return None;
        }
        let trials = parts.iter().map(|p| p.trials).sum();
        let mut columns: Vec<Vec<f64>> = (0..strategies * metrics.len())
            .map(|_| Vec::with_capacity(trials))
            .collect();
        for part in parts {
            for (column, values) in columns.iter_mut().zip(part.columns) {
                column.extend_from_slice(&values);
            }
        }
        Some(Samples {
            strategies,
            trials,
            metrics,
            columns,
        })
    }
}
