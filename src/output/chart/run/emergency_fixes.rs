//! Emergency fixes in the post-launch window: a discrete distribution per strategy.

use super::*;

pub(super) fn emergency_fixes<DB: DrawingBackend>(canvas: &Canvas<DB>, ctx: &Ctx) -> ChartResult {
    let hists = ctx
        .strategies
        .iter()
        .map(|(s, _)| ctx.data.histogram("emergency_fixes", &s.id))
        .collect::<Result<Vec<_>, _>>()?;
    // Integer bins are [k - 0.5, k + 0.5); the centre is the count.
    let centre = |b: &Bin| ((b.low + b.high) / 2.0).round();
    let win = window(&hists, &|_| true, false, false);
    let in_window = |b: &Bin| b.low >= win.lo && b.high <= win.hi;
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    let mut max_share: f64 = 0.0;
    for h in &hists {
        for b in h.bins.iter().filter(|b| in_window(b)) {
            let k = centre(b);
            if k.is_finite() {
                lo = lo.min(k);
                hi = hi.max(k);
            }
            if h.n > 0.0 {
                max_share = max_share.max(b.count / h.n * 100.0);
            }
        }
    }
    if !(lo.is_finite() && hi.is_finite()) {
        lo = 0.0;
        hi = 1.0;
    }
    // Side-by-side bars read best for a few counts and strategies; beyond that, lines.
    let grouped = hi - lo <= 20.0 && ctx.strategies.len() <= 4;
    let step = nice_step(hi - lo + 1.0, 12).max(1.0).round();
    let first = (lo / step).ceil() * step;
    let mut ticks = Vec::new();
    let mut t = first;
    while t <= hi + 1e-9 && ticks.len() < 100 {
        ticks.push((t, number(t, 0)));
        t += step;
    }
    let x = Axis {
        lo: lo - 0.5,
        hi: hi + 0.5,
        log: false,
        ticks,
    };
    let y = percent_axis(max_share);
    let legend = ctx
        .strategies
        .iter()
        .zip(&hists)
        .map(|((s, c), h)| LegendItem {
            swatch: if grouped {
                Swatch::Block(*c)
            } else {
                Swatch::Line(*c)
            },
            text: format!(
                "{}: mean {} · P90 {}",
                s.label,
                short(h.marks.mean, 1),
                short(h.marks.p90, 1)
            ),
        })
        .collect();
    let mut notes = vec![format!(
        "Share of simulated projects needing exactly that many emergency fixes {}.",
        window_text(ctx)
    )];
    notes.extend(identical_note(ctx, &hists));
    notes.extend(outside_note(
        ctx,
        &hists,
        &win.above,
        &format!("more than {} fixes", short(win.hi.floor(), 0)),
    ));
    let layout = draw_page(canvas, &page(ctx, ChartKind::EmergencyFixes, legend, notes))?;
    let frame = plot_frame(&layout, x, y, 0, 40);
    draw_axes(
        canvas,
        &frame,
        &format!("emergency fixes {} (count)", window_text(ctx)),
        "share of simulated projects (%)",
        None,
    )?;

    let unit_px = (frame.right - frame.left) as f64 / (frame.x.hi - frame.x.lo);
    let k = ctx.strategies.len().max(1) as f64;
    for (i, ((_, colour), h)) in ctx.strategies.iter().zip(&hists).enumerate() {
        if h.n <= 0.0 {
            continue;
        }
        let mut points = Vec::new();
        for b in h.bins.iter().filter(|b| in_window(b)) {
            let c = centre(b);
            let share = b.count / h.n * 100.0;
            if grouped {
                // Side-by-side bars within each integer's slot.
                let w = unit_px * 0.8 / k;
                let x0 = frame.px(c) as f64 - unit_px * 0.4 + w * i as f64;
                if share > 0.0 {
                    canvas.fill_rect(
                        (x0.round() as i32, frame.py(share)),
                        ((x0 + w).round() as i32 - 1, frame.bottom),
                        *colour,
                    )?;
                }
            } else {
                points.push(frame.pt(c, share));
            }
        }
        if !grouped {
            canvas.line(points.clone(), *colour, 4)?;
            for p in points {
                canvas.circle(p, 5, *colour, true)?;
            }
        }
    }
    Ok(())
}
