//! One live what-if: a scenario read once, then read again under the page's
//! overrides and run at a seed and a trial count, exactly as `tradeoff-sim run
//! --set KEY=VALUE --seed S --trials N` runs it, with the same statistics and the
//! same printed digits (the console's formatting, rebuilt here from the
//! library's `format`).
//!
//! Owns the session's state and the JSON the page reads; must not draw or know
//! about the page.

use std::sync::atomic::AtomicBool;

use serde::Deserialize;
use serde_json::{Value, json};

use tradeoff_sim::engine::{self, BATCH_TRIALS, RunPlan};
use tradeoff_sim::format;
use tradeoff_sim::metric::{HEADLINE, Metric, Unit};
use tradeoff_sim::model::Model;
use tradeoff_sim::scenario::edit::{Editor, Source};
use tradeoff_sim::scenario::origin::BaseFile;
use tradeoff_sim::scenario::{Override, Scenario, event_words};
use tradeoff_sim::stats::{self, Summary, Z_975};

/// A scenario's text as the page carries it: the file, its name, the files it
/// extends (nearest first), and the overrides the report itself was run with.
#[derive(Deserialize)]
pub struct Loaded {
    pub file: String,
    pub name: String,
    pub text: String,
    #[serde(default)]
    pub bases: Vec<LoadedBase>,
}

#[derive(Deserialize)]
pub struct LoadedBase {
    pub file: String,
    pub text: String,
    #[serde(default)]
    pub builtin: bool,
}

/// A run the page asks for.
#[derive(Deserialize)]
pub struct RunRequest {
    pub seed: u64,
    pub trials: u64,
}

/// The most trials the page may ask for: a run stays a few seconds in a browser.
pub const MAX_LIVE_TRIALS: u64 = 1_000_000;

/// A loaded scenario and the one read under the current overrides.
pub struct Session {
    editor: Editor<'static>,
    overrides: Vec<Override>,
    scenario: Option<Scenario>,
}

impl Session {
    /// Parses the scenario once. The source lives as long as the page's worker
    /// (one session each), so it is kept for good.
    pub fn load(loaded: Loaded) -> Session {
        let bases = loaded
            .bases
            .into_iter()
            .map(|b| BaseFile {
                file: b.file,
                text: b.text,
                builtin: b.builtin,
            })
            .collect();
        let source: &'static Source = Box::leak(Box::new(Source::new(
            &loaded.file,
            &loaded.name,
            &loaded.text,
            bases,
        )));
        Session {
            editor: Editor::new(source),
            overrides: Vec::new(),
            scenario: None,
        }
    }

    /// Applies `KEY=VALUE` overrides (all of them, replacing the last ones) to the
    /// parsed document and reads it, without checking the claims' own overrides
    /// again (see [`Session::check`]). The error is `run --set`'s message.
    pub fn set(&mut self, specs: &[String]) -> Result<Value, String> {
        let overrides = specs
            .iter()
            .map(|s| Override::parse(s))
            .collect::<Result<Vec<_>, _>>()?;
        self.scenario = None;
        let scenario = self
            .editor
            .read_checking(&overrides, false)
            .map_err(|e| e.to_string())?;
        let warnings = scenario.warnings.clone();
        self.overrides = overrides;
        self.scenario = Some(scenario);
        Ok(json!({ "warnings": warnings }))
    }

    /// Reads the scenario under the current overrides with every claim's
    /// overrides checked too: what `run --set` refuses, this refuses.
    pub fn check(&self) -> Result<(), String> {
        self.editor
            .read(&self.overrides)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    /// Runs the scenario read by the last [`Session::set`] at `request`'s seed and
    /// trials: the decision table, the headline summaries, the charts' data.
    pub fn run(&self, request: &RunRequest) -> Result<Value, String> {
        let mut scenario = self
            .scenario
            .clone()
            .ok_or_else(|| "no scenario is read: set the overrides first".to_string())?;
        if request.trials == 0 || request.trials > MAX_LIVE_TRIALS {
            return Err(format!(
                "trials must be between 1 and {MAX_LIVE_TRIALS} in the page; got {}",
                request.trials
            ));
        }
        scenario.trials = request.trials;
        scenario.seed = request.seed;
        let strategies = scenario.strategies.len();
        let keep = engine::keeps_samples(scenario.trials, strategies);
        if keep {
            engine::check_size(scenario.trials, strategies).map_err(|e| e.to_string())?;
        }
        let model = Model::new(&scenario);
        let plan = RunPlan {
            trials: scenario.trials,
            seed: scenario.seed,
            threads: 1,
        };
        let stop = AtomicBool::new(false);
        let batches = 0..scenario.trials.div_ceil(BATCH_TRIALS);
        let simulated = engine::summarise(&model, &plan, batches, keep, &stop, &|_| {})
            .map_err(|e| e.to_string())?;
        let samples = simulated.samples.as_ref().filter(|_| keep);
        let analysis = stats::analyse_partial(&simulated.partial, samples);
        let decisions = stats::decision::decisions_of(&simulated.partial);
        Ok(result_json(&scenario, &analysis, &decisions))
    }
}

/// A value of `metric` as the console tables print it.
fn format_value(metric: Metric, x: f64, currency: &str) -> String {
    match metric.unit() {
        Unit::Money => format::money(x, currency),
        Unit::Count => format!("{x:.0}"),
        Unit::Weeks | Unit::Hours => format!("{x:.1}"),
        _ => format!("{x:.3}"),
    }
}

/// A chance as the console prints it, with its 95% interval.
fn chance_cells(s: &Summary) -> Value {
    let half = Z_975 * s.std_err;
    json!([
        format!("{:.1}%", 100.0 * s.mean),
        format!(
            "{:.1}% to {:.1}%",
            100.0 * (s.mean - half).max(0.0),
            100.0 * (s.mean + half).min(1.0)
        ),
    ])
}

/// A headline table's heading in the board pack's words: what the metric counts,
/// with its unit (the console's title, which the page keeps beside it for the
/// comparison with `run`, names the metric by its id).
fn heading(scenario: &Scenario, metric: Metric) -> String {
    let event = || metric.event().map(event_words).unwrap_or_default();
    match metric {
        Metric::BuildWeeks => "Build time (weeks)".to_string(),
        Metric::ApiFailure => format!(
            "Chance of at least one post-launch API or traffic-surge failure in {} weeks",
            scenario.horizon.weeks
        ),
        Metric::EmergencyFixes => "Emergency fixes after launch: API, surge and other".to_string(),
        Metric::DowntimeHours => "Customer-facing downtime, impact-weighted (hours)".to_string(),
        Metric::TotalCost => format!("Total cost ({})", scenario.currency),
        Metric::OnTime => "Chance of launching by the target".to_string(),
        Metric::FreezeWaitWeeks => "Weeks a launch waited for a code freeze".to_string(),
        Metric::EventLive(_) => format!("Chance of being live by {}", event()),
        Metric::EventFailure(_) => format!("Chance of an API or surge failure during {}", event()),
        other => {
            let text = other.description();
            let mut chars = text.chars();
            let first = chars.next().map(|c| c.to_uppercase().to_string());
            format!(
                "{}{} ({})",
                first.unwrap_or_default(),
                chars.as_str(),
                other.unit_label(&scenario.currency)
            )
        }
    }
}

/// One table of the headline block: a metric's P50, P80, P95 (or a chance and
/// its interval) for each strategy, printed as the console prints them, and the
/// Monte Carlo error of the mean.
fn metric_table(scenario: &Scenario, summaries: &[Summary], metric: Metric) -> Value {
    // As the console: the API failure and every added metric but the freeze
    // wait are chances; the rest are P50, P80, P95.
    let freeze = metric == Metric::FreezeWaitWeeks;
    let chance = metric == Metric::ApiFailure || (metric.base_slot().is_none() && !freeze);
    let title = match (metric, metric.event()) {
        (Metric::ApiFailure, _) => format!(
            "P(at least one post-launch API failure in {} weeks)",
            scenario.horizon.weeks
        ),
        (Metric::EventLive(_), Some(event)) => format!("P(live for {event})"),
        (Metric::EventFailure(_), Some(event)) => format!("P(failure during {event})"),
        (Metric::OnTime, _) => "P(launch by the target date: on_time)".to_string(),
        (Metric::FreezeWaitWeeks, _) => {
            format!("{} (weeks a launch waited for a code freeze)", metric.id())
        }
        _ => format!(
            "{} ({})",
            metric.id(),
            metric.unit_label(&scenario.currency)
        ),
    };
    let heading = heading(scenario, metric);
    let rows: Vec<Value> = summaries
        .iter()
        .filter(|s| s.metric == metric)
        .map(|s| {
            let cells = if chance {
                chance_cells(s)
            } else if freeze {
                json!([
                    format!("{:.1}", s.p50()),
                    format!("{:.1}", s.p80()),
                    format!("{:.1}", s.p95())
                ])
            } else {
                let f = |x: f64| format_value(metric, x, &scenario.currency);
                json!([f(s.p50()), f(s.p80()), f(s.p95())])
            };
            json!({
                "strategy": s.strategy,
                "cells": cells,
                "mean": s.mean,
                "half_width": Z_975 * s.std_err,
                "p50": s.p50(),
                "p80": s.p80(),
                "p95": s.p95(),
            })
        })
        .collect();
    json!({
        "metric": metric.id(),
        "title": title,
        "heading": heading,
        "chance": chance,
        "money": matches!(metric.unit(), Unit::Money),
        "rows": rows,
    })
}

/// Everything the page shows of one run.
fn result_json(
    scenario: &Scenario,
    analysis: &stats::Analysis,
    decisions: &[stats::decision::Decision],
) -> Value {
    let summaries = &analysis.summaries;
    let mut tables: Vec<Value> = HEADLINE
        .iter()
        .map(|&m| metric_table(scenario, summaries, m))
        .collect();
    let mut added: Vec<Metric> = Vec::new();
    for s in summaries {
        if s.metric.base_slot().is_none() && !added.contains(&s.metric) {
            added.push(s.metric);
        }
    }
    tables.extend(added.iter().map(|&m| metric_table(scenario, summaries, m)));
    let money = |x: f64| format::money(x, &scenario.currency);
    let decision: Vec<Value> = decisions
        .iter()
        .map(|d| {
            let st = &scenario.strategies[d.strategy];
            let p = d.p_lowest_total_cost;
            let n = d.n.max(1) as f64;
            json!({
                "strategy": d.strategy,
                "cells": [
                    format!("{:.1}%", 100.0 * p),
                    format!("{} +- {}", money(d.expected_regret), money(Z_975 * d.expected_regret_std_err)),
                    format!("{:.1}%", 100.0 * d.p_build_cost_above_budget[0]),
                    format!("{:.1}%", 100.0 * d.p_build_cost_above_budget[1]),
                    money(st.weekly_burn * st.plan_weeks(&scenario.build)),
                ],
                "p_cheapest": p,
                "p_cheapest_half_width": Z_975 * (p * (1.0 - p) / n).sqrt(),
                "expected_regret": d.expected_regret,
            })
        })
        .collect();
    // The scenario's decision statistic of total cost, with its Monte Carlo
    // error as the report computes it, and the P50 beside it.
    let stat = scenario.decision.statistic;
    let decided: Vec<Value> = summaries
        .iter()
        .filter(|s| s.metric == Metric::TotalCost)
        .map(|s| {
            let value = s.decision_value(stat);
            let quantile = |column: &str| s.quantile(column).unwrap_or(f64::NAN);
            let se = stats::decision::decision_std_err(stat, s.n as f64, s.std_dev, quantile);
            json!({
                "strategy": s.strategy,
                "value": value,
                "text": money(value),
                "half_width": Z_975 * se,
                "half_width_text": money(Z_975 * se),
                "p50": s.p50(),
                "p50_text": money(s.p50()),
            })
        })
        .collect();
    let histograms: Vec<Value> = analysis
        .histograms
        .iter()
        .filter(|h| h.metric == Metric::TotalCost)
        .map(|h| {
            json!({
                "strategy": h.strategy,
                // The bins, without the overflow bin past the cut (its width is
                // the tail's, not a bin's); its trials still count in the shares.
                "bins": h.bins.iter().filter(|b| b.kind == stats::BinKind::Bin).map(|b| json!([b.low, b.high, b.count])).collect::<Vec<_>>(),
                "trials": h.bins.iter().map(|b| b.count).sum::<u64>(),
            })
        })
        .collect();
    json!({
        "title": scenario.title,
        "currency": scenario.currency,
        "prefix": format::currency_prefix(&scenario.currency),
        "seed": scenario.seed,
        "trials": scenario.trials,
        "strategies": scenario.strategies.iter().map(|s| json!({"id": s.id, "label": s.label})).collect::<Vec<_>>(),
        "tables": tables,
        "decision": decision,
        "statistic": {
            "column": stat.column(),
            "label": stat.label(),
            // As the report's table heads it: `P80 total cost`, `Mean total cost`.
            "heading": format!("{} total cost", stat.short()),
            "meaning": stat.meaning(),
        },
        "decision_total_cost": decided,
        "histograms": histograms,
    })
}
