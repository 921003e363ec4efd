//! One schema per output file: its name, and for a CSV file the one row type that the writer
//! ([`crate::output::csv`]) and every reader (the charts, `tradeoff-sim chart FOLDER`) share, so
//! that each column is spelled once. A row's fields are its columns, in file order.
//!
//! It holds names and shapes only: no I/O, no statistics, no formatting of numbers beyond
//! writing a count as a whole number.

use serde::{Deserialize, Serialize, Serializer};

/// `manifest.json`: how the folder was made (see [`crate::output::manifest`]).
pub const MANIFEST: &str = "manifest.json";
/// `summary.csv`: [`SummaryRow`].
pub const SUMMARY: &str = "summary.csv";
/// `comparison.csv`: [`ComparisonRow`].
pub const COMPARISON: &str = "comparison.csv";
/// `histograms.csv`: [`HistogramRow`].
pub const HISTOGRAMS: &str = "histograms.csv";
/// `decision.csv`: [`DecisionRow`].
pub const DECISION: &str = "decision.csv";
/// `trials.csv`: `trial`, `strategy`, then one column per metric (written by
/// [`crate::output::csv::write_trials_csv`], which streams it).
pub const TRIALS: &str = "trials.csv";
/// `claims.csv`: [`ClaimRow`].
pub const CLAIMS: &str = "claims.csv";
/// `sweep.csv`: [`SweepRow`].
pub const SWEEP: &str = "sweep.csv";
/// `crossovers.csv`: [`CrossoverRow`].
pub const CROSSOVERS: &str = "crossovers.csv";
/// `compare.csv`: the [`SummaryRow`]s of every scenario compared, one after another.
pub const COMPARE: &str = "compare.csv";
/// `tornado.csv`: one bar per driver of a sensitivity (see `csv::tornado_csv`).
pub const TORNADO: &str = "tornado.csv";
/// `tornado_decision.csv`: one bar per driver of the decision (see
/// `csv::tornado_decision_csv`).
pub const TORNADO_DECISION: &str = "tornado_decision.csv";
/// `what_ifs.csv`: [`WhatIfRow`], written by `tradeoff-sim report`.
pub const WHAT_IFS: &str = "what_ifs.csv";
/// `global.csv`: each driver's rank correlation with the output (see `csv::global_csv`).
pub const GLOBAL: &str = "global.csv";

/// Writes a count held as a float as a whole number (`20000`, not `20000.0`); a reader
/// takes `12` and `12.0` alike, and a hand-edited `199.5` reaches the check that refuses it.
fn whole<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    if v.fract() == 0.0 && *v >= 0.0 && *v <= u64::MAX as f64 {
        s.serialize_u64(*v as u64)
    } else {
        s.serialize_f64(*v)
    }
}

/// One row of `summary.csv` (and of `compare.csv`): the statistics of one metric of one
/// strategy. Quantiles are type 7 (see [`crate::stats`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SummaryRow {
    pub scenario: String,
    pub strategy: String,
    pub metric: String,
    /// Absent in hand-made files: no unit.
    #[serde(default)]
    pub unit: String,
    /// The strategy's trial count.
    #[serde(serialize_with = "whole")]
    pub n: f64,
    pub mean: f64,
    pub std_dev: f64,
    pub std_err: f64,
    pub min: f64,
    pub p05: f64,
    pub p10: f64,
    pub p25: f64,
    pub p50: f64,
    pub p75: f64,
    pub p80: f64,
    pub p90: f64,
    pub p95: f64,
    pub p99: f64,
    pub max: f64,
}

/// One row of `comparison.csv`: one metric, one pair of strategies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComparisonRow {
    pub scenario: String,
    pub metric: String,
    pub unit: String,
    pub strategy_a: String,
    pub strategy_b: String,
    #[serde(serialize_with = "whole")]
    pub n: f64,
    pub p_a_better: f64,
    pub p_tie: f64,
    pub p_b_better: f64,
    pub mean_diff: f64,
    pub mean_diff_ci95_low: f64,
    pub mean_diff_ci95_high: f64,
    pub p_best_a: f64,
    pub p_best_b: f64,
}

/// One row of `histograms.csv`: one bin of one metric of one strategy, with the statistics
/// the charts mark repeated on every row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistogramRow {
    pub scenario: String,
    pub strategy: String,
    pub metric: String,
    pub unit: String,
    /// `linear`, `log` or `integer`.
    pub scale: String,
    /// `bin` or `overflow`.
    pub kind: String,
    pub bin_low: f64,
    pub bin_high: f64,
    #[serde(serialize_with = "whole")]
    pub count: f64,
    #[serde(serialize_with = "whole")]
    pub n: f64,
    pub mean: f64,
    pub p10: f64,
    pub p50: f64,
    pub p80: f64,
    pub p90: f64,
    pub p95: f64,
}

/// One row of `decision.csv`: decision metrics on total cost for one strategy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionRow {
    pub scenario: String,
    pub strategy: String,
    pub n: u64,
    pub currency: String,
    pub planned_budget: f64,
    pub p_lowest_total_cost: f64,
    pub expected_regret: f64,
    pub expected_regret_std_err: f64,
    pub expected_regret_ci95_low: f64,
    pub expected_regret_ci95_high: f64,
    pub p_build_cost_above_1_2x_budget: f64,
    pub p_build_cost_above_1_5x_budget: f64,
}

/// One row of `claims.csv`: one claim of a `check`, with its verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClaimRow {
    pub scenario: String,
    pub claim: String,
    pub text: String,
    pub metric: String,
    pub strategy: String,
    pub statistic: String,
    pub value: f64,
    pub ci95_low: f64,
    pub ci95_high: f64,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub verdict: String,
    pub source: String,
    pub trials: u64,
    pub trials_to_decide: Option<u64>,
    pub overrides: String,
}

/// One row of `sweep.csv`: the statistics of one metric of one strategy at one point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepRow {
    pub scenario: String,
    pub point: u64,
    pub param: String,
    pub value: String,
    /// Empty for a sweep of one parameter (absent in files of older versions).
    #[serde(default)]
    pub param2: String,
    #[serde(default)]
    pub value2: String,
    pub strategy: String,
    pub metric: String,
    pub unit: String,
    #[serde(serialize_with = "whole")]
    pub n: f64,
    pub mean: f64,
    pub std_dev: f64,
    pub std_err: f64,
    pub min: f64,
    pub p05: f64,
    pub p10: f64,
    pub p25: f64,
    pub p50: f64,
    pub p75: f64,
    pub p80: f64,
    pub p90: f64,
    pub p95: f64,
    pub p99: f64,
    pub max: f64,
}

impl SweepRow {
    /// The statistic named by a `--stat` word (`p80`, `mean`, ...), if it is a column.
    pub fn stat(&self, name: &str) -> Option<f64> {
        Some(match name {
            "mean" => self.mean,
            "std_dev" => self.std_dev,
            "min" => self.min,
            "p05" => self.p05,
            "p10" => self.p10,
            "p25" => self.p25,
            "p50" => self.p50,
            "p75" => self.p75,
            "p80" => self.p80,
            "p90" => self.p90,
            "p95" => self.p95,
            "p99" => self.p99,
            "max" => self.max,
            _ => return None,
        })
    }
}

/// One row of `crossovers.csv`: where strategy a starts to beat strategy b.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CrossoverRow {
    pub scenario: String,
    pub metric: String,
    pub statistic: String,
    pub strategy_a: String,
    pub strategy_b: String,
    pub param: String,
    /// The interpolated value of `param` where the order changes; empty when it cannot be
    /// placed (a categorical parameter).
    pub crossing_value: Option<f64>,
    pub between_low: String,
    pub between_high: String,
    /// `above` or `below`.
    pub a_better_when: String,
    #[serde(default)]
    pub param2: String,
    #[serde(default)]
    pub value2: String,
    pub statement: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header_of<T: Serialize>(row: T) -> String {
        let mut w = ::csv::Writer::from_writer(Vec::new());
        w.serialize(row).unwrap();
        let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
        text.lines().next().unwrap().to_string()
    }

    fn round_trip<T: Serialize + for<'de> Deserialize<'de> + PartialEq + std::fmt::Debug>(row: T) {
        let mut w = ::csv::Writer::from_writer(Vec::new());
        w.serialize(&row).unwrap();
        let bytes = w.into_inner().unwrap();
        let mut r = ::csv::Reader::from_reader(&bytes[..]);
        let back: T = r.deserialize().next().unwrap().unwrap();
        assert_eq!(back, row);
    }

    fn summary_row() -> SummaryRow {
        SummaryRow {
            scenario: "seed".into(),
            strategy: "ux_led".into(),
            metric: "total_cost".into(),
            unit: "USD".into(),
            n: 20_000.0,
            mean: 1.5,
            std_dev: 0.25,
            std_err: 0.001,
            min: 0.0,
            p05: 0.1,
            p10: 0.2,
            p25: 0.5,
            p50: 1.0,
            p75: 1.75,
            p80: 2.0,
            p90: 2.5,
            p95: 3.0,
            p99: 4.0,
            max: 9.0,
        }
    }

    #[test]
    fn summary_columns_are_the_ones_the_tool_has_always_written() {
        assert_eq!(
            header_of(summary_row()),
            "scenario,strategy,metric,unit,n,mean,std_dev,std_err,min,p05,p10,p25,p50,p75,p80,p90,p95,p99,max"
        );
    }

    #[test]
    fn a_count_is_written_as_a_whole_number_and_read_back() {
        let mut w = ::csv::Writer::from_writer(Vec::new());
        w.serialize(summary_row()).unwrap();
        let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
        assert!(text.contains(",USD,20000,1.5,"), "{text}");
        round_trip(summary_row());
    }

    #[test]
    fn sweep_rows_of_older_versions_without_a_second_parameter_still_read() {
        let text = "scenario,point,param,value,strategy,metric,unit,n,mean,std_dev,std_err,min,p05,p10,p25,p50,p75,p80,p90,p95,p99,max\n\
                    tiny,0,cost.hourly_rate,1,only,total_cost,EUR,1,5,0,0,5,5,5,5,5,5,5,5,5,5,5\n";
        let mut r = ::csv::Reader::from_reader(text.as_bytes());
        let row: SweepRow = r.deserialize().next().unwrap().unwrap();
        assert_eq!((row.param2.as_str(), row.value2.as_str()), ("", ""));
        assert_eq!(row.stat("p80"), Some(5.0));
        assert_eq!(row.stat("p81"), None);
    }
}

/// One row of `what_ifs.csv`: the decision statistic of one strategy under one
/// what-if of `tradeoff-sim report` (`base` first).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WhatIfRow {
    pub what_if: String,
    /// The overrides as written, `KEY=VALUE; KEY=VALUE`; empty for the base.
    pub overrides: String,
    pub strategy: String,
    pub metric: String,
    pub statistic: String,
    pub value: f64,
    /// Whether this strategy has the lowest value under this what-if.
    pub winner: bool,
}
