//! `Instance`: resolving imports to Kiln externs in one store, instantiating,
//! and fuel and timeouts for metered instances.

use crate::externals::{extern_handle, extern_object, GLOBAL_TAG, MEMORY_TAG, TABLE_TAG};
use crate::func::{func_handle, host_func, throw_call_error};
use crate::globals::{throw, ErrorClass};
use crate::js::{callback, Env, JsResult, Value};
use crate::module::module_handle;
use crate::store::{attach_keepalive, engines, EntityKey, StoreCell, StoreRef};
use crate::values::to_wasm;
use crate::wasi::{wasi_import, WasiImport};
use napi::sys;
use std::ffi::c_void;
use std::rc::Rc;

/// What a JS `Instance` holds natively: its store, for fuel.
struct InstanceHandle {
    store: StoreRef,
}

unsafe extern "C" fn finalize_instance(_env: sys::napi_env, data: *mut c_void, _hint: *mut c_void) {
    // SAFETY: `data` is the `InstanceHandle` boxed by `instantiate`, finalized once.
    drop(unsafe { Box::from_raw(data as *mut InstanceHandle) });
}

/// The store an imported memory, table or global belongs to.
fn import_store(env: Env, v: Value) -> JsResult<Option<StoreRef>> {
    for tag in [&MEMORY_TAG, &TABLE_TAG, &GLOBAL_TAG] {
        if let Some(h) = extern_handle(env, v, tag)? {
            return Ok(Some(h.store.clone()));
        }
    }
    Ok(None)
}

/// Instance options: `fuel` (a Number or BigInt budget) and `timeout` (ms
/// per call from JS).
struct Options {
    fuel: Option<u64>,
    timeout_ms: Option<u64>,
    limits: Option<kiln::StoreLimits>,
}

fn read_options(env: Env, v: Value) -> JsResult<Options> {
    let mut options = Options {
        fuel: None,
        timeout_ms: None,
        limits: None,
    };
    if env.type_of(v)? != sys::ValueType::napi_object {
        return Ok(options);
    }
    let fuel = env.named(v, "fuel")?;
    options.fuel = match env.type_of(fuel)? {
        sys::ValueType::napi_undefined => None,
        _ => Some(fuel_amount(env, fuel)?),
    };
    let timeout = env.named(v, "timeout")?;
    options.timeout_ms = match env.type_of(timeout)? {
        sys::ValueType::napi_undefined => None,
        _ => {
            let n = env.to_number(timeout)?;
            if n.is_nan() || n <= 0.0 {
                return Err(
                    env.throw_range_error("timeout must be a positive number of milliseconds")
                );
            }
            Some(n.ceil() as u64)
        }
    };
    let limits = env.named(v, "limits")?;
    options.limits = match env.type_of(limits)? {
        sys::ValueType::napi_undefined => None,
        sys::ValueType::napi_object => Some(read_limits(env, limits)?),
        _ => return Err(env.throw_type_error("limits must be an object")),
    };
    Ok(options)
}

/// `{ memorySize, tableElements, instances, tables, memories }`: each a
/// non-negative bound, missing ones unbounded.
fn read_limits(env: Env, v: Value) -> JsResult<kiln::StoreLimits> {
    let bound = |name: &str| -> JsResult<i64> {
        let value = env.named(v, name)?;
        if env.type_of(value)? == sys::ValueType::napi_undefined {
            return Ok(-1);
        }
        let n = env.to_number(value)?;
        if n.is_nan() || n < 0.0 {
            return Err(
                env.throw_range_error(&format!("limits.{name} must be a non-negative number"))
            );
        }
        Ok(n.min(i64::MAX as f64) as i64)
    };
    Ok(kiln::StoreLimits::from_signed(
        bound("memorySize")?,
        bound("tableElements")?,
        bound("instances")?,
        bound("tables")?,
        bound("memories")?,
    ))
}

/// An amount of fuel: a non-negative Number or BigInt.
fn fuel_amount(env: Env, v: Value) -> JsResult<u64> {
    if env.type_of(v)? == sys::ValueType::napi_bigint {
        let n = env.get_bigint_i64(v)?;
        return u64::try_from(n).map_err(|_| env.throw_range_error("fuel must not be negative"));
    }
    let n = env.to_number(v)?;
    if n.is_nan() || n < 0.0 {
        return Err(env.throw_range_error("fuel must be a non-negative number"));
    }
    Ok(n.min(u64::MAX as f64) as u64)
}

/// `instantiate(module, importValues, options)`: `[handle, export0, export1, ...]`,
/// the exports in the module's order.
/// `importValues` has one value per import, in the module's order (the JS
/// layer looked them up in the import object).
pub(crate) unsafe extern "C" fn instantiate(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> Value {
    callback(env, |env| {
        let ci = env.cb_info::<3>(info)?;
        let handle = module_handle(env, ci.arg(0))?;
        let values = ci.arg(1);
        let options = read_options(env, ci.arg(2))?;
        let metered = options.fuel.is_some() || options.timeout_ms.is_some();
        let count = env.array_len(values)?;
        let mut import_values = Vec::with_capacity(count as usize);
        for i in 0..count {
            import_values.push(env.element(values, i)?);
        }

        // The store: the one every imported memory, table and global belongs
        // to, or a new one. Imported wasm functions of other stores are called
        // through proxies, so that an instance that imports only functions can
        // be freed on its own.
        let mut store: Option<StoreRef> = None;
        for v in &import_values {
            if let Some(s) = import_store(env, *v)? {
                match &store {
                    Some(existing) if !Rc::ptr_eq(existing, &s) => {
                        return Err(throw(
                            env,
                            ErrorClass::Link,
                            "the imported memories, tables and globals come from different groups of instances: kiln-wasm links them only with the instances they were created with or for",
                        ));
                    }
                    _ => store = Some(s),
                }
            }
        }
        let store = match store {
            Some(s) => {
                if s.is_metered() != metered {
                    return Err(throw(
                        env,
                        ErrorClass::Link,
                        "an instance with fuel or a timeout can import memories, tables and globals only from instances that also have them",
                    ));
                }
                s
            }
            None => {
                let engine = if metered {
                    &engines().metered
                } else {
                    &engines().plain
                };
                StoreCell::new(env, engine)?
            }
        };
        let module = handle.for_engine(env, metered)?;

        let mut externs = Vec::with_capacity(import_values.len());
        let mut wasi: Option<WasiImport> = None;
        for (import, v) in module.imports().zip(&import_values) {
            let what = || format!("import {:?} \"{}\"", import.module(), import.name());
            let ext = match import.ty() {
                kiln::ExternType::Func(ty) => {
                    if let Some(handle) = func_handle(env, *v)? {
                        if Rc::ptr_eq(&handle.store, &store) {
                            kiln::Extern::Func(handle.func)
                        } else {
                            kiln::Extern::Func(crate::func::proxy_func(env, &store, handle)?)
                        }
                    } else if let Some(w) = wasi_import(env, *v)? {
                        let func = w.func(env, &store, import.name(), &mut wasi)?;
                        kiln::Extern::Func(func)
                    } else if env.type_of(*v)? == sys::ValueType::napi_function {
                        kiln::Extern::Func(host_func(env, &store, *v, ty.clone())?)
                    } else {
                        return Err(throw(
                            env,
                            ErrorClass::Link,
                            &format!("{} must be a function", what()),
                        ));
                    }
                }
                kiln::ExternType::Memory(_) | kiln::ExternType::Table(_) => {
                    let (tag, class) = match import.ty() {
                        kiln::ExternType::Memory(_) => (&MEMORY_TAG, "Memory"),
                        _ => (&TABLE_TAG, "Table"),
                    };
                    match extern_handle(env, *v, tag)? {
                        Some(h) => extern_of(h.key),
                        None => {
                            let message = format!("{} must be a WebAssembly.{class}", what());
                            return Err(throw(env, ErrorClass::Link, &message));
                        }
                    }
                }
                kiln::ExternType::Global(ty) => match extern_handle(env, *v, &GLOBAL_TAG)? {
                    Some(h) => extern_of(h.key),
                    None => kiln::Extern::Global(global_from_value(env, &store, *v, ty, &what())?),
                },
            };
            externs.push(ext);
        }
        if let Some(w) = wasi.take() {
            w.install(env, &store)?;
        }

        // The same whether this runs at top level or inside a host function
        // of the store: its context is the caller's then. (The epoch
        // deadline is not set here: a metered store's is never reached but
        // during a call with a timeout, see `func::call_with_timeout`.)
        if metered {
            let fuel = options.fuel.unwrap_or(u64::MAX);
            store
                .with(|mut cx| cx.set_fuel(fuel))?
                .map_err(|e| env.throw_type_error(&e.to_string()))?;
            store.timeout_ms.set(options.timeout_ms);
        }
        if let Some(limits) = options.limits {
            store.with(|mut cx| cx.set_limits(limits))?;
        }
        store.claim();

        let instance =
            crate::func::call_with_timeout(&store, |cx| kiln::Instance::new(cx, module, &externs))?
                .map_err(|e| match e.kind() {
                    kiln::ErrorKind::Link => throw(env, ErrorClass::Link, &e.to_string()),
                    _ => throw_call_error(env, e),
                })?;

        store.refresh_buffers(env)?;
        let exports = store.with(|cx| instance.exports(cx))?;
        // The JS side has the export names (in the same order) already.
        let result = env.array(1 + exports.len())?;
        let data = Box::into_raw(Box::new(InstanceHandle {
            store: store.clone(),
        }));
        let external = env
            .external(data as *mut c_void, finalize_instance)
            .inspect_err(|_| {
                // SAFETY: the external was not made, so nothing else owns `data`.
                drop(unsafe { Box::from_raw(data) });
            })?;
        attach_keepalive(env, &store, external)?;
        env.set_element(result, 0, external)?;
        for (i, (_, ext)) in exports.iter().enumerate() {
            let key = match ext {
                kiln::Extern::Func(f) => EntityKey::Func(*f),
                kiln::Extern::Memory(m) => EntityKey::Memory(*m),
                kiln::Extern::Table(t) => EntityKey::Table(*t),
                kiln::Extern::Global(g) => EntityKey::Global(*g),
            };
            env.set_element(result, 1 + i as u32, extern_object(env, &store, key)?)?;
        }
        Ok(result)
    })
}

fn extern_of(key: EntityKey) -> kiln::Extern {
    match key {
        EntityKey::Func(f) => kiln::Extern::Func(f),
        EntityKey::Memory(m) => kiln::Extern::Memory(m),
        EntityKey::Table(t) => kiln::Extern::Table(t),
        EntityKey::Global(g) => kiln::Extern::Global(g),
    }
}

/// A global import given as a plain value: the JS API allows a Number (or
/// a BigInt for i64) for an immutable global.
fn global_from_value(
    env: Env,
    store: &StoreRef,
    v: Value,
    ty: &kiln::GlobalType,
    what: &str,
) -> JsResult<kiln::Global> {
    let content = ty.content();
    let kind = env.type_of(v)?;
    let fits = match content {
        kiln::ValType::I64 => kind == sys::ValueType::napi_bigint,
        kiln::ValType::I32 | kiln::ValType::F32 | kiln::ValType::F64 => {
            kind == sys::ValueType::napi_number
        }
        _ => false,
    };
    if ty.mutability() == kiln::Mutability::Var || !fits {
        return Err(throw(
            env,
            ErrorClass::Link,
            &format!("{what} must be a WebAssembly.Global, or a Number (a BigInt for i64) for an immutable global"),
        ));
    }
    let value = to_wasm(env, store, v, content)?;
    store
        .with(|cx| kiln::Global::new(cx, *ty, value))?
        .map_err(|e| throw(env, ErrorClass::Link, &e.to_string()))
}

fn instance_store<'a>(env: Env, v: Value) -> JsResult<&'a StoreRef> {
    let ptr = env.external_value(v)?;
    // SAFETY: the JS layer passes only the externals `instantiate` made,
    // alive while the JS `Instance` holding them is.
    Ok(&unsafe { &*(ptr as *const InstanceHandle) }.store)
}

/// `instanceFuel(handle)`: the fuel left, as a Number (or `undefined` for
/// an instance made without fuel or a timeout).
pub(crate) unsafe extern "C" fn instance_fuel(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> Value {
    callback(env, |env| {
        let ci = env.cb_info::<1>(info)?;
        let store = instance_store(env, ci.arg(0))?;
        if !store.is_metered() {
            return env.undefined();
        }
        let fuel = store.with(|cx| cx.get_fuel())?;
        match fuel {
            Ok(f) => env.double(f as f64),
            Err(e) => Err(env.throw_type_error(&e.to_string())),
        }
    })
}

/// `instanceSetFuel(handle, fuel)`.
pub(crate) unsafe extern "C" fn instance_set_fuel(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> Value {
    callback(env, |env| {
        let ci = env.cb_info::<2>(info)?;
        let store = instance_store(env, ci.arg(0))?;
        if !store.is_metered() {
            return Err(env.throw_type_error(
                "this instance was made without fuel: pass { fuel } when instantiating",
            ));
        }
        let fuel = fuel_amount(env, ci.arg(1))?;
        store
            .with(|mut cx| cx.set_fuel(fuel))?
            .map_err(|e| env.throw_type_error(&e.to_string()))?;
        env.undefined()
    })
}
