//! Nothing hangs and nothing grows without bound: a scenario read from a pipe
//! that never ends, validation of a file full of problems, the work of one trial,
//! and what `sweep` and `sensitivity` would hold, each either ends promptly on
//! Ctrl-C or SIGTERM (exit 130) or is refused at once (exit 2) naming the limit.
//!
//! Where a test is about time, it is set so that the defect (a quadratic, a
//! blocked read) would take minutes while the bounded behaviour takes well under
//! a second, and it allows several seconds: a slow machine does not fail it.

use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::common::{run_in, scenario, stderr};

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

fn make_fifo(path: &Path) {
    let c_path = std::ffi::CString::new(path.to_str().expect("utf-8 path")).expect("no NUL");
    // SAFETY: a valid NUL-terminated path and a plain mode.
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0, "mkfifo");
}

/// Starts `tradeoff-sim <args>` reading the FIFO `fifo` whose writer sends half a
/// scenario and then neither writes nor closes; sends `signal` after `delay` and
/// returns the exit status and how long the binary took to end after the signal.
fn signal_a_read_of_a_pipe_that_never_closes(
    dir: &Path,
    args: &[&str],
    signal: i32,
    writer_opens: bool,
) -> (ExitStatus, Duration) {
    let fifo = dir.join("never-closes.toml");
    make_fifo(&fifo);
    let (release, held) = std::sync::mpsc::channel::<()>();
    let writer = writer_opens.then(|| {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            // Blocks until the binary opens the pipe, then holds it open.
            let mut pipe = std::fs::OpenOptions::new()
                .write(true)
                .open(&fifo)
                .expect("open the FIFO for writing");
            let _ = pipe.write_all(b"title = \"half a scenario\"\ntrials = 1000\n");
            let _ = held.recv_timeout(Duration::from_secs(30));
        })
    });
    let mut child = Command::new(env!("CARGO_BIN_EXE_tradeoff-sim"))
        .args(args)
        .arg(&fifo)
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    std::thread::sleep(Duration::from_millis(400));
    assert!(
        child.try_wait().expect("a child").is_none(),
        "the binary ended before the signal, though the pipe never closed"
    );
    let pid = i32::try_from(child.id()).expect("a pid fits in i32");
    let sent = Instant::now();
    // SAFETY: kill(2) on our own child's pid; no memory is shared.
    assert_eq!(unsafe { libc::kill(pid, signal) }, 0, "kill failed");
    let status = wait_with_timeout(&mut child, Duration::from_secs(5));
    let latency = sent.elapsed();
    let _ = child.kill();
    let _ = child.wait();
    let _ = release.send(());
    if let Some(writer) = writer {
        let _ = writer.join();
    }
    (
        status.expect("the binary ended within 5 s of the signal"),
        latency,
    )
}

#[test]
fn sigterm_ends_a_validate_waiting_on_a_pipe_whose_writer_never_closes_with_exit_130() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let (status, latency) =
        signal_a_read_of_a_pipe_that_never_closes(tmp.path(), &["validate"], libc::SIGTERM, true);
    assert_eq!(status.code(), Some(130), "exit code");
    assert!(latency < Duration::from_secs(1), "ended {latency:?} after");
}

#[test]
fn ctrl_c_ends_a_run_waiting_for_a_pipe_nobody_opens_with_exit_130_and_writes_nothing() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let (status, latency) = signal_a_read_of_a_pipe_that_never_closes(
        tmp.path(),
        &["run", "--out", "result"],
        libc::SIGINT,
        false,
    );
    assert_eq!(status.code(), Some(130), "exit code");
    assert!(latency < Duration::from_secs(1), "ended {latency:?} after");
    assert!(!tmp.path().join("result").exists(), "nothing written");
    assert!(!tmp.path().join("output").exists(), "nothing written");
}

#[test]
fn a_scenario_from_a_pipe_that_closes_is_still_read_whole() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let fifo = tmp.path().join("piped.toml");
    make_fifo(&fifo);
    let text = std::fs::read(scenario("seed.toml")).expect("seed.toml");
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::write(&fifo, text))
    };
    let o = run_in(tmp.path(), &["validate", fifo.to_str().expect("utf-8")]);
    writer.join().expect("writer").expect("written");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// Time allowed to refuse a file of many problems: linear validation takes well
/// under a second on these sizes, the quadratic one took minutes.
const REFUSED_WITHIN: Duration = Duration::from_secs(15);

/// `validate` on `text` in a fresh folder: its stderr, after checking exit 2,
/// that it took under [`REFUSED_WITHIN`] and that it printed at most the shown
/// problems plus their count.
fn refused_quickly(name: &str, text: &str) -> String {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let path = tmp.path().join(name);
    std::fs::write(&path, text).expect("write the scenario");
    let started = Instant::now();
    let o = run_in(tmp.path(), &["validate", path.to_str().expect("utf-8")]);
    let elapsed = started.elapsed();
    let err = stderr(&o);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{name}: {}",
        &err[..err.len().min(2000)]
    );
    assert!(
        elapsed < REFUSED_WITHIN,
        "{name}: refused after {elapsed:?}; at most {REFUSED_WITHIN:?}"
    );
    assert!(
        err.lines().count() <= tradeoff_sim::scenario::MAX_SHOWN_PROBLEMS + 2,
        "{name}: {} lines of problems printed",
        err.lines().count()
    );
    err
}

fn seed_text() -> String {
    std::fs::read_to_string(scenario("seed.toml")).expect("seed.toml")
}

#[test]
fn a_file_of_200000_unknown_keys_is_refused_in_time_linear_in_its_size_showing_the_first_hundred() {
    // 20,000 unknown keys took 4.8 s when each problem was located from the start
    // of the file; 200,000 would take minutes.
    let keys: String = (0..200_000).map(|i| format!("zz{i} = 1\n")).collect();
    let text = seed_text().replacen("[build]\n", &format!("[build]\n{keys}"), 1);
    let err = refused_quickly("unknown.toml", &text);
    assert!(err.contains("build.zz0: unknown key"), "{}", &err[..500]);
    assert!(
        err.contains("... and 199900 more not shown"),
        "{}",
        err.lines().rev().take(2).collect::<Vec<_>>().join("\n")
    );
    assert!(
        err.contains("200000 problems in"),
        "every problem is counted"
    );
}

#[test]
fn a_file_of_100000_duplicate_keys_is_refused_in_time_linear_in_its_size() {
    // Each duplicate looked up its table and its first line from the start of
    // the file: 20,000 took 11 s.
    let keys: String = (0..100_000).map(|i| format!("zz{} = 1\n", i % 2)).collect();
    let text = seed_text().replacen("[build]\n", &format!("[build]\n{keys}"), 1);
    let err = refused_quickly("duplicates.toml", &text);
    let first = seed_text()
        .lines()
        .position(|l| l == "[build]")
        .expect("[build]")
        + 2;
    assert!(
        err.contains(&format!(
            "build.zz0: duplicate key: already set on line {first};"
        )),
        "{}",
        &err[..err.len().min(800)]
    );
}

#[test]
fn more_risks_strategies_or_claims_than_allowed_are_refused_at_once_before_any_is_read() {
    let seed = seed_text();
    let risks: String = (0..150_000)
        .map(|i| format!("[[risks]]\nname = \"r{i}\"\nprobability = 0.1\ndelay_weeks = 1\n"))
        .collect();
    let err = refused_quickly("risks.toml", &format!("{seed}{risks}"));
    assert!(
        err.contains("risks: at most 1000 risks, got 150004"),
        "{err}"
    );
    assert!(
        err.contains("1 problem in"),
        "only the count is reported: {err}"
    );

    let strategies: String = (0..30_000)
        .map(|i| format!("[strategies.s{i}]\ngovernance = 0.5\n"))
        .collect();
    let err = refused_quickly("strategies.toml", &format!("{seed}{strategies}"));
    assert!(
        err.contains("strategies: at most 64 strategies, got 30005"),
        "{err}"
    );
    assert!(
        err.contains("1 problem in"),
        "only the count is reported: {err}"
    );

    let claims: String = (0..20_000)
        .map(|i| format!("[[claims]]\nid = \"c{i}\"\n"))
        .collect();
    let err = refused_quickly("claims.toml", &format!("{seed}{claims}"));
    let total = 20_000 + seed.matches("[[claims]]").count();
    assert!(
        err.contains(&format!("claims: at most 1000 claims, got {total}")),
        "{err}"
    );
}

/// `seed.toml` with its first strategy's API failure rate set to `rate` and one
/// risk more that multiplies API failures by `multiplier` with `probability`.
fn seed_with_api_failures(rate: &str, multiplier: f64, probability: f64) -> String {
    let seed = seed_text();
    let at = "api_failure_rate = 0.37";
    assert!(seed.contains(at));
    format!(
        "{}\n[[risks]]\nname = \"API storm\"\nprobability = {probability}\napi_failure_multiplier = {multiplier}\n",
        seed.replacen(at, &format!("api_failure_rate = {rate}"), 1)
    )
}

#[test]
fn a_strategy_expecting_more_events_per_trial_than_any_project_is_refused_with_the_figures() {
    // The review's case: a rate of 1e4 and a certain risk multiplying it by 1e4
    // asked 1e8 incidents of every trial, and `validate` ran for hours.
    let err = refused_quickly("storm.toml", &seed_with_api_failures("1e4", 1e4, 1.0));
    assert!(
        err.contains(
            "strategies.backend_led.api_failure_rate: one trial of this strategy would expect"
        ),
        "{err}"
    );
    assert!(err.contains("above the 1000 one trial may hold"), "{err}");
    assert!(
        err.contains("risks[4] \"API storm\" x 10000 with probability 1"),
        "{err}"
    );

    // Hand-computed: seed.toml's horizon is its rate window (26 weeks), so the
    // horizon's share of a rate is 1; backend_led's other_fix_rate is 5.8, surges
    // 1.0 per window, and risks[0] multiplies its API failures by 1.3 with
    // probability 0.15: a mean factor of 1 + 0.15 x 0.3 = 1.045. Each risk is drawn
    // on its own, so the mean of the product is the product of the means. A rate of
    // 200 with a certain risk x 4 expects 200 x 1.045 x 4 + 5.8 + 1 = 842.8 events:
    // allowed. x 5 expects 1045 + 6.8 = 1051.8: refused.
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let path = tmp.path().join("fine.toml");
    std::fs::write(&path, seed_with_api_failures("200", 4.0, 1.0)).expect("write");
    let o = run_in(tmp.path(), &["validate", path.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = refused_quickly("over.toml", &seed_with_api_failures("200", 5.0, 1.0));
    assert!(
        err.contains("would expect 1051.8 events on average"),
        "{err}"
    );
    assert!(
        err.contains(
            "1045 API failures (api_failure_rate 200 x 1 for the horizon x 5.225 on average"
        ),
        "{err}"
    );
    // A rare risk weighs by its probability: x 1e4 at probability 1e-3 is a mean
    // factor of 1 + 1e-3 x 9999 = 10.999, so a rate of 80 expects
    // 80 x 1.045 x 10.999 + 6.8 = 926.3: allowed.
    let path = tmp.path().join("rare.toml");
    std::fs::write(&path, seed_with_api_failures("80", 1e4, 1e-3)).expect("write");
    let o = run_in(tmp.path(), &["validate", path.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // A risk that cannot occur for the strategy raises nothing.
    let path = tmp.path().join("never.toml");
    std::fs::write(&path, seed_with_api_failures("200", 1e4, 0.0)).expect("write");
    let o = run_in(tmp.path(), &["validate", path.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn a_sweep_of_more_points_than_allowed_is_refused_at_once_before_any_value_is_read() {
    // Every one of 1,000 values was read and checked (10 s) before the count was.
    let values: Vec<String> = (0..1000)
        .map(|i| format!("{}", 0.1 + i as f64 * 1e-4))
        .collect();
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let param = format!("strategies.ux_led.governance={}", values.join(","));
    let started = Instant::now();
    let o = run_in(
        tmp.path(),
        &[
            "sweep",
            scenario("seed.toml").to_str().expect("utf-8"),
            "--param",
            &param,
            "--out",
            "sweep",
        ],
    );
    let elapsed = started.elapsed();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains(
            "the sweep has 1000 points (1000 values of strategies.ux_led.governance); at most 400"
        ),
        "{err}"
    );
    assert!(
        elapsed < Duration::from_secs(2),
        "refused after {elapsed:?}"
    );
    assert!(!tmp.path().join("sweep").exists(), "nothing written");
}
