//! Runs many trials in parallel, deterministically whatever the thread count.
//!
//! Trials are cut into fixed batches of [`BATCH_TRIALS`]; batch `b` gets its own
//! `Xoshiro256PlusPlus` seeded from (seed, b) for the shared drivers, plus one per
//! strategy seeded from (seed, b, strategy id). Each worker thread summarises the
//! batches it runs into its own [`Partial`], and partials add up exactly, so the
//! thread count changes how fast batches finish, never the figures. Trials are
//! stored (in trial order) only when asked: small runs for exact quantiles,
//! `--trials-csv`, and the analyses that need every trial. This module owns
//! scheduling only; the trial itself is `model`, the statistics are `stats`.

use std::sync::atomic::{AtomicBool, Ordering};

use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;

use crate::metric::{METRIC_COUNT, Metric};
use crate::model::{Drawn, Model, Outcome, Scratch, stream};
use crate::stats::{self, Partial, Samples};
use parallel::Pool;
use parallel::prelude::*;

mod parallel;

/// Trials per batch: one generator each. Fixed, so it never depends on the threads.
pub const BATCH_TRIALS: u64 = 4096;
/// The most memory the stored samples may take.
pub const MAX_SAMPLE_BYTES: u64 = 6 << 30;

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(
        "{trials} trials x {held} would hold {gib:.1} GiB of samples, above the {max} GiB limit; use at most {most} trials"
    )]
    TooLarge {
        trials: u64,
        /// What is held per trial, in words ("5 strategies", or a command's sum).
        held: String,
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

/// The batches shard `index` of `count` runs: a contiguous share, so that the
/// shards' samples joined in shard order are the whole run's, in trial order.
pub fn shard_batches(trials: u64, index: u64, count: u64) -> std::ops::Range<u64> {
    let batches = trials.div_ceil(BATCH_TRIALS);
    let start = batches * index / count;
    let end = batches * (index + 1) / count;
    start..end
}

/// Derives batch `batch`'s generator seed from the run seed (SplitMix64 finaliser,
/// so neighbouring batches get unrelated streams).
pub fn batch_seed(seed: u64, batch: u64) -> u64 {
    // One SplitMix64 step: advance by the golden increment, then mix.
    let step = |z: u64| stream::mix(z.wrapping_add(stream::GOLDEN));
    step(seed ^ step(batch))
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
    check_held(trials, strategies * METRIC_COUNT, || {
        format!("{strategies} strategies")
    })
}

/// Refuses `trials` trials when holding `values_per_trial` numbers for each of
/// them at once would pass [`MAX_SAMPLE_BYTES`]. A command that holds more than
/// one run's samples at a time (`check`, `sensitivity`) states its own sum, so
/// the limit bounds what it really holds; `held` says what that is, in words.
pub fn check_held(
    trials: u64,
    values_per_trial: usize,
    held: impl FnOnce() -> String,
) -> Result<(), EngineError> {
    let bytes = trials as u128 * values_per_trial as u128 * 8;
    if bytes > MAX_SAMPLE_BYTES as u128 {
        let per_trial = (values_per_trial * 8) as u64;
        return Err(EngineError::TooLarge {
            trials,
            held: held(),
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

/// [`simulate`] (with the drivers when `record`), calling `progress` with the
/// trials of each batch as it finishes.
pub fn simulate_observed(
    model: &Model,
    plan: &RunPlan,
    stop: &AtomicBool,
    record: bool,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<(Samples, Vec<f64>), EngineError> {
    let all = 0..plan.trials.div_ceil(BATCH_TRIALS);
    simulate_reporting(model, plan, all, stop, record, progress)
}

/// What a run records of every trial besides its outcomes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Record {
    /// The sampled drivers, trial-major in the layout of [`Model::drivers`].
    pub drivers: bool,
    /// What every strategy drew ([`Drawn`]), trial-major.
    pub drawn: bool,
    /// Keep only this metric's samples (the run still checks every value): a
    /// command that reads one metric allocates no column it will not read.
    pub only: Option<Metric>,
}

/// What one batch recorded: its drivers and its draws.
type BatchRecord = (Vec<f64>, Vec<Drawn>);

/// A run's samples and what it recorded (empty where not asked for).
#[derive(Clone, Debug)]
pub struct Recorded {
    /// Every metric's samples; `None` when the run kept only one metric.
    pub samples: Option<Samples>,
    /// With [`Record::only`] (of a metric the run reports, and more than one
    /// metric in all), that metric's samples, one column per strategy.
    pub only: Vec<Vec<f64>>,
    pub drivers: Vec<f64>,
    pub drawn: Vec<Drawn>,
}

/// [`simulate_observed`], recording what `record` asks for.
pub fn simulate_recorded(
    model: &Model,
    plan: &RunPlan,
    stop: &AtomicBool,
    record: Record,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Recorded, EngineError> {
    let all = 0..plan.trials.div_ceil(BATCH_TRIALS);
    simulate_all(model, plan, all, stop, record, progress)
}

fn simulate_recording(
    model: &Model,
    plan: &RunPlan,
    batch_range: std::ops::Range<u64>,
    stop: &AtomicBool,
    record: bool,
) -> Result<(Samples, Vec<f64>), EngineError> {
    simulate_reporting(model, plan, batch_range, stop, record, &|_| {})
}

fn simulate_reporting(
    model: &Model,
    plan: &RunPlan,
    batch_range: std::ops::Range<u64>,
    stop: &AtomicBool,
    record: bool,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<(Samples, Vec<f64>), EngineError> {
    let record = Record {
        drivers: record,
        ..Record::default()
    };
    let run = simulate_all(model, plan, batch_range, stop, record, progress)?;
    let samples = run.samples.expect("every metric kept");
    Ok((samples, run.drivers))
}

fn simulate_all(
    model: &Model,
    plan: &RunPlan,
    batch_range: std::ops::Range<u64>,
    stop: &AtomicBool,
    record: Record,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Recorded, EngineError> {
    let strategies = model.strategy_count();
    let first_trial = (batch_range.start * BATCH_TRIALS).min(plan.trials);
    let end_trial = (batch_range.end * BATCH_TRIALS).min(plan.trials);
    check_size(end_trial - first_trial, strategies)?;
    let pool = thread_pool(plan.threads)?;
    let trials = (end_trial - first_trial) as usize;
    let width = model.metrics().len();
    // The run's columns, as indices into the strategy-major list of every column.
    // (A metric the run does not report keeps every column.)
    let kept: Vec<usize> = match record.only.and_then(|m| m.position_in(model.metrics())) {
        Some(m) => (0..strategies).map(|s| s * width + m).collect(),
        None => (0..strategies * width).collect(),
    };
    let column_count = kept.len();
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
    let results: Vec<Result<BatchRecord, EngineError>> = pool.install(|| {
        per_batch
            .into_par_iter()
            .enumerate()
            .map(|(b, mut slices)| {
                if stop.load(Ordering::Relaxed) {
                    return Err(EngineError::Interrupted);
                }
                let result = run_batch(
                    model,
                    plan,
                    batch_range.start + b as u64,
                    record,
                    &mut slices,
                    &kept,
                    stop,
                );
                progress(slices.first().map_or(0, |s| s.len()) as u64);
                result
            })
            .collect()
    });
    if stop.load(Ordering::Relaxed) {
        return Err(EngineError::Interrupted);
    }
    // The first failure in batch order: the same error on any thread count.
    let (mut drivers, mut drawn) = (Vec::new(), Vec::new());
    for result in results {
        let (d, n) = result?;
        drivers.extend(d);
        drawn.extend(n);
    }
    let every = kept.len() == strategies * width;
    let (samples, only) = if every {
        let samples = Samples::from_parts(strategies, trials, model.metrics(), columns);
        (Some(samples), Vec::new())
    } else {
        (None, columns)
    };
    Ok(Recorded {
        samples,
        only,
        drivers,
        drawn,
    })
}

/// A simulated run, or a share of one: its mergeable summary, and its samples
/// when it keeps them.
#[derive(Clone, Debug)]
pub struct Simulated {
    pub partial: Partial,
    pub samples: Option<Samples>,
}

impl Simulated {
    /// Adds the batches that follow these ones (their samples are appended when
    /// both kept theirs; otherwise none are kept).
    pub fn extend(&mut self, later: Simulated) {
        self.partial.merge(&later.partial);
        self.samples = match (self.samples.take(), later.samples) {
            (Some(a), Some(b)) => Samples::concat(vec![a, b]),
            _ => None,
        };
    }
}

/// Whether a run of `trials` trials keeps its samples for exact quantiles and
/// histogram bins (see [`stats::exact_trials`]).
pub fn keeps_samples(trials: u64, strategies: usize) -> bool {
    trials <= stats::exact_trials(strategies)
}

/// Simulates `batches` of the run `plan` describes and summarises them as they
/// finish: memory stays bounded (a batch buffer and a [`Partial`] per thread)
/// whatever the trial count. With `keep_samples` the samples are stored as well
/// (for exact quantiles, or `trials.csv`); the partial is the same either way.
/// `progress` is called with the trials of each batch as it finishes.
pub fn summarise(
    model: &Model,
    plan: &RunPlan,
    batches: std::ops::Range<u64>,
    keep_samples: bool,
    stop: &AtomicBool,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Simulated, EngineError> {
    summarise_with(model, plan, batches, keep_samples, true, stop, progress)
}

/// [`summarise`]; the partial compares strategies only when `cross` (else it is
/// [`Partial::columns_only`]: the same summaries of each column, sooner).
fn summarise_with(
    model: &Model,
    plan: &RunPlan,
    batches: std::ops::Range<u64>,
    keep_samples: bool,
    cross: bool,
    stop: &AtomicBool,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Simulated, EngineError> {
    let empty = |model: &Model| {
        let (k, metrics) = (model.strategy_count(), model.metrics());
        if cross {
            Partial::with_metrics(k, metrics)
        } else {
            Partial::columns_only(k, metrics)
        }
    };
    if keep_samples {
        let (samples, _) = simulate_reporting(model, plan, batches, stop, false, progress)?;
        let partial = on_threads(plan.threads, || {
            if cross {
                Partial::of_samples(&samples)
            } else {
                Partial::of_samples_columns_only(&samples)
            }
        })?;
        return Ok(Simulated {
            partial,
            samples: Some(samples),
        });
    }
    let pool = thread_pool(plan.threads)?;
    let batch_len =
        |b: u64| (plan.trials.saturating_sub(b * BATCH_TRIALS)).min(BATCH_TRIALS) as usize;
    // One worker state per thread: its batch buffer and its partial. Each thread
    // only ever locks its own slot. Partials add up exactly, so which thread took
    // which batch changes nothing.
    let slots: Vec<std::sync::Mutex<Option<Worker>>> = (0..pool.current_num_threads())
        .map(|_| std::sync::Mutex::new(None))
        .collect();
    let outcome: Result<(), EngineError> = pool.install(|| {
        batches.clone().into_par_iter().try_for_each(|b| {
            if stop.load(Ordering::Relaxed) {
                return Err(EngineError::Interrupted);
            }
            let slot = &slots[parallel::current_thread_index().unwrap_or(0) % slots.len()];
            let mut guard = slot.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            let worker = guard.get_or_insert_with(|| Worker::new(model, empty(model)));
            let len = batch_len(b);
            worker.run(model, plan, b, len, stop)?;
            progress(len as u64);
            Ok(())
        })
    });
    match outcome {
        Err(EngineError::NotFinite { .. }) => {
            // Report the first failure in batch order, whichever thread met one.
            let mut worker = Worker::new(model, empty(model));
            for b in batches {
                worker.run(model, plan, b, batch_len(b), stop)?;
            }
            unreachable!("a batch failed in parallel and passed in sequence")
        }
        Err(e) => return Err(e),
        Ok(()) => {}
    }
    if stop.load(Ordering::Relaxed) {
        return Err(EngineError::Interrupted);
    }
    let mut partial = empty(model);
    for slot in slots {
        if let Some(mut worker) = slot.into_inner().unwrap_or_else(|p| p.into_inner()) {
            worker.partial.settle();
            partial.merge(&worker.partial);
        }
    }
    Ok(Simulated {
        partial,
        samples: None,
    })
}

/// [`summarise`] over a whole run, keeping the samples only when the run is small
/// enough for exact quantiles; what `sweep` and `compare` need per run.
pub fn summarise_run(
    model: &Model,
    plan: &RunPlan,
    stop: &AtomicBool,
) -> Result<Simulated, EngineError> {
    let keep = keeps_samples(plan.trials, model.strategy_count());
    summarise(
        model,
        plan,
        0..plan.trials.div_ceil(BATCH_TRIALS),
        keep,
        stop,
        &|_| {},
    )
}

/// The summaries of a whole run (see [`summarise_run`]).
pub fn run_summaries(
    model: &Model,
    plan: &RunPlan,
    stop: &AtomicBool,
) -> Result<Vec<stats::Summary>, EngineError> {
    run_summaries_reporting(model, plan, stop, &|_| {})
}

/// [`run_summaries`], calling `progress` with the trials of each batch as it
/// finishes (for a progress bar over several runs).
pub fn run_summaries_reporting(
    model: &Model,
    plan: &RunPlan,
    stop: &AtomicBool,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Vec<stats::Summary>, EngineError> {
    let keep = keeps_samples(plan.trials, model.strategy_count());
    run_summaries_keeping(model, plan, keep, stop, progress)
}

/// [`run_summaries_reporting`] with exact quantiles when `keep` (from stored
/// samples), from the sketch otherwise: a run of some of a scenario's
/// strategies keeps its samples when a run of all of them would, so that its
/// summaries are theirs, bit for bit.
pub fn run_summaries_keeping(
    model: &Model,
    plan: &RunPlan,
    keep: bool,
    stop: &AtomicBool,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Vec<stats::Summary>, EngineError> {
    let all = 0..plan.trials.div_ceil(BATCH_TRIALS);
    let run = summarise_with(model, plan, all, keep, false, stop, progress)?;
    on_threads(plan.threads, || {
        stats::summaries_of(&run.partial, run.samples.as_ref())
    })
}

/// The distance between two columns of a [`Worker`]'s buffer: a block and one
/// cache line more. A trial writes one value into every column; were the columns
/// a power of two apart (8 KiB), all of a trial's writes would fall into the same
/// set of the core's first-level cache, which holds only a dozen lines of a set,
/// and nearly every write would miss. One line more spreads them over the sets.
pub const COLUMN_STRIDE: usize = stats::SUMMARY_BLOCK + 8;

/// Trials that [`BatchRun::fill_block`] runs before moving their values into the
/// block's columns: eight values of a column are one 64-byte cache line.
const TILE_TRIALS: usize = 8;

/// Whether every value of some trials' outcomes (and of the metrics the scenario
/// adds, `extras`) is finite: one test per tile of trials, over its values in a
/// row (two loops the compiler vectorises), rather than one per value or trial.
#[inline(always)]
fn all_finite(outcomes: &[Outcome], extras: &[f64]) -> bool {
    let finite = |all: bool, value: &f64| all & value.is_finite();
    outcomes.as_flattened().iter().fold(true, finite) & extras.iter().fold(true, finite)
}

/// A worker thread's state in a streaming run.
struct Worker {
    /// Every column of one block of trials, strategy-major, each
    /// [`stats::SUMMARY_BLOCK`] long: small enough to stay in the core's cache
    /// between being written by the model and read by the summary.
    buffer: Vec<f64>,
    partial: Partial,
}

impl Worker {
    /// A worker summarising into `partial` (empty).
    fn new(model: &Model, partial: Partial) -> Worker {
        let strategies = model.strategy_count();
        Worker {
            buffer: vec![0.0; strategies * model.metrics().len() * COLUMN_STRIDE],
            partial,
        }
    }

    /// Simulates batch `batch` (`len` trials) and adds it to the partial, a
    /// block at a time.
    fn run(
        &mut self,
        model: &Model,
        plan: &RunPlan,
        batch: u64,
        len: usize,
        stop: &AtomicBool,
    ) -> Result<(), EngineError> {
        let width = stats::SUMMARY_BLOCK;
        let mut run = BatchRun::new(model, plan, batch, Record::default(), stop);
        let mut start = 0;
        while start < len {
            let rows = (len - start).min(width);
            run.fill_block(&mut self.buffer, rows)?;
            let columns: Vec<&[f64]> = self
                .buffer
                .chunks(COLUMN_STRIDE)
                .map(|c| &c[..rows])
                .collect();
            self.partial.add_batch(&columns);
            start += rows;
        }
        Ok(())
    }
}

/// Runs `f` on a pool of `threads` workers (0: one per core), so that work after
/// the simulation (the statistics) uses the threads the run asked for. What `f`
/// computes must not depend on the thread count.
pub fn on_threads<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> Result<T, EngineError> {
    Ok(thread_pool(threads)?.install(f))
}

/// `f` of every item on a pool of `threads` workers (0: one per core), the
/// results in the items' order, whatever thread computed each.
pub fn map_in_order<T: Sync, R: Send>(
    threads: usize,
    items: &[T],
    f: impl Fn(&T) -> R + Sync + Send,
) -> Result<Vec<R>, EngineError> {
    on_threads(threads, || items.into_par_iter().map(f).collect())
}

/// `f` of every item on the workers of the pool the caller runs in (outside
/// one, a pool of one worker per core), the results in the items' order.
pub fn map_in_order_here<T: Sync, R: Send>(
    items: &[T],
    f: impl Fn(&T) -> R + Sync + Send,
) -> Vec<R> {
    items.into_par_iter().map(f).collect()
}

/// A pool of `threads` workers (0: one per core).
fn thread_pool(threads: usize) -> Result<Pool, EngineError> {
    Pool::new(threads).map_err(|e| EngineError::Threads {
        threads,
        message: e.0,
    })
}

/// One batch: trial i of the batch writes `slices[strategy * metrics + metric][i]`
/// (metrics in the order of [`Model::metrics`]);
/// returns the trials' drivers when `record` is set. Fails on the first value that
/// is not finite (in trial, strategy, metric order).
fn run_batch(
    model: &Model,
    plan: &RunPlan,
    batch: u64,
    record: Record,
    slices: &mut [&mut [f64]],
    kept: &[usize],
    stop: &AtomicBool,
) -> Result<BatchRecord, EngineError> {
    let mut run = BatchRun::new(model, plan, batch, record, stop);
    if kept.len() == slices.len() && kept.iter().enumerate().all(|(i, &c)| i == c) {
        run.fill(slices)?;
    } else {
        run.fill_only(slices, kept)?;
    }
    Ok((run.scratch.take_drivers(), run.scratch.take_drawn()))
}

/// One batch's random streams and scratch space, part way through its trials:
/// filling the batch in several pieces gives the same numbers as in one.
struct BatchRun<'m> {
    model: &'m Model,
    batch: u64,
    rng: Xoshiro256PlusPlus,
    scratch: Scratch,
    out: Vec<Outcome>,
    /// [`TILE_TRIALS`] trials' outcomes, trial-major, for [`BatchRun::fill_block`].
    tile: Vec<Outcome>,
    /// The same trials' values of the metrics the scenario adds (`Scratch::extras`).
    extras_tile: Vec<f64>,
    /// Trials of the batch done so far.
    done: usize,
    /// Polled every [`TILE_TRIALS`] trials: a batch of long trials (thousands of
    /// incidents each) ends promptly on Ctrl-C, at the cost of one load per tile.
    stop: &'m AtomicBool,
}

impl<'m> BatchRun<'m> {
    fn new(
        model: &'m Model,
        plan: &RunPlan,
        batch: u64,
        record: Record,
        stop: &'m AtomicBool,
    ) -> BatchRun<'m> {
        let seed = batch_seed(plan.seed, batch);
        BatchRun {
            stop,
            model,
            batch,
            rng: Xoshiro256PlusPlus::seed_from_u64(seed),
            scratch: match record {
                Record { drawn: true, .. } => Scratch::recording_drawn(model, seed, record.drivers),
                Record { drivers: true, .. } => Scratch::recording(model, seed),
                _ => Scratch::new(model, seed),
            },
            out: vec![[0.0; METRIC_COUNT]; model.strategy_count()],
            tile: vec![[0.0; METRIC_COUNT]; model.strategy_count() * TILE_TRIALS],
            extras_tile: vec![
                0.0;
                (model.metrics().len() - METRIC_COUNT)
                    * model.strategy_count()
                    * TILE_TRIALS
            ],
            done: 0,
        }
    }

    /// The batch's next trials, one per row of the slices: trial i writes
    /// `slices[strategy * metrics + metric][i]`. Fails on the first value
    /// that is not finite (in trial, strategy, metric order).
    fn fill(&mut self, slices: &mut [&mut [f64]]) -> Result<(), EngineError> {
        let len = slices.first().map_or(0, |s| s.len());
        let extra = self.model.metrics().len() - METRIC_COUNT;
        // `i` is the trial's row inside every column slice, not an index into `slices`.
        self.fill_with(len, |i, out, extras| {
            let values = out
                .iter()
                .enumerate()
                .flat_map(|(s, outcome)| outcome.iter().chain(&extras[s * extra..(s + 1) * extra]));
            for (column, &value) in slices.iter_mut().zip(values) {
                column[i] = value;
            }
        })
    }

    /// [`BatchRun::fill`] of only some columns: slice j receives column
    /// `kept[j]` (of the strategy-major list of every column).
    fn fill_only(&mut self, slices: &mut [&mut [f64]], kept: &[usize]) -> Result<(), EngineError> {
        let len = slices.first().map_or(0, |s| s.len());
        let width = self.model.metrics().len();
        let extra = width - METRIC_COUNT;
        self.fill_with(len, |i, out, extras| {
            for (column, &c) in slices.iter_mut().zip(kept) {
                let (s, m) = (c / width, c % width);
                column[i] = if m < METRIC_COUNT {
                    out[s][m]
                } else {
                    extras[s * extra + m - METRIC_COUNT]
                };
            }
        })
    }

    /// [`BatchRun::fill`] into one block buffer whose columns start
    /// [`COLUMN_STRIDE`] values apart (`rows` at most the stride): column c, row i
    /// is `block[c * COLUMN_STRIDE + i]`.
    ///
    /// The trials run [`TILE_TRIALS`] at a time into a small row-major tile, which
    /// is then moved into the columns a run of rows at a time. Writing each trial
    /// straight into its columns touched a different page for every value (a
    /// column is 8 KiB long), more pages than the core's first-level address
    /// cache holds; a tile's run of rows fills one cache line of a column at once.
    fn fill_block(&mut self, block: &mut [f64], rows: usize) -> Result<(), EngineError> {
        let strategies = self.out.len();
        let width = self.model.metrics().len();
        let extra = width - METRIC_COUNT;
        let columns = strategies * width;
        assert!(rows <= COLUMN_STRIDE && block.len() >= columns * COLUMN_STRIDE);
        let mut start = 0;
        while start < rows {
            if self.stop.load(Ordering::Relaxed) {
                return Err(EngineError::Interrupted);
            }
            let n = (rows - start).min(TILE_TRIALS);
            for (t, out) in self.tile.chunks_exact_mut(strategies).take(n).enumerate() {
                self.model.trial(&mut self.rng, &mut self.scratch, out);
                if extra > 0 {
                    let extras = self.scratch.extras();
                    self.extras_tile[t * extras.len()..(t + 1) * extras.len()]
                        .copy_from_slice(extras);
                }
            }
            let per_trial = strategies * extra;
            let tile_extras = &self.extras_tile[..n * per_trial];
            if !all_finite(&self.tile[..n * strategies], tile_extras) {
                // The first trial of the tile with a value that is not finite.
                let t = (0..n)
                    .find(|&t| {
                        !all_finite(
                            &self.tile[t * strategies..(t + 1) * strategies],
                            &tile_extras[t * per_trial..(t + 1) * per_trial],
                        )
                    })
                    .expect("a trial of the tile with a value that is not finite");
                self.out
                    .copy_from_slice(&self.tile[t * strategies..(t + 1) * strategies]);
                let extras = &tile_extras[t * per_trial..(t + 1) * per_trial];
                return Err(self.not_finite(start + t, extras));
            }
            let values = self.tile.as_flattened();
            if extra == 0 {
                for (c, column) in block
                    .chunks_exact_mut(COLUMN_STRIDE)
                    .take(columns)
                    .enumerate()
                {
                    for (t, cell) in column[start..start + n].iter_mut().enumerate() {
                        *cell = values[t * columns + c];
                    }
                }
            } else {
                for (c, column) in block
                    .chunks_exact_mut(COLUMN_STRIDE)
                    .take(columns)
                    .enumerate()
                {
                    let (s, m) = (c / width, c % width);
                    for (t, cell) in column[start..start + n].iter_mut().enumerate() {
                        *cell = if m < METRIC_COUNT {
                            values[(t * strategies + s) * METRIC_COUNT + m]
                        } else {
                            self.extras_tile[t * per_trial + s * extra + m - METRIC_COUNT]
                        };
                    }
                }
            }
            start += n;
        }
        self.done += rows;
        Ok(())
    }

    /// Runs `rows` trials, handing each one's outcomes (trial i of this fill) to
    /// `write`. Fails on the first value that is not finite.
    #[inline(always)]
    fn fill_with(
        &mut self,
        rows: usize,
        mut write: impl FnMut(usize, &[Outcome], &[f64]),
    ) -> Result<(), EngineError> {
        for i in 0..rows {
            if i % TILE_TRIALS == 0 && self.stop.load(Ordering::Relaxed) {
                return Err(EngineError::Interrupted);
            }
            self.model
                .trial(&mut self.rng, &mut self.scratch, &mut self.out);
            let extras = self.scratch.extras();
            write(i, &self.out, extras);
            if !all_finite(&self.out, extras) {
                return Err(self.not_finite(i, extras));
            }
        }
        self.done += rows;
        Ok(())
    }

    /// The error for the first value of trial `i` (of this fill) that is not
    /// finite, in strategy and metric order.
    #[cold]
    fn not_finite(&self, i: usize, extras: &[f64]) -> EngineError {
        let metrics = self.model.metrics();
        let extra = metrics.len() - METRIC_COUNT;
        let (s, m, value) = self
            .out
            .iter()
            .enumerate()
            .flat_map(|(s, outcome)| {
                let own = &extras[s * extra..(s + 1) * extra];
                outcome
                    .iter()
                    .chain(own)
                    .enumerate()
                    .map(move |(m, &v)| (s, m, v))
            })
            .find(|&(_, _, v)| !v.is_finite())
            .expect("a trial with a value that is not finite");
        EngineError::NotFinite {
            strategy: self.model.scenario().strategies[s].id.clone(),
            metric: metrics[m].id(),
            trial: self.batch * BATCH_TRIALS + (self.done + i) as u64 + 1,
            value,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::from_str;

    const SEED: &str = include_str!("../scenarios/seed.toml");
    /// A stop flag never raised.
    static NEVER: AtomicBool = AtomicBool::new(false);

    fn model(text: &str) -> Model {
        Model::new(&from_str(text, "seed.toml").expect("a valid scenario"))
    }

    /// A block filled by tiles of trials holds, value for value, what the
    /// per-column fill writes: over two fills of one batch, each a number of rows
    /// that is not a whole number of tiles.
    #[test]
    fn a_block_fill_writes_what_the_column_fill_writes() {
        let model = model(SEED);
        let plan = RunPlan {
            trials: 4096,
            seed: 11,
            threads: 1,
        };
        let columns = model.strategy_count() * METRIC_COUNT;
        let mut by_block = BatchRun::new(&model, &plan, 3, Record::default(), &NEVER);
        let mut by_column = BatchRun::new(&model, &plan, 3, Record::default(), &NEVER);
        for rows in [1021, 13] {
            let mut block = vec![f64::NAN; columns * COLUMN_STRIDE];
            by_block.fill_block(&mut block, rows).expect("finite draws");
            let mut expected = vec![vec![0.0; rows]; columns];
            let mut slices: Vec<&mut [f64]> = expected.iter_mut().map(|c| &mut c[..]).collect();
            by_column.fill(&mut slices).expect("finite draws");
            for (c, column) in expected.iter().enumerate() {
                let got = &block[c * COLUMN_STRIDE..c * COLUMN_STRIDE + rows];
                assert!(
                    got.iter()
                        .zip(column)
                        .all(|(a, b)| a.to_bits() == b.to_bits()),
                    "column {c} differs after a fill of {rows} rows"
                );
            }
        }
    }

    /// Both fills stop at the same first value that is not finite, and name the
    /// same trial, strategy and metric.
    #[test]
    fn both_fills_name_the_same_first_value_that_is_not_finite() {
        let delay = "delay_weeks = { triangular = [2, 4, 6] }";
        assert!(SEED.contains(delay));
        let text = SEED.replace(
            delay,
            "delay_weeks = { lognormal = { median = 1e150, sigma = 3 } }",
        );
        let model = model(&text);
        let plan = RunPlan {
            trials: 4096,
            seed: 5,
            threads: 1,
        };
        let columns = model.strategy_count() * METRIC_COUNT;
        let mut block = vec![0.0; columns * COLUMN_STRIDE];
        let by_block = BatchRun::new(&model, &plan, 2, Record::default(), &NEVER)
            .fill_block(&mut block, 1024)
            .expect_err("an overflow in the first block");
        let mut expected = vec![vec![0.0; 1024]; columns];
        let mut slices: Vec<&mut [f64]> = expected.iter_mut().map(|c| &mut c[..]).collect();
        let by_column = BatchRun::new(&model, &plan, 2, Record::default(), &NEVER)
            .fill(&mut slices)
            .expect_err("an overflow in the first block");
        let EngineError::NotFinite { trial, .. } = &by_block else {
            panic!("not an overflow: {by_block}");
        };
        // Rare enough to fall past the first tile of trials.
        assert!(
            *trial > 2 * BATCH_TRIALS + TILE_TRIALS as u64,
            "trial {trial}"
        );
        assert_eq!(by_block.to_string(), by_column.to_string());
    }

    /// A batch under way looks at the stop flag between tiles of trials, not only
    /// before it starts: a batch of long trials (thousands of incidents each) ends
    /// within a tile of the flag, through both fills and the streaming worker.
    #[test]
    fn a_raised_stop_flag_ends_a_batch_within_a_tile_of_trials() {
        let model = model(SEED);
        let plan = RunPlan {
            trials: 4096,
            seed: 11,
            threads: 1,
        };
        let stop = AtomicBool::new(true);
        let columns = model.strategy_count() * METRIC_COUNT;
        let mut block = vec![0.0; columns * COLUMN_STRIDE];
        let mut run = BatchRun::new(&model, &plan, 0, Record::default(), &stop);
        let by_block = run.fill_block(&mut block, 1024);
        assert!(
            matches!(by_block, Err(EngineError::Interrupted)),
            "{by_block:?}"
        );
        assert_eq!(run.done, 0, "no trial ran after the flag");
        let mut expected = vec![vec![0.0; 1024]; columns];
        let mut slices: Vec<&mut [f64]> = expected.iter_mut().map(|c| &mut c[..]).collect();
        let by_column = BatchRun::new(&model, &plan, 0, Record::default(), &stop).fill(&mut slices);
        assert!(
            matches!(by_column, Err(EngineError::Interrupted)),
            "{by_column:?}"
        );
        let mut worker = Worker::new(
            &model,
            Partial::with_metrics(model.strategy_count(), model.metrics()),
        );
        let streamed = worker.run(&model, &plan, 0, 4096, &stop);
        assert!(
            matches!(streamed, Err(EngineError::Interrupted)),
            "{streamed:?}"
        );
        assert_eq!(
            worker.partial,
            Partial::with_metrics(model.strategy_count(), model.metrics()),
            "nothing summarised"
        );
    }
}
