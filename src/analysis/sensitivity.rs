//! Sensitivity: which assumptions move the answer.
//!
//! Two measures, both on common random numbers:
//! - a one-at-a-time **tornado**: every numeric model key of the scenario (read
//!   from the reader's catalogue, [`Scenario::parameters`]) swung to a low and a
//!   high setting with everything else at its base, and every risk switched off
//!   (probability 0 for every strategy) and forced on (probability 1) as one
//!   driver. Every run uses the base run's seed, so a bar is the key's doing,
//!   not noise;
//! - a **global** measure from the base run alone: the Spearman rank correlation
//!   of each sampled driver of a trial (latent complexity, frailty, estimate
//!   error, surges, headroom, each risk's occurrence, ...) with the output, per
//!   strategy.
//!
//! A strategy's own keys (`strategies.<id>.*`) move only that strategy (each
//! strategy draws from its own stream), so they are run on that strategy alone:
//! the numbers are the same as in a full run, at a fraction of the cost.
//!
//! Owns the choice of drivers and settings, the runs and the rankings; files and
//! drawing live in `output`.

use std::sync::atomic::AtomicBool;

use crate::analysis::swing::{curve_toml, plain_name, scale_dist, toml_number};
use crate::engine::{self, EngineError};
use crate::format;
use crate::metric::{METRIC_COUNT, Metric};
use crate::model::{Drawn, Model};
use crate::scenario::{
    FRAMING_KEYS, GovernanceCurve, Override, ParamValue, Parameter, Scenario, ScenarioError,
    ScenarioSource,
};
use crate::stats;

mod runs;

pub use runs::{run, run_full};

/// Trials per run when `--trials` is not given: a sensitivity is ~100 runs.
pub const DEFAULT_TRIALS: u64 = 20_000;

#[derive(Debug, thiserror::Error)]
pub enum SensitivityError {
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    #[error(transparent)]
    Engine(#[from] EngineError),
}

/// What a driver is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DriverKind {
    /// A number, swung to two values.
    Number,
    /// A value that may depend on governance, both ends scaled.
    Curve,
    /// A distribution, its location and scale scaled.
    Distribution,
    /// A risk of the register, switched off and forced on.
    Risk,
}

impl DriverKind {
    pub fn id(self) -> &'static str {
        match self {
            DriverKind::Number => "number",
            DriverKind::Curve => "curve",
            DriverKind::Distribution => "distribution",
            DriverKind::Risk => "risk",
        }
    }
}

/// One driver of the tornado and its two settings.
#[derive(Clone, Debug)]
pub struct Driver {
    /// The key path (`cost.hourly_rate`) or, for a risk, `risks[i]`.
    pub key: String,
    /// The key without `strategies.<id>.`, or `risk: <name>`.
    pub label: String,
    /// Plain words for a chart: `estimation error`, `risk: black swan`.
    pub name: String,
    pub kind: DriverKind,
    /// The strategy (index in [`Sensitivity::scenario`]) whose own key this is.
    pub strategy: Option<usize>,
    /// The settings as written in tables: `0.4`, `x0.8`, `off`.
    pub low_setting: String,
    pub high_setting: String,
    /// The base setting, as written: `0.5`, `x1`, `as given`.
    pub base_setting: String,
    /// The settings come from the scenario's `[sensitivity] ranges`.
    pub from_range: bool,
    low: Override,
    high: Override,
}

/// A finished sensitivity analysis.
#[derive(Clone, Debug)]
pub struct Sensitivity {
    /// The base scenario, restricted to the chosen strategies.
    pub scenario: Scenario,
    pub metric: Metric,
    pub stat: String,
    pub trials: u64,
    pub seed: u64,
    /// The default swing used where no range is stated.
    pub swing: f64,
    pub drivers: Vec<Driver>,
    /// Numeric keys left out because their value is 0 (a scaled 0 stays 0).
    pub unswung: Vec<String>,
    /// The statistic per strategy at the base.
    pub base: Vec<f64>,
    /// `values[d][s]` = the statistic for strategy s at driver d's low and high
    /// setting; NaN where the driver does not touch s (another strategy's key).
    pub values: Vec<Vec<(f64, f64)>>,
    /// Rank correlations from the base run, per strategy.
    pub global: Vec<Vec<Correlation>>,
    pub runs: RunCount,
    /// How the swings' strategy values were found.
    pub reuse: ReuseCount,
}

/// How a sensitivity found each strategy's value at each swung setting.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReuseCount {
    /// The base value: the setting changes nothing the strategy's outcomes read.
    pub kept: usize,
    /// Recomputed from the base run's draws: the setting changes no draw.
    pub resettled: usize,
    /// Simulated again.
    pub simulated: usize,
}

/// How many runs a sensitivity took.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RunCount {
    /// Runs of every chosen strategy: the base, the shared keys' and the risks' swings.
    pub full: usize,
    /// Runs of one strategy alone: its own keys' swings.
    pub single: usize,
    /// Strategy-runs in all (a full run of k strategies counts k).
    pub strategy_runs: usize,
}

/// A sampled driver's rank correlation with the output.
#[derive(Clone, Debug, PartialEq)]
pub struct Correlation {
    pub driver: String,
    pub rho: f64,
}

/// One bar of a tornado.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    /// Index into [`Sensitivity::drivers`].
    pub driver: usize,
    pub base: f64,
    pub at_low: f64,
    pub at_high: f64,
    /// The length of the bar: max - min of (base, at_low, at_high).
    pub swing: f64,
}

fn span(base: f64, lo: f64, hi: f64) -> f64 {
    base.max(lo).max(hi) - base.min(lo).min(hi)
}

impl Sensitivity {
    /// Strategy `s`'s bars, largest swing first (ties in driver order).
    pub fn tornado(&self, s: usize) -> Vec<Bar> {
        let mut bars: Vec<Bar> = self
            .drivers
            .iter()
            .enumerate()
            .filter(|(_, d)| d.strategy.is_none_or(|o| o == s))
            .map(|(i, _)| {
                let (lo, hi) = self.values[i][s];
                Bar {
                    driver: i,
                    base: self.base[s],
                    at_low: lo,
                    at_high: hi,
                    swing: span(self.base[s], lo, hi),
                }
            })
            .collect();
        bars.sort_by(|a, b| b.swing.total_cmp(&a.swing));
        bars
    }

    /// Driver `d`'s key label; a strategy's own key is prefixed with the strategy's
    /// label when `qualified` (where several strategies' keys share one list).
    pub fn label(&self, d: usize, qualified: bool) -> String {
        self.qualify(d, &self.drivers[d].label, qualified)
    }

    /// Driver `d`'s plain name, qualified like [`Sensitivity::label`].
    pub fn name(&self, d: usize, qualified: bool) -> String {
        self.qualify(d, &self.drivers[d].name, qualified)
    }

    fn qualify(&self, d: usize, text: &str, qualified: bool) -> String {
        match self.drivers[d].strategy {
            Some(s) if qualified => format!("{}: {text}", self.scenario.strategies[s].label),
            _ => text.to_string(),
        }
    }

    /// The two strategies with the lowest statistic at the base, best first.
    pub fn best_pair(&self) -> Option<(usize, usize)> {
        let mut order: Vec<usize> = (0..self.base.len()).collect();
        order.sort_by(|&a, &b| self.base[a].total_cmp(&self.base[b]));
        match order.as_slice() {
            [a, b, ..] => Some((*a, *b)),
            _ => None,
        }
    }

    /// Bars of the difference a - b of the statistic (negative: a is cheaper),
    /// for every driver that touches a or b; largest swing first.
    pub fn decision(&self, a: usize, b: usize) -> Vec<Bar> {
        let value = |d: usize, s: usize, high: bool| {
            let (lo, hi) = self.values[d][s];
            let v = if high { hi } else { lo };
            if v.is_nan() { self.base[s] } else { v }
        };
        let base = self.base[a] - self.base[b];
        let mut bars: Vec<Bar> = self
            .drivers
            .iter()
            .enumerate()
            .filter(|(_, d)| d.strategy.is_none_or(|o| o == a || o == b))
            .map(|(i, _)| {
                let lo = value(i, a, false) - value(i, b, false);
                let hi = value(i, a, true) - value(i, b, true);
                Bar {
                    driver: i,
                    base,
                    at_low: lo,
                    at_high: hi,
                    swing: span(base, lo, hi),
                }
            })
            .collect();
        bars.sort_by(|x, y| y.swing.total_cmp(&x.swing));
        bars
    }
}

/// What to run.
pub struct SensitivityPlan<'a> {
    /// The scenario file, read once: every point parses these bytes.
    pub scenario: &'a ScenarioSource,
    pub base: &'a [Override],
    /// Strategy ids to analyse; empty for all.
    pub strategies: &'a [String],
    pub metric: Metric,
    pub stat: &'a str,
    /// Trials per run (`--trials`, else [`DEFAULT_TRIALS`]).
    pub trials: u64,
    pub seed: Option<u64>,
    pub threads: usize,
}

/// The planned runs, validated: every swung scenario is read (and checked like
/// the file) before the first simulation. The swung scenarios are not kept: a
/// scenario of 64 strategies and 1,000 risks has thousands of drivers, and
/// holding two scenarios per driver took gigabytes; each is read again when its
/// runs come.
pub struct Prepared {
    base: Scenario,
    chosen: Vec<usize>,
    drivers: Vec<Driver>,
    unswung: Vec<String>,
    swing: f64,
    /// Per driver, its low and high scenario as read, when all of them fit in
    /// [`KEPT_SWINGS_BYTES`]; read again when its runs come otherwise.
    swings: Vec<Option<(Scenario, Scenario)>>,
}

/// The most the swung scenarios [`prepare`] reads may take to be kept for the
/// runs rather than read again, estimated from the base scenario's size.
pub const KEPT_SWINGS_BYTES: u64 = 64 << 20;

impl Prepared {
    /// Trials the runs simulate in all: the base run and a low and a high run
    /// per driver (what a progress bar counts to).
    pub fn trials(&self) -> u64 {
        self.base
            .trials
            .saturating_mul(1 + 2 * self.drivers.len() as u64)
    }

    pub fn runs(&self) -> RunCount {
        let k = self.chosen.len();
        let single = 2 * self.drivers.iter().filter(|d| d.strategy.is_some()).count();
        let full = 1 + 2 * self.drivers.iter().filter(|d| d.strategy.is_none()).count();
        RunCount {
            full,
            single,
            strategy_runs: full * k + single,
        }
    }
}

/// Reads the scenario, chooses the drivers and their settings, and reads every
/// swung scenario (thousands for the largest scenarios: `stop` is polled between
/// them), keeping them for [`run`] while they fit in [`KEPT_SWINGS_BYTES`].
pub fn prepare(
    plan: &SensitivityPlan<'_>,
    stop: &AtomicBool,
) -> Result<Prepared, SensitivityError> {
    prepare_keeping(plan, stop, true)
}

/// [`prepare`] reading the swung scenarios one by one and keeping none: what
/// [`run_full`], the full recomputation, started from before reuse.
pub fn prepare_full(
    plan: &SensitivityPlan<'_>,
    stop: &AtomicBool,
) -> Result<Prepared, SensitivityError> {
    prepare_keeping(plan, stop, false)
}

fn prepare_keeping(
    plan: &SensitivityPlan<'_>,
    stop: &AtomicBool,
    keep: bool,
) -> Result<Prepared, SensitivityError> {
    let mut base = plan.scenario.parse(plan.base)?;
    if let Some(seed) = plan.seed {
        base.seed = seed;
    }
    base.trials = plan.trials;
    let chosen = choose(&base, plan.strategies)?;
    // What the runs will hold is known from the base alone: refuse it before
    // reading any swung scenario.
    fits(&restrict(base.clone(), &chosen))?;
    let swing = base.sensitivity.swing;
    let mut drivers = Vec::new();
    let mut unswung = Vec::new();
    for p in &base.parameters {
        let not_model = ["risks", "claims", "sensitivity"];
        if FRAMING_KEYS.contains(&p.key.as_str()) || not_model.iter().any(|k| p.key.starts_with(k))
        {
            continue;
        }
        let owner = owner_of(&base, &p.key);
        let strategy = match owner {
            Some(index) => match chosen.iter().position(|&c| c == index) {
                Some(position) => Some(position),
                None => continue,
            },
            None => None,
        };
        match driver_of(&base, p, swing, strategy) {
            Some(d) => drivers.push(d),
            None => unswung.push(p.key.clone()),
        }
    }
    for (i, r) in base.risks.iter().enumerate() {
        let key = format!("risks[{i}]");
        // One entry per strategy (a table, as a claim's override of one strategy's
        // probability expects), all of them set.
        let set = |v: &str| Override {
            key: format!("{key}.probability"),
            value: format!(
                "{{ {} }}",
                base.strategies
                    .iter()
                    .map(|st| format!("{} = {v}", st.id))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        let (low, high) = (set("0"), set("1"));
        drivers.push(Driver {
            label: format!("risk: {}", r.name),
            name: format!("risk: {}", r.name),
            key,
            kind: DriverKind::Risk,
            strategy: None,
            low_setting: "off".to_string(),
            high_setting: "on".to_string(),
            base_setting: "as given".to_string(),
            from_range: false,
            low,
            high,
        });
    }
    // Each scenario's size, estimated from its text (a number printed is about
    // as long as it is in memory; names and lists count once).
    let size = format!("{base:?}").len() as u64;
    let keep = keep && size.saturating_mul(4 * drivers.len() as u64) <= KEPT_SWINGS_BYTES;
    // Read on the run's threads (unless `keep` is off: one by one, as the full
    // recomputation did); the first failure in driver order is reported.
    let threads = if keep { plan.threads } else { 1 };
    let read = engine::map_in_order(threads, &drivers, |d| {
        if stop.load(std::sync::atomic::Ordering::Relaxed) {
            return Err(EngineError::Interrupted.into());
        }
        // Kept, or checked and dropped (see [`Prepared`]).
        swung(plan, &base, &chosen, d).map(|pair| keep.then_some(pair))
    })?;
    let swings = read
        .into_iter()
        .collect::<Result<Vec<_>, SensitivityError>>()?;
    let base = restrict(base, &chosen);
    Ok(Prepared {
        base,
        chosen,
        drivers,
        unswung,
        swing,
        swings,
    })
}

/// The low and the high scenario of driver `d`, on the seed and trials of
/// `base`, restricted to the strategies it runs (`chosen` indexes the file's).
fn swung(
    plan: &SensitivityPlan<'_>,
    base: &Scenario,
    chosen: &[usize],
    d: &Driver,
) -> Result<(Scenario, Scenario), SensitivityError> {
    let read = |o: &Override| -> Result<Scenario, SensitivityError> {
        let mut overrides = plan.base.to_vec();
        overrides.push(o.clone());
        let mut s = plan.scenario.parse(&overrides)?;
        s.seed = base.seed;
        s.trials = base.trials;
        let keep: Vec<usize> = match d.strategy {
            Some(position) => vec![chosen[position]],
            None => chosen.to_vec(),
        };
        Ok(restrict(s, &keep))
    };
    Ok((read(&d.low)?, read(&d.high)?))
}

/// Refuses a sensitivity run that would hold more than the engine's sample limit
/// at once: the base run's samples of the metric (of every metric in the full
/// recomputation), its sampled drivers, the ranks of a few columns, and what the
/// swings reuse (each strategy's draws and its values of the metric); later that
/// and one swung run's samples of the metric. Counted as no less than a low and
/// a high run's samples of every metric.
fn fits(base: &Scenario) -> Result<(), EngineError> {
    let k = base.strategies.len();
    let width = Model::new(base).drivers().len();
    let per_run = k * METRIC_COUNT;
    let drawn = std::mem::size_of::<Drawn>().div_ceil(8);
    // Reusing: the metric's base values twice (as run, and kept), the draws.
    let reusing = width + 5 + k * (drawn + 2);
    let held = (per_run + width + 5).max(reusing).max(2 * per_run);
    engine::check_held(base.trials, held, || {
        format!(
            "({k} strategies x {METRIC_COUNT} metrics of the base run and its {width} sampled drivers, or of a low and a high run)"
        )
    })
}

/// Indices of the chosen strategies, in file order; all when none is named.
fn choose(s: &Scenario, ids: &[String]) -> Result<Vec<usize>, SensitivityError> {
    if ids.is_empty() {
        return Ok((0..s.strategies.len()).collect());
    }
    for id in ids {
        if !s.strategies.iter().any(|st| &st.id == id) {
            let all: Vec<&str> = s.strategies.iter().map(|st| st.id.as_str()).collect();
            return Err(SensitivityError::Usage(format!(
                "--strategy {id}: no such strategy in this scenario; one of {}",
                all.join(", ")
            )));
        }
    }
    Ok((0..s.strategies.len())
        .filter(|&i| ids.contains(&s.strategies[i].id))
        .collect())
}

/// The strategy whose own key `key` is, if any.
fn owner_of(s: &Scenario, key: &str) -> Option<usize> {
    let rest = key.strip_prefix("strategies.")?;
    let (id, _) = rest.split_once('.')?;
    s.strategies.iter().position(|st| st.id == id)
}

/// The scenario with only the strategies at `keep` (each risk's probabilities
/// follow). The shared draws do not depend on the strategies, and each strategy
/// draws from its own stream, so a kept strategy's numbers do not change.
pub fn restrict(mut s: Scenario, keep: &[usize]) -> Scenario {
    s.strategies = keep.iter().map(|&i| s.strategies[i].clone()).collect();
    for r in &mut s.risks {
        r.probability = keep.iter().map(|&i| r.probability[i]).collect();
    }
    s
}

/// The driver of a numeric key: its stated range, else the default swing.
/// `None` when the default swing cannot move it (a value of 0).
fn driver_of(s: &Scenario, p: &Parameter, swing: f64, strategy: Option<usize>) -> Option<Driver> {
    let label = match strategy {
        Some(_) => p.key.splitn(3, '.').nth(2).unwrap_or(&p.key).to_string(),
        None => p.key.clone(),
    };
    let make = |kind, low: String, high: String, settings: (String, String, String), ranged| {
        Some(Driver {
            key: p.key.clone(),
            name: plain_name(&label).unwrap_or(&label).to_string(),
            label: label.clone(),
            kind,
            strategy,
            low_setting: settings.0,
            high_setting: settings.1,
            base_setting: settings.2,
            from_range: ranged,
            low: Override {
                key: p.key.clone(),
                value: low,
            },
            high: Override {
                key: p.key.clone(),
                value: high,
            },
        })
    };
    let (f_lo, f_hi) = (1.0 - swing, 1.0 + swing);
    let factors = (format!("x{}", short(f_lo)), format!("x{}", short(f_hi)));
    let stated = s.sensitivity.ranges.iter().find(|r| r.key == p.key);
    match &p.value {
        ParamValue::Number(v) | ParamValue::Curve(GovernanceCurve { at_g0: v, .. })
            if stated.is_some() =>
        {
            let r = stated?;
            let settings = (short(r.low), short(r.high), short(*v));
            make(
                DriverKind::Number,
                toml_number(r.low),
                toml_number(r.high),
                settings,
                true,
            )
        }
        ParamValue::Number(v) => {
            let (lo, hi) = (p.allowed.clamp(v * f_lo), p.allowed.clamp(v * f_hi));
            if lo == hi {
                return None;
            }
            let settings = (short(lo), short(hi), short(*v));
            make(
                DriverKind::Number,
                toml_number(lo),
                toml_number(hi),
                settings,
                false,
            )
        }
        ParamValue::Curve(c) => {
            let scaled = |f: f64| GovernanceCurve {
                at_g0: p.allowed.clamp(c.at_g0 * f),
                at_g1: p.allowed.clamp(c.at_g1 * f),
                k: c.k,
            };
            let (lo, hi) = (scaled(f_lo), scaled(f_hi));
            if lo == hi {
                return None;
            }
            if c.at_g0 == c.at_g1 {
                let settings = (short(lo.at_g1), short(hi.at_g1), short(c.at_g1));
                return make(
                    DriverKind::Number,
                    toml_number(lo.at_g1),
                    toml_number(hi.at_g1),
                    settings,
                    false,
                );
            }
            let settings = (factors.0, factors.1, "x1".to_string());
            make(
                DriverKind::Curve,
                curve_toml(&lo),
                curve_toml(&hi),
                settings,
                false,
            )
        }
        ParamValue::Dist(d) => {
            let fraction = p.allowed.hi <= 1.0;
            let lo = scale_dist(d, f_lo, fraction);
            let hi = scale_dist(d, f_hi, fraction);
            if lo == hi {
                return None;
            }
            let settings = (factors.0, factors.1, "x1".to_string());
            make(DriverKind::Distribution, lo, hi, settings, false)
        }
    }
}

/// A swung setting as the tornado writes it: up to four significant figures, no
/// trailing zeros (0.4, 1.056, 13680).
pub fn short(x: f64) -> String {
    format::significant_short(x, 4)
}

/// Spearman's rho of every driver that concerns a strategy with its output
/// (`columns`, one per strategy, in trial order).
/// Constant drivers (a risk that never occurs for it, no war room) are left out.
fn global(model: &Model, columns: &[Vec<f64>], recorded: &[f64]) -> Vec<Vec<Correlation>> {
    let names = model.drivers();
    let width = names.len();
    (0..columns.len())
        .map(|s| {
            let n = columns[s].len();
            let output = ranks(&columns[s]);
            let mut out: Vec<Correlation> = names
                .iter()
                .enumerate()
                .filter(|(_, d)| d.strategy.is_none_or(|o| o == s))
                .filter_map(|(j, d)| {
                    let column: Vec<f64> = (0..n).map(|t| recorded[t * width + j]).collect();
                    let rho = pearson(&ranks(&column), &output);
                    rho.is_finite().then(|| Correlation {
                        driver: d.name.clone(),
                        rho,
                    })
                })
                .collect();
            out.sort_by(|a, b| b.rho.abs().total_cmp(&a.rho.abs()));
            out
        })
        .collect()
}

/// Ranks 1..n, ties sharing their average rank.
pub fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut out = vec![0.0; values.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        let rank = (i + j) as f64 / 2.0 + 1.0;
        for &o in &order[i..=j] {
            out[o] = rank;
        }
        i = j + 1;
    }
    out
}

/// Pearson correlation, sums in order; NaN when either side is constant.
pub fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let (mx, my) = (stats::mean(x), stats::mean(y));
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    if sxx == 0.0 || syy == 0.0 {
        return f64::NAN;
    }
    sxy / (sxx * syy).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_share_their_average_rank() {
        assert_eq!(ranks(&[3.0, 1.0, 3.0, 2.0]), [3.5, 1.0, 3.5, 2.0]);
    }

    #[test]
    fn spearman_is_one_for_any_increasing_transform() {
        let x: Vec<f64> = (1..50).map(f64::from).collect();
        let y: Vec<f64> = x.iter().map(|v| v.powi(3) + v.exp()).collect();
        assert!((pearson(&ranks(&x), &ranks(&y)) - 1.0).abs() < 1e-12);
        assert!(pearson(&ranks(&x), &[1.0; 49]).is_nan());
    }
}
