//! The board pack: `report.html` shows only numbers its CSV files hold, and
//! points nowhere outside itself.

use std::collections::BTreeMap;
use std::path::Path;

use scraper::{Html, Selector};

use crate::common::{assert_success, run_in, scenario};

/// A run of the seed scenario at `trials`, into `dir/seed`; returns the folder.
pub fn seed_run(dir: &Path, extra: &[&str]) -> std::path::PathBuf {
    let seed = scenario("seed.toml");
    let mut args = vec![
        "run",
        seed.to_str().expect("a UTF-8 path"),
        "--trials",
        "20000",
        "--out",
        "seed",
    ];
    args.extend_from_slice(extra);
    assert_success(&run_in(dir, &args), "run seed.toml");
    dir.join("seed")
}

/// Every cell of a CSV file keyed by the report's `data-key` convention.
fn csv_cells(path: &Path, key_columns: &[&str]) -> BTreeMap<String, String> {
    let mut reader = csv::Reader::from_path(path).expect("the CSV opens");
    let headers = reader.headers().expect("a header").clone();
    let mut cells = BTreeMap::new();
    for record in reader.records() {
        let record = record.expect("a row");
        let get = |name: &str| {
            let i = headers.iter().position(|h| h == name).expect("a column");
            record[i].to_string()
        };
        let key: Vec<String> = key_columns.iter().map(|c| get(c)).collect();
        for (i, column) in headers.iter().enumerate() {
            cells.insert(format!("{}/{column}", key.join("/")), record[i].to_string());
        }
    }
    cells
}

/// The value a displayed number stands for, and how far rounding may move it:
/// `$2.8m` is 2.8e6 +- 0.05e6, `30.2%` is 0.302 +- 0.0005.
fn shown(text: &str) -> (f64, f64) {
    let t = text.trim().replace(',', "");
    if let Some(p) = t.strip_suffix('%') {
        if let Some(below) = p.strip_prefix('<') {
            let v: f64 = below.parse().expect("a percentage");
            return (v / 200.0, v / 200.0);
        }
        if let Some(above) = p.strip_prefix('>') {
            let v: f64 = above.parse().expect("a percentage");
            return ((100.0 + v) / 200.0, (100.0 - v) / 200.0);
        }
        let v: f64 = p.parse().expect("a percentage");
        return (v / 100.0, 0.0005 + 1e-12);
    }
    let (negative, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest.to_string()),
        None => (false, t),
    };
    let t = t.trim_start_matches('$');
    let (body, unit) = if let Some(b) = t.strip_suffix("bn") {
        (b, 1e9)
    } else if let Some(b) = t.strip_suffix('m') {
        (b, 1e6)
    } else if let Some(b) = t.strip_suffix('k') {
        (b, 1e3)
    } else {
        (t, 1.0)
    };
    let v: f64 = body.parse().unwrap_or_else(|_| panic!("a number: {text}"));
    let decimals = body.split('.').nth(1).map_or(0, str::len);
    let half = 0.5 * 10f64.powi(-(decimals as i32)) * unit;
    (if negative { -v * unit } else { v * unit }, half + 1e-9)
}

#[test]
fn every_number_in_the_report_equals_the_csv_it_came_from() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let run = seed_run(dir.path(), &["--charts", "svg"]);
    let html = std::fs::read_to_string(run.join("report.html")).expect("report.html");
    let page = Html::parse_document(&html);
    let summary = csv_cells(&run.join("summary.csv"), &["metric", "strategy"]);
    let decision = csv_cells(&run.join("decision.csv"), &["strategy"]);
    let cells = Selector::parse("td[data-source]").expect("a selector");
    let mut checked = 0;
    for cell in page.select(&cells) {
        let source = cell.value().attr("data-source").expect("a source");
        let key = cell.value().attr("data-key").expect("a key");
        let table = match source {
            "summary.csv" => &summary,
            "decision.csv" => &decision,
            other => panic!("a run's report names {other}, which a run does not write"),
        };
        let in_csv: f64 = table
            .get(key)
            .unwrap_or_else(|| panic!("{source} has no cell {key}"))
            .parse()
            .expect("a number in the CSV");
        let tagged: f64 = cell
            .value()
            .attr("data-value")
            .expect("a value")
            .parse()
            .expect("a number");
        assert_eq!(tagged, in_csv, "{source} {key}: the cell's value");
        let text: String = cell.text().collect();
        let (value, half) = shown(&text);
        assert!(
            (value - in_csv).abs() <= half,
            "{source} {key}: shows {text}, the CSV holds {in_csv}"
        );
        checked += 1;
    }
    // Five strategies x six decision columns, and the method's three.
    assert!(checked >= 5 * 6 + 5 * 3, "only {checked} numbers checked");
    let decision_rows = Selector::parse("table.decision tbody tr").expect("a selector");
    assert_eq!(page.select(&decision_rows).count(), 5, "one row per option");
}

#[test]
fn the_report_points_nowhere_outside_itself_and_stays_small() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let run = seed_run(dir.path(), &["--charts", "png"]);
    let bytes = std::fs::read(run.join("report.html")).expect("report.html");
    assert!(bytes.len() < 2_000_000, "{} bytes", bytes.len());
    let html = String::from_utf8(bytes).expect("UTF-8");
    let page = Html::parse_document(&html);
    let any = Selector::parse("*").expect("a selector");
    for element in page.select(&any) {
        for (name, value) in element.value().attrs() {
            let lower = value.trim().to_ascii_lowercase();
            if ["src", "href", "xlink:href", "action", "data", "poster"].contains(&name) {
                assert!(
                    !(lower.starts_with("http") || lower.starts_with("//")),
                    "<{} {name}=\"{value}\"> reaches the network",
                    element.value().name()
                );
            }
        }
        // An inline script (the live panel's) loads nothing; one with `src` would.
        let loads = matches!(element.value().name(), "link" | "iframe" | "img")
            || (element.value().name() == "script" && element.value().attr("src").is_some());
        assert!(!loads, "<{}> loads something", element.value().name());
    }
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("@import"), "a style sheet is imported");
    assert!(!lower.contains("url("), "a style loads a resource");
    assert!(!lower.contains("@font-face"), "a font is loaded");
    // The charts are inlined whatever the files' format.
    assert_eq!(lower.matches("<svg class=\"chart\"").count(), 8);
}

#[test]
fn a_run_without_charts_reports_without_charts_and_says_so() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let run = seed_run(dir.path(), &["--charts", "none"]);
    let html = std::fs::read_to_string(run.join("report.html")).expect("report.html");
    assert!(!html.contains("<svg"));
    assert!(html.contains("made with <code>--charts none</code>"));
    let manifest_listed = crate::common::listing(&run);
    assert!(manifest_listed.contains(&"report.html".to_string()));
}

#[test]
fn the_recommendation_names_the_option_with_the_lowest_p80_total_cost() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let run = seed_run(dir.path(), &["--charts", "none"]);
    let summary = csv_cells(&run.join("summary.csv"), &["metric", "strategy"]);
    let p80 = |id: &str| -> f64 {
        summary[&format!("total_cost/{id}/p80")]
            .parse()
            .expect("a number")
    };
    let ids = [
        "backend_led",
        "ux_led",
        "hybrid",
        "hybrid_ironclad",
        "hybrid_weak",
    ];
    let best = ids
        .iter()
        .min_by(|a, b| p80(a).total_cmp(&p80(b)))
        .expect("five options");
    let labels = BTreeMap::from([("backend_led", "Backend-led"), ("ux_led", "UX-led")]);
    let html = std::fs::read_to_string(run.join("report.html")).expect("report.html");
    let page = Html::parse_document(&html);
    let rec = Selector::parse("p.recommendation strong").expect("a selector");
    let named: String = page
        .select(&rec)
        .next()
        .expect("a recommendation")
        .text()
        .collect();
    assert_eq!(named, labels[best]);
}

mod workbook {
    use calamine::{Data, Reader, Xlsx, open_workbook};

    use super::{csv_cells, seed_run};

    fn number(range: &calamine::Range<Data>, row: u32, col: u32) -> f64 {
        match range.get_value((row, col)) {
            Some(Data::Float(v)) => *v,
            Some(Data::Int(v)) => *v as f64,
            other => panic!("({row}, {col}): not a number: {other:?}"),
        }
    }

    fn text(range: &calamine::Range<Data>, row: u32, col: u32) -> String {
        match range.get_value((row, col)) {
            Some(Data::String(s)) => s.clone(),
            other => panic!("({row}, {col}): not text: {other:?}"),
        }
    }

    #[test]
    fn the_workbook_holds_the_decision_summary_assumptions_and_chart_data_sheets() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let run = seed_run(dir.path(), &["--charts", "none"]);
        let mut book: Xlsx<_> = open_workbook(run.join("results.xlsx")).expect("an xlsx file");
        assert_eq!(
            book.sheet_names(),
            ["Decision", "Summary", "Assumptions", "Chart data", "Charts"]
        );
        let decision = csv_cells(&run.join("decision.csv"), &["strategy"]);
        let summary = csv_cells(&run.join("summary.csv"), &["metric", "strategy"]);
        let sheet = book
            .worksheet_range("Decision")
            .expect("the Decision sheet");
        let columns: Vec<String> = (0..9).map(|c| text(&sheet, 0, c)).collect();
        for row in 1..=5 {
            let id = text(&sheet, row, 1);
            for (c, column) in columns.iter().enumerate().skip(2) {
                let expected: f64 = match column.as_str() {
                    "p80_total_cost" => summary[&format!("total_cost/{id}/p80")].parse(),
                    "p50_total_cost" => summary[&format!("total_cost/{id}/p50")].parse(),
                    other => decision[&format!("{id}/{other}")].parse(),
                }
                .expect("a number");
                assert_eq!(number(&sheet, row, c as u32), expected, "{id} {column}");
            }
        }
        let sheet = book.worksheet_range("Summary").expect("the Summary sheet");
        let rows = sheet.height() - 1;
        assert_eq!(rows, summary.len() / 19, "one row per metric and strategy");
        for row in 1..=rows as u32 {
            let key = format!("{}/{}", text(&sheet, row, 0), text(&sheet, row, 1));
            let p95: f64 = summary[&format!("{key}/p95")].parse().expect("a number");
            assert_eq!(number(&sheet, row, 15), p95, "{key} p95");
        }
        let sheet = book
            .worksheet_range("Assumptions")
            .expect("the Assumptions sheet");
        let keys: Vec<String> = (1..sheet.height() as u32)
            .map(|r| text(&sheet, r, 0))
            .collect();
        assert!(keys.contains(&"cost.hourly_rate".to_string()));
        assert!(keys.contains(&"strategies.ux_led.governance".to_string()));
    }

    #[test]
    fn the_workbook_has_three_native_charts_and_the_same_bytes_every_time() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let first = std::fs::read(seed_run(dir.path(), &["--charts", "none"]).join("results.xlsx"))
            .expect("results.xlsx");
        let again = tempfile::tempdir().expect("a temporary folder");
        let second =
            std::fs::read(seed_run(again.path(), &["--charts", "none"]).join("results.xlsx"))
                .expect("results.xlsx");
        assert!(
            first == second,
            "the same run gives the same workbook bytes"
        );
        let contains = |name: &str| first.windows(name.len()).any(|w| w == name.as_bytes());
        for n in 1..=3 {
            assert!(contains(&format!("xl/charts/chart{n}.xml")), "chart {n}");
        }
        assert!(!contains("xl/charts/chart4.xml"), "a run has no tornado");
    }
}

#[test]
fn a_board_pack_with_its_tornado_can_be_replaced_with_force() {
    // The tornado chart `report` adds is listed in the manifest, so the folder is
    // tradeoff-sim's whole and a second `report --force` replaces it.
    let dir = tempfile::tempdir().expect("a temporary folder");
    let seed = scenario("seed.toml");
    let args = [
        "report",
        seed.to_str().expect("a UTF-8 path"),
        "--trials",
        "4096",
        "--tornado-trials",
        "2048",
        "--charts",
        "svg",
        "--out",
        "pack",
    ];
    assert_success(&run_in(dir.path(), &args), "report seed.toml");
    let manifest = std::fs::read_to_string(dir.path().join("pack/manifest.json")).unwrap();
    assert!(manifest.contains("\"tornado_decision\""), "{manifest}");
    let mut again = args.to_vec();
    again.push("--force");
    assert_success(&run_in(dir.path(), &again), "report seed.toml --force");
}
