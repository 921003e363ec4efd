//! `tradeoff-sim chart`: draw a result folder's charts again from its saved files,
//! without simulating. The drawing is `output::chart`'s.

use super::CliError;
use crate::cli::ChartArgs;
use crate::output::chart::render_folder_charts;

pub fn chart(args: &ChartArgs) -> Result<String, CliError> {
    let Some(format) = args.charts.format() else {
        return Ok("--charts none: nothing to draw\n".to_string());
    };
    // A folder that is not one tradeoff-sim wrote, or whose files do not hold what
    // it wrote, is bad usage: exit 2, and nothing is drawn.
    let paths = render_folder_charts(&args.run_folder, format).map_err(|e| {
        if e.is_bad_input() {
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
