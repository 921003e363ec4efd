//! Summaries of simulated trials: moments, quantiles, paired comparisons between
//! strategies and histograms. Numbers only: no files, no drawing. Below `engine`
//! (which folds each batch into a [`Partial`]) and beside `model`: it knows the
//! metric vocabulary and nothing of scenarios, trials or threads.
//!
//! A run is summarised as it goes, block by block, into a [`Partial`] that merges
//! exactly (see `partial`); the figures below are read from it, with quantiles and
//! histogram bins exact when the run kept its trials ([`exact_trials`]) and read
//! from the [`Sketch`] otherwise.
//!
//! Definitions, stated once:
//! - `mean` is the arithmetic mean: the exact sum of the blocks' sums (each block
//!   summed in four interleaved lanes), divided by n; the same bits whatever the
//!   threads, shards or steps that produced the blocks;
//! - `std_dev` is the sample standard deviation (divisor n - 1; 0 when n = 1);
//! - `std_err` = std_dev / sqrt(n);
//! - quantiles are Hyndman-Fan type 7 (linear interpolation between order
//!   statistics, the default of R and NumPy): with values sorted x[0..n], the
//!   p-quantile is x[h] + (h - floor h)(x[floor h + 1] - x[floor h]), h = (n - 1) p.

pub mod claims;
mod comparison;
pub mod decision;
mod exact_sum;
mod histogram;
mod kernels;
mod partial;
mod samples;
mod sketch;

pub use comparison::{Comparison, Z_975, comparisons, comparisons_of, probability_best};
pub use exact_sum::ExactSum;
pub use partial::{
    ColumnPartial, MAX_DECODED_STRATEGIES, Moments, PairPartial, Partial, SUMMARY_BLOCK,
};
pub use samples::Samples;
pub use sketch::{RELATIVE_ERROR, Sketch};
use sketch::{from_order_key, order_key};

pub use histogram::{Bin, BinKind, HISTOGRAM_METRICS, Histogram, Scale, histograms};

use crate::metric::Metric;

/// The quantiles every summary reports, with their column names.
pub const QUANTILES: [(&str, f64); 9] = [
    ("p05", 0.05),
    ("p10", 0.10),
    ("p25", 0.25),
    ("p50", 0.50),
    ("p75", 0.75),
    ("p80", 0.80),
    ("p90", 0.90),
    ("p95", 0.95),
    ("p99", 0.99),
];

/// The distribution of one metric for one strategy.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    pub strategy: usize,
    pub metric: Metric,
    pub n: usize,
    pub mean: f64,
    pub std_dev: f64,
    pub std_err: f64,
    pub min: f64,
    /// In the order of [`QUANTILES`].
    pub quantiles: [f64; 9],
    pub max: f64,
}

impl Summary {
    /// The quantile named like a column (`"p80"`), if it is one of [`QUANTILES`].
    pub fn quantile(&self, name: &str) -> Option<f64> {
        QUANTILES
            .iter()
            .position(|(n, _)| *n == name)
            .map(|i| self.quantiles[i])
    }

    /// The decision statistic `stat` (`[decision]`): its quantile, or the mean.
    pub fn decision_value(&self, stat: crate::scenario::DecisionStat) -> f64 {
        match stat.probability() {
            None => self.mean,
            Some(_) => self.quantile(stat.column()).unwrap_or(f64::NAN),
        }
    }

    pub fn p50(&self) -> f64 {
        self.quantiles[3]
    }
    pub fn p80(&self) -> f64 {
        self.quantiles[5]
    }
    pub fn p95(&self) -> f64 {
        self.quantiles[7]
    }
}

/// Values summed in parallel lanes: value i goes to lane i mod LANES. Independent
/// lanes let the processor overlap the additions; the lane of a value depends only
/// on its position, so the result is the same on any thread count.
const LANES: usize = 4;

/// A compensated (Neumaier) sum in [`LANES`] interleaved lanes.
#[derive(Clone, Copy, Default)]
struct LaneSum {
    total: [f64; LANES],
    carry: [f64; LANES],
}

impl LaneSum {
    #[inline(always)]
    fn add(&mut self, x: [f64; LANES]) {
        for l in 0..LANES {
            let (total, x) = (self.total[l], x[l]);
            let t = total + x;
            self.carry[l] += if total.abs() >= x.abs() {
                (total - t) + x
            } else {
                (x - t) + total
            };
            self.total[l] = t;
        }
    }

    /// Adds `values`, the last partial group padded with zeros (exact).
    #[inline(always)]
    fn add_slice(&mut self, values: &[f64]) {
        let chunks = values.chunks_exact(LANES);
        let rest = chunks.remainder();
        for c in chunks {
            self.add([c[0], c[1], c[2], c[3]]);
        }
        let mut last = [0.0; LANES];
        last[..rest.len()].copy_from_slice(rest);
        self.add(last);
    }

    /// The lane totals summed in lane order (compensated), plus the lane carries.
    fn value(&self) -> f64 {
        let mut total = 0.0f64;
        let mut carry: f64 = self.carry.iter().sum();
        for &x in &self.total {
            let t = total + x;
            carry += if total.abs() >= x.abs() {
                (total - t) + x
            } else {
                (x - t) + total
            };
            total = t;
        }
        total + carry
    }
}

/// Compensated (Neumaier) sum in blocks of [`BLOCK`] values: within a block in
/// [`LANES`] interleaved lanes (value i in lane i mod 4, lanes combined in order),
/// the block sums then added in block order. Deterministic (fixed by the order of
/// the values, whatever the thread count) and accurate.
pub fn sum(values: &[f64]) -> f64 {
    let mut total = BlockSum::default();
    for block in values.chunks(BLOCK) {
        total.add(compensated_block_sum(block));
    }
    total.value()
}

pub fn mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    sum(values) / values.len() as f64
}

/// One block's compensated sum (see [`sum`]).
#[inline]
fn compensated_block_sum(block: &[f64]) -> f64 {
    let mut s = LaneSum::default();
    s.add_slice(block);
    s.value()
}

/// Sample standard deviation (n - 1); 0 for fewer than two values. The squared
/// deviations are summed in [`LANES`] interleaved lanes, combined in lane order.
pub fn std_dev(values: &[f64], mean: f64) -> f64 {
    if values.len() < 2 {
        return 0.0;
    }
    let mut lanes = [0.0f64; LANES];
    let chunks = values.chunks_exact(LANES);
    let rest = chunks.remainder();
    for c in chunks {
        for l in 0..LANES {
            lanes[l] += (c[l] - mean) * (c[l] - mean);
        }
    }
    for (l, &x) in rest.iter().enumerate() {
        lanes[l] += (x - mean) * (x - mean);
    }
    let total = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
    (total / (values.len() - 1) as f64).sqrt()
}

/// Trials per block of the block-wise passes: a block of every column in use stays
/// in cache while it is read several times.
const BLOCK: usize = 4096;

/// Sum of f(x) over `values` in [`LANES`] interleaved lanes, combined in lane order.
#[inline(always)]
fn lane_sum(values: &[f64], f: impl Fn(f64) -> f64) -> f64 {
    let mut lanes = [0.0f64; LANES];
    let chunks = values.chunks_exact(LANES);
    let rest = chunks.remainder();
    for c in chunks {
        for l in 0..LANES {
            lanes[l] += f(c[l]);
        }
    }
    for (l, &x) in rest.iter().enumerate() {
        lanes[l] += f(x);
    }
    (lanes[0] + lanes[1]) + (lanes[2] + lanes[3])
}

/// Count, mean and sum of squared deviations, built block by block: two passes
/// within a [`BLOCK`] (in cache), then the pairwise update of Chan, Golub and
/// LeVeque (1979) across blocks, in block order. Deterministic and as accurate
/// as two passes over the whole sample, while reading it from memory once.
#[derive(Clone, Copy, Default)]
struct Spread {
    n: f64,
    mean: f64,
    m2: f64,
    /// The block sums, added with compensation.
    total: BlockSum,
}

/// A compensated (Neumaier) sum of block sums, in block order.
#[derive(Clone, Copy, Default)]
struct BlockSum {
    total: f64,
    carry: f64,
}

impl BlockSum {
    fn add(&mut self, x: f64) {
        let t = self.total + x;
        self.carry += if self.total.abs() >= x.abs() {
            (self.total - t) + x
        } else {
            (x - t) + self.total
        };
        self.total = t;
    }

    fn value(&self) -> f64 {
        self.total + self.carry
    }
}

impl Spread {
    fn add_block(&mut self, block: &[f64]) {
        if block.is_empty() {
            return;
        }
        let nb = block.len() as f64;
        let block_sum = compensated_block_sum(block);
        self.total.add(block_sum);
        let block_mean = block_sum / nb;
        let block_m2 = lane_sum(block, |x| (x - block_mean) * (x - block_mean));
        if self.n == 0.0 {
            self.n = nb;
            self.mean = block_mean;
            self.m2 = block_m2;
            return;
        }
        let n = self.n + nb;
        let delta = block_mean - self.mean;
        self.mean += delta * nb / n;
        self.m2 += block_m2 + delta * delta * self.n * nb / n;
        self.n = n;
    }

    /// Sample standard deviation (n - 1); 0 for fewer than two values.
    fn std_dev(&self) -> f64 {
        if self.n < 2.0 {
            0.0
        } else {
            (self.m2 / (self.n - 1.0)).sqrt()
        }
    }
}

/// Type 7 quantile of already sorted values. `p` in [0, 1]; `sorted` not empty.
pub fn quantile_sorted(sorted: &[f64], p: f64) -> f64 {
    let n = sorted.len();
    if n == 1 {
        return sorted[0];
    }
    let h = (n - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    let x = sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo]);
    // Interpolation cannot leave [x_lo, x_hi]; guard against rounding anyway.
    x.clamp(sorted[lo], sorted[hi])
}

/// Sorts a copy of `values` (NaN never occurs: the model produces finite values).
pub fn sorted(values: &[f64]) -> Vec<f64> {
    let mut v = values.to_vec();
    v.sort_unstable_by(f64::total_cmp);
    v
}

/// What one pass over a column learns: moments, extremes and the order statistics
/// every summary and histogram needs. Exact: equal to what sorting would give.
#[derive(Clone, Debug)]
pub(crate) struct ColumnStats {
    pub n: usize,
    pub mean: f64,
    pub std_dev: f64,
    pub min: f64,
    pub max: f64,
    /// The smallest value above zero (+inf when there is none).
    pub min_positive: f64,
    /// Type 7 quantiles at [`QUANTILES`] then at [`HISTOGRAM_CUT_QUANTILE`].
    pub quantiles: [f64; 10],
}

/// The quantile at which histograms cut a long tail (P99.5).
pub(crate) const HISTOGRAM_CUT_QUANTILE: f64 = 0.995;

/// Bucket count of the selection histogram (a power of two).
const SELECT_BUCKET_BITS: u32 = 16;

/// The values of `values` at the given ranks (0-based positions in sorted order,
/// `f64::total_cmp`), without sorting the whole column.
///
/// Every value gets a bucket from the top bits of `order_key(x) - order_key(min)`
/// (so buckets are monotone in the value), one pass counts the buckets, the ranks
/// name the buckets they fall in, a second pass copies only those buckets out, and
/// each copied bucket is sorted. With 2^16 buckets the copied share is small unless
/// values pile up in a narrow range (many equal values sort in linear time).
fn order_statistics(values: &[f64], min: f64, max: f64, ranks: &[usize]) -> Vec<f64> {
    let base = order_key(min);
    let span = order_key(max) - base;
    let shift = (64 - span.leading_zeros()).saturating_sub(SELECT_BUCKET_BITS);
    let buckets = (span >> shift) as usize + 1;
    let bucket = |x: f64| ((order_key(x) - base) >> shift) as usize;
    let mut counts = vec![0u32; buckets];
    for &x in values {
        counts[bucket(x)] += 1;
    }
    // The bucket of each rank and the rank's position inside it.
    const NONE: u8 = u8::MAX;
    let mut slot_of_bucket = vec![NONE; buckets];
    let mut wanted: Vec<usize> = Vec::new();
    let mut located = Vec::with_capacity(ranks.len());
    let mut order: Vec<usize> = (0..ranks.len()).collect();
    order.sort_by_key(|&i| ranks[i]);
    let (mut b, mut below) = (0usize, 0usize);
    located.resize(ranks.len(), (0u8, 0usize));
    for i in order {
        let r = ranks[i];
        while below + counts[b] as usize <= r {
            below += counts[b] as usize;
            b += 1;
        }
        if slot_of_bucket[b] == NONE {
            slot_of_bucket[b] = wanted.len() as u8;
            wanted.push(b);
        }
        located[i] = (slot_of_bucket[b], r - below);
    }
    let mut gathered: Vec<Vec<f64>> = wanted
        .iter()
        .map(|&b| Vec::with_capacity(counts[b] as usize))
        .collect();
    for &x in values {
        let slot = slot_of_bucket[bucket(x)];
        if slot != NONE {
            gathered[slot as usize].push(x);
        }
    }
    for g in &mut gathered {
        g.sort_unstable_by(f64::total_cmp);
    }
    located
        .iter()
        .map(|&(slot, at)| gathered[slot as usize][at])
        .collect()
}

/// Type 7 quantile from the two order statistics around h = (n - 1) p, exactly as
/// [`quantile_sorted`] computes it on the sorted values.
fn type_7(n: usize, p: f64, at: impl Fn(usize) -> f64) -> f64 {
    if n == 1 {
        return at(0);
    }
    let h = (n - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    let (x_lo, x_hi) = (at(lo), at(hi));
    (x_lo + (h - lo as f64) * (x_hi - x_lo)).clamp(x_lo, x_hi)
}

/// Ranks type 7 reads for `p` in a sample of `n`.
fn type_7_ranks(n: usize, p: f64) -> [usize; 2] {
    let lo = ((n - 1) as f64 * p).floor() as usize;
    [lo, (lo + 1).min(n - 1)]
}

/// Moments, extremes and quantiles of one column (see [`ColumnStats`]).
pub(crate) fn column_stats(values: &[f64]) -> ColumnStats {
    let n = values.len();
    if n == 0 {
        return ColumnStats {
            n,
            mean: 0.0,
            std_dev: 0.0,
            min: 0.0,
            max: 0.0,
            min_positive: f64::INFINITY,
            quantiles: [0.0; 10],
        };
    }
    // One read of the column: sum, spread and extremes, block by block (each block
    // is read twice while it is in cache).
    let (mut key_min, mut key_max) = (u64::MAX, 0u64);
    let mut min_positive = f64::INFINITY;
    let mut spread = Spread::default();
    for block in values.chunks(BLOCK) {
        spread.add_block(block);
        for &x in block {
            let key = order_key(x);
            key_min = key_min.min(key);
            key_max = key_max.max(key);
            min_positive = if x > 0.0 && x < min_positive {
                x
            } else {
                min_positive
            };
        }
    }
    let (min, max) = (from_order_key(key_min), from_order_key(key_max));
    // The rounded mean of equal values can land an ulp outside [min, max]; the
    // true mean cannot.
    let (m, sd) = (
        (spread.total.value() / n as f64).clamp(min, max),
        spread.std_dev(),
    );
    let quantiles = quantiles_from(n, |ranks| order_statistics(values, min, max, ranks));
    ColumnStats {
        n,
        mean: m,
        std_dev: sd,
        min,
        max,
        min_positive,
        quantiles,
    }
}

impl ColumnStats {
    fn summary(&self, strategy: usize, metric: Metric) -> Summary {
        let mut quantiles = [0.0; 9];
        quantiles.copy_from_slice(&self.quantiles[..9]);
        Summary {
            strategy,
            metric,
            n: self.n,
            mean: self.mean,
            std_dev: self.std_dev,
            std_err: if self.n > 0 {
                self.std_dev / (self.n as f64).sqrt()
            } else {
                0.0
            },
            min: self.min,
            quantiles,
            max: self.max,
        }
    }
}

/// Summary of one sample.
pub fn summarize(values: &[f64], strategy: usize, metric: Metric) -> Summary {
    column_stats(values).summary(strategy, metric)
}

/// Every column's [`ColumnStats`], strategy-major: moments and extremes from the
/// partial, quantiles from the stored samples when there are any (exact), from the
/// partial's sketch otherwise. Computed in parallel, one column per task; each
/// column's arithmetic is fixed, so the thread count changes nothing.
fn all_column_stats(partial: &Partial, samples: Option<&Samples>) -> Vec<ColumnStats> {
    #[cfg(feature = "parallel")]
    use rayon::prelude::*;
    let metrics = partial.metrics();
    let columns = 0..partial.strategies() * metrics.len();
    #[cfg(feature = "parallel")]
    let columns = columns.into_par_iter();
    columns
        .map(|i| {
            let (s, m) = (i / metrics.len(), metrics[i % metrics.len()]);
            column_stats_of(partial.column(s, m), samples.map(|x| x.column(s, m)))
        })
        .collect()
}

/// Type 7 quantiles at [`QUANTILES`] then at [`HISTOGRAM_CUT_QUANTILE`] of `n`
/// values (n > 0), given the values at the ranks they read (`at_ranks`, ranks in
/// pairs: the two order statistics each quantile interpolates between).
fn quantiles_from(n: usize, at_ranks: impl FnOnce(&[usize]) -> Vec<f64>) -> [f64; 10] {
    let mut ps = [HISTOGRAM_CUT_QUANTILE; 10];
    for (p, (_, q)) in ps.iter_mut().zip(QUANTILES) {
        *p = q;
    }
    let ranks: Vec<usize> = ps.iter().flat_map(|&p| type_7_ranks(n, p)).collect();
    let at = at_ranks(&ranks);
    let mut quantiles = [0.0; 10];
    for (i, (&p, q)) in ps.iter().zip(quantiles.iter_mut()).enumerate() {
        let [lo, _] = type_7_ranks(n, p);
        *q = type_7(n, p, |r| at[2 * i + usize::from(r != lo)]);
    }
    quantiles
}

/// One column's statistics from its partial, with exact quantiles from `values`
/// (the same trials, in trial order) when given, from the sketch otherwise.
fn column_stats_of(column: &ColumnPartial, values: Option<&[f64]>) -> ColumnStats {
    let n = column.moments.n() as usize;
    let (min, max) = (column.min(), column.max());
    let quantiles = match values {
        _ if n == 0 => [0.0; 10],
        Some(values) => quantiles_from(n, |ranks| order_statistics(values, min, max, ranks)),
        None => quantiles_from(n, |ranks| {
            column.at_ranks(&ranks.iter().map(|&r| r as u64).collect::<Vec<_>>())
        }),
    };
    ColumnStats {
        n,
        mean: column.mean(),
        std_dev: column.std_dev(),
        min,
        max,
        min_positive: column.min_positive,
        quantiles,
    }
}

/// Summaries of every strategy and metric, strategy-major, metrics in the run's
/// order ([`Metric::ALL`], then any the scenario adds).
pub fn summaries(samples: &Samples) -> Vec<Summary> {
    analyse(samples).summaries
}

/// [`summaries`] of a partial (quantiles exact when `samples`, the same trials, are given).
pub fn summaries_of(partial: &Partial, samples: Option<&Samples>) -> Vec<Summary> {
    let metrics = partial.metrics();
    all_column_stats(partial, samples)
        .iter()
        .enumerate()
        .map(|(i, c)| c.summary(i / metrics.len(), metrics[i % metrics.len()]))
        .collect()
}

/// [`summaries`] and [`histograms`] together.
pub fn summaries_and_histograms(samples: &Samples) -> (Vec<Summary>, Vec<Histogram>) {
    let a = analyse(samples);
    (a.summaries, a.histograms)
}

/// Everything the output files need from a run.
#[derive(Clone, Debug)]
pub struct Analysis {
    /// As [`summaries`] returns them.
    pub summaries: Vec<Summary>,
    /// As [`comparisons`] returns them.
    pub comparisons: Vec<Comparison>,
    /// As [`histograms`] returns them.
    pub histograms: Vec<Histogram>,
}

/// [`summaries`], [`comparisons`] and [`histograms`] of stored samples, with exact
/// quantiles and bins.
pub fn analyse(samples: &Samples) -> Analysis {
    analyse_partial(&Partial::of_samples(samples), Some(samples))
}

/// [`summaries`], [`comparisons`] and [`histograms`] of a partial; quantiles and
/// histogram bins are exact when `samples` (the same trials) are given, read from
/// the partial's sketch otherwise (within [`RELATIVE_ERROR`]).
pub fn analyse_partial(partial: &Partial, samples: Option<&Samples>) -> Analysis {
    let stats = all_column_stats(partial, samples);
    let metrics = partial.metrics();
    let at = |s: usize, m: Metric| {
        let position = m.position_in(metrics).expect("a metric the run reports");
        &stats[s * metrics.len() + position]
    };
    let summaries = stats
        .iter()
        .enumerate()
        .map(|(i, c)| c.summary(i / metrics.len(), metrics[i % metrics.len()]))
        .collect();
    let histograms = histogram::histograms_from(partial, samples, at);
    Analysis {
        summaries,
        comparisons: comparisons_of(partial),
        histograms,
    }
}

/// The most values (trials x strategies x metrics) a run stores to give exact
/// quantiles and histogram bins: 16 MiB of `f64`. Larger runs read them from the
/// sketch, so that memory stays bounded whatever the trial count. (At 32 MiB, a
/// five-strategy run just under the limit peaked at 80 MiB: the samples come on
/// top of the summaries' own 30-35 MiB.)
pub const EXACT_VALUES: u64 = 1 << 21;

/// The most trials for which a run of `strategies` strategies keeps its samples
/// (exact quantiles): 22,075 for five strategies, 36,792 for three.
pub fn exact_trials(strategies: usize) -> u64 {
    EXACT_VALUES / (strategies.max(1) * Metric::ALL.len()) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_7_quantiles_interpolate_between_order_statistics() {
        let s = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile_sorted(&s, 0.0), 1.0);
        assert_eq!(quantile_sorted(&s, 1.0), 4.0);
        assert_eq!(quantile_sorted(&s, 0.5), 2.5);
        // h = 3 x 0.8 = 2.4 -> 3 + 0.4 x (4 - 3)
        assert!((quantile_sorted(&s, 0.8) - 3.4).abs() < 1e-12);
        assert_eq!(quantile_sorted(&[7.0], 0.3), 7.0);
    }

    #[test]
    fn std_dev_uses_n_minus_one() {
        let v = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
        let m = mean(&v);
        assert_eq!(m, 5.0);
        assert!((std_dev(&v, m) - (32.0f64 / 7.0).sqrt()).abs() < 1e-12);
        assert_eq!(std_dev(&[3.0], 3.0), 0.0);
    }

    /// Columns of every awkward shape: heavy tails, ties, zeros of both signs,
    /// negatives, a constant, one value, and a length that is no multiple of a block.
    fn awkward_columns() -> Vec<Vec<f64>> {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let n = 3 * BLOCK + 77;
        vec![
            (0..n).map(|_| next()).collect(),
            (0..n).map(|_| (1.0 - next()).powf(-1.0 / 1.5)).collect(),
            (0..n).map(|_| (next() * 4.0).floor()).collect(),
            (0..n)
                .map(|_| {
                    let u = next();
                    if u < 0.4 {
                        0.0
                    } else if u < 0.5 {
                        -0.0
                    } else {
                        u - 0.8
                    }
                })
                .collect(),
            (0..n).map(|_| -1e6 * next() * next()).collect(),
            vec![2.5; n],
            vec![7.0],
            vec![1.0, 0.0],
            (0..n)
                .map(|_| if next() < 0.999 { 0.0 } else { 1e150 })
                .collect(),
        ]
    }

    #[test]
    fn summaries_equal_those_of_a_full_sort() {
        for (i, col) in awkward_columns().into_iter().enumerate() {
            let got = column_stats(&col);
            let s = sorted(&col);
            assert_eq!(got.min.to_bits(), s[0].to_bits(), "column {i}: min");
            assert_eq!(
                got.max.to_bits(),
                s[s.len() - 1].to_bits(),
                "column {i}: max"
            );
            for (j, (_, p)) in QUANTILES.iter().enumerate() {
                let want = quantile_sorted(&s, *p);
                assert_eq!(
                    got.quantiles[j].to_bits(),
                    want.to_bits(),
                    "column {i}: p {p}"
                );
            }
            let want = quantile_sorted(&s, HISTOGRAM_CUT_QUANTILE);
            assert_eq!(
                got.quantiles[9].to_bits(),
                want.to_bits(),
                "column {i}: p99.5"
            );
            let positive = s
                .iter()
                .copied()
                .find(|&x| x > 0.0)
                .unwrap_or(f64::INFINITY);
            assert_eq!(got.min_positive, positive, "column {i}: smallest positive");
            let want = mean(&col).clamp(s[0], s[s.len() - 1]);
            assert_eq!(got.mean.to_bits(), want.to_bits(), "column {i}: mean");
            let sd = std_dev(&col, mean(&col));
            assert!(
                (got.std_dev - sd).abs() <= 1e-12 * sd.max(1e-300),
                "column {i}: std_dev {} against two-pass {sd}",
                got.std_dev
            );
        }
    }

    #[test]
    fn compensated_sum_keeps_small_terms() {
        let v = [1e16, 1.0, -1e16, 1.0];
        assert_eq!(sum(&v), 2.0);
    }
}
