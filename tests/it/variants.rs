//! `--variant "NAME: KEY=VALUE; KEY=VALUE"` on compare and sweep: a what-if of one
//! scenario is the scenario with those overrides after `--set`, run on the base's
//! random numbers, and named by its name everywhere.

use std::fs;
use std::path::Path;

use crate::common::{assert_success, run_in, scenario, stderr};

const TRIALS: &str = "3000";

/// The rows of a summary.csv or compare.csv whose first column is `scenario`,
/// without that column: one line per strategy and metric, every number as written.
fn rows_of(csv: &str, scenario: &str) -> Vec<String> {
    csv.lines()
        .skip(1)
        .filter_map(|l| l.split_once(','))
        .filter(|(name, _)| *name == scenario)
        .map(|(_, rest)| rest.to_string())
        .collect()
}

/// The summary.csv of `run seed.toml` with `extra` options, as rows without the
/// scenario column.
fn run_rows(dir: &Path, out: &str, extra: &[&str]) -> Vec<String> {
    let seed = scenario("seed.toml");
    let mut args = vec![
        "run",
        seed.to_str().unwrap(),
        "--trials",
        TRIALS,
        "--charts",
        "none",
        "--out",
        out,
    ];
    args.extend_from_slice(extra);
    let o = run_in(dir, &args);
    assert_success(&o, "run");
    let summary = fs::read_to_string(dir.join(out).join("summary.csv")).unwrap();
    rows_of(&summary, "seed")
}

/// `compare seed.toml` with `extra` options into `out`; returns compare.csv.
fn compare(dir: &Path, out: &str, extra: &[&str]) -> String {
    let seed = scenario("seed.toml");
    let mut args = vec![
        "compare",
        seed.to_str().unwrap(),
        "--trials",
        TRIALS,
        "--charts",
        "none",
        "--out",
        out,
    ];
    args.extend_from_slice(extra);
    let o = run_in(dir, &args);
    assert_success(&o, "compare");
    fs::read_to_string(dir.join(out).join("compare.csv")).unwrap()
}

#[test]
fn a_variant_gives_the_same_numbers_as_the_scenario_run_with_those_sets() {
    let dir = tempfile::tempdir().unwrap();
    let csv = compare(
        dir.path(),
        "cmp",
        &[
            "--seed",
            "7",
            "--set",
            "cost.hourly_rate=160",
            "--variant",
            "Weak hybrid: strategies.hybrid.governance=0.2; surges.events_per_window=2",
        ],
    );
    let with_sets = run_rows(
        dir.path(),
        "weak",
        &[
            "--seed",
            "7",
            "--set",
            "cost.hourly_rate=160",
            "--set",
            "strategies.hybrid.governance=0.2",
            "--set",
            "surges.events_per_window=2",
        ],
    );
    let base = run_rows(
        dir.path(),
        "base",
        &["--seed", "7", "--set", "cost.hourly_rate=160"],
    );
    assert!(!with_sets.is_empty());
    assert_eq!(rows_of(&csv, "Weak hybrid"), with_sets);
    assert_eq!(rows_of(&csv, "base"), base);
    // And the variant did change something, so the equality above says something.
    assert_ne!(with_sets, base);
}

#[test]
fn a_variant_that_changes_nothing_gives_the_base_s_numbers_exactly() {
    let dir = tempfile::tempdir().unwrap();
    // seed.toml's hybrid already has governance 0.5; the hybrid's own label changes
    // nothing the model reads either.
    let csv = compare(
        dir.path(),
        "cmp",
        &[
            "--variant",
            "Same: strategies.hybrid.governance=0.5",
            "--variant",
            "Only the hybrid: strategies.hybrid.governance=0.9",
        ],
    );
    let base = rows_of(&csv, "base");
    assert_eq!(base.len(), rows_of(&csv, "Same").len());
    assert_eq!(rows_of(&csv, "Same"), base);
    // Common random numbers: a variant of the hybrid leaves every other strategy's
    // numbers identical, and moves the hybrid's.
    let only = rows_of(&csv, "Only the hybrid");
    let (hybrid, others): (Vec<_>, Vec<_>) = base
        .iter()
        .zip(&only)
        .partition(|(b, _)| b.starts_with("hybrid,"));
    assert!(others.iter().all(|(b, v)| b == v), "{others:?}");
    assert!(hybrid.iter().any(|(b, v)| b != v));
}

#[test]
fn compare_names_each_variant_in_the_csv_the_manifest_the_table_and_the_charts() {
    let dir = tempfile::tempdir().unwrap();
    let seed = scenario("seed.toml");
    let o = run_in(
        dir.path(),
        &[
            "compare",
            seed.to_str().unwrap(),
            "--trials",
            "500",
            "--charts",
            "svg",
            "--variant",
            "Forge slips 20%: strategies.backend_led.plan_multiplier=1.58",
            "--variant",
            "strategies.hybrid.governance=0.2",
        ],
    );
    assert_success(&o, "compare with variants");
    let out = dir.path().join("output/compare-seed-variants");
    let csv = fs::read_to_string(out.join("compare.csv")).unwrap();
    for name in [
        "base",
        "Forge slips 20%",
        "strategies.hybrid.governance=0.2",
    ] {
        assert!(!rows_of(&csv, name).is_empty(), "no rows for {name}");
    }
    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    let names: Vec<&str> = manifest["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "base",
            "Forge slips 20%",
            "strategies.hybrid.governance=0.2"
        ]
    );
    assert_eq!(
        manifest["variants"][0]["overrides"][0],
        "strategies.backend_led.plan_multiplier=1.58"
    );
    let table = crate::common::stdout(&o);
    assert!(
        table
            .contains("  Forge slips 20%: strategies.backend_led.plan_multiplier=1.58 (500 trials"),
        "{table}"
    );
    let svg = fs::read_to_string(out.join("charts/compare_total_cost.svg")).unwrap();
    assert!(
        svg.contains("Forge slips 20%"),
        "the chart names the variant"
    );
}

#[test]
fn a_colon_inside_a_value_belongs_to_the_value() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cmp");
    compare(
        dir.path(),
        out.to_str().unwrap(),
        &[
            "--variant",
            "title=\"Q3: board\"",
            "--variant",
            "Late: title=\"Q4: board; final\"",
        ],
    );
    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["variants"][0]["name"], "title=\"Q3: board\"");
    assert_eq!(manifest["variants"][1]["name"], "Late");
    assert_eq!(
        manifest["variants"][1]["overrides"][0],
        "title=\"Q4: board; final\""
    );
}

/// Runs `args` in an empty folder and asserts exit 2, a message containing `says`,
/// and nothing written.
fn assert_refused(args: &[&str], says: &str) {
    let dir = tempfile::tempdir().unwrap();
    let o = run_in(dir.path(), args);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
    assert!(stderr(&o).contains(says), "{args:?}:\n{}", stderr(&o));
    assert!(
        crate::common::listing(dir.path()).is_empty(),
        "{args:?} wrote something"
    );
}

#[test]
fn a_bad_value_in_a_variant_is_named_by_the_variant_and_its_key_and_nothing_is_written() {
    let seed = scenario("seed.toml");
    let seed = seed.to_str().unwrap();
    for command in ["compare", "sweep"] {
        let mut args = vec![command, seed, "--trials", "500"];
        if command == "sweep" {
            args.extend(["--param", "cost.hourly_rate=100,200"]);
        }
        for (variant, says) in [
            (
                "Weak: strategies.hybrid.governance=1.5",
                "--variant \"Weak\": strategies.hybrid.governance=1.5: strategies.hybrid.governance: must be a probability between 0 and 1, got 1.5",
            ),
            (
                "Typo: strategies.hybird.governance=0.2",
                "--variant \"Typo\": strategies.hybird.governance=0.2: strategies.hybird.governance: no strategy `hybird`",
            ),
            (
                "strategies.hybrid.no_such_key=1",
                "--variant \"strategies.hybrid.no_such_key=1\": strategies.hybrid.no_such_key=1: strategies.hybrid.no_such_key",
            ),
        ] {
            let mut all = args.clone();
            all.extend(["--variant", "Fine: strategies.hybrid.governance=0.3"]);
            all.extend(["--variant", variant]);
            assert_refused(&all, says);
        }
    }
}

#[test]
fn bad_variant_syntax_is_refused_before_reading_the_scenario() {
    // The scenario need not exist: the command line is refused first.
    for (variant, says) in [
        ("Slip: ", "no KEY=VALUE"),
        ("Slip: cost.hourly_rate=1;; seed=2", "an empty override"),
        (
            "Forge slips strategies.backend_led.plan_multiplier=1.58",
            "is the ':' after the name missing?",
        ),
        (
            "Slip: seed=7",
            "sets seed; every variant runs on the base's",
        ),
        (
            "Slip: cost.hourly_rate=1; cost.hourly_rate=2",
            "sets cost.hourly_rate twice",
        ),
    ] {
        for command in ["compare", "sweep"] {
            assert_refused(
                &[command, "missing.toml", "--variant", variant],
                &format!("error: --variant \"{}", variant.chars().next().unwrap()),
            );
            assert_refused(&[command, "missing.toml", "--variant", variant], says);
        }
    }
}

#[test]
fn two_variants_with_one_name_are_refused() {
    let seed = scenario("seed.toml");
    for command in ["compare", "sweep"] {
        for (a, b) in [
            ("Slip: cost.hourly_rate=100", "Slip: cost.hourly_rate=200"),
            ("cost.hourly_rate=100", "cost.hourly_rate = 100"),
        ] {
            assert_refused(
                &[
                    command,
                    seed.to_str().unwrap(),
                    "--variant",
                    a,
                    "--variant",
                    b,
                ],
                "two variants have this name",
            );
        }
        assert_refused(
            &[
                command,
                seed.to_str().unwrap(),
                "--variant",
                "base: cost.hourly_rate=1",
            ],
            "`base` names the scenario without variants",
        );
    }
}

#[test]
fn compare_takes_two_files_or_one_file_with_variants() {
    let seed = scenario("seed.toml");
    let reference = scenario("reference.toml");
    let (seed, reference) = (seed.to_str().unwrap(), reference.to_str().unwrap());
    assert_refused(
        &["compare", seed],
        "compare needs two or more scenario files, or one with --variant",
    );
    assert_refused(
        &[
            "compare",
            seed,
            reference,
            "--variant",
            "Slip: cost.hourly_rate=1",
        ],
        "compare takes the variants of one scenario file, and got 2",
    );
}

#[test]
fn a_variant_in_another_currency_is_refused_before_running() {
    let seed = scenario("seed.toml");
    assert_refused(
        &[
            "compare",
            seed.to_str().unwrap(),
            "--variant",
            "Euro: currency=\"EUR\"",
        ],
        "--variant \"Euro\": costs in EUR, but the base has them in USD",
    );
}

#[test]
fn sweep_runs_every_point_again_under_each_variant_as_a_second_parameter() {
    let dir = tempfile::tempdir().unwrap();
    let seed = scenario("seed.toml");
    let o = run_in(
        dir.path(),
        &[
            "sweep",
            seed.to_str().unwrap(),
            "--trials",
            TRIALS,
            "--charts",
            "svg",
            "--out",
            "sw",
            "--param",
            "strategies.hybrid.governance=0.3,0.7",
            "--variant",
            "Black Friday x2: surges.events_per_window=2",
        ],
    );
    assert_success(&o, "sweep with a variant");
    let sweep = fs::read_to_string(dir.path().join("sw/sweep.csv")).unwrap();
    // scenario,point,param,value,param2,value2,strategy,...
    let point = |value: &str, value2: &str| -> Vec<String> {
        sweep
            .lines()
            .filter(|l| {
                let f: Vec<&str> = l.split(',').collect();
                f[2] == "strategies.hybrid.governance"
                    && f[3] == value
                    && f[4] == "variant"
                    && f[5] == value2
            })
            .map(|l| l.split(',').skip(6).collect::<Vec<_>>().join(","))
            .collect()
    };
    let points: Vec<&str> = sweep
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap())
        .collect();
    assert_eq!(
        points.iter().max(),
        Some(&"3"),
        "2 values x (base + 1 variant)"
    );
    for (g, value2, sets) in [
        ("0.3", "base", vec![]),
        (
            "0.7",
            "Black Friday x2",
            vec!["--set", "surges.events_per_window=2"],
        ),
    ] {
        let set_g = format!("strategies.hybrid.governance={g}");
        let mut extra = vec!["--set", set_g.as_str()];
        extra.extend(sets);
        let out = format!("run-{g}");
        let expected = run_rows(dir.path(), &out, &extra);
        assert_eq!(point(g, value2), expected, "{g} under {value2}");
    }
    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("sw/manifest.json")).unwrap())
            .unwrap();
    assert_eq!(manifest["params"][1]["key"], "variant");
    assert_eq!(
        manifest["params"][1]["values"],
        serde_json::json!(["base", "Black Friday x2"])
    );
    let svg = fs::read_to_string(dir.path().join("sw/charts/sweep.svg")).unwrap();
    assert!(
        svg.contains("variant = Black Friday x2"),
        "a panel per variant"
    );
}

#[test]
fn sweep_over_variants_alone_has_base_then_each_variant_as_its_points() {
    let dir = tempfile::tempdir().unwrap();
    let seed = scenario("seed.toml");
    let o = run_in(
        dir.path(),
        &[
            "sweep",
            seed.to_str().unwrap(),
            "--trials",
            "500",
            "--charts",
            "none",
            "--out",
            "sw",
            "--variant",
            "A: cost.hourly_rate=120",
            "--variant",
            "B: cost.hourly_rate=180",
        ],
    );
    assert_success(&o, "sweep over variants");
    let sweep = fs::read_to_string(dir.path().join("sw/sweep.csv")).unwrap();
    let values: std::collections::BTreeSet<(String, String)> = sweep
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[2].to_string(), f[3].to_string())
        })
        .collect();
    let expected: std::collections::BTreeSet<(String, String)> = ["base", "A", "B"]
        .iter()
        .map(|v| ("variant".to_string(), v.to_string()))
        .collect();
    assert_eq!(values, expected);
}

#[test]
fn sweep_refuses_a_variant_of_what_it_sweeps_and_a_third_dimension() {
    let seed = scenario("seed.toml");
    let seed = seed.to_str().unwrap();
    assert_refused(
        &[
            "sweep",
            seed,
            "--param",
            "strategies.hybrid.governance=0.3,0.7",
            "--variant",
            "G: strategies.hybrid.governance=0.2",
        ],
        "--variant \"G\": sets strategies.hybrid.governance, which --param strategies.hybrid.governance sweeps",
    );
    assert_refused(
        &[
            "sweep",
            seed,
            "--param",
            "strategies.hybrid.governance=0.3,0.7",
            "--param",
            "cost.hourly_rate=100,200",
            "--variant",
            "Slip: strategies.backend_led.plan_multiplier=1.58",
        ],
        "a sweep with --variant takes at most one --param",
    );
}

#[test]
fn a_variant_whose_override_changes_nothing_is_warned_about_by_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let seed = scenario("seed.toml");
    let seed = seed.to_str().unwrap();
    // The UX-led option has no vendor seam and no governance curve in seed.toml.
    let idle = "Weak UX governance: strategies.ux_led.governance=0.3";
    let said = "warning: --variant \"Weak UX governance\": strategies.ux_led.governance=0.3: \
                strategies.ux_led.governance: changes nothing because";
    for (command, extra) in [
        ("compare", vec![]),
        ("report", vec![]),
        (
            "sweep",
            vec!["--param", "strategies.hybrid.governance=0.2,0.8"],
        ),
    ] {
        let out = format!("out-{command}");
        let mut args = vec![
            command,
            seed,
            "--trials",
            "2000",
            "--charts",
            "none",
            "--out",
            &out,
            "--variant",
            idle,
        ];
        if command == "report" {
            args.retain(|a| *a != "--charts" && *a != "none");
        }
        args.extend(extra);
        let o = run_in(dir.path(), &args);
        assert_success(&o, command);
        let err = stderr(&o);
        assert_eq!(err.matches(said).count(), 1, "{command}: {err}");
    }
    // A variant that moves something is not warned about.
    let o = run_in(
        dir.path(),
        &[
            "compare",
            seed,
            "--trials",
            "2000",
            "--charts",
            "none",
            "--out",
            "quiet",
            "--variant",
            "strategies.hybrid.governance=0.9",
        ],
    );
    assert_success(&o, "compare");
    assert!(!stderr(&o).contains("changes nothing"), "{}", stderr(&o));
}
