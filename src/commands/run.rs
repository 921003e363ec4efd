//! `tradeoff-sim run`: simulate a scenario (to a trial count, or until
//! `--precision` is reached) and publish its run folder; `--shard I/N` hands over
//! to [`super::shard`]. [`finish_run`] turns finished samples into the run folder
//! and report, for `merge` too.
//!
//! Orchestration only: the model, statistics and files come from the library.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::publish::Publish;
use super::{
    CliError, check_stop, command_line, console, default_folder, on_drawing_threads, precision,
    progress,
};
use crate::cli::{Charts, RunArgs};
use crate::engine::{self, BATCH_TRIALS, EngineError, RunPlan};
use crate::metric::Metric;
use crate::model::Model;
use crate::output::chart::{chart_stems, render_run_charts};
use crate::output::csv as csv_out;
use crate::output::manifest::{Manifest, ManifestKind, sha256_hex};
use crate::output::report;
use crate::scenario::{self, Override, Scenario};
use crate::stats;

/// A run; whatever fails after an interrupt is reported as the interrupt (the
/// staging folder is gone by then, and any earlier result untouched).
pub fn run(args: &RunArgs, stop: &AtomicBool) -> Result<String, CliError> {
    run_with_board(args, &Board::default(), stop)
}

/// What `tradeoff-sim report` adds to a run's folder: the what-ifs and tornado
/// for the report, their CSV files, and the tornado charts.
#[derive(Default)]
pub struct Board {
    pub extras: report::Extras,
    /// Files written beside the run's own: (name, bytes).
    pub files: Vec<(&'static str, Vec<u8>)>,
    pub tornadoes: Vec<crate::output::chart::TornadoChart>,
}

/// A run whose folder also holds `board`'s files (see [`Board`]).
pub fn run_with_board(
    args: &RunArgs,
    board: &Board,
    stop: &AtomicBool,
) -> Result<String, CliError> {
    match run_until_stopped(args, board, stop) {
        Err(_) if stop.load(Ordering::SeqCst) => Err(EngineError::Interrupted.into()),
        other => other,
    }
}

fn run_until_stopped(args: &RunArgs, board: &Board, stop: &AtomicBool) -> Result<String, CliError> {
    let options = &args.run;
    let overrides = options.set.clone();
    // One read: the manifest hashes and carries the bytes that were validated.
    let (mut scenario, bytes) = scenario::from_path_keeping_bytes(&args.scenario, &overrides)?;
    super::warn_inputs(&scenario);
    if let Some(trials) = options.trials {
        scenario.trials = trials;
    }
    if let Some(seed) = options.seed {
        scenario.seed = seed;
    }
    let destination = options
        .out
        .clone()
        .unwrap_or_else(|| default_folder(&scenario.name));
    let threads = super::threads_of(options.threads);
    if args.precision.is_some() {
        scenario.trials = precision::START_TRIALS;
    }
    if let Some(shard) = args.shard {
        return super::shard::run_shard(args, &scenario, &bytes, shard, threads, stop);
    }
    // Refuse a run too large to hold, and an existing result, before creating
    // anything or spending time on the simulation.
    let strategies = scenario.strategies.len();
    let keep = |trials: u64| args.trials_csv || engine::keeps_samples(trials, strategies);
    if keep(scenario.trials) {
        engine::check_size(scenario.trials, strategies)?;
    }
    let publish = Publish::stage(&destination, options.force, stop)?;
    let model = Model::new(&scenario);
    let started = std::time::Instant::now();
    let mut reached = None;
    let bar = progress::Bar::new(scenario.trials);
    let mut simulated: Option<engine::Simulated> = None;
    let simulated = loop {
        let plan = RunPlan {
            trials: scenario.trials,
            seed: scenario.seed,
            threads,
        };
        // Batches already summarised are kept; only the new ones are simulated.
        let done = simulated.as_ref().map_or(0, |s| s.partial.trials());
        let batches = done / BATCH_TRIALS..scenario.trials.div_ceil(BATCH_TRIALS);
        let more = engine::summarise(&model, &plan, batches, keep(scenario.trials), stop, &|n| {
            bar.advance(n)
        });
        let more = match more {
            Ok(more) => more,
            Err(e) => {
                bar.clear();
                return Err(e.into());
            }
        };
        let whole = match simulated.take() {
            Some(mut earlier) => {
                earlier.extend(more);
                earlier
            }
            None => more,
        };
        let Some(target) = args.precision.map(|p| p.target()) else {
            break whole;
        };
        let worst = precision::worst_half_width(&whole.partial);
        bar.precision(worst, target);
        if whole.partial.trials() <= precision::START_TRIALS
            && let Some(note) = precision::beyond_reach(whole.partial.trials(), worst, target)
        {
            bar.note(&note);
        }
        let next = precision::next_trials(scenario.trials, worst, target);
        if worst <= target || next <= scenario.trials {
            reached = Some((worst, target));
            break whole;
        }
        if args.trials_csv {
            engine::check_size(next, strategies)?;
        }
        scenario.trials = next;
        bar.extend_to(next);
        simulated = Some(whole);
    };
    bar.clear();
    let elapsed = started.elapsed();
    let finish = FinishRun {
        scenario,
        scenario_file: args.scenario.display().to_string(),
        scenario_bytes: bytes,
        overrides,
        threads,
        trials_csv: args.trials_csv,
        charts: args.charts.unwrap_or(Charts::Both),
        origin: Origin::Simulated(elapsed),
        reached,
    };
    finish_run_with(finish, publish, simulated, board, stop)
}

/// Everything a run needs once its samples exist: shared by `run` and `merge`.
pub struct FinishRun {
    pub scenario: Scenario,
    pub scenario_file: String,
    pub scenario_bytes: Vec<u8>,
    pub overrides: Vec<Override>,
    pub threads: usize,
    pub trials_csv: bool,
    pub charts: Charts,
    pub origin: Origin,
    /// `--precision`: the largest half-width reached and the target.
    pub reached: Option<(f64, f64)>,
}

/// Where a finished run's trials came from, for the report's last line.
pub enum Origin {
    /// Simulated here, in this long.
    Simulated(std::time::Duration),
    /// Joined from this many shard parts by `merge`, which began at this instant:
    /// no trial was simulated, so the report gives no simulation rate.
    Merged {
        parts: usize,
        started: std::time::Instant,
    },
}

/// Runs `work` on a thread of its own and waits for it, giving up as soon as
/// `stop` is raised: statistics over many millions of trials take seconds, and an
/// interrupt must not wait for them. An abandoned thread ends with the process.
fn finish_unless_stopped<T: Send + 'static>(
    stop: &AtomicBool,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, CliError> {
    let handle = std::thread::Builder::new()
        .name("statistics".into())
        .spawn(work)
        .map_err(|e| EngineError::Threads {
            threads: 1,
            message: e.to_string(),
        })?;
    loop {
        if handle.is_finished() {
            return match handle.join() {
                Ok(value) => Ok(value),
                Err(panic) => std::panic::resume_unwind(panic),
            };
        }
        check_stop(stop)?;
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// Statistics, CSV files, manifest and charts of a finished simulation, written
/// into the staged folder and swapped into place; returns the console report.
pub fn finish_run(
    run: FinishRun,
    publish: Publish<'_>,
    simulated: engine::Simulated,
    stop: &AtomicBool,
) -> Result<String, CliError> {
    finish_run_with(run, publish, simulated, &Board::default(), stop)
}

fn finish_run_with(
    run: FinishRun,
    mut publish: Publish<'_>,
    simulated: engine::Simulated,
    board: &Board,
    stop: &AtomicBool,
) -> Result<String, CliError> {
    let FinishRun {
        scenario,
        scenario_file,
        scenario_bytes: bytes,
        overrides,
        threads,
        trials_csv,
        charts,
        origin,
        reached,
    } = run;
    let mut simulated = Arc::new(simulated);
    let exact = engine::keeps_samples(scenario.trials, scenario.strategies.len());
    let (
        stats::Analysis {
            summaries,
            comparisons,
            histograms,
        },
        decisions,
    ) = {
        let simulated = Arc::clone(&simulated);
        finish_unless_stopped(stop, move || {
            engine::on_threads(threads, || {
                let samples = simulated.samples.as_ref().filter(|_| exact);
                (
                    stats::analyse_partial(&simulated.partial, samples),
                    stats::decision::decisions_of(&simulated.partial),
                )
            })
        })??
    };

    check_stop(stop)?;
    publish.file("summary.csv", &csv_out::summary_csv(&scenario, &summaries)?)?;
    publish.file(
        "comparison.csv",
        &csv_out::comparison_csv(&scenario, &comparisons)?,
    )?;
    publish.file(
        "histograms.csv",
        &csv_out::histograms_csv(&scenario, &histograms)?,
    )?;
    if trials_csv {
        publish.stream("trials.csv", |out| {
            let samples = simulated.samples.as_ref().ok_or_else(|| {
                CliError::Usage("--trials-csv: the run did not keep its trials".into())
            })?;
            Ok(csv_out::write_trials_csv(&scenario, samples, out)?)
        })?;
    }
    publish.file(
        "decision.csv",
        &csv_out::decision_csv(&scenario, &decisions)?,
    )?;
    // The kept trials have served (statistics, trials.csv): the charts, the page
    // and the workbook read the files, so the trials are let go before them, and
    // a run's peak memory is the statistics', not the statistics' plus a canvas.
    if let Some(only) = Arc::get_mut(&mut simulated) {
        only.samples = None;
    }
    let tail_capped_trials = (0..simulated.partial.strategies())
        .map(|s| {
            simulated
                .partial
                .column(s, Metric::TailCapped)
                .sketch
                .count_positive()
        })
        .collect();
    let manifest = Manifest {
        tool: env!("CARGO_PKG_NAME"),
        version: env!("CARGO_PKG_VERSION"),
        build: crate::output::manifest::BUILD,
        kind: None,
        scenario_name: &scenario.name,
        scenario_title: &scenario.title,
        scenario_file: Some(scenario_file.clone()),
        scenario_sha256: Some(sha256_hex(&bytes)),
        extends: Manifest::extends_of(&scenario),
        currency: &scenario.currency,
        seed: scenario.seed,
        trials: scenario.trials,
        batch_trials: BATCH_TRIALS,
        threads,
        command_line: command_line(),
        overrides: overrides.iter().map(|o| o.to_string()).collect(),
        target_build_weeks: scenario.build.target_weeks,
        strategies: Manifest::strategies_of(&scenario),
        tail_capped_trials,
        // The run's charts, and the tornado a board pack adds to them.
        charts: chart_stems(ManifestKind::Run)
            .into_iter()
            .map(String::from)
            .chain(board.tornadoes.iter().map(|t| t.name.clone()))
            .collect(),
        evidence: Manifest::evidence_of(&scenario),
        scenario: &scenario,
    };
    publish.manifest(&manifest.to_json())?;
    publish.charts(charts.format(), |dir, format| {
        on_drawing_threads(threads, || render_run_charts(dir, format))
    })?;
    for (name, bytes) in &board.files {
        publish.file(name, bytes)?;
    }
    if !board.tornadoes.is_empty() {
        publish.charts(charts.format(), |dir, format| {
            on_drawing_threads(threads, || {
                crate::output::chart::render_tornado_charts(dir, &board.tornadoes, format)
            })
        })?;
    }
    // The live panel carries the scenario as this run read it (never read again).
    let extras = report::Extras {
        scenario: Some(report::live::ScenarioText {
            file: scenario_file,
            bytes: bytes.clone(),
            bases: scenario.bases.clone(),
        }),
        ..board.extras.clone()
    };
    publish.report(charts.format().is_some(), &extras)?;
    let published = publish.commit()?;

    let mut report = console::headline_table(&scenario, &summaries);
    report.push_str(&console::decision_table(&scenario, &decisions));
    report.push_str(&match origin {
        Origin::Simulated(elapsed) => {
            console::simulated_line(&scenario, elapsed.as_secs_f64(), threads)
        }
        Origin::Merged { parts, started } => {
            console::merged_line(&scenario, parts, started.elapsed().as_secs_f64(), threads)
        }
    });
    if let Some((worst, target)) = reached {
        report.push_str(&console::precision_line(scenario.trials, worst, target));
    }
    report.push_str(&console::wrote(&published.folder, &published.written));
    Ok(report)
}
