//! The eight charts: each turns the loaded run data into a page (title, legend, footnotes)
//! and draws its marks on a frame. Data problems surface as `ChartError`; plotters failures
//! as `ChartError::Draw` naming the chart.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::canvas::{
    self, Axis, Canvas, Categories, INK, LegendItem, MUTED, Page, Swatch, alpha, draw_axes,
    draw_page, fit_lines, fit_text, make_room_for_categories, place_in_rows, plot_frame,
    plot_x_extent, text_colour, text_width,
};
use super::data::{Bin, ChartData, Histogram, Scale, StrategyRef};
use super::layout::centre_within;
use super::ticks::{linear_ticks, log_ticks, nice_step, wilson_95};
use super::{ChartError, ChartKind};
use crate::format::{
    count, currency_prefix, money_ticks, money_with_prefix, number, percent, plain_ticks,
    shared_decimals, short, thousands,
};
use crate::scenario::{Audience, DecisionStat};

mod api_failure;
mod cost_breakdown;
mod distribution;
mod emergency_fixes;
mod probability_best;
mod s_curve;
mod tradeoff;

use api_failure::api_failure;
use cost_breakdown::cost_breakdown;
use distribution::{DOWNTIME, TOTAL_COST, distribution};
use emergency_fixes::emergency_fixes;
use probability_best::probability_best;
use s_curve::s_curve;
use tradeoff::tradeoff;

/// Okabe-Ito (safe for the common colour-vision deficiencies), ordered so the first
/// strategies get the most distinct hues and the pale yellow, hard to see on white, comes late.
const PALETTE: [RGBColor; 8] = [
    RGBColor(0x00, 0x72, 0xB2), // blue
    RGBColor(0xE6, 0x9F, 0x00), // orange
    RGBColor(0x00, 0x9E, 0x73), // bluish green
    RGBColor(0xD5, 0x5E, 0x00), // vermillion
    RGBColor(0xCC, 0x79, 0xA7), // reddish purple
    RGBColor(0x56, 0xB4, 0xE9), // sky blue
    RGBColor(0xF0, 0xE4, 0x42), // yellow
    RGBColor(0x00, 0x00, 0x00), // black
];

/// The colour of the strategy at `index` in manifest order. Past eight strategies the palette
/// repeats, darkened per round (black, which cannot darken, turns to greys), so the first
/// 32 colours are all distinct; later ones repeat the fourth round.
pub fn strategy_colour(index: usize) -> RGBColor {
    let base = PALETTE[index % PALETTE.len()];
    let round = (index / PALETTE.len()).min(3);
    if base == RGBColor(0, 0, 0) {
        let grey = [0x00, 0x55, 0x7A, 0x9C][round];
        return RGBColor(grey, grey, grey);
    }
    let RGBColor(r, g, b) = base;
    let k = 1.0 - 0.22 * round as f64;
    RGBColor(
        (r as f64 * k) as u8,
        (g as f64 * k) as u8,
        (b as f64 * k) as u8,
    )
}

/// Each chart's title: a plain-words question a board member recognises.
pub fn title(kind: ChartKind) -> &'static str {
    match kind {
        ChartKind::TotalCost => "Total cost: what each strategy may end up costing",
        ChartKind::BuildWeeksSCurve => "Build time: chance of launching by week x",
        ChartKind::ApiFailureProbability => {
            "Chance of at least one post-launch API or traffic-surge failure"
        }
        ChartKind::EmergencyFixes => "Emergency fixes after launch: API, surge and other fixes",
        ChartKind::DowntimeHours => "Customer-facing downtime after launch, impact-weighted",
        ChartKind::Tradeoff => "Tradeoff: build time against total cost",
        ChartKind::CostBreakdown => "Where the money goes: mean cost per strategy",
        ChartKind::ProbabilityBest => {
            "Chance each strategy is best on the same project, per measure"
        }
    }
}

/// A chart fails either on its data or while drawing.
enum Fail {
    Data(ChartError),
    Draw(String),
}

impl From<String> for Fail {
    fn from(message: String) -> Self {
        Fail::Draw(message)
    }
}

impl From<ChartError> for Fail {
    fn from(e: ChartError) -> Self {
        Fail::Data(e)
    }
}

type ChartResult = Result<(), Fail>;

/// Run-wide facts every chart uses.
struct Ctx<'a> {
    data: &'a ChartData,
    prefix: String,
    /// The currency code as the manifest gives it, for axis titles.
    currency: String,
    strategies: Vec<(&'a StrategyRef, RGBColor)>,
    subtitle: String,
    /// The statistic of total cost the decision is made on, marked beside the P50.
    decision: DecisionStat,
    /// A board audience: no seed, trial count or cap notes on the charts.
    board: bool,
}

/// The decision statistic's name and value among a histogram's marks; where
/// the decision is made on the P50 itself, the P95 beside it instead.
fn decision_mark(ctx: &Ctx, marks: &super::data::Marks) -> (&'static str, f64) {
    match ctx.decision {
        DecisionStat::P50 => ("P95", marks.p95),
        DecisionStat::P80 => ("P80", marks.p80),
        DecisionStat::P90 => ("P90", marks.p90),
        DecisionStat::P95 => ("P95", marks.p95),
        DecisionStat::Mean => ("mean", marks.mean),
    }
}

pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    data: &ChartData,
    kind: ChartKind,
) -> Result<(), ChartError> {
    let m = &data.manifest;
    let scenario = if let Some(title) = &m.report_title {
        title.clone()
    } else if m.scenario_title.trim().is_empty() {
        m.scenario_name.clone()
    } else {
        m.scenario_title.clone()
    };
    let board = m.audience == Audience::Board;
    let ctx = Ctx {
        data,
        prefix: currency_prefix(&m.currency),
        currency: m.currency.trim().to_string(),
        strategies: m
            .strategies
            .iter()
            .enumerate()
            .map(|(i, s)| (s, strategy_colour(i)))
            .collect(),
        // A board's charts leave the run's settings to the report's method section.
        subtitle: if board {
            scenario
        } else {
            format!(
                "{scenario} · {} simulated project{} per strategy · seed {}",
                thousands(m.trials),
                if m.trials == 1 { "" } else { "s" },
                m.seed
            )
        },
        decision: m.decision,
        board,
    };
    let canvas = Canvas { root };
    let result = match kind {
        ChartKind::TotalCost => distribution(&canvas, &ctx, &TOTAL_COST),
        ChartKind::DowntimeHours => distribution(&canvas, &ctx, &DOWNTIME),
        ChartKind::BuildWeeksSCurve => s_curve(&canvas, &ctx),
        ChartKind::ApiFailureProbability => api_failure(&canvas, &ctx),
        ChartKind::EmergencyFixes => emergency_fixes(&canvas, &ctx),
        ChartKind::Tradeoff => tradeoff(&canvas, &ctx),
        ChartKind::CostBreakdown => cost_breakdown(&canvas, &ctx),
        ChartKind::ProbabilityBest => probability_best(&canvas, &ctx),
    };
    result.map_err(|fail| match fail {
        Fail::Data(e) => e,
        Fail::Draw(message) => ChartError::Draw {
            chart: kind.name(),
            message,
        },
    })
}

/// The post-launch window in words: "in the first six months after launch" for the default
/// 26 weeks, "in the first N weeks after launch" otherwise, "after launch" when unknown.
fn window_text(ctx: &Ctx) -> String {
    match ctx.data.manifest.horizon_weeks {
        Some(w) if (w - 26.0).abs() < 0.5 => "in the first six months after launch".to_string(),
        Some(w) => format!("in the first {} weeks after launch", short(w, 1)),
        None => "after launch".to_string(),
    }
}

/// "Trials whose black-swan delay hit the model's cap: ..." from the optional `tail_capped`
/// indicator in summary.csv (its mean is the share of trials capped), because a capped
/// sampler must say how often the cap was hit. Absent or never hit: no note.
fn capped_note(ctx: &Ctx) -> Option<String> {
    if ctx.board {
        return None;
    }
    let parts: Vec<String> = ctx
        .strategies
        .iter()
        .filter_map(|(s, _)| {
            let row = ctx
                .data
                .summary
                .get(&("tail_capped".to_string(), s.id.clone()))?;
            let trials = row.mean * row.n;
            (trials.is_finite() && trials >= 0.5)
                .then(|| format!("{} {} ({})", s.label, count(trials), percent(row.mean)))
        })
        .collect();
    (!parts.is_empty()).then(|| {
        format!(
            "Trials whose black-swan delay hit the model's cap: {}.",
            parts.join(" · ")
        )
    })
}

/// Past this many strategies, legends show labels only and notes summarise, so the page
/// furniture cannot crowd out the plot.
const COMPACT_ABOVE: usize = 8;

fn page(ctx: &Ctx, kind: ChartKind, legend: Vec<LegendItem>, footnotes: Vec<String>) -> Page {
    let compact = ctx.strategies.len() > COMPACT_ABOVE;
    let legend = legend
        .into_iter()
        .map(|mut item| {
            if compact && let Some((label, _)) = item.text.split_once(": ") {
                item.text = label.to_string();
            }
            item
        })
        .collect();
    Page {
        title: title(kind).to_string(),
        subtitle: ctx.subtitle.clone(),
        legend,
        footnotes,
    }
}

/// Percent ticks for a share axis whose largest value is `max_pct` percent.
fn percent_axis(max_pct: f64) -> Axis {
    let top = if max_pct.is_finite() && max_pct > 0.0 {
        (max_pct * 1.1).min(100.0)
    } else {
        10.0
    };
    let (_, hi, step, ticks) = linear_ticks(0.0, top, 5);
    let labels = plain_ticks(&ticks, step);
    // A share never exceeds 100%, so neither does its axis.
    let hi = hi.min(100.0);
    Axis {
        lo: 0.0,
        hi,
        log: false,
        ticks: ticks
            .into_iter()
            .zip(labels)
            .map(|(t, l)| (t, format!("{l}%")))
            .collect(),
    }
}

/// The part of the value axis a distribution chart shows, and how many trials of each
/// strategy lie outside it. Counts come straight from the bins and the overflow row, so the
/// chart can say exactly what it leaves out.
struct Window {
    lo: f64,
    hi: f64,
    /// Per strategy: trials below `lo` (only ever non-zero on a log axis).
    below: Vec<f64>,
    /// Per strategy: trials above `hi`, including the overflow row.
    above: Vec<f64>,
}

/// The share of trials the chart may leave off the top of its axis when the tail is long;
/// 2% keeps every strategy's P95 (and P98) on the chart.
const TAIL_SHARE: f64 = 0.02;
/// The share it may leave off the bottom of a log axis (values close to zero, not the tail).
const LOW_SHARE: f64 = 0.005;

/// Chooses the window: the full range of the bins, narrowed to bin edges when a long tail
/// would squash the body (the simulator's cut keeps up to its own percentile; a board chart
/// needs the body to fill the width). `shown` says which bins can be drawn at all (the zero
/// bin of a log axis cannot).
fn window(
    hists: &[&Histogram],
    shown: &dyn Fn(&Bin) -> bool,
    trim_low: bool,
    keep_p95: bool,
) -> Window {
    let bins = |h: &&Histogram| {
        h.bins
            .iter()
            .filter(|b| shown(b) && b.low.is_finite() && b.high.is_finite())
            .copied()
            .collect::<Vec<_>>()
    };
    let all: Vec<Vec<Bin>> = hists.iter().map(bins).collect();
    let full_lo = all
        .iter()
        .flatten()
        .map(|b| b.low)
        .fold(f64::INFINITY, f64::min);
    let full_hi = all
        .iter()
        .flatten()
        .map(|b| b.high)
        .fold(f64::NEG_INFINITY, f64::max);
    let overflow = |h: &Histogram| h.overflow.map_or(0.0, |o| o.count);
    let above_at = |e: f64| -> Vec<f64> {
        hists
            .iter()
            .zip(&all)
            .map(|(h, bs)| {
                bs.iter()
                    .filter(|b| b.low >= e)
                    .map(|b| b.count)
                    .sum::<f64>()
                    + overflow(h)
            })
            .collect()
    };
    let below_at = |e: f64| -> Vec<f64> {
        all.iter()
            .map(|bs| bs.iter().filter(|b| b.high <= e).map(|b| b.count).sum())
            .collect()
    };
    let within = |counts: &[f64], share: f64| {
        counts
            .iter()
            .zip(hists)
            .all(|(c, h)| h.n <= 0.0 || *c <= share * h.n)
    };
    let mut edges: Vec<f64> = all.iter().flatten().flat_map(|b| [b.low, b.high]).collect();
    edges.sort_by(f64::total_cmp);
    edges.dedup();

    // With `keep_p95`, the axis may also end just past the largest P95 marker: one fat-tailed
    // strategy then cannot squash every other strategy's body (the note counts the rest).
    let p95_edge = keep_p95
        .then(|| {
            let top = hists
                .iter()
                .map(|h| h.marks.p95)
                .filter(|v| v.is_finite())
                .fold(f64::NEG_INFINITY, f64::max);
            let at_least = full_lo + (top - full_lo) * 1.15;
            edges
                .iter()
                .copied()
                .find(|&e| e > full_lo && e >= at_least)
        })
        .flatten();
    let mut hi = full_hi;
    let tail_edge = edges
        .iter()
        .copied()
        .find(|&e| e > full_lo && within(&above_at(e), TAIL_SHARE));
    let candidate = match (tail_edge, p95_edge) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    if let Some(e) = candidate {
        // Only narrow when it buys real room: the body then fills at least a third more width.
        if (e - full_lo) < 0.75 * (full_hi - full_lo) {
            hi = e;
        }
    }
    let mut lo = full_lo;
    if trim_low
        && full_lo > 0.0
        && let Some(&e) = edges
            .iter()
            .rev()
            .find(|&&e| e < hi && e > 0.0 && within(&below_at(e), LOW_SHARE))
        // On a log axis, narrowing pays off when it saves at least one decade.
        && e >= full_lo * 10.0
    {
        lo = e;
    }
    Window {
        lo,
        hi,
        below: if lo > full_lo {
            below_at(lo)
        } else {
            vec![0.0; hists.len()]
        },
        above: above_at(hi)
            .into_iter()
            .zip(hists)
            .map(|(c, h)| if hi >= full_hi { overflow(h) } else { c })
            .collect(),
    }
}

/// "Identical distributions, drawn on top of each other: A, B." when strategies' histograms
/// match exactly, so a strategy hidden under another is not taken for a missing one.
fn identical_note(ctx: &Ctx, hists: &[&Histogram]) -> Option<String> {
    let mut seen = vec![false; hists.len()];
    let mut groups = Vec::new();
    for i in 0..hists.len() {
        if seen[i] {
            continue;
        }
        let same: Vec<usize> = (i..hists.len())
            .filter(|&j| hists[j].bins == hists[i].bins && hists[j].overflow == hists[i].overflow)
            .collect();
        for &j in &same {
            seen[j] = true;
        }
        if same.len() > COMPACT_ABOVE {
            groups.push(format!("{} strategies", same.len()));
        } else if same.len() > 1 {
            let names: Vec<&str> = same
                .iter()
                .map(|&j| ctx.strategies[j].0.label.as_str())
                .collect();
            groups.push(names.join(", "));
        }
    }
    (!groups.is_empty()).then(|| {
        format!(
            "Identical distributions, drawn on top of each other: {}.",
            groups.join("; ")
        )
    })
}

/// "Not shown, above $9.8m: UX-led 1,234 trials (0.6%) · Hybrid 56 trials (<0.1%)."
fn outside_note(
    ctx: &Ctx,
    hists: &[&Histogram],
    counts: &[f64],
    where_text: &str,
) -> Option<String> {
    let parts: Vec<String> = ctx
        .strategies
        .iter()
        .zip(hists)
        .zip(counts)
        .filter(|(_, c)| **c > 0.0)
        .map(|(((s, _), h), c)| {
            let share = if h.n > 0.0 { c / h.n } else { 0.0 };
            if ctx.strategies.len() == 1 {
                format!("{} ({})", count(*c), percent(share))
            } else {
                format!("{} {} ({})", s.label, count(*c), percent(share))
            }
        })
        .collect();
    if parts.len() > COMPACT_ABOVE {
        let total: f64 = counts.iter().sum();
        let worst = counts
            .iter()
            .zip(hists)
            .map(|(c, h)| if h.n > 0.0 { c / h.n } else { 0.0 })
            .fold(0.0_f64, f64::max);
        return Some(format!(
            "Trials not shown, {where_text}: {} across {} strategies (at most {} of any one).",
            count(total),
            parts.len(),
            percent(worst)
        ));
    }
    (!parts.is_empty()).then(|| format!("Trials not shown, {where_text}: {}.", parts.join(" · ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_32_strategies_get_32_different_colours() {
        let colours: std::collections::BTreeSet<(u8, u8, u8)> = (0..32)
            .map(|i| {
                let RGBColor(r, g, b) = strategy_colour(i);
                (r, g, b)
            })
            .collect();
        assert_eq!(colours.len(), 32);
        assert_eq!(
            strategy_colour(0),
            PALETTE[0],
            "the first eight are Okabe-Ito"
        );
    }
}
