//! A client's scenario files (MODEL.md §8.6-8.8): `extends` (a file states only
//! its facts; tables merge key by key, arrays of tables by name; drops; cycles and
//! depth refused; every problem names the file that holds it), `[provenance]`
//! (every parameter's evidence class, inherited from the file that wrote the
//! value), the warnings for values that change nothing, and `init`.

use std::path::Path;

use tradeoff_sim::scenario::{
    self, EvidenceClass, Override, Scenario, ScenarioError, builtin_scenario,
};

use crate::common::{assert_success, run_in, scenario as shipped, stderr, stdout};

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write a scenario");
    path
}

fn read(path: &Path) -> Scenario {
    scenario::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn read_with(path: &Path, set: &[&str]) -> Result<Scenario, ScenarioError> {
    let overrides: Vec<Override> = set
        .iter()
        .map(|s| Override::parse(s).expect("an override"))
        .collect();
    scenario::from_path_with(path, &overrides)
}

/// The error a file gives, rendered as the command line prints it.
fn error_of(path: &Path) -> String {
    match scenario::from_path(path) {
        Ok(_) => panic!("{} should be refused", path.display()),
        Err(e) => e.to_string(),
    }
}

/// The model of a scenario as the manifest records it, without the file's own
/// name, title and description (which are not inherited).
fn model_json(s: &Scenario) -> serde_json::Value {
    let mut v = serde_json::to_value(s).expect("a scenario serializes");
    for key in ["name", "title", "description"] {
        v.as_object_mut().expect("an object").remove(key);
    }
    v
}

fn reference() -> Scenario {
    scenario::from_str(
        builtin_scenario("reference").expect("built in"),
        "reference",
    )
    .expect("the reference scenario is valid")
}

// ---------------------------------------------------------------- extends

#[test]
fn a_file_extending_reference_states_only_its_facts_and_equals_the_reference_with_them_set() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let child = write(
        tmp.path(),
        "client.toml",
        "extends = \"reference\"\ntitle = \"Client\"\n[churn]\ncustomers = 250000\n[strategies.hybrid]\ngovernance = 0.7\n",
    );
    let merged = read(&child);
    let by_set = read_with(
        &shipped("reference.toml"),
        &["churn.customers=250000", "strategies.hybrid.governance=0.7"],
    )
    .expect("reference with --set");
    assert_eq!(model_json(&merged), model_json(&by_set));
    assert_eq!(merged.title, "Client", "a title is the file's own");
    assert_eq!(merged.bases.len(), 1);
    assert!(merged.bases[0].builtin);
    assert_eq!(merged.bases[0].file, "<built-in reference.toml>");
}

#[test]
fn the_built_in_scenarios_are_the_shipped_files() {
    for name in ["seed", "reference"] {
        let shipped_text = std::fs::read_to_string(shipped(&format!("{name}.toml"))).expect("read");
        assert_eq!(
            builtin_scenario(name),
            Some(shipped_text.as_str()),
            "{name}"
        );
    }
    assert_eq!(builtin_scenario("peak-season"), None);
}

#[test]
fn a_title_is_not_inherited_so_a_file_without_one_is_named_after_the_file() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let child = write(tmp.path(), "acme.toml", "extends = \"seed\"\n");
    let s = read(&child);
    assert_eq!(s.title, "acme");
    assert_eq!(s.description, "");
    assert_eq!(s.strategies.len(), 5, "everything else is the seed's");
}

#[test]
fn a_relative_path_is_relative_to_the_file_that_writes_it_and_chains_merge_nearest_last() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    std::fs::create_dir(tmp.path().join("bases")).expect("mkdir");
    write(
        &tmp.path().join("bases"),
        "company.toml",
        "extends = \"seed\"\n[cost]\nhourly_rate = 120\nwar_room_week_cost = 9000\n",
    );
    let child = write(
        tmp.path(),
        "client.toml",
        "extends = \"bases/company.toml\"\n[cost]\nhourly_rate = 200\n",
    );
    let s = read(&child);
    assert_eq!(s.cost.hourly_rate, 200.0, "the nearest file wins");
    assert_eq!(s.cost.war_room_week_cost, 9000.0, "the middle file's value");
    assert_eq!(s.cost.downtime_loss_per_hour, 11400.0, "the seed's value");
    assert_eq!(s.bases.len(), 2);
    assert!(s.bases[0].file.ends_with("company.toml"));
    assert_eq!(s.bases[1].file, "<built-in seed.toml>");
}

#[test]
fn a_new_strategy_adds_its_probability_to_each_base_risk_by_name() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let child = write(
        tmp.path(),
        "client.toml",
        r#"extends = "reference"
drop_strategies = ["hybrid_ironclad", "hybrid_weak"]

[strategies.forge]
label = "Forge"
weekly_burn = 48000
api_failure_rate = 0.3
other_fix_rate = 5
headroom_median = 12
headroom_sigma = 0.3
ttr_median_hours = 1.0
walk_away_unresolved_probability = 0.4
walk_away_degraded_weeks = { triangular = [0.5, 1.5, 3] }

[[risks]]
name = "black swan"
probability = { forge = 0.2 }
[[risks]]
name = "unclear API-versioning ownership"
probability = { forge = 0.1 }
[[risks]]
name = "load-only defect found late (e.g. token refresh)"
probability = { forge = 0.1 }
[[risks]]
name = "partner walks away after launch"
probability = { forge = 0.1 }
"#,
    );
    let s = read(&child);
    let ids: Vec<&str> = s.strategies.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["backend_led", "ux_led", "hybrid", "forge"]);
    assert_eq!(s.risks.len(), 4, "merged by name, none added");
    let swan = s
        .risks
        .iter()
        .find(|r| r.name == "black swan")
        .expect("kept");
    assert_eq!(swan.probability[3].at_g1, 0.2, "forge's own");
    assert_eq!(
        swan.probability[0].at_g1, 0.167,
        "the reference's backend-led"
    );
    assert!(
        s.claims.iter().all(|c| c.id != "R3d" && c.id != "R3e"),
        "claims naming a dropped strategy go with it"
    );
}

#[test]
fn set_applies_after_the_merge() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let child = write(
        tmp.path(),
        "client.toml",
        "extends = \"seed\"\n[churn]\ncustomers = 250000\n",
    );
    let s = read_with(&child, &["churn.customers=1000"]).expect("valid");
    assert_eq!(s.churn.customers, 1000.0);
}

#[test]
fn a_bad_value_in_a_base_is_named_at_the_base_file_line_and_key() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    write(
        tmp.path(),
        "base.toml",
        "extends = \"seed\"\n\n[build]\nplan_weeks = -3\n",
    );
    let child = write(
        tmp.path(),
        "client.toml",
        "extends = \"base.toml\"\n[churn]\ncustomers = -5\n",
    );
    let e = error_of(&child);
    let base = tmp.path().join("base.toml").display().to_string();
    assert!(
        e.contains(&format!("{base}:4:14: build.plan_weeks: must be between")),
        "{e}"
    );
    let own = child.display().to_string();
    assert!(
        e.contains(&format!("{own}:3:13: churn.customers: must be")),
        "{e}"
    );
}

#[test]
fn a_cycle_of_extends_is_refused_naming_the_chain() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    write(tmp.path(), "a.toml", "extends = \"b.toml\"\n");
    write(
        tmp.path(),
        "b.toml",
        "title = \"B\"\nextends = \"a.toml\"\n",
    );
    let a = tmp.path().join("a.toml");
    let e = error_of(&a);
    assert!(e.contains("a cycle of extends"), "{e}");
    assert!(e.contains("a.toml -> "), "{e}");
    assert!(e.contains("b.toml -> "), "{e}");
    // Located at b.toml's `extends` line, the one that closes the cycle.
    assert!(e.contains("b.toml:2:11: extends:"), "{e}");
    let itself = write(tmp.path(), "self.toml", "extends = \"self.toml\"\n");
    assert!(error_of(&itself).contains("a cycle of extends"));
}

#[test]
fn a_chain_deeper_than_the_limit_is_refused() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let depth = scenario::MAX_EXTENDS_DEPTH + 1;
    for i in 0..depth {
        write(
            tmp.path(),
            &format!("f{i}.toml"),
            &format!("extends = \"f{}.toml\"\n", i + 1),
        );
    }
    write(
        tmp.path(),
        &format!("f{depth}.toml"),
        "extends = \"seed\"\n",
    );
    let e = error_of(&tmp.path().join("f0.toml"));
    assert!(e.contains("a chain of more than 8 scenarios"), "{e}");
    // One file less is fine.
    assert!(scenario::from_path(&tmp.path().join("f2.toml")).is_ok());
}

#[test]
fn a_missing_base_is_named_at_the_extends_line() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let child = write(
        tmp.path(),
        "client.toml",
        "title = \"x\"\nextends = \"nope.toml\"\n",
    );
    let e = error_of(&child);
    assert!(e.contains("client.toml:2:11: extends:"), "{e}");
    assert!(e.contains("nope.toml"), "{e}");
    assert!(e.contains("\"seed\" or \"reference\""), "{e}");
}

#[test]
fn drops_remove_base_elements_and_unknown_ones_are_named() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let child = write(
        tmp.path(),
        "client.toml",
        "extends = \"seed\"\ndrop_strategies = [\"hybrid_weak\", \"nope\"]\n",
    );
    let e = error_of(&child);
    assert!(
        e.contains("client.toml:2:35: drop_strategies: no strategy `nope`"),
        "{e}"
    );
    let child = write(
        tmp.path(),
        "ok.toml",
        "extends = \"seed\"\ndrop_strategies = [\"hybrid_weak\"]\n",
    );
    let s = read(&child);
    assert_eq!(s.strategies.len(), 4);
    assert!(
        s.claims.iter().all(|c| c.id != "C10b"),
        "C10b names hybrid_weak"
    );
}

#[test]
fn dropping_a_risk_needs_the_claims_that_number_risks_dropped_too() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let child = write(
        tmp.path(),
        "client.toml",
        "extends = \"seed\"\ndrop_risks = [\"black swan\"]\n",
    );
    let e = error_of(&child);
    assert!(e.contains("drop_risks: dropping a risk renumbers"), "{e}");
    // Black swan is risks[2]: C4 and C8 set risks[2] or risks[3], which move;
    // C7a and C7b set risks[1], which keeps its number.
    assert!(e.contains("drop_claims = [\"C4\", \"C8\"]"), "{e}");
    let child = write(
        tmp.path(),
        "ok.toml",
        "extends = \"seed\"\ndrop_risks = [\"black swan\"]\ndrop_claims = [\"C4\", \"C8\"]\n",
    );
    let s = read(&child);
    assert_eq!(s.risks.len(), 3);
    assert!(s.risks.iter().all(|r| r.name != "black swan"));
}

#[test]
fn a_drop_without_extends_and_file_keys_by_set_are_refused() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let text = std::fs::read_to_string(shipped("seed.toml")).expect("read");
    let child = write(
        tmp.path(),
        "x.toml",
        &format!("drop_risks = [\"black swan\"]\n{text}"),
    );
    let e = error_of(&child);
    assert!(e.contains("x.toml:1:14: drop_risks: drops from the scenario this file extends, and it extends none"), "{e}");
    let e = read_with(&shipped("seed.toml"), &["extends=reference"])
        .expect_err("extends by --set")
        .to_string();
    assert!(
        e.contains("--set extends=reference: extends: describes the scenario file"),
        "{e}"
    );
}

#[test]
fn a_run_manifest_records_each_extended_file_with_its_sha256() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let base_text = "extends = \"seed\"\n[cost]\nhourly_rate = 120\n";
    write(tmp.path(), "base.toml", base_text);
    write(tmp.path(), "client.toml", "extends = \"base.toml\"\n");
    let o = run_in(
        tmp.path(),
        &[
            "run",
            "client.toml",
            "--trials",
            "4096",
            "--charts",
            "none",
            "--out",
            "out",
        ],
    );
    assert_success(&o, "run");
    let manifest: serde_json::Value = serde_json::from_slice(
        &std::fs::read(tmp.path().join("out/manifest.json")).expect("manifest"),
    )
    .expect("json");
    let chain = manifest["extends"].as_array().expect("an extends list");
    assert_eq!(chain.len(), 2);
    assert_eq!(chain[0]["file"], "base.toml");
    assert_eq!(chain[0]["builtin"], false);
    assert_eq!(
        chain[0]["sha256"],
        tradeoff_sim::output::manifest::sha256_hex(base_text.as_bytes())
    );
    assert_eq!(chain[1]["file"], "<built-in seed.toml>");
    // A scenario without extends records none.
    let o = run_in(
        tmp.path(),
        &[
            "run",
            &shipped("peak-season.toml").display().to_string(),
            "--trials",
            "4096",
            "--charts",
            "none",
            "--out",
            "plain",
        ],
    );
    assert_success(&o, "run");
    let plain = std::fs::read_to_string(tmp.path().join("plain/manifest.json")).expect("manifest");
    assert!(!plain.contains("\"extends\"") && !plain.contains("\"evidence\""));
}

// ---------------------------------------------------------------- provenance

#[test]
fn the_reference_marks_its_sources_and_the_rest_as_the_seed_article() {
    let r = reference();
    assert!(r.evidence.declared);
    let estimate = r.evidence.of("build.estimate").expect("listed");
    assert_eq!(estimate.class, EvidenceClass::Literature);
    assert!(
        estimate
            .source
            .as_deref()
            .unwrap_or("")
            .contains("Little 2006")
    );
    assert_eq!(
        r.evidence.class_of("cost.hourly_rate"),
        EvidenceClass::SeedArticle
    );
    assert_eq!(
        r.evidence.class_of("strategies.ux_led.ttr_median_hours"),
        EvidenceClass::Literature
    );
    let swan = r
        .risks
        .iter()
        .position(|x| x.name == "black swan")
        .expect("a risk");
    assert_eq!(
        r.evidence.class_of(&format!("risks[{swan}]")),
        EvidenceClass::Literature
    );
    let seed = scenario::from_path(&shipped("seed.toml")).expect("valid");
    assert!(
        seed.evidence
            .parameters
            .iter()
            .all(|p| p.class == EvidenceClass::SeedArticle)
    );
}

#[test]
fn a_class_describes_the_values_written_in_the_same_file() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let child = write(
        tmp.path(),
        "client.toml",
        r#"extends = "reference"
[provenance]
"*" = "client"
"cost.hourly_rate" = { class = "assumption", source = "our guess" }
[churn]
customers = 250000
[cost]
hourly_rate = 180
downtime_loss_per_hour = 20000
"#,
    );
    let s = read_with(&child, &["cost.downtime_loss_per_hour=30000"]).expect("valid");
    let e = &s.evidence;
    let customers = e.of("churn.customers").expect("listed");
    assert_eq!(
        customers.class,
        EvidenceClass::Client,
        "written here, matched by *"
    );
    assert!(customers.written_in.ends_with("client.toml"));
    assert_eq!(
        e.class_of("cost.hourly_rate"),
        EvidenceClass::Assumption,
        "the more specific entry"
    );
    assert_eq!(
        e.class_of("build.estimate"),
        EvidenceClass::Literature,
        "inherited, keeps its class"
    );
    assert_eq!(
        e.class_of("cost.war_room_week_cost"),
        EvidenceClass::SeedArticle
    );
    let by_set = e.of("cost.downtime_loss_per_hour").expect("listed");
    assert_eq!(
        (by_set.class, by_set.written_in.as_str()),
        (EvidenceClass::Assumption, "--set")
    );

    // Without an entry, a value the file writes itself is an assumption, not the
    // base's class: the base's evidence was for the base's number.
    let bare = write(
        tmp.path(),
        "bare.toml",
        "extends = \"reference\"\n[build]\nestimate = { lognormal = { median = 1.2, sigma = 0.2 } }\n",
    );
    assert_eq!(
        read(&bare).evidence.class_of("build.estimate"),
        EvidenceClass::Assumption
    );
}

#[test]
fn bad_provenance_entries_are_located_with_what_is_allowed() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let child = write(
        tmp.path(),
        "client.toml",
        r#"extends = "reference"
[provenance]
"churn.customers" = "guess"
"cost.hourly_rate" = "literature"
"cost.hourly_rat" = "client"
[churn]
customers = 250000
[cost]
hourly_rate = 180
"#,
    );
    let e = error_of(&child);
    assert!(e.contains(":3:21: provenance.\"churn.customers\": unknown evidence class \"guess\"; allowed: client, literature, seed-article, assumption"), "{e}");
    assert!(
        e.contains(":4:22: provenance.\"cost.hourly_rate\": literature needs its reference"),
        "{e}"
    );
    assert!(e.contains(":5:1: provenance.\"cost.hourly_rat\": names no key of this scenario (did you mean \"cost.hourly_rate\"?)"), "{e}");
}

#[test]
fn a_provenance_entry_for_inherited_values_only_changes_nothing_and_says_so() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let child = write(
        tmp.path(),
        "client.toml",
        "extends = \"reference\"\n[provenance]\n\"cost.hourly_rate\" = \"client\"\n",
    );
    let s = read(&child);
    assert_eq!(
        s.evidence.class_of("cost.hourly_rate"),
        EvidenceClass::SeedArticle
    );
    assert!(
        s.warnings.iter().any(|w| w.contains("client.toml:3: provenance.\"cost.hourly_rate\": changes nothing because this file writes no value it names")),
        "{:?}",
        s.warnings
    );
}

// ---------------------------------------------------------------- values that change nothing

fn warnings_of(path: &Path, set: &[&str]) -> Vec<String> {
    read_with(path, set).expect("valid").warnings
}

#[test]
fn governance_of_a_strategy_whose_values_do_not_depend_on_g_changes_nothing() {
    let seed = shipped("seed.toml");
    assert!(
        warnings_of(&seed, &[]).is_empty(),
        "the shipped seed writes nothing unused"
    );
    let w = warnings_of(&seed, &["strategies.ux_led.governance=0.2"]);
    assert_eq!(
        w,
        [
            "--set strategies.ux_led.governance=0.2: strategies.ux_led.governance: changes nothing because none of this strategy's rates, probabilities or costs depends on governance (each is a plain number, not a { g0, g1 } curve, and it has no vendor seam)"
        ]
    );
    // Made to depend on g, it matters.
    let w = warnings_of(
        &seed,
        &[
            "strategies.ux_led.governance=0.2",
            "strategies.ux_led.ttr_median_hours={ g0 = 4, g1 = 2 }",
        ],
    );
    assert!(w.is_empty(), "{w:?}");
    // A vendor seam uses g (coordination, seam TTR, war room).
    assert!(warnings_of(&seed, &["strategies.hybrid.governance=0.3"]).is_empty());
}

#[test]
fn a_strategy_leaves_out_governance_only_when_nothing_depends_on_it() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let child = write(
        tmp.path(),
        "client.toml",
        "extends = \"seed\"\n[strategies.hybrid]\nlabel = \"H\"\n",
    );
    assert!(scenario::from_path(&child).is_ok(), "inherited");
    let text = std::fs::read_to_string(shipped("seed.toml")).expect("read");
    let without = text.replacen("governance = 0.5\n", "", 1);
    let path = write(tmp.path(), "no-g.toml", &without);
    let e = error_of(&path);
    assert!(
        e.contains(
            "strategies.hybrid.governance: missing; add `governance = ...` in [strategies.hybrid]"
        ),
        "{e}"
    );
}

#[test]
fn a_flat_curve_s_shape_and_unused_seam_and_matrix_keys_change_nothing() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let child = write(
        tmp.path(),
        "client.toml",
        "extends = \"seed\"\ndrop_strategies = [\"hybrid\", \"hybrid_ironclad\", \"hybrid_weak\"]\n[build]\nseam_share = 0.3\nmatrix_onboarding_weeks = { triangular = [1, 3, 5] }\n[strategies.ux_led]\nttr_median_hours = { g0 = 3, g1 = 3, k = 2 }\n",
    );
    let w = warnings_of(&child, &[]);
    let has = |text: &str| w.iter().any(|x| x.contains(text));
    assert!(
        has(
            "client.toml:4: build.seam_share: changes nothing because no strategy has a vendor seam"
        ),
        "{w:?}"
    );
    assert!(
        has(
            "client.toml:5: build.matrix_onboarding_weeks: changes nothing because no strategy has a responsibility matrix"
        ),
        "{w:?}"
    );
    assert!(
        has(
            "client.toml:7: strategies.ux_led.ttr_median_hours.k: changes nothing because g0 and g1 are equal"
        ),
        "{w:?}"
    );
    assert_eq!(
        w.len(),
        3,
        "the seed's own seam keys are its business: {w:?}"
    );
    // Kept, the hybrids use them.
    let kept = write(
        tmp.path(),
        "kept.toml",
        "extends = \"seed\"\n[build]\nseam_share = 0.3\n",
    );
    assert!(warnings_of(&kept, &[]).is_empty());
}

#[test]
fn walk_away_keys_change_nothing_when_no_partner_can_walk_away() {
    let w = warnings_of(
        &shipped("seed.toml"),
        &[
            "risks[3].probability={ backend_led = 0, ux_led = 0, hybrid = 0, hybrid_ironclad = 0, hybrid_weak = 0 }",
            "walk_away.at_week={ uniform = [2, 20] }",
            "strategies.ux_led.walk_away_unresolved_probability=0.9",
        ],
    );
    let has = |text: &str| w.iter().any(|x| x.contains(text));
    assert!(
        has("walk_away.at_week: changes nothing because no risk can make a partner walk away"),
        "{w:?}"
    );
    assert!(
        has("strategies.ux_led.walk_away_unresolved_probability: changes nothing"),
        "{w:?}"
    );
}

#[test]
fn validate_and_run_print_each_warning_once_on_stderr() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let seed = shipped("seed.toml").display().to_string();
    let o = run_in(
        tmp.path(),
        &[
            "validate",
            &seed,
            "--set",
            "strategies.backend_led.governance=0.9",
        ],
    );
    assert_success(&o, "validate");
    let err = stderr(&o);
    assert_eq!(err.matches("warning: --set strategies.backend_led.governance=0.9: strategies.backend_led.governance: changes nothing").count(), 1, "{err}");
    assert!(stdout(&o).contains("valid"));
}

// ---------------------------------------------------------------- init

#[test]
fn init_writes_a_starter_file_that_validates_and_refuses_to_overwrite() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let o = run_in(
        tmp.path(),
        &[
            "init",
            "acme.toml",
            "--title",
            "Acme replatform",
            "--currency",
            "EUR",
            "--customers",
            "250000",
            "--strategy",
            "backend_led=Forge",
            "--strategy",
            "ux_led=Pixel",
            "--weekly-burn",
            "backend_led=48000",
            "--quote-weeks",
            "backend_led=30",
            "--support",
            "ux_led=business-hours",
        ],
    );
    assert_success(&o, "init");
    let path = tmp.path().join("acme.toml");
    let text = std::fs::read_to_string(&path).expect("written");
    assert!(text.contains("extends = \"reference\""), "{text}");
    assert!(
        text.contains("# lifetime_value = 150"),
        "a fact to fill in:\n{text}"
    );
    assert!(
        text.contains("EUR per customer: lifetime value of a customer"),
        "{text}"
    );
    let s = read(&path);
    assert_eq!(s.title, "Acme replatform");
    assert_eq!(s.currency, "EUR");
    assert_eq!(s.churn.customers, 250000.0);
    let labels: Vec<&str> = s.strategies.iter().map(|s| s.label.as_str()).collect();
    assert_eq!(labels, ["Forge", "Pixel"]);
    assert_eq!(s.strategies[0].weekly_burn, 48000.0);
    assert_eq!(s.strategies[0].quote_weeks, Some(30.0));
    assert!(text.contains("support = \"business-hours\""), "{text}");
    assert!(
        text.contains("# quote_weeks = ..."),
        "ux_led's quote to fill in:\n{text}"
    );
    assert_eq!(
        s.evidence.class_of("churn.customers"),
        EvidenceClass::Client
    );
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
    let o = run_in(tmp.path(), &["validate", "acme.toml"]);
    assert_success(&o, "validate");
    assert_eq!(stderr(&o), "", "no warning");

    let o = run_in(tmp.path(), &["init", "acme.toml", "--customers", "1"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("acme.toml: already exists; give --force"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read_to_string(&path).expect("kept"),
        text,
        "untouched"
    );
    let o = run_in(
        tmp.path(),
        &["init", "acme.toml", "--customers", "1000", "--force"],
    );
    assert_success(&o, "init --force");
    assert_eq!(read(&path).churn.customers, 1000.0);
}

#[test]
fn init_with_no_facts_writes_every_fact_commented_out_and_validates() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let o = run_in(tmp.path(), &["init"]);
    assert_success(&o, "init");
    let path = tmp.path().join("client.toml");
    let s = read(&path);
    assert_eq!(
        model_json(&s),
        model_json(&reference()),
        "the reference itself"
    );
}

#[test]
fn init_refuses_a_fact_the_reader_refuses_and_writes_nothing() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let o = run_in(tmp.path(), &["init", "x.toml", "--strategy", "nope"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--strategy: no strategy `nope` in the reference scenario"),
        "{}",
        stderr(&o)
    );
    let o = run_in(tmp.path(), &["init", "x.toml", "--customers=-4"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("x.toml:"), "{}", stderr(&o));
    assert!(stderr(&o).contains("churn.customers"), "{}", stderr(&o));
    assert!(!tmp.path().join("x.toml").exists());
}

#[test]
fn init_asks_for_each_fact_when_prompting() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let mut child = Command::new(env!("CARGO_BIN_EXE_tradeoff-sim"))
        .args(["init", "asked.toml", "--prompt", "--strategy", "ux_led"])
        .current_dir(tmp.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    // title, currency, plan weeks, customers, lifetime value, downtime loss,
    // hourly rate, then ux_led's label and weekly burn.
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"Asked\nGBP\n\n120,000\n\n\n\nPixel\n41000\n")
        .expect("answers");
    let o = child.wait_with_output().expect("finishes");
    assert_success(&o, "init --prompt");
    let s = read(&tmp.path().join("asked.toml"));
    assert_eq!((s.title.as_str(), s.currency.as_str()), ("Asked", "GBP"));
    assert_eq!(s.churn.customers, 120000.0);
    assert_eq!(s.build.plan_weeks, 24.0, "Enter keeps the reference");
    assert_eq!(
        (s.strategies[0].label.as_str(), s.strategies[0].weekly_burn),
        ("Pixel", 41000.0)
    );
}

// ---------------------------------------------------------------- evidence in outputs

#[test]
fn sensitivity_shows_each_driver_s_evidence_and_warns_on_weak_decision_drivers() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let reference = shipped("reference.toml").display().to_string();
    let o = run_in(
        tmp.path(),
        &[
            "sensitivity",
            &reference,
            "--trials",
            "2000",
            "--charts",
            "svg",
            "--out",
            "sens",
        ],
    );
    assert_success(&o, "sensitivity");
    let csv = std::fs::read_to_string(tmp.path().join("sens/tornado.csv")).expect("tornado.csv");
    let header = csv.lines().next().expect("a header");
    assert!(header.ends_with(",evidence,evidence_source"), "{header}");
    let estimate = csv
        .lines()
        .find(|l| l.contains(",build.estimate,"))
        .expect("build.estimate is a driver");
    assert!(
        estimate.ends_with(",literature,Little 2006; Jorgensen & Molokken-Ostvold 2006"),
        "{estimate}"
    );
    let decision =
        std::fs::read_to_string(tmp.path().join("sens/tornado_decision.csv")).expect("csv");
    assert!(
        decision
            .lines()
            .next()
            .expect("header")
            .ends_with(",flips_choice,evidence,evidence_source")
    );
    let out = stdout(&o);
    assert!(out.contains("swing  evidence\n"), "{out}");
    assert!(
        out.lines()
            .any(|l| l.contains("build.estimate") && l.ends_with("  literature")),
        "{out}"
    );
    let chart =
        std::fs::read_to_string(tmp.path().join("sens/charts/tornado_decision.svg")).expect("svg");
    assert!(
        chart.contains("· seed-article"),
        "the class after each driver's key"
    );
    let manifest =
        std::fs::read_to_string(tmp.path().join("sens/manifest.json")).expect("manifest");
    assert!(manifest.contains("\"evidence\""), "{manifest}");
    // The decision between the two best rests on seed-article figures somewhere:
    // the warning names each such driver once, in one line.
    let err = stderr(&o);
    assert_eq!(err.matches("warning: the choice can flip on a driver that rests only on an assumption or the seed article:").count(), 1, "{err}");
    assert!(err.contains("(seed-article)"), "{err}");
    assert!(
        !err.contains("black swan (literature)"),
        "literature is not weak: {err}"
    );
}

#[test]
fn without_declared_evidence_no_output_shows_classes() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let plain = shipped("peak-season.toml").display().to_string();
    let o = run_in(
        tmp.path(),
        &[
            "sensitivity",
            &plain,
            "--trials",
            "1000",
            "--strategy",
            "ux_led",
            "--charts",
            "none",
            "--out",
            "sens",
        ],
    );
    assert_success(&o, "sensitivity");
    let csv = std::fs::read_to_string(tmp.path().join("sens/tornado.csv")).expect("tornado.csv");
    assert!(!csv.lines().next().expect("header").contains("evidence"));
    assert!(!stdout(&o).contains("evidence"));
    assert!(!stderr(&o).contains("the choice can flip"));
}

/// MODEL.md §8.3 under `extends`: a child's `raci = false` does not switch off the
/// matrix a base's strategy sets itself; the reader says so, naming the line, and
/// says nothing where the practice and the switch agree.
#[test]
fn a_raci_practice_overruled_by_the_strategys_own_matrix_switch_is_named() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let practices = |raci: bool| {
        format!(
            "extends = \"seed\"\n\n[strategies.hybrid_ironclad]\ngovernance = {{ raci = {raci}, api_owner = true, olas = true, integrator = true }}\n"
        )
    };
    let off = write(dir.path(), "off.toml", &practices(false));
    let s = read(&off);
    let ironclad = s
        .strategies
        .iter()
        .find(|st| st.id == "hybrid_ironclad")
        .expect("kept");
    assert!(ironclad.responsibility_matrix, "the base's switch wins");
    assert_eq!(ironclad.governance, 0.75);
    let expected = "off.toml:4: strategies.hybrid_ironclad.governance.raci: does not switch the responsibility matrix off: this strategy's responsibility_matrix = true (here or in a file this one extends) keeps it on; set responsibility_matrix = false to follow the practice";
    assert!(
        s.warnings.iter().any(|w| w.ends_with(expected)),
        "{:?}",
        s.warnings
    );
    let on = write(dir.path(), "on.toml", &practices(true));
    let s = read(&on);
    assert!(
        !s.warnings.iter().any(|w| w.contains("governance.raci")),
        "{:?}",
        s.warnings
    );
}
