//! Sweeps: the same scenario at several values of one or two parameters, every
//! point on the same seed (common random numbers), so that differences between
//! points are the parameter's doing, not noise; and the crossovers, where one
//! strategy starts to beat another, stated in words.
//!
//! What-if variants (`--variant`) sweep as one more parameter, [`VARIANT_PARAM`],
//! whose values are `base` and each variant's name: the second parameter after a
//! `--param` (one chart panel per variant), or the only one.
//!
//! Owns the grid, the runs and the crossover search; files and drawing live in
//! `output`.

use std::collections::HashMap;
use std::sync::atomic::AtomicBool;

use crate::engine::{self, EngineError, RunPlan};
use crate::format;
use crate::metric::Metric;
use crate::model::Model;
use crate::scenario::{Override, Scenario, ScenarioError, ScenarioSource};
use crate::stats::{QUANTILES, Summary};

use super::sensitivity::restrict;
use super::variant::{self, Variant};

/// The key of the parameter that sweeps over variants (values: [`variant::BASE`],
/// then each variant's name). Not a scenario key, so it never clashes with one.
pub const VARIANT_PARAM: &str = "variant";

/// One swept parameter and the values it takes, as TOML value text.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepParam {
    pub key: String,
    pub values: Vec<String>,
    /// The option the values came from as the user wrote it (`--range 0.1:0.9:9`,
    /// `--values 1,2`, `--param KEY=1,2`), so that a bad value is reported there.
    pub origin: String,
}

#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    #[error(transparent)]
    Engine(#[from] EngineError),
}

/// Most points a sweep may run.
pub const MAX_POINTS: usize = 400;

/// `a,b,c` -> values. Commas inside brackets or braces do not split.
pub fn parse_values(list: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut current = String::new();
    for c in list.chars() {
        match c {
            '[' | '{' => depth += 1,
            ']' | '}' => depth -= 1,
            _ => {}
        }
        if c == ',' && depth == 0 {
            out.push(current.trim().to_string());
            current.clear();
        } else {
            current.push(c);
        }
    }
    out.push(current.trim().to_string());
    if out.iter().any(|v| v.is_empty()) {
        return Err(format!(
            "--values: empty value in {list:?}; write values separated by commas, e.g. 0.2,0.5,0.9"
        ));
    }
    Ok(out)
}

/// `lo:hi:steps` -> `steps` evenly spaced values from lo to hi inclusive.
pub fn parse_range(spec: &str) -> Result<Vec<String>, String> {
    let bad = || {
        format!(
            "--range: expected lo:hi:steps with finite numbers lo, hi and a whole number of steps from 2 to {MAX_POINTS}, e.g. 0.2:0.9:8; got {spec:?}"
        )
    };
    let parts: Vec<&str> = spec.split(':').collect();
    let [lo, hi, steps] = parts.as_slice() else {
        return Err(bad());
    };
    let lo: f64 = lo.trim().parse().map_err(|_| bad())?;
    let hi: f64 = hi.trim().parse().map_err(|_| bad())?;
    let steps: usize = steps.trim().parse().map_err(|_| bad())?;
    if !lo.is_finite() || !hi.is_finite() || !(2..=MAX_POINTS).contains(&steps) {
        return Err(bad());
    }
    Ok((0..steps)
        .map(|i| {
            let x = lo + (hi - lo) * i as f64 / (steps - 1) as f64;
            format_value(x)
        })
        .collect())
}

/// A float as short, clean TOML text: 0.30000000000000004 -> 0.3.
fn format_value(x: f64) -> String {
    let rounded: f64 = format!("{x:.12e}").parse().unwrap_or(x);
    let text = format!("{rounded}");
    if text.contains('.') || text.contains('e') || text.contains("inf") || text.contains("NaN") {
        text
    } else {
        format!("{text}.0")
    }
}

/// One point of the grid.
#[derive(Clone, Debug)]
pub struct Point {
    /// The value of each parameter at this point (TOML text).
    pub values: Vec<String>,
    pub summaries: Vec<Summary>,
}

/// A finished sweep.
#[derive(Clone, Debug)]
pub struct Sweep {
    /// The scenario at the first point (names, strategies, currency).
    pub scenario: Scenario,
    pub params: Vec<SweepParam>,
    pub points: Vec<Point>,
    pub trials: u64,
    pub seed: u64,
}

impl Sweep {
    /// The statistic `stat` (`mean` or a quantile column such as `p80`) of
    /// `metric` for strategy `s` at point `point`.
    pub fn value(&self, point: usize, s: usize, metric: Metric, stat: &str) -> f64 {
        self.points[point]
            .summaries
            .iter()
            .find(|x| x.strategy == s && x.metric == metric)
            .and_then(|x| statistic(x, stat))
            .unwrap_or(f64::NAN)
    }
}

/// `mean`, `std_dev`, `min`, `max` or a quantile name of a summary.
pub fn statistic(s: &Summary, stat: &str) -> Option<f64> {
    match stat {
        "mean" => Some(s.mean),
        "std_dev" => Some(s.std_dev),
        "min" => Some(s.min),
        "max" => Some(s.max),
        other => s.quantile(other),
    }
}

/// The statistics a sweep, sensitivity or claim may name.
pub fn statistic_names() -> Vec<&'static str> {
    let mut names = vec!["mean", "std_dev", "min", "max"];
    names.extend(QUANTILES.iter().map(|(n, _)| *n));
    names
}

/// What to run.
pub struct SweepPlan<'a> {
    /// The scenario file, read once: every point parses these bytes.
    pub scenario: &'a ScenarioSource,
    pub base: &'a [Override],
    pub params: &'a [SweepParam],
    /// What-if variants, swept as the last parameter (with the base first); none
    /// for a plain sweep.
    pub variants: &'a [Variant],
    pub trials: Option<u64>,
    pub seed: Option<u64>,
    pub threads: usize,
}

/// The parameter that sweeps over `variants`: [`VARIANT_PARAM`], valued
/// [`variant::BASE`] then each variant's name.
pub fn variant_param(variants: &[Variant]) -> SweepParam {
    SweepParam {
        key: VARIANT_PARAM.to_string(),
        values: std::iter::once(variant::BASE.to_string())
            .chain(variants.iter().map(|v| v.name.clone()))
            .collect(),
        origin: "--variant".to_string(),
    }
}

/// Refuses a sweep of no parameter, of more than two, or of more than
/// [`MAX_POINTS`] points, from the counts of values alone: before any value is
/// read (1,000 values were each checked, for 10 s, before the count was).
/// `params` includes the variant parameter when variants are swept.
pub fn check_points(params: &[SweepParam]) -> Result<(), SweepError> {
    if params.is_empty() || params.len() > 2 {
        return Err(SweepError::Usage(
            "a sweep takes one or two --param, or one --param and --variant".to_string(),
        ));
    }
    let points = params
        .iter()
        .fold(1usize, |n, p| n.saturating_mul(p.values.len()));
    if points > MAX_POINTS {
        let counts: Vec<String> = params
            .iter()
            .map(|p| format!("{} values of {}", p.values.len(), p.key))
            .collect();
        return Err(SweepError::Usage(format!(
            "the sweep has {points} points ({}); at most {MAX_POINTS}: use fewer values",
            counts.join(" x ")
        )));
    }
    Ok(())
}

/// The parameters swept: `plan.params`, then the variants as one more.
pub fn swept_params(plan: &SweepPlan<'_>) -> Result<Vec<SweepParam>, SweepError> {
    let mut params = plan.params.to_vec();
    if !plan.variants.is_empty() {
        variant::check(plan.variants).map_err(SweepError::Usage)?;
        params.push(variant_param(plan.variants));
    }
    Ok(params)
}

/// Validates every point first (a bad value stops the sweep before any run), then
/// runs them in order on the same seed. A point's scenario is read again when it
/// runs rather than kept: 400 points of the largest scenario would hold
/// hundreds of megabytes. `progress` is called with the trials of each batch.
///
/// A strategy whose outcomes a point does not change (the same draws and sums as
/// at an earlier point: [`crate::model::Fingerprint`]) is not simulated again:
/// its summaries are the earlier point's, which a run would repeat bit for bit.
pub fn run(
    plan: &SweepPlan<'_>,
    stop: &AtomicBool,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Sweep, SweepError> {
    run_reusing(plan, stop, progress, true)
}

/// [`run`] simulating every strategy at every point: the same sweep, for the
/// benchmark and the tests that show reuse changes nothing.
pub fn run_full(
    plan: &SweepPlan<'_>,
    stop: &AtomicBool,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Sweep, SweepError> {
    run_reusing(plan, stop, progress, false)
}

fn run_reusing(
    plan: &SweepPlan<'_>,
    stop: &AtomicBool,
    progress: &(dyn Fn(u64) + Sync),
    reuse: bool,
) -> Result<Sweep, SweepError> {
    let params = swept_params(plan)?;
    check_points(&params)?;
    // Each point as the index of its value in each parameter.
    let grid: Vec<Vec<usize>> = match params.as_slice() {
        [a] => (0..a.values.len()).map(|i| vec![i]).collect(),
        [a, b] => (0..a.values.len())
            .flat_map(|i| (0..b.values.len()).map(move |j| vec![i, j]))
            .collect(),
        _ => unreachable!("checked above"),
    };
    let variant_axis = (!plan.variants.is_empty()).then(|| params.len() - 1);
    let point = |indices: &[usize]| -> Result<Scenario, SweepError> {
        let mut overrides = plan.base.to_vec();
        let mut under = None;
        for (axis, (p, &i)) in params.iter().zip(indices).enumerate() {
            if Some(axis) == variant_axis {
                // Index 0 is the base; variant k - 1 is value k.
                under = i.checked_sub(1).and_then(|k| plan.variants.get(k));
            } else {
                overrides.push(Override {
                    key: p.key.clone(),
                    value: p.values[i].clone(),
                });
            }
        }
        let mut s = match under {
            // The variant's overrides go between --set and the point's values.
            Some(v) => {
                let point = &overrides[plan.base.len()..];
                variant::scenario_of(plan.scenario, plan.base, v, point)?
            }
            None => plan.scenario.parse(&overrides)?,
        };
        if let Some(t) = plan.trials {
            s.trials = t;
        }
        if let Some(seed) = plan.seed {
            s.seed = seed;
        }
        Ok(s)
    };
    let mut first = None;
    for indices in &grid {
        if stop.load(std::sync::atomic::Ordering::Relaxed) {
            return Err(EngineError::Interrupted.into());
        }
        let s = point(indices)?;
        first.get_or_insert(s);
    }
    let Some(first) = first else {
        return Err(SweepError::Usage("the sweep has no point".to_string()));
    };
    // Common random numbers: every point on the first point's seed and trials.
    let run_plan = RunPlan {
        trials: first.trials,
        seed: first.seed,
        threads: plan.threads,
    };
    let mut points = Vec::with_capacity(grid.len());
    let mut known = Known::default();
    for indices in grid {
        let s = point(&indices)?;
        let summaries = if reuse {
            known.summaries(s, &run_plan, stop, progress)?
        } else {
            engine::run_summaries_reporting(&Model::new(&s), &run_plan, stop, progress)?
        };
        points.push(Point {
            values: params
                .iter()
                .zip(indices)
                .map(|(p, i)| p.values[i].clone())
                .collect(),
            summaries,
        });
    }
    Ok(Sweep {
        scenario: first,
        params,
        points,
        trials: run_plan.trials,
        seed: run_plan.seed,
    })
}

/// The summaries of every strategy met so far, by what its outcomes depend on.
#[derive(Default)]
struct Known {
    /// The distinct shared parts of the points' fingerprints.
    shared: Vec<(String, String)>,
    /// (index into `shared`, the strategy's draws, its sums) -> its summaries,
    /// numbered as the strategy's place in the scenario.
    strategies: HashMap<(usize, String, String), Vec<Summary>>,
}

impl Known {
    /// The summaries of every strategy of `s`, strategy-major: those met at an
    /// earlier point as they were, the others from one run of them alone.
    fn summaries(
        &mut self,
        s: Scenario,
        plan: &RunPlan,
        stop: &AtomicBool,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<Vec<Summary>, EngineError> {
        let model = Model::new(&s);
        let print = model.fingerprint();
        let (draws, sums) = print.shared();
        let shared = match self
            .shared
            .iter()
            .position(|(d, s)| d == draws && s == sums)
        {
            Some(i) => i,
            None => {
                self.shared.push((draws.to_string(), sums.to_string()));
                self.shared.len() - 1
            }
        };
        let k = model.strategy_count();
        let keys: Vec<(usize, String, String)> = (0..k)
            .map(|i| {
                let (draws, sums) = print.strategy(i);
                (shared, draws.to_string(), sums.to_string())
            })
            .collect();
        let missing: Vec<usize> = (0..k)
            .filter(|&i| !self.strategies.contains_key(&keys[i]))
            .collect();
        if missing.is_empty() {
            progress(plan.trials);
        } else {
            // The samples are kept when a run of every strategy would keep them.
            let keep = engine::keeps_samples(plan.trials, k);
            let run = if missing.len() == k {
                model
            } else {
                Model::new(&restrict(s, &missing))
            };
            let summaries = engine::run_summaries_keeping(&run, plan, keep, stop, progress)?;
            let per = summaries.len() / missing.len();
            for (chunk, &i) in summaries.chunks(per).zip(&missing) {
                let own = chunk
                    .iter()
                    .map(|x| Summary {
                        strategy: i,
                        ..x.clone()
                    })
                    .collect();
                self.strategies.insert(keys[i].clone(), own);
            }
        }
        Ok(keys
            .iter()
            .flat_map(|key| self.strategies[key].iter().cloned())
            .collect())
    }
}

/// Where strategy `a` starts or stops beating strategy `b` along the first
/// parameter (for each value of the second, if any).
#[derive(Clone, Debug, PartialEq)]
pub struct Crossover {
    pub a: usize,
    pub b: usize,
    /// The value of the second parameter this crossing holds at, if swept.
    pub fixed: Option<String>,
    /// Interpolated parameter value where the two are equal; `None` when the
    /// parameter is not numeric (then `between` names the two points).
    pub at: Option<f64>,
    pub between: (String, String),
    /// `a` is better (lower, or higher for a metric where higher is better) above
    /// the crossing (else below).
    pub a_better_above: bool,
}

/// Sign changes of (a - b) between neighbouring points, for every pair.
pub fn crossovers(sweep: &Sweep, metric: Metric, stat: &str) -> Vec<Crossover> {
    let k = sweep.scenario.strategies.len();
    let n1 = sweep.params[0].values.len();
    let n2 = sweep.params.get(1).map_or(1, |p| p.values.len());
    // Variants are categories, even one whose name reads as a number.
    let numeric = sweep.params[0].key != VARIANT_PARAM;
    let mut out = Vec::new();
    for j in 0..n2 {
        let index = |i: usize| i * n2 + j;
        let fixed = sweep.params.get(1).map(|p| p.values[j].clone());
        for a in 0..k {
            for b in a + 1..k {
                for i in 0..n1.saturating_sub(1) {
                    let d0 = sweep.value(index(i), a, metric, stat)
                        - sweep.value(index(i), b, metric, stat);
                    let d1 = sweep.value(index(i + 1), a, metric, stat)
                        - sweep.value(index(i + 1), b, metric, stat);
                    if !(d0.is_finite() && d1.is_finite()) || d0 * d1 >= 0.0 {
                        continue;
                    }
                    let x = |i: usize| {
                        let value = sweep.params[0].values[i].parse::<f64>().ok();
                        value.filter(|_| numeric)
                    };
                    let (x0, x1) = (x(i), x(i + 1));
                    let at = match (x0, x1) {
                        (Some(x0), Some(x1)) => Some(x0 + (x1 - x0) * d0 / (d0 - d1)),
                        _ => None,
                    };
                    let increasing = match (x0, x1) {
                        (Some(x0), Some(x1)) => x1 >= x0,
                        _ => true,
                    };
                    out.push(Crossover {
                        a,
                        b,
                        fixed: fixed.clone(),
                        at,
                        between: (
                            sweep.params[0].values[i].clone(),
                            sweep.params[0].values[i + 1].clone(),
                        ),
                        a_better_above: ((d1 < 0.0) == increasing) != metric.higher_is_better(),
                    });
                }
            }
        }
    }
    out
}

/// A crossover in words: "Hybrid beats UX-led on P80 total_cost when
/// strategies.hybrid.governance >= 0.62".
pub fn describe(sweep: &Sweep, c: &Crossover, metric: Metric, stat: &str) -> String {
    let label = |i: usize| sweep.scenario.strategies[i].label.as_str();
    let (winner, loser, above) = (label(c.a), label(c.b), c.a_better_above);
    let key = &sweep.params[0].key;
    let stat_name = stat.to_uppercase();
    let condition = match c.at {
        Some(x) => format!(
            "{key} {} {}",
            if above { ">=" } else { "<=" },
            format::significant_short(x, 3)
        ),
        None => format!(
            "{key} moves from {} to {}",
            if above { &c.between.0 } else { &c.between.1 },
            if above { &c.between.1 } else { &c.between.0 }
        ),
    };
    let fixed = match (&c.fixed, sweep.params.get(1)) {
        (Some(v), Some(p)) => format!(" (at {} = {v})", p.key),
        _ => String::new(),
    };
    format!(
        "{winner} beats {loser} on {stat_name} {} when {condition}{fixed}",
        metric.id()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_spans_both_ends_evenly() {
        assert_eq!(
            parse_range("0.2:0.8:4").unwrap(),
            ["0.2", "0.4", "0.6", "0.8"]
        );
        assert_eq!(parse_range("1:3:3").unwrap(), ["1.0", "2.0", "3.0"]);
        assert!(parse_range("1:3").is_err());
        assert!(parse_range("1:3:1").is_err());
        assert!(parse_range("a:3:4").is_err());
    }

    #[test]
    fn values_split_on_top_level_commas_only() {
        assert_eq!(
            parse_values("0.2, 0.5,{ pert = [1, 2, 3] }").unwrap(),
            ["0.2", "0.5", "{ pert = [1, 2, 3] }"]
        );
        assert!(parse_values("0.2,,0.5").is_err());
    }
}
