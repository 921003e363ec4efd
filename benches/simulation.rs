//! Benchmarks of the hot path: one trial of `scenarios/seed.toml` for all of its
//! strategies, and whole engine runs. Run with `cargo bench`.

use std::hint::black_box;
use std::path::Path;
use std::sync::atomic::AtomicBool;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;
use tradeoff_sim::engine::{RunPlan, simulate};
use tradeoff_sim::model::{METRIC_COUNT, Model, Scratch};
use tradeoff_sim::scenario::from_path;

fn seed_model() -> Model {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/seed.toml");
    Model::new(&from_path(&path).expect("seed.toml is valid"))
}

fn one_trial(c: &mut Criterion) {
    let model = seed_model();
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
    let mut scratch = Scratch::new(&model, 1);
    let mut out = vec![[0.0; METRIC_COUNT]; model.strategy_count()];
    let mut group = c.benchmark_group("trial");
    group.throughput(Throughput::Elements(1));
    group.bench_function("seed_all_strategies", |b| {
        b.iter(|| {
            model.trial(&mut rng, &mut scratch, &mut out);
            black_box(&out);
        })
    });
    group.finish();
}

fn engine_runs(c: &mut Criterion) {
    let model = seed_model();
    let stop = AtomicBool::new(false);
    let mut group = c.benchmark_group("engine");
    group.sample_size(10);
    for trials in [100_000u64] {
        group.throughput(Throughput::Elements(trials));
        for threads in [1usize, 2] {
            let plan = RunPlan {
                trials,
                seed: 1,
                threads,
            };
            group.bench_function(format!("seed_{trials}_trials_{threads}_threads"), |b| {
                b.iter(|| black_box(simulate(&model, &plan, &stop).expect("run")))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, one_trial, engine_runs);
criterion_main!(benches);
