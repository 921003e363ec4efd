//! What-if commands reuse what a setting does not change: a sweep does not
//! simulate again a strategy whose outcomes a point leaves as they were, and a
//! sensitivity keeps, recomputes from the base run's draws, or simulates alone
//! each strategy at each swung setting. Every figure must be the full
//! recomputation's, bit for bit: on every shipped scenario, every swung key and
//! risk, and the metrics whose arithmetic the recomputation repeats.

use std::sync::atomic::AtomicBool;

use tradeoff_sim::analysis::sensitivity::{self, Sensitivity, SensitivityPlan};
use tradeoff_sim::analysis::sweep::{self, Sweep, SweepParam, SweepPlan};
use tradeoff_sim::metric::Metric;
use tradeoff_sim::model::Model;
use tradeoff_sim::scenario::{Override, ScenarioSource};

use crate::common::scenario;

/// Every scenario the project ships.
const SHIPPED: [&str; 6] = [
    "seed.toml",
    "reference.toml",
    "peak-season.toml",
    "hybrid-weak-governance.toml",
    "ux-weak-governance-black-friday.toml",
    "examples/northwind.toml",
];

static NEVER: AtomicBool = AtomicBool::new(false);

fn source(name: &str) -> ScenarioSource {
    ScenarioSource::read(&scenario(name)).expect("a shipped scenario reads")
}

fn set(key: &str, value: &str) -> Override {
    Override {
        key: key.to_string(),
        value: value.to_string(),
    }
}

/// The sensitivity of `metric`'s `stat`, reusing (`reuse`) or not.
fn sensitivity_of(
    source: &ScenarioSource,
    metric: Metric,
    stat: &str,
    trials: u64,
    reuse: bool,
) -> Sensitivity {
    let plan = SensitivityPlan {
        scenario: source,
        base: &[],
        strategies: &[],
        metric,
        stat,
        trials,
        seed: Some(9),
        threads: 2,
    };
    let result = if reuse {
        let prepared = sensitivity::prepare(&plan, &NEVER).expect("the swings read");
        sensitivity::run(prepared, &plan, &NEVER, &|_| {})
    } else {
        let prepared = sensitivity::prepare_full(&plan, &NEVER).expect("the swings read");
        sensitivity::run_full(prepared, &plan, &NEVER, &|_| {})
    };
    result.expect("the runs finish")
}

/// Every swung value of every driver, kept, recomputed or simulated, is the full
/// recomputation's to the bit; the first difference names its scenario, metric,
/// key and strategy.
#[test]
fn a_sensitivity_that_reuses_gives_the_full_recomputations_figures_bit_for_bit() {
    let mut reused = sensitivity::ReuseCount::default();
    for name in SHIPPED {
        let source = source(name);
        let parsed = source.parse(&[]).expect("a valid scenario");
        let mut metrics = vec![(Metric::TotalCost, "p80")];
        if name == "seed.toml" {
            metrics.extend([
                (Metric::BuildWeeks, "mean"),
                (Metric::ChurnUplift, "p95"),
                (Metric::BudgetOverrun, "p50"),
                (Metric::WarRoomWeeks, "mean"),
            ]);
        }
        for metric in [Metric::OnTime, Metric::FreezeWaitWeeks] {
            if parsed.check_metric(metric).is_ok() {
                metrics.push((metric, "mean"));
            }
        }
        for (metric, stat) in metrics {
            let fast = sensitivity_of(&source, metric, stat, 600, true);
            let full = sensitivity_of(&source, metric, stat, 600, false);
            let bits = |x: f64| x.to_bits();
            let what = format!("{name}, {stat} {}", metric.id());
            assert_eq!(
                fast.base.iter().map(|&x| bits(x)).collect::<Vec<_>>(),
                full.base.iter().map(|&x| bits(x)).collect::<Vec<_>>(),
                "{what}: the base"
            );
            for (d, driver) in full.drivers.iter().enumerate() {
                for (s, (&(lo, hi), &(flo, fhi))) in
                    fast.values[d].iter().zip(&full.values[d]).enumerate()
                {
                    assert!(
                        bits(lo) == bits(flo) && bits(hi) == bits(fhi),
                        "{what}: {} for strategy {s}: reused ({lo}, {hi}), full ({flo}, {fhi})",
                        driver.key
                    );
                }
            }
            assert_eq!(full.reuse.kept + full.reuse.resettled, 0);
            reused.kept += fast.reuse.kept;
            reused.resettled += fast.reuse.resettled;
            reused.simulated += fast.reuse.simulated;
        }
    }
    // The comparison means something only if reuse happened, both ways.
    assert!(
        reused.kept > 100 && reused.resettled > 100,
        "too little reuse to test: {reused:?}"
    );
}

/// The draws and the sums are split where the model splits them: a cost, a
/// burn, a plan multiplier or a churn value changes no draw; a rate, a
/// distribution or a share drawn against does.
#[test]
fn a_key_read_only_after_the_draws_changes_no_draw() {
    let source = source("seed.toml");
    let base = Model::new(&source.parse(&[]).expect("valid")).fingerprint();
    let hybrid = 2;
    let after = |key: &str, value: &str| {
        Model::new(&source.parse(&[set(key, value)]).expect("valid")).fingerprint()
    };
    let draw_free = [
        ("cost.hourly_rate", "170"),
        ("cost.downtime_loss_per_hour", "9000"),
        ("cost.war_room_week_cost", "10000"),
        ("cost.war_room_weeks", "{ g0 = 40, g1 = 0 }"),
        ("cost.overrun_staffing_factor", "0.5"),
        ("churn.customers", "500000"),
        ("churn.baseline_share", "0.3"),
        ("build.plan_weeks", "30"),
        ("build.seam_share", "0.3"),
        ("strategies.hybrid.weekly_burn", "70000"),
        ("strategies.hybrid.plan_multiplier", "1.2"),
        ("strategies.hybrid.responders", "6"),
    ];
    for (key, value) in draw_free {
        let swung = after(key, value);
        assert!(
            swung.same_draws(hybrid, &base, hybrid),
            "{key} changes a draw"
        );
        assert!(
            !swung.same_outcomes(hybrid, &base, hybrid),
            "{key} changes nothing"
        );
    }
    let drawn = [
        ("surges.events_per_window", "2"),
        ("build.estimate", "{ pert = [0.9, 1.0, 1.5] }"),
        ("incidents.ttr_sigma", "1.0"),
        ("incidents.seam_crossing_probability", "0.4"),
        ("cost.fix_effort_hours", "{ triangular = [10, 40, 80] }"),
        ("strategies.hybrid.governance", "0.6"),
        ("strategies.hybrid.headroom_sigma", "0.4"),
        ("risks[0].probability.hybrid", "0.5"),
    ];
    for (key, value) in drawn {
        let swung = after(key, value);
        assert!(
            !swung.same_draws(hybrid, &base, hybrid),
            "{key} changes no draw"
        );
    }
    // A strategy's own key leaves every other strategy's outcomes as they are;
    // the seam's crossing probability only the strategies with a seam.
    let own = after("strategies.hybrid.governance", "0.6");
    let seam = after("incidents.seam_crossing_probability", "0.4");
    let ux_led = 1;
    assert!(own.same_outcomes(ux_led, &base, ux_led));
    assert!(seam.same_outcomes(ux_led, &base, ux_led));
    assert!(!seam.same_draws(hybrid, &base, hybrid));
}

fn sweep_of(name: &str, params: &[SweepParam], trials: u64, reuse: bool) -> Sweep {
    let source = source(name);
    let plan = SweepPlan {
        scenario: &source,
        base: &[],
        params,
        variants: &[],
        trials: Some(trials),
        seed: Some(3),
        threads: 2,
    };
    let run = if reuse { sweep::run } else { sweep::run_full };
    run(&plan, &NEVER, &|_| {}).expect("the sweep runs")
}

fn param(key: &str, values: &[&str]) -> SweepParam {
    SweepParam {
        key: key.to_string(),
        values: values.iter().map(|v| v.to_string()).collect(),
        origin: format!("--param {key}"),
    }
}

/// A sweep that reuses the strategies a point does not change writes the same
/// summaries as one that simulates every strategy at every point: over a
/// strategy's key, a shared key, two keys at once, a key only the arithmetic
/// reads, and a scenario with known events and targets.
#[test]
fn a_sweep_that_reuses_gives_the_full_sweeps_summaries_bit_for_bit() {
    // Above the trials whose samples a run of five strategies keeps for exact
    // quantiles, below those of a run of one: a strategy simulated alone must
    // take its quantiles from the sketch, as the full run does.
    let sketched = tradeoff_sim::stats::exact_trials(5) + 1000;
    assert!(sketched < tradeoff_sim::stats::exact_trials(1));
    let cases: Vec<(&str, Vec<SweepParam>, u64)> = vec![
        (
            "seed.toml",
            vec![param(
                "strategies.hybrid.governance",
                &["0.1", "0.4", "0.7", "1.0"],
            )],
            3000,
        ),
        (
            "seed.toml",
            vec![param("strategies.hybrid.governance", &["0.2", "0.8"])],
            sketched,
        ),
        (
            "seed.toml",
            vec![
                param("strategies.ux_led.weekly_burn", &["40000", "60000"]),
                param("surges.events_per_window", &["1", "3"]),
            ],
            3000,
        ),
        (
            "reference.toml",
            vec![param("cost.hourly_rate", &["100", "200"])],
            3000,
        ),
        (
            "examples/northwind.toml",
            vec![param("build.plan_weeks", &["20", "30"])],
            3000,
        ),
    ];
    for (name, params, trials) in cases {
        let fast = sweep_of(name, &params, trials, true);
        let full = sweep_of(name, &params, trials, false);
        assert_eq!(fast.points.len(), full.points.len());
        for (a, b) in fast.points.iter().zip(&full.points) {
            assert_eq!(a.values, b.values);
            // Debug prints every float as the shortest text that reads back to it.
            assert_eq!(
                format!("{:?}", a.summaries),
                format!("{:?}", b.summaries),
                "{name} at {:?}",
                a.values
            );
        }
    }
}

/// A run that reads only each column's summaries does not compare strategies
/// (no pairs, wins or regret), and its summaries are a full partial's, bit for
/// bit: from the sketch and from stored samples.
#[test]
fn summaries_without_the_comparisons_are_the_full_partials() {
    use tradeoff_sim::engine::{self, BATCH_TRIALS, RunPlan};
    use tradeoff_sim::stats;
    let model = Model::new(&source("seed.toml").parse(&[]).expect("valid"));
    for (trials, keep) in [(3 * BATCH_TRIALS + 17, false), (5000, true)] {
        let plan = RunPlan {
            trials,
            seed: 5,
            threads: 2,
        };
        let all = 0..trials.div_ceil(BATCH_TRIALS);
        let full = engine::summarise(&model, &plan, all, keep, &NEVER, &|_| {}).expect("runs");
        let expected = stats::summaries_of(&full.partial, full.samples.as_ref());
        let alone =
            engine::run_summaries_keeping(&model, &plan, keep, &NEVER, &|_| {}).expect("runs");
        assert_eq!(
            format!("{alone:?}"),
            format!("{expected:?}"),
            "{trials} trials, samples kept: {keep}"
        );
    }
}
