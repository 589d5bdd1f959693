//! Function instances: host functions defined from C callbacks, and calls.

use crate::externs::wasm_func_t;
use crate::guard;
use crate::reference::{Finalizer, HostInfo};
use crate::store::{lend_while, store_mut, wasm_store_t, StoreData};
use crate::trap::wasm_trap_t;
use crate::types::wasm_functype_t;
use crate::val::{wasm_val_t, wasm_val_vec_t};
use kiln::{AsContextMut, Caller, Error, Func, FuncType, Val};
use smallvec::SmallVec;
use std::ffi::c_void;

/// `wasm_func_callback_t`.
pub type wasm_func_callback_t = unsafe extern "C" fn(
    args: *const wasm_val_vec_t,
    results: *mut wasm_val_vec_t,
) -> *mut wasm_trap_t;

/// `wasm_func_callback_with_env_t`.
pub type wasm_func_callback_with_env_t = unsafe extern "C" fn(
    env: *mut c_void,
    args: *const wasm_val_vec_t,
    results: *mut wasm_val_vec_t,
) -> *mut wasm_trap_t;

/// The C function behind a host function.
pub(crate) enum Callback {
    Plain(wasm_func_callback_t),
    /// The environment is finalized when the store drops the function.
    WithEnv(wasm_func_callback_with_env_t, HostInfo),
    /// As `WithEnv`, and the callback also sees its caller.
    WithCaller(crate::kiln::caller::kiln_func_callback_t, HostInfo),
}

/// Runs a C callback as the body of a Kiln host function, lending the
/// caller's store to the operations the callback performs.
pub(crate) fn call_host(
    caller: &mut Caller<'_, StoreData>,
    callback: &Callback,
    ty: &FuncType,
    params: &[Val],
    results: &mut [Val],
) -> kiln::Result<()> {
    let store = caller.data().this;
    let user_data = caller.data().user_data.0;
    // The callback borrows both vectors (it may write `out`'s elements but
    // not resize it), so up to 16 values each way stay on the stack.
    // Filled in place, not collected and moved: see `wasm_func_call`.
    let mut args: SmallVec<[wasm_val_t; 16]> = SmallVec::new();
    args.extend(params.iter().map(|p| wasm_val_t::from_kiln(store.0, p)));
    let mut outs: SmallVec<[wasm_val_t; 16]> = SmallVec::new();
    outs.extend(ty.results().iter().map(|t| wasm_val_t::zero(*t)));
    let args_vec = wasm_val_vec_t {
        size: args.len(),
        data: args.as_mut_ptr(),
    };
    let mut out_vec = wasm_val_vec_t {
        size: outs.len(),
        data: outs.as_mut_ptr(),
    };
    let mut c_caller = crate::kiln::caller::kiln_caller_t::new(store.0, caller.instance());
    // SAFETY: `store` is the live store the caller belongs to; both vectors
    // and the caller describe live objects for the length of the call.
    let trap = unsafe {
        lend_while(store.0, caller.as_context_mut(), || match callback {
            Callback::Plain(f) => f(&args_vec, &mut out_vec),
            Callback::WithEnv(f, env) => f(env.info, &args_vec, &mut out_vec),
            Callback::WithCaller(f, env) => {
                f(env.info, &mut c_caller, user_data, &args_vec, &mut out_vec)
            }
        })
    };
    let mut collected = Ok(());
    if trap.is_null() {
        for (i, ((slot, t), out)) in results.iter_mut().zip(ty.results()).zip(&outs).enumerate() {
            // SAFETY: a result the callback wrote is a valid value.
            match unsafe { out.kiln_val(Some(*t)) } {
                Some(v) if v.ty() == *t => *slot = v,
                _ => {
                    collected = Err(Error::msg(format!(
                        "host function result {i} is not of type {t}"
                    )));
                    break;
                }
            }
        }
    }
    for v in args.iter_mut().chain(outs.iter_mut()) {
        // SAFETY: every element owns its reference (made by `from_kiln`, or
        // written by the callback as an owned value), released once here.
        unsafe { v.release() };
    }
    if !trap.is_null() {
        // SAFETY: the callback returned an owned trap.
        let trap = unsafe { Box::from_raw(trap) };
        return Err(trap.to_error());
    }
    collected
}

/// Defines a host function in `store`.
///
/// # Safety
/// `store` must be null or a live store.
pub(crate) unsafe fn new_func(
    store: *mut wasm_store_t,
    ty: Option<&wasm_functype_t>,
    callback: Callback,
) -> Option<Box<wasm_func_t>> {
    let ty = ty?.inner().ty.clone();
    if store.is_null() {
        return None;
    }
    let fty = ty.clone();
    // SAFETY: `store` is live (caller's guarantee).
    let func = Func::new(
        unsafe { store_mut(store) },
        ty,
        move |mut caller, params, results| call_host(&mut caller, &callback, &fty, params, results),
    );
    Some(wasm_func_t::new(store, func))
}

#[no_mangle]
pub unsafe extern "C" fn wasm_func_new(
    store: *mut wasm_store_t,
    ty: Option<&wasm_functype_t>,
    callback: Option<wasm_func_callback_t>,
) -> Option<Box<wasm_func_t>> {
    // SAFETY: `store` is null or live.
    guard(None, || unsafe {
        new_func(store, ty, Callback::Plain(callback?))
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_func_new_with_env(
    store: *mut wasm_store_t,
    ty: Option<&wasm_functype_t>,
    callback: Option<wasm_func_callback_with_env_t>,
    env: *mut c_void,
    finalizer: Option<Finalizer>,
) -> Option<Box<wasm_func_t>> {
    guard(None, || {
        // The environment is finalized even when the function is not made.
        let env = HostInfo {
            info: env,
            finalizer,
        };
        let callback = Callback::WithEnv(callback?, env);
        // SAFETY: `store` is null or live.
        unsafe { new_func(store, ty, callback) }
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_func_type(
    func: Option<&wasm_func_t>,
) -> Option<Box<wasm_functype_t>> {
    guard(None, || {
        let func = func?;
        // SAFETY: the function is live, so its store is; the context
        // is dropped before this call returns (`store_mut`'s rule).
        let ty = func.handle().ty(unsafe { func.store() });
        Some(wasm_functype_t::from_kiln(ty))
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_func_param_arity(func: Option<&wasm_func_t>) -> usize {
    guard(0, || {
        // SAFETY: the function is live, so its store is; the context
        // is dropped before this call returns (`store_mut`'s rule).
        func.map_or(0, |f| f.handle().ty(unsafe { f.store() }).params().len())
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_func_result_arity(func: Option<&wasm_func_t>) -> usize {
    guard(0, || {
        // SAFETY: the function is live, so its store is; the context
        // is dropped before this call returns (`store_mut`'s rule).
        func.map_or(0, |f| f.handle().ty(unsafe { f.store() }).results().len())
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_func_call(
    func: Option<&wasm_func_t>,
    args: *const wasm_val_vec_t,
    results: *mut wasm_val_vec_t,
) -> *mut wasm_trap_t {
    let fail = |msg: &str| {
        Box::into_raw(wasm_trap_t::from_error(
            std::ptr::null_mut(),
            &Error::msg(msg),
            None,
        ))
    };
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let Some(func) = func else {
            return fail("wasm_func_call: the function is NULL");
        };
        let store_ptr = func.ext.store();
        // SAFETY: the function is live, so its store is; the context
        // is dropped before this call returns (`store_mut`'s rule).
        let mut store = unsafe { func.store() };
        let ty = func.handle().ty(&store);
        // SAFETY: `args` is null or a valid vector of valid values.
        let args = unsafe { args.as_ref() }.map_or(&[][..], |a| unsafe { a.as_slice() });
        if args.len() != ty.params().len() {
            return fail(&format!(
                "function expects {} arguments, got {}",
                ty.params().len(),
                args.len()
            ));
        }
        // Up to 16 values each way stay on the stack, filled in place: a
        // collected vector moved into place copies its 512 inline bytes.
        let mut params: SmallVec<[Val; 16]> = SmallVec::new();
        for (i, (a, t)) in args.iter().zip(ty.params()).enumerate() {
            // SAFETY: reference payloads of valid values are null or live.
            match unsafe { a.kiln_val(Some(*t)) } {
                Some(v) if v.ty() == *t => params.push(v),
                _ => return fail(&format!("argument {i} is not of type {t}")),
            }
        }
        // SAFETY: `results` is null or a valid vector.
        let out = unsafe { results.as_mut() };
        // A vector whose data is NULL has room for nothing, whatever its size.
        let room = out
            .as_ref()
            .map_or(0, |o| if o.data.is_null() { 0 } else { o.size });
        if room < ty.results().len() {
            return fail(&format!(
                "function returns {} results, but the results vector has room for {room}",
                ty.results().len()
            ));
        }
        let mut values: SmallVec<[Val; 16]> = SmallVec::new();
        values.extend(ty.results().iter().map(|t| Val::default_for(*t)));
        match func.handle().call(&mut store, &params, &mut values) {
            Ok(()) => {
                if let Some(out) = out {
                    for (i, v) in values.iter().enumerate() {
                        // SAFETY: the vector has room for every result; the
                        // previous contents are not released (they may be
                        // uninitialised), as the standard specifies.
                        unsafe { out.data.add(i).write(wasm_val_t::from_kiln(store_ptr, v)) };
                    }
                }
                std::ptr::null_mut()
            }
            Err(err) => Box::into_raw(wasm_trap_t::from_error(store_ptr, &err, func.ext.r.origin)),
        }
    }));
    outcome.unwrap_or_else(|_| fail("wasm_func_call: internal error (panic)"))
}
