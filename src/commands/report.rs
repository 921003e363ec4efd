//! `tradeoff-sim report`: the board pack. Checks the output folder first (a
//! refused folder fails before any simulation), runs each `--variant` on the
//! base's random numbers (the what-if table), the decision tornado on the
//! decision statistic of total cost (P80 unless `[decision]` says otherwise;
//! what could flip it), the scenario's claims (their verdicts), then the base
//! run itself, whose folder
//! (`output/<name>-report/`) holds everything: the run's CSV files and charts,
//! `what_ifs.csv`, `tornado_decision.csv`, `report.html` and `results.xlsx`.
//!
//! Orchestration only: the runs are `analysis`'s, the files `output`'s.

use std::sync::atomic::AtomicBool;

use super::publish::Publish;
use super::run::{Board, run_with_board};
use super::{CliError, default_folder, threads_of};
use crate::analysis::check::{self, CheckPlan};
use crate::analysis::compare;
use crate::analysis::sensitivity::{self as sens, SensitivityPlan};
use crate::analysis::sweep::statistic;
use crate::cli::{ReportArgs, RunArgs};
use crate::metric::Metric;
use crate::output::chart::tornado_svg;
use crate::output::csv as csv_out;
use crate::output::report::{ClaimVerdict, ClaimsChecked, Flip, Flips, WhatIf};
use crate::output::schema;
use crate::scenario::{KeyNames, ScenarioSource, key_label};

pub fn report(args: &ReportArgs, stop: &AtomicBool) -> Result<String, CliError> {
    let threads = threads_of(args.run.threads);
    let source = ScenarioSource::read(&args.scenario)?;
    let set = &args.run.set;
    let base = source.parse(set)?;
    let ids: Vec<String> = base.strategies.iter().map(|s| s.id.clone()).collect();
    let decision = base.decision.statistic;
    let mut run = args.run.clone();
    let destination = args
        .run
        .out
        .clone()
        .unwrap_or_else(|| default_folder(format!("{}-report", base.name)));
    // Refuse a folder that may not be written (another program's files, an
    // earlier result without --force) before the variants and the tornado run:
    // the same check the run makes when it publishes, its staging folder
    // removed again at once.
    drop(Publish::stage(&destination, args.run.force, stop)?);
    run.out = Some(destination);
    let mut board = Board::default();
    // The base's decision statistic per strategy at the run's trials, when the
    // what-ifs have run it: the decision tornado then runs on the two best
    // options only.
    let mut base_values: Option<Vec<f64>> = None;
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
        for r in runs.iter().skip(1) {
            super::warn_variant(&runs[0].scenario, &r.scenario);
        }
        let what_ifs: Vec<WhatIf> = runs
            .iter()
            .zip(std::iter::once(None).chain(args.variants.iter().map(Some)))
            .map(|(r, v)| WhatIf {
                name: v.map_or_else(|| "base".to_string(), |v| v.name.clone()),
                overrides: v.map_or_else(Vec::new, |v| {
                    v.overrides.iter().map(|o| o.to_string()).collect()
                }),
                statistic: decision,
                values: ids
                    .iter()
                    .map(|id| {
                        r.summary(id, Metric::TotalCost)
                            .and_then(|s| statistic(s, decision.column()))
                            .unwrap_or(f64::NAN)
                    })
                    .collect(),
            })
            .collect();
        base_values = what_ifs.first().map(|w| w.values.clone());
        board
            .files
            .push((schema::WHAT_IFS, csv_out::what_ifs_csv(&ids, &what_ifs)?));
        board.extras.what_ifs = what_ifs.into_iter().skip(1).collect();
    }

    if !args.no_tornado && ids.len() >= 2 {
        // A strategy's own keys move only that strategy and each strategy draws
        // from its own streams, so the two best options' tornado is the same on
        // those two alone, at a fraction of the runs.
        let pair: Vec<String> = base_values
            .as_ref()
            .map(|values| {
                let mut order: Vec<usize> = (0..values.len()).collect();
                order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
                order.iter().take(2).map(|&i| ids[i].clone()).collect()
            })
            .filter(|pair: &Vec<String>| pair.len() == 2)
            .unwrap_or_default();
        let plan = SensitivityPlan {
            scenario: &source,
            base: set,
            strategies: &pair,
            metric: Metric::TotalCost,
            stat: decision.column(),
            trials: args.tornado_trials,
            seed: args.run.seed,
            threads,
        };
        let result = sens::run(sens::prepare(&plan, stop)?, &plan, stop, &|_| {})?;
        if let Some((a, b)) = result.best_pair() {
            let bars = result.decision(a, b);
            let names = KeyNames::of(&result.scenario);
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
                            name: key_label(&d.key, &names),
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

    if !base.claims.is_empty() {
        board.extras.claims = Some(judge_claims(&source, set, args, threads, stop)?);
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

/// The scenario's claims judged as `tradeoff-sim check` judges them, on the
/// tornado's trial count (`--tornado-trials`): the report states it, and a claim
/// those trials cannot decide reads "undecided".
fn judge_claims(
    source: &ScenarioSource,
    set: &[crate::scenario::Override],
    args: &ReportArgs,
    threads: usize,
    stop: &AtomicBool,
) -> Result<ClaimsChecked, CliError> {
    let trials = args.tornado_trials;
    let plan = CheckPlan {
        trials: Some(trials),
        seed: args.run.seed,
        threads,
    };
    let parsed = source.parse(set)?;
    check::check_fits(&parsed, trials)?;
    let report = check::check(source, set, &plan, stop)?;
    let currency = &report.scenario.currency;
    Ok(ClaimsChecked {
        trials,
        claims: report
            .outcomes
            .iter()
            .map(|o| ClaimVerdict {
                id: o.claim.id.clone(),
                text: o.claim.text.clone(),
                source: o.claim.source.clone(),
                figure: check::value_text(&o.claim, o.estimate.value, currency),
                bound: check::bounds_text(&o.claim, currency),
                verdict: o.verdict.id().to_string(),
            })
            .collect(),
    })
}
