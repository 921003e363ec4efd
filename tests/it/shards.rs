//! Runs bigger than one machine: `run --shard I/N` on N processes, then `merge`,
//! gives the files a single run gives.

use std::fs;
use std::process::Command;

use crate::common::{run_in, scenario, stderr};

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

fn shards_merge_like_a_single_run(trials: &str) {
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
