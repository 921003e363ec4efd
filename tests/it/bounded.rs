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
