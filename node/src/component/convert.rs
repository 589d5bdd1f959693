//! JS values to and from component values, by type: the dynamic path.
//!
//! The conventions are those of the TypeScript glue `kiln bindgen --lang ts`
//! generates (and, where practical, jco's): `bool` is a boolean; the 8-,
//! 16- and 32-bit integers and the floats are numbers; `u64` and `s64` are
//! BigInts; `char` is a one-character string; a `list` of a number type is
//! the typed array of it (`Uint8Array`, `BigInt64Array`, ...), other lists
//! are arrays; a record is an object with camelCase fields; a tuple is an
//! array; a variant is `{ tag, val }` (the case's WIT name, and its payload
//! if it has one); an enum is its case's WIT name; flags are an object of
//! booleans with camelCase names; `option<T>` is `T` or `undefined`, except
//! that an option of an option is `{ tag: 'some', val } | { tag: 'none' }`;
//! a result is `{ tag: 'ok' | 'err', val }`; a resource handle is the
//! external of a `ResourceHandle`.

use super::{resource_of, resource_value, CStoreRef};
use crate::js::{call, Env, JsResult, Value};
use kiln::component::types::Type;
use kiln::component::Val;
use napi::sys;

/// `kebab-case` as `camelCase`, the spelling of fields and flags in JS.
pub(crate) fn camel(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for (i, word) in name.split('-').enumerate() {
        if i == 0 {
            out.push_str(word);
        } else {
            let mut chars = word.chars();
            if let Some(c) = chars.next() {
                out.extend(c.to_uppercase());
                out.push_str(chars.as_str());
            }
        }
    }
    out
}

fn type_error<T>(env: Env, what: &str, v: Value) -> JsResult<T> {
    let kind = match env.type_of(v)? {
        sys::ValueType::napi_undefined => "undefined",
        sys::ValueType::napi_null => "null",
        sys::ValueType::napi_boolean => "a boolean",
        sys::ValueType::napi_number => "a number",
        sys::ValueType::napi_string => "a string",
        sys::ValueType::napi_bigint => "a BigInt",
        sys::ValueType::napi_function => "a function",
        _ => "an object",
    };
    Err(env.throw_type_error(&format!("expected {what}, got {kind}")))
}

fn integer(env: Env, v: Value, what: &str, min: f64, max: f64) -> JsResult<f64> {
    if env.type_of(v)? != sys::ValueType::napi_number {
        return type_error(env, what, v);
    }
    let n = env.get_f64(v)?;
    if n.trunc() != n || n < min || n > max {
        return Err(env.throw_range_error(&format!("{n} is not a valid {what}")));
    }
    Ok(n)
}

fn bigint(env: Env, v: Value, what: &str) -> JsResult<()> {
    if env.type_of(v)? != sys::ValueType::napi_bigint {
        return type_error(env, what, v);
    }
    Ok(())
}

/// Whether an option of `payload` is written tagged.
fn tagged_option(payload: &Type) -> bool {
    matches!(payload, Type::Option(_))
}

fn is_nullish(env: Env, v: Value) -> JsResult<bool> {
    Ok(matches!(
        env.type_of(v)?,
        sys::ValueType::napi_undefined | sys::ValueType::napi_null
    ))
}

/// The typed array kind of a list of `ty`, for the number types.
fn typed_array(ty: &Type) -> Option<(sys::napi_typedarray_type, usize)> {
    use sys::TypedarrayType as T;
    Some(match ty {
        Type::U8 => (T::uint8_array, 1),
        Type::S8 => (T::int8_array, 1),
        Type::U16 => (T::uint16_array, 2),
        Type::S16 => (T::int16_array, 2),
        Type::U32 => (T::uint32_array, 4),
        Type::S32 => (T::int32_array, 4),
        Type::U64 => (T::biguint64_array, 8),
        Type::S64 => (T::bigint64_array, 8),
        Type::Float32 => (T::float32_array, 4),
        Type::Float64 => (T::float64_array, 8),
        _ => return None,
    })
}

/// The element of a canonical list from its little-endian bytes.
fn number_val(ty: &Type, b: &[u8]) -> Val {
    match ty {
        Type::U8 => Val::U8(b[0]),
        Type::S8 => Val::S8(b[0] as i8),
        Type::U16 => Val::U16(u16::from_le_bytes([b[0], b[1]])),
        Type::S16 => Val::S16(i16::from_le_bytes([b[0], b[1]])),
        Type::U32 => Val::U32(u32::from_le_bytes(b.try_into().expect("4 bytes"))),
        Type::S32 => Val::S32(i32::from_le_bytes(b.try_into().expect("4 bytes"))),
        Type::U64 => Val::U64(u64::from_le_bytes(b.try_into().expect("8 bytes"))),
        Type::S64 => Val::S64(i64::from_le_bytes(b.try_into().expect("8 bytes"))),
        Type::Float32 => Val::Float32(f32::from_le_bytes(b.try_into().expect("4 bytes"))),
        _ => Val::Float64(f64::from_le_bytes(b.try_into().expect("8 bytes"))),
    }
}

/// The little-endian bytes of a number value (empty for anything else).
fn number_bytes(v: &Val, out: &mut Vec<u8>) {
    match v {
        Val::U8(x) => out.push(*x),
        Val::S8(x) => out.push(*x as u8),
        Val::U16(x) => out.extend(x.to_le_bytes()),
        Val::S16(x) => out.extend(x.to_le_bytes()),
        Val::U32(x) => out.extend(x.to_le_bytes()),
        Val::S32(x) => out.extend(x.to_le_bytes()),
        Val::U64(x) => out.extend(x.to_le_bytes()),
        Val::S64(x) => out.extend(x.to_le_bytes()),
        Val::Float32(x) => out.extend(x.to_le_bytes()),
        Val::Float64(x) => out.extend(x.to_le_bytes()),
        _ => {}
    }
}

fn new_typed_array(
    env: Env,
    kind: sys::napi_typedarray_type,
    size: usize,
    bytes: &[u8],
) -> JsResult<Value> {
    let mut data: *mut std::ffi::c_void = std::ptr::null_mut();
    let buffer = call!(env, napi_create_arraybuffer(bytes.len(), &mut data))?;
    if !bytes.is_empty() {
        // SAFETY: the new buffer has `bytes.len()` writable bytes at `data`.
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), data as *mut u8, bytes.len()) };
    }
    call!(
        env,
        napi_create_typedarray(kind, bytes.len() / size, buffer, 0)
    )
}

/// The component value of `v` as a value of `ty`.
pub(crate) fn from_js(env: Env, v: Value, ty: &Type) -> JsResult<Val> {
    Ok(match ty {
        Type::Bool => {
            if env.type_of(v)? != sys::ValueType::napi_boolean {
                return type_error(env, "a boolean", v);
            }
            Val::Bool(env.get_bool(v)?)
        }
        Type::U8 => Val::U8(integer(env, v, "u8", 0.0, 255.0)? as u8),
        Type::S8 => Val::S8(integer(env, v, "s8", -128.0, 127.0)? as i8),
        Type::U16 => Val::U16(integer(env, v, "u16", 0.0, 65535.0)? as u16),
        Type::S16 => Val::S16(integer(env, v, "s16", -32768.0, 32767.0)? as i16),
        Type::U32 => Val::U32(integer(env, v, "u32", 0.0, u32::MAX as f64)? as u32),
        Type::S32 => Val::S32(integer(env, v, "s32", i32::MIN as f64, i32::MAX as f64)? as i32),
        Type::U64 => {
            bigint(env, v, "a BigInt (u64)")?;
            match env.get_bigint_u64(v)? {
                Some(x) => Val::U64(x),
                None => return Err(env.throw_range_error("the BigInt is not a valid u64")),
            }
        }
        Type::S64 => {
            bigint(env, v, "a BigInt (s64)")?;
            let x = env.get_bigint_i64(v)?;
            // `get_bigint_i64` wraps: check the value round-trips.
            let back = env.bigint_i64(x)?;
            if !call!(env, napi_strict_equals(v, back))? {
                return Err(env.throw_range_error("the BigInt is not a valid s64"));
            }
            Val::S64(x)
        }
        Type::Float32 | Type::Float64 => {
            if env.type_of(v)? != sys::ValueType::napi_number {
                return type_error(env, "a number", v);
            }
            let x = env.get_f64(v)?;
            if matches!(ty, Type::Float32) {
                Val::Float32(x as f32)
            } else {
                Val::Float64(x)
            }
        }
        Type::Char => {
            if env.type_of(v)? != sys::ValueType::napi_string {
                return type_error(env, "a one-character string", v);
            }
            let units = env.get_string_utf16(v)?;
            let mut chars = char::decode_utf16(units.iter().copied());
            match (chars.next(), chars.next()) {
                (Some(Ok(c)), None) => Val::Char(c),
                _ => {
                    return Err(
                        env.throw_type_error("a char is a string of one Unicode scalar value")
                    )
                }
            }
        }
        Type::String => {
            if env.type_of(v)? != sys::ValueType::napi_string {
                return type_error(env, "a string", v);
            }
            let units = env.get_string_utf16(v)?;
            Val::String(String::from_utf16_lossy(&units))
        }
        Type::List(list) => {
            let element = list.ty();
            if let Some((_, size)) = typed_array(element) {
                // SAFETY: no JS runs while `bytes` lives.
                if let Some(bytes) = unsafe { env.buffer_source(v)? } {
                    return Ok(Val::List(
                        bytes
                            .chunks_exact(size)
                            .map(|b| number_val(element, b))
                            .collect(),
                    ));
                }
            }
            if !call!(env, napi_is_array(v))? {
                return type_error(env, "an array", v);
            }
            let n = env.array_len(v)?;
            let mut items = Vec::with_capacity(n as usize);
            for i in 0..n {
                items.push(from_js(env, env.element(v, i)?, element)?);
            }
            Val::List(items)
        }
        Type::Record(r) => {
            if env.type_of(v)? != sys::ValueType::napi_object {
                return type_error(env, "an object (a record)", v);
            }
            let mut fields = Vec::new();
            for f in r.fields() {
                let x = env.named(v, &camel(f.name))?;
                fields.push((f.name.to_string(), from_js(env, x, f.ty)?));
            }
            Val::Record(fields)
        }
        Type::Tuple(t) => {
            if !call!(env, napi_is_array(v))? {
                return type_error(env, "an array (a tuple)", v);
            }
            let mut items = Vec::new();
            for (i, ty) in t.types().enumerate() {
                items.push(from_js(env, env.element(v, i as u32)?, ty)?);
            }
            Val::Tuple(items)
        }
        Type::Variant(variant) => {
            let (tag, val) = tag_val(env, v, "a variant")?;
            let Some(case) = variant.cases().find(|c| c.name == tag) else {
                return Err(env.throw_type_error(&format!("the variant has no case `{tag}`")));
            };
            let payload = match case.ty {
                Some(ty) => Some(Box::new(from_js(env, val, ty)?)),
                None => None,
            };
            Val::Variant(tag, payload)
        }
        Type::Enum(e) => {
            if env.type_of(v)? != sys::ValueType::napi_string {
                return type_error(env, "a string (an enum case)", v);
            }
            let name = env.get_string(v)?;
            if !e.names().any(|n| n == name) {
                return Err(env.throw_type_error(&format!("the enum has no case `{name}`")));
            }
            Val::Enum(name)
        }
        Type::Option(o) => {
            if tagged_option(o.ty()) {
                let (tag, val) = tag_val(env, v, "an option ({ tag: 'some' | 'none' })")?;
                match tag.as_str() {
                    "none" => Val::Option(None),
                    "some" => Val::Option(Some(Box::new(from_js(env, val, o.ty())?))),
                    _ => return Err(env.throw_type_error("an option's tag is 'some' or 'none'")),
                }
            } else if is_nullish(env, v)? {
                Val::Option(None)
            } else {
                Val::Option(Some(Box::new(from_js(env, v, o.ty())?)))
            }
        }
        Type::Result(r) => {
            let (tag, val) = tag_val(env, v, "a result ({ tag: 'ok' | 'err', val })")?;
            let side = |ty: Option<&Type>| -> JsResult<Option<Box<Val>>> {
                Ok(match ty {
                    Some(ty) => Some(Box::new(from_js(env, val, ty)?)),
                    None => None,
                })
            };
            match tag.as_str() {
                "ok" => Val::Result(Ok(side(r.ok())?)),
                "err" => Val::Result(Err(side(r.err())?)),
                _ => return Err(env.throw_type_error("a result's tag is 'ok' or 'err'")),
            }
        }
        Type::Flags(f) => {
            if env.type_of(v)? != sys::ValueType::napi_object {
                return type_error(env, "an object of booleans (flags)", v);
            }
            let mut set = Vec::new();
            for name in f.names() {
                let x = env.named(v, &camel(name))?;
                if call!(env, napi_coerce_to_bool(x)).and_then(|b| env.get_bool(b))? {
                    set.push(name.to_string());
                }
            }
            Val::Flags(set)
        }
        Type::Own(_) | Type::Borrow(_) => Val::Resource(resource_of(env, v)?),
    })
}

/// The `tag` and `val` of a tagged JS value.
fn tag_val(env: Env, v: Value, what: &str) -> JsResult<(String, Value)> {
    if env.type_of(v)? != sys::ValueType::napi_object {
        return type_error(env, what, v);
    }
    let tag = env.named(v, "tag")?;
    if env.type_of(tag)? != sys::ValueType::napi_string {
        return type_error(env, &format!("{what} with a string `tag`"), tag);
    }
    Ok((env.get_string(tag)?, env.named(v, "val")?))
}

fn tagged(env: Env, tag: &str, val: Option<Value>) -> JsResult<Value> {
    let o = env.object()?;
    env.set_named(o, "tag", env.string(tag)?)?;
    if let Some(val) = val {
        env.set_named(o, "val", val)?;
    }
    Ok(o)
}

/// The JS value of `v`, a value of `ty`.
pub(crate) fn to_js(env: Env, store: &CStoreRef, v: &Val, ty: &Type) -> JsResult<Value> {
    match (v, ty) {
        (Val::List(items), Type::List(list)) => {
            if let Some((kind, size)) = typed_array(list.ty()) {
                let mut bytes = Vec::with_capacity(items.len() * size);
                items.iter().for_each(|x| number_bytes(x, &mut bytes));
                return new_typed_array(env, kind, size, &bytes);
            }
            let array = env.array(items.len())?;
            for (i, x) in items.iter().enumerate() {
                env.set_element(array, i as u32, to_js(env, store, x, list.ty())?)?;
            }
            Ok(array)
        }
        (Val::Record(fields), Type::Record(r)) => {
            let o = env.object()?;
            for ((name, x), f) in fields.iter().zip(r.fields()) {
                env.set_named(o, &camel(name), to_js(env, store, x, f.ty)?)?;
            }
            Ok(o)
        }
        (Val::Tuple(items), Type::Tuple(t)) => {
            let array = env.array(items.len())?;
            for (i, (x, ty)) in items.iter().zip(t.types()).enumerate() {
                env.set_element(array, i as u32, to_js(env, store, x, ty)?)?;
            }
            Ok(array)
        }
        (Val::Variant(tag, payload), Type::Variant(variant)) => {
            let case_ty = variant.cases().find(|c| c.name == tag).and_then(|c| c.ty);
            let val = match (payload, case_ty) {
                (Some(p), Some(ty)) => Some(to_js(env, store, p, ty)?),
                _ => None,
            };
            tagged(env, tag, val)
        }
        (Val::Option(x), Type::Option(o)) => {
            let inner = match x {
                Some(x) => Some(to_js(env, store, x, o.ty())?),
                None => None,
            };
            if tagged_option(o.ty()) {
                match inner {
                    Some(val) => tagged(env, "some", Some(val)),
                    None => tagged(env, "none", None),
                }
            } else {
                match inner {
                    Some(val) => Ok(val),
                    None => env.undefined(),
                }
            }
        }
        (Val::Result(x), Type::Result(r)) => {
            let (tag, payload, ty) = match x {
                Ok(p) => ("ok", p, r.ok()),
                Err(p) => ("err", p, r.err()),
            };
            let val = match (payload, ty) {
                (Some(p), Some(ty)) => Some(to_js(env, store, p, ty)?),
                _ => None,
            };
            tagged(env, tag, val)
        }
        (Val::Flags(set), Type::Flags(f)) => {
            let o = env.object()?;
            for name in f.names() {
                let on = set.iter().any(|s| s == name);
                env.set_named(o, &camel(name), env.boolean(on)?)?;
            }
            Ok(o)
        }
        _ => to_js_untyped(env, store, v),
    }
}

/// The JS value of `v` from the value alone (for a host function whose
/// import's type is unknown): as [`to_js`], except that a list is a typed
/// array only when it has elements of a number type, and an option is
/// tagged only when its payload is an option.
pub(crate) fn to_js_untyped(env: Env, store: &CStoreRef, v: &Val) -> JsResult<Value> {
    Ok(match v {
        Val::Bool(b) => env.boolean(*b)?,
        Val::S8(x) => env.int32((*x).into())?,
        Val::U8(x) => env.uint32((*x).into())?,
        Val::S16(x) => env.int32((*x).into())?,
        Val::U16(x) => env.uint32((*x).into())?,
        Val::S32(x) => env.int32(*x)?,
        Val::U32(x) => env.uint32(*x)?,
        Val::S64(x) => env.bigint_i64(*x)?,
        Val::U64(x) => env.bigint_u64(*x)?,
        Val::Float32(x) => env.double((*x).into())?,
        Val::Float64(x) => env.double(*x)?,
        Val::Char(c) => env.string(c.encode_utf8(&mut [0; 4]))?,
        Val::String(s) => env.string(s)?,
        Val::List(items) => {
            let number = items.first().and_then(|x| {
                let ty = match x {
                    Val::U8(_) => Type::U8,
                    Val::S8(_) => Type::S8,
                    Val::U16(_) => Type::U16,
                    Val::S16(_) => Type::S16,
                    Val::U32(_) => Type::U32,
                    Val::S32(_) => Type::S32,
                    Val::U64(_) => Type::U64,
                    Val::S64(_) => Type::S64,
                    Val::Float32(_) => Type::Float32,
                    Val::Float64(_) => Type::Float64,
                    _ => return None,
                };
                typed_array(&ty)
            });
            if let Some((kind, size)) = number {
                let mut bytes = Vec::with_capacity(items.len() * size);
                items.iter().for_each(|x| number_bytes(x, &mut bytes));
                return new_typed_array(env, kind, size, &bytes);
            }
            let array = env.array(items.len())?;
            for (i, x) in items.iter().enumerate() {
                env.set_element(array, i as u32, to_js_untyped(env, store, x)?)?;
            }
            array
        }
        Val::Record(fields) => {
            let o = env.object()?;
            for (name, x) in fields {
                env.set_named(o, &camel(name), to_js_untyped(env, store, x)?)?;
            }
            o
        }
        Val::Tuple(items) => {
            let array = env.array(items.len())?;
            for (i, x) in items.iter().enumerate() {
                env.set_element(array, i as u32, to_js_untyped(env, store, x)?)?;
            }
            array
        }
        Val::Variant(tag, payload) => {
            let val = match payload {
                Some(p) => Some(to_js_untyped(env, store, p)?),
                None => None,
            };
            tagged(env, tag, val)?
        }
        Val::Enum(name) => env.string(name)?,
        Val::Option(x) => match x.as_deref() {
            Some(inner @ Val::Option(_)) => {
                tagged(env, "some", Some(to_js_untyped(env, store, inner)?))?
            }
            Some(x) => to_js_untyped(env, store, x)?,
            None => env.undefined()?,
        },
        Val::Result(x) => {
            let (tag, payload) = match x {
                Ok(p) => ("ok", p),
                Err(p) => ("err", p),
            };
            let val = match payload {
                Some(p) => Some(to_js_untyped(env, store, p)?),
                None => None,
            };
            tagged(env, tag, val)?
        }
        Val::Flags(set) => {
            let o = env.object()?;
            for name in set {
                env.set_named(o, &camel(name), env.boolean(true)?)?;
            }
            o
        }
        Val::Resource(r) => resource_value(env, store, r.clone())?,
    })
}

/// A host function's result from JS when its import's type is unknown,
/// shaped like `like` (the zero value of the result's type the engine
/// gives): numbers, strings, records, tuples and enums follow it; what it
/// cannot show (the payload of an option, the elements of a list) is read
/// from the JS value's own kind.
pub(crate) fn from_js_like(env: Env, v: Value, like: &Val) -> JsResult<Val> {
    let ty = match like {
        Val::Bool(_) => Type::Bool,
        Val::S8(_) => Type::S8,
        Val::U8(_) => Type::U8,
        Val::S16(_) => Type::S16,
        Val::U16(_) => Type::U16,
        Val::S32(_) => Type::S32,
        Val::U32(_) => Type::U32,
        Val::S64(_) => Type::S64,
        Val::U64(_) => Type::U64,
        Val::Float32(_) => Type::Float32,
        Val::Float64(_) => Type::Float64,
        Val::Char(_) => Type::Char,
        Val::String(_) => Type::String,
        Val::Record(fields) => {
            if env.type_of(v)? != sys::ValueType::napi_object {
                return type_error(env, "an object (a record)", v);
            }
            let mut out = Vec::new();
            for (name, x) in fields {
                out.push((
                    name.clone(),
                    from_js_like(env, env.named(v, &camel(name))?, x)?,
                ));
            }
            return Ok(Val::Record(out));
        }
        Val::Tuple(items) => {
            let mut out = Vec::new();
            for (i, x) in items.iter().enumerate() {
                out.push(from_js_like(env, env.element(v, i as u32)?, x)?);
            }
            return Ok(Val::Tuple(out));
        }
        Val::Enum(_) => return Ok(Val::Enum(env.get_string(v)?)),
        _ => return from_js_inferred(env, v),
    };
    from_js(env, v, &ty)
}

/// A value read from the JS value's kind alone.
fn from_js_inferred(env: Env, v: Value) -> JsResult<Val> {
    Ok(match env.type_of(v)? {
        sys::ValueType::napi_undefined | sys::ValueType::napi_null => Val::Option(None),
        sys::ValueType::napi_boolean => Val::Bool(env.get_bool(v)?),
        sys::ValueType::napi_string => Val::String(env.get_string(v)?),
        sys::ValueType::napi_bigint => Val::S64(env.get_bigint_i64(v)?),
        sys::ValueType::napi_number => Val::Float64(env.get_f64(v)?),
        sys::ValueType::napi_external => Val::Resource(resource_of(env, v)?),
        _ => {
            if call!(env, napi_is_array(v))? {
                let n = env.array_len(v)?;
                let mut items = Vec::new();
                for i in 0..n {
                    items.push(from_js_inferred(env, env.element(v, i)?)?);
                }
                Val::List(items)
            } else {
                return Err(env.throw_type_error(
                    "a host function of the dynamic path returned a value whose type \
                     its result's zero value does not show; use a generated glue's import",
                ));
            }
        }
    })
}
