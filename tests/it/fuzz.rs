//! A stable-toolchain fuzzer for the scenario reader and validator (nightly, and so
//! cargo-fuzz, is not available): arbitrary bytes, arbitrary TOML-ish text and
//! mutations of the seed corpus in `fuzz/corpus/` go to
//! `tradeoff_sim::scenario::from_str` (with and without `--set` overrides), and a
//! few to `tradeoff-sim validate`. Every answer must come without a panic, within
//! [`TIME_LIMIT`], and every problem must be located and say something.
//!
//! The short run is part of `cargo test --release`; the long one is
//! `FUZZ_SECONDS=600 cargo test --release -- --ignored fuzz --nocapture`
//! (see `fuzz/README.md`). The stream is deterministic for a given `FUZZ_SEED`.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tradeoff_sim::model::Model;
use tradeoff_sim::scenario::{Override, from_str_with};

use crate::common::{root, run_in, stderr};

/// The longest one input may take before it counts as a hang.
const TIME_LIMIT: Duration = Duration::from_secs(2);

/// SplitMix64: a tiny deterministic generator, enough to steer mutations.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Numbers a hostile or careless file might hold.
const NASTY_NUMBERS: &[&str] = &[
    "nan",
    "+nan",
    "-nan",
    "inf",
    "+inf",
    "-inf",
    "1e999",
    "-1e999",
    "1e-999",
    "-0",
    "-0.0",
    "0",
    "0.0",
    "1e308",
    "-1e308",
    "5e-324",
    "99999999999999999999999",
    "-9223372036854775809",
    "9223372036854775807",
    "18446744073709551616",
    "0x7fffffffffffffff",
    "0o777",
    "0b101",
    "1_000",
    "1__0",
    "1.",
    ".5",
    "1e",
    "--1",
    "1e+",
    "00",
    "0.1e-7",
    "1979-05-27",
    "true",
    "\"7\"",
    "[]",
    "{}",
    "[1, 2, 3]",
    "{ g0 = 1 }",
    "{ pert = [1, 2] }",
    "{ lognormal = {} }",
];

const SECTIONS: &[&str] = &[
    "[horizon]",
    "[drivers]",
    "[build]",
    "[api]",
    "[surges]",
    "[incidents]",
    "[walk_away]",
    "[churn]",
    "[cost]",
    "[strategies.a]",
    "[strategies.b_2]",
    "[strategies.A]",
    "[strategies]",
    "[[risks]]",
    "[[strategies]]",
    "[risks]",
    "[build.estimate]",
    "[[risks.x]]",
    "[]",
    "[a.b.c]",
];

const KEYS: &[&str] = &[
    "trials",
    "seed",
    "title",
    "currency",
    "weeks",
    "rate_window_weeks",
    "plan_weeks",
    "estimate",
    "governance",
    "weekly_burn",
    "api_failure_rate",
    "other_fix_rate",
    "headroom_median",
    "headroom_sigma",
    "ttr_median_hours",
    "walk_away_unresolved_probability",
    "walk_away_degraded_weeks",
    "customers",
    "lifetime_value",
    "downtime_loss_per_hour",
    "hourly_rate",
    "war_room_week_cost",
    "name",
    "probability",
    "delay_weeks",
    "tail_extra_share",
    "tail_multiplier_cap",
    "walk_away",
    "frailty_shape",
    "a.b",
    "\"quoted\"",
    "strategies.a.governance",
    "risks",
    "1",
    "",
];

const VALUES: &[&str] = &[
    "1",
    "0.5",
    "-1",
    "\"text\"",
    "true",
    "{ pert = [0.9, 1, 1.35] }",
    "{ triangular = [1, 2, 4] }",
    "{ lognormal = { median = 2, sigma = 0.5 } }",
    "{ lognormal = { p05 = 1, p95 = 3 } }",
    "{ normal = { mean = 1, std_dev = 1, min = 0 } }",
    "{ beta = { alpha = 2, beta = 3 } }",
    "{ lomax = { shape = 2, scale = 1 } }",
    "{ g0 = 1.27, g1 = 0.37, k = 2 }",
    "{ a = 0.1, b = 0.2 }",
    "[1, 2, 3]",
    "[]",
    "{}",
    "\"\"\"multi\nline\"\"\"",
    "'literal'",
    "\"\\u0000\"",
    "\"\\uD800\"",
];

/// Arbitrary TOML-ish text from the format's own vocabulary, and some noise.
fn tomlish(g: &mut Gen) -> String {
    let mut t = String::new();
    for _ in 0..g.below(60) {
        match g.below(10) {
            0 => t.push_str(SECTIONS[g.below(SECTIONS.len())]),
            1 => t.push_str(NASTY_NUMBERS[g.below(NASTY_NUMBERS.len())]),
            2 => t.push_str(&"[".repeat(g.below(300))),
            3 => t.push_str(&"{ a = ".repeat(g.below(300))),
            _ => {
                let key = *g.pick(KEYS);
                let value = if g.below(3) == 0 {
                    *g.pick(NASTY_NUMBERS)
                } else {
                    *g.pick(VALUES)
                };
                t.push_str(&format!("{key} = {value}"));
            }
        }
        t.push_str(if g.below(8) == 0 { " # c\n" } else { "\n" });
    }
    t
}

fn random_bytes(g: &mut Gen) -> Vec<u8> {
    (0..g.below(512)).map(|_| g.next() as u8).collect()
}

/// Byte ranges of the numbers in `text` (digits, signs, dots, exponents).
fn number_spans(text: &[u8]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut i = 0;
    while i < text.len() {
        if text[i].is_ascii_digit() {
            let start = i;
            while i < text.len() && (text[i].is_ascii_alphanumeric() || b".+-_".contains(&text[i]))
            {
                i += 1;
            }
            spans.push((start, i));
        } else {
            i += 1;
        }
    }
    spans
}

fn mutate(g: &mut Gen, corpus: &[Vec<u8>]) -> Vec<u8> {
    let mut b = g.pick(corpus).clone();
    for _ in 0..1 + g.below(4) {
        let len = b.len().max(1);
        match g.below(9) {
            0 if !b.is_empty() => {
                let i = g.below(b.len());
                b[i] ^= 1 << g.below(8);
            }
            1 => b.truncate(g.below(len)),
            2 if !b.is_empty() => {
                let i = g.below(b.len());
                let j = (i + g.below(64)).min(b.len());
                b.drain(i..j);
            }
            3 => {
                let spans = number_spans(&b);
                if !spans.is_empty() {
                    let (s, e) = *g.pick(&spans);
                    let with = g.pick(NASTY_NUMBERS).as_bytes().to_vec();
                    b.splice(s..e, with);
                }
            }
            4 => {
                // Splice: this file's head, another file's tail.
                let other = g.pick(corpus);
                let i = g.below(len).min(b.len());
                let j = g.below(other.len().max(1)).min(other.len());
                b.truncate(i);
                b.extend_from_slice(&other[j..]);
            }
            5 => {
                // Duplicate a line (duplicate keys and tables).
                let text = String::from_utf8_lossy(&b).into_owned();
                let lines: Vec<&str> = text.lines().collect();
                if !lines.is_empty() {
                    let line = *g.pick(&lines);
                    let at = g.below(lines.len());
                    let mut out: Vec<&str> = lines.clone();
                    out.insert(at, line);
                    b = out.join("\n").into_bytes();
                }
            }
            6 => {
                let i = g.below(len).min(b.len());
                let piece = if g.below(2) == 0 {
                    tomlish(g).into_bytes()
                } else {
                    random_bytes(g)
                };
                b.splice(i..i, piece);
            }
            7 => {
                let i = g.below(len).min(b.len());
                const NOISE: &[&[u8]] = &[
                    b"\xef\xbb\xbf",
                    b"\xff",
                    b"\x00",
                    b"\r",
                    b"\"",
                    b"'''",
                    b"]]",
                    b"= =",
                    b"\n[",
                ];
                let noise: &[u8] = NOISE[g.below(NOISE.len())];
                b.splice(i..i, noise.iter().copied());
            }
            _ => {
                // Repeat a slice many times: long lines, deep nesting.
                if !b.is_empty() {
                    let i = g.below(b.len());
                    let j = (i + 1 + g.below(16)).min(b.len());
                    let piece = b[i..j].repeat(1 + g.below(200));
                    b.splice(i..i, piece);
                }
            }
        }
    }
    b
}

fn overrides(g: &mut Gen) -> Vec<Override> {
    let keys = [
        "strategies.backend_led.governance",
        "strategies.ux_led.api_failure_rate",
        "risks[0].probability",
        "risks[99].probability",
        "risks[-1].name",
        "build.estimate",
        "trials",
        "seed",
        "nope.nope",
        "strategies",
        "strategies.new_one.governance",
        "build..plan_weeks",
        "[x]",
        "",
    ];
    (0..g.below(3))
        .filter_map(|_| {
            let value = if g.below(2) == 0 {
                *g.pick(NASTY_NUMBERS)
            } else {
                *g.pick(VALUES)
            };
            Override::parse(&format!("{}={value}", g.pick(&keys))).ok()
        })
        .collect()
}

fn corpus() -> Vec<Vec<u8>> {
    let dir = root().join("fuzz").join("corpus");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fuzz/corpus exists")
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    let corpus: Vec<Vec<u8>> = files
        .iter()
        .map(|f| std::fs::read(f).expect("a corpus file"))
        .collect();
    assert!(
        corpus.len() >= 10,
        "the seed corpus holds the shipped scenarios and bad fixtures"
    );
    corpus
}

/// What went wrong with one input.
fn judge(input: &[u8], overrides: &[Override]) -> Option<String> {
    let text = String::from_utf8_lossy(input);
    let started = Instant::now();
    let result = catch_unwind(AssertUnwindSafe(|| {
        match from_str_with(&text, "fuzz", overrides) {
            Ok(scenario) => {
                // A scenario the reader accepts must be one the model can take.
                let _ = Model::new(&scenario);
                Vec::new()
            }
            Err(problems) => problems,
        }
    }));
    let elapsed = started.elapsed();
    let problems = match result {
        Ok(problems) => problems,
        Err(panic) => {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            return Some(format!("panic: {message}"));
        }
    };
    if elapsed > TIME_LIMIT {
        return Some(format!("took {elapsed:?}"));
    }
    for p in &problems {
        if p.line == 0 && p.origin.is_none() {
            return Some(format!("problem without a line or an origin: {p:?}"));
        }
        if p.key.trim().is_empty() && p.message.trim().is_empty() {
            return Some(format!("problem that says nothing: {p:?}"));
        }
    }
    None
}

fn save_failure(n: u64, input: &[u8], overrides: &[Override], why: &str) -> PathBuf {
    let dir = root().join("target").join("fuzz-failures");
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("case-{n}.toml"));
    let _ = std::fs::write(&path, input);
    let sets: Vec<String> = overrides.iter().map(|o| o.to_string()).collect();
    let _ = std::fs::write(
        path.with_extension("why"),
        format!("{why}\n--set {sets:?}\n"),
    );
    path
}

/// Fuzzes for `budget`; returns (inputs tried, failures as descriptions).
fn fuzz_for(budget: Duration, seed: u64) -> (u64, Vec<String>) {
    let corpus = corpus();
    let mut g = Gen(seed);
    // A watchdog: an input stuck past 10 x the time limit is a hang; save it and stop.
    let current: Arc<Mutex<(Instant, Vec<u8>)>> =
        Arc::new(Mutex::new((Instant::now(), Vec::new())));
    let done = Arc::new(AtomicBool::new(false));
    let watchdog = {
        let (current, done) = (Arc::clone(&current), Arc::clone(&done));
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(200));
                let guard = current.lock().unwrap_or_else(|e| e.into_inner());
                if guard.0.elapsed() > TIME_LIMIT * 10 {
                    let path = save_failure(u64::MAX, &guard.1, &[], "hang");
                    eprintln!(
                        "fuzz: an input hangs the reader; saved to {}",
                        path.display()
                    );
                    std::process::abort();
                }
            }
        })
    };
    let start = Instant::now();
    let mut tried = 0u64;
    let mut failures = Vec::new();
    while start.elapsed() < budget || tried < corpus.len() as u64 {
        let input = if tried < corpus.len() as u64 {
            corpus[tried as usize].clone()
        } else {
            match g.below(10) {
                0 => random_bytes(&mut g),
                1 | 2 => tomlish(&mut g).into_bytes(),
                _ => mutate(&mut g, &corpus),
            }
        };
        let sets = if g.below(4) == 0 {
            overrides(&mut g)
        } else {
            Vec::new()
        };
        {
            let mut guard = current.lock().unwrap_or_else(|e| e.into_inner());
            *guard = (Instant::now(), input.clone());
        }
        if let Some(why) = judge(&input, &sets) {
            let path = save_failure(tried, &input, &sets, &why);
            failures.push(format!("{why} ({})", path.display()));
        }
        tried += 1;
    }
    done.store(true, Ordering::Relaxed);
    let _ = watchdog.join();
    (tried, failures)
}

fn report(tried: u64, failures: &[String], elapsed: Duration) {
    println!(
        "fuzz: {tried} inputs in {:.1} s ({:.0}/s), {} failures",
        elapsed.as_secs_f64(),
        tried as f64 / elapsed.as_secs_f64().max(1e-9),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} failing inputs (first 20):\n{}",
        failures.len(),
        failures
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn fuzzing_the_scenario_reader_briefly_finds_no_panic_hang_or_unlocated_problem() {
    let start = Instant::now();
    let (tried, failures) = fuzz_for(Duration::from_secs(3), env_u64("FUZZ_SEED", 1));
    report(tried, &failures, start.elapsed());
}

#[test]
#[ignore = "long fuzzing run: FUZZ_SECONDS=600 cargo test --release -- --ignored fuzz --nocapture"]
fn fuzz_for_fuzz_seconds() {
    let start = Instant::now();
    let seconds = env_u64("FUZZ_SECONDS", 600);
    let (tried, failures) = fuzz_for(Duration::from_secs(seconds), env_u64("FUZZ_SEED", 1));
    report(tried, &failures, start.elapsed());
}

#[test]
fn validate_answers_mutated_scenarios_with_exit_0_or_2_quickly_and_without_panicking() {
    let corpus = corpus();
    let mut g = Gen(2026);
    let tmp = tempfile::tempdir().expect("a temporary folder");
    for i in 0..12 {
        let input = match i % 3 {
            0 => random_bytes(&mut g),
            1 => tomlish(&mut g).into_bytes(),
            _ => mutate(&mut g, &corpus),
        };
        let file = tmp.path().join(format!("case-{i}.toml"));
        std::fs::write(&file, &input).expect("written");
        let start = Instant::now();
        let o = run_in(tmp.path(), &["validate", &file.display().to_string()]);
        let elapsed = start.elapsed();
        let err = stderr(&o);
        assert!(
            matches!(o.status.code(), Some(0 | 2)),
            "case {i}: exit {:?}\n{err}",
            o.status.code()
        );
        assert!(!err.contains("panicked"), "case {i}: {err}");
        assert!(elapsed < Duration::from_secs(2), "case {i}: {elapsed:?}");
        if o.status.code() == Some(2) {
            let name = file.display().to_string();
            assert!(
                err.contains(&format!("{name}:")),
                "case {i}: the file is named:\n{err}"
            );
        }
    }
    assert!(
        Path::new(tmp.path()).read_dir().expect("dir").count() == 12,
        "validate wrote nothing"
    );
}
