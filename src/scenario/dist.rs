//! Moved: the distributions and samplers live in [`crate::dist`], below both
//! `scenario` and `model`. This path re-exports them until every caller uses the
//! new one.

pub use crate::dist::*; // layering: shim, removed after merge
