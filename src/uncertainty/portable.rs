//! The exponential and the logarithm with the same bits on every machine,
//! for the beta-PERT quantile tables ([`super::sample::PertTable`]).
//!
//! `f64::exp` and `f64::ln` call the platform's maths library, whose last
//! bit may differ between systems (glibc, macOS, Windows), so a table built
//! from them, and every Monte Carlo figure drawn through it, could differ
//! by a bit between machines. Here:
//!
//! * [`ln`] is the `libm` crate's `log`: fdlibm's method in plain Rust;
//!   [`ln_normal`] is the same steps without branches, for positive normal
//!   numbers, so the same bits.
//! * [`exp`] is fdlibm's method too (as the `libm` crate's `exp`, with k
//!   rounded to nearest), written without branches.
//!
//! Without branches, a loop over many values runs as vector instructions:
//! a table's 65,536 grid points take about 0.2 ms instead of about 1 ms
//! with the platform's functions called one value at a time.
//!
//! Both use only IEEE addition, subtraction, multiplication, division and
//! bit operations (Rust never fuses a multiply and an add on its own), so
//! they give the same bits on any machine, and are within one unit in the
//! last place of the exact value (fdlibm's error bound; tested against the
//! platform's functions).

/// ln 2 in two parts: the high part has 21 trailing zero bits, so k times
/// it is exact for |k| < 2^21.
const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000); // 6.931_471_803_691_238_164_90e-1
const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76); // 1.908_214_929_270_587_700_02e-10
const INV_LN2: f64 = std::f64::consts::LOG2_E;
/// fdlibm's coefficients of exp's rational approximation on
/// [-0.5 ln 2, 0.5 ln 2].
const P1: f64 = f64::from_bits(0x3fc5_5555_5555_553e); // 1.666_666_666_666_660_190_37e-1
const P2: f64 = f64::from_bits(0xbf66_c16c_16be_bd93); // -2.777_777_777_701_559_338_42e-3
const P3: f64 = f64::from_bits(0x3f11_566a_af25_de2c); // 6.613_756_321_437_934_361_17e-5
const P4: f64 = f64::from_bits(0xbebb_bd41_c5d2_6bf1); // -1.653_390_220_546_525_153_90e-6
const P5: f64 = f64::from_bits(0x3e66_3769_72be_a4d0); // 4.138_136_797_057_238_460_39e-8
/// 1.5 x 2^52: adding it to a number of magnitude below 2^51 rounds the
/// number to an integer, which the low bits of the sum then hold.
const ROUND: f64 = 6_755_399_441_055_744.0;
/// Above this exp overflows; below [`UNDERFLOW`] it is 0.
const OVERFLOW: f64 = f64::from_bits(0x4086_2e42_fefa_39ef); // 709.782_712_893_383_973_096
const UNDERFLOW: f64 = f64::from_bits(0xc087_4910_d52d_3051); // -745.133_219_101_941_108_420

/// fdlibm's coefficients of ln's approximation on [sqrt(2)/2, sqrt(2)].
const LG1: f64 = f64::from_bits(0x3fe5_5555_5555_5593); // 6.666_666_666_666_735_130e-1
const LG2: f64 = f64::from_bits(0x3fd9_9999_9997_fa04); // 3.999_999_999_940_941_908e-1
const LG3: f64 = f64::from_bits(0x3fd2_4924_9422_9359); // 2.857_142_874_366_239_149e-1
const LG4: f64 = f64::from_bits(0x3fcc_71c5_1d8e_78af); // 2.222_219_843_214_978_396e-1
const LG5: f64 = f64::from_bits(0x3fc7_4664_96cb_03de); // 1.818_357_216_161_805_012e-1
const LG6: f64 = f64::from_bits(0x3fc3_9a09_d078_c69f); // 1.531_383_769_920_937_332e-1
const LG7: f64 = f64::from_bits(0x3fc2_f112_df3e_5244); // 1.479_819_860_511_658_591e-1

/// The natural logarithm (`libm`'s `log`).
#[inline]
pub fn ln(x: f64) -> f64 {
    libm::log(x)
}

/// [`ln`] of a positive, normal, finite `x` (from 2^-1022 to the largest
/// f64), without branches, so that a loop over many values runs as vector
/// instructions: `libm`'s `log` step for step, so the same bits (tested);
/// for other `x` the result is meaningless.
#[inline(always)]
pub fn ln_normal(x: f64) -> f64 {
    // x = 2^k m with m in [sqrt(2)/2, sqrt(2)), by the high word of its
    // bits.
    let bits = x.to_bits();
    let high = ((bits >> 32) as u32).wrapping_add(0x3ff0_0000 - 0x3fe6_a09e);
    let k = (high >> 20) as i32 - 0x3ff;
    let high = (high & 0x000f_ffff) + 0x3fe6_a09e;
    let m = f64::from_bits((u64::from(high) << 32) | (bits & 0xffff_ffff));
    let f = m - 1.0;
    let hfsq = 0.5 * f * f;
    let s = f / (2.0 + f);
    let z = s * s;
    let w = z * z;
    let t1 = w * (LG2 + w * (LG4 + w * LG6));
    let t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
    let r = t2 + t1;
    let dk = f64::from(k);
    s * (hfsq + r) + dk * LN2_LO - hfsq + f + dk * LN2_HI
}

/// e^x, without branches (see the module doc).
#[inline(always)]
pub fn exp(x: f64) -> f64 {
    // Out-of-range arguments are worked as the nearest in range, and their
    // results replaced at the end; a NaN stays NaN throughout.
    let xc = x.clamp(-746.0, 710.0);
    // x = k ln 2 + r with k the nearest integer to x / ln 2, |r| <= 0.35.
    let t = xc * INV_LN2 + ROUND;
    let k = t - ROUND;
    let hi = xc - k * LN2_HI;
    let lo = k * LN2_LO;
    let r = hi - lo;
    let rr = r * r;
    let c = r - rr * (P1 + rr * (P2 + rr * (P3 + rr * (P4 + rr * P5))));
    let y = 1.0 + (r * c / (2.0 - c) - lo + hi);
    // 2^k in two factors, each a normal number for every k in
    // [-1076, 1025]: y 2^k2 is then exact, and so is the product when the
    // result is normal.
    let ki = t.to_bits().wrapping_sub(ROUND.to_bits()) as i64;
    let k1 = (((ki + 2048) as u64) >> 1) as i64 - 1024;
    let k2 = ki - k1;
    let power = |k: i64| f64::from_bits(((k + 1023) as u64) << 52);
    let v = y * power(k2) * power(k1);
    if x > OVERFLOW {
        f64::INFINITY
    } else if x < UNDERFLOW {
        0.0
    } else {
        v
    }
}

#[cfg(test)]
mod tests {
    use super::{exp, ln, ln_normal};

    /// Units in the last place between two finite positive values.
    fn ulps(a: f64, b: f64) -> u64 {
        a.to_bits().abs_diff(b.to_bits())
    }

    #[test]
    fn exp_is_within_one_ulp_of_the_platform_s_over_its_whole_range() {
        // Every argument of a fine sweep from -745 to 709.7, and the range
        // the tables use in close steps.
        let mut worst = 0;
        let mut x = -745.0;
        while x < 709.7 {
            let (ours, platform) = (exp(x), x.exp());
            if platform >= f64::MIN_POSITIVE {
                worst = worst.max(ulps(ours, platform));
            } else {
                // Subnormal results: as close as their spacing allows.
                assert!(
                    (ours - platform).abs() <= 2.0 * f64::from_bits(1),
                    "x = {x}"
                );
            }
            x += 0.000_731;
        }
        let mut x = -100.0;
        while x < 1.0 {
            worst = worst.max(ulps(exp(x), x.exp()));
            x += 0.000_013_7;
        }
        assert!(worst <= 1, "worst {worst} ulps");
    }

    #[test]
    fn exp_s_edges_and_special_values() {
        assert_eq!(exp(0.0), 1.0);
        assert_eq!(exp(-0.0), 1.0);
        assert_eq!(exp(1e-300), 1.0);
        assert_eq!(exp(f64::NEG_INFINITY), 0.0);
        assert_eq!(exp(-745.2), 0.0);
        assert_eq!(exp(f64::INFINITY), f64::INFINITY);
        assert_eq!(exp(709.79), f64::INFINITY);
        assert!(exp(709.78).is_finite() && exp(709.78) > 1e308);
        assert!(exp(f64::NAN).is_nan());
        assert!(exp(-745.0) > 0.0);
        assert!(ulps(exp(1.0), std::f64::consts::E) <= 1);
        assert!(ulps(exp(-708.0), (-708.0f64).exp()) <= 1);
    }

    #[test]
    fn ln_of_normal_numbers_is_libm_s_to_the_bit() {
        let mut x = f64::MIN_POSITIVE;
        while x < 1e308 {
            for y in [
                x,
                x * 1.000_000_7,
                x * std::f64::consts::SQRT_2,
                x * 1.707_106_8,
            ] {
                assert_eq!(ln_normal(y).to_bits(), libm::log(y).to_bits(), "x = {y}");
            }
            x *= 1.003_17;
        }
        for k in 1..=65_536 {
            let y = k as f64 / 65_536.0;
            assert_eq!(ln_normal(y).to_bits(), libm::log(y).to_bits(), "x = {y}");
        }
        assert_eq!(ln_normal(f64::MAX).to_bits(), libm::log(f64::MAX).to_bits());
    }

    #[test]
    fn ln_is_within_one_ulp_of_the_platform_s() {
        let mut worst = 0;
        let mut x = 1e-300;
        while x < 1e300 {
            worst = worst.max(ulps(ln(x).abs(), x.ln().abs()));
            x *= 1.000_731;
        }
        for k in 1..=65_536 {
            let x = k as f64 / 65_536.0;
            worst = worst.max(ulps(ln(x).abs(), x.ln().abs()));
        }
        assert!(worst <= 1, "worst {worst} ulps");
        assert_eq!(ln(1.0), 0.0);
        assert_eq!(ln_normal(1.0), 0.0);
        assert_eq!(ln(0.0), f64::NEG_INFINITY);
        assert!(ln(-1.0).is_nan());
    }
}
