//! Component script values: turning `invoke` arguments into component
//! [`Val`]s, and checking results against `assert_return` values.

use kiln::component::Val;
use wast::component::WastVal;

/// The component value an `invoke` argument stands for.
pub(crate) fn arg(v: &WastVal<'_>) -> Result<Val, String> {
    let boxed = |v: &Option<Box<WastVal<'_>>>| -> Result<Option<Box<Val>>, String> {
        v.as_deref().map(|v| arg(v).map(Box::new)).transpose()
    };
    Ok(match v {
        WastVal::Bool(b) => Val::Bool(*b),
        WastVal::U8(v) => Val::U8(*v),
        WastVal::S8(v) => Val::S8(*v),
        WastVal::U16(v) => Val::U16(*v),
        WastVal::S16(v) => Val::S16(*v),
        WastVal::U32(v) => Val::U32(*v),
        WastVal::S32(v) => Val::S32(*v),
        WastVal::U64(v) => Val::U64(*v),
        WastVal::S64(v) => Val::S64(*v),
        WastVal::F32(f) => Val::Float32(f32::from_bits(f.bits)),
        WastVal::F64(f) => Val::Float64(f64::from_bits(f.bits)),
        WastVal::Char(c) => Val::Char(*c),
        WastVal::String(s) => Val::String(s.to_string()),
        WastVal::List(items) => Val::List(items.iter().map(arg).collect::<Result<_, _>>()?),
        WastVal::Record(fields) => Val::Record(
            fields
                .iter()
                .map(|(n, v)| Ok((n.to_string(), arg(v)?)))
                .collect::<Result<_, String>>()?,
        ),
        WastVal::Tuple(items) => Val::Tuple(items.iter().map(arg).collect::<Result<_, _>>()?),
        WastVal::Variant(name, payload) => Val::Variant(name.to_string(), boxed(payload)?),
        WastVal::Enum(name) => Val::Enum(name.to_string()),
        WastVal::Option(payload) => Val::Option(boxed(payload)?),
        WastVal::Result(Ok(payload)) => Val::Result(Ok(boxed(payload)?)),
        WastVal::Result(Err(payload)) => Val::Result(Err(boxed(payload)?)),
        WastVal::Flags(names) => Val::Flags(names.iter().map(|n| n.to_string()).collect()),
        WastVal::Map(_) => return Err("unsupported component value `map`".to_string()),
    })
}

/// Whether `actual` is the value `expected`: floats by bits, except that
/// any NaN matches a NaN.
pub(crate) fn matches(actual: &Val, expected: &WastVal<'_>) -> bool {
    let boxed = |a: &Option<Box<Val>>, e: &Option<Box<WastVal<'_>>>| match (a, e) {
        (None, None) => true,
        (Some(a), Some(e)) => matches(a, e),
        _ => false,
    };
    let all = |a: &[Val], e: &[WastVal<'_>]| {
        a.len() == e.len() && a.iter().zip(e).all(|(a, e)| matches(a, e))
    };
    match (actual, expected) {
        (Val::Bool(a), WastVal::Bool(e)) => a == e,
        (Val::U8(a), WastVal::U8(e)) => a == e,
        (Val::S8(a), WastVal::S8(e)) => a == e,
        (Val::U16(a), WastVal::U16(e)) => a == e,
        (Val::S16(a), WastVal::S16(e)) => a == e,
        (Val::U32(a), WastVal::U32(e)) => a == e,
        (Val::S32(a), WastVal::S32(e)) => a == e,
        (Val::U64(a), WastVal::U64(e)) => a == e,
        (Val::S64(a), WastVal::S64(e)) => a == e,
        (Val::Float32(a), WastVal::F32(e)) => {
            let e = f32::from_bits(e.bits);
            (a.is_nan() && e.is_nan()) || a.to_bits() == e.to_bits()
        }
        (Val::Float64(a), WastVal::F64(e)) => {
            let e = f64::from_bits(e.bits);
            (a.is_nan() && e.is_nan()) || a.to_bits() == e.to_bits()
        }
        (Val::Char(a), WastVal::Char(e)) => a == e,
        (Val::String(a), WastVal::String(e)) => a == e,
        (Val::List(a), WastVal::List(e)) => all(a, e),
        (Val::Tuple(a), WastVal::Tuple(e)) => all(a, e),
        (Val::Record(a), WastVal::Record(e)) => {
            a.len() == e.len()
                && a.iter()
                    .zip(e)
                    .all(|((an, av), (en, ev))| an == en && matches(av, ev))
        }
        (Val::Variant(an, ap), WastVal::Variant(en, ep)) => an == en && boxed(ap, ep),
        (Val::Enum(a), WastVal::Enum(e)) => a == e,
        (Val::Option(a), WastVal::Option(e)) => boxed(a, e),
        (Val::Result(Ok(a)), WastVal::Result(Ok(e))) => boxed(a, e),
        (Val::Result(Err(a)), WastVal::Result(Err(e))) => boxed(a, e),
        (Val::Flags(a), WastVal::Flags(e)) => {
            let mut a: Vec<&str> = a.iter().map(|s| s.as_str()).collect();
            let mut e: Vec<&str> = e.to_vec();
            a.sort_unstable();
            e.sort_unstable();
            a == e
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wast::token::F32;

    #[test]
    fn values_convert_and_match() {
        let wast = WastVal::Record(vec![
            ("a", WastVal::List(vec![WastVal::U8(1)])),
            ("b", WastVal::Option(Some(Box::new(WastVal::String("x"))))),
        ]);
        let val = arg(&wast).unwrap();
        assert!(matches(&val, &wast));
        assert!(!matches(&Val::U8(1), &WastVal::U16(1)));
        let nan = WastVal::F32(F32 { bits: 0x7fc0_0001 });
        assert!(matches(&Val::Float32(f32::NAN), &nan));
        assert!(matches(
            &Val::Flags(vec!["b".into(), "a".into()]),
            &WastVal::Flags(vec!["a", "b"])
        ));
    }
}
