//! The output folder, end to end: what `--force` may replace (only a folder
//! tradeoff-sim wrote, and nothing in it that tradeoff-sim did not write), an
//! `--out` that is a symbolic link or the current folder, staging folders left by
//! killed runs, and the default folder of a scenario read from a pipe.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::common::{assert_success, listing, run_in, scenario, stderr};

/// `run scenarios/seed.toml --trials 1000 --charts none --out OUT ...extra` in `dir`.
fn run_seed(dir: &Path, out: &str, extra: &[&str]) -> Output {
    let seed = scenario("seed.toml").display().to_string();
    let mut args = vec![
        "run", &seed, "--trials", "1000", "--charts", "none", "--out", out,
    ];
    args.extend_from_slice(extra);
    run_in(dir, &args)
}

/// Every file under `dir` (relative path) with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut todo = vec![PathBuf::new()];
    while let Some(rel) = todo.pop() {
        for entry in std::fs::read_dir(dir.join(&rel)).expect("a readable folder") {
            let entry = entry.expect("an entry");
            let path = rel.join(entry.file_name());
            if entry.file_type().expect("a type").is_dir() {
                todo.push(path);
            } else {
                files.insert(path.clone(), std::fs::read(dir.join(&path)).expect("bytes"));
            }
        }
    }
    files
}

/// A run of the seed (seed 1) in `dir/run`, its charts drawn in both formats;
/// returns the run folder.
fn run_with_charts(dir: &Path) -> PathBuf {
    assert_success(&run_seed(dir, "run", &["--seed", "1"]), "first run");
    assert_success(&run_in(dir, &["chart", "run", "--charts", "both"]), "chart");
    dir.join("run")
}

fn manifest(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).expect("manifest.json"))
        .expect("manifest.json is JSON")
}

#[test]
fn force_refuses_a_run_folder_holding_files_tradeoff_sim_did_not_write_and_names_them() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let out = tmp.path().join("run");
    assert_success(&run_seed(tmp.path(), "run", &["--seed", "1"]), "first run");
    std::fs::write(out.join("NOTES.md"), "my notes on this run").expect("a note");
    std::fs::create_dir(out.join("data")).expect("a folder");
    std::fs::write(out.join("data/raw.csv"), "a,b\n").expect("a data file");
    let before = snapshot(&out);

    let o = run_seed(tmp.path(), "run", &["--seed", "2", "--force"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "refused; stderr:\n{err}");
    for needle in ["run: ", "NOTES.md", "data/", "did not write"] {
        assert!(err.contains(needle), "the message says {needle:?}:\n{err}");
    }
    assert!(snapshot(&out) == before, "nothing in the folder changed");
    assert_eq!(listing(tmp.path()), ["run"], "nothing left beside it");
}

#[test]
fn force_refuses_a_folder_whose_manifest_json_tradeoff_sim_did_not_write() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let out = tmp.path().join("web-app");
    std::fs::create_dir(&out).expect("a folder");
    std::fs::write(
        out.join("manifest.json"),
        r#"{"name": "my-app", "version": "1.0.0"}"#,
    )
    .expect("another tool's manifest");
    std::fs::write(out.join("summary.csv"), "my own summary\n").expect("a file");
    let before = snapshot(&out);

    let o = run_seed(tmp.path(), "web-app", &["--force"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "refused; stderr:\n{err}");
    assert!(
        err.contains("not a tradeoff-sim run folder") && err.contains("\"tool\""),
        "the message says why:\n{err}"
    );
    assert!(snapshot(&out) == before, "nothing in the folder changed");
    assert_eq!(listing(tmp.path()), ["web-app"], "nothing left beside it");
}

#[test]
fn force_replaces_a_run_folder_with_charts_and_a_nested_check_it_wrote_itself() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let out = tmp.path().join("run");
    let o = run_seed(tmp.path(), "run", &["--seed", "1", "--trials-csv"]);
    assert_success(&o, "first run");
    let check = scenario("seed.toml").display().to_string();
    let o = run_in(
        tmp.path(),
        &["check", &check, "--trials", "1000", "--out", "run/check"],
    );
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "check ran: {}",
        stderr(&o)
    );
    // Charts drawn afterwards by `tradeoff-sim chart` count as the run's own too.
    let o = run_in(tmp.path(), &["chart", "run", "--charts", "svg"]);
    assert_success(&o, "chart");

    let o = run_seed(tmp.path(), "run", &["--seed", "2", "--force"]);
    assert_success(&o, "run --force over its own folder");
    assert_eq!(manifest(&out)["seed"], 2, "the new result is in place");
    assert!(
        !out.join("trials.csv").exists(),
        "the earlier result's files are gone"
    );
    assert!(
        out.join("check/claims.csv").is_file(),
        "the nested check is kept"
    );
}

#[test]
fn force_through_a_symlink_replaces_the_result_in_the_folder_it_points_to_and_keeps_the_link() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let runs = tmp.path().join("runs");
    std::fs::create_dir(&runs).expect("a folder");
    assert_success(
        &run_seed(tmp.path(), "runs/seed", &["--seed", "1"]),
        "first run",
    );
    let link = tmp.path().join("latest");
    std::os::unix::fs::symlink("runs/seed", &link).expect("a symbolic link");

    let o = run_seed(tmp.path(), "latest", &["--seed", "2", "--force"]);
    assert_success(&o, "run --force through the link");
    assert!(
        std::fs::symlink_metadata(&link)
            .expect("the link")
            .file_type()
            .is_symlink(),
        "the link is still a link"
    );
    assert_eq!(
        std::fs::read_link(&link).expect("its target"),
        Path::new("runs/seed")
    );
    assert_eq!(
        manifest(&runs.join("seed"))["seed"],
        2,
        "the target holds the new result"
    );
    assert_eq!(listing(&runs), ["seed"], "nothing left beside the target");
    assert_eq!(listing(tmp.path()), ["latest", "runs"]);
}

#[test]
fn a_symlink_to_a_missing_folder_is_refused_and_left_as_it_is() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let link = tmp.path().join("latest");
    std::os::unix::fs::symlink("runs/seed", &link).expect("a symbolic link");
    for extra in [&[][..], &["--force"][..]] {
        let o = run_seed(tmp.path(), "latest", extra);
        let err = stderr(&o);
        assert_eq!(
            o.status.code(),
            Some(1),
            "{extra:?}: refused; stderr:\n{err}"
        );
        assert!(
            err.contains("symbolic link") && err.contains("runs/seed"),
            "{extra:?}: the message says where the link points:\n{err}"
        );
        assert_eq!(
            listing(tmp.path()),
            ["latest"],
            "{extra:?}: nothing written"
        );
        assert_eq!(
            std::fs::read_link(&link).expect("the link"),
            Path::new("runs/seed")
        );
    }
}

#[test]
fn out_dot_writes_into_an_empty_current_folder_and_force_replaces_that_result_in_place() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let here = tmp.path().join("here");
    std::fs::create_dir(&here).expect("a folder");

    let seed = scenario("seed.toml").display().to_string();
    let o = run_in(
        &here,
        &[
            "run",
            &seed,
            "--trials",
            "1000",
            "--out",
            ".",
            "--seed",
            "1",
            "--trials-csv",
            "--charts",
            "svg",
        ],
    );
    assert_success(&o, "run --out . in an empty folder");
    let first = snapshot(&here);
    assert!(
        first.contains_key(Path::new("summary.csv"))
            && first.contains_key(Path::new("trials.csv"))
            && first.keys().any(|p| p.starts_with("charts")),
        "the whole result is there: {:?}",
        first.keys()
    );
    assert_eq!(manifest(&here)["seed"], 1);
    assert!(
        listing(&here).iter().all(|n| !n.starts_with('.')),
        "no staging folder or temporary file left: {:?}",
        listing(&here)
    );

    let o = run_seed(&here, ".", &["--seed", "2"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "refused without --force: {}",
        stderr(&o)
    );
    assert!(snapshot(&here) == first, "the earlier result is untouched");

    let o = run_seed(&here, ".", &["--seed", "2", "--force"]);
    assert_success(&o, "run --out . --force over a run folder");
    assert_eq!(manifest(&here)["seed"], 2, "the new result is in place");
    assert_ne!(
        std::fs::read(here.join("summary.csv")).expect("summary.csv"),
        first[Path::new("summary.csv")],
        "summary.csv is the new run's"
    );
    assert!(
        !here.join("trials.csv").exists() && !here.join("charts").exists(),
        "the earlier result's trials.csv and charts are gone (this run has neither)"
    );
    assert!(
        listing(&here).iter().all(|n| !n.starts_with('.')),
        "no staging folder or temporary file left: {:?}",
        listing(&here)
    );

    std::fs::write(here.join("NOTES.md"), "mine").expect("a note");
    let o = run_seed(&here, ".", &["--seed", "3", "--force"]);
    assert_eq!(o.status.code(), Some(1), "refused: {}", stderr(&o));
    assert!(stderr(&o).contains("NOTES.md"), "{}", stderr(&o));
    assert_eq!(manifest(&here)["seed"], 2, "the result is untouched");
}

/// A pid no process can have: Linux pids stay below pid_max, at most 2^22.
const DEAD_PID: u32 = 99_999_999;

#[test]
fn a_staging_folder_of_a_dead_run_is_removed_by_the_next_run_and_one_of_a_live_run_is_kept() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let dead = tmp.path().join(format!(".run.partial-{DEAD_PID}"));
    let live = tmp
        .path()
        .join(format!(".run.partial-{}", std::process::id()));
    for dir in [&dead, &live] {
        std::fs::create_dir(dir).expect("a staging folder");
        std::fs::write(dir.join("summary.csv"), "half").expect("a file");
    }
    assert_success(&run_seed(tmp.path(), "run", &[]), "run");
    assert!(!dead.exists(), "the dead run's staging folder is removed");
    assert!(
        live.join("summary.csv").is_file(),
        "the live run's staging folder is kept"
    );
}

#[test]
fn a_staging_folder_left_by_a_sigkilled_run_is_removed_by_the_next_run() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let seed = scenario("seed.toml").display().to_string();
    let mut child = Command::new(env!("CARGO_BIN_EXE_tradeoff-sim"))
        .args([
            "run",
            &seed,
            "--trials",
            "200000000",
            "--charts",
            "none",
            "--out",
            "run",
        ])
        .current_dir(tmp.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let staging = tmp.path().join(format!(".run.partial-{}", child.id()));
    let start = Instant::now();
    while !staging.exists() && start.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
    assert!(staging.exists(), "the killed run left its staging folder");

    assert_success(&run_seed(tmp.path(), "run", &[]), "the next run");
    assert_eq!(listing(tmp.path()), ["run"], "only the result is left");
}

/// `bash -c 'tradeoff-sim ARGS... <(cat FILE)'` in `dir`: the scenario arrives as
/// `/dev/fd/63`, a pipe, the way a shell's process substitution gives it.
fn run_from_process_substitution(dir: &Path, file: &Path, args: &str) -> Output {
    Command::new("bash")
        .arg("-c")
        .arg(format!("\"$0\" {args} <(cat \"$1\")"))
        .arg(env!("CARGO_BIN_EXE_tradeoff-sim"))
        .arg(file)
        .current_dir(dir)
        .output()
        .expect("bash runs")
}

#[test]
fn a_scenario_from_a_pipe_names_its_default_folder_after_its_title_not_the_descriptor() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let seed = std::fs::read_to_string(scenario("seed.toml")).expect("seed.toml");
    let (titled, untitled) = (
        tmp.path().join("titled.toml"),
        tmp.path().join("untitled.toml"),
    );
    let without_title: String = seed
        .lines()
        .filter(|l| !l.starts_with("title ="))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&untitled, &without_title).expect("write");
    std::fs::write(
        &titled,
        format!("title = \"Peak season: Q4 plan\"\n{without_title}"),
    )
    .expect("write");
    let work = tmp.path().join("work");
    std::fs::create_dir(&work).expect("a folder");

    let o = run_from_process_substitution(&work, &titled, "run --trials 1000 --charts none");
    assert_success(&o, "run <(cat titled.toml)");
    let o = run_from_process_substitution(&work, &untitled, "run --trials 1000 --charts none");
    assert_success(&o, "run <(cat untitled.toml)");
    let o = run_from_process_substitution(
        &work,
        &titled,
        "sweep --param strategies.hybrid.governance --values 0.2,0.8 --trials 500 --charts none",
    );
    assert_success(&o, "sweep <(cat titled.toml)");
    assert_eq!(
        listing(&work.join("output")),
        [
            "peak-season-q4-plan",
            "peak-season-q4-plan-sweep",
            "unnamed-scenario"
        ]
    );
    let summary = std::fs::read_to_string(work.join("output/peak-season-q4-plan/summary.csv"))
        .expect("summary.csv");
    assert!(
        summary
            .lines()
            .skip(1)
            .all(|l| l.starts_with("peak-season-q4-plan,")),
        "the scenario column is the same name"
    );
}

#[test]
fn a_killed_checks_staging_folder_inside_a_run_folder_does_not_block_run_force() {
    // `check` stages `output/<name>/check/` as `output/<name>/.check.partial-<pid>`.
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let out = tmp.path().join("run");
    assert_success(&run_seed(tmp.path(), "run", &["--seed", "1"]), "first run");
    let stale = out.join(format!(".check.partial-{DEAD_PID}"));
    std::fs::create_dir(&stale).expect("a staging folder");
    std::fs::write(stale.join("claims.csv"), "half").expect("a file");

    assert_success(
        &run_seed(tmp.path(), "run", &["--seed", "2", "--force"]),
        "run --force",
    );
    assert_eq!(manifest(&out)["seed"], 2, "the new result is in place");
    assert_eq!(listing(tmp.path()), ["run"], "nothing left beside it");
}

#[test]
fn an_earlier_result_a_killed_run_had_moved_aside_is_put_back_not_replaced() {
    // A run killed between moving the earlier result aside and moving its own in
    // leaves `.run.old-<pid>` and no `run`.
    let tmp = tempfile::tempdir().expect("a temporary folder");
    assert_success(&run_seed(tmp.path(), "run", &["--seed", "1"]), "first run");
    let before = snapshot(&tmp.path().join("run"));
    let aside = tmp.path().join(format!(".run.old-{DEAD_PID}"));
    std::fs::rename(tmp.path().join("run"), &aside).expect("move aside");

    let o = run_seed(tmp.path(), "run", &["--seed", "2"]);
    assert_eq!(o.status.code(), Some(1), "refused: {}", stderr(&o));
    assert!(stderr(&o).contains("pass --force"), "{}", stderr(&o));
    assert!(
        snapshot(&tmp.path().join("run")) == before,
        "the earlier result is back"
    );
    assert_eq!(listing(tmp.path()), ["run"]);
}

#[test]
fn force_keeps_a_users_hidden_file_whose_name_ends_in_tmp_and_refuses_instead() {
    // Only `.<file>.tmp-<pid>` and `.<file>.<pid>.tmp` of a file tradeoff-sim writes are its
    // own temporary files; a user's `.draft.tmp` merely looks like one and must not be deleted.
    for (folder, name) in [
        ("", ".draft.tmp"),
        ("", ".notes.tmp-old"),
        ("", ".summary.csv.tmp-mine"),
        ("charts", ".sketch.tmp"),
        ("charts", ".idea.12.tmp"),
        ("charts", ".total_cost.png.tmp"),
    ] {
        let tmp = tempfile::tempdir().expect("a temporary folder");
        let out = tmp.path().join("run");
        assert_success(&run_seed(tmp.path(), "run", &[]), "first run");
        std::fs::create_dir_all(out.join(folder)).expect("the folder");
        let path = out.join(folder).join(name);
        std::fs::write(&path, "mine").expect("a user's file");
        let before = snapshot(&out);

        let o = run_seed(tmp.path(), "run", &["--seed", "2", "--force"]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{name} refused; stderr:\n{err}");
        assert!(err.contains(name), "the message names {name}:\n{err}");
        assert!(
            snapshot(&out) == before,
            "{name}: nothing in the folder changed"
        );
    }
}

#[test]
fn compare_reads_each_scenario_from_a_pipe_once() {
    // compare checked every file, then read it again to run it: a pipe is empty the second
    // time, so `compare <(cat seed.toml) <(cat reference.toml)` failed with "missing" keys.
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let o = Command::new("bash")
        .arg("-c")
        .arg("\"$0\" compare <(cat \"$1\") <(cat \"$2\") --trials 500 --charts none")
        .arg(env!("CARGO_BIN_EXE_tradeoff-sim"))
        .arg(scenario("seed.toml"))
        .arg(scenario("reference.toml"))
        .current_dir(tmp.path())
        .output()
        .expect("bash runs");
    assert_success(&o, "compare <(cat seed.toml) <(cat reference.toml)");
    let folder = tmp
        .path()
        .join("output")
        .join("compare-seed-article-backend-led-vs-ux-led-vs-hybrid-vs-reference-published-ranges");
    assert!(
        folder.join("compare.csv").is_file(),
        "wrote {}: {:?}",
        folder.display(),
        listing(&tmp.path().join("output"))
    );
}

#[test]
fn run_force_keeps_the_staging_folder_of_a_live_check_inside_it_where_that_check_writes() {
    // A `check` running into `run/check/` stages in `run/.check.partial-<pid>`. A `run
    // --force` of `run` meanwhile used to delete that folder with the earlier result, and
    // the check, minutes in, failed with "cannot create file: No such file or directory".
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let out = tmp.path().join("run");
    assert_success(&run_seed(tmp.path(), "run", &["--seed", "1"]), "first run");
    let mut live = Command::new("sleep")
        .arg("60")
        .spawn()
        .expect("a live process");
    let staging = format!(".check.partial-{}", live.id());
    std::fs::create_dir(out.join(&staging)).expect("a staging folder");
    std::fs::write(out.join(&staging).join("claims.csv"), "being written").expect("a file");

    let o = run_seed(tmp.path(), "run", &["--seed", "2", "--force"]);
    let kept = std::fs::read_to_string(out.join(&staging).join("claims.csv"));
    let _ = live.kill();
    let _ = live.wait();
    assert_success(&o, "run --force");
    assert_eq!(manifest(&out)["seed"], 2, "the new result is in place");
    assert_eq!(
        kept.ok().as_deref(),
        Some("being written"),
        "the live check's staging folder is where the check writes"
    );
    assert_eq!(listing(tmp.path()), ["run"], "nothing left beside it");
}

#[test]
fn a_folder_under_a_symlink_to_a_missing_folder_is_refused_naming_the_link() {
    // `--out latest/run` with `latest -> runs/seed` missing said only "cannot create the
    // output folder: File exists".
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let link = tmp.path().join("latest");
    std::os::unix::fs::symlink("runs/seed", &link).expect("a symbolic link");
    let o = run_seed(tmp.path(), "latest/run", &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "refused; stderr:\n{err}");
    assert!(
        err.contains("latest: is a symbolic link to runs/seed, which does not exist"),
        "the message says where the link points:\n{err}"
    );
    assert_eq!(listing(tmp.path()), ["latest"], "nothing written");
}

/// Two runs publishing into one folder at once take turns: a run publishes only
/// under an exclusive lock on the folder it publishes in, so while another holder
/// (here the test) has that lock, the earlier result stays whole and untouched,
/// and the run publishes as soon as the lock is released.
#[test]
fn a_run_publishes_only_while_it_holds_the_folders_lock_so_concurrent_runs_never_mix() {
    let tmp = tempfile::tempdir().unwrap();
    let here = tmp.path();
    assert_success(&run_seed(here, ".", &["--seed", "1"]), "first run");
    let before = snapshot(here);
    let holder = std::fs::File::open(here).unwrap();
    holder.lock().unwrap();
    let seed = scenario("seed.toml").display().to_string();
    let mut child = Command::new(env!("CARGO_BIN_EXE_tradeoff-sim"))
        .args([
            "run", &seed, "--trials", "1000", "--charts", "none", "--out", ".", "--force",
            "--seed", "2",
        ])
        .current_dir(here)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Long enough for 1,000 trials to be simulated and staged many times over.
    std::thread::sleep(Duration::from_millis(1500));
    assert!(
        child.try_wait().unwrap().is_none(),
        "the run finished while another held the folder's lock"
    );
    let visible = |s: &BTreeMap<PathBuf, Vec<u8>>| -> BTreeMap<PathBuf, Vec<u8>> {
        s.iter()
            .filter(|(p, _)| !p.to_string_lossy().starts_with('.'))
            .map(|(p, b)| (p.clone(), b.clone()))
            .collect()
    };
    assert_eq!(visible(&snapshot(here)), visible(&before));
    holder.unlock().unwrap();
    let status = child.wait().unwrap();
    assert!(status.success());
    assert_eq!(manifest(here)["seed"], 2);
}

#[test]
fn a_check_left_in_the_result_a_killed_force_run_moved_aside_is_moved_into_the_new_result_not_deleted()
 {
    // `run --force` killed (SIGKILL) just after it swapped its result in leaves the
    // earlier result, with the `check/` stored in it, in `.run.old-<pid>`. The next
    // run to that folder, even one refused for lack of --force, finishes the swap.
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let out = tmp.path().join("run");
    assert_success(&run_seed(tmp.path(), "run", &["--seed", "1"]), "first run");
    let seed = scenario("seed.toml").display().to_string();
    let o = run_in(
        tmp.path(),
        &["check", &seed, "--trials", "1000", "--out", "run/check"],
    );
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
    let check = snapshot(&out.join("check"));
    assert_success(&run_seed(tmp.path(), "new", &["--seed", "2"]), "second run");
    let aside = tmp.path().join(format!(".run.old-{DEAD_PID}"));
    std::fs::rename(&out, &aside).expect("the earlier result moved aside");
    std::fs::rename(tmp.path().join("new"), &out).expect("the new result swapped in");

    let o = run_seed(tmp.path(), "run", &["--seed", "3"]);
    assert_eq!(o.status.code(), Some(1), "refused: {}", stderr(&o));
    assert!(stderr(&o).contains("pass --force"), "{}", stderr(&o));
    assert_eq!(manifest(&out)["seed"], 2, "the swapped-in result stays");
    assert!(
        snapshot(&out.join("check")) == check,
        "the check is in the result, byte for byte"
    );
    assert_eq!(listing(tmp.path()), ["run"], "nothing is left aside");
}

#[test]
fn an_earlier_result_moved_aside_beside_a_folder_that_is_not_a_run_folder_is_kept_whole() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    assert_success(&run_seed(tmp.path(), "run", &["--seed", "1"]), "first run");
    let aside = tmp.path().join(format!(".run.old-{DEAD_PID}"));
    std::fs::rename(tmp.path().join("run"), &aside).expect("moved aside");
    let before = snapshot(&aside);
    std::fs::create_dir(tmp.path().join("run")).expect("a folder of the user's");
    std::fs::write(tmp.path().join("run/NOTES.md"), "mine").expect("a note");

    let o = run_seed(tmp.path(), "run", &["--seed", "2", "--force"]);
    assert_eq!(o.status.code(), Some(1), "refused: {}", stderr(&o));
    assert!(
        snapshot(&aside) == before,
        "the earlier result is kept whole"
    );
}

#[test]
fn force_refuses_a_run_folder_whose_charts_folder_holds_the_users_own_pictures_and_deletes_none() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let out = run_with_charts(tmp.path());
    let listed = manifest(&out)["charts"].clone();
    assert!(
        listed
            .as_array()
            .is_some_and(|a| a.iter().any(|c| c == "total_cost")),
        "the manifest lists its charts: {listed}"
    );
    let charts = out.join("charts");
    std::fs::copy(
        charts.join("total_cost.png"),
        charts.join("total_cost-annotated.png"),
    )
    .expect("an annotated copy");
    std::fs::write(charts.join("team-photo.svg"), "<svg/>").expect("a picture of the user's");
    let before = snapshot(&out);

    let o = run_seed(tmp.path(), "run", &["--seed", "2", "--force"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "refused: {err}");
    for name in ["charts/total_cost-annotated.png", "charts/team-photo.svg"] {
        assert!(err.contains(name), "names {name}: {err}");
    }
    assert!(snapshot(&out) == before, "nothing in the folder changed");

    // Without them, the charts the manifest lists are replaced as before.
    std::fs::remove_file(charts.join("total_cost-annotated.png")).expect("removed");
    std::fs::remove_file(charts.join("team-photo.svg")).expect("removed");
    assert_success(
        &run_seed(tmp.path(), "run", &["--seed", "2", "--force"]),
        "run --force",
    );
    assert!(
        !charts.exists(),
        "--charts none: the earlier charts are gone"
    );
}

/// A folder written by tradeoff-sim 0.1.0, whose manifest has no list of charts:
/// an upgraded tool replaces it with --force (its charts are the run charts, by
/// their names), and still refuses for a picture of the user's beside them.
#[test]
fn force_replaces_a_run_folder_whose_manifest_predates_the_list_of_charts() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let out = run_with_charts(tmp.path());
    let mut old = manifest(&out);
    old.as_object_mut()
        .expect("an object")
        .remove("charts")
        .expect("a list of charts");
    std::fs::write(out.join("manifest.json"), old.to_string()).expect("the older manifest");
    let charts = out.join("charts");
    assert!(charts.join("total_cost.svg").exists());
    std::fs::write(charts.join("team-photo.svg"), "<svg/>").expect("a picture of the user's");
    let before = snapshot(&out);
    let o = run_seed(tmp.path(), "run", &["--seed", "2", "--force"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "refused: {err}");
    assert!(
        err.contains("charts/team-photo.svg"),
        "names the picture: {err}"
    );
    assert!(
        !err.contains("total_cost.svg"),
        "the run's own charts are its: {err}"
    );
    assert!(snapshot(&out) == before, "nothing in the folder changed");

    std::fs::remove_file(charts.join("team-photo.svg")).expect("removed");
    assert_success(
        &run_seed(tmp.path(), "run", &["--seed", "2", "--force"]),
        "run --force",
    );
    assert_eq!(manifest(&out)["seed"], 2, "the new result is in place");
    assert!(
        !charts.exists(),
        "--charts none: the earlier charts are gone"
    );
}

#[test]
fn a_run_folder_named_like_a_result_file_inside_the_destination_is_refused_not_deleted() {
    // `--out X/summary.csv` makes a run folder where `run --out X` would write its
    // summary.csv file.
    let tmp = tempfile::tempdir().expect("a temporary folder");
    assert_success(
        &run_seed(tmp.path(), "X/summary.csv", &[]),
        "run into X/summary.csv",
    );
    let inner = tmp.path().join("X/summary.csv");
    let before = snapshot(&inner);
    for extra in [&[][..], &["--force"][..]] {
        let o = run_seed(tmp.path(), "X", extra);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{extra:?}: refused: {err}");
        assert!(err.contains("summary.csv/"), "{extra:?}: names it: {err}");
        assert!(
            snapshot(&inner) == before,
            "{extra:?}: the inner run folder is intact"
        );
        assert_eq!(listing(&tmp.path().join("X")), ["summary.csv"], "{extra:?}");
    }
}

#[test]
fn a_symlink_loop_as_out_is_named_as_a_loop_not_as_a_missing_folder() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    std::os::unix::fs::symlink("loop", tmp.path().join("loop")).expect("a link to itself");
    std::os::unix::fs::symlink("b", tmp.path().join("a")).expect("a -> b");
    std::os::unix::fs::symlink("a", tmp.path().join("b")).expect("b -> a");
    for out in ["loop", "a", "a/run"] {
        let o = run_seed(tmp.path(), out, &[]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{out}: {err}");
        assert!(err.contains("loop of links"), "{out}: {err}");
        assert!(!err.contains("does not exist"), "{out}: {err}");
    }
    assert_eq!(listing(tmp.path()), ["a", "b", "loop"], "nothing created");
}

#[test]
fn out_new_dot_writes_the_folder_new_and_out_new_dot_dot_is_refused_creating_nothing() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    assert_success(&run_seed(tmp.path(), "new/.", &[]), "--out new/.");
    assert!(tmp.path().join("new/manifest.json").is_file());
    assert_eq!(listing(tmp.path()), ["new"], "no staging folder left");

    let o = run_seed(tmp.path(), "new2/..", &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("new2") && err.contains("does not exist"),
        "{err}"
    );
    assert_eq!(listing(tmp.path()), ["new"], "no empty new2/ left behind");
}
