//! The uniform distribution on [low, high], by one uniform draw.

use rand::Rng;
use rand_distr::Distribution;
use serde::Serialize;

use super::{DistError, finite, unit};

/// Uniform on [low, high] (low = high gives that value every time).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Uniform {
    low: f64,
    high: f64,
}

impl Uniform {
    pub fn new(low: f64, high: f64) -> Result<Uniform, DistError> {
        finite("low", low)?;
        finite("high", high)?;
        if low > high {
            return Err(DistError::LowAboveHigh { low, high });
        }
        Ok(Uniform { low, high })
    }

    pub fn low(&self) -> f64 {
        self.low
    }

    pub fn high(&self) -> f64 {
        self.high
    }

    pub fn mean(&self) -> f64 {
        0.5 * (self.low + self.high)
    }

    /// One draw: low + (high - low) u, with one [`unit()`] u.
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        self.low + (self.high - self.low) * unit(rng)
    }
}

impl Distribution<f64> for Uniform {
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        Uniform::sample(self, rng)
    }
}
