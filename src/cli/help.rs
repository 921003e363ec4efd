//! The longer help texts: examples and notes shown after `--help`, and the
//! `--out` text of each command, which states that command's own default folder.
//! Text only; must not hold logic.

pub const EXAMPLES: &str = "\
Examples:
  tradeoff-sim run scenarios/seed.toml
  tradeoff-sim run scenarios/seed.toml --trials 1000000 --seed 7 --out output/seed-1m
  tradeoff-sim run scenarios/peak-season.toml --force --trials-csv
  tradeoff-sim run scenarios/seed.toml --set strategies.hybrid.governance=0.8 --out output/hybrid-0.8
  tradeoff-sim run scenarios/seed.toml --charts png
  tradeoff-sim chart output/seed
  tradeoff-sim validate scenarios/my-scenario.toml

Exit codes: 0 success, 1 the run failed, 2 bad usage or a bad scenario, 130 interrupted.";

pub const SWEEP_EXAMPLES: &str = "\
Examples:
  tradeoff-sim sweep scenarios/seed.toml --param strategies.hybrid.governance --range 0.1:0.9:9
  tradeoff-sim sweep scenarios/seed.toml --param surges.events_per_window --values 0.5,1,2,4 --metric api_failure --stat mean
  tradeoff-sim sweep scenarios/seed.toml --param strategies.hybrid.governance=0.2:0.9:8 --param cost.hourly_rate=100,150,200
  tradeoff-sim sweep scenarios/seed.toml --param strategies.hybrid.governance=0.2:0.9:8 --variant \"Black Friday x2: surges.events_per_window=2\"

A value list (--values a,b,c) or a range (--range lo:hi:steps, both ends included) goes
with each --param, in order; or write it inline: --param KEY=a,b,c or --param KEY=lo:hi:steps.
Each --variant (NAME: KEY=VALUE; KEY=VALUE) runs the sweep again under that what-if, as a
second parameter `variant` (base, then each name): one chart panel per variant.";

pub const CHECK_HELP: &str = "\
A claim holds when its whole 95% Monte Carlo interval lies within its bounds,
fails when the whole interval lies outside them, and is undecided otherwise (the
report then says about how many trials would decide it).

Examples:
  tradeoff-sim check scenarios/seed.toml
  tradeoff-sim check scenarios/reference.toml --trials 1000000 --out output/reference-1m-check
  tradeoff-sim check scenarios/seed.toml --set strategies.hybrid.governance=0.6 --force

Exit codes: 0 every claim holds; 1 a claim fails or is undecided (or the run
failed); 2 bad usage or a bad scenario.";

pub const SENSITIVITY_EXAMPLES: &str = "\
Examples:
  tradeoff-sim sensitivity scenarios/seed.toml
  tradeoff-sim sensitivity scenarios/seed.toml --metric build_weeks --stat p50 --strategy ux_led --strategy backend_led
  tradeoff-sim sensitivity scenarios/seed.toml --trials 100000 --charts png --force

Every numeric key is swung alone to a low and a high setting (the scenario's
[sensitivity] ranges, else x0.8 and x1.2 of its value, clamped to its allowed range),
every risk is switched off and forced on, all on the base seed. Runs of 20,000 trials
unless --trials is given.";

pub const COMPARE_EXAMPLE: &str = "\
Examples:
  tradeoff-sim compare scenarios/seed.toml scenarios/reference.toml
  tradeoff-sim compare scenarios/seed.toml --variant \"Forge slips 20%: strategies.backend_led.plan_multiplier=1.58\" --variant \"Weak hybrid: strategies.hybrid.governance=0.2; surges.events_per_window=2\"

A variant is NAME: KEY=VALUE; KEY=VALUE, each KEY=VALUE as --set takes it; without a
name (and its ':') it is named by its overrides. It runs on the base's seed and trials,
so a difference from `base` is the variant's doing, not noise.";

pub const CHART_EXAMPLE: &str = "Example:\n  tradeoff-sim chart output/seed --charts png";

pub const MERGE_EXAMPLE: &str = "Example:\n  tradeoff-sim run scenarios/seed.toml --trials 4000000 --shard 0/2\n  tradeoff-sim run scenarios/seed.toml --trials 4000000 --shard 1/2\n  tradeoff-sim merge output/seed-shard-0-of-2 output/seed-shard-1-of-2";

pub const VALIDATE_EXAMPLE: &str = "Example:\n  tradeoff-sim validate scenarios/seed.toml";

pub const INIT_EXAMPLE: &str = "\
Examples:
  tradeoff-sim init acme.toml --title \"Acme replatform\" --currency EUR --customers 250000 \\
      --strategy backend_led=Forge --strategy ux_led=Pixel --weekly-burn backend_led=48000
  tradeoff-sim init acme.toml          (on a terminal: asks for each fact)
  tradeoff-sim validate acme.toml";

pub const COMPLETIONS_EXAMPLE: &str = "\
Examples:
  tradeoff-sim completions bash > ~/.local/share/bash-completion/completions/tradeoff-sim
  tradeoff-sim completions zsh > ~/.zfunc/_tradeoff-sim
  tradeoff-sim completions fish > ~/.config/fish/completions/tradeoff-sim.fish";

pub const MAN_EXAMPLE: &str = "\
Example:
  tradeoff-sim man > tradeoff-sim.1 && man ./tradeoff-sim.1";

/// `check --out`: its own default, a `check` folder inside the run's.
pub const CHECK_OUT: &str = "Output folder. Default: output/<name>/check/, named after the scenario file, or after its title when it comes from a pipe. A symbolic link is followed and kept";

/// `sweep --out`.
pub const SWEEP_OUT: &str = "Output folder. Default: output/<name>-sweep/, named after the scenario file, or after its title when it comes from a pipe. A symbolic link is followed and kept";

/// `compare --out`: named after every scenario, in the order given.
pub const COMPARE_OUT: &str = "Output folder. Default: output/compare-<name>-vs-<name>/, with the scenarios' names in the order given (each named after its file, or after its title when it comes from a pipe); with --variant, output/compare-<name>-variants/. A symbolic link is followed and kept";

/// `sensitivity --out`.
pub const SENSITIVITY_OUT: &str = "Output folder. Default: output/<name>-sensitivity/, named after the scenario file, or after its title when it comes from a pipe. A symbolic link is followed and kept";
