//! The report's pages, one `<section class="page">` each, in order: the
//! decision, what could flip it and the what-ifs (from `tradeoff-sim report`),
//! the charts, the assumptions, the claims, the method.

use std::fmt::Write;

use super::assumptions::Assumption;
use super::html::{STYLE, Source, escape, inline_svg, number_cell};
use super::method::{claims_pages, method_page};
use super::{DECISION_METRIC, Extras, RunFacts, assumptions_of, lowest};
use crate::format;
use crate::output::chart::ChartKind;
use crate::output::schema;
use crate::scenario::DecisionStat;

/// Lines of assumptions a column holds (two columns a page): 14 rows of a name
/// and its key.
const ASSUMPTION_LINES: usize = 34;
/// Lines of the per-option assumptions table on one page (its cells wrap more).
const OPTION_LINES: usize = 32;
/// Drivers in the table of what could flip the decision.
const FLIP_ROWS: usize = 8;

/// The whole page.
pub fn document(facts: &RunFacts, charts: &[(ChartKind, String)], extras: &Extras) -> String {
    let title = facts.title();
    let mut pages: Vec<String> = vec![decision_page(facts, extras)];
    if let Some(flips) = &extras.flips {
        pages.push(flip_page(facts, flips));
        if let Some(svg) = &flips.svg {
            pages.push(chart_page_of(
                "What could flip it: the decision tornado",
                "Each bar: the gap when one driver moves to its low or high setting; a bar crossing zero flips the choice.",
                svg,
            ));
        }
    }
    if !extras.what_ifs.is_empty() {
        pages.push(what_if_page(facts, extras));
    }
    if charts.is_empty() {
        pages.push(page(
            "Charts",
            "<p>This run was made with <code>--charts none</code>, so the report embeds no chart. Run it again without that option to see them here.</p>",
        ));
    }
    for (kind, svg) in charts {
        pages.push(chart_page(facts, *kind, svg));
    }
    pages.extend(assumption_pages(facts));
    pages.extend(claims_pages(facts, extras));
    pages.push(method_page(facts, extras));
    let total = pages.len();
    let mut body = String::new();
    for (i, p) in pages.iter().enumerate() {
        let _ = writeln!(
            body,
            "{}<footer><span>{}</span><span>{} / {}</span></footer></section>",
            p,
            escape(title),
            i + 1,
            total
        );
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"tradeoff-sim {}\">\n<title>{} · board pack</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        escape(facts.text("version").unwrap_or("")),
        escape(title)
    )
}

/// A page's opening: the section and its heading; the caller closes it.
pub(super) fn page(heading: &str, body: &str) -> String {
    format!(
        "<section class=\"page\">\n<h2>{}</h2>\n{body}\n",
        escape(heading)
    )
}

fn label_of(facts: &RunFacts, id: &str) -> String {
    facts
        .data
        .manifest
        .strategies
        .iter()
        .find(|s| s.id == id)
        .map_or_else(|| id.to_string(), |s| s.label.clone())
}

pub(super) fn money(facts: &RunFacts, v: f64) -> String {
    format::money(v, &facts.data.manifest.currency)
}

fn summary_value(facts: &RunFacts, metric: &str, id: &str, stat: &str) -> Option<f64> {
    let row = facts
        .data
        .summary
        .get(&(metric.to_string(), id.to_string()))?;
    Some(match stat {
        "mean" => row.mean,
        "p05" => row.p05,
        "p50" => row.p50,
        "p80" => row.p80,
        "p90" => row.p90,
        "p95" => row.p95,
        _ => return None,
    })
}

pub(super) fn summary_source(metric: &str, id: &str, stat: &str) -> Source<'static> {
    Source {
        file: schema::SUMMARY,
        key: format!("{metric}/{id}/{stat}"),
    }
}

pub(super) fn decision_source(id: &str, column: &str) -> Source<'static> {
    Source {
        file: schema::DECISION,
        key: format!("{id}/{column}"),
    }
}

/// The share of projects launched by the target, per strategy: the `on_time`
/// metric's mean when the run has it; else read off the build-weeks histogram
/// (bins up to the target, the bin holding it in proportion), marked approximate.
fn on_time(facts: &RunFacts, id: &str) -> Option<(f64, bool)> {
    if let Some(p) = summary_value(facts, "on_time", id, "mean") {
        return Some((p, true));
    }
    let target = facts.data.manifest.target_build_weeks?;
    let h = facts
        .data
        .histograms
        .get(&("build_weeks".to_string(), id.to_string()))?;
    if h.n <= 0.0 {
        return None;
    }
    let mut below = 0.0;
    for bin in &h.bins {
        if bin.high <= target {
            below += bin.count;
        } else if bin.low < target {
            below += bin.count * (target - bin.low) / (bin.high - bin.low);
        }
    }
    Some((below / h.n, false))
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The peak events of the scenario (`[[events]]`), one pair of rows each: the
/// chance of being live by the event and of an API or surge failure during it,
/// per option (columns in the decision table's order); empty without events.
fn event_table(facts: &RunFacts, order: &[usize]) -> String {
    let m = &facts.data.manifest;
    let events: Vec<String> = facts
        .manifest
        .pointer("/scenario/events")
        .and_then(|e| e.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|e| e.get("name").and_then(|n| n.as_str()))
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    if events.is_empty() {
        return String::new();
    }
    let mut out = String::from("<table class=\"events\">\n<thead><tr><th>Peak event</th>");
    for &s in order {
        let _ = write!(
            out,
            "<th class=\"num\">{}</th>",
            escape(&m.strategies[s].label)
        );
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for name in &events {
        let words = crate::scenario::event_words(name);
        for (metric, what) in [
            (
                format!("{}{name}", crate::metric::EVENT_LIVE_PREFIX),
                format!("Live by {words}"),
            ),
            (
                format!("{}{name}", crate::metric::EVENT_FAILURE_PREFIX),
                format!("API or surge failure during {words}"),
            ),
        ] {
            let _ = write!(out, "<tr><td>{}</td>", escape(&what));
            for &s in order {
                let id = &m.strategies[s].id;
                match summary_value(facts, &metric, id, "mean") {
                    Some(p) => number_cell(
                        &mut out,
                        &format::percent(p),
                        p,
                        &summary_source(&metric, id, "mean"),
                        "share",
                    ),
                    None => out.push_str("<td></td>"),
                }
            }
            out.push_str("</tr>\n");
        }
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

fn decision_page(facts: &RunFacts, extras: &Extras) -> String {
    let m = &facts.data.manifest;
    let values = facts.decision_values();
    let stat = facts.stat();
    let stat_label = stat.label();
    let mut out = String::new();
    let subtitle = match facts.subtitle() {
        Some(s) => escape(s),
        None => format!(
            "{} simulated projects per option, on the same random numbers for every option",
            format::thousands(m.trials)
        ),
    };
    let _ = writeln!(
        out,
        "<section class=\"page\" id=\"decision\">\n<p class=\"kicker\">Board pack · the decision</p>\n<h1>{}</h1>\n<p class=\"subtitle\">{subtitle}</p>",
        escape(facts.title()),
    );
    let order: Vec<usize> = {
        let mut o: Vec<usize> = (0..values.len()).collect();
        o.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
        o
    };
    let best = lowest(&values);
    if let Some(b) = best {
        let best_id = &m.strategies[b].id;
        let p_cheapest = |id: &str| {
            facts
                .decision
                .iter()
                .find(|d| d.strategy == id)
                .map(|d| d.p_lowest_total_cost)
        };
        let mut sentence = format!(
            "Recommend <strong>{}</strong>: its {stat_label} ({}) is {}",
            escape(&m.strategies[b].label),
            stat.meaning(),
            money(facts, values[b])
        );
        if let Some(&r) = order.get(1).filter(|&&r| values[r].is_finite()) {
            let _ = write!(
                sentence,
                ", {} less than {} ({})",
                money(facts, values[r] - values[b]),
                escape(&m.strategies[r].label),
                money(facts, values[r])
            );
        }
        sentence.push('.');
        let most_often = facts
            .decision
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.p_lowest_total_cost.total_cmp(&b.1.p_lowest_total_cost))
            .map(|(_, d)| d);
        if let Some(d) = most_often.filter(|d| d.strategy != *best_id) {
            let _ = write!(
                sentence,
                " {} is the cheapest option more often ({} of projects), but costs more when it loses.",
                escape(&label_of(facts, &d.strategy)),
                format::percent(d.p_lowest_total_cost)
            );
        } else if let Some(p) = p_cheapest(best_id) {
            let _ = write!(
                sentence,
                " It is also the cheapest option in {} of simulated projects.",
                format::percent(p)
            );
        }
        let _ = writeln!(out, "<p class=\"recommendation\">{sentence}</p>");
    }
    let any_target = m.strategies.iter().any(|s| on_time(facts, &s.id).is_some());
    out.push_str("<table class=\"decision\">\n<thead><tr><th>Option</th>");
    let _ = write!(
        out,
        "<th class=\"num\">{}</th>{}<th class=\"num\">Chance cheapest</th><th class=\"num\">Expected regret</th><th class=\"num\">Build cost &gt; 1.2x budget</th><th class=\"num\">&gt; 1.5x budget</th>",
        escape(&capitalised(&stat_label)),
        if stat == DecisionStat::P50 {
            ""
        } else {
            "<th class=\"num\">P50 total cost</th>"
        }
    );
    if any_target {
        // One target week for every option, unless an option states its own.
        let own_targets = facts
            .manifest
            .pointer("/scenario/strategies")
            .and_then(|s| s.as_array())
            .is_some_and(|list| list.iter().any(|s| s.get("target_weeks").is_some()));
        match m.target_build_weeks.filter(|_| !own_targets) {
            Some(t) => {
                let _ = write!(
                    out,
                    "<th class=\"num\">Launch by week {}</th>",
                    format::short(t, 1)
                );
            }
            None => out.push_str("<th class=\"num\">Launch by target</th>"),
        }
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for &s in &order {
        let st = &m.strategies[s];
        let _ = write!(
            out,
            "<tr{}><td>{}</td>",
            if Some(s) == best {
                " class=\"best\""
            } else {
                ""
            },
            escape(&st.label)
        );
        let columns: &[&str] = if stat == DecisionStat::P50 {
            &["p50"]
        } else {
            &[stat.column(), "p50"]
        };
        for &column in columns {
            let v = summary_value(facts, DECISION_METRIC, &st.id, column).unwrap_or(f64::NAN);
            number_cell(
                &mut out,
                &money(facts, v),
                v,
                &summary_source(DECISION_METRIC, &st.id, column),
                "money",
            );
        }
        match facts.decision.iter().find(|d| d.strategy == st.id) {
            Some(d) => {
                let cells: [(f64, &str, bool); 4] = [
                    (d.p_lowest_total_cost, "p_lowest_total_cost", false),
                    (d.expected_regret, "expected_regret", true),
                    (
                        d.p_build_cost_above_1_2x_budget,
                        "p_build_cost_above_1_2x_budget",
                        false,
                    ),
                    (
                        d.p_build_cost_above_1_5x_budget,
                        "p_build_cost_above_1_5x_budget",
                        false,
                    ),
                ];
                for (v, column, is_money) in cells {
                    let (text, class) = if is_money {
                        (money(facts, v), "money")
                    } else {
                        (format::percent(v), "share")
                    };
                    number_cell(&mut out, &text, v, &decision_source(&st.id, column), class);
                }
            }
            None => out.push_str("<td></td><td></td><td></td><td></td>"),
        }
        if any_target {
            match on_time(facts, &st.id) {
                Some((p, true)) => number_cell(
                    &mut out,
                    &format::percent(p),
                    p,
                    &summary_source("on_time", &st.id, "mean"),
                    "share",
                ),
                Some((p, false)) => {
                    let _ = write!(
                        out,
                        "<td class=\"num\">≈{}</td>",
                        escape(&format::percent(p))
                    );
                }
                None => out.push_str("<td></td>"),
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    out.push_str(&event_table(facts, &order));
    if let Some(b) = best {
        let id = &m.strategies[b].id;
        if let (Some(lo), Some(hi)) = (
            summary_value(facts, DECISION_METRIC, id, "p05"),
            summary_value(facts, DECISION_METRIC, id, "p95"),
        ) {
            let _ = writeln!(
                out,
                "<p class=\"confidence\">We are 90% confident that {}'s total cost lands between <strong>{}</strong> and <strong>{}</strong> (P5 to P95 of the simulated projects).</p>",
                escape(&m.strategies[b].label),
                money(facts, lo),
                money(facts, hi)
            );
        }
    }
    let target_note = match m.target_build_weeks {
        Some(t) => format!(
            "Launch target: week {}.",
            format::short(t, 1)
        ),
        None => "No launch target is set (<code>build.target_weeks</code>), so the chance of launching on time is not shown.".to_string(),
    };
    let _ = writeln!(
        out,
        "<p class=\"note\">Chance cheapest: share of simulated projects in which the option costs least. Expected regret: on average, how much more the option costs than the cheapest option of the same project. Budget: weekly burn x planned weeks, compared with build cost. {target_note}{}</p>",
        if extras.flips.is_none() && extras.what_ifs.is_empty() {
            " <code>tradeoff-sim report</code> adds what-ifs and what could flip the decision."
        } else {
            ""
        }
    );
    out
}

fn flip_page(facts: &RunFacts, flips: &super::Flips) -> String {
    let best = label_of(facts, &flips.best);
    let runner = label_of(facts, &flips.runner_up);
    let flipping = flips
        .drivers
        .iter()
        .filter(|f| flip_share(flips.base_gap, f).is_some())
        .count();
    let verdict = match flipping {
        0 => "No driver flips the decision on its own within its range.".to_string(),
        1 => "One driver flips the decision on its own within its range.".to_string(),
        n => format!("{n} drivers flip the decision on their own within their range."),
    };
    let (lower, higher) = if flips.base_gap <= 0.0 {
        (&best, &runner)
    } else {
        (&runner, &best)
    };
    let mut out = page(
        "What could flip it",
        &format!(
            "<p>At the base, {}'s {} is {} lower than {}'s. The gap is {} minus {}: negative while {} stays cheaper. Each driver below is moved alone to a low and a high setting, everything else held, on the same simulated projects ({} per run; each gap carries a Monte Carlo error of about ±{}). <strong>{verdict}</strong></p>",
            escape(lower),
            facts.stat().label(),
            money(facts, flips.base_gap.abs()),
            escape(higher),
            escape(&best),
            escape(&runner),
            escape(&best),
            format::thousands(flips.trials),
            money(facts, super::gap_std_err(facts, flips))
        ),
    );
    out.push_str("<table class=\"flips\">\n<thead><tr><th>Driver</th><th>Low / base / high</th><th class=\"num\">Gap at low</th><th class=\"num\">Gap at high</th><th>Flips it?</th><th>Evidence</th></tr></thead>\n<tbody>\n");
    for f in flips.drivers.iter().take(FLIP_ROWS) {
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{} / {} / {}</td>",
            escape(&f.name),
            escape(&setting_text(&f.low_setting)),
            escape(&setting_text(&f.base_setting)),
            escape(&setting_text(&f.high_setting))
        );
        for (v, column) in [(f.gap_at_low, "at_low"), (f.gap_at_high, "at_high")] {
            number_cell(
                &mut out,
                &money(facts, v),
                v,
                &Source {
                    file: schema::TORNADO_DECISION,
                    key: format!("{}/difference_{column}", f.key),
                },
                "money",
            );
        }
        let _ = writeln!(
            out,
            "<td>{}</td><td>{}</td></tr>",
            escape(&flip_words(flips.base_gap, f)),
            escape(&super::evidence_of(&facts.manifest, &f.key))
        );
    }
    out.push_str("</tbody>\n</table>\n");
    if flips.drivers.len() > FLIP_ROWS {
        let _ = writeln!(
            out,
            "<p class=\"note\">{} more drivers move the gap less (tornado_decision.csv lists all).</p>",
            flips.drivers.len() - FLIP_ROWS
        );
    }
    out
}

/// Whether the driver flips the decision within its range and, if it does, how
/// far toward that setting it must move (by straight-line reading between the
/// base and the setting).
/// A driver's setting as a reader says it: a whole number of five digits or more
/// with thousands separators (`48,000`); anything else as written.
fn setting_text(setting: &str) -> String {
    match setting.parse::<f64>() {
        Ok(x) if x.fract() == 0.0 && x.abs() >= 10_000.0 && x.abs() < 1e15 => {
            let text = format::thousands(x.abs() as u64);
            if x < 0.0 { format!("-{text}") } else { text }
        }
        _ => setting.to_string(),
    }
}

/// Whether the driver flips the decision within its range: `Some` with the
/// share of the way to the setting that flips it (1 for a risk switched).
fn flip_share(base: f64, f: &super::Flip) -> Option<f64> {
    [f.gap_at_low, f.gap_at_high]
        .into_iter()
        .find(|end| base.signum() != end.signum() && *end != 0.0)
        .map(|end| (base / (base - end)).clamp(0.0, 1.0))
}

fn flip_words(base: f64, f: &super::Flip) -> String {
    let crossing = |end: f64, setting: &str| -> Option<String> {
        (base.signum() != end.signum() && end != 0.0).then(|| {
            if setting == "on" || setting == "off" {
                return format!("yes, when switched {setting}");
            }
            let share = base / (base - end);
            format!(
                "yes: {} of the way to {}",
                format::percent(share.clamp(0.0, 1.0)),
                setting_text(setting)
            )
        })
    };
    crossing(f.gap_at_low, &f.low_setting)
        .or_else(|| crossing(f.gap_at_high, &f.high_setting))
        .unwrap_or_else(|| "no".to_string())
}

fn what_if_page(facts: &RunFacts, extras: &Extras) -> String {
    let m = &facts.data.manifest;
    let mut out = page(
        "What if",
        &format!(
            "<p>Each row changes the scenario as stated and runs again on the same random numbers as the base. Values: {} per option; the lowest is the winner.</p>",
            facts.stat().label()
        ),
    );
    out.push_str("<table class=\"dense what-ifs\">\n<thead><tr><th>What if</th>");
    for s in &m.strategies {
        let _ = write!(out, "<th class=\"num\">{}</th>", escape(&s.label));
    }
    out.push_str("<th>Winner</th></tr></thead>\n<tbody>\n");
    let base = super::WhatIf {
        name: "Base".to_string(),
        overrides: Vec::new(),
        statistic: facts.stat(),
        values: facts.decision_values(),
    };
    for (row, w) in std::iter::once(&base).chain(&extras.what_ifs).enumerate() {
        let _ = write!(out, "<tr><td><strong>{}</strong>", escape(&w.name));
        if !w.overrides.is_empty() {
            let _ = write!(out, "<br><code>{}</code>", escape(&w.overrides.join("; ")));
        }
        out.push_str("</td>");
        for (s, v) in m.strategies.iter().zip(&w.values) {
            let source = if row == 0 {
                summary_source(DECISION_METRIC, &s.id, facts.stat().column())
            } else {
                Source {
                    file: "what_ifs.csv",
                    key: format!("{}/{}", w.name, s.id),
                }
            };
            number_cell(&mut out, &money(facts, *v), *v, &source, "money");
        }
        let winner = lowest(&w.values).map_or_else(String::new, |i| m.strategies[i].label.clone());
        let _ = writeln!(out, "<td>{}</td></tr>", escape(&winner));
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

fn chart_caption(kind: ChartKind) -> &'static str {
    match kind {
        ChartKind::Tradeoff => {
            "Each option's build time against its total cost: lower and further left is better; the spread shows how sure each is."
        }
        ChartKind::TotalCost => {
            "How total cost is spread over the simulated projects, with the P50 and the decision statistic marked."
        }
        ChartKind::BuildWeeksSCurve => {
            "The share of projects launched by each week: the further left the curve, the earlier the launch."
        }
        ChartKind::ProbabilityBest => {
            "How often each option is the best on each measure, on the same simulated projects."
        }
        ChartKind::CostBreakdown => "What total cost is made of, per option.",
        ChartKind::ApiFailureProbability => {
            "The chance of at least one API failure or traffic surge beyond capacity after launch."
        }
        ChartKind::DowntimeHours => {
            "Hours of customer-facing downtime after launch, an hour at half of checkouts counting half."
        }
        ChartKind::EmergencyFixes => {
            "Emergency fixes after launch: API failures, surge failures and other fixes together."
        }
    }
}

/// A chart page's heading: the topic in a few words, so that it does not repeat
/// the chart's own title just beneath it.
fn chart_topic(kind: ChartKind) -> &'static str {
    match kind {
        ChartKind::Tradeoff => "The charts: time against cost",
        ChartKind::TotalCost => "The charts: total cost",
        ChartKind::BuildWeeksSCurve => "The charts: launch date",
        ChartKind::ProbabilityBest => "The charts: how often each option is best",
        ChartKind::CostBreakdown => "The charts: where the money goes",
        ChartKind::ApiFailureProbability => "The charts: failures after launch",
        ChartKind::DowntimeHours => "The charts: downtime",
        ChartKind::EmergencyFixes => "The charts: emergency fixes",
    }
}

fn chart_page(_facts: &RunFacts, kind: ChartKind, svg: &str) -> String {
    chart_page_of(chart_topic(kind), chart_caption(kind), svg)
}

fn chart_page_of(title: &str, caption: &str, svg: &str) -> String {
    let mut out = page(title, &format!("<p class=\"note\">{}</p>", escape(caption)));
    let _ = writeln!(
        out,
        "<div class=\"chart-box\">{}</div>",
        inline_svg(svg, title)
    );
    out
}

/// The lines a shared assumption's row takes in its column: its name and key
/// beside its value, each wrapping at about the width its cell holds.
fn assumption_lines(a: &Assumption) -> usize {
    let wrapped = |text: &str, width: usize| text.chars().count().div_ceil(width).max(1);
    let label = wrapped(&a.name, 30) + wrapped(&a.key, 30);
    let value = wrapped(a.values.first().map_or("", String::as_str), 34);
    label.max(value)
}

/// Items cut into runs of at most `budget` lines, in order (an item taller than
/// the budget has a run of its own).
pub(super) fn by_height<T>(
    items: &[T],
    budget: usize,
    lines: impl Fn(&T) -> usize,
) -> Vec<Vec<&T>> {
    let mut runs: Vec<Vec<&T>> = Vec::new();
    let mut used = 0;
    for item in items {
        let h = lines(item);
        match runs.last_mut() {
            Some(run) if used + h <= budget => run.push(item),
            _ => {
                runs.push(vec![item]);
                used = 0;
            }
        }
        used += h;
    }
    runs
}

fn assumption_pages(facts: &RunFacts) -> Vec<String> {
    let (shared, own) = assumptions_of(&facts.manifest);
    let mut pages = Vec::new();
    let intro = "<p class=\"note\">The scenario's values as this run used them. Evidence: where each value came from; \"unclassified\" where the scenario's [provenance] states none.</p>";
    let columns = by_height(&shared, ASSUMPTION_LINES, assumption_lines);
    let chunks: Vec<_> = columns.chunks(2).collect();
    for (i, chunk) in chunks.iter().enumerate() {
        let heading = if chunks.len() > 1 {
            format!(
                "Assumptions shared by every option ({} of {})",
                i + 1,
                chunks.len()
            )
        } else {
            "Assumptions shared by every option".to_string()
        };
        let mut out = page(&heading, intro);
        out.push_str("<div class=\"columns\">\n");
        for half in chunk.iter() {
            out.push_str("<table class=\"dense assumptions\">\n<thead><tr><th>Assumption</th><th>Value</th><th>Evidence</th></tr></thead>\n<tbody>\n");
            for a in half.iter() {
                let _ = writeln!(
                    out,
                    "<tr><td>{}<br><code>{}</code></td><td>{}</td><td>{}</td></tr>",
                    escape(&a.name),
                    escape(&a.key),
                    escape(a.values.first().map_or("", String::as_str)),
                    escape(&a.evidence)
                );
            }
            out.push_str("</tbody>\n</table>\n");
        }
        out.push_str("</div>\n");
        pages.push(out);
    }
    let strategies = &facts.data.manifest.strategies;
    // A per-option row: its name and key in a narrow column beside one value
    // per option, each wrapping at about the width its cell holds.
    let option_lines = |a: &Assumption| {
        let wrapped = |text: &str, width: usize| text.chars().count().div_ceil(width).max(1);
        let label = wrapped(&a.name, 24) + wrapped(&format!("strategies.*.{}", a.key), 24);
        // The value columns share what the name and evidence columns leave.
        let width = (110.0 / (strategies.len() as f64 + 1.5)) as usize;
        let value = a
            .values
            .iter()
            .map(|v| wrapped(v, width.max(12)))
            .max()
            .unwrap_or(1);
        label.max(value)
    };
    let option_pages = by_height(&own, OPTION_LINES, option_lines);
    let count = option_pages.len();
    for (i, chunk) in option_pages.into_iter().enumerate() {
        let heading = if count > 1 {
            format!("Assumptions per option ({} of {count})", i + 1)
        } else {
            "Assumptions per option".to_string()
        };
        let mut out = page(&heading, intro);
        out.push_str(
            "<table class=\"dense assumptions per-option\">\n<thead><tr><th>Assumption</th>",
        );
        for s in strategies {
            let _ = write!(out, "<th>{}</th>", escape(&s.label));
        }
        out.push_str("<th>Evidence</th></tr></thead>\n<tbody>\n");
        for a in chunk {
            let _ = write!(
                out,
                "<tr><td>{}<br><code>strategies.*.{}</code></td>",
                escape(&a.name),
                escape(&a.key)
            );
            for v in &a.values {
                let _ = write!(out, "<td>{}</td>", escape(v));
            }
            let _ = writeln!(out, "<td>{}</td></tr>", escape(&a.evidence));
        }
        out.push_str("</tbody>\n</table>\n");
        pages.push(out);
    }
    pages
}
