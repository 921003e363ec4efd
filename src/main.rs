//! The `tradeoff-sim` binary: parse, run, report the error once, exit.
//!
//! Ctrl-C (SIGINT) and SIGTERM only set [`STOP`]; the run polls it between batches
//! and between the stages that follow the simulation, removes its staging folder
//! and exits with code 130. An earlier result is never touched.

use std::io::Write;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use tradeoff_sim::cli::Cli;
use tradeoff_sim::commands::{self, CliError, print_stdout};

static STOP: AtomicBool = AtomicBool::new(false);

fn main() -> ExitCode {
    let args = Cli::parse_ordered();
    // `ctrlc` with the `termination` feature handles SIGINT, SIGTERM and SIGHUP on a
    // thread of its own, so the handler may do anything; it only raises the flag.
    if let Err(e) = ctrlc::set_handler(|| STOP.store(true, Ordering::SeqCst)) {
        report(&format!(
            "warning: cannot catch Ctrl-C ({e}); an interrupted run may leave a .partial folder"
        ));
    }
    tradeoff_sim::scenario::stop_reads_on(&STOP);
    match commands::execute(args, &STOP) {
        Ok(text) => {
            if let Err(e) = print_stdout(&text) {
                report(&format!("error: cannot write to stdout: {e}"));
                return ExitCode::from(1);
            }
            ExitCode::SUCCESS
        }
        Err(CliError::ClaimsNotHeld { report, summary }) => {
            if let Err(e) = print_stdout(&report) {
                eprintln!("error: cannot write to stdout: {e}");
            }
            eprintln!("error: {summary}");
            ExitCode::from(1)
        }
        Err(e) => {
            report(&format!("error: {e}"));
            ExitCode::from(e.exit_code() as u8)
        }
    }
}

/// Prints to stderr; a closed stderr is ignored (`eprintln!` would panic).
fn report(message: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{message}");
}
