//! `manifest.json`: everything needed to reproduce a run and to label its charts.

use serde::Serialize;

use crate::scenario::{ParameterEvidence, Scenario};

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
    /// The scenarios the file extends (`extends`), nearest first, each with the
    /// SHA-256 of the text that was read; absent for a file without `extends`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub extends: Vec<ExtendedFile>,
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
    /// The evidence class of every parameter and risk (`[provenance]`, MODEL.md
    /// §8.6); absent when no file of the scenario declares any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<&'a [ParameterEvidence]>,
    /// The scenario as resolved (defaults filled in, governance curves as written).
    pub scenario: &'a Scenario,
}

/// One file a scenario extends, as a manifest records it.
#[derive(Serialize)]
pub struct ExtendedFile {
    /// Its path as resolved, or `<built-in reference.toml>`.
    pub file: String,
    pub builtin: bool,
    /// SHA-256 of its text, hex.
    pub sha256: String,
}

impl<'a> Manifest<'a> {
    pub fn to_json(&self) -> Vec<u8> {
        let mut bytes =
            serde_json::to_vec_pretty(self).expect("a manifest of plain data always serializes");
        bytes.push(b'\n');
        bytes
    }

    /// The files `scenario` extends, with their digests.
    pub fn extends_of(scenario: &Scenario) -> Vec<ExtendedFile> {
        scenario
            .bases
            .iter()
            .map(|b| ExtendedFile {
                file: b.file.clone(),
                builtin: b.builtin,
                sha256: sha256_hex(b.text.as_bytes()),
            })
            .collect()
    }

    /// Every parameter's evidence, when the scenario declares any.
    pub fn evidence_of(scenario: &'a Scenario) -> Option<&'a [ParameterEvidence]> {
        scenario
            .evidence
            .declared
            .then_some(scenario.evidence.parameters.as_slice())
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
