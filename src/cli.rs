//! The command line: clap types, orchestration of a run, and the console report.
//! With `main.rs`, the only code that prints.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::{Args, Parser, Subcommand};

use crate::engine::{self, BATCH_TRIALS, EngineError, RunPlan};
use crate::model::{HEADLINE, Metric, Model};
use crate::output::csv::{self as csv_out, CsvError};
use crate::output::manifest::{Manifest, sha256_hex};
use crate::output::{OutputError, Staging, StopWriter};
use crate::scenario::{self, MAX_TRIALS, Override, Scenario, ScenarioError};
use crate::stats::{self, Summary};

const EXAMPLES: &str = "\
Examples:
  tradeoff-sim run scenarios/seed.toml
  tradeoff-sim run scenarios/seed.toml --trials 1000000 --seed 7 --out output/seed-1m
  tradeoff-sim run scenarios/peak-season.toml --force --trials-csv
  tradeoff-sim run scenarios/seed.toml --set strategies.hybrid.governance=0.8 --out output/hybrid-0.8
  tradeoff-sim validate scenarios/my-scenario.toml

Exit codes: 0 success, 1 the run failed, 2 bad usage or a bad scenario, 130 interrupted.";

/// Monte Carlo simulator of delivery tradeoffs for a composable-commerce
/// replatform: backend-led, UX-led or hybrid partners.
#[derive(Parser, Debug)]
#[command(name = "tradeoff-sim", version, about, after_help = EXAMPLES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Simulate a scenario and write summary.csv, comparison.csv, histograms.csv and
    /// manifest.json into a run folder.
    #[command(after_help = EXAMPLES)]
    Run(RunArgs),
    /// Check a scenario file and report every problem, without running it.
    #[command(after_help = "Example:\n  tradeoff-sim validate scenarios/seed.toml")]
    Validate {
        /// The scenario file (TOML).
        scenario: PathBuf,
        /// Override a scenario value before checking it; repeatable.
        #[arg(long = "set", value_name = "KEY.PATH=VALUE")]
        set: Vec<String>,
    },
}

#[derive(Args, Debug)]
pub struct RunArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Number of trials (overrides the scenario's `trials`).
    #[arg(long, value_name = "N")]
    pub trials: Option<u64>,
    /// Master seed (overrides the scenario's `seed`).
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Worker threads; results do not depend on it. Default: one per core.
    #[arg(long, value_name = "T", default_value_t = 0)]
    pub threads: usize,
    /// Run folder. Default: output/<scenario file name without .toml>.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replace an earlier result in the run folder.
    #[arg(long)]
    pub force: bool,
    /// Also write trials.csv, one row per trial and strategy (large).
    #[arg(long)]
    pub trials_csv: bool,
    /// Override a scenario value, checked like a line of the file; repeatable.
    /// E.g. --set strategies.hybrid.governance=0.62 --set 'build.estimate={ pert = [0.9, 1, 1.5] }'
    #[arg(long = "set", value_name = "KEY.PATH=VALUE")]
    pub set: Vec<String>,
}

/// Parses `--set` arguments.
pub fn parse_overrides(set: &[String]) -> Result<Vec<Override>, CliError> {
    set.iter()
        .map(|s| Override::parse(s).map_err(|e| CliError::Usage(format!("--set: {e}"))))
        .collect()
}

/// Everything that can end a command; each knows its exit code.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error(transparent)]
    Output(#[from] OutputError),
    #[error(transparent)]
    Csv(#[from] CsvError),
}

impl CliError {
    /// 2 for bad usage or a bad scenario, 130 for an interrupt, 1 for a failed run.
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::Scenario(_) | CliError::Usage(_) => 2,
            CliError::Engine(EngineError::TooLarge { .. } | EngineError::NotFinite { .. }) => 2,
            CliError::Engine(EngineError::Interrupted) => 130,
            _ => 1,
        }
    }
}

/// Runs the parsed command; returns the text for stdout.
pub fn execute(cli: Cli, stop: &AtomicBool) -> Result<String, CliError> {
    match cli.command {
        Command::Run(args) => run(&args, stop),
        Command::Validate { scenario, set } => {
            let s = scenario::from_path_with(&scenario, &parse_overrides(&set)?)?;
            let plural = |n: usize, one: &str, many: &str| {
                format!("{n} {}", if n == 1 { one } else { many })
            };
            Ok(format!(
                "{}: valid: {}, {}, {} trials, seed {}\n",
                scenario.display(),
                plural(s.strategies.len(), "strategy", "strategies"),
                plural(s.risks.len(), "risk", "risks"),
                s.trials,
                s.seed
            ))
        }
    }
}

/// A run; whatever fails after an interrupt is reported as the interrupt (the
/// staging folder is gone by then, and any earlier result untouched).
fn run(args: &RunArgs, stop: &AtomicBool) -> Result<String, CliError> {
    match run_until_stopped(args, stop) {
        Err(_) if stop.load(Ordering::SeqCst) => Err(EngineError::Interrupted.into()),
        other => other,
    }
}

/// `Err(Interrupted)` once `stop` is raised: checked between the stages of a run.
fn check_stop(stop: &AtomicBool) -> Result<(), CliError> {
    if stop.load(Ordering::SeqCst) {
        return Err(EngineError::Interrupted.into());
    }
    Ok(())
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

fn run_until_stopped(args: &RunArgs, stop: &AtomicBool) -> Result<String, CliError> {
    let overrides = parse_overrides(&args.set)?;
    let mut scenario = scenario::from_path_with(&args.scenario, &overrides)?;
    if let Some(trials) = args.trials {
        if !(1..=MAX_TRIALS).contains(&trials) {
            return Err(CliError::Usage(format!(
                "--trials must be between 1 and {MAX_TRIALS}, got {trials}"
            )));
        }
        scenario.trials = trials;
    }
    if let Some(seed) = args.seed {
        scenario.seed = seed;
    }
    let destination = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(&scenario.name));
    let bytes = std::fs::read(&args.scenario).map_err(|source| ScenarioError::Read {
        path: args.scenario.clone(),
        source,
    })?;
    let threads = if args.threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        args.threads
    };
    // Refuse a run too large to hold, and an existing result, before creating
    // anything or spending time on the simulation.
    engine::check_size(scenario.trials, scenario.strategies.len())?;
    let staging = Staging::begin(&destination, args.force)?;
    let model = Model::new(&scenario);
    let plan = RunPlan {
        trials: scenario.trials,
        seed: scenario.seed,
        threads,
    };
    let started = std::time::Instant::now();
    let samples = Arc::new(engine::simulate(&model, &plan, stop)?);
    let elapsed = started.elapsed();
    let (summaries, comparisons, histograms) = {
        let samples = Arc::clone(&samples);
        finish_unless_stopped(stop, move || {
            (
                stats::summaries(&samples),
                stats::comparisons(&samples),
                stats::histograms(&samples),
            )
        })?
    };

    let mut written = Vec::new();
    check_stop(stop)?;
    written.push(staging.write("summary.csv", &csv_out::summary_csv(&scenario, &summaries)?)?);
    check_stop(stop)?;
    written.push(staging.write(
        "comparison.csv",
        &csv_out::comparison_csv(&scenario, &comparisons)?,
    )?);
    check_stop(stop)?;
    written.push(staging.write(
        "histograms.csv",
        &csv_out::histograms_csv(&scenario, &histograms)?,
    )?);
    if args.trials_csv {
        check_stop(stop)?;
        let path = staging.dir().join("trials.csv");
        let file = std::fs::File::create(&path).map_err(|source| OutputError::Io {
            path: path.clone(),
            action: "cannot create file",
            source,
        })?;
        let mut buffered = std::io::BufWriter::new(StopWriter::new(file, stop));
        csv_out::write_trials_csv(&scenario, &samples, &mut buffered)?;
        buffered
            .into_inner()
            .map(StopWriter::into_inner)
            .map_err(|e| OutputError::Io {
                path: path.clone(),
                action: "cannot write",
                source: std::io::Error::other(e.to_string()),
            })?
            .sync_all()
            .map_err(|source| OutputError::Io {
                path: path.clone(),
                action: "cannot flush to disk",
                source,
            })?;
        written.push(destination.join("trials.csv"));
    }
    let tail_capped_trials = (0..samples.strategies())
        .map(|s| {
            samples
                .column(s, Metric::TailCapped)
                .iter()
                .filter(|&&x| x > 0.0)
                .count() as u64
        })
        .collect();
    let manifest = Manifest {
        tool: env!("CARGO_PKG_NAME"),
        version: env!("CARGO_PKG_VERSION"),
        scenario_name: &scenario.name,
        scenario_title: &scenario.title,
        scenario_file: Some(args.scenario.display().to_string()),
        scenario_sha256: Some(sha256_hex(&bytes)),
        currency: &scenario.currency,
        seed: scenario.seed,
        trials: scenario.trials,
        batch_trials: BATCH_TRIALS,
        threads,
        command_line: std::env::args().collect(),
        overrides: overrides.iter().map(|o| o.to_string()).collect(),
        target_build_weeks: scenario.build.target_weeks,
        strategies: Manifest::strategies_of(&scenario),
        tail_capped_trials,
        scenario: &scenario,
    };
    check_stop(stop)?;
    written.push(staging.write("manifest.json", &manifest.to_json())?);
    // The last point of no return: after the swap the run has succeeded.
    check_stop(stop)?;
    let folder = staging.commit()?;

    let mut report = headline_table(&scenario, &summaries);
    let rate = scenario.trials as f64 / elapsed.as_secs_f64().max(1e-9);
    report.push_str(&format!(
        "\n{} trials x {} strategies in {:.2} s ({} trials/s, {} threads), seed {}\n",
        group_thousands(scenario.trials as f64),
        scenario.strategies.len(),
        elapsed.as_secs_f64(),
        group_thousands(rate.round()),
        threads,
        scenario.seed
    ));
    report.push_str(&format!("wrote {}:\n", folder.display()));
    for path in written {
        report.push_str(&format!("  {}\n", path.display()));
    }
    Ok(report)
}

/// P50 / P80 / P95 of the headline metrics, one block per metric.
fn headline_table(scenario: &Scenario, summaries: &[Summary]) -> String {
    let width = scenario
        .strategies
        .iter()
        .map(|s| s.label.chars().count())
        .max()
        .unwrap_or(8)
        .max(8);
    let mut out = format!("{} ({})\n", scenario.title, scenario.name);
    for metric in HEADLINE {
        let unit = metric.unit_label(&scenario.currency);
        if metric == Metric::ApiFailure {
            out.push_str(&format!(
                "\nP(at least one post-launch API failure in {} weeks)\n",
                scenario.horizon.weeks
            ));
            for s in summaries.iter().filter(|s| s.metric == metric) {
                let half = stats::Z_975 * s.std_err;
                out.push_str(&format!(
                    "  {:<width$}  {:>6.1}%  (95% CI {:.1}% to {:.1}%)\n",
                    scenario.strategies[s.strategy].label,
                    100.0 * s.mean,
                    100.0 * (s.mean - half).max(0.0),
                    100.0 * (s.mean + half).min(1.0),
                ));
            }
            continue;
        }
        out.push_str(&format!(
            "\n{} ({unit})\n  {:<width$}  {:>10}  {:>10}  {:>10}\n",
            metric.id(),
            "strategy",
            "P50",
            "P80",
            "P95"
        ));
        for s in summaries.iter().filter(|s| s.metric == metric) {
            let f = |x: f64| format_value(metric, x, &scenario.currency);
            out.push_str(&format!(
                "  {:<width$}  {:>10}  {:>10}  {:>10}\n",
                scenario.strategies[s.strategy].label,
                f(s.p50()),
                f(s.p80()),
                f(s.p95())
            ));
        }
    }
    out
}

fn format_value(metric: Metric, x: f64, currency: &str) -> String {
    use crate::model::Unit;
    match metric.unit() {
        Unit::Money => format_money(x, currency),
        Unit::Count => format!("{x:.0}"),
        Unit::Weeks | Unit::Hours => format!("{x:.1}"),
        _ => format!("{x:.3}"),
    }
}

/// Money the way a board reads it: `$2.1m`, `$450k`, `€1.2bn`.
pub fn format_money(x: f64, currency: &str) -> String {
    let symbol = match currency {
        "USD" => "$".to_string(),
        "EUR" => "€".to_string(),
        "GBP" => "£".to_string(),
        other => format!("{other} "),
    };
    let sign = if x < 0.0 { "-" } else { "" };
    let a = x.abs();
    if a >= 1e9 {
        format!("{sign}{symbol}{:.1}bn", a / 1e9)
    } else if a >= 1e6 {
        format!("{sign}{symbol}{:.1}m", a / 1e6)
    } else if a >= 1e3 {
        format!("{sign}{symbol}{:.0}k", a / 1e3)
    } else {
        format!("{sign}{symbol}{a:.0}")
    }
}

/// 1234567 -> "1,234,567".
pub fn group_thousands(x: f64) -> String {
    let digits = format!("{:.0}", x.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if x < 0.0 { format!("-{out}") } else { out }
}

/// Writes to stdout; a closed pipe (`| head`) is not an error.
pub fn print_stdout(text: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}
