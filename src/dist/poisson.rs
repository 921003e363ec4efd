//! Poisson counts whose mean changes from draw to draw (a rate times a trial's
//! frailty): small means by inversion with one uniform, larger ones by rand_distr.

use rand::Rng;
use rand_distr::Distribution;

use super::{RECIPROCALS, unit};
use crate::math;

/// Poisson means below this are drawn by inversion (one uniform); larger ones by
/// `rand_distr::Poisson` (Knuth's product of uniforms below 12, Ahrens-Dieter PD
/// rejection above), which the benchmarks found cheaper from a mean of about 6.
pub const POISSON_INVERSION_MAX_MEAN: f64 = 6.0;

/// The smallest k with u < F(k), the Poisson CDF at `mean`, by sequential search
/// from k = 0 (P(0) = exp(-mean), P(k) = P(k - 1) x mean / k). The search stops
/// once a term falls below 2^-60 of the sum, so a u within rounding of 1
/// (probability about 1e-16) returns a count far in the tail instead of looping.
#[inline(always)]
fn poisson_search(u: f64, mean: f64) -> u64 {
    let mut term = math::exp(-mean);
    let mut sum = term;
    let mut k = 0usize;
    while u >= sum && term > sum * (1.0 / (1u64 << 60) as f64) {
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

/// A Poisson count with the given mean; 0 for a zero, negative or non-finite mean.
///
/// Below [`POISSON_INVERSION_MAX_MEAN`]: inversion with one uniform u, the
/// smallest k with u < F(k), by sequential search of the CDF from 0 (exact up to
/// the rounding of the running sum; multiplying by a table of 1 / k instead of
/// dividing). At and above it: `rand_distr::Poisson`, built per draw.
#[inline]
pub fn poisson_count<R: Rng + ?Sized>(rng: &mut R, mean: f64) -> u64 {
    if !mean.is_finite() || mean <= 0.0 {
        return 0;
    }
    if mean < POISSON_INVERSION_MAX_MEAN {
        return poisson_search(unit(rng), mean);
    }
    match rand_distr::Poisson::new(mean) {
        Ok(d) => {
            let x: f64 = d.sample(rng);
            x as u64
        }
        Err(_) => 0,
    }
}
