//! What each subcommand does, one file per subcommand, given the typed options
//! [`crate::cli`] parsed. Every command that writes a result folder goes through
//! [`publish`]; every printed table comes from [`console`]. A command returns the
//! text for stdout (or a [`CliError`]); only `main.rs` prints it.
//!
//! Must not parse command-line text (that is `cli`'s), nor compute statistics or
//! draw (the library's layers below do).

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::cli::{Cli, Command};
use crate::engine::EngineError;
use crate::scenario::Override;

mod chart;
mod check;
mod compare;
mod completions;
pub mod console;
mod error;
mod init;
mod man;
mod merge;
mod precision;
mod progress;
pub mod publish;
mod report;
mod run;
mod sensitivity;
mod shard;
mod sweep;
mod validate;

pub use console::print_stdout;
pub use error::CliError;

/// Runs the parsed command; returns the text for stdout.
pub fn execute(cli: Cli, stop: &AtomicBool) -> Result<String, CliError> {
    match cli.command {
        Command::Run(args) => in_scenario(&args.scenario, run::run(&args, stop)),
        Command::Merge(args) => merge::merge(&args, stop),
        Command::Check(args) => in_scenario(&args.scenario, check::check(&args, stop)),
        Command::Sweep(args) => in_scenario(&args.scenario, sweep::sweep(&args, stop)),
        Command::Compare(args) => compare::compare(&args, stop),
        Command::Sensitivity(args) => {
            in_scenario(&args.scenario, sensitivity::sensitivity(&args, stop))
        }
        Command::Report(args) => in_scenario(&args.scenario, report::report(&args, stop)),
        Command::Chart(args) => chart::chart(&args, stop),
        Command::Validate(args) => validate::validate(&args, stop),
        Command::Init(args) => init::init(&args),
        Command::Completions(args) => completions::completions(&args),
        Command::Man => man::man(),
    }
}

/// Parses `--set` texts recorded elsewhere (a shard's manifest); on the command
/// line clap has parsed them already.
pub fn parse_overrides(set: &[String]) -> Result<Vec<Override>, CliError> {
    set.iter()
        .map(|s| Override::parse(s).map_err(|e| CliError::Usage(format!("--set: {e}"))))
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

/// The command line for a manifest. `std::env::args` panics on an argument that
/// is not valid UTF-8 (a file or folder name in another encoding); such bytes are
/// recorded as U+FFFD instead.
fn command_line() -> Vec<String> {
    std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect()
}

/// `Err(Interrupted)` once `stop` is raised: checked between the stages of a run.
fn check_stop(stop: &AtomicBool) -> Result<(), CliError> {
    if stop.load(Ordering::SeqCst) {
        return Err(EngineError::Interrupted.into());
    }
    Ok(())
}

/// `--threads`: 0 is one per core.
fn threads_of(requested: usize) -> usize {
    if requested == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        requested
    }
}

/// Runs `draw` (charts drawn at once on the pool it runs in) on at most two of
/// `threads` (0: one per core): each drawing holds a 6 MiB canvas, and two at a
/// time keep a run's peak memory under 64 MiB on a machine of any size. Should
/// that pool fail to start, on the caller's thread.
fn on_drawing_threads<T: Send>(threads: usize, draw: impl Fn() -> T + Send + Sync) -> T {
    let workers = if threads == 0 { 2 } else { threads.min(2) };
    crate::engine::on_threads(workers, &draw).unwrap_or_else(|_| draw())
}

/// The default result folder: `output/<name>`.
fn default_folder(name: impl AsRef<Path>) -> std::path::PathBuf {
    Path::new("output").join(name)
}

/// Prints, once, the warnings a scenario's reading gave (values that change no
/// output, MODEL.md §8.8) to stderr; a command reading the scenario many times
/// calls this for its first reading only.
fn warn_inputs(scenario: &crate::scenario::Scenario) {
    for warning in &scenario.warnings {
        eprintln!("warning: {warning}");
    }
}

/// Prints the warnings a `--variant` gave beyond its base's (its own overrides
/// that change nothing), after [`warn_inputs`] printed the base's.
fn warn_variant(base: &crate::scenario::Scenario, variant: &crate::scenario::Scenario) {
    for warning in crate::analysis::variant::own_warnings(base, variant) {
        eprintln!("warning: {warning}");
    }
}
