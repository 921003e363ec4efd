//! The board pack against a plain run: `tradeoff-sim report` on
//! `scenarios/seed.toml` with three what-if variants, the decision tornado (at
//! its default 10,000 trials per setting) and the claim verdicts, against `run`
//! on the same scenario at its default trials, both writing their whole folder
//! (CSV files, charts, report.html, results.xlsx). Both are measured in the same
//! process, one after the other, and the ratio printed at the end is the figure
//! that counts (the target is at most 10x); absolute times on a shared machine
//! move by tens of percent.
//!
//! `cargo bench --bench report` (add `-- --quick` for a shorter run).

use std::hint::black_box;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use clap::Parser;
use criterion::{Criterion, criterion_group, criterion_main};
use tradeoff_sim::cli::Cli;
use tradeoff_sim::commands::execute;

const VARIANTS: [&str; 3] = [
    "Forge slips 20%: strategies.backend_led.plan_multiplier=1.58",
    "Weak hybrid: strategies.hybrid.governance=0.2",
    "Busy peak: surges.events_per_window=2",
];

fn seed_toml() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios/seed.toml")
        .display()
        .to_string()
}

/// `tradeoff-sim run scenarios/seed.toml --out DIR --force`.
fn plain_run(dir: &Path) {
    let seed = seed_toml();
    let out = dir.display().to_string();
    let args = ["tradeoff-sim", "run", &seed, "--out", &out, "--force"];
    let cli = Cli::try_parse_from(args).expect("valid run arguments");
    black_box(execute(cli, &AtomicBool::new(false)).expect("the run succeeds"));
}

/// `tradeoff-sim report scenarios/seed.toml --variant ... x3 --out DIR --force`.
fn board_pack(dir: &Path) {
    let seed = seed_toml();
    let out = dir.display().to_string();
    let mut args = vec!["tradeoff-sim", "report", seed.as_str()];
    for v in &VARIANTS {
        args.extend(["--variant", v]);
    }
    args.extend(["--out", out.as_str(), "--force"]);
    let cli = Cli::try_parse_from(args).expect("valid report arguments");
    black_box(execute(cli, &AtomicBool::new(false)).expect("the report succeeds"));
}

fn report_against_run(c: &mut Criterion) {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let (run_dir, report_dir) = (tmp.path().join("run"), tmp.path().join("report"));
    let mut group = c.benchmark_group("board_pack");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("run_seed", |b| b.iter(|| plain_run(&run_dir)));
    group.bench_function("report_seed_3_variants_tornado", |b| {
        b.iter(|| board_pack(&report_dir))
    });
    group.finish();

    // The ratio, from alternating runs in this process (A, B, A, B, ...): the
    // minimum of each, so that a slow minute of a shared machine does not count.
    let mut best_run = Duration::MAX;
    let mut best_report = Duration::MAX;
    for _ in 0..5 {
        let t = Instant::now();
        plain_run(&run_dir);
        best_run = best_run.min(t.elapsed());
        let t = Instant::now();
        board_pack(&report_dir);
        best_report = best_report.min(t.elapsed());
    }
    println!(
        "board pack: report {:.2} s, run {:.2} s (minimum of 5 alternating): report / run = {:.1}x (target <= 10x)",
        best_report.as_secs_f64(),
        best_run.as_secs_f64(),
        best_report.as_secs_f64() / best_run.as_secs_f64()
    );
}

criterion_group!(benches, report_against_run);
criterion_main!(benches);
