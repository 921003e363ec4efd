//! The command line end to end, against the real binary in temporary folders:
//! the files a run writes and what is in them, where they go, `--force`, exit
//! codes, help, and a closed stdout. Runs are small (1000-2000 trials) so the
//! module takes a few seconds in release mode.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::common::{assert_success, listing, root, run_in, scenario, stderr, stdout};

const SUMMARY_HEADER: &str = "scenario,strategy,metric,unit,n,mean,std_dev,std_err,min,p05,p10,p25,p50,p75,p80,p90,p95,p99,max";
const COMPARISON_HEADER: &str = "scenario,metric,unit,strategy_a,strategy_b,n,p_a_better,p_tie,p_b_better,mean_diff,mean_diff_ci95_low,mean_diff_ci95_high,p_best_a,p_best_b";

/// The metric ids of MODEL.md §4 that every run reports (the binary also reports
/// a diagnostic `tail_capped`, which these tests neither require nor forbid).
const METRICS: [&str; 18] = [
    "build_weeks",
    "schedule_slip",
    "api_failure",
    "api_failures",
    "surge_failures",
    "emergency_fixes",
    "incidents",
    "incident_hours",
    "downtime_hours",
    "churn_share",
    "churn_uplift",
    "war_room_weeks",
    "build_cost",
    "ops_cost",
    "downtime_loss",
    "churn_loss",
    "total_cost",
    "budget_overrun",
];

/// Floating-point slack for sums of probabilities written as decimals.
const EPS: f64 = 1e-9;

/// The strategies of `scenarios/seed.toml`, as (id, label), read by the library.
fn seed_strategies() -> Vec<(String, String)> {
    tradeoff_sim::scenario::from_path(&scenario("seed.toml"))
        .expect("seed.toml is valid")
        .strategies
        .iter()
        .map(|s| (s.id.clone(), s.label.clone()))
        .collect()
}

fn seed_path() -> String {
    scenario("seed.toml").display().to_string()
}

/// `run scenarios/seed.toml --trials N --out DIR ...extra` in `dir`.
fn run_seed(dir: &Path, trials: u32, out: &Path, extra: &[&str]) -> Output {
    let (seed, trials, out) = (seed_path(), trials.to_string(), out.display().to_string());
    let mut args = vec!["run", &seed, "--trials", &trials, "--out", &out];
    args.extend_from_slice(extra);
    // Charts have their own tests below; most runs here need only the CSV files.
    if !extra.contains(&"--charts") {
        args.extend_from_slice(&["--charts", "none"]);
    }
    run_in(dir, &args)
}

/// A CSV file as its header line and its records.
fn read_csv(path: &Path) -> (String, Vec<csv::StringRecord>) {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let header = text.lines().next().unwrap_or("").to_string();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let rows = reader
        .records()
        .collect::<Result<Vec<_>, _>>()
        .unwrap_or_else(|e| panic!("{} is not valid CSV: {e}", path.display()));
    (header, rows)
}

/// The column index of `name` in a header line.
fn col(header: &str, name: &str) -> usize {
    header
        .split(',')
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {header}"))
}

fn num(row: &csv::StringRecord, i: usize) -> f64 {
    row[i]
        .parse()
        .unwrap_or_else(|e| panic!("column {i} of {row:?} is not a number: {e}"))
}

/// A refused command: exit code 2, a message on stderr that says every one of
/// `says`, and nothing written in `dir`.
fn assert_refused(o: &Output, dir: &Path, says: &[&str], what: &str) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "{what}: stderr:\n{err}");
    for needle in says {
        assert!(err.contains(needle), "{what}: says {needle:?}:\n{err}");
    }
    assert!(listing(dir).is_empty(), "{what} wrote {:?}", listing(dir));
}

/// Every file of a folder with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    listing(dir)
        .into_iter()
        .map(|name| {
            let bytes = std::fs::read(dir.join(&name)).expect("a readable file");
            (name, bytes)
        })
        .collect()
}

/// Every path under `dir`, relative to it, sorted (folders included).
fn tree(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![PathBuf::new()];
    while let Some(rel) = todo.pop() {
        for entry in std::fs::read_dir(dir.join(&rel)).expect("a readable folder") {
            let entry = entry.expect("a folder entry");
            let path = rel.join(entry.file_name());
            if entry.file_type().expect("a file type").is_dir() {
                todo.push(path.clone());
            }
            out.push(path);
        }
    }
    out.sort();
    out
}

/// Temporary files a run might leave: `.x.partial-PID`, `.x.tmp-PID`, `.x.old-PID`.
fn leftovers(dir: &Path) -> Vec<String> {
    listing(dir)
        .into_iter()
        .filter(|n| n.contains(".partial") || n.contains(".tmp") || n.contains(".old-"))
        .collect()
}

fn assert_no_leftovers(dir: &Path, what: &str) {
    let left = leftovers(dir);
    assert!(
        left.is_empty(),
        "{what}: temporary files left in {}: {left:?}",
        dir.display()
    );
}

#[test]
fn run_writes_summary_comparison_histograms_and_manifest() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let out = tmp.path().join("run");
    let o = run_seed(tmp.path(), 2000, &out, &[]);
    assert_success(&o, "run");
    assert_eq!(
        listing(&out),
        [
            "comparison.csv",
            "decision.csv",
            "histograms.csv",
            "manifest.json",
            "report.html",
            "results.xlsx",
            "summary.csv"
        ],
        "the run folder holds exactly these files"
    );
    assert!(
        stderr(&o).is_empty(),
        "a good run is silent on stderr:\n{}",
        stderr(&o)
    );
}

#[test]
fn summary_csv_has_the_documented_header_and_one_row_per_strategy_and_metric() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let out = tmp.path().join("run");
    assert_success(&run_seed(tmp.path(), 2000, &out, &[]), "run");
    let (header, rows) = read_csv(&out.join("summary.csv"));
    assert_eq!(header, SUMMARY_HEADER);
    let (strategy, metric, n) = (
        col(&header, "strategy"),
        col(&header, "metric"),
        col(&header, "n"),
    );
    let mut seen: BTreeMap<(String, String), usize> = BTreeMap::new();
    for row in &rows {
        assert_eq!(&row[0], "seed", "scenario column is the file stem: {row:?}");
        assert_eq!(num(row, n), 2000.0, "n is the trial count: {row:?}");
        *seen
            .entry((row[strategy].to_string(), row[metric].to_string()))
            .or_default() += 1;
    }
    let twice: Vec<_> = seen.iter().filter(|(_, c)| **c > 1).collect();
    assert!(twice.is_empty(), "rows repeated: {twice:?}");
    let strategies = seed_strategies();
    for (id, _) in &strategies {
        for m in METRICS {
            assert!(
                seen.contains_key(&(id.clone(), m.to_string())),
                "summary.csv has no row for strategy {id}, metric {m}"
            );
        }
    }
    let ids: std::collections::BTreeSet<&String> = seen.keys().map(|(s, _)| s).collect();
    assert_eq!(
        ids.len(),
        strategies.len(),
        "only the scenario's strategies: {ids:?}"
    );
    let metrics: std::collections::BTreeSet<&String> = seen.keys().map(|(_, m)| m).collect();
    assert_eq!(
        rows.len(),
        strategies.len() * metrics.len(),
        "a full strategy x metric grid"
    );
}

#[test]
fn comparison_csv_probabilities_of_each_pair_and_of_being_best_sum_to_one() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let out = tmp.path().join("run");
    assert_success(&run_seed(tmp.path(), 2000, &out, &[]), "run");
    let (header, rows) = read_csv(&out.join("comparison.csv"));
    assert_eq!(header, COMPARISON_HEADER);
    let c = |name| col(&header, name);
    let (metric, a, b) = (c("metric"), c("strategy_a"), c("strategy_b"));
    let (better, tie, worse) = (c("p_a_better"), c("p_tie"), c("p_b_better"));
    let (best_a, best_b) = (c("p_best_a"), c("p_best_b"));
    // p_best per (metric, strategy), the same in every row that mentions it.
    let mut best: BTreeMap<(String, String), f64> = BTreeMap::new();
    let mut record = |metric: &str, id: &str, p: f64| {
        let key = (metric.to_string(), id.to_string());
        if let Some(old) = best.insert(key.clone(), p) {
            assert!(
                (old - p).abs() < EPS,
                "p_best of {key:?} differs between rows: {old} vs {p}"
            );
        }
    };
    for row in &rows {
        let sum = num(row, better) + num(row, tie) + num(row, worse);
        assert!(
            (sum - 1.0).abs() < EPS,
            "P(a better) + P(tie) + P(b better) = {sum}: {row:?}"
        );
        assert_ne!(&row[a], &row[b], "a strategy compared with itself: {row:?}");
        record(&row[metric], &row[a], num(row, best_a));
        record(&row[metric], &row[b], num(row, best_b));
    }
    let strategies = seed_strategies();
    let pairs = strategies.len() * (strategies.len() - 1) / 2;
    let mut per_metric: BTreeMap<&str, (usize, f64)> = BTreeMap::new();
    for ((m, _), p) in &best {
        let e = per_metric.entry(m.as_str()).or_default();
        e.0 += 1;
        e.1 += p;
    }
    for m in METRICS {
        let (count, sum) = per_metric
            .get(m)
            .copied()
            .unwrap_or_else(|| panic!("comparison.csv has no rows for metric {m}"));
        assert_eq!(count, strategies.len(), "{m}: p_best for every strategy");
        assert!((sum - 1.0).abs() < EPS, "{m}: p_best sums to {sum}, not 1");
        let rows_of_m = rows.iter().filter(|r| &r[metric] == m).count();
        assert_eq!(rows_of_m, pairs, "{m}: one row per pair of strategies");
    }
}

#[test]
fn histogram_counts_of_each_strategy_and_metric_sum_to_the_number_of_trials() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let out = tmp.path().join("run");
    assert_success(&run_seed(tmp.path(), 2000, &out, &[]), "run");
    let (header, rows) = read_csv(&out.join("histograms.csv"));
    let (strategy, metric) = (col(&header, "strategy"), col(&header, "metric"));
    let (count, n) = (col(&header, "count"), col(&header, "n"));
    let mut sums: BTreeMap<(String, String), (f64, f64)> = BTreeMap::new();
    for row in &rows {
        let e = sums
            .entry((row[strategy].to_string(), row[metric].to_string()))
            .or_insert((0.0, num(row, n)));
        e.0 += num(row, count);
    }
    assert!(!sums.is_empty(), "histograms.csv has no bins");
    for ((s, m), (total, n)) in &sums {
        assert_eq!(*n, 2000.0, "{s} {m}: n");
        assert_eq!(total, n, "{s} {m}: the counts sum to {total}, not n = {n}");
    }
    for (id, _) in seed_strategies() {
        assert!(
            sums.keys().any(|(s, _)| *s == id),
            "no histogram for strategy {id}"
        );
    }
}

#[test]
fn manifest_records_seed_trials_batch_size_threads_scenario_hash_and_command_line() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let out = tmp.path().join("run");
    let o = run_seed(tmp.path(), 2000, &out, &["--seed", "42", "--threads", "2"]);
    assert_success(&o, "run");
    let text = std::fs::read_to_string(out.join("manifest.json")).expect("manifest.json");
    let m: serde_json::Value = serde_json::from_str(&text).expect("manifest.json parses");
    assert_eq!(m["seed"], 42);
    assert_eq!(m["trials"], 2000);
    assert_eq!(m["threads"], 2);
    assert!(
        m["batch_trials"].as_u64().is_some_and(|b| b > 0),
        "batch_trials: {}",
        m["batch_trials"]
    );
    let bytes = std::fs::read(scenario("seed.toml")).expect("seed.toml");
    let hash: String = {
        use sha2::{Digest, Sha256};
        Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    };
    assert_eq!(
        m["scenario_sha256"],
        hash.as_str(),
        "the SHA-256 of the scenario file"
    );
    let command_line: Vec<&str> = m["command_line"]
        .as_array()
        .expect("command_line is an array")
        .iter()
        .map(|v| v.as_str().expect("a string argument"))
        .collect();
    let seed_arg = seed_path();
    for arg in [
        "run",
        seed_arg.as_str(),
        "--trials",
        "2000",
        "--seed",
        "42",
        "--threads",
    ] {
        assert!(
            command_line.contains(&arg),
            "command_line lacks {arg:?}: {command_line:?}"
        );
    }
    assert!(
        m["scenario"].is_object(),
        "the resolved scenario is an object"
    );
}

#[test]
fn default_output_folder_is_output_slash_file_stem_in_the_working_folder() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let copy = tmp.path().join("inputs").join("my-plan.toml");
    std::fs::create_dir(copy.parent().expect("a parent")).expect("create inputs");
    std::fs::copy(scenario("seed.toml"), &copy).expect("copy seed.toml");
    let o = run_in(
        tmp.path(),
        &["run", &copy.display().to_string(), "--trials", "1000"],
    );
    assert_success(&o, "run without --out");
    let folder = tmp.path().join("output").join("my-plan");
    assert!(
        folder.join("summary.csv").is_file(),
        "no {}",
        folder.display()
    );
    assert!(folder.join("manifest.json").is_file());
    assert_eq!(listing(&tmp.path().join("output")), ["my-plan"]);
    assert_eq!(
        listing(&tmp.path().join("inputs")),
        ["my-plan.toml"],
        "nothing written beside the scenario"
    );
    let (_, rows) = read_csv(&folder.join("summary.csv"));
    assert!(
        rows.iter().all(|r| &r[0] == "my-plan"),
        "the scenario column is the file stem"
    );
}

#[test]
fn second_run_without_force_fails_mentioning_force_and_leaves_the_first_result_byte_identical() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let out = tmp.path().join("run");
    assert_success(
        &run_seed(tmp.path(), 1000, &out, &["--seed", "1"]),
        "first run",
    );
    let before = snapshot(&out);
    let o = run_seed(tmp.path(), 1000, &out, &["--seed", "2"]);
    assert_ne!(o.status.code(), Some(0), "the second run must fail");
    assert!(
        stderr(&o).contains("--force"),
        "the message mentions --force:\n{}",
        stderr(&o)
    );
    assert!(
        stderr(&o).contains(&out.display().to_string()),
        "the message names the folder:\n{}",
        stderr(&o)
    );
    assert!(snapshot(&out) == before, "the first result changed");
    assert_no_leftovers(tmp.path(), "after the refused run");
}

#[test]
fn force_replaces_an_earlier_result() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let out = tmp.path().join("run");
    assert_success(
        &run_seed(tmp.path(), 1000, &out, &["--seed", "1"]),
        "first run",
    );
    let before = snapshot(&out);
    let o = run_seed(tmp.path(), 1000, &out, &["--seed", "2", "--force"]);
    assert_success(&o, "run with --force");
    let after = snapshot(&out);
    assert_ne!(
        after["summary.csv"], before["summary.csv"],
        "summary.csv was not replaced"
    );
    let m: serde_json::Value =
        serde_json::from_slice(&after["manifest.json"]).expect("manifest.json parses");
    assert_eq!(m["seed"], 2, "the manifest is the new run's");
    assert_eq!(
        listing(tmp.path()),
        ["run"],
        "the earlier result is gone, nothing left beside it"
    );
}

#[test]
fn force_refuses_to_replace_a_non_empty_folder_without_a_manifest() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let out = tmp.path().join("thesis");
    std::fs::create_dir(&out).expect("create the folder");
    std::fs::write(out.join("chapter1.md"), "irreplaceable").expect("write a file");
    let o = run_seed(tmp.path(), 1000, &out, &["--force"]);
    assert_eq!(o.status.code(), Some(1), "stderr:\n{}", stderr(&o));
    assert!(
        stderr(&o).contains(&out.display().to_string()) && stderr(&o).contains("manifest.json"),
        "the message names the folder and why:\n{}",
        stderr(&o)
    );
    assert_eq!(listing(&out), ["chapter1.md"]);
    assert_eq!(
        std::fs::read_to_string(out.join("chapter1.md")).unwrap(),
        "irreplaceable"
    );
    assert_no_leftovers(tmp.path(), "after the refusal");
}

#[test]
fn out_pointing_at_a_regular_file_fails_with_exit_1_and_leaves_the_file_intact() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let file = tmp.path().join("notes.txt");
    std::fs::write(&file, "keep me").expect("write a file");
    for extra in [&[][..], &["--force"][..]] {
        let o = run_seed(tmp.path(), 1000, &file, extra);
        assert_eq!(
            o.status.code(),
            Some(1),
            "{extra:?}: stderr:\n{}",
            stderr(&o)
        );
        assert!(
            stderr(&o).contains(&file.display().to_string()),
            "{extra:?}: the message names the file:\n{}",
            stderr(&o)
        );
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me");
        assert_eq!(
            listing(tmp.path()),
            ["notes.txt"],
            "{extra:?}: nothing else written"
        );
    }
}

#[test]
fn out_pointing_at_a_regular_file_says_it_is_a_file() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let file = tmp.path().join("notes.txt");
    std::fs::write(&file, "keep me").expect("write a file");
    let o = run_seed(tmp.path(), 1000, &file, &[]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("is a file") && !err.contains("manifest.json"),
        "expected `{}: is a file, not a folder ...`; got:\n{err}",
        file.display()
    );
}

#[test]
fn no_partial_or_tmp_files_are_left_beside_the_run_folder_after_success_or_failure() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let parent = tmp.path().join("runs");
    let out = parent.join("seed");
    assert_success(&run_seed(tmp.path(), 1000, &out, &["--trials-csv"]), "run");
    assert_eq!(
        listing(&parent),
        ["seed"],
        "only the run folder in its parent"
    );
    assert_no_leftovers(&out, "inside the run folder");
    // Failures: refused without --force, then a --force over a foreign folder.
    let o = run_seed(tmp.path(), 1000, &out, &[]);
    assert_ne!(o.status.code(), Some(0));
    let foreign = parent.join("foreign");
    std::fs::create_dir(&foreign).expect("create a folder");
    std::fs::write(foreign.join("x"), "x").expect("write a file");
    let o = run_seed(tmp.path(), 1000, &foreign, &["--force"]);
    assert_ne!(o.status.code(), Some(0));
    assert_eq!(
        listing(&parent),
        ["foreign", "seed"],
        "nothing left after the failures"
    );
    assert_no_leftovers(&out, "inside the run folder after the failures");
}

#[test]
fn trials_csv_flag_writes_one_row_per_trial_and_strategy_with_every_metric() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let out = tmp.path().join("run");
    let o = run_seed(tmp.path(), 1000, &out, &["--trials-csv"]);
    assert_success(&o, "run --trials-csv");
    let (header, rows) = read_csv(&out.join("trials.csv"));
    let columns: Vec<&str> = header.split(',').collect();
    assert_eq!(&columns[..2], ["trial", "strategy"], "header: {header}");
    for m in METRICS {
        assert!(
            columns[2..].contains(&m),
            "trials.csv lacks metric {m}: {header}"
        );
    }
    let strategies = seed_strategies();
    assert_eq!(
        rows.len(),
        1000 * strategies.len(),
        "trials x strategies rows"
    );
    let mut per_strategy: BTreeMap<String, usize> = BTreeMap::new();
    for row in &rows {
        assert_eq!(row.len(), columns.len(), "a short row: {row:?}");
        let trial: u64 = row[0].parse().expect("a trial number");
        assert!(trial < 1000, "trial {trial} out of range");
        *per_strategy.entry(row[1].to_string()).or_default() += 1;
    }
    for (id, _) in &strategies {
        assert_eq!(per_strategy.get(id), Some(&1000), "rows of strategy {id}");
    }
    assert!(
        stdout(&o).contains("trials.csv"),
        "the report lists trials.csv"
    );
}

#[test]
fn without_trials_csv_flag_there_is_no_trials_csv() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let out = tmp.path().join("run");
    let o = run_seed(tmp.path(), 1000, &out, &[]);
    assert_success(&o, "run");
    assert!(!out.join("trials.csv").exists());
    assert!(
        !stdout(&o).contains("trials.csv"),
        "the report does not list trials.csv"
    );
}

#[test]
fn zero_trials_on_the_command_line_exits_2_and_writes_nothing() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let out = tmp.path().join("run");
    let o = run_seed(tmp.path(), 0, &out, &[]);
    assert_refused(&o, tmp.path(), &["--trials"], "--trials 0");
}

#[test]
fn help_and_run_help_exit_0_and_show_examples() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    for args in [
        &["--help"][..],
        &["run", "--help"][..],
        &["help", "run"][..],
    ] {
        let o = run_in(tmp.path(), args);
        assert_success(&o, &format!("{args:?}"));
        assert!(
            stdout(&o).contains("Examples"),
            "{args:?} shows examples:\n{}",
            stdout(&o)
        );
        assert!(
            stdout(&o).contains("tradeoff-sim run scenarios/seed.toml"),
            "{args:?}"
        );
    }
    let o = run_in(tmp.path(), &["validate", "--help"]);
    assert_success(&o, "validate --help");
    assert!(
        stdout(&o).contains("Example"),
        "validate --help shows an example"
    );
    assert!(listing(tmp.path()).is_empty(), "help writes nothing");
}

#[test]
fn validate_accepts_the_seed_scenario_and_writes_nothing() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let o = run_in(tmp.path(), &["validate", &seed_path()]);
    assert_success(&o, "validate");
    assert!(stdout(&o).contains("valid"), "stdout:\n{}", stdout(&o));
    assert!(stderr(&o).is_empty(), "stderr:\n{}", stderr(&o));
    assert!(
        listing(tmp.path()).is_empty(),
        "validate wrote {:?}",
        listing(tmp.path())
    );
}

#[test]
fn unknown_subcommand_exits_2() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let o = run_in(tmp.path(), &["simulate", &seed_path()]);
    assert_refused(&o, tmp.path(), &["simulate"], "an unknown subcommand");
}

#[test]
fn no_subcommand_exits_2_with_usage() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let o = run_in(tmp.path(), &[]);
    assert_eq!(o.status.code(), Some(2), "stderr:\n{}", stderr(&o));
    assert!(stderr(&o).contains("Usage"), "stderr:\n{}", stderr(&o));
}

#[test]
fn a_reader_that_closes_stdout_early_is_not_an_error() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let out = tmp.path().join("run");
    let mut child = Command::new(env!("CARGO_BIN_EXE_tradeoff-sim"))
        .args(["run", &seed_path(), "--trials", "2000", "--out"])
        .arg(&out)
        .current_dir(tmp.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    drop(child.stdout.take()); // the reader goes away before anything is printed
    let mut err = String::new();
    child
        .stderr
        .take()
        .expect("piped stderr")
        .read_to_string(&mut err)
        .expect("stderr is readable");
    let status = child.wait().expect("the binary ends");
    assert_eq!(status.code(), Some(0), "stderr:\n{err}");
    assert!(
        err.is_empty(),
        "a closed stdout is not an error; stderr:\n{err}"
    );
    assert!(
        out.join("manifest.json").is_file(),
        "the run still completed"
    );
}

#[test]
fn console_table_shows_p50_p80_p95_and_every_strategy_label() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let out = tmp.path().join("run");
    let o = run_seed(tmp.path(), 2000, &out, &[]);
    assert_success(&o, "run");
    let text = stdout(&o);
    for word in ["P50", "P80", "P95"] {
        assert!(text.contains(word), "the table lacks {word}:\n{text}");
    }
    for (_, label) in seed_strategies() {
        assert!(
            text.contains(&label),
            "the table lacks strategy {label:?}:\n{text}"
        );
    }
    assert!(
        text.contains(&out.display().to_string()),
        "the report says where it wrote:\n{text}"
    );
}

#[test]
fn every_shipped_scenario_validates_runs_and_draws_every_chart() {
    let dir = root().join("scenarios");
    let files: Vec<PathBuf> = listing(&dir)
        .into_iter()
        .filter(|n| n.ends_with(".toml"))
        .map(|n| dir.join(n))
        .collect();
    assert!(
        files.iter().any(|f| f.ends_with("seed.toml")),
        "scenarios/seed.toml is shipped"
    );
    let tmp = tempfile::tempdir().expect("a temporary folder");
    for file in &files {
        let path = file.display().to_string();
        let o = run_in(tmp.path(), &["validate", &path]);
        assert_success(&o, &format!("validate {path}"));
        let out = tmp.path().join(file.file_stem().expect("a file stem"));
        let o = run_in(
            tmp.path(),
            &[
                "run",
                &path,
                "--trials",
                "1000",
                "--out",
                &out.display().to_string(),
            ],
        );
        assert_success(&o, &format!("run {path}"));
        assert!(out.join("summary.csv").is_file(), "{path}: no summary.csv");
        // Every chart in both formats, PNGs at slide size.
        let charts = listing(&out.join("charts"));
        assert_eq!(charts.len(), 16, "{path}: {charts:?}");
        for name in charts.iter().filter(|n| n.ends_with(".png")) {
            let bytes = std::fs::read(out.join("charts").join(name)).expect("a PNG");
            assert_eq!(&bytes[1..4], b"PNG", "{path}: {name}");
            let width = u32::from_be_bytes([bytes[16], bytes[17], bytes[18], bytes[19]]);
            let height = u32::from_be_bytes([bytes[20], bytes[21], bytes[22], bytes[23]]);
            assert!(
                width >= 1920 && height >= 1080,
                "{path}: {name} is {width}x{height}"
            );
        }
    }
}

#[test]
fn run_draws_every_chart_in_both_formats_and_chart_redraws_the_same_svg_bytes() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let out = tmp.path().join("run");
    assert_success(
        &run_seed(tmp.path(), 3000, &out, &["--charts", "both"]),
        "run",
    );
    let charts = out.join("charts");
    let names = listing(&charts);
    assert_eq!(names.len(), 16, "{names:?}");
    for kind in [
        "total_cost",
        "build_weeks_s_curve",
        "api_failure_probability",
        "emergency_fixes",
        "downtime_hours",
        "tradeoff",
        "cost_breakdown",
        "probability_best",
    ] {
        for ext in ["png", "svg"] {
            assert!(
                names.contains(&format!("{kind}.{ext}")),
                "{kind}.{ext} in {names:?}"
            );
        }
    }
    let before = snapshot(&charts);
    let o = run_in(tmp.path(), &["chart", out.to_str().expect("utf-8 path")]);
    assert_success(&o, "chart");
    let after = snapshot(&charts);
    for (name, bytes) in &before {
        if name.ends_with(".svg") {
            assert!(after[name] == *bytes, "{name} differs when redrawn");
        }
    }
}

#[test]
fn charts_png_draws_png_only_and_none_draws_nothing() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let png = tmp.path().join("png");
    assert_success(
        &run_seed(tmp.path(), 1000, &png, &["--charts", "png"]),
        "run",
    );
    let names = listing(&png.join("charts"));
    assert_eq!(names.len(), 8);
    assert!(names.iter().all(|n| n.ends_with(".png")), "{names:?}");
    let none = tmp.path().join("none");
    assert_success(
        &run_seed(tmp.path(), 1000, &none, &["--charts", "none"]),
        "run",
    );
    assert!(!none.join("charts").exists());
}

#[test]
fn chart_on_a_folder_that_is_not_a_run_folder_is_bad_usage_saying_what_a_run_folder_holds() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    std::fs::create_dir(tmp.path().join("empty")).expect("a folder");
    std::fs::write(tmp.path().join("notes.txt"), "not a folder").expect("a file");
    // Someone else's manifest.json (a web app's), without tradeoff-sim's `tool`.
    std::fs::create_dir(tmp.path().join("webapp")).expect("a folder");
    std::fs::write(
        tmp.path().join("webapp").join("manifest.json"),
        r#"{"name": "shop", "start_url": "/"}"#,
    )
    .expect("a manifest");
    for folder in ["empty", "missing", "notes.txt", "webapp"] {
        let before = tree(tmp.path());
        let o = run_in(tmp.path(), &["chart", folder]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{folder}: {err}");
        assert!(stdout(&o).is_empty(), "{folder}: {}", stdout(&o));
        assert!(
            err.starts_with(&format!("error: {folder}")),
            "{folder}: {err}"
        );
        assert!(
            err.contains("manifest.json, summary.csv, histograms.csv and comparison.csv"),
            "{folder}: says what a run folder holds: {err}"
        );
        assert!(!err.contains("panicked"), "{err}");
        assert_eq!(tree(tmp.path()), before, "{folder}: nothing written");
    }
}

/// Runs the binary in `dir`, killing it (and failing) after `limit`.
fn run_with_limit(dir: &Path, args: &[&str], limit: std::time::Duration) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tradeoff-sim"))
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the tradeoff-sim binary starts");
    let started = std::time::Instant::now();
    while child.try_wait().expect("waits on the child").is_none() {
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("tradeoff-sim {args:?} still ran after {limit:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.wait_with_output().expect("collects the output")
}

#[test]
fn an_absurd_thread_count_is_refused_at_once_with_the_allowed_range() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let seed = seed_path();
    for args in [
        vec![
            "run",
            seed.as_str(),
            "--trials",
            "100",
            "--threads",
            "100000",
        ],
        vec![
            "check",
            seed.as_str(),
            "--trials",
            "100",
            "--threads",
            "100000",
        ],
        vec!["merge", "nowhere", "--threads", "100000"],
    ] {
        let o = run_with_limit(tmp.path(), &args, std::time::Duration::from_secs(10));
        assert_refused(&o, tmp.path(), &["--threads", "1024"], &format!("{args:?}"));
    }
}

#[test]
fn a_shard_count_or_sweep_range_over_its_limit_is_refused_naming_the_limit() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let seed = seed_path();
    for (args, limit) in [
        (
            vec!["run", seed.as_str(), "--shard", "0/1000000"],
            "N <= 100000",
        ),
        (
            vec![
                "sweep",
                seed.as_str(),
                "--param",
                "cost.hourly_rate",
                "--range",
                "100:200:100000",
            ],
            "from 2 to 400",
        ),
    ] {
        let o = run_in(tmp.path(), &args);
        assert_refused(&o, tmp.path(), &[limit], &format!("{args:?}"));
    }
}

/// The file's `seed` is a TOML integer (at most 2^63 - 1); `--seed` takes the same
/// range, so a run's seed from its manifest can always be put back in the file.
#[test]
fn seed_on_the_command_line_has_the_range_of_the_file() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let out = tmp.path().join("run");
    let o = run_seed(tmp.path(), 100, &out, &["--seed", "18446744073709551615"]);
    assert_eq!(o.status.code(), Some(2), "stderr:\n{}", stderr(&o));
    assert!(
        stderr(&o).contains("--seed") && stderr(&o).contains("9223372036854775807"),
        "names the option and its range:\n{}",
        stderr(&o)
    );
    assert!(!out.exists());
    let o = run_seed(tmp.path(), 100, &out, &["--seed", "9223372036854775807"]);
    assert!(o.status.success(), "stderr:\n{}", stderr(&o));
}

/// File and folder names need not be UTF-8 on Unix. A scenario or --out whose name
/// is not runs like any other (the manifest records the bytes as U+FFFD), rather
/// than panicking while recording the command line.
#[test]
fn a_scenario_and_out_folder_with_names_that_are_not_utf8_run_without_panicking() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let name = OsStr::from_bytes(b"caf\xe9.toml");
    std::fs::copy(scenario("seed.toml"), tmp.path().join(name)).expect("copy the scenario");
    let out = OsStr::from_bytes(b"r\xe9sultat");
    let commands: [&[&OsStr]; 5] = [
        &[OsStr::new("run"), name, OsStr::new("--out"), out],
        &[OsStr::new("check"), name, OsStr::new("--out"), out],
        &[
            OsStr::new("sweep"),
            name,
            OsStr::new("--param"),
            OsStr::new("cost.hourly_rate=100,200"),
            OsStr::new("--out"),
            out,
        ],
        &[
            OsStr::new("compare"),
            name,
            &scenario("reference.toml").into_os_string(),
            OsStr::new("--out"),
            out,
        ],
        &[
            OsStr::new("sensitivity"),
            name,
            OsStr::new("--strategy"),
            OsStr::new("ux_led"),
            OsStr::new("--out"),
            out,
        ],
    ];
    for args in commands {
        let _ = std::fs::remove_dir_all(tmp.path().join(out));
        let o = Command::new(env!("CARGO_BIN_EXE_tradeoff-sim"))
            .args(args)
            .args(["--trials", "300"])
            .args(if args[0] == "check" {
                &[][..]
            } else {
                &["--charts", "none"][..]
            })
            .current_dir(tmp.path())
            .output()
            .expect("the tradeoff-sim binary runs");
        let what = format!("{:?}", args[0]);
        assert!(
            !stderr(&o).contains("panicked"),
            "{what} panicked:\n{}",
            stderr(&o)
        );
        // check exits 1 on 300 trials (claims undecided); the others succeed.
        assert!(
            matches!(o.status.code(), Some(0 | 1)),
            "{what}: exit {:?}\n{}",
            o.status.code(),
            stderr(&o)
        );
        let manifest = std::fs::read_to_string(tmp.path().join(out).join("manifest.json"))
            .unwrap_or_else(|e| panic!("{what}: no manifest ({e}):\n{}", stderr(&o)));
        assert!(manifest.contains("r\u{fffd}sultat"), "{what}: {manifest}");
    }
}

/// The default output folder is named after the scenario file; a name of only
/// dots (`..toml`) would make it `output/.` or `output/..`, so such a run writes
/// `output/scenario/` instead.
#[test]
fn a_scenario_file_named_only_dots_gets_a_default_folder_of_its_own() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    std::fs::copy(scenario("seed.toml"), tmp.path().join("..toml")).expect("copy");
    let o = run_in(
        tmp.path(),
        &["run", "..toml", "--trials", "500", "--charts", "none"],
    );
    assert_success(&o, "run ..toml");
    assert!(tmp.path().join("output/scenario/summary.csv").is_file());
    let entries: Vec<_> = std::fs::read_dir(tmp.path().join("output"))
        .expect("output/ exists")
        .map(|e| e.expect("an entry").file_name())
        .collect();
    assert_eq!(entries, ["scenario"], "only output/scenario/ was written");
}

/// Makes a named pipe at `path` and writes `text` into it once, from a thread: a
/// scenario given as `<(generate-scenario)` or a FIFO can be read only once.
fn pipe_once(path: &Path, text: String) -> std::thread::JoinHandle<()> {
    let c_path = std::ffi::CString::new(path.to_str().expect("utf-8 path")).expect("no NUL");
    // SAFETY: a valid NUL-terminated path and a plain mode.
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0, "mkfifo");
    let path = path.to_path_buf();
    std::thread::spawn(move || {
        // Blocks until the binary opens the pipe to read, then closes it.
        let _ = std::fs::write(&path, text);
    })
}

/// The manifest in `folder` records the SHA-256 of `text`: the scenario that ran.
fn assert_manifest_hashes(folder: &Path, text: &str) {
    let manifest: serde_json::Value = serde_json::from_slice(
        &std::fs::read(folder.join("manifest.json")).expect("manifest.json"),
    )
    .expect("JSON");
    assert_eq!(
        manifest["scenario_sha256"].as_str(),
        Some(tradeoff_sim::output::manifest::sha256_hex(text.as_bytes()).as_str()),
        "the manifest hashes the scenario that ran"
    );
}

#[test]
fn run_reads_the_scenario_once_so_a_named_pipe_works_and_the_manifest_hashes_what_ran() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let text = std::fs::read_to_string(scenario("seed.toml")).expect("seed.toml");
    let fifo = tmp.path().join("seed.toml");
    let writer = pipe_once(&fifo, text.clone());
    let o = run_with_limit(
        tmp.path(),
        &[
            "run",
            "seed.toml",
            "--trials",
            "1000",
            "--charts",
            "none",
            "--out",
            "out",
        ],
        std::time::Duration::from_secs(20),
    );
    writer.join().expect("the writer ends");
    assert_success(&o, "run from a named pipe");
    assert_manifest_hashes(&tmp.path().join("out"), &text);
}

#[test]
fn check_reads_the_scenario_once_so_a_named_pipe_works_and_every_claim_variant_is_the_same_file() {
    // `check` parses the file again for each claim variant (`set = [...]`); it used
    // to read the path again each time, so a pipe hung and an edited file mixed
    // two scenarios under one hash.
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let text = std::fs::read_to_string(scenario("seed.toml")).expect("seed.toml");
    let fifo = tmp.path().join("seed.toml");
    let writer = pipe_once(&fifo, text.clone());
    let o = run_with_limit(
        tmp.path(),
        &["check", "seed.toml", "--trials", "2000", "--out", "out"],
        std::time::Duration::from_secs(60),
    );
    writer.join().expect("the writer ends");
    // At 2,000 trials some claims are undecided (exit 1); none may be refused.
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "check from a named pipe: {:?}\n{}",
        o.status,
        String::from_utf8_lossy(&o.stderr)
    );
    assert_manifest_hashes(&tmp.path().join("out"), &text);
}

#[test]
fn sweep_and_sensitivity_read_the_scenario_once_so_a_named_pipe_works() {
    // Both parse the file once per point or run; they used to read the path each
    // time, so a pipe hung after the first read.
    let text = std::fs::read_to_string(scenario("seed.toml")).expect("seed.toml");
    for args in [
        &[
            "sweep",
            "seed.toml",
            "--param",
            "strategies.hybrid.governance",
            "--values",
            "0.3,0.7",
            "--trials",
            "500",
            "--charts",
            "none",
            "--out",
            "out",
        ][..],
        &[
            "sensitivity",
            "seed.toml",
            "--trials",
            "200",
            "--strategy",
            "ux_led",
            "--charts",
            "none",
            "--out",
            "out",
        ][..],
    ] {
        let tmp = tempfile::tempdir().expect("a temporary folder");
        let writer = pipe_once(&tmp.path().join("seed.toml"), text.clone());
        let o = run_with_limit(tmp.path(), args, std::time::Duration::from_secs(60));
        writer.join().expect("the writer ends");
        assert_success(&o, args[0]);
        assert!(tmp.path().join("out").join("manifest.json").is_file());
    }
}

#[test]
fn negative_numbers_for_numeric_options_are_refused_saying_what_is_allowed() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let seed = seed_path();
    for (flag, value, allowed) in [
        (
            "--trials",
            "-5",
            "whole number between 1 and 1000000000, got -5",
        ),
        (
            "--seed",
            "-1",
            "whole number between 0 and 9223372036854775807, got -1",
        ),
        (
            "--threads",
            "-2",
            "whole number between 0 and 1024 (0: one per core), got -2",
        ),
        (
            "--precision",
            "-0.5",
            "between 0 and 1 (e.g. 0.005), got -0.5",
        ),
    ] {
        let o = run_in(tmp.path(), &["run", &seed, flag, value, "--charts", "none"]);
        assert_refused(&o, tmp.path(), &[flag, allowed], &format!("{flag} {value}"));
        assert!(
            !stderr(&o).contains("use '--"),
            "{flag} {value}: no tip about --"
        );
    }
    let o = run_in(tmp.path(), &["merge", "nowhere", "--threads", "-1"]);
    assert_refused(
        &o,
        tmp.path(),
        &["--threads", "got -1"],
        "merge --threads -1",
    );
}

#[test]
fn threads_zero_is_one_per_core_in_the_help_the_command_reference_and_the_run() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let o = run_in(tmp.path(), &["run", "--help"]);
    assert!(
        stdout(&o).contains("1 to 1024, or 0 (the default) for one per core"),
        "{}",
        stdout(&o)
    );
    let reference =
        std::fs::read_to_string(root().join("docs/commands.md")).expect("docs/commands.md");
    assert!(
        reference.contains(
            "`--threads` sets worker threads, 1 to 1024, or 0 (the default) for one per core"
        ),
        "docs/commands.md describes --threads as the help does"
    );
    let out = tmp.path().join("run");
    let o = run_seed(tmp.path(), 1000, &out, &["--threads", "0"]);
    assert_success(&o, "--threads 0");
}

#[test]
fn compare_refuses_a_file_name_the_charts_cannot_draw_before_writing_anything() {
    // The file name names the scenario on the compare charts; a title does not stand in.
    let tmp = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let seed = std::fs::read_to_string(scenario("seed.toml")).unwrap();
    let a = files.path().join("バックエンド.toml");
    let b = files.path().join("plain.toml");
    std::fs::write(&a, &seed).unwrap();
    std::fs::write(&b, &seed).unwrap();
    let (a, b) = (a.display().to_string(), b.display().to_string());
    let o = run_in(tmp.path(), &["compare", &a, &b, "--trials", "200"]);
    assert_refused(
        &o,
        tmp.path(),
        &[
            &a,
            "names this scenario on the compare charts",
            "'バ' (U+30D0)",
            "rename the file",
            "--charts none",
        ],
        "a Japanese file name on compare",
    );
    let out = tmp.path().join("cmp");
    let o = run_in(
        tmp.path(),
        &[
            "compare",
            &a,
            &b,
            "--trials",
            "200",
            "--charts",
            "none",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(
        o.status.success(),
        "without charts the name is fine: {}",
        stderr(&o)
    );
}

/// Every subcommand, as a user types it.
const SUBCOMMANDS: [&str; 12] = [
    "run",
    "check",
    "sweep",
    "compare",
    "sensitivity",
    "report",
    "chart",
    "merge",
    "validate",
    "init",
    "completions",
    "man",
];

/// clap's own checks of the definitions (conflicting names, a default that its
/// value parser refuses, ...), which it otherwise makes only in debug builds when
/// that very subcommand is parsed.
#[test]
fn the_command_line_definitions_pass_clap_s_own_checks() {
    use clap::CommandFactory;
    tradeoff_sim::cli::Cli::command().debug_assert();
}

#[test]
fn the_subcommands_are_the_ones_this_test_file_names() {
    use clap::CommandFactory;
    let defined: Vec<String> = tradeoff_sim::cli::Cli::command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    assert_eq!(defined, SUBCOMMANDS);
}

#[test]
fn bash_completions_name_every_subcommand_and_write_nothing() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let o = run_in(tmp.path(), &["completions", "bash"]);
    assert_success(&o, "completions bash");
    let script = stdout(&o);
    assert!(script.contains("complete -F"), "a bash script:\n{script}");
    for name in SUBCOMMANDS {
        assert!(
            script.contains(&format!("tradeoff__sim,{name})")),
            "completes {name}"
        );
    }
    assert!(listing(tmp.path()).is_empty(), "completions write nothing");
}

#[test]
fn completions_exist_for_every_shell_clap_supports_and_not_for_others() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let o = run_in(tmp.path(), &["completions", shell]);
        assert_success(&o, shell);
        assert!(stdout(&o).contains("sensitivity"), "{shell}");
    }
    let o = run_in(tmp.path(), &["completions", "tcsh"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("bash, elvish, fish, powershell, zsh"));
}

#[test]
fn man_prints_a_roff_page_that_names_every_subcommand() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let o = run_in(tmp.path(), &["man"]);
    assert_success(&o, "man");
    let page = stdout(&o);
    assert!(page.starts_with(".ie \\n(.g"), "a roff header:\n{page}");
    assert!(
        page.contains("\n.TH tradeoff-sim 1 "),
        "a title line:\n{page}"
    );
    assert!(page.contains("\n.SH SUBCOMMANDS\n"), "{page}");
    for name in SUBCOMMANDS {
        assert!(
            page.contains(&format!("tradeoff\\-sim\\-{name}(1)")),
            "names {name}"
        );
    }
    assert!(listing(tmp.path()).is_empty(), "man writes nothing");
}

/// The `--out` line of a command's help.
fn out_help(command: &str) -> String {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let o = run_in(tmp.path(), &[command, "--help"]);
    assert_success(&o, command);
    stdout(&o)
        .lines()
        .find(|l| l.trim_start().starts_with("--out"))
        .unwrap_or_else(|| panic!("{command} --help has --out"))
        .to_string()
}

#[test]
fn each_command_s_help_states_its_own_default_output_folder() {
    for (command, default) in [
        ("check", "Default: output/<name>/check/"),
        ("sweep", "Default: output/<name>-sweep/"),
        ("compare", "Default: output/compare-<name>-vs-<name>/"),
        ("sensitivity", "Default: output/<name>-sensitivity/"),
    ] {
        let line = out_help(command);
        assert!(line.contains(default), "{command}: {line}");
        assert!(
            !line.contains("run: output"),
            "{command} --help describes run's folder: {line}"
        );
    }
    assert!(out_help("run").contains("run: output/<name>/"));
}
