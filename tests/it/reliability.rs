//! Hostile conditions: interrupts, write faults, closed pipes and extreme but
//! valid scenarios. Whatever happens, the binary says what went wrong with the
//! right exit code, never leaves a temporary or half-written file, and never
//! touches a result it wrote before.

use std::collections::BTreeMap;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

use tradeoff_sim::output::{Staging, write_atomic};

use crate::common::{run_in, scenario, stderr};
use crate::generated::{Spec, constant, curve, num};

fn binary() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tradeoff-sim"))
}

fn seed() -> String {
    scenario("seed.toml").display().to_string()
}

/// Every file under `dir`, by relative path, with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("a readable folder").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path
                    .strip_prefix(dir)
                    .expect("under dir")
                    .display()
                    .to_string();
                out.insert(rel, std::fs::read(&path).expect("a readable file"));
            }
        }
    }
    out
}

/// Names under `dir` (recursively) that a run leaves only while it is working.
fn leftovers(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.contains(".partial-") || name.contains(".tmp-") || name.contains(".old-") {
                out.push(entry.path().display().to_string());
            }
            if entry.path().is_dir() {
                stack.push(entry.path());
            }
        }
    }
    out
}

/// Writes an earlier result into `dir/run` and returns its snapshot.
fn earlier_result(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let o = run_in(dir, &["run", &seed(), "--trials", "2000", "--out", "run"]);
    assert_eq!(o.status.code(), Some(0), "stderr:\n{}", stderr(&o));
    snapshot(&dir.join("run"))
}

fn wait_with_timeout(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    None
}

/// Starts a long run replacing `dir/run`, waits until it is under way (its staging
/// folder exists) plus `delay`, sends `signal`, and returns the exit status and the
/// time from the signal to the exit.
fn interrupt_run(
    dir: &Path,
    signal: i32,
    delay: Duration,
    extra: &[&str],
) -> (ExitStatus, Duration) {
    let mut child = binary()
        .args([
            "run",
            &seed(),
            "--trials",
            "500000",
            "--out",
            "run",
            "--force",
        ])
        .args(extra)
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let staging = dir.join(format!(".run.partial-{}", child.id()));
    let start = Instant::now();
    while !staging.exists() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the run never created {}",
            staging.display()
        );
        assert!(
            child.try_wait().expect("a child").is_none(),
            "the run ended before it could be interrupted"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    std::thread::sleep(delay);
    assert!(
        child.try_wait().expect("a child").is_none(),
        "the run ended before it could be interrupted; make it longer"
    );
    let pid = i32::try_from(child.id()).expect("a pid fits in i32");
    let sent = Instant::now();
    // SAFETY: kill(2) on our own child's pid; no memory is shared.
    let rc = unsafe { libc::kill(pid, signal) };
    assert_eq!(rc, 0, "kill failed");
    let status = wait_with_timeout(&mut child, Duration::from_secs(10)).unwrap_or_else(|| {
        let _ = child.kill();
        panic!("the run did not end within 10 s of the signal")
    });
    (status, sent.elapsed())
}

fn assert_interrupted_cleanly(dir: &Path, signal: i32, delay: Duration, extra: &[&str]) {
    let before = earlier_result(dir);
    let (status, latency) = interrupt_run(dir, signal, delay, extra);
    println!("signal {signal} after {delay:?}: exit {status:?} {latency:?} after the signal");
    assert_eq!(status.code(), Some(130), "exit code after signal {signal}");
    assert!(
        latency < Duration::from_secs(1),
        "exited {latency:?} after the signal; at most 1 s"
    );
    assert_eq!(leftovers(dir), Vec::<String>::new(), "temporary files left");
    assert!(
        snapshot(&dir.join("run")) == before,
        "the earlier result changed"
    );
}

#[test]
fn ctrl_c_during_the_simulation_exits_130_within_a_second_leaving_no_temporary_file_and_the_earlier_result_intact()
 {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    assert_interrupted_cleanly(tmp.path(), libc::SIGINT, Duration::from_millis(300), &[]);
}

#[test]
fn sigterm_late_in_a_run_with_trials_csv_exits_130_within_a_second_and_cleanly() {
    // 2 s in, a 2-core machine is past the simulation (statistics or trials.csv).
    let tmp = tempfile::tempdir().expect("a temporary folder");
    assert_interrupted_cleanly(
        tmp.path(),
        libc::SIGTERM,
        Duration::from_millis(2000),
        &["--trials-csv"],
    );
}

#[test]
fn a_trials_csv_too_large_to_hold_is_refused_at_once_with_the_largest_trial_count_that_fits_and_creates_nothing()
 {
    // Summaries stream, so only --trials-csv holds every trial in memory.
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let start = Instant::now();
    let o = run_in(
        tmp.path(),
        &["run", &seed(), "--trials", "100000000", "--trials-csv"],
    );
    let elapsed = start.elapsed();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "stderr:\n{err}");
    assert!(elapsed < Duration::from_secs(1), "took {elapsed:?}");
    let most = tradeoff_sim::engine::MAX_SAMPLE_BYTES / (5 * 19 * 8);
    assert!(
        err.contains("100000000 trials x 5 strategies")
            && err.contains(&format!("use at most {most} trials")),
        "the refusal names the size and the largest count that fits:\n{err}"
    );
    assert!(
        snapshot(tmp.path()).is_empty()
            && std::fs::read_dir(tmp.path()).expect("dir").next().is_none(),
        "nothing is created, not even output/"
    );
}

/// `check` and `sensitivity` hold more than one run's samples at once (the
/// columns their claims compare, a low and a high run), so the 6 GiB limit counts
/// all of it: the largest trial count a plain `--trials-csv` run may hold is
/// refused at once, and the largest count they name is lower.
#[test]
fn check_and_sensitivity_refuse_at_once_what_they_could_not_hold() {
    let per_run = 5 * 19 * 8;
    let run_limit = tradeoff_sim::engine::MAX_SAMPLE_BYTES / per_run;
    let trials = run_limit.to_string();
    for command in ["check", "sensitivity"] {
        let tmp = tempfile::tempdir().expect("a temporary folder");
        // Spawned with a deadline: without the refusal it would start simulating
        // 56 million trials.
        let mut child = Command::new(env!("CARGO_BIN_EXE_tradeoff-sim"))
            .args([command, &seed(), "--trials", &trials, "--threads", "1"])
            .current_dir(tmp.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary runs");
        let start = Instant::now();
        while child.try_wait().expect("wait").is_none() {
            if start.elapsed() > Duration::from_secs(10) {
                child.kill().expect("kill");
                child.wait().expect("reaped");
                panic!("{command} --trials {trials} was not refused within 10 s");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let o = child.wait_with_output().expect("output");
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{command}:\n{err}");
        let most: u64 = err
            .split("use at most ")
            .nth(1)
            .and_then(|rest| rest.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{command} names the largest count:\n{err}"));
        // check holds one run and the columns its claims compare; sensitivity a
        // low and a high run.
        let bound = if command == "check" {
            run_limit - 1
        } else {
            run_limit / 2
        };
        assert!(most <= bound, "{command} may hold more than it can: {most}");
        assert!(
            std::fs::read_dir(tmp.path()).expect("dir").next().is_none(),
            "{command} created something"
        );
    }
}

// ---------------------------------------------------------------- write faults

fn assert_failed_cleanly(o: &Output, dir: &Path, names: &str, before: &BTreeMap<String, Vec<u8>>) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(1), "stderr:\n{err}");
    assert!(err.contains(names), "the error names {names}:\n{err}");
    assert!(!err.contains("panicked"), "no panic:\n{err}");
    assert_eq!(leftovers(dir), Vec::<String>::new(), "temporary files left");
    assert!(
        snapshot(&dir.join("run")) == *before,
        "the earlier result changed"
    );
}

#[test]
fn out_at_a_file_fails_with_exit_1_naming_it_and_writes_nothing() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let before = earlier_result(tmp.path());
    std::fs::write(tmp.path().join("notes.txt"), "keep me").expect("a file");
    let o = run_in(
        tmp.path(),
        &["run", &seed(), "--trials", "500", "--out", "notes.txt"],
    );
    assert_failed_cleanly(&o, tmp.path(), "notes.txt: is a file", &before);
    assert_eq!(
        std::fs::read(tmp.path().join("notes.txt")).expect("file"),
        b"keep me"
    );
}

#[test]
fn out_inside_a_file_fails_with_exit_1_naming_the_file_and_writes_nothing() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let before = earlier_result(tmp.path());
    std::fs::write(tmp.path().join("notes.txt"), "keep me").expect("a file");
    let o = run_in(
        tmp.path(),
        &[
            "run",
            &seed(),
            "--trials",
            "500",
            "--out",
            "notes.txt/deeper/run",
        ],
    );
    assert_failed_cleanly(
        &o,
        tmp.path(),
        "notes.txt: is a file, so the run folder",
        &before,
    );
    assert_eq!(
        std::fs::read(tmp.path().join("notes.txt")).expect("file"),
        b"keep me"
    );
}

fn is_root() -> bool {
    // SAFETY: geteuid(2) has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

#[test]
fn a_read_only_output_folder_fails_with_exit_1_naming_it_and_keeps_the_earlier_result() {
    if is_root() {
        println!(
            "skipped: running as root, where folder permissions do not stop writes; \
             see a_folder_that_refuses_writes_even_to_root_fails_with_exit_1"
        );
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let before = earlier_result(tmp.path());
    let mode = |m| std::fs::Permissions::from_mode(m);
    std::fs::set_permissions(tmp.path(), mode(0o555)).expect("chmod");
    let o = run_in(
        tmp.path(),
        &["run", &seed(), "--trials", "500", "--out", "run", "--force"],
    );
    std::fs::set_permissions(tmp.path(), mode(0o755)).expect("chmod back");
    assert_failed_cleanly(&o, tmp.path(), "cannot write in this folder", &before);
}

#[test]
fn a_folder_that_refuses_writes_even_to_root_fails_with_exit_1() {
    // sysfs refuses new folders to everyone, root included.
    let sys = Path::new("/sys/kernel");
    if !sys.is_dir() || std::fs::create_dir(sys.join("tradeoff-sim-probe")).is_ok() {
        let _ = std::fs::remove_dir(sys.join("tradeoff-sim-probe"));
        println!("skipped: no /sys/kernel that refuses new folders here");
        return;
    }
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let o = run_in(
        tmp.path(),
        &[
            "run",
            &seed(),
            "--trials",
            "500",
            "--out",
            "/sys/kernel/tradeoff-sim-run",
        ],
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "stderr:\n{err}");
    assert!(
        err.contains("/sys/kernel: cannot write in this folder"),
        "{err}"
    );
    assert!(!sys.join("tradeoff-sim-run").exists());
}

#[test]
fn a_file_size_limit_hit_while_writing_fails_with_exit_1_and_keeps_the_earlier_result() {
    // A full disk, as far as the process can tell: RLIMIT_FSIZE (which binds root
    // too) makes the write fail with EFBIG once a file passes 4 KiB; SIGXFSZ is
    // ignored so the write returns the error instead of killing the process.
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let before = earlier_result(tmp.path());
    let mut cmd = binary();
    cmd.args([
        "run",
        &seed(),
        "--trials",
        "2000",
        "--out",
        "run",
        "--force",
    ])
    .current_dir(tmp.path());
    // SAFETY: only async-signal-safe calls (signal, setrlimit) between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let limit = libc::rlimit {
                rlim_cur: 4096,
                rlim_max: 4096,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let o = cmd.output().expect("the binary runs");
    assert_failed_cleanly(&o, tmp.path(), ".summary.csv.tmp-", &before);
    assert!(stderr(&o).contains("cannot write"), "{}", stderr(&o));
}

/// A temporary-file name that `write_atomic` will use for `target` in this process.
fn tmp_name_of(target: &Path) -> PathBuf {
    let name = target.file_name().expect("a file name").to_string_lossy();
    target.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

#[test]
fn write_atomic_on_a_full_disk_fails_naming_the_file_and_leaves_neither_target_nor_temporary() {
    // /dev/full answers every write with ENOSPC; a symlink puts it where
    // write_atomic creates its temporary file.
    if !Path::new("/dev/full").exists() {
        println!("skipped: no /dev/full");
        return;
    }
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let target = tmp.path().join("summary.csv");
    std::os::unix::fs::symlink("/dev/full", tmp_name_of(&target)).expect("a symlink");
    let err = write_atomic(&target, &[b'x'; 100_000])
        .expect_err("a full disk")
        .to_string();
    assert!(
        err.contains(".summary.csv.tmp-") && err.contains("cannot"),
        "{err}"
    );
    assert!(err.contains("No space left on device"), "{err}");
    assert!(!target.exists(), "no target");
    assert!(!tmp_name_of(&target).exists(), "no temporary file");
    assert!(
        Path::new("/dev/full").exists(),
        "only the symlink was removed"
    );
}

#[test]
fn a_full_disk_inside_the_staging_folder_removes_the_staging_and_keeps_the_earlier_result() {
    if !Path::new("/dev/full").exists() {
        println!("skipped: no /dev/full");
        return;
    }
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let before = earlier_result(tmp.path());
    let dest = tmp.path().join("run");
    let staging = Staging::begin(&dest, true).expect("staging");
    let target = staging.dir().join("summary.csv");
    std::os::unix::fs::symlink("/dev/full", tmp_name_of(&target)).expect("a symlink");
    let err = staging
        .write("summary.csv", b"a,b\n1,2\n")
        .expect_err("a full disk");
    assert!(err.to_string().contains("No space left on device"), "{err}");
    drop(staging);
    assert_eq!(leftovers(tmp.path()), Vec::<String>::new());
    assert!(snapshot(&dest) == before, "the earlier result changed");
}

#[test]
fn write_atomic_that_cannot_rename_into_place_fails_and_removes_its_temporary_file() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let target = tmp.path().join("summary.csv");
    std::fs::create_dir(&target).expect("a folder where the file should go");
    std::fs::write(target.join("inside"), "keep").expect("a file");
    let err = write_atomic(&target, b"new").expect_err("rename over a folder");
    assert!(err.to_string().contains("cannot move into place"), "{err}");
    assert!(!tmp_name_of(&target).exists());
    assert_eq!(std::fs::read(target.join("inside")).expect("kept"), b"keep");
}

// ---------------------------------------------------------------- broken pipe

#[test]
fn piping_into_head_or_into_a_reader_that_never_reads_exits_0_without_an_error() {
    if !Path::new("/bin/bash").exists() {
        println!("skipped: no /bin/bash");
        return;
    }
    let tmp = tempfile::tempdir().expect("a temporary folder");
    for (reader, out) in [("head -1", "a"), ("true", "b")] {
        let script = format!(
            "\"$0\" run \"$1\" --trials 2000 --out {out} | {reader} >/dev/null; echo \"status=${{PIPESTATUS[0]}}\" >&2"
        );
        let o = Command::new("/bin/bash")
            .args(["-c", &script, env!("CARGO_BIN_EXE_tradeoff-sim"), &seed()])
            .current_dir(tmp.path())
            .output()
            .expect("bash runs");
        let err = stderr(&o);
        assert_eq!(err.trim(), "status=0", "| {reader}: stderr:\n{err}");
        assert!(tmp.path().join(out).join("manifest.json").is_file());
    }
}

// ---------------------------------------------------------------- extreme scenarios

/// Runs `toml` with `--trials-csv` and checks every CSV: numbers finite, count
/// metrics whole, probabilities and shares in [0, 1], nothing negative. Returns the
/// summary rows by (strategy, metric).
fn run_and_check(toml: &str, extra: &[&str]) -> BTreeMap<(String, String), BTreeMap<String, f64>> {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(tmp.path().join("x.toml"), toml).expect("scenario written");
    let mut args = vec!["run", "x.toml", "--out", "run", "--trials-csv"];
    args.extend_from_slice(extra);
    let o = run_in(tmp.path(), &args);
    assert_eq!(o.status.code(), Some(0), "stderr:\n{}", stderr(&o));
    let run = tmp.path().join("run");
    let mut summary = BTreeMap::new();
    for file in [
        "summary.csv",
        "comparison.csv",
        "histograms.csv",
        "trials.csv",
    ] {
        let mut reader = csv::Reader::from_path(run.join(file)).expect("a CSV");
        let header: Vec<String> = reader
            .headers()
            .expect("a header")
            .iter()
            .map(String::from)
            .collect();
        for record in reader.records() {
            let record = record.expect("a row");
            let field = |name: &str| header.iter().position(|h| h == name).map(|i| &record[i]);
            let unit = field("unit").unwrap_or("").to_string();
            let metric = field("metric").unwrap_or("").to_string();
            let mut row = BTreeMap::new();
            for (name, value) in header.iter().zip(record.iter()) {
                let Ok(x) = value.parse::<f64>() else {
                    continue;
                };
                assert!(x.is_finite(), "{file}: {name} = {value} in {record:?}");
                let in_unit_interval = name.starts_with("p_")
                    || (matches!(unit.as_str(), "share" | "indicator")
                        && !matches!(
                            name.as_str(),
                            "n" | "count" | "std_dev" | "std_err" | "mean_diff"
                        ));
                if in_unit_interval && !name.starts_with("mean_diff") {
                    assert!(
                        (0.0..=1.0).contains(&x),
                        "{file}: {name} = {x} outside [0, 1]"
                    );
                }
                // Integer bins are centred on whole numbers: the first starts at -0.5.
                let centred_bin = name == "bin_low" && x == -0.5;
                if !name.starts_with("mean_diff") && !centred_bin {
                    assert!(x >= 0.0, "{file}: {name} = {x} is negative");
                }
                let whole = matches!(name.as_str(), "n" | "count" | "trial")
                    || (unit == "count" && matches!(name.as_str(), "min" | "max"));
                if whole {
                    assert_eq!(x.fract(), 0.0, "{file}: {name} = {x} is not whole");
                }
                row.insert(name.clone(), x);
            }
            if file == "trials.csv" {
                for m in [
                    "api_failures",
                    "surge_failures",
                    "emergency_fixes",
                    "incidents",
                ] {
                    if let Some(v) = field(m) {
                        let x: f64 = v.parse().expect("a number");
                        assert_eq!(x.fract(), 0.0, "trials.csv: {m} = {x}");
                    }
                }
            }
            if file == "summary.csv" {
                let strategy = field("strategy").unwrap_or("").to_string();
                summary.insert((strategy, metric), row);
            }
        }
    }
    summary
}

fn stat(
    s: &BTreeMap<(String, String), BTreeMap<String, f64>>,
    strategy: &str,
    metric: &str,
    name: &str,
) -> f64 {
    s[&(strategy.to_string(), metric.to_string())][name]
}

#[test]
fn one_trial_runs_and_every_csv_is_finite_with_zero_spread() {
    let toml = std::fs::read_to_string(scenario("seed.toml")).expect("seed");
    let s = run_and_check(&toml, &["--trials", "1"]);
    let row = &s[&("backend_led".to_string(), "build_weeks".to_string())];
    assert_eq!(row["n"], 1.0);
    assert_eq!(row["std_dev"], 0.0);
    assert_eq!(row["min"], row["max"]);
    assert_eq!(row["p05"], row["p99"]);
}

/// Sets every probability and share of the scenario to `p`.
fn every_probability(spec: &mut Spec, p: f64) {
    spec.seam_share = p;
    spec.fix_probability = p;
    spec.customer_facing_share = p;
    spec.seam_crossing_probability = p;
    spec.loss_probability = p;
    spec.recaptured_share = p;
    spec.surge_impact_fraction = constant(p);
    spec.incident_impact_fraction = constant(p);
    spec.walk_away_degraded_fraction = constant(p);
    for st in &mut spec.strategies {
        st.walk_away_unresolved_probability = num(p);
    }
    for r in &mut spec.risks {
        r.probability = num(p);
        r.walk_away = true;
    }
}

#[test]
fn probabilities_of_exactly_zero_everywhere_run_and_nothing_that_needs_a_chance_happens() {
    let mut spec = Spec::baseline(3, 4, 2000);
    every_probability(&mut spec, 0.0);
    let s = run_and_check(&spec.to_toml(), &[]);
    for st in ["s0", "s1", "s2"] {
        assert_eq!(
            stat(&s, st, "churn_share", "max"),
            0.0,
            "no customer is lost"
        );
        assert_eq!(
            stat(&s, st, "downtime_loss", "max"),
            0.0,
            "no checkout is hit"
        );
        assert_eq!(stat(&s, st, "tail_capped", "max"), 0.0);
    }
}

#[test]
fn probabilities_of_exactly_one_everywhere_run_and_every_risk_happens() {
    let mut spec = Spec::baseline(3, 4, 2000);
    every_probability(&mut spec, 1.0);
    let s = run_and_check(&spec.to_toml(), &[]);
    for st in ["s0", "s1", "s2"] {
        assert_eq!(
            stat(&s, st, "downtime_loss", "max"),
            0.0,
            "everything recaptured"
        );
        assert!(stat(&s, st, "churn_share", "max") <= 1.0);
    }
}

#[test]
fn zero_spreads_everywhere_make_build_weeks_and_build_cost_constant() {
    let mut spec = Spec::baseline(3, 3, 500);
    spec.complexity_on_build = 0.0;
    spec.complexity_on_frailty = 0.0;
    spec.frailty_shape = 1e6;
    spec.estimate = num(1.0);
    spec.matrix_onboarding_weeks = constant(2.0);
    spec.surge_multiple = "{ lognormal = { median = 2.5, sigma = 0 } }".into();
    spec.surge_failure_hours = "{ triangular = [6, 6, 6] }".into();
    spec.surge_impact_fraction = "{ uniform = [0.4, 0.4] }".into();
    spec.ttr_sigma = 0.0;
    spec.incident_impact_fraction = "{ pert = [0.5, 0.5, 0.5] }".into();
    spec.walk_away_at_week = "{ normal = { mean = 10, std_dev = 0, min = 0 } }".into();
    spec.walk_away_degraded_fraction = constant(0.3);
    spec.fix_effort_hours = constant(40.0);
    spec.war_room_spread = "{ lognormal = { p05 = 1, p95 = 1 } }".into();
    for st in &mut spec.strategies {
        st.headroom_sigma = num(0.0);
        st.walk_away_degraded_weeks = constant(2.0);
    }
    for r in &mut spec.risks {
        r.probability = num(1.0);
        r.build_extra_share = Some(constant(0.1));
        r.delay_weeks = Some(constant(1.0));
        r.tail_extra_share = Some(constant(0.5));
    }
    let s = run_and_check(&spec.to_toml(), &[]);
    for st in ["s0", "s1", "s2"] {
        for metric in ["build_weeks", "build_cost", "war_room_weeks"] {
            assert_eq!(stat(&s, st, metric, "std_dev"), 0.0, "{st} {metric}");
            assert_eq!(
                stat(&s, st, metric, "min"),
                stat(&s, st, metric, "max"),
                "{st} {metric}"
            );
        }
    }
}

#[test]
fn governance_of_exactly_zero_and_one_runs_with_the_curve_ends() {
    let mut spec = Spec::baseline(4, 3, 2000);
    for (i, st) in spec.strategies.iter_mut().enumerate() {
        st.governance = if i % 2 == 0 { 0.0 } else { 1.0 };
        st.vendor_seam = true;
        st.responsibility_matrix = i >= 2;
        st.api_failure_rate = curve(2.0, 0.0, 3.0);
        st.headroom_sigma = curve(1.0, 0.0, 0.5);
    }
    spec.war_room_weeks = curve(52.0, 0.0, 1.0);
    let s = run_and_check(&spec.to_toml(), &[]);
    // g = 1: the curve's g1 end, no API failures and no war room.
    assert_eq!(stat(&s, "s1", "api_failures", "max"), 0.0);
    assert_eq!(stat(&s, "s1", "war_room_weeks", "max"), 0.0);
    assert!(stat(&s, "s0", "war_room_weeks", "mean") > 30.0);
    assert!(stat(&s, "s0", "api_failures", "mean") > 0.5);
}

#[test]
fn fifty_strategies_and_two_hundred_risks_run_with_every_pair_compared() {
    let mut spec = Spec::baseline(50, 200, 2000);
    // Some risks name every strategy with a probability of its own.
    let ids: Vec<String> = spec.strategies.iter().map(|s| s.id.clone()).collect();
    for (i, r) in spec
        .risks
        .iter_mut()
        .enumerate()
        .filter(|(i, _)| i % 10 == 0)
    {
        let per: Vec<String> = ids
            .iter()
            .enumerate()
            .map(|(j, id)| format!("{id} = {}", num(((i + j) % 10) as f64 / 20.0)))
            .collect();
        r.probability = format!("{{ {} }}", per.join(", "));
    }
    let start = Instant::now();
    let s = run_and_check(&spec.to_toml(), &[]);
    println!(
        "50 strategies x 200 risks x 2000 trials: {:?}",
        start.elapsed()
    );
    assert_eq!(s.len(), 50 * 19, "one summary row per strategy and metric");
}

/// A run takes minutes; in that time another run may finish into the same folder,
/// or the user may create it. The check made when the run began is made again
/// before the swap: without --force a result that appeared is kept (and this run
/// says it was not written), and a folder that is not a run folder is never
/// replaced, even with --force.
#[test]
fn a_result_or_folder_that_appears_at_the_destination_during_a_run_is_never_replaced() {
    // Without --force: another run's result appeared.
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let dest = tmp.path().join("run");
    let staging = Staging::begin(&dest, false).expect("staging");
    staging
        .write("summary.csv", b"a,b\n1,2\n")
        .expect("a write");
    let before = earlier_result(tmp.path());
    let err = staging.commit().expect_err("a result appeared");
    assert!(
        err.to_string().contains("another result appeared there"),
        "{err}"
    );
    assert!(snapshot(&dest) == before, "the other result changed");
    assert_eq!(leftovers(tmp.path()), Vec::<String>::new());

    // With --force: an earlier result was there, and the user replaced it with a
    // folder of their own while the run worked.
    let staging = Staging::begin(&dest, true).expect("staging");
    staging
        .write("summary.csv", b"a,b\n1,2\n")
        .expect("a write");
    std::fs::remove_dir_all(&dest).expect("remove the earlier result");
    std::fs::create_dir(&dest).expect("a folder of the user's");
    std::fs::write(dest.join("notes.txt"), b"precious").expect("a file of the user's");
    let err = staging.commit().expect_err("not a run folder");
    assert!(
        err.to_string().contains("not a tradeoff-sim run folder"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(dest.join("notes.txt")).expect("the user's file"),
        b"precious"
    );
    assert_eq!(leftovers(tmp.path()), Vec::<String>::new());
}

/// Two runs started at once into the same new folder: one writes its result, the
/// other fails with exit 1 and leaves it alone; neither leaves a temporary file.
#[test]
fn two_runs_into_the_same_new_folder_do_not_overwrite_each_other() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let start = |seed_value: &str| {
        binary()
            .args(["run", &seed(), "--trials", "20000", "--charts", "none"])
            .args(["--seed", seed_value, "--out", "run"])
            .current_dir(tmp.path())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary starts")
    };
    let (a, b) = (start("1"), start("2"));
    let (a, b) = (
        a.wait_with_output().expect("a ends"),
        b.wait_with_output().expect("b ends"),
    );
    let mut codes = [a.status.code(), b.status.code()];
    codes.sort();
    assert_eq!(
        codes,
        [Some(0), Some(1)],
        "stderr a:\n{}\nstderr b:\n{}",
        stderr(&a),
        stderr(&b)
    );
    let winner = if a.status.success() { "1" } else { "2" };
    let manifest = std::fs::read_to_string(tmp.path().join("run").join("manifest.json"))
        .expect("the winner's manifest");
    assert!(
        manifest.contains(&format!("\"seed\": {winner},")),
        "the result is the run that reported success"
    );
    assert_eq!(leftovers(tmp.path()), Vec::<String>::new());
}

#[test]
fn ctrl_c_during_chart_exits_130_before_the_next_chart_leaving_no_temporary_file() {
    // Long labels (each strategy's 900 characters of words, which the charts wrap
    // and cut) make the sixteen charts take seconds, so the signal comes mid-way.
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let o = run_in(
        tmp.path(),
        &[
            "run",
            &seed(),
            "--trials",
            "2000",
            "--charts",
            "none",
            "--out",
            "run",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let manifest = tmp.path().join("run/manifest.json");
    let mut m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&manifest).expect("a manifest")).expect("JSON");
    for s in m["strategies"].as_array_mut().expect("strategies") {
        s["label"] = "word ".repeat(180).into();
    }
    std::fs::write(&manifest, serde_json::to_vec_pretty(&m).expect("JSON")).expect("written");

    let mut child = binary()
        .args(["chart", "run", "--charts", "both"])
        .current_dir(tmp.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let charts = tmp.path().join("run/charts");
    let start = Instant::now();
    while !charts.join("total_cost.png").exists() {
        assert!(start.elapsed() < Duration::from_secs(30), "no chart drawn");
        assert!(
            child.try_wait().expect("a child").is_none(),
            "chart ended before it could be interrupted"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    let pid = i32::try_from(child.id()).expect("a pid fits in i32");
    let sent = Instant::now();
    // SAFETY: kill(2) on our own child's pid; no memory is shared.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0, "kill failed");
    let status = wait_with_timeout(&mut child, Duration::from_secs(10)).unwrap_or_else(|| {
        let _ = child.kill();
        panic!("chart did not end within 10 s of Ctrl-C")
    });
    assert_eq!(status.code(), Some(130), "chart exits 130 on Ctrl-C");
    assert!(
        sent.elapsed() < Duration::from_secs(2),
        "ended {:?} after Ctrl-C",
        sent.elapsed()
    );
    assert_eq!(
        leftovers(tmp.path()),
        Vec::<String>::new(),
        "temporary files left"
    );
    assert!(
        std::fs::read_dir(&charts).expect("charts/").count() < 16,
        "it stopped before drawing every chart"
    );
}

#[test]
fn a_huge_target_that_validate_accepts_runs_and_draws_its_charts_without_a_panic() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    for (i, target) in ["1e200", "1e308", "1e-300"].into_iter().enumerate() {
        let set = format!("build.target_weeks={target}");
        let v = run_in(tmp.path(), &["validate", &seed(), "--set", &set]);
        assert!(v.status.success(), "{target}: validate: {}", stderr(&v));
        let out = format!("run{i}");
        let o = run_in(
            tmp.path(),
            &[
                "run",
                &seed(),
                "--trials",
                "2000",
                "--set",
                &set,
                "--out",
                &out,
            ],
        );
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(0), "{target}: {err}");
        assert!(!err.contains("panicked"), "{target}: {err}");
        assert!(
            tmp.path()
                .join(&out)
                .join("charts/build_weeks_s_curve.svg")
                .is_file()
        );
    }
}

#[test]
fn every_test_this_page_names_exists() {
    // docs/reliability.md ties each promise to tests named `file::test`: a test
    // renamed or removed must not leave a promise pointing at nothing.
    let page = std::fs::read_to_string(crate::common::root().join("docs/reliability.md"))
        .expect("docs/reliability.md");
    // The lists: from `*Tests:*` (or `*Test:*`) to the last line of names after it.
    let mut lists = String::new();
    let mut in_list = false;
    for line in page.lines() {
        in_list = line.contains("*Test") || (in_list && line.trim_start().starts_with('`'));
        if in_list {
            lists.push_str(line);
            lists.push('\n');
        }
    }
    let mut named = 0;
    for quoted in lists.split('`').skip(1).step_by(2) {
        let Some((file, test)) = quoted.split_once("::") else {
            continue;
        };
        if !file.chars().all(|c| c.is_ascii_lowercase() || c == '_')
            || !test
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            continue;
        }
        let source = crate::common::root().join(format!("tests/it/{file}.rs"));
        let text = std::fs::read_to_string(&source)
            .unwrap_or_else(|e| panic!("`{quoted}`: no {}: {e}", source.display()));
        let defined = text.lines().any(|l| {
            l.trim_start()
                .strip_prefix("fn ")
                .and_then(|rest| rest.strip_prefix(test))
                .is_some_and(|rest| rest.starts_with('('))
        });
        assert!(
            defined,
            "docs/reliability.md names `{quoted}`, which does not exist"
        );
        named += 1;
    }
    assert!(named >= 30, "the page names its tests ({named} found)");
}
