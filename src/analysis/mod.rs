//! Analyses built from several runs of the model: sweeps over parameters and
//! comparisons across scenarios. Numbers only: files and drawing live in `output`.

pub mod compare;
pub mod sensitivity;
pub mod sweep;
pub mod variant;
