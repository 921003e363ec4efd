//! `manifest.json`: everything needed to reproduce a run and to label its charts, and the
//! one place that says which kinds of folder tradeoff-sim writes ([`ManifestKind`]) and how a
//! folder's kind is read back ([`read_header`]).

use serde::{Deserialize, Serialize};

use crate::scenario::{ParameterEvidence, Scenario};

/// This build of tradeoff-sim: the crate version, `+`, and a fingerprint of the
/// source it was compiled from (see `build.rs`). Two binaries with the same `BUILD`
/// simulate the same trials.
pub const BUILD: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    "+",
    env!("TRADEOFF_SIM_SOURCE_HASH")
);

/// Which command wrote a folder, as its `manifest.json` says in `kind` (written in lower case:
/// `"sweep"`). A run's manifest, and so a merged run's, has no `kind`: [`ManifestKind::Run`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ManifestKind {
    Run,
    Shard,
    Sweep,
    Compare,
    Sensitivity,
    Check,
}

impl ManifestKind {
    pub const ALL: [ManifestKind; 6] = [
        ManifestKind::Run,
        ManifestKind::Shard,
        ManifestKind::Sweep,
        ManifestKind::Compare,
        ManifestKind::Sensitivity,
        ManifestKind::Check,
    ];

    /// The word in `manifest.json`'s `kind`: `run`, `shard`, `sweep`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            ManifestKind::Run => "run",
            ManifestKind::Shard => "shard",
            ManifestKind::Sweep => "sweep",
            ManifestKind::Compare => "compare",
            ManifestKind::Sensitivity => "sensitivity",
            ManifestKind::Check => "check",
        }
    }

    /// The kind a `kind` word names, if any.
    pub fn from_word(word: &str) -> Option<ManifestKind> {
        ManifestKind::ALL.into_iter().find(|k| k.as_str() == word)
    }
}

impl std::fmt::Display for ManifestKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a `manifest.json` says about itself, read before the rest of it so that a folder of
/// the wrong kind is named as such rather than by the first field it lacks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ManifestHeader {
    /// The `tool` field: `tradeoff-sim` for a manifest this tool wrote.
    pub tool: Option<String>,
    /// The `kind` field: absent (or not a string) is a run; `Err` holds a word no kind has.
    pub kind: Result<ManifestKind, String>,
}

impl ManifestHeader {
    /// Whether tradeoff-sim wrote the manifest.
    pub fn is_ours(&self) -> bool {
        self.tool.as_deref() == Some(env!("CARGO_PKG_NAME"))
    }

    /// The `kind` word as written, `run` when absent.
    pub fn kind_word(&self) -> &str {
        match &self.kind {
            Ok(kind) => kind.as_str(),
            Err(word) => word,
        }
    }
}

/// Reads the `tool` and `kind` of a `manifest.json`'s bytes; fails only when they are not a
/// JSON value.
pub fn read_header(manifest_json: &[u8]) -> Result<ManifestHeader, serde_json::Error> {
    let raw: serde_json::Value = serde_json::from_slice(manifest_json)?;
    let word = |key: &str| raw.get(key).and_then(serde_json::Value::as_str);
    Ok(ManifestHeader {
        tool: word("tool").map(str::to_string),
        kind: match word("kind") {
            None => Ok(ManifestKind::Run),
            Some(w) => ManifestKind::from_word(w).ok_or_else(|| w.to_string()),
        },
    })
}

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
    /// Which command wrote the folder when it is not a run ([`ManifestKind::Check`]), so
    /// that `chart` can say what the folder holds; a run's manifest has none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<ManifestKind>,
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
    /// The charts of the folder, by stem ([`crate::output::CHARTS_KEY`]): only the
    /// files `charts/<stem>.png` and `.svg` are tradeoff-sim's. None for a check.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub charts: Vec<String>,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_written_as_its_lower_case_word_and_read_back() {
        for kind in ManifestKind::ALL {
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
            assert_eq!(serde_json::from_str::<ManifestKind>(&json).unwrap(), kind);
            assert_eq!(ManifestKind::from_word(kind.as_str()), Some(kind));
        }
        assert_eq!(ManifestKind::Sensitivity.to_string(), "sensitivity");
    }

    #[test]
    fn a_manifest_without_kind_is_a_run_and_an_unknown_kind_keeps_its_word() {
        let run = read_header(br#"{"tool": "tradeoff-sim", "seed": 1}"#).unwrap();
        assert_eq!(run.kind, Ok(ManifestKind::Run));
        assert!(run.is_ours());
        let other = read_header(br#"{"tool": "other", "kind": "report"}"#).unwrap();
        assert_eq!(other.kind, Err("report".to_string()));
        assert_eq!(other.kind_word(), "report");
        assert!(!other.is_ours());
        assert_eq!(
            read_header(br#"{"kind": "sweep"}"#).unwrap().kind,
            Ok(ManifestKind::Sweep)
        );
        assert!(read_header(b"not json").is_err());
    }
}
