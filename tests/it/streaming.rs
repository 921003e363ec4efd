//! Streaming summaries: a run's statistics come from a mergeable partial that
//! does not grow with the trials. What they must guarantee: the same partial
//! whatever the threads or the grouping of batches; quantiles within the sketch's
//! stated error of the exact ones; histogram counts that add up; and a peak
//! memory that stays flat as the trial count grows.

use std::path::Path;
use std::sync::atomic::AtomicBool;

use tradeoff_sim::engine::{self, BATCH_TRIALS, RunPlan};
use tradeoff_sim::metric::Metric;
use tradeoff_sim::model::Model;
use tradeoff_sim::scenario::from_path;
use tradeoff_sim::stats::{self, Partial, QUANTILES, RELATIVE_ERROR};

use crate::common::scenario;

fn seed_model() -> Model {
    Model::new(&from_path(&scenario("seed.toml")).expect("seed.toml is valid"))
}

fn plan(trials: u64, threads: usize) -> RunPlan {
    RunPlan {
        trials,
        seed: 20260127,
        threads,
    }
}

fn summarise(
    model: &Model,
    trials: u64,
    batches: std::ops::Range<u64>,
    keep: bool,
    threads: usize,
) -> engine::Simulated {
    engine::summarise(
        model,
        &plan(trials, threads),
        batches,
        keep,
        &AtomicBool::new(false),
        &|_| {},
    )
    .expect("the run succeeds")
}

#[test]
fn the_partial_is_the_same_on_any_thread_count_and_with_or_without_stored_samples() {
    let model = seed_model();
    let trials = 10 * BATCH_TRIALS + 123;
    let all = 0..trials.div_ceil(BATCH_TRIALS);
    let one = summarise(&model, trials, all.clone(), false, 1).partial;
    let two = summarise(&model, trials, all.clone(), false, 2).partial;
    let eight = summarise(&model, trials, all.clone(), false, 8).partial;
    let kept = summarise(&model, trials, all, true, 2);
    assert_eq!(one.to_words(), two.to_words());
    assert_eq!(one.to_words(), eight.to_words());
    assert_eq!(one.to_words(), kept.partial.to_words());
    let from_samples = Partial::of_samples(kept.samples.as_ref().expect("kept"));
    assert_eq!(one.to_words(), from_samples.to_words());
}

#[test]
fn batches_summarised_in_any_grouping_add_up_to_the_whole_run() {
    let model = seed_model();
    let trials = 9 * BATCH_TRIALS;
    let whole = summarise(&model, trials, 0..9, false, 2).partial;
    for cuts in [[1, 5], [4, 8], [0, 3]] {
        let mut parts = vec![
            summarise(&model, trials, cuts[1]..9, false, 1),
            summarise(&model, trials, 0..cuts[0], false, 2),
            summarise(&model, trials, cuts[0]..cuts[1], false, 1),
        ];
        let mut merged = parts.remove(0);
        for p in parts {
            merged.extend(p);
        }
        assert_eq!(
            merged.partial.to_words(),
            whole.to_words(),
            "cut at {cuts:?}"
        );
        let decoded = Partial::from_words(&whole.to_words()).expect("round trip");
        assert_eq!(decoded.to_words(), whole.to_words());
    }
}

#[test]
fn sketch_quantiles_are_within_the_stated_relative_error_of_the_exact_ones() {
    let model = seed_model();
    let trials = 60_000;
    let run = summarise(&model, trials, 0..trials.div_ceil(BATCH_TRIALS), true, 2);
    let samples = run.samples.as_ref().expect("kept");
    let exact = stats::summaries_of(&run.partial, Some(samples));
    let sketched = stats::summaries_of(&run.partial, None);
    assert_eq!(exact.len(), sketched.len());
    for (e, s) in exact.iter().zip(&sketched) {
        let what = format!("strategy {} {}", e.strategy, e.metric.id());
        // Moments and extremes do not depend on the sketch at all.
        assert_eq!(e.mean.to_bits(), s.mean.to_bits(), "{what}: mean");
        assert_eq!(e.std_dev.to_bits(), s.std_dev.to_bits(), "{what}: std_dev");
        assert_eq!((e.min, e.max), (s.min, s.max), "{what}: extremes");
        for (i, (name, _)) in QUANTILES.iter().enumerate() {
            let (want, got) = (e.quantiles[i], s.quantiles[i]);
            // Each order statistic is read within the relative error; type 7
            // interpolates between two of them, so the bound is on the larger.
            assert!(
                (got - want).abs() <= RELATIVE_ERROR * want.abs().max(got.abs()) * 1.000_001,
                "{what}: {name} sketch {got} vs exact {want}"
            );
        }
    }
    // Counts (integers up to 2048) are exact in the sketch.
    for m in [
        Metric::ApiFailures,
        Metric::EmergencyFixes,
        Metric::Incidents,
        Metric::ApiFailure,
    ] {
        for s in 0..run.partial.strategies() {
            let i = s * Metric::ALL.len() + m.slot();
            assert_eq!(exact[i].quantiles, sketched[i].quantiles, "{}", m.id());
        }
    }
}

#[test]
fn histograms_from_the_sketch_count_every_trial_and_integer_bins_exactly() {
    let model = seed_model();
    let trials = 60_000;
    let run = summarise(&model, trials, 0..trials.div_ceil(BATCH_TRIALS), true, 2);
    let exact = stats::analyse_partial(&run.partial, run.samples.as_ref()).histograms;
    let sketched = stats::analyse_partial(&run.partial, None).histograms;
    for (e, s) in exact.iter().zip(&sketched) {
        let total: u64 = s.bins.iter().map(|b| b.count).sum();
        assert_eq!(total, trials, "{}", s.metric.id());
        if e.scale == stats::Scale::Integer && e.summary.quantiles == s.summary.quantiles {
            assert_eq!(e.bins, s.bins, "{}", s.metric.id());
        }
    }
}

/// The highest resident memory a child process reached while it ran, read from
/// /proc as it runs (Linux only), in KiB.
#[cfg(target_os = "linux")]
fn peak_kib_of(dir: &Path, args: &[&str]) -> u64 {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_tradeoff-sim"))
        .args(args)
        .current_dir(dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the binary starts");
    let status = format!("/proc/{}/status", child.id());
    let mut peak = 0u64;
    loop {
        if let Ok(text) = std::fs::read_to_string(&status) {
            // VmHWM: the high-water mark of the resident set so far.
            if let Some(kib) = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            {
                peak = peak.max(kib);
            }
        }
        if let Ok(Some(status)) = child.try_wait() {
            assert!(status.success(), "{args:?} failed");
            return peak;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

#[cfg(target_os = "linux")]
#[test]
fn peak_memory_stays_under_64_mib_and_does_not_grow_with_the_trials() {
    let dir = tempfile::tempdir().unwrap();
    let seed = scenario("seed.toml");
    let run = |trials: &str| {
        peak_kib_of(
            dir.path(),
            &[
                "run",
                seed.to_str().unwrap(),
                "--trials",
                trials,
                "--charts",
                "none",
                "--out",
                &format!("out-{trials}"),
            ],
        )
    };
    let small = run("200000");
    let large = run("2000000");
    assert!(large < 64 * 1024, "2,000,000 trials peaked at {large} KiB");
    // The largest run that keeps its trials for exact quantiles, with charts:
    // its samples come on top of the summaries.
    let limit = tradeoff_sim::stats::exact_trials(5).to_string();
    let exact = peak_kib_of(
        dir.path(),
        &[
            "run",
            seed.to_str().unwrap(),
            "--trials",
            &limit,
            "--out",
            "out-exact",
        ],
    );
    assert!(exact < 64 * 1024, "{limit} trials peaked at {exact} KiB");
    // Ten times the trials, and at most a few MiB more (sketch windows filling
    // in the tails), not ten times the memory.
    assert!(
        large < small + 8 * 1024,
        "{small} KiB at 2e5 trials, {large} KiB at 2e6"
    );
}

#[test]
fn damaged_partial_words_are_refused_without_panicking() {
    let model = seed_model();
    let trials = 2 * BATCH_TRIALS;
    let words = summarise(&model, trials, 0..2, false, 1).partial.to_words();
    assert!(Partial::from_words(&words).is_some());
    for cut in [0, 1, 2, 3, 10, words.len() / 2, words.len() - 1] {
        assert!(Partial::from_words(&words[..cut]).is_none(), "cut at {cut}");
    }
    let mut longer = words.clone();
    longer.push(0);
    assert!(Partial::from_words(&longer).is_none(), "a word too many");
    // A strategy count no scenario can have is refused before it is allocated.
    for strategies in [0u64, 65, 1 << 40, u64::MAX] {
        let mut bad = words.clone();
        bad[0] = strategies;
        assert!(
            Partial::from_words(&bad).is_none(),
            "{strategies} strategies"
        );
    }
    // Every single word flipped: refused or read, never a panic.
    let mut state = 0x853c_49e6_748f_ea9bu64;
    for _ in 0..2000 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let mut bad = words.clone();
        let at = (state % bad.len() as u64) as usize;
        bad[at] ^= state.rotate_left(17) | 1;
        let _ = Partial::from_words(&bad);
    }
}

#[test]
fn a_partial_of_the_most_strategies_a_scenario_allows_decodes() {
    // stats sits below scenario, so it keeps its own bound on decoded strategy
    // counts; it must never refuse a shard of a valid scenario.
    let most = tradeoff_sim::scenario::MAX_STRATEGIES;
    assert!(stats::MAX_DECODED_STRATEGIES >= most);
    let words = Partial::new(most).to_words();
    let decoded = Partial::from_words(&words).expect("a valid scenario's partial decodes");
    assert_eq!(decoded.to_words(), words);
}
