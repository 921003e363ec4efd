//! The distributions a scenario can write, in the shapes estimators think in.
//!
//! Owns construction (`Dist::new_*`, each checking its parameters and returning a
//! typed error) and sampling. It must not know about TOML or key paths: the reader
//! in `scenario::read` turns a written table into one of these and attaches the
//! location to any error.
//!
//! Samplers are chosen for exactness first and speed second. Triangular, uniform,
//! Lomax and truncated normal use the inverse CDF (one uniform each); PERT and
//! beta use the ratio of two gamma draws, which is exact and about three times
//! faster than `rand_distr::Pert`.

use rand::Rng;
use rand_distr::{Distribution, Gamma, StandardNormal};
use serde::Serialize;

/// z such that P(Z <= z) = 0.95 for a standard normal; used to turn a 90% interval
/// into a lognormal sigma.
pub const Z95: f64 = 1.644_853_626_951_472_2;

/// A validated univariate distribution.
///
/// Serializes as the parameters the user wrote (resolved: a lognormal given by its
/// 90% interval serializes by median and sigma), so a manifest can rebuild it.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Dist {
    Constant {
        value: f64,
    },
    Uniform {
        low: f64,
        high: f64,
    },
    Triangular {
        min: f64,
        mode: f64,
        max: f64,
    },
    Pert {
        min: f64,
        mode: f64,
        max: f64,
        #[serde(skip)]
        beta: BetaSampler,
    },
    Lognormal {
        median: f64,
        sigma: f64,
    },
    Normal {
        mean: f64,
        std_dev: f64,
        min: Option<f64>,
        max: Option<f64>,
        /// CDF of the standard normal at the truncation points, precomputed.
        #[serde(skip)]
        cdf_bounds: (f64, f64),
    },
    Beta {
        alpha: f64,
        beta: f64,
        #[serde(skip)]
        sampler: BetaSampler,
    },
    Lomax {
        shape: f64,
        scale: f64,
    },
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
        finite("low", low)?;
        finite("high", high)?;
        if low > high {
            return Err(DistError::LowAboveHigh { low, high });
        }
        Ok(Dist::Uniform { low, high })
    }

    pub fn triangular(min: f64, mode: f64, max: f64) -> Result<Dist, DistError> {
        ordered_triple(min, mode, max)?;
        Ok(Dist::Triangular { min, mode, max })
    }

    /// The classic PERT (lambda = 4): a beta on [min, max] with mean (min + 4 mode + max) / 6.
    pub fn pert(min: f64, mode: f64, max: f64) -> Result<Dist, DistError> {
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
        Ok(Dist::Pert {
            min,
            mode,
            max,
            beta: BetaSampler::new(alpha, beta)?,
        })
    }

    pub fn lognormal(median: f64, sigma: f64) -> Result<Dist, DistError> {
        Ok(Dist::Lognormal {
            median: positive("median", median)?,
            sigma: non_negative("sigma", sigma)?,
        })
    }

    /// A lognormal given by its 90% interval: 5% of draws below `p05`, 5% above `p95`.
    pub fn lognormal_from_interval(p05: f64, p95: f64) -> Result<Dist, DistError> {
        finite("p05", p05)?;
        finite("p95", p95)?;
        if !(p05 > 0.0 && p05 <= p95) {
            return Err(DistError::BadInterval { p05, p95 });
        }
        let median = (p05 * p95).sqrt();
        let sigma = (p95 / p05).ln() / (2.0 * Z95);
        Dist::lognormal(median, sigma)
    }

    /// A normal, optionally truncated to [min, max] (sampled by the inverse CDF).
    pub fn normal(
        mean: f64,
        std_dev: f64,
        min: Option<f64>,
        max: Option<f64>,
    ) -> Result<Dist, DistError> {
        finite("mean", mean)?;
        non_negative("std_dev", std_dev)?;
        let lo = min.map(|m| finite("min", m)).transpose()?;
        let hi = max.map(|m| finite("max", m)).transpose()?;
        if let (Some(lo), Some(hi)) = (lo, hi)
            && lo > hi
        {
            return Err(DistError::MinAboveMax { min: lo, max: hi });
        }
        let cdf_at = |x: Option<f64>, default: f64| match x {
            Some(x) if std_dev > 0.0 => normal_cdf((x - mean) / std_dev),
            Some(x) => {
                if x < mean {
                    0.0
                } else {
                    1.0
                }
            }
            None => default,
        };
        let cdf_bounds = (cdf_at(lo, 0.0), cdf_at(hi, 1.0));
        let mass = cdf_bounds.1 - cdf_bounds.0;
        if (lo.is_some() || hi.is_some()) && std_dev > 0.0 && mass < 1e-6 {
            return Err(DistError::TruncationTooNarrow {
                min: lo.unwrap_or(f64::NEG_INFINITY),
                max: hi.unwrap_or(f64::INFINITY),
                mass,
            });
        }
        if std_dev == 0.0 && (lo.is_some_and(|lo| mean < lo) || hi.is_some_and(|hi| mean > hi)) {
            return Err(DistError::TruncationTooNarrow {
                min: lo.unwrap_or(f64::NEG_INFINITY),
                max: hi.unwrap_or(f64::INFINITY),
                mass: 0.0,
            });
        }
        Ok(Dist::Normal {
            mean,
            std_dev,
            min: lo,
            max: hi,
            cdf_bounds,
        })
    }

    pub fn beta(alpha: f64, beta: f64) -> Result<Dist, DistError> {
        positive("alpha", alpha)?;
        positive("beta", beta)?;
        Ok(Dist::Beta {
            alpha,
            beta,
            sampler: BetaSampler::new(alpha, beta)?,
        })
    }

    /// Lomax (Pareto type II) on [0, inf): P(X > x) = (1 + x / scale)^-shape.
    pub fn lomax(shape: f64, scale: f64) -> Result<Dist, DistError> {
        Ok(Dist::Lomax {
            shape: positive("shape", shape)?,
            scale: positive("scale", scale)?,
        })
    }

    /// The smallest and largest value a draw can take (infinite where unbounded).
    pub fn support(&self) -> (f64, f64) {
        match *self {
            Dist::Constant { value } => (value, value),
            Dist::Uniform { low, high } => (low, high),
            Dist::Triangular { min, max, .. } | Dist::Pert { min, max, .. } => (min, max),
            Dist::Lognormal { sigma, median } => {
                if sigma == 0.0 {
                    (median, median)
                } else {
                    (0.0, f64::INFINITY)
                }
            }
            Dist::Normal {
                mean,
                std_dev,
                min,
                max,
                ..
            } => {
                if std_dev == 0.0 {
                    (mean, mean)
                } else {
                    (
                        min.unwrap_or(f64::NEG_INFINITY),
                        max.unwrap_or(f64::INFINITY),
                    )
                }
            }
            Dist::Beta { .. } => (0.0, 1.0),
            Dist::Lomax { .. } => (0.0, f64::INFINITY),
        }
    }

    /// The exact mean (infinite for a Lomax with shape <= 1).
    pub fn mean(&self) -> f64 {
        match *self {
            Dist::Constant { value } => value,
            Dist::Uniform { low, high } => 0.5 * (low + high),
            Dist::Triangular { min, mode, max } => (min + mode + max) / 3.0,
            Dist::Pert { min, mode, max, .. } => (min + 4.0 * mode + max) / 6.0,
            Dist::Lognormal { median, sigma } => median * (0.5 * sigma * sigma).exp(),
            Dist::Normal {
                mean,
                std_dev,
                min,
                max,
                cdf_bounds: (fa, fb),
            } => {
                if std_dev == 0.0 || (min.is_none() && max.is_none()) {
                    return mean;
                }
                let pdf_at = |x: Option<f64>| x.map_or(0.0, |x| normal_pdf((x - mean) / std_dev));
                mean + std_dev * (pdf_at(min) - pdf_at(max)) / (fb - fa)
            }
            Dist::Beta { alpha, beta, .. } => alpha / (alpha + beta),
            Dist::Lomax { shape, scale } => {
                if shape > 1.0 {
                    scale / (shape - 1.0)
                } else {
                    f64::INFINITY
                }
            }
        }
    }

    /// One draw.
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Dist::Constant { value } => *value,
            Dist::Uniform { low, high } => low + (high - low) * unit(rng),
            Dist::Triangular { min, mode, max } => triangular_inverse(*min, *mode, *max, unit(rng)),
            Dist::Pert { min, max, beta, .. } => min + (max - min) * beta.sample(rng),
            Dist::Lognormal { median, sigma } => {
                let z: f64 = StandardNormal.sample(rng);
                median * crate::math::exp(sigma * z)
            }
            Dist::Normal {
                mean,
                std_dev,
                min,
                max,
                cdf_bounds: (fa, fb),
            } => {
                if min.is_none() && max.is_none() {
                    let z: f64 = StandardNormal.sample(rng);
                    mean + std_dev * z
                } else if *std_dev == 0.0 {
                    *mean
                } else {
                    // Invert in the tail the interval lies in: near the upper tail,
                    // through the survival function, where probabilities keep their
                    // precision (1 - F would round to 0 and the quantile to +inf).
                    let u = open_unit(rng);
                    let z = if *fa > 0.5 {
                        let (sa, sb) = (1.0 - fa, 1.0 - fb);
                        let upper_tail = |x: Option<f64>, default: f64| {
                            x.map_or(default, |x| normal_cdf(-(x - mean) / std_dev))
                        };
                        let (sa, sb) = (upper_tail(*min, sa), upper_tail(*max, sb));
                        -normal_quantile(sa - (sa - sb) * u)
                    } else {
                        normal_quantile(fa + (fb - fa) * u)
                    };
                    let x = mean + std_dev * z;
                    if x.is_finite() {
                        x.clamp(min.unwrap_or(f64::MIN), max.unwrap_or(f64::MAX))
                    } else {
                        // Only reachable beyond ~37 standard deviations: the bound itself.
                        min.or(*max).unwrap_or(*mean)
                    }
                }
            }
            Dist::Beta { sampler, .. } => sampler.sample(rng),
            Dist::Lomax { shape, scale } => {
                // Inverse CDF on an open uniform, so the draw is always finite.
                // (A `ln` and an `expm1` instead of the `powf` measured slower.)
                scale * (open_unit(rng).powf(-1.0 / shape) - 1.0)
            }
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

/// The triangular's inverse CDF at u in [0, 1).
#[inline]
pub(crate) fn triangular_inverse(min: f64, mode: f64, max: f64, u: f64) -> f64 {
    TriangularInverse::new(min, mode, max).at(u)
}

/// The triangular's inverse CDF with the division and the differences done once,
/// for samplers that draw the same triangular many times.
#[derive(Clone, Copy, Debug)]
pub struct TriangularInverse {
    /// The end each side starts from: max for u above the split, min below it.
    ends: [f64; 2],
    /// max - mode above the split, mode - min below it.
    spans: [f64; 2],
    range: f64,
    /// (mode - min) / range: the CDF at the mode.
    split: f64,
}

impl TriangularInverse {
    #[inline]
    pub fn new(min: f64, mode: f64, max: f64) -> TriangularInverse {
        let range = max - min;
        TriangularInverse {
            ends: [max, min],
            spans: [max - mode, mode - min],
            range,
            // A degenerate triangular (min = max) always gives min.
            split: if range > 0.0 {
                (mode - min) / range
            } else {
                2.0
            },
        }
    }

    /// The value at u: min + sqrt(u range (mode - min)) below the split, max -
    /// sqrt((1 - u) range (max - mode)) above it.
    ///
    /// Which side u falls on is a coin toss, which a branch would mispredict half
    /// the time, and the compiler turns any `if` between doubles into a branch
    /// (baseline x86-64 has no branch-free select of a double). So the side
    /// indexes the ends and spans, and flips two sign bits: 1 - u = -(u - 1) and
    /// max - root = max + (-root), all exact, so the value is bit for bit the
    /// formula's (except that a triangular fixed at -0 gives +0).
    #[inline(always)]
    pub fn at(&self, u: f64) -> f64 {
        let below = u < self.split;
        let side = usize::from(below);
        let flip = u64::from(!below) << 63;
        let w = f64::from_bits((u - f64::from(u8::from(!below))).to_bits() ^ flip);
        let root = (w * self.range * self.spans[side]).sqrt();
        self.ends[side] + f64::from_bits(root.to_bits() ^ flip)
    }
}

/// Beta(alpha, beta) as X / (X + Y) with X ~ Gamma(alpha), Y ~ Gamma(beta).
#[derive(Clone, Debug)]
pub struct BetaSampler {
    x: Gamma<f64>,
    y: Gamma<f64>,
}

impl BetaSampler {
    fn new(alpha: f64, beta: f64) -> Result<Self, DistError> {
        let gamma = |shape: f64, name| {
            Gamma::new(shape, 1.0).map_err(|_| DistError::NotPositive { name, value: shape })
        };
        Ok(BetaSampler {
            x: gamma(alpha, "alpha")?,
            y: gamma(beta, "beta")?,
        })
    }

    #[inline]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let x = self.x.sample(rng);
        let y = self.y.sample(rng);
        let total = x + y;
        if total > 0.0 { x / total } else { 0.5 }
    }
}

/// Poisson means below this are drawn by inversion (one uniform); larger ones by
/// `rand_distr::Poisson` (Knuth's product of uniforms below 12, Ahrens-Dieter PD
/// rejection above), which the benchmarks found cheaper from a mean of about 6.
pub const POISSON_INVERSION_MAX_MEAN: f64 = 6.0;

/// Binomials with n x min(p, 1 - p) up to this (and n up to
/// [`BINOMIAL_INVERSION_MAX_N`]) are drawn by inversion (one uniform); larger ones by
/// rand_distr's BTPE.
pub const BINOMIAL_INVERSION_MAX_MEAN: f64 = 10.0;
/// Up to this n, a binomial is drawn as n Bernoulli trials of one raw draw each.
pub const BINOMIAL_BERNOULLI_MAX_N: u64 = 16;
/// Above this n, q^n could underflow, so the inversion is not used.
pub const BINOMIAL_INVERSION_MAX_N: u64 = 1000;

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

/// The smallest k with u < F(k), the Poisson CDF at `mean`, by sequential search
/// from k = 0 (P(0) = exp(-mean), P(k) = P(k - 1) x mean / k). The search stops
/// once a term falls below 2^-60 of the sum, so a u within rounding of 1
/// (probability about 1e-16) returns a count far in the tail instead of looping.
#[inline(always)]
fn poisson_search(u: f64, mean: f64) -> u64 {
    let mut term = crate::math::exp(-mean);
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

/// A standard normal draw (rand_distr's ziggurat).
#[inline]
pub fn standard_normal<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    StandardNormal.sample(rng)
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

/// Standard normal density.
pub fn normal_pdf(z: f64) -> f64 {
    (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt()
}

/// Standard normal CDF, accurate to double precision in both tails (via erfc).
pub fn normal_cdf(z: f64) -> f64 {
    0.5 * libm::erfc(-z / std::f64::consts::SQRT_2)
}

/// Standard normal quantile: Acklam's rational approximation (relative error
/// 1.15e-9) refined by one Halley step against `normal_cdf`, giving near full
/// double precision. `p` must lie in (0, 1).
pub fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    const P_LOW: f64 = 0.02425;
    let x = if p < P_LOW {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - P_LOW {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        let q = (-2.0 * (1.0 - p).ln()).sqrt();
        -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    // One Halley step.
    let e = normal_cdf(x) - p;
    let u = e * (2.0 * std::f64::consts::PI).sqrt() * (0.5 * x * x).exp();
    x - u / (1.0 + 0.5 * x * u)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_quantile_inverts_the_cdf() {
        for &p in &[1e-12, 1e-6, 0.01, 0.025, 0.3, 0.5, 0.7, 0.975, 0.999_999] {
            let z = normal_quantile(p);
            assert!(
                (normal_cdf(z) - p).abs() <= 1e-12 * p.max(1e-3),
                "p {p} z {z}"
            );
        }
        assert!((normal_quantile(0.95) - Z95).abs() < 1e-12);
    }

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
        let Dist::Lognormal { median, sigma } = Dist::lognormal_from_interval(2.0, 8.0).unwrap()
        else {
            panic!("not a lognormal")
        };
        assert!((median - 4.0).abs() < 1e-12);
        assert!((normal_cdf((2f64.ln() - median.ln()) / sigma) - 0.05).abs() < 1e-12);
    }
}
