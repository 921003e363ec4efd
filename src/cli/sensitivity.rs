//! `tradeoff-sim sensitivity`: arguments, orchestration and the console report.

use std::path::Path;
use std::sync::atomic::AtomicBool;

use clap::Args;

use super::{
    Charts, CliError, RunOptions, format_value, group_thousands, metric_and_stat, parse_overrides,
    threads_of,
};
use crate::analysis::sensitivity::{
    self as sens, Bar, DEFAULT_TRIALS, Sensitivity, SensitivityError, SensitivityPlan,
};
use crate::engine::BATCH_TRIALS;
use crate::model::Unit;
use crate::output::Staging;
use crate::output::chart::{TORNADO_MAX_BARS, TornadoBar, TornadoChart, render_tornado_charts};
use crate::output::csv as csv_out;
use crate::output::manifest::Manifest;
use crate::scenario::MAX_TRIALS;
use crate::text::{pad_left, pad_right, truncate};

pub const EXAMPLES: &str = "\
Examples:
  tradeoff-sim sensitivity scenarios/seed.toml
  tradeoff-sim sensitivity scenarios/seed.toml --metric build_weeks --stat p50 --strategy ux_led --strategy backend_led
  tradeoff-sim sensitivity scenarios/seed.toml --trials 100000 --charts png --force

Every numeric key is swung alone to a low and a high setting (the scenario's
[sensitivity] ranges, else x0.8 and x1.2 of its value, clamped to its allowed range),
every risk is switched off and forced on, all on the base seed. Runs of 20,000 trials
unless --trials is given.";

#[derive(Args, Debug)]
pub struct SensitivityArgs {
    /// The scenario file (TOML).
    pub scenario: std::path::PathBuf,
    /// The metric the tornado ranks drivers on.
    #[arg(long, default_value = "total_cost")]
    pub metric: String,
    /// The statistic of that metric: mean, p05 ... p99.
    #[arg(long, default_value = "p80")]
    pub stat: String,
    /// A strategy to analyse (repeatable); default: every strategy.
    #[arg(long = "strategy", value_name = "ID")]
    pub strategies: Vec<String>,
    /// Charts to draw into <out>/charts/: one tornado per strategy and one for the
    /// choice between the two best.
    #[arg(long, value_enum, default_value_t = Charts::Both)]
    pub charts: Charts,
    #[command(flatten)]
    pub run: RunOptions,
}

impl From<SensitivityError> for CliError {
    fn from(e: SensitivityError) -> Self {
        match e {
            SensitivityError::Usage(m) => CliError::Usage(m),
            SensitivityError::Scenario(e) => CliError::Scenario(e),
            SensitivityError::Engine(e) => CliError::Engine(e),
        }
    }
}

pub fn sensitivity(args: &SensitivityArgs, stop: &AtomicBool) -> Result<String, CliError> {
    let (metric, stat) = metric_and_stat(&args.metric, &args.stat)?;
    let base = parse_overrides(&args.run.set)?;
    let trials = super::checked_trials(args.run.trials)?.unwrap_or(DEFAULT_TRIALS);
    if !(1..=MAX_TRIALS).contains(&trials) {
        return Err(CliError::Usage(format!(
            "--trials must be between 1 and {MAX_TRIALS}, got {trials}"
        )));
    }
    let threads = threads_of(args.run.threads);
    let source = crate::scenario::ScenarioSource::read(&args.scenario)?;
    let plan = SensitivityPlan {
        scenario: &source,
        base: &base,
        strategies: &args.strategies,
        metric,
        stat: &stat,
        trials,
        seed: args.run.seed,
        threads,
    };
    // Every swung scenario is read and checked before the folder is created.
    let prepared = sens::prepare(&plan)?;
    let runs = prepared.runs();
    // Named like the scenario (its file stem, or its title when it came from a
    // pipe), as `run` names its folder.
    let name = source.parse(&base)?.name;
    let destination = args
        .run
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(format!("{name}-sensitivity")));
    let staging = Staging::begin(&destination, args.run.force)?;
    let started = std::time::Instant::now();
    let result = sens::run(prepared, &plan, stop)?;
    let elapsed = started.elapsed();

    let mut written = vec![
        staging.write("tornado.csv", &csv_out::tornado_csv(&result)?)?,
        staging.write(
            "tornado_decision.csv",
            &csv_out::tornado_decision_csv(&result)?,
        )?,
        staging.write("global.csv", &csv_out::global_csv(&result)?)?,
    ];
    let s = &result.scenario;
    let manifest = serde_json::json!({
        "tool": env!("CARGO_PKG_NAME"),
        "version": env!("CARGO_PKG_VERSION"),
        "kind": "sensitivity",
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
        "command_line": super::command_line(),
        "strategies": Manifest::strategies_of(s),
    });
    let mut json = serde_json::to_vec_pretty(&manifest).unwrap_or_default();
    json.push(b'\n');
    written.push(staging.write("manifest.json", &json)?);
    if let Some(format) = args.charts.format() {
        for path in render_tornado_charts(staging.dir(), &charts(&result), format)? {
            if let Ok(relative) = path.strip_prefix(staging.dir()) {
                written.push(destination.join(relative));
            }
        }
    }
    let folder = staging.commit()?;

    let mut out = report(&result, args.run.trials.is_none(), elapsed.as_secs_f64());
    out.push_str(&format!("\nwrote {}:\n", folder.display()));
    for p in written {
        out.push_str(&format!("  {}\n", p.display()));
    }
    Ok(out)
}

/// "P80 total cost" as a chart says it.
fn measure(x: &Sensitivity) -> String {
    format!(
        "{} {}",
        x.stat.to_uppercase(),
        x.metric.id().replace('_', " ")
    )
}

fn fmt(x: &Sensitivity, v: f64) -> String {
    format_value(x.metric, v, &x.scenario.currency)
}

/// A difference, signed: `+$0.3m`, `-$0.1m`.
fn signed(x: &Sensitivity, v: f64) -> String {
    let text = fmt(x, v.abs());
    if v < 0.0 {
        format!("-{text}")
    } else {
        format!("+{text}")
    }
}

fn report(x: &Sensitivity, default_trials: bool, seconds: f64) -> String {
    let s = &x.scenario;
    let k = s.strategies.len();
    let shared = x.drivers.iter().filter(|d| d.strategy.is_none()).count();
    let risks = x
        .drivers
        .iter()
        .filter(|d| d.kind == sens::DriverKind::Risk)
        .count();
    let own = x.drivers.len() - shared;
    let mut out = format!(
        "{} ({}): sensitivity of {} {}\n",
        s.title,
        s.name,
        x.stat.to_uppercase(),
        x.metric.id()
    );
    out.push_str(&format!(
        "{} trials per run{}, seed {} in every run (common random numbers)\n",
        group_thousands(x.trials as f64),
        if default_trials {
            " (the sensitivity default; --trials N to change)"
        } else {
            ""
        },
        x.seed
    ));
    out.push_str(&format!(
        "{} runs: 1 base + 2 x {} shared keys + 2 x {} risks, on all {} strategies; {} runs of one strategy alone (2 x {} own keys); {} strategy-runs, {:.1} s\n",
        x.runs.full + x.runs.single,
        shared - risks,
        risks,
        k,
        x.runs.single,
        own,
        group_thousands(x.runs.strategy_runs as f64),
        seconds
    ));
    out.push_str(&format!(
        "Settings: [sensitivity] ranges where stated ({}), else x{} / x{} of the value clamped to the key's allowed range; risks off / on for every strategy.\n",
        s.sensitivity.ranges.len(),
        sens::short(1.0 - x.swing),
        sens::short(1.0 + x.swing)
    ));
    if !x.unswung.is_empty() {
        out.push_str(&format!(
            "Not swung (value 0; give a range to swing): {}\n",
            x.unswung.join(", ")
        ));
    }

    let label_width = 44;
    for (i, st) in s.strategies.iter().enumerate() {
        out.push_str(&format!(
            "\n{}: {} at the base {}\n  {:>4}  {:<label_width$}  {:>17}  {:>9}  {:>9}  {:>9}\n",
            st.label,
            measure(x),
            fmt(x, x.base[i]),
            "rank",
            "driver",
            "low / high",
            "at low",
            "at high",
            "swing"
        ));
        for (rank, bar) in x.tornado(i).iter().take(10).enumerate() {
            out.push_str(&line(x, rank, bar, label_width, false));
        }
    }

    out.push_str(&format!(
        "\nGlobal: Spearman rank correlation of each sampled driver with {} (base run, {} trials)\n",
        x.metric.id(),
        group_thousands(x.trials as f64)
    ));
    for (i, st) in s.strategies.iter().enumerate() {
        let top: Vec<String> = x.global[i]
            .iter()
            .take(6)
            .map(|c| format!("{} {:+.2}", c.driver, c.rho))
            .collect();
        out.push_str(&format!("  {}: {}\n", st.label, top.join(", ")));
    }

    if let Some((a, b)) = x.best_pair() {
        let (la, lb) = (&s.strategies[a].label, &s.strategies[b].label);
        let bars = x.decision(a, b);
        out.push_str(&format!(
            "\nDecision: {la} minus {lb} on {} is {} at the base ({la} is better); drivers by how far they move the difference:\n  {:>4}  {:<label_width$}  {:>17}  {:>9}  {:>9}  {:>9}\n",
            measure(x),
            signed(x, x.base[a] - x.base[b]),
            "rank",
            "driver",
            "low / high",
            "at low",
            "at high",
            "swing",
        ));
        for (rank, bar) in bars.iter().take(10).enumerate() {
            out.push_str(&line(x, rank, bar, label_width, true));
        }
        let flips: Vec<String> = bars
            .iter()
            .filter(|b| b.at_low > 0.0 || b.at_high > 0.0)
            .map(|b| {
                let d = &x.drivers[b.driver];
                let setting = if b.at_low > 0.0 {
                    &d.low_setting
                } else {
                    &d.high_setting
                };
                format!("{} at {setting}", x.label(b.driver, true))
            })
            .collect();
        if flips.is_empty() {
            out.push_str(&format!(
                "  No single driver at its low or high setting makes {lb} better than {la}.\n"
            ));
        } else {
            out.push_str(&format!(
                "  {lb} becomes better with: {}\n",
                flips.join("; ")
            ));
        }
    }
    out
}

fn line(x: &Sensitivity, rank: usize, bar: &Bar, width: usize, diff: bool) -> String {
    let d = &x.drivers[bar.driver];
    let f = |v: f64| if diff { signed(x, v) } else { fmt(x, v) };
    format!(
        "  {:>4}  {}  {}  {:>9}  {:>9}  {:>9}\n",
        rank + 1,
        pad_right(&truncate(&x.label(bar.driver, diff), width), width),
        pad_left(
            &truncate(&format!("{} / {}", d.low_setting, d.high_setting), 17),
            17
        ),
        f(bar.at_low),
        f(bar.at_high),
        fmt(x, bar.swing)
    )
}

/// One tornado per strategy, then the decision tornado of the two best.
fn charts(x: &Sensitivity) -> Vec<TornadoChart> {
    let s = &x.scenario;
    let money = (x.metric.unit() == Unit::Money)
        .then(|| crate::output::chart::currency_prefix(&s.currency));
    let axis_title = format!("{} ({})", measure(x), x.metric.unit_label(&s.currency));
    let subtitle = format!(
        "{} · {} simulated projects per run · seed {} in every run",
        s.title,
        group_thousands(x.trials as f64),
        x.seed
    );
    let legend = (
        "low setting / risk switched off".to_string(),
        "high setting / risk forced on".to_string(),
    );
    let settings_note = format!(
        "Each driver is moved alone, everything else at the base, on the same simulated projects. Under each name: its scenario key and low / high settings: a stated range, x{} / x{} of the value (xN: a distribution or curve scaled), or a risk off / on for every strategy.",
        sens::short(1.0 - x.swing),
        sens::short(1.0 + x.swing)
    );
    let bars_of = |bars: &[Bar], qualified: bool| -> Vec<TornadoBar> {
        bars.iter()
            .map(|b| {
                let d = &x.drivers[b.driver];
                let settings = format!("{} / {}", d.low_setting, d.high_setting);
                TornadoBar {
                    label: x.name(b.driver, qualified),
                    detail: if d.kind == sens::DriverKind::Risk {
                        settings
                    } else {
                        format!("{} · {settings}", d.label)
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
        Some(p) => crate::output::chart::money_text(v, p),
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
