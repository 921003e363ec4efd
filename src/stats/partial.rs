//! What a run has learned so far, in a form that merges: a [`Partial`] per
//! worker thread, per shard, or per step of a `--precision` run, added together
//! in any order, gives the same figures bit for bit.
//!
//! Each batch of trials is summarised on its own (its sums and squared
//! deviations in `f64`, fixed by the trial order inside the batch), and the batch
//! figures are added exactly ([`ExactSum`]); extremes, counts and the quantile
//! [`Sketch`] are integers or comparisons. Memory does not grow with the trials.
//!
//! The spread of a column comes from the batches' figures by the law of total
//! variance: with batch b holding n_b values of sum S_b and squared deviations
//! M_b about its own mean, the sum of squared deviations about the grand mean is
//! sum(M_b) + (sum(S_b^2 / n_b) - S^2 / n). The second term is small (the batch
//! means scatter little) and is computed from exact sums, so it loses nothing
//! that matters unless a column's mean is a million times its spread.

use super::Samples;
use crate::metric::{METRIC_COUNT, Metric};

use super::comparison::{best_tally, share_unit};
use super::exact_sum::ExactSum;
use super::kernels::{ColumnLanes, Kernels, total};
use super::sketch::{Sketch, from_order_key, order_key};

/// The most strategies [`Partial::from_words`] accepts: a bound on what damaged
/// words can make it allocate. It must be at least the most strategies a scenario
/// may have (`scenario::MAX_STRATEGIES`; a test holds the two together), which
/// this layer, below `scenario`, does not import.
pub const MAX_DECODED_STRATEGIES: usize = 64;

/// Trials summarised together: a batch is summarised in blocks of this many
/// trials (a batch holds a whole number of them), so that a block of every column
/// stays in cache from the model to the summary.
pub const SUMMARY_BLOCK: usize = 1024;

/// Count, sum and spread of a set of values, built block by block.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Moments {
    n: u64,
    sum: ExactSum,
    /// Squared deviations of each batch about its own mean.
    within: ExactSum,
    /// Each batch's S_b^2 / n_b.
    between: ExactSum,
}

impl Moments {
    /// Adds one block of values (at most a few thousand, in trial order).
    #[inline(always)]
    pub fn add_batch(&mut self, values: &[f64]) {
        if !values.is_empty() {
            let lanes = block_lanes(Kernels::detect(), values);
            self.add_figures(
                values.len(),
                total(lanes.sum),
                total(lanes.dev),
                total(lanes.squares),
            );
        }
    }

    /// Adds a block's figures: its `n` values' sum, and the sum and sum of squares
    /// of their deviations from one of them (see [`block_figures`]).
    fn add_figures(&mut self, n: usize, sum: f64, dev: f64, squares: f64) {
        let nf = n as f64;
        self.sum.add(sum);
        self.within.add((squares - dev * dev / nf).max(0.0));
        self.between.add(sum * (sum / nf));
        self.n += n as u64;
    }

    pub fn merge(&mut self, other: &Moments) {
        self.n += other.n;
        self.sum.merge(&other.sum);
        self.within.merge(&other.within);
        self.between.merge(&other.between);
    }

    pub fn n(&self) -> u64 {
        self.n
    }

    pub fn sum(&self) -> f64 {
        self.sum.value()
    }

    /// The arithmetic mean (0 for no values).
    pub fn mean(&self) -> f64 {
        if self.n == 0 {
            0.0
        } else {
            self.sum.value() / self.n as f64
        }
    }

    /// Sample standard deviation (divisor n - 1; 0 for fewer than two values).
    pub fn std_dev(&self) -> f64 {
        if self.n < 2 {
            return 0.0;
        }
        (self.m2() / (self.n - 1) as f64).sqrt()
    }

    /// The sum of squared deviations from the mean.
    pub fn m2(&self) -> f64 {
        if self.n == 0 {
            return 0.0;
        }
        let s = self.sum.value();
        let between = (self.between.value() - s * s / self.n as f64).max(0.0);
        (self.within.value() + between).max(0.0)
    }

    fn to_words(&self, out: &mut Vec<u64>) {
        out.push(self.n);
        for s in [&self.sum, &self.within, &self.between] {
            out.extend(s.to_digits().into_iter().map(|d| d as u64));
        }
    }

    fn from_words(words: &mut Words<'_>) -> Option<Moments> {
        let n = words.next()?;
        let mut sums = Vec::with_capacity(3);
        for _ in 0..3 {
            let digits: Vec<i64> = words.take(ExactSum::WORDS)?;
            sums.push(ExactSum::from_digits(&digits)?);
        }
        let between = sums.pop()?;
        let within = sums.pop()?;
        let sum = sums.pop()?;
        Some(Moments {
            n,
            sum,
            within,
            between,
        })
    }
}

/// A block's running figures (see [`kernels`]): its sum and the sum and squares
/// of deviations from its first value (so that the squares lose nothing to
/// cancellation), its extremes and its smallest value above zero. The block is
/// short, so plain sums in lanes are accurate to a few ulps; blocks are added
/// exactly.
#[inline(always)]
fn block_lanes(kernels: Kernels, values: &[f64]) -> ColumnLanes {
    kernels.column(values, values.first().copied().unwrap_or(0.0))
}

/// One strategy's metric: moments, extremes and the quantile sketch.
#[derive(Clone, Debug, PartialEq)]
pub struct ColumnPartial {
    pub moments: Moments,
    /// [`order_key`] of the smallest and largest values (so that -0.0 < 0.0).
    min_key: u64,
    max_key: u64,
    /// The smallest value above zero (+inf when there is none).
    pub min_positive: f64,
    pub sketch: Sketch,
}

impl Default for ColumnPartial {
    fn default() -> Self {
        ColumnPartial {
            moments: Moments::default(),
            min_key: u64::MAX,
            max_key: 0,
            min_positive: f64::INFINITY,
            sketch: Sketch::default(),
        }
    }
}

impl ColumnPartial {
    /// Adds a block; `lanes` are its [`block_lanes`].
    #[inline(always)]
    fn add_batch(&mut self, values: &[f64], lanes: &ColumnLanes) {
        self.moments.add_figures(
            values.len(),
            total(lanes.sum),
            total(lanes.dev),
            total(lanes.squares),
        );
        // The sign of a zero extreme is settled apart, so that -0.0 < +0.0 as in
        // `f64::total_cmp`.
        let mut low = lanes
            .lo
            .into_iter()
            .fold(f64::INFINITY, |a, b| if b < a { b } else { a });
        let mut high = lanes
            .hi
            .into_iter()
            .fold(f64::NEG_INFINITY, |a, b| if b > a { b } else { a });
        // A fold without an early exit: it runs in vector lanes, where `any`
        // stepped through the whole block one value at a time (a block with a
        // zero extreme rarely holds the other zero, so it rarely stopped early).
        let has = |bits: u64| {
            values
                .iter()
                .fold(false, |found, x| found | (x.to_bits() == bits))
        };
        if low == 0.0 {
            low = if has((-0.0f64).to_bits()) { -0.0 } else { 0.0 };
        }
        if high == 0.0 {
            high = if has(0.0f64.to_bits()) { 0.0 } else { -0.0 };
        }
        if !values.is_empty() {
            self.min_key = self.min_key.min(order_key(low));
            self.max_key = self.max_key.max(order_key(high));
        }
        self.min_positive = lanes.positive.into_iter().fold(self.min_positive, f64::min);
        self.sketch.add_all(values);
    }

    fn merge(&mut self, other: &ColumnPartial) {
        self.sketch.settle();
        self.moments.merge(&other.moments);
        self.min_key = self.min_key.min(other.min_key);
        self.max_key = self.max_key.max(other.max_key);
        self.min_positive = self.min_positive.min(other.min_positive);
        self.sketch.merge(&other.sketch);
    }

    /// The smallest value (0 when there are none).
    pub fn min(&self) -> f64 {
        if self.moments.n == 0 {
            0.0
        } else {
            from_order_key(self.min_key)
        }
    }

    /// The largest value (0 when there are none).
    pub fn max(&self) -> f64 {
        if self.moments.n == 0 {
            0.0
        } else {
            from_order_key(self.max_key)
        }
    }

    /// The mean, inside [min, max] (a rounded mean of equal values can land an
    /// ulp outside; the true mean cannot).
    pub fn mean(&self) -> f64 {
        self.moments.mean().clamp(self.min(), self.max())
    }

    /// The sample standard deviation; exactly 0 when every value is equal.
    pub fn std_dev(&self) -> f64 {
        if self.min_key == self.max_key {
            0.0
        } else {
            self.moments.std_dev()
        }
    }

    /// Values at the given ranks (0-based, ascending), read from the sketch: the
    /// smallest and largest ranks exactly, the others within the sketch's
    /// relative error, always inside [min, max].
    pub fn at_ranks(&self, ranks: &[u64]) -> Vec<f64> {
        let n = self.moments.n;
        let (min, max) = (self.min(), self.max());
        self.sketch
            .at_ranks(ranks)
            .into_iter()
            .zip(ranks)
            .map(|(x, &r)| {
                if r == 0 {
                    min
                } else if r + 1 == n {
                    max
                } else {
                    x.clamp(min, max)
                }
            })
            .collect()
    }
}

/// Strategy `a` against strategy `b` on one metric, trial by trial.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PairPartial {
    /// Trials where a's value is lower / equal.
    pub better: u64,
    pub tie: u64,
    /// Co-moment of a and b, as [`Moments`] keeps the squares: per block the
    /// products of deviations about the block means, and S_a S_b / n_b.
    within: ExactSum,
    between: ExactSum,
}

impl PairPartial {
    /// The sample standard deviation of the differences a - b, from the two
    /// columns' spreads and the co-moment: var(a - b) = var a + var b - 2 cov.
    /// Exactly 0 when a equals b on every trial.
    pub fn std_dev_of_difference(&self, a: &Moments, b: &Moments) -> f64 {
        let n = a.n();
        if n < 2 || self.tie == n {
            return 0.0;
        }
        let nf = n as f64;
        let co = self.within.value() + (self.between.value() - a.sum() * b.sum() / nf);
        ((a.m2() + b.m2() - 2.0 * co).max(0.0) / (nf - 1.0)).sqrt()
    }
}

/// The mergeable summary of a set of whole batches of a run.
#[derive(Clone, Debug, PartialEq)]
pub struct Partial {
    strategies: usize,
    trials: u64,
    /// The metrics of each strategy's columns: [`Metric::ALL`], then any the
    /// scenario adds.
    metrics: Vec<Metric>,
    /// Strategy-major, then metric in the order of `metrics`.
    columns: Vec<ColumnPartial>,
    /// Metric of [`Metric::ALL`]-major (lower is better on each of them; the
    /// metrics a scenario adds are not compared), then the pairs (a, b), a < b,
    /// in order.
    pairs: Vec<PairPartial>,
    /// Metric of [`Metric::ALL`]-major, then strategy: trials won as the lowest of all strategies,
    /// in units of 1 / [`share_unit`] (ties share the win).
    wins: Vec<u128>,
    /// Per strategy: total cost minus the lowest total cost of the trial.
    regret: Vec<Moments>,
    /// Per strategy: trials with build cost above 1.2 and 1.5 x the budget.
    over_budget: Vec<[u64; 2]>,
    /// Whether it compares strategies (`pairs`, `wins`, `regret`, `over_budget`);
    /// a partial of the columns alone ([`Partial::columns_only`]) does not.
    cross: bool,
}

/// The budget multiples whose overrun probability is reported.
pub const BUDGET_MULTIPLES: [f64; 2] = [1.2, 1.5];

impl Partial {
    /// Nothing yet, for `strategies` strategies and the metrics of [`Metric::ALL`].
    pub fn new(strategies: usize) -> Partial {
        Partial::with_metrics(strategies, &Metric::ALL)
    }

    /// Nothing yet, for `strategies` strategies and `metrics` ([`Metric::ALL`],
    /// then any a scenario adds: `Scenario::metrics`).
    pub fn with_metrics(strategies: usize, metrics: &[Metric]) -> Partial {
        debug_assert!(metrics.len() >= METRIC_COUNT && metrics[..METRIC_COUNT] == Metric::ALL);
        let pairs = strategies * strategies.saturating_sub(1) / 2;
        Partial {
            strategies,
            trials: 0,
            metrics: metrics.to_vec(),
            columns: vec![ColumnPartial::default(); strategies * metrics.len()],
            pairs: vec![PairPartial::default(); pairs * METRIC_COUNT],
            wins: vec![0; strategies * METRIC_COUNT],
            regret: vec![Moments::default(); strategies],
            over_budget: vec![[0; 2]; strategies],
            cross: true,
        }
    }

    /// [`Partial::with_metrics`] of the columns alone: their moments, extremes
    /// and sketches, the same bits as a full partial's, and nothing that compares
    /// strategies (pairs, wins, regret, budget overruns), for a command that reads
    /// only the summaries of each column.
    pub fn columns_only(strategies: usize, metrics: &[Metric]) -> Partial {
        Partial {
            strategies,
            trials: 0,
            metrics: metrics.to_vec(),
            columns: vec![ColumnPartial::default(); strategies * metrics.len()],
            pairs: Vec::new(),
            wins: Vec::new(),
            regret: Vec::new(),
            over_budget: Vec::new(),
            cross: false,
        }
    }

    /// The summary of stored samples, batch by batch, exactly as a streaming run
    /// of the same trials would build it (samples start at a batch boundary).
    pub fn of_samples(samples: &Samples) -> Partial {
        Partial::of_samples_with(samples, true)
    }

    /// [`Partial::of_samples`] of the columns alone ([`Partial::columns_only`]).
    pub fn of_samples_columns_only(samples: &Samples) -> Partial {
        Partial::of_samples_with(samples, false)
    }

    fn of_samples_with(samples: &Samples, cross: bool) -> Partial {
        #[cfg(feature = "parallel")]
        use rayon::prelude::*;
        let k = samples.strategies();
        let n = samples.trials();
        let metrics = samples.metrics();
        let empty = || {
            if cross {
                Partial::with_metrics(k, metrics)
            } else {
                Partial::columns_only(k, metrics)
            }
        };
        let blocks = n.div_ceil(SUMMARY_BLOCK);
        let add = |mut p: Partial, b: usize| {
            let range = b * SUMMARY_BLOCK..((b + 1) * SUMMARY_BLOCK).min(n);
            let columns: Vec<&[f64]> = samples
                .columns()
                .iter()
                .map(|c| &c[range.clone()])
                .collect();
            p.add_batch(&columns);
            p
        };
        let settled = |mut p: Partial| {
            p.settle();
            p
        };
        let merged = |mut a: Partial, b: Partial| {
            a.merge(&b);
            a
        };
        #[cfg(feature = "parallel")]
        let partial = (0..blocks)
            .into_par_iter()
            .fold(empty, add)
            .map(settled)
            .reduce(empty, merged);
        // One thread: one fold over every block, merged as the parallel reduction
        // merges each thread's fold.
        #[cfg(not(feature = "parallel"))]
        let partial = merged(empty(), settled((0..blocks).fold(empty(), add)));
        partial
    }

    pub fn strategies(&self) -> usize {
        self.strategies
    }

    pub fn trials(&self) -> u64 {
        self.trials
    }

    /// The metrics of each strategy's columns, in column order.
    pub fn metrics(&self) -> &[Metric] {
        &self.metrics
    }

    /// One strategy's summary of one metric; the run must report the metric
    /// (callers check a metric against the scenario first: `Scenario::check_metric`).
    pub fn column(&self, strategy: usize, metric: Metric) -> &ColumnPartial {
        let at = metric
            .position_in(&self.metrics)
            .expect("a metric the run reports");
        &self.columns[strategy * self.metrics.len() + at]
    }

    /// The pairs of one metric of [`Metric::ALL`], in the order (0, 1), (0, 2), ..., (1, 2), ...
    pub fn pairs(&self, metric: Metric) -> &[PairPartial] {
        let per = self.pairs.len() / METRIC_COUNT;
        let m = metric.slot();
        &self.pairs[m * per..(m + 1) * per]
    }

    /// Per strategy, the share of trials where it is the lowest on `metric` (one
    /// of [`Metric::ALL`]).
    pub fn p_best(&self, metric: Metric) -> Vec<f64> {
        let unit = share_unit(self.strategies) as f64;
        let k = self.strategies;
        let m = metric.slot();
        self.wins[m * k..(m + 1) * k]
            .iter()
            .map(|&w| {
                if self.trials == 0 {
                    0.0
                } else {
                    (w as f64 / unit) / self.trials as f64
                }
            })
            .collect()
    }

    pub fn regret(&self, strategy: usize) -> &Moments {
        &self.regret[strategy]
    }

    pub fn over_budget(&self, strategy: usize) -> [u64; 2] {
        self.over_budget[strategy]
    }

    /// Adds one batch: `columns[strategy * metrics + metric]` holds its values in
    /// trial order (metrics in the order of [`Partial::metrics`]), every column of
    /// the same length.
    pub fn add_batch(&mut self, columns: &[&[f64]]) {
        let kernels = Kernels::detect();
        #[cfg(target_arch = "x86_64")]
        if kernels == Kernels::Avx2 {
            // SAFETY: the processor has AVX2 (that is when `detect` chooses it).
            unsafe { self.add_batch_avx2(kernels, columns) };
            return;
        }
        self.add_batch_with(kernels, columns);
    }

    /// [`Partial::add_batch`] compiled for AVX2 throughout, for the loops outside
    /// the [`kernels`] (the lowest strategy per trial, regret) too. The results
    /// are bit for bit those of the portable build.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn add_batch_avx2(&mut self, kernels: Kernels, columns: &[&[f64]]) {
        self.add_batch_with(kernels, columns);
    }

    #[inline(always)]
    fn add_batch_with(&mut self, kernels: Kernels, columns: &[&[f64]]) {
        let k = self.strategies;
        let width = self.metrics.len();
        debug_assert_eq!(columns.len(), k * width);
        let len = columns.first().map_or(0, |c| c.len());
        let mut sums = Vec::with_capacity(columns.len());
        for (partial, values) in self.columns.iter_mut().zip(columns) {
            let lanes = block_lanes(kernels, values);
            partial.add_batch(values, &lanes);
            sums.push((total(lanes.sum), total(lanes.dev)));
        }
        if !self.cross {
            self.trials += len as u64;
            return;
        }
        let per = k * k.saturating_sub(1) / 2;
        for m in Metric::ALL {
            let at = |s: usize| s * width + m.slot();
            let mut p = m.slot() * per;
            for a in 0..k {
                for b in a + 1..k {
                    let (ia, ib) = (at(a), at(b));
                    self.pairs[p].add_batch(
                        kernels,
                        [columns[ia], columns[ib]],
                        [sums[ia], sums[ib]],
                    );
                    p += 1;
                }
            }
        }
        let mut scratch = (Vec::new(), Vec::new());
        let unit = share_unit(k);
        for m in Metric::ALL {
            let of_metric: Vec<&[f64]> = (0..k).map(|s| columns[s * width + m.slot()]).collect();
            best_tally(
                &of_metric,
                0..len,
                unit,
                &mut self.wins[m.slot() * k..(m.slot() + 1) * k],
                &mut scratch,
            );
        }
        let mut diff = vec![0.0f64; len]; // Regret against the lowest total cost of each trial.
        let cost = |s: usize| columns[s * width + Metric::TotalCost.slot()];
        let mut lowest = vec![f64::INFINITY; len];
        for s in 0..k {
            for (l, &c) in lowest.iter_mut().zip(cost(s)) {
                *l = if c < *l { c } else { *l };
            }
        }
        for s in 0..k {
            for ((d, &c), &l) in diff.iter_mut().zip(cost(s)).zip(&lowest) {
                *d = c - l;
            }
            self.regret[s].add_batch(&diff);
            let overrun = columns[s * width + Metric::BudgetOverrun.slot()];
            for (i, &multiple) in BUDGET_MULTIPLES.iter().enumerate() {
                self.over_budget[s][i] += overrun.iter().filter(|&&x| x > multiple).count() as u64;
            }
        }
        self.trials += len as u64;
    }

    /// Counts everything queued in the sketches: needed before a partial is
    /// read or merged into another (the engine and [`Partial::of_samples`] do it).
    pub fn settle(&mut self) {
        for c in self.columns.iter_mut() {
            c.sketch.settle();
        }
    }

    /// Adds another partial (settled) of the same run's other batches.
    pub fn merge(&mut self, other: &Partial) {
        debug_assert_eq!(self.strategies, other.strategies);
        debug_assert_eq!(self.metrics, other.metrics);
        self.trials += other.trials;
        for (a, b) in self.columns.iter_mut().zip(&other.columns) {
            a.merge(b);
        }
        for (a, b) in self.pairs.iter_mut().zip(&other.pairs) {
            a.better += b.better;
            a.tie += b.tie;
            a.within.merge(&b.within);
            a.between.merge(&b.between);
        }
        for (a, b) in self.wins.iter_mut().zip(&other.wins) {
            *a += b;
        }
        for (a, b) in self.regret.iter_mut().zip(&other.regret) {
            a.merge(b);
        }
        for (a, b) in self.over_budget.iter_mut().zip(&other.over_budget) {
            a[0] += b[0];
            a[1] += b[1];
        }
    }

    /// The partial as little-endian 64-bit words (see [`Partial::from_words`]).
    pub fn to_words(&self) -> Vec<u64> {
        debug_assert!(self.cross, "a partial of the columns alone is not saved");
        let mut out = vec![
            self.strategies as u64,
            self.metrics.len() as u64,
            self.trials,
        ];
        for c in &self.columns {
            c.moments.to_words(&mut out);
            out.extend([c.min_key, c.max_key, c.min_positive.to_bits()]);
            let buckets: Vec<(u64, u64)> = c.sketch.buckets().collect();
            out.push(buckets.len() as u64);
            for (b, n) in buckets {
                out.extend([b, n]);
            }
        }
        for p in &self.pairs {
            out.extend([p.better, p.tie]);
            for sum in [&p.within, &p.between] {
                out.extend(sum.to_digits().into_iter().map(|d| d as u64));
            }
        }
        for &w in &self.wins {
            out.extend([w as u64, (w >> 64) as u64]);
        }
        for r in &self.regret {
            r.to_words(&mut out);
        }
        for o in &self.over_budget {
            out.extend(*o);
        }
        out
    }

    /// A partial of the metrics of [`Metric::ALL`] from [`Partial::to_words`]'s
    /// words, or None if they are not one.
    pub fn from_words(words: &[u64]) -> Option<Partial> {
        Partial::from_words_with(words, &Metric::ALL)
    }

    /// A partial of `metrics` (a scenario's) from [`Partial::to_words`]'s words,
    /// or None if they are not one.
    pub fn from_words_with(words: &[u64], metrics: &[Metric]) -> Option<Partial> {
        let mut w = Words { words, at: 0 };
        // At most MAX_DECODED_STRATEGIES, checked before anything is allocated
        // for them (the words may come from a damaged file).
        let strategies = usize::try_from(w.next()?)
            .ok()
            .filter(|&k| (1..=MAX_DECODED_STRATEGIES).contains(&k))?;
        if w.next()? != metrics.len() as u64 {
            return None;
        }
        let mut p = Partial::with_metrics(strategies, metrics);
        p.trials = w.next()?;
        for c in p.columns.iter_mut() {
            c.moments = Moments::from_words(&mut w)?;
            c.min_key = w.next()?;
            c.max_key = w.next()?;
            c.min_positive = f64::from_bits(w.next()?);
            let buckets = w.next()?;
            for _ in 0..buckets {
                let (b, n) = (w.next()?, w.next()?);
                if b >> 22 != 0 {
                    return None;
                }
                c.sketch.add_bucket(b, n);
            }
            if c.sketch.count() != c.moments.n() || c.moments.n() != p.trials {
                return None;
            }
        }
        for pair in p.pairs.iter_mut() {
            pair.better = w.next()?;
            pair.tie = w.next()?;
            let digits = ExactSum::WORDS;
            pair.within = ExactSum::from_digits(&w.take(digits)?)?;
            pair.between = ExactSum::from_digits(&w.take(digits)?)?;
        }
        for win in p.wins.iter_mut() {
            *win = w.next()? as u128 | (w.next()? as u128) << 64;
        }
        for r in p.regret.iter_mut() {
            *r = Moments::from_words(&mut w)?;
        }
        for o in p.over_budget.iter_mut() {
            *o = [w.next()?, w.next()?];
        }
        (w.at == words.len()).then_some(p)
    }
}

impl PairPartial {
    /// Adds a block of both strategies' values, with each column's block sum and
    /// sum of deviations from its first value (see [`block_lanes`]).
    #[inline(always)]
    fn add_batch(&mut self, kernels: Kernels, values: [&[f64]; 2], sums: [(f64, f64); 2]) {
        let [a, b] = values;
        let n = a.len();
        if n == 0 {
            return;
        }
        // Deviations from each column's first value, as in `block_lanes`, so
        // that the co-moment loses nothing to cancellation.
        let lanes = kernels.pair(a, b, (a[0], b[0]));
        self.better += lanes.better.iter().sum::<u64>();
        self.tie += lanes.tie.iter().sum::<u64>();
        self.within
            .add(total(lanes.cross) - sums[0].1 * sums[1].1 / n as f64);
        self.between.add(sums[0].0 * (sums[1].0 / n as f64));
    }
}

/// A reader of saved words.
struct Words<'a> {
    words: &'a [u64],
    at: usize,
}

impl Words<'_> {
    fn next(&mut self) -> Option<u64> {
        let w = *self.words.get(self.at)?;
        self.at += 1;
        Some(w)
    }

    fn take(&mut self, n: usize) -> Option<Vec<i64>> {
        let slice = self.words.get(self.at..self.at + n)?;
        self.at += n;
        Some(slice.iter().map(|&w| w as i64).collect())
    }
}
