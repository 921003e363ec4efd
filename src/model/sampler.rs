//! A scenario distribution compiled for the hot path: the shapes a trial draws
//! most (uniform, triangular) drawn inline at the call site (the uniform with its
//! width precomputed), without `Dist::sample`'s out-of-line call and dispatch;
//! every other shape falls back to [`Dist::sample`].
//!
//! A compiled draw consumes the same generator words and returns the same value
//! as [`Dist::sample`] on the same distribution (same formulas, same constants), so
//! compiling changes the speed of a trial, never its numbers.

use rand::Rng;

use super::census::DrawKind;
use crate::dist::{BINOMIAL_BERNOULLI_MAX_N, Dist, TriangularInverse, binomial_count, unit};

#[derive(Clone, Debug)]
pub(crate) struct Sampler {
    shape: Shape,
    /// The kind of one draw, for the benchmarks' census.
    pub(crate) kind: DrawKind,
}

#[derive(Clone, Debug)]
enum Shape {
    Constant(f64),
    /// low + (high - low) x u.
    Uniform {
        low: f64,
        width: f64,
    },
    /// `dist::triangular_inverse`, prepared.
    Triangular(TriangularInverse),
    Other(Dist),
}

impl Sampler {
    pub(crate) fn new(dist: &Dist) -> Sampler {
        let shape = match *dist {
            Dist::Constant { value } => Shape::Constant(value),
            Dist::Uniform(ref uniform) => Shape::Uniform {
                low: uniform.low(),
                width: uniform.high() - uniform.low(),
            },
            Dist::Triangular(ref t) => {
                Shape::Triangular(TriangularInverse::new(t.min(), t.mode(), t.max()))
            }
            ref other => Shape::Other(other.clone()),
        };
        Sampler {
            shape,
            kind: DrawKind::of(dist),
        }
    }

    /// One draw, identical to [`Dist::sample`] on the distribution it was built from.
    #[inline(always)]
    pub(crate) fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self.shape {
            Shape::Constant(value) => value,
            Shape::Uniform { low, width } => low + width * unit(rng),
            Shape::Triangular(ref inverse) => inverse.at(unit(rng)),
            Shape::Other(ref dist) => sample_other(dist, rng),
        }
    }
}

#[inline(never)]
fn sample_other<R: Rng + ?Sized>(dist: &Dist, rng: &mut R) -> f64 {
    dist.sample(rng)
}

/// The largest n a [`SmallBinomial`] draws from its table.
const TABLE_N: usize = BINOMIAL_BERNOULLI_MAX_N as usize;

/// Binomial counts of n trials at one success probability p, for the small n a
/// trial meets most (the fixes among a handful of failures): one uniform u and
/// the count of k with u >= F_n(k), over a table of the CDFs F_n for n up to
/// [`TABLE_N`].
///
/// n Bernoulli trials cost n draws and a loop whose length the branch predictor
/// cannot guess; a search of the CDF stops at a place it cannot guess either.
/// The count over a padded row of the table is the same work for every n and
/// has no branch. Exact up to the rounding of the table's sums (about 1e-16).
/// Larger n, and p outside (0, 1), go to [`binomial_count`].
#[derive(Clone, Debug)]
pub struct SmallBinomial {
    p: f64,
    /// `cdf[n - 1][k]` = P(X <= k) for X ~ Binomial(n, p), k < n; 2 (never
    /// reached by a uniform) from k = n on.
    cdf: Vec<[f64; TABLE_N]>,
}

impl SmallBinomial {
    pub fn new(p: f64) -> SmallBinomial {
        let tabled = p > 0.0 && p < 1.0;
        let cdf = if tabled {
            (1..=TABLE_N)
                .map(|n| {
                    let q = 1.0 - p;
                    let mut row = [2.0; TABLE_N];
                    let mut term = q.powi(n as i32);
                    let mut sum = term;
                    for (k, slot) in row.iter_mut().enumerate().take(n) {
                        *slot = sum;
                        term *= (n - k) as f64 / (k + 1) as f64 * (p / q);
                        sum += term;
                    }
                    row
                })
                .collect()
        } else {
            Vec::new()
        };
        SmallBinomial { p, cdf }
    }

    /// The success probability.
    #[inline(always)]
    pub fn p(&self) -> f64 {
        self.p
    }

    /// Whether a count of `n` trials is drawn from the table (one uniform);
    /// otherwise it is [`binomial_count`]'s.
    #[inline(always)]
    pub fn tabled(&self, n: u64) -> bool {
        n >= 1 && n as usize <= self.cdf.len()
    }

    /// The number of successes in `n` trials.
    #[inline(always)]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R, n: u64) -> u64 {
        if !self.tabled(n) {
            return binomial_count(rng, n, self.p);
        }
        let u = unit(rng);
        self.cdf[n as usize - 1]
            .iter()
            .map(|&f| u64::from(u >= f))
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::Xoshiro256PlusPlus;

    #[test]
    fn compiled_draws_equal_the_distributions_own_draws_bit_for_bit() {
        let dists = [
            Dist::constant(3.5).unwrap(),
            Dist::uniform(0.2, 0.6).unwrap(),
            Dist::uniform(4.0, 4.0).unwrap(),
            Dist::triangular(2.0, 6.0, 12.0).unwrap(),
            Dist::triangular(1.0, 1.0, 4.0).unwrap(),
            Dist::triangular(0.5, 3.0, 3.0).unwrap(),
            Dist::triangular(7.0, 7.0, 7.0).unwrap(),
            Dist::pert(0.9, 1.0, 1.35).unwrap(),
            Dist::lomax(3.0, 1.4).unwrap(),
            Dist::lognormal(2.5, 0.6).unwrap(),
        ];
        for (i, d) in dists.iter().enumerate() {
            let compiled = Sampler::new(d);
            let mut a = Xoshiro256PlusPlus::seed_from_u64(70 + i as u64);
            let mut b = a.clone();
            for _ in 0..10_000 {
                let (x, y) = (d.sample(&mut a), compiled.sample(&mut b));
                assert_eq!(x.to_bits(), y.to_bits(), "{d:?}: {x} vs {y}");
            }
            assert_eq!(compiled.kind, DrawKind::of(d));
        }
    }

    #[test]
    fn small_binomial_counts_follow_the_binomial_distribution() {
        // Every n of the table, and beyond it, at the seed's two probabilities
        // and a small one: each count's frequency within 5 standard errors of
        // its probability.
        let draws = 200_000;
        for p in [0.9, 0.3, 0.02] {
            let table = SmallBinomial::new(p);
            for n in [1u64, 2, 3, 7, 16, 17, 40] {
                let mut rng = Xoshiro256PlusPlus::seed_from_u64(n * 1000 + (p * 100.0) as u64);
                let mut seen = vec![0u64; n as usize + 1];
                for _ in 0..draws {
                    seen[table.sample(&mut rng, n) as usize] += 1;
                }
                let mut pmf = (1.0 - p).powi(n as i32);
                for (k, &count) in seen.iter().enumerate() {
                    let freq = count as f64 / draws as f64;
                    let se = (pmf * (1.0 - pmf) / draws as f64).sqrt();
                    assert!(
                        (freq - pmf).abs() <= 5.0 * se + 1e-12,
                        "Binomial({n}, {p}): P({k}) = {pmf}, seen {freq}"
                    );
                    pmf *= (n - k as u64) as f64 / (k + 1) as f64 * p / (1.0 - p);
                }
            }
        }
    }

    #[test]
    fn small_binomial_edges_take_no_draw_or_the_whole_count() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(9);
        let before = rng.clone();
        for p in [0.0, 1.0, 0.3] {
            assert_eq!(SmallBinomial::new(p).sample(&mut rng, 0), 0);
        }
        assert_eq!(SmallBinomial::new(0.0).sample(&mut rng, 12), 0);
        assert_eq!(SmallBinomial::new(1.0).sample(&mut rng, 12), 12);
        // None of these consumed a draw.
        assert_eq!(rng, before);
    }
}
