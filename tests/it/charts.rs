//! Chart rendering from hand-made run folders: every chart in both formats, PNG dimensions,
//! well-formed SVG with its title and axis labels, degenerate data, and byte-stable SVG.

use std::path::Path;

use crate::chart_fixture::{self as fixture, Fixture, Outcome, model_trial};
use crate::common::{run_in, stderr};
use tradeoff_sim::output::chart::{
    Bin, ChartData, ChartFormat, ChartKind, Marks, TextBox, TornadoBar, TornadoChart,
    render_run_charts, render_to_png_bytes, render_to_svg_string, text_boxes, tornado_text_boxes,
};

const SEED_STRATEGIES: [(&str, &str); 3] = [
    ("backend_led", "Backend-led"),
    ("ux_led", "UX-led"),
    ("hybrid", "Hybrid (g = 0.5)"),
];

fn seed_fixture(trials: usize) -> Fixture {
    Fixture::generate(&SEED_STRATEGIES, trials, model_trial)
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    assert_eq!(&bytes[12..16], b"IHDR");
    let w = u32::from_be_bytes([bytes[16], bytes[17], bytes[18], bytes[19]]);
    let h = u32::from_be_bytes([bytes[20], bytes[21], bytes[22], bytes[23]]);
    (w, h)
}

/// Checks that every opened tag is closed in order (the SVG backend writes no CDATA or
/// comments, so a tag scanner is enough).
fn assert_well_formed(svg: &str) {
    let mut stack: Vec<String> = Vec::new();
    let mut rest = svg;
    while let Some(start) = rest.find('<') {
        let end = rest[start..].find('>').expect("unclosed <") + start;
        let tag = &rest[start + 1..end];
        rest = &rest[end + 1..];
        if tag.starts_with('?') || tag.starts_with('!') || tag.ends_with('/') {
            continue;
        }
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| !c.is_whitespace())
            .collect();
        if tag.starts_with('/') {
            assert_eq!(
                stack.pop().as_deref(),
                Some(name.as_str()),
                "mismatched </{name}>"
            );
        } else {
            stack.push(name);
        }
    }
    assert!(stack.is_empty(), "unclosed tags: {stack:?}");
}

fn assert_renders_everything(dir: &Path) {
    let written = render_run_charts(dir, ChartFormat::Both).expect("charts render");
    assert_eq!(written.len(), 16);
    for (i, kind) in ChartKind::ALL.iter().enumerate() {
        assert_eq!(
            written[2 * i],
            dir.join("charts").join(format!("{}.png", kind.name()))
        );
        assert_eq!(
            written[2 * i + 1],
            dir.join("charts").join(format!("{}.svg", kind.name()))
        );
        let png = std::fs::read(&written[2 * i]).unwrap();
        let (w, h) = png_size(&png);
        assert!(w >= 1920 && h >= 1080, "{}: {w}x{h}", kind.name());
        assert!(
            png.len() > 20_000,
            "{}: a {}-byte PNG is blank",
            kind.name(),
            png.len()
        );
        let svg = std::fs::read_to_string(&written[2 * i + 1]).unwrap();
        assert_well_formed(&svg);
        assert!(
            svg.contains(&escape(kind.title())),
            "{} lacks its title",
            kind.name()
        );
        for label in axis_labels(*kind) {
            assert!(
                svg.contains(&escape(label)),
                "{} lacks its axis label {label:?}",
                kind.name()
            );
        }
    }
    let leftovers: Vec<_> = std::fs::read_dir(dir.join("charts"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left behind");
}

/// Axis titles (or the part of them that does not depend on the run) each chart must show.
fn axis_labels(kind: ChartKind) -> [&'static str; 2] {
    match kind {
        ChartKind::TotalCost => [
            "total cost per project (",
            "share of simulated projects (%)",
        ],
        ChartKind::BuildWeeksSCurve => [
            "build time until launch (weeks)",
            "projects launched by then (%)",
        ],
        ChartKind::ApiFailureProbability => [
            "strategy",
            "chance of ≥1 API or surge failure after launch (%)",
        ],
        ChartKind::EmergencyFixes => ["(count)", "share of simulated projects (%)"],
        ChartKind::DowntimeHours => ["(hours, log scale)", "share of simulated projects (%)"],
        ChartKind::Tradeoff => [
            "build time until launch (weeks)",
            "total cost per project (",
        ],
        ChartKind::CostBreakdown => ["strategy", "mean cost per project ("],
        ChartKind::ProbabilityBest => [
            "headline metric (lower is better)",
            "chance of being best (%)",
        ],
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn constant(_: &mut fixture::Rng, _: &str) -> Outcome {
    let mut o = Outcome::new();
    for (metric, _, _) in fixture::METRICS {
        o.insert(metric, 0.0);
    }
    o.insert("build_weeks", 24.0);
    o.insert("build_cost", 1.2e6);
    o.insert("total_cost", 1.2e6);
    o.insert("emergency_fixes", 3.0);
    o.insert("budget_overrun", 1.0);
    o
}

#[test]
fn renders_every_chart_in_both_formats_from_a_run_folder() {
    let dir = tempfile::tempdir().unwrap();
    seed_fixture(4000).write(dir.path());
    assert_renders_everything(dir.path());
}

#[test]
fn svg_contains_title_axis_labels_and_money() {
    let dir = tempfile::tempdir().unwrap();
    seed_fixture(2000).write(dir.path());
    let data = ChartData::load(dir.path()).unwrap();
    let svg = render_to_svg_string(&data, ChartKind::Tradeoff).unwrap();
    assert!(svg.contains("build time until launch (weeks)"));
    assert!(svg.contains("total cost"));
    assert!(
        svg.contains("2,000 simulated projects"),
        "trials need thousands separators"
    );
    assert!(
        svg.contains("$2") || svg.contains("$1") || svg.contains("$3"),
        "money as $x.ym"
    );
    let svg = render_to_svg_string(&data, ChartKind::BuildWeeksSCurve).unwrap();
    assert!(svg.contains("target: week 30"));
    assert!(svg.contains("projects launched by then (%)"));
    let svg = render_to_svg_string(&data, ChartKind::EmergencyFixes).unwrap();
    assert!(
        svg.contains("in the first six months after launch"),
        "the manifest's 26-week horizon is named"
    );
}

#[test]
fn the_chance_of_being_best_names_api_failures_without_the_surges_it_does_not_count() {
    // `api_failures` counts API failures only; the failure-probability chart counts
    // traffic-surge failures too, so the two must not share one name.
    let dir = tempfile::tempdir().unwrap();
    seed_fixture(2000).write(dir.path());
    let data = ChartData::load(dir.path()).unwrap();
    // The category label may wrap onto two lines: read the chart's lines in order.
    let text: Vec<String> = text_boxes(&data, ChartKind::ProbabilityBest)
        .unwrap()
        .into_iter()
        .map(|b| b.text)
        .collect();
    assert!(
        text.join(" ")
            .contains("API failures, not counting traffic surges"),
        "the metric is named exactly: {text:?}"
    );
}

#[test]
fn rendering_twice_gives_the_same_svg_bytes() {
    let dir = tempfile::tempdir().unwrap();
    seed_fixture(2000).write(dir.path());
    let first = ChartData::load(dir.path()).unwrap();
    let second = ChartData::load(dir.path()).unwrap();
    for kind in ChartKind::ALL {
        assert_eq!(
            render_to_svg_string(&first, kind).unwrap(),
            render_to_svg_string(&second, kind).unwrap(),
            "{}",
            kind.name()
        );
    }
}

#[test]
fn all_values_equal_still_renders() {
    let dir = tempfile::tempdir().unwrap();
    Fixture::generate(&SEED_STRATEGIES, 50, constant).write(dir.path());
    assert_renders_everything(dir.path());
}

#[test]
fn a_single_trial_still_renders() {
    let dir = tempfile::tempdir().unwrap();
    Fixture::generate(&SEED_STRATEGIES, 1, model_trial).write(dir.path());
    assert_renders_everything(dir.path());
}

#[test]
fn one_strategy_only_is_best_with_certainty() {
    let dir = tempfile::tempdir().unwrap();
    let mut f = Fixture::generate(&SEED_STRATEGIES[..1], 500, model_trial);
    f.strategies[0].1 = "Backend-led & <partners>".to_string();
    f.target_build_weeks = None;
    f.currency = "EUR".to_string();
    f.write(dir.path());
    assert_renders_everything(dir.path());
    let data = ChartData::load(dir.path()).unwrap();
    assert_eq!(data.p_best("total_cost", "backend_led").unwrap(), 1.0);
    let svg = render_to_svg_string(&data, ChartKind::ProbabilityBest).unwrap();
    assert!(svg.contains("100%"));
    let svg = render_to_svg_string(&data, ChartKind::TotalCost).unwrap();
    assert!(svg.contains('€'), "EUR money is written with €");
    assert!(
        svg.contains("Backend-led &amp; &lt;partners&gt;"),
        "labels are escaped"
    );
}

#[test]
fn a_strategy_with_zero_failures_in_every_trial_renders() {
    let dir = tempfile::tempdir().unwrap();
    Fixture::generate(&SEED_STRATEGIES, 500, |rng, id| {
        let mut o = model_trial(rng, id);
        if id == "backend_led" {
            for metric in [
                "api_failure",
                "api_failures",
                "downtime_hours",
                "downtime_loss",
                "churn_loss",
            ] {
                o.insert(metric, 0.0);
            }
        }
        o
    })
    .write(dir.path());
    assert_renders_everything(dir.path());
    let data = ChartData::load(dir.path()).unwrap();
    let svg = render_to_svg_string(&data, ChartKind::ApiFailureProbability).unwrap();
    assert!(
        svg.contains("0% (at most "),
        "zero failures show the interval's upper end"
    );
}

#[test]
fn huge_outliers_are_cut_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let mut f = seed_fixture(3000);
    for (i, trial) in f.outcomes[1].iter_mut().enumerate().take(10) {
        trial.insert("total_cost", 1e12 + i as f64);
        trial.insert("downtime_hours", 1e7);
    }
    f.write(dir.path());
    assert_renders_everything(dir.path());
    let data = ChartData::load(dir.path()).unwrap();
    let svg = render_to_svg_string(&data, ChartKind::TotalCost).unwrap();
    assert!(
        svg.contains("Trials not shown, above"),
        "the cut tail is reported on the chart"
    );
}

#[test]
fn many_strategies_render() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<(String, String)> = (0..50)
        .map(|i| (format!("s{i}"), format!("Strategy number {i}")))
        .collect();
    let refs: Vec<(&str, &str)> = ids.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    Fixture::generate(&refs, 200, model_trial).write(dir.path());
    let written = render_run_charts(dir.path(), ChartFormat::Svg).unwrap();
    assert_eq!(written.len(), 8);
    for path in written {
        assert_well_formed(&std::fs::read_to_string(path).unwrap());
    }
}

#[test]
fn a_missing_file_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    seed_fixture(100).write(dir.path());
    std::fs::remove_file(dir.path().join("histograms.csv")).unwrap();
    let err = render_run_charts(dir.path(), ChartFormat::Png)
        .unwrap_err()
        .to_string();
    assert!(err.contains("histograms.csv"), "{err}");
    assert!(err.starts_with(|c: char| !c.is_uppercase()), "{err}");
}

/// Writes the seed-like fixture's charts to `$CHARTS_PREVIEW_DIR` for a person to look at.
#[test]
fn preview_when_asked() {
    let Ok(dir) = std::env::var("CHARTS_PREVIEW_DIR") else {
        return;
    };
    let mut f = Fixture::generate(
        &[
            ("backend_led", "Backend-led"),
            ("ux_led", "UX-led"),
            ("hybrid_ironclad", "Hybrid, ironclad governance"),
            ("hybrid_weak", "Hybrid, weak governance"),
        ],
        200_000,
        model_trial,
    );
    f.title = "Seed article calibration".to_string();
    f.write(Path::new(&dir));
    render_run_charts(Path::new(&dir), ChartFormat::Both).unwrap();

    let constant_dir = Path::new(&dir).join("constant");
    Fixture::generate(&SEED_STRATEGIES, 50, constant).write(&constant_dir);
    render_run_charts(&constant_dir, ChartFormat::Png).unwrap();
    let single_dir = Path::new(&dir).join("single_trial");
    Fixture::generate(&SEED_STRATEGIES, 1, model_trial).write(&single_dir);
    render_run_charts(&single_dir, ChartFormat::Png).unwrap();
    let zero_dir = Path::new(&dir).join("zero_failures");
    Fixture::generate(&SEED_STRATEGIES, 2000, |rng, id| {
        let mut o = model_trial(rng, id);
        if id == "backend_led" {
            for metric in ["api_failure", "api_failures", "downtime_hours"] {
                o.insert(metric, 0.0);
            }
        }
        o
    })
    .write(&zero_dir);
    render_run_charts(&zero_dir, ChartFormat::Png).unwrap();
    let one_dir = Path::new(&dir).join("one_strategy");
    let mut one = Fixture::generate(&SEED_STRATEGIES[..1], 5000, model_trial);
    one.currency = "CHF".to_string();
    one.target_build_weeks = None;
    one.write(&one_dir);
    render_run_charts(&one_dir, ChartFormat::Png).unwrap();
    let many_dir = Path::new(&dir).join("many");
    let ids: Vec<(String, String)> = (0..50)
        .map(|i| (format!("s{i}"), format!("Strategy number {i}")))
        .collect();
    let refs: Vec<(&str, &str)> = ids.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    Fixture::generate(&refs, 300, model_trial).write(&many_dir);
    render_run_charts(&many_dir, ChartFormat::Png).unwrap();
}

#[test]
fn nan_statistics_and_a_histogram_of_only_overflow_draw_without_panicking() {
    // The files are checked when read (below); the drawing code must still not panic
    // on whatever a caller of the library puts into a ChartData.
    let dir = tempfile::tempdir().unwrap();
    seed_fixture(200).write(dir.path());
    let mut data = ChartData::load(dir.path()).unwrap();
    for ((_, strategy), row) in data.summary.iter_mut() {
        if strategy == "backend_led" {
            for v in [
                &mut row.mean,
                &mut row.min,
                &mut row.p10,
                &mut row.p50,
                &mut row.p80,
                &mut row.p90,
                &mut row.p95,
                &mut row.max,
            ] {
                *v = f64::NAN;
            }
        }
    }
    for metric in ["total_cost", "downtime_hours"] {
        let h = data
            .histograms
            .get_mut(&(metric.to_string(), "ux_led".to_string()))
            .unwrap();
        h.bins.clear();
        h.overflow = Some(fixture_bin(1e6, f64::INFINITY, 200.0));
        h.marks = Marks {
            mean: f64::NAN,
            p10: f64::NAN,
            p50: f64::NAN,
            p80: f64::NAN,
            p90: f64::NAN,
            p95: f64::NAN,
        };
    }
    for kind in ChartKind::ALL {
        assert_well_formed(&render_to_svg_string(&data, kind).unwrap());
        assert_eq!(
            png_size(&render_to_png_bytes(&data, kind).unwrap()),
            (1920, 1080)
        );
    }
}

fn fixture_bin(low: f64, high: f64, count: f64) -> Bin {
    Bin { low, high, count }
}

/// Sets one cell of a CSV file the fixture wrote (no quoted fields): `line` is 1-based
/// (line 1 is the header), `column` a header name.
fn set_cell(path: &Path, line: usize, column: &str, value: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let index = lines[0]
        .split(',')
        .position(|c| c == column)
        .unwrap_or_else(|| panic!("no column {column} in {}", path.display()));
    let mut cells: Vec<String> = lines[line - 1].split(',').map(str::to_string).collect();
    cells[index] = value.to_string();
    lines[line - 1] = cells.join(",");
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
}

/// The cell at `line` and `column` of a CSV file the fixture wrote.
fn cell(path: &Path, line: usize, column: &str) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let index = lines[0].split(',').position(|c| c == column).unwrap();
    lines[line - 1].split(',').nth(index).unwrap().to_string()
}

/// Every file under `dir` with its bytes, by path relative to `dir`.
fn files(dir: &Path) -> std::collections::BTreeMap<std::path::PathBuf, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    let mut todo = vec![std::path::PathBuf::new()];
    while let Some(rel) = todo.pop() {
        for entry in std::fs::read_dir(dir.join(&rel)).unwrap() {
            let entry = entry.unwrap();
            let path = rel.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                todo.push(path);
            } else {
                out.insert(path.clone(), std::fs::read(dir.join(&path)).unwrap());
            }
        }
    }
    out
}

#[test]
fn chart_refuses_impossible_values_naming_file_line_and_column_and_keeps_the_charts() {
    // (file, line, column, value written, column named, phrase of the message)
    let cases: &[(&str, usize, &str, &str, &str, &str)] = &[
        ("summary.csv", 2, "mean", "NaN", "mean", "finite"),
        ("summary.csv", 3, "p50", "inf", "p50", "finite"),
        ("summary.csv", 4, "min", "-1", "min", ">= 0"),
        ("summary.csv", 5, "n", "0", "n", "trial count"),
        ("summary.csv", 6, "n", "199.5", "n", "trial count"),
        ("summary.csv", 29, "p80", "0", "p80", ">= p50"),
        ("summary.csv", 8, "mean", "1e300", "mean", "between min"),
        (
            "histograms.csv",
            2,
            "count",
            "-3",
            "count",
            "whole number >= 0",
        ),
        (
            "histograms.csv",
            3,
            "count",
            "NaN",
            "count",
            "whole number >= 0",
        ),
        (
            "histograms.csv",
            4,
            "count",
            "inf",
            "count",
            "whole number >= 0",
        ),
        (
            "histograms.csv",
            5,
            "count",
            "2.5",
            "count",
            "whole number >= 0",
        ),
        ("histograms.csv", 6, "bin_high", "NaN", "bin_high", "finite"),
        (
            "histograms.csv",
            7,
            "bin_high",
            "-1e9",
            "bin_high",
            ">= bin_low",
        ),
        ("histograms.csv", 8, "p95", "-inf", "p95", "finite"),
        ("histograms.csv", 9, "n", "3", "n", "trial count"),
        (
            "comparison.csv",
            2,
            "p_best_a",
            "1.5",
            "p_best_a",
            "probability",
        ),
        (
            "comparison.csv",
            3,
            "p_best_b",
            "NaN",
            "p_best_b",
            "probability",
        ),
    ];
    for &(file, line, column, value, named, phrase) in cases {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("run");
        seed_fixture(200).write(&dir);
        render_run_charts(&dir, ChartFormat::Svg).unwrap();
        set_cell(&dir.join(file), line, column, value);
        let before = files(tmp.path());
        let o = run_in(tmp.path(), &["chart", "run", "--charts", "svg"]);
        let err = stderr(&o);
        let label = format!("{file}:{line} {column} = {value}");
        assert_eq!(o.status.code(), Some(2), "{label}: {err}");
        assert!(
            err.starts_with(&format!("error: run/{file}:{line}: {named}: "))
                && err.contains(phrase),
            "{label}: {err}"
        );
        assert!(!err.contains("panicked"), "{label}: {err}");
        assert_eq!(
            files(tmp.path()),
            before,
            "{label}: the earlier charts are kept"
        );
    }
}

#[test]
fn chart_refuses_histogram_counts_that_do_not_add_up_to_the_trials() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("run");
    seed_fixture(200).write(&dir);
    let path = dir.join("histograms.csv");
    let count: f64 = cell(&path, 2, "count").parse().unwrap();
    set_cell(&path, 2, "count", &(count + 1.0).to_string());
    let o = run_in(tmp.path(), &["chart", "run"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.starts_with("error: run/histograms.csv:")
            && err.contains(": count: ")
            && err.contains("201"),
        "{err}"
    );
    assert!(!dir.join("charts").exists(), "no chart written");
}

/// Text boxes of one page with a label's white halo (the same string drawn a few pixels
/// around itself) merged into one box.
fn merged(boxes: &[TextBox]) -> Vec<TextBox> {
    let mut out: Vec<TextBox> = Vec::new();
    for b in boxes {
        match out.iter_mut().find(|o| {
            o.text == b.text && (o.left - b.left).abs() <= 4 && (o.top - b.top).abs() <= 4
        }) {
            Some(o) => {
                o.left = o.left.min(b.left);
                o.top = o.top.min(b.top);
                o.right = o.right.max(b.right);
                o.bottom = o.bottom.max(b.bottom);
            }
            None => out.push(b.clone()),
        }
    }
    out
}

/// Every string lies on the page and no two overlap.
pub fn assert_text_fits(chart: &str, boxes: &[TextBox]) {
    let boxes = merged(boxes);
    for b in &boxes {
        assert!(b.on_page(), "{chart}: {b:?} runs off the 1920 x 1080 page");
    }
    for (i, a) in boxes.iter().enumerate() {
        for b in &boxes[i + 1..] {
            assert!(!a.overlaps(b), "{chart}: {a:?} overlaps {b:?}");
        }
    }
}

/// `text` repeated and cut to exactly `chars` characters.
pub fn label_of(text: &str, chars: usize) -> String {
    text.chars().cycle().take(chars).collect()
}

/// Three labels of the longest length a scenario allows: two in words, one of the widest
/// letter with nowhere to break it.
fn longest_labels() -> Vec<(&'static str, String)> {
    let n = tradeoff_sim::scenario::MAX_LABEL_CHARS;
    vec![
        (
            "backend_led",
            label_of(
                "Backend-led, staged rollout with a platform team and flags ",
                n,
            ),
        ),
        (
            "ux_led",
            label_of(
                "UX-led with an external agency and a design system first ",
                n,
            ),
        ),
        ("hybrid", label_of("W", n)),
    ]
}

fn fixture_with_labels(labels: &[(&str, String)], trials: usize) -> Fixture {
    let refs: Vec<(&str, &str)> = labels.iter().map(|(id, l)| (*id, l.as_str())).collect();
    Fixture::generate(&refs, trials, model_trial)
}

#[test]
fn labels_of_the_longest_allowed_length_stay_on_the_page_and_clear_of_other_text_on_every_chart() {
    let dir = tempfile::tempdir().unwrap();
    fixture_with_labels(&longest_labels(), 2000).write(dir.path());
    let data = ChartData::load(dir.path()).unwrap();
    for kind in ChartKind::ALL {
        let boxes = text_boxes(&data, kind).unwrap();
        assert_text_fits(kind.name(), &boxes);
    }
}

/// Whether `label` is on the page whole, at `min_size` or larger: on one line, or on two
/// lines one under the other (broken at a space, or inside a word too wide for a line).
fn shown_whole(boxes: &[TextBox], label: &str, min_size: f64) -> bool {
    let readable: Vec<&TextBox> = boxes.iter().filter(|b| b.size >= min_size).collect();
    readable.iter().any(|a| {
        a.text == label
            || readable.iter().any(|b| {
                let below = b.top > a.top
                    && b.top - a.bottom < (a.size as i32)
                    && b.left < a.right
                    && a.left < b.right;
                below
                    && (format!("{} {}", a.text, b.text) == label
                        || format!("{}{}", a.text, b.text) == label)
            })
    })
}

#[test]
fn labels_of_the_longest_allowed_length_are_shown_whole_and_readable_under_bars_and_beside_points()
{
    let dir = tempfile::tempdir().unwrap();
    let labels = longest_labels();
    fixture_with_labels(&labels, 2000).write(dir.path());
    let data = ChartData::load(dir.path()).unwrap();
    for (kind, min_size) in [
        (ChartKind::ApiFailureProbability, 18.0),
        (ChartKind::CostBreakdown, 18.0),
        (ChartKind::Tradeoff, 20.0),
    ] {
        let boxes = text_boxes(&data, kind).unwrap();
        for (_, label) in &labels {
            assert!(
                shown_whole(&boxes, label, min_size),
                "{}: {label:?} is not shown whole at {min_size} px or more; text drawn:\n{:#?}",
                kind.name(),
                boxes.iter().map(|b| (&b.text, b.size)).collect::<Vec<_>>()
            );
        }
    }
}

#[test]
fn one_strategy_with_the_longest_allowed_label_stays_on_the_page_on_every_chart() {
    let dir = tempfile::tempdir().unwrap();
    fixture_with_labels(&longest_labels()[2..], 1000).write(dir.path());
    let data = ChartData::load(dir.path()).unwrap();
    for kind in ChartKind::ALL {
        assert_text_fits(kind.name(), &text_boxes(&data, kind).unwrap());
    }
}

#[test]
fn a_640_character_label_written_into_a_run_folder_by_hand_stays_on_the_page() {
    let dir = tempfile::tempdir().unwrap();
    let mut labels = longest_labels();
    labels[0].1 = label_of(
        "Backend-led with a very long explanation nobody shortened ",
        640,
    );
    labels[1].1 = label_of("X", 640);
    fixture_with_labels(&labels, 1000).write(dir.path());
    let data = ChartData::load(dir.path()).unwrap();
    for kind in ChartKind::ALL {
        assert_text_fits(kind.name(), &text_boxes(&data, kind).unwrap());
    }
}

#[test]
fn a_decision_tornado_between_two_of_the_longest_allowed_labels_keeps_its_text_on_the_page_and_apart()
 {
    let labels = longest_labels();
    let (a, b) = (&labels[0].1, &labels[1].1);
    let drivers = [
        format!("{a}: weekly burn"),
        format!("{b}: plan length"),
        "risk: load-only defect found late (e.g. token refresh)".to_string(),
        format!("{b}: other emergency-fix rate"),
        "estimation error".to_string(),
    ];
    let bars = (0..12)
        .map(|i| TornadoBar {
            label: drivers[i % drivers.len()].clone(),
            detail: "strategies.ux_led.other_fix_rate · 7.44 / 11.16".to_string(),
            at_low: -2.1e6 + 1.5e5 * i as f64,
            at_high: 8.4e5 - 6.0e4 * i as f64,
        })
        .collect();
    let chart = TornadoChart {
        name: "tornado_decision".to_string(),
        title: format!("What could change the choice: {a} vs {b}"),
        subtitle: "Seed article · 2,000 simulated projects per run · seed 20260127 in every run"
            .to_string(),
        axis_title: format!("P80 total cost of {a} minus {b} (USD)"),
        money: Some("$".to_string()),
        base: -2.87e5,
        base_label: "base -$287k".to_string(),
        zero: Some((format!("{a} better"), format!("{b} better"))),
        legend: (
            "low setting / risk switched off".to_string(),
            "high setting / risk forced on".to_string(),
        ),
        bars,
        footnotes: vec![
            format!("Bars: P80 total cost of {a} minus that of {b}. Left of the zero line {a} is better; a bar crossing it flips the choice."),
            "Each driver is moved alone, everything else at the base, on the same simulated projects.".to_string(),
            "48 more drivers move it by $220k or less (tornado.csv lists all).".to_string(),
        ],
    };
    let boxes = tornado_text_boxes(&chart).unwrap();
    assert_text_fits("tornado_decision", &boxes);
    for side in ["◀ ", " better ▶"] {
        assert!(
            boxes
                .iter()
                .any(|b| b.text.contains(side) && b.text.contains("better")),
            "the zero line says which side is better ({side:?}), even when a label is cut: {:#?}",
            boxes.iter().map(|b| &b.text).collect::<Vec<_>>()
        );
    }
    assert!(
        shown_whole(&boxes, &chart.title, 34.0),
        "the title is shown whole, on up to two lines"
    );
}

/// The legend texts of a chart: every text box that names a strategy.
fn legend_texts(data: &ChartData, kind: ChartKind) -> Vec<String> {
    text_boxes(data, kind)
        .unwrap()
        .into_iter()
        .map(|b| b.text)
        .filter(|t| {
            SEED_STRATEGIES
                .iter()
                .any(|(_, label)| t.starts_with(label))
        })
        .collect()
}

#[test]
fn the_s_curve_legend_writes_every_week_with_the_same_decimals() {
    let dir = tempfile::tempdir().unwrap();
    seed_fixture(500).write(dir.path());
    let mut data = ChartData::load(dir.path()).unwrap();
    for (strategy, p50, p80) in [("backend_led", 32.0, 36.0), ("ux_led", 25.2, 29.0)] {
        let h = data
            .histograms
            .get_mut(&("build_weeks".to_string(), strategy.to_string()))
            .unwrap();
        h.marks.p50 = p50;
        h.marks.p80 = p80;
    }
    let legend = legend_texts(&data, ChartKind::BuildWeeksSCurve).join(" | ");
    assert!(
        legend.contains("Backend-led: P50 32.0 wk · P80 36.0 wk"),
        "{legend}"
    );
    assert!(
        legend.contains("UX-led: P50 25.2 wk · P80 29.0 wk"),
        "{legend}"
    );
}

#[test]
fn the_tradeoff_legend_writes_every_median_week_with_the_same_decimals() {
    let dir = tempfile::tempdir().unwrap();
    seed_fixture(500).write(dir.path());
    let mut data = ChartData::load(dir.path()).unwrap();
    for (strategy, p50) in [("backend_led", 32.0), ("ux_led", 25.2), ("hybrid", 28.0)] {
        data.summary
            .get_mut(&("build_weeks".to_string(), strategy.to_string()))
            .unwrap()
            .p50 = p50;
    }
    let legend = legend_texts(&data, ChartKind::Tradeoff).join(" | ");
    assert!(legend.contains("Backend-led: median 32.0 wk, "), "{legend}");
    assert!(legend.contains("UX-led: median 25.2 wk, "), "{legend}");
}

#[test]
fn chart_refuses_a_manifest_text_too_long_to_lay_out_naming_its_field_and_never_panics() {
    // tradeoff-sim writes a three-letter currency and labels of at most 48
    // characters; a hand-edited manifest with a long currency made `chart` panic,
    // and a 100,000-character label made it run for many minutes.
    let fixture = seed_fixture(2000);
    type Edit = fn(&mut serde_json::Value);
    let cases: [(&str, Edit); 4] = [
        ("currency", |m| m["currency"] = "X".repeat(1000).into()),
        ("currency", |m| m["currency"] = "EUR ".repeat(25_000).into()),
        ("strategies[0].label", |m| {
            m["strategies"][0]["label"] = "L".repeat(100_000).into()
        }),
        ("scenario_title", |m| {
            m["scenario_title"] = "T".repeat(100_000).into()
        }),
    ];
    for (field, edit) in cases {
        let dir = tempfile::tempdir().unwrap();
        fixture.write(dir.path());
        let path = dir.path().join("manifest.json");
        let mut m: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        edit(&mut m);
        std::fs::write(&path, serde_json::to_vec(&m).unwrap()).unwrap();
        let started = std::time::Instant::now();
        let o = run_in(dir.path(), &["chart", "."]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{field}: {err}");
        assert!(err.contains(&format!("manifest.json: {field}: ")), "{err}");
        assert!(!err.contains("panicked"), "{err}");
        assert!(started.elapsed().as_secs() < 10, "{field}: refused at once");
        assert!(
            !dir.path().join("charts").exists(),
            "{field}: nothing drawn"
        );
    }
}

#[test]
fn a_label_or_currency_wider_than_the_page_is_cut_to_fit_without_a_panic() {
    // The longest a manifest may hold: the labels are cut to fit, and every label
    // placed beside a marker stays on the page.
    let dir = tempfile::tempdir().unwrap();
    let mut fixture = seed_fixture(2000);
    fixture.currency = "XXXXXXXX".to_string();
    fixture.write(dir.path());
    let path = dir.path().join("manifest.json");
    let mut m: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    m["target_build_weeks"] = 1e300.into();
    m["strategies"][0]["label"] = "W".repeat(1000).into();
    std::fs::write(&path, serde_json::to_vec(&m).unwrap()).unwrap();
    let o = run_in(dir.path(), &["chart", ".", "--charts", "svg"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let data = ChartData::load(dir.path()).unwrap();
    for kind in ChartKind::ALL {
        let boxes = text_boxes(&data, kind).unwrap();
        let off: Vec<&TextBox> = boxes.iter().filter(|b| !b.on_page()).collect();
        assert!(off.is_empty(), "{kind:?}: text off the page: {off:?}");
    }
}
