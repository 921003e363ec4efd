//! The probability of at least one post-launch API or traffic-surge failure (`api_failure`), per strategy, with its Wilson
//! 95% interval.

use super::*;

pub(super) fn api_failure<DB: DrawingBackend>(canvas: &Canvas<DB>, ctx: &Ctx) -> ChartResult {
    let mut bars = Vec::new();
    for (s, colour) in &ctx.strategies {
        let row = ctx.data.summary_row("api_failure", &s.id)?;
        let p = if row.mean.is_finite() {
            row.mean.clamp(0.0, 1.0)
        } else {
            0.0
        };
        bars.push((s.label.clone(), *colour, p, wilson_95(p, row.n), row.n));
    }
    let max_pct = bars
        .iter()
        .map(|b| b.3.map_or(b.2, |(_, hi)| hi) * 100.0)
        .fold(0.0_f64, f64::max);
    let y = percent_axis((max_pct * 1.08).max(1.0));
    let x = Axis {
        lo: 0.0,
        hi: bars.len() as f64,
        log: false,
        ticks: Vec::new(),
    };
    let ns: Vec<f64> = bars.iter().map(|b| b.4).collect();
    let n_text = if ns.windows(2).all(|w| w[0] == w[1]) {
        format!(
            "n = {} per strategy",
            count(ns.first().copied().unwrap_or(0.0))
        )
    } else {
        "n = each strategy's trial count".to_string()
    };
    let notes = vec![if ctx.board {
        "Bar: share of simulated projects with at least one API or traffic-surge failure after launch. Whisker: 95% interval.".to_string()
    } else {
        format!(
            "Bar: share of simulated projects with at least one API or traffic-surge failure after launch. Whisker: 95% interval (Wilson score, {n_text})."
        )
    }];
    let layout = draw_page(
        canvas,
        &page(ctx, ChartKind::ApiFailureProbability, Vec::new(), notes),
    )?;
    let mut frame = plot_frame(&layout, x, y, 0, 20);
    let labels: Vec<String> = bars.iter().map(|b| b.0.clone()).collect();
    let categories = Categories {
        labels: &labels,
        colours: None,
        max_lines: 2,
    };
    make_room_for_categories(&mut frame, &categories);
    draw_axes(
        canvas,
        &frame,
        "strategy",
        "chance of ≥1 API or surge failure after launch (%)",
        Some(categories),
    )?;
    let slot = (frame.right - frame.left) as f64 / bars.len().max(1) as f64;
    let bar_w = (slot * 0.6).clamp(2.0, 260.0) as i32;
    for (i, (_, colour, p, interval, _)) in bars.iter().enumerate() {
        let cx = frame.left + (slot * (i as f64 + 0.5)).round() as i32;
        let top = frame.py(p * 100.0);
        canvas.fill_rect(
            (cx - bar_w / 2, top),
            (cx + bar_w / 2, frame.bottom),
            *colour,
        )?;
        let mut label_y = top;
        if let Some((lo, hi)) = interval {
            let (y0, y1) = (frame.py(lo * 100.0), frame.py(hi * 100.0));
            let cap = (bar_w / 5).clamp(4, 30);
            canvas.line(vec![(cx, y0), (cx, y1)], INK, 3)?;
            canvas.line(vec![(cx - cap, y0), (cx + cap, y0)], INK, 3)?;
            canvas.line(vec![(cx - cap, y1), (cx + cap, y1)], INK, 3)?;
            label_y = label_y.min(y1);
        }
        // No failure seen is not "impossible": show how high the rate could still be.
        let value = match interval {
            Some((_, hi)) if *p == 0.0 => format!("0% (at most {})", percent(*hi)),
            _ => percent(*p),
        };
        let (text, size) = fit_text(&value, slot as i32 - 8, canvas::LABEL_SIZE, 12.0, true);
        canvas.text(
            &text,
            (cx, label_y - 10),
            size,
            true,
            INK,
            HPos::Center,
            VPos::Bottom,
        )?;
    }
    Ok(())
}
