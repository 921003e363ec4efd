//! Sweep and compare charts: every chart in both formats from the real binary, PNG dimensions
//! from the IHDR chunk, well-formed SVG with its title and axis labels, two-parameter and
//! categorical sweeps, degenerate sweeps, and `chart FOLDER` redrawing the same SVG bytes.

use std::path::Path;

use crate::common::{run_in, scenario, stderr};
use tradeoff_sim::output::chart::{
    COMPARE_METRICS, ChartFormat, folder_text_boxes, render_folder_charts,
};

/// Width and height from a PNG's IHDR chunk.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    assert_eq!(&bytes[12..16], b"IHDR");
    let w = u32::from_be_bytes([bytes[16], bytes[17], bytes[18], bytes[19]]);
    let h = u32::from_be_bytes([bytes[20], bytes[21], bytes[22], bytes[23]]);
    (w, h)
}

/// Every opened tag is closed in order (the SVG backend writes no CDATA or comments).
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
            assert_eq!(stack.pop().as_deref(), Some(name.as_str()), "</{name}>");
        } else {
            stack.push(name);
        }
    }
    assert!(stack.is_empty(), "unclosed tags: {stack:?}");
}

/// Checks `<dir>/charts/<stem>.png` (1920x1080) and `.svg` (well-formed, holding `texts`);
/// returns the SVG.
fn assert_chart(dir: &Path, stem: &str, texts: &[&str]) -> String {
    let png = std::fs::read(dir.join("charts").join(format!("{stem}.png"))).unwrap();
    assert_eq!(png_size(&png), (1920, 1080), "{stem}");
    assert!(
        png.len() > 20_000,
        "{stem}: a {}-byte PNG is blank",
        png.len()
    );
    let svg = std::fs::read_to_string(dir.join("charts").join(format!("{stem}.svg"))).unwrap();
    assert_well_formed(&svg);
    for t in texts {
        assert!(svg.contains(t), "{stem}.svg lacks {t:?}");
    }
    svg
}

fn run_ok(dir: &Path, args: &[&str]) {
    let out = run_in(dir, args);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
}

/// `chart FOLDER` redraws the same SVG bytes for every chart of the folder.
fn assert_redraw_is_identical(dir: &Path, stems: &[&str]) {
    let before: Vec<Vec<u8>> = stems
        .iter()
        .map(|s| std::fs::read(dir.join("charts").join(format!("{s}.svg"))).unwrap())
        .collect();
    std::fs::remove_dir_all(dir.join("charts")).unwrap();
    run_ok(dir, &["chart", dir.to_str().unwrap(), "--charts", "svg"]);
    for (s, b) in stems.iter().zip(before) {
        let after = std::fs::read(dir.join("charts").join(format!("{s}.svg"))).unwrap();
        assert!(after == b, "{s}.svg differs after chart FOLDER");
    }
}

#[test]
fn sweep_draws_its_chart_in_both_formats_and_redraws_the_same_svg() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("sweep");
    run_ok(
        tmp.path(),
        &[
            "sweep",
            scenario("seed.toml").to_str().unwrap(),
            "--param",
            "strategies.hybrid.governance",
            "--range",
            "0.1:0.9:5",
            "--trials",
            "400",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_chart(
        &out,
        "sweep",
        &[
            "P80 total cost as Hybrid (g = 0.5): governance strength varies",
            "P80 total cost (USD)",
            "Swept key: strategies.hybrid.governance.",
            "every point on the same seed",
            "$",
        ],
    );
    assert_redraw_is_identical(&out, &["sweep"]);
}

#[test]
fn sweep_charts_none_writes_no_chart() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("sweep");
    run_ok(
        tmp.path(),
        &[
            "sweep",
            scenario("seed.toml").to_str().unwrap(),
            "--param",
            "cost.hourly_rate=100,200",
            "--trials",
            "100",
            "--charts",
            "none",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(!out.join("charts").exists());
}

#[test]
fn two_parameter_sweep_draws_one_panel_per_value_of_the_second() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("grid");
    run_ok(
        tmp.path(),
        &[
            "sweep",
            scenario("seed.toml").to_str().unwrap(),
            "--param",
            "strategies.hybrid.governance=0.2:0.9:3",
            "--param",
            "cost.hourly_rate=100,150,200,250,300,350,400",
            "--trials",
            "200",
            "--charts",
            "both",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let svg = assert_chart(
        &out,
        "sweep",
        &[
            "as Hybrid (g = 0.5): governance strength and hourly rate of responders and fixers vary",
            "Hourly rate of responders and fixers = 100",
            "Hourly rate of responders and fixers = 400",
            "Showing 6 of the 7 values of Hourly rate of responders and fixers",
            "Swept key: strategies.hybrid.governance, cost.hourly_rate.",
        ],
    );
    assert!(
        !svg.contains("Hourly rate of responders and fixers = 250"),
        "seven panels drawn"
    );
    assert_redraw_is_identical(&out, &["sweep"]);
}

#[test]
fn sweep_over_distributions_draws_a_categorical_axis() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("cat");
    run_ok(
        tmp.path(),
        &[
            "sweep",
            scenario("seed.toml").to_str().unwrap(),
            "--param",
            "build.estimate={ pert = [0.9, 1, 1.35] },{ pert = [1, 1.2, 2] }",
            "--metric",
            "api_failure",
            "--stat",
            "mean",
            "--trials",
            "200",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_chart(
        &out,
        "sweep",
        &["{ pert = [0.9, 1, 1.35] }", "build.estimate", "(%)"],
    );
}

#[test]
fn sweep_with_identical_values_at_every_point_renders() {
    // The hourly rate does not touch build time: every point has the same values.
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("flat");
    run_ok(
        tmp.path(),
        &[
            "sweep",
            scenario("seed.toml").to_str().unwrap(),
            "--param",
            "cost.hourly_rate=100,200",
            "--metric",
            "build_weeks",
            "--stat",
            "p50",
            "--trials",
            "100",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_chart(&out, "sweep", &["P50 build time (weeks)", "No crossover"]);
}

/// A hand-made sweep folder: one strategy, two points, every value the same.
fn write_degenerate_sweep(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(
        dir.join("manifest.json"),
        r#"{"tool": "tradeoff-sim", "kind": "sweep", "scenario_name": "tiny", "scenario_title": "Tiny", "currency": "EUR",
            "trials": 1, "seed": 7, "metric": "total_cost", "statistic": "p80",
            "params": [{"key": "cost.hourly_rate", "values": ["1", "2"]}],
            "strategies": [{"id": "only", "label": "Only strategy"}]}"#,
    )
    .unwrap();
    let header = "scenario,point,param,value,param2,value2,strategy,metric,unit,n,mean,std_dev,std_err,min,p05,p10,p25,p50,p75,p80,p90,p95,p99,max\n";
    let mut csv = header.to_string();
    for (i, v) in ["1", "2"].iter().enumerate() {
        csv.push_str(&format!(
            "tiny,{i},cost.hourly_rate,{v},,,only,total_cost,EUR,1,5,0,0,5,5,5,5,5,5,5,5,5,5,5\n"
        ));
    }
    std::fs::write(dir.join("sweep.csv"), csv).unwrap();
    std::fs::write(
        dir.join("crossovers.csv"),
        "scenario,metric,statistic,strategy_a,strategy_b,param,crossing_value,between_low,between_high,a_better_when,param2,value2,statement\n",
    )
    .unwrap();
}

#[test]
fn one_strategy_two_points_all_equal_sweep_renders_without_panicking() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("tiny");
    write_degenerate_sweep(&dir);
    let written = render_folder_charts(&dir, ChartFormat::Both).expect("renders");
    assert_eq!(written.len(), 2);
    assert_chart(
        &dir,
        "sweep",
        &["P80 total cost (EUR)", "Only strategy", "€"],
    );
}

#[test]
fn compare_draws_every_chart_in_both_formats_and_redraws_the_same_svg() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("cmp");
    run_ok(
        tmp.path(),
        &[
            "compare",
            scenario("seed.toml").to_str().unwrap(),
            scenario("reference.toml").to_str().unwrap(),
            "--trials",
            "300",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(manifest.contains("\"kind\": \"compare\""));
    let stems: Vec<String> = COMPARE_METRICS
        .iter()
        .map(|m| format!("compare_{m}"))
        .collect();
    let axis = [
        "total cost per project (USD)",
        "build time until launch (weeks)",
        "chance of ≥1 API or surge failure (%)",
        "impact-weighted downtime after launch (hours)",
    ];
    for (stem, label) in stems.iter().zip(axis) {
        assert_chart(
            &out,
            stem,
            &[
                "scenario by scenario",
                label,
                "strategy",
                "seed vs reference",
            ],
        );
    }
    let stems: Vec<&str> = stems.iter().map(|s| s.as_str()).collect();
    assert_redraw_is_identical(&out, &stems);
}

#[test]
fn chart_refuses_a_folder_of_an_unknown_kind() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("manifest.json"), r#"{"kind": "tornado-x"}"#).unwrap();
    let out = run_in(tmp.path(), &["chart", "."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("kind `tornado-x`"),
        "{}",
        stderr(&out)
    );
}

/// seed.toml with every strategy label at the longest length a scenario allows.
fn seed_with_longest_labels(dir: &Path, file: &str, title: &str) -> std::path::PathBuf {
    let n = tradeoff_sim::scenario::MAX_LABEL_CHARS;
    let mut text = std::fs::read_to_string(scenario("seed.toml"))
        .unwrap()
        .replacen("title = ", &format!("title = \"{title}\"\n# was: "), 1);
    for (old, words) in [
        (
            "\"Backend-led\"",
            "Backend-led, staged rollout with a platform team and flags ",
        ),
        (
            "\"UX-led\"",
            "UX-led with an external agency and a design system first ",
        ),
        (
            "\"Hybrid (g = 0.5)\"",
            "Hybrid, shared responsibility matrix, governance 0.5 ",
        ),
        ("\"Hybrid, ironclad (g = 0.9)\"", "W"),
        (
            "\"Hybrid, weak (g = 0.2)\"",
            "Hybrid, weak: nobody owns API versioning, g = 0.2 ",
        ),
    ] {
        let label = crate::charts::label_of(words, n);
        text = text.replace(&format!("label = {old}"), &format!("label = \"{label}\""));
    }
    let path = dir.join(file);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn sweep_and_compare_charts_keep_the_longest_allowed_labels_on_the_page_and_clear_of_other_text() {
    let tmp = tempfile::tempdir().unwrap();
    let a = seed_with_longest_labels(tmp.path(), "a.toml", "Board review: long strategy names");
    let b = seed_with_longest_labels(tmp.path(), "b.toml", "The same, as a second scenario");
    let sweep = tmp.path().join("sweep");
    let compare = tmp.path().join("cmp");
    run_ok(
        tmp.path(),
        &[
            "sweep",
            a.to_str().unwrap(),
            "--param",
            "strategies.hybrid.governance",
            "--range",
            "0.1:0.9:3",
            "--trials",
            "300",
            "--charts",
            "none",
            "--out",
            sweep.to_str().unwrap(),
        ],
    );
    run_ok(
        tmp.path(),
        &[
            "compare",
            a.to_str().unwrap(),
            b.to_str().unwrap(),
            "--trials",
            "300",
            "--charts",
            "none",
            "--out",
            compare.to_str().unwrap(),
        ],
    );
    for folder in [&sweep, &compare] {
        let charts = folder_text_boxes(folder).unwrap();
        assert!(!charts.is_empty(), "{}", folder.display());
        for (chart, boxes) in charts {
            assert!(
                boxes.iter().any(|b| b.text.contains("Backend-led")),
                "{chart} names the strategies"
            );
            crate::charts::assert_text_fits(&chart, &boxes);
        }
    }
}

#[test]
fn compare_of_three_scenarios_never_draws_a_value_cut_to_a_meaningless_stub() {
    // Three scenarios leave each marker too little room for "$2.5m" beside it at the
    // smallest size; a value cut to "$2.…" or "28.…" misreads as a number, so it is left
    // out (the axis still gives it) rather than cut.
    let tmp = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for name in ["a.toml", "b.toml", "c.toml"] {
        let path = tmp.path().join(name);
        std::fs::copy(scenario("seed.toml"), &path).unwrap();
        files.push(path.to_str().unwrap().to_string());
    }
    let out = tmp.path().join("cmp");
    let mut args = vec!["compare"];
    args.extend(files.iter().map(String::as_str));
    args.extend(["--trials", "300", "--charts", "none", "--out"]);
    args.push(out.to_str().unwrap());
    run_ok(tmp.path(), &args);
    for (chart, boxes) in folder_text_boxes(&out).unwrap() {
        for b in &boxes {
            let starts_as_a_number = b
                .text
                .trim_start_matches('$')
                .starts_with(|c: char| c.is_ascii_digit());
            assert!(
                !(starts_as_a_number && b.text.contains('…')),
                "{chart}: a value is cut to {:?}",
                b.text
            );
        }
    }
}

/// The footnotes of a sweep folder's chart, joined.
fn sweep_chart_text(dir: &Path) -> String {
    folder_text_boxes(dir)
        .unwrap()
        .into_iter()
        .flat_map(|(_, boxes)| boxes.into_iter().map(|b| b.text))
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn sweep_footnote_says_a_fixed_value_does_not_hold_only_when_the_label_has_one() {
    let tmp = tempfile::tempdir().unwrap();
    for (key, label_has_a_value) in [
        ("strategies.hybrid.governance=0.2,0.8", true),
        ("strategies.ux_led.governance=0.2,0.8", false),
    ] {
        let out = tmp
            .path()
            .join(if label_has_a_value { "hybrid" } else { "ux" });
        run_ok(
            tmp.path(),
            &[
                "sweep",
                scenario("seed.toml").to_str().unwrap(),
                "--param",
                key,
                "--trials",
                "200",
                "--charts",
                "none",
                "--out",
                out.to_str().unwrap(),
            ],
        );
        let text = sweep_chart_text(&out);
        let swept = key.split('=').next().unwrap();
        assert!(text.contains(&format!("{swept} changes")), "{text}");
        assert_eq!(
            text.contains("the fixed value in its label does not hold here"),
            label_has_a_value,
            "{text}"
        );
    }
}
