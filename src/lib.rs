//! tradeoff-sim
