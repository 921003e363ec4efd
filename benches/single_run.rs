//! Criterion benchmarks of the single run on equal work with the vectorised
//! NumPy peer (`benches/data/seed-three-options.toml`: `scenarios/seed.toml`
//! cut to three strategies, 10^6 trials, two threads), and of the parts of it
//! that changed, each against the path it replaced in the same process:
//! Poisson counts by the branch-free inversion against the step-by-step search,
//! at means as a trial has them (a rate times a mean-one gamma frailty, different
//! at every draw and hidden from the optimiser). And, where Python 3.11 with
//! NumPy is installed, the whole command against the NumPy peer
//! (`benches/peer/numpy_peer.py`) on the same work, both started from this
//! process, alternating, with the ratio of their medians printed at the end.
//! Run with `cargo bench --bench single_run`; docs/performance.md quotes the
//! ratios.

use std::hint::black_box;
use std::path::Path;
use std::process::Command;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

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

/// `tradeoff-sim run` of the three-option cut at 10^6 trials, two threads, no
/// charts, as a user starts it.
fn ours(scenario: &Path, out: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tradeoff-sim"));
    command.arg("run").arg(scenario).args([
        "--trials",
        "1000000",
        "--threads",
        "2",
        "--charts",
        "none",
        "--force",
        "--out",
    ]);
    command.arg(out);
    command
}

/// The NumPy peer on the same scenario and trials, on two processes, reading the
/// two draws the model leaves open as the simulator does.
fn peer(scenario: &Path, out: &Path) -> Command {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut command = Command::new("python3");
    command
        .arg(root.join("benches/peer/numpy_peer.py"))
        .arg(scenario)
        .args(["--trials", "1000000", "--processes", "2"])
        .args([
            "--open-issue",
            "per-strategy",
            "--surge-outage",
            "per-strategy",
        ])
        .arg("--out")
        .arg(out);
    command
}

fn timed(mut command: Command) -> Duration {
    let start = Instant::now();
    let status = command
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("the command starts");
    assert!(status.success(), "{command:?} failed");
    start.elapsed()
}

fn against_peer(c: &mut Criterion) {
    let numpy = Command::new("python3")
        .args(["-c", "import numpy"])
        .status()
        .is_ok_and(|s| s.success());
    if !numpy {
        println!("equal work against the NumPy peer: skipped (needs python3 with numpy)");
        return;
    }
    let scenario =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/data/seed-three-options.toml");
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let (ours_dir, peer_dir) = (tmp.path().join("ours"), tmp.path().join("peer"));
    let mut group = c.benchmark_group("equal_work_against_numpy_peer");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("tradeoff_sim_run", |b| {
        b.iter(|| timed(ours(&scenario, &ours_dir)))
    });
    group.bench_function("numpy_peer", |b| {
        b.iter(|| timed(peer(&scenario, &peer_dir)))
    });
    group.finish();

    // The ratio, from alternating runs (A, B, A, B, ...): the medians, so that one
    // slow minute of a shared machine weighs on both alike.
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for _ in 0..7 {
        a.push(timed(ours(&scenario, &ours_dir)).as_secs_f64());
        b.push(timed(peer(&scenario, &peer_dir)).as_secs_f64());
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (a, b) = (median(&mut a), median(&mut b));
    println!(
        "equal work (three options, 10^6 trials, two threads / two processes), medians of 7 alternating: tradeoff-sim {a:.2} s, NumPy peer {b:.2} s: peer / tradeoff-sim = {:.1}x (target >= 2.5x)",
        b / a
    );
}

criterion_group!(benches, poisson, single_run, against_peer);
criterion_main!(benches);
