//! Runs many trials in parallel, deterministically whatever the thread count.
//!
//! Trials are cut into fixed batches of [`BATCH_TRIALS`]; batch `b` gets its own
//! `Xoshiro256PlusPlus` seeded from (seed, b) for the shared drivers, plus one per
//! strategy seeded from (seed, b, strategy id), and results are stored in trial
//! order. The thread count therefore changes how fast batches finish, never which
//! numbers they hold. This module owns scheduling only; the trial itself is
//! `model`, the statistics are `stats`.

use std::sync::atomic::{AtomicBool, Ordering};

use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;
use rayon::prelude::*;

use crate::model::{METRIC_COUNT, Metric, Model, Outcome, Scratch};

/// Trials per batch: one generator each. Fixed, so it never depends on the threads.
pub const BATCH_TRIALS: u64 = 4096;
/// The most memory the stored samples may take.
pub const MAX_SAMPLE_BYTES: u64 = 6 << 30;

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(
        "{trials} trials x {strategies} strategies would hold {gib:.1} GiB of samples, above the {max} GiB limit; use at most {most} trials"
    )]
    TooLarge {
        trials: u64,
        strategies: usize,
        gib: f64,
        max: u64,
        most: u64,
    },
    #[error(
        "strategies.{strategy}: {metric} is {value} in trial {trial}: a draw is too large for double precision; bound the heavy tails (lomax shape, lognormal sigma) or the large constants of the scenario"
    )]
    NotFinite {
        strategy: String,
        metric: &'static str,
        trial: u64,
        value: f64,
    },
    #[error("cannot start {threads} worker threads: {message}")]
    Threads { threads: usize, message: String },
    #[error("interrupted: nothing was written, and any earlier result is unchanged")]
    Interrupted,
}

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

/// The batches shard `index` of `count` runs: a contiguous share, so that the
/// shards' samples joined in shard order are the whole run's, in trial order.
pub fn shard_batches(trials: u64, index: u64, count: u64) -> std::ops::Range<u64> {
    let batches = trials.div_ceil(BATCH_TRIALS);
    let start = batches * index / count;
    let end = batches * (index + 1) / count;
    start..end
}

/// Simulates only `batches` of the run `plan` describes (a shard): the trials
/// those batches hold in a whole run, with the same numbers.
pub fn simulate_batches(
    model: &Model,
    plan: &RunPlan,
    batches: std::ops::Range<u64>,
    stop: &AtomicBool,
) -> Result<Samples, EngineError> {
    simulate_recording(model, plan, batches, stop, false).map(|(samples, _)| samples)
}

/// Derives batch `batch`'s generator seed from the run seed (SplitMix64 finaliser,
/// so neighbouring batches get unrelated streams).
pub fn batch_seed(seed: u64, batch: u64) -> u64 {
    fn mix(mut z: u64) -> u64 {
        z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    mix(seed ^ mix(batch))
}

/// How a run is to be executed.
#[derive(Clone, Debug)]
pub struct RunPlan {
    pub trials: u64,
    pub seed: u64,
    /// Worker threads; 0 means one per available core.
    pub threads: usize,
}

/// Refuses a run whose samples would not fit in [`MAX_SAMPLE_BYTES`], naming the
/// largest trial count that fits. Cheap: call it before creating anything.
pub fn check_size(trials: u64, strategies: usize) -> Result<(), EngineError> {
    let bytes = trials as u128 * strategies as u128 * METRIC_COUNT as u128 * 8;
    if bytes > MAX_SAMPLE_BYTES as u128 {
        let per_trial = (strategies * METRIC_COUNT * 8) as u64;
        return Err(EngineError::TooLarge {
            trials,
            strategies,
            gib: bytes as f64 / (1u64 << 30) as f64,
            max: MAX_SAMPLE_BYTES >> 30,
            most: MAX_SAMPLE_BYTES / per_trial.max(1),
        });
    }
    Ok(())
}

/// Simulates `plan.trials` trials of every strategy. `stop` is polled between
/// batches; when it is set the run ends with [`EngineError::Interrupted`].
pub fn simulate(model: &Model, plan: &RunPlan, stop: &AtomicBool) -> Result<Samples, EngineError> {
    let all = 0..plan.trials.div_ceil(BATCH_TRIALS);
    simulate_recording(model, plan, all, stop, false).map(|(samples, _)| samples)
}

/// [`simulate`], also returning every trial's sampled drivers, trial-major in the
/// layout of [`Model::drivers`]. The samples are the same as [`simulate`]'s.
pub fn simulate_with_drivers(
    model: &Model,
    plan: &RunPlan,
    stop: &AtomicBool,
) -> Result<(Samples, Vec<f64>), EngineError> {
    let all = 0..plan.trials.div_ceil(BATCH_TRIALS);
    simulate_recording(model, plan, all, stop, true)
}

fn simulate_recording(
    model: &Model,
    plan: &RunPlan,
    batch_range: std::ops::Range<u64>,
    stop: &AtomicBool,
    record: bool,
) -> Result<(Samples, Vec<f64>), EngineError> {
    let strategies = model.strategy_count();
    let first_trial = (batch_range.start * BATCH_TRIALS).min(plan.trials);
    let end_trial = (batch_range.end * BATCH_TRIALS).min(plan.trials);
    check_size(end_trial - first_trial, strategies)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(plan.threads)
        .build()
        .map_err(|e| EngineError::Threads {
            threads: plan.threads,
            message: e.to_string(),
        })?;
    let trials = (end_trial - first_trial) as usize;
    let column_count = strategies * METRIC_COUNT;
    // Zeroed columns of their final length (calloc: pages are touched by the
    // workers that fill them); every batch writes its own disjoint slice of each,
    // so no result is copied or reordered afterwards.
    let mut columns: Vec<Vec<f64>> = (0..column_count).map(|_| vec![0.0; trials]).collect();
    let batches = (trials as u64).div_ceil(BATCH_TRIALS) as usize;
    let mut per_batch: Vec<Vec<&mut [f64]>> = (0..batches)
        .map(|_| Vec::with_capacity(column_count))
        .collect();
    for column in columns.iter_mut() {
        for (b, slice) in column.chunks_mut(BATCH_TRIALS as usize).enumerate() {
            per_batch[b].push(slice);
        }
    }
    // `stop` is polled before each batch (a few milliseconds of work), so an
    // interrupt ends the run promptly.
    let results: Vec<Result<Vec<f64>, EngineError>> = pool.install(|| {
        per_batch
            .into_par_iter()
            .enumerate()
            .map(|(b, mut slices)| {
                if stop.load(Ordering::Relaxed) {
                    return Err(EngineError::Interrupted);
                }
                run_batch(
                    model,
                    plan,
                    batch_range.start + b as u64,
                    record,
                    &mut slices,
                )
            })
            .collect()
    });
    if stop.load(Ordering::Relaxed) {
        return Err(EngineError::Interrupted);
    }
    // The first failure in batch order: the same error on any thread count.
    let mut drivers = Vec::new();
    for result in results {
        drivers.extend(result?);
    }
    Ok((
        Samples {
            strategies,
            trials,
            columns,
        },
        drivers,
    ))
}

/// Runs `f` on a pool of `threads` workers (0: one per core), so that work after
/// the simulation (the statistics) uses the threads the run asked for. What `f`
/// computes must not depend on the thread count.
pub fn on_threads<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> Result<T, EngineError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| EngineError::Threads {
            threads,
            message: e.to_string(),
        })?;
    Ok(pool.install(f))
}

/// One batch: trial i of the batch writes `slices[strategy * METRIC_COUNT + metric][i]`;
/// returns the trials' drivers when `record` is set. Fails on the first value that
/// is not finite (in trial, strategy, metric order).
fn run_batch(
    model: &Model,
    plan: &RunPlan,
    batch: u64,
    record: bool,
    slices: &mut [&mut [f64]],
) -> Result<Vec<f64>, EngineError> {
    let strategies = model.strategy_count();
    let seed = batch_seed(plan.seed, batch);
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut scratch = if record {
        Scratch::recording(model, seed)
    } else {
        Scratch::new(model, seed)
    };
    let mut out: Vec<Outcome> = vec![[0.0; METRIC_COUNT]; strategies];
    let len = slices.first().map_or(0, |s| s.len());
    // `i` is the trial's row inside every column slice, not an index into `slices`.
    #[allow(clippy::needless_range_loop)]
    for i in 0..len {
        model.trial(&mut rng, &mut scratch, &mut out);
        for (s, outcome) in out.iter().enumerate() {
            for (m, &value) in outcome.iter().enumerate() {
                if !value.is_finite() {
                    return Err(EngineError::NotFinite {
                        strategy: model.scenario().strategies[s].id.clone(),
                        metric: Metric::ALL[m].id(),
                        trial: batch * BATCH_TRIALS + i as u64 + 1,
                        value,
                    });
                }
                slices[s * METRIC_COUNT + m][i] = value;
            }
        }
    }
    Ok(scratch.take_drivers())
}
