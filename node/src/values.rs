//! The JS API's value conversions: `ToWebAssemblyValue` and `ToJSValue`.

use crate::func::{func_handle, func_object};
use crate::js::{Env, Held, JsResult, Value};
use crate::store::StoreRef;
use kiln::{Val, ValType};
use napi::sys;
use std::rc::Rc;

/// A JS value held by wasm as an `externref`.
pub(crate) struct JsValueRef {
    env: Env,
    held: Held,
}

// SAFETY: externrefs made by this addon are created, read and dropped only
// on the JS thread that owns their store; Kiln's bound is for other embedders.
unsafe impl Send for JsValueRef {}
// SAFETY: as above.
unsafe impl Sync for JsValueRef {}

impl Drop for JsValueRef {
    fn drop(&mut self) {
        self.env.delete_reference(self.held.reference);
    }
}

/// `ToWebAssemblyValue(v, ty)`, for a value going to `store`.
pub(crate) fn to_wasm(env: Env, store: &StoreRef, v: Value, ty: ValType) -> JsResult<Val> {
    Ok(match ty {
        ValType::I32 => Val::I32(number_to_i32(env, v)?),
        ValType::I64 => Val::I64(to_bigint64(env, v)?),
        ValType::F32 => Val::F32((number_to_f64(env, v)? as f32).to_bits()),
        ValType::F64 => Val::F64(number_to_f64(env, v)?.to_bits()),
        ValType::V128 => {
            return Err(env.throw_type_error("v128 values cannot cross into JavaScript"))
        }
        ValType::ExternRef => {
            if env.type_of(v)? == sys::ValueType::napi_null {
                Val::ExternRef(None)
            } else {
                let held = env.hold(v)?;
                Val::ExternRef(Some(kiln::ExternRef::new(JsValueRef { env, held })))
            }
        }
        ValType::FuncRef => Val::FuncRef(to_funcref(env, store, v)?),
    })
}

/// The JS API's `DefaultValue(ty)`: for externref `ToWebAssemblyValue(undefined)`
/// (a reference to undefined, not null), otherwise the type's zero or null.
pub(crate) fn default_value(env: Env, store: &StoreRef, ty: ValType) -> JsResult<Val> {
    match ty {
        ValType::ExternRef => to_wasm(env, store, env.undefined()?, ty),
        _ => Ok(Val::default_for(ty)),
    }
}

/// `ToInt32(ToNumber(v))`. Numbers (the common case) skip the coercion;
/// Node-API's int32 read wraps as ToInt32 does.
#[inline]
fn number_to_i32(env: Env, v: Value) -> JsResult<i32> {
    match env.number_i32(v) {
        Some(n) => Ok(n),
        None => Ok(to_int32(env.to_number(v)?)),
    }
}

/// `ToNumber(v)`, with Numbers read directly.
#[inline]
fn number_to_f64(env: Env, v: Value) -> JsResult<f64> {
    match env.number_f64(v) {
        Some(n) => Ok(n),
        None => env.to_number(v),
    }
}

/// `ToInt32`: wraps modulo 2^32; NaN and infinities give 0.
fn to_int32(n: f64) -> i32 {
    if !n.is_finite() {
        return 0;
    }
    let wrapped = n.trunc().rem_euclid(4_294_967_296.0);
    wrapped as u32 as i32
}

/// `ToBigInt64`: a BigInt modulo 2^64. BigInts are read directly; anything
/// else goes through the package's `toBigInt64` (`BigInt.asIntN(64, v)`,
/// taken when it loaded), which runs `ToBigInt` itself: objects through
/// `ToPrimitive` (their `valueOf` or `toString`), booleans as 0n and 1n,
/// strings parsed as BigInt literals, and a TypeError for Numbers, Symbols,
/// undefined and null.
fn to_bigint64(env: Env, v: Value) -> JsResult<i64> {
    if env.type_of(v)? == sys::ValueType::napi_bigint {
        return env.get_bigint_i64(v);
    }
    let convert = crate::globals::get(env, |g| g.to_big_int64)?;
    let converted = env.call_function(env.undefined()?, convert, &[v])?;
    env.get_bigint_i64(converted)
}

fn to_funcref(env: Env, store: &StoreRef, v: Value) -> JsResult<Option<kiln::Func>> {
    if env.type_of(v)? == sys::ValueType::napi_null {
        return Ok(None);
    }
    let Some(handle) = func_handle(env, v)? else {
        return Err(env.throw_type_error(
            "a funcref value must be null or a function exported by WebAssembly",
        ));
    };
    if Rc::ptr_eq(&handle.store, store) {
        Ok(Some(handle.func))
    } else {
        crate::func::proxy_func(env, store, handle).map(Some)
    }
}

/// `ToJSValue(val)` for a value read from `store`.
pub(crate) fn to_js(env: Env, store: &StoreRef, val: &Val) -> JsResult<Value> {
    match val {
        Val::I32(v) => env.int32(*v),
        Val::I64(v) => env.bigint_i64(*v),
        Val::F32(bits) => env.double(f32::from_bits(*bits) as f64),
        Val::F64(bits) => env.double(f64::from_bits(*bits)),
        Val::V128(_) => Err(env.throw_type_error("v128 values cannot cross into JavaScript")),
        Val::FuncRef(None) | Val::ExternRef(None) => env.null(),
        Val::FuncRef(Some(f)) => match store.proxied(*f) {
            // A proxy shows as the function it stands for.
            Some((source, func)) => func_object(env, &source, func),
            None => func_object(env, store, *f),
        },
        Val::ExternRef(Some(r)) => match r.data().downcast_ref::<JsValueRef>() {
            Some(js) => env.held_value(&js.held),
            None => env.undefined(),
        },
        _ => Err(env.throw_type_error("this value type cannot cross into JavaScript")),
    }
}

/// Parses a JS API value type name (`"i32"`, `"anyfunc"`, ...).
pub(crate) fn parse_val_type(name: &str) -> Option<ValType> {
    Some(match name {
        "i32" => ValType::I32,
        "i64" => ValType::I64,
        "f32" => ValType::F32,
        "f64" => ValType::F64,
        "v128" => ValType::V128,
        "anyfunc" | "funcref" => ValType::FuncRef,
        "externref" => ValType::ExternRef,
        _ => return None,
    })
}

/// The JS API's name of a value type.
pub(crate) fn val_type_name(ty: ValType) -> &'static str {
    match ty {
        ValType::I32 => "i32",
        ValType::I64 => "i64",
        ValType::F32 => "f32",
        ValType::F64 => "f64",
        ValType::V128 => "v128",
        ValType::FuncRef => "anyfunc",
        ValType::ExternRef => "externref",
    }
}
