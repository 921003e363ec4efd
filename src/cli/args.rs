//! The options of each subcommand, as clap derive structs, with [`RunOptions`]
//! shared by every command that runs the model. Fields hold typed, checked values
//! (see [`super::values`]). Definitions only: no logic beyond clap's.

use std::path::PathBuf;

use clap::Args;

use super::values::{
    Charts, Precision, ShardSpec, Stat, parse_metric, parse_override, parse_precision, saying,
    seed_parser, threads_parser, trials_parser,
};
use super::variant::parse_variant;
use crate::analysis::variant::Variant;
use crate::metric::Metric;
use crate::scenario::Override;

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
        allow_negative_numbers = true,
        value_parser = saying(parse_precision)
    )]
    pub precision: Option<Precision>,
    /// Compute only shard I of N (0-based) of the run's batches and write a partial
    /// result (partial.bin, manifest.json); `tradeoff-sim merge` joins the N parts
    /// into the output a single run would give. Default folder:
    /// output/<name>-shard-I-of-N. A shard draws no charts and writes no
    /// trials.csv: give --charts and --trials-csv to merge.
    #[arg(
        long,
        value_name = "I/N",
        conflicts_with = "precision",
        allow_hyphen_values = true,
        value_parser = saying(ShardSpec::parse)
    )]
    pub shard: Option<ShardSpec>,
    /// Charts to draw into <run folder>/charts/: PNG (1920x1080) and SVG by default
    /// (`both`).
    #[arg(long, value_enum)]
    pub charts: Option<Charts>,
}

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
    #[arg(long = "set", value_name = "KEY.PATH=VALUE", value_parser = saying(parse_override))]
    pub set: Vec<Override>,
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
    /// A parameter to sweep, as a key path (one or two; one with --variant, or none).
    #[arg(long, value_name = "KEY.PATH", required_unless_present = "variants")]
    pub param: Vec<String>,
    /// Values for a --param: a,b,c.
    #[arg(long, value_name = "A,B,C", allow_hyphen_values = true)]
    pub values: Vec<String>,
    /// Values for a --param: lo:hi:steps, evenly spaced, both ends included.
    #[arg(long, value_name = "LO:HI:STEPS", allow_hyphen_values = true)]
    pub range: Vec<String>,
    /// Every --values and --range in command-line order (`true` for a range), which
    /// the two fields above lose; filled by [`super::Cli::parse_ordered`]. When empty
    /// (the arguments were built in code), the lists may not mix the two kinds.
    #[arg(skip)]
    pub lists_in_order: Vec<(bool, String)>,
    /// The metric the table and crossovers use.
    #[arg(long, default_value = "total_cost", value_parser = saying(parse_metric))]
    pub metric: Metric,
    /// The statistic of that metric: mean, p05 ... p99.
    #[arg(long, default_value = "p80", value_parser = saying(Stat::parse))]
    pub stat: Stat,
    /// Chart to draw into <sweep folder>/charts/sweep.png|svg: PNG (1920x1080) and SVG by default.
    #[arg(long, value_enum, default_value_t = Charts::Both)]
    pub charts: Charts,
    /// A what-if, "NAME: KEY=VALUE; KEY=VALUE" (name optional; repeatable): the sweep
    /// runs again under each variant, on the same seed, as the parameter `variant`
    /// (values: base, then each name), one chart panel per variant; without --param,
    /// a sweep over the variants.
    #[arg(long = "variant", value_name = "NAME: KEY=VALUE; ...", value_parser = saying(parse_variant))]
    pub variants: Vec<Variant>,
    #[command(flatten)]
    pub run: RunOptions,
}

#[derive(Args, Debug)]
pub struct CompareArgs {
    /// Two or more scenario files (TOML); or one, with --variant.
    #[arg(required = true, num_args = 1..)]
    pub scenarios: Vec<PathBuf>,
    /// Charts to draw into <compare folder>/charts/compare_<metric>.png|svg: both by default.
    #[arg(long, value_enum, default_value_t = Charts::Both)]
    pub charts: Charts,
    /// A what-if of the one scenario, "NAME: KEY=VALUE; KEY=VALUE" (name optional:
    /// unnamed, it is named by its overrides; repeatable). Each variant runs on the
    /// base's seed and trials and is a column beside `base`, the scenario as given.
    #[arg(long = "variant", value_name = "NAME: KEY=VALUE; ...", value_parser = saying(parse_variant))]
    pub variants: Vec<Variant>,
    #[command(flatten)]
    pub run: RunOptions,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// The scenario file (TOML), with [[claims]].
    pub scenario: PathBuf,
    #[command(flatten)]
    pub run: RunOptions,
}

#[derive(Args, Debug)]
pub struct SensitivityArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// The metric the tornado ranks drivers on.
    #[arg(long, default_value = "total_cost", value_parser = saying(parse_metric))]
    pub metric: Metric,
    /// The statistic of that metric: mean, p05 ... p99.
    #[arg(long, default_value = "p80", value_parser = saying(Stat::parse))]
    pub stat: Stat,
    /// A strategy to analyse (repeatable); default: every strategy.
    #[arg(long = "strategy", value_name = "ID")]
    pub strategies: Vec<String>,
    /// Charts to draw into <out>/charts/: one tornado per strategy and one for the
    /// choice between the two best.
    #[arg(long, value_enum, default_value_t = Charts::Both)]
    pub charts: Charts,
    #[command(flatten)]
    pub run: RunOptions,
}

#[derive(Args, Debug)]
pub struct ChartArgs {
    /// A folder written by `tradeoff-sim run`, `sweep` or `compare`.
    pub run_folder: PathBuf,
    /// Which formats to draw.
    #[arg(long, value_enum, default_value_t = Charts::Both)]
    pub charts: Charts,
}

#[derive(Args, Debug)]
pub struct ValidateArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Override a scenario value before checking it; repeatable.
    #[arg(long = "set", value_name = "KEY.PATH=VALUE", value_parser = saying(parse_override))]
    pub set: Vec<Override>,
}

#[derive(Args, Debug)]
pub struct InitArgs {
    /// The file to write.
    #[arg(default_value = "client.toml")]
    pub file: PathBuf,
    /// Keep this strategy of the reference scenario, with the client's name for it
    /// (ID or ID=LABEL); repeatable. Those not named are dropped. Default: all.
    #[arg(long = "strategy", value_name = "ID[=LABEL]")]
    pub strategies: Vec<String>,
    /// The scenario's title, on every table and chart.
    #[arg(long)]
    pub title: Option<String>,
    /// Currency of every money figure (ISO 4217, e.g. EUR).
    #[arg(long, value_name = "CODE")]
    pub currency: Option<String>,
    /// Active customers (count).
    #[arg(long, value_name = "N")]
    pub customers: Option<f64>,
    /// Lifetime value of a customer, in the currency.
    #[arg(long, value_name = "AMOUNT")]
    pub lifetime_value: Option<f64>,
    /// Revenue lost per hour of full checkout outage, in the currency.
    #[arg(long, value_name = "AMOUNT")]
    pub downtime_loss_per_hour: Option<f64>,
    /// Hourly rate of responders and fixers, in the currency.
    #[arg(long, value_name = "AMOUNT")]
    pub hourly_rate: Option<f64>,
    /// The reference plan in weeks (the UX-led plan; other plans are multiples of it).
    #[arg(long, value_name = "WEEKS")]
    pub plan_weeks: Option<f64>,
    /// A strategy's build cost per week, in the currency (ID=AMOUNT); repeatable.
    #[arg(long = "weekly-burn", value_name = "ID=AMOUNT")]
    pub weekly_burns: Vec<String>,
    /// The duration a strategy's vendor quoted, in weeks (ID=WEEKS); repeatable.
    #[arg(long = "quote-weeks", value_name = "ID=WEEKS")]
    pub quote_weeks: Vec<String>,
    /// The hours a strategy's vendor answers incidents (ID=24x7, ID=extended or
    /// ID=business-hours); repeatable.
    #[arg(long = "support", value_name = "ID=CALENDAR")]
    pub support: Vec<String>,
    /// Ask for each fact on the terminal (the default when stdin is a terminal
    /// and no fact is given as an option).
    #[arg(long, conflicts_with = "no_prompt")]
    pub prompt: bool,
    /// Never ask: write the facts given as options, the rest commented out.
    #[arg(long)]
    pub no_prompt: bool,
    /// Replace an existing file.
    #[arg(long)]
    pub force: bool,
}

#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// The shell to write the completion script for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `tradeoff-sim report`: the board pack.
#[derive(Args, Debug, Clone)]
pub struct ReportArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// A what-if: the scenario with these overrides, run on the base's random
    /// numbers; one row of the report's what-if table (repeatable).
    #[arg(long = "variant", value_name = "NAME: KEY=VALUE; ...", value_parser = saying(parse_variant))]
    pub variants: Vec<Variant>,
    /// Trials per run of the decision tornado (each driver's low and high
    /// setting is one run); the report states the Monte Carlo error this gives.
    #[arg(long, value_name = "N", default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1_000..=10_000_000))]
    pub tornado_trials: u64,
    /// Leave out the decision tornado (faster).
    #[arg(long)]
    pub no_tornado: bool,
    /// Leave out the live what-if panel (the engine and the scenario inside
    /// report.html, about 1 MB); the printed pack is the same either way.
    #[arg(long)]
    pub no_live: bool,
    /// Chart files to write into <out>/charts/ (the report inlines its own).
    #[arg(long, value_enum)]
    pub charts: Option<Charts>,
    #[command(flatten)]
    pub run: RunOptions,
}
