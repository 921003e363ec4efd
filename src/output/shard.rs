//! A shard's partial result: its summary in a small binary file, and a manifest
//! that carries the scenario's text, seed and trial count, so that `merge` can
//! rebuild exactly the run a single machine would have made.
//!
//! `partial.bin`: the 8 bytes `TSPART02`, then little-endian u64 words: the count
//! of words of the summary ([`Partial::to_words`]: moments as exact sums, extremes,
//! sketch buckets, pair and decision tallies), those words, then 0, or 1 followed
//! by strategies, trials and every column (strategy-major, then metric) as f64
//! when the run is small enough to keep its samples. Portable across machines of
//! either byte order.

use serde::{Deserialize, Serialize};

use crate::engine::Simulated;
use crate::metric::Metric;
use crate::output::manifest::ManifestKind;
use crate::stats::Partial;
use crate::stats::Samples;

pub const PARTIAL: &str = "partial.bin";
const MAGIC: &[u8; 8] = b"TSPART02";

/// What a shard folder's `manifest.json` says.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ShardManifest {
    pub tool: String,
    pub version: String,
    /// [`BUILD`](crate::output::manifest::BUILD) of the binary that wrote the shard;
    /// empty for shards of versions that did not record it.
    #[serde(default)]
    pub build: String,
    /// Always [`ManifestKind::Shard`].
    pub kind: ManifestKind,
    pub shard: u64,
    pub shards: u64,
    pub first_batch: u64,
    pub end_batch: u64,
    pub scenario_name: String,
    pub scenario_file: String,
    pub scenario_sha256: String,
    /// The scenario file's text, so that every machine merges the same scenario.
    pub scenario_text: String,
    pub overrides: Vec<String>,
    pub seed: u64,
    /// Trials of the whole run, not of this shard.
    pub trials: u64,
    pub strategies: usize,
    /// SHA-256 of `partial.bin`, so that `merge` refuses a damaged part, or the
    /// `partial.bin` of another shard or run copied into this folder.
    pub partial_sha256: String,
}

/// The partial file's bytes.
pub fn encode(simulated: &Simulated) -> Vec<u8> {
    let words = simulated.partial.to_words();
    let mut out = Vec::with_capacity(32 + words.len() * 8);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(words.len() as u64).to_le_bytes());
    for w in words {
        out.extend_from_slice(&w.to_le_bytes());
    }
    match &simulated.samples {
        None => out.extend_from_slice(&0u64.to_le_bytes()),
        Some(samples) => {
            out.extend_from_slice(&1u64.to_le_bytes());
            out.extend_from_slice(&(samples.strategies() as u64).to_le_bytes());
            out.extend_from_slice(&(samples.trials() as u64).to_le_bytes());
            for column in samples.columns() {
                for value in column {
                    out.extend_from_slice(&value.to_le_bytes());
                }
            }
        }
    }
    out
}

/// Reads little-endian words off the front of a byte slice.
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn u64(&mut self) -> Result<u64, String> {
        let (head, rest) = self
            .0
            .split_first_chunk::<8>()
            .ok_or("truncated partial result")?;
        self.0 = rest;
        Ok(u64::from_le_bytes(*head))
    }
}

/// A shard's result from a partial file's bytes, or why they are not one.
pub fn decode(bytes: &[u8]) -> Result<Simulated, String> {
    decode_with(bytes, &Metric::ALL)
}

/// [`decode`] for a scenario that reports `metrics` (`Scenario::metrics`).
pub fn decode_with(bytes: &[u8], metrics: &[Metric]) -> Result<Simulated, String> {
    let Some((magic, rest)) = bytes.split_first_chunk::<8>() else {
        return Err("too short to be a partial result".into());
    };
    if magic != MAGIC {
        return Err(
            "not a partial result of this version of tradeoff-sim (wrong magic bytes)".into(),
        );
    }
    let mut r = Reader(rest);
    let count = usize::try_from(r.u64()?).map_err(|_| "header sizes overflow")?;
    if count > r.0.len() / 8 {
        return Err("truncated partial result".into());
    }
    let words: Vec<u64> = (0..count).map(|_| r.u64()).collect::<Result<_, _>>()?;
    let partial = Partial::from_words_with(&words, metrics).ok_or("inconsistent partial result")?;
    let samples = match r.u64()? {
        0 => None,
        1 => {
            let strategies = r.u64()? as usize;
            let trials = r.u64()? as usize;
            let expected = (strategies * metrics.len())
                .checked_mul(trials)
                .and_then(|n| n.checked_mul(8))
                .ok_or("header sizes overflow")?;
            if r.0.len() != expected {
                return Err(format!(
                    "truncated or padded: {} bytes of samples, expected {expected}",
                    r.0.len()
                ));
            }
            let columns: Vec<Vec<f64>> = if trials == 0 {
                vec![Vec::new(); strategies * metrics.len()]
            } else {
                r.0.chunks_exact(trials * 8)
                    .map(|column| {
                        column
                            .chunks_exact(8)
                            .map(|b| f64::from_le_bytes(b.try_into().unwrap_or([0; 8])))
                            .collect()
                    })
                    .collect()
            };
            r.0 = &[];
            let samples = Samples::from_columns_with(strategies, metrics, columns)
                .ok_or("inconsistent columns")?;
            if samples.trials() as u64 != partial.trials() || strategies != partial.strategies() {
                return Err("the samples and the summary disagree".into());
            }
            Some(samples)
        }
        _ => return Err("inconsistent partial result".into()),
    };
    if !r.0.is_empty() {
        return Err("padded: bytes after the partial result".into());
    }
    Ok(Simulated { partial, samples })
}
