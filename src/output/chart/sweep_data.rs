//! Reading a sweep folder (`manifest.json`, `sweep.csv`, `crossovers.csv`) into what the
//! sweep chart draws, every number checked first. Parsing and grouping only: the drawing is
//! [`super::sweep`]'s.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::ChartError;
use super::data::{
    Cell, MANIFEST_FILE, StrategyRef, check_text_lengths, read_rows, strategy_texts,
};
use crate::output::schema::{CrossoverRow, SweepRow};

pub const SWEEP_FILE: &str = crate::output::schema::SWEEP;
pub const CROSSOVERS_FILE: &str = crate::output::schema::CROSSOVERS;

#[derive(Debug, Clone, Deserialize)]
pub(super) struct SweepManifest {
    #[serde(default)]
    pub(super) scenario_name: String,
    #[serde(default)]
    pub(super) scenario_title: String,
    pub(super) currency: String,
    pub(super) trials: u64,
    pub(super) seed: u64,
    pub(super) metric: String,
    pub(super) statistic: String,
    pub(super) params: Vec<Param>,
    pub(super) strategies: Vec<StrategyRef>,
}

#[derive(Debug, Clone, Deserialize)]
pub(super) struct Param {
    pub(super) key: String,
    /// The key's plain-language label (`scenario::key_label`); absent in a folder
    /// written before labels, where the key itself is shown.
    #[serde(default)]
    pub(super) label: Option<String>,
    pub(super) values: Vec<String>,
}

impl Param {
    /// What titles and axes show: the label, else the key.
    pub(super) fn shown(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.key)
    }
}

/// Everything the sweep chart draws, loaded from one sweep folder.
pub(super) struct SweepData {
    pub(super) manifest: SweepManifest,
    /// Rows of the manifest's metric, keyed by (value, value2, strategy id).
    pub(super) rows: BTreeMap<(String, String, String), SweepRow>,
    pub(super) unit: String,
    pub(super) crossovers: Vec<CrossoverRow>,
}

impl SweepData {
    pub(super) fn load(dir: &Path) -> Result<SweepData, ChartError> {
        let manifest_path = dir.join(MANIFEST_FILE);
        let text = std::fs::read_to_string(&manifest_path).map_err(|source| ChartError::Read {
            path: manifest_path.clone(),
            source,
        })?;
        let manifest: SweepManifest =
            serde_json::from_str(&text).map_err(|source| ChartError::Manifest {
                path: manifest_path.clone(),
                source,
            })?;
        let mut texts = strategy_texts(&manifest.strategies);
        texts.push(("scenario_name".into(), &manifest.scenario_name));
        texts.push(("scenario_title".into(), &manifest.scenario_title));
        texts.push(("currency".into(), &manifest.currency));
        for (i, p) in manifest.params.iter().enumerate() {
            texts.push((format!("params[{i}].key"), &p.key));
            if let Some(label) = &p.label {
                texts.push((format!("params[{i}].label"), label));
            }
            for (j, v) in p.values.iter().enumerate() {
                texts.push((format!("params[{i}].values[{j}]"), v));
            }
        }
        check_text_lengths(&manifest_path, texts)?;
        let invalid = |message: &str| ChartError::Folder {
            path: manifest_path.clone(),
            message: format!("{message}; rerun `tradeoff-sim sweep` to rewrite the folder"),
        };
        if manifest.strategies.is_empty() {
            return Err(invalid("lists no strategies"));
        }
        if manifest.params.is_empty()
            || manifest.params.len() > 2
            || manifest.params.iter().any(|p| p.values.is_empty())
        {
            return Err(invalid("needs one or two params, each with values"));
        }
        let sweep_path = dir.join(SWEEP_FILE);
        let mut unit = String::new();
        let mut rows = BTreeMap::new();
        for (line, row) in read_rows::<SweepRow>(&sweep_path)? {
            if row.metric != manifest.metric {
                continue;
            }
            let at = Cell::new(&sweep_path, line, "sweep");
            let ordered = [
                ("min", row.min),
                ("p05", row.p05),
                ("p10", row.p10),
                ("p25", row.p25),
                ("p50", row.p50),
                ("p75", row.p75),
                ("p80", row.p80),
                ("p90", row.p90),
                ("p95", row.p95),
                ("p99", row.p99),
                ("max", row.max),
            ];
            at.statistic("mean", row.mean)?;
            at.statistic("std_dev", row.std_dev)?;
            at.statistics_in_order(&ordered)?;
            at.between("mean", row.mean, row.min, row.max)?;
            unit.clone_from(&row.unit);
            rows.insert(
                (row.value.clone(), row.value2.clone(), row.strategy.clone()),
                row,
            );
        }
        if rows.is_empty() {
            return Err(ChartError::Missing {
                path: sweep_path,
                what: format!("metric `{}`", manifest.metric),
            });
        }
        if SweepRow::stat(
            rows.values().next().expect("not empty"),
            &manifest.statistic,
        )
        .is_none()
        {
            return Err(invalid(&format!(
                "statistic `{}` is not a column of sweep.csv",
                manifest.statistic
            )));
        }
        let crossovers_path = dir.join(CROSSOVERS_FILE);
        let mut crossovers = Vec::new();
        for (line, row) in read_rows::<CrossoverRow>(&crossovers_path)? {
            if let Some(value) = row.crossing_value {
                Cell::new(&crossovers_path, line, "sweep").finite("crossing_value", value)?;
            }
            crossovers.push(row);
        }
        Ok(SweepData {
            manifest,
            rows,
            unit,
            crossovers,
        })
    }

    pub(super) fn row(&self, value: &str, value2: &str, strategy: &str) -> Option<&SweepRow> {
        self.rows
            .get(&(value.to_string(), value2.to_string(), strategy.to_string()))
    }
}
