//! Where each draw of a trial comes from, so that a parameter moves only what it
//! drives.
//!
//! A sweep, a tornado or a what-if compares runs that differ in one number. Many
//! numbers change how many random draws a trial makes: a higher failure rate
//! draws more recovery times, a larger surge rate more surge multiples, another
//! frailty shape another number of Gamma rejections. If every draw came from one
//! long stream, such a change would shift every later draw, in this trial and the
//! next, and the runs would differ by noise in metrics the number cannot touch (a
//! tornado bar for the surge rate on build weeks).
//!
//! So every trial takes exactly one word from the batch's shared stream and one
//! from each strategy's stream, whatever the parameters, and each driver of the
//! trial draws from its own [`Substream`], keyed by that word and the driver. A
//! driver's draws then depend on the trial and the driver only.

use std::convert::Infallible;

use rand::TryRng;
use rand::rand_core::utils;

/// The golden-ratio increment of SplitMix64.
pub const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// SplitMix64's output function: a bijection with full avalanche. The batch and
/// strategy seeds are derived with it too.
#[inline(always)]
pub const fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A short random stream for one driver of one trial: SplitMix64 started at the
/// trial's word mixed with the driver's key.
///
/// SplitMix64 passes BigCrush, costs about what a Xoshiro word costs, and starts
/// for free (its state is one word), so a trial can open a dozen of them. The
/// streams of one trial start at the same word XOR distinct keys; the output
/// function's avalanche makes them as good as independent, and a driver draws at
/// most a few hundred words, so two of them overlapping is a chance of about
/// 2^-50 per trial.
#[derive(Clone, Copy, Debug)]
pub struct Substream(u64);

impl Substream {
    /// The stream of the driver keyed `key` in the trial whose word is `word`.
    #[inline(always)]
    pub fn new(word: u64, key: Key) -> Substream {
        Substream(word ^ key.0)
    }
}

impl TryRng for Substream {
    type Error = Infallible;

    #[inline(always)]
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        self.try_next_u64().map(|w| (w >> 32) as u32)
    }

    #[inline(always)]
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        self.0 = self.0.wrapping_add(GOLDEN);
        Ok(mix(self.0))
    }

    #[inline]
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        utils::fill_bytes_via_next_word(dst, || self.try_next_u64())
    }
}

/// A driver's key: which of a trial's substreams it draws from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key(u64);

impl Key {
    /// The key of a fixed driver of the model, numbered `n`.
    const fn fixed(n: u64) -> Key {
        Key(mix(n.wrapping_mul(GOLDEN) ^ 0x5DEE_CE66_D1CE_4E5B))
    }

    /// The key of a driver named by the scenario (a risk): a hash of its name, so
    /// that its stream follows the risk, not its position in the register.
    pub fn named(name: &str) -> Key {
        Key(mix(fnv1a(name) ^ 0xA076_1D64_78BD_642F))
    }

    /// The key of a driver of some `kind` named by the scenario (an event's
    /// multiple, a strategy's own estimate): a hash of both, so that its stream
    /// follows the name, and differs from a risk's of the same name.
    pub fn named_for(kind: &str, name: &str) -> Key {
        Key(mix(fnv1a(kind).rotate_left(29)
            ^ fnv1a(name)
            ^ 0xE703_7ED1_A0B4_28DB))
    }
}

/// FNV-1a of a name's bytes.
pub fn fnv1a(name: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The drivers shared by every strategy of a trial.
pub mod shared {
    use super::Key;

    pub const COMPLEXITY: Key = Key::fixed(1);
    pub const FRAILTY: Key = Key::fixed(2);
    pub const ESTIMATE: Key = Key::fixed(3);
    pub const SURGES: Key = Key::fixed(4);
    pub const WALK_AWAY_WEEK: Key = Key::fixed(5);
    pub const WALK_AWAY_FRACTION: Key = Key::fixed(6);
}

/// The drivers each strategy draws for itself.
pub mod own {
    use super::Key;

    pub const ONBOARDING: Key = Key::fixed(101);
    pub const HEADROOM: Key = Key::fixed(102);
    pub const SURGE_OUTAGES: Key = Key::fixed(103);
    pub const API_FAILURES: Key = Key::fixed(104);
    pub const OTHER_FIXES: Key = Key::fixed(105);
    pub const FIXED: Key = Key::fixed(106);
    pub const CUSTOMER_FACING: Key = Key::fixed(107);
    pub const INCIDENTS: Key = Key::fixed(108);
    pub const WALK_AWAY: Key = Key::fixed(109);
    pub const WAR_ROOM: Key = Key::fixed(110);
    pub const FIX_EFFORT: Key = Key::fixed(111);
    /// When each incident starts in the week, under a support calendar.
    pub const SUPPORT_WAIT: Key = Key::fixed(112);
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn every_fixed_key_is_distinct() {
        let keys = [
            shared::COMPLEXITY,
            shared::FRAILTY,
            shared::ESTIMATE,
            shared::SURGES,
            shared::WALK_AWAY_WEEK,
            shared::WALK_AWAY_FRACTION,
            own::ONBOARDING,
            own::HEADROOM,
            own::SURGE_OUTAGES,
            own::API_FAILURES,
            own::OTHER_FIXES,
            own::FIXED,
            own::CUSTOMER_FACING,
            own::INCIDENTS,
            own::WALK_AWAY,
            own::WAR_ROOM,
            own::FIX_EFFORT,
            own::SUPPORT_WAIT,
        ];
        for (i, a) in keys.iter().enumerate() {
            for b in &keys[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }

    #[test]
    fn a_substream_is_splitmix64_from_the_keyed_word() {
        // SplitMix64's published first output for state 0 is 0xE220A8397B1DCDAF.
        let mut s = Substream(0);
        assert_eq!(s.next_u64(), 0xE220_A839_7B1D_CDAF);
        let mut a = Substream::new(7, shared::SURGES);
        let mut b = Substream::new(7, shared::SURGES);
        assert_eq!(a.next_u64(), b.next_u64());
        let mut c = Substream::new(7, shared::FRAILTY);
        assert_ne!(Substream::new(7, shared::SURGES).next_u64(), c.next_u64());
    }

    /// Substreams of one word, and one substream's successive words, look
    /// independent: the correlation of their uniforms over 10^5 trials is within
    /// 4.5 standard errors (1/sqrt(n)) of 0, and each mean within 4.5 of 1/2.
    #[test]
    fn substreams_of_one_trial_are_uncorrelated() {
        let n = 100_000;
        let unit = |w: u64| (w >> 11) as f64 / (1u64 << 53) as f64;
        let pairs = [
            (shared::COMPLEXITY, shared::FRAILTY),
            (own::API_FAILURES, own::OTHER_FIXES),
            (own::INCIDENTS, own::INCIDENTS),
        ];
        for (ka, kb) in pairs {
            let (mut sa, mut sb, mut sab) = (0.0, 0.0, 0.0);
            for t in 0..n {
                let word = mix(t);
                let mut a = Substream::new(word, ka);
                let mut b = Substream::new(word, kb);
                let x = unit(a.next_u64());
                if ka == kb {
                    b.next_u64();
                }
                let y = unit(b.next_u64());
                sa += x;
                sb += y;
                sab += (x - 0.5) * (y - 0.5);
            }
            let n = n as f64;
            // Var(U) = 1/12: the standard error of a mean is sqrt(1/12 / n), of the
            // correlation 1/sqrt(n).
            let se_mean = (1.0 / 12.0 / n).sqrt();
            assert!((sa / n - 0.5).abs() < 4.5 * se_mean);
            assert!((sb / n - 0.5).abs() < 4.5 * se_mean);
            let corr = sab / n * 12.0;
            assert!(corr.abs() < 4.5 / n.sqrt(), "{ka:?} {kb:?}: {corr}");
        }
    }
}
