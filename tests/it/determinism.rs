//! Reproducibility: the same scenario, seed and trial count give byte-identical CSV
//! whatever the thread count; a different seed gives different numbers.

use std::fs;
use std::path::Path;

use crate::common::{run_in, scenario, stderr};

/// Runs seed.toml with `threads` and `seed` into `dir/name`; returns the CSV bytes.
fn csv_files(dir: &Path, name: &str, threads: usize, seed: u64) -> Vec<(String, Vec<u8>)> {
    let out = dir.join(name);
    let o = run_in(
        dir,
        &[
            "run",
            scenario("seed.toml").to_str().unwrap(),
            // Not a multiple of the batch size: the last batch is partial.
            "--trials",
            "20000",
            "--seed",
            &seed.to_string(),
            "--threads",
            &threads.to_string(),
            "--out",
            out.to_str().unwrap(),
            "--trials-csv",
        ],
    );
    assert!(o.status.success(), "run failed: {}", stderr(&o));
    [
        "summary.csv",
        "comparison.csv",
        "histograms.csv",
        "trials.csv",
    ]
    .iter()
    .map(|f| (f.to_string(), fs::read(out.join(f)).expect("file written")))
    .collect()
}

#[test]
fn same_seed_same_csv_bytes_on_one_two_and_eight_threads() {
    let dir = tempfile::tempdir().unwrap();
    let one = csv_files(dir.path(), "t1", 1, 7);
    let two = csv_files(dir.path(), "t2", 2, 7);
    let eight = csv_files(dir.path(), "t8", 8, 7);
    for ((name, a), ((_, b), (_, c))) in one.iter().zip(two.iter().zip(eight.iter())) {
        assert!(a == b, "{name} differs between 1 and 2 threads");
        assert!(a == c, "{name} differs between 1 and 8 threads");
    }
}

#[test]
fn different_seeds_give_different_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let a = csv_files(dir.path(), "a", 2, 1);
    let b = csv_files(dir.path(), "b", 2, 2);
    assert_ne!(a[0].1, b[0].1, "summary.csv identical for seeds 1 and 2");
}

#[test]
fn the_seed_in_the_scenario_is_used_when_no_seed_is_given() {
    let dir = tempfile::tempdir().unwrap();
    let run = |name: &str| {
        let out = dir.path().join(name);
        let o = run_in(
            dir.path(),
            &[
                "run",
                scenario("seed.toml").to_str().unwrap(),
                "--trials",
                "3000",
                "--out",
                out.to_str().unwrap(),
            ],
        );
        assert!(o.status.success(), "{}", stderr(&o));
        fs::read(out.join("summary.csv")).unwrap()
    };
    assert_eq!(run("x"), run("y"));
}

/// summary.csv rows of one strategy.
fn rows_of(summary: &str, strategy: &str) -> Vec<String> {
    summary
        .lines()
        .filter(|l| l.split(',').nth(1) == Some(strategy))
        .map(str::to_string)
        .collect()
}

/// summary.csv of 9,000 trials of seed.toml with `set` overrides, run into
/// `dir/name`.
fn seed_summary_with(dir: &std::path::Path, name: &str, set: &[&str]) -> String {
    let out = dir.join(name);
    let seed = scenario("seed.toml");
    let mut args = vec![
        "run",
        seed.to_str().unwrap(),
        "--trials",
        "9000",
        "--charts",
        "none",
        "--out",
        out.to_str().unwrap(),
    ];
    for s in set {
        args.extend_from_slice(&["--set", s]);
    }
    let o = run_in(dir, &args);
    assert!(o.status.success(), "{}", stderr(&o));
    fs::read_to_string(out.join("summary.csv")).unwrap()
}

#[test]
fn changing_one_strategy_leaves_every_other_strategy_identical() {
    let dir = tempfile::tempdir().unwrap();
    let run = |name: &str, set: &[&str]| seed_summary_with(dir.path(), name, set);
    let base = run("base", &[]);
    let changed = run(
        "changed",
        &[
            "strategies.hybrid.governance=0.8",
            "strategies.hybrid.api_failure_rate=3.0",
        ],
    );
    for other in ["backend_led", "ux_led", "hybrid_ironclad", "hybrid_weak"] {
        assert_eq!(
            rows_of(&base, other),
            rows_of(&changed, other),
            "{other} changed"
        );
    }
    assert_ne!(rows_of(&base, "hybrid"), rows_of(&changed, "hybrid"));
}

#[test]
fn precision_run_stops_at_the_same_count_and_matches_a_plain_run_of_that_count() {
    let dir = tempfile::tempdir().unwrap();
    let seed = scenario("seed.toml");
    let run = |name: &str, extra: &[&str]| {
        let out = dir.path().join(name);
        let mut args = vec![
            "run",
            seed.to_str().unwrap(),
            "--charts",
            "none",
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let o = run_in(dir.path(), &args);
        assert!(o.status.success(), "{}", stderr(&o));
        (out, crate::common::stdout(&o))
    };
    // 0.006 needs more than the first 65,536 trials on seed.toml, so it adds batches.
    let (a, text) = run("a", &["--precision", "0.006", "--threads", "1"]);
    let (b, _) = run("b", &["--precision", "0.006", "--threads", "2"]);
    let line = text
        .lines()
        .find(|l| l.starts_with("precision: "))
        .expect("a precision line");
    assert!(line.contains("reached"), "{line}");
    let manifest = fs::read_to_string(a.join("manifest.json")).unwrap();
    let trials: u64 = manifest
        .lines()
        .find_map(|l| l.trim().strip_prefix("\"trials\": "))
        .and_then(|v| v.trim_end_matches(',').parse().ok())
        .expect("trials in the manifest");
    assert!(
        trials > 65_536 && trials.is_multiple_of(tradeoff_sim::engine::BATCH_TRIALS),
        "{trials}"
    );
    let (c, _) = run("c", &["--trials", &trials.to_string()]);
    let summary = |d: &std::path::Path| fs::read(d.join("summary.csv")).unwrap();
    assert_eq!(summary(&a), summary(&b));
    assert_eq!(summary(&a), summary(&c));
}

#[test]
fn precision_outside_zero_to_one_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let o = run_in(
        dir.path(),
        &[
            "run",
            scenario("seed.toml").to_str().unwrap(),
            "--precision",
            "0",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--precision must be between 0 and 1"));
    assert!(!dir.path().join("output").exists());
}

/// Common random numbers reach the risk register's effects: when a risk hits two
/// strategies in one trial, both take the same draw of its effects (the same
/// black-swan multiplier, the same slowdown, the same delay), so a difference
/// between them is theirs, not luck. A twin of `hybrid` under another id draws its
/// own operational noise, yet builds in exactly the same weeks on every trial.
#[test]
fn a_risk_that_hits_two_strategies_has_the_same_effects_on_both() {
    use std::sync::atomic::AtomicBool;
    use tradeoff_sim::engine::{RunPlan, simulate};
    use tradeoff_sim::metric::Metric;
    use tradeoff_sim::model::Model;

    let mut s = tradeoff_sim::scenario::from_path(&scenario("seed.toml")).unwrap();
    let hybrid = s
        .strategies
        .iter()
        .position(|st| st.id == "hybrid")
        .unwrap();
    let mut twin = s.strategies[hybrid].clone();
    twin.id = "hybrid_twin".into();
    s.strategies.push(twin);
    for risk in &mut s.risks {
        let p = risk.probability[hybrid];
        risk.probability.push(p);
    }
    let model = Model::new(&s);
    let plan = RunPlan {
        trials: 20_000,
        seed: 7,
        threads: 2,
    };
    let samples = simulate(&model, &plan, &AtomicBool::new(false)).unwrap();
    let twin = s.strategies.len() - 1;
    let weeks = |i| samples.column(i, Metric::BuildWeeks);
    assert_eq!(weeks(hybrid), weeks(twin));
    // The risks did hit: a black swan (capped or not) and slowdowns spread the
    // build weeks far beyond the estimate's PERT range.
    let base = weeks(hybrid).iter().copied().fold(f64::INFINITY, f64::min);
    assert!(weeks(hybrid).iter().any(|&w| w > 3.0 * base));
    // And the twin is not a copy: its own stream gives other incidents.
    let hours = |i| samples.column(i, Metric::DowntimeHours);
    assert_ne!(hours(hybrid), hours(twin));
}

/// summary.csv rows of one metric, for every strategy (or for one, if named).
fn metric_rows(summary: &str, metric: &str, strategy: Option<&str>) -> Vec<String> {
    summary
        .lines()
        .filter(|l| {
            let mut cells = l.split(',');
            let st = cells.nth(1);
            cells.next() == Some(metric) && strategy.is_none_or(|s| st == Some(s))
        })
        .map(str::to_string)
        .collect()
}

/// A sweep or a tornado compares runs that differ in one parameter; it is only
/// honest if the parameter moves nothing but what it drives. So a change that
/// draws more or fewer random numbers (more surges, another frailty shape, a
/// higher failure rate) must leave every metric upstream of it identical, on every
/// trial: the draws of one driver never shift the draws of another, in this trial
/// or the next.
#[test]
fn a_parameter_moves_only_the_metrics_it_drives() {
    let dir = tempfile::tempdir().unwrap();
    let run = |name: &str, set: &[&str]| seed_summary_with(dir.path(), name, set);
    let base = run("base", &[]);
    let build = [
        "build_weeks",
        "schedule_slip",
        "build_cost",
        "budget_overrun",
    ];
    let cases: [(&str, Option<&str>, Vec<&str>, &str); 5] = [
        (
            "surges.events_per_window=3.0",
            None,
            [&build[..], &["api_failures", "war_room_weeks"]].concat(),
            "surge_failures",
        ),
        (
            "drivers.frailty_shape=0.8",
            None,
            [&build[..], &["surge_failures", "war_room_weeks"]].concat(),
            "api_failures",
        ),
        (
            "build.estimate={ pert = [0.8, 1.0, 1.7] }",
            None,
            vec![
                "api_failures",
                "surge_failures",
                "incidents",
                "war_room_weeks",
            ],
            "build_weeks",
        ),
        (
            "strategies.ux_led.api_failure_rate=2.0",
            Some("ux_led"),
            [&build[..], &["surge_failures", "war_room_weeks"]].concat(),
            "api_failures",
        ),
        (
            "strategies.ux_led.headroom_median=2.0",
            Some("ux_led"),
            [&build[..], &["api_failures", "incidents", "war_room_weeks"]].concat(),
            "surge_failures",
        ),
    ];
    for (i, (set, strategy, unmoved, moved)) in cases.iter().enumerate() {
        let changed = run(&format!("case{i}"), &[set]);
        for metric in unmoved {
            let rows = metric_rows(&base, metric, *strategy);
            assert!(!rows.is_empty(), "{metric}");
            assert_eq!(
                rows,
                metric_rows(&changed, metric, *strategy),
                "{set} moved {metric}"
            );
        }
        assert_ne!(
            metric_rows(&base, moved, *strategy),
            metric_rows(&changed, moved, *strategy),
            "{set} left {moved} as it was"
        );
    }
}
