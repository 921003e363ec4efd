//! Summaries of simulated samples: moments, quantiles, paired comparisons between
//! strategies and histograms. Numbers only: no files, no drawing.
//!
//! Definitions, stated once:
//! - `mean` is the arithmetic mean, a compensated sum in four interleaved lanes
//!   (trial i in lane i mod 4) combined in lane order: fixed by the trial order;
//! - `std_dev` is the sample standard deviation (divisor n - 1; 0 when n = 1);
//! - `std_err` = std_dev / sqrt(n);
//! - quantiles are Hyndman-Fan type 7 (linear interpolation between order
//!   statistics, the default of R and NumPy): with values sorted x[0..n], the
//!   p-quantile is x[h] + (h - floor h)(x[floor h + 1] - x[floor h]), h = (n - 1) p.

mod histogram;

pub use histogram::{Bin, BinKind, HISTOGRAM_METRICS, Histogram, Scale, histograms};

use crate::engine::Samples;
use crate::model::Metric;

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

/// Compensated (Neumaier) sum in [`LANES`] interleaved lanes (value i in lane
/// i mod 4), the lanes then combined in order: deterministic and accurate.
pub fn sum(values: &[f64]) -> f64 {
    let mut s = LaneSum::default();
    s.add_slice(values);
    s.value()
}

pub fn mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    sum(values) / values.len() as f64
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
}

impl Spread {
    fn add_block(&mut self, block: &[f64]) {
        if block.is_empty() {
            return;
        }
        let nb = block.len() as f64;
        let block_mean = lane_sum(block, |x| x) / nb;
        let block_m2 = lane_sum(block, |x| (x - block_mean) * (x - block_mean));
        if self.n == 0.0 {
            *self = Spread {
                n: nb,
                mean: block_mean,
                m2: block_m2,
            };
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

/// A u64 whose unsigned order is `f64::total_cmp`'s order.
#[inline]
fn order_key(x: f64) -> u64 {
    let bits = x.to_bits();
    if bits >> 63 == 1 { !bits } else { bits | 1 << 63 }
}

/// The inverse of [`order_key`].
#[inline]
fn from_order_key(key: u64) -> f64 {
    f64::from_bits(if key >> 63 == 1 { key & !(1 << 63) } else { !key })
}

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
    let mut quantiles = [0.0; 10];
    if n == 0 {
        return ColumnStats {
            n,
            mean: 0.0,
            std_dev: 0.0,
            min: 0.0,
            max: 0.0,
            min_positive: f64::INFINITY,
            quantiles,
        };
    }
    // One read of the column: sum, spread and extremes, block by block.
    let (mut key_min, mut key_max) = (u64::MAX, 0u64);
    let mut min_positive = f64::INFINITY;
    let mut total = LaneSum::default();
    let mut spread = Spread::default();
    for block in values.chunks(BLOCK) {
        total.add_slice(block);
        for &x in block {
            let key = order_key(x);
            key_min = key_min.min(key);
            key_max = key_max.max(key);
            if x > 0.0 {
                min_positive = min_positive.min(x);
            }
        }
        spread.add_block(block);
    }
    let (m, sd) = (total.value() / n as f64, spread.std_dev());
    let (min, max) = (from_order_key(key_min), from_order_key(key_max));
    let ps: Vec<f64> = QUANTILES
        .iter()
        .map(|&(_, p)| p)
        .chain([HISTOGRAM_CUT_QUANTILE])
        .collect();
    let ranks: Vec<usize> = ps.iter().flat_map(|&p| type_7_ranks(n, p)).collect();
    let values_at = order_statistics(values, min, max, &ranks);
    for (i, (&p, q)) in ps.iter().zip(quantiles.iter_mut()).enumerate() {
        let [lo, _] = type_7_ranks(n, p);
        *q = type_7(n, p, |r| values_at[2 * i + usize::from(r != lo)]);
    }
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

/// Every column's [`ColumnStats`], strategy-major, computed in parallel (one column
/// per task; each column's arithmetic is sequential, so the thread count changes
/// nothing).
fn all_column_stats(samples: &Samples) -> Vec<ColumnStats> {
    use rayon::prelude::*;
    (0..samples.strategies() * Metric::ALL.len())
        .into_par_iter()
        .map(|i| {
            let (s, m) = (i / Metric::ALL.len(), Metric::ALL[i % Metric::ALL.len()]);
            column_stats(samples.column(s, m))
        })
        .collect()
}

/// Summaries of every strategy and metric, strategy-major, metrics in [`Metric::ALL`] order.
pub fn summaries(samples: &Samples) -> Vec<Summary> {
    summaries_and_histograms(samples).0
}

/// [`summaries`] and [`histograms`] together, each column read once for both.
pub fn summaries_and_histograms(samples: &Samples) -> (Vec<Summary>, Vec<Histogram>) {
    let stats = all_column_stats(samples);
    let summaries = stats
        .iter()
        .enumerate()
        .map(|(i, c)| c.summary(i / Metric::ALL.len(), Metric::ALL[i % Metric::ALL.len()]))
        .collect();
    let histograms = histogram::histograms_from(samples, |s, m| {
        &stats[s * Metric::ALL.len() + m as usize]
    });
    (summaries, histograms)
}

/// Strategy `a` against strategy `b` on one metric, trial by trial (lower is better).
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    pub metric: Metric,
    pub a: usize,
    pub b: usize,
    pub n: usize,
    pub p_a_better: f64,
    pub p_tie: f64,
    pub p_b_better: f64,
    /// Mean of (a - b).
    pub mean_diff: f64,
    /// Normal-approximation 95% interval of the mean difference: mean +- 1.96 se.
    pub ci95: (f64, f64),
    /// Probability that `a` (resp. `b`) is the best of all strategies on this metric.
    pub p_best_a: f64,
    pub p_best_b: f64,
}

/// z for a two-sided 95% normal interval.
pub const Z_975: f64 = 1.959_963_984_540_054;

/// Per metric, the probability that each strategy is the lowest of all strategies
/// on the same trial; ties share the win equally, so the shares sum to 1.
pub fn probability_best(samples: &Samples, metric: Metric) -> Vec<f64> {
    compare_metric(samples, metric).1
}

/// One pair's running figures over the blocks.
#[derive(Clone, Copy, Default)]
struct PairTotals {
    better: u64,
    tie: u64,
    diff_sum: LaneSum,
    diff_spread: Spread,
}

impl PairTotals {
    /// Adds one block of both columns; `diff` is a buffer of the block's length.
    fn add_block(&mut self, a: &[f64], b: &[f64], diff: &mut [f64]) {
        let (mut better, mut tie) = (0u64, 0u64);
        for ((d, &x), &y) in diff.iter_mut().zip(a).zip(b) {
            better += u64::from(x < y);
            tie += u64::from(x == y);
            *d = x - y;
        }
        self.better += better;
        self.tie += tie;
        self.diff_sum.add_slice(diff);
        self.diff_spread.add_block(diff);
    }
}

/// Probability-best tallies on one metric for trials `range`: per trial, the
/// strategies at the minimum share one win. Sole winners are counted as integers,
/// shared wins summed in trial order.
fn best_tally(
    columns: &[&[f64]],
    range: std::ops::Range<usize>,
    sole: &mut [u64],
    shared: &mut [f64],
) {
    for t in range {
        let mut best = f64::INFINITY;
        let mut at = 0;
        let mut ties = 0usize;
        for (s, c) in columns.iter().enumerate() {
            let x = c[t];
            if x < best {
                best = x;
                at = s;
                ties = 1;
            } else if x == best {
                ties += 1;
            }
        }
        if ties == 1 {
            sole[at] += 1;
        } else {
            let share = 1.0 / ties as f64;
            for (s, c) in columns.iter().enumerate() {
                if c[t] == best {
                    shared[s] += share;
                }
            }
        }
    }
}

/// Every pair of strategies on one metric, and the probability-best shares. Per
/// pair, one pass for the counts and the mean difference and one for its spread,
/// each sequential in trial order (in lanes).
fn compare_metric(samples: &Samples, metric: Metric) -> (Vec<Comparison>, Vec<f64>) {
    let k = samples.strategies();
    let n = samples.trials();
    let columns: Vec<&[f64]> = (0..k).map(|s| samples.column(s, metric)).collect();
    let mut sole = vec![0u64; k];
    let mut shared = vec![0.0f64; k];
    let pairs: Vec<(usize, usize)> = (0..k)
        .flat_map(|a| (a + 1..k).map(move |b| (a, b)))
        .collect();
    // Block by block, so each block of the k columns is read from memory once for
    // all pairs.
    let mut totals = vec![PairTotals::default(); pairs.len()];
    let mut diff = vec![0.0f64; BLOCK.min(n)];
    let mut start = 0;
    while start < n {
        let end = (start + BLOCK).min(n);
        best_tally(&columns, start..end, &mut sole, &mut shared);
        for (t, &(a, b)) in totals.iter_mut().zip(&pairs) {
            t.add_block(
                &columns[a][start..end],
                &columns[b][start..end],
                &mut diff[..end - start],
            );
        }
        start = end;
    }
    let best: Vec<f64> = if n == 0 {
        shared
    } else {
        sole.iter()
            .zip(&shared)
            .map(|(&w, &f)| (w as f64 + f) / n as f64)
            .collect()
    };
    let nf = n.max(1) as f64;
    let mut comparisons = Vec::with_capacity(pairs.len());
    for (t, &(a, b)) in totals.iter().zip(&pairs) {
        {
            let md = if n > 0 {
                t.diff_sum.value() / n as f64
            } else {
                0.0
            };
            let se = if n > 0 {
                t.diff_spread.std_dev() / (n as f64).sqrt()
            } else {
                0.0
            };
            let (better, tie) = (t.better as usize, t.tie as usize);
            comparisons.push(Comparison {
                metric,
                a,
                b,
                n,
                p_a_better: better as f64 / nf,
                p_tie: tie as f64 / nf,
                p_b_better: (n - better - tie) as f64 / nf,
                mean_diff: md,
                ci95: (md - Z_975 * se, md + Z_975 * se),
                p_best_a: best[a],
                p_best_b: best[b],
            });
        }
    }
    (comparisons, best)
}

/// Every unordered pair of strategies on every metric, metric-major. Metrics are
/// compared in parallel; each metric's arithmetic is sequential in trial order.
pub fn comparisons(samples: &Samples) -> Vec<Comparison> {
    use rayon::prelude::*;
    let per_metric: Vec<Vec<Comparison>> = Metric::ALL
        .par_iter()
        .map(|&m| compare_metric(samples, m).0)
        .collect();
    per_metric.into_iter().flatten().collect()
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

    #[test]
    fn compensated_sum_keeps_small_terms() {
        let v = [1e16, 1.0, -1e16, 1.0];
        assert_eq!(sum(&v), 2.0);
    }
}
