//! Analyses built from several runs of the model: sweeps over parameters,
//! comparisons across scenarios, sensitivity (tornado) and the claim check.
//! Numbers and plain-text verdicts only: files, charts and the console live in
//! `output` and above.

pub mod check;
pub mod compare;
pub mod sensitivity;
pub mod sweep;
pub mod variant;
