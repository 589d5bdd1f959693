//! Float result patterns: exact bits, `nan:canonical` and `nan:arithmetic`.
//!
//! A canonical NaN has only the top bit of the significand set (the sign is
//! free); an arithmetic NaN has at least that bit set.

use wast::core::NanPattern;
use wast::token::{F32, F64};

const F32_ABS: u32 = 0x7fff_ffff;
const F32_CANONICAL: u32 = 0x7fc0_0000;
const F64_ABS: u64 = 0x7fff_ffff_ffff_ffff;
const F64_CANONICAL: u64 = 0x7ff8_0000_0000_0000;

/// Whether the `f32` with these bits matches the pattern.
pub(crate) fn f32_matches(pattern: &NanPattern<F32>, bits: u32) -> bool {
    match pattern {
        NanPattern::CanonicalNan => bits & F32_ABS == F32_CANONICAL,
        NanPattern::ArithmeticNan => bits & F32_CANONICAL == F32_CANONICAL,
        NanPattern::Value(expected) => expected.bits == bits,
    }
}

/// Whether the `f64` with these bits matches the pattern.
pub(crate) fn f64_matches(pattern: &NanPattern<F64>, bits: u64) -> bool {
    match pattern {
        NanPattern::CanonicalNan => bits & F64_ABS == F64_CANONICAL,
        NanPattern::ArithmeticNan => bits & F64_CANONICAL == F64_CANONICAL,
        NanPattern::Value(expected) => expected.bits == bits,
    }
}

/// The pattern as it is written in a script.
pub(crate) fn f32_pattern_text(pattern: &NanPattern<F32>) -> String {
    match pattern {
        NanPattern::CanonicalNan => "nan:canonical".to_string(),
        NanPattern::ArithmeticNan => "nan:arithmetic".to_string(),
        NanPattern::Value(v) => f32_text(v.bits),
    }
}

/// The pattern as it is written in a script.
pub(crate) fn f64_pattern_text(pattern: &NanPattern<F64>) -> String {
    match pattern {
        NanPattern::CanonicalNan => "nan:canonical".to_string(),
        NanPattern::ArithmeticNan => "nan:arithmetic".to_string(),
        NanPattern::Value(v) => f64_text(v.bits),
    }
}

/// An `f32` as its value and its bits, so that NaN payloads show.
pub(crate) fn f32_text(bits: u32) -> String {
    format!("{} (0x{bits:08x})", f32::from_bits(bits))
}

/// An `f64` as its value and its bits, so that NaN payloads show.
pub(crate) fn f64_text(bits: u64) -> String {
    format!("{} (0x{bits:016x})", f64::from_bits(bits))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f32p(bits: u32) -> NanPattern<F32> {
        NanPattern::Value(F32 { bits })
    }

    #[test]
    fn canonical_nan_ignores_sign_only() {
        assert!(f32_matches(&NanPattern::CanonicalNan, 0x7fc0_0000));
        assert!(f32_matches(&NanPattern::CanonicalNan, 0xffc0_0000));
        assert!(!f32_matches(&NanPattern::CanonicalNan, 0x7fc0_0001));
        assert!(!f32_matches(&NanPattern::CanonicalNan, 0x7f80_0000));
        assert!(f64_matches(
            &NanPattern::CanonicalNan,
            0xfff8_0000_0000_0000
        ));
        assert!(!f64_matches(
            &NanPattern::CanonicalNan,
            0x7ff8_0000_0000_0001
        ));
    }

    #[test]
    fn arithmetic_nan_needs_the_quiet_bit() {
        assert!(f32_matches(&NanPattern::ArithmeticNan, 0x7fc0_0001));
        assert!(f32_matches(&NanPattern::ArithmeticNan, 0xffff_ffff));
        assert!(!f32_matches(&NanPattern::ArithmeticNan, 0x7fa0_0000));
        assert!(f64_matches(
            &NanPattern::ArithmeticNan,
            0x7ff8_0000_0000_0001
        ));
        assert!(!f64_matches(
            &NanPattern::ArithmeticNan,
            0x7ff4_0000_0000_0000
        ));
    }

    #[test]
    fn values_compare_bits() {
        assert!(f32_matches(&f32p(0x8000_0000), 0x8000_0000));
        assert!(!f32_matches(&f32p(0x8000_0000), 0));
        assert!(f32_matches(&f32p(0x7fa0_0000), 0x7fa0_0000));
    }
}
