//! The probability that each strategy is best, per headline metric.

use super::*;

const HEADLINE: [(&str, &str); 5] = [
    ("total_cost", "Total cost"),
    ("build_weeks", "Build time"),
    ("api_failures", "API failures, not counting traffic surges"),
    ("emergency_fixes", "Emergency fixes"),
    ("downtime_hours", "Downtime"),
];

pub(super) fn probability_best<DB: DrawingBackend>(canvas: &Canvas<DB>, ctx: &Ctx) -> ChartResult {
    let mut groups = Vec::new();
    for (metric, label) in HEADLINE {
        let mut ps = Vec::new();
        for (s, _) in &ctx.strategies {
            let p = ctx.data.p_best(metric, &s.id)?;
            ps.push(if p.is_finite() {
                p.clamp(0.0, 1.0)
            } else {
                0.0
            });
        }
        groups.push((label.to_string(), ps));
    }
    let y = Axis {
        lo: 0.0,
        hi: 100.0,
        log: false,
        ticks: (0..=5)
            .map(|i| (i as f64 * 20.0, format!("{}%", i * 20)))
            .collect(),
    };
    let x = Axis {
        lo: 0.0,
        hi: groups.len() as f64,
        log: false,
        ticks: Vec::new(),
    };
    let legend = ctx
        .strategies
        .iter()
        .map(|(s, c)| LegendItem {
            swatch: Swatch::Block(*c),
            text: s.label.clone(),
        })
        .collect();
    let notes = vec![if ctx.strategies.len() == 1 {
        "Only one strategy in this run, so it is best by definition.".to_string()
    } else {
        "Chance that the strategy has the lowest value of the metric in the same simulated project (all strategies face the same draws; ties split evenly). Bars in a group add up to 100%.".to_string()
    }];
    let layout = draw_page(
        canvas,
        &page(ctx, ChartKind::ProbabilityBest, legend, notes),
    )?;
    let mut frame = plot_frame(&layout, x, y, 40, 20);
    let labels: Vec<String> = groups.iter().map(|g| g.0.clone()).collect();
    // Two lines a label, so that the longest ("API failures, not counting traffic
    // surges") keeps every label at a readable size.
    let categories = Categories {
        labels: &labels,
        colours: None,
        max_lines: 2,
    };
    make_room_for_categories(&mut frame, &categories);
    draw_axes(
        canvas,
        &frame,
        "headline metric (lower is better)",
        "chance of being best (%)",
        Some(categories),
    )?;
    let slot = (frame.right - frame.left) as f64 / groups.len() as f64;
    let k = ctx.strategies.len().max(1) as f64;
    let bar_w = slot * 0.82 / k;
    for (g, (_, ps)) in groups.iter().enumerate() {
        let x0 = frame.left as f64 + slot * g as f64 + slot * 0.09;
        for (i, (p, (_, colour))) in ps.iter().zip(&ctx.strategies).enumerate() {
            let a = (x0 + bar_w * i as f64).round() as i32;
            let b = ((x0 + bar_w * (i as f64 + 1.0)).round() as i32 - 2).max(a + 1);
            let top = frame.py(p * 100.0);
            if top < frame.bottom {
                canvas.fill_rect((a, top), (b, frame.bottom), *colour)?;
            }
            // Rounding must not turn "rare" into "never" (or "almost always" into "always").
            let text = match p * 100.0 {
                v if v > 0.0 && v < 0.5 => "<1%".to_string(),
                v if v < 100.0 && v > 99.5 => ">99%".to_string(),
                v => format!("{}%", number(v, 0)),
            };
            if text_width(&text, canvas::NOTE_SIZE, true) <= b - a + 10 {
                canvas.text(
                    &text,
                    ((a + b) / 2, top - 6),
                    canvas::NOTE_SIZE,
                    true,
                    INK,
                    HPos::Center,
                    VPos::Bottom,
                )?;
            }
        }
    }
    Ok(())
}
