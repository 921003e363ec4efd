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

use super::Samples;
use crate::metric::Metric;
use crate::scenario::DecisionStat;

use super::Partial;

pub use super::partial::BUDGET_MULTIPLES;

/// The Monte Carlo standard error of the decision statistic `stat` of total cost
/// at `n` trials, from that distribution's standard deviation and quantiles
/// (`quantile("p75")`). A quantile p's is sqrt(p (1 - p) / n) / f, with the
/// density f at it read off the two quantiles around it (P80: 0.15 / (P90 -
/// P75); P50: 0.5 / (P75 - P25); P90: 0.15 / (P95 - P80); P95: 0.09 / (P99 -
/// P90)); a mean's is std_dev / sqrt(n). The report and the live panel both
/// use this one.
pub fn decision_std_err(
    stat: DecisionStat,
    n: f64,
    std_dev: f64,
    quantile: impl Fn(&str) -> f64,
) -> f64 {
    let n = n.max(1.0);
    let (p, low, high, mass) = match stat {
        DecisionStat::Mean => return std_dev / n.sqrt(),
        DecisionStat::P50 => (0.5, "p25", "p75", 0.5),
        DecisionStat::P80 => (0.8, "p75", "p90", 0.15),
        DecisionStat::P90 => (0.9, "p80", "p95", 0.15),
        DecisionStat::P95 => (0.95, "p90", "p99", 0.09),
    };
    (p * (1.0 - p) / n).sqrt() * (quantile(high) - quantile(low)) / mass
}

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
        // Every other metric is 0; the decision reads only these two.
        let column = |s: usize, m: Metric| -> Vec<f64> {
            match (s, m) {
                (0, Metric::TotalCost) => a.to_vec(),
                (1, Metric::TotalCost) => b.to_vec(),
                (0, Metric::BudgetOverrun) => over_a.to_vec(),
                (1, Metric::BudgetOverrun) => over_b.to_vec(),
                _ => vec![0.0; 3],
            }
        };
        let columns = (0..2)
            .flat_map(|s| Metric::ALL.map(|m| column(s, m)))
            .collect();
        let samples = Samples::from_columns(2, columns).expect("equal columns");
        let d = decisions(&samples);
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
