//! The stored trials of a run: every metric of every trial, per strategy, in
//! trial order. Filled by the engine (or read back from shards); read by the
//! summaries here and by every analysis that needs each trial.

use crate::metric::{METRIC_COUNT, Metric};

/// Every metric of every trial, per strategy, in trial order.
#[derive(Clone, Debug)]
pub struct Samples {
    strategies: usize,
    trials: usize,
    /// `columns[strategy * METRIC_COUNT + metric]` holds one value per trial.
    columns: Vec<Vec<f64>>,
}

impl Samples {
    pub fn strategies(&self) -> usize {
        self.strategies
    }

    pub fn trials(&self) -> usize {
        self.trials
    }

    /// One strategy's values of one metric, in trial order.
    pub fn column(&self, strategy: usize, metric: Metric) -> &[f64] {
        &self.columns[strategy * METRIC_COUNT + metric as usize]
    }

    /// Every column, strategy-major then metric (for saving a shard).
    pub fn columns(&self) -> &[Vec<f64>] {
        &self.columns
    }

    /// Samples from columns the engine filled: `strategies * METRIC_COUNT` columns
    /// of `trials` values each.
    pub(crate) fn from_parts(strategies: usize, trials: usize, columns: Vec<Vec<f64>>) -> Samples {
        debug_assert!(
            columns.len() == strategies * METRIC_COUNT && columns.iter().all(|c| c.len() == trials)
        );
        Samples {
            strategies,
            trials,
            columns,
        }
    }

    /// Samples from saved columns (strategy-major then metric, equal lengths).
    pub fn from_columns(strategies: usize, columns: Vec<Vec<f64>>) -> Option<Samples> {
        let trials = columns.first().map_or(0, Vec::len);
        (columns.len() == strategies * METRIC_COUNT && columns.iter().all(|c| c.len() == trials))
            .then_some(Samples {
                strategies,
                trials,
                columns,
            })
    }

    /// Shards' samples joined in the order given (their batches' order).
    pub fn concat(parts: Vec<Samples>) -> Option<Samples> {
        let first = parts.first()?;
        let strategies = first.strategies;
        if parts.iter().any(|p| p.strategies != strategies) {
            return None;
        }
        let trials = parts.iter().map(|p| p.trials).sum();
        let mut columns: Vec<Vec<f64>> = (0..strategies * METRIC_COUNT)
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
            columns,
        })
    }
}
