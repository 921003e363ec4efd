//! The board pack's settings and pages: `[decision]` chooses the statistic every
//! table, chart and file compares on; `[report] audience = "board"` moves the
//! run's settings off the charts into the method section; peak events get their
//! rows; claims get their verdicts; a refused folder fails before any run; the
//! assumptions carry every value's evidence.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use scraper::{Html, Selector};

use crate::common::{assert_success, run_in, scenario, stderr};

/// `text` written to `dir/name`, with `extends` pointing at the shipped `file`.
fn extend(dir: &Path, name: &str, file: &str, text: &str) -> PathBuf {
    let base = scenario(file);
    let path = dir.join(name);
    std::fs::write(
        &path,
        format!(
            "extends = {:?}\n{text}",
            base.to_str().expect("a UTF-8 path")
        ),
    )
    .expect("write the scenario");
    path
}

fn report(dir: &Path, file: &Path, out: &str, extra: &[&str]) -> PathBuf {
    let mut args = vec![
        "report",
        file.to_str().expect("a UTF-8 path"),
        "--trials",
        "8192",
        "--tornado-trials",
        "2048",
        "--charts",
        "svg",
        "--out",
        out,
    ];
    args.extend_from_slice(extra);
    assert_success(&run_in(dir, &args), "report");
    dir.join(out)
}

fn summary(run: &Path) -> BTreeMap<(String, String), BTreeMap<String, f64>> {
    let mut reader = csv::Reader::from_path(run.join("summary.csv")).expect("summary.csv");
    let headers = reader.headers().expect("a header").clone();
    let mut rows = BTreeMap::new();
    for record in reader.records() {
        let record = record.expect("a row");
        let values: BTreeMap<String, f64> = headers
            .iter()
            .zip(record.iter())
            .filter_map(|(h, v)| Some((h.to_string(), v.parse().ok()?)))
            .collect();
        rows.insert((record[2].to_string(), record[1].to_string()), values);
    }
    rows
}

fn page(run: &Path) -> Html {
    Html::parse_document(&std::fs::read_to_string(run.join("report.html")).expect("report.html"))
}

fn texts(page: &Html, selector: &str) -> Vec<String> {
    let s = Selector::parse(selector).expect("a selector");
    page.select(&s).map(|e| e.text().collect()).collect()
}

#[test]
fn a_decision_table_moves_every_comparison_to_its_statistic() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let file = extend(
        dir.path(),
        "p90.toml",
        "seed.toml",
        "[decision]\nstatistic = \"p90\"\n",
    );
    let run = report(
        dir.path(),
        &file,
        "pack",
        &["--variant", "Busy: surges.events_per_window=2"],
    );
    let rows = summary(&run);
    let html = page(&run);
    let headers = texts(&html, "table.decision th");
    assert_eq!(headers[1], "P90 total cost", "{headers:?}");
    assert_eq!(
        headers[2], "P50 total cost",
        "the P50 beside it: {headers:?}"
    );
    // The decision table's first number column holds each option's P90.
    let cells = Selector::parse("table.decision td[data-key]").expect("a selector");
    let p90_cells: Vec<_> = html
        .select(&cells)
        .filter(|c| {
            c.value()
                .attr("data-key")
                .is_some_and(|k| k.ends_with("/p90"))
        })
        .collect();
    assert_eq!(p90_cells.len(), 5, "one P90 per option");
    for c in p90_cells {
        let key = c.value().attr("data-key").expect("a key");
        let id = key.split('/').nth(1).expect("a strategy");
        let value: f64 = c
            .value()
            .attr("data-value")
            .expect("a value")
            .parse()
            .unwrap();
        assert_eq!(
            value,
            rows[&("total_cost".into(), id.into())]["p90"],
            "{key}"
        );
    }
    // The recommendation is the option with the lowest P90, and says it is the P90.
    let best = rows
        .iter()
        .filter(|((m, _), _)| m == "total_cost")
        .min_by(|a, b| a.1["p90"].total_cmp(&b.1["p90"]))
        .map(|((_, id), _)| id.clone())
        .expect("options");
    let recommendation = texts(&html, "p.recommendation").concat();
    assert!(
        recommendation.contains("P90 total cost"),
        "{recommendation}"
    );
    let labels = BTreeMap::from([("backend_led", "Backend-led"), ("ux_led", "UX-led")]);
    assert!(
        recommendation.contains(labels.get(best.as_str()).copied().unwrap_or(best.as_str())),
        "{best}: {recommendation}"
    );
    // The what-ifs are P90s too, in the CSV and on the page.
    let what_ifs = std::fs::read_to_string(run.join("what_ifs.csv")).expect("what_ifs.csv");
    assert!(
        what_ifs
            .lines()
            .skip(1)
            .all(|l| l.contains(",total_cost,p90,")),
        "{what_ifs}"
    );
    assert!(
        texts(&html, "p")
            .concat()
            .contains("Values: P90 total cost per option")
    );
    // The total-cost chart marks the P90 beside the P50, not the P95.
    let svg = std::fs::read_to_string(run.join("charts/total_cost.svg")).expect("the chart");
    assert!(
        svg.contains("P90 ") && !svg.contains("· P95 "),
        "P90 marked, P95 gone"
    );
    let tornado = std::fs::read_to_string(run.join("tornado_decision.csv")).expect("tornado");
    assert!(
        tornado
            .lines()
            .nth(1)
            .is_some_and(|l| l.contains(",total_cost,p90,"))
    );
}

#[test]
fn a_board_audience_moves_seed_and_trials_off_the_charts_into_the_method() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let file = extend(
        dir.path(),
        "board.toml",
        "seed.toml",
        "[report]\ntitle = \"Checkout rebuild: the choice\"\nsubtitle = \"For the board, 12 March\"\naudience = \"board\"\n",
    );
    let run = report(dir.path(), &file, "pack", &[]);
    for chart in std::fs::read_dir(run.join("charts")).expect("charts") {
        let path = chart.expect("a chart").path();
        let svg = std::fs::read_to_string(&path).expect("an SVG");
        for said in ["seed 2026", "simulated projects per", "Wilson score, n ="] {
            assert!(!svg.contains(said), "{}: says {said:?}", path.display());
        }
        assert!(
            svg.contains("Checkout rebuild: the choice"),
            "{}",
            path.display()
        );
    }
    let html = page(&run);
    assert_eq!(texts(&html, "h1"), ["Checkout rebuild: the choice"]);
    assert_eq!(texts(&html, "p.subtitle"), ["For the board, 12 March"]);
    let method = texts(&html, "table.method").concat();
    assert!(
        method.contains("20260127"),
        "the seed is in the method: {method}"
    );
    assert!(
        method.contains("8,192 simulated projects per option"),
        "{method}"
    );
}

#[test]
fn an_analyst_audience_keeps_the_run_on_every_chart() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let run = report(
        dir.path(),
        &scenario("seed.toml"),
        "pack",
        &["--no-tornado"],
    );
    let svg = std::fs::read_to_string(run.join("charts/total_cost.svg")).expect("the chart");
    assert!(svg.contains("seed 20260127") && svg.contains("8,192 simulated projects"));
}

#[test]
fn peak_events_get_their_rows_read_from_the_summary() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let run = report(
        dir.path(),
        &scenario("examples/northwind.toml"),
        "pack",
        &["--no-tornado"],
    );
    let rows = summary(&run);
    let html = page(&run);
    let names = texts(&html, "table.events tbody td:first-child");
    assert_eq!(
        names,
        [
            "Live by Black Friday",
            "API or surge failure during Black Friday"
        ]
    );
    let cells = Selector::parse("table.events td[data-key]").expect("a selector");
    let mut checked = 0;
    for c in html.select(&cells) {
        let key = c.value().attr("data-key").expect("a key");
        let mut parts = key.split('/');
        let (metric, id) = (parts.next().unwrap(), parts.next().unwrap());
        let value: f64 = c.value().attr("data-value").unwrap().parse().unwrap();
        assert_eq!(value, rows[&(metric.into(), id.into())]["mean"], "{key}");
        checked += 1;
    }
    assert_eq!(checked, 2 * 3, "two rows of three options");
}

#[test]
fn claims_show_their_figure_bound_and_verdict_as_check_judges_them() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let seed = scenario("seed.toml");
    let run = report(dir.path(), &seed, "pack", &["--no-tornado"]);
    let check = run_in(
        dir.path(),
        &[
            "check",
            seed.to_str().unwrap(),
            "--trials",
            "2048",
            "--out",
            "check",
        ],
    );
    let csv = std::fs::read_to_string(dir.path().join("check/claims.csv"))
        .unwrap_or_else(|_| panic!("claims.csv: {}", stderr(&check)));
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let headers = reader.headers().expect("a header").clone();
    let col = |name: &str| headers.iter().position(|h| h == name).expect(name);
    let verdicts: BTreeMap<String, String> = reader
        .records()
        .map(|r| {
            let r = r.expect("a row");
            (r[col("claim")].to_string(), r[col("verdict")].to_string())
        })
        .collect();
    let html = page(&run);
    let rows = Selector::parse("table.claims tbody tr").expect("a selector");
    let td = Selector::parse("td").expect("a selector");
    let mut shown = 0;
    for row in html.select(&rows) {
        let cells: Vec<String> = row.select(&td).map(|c| c.text().collect()).collect();
        assert_eq!(
            cells.len(),
            5,
            "claim, says, figure, bound, verdict: {cells:?}"
        );
        assert_eq!(cells[4], verdicts[&cells[0]], "{}", cells[0]);
        assert!(!cells[2].is_empty() && !cells[3].is_empty(), "{cells:?}");
        shown += 1;
    }
    assert_eq!(
        shown,
        verdicts.len(),
        "every claim, over as many pages as they need"
    );
}

#[test]
fn a_refused_output_folder_fails_before_the_variants_run() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let out = dir.path().join("notes");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("minutes.txt"), "the board's notes").unwrap();
    let seed = scenario("seed.toml");
    let o = run_in(
        dir.path(),
        &[
            "report",
            seed.to_str().unwrap(),
            "--variant",
            "Broken: surges.no_such_key=2",
            "--out",
            "notes",
            "--force",
        ],
    );
    assert!(
        !o.status.success(),
        "a folder of someone else's files is refused"
    );
    let err = stderr(&o);
    // The folder is checked first: the variant, which would fail when the
    // variants run, is never reached.
    assert!(
        err.contains("notes") && !err.contains("no_such_key"),
        "{err}"
    );
    let left: Vec<_> = std::fs::read_dir(&out).unwrap().collect();
    assert_eq!(left.len(), 1, "the folder is untouched");
}

#[test]
fn a_star_provenance_entry_classes_the_target_and_the_governance_practices() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let run = report(
        dir.path(),
        &scenario("examples/northwind.toml"),
        "pack",
        &["--no-tornado"],
    );
    let html = page(&run);
    let rows = Selector::parse("table.assumptions tbody tr").expect("a selector");
    let td = Selector::parse("td").expect("a selector");
    let mut found = BTreeMap::new();
    for row in html.select(&rows) {
        let cells: Vec<String> = row.select(&td).map(|c| c.text().collect()).collect();
        let evidence = cells.last().cloned().unwrap_or_default();
        for key in ["build.target_weeks", "strategies.*.practices"] {
            if cells[0].contains(key) {
                found.insert(key, evidence.clone());
            }
        }
    }
    assert_eq!(
        found.get("build.target_weeks").map(String::as_str),
        Some("client")
    );
    // Northwind writes the hybrid's practices (client); the others' governance is
    // not written (no practices), so only the hybrid's class shows.
    assert!(
        found
            .get("strategies.*.practices")
            .is_some_and(|e| e.contains("client") && !e.contains("unclassified")),
        "{found:?}"
    );
}

#[test]
fn a_bad_report_or_decision_value_is_refused_with_its_line_and_the_allowed_words() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let file = extend(
        dir.path(),
        "bad.toml",
        "seed.toml",
        "[decision]\nstatistic = \"p85\"\n[report]\naudience = \"boardroom\"\n",
    );
    let o = run_in(dir.path(), &["validate", file.to_str().unwrap()]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains(
            ":3:13: decision.statistic: must be \"p50\", \"p80\", \"p90\", \"p95\" or \"mean\""
        ),
        "{err}"
    );
    assert!(
        err.contains(":5:12: report.audience: must be \"board\" or \"analyst\", got \"boardroom\""),
        "{err}"
    );
}

#[test]
fn the_workbook_decides_on_the_same_statistic() {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let dir = tempfile::tempdir().expect("a temporary folder");
    let file = extend(
        dir.path(),
        "p90.toml",
        "seed.toml",
        "[decision]\nstatistic = \"p90\"\n",
    );
    let run = report(dir.path(), &file, "pack", &["--no-tornado"]);
    let rows = summary(&run);
    let mut book: Xlsx<_> = open_workbook(run.join("results.xlsx")).expect("an xlsx file");
    let sheet = book
        .worksheet_range("Decision")
        .expect("the Decision sheet");
    assert_eq!(
        sheet.get_value((0, 2)),
        Some(&Data::String("p90_total_cost".into()))
    );
    for row in 1..=5 {
        let Some(Data::String(id)) = sheet.get_value((row, 1)) else {
            panic!("row {row}: no strategy id");
        };
        let Some(Data::Float(v)) = sheet.get_value((row, 2)) else {
            panic!("row {row}: no number");
        };
        assert_eq!(*v, rows[&("total_cost".into(), id.clone())]["p90"], "{id}");
    }
}

#[test]
fn run_prints_a_decision_statistic_its_columns_do_not_show_beside_them() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let console = |file: &Path, out: &str| {
        let o = run_in(
            dir.path(),
            &[
                "run",
                file.to_str().expect("a UTF-8 path"),
                "--trials",
                "4096",
                "--charts",
                "none",
                "--out",
                out,
            ],
        );
        assert_success(&o, "run");
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let p90 = extend(
        dir.path(),
        "p90.toml",
        "seed.toml",
        "[decision]\nstatistic = \"p90\"\n",
    );
    let text = console(&p90, "p90");
    assert!(
        text.contains("total_cost (USD); the decision is on the P90\n"),
        "{text}"
    );
    // Each strategy's P90 column is summary.csv's p90, as the console writes money.
    let rows = summary(&dir.path().join("p90"));
    let block = text
        .split("total_cost (USD); the decision is on the P90\n")
        .nth(1)
        .expect("the total-cost table");
    let backend = block
        .lines()
        .find(|l| l.trim_start().starts_with("Backend-led"))
        .expect("the backend row");
    let p90_value = rows[&("total_cost".to_string(), "backend_led".to_string())]["p90"];
    let expected = format!("${:.1}m", p90_value / 1e6);
    assert!(
        backend.trim_end().ends_with(&expected),
        "{backend:?} ends with {expected}"
    );
    // The default statistic, P80, is among the columns: no extra column.
    let seed = scenario("seed.toml");
    let plain = console(&seed, "plain");
    assert!(plain.contains("total_cost (USD)\n"), "{plain}");
    assert!(!plain.contains("the decision is on"), "{plain}");
}
