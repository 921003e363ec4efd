//! `[[claims]]` and `tradeoff-sim check`: the shipped scenarios' claims hold, a
//! wrong claim fails with exit 1, too few trials give `undecided` with the trial
//! count that would decide, and bad claims are located like any other problem.

use std::path::{Path, PathBuf};

use crate::common::{root, run_in, scenario, stderr, stdout};

const CLAIMS_HEADER: &str = "scenario,claim,text,metric,strategy,statistic,value,ci95_low,ci95_high,min,max,verdict,source,trials,trials_to_decide,overrides";

fn fixture(name: &str) -> String {
    root()
        .join("tests/fixtures/claims")
        .join(name)
        .display()
        .to_string()
}

/// `check` in a temporary folder; returns the output and the run folder.
fn check(dir: &Path, file: &str, extra: &[&str]) -> (std::process::Output, PathBuf) {
    let out = dir.join("check");
    let out_text = out.display().to_string();
    let mut args = vec!["check", file, "--out", &out_text];
    args.extend_from_slice(extra);
    (run_in(dir, &args), out)
}

/// One row of claims.csv: claim id, verdict, value, 95% low, 95% high.
type Row = (String, String, f64, f64, f64);

/// claims.csv as (header, rows).
fn verdicts(out: &Path) -> (String, Vec<Row>) {
    let text = std::fs::read_to_string(out.join("claims.csv")).expect("claims.csv");
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header = r
        .headers()
        .expect("a header")
        .iter()
        .collect::<Vec<_>>()
        .join(",");
    let rows = r
        .records()
        .map(|rec| {
            let rec = rec.expect("a row");
            let num = |i: usize| rec[i].parse::<f64>().expect("a number");
            (
                rec[1].to_string(),
                rec[11].to_string(),
                num(6),
                num(7),
                num(8),
            )
        })
        .collect();
    (header, rows)
}

#[test]
fn check_passes_on_seed_toml_with_every_calibration_claim_holding() {
    let tmp = tempfile::tempdir().unwrap();
    let (o, out) = check(
        tmp.path(),
        &scenario("seed.toml").display().to_string(),
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let (header, rows) = verdicts(&out);
    assert_eq!(header, CLAIMS_HEADER);
    for id in [
        "C1", "C2", "C3a", "C3b", "C4", "C5a", "C5b", "C6", "C7a", "C7b", "C8", "C9a", "C9b",
        "C9c", "C10a", "C10b", "C11", "C12a", "C12b", "C12c",
    ] {
        let row = rows.iter().find(|r| r.0 == id);
        assert!(
            row.is_some_and(|r| r.1 == "holds" && r.3 <= r.2 && r.2 <= r.4),
            "{id}: {row:?}"
        );
    }
    assert!(
        stdout(&o).contains("PASS: 22 of 22 claims hold"),
        "{}",
        stdout(&o)
    );
    assert!(out.join("manifest.json").is_file());
}

#[test]
fn check_passes_on_reference_toml_with_every_sanity_claim_holding() {
    let tmp = tempfile::tempdir().unwrap();
    let (o, out) = check(
        tmp.path(),
        &scenario("reference.toml").display().to_string(),
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let (_, rows) = verdicts(&out);
    assert_eq!(rows.len(), 7);
    assert!(rows.iter().all(|r| r.1 == "holds"), "{rows:?}");
}

#[test]
fn check_exits_1_when_a_deliberately_wrong_claim_fails() {
    let tmp = tempfile::tempdir().unwrap();
    let (o, out) = check(tmp.path(), &fixture("wrong_claim.toml"), &[]);
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    let (_, rows) = verdicts(&out);
    assert_eq!(rows[0].1, "holds");
    let wrong = &rows[1];
    assert_eq!((wrong.0.as_str(), wrong.1.as_str()), ("wrong", "fails"));
    // The whole interval lies above the claimed 0.95 to 1.05.
    assert!(wrong.3 > 1.05, "{wrong:?}");
    assert!(stdout(&o).contains("wrong fails: ratio_of_medians of build_weeks"));
    assert!(stderr(&o).contains("1 of 2 claims do not hold (1 fail, 0 undecided)"));
}

#[test]
fn check_with_50_trials_is_undecided_and_says_how_many_trials_would_decide() {
    let tmp = tempfile::tempdir().unwrap();
    let (o, out) = check(
        tmp.path(),
        &fixture("close_claims.toml"),
        &["--trials", "50"],
    );
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    let (_, rows) = verdicts(&out);
    // C1 (1.20 to 1.30) is undecided on 50 trials; nothing is judged to fail.
    assert_eq!(
        (rows[0].0.as_str(), rows[0].1.as_str()),
        ("close", "undecided"),
        "{rows:?}"
    );
    assert!(rows.iter().all(|r| r.1 != "fails"), "{rows:?}");
    let text = stdout(&o);
    assert!(
        text.contains("the trial count is too small to decide: about"),
        "{text}"
    );
    // At the file's own 20,000 trials, the same claims are decided.
    let tmp = tempfile::tempdir().unwrap();
    let (o, out) = check(tmp.path(), &fixture("close_claims.toml"), &[]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(verdicts(&out).1.iter().all(|r| r.1 == "holds"));
}

#[test]
fn bad_claims_are_each_reported_with_line_key_path_and_what_is_allowed() {
    let tmp = tempfile::tempdir().unwrap();
    let file = fixture("bad_claims.toml");
    let o = run_in(tmp.path(), &["validate", &file]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    for expected in [
        "claims[0].metric: unknown metric `build_week` (did you mean `build_weeks`?); metrics: build_weeks,",
        "claims[1].strategy: no strategy `hybrid` in this scenario; strategies: backend_led, ux_led",
        "claims[1].min: must be <= max (30), got 40",
        "claims[2].min: missing bounds; add `min = x` and/or `max = y`",
        "claims[2].statistic: unknown statistic `average`; allowed: mean, median,",
        "claims[3].strategy: ratio_of_medians compares two strategies",
        "claims[4].statistic: share_above needs `threshold = x`",
        "7 problems in",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in:\n{err}");
    }
    assert!(
        err.contains("bad_claims.toml:107:10: claims[0].metric"),
        "{err}"
    );
    // check refuses the same file with exit 2 and writes nothing.
    let (o, out) = check(tmp.path(), &file, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!out.exists());
}

#[test]
fn a_claims_overrides_are_checked_like_the_file_and_reported_at_the_claim() {
    let tmp = tempfile::tempdir().unwrap();
    let o = run_in(
        tmp.path(),
        &["validate", &fixture("bad_claim_override.toml")],
    );
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("claims[2].set[0]: `strategies.ux_led.governence=0.4`: strategies.ux_led.governence: unknown key (did you mean `governance`?)"),
        "{err}"
    );
    assert!(
        err.contains("claims[2].set[1]: `risks[1].probability.ux_led=2`: risks[1].probability.ux_led: must be a probability between 0 and 1, got 2"),
        "{err}"
    );
}

#[test]
fn check_writes_to_output_name_check_by_default_and_keeps_it_when_run_replaces_the_run() {
    let tmp = tempfile::tempdir().unwrap();
    let file = fixture("close_claims.toml");
    let o = run_in(tmp.path(), &["check", &file, "--trials", "2000"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let folder = tmp.path().join("output/close_claims/check");
    assert!(folder.join("claims.csv").is_file());
    // A second check without --force refuses; with --force replaces.
    let o = run_in(tmp.path(), &["check", &file, "--trials", "2000"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("pass --force"), "{}", stderr(&o));
    let o = run_in(tmp.path(), &["check", &file, "--trials", "2000", "--force"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // run into output/close_claims, which holds only check/, then run --force: the
    // check result stays.
    for extra in [&[][..], &["--force"][..]] {
        let mut args = vec!["run", file.as_str(), "--trials", "2000"];
        args.extend_from_slice(extra);
        let o = run_in(tmp.path(), &args);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert!(
            folder.join("claims.csv").is_file(),
            "check/ kept after run {extra:?}"
        );
    }
}

#[test]
fn check_needs_claims_and_says_how_to_write_one() {
    let tmp = tempfile::tempdir().unwrap();
    let (o, _) = check(
        tmp.path(),
        &scenario("peak-season.toml").display().to_string(),
        &["--trials", "100"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("has no [[claims]] to check"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn check_results_do_not_depend_on_the_thread_count() {
    let tmp = tempfile::tempdir().unwrap();
    let file = fixture("close_claims.toml");
    let one = tmp.path().join("one");
    let eight = tmp.path().join("eight");
    for (out, threads) in [(&one, "1"), (&eight, "8")] {
        let o = run_in(
            tmp.path(),
            &[
                "check",
                &file,
                "--trials",
                "9000",
                "--threads",
                threads,
                "--out",
                &out.display().to_string(),
            ],
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    assert_eq!(
        std::fs::read(one.join("claims.csv")).unwrap(),
        std::fs::read(eight.join("claims.csv")).unwrap()
    );
}

/// Claims that parse but could only ever give one verdict are refused where they
/// are written: a share bound written as a percent, a strategy compared with
/// itself under the same settings, and a claim trying to change the trial count.
#[test]
fn claims_whose_verdict_is_known_before_the_run_are_refused_at_their_line() {
    let tmp = tempfile::tempdir().unwrap();
    let file = fixture("pointless_claims.toml");
    let o = run_in(tmp.path(), &["validate", &file]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    for expected in [
        "pointless_claims.toml:111:7: claims[0].min: a share is between 0 and 1 (0.5 for 50%), got 50",
        "pointless_claims.toml:119:7: claims[1].max: a share is between 0 and 1 (0.5 for 50%), got 30",
        "pointless_claims.toml:124:14: claims[2].strategies: compares `ux_led` with itself under the same settings",
        "pointless_claims.toml:135:8: claims[3].set[0]: `trials=100`: every run of a check uses the same trials and seed",
        "4 problems in",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in:\n{err}");
    }
    let (o, out) = check(tmp.path(), &file, &["--trials", "200"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!out.exists());
}

#[test]
fn the_check_table_lines_up_claim_ids_by_terminal_columns_not_characters() {
    // Claim ids never reach a chart, so any script may name them; a wide character takes
    // two terminal columns and a combining accent none.
    let tmp = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture("close_claims.toml"))
        .unwrap()
        .replace("id = \"close\"", "id = \"主張1\"")
        .replace("id = \"defect\"", "id = \"de\u{301}faut\"");
    let file = tmp.path().join("ids.toml");
    std::fs::write(&file, text).unwrap();
    // 2,000 trials: at 500 the order-statistic interval leaves the close ratio undecided.
    let (o, _) = check(tmp.path(), file.to_str().unwrap(), &["--trials", "2000"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let columns_before = |line: &str, word: &str| -> usize {
        let prefix = &line[..line
            .find(word)
            .unwrap_or_else(|| panic!("{word} in {line}"))];
        tradeoff_sim::text::display_width(prefix)
    };
    let table: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("  id ") || l.contains(" holds ") || l.contains(" fails "))
        .collect();
    assert_eq!(table.len(), 3, "{out}");
    let header = columns_before(table[0], "verdict");
    for row in &table[1..] {
        let verdict = if row.contains(" holds ") {
            "holds"
        } else {
            "fails"
        };
        assert_eq!(columns_before(row, verdict), header, "misaligned:\n{out}");
    }
}

#[test]
fn a_claim_id_or_text_that_would_break_the_check_table_is_refused_at_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    let long_id = "C".repeat(49);
    let text = std::fs::read_to_string(fixture("close_claims.toml"))
        .unwrap()
        .replace("id = \"close\"", &format!("id = \"{long_id}\""))
        .replace("id = \"defect\"", "id = \"D1\"\ntext = \"two\\nlines\"");
    // The second claim now has its text twice; keep only the new one.
    let mut seen = false;
    let text: String = text
        .lines()
        .filter(|l| {
            if l.starts_with("text = ") && seen {
                return !l.contains("load-only");
            }
            if l.starts_with("id = \"D1\"") {
                seen = true;
            }
            true
        })
        .map(|l| format!("{l}\n"))
        .collect();
    let file = tmp.path().join("bad_ids.toml");
    std::fs::write(&file, &text).unwrap();
    let o = run_in(tmp.path(), &["validate", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    let line_of = |needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() + 1;
    assert!(
        err.contains(&format!(
            "bad_ids.toml:{}:6: claims[0].id: at most 48 characters, got 49",
            line_of(&long_id)
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "bad_ids.toml:{}:8: claims[1].text: must be one line of printable text",
            line_of("two\\nlines")
        )),
        "{err}"
    );
}

/// A check folder has no charts: `chart` says what the folder is and where its
/// result is, rather than failing to read a summary.csv it never had.
#[test]
fn chart_on_a_check_folder_says_it_is_one_and_draws_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let (o, out) = check(
        tmp.path(),
        &fixture("wrong_claim.toml"),
        &["--trials", "2000"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let o = run_in(tmp.path(), &["chart", out.to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("a check folder"), "{err}");
    assert!(err.contains("claims.csv"), "{err}");
    assert!(!out.join("charts").exists());
}

/// Item 9 of issue 16: with API failures rare (a true mean count of about
/// 0.002), 200 trials often see none. `mean api_failures <= 0` is false, and a
/// sample without a failure cannot show it: the claim is undecided, never holds
/// (the Poisson floor puts the interval's upper end near 3 / 200).
#[test]
fn a_mean_count_of_zero_on_a_sample_without_events_does_not_prove_the_claim() {
    use std::sync::atomic::AtomicBool;
    use tradeoff_sim::analysis::check::{CheckPlan, check as check_claims};
    use tradeoff_sim::scenario::ScenarioSource;

    let path = scenario("seed.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let cut = text.find("\n[[claims]]").unwrap();
    let text = format!(
        "{}\n[[claims]]\nid = \"none\"\ntext = \"backend-led never has an API failure\"\nmetric = \"api_failures\"\nstrategy = \"backend_led\"\nstatistic = \"mean\"\nmax = 0\n",
        &text[..cut]
    )
    .replace("api_failure_rate = 0.37", "api_failure_rate = 0.002");
    let source = ScenarioSource::from_bytes(path, text.into_bytes());
    let mut without_events = 0;
    for seed in 1..=10 {
        let plan = CheckPlan {
            trials: Some(200),
            seed: Some(seed),
            threads: 1,
        };
        let report = check_claims(&source, &[], &plan, &AtomicBool::new(false)).unwrap();
        let o = &report.outcomes[0];
        without_events += u32::from(o.estimate.value == 0.0);
        assert_eq!(o.verdict.id(), "undecided", "seed {seed}: {o:?}");
        assert!(o.estimate.ci95.1 >= 2.9 / 200.0, "seed {seed}: {o:?}");
    }
    assert!(without_events >= 5, "the case needs samples without events");
}
