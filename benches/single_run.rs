//! Criterion benchmarks of the single run on equal work with the vectorised
//! NumPy peer (`benches/data/seed-three-options.toml`: `scenarios/seed.toml`
//! cut to three strategies, 10^6 trials, two threads), and of the parts of it
//! that changed, each against the path it replaced in the same process:
//! Poisson counts by the branch-free inversion against the step-by-step search,
//! at means as a trial has them (a rate times a mean-one gamma frailty, different
//! at every draw and hidden from the optimiser). Run with
//! `cargo bench --bench single_run`; docs/performance.md quotes the ratios.

use std::hint::black_box;
use std::path::Path;
use std::sync::atomic::AtomicBool;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;
use rand_distr::{Distribution, Gamma};
use tradeoff_sim::dist::{poisson_count, poisson_count_sequential};
use tradeoff_sim::engine::{RunPlan, summarise_run};
use tradeoff_sim::model::Model;
use tradeoff_sim::model::stream::{Key, Substream};
use tradeoff_sim::scenario::from_path;
use tradeoff_sim::stats;

/// Means per table (a power of two).
const MEANS: usize = 1024;

/// [`MEANS`] Poisson means `rate` x frailty (gamma, shape 1.5, mean 1, as
/// `seed.toml` states it), in the order drawn.
fn model_means(rate: f64) -> Vec<f64> {
    let frailty = Gamma::new(1.5, 1.0 / 1.5).unwrap();
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
    (0..MEANS)
        .map(|_| rate * frailty.sample(&mut rng))
        .collect()
}

fn poisson(c: &mut Criterion) {
    let mut group = c.benchmark_group("poisson_model_means");
    group.throughput(Throughput::Elements(MEANS as u64));
    // The seed's API failures and surges (near 1), a riskier strategy's (2), and
    // the top of the inversion's range.
    for rate in [0.3, 1.0, 2.0, 4.0] {
        let means = model_means(rate);
        // Each draw from its own substream, as a trial's are.
        let key = Key::named("bench");
        group.bench_function(format!("sequential_rate_{rate}"), |b| {
            let mut word = 0u64;
            b.iter(|| {
                let mut total = 0u64;
                for &mean in &means {
                    word += 1;
                    total +=
                        poisson_count_sequential(&mut Substream::new(word, key), black_box(mean));
                }
                total
            })
        });
        group.bench_function(format!("branch_free_rate_{rate}"), |b| {
            let mut word = 0u64;
            b.iter(|| {
                let mut total = 0u64;
                for &mean in &means {
                    word += 1;
                    total += poisson_count(&mut Substream::new(word, key), black_box(mean));
                }
                total
            })
        });
    }
    group.finish();
}

fn single_run(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/data/seed-three-options.toml");
    let model = Model::new(&from_path(&path).expect("the three-option cut is valid"));
    let stop = AtomicBool::new(false);
    let mut group = c.benchmark_group("single_run_three_options");
    group.sample_size(10);
    let trials = 1_000_000;
    group.throughput(Throughput::Elements(trials));
    let plan = RunPlan {
        trials,
        seed: 1,
        threads: 2,
    };
    // What `run` does before writing files: sampling with streaming summaries,
    // then the figures of every output file.
    group.bench_function("summarise_and_analyse_1e6_trials_2_threads", |b| {
        b.iter(|| {
            let run = summarise_run(&model, &plan, &stop).expect("run");
            black_box((
                stats::analyse_partial(&run.partial, run.samples.as_ref()),
                stats::decision::decisions_of(&run.partial),
            ))
        })
    });
    group.finish();
}

criterion_group!(benches, poisson, single_run);
criterion_main!(benches);
