//! Option values checked and typed as the command line is parsed: trial, seed and
//! thread counts, `--precision`, `--shard I/N`, `--metric` and `--stat`, `--set`
//! overrides and chart formats. A command receives these types and never parses
//! text again.
//!
//! A value that is out of range is a usage error from clap (exit 2), whose message
//! says what is allowed. Must not read files, run anything or print.

use crate::analysis::sweep as sweeping;
use crate::metric::Metric;
use crate::output::chart::ChartFormat;
use crate::scenario::{MAX_TRIALS, Override};

/// Most worker threads `--threads` accepts: far above any machine's cores, far
/// below the count at which creating the threads alone takes minutes (and cannot
/// be interrupted).
pub const MAX_THREADS: usize = 1024;

/// Most shards a run may be cut into.
pub const MAX_SHARDS: u64 = 100_000;

/// Chart formats: Google Slides takes PNG only, PowerPoint and Keynote take SVG too.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Charts {
    Png,
    Svg,
    Both,
    None,
}

impl Charts {
    /// The formats to draw; `None` for `--charts none`.
    pub fn format(self) -> Option<ChartFormat> {
        match self {
            Charts::Png => Some(ChartFormat::Png),
            Charts::Svg => Some(ChartFormat::Svg),
            Charts::Both => Some(ChartFormat::Both),
            Charts::None => None,
        }
    }

    /// The name as typed on the command line: `png`, `svg`, `both`, `none`.
    pub fn name(self) -> String {
        clap::ValueEnum::to_possible_value(&self)
            .map_or_else(String::new, |v| v.get_name().to_string())
    }
}

/// `--precision P`: a target 95% half-width strictly between 0 and 1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Precision(f64);

impl Precision {
    pub fn new(target: f64) -> Result<Precision, String> {
        if target > 0.0 && target < 1.0 {
            Ok(Precision(target))
        } else {
            Err(format!(
                "--precision must be between 0 and 1 (e.g. 0.005), got {target}"
            ))
        }
    }

    pub fn target(self) -> f64 {
        self.0
    }
}

/// `--shard I/N`: shard `index` of `count`, with 0 <= index < count <= [`MAX_SHARDS`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShardSpec {
    pub index: u64,
    pub count: u64,
}

impl ShardSpec {
    pub fn parse(spec: &str) -> Result<ShardSpec, String> {
        let bad = || {
            format!("--shard: expected I/N with 0 <= I < N <= {MAX_SHARDS}, e.g. 0/4; got {spec:?}")
        };
        let (i, n) = spec.split_once('/').ok_or_else(bad)?;
        let (index, count): (u64, u64) = (
            i.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if count == 0 || index >= count || count > MAX_SHARDS {
            return Err(bad());
        }
        Ok(ShardSpec { index, count })
    }
}

/// `--stat`: a statistic a sweep or a sensitivity analysis reads (`mean`,
/// `std_dev`, `min`, `max`, `p05` ... `p99`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stat(&'static str);

impl Stat {
    pub fn parse(name: &str) -> Result<Stat, String> {
        let names = sweeping::statistic_names();
        names
            .iter()
            .find(|n| **n == name)
            .map(|n| Stat(n))
            .ok_or_else(|| {
                format!(
                    "--stat {name}: unknown statistic; one of {}",
                    names.join(", ")
                )
            })
    }

    pub fn as_str(self) -> &'static str {
        self.0
    }
}

/// `--metric`: a metric by its id.
pub fn parse_metric(id: &str) -> Result<Metric, String> {
    Metric::from_id(id).ok_or_else(|| {
        let ids: Vec<&str> = Metric::ALL.iter().map(|m| m.id()).collect();
        format!(
            "--metric {id}: unknown metric; one of {}, or, when the scenario reports them, {}",
            ids.join(", "),
            crate::metric::SCENARIO_METRICS
        )
    })
}

/// `--set KEY.PATH=VALUE`: the syntax only; the value is checked with the scenario.
pub fn parse_override(text: &str) -> Result<Override, String> {
    Override::parse(text).map_err(|e| format!("--set: {e}"))
}

/// A value parser whose error is the message alone, as the command says it
/// (`error: --shard: expected I/N ...`), rather than wrapped in clap's "invalid
/// value ... for ...". Still a usage error: exit code 2.
#[derive(Clone)]
pub(super) struct Saying<T>(fn(&str) -> Result<T, String>);

pub(super) fn saying<T>(parse: fn(&str) -> Result<T, String>) -> Saying<T> {
    Saying(parse)
}

impl<T: Clone + Send + Sync + 'static> clap::builder::TypedValueParser for Saying<T> {
    type Value = T;

    fn parse_ref(
        &self,
        command: &clap::Command,
        _arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<T, clap::Error> {
        let text = value.to_str().ok_or_else(|| {
            clap::Error::new(clap::error::ErrorKind::InvalidUtf8).with_cmd(command)
        })?;
        (self.0)(text).map_err(|message| {
            clap::Error::raw(
                clap::error::ErrorKind::ValueValidation,
                format!("{message}\n"),
            )
        })
    }
}

/// `--precision`: a number, then [`Precision::new`].
pub(super) fn parse_precision(text: &str) -> Result<Precision, String> {
    let target: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("--precision must be between 0 and 1 (e.g. 0.005), got {text}"))?;
    Precision::new(target)
}

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
pub(super) fn trials_parser() -> impl Fn(&str) -> Result<u64, String> + Clone + Send + Sync + 'static
{
    whole_number(1, MAX_TRIALS, "")
}

/// `--seed`: 0 to `i64::MAX`, like the scenario's `seed`.
pub(super) fn seed_parser() -> impl Fn(&str) -> Result<u64, String> + Clone + Send + Sync + 'static
{
    whole_number(0, i64::MAX as u64, "")
}

/// `--threads`: 0 (the default: one per core) to [`MAX_THREADS`].
pub(super) fn threads_parser()
-> impl Fn(&str) -> Result<usize, String> + Clone + Send + Sync + 'static {
    let parse = whole_number(0, MAX_THREADS as u64, " (0: one per core)");
    move |text: &str| parse(text).map(|n| n as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shard_spec_is_an_index_below_a_count_of_at_most_the_limit() {
        assert_eq!(
            ShardSpec::parse(" 1 / 4 "),
            Ok(ShardSpec { index: 1, count: 4 })
        );
        for bad in ["4/4", "0/0", "1", "a/2", "0/100001", "-1/2"] {
            assert!(ShardSpec::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn precision_lies_strictly_between_zero_and_one() {
        assert_eq!(parse_precision("0.005").map(Precision::target), Ok(0.005));
        for bad in ["0", "1", "-0.5", "nan", "x"] {
            assert!(parse_precision(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_statistic_is_one_a_sweep_can_read() {
        assert_eq!(Stat::parse("p80").map(Stat::as_str), Ok("p80"));
        let err = Stat::parse("p81").unwrap_err();
        assert!(
            err.starts_with("--stat p81: unknown statistic; one of mean"),
            "{err}"
        );
    }
}
