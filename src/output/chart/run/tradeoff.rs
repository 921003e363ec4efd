//! The tradeoff: P50 build weeks against P50 total cost, with P10-P90 whiskers.

use super::*;

/// Obstacle weight of a placed label in the tradeoff chart (dots 50, whiskers 3).
const LABEL_WEIGHT: i64 = 100;

pub(super) fn tradeoff<DB: DrawingBackend>(canvas: &Canvas<DB>, ctx: &Ctx) -> ChartResult {
    let mut points = Vec::new();
    for (s, colour) in &ctx.strategies {
        let w = ctx.data.summary_row("build_weeks", &s.id)?;
        let c = ctx.data.summary_row("total_cost", &s.id)?;
        points.push((
            s,
            *colour,
            (w.p10, w.p50, w.p90),
            (c.p10, c.p50, c.p90),
            super::super::decision_value(c, ctx.decision),
        ));
    }
    let finite = |v: f64| v.is_finite().then_some(v);
    let span = |values: Vec<f64>| {
        values
            .into_iter()
            .filter_map(finite)
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
                (lo.min(v), hi.max(v))
            })
    };
    let (wx0, wx1) = span(points.iter().flat_map(|p| [p.2.0, p.2.1, p.2.2]).collect());
    let (cy0, cy1) = span(points.iter().flat_map(|p| [p.3.0, p.3.1, p.3.2]).collect());
    let pad = |lo: f64, hi: f64| {
        let p = (hi - lo).abs() * 0.06;
        (lo - p, hi + p)
    };
    let (wx0, wx1) = pad(wx0, wx1);
    let (cy0, cy1) = pad(cy0, cy1);
    let (xlo, xhi, xstep, xt) = linear_ticks(wx0, wx1, 8);
    let (ylo, yhi, ystep, yt) = linear_ticks(cy0.max(0.0).min(cy0), cy1, 6);
    let x = Axis {
        lo: xlo,
        hi: xhi,
        log: false,
        ticks: xt.iter().copied().zip(plain_ticks(&xt, xstep)).collect(),
    };
    let y = Axis {
        lo: ylo,
        hi: yhi,
        log: false,
        ticks: yt
            .iter()
            .copied()
            .zip(money_ticks(&yt, ystep, &ctx.prefix))
            .collect(),
    };
    // One number of decimals for the whole legend, as in the S-curve's.
    let decimals = shared_decimals(&points.iter().map(|p| p.2.1).collect::<Vec<_>>(), 1);
    let legend = points
        .iter()
        .map(|(s, c, w, m, decided)| LegendItem {
            swatch: Swatch::Line(*c),
            text: if ctx.decision == DecisionStat::P50 {
                format!(
                    "{}: median {} wk, {}",
                    s.label,
                    number(w.1, decimals),
                    money_with_prefix(m.1, &ctx.prefix)
                )
            } else {
                format!(
                    "{}: median {} wk, {} · {} cost {}",
                    s.label,
                    number(w.1, decimals),
                    money_with_prefix(m.1, &ctx.prefix),
                    ctx.decision.short(),
                    money_with_prefix(*decided, &ctx.prefix)
                )
            },
        })
        .collect();
    let mut notes = vec![
        "Dot: median (P50) build time and total cost. Whiskers: P10 to P90, the range of eight in ten simulated projects. Lower left is faster and cheaper.".to_string(),
    ];
    if ctx.decision != DecisionStat::P50 {
        notes.push(format!(
            "{} cost in the legend: {} ({}), which the decision is made on.",
            ctx.decision.short(),
            ctx.decision.label(),
            ctx.decision.meaning()
        ));
    }
    let layout = draw_page(canvas, &page(ctx, ChartKind::Tradeoff, legend, notes))?;
    let frame = plot_frame(&layout, x, y, 0, 40);
    draw_axes(
        canvas,
        &frame,
        "build time until launch (weeks)",
        &format!("total cost per project ({})", ctx.currency),
        None,
    )?;

    for (_, colour, w, c, _) in &points {
        let (Some(wm), Some(cm)) = (finite(w.1), finite(c.1)) else {
            continue;
        };
        let cy = frame.py(cm);
        let cx = frame.px(wm);
        if let (Some(a), Some(b)) = (finite(w.0), finite(w.2)) {
            let (x0, x1) = (frame.px(a), frame.px(b));
            canvas.line(vec![(x0, cy), (x1, cy)], *colour, 5)?;
            canvas.line(vec![(x0, cy - 12), (x0, cy + 12)], *colour, 5)?;
            canvas.line(vec![(x1, cy - 12), (x1, cy + 12)], *colour, 5)?;
        }
        if let (Some(a), Some(b)) = (finite(c.0), finite(c.2)) {
            let (y0, y1) = (frame.py(a), frame.py(b));
            canvas.line(vec![(cx, y0), (cx, y1)], *colour, 5)?;
            canvas.line(vec![(cx - 12, y0), (cx + 12, y0)], *colour, 5)?;
            canvas.line(vec![(cx - 12, y1), (cx + 12, y1)], *colour, 5)?;
        }
    }
    // Labels: of sixteen spots around each dot, take the one that covers the least of the
    // other dots, whiskers and labels, so a label never hides another strategy's data.
    let mut obstacles: Vec<(i32, i32, i32, i32, i64)> = Vec::new();
    for (_, _, w, c, _) in &points {
        let (Some(wm), Some(cm)) = (finite(w.1), finite(c.1)) else {
            continue;
        };
        let (cx, cy) = frame.pt(wm, cm);
        obstacles.push((cx - 18, cy - 18, cx + 18, cy + 18, 50));
        if let (Some(a), Some(b)) = (finite(w.0), finite(w.2)) {
            obstacles.push((frame.px(a), cy - 12, frame.px(b), cy + 12, 3));
        }
        if let (Some(a), Some(b)) = (finite(c.0), finite(c.2)) {
            obstacles.push((cx - 12, frame.py(b), cx + 12, frame.py(a), 3));
        }
    }
    let dots: Vec<(i32, i32)> = points
        .iter()
        .filter_map(|(_, _, w, c, _)| Some(frame.pt(finite(w.1)?, finite(c.1)?)))
        .collect();
    // A label takes at most a third of the plot's width: past that it wraps onto a second
    // line (and only past two lines at the smallest size is it cut), so a long label still
    // finds a place beside its own dot.
    let max_label_w = ((frame.right - frame.left) / 3).clamp(200, 560);
    let mut drawn = Vec::new();
    for (s, colour, w, c, _) in &points {
        let (Some(wm), Some(cm)) = (finite(w.1), finite(c.1)) else {
            continue;
        };
        let (cx, cy) = frame.pt(wm, cm);
        let (lines, size) = fit_lines(
            &s.label,
            max_label_w,
            canvas::LABEL_SIZE,
            canvas::LABEL_SIZE - 4.0,
            20.0,
            2,
            true,
        );
        let line_h = (size * 1.2).ceil() as i32;
        let tw = lines
            .iter()
            .map(|l| text_width(l, size, true))
            .max()
            .unwrap_or(0);
        let th = size as i32 + line_h * (lines.len() as i32 - 1);
        // (cost, position, side, overlaps another label)
        let mut best: Option<(i64, (i32, i32), i32, bool)> = None;
        for d in [20, 48, 90] {
            for (fx, fy) in [
                (1, -1),
                (-1, -1),
                (1, 1),
                (-1, 1),
                (1, 0),
                (-1, 0),
                (0, -1),
                (0, 1),
            ] {
                let x = match fx {
                    1 => cx + d,
                    -1 => cx - d - tw,
                    _ => cx - tw / 2,
                };
                let y = match fy {
                    -1 => cy - d - th,
                    1 => cy + d,
                    _ => cy - th / 2,
                };
                let overlap = |(a, b, c2, e, weight): (i32, i32, i32, i32, i64)| {
                    let ox = ((x + tw + 6).min(c2) - (x - 6).max(a)).max(0) as i64;
                    let oy = ((y + th + 4).min(e) - (y - 4).max(b)).max(0) as i64;
                    ox * oy * weight
                };
                let inside = x >= frame.left + 4
                    && x + tw <= frame.right - 4
                    && y >= frame.top + 2
                    && y + th <= frame.bottom - 2;
                // A label must read as its own dot's: nearer to it than to any other dot.
                let (lcx, lcy) = ((x + tw / 2) as f64, (y + th / 2) as f64);
                let dist = |(px, py): (i32, i32)| (px as f64 - lcx).hypot(py as f64 - lcy);
                let own = dist((cx, cy));
                let misleading = dots.iter().any(|&d| d != (cx, cy) && dist(d) < own);
                let cost = obstacles.iter().map(|&o| overlap(o)).sum::<i64>()
                    + if inside { 0 } else { 1_000_000_000 }
                    + if misleading { 500_000 } else { 0 }
                    + d as i64 * 300;
                let hits_label = obstacles
                    .iter()
                    .any(|&o| o.4 == LABEL_WEIGHT && overlap(o) > 0);
                if best.is_none_or(|(c0, _, _, _)| cost < c0) {
                    best = Some((cost, (x, y), fx, hits_label));
                }
            }
        }
        let (lx, ly, side, hits_label) = best
            .map_or((cx + 20, cy - 20 - th, 1, false), |(_, at, side, hit)| {
                (at.0, at.1, side, hit)
            });
        // Never off the plot, even when no spot beside the dot is free.
        let lx = lx.clamp(frame.left + 4, (frame.right - 4 - tw).max(frame.left + 4));
        let ly = ly.clamp(frame.top + 2, (frame.bottom - 2 - th).max(frame.top + 2));
        // A label that can only sit on another label is left out: the legend names every
        // strategy, and a pile of overprinted names reads as nothing.
        let label = if hits_label {
            None
        } else {
            obstacles.push((lx - 6, ly - 4, lx + tw + 6, ly + th + 4, LABEL_WEIGHT));
            // Lines line up on the side facing the dot.
            let placed: Vec<(String, (i32, i32))> = lines
                .iter()
                .enumerate()
                .map(|(k, line)| {
                    let lw = text_width(line, size, true);
                    let x = match side {
                        -1 => lx + tw - lw,
                        0 => lx + (tw - lw) / 2,
                        _ => lx,
                    };
                    (line.clone(), (x, ly + k as i32 * line_h))
                })
                .collect();
            Some((placed, size))
        };
        drawn.push((label, *colour, (cx, cy)));
    }
    for (_, colour, at) in &drawn {
        canvas.circle(*at, 17, WHITE, true)?;
        canvas.circle(*at, 13, *colour, true)?;
    }
    for (label, colour, _) in &drawn {
        let Some((lines, size)) = label else {
            continue;
        };
        for (line, at) in lines {
            // A white halo keeps a label readable where it crosses a whisker, without the
            // opaque box that would make the whisker look broken.
            for (dx, dy) in [
                (-2, 0),
                (2, 0),
                (0, -2),
                (0, 2),
                (-2, -2),
                (2, 2),
                (-2, 2),
                (2, -2),
            ] {
                canvas.text(
                    line,
                    (at.0 + dx, at.1 + dy),
                    *size,
                    true,
                    WHITE,
                    HPos::Left,
                    VPos::Top,
                )?;
            }
            canvas.text(
                line,
                *at,
                *size,
                true,
                text_colour(*colour),
                HPos::Left,
                VPos::Top,
            )?;
        }
    }
    Ok(())
}
