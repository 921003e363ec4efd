//! `tradeoff-sim sensitivity`: prepare every swung scenario, run them on one
//! seed, and publish tornado.csv, tornado_decision.csv, global.csv, a manifest and
//! the tornado charts. The analysis is `analysis::sensitivity`'s; the console
//! report is [`super::console::sensitivity_report`].

use std::sync::atomic::AtomicBool;

use super::console::{self, measure, wrote};
use super::publish::{Publish, json_bytes};
use super::{CliError, command_line, default_folder, threads_of};
use crate::analysis::sensitivity::{
    self as sens, Bar, DEFAULT_TRIALS, Sensitivity, SensitivityPlan,
};
use crate::cli::SensitivityArgs;
use crate::engine::BATCH_TRIALS;
use crate::format;
use crate::metric::Unit;
use crate::output::chart::{TORNADO_MAX_BARS, TornadoBar, TornadoChart, render_tornado_charts};
use crate::output::csv as csv_out;
use crate::output::manifest::{Manifest, ManifestKind};
use crate::scenario::{Audience, KeyNames, key_label};

pub fn sensitivity(args: &SensitivityArgs, stop: &AtomicBool) -> Result<String, CliError> {
    let (metric, stat) = (args.metric, args.stat.as_str());
    let base = &args.run.set;
    let trials = args.run.trials.unwrap_or(DEFAULT_TRIALS);
    let threads = threads_of(args.run.threads);
    let source = crate::scenario::ScenarioSource::read(&args.scenario)?;
    let plan = SensitivityPlan {
        scenario: &source,
        base,
        strategies: &args.strategies,
        metric,
        stat,
        trials,
        seed: args.run.seed,
        threads,
    };
    source
        .parse(base)?
        .check_metric(metric)
        .map_err(|why| CliError::Usage(format!("--metric {}: {why}", metric.id())))?;
    // Every swung scenario is read and checked before the folder is created.
    let prepared = sens::prepare(&plan, stop)?;
    let runs = prepared.runs();
    // Named like the scenario (its file stem, or its title when it came from a
    // pipe), as `run` names its folder.
    let parsed = source.parse(base)?;
    super::warn_inputs(&parsed);
    let name = parsed.name;
    let destination = args
        .run
        .out
        .clone()
        .unwrap_or_else(|| default_folder(format!("{name}-sensitivity")));
    let mut publish = Publish::stage(&destination, args.run.force, stop)?;
    let started = std::time::Instant::now();
    let bar = super::progress::Bar::new(prepared.trials());
    let result = sens::run(prepared, &plan, stop, &|n| bar.advance(n));
    bar.clear();
    let result = result?;
    let elapsed = started.elapsed();

    publish.file("tornado.csv", &csv_out::tornado_csv(&result)?)?;
    publish.file(
        "tornado_decision.csv",
        &csv_out::tornado_decision_csv(&result)?,
    )?;
    publish.file("global.csv", &csv_out::global_csv(&result)?)?;
    let s = &result.scenario;
    let tornadoes = charts(&result);
    let manifest = serde_json::json!({
        "tool": env!("CARGO_PKG_NAME"),
        "version": env!("CARGO_PKG_VERSION"),
        "kind": ManifestKind::Sensitivity,
        "charts": tornadoes.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
        "scenario_name": s.name,
        "scenario_title": s.title,
        "scenario_file": args.scenario.display().to_string(),
        "currency": s.currency,
        "trials": result.trials,
        "seed": result.seed,
        "batch_trials": BATCH_TRIALS,
        "threads": threads,
        "metric": metric.id(),
        "statistic": stat,
        "default_swing": result.swing,
        "ranges": s.sensitivity.ranges,
        "runs": { "full": runs.full, "single_strategy": runs.single, "strategy_runs": runs.strategy_runs },
        "overrides": base.iter().map(|o| o.to_string()).collect::<Vec<_>>(),
        "command_line": command_line(),
        "strategies": Manifest::strategies_of(s),
    });
    let mut manifest = manifest;
    if !s.bases.is_empty() {
        manifest["extends"] = serde_json::json!(Manifest::extends_of(s));
    }
    if let Some(evidence) = Manifest::evidence_of(s) {
        manifest["evidence"] = serde_json::json!(evidence);
    }
    publish.manifest(&json_bytes(&manifest))?;
    publish.charts(args.charts.format(), |dir, format| {
        render_tornado_charts(dir, &tornadoes, format)
    })?;
    let published = publish.commit()?;

    let weak = console::weak_decision_drivers(&result);
    if !weak.is_empty() {
        eprintln!(
            "warning: the choice can flip on a driver that rests only on an assumption or the seed article: {}; check it with the client or give its source in [provenance]",
            weak.join("; ")
        );
    }
    let mut out =
        console::sensitivity_report(&result, args.run.trials.is_none(), elapsed.as_secs_f64());
    out.push('\n');
    out.push_str(&wrote(&published.folder, &published.written));
    Ok(out)
}

/// `fmt` for the charts' footnotes: a value of the analysed metric.
fn fmt(x: &Sensitivity, v: f64) -> String {
    console::format_value(x.metric, v, &x.scenario.currency)
}

/// One tornado per strategy, then the decision tornado of the two best.
pub(super) fn charts(x: &Sensitivity) -> Vec<TornadoChart> {
    let s = &x.scenario;
    let money =
        (x.metric.unit() == Unit::Money).then(|| crate::format::currency_prefix(&s.currency));
    let axis_title = format!("{} ({})", measure(x), x.metric.unit_label(&s.currency));
    // A board's charts leave the run's settings to the report's method section.
    let subtitle = if s.report.audience == Audience::Board {
        s.report.title.clone().unwrap_or_else(|| s.title.clone())
    } else {
        format!(
            "{} · {} simulated projects per run · seed {} in every run",
            s.title,
            format::integer(x.trials as f64),
            x.seed
        )
    };
    let names = KeyNames::of(s);
    let legend = (
        "low setting / risk switched off".to_string(),
        "high setting / risk forced on".to_string(),
    );
    let mut settings_note = format!(
        "Each driver is moved alone, everything else at the base, on the same simulated projects. Under each name: its scenario key and low / high settings: a stated range, x{} / x{} of the value (xN: a distribution or curve scaled), or a risk off / on for every strategy.",
        sens::short(1.0 - x.swing),
        sens::short(1.0 + x.swing)
    );
    if s.evidence.declared {
        settings_note.push_str(
            " Last: the evidence behind the driver's value (client, literature, seed-article or assumption).",
        );
    }
    let bars_of = |bars: &[Bar], qualified: bool| -> Vec<TornadoBar> {
        bars.iter()
            .map(|b| {
                let d = &x.drivers[b.driver];
                let settings = format!("{} / {}", d.low_setting, d.high_setting);
                let detail = if d.kind == sens::DriverKind::Risk {
                    settings
                } else {
                    format!("{} · {settings}", d.label)
                };
                // The key's plain-language label; its key path stays in the detail line.
                let mut label = key_label(&d.key, &names);
                if !qualified
                    && let Some(st) = d.strategy
                    && let Some(rest) = label.strip_prefix(&format!("{}: ", s.strategies[st].label))
                {
                    let mut chars = rest.chars();
                    label = chars
                        .next()
                        .map(|f| f.to_uppercase().chain(chars).collect())
                        .unwrap_or_default();
                }
                TornadoBar {
                    label,
                    detail: match console::evidence_of(x, b.driver) {
                        Some(class) => format!("{detail} · {}", class.id()),
                        None => detail,
                    },
                    at_low: b.at_low,
                    at_high: b.at_high,
                }
            })
            .collect()
    };
    let rest_note = |bars: &[Bar]| -> Option<String> {
        let rest = bars.len().saturating_sub(TORNADO_MAX_BARS);
        (rest > 0).then(|| {
            format!(
                "{rest} more drivers move it by {} or less (tornado.csv lists all).",
                fmt(x, bars[TORNADO_MAX_BARS].swing)
            )
        })
    };
    let value = |v: f64| match &money {
        Some(p) => crate::format::money_with_prefix(v, p),
        None => sens::short(v),
    };
    let mut out = Vec::new();
    for (i, st) in s.strategies.iter().enumerate() {
        let bars = x.tornado(i);
        let mut footnotes = vec![settings_note.clone()];
        footnotes.extend(rest_note(&bars));
        out.push(TornadoChart {
            name: format!("tornado_{}", st.id),
            title: format!("What moves {}: {}", measure(x), st.label),
            subtitle: subtitle.clone(),
            axis_title: axis_title.clone(),
            money: money.clone(),
            base: x.base[i],
            base_label: format!("base {}", value(x.base[i])),
            zero: None,
            legend: legend.clone(),
            bars: bars_of(&bars, false),
            footnotes,
        });
    }
    if let Some((a, b)) = x.best_pair() {
        let (la, lb) = (&s.strategies[a].label, &s.strategies[b].label);
        let bars = x.decision(a, b);
        let mut footnotes = vec![
            format!(
                "Bars: {} of {la} minus that of {lb}. Left of the zero line {la} is better; a bar crossing it flips the choice.",
                measure(x)
            ),
            settings_note.clone(),
        ];
        footnotes.extend(rest_note(&bars));
        out.push(TornadoChart {
            name: "tornado_decision".to_string(),
            title: format!("What could change the choice: {la} vs {lb}"),
            subtitle: subtitle.clone(),
            axis_title: format!(
                "{} of {la} minus {lb} ({})",
                measure(x),
                x.metric.unit_label(&s.currency)
            ),
            money: money.clone(),
            base: x.base[a] - x.base[b],
            base_label: format!("base {}", value(x.base[a] - x.base[b])),
            zero: Some((format!("{la} better"), format!("{lb} better"))),
            legend: legend.clone(),
            bars: bars_of(&bars, true),
            footnotes,
        });
    }
    out
}
