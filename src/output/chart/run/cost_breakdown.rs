//! The cost breakdown: mean cost components stacked per strategy.

use super::*;

/// Blue-grey shades for the cost components: distinct from every strategy colour, so a
/// segment is never mistaken for a strategy.
const COMPONENTS: [(&str, &str, RGBColor); 4] = [
    ("build_cost", "mean build cost", RGBColor(0x26, 0x32, 0x38)),
    (
        "ops_cost",
        "mean operations cost",
        RGBColor(0x60, 0x7D, 0x8B),
    ),
    (
        "downtime_loss",
        "mean downtime loss",
        RGBColor(0x9E, 0xB3, 0xBE),
    ),
    ("churn_loss", "mean churn loss", RGBColor(0xD3, 0xDD, 0xE2)),
];

pub(super) fn cost_breakdown<DB: DrawingBackend>(canvas: &Canvas<DB>, ctx: &Ctx) -> ChartResult {
    let clean = |v: f64| if v.is_finite() { v.max(0.0) } else { 0.0 };
    let mut bars = Vec::new();
    for (s, colour) in &ctx.strategies {
        let mut parts = Vec::new();
        for (metric, _, _) in COMPONENTS {
            parts.push(clean(ctx.data.summary_row(metric, &s.id)?.mean));
        }
        let total = ctx.data.summary_row("total_cost", &s.id)?.mean;
        bars.push((s, *colour, parts, total));
    }
    let top = bars
        .iter()
        .map(|b| b.2.iter().sum::<f64>().max(clean(b.3)))
        .fold(0.0_f64, f64::max);
    let (_, hi, step, ticks) = linear_ticks(0.0, if top > 0.0 { top * 1.1 } else { 1.0 }, 6);
    let y = Axis {
        lo: 0.0,
        hi,
        log: false,
        ticks: ticks
            .iter()
            .copied()
            .zip(money_ticks(&ticks, step, &ctx.prefix))
            .collect(),
    };
    let x = Axis {
        lo: 0.0,
        hi: bars.len() as f64,
        log: false,
        ticks: Vec::new(),
    };
    let legend = COMPONENTS
        .iter()
        .map(|(_, label, c)| LegendItem {
            swatch: Swatch::Block(*c),
            text: label.to_string(),
        })
        .collect();
    let mut notes = vec![
        "Means, not medians: a few very bad projects pull the mean above the typical one (see the total cost chart for the spread). Number on top: mean total cost.".to_string(),
    ];
    for (s, _, parts, total) in &bars {
        let sum: f64 = parts.iter().sum();
        if total.is_finite() && (sum - total).abs() > 0.01 * total.abs().max(1.0) {
            notes.push(format!(
                "{}: the segments add up to {}, the mean total cost is {}.",
                s.label,
                money_with_prefix(sum, &ctx.prefix),
                money_with_prefix(*total, &ctx.prefix)
            ));
        }
    }
    let layout = draw_page(canvas, &page(ctx, ChartKind::CostBreakdown, legend, notes))?;
    let mut frame = plot_frame(&layout, x, y, 0, 20);
    let labels: Vec<String> = bars.iter().map(|b| b.0.label.clone()).collect();
    let colours: Vec<RGBColor> = bars.iter().map(|b| b.1).collect();
    let categories = Categories {
        labels: &labels,
        colours: Some(&colours),
        max_lines: 2,
    };
    make_room_for_categories(&mut frame, &categories);
    draw_axes(
        canvas,
        &frame,
        "strategy",
        &format!("mean cost per project ({})", ctx.currency),
        Some(categories),
    )?;
    let slot = (frame.right - frame.left) as f64 / bars.len().max(1) as f64;
    let bar_w = (slot * 0.6).clamp(2.0, 300.0) as i32;
    for (i, (_, _, parts, total)) in bars.iter().enumerate() {
        let cx = frame.left + (slot * (i as f64 + 0.5)).round() as i32;
        let mut base = 0.0;
        for (v, (_, _, c)) in parts.iter().zip(COMPONENTS) {
            let (y0, y1) = (frame.py(base), frame.py(base + v));
            if y0 > y1 {
                canvas.fill_rect((cx - bar_w / 2, y1), (cx + bar_w / 2, y0), c)?;
            }
            let text = money_with_prefix(*v, &ctx.prefix);
            if y0 - y1 >= 34 && text_width(&text, canvas::NOTE_SIZE, true) <= bar_w - 8 {
                let RGBColor(r, g, b) = c;
                let ink = if (r as u32 + g as u32 + b as u32) < 384 {
                    WHITE
                } else {
                    INK
                };
                canvas.text(
                    &text,
                    (cx, (y0 + y1) / 2),
                    canvas::NOTE_SIZE,
                    true,
                    ink,
                    HPos::Center,
                    VPos::Center,
                )?;
            }
            base += v;
        }
        let head = if total.is_finite() {
            total.max(base)
        } else {
            base
        };
        let (text, size) = fit_text(
            &money_with_prefix(*total, &ctx.prefix),
            slot as i32 - 8,
            canvas::LABEL_SIZE,
            12.0,
            true,
        );
        canvas.text(
            &text,
            (cx, frame.py(head) - 10),
            size,
            true,
            INK,
            HPos::Center,
            VPos::Bottom,
        )?;
    }
    Ok(())
}
