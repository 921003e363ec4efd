//! The statistic vocabulary: what a claim, a sweep or a console table can ask of
//! one strategy's sample of a metric, or of a pair of strategies. Names only: the
//! numbers are computed in `stats`.
//!
//! The vocabulary is compositional, so that every calibration check of MODEL.md §5
//! and §6 is a claim without code special to it:
//! - on one strategy: `mean`, `median` (= `p50`), `p1` ... `p99`, `share_above`,
//!   `share_below` (with `threshold`), `variance_to_mean`;
//! - on a pair `[a, b]`: `ratio_of_S`, `difference_of_S` and
//!   `abs_difference_of_S` for any one-strategy statistic S, written in the plural
//!   (`ratio_of_medians`, `difference_of_shares_above`, `ratio_of_p80s`).

use serde::Serialize;

/// A statistic of one strategy's sample of a metric.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stat {
    /// Arithmetic mean; with `per`, mean(metric) / mean(per).
    Mean,
    /// Type 7 quantile at `p` in (0, 1); `percent` names it (`p80`).
    Quantile { percent: u8 },
    /// Share of trials with the metric strictly above the threshold.
    ShareAbove { threshold: f64 },
    /// Share of trials with the metric strictly below the threshold.
    ShareBelow { threshold: f64 },
    /// Sample variance (n - 1) / mean: above 1 means overdispersed counts.
    VarianceToMean,
}

/// How a pair statistic combines the two strategies' values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PairOp {
    /// S(a) / S(b).
    Ratio,
    /// S(a) - S(b).
    Difference,
    /// |S(a) - S(b)|.
    AbsDifference,
}

/// The statistic a claim bounds.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Statistic {
    One(Stat),
    Pair(PairOp, Stat),
}

impl Stat {
    /// Singular name: `mean`, `p80`, `share_above`.
    pub fn name(self) -> String {
        match self {
            Stat::Mean => "mean".into(),
            Stat::Quantile { percent: 50 } => "median".into(),
            Stat::Quantile { percent } => format!("p{percent}"),
            Stat::ShareAbove { .. } => "share_above".into(),
            Stat::ShareBelow { .. } => "share_below".into(),
            Stat::VarianceToMean => "variance_to_mean".into(),
        }
    }

    /// Plural name, as it follows `ratio_of_`: `means`, `p80s`, `shares_above`.
    pub fn plural(self) -> String {
        match self {
            Stat::Mean => "means".into(),
            Stat::Quantile { percent: 50 } => "medians".into(),
            Stat::Quantile { percent } => format!("p{percent}s"),
            Stat::ShareAbove { .. } => "shares_above".into(),
            Stat::ShareBelow { .. } => "shares_below".into(),
            Stat::VarianceToMean => "variance_to_mean".into(),
        }
    }

    pub fn threshold(self) -> Option<f64> {
        match self {
            Stat::ShareAbove { threshold } | Stat::ShareBelow { threshold } => Some(threshold),
            _ => None,
        }
    }

    /// Parses a one-strategy statistic name (singular or plural), with its
    /// threshold when it needs one. `Err(true)` when the name is known but needs a
    /// threshold, `Err(false)` when the name is unknown.
    pub fn parse(name: &str, threshold: Option<f64>) -> Result<Stat, bool> {
        let share = |f: fn(f64) -> Stat| threshold.map(f).ok_or(true);
        match name {
            "mean" | "means" => Ok(Stat::Mean),
            "median" | "medians" => Ok(Stat::Quantile { percent: 50 }),
            "share_above" | "shares_above" => share(|t| Stat::ShareAbove { threshold: t }),
            "share_below" | "shares_below" => share(|t| Stat::ShareBelow { threshold: t }),
            "variance_to_mean" | "variances_to_mean" => Ok(Stat::VarianceToMean),
            _ => {
                let digits = name
                    .strip_prefix('p')
                    .map(|d| d.strip_suffix('s').unwrap_or(d))
                    .filter(|d| {
                        !d.is_empty() && d.len() <= 2 && d.bytes().all(|b| b.is_ascii_digit())
                    });
                match digits.and_then(|d| d.parse::<u8>().ok()) {
                    Some(p) if (1..=99).contains(&p) => Ok(Stat::Quantile { percent: p }),
                    _ => Err(false),
                }
            }
        }
    }
}

impl Statistic {
    /// The names a file may write, for error messages.
    pub const ALLOWED: &'static str = "mean, median, p1 ... p99, share_above, share_below, variance_to_mean (one strategy); ratio_of_X, difference_of_X or abs_difference_of_X with X one of means, medians, p1s ... p99s, shares_above, shares_below, variance_to_mean (a pair, strategies = [a, b])";

    /// Parses `mean`, `ratio_of_medians`, `difference_of_shares_above`, ...
    /// `Err(true)`: known, but needs a threshold; `Err(false)`: unknown.
    pub fn parse(name: &str, threshold: Option<f64>) -> Result<Statistic, bool> {
        for (prefix, op) in [
            ("abs_difference_of_", PairOp::AbsDifference),
            ("difference_of_", PairOp::Difference),
            ("ratio_of_", PairOp::Ratio),
        ] {
            if let Some(rest) = name.strip_prefix(prefix) {
                return Stat::parse(rest, threshold).map(|s| Statistic::Pair(op, s));
            }
        }
        Stat::parse(name, threshold).map(Statistic::One)
    }

    pub fn stat(self) -> Stat {
        match self {
            Statistic::One(s) | Statistic::Pair(_, s) => s,
        }
    }

    pub fn is_pair(self) -> bool {
        matches!(self, Statistic::Pair(..))
    }

    /// The name as written in `claims.csv`, threshold included:
    /// `share_above 1.2`, `ratio_of_medians`.
    pub fn label(self) -> String {
        let base = match self {
            Statistic::One(s) => s.name(),
            Statistic::Pair(PairOp::Ratio, s) => format!("ratio_of_{}", s.plural()),
            Statistic::Pair(PairOp::Difference, s) => format!("difference_of_{}", s.plural()),
            Statistic::Pair(PairOp::AbsDifference, s) => {
                format!("abs_difference_of_{}", s.plural())
            }
        };
        match self.stat().threshold() {
            Some(t) => format!("{base} {t}"),
            None => base,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statistic_names_parse_singular_plural_and_pairs() {
        assert_eq!(
            Statistic::parse("mean", None),
            Ok(Statistic::One(Stat::Mean))
        );
        assert_eq!(
            Statistic::parse("p50", None),
            Ok(Statistic::One(Stat::Quantile { percent: 50 }))
        );
        assert_eq!(
            Statistic::parse("ratio_of_medians", None),
            Ok(Statistic::Pair(
                PairOp::Ratio,
                Stat::Quantile { percent: 50 }
            ))
        );
        assert_eq!(
            Statistic::parse("ratio_of_p95s", None),
            Ok(Statistic::Pair(
                PairOp::Ratio,
                Stat::Quantile { percent: 95 }
            ))
        );
        assert_eq!(
            Statistic::parse("difference_of_shares_above", Some(1.2)),
            Ok(Statistic::Pair(
                PairOp::Difference,
                Stat::ShareAbove { threshold: 1.2 }
            ))
        );
        assert_eq!(
            Statistic::parse("abs_difference_of_means", None),
            Ok(Statistic::Pair(PairOp::AbsDifference, Stat::Mean))
        );
        assert_eq!(Statistic::parse("share_above", None), Err(true));
        assert_eq!(Statistic::parse("p100", None), Err(false));
        assert_eq!(Statistic::parse("p0", None), Err(false));
        assert_eq!(Statistic::parse("average", None), Err(false));
    }

    #[test]
    fn statistic_labels_read_back() {
        for name in [
            "mean",
            "median",
            "p80",
            "variance_to_mean",
            "ratio_of_medians",
            "difference_of_means",
            "abs_difference_of_means",
            "ratio_of_p95s",
        ] {
            assert_eq!(Statistic::parse(name, None).unwrap().label(), name);
        }
        let s = Statistic::parse("share_above", Some(1.5)).unwrap();
        assert_eq!(s.label(), "share_above 1.5");
    }
}
