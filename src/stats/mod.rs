//! Summaries of simulated samples: moments, quantiles, paired comparisons between
//! strategies and histograms. Numbers only: no files, no drawing.
//!
//! Definitions, stated once:
//! - `mean` is the arithmetic mean, summed in trial order (compensated);
//! - `std_dev` is the sample standard deviation (divisor n - 1; 0 when n = 1);
//! - `std_err` = std_dev / sqrt(n);
//! - quantiles are Hyndman-Fan type 7 (linear interpolation between order
//!   statistics, the default of R and NumPy): with values sorted x[0..n], the
//!   p-quantile is x[h] + (h - floor h)(x[floor h + 1] - x[floor h]), h = (n - 1) p.

pub mod claims;
pub mod decision;
mod histogram;

pub use histogram::{Bin, BinKind, Histogram, Scale, histograms};

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

/// Compensated (Neumaier) sum in slice order: deterministic and accurate.
pub fn sum(values: &[f64]) -> f64 {
    let mut total = 0.0f64;
    let mut carry = 0.0f64;
    for &x in values {
        let t = total + x;
        if total.abs() >= x.abs() {
            carry += (total - t) + x;
        } else {
            carry += (x - t) + total;
        }
        total = t;
    }
    total + carry
}

pub fn mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    sum(values) / values.len() as f64
}

/// Sample standard deviation (n - 1); 0 for fewer than two values.
pub fn std_dev(values: &[f64], mean: f64) -> f64 {
    if values.len() < 2 {
        return 0.0;
    }
    let mut total = 0.0;
    for &x in values {
        total += (x - mean) * (x - mean);
    }
    (total / (values.len() - 1) as f64).sqrt()
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

/// Summary of one sample.
pub fn summarize(values: &[f64], strategy: usize, metric: Metric) -> Summary {
    let n = values.len();
    let s = sorted(values);
    // The rounded mean of equal values can land an ulp outside [min, max]; the
    // true mean cannot.
    let m = match (s.first(), s.last()) {
        (Some(&lo), Some(&hi)) => mean(values).clamp(lo, hi),
        _ => 0.0,
    };
    let sd = std_dev(values, m);
    let mut quantiles = [0.0; 9];
    if n > 0 {
        for (q, (_, p)) in quantiles.iter_mut().zip(QUANTILES) {
            *q = quantile_sorted(&s, p);
        }
    }
    Summary {
        strategy,
        metric,
        n,
        mean: m,
        std_dev: sd,
        std_err: if n > 0 { sd / (n as f64).sqrt() } else { 0.0 },
        min: s.first().copied().unwrap_or(0.0),
        quantiles,
        max: s.last().copied().unwrap_or(0.0),
    }
}

/// Summaries of every strategy and metric, strategy-major, metrics in [`Metric::ALL`] order.
pub fn summaries(samples: &Samples) -> Vec<Summary> {
    let mut out = Vec::with_capacity(samples.strategies() * Metric::ALL.len());
    for s in 0..samples.strategies() {
        for m in Metric::ALL {
            out.push(summarize(samples.column(s, m), s, m));
        }
    }
    out
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
    let k = samples.strategies();
    let n = samples.trials();
    let mut wins = vec![0.0f64; k];
    if n == 0 {
        return wins;
    }
    let columns: Vec<&[f64]> = (0..k).map(|s| samples.column(s, metric)).collect();
    let mut winners = Vec::with_capacity(k);
    for t in 0..n {
        let best = columns.iter().map(|c| c[t]).fold(f64::INFINITY, f64::min);
        winners.clear();
        winners.extend((0..k).filter(|&s| columns[s][t] == best));
        let share = 1.0 / winners.len() as f64;
        for &s in &winners {
            wins[s] += share;
        }
    }
    wins.iter().map(|w| w / n as f64).collect()
}

/// Every unordered pair of strategies on every metric, metric-major.
pub fn comparisons(samples: &Samples) -> Vec<Comparison> {
    let k = samples.strategies();
    let n = samples.trials();
    let mut out = Vec::new();
    let mut diff = Vec::with_capacity(n);
    for metric in Metric::ALL {
        let best = probability_best(samples, metric);
        for a in 0..k {
            for b in a + 1..k {
                let (ca, cb) = (samples.column(a, metric), samples.column(b, metric));
                let (mut better, mut tie) = (0usize, 0usize);
                diff.clear();
                for (x, y) in ca.iter().zip(cb) {
                    if x < y {
                        better += 1;
                    } else if x == y {
                        tie += 1;
                    }
                    diff.push(x - y);
                }
                let md = mean(&diff);
                let se = if n > 0 {
                    std_dev(&diff, md) / (n as f64).sqrt()
                } else {
                    0.0
                };
                let nf = n.max(1) as f64;
                out.push(Comparison {
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
    }
    out
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
