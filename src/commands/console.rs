//! Everything a command prints on stdout: the tables of run, merge, sweep,
//! compare and sensitivity, the closing lines of a run, the list of files written, and the number
//! formats they use (money, counts, thousands). Kept in one place so that the
//! console formats can move to a shared format module at once.
//!
//! Builds text only; the one function that writes is [`print_stdout`], called by
//! `main.rs`. Must not compute statistics.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::analysis::compare::ScenarioRun;
use crate::analysis::sensitivity::{self, Bar, DriverKind, Sensitivity};
use crate::analysis::sweep::{self as sweeping, Crossover, Sweep, SweepParam};
use crate::format;
use crate::metric::{HEADLINE, Metric};
use crate::scenario::{DecisionStat, Scenario};
use crate::stats::{self, Summary};
use crate::text::{display_width, pad_left, pad_right, truncate};

/// Writes to stdout; a closed pipe (`| head`) is not an error.
pub fn print_stdout(text: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// A value of `metric` as the tables print it: money as [`format::money`], counts
/// whole, weeks and hours to a tenth, anything else to three decimals.
pub fn format_value(metric: Metric, x: f64, currency: &str) -> String {
    use crate::metric::Unit;
    match metric.unit() {
        Unit::Money => format::money(x, currency),
        Unit::Count => format!("{x:.0}"),
        Unit::Weeks | Unit::Hours => format!("{x:.1}"),
        _ => format!("{x:.3}"),
    }
}

/// "1 batch", "2 batches", "1,024 batches".
pub fn plural(n: u64, one: &str, many: &str) -> String {
    format!(
        "{} {}",
        format::integer(n as f64),
        if n == 1 { one } else { many }
    )
}

/// `wrote <folder>:` and one indented line per file.
pub fn wrote(folder: &Path, written: &[PathBuf]) -> String {
    let mut out = format!("wrote {}:\n", folder.display());
    for path in written {
        out.push_str(&format!("  {}\n", path.display()));
    }
    out
}

/// The widest strategy label, at least 8 columns.
fn label_width(scenario: &Scenario) -> usize {
    scenario
        .strategies
        .iter()
        .map(|s| display_width(&s.label))
        .max()
        .unwrap_or(8)
        .max(8)
}

/// P50 / P80 / P95 of the headline metrics, one block per metric.
pub fn headline_table(scenario: &Scenario, summaries: &[Summary]) -> String {
    let width = label_width(scenario);
    let mut out = format!("{} ({})\n", scenario.title, scenario.name);
    for metric in HEADLINE {
        let unit = metric.unit_label(&scenario.currency);
        if metric == Metric::ApiFailure {
            out.push_str(&format!(
                "\nP(at least one post-launch API failure in {} weeks)\n",
                scenario.horizon.weeks
            ));
            for s in summaries.iter().filter(|s| s.metric == metric) {
                let half = stats::Z_975 * s.std_err;
                out.push_str(&format!(
                    "  {}  {:>6.1}%  (95% CI {:.1}% to {:.1}%)\n",
                    pad_right(&scenario.strategies[s.strategy].label, width),
                    100.0 * s.mean,
                    100.0 * (s.mean - half).max(0.0),
                    100.0 * (s.mean + half).min(1.0),
                ));
            }
            continue;
        }
        // A decision on a statistic these columns do not show (`[decision]`
        // statistic P90 or mean) gets its own column in the total-cost table.
        let decided = scenario.decision.statistic;
        let extra = (metric == Metric::TotalCost
            && matches!(decided, DecisionStat::P90 | DecisionStat::Mean))
        .then_some(decided);
        out.push_str(&format!(
            "\n{} ({unit}){}\n  {:<width$}  {:>10}  {:>10}  {:>10}{}\n",
            metric.id(),
            extra.map_or(String::new(), |d| match d {
                DecisionStat::Mean => "; the decision is on the mean".to_string(),
                other => format!("; the decision is on the {}", other.short()),
            }),
            "strategy",
            "P50",
            "P80",
            "P95",
            extra.map_or(String::new(), |d| format!("  {:>10}", d.short()))
        ));
        for s in summaries.iter().filter(|s| s.metric == metric) {
            let f = |x: f64| format_value(metric, x, &scenario.currency);
            let decided_value = extra.map_or(String::new(), |d| {
                format!("  {:>10}", f(s.decision_value(d)))
            });
            out.push_str(&format!(
                "  {}  {:>10}  {:>10}  {:>10}{decided_value}\n",
                pad_right(&scenario.strategies[s.strategy].label, width),
                f(s.p50()),
                f(s.p80()),
                f(s.p95())
            ));
        }
    }
    out.push_str(&added_metrics_table(scenario, summaries, width));
    out
}

/// The metrics a scenario adds to the headline ones (MODEL.md §8): the chance of
/// launching on time, the freeze wait, and per known event the chance of being
/// live for it and of failing during it. Empty for a scenario that adds none.
fn added_metrics_table(scenario: &Scenario, summaries: &[Summary], width: usize) -> String {
    let mut out = String::new();
    let mut added: Vec<Metric> = Vec::new();
    for s in summaries {
        if s.metric.base_slot().is_none() && !added.contains(&s.metric) {
            added.push(s.metric);
        }
    }
    for metric in added {
        let rows = summaries.iter().filter(|s| s.metric == metric);
        if metric == Metric::FreezeWaitWeeks {
            out.push_str(&format!(
                "\n{} (weeks a launch waited for a code freeze)\n  {:<width$}  {:>10}  {:>10}  {:>10}\n",
                metric.id(),
                "strategy",
                "P50",
                "P80",
                "P95"
            ));
            for s in rows {
                out.push_str(&format!(
                    "  {}  {:>10.1}  {:>10.1}  {:>10.1}\n",
                    pad_right(&scenario.strategies[s.strategy].label, width),
                    s.p50(),
                    s.p80(),
                    s.p95()
                ));
            }
            continue;
        }
        let title = match (metric, metric.event()) {
            (Metric::EventLive(_), Some(event)) => format!("P(live for {event})"),
            (Metric::EventFailure(_), Some(event)) => format!("P(failure during {event})"),
            _ => "P(launch by the target date: on_time)".to_string(),
        };
        out.push_str(&format!("\n{title}\n"));
        for s in rows {
            let half = stats::Z_975 * s.std_err;
            out.push_str(&format!(
                "  {}  {:>6.1}%  (95% CI {:.1}% to {:.1}%)\n",
                pad_right(&scenario.strategies[s.strategy].label, width),
                100.0 * s.mean,
                100.0 * (s.mean - half).max(0.0),
                100.0 * (s.mean + half).min(1.0),
            ));
        }
    }
    out
}

/// Decision metrics on total cost: chance of being cheapest, expected regret,
/// chance of a build-cost overrun.
pub fn decision_table(scenario: &Scenario, decisions: &[stats::decision::Decision]) -> String {
    let width = label_width(scenario);
    let money = |x: f64| format::money(x, &scenario.currency);
    let mut out = format!(
        "\nDecision on total cost ({}): chance of being cheapest on the same trial, expected\nregret (mean excess over the cheapest strategy of that trial, +- 95% CI), and\nchance that build cost exceeds 1.2x / 1.5x the planned budget (burn x plan)\n",
        scenario.currency
    );
    out.push_str(&format!(
        "  {:<width$}  {:>9}  {:>20}  {:>12}  {:>12}  {:>10}\n",
        "strategy", "cheapest", "expected regret", "build > 1.2x", "build > 1.5x", "budget"
    ));
    for d in decisions {
        let st = &scenario.strategies[d.strategy];
        let regret = format!(
            "{} +- {}",
            money(d.expected_regret),
            money(stats::Z_975 * d.expected_regret_std_err)
        );
        out.push_str(&format!(
            "  {}  {:>8.1}%  {:>20}  {:>11.1}%  {:>11.1}%  {:>10}\n",
            pad_right(&st.label, width),
            100.0 * d.p_lowest_total_cost,
            regret,
            100.0 * d.p_build_cost_above_budget[0],
            100.0 * d.p_build_cost_above_budget[1],
            money(st.weekly_burn * st.plan_weeks(&scenario.build)),
        ));
    }
    out
}

/// A run's closing line: trials, strategies, time, rate, threads and seed.
pub fn simulated_line(scenario: &Scenario, seconds: f64, threads: usize) -> String {
    let rate = scenario.trials as f64 / seconds.max(1e-9);
    format!(
        "\n{} trials x {} strategies in {:.2} s ({} trials/s, {} threads), seed {}\n",
        format::integer(scenario.trials as f64),
        scenario.strategies.len(),
        seconds,
        format::integer(rate.round()),
        threads,
        scenario.seed
    )
}

/// A merge's closing line: no trial was simulated, so no rate.
pub fn merged_line(scenario: &Scenario, parts: usize, seconds: f64, threads: usize) -> String {
    format!(
        "\nmerged {parts} shard parts: {} trials x {} strategies, simulated by the shards; parts read and checked, statistics and files written in {:.2} s ({} threads), seed {}\n",
        format::integer(scenario.trials as f64),
        scenario.strategies.len(),
        seconds,
        threads,
        scenario.seed
    )
}

/// `run --precision`: the largest half-width reached, and whether it met the target.
pub fn precision_line(trials: u64, worst: f64, target: f64) -> String {
    format!(
        "precision: largest 95% half-width {worst:.4} at {} trials ({}, target {target})\n",
        format::integer(trials as f64),
        if worst <= target {
            "reached"
        } else {
            "NOT reached: the trial limit of 10^9 is reached"
        }
    )
}

/// A sweep's table: one row per point, one column per strategy, then its
/// crossovers.
pub fn sweep_table(
    result: &Sweep,
    params: &[SweepParam],
    crossings: &[Crossover],
    metric: Metric,
    stat: &str,
) -> String {
    let s = &result.scenario;
    let mut out = format!(
        "{} ({}): {} {} by {}{}\n{} trials per point, seed {} at every point\n\n",
        s.title,
        s.name,
        stat.to_uppercase(),
        metric.id(),
        params[0].key,
        params
            .get(1)
            .map(|p| format!(" and {}", p.key))
            .unwrap_or_default(),
        format::integer(result.trials as f64),
        result.seed
    );
    let width = s
        .strategies
        .iter()
        .map(|st| display_width(&st.label))
        .max()
        .unwrap_or(10)
        .clamp(10, 28);
    let header: String = s
        .strategies
        .iter()
        .map(|st| format!("  {}", pad_left(&truncate(&st.label, width), width)))
        .collect();
    let value_width = params
        .iter()
        .map(|p| {
            p.values
                .iter()
                .map(|v| display_width(v))
                .max()
                .unwrap_or(0)
                .max(display_width(&p.key))
                .min(40)
        })
        .collect::<Vec<_>>();
    let mut head = String::new();
    for (p, w) in params.iter().zip(&value_width) {
        head.push_str(&format!("{}  ", pad_right(&truncate(&p.key, *w), *w)));
    }
    out.push_str(&format!("{head}{header}\n"));
    for (i, point) in result.points.iter().enumerate() {
        let mut line = String::new();
        for (v, w) in point.values.iter().zip(&value_width) {
            line.push_str(&format!("{}  ", pad_right(v, *w)));
        }
        for st in 0..s.strategies.len() {
            let x = result.value(i, st, metric, stat);
            line.push_str(&format!(
                "  {:>width$}",
                format_value(metric, x, &s.currency)
            ));
        }
        out.push_str(&line);
        out.push('\n');
    }
    out.push('\n');
    if crossings.is_empty() {
        out.push_str(&format!(
            "No crossover: the order of the strategies on {} {} is the same at every point.\n",
            stat.to_uppercase(),
            metric.id()
        ));
    } else {
        out.push_str("Crossovers:\n");
        for c in crossings {
            out.push_str(&format!(
                "  {}\n",
                sweeping::describe(result, c, metric, stat)
            ));
        }
    }
    out
}

/// Compare's table: one block per headline metric, a row per strategy (the union
/// of every scenario's), a column per scenario.
pub fn compare_table(runs: &[ScenarioRun], strategies: &[(String, String)]) -> String {
    let label_width = strategies
        .iter()
        .map(|(_, l)| display_width(l))
        .max()
        .unwrap_or(8)
        .max(8);
    let mut out = String::from("Scenarios side by side (P50 / P80 / P95)\n");
    for r in runs {
        out.push_str(&format!(
            "  {}: {} ({} trials, seed {})\n",
            r.scenario.name,
            r.scenario.title,
            format::integer(r.scenario.trials as f64),
            r.scenario.seed
        ));
    }
    let col = 26;
    for metric in HEADLINE {
        out.push_str(&format!(
            "\n{} ({})\n  {:<label_width$}",
            metric.id(),
            metric.unit_label(&runs[0].scenario.currency),
            "strategy"
        ));
        for r in runs {
            out.push_str(&format!(
                "  {}",
                pad_left(&truncate(&r.scenario.name, col), col)
            ));
        }
        out.push('\n');
        for (id, label) in strategies {
            out.push_str(&format!("  {}", pad_right(label, label_width)));
            for r in runs {
                let cell = match r.summary(id, metric) {
                    Some(x) if metric == Metric::ApiFailure => format!("{:.1}%", 100.0 * x.mean),
                    Some(x) => {
                        let f = |v: f64| format_value(metric, v, &r.scenario.currency);
                        format!("{} / {} / {}", f(x.p50()), f(x.p80()), f(x.p95()))
                    }
                    None => "-".to_string(),
                };
                out.push_str(&format!("  {cell:>col$}"));
            }
            out.push('\n');
        }
    }
    out
}

/// "P80 total cost" as a chart says it.
pub fn measure(x: &Sensitivity) -> String {
    format!(
        "{} {}",
        x.stat.to_uppercase(),
        x.metric.id().replace('_', " ")
    )
}

/// A value of the analysed metric.
fn metric_value(x: &Sensitivity, v: f64) -> String {
    format_value(x.metric, v, &x.scenario.currency)
}

/// A difference, signed: `+$0.3m`, `-$0.1m`.
fn signed(x: &Sensitivity, v: f64) -> String {
    let text = metric_value(x, v.abs());
    if v < 0.0 {
        format!("-{text}")
    } else {
        format!("+{text}")
    }
}

/// The sensitivity report: what was run, the tornado of each strategy, the
/// global rank correlations and the decision between the two best.
pub fn sensitivity_report(x: &Sensitivity, default_trials: bool, seconds: f64) -> String {
    let s = &x.scenario;
    let k = s.strategies.len();
    let shared = x.drivers.iter().filter(|d| d.strategy.is_none()).count();
    let risks = x
        .drivers
        .iter()
        .filter(|d| d.kind == DriverKind::Risk)
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
        format::integer(x.trials as f64),
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
        format::integer(x.runs.strategy_runs as f64),
        seconds
    ));
    out.push_str(&format!(
        "Settings: [sensitivity] ranges where stated ({}), else x{} / x{} of the value clamped to the key's allowed range; risks off / on for every strategy.\n",
        s.sensitivity.ranges.len(),
        sensitivity::short(1.0 - x.swing),
        sensitivity::short(1.0 + x.swing)
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
            metric_value(x, x.base[i]),
            "rank",
            "driver",
            "low / high",
            "at low",
            "at high",
            "swing"
        ));
        evidence_header(x, &mut out);
        for (rank, bar) in x.tornado(i).iter().take(10).enumerate() {
            out.push_str(&tornado_line(x, rank, bar, label_width, false));
        }
    }

    out.push_str(&format!(
        "\nGlobal: Spearman rank correlation of each sampled driver with {} (base run, {} trials)\n",
        x.metric.id(),
        format::integer(x.trials as f64)
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
        evidence_header(x, &mut out);
        for (rank, bar) in bars.iter().take(10).enumerate() {
            out.push_str(&tornado_line(x, rank, bar, label_width, true));
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

fn tornado_line(x: &Sensitivity, rank: usize, bar: &Bar, width: usize, diff: bool) -> String {
    let d = &x.drivers[bar.driver];
    let f = |v: f64| {
        if diff {
            signed(x, v)
        } else {
            metric_value(x, v)
        }
    };
    let evidence = evidence_of(x, bar.driver)
        .map(|c| format!("  {}", c.id()))
        .unwrap_or_default();
    format!(
        "  {:>4}  {}  {}  {:>9}  {:>9}  {:>9}{evidence}\n",
        rank + 1,
        pad_right(&truncate(&x.label(bar.driver, diff), width), width),
        pad_left(
            &truncate(&format!("{} / {}", d.low_setting, d.high_setting), 17),
            17
        ),
        f(bar.at_low),
        f(bar.at_high),
        metric_value(x, bar.swing)
    )
}

/// The evidence class of driver `d`, when the scenario declares evidence
/// (`[provenance]`, its own or inherited); `None` otherwise.
pub fn evidence_of(x: &Sensitivity, d: usize) -> Option<crate::scenario::EvidenceClass> {
    let evidence = &x.scenario.evidence;
    evidence
        .declared
        .then(|| evidence.class_of(&x.drivers[d].key))
}

/// With declared evidence, a tornado table has one more column after the swing:
/// the class of the driver's value. Names it at the end of the header just written.
fn evidence_header(x: &Sensitivity, out: &mut String) {
    if x.scenario.evidence.declared && out.ends_with('\n') {
        out.pop();
        out.push_str("  evidence\n");
    }
}

/// The drivers that can flip the decision on their own (`Sensitivity::decision`
/// bars crossing zero) whose value rests only on an assumption or the seed
/// article, as `label (class)`; empty when the scenario declares no evidence.
pub fn weak_decision_drivers(x: &Sensitivity) -> Vec<String> {
    let Some((a, b)) = x.best_pair() else {
        return Vec::new();
    };
    x.decision(a, b)
        .iter()
        .filter(|bar| bar.at_low > 0.0 || bar.at_high > 0.0)
        .filter_map(|bar| {
            let class = evidence_of(x, bar.driver)?;
            class
                .is_weak()
                .then(|| format!("{} ({})", x.label(bar.driver, true), class.id()))
        })
        .collect()
}
