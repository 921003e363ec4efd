//! tradeoff-sim: a Monte Carlo simulator of delivery tradeoffs for composable-commerce
//! replatforms.

pub mod output;
