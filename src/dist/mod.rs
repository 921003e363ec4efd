//! The distributions a scenario can write, one type per distribution as in
//! rand_distr ([`Uniform`], [`Triangular`], [`Pert`], [`Lognormal`], [`Normal`],
//! [`Beta`], [`Lomax`]), each with `new(..) -> Result` that checks its parameters;
//! [`Dist`], the one a scenario key holds; and the count samplers a trial draws
//! with a changing mean ([`poisson_count`], [`binomial_count`]).
//!
//! A bottom layer: it knows only [`crate::math`], never TOML, key paths, scenarios
//! or trials. The reader in `scenario` turns a written table into a [`Dist`] and
//! attaches the location to any [`DistError`].
//!
//! Samplers are chosen for exactness first and speed second. Triangular, uniform,
//! Lomax and truncated normal use the inverse CDF (one uniform each); PERT and
//! beta use the ratio of two gamma draws, which is exact and about three times
//! faster than `rand_distr::Pert`. Every draw's sequence of generator calls is
//! part of the contract: changing it changes every output file.

mod beta;
mod binomial;
mod lognormal;
mod lomax;
mod normal;
mod pert;
mod poisson;
mod triangular;
mod uniform;

pub use beta::Beta;
pub use binomial::{
    BINOMIAL_BERNOULLI_MAX_N, BINOMIAL_INVERSION_MAX_MEAN, BINOMIAL_INVERSION_MAX_N, binomial_count,
};
pub use lognormal::{Lognormal, Z95};
pub use lomax::Lomax;
pub use normal::{Normal, normal_cdf, normal_pdf, normal_quantile, standard_normal};
pub use pert::Pert;
pub use poisson::{
    POISSON_INVERSION_MAX_MEAN, POISSON_LANES, poisson_count, poisson_count_sequential,
};
pub use triangular::{Triangular, TriangularInverse};
pub use uniform::Uniform;

use rand::Rng;
use serde::Serialize;

/// A validated univariate distribution: what one scenario key holds.
///
/// Serializes as the parameters the user wrote (resolved: a lognormal given by its
/// 90% interval serializes by median and sigma), so a manifest can rebuild it.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Dist {
    Constant { value: f64 },
    Uniform(Uniform),
    Triangular(Triangular),
    Pert(Pert),
    Lognormal(Lognormal),
    Normal(Normal),
    Beta(Beta),
    Lomax(Lomax),
}

/// Why a set of distribution parameters was refused. Messages say what is allowed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DistError {
    #[error("{name} must be a finite number, got {value}")]
    NotFinite { name: &'static str, value: f64 },
    #[error("{name} must be > 0, got {value}")]
    NotPositive { name: &'static str, value: f64 },
    #[error("{name} must be >= 0, got {value}")]
    Negative { name: &'static str, value: f64 },
    #[error("min must not be above max, got min {min} and max {max}")]
    MinAboveMax { min: f64, max: f64 },
    #[error("mode must lie within [min, max] = [{min}, {max}], got {mode}")]
    ModeOutside { min: f64, mode: f64, max: f64 },
    #[error("low must not be above high, got low {low} and high {high}")]
    LowAboveHigh { low: f64, high: f64 },
    #[error("the 5th percentile must be > 0 and below the 95th, got p05 {p05} and p95 {p95}")]
    BadInterval { p05: f64, p95: f64 },
    #[error(
        "the truncation interval [{min}, {max}] holds too little of the normal's mass ({mass:.2e}); it must hold at least 1e-6"
    )]
    TruncationTooNarrow { min: f64, max: f64, mass: f64 },
}

fn finite(name: &'static str, value: f64) -> Result<f64, DistError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(DistError::NotFinite { name, value })
    }
}

fn positive(name: &'static str, value: f64) -> Result<f64, DistError> {
    finite(name, value)?;
    if value > 0.0 {
        Ok(value)
    } else {
        Err(DistError::NotPositive { name, value })
    }
}

fn non_negative(name: &'static str, value: f64) -> Result<f64, DistError> {
    finite(name, value)?;
    if value >= 0.0 {
        Ok(value)
    } else {
        Err(DistError::Negative { name, value })
    }
}

fn ordered_triple(min: f64, mode: f64, max: f64) -> Result<(), DistError> {
    finite("min", min)?;
    finite("mode", mode)?;
    finite("max", max)?;
    if min > max {
        return Err(DistError::MinAboveMax { min, max });
    }
    if !(min..=max).contains(&mode) {
        return Err(DistError::ModeOutside { min, mode, max });
    }
    Ok(())
}

impl Dist {
    pub fn constant(value: f64) -> Result<Dist, DistError> {
        Ok(Dist::Constant {
            value: finite("value", value)?,
        })
    }

    pub fn uniform(low: f64, high: f64) -> Result<Dist, DistError> {
        Uniform::new(low, high).map(Dist::Uniform)
    }

    pub fn triangular(min: f64, mode: f64, max: f64) -> Result<Dist, DistError> {
        Triangular::new(min, mode, max).map(Dist::Triangular)
    }

    /// The classic PERT (lambda = 4): a beta on [min, max] with mean (min + 4 mode + max) / 6.
    pub fn pert(min: f64, mode: f64, max: f64) -> Result<Dist, DistError> {
        Pert::new(min, mode, max).map(Dist::Pert)
    }

    pub fn lognormal(median: f64, sigma: f64) -> Result<Dist, DistError> {
        Lognormal::new(median, sigma).map(Dist::Lognormal)
    }

    /// A lognormal given by its 90% interval: 5% of draws below `p05`, 5% above `p95`.
    pub fn lognormal_from_interval(p05: f64, p95: f64) -> Result<Dist, DistError> {
        Lognormal::from_interval(p05, p95).map(Dist::Lognormal)
    }

    /// A normal, optionally truncated to [min, max] (sampled by the inverse CDF).
    pub fn normal(
        mean: f64,
        std_dev: f64,
        min: Option<f64>,
        max: Option<f64>,
    ) -> Result<Dist, DistError> {
        Normal::new(mean, std_dev, min, max).map(Dist::Normal)
    }

    pub fn beta(alpha: f64, beta: f64) -> Result<Dist, DistError> {
        Beta::new(alpha, beta).map(Dist::Beta)
    }

    /// Lomax (Pareto type II) on [0, inf): P(X > x) = (1 + x / scale)^-shape.
    pub fn lomax(shape: f64, scale: f64) -> Result<Dist, DistError> {
        Lomax::new(shape, scale).map(Dist::Lomax)
    }

    /// The smallest and largest value a draw can take (infinite where unbounded).
    pub fn support(&self) -> (f64, f64) {
        match self {
            Dist::Constant { value } => (*value, *value),
            Dist::Uniform(d) => (d.low(), d.high()),
            Dist::Triangular(d) => (d.min(), d.max()),
            Dist::Pert(d) => (d.min(), d.max()),
            Dist::Lognormal(d) => {
                if d.sigma() == 0.0 {
                    (d.median(), d.median())
                } else {
                    (0.0, f64::INFINITY)
                }
            }
            Dist::Normal(d) => d.support(),
            Dist::Beta(_) => (0.0, 1.0),
            Dist::Lomax(_) => (0.0, f64::INFINITY),
        }
    }

    /// The exact mean (infinite for a Lomax with shape <= 1).
    pub fn mean(&self) -> f64 {
        match self {
            Dist::Constant { value } => *value,
            Dist::Uniform(d) => d.mean(),
            Dist::Triangular(d) => d.mean(),
            Dist::Pert(d) => d.mean(),
            Dist::Lognormal(d) => d.mean(),
            Dist::Normal(d) => d.mean(),
            Dist::Beta(d) => d.mean(),
            Dist::Lomax(d) => d.mean(),
        }
    }

    /// One draw, by the distribution's own sampler (a constant draws nothing).
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Dist::Constant { value } => *value,
            Dist::Uniform(d) => d.sample(rng),
            Dist::Triangular(d) => d.sample(rng),
            Dist::Pert(d) => d.sample(rng),
            Dist::Lognormal(d) => d.sample(rng),
            Dist::Normal(d) => d.sample(rng),
            Dist::Beta(d) => d.sample(rng),
            Dist::Lomax(d) => d.sample(rng),
        }
    }
}

/// A uniform draw in [0, 1) with 53 random bits.
#[inline]
pub fn unit<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// A uniform draw in (0, 1): never exactly 0, so logs and negative powers stay finite.
#[inline]
pub fn open_unit<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    ((rng.next_u64() >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
}

/// 1 / k for k < 64 (index 0 unused): the Poisson and binomial inversions multiply
/// by these instead of dividing (the product differs from the quotient by at most
/// an ulp).
const RECIPROCALS: [f64; 64] = {
    let mut t = [0.0; 64];
    let mut k = 1;
    while k < 64 {
        t[k] = 1.0 / k as f64;
        k += 1;
    }
    t
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pert_mean_is_the_classic_formula() {
        let d = Dist::pert(0.9, 1.0, 1.35).unwrap();
        assert!((d.mean() - (0.9 + 4.0 + 1.35) / 6.0).abs() < 1e-15);
    }

    #[test]
    fn rejects_mode_outside_range_and_min_above_max() {
        assert!(matches!(
            Dist::triangular(1.0, 5.0, 4.0),
            Err(DistError::ModeOutside { .. })
        ));
        assert!(matches!(
            Dist::pert(5.0, 5.0, 4.0),
            Err(DistError::MinAboveMax { .. })
        ));
        assert!(matches!(
            Dist::lognormal(1.0, -0.1),
            Err(DistError::Negative { .. })
        ));
        assert!(matches!(
            Dist::uniform(f64::NAN, 1.0),
            Err(DistError::NotFinite { .. })
        ));
    }

    #[test]
    fn interval_lognormal_puts_five_percent_beyond_each_end() {
        let d = Lognormal::from_interval(2.0, 8.0).unwrap();
        let (median, sigma) = (d.median(), d.sigma());
        assert!((median - 4.0).abs() < 1e-12);
        assert!((normal_cdf((2f64.ln() - median.ln()) / sigma) - 0.05).abs() < 1e-12);
    }
}
