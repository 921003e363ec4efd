//! The `tradeoff-sim` binary: parse, run, report the error once, exit.

use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

use clap::Parser;
use tradeoff_sim::cli::{self, Cli};

static STOP: AtomicBool = AtomicBool::new(false);

fn main() -> ExitCode {
    let args = Cli::parse();
    match cli::execute(args, &STOP) {
        Ok(text) => {
            if let Err(e) = cli::print_stdout(&text) {
                eprintln!("error: cannot write to stdout: {e}");
                return ExitCode::from(1);
            }
            ExitCode::SUCCESS
        }
        Err(cli::CliError::ClaimsNotHeld { report, summary }) => {
            if let Err(e) = cli::print_stdout(&report) {
                eprintln!("error: cannot write to stdout: {e}");
            }
            eprintln!("error: {summary}");
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code() as u8)
        }
    }
}
