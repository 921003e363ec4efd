//! `tradeoff-sim check`: run a scenario, judge each of its `[[claims]]`, and
//! publish claims.csv and a manifest; exit 1 (with the report still printed) when
//! a claim fails or is undecided. The judging is `crate::analysis::check`'s.

use std::sync::atomic::AtomicBool;

use super::console::wrote;
use super::publish::Publish;
use super::{CliError, command_line, default_folder, threads_of};
use crate::analysis::check::CheckPlan;
use crate::cli::CheckArgs;
use crate::engine::BATCH_TRIALS;
use crate::format;
use crate::output::csv as csv_out;
use crate::output::manifest::{Manifest, sha256_hex};
use crate::scenario;
use crate::stats::claims::Verdict;

pub fn check(args: &CheckArgs, stop: &AtomicBool) -> Result<String, CliError> {
    let options = &args.run;
    let overrides = &options.set;
    // Validate before touching the output folder. The file is read once: the
    // claim variants are parsed from the bytes the manifest hashes.
    let source = scenario::ScenarioSource::read(&args.scenario)?;
    let scenario = source.parse(overrides)?;
    super::warn_inputs(&scenario);
    if scenario.claims.is_empty() {
        return Err(CliError::Usage(format!(
            "{}: has no [[claims]] to check; add one, e.g. [[claims]] text = \"...\", metric = \"build_weeks\", strategy = \"{}\", statistic = \"median\", max = 40",
            args.scenario.display(),
            scenario
                .strategies
                .first()
                .map_or("backend_led", |s| s.id.as_str())
        )));
    }
    crate::analysis::check::check_fits(&scenario, options.trials.unwrap_or(scenario.trials))?;
    let destination = options
        .out
        .clone()
        .unwrap_or_else(|| default_folder(&scenario.name).join("check"));
    let threads = threads_of(options.threads);
    let mut publish = Publish::stage(&destination, options.force, stop)?;
    let plan = CheckPlan {
        trials: options.trials,
        seed: options.seed,
        threads,
    };
    let started = std::time::Instant::now();
    let report = crate::analysis::check::check(&source, overrides, &plan, stop)?;
    let elapsed = started.elapsed();
    let s = &report.scenario;
    publish.file("claims.csv", &csv_out::claims_csv(&report)?)?;
    let manifest = Manifest {
        tool: env!("CARGO_PKG_NAME"),
        version: env!("CARGO_PKG_VERSION"),
        build: crate::output::manifest::BUILD,
        kind: Some(crate::output::manifest::ManifestKind::Check),
        scenario_name: &s.name,
        scenario_title: &s.title,
        scenario_file: Some(args.scenario.display().to_string()),
        scenario_sha256: Some(sha256_hex(&source.bytes)),
        extends: Manifest::extends_of(s),
        currency: &s.currency,
        seed: s.seed,
        trials: s.trials,
        batch_trials: BATCH_TRIALS,
        threads,
        command_line: command_line(),
        overrides: overrides.iter().map(|o| o.to_string()).collect(),
        target_build_weeks: s.build.target_weeks,
        strategies: Manifest::strategies_of(s),
        tail_capped_trials: Vec::new(),
        evidence: Manifest::evidence_of(s),
        scenario: s,
    };
    publish.manifest(&manifest.to_json())?;
    let published = publish.commit()?;
    let folder = &published.folder;
    let mut text = crate::analysis::check::render(&report, &args.scenario);
    text.push_str(&format!(
        "{} run{} x {} trials in {:.1} s ({} threads)\n",
        report.runs,
        if report.runs == 1 { "" } else { "s" },
        format::integer(s.trials as f64),
        elapsed.as_secs_f64(),
        threads,
    ));
    text.push_str(&wrote(folder, &published.written));
    if report.all_hold() {
        Ok(text)
    } else {
        let summary = format!(
            "{}: {} of {} claims do not hold ({} fail, {} undecided); see {}",
            args.scenario.display(),
            report.outcomes.len() - report.count(Verdict::Holds),
            report.outcomes.len(),
            report.count(Verdict::Fails),
            report.count(Verdict::Undecided),
            folder.join("claims.csv").display()
        );
        Err(CliError::ClaimsNotHeld {
            report: text,
            summary,
        })
    }
}
