//! The calibration checks C1-C12 of MODEL.md §5 on `scenarios/seed.toml`, and the
//! sanity checks of MODEL.md §6 on `scenarios/reference.toml`.
//!
//! Every check runs the real model at a fixed seed and asserts that the statistic
//! lies inside its band by a margin of three Monte Carlo standard errors, so that a
//! pass means the scenario satisfies the claim, not that this seed was lucky. The
//! standard error comes from batch means: the trials are cut into 20 consecutive
//! blocks, the statistic is computed on each, and se = sd(block values) / sqrt(20).

use std::ops::Range;
use std::sync::atomic::AtomicBool;

use tradeoff_sim::dist::Dist;
use tradeoff_sim::engine::{RunPlan, simulate};
use tradeoff_sim::metric::Metric;
use tradeoff_sim::model::Model;
use tradeoff_sim::scenario::{GovernanceCurve, Scenario, Strategy, from_path};
use tradeoff_sim::stats::Samples;
use tradeoff_sim::stats::{mean, quantile_sorted, sorted};

use crate::common::scenario;

const TRIALS: u64 = 200_000;
const SEED: u64 = 20_260_127;
const BLOCKS: usize = 20;

fn load(name: &str) -> Scenario {
    from_path(&scenario(name)).expect("shipped scenario is valid")
}

fn run(s: &Scenario, trials: u64) -> Samples {
    let plan = RunPlan {
        trials,
        seed: SEED,
        threads: 2,
    };
    simulate(&Model::new(s), &plan, &AtomicBool::new(false)).expect("run succeeds")
}

fn index(s: &Scenario, id: &str) -> usize {
    s.strategies
        .iter()
        .position(|st| st.id == id)
        .unwrap_or_else(|| panic!("strategy {id} in scenario"))
}

/// Adds a copy of strategy `base` named `id`, changed by `change`, with the same
/// risk probabilities unless `risk_probability` overrides one risk's.
fn add_variant(
    s: &mut Scenario,
    base: &str,
    id: &str,
    change: impl FnOnce(&mut Strategy),
    risk_probability: &[(&str, f64)],
) -> usize {
    let b = index(s, base);
    let mut st = s.strategies[b].clone();
    st.id = id.to_string();
    change(&mut st);
    s.strategies.push(st);
    for risk in &mut s.risks {
        let p = risk_probability
            .iter()
            .find(|(name, _)| *name == risk.name)
            .map(|(_, p)| GovernanceCurve::constant(*p))
            .unwrap_or(risk.probability[b]);
        risk.probability.push(p);
    }
    s.strategies.len() - 1
}

fn risk_name(s: &Scenario, starts_with: &str) -> String {
    s.risks
        .iter()
        .find(|r| r.name.starts_with(starts_with))
        .unwrap_or_else(|| panic!("a risk named {starts_with}..."))
        .name
        .clone()
}

/// A statistic with its Monte Carlo standard error.
#[derive(Debug, Clone, Copy)]
struct Estimate {
    value: f64,
    se: f64,
}

/// The statistic on all trials, and its batch-means standard error.
fn estimate(trials: usize, stat: impl Fn(Range<usize>) -> f64) -> Estimate {
    let size = trials / BLOCKS;
    let blocks: Vec<f64> = (0..BLOCKS)
        .map(|b| stat(b * size..(b + 1) * size))
        .collect();
    let m = mean(&blocks);
    let var = blocks.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (BLOCKS - 1) as f64;
    Estimate {
        value: stat(0..trials),
        se: (var / BLOCKS as f64).sqrt(),
    }
}

/// Asserts lo <= value - 3 se and value + 3 se <= hi.
#[track_caller]
fn assert_within(check: &str, e: Estimate, lo: f64, hi: f64) {
    let margin = 3.0 * e.se;
    assert!(
        e.value - margin >= lo && e.value + margin <= hi,
        "{check}: {:.4} +- {:.4} (3 se) is not inside [{lo}, {hi}]",
        e.value,
        margin
    );
}

fn median(values: &[f64]) -> f64 {
    quantile_sorted(&sorted(values), 0.5)
}

fn share(values: &[f64], pred: impl Fn(f64) -> bool) -> f64 {
    values.iter().filter(|&&x| pred(x)).count() as f64 / values.len() as f64
}

/// The seed scenario's default strategies, run once and shared by several checks.
fn seed_run() -> &'static (Scenario, Samples) {
    static RUN: std::sync::OnceLock<(Scenario, Samples)> = std::sync::OnceLock::new();
    RUN.get_or_init(|| {
        let s = load("seed.toml");
        let samples = run(&s, TRIALS);
        (s, samples)
    })
}

#[test]
fn c1_backend_median_build_is_20_to_30_percent_longer_than_ux() {
    let (s, r) = seed_run();
    let (b, u) = (index(s, "backend_led"), index(s, "ux_led"));
    let e = estimate(r.trials(), |t| {
        median(&r.column(b, Metric::BuildWeeks)[t.clone()])
            / median(&r.column(u, Metric::BuildWeeks)[t])
    });
    assert_within("C1 median build backend / UX", e, 1.20, 1.30);
}

#[test]
fn c2_backend_has_about_40_percent_fewer_emergency_fixes() {
    let (s, r) = seed_run();
    let (b, u) = (index(s, "backend_led"), index(s, "ux_led"));
    let e = estimate(r.trials(), |t| {
        mean(&r.column(b, Metric::EmergencyFixes)[t.clone()])
            / mean(&r.column(u, Metric::EmergencyFixes)[t])
    });
    assert_within("C2 mean fixes backend / UX", e, 0.55, 0.65);
}

#[test]
fn c3_api_failure_rates_are_53_percent_ux_and_29_percent_backend() {
    let (s, r) = seed_run();
    for (id, target) in [("ux_led", 0.53), ("backend_led", 0.29)] {
        let i = index(s, id);
        let e = estimate(r.trials(), |t| mean(&r.column(i, Metric::ApiFailure)[t]));
        assert_within(
            &format!("C3 P(api_failure) {id}"),
            e,
            target - 0.04,
            target + 0.04,
        );
    }
}

#[test]
fn c4_versioning_risk_alone_slows_the_median_build_by_12_to_18_percent() {
    let mut s = load("seed.toml");
    let versioning = risk_name(&s, "unclear API-versioning");
    // Every other risk off in both variants: the versioning risk alone.
    let names: Vec<String> = s.risks.iter().map(|r| r.name.clone()).collect();
    let off: Vec<(&str, f64)> = names.iter().map(|n| (n.as_str(), 0.0)).collect();
    let with: Vec<(&str, f64)> = names
        .iter()
        .map(|n| (n.as_str(), if *n == versioning { 1.0 } else { 0.0 }))
        .collect();
    let a = add_variant(&mut s, "ux_led", "ux_versioning_on", |_| {}, &with);
    let b = add_variant(&mut s, "ux_led", "ux_versioning_off", |_| {}, &off);
    let r = run(&s, TRIALS);
    let e = estimate(r.trials(), |t| {
        median(&r.column(a, Metric::BuildWeeks)[t.clone()])
            / median(&r.column(b, Metric::BuildWeeks)[t])
    });
    assert_within("C4 median slowdown from versioning alone", e, 1.12, 1.18);
}

/// Mean time to recovery per incident over a range of trials.
fn ttr_per_incident(r: &Samples, strategy: usize, t: Range<usize>) -> f64 {
    let hours: f64 = r.column(strategy, Metric::IncidentHours)[t.clone()]
        .iter()
        .sum();
    let incidents: f64 = r.column(strategy, Metric::Incidents)[t].iter().sum();
    hours / incidents
}

#[test]
fn c5_responsibility_matrix_cuts_ttr_by_a_third_and_adds_onboarding_weeks() {
    let mut s = load("seed.toml");
    let with = index(&s, "hybrid_ironclad");
    assert!(s.strategies[with].responsibility_matrix);
    let without = add_variant(
        &mut s,
        "hybrid_ironclad",
        "hybrid_ironclad_no_matrix",
        |st| st.responsibility_matrix = false,
        &[],
    );
    let r = run(&s, TRIALS);
    let ratio = estimate(r.trials(), |t| {
        ttr_per_incident(&r, with, t.clone()) / ttr_per_incident(&r, without, t)
    });
    assert_within("C5 TTR with / without matrix", ratio, 0.62, 0.72);
    let extra = estimate(r.trials(), |t| {
        mean(&r.column(with, Metric::BuildWeeks)[t.clone()])
            - mean(&r.column(without, Metric::BuildWeeks)[t])
    });
    assert_within("C5 extra build weeks from onboarding", extra, 1.0, 4.0);
}

#[test]
fn c6_tight_sla_devops_halves_time_to_recovery_all_else_equal() {
    let mut s = load("seed.toml");
    let standard = index(&s, "ux_led");
    let tight = s.strategies[index(&s, "backend_led")].ttr_median_hours;
    let devops = add_variant(
        &mut s,
        "ux_led",
        "ux_tight_sla",
        |st| st.ttr_median_hours = tight,
        &[],
    );
    let r = run(&s, TRIALS);
    let e = estimate(r.trials(), |t| {
        ttr_per_incident(&r, devops, t.clone()) / ttr_per_incident(&r, standard, t)
    });
    assert_within("C6 TTR tight SLA / standard", e, 0.45, 0.55);
}

#[test]
fn c7_late_load_defect_adds_3_to_5_weeks_and_hits_30_percent_of_ux_builds() {
    let mut s = load("seed.toml");
    let defect = risk_name(&s, "load-only defect");
    let u = index(&s, "ux_led");
    let r_index = s.risks.iter().position(|r| r.name == defect).unwrap();
    let p = s.risks[r_index].probability[u].at(s.strategies[u].governance);
    assert!((p - 0.30).abs() <= 0.03, "C7 P(load defect) UX = {p}");
    let on = add_variant(&mut s, "ux_led", "ux_defect_on", |_| {}, &[(&defect, 1.0)]);
    let off = add_variant(&mut s, "ux_led", "ux_defect_off", |_| {}, &[(&defect, 0.0)]);
    let r = run(&s, TRIALS);
    let e = estimate(r.trials(), |t| {
        mean(&r.column(on, Metric::BuildWeeks)[t.clone()])
            - mean(&r.column(off, Metric::BuildWeeks)[t])
    });
    assert_within("C7 mean extra weeks from the load defect", e, 3.0, 5.0);
}

#[test]
fn c8_degraded_walk_away_raises_ux_churn_by_about_18_percent_of_baseline() {
    let mut s = load("seed.toml");
    let walk = risk_name(&s, "partner walks away");
    let degraded = add_variant(
        &mut s,
        "ux_led",
        "ux_walks_degraded",
        |st| st.walk_away_unresolved_probability = GovernanceCurve::constant(1.0),
        &[(&walk, 1.0)],
    );
    let stays = add_variant(&mut s, "ux_led", "ux_stays", |_| {}, &[(&walk, 0.0)]);
    let baseline = s.churn.baseline_share;
    let r = run(&s, TRIALS);
    let e = estimate(r.trials(), |t| {
        (mean(&r.column(degraded, Metric::ChurnShare)[t.clone()])
            - mean(&r.column(stays, Metric::ChurnShare)[t]))
            / baseline
    });
    assert_within(
        "C8 relative churn increase from a degraded walk-away",
        e,
        0.14,
        0.22,
    );
}

#[test]
fn c9_backend_survives_a_10x_surge_and_ux_does_not() {
    // Every surge exactly 10x, and so many of them that every trial meets one: a
    // surge failure then happens exactly when the headroom H is below 10.
    let mut s = load("seed.toml");
    s.surges.multiple = Dist::constant(10.0).unwrap();
    s.surges.events_per_window = 60.0;
    let r = run(&s, 50_000);
    let outage = |id: &str| {
        let i = index(&s, id);
        estimate(r.trials(), |t| {
            share(&r.column(i, Metric::SurgeFailures)[t], |x| x > 0.0)
        })
    };
    let backend = outage("backend_led");
    let ux = outage("ux_led");
    let holds = Estimate {
        value: 1.0 - backend.value,
        se: backend.se,
    };
    assert_within("C9 P(H >= 10) backend", holds, 0.90, 1.0);
    assert_within("C9 P(H < 10) backend", backend, 0.0, 0.10);
    assert_within("C9 P(H < 10) UX", ux, 0.90, 1.0);
}

#[test]
fn c10_ironclad_hybrid_fails_like_backend_and_weak_hybrid_worse_than_ux() {
    let (s, r) = seed_run();
    let (b, u) = (index(s, "backend_led"), index(s, "ux_led"));
    let (strong, weak) = (index(s, "hybrid_ironclad"), index(s, "hybrid_weak"));
    assert_eq!(s.strategies[strong].governance, 0.9);
    assert_eq!(s.strategies[weak].governance, 0.2);
    let gap = estimate(r.trials(), |t| {
        (mean(&r.column(strong, Metric::ApiFailure)[t.clone()])
            - mean(&r.column(b, Metric::ApiFailure)[t]))
        .abs()
    });
    assert_within("C10 |P hybrid g=0.9 - P backend|", gap, 0.0, 0.05);
    let excess = estimate(r.trials(), |t| {
        mean(&r.column(weak, Metric::ApiFailure)[t.clone()])
            - mean(&r.column(u, Metric::ApiFailure)[t])
    });
    assert_within("C10 P hybrid g=0.2 - P UX", excess, 0.0, 1.0);
}

#[test]
fn c11_hybrid_at_typical_governance_needs_about_six_months_of_war_rooms() {
    let (s, r) = seed_run();
    let h = index(s, "hybrid");
    assert_eq!(s.strategies[h].governance, 0.5);
    let e = estimate(r.trials(), |t| {
        median(&r.column(h, Metric::WarRoomWeeks)[t])
    });
    assert_within("C11 median war-room weeks hybrid g=0.5", e, 20.0, 32.0);
}

#[test]
fn c12_hybrid_build_cost_overruns_the_budget_more_often_than_either_specialist() {
    let (s, r) = seed_run();
    let over = |id: &str| {
        let i = index(s, id);
        move |t: Range<usize>| share(&r.column(i, Metric::BudgetOverrun)[t], |x| x > 1.2)
    };
    let hybrid = estimate(r.trials(), over("hybrid"));
    assert_within("C12 P(build cost > 1.2 budget) hybrid", hybrid, 0.75, 1.0);
    for other in ["backend_led", "ux_led"] {
        let h = over("hybrid");
        let o = over(other);
        let gap = estimate(r.trials(), |t| h(t.clone()) - o(t));
        assert_within(&format!("C12 hybrid above {other}"), gap, 0.0, 1.0);
    }
}

#[test]
fn seed_prototype_story_ux_cheapest_at_median_with_fattest_tail() {
    let (s, r) = seed_run();
    let (b, u) = (index(s, "backend_led"), index(s, "ux_led"));
    let q = |i: usize, p: f64| quantile_sorted(&sorted(r.column(i, Metric::TotalCost)), p);
    assert!(q(u, 0.5) < q(b, 0.5), "UX-led cheapest at the median");
    assert!(q(u, 0.95) > q(b, 0.95), "UX-led has the fatter tail");
}

/// The reference scenario's backend strategy, run once.
fn reference_run() -> &'static (Scenario, Samples) {
    static RUN: std::sync::OnceLock<(Scenario, Samples)> = std::sync::OnceLock::new();
    RUN.get_or_init(|| {
        let s = load("reference.toml");
        let samples = run(&s, TRIALS);
        (s, samples)
    })
}

#[test]
fn reference_backend_overruns_budget_by_half_in_12_to_25_percent_of_projects() {
    let (s, r) = reference_run();
    let b = index(s, "backend_led");
    let e = estimate(r.trials(), |t| {
        share(&r.column(b, Metric::BudgetOverrun)[t], |x| x > 1.5)
    });
    assert_within("reference P(budget_overrun > 1.5) backend", e, 0.12, 0.25);
}

#[test]
fn reference_backend_mean_overrun_is_25_to_45_percent() {
    let (s, r) = reference_run();
    let b = index(s, "backend_led");
    let e = estimate(r.trials(), |t| {
        mean(&r.column(b, Metric::BudgetOverrun)[t]) - 1.0
    });
    assert_within("reference mean budget_overrun - 1 backend", e, 0.25, 0.45);
}

#[test]
fn reference_emergency_fixes_are_overdispersed() {
    let (s, r) = reference_run();
    for st in 0..s.strategies.len() {
        let e = estimate(r.trials(), |t| {
            let v = &r.column(st, Metric::EmergencyFixes)[t];
            let m = mean(v);
            let var = v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (v.len() - 1) as f64;
            var / m
        });
        assert_within(
            &format!("reference fix variance / mean, {}", s.strategies[st].id),
            e,
            1.0,
            f64::INFINITY,
        );
    }
}

#[test]
fn reference_backend_recovers_within_a_day_in_95_percent_of_incidents() {
    // P(TTR < 24 h) for one incident of the backend strategy: the TTR is
    // lognormal(median, sigma), so count draws of exactly the model's sampler.
    let s = load("reference.toml");
    let b = &s.strategies[index(&s, "backend_led")];
    assert!(!b.vendor_seam && !b.responsibility_matrix);
    let ttr = Dist::lognormal(b.ttr_median_hours.at(b.governance), s.incidents.ttr_sigma).unwrap();
    use rand::SeedableRng;
    let mut rng = rand::rngs::Xoshiro256PlusPlus::seed_from_u64(SEED);
    let n = 200_000;
    let draws: Vec<f64> = (0..n).map(|_| ttr.sample(&mut rng)).collect();
    let e = estimate(n, |t| share(&draws[t], |x| x < 24.0));
    assert_within("reference P(TTR < 24 h) backend", e, 0.95, 1.0);
}
