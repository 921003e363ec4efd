//! Scenarios side by side: each scenario run on its own file, the same strategies
//! matched by id, so "what the vendor pitch implies" (seed.toml) stands next to
//! "what the literature implies" (reference.toml).

use std::sync::atomic::AtomicBool;

use crate::engine::{self, RunPlan};
use crate::model::Model;
use crate::scenario::{Override, Scenario, ScenarioSource};
use crate::stats::Summary;

use super::sweep::SweepError;

/// One scenario's run.
#[derive(Clone, Debug)]
pub struct ScenarioRun {
    pub scenario: Scenario,
    pub summaries: Vec<Summary>,
}

impl ScenarioRun {
    /// The summary of strategy `id` on `metric`, if the scenario has that strategy.
    pub fn summary(&self, id: &str, metric: crate::metric::Metric) -> Option<&Summary> {
        let s = self.scenario.strategies.iter().position(|st| st.id == id)?;
        self.summaries
            .iter()
            .find(|x| x.strategy == s && x.metric == metric)
    }
}

/// Every strategy id of the runs, in order of first appearance, with its label.
pub fn strategy_union(runs: &[ScenarioRun]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for r in runs {
        for st in &r.scenario.strategies {
            if !out.iter().any(|(id, _)| *id == st.id) {
                out.push((st.id.clone(), st.label.clone()));
            }
        }
    }
    out
}

/// Loads every scenario first (so one bad file stops everything before any run),
/// then runs each with its own seed and trials unless overridden.
pub fn run(
    sources: &[ScenarioSource],
    overrides: &[Override],
    trials: Option<u64>,
    seed: Option<u64>,
    threads: usize,
    stop: &AtomicBool,
) -> Result<Vec<ScenarioRun>, SweepError> {
    if sources.len() < 2 {
        return Err(SweepError::Usage(
            "compare needs at least two scenario files".to_string(),
        ));
    }
    let mut names: Vec<String> = Vec::new();
    let mut scenarios = Vec::with_capacity(sources.len());
    for source in sources {
        let mut s = source.parse(overrides)?;
        if let Some(t) = trials {
            s.trials = t;
        }
        if let Some(seed) = seed {
            s.seed = seed;
        }
        if names.contains(&s.name) {
            return Err(SweepError::Usage(format!(
                "two scenarios are named {:?} (the file name without .toml); rename one",
                s.name
            )));
        }
        names.push(s.name.clone());
        scenarios.push(s);
    }
    let mut runs = Vec::with_capacity(scenarios.len());
    for s in scenarios {
        let plan = RunPlan {
            trials: s.trials,
            seed: s.seed,
            threads,
        };
        runs.push(ScenarioRun {
            summaries: engine::run_summaries(&Model::new(&s), &plan, stop)?,
            scenario: s,
        });
    }
    Ok(runs)
}
