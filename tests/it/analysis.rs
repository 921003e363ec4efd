//! Sweeps and comparisons across scenarios, against the real binary.

use std::fs;

use crate::common::{run_in, scenario, stderr, stdout};

/// sweep.csv rows of one strategy and metric, without the point columns.
fn strategy_rows(csv: &str, strategy: &str, metric: &str) -> Vec<String> {
    csv.lines()
        .filter(|l| {
            let f: Vec<&str> = l.split(',').collect();
            f.get(6) == Some(&strategy) && f.get(7) == Some(&metric)
        })
        .map(|l| l.split(',').skip(6).collect::<Vec<_>>().join(","))
        .collect()
}

#[test]
fn sweep_over_one_strategy_leaves_the_others_identical_and_finds_the_crossover() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sweep");
    let o = run_in(
        dir.path(),
        &[
            "sweep",
            scenario("hybrid-weak-governance.toml").to_str().unwrap(),
            "--param",
            "strategies.hybrid.governance",
            "--range",
            "0.1:0.9:5",
            "--trials",
            "20000",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let csv = fs::read_to_string(out.join("sweep.csv")).unwrap();
    assert!(csv.starts_with("scenario,point,param,value,param2,value2,strategy,metric,unit,n,mean,std_dev,std_err,min,p05,"));
    for other in ["backend_led", "ux_led"] {
        let rows = strategy_rows(&csv, other, "total_cost");
        assert_eq!(rows.len(), 5);
        assert!(
            rows.iter().all(|r| *r == rows[0]),
            "{other} changed across points"
        );
    }
    let hybrid = strategy_rows(&csv, "hybrid", "total_cost");
    assert_ne!(hybrid[0], hybrid[4], "the swept strategy changes");
    // The hybrid is dearest at weak governance and cheaper than UX-led when ironclad.
    let text = stdout(&o);
    assert!(
        text.contains("Hybrid (g = 0.2) beats UX-led on P80 total_cost when strategies.hybrid.governance >= 0.")
            || text.contains("UX-led beats Hybrid (g = 0.2) on P80 total_cost when strategies.hybrid.governance <= 0."),
        "{text}"
    );
    let crossovers = fs::read_to_string(out.join("crossovers.csv")).unwrap();
    assert!(crossovers.contains("ux_led"), "{crossovers}");
}

#[test]
fn sweep_refuses_a_bad_value_before_running_anything_naming_the_option_it_came_from() {
    let dir = tempfile::tempdir().unwrap();
    let seed = scenario("seed.toml");
    let key = "strategies.hybrid.governance";
    let inline = format!("{key}=0.5,1.5");
    for (args, named) in [
        (
            vec!["--param", key, "--values", "0.5,1.5"],
            "--values 0.5,1.5: strategies.hybrid.governance: must be a probability between 0 and 1, got 1.5",
        ),
        (
            vec!["--param", key, "--range", "0.1:1.5:3"],
            "--range 0.1:1.5:3: strategies.hybrid.governance: must be a probability between 0 and 1, got 1.5",
        ),
        (
            vec!["--param", &inline],
            "--param strategies.hybrid.governance=0.5,1.5: strategies.hybrid.governance: must be a probability",
        ),
        // A bad --set is still named as such.
        (
            vec![
                "--param",
                key,
                "--range",
                "0.1:0.9:3",
                "--set",
                "strategies.hybrid.plan_multiplier=-1",
            ],
            "--set strategies.hybrid.plan_multiplier=-1: strategies.hybrid.plan_multiplier: must be between",
        ),
    ] {
        let mut all = vec!["sweep", seed.to_str().unwrap()];
        all.extend_from_slice(&args);
        let o = run_in(dir.path(), &all);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(named), "{args:?}: {}", stderr(&o));
        assert!(!dir.path().join("output").exists());
    }
}

#[test]
fn sweep_needs_values_for_each_parameter() {
    let dir = tempfile::tempdir().unwrap();
    let o = run_in(
        dir.path(),
        &[
            "sweep",
            scenario("seed.toml").to_str().unwrap(),
            "--param",
            "cost.hourly_rate",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no values"), "{}", stderr(&o));
}

#[test]
fn compare_puts_each_scenario_beside_its_own_run() {
    let dir = tempfile::tempdir().unwrap();
    let seed = scenario("seed.toml");
    let reference = scenario("reference.toml");
    let out = dir.path().join("cmp");
    let o = run_in(
        dir.path(),
        &[
            "compare",
            seed.to_str().unwrap(),
            reference.to_str().unwrap(),
            "--trials",
            "5000",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let compare = fs::read_to_string(out.join("compare.csv")).unwrap();
    for (path, name) in [(&seed, "seed"), (&reference, "reference")] {
        let single = dir.path().join(name);
        let r = run_in(
            dir.path(),
            &[
                "run",
                path.to_str().unwrap(),
                "--trials",
                "5000",
                "--out",
                single.to_str().unwrap(),
            ],
        );
        assert!(r.status.success(), "{}", stderr(&r));
        let summary = fs::read_to_string(single.join("summary.csv")).unwrap();
        for line in summary.lines().skip(1) {
            assert!(compare.contains(line), "compare.csv lacks {line}");
        }
    }
    assert_eq!(
        compare
            .lines()
            .filter(|l| l.starts_with("scenario,"))
            .count(),
        1
    );
    let text = stdout(&o);
    assert!(
        text.contains("seed") && text.contains("reference") && text.contains(" / "),
        "{text}"
    );
}

#[test]
fn sweep_pairs_each_range_and_value_list_with_its_own_param_in_command_line_order() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sweep");
    // A range first and a value list second: the governance gets the range and
    // the hourly rate the values, not the other way round.
    let o = run_in(
        dir.path(),
        &[
            "sweep",
            scenario("seed.toml").to_str().unwrap(),
            "--param",
            "strategies.hybrid.governance",
            "--range",
            "0.2:0.8:2",
            "--param",
            "cost.hourly_rate",
            "--values",
            "100,200",
            "--trials",
            "200",
            "--charts",
            "none",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let csv = fs::read_to_string(out.join("sweep.csv")).unwrap();
    let row = csv.lines().nth(1).unwrap();
    assert!(
        row.contains(",strategies.hybrid.governance,0.2,cost.hourly_rate,100,"),
        "{row}"
    );
}

/// A sweep whose points would not differ in what it names is refused before any
/// run, with exit 2, saying why and what to do instead.
#[test]
fn sweep_refuses_params_it_would_not_really_vary() {
    let dir = tempfile::tempdir().unwrap();
    let seed = scenario("seed.toml");
    let seed = seed.to_str().unwrap();
    let cases: [(&[&str], &str); 6] = [
        (&["--param", "trials", "--values", "1000,2000"], "--trials"),
        (&["--param", "seed", "--values", "1,2"], "--seed"),
        (
            &[
                "--param",
                "strategies.hybrid.governance=0.2,0.5",
                "--param",
                "strategies.hybrid.governance=0.3,0.4",
            ],
            "overlaps",
        ),
        (
            &[
                "--param",
                "strategies.hybrid=0.2,0.5",
                "--param",
                "strategies.hybrid.governance=0.3,0.4",
            ],
            "overlaps",
        ),
        (
            &[
                "--param",
                "strategies.hybrid.governance=0.2,0.5",
                "--set",
                "strategies.hybrid.governance=0.9",
            ],
            "--set strategies.hybrid.governance=0.9: fixes what --param",
        ),
        (
            &["--param", "strategies.hybrid.governance=0.2,0.20,0.5"],
            "listed twice",
        ),
    ];
    for (extra, expected) in cases {
        let mut args = vec!["sweep", seed, "--trials", "100", "--charts", "none"];
        args.extend_from_slice(extra);
        let o = run_in(dir.path(), &args);
        assert_eq!(o.status.code(), Some(2), "{extra:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(expected), "{extra:?}: {}", stderr(&o));
        assert!(
            !dir.path().join("output").exists(),
            "{extra:?} wrote output/"
        );
    }
}

#[test]
fn compare_refuses_scenarios_in_different_currencies_before_running() {
    let dir = tempfile::tempdir().unwrap();
    let seed = scenario("seed.toml");
    let text = fs::read_to_string(&seed).unwrap();
    let euro = dir.path().join("seed-eur.toml");
    assert!(text.contains("currency = \"USD\""));
    fs::write(
        &euro,
        text.replace("currency = \"USD\"", "currency = \"EUR\""),
    )
    .unwrap();
    let o = run_in(
        dir.path(),
        &[
            "compare",
            seed.to_str().unwrap(),
            euro.to_str().unwrap(),
            "--trials",
            "200",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("seed-eur.toml: costs in EUR") && err.contains("seed.toml has them in USD"),
        "{err}"
    );
    assert!(!dir.path().join("output").exists(), "nothing written");
}
