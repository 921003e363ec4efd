//! Scenarios side by side: each scenario run on its own file, the same strategies
//! matched by id, so "what the vendor pitch implies" (seed.toml) stands next to
//! "what the literature implies" (reference.toml); or one scenario beside its
//! what-if variants, every one on the base's random numbers.

use std::sync::atomic::AtomicBool;

use crate::engine::{self, RunPlan};
use crate::model::Model;
use crate::scenario::{Override, Scenario, ScenarioSource};
use crate::stats::Summary;

use super::sweep::SweepError;
use super::variant::{self, Variant};

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
    run_each(scenarios, threads, stop)
}

/// Runs the scenario of `source` under `overrides` as [`variant::BASE`], then under
/// each variant (its overrides after `overrides`), named by the variant. Every run
/// uses the base's trials and seed (`trials` and `seed` when given), so a variant
/// that changes nothing gives the base's numbers exactly (common random numbers).
/// Every variant is read before the first run.
///
/// A named variant's title is its overrides, so a table or chart key that shows
/// `name: title` says what the variant changes; an unnamed one (already named by
/// its overrides) keeps the base's title.
pub fn run_variants(
    source: &ScenarioSource,
    overrides: &[Override],
    variants: &[Variant],
    trials: Option<u64>,
    seed: Option<u64>,
    threads: usize,
    stop: &AtomicBool,
) -> Result<Vec<ScenarioRun>, SweepError> {
    if variants.is_empty() {
        return Err(SweepError::Usage(
            "compare needs at least one --variant beside the base".to_string(),
        ));
    }
    variant::check(variants).map_err(SweepError::Usage)?;
    let mut base = source.parse(overrides)?;
    if let Some(t) = trials {
        base.trials = t;
    }
    if let Some(seed) = seed {
        base.seed = seed;
    }
    let mut scenarios = Vec::with_capacity(variants.len() + 1);
    for v in variants {
        let mut s = variant::scenario_of(source, overrides, v, &[])?;
        s.name.clone_from(&v.name);
        if v.named {
            s.title = v.overrides_text();
        }
        s.trials = base.trials;
        s.seed = base.seed;
        scenarios.push(s);
    }
    base.name = variant::BASE.to_string();
    scenarios.insert(0, base);
    run_each(scenarios, threads, stop)
}

/// Runs each scenario on its own trials and seed, in order.
fn run_each(
    scenarios: Vec<Scenario>,
    threads: usize,
    stop: &AtomicBool,
) -> Result<Vec<ScenarioRun>, SweepError> {
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
