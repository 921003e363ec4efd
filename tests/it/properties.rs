//! Property tests over generated valid scenarios (every parameter within its
//! documented range, 1-6 strategies, 0-8 risks, a few hundred trials), through the
//! library: no NaN or infinity anywhere, quantiles in order and within
//! [min, max], probabilities in [0, 1], nothing negative, total cost the sum of its
//! parts in every trial, histogram counts summing to the trials.

use std::sync::atomic::AtomicBool;

use proptest::prelude::*;
use proptest::test_runner::RngSeed;
use tradeoff_sim::engine::{RunPlan, simulate};
use tradeoff_sim::metric::{Metric, Unit};
use tradeoff_sim::model::Model;
use tradeoff_sim::scenario;
use tradeoff_sim::stats::{Samples, comparisons, histograms, summaries};

use crate::generated::Spec;

/// Uniforms consumed by [`Spec::random`]; past the end it reads 0.5.
fn uniforms() -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(0.0f64..1.0, 600)
}

fn simulated(spec: &Spec) -> Result<Samples, TestCaseError> {
    let text = spec.to_toml();
    let s = scenario::from_str(&text, "generated").map_err(|problems| {
        let list: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        // The generator draws rates and risk multipliers independently, so some
        // draws expect more events in one trial than any project has; refusing
        // those is the documented bound (MAX_EVENTS_PER_TRIAL), not a failure.
        if list.iter().all(|p| p.contains("one trial may hold")) {
            return TestCaseError::reject("beyond the per-trial work bound");
        }
        TestCaseError::fail(format!(
            "a generated scenario is refused:\n{}\n{text}",
            list.join("\n")
        ))
    })?;
    let model = Model::new(&s);
    let plan = RunPlan {
        trials: s.trials,
        seed: s.seed,
        threads: 1,
    };
    simulate(&model, &plan, &AtomicBool::new(false))
        .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))
}

fn check(samples: &Samples) -> Result<(), TestCaseError> {
    let n = samples.trials();
    for s in 0..samples.strategies() {
        for m in Metric::ALL {
            for &x in samples.column(s, m) {
                prop_assert!(x.is_finite() && x >= 0.0, "{m:?} = {x}");
                if matches!(m.unit(), Unit::Count | Unit::Indicator) {
                    prop_assert_eq!(x.fract(), 0.0, "{:?} = {} is not whole", m, x);
                }
                if matches!(m.unit(), Unit::Share | Unit::Indicator) {
                    prop_assert!(x <= 1.0, "{m:?} = {x} above 1");
                }
            }
        }
        let parts = [
            Metric::BuildCost,
            Metric::OpsCost,
            Metric::DowntimeLoss,
            Metric::ChurnLoss,
        ];
        for t in 0..n {
            let total = samples.column(s, Metric::TotalCost)[t];
            let sum: f64 = parts.iter().map(|&m| samples.column(s, m)[t]).sum();
            prop_assert!(
                (total - sum).abs() <= 1e-9 * total.abs().max(1.0),
                "trial {t}: total {total} != parts {sum}"
            );
        }
    }
    for summary in summaries(samples) {
        let q = summary.quantiles;
        let fields = [
            summary.mean,
            summary.std_dev,
            summary.std_err,
            summary.min,
            summary.max,
        ];
        prop_assert!(
            fields.iter().chain(&q).all(|x| x.is_finite()),
            "{summary:?}"
        );
        prop_assert!(summary.min <= q[0] && q[8] <= summary.max, "{summary:?}");
        prop_assert!(q.windows(2).all(|w| w[0] <= w[1]), "{summary:?}");
        prop_assert!(
            summary.min <= summary.mean && summary.mean <= summary.max * (1.0 + 1e-12),
            "{summary:?}"
        );
        if matches!(summary.metric.unit(), Unit::Share | Unit::Indicator) {
            prop_assert!((0.0..=1.0).contains(&summary.mean), "{summary:?}");
        }
    }
    for c in comparisons(samples) {
        for p in [c.p_a_better, c.p_tie, c.p_b_better, c.p_best_a, c.p_best_b] {
            prop_assert!((0.0..=1.0).contains(&p), "{c:?}");
        }
        prop_assert!(
            (c.p_a_better + c.p_tie + c.p_b_better - 1.0).abs() < 1e-9,
            "{c:?}"
        );
        prop_assert!(
            c.mean_diff.is_finite() && c.ci95.0.is_finite() && c.ci95.1.is_finite(),
            "{c:?}"
        );
        prop_assert!(c.ci95.0 <= c.ci95.1, "{c:?}");
    }
    for h in histograms(samples) {
        let total: u64 = h.bins.iter().map(|b| b.count).sum();
        prop_assert_eq!(total, n as u64, "{:?} {:?}", h.metric, h.strategy);
        for b in &h.bins {
            prop_assert!(
                b.low.is_finite() && b.high.is_finite() && b.low <= b.high,
                "{b:?}"
            );
        }
    }
    Ok(())
}

proptest! {
    // A fixed seed: CI explores the same 48 scenarios on every run (reproducible),
    // and a change to the generator or the model explores new ones.
    #![proptest_config(ProptestConfig {
        cases: 48,
        rng_seed: RngSeed::Fixed(20_261_207),
        ..ProptestConfig::default()
    })]

    #[test]
    fn every_output_of_a_valid_scenario_is_finite_ordered_and_consistent(
        strategies in 1usize..=6,
        risks in 0usize..=8,
        trials in 1u64..=400,
        draws in uniforms(),
    ) {
        let mut next = draws.into_iter();
        let mut u = move || next.next().unwrap_or(0.5);
        let spec = Spec::random(strategies, risks, trials, &mut u);
        let samples = simulated(&spec)?;
        check(&samples)?;
    }
}
