//! `tradeoff-sim run --shard I/N`: simulate one shard's batches and publish a
//! partial result (partial.bin and a shard manifest) that `merge` joins with the
//! others. Orchestration only; the encoding is `output::shard`'s.

use std::sync::atomic::AtomicBool;

use super::console::{plural, wrote};
use super::publish::{Publish, json_bytes};
use super::{CliError, check_stop, default_folder, progress};
use crate::cli::{Charts, RunArgs, ShardSpec};
use crate::engine::{self, BATCH_TRIALS, RunPlan};
use crate::format;
use crate::model::Model;
use crate::output::manifest::sha256_hex;
use crate::output::shard::{self, ShardManifest};
use crate::scenario::Scenario;
use crate::stats;

/// `run --shard I/N`: simulate this shard's batches and save them with everything
/// `merge` needs. `scenario` has the command line's trials and seed applied.
pub fn run_shard(
    args: &RunArgs,
    scenario: &Scenario,
    bytes: &[u8],
    ShardSpec { index, count }: ShardSpec,
    threads: usize,
    stop: &AtomicBool,
) -> Result<String, CliError> {
    refuse_whole_run_outputs(args, scenario)?;
    let destination =
        args.run.out.clone().unwrap_or_else(|| {
            default_folder(format!("{}-shard-{index}-of-{count}", scenario.name))
        });
    let batches = engine::shard_batches(scenario.trials, index, count);
    let shard_trials = (batches.end * BATCH_TRIALS).min(scenario.trials)
        - (batches.start * BATCH_TRIALS).min(scenario.trials);
    // A shard keeps its samples only when the whole run would (exact quantiles).
    let keep = engine::keeps_samples(scenario.trials, scenario.strategies.len());
    let mut publish = Publish::stage(&destination, args.run.force, stop)?;
    let model = Model::new(scenario);
    let plan = RunPlan {
        trials: scenario.trials,
        seed: scenario.seed,
        threads,
    };
    let started = std::time::Instant::now();
    let bar = progress::Bar::new(shard_trials);
    let simulated = engine::summarise(&model, &plan, batches.clone(), keep, stop, &|n| {
        bar.advance(n)
    });
    bar.clear();
    let simulated = simulated?;
    let elapsed = started.elapsed();
    check_stop(stop)?;
    let partial = shard::encode(&simulated);
    let mut manifest = ShardManifest {
        tool: env!("CARGO_PKG_NAME").into(),
        version: env!("CARGO_PKG_VERSION").into(),
        build: crate::output::manifest::BUILD.into(),
        kind: crate::output::manifest::ManifestKind::Shard,
        shard: index,
        shards: count,
        first_batch: batches.start,
        end_batch: batches.end,
        scenario_name: scenario.name.clone(),
        scenario_file: args.scenario.display().to_string(),
        scenario_sha256: sha256_hex(bytes),
        scenario_text: String::from_utf8_lossy(bytes).into_owned(),
        overrides: args.run.set.iter().map(|o| o.to_string()).collect(),
        seed: scenario.seed,
        trials: scenario.trials,
        strategies: scenario.strategies.len(),
        part_sha256: String::new(),
    };
    manifest.part_sha256 = manifest.digest(&partial);
    publish.file(shard::PARTIAL, &partial)?;
    publish.manifest(&json_bytes(&manifest))?;
    let published = publish.commit()?;
    let all_batches = scenario.trials.div_ceil(BATCH_TRIALS);
    let share = if batches.is_empty() {
        // More shards than batches: some shards have nothing to simulate, but
        // merge still needs every part, so this one writes an empty part.
        format!(
            "no share of the work: the run's {} trials make {} of {} trials, fewer than the {count} shards; wrote an empty part, which merge needs with the others",
            format::integer(scenario.trials as f64),
            plural(all_batches, "batch", "batches"),
            format::integer(BATCH_TRIALS as f64)
        )
    } else {
        format!(
            "batches {} to {} of {all_batches} ({} of {} trials), seed {}, {:.2} s",
            batches.start,
            batches.end - 1,
            format::integer(shard_trials as f64),
            format::integer(scenario.trials as f64),
            scenario.seed,
            elapsed.as_secs_f64()
        )
    };
    Ok(format!(
        "shard {index} of {count}: {share}\n{}",
        wrote(&published.folder, &published.written)
    ))
}

/// `run --shard` writes a partial result only: what a whole run's files need (every
/// trial, every statistic) exists only once `merge` has joined the parts, so an
/// option asking for them is refused rather than silently ignored.
fn refuse_whole_run_outputs(args: &RunArgs, scenario: &Scenario) -> Result<(), CliError> {
    if args.trials_csv {
        return Err(CliError::Usage(format!(
            "--trials-csv with --shard: a shard writes a partial result (partial.bin), not trials.csv; give --trials-csv to merge instead (shards keep their trials for runs of at most {} trials of this scenario), or make the run on one machine",
            format::integer(stats::exact_trials(scenario.strategies.len()) as f64)
        )));
    }
    if let Some(charts) = args.charts.filter(|c| *c != Charts::None) {
        return Err(CliError::Usage(format!(
            "--charts {} with --shard: a shard draws no charts, as it holds only part of the run; give --charts to merge instead",
            charts.name()
        )));
    }
    Ok(())
}
