//! The lognormal distribution, given by its median and sigma or by its 90%
//! interval; drawn as median x exp(sigma z) with z from rand_distr's ziggurat.

use rand::Rng;
use rand_distr::{Distribution, StandardNormal};
use serde::Serialize;

use super::{DistError, finite, non_negative, positive};
use crate::math;

/// z such that P(Z <= z) = 0.95 for a standard normal; used to turn a 90% interval
/// into a lognormal sigma.
pub const Z95: f64 = 1.644_853_626_951_472_2;

/// Lognormal: ln X ~ Normal(ln median, sigma).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Lognormal {
    median: f64,
    sigma: f64,
}

impl Lognormal {
    pub fn new(median: f64, sigma: f64) -> Result<Lognormal, DistError> {
        Ok(Lognormal {
            median: positive("median", median)?,
            sigma: non_negative("sigma", sigma)?,
        })
    }

    /// A lognormal given by its 90% interval: 5% of draws below `p05`, 5% above `p95`.
    pub fn from_interval(p05: f64, p95: f64) -> Result<Lognormal, DistError> {
        finite("p05", p05)?;
        finite("p95", p95)?;
        if !(p05 > 0.0 && p05 <= p95) {
            return Err(DistError::BadInterval { p05, p95 });
        }
        let median = (p05 * p95).sqrt();
        let sigma = (p95 / p05).ln() / (2.0 * Z95);
        Lognormal::new(median, sigma)
    }

    pub fn median(&self) -> f64 {
        self.median
    }

    pub fn sigma(&self) -> f64 {
        self.sigma
    }

    pub fn mean(&self) -> f64 {
        self.median * (0.5 * self.sigma * self.sigma).exp()
    }

    /// One draw: one standard normal z, then median x exp(sigma z).
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let z: f64 = StandardNormal.sample(rng);
        self.median * math::exp(self.sigma * z)
    }
}

impl Distribution<f64> for Lognormal {
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        Lognormal::sample(self, rng)
    }
}
