//! `tradeoff-sim sensitivity`: the tornado ranks drivers in the order a synthetic
//! scenario makes certain, a risk is one driver, stated ranges are used and bad
//! ones refused with their location, the files do not depend on the thread count,
//! the charts render, and recording drivers leaves a run's numbers unchanged.

use std::fs;
use std::path::Path;
use std::sync::atomic::AtomicBool;

use tradeoff_sim::engine::{self, RunPlan};
use tradeoff_sim::metric::Metric;
use tradeoff_sim::model::Model;

use crate::common::{run_in, scenario, stderr, stdout};

/// One strategy whose cost is weekly burn x build weeks, nothing else: no
/// estimate error, no complexity, no incidents, no surges, no walk-away, no
/// overrun staffing. Three risks add 20, 8 and 2 weeks with probability 0.5.
/// Mean total cost = 1000 x (10 + 0.5 x (20 + 8 + 2)) = 25,000, so on the mean:
/// risk "large" moves it by 20,000 (off to on), the burn x0.8/x1.2 by 10,000,
/// risk "medium" by 8,000, the plan weeks x0.8/x1.2 by 4,000, risk "small" by 2,000.
const SYNTHETIC: &str = r#"title = "Synthetic tornado"
trials = 1000
seed = 11

[drivers]
complexity_on_build = 0
complexity_on_frailty = 0

[build]
plan_weeks = 10
estimate = 1

[surges]
events_per_window = 0

[churn]
customers = 1000
lifetime_value = 100

[cost]
downtime_loss_per_hour = 1000
hourly_rate = 100
war_room_week_cost = 1000
overrun_staffing_factor = 0

[strategies.only]
governance = 0.5
weekly_burn = 1000
api_failure_rate = 0
other_fix_rate = 0
headroom_median = 100
headroom_sigma = 0
ttr_median_hours = 1
walk_away_unresolved_probability = 0
walk_away_degraded_weeks = 0

[[risks]]
name = "small"
probability = 0.5
delay_weeks = 2

[[risks]]
name = "large"
probability = 0.5
delay_weeks = 20

[[risks]]
name = "medium"
probability = 0.5
delay_weeks = 8
"#;

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

/// tornado.csv rows as (driver, columns by header name).
fn rows(csv: &str) -> Vec<std::collections::BTreeMap<String, String>> {
    let mut lines = csv.lines();
    let header: Vec<String> = lines
        .next()
        .unwrap()
        .split(',')
        .map(str::to_string)
        .collect();
    lines
        .map(|l| {
            // No field of these tests' files holds a comma inside quotes.
            header
                .iter()
                .cloned()
                .zip(l.split(',').map(|f| f.trim_matches('"').to_string()))
                .collect()
        })
        .collect()
}

fn sensitivity(dir: &Path, scenario: &str, extra: &[&str]) -> std::process::Output {
    let out = dir.join("out");
    let mut args = vec![
        "sensitivity",
        scenario,
        "--out",
        out.to_str().unwrap(),
        "--force",
    ];
    args.extend_from_slice(extra);
    run_in(dir, &args)
}

#[test]
fn tornado_ranks_a_synthetic_scenario_in_the_known_order() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "synthetic.toml", SYNTHETIC);
    let o = sensitivity(
        dir.path(),
        &file,
        &["--stat", "mean", "--trials", "20000", "--charts", "none"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let csv = fs::read_to_string(dir.path().join("out/tornado.csv")).unwrap();
    assert!(csv.starts_with("scenario,strategy,metric,statistic,unit,rank,driver,label,kind,setting_source,base_setting,low_setting,high_setting,base_value,value_at_low,value_at_high,swing\n"), "{csv}");
    let rows = rows(&csv);
    let order: Vec<&str> = rows.iter().map(|r| r["label"].as_str()).collect();
    let at = |label: &str| order.iter().position(|l| *l == label).unwrap();
    assert_eq!(order[0], "risk: large", "{order:?}");
    assert_eq!(order[1], "weekly_burn", "{order:?}");
    assert_eq!(order[2], "risk: medium", "{order:?}");
    assert!(at("build.plan_weeks") < at("risk: small"), "{order:?}");
    assert!(at("plan_multiplier") < at("risk: small"), "{order:?}");
    // A risk forced on and off moves every trial by its delay x burn exactly.
    let swing = |label: &str| -> f64 { rows[at(label)]["swing"].parse().unwrap() };
    assert!((swing("risk: large") - 20_000.0).abs() < 1e-6);
    assert!((swing("risk: medium") - 8_000.0).abs() < 1e-6);
    assert!((swing("risk: small") - 2_000.0).abs() < 1e-6);
    // The burn's bar is 0.4 x the base mean, 25,000 give or take the sampled risks.
    assert!((swing("weekly_burn") - 10_000.0).abs() < 300.0);
    // Keys with no effect on this strategy rank below every driver that has one.
    assert_eq!(swing(order[order.len() - 1]), 0.0);
    // The global measure agrees: the large risk's occurrence leads.
    let global = fs::read_to_string(dir.path().join("out/global.csv")).unwrap();
    let first = global.lines().nth(1).unwrap();
    assert!(first.contains(",risk: large,"), "{global}");
    assert!(global.starts_with("scenario,strategy,metric,driver,spearman_rho,rank\n"));
}

#[test]
fn a_risk_is_one_driver_switched_off_and_forced_on() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "synthetic.toml", SYNTHETIC);
    let o = sensitivity(dir.path(), &file, &["--trials", "2000", "--charts", "none"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let csv = fs::read_to_string(dir.path().join("out/tornado.csv")).unwrap();
    let rows = rows(&csv);
    let risks: Vec<_> = rows.iter().filter(|r| r["kind"] == "risk").collect();
    assert_eq!(risks.len(), 3, "{csv}");
    for r in &risks {
        assert_eq!(
            (r["low_setting"].as_str(), r["high_setting"].as_str()),
            ("off", "on")
        );
        assert!(r["driver"].starts_with("risks[") && r["driver"].ends_with(']'));
    }
    // No separate probability or impact input for any risk.
    assert!(
        rows.iter()
            .all(|r| r["kind"] == "risk" || !r["driver"].starts_with("risks")),
        "{csv}"
    );
    // Framing keys are not swung.
    assert!(!csv.contains("horizon.weeks"), "{csv}");
}

#[test]
fn stated_ranges_replace_the_default_swing() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{SYNTHETIC}\n[sensitivity]\nswing = 0.5\nranges = {{ \"build.plan_weeks\" = [5, 30], \"strategies.only.governance\" = [0.1, 0.9] }}\n"
    );
    let file = write(dir.path(), "ranged.toml", &text);
    let o = sensitivity(
        dir.path(),
        &file,
        &["--stat", "mean", "--trials", "4000", "--charts", "none"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let csv = fs::read_to_string(dir.path().join("out/tornado.csv")).unwrap();
    let rows = rows(&csv);
    let plan = rows
        .iter()
        .find(|r| r["driver"] == "build.plan_weeks")
        .unwrap();
    assert_eq!(
        (
            plan["low_setting"].as_str(),
            plan["high_setting"].as_str(),
            plan["setting_source"].as_str()
        ),
        ("5", "30", "range")
    );
    // Plan weeks only add: 5 fewer weeks save 5,000 at a burn of 1,000.
    let base: f64 = plan["base_value"].parse().unwrap();
    let low: f64 = plan["value_at_low"].parse().unwrap();
    assert!((base - low - 5_000.0).abs() < 1e-6, "{base} {low}");
    let governance = rows
        .iter()
        .find(|r| r["driver"] == "strategies.only.governance")
        .unwrap();
    assert_eq!(governance["low_setting"], "0.1");
    // Without a range, the stated swing of 0.5 applies: burn 500 / 1500.
    let burn = rows
        .iter()
        .find(|r| r["driver"] == "strategies.only.weekly_burn")
        .unwrap();
    assert_eq!(
        (burn["low_setting"].as_str(), burn["high_setting"].as_str()),
        ("500", "1500")
    );
    assert!(stdout(&o).contains("x0.5 / x1.5"), "{}", stdout(&o));
}

#[test]
fn bad_ranges_are_refused_with_their_line_column_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let lines = SYNTHETIC.lines().count();
    let text = format!(
        "{SYNTHETIC}\n[sensitivity]\nswing = 2\n[sensitivity.ranges]\n\"build.plan_wekks\" = [5, 30]\n\"strategies.only.governance\" = [0.2, 1.5]\n\"risks[0].probability\" = [0, 1]\n\"build.estimate\" = [0.9, 1.2]\n\"cost.hourly_rate\" = [200, 100]\n\"horizon.weeks\" = [13, 52]\n\"churn.customers\" = [1]\n"
    );
    let file = write(dir.path(), "bad.toml", &text);
    let o = run_in(dir.path(), &["validate", &file]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    let err = stderr(&o);
    let first = lines + 3; // the line of `swing = 2`
    let expect = [
        (first, "sensitivity.swing: must be between 0 and 0.95"),
        (
            first + 2,
            "sensitivity.ranges.\"build.plan_wekks\": no numeric key `build.plan_wekks` in this scenario (did you mean `build.plan_weeks`?)",
        ),
        (
            first + 3,
            "sensitivity.ranges.\"strategies.only.governance\": the high end must be an allowed value of `strategies.only.governance` (between 0 and 1), got 1.5",
        ),
        (
            first + 4,
            "sensitivity.ranges.\"risks[0].probability\": a risk is one driver",
        ),
        (
            first + 5,
            "sensitivity.ranges.\"build.estimate\": `build.estimate` is a distribution",
        ),
        (
            first + 6,
            "sensitivity.ranges.\"cost.hourly_rate\": low must be below high",
        ),
        (
            first + 7,
            "sensitivity.ranges.\"horizon.weeks\": `horizon.weeks` frames the question",
        ),
        (
            first + 8,
            "sensitivity.ranges.\"churn.customers\": expected [low, high], 2 numbers, got 1",
        ),
    ];
    for (line, message) in expect {
        let located = format!("bad.toml:{line}:");
        assert!(
            err.lines()
                .any(|l| l.contains(&located) && l.contains(message)),
            "expected `{located} ... {message}` in:\n{err}"
        );
    }
    assert!(err.contains("8 problems in"), "{err}");
    // `sensitivity` refuses the file the same way, before writing anything.
    let o = sensitivity(dir.path(), &file, &["--trials", "100"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!dir.path().join("out").exists());
}

#[test]
fn tornado_csv_is_the_same_on_one_and_two_threads() {
    let dir = tempfile::tempdir().unwrap();
    let seed = scenario("seed.toml");
    let mut files = Vec::new();
    for threads in ["1", "2"] {
        let out = dir.path().join(format!("t{threads}"));
        let o = run_in(
            dir.path(),
            &[
                "sensitivity",
                seed.to_str().unwrap(),
                "--trials",
                "9000",
                "--strategy",
                "ux_led",
                "--strategy",
                "hybrid",
                "--threads",
                threads,
                "--charts",
                "none",
                "--out",
                out.to_str().unwrap(),
            ],
        );
        assert!(o.status.success(), "{}", stderr(&o));
        files.push(
            ["tornado.csv", "tornado_decision.csv", "global.csv"]
                .map(|f| fs::read(out.join(f)).unwrap()),
        );
    }
    assert_eq!(files[0], files[1]);
    let tornado = String::from_utf8(files[0][0].clone()).unwrap();
    assert!(tornado.contains(",ux_led,") && tornado.contains(",hybrid,"));
    assert!(
        !tornado.contains(",backend_led,"),
        "only the chosen strategies"
    );
}

#[test]
fn tornado_charts_render_as_png_and_svg() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "synthetic.toml", SYNTHETIC);
    let o = sensitivity(dir.path(), &file, &["--trials", "2000", "--charts", "both"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let charts = dir.path().join("out/charts");
    let png = fs::read(charts.join("tornado_only.png")).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert!(png.len() > 20_000, "a drawn page, not a blank one");
    let svg = fs::read_to_string(charts.join("tornado_only.svg")).unwrap();
    for text in ["What moves P80 total cost: only", "Risk: large", "base $"] {
        assert!(svg.contains(text), "{text} missing from the SVG");
    }
    // One strategy: no decision chart.
    assert!(!charts.join("tornado_decision.png").exists());
}

#[test]
fn unknown_strategy_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "synthetic.toml", SYNTHETIC);
    let o = sensitivity(dir.path(), &file, &["--strategy", "nope"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--strategy nope: no such strategy in this scenario; one of only"));
}

#[test]
fn recording_drivers_leaves_every_sample_unchanged() {
    let s = tradeoff_sim::scenario::from_path(&scenario("seed.toml")).unwrap();
    let model = Model::new(&s);
    let plan = RunPlan {
        trials: 5000,
        seed: 3,
        threads: 2,
    };
    let stop = AtomicBool::new(false);
    let plain = engine::simulate(&model, &plan, &stop).unwrap();
    let (recorded, drivers) = engine::simulate_with_drivers(&model, &plan, &stop).unwrap();
    for st in 0..plain.strategies() {
        for m in Metric::ALL {
            assert_eq!(plain.column(st, m), recorded.column(st, m));
        }
    }
    assert_eq!(drivers.len(), 5000 * model.drivers().len());
}

/// The reviewer's case: on the seed scenario, the tornado of UX-led's P50 build
/// weeks draws a bar only for what builds the product (the plan, the estimate,
/// latent complexity's loading on build time, and the risks that slow the build).
/// Every other key, such as the surge rate, the frailty shape or the failure rate,
/// changes how many random numbers a trial draws, and still has a swing of exactly 0.
#[test]
fn keys_that_cannot_touch_a_metric_have_no_bar_on_its_tornado() {
    let dir = tempfile::tempdir().unwrap();
    let seed = scenario("seed.toml");
    let o = sensitivity(
        dir.path(),
        seed.to_str().unwrap(),
        &[
            "--metric",
            "build_weeks",
            "--stat",
            "p50",
            "--strategy",
            "ux_led",
            "--trials",
            "4000",
            "--charts",
            "none",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let csv = fs::read_to_string(dir.path().join("out/tornado.csv")).unwrap();
    let drives_the_build = |driver: &str, label: &str| {
        driver.starts_with("build.estimate")
            || driver == "build.plan_weeks"
            || driver == "drivers.complexity_on_build"
            || driver.ends_with(".plan_multiplier")
            || (label.starts_with("risk: ") && !label.contains("walks away"))
    };
    let rows = rows(&csv);
    assert!(rows.len() > 40, "{csv}");
    for row in &rows {
        let swing: f64 = row["swing"].parse().unwrap();
        if !drives_the_build(&row["driver"], &row["label"]) {
            assert_eq!(swing, 0.0, "{} moved P50 build weeks", row["driver"]);
        }
    }
    for driver in [
        "build.estimate",
        "build.plan_weeks",
        "strategies.ux_led.plan_multiplier",
    ] {
        let row = rows.iter().find(|r| r["driver"] == driver).unwrap();
        assert!(row["swing"].parse::<f64>().unwrap() > 1.0, "{driver}");
    }
}

#[test]
fn chart_on_a_sensitivity_folder_says_where_its_tornadoes_are_and_how_to_redraw_them() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "synthetic.toml", SYNTHETIC);
    let o = sensitivity(dir.path(), &file, &["--trials", "2000", "--charts", "svg"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let before = fs::read(dir.path().join("out/charts/tornado_only.svg")).unwrap();
    let o = run_in(dir.path(), &["chart", "out", "--charts", "png"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    for says in [
        "out: a sensitivity folder",
        "out/charts",
        "run the sensitivity again with --charts",
    ] {
        assert!(err.contains(says), "says {says:?}: {err}");
    }
    assert!(!err.contains("has no charts"), "{err}");
    assert!(!dir.path().join("out/charts/tornado_only.png").exists());
    assert_eq!(
        fs::read(dir.path().join("out/charts/tornado_only.svg")).unwrap(),
        before
    );
}

/// `SYNTHETIC` with `strategies` copies of its strategy and `risks` risks.
fn synthetic_of_size(strategies: usize, risks: usize) -> String {
    let (head, rest) = SYNTHETIC
        .split_once("[strategies.only]")
        .expect("the strategy table");
    let (strategy, _) = rest.split_once("[[risks]]").expect("the risks");
    let mut text = head.to_string();
    for i in 0..strategies {
        text.push_str(&format!("[strategies.s{i}]{strategy}"));
    }
    for i in 0..risks {
        text.push_str(&format!(
            "[[risks]]\nname = \"risk {i}\"\nprobability = 0.5\ndelay_weeks = 1\n\n"
        ));
    }
    text
}

#[test]
fn sensitivity_on_the_documented_maxima_is_refused_at_once_naming_what_it_would_hold() {
    // 64 strategies x 1,000 risks at the default 20,000 trials: the base run's
    // samples and its 64 x (3 + 1,000) + 7 sampled drivers are 65,420 values a
    // trial, 9.7 GiB, over the 6 GiB limit. The check came after every swung
    // scenario was read and held (6.9 GB, 109 s); it now comes first.
    let tmp = tempfile::tempdir().unwrap();
    let path = write(tmp.path(), "largest.toml", &synthetic_of_size(64, 1000));
    let o = run_in(tmp.path(), &["validate", &path]);
    assert_eq!(o.status.code(), Some(0), "a valid scenario: {}", stderr(&o));
    let started = std::time::Instant::now();
    let o = sensitivity(tmp.path(), &path, &[]);
    let elapsed = started.elapsed();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("20000 trials x"), "{err}");
    assert!(
        err.contains("9.7 GiB of samples, above the 6 GiB limit"),
        "{err}"
    );
    assert!(
        elapsed < std::time::Duration::from_secs(15),
        "refused after {elapsed:?}"
    );
    assert!(!tmp.path().join("out").exists(), "nothing written");
}
