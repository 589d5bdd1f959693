//! Values on the command line: parsing arguments by parameter type, and
//! printing results.

use kiln::{Val, ValType};
use std::str::FromStr;

/// Parses a command-line argument as a value of type `ty`.
///
/// Integers are decimal or `0x` hexadecimal, with an optional sign; an `i32`
/// may be written unsigned up to `u32::MAX` (`0xffffffff` is `-1`), and so
/// may an `i64`. Floats are decimal, `nan` or `inf`, with an optional sign.
pub(crate) fn parse(text: &str, ty: ValType) -> Result<Val, String> {
    let value = match ty {
        ValType::I32 => parse_int(text, 32).map(|v| Val::I32(v as u32 as i32)),
        ValType::I64 => parse_int(text, 64).map(|v| Val::I64(v as u64 as i64)),
        ValType::F32 => parse_float::<f32>(text).map(Val::from),
        ValType::F64 => parse_float::<f64>(text).map(Val::from),
        ValType::V128 | ValType::FuncRef | ValType::ExternRef => {
            return Err(format!(
                "a {ty} parameter cannot be given on the command line"
            ));
        }
    };
    value.ok_or_else(|| format!("`{text}` is not a valid {ty}"))
}

/// An integer of `bits` bits, signed or unsigned: the range is
/// `-2^(bits-1) ..= 2^bits - 1`.
fn parse_int(text: &str, bits: u32) -> Option<i128> {
    let (negative, body) = split_sign(text);
    let (digits, radix) = match body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        Some(hex) => (hex, 16),
        None => (body, 10),
    };
    // `from_str_radix` would accept a second sign.
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = i128::from(u64::from_str_radix(digits, radix).ok()?);
    let value = if negative { -magnitude } else { magnitude };
    let min = -(1i128 << (bits - 1));
    let max = (1i128 << bits) - 1;
    (min..=max).contains(&value).then_some(value)
}

fn parse_float<F>(text: &str) -> Option<F>
where
    F: FromStr + std::ops::Neg<Output = F>,
{
    let (negative, body) = split_sign(text);
    let value: F = match body.to_ascii_lowercase().as_str() {
        "nan" | "inf" | "infinity" => body.parse().ok()?,
        // Rust's parser also takes words like "infinity" in any case; only
        // numbers come through here.
        _ if body.starts_with(|c: char| c.is_ascii_digit() || c == '.') => body.parse().ok()?,
        _ => return None,
    };
    Some(if negative { -value } else { value })
}

/// Splits off a leading `-` or `+`.
fn split_sign(text: &str) -> (bool, &str) {
    if let Some(rest) = text.strip_prefix('-') {
        (true, rest)
    } else {
        (false, text.strip_prefix('+').unwrap_or(text))
    }
}

/// A result as `kiln run` prints it: integers as signed decimal, floats with
/// Rust's `Display`.
pub(crate) fn format(val: &Val) -> String {
    match val {
        Val::I32(v) => v.to_string(),
        Val::I64(v) => v.to_string(),
        Val::F32(bits) => f32::from_bits(*bits).to_string(),
        Val::F64(bits) => f64::from_bits(*bits).to_string(),
        Val::V128(bits) => format!("0x{bits:032x}"),
        Val::FuncRef(None) => "null".to_string(),
        Val::FuncRef(Some(_)) => "<funcref>".to_string(),
        Val::ExternRef(None) => "null".to_string(),
        Val::ExternRef(Some(_)) => "<externref>".to_string(),
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn i32_decimal_and_hex() {
        assert_eq!(parse("42", ValType::I32), Ok(Val::I32(42)));
        assert_eq!(parse("-5", ValType::I32), Ok(Val::I32(-5)));
        assert_eq!(parse("+5", ValType::I32), Ok(Val::I32(5)));
        assert_eq!(parse("0x10", ValType::I32), Ok(Val::I32(16)));
        assert_eq!(parse("0XfF", ValType::I32), Ok(Val::I32(255)));
        assert_eq!(parse("-0x10", ValType::I32), Ok(Val::I32(-16)));
        assert_eq!(parse("0xffffffff", ValType::I32), Ok(Val::I32(-1)));
        assert_eq!(parse("4294967295", ValType::I32), Ok(Val::I32(-1)));
        assert_eq!(parse("-2147483648", ValType::I32), Ok(Val::I32(i32::MIN)));
    }

    #[test]
    fn i32_rejects_junk_and_overflow() {
        for text in [
            "",
            "-",
            "0x",
            "1.5",
            "abc",
            "4294967296",
            "-2147483649",
            "--1",
            "-+1",
            "0x+1",
            "1 ",
        ] {
            assert!(parse(text, ValType::I32).is_err(), "{text:?} was accepted");
        }
        let err = parse("abc", ValType::I32).unwrap_err();
        assert_eq!(err, "`abc` is not a valid i32");
    }

    #[test]
    fn i64_range() {
        assert_eq!(parse("20", ValType::I64), Ok(Val::I64(20)));
        assert_eq!(
            parse("-9223372036854775808", ValType::I64),
            Ok(Val::I64(i64::MIN))
        );
        assert_eq!(parse("0xffffffffffffffff", ValType::I64), Ok(Val::I64(-1)));
        assert!(parse("18446744073709551616", ValType::I64).is_err());
        assert!(parse("-9223372036854775809", ValType::I64).is_err());
    }

    #[test]
    fn floats() {
        assert_eq!(parse("1.5", ValType::F32), Ok(Val::from(1.5f32)));
        assert_eq!(parse("-2e3", ValType::F64), Ok(Val::from(-2000.0f64)));
        assert_eq!(parse(".5", ValType::F64), Ok(Val::from(0.5f64)));
        assert_eq!(parse("inf", ValType::F32), Ok(Val::from(f32::INFINITY)));
        assert_eq!(
            parse("-inf", ValType::F64),
            Ok(Val::from(f64::NEG_INFINITY))
        );
        let nan = parse("nan", ValType::F32).unwrap().f32().unwrap();
        assert!(nan.is_nan() && nan.is_sign_positive());
        let nan = parse("-NaN", ValType::F64).unwrap().f64().unwrap();
        assert!(nan.is_nan() && nan.is_sign_negative());
        assert_eq!(parse("7", ValType::F32), Ok(Val::from(7.0f32)));
    }

    #[test]
    fn floats_reject_junk() {
        for text in ["", "x", "e5", "1.5.5", "nanx", "--1", "0x10"] {
            assert!(parse(text, ValType::F64).is_err(), "{text:?} was accepted");
        }
    }

    #[test]
    fn unsupported_types() {
        let err = parse("0", ValType::V128).unwrap_err();
        assert!(err.contains("v128"), "{err}");
        assert!(parse("0", ValType::FuncRef).is_err());
    }

    #[test]
    fn formatting() {
        assert_eq!(format(&Val::I32(-1)), "-1");
        assert_eq!(format(&Val::I64(6765)), "6765");
        assert_eq!(format(&Val::from(1.5f32)), "1.5");
        assert_eq!(format(&Val::from(3.0f64)), "3");
        assert_eq!(format(&Val::from(f64::NAN)), "NaN");
        assert_eq!(format(&Val::from(f32::NEG_INFINITY)), "-inf");
        assert_eq!(format(&Val::FuncRef(None)), "null");
    }
}
