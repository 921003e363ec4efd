//! tradeoff-sim: a Monte Carlo simulator of delivery tradeoffs for a
//! composable-commerce replatform (backend-led, UX-led or hybrid partners).
//!
//! Data flows one way: [`scenario`] (the TOML file, validated) -> [`model`] (one
//! trial) -> [`engine`] (many trials, in parallel, deterministic) -> [`stats`]
//! (summaries) -> [`output`] (CSV, manifest, run folder) -> [`cli`].

pub mod analysis;
pub mod check;
pub mod cli;
pub mod engine;
pub mod format;
pub mod math;
pub mod model;
pub mod output;
pub mod scenario;
pub mod stats;
pub mod text;
