//! Counting the draws a trial makes, by kind, for the benchmarks' floor: the time
//! of a trial is compared with the sum of the per-draw costs of the draws it made.
//!
//! The trial is generic over a [`Tally`]; [`super::Model::trial`] passes `()`, whose
//! methods are empty and vanish after inlining, so counting costs nothing when it is
//! not asked for. This module only counts: it never draws.

use crate::dist::{
    BINOMIAL_BERNOULLI_MAX_N, BINOMIAL_INVERSION_MAX_MEAN, BINOMIAL_INVERSION_MAX_N, Dist,
    POISSON_INVERSION_MAX_MEAN,
};

/// The kinds of draw a trial makes. Poisson and binomial draws are split by mean,
/// because an inversion's cost grows with the mean.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum DrawKind {
    /// One uniform in [0, 1).
    Uniform,
    /// One standard normal (also a lognormal compared in logs, without `exp`).
    Normal,
    /// A lognormal: a normal and an `exp`.
    Lognormal,
    /// The frailty gamma (shape >= 1: Marsaglia-Tsang).
    Gamma,
    /// A PERT: two gamma draws.
    Pert,
    Triangular,
    Lomax,
    /// Any other scenario distribution (beta, truncated normal, constant).
    OtherDist,
    /// Poisson by inversion, mean below 2.
    PoissonBelow2,
    /// Poisson by inversion, mean in [2, 6).
    PoissonBelow6,
    /// Poisson, mean in [6, 12): rand_distr's product of uniforms.
    PoissonInversionHigh,
    /// Poisson, mean 12 and above: rand_distr's rejection.
    PoissonRejection,
    /// One Bernoulli trial of a binomial of few trials: a raw 64-bit draw compared
    /// with a threshold.
    Bernoulli,
    /// Binomial by inversion, n x min(p, 1 - p) below 1.
    BinomialBelow1,
    /// Binomial by inversion, n x min(p, 1 - p) at least 1.
    BinomialInversionHigh,
    /// Binomial by BTPE.
    BinomialRejection,
    /// Binomial of at most 16 trials from a table of CDFs: one uniform and a
    /// count over a row (`model::SmallBinomial`).
    BinomialTable,
    /// One raw 64-bit word of a batch's stream: a trial's key for its shared or
    /// a strategy's own substreams (`model::stream`).
    Word,
}

impl DrawKind {
    pub const ALL: [DrawKind; 18] = [
        DrawKind::Uniform,
        DrawKind::Normal,
        DrawKind::Lognormal,
        DrawKind::Gamma,
        DrawKind::Pert,
        DrawKind::Triangular,
        DrawKind::Lomax,
        DrawKind::OtherDist,
        DrawKind::PoissonBelow2,
        DrawKind::PoissonBelow6,
        DrawKind::PoissonInversionHigh,
        DrawKind::PoissonRejection,
        DrawKind::Bernoulli,
        DrawKind::BinomialBelow1,
        DrawKind::BinomialInversionHigh,
        DrawKind::BinomialRejection,
        DrawKind::BinomialTable,
        DrawKind::Word,
    ];

    pub fn id(self) -> &'static str {
        match self {
            DrawKind::Uniform => "uniform",
            DrawKind::Normal => "normal",
            DrawKind::Lognormal => "lognormal",
            DrawKind::Gamma => "gamma",
            DrawKind::Pert => "pert",
            DrawKind::Triangular => "triangular",
            DrawKind::Lomax => "lomax",
            DrawKind::OtherDist => "other_dist",
            DrawKind::PoissonBelow2 => "poisson_mean_below_2",
            DrawKind::PoissonBelow6 => "poisson_mean_2_to_6",
            DrawKind::PoissonInversionHigh => "poisson_mean_6_to_12",
            DrawKind::PoissonRejection => "poisson_mean_12_up",
            DrawKind::Bernoulli => "bernoulli_trial",
            DrawKind::BinomialBelow1 => "binomial_mean_below_1",
            DrawKind::BinomialInversionHigh => "binomial_mean_1_to_10",
            DrawKind::BinomialRejection => "binomial_btpe",
            DrawKind::BinomialTable => "binomial_small_n_table",
            DrawKind::Word => "raw_word",
        }
    }

    /// The kind of one draw of `dist`.
    pub fn of(dist: &Dist) -> DrawKind {
        match dist {
            Dist::Uniform(_) => DrawKind::Uniform,
            Dist::Triangular(_) => DrawKind::Triangular,
            Dist::Pert(_) => DrawKind::Pert,
            Dist::Lognormal(_) => DrawKind::Lognormal,
            Dist::Normal(normal) if normal.is_untruncated() => DrawKind::Normal,
            Dist::Lomax(_) => DrawKind::Lomax,
            Dist::Constant { .. } | Dist::Normal(_) | Dist::Beta(_) => DrawKind::OtherDist,
        }
    }
}

/// Receives one call per draw of a trial.
pub trait Tally {
    fn draw(&mut self, kind: DrawKind);

    #[inline(always)]
    fn dist(&mut self, dist: &Dist) {
        self.draw(DrawKind::of(dist));
    }

    /// A Poisson draw at `mean` (no draw at all for a zero mean).
    #[inline(always)]
    fn poisson(&mut self, mean: f64) {
        if !mean.is_finite() || mean <= 0.0 {
            return;
        }
        self.draw(if mean < 2.0 {
            DrawKind::PoissonBelow2
        } else if mean < POISSON_INVERSION_MAX_MEAN {
            DrawKind::PoissonBelow6
        } else if mean < 12.0 {
            DrawKind::PoissonInversionHigh
        } else {
            DrawKind::PoissonRejection
        });
    }

    /// A binomial draw of `n` trials at `p` (no draw for n = 0, p <= 0 or p >= 1).
    /// A [`super::SmallBinomial`] draw of `n` trials.
    #[inline(always)]
    fn small_binomial(&mut self, table: &super::SmallBinomial, n: u64) {
        if table.tabled(n) {
            self.draw(DrawKind::BinomialTable);
        } else {
            self.binomial(n, table.p());
        }
    }

    #[inline(always)]
    fn binomial(&mut self, n: u64, p: f64) {
        if n == 0 || p.is_nan() || p <= 0.0 || p >= 1.0 {
            return;
        }
        if n <= BINOMIAL_BERNOULLI_MAX_N {
            for _ in 0..n {
                self.draw(DrawKind::Bernoulli);
            }
            return;
        }
        let mean = n as f64 * p.min(1.0 - p);
        self.draw(
            if mean > BINOMIAL_INVERSION_MAX_MEAN || n > BINOMIAL_INVERSION_MAX_N {
                DrawKind::BinomialRejection
            } else if mean < 1.0 {
                DrawKind::BinomialBelow1
            } else {
                DrawKind::BinomialInversionHigh
            },
        );
    }
}

/// Counts nothing: what [`super::Model::trial`] uses.
impl Tally for () {
    #[inline(always)]
    fn draw(&mut self, _kind: DrawKind) {}
    #[inline(always)]
    fn dist(&mut self, _dist: &Dist) {}
    #[inline(always)]
    fn poisson(&mut self, _mean: f64) {}
    #[inline(always)]
    fn binomial(&mut self, _n: u64, _p: f64) {}
}

/// Draw counts by kind, indexed like [`DrawKind::ALL`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DrawCensus {
    pub counts: [u64; DrawKind::ALL.len()],
}

impl DrawCensus {
    pub fn count(&self, kind: DrawKind) -> u64 {
        self.counts[kind as usize]
    }

    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }
}

impl Tally for DrawCensus {
    #[inline]
    fn draw(&mut self, kind: DrawKind) {
        self.counts[kind as usize] += 1;
    }
}
