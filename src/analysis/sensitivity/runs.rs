//! The runs of a sensitivity: the base run, then every swing, each reusing what
//! its setting does not change (see [`run`]), or in full ([`run_full`]).
//!
//! Owns the choice between keeping, recomputing and simulating a strategy's
//! value; what a trial reads is the model's ([`crate::model::Fingerprint`]).

use std::sync::atomic::AtomicBool;

use super::{
    Prepared, ReuseCount, Sensitivity, SensitivityError, SensitivityPlan, global, restrict, swung,
};
use crate::analysis::sweep::statistic;
use crate::engine::{self, Record, RunPlan};
use crate::metric::Metric;
use crate::model::{Drawn, Fingerprint, Model};
use crate::scenario::Scenario;
use crate::stats;

/// Runs the base (recording its drivers) and every swing, in order, on the base seed.
///
/// A swing reruns only what it changes. A strategy whose outcomes the setting
/// leaves as they are (the same draws and sums: [`crate::model::Fingerprint`])
/// keeps its base value; one whose draws it leaves as they are (it changes only
/// costs, burn, responders, churn values, plan multipliers and the like) is
/// recomputed from what the base run drew ([`Model::resettled_column`]); only the
/// others are simulated again, alone. The values are those of a full rerun, bit
/// for bit ([`run_full`]).
///
/// `progress` is called with the trials of each batch as it finishes: the runs
/// hold `prepared.trials()` trials in all.
pub fn run(
    prepared: Prepared,
    plan: &SensitivityPlan<'_>,
    stop: &AtomicBool,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Sensitivity, SensitivityError> {
    run_reusing(prepared, plan, stop, progress, true)
}

/// [`run`] simulating every swing in full: the same analysis, for the benchmark
/// and the tests that show reuse changes nothing.
pub fn run_full(
    prepared: Prepared,
    plan: &SensitivityPlan<'_>,
    stop: &AtomicBool,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Sensitivity, SensitivityError> {
    run_reusing(prepared, plan, stop, progress, false)
}

/// The base run, as the swings reuse it.
struct BaseRun {
    print: Fingerprint,
    /// What every strategy drew, trial-major.
    drawn: Vec<Drawn>,
    /// The analysed metric's values, per strategy.
    columns: Vec<Vec<f64>>,
    /// The statistic per strategy.
    values: Vec<f64>,
    metric: Metric,
}

fn run_reusing(
    prepared: Prepared,
    plan: &SensitivityPlan<'_>,
    stop: &AtomicBool,
    progress: &(dyn Fn(u64) + Sync),
    reuse: bool,
) -> Result<Sensitivity, SensitivityError> {
    let runs = prepared.runs();
    let Prepared {
        base,
        chosen,
        drivers,
        unswung,
        swing,
        mut swings,
    } = prepared;
    let run_plan = RunPlan {
        trials: base.trials,
        seed: base.seed,
        threads: plan.threads,
    };
    let model = Model::new(&base);
    let k = base.strategies.len();
    // The base run keeps only the analysed metric's samples (all of them, as
    // before reuse, for the full recomputation).
    let record = Record {
        drivers: true,
        drawn: reuse,
        only: reuse.then_some(plan.metric),
    };
    let recorded = engine::simulate_recorded(&model, &run_plan, stop, record, progress)?;
    let stat_of = |values: &[f64], s: usize| {
        let summary = stats::summarize(values, s, plan.metric);
        statistic(&summary, plan.stat).unwrap_or(f64::NAN)
    };
    let columns: Vec<Vec<f64>> = match recorded.samples {
        Some(samples) => (0..k)
            .map(|s| samples.column(s, plan.metric).to_vec())
            .collect(),
        None => recorded.only,
    };
    let base_values: Vec<f64> = (0..k).map(|s| stat_of(&columns[s], s)).collect();
    let global = global(&model, &columns, &recorded.drivers);
    drop(recorded.drivers);
    let base_run = BaseRun {
        print: model.fingerprint(),
        columns,
        drawn: recorded.drawn,
        values: base_values.clone(),
        metric: plan.metric,
    };

    let mut values = Vec::with_capacity(drivers.len());
    let mut count = ReuseCount::default();
    for (i, d) in drivers.iter().enumerate() {
        // The full recomputation reads every swing again, as before reuse.
        let (low, high) = match swings[i].take().filter(|_| reuse) {
            Some(pair) => pair,
            None => swung(plan, &base, &chosen, d)?,
        };
        let mut row = vec![(f64::NAN, f64::NAN); k];
        // The base strategy each strategy of the swung scenarios is.
        let at: Vec<usize> = match d.strategy {
            Some(s) => vec![s],
            None => (0..k).collect(),
        };
        let mut side = |s: &Scenario| {
            swung_values(
                s, &at, &base_run, &run_plan, reuse, &mut count, stop, progress, &stat_of,
            )
        };
        let low = side(&low)?;
        let high = side(&high)?;
        for ((&s, lo), hi) in at.iter().zip(low).zip(high) {
            row[s] = (lo, hi);
        }
        values.push(row);
    }
    Ok(Sensitivity {
        scenario: base,
        metric: plan.metric,
        stat: plan.stat.to_string(),
        trials: run_plan.trials,
        seed: run_plan.seed,
        swing,
        drivers,
        unswung,
        base: base_values,
        values,
        global,
        runs,
        reuse: count,
    })
}

/// The statistic of every strategy of a swung scenario `s`, whose strategy j is
/// the base's `at[j]`: the base value where the outcomes are the base's, recomputed
/// from the base's draws where only the sums changed, simulated (those strategies
/// alone) otherwise; all simulated unless `reuse`.
#[allow(clippy::too_many_arguments)]
fn swung_values(
    s: &Scenario,
    at: &[usize],
    base: &BaseRun,
    run_plan: &RunPlan,
    reuse: bool,
    count: &mut ReuseCount,
    stop: &AtomicBool,
    progress: &(dyn Fn(u64) + Sync),
    stat_of: &dyn Fn(&[f64], usize) -> f64,
) -> Result<Vec<f64>, SensitivityError> {
    let model = Model::new(s);
    let mut out = vec![f64::NAN; at.len()];
    let mut simulate: Vec<usize> = Vec::new();
    if reuse {
        let print = model.fingerprint();
        let k = base.values.len();
        for (j, &b) in at.iter().enumerate() {
            if print.same_outcomes(j, &base.print, b) {
                count.kept += 1;
                out[j] = base.values[b];
            } else if print.same_draws(j, &base.print, b) {
                count.resettled += 1;
                let drawn = base.drawn.iter().skip(b).step_by(k);
                let column = model.resettled_column(j, drawn, base.metric, &base.columns[b]);
                out[j] = stat_of(&column, j);
            } else {
                simulate.push(j);
            }
        }
    } else {
        simulate = (0..at.len()).collect();
    }
    count.simulated += simulate.len();
    if simulate.is_empty() {
        progress(run_plan.trials);
        return Ok(out);
    }
    let run = if simulate.len() == at.len() {
        model
    } else {
        Model::new(&restrict(s.clone(), &simulate))
    };
    // Only the analysed metric's samples; all of them, as before reuse, when not `reuse`.
    let only = Record {
        only: reuse.then_some(base.metric),
        ..Record::default()
    };
    let recorded = engine::simulate_recorded(&run, run_plan, stop, only, progress)?;
    for (position, &j) in simulate.iter().enumerate() {
        let column = match &recorded.samples {
            Some(samples) => samples.column(position, base.metric),
            None => &recorded.only[position][..],
        };
        out[j] = stat_of(column, position);
    }
    Ok(out)
}
