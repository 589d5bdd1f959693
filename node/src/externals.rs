//! `Memory`, `Table` and `Global`: native halves of the JS classes, attached
//! to the JS object with `napi_wrap`.

use crate::js::{call, callback, CallInfo, Env, JsResult, Value};
use crate::store::{attach_keepalive, enforce_u32, EntityKey, StoreCell, StoreRef};
use crate::values::{default_value, parse_val_type, to_js, to_wasm, val_type_name};
use kiln::Val;
use napi::sys;
use std::ffi::c_void;

pub(crate) const MEMORY_TAG: sys::napi_type_tag = sys::napi_type_tag {
    lower: 0x6b69_6c6e_5f6d_656d,
    upper: 0x1a2b_3c4d_5e6f_7081,
};
pub(crate) const TABLE_TAG: sys::napi_type_tag = sys::napi_type_tag {
    lower: 0x6b69_6c6e_5f74_6162,
    upper: 0x2a3b_4c5d_6e7f_8091,
};
pub(crate) const GLOBAL_TAG: sys::napi_type_tag = sys::napi_type_tag {
    lower: 0x6b69_6c6e_5f67_6c6f,
    upper: 0x3a4b_5c6d_7e8f_90a1,
};

/// The native half of a JS `Memory`, `Table` or `Global`.
pub(crate) struct ExternHandle {
    pub store: StoreRef,
    pub key: EntityKey,
}

unsafe extern "C" fn finalize_extern(_env: sys::napi_env, data: *mut c_void, _hint: *mut c_void) {
    // SAFETY: `data` is the `ExternHandle` boxed by `attach`, finalized once.
    let handle = unsafe { Box::from_raw(data as *mut ExternHandle) };
    handle.store.forget_object(handle.key);
}

/// Makes `object` the JS object of `key` in `store`, tagged `tag`.
fn attach(
    env: Env,
    store: &StoreRef,
    object: Value,
    key: EntityKey,
    tag: &'static sys::napi_type_tag,
) -> JsResult<()> {
    let data = Box::into_raw(Box::new(ExternHandle {
        store: store.clone(),
        key,
    }));
    if let Err(thrown) = env.wrap(object, data as *mut c_void, finalize_extern) {
        // SAFETY: the wrap failed, so no finalizer will free `data`.
        drop(unsafe { Box::from_raw(data) });
        return Err(thrown);
    }
    env.type_tag(object, tag)?;
    attach_keepalive(env, store, object)?;
    store.remember_object(env, key, object)
}

/// The JS object of an entity exported by an instance: the one already
/// shown to JS, or a new object of the right class.
pub(crate) fn extern_object(env: Env, store: &StoreRef, key: EntityKey) -> JsResult<Value> {
    if let Some(existing) = store.object(env, key)? {
        return Ok(existing);
    }
    if let EntityKey::Func(f) = key {
        return crate::func::func_object(env, store, f);
    }
    let tag = match key {
        EntityKey::Memory(_) => &MEMORY_TAG,
        EntityKey::Table(_) => &TABLE_TAG,
        _ => &GLOBAL_TAG,
    };
    let class = crate::globals::get(env, |g| match key {
        EntityKey::Memory(_) => g.memory_class,
        EntityKey::Table(_) => g.table_class,
        _ => g.global_class,
    })?;
    let token = crate::globals::get(env, |g| g.internal_token)?;
    let object = env.new_instance(class, &[token])?;
    attach(env, store, object, key, tag)?;
    Ok(object)
}

/// The native half of a JS object of one of the three classes, if it is one.
pub(crate) fn extern_handle<'a>(
    env: Env,
    object: Value,
    tag: &sys::napi_type_tag,
) -> JsResult<Option<&'a ExternHandle>> {
    let ptr = env.unwrap_tagged(object, tag)?;
    // SAFETY: objects with these tags wrap an `ExternHandle`, alive with them.
    Ok(ptr.map(|p| unsafe { &*(p as *const ExternHandle) }))
}

fn this_handle<'a>(
    env: Env,
    object: Value,
    tag: &sys::napi_type_tag,
    class: &str,
) -> JsResult<&'a ExternHandle> {
    extern_handle(env, object, tag)?
        .ok_or_else(|| env.throw_type_error(&format!("the receiver is not a WebAssembly.{class}")))
}

/// The store and entity of a JS `Memory`, `Table` or `Global` (`tag`).
fn entity_of<T>(
    env: Env,
    object: Value,
    tag: &sys::napi_type_tag,
    class: &str,
    pick: impl FnOnce(EntityKey) -> Option<T>,
) -> JsResult<(StoreRef, T)> {
    let handle = this_handle(env, object, tag, class)?;
    let entity = pick(handle.key).expect("the tag says which kind of entity it wraps");
    Ok((handle.store.clone(), entity))
}

/// The JS API's limit on a table's elements ("Limits" in the JS API):
/// tables may declare a larger maximum, but never hold more.
const MAX_TABLE_ELEMENTS: u32 = 10_000_000;

/// The most pages a 32-bit memory has (4 GiB).
const MAX_MEMORY_PAGES: u32 = 65536;

/// A descriptor's `initial` and optional `maximum`, checked against each
/// other, `initial` against `most`, and `maximum` against `most` too when
/// `bound_maximum` (a memory's maximum is bounded, a table's is not).
fn limits(
    env: Env,
    initial: Value,
    maximum: Value,
    most: u32,
    bound_maximum: bool,
    unit: &str,
) -> JsResult<(u32, Option<u32>)> {
    let initial = enforce_u32(env, initial, "initial")?;
    let maximum = match optional(env, maximum)? {
        Some(v) => Some(enforce_u32(env, v, "maximum")?),
        None => None,
    };
    if initial > most || (bound_maximum && maximum.is_some_and(|m| m > most)) {
        return Err(env.throw_range_error(&format!("at most {most} {unit} are allowed")));
    }
    if maximum.is_some_and(|m| m < initial) {
        return Err(env.throw_range_error("the maximum is below the initial size"));
    }
    Ok((initial, maximum))
}

fn optional(env: Env, v: Value) -> JsResult<Option<Value>> {
    Ok(match env.type_of(v)? {
        sys::ValueType::napi_undefined => None,
        _ => Some(v),
    })
}

/// `v` converted to `ty`, or the JS API's `DefaultValue(ty)` when `v` is
/// undefined: WebIDL makes an optional argument passed as undefined a
/// missing one.
fn value_or_default(env: Env, store: &StoreRef, v: Value, ty: kiln::ValType) -> JsResult<Val> {
    match optional(env, v)? {
        Some(v) => to_wasm(env, store, v, ty),
        None => default_value(env, store, ty),
    }
}

/// Argument `i` converted to `ty`, or `DefaultValue(ty)` when it was not
/// passed. An explicit undefined is converted: `Table.prototype.set` tells
/// the two apart, as V8 does and the JS API tests require (`set(0,
/// undefined)` on a funcref table is a TypeError, `set(0)` puts null).
fn given_or_default<const N: usize>(
    env: Env,
    store: &StoreRef,
    ci: &CallInfo<N>,
    i: usize,
    ty: kiln::ValType,
) -> JsResult<Val> {
    if ci.argc > i {
        to_wasm(env, store, ci.arg(i), ty)
    } else {
        default_value(env, store, ty)
    }
}

fn range_error(env: Env, e: kiln::Error) -> crate::js::Thrown {
    env.throw_range_error(&e.to_string())
}

/// A BigInt from 0 to 2^64 - 1 that `lib/webidl.js`'s `addressValue` made
/// (so that anything else is the addon's own mistake).
fn converted_u64(env: Env, v: Value) -> JsResult<u64> {
    env.get_bigint_u64(v)?.ok_or_else(|| {
        env.throw_type_error("internal error: expected a BigInt address from 0 to 2^64 - 1")
    })
}

/// An address argument of a memory or table (an index, a size or a
/// delta), as the JS API's `AddressValueToU64(v, addressType)` converts it:
/// for a 32-bit memory or table an `[EnforceRange] unsigned long`, for a
/// 64-bit one (memory64) `ToBigInt(v)` from 0 to 2^64 - 1, which
/// `lib/webidl.js` does, since it runs user code (`valueOf`, `toString`).
/// Out of range is a TypeError naming `what`.
fn address_arg(env: Env, is_64: bool, v: Value, what: &str) -> JsResult<u64> {
    if !is_64 {
        return enforce_u32(env, v, what).map(u64::from);
    }
    let convert = crate::globals::get(env, |g| g.to_address64)?;
    let what = env.string(what)?;
    let converted = env.call_function(env.undefined()?, convert, &[v, what])?;
    converted_u64(env, converted)
}

/// The JS API's `U64ToAddressValue(n, addressType)`: a Number for a 32-bit
/// memory or table (whose sizes always fit), a BigInt for a 64-bit one.
fn address_value(env: Env, is_64: bool, n: u64) -> JsResult<Value> {
    if is_64 {
        env.bigint_u64(n)
    } else {
        env.uint32(saturate_u32(n))
    }
}

/// A descriptor's `initial` and optional `maximum` of a 64-bit memory or
/// table, BigInts `lib/webidl.js` converted.
fn limits64(env: Env, initial: Value, maximum: Value) -> JsResult<kiln::Limits> {
    let min = converted_u64(env, initial)?;
    let max = match optional(env, maximum)? {
        Some(v) => Some(converted_u64(env, v)?),
        None => None,
    };
    Ok(kiln::Limits { min, max })
}

/// `memoryNew(this, initial, maximum, is64)`: a 32-bit memory of Numbers
/// `initial` and `maximum` (converted here), or a 64-bit one (memory64) of
/// BigInts `lib/webidl.js` converted. Limits past what the memory's address
/// type allows, or a memory the host cannot give (every memory holds at
/// most 4 GiB), are a RangeError, as the JS API says of an invalid memory
/// type and of a failed allocation.
pub(crate) unsafe extern "C" fn memory_new(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> Value {
    callback(env, |env| {
        let ci = env.cb_info::<4>(info)?;
        let ty = if env.get_bool(ci.arg(3))? {
            let limits = limits64(env, ci.arg(1), ci.arg(2))?;
            kiln::MemoryType::try_new(limits, true, false, 16).map_err(|e| range_error(env, e))?
        } else {
            let (initial, maximum) =
                limits(env, ci.arg(1), ci.arg(2), MAX_MEMORY_PAGES, true, "pages")?;
            kiln::MemoryType::new(initial, maximum)
        };
        let store = StoreCell::loose(env)?;
        let memory = store
            .with(|cx| kiln::Memory::new(cx, ty))?
            .map_err(|e| range_error(env, e))?;
        attach(
            env,
            &store,
            ci.arg(0),
            EntityKey::Memory(memory),
            &MEMORY_TAG,
        )?;
        env.undefined()
    })
}

fn memory_of(env: Env, object: Value) -> JsResult<(StoreRef, kiln::Memory)> {
    entity_of(env, object, &MEMORY_TAG, "Memory", |key| match key {
        EntityKey::Memory(m) => Some(m),
        _ => None,
    })
}

unsafe extern "C" fn finalize_buffer(_env: sys::napi_env, _data: *mut c_void, hint: *mut c_void) {
    // SAFETY: `hint` is the store reference boxed by `memory_buffer`.
    drop(unsafe { Box::from_raw(hint as *mut StoreRef) });
}

/// `memoryBuffer(memory)`: the ArrayBuffer over the memory's current bytes,
/// the same one until the memory grows. Kiln memories never move, so the
/// bytes stay where they are; the buffer holds the store so that they stay
/// mapped as long as it lives.
pub(crate) unsafe extern "C" fn memory_buffer(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> Value {
    callback(env, |env| {
        let ci = env.cb_info::<1>(info)?;
        let (store, memory) = memory_of(env, ci.arg(0))?;
        let len = store.with(|cx| memory.data_size(&cx))?;
        if let Some(buffer) = store.cached_buffer(env, memory, len)? {
            return Ok(buffer);
        }
        // (Past the cache: a shared memory never has a buffer there.)
        if store.with(|cx| memory.ty(&cx).is_shared())? {
            // A shared memory's buffer is a SharedArrayBuffer, which must not
            // detach when the memory grows; an ArrayBuffer would. Node-API
            // makes no SharedArrayBuffer in Node 20, and in later versions
            // only over memory V8 allocates, never over the engine's.
            return Err(env.throw_type_error(
                "the buffer of a shared memory cannot be shown to JavaScript: \
                 Node-API cannot make a SharedArrayBuffer over a Kiln memory",
            ));
        }
        let (ptr, len) = store.with(|mut cx| {
            let bytes = memory.data_mut(&mut cx);
            (bytes.as_mut_ptr(), bytes.len())
        })?;
        let buffer = if len == 0 {
            let mut data = std::ptr::null_mut();
            call!(env, napi_create_arraybuffer(0, &mut data))?
        } else {
            let hint = Box::into_raw(Box::new(store.clone()));
            call!(
                env,
                napi_create_external_arraybuffer(
                    ptr as *mut c_void,
                    len,
                    Some(finalize_buffer),
                    hint as *mut c_void
                )
            )
            .inspect_err(|_| {
                // SAFETY: the buffer was not made, so its finalizer will not run.
                drop(unsafe { Box::from_raw(hint) });
            })?
        };
        store.set_buffer(env, memory, buffer, len)?;
        Ok(buffer)
    })
}

/// `memoryByteLength(memory)`: the current size in bytes.
pub(crate) unsafe extern "C" fn memory_byte_length(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> Value {
    callback(env, |env| {
        let ci = env.cb_info::<1>(info)?;
        let (store, memory) = memory_of(env, ci.arg(0))?;
        let len = store.with(|cx| memory.data_size(&cx))?;
        env.double(len as f64)
    })
}

/// `memoryGrow(memory, delta)`: the old size in pages (a BigInt for a
/// 64-bit memory, whose `delta` is one too).
pub(crate) unsafe extern "C" fn memory_grow(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> Value {
    callback(env, |env| {
        let ci = env.cb_info::<2>(info)?;
        let (store, memory) = memory_of(env, ci.arg(0))?;
        let is_64 = store.with(|cx| memory.ty(&cx).is_64())?;
        let delta = address_arg(env, is_64, ci.arg(1), "delta")?;
        let old = store
            .with(|cx| memory.grow(cx, delta))?
            .map_err(|e| range_error(env, e))?;
        // The JS API detaches the buffer on every grow, even by 0 pages.
        store.set_buffer_stale(env, memory)?;
        address_value(env, is_64, old)
    })
}

fn table_of(env: Env, object: Value) -> JsResult<(StoreRef, kiln::Table)> {
    entity_of(env, object, &TABLE_TAG, "Table", |key| match key {
        EntityKey::Table(t) => Some(t),
        _ => None,
    })
}

/// `tableNew(this, element, initial, maximum, value, is64)`: a 32-bit
/// table of Numbers `initial` and `maximum` (converted here), or a 64-bit
/// one (table64) of BigInts `lib/webidl.js` converted. An undefined value
/// is the element type's default.
pub(crate) unsafe extern "C" fn table_new(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> Value {
    callback(env, |env| {
        let ci = env.cb_info::<6>(info)?;
        let element = env.get_string(ci.arg(1))?;
        let element = match parse_val_type(&element) {
            Some(t) if t.is_ref() => t,
            _ => {
                return Err(env.throw_type_error(&format!(
                    "a table's element type is \"anyfunc\" or \"externref\", not {element:?}"
                )))
            }
        };
        let ty = if env.get_bool(ci.arg(5))? {
            let limits = limits64(env, ci.arg(2), ci.arg(3))?;
            // The JS API's limit on elements holds whatever the address type.
            if limits.min > u64::from(MAX_TABLE_ELEMENTS) {
                return Err(env.throw_range_error(&format!(
                    "at most {MAX_TABLE_ELEMENTS} elements are allowed"
                )));
            }
            if limits.max.is_some_and(|m| m < limits.min) {
                return Err(env.throw_range_error("the maximum is below the initial size"));
            }
            kiln::TableType::new64(element, limits.min, limits.max)
        } else {
            let (initial, maximum) = limits(
                env,
                ci.arg(2),
                ci.arg(3),
                MAX_TABLE_ELEMENTS,
                false,
                "elements",
            )?;
            kiln::TableType::new(element, initial, maximum)
        };
        let store = StoreCell::loose(env)?;
        let init = value_or_default(env, &store, ci.arg(4), element)?;
        let table = store
            .with(|cx| kiln::Table::new(cx, ty, init))?
            .map_err(|e| range_error(env, e))?;
        attach(env, &store, ci.arg(0), EntityKey::Table(table), &TABLE_TAG)?;
        env.undefined()
    })
}

/// `tableLength(table)`: a BigInt for a 64-bit table.
pub(crate) unsafe extern "C" fn table_length(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> Value {
    callback(env, |env| {
        let ci = env.cb_info::<1>(info)?;
        let (store, table) = table_of(env, ci.arg(0))?;
        let (is_64, size) = store.with(|cx| (table.ty(&cx).is_64(), table.size(&cx)))?;
        address_value(env, is_64, size)
    })
}

/// `tableGet(table, index)`.
pub(crate) unsafe extern "C" fn table_get(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> Value {
    callback(env, |env| {
        let ci = env.cb_info::<2>(info)?;
        let (store, table) = table_of(env, ci.arg(0))?;
        let is_64 = store.with(|cx| table.ty(&cx).is_64())?;
        let index = address_arg(env, is_64, ci.arg(1), "index")?;
        let value = store.with(|cx| table.get(cx, index))?;
        match value {
            Some(v) => to_js(env, &store, &v),
            None => Err(env.throw_range_error(&format!("table index {index} is out of bounds"))),
        }
    })
}

/// `tableSet(table, index, value)`; a missing value is the type's default.
pub(crate) unsafe extern "C" fn table_set(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> Value {
    callback(env, |env| {
        let ci = env.cb_info::<3>(info)?;
        let (store, table) = table_of(env, ci.arg(0))?;
        let ty = store.with(|cx| table.ty(&cx))?;
        let index = address_arg(env, ty.is_64(), ci.arg(1), "index")?;
        let value = given_or_default(env, &store, &ci, 2, ty.element())?;
        store
            .with(|cx| table.set(cx, index, value))?
            .map_err(|_| env.throw_range_error(&format!("table index {index} is out of bounds")))?;
        env.undefined()
    })
}

/// `tableGrow(table, delta, value)`: the old length (a BigInt for a 64-bit
/// table, whose `delta` is one too). An undefined value is the type's
/// default; past `MAX_TABLE_ELEMENTS`, a RangeError.
pub(crate) unsafe extern "C" fn table_grow(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> Value {
    callback(env, |env| {
        let ci = env.cb_info::<3>(info)?;
        let (store, table) = table_of(env, ci.arg(0))?;
        let is_64 = store.with(|cx| table.ty(&cx).is_64())?;
        let delta = address_arg(env, is_64, ci.arg(1), "delta")?;
        let (element, size) = store.with(|cx| (table.ty(&cx).element(), table.size(&cx)))?;
        if size.saturating_add(delta) > u64::from(MAX_TABLE_ELEMENTS) {
            return Err(env.throw_range_error(&format!(
                "a table holds at most {MAX_TABLE_ELEMENTS} elements: it cannot grow from {size} by {delta}"
            )));
        }
        let init = value_or_default(env, &store, ci.arg(2), element)?;
        let old = store
            .with(|cx| table.grow(cx, delta, init))?
            .map_err(|e| range_error(env, e))?;
        address_value(env, is_64, old)
    })
}

fn global_of(env: Env, object: Value) -> JsResult<(StoreRef, kiln::Global)> {
    entity_of(env, object, &GLOBAL_TAG, "Global", |key| match key {
        EntityKey::Global(g) => Some(g),
        _ => None,
    })
}

/// `globalNew(this, valueType, mutable, value)`; an undefined value is the
/// type's default.
pub(crate) unsafe extern "C" fn global_new(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> Value {
    callback(env, |env| {
        let ci = env.cb_info::<4>(info)?;
        let name = env.get_string(ci.arg(1))?;
        let Some(ty) = parse_val_type(&name).filter(|t| *t != kiln::ValType::V128) else {
            return Err(env.throw_type_error(&format!("{name:?} is not a global's value type")));
        };
        let mutable = env.get_bool(ci.arg(2))?;
        let store = StoreCell::loose(env)?;
        let value = value_or_default(env, &store, ci.arg(3), ty)?;
        let mutability = if mutable {
            kiln::Mutability::Var
        } else {
            kiln::Mutability::Const
        };
        let global = store
            .with(|cx| kiln::Global::new(cx, kiln::GlobalType::new(ty, mutability), value))?
            .map_err(|e| env.throw_type_error(&e.to_string()))?;
        attach(
            env,
            &store,
            ci.arg(0),
            EntityKey::Global(global),
            &GLOBAL_TAG,
        )?;
        env.undefined()
    })
}

/// `globalGet(global)`.
pub(crate) unsafe extern "C" fn global_get(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> Value {
    callback(env, |env| {
        let ci = env.cb_info::<1>(info)?;
        let (store, global) = global_of(env, ci.arg(0))?;
        let value = store.with(|cx| global.get(cx))?;
        to_js(env, &store, &value)
    })
}

/// `globalSet(global, value)`.
pub(crate) unsafe extern "C" fn global_set(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> Value {
    callback(env, |env| {
        let ci = env.cb_info::<2>(info)?;
        let (store, global) = global_of(env, ci.arg(0))?;
        let ty = store.with(|cx| global.ty(&cx))?;
        if ty.mutability() == kiln::Mutability::Const {
            return Err(env.throw_type_error("the global is immutable"));
        }
        let value = to_wasm(env, &store, ci.arg(1), ty.content())?;
        store
            .with(|cx| global.set(cx, value))?
            .map_err(|e| env.throw_type_error(&e.to_string()))?;
        env.undefined()
    })
}

/// `globalType(global)`: `{value, mutable}` as the JS API describes it.
pub(crate) unsafe extern "C" fn global_type(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> Value {
    callback(env, |env| {
        let ci = env.cb_info::<1>(info)?;
        let (store, global) = global_of(env, ci.arg(0))?;
        let ty = store.with(|cx| global.ty(&cx))?;
        let o = env.object()?;
        env.set_named(o, "value", env.string(val_type_name(ty.content()))?)?;
        env.set_named(
            o,
            "mutable",
            env.boolean(ty.mutability() == kiln::Mutability::Var)?,
        )?;
        Ok(o)
    })
}

/// A size of a 32-bit memory or table for the JS API: the engine's 64-bit
/// sizes of those always fit, and anything larger saturates.
fn saturate_u32(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
