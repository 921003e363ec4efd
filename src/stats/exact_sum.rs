//! An exact sum of `f64` values: a fixed-point integer wide enough for every
//! finite double, so that adding is associative and commutative.
//!
//! Why: a run's batches finish in whatever order the threads take them, shards
//! finish on different machines, and `--precision` adds batches to a finished
//! run. Floating-point sums depend on the order of their terms; this one does
//! not, so every statistic built on it is the same bit for bit however the batches
//! were grouped. Each batch still sums its own values in `f64` (fast, and fixed by
//! the trial order inside the batch); only the per-batch figures, a few per column
//! and batch, go through this type.

/// Bits below the binary point: the smallest subnormal is 2^-1074.
const FRACTION_BITS: i32 = 1074;
/// Digits of 32 bits: 2^-1074 up to 2^1024, plus room for the carries of
/// 2^30 additions in the top digit.
const DIGITS: usize = 68;
/// Additions between carry propagations: each adds less than 2^32 to a digit,
/// and an `i64` digit holds 2^62 comfortably.
const ADDS_BEFORE_CARRY: u32 = 1 << 30;

/// The exact sum of the values added so far.
#[derive(Clone, Debug)]
pub struct ExactSum {
    /// Little-endian digits of 32 bits, each kept in an `i64` so that additions
    /// can be carried later; the value is sum(digit[i] 2^(32 i)) 2^-1074.
    digits: [i64; DIGITS],
    pending: u32,
    /// The sum of any infinite or NaN terms (0 when there are none): a sum that
    /// overflowed, e.g. the squares of values near 1e160, reads as infinite
    /// rather than as a wrong finite number.
    special: f64,
}

impl Default for ExactSum {
    fn default() -> Self {
        ExactSum {
            digits: [0; DIGITS],
            pending: 0,
            special: 0.0,
        }
    }
}

impl ExactSum {
    /// Words of [`ExactSum::to_digits`]: the digits, then the non-finite terms.
    pub const WORDS: usize = DIGITS + 1;
}

/// Equal when the sums are equal, however they were reached.
impl PartialEq for ExactSum {
    fn eq(&self, other: &Self) -> bool {
        self.to_digits() == other.to_digits()
    }
}

impl ExactSum {
    /// Adds `x` exactly (an infinite or NaN `x` makes the sum so).
    pub fn add(&mut self, x: f64) {
        if !x.is_finite() {
            self.special += x;
            return;
        }
        let bits = x.to_bits();
        let exponent = ((bits >> 52) & 0x7ff) as i32;
        let fraction = bits & ((1 << 52) - 1);
        let (mantissa, position) = if exponent == 0 {
            (fraction, 0)
        } else {
            (fraction | 1 << 52, exponent - 1)
        };
        if mantissa == 0 {
            return;
        }
        // x = mantissa 2^(position - 1074).
        let digit = (position / 32) as usize;
        let shifted = (mantissa as u128) << (position % 32);
        let parts = [
            (shifted & 0xffff_ffff) as i64,
            ((shifted >> 32) & 0xffff_ffff) as i64,
            (shifted >> 64) as i64,
        ];
        let sign = if bits >> 63 == 1 { -1 } else { 1 };
        for (i, part) in parts.into_iter().enumerate() {
            self.digits[digit + i] += sign * part;
        }
        self.pending += 1;
        if self.pending >= ADDS_BEFORE_CARRY {
            self.carry();
        }
    }

    /// Adds another exact sum.
    pub fn merge(&mut self, other: &ExactSum) {
        self.carry();
        let mut other = other.clone();
        other.carry();
        for (d, o) in self.digits.iter_mut().zip(other.digits) {
            *d += o;
        }
        self.special += other.special;
        self.carry();
    }

    /// Propagates carries so that every digit but the top one lies in [0, 2^32):
    /// one representation per value.
    fn carry(&mut self) {
        for i in 0..DIGITS - 1 {
            let carry = self.digits[i] >> 32;
            self.digits[i] -= carry << 32;
            self.digits[i + 1] += carry;
        }
        self.pending = 0;
    }

    /// The sum rounded to an `f64` (within an ulp or two; the same bits for the
    /// same exact sum, whatever the order of the additions).
    pub fn value(&self) -> f64 {
        if self.special != 0.0 || self.special.is_nan() {
            return self.special;
        }
        let mut d = self.clone();
        d.carry();
        let negative = d.digits[DIGITS - 1] < 0;
        if negative {
            for x in d.digits.iter_mut() {
                *x = -*x;
            }
            d.carry();
        }
        let mut total = 0.0f64;
        for (i, &x) in d.digits.iter().enumerate().rev() {
            if x != 0 {
                total += x as f64 * pow2(32 * i as i32 - FRACTION_BITS);
            }
        }
        if negative { -total } else { total }
    }

    /// The digits, for saving a partial result (carried, so canonical), then
    /// the bits of the sum of non-finite terms.
    pub fn to_digits(&self) -> Vec<i64> {
        let mut d = self.clone();
        d.carry();
        let mut out = d.digits.to_vec();
        out.push(self.special.to_bits() as i64);
        out
    }

    /// An exact sum from saved digits, if there are the right number of them.
    pub fn from_digits(digits: &[i64]) -> Option<ExactSum> {
        let (special, digits) = digits.split_last()?;
        let mut s = ExactSum {
            digits: digits.try_into().ok()?,
            pending: 0,
            special: f64::from_bits(*special as u64),
        };
        s.carry();
        Some(s)
    }
}

/// 2^k as an `f64`, for k from -1074 to 1023 (0 below, +inf above).
fn pow2(k: i32) -> f64 {
    if k > 1023 {
        f64::INFINITY
    } else if k >= -1022 {
        f64::from_bits(((k + 1023) as u64) << 52)
    } else if k >= -1074 {
        f64::from_bits(1u64 << (k + 1074))
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sum_of(values: &[f64]) -> ExactSum {
        let mut s = ExactSum::default();
        for &x in values {
            s.add(x);
        }
        s
    }

    #[test]
    fn small_terms_survive_cancellation() {
        assert_eq!(sum_of(&[1e16, 1.0, -1e16, 1.0]).value(), 2.0);
        assert_eq!(sum_of(&[1e300, 1e-300, -1e300]).value(), 1e-300);
        assert_eq!(sum_of(&[f64::MAX, -f64::MAX, 5e-324]).value(), 5e-324);
    }

    #[test]
    fn negative_totals_come_out_negative() {
        assert_eq!(sum_of(&[-3.5, 1.25]).value(), -2.25);
        assert_eq!(sum_of(&[-0.1]).value(), -0.1);
        assert_eq!(sum_of(&[]).value(), 0.0);
        assert_eq!(sum_of(&[-0.0, 0.0]).value(), 0.0);
    }

    #[test]
    fn the_order_and_grouping_of_terms_change_nothing() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let u = (state >> 11) as f64 / (1u64 << 53) as f64;
            (u - 0.3) * 10f64.powi((state % 40) as i32 - 20)
        };
        let values: Vec<f64> = (0..5000).map(|_| next()).collect();
        let forward = sum_of(&values);
        let mut reversed: Vec<f64> = values.clone();
        reversed.reverse();
        let mut halves = sum_of(&values[2500..]);
        halves.merge(&sum_of(&values[..2500]));
        assert_eq!(forward, sum_of(&reversed));
        assert_eq!(forward.to_digits(), halves.to_digits());
        assert_eq!(forward.value().to_bits(), halves.value().to_bits());
        // And it is the correctly rounded sum to within an ulp: compare with a
        // compensated sum of the sorted magnitudes.
        let mut sorted = values.clone();
        sorted.sort_by(|a, b| a.abs().total_cmp(&b.abs()));
        let (mut total, mut carry) = (0.0f64, 0.0f64);
        for x in sorted {
            let t = total + x;
            carry += if total.abs() >= x.abs() {
                (total - t) + x
            } else {
                (x - t) + total
            };
            total = t;
        }
        let want = total + carry;
        assert!((forward.value() - want).abs() <= 2.0 * f64::EPSILON * want.abs());
    }

    #[test]
    fn an_overflowing_term_makes_the_sum_infinite_not_wrong() {
        let mut s = sum_of(&[1.0, 2.0]);
        s.add(f64::MAX * 2.0);
        assert_eq!(s.value(), f64::INFINITY);
        let mut t = sum_of(&[3.0]);
        t.merge(&s);
        assert_eq!(t.value(), f64::INFINITY);
        assert_eq!(
            ExactSum::from_digits(&t.to_digits()).map(|x| x.value()),
            Some(f64::INFINITY)
        );
    }

    #[test]
    fn digits_round_trip() {
        let s = sum_of(&[1.5, -2e200, 7e-310]);
        assert_eq!(ExactSum::from_digits(&s.to_digits()), Some(s));
        assert_eq!(ExactSum::from_digits(&[1, 2, 3]), None);
    }
}
