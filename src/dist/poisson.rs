//! Poisson counts whose mean changes from draw to draw (a rate times a trial's
//! frailty): small means by inversion with one uniform, larger ones by rand_distr.
//!
//! The inversion's first [`POISSON_LANES`] steps run without a branch (a count
//! over the CDF's first terms, whose lengths the branch predictor never has to
//! guess); only a count past them continues step by step. Both give exactly the
//! count of the plain sequential search ([`poisson_count_sequential`], kept as
//! the reference for the tests and the benchmarks), so the choice changes the
//! speed of a trial, never its numbers. Owns no generator state: every draw
//! takes its words from the caller's.

use rand::Rng;
use rand_distr::Distribution;

use super::{RECIPROCALS, unit};
use crate::math;

/// Poisson means below this are drawn by inversion (one uniform); larger ones by
/// `rand_distr::Poisson` (Knuth's product of uniforms below 12, Ahrens-Dieter PD
/// rejection above), which the benchmarks found cheaper from a mean of about 6.
pub const POISSON_INVERSION_MAX_MEAN: f64 = 6.0;

/// The inversion steps taken without a branch: at the model's means (a rate
/// times a mean-one frailty, mostly below 2) a count of 8 or more is rare, so
/// the step-by-step tail after them is almost never entered.
pub const POISSON_LANES: usize = 8;

/// A term below this share of the running sum stops the search: a u within
/// rounding of 1 (probability about 1e-16) returns a count far in the tail
/// instead of looping.
const TAIL_STOP: f64 = 1.0 / (1u64 << 60) as f64;

/// The smallest k with u < F(k), the Poisson CDF at `mean`, by sequential search
/// from k = 0 (P(0) = exp(-mean), P(k) = P(k - 1) x mean / k). The search stops
/// once a term falls below 2^-60 of the sum.
#[inline(always)]
fn sequential_search(u: f64, mean: f64) -> u64 {
    let term = math::exp(-mean);
    continue_search(u, mean, 0, term, term)
}

/// The sequential search from step `k`, whose term and running sum are given.
#[inline(always)]
fn continue_search(u: f64, mean: f64, mut k: usize, mut term: f64, mut sum: f64) -> u64 {
    while u >= sum && term > sum * TAIL_STOP {
        k += 1;
        let reciprocal = if k < RECIPROCALS.len() {
            RECIPROCALS[k]
        } else {
            1.0 / k as f64
        };
        term *= mean * reciprocal;
        sum += term;
    }
    k as u64
}

/// [`sequential_search`]'s count, its first [`POISSON_LANES`] steps without a
/// branch: the same terms and sums (the same operations in the same order), the
/// count of the leading steps at which the search would go on, and the
/// sequential search from the last of them only if it would go on at all of them.
#[inline(always)]
fn lane_search(u: f64, mean: f64) -> u64 {
    let mut term = math::exp(-mean);
    let mut sum = term;
    let mut going = (u >= sum) & (term > sum * TAIL_STOP);
    let mut count = u64::from(going);
    for reciprocal in &RECIPROCALS[1..POISSON_LANES] {
        term *= mean * reciprocal;
        sum += term;
        going &= (u >= sum) & (term > sum * TAIL_STOP);
        count += u64::from(going);
    }
    if count < POISSON_LANES as u64 {
        return count;
    }
    continue_search(u, mean, POISSON_LANES - 1, term, sum)
}

/// A Poisson count with the given mean; 0 for a zero, negative or non-finite mean.
///
/// Below [`POISSON_INVERSION_MAX_MEAN`]: inversion with one uniform u, the
/// smallest k with u < F(k) (exact up to the rounding of the running sum;
/// multiplying by a table of 1 / k instead of dividing), its first steps without
/// a branch. At and above it: `rand_distr::Poisson`, built per draw.
#[inline(always)]
pub fn poisson_count<R: Rng + ?Sized>(rng: &mut R, mean: f64) -> u64 {
    if !mean.is_finite() || mean <= 0.0 {
        return 0;
    }
    if mean < POISSON_INVERSION_MAX_MEAN {
        return lane_search(unit(rng), mean);
    }
    large_mean(rng, mean)
}

/// [`poisson_count`] with the inversion searched step by step from k = 0, with a
/// branch per step: the same count for the same words. The reference the tests
/// and the benchmarks compare the branch-free search with.
#[inline]
pub fn poisson_count_sequential<R: Rng + ?Sized>(rng: &mut R, mean: f64) -> u64 {
    if !mean.is_finite() || mean <= 0.0 {
        return 0;
    }
    if mean < POISSON_INVERSION_MAX_MEAN {
        return sequential_search(unit(rng), mean);
    }
    large_mean(rng, mean)
}

#[inline(never)]
fn large_mean<R: Rng + ?Sized>(rng: &mut R, mean: f64) -> u64 {
    match rand_distr::Poisson::new(mean) {
        Ok(d) => {
            let x: f64 = d.sample(rng);
            x as u64
        }
        Err(_) => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::Xoshiro256PlusPlus;

    /// The branch-free search and the sequential one give the same count for the
    /// same uniform at every mean of the inversion (a grid from 1e-12 to just
    /// below 6, and random means), including uniforms within rounding of 0 and
    /// 1 and at the CDF's own sums, where a count changes.
    #[test]
    fn lane_search_counts_equal_the_sequential_search() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(19);
        let mut means: Vec<f64> = (0..=600).map(|i| f64::from(i) * 0.01).collect();
        means.extend([
            1e-12,
            1e-9,
            1e-6,
            1e-3,
            5.999_999_999,
            6.0 - f64::EPSILON * 4.0,
        ]);
        means.extend((0..2000).map(|_| unit(&mut rng) * 6.0));
        means.extend((0..2000).map(|_| unit(&mut rng) * unit(&mut rng) * 0.5));
        let largest_u = 1.0 - f64::EPSILON / 2.0;
        let mut compared = 0u64;
        let mut tails = 0u64;
        for &mean in means.iter().filter(|&&m| m > 0.0 && m < 6.0) {
            let mut us: Vec<f64> = (0..500).map(|_| unit(&mut rng)).collect();
            us.extend([0.0, f64::MIN_POSITIVE, largest_u, 1.0 - 1e-12, 0.5]);
            // Each CDF sum, and its neighbours, up to the tail.
            let (mut term, mut sum) = (math::exp(-mean), math::exp(-mean));
            for reciprocal in &RECIPROCALS[1..40] {
                us.extend([sum, sum.next_down(), sum.next_up()]);
                term *= mean * reciprocal;
                sum += term;
            }
            for u in us.into_iter().filter(|u| (0.0..1.0).contains(u)) {
                let (a, b) = (lane_search(u, mean), sequential_search(u, mean));
                assert_eq!(a, b, "mean {mean}, u {u}");
                compared += 1;
                tails += u64::from(a >= POISSON_LANES as u64);
            }
        }
        assert!(compared > 2_000_000, "{compared}");
        // The step-by-step tail was exercised too.
        assert!(tails > 1000, "{tails}");
    }

    /// The drawn counts, whatever the mean (the large-mean branch included),
    /// equal the sequential draw's for the same generator, which ends in the
    /// same state.
    #[test]
    fn poisson_count_equals_the_sequential_draw_and_takes_the_same_words() {
        let mut means = Vec::new();
        let mut picker = Xoshiro256PlusPlus::seed_from_u64(7);
        for _ in 0..20_000 {
            means.push(unit(&mut picker) * 30.0);
        }
        means.extend([0.0, -1.0, f64::NAN, f64::INFINITY, 6.0, 12.0, 5.5]);
        let mut a = Xoshiro256PlusPlus::seed_from_u64(8);
        let mut b = a.clone();
        for &mean in &means {
            for _ in 0..20 {
                assert_eq!(
                    poisson_count(&mut a, mean),
                    poisson_count_sequential(&mut b, mean),
                    "mean {mean}"
                );
            }
        }
        assert_eq!(a, b);
    }
}
