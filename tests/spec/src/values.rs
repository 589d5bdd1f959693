//! Script values: turning `invoke` arguments into [`Val`]s, and checking
//! results against `assert_return` patterns.

use crate::nan;
use kiln::{ExternRef, Val};
use wast::core::{AbstractHeapType, HeapType, V128Pattern, WastArgCore, WastRetCore};
use wast::{WastArg, WastRet};

/// The value an `invoke` argument stands for.
pub(crate) fn arg(arg: &WastArg<'_>) -> Result<Val, String> {
    let WastArg::Core(core) = arg else {
        return Err(format!("unsupported component-model argument {arg:?}"));
    };
    Ok(match core {
        WastArgCore::I32(v) => Val::I32(*v),
        WastArgCore::I64(v) => Val::I64(*v),
        WastArgCore::F32(v) => Val::F32(v.bits),
        WastArgCore::F64(v) => Val::F64(v.bits),
        WastArgCore::V128(v) => Val::V128(u128::from_le_bytes(v.to_le_bytes())),
        WastArgCore::RefNull(HeapType::Abstract {
            ty: AbstractHeapType::Func,
            ..
        }) => Val::FuncRef(None),
        WastArgCore::RefNull(HeapType::Abstract {
            ty: AbstractHeapType::Extern,
            ..
        }) => Val::ExternRef(None),
        // `(ref.extern N)` is a host value that carries N.
        WastArgCore::RefExtern(n) => Val::ExternRef(Some(ExternRef::new(*n))),
        WastArgCore::RefNull(_) | WastArgCore::RefHost(_) => {
            return Err(format!("unsupported argument {core:?}"));
        }
    })
}

/// Checks a function's results against the expected patterns.
pub(crate) fn check_results(actual: &[Val], expected: &[WastRet<'_>]) -> Result<(), String> {
    if actual.len() != expected.len() {
        return Err(format!(
            "expected {} result(s) {}, got {} result(s) {}",
            expected.len(),
            list(expected.iter().map(ret_text)),
            actual.len(),
            list(actual.iter().map(val_text)),
        ));
    }
    for (i, (val, ret)) in actual.iter().zip(expected).enumerate() {
        let WastRet::Core(pattern) = ret else {
            return Err(format!("unsupported component-model result {ret:?}"));
        };
        if !matches(val, pattern)? {
            return Err(format!(
                "result {i}: expected {}, got {}",
                ret_text(ret),
                val_text(val)
            ));
        }
    }
    Ok(())
}

/// Whether a value matches a pattern; an error for patterns this runner
/// cannot check.
fn matches(val: &Val, pattern: &WastRetCore<'_>) -> Result<bool, String> {
    Ok(match (pattern, val) {
        (WastRetCore::I32(expected), Val::I32(v)) => expected == v,
        (WastRetCore::I64(expected), Val::I64(v)) => expected == v,
        (WastRetCore::F32(expected), Val::F32(bits)) => nan::f32_matches(expected, *bits),
        (WastRetCore::F64(expected), Val::F64(bits)) => nan::f64_matches(expected, *bits),
        (WastRetCore::V128(expected), Val::V128(bits)) => v128_matches(expected, *bits),
        (WastRetCore::RefNull(None), v) => {
            matches!(v, Val::FuncRef(None) | Val::ExternRef(None))
        }
        (
            WastRetCore::RefNull(Some(HeapType::Abstract {
                ty: AbstractHeapType::Func,
                ..
            })),
            v,
        ) => matches!(v, Val::FuncRef(None)),
        (
            WastRetCore::RefNull(Some(HeapType::Abstract {
                ty: AbstractHeapType::Extern,
                ..
            })),
            v,
        ) => matches!(v, Val::ExternRef(None)),
        (WastRetCore::RefFunc(_), v) => matches!(v, Val::FuncRef(Some(_))),
        (WastRetCore::RefExtern(None), v) => matches!(v, Val::ExternRef(Some(_))),
        (WastRetCore::RefExtern(Some(n)), Val::ExternRef(Some(r))) => {
            r.data().downcast_ref::<u32>() == Some(n)
        }
        (WastRetCore::Either(alternatives), v) => {
            for alternative in alternatives {
                if matches(v, alternative)? {
                    return Ok(true);
                }
            }
            false
        }
        (
            WastRetCore::RefNull(_)
            | WastRetCore::RefHost(_)
            | WastRetCore::RefAny
            | WastRetCore::RefEq
            | WastRetCore::RefArray
            | WastRetCore::RefStruct
            | WastRetCore::RefI31
            | WastRetCore::RefI31Shared,
            _,
        ) => return Err(format!("unsupported result pattern {pattern:?}")),
        // A value of another type than the pattern's.
        _ => false,
    })
}

fn v128_matches(pattern: &V128Pattern, bits: u128) -> bool {
    let bytes = bits.to_le_bytes();
    match pattern {
        V128Pattern::I8x16(lanes) => lanes
            .iter()
            .zip(bytes)
            .all(|(lane, byte)| *lane as u8 == byte),
        V128Pattern::I16x8(lanes) => lanes
            .iter()
            .zip(bytes.chunks_exact(2))
            .all(|(lane, b)| *lane == i16::from_le_bytes([b[0], b[1]])),
        V128Pattern::I32x4(lanes) => lanes
            .iter()
            .zip(bytes.chunks_exact(4))
            .all(|(lane, b)| *lane == i32::from_le_bytes([b[0], b[1], b[2], b[3]])),
        V128Pattern::I64x2(lanes) => lanes
            .iter()
            .zip(bytes.chunks_exact(8))
            .all(|(lane, b)| *lane == i64::from_le_bytes(b.try_into().expect("8-byte chunk"))),
        V128Pattern::F32x4(lanes) => lanes
            .iter()
            .zip(bytes.chunks_exact(4))
            .all(|(lane, b)| nan::f32_matches(lane, u32::from_le_bytes([b[0], b[1], b[2], b[3]]))),
        V128Pattern::F64x2(lanes) => lanes.iter().zip(bytes.chunks_exact(8)).all(|(lane, b)| {
            nan::f64_matches(
                lane,
                u64::from_le_bytes(b.try_into().expect("8-byte chunk")),
            )
        }),
    }
}

/// A list of values, as `[a, b]`.
pub(crate) fn list(items: impl Iterator<Item = String>) -> String {
    format!("[{}]", items.collect::<Vec<_>>().join(", "))
}

/// A value as a script would write it.
pub(crate) fn val_text(val: &Val) -> String {
    match val {
        Val::I32(v) => format!("(i32.const {v})"),
        Val::I64(v) => format!("(i64.const {v})"),
        Val::F32(bits) => format!("(f32.const {})", nan::f32_text(*bits)),
        Val::F64(bits) => format!("(f64.const {})", nan::f64_text(*bits)),
        Val::V128(bits) => format!("(v128.const 0x{bits:032x})"),
        Val::FuncRef(None) => "(ref.null func)".to_string(),
        Val::FuncRef(Some(_)) => "(ref.func)".to_string(),
        Val::ExternRef(None) => "(ref.null extern)".to_string(),
        Val::ExternRef(Some(r)) => match r.data().downcast_ref::<u32>() {
            Some(n) => format!("(ref.extern {n})"),
            None => "(ref.extern)".to_string(),
        },
        other => format!("{other:?}"),
    }
}

/// An expected result as a script would write it.
fn ret_text(ret: &WastRet<'_>) -> String {
    let WastRet::Core(pattern) = ret else {
        return format!("{ret:?}");
    };
    match pattern {
        WastRetCore::I32(v) => format!("(i32.const {v})"),
        WastRetCore::I64(v) => format!("(i64.const {v})"),
        WastRetCore::F32(p) => format!("(f32.const {})", nan::f32_pattern_text(p)),
        WastRetCore::F64(p) => format!("(f64.const {})", nan::f64_pattern_text(p)),
        WastRetCore::RefNull(_) => "(ref.null)".to_string(),
        WastRetCore::RefFunc(_) => "(ref.func)".to_string(),
        WastRetCore::RefExtern(Some(n)) => format!("(ref.extern {n})"),
        WastRetCore::RefExtern(None) => "(ref.extern)".to_string(),
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wast::core::NanPattern;
    use wast::token::F32;

    #[test]
    fn v128_lanes_are_little_endian() {
        let bits =
            u128::from_le_bytes([1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]);
        assert!(v128_matches(&V128Pattern::I32x4([1, 2, 3, -1]), bits));
        assert!(!v128_matches(&V128Pattern::I32x4([1, 2, 3, 4]), bits));
        assert!(v128_matches(
            &V128Pattern::I16x8([1, 0, 2, 0, 3, 0, -1, -1]),
            bits
        ));
        let nans = u128::from_le_bytes([
            0, 0, 0xc0, 0x7f, 0, 0, 0xc0, 0xff, 0, 0, 0x80, 0x3f, 1, 0, 0xc0, 0x7f,
        ]);
        assert!(v128_matches(
            &V128Pattern::F32x4([
                NanPattern::CanonicalNan,
                NanPattern::CanonicalNan,
                NanPattern::Value(F32 { bits: 0x3f80_0000 }),
                NanPattern::ArithmeticNan,
            ]),
            nans
        ));
    }

    #[test]
    fn result_count_must_match() {
        let err = check_results(&[Val::I32(1)], &[]).unwrap_err();
        assert!(err.contains("expected 0 result(s)"), "{err}");
    }

    #[test]
    fn result_type_must_match() {
        let ret = WastRet::Core(WastRetCore::I32(1));
        assert!(check_results(&[Val::I32(1)], std::slice::from_ref(&ret)).is_ok());
        assert!(check_results(&[Val::I64(1)], std::slice::from_ref(&ret)).is_err());
    }

    #[test]
    fn externrefs_carry_their_number() {
        let one = Val::ExternRef(Some(ExternRef::new(1u32)));
        let pattern = |n| WastRet::Core(WastRetCore::RefExtern(n));
        assert!(check_results(std::slice::from_ref(&one), &[pattern(Some(1))]).is_ok());
        assert!(check_results(std::slice::from_ref(&one), &[pattern(Some(2))]).is_err());
        assert!(check_results(std::slice::from_ref(&one), &[pattern(None)]).is_ok());
        let null = WastRet::Core(WastRetCore::RefNull(None));
        assert!(check_results(&[Val::ExternRef(None)], std::slice::from_ref(&null)).is_ok());
        assert!(check_results(&[one], &[null]).is_err());
    }
}
