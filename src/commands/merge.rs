//! `tradeoff-sim merge`: check that the given folders are every shard of one run,
//! join their partial results in shard order, and finish the run exactly as a
//! single machine would (through [`super::run::finish_run`]).

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use super::publish::Publish;
use super::run::{FinishRun, Origin, finish_run};
use super::{CliError, check_stop, default_folder, parse_overrides, threads_of};
use crate::cli::MergeArgs;
use crate::engine::{self, BATCH_TRIALS};
use crate::format;
use crate::output::manifest::sha256_hex;
use crate::scenario::{self, ScenarioError};
use crate::stats;

/// Whether two paths name the same folder (both canonicalised when they exist).
fn same_folder(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// `merge`: check that the parts are every shard of one run, join them in shard
/// order, and finish the run exactly as a single machine would.
pub fn merge(args: &MergeArgs, stop: &AtomicBool) -> Result<String, CliError> {
    use crate::output::manifest::BUILD;
    use crate::output::shard::{self, ShardManifest};
    let bad = |path: &Path, why: String| CliError::Usage(format!("{}: {why}", path.display()));
    let mut parts: Vec<(ShardManifest, PathBuf)> = Vec::new();
    for dir in &args.parts {
        // A log file or a stray file where a shard folder belongs (a shell glob
        // such as parts/shard-* picks up parts/shard-0.log too): say so plainly.
        if dir.is_file() {
            return Err(bad(
                dir,
                "is a file, not a shard folder; give the folders written by run --shard I/N (a glob such as parts/shard-*/ matches folders only)".into(),
            ));
        }
        if !dir.exists() {
            return Err(bad(
                dir,
                "no such shard folder; give the folders written by run --shard I/N".into(),
            ));
        }
        let text = std::fs::read(dir.join("manifest.json")).map_err(|e| {
            bad(
                dir,
                format!("cannot read manifest.json ({e}); give folders written by run --shard"),
            )
        })?;
        // The kind first: a run, sweep or compare folder is named as such, not by
        // the first field a shard manifest would need that it lacks.
        // A run folder's manifest has no `kind`.
        let kind = serde_json::from_slice::<serde_json::Value>(&text)
            .ok()
            .filter(|v| v.get("tool").and_then(|t| t.as_str()) == Some(env!("CARGO_PKG_NAME")))
            .map(|v| {
                v.get("kind")
                    .and_then(|k| k.as_str())
                    .unwrap_or("run")
                    .to_string()
            });
        match kind.as_deref() {
            Some("shard") => {}
            Some(kind) => {
                return Err(bad(
                    dir,
                    format!(
                        "a {kind} folder, not a shard; give the folders written by run --shard I/N"
                    ),
                ));
            }
            None => {
                return Err(bad(
                    dir,
                    "manifest.json is not a tradeoff-sim manifest; give the folders written by run --shard I/N".into(),
                ));
            }
        }
        let m: ShardManifest = serde_json::from_slice(&text).map_err(|e| {
            bad(
                dir,
                format!("damaged shard manifest ({e}); run this shard again"),
            )
        })?;
        // Another build may simulate other trials from the same seed, and the
        // merge finishes the run with this build's statistics: one build for all.
        if m.version != env!("CARGO_PKG_VERSION") || m.build != BUILD {
            let theirs = if m.build.is_empty() {
                format!("{}, build not recorded", m.version)
            } else {
                m.build.clone()
            };
            return Err(bad(
                dir,
                format!(
                    "a shard written by tradeoff-sim {theirs}, but this is tradeoff-sim {BUILD}; every shard and the merge must run the same build: run the shards again with this binary, or merge with the binary that wrote them"
                ),
            ));
        }
        parts.push((m, dir.clone()));
    }

    parts.sort_by_key(|(m, _)| m.shard);
    let (first, first_dir) = &parts[0];
    for (m, dir) in &parts {
        let same = m.shards == first.shards
            && m.scenario_sha256 == first.scenario_sha256
            && m.overrides == first.overrides
            && m.seed == first.seed
            && m.trials == first.trials;
        if !same {
            return Err(bad(
                dir,
                format!(
                    "not a shard of the same run as {} (scenario, overrides, seed, trials and shard count must match)",
                    first_dir.display()
                ),
            ));
        }
    }
    let indexes: Vec<u64> = parts.iter().map(|(m, _)| m.shard).collect();
    if indexes != (0..first.shards).collect::<Vec<_>>() {
        return Err(CliError::Usage(format!(
            "merge needs every shard 0 to {} exactly once; got shards {indexes:?}",
            first.shards - 1
        )));
    }
    let overrides = parse_overrides(&first.overrides)?;
    let mut scenario = scenario::from_text_at(
        &first.scenario_text,
        Path::new(&first.scenario_file),
        &first.scenario_name,
        &overrides,
    )
    .map_err(|problems| ScenarioError::Invalid {
        path: PathBuf::from(&first.scenario_file),
        problems,
    })?;
    scenario.trials = first.trials;
    scenario.seed = first.seed;
    scenario.source = Some(PathBuf::from(&first.scenario_file));
    let destination = args
        .out
        .clone()
        .unwrap_or_else(|| default_folder(&scenario.name));
    if let Some(dir) = args.parts.iter().find(|dir| same_folder(&destination, dir)) {
        return Err(bad(
            dir,
            "is one of the parts being merged, and the run folder would replace it; give --out another folder".into(),
        ));
    }
    let keep = engine::keeps_samples(scenario.trials, scenario.strategies.len());
    if args.trials_csv && !keep {
        return Err(CliError::Usage(format!(
            "merge --trials-csv: shards keep their trials only for runs of at most {} trials of this scenario; drop --trials-csv, or make the run on one machine with run --trials-csv",
            format::integer(stats::exact_trials(scenario.strategies.len()) as f64)
        )));
    }
    let started = std::time::Instant::now();
    // Every part is read and checked before anything is created.
    let mut merged: Option<engine::Simulated> = None;
    for (m, dir) in &parts {
        let path = dir.join(shard::PARTIAL);
        let bytes = std::fs::read(&path).map_err(|e| {
            bad(
                &path,
                format!("cannot read ({e}); a shard folder holds partial.bin and manifest.json"),
            )
        })?;
        if sha256_hex(&bytes) != m.partial_sha256 {
            return Err(bad(
                &path,
                "does not match the checksum its manifest.json records (damaged, or copied from another shard or run); run this shard again".into(),
            ));
        }
        let part =
            shard::decode_with(&bytes, &scenario.metrics()).map_err(|why| bad(&path, why))?;
        let expected = (m.end_batch * BATCH_TRIALS).min(m.trials)
            - (m.first_batch * BATCH_TRIALS).min(m.trials);
        if part.partial.trials() != expected
            || part.partial.strategies() != scenario.strategies.len()
            || part.samples.is_some() != keep
        {
            return Err(bad(
                &path,
                "does not hold the trials its manifest names".into(),
            ));
        }
        merged = Some(match merged.take() {
            Some(mut earlier) => {
                earlier.extend(part);
                earlier
            }
            None => part,
        });
        check_stop(stop)?;
    }
    let merged = merged.ok_or_else(|| CliError::Usage("no parts to merge".into()))?;
    let publish = Publish::stage(&destination, args.force, stop)?;
    let finish = FinishRun {
        scenario,
        scenario_file: first.scenario_file.clone(),
        scenario_bytes: first.scenario_text.clone().into_bytes(),
        overrides,
        threads: threads_of(args.threads),
        trials_csv: args.trials_csv,
        charts: args.charts,
        origin: Origin::Merged {
            parts: parts.len(),
            started,
        },
        reached: None,
    };
    finish_run(finish, publish, merged, stop)
}
