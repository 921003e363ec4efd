//! A quantile sketch: a histogram of values by the top 22 bits of their
//! order-preserving bit pattern (sign, 11 exponent bits, 10 mantissa bits).
//!
//! Why this shape:
//! - each bucket spans a relative width of 2^-10 of its values, so a value read
//!   back from its bucket (its bits with the low 42 cut to zero) is within
//!   2^-10 = 0.098% of the true one, and exact for every value with at most 11
//!   significant bits: zero, the counts up to 2048, halves, quarters;
//! - buckets are monotone in the value, so ranks are found by counting up;
//! - counts are integers, so merging sketches in any order gives the same sketch:
//!   the thread count and the sharding of a run change nothing;
//! - memory follows the binades the values span (1,024 counts per binade), not
//!   the number of values.

/// Mantissa bits kept in a bucket's key.
const MANTISSA_BITS: u32 = 10;
/// Low bits of the order key that a bucket ignores.
const DROPPED_BITS: u32 = 52 - MANTISSA_BITS;
/// Buckets per binade: the window grows by whole binades.
const PAGE_SLOTS: usize = 1 << MANTISSA_BITS;
/// Values queued before they are counted: 64 KiB of bucket numbers.
const QUEUE: usize = 1 << 14;
/// Counters that zeros are spread over while a queue is counted.
const SINKS: usize = 8;

/// The largest relative error of a value read back from the sketch.
pub const RELATIVE_ERROR: f64 = 1.0 / (1u64 << MANTISSA_BITS) as f64;

/// A u64 whose unsigned order is `f64::total_cmp`'s order.
#[inline(always)]
pub(crate) fn order_key(x: f64) -> u64 {
    let bits = x.to_bits();
    // Negative: flip every bit; positive: flip the sign bit.
    bits ^ ((((bits as i64) >> 63) as u64) | 1 << 63)
}

/// The inverse of [`order_key`].
#[inline]
pub(crate) fn from_order_key(key: u64) -> f64 {
    f64::from_bits(if key >> 63 == 1 {
        key & !(1 << 63)
    } else {
        !key
    })
}

/// Counts of values per bucket.
///
/// The buckets between the lowest and highest in use are a dense array (found
/// by one subtraction, so counting a value is one increment); the window grows
/// as values arrive, up to [`MAX_WINDOW`] buckets (64 binades), and the rare
/// values beyond it are counted in a map. Counts are `u32`: no bucket can hold
/// more values than a run has trials, at most 10^9.
#[derive(Clone, Debug, Default)]
pub struct Sketch {
    /// The bucket of `window[0]`.
    base: u64,
    window: Vec<u32>,
    /// Buckets outside the window.
    outside: std::collections::BTreeMap<u64, u64>,
    count: u64,
    /// Buckets of values added but not yet counted (see [`Sketch::add_all`]).
    queue: Vec<u32>,
    /// The bucket of +0.0 (and of positive values below 2^-1032), counted
    /// apart: zero lies a thousand binades from the other values of a metric
    /// and would otherwise stretch the window.
    zeros: u64,
}

/// The bucket of +0.0.
const ZERO_BUCKET: u64 = 1 << (63 - DROPPED_BITS);

/// The most buckets the dense window spans.
const MAX_WINDOW: u64 = 64 << MANTISSA_BITS;

impl PartialEq for Sketch {
    fn eq(&self, other: &Self) -> bool {
        self.buckets().eq(other.buckets())
    }
}

impl Sketch {
    /// Counts every value of `values`: their buckets are queued, and counted in
    /// bulk by [`Sketch::settle`] (called here when the queue is full): counting
    /// is a random access into the window, and a long queue per visit keeps the
    /// window in the core's cache while it is worked on.
    #[inline(always)]
    pub fn add_all(&mut self, values: &[f64]) {
        self.queue.extend(
            values
                .iter()
                .map(|&x| (order_key(x) >> DROPPED_BITS) as u32),
        );
        self.count += values.len() as u64;
        if self.queue.len() >= QUEUE {
            self.settle();
        }
    }

    /// Counts the queued buckets. Every reading of the sketch needs it done
    /// first; [`Sketch::merge`] and the readers check.
    ///
    /// The loop has no branch that depends on the values, so a column that
    /// mixes zeros with small counts (most counts and losses do) costs no
    /// mispredictions: a zero is counted in one of [`SINKS`] slots past the
    /// window's end, taken in turn, and every other value in its bucket. Taking
    /// the sinks in turn keeps a run of zeros from waiting on one counter.
    pub fn settle(&mut self) {
        let queue = std::mem::take(&mut self.queue);
        let mut rest = &queue[..];
        while !rest.is_empty() {
            let span = self.window.len();
            // Exactly: a window's capacity is its span plus the sinks (see
            // `add_to_bucket`), and the amortised growth of `extend` alone would
            // double it.
            self.window.reserve_exact(SINKS);
            self.window.extend([0; SINKS]);
            let base = self.base;
            let window = &mut self.window[..];
            let mut beyond = None;
            for (i, &bucket) in rest.iter().enumerate() {
                let bucket = u64::from(bucket);
                let zero = bucket == ZERO_BUCKET;
                let at = bucket.wrapping_sub(base);
                // `&`, not `&&`: one branch, and one that is all but never taken.
                if (at >= span as u64) & !zero {
                    beyond = Some(i);
                    break;
                }
                // (A window that spans negative and positive values covers the
                // zero bucket too: zeros still go to the sinks.)
                let slot = if zero { span + i % SINKS } else { at as usize };
                window[slot] += 1;
            }
            let sunk: u64 = self.window.drain(span..).map(u64::from).sum();
            self.zeros += sunk;
            match beyond {
                None => break,
                Some(i) => {
                    // Outside the window: count it on its own (growing the
                    // window if it may), then go on after it.
                    self.add_to_bucket(u64::from(rest[i]), 1);
                    rest = &rest[i + 1..];
                }
            }
        }
        self.queue = queue;
        self.queue.clear();
    }

    /// Adds `count` values to the bucket `bucket` (a key shifted right by the
    /// dropped bits, as [`Sketch::buckets`] yields).
    pub fn add_bucket(&mut self, bucket: u64, count: u64) {
        self.add_to_bucket(bucket, count);
        self.count += count;
    }

    /// [`Sketch::add_bucket`] without counting the values in the total.
    fn add_to_bucket(&mut self, bucket: u64, count: u64) {
        if bucket == ZERO_BUCKET {
            self.zeros += count;
            return;
        }
        let at = bucket.wrapping_sub(self.base);
        if at < self.window.len() as u64 {
            let slot = &mut self.window[at as usize];
            *slot = u32::try_from(u64::from(*slot) + count).unwrap_or(u32::MAX);
            return;
        }
        // Grow the window to whole pages around both ends, if it stays small
        // enough; otherwise count the bucket outside it.
        let page = PAGE_SLOTS as u64;
        let (low, high) = if self.window.is_empty() {
            (bucket, bucket + 1)
        } else {
            (
                self.base.min(bucket),
                (self.base + self.window.len() as u64).max(bucket + 1),
            )
        };
        let (low, high) = (low / page * page, high.div_ceil(page) * page);
        if high - low <= MAX_WINDOW {
            let mut window = Vec::with_capacity((high - low) as usize + SINKS);
            window.resize((high - low) as usize, 0u32);
            let from = if self.window.is_empty() {
                0
            } else {
                (self.base - low) as usize
            };
            window[from..from + self.window.len()].copy_from_slice(&self.window);
            self.window = window;
            self.base = low;
            // Buckets counted outside that now fall inside move in.
            let inside: Vec<u64> = self.outside.range(low..high).map(|(&b, _)| b).collect();
            for b in inside {
                if let Some(n) = self.outside.remove(&b) {
                    let slot = &mut self.window[(b - low) as usize];
                    *slot = u32::try_from(u64::from(*slot) + n).unwrap_or(u32::MAX);
                }
            }
            self.add_to_bucket(bucket, count);
        } else {
            *self.outside.entry(bucket).or_insert(0) += count;
        }
    }

    /// Adds every count of `other` (settled).
    pub fn merge(&mut self, other: &Sketch) {
        assert!(other.queue.is_empty(), "merge of an unsettled sketch");
        for (bucket, n) in other.buckets() {
            self.add_to_bucket(bucket, n);
        }
        self.count += other.count;
    }

    /// Values counted.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Non-empty buckets in ascending order of value, as (bucket, count).
    pub fn buckets(&self) -> impl Iterator<Item = (u64, u64)> + '_ {
        assert!(self.queue.is_empty(), "reading an unsettled sketch");
        let base = self.base;
        let inside = self
            .window
            .iter()
            .enumerate()
            .filter(|(_, c)| **c > 0)
            .map(move |(i, &c)| (base + i as u64, u64::from(c)));
        let mut all: Vec<(u64, u64)> = self
            .outside
            .range(..base)
            .map(|(&b, &c)| (b, c))
            .chain(inside)
            .chain(self.outside.range(base..).map(|(&b, &c)| (b, c)))
            .collect();
        if self.zeros > 0 {
            let at = all.partition_point(|&(b, _)| b < ZERO_BUCKET);
            all.insert(at, (ZERO_BUCKET, self.zeros));
        }
        all.into_iter()
    }

    /// The value that stands for bucket `bucket`: the bucket's values with their
    /// low mantissa bits cut to zero (towards zero), so within [`RELATIVE_ERROR`]
    /// of each of them and exact for values with few significant bits.
    pub fn value_of(bucket: u64) -> f64 {
        let x = from_order_key(bucket << DROPPED_BITS);
        f64::from_bits(x.to_bits() & !((1u64 << DROPPED_BITS) - 1))
    }

    /// The values at the given ranks (0-based, in ascending order of value; each
    /// below [`Sketch::count`]), read from their buckets.
    pub fn at_ranks(&self, ranks: &[u64]) -> Vec<f64> {
        let mut order: Vec<usize> = (0..ranks.len()).collect();
        order.sort_by_key(|&i| ranks[i]);
        let mut out = vec![f64::NAN; ranks.len()];
        let mut next = order.into_iter().peekable();
        let mut below = 0u64;
        for (bucket, count) in self.buckets() {
            while let Some(&i) = next.peek() {
                if ranks[i] < below + count {
                    out[i] = Sketch::value_of(bucket);
                    next.next();
                } else {
                    break;
                }
            }
            below += count;
            if next.peek().is_none() {
                break;
            }
        }
        out
    }

    /// Values strictly above zero.
    pub fn count_positive(&self) -> u64 {
        let zero = order_key(0.0) >> DROPPED_BITS;
        self.buckets()
            .filter(|&(b, _)| b > zero)
            .map(|(_, c)| c)
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_keys_sort_like_total_cmp() {
        let values = [-1e300, -2.5, -0.0, 0.0, 1e-310, 0.5, 3.0, 1e300];
        for w in values.windows(2) {
            assert!(order_key(w[0]) < order_key(w[1]), "{} < {}", w[0], w[1]);
            assert_eq!(from_order_key(order_key(w[0])).to_bits(), w[0].to_bits());
        }
    }

    #[test]
    fn small_integers_and_zero_read_back_exactly() {
        let mut s = Sketch::default();
        let values: Vec<f64> = (0..=2048).map(f64::from).chain([-7.0, -0.5]).collect();
        s.add_all(&values);
        s.settle();
        let mut sorted = values.clone();
        sorted.sort_by(f64::total_cmp);
        let ranks: Vec<u64> = (0..sorted.len() as u64).collect();
        assert_eq!(s.at_ranks(&ranks), sorted);
    }

    #[test]
    fn every_value_reads_back_within_the_relative_error() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut s = Sketch::default();
        let mut values = Vec::new();
        for _ in 0..20_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let u = (state >> 11) as f64 / (1u64 << 53) as f64;
            values.push((u - 0.2) * 1e6 / (1.0 - u).powi(2));
        }
        s.add_all(&values);
        s.settle();
        values.sort_by(f64::total_cmp);
        let ranks: Vec<u64> = (0..values.len() as u64).collect();
        for (got, want) in s.at_ranks(&ranks).into_iter().zip(&values) {
            assert!(
                (got - want).abs() <= RELATIVE_ERROR * want.abs(),
                "{got} vs {want}"
            );
            assert!(got.abs() <= want.abs());
        }
    }

    #[test]
    fn zeros_mixed_with_values_are_counted_once_in_their_own_bucket() {
        // Zeros between tiny negative and positive values (a window that spans
        // the zero bucket), runs of zeros longer than the sinks, and values
        // beyond the window in the middle of a queue.
        let mut values = vec![-1e-300, 1e-300, 3.0, 1e300, -2.0];
        for i in 0..100 {
            values.push(if i % 3 == 0 { 1.5 } else { 0.0 });
            if i == 50 {
                values.extend([0.0; 20]);
                values.push(-1e300);
            }
        }
        let zeros = values.iter().filter(|&&x| x == 0.0).count() as u64;
        let mut at_once = Sketch::default();
        at_once.add_all(&values);
        at_once.settle();
        let mut one_by_one = Sketch::default();
        for x in &values {
            one_by_one.add_all(&[*x]);
            one_by_one.settle();
        }
        assert!(at_once == one_by_one);
        let zero_bucket = order_key(0.0) >> DROPPED_BITS;
        let in_zero: Vec<u64> = at_once
            .buckets()
            .filter(|&(b, _)| b == zero_bucket)
            .map(|(_, n)| n)
            .collect();
        assert_eq!(in_zero, vec![zeros]);
        assert_eq!(at_once.count(), values.len() as u64);
        let total: u64 = at_once.buckets().map(|(_, n)| n).sum();
        assert_eq!(total, values.len() as u64);
    }

    #[test]
    fn merging_in_any_order_gives_the_same_sketch() {
        let (a, b): (Vec<f64>, Vec<f64>) = (0..1000)
            .map(|i| (i as f64 * 1.37, -(i as f64).sqrt()))
            .unzip();
        let sketch = |v: &[f64]| {
            let mut s = Sketch::default();
            s.add_all(v);
            s.settle();
            s
        };
        let mut ab = sketch(&a);
        ab.merge(&sketch(&b));
        let mut ba = sketch(&b);
        ba.merge(&sketch(&a));
        assert!(ab == ba);
        assert_eq!(ab.count(), 2000);
        assert_eq!(ab.count_positive(), 999);
    }
}
