//! Renders a run folder's charts until the CLI grows a `chart` command:
//! `cargo run --release --example render_charts -- RUN_FOLDER [png|svg|both]`.

use std::path::PathBuf;
use std::process::ExitCode;

use tradeoff_sim::output::chart::{ChartFormat, render_run_charts};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next().map(PathBuf::from) else {
        eprintln!("usage: render_charts RUN_FOLDER [png|svg|both]");
        return ExitCode::from(2);
    };
    let format = match args.next().as_deref() {
        None | Some("both") => ChartFormat::Both,
        Some("png") => ChartFormat::Png,
        Some("svg") => ChartFormat::Svg,
        Some(other) => {
            eprintln!("unknown format `{other}`: use png, svg or both");
            return ExitCode::from(2);
        }
    };
    match render_run_charts(&dir, format) {
        Ok(paths) => {
            for path in paths {
                println!("{}", path.display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
