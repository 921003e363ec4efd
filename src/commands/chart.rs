//! `tradeoff-sim chart`: draw a result folder's charts again from its saved files,
//! without simulating. The drawing is `output::chart`'s. Ctrl-C ends it before the
//! next chart (exit 130); the charts already written are whole.

use std::sync::atomic::AtomicBool;

use super::CliError;
use crate::cli::ChartArgs;
use crate::engine::EngineError;
use crate::output::chart::{ChartError, render_folder_charts_until};

pub fn chart(args: &ChartArgs, stop: &AtomicBool) -> Result<String, CliError> {
    let Some(format) = args.charts.format() else {
        return Ok("--charts none: nothing to draw\n".to_string());
    };
    // A folder that is not one tradeoff-sim wrote, or whose files do not hold what
    // it wrote, is bad usage: exit 2, and nothing is drawn.
    let paths = super::on_drawing_threads(0, || {
        render_folder_charts_until(&args.run_folder, format, stop)
    })
    .map_err(|e| {
        if matches!(e, ChartError::Interrupted) {
            CliError::Engine(EngineError::Interrupted)
        } else if e.is_bad_input() {
            CliError::ChartInput(e)
        } else {
            CliError::Chart(e)
        }
    })?;
    let mut out = format!(
        "drew {} charts from {}:\n",
        paths.len(),
        args.run_folder.display()
    );
    for p in paths {
        out.push_str(&format!("  {}\n", p.display()));
    }
    Ok(out)
}
