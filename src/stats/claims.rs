//! The value of a claim's statistic on simulated samples, its Monte Carlo error,
//! and the verdict against the claim's bounds. Numbers only: no files, no runs.
//!
//! Definitions, stated once:
//! - the value is the statistic on every trial (quantiles Hyndman-Fan type 7;
//!   `share_above t` = share of trials with x > t, `share_below t` = x < t;
//!   `variance_to_mean` = sample variance (n - 1) / mean; with `per`, `mean` is
//!   sum(metric) / sum(per));
//! - the 95% interval depends on the statistic; a claim holds only when the whole
//!   interval lies within its bounds, so an interval that is too narrow makes false
//!   claims hold. Each method below is chosen to cover at least 95% of the time at
//!   any trial count it decides at, and refuses (an infinite interval: the claim is
//!   undecided) where it could not; `tests/it/claim_coverage.rs` counts misses over
//!   many seeds;
//! - batch means, the default: the trials, in trial order, are cut into [`BLOCKS`]
//!   consecutive blocks of (nearly) equal size, the statistic is computed on each
//!   block, se = sd(block values) / sqrt(BLOCKS), and the interval is value +- t se
//!   with t = 2.093 (Student t, 19 degrees of freedom). Trials are independent
//!   (each engine batch has its own generator), so the block values are too. It
//!   needs [`MIN_TRIALS_PER_BLOCK`] trials a block;
//! - a quantile (`median`, `pNN`) has the distribution-free order-statistic
//!   interval [x(l), x(u)] of the sorted trials: with B ~ Binomial(n, p), l is the
//!   largest rank with P(B < l) <= 2.5% and u the smallest with P(B >= u) <= 2.5%,
//!   so it covers the true quantile with probability >= 95% whatever the
//!   distribution (exact, no standard error). When l or u falls outside the data
//!   (P99 on fewer than 367 trials) the interval is infinite on that side and the
//!   claim is undecided. A pair of quantiles (`ratio_of_medians`, ...) combines
//!   each side's interval at 97.5% (1.25% a tail; Bonferroni, valid however the
//!   two runs are correlated) through the operation: a difference spans
//!   [lo_a - hi_b, hi_a - lo_b], a ratio the extremes of the corner quotients.
//!   The reported std_err is the interval's half-width / t;
//! - the mean of a measured (not 0/1, not count) metric without `per`, and
//!   differences and ratios of such means: the per-trial influence values z
//!   (x; a - b for a difference; (a - R b) / mean(b) for a ratio R) give
//!   se = max(batch-means se, sd(z) / sqrt(n)). A heavy tail makes the normal
//!   interval too narrow at small n, so the claim is undecided unless
//!   n >= 25 g^2 (Cochran's rule; g = sample skewness of z), and then the
//!   interval's upper half (lower half when g < 0) is widened by the factor
//!   1 + |g| / sqrt(n) (the Edgeworth skew of the t statistic is about
//!   g / sqrt(n)). It also needs [`MIN_TRIALS_MEASURED_MEAN`] = 400 trials: a
//!   rare, large outcome (a few chances in a thousand) is often absent from
//!   fewer trials, and then no sample statistic shows the tail that is missing
//!   (`claim_coverage.rs` measured the shipped hybrid's mean total cost missing
//!   low on 34 of 400 seeds at 100 trials with Cochran's rule alone; 13 at 400).
//!   A one-strategy mean whose trials are all equal (for a sum such
//!   as incident hours: no event in any trial) is undecided: the sample cannot
//!   show how large the mean might be. A difference that is the same in every
//!   trial (common random numbers) is exact;
//! - for a share (a share statistic, or the mean of a 0/1 metric), and pairs of
//!   shares, the standard error is at least the Agresti-Coull binomial one,
//!   sqrt(p~ (1 - p~) / (n + 4)) with p~ = (k + 2) / (n + 4), so that a share of
//!   0 or 1 on few trials does not read as certain;
//! - for the mean of a count (events per trial), and pairs of such means, the
//!   standard error is at least the Poisson one with two events added,
//!   sqrt(S + 2) / n for S events in n trials: with no event the interval's upper
//!   end is 2.093 sqrt(2) / n = 2.96 / n, the "rule of three", so a sample with
//!   no event never proves a mean count of 0; a one-strategy mean count's upper
//!   half is widened by 1 + g / sqrt(n) like a measured mean's;
//! - `variance_to_mean` and means with `per` use batch means.

use std::ops::Range;

use crate::metric::{PairOp, Stat, Statistic};

use super::{mean, quantile_sorted, sorted, std_dev};

/// Blocks of the batch-means standard error.
pub const BLOCKS: usize = 20;
/// Two-sided 95% Student t quantile with BLOCKS - 1 = 19 degrees of freedom.
pub const T_975_19: f64 = 2.093_024_054_408_263;
/// Fewest trials per block for a standard error.
pub const MIN_TRIALS_PER_BLOCK: usize = 2;

/// Fewest trials for the mean of a measured metric (20 a block): see the module
/// documentation.
pub const MIN_TRIALS_MEASURED_MEAN: usize = 400;
/// Two-sided tail of the 95% intervals.
const TAIL: f64 = 0.025;
/// Cochran's rule: a normal interval for a mean needs n >= COCHRAN g^2.
const COCHRAN: f64 = 25.0;

/// One side of a claim: a strategy's values of the metric, and of `per` if any.
#[derive(Clone, Copy, Debug)]
pub struct Side<'a> {
    pub values: &'a [f64],
    pub per: Option<&'a [f64]>,
    /// The metric is 0/1, so its mean is a share.
    pub indicator: bool,
    /// The metric counts events (whole numbers >= 0), so its mean is a rate.
    pub count: bool,
}

/// A statistic with its Monte Carlo error.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    pub value: f64,
    /// Infinite when it cannot be estimated (too few trials, a block where the
    /// statistic is undefined, e.g. no incidents, too skewed a sample, or a tail
    /// quantile beyond the data).
    pub std_err: f64,
    pub ci95: (f64, f64),
    pub n: usize,
    /// When `std_err` is infinite: about how many trials would give an
    /// interval, when that is known from the statistic or the sample.
    pub min_trials: Option<u64>,
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
            combine(op, x, y)
        }
        (Statistic::Pair(..), None) => f64::NAN,
    }
}

fn combine(op: PairOp, x: f64, y: f64) -> f64 {
    match op {
        PairOp::Ratio => x / y,
        PairOp::Difference => x - y,
        PairOp::AbsDifference => (x - y).abs(),
    }
}

fn is_share(stat: Stat, side: Side<'_>) -> bool {
    match stat {
        Stat::ShareAbove { .. } | Stat::ShareBelow { .. } => true,
        Stat::Mean => side.indicator && side.per.is_none(),
        _ => false,
    }
}

fn is_count_mean(stat: Stat, side: Side<'_>) -> bool {
    stat == Stat::Mean && side.count && !side.indicator && side.per.is_none()
}

fn is_measured_mean(stat: Stat, side: Side<'_>) -> bool {
    stat == Stat::Mean && !side.count && !side.indicator && side.per.is_none()
}

/// Agresti-Coull standard error of a share `p` on `n` trials.
fn binomial_se(p: f64, n: usize) -> f64 {
    let n4 = n as f64 + 4.0;
    let pt = (p * n as f64 + 2.0) / n4;
    (pt * (1.0 - pt) / n4).sqrt()
}

/// Poisson standard error of a mean count `m` on `n` trials, with two events
/// added: sqrt(n m + 2) / n.
fn poisson_se(m: f64, n: usize) -> f64 {
    (m.max(0.0) * n as f64 + 2.0).sqrt() / n as f64
}

/// Batch-means standard error of the statistic on the first `n` trials; infinite
/// with too few trials or a block where the statistic is undefined.
fn batch_means_se(statistic: Statistic, a: Side<'_>, b: Option<Side<'_>>, n: usize) -> f64 {
    if n < BLOCKS * MIN_TRIALS_PER_BLOCK {
        return f64::INFINITY;
    }
    let blocks: Vec<f64> = (0..BLOCKS)
        .map(|i| statistic_value(statistic, a, b, i * n / BLOCKS..(i + 1) * n / BLOCKS))
        .collect();
    if blocks.iter().all(|x| x.is_finite()) {
        std_dev(&blocks, mean(&blocks)) / (BLOCKS as f64).sqrt()
    } else {
        f64::INFINITY
    }
}

/// An estimate that gives no interval: the claim stays undecided.
fn no_interval(value: f64, n: usize, min_trials: Option<u64>) -> Estimate {
    Estimate {
        value,
        std_err: f64::INFINITY,
        ci95: (f64::NEG_INFINITY, f64::INFINITY),
        n,
        min_trials,
    }
}

/// The statistic on every trial, with its standard error and 95% interval (see
/// the module documentation for each statistic's method).
pub fn estimate(statistic: Statistic, a: Side<'_>, b: Option<Side<'_>>) -> Estimate {
    let n = match b {
        Some(b) => a.values.len().min(b.values.len()),
        None => a.values.len(),
    };
    let value = statistic_value(statistic, a, b, 0..n);
    if !value.is_finite() {
        return no_interval(value, n, None);
    }
    let s = statistic.stat();
    let measured = is_measured_mean(s, a) && b.is_none_or(|b| is_measured_mean(s, b));
    match s {
        Stat::Quantile { percent } => quantile_estimate(statistic, percent, a, b, n, value),
        Stat::Mean if measured => mean_estimate(statistic, a, b, n, value),
        _ => batch_means_estimate(statistic, a, b, n, value),
    }
}

/// Batch means, floored for shares (Agresti-Coull) and counts (Poisson).
fn batch_means_estimate(
    statistic: Statistic,
    a: Side<'_>,
    b: Option<Side<'_>>,
    n: usize,
    value: f64,
) -> Estimate {
    let s = statistic.stat();
    let mut std_err = batch_means_se(statistic, a, b, n);
    let mut range = (f64::NEG_INFINITY, f64::INFINITY);
    let floor_of = |side: Side<'_>| -> Option<(f64, f64, (f64, f64))> {
        let v = stat_value(s, side, 0..n);
        if is_share(s, side) {
            Some((v, binomial_se(v, n), (0.0, 1.0)))
        } else if is_count_mean(s, side) {
            Some((v, poisson_se(v, n), (0.0, f64::INFINITY)))
        } else {
            None
        }
    };
    match (statistic, b) {
        (Statistic::One(_), _) => {
            if let Some((_, floor, r)) = floor_of(a) {
                std_err = std_err.max(floor);
                range = r;
            }
        }
        (Statistic::Pair(op, _), Some(b)) => {
            if let (Some((pa, fa, ra)), Some((pb, fb, rb))) = (floor_of(a), floor_of(b)) {
                // The smallest non-zero value a share or mean count can take.
                let least = 1.0 / n as f64;
                let floor = match op {
                    PairOp::Difference | PairOp::AbsDifference => fa.hypot(fb),
                    PairOp::Ratio => value.abs() * (fa / pa.max(least)).hypot(fb / pb.max(least)),
                };
                std_err = std_err.max(floor);
                range = match op {
                    PairOp::Difference => (ra.0 - rb.1, ra.1 - rb.0),
                    PairOp::AbsDifference => (0.0, ra.1.max(rb.1)),
                    PairOp::Ratio => (0.0, f64::INFINITY),
                };
            }
        }
        _ => {}
    }
    if !std_err.is_finite() {
        let least =
            (n < BLOCKS * MIN_TRIALS_PER_BLOCK).then_some((BLOCKS * MIN_TRIALS_PER_BLOCK) as u64);
        return no_interval(value, n, least);
    }
    let half = T_975_19 * std_err;
    // A mean count is skewed like a measured mean: widen the upper half alike.
    let above = match statistic {
        Statistic::One(Stat::Mean) if is_count_mean(Stat::Mean, a) => {
            half * (1.0 + skewness(&a.values[..n]).max(0.0) / (n as f64).sqrt())
        }
        _ => half,
    };
    Estimate {
        value,
        std_err,
        ci95: ((value - half).max(range.0), (value + above).min(range.1)),
        n,
        min_trials: None,
    }
}

/// Ranks (1-based) of the order statistics [x(l), x(u)] that cover the
/// p-quantile of `n` trials with probability >= 1 - 2 `tail`: l is the largest
/// rank with P(B < l) <= tail and u the smallest with P(B >= u) <= tail,
/// B ~ Binomial(n, p). l = 0 or u = n + 1 when the interval leaves the data.
pub fn order_statistic_ranks(n: usize, p: f64, tail: f64) -> (usize, usize) {
    if n == 0 {
        return (0, 1);
    }
    // Binomial weights relative to the mode, walking out until they vanish;
    // beyond, the weights are below 1e-300 of the mode's and add nothing.
    let mode = (((n + 1) as f64 * p).floor() as usize).min(n);
    let odds = p / (1.0 - p);
    let mut w = vec![0.0f64; n + 1];
    w[mode] = 1.0;
    let mut k = mode;
    while k < n && w[k] > 1e-300 {
        w[k + 1] = w[k] * (n - k) as f64 / (k + 1) as f64 * odds;
        k += 1;
    }
    let mut k = mode;
    while k > 0 && w[k] > 1e-300 {
        w[k - 1] = w[k] * k as f64 / ((n - k + 1) as f64 * odds);
        k -= 1;
    }
    let allowed = tail * w.iter().sum::<f64>();
    let (mut low, mut below) = (0, 0.0);
    while low <= n && below + w[low] <= allowed {
        below += w[low];
        low += 1;
    }
    let (mut high, mut above) = (n + 1, 0.0);
    while high > 0 && above + w[high - 1] <= allowed {
        above += w[high - 1];
        high -= 1;
    }
    (low, high)
}

/// Fewest trials whose order-statistic interval for the p-quantile, at `tail`
/// a side, lies inside the data: max(p, 1 - p)^n <= tail.
fn quantile_min_trials(p: f64, tail: f64) -> u64 {
    let q = p.max(1.0 - p);
    ((tail.ln() / q.ln()).ceil() as u64).max(2)
}

/// The order-statistic interval of one side's p-quantile at `tail` a side.
fn quantile_interval(side: Side<'_>, n: usize, p: f64, tail: f64) -> Option<(f64, f64)> {
    let (low, high) = order_statistic_ranks(n, p, tail);
    if low == 0 || high > n {
        return None;
    }
    let x = sorted(&side.values[..n]);
    Some((x[low - 1], x[high - 1]))
}

fn quantile_estimate(
    statistic: Statistic,
    percent: u8,
    a: Side<'_>,
    b: Option<Side<'_>>,
    n: usize,
    value: f64,
) -> Estimate {
    let p = f64::from(percent) / 100.0;
    let ci = match (statistic, b) {
        (Statistic::Pair(op, _), Some(b)) => {
            let tail = TAIL / 2.0;
            match (
                quantile_interval(a, n, p, tail),
                quantile_interval(b, n, p, tail),
            ) {
                (Some(ia), Some(ib)) => pair_interval(op, ia, ib),
                _ => return no_interval(value, n, Some(quantile_min_trials(p, tail))),
            }
        }
        _ => match quantile_interval(a, n, p, TAIL) {
            Some(i) => Some(i),
            None => return no_interval(value, n, Some(quantile_min_trials(p, TAIL))),
        },
    };
    match ci {
        Some((lo, hi)) if lo.is_finite() && hi.is_finite() => Estimate {
            value,
            std_err: (hi - lo) / (2.0 * T_975_19),
            ci95: (lo.min(value), hi.max(value)),
            n,
            min_trials: None,
        },
        _ => no_interval(value, n, None),
    }
}

/// The interval of `op` over x in `a` and y in `b`; `None` for a ratio whose
/// denominator interval holds 0.
fn pair_interval(op: PairOp, a: (f64, f64), b: (f64, f64)) -> Option<(f64, f64)> {
    match op {
        PairOp::Difference => Some((a.0 - b.1, a.1 - b.0)),
        PairOp::AbsDifference => {
            let (lo, hi) = (a.0 - b.1, a.1 - b.0);
            if lo <= 0.0 && hi >= 0.0 {
                Some((0.0, hi.max(-lo)))
            } else {
                Some((lo.abs().min(hi.abs()), lo.abs().max(hi.abs())))
            }
        }
        PairOp::Ratio => {
            if b.0 <= 0.0 && b.1 >= 0.0 {
                return None;
            }
            let corners = [a.0 / b.0, a.0 / b.1, a.1 / b.0, a.1 / b.1];
            let lo = corners.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = corners.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            Some((lo, hi))
        }
    }
}

/// Sample skewness m3 / m2^1.5 of `z` (0 when it has no spread).
fn skewness(z: &[f64]) -> f64 {
    let m = mean(z);
    let (mut m2, mut m3) = (0.0, 0.0);
    for &x in z {
        let d = x - m;
        m2 += d * d;
        m3 += d * d * d;
    }
    let k = z.len() as f64;
    let (m2, m3) = (m2 / k, m3 / k);
    if m2 > 0.0 { m3 / m2.powf(1.5) } else { 0.0 }
}

/// The mean of a measured metric, or a difference or ratio of two: influence
/// values, Cochran's rule and a skew-widened interval.
fn mean_estimate(
    statistic: Statistic,
    a: Side<'_>,
    b: Option<Side<'_>>,
    n: usize,
    value: f64,
) -> Estimate {
    let av = &a.values[..n];
    let z: Vec<f64> = match (statistic, b) {
        (Statistic::Pair(op, _), Some(b)) => {
            let bv = &b.values[..n];
            match op {
                PairOp::Difference | PairOp::AbsDifference => {
                    av.iter().zip(bv).map(|(x, y)| x - y).collect()
                }
                PairOp::Ratio => {
                    let mb = mean(bv);
                    av.iter()
                        .zip(bv)
                        .map(|(x, y)| (x - value * y) / mb)
                        .collect()
                }
            }
        }
        _ => av.to_vec(),
    };
    let sd = std_dev(&z, mean(&z));
    if n < MIN_TRIALS_MEASURED_MEAN {
        return no_interval(value, n, Some(MIN_TRIALS_MEASURED_MEAN as u64));
    }
    if sd == 0.0 && !statistic.is_pair() {
        return no_interval(value, n, None);
    }
    let g = skewness(&z);
    let cochran = COCHRAN * g * g;
    if (n as f64) < cochran {
        return no_interval(value, n, Some(cochran.ceil() as u64));
    }
    let std_err = batch_means_se(statistic, a, b, n).max(sd / (n as f64).sqrt());
    if !std_err.is_finite() {
        return no_interval(value, n, None);
    }
    let half = T_975_19 * std_err;
    let wide = half * (1.0 + g.abs() / (n as f64).sqrt());
    let (below, above) = if g >= 0.0 { (half, wide) } else { (wide, half) };
    let ci95 = match (statistic, b) {
        // |d|: the interval of d, folded at 0.
        (Statistic::Pair(PairOp::AbsDifference, _), Some(b)) => {
            let d = mean(av) - mean(&b.values[..n]);
            pair_interval(PairOp::AbsDifference, (d - below, d + above), (0.0, 0.0))
                .unwrap_or((0.0, f64::INFINITY))
        }
        _ => (value - below, value + above),
    };
    Estimate {
        value,
        std_err,
        ci95,
        n,
        min_trials: None,
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
    if e.value.is_finite() && !e.std_err.is_finite() {
        return e.min_trials.filter(|&m| m > e.n as u64).map(round_up_2);
    }
    if !e.value.is_finite() || e.n == 0 {
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
    Some(round_up_2(needed.ceil() as u64))
}

/// `n` rounded up to two significant figures.
fn round_up_2(n: u64) -> u64 {
    let needed = n as f64;
    let scale = 10f64.powf((needed.log10().floor() - 1.0).max(0.0));
    ((needed / scale - 1e-9).ceil() * scale) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn side(values: &[f64]) -> Side<'_> {
        Side {
            values,
            per: None,
            indicator: false,
            count: false,
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
            count: false,
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
            min_trials: None,
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
            count: false,
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
        assert_eq!(trials_to_decide(&e, Some(0.0), Some(2.0)), Some(400));
    }
}
