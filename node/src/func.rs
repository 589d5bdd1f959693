//! Exported functions (native JS functions that call wasm directly) and host
//! functions (JS functions that wasm imports).

use crate::globals::{throw, ErrorClass};
use crate::js::{callback, Env, JsResult, Thrown, Value};
use crate::store::{attach_keepalive, Context, EntityKey, HostState, StoreCell, StoreRef};
use crate::values::{to_js, to_wasm};
use kiln::{AsContextMut, Val};
use napi::sys;
use rustc_hash::FxHashSet;
use smallvec::SmallVec;
use std::cell::RefCell;
use std::ffi::c_void;
use std::rc::{Rc, Weak};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::thread::Thread;
use std::time::Duration;

thread_local! {
    /// The handle of every live function object this addon made on this
    /// thread: a wrapped function is one of ours if its pointer is here.
    /// (Type-tagging each function instead cost about a tenth of making it.)
    static LIVE_FUNCS: RefCell<FxHashSet<usize>> = RefCell::new(FxHashSet::default());
}

/// The handle of `v`, if it is a function object this addon made. It lives
/// as long as `v`.
pub(crate) fn func_handle<'a>(env: Env, v: Value) -> JsResult<Option<&'a FuncHandle>> {
    if env.type_of(v)? != sys::ValueType::napi_function {
        return Ok(None);
    }
    let mut data = std::ptr::null_mut();
    // SAFETY: `v` is a live function handle of this environment; an object
    // that wraps nothing makes this fail without throwing.
    let status = unsafe { sys::napi_unwrap(env.0, v, &mut data) };
    if status != sys::Status::napi_ok
        || !LIVE_FUNCS.with(|live| live.borrow().contains(&(data as usize)))
    {
        return Ok(None);
    }
    // SAFETY: live pointers in `LIVE_FUNCS` are handles wrapped by their
    // function objects (`wrap_handle`), freed only by their finalizers.
    Ok(Some(unsafe { &*(data as *const FuncHandle) }))
}

/// What an exported function object wraps (through `Rc::into_raw`); also
/// the callback data of a native one.
pub(crate) struct FuncHandle {
    pub store: StoreRef,
    pub func: kiln::Func,
    pub ty: kiln::FuncType,
    /// A wasm function of numbers, whose JS function calls it through the
    /// shared slots (see `numeric`), has its id there.
    numeric: Option<u32>,
}

unsafe extern "C" fn finalize_func(_env: sys::napi_env, data: *mut c_void, _hint: *mut c_void) {
    // SAFETY: `data` is the handle `func_object` leaked with `Rc::into_raw`
    // for this wrap, finalized once.
    let handle = unsafe { Rc::from_raw(data as *const FuncHandle) };
    LIVE_FUNCS.with(|live| live.borrow_mut().remove(&(data as usize)));
    handle.store.forget_object(EntityKey::Func(handle.func));
    if let Some(id) = handle.numeric {
        crate::numeric::unregister(id);
    }
}

/// The JS function for `func`: the same object each time while it lives.
pub(crate) fn func_object(env: Env, store: &StoreRef, func: kiln::Func) -> JsResult<Value> {
    let key = EntityKey::Func(func);
    if let Some(existing) = store.object(env, key)? {
        return Ok(existing);
    }
    let (ty, index) = store.with(|cx| (func.ty(&cx), func.module_index(&cx)))?;
    // The JS API names an exported function after its index in its module.
    let numeric = index.zip(crate::numeric::signature(&ty));
    let object = match numeric {
        // Its closure holds the store's keepalive.
        Some((index, signature)) => numeric_func_object(env, store, func, ty, &signature, index)?,
        None => {
            let name = index.map(|i| i.to_string()).unwrap_or_default();
            let object = native_func_object(env, store, func, ty, &name)?;
            attach_keepalive(env, store, object)?;
            object
        }
    };
    store.remember_object(env, key, object)?;
    Ok(object)
}

/// An exported function of numbers: a JS function made by `lib/calls.js`.
fn numeric_func_object(
    env: Env,
    store: &StoreRef,
    func: kiln::Func,
    ty: kiln::FuncType,
    signature: &str,
    index: u32,
) -> JsResult<Value> {
    let raw = store
        .with(|cx| func.to_raw(&cx))?
        .map_err(|e| throw_kiln_error(env, e))?;
    let (id, handle) = crate::numeric::register_next(raw, |id| {
        Rc::new(FuncHandle {
            store: store.clone(),
            func,
            ty,
            numeric: Some(id),
        })
    });
    let made = store.keepalive_array(env).and_then(|keepalive| {
        let object = crate::numeric::function(env, signature, id, index, keepalive)?;
        wrap_handle(env, object, handle)?;
        Ok(object)
    });
    if made.is_err() {
        crate::numeric::unregister(id);
    }
    made
}

/// Any other exported function: a native function whose data is its handle.
fn native_func_object(
    env: Env,
    store: &StoreRef,
    func: kiln::Func,
    ty: kiln::FuncType,
    name: &str,
) -> JsResult<Value> {
    let params = ty.params().len() as u32;
    let handle = Rc::new(FuncHandle {
        store: store.clone(),
        func,
        ty,
        numeric: None,
    });
    let object = env.function(name, call_exported, Rc::as_ptr(&handle) as *mut c_void)?;
    wrap_handle(env, object, handle)?;
    define_length(env, object, params)?;
    Ok(object)
}

/// Makes `object` own a reference to `handle`, dropped when it is collected.
fn wrap_handle(env: Env, object: Value, handle: Rc<FuncHandle>) -> JsResult<()> {
    let data = Rc::into_raw(handle) as *mut c_void;
    env.wrap(object, data, finalize_func).inspect_err(|_| {
        // SAFETY: the wrap failed, so no finalizer will release `data`.
        drop(unsafe { Rc::from_raw(data as *const FuncHandle) });
    })?;
    LIVE_FUNCS.with(|live| live.borrow_mut().insert(data as usize));
    Ok(())
}

/// Sets a function's `length` (its parameter count), which Node-API leaves 0.
fn define_length(env: Env, object: Value, length: u32) -> JsResult<()> {
    let value = env.uint32(length)?;
    let property = sys::napi_property_descriptor {
        utf8name: c"length".as_ptr(),
        name: std::ptr::null_mut(),
        method: None,
        getter: None,
        setter: None,
        value,
        attributes: sys::PropertyAttributes::configurable,
        data: std::ptr::null_mut(),
    };
    crate::js::call0!(env, napi_define_properties(object, 1, &property))
}

/// The callback of every exported function.
unsafe extern "C" fn call_exported(env: sys::napi_env, info: sys::napi_callback_info) -> Value {
    callback(env, |env| {
        let ci = env.cb_info::<8>(info)?;
        // SAFETY: the data of an exported function is its `FuncHandle`, owned
        // by the function object that is being called.
        let handle = unsafe { &*(ci.data as *const FuncHandle) };
        let param_types = handle.ty.params();
        let mut params: SmallVec<[Val; 8]> = SmallVec::with_capacity(param_types.len());
        if param_types.len() <= ci.args.len() {
            for (i, ty) in param_types.iter().enumerate() {
                params.push(to_wasm(env, &handle.store, ci.arg(i), *ty)?);
            }
        } else {
            let all = all_args(env, info, param_types.len())?;
            for (v, ty) in all.iter().zip(param_types) {
                params.push(to_wasm(env, &handle.store, *v, *ty)?);
            }
        }
        let mut results: SmallVec<[Val; 4]> = handle
            .ty
            .results()
            .iter()
            .map(|t| Val::default_for(*t))
            .collect();
        let outcome = call(&handle.store, handle.func, &params, &mut results)?;
        handle.store.refresh_buffers(env)?;
        if let Err(err) = outcome {
            return Err(throw_call_error(env, err));
        }
        results_to_js(env, &handle.store, &results)
    })
}

fn all_args(env: Env, info: sys::napi_callback_info, n: usize) -> JsResult<Vec<Value>> {
    let mut args = vec![std::ptr::null_mut(); n];
    let mut argc = n;
    crate::js::call0!(
        env,
        napi_get_cb_info(
            info,
            &mut argc,
            args.as_mut_ptr(),
            std::ptr::null_mut(),
            std::ptr::null_mut()
        )
    )?;
    Ok(args)
}

/// A call's results as JS sees them: `undefined`, the value, or an array.
pub(crate) fn results_to_js(env: Env, store: &StoreRef, results: &[Val]) -> JsResult<Value> {
    match results {
        [] => env.undefined(),
        [one] => to_js(env, store, one),
        many => {
            let array = env.array(many.len())?;
            for (i, v) in many.iter().enumerate() {
                let v = to_js(env, store, v)?;
                env.set_element(array, i as u32, v)?;
            }
            Ok(array)
        }
    }
}

/// Runs `f` on `store`, applying the store's per-call timeout if it has one.
///
/// A call from JS made inside another (by a host function of the store) is
/// a call from JS too, with the same timeout, but it also stops at the outer
/// call's deadline if that comes first; the outer call's deadline is put
/// back when it returns.
pub(crate) fn call_with_timeout<R>(
    store: &StoreCell,
    f: impl FnOnce(Context<'_>) -> R,
) -> JsResult<R> {
    store.with(|mut cx| {
        let Some(ms) = store.timeout_ms.get() else {
            return f(cx);
        };
        let outer = store.deadline.get();
        let now = epoch();
        let deadline = now.saturating_add(ms.max(1)).min(outer.unwrap_or(u64::MAX));
        store.deadline.set(Some(deadline));
        cx.set_epoch_deadline(deadline.saturating_sub(now));
        let result = with_ticker(|| f(cx.as_context_mut()));
        store.deadline.set(outer);
        cx.set_epoch_deadline(match outer {
            Some(outer) => outer.saturating_sub(epoch()),
            None => NO_DEADLINE,
        });
        result
    })
}

/// Calls `func` in `store` (see [`call_with_timeout`]).
pub(crate) fn call(
    store: &StoreCell,
    func: kiln::Func,
    params: &[Val],
    results: &mut [Val],
) -> JsResult<kiln::Result<()>> {
    call_with_timeout(store, |cx| func.call(cx, params, results))
}

/// Throws what a failed call into wasm should throw: the exception a host
/// function threw, unchanged, or a `RuntimeError` for a trap.
pub(crate) fn throw_call_error(env: Env, err: kiln::Error) -> Thrown {
    match err.downcast::<crate::exception::JsException>() {
        Ok(exception) => exception.throw(env),
        Err(err) => throw_kiln_error(env, err),
    }
}

/// Throws the JS API's error for a Kiln error.
pub(crate) fn throw_kiln_error(env: Env, err: kiln::Error) -> Thrown {
    use kiln::ErrorKind;
    match err.kind() {
        ErrorKind::Validation | ErrorKind::Compile => {
            throw(env, ErrorClass::Compile, &err.to_string())
        }
        ErrorKind::Link => throw(env, ErrorClass::Link, &err.to_string()),
        ErrorKind::Usage => env.throw_type_error(&err.to_string()),
        ErrorKind::ResourceLimit => env.throw_range_error(&err.to_string()),
        ErrorKind::Exit => {
            let code = err.i32_exit().unwrap_or(1);
            match crate::wasi::exit_error(env, code) {
                Ok(error) => env.throw(error),
                Err(thrown) => thrown,
            }
        }
        _ => throw(env, ErrorClass::Runtime, &err.to_string()),
    }
}

/// A JS function imported by wasm: held weakly (the store's keepalive array
/// holds it strongly), with the store it belongs to.
struct HostFunction {
    env: Env,
    function: sys::napi_ref,
    store: Weak<StoreCell>,
}

// SAFETY: host functions are created, called and dropped only on the JS
// thread of their store; Kiln's `Send + Sync` bound serves other embedders.
unsafe impl Send for HostFunction {}
// SAFETY: as above.
unsafe impl Sync for HostFunction {}

impl HostFunction {
    /// Holds `function` for wasm to call: weakly here, strongly in the
    /// store's keepalive array.
    fn new(env: Env, store: &StoreRef, function: Value) -> JsResult<HostFunction> {
        store.keep(env, function)?;
        Ok(HostFunction {
            env,
            function: env.reference(function, 0)?,
            store: Rc::downgrade(store),
        })
    }

    /// The JS function (or trampoline) wasm calls.
    fn function(&self) -> JsResult<Value> {
        self.env.reference_value(self.function)?.ok_or_else(|| {
            self.env
                .throw_type_error("the imported function was collected")
        })
    }
}

impl Drop for HostFunction {
    fn drop(&mut self) {
        self.env.delete_reference(self.function);
    }
}

/// Makes `function` (a JS function) a wasm function of type `ty` in `store`.
pub(crate) fn host_func(
    env: Env,
    store: &StoreRef,
    function: Value,
    ty: kiln::FuncType,
) -> JsResult<kiln::Func> {
    if let Some(signature) = crate::numeric::signature(&ty) {
        return numeric_host_func(env, store, function, ty, &signature);
    }
    let host = HostFunction::new(env, store, function)?;
    store.with(|cx| {
        kiln::Func::new(cx, ty, move |caller, params, results| {
            run_host(&host, caller, params, results)
        })
    })
}

/// Runs `body` as the body of a host function of `store`: in its own handle
/// scope (a wasm loop may call thousands of times within one JS call), with
/// the store lent to JS as `cx`, the context of the host function's caller,
/// and a JS exception kept to be rethrown by the call that entered wasm.
fn in_host_call(
    env: Env,
    store: &Weak<StoreCell>,
    cx: Context<'_>,
    body: impl FnOnce(&StoreRef) -> JsResult<kiln::Result<()>>,
) -> kiln::Result<()> {
    let Some(store) = store.upgrade() else {
        return Err(kiln::Error::msg("the calling store is gone"));
    };
    env.in_handle_scope(|| {
        let run = || {
            // A memory that grew may have moved: a buffer JS holds over it
            // must be detached before JS runs.
            if crate::config::memories_may_move() {
                store.refresh_buffers(env)?;
            }
            body(&store)
        };
        match store.lend(cx, run) {
            Ok(r) => r,
            Err(Thrown) => Err(crate::exception::take_as_error(env)),
        }
    })
}

/// A JS function imported with a type of numbers: wasm calls it through a
/// trampoline that takes its arguments from the shared slots (see
/// `numeric`).
fn numeric_host_func(
    env: Env,
    store: &StoreRef,
    function: Value,
    ty: kiln::FuncType,
    signature: &str,
) -> JsResult<kiln::Func> {
    let trampoline = crate::numeric::import_trampoline(env, signature, function)?;
    let host = HostFunction::new(env, store, trampoline)?;
    let types = ty.clone();
    let made = store.with(|cx| {
        kiln::Func::new_numeric(cx, ty, move |caller, slots| {
            run_numeric_host(&host, caller, slots, &types)
        })
    })?;
    made.map_err(|e| throw_kiln_error(env, e))
}

/// Runs an imported JS function of numbers for wasm.
fn run_numeric_host(
    host: &HostFunction,
    mut caller: kiln::Caller<'_, HostState>,
    slots: &mut [u128],
    ty: &kiln::FuncType,
) -> kiln::Result<()> {
    let env = host.env;
    in_host_call(env, &host.store, caller.as_context_mut(), |_| {
        let trampoline = host.function()?;
        crate::numeric::write_shared(env, slots, ty.params())?;
        // The trampoline is an arrow function, which ignores its receiver,
        // and calls the import with `undefined`: any value will do here, and
        // the trampoline itself costs no call to fetch.
        env.call_function(trampoline, trampoline, &[])?;
        crate::numeric::read_shared(env, slots, ty.results())?;
        Ok(Ok(()))
    })
}

/// Runs a JS host function for wasm.
fn run_host(
    host: &HostFunction,
    mut caller: kiln::Caller<'_, HostState>,
    params: &[Val],
    results: &mut [Val],
) -> kiln::Result<()> {
    let env = host.env;
    in_host_call(env, &host.store, caller.as_context_mut(), |store| {
        let function = host.function()?;
        let mut args: SmallVec<[Value; 8]> = SmallVec::with_capacity(params.len());
        for p in params {
            args.push(to_js(env, store, p)?);
        }
        let this = env.undefined()?;
        let returned = env.call_function(this, function, &args)?;
        match results.len() {
            0 => {}
            1 => results[0] = to_wasm(env, store, returned, results[0].ty())?,
            n => {
                // Any iterable of `n` values, as for numeric imports.
                let read = crate::globals::get(env, |g| g.host_results)?;
                let values = env.call_function(this, read, &[returned, env.uint32(n as u32)?])?;
                for (i, r) in results.iter_mut().enumerate() {
                    let v = env.element(values, i as u32)?;
                    *r = to_wasm(env, store, v, r.ty())?;
                }
            }
        }
        Ok(Ok(()))
    })
}

/// A function of another store, callable from this one.
struct Proxy {
    env: Env,
    target: Weak<StoreCell>,
    source: StoreRef,
    func: kiln::Func,
}

// SAFETY: proxies are created, called and dropped only on the JS thread of
// their stores; Kiln's `Send + Sync` bound serves other embedders.
unsafe impl Send for Proxy {}
// SAFETY: as above.
unsafe impl Sync for Proxy {}

/// Kiln links functions within a store, but the JS API lets any exported
/// function go into any table or instance: a function of another store is
/// placed in `target` as a host function that calls it there. JS sees the
/// proxy as the original function (see `values::to_js`).
pub(crate) fn proxy_func(env: Env, target: &StoreRef, source: &FuncHandle) -> JsResult<kiln::Func> {
    if let Some(existing) = target.proxy(&source.store, source.func) {
        return Ok(existing);
    }
    let proxy = Proxy {
        env,
        target: Rc::downgrade(target),
        source: source.store.clone(),
        func: source.func,
    };
    let ty = source.ty.clone();
    let func = target.with(|cx| {
        kiln::Func::new(cx, ty, move |caller, params, results| {
            run_proxy(&proxy, caller, params, results)
        })
    })?;
    target.add_proxy(func, &source.store, source.func);
    Ok(func)
}

/// A value moved between stores: function references go through their JS
/// object (which finds or makes the proxy), everything else as it is.
fn move_value(env: Env, from: &StoreRef, to: &StoreRef, v: &Val) -> JsResult<Val> {
    match v {
        Val::FuncRef(Some(_)) => {
            let js = to_js(env, from, v)?;
            to_wasm(env, to, js, kiln::ValType::FuncRef)
        }
        other => Ok(other.clone()),
    }
}

fn run_proxy(
    proxy: &Proxy,
    mut caller: kiln::Caller<'_, HostState>,
    params: &[Val],
    results: &mut [Val],
) -> kiln::Result<()> {
    let env = proxy.env;
    in_host_call(env, &proxy.target, caller.as_context_mut(), |target| {
        let source = &proxy.source;
        let mut source_params: SmallVec<[Val; 8]> = SmallVec::with_capacity(params.len());
        for p in params {
            source_params.push(move_value(env, target, source, p)?);
        }
        let mut source_results: SmallVec<[Val; 4]> =
            results.iter().map(|r| Val::default_for(r.ty())).collect();
        let outcome = call(source, proxy.func, &source_params, &mut source_results)?;
        source.refresh_buffers(env)?;
        // An exception a host function of the source store threw travels
        // on inside the error, unchanged.
        if let Err(err) = outcome {
            return Ok(Err(err));
        }
        for (r, v) in results.iter_mut().zip(&source_results) {
            *r = move_value(env, source, target, v)?;
        }
        Ok(Ok(()))
    })
}

/// A metered store's epoch deadline while no call with a timeout runs in
/// it, in ticks from now: never reached.
pub(crate) const NO_DEADLINE: u64 = u64::MAX / 2;

/// Calls in flight with a timeout; the ticker advances epochs only then.
static TIMED_CALLS: AtomicUsize = AtomicUsize::new(0);

/// The metered engine's epoch, which the ticker advances.
fn epoch() -> u64 {
    crate::store::engines().metered.current_epoch()
}

/// Runs `f` while the epoch ticker runs: once a millisecond it advances the
/// metered engine's epoch, which is how a timeout interrupts wasm.
fn with_ticker<R>(f: impl FnOnce() -> R) -> R {
    static TICKER: OnceLock<Thread> = OnceLock::new();
    let ticker = TICKER.get_or_init(|| {
        std::thread::Builder::new()
            .name("kiln-epoch".into())
            .spawn(|| loop {
                if TIMED_CALLS.load(Ordering::SeqCst) == 0 {
                    std::thread::park();
                    continue;
                }
                std::thread::sleep(Duration::from_millis(1));
                crate::store::engines().metered.increment_epoch();
            })
            .expect("the epoch thread starts")
            .thread()
            .clone()
    });
    TIMED_CALLS.fetch_add(1, Ordering::SeqCst);
    ticker.unpark();
    let result = f();
    TIMED_CALLS.fetch_sub(1, Ordering::SeqCst);
    result
}

/// `emptyNativeCall()` (a benchmark probe, see `probes.js`): does nothing, as
/// cheaply as an addon function can; the benchmark's floor for the cost of
/// crossing from JS into native code.
#[cfg(feature = "bench-probes")]
pub(crate) unsafe extern "C" fn empty_native_call(
    _env: sys::napi_env,
    _info: sys::napi_callback_info,
) -> Value {
    std::ptr::null_mut()
}

/// `callJsFunction(fn, times)` (a benchmark probe, see `probes.js`): calls
/// `fn` with no arguments `times` times, each call in its own handle scope, as
/// a host function's call is; the benchmark's floor for the cost of calling JS
/// from native code.
#[cfg(feature = "bench-probes")]
pub(crate) unsafe extern "C" fn call_js_function(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> Value {
    callback(env, |env| {
        let ci = env.cb_info::<2>(info)?;
        let times = env.get_f64(ci.arg(1))?;
        let this = env.undefined()?;
        for _ in 0..times.max(0.0) as u64 {
            env.in_handle_scope(|| env.call_function(this, ci.arg(0), &[]))?;
        }
        env.undefined()
    })
}
