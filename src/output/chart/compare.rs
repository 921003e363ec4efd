//! The compare charts: for each headline metric, every strategy's median with its P10-P90
//! whisker in each scenario, scenarios side by side within a strategy's slot, told apart by
//! marker shape and named beside each whisker; strategies keep their usual colours.
//!
//! Drawn from a compare folder's saved files alone (`manifest.json`, `compare.csv`), so
//! `tradeoff-sim chart COMPARE_FOLDER` redraws them without simulating. The chance of an API
//! failure is a 0/1 outcome per project, whose P10 and P90 are 0 or 1: that chart shows the
//! probability with its 95% interval (Wilson score) instead.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use serde::Deserialize;

use super::canvas::{
    self, Axis, Canvas, Categories, INK, MUTED, Page, draw_axes, draw_page, fit_text,
    make_room_for_categories, plot_frame, text_colour, text_width,
};
use super::data::{
    Cell, MANIFEST_FILE, StrategyRef, check_text_lengths, read_rows, strategy_texts,
};
use super::run::strategy_colour;
use super::ticks::{linear_ticks, wilson_95};
use super::{ChartError, ChartFormat, Drawing, write_drawing};
use crate::format::{
    currency_prefix, money_ticks, money_with_prefix, percent, plain_ticks, short, thousands,
};
use crate::output::schema::{self, SummaryRow as Row};

pub const COMPARE_FILE: &str = schema::COMPARE;
/// The metrics a comparison draws, one chart each: `charts/compare_<metric>.png|svg`.
pub const COMPARE_METRICS: [&str; 4] =
    ["total_cost", "build_weeks", "api_failure", "downtime_hours"];

#[derive(Debug, Clone, Deserialize)]
struct CompareManifest {
    scenarios: Vec<ScenarioRef>,
    strategies: Vec<StrategyRef>,
}

#[derive(Debug, Clone, Deserialize)]
struct ScenarioRef {
    name: String,
    #[serde(default)]
    title: String,
    trials: u64,
    seed: u64,
    currency: String,
}

struct CompareData {
    manifest: CompareManifest,
    /// Keyed by (metric, scenario, strategy id).
    rows: BTreeMap<(String, String, String), Row>,
}

/// One chart of the set.
struct CompareChart<'a> {
    data: &'a CompareData,
    metric: &'static str,
    name: &'static str,
}

/// Reads the compare folder `dir` and writes `charts/compare_<metric>.png|svg` for every
/// metric of [`COMPARE_METRICS`]; returns the paths in that order, PNG before SVG.
pub fn render_compare_charts(dir: &Path, format: ChartFormat) -> Result<Vec<PathBuf>, ChartError> {
    render_compare_charts_until(dir, format, &AtomicBool::new(false))
}

/// [`render_compare_charts`], giving up before the next file once `stop` is raised.
pub(super) fn render_compare_charts_until(
    dir: &Path,
    format: ChartFormat,
    stop: &AtomicBool,
) -> Result<Vec<PathBuf>, ChartError> {
    let data = load(dir)?;
    let mut written = Vec::new();
    for (metric, name) in COMPARE_METRICS.iter().zip(NAMES) {
        let chart = CompareChart {
            data: &data,
            metric,
            name,
        };
        write_drawing(dir, &chart, format, &mut written, stop)?;
    }
    Ok(written)
}

/// The text boxes of every compare chart of the folder, in the order they are written.
pub(super) fn text_boxes(dir: &Path) -> Result<Vec<(String, Vec<super::TextBox>)>, ChartError> {
    let data = load(dir)?;
    COMPARE_METRICS
        .iter()
        .zip(NAMES)
        .map(|(metric, name)| {
            super::layout::drawing_boxes(&CompareChart {
                data: &data,
                metric,
                name,
            })
        })
        .collect()
}

pub(super) const NAMES: [&str; 4] = [
    "compare_total_cost",
    "compare_build_weeks",
    "compare_api_failure",
    "compare_downtime_hours",
];

fn load(dir: &Path) -> Result<CompareData, ChartError> {
    let manifest_path = dir.join(MANIFEST_FILE);
    let text = std::fs::read_to_string(&manifest_path).map_err(|source| ChartError::Read {
        path: manifest_path.clone(),
        source,
    })?;
    let manifest: CompareManifest =
        serde_json::from_str(&text).map_err(|source| ChartError::Manifest {
            path: manifest_path.clone(),
            source,
        })?;
    let mut texts = strategy_texts(&manifest.strategies);
    for (i, s) in manifest.scenarios.iter().enumerate() {
        texts.push((format!("scenarios[{i}].name"), &s.name));
        texts.push((format!("scenarios[{i}].title"), &s.title));
        texts.push((format!("scenarios[{i}].currency"), &s.currency));
    }
    check_text_lengths(&manifest_path, texts)?;
    if manifest.scenarios.is_empty() || manifest.strategies.is_empty() {
        return Err(ChartError::Folder {
            path: manifest_path,
            message: "lists no scenarios or no strategies; rerun `tradeoff-sim compare` to rewrite the folder".to_string(),
        });
    }
    let path = dir.join(COMPARE_FILE);
    let mut rows = Vec::new();
    for (line, row) in read_rows::<Row>(&path)? {
        let at = Cell::new(&path, line, "compare");
        at.count("n", row.n)?;
        let ordered = [("p10", row.p10), ("p50", row.p50), ("p90", row.p90)];
        at.statistic("mean", row.mean)?;
        at.statistics_in_order(&ordered)?;
        rows.push(row);
    }
    let rows: BTreeMap<_, _> = rows
        .into_iter()
        .filter(|r| COMPARE_METRICS.contains(&r.metric.as_str()))
        .map(|r| {
            (
                (r.metric.clone(), r.scenario.clone(), r.strategy.clone()),
                r,
            )
        })
        .collect();
    for metric in COMPARE_METRICS {
        if !rows.keys().any(|(m, _, _)| m == metric) {
            return Err(ChartError::Missing {
                path,
                what: format!("metric `{metric}`"),
            });
        }
    }
    Ok(CompareData { manifest, rows })
}

impl Drawing for CompareChart<'_> {
    fn name(&self) -> &'static str {
        self.name
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, plotters::coord::Shift>,
    ) -> Result<(), ChartError> {
        draw_compare(&Canvas { root }, self).map_err(|message| ChartError::Draw {
            chart: self.name,
            message,
        })
    }
}

fn title(metric: &str) -> &'static str {
    match metric {
        "total_cost" => "Total cost per strategy, scenario by scenario",
        "build_weeks" => "Build time per strategy, scenario by scenario",
        "api_failure" => {
            "Chance of at least one post-launch API or traffic-surge failure, scenario by scenario"
        }
        _ => "Customer-facing downtime per strategy, scenario by scenario",
    }
}

/// The marker shapes that tell scenarios apart, in scenario order (then repeated hollow).
#[derive(Clone, Copy)]
enum Shape {
    Circle,
    Square,
    Triangle,
    Diamond,
}

/// Marker radius on the plot, in pixels.
const MARKER_R: i32 = 12;

const SHAPES: [Shape; 4] = [
    Shape::Circle,
    Shape::Square,
    Shape::Triangle,
    Shape::Diamond,
];

fn marker<DB: DrawingBackend>(
    canvas: &Canvas<DB>,
    i: usize,
    at: (i32, i32),
    r: i32,
    colour: RGBColor,
) -> Result<(), String> {
    let filled = (i / 4).is_multiple_of(2);
    let (x, y) = at;
    let points: Vec<(i32, i32)> = match SHAPES[i % 4] {
        Shape::Circle => {
            canvas.circle(at, r + 3, WHITE, true)?;
            canvas.circle(at, r, colour, filled)?;
            if !filled {
                canvas.circle(at, r - 1, colour, false)?;
            }
            return Ok(());
        }
        Shape::Square => vec![
            (x - r, y - r),
            (x + r, y - r),
            (x + r, y + r),
            (x - r, y + r),
        ],
        Shape::Triangle => {
            let h = (r as f64 * 1.25) as i32;
            vec![(x, y - h), (x + h, y + r), (x - h, y + r)]
        }
        Shape::Diamond => {
            let h = (r as f64 * 1.3) as i32;
            vec![(x, y - h), (x + h, y), (x, y + h), (x - h, y)]
        }
    };
    let style = |c: RGBColor, fill: bool, w: u32| ShapeStyle {
        color: c.into(),
        filled: fill,
        stroke_width: w,
    };
    // A white halo first, so the marker stands off its whisker.
    let halo: Vec<(i32, i32)> = points
        .iter()
        .map(|&(px, py)| (x + (px - x) * 13 / 10, y + (py - y) * 13 / 10))
        .collect();
    canvas
        .root
        .draw(&Polygon::new(halo, style(WHITE, true, 0)))
        .map_err(|e| e.to_string())?;
    if filled {
        canvas
            .root
            .draw(&Polygon::new(points.clone(), style(colour, true, 0)))
            .map_err(|e| e.to_string())?;
    }
    let mut outline = points.clone();
    outline.push(points[0]);
    canvas.line(outline, colour, 4)
}

/// The type size of the values beside the markers and the labels above the whiskers.
const WHISKER_LABEL_SIZE: f64 = 20.0;

/// Each scenario's tag (`A`, `B`, ...), which labels its whiskers when the names
/// do not fit above them, and its text in the key: its name, and its title
/// when the scenarios' titles differ.
fn scenario_key(scenarios: &[ScenarioRef]) -> Vec<(String, String)> {
    let titles_differ = scenarios.windows(2).any(|w| w[0].title != w[1].title);
    scenarios
        .iter()
        .enumerate()
        .map(|(j, sc)| {
            let tag = tag_of(j);
            let text = if !titles_differ || sc.title.trim().is_empty() || sc.title == sc.name {
                sc.name.clone()
            } else {
                format!("{}: {}", sc.name, sc.title)
            };
            (tag, text)
        })
        .collect()
}

/// `A` ... `Z`, then `AA`, `AB`, ...
fn tag_of(j: usize) -> String {
    let letter = |i: usize| char::from(b'A' + (i % 26) as u8);
    if j < 26 {
        letter(j).to_string()
    } else {
        format!("{}{}", letter(j / 26 - 1), letter(j))
    }
}

/// Columns of the scenario key: one row for up to four scenarios, else two or
/// three columns so that each name has room.
fn key_columns(k: usize) -> usize {
    match k {
        0..=2 => k.max(1),
        3..=8 => 2,
        _ => 3,
    }
}

/// What labels each whisker: the scenario's name when every name fits in
/// `room` pixels at `size`, else its tag (which always fits).
fn whisker_labels(
    key: &[(String, String)],
    scenarios: &[ScenarioRef],
    room: i32,
    size: f64,
) -> Vec<String> {
    let names_fit = scenarios
        .iter()
        .all(|sc| text_width(&sc.name, size, false) <= room);
    if names_fit {
        scenarios.iter().map(|sc| sc.name.clone()).collect()
    } else {
        key.iter().map(|(tag, _)| tag.clone()).collect()
    }
}

fn draw_compare<DB: DrawingBackend>(
    canvas: &Canvas<DB>,
    chart: &CompareChart,
) -> Result<(), String> {
    let data = chart.data;
    let metric = chart.metric;
    let scenarios = &data.manifest.scenarios;
    let strategies = &data.manifest.strategies;
    let is_probability = metric == "api_failure";
    let is_money = metric == "total_cost";
    let prefix = currency_prefix(&scenarios[0].currency);
    let scale = if is_probability { 100.0 } else { 1.0 };

    // (point, low, high) per strategy and scenario.
    let mut marks: Vec<Vec<Option<(f64, f64, f64)>>> = Vec::new();
    for s in strategies {
        marks.push(
            scenarios
                .iter()
                .map(|sc| {
                    let r = data
                        .rows
                        .get(&(metric.to_string(), sc.name.clone(), s.id.clone()))?;
                    if is_probability {
                        let p = r.mean.clamp(0.0, 1.0);
                        let (lo, hi) = wilson_95(p, r.n).unwrap_or((p, p));
                        Some((p * scale, lo * scale, hi * scale))
                    } else {
                        Some((r.p50, r.p10, r.p90))
                    }
                })
                .map(|m| m.filter(|(a, b, c)| a.is_finite() && b.is_finite() && c.is_finite()))
                .collect(),
        );
    }

    let hi = marks
        .iter()
        .flatten()
        .flatten()
        .fold(0.0_f64, |m, p| m.max(p.2));
    let lo = marks
        .iter()
        .flatten()
        .flatten()
        .fold(0.0_f64, |m, p| m.min(p.1));
    let top = if is_probability {
        (hi * 1.12).clamp(1.0, 100.0)
    } else {
        hi * 1.08
    };
    let (ylo, yhi, step, ticks) = linear_ticks(lo, top, 6);
    // Values that cannot be negative get no negative axis (linear_ticks rounds 0 out a step).
    let ylo = if lo >= 0.0 { ylo.max(0.0) } else { ylo };
    let ticks: Vec<f64> = ticks.into_iter().filter(|t| *t >= ylo).collect();
    let labels = if is_money {
        money_ticks(&ticks, step, &prefix)
    } else if is_probability {
        plain_ticks(&ticks, step)
            .into_iter()
            .map(|l| format!("{l}%"))
            .collect()
    } else {
        plain_ticks(&ticks, step)
    };
    let y = Axis {
        lo: ylo,
        hi: if is_probability { yhi.min(100.0) } else { yhi },
        log: false,
        ticks: ticks.into_iter().zip(labels).collect(),
    };
    let x = Axis {
        lo: 0.0,
        hi: strategies.len() as f64,
        log: false,
        ticks: Vec::new(),
    };
    let value_text = |v: f64| -> String {
        match metric {
            "total_cost" => money_with_prefix(v, &prefix),
            "build_weeks" => format!("{} wk", short(v, 1)),
            "api_failure" => percent(v / 100.0),
            _ => format!("{} h", short(v, 1)),
        }
    };

    let trials: Vec<u64> = scenarios.iter().map(|s| s.trials).collect();
    let seeds: Vec<u64> = scenarios.iter().map(|s| s.seed).collect();
    let join = |v: &[u64], f: &dyn Fn(u64) -> String| {
        if v.windows(2).all(|w| w[0] == w[1]) {
            f(v[0])
        } else {
            v.iter().map(|x| f(*x)).collect::<Vec<_>>().join(" / ")
        }
    };
    let names: Vec<&str> = scenarios.iter().map(|s| s.name.as_str()).collect();
    // Past two scenarios the key below the title names them; the subtitle counts them.
    let which = if names.len() <= 2 {
        names.join(" vs ")
    } else {
        format!("{} scenarios, named in the key", names.len())
    };
    let subtitle = format!(
        "{which} · {} simulated projects per strategy · seed {}",
        join(&trials, &thousands),
        join(&seeds, &|s| s.to_string())
    );
    let mut notes = vec![if is_probability {
        "Marker: share of simulated projects with at least one API or traffic-surge failure after launch. Whisker: its 95% interval (Wilson score); where narrower than the marker, the marker hides it.".to_string()
    } else {
        "Marker: median (P50). Whisker: P10 to P90, the range of eight in ten simulated projects."
            .to_string()
    }];
    let marks_ref = &marks;
    let missing: Vec<String> = strategies
        .iter()
        .enumerate()
        .flat_map(|(i, s)| {
            scenarios
                .iter()
                .enumerate()
                .filter(move |(j, _)| marks_ref[i][*j].is_none())
                .map(move |(_, sc)| format!("{} is not in {}", s.label, sc.name))
        })
        .collect();
    if !missing.is_empty() {
        notes.push(format!("Not drawn: {}.", missing.join("; ")));
    }
    if is_money
        && scenarios
            .iter()
            .any(|s| s.currency != scenarios[0].currency)
    {
        notes.push(format!(
            "Currencies differ ({}): the axis reads {}, amounts are not converted.",
            scenarios
                .iter()
                .map(|s| format!("{} {}", s.name, s.currency))
                .collect::<Vec<_>>()
                .join(", "),
            scenarios[0].currency
        ));
    }

    let layout = draw_page(
        canvas,
        &Page {
            title: title(metric).to_string(),
            subtitle,
            legend: Vec::new(),
            footnotes: notes,
        },
    )?;

    // The scenario key: marker shape, the whisker's tag, name (and title when the
    // scenarios' titles differ), at one type size in a grid of up to four columns;
    // a text too long for its cell wraps to a second line rather than shrinking.
    let key = scenario_key(scenarios);
    let key_size = canvas::LEGEND_SIZE;
    let avail = canvas::WIDTH as i32 - 2 * canvas::MARGIN;
    let cols = key_columns(scenarios.len());
    let per = avail / cols as i32;
    let line_h = (key_size * 1.2) as i32;
    let rows: Vec<Vec<String>> = key
        .iter()
        .map(|(_, text)| {
            crate::output::chart::text_fit::lines_at(text, per - 96, key_size, 2, false)
        })
        .collect();
    let mut ky = layout.content_top + 6;
    for chunk in (0..scenarios.len()).collect::<Vec<_>>().chunks(cols) {
        let height = chunk.iter().map(|&j| rows[j].len()).max().unwrap_or(1) as i32 * line_h;
        for (c, &j) in chunk.iter().enumerate() {
            let kx = canvas::MARGIN + c as i32 * per;
            let mid = ky + line_h / 2;
            marker(canvas, j, (kx + 14, mid), 11, INK)?;
            if let Some((tag, _)) = key.get(j).filter(|(tag, _)| !tag.is_empty()) {
                canvas.text(
                    tag,
                    (kx + 38, mid),
                    key_size,
                    true,
                    INK,
                    HPos::Left,
                    VPos::Center,
                )?;
            }
            for (l, line) in rows[j].iter().enumerate() {
                canvas.text(
                    line,
                    (kx + 80, mid + l as i32 * line_h),
                    key_size,
                    false,
                    INK,
                    HPos::Left,
                    VPos::Center,
                )?;
            }
        }
        ky += height + 6;
    }
    let key_layout = canvas::PageLayout {
        content_top: ky,
        content_bottom: layout.content_bottom,
    };

    let y_title = match metric {
        "total_cost" => format!("total cost per project ({})", scenarios[0].currency),
        "build_weeks" => "build time until launch (weeks)".to_string(),
        "api_failure" => "chance of ≥1 API or surge failure (%)".to_string(),
        _ => "impact-weighted downtime after launch (hours)".to_string(),
    };
    let mut frame = plot_frame(&key_layout, x, y, 36, 20);
    let colours: Vec<RGBColor> = (0..strategies.len()).map(strategy_colour).collect();
    let labels: Vec<String> = strategies.iter().map(|s| s.label.clone()).collect();
    let categories = Categories {
        labels: &labels,
        colours: Some(&colours),
        max_lines: 2,
    };
    make_room_for_categories(&mut frame, &categories);
    draw_axes(canvas, &frame, "strategy", &y_title, Some(categories))?;

    let k = scenarios.len();
    let slot = (frame.right - frame.left) as f64 / strategies.len().max(1) as f64;
    // Scenarios share the middle 70% of a slot.
    let spread = slot * 0.7;
    let offset = |j: usize| {
        if k == 1 {
            0.0
        } else {
            -spread / 2.0 + spread * (j as f64 + 0.5) / k as f64
        }
    };
    // One size for every value and whisker label of the chart.
    let size = WHISKER_LABEL_SIZE;
    // Whisker labels: the scenarios' names when every one fits above its whisker,
    // else every scenario's tag (A, B, ...) from the key.
    let tags = whisker_labels(&key, scenarios, (spread / k as f64) as i32 - 4, size);
    for (i, colour) in colours.iter().enumerate() {
        let centre = frame.left as f64 + slot * (i as f64 + 0.5);
        for j in 0..scenarios.len() {
            let Some((p, lo, hi)) = marks[i][j] else {
                continue;
            };
            let cx = (centre + offset(j)).round() as i32;
            let (y0, y1, yp) = (frame.py(lo), frame.py(hi), frame.py(p));
            let cap = ((spread / k as f64) * 0.18).clamp(6.0, 22.0) as i32;
            canvas.line(vec![(cx, y0), (cx, y1)], *colour, 5)?;
            // A whisker shorter than the marker hides behind it; caps would only add noise.
            if y0 - y1 > 2 * MARKER_R + 8 {
                canvas.line(vec![(cx - cap, y0), (cx + cap, y0)], *colour, 5)?;
                canvas.line(vec![(cx - cap, y1), (cx + cap, y1)], *colour, 5)?;
            }
            marker(canvas, j, (cx, yp), MARKER_R, *colour)?;
            // The value beside the marker, the scenario's name above the whisker.
            let value = value_text(p);
            // Room up to the next scenario's marker (or the slot's edge for the last one).
            let room = if j + 1 < k {
                (spread / k as f64) as i32 - 2 * MARKER_R - 28
            } else {
                (spread / k as f64) as i32 / 2 + (slot * 0.15) as i32 - MARKER_R - 16
            };
            let (fitted, vsize) = fit_text(&value, room.max(30), size, size, true);
            // A number cut to "$2.…" reads as some other number: when the whole value does
            // not fit beside the marker (three or more scenarios), it is left to the axis.
            if fitted == value {
                canvas.text(
                    &value,
                    (cx + MARKER_R + 8, yp),
                    vsize,
                    true,
                    text_colour(*colour),
                    HPos::Left,
                    VPos::Center,
                )?;
            }
            let name = &tags[j];
            let w = text_width(name, size, false);
            canvas.text(
                name,
                (cx - w / 2, y1 - 8),
                size,
                false,
                MUTED,
                HPos::Left,
                VPos::Bottom,
            )?;
        }
    }
    Ok(())
}
