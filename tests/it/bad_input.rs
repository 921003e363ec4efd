//! Malformed scenarios: every one exits with code 2, names the file, line,
//! column and key path with a hint of what is allowed, writes nothing, and
//! answers quickly; on `run` and on `validate` alike.
//!
//! Each fixture in `tests/fixtures/bad/` is a copy of [`MINIMAL`] with one defect
//! (line 1 says which), unless it is about several problems at once. The table
//! below states, per fixture, the line and key path the first matching problem
//! must name. Binary defects (a byte-order mark, a non-UTF-8 byte) are written by
//! the tests themselves into a temporary folder.
//!
//! Tests marked `#[ignore]` state what a demanding user expects and the current
//! binary does not yet do; the reason says what is missing.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

use crate::common::{listing, root, run_in, stderr, stdout};

/// The valid scenario every fixture starts from (checked by
/// `the_minimal_base_of_the_fixtures_is_valid`). Line numbers in the table below
/// refer to this layout.
const MINIMAL: &str = r#"# Minimal valid scenario: the base every bad fixture is a copy of.
trials = 1000
seed = 7

[build]
plan_weeks = 24

[churn]
customers = 400000
lifetime_value = 150

[cost]
downtime_loss_per_hour = 11400
hourly_rate = 150
war_room_week_cost = 14500

[strategies.backend_led]
governance = 0.5
weekly_burn = 55000
api_failure_rate = 0.37
other_fix_rate = 5.8
headroom_median = 14
headroom_sigma = 0.25
ttr_median_hours = 1.5
walk_away_unresolved_probability = 0.4
walk_away_degraded_weeks = { triangular = [0.5, 1.5, 3] }

[strategies.ux_led]
governance = 0.5
weekly_burn = 50000
api_failure_rate = { g0 = 0.9, g1 = 0.3 }
other_fix_rate = 9.3
headroom_median = 4
headroom_sigma = 0.5
ttr_median_hours = 3.0
walk_away_unresolved_probability = 0.7
walk_away_degraded_weeks = { pert = [1, 2.5, 5] }

[[risks]]
name = "late defect"
probability = { backend_led = 0.05, ux_led = { g0 = 0.4, g1 = 0.1 } }
delay_weeks = { lognormal = { median = 3, sigma = 0.5 } }
"#;

/// A bad scenario must be refused well within this (issue 5 asks for a second;
/// the margin absorbs a loaded CI machine).
const MAX_SECONDS: Duration = Duration::from_secs(2);

fn fixtures_dir() -> PathBuf {
    root().join("tests").join("fixtures").join("bad")
}

/// What one bad scenario must produce.
struct Case {
    /// File name under `tests/fixtures/bad/`.
    file: &'static str,
    /// 1-based line of the defect.
    line: usize,
    /// Key path the problem on that line must name (`None` for syntax errors,
    /// where the parser cannot know one).
    key: Option<&'static str>,
    /// Phrases the same problem line must contain: what is allowed, or a hint.
    hints: &'static [&'static str],
    /// How many problems the summary line must count (`None`: not checked).
    problems: Option<usize>,
}

/// One invocation of the binary on a bad scenario, in a fresh temporary folder.
struct Refusal {
    output: Output,
    elapsed: Duration,
    label: String,
}

impl Refusal {
    fn stderr(&self) -> String {
        stderr(&self.output)
    }

    /// Exit code 2, nothing on stdout, no panic, quick.
    fn assert_usage_error(&self) {
        let err = self.stderr();
        assert_eq!(
            self.output.status.code(),
            Some(2),
            "{}: expected exit code 2, got {:?}; stderr:\n{err}",
            self.label,
            self.output.status.code()
        );
        assert!(
            !err.contains("panicked"),
            "{}: the binary panicked:\n{err}",
            self.label
        );
        assert!(
            stdout(&self.output).is_empty(),
            "{}: expected nothing on stdout, got:\n{}",
            self.label,
            stdout(&self.output)
        );
        assert!(
            self.elapsed < MAX_SECONDS,
            "{}: took {:?}, expected under {MAX_SECONDS:?}",
            self.label,
            self.elapsed
        );
    }
}

/// Runs `args` in a fresh temporary folder (`{out}` stands for `<tmp>/out`) and
/// checks that the folder is still empty afterwards.
fn refuse(label: &str, args: &[&str]) -> Refusal {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    refuse_in(tmp.path(), label, args)
}

/// `run SCENARIO --out DIR` and `validate SCENARIO`, both refused.
fn run_and_validate(label: &str, scenario: &Path) -> [Refusal; 2] {
    let path = scenario.display().to_string();
    let run = refuse(label, &["run", &path, "--out", "{out}"]);
    let validate = refuse(label, &["validate", &path]);
    [run, validate]
}

/// The problem lines of stderr that point at `path:line:COL:`, without the
/// leading `error: `.
fn problems_on_line<'a>(err: &'a str, path: &str, line: usize) -> Vec<&'a str> {
    let prefix = format!("{path}:{line}:");
    err.lines()
        .map(|l| l.strip_prefix("error: ").unwrap_or(l))
        .filter(|l| {
            l.strip_prefix(&prefix).is_some_and(|rest| {
                let digits = rest.chars().take_while(char::is_ascii_digit).count();
                digits > 0 && rest[digits..].starts_with(':')
            })
        })
        .collect()
}

/// The count of the closing `N problem(s) in PATH` line, if there is one.
fn problem_count(err: &str, path: &str) -> Option<usize> {
    err.lines().find_map(|l| {
        let (n, rest) = l.split_once(' ')?;
        (rest == format!("problem in {path}") || rest == format!("problems in {path}"))
            .then(|| n.parse().ok())
            .flatten()
    })
}

/// Checks one located problem in a refusal's stderr.
fn assert_located(refusal: &Refusal, path: &str, line: usize, key: Option<&str>, hints: &[&str]) {
    let err = refusal.stderr();
    let on_line = problems_on_line(&err, path, line);
    assert!(
        !on_line.is_empty(),
        "{}: no problem located at {path}:{line}:COL:; stderr:\n{err}",
        refusal.label
    );
    let wanted = |l: &&str| {
        let after = l.splitn(4, ':').nth(3).unwrap_or("");
        let after = after.trim_start();
        key.is_none_or(|k| {
            after.starts_with(&format!("{k}:")) || after.starts_with(&format!("{k} ("))
        }) && hints.iter().all(|h| l.contains(h))
    };
    assert!(
        on_line.iter().any(wanted),
        "{}: no problem on line {line} names key {key:?} with hints {hints:?}; problems on that line:\n{}\nfull stderr:\n{err}",
        refusal.label,
        on_line.join("\n")
    );
}

fn check(case: &Case) {
    let scenario = fixtures_dir().join(case.file);
    assert!(scenario.is_file(), "missing fixture {}", scenario.display());
    let path = scenario.display().to_string();
    for refusal in run_and_validate(case.file, &scenario) {
        refusal.assert_usage_error();
        assert_located(&refusal, &path, case.line, case.key, case.hints);
        if let Some(n) = case.problems {
            let err = refusal.stderr();
            assert_eq!(
                problem_count(&err, &path),
                Some(n),
                "{}: expected `{n} problem(s) in {path}`; stderr:\n{err}",
                refusal.label
            );
        }
    }
}

/// One `#[test]` per fixture, and the list of fixture files for the coverage test.
///
/// `name: "file.toml", line L, key K, hints [..] (, problems N | any)?;`
/// Without `problems`, exactly one problem must be reported.
macro_rules! bad_scenarios {
    (@count) => { Some(1) };
    (@count any) => { None };
    (@count $n:literal) => { Some($n) };
    ($(
        $(#[$attr:meta])*
        $name:ident: $file:literal, line $line:literal, key $key:expr,
            hints [$($hint:literal),* $(,)?] $(, problems $n:tt)?;
    )*) => {
        /// Every fixture file some test reads.
        const FIXTURES: &[&str] = &[$($file),*];
        $(
            #[test]
            $(#[$attr])*
            fn $name() {
                check(&Case {
                    file: $file,
                    line: $line,
                    key: $key,
                    hints: &[$($hint),*],
                    problems: bad_scenarios!(@count $($n)?),
                });
            }
        )*
    };
}

bad_scenarios! {
    // TOML syntax.
    rejects_an_unclosed_array_on_its_own_line:
        "syntax_unclosed_array.toml", line 26, key None, hints ["TOML syntax"], problems any;
    rejects_a_key_without_an_equals_sign:
        "syntax_missing_equals.toml", line 6, key None, hints ["expected `=`"];
    rejects_a_string_without_its_closing_quote:
        "syntax_unterminated_string.toml", line 40, key None, hints ["expected `\"`"];
    rejects_an_invalid_escape_in_a_string:
        "syntax_bad_escape.toml", line 40, key None, hints ["escape"];
    rejects_a_duplicate_key_on_the_line_of_the_second_one:
        "duplicate_key.toml", line 19, key None, hints ["duplicate key"];
    rejects_a_duplicate_key_naming_its_key_path:
        "duplicate_key.toml", line 19, key Some("strategies.backend_led.governance"),
            hints ["duplicate", "line 18"];
    rejects_a_duplicate_strategy_table_on_the_line_of_the_second_one:
        "duplicate_strategy_table.toml", line 39, key None, hints ["duplicate"], problems any;
    rejects_a_duplicate_strategy_table_naming_the_strategy_once:
        "duplicate_strategy_table.toml", line 39, key Some("strategies.ux_led"),
            hints ["duplicate", "line 28"];

    // Unknown and misspelt keys.
    rejects_an_unknown_top_level_key_suggesting_the_right_one:
        "unknown_top_level_key.toml", line 2, key Some("trails"),
            hints ["unknown key", "did you mean `trials`?", "allowed here:"];
    rejects_an_unknown_key_in_a_section_listing_the_allowed_keys:
        "unknown_key_in_section.toml", line 16, key Some("cost.overhead_share"),
            hints ["unknown key", "allowed here:", "hourly_rate"];
    rejects_a_misspelt_strategy_key_suggesting_the_right_one:
        "misspelt_strategy_key.toml", line 20, key Some("strategies.backend_led.plan_multipler"),
            hints ["did you mean `plan_multiplier`?"];
    rejects_a_misspelt_required_strategy_key_and_reports_it_missing:
        "misspelt_required_strategy_key.toml", line 18, key Some("strategies.backend_led.governence"),
            hints ["did you mean `governance`?"], problems 2;
    rejects_an_unknown_key_in_a_governance_curve:
        "unknown_key_in_governance_curve.toml", line 31, key Some("strategies.ux_led.api_failure_rate.kk"),
            hints ["unknown key", "g0, g1, k"];
    rejects_an_unknown_key_in_a_lognormal_table:
        "unknown_key_in_lognormal.toml", line 42, key Some("risks[0].delay_weeks.lognormal.mean"),
            hints ["unknown key", "median, sigma"];

    // Wrong types.
    rejects_a_string_where_a_number_goes:
        "string_where_number.toml", line 19, key Some("strategies.backend_led.weekly_burn"),
            hints ["expected a number", "got a string"];
    rejects_a_number_where_a_table_goes:
        "number_where_table.toml", line 3, key Some("horizon"),
            hints ["expected a table", "got an integer"];
    rejects_a_boolean_where_a_number_goes:
        "boolean_where_number.toml", line 14, key Some("cost.hourly_rate"),
            hints ["expected a number", "got a boolean"];
    rejects_a_list_where_a_number_goes:
        "array_where_number.toml", line 18, key Some("strategies.backend_led.governance"),
            hints ["expected a number", "between 0 and 1", "got an array"];
    rejects_a_number_where_a_string_goes:
        "number_where_string.toml", line 29, key Some("strategies.ux_led.label"),
            hints ["expected a string", "got an integer"];
    rejects_prose_where_a_distribution_goes:
        "string_where_distribution.toml", line 42, key Some("risks[0].delay_weeks"),
            hints ["expected a distribution", "triangular", "got a string"];
    rejects_a_string_where_true_or_false_goes:
        "string_where_boolean.toml", line 20, key Some("strategies.backend_led.vendor_seam"),
            hints ["expected true or false", "got a string"];
    rejects_risks_written_as_a_single_table:
        "risks_not_array_of_tables.toml", line 39, key Some("risks"),
            hints ["[[risks]]", "got a table"];
    rejects_a_strategy_that_is_not_a_table:
        "strategy_not_a_table.toml", line 18, key Some("strategies.ux_led"),
            hints ["expected a table", "got an integer"];

    // nan and the infinities, in every kind of number.
    rejects_nan_as_a_plain_number:
        "nan_in_number.toml", line 19, key Some("strategies.backend_led.weekly_burn"),
            hints ["finite", "got nan"];
    rejects_inf_as_a_plain_number:
        "inf_in_number.toml", line 19, key Some("strategies.backend_led.weekly_burn"),
            hints ["finite", "got inf"];
    rejects_minus_inf_as_a_plain_number:
        "neg_inf_in_number.toml", line 19, key Some("strategies.backend_led.weekly_burn"),
            hints ["finite", "got -inf"];
    rejects_plus_nan_as_a_plain_number:
        "plus_nan_in_number.toml", line 19, key Some("strategies.backend_led.weekly_burn"),
            hints ["finite", "got +nan"];
    rejects_nan_in_a_governance_curve:
        "nan_in_governance_curve.toml", line 31, key Some("strategies.ux_led.api_failure_rate.g0"),
            hints ["finite", "got nan"];
    rejects_inf_in_a_governance_curve:
        "inf_in_governance_curve.toml", line 31, key Some("strategies.ux_led.api_failure_rate.g0"),
            hints ["finite", "got inf"];
    rejects_minus_inf_in_a_governance_curve:
        "neg_inf_in_governance_curve.toml", line 31, key Some("strategies.ux_led.api_failure_rate.g0"),
            hints ["finite", "got -inf"];
    rejects_plus_nan_in_a_governance_curve:
        "plus_nan_in_governance_curve.toml", line 31, key Some("strategies.ux_led.api_failure_rate.g0"),
            hints ["finite", "got +nan"];
    rejects_nan_in_a_distribution_parameter_list:
        "nan_in_distribution_list.toml", line 26,
            key Some("strategies.backend_led.walk_away_degraded_weeks.triangular"),
            hints ["(mode)", "finite", "got nan"];
    rejects_inf_in_a_distribution_parameter_list:
        "inf_in_distribution_list.toml", line 26,
            key Some("strategies.backend_led.walk_away_degraded_weeks.triangular"),
            hints ["(mode)", "finite", "got inf"];
    rejects_minus_inf_in_a_distribution_parameter_list:
        "neg_inf_in_distribution_list.toml", line 26,
            key Some("strategies.backend_led.walk_away_degraded_weeks.triangular"),
            hints ["(mode)", "finite", "got -inf"];
    rejects_plus_nan_in_a_distribution_parameter_list:
        "plus_nan_in_distribution_list.toml", line 26,
            key Some("strategies.backend_led.walk_away_degraded_weeks.triangular"),
            hints ["(mode)", "finite", "got +nan"];
    rejects_nan_in_a_lognormal_table:
        "nan_in_lognormal.toml", line 42, key Some("risks[0].delay_weeks.lognormal.median"),
            hints ["finite", "> 0", "got nan"];
    rejects_inf_in_a_lognormal_table:
        "inf_in_lognormal.toml", line 42, key Some("risks[0].delay_weeks.lognormal.median"),
            hints ["finite", "> 0", "got inf"];
    rejects_minus_inf_in_a_lognormal_table:
        "neg_inf_in_lognormal.toml", line 42, key Some("risks[0].delay_weeks.lognormal.median"),
            hints ["finite", "> 0", "got -inf"];
    rejects_plus_nan_in_a_lognormal_table:
        "plus_nan_in_lognormal.toml", line 42, key Some("risks[0].delay_weeks.lognormal.median"),
            hints ["finite", "> 0", "got +nan"];
    rejects_nan_as_a_risk_probability:
        "nan_in_risk_probability.toml", line 41, key Some("risks[0].probability.backend_led"),
            hints ["finite", "between 0 and 1", "got nan"];
    rejects_inf_as_a_risk_probability:
        "inf_in_risk_probability.toml", line 41, key Some("risks[0].probability.backend_led"),
            hints ["finite", "between 0 and 1", "got inf"];
    rejects_minus_inf_as_a_risk_probability:
        "neg_inf_in_risk_probability.toml", line 41, key Some("risks[0].probability.backend_led"),
            hints ["finite", "between 0 and 1", "got -inf"];
    rejects_plus_nan_as_a_risk_probability:
        "plus_nan_in_risk_probability.toml", line 41, key Some("risks[0].probability.backend_led"),
            hints ["finite", "between 0 and 1", "got +nan"];

    // Whole numbers.
    rejects_trials_that_overflow_64_bits:
        "trials_overflow.toml", line 2, key Some("trials"),
            hints ["whole number between 1 and", "got 99999999999999999999"];
    rejects_a_number_that_overflows_64_bits:
        "number_overflow.toml", line 9, key Some("churn.customers"),
            hints ["out of range"];
    rejects_a_number_that_overflows_64_bits_saying_what_is_allowed:
        "number_overflow.toml", line 9, key Some("churn.customers"),
            hints ["between 0 and", "got 99999999999999999999"];
    rejects_zero_trials:
        "trials_zero.toml", line 2, key Some("trials"),
            hints ["whole number between 1 and", "got 0"];
    rejects_negative_trials:
        "trials_negative.toml", line 2, key Some("trials"),
            hints ["whole number between 1 and", "got -5"];
    rejects_trials_written_as_a_float:
        "trials_float.toml", line 2, key Some("trials"),
            hints ["whole number", "got a float"];
    rejects_trials_written_as_a_string:
        "trials_string.toml", line 2, key Some("trials"),
            hints ["whole number", "got a string"];
    rejects_a_negative_seed:
        "seed_negative.toml", line 3, key Some("seed"),
            hints ["whole number between 0 and", "got -7"];

    // Probabilities outside [0, 1].
    rejects_a_strategy_governance_above_one:
        "governance_above_one.toml", line 18, key Some("strategies.backend_led.governance"),
            hints ["between 0 and 1", "got 1.5"];
    rejects_a_negative_risk_probability:
        "risk_probability_negative.toml", line 41, key Some("risks[0].probability.backend_led"),
            hints ["between 0 and 1", "got -0.1"];
    rejects_a_risk_probability_curve_with_g1_above_one:
        "risk_probability_curve_above_one.toml", line 41, key Some("risks[0].probability.ux_led.g1"),
            hints ["between 0 and 1", "got 1.2"];
    rejects_a_strategy_probability_curve_with_g1_above_one:
        "probability_curve_above_one.toml", line 36,
            key Some("strategies.ux_led.walk_away_unresolved_probability.g1"),
            hints ["between 0 and 1", "got 1.2"];

    // Negative spreads.
    rejects_a_lognormal_with_negative_sigma:
        "lognormal_sigma_negative.toml", line 42, key Some("risks[0].delay_weeks.lognormal.sigma"),
            hints [">= 0", "got -0.5"];
    rejects_a_negative_headroom_sigma:
        "headroom_sigma_negative.toml", line 23, key Some("strategies.backend_led.headroom_sigma"),
            hints ["between 0 and 10", "got -0.25"];
    rejects_a_normal_with_negative_std_dev:
        "normal_std_dev_negative.toml", line 42, key Some("risks[0].delay_weeks.normal.std_dev"),
            hints [">= 0", "got -1"];

    // Ranges: min above max, mode outside its range.
    rejects_a_triangular_with_min_above_max:
        "triangular_min_above_max.toml", line 26,
            key Some("strategies.backend_led.walk_away_degraded_weeks"),
            hints ["min must not be above max", "min 3", "max 0.5"];
    rejects_a_pert_with_min_above_max:
        "pert_min_above_max.toml", line 37, key Some("strategies.ux_led.walk_away_degraded_weeks"),
            hints ["min must not be above max", "min 5", "max 1"];
    rejects_a_uniform_with_low_above_high:
        "uniform_min_above_max.toml", line 45, key Some("walk_away.at_week"),
            hints ["low must not be above high", "low 22", "high 4"];
    rejects_a_triangular_mode_outside_its_range:
        "triangular_mode_outside_range.toml", line 26,
            key Some("strategies.backend_led.walk_away_degraded_weeks"),
            hints ["mode must lie within [min, max]", "got 4"];
    rejects_a_pert_mode_outside_its_range:
        "pert_mode_outside_range.toml", line 37, key Some("strategies.ux_led.walk_away_degraded_weeks"),
            hints ["mode must lie within [min, max]", "got 0.5"];
    rejects_a_lognormal_interval_with_p05_above_p95:
        "lognormal_interval_reversed.toml", line 42, key Some("risks[0].delay_weeks"),
            hints ["p05 6", "p95 2"];
    rejects_a_beta_with_zero_alpha:
        "beta_alpha_zero.toml", line 45, key Some("walk_away.degraded_fraction.beta.alpha"),
            hints ["> 0", "got 0"];

    // Distribution shapes and supports.
    rejects_a_distribution_with_two_kind_keys:
        "distribution_two_kinds.toml", line 26,
            key Some("strategies.backend_led.walk_away_degraded_weeks"),
            hints ["exactly one kind key", "got 2"];
    rejects_an_unknown_distribution_kind_suggesting_the_right_one:
        "distribution_unknown_kind.toml", line 26,
            key Some("strategies.backend_led.walk_away_degraded_weeks.trianglar"),
            hints ["unknown distribution", "did you mean `triangular`?", "pert, lognormal"];
    rejects_a_triangular_with_two_numbers:
        "triangular_two_numbers.toml", line 26,
            key Some("strategies.backend_led.walk_away_degraded_weeks.triangular"),
            hints ["[min, mode, max]", "3 numbers, got 2"];
    rejects_a_fraction_distribution_reaching_above_one:
        "fraction_distribution_above_one.toml", line 45, key Some("surges.impact_fraction"),
            hints ["between 0 and 1", "from 0.5 to 1.5"];
    rejects_an_unbounded_normal_where_draws_must_be_non_negative:
        "normal_without_min_for_weeks.toml", line 42, key Some("risks[0].delay_weeks"),
            hints ["draws must be >= 0", "min = 0"];

    // The risk register.
    rejects_a_risk_without_an_effect:
        "risk_without_effect.toml", line 39, key Some("risks[0]"),
            hints ["at least one effect", "delay_weeks", "walk_away = true"];
    rejects_a_risk_whose_only_effect_is_a_multiplier_of_one:
        "risk_only_effect_is_a_multiplier_of_one.toml", line 39, key Some("risks[0]"),
            hints ["at least one effect", "api_failure_multiplier other than 1"];
    rejects_a_tail_cap_on_a_risk_without_a_tail:
        "risk_tail_cap_without_tail.toml", line 43, key Some("risks[0].tail_multiplier_cap"),
            hints ["tail_extra_share", "remove tail_multiplier_cap"];
    rejects_a_risk_probability_missing_a_strategy:
        "risk_probability_missing_strategy.toml", line 41, key Some("risks[0].probability.ux_led"),
            hints ["missing the probability for strategy `ux_led`"];
    rejects_a_risk_probability_naming_an_unknown_strategy:
        "risk_probability_unknown_strategy.toml", line 41, key Some("risks[0].probability.hybrid"),
            hints ["no strategy `hybrid`", "backend_led, ux_led"];
    rejects_two_risks_with_the_same_name:
        "risk_duplicate_name.toml", line 45, key Some("risks[1].name"),
            hints ["duplicate risk name", "late defect"];
    rejects_a_risk_without_a_probability:
        "risk_without_probability.toml", line 39, key Some("risks[0].probability"),
            hints ["missing", "probability = {"];

    // Strategies.
    rejects_an_empty_strategies_table:
        "strategies_empty.toml", line 16, key Some("strategies"),
            hints ["at least one strategy", "[strategies.backend_led]"];
    rejects_a_scenario_without_strategies:
        "strategies_missing.toml", line 1, key Some("strategies"),
            hints ["missing", "[strategies.<id>]"];
    rejects_a_strategy_id_with_upper_case_and_a_hyphen:
        "strategy_id_invalid.toml", line 17, key Some("strategies.Backend-Led"),
            hints ["lower-case letters, digits and underscores"];
    rejects_an_upper_case_strategy_id:
        "strategy_id_upper_case.toml", line 28, key Some("strategies.UX"),
            hints ["lower-case letters, digits and underscores"];

    // Strings.
    rejects_a_lower_case_currency:
        "currency_lower_case.toml", line 3, key Some("currency"),
            hints ["three-letter", "USD", "got \"usd\""];
    rejects_a_currency_that_is_a_word:
        "currency_too_long.toml", line 3, key Some("currency"),
            hints ["three-letter", "got \"DOLLARS\""];

    // Missing keys and empty files.
    rejects_a_missing_build_plan_weeks_at_its_section:
        "missing_build_plan_weeks.toml", line 5, key Some("build.plan_weeks"),
            hints ["missing", "add `plan_weeks = ...` in [build]"];
    rejects_a_missing_strategy_governance_at_its_section:
        "missing_strategy_governance.toml", line 28, key Some("strategies.ux_led.governance"),
            hints ["missing", "in [strategies.ux_led]", "between 0 and 1"];
    rejects_a_missing_build_section:
        "missing_build_section.toml", line 1, key Some("build.plan_weeks"),
            hints ["missing", "in [build]"];
    rejects_an_empty_file_listing_every_required_key:
        "empty_file.toml", line 1, key Some("strategies"), hints ["missing"], problems 7;
    rejects_a_file_of_comments_only:
        "only_comments.toml", line 1, key Some("build.plan_weeks"), hints ["missing"], problems 7;

    rejects_a_huge_float_writing_it_short:
        "number_huge_float.toml", line 6, key Some("build.plan_weeks"),
            hints ["between 0.1 and 1040, got 1e308"];

    // Names shown on tables and charts.
    rejects_a_blank_strategy_label:
        "label_blank.toml", line 29, key Some("strategies.ux_led.label"),
            hints ["must not be blank", "leave the key out"];
    rejects_a_strategy_label_with_a_newline:
        "label_control_character.toml", line 29, key Some("strategies.ux_led.label"),
            hints ["one line of printable text", "'\\n'"];
    rejects_a_strategy_label_with_a_unicode_line_separator:
        "label_line_separator.toml", line 29, key Some("strategies.ux_led.label"),
            hints ["one line of printable text", "'\\u{2028}'"];
    rejects_a_strategy_label_that_another_strategy_already_has:
        "label_duplicate.toml", line 29, key Some("strategies.ux_led.label"),
            hints ["already the label of strategies.backend_led", "its own label"];
    rejects_an_empty_risk_name:
        "risk_name_empty.toml", line 40, key Some("risks[0].name"), hints ["must not be blank"];
    rejects_a_title_with_a_tab:
        "title_tab.toml", line 4, key Some("title"), hints ["one line of printable text"];
    rejects_a_strategy_label_longer_than_the_charts_hold:
        "label_too_long.toml", line 29, key Some("strategies.ux_led.label"),
            hints ["at most 48 characters, got 95", "does not fit", "shorten it"];
    rejects_a_strategy_label_the_chart_font_cannot_draw:
        "label_characters_the_charts_cannot_draw.toml", line 29, key Some("strategies.ux_led.label"),
            hints ["the charts cannot draw", "'バ' (U+30D0), 'ッ' (U+30C3)", "and 3 more",
                "the charts (font DejaVu Sans) draw Latin letters, accented too, Greek, Cyrillic",
                "not Chinese, Japanese or Korean"];
    rejects_a_strategy_label_with_an_emoji:
        "label_emoji.toml", line 29, key Some("strategies.ux_led.label"),
            hints ["has a character the charts cannot draw: '🚀' (U+1F680)", "not emoji"];
    rejects_a_missing_label_whose_default_the_id_is_too_long:
        "label_defaults_to_a_long_id.toml", line 28,
            key Some("strategies.ux_led_with_an_external_agency_and_a_design_system_first_plan.label"),
            hints ["at most 48 characters, got 61", "it is not given, so it is the strategy's id",
                "add `label = \"...\"` in [strategies.ux_led_with_an_external_agency_and_a_design_system_first_plan]"];
    rejects_a_title_longer_than_the_charts_hold:
        "title_too_long.toml", line 4, key Some("title"),
            hints ["at most 80 characters, got 95", "heads the tables and every chart"];
    rejects_a_risk_name_longer_than_the_charts_hold:
        "risk_name_too_long.toml", line 40, key Some("risks[0].name"),
            hints ["at most 64 characters, got 83", "shorten it"];

    // Several problems: each has its own test below; this one checks the first.
    rejects_several_problems_starting_with_the_first:
        "several_problems.toml", line 6, key Some("build.plan_weeks"),
            hints ["between 0.1 and 1040", "got -3"], problems 4;
}

#[test]
fn every_bad_fixture_has_a_test_and_every_test_has_its_fixture() {
    let mut on_disk: Vec<String> = std::fs::read_dir(fixtures_dir())
        .expect("tests/fixtures/bad is readable")
        .map(|e| {
            e.expect("a folder entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    on_disk.sort();
    let untested: Vec<&String> = on_disk
        .iter()
        .filter(|f| !FIXTURES.contains(&f.as_str()))
        .collect();
    assert!(untested.is_empty(), "fixtures without a test: {untested:?}");
    let absent: Vec<&&str> = FIXTURES
        .iter()
        .filter(|f| !on_disk.iter().any(|d| d == *f))
        .collect();
    assert!(absent.is_empty(), "tests without a fixture: {absent:?}");
    assert!(
        on_disk.len() >= 45,
        "at least 45 bad fixtures, got {}",
        on_disk.len()
    );
}

#[test]
fn the_minimal_base_of_the_fixtures_is_valid() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let file = tmp.path().join("minimal.toml");
    std::fs::write(&file, MINIMAL).expect("write the minimal scenario");
    let o = run_in(tmp.path(), &["validate", &file.display().to_string()]);
    assert_eq!(o.status.code(), Some(0), "stderr:\n{}", stderr(&o));
}

#[test]
fn accepts_labels_in_accented_latin_greek_and_cyrillic_up_to_the_limit() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let file = tmp.path().join("équipe.toml");
    let longest = "Équipe façade, déploiement progressif: backend-l";
    assert_eq!(longest.chars().count(), 48);
    let text = MINIMAL
        .replace(
            "[strategies.backend_led]\n",
            &format!("[strategies.backend_led]\nlabel = \"{longest}\"\n"),
        )
        .replace(
            "[strategies.ux_led]\n",
            "[strategies.ux_led]\nlabel = \"Ωμέγα / Бэкенд\"\n",
        )
        .replace(
            "seed = 7\n",
            "seed = 7\ntitle = \"Revue du conseil: « Équipe » ou « Façade » ?\"\n",
        );
    std::fs::write(&file, text).expect("write the scenario");
    let o = run_in(tmp.path(), &["validate", &file.display().to_string()]);
    assert_eq!(o.status.code(), Some(0), "stderr:\n{}", stderr(&o));
}

#[test]
fn rejects_a_file_name_the_charts_cannot_draw_when_it_stands_in_for_the_title() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let file = tmp.path().join("バックエンド.toml");
    std::fs::write(&file, MINIMAL).expect("write the scenario");
    let path = file.display().to_string();
    for refusal in run_and_validate("a Japanese file name", &file) {
        refusal.assert_usage_error();
        assert_located(
            &refusal,
            &path,
            1,
            Some("title"),
            &[
                "the charts cannot draw: 'バ' (U+30D0)",
                "it is not given, so it is the file name",
                "add `title = \"...\"` at the top of the file",
            ],
        );
    }
}

#[test]
fn every_fixture_differs_from_the_minimal_base_and_says_what_is_wrong() {
    for file in FIXTURES {
        let text = std::fs::read_to_string(fixtures_dir().join(file)).expect("a UTF-8 fixture");
        assert_ne!(text, MINIMAL, "{file} is the valid base");
        if !text.is_empty() {
            assert!(
                text.starts_with("# Bad: "),
                "{file}: line 1 should say what is wrong"
            );
        }
    }
}

#[test]
fn reports_every_problem_of_a_file_in_one_pass_each_with_its_own_line() {
    let scenario = fixtures_dir().join("several_problems.toml");
    let path = scenario.display().to_string();
    let expected: [(usize, &str, &str); 4] = [
        (6, "build.plan_weeks", "got -3"),
        (18, "strategies.backend_led.governance", "got 1.5"),
        (34, "strategies.ux_led.headroom_sigma", "got -1"),
        (42, "risks[0].delay_weeks.lognormal.sigma", "got nan"),
    ];
    for refusal in run_and_validate("several_problems.toml", &scenario) {
        refusal.assert_usage_error();
        for (line, key, hint) in expected {
            assert_located(&refusal, &path, line, Some(key), &[hint]);
        }
        let err = refusal.stderr();
        let located: Vec<usize> = err
            .lines()
            .map(|l| l.strip_prefix("error: ").unwrap_or(l))
            .filter_map(|l| l.strip_prefix(&format!("{path}:")))
            .filter_map(|rest| rest.split(':').next()?.parse().ok())
            .collect();
        assert_eq!(
            located,
            vec![6, 18, 34, 42],
            "{}: one problem per defect, in file order; stderr:\n{err}",
            refusal.label
        );
        assert_eq!(problem_count(&err, &path), Some(4), "stderr:\n{err}");
    }
}

#[test]
fn rejects_an_unclosed_array_with_one_problem_saying_it_is_unclosed() {
    let scenario = fixtures_dir().join("syntax_unclosed_array.toml");
    let path = scenario.display().to_string();
    for refusal in run_and_validate("syntax_unclosed_array.toml", &scenario) {
        refusal.assert_usage_error();
        assert_located(&refusal, &path, 26, None, &["unclosed array", "`]`"]);
        let err = refusal.stderr();
        let n = problem_count(&err, &path).unwrap_or(usize::MAX);
        assert!(
            n <= 3,
            "{}: one unclosed array should not cascade into {n} problems; stderr:\n{err}",
            refusal.label
        );
    }
}

#[test]
fn rejects_a_file_starting_with_a_byte_order_mark() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let scenario = tmp.path().join("bom.toml");
    let mut bytes = "\u{feff}".as_bytes().to_vec();
    bytes.extend_from_slice(MINIMAL.as_bytes());
    std::fs::write(&scenario, bytes).expect("write the fixture");
    let path = scenario.display().to_string();
    for refusal in run_and_validate("byte-order mark", &scenario) {
        refusal.assert_usage_error();
        assert_located(
            &refusal,
            &path,
            1,
            None,
            &["byte-order mark", "UTF-8 without BOM"],
        );
    }
}

#[test]
fn rejects_a_file_with_a_byte_that_is_not_utf8_at_its_line() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let scenario = tmp.path().join("latin1.toml");
    // Line 29 becomes a label in Latin-1: "Exp\xe9rience".
    let mut bytes = Vec::new();
    for (i, line) in MINIMAL.lines().enumerate() {
        if i + 1 == 29 {
            bytes.extend_from_slice(b"label = \"Exp\xe9rience\"\n");
        }
        bytes.extend_from_slice(line.as_bytes());
        bytes.push(b'\n');
    }
    assert!(std::str::from_utf8(&bytes).is_err());
    std::fs::write(&scenario, bytes).expect("write the fixture");
    let path = scenario.display().to_string();
    for refusal in run_and_validate("non-UTF-8 byte", &scenario) {
        refusal.assert_usage_error();
        assert_located(
            &refusal,
            &path,
            29,
            None,
            &["not valid UTF-8", "0xe9", "save it as UTF-8"],
        );
    }
}

#[test]
fn rejects_a_folder_passed_as_the_scenario_naming_it() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let folder = tmp.path().join("scenarios.d");
    std::fs::create_dir(&folder).expect("create the folder");
    let path = folder.display().to_string();
    for refusal in [
        refuse_in(tmp.path(), "folder", &["run", &path, "--out", "{out}"]),
        refuse_in(tmp.path(), "folder", &["validate", &path]),
    ] {
        refusal.assert_usage_error();
        let err = refusal.stderr();
        assert!(
            err.contains(&format!("{path}: is a folder")) && err.contains(".toml"),
            "{}: expected `{path}: is a folder` and a hint to give a .toml file; stderr:\n{err}",
            refusal.label
        );
    }
}

#[test]
fn refuses_a_file_too_large_to_be_a_scenario_without_reading_it_all() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    // A sparse file far past the limit: reading it all would take gigabytes, and
    // an endless device (/dev/zero) would never end.
    let path = tmp.path().join("huge.toml");
    let file = std::fs::File::create(&path).expect("create the file");
    file.set_len(4 << 30).expect("a sparse 4 GiB file");
    let path = path.display().to_string();
    let mut refusals = vec![
        refuse_in(tmp.path(), "huge", &["validate", &path]),
        refuse_in(tmp.path(), "huge", &["run", &path, "--out", "{out}"]),
    ];
    if std::path::Path::new("/dev/zero").exists() {
        refusals.push(refuse_in(tmp.path(), "zero", &["validate", "/dev/zero"]));
    }
    for refusal in refusals {
        refusal.assert_usage_error();
        let err = refusal.stderr();
        assert!(
            err.contains(": is larger than 16 MiB") && err.contains("a few kilobytes"),
            "{}: expected the size limit named; stderr:\n{err}",
            refusal.label
        );
    }
}

#[test]
fn rejects_a_missing_scenario_file_naming_it() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let path = tmp
        .path()
        .join("no-such-scenario.toml")
        .display()
        .to_string();
    for refusal in [
        refuse_in(
            tmp.path(),
            "missing file",
            &["run", &path, "--out", "{out}"],
        ),
        refuse_in(tmp.path(), "missing file", &["validate", &path]),
    ] {
        refusal.assert_usage_error();
        let err = refusal.stderr();
        assert!(
            err.contains(&path) && err.contains("cannot read the scenario file"),
            "{}: expected the path and `cannot read the scenario file`; stderr:\n{err}",
            refusal.label
        );
        assert!(
            err.to_lowercase().contains("no such file"),
            "{}: expected the reason (no such file); stderr:\n{err}",
            refusal.label
        );
    }
}

/// Runs `args` in `dir` (`{out}` stands for `<dir>/out`) and checks that neither
/// `<dir>/out` nor `<dir>/output` appeared and nothing in `dir` changed.
fn refuse_in(dir: &Path, label: &str, args: &[&str]) -> Refusal {
    let before = listing(dir);
    let out = dir.join("out");
    let out_arg = out.display().to_string();
    let args: Vec<&str> = args
        .iter()
        .map(|a| if *a == "{out}" { out_arg.as_str() } else { a })
        .collect();
    let started = Instant::now();
    let output = run_in(dir, &args);
    let refusal = Refusal {
        output,
        elapsed: started.elapsed(),
        label: format!("{label} ({})", args.join(" ")),
    };
    assert!(
        !out.exists(),
        "{}: {} was created",
        refusal.label,
        out.display()
    );
    assert!(
        !dir.join("output").exists(),
        "{}: the default output folder was created",
        refusal.label
    );
    assert_eq!(
        listing(dir),
        before,
        "{}: the working folder changed",
        refusal.label
    );
    refusal
}

/// A scenario whose values are each allowed but whose draws overflow a double is
/// only found by running it (`validate` runs one batch): the run still names the file first, then the
/// strategy and metric, and says how to fix it; exit 2 and nothing written.
#[test]
fn a_draw_that_overflows_names_the_file_strategy_and_metric() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let scenario = tmp.path().join("overflow.toml");
    let text = MINIMAL
        .replace("backend_led = 0.05", "backend_led = 1")
        .replace(
            "delay_weeks = { lognormal = { median = 3, sigma = 0.5 } }",
            "delay_weeks = { lognormal = { median = 1e300, sigma = 50 } }",
        );
    assert_ne!(text, MINIMAL);
    std::fs::write(&scenario, text).expect("write the scenario");
    let path = scenario.display().to_string();
    for args in [
        // validate runs the first batch, so it finds this one too.
        vec!["validate", path.as_str()],
        vec!["run", path.as_str(), "--out", "{out}", "--charts", "none"],
        vec![
            "sweep",
            path.as_str(),
            "--param",
            "cost.hourly_rate=100,200",
            "--out",
            "{out}",
            "--charts",
            "none",
        ],
    ] {
        let refusal = refuse_in(tmp.path(), "overflowing draw", &args);
        refusal.assert_usage_error();
        let err = refusal.stderr();
        // Warnings about values that change nothing may come first.
        let error = err.lines().find(|l| l.starts_with("error: ")).unwrap_or("");
        assert!(
            error.starts_with(&format!("error: {path}: strategies.backend_led: ")),
            "{}: names the file first; stderr:\n{err}",
            refusal.label
        );
        assert!(
            err.contains("bound the heavy tails"),
            "{}: says how to fix it; stderr:\n{err}",
            refusal.label
        );
    }
}

/// `--set` into an array past its end names the override and its key path once,
/// then what is wrong: `risks[4]: index 4 is out of range`, never
/// ``risks[4]: `risks[4]`: index 4 ...``.
#[test]
fn an_override_past_the_end_of_an_array_names_its_path_once() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let seed = root().join("scenarios").join("seed.toml");
    let refusal = refuse_in(
        tmp.path(),
        "override past the end",
        &["validate", seed.to_str().unwrap(), "--set", "risks[4]=1"],
    );
    refusal.assert_usage_error();
    let err = refusal.stderr();
    assert!(
        err.starts_with(
            "error: --set risks[4]=1: risks[4]: index 4 is out of range; there are 4\n"
        ),
        "{err}"
    );
}

/// No problem with an override's key path states the path again after naming it:
/// the message says what is wrong with it (naming one step only when that step,
/// not the whole path, is at fault).
#[test]
fn a_problem_with_an_override_key_path_never_states_the_path_twice() {
    let text = std::fs::read_to_string(root().join("scenarios").join("seed.toml"))
        .expect("read seed.toml");
    for key in [
        "risks[4]",
        "risks[9].probability",
        "risks[a].name",
        "risks[1]x.name",
        "strategies.hybrid.governance.x",
        "title.x",
        "build.plan_weeks.g0",
        "title[0]",
        "nope[0].x",
        "strategies..x",
        ".x",
    ] {
        let set = tradeoff_sim::scenario::Override {
            key: key.to_string(),
            value: "1".to_string(),
        };
        let problems = tradeoff_sim::scenario::from_str_with(&text, "seed", &[set])
            .expect_err("an override that cannot be applied is refused");
        assert_eq!(problems.len(), 1, "{key}: {problems:?}");
        let p = &problems[0];
        assert_eq!(p.key, key, "{key}: named by its own path");
        assert!(
            !p.message.contains(key),
            "{key}: the message states the path again: {}",
            p
        );
        assert!(!p.message.contains("``"), "{key}: an empty quote: {p}");
    }
}
