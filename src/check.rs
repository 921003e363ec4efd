//! Moved: the claim check lives in [`crate::analysis::check`], with the other
//! analyses. This path re-exports it until every caller uses the new one.

pub use crate::analysis::check::*; // layering: shim, removed after merge
