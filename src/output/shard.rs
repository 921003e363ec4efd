//! A shard's partial result: its samples in a small binary file, and a manifest
//! that carries the scenario's text, seed and trial count, so that `merge` can
//! rebuild exactly the run a single machine would have made.
//!
//! `partial.bin`: the 8 bytes `TSPART01`, then little-endian u32 strategies, u32
//! metrics, u64 trials, then every column (strategy-major, then metric) as
//! little-endian f64. Portable across machines of either byte order.

use serde::{Deserialize, Serialize};

use crate::engine::Samples;
use crate::model::METRIC_COUNT;

pub const PARTIAL: &str = "partial.bin";
const MAGIC: &[u8; 8] = b"TSPART01";

/// What a shard folder's `manifest.json` says.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ShardManifest {
    pub tool: String,
    pub version: String,
    pub kind: String,
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
}

/// The partial file's bytes.
pub fn encode(samples: &Samples) -> Vec<u8> {
    let columns = samples.columns();
    let mut out = Vec::with_capacity(24 + columns.len() * samples.trials() * 8);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(samples.strategies() as u32).to_le_bytes());
    out.extend_from_slice(&(METRIC_COUNT as u32).to_le_bytes());
    out.extend_from_slice(&(samples.trials() as u64).to_le_bytes());
    for column in columns {
        for value in column {
            out.extend_from_slice(&value.to_le_bytes());
        }
    }
    out
}

/// Samples from a partial file's bytes, or why they are not one.
pub fn decode(bytes: &[u8]) -> Result<Samples, String> {
    let header = bytes.get(..24).ok_or("too short to be a partial result")?;
    if &header[..8] != MAGIC {
        return Err("not a tradeoff-sim partial result (wrong magic bytes)".into());
    }
    let word = |i: usize| u32::from_le_bytes(header[i..i + 4].try_into().unwrap_or([0; 4]));
    let strategies = word(8) as usize;
    let metrics = word(12) as usize;
    let trials = u64::from_le_bytes(header[16..24].try_into().unwrap_or([0; 8])) as usize;
    if metrics != METRIC_COUNT {
        return Err(format!(
            "written with {metrics} metrics per strategy, this version has {METRIC_COUNT}"
        ));
    }
    let expected = (strategies * metrics)
        .checked_mul(trials)
        .and_then(|n| n.checked_mul(8))
        .and_then(|n| n.checked_add(24))
        .ok_or("header sizes overflow")?;
    if bytes.len() != expected {
        return Err(format!(
            "truncated or padded: {} bytes, expected {expected}",
            bytes.len()
        ));
    }
    let columns = bytes[24..]
        .chunks_exact(trials.max(1) * 8)
        .take(strategies * metrics)
        .map(|column| {
            column
                .chunks_exact(8)
                .map(|b| f64::from_le_bytes(b.try_into().unwrap_or([0; 8])))
                .collect()
        })
        .collect::<Vec<Vec<f64>>>();
    let columns = if trials == 0 {
        vec![Vec::new(); strategies * metrics]
    } else {
        columns
    };
    Samples::from_columns(strategies, columns).ok_or_else(|| "inconsistent columns".into())
}
