//! `results.xlsx`: the board pack as an Excel workbook, for readers who work in
//! Excel: sheets Decision, Summary, What-ifs and Tornado (from `tradeoff-sim
//! report`), Assumptions, Chart data, and Charts with native Excel charts drawn
//! from the Chart data sheet (the S-curve of build weeks as lines, the total-cost
//! histogram as columns, the tradeoff as a scatter, the decision tornado as bars).
//!
//! Owns the workbook's layout; every number comes from [`RunFacts`] (the run
//! folder's CSV files) and [`Extras`]. The only user of `rust_xlsxwriter`. The
//! same inputs give the same bytes: the document's creation date is pinned.
//! Must not compute statistics beyond cumulating and grouping histogram bins.

use rust_xlsxwriter::{
    Chart, ChartType, DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError,
};

use crate::output::report::{
    DECISION_METRIC, Extras, RunFacts, assumptions_of, gap_std_err, lowest,
};

/// The workbook file a board pack holds.
pub const RESULTS_XLSX: &str = "results.xlsx";

/// Most columns of the total-cost histogram: neighbouring bins are joined beyond it.
const MAX_COLUMNS: usize = 40;
/// Most points of an S-curve.
const MAX_POINTS: usize = 120;

#[derive(Debug, thiserror::Error)]
#[error("results.xlsx: {0}; this is a bug in tradeoff-sim, please report it")]
pub struct WorkbookError(#[from] XlsxError);

/// The workbook's bytes.
pub fn results_xlsx(facts: &RunFacts, extras: &Extras) -> Result<Vec<u8>, WorkbookError> {
    let mut book = Workbook::new();
    // Pinned so that the same run gives the same bytes.
    let created = ExcelDateTime::from_ymd(2000, 1, 1)?;
    book.set_properties(
        &DocProperties::new()
            .set_title(format!("{}: board pack", facts.title()))
            .set_author("tradeoff-sim")
            .set_creation_datetime(&created),
    );
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0");
    let share = Format::new().set_num_format("0.0%");

    decision_sheet(book.add_worksheet(), facts, &bold, &money, &share)?;
    summary_sheet(book.add_worksheet(), facts, &bold)?;
    if !extras.what_ifs.is_empty() {
        what_if_sheet(book.add_worksheet(), facts, extras, &bold, &money)?;
    }
    let tornado_rows = match &extras.flips {
        Some(_) => tornado_sheet(book.add_worksheet(), facts, extras, &bold, &money)?,
        None => 0,
    };
    assumption_sheet(book.add_worksheet(), facts, &bold)?;
    let layout = chart_data_sheet(book.add_worksheet(), facts, &bold)?;
    charts_sheet(book.add_worksheet(), facts, &layout, tornado_rows)?;
    Ok(book.save_to_buffer()?)
}

fn decision_sheet(
    sheet: &mut Worksheet,
    facts: &RunFacts,
    bold: &Format,
    money: &Format,
    share: &Format,
) -> Result<(), XlsxError> {
    sheet.set_name("Decision")?;
    let decided = format!("{}_total_cost", facts.stat().column());
    let headers = [
        "option",
        "strategy",
        decided.as_str(),
        "p50_total_cost",
        "p_lowest_total_cost",
        "expected_regret",
        "p_build_cost_above_1_2x_budget",
        "p_build_cost_above_1_5x_budget",
        "planned_budget",
    ];
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, bold)?;
    }
    let values = facts.decision_values();
    for (r, s) in facts.data.manifest.strategies.iter().enumerate() {
        let row = r as u32 + 1;
        sheet.write_string(row, 0, &s.label)?;
        sheet.write_string(row, 1, &s.id)?;
        let summary = facts
            .data
            .summary
            .get(&(DECISION_METRIC.to_string(), s.id.clone()));
        sheet.write_number_with_format(row, 2, values[r], money)?;
        if let Some(summary) = summary {
            sheet.write_number_with_format(row, 3, summary.p50, money)?;
        }
        if let Some(d) = facts.decision.iter().find(|d| d.strategy == s.id) {
            sheet.write_number_with_format(row, 4, d.p_lowest_total_cost, share)?;
            sheet.write_number_with_format(row, 5, d.expected_regret, money)?;
            sheet.write_number_with_format(row, 6, d.p_build_cost_above_1_2x_budget, share)?;
            sheet.write_number_with_format(row, 7, d.p_build_cost_above_1_5x_budget, share)?;
            sheet.write_number_with_format(row, 8, d.planned_budget, money)?;
        }
    }
    let below = facts.data.manifest.strategies.len() as u32 + 2;
    if let Some(b) = lowest(&values) {
        sheet.write_string_with_format(
            below,
            0,
            format!(
                "Recommended on {}: {} ({} {}).",
                facts.stat().label(),
                facts.data.manifest.strategies[b].label,
                crate::format::money(values[b], &facts.data.manifest.currency),
                facts.data.manifest.currency
            ),
            bold,
        )?;
    }
    sheet.write_string(
        below + 1,
        0,
        format!(
            "{} trials per option, seed {}; money in {}.",
            facts.data.manifest.trials, facts.data.manifest.seed, facts.data.manifest.currency
        ),
    )?;
    sheet.set_column_width(0, 30)?;
    sheet.set_column_width(1, 18)?;
    for c in 2..headers.len() as u16 {
        sheet.set_column_width(c, 16)?;
    }
    Ok(())
}

fn summary_sheet(sheet: &mut Worksheet, facts: &RunFacts, bold: &Format) -> Result<(), XlsxError> {
    sheet.set_name("Summary")?;
    let headers = [
        "metric", "strategy", "unit", "n", "mean", "std_dev", "std_err", "min", "p05", "p10",
        "p25", "p50", "p75", "p80", "p90", "p95", "p99", "max",
    ];
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, bold)?;
    }
    for (r, row) in facts.data.summary.values().enumerate() {
        let r = r as u32 + 1;
        sheet.write_string(r, 0, &row.metric)?;
        sheet.write_string(r, 1, &row.strategy)?;
        sheet.write_string(r, 2, &row.unit)?;
        let numbers = [
            row.n,
            row.mean,
            row.std_dev,
            row.std_err,
            row.min,
            row.p05,
            row.p10,
            row.p25,
            row.p50,
            row.p75,
            row.p80,
            row.p90,
            row.p95,
            row.p99,
            row.max,
        ];
        for (c, v) in numbers.iter().enumerate() {
            sheet.write_number(r, c as u16 + 3, *v)?;
        }
    }
    sheet.set_column_width(0, 20)?;
    sheet.set_column_width(1, 18)?;
    Ok(())
}

fn what_if_sheet(
    sheet: &mut Worksheet,
    facts: &RunFacts,
    extras: &Extras,
    bold: &Format,
    money: &Format,
) -> Result<(), XlsxError> {
    sheet.set_name("What-ifs")?;
    let strategies = &facts.data.manifest.strategies;
    sheet.write_string_with_format(0, 0, "what_if", bold)?;
    sheet.write_string_with_format(0, 1, "overrides", bold)?;
    for (c, s) in strategies.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16 + 2, &s.id, bold)?;
    }
    let winner_col = strategies.len() as u16 + 2;
    sheet.write_string_with_format(0, winner_col, "winner", bold)?;
    let base = facts.decision_values();
    let rows_total = extras.what_ifs.len() as u32 + 1;
    sheet.write_string(
        rows_total + 2,
        0,
        format!(
            "Values: {} per option ({}); the same random numbers in every row.",
            facts.stat().label(),
            facts.stat().meaning()
        ),
    )?;
    let rows = std::iter::once(("base".to_string(), String::new(), base.as_slice())).chain(
        extras
            .what_ifs
            .iter()
            .map(|w| (w.name.clone(), w.overrides.join("; "), w.values.as_slice())),
    );
    for (r, (name, overrides, values)) in rows.enumerate() {
        let r = r as u32 + 1;
        sheet.write_string(r, 0, &name)?;
        sheet.write_string(r, 1, &overrides)?;
        for (c, v) in values.iter().enumerate() {
            sheet.write_number_with_format(r, c as u16 + 2, *v, money)?;
        }
        if let Some(w) = lowest(values) {
            sheet.write_string(r, winner_col, &strategies[w].id)?;
        }
    }
    sheet.set_column_width(0, 28)?;
    sheet.set_column_width(1, 48)?;
    Ok(())
}

/// Returns the number of drivers written.
fn tornado_sheet(
    sheet: &mut Worksheet,
    facts: &RunFacts,
    extras: &Extras,
    bold: &Format,
    money: &Format,
) -> Result<u32, XlsxError> {
    sheet.set_name("Tornado")?;
    let Some(flips) = &extras.flips else {
        return Ok(0);
    };
    let headers = [
        "driver",
        "key",
        "low_setting",
        "base_setting",
        "high_setting",
        "gap_at_low",
        "gap_at_high",
    ];
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, bold)?;
    }
    for (r, f) in flips.drivers.iter().enumerate() {
        let r = r as u32 + 1;
        sheet.write_string(r, 0, &f.name)?;
        sheet.write_string(r, 1, &f.key)?;
        sheet.write_string(r, 2, &f.low_setting)?;
        sheet.write_string(r, 3, &f.base_setting)?;
        sheet.write_string(r, 4, &f.high_setting)?;
        sheet.write_number_with_format(r, 5, f.gap_at_low, money)?;
        sheet.write_number_with_format(r, 6, f.gap_at_high, money)?;
    }
    let after = flips.drivers.len() as u32 + 2;
    sheet.write_string(
        after,
        0,
        format!(
            "Gap: {} of {} minus {}; {} trials per setting, Monte Carlo standard error about {:.0}.",
            facts.stat().label(),
            flips.best, flips.runner_up, flips.trials, gap_std_err(facts, flips)
        ),
    )?;
    sheet.set_column_width(0, 36)?;
    sheet.set_column_width(1, 40)?;
    Ok(flips.drivers.len() as u32)
}

fn assumption_sheet(
    sheet: &mut Worksheet,
    facts: &RunFacts,
    bold: &Format,
) -> Result<(), XlsxError> {
    sheet.set_name("Assumptions")?;
    let strategies = &facts.data.manifest.strategies;
    sheet.write_string_with_format(0, 0, "key", bold)?;
    sheet.write_string_with_format(0, 1, "assumption", bold)?;
    sheet.write_string_with_format(0, 2, "strategy", bold)?;
    sheet.write_string_with_format(0, 3, "value", bold)?;
    sheet.write_string_with_format(0, 4, "evidence", bold)?;
    let (shared, own) = assumptions_of(&facts.manifest);
    let mut r = 1;
    for a in &shared {
        sheet.write_string(r, 0, &a.key)?;
        sheet.write_string(r, 1, &a.name)?;
        sheet.write_string(r, 3, a.values.first().map_or("", String::as_str))?;
        sheet.write_string(r, 4, &a.evidence)?;
        r += 1;
    }
    for a in &own {
        for (s, v) in strategies.iter().zip(&a.values) {
            sheet.write_string(r, 0, format!("strategies.{}.{}", s.id, a.key))?;
            sheet.write_string(r, 1, &a.name)?;
            sheet.write_string(r, 2, &s.id)?;
            sheet.write_string(r, 3, v)?;
            sheet.write_string(r, 4, &a.evidence)?;
            r += 1;
        }
    }
    sheet.set_column_width(0, 44)?;
    sheet.set_column_width(1, 36)?;
    sheet.set_column_width(3, 48)?;
    Ok(())
}

/// Where each block of the Chart data sheet is, for the charts.
struct Layout {
    /// S-curve: first row, last row; column 0 is weeks, then one per strategy.
    s_curve: (u32, u32),
    /// Histogram: first row, last row; column 0 is the bin label, then one per strategy.
    histogram: (u32, u32),
    /// Tradeoff: first row; one row per strategy (P50 build weeks, P50 total cost).
    tradeoff: u32,
}

/// Chart data, in three blocks one under another; column A names the block.
fn chart_data_sheet(
    sheet: &mut Worksheet,
    facts: &RunFacts,
    bold: &Format,
) -> Result<Layout, XlsxError> {
    sheet.set_name("Chart data")?;
    let strategies = &facts.data.manifest.strategies;
    let hist = |metric: &str| {
        strategies
            .iter()
            .map(|s| {
                facts
                    .data
                    .histograms
                    .get(&(metric.to_string(), s.id.clone()))
            })
            .collect::<Vec<_>>()
    };
    let header = |sheet: &mut Worksheet, row: u32, first: &str| -> Result<(), XlsxError> {
        sheet.write_string_with_format(row, 0, first, bold)?;
        for (c, s) in strategies.iter().enumerate() {
            sheet.write_string_with_format(row, c as u16 + 1, &s.label, bold)?;
        }
        Ok(())
    };
    // S-curve: share of projects launched by the end of each bin.
    let mut row = 0;
    header(sheet, row, "build weeks (launched by)")?;
    let build = hist("build_weeks");
    let s_first = row + 1;
    if let Some(Some(first)) = build.first() {
        let bins = first.bins.len();
        let step = bins.div_ceil(MAX_POINTS).max(1);
        let mut cumulative = vec![0.0; strategies.len()];
        for i in 0..bins {
            for (s, h) in build.iter().enumerate() {
                if let Some(h) = h
                    && let Some(bin) = h.bins.get(i)
                {
                    cumulative[s] += bin.count;
                }
            }
            if (i + 1) % step == 0 || i + 1 == bins {
                row += 1;
                sheet.write_number(row, 0, first.bins[i].high)?;
                for (s, h) in build.iter().enumerate() {
                    let n = h.map_or(1.0, |h| h.n.max(1.0));
                    sheet.write_number(row, s as u16 + 1, cumulative[s] / n)?;
                }
            }
        }
    }
    let s_curve = (s_first, row.max(s_first));
    // Histogram of total cost: share of projects per (joined) bin, up to the
    // largest P99 of any strategy.
    row += 2;
    header(sheet, row, "total cost bin (from)")?;
    let cost = hist(DECISION_METRIC);
    let h_first = row + 1;
    if let Some(Some(first)) = cost.first() {
        let p99 = strategies
            .iter()
            .filter_map(|s| {
                facts
                    .data
                    .summary
                    .get(&(DECISION_METRIC.to_string(), s.id.clone()))
            })
            .map(|r| r.p99)
            .fold(f64::NEG_INFINITY, f64::max);
        let bins = first
            .bins
            .iter()
            .take_while(|b| b.low <= p99)
            .count()
            .max(1);
        let step = bins.div_ceil(MAX_COLUMNS).max(1);
        for start in (0..bins).step_by(step) {
            row += 1;
            sheet.write_number(row, 0, first.bins[start].low)?;
            for (s, h) in cost.iter().enumerate() {
                let Some(h) = h else { continue };
                let count: f64 = h.bins.iter().skip(start).take(step).map(|b| b.count).sum();
                sheet.write_number(row, s as u16 + 1, count / h.n.max(1.0))?;
            }
        }
    }
    let histogram = (h_first, row.max(h_first));
    // Tradeoff: each option's median build weeks and median total cost.
    row += 2;
    sheet.write_string_with_format(row, 0, "option", bold)?;
    sheet.write_string_with_format(row, 1, "p50 build weeks", bold)?;
    sheet.write_string_with_format(row, 2, "p50 total cost", bold)?;
    let tradeoff = row + 1;
    for s in strategies {
        row += 1;
        sheet.write_string(row, 0, &s.label)?;
        let p50 = |metric: &str| {
            facts
                .data
                .summary
                .get(&(metric.to_string(), s.id.clone()))
                .map_or(f64::NAN, |r| r.p50)
        };
        sheet.write_number(row, 1, p50("build_weeks"))?;
        sheet.write_number(row, 2, p50(DECISION_METRIC))?;
    }
    sheet.set_column_width(0, 28)?;
    Ok(Layout {
        s_curve,
        histogram,
        tradeoff,
    })
}

fn charts_sheet(
    sheet: &mut Worksheet,
    facts: &RunFacts,
    layout: &Layout,
    tornado_rows: u32,
) -> Result<(), XlsxError> {
    sheet.set_name("Charts")?;
    let strategies = &facts.data.manifest.strategies;
    let data = "Chart data";
    let currency = &facts.data.manifest.currency;

    let mut s_curve = Chart::new(ChartType::ScatterStraight);
    s_curve
        .title()
        .set_name("Share of projects launched by each week");
    s_curve.x_axis().set_name("build weeks");
    s_curve
        .y_axis()
        .set_name("share launched")
        .set_num_format("0%");
    let (first, last) = layout.s_curve;
    for (s, st) in strategies.iter().enumerate() {
        let c = s as u16 + 1;
        s_curve
            .add_series()
            .set_name(st.label.as_str())
            .set_categories((data, first, 0, last, 0))
            .set_values((data, first, c, last, c));
    }
    sheet.insert_chart(0, 0, &s_curve)?;

    let mut histogram = Chart::new(ChartType::Column);
    histogram.title().set_name(&format!(
        "Total cost: share of projects per band ({currency})"
    ));
    histogram
        .x_axis()
        .set_name(&format!("total cost from ({currency})"));
    histogram
        .y_axis()
        .set_name("share of projects")
        .set_num_format("0%");
    let (first, last) = layout.histogram;
    for (s, st) in strategies.iter().enumerate() {
        let c = s as u16 + 1;
        histogram
            .add_series()
            .set_name(st.label.as_str())
            .set_categories((data, first, 0, last, 0))
            .set_values((data, first, c, last, c))
            .set_gap(0);
    }
    sheet.insert_chart(0, 9, &histogram)?;

    let mut tradeoff = Chart::new(ChartType::Scatter);
    tradeoff
        .title()
        .set_name("Tradeoff: median build weeks against median total cost");
    tradeoff.x_axis().set_name("median build weeks");
    tradeoff
        .y_axis()
        .set_name(&format!("median total cost ({currency})"));
    for (s, st) in strategies.iter().enumerate() {
        let r = layout.tradeoff + s as u32;
        tradeoff
            .add_series()
            .set_name(st.label.as_str())
            .set_categories((data, r, 1, r, 1))
            .set_values((data, r, 2, r, 2));
    }
    sheet.insert_chart(16, 0, &tradeoff)?;

    if tornado_rows > 0 {
        let mut tornado = Chart::new(ChartType::Bar);
        tornado.title().set_name(&format!(
            "What could flip it: gap in {}",
            facts.stat().label()
        ));
        tornado.x_axis().set_name(&format!("gap ({currency})"));
        let shown = tornado_rows.min(10);
        for (name, col) in [("at low setting", 5), ("at high setting", 6)] {
            tornado
                .add_series()
                .set_name(name)
                .set_categories(("Tornado", 1, 0, shown, 0))
                .set_values(("Tornado", 1, col, shown, col));
        }
        sheet.insert_chart(16, 9, &tornado)?;
    }
    Ok(())
}
