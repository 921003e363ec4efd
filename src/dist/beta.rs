//! The beta distribution on [0, 1], as the ratio of two gamma draws (exact); also
//! the engine of [`super::Pert`].

use rand::Rng;
use rand_distr::{Distribution, Gamma};
use serde::Serialize;

use super::{DistError, positive};

/// Beta(alpha, beta) on [0, 1].
#[derive(Clone, Debug, Serialize)]
pub struct Beta {
    alpha: f64,
    beta: f64,
    #[serde(skip)]
    sampler: GammaRatio,
}

impl Beta {
    pub fn new(alpha: f64, beta: f64) -> Result<Beta, DistError> {
        positive("alpha", alpha)?;
        positive("beta", beta)?;
        Ok(Beta {
            alpha,
            beta,
            sampler: GammaRatio::new(alpha, beta)?,
        })
    }

    pub fn alpha(&self) -> f64 {
        self.alpha
    }

    pub fn beta(&self) -> f64 {
        self.beta
    }

    pub fn mean(&self) -> f64 {
        self.alpha / (self.alpha + self.beta)
    }

    /// One draw: X / (X + Y) from two gamma draws, X ~ Gamma(alpha) first.
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        self.sampler.sample(rng)
    }
}

impl Distribution<f64> for Beta {
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        Beta::sample(self, rng)
    }
}

/// Beta(alpha, beta) as X / (X + Y) with X ~ Gamma(alpha), Y ~ Gamma(beta): X is
/// drawn first, then Y.
#[derive(Clone, Debug)]
pub struct GammaRatio {
    x: Gamma<f64>,
    y: Gamma<f64>,
}

impl GammaRatio {
    pub(super) fn new(alpha: f64, beta: f64) -> Result<Self, DistError> {
        let gamma = |shape: f64, name| {
            Gamma::new(shape, 1.0).map_err(|_| DistError::NotPositive { name, value: shape })
        };
        Ok(GammaRatio {
            x: gamma(alpha, "alpha")?,
            y: gamma(beta, "beta")?,
        })
    }

    #[inline]
    pub(super) fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let x = self.x.sample(rng);
        let y = self.y.sample(rng);
        let total = x + y;
        if total > 0.0 { x / total } else { 0.5 }
    }
}
