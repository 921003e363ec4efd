//! tradeoff-sim: a Monte Carlo simulator of delivery tradeoffs for a
//! composable-commerce replatform (backend-led, UX-led or hybrid partners).
//!
//! Layers, lowest first; a module imports only from layers below its own (the
//! test `tests/it/layers.rs` enforces it, ARCHITECTURE.md draws it):
//! - leaves: [`text`], [`math`], [`metric`] (the metric and statistic vocabulary),
//!   then [`dist`] (one type per distribution, built on `math`);
//! - [`scenario`]: the TOML file, validated;
//! - [`model`] (one trial) and [`stats`] (summaries of samples), side by side;
//! - [`engine`]: many trials, in parallel, deterministic, summarised with `stats`;
//! - [`analysis`]: sweeps, comparisons, sensitivity, claim checks;
//! - [`output`]: CSV, charts, manifest, run folder;
//! - [`cli`]: the command line, parsed and typed;
//! - [`commands`]: one file per subcommand, publishing through one step.
//!
//! Feature `cli` (default) adds `output`, `cli` and `commands` and what they
//! need; feature `parallel` (default) runs batches on rayon's threads. Without
//! them the library is the engine alone, on the calling thread, and builds for
//! `wasm32-unknown-unknown` (the live page's engine, `live/`).

pub mod analysis;

#[cfg(feature = "cli")]
pub mod cli;
#[cfg(feature = "cli")]
pub mod commands;
pub mod dist;
pub mod engine;
pub mod format;
pub mod math;
pub mod metric;
pub mod model;
#[cfg(feature = "cli")]
pub mod output;
pub mod scenario;
pub mod stats;
pub mod text;
