//! `check`'s 95% intervals cover the true value at least 95% of the time, and a
//! false claim holds at most 2.5% of the time, counted over many seeds at small
//! trial counts (issue 16, items 9 and 10).
//!
//! How it counts: each case is checked in-process (the library's
//! `check::check`, no files) on `SEEDS` seeds. A seed's interval "misses low"
//! when its upper end lies below the true value: then the claim `value <= just
//! under the truth`, which is false, would hold; "misses high" likewise. An
//! undecided claim (an infinite interval) misses nothing: refusing to decide is
//! honest. The true values come from one large run (`TRUTH_TRIALS` trials,
//! its own seed), whose error is a small fraction of the small runs' intervals,
//! or from a closed form for the synthetic samples.
//!
//! Tolerance: were each seed's miss an independent coin with probability p (the
//! nominal 2.5% a side, 5% in all), the miss count would be Binomial(SEEDS, p);
//! a count above its 99.9% quantile (computed below, exactly) says the interval
//! undercovers. With SEEDS = 400: at most 20 misses a side (mean 10), at most 35
//! in all (mean 20). The seeds are fixed, so the test is deterministic.

use std::sync::atomic::AtomicBool;

use tradeoff_sim::analysis::check::{self, CheckPlan, CheckReport};
use tradeoff_sim::metric::{PairOp, Stat, Statistic};
use tradeoff_sim::scenario::ScenarioSource;
use tradeoff_sim::stats::claims::{self, Estimate, Side, Verdict};

use crate::common::scenario;

const SEEDS: u64 = 400;
const TRUTH_TRIALS: u64 = 400_000;

/// The 99.9% quantile of Binomial(n, p): the smallest k with P(B <= k) >= 0.999.
fn binomial_999(n: u64, p: f64) -> u64 {
    let mut pmf = (1.0 - p).powi(n as i32);
    let mut cdf = pmf;
    let mut k = 0;
    while cdf < 0.999 {
        pmf *= (n - k) as f64 / (k + 1) as f64 * p / (1.0 - p);
        k += 1;
        cdf += pmf;
    }
    k
}

/// seed.toml without its claims, then `claims` (one run: no claim sets anything).
fn seed_toml_with(claims: &str) -> ScenarioSource {
    let path = scenario("seed.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let cut = text.find("\n[[claims]]").unwrap();
    ScenarioSource::from_bytes(path, format!("{}\n{claims}", &text[..cut]).into_bytes())
}

fn run(source: &ScenarioSource, trials: u64, seed: u64) -> CheckReport {
    let plan = CheckPlan {
        trials: Some(trials),
        seed: Some(seed),
        threads: 1,
    };
    check::check(source, &[], &plan, &AtomicBool::new(false)).unwrap()
}

/// Misses of one claim over the seeds.
#[derive(Debug, Default)]
struct Misses {
    /// Upper end below the truth: `<= just under the truth` would hold.
    low: u64,
    /// Lower end above the truth: `>= just over the truth` would hold.
    high: u64,
    /// Seeds where the claim was decided (a finite interval).
    decided: u64,
}

impl Misses {
    fn count(&mut self, e: &Estimate, truth: f64) {
        let under = truth - 1e-9 * truth.abs().max(1.0);
        let over = truth + 1e-9 * truth.abs().max(1.0);
        self.low += u64::from(claims::verdict(e, None, Some(under)) == Verdict::Holds);
        self.high += u64::from(claims::verdict(e, Some(over), None) == Verdict::Holds);
        self.decided += u64::from(e.std_err.is_finite());
    }

    fn assert_within(&self, what: &str) {
        let side = binomial_999(SEEDS, 0.025);
        let both = binomial_999(SEEDS, 0.05);
        eprintln!("{what}: {self:?} of {SEEDS} seeds (limits {side} a side, {both} in all)");
        assert!(
            self.low <= side,
            "{what}: a false `<=` claim held: {self:?}"
        );
        assert!(
            self.high <= side,
            "{what}: a false `>=` claim held: {self:?}"
        );
        assert!(
            self.low + self.high <= both,
            "{what}: the 95% interval missed the truth: {self:?}"
        );
    }
}

const CLAIMS: &str = r#"
[[claims]]
id = "p99_build"
text = "coverage: p99_build"
metric = "build_weeks"
strategy = "ux_led"
statistic = "p99"
min = 0

[[claims]]
id = "median_cost"
text = "coverage: median_cost"
metric = "total_cost"
strategy = "ux_led"
statistic = "median"
min = 0

[[claims]]
id = "p95_gap"
text = "coverage: p95_gap"
metric = "total_cost"
strategies = ["ux_led", "backend_led"]
statistic = "difference_of_p95s"
min = -1e12

[[claims]]
id = "mean_incident_hours"
text = "coverage: mean_incident_hours"
metric = "incident_hours"
strategy = "ux_led"
statistic = "mean"
min = 0

[[claims]]
id = "mean_total_cost"
text = "coverage: mean_total_cost"
metric = "total_cost"
strategy = "hybrid"
statistic = "mean"
min = 0

[[claims]]
id = "cost_gap"
text = "coverage: cost_gap"
metric = "total_cost"
strategies = ["ux_led", "backend_led"]
statistic = "difference_of_means"
min = -1e12

[[claims]]
id = "mean_api_failures"
text = "coverage: mean_api_failures"
metric = "api_failures"
strategy = "backend_led"
statistic = "mean"
min = 0
"#;

/// The shipped model's claims at 100, 400 and 2,000 trials: tail and central
/// quantiles, a pair of quantiles, heavy-tailed means, a difference of means and
/// a mean count.
#[test]
fn check_intervals_cover_the_truth_on_seed_toml_at_small_trial_counts() {
    let source = seed_toml_with(CLAIMS);
    let truth: Vec<f64> = run(&source, TRUTH_TRIALS, 1)
        .outcomes
        .iter()
        .map(|o| o.estimate.value)
        .collect();
    for trials in [100, 400, 2000] {
        let mut misses: Vec<Misses> = truth.iter().map(|_| Misses::default()).collect();
        for seed in 0..SEEDS {
            let report = run(&source, trials, 1_000_000 + seed);
            for ((m, o), &t) in misses.iter_mut().zip(&report.outcomes).zip(&truth) {
                m.count(&o.estimate, t);
            }
        }
        for (m, o) in misses.iter().zip(&run(&source, trials, 0).outcomes) {
            m.assert_within(&format!("{} at {trials} trials", o.claim.id));
        }
        if trials == 2000 {
            // Not vacuous: quantiles and the light-tailed means decide.
            for (m, id) in misses.iter().zip(["p99_build", "median_cost", "p95_gap"]) {
                assert!(m.decided == SEEDS, "{id}: {m:?}");
            }
        }
    }
}

/// Item 10's case: a false P99 claim on seed.toml held on 16 of 100 seeds at 100
/// trials. The claim, just under the true P99, may hold on at most 2.5%.
#[test]
fn a_false_p99_claim_at_100_trials_holds_on_at_most_2_5_percent_of_seeds() {
    let source = seed_toml_with(CLAIMS);
    let truth = run(&source, TRUTH_TRIALS, 1).outcomes[0].estimate.value;
    let mut held = 0;
    for seed in 0..100 {
        let e = run(&source, 100, 2_000_000 + seed).outcomes[0].estimate;
        held += u32::from(claims::verdict(&e, None, Some(truth * 0.98)) == Verdict::Holds);
        // 100 trials cannot place P99 inside the data: undecided, and `check`
        // says how many trials would (367: 0.99^n <= 2.5%).
        assert!(e.std_err.is_infinite(), "seed {seed}: {e:?}");
        assert_eq!(
            claims::trials_to_decide(&e, None, Some(truth * 0.98)),
            Some(370)
        );
    }
    assert!(held <= 2, "held on {held} of 100 seeds");
}

/// SplitMix64 uniforms in (0, 1), for samples with a closed-form mean.
struct Uniforms(u64);

impl Uniforms {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        ((z >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    /// A standard normal (Box-Muller, one of the pair).
    fn normal(&mut self) -> f64 {
        let (u, v) = (self.next(), self.next());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

fn measured(values: &[f64]) -> Side<'_> {
    Side {
        values,
        per: None,
        indicator: false,
        count: false,
    }
}

/// Heavy tails with a known mean: a lognormal with sigma 1.5 (mean e^1.125) and a
/// Lomax with shape 2.5 (mean 1 / 1.5, infinite variance), at 200 to 20,000
/// trials. The review found a "95%" interval for such a mean covering about half
/// the time; the interval must cover 95%, or refuse.
#[test]
fn mean_intervals_of_heavy_tailed_samples_cover_or_refuse() {
    let lognormal = |u: &mut Uniforms| (1.5 * u.normal()).exp();
    let lomax = |u: &mut Uniforms| u.next().powf(-1.0 / 2.5) - 1.0;
    type Draw = fn(&mut Uniforms) -> f64;
    let cases: [(&str, Draw, f64); 2] = [
        ("lognormal sigma 1.5", lognormal, 1.125f64.exp()),
        ("lomax shape 2.5", lomax, 1.0 / 1.5),
    ];
    for (name, draw, truth) in cases {
        for trials in [200, 2000, 20_000] {
            let mut m = Misses::default();
            for seed in 0..SEEDS {
                let mut u = Uniforms(seed * 7919 + trials as u64);
                let values: Vec<f64> = (0..trials).map(|_| draw(&mut u)).collect();
                let e = claims::estimate(Statistic::One(Stat::Mean), measured(&values), None);
                m.count(&e, truth);
            }
            m.assert_within(&format!("mean of {name} at {trials} trials"));
        }
    }
    // A difference of two independent heavy-tailed means.
    let mut m = Misses::default();
    for seed in 0..SEEDS {
        let mut u = Uniforms(seed + 99);
        let a: Vec<f64> = (0..2000).map(|_| lognormal(&mut u)).collect();
        let b: Vec<f64> = (0..2000).map(|_| 2.0 * lomax(&mut u)).collect();
        let diff = Statistic::Pair(PairOp::Difference, Stat::Mean);
        let e = claims::estimate(diff, measured(&a), Some(measured(&b)));
        m.count(&e, 1.125f64.exp() - 2.0 / 1.5);
    }
    m.assert_within("difference of heavy-tailed means at 2000 trials");
}
