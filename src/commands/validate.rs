//! `tradeoff-sim validate`: check a scenario file (with any `--set`), then
//! simulate its first batch to catch draws that overflow. Writes nothing.

use std::sync::atomic::AtomicBool;

use super::{CliError, in_scenario};
use crate::cli::ValidateArgs;
use crate::engine::{self, BATCH_TRIALS, RunPlan};
use crate::model::Model;
use crate::scenario;

pub fn validate(args: &ValidateArgs, stop: &AtomicBool) -> Result<String, CliError> {
    let s = scenario::from_path_with(&args.scenario, &args.set)?;
    super::warn_inputs(&s);
    // A smoke run of the first batch on the scenario's seed: a scenario whose
    // draws overflow double precision is refused here, in a fraction of a second,
    // rather than minutes into a long run. (Rarer overflows can still surface
    // later; `run` checks every trial.)
    let plan = RunPlan {
        trials: s.trials.min(BATCH_TRIALS),
        seed: s.seed,
        threads: 1,
    };
    in_scenario(
        &args.scenario,
        engine::summarise_run(&Model::new(&s), &plan, stop)
            .map(|_| String::new())
            .map_err(CliError::from),
    )?;
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    Ok(format!(
        "{}: valid: {}, {}, {} trials, seed {}\n",
        args.scenario.display(),
        plural(s.strategies.len(), "strategy", "strategies"),
        plural(s.risks.len(), "risk", "risks"),
        s.trials,
        s.seed
    ))
}
