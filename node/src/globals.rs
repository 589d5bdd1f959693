//! JS objects the addon needs from its JavaScript half, handed over once by
//! `init`: the error classes it throws, the classes it makes wrappers of, the
//! token that lets it construct them, and the keepalive symbol.

use crate::js::{Env, JsResult, Thrown, Value};
use napi::sys;
use std::cell::Cell;

#[derive(Clone, Copy)]
pub(crate) struct Globals {
    pub compile_error: sys::napi_ref,
    pub link_error: sys::napi_ref,
    pub runtime_error: sys::napi_ref,
    pub memory_class: sys::napi_ref,
    pub table_class: sys::napi_ref,
    pub global_class: sys::napi_ref,
    pub wasi_exit: sys::napi_ref,
    /// Passed to a wrapper class's constructor, it makes an empty object for
    /// the addon to attach an existing entity to.
    pub internal_token: sys::napi_ref,
    pub keepalive_symbol: sys::napi_ref,
    /// `lib/calls.js`'s maker of exported functions of numbers.
    pub make_numeric_export: sys::napi_ref,
    /// `lib/calls.js`'s maker of trampolines for imported functions of numbers.
    pub make_numeric_import: sys::napi_ref,
    /// `lib/calls.js`'s reader of a host function's several results.
    pub host_results: sys::napi_ref,
    /// `lib/webidl.js`'s `ToBigInt64` (`BigInt.asIntN(64, v)`).
    pub to_big_int64: sys::napi_ref,
    /// `lib/webidl.js`'s `AddressValueToU64(v, "i64")`, as `(v, what)`: the
    /// indices, sizes and deltas of 64-bit memories and tables.
    pub to_address64: sys::napi_ref,
}

thread_local! {
    static GLOBALS: Cell<Option<Globals>> = const { Cell::new(None) };
}

/// Reads the `init` argument's properties into strong references.
pub(crate) fn init(env: Env, from: Value) -> JsResult<()> {
    let get = |name: &str| -> JsResult<sys::napi_ref> {
        let v = env.named(from, name)?;
        env.reference(v, 1)
    };
    let globals = Globals {
        compile_error: get("CompileError")?,
        link_error: get("LinkError")?,
        runtime_error: get("RuntimeError")?,
        memory_class: get("Memory")?,
        table_class: get("Table")?,
        global_class: get("Global")?,
        wasi_exit: get("WASIExit")?,
        internal_token: get("internal")?,
        keepalive_symbol: get("keepalive")?,
        make_numeric_export: get("makeNumericExport")?,
        make_numeric_import: get("makeNumericImport")?,
        host_results: get("hostResults")?,
        to_big_int64: get("toBigInt64")?,
        to_address64: get("toAddress64")?,
    };
    let buffer = env.named(from, "numericBuffer")?;
    // Held for good, like the other globals: the addon writes to it.
    env.reference(buffer, 1)?;
    crate::numeric::init(env, buffer)?;
    GLOBALS.with(|g| g.set(Some(globals)));
    Ok(())
}

/// The value of one of the globals.
pub(crate) fn get(env: Env, which: impl FnOnce(&Globals) -> sys::napi_ref) -> JsResult<Value> {
    let Some(globals) = GLOBALS.with(|g| g.get()) else {
        return Err(env.throw_type_error("kiln-wasm's native addon was not initialised"));
    };
    env.reference_value(which(&globals))?
        .ok_or_else(|| env.throw_type_error("kiln-wasm's globals were collected"))
}

/// Which of the JS API's error classes to throw.
#[derive(Clone, Copy)]
pub(crate) enum ErrorClass {
    Compile,
    Link,
    Runtime,
}

/// Throws a new `CompileError`, `LinkError` or `RuntimeError` with `message`.
pub(crate) fn throw(env: Env, class: ErrorClass, message: &str) -> Thrown {
    let make = || -> JsResult<Value> {
        let constructor = get(env, |g| match class {
            ErrorClass::Compile => g.compile_error,
            ErrorClass::Link => g.link_error,
            ErrorClass::Runtime => g.runtime_error,
        })?;
        let message = env.string(message)?;
        env.new_instance(constructor, &[message])
    };
    match make() {
        Ok(error) => env.throw(error),
        Err(thrown) => thrown,
    }
}
