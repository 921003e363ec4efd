//! `check`: runs a scenario, and the variant runs its claims ask for, and judges
//! every `[[claims]]` entry as holds, fails or undecided.
//!
//! A claim's side runs the scenario with the command line's `--set` overrides,
//! then the claim's `set`, then its `set_a` or `set_b`. Sides with equal override
//! lists share one run; the plain scenario is one of them. Every run uses the same
//! trial count and seed (a claim's overrides cannot change them), and only the
//! columns the claims read are kept. This module orchestrates and renders text; the
//! statistics are `stats::claims`, the files `output`.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::AtomicBool;

use crate::engine::{self, EngineError, RunPlan};
use crate::format;
use crate::metric::{METRIC_COUNT, Metric, PairOp, Stat, Statistic, Unit};
use crate::model::Model;
use crate::scenario::{Claim, Override, Scenario, ScenarioError, ScenarioSource};
use crate::stats::claims::{self as claim_stats, Estimate, Side, Verdict};
use crate::text::{display_width, pad_right};

#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    #[error(transparent)]
    Engine(#[from] EngineError),
}

/// How to run the check: trial count and seed (the scenario's when `None`) and
/// worker threads (results do not depend on them).
#[derive(Clone, Debug)]
pub struct CheckPlan {
    pub trials: Option<u64>,
    pub seed: Option<u64>,
    pub threads: usize,
}

/// One claim, judged.
#[derive(Clone, Debug)]
pub struct ClaimOutcome {
    pub claim: Claim,
    pub estimate: Estimate,
    pub verdict: Verdict,
    /// For an undecided claim: about how many trials would decide it.
    pub trials_to_decide: Option<u64>,
}

/// Every claim of a scenario, judged.
#[derive(Clone, Debug)]
pub struct CheckReport {
    /// The scenario as run (command-line overrides, trials and seed applied).
    pub scenario: Scenario,
    pub outcomes: Vec<ClaimOutcome>,
    /// Simulation runs made (the plain scenario and each distinct variant).
    pub runs: usize,
}

impl CheckReport {
    pub fn count(&self, verdict: Verdict) -> usize {
        self.outcomes
            .iter()
            .filter(|o| o.verdict == verdict)
            .count()
    }

    pub fn all_hold(&self) -> bool {
        self.count(Verdict::Holds) == self.outcomes.len()
    }
}

/// The runs a check makes.
struct Variants {
    /// Distinct override lists, in order of first use: one run each.
    lists: Vec<Vec<Override>>,
    /// Per list, the (strategy, metric) columns its claims read.
    needed: Vec<Vec<(String, Metric)>>,
    /// Per claim, the list of each side.
    sides: Vec<Vec<usize>>,
}

fn variants(base: &Scenario) -> Variants {
    let mut lists: Vec<Vec<Override>> = Vec::new();
    let mut needed: Vec<Vec<(String, Metric)>> = Vec::new();
    let mut side_list: Vec<Vec<usize>> = Vec::new();
    for claim in &base.claims {
        let mut sides = Vec::new();
        for side in 0..claim.strategies.len() {
            let list = claim.overrides(side);
            let i = match lists.iter().position(|l| *l == list) {
                Some(i) => i,
                None => {
                    lists.push(list);
                    needed.push(Vec::new());
                    lists.len() - 1
                }
            };
            let id = claim.strategy(side).to_string();
            for m in std::iter::once(claim.metric).chain(claim.per) {
                if !needed[i].contains(&(id.clone(), m)) {
                    needed[i].push((id.clone(), m));
                }
            }
            sides.push(i);
        }
        side_list.push(sides);
    }
    Variants {
        lists,
        needed,
        sides: side_list,
    }
}

/// Refuses a check of `scenario` at `trials` trials that would hold more than the
/// engine's sample limit; call it before anything is written.
pub fn check_fits(scenario: &Scenario, trials: u64) -> Result<(), EngineError> {
    fits(scenario, trials, &variants(scenario).needed)
}

/// Held at once: one run's samples, every column the claims compare (kept from
/// run to run), and a sorted copy of one column for a quantile.
fn fits(base: &Scenario, trials: u64, needed: &[Vec<(String, Metric)>]) -> Result<(), EngineError> {
    let kept: usize = needed.iter().map(Vec::len).sum();
    let strategies = base.strategies.len();
    engine::check_held(trials, strategies * METRIC_COUNT + kept + 1, || {
        format!(
            "({strategies} strategies x {METRIC_COUNT} metrics of one run, and the {kept} columns the claims compare)"
        )
    })
}

/// Runs the scenario `source` holds (with `overrides`) and every variant its
/// claims need, and judges each claim. Every variant is parsed from the same
/// bytes, the ones the manifest hashes.
pub fn check(
    source: &ScenarioSource,
    overrides: &[Override],
    plan: &CheckPlan,
    stop: &AtomicBool,
) -> Result<CheckReport, CheckError> {
    let load = |extra: &[Override]| -> Result<Scenario, CheckError> {
        let all: Vec<Override> = overrides.iter().chain(extra).cloned().collect();
        let mut s = source.parse(&all)?;
        if let Some(t) = plan.trials {
            s.trials = t;
        }
        if let Some(seed) = plan.seed {
            s.seed = seed;
        }
        Ok(s)
    };
    let base = load(&[])?;
    let run_plan = RunPlan {
        trials: base.trials,
        seed: base.seed,
        threads: plan.threads,
    };
    let Variants {
        lists,
        needed,
        sides: side_list,
    } = variants(&base);
    fits(&base, base.trials, &needed)?;
    let mut columns: BTreeMap<(usize, String, Metric), Vec<f64>> = BTreeMap::new();
    for (i, list) in lists.iter().enumerate() {
        let s = if list.is_empty() {
            base.clone()
        } else {
            load(list)?
        };
        let samples = engine::simulate(&Model::new(&s), &run_plan, stop)?;
        for (id, m) in &needed[i] {
            if let Some(k) = s.strategies.iter().position(|st| &st.id == id) {
                columns.insert((i, id.clone(), *m), samples.column(k, *m).to_vec());
            }
        }
    }
    let empty: Vec<f64> = Vec::new();
    let outcomes = base
        .claims
        .iter()
        .zip(&side_list)
        .map(|(claim, sides)| {
            let side = |k: usize| {
                let i = sides[k];
                let id = claim.strategy(k).to_string();
                Side {
                    values: columns
                        .get(&(i, id.clone(), claim.metric))
                        .unwrap_or(&empty),
                    per: claim
                        .per
                        .map(|p| columns.get(&(i, id, p)).unwrap_or(&empty).as_slice()),
                    indicator: claim.metric.unit() == Unit::Indicator,
                    count: claim.metric.unit() == Unit::Count,
                }
            };
            let b = (sides.len() == 2).then(|| side(1));
            let estimate = claim_stats::estimate(claim.statistic, side(0), b);
            let verdict = claim_stats::verdict(&estimate, claim.min, claim.max);
            let trials_to_decide = (verdict == Verdict::Undecided)
                .then(|| claim_stats::trials_to_decide(&estimate, claim.min, claim.max))
                .flatten();
            ClaimOutcome {
                claim: claim.clone(),
                estimate,
                verdict,
                trials_to_decide,
            }
        })
        .collect();
    Ok(CheckReport {
        scenario: base,
        outcomes,
        runs: lists.len(),
    })
}

/// The strategies of a claim as written in `claims.csv`: `ux_led`, or
/// `backend_led vs ux_led` for a pair.
pub fn strategies_label(claim: &Claim) -> String {
    claim.strategies.join(" vs ")
}

/// The metric of a claim, with its denominator: `incident_hours per incidents`.
pub fn metric_label(claim: &Claim) -> String {
    match claim.per {
        Some(p) => format!("{} per {}", claim.metric.id(), p.id()),
        None => claim.metric.id().to_string(),
    }
}

/// The claim's overrides in one line: `set: k=v; a: k=v; b: k=v`.
pub fn overrides_label(claim: &Claim) -> String {
    let join = |l: &[Override]| {
        l.iter()
            .map(|o| o.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut parts = Vec::new();
    for (name, list) in [
        ("set", &claim.set),
        ("a", &claim.set_a),
        ("b", &claim.set_b),
    ] {
        if !list.is_empty() {
            parts.push(format!("{name}: {}", join(list)));
        }
    }
    parts.join("; ")
}

/// A claim's value as the report writes it: an amount of money (the mean, a quantile
/// or a difference of a money metric) with its currency to the whole unit, so it reads
/// beside the claimed bound (`-$441,890`); anything else to four significant figures
/// (`1.232`, `0.08912`, `26.41`).
pub fn value_text(claim: &Claim, x: f64, currency: &str) -> String {
    if is_money(claim) {
        format::money_whole(x, currency)
    } else {
        significant(x)
    }
}

/// About four significant figures: `1.232`, `0.08912`, `26.41`, `1234567`.
pub fn significant(x: f64) -> String {
    format::significant(x, 4)
}

/// Whether the claim's statistic is an amount of the metric's money (not a share,
/// a ratio or a variance-to-mean).
fn is_money(claim: &Claim) -> bool {
    let in_metric_units = matches!(claim.statistic.stat(), Stat::Mean | Stat::Quantile { .. })
        && claim.per.is_none()
        && !matches!(claim.statistic, Statistic::Pair(PairOp::Ratio, _));
    in_metric_units && claim.metric.unit() == Unit::Money
}

/// The claimed bounds as the scenario states them, money with its currency.
pub fn bounds_text(claim: &Claim, currency: &str) -> String {
    let v = |x: f64| {
        if is_money(claim) {
            format::money_whole(x, currency)
        } else {
            format!("{x}")
        }
    };
    match (claim.min, claim.max) {
        (Some(lo), Some(hi)) => format!("{} to {}", v(lo), v(hi)),
        (Some(lo), None) => format!(">= {}", v(lo)),
        (None, Some(hi)) => format!("<= {}", v(hi)),
        (None, None) => "any".into(),
    }
}

/// The console table: one line per claim, then the reasons for any claim that
/// does not hold, then a one-line tally.
pub fn render(report: &CheckReport, source: &Path) -> String {
    let s = &report.scenario;
    let currency = s.currency.as_str();
    let mut out = format!(
        "Claims of {} ({}): {} trials per run, {} run{}, seed {}\n\n",
        source.display(),
        s.title,
        format::thousands(s.trials),
        report.runs,
        if report.runs == 1 { "" } else { "s" },
        s.seed
    );
    let idw = report
        .outcomes
        .iter()
        .map(|o| display_width(&o.claim.id))
        .max()
        .unwrap_or(5)
        .max(5);
    let rows: Vec<[String; 4]> = report
        .outcomes
        .iter()
        .map(|o| {
            let (lo, hi) = o.estimate.ci95;
            let ci = if o.estimate.std_err.is_finite() {
                format!(
                    "{} to {}",
                    value_text(&o.claim, lo, currency),
                    value_text(&o.claim, hi, currency)
                )
            } else {
                "n/a".into()
            };
            [
                o.verdict.id().to_string(),
                value_text(&o.claim, o.estimate.value, currency),
                ci,
                bounds_text(&o.claim, currency),
            ]
        })
        .collect();
    let w = |k: usize, min: usize| {
        rows.iter()
            .map(|r| display_width(&r[k]))
            .max()
            .unwrap_or(0)
            .max(min)
    };
    let (w1, w2, w3) = (w(1, 5), w(2, 12), w(3, 7));
    out.push_str(&format!(
        "  {:<idw$}  {:<9}  {:>w1$}  {:<w2$}  {:<w3$}  claim\n",
        "id", "verdict", "value", "95% interval", "claimed"
    ));
    for (o, r) in report.outcomes.iter().zip(&rows) {
        out.push_str(&format!(
            "  {}  {:<9}  {:>w1$}  {:<w2$}  {:<w3$}  {}\n",
            pad_right(&o.claim.id, idw),
            r[0],
            r[1],
            r[2],
            r[3],
            o.claim.text
        ));
    }
    let unmet: Vec<&ClaimOutcome> = report
        .outcomes
        .iter()
        .filter(|o| o.verdict != Verdict::Holds)
        .collect();
    if !unmet.is_empty() {
        out.push('\n');
    }
    for o in unmet {
        let what = format!(
            "{} of {} ({})",
            o.claim.statistic.label(),
            metric_label(&o.claim),
            strategies_label(&o.claim)
        );
        let why = match o.verdict {
            Verdict::Fails => format!(
                "{what} is {} (95% interval {} to {}), outside the claimed {}",
                value_text(&o.claim, o.estimate.value, currency),
                value_text(&o.claim, o.estimate.ci95.0, currency),
                value_text(&o.claim, o.estimate.ci95.1, currency),
                bounds_text(&o.claim, currency)
            ),
            _ if !o.estimate.value.is_finite() => format!(
                "{what} cannot be computed on these trials (e.g. a division by zero); more trials or other bounds may help"
            ),
            _ if !o.estimate.std_err.is_finite() => format!(
                "{what} is {}, but {} trials cannot bound its error (too few for the statistic, too skewed for a normal interval, or no variation at all); {}",
                value_text(&o.claim, o.estimate.value, currency),
                format::thousands(o.estimate.n as u64),
                match o.trials_to_decide {
                    Some(n) => format!("use at least {}", format::thousands(n)),
                    None => "more trials may show some variation".into(),
                }
            ),
            _ => {
                let hint = match o.trials_to_decide {
                    Some(n) => format!(
                        "the trial count is too small to decide: about {} trials would",
                        format::thousands(n)
                    ),
                    None => "the value sits on a bound; no trial count would decide it".into(),
                };
                format!(
                    "{what} is {} (95% interval {} to {}), straddling the claimed {}; {hint}",
                    value_text(&o.claim, o.estimate.value, currency),
                    value_text(&o.claim, o.estimate.ci95.0, currency),
                    value_text(&o.claim, o.estimate.ci95.1, currency),
                    bounds_text(&o.claim, currency)
                )
            }
        };
        out.push_str(&format!("  {} {}: {why}\n", o.claim.id, o.verdict.id()));
    }
    out.push_str(&format!(
        "\n{}: {} of {} claims hold, {} fail, {} undecided\n",
        if report.all_hold() {
            "PASS"
        } else {
            "NOT PASSED"
        },
        report.count(Verdict::Holds),
        report.outcomes.len(),
        report.count(Verdict::Fails),
        report.count(Verdict::Undecided)
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn significant_keeps_about_four_figures() {
        assert_eq!(significant(1.23249), "1.232");
        assert_eq!(significant(0.089123), "0.08912");
        assert_eq!(significant(26.4149), "26.41");
        assert_eq!(significant(1234567.4), "1234567");
        assert_eq!(significant(0.0), "0");
        assert_eq!(significant(f64::NAN), "n/a");
    }
}
