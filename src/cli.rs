//! The command line as typed: the clap definitions of `tradeoff-sim` and its
//! subcommands, with every value checked and typed as it is parsed
//! ([`values`]), so that a command receives validated types.
//!
//! Parsing only: this module reads no file, runs nothing and prints nothing (clap
//! itself prints `--help`, `--version` and usage errors). [`crate::commands`] runs
//! what it describes.

use clap::{Parser, Subcommand};

mod args;
mod help;
mod values;
mod variant;

pub use args::{
    ChartArgs, CheckArgs, CompareArgs, CompletionsArgs, InitArgs, MergeArgs, ReportArgs, RunArgs,
    RunOptions, SensitivityArgs, SweepArgs, ValidateArgs,
};
pub use values::{
    Charts, MAX_SHARDS, MAX_THREADS, Precision, ShardSpec, Stat, parse_metric, parse_override,
};
pub use variant::parse_variant;

/// Monte Carlo simulator of delivery tradeoffs for a composable-commerce
/// replatform: backend-led, UX-led or hybrid partners.
#[derive(Parser, Debug)]
#[command(name = "tradeoff-sim", version, about, after_help = help::EXAMPLES)]
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
    #[command(after_help = help::EXAMPLES)]
    Run(RunArgs),
    /// Run a scenario and judge each of its [[claims]] as holds, fails or undecided;
    /// write claims.csv and manifest.json into a run folder.
    #[command(after_help = help::CHECK_HELP, mut_arg("out", |a| a.help(help::CHECK_OUT)))]
    Check(CheckArgs),
    /// Run a scenario at several values of one or two parameters, every point on
    /// the same seed, and say where one strategy starts to beat another.
    #[command(after_help = help::SWEEP_EXAMPLES, mut_arg("out", |a| a.help(help::SWEEP_OUT)))]
    Sweep(SweepArgs),
    /// Run several scenarios and show the same strategies side by side.
    #[command(after_help = help::COMPARE_EXAMPLE, mut_arg("out", |a| a.help(help::COMPARE_OUT)))]
    Compare(CompareArgs),
    /// Which assumptions move the answer: a tornado of every numeric key and risk,
    /// swung one at a time on the same seed, and rank correlations of the sampled
    /// drivers with the output.
    #[command(
        after_help = help::SENSITIVITY_EXAMPLES,
        mut_arg("out", |a| a.help(help::SENSITIVITY_OUT))
    )]
    Sensitivity(SensitivityArgs),
    /// The board pack: run the scenario, each --variant on the same random numbers
    /// and a decision tornado, and write report.html (prints to 16:9 pages),
    /// results.xlsx, the charts and the CSV files into output/<name>-report/.
    #[command(mut_arg("out", |a| a.help(
        "Output folder. Default: output/<name>-report/, named after the scenario file, or after its title when it comes from a pipe. A symbolic link is followed and kept."
    )))]
    Report(ReportArgs),
    /// Draw a run, sweep or compare folder's charts again from its saved files, without
    /// simulating.
    #[command(after_help = help::CHART_EXAMPLE)]
    Chart(ChartArgs),
    /// Join the partial results of `run --shard I/N` into one run folder, the same
    /// as a single run with the same scenario, seed and trials.
    #[command(after_help = help::MERGE_EXAMPLE)]
    Merge(MergeArgs),
    /// Check a scenario file and report every problem, then run its first batch of
    /// trials to catch draws that overflow; writes nothing.
    #[command(after_help = help::VALIDATE_EXAMPLE)]
    Validate(ValidateArgs),
    /// Write a commented starter scenario for a client: it extends the shipped
    /// reference scenario and lists the facts to fill in, each with its unit and
    /// meaning. Asks for them on a terminal; takes them as options otherwise.
    #[command(after_help = help::INIT_EXAMPLE)]
    Init(InitArgs),
    /// Print a shell completion script for tradeoff-sim to stdout, generated from
    /// these definitions.
    #[command(after_help = help::COMPLETIONS_EXAMPLE)]
    Completions(CompletionsArgs),
    /// Print the tradeoff-sim man page (roff) to stdout, generated from these
    /// definitions.
    #[command(after_help = help::MAN_EXAMPLE)]
    Man,
}
