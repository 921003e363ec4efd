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

use crate::engine::Samples;
use crate::model::Metric;

use super::{quantile_sorted, sorted, summarize};

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
const CUT_QUANTILE: f64 = 0.995;

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

fn edges_for(columns: &[Vec<f64>], scale: Scale) -> Edges {
    let min = columns
        .iter()
        .filter_map(|c| c.first())
        .fold(f64::INFINITY, |a, &b| a.min(b));
    let max = columns
        .iter()
        .filter_map(|c| c.last())
        .fold(f64::NEG_INFINITY, |a, &b| a.max(b));
    let high_quantile = columns
        .iter()
        .filter(|c| !c.is_empty())
        .map(|c| quantile_sorted(c, CUT_QUANTILE))
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
            let smallest_positive = columns
                .iter()
                .flat_map(|c| c.iter().find(|&&x| x > 0.0))
                .fold(f64::INFINITY, |a, &b| a.min(b));
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

fn count(sorted_values: &[f64], e: &Edges) -> Vec<Bin> {
    let bins = e.edges.len() - 1;
    let mut counts = vec![0u64; bins];
    let mut overflow = 0u64;
    for &x in sorted_values {
        if e.cut.is_some_and(|c| x > c) {
            overflow += 1;
            continue;
        }
        // First edge strictly above x, minus one; the last bin is closed above.
        let i = e.edges.partition_point(|&edge| edge <= x);
        let i = i.saturating_sub(1).min(bins - 1);
        counts[i] += 1;
    }
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

/// Histograms of [`HISTOGRAM_METRICS`], metric-major then strategy order.
pub fn histograms(samples: &Samples) -> Vec<Histogram> {
    let mut out = Vec::new();
    for (metric, scale) in HISTOGRAM_METRICS {
        let columns: Vec<Vec<f64>> = (0..samples.strategies())
            .map(|s| sorted(samples.column(s, metric)))
            .collect();
        let edges = edges_for(&columns, scale);
        for (s, column) in columns.iter().enumerate() {
            out.push(Histogram {
                strategy: s,
                metric,
                scale: edges.scale,
                bins: count(column, &edges),
                summary: summarize(samples.column(s, metric), s, metric),
            });
        }
    }
    out
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
            let columns = vec![col.clone()];
            let e = edges_for(&columns, scale);
            assert_eq!(total(&count(&col, &e)), 1000, "{scale:?}");
        }
    }

    #[test]
    fn all_equal_values_make_one_bin() {
        let col = vec![3.0; 10];
        let e = edges_for(std::slice::from_ref(&col), Scale::Linear);
        let bins = count(&col, &e);
        assert_eq!(bins.len(), 1);
        assert_eq!(bins[0].count, 10);
    }

    #[test]
    fn a_long_tail_goes_to_the_overflow_bin() {
        let mut col: Vec<f64> = (0..1000).map(|i| i as f64 / 1000.0).collect();
        col.push(1e9);
        let e = edges_for(std::slice::from_ref(&col), Scale::Linear);
        let bins = count(&col, &e);
        let last = bins.last().unwrap();
        assert_eq!(last.kind, BinKind::Overflow);
        assert!(last.count >= 1 && last.count <= 10);
        assert_eq!(last.high, 1e9);
        assert_eq!(total(&bins), 1001);
    }
}
