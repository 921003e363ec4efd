//! Histograms for the charts: common bin edges across strategies, so that overlaid
//! distributions line up, and an explicit overflow bin where a long tail would
//! squash the body of the chart.
//!
//! Binning rules, per metric over all strategies together:
//! - the axis is cut at the largest strategy P99.5; when the largest value is
//!   within 25% (of the range) of that cut, nothing is cut; otherwise the trials
//!   beyond the cut go to one `overflow` bin, so the chart can say how many;
//! - `integer` metrics (counts) get unit bins [k - 0.5, k + 0.5) when the range
//!   needs at most 120 of them; otherwise they are binned like `linear` ones;
//! - `linear` metrics get 240 equal bins between the smallest value and the cut;
//! - `log` metrics (downtime) get 80 log-spaced bins from `lo` = max(smallest
//!   positive value, cut / 10^5) to the cut, plus a first bin [0, lo) holding
//!   zeros and anything below `lo`;
//! - all values equal: one bin [v, v] holding every trial.

use super::Samples;
use crate::metric::Metric;

#[cfg(test)]
use super::column_stats;
use super::{ColumnPartial, ColumnStats, Partial, Sketch};

/// Metrics that get a histogram, with their scale.
pub const HISTOGRAM_METRICS: [(Metric, Scale); 8] = [
    (Metric::BuildWeeks, Scale::Linear),
    (Metric::ScheduleSlip, Scale::Linear),
    (Metric::TotalCost, Scale::Linear),
    (Metric::BudgetOverrun, Scale::Linear),
    (Metric::EmergencyFixes, Scale::Integer),
    (Metric::ApiFailures, Scale::Integer),
    (Metric::Incidents, Scale::Integer),
    (Metric::DowntimeHours, Scale::Log),
];

const LINEAR_BINS: usize = 240;
const LOG_BINS: usize = 80;
const MAX_INTEGER_BINS: f64 = 120.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    Linear,
    Log,
    Integer,
}

impl Scale {
    pub fn id(self) -> &'static str {
        match self {
            Scale::Linear => "linear",
            Scale::Log => "log",
            Scale::Integer => "integer",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinKind {
    Bin,
    Overflow,
}

impl BinKind {
    pub fn id(self) -> &'static str {
        match self {
            BinKind::Bin => "bin",
            BinKind::Overflow => "overflow",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Bin {
    pub kind: BinKind,
    pub low: f64,
    pub high: f64,
    pub count: u64,
}

/// One strategy's histogram of one metric.
#[derive(Clone, Debug)]
pub struct Histogram {
    pub strategy: usize,
    pub metric: Metric,
    pub scale: Scale,
    pub bins: Vec<Bin>,
    pub summary: super::Summary,
}

/// Edges shared by every strategy of one metric.
struct Edges {
    scale: Scale,
    /// Bin edges, ascending; bin i is [edges[i], edges[i + 1]).
    edges: Vec<f64>,
    /// Values above this go to the overflow bin (None: no overflow).
    cut: Option<f64>,
    max: f64,
}

/// Edges for one metric from its strategies' column statistics (P99.5 is
/// `quantiles[9]`).
fn edges_for(columns: &[&ColumnStats], scale: Scale) -> Edges {
    let present = || columns.iter().filter(|c| c.n > 0);
    let min = present().map(|c| c.min).fold(f64::INFINITY, f64::min);
    let max = present().map(|c| c.max).fold(f64::NEG_INFINITY, f64::max);
    let high_quantile = present()
        .map(|c| c.quantiles[9])
        .fold(f64::NEG_INFINITY, f64::max);
    // Also true when there are no values at all (min = +inf, max = -inf).
    if min >= max || !min.is_finite() {
        return Edges {
            scale,
            edges: vec![min, min],
            cut: None,
            max,
        };
    }
    let (top, cut) = if max - min <= 1.25 * (high_quantile - min) {
        (max, None)
    } else {
        (high_quantile, Some(high_quantile))
    };
    let mut scale = scale;
    if scale == Scale::Integer && top.ceil() - min.floor() > MAX_INTEGER_BINS {
        scale = Scale::Linear;
    }
    let edges = match scale {
        Scale::Integer => {
            let first = min.round();
            let last = top.round();
            let n = (last - first) as usize + 1;
            (0..=n).map(|k| first - 0.5 + k as f64).collect()
        }
        Scale::Linear => {
            let width = (top - min) / LINEAR_BINS as f64;
            let mut e: Vec<f64> = (0..=LINEAR_BINS).map(|k| min + width * k as f64).collect();
            e[LINEAR_BINS] = top;
            e
        }
        Scale::Log => {
            let smallest_positive = present()
                .map(|c| c.min_positive)
                .fold(f64::INFINITY, f64::min);
            if !smallest_positive.is_finite() || top <= 0.0 {
                vec![min, top]
            } else {
                let lo = smallest_positive.max(top / 1e5).min(top);
                let ratio = (top / lo).powf(1.0 / LOG_BINS as f64);
                let mut e = vec![0.0f64.min(min), lo];
                for k in 1..=LOG_BINS {
                    e.push(lo * ratio.powi(k as i32));
                }
                e[LOG_BINS + 1] = top;
                e.dedup();
                e
            }
        }
    };
    Edges {
        scale,
        edges,
        cut,
        max,
    }
}

/// Finds bins for values: bin i holds edges[i] <= x < edges[i + 1], the last bin
/// is closed above, and values above the cut go to the overflow bin. Linear and
/// integer edges are equally spaced, so the bin is guessed by arithmetic and then
/// corrected against the edges themselves, which gives exactly the bin a search of
/// the edges would give.
struct Binner<'e> {
    e: &'e Edges,
    bins: usize,
    first: f64,
    width: f64,
    per_width: f64,
    log_guess: Option<(f64, f64)>,
    cut: f64,
}

impl<'e> Binner<'e> {
    fn new(e: &'e Edges) -> Binner<'e> {
        let bins = e.edges.len() - 1;
        let first = e.edges[0];
        let width = if bins > 0 && e.scale != Scale::Log {
            (e.edges[bins] - first) / bins as f64
        } else {
            0.0
        };
        let per_width = if width > 0.0 { 1.0 / width } else { 0.0 };
        // Log edges: bin 0 is [edges[0], lo), then bins of equal width in log2, so
        // a cheap log2 (exponent plus linear mantissa, off by < 0.09) guesses the bin.
        let log_guess = (e.scale == Scale::Log && bins >= 2 && e.edges[1] > 0.0).then(|| {
            let lo = e.edges[1].log2();
            let per_step = (bins - 1) as f64 / (e.edges[bins].log2() - lo);
            (lo, per_step)
        });
        Binner {
            e,
            bins,
            first,
            width,
            per_width,
            log_guess,
            cut: e.cut.unwrap_or(f64::INFINITY),
        }
    }

    /// The bin of `x`, or None for the overflow bin.
    #[inline]
    fn bin_of(&self, x: f64) -> Option<usize> {
        if x > self.cut {
            return None;
        }
        let (bins, edges) = (self.bins, &self.e.edges);
        let mut i = if self.width > 0.0 {
            (((x - self.first) * self.per_width) as usize).min(bins - 1)
        } else if let Some((lo, per_step)) = self.log_guess {
            if x > 0.0 {
                (((rough_log2(x) - lo) * per_step + 1.0).max(0.0) as usize).min(bins - 1)
            } else {
                0
            }
        } else {
            // First edge strictly above x, minus one.
            edges
                .partition_point(|&edge| edge <= x)
                .saturating_sub(1)
                .min(bins - 1)
        };
        while i > 0 && x < edges[i] {
            i -= 1;
        }
        while i + 1 < bins && x >= edges[i + 1] {
            i += 1;
        }
        Some(i)
    }

    /// Bins with these counts (the overflow bin last, when there is a cut).
    fn bins(&self, counts: Vec<u64>, overflow: u64) -> Vec<Bin> {
        let e = self.e;
        let mut out: Vec<Bin> = counts
            .iter()
            .enumerate()
            .map(|(i, &count)| Bin {
                kind: BinKind::Bin,
                low: e.edges[i],
                high: e.edges[i + 1],
                count,
            })
            .collect();
        if let Some(cut) = e.cut {
            out.push(Bin {
                kind: BinKind::Overflow,
                low: cut,
                high: e.max,
                count: overflow,
            });
        }
        out
    }
}

/// Counts `values` (any order) into the bins of `e` (see [`Binner`]).
fn count(values: &[f64], e: &Edges) -> Vec<Bin> {
    let binner = Binner::new(e);
    let mut counts = vec![0u64; binner.bins];
    let mut overflow = 0u64;
    for &x in values {
        match binner.bin_of(x) {
            Some(i) => counts[i] += 1,
            None => overflow += 1,
        }
    }
    binner.bins(counts, overflow)
}

/// Counts a sketch's buckets into the bins of `e`: each bucket goes whole to the
/// bin of the value that stands for it (inside [min, max]).
fn count_sketch(column: &ColumnPartial, e: &Edges) -> Vec<Bin> {
    let binner = Binner::new(e);
    let mut counts = vec![0u64; binner.bins];
    let mut overflow = 0u64;
    let (min, max) = (column.min(), column.max());
    for (bucket, n) in column.sketch.buckets() {
        match binner.bin_of(Sketch::value_of(bucket).clamp(min, max)) {
            Some(i) => counts[i] += n,
            None => overflow += n,
        }
    }
    binner.bins(counts, overflow)
}

/// log2 of a positive, finite x to within 0.09: the exponent plus the mantissa
/// read linearly. Only a guess; [`count`] corrects it against the edges.
#[inline]
fn rough_log2(x: f64) -> f64 {
    let bits = x.to_bits();
    let exponent = ((bits >> 52) & 0x7ff) as f64 - 1023.0;
    let mantissa = (bits & ((1 << 52) - 1)) as f64 / (1u64 << 52) as f64;
    exponent + mantissa
}

/// Histograms of [`HISTOGRAM_METRICS`], metric-major then strategy order.
pub fn histograms(samples: &Samples) -> Vec<Histogram> {
    super::analyse(samples).histograms
}

/// Counts a column's values into the bins of `e`, from the values themselves when
/// given (exact), else from the sketch: each sketch bucket goes whole to the bin of
/// the value that stands for it, so a value within the sketch's relative error of
/// an edge may land in the neighbouring bin (counts of integer metrics are exact).
fn count_column(column: &ColumnPartial, values: Option<&[f64]>, e: &Edges) -> Vec<Bin> {
    match values {
        Some(values) => count(values, e),
        None => count_sketch(column, e),
    }
}

/// Histograms given every histogram column's statistics; bins are counted in
/// parallel, one column per task (integer counts: the thread count changes nothing).
pub(crate) fn histograms_from<'a>(
    partial: &Partial,
    samples: Option<&Samples>,
    stats_of: impl Fn(usize, Metric) -> &'a ColumnStats + Sync,
) -> Vec<Histogram> {
    #[cfg(feature = "parallel")]
    use rayon::prelude::*;
    let k = partial.strategies();
    let edges: Vec<Edges> = HISTOGRAM_METRICS
        .iter()
        .map(|&(metric, scale)| {
            let columns: Vec<&ColumnStats> = (0..k).map(|s| stats_of(s, metric)).collect();
            edges_for(&columns, scale)
        })
        .collect();
    let histograms = 0..HISTOGRAM_METRICS.len() * k;
    #[cfg(feature = "parallel")]
    let histograms = histograms.into_par_iter();
    histograms
        .map(|i| {
            let (h, s) = (i / k, i % k);
            let metric = HISTOGRAM_METRICS[h].0;
            let e = &edges[h];
            Histogram {
                strategy: s,
                metric,
                scale: e.scale,
                bins: count_column(
                    partial.column(s, metric),
                    samples.map(|x| x.column(s, metric)),
                    e,
                ),
                summary: stats_of(s, metric).summary(s, metric),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn total(bins: &[Bin]) -> u64 {
        bins.iter().map(|b| b.count).sum()
    }

    #[test]
    fn every_value_lands_in_exactly_one_bin() {
        let col: Vec<f64> = (0..1000).map(|i| (i as f64).powf(1.5)).collect();
        for scale in [Scale::Linear, Scale::Log, Scale::Integer] {
            let stats = column_stats(&col);
            let e = edges_for(&[&stats], scale);
            assert_eq!(total(&count(&col, &e)), 1000, "{scale:?}");
        }
    }

    #[test]
    fn all_equal_values_make_one_bin() {
        let col = vec![3.0; 10];
        let e = edges_for(&[&column_stats(&col)], Scale::Linear);
        let bins = count(&col, &e);
        assert_eq!(bins.len(), 1);
        assert_eq!(bins[0].count, 10);
    }

    #[test]
    fn a_long_tail_goes_to_the_overflow_bin() {
        let mut col: Vec<f64> = (0..1000).map(|i| i as f64 / 1000.0).collect();
        col.push(1e9);
        let e = edges_for(&[&column_stats(&col)], Scale::Linear);
        let bins = count(&col, &e);
        let last = bins.last().unwrap();
        assert_eq!(last.kind, BinKind::Overflow);
        assert!(last.count >= 1 && last.count <= 10);
        assert_eq!(last.high, 1e9);
        assert_eq!(total(&bins), 1001);
    }
}
