//! The overlaid distributions of one metric per strategy: total cost (linear axis) and
//! impact-weighted downtime (log axis), with P50 and P95 markers.

use super::*;

pub(super) struct DistributionSpec {
    kind: ChartKind,
    metric: &'static str,
    money: bool,
    log: bool,
    x_title: &'static str,
    y_title: &'static str,
    explain: &'static str,
}

pub(super) const TOTAL_COST: DistributionSpec = DistributionSpec {
    kind: ChartKind::TotalCost,
    metric: "total_cost",
    money: true,
    log: false,
    x_title: "total cost per project ({cur}): build, operations, downtime and churn losses",
    y_title: "share of simulated projects (%)",
    explain: "Shaded areas: share of simulated projects in each cost band. Solid line: P50 (half of projects cost less); dashed line: {decision}.",
};

pub(super) const DOWNTIME: DistributionSpec = DistributionSpec {
    kind: ChartKind::DowntimeHours,
    metric: "downtime_hours",
    money: false,
    log: true,
    x_title: "impact-weighted downtime in the post-launch window (hours, log scale)",
    y_title: "share of simulated projects (%)",
    explain: "Impact-weighted: an hour at half of checkouts counts half. Log scale: each step right is ten times more. Solid line: P50; dashed: P95.",
};

pub(super) fn hours(v: f64) -> String {
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

/// The dashed marker beside the P50: on total cost the decision statistic (the
/// P95 where the decision is made on the P50), elsewhere the P95.
fn second_mark(
    ctx: &Ctx,
    spec: &DistributionSpec,
    marks: &super::super::data::Marks,
) -> (&'static str, f64) {
    if spec.money {
        decision_mark(ctx, marks)
    } else {
        ("P95", marks.p95)
    }
}

/// What the total-cost chart's dashed line is, in words.
fn decision_words(ctx: &Ctx) -> String {
    match ctx.decision {
        DecisionStat::P50 => {
            "P95 (one in twenty costs more); the decision is made on the P50".to_string()
        }
        DecisionStat::Mean => "the mean, which the decision is made on".to_string(),
        d => format!(
            "{} ({}), which the decision is made on",
            d.short(),
            d.meaning()
                .replace("the cost it stays under", "the cost a project stays under")
        ),
    }
}

/// One marker label: its value text, pixel x, statistic names, owning strategies, colour.
type MarkerGroup = (String, i32, Vec<&'static str>, Vec<usize>, RGBColor);

pub(super) fn distribution<DB: DrawingBackend>(
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
            money_with_prefix(v, &ctx.prefix)
        } else {
            hours(v)
        }
    };

    // On a log axis the bin of values <= 0 cannot be drawn; it is reported in words instead.
    let is_zero_bin = |low: f64| log && low <= 0.0;
    let win = window(&hists, &|b| !is_zero_bin(b.low), log, !log);
    let in_window = |b: &Bin| !is_zero_bin(b.low) && b.low >= win.lo && b.high <= win.hi;
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
        let (second, at) = second_mark(ctx, spec, &h.marks);
        for (name, v, dashed) in [("P50", h.marks.p50, false), (second, at, true)] {
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
        markers.push((text, centre_within(px, w, left, right), colour, w));
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
        .map(|((s, c), h)| {
            let (second, at) = second_mark(ctx, spec, &h.marks);
            LegendItem {
                swatch: Swatch::Block(*c),
                text: format!(
                    "{}: P50 {} · {second} {}",
                    s.label,
                    value_text(h.marks.p50),
                    value_text(at)
                ),
            }
        })
        .collect();
    let mut notes = vec![spec.explain.replace("{decision}", &decision_words(ctx))];
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
