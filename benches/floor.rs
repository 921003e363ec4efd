//! The ratios of issue 6, measured in one process so that they share the
//! machine's state: a trial against the floor (the sum of the per-draw costs of
//! the draws it makes), two threads against one, and the statistics against the
//! sampling. Run with `cargo bench --bench floor` (`-- --quick` for fewer rounds).
//!
//! Every figure is the median of interleaved rounds: each round measures every
//! item once, so a burst of load from another process hits all items alike
//! rather than one of them. Absolute times depend on the machine and its load; the
//! ratios are what the README quotes.

use std::hint::black_box;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use rand::rngs::Xoshiro256PlusPlus;
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Gamma};
use tradeoff_sim::dist::Dist;
use tradeoff_sim::dist::{TriangularInverse, binomial_count, poisson_count, standard_normal, unit};
use tradeoff_sim::engine::{BATCH_TRIALS, COLUMN_STRIDE, RunPlan, summarise};
use tradeoff_sim::metric::METRIC_COUNT;
use tradeoff_sim::model::stream::{Key, Substream};
use tradeoff_sim::model::{DrawCensus, DrawKind, Model, Scratch, SmallBinomial};
use tradeoff_sim::scenario::from_path;
use tradeoff_sim::stats::{Partial, SUMMARY_BLOCK};

fn seed_model() -> Model {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/seed.toml");
    Model::new(&from_path(&path).expect("seed.toml is valid"))
}

/// Nanoseconds per call of `f`, over `n` calls.
fn per_call(n: u64, mut f: impl FnMut() -> f64) -> f64 {
    let start = Instant::now();
    let mut acc = 0.0;
    for _ in 0..n {
        acc += f();
    }
    black_box(acc);
    start.elapsed().as_secs_f64() * 1e9 / n as f64
}

/// Nanoseconds per draw of `draw`, over `n` draws on `rng`. Results are folded by
/// an exclusive or of their bits (one cycle), not summed: a chain of additions
/// (four cycles each) would hold back the cheapest draws.
#[inline(never)]
fn per_draw<R: Rng>(rng: &mut R, n: u64, mut draw: impl FnMut(&mut R) -> f64) -> f64 {
    let start = Instant::now();
    let mut acc = 0u64;
    for _ in 0..n {
        acc ^= draw(rng).to_bits();
    }
    black_box(acc);
    start.elapsed().as_secs_f64() * 1e9 / n as f64
}

/// Means per table of [`poisson_means`] (a power of two).
const MEANS: usize = 1024;

/// [`MEANS`] Poisson means `rate` x frailty (gamma, shape 1.5, mean 1, as
/// `seed.toml` states it) that fall in `range`, in the order drawn.
fn poisson_means(rate: f64, range: std::ops::Range<f64>) -> Vec<f64> {
    let frailty = Gamma::new(1.5, 1.0 / 1.5).unwrap();
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
    let mut means = Vec::with_capacity(MEANS);
    while means.len() < MEANS {
        let mean: f64 = rate * frailty.sample(&mut rng);
        if range.contains(&mean) && mean > 0.0 {
            means.push(mean);
        }
    }
    means
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    }
}

/// One round of the sampler benchmarks: `record(name, kind, ns)` for each, where
/// `kind` is the draw kind it stands for in the census and `ns` the cost per draw
/// over `n` draws. Each draw is a closure the compiler inlines into its own loop,
/// as draws inline into a trial: no call through a pointer is counted. The draws
/// come from a [`Substream`], as a trial's do, except the one word a trial takes
/// from each batch stream (`words`).
fn sampler_round(
    words: &mut Xoshiro256PlusPlus,
    rng: &mut Substream,
    n: u64,
    record: &mut impl FnMut(&'static str, Option<DrawKind>, f64),
) {
    let pert = Dist::pert(0.90, 1.00, 1.35).unwrap();
    // As a trial draws it: prepared once (`model::Sampler`).
    let tri = TriangularInverse::new(2.0, 6.0, 12.0);
    let lomax = Dist::lomax(3.0, 1.4).unwrap();
    let gamma = Gamma::new(1.5, 1.0 / 1.5).unwrap();
    let exp1 = rand_distr::Exp1;
    let rd_poisson = |mean: f64| {
        move |r: &mut Substream| {
            let x: f64 = rand_distr::Poisson::new(mean).unwrap().sample(r);
            x
        }
    };
    let rd_binomial = |n: u64, p: f64| {
        move |r: &mut Substream| rand_distr::Binomial::new(n, p).unwrap().sample(r) as f64
    };

    record(
        "splitmix64 u64 (a Bernoulli trial)",
        Some(DrawKind::Bernoulli),
        per_draw(rng, n, |r| r.next_u64() as f64),
    );
    record(
        "xoshiro256++ u64 (a trial's key)",
        Some(DrawKind::Word),
        per_draw(words, n, |r| r.next_u64() as f64),
    );
    record("uniform", Some(DrawKind::Uniform), per_draw(rng, n, unit));
    record(
        "standard normal",
        Some(DrawKind::Normal),
        per_draw(rng, n, standard_normal),
    );
    record(
        "exp (rand_distr Exp1)",
        None,
        per_draw(rng, n, move |r| exp1.sample(r)),
    );
    record(
        "lognormal (median x math::exp(sigma z))",
        Some(DrawKind::Lognormal),
        per_draw(rng, n, |r| {
            1.5 * tradeoff_sim::math::exp(1.2 * standard_normal(r))
        }),
    );
    record(
        "gamma(1.5)",
        Some(DrawKind::Gamma),
        per_draw(rng, n, move |r| gamma.sample(r)),
    );
    record(
        "pert(0.90, 1.00, 1.35)",
        Some(DrawKind::Pert),
        per_draw(rng, n, move |r| pert.sample(r)),
    );
    record(
        "triangular(2, 6, 12)",
        Some(DrawKind::Triangular),
        per_draw(rng, n, move |r| tri.at(unit(r))),
    );
    record(
        "lomax(3, 1.4)",
        Some(DrawKind::Lomax),
        per_draw(rng, n, move |r| lomax.sample(r)),
    );
    // Poisson means as the model has them: a rate times the trial's frailty (a
    // mean-one gamma), different at every draw and hidden from the optimiser, so
    // that exp(-mean) and the search's start are computed per draw, as in a trial.
    // A literal mean would be folded out of the loop and measure less than a
    // trial pays. Each kind draws means of its own range of the census.
    for (name, kind, rate, range) in [
        (
            "poisson, varying mean below 2 (inversion)",
            DrawKind::PoissonBelow2,
            0.8,
            0.0..2.0,
        ),
        (
            "poisson, varying mean 2 to 6 (inversion)",
            DrawKind::PoissonBelow6,
            4.0,
            2.0..6.0,
        ),
        (
            "poisson, varying mean 6 to 12 (rand_distr, product of uniforms)",
            DrawKind::PoissonInversionHigh,
            9.0,
            6.0..12.0,
        ),
        (
            "poisson, varying mean 12 up (rand_distr rejection)",
            DrawKind::PoissonRejection,
            20.0,
            12.0..f64::INFINITY,
        ),
    ] {
        let means = poisson_means(rate, range);
        let mut i = 0usize;
        record(
            name,
            Some(kind),
            per_draw(rng, n, |r| {
                i = (i + 1) & (MEANS - 1);
                poisson_count(r, black_box(means[i])) as f64
            }),
        );
    }
    record(
        "poisson(1) inversion, literal mean (folded: not a floor)",
        None,
        per_draw(rng, n, |r| poisson_count(r, 1.0) as f64),
    );
    record(
        "rand_distr poisson(1), built per draw",
        None,
        per_draw(rng, n, rd_poisson(1.0)),
    );
    record(
        "rand_distr poisson(9), built per draw",
        None,
        per_draw(rng, n, rd_poisson(9.0)),
    );
    record(
        "binomial(2, 0.9) inversion",
        Some(DrawKind::BinomialBelow1),
        per_draw(rng, n, |r| binomial_count(r, 2, 0.9) as f64),
    );
    record(
        "binomial(8, 0.3) inversion",
        Some(DrawKind::BinomialInversionHigh),
        per_draw(rng, n, |r| binomial_count(r, 8, 0.3) as f64),
    );
    let table = SmallBinomial::new(0.3);
    record(
        "binomial(8, 0.3) from a table (any n <= 16)",
        Some(DrawKind::BinomialTable),
        per_draw(rng, n, move |r| table.sample(r, 8) as f64),
    );
    record(
        "binomial(100, 0.3) BTPE",
        Some(DrawKind::BinomialRejection),
        per_draw(rng, n, |r| binomial_count(r, 100, 0.3) as f64),
    );
    record(
        "rand_distr binomial(8, 0.3), built per draw",
        None,
        per_draw(rng, n, rd_binomial(8, 0.3)),
    );
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let rounds = if quick { 5 } else { 11 };
    let model = seed_model();
    let k = model.strategy_count();
    let stop = AtomicBool::new(false);

    // The census: draws per trial, by kind.
    let census_trials = 200_000u64;
    let mut census = DrawCensus::default();
    let mut words = CountingRng {
        inner: Xoshiro256PlusPlus::seed_from_u64(11),
        words: 0,
    };
    let mut scratch = Scratch::new(&model, 1);
    let mut out = vec![[0.0; METRIC_COUNT]; k];
    for _ in 0..census_trials {
        model.trial_counted(&mut words, &mut scratch, &mut out, &mut census);
    }
    let per_trial = |c: u64| c as f64 / census_trials as f64;

    // Interleaved rounds.
    let mut draws: Vec<(&'static str, Option<DrawKind>)> = Vec::new();
    let mut draw_ns: Vec<Vec<f64>> = Vec::new();
    let mut trial_ns = Vec::new();
    let (mut one_thread, mut two_threads) = (Vec::new(), Vec::new());
    let (mut sampling, mut summary) = (Vec::new(), Vec::new());
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(5);
    let mut draws_rng = Substream::new(5, Key::named("floor"));
    let plan = |trials, threads| RunPlan {
        trials,
        seed: 1,
        threads,
    };
    for _ in 0..rounds {
        let mut i = 0;
        sampler_round(
            &mut rng,
            &mut draws_rng,
            2_000_000,
            &mut |name, kind, ns| {
                if draws.len() == i {
                    draws.push((name, kind));
                    draw_ns.push(Vec::new());
                }
                draw_ns[i].push(ns);
                i += 1;
            },
        );
        let n = 100_000;
        trial_ns.push(per_call(n, || {
            model.trial(&mut rng, &mut scratch, &mut out);
            out[0][0]
        }));
        let whole = |trials: u64, threads| {
            let t = Instant::now();
            black_box(
                summarise(
                    &model,
                    &plan(trials, threads),
                    0..trials.div_ceil(BATCH_TRIALS),
                    false,
                    &stop,
                    &|_| {},
                )
                .unwrap(),
            );
            t.elapsed().as_secs_f64()
        };
        one_thread.push(whole(200_000, 1));
        two_threads.push(whole(200_000, 2));
        let (sample_s, summary_s) = sampling_and_summary(&model, 100_000);
        sampling.push(sample_s);
        summary.push(summary_s);
    }

    println!("Per-draw cost, median of {rounds} interleaved rounds of 2e6 draws (one core):");
    let mut cost = [f64::NAN; DrawKind::ALL.len()];
    let base = median(draw_ns[0].clone());
    for ((name, kind), ns) in draws.iter().zip(&draw_ns) {
        let m = median(ns.clone());
        println!("  {name:<45} {m:7.2} ns  ({:5.2} x u64)", m / base);
        if let Some(kind) = kind {
            cost[*kind as usize] = m;
        }
    }
    // Kinds the seed scenario never draws cost a PERT, for the floor's sake.
    let pert = cost[DrawKind::Pert as usize];
    for c in cost.iter_mut() {
        if c.is_nan() {
            *c = pert;
        }
    }

    println!("\nDraws per trial ({k} strategies, mean over {census_trials} trials, seed.toml):");
    let mut floor = 0.0;
    for kind in DrawKind::ALL {
        let c = per_trial(census.count(kind));
        if c > 0.0 {
            println!(
                "  {:<24} {c:7.3}  x {:6.2} ns = {:7.2} ns",
                kind.id(),
                cost[kind as usize],
                c * cost[kind as usize]
            );
        }
        floor += c * cost[kind as usize];
    }
    println!(
        "  total {:.2} draws ({:.2} per strategy); {:.2} words per trial from the shared stream (strategies draw from their own)",
        per_trial(census.total()),
        per_trial(census.total()) / k as f64,
        words.words as f64 / census_trials as f64
    );
    let trial = median(trial_ns);
    println!(
        "\nFloor (sum of per-draw costs): {floor:.1} ns per trial, {:.1} ns per trial and strategy",
        floor / k as f64
    );
    println!(
        "Trial, all strategies: {trial:.1} ns ({:.1} ns per strategy) = {:.2} x the floor",
        trial / k as f64,
        trial / floor
    );
    let (t1, t2) = (median(one_thread), median(two_threads));
    println!(
        "\nsummarise (sampling and streaming summaries) 2e5 trials: 1 thread {:.3} s, 2 threads {:.3} s: speed-up {:.2} x",
        t1,
        t2,
        t1 / t2
    );
    println!(
        "  1 thread per trial and strategy: {:.1} ns = {:.2} x the floor",
        t1 * 1e9 / 200_000.0 / k as f64,
        t1 * 1e9 / 200_000.0 / floor
    );
    let (sa, su) = (median(sampling), median(summary));
    println!(
        "\n1e5 trials on one thread, block by block: sampling {sa:.3} s, summaries (stats::Partial::add_batch) {su:.3} s: summaries / sampling = {:.2}",
        su / sa
    );
}

/// Seconds spent sampling and summarising `trials` trials on this thread, in
/// blocks of [`SUMMARY_BLOCK`] as the engine works: the model fills a block of
/// every column, then the block is added to a partial, each part timed apart.
fn sampling_and_summary(model: &Model, trials: usize) -> (f64, f64) {
    let k = model.strategy_count();
    let width = SUMMARY_BLOCK;
    // Columns as far apart as the engine's, for the same cache behaviour.
    let stride = COLUMN_STRIDE;
    let mut buffer = vec![0.0f64; k * METRIC_COUNT * stride];
    let mut partial = Partial::new(k);
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
    let mut scratch = Scratch::new(model, 3);
    let mut out = vec![[0.0; METRIC_COUNT]; k];
    let (mut sampling, mut summary) = (0.0, 0.0);
    for _ in 0..trials / width {
        let t = Instant::now();
        for i in 0..width {
            model.trial(&mut rng, &mut scratch, &mut out);
            for (s, outcome) in out.iter().enumerate() {
                for (m, &value) in outcome.iter().enumerate() {
                    buffer[(s * METRIC_COUNT + m) * stride + i] = value;
                }
            }
        }
        sampling += t.elapsed().as_secs_f64();
        let t = Instant::now();
        let columns: Vec<&[f64]> = buffer.chunks(stride).map(|c| &c[..width]).collect();
        partial.add_batch(&columns);
        summary += t.elapsed().as_secs_f64();
    }
    let t = Instant::now();
    partial.settle();
    black_box(&partial);
    summary += t.elapsed().as_secs_f64();
    (sampling, summary)
}

/// Counts the generator words a trial consumes.
struct CountingRng {
    inner: Xoshiro256PlusPlus,
    words: u64,
}

impl rand::TryRng for CountingRng {
    type Error = std::convert::Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        self.words += 1;
        Ok(self.inner.next_u32())
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        self.words += 1;
        Ok(self.inner.next_u64())
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        self.words += dst.len().div_ceil(8) as u64;
        self.inner.fill_bytes(dst);
        Ok(())
    }
}
