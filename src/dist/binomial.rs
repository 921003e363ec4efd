//! Binomial counts whose n and p change from draw to draw: a few trials as
//! Bernoulli trials of one raw word each, small means by inversion with one
//! uniform, the rest by rand_distr's BTPE.

use rand::Rng;
use rand_distr::Distribution;

use super::{RECIPROCALS, unit};

/// Binomials with n x min(p, 1 - p) up to this (and n up to
/// [`BINOMIAL_INVERSION_MAX_N`]) are drawn by inversion (one uniform); larger ones by
/// rand_distr's BTPE.
pub const BINOMIAL_INVERSION_MAX_MEAN: f64 = 10.0;
/// Up to this n, a binomial is drawn as n Bernoulli trials of one raw draw each.
pub const BINOMIAL_BERNOULLI_MAX_N: u64 = 16;
/// Above this n, q^n could underflow, so the inversion is not used.
pub const BINOMIAL_INVERSION_MAX_N: u64 = 1000;

/// A binomial count of `n` trials at success probability `p`; n = 0 or p <= 0 cost
/// no draw, p >= 1 returns n.
///
/// Up to [`BINOMIAL_BERNOULLI_MAX_N`] trials it counts successes of n Bernoulli
/// trials. Otherwise, for p > 1/2 it draws n - Binomial(n, 1 - p). Small means (see
/// [`BINOMIAL_INVERSION_MAX_MEAN`]) use sequential search of the CDF from 0 with one
/// uniform, P(0) = q^n and P(k + 1) = P(k) (n - k) / (k + 1) x p / q (multiplying by
/// a table of 1 / (k + 1) instead of dividing); others use `rand_distr::Binomial`.
#[inline]
pub fn binomial_count<R: Rng + ?Sized>(rng: &mut R, n: u64, p: f64) -> u64 {
    if n == 0 || p.is_nan() || p <= 0.0 {
        return 0;
    }
    if p >= 1.0 {
        return n;
    }
    if n <= BINOMIAL_BERNOULLI_MAX_N {
        // n Bernoulli trials, each a comparison of a raw 64-bit draw with
        // p 2^64: cheaper than any search for so few trials, and exact (to 2^-64).
        let threshold = (p * 18_446_744_073_709_551_616.0) as u64;
        return (0..n).map(|_| u64::from(rng.next_u64() < threshold)).sum();
    }
    let (flip, small) = if p > 0.5 { (true, 1.0 - p) } else { (false, p) };
    let k = if n <= BINOMIAL_INVERSION_MAX_N && n as f64 * small <= BINOMIAL_INVERSION_MAX_MEAN {
        let q = 1.0 - small;
        let ratio = small / q;
        let u = unit(rng);
        let mut term = q.powi(n as i32);
        let mut cdf = term;
        let mut k = 0u64;
        while u >= cdf && k < n {
            let next = k as usize + 1;
            let reciprocal = if next < RECIPROCALS.len() {
                RECIPROCALS[next]
            } else {
                1.0 / next as f64
            };
            term *= ratio * (n - k) as f64 * reciprocal;
            k += 1;
            cdf += term;
        }
        k
    } else {
        match rand_distr::Binomial::new(n, small) {
            Ok(d) => d.sample(rng),
            Err(_) => 0,
        }
    };
    if flip { n - k } else { k }
}
