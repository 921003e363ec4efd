//! Goodness of fit for the count samplers the model draws with:
//! `dist::poisson_count` (inversion with one uniform below a mean of 6, rand_distr's
//! Poisson above) and `dist::binomial_count` (inversion with one uniform
//! for small means, mirrored for p > 1/2; BTPE beyond).
//!
//! Each case is a Pearson chi-square test at the fixed significance level
//! `samplers::ALPHA` = 0.001 (critical value by Wilson-Hilferty, printed with the
//! exact tail probability), at a fixed seed, against probability mass functions
//! written in `samplers.rs` independently of `src/scenario/dist.rs`. Cells are
//! merged until each expects at least 5 draws. Cases cover both sides of every
//! switch between methods, and the model's own means. Run
//! `cargo test --release --test it fast_samplers -- --nocapture` to see the figures.

use tradeoff_sim::dist::{
    BINOMIAL_INVERSION_MAX_MEAN, POISSON_INVERSION_MAX_MEAN, binomial_count, poisson_count,
};

use crate::samplers::{StuckRng, assert_chi_square, binomial_pmf, poisson_pmf, rng};

const DRAWS: u64 = 200_000;

fn poisson_case(mean: f64, seed: u64) {
    let k_tail = (mean + 12.0 * mean.sqrt() + 15.0).ceil() as usize;
    let mut observed = vec![0u64; k_tail + 1];
    let mut rng = rng(seed);
    for _ in 0..DRAWS {
        observed[(poisson_count(&mut rng, mean) as usize).min(k_tail)] += 1;
    }
    let mut probabilities: Vec<f64> = (0..k_tail as u64).map(|k| poisson_pmf(mean, k)).collect();
    let tail = (1.0 - probabilities.iter().sum::<f64>()).max(0.0);
    probabilities.push(tail);
    assert_chi_square(
        &format!("poisson_count({mean})"),
        &observed,
        &probabilities,
        DRAWS,
    );
}

fn binomial_case(n: u64, p: f64, seed: u64) {
    let mut observed = vec![0u64; n as usize + 1];
    let mut rng = rng(seed);
    for _ in 0..DRAWS {
        let k = binomial_count(&mut rng, n, p);
        assert!(k <= n, "binomial_count({n}, {p}) drew {k}");
        observed[k as usize] += 1;
    }
    let probabilities: Vec<f64> = (0..=n).map(|k| binomial_pmf(n, p, k)).collect();
    assert_chi_square(
        &format!("binomial_count({n}, {p})"),
        &observed,
        &probabilities,
        DRAWS,
    );
}

/// Means of the model: API failures (0.37 to 1.65 times the frailty), surges (1),
/// other fixes (5.8 to 13.3 times the frailty); and both sides of the switch to
/// rand_distr at 6 (and of rand_distr's own switch to rejection at 12).
#[test]
fn poisson_count_passes_chi_square_on_both_sides_of_the_inversion_limit() {
    assert_eq!(POISSON_INVERSION_MAX_MEAN, 6.0);
    for (i, mean) in [0.02, 0.37, 1.0, 2.5, 5.8, 5.99, 6.0, 9.3, 12.0, 13.3, 40.0]
        .into_iter()
        .enumerate()
    {
        poisson_case(mean, 2001 + i as u64);
    }
}

/// The model's binomials: emergency fixes (p 0.9 of a few failures, drawn as
/// n - Binomial(n, 0.1)) and customer-facing incidents (p 0.3 of other fixes, a
/// dozen or so); plus p = 1/2, a small p, large n at a small mean (mirrored and
/// not), both sides of the switch from Bernoulli trials to inversion at n = 16,
/// and both sides of the switch to BTPE at n min(p, q) = 10.
#[test]
fn binomial_count_passes_chi_square_on_both_sides_of_the_inversion_limit() {
    assert_eq!(BINOMIAL_INVERSION_MAX_MEAN, 10.0);
    for (i, (n, p)) in [
        (1, 0.3),
        (1, 0.9),
        (3, 0.9),
        (12, 0.3),
        (20, 0.5),
        (33, 0.3),
        (34, 0.3),
        (100, 0.9),
        (101, 0.9),
        (400, 0.3),
        (16, 0.02),
        (16, 0.7),
        (17, 0.3),
        (17, 0.9),
        (90, 0.1),
        (300, 0.99),
    ]
    .into_iter()
    .enumerate()
    {
        binomial_case(n, p, 2101 + i as u64);
    }
}

#[test]
fn counts_at_degenerate_parameters_draw_nothing() {
    let mut r = rng(2201);
    for mean in [0.0, -1.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        assert_eq!(poisson_count(&mut r, mean), 0, "poisson_count({mean})");
    }
    assert_eq!(binomial_count(&mut r, 0, 0.5), 0);
    assert_eq!(binomial_count(&mut r, 7, 0.0), 0);
    assert_eq!(binomial_count(&mut r, 7, f64::NAN), 0);
    assert_eq!(binomial_count(&mut r, 7, 1.0), 7);
    // None of the above consumed a draw: the stream is where a fresh one starts.
    let mut fresh = rng(2201);
    assert_eq!(poisson_count(&mut r, 3.0), poisson_count(&mut fresh, 3.0));
}

/// At the largest uniform the inversion must stop (not loop) and return a count
/// in the far tail; at the smallest it returns 0.
#[test]
fn inversion_stops_at_the_extreme_uniforms() {
    for mean in [0.01, 1.0, 5.9] {
        let top = poisson_count(&mut StuckRng(u64::MAX), mean);
        assert!(
            top as f64 > mean && top < 80,
            "poisson_count({mean}) at u = 1 - 2^-53 gave {top}"
        );
        assert_eq!(poisson_count(&mut StuckRng(0), mean), 0);
    }
    for (n, p) in [(5, 0.3), (100, 0.05), (30, 0.9)] {
        let top = binomial_count(&mut StuckRng(u64::MAX), n, p);
        assert!(
            top <= n,
            "binomial_count({n}, {p}) at u = 1 - 2^-53 gave {top}"
        );
        let bottom = binomial_count(&mut StuckRng(0), n, p);
        assert!(bottom <= n);
    }
}
