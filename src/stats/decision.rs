//! Decision metrics on total cost, per strategy: how often each strategy is the
//! cheapest, how much worse than the cheapest it is on average (regret), and how
//! often its build cost overruns the planned budget. Numbers only.
//!
//! Definitions, on the same trials for every strategy (common random numbers):
//! - `p_lowest_total_cost`: share of trials where the strategy's total cost is the
//!   lowest of all strategies; a tie of k strategies gives each 1/k, so the
//!   shares sum to 1;
//! - `expected_regret`: mean over trials of (the strategy's total cost - the
//!   lowest total cost of any strategy on that trial); its standard error is
//!   std_dev (n - 1) / sqrt(n) of the per-trial regrets;
//! - `p_build_cost_above_1_2x_budget` (and 1.5x): share of trials with
//!   `budget_overrun` = build cost / planned budget strictly above 1.2 (1.5). The
//!   planned budget is weekly burn x the strategy's plan: a build budget, so it is
//!   compared with build cost, not with total cost (which adds post-launch losses
//!   no build budget covers).

use crate::engine::Samples;
use crate::model::Metric;

use super::{Partial, mean, std_dev};

pub use super::partial::BUDGET_MULTIPLES;

/// One strategy's decision metrics.
#[derive(Clone, Debug, PartialEq)]
pub struct Decision {
    pub strategy: usize,
    pub n: usize,
    pub p_lowest_total_cost: f64,
    pub expected_regret: f64,
    pub expected_regret_std_err: f64,
    /// In the order of [`BUDGET_MULTIPLES`].
    pub p_build_cost_above_budget: [f64; 2],
}

/// Decision metrics from per-strategy columns of total cost and of build cost /
/// planned budget, all of the same length.
pub fn decisions_from(total_cost: &[&[f64]], budget_overrun: &[&[f64]]) -> Vec<Decision> {
    let k = total_cost.len();
    let n = total_cost.first().map_or(0, |c| c.len());
    let mut wins = vec![0.0f64; k];
    let mut regrets: Vec<Vec<f64>> = vec![Vec::with_capacity(n); k];
    let mut lowest = Vec::with_capacity(k);
    for t in 0..n {
        let best = total_cost
            .iter()
            .map(|c| c[t])
            .fold(f64::INFINITY, f64::min);
        lowest.clear();
        lowest.extend((0..k).filter(|&s| total_cost[s][t] == best));
        let share = 1.0 / lowest.len() as f64;
        for &s in &lowest {
            wins[s] += share;
        }
        for (s, r) in regrets.iter_mut().enumerate() {
            r.push(total_cost[s][t] - best);
        }
    }
    let nf = n.max(1) as f64;
    (0..k)
        .map(|s| {
            let m = mean(&regrets[s]);
            let over = |x: f64| budget_overrun[s].iter().filter(|&&v| v > x).count() as f64 / nf;
            Decision {
                strategy: s,
                n,
                p_lowest_total_cost: wins[s] / nf,
                expected_regret: m,
                expected_regret_std_err: if n > 0 {
                    std_dev(&regrets[s], m) / nf.sqrt()
                } else {
                    0.0
                },
                p_build_cost_above_budget: BUDGET_MULTIPLES.map(over),
            }
        })
        .collect()
}

/// Decision metrics of every strategy of a run.
pub fn decisions(samples: &Samples) -> Vec<Decision> {
    decisions_of(&Partial::of_samples(samples))
}

/// Decision metrics from a run's partial.
pub fn decisions_of(partial: &Partial) -> Vec<Decision> {
    let n = partial.trials() as usize;
    let nf = n.max(1) as f64;
    let best = partial.p_best(Metric::TotalCost);
    (0..partial.strategies())
        .map(|s| {
            let regret = partial.regret(s);
            Decision {
                strategy: s,
                n,
                p_lowest_total_cost: best[s],
                expected_regret: regret.mean(),
                expected_regret_std_err: if n > 0 {
                    regret.std_dev() / nf.sqrt()
                } else {
                    0.0
                },
                p_build_cost_above_budget: partial.over_budget(s).map(|c| c as f64 / nf),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decision_metrics_match_a_hand_computed_three_trial_example() {
        // trial:      0     1     2
        let a = [10.0, 20.0, 30.0];
        let b = [12.0, 20.0, 25.0];
        let over_a = [1.0, 1.3, 1.6];
        let over_b = [1.1, 1.2, 1.5];
        let d = decisions_from(&[&a, &b], &[&over_a, &over_b]);
        // a lowest on trial 0, tie on 1 (half each), b lowest on 2.
        assert!((d[0].p_lowest_total_cost - 1.5 / 3.0).abs() < 1e-12);
        assert!((d[1].p_lowest_total_cost - 1.5 / 3.0).abs() < 1e-12);
        // regrets a: 0, 0, 5 -> mean 5/3; b: 2, 0, 0 -> mean 2/3.
        assert!((d[0].expected_regret - 5.0 / 3.0).abs() < 1e-12);
        assert!((d[1].expected_regret - 2.0 / 3.0).abs() < 1e-12);
        // sd of (0, 0, 5) with n - 1: sqrt(((25/9) x 2 + (100/9)) / 2) = sqrt(25/3)
        let se_a = (25.0f64 / 3.0).sqrt() / 3f64.sqrt();
        assert!((d[0].expected_regret_std_err - se_a).abs() < 1e-12);
        // strictly above 1.2 and 1.5: a (1.3, 1.6) 2/3 and (1.6) 1/3; b (1.5) 1/3 and 0,
        // since b's 1.2 and 1.5 are not above.
        assert_eq!(d[0].p_build_cost_above_budget, [2.0 / 3.0, 1.0 / 3.0]);
        assert_eq!(d[1].p_build_cost_above_budget, [1.0 / 3.0, 0.0]);
    }
}
