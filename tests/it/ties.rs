//! Ties the model makes are ties in the output: two strategies whose builds
//! differ only in their plans slip by exactly the same ratio and overrun their
//! budgets by exactly the same ratio, so comparison.csv counts those trials as
//! ties, not as wins decided by the last bit of a division.

use std::sync::atomic::AtomicBool;

use tradeoff_sim::engine::{RunPlan, simulate};
use tradeoff_sim::metric::Metric;
use tradeoff_sim::model::Model;
use tradeoff_sim::scenario;
use tradeoff_sim::stats::comparisons;

use crate::common::scenario as shipped;

/// Two values the model may make equal: equal, or apart by far more than rounding.
fn tie_or_apart(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() > 1e-9 * a.abs().max(b.abs())
}

#[test]
fn slips_and_budget_overruns_that_the_model_makes_equal_tie_exactly() {
    let s = scenario::from_path(&shipped("seed.toml")).expect("seed.toml");
    let model = Model::new(&s);
    let plan = RunPlan {
        trials: 20_000,
        seed: 7,
        threads: 2,
    };
    let samples = simulate(&model, &plan, &AtomicBool::new(false)).expect("a run");
    let n = samples.trials();
    let id = |name: &str| s.strategies.iter().position(|st| st.id == name).unwrap();
    let (backend, ux) = (id("backend_led"), id("ux_led"));
    for metric in [Metric::ScheduleSlip, Metric::BudgetOverrun] {
        for a in 0..samples.strategies() {
            for b in a + 1..samples.strategies() {
                let (xa, xb) = (samples.column(a, metric), samples.column(b, metric));
                let near = (0..n).filter(|&t| !tie_or_apart(xa[t], xb[t])).count();
                assert_eq!(
                    near, 0,
                    "{metric:?}: strategies {a} and {b} differ by rounding in {near} trials"
                );
            }
        }
        // Backend-led and UX-led have no vendor seam: in a trial where the same
        // risks strike both and none adds weeks, their slips are the same
        // product of the drawn factors (their plans differ by 32%).
        let ties = (0..n)
            .filter(|&t| samples.column(backend, metric)[t] == samples.column(ux, metric)[t])
            .count();
        assert!(ties > n / 3, "{metric:?}: {ties} ties of {n}");
        let row = comparisons(&samples)
            .into_iter()
            .find(|c| c.metric == metric && (c.a, c.b) == (backend.min(ux), backend.max(ux)))
            .expect("the pair's comparison");
        assert_eq!(row.p_tie, ties as f64 / n as f64, "{metric:?}");
    }
}
