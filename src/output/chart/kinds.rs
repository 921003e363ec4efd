//! The eight charts: each turns the loaded run data into a page (title, legend, footnotes)
//! and draws its marks on a frame. Data problems surface as `ChartError`; plotters failures
//! as `ChartError::Draw` naming the chart.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::canvas::{
    self, Axis, Canvas, Categories, INK, LegendItem, MUTED, Page, Swatch, alpha, draw_axes,
    draw_page, fit_text, place_in_rows, plot_frame, plot_x_extent, text_colour, text_width,
};
use super::data::{ChartData, Histogram, Scale, StrategyRef};
use super::format::{
    count, currency_prefix, linear_ticks, log_ticks, money, money_ticks, nice_step, number,
    percent, plain_ticks, short, thousands, wilson_95,
};
use super::{ChartError, ChartKind};

/// Okabe-Ito, reordered so the first strategies get the most distinct, darkest hues and the
/// pale yellow comes last.
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
/// repeats, darkened per round, so colours stay distinct as long as they can.
pub fn strategy_colour(index: usize) -> RGBColor {
    let RGBColor(r, g, b) = PALETTE[index % PALETTE.len()];
    let round = (index / PALETTE.len()).min(3) as f64;
    let k = 1.0 - 0.22 * round;
    RGBColor(
        (r as f64 * k) as u8,
        (g as f64 * k) as u8,
        (b as f64 * k) as u8,
    )
}

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
        strategies: m
            .strategies
            .iter()
            .enumerate()
            .map(|(i, s)| (s, strategy_colour(i)))
            .collect(),
        subtitle: format!(
            "{scenario} · {} simulated projects per strategy · seed {}",
            thousands(m.trials),
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

fn page(ctx: &Ctx, kind: ChartKind, legend: Vec<LegendItem>, footnotes: Vec<String>) -> Page {
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

/// "1,234 trials (0.6%) of UX-led above $9.8m not shown" for every strategy with an overflow.
fn overflow_notes(
    ctx: &Ctx,
    hists: &[&Histogram],
    cut_text: &dyn Fn(f64) -> String,
) -> Vec<String> {
    let single = ctx.strategies.len() == 1;
    let parts: Vec<String> = ctx
        .strategies
        .iter()
        .zip(hists)
        .filter_map(|((s, _), h)| {
            let o = h.overflow?;
            if o.count <= 0.0 {
                return None;
            }
            let share = if h.n > 0.0 { o.count / h.n } else { 0.0 };
            let who = if single {
                String::new()
            } else {
                format!(" of {}", s.label)
            };
            Some(format!(
                "{} trials ({}){who} {} not shown",
                count(o.count),
                percent(share),
                cut_text(o.low)
            ))
        })
        .collect();
    if parts.is_empty() {
        Vec::new()
    } else {
        vec![format!(
            "Axis cut to keep the body readable: {}.",
            parts.join("; ")
        )]
    }
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
    x_title: "total cost: build, operations, downtime and churn losses",
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
    explain: "Impact-weighted: an hour at half of checkouts counts as half an hour. Log scale: each step right is ten times more downtime. Solid line: P50; dashed line: P95.",
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
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    let mut max_share: f64 = 0.0;
    for h in &hists {
        for b in h.bins.iter().filter(|b| !is_zero_bin(b.low)) {
            if b.low.is_finite() && b.high.is_finite() {
                lo = lo.min(b.low);
                hi = hi.max(b.high);
                if h.n > 0.0 && b.count > 0.0 {
                    max_share = max_share.max(b.count / h.n * 100.0);
                }
            }
        }
    }

    let x = if log {
        let (lo, hi, ticks) = log_ticks(lo, hi);
        Axis {
            lo,
            hi,
            log: true,
            ticks: ticks.into_iter().map(|t| (t, short(t, 3))).collect(),
        }
    } else {
        let (lo, hi, step, ticks) = linear_ticks(lo, hi, 8);
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
    let mut markers = Vec::new();
    for ((_, colour), h) in ctx.strategies.iter().zip(&hists) {
        for (name, v, dashed) in [("P50", h.marks.p50, false), ("P95", h.marks.p95, true)] {
            if !v.is_finite() {
                continue;
            }
            let text = if x.contains(v) {
                format!("{name} {}", value_text(v))
            } else if v > x.hi {
                format!("{name} {} →", value_text(v))
            } else {
                format!("← {name} {}", value_text(v))
            };
            let w = text_width(&text, canvas::NOTE_SIZE, false);
            let cx = to_px(v).clamp(left + w / 2, right - w / 2);
            markers.push((text, v, dashed, *colour, cx, w));
        }
    }
    let max_rows = if ctx.strategies.len() > 8 { 0 } else { 4 };
    let rows = place_in_rows(
        &markers.iter().map(|m| (m.4, m.5)).collect::<Vec<_>>(),
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
    let cut_text = |cut: f64| format!("above {}", value_text(cut));
    notes.extend(overflow_notes(ctx, &hists, &cut_text));
    if log {
        let zero: Vec<String> = ctx
            .strategies
            .iter()
            .zip(&hists)
            .filter_map(|((s, _), h)| {
                let c: f64 = h
                    .bins
                    .iter()
                    .filter(|b| is_zero_bin(b.low))
                    .map(|b| b.count)
                    .sum();
                (c > 0.0 && h.n > 0.0).then(|| format!("{} {}", s.label, percent(c / h.n)))
            })
            .collect();
        if !zero.is_empty() {
            notes.push(format!(
                "No downtime at all (not on the log axis): {}.",
                zero.join(", ")
            ));
        }
    }

    let layout = draw_page(canvas, &page(ctx, spec.kind, legend, notes))?;
    let frame = plot_frame(&layout, x, y, rows_used * row_h, 60);
    draw_axes(canvas, &frame, spec.x_title, spec.y_title, None)?;

    for ((_, colour), h) in ctx.strategies.iter().zip(&hists) {
        if h.n <= 0.0 {
            continue;
        }
        let mut outline = Vec::new();
        for b in h.bins.iter().filter(|b| !is_zero_bin(b.low)) {
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
                canvas.fill_rect((x0, top), (x1, frame.bottom), alpha(*colour, 0.16))?;
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

    for ((text, v, dashed, colour, cx, _), row) in markers.iter().zip(&rows) {
        let px = frame.px(*v);
        if *dashed {
            canvas.dashed((px, frame.bottom), (px, frame.top), *colour, 4, 16.0, 10.0)?;
        } else {
            canvas.line(vec![(px, frame.bottom), (px, frame.top)], *colour, 4)?;
        }
        if let Some(r) = row {
            let ty = frame.top - 8 - *r as i32 * row_h;
            canvas.text(
                text,
                (*cx, ty),
                canvas::NOTE_SIZE,
                true,
                text_colour(*colour),
                HPos::Center,
                VPos::Bottom,
            )?;
        }
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
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for h in &hists {
        for b in &h.bins {
            if b.low.is_finite() && b.high.is_finite() {
                lo = lo.min(b.low);
                hi = hi.max(b.high);
            }
        }
    }
    if let Some(t) = target {
        lo = lo.min(t);
        hi = hi.max(t);
    }
    let (lo, hi, step, ticks) = linear_ticks(lo, hi, 10);
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
    let cut_text = |cut: f64| format!("after week {}", short(cut, 1));
    notes.extend(overflow_notes(ctx, &hists, &cut_text));
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
        for b in &h.bins {
            cum += b.count;
            points.push(frame.pt(b.high, cum / h.n * 100.0));
        }
        // Past the last bin the curve is known only when no trial lies beyond the cut.
        if h.overflow.is_none_or(|o| o.count <= 0.0) {
            points.push(frame.pt(frame.x.hi, cum / h.n * 100.0));
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
    let frame = plot_frame(&layout, x, y, 0, 20);
    let labels: Vec<String> = bars.iter().map(|b| b.0.clone()).collect();
    draw_axes(
        canvas,
        &frame,
        "strategy",
        "chance of ≥1 API failure after launch (%)",
        Some(Categories { labels: &labels }),
    )?;
    let slot = (frame.right - frame.left) as f64 / bars.len().max(1) as f64;
    let bar_w = (slot * 0.6).min(260.0).max(2.0) as i32;
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
        let (text, size) = fit_text(
            &percent(*p),
            slot as i32 - 8,
            canvas::LABEL_SIZE,
            12.0,
            true,
        );
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
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    let mut max_share: f64 = 0.0;
    for h in &hists {
        for b in &h.bins {
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
            swatch: Swatch::Line(*c),
            text: format!(
                "{}: mean {} · P90 {}",
                s.label,
                short(h.marks.mean, 1),
                short(h.marks.p90, 1)
            ),
        })
        .collect();
    let mut notes = vec![
        "Share of simulated projects needing exactly that many emergency fixes in the post-launch window.".to_string(),
    ];
    let cut_text = |cut: f64| format!("with more than {} fixes", short(cut.floor(), 0));
    notes.extend(overflow_notes(ctx, &hists, &cut_text));
    let layout = draw_page(canvas, &page(ctx, ChartKind::EmergencyFixes, legend, notes))?;
    let frame = plot_frame(&layout, x, y, 0, 40);
    draw_axes(
        canvas,
        &frame,
        "emergency fixes after launch (count)",
        "share of simulated projects (%)",
        None,
    )?;

    let unit_px = (frame.right - frame.left) as f64 / (frame.x.hi - frame.x.lo);
    let k = ctx.strategies.len().max(1) as f64;
    let grouped = unit_px * 0.8 / k >= 6.0 && ctx.strategies.len() <= 4;
    for (i, ((_, colour), h)) in ctx.strategies.iter().zip(&hists).enumerate() {
        if h.n <= 0.0 {
            continue;
        }
        let mut points = Vec::new();
        for b in &h.bins {
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
    let span = |get: &dyn Fn(&(f64, f64, f64)) -> [f64; 3], pick: bool| {
        let mut lo = f64::INFINITY;
        let mut hi = f64::NEG_INFINITY;
        for p in &points {
            let t = if pick { &p.2 } else { &p.3 };
            for v in get(t).into_iter().filter_map(finite) {
                lo = lo.min(v);
                hi = hi.max(v);
            }
        }
        (lo, hi)
    };
    let all = |t: &(f64, f64, f64)| [t.0, t.1, t.2];
    let (wx0, wx1) = span(&all, true);
    let (cy0, cy1) = span(&all, false);
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
                "{}: {} wk, {}",
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
        "total cost",
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
    // Labels: try four corners around each dot and keep the first that overlaps no earlier
    // label and stays inside the plot.
    let mut taken: Vec<(i32, i32, i32, i32)> = Vec::new();
    let size = canvas::LABEL_SIZE;
    for (s, colour, w, c) in &points {
        let (Some(wm), Some(cm)) = (finite(w.1), finite(c.1)) else {
            continue;
        };
        let (cx, cy) = frame.pt(wm, cm);
        canvas.circle((cx, cy), 17, WHITE, true)?;
        canvas.circle((cx, cy), 13, *colour, true)?;
        let tw = text_width(&s.label, size, true);
        let th = size as i32;
        let candidates = [
            (cx + 22, cy - 22 - th),
            (cx - 22 - tw, cy - 22 - th),
            (cx + 22, cy + 22),
            (cx - 22 - tw, cy + 22),
        ];
        let fits = |&(x, y): &(i32, i32)| {
            x >= frame.left + 4
                && x + tw <= frame.right - 4
                && y >= frame.top + 2
                && y + th <= frame.bottom - 2
                && taken
                    .iter()
                    .all(|&(a, b, c2, d)| x + tw < a || x > c2 || y + th < b || y > d)
        };
        let (lx, ly) = candidates.iter().copied().find(fits).unwrap_or((
            (cx + 22).min(frame.right - tw - 4).max(frame.left + 4),
            (cy - 22 - th).max(frame.top + 2),
        ));
        taken.push((lx - 6, ly - 4, lx + tw + 6, ly + th + 4));
        canvas.fill_rect(
            (lx - 6, ly - 4),
            (lx + tw + 6, ly + th + 4),
            alpha(WHITE, 0.8),
        )?;
        canvas.text(
            &s.label,
            (lx, ly),
            size,
            true,
            text_colour(*colour),
            HPos::Left,
            VPos::Top,
        )?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Cost breakdown: stacked mean components.

/// Blue-grey shades for the cost components: distinct from every strategy colour, so a
/// segment is never mistaken for a strategy.
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
    let frame = plot_frame(&layout, x, y, 0, 20);
    let labels: Vec<String> = bars.iter().map(|b| b.0.label.clone()).collect();
    draw_axes(
        canvas,
        &frame,
        "strategy (colour bar under each column)",
        "mean cost per project",
        Some(Categories { labels: &labels }),
    )?;
    let slot = (frame.right - frame.left) as f64 / bars.len().max(1) as f64;
    let bar_w = (slot * 0.6).clamp(2.0, 300.0) as i32;
    for (i, (_, colour, parts, total)) in bars.iter().enumerate() {
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
        // The strategy's own colour, as a strip under its column, ties it to the other charts.
        canvas.fill_rect(
            (cx - bar_w / 2, frame.bottom + 3),
            (cx + bar_w / 2, frame.bottom + 11),
            *colour,
        )?;
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
    let notes = vec![
        "Chance that the strategy has the lowest value of the metric in the same simulated project (all strategies face the same draws; ties split evenly). Bars in a group add up to 100%.".to_string(),
    ];
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
        Some(Categories { labels: &labels }),
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
            let text = format!("{}%", number(p * 100.0, 0));
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
