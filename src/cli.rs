//! The command line: clap types, orchestration of a run, and the console report.
//! With `main.rs`, the only code that prints.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::{Args, Parser, Subcommand};

mod progress;
mod sensitivity;

use crate::analysis::compare as comparing;
use crate::analysis::sweep::{self as sweeping, SweepError, SweepParam, SweepPlan};
use crate::engine::{self, BATCH_TRIALS, EngineError, RunPlan};
use crate::model::{HEADLINE, Metric, Model};
use crate::output::chart::{
    ChartError, ChartFormat, render_compare_charts, render_folder_charts, render_run_charts,
    render_sweep_charts,
};
use crate::output::csv::{self as csv_out, CsvError};
use crate::output::manifest::{Manifest, sha256_hex};
use crate::output::{OutputError, Staging, StopWriter};
use crate::scenario::{self, MAX_TRIALS, Override, Scenario, ScenarioError};
use crate::stats::{self, Summary};
use crate::text::{display_width, pad_left, pad_right, truncate};

const EXAMPLES: &str = "\
Examples:
  tradeoff-sim run scenarios/seed.toml
  tradeoff-sim run scenarios/seed.toml --trials 1000000 --seed 7 --out output/seed-1m
  tradeoff-sim run scenarios/peak-season.toml --force --trials-csv
  tradeoff-sim run scenarios/seed.toml --set strategies.hybrid.governance=0.8 --out output/hybrid-0.8
  tradeoff-sim run scenarios/seed.toml --charts png
  tradeoff-sim chart output/seed
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

impl Cli {
    /// Parses the process's command line like [`Parser::parse`] (printing the error
    /// and exiting on bad usage), and also records the order of sweep's `--values`
    /// and `--range`, so that each goes with its own `--param`.
    pub fn parse_ordered() -> Cli {
        Self::try_parse_ordered_from(std::env::args_os()).unwrap_or_else(|e| e.exit())
    }

    /// [`Cli::parse_ordered`] on the given arguments (the first is the program name).
    pub fn try_parse_ordered_from<I, T>(args: I) -> Result<Cli, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        use clap::{CommandFactory, FromArgMatches};
        let mut command = Cli::command();
        let matches = command.try_get_matches_from_mut(args)?;
        let mut cli = Cli::from_arg_matches(&matches).map_err(|e| e.format(&mut command))?;
        if let (Command::Sweep(sweep), Some(("sweep", m))) =
            (&mut cli.command, matches.subcommand())
        {
            let mut lists: Vec<(usize, bool, String)> = Vec::new();
            for (id, is_range) in [("values", false), ("range", true)] {
                if let (Some(indices), Some(values)) = (m.indices_of(id), m.get_many::<String>(id))
                {
                    lists.extend(indices.zip(values).map(|(i, v)| (i, is_range, v.clone())));
                }
            }
            lists.sort_by_key(|(i, _, _)| *i);
            sweep.lists_in_order = lists.into_iter().map(|(_, r, v)| (r, v)).collect();
        }
        Ok(cli)
    }
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Simulate a scenario and write summary.csv, comparison.csv, histograms.csv and
    /// manifest.json into a run folder.
    #[command(after_help = EXAMPLES)]
    Run(RunArgs),
    /// Run a scenario and judge each of its [[claims]] as holds, fails or undecided;
    /// write claims.csv and manifest.json into a run folder.
    #[command(after_help = CHECK_HELP)]
    Check(CheckArgs),
    /// Run a scenario at several values of one or two parameters, every point on
    /// the same seed, and say where one strategy starts to beat another.
    #[command(after_help = SWEEP_EXAMPLES)]
    Sweep(SweepArgs),
    /// Run several scenarios and show the same strategies side by side.
    #[command(
        after_help = "Example:\n  tradeoff-sim compare scenarios/seed.toml scenarios/reference.toml"
    )]
    Compare(CompareArgs),
    /// Which assumptions move the answer: a tornado of every numeric key and risk,
    /// swung one at a time on the same seed, and rank correlations of the sampled
    /// drivers with the output.
    #[command(after_help = sensitivity::EXAMPLES)]
    Sensitivity(sensitivity::SensitivityArgs),
    /// Draw a run, sweep or compare folder's charts again from its saved files, without
    /// simulating.
    #[command(after_help = "Example:\n  tradeoff-sim chart output/seed --charts png")]
    Chart {
        /// A folder written by `tradeoff-sim run`, `sweep` or `compare`.
        run_folder: PathBuf,
        /// Which formats to draw.
        #[arg(long, value_enum, default_value_t = Charts::Both)]
        charts: Charts,
    },
    /// Join the partial results of `run --shard I/N` into one run folder, the same
    /// as a single run with the same scenario, seed and trials.
    #[command(
        after_help = "Example:\n  tradeoff-sim run scenarios/seed.toml --trials 4000000 --shard 0/2\n  tradeoff-sim run scenarios/seed.toml --trials 4000000 --shard 1/2\n  tradeoff-sim merge output/seed-shard-0-of-2 output/seed-shard-1-of-2"
    )]
    Merge(MergeArgs),
    /// Check a scenario file and report every problem, then run its first batch of
    /// trials to catch draws that overflow; writes nothing.
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
    #[command(flatten)]
    pub run: RunOptions,
    /// Also write trials.csv, one row per trial and strategy (large).
    #[arg(long)]
    pub trials_csv: bool,
    /// Run until every headline statistic is known to this precision: the 95%
    /// half-width of each strategy's API-failure probability, and of its P80 total
    /// cost relative to its value, at most P (e.g. 0.005). Starts at 65,536 trials
    /// and adds batches, to the count the half-widths predict plus 10%; the same seed
    /// stops at the same count. Replaces --trials.
    #[arg(
        long,
        value_name = "P",
        conflicts_with = "trials",
        allow_negative_numbers = true
    )]
    pub precision: Option<f64>,
    /// Compute only shard I of N (0-based) of the run's batches and write a partial
    /// result (partial.bin, manifest.json); `tradeoff-sim merge` joins the N parts
    /// into the output a single run would give. Default folder:
    /// output/<name>-shard-I-of-N. A shard draws no charts and writes no
    /// trials.csv: give --charts and --trials-csv to merge.
    #[arg(
        long,
        value_name = "I/N",
        conflicts_with = "precision",
        allow_hyphen_values = true
    )]
    pub shard: Option<String>,
    /// Charts to draw into <run folder>/charts/: PNG (1920x1080) and SVG by default
    /// (`both`).
    #[arg(long, value_enum)]
    pub charts: Option<Charts>,
}

/// Chart formats: Google Slides takes PNG only, PowerPoint and Keynote take SVG too.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Charts {
    Png,
    Svg,
    Both,
    None,
}

impl Charts {
    fn format(self) -> Option<ChartFormat> {
        match self {
            Charts::Png => Some(ChartFormat::Png),
            Charts::Svg => Some(ChartFormat::Svg),
            Charts::Both => Some(ChartFormat::Both),
            Charts::None => None,
        }
    }
}

const SWEEP_EXAMPLES: &str = "\
Examples:
  tradeoff-sim sweep scenarios/seed.toml --param strategies.hybrid.governance --range 0.1:0.9:9
  tradeoff-sim sweep scenarios/seed.toml --param surges.events_per_window --values 0.5,1,2,4 --metric api_failure --stat mean
  tradeoff-sim sweep scenarios/seed.toml --param strategies.hybrid.governance=0.2:0.9:8 --param cost.hourly_rate=100,150,200

A value list (--values a,b,c) or a range (--range lo:hi:steps, both ends included) goes
with each --param, in order; or write it inline: --param KEY=a,b,c or --param KEY=lo:hi:steps.";

/// Options every command that runs the model shares.
#[derive(Args, Debug, Clone)]
pub struct RunOptions {
    /// Number of trials, 1 to 1000000000 (overrides the scenario's `trials`).
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = trials_parser())]
    pub trials: Option<u64>,
    /// Master seed, 0 to 9223372036854775807 like the scenario's `seed` (which it
    /// overrides), so that any run can be written down as a scenario file.
    #[arg(long, value_name = "S", allow_negative_numbers = true, value_parser = seed_parser())]
    pub seed: Option<u64>,
    /// Worker threads, 1 to 1024, or 0 (the default) for one per core; results do
    /// not depend on it.
    #[arg(long, value_name = "T", default_value_t = 0, allow_negative_numbers = true, value_parser = threads_parser())]
    pub threads: usize,
    /// Output folder. Default: under output/, named after the scenario file, or
    /// after its title when it comes from a pipe (run: output/<name>/; check:
    /// output/<name>/check/; sweep: output/<name>-sweep/). A symbolic link is
    /// followed and kept.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replace an earlier result in the output folder: only a folder tradeoff-sim
    /// wrote, holding nothing but its files.
    #[arg(long)]
    pub force: bool,
    /// Override a scenario value, checked like a line of the file; repeatable.
    #[arg(long = "set", value_name = "KEY.PATH=VALUE")]
    pub set: Vec<String>,
}

#[derive(Args, Debug)]
pub struct MergeArgs {
    /// The shard folders, in any order (every shard of one run, each once).
    #[arg(required = true)]
    pub parts: Vec<PathBuf>,
    /// Run folder. Default: output/<scenario name>.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replace an earlier result in the run folder: only a folder tradeoff-sim
    /// wrote, holding nothing but its files.
    #[arg(long)]
    pub force: bool,
    /// Worker threads for the statistics, 1 to 1024, or 0 (the default) for one per
    /// core; results do not depend on it.
    #[arg(long, value_name = "T", default_value_t = 0, allow_negative_numbers = true, value_parser = threads_parser())]
    pub threads: usize,
    /// Also write trials.csv.
    #[arg(long)]
    pub trials_csv: bool,
    /// Charts to draw into <run folder>/charts/.
    #[arg(long, value_enum, default_value_t = Charts::Both)]
    pub charts: Charts,
}

#[derive(Args, Debug)]
pub struct SweepArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// A parameter to sweep, as a key path (one or two).
    #[arg(long, value_name = "KEY.PATH", required = true)]
    pub param: Vec<String>,
    /// Values for a --param: a,b,c.
    #[arg(long, value_name = "A,B,C", allow_hyphen_values = true)]
    pub values: Vec<String>,
    /// Values for a --param: lo:hi:steps, evenly spaced, both ends included.
    #[arg(long, value_name = "LO:HI:STEPS", allow_hyphen_values = true)]
    pub range: Vec<String>,
    /// Every --values and --range in command-line order (`true` for a range), which
    /// the two fields above lose; filled by [`Cli::parse_ordered`]. When empty (the
    /// arguments were built in code), the lists may not mix the two kinds.
    #[arg(skip)]
    pub lists_in_order: Vec<(bool, String)>,
    /// The metric the table and crossovers use.
    #[arg(long, default_value = "total_cost")]
    pub metric: String,
    /// The statistic of that metric: mean, p05 ... p99.
    #[arg(long, default_value = "p80")]
    pub stat: String,
    /// Chart to draw into <sweep folder>/charts/sweep.png|svg: PNG (1920x1080) and SVG by default.
    #[arg(long, value_enum, default_value_t = Charts::Both)]
    pub charts: Charts,
    #[command(flatten)]
    pub run: RunOptions,
}

#[derive(Args, Debug)]
pub struct CompareArgs {
    /// Two or more scenario files (TOML).
    #[arg(required = true, num_args = 2..)]
    pub scenarios: Vec<PathBuf>,
    /// Charts to draw into <compare folder>/charts/compare_<metric>.png|svg: both by default.
    #[arg(long, value_enum, default_value_t = Charts::Both)]
    pub charts: Charts,
    #[command(flatten)]
    pub run: RunOptions,
}

const CHECK_HELP: &str = "\
A claim holds when its whole 95% Monte Carlo interval lies within its bounds,
fails when the whole interval lies outside them, and is undecided otherwise (the
report then says about how many trials would decide it).

Examples:
  tradeoff-sim check scenarios/seed.toml
  tradeoff-sim check scenarios/reference.toml --trials 1000000 --out output/reference-1m-check
  tradeoff-sim check scenarios/seed.toml --set strategies.hybrid.governance=0.6 --force

Exit codes: 0 every claim holds; 1 a claim fails or is undecided (or the run
failed); 2 bad usage or a bad scenario.";

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// The scenario file (TOML), with [[claims]].
    pub scenario: PathBuf,
    #[command(flatten)]
    pub run: RunOptions,
}

/// Where `run --precision` starts: 16 batches.
const PRECISION_START_TRIALS: u64 = 16 * BATCH_TRIALS;

/// Precision-targeted runs: how precise the headline statistics are.
mod precision {
    use crate::engine::BATCH_TRIALS;
    use crate::model::Metric;
    use crate::scenario::MAX_TRIALS;
    use crate::stats::{Partial, Z_975};

    /// The largest 95% half-width over the headline statistics: each strategy's
    /// API-failure probability (Wilson interval, absolute), and its P80 total cost
    /// relative to its value (distribution-free order-statistic interval: the ranks
    /// n 0.8 -+ 1.96 sqrt(n 0.8 0.2), read from the sketch).
    pub fn worst_half_width(partial: &Partial) -> f64 {
        let n = partial.trials() as f64;
        let z = Z_975;
        let mut worst = 0.0f64;
        for s in 0..partial.strategies() {
            let p = partial.column(s, Metric::ApiFailure).mean();
            let wilson = z / (1.0 + z * z / n) * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt();
            worst = worst.max(wilson);
            let cost = partial.column(s, Metric::TotalCost);
            let last = partial.trials() - 1;
            let spread = z * (n * 0.8 * 0.2).sqrt();
            let rank = |r: f64| (r.max(0.0) as u64).min(last);
            let h = (n - 1.0) * 0.8;
            let at = cost.at_ranks(&[
                rank((n * 0.8 - spread).floor() - 1.0),
                rank((n * 0.8 + spread).ceil() - 1.0),
                rank(h.floor()),
                rank(h.floor() + 1.0),
            ]);
            let p80 = at[2] + (h - h.floor()) * (at[3] - at[2]);
            if p80 > 0.0 {
                worst = worst.max((at[1] - at[0]) / 2.0 / p80);
            }
        }
        worst
    }

    /// A warning, after the first step, when the target needs more trials than a
    /// run may have (if the half-width shrinks as 1 / sqrt(n)): the run will stop
    /// at the limit, short of the target, and the user should know before waiting.
    pub fn beyond_reach(trials: u64, worst: f64, target: f64) -> Option<String> {
        let needed = trials as f64 * (worst / target).powi(2);
        (needed > MAX_TRIALS as f64).then(|| {
            let at_limit = worst * (trials as f64 / MAX_TRIALS as f64).sqrt();
            format!(
                "note: --precision {target:e} needs about {needed:.1e} trials by the first {trials} trials' estimate, above the limit of {:.0e}; the run will stop at the limit, near a half-width of {at_limit:.2e} (Ctrl-C stops it, writing nothing)",
                MAX_TRIALS as f64
            )
        })
    }

    /// The trial count to try next: enough for the target if the half-width
    /// shrinks as 1 / sqrt(n) (plus 10%), at least one batch more and at most four
    /// times as many, in whole batches. Depends only on the figures, so the same
    /// seed stops at the same count.
    pub fn next_trials(trials: u64, worst: f64, target: f64) -> u64 {
        let wanted = (trials as f64 * (worst / target).powi(2) * 1.1).ceil();
        let wanted = wanted.clamp((trials + BATCH_TRIALS) as f64, (4 * trials) as f64) as u64;
        wanted
            .div_ceil(BATCH_TRIALS)
            .saturating_mul(BATCH_TRIALS)
            .min(MAX_TRIALS / BATCH_TRIALS * BATCH_TRIALS)
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn a_target_beyond_the_trial_limit_is_announced_and_a_reachable_one_is_not() {
            // 0.0074 at 65,536 trials: 0.005 needs about 1.4e5 trials, 1e-6 about 3.6e12.
            assert_eq!(beyond_reach(65_536, 0.0074, 0.005), None);
            assert_eq!(beyond_reach(65_536, 0.0074, 0.0003), None);
            let note = beyond_reach(65_536, 0.0074, 1e-6).expect("out of reach");
            assert!(note.contains("3.6e12 trials"), "{note}");
            assert!(note.contains("limit of 1e9"), "{note}");
        }
    }
}

/// `--trials`, if given, within the allowed range.
pub(crate) fn checked_trials(trials: Option<u64>) -> Result<Option<u64>, CliError> {
    match trials {
        Some(t) if !(1..=MAX_TRIALS).contains(&t) => Err(CliError::Usage(format!(
            "--trials must be between 1 and {MAX_TRIALS}, got {t}"
        ))),
        other => Ok(other),
    }
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
    /// `check` ran, and some claim fails or is undecided: `report` is its table.
    #[error("{summary}")]
    ClaimsNotHeld { report: String, summary: String },
    #[error(transparent)]
    Chart(#[from] ChartError),
    /// `chart` on a folder tradeoff-sim did not write, or whose files are damaged.
    #[error(transparent)]
    ChartInput(ChartError),
}

impl From<SweepError> for CliError {
    fn from(e: SweepError) -> Self {
        match e {
            SweepError::Usage(m) => CliError::Usage(m),
            SweepError::Scenario(e) => CliError::Scenario(e),
            SweepError::Engine(e) => CliError::Engine(e),
        }
    }
}

impl From<crate::check::CheckError> for CliError {
    fn from(e: crate::check::CheckError) -> Self {
        use crate::check::CheckError;
        match e {
            CheckError::Scenario(e) => CliError::Scenario(e),
            CheckError::Engine(e) => CliError::Engine(e),
        }
    }
}

impl CliError {
    /// 2 for bad usage or a bad scenario, 130 for an interrupt, 1 for a failed run.
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::Scenario(_) | CliError::Usage(_) | CliError::ChartInput(_) => 2,
            CliError::Engine(EngineError::TooLarge { .. } | EngineError::NotFinite { .. }) => 2,
            CliError::Engine(EngineError::Interrupted) => 130,
            _ => 1,
        }
    }
}

/// Runs the parsed command; returns the text for stdout.
/// The command line for a manifest. `std::env::args` panics on an argument that
/// is not valid UTF-8 (a file or folder name in another encoding); such bytes are
/// recorded as U+FFFD instead.
pub(crate) fn command_line() -> Vec<String> {
    std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect()
}

/// A draw that overflowed to infinity comes from the scenario's values: name the
/// file first, as every other problem with the scenario does.
fn in_scenario(path: &Path, result: Result<String, CliError>) -> Result<String, CliError> {
    match result {
        Err(CliError::Engine(e @ EngineError::NotFinite { .. })) => {
            Err(CliError::Usage(format!("{}: {e}", path.display())))
        }
        other => other,
    }
}

pub fn execute(cli: Cli, stop: &AtomicBool) -> Result<String, CliError> {
    match cli.command {
        Command::Run(args) => in_scenario(&args.scenario, run(&args, stop)),
        Command::Merge(args) => merge(&args, stop),
        Command::Check(args) => in_scenario(&args.scenario, check(&args, stop)),
        Command::Sweep(args) => in_scenario(&args.scenario, sweep(&args, stop)),
        Command::Compare(args) => compare(&args, stop),
        Command::Sensitivity(args) => {
            in_scenario(&args.scenario, sensitivity::sensitivity(&args, stop))
        }
        Command::Chart { run_folder, charts } => {
            let Some(format) = charts.format() else {
                return Ok("--charts none: nothing to draw\n".to_string());
            };
            // A folder that is not one tradeoff-sim wrote, or whose files do not
            // hold what it wrote, is bad usage: exit 2, and nothing is drawn.
            let paths = render_folder_charts(&run_folder, format).map_err(|e| {
                if e.is_bad_input() {
                    CliError::ChartInput(e)
                } else {
                    CliError::Chart(e)
                }
            })?;
            let mut out = format!(
                "drew {} charts from {}:\n",
                paths.len(),
                run_folder.display()
            );
            for p in paths {
                out.push_str(&format!("  {}\n", p.display()));
            }
            Ok(out)
        }
        Command::Validate { scenario, set } => {
            let s = scenario::from_path_with(&scenario, &parse_overrides(&set)?)?;
            // A smoke run of the first batch on the scenario's seed: a scenario
            // whose draws overflow double precision is refused here, in a
            // fraction of a second, rather than minutes into a long run. (Rarer
            // overflows can still surface later; `run` checks every trial.)
            let plan = RunPlan {
                trials: s.trials.min(BATCH_TRIALS),
                seed: s.seed,
                threads: 1,
            };
            in_scenario(
                &scenario,
                engine::summarise_run(&Model::new(&s), &plan, stop)
                    .map(|_| String::new())
                    .map_err(CliError::from),
            )?;
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
    let options = &args.run;
    let overrides = parse_overrides(&options.set)?;
    let trials = checked_trials(options.trials)?;
    // One read: the manifest hashes and carries the bytes that were validated.
    let (mut scenario, bytes) = scenario::from_path_keeping_bytes(&args.scenario, &overrides)?;
    if let Some(trials) = trials {
        scenario.trials = trials;
    }
    if let Some(seed) = options.seed {
        scenario.seed = seed;
    }
    let destination = options
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(&scenario.name));
    let threads = threads_of(options.threads);
    if let Some(p) = args.precision {
        if !(p > 0.0 && p < 1.0) {
            return Err(CliError::Usage(format!(
                "--precision must be between 0 and 1 (e.g. 0.005), got {p}"
            )));
        }
        scenario.trials = PRECISION_START_TRIALS;
    }
    if let Some(spec) = &args.shard {
        let (index, count) = parse_shard(spec)?;
        refuse_whole_run_outputs(args, &scenario)?;
        let destination = options.out.clone().unwrap_or_else(|| {
            Path::new("output").join(format!("{}-shard-{index}-of-{count}", scenario.name))
        });
        return run_shard(
            &scenario,
            &args.scenario,
            &bytes,
            &overrides,
            (index, count),
            destination,
            threads,
            options.force,
            stop,
        );
    }
    // Refuse a run too large to hold, and an existing result, before creating
    // anything or spending time on the simulation.
    let strategies = scenario.strategies.len();
    let keep = |trials: u64| args.trials_csv || engine::keeps_samples(trials, strategies);
    if keep(scenario.trials) {
        engine::check_size(scenario.trials, strategies)?;
    }
    let staging = Staging::begin(&destination, options.force)?;
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
        let Some(target) = args.precision else {
            break whole;
        };
        let worst = precision::worst_half_width(&whole.partial);
        bar.precision(worst, target);
        if whole.partial.trials() <= PRECISION_START_TRIALS
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
        destination,
        staging,
        trials_csv: args.trials_csv,
        charts: args.charts.unwrap_or(Charts::Both),
        origin: Origin::Simulated(elapsed),
        reached,
    };
    finish_run(finish, simulated, stop)
}

/// Most shards a run may be cut into.
pub const MAX_SHARDS: u64 = 100_000;

/// `I/N` with 0 <= I < N <= [`MAX_SHARDS`].
fn parse_shard(spec: &str) -> Result<(u64, u64), CliError> {
    let bad = || {
        CliError::Usage(format!(
            "--shard: expected I/N with 0 <= I < N <= {MAX_SHARDS}, e.g. 0/4; got {spec:?}"
        ))
    };
    let (i, n) = spec.split_once('/').ok_or_else(bad)?;
    let (i, n): (u64, u64) = (
        i.trim().parse().map_err(|_| bad())?,
        n.trim().parse().map_err(|_| bad())?,
    );
    if n == 0 || i >= n || n > MAX_SHARDS {
        return Err(bad());
    }
    Ok((i, n))
}

/// `run --shard` writes a partial result only: what a whole run's files need (every
/// trial, every statistic) exists only once `merge` has joined the parts, so an
/// option asking for them is refused rather than silently ignored.
fn refuse_whole_run_outputs(args: &RunArgs, scenario: &Scenario) -> Result<(), CliError> {
    if args.trials_csv {
        return Err(CliError::Usage(format!(
            "--trials-csv with --shard: a shard writes a partial result (partial.bin), not trials.csv; give --trials-csv to merge instead (shards keep their trials for runs of at most {} trials of this scenario), or make the run on one machine",
            group_thousands(stats::exact_trials(scenario.strategies.len()) as f64)
        )));
    }
    if let Some(charts) = args.charts.filter(|c| *c != Charts::None) {
        let name = clap::ValueEnum::to_possible_value(&charts)
            .map_or_else(String::new, |v| v.get_name().to_string());
        return Err(CliError::Usage(format!(
            "--charts {name} with --shard: a shard draws no charts, as it holds only part of the run; give --charts to merge instead"
        )));
    }
    Ok(())
}

/// `run --shard I/N`: simulate this shard's batches and save them with everything
/// `merge` needs.
#[allow(clippy::too_many_arguments)]
fn run_shard(
    scenario: &Scenario,
    file: &Path,
    bytes: &[u8],
    overrides: &[Override],
    (index, count): (u64, u64),
    destination: PathBuf,
    threads: usize,
    force: bool,
    stop: &AtomicBool,
) -> Result<String, CliError> {
    use crate::output::shard::{self, ShardManifest};
    let batches = engine::shard_batches(scenario.trials, index, count);
    let shard_trials = (batches.end * BATCH_TRIALS).min(scenario.trials)
        - (batches.start * BATCH_TRIALS).min(scenario.trials);
    // A shard keeps its samples only when the whole run would (exact quantiles).
    let keep = engine::keeps_samples(scenario.trials, scenario.strategies.len());
    let staging = Staging::begin(&destination, force)?;
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
    let manifest = ShardManifest {
        tool: env!("CARGO_PKG_NAME").into(),
        version: env!("CARGO_PKG_VERSION").into(),
        build: crate::output::manifest::BUILD.into(),
        kind: crate::output::manifest::ManifestKind::Shard,
        shard: index,
        shards: count,
        first_batch: batches.start,
        end_batch: batches.end,
        scenario_name: scenario.name.clone(),
        scenario_file: file.display().to_string(),
        scenario_sha256: sha256_hex(bytes),
        scenario_text: String::from_utf8_lossy(bytes).into_owned(),
        overrides: overrides.iter().map(|o| o.to_string()).collect(),
        seed: scenario.seed,
        trials: scenario.trials,
        strategies: scenario.strategies.len(),
        partial_sha256: sha256_hex(&partial),
    };
    let mut json = serde_json::to_vec_pretty(&manifest).unwrap_or_default();
    json.push(b'\n');
    let written = [
        staging.write(shard::PARTIAL, &partial)?,
        staging.write("manifest.json", &json)?,
    ];
    check_stop(stop)?;
    let folder = staging.commit()?;
    let all_batches = scenario.trials.div_ceil(BATCH_TRIALS);
    let share = if batches.is_empty() {
        // More shards than batches: some shards have nothing to simulate, but
        // merge still needs every part, so this one writes an empty part.
        format!(
            "no share of the work: the run's {} trials make {} of {} trials, fewer than the {count} shards; wrote an empty part, which merge needs with the others",
            group_thousands(scenario.trials as f64),
            plural(all_batches, "batch", "batches"),
            group_thousands(BATCH_TRIALS as f64)
        )
    } else {
        format!(
            "batches {} to {} of {all_batches} ({} of {} trials), seed {}, {:.2} s",
            batches.start,
            batches.end - 1,
            group_thousands(shard_trials as f64),
            group_thousands(scenario.trials as f64),
            scenario.seed,
            elapsed.as_secs_f64()
        )
    };
    let mut out = format!(
        "shard {index} of {count}: {share}\nwrote {}:\n",
        folder.display()
    );
    for p in written {
        out.push_str(&format!("  {}\n", p.display()));
    }
    Ok(out)
}

/// "1 batch", "2 batches".
fn plural(n: u64, one: &str, many: &str) -> String {
    format!(
        "{} {}",
        group_thousands(n as f64),
        if n == 1 { one } else { many }
    )
}

/// Whether two paths name the same folder (both canonicalised when they exist).
fn same_folder(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// `merge`: check that the parts are every shard of one run, join them in shard
/// order, and finish the run exactly as a single machine would.
fn merge(args: &MergeArgs, stop: &AtomicBool) -> Result<String, CliError> {
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
    let mut scenario =
        scenario::from_str_with(&first.scenario_text, &first.scenario_name, &overrides).map_err(
            |problems| ScenarioError::Invalid {
                path: PathBuf::from(&first.scenario_file),
                problems,
            },
        )?;
    scenario.trials = first.trials;
    scenario.seed = first.seed;
    scenario.source = Some(PathBuf::from(&first.scenario_file));
    let destination = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(&scenario.name));
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
            group_thousands(stats::exact_trials(scenario.strategies.len()) as f64)
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
        let part = shard::decode(&bytes).map_err(|why| bad(&path, why))?;
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
    let staging = Staging::begin(&destination, args.force)?;
    let finish = FinishRun {
        scenario,
        scenario_file: first.scenario_file.clone(),
        scenario_bytes: first.scenario_text.clone().into_bytes(),
        overrides,
        threads: threads_of(args.threads),
        destination,
        staging,
        trials_csv: args.trials_csv,
        charts: args.charts,
        origin: Origin::Merged {
            parts: parts.len(),
            started,
        },
        reached: None,
    };
    finish_run(finish, merged, stop)
}

/// Everything a run needs once its samples exist: shared by `run` and `merge`.
struct FinishRun {
    scenario: Scenario,
    scenario_file: String,
    scenario_bytes: Vec<u8>,
    overrides: Vec<Override>,
    threads: usize,
    destination: PathBuf,
    staging: Staging,
    trials_csv: bool,
    charts: Charts,
    origin: Origin,
    /// `--precision`: the largest half-width reached and the target.
    reached: Option<(f64, f64)>,
}

/// Where a finished run's trials came from, for the report's last line.
enum Origin {
    /// Simulated here, in this long.
    Simulated(std::time::Duration),
    /// Joined from this many shard parts by `merge`, which began at this instant:
    /// no trial was simulated, so the report gives no simulation rate.
    Merged {
        parts: usize,
        started: std::time::Instant,
    },
}

/// Statistics, CSV files, manifest and charts of a finished simulation, written
/// into the staging folder and swapped into place; returns the console report.
fn finish_run(
    run: FinishRun,
    simulated: engine::Simulated,
    stop: &AtomicBool,
) -> Result<String, CliError> {
    let FinishRun {
        scenario,
        scenario_file,
        scenario_bytes: bytes,
        overrides,
        threads,
        destination,
        staging,
        trials_csv,
        charts,
        origin,
        reached,
    } = run;
    let simulated = Arc::new(simulated);
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
    if trials_csv {
        check_stop(stop)?;
        let path = staging.dir().join("trials.csv");
        let file = std::fs::File::create(&path).map_err(|source| OutputError::Io {
            path: path.clone(),
            action: "cannot create file",
            source,
        })?;
        let mut buffered = std::io::BufWriter::new(StopWriter::new(file, stop));
        let samples = simulated.samples.as_ref().ok_or_else(|| {
            CliError::Usage("--trials-csv: the run did not keep its trials".into())
        })?;
        csv_out::write_trials_csv(&scenario, samples, &mut buffered)?;
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
    check_stop(stop)?;
    written.push(staging.write(
        "decision.csv",
        &csv_out::decision_csv(&scenario, &decisions)?,
    )?);
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
        scenario_file: Some(scenario_file),
        scenario_sha256: Some(sha256_hex(&bytes)),
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
        scenario: &scenario,
    };
    check_stop(stop)?;
    written.push(staging.write("manifest.json", &manifest.to_json())?);
    if let Some(format) = charts.format() {
        check_stop(stop)?;
        // Drawn from the files just written, exactly as `tradeoff-sim chart` would.
        for path in render_run_charts(staging.dir(), format)? {
            if let Ok(relative) = path.strip_prefix(staging.dir()) {
                written.push(destination.join(relative));
            }
        }
    }
    // The last point of no return: after the swap the run has succeeded.
    check_stop(stop)?;
    let folder = staging.commit()?;

    let mut report = headline_table(&scenario, &summaries);
    report.push_str(&decision_table(&scenario, &decisions));
    match origin {
        Origin::Simulated(elapsed) => {
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
        }
        Origin::Merged { parts, started } => {
            report.push_str(&format!(
                "\nmerged {parts} shard parts: {} trials x {} strategies, simulated by the shards; parts read and checked, statistics and files written in {:.2} s ({} threads), seed {}\n",
                group_thousands(scenario.trials as f64),
                scenario.strategies.len(),
                started.elapsed().as_secs_f64(),
                threads,
                scenario.seed
            ));
        }
    }
    if let Some((worst, target)) = reached {
        report.push_str(&format!(
            "precision: largest 95% half-width {worst:.4} at {} trials ({}, target {target})\n",
            group_thousands(scenario.trials as f64),
            if worst <= target {
                "reached"
            } else {
                "NOT reached: the trial limit of 10^9 is reached"
            }
        ));
    }
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
        .map(|s| display_width(&s.label))
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
                    "  {}  {:>6.1}%  (95% CI {:.1}% to {:.1}%)\n",
                    pad_right(&scenario.strategies[s.strategy].label, width),
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
                "  {}  {:>10}  {:>10}  {:>10}\n",
                pad_right(&scenario.strategies[s.strategy].label, width),
                f(s.p50()),
                f(s.p80()),
                f(s.p95())
            ));
        }
    }
    out
}

/// Decision metrics on total cost: chance of being cheapest, expected regret,
/// chance of a build-cost overrun.
fn decision_table(scenario: &Scenario, decisions: &[stats::decision::Decision]) -> String {
    let width = scenario
        .strategies
        .iter()
        .map(|s| display_width(&s.label))
        .max()
        .unwrap_or(8)
        .max(8);
    let money = |x: f64| format_money(x, &scenario.currency);
    let mut out = format!(
        "\nDecision on total cost ({}): chance of being cheapest on the same trial, expected\nregret (mean excess over the cheapest strategy of that trial, +- 95% CI), and\nchance that build cost exceeds 1.2x / 1.5x the planned budget (burn x plan)\n",
        scenario.currency
    );
    out.push_str(&format!(
        "  {:<width$}  {:>9}  {:>20}  {:>12}  {:>12}  {:>10}\n",
        "strategy", "cheapest", "expected regret", "build > 1.2x", "build > 1.5x", "budget"
    ));
    for d in decisions {
        let st = &scenario.strategies[d.strategy];
        let regret = format!(
            "{} +- {}",
            money(d.expected_regret),
            money(stats::Z_975 * d.expected_regret_std_err)
        );
        out.push_str(&format!(
            "  {}  {:>8.1}%  {:>20}  {:>11.1}%  {:>11.1}%  {:>10}\n",
            pad_right(&st.label, width),
            100.0 * d.p_lowest_total_cost,
            regret,
            100.0 * d.p_build_cost_above_budget[0],
            100.0 * d.p_build_cost_above_budget[1],
            money(st.weekly_burn * st.plan_weeks(&scenario.build)),
        ));
    }
    out
}

fn check(args: &CheckArgs, stop: &AtomicBool) -> Result<String, CliError> {
    use crate::check::CheckPlan;
    let options = &args.run;
    let overrides = parse_overrides(&options.set)?;
    let trials = checked_trials(options.trials)?;
    // Validate before touching the output folder. The file is read once: the
    // claim variants are parsed from the bytes the manifest hashes.
    let source = scenario::ScenarioSource::read(&args.scenario)?;
    let scenario = source.parse(&overrides)?;
    if scenario.claims.is_empty() {
        return Err(CliError::Usage(format!(
            "{}: has no [[claims]] to check; add one, e.g. [[claims]] text = \"...\", metric = \"build_weeks\", strategy = \"{}\", statistic = \"median\", max = 40",
            args.scenario.display(),
            scenario
                .strategies
                .first()
                .map_or("backend_led", |s| s.id.as_str())
        )));
    }
    crate::check::check_fits(&scenario, trials.unwrap_or(scenario.trials))?;
    let destination = options
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(&scenario.name).join("check"));
    let bytes = &source.bytes;
    let threads = threads_of(options.threads);
    let staging = Staging::begin(&destination, options.force)?;
    let plan = CheckPlan {
        trials,
        seed: options.seed,
        threads,
    };
    let started = std::time::Instant::now();
    let report = crate::check::check(&source, &overrides, &plan, stop)?;
    let elapsed = started.elapsed();
    let s = &report.scenario;
    let mut written = vec![staging.write("claims.csv", &csv_out::claims_csv(&report)?)?];
    let manifest = Manifest {
        tool: env!("CARGO_PKG_NAME"),
        version: env!("CARGO_PKG_VERSION"),
        build: crate::output::manifest::BUILD,
        kind: Some(crate::output::manifest::ManifestKind::Check),
        scenario_name: &s.name,
        scenario_title: &s.title,
        scenario_file: Some(args.scenario.display().to_string()),
        scenario_sha256: Some(sha256_hex(bytes)),
        currency: &s.currency,
        seed: s.seed,
        trials: s.trials,
        batch_trials: BATCH_TRIALS,
        threads,
        command_line: command_line(),
        overrides: overrides.iter().map(|o| o.to_string()).collect(),
        target_build_weeks: s.build.target_weeks,
        strategies: Manifest::strategies_of(s),
        tail_capped_trials: Vec::new(),
        scenario: s,
    };
    written.push(staging.write("manifest.json", &manifest.to_json())?);
    let folder = staging.commit()?;
    let mut text = crate::check::render(&report, &args.scenario);
    text.push_str(&format!(
        "{} run{} x {} trials in {:.1} s ({} threads)\nwrote {}:\n",
        report.runs,
        if report.runs == 1 { "" } else { "s" },
        group_thousands(s.trials as f64),
        elapsed.as_secs_f64(),
        threads,
        folder.display()
    ));
    for path in written {
        text.push_str(&format!("  {}\n", path.display()));
    }
    if report.all_hold() {
        Ok(text)
    } else {
        let summary = format!(
            "{}: {} of {} claims do not hold ({} fail, {} undecided); see {}",
            args.scenario.display(),
            report.outcomes.len() - report.count(crate::stats::claims::Verdict::Holds),
            report.outcomes.len(),
            report.count(crate::stats::claims::Verdict::Fails),
            report.count(crate::stats::claims::Verdict::Undecided),
            folder.join("claims.csv").display()
        );
        Err(CliError::ClaimsNotHeld {
            report: text,
            summary,
        })
    }
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

/// Pairs each --param with its values: inline (`KEY=a,b` or `KEY=lo:hi:n`), else the
/// --values lists in order, then the --range specs in order.
fn sweep_params(args: &SweepArgs) -> Result<Vec<SweepParam>, CliError> {
    if args.param.len() > 2 {
        return Err(CliError::Usage(
            "a sweep takes one or two --param".to_string(),
        ));
    }
    let in_order: Vec<(bool, String)> = if args.lists_in_order.is_empty() {
        if !args.values.is_empty() && !args.range.is_empty() {
            return Err(CliError::Usage(
                "cannot tell which of --values and --range goes with which --param; write them inline: --param KEY=a,b,c --param KEY=lo:hi:steps".to_string(),
            ));
        }
        let values = args.values.iter().map(|v| (false, v.clone()));
        values
            .chain(args.range.iter().map(|r| (true, r.clone())))
            .collect()
    } else {
        args.lists_in_order.clone()
    };
    let mut lists = in_order.iter().map(|(is_range, list)| {
        if *is_range {
            (format!("--range {list}"), sweeping::parse_range(list))
        } else {
            (format!("--values {list}"), sweeping::parse_values(list))
        }
    });
    let mut params = Vec::new();
    for p in &args.param {
        let (key, (origin, values)) = match p.split_once('=') {
            Some((key, spec)) => {
                let looks_like_range = spec.split(':').count() == 3 && !spec.contains(',');
                let values = if looks_like_range {
                    sweeping::parse_range(spec)
                } else {
                    sweeping::parse_values(spec)
                };
                (key.trim().to_string(), (format!("--param {p}"), values))
            }
            None => (
                p.trim().to_string(),
                lists.next().unwrap_or_else(|| {
                    (
                        format!("--param {p}"),
                        Err(format!(
                            "--param {p}: no values; add --values a,b,c or --range lo:hi:steps"
                        )),
                    )
                }),
            ),
        };
        let values = values.map_err(CliError::Usage)?;
        params.push(SweepParam {
            key,
            values,
            origin,
        });
    }
    if lists.next().is_some() {
        return Err(CliError::Usage(
            "more --values/--range than --param without inline values".to_string(),
        ));
    }
    Ok(params)
}

/// Refuses a sweep that would silently not vary what it names: `trials` or `seed`
/// (every point runs on the same ones), a key swept twice or overlapping the other
/// parameter, a key also fixed by `--set` (the sweep would override it), and a
/// value listed twice.
fn check_sweep_keys(params: &[SweepParam], base: &[Override]) -> Result<(), CliError> {
    // `a` is `b`, or a table or array element that holds `b`.
    let covers = |a: &str, b: &str| {
        b.strip_prefix(a)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
    };
    let overlap = |a: &str, b: &str| covers(a, b) || covers(b, a);
    for (i, p) in params.iter().enumerate() {
        if p.key == "trials" || p.key == "seed" {
            return Err(CliError::Usage(format!(
                "--param {}: every point of a sweep runs on the same trials and seed (common random numbers); set them with --{} instead",
                p.key, p.key
            )));
        }
        if let Some(q) = params[..i].iter().find(|q| overlap(&q.key, &p.key)) {
            return Err(CliError::Usage(format!(
                "--param {}: overlaps --param {}; a sweep's two parameters must be different keys",
                p.key, q.key
            )));
        }
        if let Some(o) = base.iter().find(|o| overlap(&o.key, &p.key)) {
            return Err(CliError::Usage(format!(
                "--set {o}: fixes what --param {} sweeps; drop one of them",
                p.key
            )));
        }
        let same = |a: &str, b: &str| match (a.parse::<f64>(), b.parse::<f64>()) {
            (Ok(x), Ok(y)) => x == y,
            _ => a == b,
        };
        for (j, v) in p.values.iter().enumerate() {
            if let Some(w) = p.values[..j].iter().find(|w| same(w, v)) {
                return Err(CliError::Usage(format!(
                    "--param {}: the value {v} is listed twice ({w} and {v}); list each value once",
                    p.key
                )));
            }
        }
    }
    Ok(())
}

fn metric_and_stat(metric: &str, stat: &str) -> Result<(Metric, String), CliError> {
    let m = Metric::from_id(metric).ok_or_else(|| {
        let ids: Vec<&str> = Metric::ALL.iter().map(|m| m.id()).collect();
        CliError::Usage(format!(
            "--metric {metric}: unknown metric; one of {}",
            ids.join(", ")
        ))
    })?;
    let names = sweeping::statistic_names();
    if !names.contains(&stat) {
        return Err(CliError::Usage(format!(
            "--stat {stat}: unknown statistic; one of {}",
            names.join(", ")
        )));
    }
    Ok((m, stat.to_string()))
}

/// Most worker threads `--threads` accepts: far above any machine's cores, far
/// below the count at which creating the threads alone takes minutes (and cannot
/// be interrupted).
pub const MAX_THREADS: usize = 1024;

/// A value parser for a whole number from `lo` to `hi` whose message says what is
/// allowed, for a negative number too (clap, left alone, takes `-5` for a flag and
/// answers with a tip about `--`): `must be a whole number between 1 and 1000000000
/// (...), got -5`.
fn whole_number(
    lo: u64,
    hi: u64,
    note: &'static str,
) -> impl Fn(&str) -> Result<u64, String> + Clone + Send + Sync + 'static {
    move |text: &str| match text.trim().parse::<u64>() {
        Ok(n) if (lo..=hi).contains(&n) => Ok(n),
        _ => Err(format!(
            "must be a whole number between {lo} and {hi}{note}, got {text}"
        )),
    }
}

/// `--trials`: 1 to [`MAX_TRIALS`].
fn trials_parser() -> impl Fn(&str) -> Result<u64, String> + Clone + Send + Sync + 'static {
    whole_number(1, MAX_TRIALS, "")
}

/// `--seed`: 0 to `i64::MAX`, like the scenario's `seed`.
fn seed_parser() -> impl Fn(&str) -> Result<u64, String> + Clone + Send + Sync + 'static {
    whole_number(0, i64::MAX as u64, "")
}

/// `--threads`: 0 (the default: one per core) to [`MAX_THREADS`].
fn threads_parser() -> impl Fn(&str) -> Result<usize, String> + Clone + Send + Sync + 'static {
    let parse = whole_number(0, MAX_THREADS as u64, " (0: one per core)");
    move |text: &str| parse(text).map(|n| n as usize)
}

fn threads_of(requested: usize) -> usize {
    if requested == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        requested
    }
}

fn sweep(args: &SweepArgs, stop: &AtomicBool) -> Result<String, CliError> {
    let params = sweep_params(args)?;
    let (metric, stat) = metric_and_stat(&args.metric, &args.stat)?;
    let base = parse_overrides(&args.run.set)?;
    check_sweep_keys(&params, &base)?;
    let threads = threads_of(args.run.threads);
    let source = scenario::ScenarioSource::read(&args.scenario)?;
    let plan = SweepPlan {
        scenario: &source,
        base: &base,
        params: &params,
        trials: checked_trials(args.run.trials)?,
        seed: args.run.seed,
        threads,
    };
    // Check every point and the output folder before the first run.
    // Named like the scenario (its file stem, or its title when it came from a
    // pipe), as `run` names its folder.
    let name = source.parse(&base)?.name;
    let destination = args
        .run
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(format!("{name}-sweep")));
    for p in &params {
        for v in &p.values {
            let mut o = base.clone();
            let point = Override {
                key: p.key.clone(),
                value: v.clone(),
            };
            // The scenario reader names an override's problem by `--set KEY=VALUE`;
            // this value came from the sweep's own option, so name that instead.
            let as_set = format!("--set {point}");
            o.push(point);
            source.parse(&o).map_err(|e| match e {
                ScenarioError::Invalid { path, mut problems } => {
                    for problem in &mut problems {
                        if problem.origin.as_deref() == Some(as_set.as_str()) {
                            problem.origin = Some(p.origin.clone());
                        }
                    }
                    ScenarioError::Invalid { path, problems }
                }
                other => other,
            })?;
        }
    }
    let staging = Staging::begin(&destination, args.run.force)?;
    let result = sweeping::run(&plan, stop)?;
    let crossings = sweeping::crossovers(&result, metric, &stat);
    let mut written = vec![
        staging.write("sweep.csv", &csv_out::sweep_csv(&result)?)?,
        staging.write(
            "crossovers.csv",
            &csv_out::crossovers_csv(&result, &crossings, metric, &stat)?,
        )?,
    ];
    let manifest = serde_json::json!({
        "tool": env!("CARGO_PKG_NAME"),
        "version": env!("CARGO_PKG_VERSION"),
        "kind": "sweep",
        "scenario_name": result.scenario.name,
        "scenario_title": result.scenario.title,
        "scenario_file": args.scenario.display().to_string(),
        "currency": result.scenario.currency,
        "trials": result.trials,
        "seed": result.seed,
        "batch_trials": BATCH_TRIALS,
        "threads": threads,
        "metric": metric.id(),
        "statistic": stat,
        "params": params.iter().map(|p| serde_json::json!({"key": p.key, "values": p.values})).collect::<Vec<_>>(),
        "overrides": base.iter().map(|o| o.to_string()).collect::<Vec<_>>(),
        "command_line": command_line(),
        "strategies": Manifest::strategies_of(&result.scenario),
    });
    let mut json = serde_json::to_vec_pretty(&manifest).unwrap_or_default();
    json.push(b'\n');
    written.push(staging.write("manifest.json", &json)?);
    if let Some(format) = args.charts.format() {
        // Drawn from the files just written, exactly as `tradeoff-sim chart` would.
        for path in render_sweep_charts(staging.dir(), format)? {
            if let Ok(relative) = path.strip_prefix(staging.dir()) {
                written.push(destination.join(relative));
            }
        }
    }
    let folder = staging.commit()?;

    let s = &result.scenario;
    let mut out = format!(
        "{} ({}): {} {} by {}{}\n{} trials per point, seed {} at every point\n\n",
        s.title,
        s.name,
        stat.to_uppercase(),
        metric.id(),
        params[0].key,
        params
            .get(1)
            .map(|p| format!(" and {}", p.key))
            .unwrap_or_default(),
        group_thousands(result.trials as f64),
        result.seed
    );
    let width = s
        .strategies
        .iter()
        .map(|st| display_width(&st.label))
        .max()
        .unwrap_or(10)
        .clamp(10, 28);
    let header: String = s
        .strategies
        .iter()
        .map(|st| format!("  {}", pad_left(&truncate(&st.label, width), width)))
        .collect();
    let value_width = params
        .iter()
        .map(|p| {
            p.values
                .iter()
                .map(|v| display_width(v))
                .max()
                .unwrap_or(0)
                .max(display_width(&p.key))
                .min(40)
        })
        .collect::<Vec<_>>();
    let mut head = String::new();
    for (p, w) in params.iter().zip(&value_width) {
        head.push_str(&format!("{}  ", pad_right(&truncate(&p.key, *w), *w)));
    }
    out.push_str(&format!("{head}{header}\n"));
    for (i, point) in result.points.iter().enumerate() {
        let mut line = String::new();
        for (v, w) in point.values.iter().zip(&value_width) {
            line.push_str(&format!("{}  ", pad_right(v, *w)));
        }
        for st in 0..s.strategies.len() {
            let x = result.value(i, st, metric, &stat);
            line.push_str(&format!(
                "  {:>width$}",
                format_value(metric, x, &s.currency)
            ));
        }
        out.push_str(&line);
        out.push('\n');
    }
    out.push('\n');
    if crossings.is_empty() {
        out.push_str(&format!(
            "No crossover: the order of the strategies on {} {} is the same at every point.\n",
            stat.to_uppercase(),
            metric.id()
        ));
    } else {
        out.push_str("Crossovers:\n");
        for c in &crossings {
            out.push_str(&format!(
                "  {}\n",
                sweeping::describe(&result, c, metric, &stat)
            ));
        }
    }
    out.push_str(&format!("\nwrote {}:\n", folder.display()));
    for p in written {
        out.push_str(&format!("  {}\n", p.display()));
    }
    Ok(out)
}

fn compare(args: &CompareArgs, stop: &AtomicBool) -> Result<String, CliError> {
    let overrides = parse_overrides(&args.run.set)?;
    // Check every file before creating anything.
    let mut names = Vec::new();
    let mut first_currency: Option<(String, &Path)> = None;
    // Each file is read once: a scenario from a pipe (`<(generate-scenario)`) cannot be
    // read a second time to run it.
    let sources = args
        .scenarios
        .iter()
        .map(|p| scenario::ScenarioSource::read(p))
        .collect::<Result<Vec<_>, _>>()?;
    for (p, source) in args.scenarios.iter().zip(&sources) {
        let s = source.parse(&overrides)?;
        match &first_currency {
            None => first_currency = Some((s.currency.clone(), p)),
            Some((currency, first)) if *currency != s.currency => {
                return Err(CliError::Usage(format!(
                    "{}: costs in {}, but {} has them in {currency}; compare puts costs on one axis, so every scenario needs the same currency",
                    p.display(),
                    s.currency,
                    first.display()
                )));
            }
            Some(_) => {}
        }
        // The file name, not the title, tells the scenarios apart on the compare charts.
        let undrawable = crate::text::undrawable(&s.name);
        if args.charts != Charts::None && !undrawable.is_empty() {
            return Err(CliError::Usage(format!(
                "{}: the file name {:?} names this scenario on the compare charts, and they cannot draw {}; {}: rename the file (e.g. transliterated), or compare with --charts none",
                p.display(),
                s.name,
                crate::text::describe_chars(&undrawable),
                crate::text::DRAWABLE_IN_WORDS,
            )));
        }
        names.push(s.name);
    }
    let destination = args
        .run
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(format!("compare-{}", names.join("-vs-"))));
    let staging = Staging::begin(&destination, args.run.force)?;
    let runs = comparing::run(
        &sources,
        &overrides,
        checked_trials(args.run.trials)?,
        args.run.seed,
        threads_of(args.run.threads),
        stop,
    )?;
    let strategies = comparing::strategy_union(&runs);
    let mut written = vec![staging.write("compare.csv", &csv_out::compare_csv(&runs)?)?];
    let manifest = serde_json::json!({
        "tool": env!("CARGO_PKG_NAME"),
        "version": env!("CARGO_PKG_VERSION"),
        "kind": "compare",
        "scenarios": runs.iter().zip(&args.scenarios).map(|(r, file)| serde_json::json!({
            "name": r.scenario.name,
            "title": r.scenario.title,
            "file": file.display().to_string(),
            "trials": r.scenario.trials,
            "seed": r.scenario.seed,
            "currency": r.scenario.currency,
            "strategies": Manifest::strategies_of(&r.scenario),
        })).collect::<Vec<_>>(),
        "currency": runs[0].scenario.currency,
        "strategies": strategies.iter().map(|(id, label)| serde_json::json!({"id": id, "label": label})).collect::<Vec<_>>(),
        "overrides": overrides.iter().map(|o| o.to_string()).collect::<Vec<_>>(),
        "command_line": command_line(),
    });
    let mut json = serde_json::to_vec_pretty(&manifest).unwrap_or_default();
    json.push(b'\n');
    written.push(staging.write("manifest.json", &json)?);
    if let Some(format) = args.charts.format() {
        for path in render_compare_charts(staging.dir(), format)? {
            if let Ok(relative) = path.strip_prefix(staging.dir()) {
                written.push(destination.join(relative));
            }
        }
    }
    let folder = staging.commit()?;

    let label_width = strategies
        .iter()
        .map(|(_, l)| display_width(l))
        .max()
        .unwrap_or(8)
        .max(8);
    let mut out = String::from("Scenarios side by side (P50 / P80 / P95)\n");
    for r in &runs {
        out.push_str(&format!(
            "  {}: {} ({} trials, seed {})\n",
            r.scenario.name,
            r.scenario.title,
            group_thousands(r.scenario.trials as f64),
            r.scenario.seed
        ));
    }
    let col = 26;
    for metric in HEADLINE {
        out.push_str(&format!(
            "\n{} ({})\n  {:<label_width$}",
            metric.id(),
            metric.unit_label(&runs[0].scenario.currency),
            "strategy"
        ));
        for r in &runs {
            out.push_str(&format!(
                "  {}",
                pad_left(&truncate(&r.scenario.name, col), col)
            ));
        }
        out.push('\n');
        for (id, label) in &strategies {
            out.push_str(&format!("  {}", pad_right(label, label_width)));
            for r in &runs {
                let cell = match r.summary(id, metric) {
                    Some(x) if metric == Metric::ApiFailure => format!("{:.1}%", 100.0 * x.mean),
                    Some(x) => {
                        let f = |v: f64| format_value(metric, v, &r.scenario.currency);
                        format!("{} / {} / {}", f(x.p50()), f(x.p80()), f(x.p95()))
                    }
                    None => "-".to_string(),
                };
                out.push_str(&format!("  {cell:>col$}"));
            }
            out.push('\n');
        }
    }
    out.push_str(&format!("\nwrote {}:\n", folder.display()));
    for p in written {
        out.push_str(&format!("  {}\n", p.display()));
    }
    Ok(out)
}
