//! The classic PERT distribution (lambda = 4): a beta stretched over [min, max],
//! drawn as the ratio of two gamma draws, which is exact and about three times
//! faster than `rand_distr::Pert`.

use rand::Rng;
use rand_distr::Distribution;
use serde::Serialize;

use super::beta::GammaRatio;
use super::{DistError, ordered_triple};

/// PERT on [min, max] with mode `mode`: mean (min + 4 mode + max) / 6.
#[derive(Clone, Debug, Serialize)]
pub struct Pert {
    min: f64,
    mode: f64,
    max: f64,
    #[serde(skip)]
    beta: GammaRatio,
}

impl Pert {
    pub fn new(min: f64, mode: f64, max: f64) -> Result<Pert, DistError> {
        ordered_triple(min, mode, max)?;
        let range = max - min;
        let (alpha, beta) = if range > 0.0 {
            (
                1.0 + 4.0 * (mode - min) / range,
                1.0 + 4.0 * (max - mode) / range,
            )
        } else {
            (3.0, 3.0)
        };
        Ok(Pert {
            min,
            mode,
            max,
            beta: GammaRatio::new(alpha, beta)?,
        })
    }

    pub fn min(&self) -> f64 {
        self.min
    }

    pub fn mode(&self) -> f64 {
        self.mode
    }

    pub fn max(&self) -> f64 {
        self.max
    }

    pub fn mean(&self) -> f64 {
        (self.min + 4.0 * self.mode + self.max) / 6.0
    }

    /// One draw: min + (max - min) x a beta draw (two gamma draws).
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        self.min + (self.max - self.min) * self.beta.sample(rng)
    }
}

impl Distribution<f64> for Pert {
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        Pert::sample(self, rng)
    }
}
