//! `--set KEY.PATH=VALUE`: checked like a line of the scenario file, recorded in
//! the manifest, and able to reach any value, a distribution included.

use std::fs;

use crate::common::{run_in, scenario, stderr};
use tradeoff_sim::scenario::{Override, from_path_with};

fn set(text: &str) -> Override {
    Override::parse(text).expect("KEY=VALUE")
}

#[test]
fn override_changes_the_value_it_names_and_nothing_else() {
    let path = scenario("seed.toml");
    let base = from_path_with(&path, &[]).unwrap();
    let changed = from_path_with(
        &path,
        &[
            set("strategies.hybrid.governance=0.62"),
            set("build.estimate={ triangular = [0.9, 1.0, 1.5] }"),
            set("risks[3].probability.ux_led=0.5"),
        ],
    )
    .unwrap();
    assert_eq!(changed.strategies[2].governance, 0.62);
    assert_eq!(base.strategies[2].governance, 0.5);
    assert!(matches!(
        changed.build.estimate,
        tradeoff_sim::dist::Dist::Triangular(t) if t.max() == 1.5
    ));
    assert_eq!(changed.risks[3].probability[1].at(0.5), 0.5);
    assert_eq!(
        changed.strategies[0].governance,
        base.strategies[0].governance
    );
}

#[test]
fn override_rejects_unknown_keys_and_bad_values_naming_the_override_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let o = run_in(
        dir.path(),
        &[
            "run",
            scenario("seed.toml").to_str().unwrap(),
            "--trials",
            "100",
            "--set",
            "strategies.hybrid.governence=0.5",
            "--set",
            "strategies.ux_led.api_failure_rate=nan",
            "--set",
            "risks[7].name=x",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("--set strategies.hybrid.governence=0.5: strategies.hybrid.governence: unknown key (did you mean `governance`?)"),
        "{err}"
    );
    assert!(
        err.contains("--set strategies.ux_led.api_failure_rate=nan: strategies.ux_led.api_failure_rate: must be a finite number"),
        "{err}"
    );
    assert!(
        err.contains("index 7 is out of range; there are 4"),
        "{err}"
    );
    assert!(err.contains("3 problems"), "{err}");
    assert!(!dir.path().join("output").exists(), "nothing written");
}

#[test]
fn override_without_equals_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let o = run_in(
        dir.path(),
        &[
            "validate",
            scenario("seed.toml").to_str().unwrap(),
            "--set",
            "governance",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("KEY.PATH=VALUE"), "{}", stderr(&o));
}

#[test]
fn overrides_are_recorded_in_the_manifest_and_change_the_result() {
    let dir = tempfile::tempdir().unwrap();
    let seed = scenario("seed.toml");
    let run = |name: &str, extra: &[&str]| {
        let out = dir.path().join(name);
        let mut args = vec![
            "run",
            seed.to_str().unwrap(),
            "--trials",
            "4000",
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let o = run_in(dir.path(), &args);
        assert!(o.status.success(), "{}", stderr(&o));
        out
    };
    let base = run("base", &[]);
    let changed = run(
        "changed",
        &["--set", "strategies.ux_led.api_failure_rate=2.0"],
    );
    let manifest = fs::read_to_string(changed.join("manifest.json")).unwrap();
    assert!(
        manifest.contains("\"strategies.ux_led.api_failure_rate=2.0\""),
        "{manifest}"
    );
    assert_ne!(
        fs::read(base.join("summary.csv")).unwrap(),
        fs::read(changed.join("summary.csv")).unwrap()
    );
}

#[test]
fn override_of_a_strategy_that_does_not_exist_suggests_the_nearest_instead_of_listing_missing_keys()
{
    let dir = tempfile::tempdir().unwrap();
    let o = run_in(
        dir.path(),
        &[
            "validate",
            scenario("seed.toml").to_str().unwrap(),
            "--set",
            "strategies.hybird.governance=0.3",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("--set strategies.hybird.governance=0.3: strategies.hybird.governance: no strategy `hybird` in this scenario (did you mean `hybrid`?); strategies: backend_led, ux_led, hybrid,"),
        "{err}"
    );
    assert!(
        err.contains("1 problem"),
        "one problem, not a list of missing keys:\n{err}"
    );
}

#[test]
fn an_override_of_a_value_to_what_the_scenario_already_says_is_warned_about() {
    let path = scenario("seed.toml");
    let warnings = |sets: &[&str]| {
        let overrides: Vec<Override> = sets.iter().map(|s| set(s)).collect();
        from_path_with(&path, &overrides)
            .expect("a valid scenario")
            .warnings
    };
    // seed.toml's hybrid has governance 0.5; 0.50 is the same number.
    let same = warnings(&["strategies.hybrid.governance=0.50"]);
    assert_eq!(
        same,
        [
            "--set strategies.hybrid.governance=0.50: strategies.hybrid.governance: changes nothing because the scenario already sets it to that value"
        ]
    );
    // Another value, and a key the file leaves to its default, are not warned about.
    assert!(warnings(&["strategies.hybrid.governance=0.6"]).is_empty());
    let title = tradeoff_sim::scenario::from_path(&path)
        .expect("seed")
        .title;
    assert_eq!(
        warnings(&[&format!("title={title:?}")]).len(),
        1,
        "a string equal to the file's"
    );
}
