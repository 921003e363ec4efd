//! The what-if commands where a user waits: `sensitivity scenarios/seed.toml`
//! (20,000 trials a run, every key and risk swung) and an 11-point `sweep` of
//! `strategies.hybrid.governance` (200,000 trials a point), each timed reusing
//! what a setting does not change and as the full recomputation (every swing
//! and every point simulated in full, as before reuse), in the same process
//! and on two threads. Both give the same figures (tests/it/reuse.rs).
//!
//! Criterion times each; then the two are run alternately (full, reuse, full,
//! reuse, ...) and the ratio of their medians printed, the figure
//! docs/performance.md quotes. Run with `cargo bench --bench whatif`.

use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use criterion::Criterion;
use tradeoff_sim::analysis::sensitivity::{self, SensitivityPlan};
use tradeoff_sim::analysis::sweep::{self, SweepParam, SweepPlan, parse_range};
use tradeoff_sim::metric::Metric;
use tradeoff_sim::scenario::ScenarioSource;

static NEVER: AtomicBool = AtomicBool::new(false);
const THREADS: usize = 2;

fn seed() -> ScenarioSource {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/seed.toml");
    ScenarioSource::read(&path).expect("seed.toml reads")
}

/// `sensitivity scenarios/seed.toml` as the command runs it (P80 total cost).
fn sensitivity_run(source: &ScenarioSource, reuse: bool) -> usize {
    let plan = SensitivityPlan {
        scenario: source,
        base: &[],
        strategies: &[],
        metric: Metric::TotalCost,
        stat: "p80",
        trials: sensitivity::DEFAULT_TRIALS,
        seed: None,
        threads: THREADS,
    };
    let result = if reuse {
        let prepared = sensitivity::prepare(&plan, &NEVER).expect("the swings read");
        sensitivity::run(prepared, &plan, &NEVER, &|_| {})
    } else {
        let prepared = sensitivity::prepare_full(&plan, &NEVER).expect("the swings read");
        sensitivity::run_full(prepared, &plan, &NEVER, &|_| {})
    };
    result.expect("the runs finish").values.len()
}

/// `sweep scenarios/seed.toml --param strategies.hybrid.governance --range 0:1:11`.
fn sweep_run(source: &ScenarioSource, reuse: bool) -> usize {
    let params = [SweepParam {
        key: "strategies.hybrid.governance".to_string(),
        values: parse_range("0:1:11").expect("a range"),
        origin: "--range 0:1:11".to_string(),
    }];
    let plan = SweepPlan {
        scenario: source,
        base: &[],
        params: &params,
        variants: &[],
        trials: None,
        seed: None,
        threads: THREADS,
    };
    let run = if reuse { sweep::run } else { sweep::run_full };
    run(&plan, &NEVER, &|_| {})
        .expect("the sweep runs")
        .points
        .len()
}

type Job = fn(&ScenarioSource, bool) -> usize;

fn timed(c: &mut Criterion, source: &ScenarioSource, name: &str, job: Job) {
    let mut group = c.benchmark_group(name);
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("full_recomputation", |b| b.iter(|| job(source, false)));
    group.bench_function("reuse", |b| b.iter(|| job(source, true)));
    group.finish();
}

/// Full and reuse run alternately `rounds` times each; the medians and their ratio.
fn ratio(source: &ScenarioSource, name: &str, job: Job, rounds: usize) {
    let mut full = Vec::new();
    let mut reuse = Vec::new();
    for _ in 0..rounds {
        for (reusing, times) in [(false, &mut full), (true, &mut reuse)] {
            let start = Instant::now();
            std::hint::black_box(job(source, reusing));
            times.push(start.elapsed().as_secs_f64());
        }
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (f, r) = (median(&mut full), median(&mut reuse));
    println!(
        "{name}: full recomputation {f:.3} s, reuse {r:.3} s (medians of {rounds} alternated runs): {:.2}x",
        f / r
    );
}

fn main() {
    let source = seed();
    let mut c = Criterion::default().configure_from_args();
    timed(&mut c, &source, "sensitivity_seed", sensitivity_run);
    timed(&mut c, &source, "sweep_seed_11_points", sweep_run);
    c.final_summary();
    ratio(&source, "sensitivity seed.toml", sensitivity_run, 5);
    ratio(&source, "11-point sweep of seed.toml", sweep_run, 5);
}
