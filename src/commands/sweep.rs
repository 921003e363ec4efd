//! `tradeoff-sim sweep`: pair each `--param` with its values, refuse a sweep that
//! would not vary what it names, check every point and every `--variant`, then run
//! them all on one seed and publish sweep.csv, crossovers.csv, a manifest and the
//! sweep chart. The sweep itself is `analysis::sweep`'s.

use std::sync::atomic::AtomicBool;

use super::compare::refuse_undrawable_variant_names;
use super::console::{self, wrote};
use super::publish::{Publish, json_bytes};
use super::{CliError, command_line, default_folder, threads_of};
use crate::analysis::sweep::{self as sweeping, SweepParam, SweepPlan};
use crate::analysis::variant::{self, Variant};
use crate::cli::SweepArgs;
use crate::engine::BATCH_TRIALS;
use crate::output::chart::{chart_stems, render_sweep_charts};
use crate::output::csv as csv_out;
use crate::output::manifest::{Manifest, ManifestKind};
use crate::scenario::{self, KeyNames, Override, ScenarioError, key_label};

pub fn sweep(args: &SweepArgs, stop: &AtomicBool) -> Result<String, CliError> {
    let params = sweep_params(args)?;
    // The count of points is known from the options: refuse too many before any
    // value is read.
    let mut swept = params.clone();
    if !args.variants.is_empty() {
        swept.push(sweeping::variant_param(&args.variants));
    }
    sweeping::check_points(&swept)?;
    let (metric, stat) = (args.metric, args.stat.as_str());
    let base = &args.run.set;
    check_sweep_keys(&params, base)?;
    check_variant_keys(&params, &args.variants)?;
    refuse_undrawable_variant_names(&args.variants, args.charts, "sweep chart")?;
    let threads = threads_of(args.run.threads);
    let source = scenario::ScenarioSource::read(&args.scenario)?;
    let plan = SweepPlan {
        scenario: &source,
        base,
        params: &params,
        variants: &args.variants,
        trials: args.run.trials,
        seed: args.run.seed,
        threads,
    };
    // Check every point and the output folder before the first run.
    // Named like the scenario (its file stem, or its title when it came from a
    // pipe), as `run` names its folder.
    let parsed = source.parse(base)?;
    parsed
        .check_metric(metric)
        .map_err(|why| CliError::Usage(format!("--metric {}: {why}", metric.id())))?;
    super::warn_inputs(&parsed);
    let name = parsed.name.clone();
    let destination = args
        .run
        .out
        .clone()
        .unwrap_or_else(|| default_folder(format!("{name}-sweep")));
    for p in &params {
        for v in &p.values {
            super::check_stop(stop)?;
            let mut o = base.clone();
            let point = Override {
                key: p.key.clone(),
                value: v.clone(),
            };
            // The scenario reader names an override's problem by `--set KEY=VALUE`;
            // this value came from the sweep's own option, so name that instead.
            let as_set = format!("--set {point}");
            o.push(point);
            source.parse(&o).map_err(|e| match e {
                ScenarioError::Invalid { path, mut problems } => {
                    for problem in &mut problems {
                        if problem.origin.as_deref() == Some(as_set.as_str()) {
                            problem.origin = Some(p.origin.clone());
                        }
                    }
                    ScenarioError::Invalid { path, problems }
                }
                other => other,
            })?;
        }
    }
    for v in &args.variants {
        super::warn_variant(&parsed, &variant::scenario_of(&source, base, v, &[])?);
    }
    let mut publish = Publish::stage(&destination, args.run.force, stop)?;
    let points: u64 = swept.iter().map(|p| p.values.len() as u64).product();
    let trials = match args.run.trials {
        Some(t) => t,
        None => source.parse(base)?.trials,
    };
    let bar = super::progress::Bar::new(trials.saturating_mul(points));
    let result = sweeping::run(&plan, stop, &|n| bar.advance(n));
    bar.clear();
    let result = result?;
    let crossings = sweeping::crossovers(&result, metric, stat);
    publish.file("sweep.csv", &csv_out::sweep_csv(&result)?)?;
    publish.file(
        "crossovers.csv",
        &csv_out::crossovers_csv(&result, &crossings, metric, stat)?,
    )?;
    let names = KeyNames::of(&result.scenario);
    let mut manifest = serde_json::json!({
        "tool": env!("CARGO_PKG_NAME"),
        "version": env!("CARGO_PKG_VERSION"),
        "kind": ManifestKind::Sweep,
        "charts": chart_stems(ManifestKind::Sweep),
        "scenario_name": result.scenario.name,
        "scenario_title": result.scenario.title,
        "scenario_file": args.scenario.display().to_string(),
        "currency": result.scenario.currency,
        "trials": result.trials,
        "seed": result.seed,
        "batch_trials": BATCH_TRIALS,
        "threads": threads,
        "metric": metric.id(),
        "statistic": stat,
        "params": result.params.iter().map(|p| serde_json::json!({"key": p.key, "label": key_label(&p.key, &names), "values": p.values})).collect::<Vec<_>>(),
        "overrides": base.iter().map(|o| o.to_string()).collect::<Vec<_>>(),
        "command_line": command_line(),
        "strategies": Manifest::strategies_of(&result.scenario),
    });
    if !args.variants.is_empty() {
        manifest["variants"] = super::compare::variants_json(&args.variants);
    }
    publish.manifest(&json_bytes(&manifest))?;
    publish.charts(args.charts.format(), render_sweep_charts)?;
    let published = publish.commit()?;

    let mut out = console::sweep_table(&result, &result.params, &crossings, metric, stat);
    for p in &result.params {
        let label = key_label(&p.key, &names);
        if label != p.key {
            out.push_str(&format!("{}: {label}\n", p.key));
        }
    }
    out.push('\n');
    out.push_str(&wrote(&published.folder, &published.written));
    Ok(out)
}

/// Pairs each --param with its values: inline (`KEY=a,b` or `KEY=lo:hi:n`), else the
/// --values lists in order, then the --range specs in order.
fn sweep_params(args: &SweepArgs) -> Result<Vec<SweepParam>, CliError> {
    if args.param.len() > 2 {
        return Err(CliError::Usage(
            "a sweep takes one or two --param".to_string(),
        ));
    }
    if args.param.len() > 1 && !args.variants.is_empty() {
        return Err(CliError::Usage(
            "a sweep with --variant takes at most one --param: the variants are its second parameter".to_string(),
        ));
    }
    let in_order: Vec<(bool, String)> = if args.lists_in_order.is_empty() {
        if !args.values.is_empty() && !args.range.is_empty() {
            return Err(CliError::Usage(
                "cannot tell which of --values and --range goes with which --param; write them inline: --param KEY=a,b,c --param KEY=lo:hi:steps".to_string(),
            ));
        }
        let values = args.values.iter().map(|v| (false, v.clone()));
        values
            .chain(args.range.iter().map(|r| (true, r.clone())))
            .collect()
    } else {
        args.lists_in_order.clone()
    };
    let mut lists = in_order.iter().map(|(is_range, list)| {
        if *is_range {
            (format!("--range {list}"), sweeping::parse_range(list))
        } else {
            (format!("--values {list}"), sweeping::parse_values(list))
        }
    });
    let mut params = Vec::new();
    for p in &args.param {
        let (key, (origin, values)) = match p.split_once('=') {
            Some((key, spec)) => {
                let looks_like_range = spec.split(':').count() == 3 && !spec.contains(',');
                let values = if looks_like_range {
                    sweeping::parse_range(spec)
                } else {
                    sweeping::parse_values(spec)
                };
                (key.trim().to_string(), (format!("--param {p}"), values))
            }
            None => (
                p.trim().to_string(),
                lists.next().unwrap_or_else(|| {
                    (
                        format!("--param {p}"),
                        Err(format!(
                            "--param {p}: no values; add --values a,b,c or --range lo:hi:steps"
                        )),
                    )
                }),
            ),
        };
        let values = values.map_err(CliError::Usage)?;
        params.push(SweepParam {
            key,
            values,
            origin,
        });
    }
    if lists.next().is_some() {
        return Err(CliError::Usage(
            "more --values/--range than --param without inline values".to_string(),
        ));
    }
    Ok(params)
}

/// Refuses a variant that sets what a `--param` sweeps (the sweep would override
/// it at every point), and variants that could not be told apart.
fn check_variant_keys(params: &[SweepParam], variants: &[Variant]) -> Result<(), CliError> {
    variant::check(variants).map_err(CliError::Usage)?;
    for v in variants {
        for p in params {
            if let Some(o) = v.overrides.iter().find(|o| overlap(&o.key, &p.key)) {
                return Err(CliError::Usage(format!(
                    "{}: sets {}, which --param {} sweeps; drop one of them",
                    v.origin(),
                    o.key,
                    p.key
                )));
            }
        }
    }
    Ok(())
}

/// Whether two key paths name the same value, or one holds the other (a table or
/// array element that holds it).
fn overlap(a: &str, b: &str) -> bool {
    let covers = |a: &str, b: &str| {
        b.strip_prefix(a)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
    };
    covers(a, b) || covers(b, a)
}

/// Refuses a sweep that would silently not vary what it names: `trials` or `seed`
/// (every point runs on the same ones), a key swept twice or overlapping the other
/// parameter, a key also fixed by `--set` (the sweep would override it), and a
/// value listed twice.
fn check_sweep_keys(params: &[SweepParam], base: &[Override]) -> Result<(), CliError> {
    for (i, p) in params.iter().enumerate() {
        if p.key == "trials" || p.key == "seed" {
            return Err(CliError::Usage(format!(
                "--param {}: every point of a sweep runs on the same trials and seed (common random numbers); set them with --{} instead",
                p.key, p.key
            )));
        }
        if let Some(q) = params[..i].iter().find(|q| overlap(&q.key, &p.key)) {
            return Err(CliError::Usage(format!(
                "--param {}: overlaps --param {}; a sweep's two parameters must be different keys",
                p.key, q.key
            )));
        }
        if let Some(o) = base.iter().find(|o| overlap(&o.key, &p.key)) {
            return Err(CliError::Usage(format!(
                "--set {o}: fixes what --param {} sweeps; drop one of them",
                p.key
            )));
        }
        let same = |a: &str, b: &str| match (a.parse::<f64>(), b.parse::<f64>()) {
            (Ok(x), Ok(y)) => x == y,
            _ => a == b,
        };
        for (j, v) in p.values.iter().enumerate() {
            if let Some(w) = p.values[..j].iter().find(|w| same(w, v)) {
                return Err(CliError::Usage(format!(
                    "--param {}: the value {v} is listed twice ({w} and {v}); list each value once",
                    p.key
                )));
            }
        }
    }
    Ok(())
}
