//! All drawing in tradeoff-sim: the board-deck charts of a run, as PNG and SVG.
//!
//! This module is the only user of plotters. It reads a run folder's saved files
//! (`manifest.json`, `summary.csv`, `histograms.csv`, `comparison.csv`) and draws from them
//! alone, so `tradeoff-sim chart RUN_FOLDER` re-renders a run without re-simulating it. It
//! computes no statistics beyond reading what those files hold, cumulating histogram bins, and
//! the Wilson score interval of a proportion.
//!
//! Text uses DejaVu Sans embedded by [`crate::text`] (from the `dejavu` crate) through plotters' `ab_glyph`
//! feature, so charts render on a machine with no fontconfig and no fonts installed. SVG
//! output is a pure function of the input files (same files, same bytes).
//!
//! Wiring: `run` calls [`render_run_charts`] once the CSVs and the manifest are written
//! (`--charts png|svg|both` maps to [`ChartFormat`], `none` skips the call), and
//! `chart RUN_FOLDER` calls it alone to redraw a run. `sweep` and `compare` call
//! [`render_sweep_charts`] and [`render_compare_charts`] the same way; `chart FOLDER` calls
//! [`render_folder_charts`], which tells the three kinds of folder apart by the manifest's `kind`.

mod canvas;
mod compare;
mod data;
mod layout;
mod run;
mod sweep;
mod sweep_data;
mod text_fit;
mod ticks;
mod tornado;

pub use compare::{COMPARE_METRICS, render_compare_charts};
pub use sweep::render_sweep_charts;

/// The hex colour (`#0072b2`) of the strategy at `index`, as every chart draws it,
/// for pages that draw their own charts (the report's live panel).
pub fn strategy_colour_hex(index: usize) -> String {
    let plotters::style::RGBColor(r, g, b) = run::strategy_colour(index);
    format!("#{r:02x}{g:02x}{b:02x}")
}

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

use plotters::prelude::*;

use crate::output::manifest::{ManifestKind, read_header};

pub use tornado::{
    MAX_BARS as TORNADO_MAX_BARS, TornadoBar, TornadoChart, render_tornado_charts, tornado_png,
    tornado_svg, tornado_text_boxes,
};

pub use layout::TextBox;

pub(crate) use data::read_rows;
pub use data::{
    Bin, ChartData, ComparisonRow, Histogram, Manifest, Marks, Scale, StrategyRef, SummaryRow,
};

/// Which file formats to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChartFormat {
    Png,
    Svg,
    Both,
}

impl ChartFormat {
    fn png(self) -> bool {
        matches!(self, ChartFormat::Png | ChartFormat::Both)
    }

    fn svg(self) -> bool {
        matches!(self, ChartFormat::Svg | ChartFormat::Both)
    }
}

/// One chart of the set; `ChartKind::ALL` fixes the order files are written and returned in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChartKind {
    TotalCost,
    BuildWeeksSCurve,
    ApiFailureProbability,
    EmergencyFixes,
    DowntimeHours,
    Tradeoff,
    CostBreakdown,
    ProbabilityBest,
}

impl ChartKind {
    pub const ALL: [ChartKind; 8] = [
        ChartKind::TotalCost,
        ChartKind::BuildWeeksSCurve,
        ChartKind::ApiFailureProbability,
        ChartKind::EmergencyFixes,
        ChartKind::DowntimeHours,
        ChartKind::Tradeoff,
        ChartKind::CostBreakdown,
        ChartKind::ProbabilityBest,
    ];

    /// The file stem under `charts/`.
    pub fn name(self) -> &'static str {
        match self {
            ChartKind::TotalCost => "total_cost",
            ChartKind::BuildWeeksSCurve => "build_weeks_s_curve",
            ChartKind::ApiFailureProbability => "api_failure_probability",
            ChartKind::EmergencyFixes => "emergency_fixes",
            ChartKind::DowntimeHours => "downtime_hours",
            ChartKind::Tradeoff => "tradeoff",
            ChartKind::CostBreakdown => "cost_breakdown",
            ChartKind::ProbabilityBest => "probability_best",
        }
    }

    /// The chart's title as drawn on it.
    pub fn title(self) -> &'static str {
        run::title(self)
    }
}

/// The decision statistic `stat` of a row of `summary.csv` (its P80, ..., mean).
pub fn decision_value(row: &SummaryRow, stat: crate::scenario::DecisionStat) -> f64 {
    use crate::scenario::DecisionStat;
    match stat {
        DecisionStat::P50 => row.p50,
        DecisionStat::P80 => row.p80,
        DecisionStat::P90 => row.p90,
        DecisionStat::P95 => row.p95,
        DecisionStat::Mean => row.mean,
    }
}

/// The stems of the charts a folder of `kind` has (`charts/<stem>.png` and `.svg`), as
/// its manifest lists them under [`crate::output::CHARTS_KEY`]: only those files are
/// tradeoff-sim's. A sensitivity folder's tornadoes are named by its strategies, so
/// `sensitivity` lists them itself ([`TornadoChart::name`]); check and shard folders
/// have none.
pub fn chart_stems(kind: ManifestKind) -> Vec<&'static str> {
    match kind {
        ManifestKind::Run => ChartKind::ALL.iter().map(|k| k.name()).collect(),
        ManifestKind::Sweep => vec![sweep::SWEEP_CHART],
        ManifestKind::Compare => compare::NAMES.to_vec(),
        ManifestKind::Sensitivity | ManifestKind::Check | ManifestKind::Shard => Vec::new(),
    }
}

/// Everything that can stop a chart from being written.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    #[error("{path}: cannot read: {source}; check that this is a run folder written by `tradeoff-sim run`", path = path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: not a valid run manifest: {source}; rerun `tradeoff-sim run` to rewrite it", path = path.display())]
    Manifest {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("{path}: {source}; the file must have the columns tradeoff-sim writes, rerun `tradeoff-sim run` to rewrite it", path = path.display())]
    Csv { path: PathBuf, source: csv::Error },
    #[error("{path}: {message}; rerun `tradeoff-sim run` to rewrite it", path = path.display())]
    Invalid { path: PathBuf, message: String },
    #[error(
        "{path}:{line}: {column}: {message}; restore the value tradeoff-sim wrote, or rerun `tradeoff-sim {command}` to write the folder again",
        path = path.display()
    )]
    Value {
        path: PathBuf,
        line: u64,
        column: &'static str,
        message: String,
        /// The command that writes the file.
        command: &'static str,
    },
    #[error("{path}: no rows for {what}; rerun `tradeoff-sim run` with this version of tradeoff-sim to write them", path = path.display())]
    Missing { path: PathBuf, what: String },
    #[error(
        "chart {chart}: drawing failed: {message}; this is a bug in tradeoff-sim, please report it with the run folder"
    )]
    Draw {
        chart: &'static str,
        message: String,
    },
    #[error("embedded font: {message}; this is a bug in tradeoff-sim, please report it")]
    Font { message: String },
    #[error("{path}: {message}", path = path.display())]
    Folder { path: PathBuf, message: String },
    #[error(
        "{path}: not a folder tradeoff-sim wrote ({why}); `tradeoff-sim chart` redraws a run folder (manifest.json, summary.csv, histograms.csv and comparison.csv, as `tradeoff-sim run` writes them) or a folder written by `tradeoff-sim sweep` or `tradeoff-sim compare`",
        path = path.display()
    )]
    NotOurFolder { path: PathBuf, why: String },
    #[error("{path}: cannot write: {source}; check that the folder is writable and the disk has space", path = path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Ctrl-C or SIGTERM before a chart was drawn; the charts written are whole.
    #[error("interrupted")]
    Interrupted,
}

impl ChartError {
    /// Whether the folder or its files are at fault (bad usage or bad input, nothing
    /// drawn), rather than drawing or writing the charts.
    pub fn is_bad_input(&self) -> bool {
        match self {
            ChartError::Read { .. }
            | ChartError::Manifest { .. }
            | ChartError::Csv { .. }
            | ChartError::Invalid { .. }
            | ChartError::Value { .. }
            | ChartError::Missing { .. }
            | ChartError::Folder { .. }
            | ChartError::NotOurFolder { .. } => true,
            ChartError::Draw { .. }
            | ChartError::Font { .. }
            | ChartError::Write { .. }
            | ChartError::Interrupted => false,
        }
    }
}

/// Reads summary.csv, histograms.csv, comparison.csv and manifest.json from `run_dir`,
/// writes every chart into `<run_dir>/charts/` atomically (temp file in the same folder, then
/// rename), and returns the paths written in a fixed order: charts in `ChartKind::ALL` order,
/// PNG before SVG for each.
pub fn render_run_charts(run_dir: &Path, format: ChartFormat) -> Result<Vec<PathBuf>, ChartError> {
    render_run_charts_until(run_dir, format, &AtomicBool::new(false))
}

/// [`render_run_charts`], giving up before the next file once `stop` is raised.
fn render_run_charts_until(
    run_dir: &Path,
    format: ChartFormat,
    stop: &AtomicBool,
) -> Result<Vec<PathBuf>, ChartError> {
    let data = ChartData::load(run_dir)?;
    draw_files(
        run_dir,
        &ChartKind::ALL,
        format,
        |kind| kind.name().to_string(),
        |&kind| render_to_png_bytes(&data, kind),
        |&kind| render_to_svg_string(&data, kind),
        stop,
    )
}

/// Draws every chart of `charts` in the chosen formats and writes them into
/// `<dir>/charts/`, returning the paths in order: charts in the order given, PNG
/// before SVG for each.
///
/// The drawings are pure functions of their data, each written to its own file,
/// so they are drawn and written at once on the pool's workers (drawn one by one,
/// a run's fourteen files were a fifth of the README's command): the files and
/// the order of the paths returned are the same whatever the thread count. Each file is written
/// as soon as it is drawn, so that no more than one drawing per worker is held.
pub(crate) fn draw_files<T: Sync>(
    dir: &Path,
    charts: &[T],
    format: ChartFormat,
    stem: impl Fn(&T) -> String + Sync + Send,
    png: impl Fn(&T) -> Result<Vec<u8>, ChartError> + Sync + Send,
    svg: impl Fn(&T) -> Result<String, ChartError> + Sync + Send,
    stop: &AtomicBool,
) -> Result<Vec<PathBuf>, ChartError> {
    let out = dir.join("charts");
    std::fs::create_dir_all(&out).map_err(|source| ChartError::Write {
        path: out.clone(),
        source,
    })?;
    let formats = [(format.png(), "png"), (format.svg(), "svg")];
    let files: Vec<(&T, &str)> = charts
        .iter()
        .flat_map(|chart| {
            formats
                .iter()
                .filter(|(wanted, _)| *wanted)
                .map(move |&(_, extension)| (chart, extension))
        })
        .collect();
    let written = crate::engine::map_in_order_here(&files, |&(chart, extension)| {
        check_stop(stop)?;
        let path = out.join(format!("{}.{extension}", stem(chart)));
        if extension == "png" {
            write_atomic(&path, &png(chart)?)?;
        } else {
            write_atomic(&path, svg(chart)?.as_bytes())?;
        }
        Ok(path)
    });
    written.into_iter().collect()
}

/// Draws one chart as an SVG document. The same data always gives the same bytes.
pub fn render_to_svg_string(data: &ChartData, kind: ChartKind) -> Result<String, ChartError> {
    ensure_font()?;
    let mut svg = String::new();
    {
        let root =
            SVGBackend::with_string(&mut svg, (canvas::WIDTH, canvas::HEIGHT)).into_drawing_area();
        run::draw(&root, data, kind)?;
        root.present().map_err(|e| ChartError::Draw {
            chart: kind.name(),
            message: e.to_string(),
        })?;
    }
    Ok(svg)
}

/// Draws one chart as PNG file bytes (8-bit RGB, `canvas::WIDTH` x `canvas::HEIGHT`).
pub fn render_to_png_bytes(data: &ChartData, kind: ChartKind) -> Result<Vec<u8>, ChartError> {
    ensure_font()?;
    let (w, h) = (canvas::WIDTH, canvas::HEIGHT);
    let mut pixels = vec![0u8; w as usize * h as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (w, h)).into_drawing_area();
        run::draw(&root, data, kind)?;
        root.present().map_err(|e| ChartError::Draw {
            chart: kind.name(),
            message: e.to_string(),
        })?;
    }
    let encode_err = |e: png::EncodingError| ChartError::Draw {
        chart: kind.name(),
        message: format!("png encoding: {e}"),
    };
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, w, h);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(encode_err)?;
    writer.write_image_data(&pixels).map_err(encode_err)?;
    writer.finish().map_err(encode_err)?;
    Ok(bytes)
}

/// Every piece of text one run chart draws and where its ink lands on the page, for
/// checking that nothing overlaps or runs off the page whatever the labels.
pub fn text_boxes(data: &ChartData, kind: ChartKind) -> Result<Vec<TextBox>, ChartError> {
    layout::record(|root| run::draw(root, data, kind))
}

/// The text boxes of every chart `tradeoff-sim chart DIR` would draw for a run, sweep or
/// compare folder, each with its file stem, in the order the charts are written.
pub fn folder_text_boxes(dir: &Path) -> Result<Vec<(String, Vec<TextBox>)>, ChartError> {
    match folder_kind(dir)? {
        FolderKind::Run => {
            let data = ChartData::load(dir)?;
            ChartKind::ALL
                .iter()
                .map(|&kind| Ok((kind.name().to_string(), text_boxes(&data, kind)?)))
                .collect()
        }
        FolderKind::Sweep => Ok(vec![layout::drawing_boxes(&sweep::load(dir)?)?]),
        FolderKind::Compare => compare::text_boxes(dir),
    }
}

/// Which command wrote a folder, from its manifest's `kind` (a run's manifest has none).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FolderKind {
    Run,
    Sweep,
    Compare,
}

/// Reads `<dir>/manifest.json` and says which command wrote the folder; a path that
/// is no folder, or a folder without a tradeoff-sim manifest, is named as such.
pub fn folder_kind(dir: &Path) -> Result<FolderKind, ChartError> {
    let not_ours = |why: &str| ChartError::NotOurFolder {
        path: dir.to_path_buf(),
        why: why.to_string(),
    };
    if !dir.exists() {
        return Err(not_ours("no such folder"));
    }
    if !dir.is_dir() {
        return Err(not_ours("a file, not a folder"));
    }
    let path = dir.join(data::MANIFEST_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(not_ours("it has no manifest.json"));
        }
        Err(source) => return Err(ChartError::Read { path, source }),
    };
    let header = read_header(text.as_bytes()).map_err(|source| ChartError::Manifest {
        path: path.clone(),
        source,
    })?;
    let kind = match header.kind {
        Ok(ManifestKind::Run) => FolderKind::Run,
        Ok(ManifestKind::Sweep) => FolderKind::Sweep,
        Ok(ManifestKind::Compare) => FolderKind::Compare,
        // Folders with charts `chart` does not draw, or none: say what to do instead.
        Ok(ManifestKind::Sensitivity) => {
            return Err(ChartError::Folder {
                path: dir.to_path_buf(),
                message: format!(
                    "a sensitivity folder: its tornado charts are drawn by `tradeoff-sim sensitivity` as it runs, into {}, and `tradeoff-sim chart` does not redraw them; for other formats run the sensitivity again with --charts png|svg|both (the same seed gives the same numbers)",
                    dir.join("charts").display()
                ),
            });
        }
        Ok(ManifestKind::Check) => {
            return Err(ChartError::Folder {
                path: dir.to_path_buf(),
                message: "a check folder: its result is claims.csv (and the table `tradeoff-sim check` prints), and it has no charts; `tradeoff-sim chart` redraws run, sweep and compare folders".to_string(),
            });
        }
        Ok(ManifestKind::Shard) => {
            return Err(ChartError::Folder {
                path: dir.to_path_buf(),
                message: "a shard folder holds only part of a run and has no charts; join every shard with `tradeoff-sim merge`, which draws the run's charts (--charts)".to_string(),
            });
        }
        Err(other) => {
            return Err(ChartError::Folder {
                path,
                message: format!(
                    "kind `{other}` has no charts; `tradeoff-sim chart` redraws run, sweep and compare folders"
                ),
            });
        }
    };
    if !header.is_ours() {
        return Err(not_ours(
            "its manifest.json was not written by tradeoff-sim",
        ));
    }
    Ok(kind)
}

/// Redraws the charts of any folder tradeoff-sim wrote (run, sweep or compare), from its
/// saved files alone.
pub fn render_folder_charts(dir: &Path, format: ChartFormat) -> Result<Vec<PathBuf>, ChartError> {
    render_folder_charts_until(dir, format, &AtomicBool::new(false))
}

/// [`render_folder_charts`] for `tradeoff-sim chart`, which Ctrl-C must end: once `stop`
/// is raised, no further chart is drawn and [`ChartError::Interrupted`] is returned. Every
/// chart already written is whole (each is written atomically).
pub fn render_folder_charts_until(
    dir: &Path,
    format: ChartFormat,
    stop: &AtomicBool,
) -> Result<Vec<PathBuf>, ChartError> {
    match folder_kind(dir)? {
        FolderKind::Run => render_run_charts_until(dir, format, stop),
        FolderKind::Sweep => sweep::render_sweep_charts_until(dir, format, stop),
        FolderKind::Compare => compare::render_compare_charts_until(dir, format, stop),
    }
}

/// `Err(Interrupted)` once `stop` is raised: checked before each chart file.
fn check_stop(stop: &AtomicBool) -> Result<(), ChartError> {
    if stop.load(Ordering::SeqCst) {
        return Err(ChartError::Interrupted);
    }
    Ok(())
}

/// A page the sweep and compare renderers draw: one trait so that both backends share one
/// drawing function.
trait Drawing {
    /// The file stem under `charts/`, also named in drawing errors.
    fn name(&self) -> &'static str;
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, plotters::coord::Shift>,
    ) -> Result<(), ChartError>;
}

fn drawing_svg(d: &impl Drawing) -> Result<String, ChartError> {
    ensure_font()?;
    let mut svg = String::new();
    {
        let root =
            SVGBackend::with_string(&mut svg, (canvas::WIDTH, canvas::HEIGHT)).into_drawing_area();
        d.draw(&root)?;
        root.present().map_err(|e| ChartError::Draw {
            chart: d.name(),
            message: e.to_string(),
        })?;
    }
    Ok(svg)
}

fn drawing_png(d: &impl Drawing) -> Result<Vec<u8>, ChartError> {
    ensure_font()?;
    let (w, h) = (canvas::WIDTH, canvas::HEIGHT);
    let mut pixels = vec![0u8; w as usize * h as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (w, h)).into_drawing_area();
        d.draw(&root)?;
        root.present().map_err(|e| ChartError::Draw {
            chart: d.name(),
            message: e.to_string(),
        })?;
    }
    let encode_err = |e: png::EncodingError| ChartError::Draw {
        chart: d.name(),
        message: format!("png encoding: {e}"),
    };
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, w, h);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(encode_err)?;
    writer.write_image_data(&pixels).map_err(encode_err)?;
    writer.finish().map_err(encode_err)?;
    Ok(bytes)
}

/// Writes one drawing into `<dir>/charts/` in the chosen formats, PNG before SVG, and appends
/// the paths to `written`.
fn write_drawing(
    dir: &Path,
    d: &impl Drawing,
    format: ChartFormat,
    written: &mut Vec<PathBuf>,
    stop: &AtomicBool,
) -> Result<(), ChartError> {
    let charts = dir.join("charts");
    std::fs::create_dir_all(&charts).map_err(|source| ChartError::Write {
        path: charts.clone(),
        source,
    })?;
    if format.png() {
        check_stop(stop)?;
        let path = charts.join(format!("{}.png", d.name()));
        write_atomic(&path, &drawing_png(d)?)?;
        written.push(path);
    }
    if format.svg() {
        check_stop(stop)?;
        let path = charts.join(format!("{}.svg", d.name()));
        write_atomic(&path, drawing_svg(d)?.as_bytes())?;
        written.push(path);
    }
    Ok(())
}

/// Registers DejaVu Sans (regular and bold) with plotters once per process. The font comes
/// from [`crate::text`], which embeds it, so no system font or fontconfig is ever looked up.
fn ensure_font() -> Result<(), ChartError> {
    static REGISTERED: OnceLock<Result<(), String>> = OnceLock::new();
    REGISTERED
        .get_or_init(|| {
            use plotters::style::{FontStyle, register_font};
            register_font("sans-serif", FontStyle::Normal, crate::text::font_regular())
                .map_err(|_| "DejaVu Sans regular does not parse".to_string())?;
            register_font("sans-serif", FontStyle::Bold, crate::text::font_bold())
                .map_err(|_| "DejaVu Sans bold does not parse".to_string())?;
            Ok(())
        })
        .clone()
        .map_err(|message| ChartError::Font { message })
}

/// [`crate::output::write_atomic`] (a temporary file in the same folder, flushed, synced,
/// renamed over `path`), its failure told as a chart that cannot be written: a reader never
/// sees half a chart and a failed write leaves the old chart in place.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), ChartError> {
    crate::output::write_atomic(path, bytes).map_err(|e| ChartError::Write {
        path: path.to_path_buf(),
        source: match e {
            crate::output::OutputError::Io { source, .. } => source,
            other => std::io::Error::other(other.to_string()),
        },
    })
}
