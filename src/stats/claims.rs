//! The value of a claim's statistic on simulated samples, its Monte Carlo error,
//! and the verdict against the claim's bounds. Numbers only: no files, no runs.
//!
//! Definitions, stated once:
//! - the value is the statistic on every trial (quantiles Hyndman-Fan type 7;
//!   `share_above t` = share of trials with x > t, `share_below t` = x < t;
//!   `variance_to_mean` = sample variance (n - 1) / mean; with `per`, `mean` is
//!   sum(metric) / sum(per));
//! - its standard error comes from batch means: the trials, in trial order, are cut
//!   into [`BLOCKS`] consecutive blocks of (nearly) equal size, the statistic is
//!   computed on each block, and se = sd(block values) / sqrt(BLOCKS). Trials are
//!   independent (each engine batch has its own generator), so the block values are
//!   too, whatever the statistic: a quantile, a ratio or a difference between two
//!   runs;
//! - for a share (a share statistic, or the mean of a 0/1 metric), and differences
//!   of shares, the standard error is at least the Agresti-Coull binomial one,
//!   sqrt(p~ (1 - p~) / (n + 4)) with p~ = (k + 2) / (n + 4), so that a share of
//!   0 or 1 on few trials does not read as certain;
//! - the 95% interval is value +- t se, with t = 2.093 (Student t, 19 degrees of
//!   freedom, for 20 blocks).

use std::ops::Range;

use crate::metric::{PairOp, Stat, Statistic};

use super::{mean, quantile_sorted, sorted, std_dev};

/// Blocks of the batch-means standard error.
pub const BLOCKS: usize = 20;
/// Two-sided 95% Student t quantile with BLOCKS - 1 = 19 degrees of freedom.
pub const T_975_19: f64 = 2.093_024_054_408_263;
/// Fewest trials per block for a standard error.
pub const MIN_TRIALS_PER_BLOCK: usize = 2;

/// One side of a claim: a strategy's values of the metric, and of `per` if any.
#[derive(Clone, Copy, Debug)]
pub struct Side<'a> {
    pub values: &'a [f64],
    pub per: Option<&'a [f64]>,
    /// The metric is 0/1, so its mean is a share.
    pub indicator: bool,
}

/// A statistic with its Monte Carlo error.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    pub value: f64,
    /// Infinite when it cannot be estimated (too few trials, or a block where the
    /// statistic is undefined, e.g. no incidents).
    pub std_err: f64,
    pub ci95: (f64, f64),
    pub n: usize,
}

/// One-strategy statistic of `values[r]` (and `per[r]`).
pub fn stat_value(stat: Stat, side: Side<'_>, r: Range<usize>) -> f64 {
    let v = &side.values[r.clone()];
    if v.is_empty() {
        return f64::NAN;
    }
    match stat {
        Stat::Mean => match side.per {
            Some(per) => super::sum(v) / super::sum(&per[r]),
            None => mean(v),
        },
        Stat::Quantile { percent } => quantile_sorted(&sorted(v), f64::from(percent) / 100.0),
        Stat::ShareAbove { threshold } => {
            v.iter().filter(|&&x| x > threshold).count() as f64 / v.len() as f64
        }
        Stat::ShareBelow { threshold } => {
            v.iter().filter(|&&x| x < threshold).count() as f64 / v.len() as f64
        }
        Stat::VarianceToMean => {
            let m = mean(v);
            let sd = std_dev(v, m);
            sd * sd / m
        }
    }
}

/// The claim's statistic on trials `r`.
pub fn statistic_value(
    statistic: Statistic,
    a: Side<'_>,
    b: Option<Side<'_>>,
    r: Range<usize>,
) -> f64 {
    match (statistic, b) {
        (Statistic::One(s), _) => stat_value(s, a, r),
        (Statistic::Pair(op, s), Some(b)) => {
            let (x, y) = (stat_value(s, a, r.clone()), stat_value(s, b, r));
            match op {
                PairOp::Ratio => x / y,
                PairOp::Difference => x - y,
                PairOp::AbsDifference => (x - y).abs(),
            }
        }
        (Statistic::Pair(..), None) => f64::NAN,
    }
}

fn is_share(stat: Stat, side: Side<'_>) -> bool {
    match stat {
        Stat::ShareAbove { .. } | Stat::ShareBelow { .. } => true,
        Stat::Mean => side.indicator && side.per.is_none(),
        _ => false,
    }
}

/// Agresti-Coull standard error of a share `p` on `n` trials.
fn binomial_se(p: f64, n: usize) -> f64 {
    let n4 = n as f64 + 4.0;
    let pt = (p * n as f64 + 2.0) / n4;
    (pt * (1.0 - pt) / n4).sqrt()
}

/// The statistic on every trial, with its batch-means standard error and 95%
/// interval (see the module documentation).
pub fn estimate(statistic: Statistic, a: Side<'_>, b: Option<Side<'_>>) -> Estimate {
    let n = match b {
        Some(b) => a.values.len().min(b.values.len()),
        None => a.values.len(),
    };
    let value = statistic_value(statistic, a, b, 0..n);
    let mut std_err = if n < BLOCKS * MIN_TRIALS_PER_BLOCK {
        f64::INFINITY
    } else {
        let blocks: Vec<f64> = (0..BLOCKS)
            .map(|i| statistic_value(statistic, a, b, i * n / BLOCKS..(i + 1) * n / BLOCKS))
            .collect();
        if blocks.iter().all(|x| x.is_finite()) {
            std_dev(&blocks, mean(&blocks)) / (BLOCKS as f64).sqrt()
        } else {
            f64::INFINITY
        }
    };
    let s = statistic.stat();
    let mut range = (f64::NEG_INFINITY, f64::INFINITY);
    match (statistic, b) {
        (Statistic::One(_), _) if is_share(s, a) => {
            std_err = std_err.max(binomial_se(value, n));
            range = (0.0, 1.0);
        }
        (Statistic::Pair(op, _), Some(b)) if is_share(s, a) && is_share(s, b) => {
            let (pa, pb) = (stat_value(s, a, 0..n), stat_value(s, b, 0..n));
            let (fa, fb) = (binomial_se(pa, n), binomial_se(pb, n));
            let floor = match op {
                PairOp::Difference | PairOp::AbsDifference => fa.hypot(fb),
                PairOp::Ratio => {
                    value.abs() * (fa / pa.max(1.0 / n as f64)).hypot(fb / pb.max(1.0 / n as f64))
                }
            };
            std_err = std_err.max(floor);
            range = match op {
                PairOp::Difference => (-1.0, 1.0),
                PairOp::AbsDifference => (0.0, 1.0),
                PairOp::Ratio => (0.0, f64::INFINITY),
            };
        }
        _ => {}
    }
    if !value.is_finite() {
        std_err = f64::INFINITY;
    }
    let half = T_975_19 * std_err;
    let ci95 = if std_err.is_finite() {
        ((value - half).max(range.0), (value + half).min(range.1))
    } else {
        (f64::NEG_INFINITY, f64::INFINITY)
    };
    Estimate {
        value,
        std_err,
        ci95,
        n,
    }
}

/// Whether a claim holds on the simulation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The whole 95% interval lies within the bounds.
    Holds,
    /// The whole 95% interval lies outside the bounds.
    Fails,
    /// The interval straddles a bound: more trials are needed to decide.
    Undecided,
}

impl Verdict {
    pub fn id(self) -> &'static str {
        match self {
            Verdict::Holds => "holds",
            Verdict::Fails => "fails",
            Verdict::Undecided => "undecided",
        }
    }
}

/// Holds when [low, high] lies within [min, max] (inclusive), fails when it lies
/// wholly below min or above max, undecided otherwise.
pub fn verdict(e: &Estimate, min: Option<f64>, max: Option<f64>) -> Verdict {
    let lo = min.unwrap_or(f64::NEG_INFINITY);
    let hi = max.unwrap_or(f64::INFINITY);
    let (a, b) = e.ci95;
    if !e.value.is_finite() || !e.std_err.is_finite() {
        return Verdict::Undecided;
    }
    if a >= lo && b <= hi {
        Verdict::Holds
    } else if b < lo || a > hi {
        Verdict::Fails
    } else {
        Verdict::Undecided
    }
}

/// About how many trials would decide an undecided claim: the standard error
/// shrinks as 1 / sqrt(n), so n (t se / d)^2 trials make the interval's half-width
/// the distance d from the value to the nearest bound; the answer adds half again
/// for safety and rounds up to two significant figures. `None` when no trial count
/// would (the value sits on a bound, or cannot be estimated).
pub fn trials_to_decide(e: &Estimate, min: Option<f64>, max: Option<f64>) -> Option<u64> {
    if !e.value.is_finite() || !e.std_err.is_finite() || e.n == 0 {
        return None;
    }
    let d = [min, max]
        .into_iter()
        .flatten()
        .map(|bound| (e.value - bound).abs())
        .fold(f64::INFINITY, f64::min);
    if d.is_nan() || d <= 0.0 || d.is_infinite() {
        return None;
    }
    let needed = 1.5 * e.n as f64 * (T_975_19 * e.std_err / d).powi(2);
    if !needed.is_finite() || needed > 1e15 {
        return None;
    }
    let needed = needed.max((BLOCKS * MIN_TRIALS_PER_BLOCK) as f64);
    let scale = 10f64.powf((needed.log10().floor() - 1.0).max(0.0));
    Some(((needed / scale - 1e-9).ceil() * scale) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn side(values: &[f64]) -> Side<'_> {
        Side {
            values,
            per: None,
            indicator: false,
        }
    }

    #[test]
    fn pair_statistics_combine_the_one_strategy_values() {
        let a = [1.0, 2.0, 3.0, 4.0, 5.0];
        let b = [2.0, 2.0, 2.0, 2.0, 2.0];
        let ratio = Statistic::Pair(PairOp::Ratio, Stat::Quantile { percent: 50 });
        assert_eq!(statistic_value(ratio, side(&a), Some(side(&b)), 0..5), 1.5);
        let diff = Statistic::Pair(PairOp::Difference, Stat::ShareAbove { threshold: 2.5 });
        assert_eq!(statistic_value(diff, side(&a), Some(side(&b)), 0..5), 0.6);
        let abs = Statistic::Pair(PairOp::AbsDifference, Stat::Mean);
        assert_eq!(statistic_value(abs, side(&b), Some(side(&a)), 0..5), 1.0);
    }

    #[test]
    fn mean_per_another_metric_is_a_ratio_of_sums() {
        let hours = [3.0, 0.0, 9.0];
        let incidents = [1.0, 0.0, 2.0];
        let s = Side {
            values: &hours,
            per: Some(&incidents),
            indicator: false,
        };
        assert_eq!(stat_value(Stat::Mean, s, 0..3), 4.0);
    }

    #[test]
    fn variance_to_mean_uses_the_n_minus_one_variance() {
        let v = [0.0, 2.0, 4.0];
        // mean 2, variance (4 + 0 + 4) / 2 = 4
        assert_eq!(stat_value(Stat::VarianceToMean, side(&v), 0..3), 2.0);
    }

    #[test]
    fn verdict_needs_the_whole_interval_inside_or_outside() {
        let e = |value: f64, half: f64| Estimate {
            value,
            std_err: half / T_975_19,
            ci95: (value - half, value + half),
            n: 1000,
        };
        assert_eq!(
            verdict(&e(1.25, 0.01), Some(1.2), Some(1.3)),
            Verdict::Holds
        );
        assert_eq!(verdict(&e(1.4, 0.01), Some(1.2), Some(1.3)), Verdict::Fails);
        assert_eq!(
            verdict(&e(1.29, 0.02), Some(1.2), Some(1.3)),
            Verdict::Undecided
        );
        assert_eq!(verdict(&e(0.5, 0.1), None, Some(1.0)), Verdict::Holds);
        // d = 0.01, t se = 0.02: (0.02 / 0.01)^2 x 1000 x 1.5 = 6000
        assert_eq!(
            trials_to_decide(&e(1.29, 0.02), Some(1.2), Some(1.3)),
            Some(6000)
        );
    }

    #[test]
    fn a_share_of_zero_on_few_trials_is_not_certain() {
        let zeros = vec![0.0; 100];
        let s = Side {
            values: &zeros,
            per: None,
            indicator: true,
        };
        let e = estimate(Statistic::One(Stat::Mean), s, None);
        assert_eq!(e.value, 0.0);
        assert!(e.std_err > 0.01, "Agresti-Coull floor, got {}", e.std_err);
        assert_eq!(verdict(&e, None, Some(0.02)), Verdict::Undecided);
    }

    #[test]
    fn too_few_trials_give_no_standard_error() {
        let v = vec![1.0; 30];
        let e = estimate(Statistic::One(Stat::Mean), side(&v), None);
        assert!(e.std_err.is_infinite());
        assert_eq!(verdict(&e, Some(0.0), Some(2.0)), Verdict::Undecided);
        assert_eq!(trials_to_decide(&e, Some(0.0), Some(2.0)), None);
    }
}
