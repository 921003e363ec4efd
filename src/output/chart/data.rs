//! Reading a run folder's saved files into the shapes the charts draw from.
//!
//! Only parsing and grouping happen here: every number a chart shows comes from these files,
//! so `tradeoff-sim chart RUN_FOLDER` redraws a run without re-simulating it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::ChartError;
use crate::output::schema::{self, HistogramRow};
/// The rows the charts read, shared with the writer.
pub use crate::output::schema::{ComparisonRow, SummaryRow};
use crate::scenario::{Audience, DecisionStat};

/// The file names of a run folder that the charts read (see [`crate::output::schema`]).
pub const MANIFEST_FILE: &str = schema::MANIFEST;
pub const SUMMARY_FILE: &str = schema::SUMMARY;
pub const HISTOGRAMS_FILE: &str = schema::HISTOGRAMS;
pub const COMPARISON_FILE: &str = schema::COMPARISON;

/// The longest text a chart takes from a manifest (a title, a label, a name, a swept
/// value), in characters. tradeoff-sim writes at most 80 (a title); a hand-edited
/// manifest may hold longer ones, which the charts cut to fit, up to this length: a
/// longer one is refused, since laying it out would take minutes.
pub const MAX_TEXT_CHARS: usize = 1_000;

/// The longest currency a chart takes from a manifest: tradeoff-sim writes a
/// three-letter code, which every money label starts with.
pub const MAX_CURRENCY_CHARS: usize = 8;

/// Refuses a manifest text longer than a chart can lay out (`MAX_TEXT_CHARS`, or
/// `MAX_CURRENCY_CHARS` for a `currency`), naming its field.
pub(super) fn check_text_lengths<'a>(
    path: &Path,
    texts: impl IntoIterator<Item = (String, &'a str)>,
) -> Result<(), ChartError> {
    for (field, text) in texts {
        let most = if field.ends_with("currency") {
            MAX_CURRENCY_CHARS
        } else {
            MAX_TEXT_CHARS
        };
        let chars = text.chars().count();
        if chars > most {
            return Err(ChartError::Invalid {
                path: path.to_path_buf(),
                message: format!(
                    "{field}: {chars} characters, more than a chart shows (at most {most})"
                ),
            });
        }
    }
    Ok(())
}

/// The texts of a manifest's strategy list, as `strategies[i].id` and `.label`.
pub(super) fn strategy_texts(strategies: &[StrategyRef]) -> Vec<(String, &str)> {
    strategies
        .iter()
        .enumerate()
        .flat_map(|(i, s)| {
            [
                (format!("strategies[{i}].id"), s.id.as_str()),
                (format!("strategies[{i}].label"), s.label.as_str()),
            ]
        })
        .collect()
}

/// The part of `manifest.json` the charts use; unknown keys are ignored so the simulator can
/// add keys without breaking re-rendering of old runs.
#[derive(Debug, Clone, Deserialize)]
pub struct Manifest {
    #[serde(default)]
    pub scenario_name: String,
    #[serde(default)]
    pub scenario_title: String,
    pub currency: String,
    pub trials: u64,
    pub seed: u64,
    #[serde(default)]
    pub target_build_weeks: Option<f64>,
    pub strategies: Vec<StrategyRef>,
    /// The post-launch window in weeks, when the manifest carries the scenario
    /// (`scenario.horizon.weeks`); optional, so a manifest without it still renders.
    #[serde(skip)]
    pub horizon_weeks: Option<f64>,
    /// The statistic of total cost the decision is made on (`scenario.decision`):
    /// the charts mark it beside the P50. P80 when the manifest does not say.
    #[serde(skip)]
    pub decision: DecisionStat,
    /// Who reads the charts (`scenario.report.audience`): a board's charts leave
    /// the seed, the trial count and the cap notes to the report's method section.
    #[serde(skip)]
    pub audience: Audience,
    /// The report's own title (`scenario.report.title`), which then heads the
    /// charts' subtitle in place of the scenario's title.
    #[serde(skip)]
    pub report_title: Option<String>,
}

/// One strategy as the manifest lists it; the list order fixes each strategy's colour.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct StrategyRef {
    pub id: String,
    pub label: String,
}

/// How a histogram's bin edges are spaced, as written in its `scale` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    Linear,
    /// Log-spaced edges; a first bin with `low <= 0` holds the values `<= 0`.
    Log,
    /// Unit-width bins centred on integers.
    Integer,
}

/// One bin: `count` trials with a value in `[low, high)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bin {
    pub low: f64,
    pub high: f64,
    pub count: f64,
}

/// The statistics the histogram rows repeat, which the charts mark.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Marks {
    pub mean: f64,
    pub p10: f64,
    pub p50: f64,
    pub p80: f64,
    pub p90: f64,
    pub p95: f64,
}

/// One strategy's histogram of one metric.
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    pub scale: Scale,
    pub bins: Vec<Bin>,
    /// The trials beyond the axis cut: `low` is the cut, `high` the largest value.
    pub overflow: Option<Bin>,
    /// The strategy's trial count.
    pub n: f64,
    pub marks: Marks,
}

/// Everything the charts draw, loaded from one run folder.
#[derive(Debug, Clone)]
pub struct ChartData {
    pub manifest: Manifest,
    /// Keyed by (metric, strategy id).
    pub summary: BTreeMap<(String, String), SummaryRow>,
    /// Keyed by (metric, strategy id).
    pub histograms: BTreeMap<(String, String), Histogram>,
    pub comparison: Vec<ComparisonRow>,
    /// The run folder the data came from, for error messages.
    pub run_dir: PathBuf,
}

impl ChartData {
    /// Reads `manifest.json`, `summary.csv`, `histograms.csv` and `comparison.csv` from `run_dir`.
    pub fn load(run_dir: &Path) -> Result<ChartData, ChartError> {
        let manifest_path = run_dir.join(MANIFEST_FILE);
        let text = std::fs::read_to_string(&manifest_path).map_err(|source| ChartError::Read {
            path: manifest_path.clone(),
            source,
        })?;
        let raw: serde_json::Value =
            serde_json::from_str(&text).map_err(|source| ChartError::Manifest {
                path: manifest_path.clone(),
                source,
            })?;
        let horizon_weeks = raw
            .pointer("/scenario/horizon/weeks")
            .and_then(serde_json::Value::as_f64)
            .filter(|w| w.is_finite() && *w > 0.0);
        let decision = raw
            .pointer("/scenario/decision/statistic")
            .and_then(serde_json::Value::as_str)
            .and_then(DecisionStat::from_word)
            .unwrap_or_default();
        let audience = match raw
            .pointer("/scenario/report/audience")
            .and_then(serde_json::Value::as_str)
        {
            Some("board") => Audience::Board,
            _ => Audience::Analyst,
        };
        let report_title = raw
            .pointer("/scenario/report/title")
            .and_then(serde_json::Value::as_str)
            .map(|t| crate::text::truncate(t, MAX_TEXT_CHARS));
        let mut manifest: Manifest =
            serde_json::from_value(raw).map_err(|source| ChartError::Manifest {
                path: manifest_path.clone(),
                source,
            })?;
        manifest.horizon_weeks = horizon_weeks;
        manifest.decision = decision;
        manifest.audience = audience;
        manifest.report_title = report_title;
        let mut texts = strategy_texts(&manifest.strategies);
        texts.push(("scenario_name".into(), &manifest.scenario_name));
        texts.push(("scenario_title".into(), &manifest.scenario_title));
        texts.push(("currency".into(), &manifest.currency));
        check_text_lengths(&manifest_path, texts)?;
        if manifest.strategies.is_empty() {
            return Err(ChartError::Invalid {
                path: manifest_path,
                message: "lists no strategies".to_string(),
            });
        }

        // Every number a chart reads is checked first: a hand-edited NaN, infinity,
        // negative count or out-of-order quantile is refused, naming its cell, before
        // anything is drawn.
        let trials = manifest.trials;
        let summary_path = run_dir.join(SUMMARY_FILE);
        let mut summary = BTreeMap::new();
        for (line, row) in read_rows::<SummaryRow>(&summary_path)? {
            let at = Cell::new(&summary_path, line, "run");
            at.trials("n", row.n, trials)?;
            let ordered = [
                ("min", row.min),
                ("p10", row.p10),
                ("p50", row.p50),
                ("p80", row.p80),
                ("p90", row.p90),
                ("p95", row.p95),
                ("max", row.max),
            ];
            at.statistic("mean", row.mean)?;
            at.statistics_in_order(&ordered)?;
            at.between("mean", row.mean, row.min, row.max)?;
            summary.insert((row.metric.clone(), row.strategy.clone()), row);
        }

        let histogram_path = run_dir.join(HISTOGRAMS_FILE);
        let histogram_rows = read_rows::<HistogramRow>(&histogram_path)?;
        for (line, row) in &histogram_rows {
            let at = Cell::new(&histogram_path, *line, "run");
            at.trials("n", row.n, trials)?;
            at.finite("bin_low", row.bin_low)?;
            at.finite("bin_high", row.bin_high)?;
            at.ascending(&[("bin_low", row.bin_low), ("bin_high", row.bin_high)])?;
            at.count("count", row.count)?;
            at.statistic("mean", row.mean)?;
            let marks = [
                ("p10", row.p10),
                ("p50", row.p50),
                ("p80", row.p80),
                ("p90", row.p90),
                ("p95", row.p95),
            ];
            at.statistics_in_order(&marks)?;
        }
        let histograms = group_histograms(&histogram_path, histogram_rows)?;

        let comparison_path = run_dir.join(COMPARISON_FILE);
        let mut comparison = Vec::new();
        for (line, row) in read_rows::<ComparisonRow>(&comparison_path)? {
            let at = Cell::new(&comparison_path, line, "run");
            at.probability("p_best_a", row.p_best_a)?;
            at.probability("p_best_b", row.p_best_b)?;
            comparison.push(row);
        }
        Ok(ChartData {
            manifest,
            summary,
            histograms,
            comparison,
            run_dir: run_dir.to_path_buf(),
        })
    }

    /// The summary row of one strategy and metric, or an error naming what is missing.
    pub fn summary_row(&self, metric: &str, strategy: &str) -> Result<&SummaryRow, ChartError> {
        self.summary
            .get(&(metric.to_string(), strategy.to_string()))
            .ok_or_else(|| ChartError::Missing {
                path: self.run_dir.join(SUMMARY_FILE),
                what: format!("metric `{metric}` of strategy `{strategy}`"),
            })
    }

    /// The histogram of one strategy and metric, or an error naming what is missing.
    pub fn histogram(&self, metric: &str, strategy: &str) -> Result<&Histogram, ChartError> {
        self.histograms
            .get(&(metric.to_string(), strategy.to_string()))
            .ok_or_else(|| ChartError::Missing {
                path: self.run_dir.join(HISTOGRAMS_FILE),
                what: format!("metric `{metric}` of strategy `{strategy}`"),
            })
    }

    /// The probability that `strategy` is the best of all strategies on `metric`, read from
    /// `comparison.csv`; with one strategy there is no pair and it is best with probability 1.
    pub fn p_best(&self, metric: &str, strategy: &str) -> Result<f64, ChartError> {
        if self.manifest.strategies.len() == 1 {
            return Ok(1.0);
        }
        self.comparison
            .iter()
            .filter(|row| row.metric == metric)
            .find_map(|row| {
                if row.strategy_a == strategy {
                    Some(row.p_best_a)
                } else if row.strategy_b == strategy {
                    Some(row.p_best_b)
                } else {
                    None
                }
            })
            .ok_or_else(|| ChartError::Missing {
                path: self.run_dir.join(COMPARISON_FILE),
                what: format!("metric `{metric}` of strategy `{strategy}`"),
            })
    }
}

/// The rows of a CSV file with a header, each with the line it starts on.
pub(crate) fn read_rows<T: for<'de> Deserialize<'de>>(
    path: &Path,
) -> Result<Vec<(u64, T)>, ChartError> {
    let csv_error = |source| ChartError::Csv {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(|source| ChartError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let mut reader = csv::Reader::from_reader(std::io::BufReader::new(file));
    let headers = reader.headers().map_err(csv_error)?.clone();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(csv_error)?;
        let line = record.position().map_or(0, csv::Position::line);
        rows.push((line, record.deserialize(Some(&headers)).map_err(csv_error)?));
    }
    Ok(rows)
}

/// One row of a saved file, for checking its numbers: an error names the file, the
/// line, the column and what the column may hold.
pub(super) struct Cell<'a> {
    path: &'a Path,
    line: u64,
    /// The command that writes the file (`run`, `sweep`, `compare`).
    command: &'static str,
}

impl<'a> Cell<'a> {
    pub(super) fn new(path: &'a Path, line: u64, command: &'static str) -> Self {
        Cell {
            path,
            line,
            command,
        }
    }

    fn error(&self, column: &'static str, message: String) -> ChartError {
        ChartError::Value {
            path: self.path.to_path_buf(),
            line: self.line,
            column,
            message,
            command: self.command,
        }
    }

    pub(super) fn finite(&self, column: &'static str, value: f64) -> Result<(), ChartError> {
        if value.is_finite() {
            return Ok(());
        }
        Err(self.error(column, format!("must be a finite number, got {value}")))
    }

    /// A statistic of a metric: every metric is finite and >= 0.
    pub(super) fn statistic(&self, column: &'static str, value: f64) -> Result<(), ChartError> {
        if value.is_finite() && value >= 0.0 {
            return Ok(());
        }
        Err(self.error(
            column,
            format!("must be a finite number >= 0, as every metric is, got {value}"),
        ))
    }

    /// A count of trials: a whole number >= 0.
    pub(super) fn count(&self, column: &'static str, value: f64) -> Result<(), ChartError> {
        if value.is_finite() && value >= 0.0 && value.fract() == 0.0 {
            return Ok(());
        }
        Err(self.error(
            column,
            format!("must be a whole number >= 0 (a count of trials), got {value}"),
        ))
    }

    /// The trial count of every strategy: the manifest's `trials`.
    pub(super) fn trials(
        &self,
        column: &'static str,
        value: f64,
        trials: u64,
    ) -> Result<(), ChartError> {
        if value == trials as f64 {
            return Ok(());
        }
        Err(self.error(
            column,
            format!("must be the run's trial count, {trials} (manifest.json), got {value}"),
        ))
    }

    /// A probability; 1e-9 above 1 is allowed, for the rounding of a share of a
    /// tally above 2^53.
    pub(super) fn probability(&self, column: &'static str, value: f64) -> Result<(), ChartError> {
        if (0.0..=1.0 + 1e-9).contains(&value) {
            return Ok(());
        }
        Err(self.error(
            column,
            format!("must be a probability, from 0 to 1, got {value}"),
        ))
    }

    /// Statistics of a metric, each finite and >= 0 ([`Cell::statistic`]), that
    /// never decrease from left to right (min, quantiles, max).
    pub(super) fn statistics_in_order(
        &self,
        columns: &[(&'static str, f64)],
    ) -> Result<(), ChartError> {
        for &(column, value) in columns {
            self.statistic(column, value)?;
        }
        self.ascending(columns)
    }

    /// Columns that never decrease from left to right (quantiles, bin edges).
    pub(super) fn ascending(&self, columns: &[(&'static str, f64)]) -> Result<(), ChartError> {
        for pair in columns.windows(2) {
            let ((before, low), (column, value)) = (pair[0], pair[1]);
            if value < low {
                let order: Vec<&str> = columns.iter().map(|(c, _)| *c).collect();
                return Err(self.error(
                    column,
                    format!(
                        "must be >= {before} ({low}), got {value}: the columns go {}",
                        order.join(" <= ")
                    ),
                ));
            }
        }
        Ok(())
    }

    /// A mean lies between the smallest and the largest value; a rounding slack of
    /// 1e-9 of their size is allowed.
    pub(super) fn between(
        &self,
        column: &'static str,
        value: f64,
        min: f64,
        max: f64,
    ) -> Result<(), ChartError> {
        let slack = 1e-9 * min.abs().max(max.abs());
        if value >= min - slack && value <= max + slack {
            return Ok(());
        }
        Err(self.error(
            column,
            format!("must be between min ({min}) and max ({max}), got {value}"),
        ))
    }
}

fn group_histograms(
    path: &Path,
    rows: Vec<(u64, HistogramRow)>,
) -> Result<BTreeMap<(String, String), Histogram>, ChartError> {
    let mut out: BTreeMap<(String, String), Histogram> = BTreeMap::new();
    // Per histogram: the sum of its counts and the line of its last row.
    let mut totals: BTreeMap<(String, String), (f64, u64)> = BTreeMap::new();
    for (line, row) in rows {
        let total = totals
            .entry((row.metric.clone(), row.strategy.clone()))
            .or_insert((0.0, line));
        *total = (total.0 + row.count, line);
        let at = Cell::new(path, line, "run");
        let scale = match row.scale.as_str() {
            "linear" => Scale::Linear,
            "log" => Scale::Log,
            "integer" => Scale::Integer,
            other => {
                return Err(at.error(
                    "scale",
                    format!("must be linear, log or integer, got `{other}`"),
                ));
            }
        };
        let bin = Bin {
            low: row.bin_low,
            high: row.bin_high,
            count: row.count,
        };
        let marks = Marks {
            mean: row.mean,
            p10: row.p10,
            p50: row.p50,
            p80: row.p80,
            p90: row.p90,
            p95: row.p95,
        };
        let entry = out
            .entry((row.metric.clone(), row.strategy.clone()))
            .or_insert_with(|| Histogram {
                scale,
                bins: Vec::new(),
                overflow: None,
                n: row.n,
                marks,
            });
        match row.kind.as_str() {
            "bin" => {
                if entry.overflow.is_some() {
                    return Err(at.error(
                        "kind",
                        "a bin row follows the overflow row, which comes last".to_string(),
                    ));
                }
                entry.bins.push(bin);
            }
            "overflow" => {
                if entry.overflow.is_some() {
                    return Err(at.error(
                        "kind",
                        "a second overflow row; a histogram has at most one".to_string(),
                    ));
                }
                entry.overflow = Some(bin);
            }
            other => {
                return Err(at.error("kind", format!("must be bin or overflow, got `{other}`")));
            }
        }
    }
    for ((metric, strategy), (sum, line)) in totals {
        let n = out[&(metric.clone(), strategy.clone())].n;
        if sum != n {
            return Err(Cell::new(path, line, "run").error(
                "count",
                format!(
                    "the counts of strategy `{strategy}`, metric `{metric}` add up to {sum} trials, but n is {n}: every trial lies in one bin"
                ),
            ));
        }
    }
    Ok(out)
}
