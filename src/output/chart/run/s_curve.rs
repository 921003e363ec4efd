//! The build-weeks S-curve: the share of projects finished by each week, per strategy.

use super::*;

/// How far beyond the simulated launches (as a factor of the latest, or of the
/// earliest for a target before them) the axis stretches to show the target.
const TARGET_REACH: f64 = 4.0;

pub(super) fn s_curve<DB: DrawingBackend>(canvas: &Canvas<DB>, ctx: &Ctx) -> ChartResult {
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
    let win = window(&hists, &|_| true, false, false);
    let cut_top = win.above.iter().any(|c| *c > 0.0);
    let (mut lo, mut hi) = (win.lo, win.hi);
    // The axis stretches to a target near the data; one far beyond it (a target of
    // 1e200 weeks, which the scenario allows) would squash every curve into a line
    // and give tick labels hundreds of digits long, so it is named in a note instead.
    let (target, far_target) = match target {
        Some(t) if t <= hi.max(0.0) * TARGET_REACH && t >= lo / TARGET_REACH => (Some(t), None),
        other => (None, other),
    };
    if let Some(t) = target {
        lo = lo.min(t);
        hi = hi.max(t);
    }
    let (lo, hi_rounded, step, ticks) = linear_ticks(lo, hi, 10);
    // With trials beyond the cut the axis stops at the cut (or the target, if later).
    let hi = if cut_top && hi > lo { hi } else { hi_rounded };
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
    // One number of decimals for the whole legend, so `32.0 wk` never reads `32 wk` next to
    // `25.2 wk`.
    let decimals = shared_decimals(
        &hists
            .iter()
            .flat_map(|h| [h.marks.p50, h.marks.p80])
            .collect::<Vec<_>>(),
        1,
    );
    let weeks = |v: f64| format!("{} wk", number(v, decimals));
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
    notes.extend(identical_note(ctx, &hists));
    notes.extend(capped_note(ctx));
    notes.extend(far_target.map(|t| {
        let side = if t > hi { "after" } else { "before" };
        format!(
            "The target, week {}, lies far {side} every simulated launch, beyond the axis.",
            if t >= 1e9 {
                format!("{t:.3e}")
            } else {
                short(t, 1)
            }
        )
    }));
    notes.extend(outside_note(
        ctx,
        &hists,
        &win.above,
        &format!("launching after week {}", short(win.hi, 1)),
    ));
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
        let (label, size) = fit_text(
            &format!("target: week {}", short(t, 1)),
            frame.right - frame.left,
            canvas::NOTE_SIZE,
            canvas::NOTE_SIZE,
            true,
        );
        let w = text_width(&label, size, true);
        let cx = centre_within(px, w, frame.left, frame.right);
        canvas.text(
            &label,
            (cx, frame.top - 10),
            size,
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
        for b in h.bins.iter().filter(|b| b.high <= win.hi) {
            cum += b.count;
            points.push(frame.pt(b.high, cum / h.n * 100.0));
        }
        // Past the last bin the curve is known only when no trial lies beyond the cut.
        if cum >= h.n {
            points.push(frame.pt(frame.x.hi, 100.0));
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
