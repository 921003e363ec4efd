//! The sweep chart: the chosen statistic of the chosen metric against the swept parameter,
//! one line per strategy with its P10-P90 band, and the crossovers numbered on the lines and
//! stated in words underneath.
//!
//! Drawn from a sweep folder's saved files alone (`manifest.json`, `sweep.csv`,
//! `crossovers.csv`), so `tradeoff-sim chart SWEEP_FOLDER` redraws it without simulating.
//! Computes nothing beyond reading those files and placing the crossings between two points.
//!
//! A two-parameter sweep is drawn as small multiples, one panel per value of the second
//! parameter on a shared value axis (at most six panels, evenly chosen, and the chart says
//! so). Small multiples rather than a heat map of the best strategy per cell: a heat map
//! shows only who wins, not by how much nor how wide the spread is, which is what a board
//! needs to judge a crossover; panels keep the same lines, bands and colours as the
//! one-parameter chart.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::canvas::{
    self, Axis, Canvas, Categories, Frame, INK, LegendItem, MUTED, Page, Swatch, alpha, draw_axes,
    draw_page, fit_text, plot_frame, text_width,
};
use super::data::StrategyRef;
use super::run::strategy_colour;
use super::sweep_data::{Param, SweepData};
use super::ticks::linear_ticks;
use super::{ChartError, ChartFormat, Drawing, write_drawing};
use crate::format::{
    currency_prefix, money_ticks, money_with_prefix, percent, plain_ticks, short, thousands,
};
use crate::output::schema::CrossoverRow;

/// The file stem of the sweep chart under `charts/`.
pub const SWEEP_CHART: &str = "sweep";
/// The most panels a two-parameter sweep is drawn in.
const MAX_PANELS: usize = 6;

/// Reads the sweep folder `dir` and writes `charts/sweep.png|svg`; returns the paths written.
/// Reads a sweep folder's files into the one page it draws.
pub(super) fn load(dir: &Path) -> Result<impl Drawing, ChartError> {
    SweepData::load(dir)
}

pub fn render_sweep_charts(dir: &Path, format: ChartFormat) -> Result<Vec<PathBuf>, ChartError> {
    render_sweep_charts_until(dir, format, &AtomicBool::new(false))
}

/// [`render_sweep_charts`], giving up before the next file once `stop` is raised.
pub(super) fn render_sweep_charts_until(
    dir: &Path,
    format: ChartFormat,
    stop: &AtomicBool,
) -> Result<Vec<PathBuf>, ChartError> {
    let data = SweepData::load(dir)?;
    let mut written = Vec::new();
    write_drawing(dir, &data, format, &mut written, stop)?;
    Ok(written)
}

impl Drawing for SweepData {
    fn name(&self) -> &'static str {
        SWEEP_CHART
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, plotters::coord::Shift>,
    ) -> Result<(), ChartError> {
        draw_sweep(&Canvas { root }, self).map_err(|message| ChartError::Draw {
            chart: SWEEP_CHART,
            message,
        })
    }
}

/// How the value axis reads a metric's unit.
#[derive(Clone, Copy, PartialEq)]
enum ValueKind {
    Money,
    /// Shares and indicators: drawn as percentages.
    Percent,
    Plain,
}

fn value_kind(unit: &str) -> ValueKind {
    match unit {
        "share" | "indicator" => ValueKind::Percent,
        "weeks" | "hours" | "count" | "ratio" | "" => ValueKind::Plain,
        _ => ValueKind::Money,
    }
}

/// The metric in words a board reads.
pub(super) fn metric_words(id: &str) -> String {
    match id {
        "total_cost" => "total cost".to_string(),
        "build_weeks" => "build time".to_string(),
        "api_failure" => "chance of ≥1 API or surge failure".to_string(),
        "api_failures" => "API failures, not counting surges".to_string(),
        "surge_failures" => "traffic-surge failures".to_string(),
        "emergency_fixes" => "emergency fixes (API, surge and other)".to_string(),
        "downtime_hours" => "impact-weighted downtime".to_string(),
        "schedule_slip" => "schedule slip".to_string(),
        other => other.replace('_', " "),
    }
}

/// "P80", "mean", "std dev".
fn stat_words(stat: &str) -> String {
    if stat.starts_with('p') && stat[1..].chars().all(|c| c.is_ascii_digit()) {
        stat.to_uppercase()
    } else {
        stat.replace('_', " ")
    }
}

/// Formats one value of the metric for a label.
fn value_text(v: f64, kind: ValueKind, unit: &str, prefix: &str) -> String {
    match kind {
        ValueKind::Money => money_with_prefix(v, prefix),
        ValueKind::Percent => percent(v),
        ValueKind::Plain => match unit {
            "weeks" => format!("{} wk", short(v, 1)),
            "hours" => format!("{} h", short(v, 1)),
            _ => short(v, 2),
        },
    }
}

/// One drawn point: x, the statistic, and the P10-P90 band when drawn.
type Point = (f64, f64, Option<(f64, f64)>);
/// One strategy's line in one panel: a point per value of the first parameter.
type Series = Vec<Option<Point>>;

fn draw_sweep<DB: DrawingBackend>(canvas: &Canvas<DB>, data: &SweepData) -> Result<(), String> {
    let m = &data.manifest;
    let p1 = &m.params[0];
    let p2 = m.params.get(1);
    let kind = value_kind(&data.unit);
    let prefix = currency_prefix(&m.currency);
    let scale = if kind == ValueKind::Percent {
        100.0
    } else {
        1.0
    };
    let stat = m.statistic.as_str();
    // A P10-P90 band says how wide the spread is around a location statistic; it means nothing
    // around a standard deviation, and for a 0/1 indicator it is just 0 to 1.
    let band = data.unit != "indicator" && stat != "std_dev";

    // The x positions: the values themselves when all are numbers, else category slots.
    let numeric: Option<Vec<f64>> = p1
        .values
        .iter()
        .map(|v| v.trim().parse::<f64>().ok().filter(|x| x.is_finite()))
        .collect();
    let xs: Vec<f64> = match &numeric {
        Some(v) => v.clone(),
        None => (0..p1.values.len()).map(|i| i as f64 + 0.5).collect(),
    };

    // Panels: one per shown value of the second parameter.
    let all2: Vec<String> = p2.map_or_else(|| vec![String::new()], |p| p.values.clone());
    let shown: Vec<usize> = if all2.len() <= MAX_PANELS {
        (0..all2.len()).collect()
    } else {
        let mut picks: Vec<usize> = (0..MAX_PANELS)
            .map(|k| {
                ((k as f64 * (all2.len() - 1) as f64) / (MAX_PANELS - 1) as f64).round() as usize
            })
            .collect();
        picks.dedup();
        picks
    };

    let series = |v2: &str| -> Vec<Series> {
        m.strategies
            .iter()
            .map(|s| {
                p1.values
                    .iter()
                    .zip(&xs)
                    .map(|(v, &x)| {
                        let row = data.row(v, v2, &s.id)?;
                        let y = row.stat(stat).filter(|y| y.is_finite())? * scale;
                        let b = (band && row.p10.is_finite() && row.p90.is_finite())
                            .then_some((row.p10 * scale, row.p90 * scale));
                        Some((x, y, b))
                    })
                    .collect()
            })
            .collect()
    };
    let panels: Vec<(String, Vec<Series>)> = shown
        .iter()
        .map(|&j| (all2[j].clone(), series(&all2[j])))
        .collect();

    // One value axis shared by every panel, so panels compare at a glance.
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for (_, ss) in &panels {
        for p in ss.iter().flatten().flatten() {
            lo = lo.min(p.1);
            hi = hi.max(p.1);
            if let Some((a, b)) = p.2 {
                lo = lo.min(a);
                hi = hi.max(b);
            }
        }
    }
    if !lo.is_finite() {
        (lo, hi) = (0.0, 1.0);
    }
    let pad = (hi - lo).abs() * 0.05;
    let lo_padded = if lo >= 0.0 {
        (lo - pad).max(0.0)
    } else {
        lo - pad
    };
    let hi_padded = if kind == ValueKind::Percent {
        (hi + pad).min(100.0)
    } else {
        hi + pad
    };
    let (ylo, yhi, ystep, yt) = linear_ticks(lo_padded, hi_padded, 6);
    // Values that cannot be negative get no negative axis (linear_ticks rounds 0 out a step).
    let ylo = if lo >= 0.0 { ylo.max(0.0) } else { ylo };
    let yt: Vec<f64> = yt.into_iter().filter(|t| *t >= ylo).collect();
    let ylabels = match kind {
        ValueKind::Money => money_ticks(&yt, ystep, &prefix),
        ValueKind::Percent => plain_ticks(&yt, ystep)
            .into_iter()
            .map(|l| format!("{l}%"))
            .collect(),
        ValueKind::Plain => plain_ticks(&yt, ystep),
    };
    let y = Axis {
        lo: ylo,
        hi: yhi,
        log: false,
        ticks: yt.into_iter().zip(ylabels).collect(),
    };
    let x = match &numeric {
        Some(v) => {
            let (a, b) = v
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| {
                    (a.min(x), b.max(x))
                });
            let (tlo, thi, step, ticks) = linear_ticks(a, b, 8);
            // The axis spans exactly the swept values (a lone value gets the widened range).
            let (lo, hi) = if b > a { (a, b) } else { (tlo, thi) };
            let labels = plain_ticks(&ticks, step);
            Axis {
                lo,
                hi,
                log: false,
                ticks: ticks
                    .into_iter()
                    .zip(labels)
                    .filter(|(t, _)| *t >= lo - 1e-9 * step && *t <= hi + 1e-9 * step)
                    .collect(),
            }
        }
        None => Axis {
            lo: 0.0,
            hi: p1.values.len() as f64,
            log: false,
            ticks: Vec::new(),
        },
    };

    let scenario = if m.scenario_title.trim().is_empty() {
        m.scenario_name.clone()
    } else {
        m.scenario_title.clone()
    };
    let words = metric_words(&m.metric);
    let title_stat = if data.unit == "indicator" && stat == "mean" {
        String::new()
    } else {
        format!("{} ", stat_words(stat))
    };
    let title = match p2 {
        None => format!("{title_stat}{words} as {} varies", lower_first(p1.shown())),
        Some(p2) => format!(
            "{title_stat}{words} as {} and {} vary",
            lower_first(p1.shown()),
            lower_first(p2.shown())
        ),
    };
    let title = {
        let mut chars = title.chars();
        chars.next().map_or_else(String::new, |c| {
            c.to_uppercase().chain(chars).collect::<String>()
        })
    };
    let subtitle = format!(
        "{scenario} · {} simulated project{} per point and strategy · seed {}, every point on the same seed",
        thousands(m.trials),
        if m.trials == 1 { "" } else { "s" },
        m.seed
    );
    let unit_text = match kind {
        ValueKind::Percent => "%".to_string(),
        _ if data.unit.is_empty() => "value".to_string(),
        _ => data.unit.clone(),
    };
    let y_title = format!("{title_stat}{words} ({unit_text})");

    let colours: Vec<RGBColor> = (0..m.strategies.len()).map(strategy_colour).collect();
    let mut legend: Vec<LegendItem> = m
        .strategies
        .iter()
        .zip(&colours)
        .map(|(s, c)| LegendItem {
            swatch: Swatch::Line(*c),
            text: if m
                .params
                .iter()
                .any(|p| key_strategy(&p.key) == Some(s.id.as_str()))
            {
                format!("{} (swept)", s.label)
            } else {
                s.label.clone()
            },
        })
        .collect();
    if band {
        legend.push(LegendItem {
            swatch: Swatch::Block(RGBColor(0xD4, 0xD4, 0xD4)),
            text: "shaded: P10 to P90 of simulated projects".to_string(),
        });
    }

    // Crossovers drawn on a shown panel, numbered in file order.
    let crossings: Vec<&CrossoverRow> = data
        .crossovers
        .iter()
        .filter(|c| panels.iter().any(|(v2, _)| *v2 == c.value2))
        .collect();
    let mut other_notes = Vec::new();
    if !band && data.unit == "indicator" {
        other_notes.push(
            "No P10-P90 band: each simulated project either has the event or not, so the band would span 0% to 100%."
                .to_string(),
        );
    }
    if let Some(p2) = p2
        && all2.len() > shown.len()
    {
        other_notes.push(format!(
            "Showing {} of the {} values of {}, evenly spaced; every value is in sweep.csv.",
            shown.len(),
            all2.len(),
            p2.shown()
        ));
    }
    let labelled: Vec<&str> = m
        .params
        .iter()
        .filter(|p| p.label.is_some())
        .map(|p| p.key.as_str())
        .collect();
    if !labelled.is_empty() {
        other_notes.push(format!("Swept key: {}.", labelled.join(", ")));
    }
    for p in &m.params {
        if let Some(label) = strategy_of_key(&p.key, &m.strategies) {
            // Only a label that states a value ("Hybrid (g = 0.5)") has one that no longer holds.
            let states_a_value = label.chars().any(|c| c.is_ascii_digit());
            other_notes.push(if states_a_value {
                format!(
                    "{} changes {label} only (swept): the fixed value in its label does not hold here.",
                    p.key
                )
            } else {
                format!("{} changes {label} only (swept).", p.key)
            });
        }
    }
    let max_statements = canvas::MAX_NOTE_LINES
        .saturating_sub(other_notes.len())
        .max(2);
    let mut notes = Vec::new();
    if crossings.is_empty() {
        notes.push(format!(
            "No crossover: the order of the strategies on {title_stat}{words} is the same at every value{}.",
            if p2.is_some() { " in every panel" } else { "" }
        ));
    } else {
        let keep = if crossings.len() > max_statements {
            max_statements - 1
        } else {
            crossings.len()
        };
        for (i, c) in crossings.iter().take(keep).enumerate() {
            notes.push(format!("({}) {}.", i + 1, c.statement));
        }
        if crossings.len() > keep {
            notes.push(format!(
                "({}-{}) {} more crossovers, numbered on the chart; every one is stated in crossovers.csv.",
                keep + 1,
                crossings.len(),
                crossings.len() - keep
            ));
        }
    }
    notes.extend(other_notes);

    let layout = draw_page(
        canvas,
        &Page {
            title,
            subtitle,
            legend,
            footnotes: notes,
        },
    )?;

    let labels: Vec<String> = p1.values.clone();
    let frames: Vec<Frame> = if panels.len() == 1 {
        vec![plot_frame(&layout, x.clone(), y.clone(), 0, 40)]
    } else {
        panel_frames(&layout, panels.len(), &x, &y)
    };
    let cols = panel_cols(panels.len());
    let mut number = 0usize;
    for (k, ((v2, ss), frame)) in panels.iter().zip(&frames).enumerate() {
        if let Some(p2) = p2 {
            let head = format!("{} = {v2}", p2.shown());
            let (text, size) = fit_text(
                &head,
                frame.right - frame.left,
                canvas::LABEL_SIZE,
                16.0,
                true,
            );
            canvas.text(
                &text,
                (frame.left, frame.top - 12),
                size,
                true,
                INK,
                HPos::Left,
                VPos::Bottom,
            )?;
        }
        let y_title_here = if k % cols == 0 { y_title.as_str() } else { "" };
        draw_axes(
            canvas,
            frame,
            p1.shown(),
            y_title_here,
            numeric.is_none().then_some(Categories {
                labels: &labels,
                colours: None,
                max_lines: 1,
            }),
        )?;
        // Bands first, so every line is drawn over every band.
        for (s, c) in ss.iter().zip(&colours) {
            for run in runs(s) {
                let mut poly: Vec<(i32, i32)> = Vec::new();
                for &(x, _, b) in &run {
                    if let Some((_, hi)) = b {
                        poly.push(frame.pt(x, hi));
                    }
                }
                for &(x, _, b) in run.iter().rev() {
                    if let Some((lo, _)) = b {
                        poly.push(frame.pt(x, lo));
                    }
                }
                if poly.len() >= 4 {
                    canvas
                        .root
                        .draw(&Polygon::new(poly, alpha(*c, 0.08).filled()))
                        .map_err(|e| e.to_string())?;
                }
                // Thin edges in the strategy's colour, so overlapping bands stay traceable.
                for edge in [0, 1] {
                    let pts: Vec<(i32, i32)> = run
                        .iter()
                        .filter_map(|&(x, _, b)| {
                            b.map(|(lo, hi)| frame.pt(x, if edge == 0 { lo } else { hi }))
                        })
                        .collect();
                    canvas.line(pts, alpha(*c, 0.55), 2)?;
                }
            }
        }
        let line_width = if ss.len() > 1 { 5 } else { 6 };
        for (s, c) in ss.iter().zip(&colours) {
            for run in runs(s) {
                canvas.line(
                    run.iter().map(|&(x, y, _)| frame.pt(x, y)).collect(),
                    *c,
                    line_width,
                )?;
            }
        }
        let dot = if p1.values.len() > 30 { 5 } else { 8 };
        for (s, c) in ss.iter().zip(&colours) {
            for &(x, y, _) in s.iter().flatten() {
                canvas.circle(frame.pt(x, y), dot + 2, WHITE, true)?;
                canvas.circle(frame.pt(x, y), dot, *c, true)?;
            }
        }
        // Crossover markers: numbered circles on the crossing, nudged up when they would sit
        // on an earlier marker, with a dashed drop line to the parameter axis.
        let mut placed: Vec<(i32, i32)> = Vec::new();
        for c in crossings.iter().filter(|c| c.value2 == *v2) {
            number += 1;
            let Some((cx, cy)) = crossing_point(c, data, p1, &xs, v2, stat, scale, &m.strategies)
            else {
                continue;
            };
            let at = frame.pt(cx, cy);
            canvas.dashed((at.0, at.1), (at.0, frame.bottom), MUTED, 2, 8.0, 6.0)?;
            let r = 19;
            let mut label_at = at;
            while placed.iter().any(|p| {
                (p.0 - label_at.0).abs() < 2 * r + 4 && (p.1 - label_at.1).abs() < 2 * r + 4
            }) && label_at.1 > frame.top + 2 * r
            {
                label_at.1 -= 2 * r + 6;
            }
            placed.push(label_at);
            if label_at != at {
                canvas.line(vec![at, label_at], INK, 2)?;
                canvas.circle(at, 5, INK, true)?;
            }
            canvas.circle(label_at, r, WHITE, true)?;
            canvas.circle(label_at, r, INK, false)?;
            let text = number.to_string();
            let size = if text.len() > 1 { 20.0 } else { 24.0 };
            canvas.text(&text, label_at, size, true, INK, HPos::Center, VPos::Center)?;
        }
        // The values at the last point, right of the plot, so the end state reads directly.
        if panels.len() == 1 {
            end_labels(
                canvas, frame, ss, &colours, kind, &data.unit, &prefix, scale,
            )?;
        }
    }
    Ok(())
}

/// Splits a series at missing points into drawable stretches.
fn runs(s: &Series) -> Vec<Vec<Point>> {
    let mut out = Vec::new();
    let mut current = Vec::new();
    for p in s {
        match p {
            Some(p) => current.push(*p),
            None => {
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
            }
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// `strategies.<id>.<field>` -> `<id>`.
/// `Hybrid: governance` -> `hybrid: governance` only when the second letter is
/// lower case (an acronym such as `API` keeps its capitals).
fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(a), Some(b)) if a.is_uppercase() && !b.is_uppercase() && !text.contains(": ") => a
            .to_lowercase()
            .chain(std::iter::once(b))
            .chain(chars)
            .collect(),
        _ => text.to_string(),
    }
}

fn key_strategy(key: &str) -> Option<&str> {
    let rest = key.strip_prefix("strategies.")?;
    rest.split_once('.').map(|(id, _)| id)
}

/// `strategies.<id>.<field>` -> the label of `<id>`.
fn strategy_of_key(key: &str, strategies: &[StrategyRef]) -> Option<String> {
    let id = key_strategy(key)?;
    strategies
        .iter()
        .find(|s| s.id == id)
        .map(|s| s.label.clone())
}

/// Where a crossover sits on the chart: its x position and strategy a's value there,
/// interpolated between the two points it lies between.
#[allow(clippy::too_many_arguments)]
fn crossing_point(
    c: &CrossoverRow,
    data: &SweepData,
    p1: &Param,
    xs: &[f64],
    v2: &str,
    stat: &str,
    scale: f64,
    strategies: &[StrategyRef],
) -> Option<(f64, f64)> {
    let i0 = p1.values.iter().position(|v| *v == c.between_low)?;
    let i1 = p1.values.iter().position(|v| *v == c.between_high)?;
    strategies.iter().find(|s| s.id == c.strategy_a)?;
    let value = |i: usize, id: &str| {
        data.row(&p1.values[i], v2, id)
            .and_then(|r| r.stat(stat))
            .filter(|v| v.is_finite())
    };
    let (a0, a1) = (value(i0, &c.strategy_a)?, value(i1, &c.strategy_a)?);
    let (b0, b1) = (value(i0, &c.strategy_b)?, value(i1, &c.strategy_b)?);
    let (d0, d1) = (a0 - b0, a1 - b1);
    let t = if (d0 - d1).abs() > 0.0 {
        (d0 / (d0 - d1)).clamp(0.0, 1.0)
    } else {
        0.5
    };
    let x = match c.crossing_value {
        Some(x) if x.is_finite() => x,
        _ => xs[i0] + t * (xs[i1] - xs[i0]),
    };
    Some((x, (a0 + t * (a1 - a0)) * scale))
}

/// Value labels right of the last point of each line, spread apart so none overlap.
#[allow(clippy::too_many_arguments)]
fn end_labels<DB: DrawingBackend>(
    canvas: &Canvas<DB>,
    frame: &Frame,
    series: &[Series],
    colours: &[RGBColor],
    kind: ValueKind,
    unit: &str,
    prefix: &str,
    scale: f64,
) -> Result<(), String> {
    let size = canvas::NOTE_SIZE;
    let gap = (size * 1.15) as i32;
    let mut labels: Vec<(i32, i32, String, RGBColor)> = series
        .iter()
        .zip(colours)
        .filter_map(|(s, c)| {
            let (x, y, _) = s.last().copied().flatten()?;
            Some((
                frame.px(x),
                frame.py(y),
                value_text(y / scale, kind, unit, prefix),
                super::canvas::text_colour(*c),
            ))
        })
        .collect();
    labels.sort_by_key(|l| l.1);
    for i in 1..labels.len() {
        if labels[i].1 < labels[i - 1].1 + gap {
            labels[i].1 = labels[i - 1].1 + gap;
        }
    }
    // Pushed past the bottom: shift the whole stack back up.
    if let Some(last) = labels.last() {
        let over = last.1 - frame.bottom;
        if over > 0 {
            for l in &mut labels {
                l.1 -= over;
            }
        }
    }
    // One column for all labels, just right of the right-most last point.
    let column = labels.iter().map(|l| l.0).max().unwrap_or(frame.right) + 16;
    for (_, y, text, c) in labels {
        let w = text_width(&text, size, true);
        let x = if column + w < canvas::WIDTH as i32 - 4 {
            column
        } else {
            canvas::WIDTH as i32 - 4 - w
        };
        canvas.text(&text, (x, y), size, true, c, HPos::Left, VPos::Center)?;
    }
    Ok(())
}

fn panel_cols(n: usize) -> usize {
    match n {
        0..=3 => n.max(1),
        4 => 2,
        _ => 3,
    }
}

/// Frames for `n` panels in a grid below the page furniture; only the first column leaves
/// room for the value-axis title.
fn panel_frames(layout: &canvas::PageLayout, n: usize, x: &Axis, y: &Axis) -> Vec<Frame> {
    let cols = panel_cols(n);
    let rows = n.div_ceil(cols);
    let widest = y
        .ticks
        .iter()
        .map(|(_, l)| text_width(l, canvas::TICK_SIZE, false))
        .max()
        .unwrap_or(0);
    let left0 = canvas::MARGIN + 60;
    let right_edge = canvas::WIDTH as i32 - canvas::MARGIN;
    let cell_w = (right_edge - left0) / cols as i32;
    let top0 = layout.content_top;
    let cell_h = ((layout.content_bottom - top0) / rows as i32).max(160);
    (0..n)
        .map(|k| {
            let (r, c) = ((k / cols) as i32, (k % cols) as i32);
            let cell_x = left0 + c * cell_w;
            let cell_y = top0 + r * cell_h;
            let left = cell_x + widest + 24;
            Frame {
                left,
                top: cell_y + 44,
                right: (cell_x + cell_w - 36).max(left + 60),
                bottom: (cell_y + cell_h - 100).max(cell_y + 44 + 60),
                x: x.clone(),
                y: y.clone(),
            }
        })
        .collect()
}
