//! `tradeoff-sim compare`: check every scenario file (one currency, names the
//! charts can draw), run each on its own seed, and publish compare.csv, a manifest
//! and the compare charts; or, with `--variant`, one scenario as `base` beside each
//! variant, all on the base's seed. The runs are `analysis::compare`'s.

use std::path::Path;
use std::sync::atomic::AtomicBool;

use super::console::{self, wrote};
use super::publish::{Publish, json_bytes};
use super::{CliError, command_line, default_folder, threads_of};
use crate::analysis::compare as comparing;
use crate::analysis::variant::{self, Variant};
use crate::cli::{Charts, CompareArgs};
use crate::output::chart::{chart_stems, render_compare_charts};
use crate::output::csv as csv_out;
use crate::output::manifest::{Manifest, ManifestKind};
use crate::scenario::{self, Override};

pub fn compare(args: &CompareArgs, stop: &AtomicBool) -> Result<String, CliError> {
    if !args.variants.is_empty() {
        return compare_variants(args, stop);
    }
    if args.scenarios.len() < 2 {
        return Err(CliError::Usage(
            "compare needs two or more scenario files, or one with --variant \"NAME: KEY=VALUE; ...\"".to_string(),
        ));
    }
    let overrides = &args.run.set;
    // Check every file before creating anything.
    let mut names = Vec::new();
    let mut first_currency: Option<(String, &Path)> = None;
    // Each file is read once: a scenario from a pipe (`<(generate-scenario)`) cannot be
    // read a second time to run it.
    let sources = args
        .scenarios
        .iter()
        .map(|p| scenario::ScenarioSource::read(p))
        .collect::<Result<Vec<_>, _>>()?;
    for (p, source) in args.scenarios.iter().zip(&sources) {
        let s = source.parse(overrides)?;
        super::warn_inputs(&s);
        match &first_currency {
            None => first_currency = Some((s.currency.clone(), p)),
            Some((currency, first)) if *currency != s.currency => {
                return Err(CliError::Usage(format!(
                    "{}: costs in {}, but {} has them in {currency}; compare puts costs on one axis, so every scenario needs the same currency",
                    p.display(),
                    s.currency,
                    first.display()
                )));
            }
            Some(_) => {}
        }
        // The file name, not the title, tells the scenarios apart on the compare charts.
        let undrawable = crate::text::undrawable(&s.name);
        if args.charts != Charts::None && !undrawable.is_empty() {
            return Err(CliError::Usage(format!(
                "{}: the file name {:?} names this scenario on the compare charts, and they cannot draw {}; {}: rename the file (e.g. transliterated), or compare with --charts none",
                p.display(),
                s.name,
                crate::text::describe_chars(&undrawable),
                crate::text::DRAWABLE_IN_WORDS,
            )));
        }
        names.push(s.name);
    }
    let destination = args
        .run
        .out
        .clone()
        .unwrap_or_else(|| default_folder(format!("compare-{}", names.join("-vs-"))));
    let publish = Publish::stage(&destination, args.run.force, stop)?;
    let runs = comparing::run(
        &sources,
        overrides,
        args.run.trials,
        args.run.seed,
        threads_of(args.run.threads),
        stop,
    )?;
    let files: Vec<String> = args
        .scenarios
        .iter()
        .map(|f| f.display().to_string())
        .collect();
    publish_compare(publish, &runs, &files, overrides, None, args.charts)
}

/// `compare SCENARIO --variant ...`: the scenario as `base`, then each variant, in
/// the order given, every one on the base's seed and trials.
fn compare_variants(args: &CompareArgs, stop: &AtomicBool) -> Result<String, CliError> {
    let overrides = &args.run.set;
    let [file] = args.scenarios.as_slice() else {
        return Err(CliError::Usage(format!(
            "--variant: compare takes the variants of one scenario file, and got {}; give one file with --variant, or compare files without it",
            args.scenarios.len()
        )));
    };
    variant::check(&args.variants).map_err(CliError::Usage)?;
    refuse_undrawable_variant_names(&args.variants, args.charts, "compare charts")?;
    // Check the scenario and every variant before creating anything.
    let source = scenario::ScenarioSource::read(file)?;
    let base = source.parse(overrides)?;
    for v in &args.variants {
        let s = variant::scenario_of(&source, overrides, v, &[])?;
        if s.currency != base.currency {
            return Err(CliError::Usage(format!(
                "{}: costs in {}, but the base has them in {}; compare puts costs on one axis, so every variant needs the base's currency",
                v.origin(),
                s.currency,
                base.currency
            )));
        }
    }
    let destination = args
        .run
        .out
        .clone()
        .unwrap_or_else(|| default_folder(format!("compare-{}-variants", base.name)));
    let publish = Publish::stage(&destination, args.run.force, stop)?;
    let runs = comparing::run_variants(
        &source,
        overrides,
        &args.variants,
        args.run.trials,
        args.run.seed,
        threads_of(args.run.threads),
        stop,
    )?;
    for r in runs.iter().skip(1) {
        super::warn_variant(&runs[0].scenario, &r.scenario);
    }
    let files = vec![file.display().to_string(); runs.len()];
    publish_compare(
        publish,
        &runs,
        &files,
        overrides,
        Some(&args.variants),
        args.charts,
    )
}

/// What every compare publishes, of files or of variants: compare.csv, the
/// manifest (each run with the file it came from; the variants when there are
/// any), the charts; then the console table. `files[i]` is run i's file.
fn publish_compare(
    mut publish: Publish,
    runs: &[comparing::ScenarioRun],
    files: &[String],
    overrides: &[Override],
    variants: Option<&[Variant]>,
    charts: Charts,
) -> Result<String, CliError> {
    let strategies = comparing::strategy_union(runs);
    publish.file("compare.csv", &csv_out::compare_csv(runs)?)?;
    let mut manifest = serde_json::json!({
        "tool": env!("CARGO_PKG_NAME"),
        "version": env!("CARGO_PKG_VERSION"),
        "kind": ManifestKind::Compare,
        "charts": chart_stems(ManifestKind::Compare),
        "scenarios": runs.iter().zip(files).map(|(r, file)| serde_json::json!({
            "name": r.scenario.name,
            "title": r.scenario.title,
            "file": file,
            "trials": r.scenario.trials,
            "seed": r.scenario.seed,
            "currency": r.scenario.currency,
            "strategies": Manifest::strategies_of(&r.scenario),
        })).collect::<Vec<_>>(),
        "currency": runs[0].scenario.currency,
        "strategies": strategies.iter().map(|(id, label)| serde_json::json!({"id": id, "label": label})).collect::<Vec<_>>(),
        "overrides": overrides.iter().map(|o| o.to_string()).collect::<Vec<_>>(),
    });
    if let Some(variants) = variants {
        manifest["variants"] = variants_json(variants);
    }
    manifest["command_line"] = serde_json::json!(command_line());
    publish.manifest(&json_bytes(&manifest))?;
    publish.charts(charts.format(), render_compare_charts)?;
    let published = publish.commit()?;

    let mut out = console::compare_table(runs, &strategies);
    out.push('\n');
    out.push_str(&wrote(&published.folder, &published.written));
    Ok(out)
}

/// The variants as a manifest records them: each name with its overrides, in order.
pub(super) fn variants_json(variants: &[Variant]) -> serde_json::Value {
    variants
        .iter()
        .map(|v| {
            serde_json::json!({
                "name": v.name,
                "overrides": v.overrides.iter().map(|o| o.to_string()).collect::<Vec<_>>(),
            })
        })
        .collect()
}

/// A variant's name labels it on the charts (`on` names them); unless no chart is
/// drawn, refuse one the chart font cannot draw.
pub(super) fn refuse_undrawable_variant_names(
    variants: &[Variant],
    charts: Charts,
    on: &str,
) -> Result<(), CliError> {
    if charts == Charts::None {
        return Ok(());
    }
    for v in variants {
        let undrawable = crate::text::undrawable(&v.name);
        if !undrawable.is_empty() {
            return Err(CliError::Usage(format!(
                "{}: the name labels this variant on the {on}, and they cannot draw {}; {}: rename the variant (NAME: KEY=VALUE; ...), or draw no charts with --charts none",
                v.origin(),
                crate::text::describe_chars(&undrawable),
                crate::text::DRAWABLE_IN_WORDS,
            )));
        }
    }
    Ok(())
}
