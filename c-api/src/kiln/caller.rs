//! Host functions that see their caller, and host functions over raw
//! slots: what bindings need beyond `wasm_func_callback_with_env_t` (the
//! calling instance's exports, and calls that convert nothing).

use crate::externs::{wasm_extern_t, wasm_func_t};
use crate::func::{call_host, new_func, Callback};
use crate::guard;
use crate::kiln::func::kiln_val_raw_t;
use crate::reference::HostInfo;
use crate::store::{lend_while, store_mut, wasm_store_t, StoreData};
use crate::trap::wasm_trap_t;
use crate::types::wasm_functype_t;
use crate::val::wasm_val_vec_t;
use kiln::{AsContextMut, Caller, FuncType, Instance};
use std::ffi::c_void;

/// What a host function sees of the wasm that called it (see
/// `kiln_caller_export_get`). Borrowed by the callback for the length of
/// the call only.
pub struct kiln_caller_t {
    store: *mut wasm_store_t,
    instance: Option<Instance>,
}

impl kiln_caller_t {
    pub(crate) fn new(store: *mut wasm_store_t, instance: Option<Instance>) -> kiln_caller_t {
        kiln_caller_t { store, instance }
    }
}

/// A host function that sees its caller: called with the `env` it was
/// defined with, the caller, its arguments and room for its results (as
/// `wasm_func_callback_with_env_t`). Returns NULL, or an owned trap that
/// unwinds the wasm that called it.
pub(crate) type kiln_func_callback_t = unsafe extern "C" fn(
    env: *mut c_void,
    caller: *mut kiln_caller_t,
    store_data: *mut c_void,
    args: *const wasm_val_vec_t,
    results: *mut wasm_val_vec_t,
) -> *mut wasm_trap_t;

/// A host function of numbers over raw slots: `slots` holds `nslots`
/// slots, the arguments in the first ones on entry; the callback writes
/// its results from the first slot on. Nothing is converted or allocated
/// on the way in or out. Returns NULL or an owned trap.
pub(crate) type kiln_func_raw_callback_t = unsafe extern "C" fn(
    env: *mut c_void,
    caller: *mut kiln_caller_t,
    store_data: *mut c_void,
    slots: *mut kiln_val_raw_t,
    nslots: usize,
) -> *mut wasm_trap_t;

/// Runs a raw C callback as the body of a numeric host function, lending
/// the caller's store to the operations the callback performs.
pub(crate) fn call_raw_host(
    caller: &mut Caller<'_, StoreData>,
    callback: kiln_func_raw_callback_t,
    env: &HostInfo,
    slots: &mut [u128],
) -> kiln::Result<()> {
    let store = caller.data().this;
    let user_data = caller.data().user_data.0;
    let mut c_caller = kiln_caller_t::new(store.0, caller.instance());
    // SAFETY: `store` is the live store the caller belongs to; the slots
    // and the caller are live for the length of the call, and a
    // `kiln_val_raw_t` has the layout of a `u128` slot.
    let trap = unsafe {
        lend_while(store.0, caller.as_context_mut(), || {
            callback(
                env.info,
                &mut c_caller,
                user_data,
                slots.as_mut_ptr().cast::<kiln_val_raw_t>(),
                slots.len(),
            )
        })
    };
    if trap.is_null() {
        return Ok(());
    }
    // SAFETY: the callback returned an owned trap.
    let trap = unsafe { Box::from_raw(trap) };
    Err(trap.to_error())
}

/// The body of a numeric host function calling `callback` with `env`.
pub(crate) fn raw_body(
    callback: kiln_func_raw_callback_t,
    env: HostInfo,
) -> impl Fn(Caller<'_, StoreData>, &mut [u128]) -> kiln::Result<()> + Send + Sync + 'static {
    move |mut caller, slots| call_raw_host(&mut caller, callback, &env, slots)
}

/// The body of a host function calling `callback` with `env` and its caller.
pub(crate) fn caller_body(
    ty: FuncType,
    callback: kiln_func_callback_t,
    env: HostInfo,
) -> impl Fn(Caller<'_, StoreData>, &[kiln::Val], &mut [kiln::Val]) -> kiln::Result<()>
       + Send
       + Sync
       + 'static {
    let callback = Callback::WithCaller(callback, env);
    move |mut caller, params, results| call_host(&mut caller, &callback, &ty, params, results)
}

/// A host function of type `functype` in `store` whose callback also sees
/// its caller: `callback` is called with `env`, the caller (borrowed, valid
/// for the call only: see `kiln_caller_export_get`, `kiln_caller_store`),
/// the store's data (`kiln_store_set_data`), its arguments and room for
/// its results, as a
/// `wasm_func_callback_with_env_t` is, and returns NULL or an owned trap
/// that unwinds the wasm that called it. `finalizer` (if not NULL) runs
/// with `env` when the store drops the function, or at once if the
/// function cannot be made (NULL store, type or callback).
#[no_mangle]
pub unsafe extern "C" fn kiln_func_new_with_caller(
    store: *mut wasm_store_t,
    functype: Option<&wasm_functype_t>,
    callback: Option<
        unsafe extern "C" fn(
            *mut c_void,
            *mut kiln_caller_t,
            *mut c_void,
            *const wasm_val_vec_t,
            *mut wasm_val_vec_t,
        ) -> *mut wasm_trap_t,
    >,
    env: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) -> Option<Box<wasm_func_t>> {
    guard(None, || {
        let env = HostInfo {
            info: env,
            finalizer,
        };
        let callback = Callback::WithCaller(callback?, env);
        // SAFETY: `store` is null or live.
        unsafe { new_func(store, functype, callback) }
    })
}

/// A host function of numbers of type `functype` in `store` over raw
/// slots, the cheapest way for wasm to call the host: `callback` is called
/// with `env`, the caller and the store's data (as for
/// `kiln_func_new_with_caller`) and `nslots` slots holding the arguments
/// from the first slot on; it writes its results from the first slot on, and returns NULL or an owned trap.
/// Nothing is converted or allocated on the way in or out. NULL if the
/// type has references (or `store`, `functype` or `callback` is NULL);
/// `finalizer` then runs with `env` at once.
#[no_mangle]
pub unsafe extern "C" fn kiln_func_new_raw(
    store: *mut wasm_store_t,
    functype: Option<&wasm_functype_t>,
    callback: Option<
        unsafe extern "C" fn(
            *mut c_void,
            *mut kiln_caller_t,
            *mut c_void,
            *mut kiln_val_raw_t,
            usize,
        ) -> *mut wasm_trap_t,
    >,
    env: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) -> Option<Box<wasm_func_t>> {
    guard(None, || {
        let env = HostInfo {
            info: env,
            finalizer,
        };
        let (callback, ty) = (callback?, functype?.inner().ty.clone());
        if store.is_null() {
            return None;
        }
        // SAFETY: `store` is live (checked non-null; the caller's guarantee).
        let func =
            kiln::Func::new_numeric(unsafe { store_mut(store) }, ty, raw_body(callback, env))
                .ok()?;
        Some(wasm_func_t::new(store, func))
    })
}

/// The export `name` (`len` bytes, UTF-8) of the instance whose wasm
/// called the host function, owned by the caller; NULL if there is none or
/// the host itself called the function.
#[no_mangle]
pub unsafe extern "C" fn kiln_caller_export_get(
    caller: Option<&kiln_caller_t>,
    name: *const u8,
    len: usize,
) -> Option<Box<wasm_extern_t>> {
    guard(None, || {
        let caller = caller?;
        let instance = caller.instance?;
        let bytes = if len == 0 {
            &[][..]
        } else if name.is_null() {
            return None;
        } else {
            // SAFETY: `name` points at `len` readable bytes.
            unsafe { std::slice::from_raw_parts(name, len) }
        };
        let name = std::str::from_utf8(bytes).ok()?;
        // SAFETY: the caller's store is live while its host function runs,
        // and lends its context to this call (`store_mut`'s rule).
        let item = instance.get_export(unsafe { store_mut(caller.store) }, name)?;
        Some(Box::new(wasm_extern_t::new(
            caller.store,
            item,
            Some(instance),
        )))
    })
}

/// The store whose wasm called the host function (borrowed): the one a
/// host function defined in a linker runs in this time.
#[no_mangle]
pub unsafe extern "C" fn kiln_caller_store(caller: Option<&kiln_caller_t>) -> *mut wasm_store_t {
    guard(std::ptr::null_mut(), || {
        caller.map_or(std::ptr::null_mut(), |c| c.store)
    })
}
