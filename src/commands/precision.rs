//! `run --precision`: how precise a run's headline statistics are, and how many
//! trials to try next. Numbers only; must not print or run the model.

use crate::engine::BATCH_TRIALS;
use crate::metric::Metric;
use crate::scenario::MAX_TRIALS;
use crate::stats::{Partial, Z_975};

/// Where `run --precision` starts: 16 batches.
pub const START_TRIALS: u64 = 16 * BATCH_TRIALS;

/// The largest 95% half-width over the headline statistics: each strategy's
/// API-failure probability (Wilson interval, absolute), and its P80 total cost
/// relative to its value (distribution-free order-statistic interval: the ranks
/// n 0.8 -+ 1.96 sqrt(n 0.8 0.2), read from the sketch).
pub fn worst_half_width(partial: &Partial) -> f64 {
    let n = partial.trials() as f64;
    let z = Z_975;
    let mut worst = 0.0f64;
    for s in 0..partial.strategies() {
        let p = partial.column(s, Metric::ApiFailure).mean();
        let wilson = z / (1.0 + z * z / n) * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt();
        worst = worst.max(wilson);
        let cost = partial.column(s, Metric::TotalCost);
        let last = partial.trials() - 1;
        let spread = z * (n * 0.8 * 0.2).sqrt();
        let rank = |r: f64| (r.max(0.0) as u64).min(last);
        let h = (n - 1.0) * 0.8;
        let at = cost.at_ranks(&[
            rank((n * 0.8 - spread).floor() - 1.0),
            rank((n * 0.8 + spread).ceil() - 1.0),
            rank(h.floor()),
            rank(h.floor() + 1.0),
        ]);
        let p80 = at[2] + (h - h.floor()) * (at[3] - at[2]);
        if p80 > 0.0 {
            worst = worst.max((at[1] - at[0]) / 2.0 / p80);
        }
    }
    worst
}

/// A warning, after the first step, when the target needs more trials than a
/// run may have (if the half-width shrinks as 1 / sqrt(n)): the run will stop
/// at the limit, short of the target, and the user should know before waiting.
pub fn beyond_reach(trials: u64, worst: f64, target: f64) -> Option<String> {
    let needed = trials as f64 * (worst / target).powi(2);
    (needed > MAX_TRIALS as f64).then(|| {
        let at_limit = worst * (trials as f64 / MAX_TRIALS as f64).sqrt();
        format!(
            "note: --precision {target:e} needs about {needed:.1e} trials by the first {trials} trials' estimate, above the limit of {:.0e}; the run will stop at the limit, near a half-width of {at_limit:.2e} (Ctrl-C stops it, writing nothing)",
            MAX_TRIALS as f64
        )
    })
}

/// The trial count to try next: enough for the target if the half-width
/// shrinks as 1 / sqrt(n) (plus 10%), at least one batch more and at most four
/// times as many, in whole batches. Depends only on the figures, so the same
/// seed stops at the same count.
pub fn next_trials(trials: u64, worst: f64, target: f64) -> u64 {
    let wanted = (trials as f64 * (worst / target).powi(2) * 1.1).ceil();
    let wanted = wanted.clamp((trials + BATCH_TRIALS) as f64, (4 * trials) as f64) as u64;
    wanted
        .div_ceil(BATCH_TRIALS)
        .saturating_mul(BATCH_TRIALS)
        .min(MAX_TRIALS / BATCH_TRIALS * BATCH_TRIALS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_target_beyond_the_trial_limit_is_announced_and_a_reachable_one_is_not() {
        // 0.0074 at 65,536 trials: 0.005 needs about 1.4e5 trials, 1e-6 about 3.6e12.
        assert_eq!(beyond_reach(65_536, 0.0074, 0.005), None);
        assert_eq!(beyond_reach(65_536, 0.0074, 0.0003), None);
        let note = beyond_reach(65_536, 0.0074, 1e-6).expect("out of reach");
        assert!(note.contains("3.6e12 trials"), "{note}");
        assert!(note.contains("limit of 1e9"), "{note}");
    }
}
