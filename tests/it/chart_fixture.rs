//! A small stand-in for the simulator's output: writes a run folder (manifest.json,
//! summary.csv, histograms.csv, comparison.csv) in exactly the format the simulator writes,
//! from per-trial values made by a closure. The chart tests draw from these folders.

// Trials are indexed across several strategies' value vectors at once.
#![allow(clippy::needless_range_loop)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

/// The metrics a fixture writes, with unit and histogram scale (None: no histogram).
pub const METRICS: [(&str, &str, Option<&str>); 11] = [
    ("build_weeks", "weeks", Some("linear")),
    ("api_failure", "indicator", None),
    ("api_failures", "count", Some("integer")),
    ("emergency_fixes", "count", Some("integer")),
    ("downtime_hours", "hours", Some("log")),
    ("build_cost", "USD", None),
    ("ops_cost", "USD", None),
    ("downtime_loss", "USD", None),
    ("churn_loss", "USD", None),
    ("total_cost", "USD", Some("linear")),
    ("budget_overrun", "ratio", Some("linear")),
];

/// One trial's values for one strategy, keyed by metric id.
pub type Outcome = BTreeMap<&'static str, f64>;

/// A deterministic generator (SplitMix64), so fixtures are the same on every run.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
    pub fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
    pub fn poisson(&mut self, mean: f64) -> f64 {
        let limit = (-mean).exp();
        let mut k = 0.0;
        let mut p = self.uniform();
        while p > limit && k < 1000.0 {
            k += 1.0;
            p *= self.uniform();
        }
        k
    }
}

/// A plausible trial of the delivery model for a strategy with the given knobs, using the
/// same uniform draws for every strategy of a trial (common random numbers).
pub fn model_trial(rng: &mut Rng, strategy: &str) -> Outcome {
    let (m, burn, mu, fixes, tau, swan) = match strategy {
        "backend_led" => (1.32, 55e3, 0.37, 5.8, 1.5, 0.06),
        "ux_led" => (1.0, 50e3, 0.75, 9.3, 3.0, 0.06),
        "hybrid_weak" => (1.1, 60e3, 1.1, 12.0, 3.5, 0.14),
        _ => (1.1, 60e3, 0.4, 6.5, 1.8, 0.07),
    };
    let plan = 24.0 * m;
    let z = rng.normal();
    let mut weeks = plan * (0.1 * z).exp() * (1.0 + 0.1 * rng.uniform());
    if strategy == "ux_led" && rng.uniform() < 0.3 {
        weeks += 4.0;
    }
    if rng.uniform() < swan {
        weeks *= 1.0 + 1.4 * (rng.uniform().powf(-1.0 / 3.0) - 1.0);
    }
    let frailty = (0.35 * z + 0.3 * rng.normal()).exp();
    let api = rng.poisson(mu * frailty);
    let fix = rng.poisson(fixes * frailty) + api;
    let mut down = 0.0;
    for _ in 0..(api as usize + rng.poisson(0.3 * fixes) as usize) {
        down += tau * (1.2 * rng.normal()).exp() * (0.3 + 0.7 * rng.uniform());
    }
    let build_cost = burn * weeks * (1.0 + (weeks / plan - 1.0).max(0.0));
    let ops_cost = fix * 40.0 * 150.0 + down * 5.0 * 150.0;
    let downtime_loss = down * 11.4e3 * 0.6;
    let churn_loss = (1.0 - (-0.25 * 0.15 * down / 168.0).exp()) * 400e3 * 150.0;
    let mut o = Outcome::new();
    o.insert("build_weeks", weeks);
    o.insert("api_failure", if api > 0.0 { 1.0 } else { 0.0 });
    o.insert("api_failures", api);
    o.insert("emergency_fixes", fix);
    o.insert("downtime_hours", down);
    o.insert("build_cost", build_cost);
    o.insert("ops_cost", ops_cost);
    o.insert("downtime_loss", downtime_loss);
    o.insert("churn_loss", churn_loss);
    o.insert(
        "total_cost",
        build_cost + ops_cost + downtime_loss + churn_loss,
    );
    o.insert("budget_overrun", build_cost / (burn * plan));
    o
}

/// A run folder's worth of trials: `outcomes[strategy][trial]`.
pub struct Fixture {
    pub title: String,
    pub currency: String,
    pub seed: u64,
    pub target_build_weeks: Option<f64>,
    pub strategies: Vec<(String, String)>,
    pub outcomes: Vec<Vec<Outcome>>,
}

impl Fixture {
    /// `trials` trials of `make(rng, strategy id)` for every strategy.
    pub fn generate(
        strategies: &[(&str, &str)],
        trials: usize,
        make: impl Fn(&mut Rng, &str) -> Outcome,
    ) -> Fixture {
        let outcomes = strategies
            .iter()
            .map(|(id, _)| {
                let mut rng = Rng::new(20260127);
                (0..trials).map(|_| make(&mut rng, id)).collect()
            })
            .collect();
        Fixture {
            title: "Seed article calibration".to_string(),
            currency: "USD".to_string(),
            seed: 20260127,
            target_build_weeks: Some(30.0),
            strategies: strategies
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
            outcomes,
        }
    }

    pub fn write(&self, dir: &Path) {
        std::fs::create_dir_all(dir).unwrap();
        let trials = self.outcomes.first().map_or(0, |o| o.len());
        let manifest = serde_json::json!({
            "tool": "tradeoff-sim", "version": "0.1.0", "scenario_name": "seed",
            "scenario_title": self.title, "currency": self.currency, "trials": trials,
            "seed": self.seed, "target_build_weeks": self.target_build_weeks,
            "scenario_sha256": "ignored-by-charts",
            "scenario": { "name": "seed", "horizon": { "weeks": 26.0 } },
            "strategies": self.strategies.iter().map(|(id, label)| serde_json::json!({"id": id, "label": label, "governance": 0.5})).collect::<Vec<_>>(),
        });
        std::fs::write(
            dir.join("manifest.json"),
            serde_json::to_string_pretty(&manifest).unwrap(),
        )
        .unwrap();

        let mut summary = String::from(
            "scenario,strategy,metric,unit,n,mean,std_dev,std_err,min,p05,p10,p25,p50,p75,p80,p90,p95,p99,max\n",
        );
        let mut hist = String::from(
            "scenario,strategy,metric,unit,scale,kind,bin_low,bin_high,count,n,mean,p10,p50,p80,p90,p95\n",
        );
        let mut comparison = String::from(
            "scenario,metric,unit,strategy_a,strategy_b,n,p_a_better,p_tie,p_b_better,mean_diff,mean_diff_ci95_low,mean_diff_ci95_high,p_best_a,p_best_b\n",
        );
        for (metric, unit, scale) in METRICS {
            let unit = if unit == "USD" {
                self.currency.as_str()
            } else {
                unit
            };
            let values: Vec<Vec<f64>> = self
                .outcomes
                .iter()
                .map(|o| o.iter().map(|t| t[metric]).collect())
                .collect();
            let stats: Vec<Stats> = values.iter().map(|v| Stats::of(v)).collect();
            for ((id, _), s) in self.strategies.iter().zip(&stats) {
                let _ = writeln!(
                    summary,
                    "seed,{id},{metric},{unit},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
                    s.n,
                    s.mean,
                    s.sd,
                    s.sd / (s.n as f64).sqrt(),
                    s.q(0.0),
                    s.q(0.05),
                    s.q(0.1),
                    s.q(0.25),
                    s.q(0.5),
                    s.q(0.75),
                    s.q(0.8),
                    s.q(0.9),
                    s.q(0.95),
                    s.q(0.99),
                    s.q(1.0)
                );
            }
            if let Some(scale) = scale {
                write_histogram(&mut hist, metric, unit, scale, &self.strategies, &stats);
            }
            // Comparison: every pair, plus each strategy's chance of being best overall.
            let k = self.strategies.len();
            let mut best = vec![0.0; k];
            for t in 0..trials {
                let low = (0..k).map(|s| values[s][t]).fold(f64::INFINITY, f64::min);
                let winners: Vec<usize> = (0..k).filter(|&s| values[s][t] == low).collect();
                for &w in &winners {
                    best[w] += 1.0 / winners.len() as f64;
                }
            }
            for a in 0..k {
                for b in a + 1..k {
                    let (mut better, mut tie) = (0.0, 0.0);
                    for t in 0..trials {
                        if values[a][t] < values[b][t] {
                            better += 1.0;
                        } else if values[a][t] == values[b][t] {
                            tie += 1.0;
                        }
                    }
                    let n = trials as f64;
                    let diff = stats[a].mean - stats[b].mean;
                    let _ = writeln!(
                        comparison,
                        "seed,{metric},{unit},{},{},{trials},{},{},{},{diff},{},{},{},{}",
                        self.strategies[a].0,
                        self.strategies[b].0,
                        better / n,
                        tie / n,
                        1.0 - (better + tie) / n,
                        diff - 1.0,
                        diff + 1.0,
                        best[a] / n,
                        best[b] / n
                    );
                }
            }
        }
        std::fs::write(dir.join("summary.csv"), summary).unwrap();
        std::fs::write(dir.join("histograms.csv"), hist).unwrap();
        std::fs::write(dir.join("comparison.csv"), comparison).unwrap();
    }
}

struct Stats {
    sorted: Vec<f64>,
    n: usize,
    mean: f64,
    sd: f64,
}

impl Stats {
    fn of(v: &[f64]) -> Stats {
        let mut sorted = v.to_vec();
        sorted.sort_by(f64::total_cmp);
        let n = v.len();
        let mean = v.iter().sum::<f64>() / n.max(1) as f64;
        let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n.max(2) - 1) as f64;
        Stats {
            sorted,
            n,
            mean,
            sd: var.sqrt(),
        }
    }
    fn q(&self, p: f64) -> f64 {
        if self.sorted.is_empty() {
            return 0.0;
        }
        self.sorted[((self.n - 1) as f64 * p).round() as usize]
    }
}

fn write_histogram(
    out: &mut String,
    metric: &str,
    unit: &str,
    scale: &str,
    strategies: &[(String, String)],
    stats: &[Stats],
) {
    let lo = stats.iter().map(|s| s.q(0.0)).fold(f64::INFINITY, f64::min);
    let max = stats
        .iter()
        .map(|s| s.q(1.0))
        .fold(f64::NEG_INFINITY, f64::max);
    let p995 = stats
        .iter()
        .map(|s| s.q(0.995))
        .fold(f64::NEG_INFINITY, f64::max);
    let cut = if max > 1.5 * p995 && p995 > lo {
        p995
    } else {
        max
    };
    let edges: Vec<f64> = match scale {
        "integer" => {
            let cut = if max > p995 + 5.0 { p995 } else { max };
            (lo.round() as i64..=cut.round() as i64 + 1)
                .map(|k| k as f64 - 0.5)
                .collect()
        }
        "log" => {
            let pos_lo = stats
                .iter()
                .flat_map(|s| s.sorted.iter().copied().find(|&v| v > 0.0))
                .fold(f64::INFINITY, f64::min);
            if !pos_lo.is_finite() {
                vec![0.0, 1.0]
            } else {
                let hi = cut.max(pos_lo * 1.0001);
                let nb = 30;
                let mut e = vec![0.0];
                e.extend((0..=nb).map(|i| pos_lo * (hi / pos_lo).powf(i as f64 / nb as f64)));
                e
            }
        }
        _ => {
            if cut > lo {
                (0..=40)
                    .map(|i| lo + (cut - lo) * i as f64 / 40.0)
                    .collect()
            } else {
                vec![lo, lo]
            }
        }
    };
    let top = *edges.last().unwrap();
    for ((id, _), s) in strategies.iter().zip(stats) {
        let nb = edges.len() - 1;
        let mut counts = vec![0u64; nb];
        let mut over = 0u64;
        for &v in &s.sorted {
            if v > top {
                over += 1;
                continue;
            }
            let i = edges
                .partition_point(|&e| e <= v)
                .saturating_sub(1)
                .min(nb - 1);
            counts[i] += 1;
        }
        let tail = format!(
            "{},{},{},{},{},{},{}",
            s.n,
            s.mean,
            s.q(0.1),
            s.q(0.5),
            s.q(0.8),
            s.q(0.9),
            s.q(0.95)
        );
        for i in 0..nb {
            let _ = writeln!(
                out,
                "seed,{id},{metric},{unit},{scale},bin,{},{},{},{tail}",
                edges[i],
                edges[i + 1],
                counts[i]
            );
        }
        if over > 0 {
            let _ = writeln!(
                out,
                "seed,{id},{metric},{unit},{scale},overflow,{top},{},{over},{tail}",
                s.q(1.0)
            );
        }
    }
}
