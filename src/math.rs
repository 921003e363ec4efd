//! `exp` for the hot path of a trial, in Rust rather than through the platform's
//! libm.
//!
//! A trial takes about thirty exponentials (lognormal times to recovery, Poisson
//! inversions, the frailty); through libm each one is an out-of-line call that
//! profiles at about a tenth of a run. Written here it inlines, and it is the same
//! code on every platform, so a run's numbers no longer depend on which libm the
//! machine has.
//!
//! The method is Tang's table-driven reduction: x = (k / 128) ln 2 + r with
//! |r| <= ln 2 / 256, so exp(x) = 2^(k / 128) exp(r). 2^(j / 128) comes from a
//! table of correctly rounded doubles (computed at 80 digits), with a second table
//! of their rounding errors, the power of two from the exponent bits, and exp(r)
//! from its Taylor polynomial to r^5, whose truncation error (r^6 / 720 < 6e-19) is
//! far below an ulp. The result is within one ulp of the true value and nearly
//! always the correctly rounded one (tested against std's `exp`).

/// 128 / ln 2.
const INV_LN2_N: f64 = 184.664_965_233_787_3;
/// ln 2 / 128 in two parts: the high part has 22 trailing zero bits, so its
/// product with any k that can occur (|k| < 2^18) is exact.
const LN2_N_HI: f64 = f64::from_bits(0x3f76_2e42_fec0_0000);
const LN2_N_LO: f64 = f64::from_bits(0x3d8d_1cf7_9abc_9e3b);
/// 1.5 x 2^52: adding it rounds a double of magnitude below 2^51 to an integer,
/// which then sits in the low bits of the sum.
const SHIFT: f64 = 6_755_399_441_055_744.0;
/// Beyond this magnitude the result overflows, underflows or is subnormal: left to std.
const FAST_RANGE: f64 = 708.0;

/// Bits of 2^(j / 128), less j << 45 (so that adding k << 45, k = 128 m + j,
/// gives the bits of 2^(m + j / 128) in one integer addition).
static TABLE: [u64; 128] = [
    0x3ff0000000000000,
    0x3feff63da9fb3335,
    0x3fefec9a3e778061,
    0x3fefe315e86e7f85,
    0x3fefd9b0d3158574,
    0x3fefd06b29ddf6de,
    0x3fefc74518759bc8,
    0x3fefbe3ecac6f383,
    0x3fefb5586cf9890f,
    0x3fefac922b7247f7,
    0x3fefa3ec32d3d1a2,
    0x3fef9b66affed31b,
    0x3fef9301d0125b51,
    0x3fef8abdc06c31cc,
    0x3fef829aaea92de0,
    0x3fef7a98c8a58e51,
    0x3fef72b83c7d517b,
    0x3fef6af9388c8dea,
    0x3fef635beb6fcb75,
    0x3fef5be084045cd4,
    0x3fef54873168b9aa,
    0x3fef4d5022fcd91d,
    0x3fef463b88628cd6,
    0x3fef3f49917ddc96,
    0x3fef387a6e756238,
    0x3fef31ce4fb2a63f,
    0x3fef2b4565e27cdd,
    0x3fef24dfe1f56381,
    0x3fef1e9df51fdee1,
    0x3fef187fd0dad990,
    0x3fef1285a6e4030b,
    0x3fef0cafa93e2f56,
    0x3fef06fe0a31b715,
    0x3fef0170fc4cd831,
    0x3feefc08b26416ff,
    0x3feef6c55f929ff1,
    0x3feef1a7373aa9cb,
    0x3feeecae6d05d866,
    0x3feee7db34e59ff7,
    0x3feee32dc313a8e5,
    0x3feedea64c123422,
    0x3feeda4504ac801c,
    0x3feed60a21f72e2a,
    0x3feed1f5d950a897,
    0x3feece086061892d,
    0x3feeca41ed1d0057,
    0x3feec6a2b5c13cd0,
    0x3feec32af0d7d3de,
    0x3feebfdad5362a27,
    0x3feebcb299fddd0d,
    0x3feeb9b2769d2ca7,
    0x3feeb6daa2cf6642,
    0x3feeb42b569d4f82,
    0x3feeb1a4ca5d920f,
    0x3feeaf4736b527da,
    0x3feead12d497c7fd,
    0x3feeab07dd485429,
    0x3feea9268a5946b7,
    0x3feea76f15ad2148,
    0x3feea5e1b976dc09,
    0x3feea47eb03a5585,
    0x3feea34634ccc320,
    0x3feea23882552225,
    0x3feea155d44ca973,
    0x3feea09e667f3bcd,
    0x3feea012750bdabf,
    0x3fee9fb23c651a2f,
    0x3fee9f7df9519484,
    0x3fee9f75e8ec5f74,
    0x3fee9f9a48a58174,
    0x3fee9feb564267c9,
    0x3feea0694fde5d3f,
    0x3feea11473eb0187,
    0x3feea1ed0130c132,
    0x3feea2f336cf4e62,
    0x3feea427543e1a12,
    0x3feea589994cce13,
    0x3feea71a4623c7ad,
    0x3feea8d99b4492ed,
    0x3feeaac7d98a6699,
    0x3feeace5422aa0db,
    0x3feeaf3216b5448c,
    0x3feeb1ae99157736,
    0x3feeb45b0b91ffc6,
    0x3feeb737b0cdc5e5,
    0x3feeba44cbc8520f,
    0x3feebd829fde4e50,
    0x3feec0f170ca07ba,
    0x3feec49182a3f090,
    0x3feec86319e32323,
    0x3feecc667b5de565,
    0x3feed09bec4a2d33,
    0x3feed503b23e255d,
    0x3feed99e1330b358,
    0x3feede6b5579fdbf,
    0x3feee36bbfd3f37a,
    0x3feee89f995ad3ad,
    0x3feeee07298db666,
    0x3feef3a2b84f15fb,
    0x3feef9728de5593a,
    0x3feeff76f2fb5e47,
    0x3fef05b030a1064a,
    0x3fef0c1e904bc1d2,
    0x3fef12c25bd71e09,
    0x3fef199bdd85529c,
    0x3fef20ab5fffd07a,
    0x3fef27f12e57d14b,
    0x3fef2f6d9406e7b5,
    0x3fef3720dcef9069,
    0x3fef3f0b555dc3fa,
    0x3fef472d4a07897c,
    0x3fef4f87080d89f2,
    0x3fef5818dcfba487,
    0x3fef60e316c98398,
    0x3fef69e603db3285,
    0x3fef7321f301b460,
    0x3fef7c97337b9b5f,
    0x3fef864614f5a129,
    0x3fef902ee78b3ff6,
    0x3fef9a51fbc74c83,
    0x3fefa4afa2a490da,
    0x3fefaf482d8e67f1,
    0x3fefba1bee615a27,
    0x3fefc52b376bba97,
    0x3fefd0765b6e4540,
    0x3fefdbfdad9cbe14,
    0x3fefe7c1819e90d8,
    0x3feff3c22b8f71f1,
];

/// Bits of (2^(j / 128) - TABLE's double) / TABLE's double: the table entry's
/// rounding error, added to the polynomial so that it does not reach the result.
static TAIL: [u64; 128] = [
    0x0000000000000000,
    0x3c9b3b4f1a88bf6e,
    0xbc7160139cd8dc5d,
    0xbc905e7a108766d1,
    0x3c8cd2523567f613,
    0xbc8bce8023f98efa,
    0x3c60f74e61e6c861,
    0x3c90a3e45b33d399,
    0x3c979aa65d837b6d,
    0x3c8eb51a92fdeffc,
    0x3c3ebe3d702f9cd1,
    0xbc6a033489906e0b,
    0xbc9556522a2fbd0e,
    0xbc5080ef8c4eea55,
    0xbc91c923b9d5f416,
    0x3c80d3e3e95c55af,
    0xbc801b15eaa59348,
    0xbc8f1ff055de323d,
    0x3c8b898c3f1353bf,
    0xbc96d99c7611eb26,
    0x3c9aecf73e3a2f60,
    0xbc8fe782cb86389d,
    0x3c8a6f4144a6c38d,
    0x3c807a05b0e4047d,
    0x3c968efde3a8a894,
    0x3c875e18f274487d,
    0x3c80472b981fe7f2,
    0xbc96b87b3f71085e,
    0x3c82f7e16d09ab31,
    0xbc3d219b1a6fbffa,
    0x3c8b3782720c0ab4,
    0x3c6e149289cecb8f,
    0x3c834d754db0abb6,
    0x3c864201e2ac744c,
    0x3c8fdd395dd3f84a,
    0xbc86a3803b8e5b04,
    0xbc924aedcc4b5068,
    0xbc9907f81b512d8e,
    0xbc71d1e83e9436d2,
    0xbc991919b3ce1b15,
    0x3c859f48a72a4c6d,
    0xbc9312607a28698a,
    0xbc58a78f4817895b,
    0xbc7c2c9b67499a1b,
    0x3c4363ed60c2ac11,
    0x3c9666093b0664ef,
    0x3c6ecce1daa10379,
    0x3c93ff8e3f0f1230,
    0x3c7690cebb7aafb0,
    0x3c931dbdeb54e077,
    0xbc8f94340071a38e,
    0xbc87deccdc93a349,
    0xbc78dec6bd0f385f,
    0xbc861246ec7b5cf6,
    0x3c93350518fdd78e,
    0x3c7b98b72f8a9b05,
    0x3c9063e1e21c5409,
    0x3c34c7855019c6ea,
    0x3c9432e62b64c035,
    0xbc8ce44a6199769f,
    0xbc8c33c53bef4da8,
    0xbc845378892be9ae,
    0xbc93cedd78565858,
    0x3c5710aa807e1964,
    0xbc93b3efbf5e2228,
    0xbc6a12ad8734b982,
    0xbc6367efb86da9ee,
    0xbc80dc3d54e08851,
    0xbc781f647e5a3ecf,
    0xbc86ee4ac08b7db0,
    0xbc8619321e55e68a,
    0x3c909ccb5e09d4d3,
    0xbc7b32dcb94da51d,
    0x3c94ecfd5467c06b,
    0x3c65ebe1abd66c55,
    0xbc88a1c52fb3cf42,
    0xbc9369b6f13b3734,
    0xbc805e843a19ff1e,
    0xbc94d450d872576e,
    0x3c90ad675b0e8a00,
    0x3c8db72fc1f0eab4,
    0xbc65b6609cc5e7ff,
    0x3c7bf68359f35f44,
    0xbc93091fa71e3d83,
    0xbc5da9b88b6c1e29,
    0xbc6c23f97c90b959,
    0xbc92434322f4f9aa,
    0xbc85ca6cd7668e4b,
    0x3c71affc2b91ce27,
    0x3c6dd235e10a73bb,
    0xbc87c50422622263,
    0x3c8b1c86e3e231d5,
    0xbc91bbd1d3bcbb15,
    0x3c90cc319cee31d2,
    0x3c8469846e735ab3,
    0xbc82dfcd978e9db4,
    0x3c8c1a7792cb3387,
    0xbc907b8f4ad1d9fa,
    0xbc55c3d956dcaeba,
    0xbc90a40e3da6f640,
    0xbc68d6f438ad9334,
    0xbc91eee26b588a35,
    0x3c74ffd70a5fddcd,
    0xbc91bdfbfa9298ac,
    0x3c736eae30af0cb3,
    0x3c8ee3325c9ffd94,
    0x3c84e08fd10959ac,
    0x3c63cdaf384e1a67,
    0x3c676b2c6c921968,
    0xbc808a1883ccb5d2,
    0xbc8fad5d3ffffa6f,
    0xbc900dae3875a949,
    0x3c74a385a63d07a7,
    0xbc82919e2040220f,
    0x3c8e5a50d5c192ac,
    0x3c843a59ac016b4b,
    0xbc82d52107b43e1f,
    0xbc892ab93b470dc9,
    0x3c74b604603a88d3,
    0x3c83c5ec519d7271,
    0xbc8ff7128fd391f0,
    0xbc8dae98e223747d,
    0x3c8ec3bc41aa2008,
    0x3c842b94c3a9eb32,
    0x3c8a64a931d185ee,
    0xbc8e37bae43be3ed,
    0x3c77893b4d91cd9d,
    0x3c5305c14160cc89,
];

/// e^x, within one ulp; exact at 0. Outside |x| < 708 (and for NaN) it is std's.
#[inline(always)]
pub fn exp(x: f64) -> f64 {
    // NaN fails the comparison too.
    if x.abs() < FAST_RANGE {
        fast(x)
    } else {
        x.exp()
    }
}

/// e^x - 1, within two ulps; exact at 0 and -0. Outside |x| < 708 (and for NaN)
/// it is std's.
///
/// The churn share, 1 - e^(-x) for small x, needs it: exp(x) - 1 would lose the
/// leading digits to cancellation. libm's `expm1` profiled at 3% of a run.
#[inline(always)]
pub fn exp_m1(x: f64) -> f64 {
    if x == 0.0 {
        // Keeps the sign of zero, as std does.
        x
    } else if x.abs() < FAST_RANGE {
        let (scale, p) = reduce(x);
        // scale - 1 is exact (Sterbenz) wherever it cancels, |x| < ln 2, and
        // scale x p is small beside it or carries all of it (k = 0, scale = 1).
        (scale - 1.0) + scale * p
    } else {
        x.exp_m1()
    }
}

#[inline(always)]
fn fast(x: f64) -> f64 {
    let (scale, p) = reduce(x);
    scale + scale * p
}

/// e^x = scale (1 + p): scale = 2^(k / 128) rounded, and p = e^r - 1 plus the
/// relative rounding error of scale.
#[inline(always)]
fn reduce(x: f64) -> (f64, f64) {
    let shifted = x * INV_LN2_N + SHIFT;
    let k_bits = shifted.to_bits();
    let k = shifted - SHIFT;
    let r = (x - k * LN2_N_HI) - k * LN2_N_LO;
    let j = (k_bits % 128) as usize;
    let scale = f64::from_bits(TABLE[j].wrapping_add(k_bits << 45));
    let p = f64::from_bits(TAIL[j])
        + r
        + r * r * (0.5 + r * (1.0 / 6.0 + r * (1.0 / 24.0 + r * (1.0 / 120.0))));
    (scale, p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::Xoshiro256PlusPlus;
    use rand::{Rng, SeedableRng};

    /// A uniform in [0, 1) with 53 random bits (the formula of `dist::unit`, which
    /// sits above this module and so is not imported).
    fn unit(rng: &mut impl Rng) -> f64 {
        (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// The distance in ulps between two positive finite doubles.
    fn ulps(a: f64, b: f64) -> u64 {
        a.to_bits().abs_diff(b.to_bits())
    }

    #[test]
    fn is_within_one_ulp_of_std_over_the_whole_fast_range() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
        let mut differ = 0;
        let n = 2_000_000;
        for i in 0..n {
            // Half the points where the model takes its exponentials, half anywhere.
            let width = if i % 2 == 0 { 40.0 } else { 2.0 * FAST_RANGE };
            let x = (unit(&mut rng) - 0.5) * width;
            let (ours, std) = (exp(x), x.exp());
            assert!(ulps(ours, std) <= 1, "exp({x:e}) = {ours:e}, std {std:e}");
            differ += usize::from(ours != std);
        }
        // Both are within an ulp of the truth, so they differ rarely (0.12% of
        // these points when it was written).
        assert!(differ < n / 250, "{differ} of {n} differ from std");
    }

    #[test]
    fn exp_m1_is_within_two_ulps_of_std_and_keeps_small_arguments_precise() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(2);
        let n = 2_000_000;
        for i in 0..n {
            // Tiny, small (the churn share's arguments), moderate and any.
            let width = [1e-12, 1e-3, 4.0, 2.0 * FAST_RANGE][i % 4];
            let x = (unit(&mut rng) - 0.5) * width;
            let (ours, std) = (exp_m1(x), x.exp_m1());
            assert_eq!(
                ours.is_sign_negative(),
                std.is_sign_negative(),
                "expm1({x:e})"
            );
            assert!(
                ulps(ours.abs(), std.abs()) <= 2,
                "expm1({x:e}) = {ours:e}, std {std:e}"
            );
        }
        assert_eq!(exp_m1(0.0).to_bits(), 0.0f64.to_bits());
        assert_eq!(exp_m1(-0.0).to_bits(), (-0.0f64).to_bits());
        assert_eq!(exp_m1(-800.0), -1.0);
        assert_eq!(exp_m1(f64::INFINITY), f64::INFINITY);
        assert!(exp_m1(f64::NAN).is_nan());
    }

    #[test]
    fn is_exact_where_the_answer_is_a_double_and_std_beyond_its_range() {
        assert_eq!(exp(0.0), 1.0);
        assert_eq!(exp(-0.0), 1.0);
        for m in -20..=20 {
            let x = f64::from(m) * std::f64::consts::LN_2;
            assert!(ulps(exp(x), x.exp()) <= 1, "exp({m} ln 2)");
        }
        for x in [
            709.0,
            710.0,
            -709.0,
            -745.0,
            -800.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ] {
            assert_eq!(exp(x).to_bits(), x.exp().to_bits(), "exp({x})");
        }
        assert!(exp(f64::NAN).is_nan());
        // The edges of the fast range stay normal and close to std.
        for x in [707.999, -707.999, 700.5, -700.5] {
            assert!(ulps(exp(x), x.exp()) <= 1, "exp({x})");
        }
    }
}
