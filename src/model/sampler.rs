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
use crate::scenario::Dist;
use crate::scenario::dist::{TriangularInverse, unit};

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
            Dist::Uniform { low, high } => Shape::Uniform {
                low,
                width: high - low,
            },
            Dist::Triangular { min, mode, max } => {
                Shape::Triangular(TriangularInverse::new(min, mode, max))
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
}
