//! `tradeoff-sim report`: the board pack. Runs each `--variant` on the base's
//! random numbers (the what-if table), the decision tornado on total cost P80
//! (what could flip it), then the base run itself, whose folder
//! (`output/<name>-report/`) holds everything: the run's CSV files and charts,
//! `what_ifs.csv`, `tornado_decision.csv`, `report.html` and `results.xlsx`.
//!
//! Orchestration only: the runs are `analysis`'s, the files `output`'s.

use std::sync::atomic::AtomicBool;

use super::run::{Board, run_with_board};
use super::{CliError, default_folder, threads_of};
use crate::analysis::compare;
use crate::analysis::sensitivity::{self as sens, SensitivityPlan};
use crate::cli::{ReportArgs, RunArgs};
use crate::metric::Metric;
use crate::output::chart::tornado_svg;
use crate::output::csv as csv_out;
use crate::output::report::{DECISION_QUANTILE, Flip, Flips, WhatIf};
use crate::output::schema;
use crate::scenario::ScenarioSource;

pub fn report(args: &ReportArgs, stop: &AtomicBool) -> Result<String, CliError> {
    let threads = threads_of(args.run.threads);
    let source = ScenarioSource::read(&args.scenario)?;
    let set = &args.run.set;
    let base = source.parse(set)?;
    let ids: Vec<String> = base.strategies.iter().map(|s| s.id.clone()).collect();
    let mut run = args.run.clone();
    run.out = Some(
        args.run
            .out
            .clone()
            .unwrap_or_else(|| default_folder(format!("{}-report", base.name))),
    );
    let mut board = Board::default();
    board.extras.no_live = args.no_live;

    if !args.variants.is_empty() {
        let runs = compare::run_variants(
            &source,
            set,
            &args.variants,
            args.run.trials,
            args.run.seed,
            threads,
            stop,
        )?;
        let what_ifs: Vec<WhatIf> = runs
            .iter()
            .zip(std::iter::once(None).chain(args.variants.iter().map(Some)))
            .map(|(r, v)| WhatIf {
                name: v.map_or_else(|| "base".to_string(), |v| v.name.clone()),
                overrides: v.map_or_else(Vec::new, |v| {
                    v.overrides.iter().map(|o| o.to_string()).collect()
                }),
                values: ids
                    .iter()
                    .map(|id| {
                        r.summary(id, Metric::TotalCost)
                            .map_or(f64::NAN, |s| s.p80())
                    })
                    .collect(),
            })
            .collect();
        board
            .files
            .push((schema::WHAT_IFS, csv_out::what_ifs_csv(&ids, &what_ifs)?));
        board.extras.what_ifs = what_ifs.into_iter().skip(1).collect();
    }

    if !args.no_tornado && ids.len() >= 2 {
        let plan = SensitivityPlan {
            scenario: &source,
            base: set,
            strategies: &[],
            metric: Metric::TotalCost,
            stat: DECISION_QUANTILE,
            trials: args.tornado_trials,
            seed: args.run.seed,
            threads,
        };
        let result = sens::run(sens::prepare(&plan, stop)?, &plan, stop, &|_| {})?;
        if let Some((a, b)) = result.best_pair() {
            let bars = result.decision(a, b);
            let chart = super::sensitivity::charts(&result).pop();
            board.extras.flips = Some(Flips {
                best: result.scenario.strategies[a].id.clone(),
                runner_up: result.scenario.strategies[b].id.clone(),
                base_gap: result.base[a] - result.base[b],
                trials: result.trials,
                drivers: bars
                    .iter()
                    .map(|bar| {
                        let d = &result.drivers[bar.driver];
                        Flip {
                            name: result.name(bar.driver, true),
                            key: d.key.clone(),
                            low_setting: d.low_setting.clone(),
                            high_setting: d.high_setting.clone(),
                            base_setting: d.base_setting.clone(),
                            gap_at_low: bar.at_low,
                            gap_at_high: bar.at_high,
                        }
                    })
                    .collect(),
                svg: match &chart {
                    Some(c) => Some(tornado_svg(c)?),
                    None => None,
                },
            });
            board.files.push((
                schema::TORNADO_DECISION,
                csv_out::tornado_decision_csv(&result)?,
            ));
            board.tornadoes.extend(chart);
        }
    }

    let run_args = RunArgs {
        scenario: args.scenario.clone(),
        run,
        trials_csv: false,
        precision: None,
        shard: None,
        charts: args.charts,
    };
    run_with_board(&run_args, &board, stop)
}
