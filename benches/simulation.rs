//! Criterion benchmarks of the hot path (issue 6): the samplers the model draws
//! with, one trial of `scenarios/seed.toml` for all of its strategies, the
//! statistics at 10^6 values, and whole runs (simulate + statistics) at 10^5 and
//! 10^6 trials on one and two threads. Run with `cargo bench --bench simulation`;
//! `benches/floor.rs` turns the same kinds of measurement into the ratios the
//! README quotes (trial against the draw floor, threads, statistics against
//! sampling), measured in one process.

use std::hint::black_box;
use std::path::Path;
use std::sync::atomic::AtomicBool;

use clap::Parser;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rand::rngs::Xoshiro256PlusPlus;
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Exp1, Gamma};
use tradeoff_sim::cli::Cli;
use tradeoff_sim::commands::execute;
use tradeoff_sim::dist::{Dist, binomial_count, poisson_count, standard_normal, unit};
use tradeoff_sim::engine::{RunPlan, simulate, summarise_run};
use tradeoff_sim::metric::{METRIC_COUNT, Metric};
use tradeoff_sim::model::{Model, Scratch};
use tradeoff_sim::output::chart::{ChartFormat, render_run_charts};
use tradeoff_sim::scenario::from_path;
use tradeoff_sim::stats;

fn seed_model() -> Model {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/seed.toml");
    Model::new(&from_path(&path).expect("seed.toml is valid"))
}

fn draws(c: &mut Criterion) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
    let mut group = c.benchmark_group("draw");
    group.throughput(Throughput::Elements(1));
    group.bench_function("xoshiro_u64", |b| b.iter(|| rng.next_u64()));
    group.bench_function("uniform", |b| b.iter(|| unit(&mut rng)));
    group.bench_function("standard_normal", |b| b.iter(|| standard_normal(&mut rng)));
    group.bench_function("exp1", |b| b.iter(|| -> f64 { Exp1.sample(&mut rng) }));
    group.bench_function("lognormal", |b| {
        b.iter(|| 1.5 * (black_box(1.2) * standard_normal(&mut rng)).exp())
    });
    let gamma = Gamma::new(1.5, 1.0 / 1.5).unwrap();
    group.bench_function("gamma_1.5", |b| b.iter(|| gamma.sample(&mut rng)));
    for (name, d) in [
        ("triangular", Dist::triangular(2.0, 6.0, 12.0).unwrap()),
        ("pert", Dist::pert(0.90, 1.00, 1.35).unwrap()),
        ("lomax", Dist::lomax(3.0, 1.4).unwrap()),
    ] {
        group.bench_function(name, |b| b.iter(|| d.sample(&mut rng)));
    }
    // Means the model meets: API failures and surges near 1, other fixes 6-12.
    for mean in [0.4, 1.0, 4.0, 9.0, 20.0] {
        group.bench_function(format!("poisson_{mean}"), |b| {
            b.iter(|| poisson_count(&mut rng, black_box(mean)))
        });
        group.bench_function(format!("rand_distr_poisson_{mean}"), |b| {
            b.iter(|| -> f64 {
                rand_distr::Poisson::new(black_box(mean))
                    .unwrap()
                    .sample(&mut rng)
            })
        });
    }
    for (n, p) in [(2u64, 0.9), (8, 0.3)] {
        group.bench_function(format!("binomial_{n}_{p}"), |b| {
            b.iter(|| binomial_count(&mut rng, black_box(n), p))
        });
        group.bench_function(format!("rand_distr_binomial_{n}_{p}"), |b| {
            b.iter(|| {
                rand_distr::Binomial::new(black_box(n), p)
                    .unwrap()
                    .sample(&mut rng)
            })
        });
    }
    group.finish();
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

fn statistics(c: &mut Criterion) {
    let model = seed_model();
    let stop = AtomicBool::new(false);
    let plan = RunPlan {
        trials: 1_000_000,
        seed: 1,
        threads: 2,
    };
    let samples = simulate(&model, &plan, &stop).expect("run");
    let mut group = c.benchmark_group("stats");
    group.sample_size(10);
    group.throughput(Throughput::Elements(1_000_000));
    for metric in [Metric::TotalCost, Metric::EmergencyFixes] {
        let column = samples.column(0, metric);
        group.bench_function(format!("summarize_1e6_{}", metric.id()), |b| {
            b.iter(|| stats::summarize(black_box(column), 0, metric))
        });
        group.bench_function(format!("full_sort_1e6_{}", metric.id()), |b| {
            b.iter(|| stats::sorted(black_box(column)))
        });
    }
    group.bench_function("analyse_1e6_trials_5_strategies", |b| {
        b.iter(|| stats::analyse(black_box(&samples)))
    });
    // The streaming summary of 10^6 values of one column, block by block as the
    // engine adds them (moments, extremes and the quantile sketch).
    let column = samples.column(0, Metric::TotalCost);
    group.bench_function("sketch_and_moments_1e6_values", |b| {
        b.iter(|| {
            let mut moments = stats::Moments::default();
            let mut sketch = stats::Sketch::default();
            for block in column.chunks(stats::SUMMARY_BLOCK) {
                moments.add_batch(block);
                sketch.add_all(block);
            }
            sketch.settle();
            black_box((moments, sketch))
        })
    });
    group.finish();
}

fn whole_runs(c: &mut Criterion) {
    let model = seed_model();
    let stop = AtomicBool::new(false);
    let mut group = c.benchmark_group("run");
    group.sample_size(10);
    for trials in [100_000u64, 1_000_000] {
        group.throughput(Throughput::Elements(trials));
        for threads in [1usize, 2] {
            let plan = RunPlan {
                trials,
                seed: 1,
                threads,
            };
            // What `run` does before writing files: sampling with streaming
            // summaries, then the figures of every output file.
            group.bench_function(
                format!("summarise_and_analyse_{trials}_trials_{threads}_threads"),
                |b| {
                    b.iter(|| {
                        let run = summarise_run(&model, &plan, &stop).expect("run");
                        black_box((
                            stats::analyse_partial(&run.partial, run.samples.as_ref()),
                            stats::decision::decisions_of(&run.partial),
                        ))
                    })
                },
            );
        }
    }
    group.finish();
}

/// Drawing every chart of a run from its saved files, as `tradeoff-sim chart` does.
fn charts(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("tradeoff-sim-bench-{}", std::process::id()));
    // The run's files come from the library, as the binary would write them.
    let _ = std::fs::remove_dir_all(&dir);
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/seed.toml");
    let args = [
        "tradeoff-sim".as_ref(),
        "run".as_ref(),
        scenario.as_os_str(),
        "--trials".as_ref(),
        "100000".as_ref(),
        "--charts".as_ref(),
        "none".as_ref(),
        "--out".as_ref(),
        dir.as_os_str(),
    ];
    let cli = Cli::try_parse_from(args).expect("valid arguments");
    execute(cli, &AtomicBool::new(false)).expect("a run to draw");
    let mut group = c.benchmark_group("charts");
    group.sample_size(10);
    for format in [ChartFormat::Png, ChartFormat::Svg] {
        group.bench_function(format!("all_charts_{format:?}"), |b| {
            b.iter(|| black_box(render_run_charts(&dir, format).expect("charts")))
        });
    }
    group.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, draws, one_trial, statistics, whole_runs, charts);
criterion_main!(benches);
