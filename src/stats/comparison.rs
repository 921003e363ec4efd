//! Strategies against each other on the same trials: how often each is better
//! than another, the mean paired difference with its interval, and the chance of
//! being best. Numbers only, read from a run's [`Partial`].

use crate::metric::Metric;

use super::{Partial, Samples, analyse};

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
    Partial::of_samples(samples).p_best(metric)
}

/// Probability-best tallies on one metric for trials `range`: per trial, the t
/// strategies at the minimum share one win, 1 / t each. The shares are counted as
/// integers in units of 1 / `unit` (`unit` a multiple of every t up to the
/// strategy count), so the tally is exact and its order irrelevant. Worked column
/// by column over the block: the loops have no unpredictable branches.
#[inline(always)]
pub(super) fn best_tally(
    columns: &[&[f64]],
    range: std::ops::Range<usize>,
    unit: u128,
    wins: &mut [u128],
    scratch: &mut (Vec<f64>, Vec<u32>),
) {
    let Some(first) = columns.first() else {
        return;
    };
    let (best, ties) = scratch;
    best.clear();
    best.extend_from_slice(&first[range.clone()]);
    for c in &columns[1..] {
        for (b, &x) in best.iter_mut().zip(&c[range.clone()]) {
            *b = if x < *b { x } else { *b };
        }
    }
    ties.clear();
    ties.resize(range.len(), 0);
    for c in columns {
        for (t, (&b, &x)) in ties.iter_mut().zip(best.iter().zip(&c[range.clone()])) {
            *t += u32::from(x == b);
        }
    }
    // Each trial's weight, unit / ties, paid to every strategy at the minimum.
    if unit <= 1 << 40 {
        // A block's wins fit a u64 (4096 x 2^40 < 2^53): a loop that vectorizes.
        // unit / t, looked up rather than divided per trial.
        let per_tie: Vec<u64> = (0..=columns.len() as u128)
            .map(|t| (unit / t.max(1)) as u64)
            .collect();
        let weight: Vec<u64> = ties.iter().map(|&t| per_tie[t as usize]).collect();
        for (s, c) in columns.iter().enumerate() {
            let mut won = 0u64;
            for ((&b, &x), &w) in best.iter().zip(&c[range.clone()]).zip(&weight) {
                won += if x == b { w } else { 0 };
            }
            wins[s] += won as u128;
        }
    } else {
        let weight: Vec<u128> = ties.iter().map(|&t| unit / t as u128).collect();
        for (s, c) in columns.iter().enumerate() {
            for ((&b, &x), &w) in best.iter().zip(&c[range.clone()]).zip(&weight) {
                wins[s] += if x == b { w } else { 0 };
            }
        }
    }
}

/// The least common multiple of 1..=k: the unit in which [`best_tally`] counts.
/// At the largest scenario (64 strategies, about 6.9e27) times 10^9 trials it still
/// fits a u128.
pub(super) fn share_unit(k: usize) -> u128 {
    fn gcd(a: u128, b: u128) -> u128 {
        if b == 0 { a } else { gcd(b, a % b) }
    }
    (1..=k.max(1) as u128).fold(1, |l, t| l / gcd(l, t) * t)
}

/// Every pair of strategies on one metric, from the partial. The mean difference
/// is mean(a) - mean(b) as the summaries report them; its standard error comes
/// from the spread of the per-trial differences a - b.
fn compare_metric(partial: &Partial, metric: Metric) -> Vec<Comparison> {
    let k = partial.strategies();
    let n = partial.trials() as usize;
    let best = partial.p_best(metric);
    let nf = n.max(1) as f64;
    let mut out = Vec::with_capacity(k * k.saturating_sub(1) / 2);
    let mut pairs = partial.pairs(metric).iter();
    for a in 0..k {
        for b in a + 1..k {
            let Some(t) = pairs.next() else {
                break;
            };
            let md = partial.column(a, metric).mean() - partial.column(b, metric).mean();
            let se = if n > 0 {
                t.std_dev_of_difference(
                    &partial.column(a, metric).moments,
                    &partial.column(b, metric).moments,
                ) / (n as f64).sqrt()
            } else {
                0.0
            };
            let (better, tie) = (t.better as usize, t.tie as usize);
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
    out
}

/// Every unordered pair of strategies on every metric, metric-major.
pub fn comparisons(samples: &Samples) -> Vec<Comparison> {
    analyse(samples).comparisons
}

/// [`comparisons`] of a partial.
pub fn comparisons_of(partial: &Partial) -> Vec<Comparison> {
    Metric::ALL
        .iter()
        .flat_map(|&m| compare_metric(partial, m))
        .collect()
}
