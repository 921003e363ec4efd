//! The two loops that summarise a block, once in plain Rust and once in AVX2
//! instructions, with the same results bit for bit.
//!
//! A block's statistics are sums, squares, extremes and pairwise comparisons over
//! 1,024 values per column, about a hundred columns and two hundred pairs of them.
//! Written as plain loops in lanes, LLVM vectorizes them poorly (it repacks every
//! comparison mask through narrower integers), and the summary came to about three
//! quarters of the sampling time. The AVX2 versions say what to do directly.
//!
//! Both versions keep [`LANES`] running figures, value i of a block in lane
//! i mod 8, and work whole chunks of eight values only; the few values left over
//! are added by one shared path, and the lanes reduced by [`total`]. Each lane
//! sees the same IEEE operations in the same order (a multiply and an add are
//! never fused), so the choice of version, made at run time from what the
//! processor offers, never changes an output. A unit test holds them to that.

/// Running figures per statistic: value i of a block goes to lane i mod LANES.
pub(super) const LANES: usize = 8;

/// The lanes added pairwise, in a fixed order.
#[inline(always)]
pub(super) fn total(v: [f64; LANES]) -> f64 {
    ((v[0] + v[1]) + (v[2] + v[3])) + ((v[4] + v[5]) + (v[6] + v[7]))
}

/// A column's running figures: sums, and the sums and squares
/// of deviations from `shift`; extremes, and the smallest value above zero.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct ColumnLanes {
    pub sum: [f64; LANES],
    pub dev: [f64; LANES],
    pub squares: [f64; LANES],
    pub lo: [f64; LANES],
    pub hi: [f64; LANES],
    pub positive: [f64; LANES],
}

impl ColumnLanes {
    fn new() -> ColumnLanes {
        ColumnLanes {
            sum: [0.0; LANES],
            dev: [0.0; LANES],
            squares: [0.0; LANES],
            lo: [f64::INFINITY; LANES],
            hi: [f64::NEG_INFINITY; LANES],
            positive: [f64::INFINITY; LANES],
        }
    }

    /// Adds one value to lane `l`: what either version does per value.
    #[inline(always)]
    fn add(&mut self, l: usize, x: f64, shift: f64) {
        let y = x - shift;
        self.sum[l] += x;
        self.dev[l] += y;
        self.squares[l] += y * y;
        // min and max as the processor's minpd and maxpd define them: a NaN
        // leaves the running figure as it is.
        self.lo[l] = if x < self.lo[l] { x } else { self.lo[l] };
        self.hi[l] = if x > self.hi[l] { x } else { self.hi[l] };
        let p = if x > 0.0 { x } else { f64::INFINITY };
        self.positive[l] = if p < self.positive[l] {
            p
        } else {
            self.positive[l]
        };
    }
}

/// A pair of columns' running figures: how often a < b and
/// a == b, and the sum of products of their deviations from their shifts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct PairLanes {
    pub better: [u64; LANES],
    pub tie: [u64; LANES],
    pub cross: [f64; LANES],
}

impl PairLanes {
    fn new() -> PairLanes {
        PairLanes {
            better: [0; LANES],
            tie: [0; LANES],
            cross: [0.0; LANES],
        }
    }

    /// Adds one pair of values to lane `l`.
    #[inline(always)]
    fn add(&mut self, l: usize, x: f64, y: f64, shifts: (f64, f64)) {
        self.better[l] += u64::from(x < y);
        self.tie[l] += u64::from(x == y);
        self.cross[l] += (x - shifts.0) * (y - shifts.1);
    }
}

/// Which version runs: AVX2 where the processor has it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kernels {
    Portable,
    #[cfg(target_arch = "x86_64")]
    Avx2,
}

impl Kernels {
    /// The fastest version this processor runs.
    pub fn detect() -> Kernels {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            return Kernels::Avx2;
        }
        Kernels::Portable
    }

    /// The running figures of `values`, deviations taken from `shift`.
    #[inline]
    pub fn column(self, values: &[f64], shift: f64) -> ColumnLanes {
        let mut lanes = match self {
            Kernels::Portable => portable_column(values, shift),
            // SAFETY: `Avx2` is only chosen when the processor has AVX2.
            #[cfg(target_arch = "x86_64")]
            Kernels::Avx2 => unsafe { avx2::column(values, shift) },
        };
        let rest = &values[values.len() - values.len() % LANES..];
        for (l, &x) in rest.iter().enumerate() {
            lanes.add(l, x, shift);
        }
        lanes
    }

    /// The running figures of two columns of equal length, deviations taken from
    /// `shifts`.
    #[inline]
    pub fn pair(self, a: &[f64], b: &[f64], shifts: (f64, f64)) -> PairLanes {
        debug_assert_eq!(a.len(), b.len());
        let mut lanes = match self {
            Kernels::Portable => portable_pair(a, b, shifts),
            // SAFETY: as in `column`.
            #[cfg(target_arch = "x86_64")]
            Kernels::Avx2 => unsafe { avx2::pair(a, b, shifts) },
        };
        let tail = a.len() - a.len() % LANES;
        for (l, i) in (tail..a.len()).enumerate() {
            lanes.add(l, a[i], b[i], shifts);
        }
        lanes
    }
}

/// The whole chunks of [`LANES`] (and so for the pair below).
fn portable_column(values: &[f64], shift: f64) -> ColumnLanes {
    let mut lanes = ColumnLanes::new();
    for c in values.chunks_exact(LANES) {
        for (l, &x) in c.iter().enumerate() {
            lanes.add(l, x, shift);
        }
    }
    lanes
}

fn portable_pair(a: &[f64], b: &[f64], shifts: (f64, f64)) -> PairLanes {
    let mut lanes = PairLanes::new();
    for (x, y) in a.chunks_exact(LANES).zip(b.chunks_exact(LANES)) {
        for l in 0..LANES {
            lanes.add(l, x[l], y[l], shifts);
        }
    }
    lanes
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use std::arch::x86_64::*;

    use super::{ColumnLanes, LANES, PairLanes};

    /// Lanes 0-3 and 4-7 of a figure.
    type Halves = [__m256d; 2];

    #[inline]
    #[target_feature(enable = "avx2")]
    fn to_array(v: Halves) -> [f64; LANES] {
        let mut out = [0.0; LANES];
        let (low, high) = out.split_at_mut(4);
        // SAFETY: each half of `out` holds four f64; unaligned stores.
        unsafe {
            _mm256_storeu_pd(low.as_mut_ptr(), v[0]);
            _mm256_storeu_pd(high.as_mut_ptr(), v[1]);
        }
        out
    }

    #[inline]
    #[target_feature(enable = "avx2")]
    fn counts_to_array(v: [__m256i; 2]) -> [u64; LANES] {
        let mut out = [0u64; LANES];
        let (low, high) = out.split_at_mut(4);
        // SAFETY: each half of `out` holds four u64; unaligned stores.
        unsafe {
            _mm256_storeu_si256(low.as_mut_ptr().cast(), v[0]);
            _mm256_storeu_si256(high.as_mut_ptr().cast(), v[1]);
        }
        out
    }

    /// [`super::portable_column`] in AVX2: `_mm256_min_pd(x, lo)` is
    /// `if x < lo { x } else { lo }`, lane by lane, and so on.
    #[target_feature(enable = "avx2")]
    pub(super) fn column(values: &[f64], shift: f64) -> ColumnLanes {
        let zero = _mm256_setzero_pd();
        let inf = _mm256_set1_pd(f64::INFINITY);
        let s = _mm256_set1_pd(shift);
        let mut sum: Halves = [zero; 2];
        let mut dev: Halves = [zero; 2];
        let mut squares: Halves = [zero; 2];
        let mut lo: Halves = [inf; 2];
        let mut hi: Halves = [_mm256_set1_pd(f64::NEG_INFINITY); 2];
        let mut positive: Halves = [inf; 2];
        for c in values.chunks_exact(LANES) {
            for h in 0..2 {
                // SAFETY: `c` holds eight f64, so c[4 h..4 h + 4] is in bounds.
                let x = unsafe { _mm256_loadu_pd(c.as_ptr().add(4 * h)) };
                let y = _mm256_sub_pd(x, s);
                sum[h] = _mm256_add_pd(sum[h], x);
                dev[h] = _mm256_add_pd(dev[h], y);
                squares[h] = _mm256_add_pd(squares[h], _mm256_mul_pd(y, y));
                lo[h] = _mm256_min_pd(x, lo[h]);
                hi[h] = _mm256_max_pd(x, hi[h]);
                let above = _mm256_cmp_pd::<_CMP_GT_OQ>(x, zero);
                let p = _mm256_blendv_pd(inf, x, above);
                positive[h] = _mm256_min_pd(p, positive[h]);
            }
        }
        ColumnLanes {
            sum: to_array(sum),
            dev: to_array(dev),
            squares: to_array(squares),
            lo: to_array(lo),
            hi: to_array(hi),
            positive: to_array(positive),
        }
    }

    /// [`super::portable_pair`] in AVX2: a comparison's mask is all ones (-1)
    /// where it holds, so subtracting it counts.
    #[target_feature(enable = "avx2")]
    pub(super) fn pair(a: &[f64], b: &[f64], shifts: (f64, f64)) -> PairLanes {
        let (sa, sb) = (_mm256_set1_pd(shifts.0), _mm256_set1_pd(shifts.1));
        let mut better = [_mm256_setzero_si256(); 2];
        let mut tie = [_mm256_setzero_si256(); 2];
        let mut cross: Halves = [_mm256_setzero_pd(); 2];
        for (ca, cb) in a.chunks_exact(LANES).zip(b.chunks_exact(LANES)) {
            for h in 0..2 {
                // SAFETY: both chunks hold eight f64.
                let (x, y) = unsafe {
                    (
                        _mm256_loadu_pd(ca.as_ptr().add(4 * h)),
                        _mm256_loadu_pd(cb.as_ptr().add(4 * h)),
                    )
                };
                let lt = _mm256_castpd_si256(_mm256_cmp_pd::<_CMP_LT_OQ>(x, y));
                let eq = _mm256_castpd_si256(_mm256_cmp_pd::<_CMP_EQ_OQ>(x, y));
                better[h] = _mm256_sub_epi64(better[h], lt);
                tie[h] = _mm256_sub_epi64(tie[h], eq);
                let product = _mm256_mul_pd(_mm256_sub_pd(x, sa), _mm256_sub_pd(y, sb));
                cross[h] = _mm256_add_pd(cross[h], product);
            }
        }
        PairLanes {
            better: counts_to_array(better),
            tie: counts_to_array(tie),
            cross: to_array(cross),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::Xoshiro256PlusPlus;
    use rand::{Rng, SeedableRng};

    /// Values that test every branch of a comparison: zeros of both signs,
    /// infinities, NaN, subnormals, ties, and ordinary numbers of both signs.
    fn awkward(rng: &mut Xoshiro256PlusPlus, n: usize) -> Vec<f64> {
        let special = [
            0.0,
            -0.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            f64::MIN_POSITIVE / 4.0,
            -f64::MIN_POSITIVE / 4.0,
            1.0,
            f64::MAX,
            -f64::MAX,
        ];
        (0..n)
            .map(|_| {
                let r = rng.next_u64();
                if r.is_multiple_of(4) {
                    special[(r >> 8) as usize % special.len()]
                } else {
                    // Few distinct values, so that pairs often tie.
                    ((r >> 20) % 9) as f64 - 4.0 + if r.is_multiple_of(3) { 0.5 } else { 0.0 }
                }
            })
            .collect()
    }

    /// A value's bits, with every NaN as one: which NaN an operation on NaNs
    /// returns is not specified, and runs reject NaN before summarising.
    fn bits(x: f64) -> u64 {
        if x.is_nan() { u64::MAX } else { x.to_bits() }
    }

    fn column_bits(c: &ColumnLanes) -> Vec<u64> {
        [c.sum, c.dev, c.squares, c.lo, c.hi, c.positive]
            .iter()
            .flatten()
            .map(|&x| bits(x))
            .collect()
    }

    #[test]
    fn every_version_gives_the_same_bits_as_the_portable_one() {
        let versions = [Kernels::Portable, Kernels::detect()];
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(17);
        for n in [0, 7, 8, 9, 64, 1000, 1024] {
            for _ in 0..50 {
                let a = awkward(&mut rng, n);
                let b = awkward(&mut rng, n);
                let shifts = (a.first().copied().unwrap_or(0.0), 2.5);
                let [p, v] = versions.map(|k| k.column(&a, shifts.0));
                assert_eq!(column_bits(&p), column_bits(&v), "column of {n}");
                let [p, v] = versions.map(|k| k.pair(&a, &b, shifts));
                assert_eq!(p.better, v.better, "better of {n}");
                assert_eq!(p.tie, v.tie, "tie of {n}");
                assert_eq!(p.cross.map(bits), v.cross.map(bits), "cross of {n}");
            }
        }
    }

    #[test]
    fn the_portable_version_counts_what_the_specification_says() {
        let a = [1.0, 2.0, f64::NAN, -0.0, 5.0, 5.0, 7.0, -3.0];
        let b = [2.0, 2.0, 1.0, 0.0, 4.0, f64::NAN, 8.0, -3.0];
        let p = portable_pair(&a, &b, (0.0, 0.0));
        // a < b at 0 and 6; a == b at 1, 3 (-0 == +0) and 7; NaN is neither.
        assert_eq!(p.better, [1, 0, 0, 0, 0, 0, 1, 0]);
        assert_eq!(p.tie, [0, 1, 0, 1, 0, 0, 0, 1]);
        let c = portable_column(&a, 1.0);
        assert_eq!(c.lo[2].to_bits(), f64::INFINITY.to_bits(), "NaN is skipped");
        assert_eq!(c.positive[3], f64::INFINITY, "-0 is not above zero");
        assert_eq!(c.positive[0], 1.0);
        assert_eq!(c.squares[7], 16.0);
        #[cfg(target_arch = "x86_64")]
        if std::is_x86_feature_detected!("avx2") {
            assert_eq!(Kernels::detect(), Kernels::Avx2, "AVX2 is there to be used");
        }
    }
}
