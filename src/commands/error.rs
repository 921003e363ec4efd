//! [`CliError`]: everything that can end a command, and the exit code each means
//! (0 success, 1 the run failed, 2 bad usage or a bad scenario, 130 interrupted).
//! Holds no messages of its own beyond usage errors; must not print.

use crate::analysis::check::CheckError;
use crate::analysis::sensitivity::SensitivityError;
use crate::analysis::sweep::SweepError;
use crate::engine::EngineError;
use crate::output::OutputError;
use crate::output::chart::ChartError;
use crate::output::csv::CsvError;
use crate::scenario::ScenarioError;

/// Everything that can end a command; each knows its exit code.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error(transparent)]
    Output(#[from] OutputError),
    #[error(transparent)]
    Csv(#[from] CsvError),
    /// `check` ran, and some claim fails or is undecided: `report` is its table.
    #[error("{summary}")]
    ClaimsNotHeld { report: String, summary: String },
    #[error(transparent)]
    Chart(#[from] ChartError),
    /// `chart` on a folder tradeoff-sim did not write, or whose files are damaged.
    #[error(transparent)]
    ChartInput(ChartError),
}

impl From<SweepError> for CliError {
    fn from(e: SweepError) -> Self {
        match e {
            SweepError::Usage(m) => CliError::Usage(m),
            SweepError::Scenario(e) => CliError::Scenario(e),
            SweepError::Engine(e) => CliError::Engine(e),
        }
    }
}

impl From<SensitivityError> for CliError {
    fn from(e: SensitivityError) -> Self {
        match e {
            SensitivityError::Usage(m) => CliError::Usage(m),
            SensitivityError::Scenario(e) => CliError::Scenario(e),
            SensitivityError::Engine(e) => CliError::Engine(e),
        }
    }
}

impl From<CheckError> for CliError {
    fn from(e: CheckError) -> Self {
        match e {
            CheckError::Scenario(e) => CliError::Scenario(e),
            CheckError::Engine(e) => CliError::Engine(e),
        }
    }
}

impl CliError {
    /// 2 for bad usage or a bad scenario, 130 for an interrupt, 1 for a failed run.
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::Scenario(ScenarioError::Interrupted { .. }) => 130,
            CliError::Scenario(_) | CliError::Usage(_) | CliError::ChartInput(_) => 2,
            CliError::Engine(EngineError::TooLarge { .. } | EngineError::NotFinite { .. }) => 2,
            CliError::Engine(EngineError::Interrupted) => 130,
            _ => 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_are_two_for_bad_usage_130_for_an_interrupt_and_one_otherwise() {
        assert_eq!(CliError::Usage("x".into()).exit_code(), 2);
        assert_eq!(CliError::Engine(EngineError::Interrupted).exit_code(), 130);
        let report = || String::new();
        let not_held = CliError::ClaimsNotHeld {
            report: report(),
            summary: report(),
        };
        assert_eq!(not_held.exit_code(), 1);
    }
}
