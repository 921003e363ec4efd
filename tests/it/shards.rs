//! Runs bigger than one machine: `run --shard I/N` on N processes, then `merge`,
//! gives the files a single run gives.

use std::fs;
use std::process::Command;

use crate::common::{root, run_in, scenario, stderr, stdout};

#[test]
fn shards_run_as_separate_processes_merge_into_the_single_run_byte_for_byte() {
    // 50,000 trials: 13 batches, uneven shares, and a partial last batch; above
    // the exact limit of five strategies, so the parts carry summaries only.
    shards_merge_like_a_single_run("50000");
}

#[test]
fn shards_of_a_run_small_enough_for_exact_quantiles_carry_their_trials() {
    let trials = tradeoff_sim::stats::exact_trials(5) - 1000;
    shards_merge_like_a_single_run(&trials.to_string());
}

#[test]
fn a_shard_with_no_batches_says_so_and_its_empty_part_merges_like_a_single_run() {
    // 5,000 trials: two batches for four shards, so shards 0 and 2 have none.
    let shards = shards_merge_like_a_single_run("5000");
    for (i, o) in shards.iter().enumerate() {
        let out = stdout(o);
        let empty = i % 2 == 0;
        assert_eq!(
            out.contains("no share of the work"),
            empty,
            "shard {i}: {out}"
        );
        assert_eq!(
            out.contains("2 batches of 4,096 trials, fewer than the 4 shards"),
            empty,
            "shard {i}: {out}"
        );
        assert!(!out.contains("(0 of 5,000 trials)"), "shard {i}: {out}");
    }
    assert!(stdout(&shards[1]).contains("batches 0 to 0 of 2 (4,096 of 5,000 trials)"));
    assert!(stdout(&shards[3]).contains("batches 1 to 1 of 2 (904 of 5,000 trials)"));
}

/// Runs `trials` of seed.toml as four shard processes at once, merges them and
/// checks the files against a single run; returns the shards' outputs.
fn shards_merge_like_a_single_run(trials: &str) -> Vec<std::process::Output> {
    let dir = tempfile::tempdir().unwrap();
    let seed = scenario("seed.toml");
    let shards = 4;
    let children: Vec<_> = (0..shards)
        .map(|i| {
            Command::new(env!("CARGO_BIN_EXE_tradeoff-sim"))
                .args([
                    "run",
                    seed.to_str().unwrap(),
                    "--trials",
                    trials,
                    "--threads",
                    "1",
                    "--shard",
                    &format!("{i}/{shards}"),
                ])
                .current_dir(dir.path())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("a shard process starts")
        })
        .collect();
    // All N run at once, as on N machines.
    let children: Vec<_> = children
        .into_iter()
        .map(|c| c.wait_with_output().expect("a shard process ends"))
        .collect();
    for (i, o) in children.iter().enumerate() {
        assert!(o.status.success(), "shard {i}: {}", stderr(o));
    }
    // Parts in any order.
    let mut args = vec!["merge".to_string(), "--out".into(), "merged".into()];
    for i in (0..shards).rev() {
        args.push(format!("output/seed-shard-{i}-of-{shards}"));
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = run_in(dir.path(), &args);
    assert!(o.status.success(), "merge: {}", stderr(&o));
    let o = run_in(
        dir.path(),
        &[
            "run",
            seed.to_str().unwrap(),
            "--trials",
            trials,
            "--out",
            "single",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    for file in [
        "summary.csv",
        "comparison.csv",
        "histograms.csv",
        "decision.csv",
        "charts/total_cost.svg",
        "charts/tradeoff.svg",
    ] {
        let merged = fs::read(dir.path().join("merged").join(file)).unwrap();
        let single = fs::read(dir.path().join("single").join(file)).unwrap();
        assert!(
            merged == single,
            "{file} differs between merge and a single run"
        );
    }
    children
}

#[test]
fn merge_refuses_a_missing_shard_or_parts_of_different_runs() {
    let dir = tempfile::tempdir().unwrap();
    let seed = scenario("seed.toml");
    let shard = |i: u32, n: u32, seed_value: &str, out: &str| {
        let o = run_in(
            dir.path(),
            &[
                "run",
                seed.to_str().unwrap(),
                "--trials",
                "9000",
                "--seed",
                seed_value,
                "--shard",
                &format!("{i}/{n}"),
                "--out",
                out,
            ],
        );
        assert!(o.status.success(), "{}", stderr(&o));
    };
    shard(0, 2, "1", "a0");
    shard(1, 2, "1", "a1");
    shard(1, 2, "2", "b1");
    let o = run_in(dir.path(), &["merge", "a0"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("every shard 0 to 1 exactly once"),
        "{}",
        stderr(&o)
    );
    let o = run_in(dir.path(), &["merge", "a0", "b1"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("not a shard of the same run"),
        "{}",
        stderr(&o)
    );
    assert!(!dir.path().join("output").exists(), "nothing written");
    let o = run_in(
        dir.path(),
        &["run", seed.to_str().unwrap(), "--shard", "2/2"],
    );
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn merge_refuses_trials_csv_for_shards_that_kept_only_summaries_and_a_corrupt_part() {
    let dir = tempfile::tempdir().unwrap();
    let seed = scenario("seed.toml");
    // Above the exact limit of five strategies: the parts hold summaries only.
    let trials = (tradeoff_sim::stats::exact_trials(5) + 5000).to_string();
    for i in 0..2 {
        let o = run_in(
            dir.path(),
            &[
                "run",
                seed.to_str().unwrap(),
                "--trials",
                &trials,
                "--shard",
                &format!("{i}/2"),
                "--out",
                &format!("p{i}"),
            ],
        );
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let o = run_in(dir.path(), &["merge", "p0", "p1", "--trials-csv"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--trials-csv"), "{}", stderr(&o));
    // A part cut short is named, and nothing is written.
    let part = dir.path().join("p1").join("partial.bin");
    let bytes = fs::read(&part).unwrap();
    fs::write(&part, &bytes[..bytes.len() / 2]).unwrap();
    let o = run_in(dir.path(), &["merge", "p0", "p1"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("partial.bin"), "{}", stderr(&o));
    assert!(!dir.path().join("output").exists(), "nothing written");
}

/// Two shards of a small run (9,000 trials of seed.toml) in `dir`, as `a0` and `a1`.
fn two_shards(dir: &std::path::Path) {
    let seed = scenario("seed.toml");
    for i in 0..2 {
        let o = run_in(
            dir,
            &[
                "run",
                seed.to_str().unwrap(),
                "--trials",
                "9000",
                "--charts",
                "none",
                "--shard",
                &format!("{i}/2"),
                "--out",
                &format!("a{i}"),
            ],
        );
        assert!(o.status.success(), "{}", stderr(&o));
    }
}

#[test]
fn merge_refuses_a_part_whose_partial_bin_was_damaged_or_swapped() {
    let dir = tempfile::tempdir().unwrap();
    two_shards(dir.path());
    let part = dir.path().join("a1").join("partial.bin");
    let good = fs::read(&part).unwrap();
    // One flipped bit in the middle: the file still decodes.
    let mut flipped = good.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x10;
    // Shard 0's bytes in shard 1's folder: the same shape, the wrong trials.
    let swapped = fs::read(dir.path().join("a0").join("partial.bin")).unwrap();
    for bad in [flipped, swapped] {
        fs::write(&part, &bad).unwrap();
        let o = run_in(dir.path(), &["merge", "a0", "a1", "--charts", "none"]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(
            stderr(&o).contains("a1: its partial.bin") && stderr(&o).contains("digest"),
            "{}",
            stderr(&o)
        );
        assert!(!dir.path().join("output").exists(), "nothing written");
    }
    fs::write(&part, &good).unwrap();
    let o = run_in(dir.path(), &["merge", "a0", "a1", "--charts", "none"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn merge_names_a_run_folder_given_as_a_part_and_refuses_to_write_over_a_part() {
    let dir = tempfile::tempdir().unwrap();
    two_shards(dir.path());
    let o = run_in(
        dir.path(),
        &["merge", "a0", "a1", "--charts", "none", "--out", "run"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    // A run folder where a shard folder belongs.
    let o = run_in(dir.path(), &["merge", "a0", "run"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("run: a run folder, not a shard"),
        "{}",
        stderr(&o)
    );
    // --out naming one of the parts, even with --force: the part would be lost.
    let before = fs::read(dir.path().join("a0").join("partial.bin")).unwrap();
    for out in ["a0", "./a1"] {
        let o = run_in(
            dir.path(),
            &[
                "merge", "a0", "a1", "--charts", "none", "--force", "--out", out,
            ],
        );
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(
            stderr(&o).contains("is one of the parts being merged"),
            "{}",
            stderr(&o)
        );
    }
    assert_eq!(
        fs::read(dir.path().join("a0").join("partial.bin")).unwrap(),
        before
    );
    // A part without its partial.bin is bad input too (exit 2), named.
    fs::remove_file(dir.path().join("a1").join("partial.bin")).unwrap();
    let o = run_in(dir.path(), &["merge", "a0", "a1", "--out", "again"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("a1/partial.bin"), "{}", stderr(&o));
}

#[test]
fn merge_refuses_parts_written_by_another_build_naming_the_part_and_both_builds() {
    let dir = tempfile::tempdir().unwrap();
    two_shards(dir.path());
    let manifest_path = dir.path().join("a1").join("manifest.json");
    let good = fs::read_to_string(&manifest_path).unwrap();
    let manifest: serde_json::Value = serde_json::from_str(&good).unwrap();
    let build = tradeoff_sim::output::manifest::BUILD;
    assert_eq!(manifest["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(manifest["build"], build, "a shard records its build");
    assert!(build.starts_with(&format!("{}+", env!("CARGO_PKG_VERSION"))));
    // Another build of the same version (the model changed, the version did not),
    // and an older version that did not record its build.
    let mut other_build = manifest.clone();
    other_build["build"] = format!("{}+0123456789abcdef", env!("CARGO_PKG_VERSION")).into();
    let mut older = manifest.clone();
    older["version"] = "0.0.9".into();
    older.as_object_mut().unwrap().remove("build");
    for (bad, names) in [
        (other_build, "0123456789abcdef"),
        (older, "0.0.9, build not recorded"),
    ] {
        fs::write(&manifest_path, serde_json::to_string_pretty(&bad).unwrap()).unwrap();
        let o = run_in(dir.path(), &["merge", "a0", "a1", "--charts", "none"]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        let err = stderr(&o);
        assert!(
            err.contains("a1:") && err.contains(names) && err.contains(build),
            "{err}"
        );
        assert!(err.contains("same build"), "{err}");
        assert!(!dir.path().join("output").exists(), "nothing written");
    }
    fs::write(&manifest_path, good).unwrap();
    let o = run_in(dir.path(), &["merge", "a0", "a1", "--charts", "none"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

/// A stand-in for Slurm's `sbatch`, enough to run `deploy/slurm/submit.sh` on one
/// machine: it runs the script at once (an array once per task, in order, with
/// `SLURM_ARRAY_TASK_ID` set), writes its output where the script's
/// `#SBATCH --output` says, and like Slurm fails the job when that folder is missing.
#[cfg(unix)]
const FAKE_SBATCH: &str = r#"#!/bin/bash
set -euo pipefail
array=""; parsable=0
while [[ $# -gt 1 ]]; do
  case "$1" in
    --array=*) array=${1#--array=} ;;
    --parsable) parsable=1 ;;
    --dependency=*|--export=*) ;;
    *) echo "fake sbatch: unexpected option $1" >&2; exit 1 ;;
  esac
  shift
done
script=$1
output=$(sed -n 's/^#SBATCH --output=//p' "$script")
cpus=$(sed -n 's/^#SBATCH --cpus-per-task=//p' "$script")
job=$((RANDOM + 1))
run_task() {
  local log=${output//%a/$1}; log=${log//%j/$job}
  [[ -d $(dirname "$log") ]] || { echo "fake sbatch: $(dirname "$log") does not exist" >&2; exit 1; }
  SLURM_ARRAY_TASK_ID=$1 SLURM_CPUS_PER_TASK=$cpus bash "$script" >"$log" 2>&1 \
    || { echo "fake sbatch: $script task $1 failed; $log:" >&2; cat "$log" >&2; exit 1; }
}
if [[ -n $array ]]; then
  for ((i = ${array%-*}; i <= ${array#*-}; i++)); do run_task "$i"; done
else
  run_task 0
fi
if [[ $parsable == 1 ]]; then echo "$job"; else echo "Submitted batch job $job"; fi
"#;

#[cfg(unix)]
#[test]
fn slurm_submit_script_runs_the_array_and_the_merge_into_the_single_run() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("bin");
    fs::create_dir(&bin).unwrap();
    let sbatch = bin.join("sbatch");
    fs::write(&sbatch, FAKE_SBATCH).unwrap();
    fs::set_permissions(&sbatch, fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let seed = scenario("seed.toml");
    // Three shards of three batches: every shard has one.
    let o = Command::new("bash")
        .arg(root().join("deploy/slurm/submit.sh"))
        .current_dir(dir.path())
        .env("PATH", path)
        .env("SHARDS", "3")
        .env("TRIALS", "9000")
        .env("SCENARIO", &seed)
        .env("BIN", env!("CARGO_BIN_EXE_tradeoff-sim"))
        .output()
        .expect("bash runs submit.sh");
    assert!(
        o.status.success(),
        "submit.sh: {}{}",
        stdout(&o),
        stderr(&o)
    );
    let single = run_in(
        dir.path(),
        &[
            "run",
            seed.to_str().unwrap(),
            "--trials",
            "9000",
            "--out",
            "single",
            "--charts",
            "none",
        ],
    );
    assert!(single.status.success(), "{}", stderr(&single));
    for file in [
        "summary.csv",
        "comparison.csv",
        "histograms.csv",
        "decision.csv",
    ] {
        let merged = fs::read(dir.path().join("output/seed").join(file)).unwrap();
        let single = fs::read(dir.path().join("single").join(file)).unwrap();
        assert!(
            merged == single,
            "{file} differs between the Slurm merge and a single run"
        );
    }
}

#[test]
fn merge_refuses_a_file_or_a_missing_folder_given_as_a_part_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    two_shards(dir.path());
    // What `merge parts/shard-*` met when the shards' logs lay beside them.
    fs::write(dir.path().join("a0.log"), "shard 0 of 2 ...\n").unwrap();
    let o = run_in(dir.path(), &["merge", "a0", "a1", "a0.log"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("a0.log: is a file, not a shard folder"),
        "{}",
        stderr(&o)
    );
    let o = run_in(dir.path(), &["merge", "a0", "a1", "a2"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("a2: no such shard folder"),
        "{}",
        stderr(&o)
    );
    assert!(!dir.path().join("output").exists(), "nothing written");
}

#[test]
fn run_refuses_trials_csv_or_charts_with_shard_rather_than_ignore_them() {
    let dir = tempfile::tempdir().unwrap();
    let seed = scenario("seed.toml");
    for (extra, says) in [
        (&["--trials-csv"][..], "--trials-csv with --shard"),
        (&["--charts", "png"][..], "--charts png with --shard"),
        (&["--charts", "both"][..], "--charts both with --shard"),
    ] {
        let mut args = vec!["run", seed.to_str().unwrap(), "--trials", "9000"];
        args.extend_from_slice(&["--shard", "0/2"]);
        args.extend_from_slice(extra);
        let o = run_in(dir.path(), &args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{extra:?}: {err}");
        assert!(err.contains(says), "{extra:?}: {err}");
        assert!(err.contains("give") && err.contains("to merge"), "{err}");
        assert!(
            !dir.path().join("output").exists(),
            "{extra:?}: nothing written"
        );
    }
}

#[test]
fn merge_reports_the_parts_it_joined_and_no_simulation_rate() {
    let dir = tempfile::tempdir().unwrap();
    two_shards(dir.path());
    let o = run_in(dir.path(), &["merge", "a0", "a1", "--charts", "none"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("merged 2 shard parts: 9,000 trials x 5 strategies, simulated by the shards"),
        "{out}"
    );
    assert!(!out.contains("trials/s"), "merge simulated nothing: {out}");
}

#[test]
fn chart_on_a_shard_folder_says_to_merge_first() {
    let dir = tempfile::tempdir().unwrap();
    two_shards(dir.path());
    let o = run_in(dir.path(), &["chart", "a0"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("a0: a shard folder holds only part of a run")
            && stderr(&o).contains("tradeoff-sim merge"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn merge_refuses_a_part_whose_manifest_was_edited_by_hand_as_its_digest_binds_data_and_manifest() {
    // A seed changed by hand would label shard 1's trials as another seed's, and
    // an edited scenario text would change what the merge computes from them
    // (here the budget: plan weeks x10).
    let dir = tempfile::tempdir().unwrap();
    two_shards(dir.path());
    let manifest_path = dir.path().join("a1").join("manifest.json");
    let good = fs::read_to_string(&manifest_path).unwrap();
    let manifest: serde_json::Value = serde_json::from_str(&good).unwrap();
    let text = manifest["scenario_text"].as_str().unwrap();
    assert!(
        text.contains("plan_weeks = 24 "),
        "the seed scenario's plan"
    );
    let mut seed = manifest.clone();
    seed["seed"] = 99.into();
    let mut scenario = manifest.clone();
    scenario["scenario_text"] = text.replace("plan_weeks = 24 ", "plan_weeks = 240 ").into();
    let mut batches = manifest.clone();
    batches["first_batch"] = 0.into();
    for (what, bad) in [
        ("seed", seed),
        ("scenario_text", scenario),
        ("batches", batches),
    ] {
        fs::write(&manifest_path, serde_json::to_string_pretty(&bad).unwrap()).unwrap();
        // Both parts edited alike, so that they still agree with each other.
        let other = dir.path().join("a0").join("manifest.json");
        let other_good = fs::read_to_string(&other).unwrap();
        if what != "batches" {
            let mut o: serde_json::Value = serde_json::from_str(&other_good).unwrap();
            o[what] = bad[what].clone();
            fs::write(&other, serde_json::to_string_pretty(&o).unwrap()).unwrap();
        }
        let o = run_in(dir.path(), &["merge", "a0", "a1", "--charts", "none"]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{what}: {err}");
        assert!(
            err.contains("a0: ") || err.contains("a1: "),
            "{what}: names the part: {err}"
        );
        assert!(
            err.contains("digest") || err.contains("covers batches"),
            "{what}: {err}"
        );
        assert!(
            !dir.path().join("output").exists(),
            "{what}: nothing written"
        );
        fs::write(&other, other_good).unwrap();
    }
    fs::write(&manifest_path, good).unwrap();
    let o = run_in(dir.path(), &["merge", "a0", "a1", "--charts", "none"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn a_shard_whose_version_was_edited_but_whose_build_is_this_one_is_named_by_what_differs() {
    let dir = tempfile::tempdir().unwrap();
    two_shards(dir.path());
    let manifest_path = dir.path().join("a1").join("manifest.json");
    let mut manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&manifest_path).unwrap()).unwrap();
    manifest["version"] = "9.9.9".into();
    fs::write(
        &manifest_path,
        serde_json::to_string_pretty(&manifest).unwrap(),
    )
    .unwrap();
    let o = run_in(dir.path(), &["merge", "a0", "a1", "--charts", "none"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    let build = tradeoff_sim::output::manifest::BUILD;
    assert!(
        err.contains("version 9.9.9"),
        "says which field differs: {err}"
    );
    assert!(
        !err.contains(&format!(
            "written by tradeoff-sim {build}, but this is tradeoff-sim {build}"
        )),
        "does not name the same build twice as if they differed: {err}"
    );
}
