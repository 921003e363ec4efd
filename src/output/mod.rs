//! Everything the simulator writes to a run folder. `chart` owns all drawing.

pub mod chart;
