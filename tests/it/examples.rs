//! The worked example of docs/walkthrough.md: it validates without a warning, and a
//! run reports what the walkthrough reads from it (the chance of launching by the
//! promised date, of being live for Black Friday and of failing during it).

use std::fs;

use crate::common::{assert_success, root, run_in, stderr};

fn example() -> String {
    root()
        .join("scenarios/examples/northwind.toml")
        .display()
        .to_string()
}

#[test]
fn the_worked_example_states_only_client_facts_in_under_forty_lines() {
    let text = fs::read_to_string(example()).expect("worked example");
    assert!(text.lines().count() < 40, "{} lines", text.lines().count());
    assert!(text.contains("extends = \"reference\""));
}

#[test]
fn the_worked_example_validates_with_no_warning() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(dir.path(), &["validate", &example()]);
    assert_success(&out, "validate northwind.toml");
    assert!(
        !stderr(&out).contains("warning"),
        "unexpected warning: {}",
        stderr(&out)
    );
}

#[test]
fn the_worked_example_reports_on_time_and_black_friday_per_option() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(
        dir.path(),
        &[
            "run",
            &example(),
            "--trials",
            "4096",
            "--charts",
            "none",
            "--out",
            "nw",
        ],
    );
    assert_success(&out, "run northwind.toml");
    let summary = fs::read_to_string(dir.path().join("nw/summary.csv")).unwrap();
    for strategy in ["backend_led", "ux_led", "hybrid"] {
        for metric in [
            "on_time",
            "event_live.black_friday",
            "event_failure.black_friday",
            "freeze_wait_weeks",
        ] {
            assert!(
                summary
                    .lines()
                    .any(|l| l.contains(strategy) && l.contains(&format!(",{metric},"))),
                "summary.csv has no {metric} row for {strategy}"
            );
        }
    }
    for dropped in ["hybrid_ironclad", "hybrid_weak"] {
        assert!(!summary.contains(dropped), "{dropped} was dropped");
    }
}
