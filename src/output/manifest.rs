//! `manifest.json`: everything needed to reproduce a run and to label its charts.

use serde::Serialize;

use crate::scenario::Scenario;

/// This build of tradeoff-sim: the crate version, `+`, and a fingerprint of the
/// source it was compiled from (see `build.rs`). Two binaries with the same `BUILD`
/// simulate the same trials.
pub const BUILD: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    "+",
    env!("TRADEOFF_SIM_SOURCE_HASH")
);

#[derive(Serialize)]
pub struct StrategyLabel<'a> {
    pub id: &'a str,
    pub label: &'a str,
}

#[derive(Serialize)]
pub struct Manifest<'a> {
    pub tool: &'static str,
    pub version: &'static str,
    /// [`BUILD`]: the binary that wrote the run, so that it can be reproduced.
    pub build: &'static str,
    /// Which command wrote the folder when it is not a run (`check`), so that
    /// `chart` can say what the folder holds; a run's manifest has none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<&'static str>,
    pub scenario_name: &'a str,
    pub scenario_title: &'a str,
    pub scenario_file: Option<String>,
    /// SHA-256 of the scenario file's bytes, hex.
    pub scenario_sha256: Option<String>,
    pub currency: &'a str,
    pub seed: u64,
    pub trials: u64,
    pub batch_trials: u64,
    pub threads: usize,
    pub command_line: Vec<String>,
    /// `--set` overrides applied on top of the file, in order.
    pub overrides: Vec<String>,
    pub target_build_weeks: Option<f64>,
    pub strategies: Vec<StrategyLabel<'a>>,
    /// Trials whose fat-tail build multiplier hit its cap, per strategy.
    pub tail_capped_trials: Vec<u64>,
    /// The scenario as resolved (defaults filled in, governance curves as written).
    pub scenario: &'a Scenario,
}

impl<'a> Manifest<'a> {
    pub fn to_json(&self) -> Vec<u8> {
        let mut bytes =
            serde_json::to_vec_pretty(self).expect("a manifest of plain data always serializes");
        bytes.push(b'\n');
        bytes
    }

    pub fn strategies_of(scenario: &'a Scenario) -> Vec<StrategyLabel<'a>> {
        scenario
            .strategies
            .iter()
            .map(|s| StrategyLabel {
                id: &s.id,
                label: &s.label,
            })
            .collect()
    }
}

/// Hex SHA-256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}
