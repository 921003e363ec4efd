//! The Lomax (Pareto type II) distribution on [0, inf), by the inverse CDF.

use rand::Rng;
use rand_distr::Distribution;
use serde::Serialize;

use super::{DistError, open_unit, positive};

/// Lomax: P(X > x) = (1 + x / scale)^-shape.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Lomax {
    shape: f64,
    scale: f64,
}

impl Lomax {
    pub fn new(shape: f64, scale: f64) -> Result<Lomax, DistError> {
        Ok(Lomax {
            shape: positive("shape", shape)?,
            scale: positive("scale", scale)?,
        })
    }

    pub fn shape(&self) -> f64 {
        self.shape
    }

    pub fn scale(&self) -> f64 {
        self.scale
    }

    /// scale / (shape - 1); infinite for shape <= 1.
    pub fn mean(&self) -> f64 {
        if self.shape > 1.0 {
            self.scale / (self.shape - 1.0)
        } else {
            f64::INFINITY
        }
    }

    /// One draw: the inverse CDF on one [`open_unit`], so the draw is always finite.
    /// (A `ln` and an `expm1` instead of the `powf` measured slower.)
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        self.scale * (open_unit(rng).powf(-1.0 / self.shape) - 1.0)
    }
}

impl Distribution<f64> for Lomax {
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        Lomax::sample(self, rng)
    }
}
