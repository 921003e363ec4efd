//! The triangular distribution on [min, max] with its peak at mode, by the
//! inverse CDF (one uniform draw).

use rand::Rng;
use rand_distr::Distribution;
use serde::Serialize;

use super::{DistError, ordered_triple, unit};

/// Triangular on [min, max] with mode `mode`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Triangular {
    min: f64,
    mode: f64,
    max: f64,
}

impl Triangular {
    pub fn new(min: f64, mode: f64, max: f64) -> Result<Triangular, DistError> {
        ordered_triple(min, mode, max)?;
        Ok(Triangular { min, mode, max })
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
        (self.min + self.mode + self.max) / 3.0
    }

    /// One draw: the inverse CDF at one [`unit()`] draw.
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        triangular_inverse(self.min, self.mode, self.max, unit(rng))
    }
}

impl Distribution<f64> for Triangular {
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        Triangular::sample(self, rng)
    }
}

/// The triangular's inverse CDF at u in [0, 1).
#[inline]
fn triangular_inverse(min: f64, mode: f64, max: f64, u: f64) -> f64 {
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
