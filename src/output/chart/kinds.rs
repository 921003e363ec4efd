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
use super::data::{ChartData, Histogram, Scale, StrategyRef};
use super::format::{
    count, currency_prefix, linear_ticks, log_ticks, money, money_ticks, nice_step, number,
    percent, plain_ticks, short, thousands, wilson_95,
};
use super::{ChartError, ChartKind};

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
        ChartKind::ApiFailureProbability => "Chance of at least one post-launch API failure",
        ChartKind::EmergencyFixes => "Emergency fixes after launch",
        ChartKind::DowntimeHours => "Customer-facing downtime after launch",
        ChartKind::Tradeoff => "Tradeoff: build time against total cost",
        ChartKind::CostBreakdown => "Where the money goes: mean cost per strategy",
        ChartKind::ProbabilityBest => "Chance each strategy is best, per headline metric",
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
}

pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    data: &ChartData,
    kind: ChartKind,
) -> Result<(), ChartError> {
    let m = &data.manifest;
    let scenario = if m.scenario_title.trim().is_empty() {
        m.scenario_name.clone()
    } else {
        m.scenario_title.clone()
    };
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
        subtitle: format!(
            "{scenario} · {} simulated project{} per strategy · seed {}",
            thousands(m.trials),
            if m.trials == 1 { "" } else { "s" },
            m.seed
        ),
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
    shown: &dyn Fn(&super::data::Bin) -> bool,
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
    let all: Vec<Vec<super::data::Bin>> = hists.iter().map(bins).collect();
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

// ---------------------------------------------------------------------------------------------
// Overlaid distributions: total cost (linear) and downtime (log).

struct DistributionSpec {
    kind: ChartKind,
    metric: &'static str,
    money: bool,
    log: bool,
    x_title: &'static str,
    y_title: &'static str,
    explain: &'static str,
}

const TOTAL_COST: DistributionSpec = DistributionSpec {
    kind: ChartKind::TotalCost,
    metric: "total_cost",
    money: true,
    log: false,
    x_title: "total cost per project ({cur}): build, operations, downtime and churn losses",
    y_title: "share of simulated projects (%)",
    explain: "Shaded areas: share of simulated projects in each cost band. Solid line: P50 (half of projects cost less); dashed line: P95 (one in twenty costs more).",
};

const DOWNTIME: DistributionSpec = DistributionSpec {
    kind: ChartKind::DowntimeHours,
    metric: "downtime_hours",
    money: false,
    log: true,
    x_title: "impact-weighted downtime in the post-launch window (hours, log scale)",
    y_title: "share of simulated projects (%)",
    explain: "Impact-weighted: an hour at half of checkouts counts half. Log scale: each step right is ten times more. Solid line: P50; dashed: P95.",
};

fn hours(v: f64) -> String {
    if !v.is_finite() {
        "n/a".to_string()
    } else if v.abs() >= 10.0 {
        format!("{} h", number(v, 0))
    } else if v.abs() >= 1.0 {
        format!("{} h", short(v, 1))
    } else if v == 0.0 {
        "0 h".to_string()
    } else {
        format!("{} h", short(v, 2))
    }
}

/// One marker label: its value text, pixel x, statistic names, owning strategies, colour.
type MarkerGroup = (String, i32, Vec<&'static str>, Vec<usize>, RGBColor);

fn distribution<DB: DrawingBackend>(
    canvas: &Canvas<DB>,
    ctx: &Ctx,
    spec: &DistributionSpec,
) -> ChartResult {
    let hists = ctx
        .strategies
        .iter()
        .map(|(s, _)| ctx.data.histogram(spec.metric, &s.id))
        .collect::<Result<Vec<_>, _>>()?;
    let log = spec.log || hists.iter().any(|h| h.scale == Scale::Log);
    let value_text = |v: f64| {
        if spec.money {
            money(v, &ctx.prefix)
        } else {
            hours(v)
        }
    };

    // On a log axis the bin of values <= 0 cannot be drawn; it is reported in words instead.
    let is_zero_bin = |low: f64| log && low <= 0.0;
    let win = window(&hists, &|b| !is_zero_bin(b.low), log, !log);
    let in_window =
        |b: &super::data::Bin| !is_zero_bin(b.low) && b.low >= win.lo && b.high <= win.hi;
    let cut_top = win.above.iter().any(|c| *c > 0.0);
    let mut max_share: f64 = 0.0;
    for h in &hists {
        for b in h.bins.iter().filter(|b| in_window(b)) {
            if h.n > 0.0 && b.count > 0.0 {
                max_share = max_share.max(b.count / h.n * 100.0);
            }
        }
    }

    let x = if log {
        let (lo, hi, ticks) = if win.lo.is_finite() && win.hi.is_finite() {
            log_ticks(win.lo, win.hi)
        } else {
            // Nothing positive to show: a neutral range from minutes to days.
            log_ticks(0.1, 100.0)
        };
        // Where trials lie beyond the cut, the axis ends at the cut: empty space past it
        // would read as "no projects there".
        let lo = if win.below.iter().any(|c| *c > 0.0) {
            win.lo
        } else {
            lo
        };
        let hi = if cut_top && win.hi > lo { win.hi } else { hi };
        Axis {
            lo,
            hi,
            log: true,
            ticks: ticks.into_iter().map(|t| (t, short(t, 3))).collect(),
        }
    } else {
        let (lo, hi, step, ticks) = linear_ticks(win.lo, win.hi, 8);
        let hi = if cut_top && win.hi > lo { win.hi } else { hi };
        let labels = if spec.money {
            money_ticks(&ticks, step, &ctx.prefix)
        } else {
            plain_ticks(&ticks, step)
        };
        Axis {
            lo,
            hi,
            log: false,
            ticks: ticks.into_iter().zip(labels).collect(),
        }
    };
    let y = percent_axis(max_share);

    // Marker labels above the plot: placed in rows so none overlap.
    let (left, right) = plot_x_extent(&y, 60);
    let to_px = |v: f64| left + (x.frac(v) * (right - left) as f64).round() as i32;
    // Marker lines, one per strategy and statistic; values off a log axis (<= 0) have no line.
    let mut lines = Vec::new();
    for (i, ((_, colour), h)) in ctx.strategies.iter().zip(&hists).enumerate() {
        for (name, v, dashed) in [("P50", h.marks.p50, false), ("P95", h.marks.p95, true)] {
            if v.is_finite() && !(log && v <= 0.0) {
                lines.push((name, v, dashed, *colour, i));
            }
        }
    }
    // Labels: markers showing the same value at the same place share one label (equal values
    // across strategies would otherwise stack into a tower of identical labels).
    let mut markers: Vec<(String, i32, RGBColor, i32)> = Vec::new();
    let mut groups: Vec<MarkerGroup> = Vec::new();
    for &(name, v, _, colour, i) in &lines {
        let value = if x.contains(v) {
            value_text(v)
        } else if v > x.hi {
            format!("{} →", value_text(v))
        } else {
            format!("← {}", value_text(v))
        };
        let px = to_px(v);
        match groups
            .iter_mut()
            .find(|g| g.0 == value && (g.1 - px).abs() <= 2)
        {
            Some(g) => {
                if !g.2.contains(&name) {
                    g.2.push(name);
                }
                if !g.3.contains(&i) {
                    g.3.push(i);
                }
            }
            None => groups.push((value, px, vec![name], vec![i], colour)),
        }
    }
    for (value, px, names, owners, colour) in groups {
        let text = format!("{} {value}", names.join("/"));
        let colour = if owners.len() == 1 {
            text_colour(colour)
        } else {
            INK
        };
        let w = text_width(&text, canvas::NOTE_SIZE, true);
        markers.push((text, px.clamp(left + w / 2, right - w / 2), colour, w));
    }
    let max_rows = if ctx.strategies.len() > 8 { 0 } else { 4 };
    let rows = place_in_rows(
        &markers.iter().map(|m| (m.1, m.3)).collect::<Vec<_>>(),
        max_rows,
    );
    let rows_used = rows.iter().flatten().max().map_or(0, |r| r + 1) as i32;
    let row_h = 34;

    let legend = ctx
        .strategies
        .iter()
        .zip(&hists)
        .map(|((s, c), h)| LegendItem {
            swatch: Swatch::Block(*c),
            text: format!(
                "{}: P50 {} · P95 {}",
                s.label,
                value_text(h.marks.p50),
                value_text(h.marks.p95)
            ),
        })
        .collect();
    let mut notes = vec![spec.explain.to_string()];
    notes.extend(identical_note(ctx, &hists));
    notes.extend(outside_note(
        ctx,
        &hists,
        &win.above,
        &format!("above {}", value_text(win.hi)),
    ));
    if log {
        // Everything left of the log axis in one note: the bin of zeros (which may also hold
        // tiny positive values, up to its upper edge) plus any bins the window left out.
        let zero_edge = hists
            .iter()
            .flat_map(|h| h.bins.iter())
            .filter(|b| is_zero_bin(b.low))
            .map(|b| b.high)
            .fold(0.0_f64, f64::max);
        let edge = if win.below.iter().any(|c| *c > 0.0) {
            win.lo
        } else {
            zero_edge
        };
        let parts: Vec<String> = ctx
            .strategies
            .iter()
            .zip(&hists)
            .zip(&win.below)
            .filter_map(|(((s, _), h), below)| {
                let zero: f64 = h
                    .bins
                    .iter()
                    .filter(|b| is_zero_bin(b.low))
                    .map(|b| b.count)
                    .sum();
                let c = zero + below;
                (c > 0.0 && h.n > 0.0).then(|| format!("{} {}", s.label, percent(c / h.n)))
            })
            .collect();
        if !parts.is_empty() {
            let what = if edge > 0.0 {
                format!("None or under {}", value_text(edge))
            } else {
                "None".to_string()
            };
            notes.push(format!(
                "{what} (left of the log axis): {}.",
                parts.join(" · ")
            ));
        }
    } else {
        notes.extend(outside_note(
            ctx,
            &hists,
            &win.below,
            &format!("below {}", value_text(win.lo)),
        ));
    }

    let layout = draw_page(canvas, &page(ctx, spec.kind, legend, notes))?;
    let frame = plot_frame(&layout, x, y, rows_used * row_h, 60);
    let x_title = spec.x_title.replace("{cur}", &ctx.currency);
    draw_axes(canvas, &frame, &x_title, spec.y_title, None)?;
    let mut drew_any = false;

    for ((_, colour), h) in ctx.strategies.iter().zip(&hists) {
        if h.n <= 0.0 {
            continue;
        }
        let mut outline = Vec::new();
        for b in h.bins.iter().filter(|b| in_window(b)) {
            let share = b.count / h.n * 100.0;
            let (mut x0, mut x1) = (frame.px(b.low), frame.px(b.high));
            if x1 - x0 < 6 {
                // A zero-width bin (all values equal) still shows as a visible bar.
                let c = (x0 + x1) / 2;
                x0 = c - 3;
                x1 = c + 3;
            }
            let top = frame.py(share);
            if share > 0.0 {
                drew_any = true;
                canvas.fill_rect((x0, top), (x1, frame.bottom), alpha(*colour, 0.08))?;
            }
            if outline.is_empty() {
                outline.push((x0, frame.bottom));
            }
            outline.push((x0, top));
            outline.push((x1, top));
        }
        if let Some(&(last_x, _)) = outline.last() {
            outline.push((last_x, frame.bottom));
        }
        canvas.line(outline, *colour, 4)?;
    }

    for &(_, v, dashed, colour, _) in &lines {
        let px = frame.px(v);
        if dashed {
            canvas.dashed((px, frame.bottom), (px, frame.top), colour, 4, 16.0, 10.0)?;
        } else {
            canvas.line(vec![(px, frame.bottom), (px, frame.top)], colour, 4)?;
        }
    }
    for ((text, cx, colour, _), row) in markers.iter().zip(&rows) {
        if let Some(r) = row {
            let ty = frame.top - 8 - *r as i32 * row_h;
            canvas.text(
                text,
                (*cx, ty),
                canvas::NOTE_SIZE,
                true,
                *colour,
                HPos::Center,
                VPos::Bottom,
            )?;
        }
    }
    if !drew_any {
        // Say so rather than leave an empty frame that looks like a rendering fault.
        let message = if log {
            "No simulated project had any downtime"
        } else {
            "No data to show"
        };
        canvas.text(
            message,
            (
                (frame.left + frame.right) / 2,
                (frame.top + frame.bottom) / 2,
            ),
            canvas::LABEL_SIZE,
            true,
            MUTED,
            HPos::Center,
            VPos::Center,
        )?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Build weeks S-curve.

fn s_curve<DB: DrawingBackend>(canvas: &Canvas<DB>, ctx: &Ctx) -> ChartResult {
    let hists = ctx
        .strategies
        .iter()
        .map(|(s, _)| ctx.data.histogram("build_weeks", &s.id))
        .collect::<Result<Vec<_>, _>>()?;
    let target = ctx
        .data
        .manifest
        .target_build_weeks
        .filter(|t| t.is_finite() && *t > 0.0);
    let win = window(&hists, &|_| true, false, false);
    let cut_top = win.above.iter().any(|c| *c > 0.0);
    let (mut lo, mut hi) = (win.lo, win.hi);
    if let Some(t) = target {
        lo = lo.min(t);
        hi = hi.max(t);
    }
    let (lo, hi_rounded, step, ticks) = linear_ticks(lo, hi, 10);
    // With trials beyond the cut the axis stops at the cut (or the target, if later).
    let hi = if cut_top && hi > lo { hi } else { hi_rounded };
    let labels = plain_ticks(&ticks, step);
    let x = Axis {
        lo,
        hi,
        log: false,
        ticks: ticks.into_iter().zip(labels).collect(),
    };
    let y = Axis {
        lo: 0.0,
        hi: 100.0,
        log: false,
        ticks: (0..=5)
            .map(|i| (i as f64 * 20.0, format!("{}%", i * 20)))
            .collect(),
    };
    let weeks = |v: f64| format!("{} wk", short(v, 1));
    let legend = ctx
        .strategies
        .iter()
        .zip(&hists)
        .map(|((s, c), h)| LegendItem {
            swatch: Swatch::Line(*c),
            text: format!(
                "{}: P50 {} · P80 {}",
                s.label,
                weeks(h.marks.p50),
                weeks(h.marks.p80)
            ),
        })
        .collect();
    let mut notes = vec![
        "Each curve: share of simulated projects that have launched by week x. Dots: P50 (half launch by then) and P80 (eight in ten do).".to_string(),
    ];
    notes.extend(identical_note(ctx, &hists));
    notes.extend(capped_note(ctx));
    notes.extend(outside_note(
        ctx,
        &hists,
        &win.above,
        &format!("launching after week {}", short(win.hi, 1)),
    ));
    let layout = draw_page(
        canvas,
        &page(ctx, ChartKind::BuildWeeksSCurve, legend, notes),
    )?;
    let top_room = if target.is_some() { 40 } else { 0 };
    let frame = plot_frame(&layout, x, y, top_room, 60);
    draw_axes(
        canvas,
        &frame,
        "build time until launch (weeks)",
        "projects launched by then (%)",
        None,
    )?;

    for level in [50.0, 80.0] {
        let py = frame.py(level);
        canvas.dashed((frame.left, py), (frame.right, py), MUTED, 2, 10.0, 8.0)?;
        let label = if level == 50.0 { "P50" } else { "P80" };
        canvas.text(
            label,
            (frame.left + 10, py - 6),
            canvas::NOTE_SIZE,
            true,
            MUTED,
            HPos::Left,
            VPos::Bottom,
        )?;
    }
    if let Some(t) = target {
        let px = frame.px(t);
        canvas.dashed((px, frame.bottom), (px, frame.top - 6), INK, 4, 18.0, 10.0)?;
        let label = format!("target: week {}", short(t, 1));
        let w = text_width(&label, canvas::NOTE_SIZE, true);
        let cx = px.clamp(frame.left + w / 2, frame.right - w / 2);
        canvas.text(
            &label,
            (cx, frame.top - 10),
            canvas::NOTE_SIZE,
            true,
            INK,
            HPos::Center,
            VPos::Bottom,
        )?;
    }

    for ((_, colour), h) in ctx.strategies.iter().zip(&hists) {
        if h.n <= 0.0 || h.bins.is_empty() {
            continue;
        }
        let mut points = vec![frame.pt(frame.x.lo, 0.0)];
        let mut cum = 0.0;
        if let Some(first) = h.bins.first() {
            points.push(frame.pt(first.low, 0.0));
        }
        for b in h.bins.iter().filter(|b| b.high <= win.hi) {
            cum += b.count;
            points.push(frame.pt(b.high, cum / h.n * 100.0));
        }
        // Past the last bin the curve is known only when no trial lies beyond the cut.
        if cum >= h.n {
            points.push(frame.pt(frame.x.hi, 100.0));
        }
        canvas.line(points, *colour, 5)?;
    }
    for ((_, colour), h) in ctx.strategies.iter().zip(&hists) {
        for (v, level) in [(h.marks.p50, 50.0), (h.marks.p80, 80.0)] {
            if v.is_finite() {
                let at = frame.pt(v, level);
                canvas.circle(at, 11, WHITE, true)?;
                canvas.circle(at, 8, *colour, true)?;
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Probability of at least one post-launch API failure.

fn api_failure<DB: DrawingBackend>(canvas: &Canvas<DB>, ctx: &Ctx) -> ChartResult {
    let mut bars = Vec::new();
    for (s, colour) in &ctx.strategies {
        let row = ctx.data.summary_row("api_failure", &s.id)?;
        let p = if row.mean.is_finite() {
            row.mean.clamp(0.0, 1.0)
        } else {
            0.0
        };
        bars.push((s.label.clone(), *colour, p, wilson_95(p, row.n), row.n));
    }
    let max_pct = bars
        .iter()
        .map(|b| b.3.map_or(b.2, |(_, hi)| hi) * 100.0)
        .fold(0.0_f64, f64::max);
    let y = percent_axis((max_pct * 1.08).max(1.0));
    let x = Axis {
        lo: 0.0,
        hi: bars.len() as f64,
        log: false,
        ticks: Vec::new(),
    };
    let ns: Vec<f64> = bars.iter().map(|b| b.4).collect();
    let n_text = if ns.windows(2).all(|w| w[0] == w[1]) {
        format!(
            "n = {} per strategy",
            count(ns.first().copied().unwrap_or(0.0))
        )
    } else {
        "n = each strategy's trial count".to_string()
    };
    let notes = vec![format!(
        "Bar: share of simulated projects with at least one API or traffic-surge failure after launch. Whisker: 95% interval (Wilson score, {n_text})."
    )];
    let layout = draw_page(
        canvas,
        &page(ctx, ChartKind::ApiFailureProbability, Vec::new(), notes),
    )?;
    let mut frame = plot_frame(&layout, x, y, 0, 20);
    let labels: Vec<String> = bars.iter().map(|b| b.0.clone()).collect();
    let categories = Categories {
        labels: &labels,
        colours: None,
        max_lines: 2,
    };
    make_room_for_categories(&mut frame, &categories);
    draw_axes(
        canvas,
        &frame,
        "strategy",
        "chance of ≥1 API failure after launch (%)",
        Some(categories),
    )?;
    let slot = (frame.right - frame.left) as f64 / bars.len().max(1) as f64;
    let bar_w = (slot * 0.6).clamp(2.0, 260.0) as i32;
    for (i, (_, colour, p, interval, _)) in bars.iter().enumerate() {
        let cx = frame.left + (slot * (i as f64 + 0.5)).round() as i32;
        let top = frame.py(p * 100.0);
        canvas.fill_rect(
            (cx - bar_w / 2, top),
            (cx + bar_w / 2, frame.bottom),
            *colour,
        )?;
        let mut label_y = top;
        if let Some((lo, hi)) = interval {
            let (y0, y1) = (frame.py(lo * 100.0), frame.py(hi * 100.0));
            let cap = (bar_w / 5).clamp(4, 30);
            canvas.line(vec![(cx, y0), (cx, y1)], INK, 3)?;
            canvas.line(vec![(cx - cap, y0), (cx + cap, y0)], INK, 3)?;
            canvas.line(vec![(cx - cap, y1), (cx + cap, y1)], INK, 3)?;
            label_y = label_y.min(y1);
        }
        // No failure seen is not "impossible": show how high the rate could still be.
        let value = match interval {
            Some((_, hi)) if *p == 0.0 => format!("0% (at most {})", percent(*hi)),
            _ => percent(*p),
        };
        let (text, size) = fit_text(&value, slot as i32 - 8, canvas::LABEL_SIZE, 12.0, true);
        canvas.text(
            &text,
            (cx, label_y - 10),
            size,
            true,
            INK,
            HPos::Center,
            VPos::Bottom,
        )?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Emergency fixes: a discrete distribution per strategy.

fn emergency_fixes<DB: DrawingBackend>(canvas: &Canvas<DB>, ctx: &Ctx) -> ChartResult {
    let hists = ctx
        .strategies
        .iter()
        .map(|(s, _)| ctx.data.histogram("emergency_fixes", &s.id))
        .collect::<Result<Vec<_>, _>>()?;
    // Integer bins are [k - 0.5, k + 0.5); the centre is the count.
    let centre = |b: &super::data::Bin| ((b.low + b.high) / 2.0).round();
    let win = window(&hists, &|_| true, false, false);
    let in_window = |b: &super::data::Bin| b.low >= win.lo && b.high <= win.hi;
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    let mut max_share: f64 = 0.0;
    for h in &hists {
        for b in h.bins.iter().filter(|b| in_window(b)) {
            let k = centre(b);
            if k.is_finite() {
                lo = lo.min(k);
                hi = hi.max(k);
            }
            if h.n > 0.0 {
                max_share = max_share.max(b.count / h.n * 100.0);
            }
        }
    }
    if !(lo.is_finite() && hi.is_finite()) {
        lo = 0.0;
        hi = 1.0;
    }
    // Side-by-side bars read best for a few counts and strategies; beyond that, lines.
    let grouped = hi - lo <= 20.0 && ctx.strategies.len() <= 4;
    let step = nice_step(hi - lo + 1.0, 12).max(1.0).round();
    let first = (lo / step).ceil() * step;
    let mut ticks = Vec::new();
    let mut t = first;
    while t <= hi + 1e-9 && ticks.len() < 100 {
        ticks.push((t, number(t, 0)));
        t += step;
    }
    let x = Axis {
        lo: lo - 0.5,
        hi: hi + 0.5,
        log: false,
        ticks,
    };
    let y = percent_axis(max_share);
    let legend = ctx
        .strategies
        .iter()
        .zip(&hists)
        .map(|((s, c), h)| LegendItem {
            swatch: if grouped {
                Swatch::Block(*c)
            } else {
                Swatch::Line(*c)
            },
            text: format!(
                "{}: mean {} · P90 {}",
                s.label,
                short(h.marks.mean, 1),
                short(h.marks.p90, 1)
            ),
        })
        .collect();
    let mut notes = vec![format!(
        "Share of simulated projects needing exactly that many emergency fixes {}.",
        window_text(ctx)
    )];
    notes.extend(identical_note(ctx, &hists));
    notes.extend(outside_note(
        ctx,
        &hists,
        &win.above,
        &format!("more than {} fixes", short(win.hi.floor(), 0)),
    ));
    let layout = draw_page(canvas, &page(ctx, ChartKind::EmergencyFixes, legend, notes))?;
    let frame = plot_frame(&layout, x, y, 0, 40);
    draw_axes(
        canvas,
        &frame,
        &format!("emergency fixes {} (count)", window_text(ctx)),
        "share of simulated projects (%)",
        None,
    )?;

    let unit_px = (frame.right - frame.left) as f64 / (frame.x.hi - frame.x.lo);
    let k = ctx.strategies.len().max(1) as f64;
    for (i, ((_, colour), h)) in ctx.strategies.iter().zip(&hists).enumerate() {
        if h.n <= 0.0 {
            continue;
        }
        let mut points = Vec::new();
        for b in h.bins.iter().filter(|b| in_window(b)) {
            let c = centre(b);
            let share = b.count / h.n * 100.0;
            if grouped {
                // Side-by-side bars within each integer's slot.
                let w = unit_px * 0.8 / k;
                let x0 = frame.px(c) as f64 - unit_px * 0.4 + w * i as f64;
                if share > 0.0 {
                    canvas.fill_rect(
                        (x0.round() as i32, frame.py(share)),
                        ((x0 + w).round() as i32 - 1, frame.bottom),
                        *colour,
                    )?;
                }
            } else {
                points.push(frame.pt(c, share));
            }
        }
        if !grouped {
            canvas.line(points.clone(), *colour, 4)?;
            for p in points {
                canvas.circle(p, 5, *colour, true)?;
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Tradeoff: P50 build weeks against P50 total cost, P10-P90 whiskers.

fn tradeoff<DB: DrawingBackend>(canvas: &Canvas<DB>, ctx: &Ctx) -> ChartResult {
    let mut points = Vec::new();
    for (s, colour) in &ctx.strategies {
        let w = ctx.data.summary_row("build_weeks", &s.id)?;
        let c = ctx.data.summary_row("total_cost", &s.id)?;
        points.push((s, *colour, (w.p10, w.p50, w.p90), (c.p10, c.p50, c.p90)));
    }
    let finite = |v: f64| v.is_finite().then_some(v);
    let span = |values: Vec<f64>| {
        values
            .into_iter()
            .filter_map(finite)
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
                (lo.min(v), hi.max(v))
            })
    };
    let (wx0, wx1) = span(points.iter().flat_map(|p| [p.2.0, p.2.1, p.2.2]).collect());
    let (cy0, cy1) = span(points.iter().flat_map(|p| [p.3.0, p.3.1, p.3.2]).collect());
    let pad = |lo: f64, hi: f64| {
        let p = (hi - lo).abs() * 0.06;
        (lo - p, hi + p)
    };
    let (wx0, wx1) = pad(wx0, wx1);
    let (cy0, cy1) = pad(cy0, cy1);
    let (xlo, xhi, xstep, xt) = linear_ticks(wx0, wx1, 8);
    let (ylo, yhi, ystep, yt) = linear_ticks(cy0.max(0.0).min(cy0), cy1, 6);
    let x = Axis {
        lo: xlo,
        hi: xhi,
        log: false,
        ticks: xt.iter().copied().zip(plain_ticks(&xt, xstep)).collect(),
    };
    let y = Axis {
        lo: ylo,
        hi: yhi,
        log: false,
        ticks: yt
            .iter()
            .copied()
            .zip(money_ticks(&yt, ystep, &ctx.prefix))
            .collect(),
    };
    let legend = points
        .iter()
        .map(|(s, c, w, m)| LegendItem {
            swatch: Swatch::Line(*c),
            text: format!(
                "{}: median {} wk, {}",
                s.label,
                short(w.1, 1),
                money(m.1, &ctx.prefix)
            ),
        })
        .collect();
    let notes = vec![
        "Dot: median (P50) build time and total cost. Whiskers: P10 to P90, the range of eight in ten simulated projects. Lower left is faster and cheaper.".to_string(),
    ];
    let layout = draw_page(canvas, &page(ctx, ChartKind::Tradeoff, legend, notes))?;
    let frame = plot_frame(&layout, x, y, 0, 40);
    draw_axes(
        canvas,
        &frame,
        "build time until launch (weeks)",
        &format!("total cost per project ({})", ctx.currency),
        None,
    )?;

    for (_, colour, w, c) in &points {
        let (Some(wm), Some(cm)) = (finite(w.1), finite(c.1)) else {
            continue;
        };
        let cy = frame.py(cm);
        let cx = frame.px(wm);
        if let (Some(a), Some(b)) = (finite(w.0), finite(w.2)) {
            let (x0, x1) = (frame.px(a), frame.px(b));
            canvas.line(vec![(x0, cy), (x1, cy)], *colour, 5)?;
            canvas.line(vec![(x0, cy - 12), (x0, cy + 12)], *colour, 5)?;
            canvas.line(vec![(x1, cy - 12), (x1, cy + 12)], *colour, 5)?;
        }
        if let (Some(a), Some(b)) = (finite(c.0), finite(c.2)) {
            let (y0, y1) = (frame.py(a), frame.py(b));
            canvas.line(vec![(cx, y0), (cx, y1)], *colour, 5)?;
            canvas.line(vec![(cx - 12, y0), (cx + 12, y0)], *colour, 5)?;
            canvas.line(vec![(cx - 12, y1), (cx + 12, y1)], *colour, 5)?;
        }
    }
    // Labels: of sixteen spots around each dot, take the one that covers the least of the
    // other dots, whiskers and labels, so a label never hides another strategy's data.
    let mut obstacles: Vec<(i32, i32, i32, i32, i64)> = Vec::new();
    for (_, _, w, c) in &points {
        let (Some(wm), Some(cm)) = (finite(w.1), finite(c.1)) else {
            continue;
        };
        let (cx, cy) = frame.pt(wm, cm);
        obstacles.push((cx - 18, cy - 18, cx + 18, cy + 18, 50));
        if let (Some(a), Some(b)) = (finite(w.0), finite(w.2)) {
            obstacles.push((frame.px(a), cy - 12, frame.px(b), cy + 12, 3));
        }
        if let (Some(a), Some(b)) = (finite(c.0), finite(c.2)) {
            obstacles.push((cx - 12, frame.py(b), cx + 12, frame.py(a), 3));
        }
    }
    let dots: Vec<(i32, i32)> = points
        .iter()
        .filter_map(|(_, _, w, c)| Some(frame.pt(finite(w.1)?, finite(c.1)?)))
        .collect();
    // A label takes at most a third of the plot's width: past that it wraps onto a second
    // line (and only past two lines at the smallest size is it cut), so a long label still
    // finds a place beside its own dot.
    let max_label_w = ((frame.right - frame.left) / 3).clamp(200, 560);
    let mut drawn = Vec::new();
    for (s, colour, w, c) in &points {
        let (Some(wm), Some(cm)) = (finite(w.1), finite(c.1)) else {
            continue;
        };
        let (cx, cy) = frame.pt(wm, cm);
        let (lines, size) = fit_lines(
            &s.label,
            max_label_w,
            canvas::LABEL_SIZE,
            canvas::LABEL_SIZE - 4.0,
            20.0,
            2,
            true,
        );
        let line_h = (size * 1.2).ceil() as i32;
        let tw = lines
            .iter()
            .map(|l| text_width(l, size, true))
            .max()
            .unwrap_or(0);
        let th = size as i32 + line_h * (lines.len() as i32 - 1);
        // (cost, position, side, overlaps another label)
        let mut best: Option<(i64, (i32, i32), i32, bool)> = None;
        for d in [20, 48, 90] {
            for (fx, fy) in [
                (1, -1),
                (-1, -1),
                (1, 1),
                (-1, 1),
                (1, 0),
                (-1, 0),
                (0, -1),
                (0, 1),
            ] {
                let x = match fx {
                    1 => cx + d,
                    -1 => cx - d - tw,
                    _ => cx - tw / 2,
                };
                let y = match fy {
                    -1 => cy - d - th,
                    1 => cy + d,
                    _ => cy - th / 2,
                };
                let overlap = |(a, b, c2, e, weight): (i32, i32, i32, i32, i64)| {
                    let ox = ((x + tw + 6).min(c2) - (x - 6).max(a)).max(0) as i64;
                    let oy = ((y + th + 4).min(e) - (y - 4).max(b)).max(0) as i64;
                    ox * oy * weight
                };
                let inside = x >= frame.left + 4
                    && x + tw <= frame.right - 4
                    && y >= frame.top + 2
                    && y + th <= frame.bottom - 2;
                // A label must read as its own dot's: nearer to it than to any other dot.
                let (lcx, lcy) = ((x + tw / 2) as f64, (y + th / 2) as f64);
                let dist = |(px, py): (i32, i32)| (px as f64 - lcx).hypot(py as f64 - lcy);
                let own = dist((cx, cy));
                let misleading = dots.iter().any(|&d| d != (cx, cy) && dist(d) < own);
                let cost = obstacles.iter().map(|&o| overlap(o)).sum::<i64>()
                    + if inside { 0 } else { 1_000_000_000 }
                    + if misleading { 500_000 } else { 0 }
                    + d as i64 * 300;
                let hits_label = obstacles
                    .iter()
                    .any(|&o| o.4 == LABEL_WEIGHT && overlap(o) > 0);
                if best.is_none_or(|(c0, _, _, _)| cost < c0) {
                    best = Some((cost, (x, y), fx, hits_label));
                }
            }
        }
        let (lx, ly, side, hits_label) = best
            .map_or((cx + 20, cy - 20 - th, 1, false), |(_, at, side, hit)| {
                (at.0, at.1, side, hit)
            });
        // Never off the plot, even when no spot beside the dot is free.
        let lx = lx.clamp(frame.left + 4, (frame.right - 4 - tw).max(frame.left + 4));
        let ly = ly.clamp(frame.top + 2, (frame.bottom - 2 - th).max(frame.top + 2));
        // A label that can only sit on another label is left out: the legend names every
        // strategy, and a pile of overprinted names reads as nothing.
        let label = if hits_label {
            None
        } else {
            obstacles.push((lx - 6, ly - 4, lx + tw + 6, ly + th + 4, LABEL_WEIGHT));
            // Lines line up on the side facing the dot.
            let placed: Vec<(String, (i32, i32))> = lines
                .iter()
                .enumerate()
                .map(|(k, line)| {
                    let lw = text_width(line, size, true);
                    let x = match side {
                        -1 => lx + tw - lw,
                        0 => lx + (tw - lw) / 2,
                        _ => lx,
                    };
                    (line.clone(), (x, ly + k as i32 * line_h))
                })
                .collect();
            Some((placed, size))
        };
        drawn.push((label, *colour, (cx, cy)));
    }
    for (_, colour, at) in &drawn {
        canvas.circle(*at, 17, WHITE, true)?;
        canvas.circle(*at, 13, *colour, true)?;
    }
    for (label, colour, _) in &drawn {
        let Some((lines, size)) = label else {
            continue;
        };
        for (line, at) in lines {
            // A white halo keeps a label readable where it crosses a whisker, without the
            // opaque box that would make the whisker look broken.
            for (dx, dy) in [
                (-2, 0),
                (2, 0),
                (0, -2),
                (0, 2),
                (-2, -2),
                (2, 2),
                (-2, 2),
                (2, -2),
            ] {
                canvas.text(
                    line,
                    (at.0 + dx, at.1 + dy),
                    *size,
                    true,
                    WHITE,
                    HPos::Left,
                    VPos::Top,
                )?;
            }
            canvas.text(
                line,
                *at,
                *size,
                true,
                text_colour(*colour),
                HPos::Left,
                VPos::Top,
            )?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Cost breakdown: stacked mean components.

/// Blue-grey shades for the cost components: distinct from every strategy colour, so a
/// segment is never mistaken for a strategy.
/// Obstacle weight of a placed label in the tradeoff chart (dots 50, whiskers 3).
const LABEL_WEIGHT: i64 = 100;

const COMPONENTS: [(&str, &str, RGBColor); 4] = [
    ("build_cost", "mean build cost", RGBColor(0x26, 0x32, 0x38)),
    (
        "ops_cost",
        "mean operations cost",
        RGBColor(0x60, 0x7D, 0x8B),
    ),
    (
        "downtime_loss",
        "mean downtime loss",
        RGBColor(0x9E, 0xB3, 0xBE),
    ),
    ("churn_loss", "mean churn loss", RGBColor(0xD3, 0xDD, 0xE2)),
];

fn cost_breakdown<DB: DrawingBackend>(canvas: &Canvas<DB>, ctx: &Ctx) -> ChartResult {
    let clean = |v: f64| if v.is_finite() { v.max(0.0) } else { 0.0 };
    let mut bars = Vec::new();
    for (s, colour) in &ctx.strategies {
        let mut parts = Vec::new();
        for (metric, _, _) in COMPONENTS {
            parts.push(clean(ctx.data.summary_row(metric, &s.id)?.mean));
        }
        let total = ctx.data.summary_row("total_cost", &s.id)?.mean;
        bars.push((s, *colour, parts, total));
    }
    let top = bars
        .iter()
        .map(|b| b.2.iter().sum::<f64>().max(clean(b.3)))
        .fold(0.0_f64, f64::max);
    let (_, hi, step, ticks) = linear_ticks(0.0, if top > 0.0 { top * 1.1 } else { 1.0 }, 6);
    let y = Axis {
        lo: 0.0,
        hi,
        log: false,
        ticks: ticks
            .iter()
            .copied()
            .zip(money_ticks(&ticks, step, &ctx.prefix))
            .collect(),
    };
    let x = Axis {
        lo: 0.0,
        hi: bars.len() as f64,
        log: false,
        ticks: Vec::new(),
    };
    let legend = COMPONENTS
        .iter()
        .map(|(_, label, c)| LegendItem {
            swatch: Swatch::Block(*c),
            text: label.to_string(),
        })
        .collect();
    let mut notes = vec![
        "Means, not medians: a few very bad projects pull the mean above the typical one (see the total cost chart for the spread). Number on top: mean total cost.".to_string(),
    ];
    for (s, _, parts, total) in &bars {
        let sum: f64 = parts.iter().sum();
        if total.is_finite() && (sum - total).abs() > 0.01 * total.abs().max(1.0) {
            notes.push(format!(
                "{}: the segments add up to {}, the mean total cost is {}.",
                s.label,
                money(sum, &ctx.prefix),
                money(*total, &ctx.prefix)
            ));
        }
    }
    let layout = draw_page(canvas, &page(ctx, ChartKind::CostBreakdown, legend, notes))?;
    let mut frame = plot_frame(&layout, x, y, 0, 20);
    let labels: Vec<String> = bars.iter().map(|b| b.0.label.clone()).collect();
    let colours: Vec<RGBColor> = bars.iter().map(|b| b.1).collect();
    let categories = Categories {
        labels: &labels,
        colours: Some(&colours),
        max_lines: 2,
    };
    make_room_for_categories(&mut frame, &categories);
    draw_axes(
        canvas,
        &frame,
        "strategy",
        &format!("mean cost per project ({})", ctx.currency),
        Some(categories),
    )?;
    let slot = (frame.right - frame.left) as f64 / bars.len().max(1) as f64;
    let bar_w = (slot * 0.6).clamp(2.0, 300.0) as i32;
    for (i, (_, _, parts, total)) in bars.iter().enumerate() {
        let cx = frame.left + (slot * (i as f64 + 0.5)).round() as i32;
        let mut base = 0.0;
        for (v, (_, _, c)) in parts.iter().zip(COMPONENTS) {
            let (y0, y1) = (frame.py(base), frame.py(base + v));
            if y0 > y1 {
                canvas.fill_rect((cx - bar_w / 2, y1), (cx + bar_w / 2, y0), c)?;
            }
            let text = money(*v, &ctx.prefix);
            if y0 - y1 >= 34 && text_width(&text, canvas::NOTE_SIZE, true) <= bar_w - 8 {
                let RGBColor(r, g, b) = c;
                let ink = if (r as u32 + g as u32 + b as u32) < 384 {
                    WHITE
                } else {
                    INK
                };
                canvas.text(
                    &text,
                    (cx, (y0 + y1) / 2),
                    canvas::NOTE_SIZE,
                    true,
                    ink,
                    HPos::Center,
                    VPos::Center,
                )?;
            }
            base += v;
        }
        let head = if total.is_finite() {
            total.max(base)
        } else {
            base
        };
        let (text, size) = fit_text(
            &money(*total, &ctx.prefix),
            slot as i32 - 8,
            canvas::LABEL_SIZE,
            12.0,
            true,
        );
        canvas.text(
            &text,
            (cx, frame.py(head) - 10),
            size,
            true,
            INK,
            HPos::Center,
            VPos::Bottom,
        )?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Probability that each strategy is best, per headline metric.

const HEADLINE: [(&str, &str); 5] = [
    ("total_cost", "Total cost"),
    ("build_weeks", "Build time"),
    ("api_failures", "API failures"),
    ("emergency_fixes", "Emergency fixes"),
    ("downtime_hours", "Downtime"),
];

fn probability_best<DB: DrawingBackend>(canvas: &Canvas<DB>, ctx: &Ctx) -> ChartResult {
    let mut groups = Vec::new();
    for (metric, label) in HEADLINE {
        let mut ps = Vec::new();
        for (s, _) in &ctx.strategies {
            let p = ctx.data.p_best(metric, &s.id)?;
            ps.push(if p.is_finite() {
                p.clamp(0.0, 1.0)
            } else {
                0.0
            });
        }
        groups.push((label.to_string(), ps));
    }
    let y = Axis {
        lo: 0.0,
        hi: 100.0,
        log: false,
        ticks: (0..=5)
            .map(|i| (i as f64 * 20.0, format!("{}%", i * 20)))
            .collect(),
    };
    let x = Axis {
        lo: 0.0,
        hi: groups.len() as f64,
        log: false,
        ticks: Vec::new(),
    };
    let legend = ctx
        .strategies
        .iter()
        .map(|(s, c)| LegendItem {
            swatch: Swatch::Block(*c),
            text: s.label.clone(),
        })
        .collect();
    let notes = vec![if ctx.strategies.len() == 1 {
        "Only one strategy in this run, so it is best by definition.".to_string()
    } else {
        "Chance that the strategy has the lowest value of the metric in the same simulated project (all strategies face the same draws; ties split evenly). Bars in a group add up to 100%.".to_string()
    }];
    let layout = draw_page(
        canvas,
        &page(ctx, ChartKind::ProbabilityBest, legend, notes),
    )?;
    let frame = plot_frame(&layout, x, y, 40, 20);
    let labels: Vec<String> = groups.iter().map(|g| g.0.clone()).collect();
    draw_axes(
        canvas,
        &frame,
        "headline metric (lower is better)",
        "chance of being best (%)",
        Some(Categories {
            labels: &labels,
            colours: None,
            max_lines: 1,
        }),
    )?;
    let slot = (frame.right - frame.left) as f64 / groups.len() as f64;
    let k = ctx.strategies.len().max(1) as f64;
    let bar_w = slot * 0.82 / k;
    for (g, (_, ps)) in groups.iter().enumerate() {
        let x0 = frame.left as f64 + slot * g as f64 + slot * 0.09;
        for (i, (p, (_, colour))) in ps.iter().zip(&ctx.strategies).enumerate() {
            let a = (x0 + bar_w * i as f64).round() as i32;
            let b = ((x0 + bar_w * (i as f64 + 1.0)).round() as i32 - 2).max(a + 1);
            let top = frame.py(p * 100.0);
            if top < frame.bottom {
                canvas.fill_rect((a, top), (b, frame.bottom), *colour)?;
            }
            // Rounding must not turn "rare" into "never" (or "almost always" into "always").
            let text = match p * 100.0 {
                v if v > 0.0 && v < 0.5 => "<1%".to_string(),
                v if v < 100.0 && v > 99.5 => ">99%".to_string(),
                v => format!("{}%", number(v, 0)),
            };
            if text_width(&text, canvas::NOTE_SIZE, true) <= b - a + 10 {
                canvas.text(
                    &text,
                    ((a + b) / 2, top - 6),
                    canvas::NOTE_SIZE,
                    true,
                    INK,
                    HPos::Center,
                    VPos::Bottom,
                )?;
            }
        }
    }
    Ok(())
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
