//! A linker: definitions by module and name, from which modules are
//! instantiated without ordering imports by hand.

use super::caller::{caller_body, kiln_caller_t, raw_body};
use super::error::{kiln_error_t, run};
use super::func::kiln_val_raw_t;
use crate::engine::wasm_engine_t;
use crate::externs::{wasm_extern_t, wasm_func_t};
use crate::func::{call_host, Callback};
use crate::guard;
use crate::instance::wasm_instance_t;
use crate::module::wasm_module_t;
use crate::reference::HostInfo;
use crate::store::{store_mut, wasm_store_t, StoreData};
use crate::trap::wasm_trap_t;
use crate::types::wasm_functype_t;
use crate::val::wasm_val_vec_t;
use kiln::Linker;
use std::ffi::{c_char, c_void, CStr};

/// Definitions by module and name, usable with every store of its engine.
pub struct kiln_linker_t {
    linker: Linker<StoreData>,
}

/// A C string as a name; an error naming `what` if it is NULL or not UTF-8.
///
/// # Safety
/// `s` is null or a null-terminated string.
unsafe fn str_arg<'a>(s: *const c_char, what: &str) -> Result<&'a str, Box<kiln_error_t>> {
    if s.is_null() {
        return Err(kiln_error_t::msg(format!("the {what} is NULL")));
    }
    // SAFETY: guaranteed by the caller.
    unsafe { CStr::from_ptr(s) }
        .to_str()
        .map_err(|_| kiln_error_t::msg(format!("the {what} is not UTF-8")))
}

/// A Kiln result as this module's results.
fn check<T>(r: kiln::Result<T>) -> Result<(), Box<kiln_error_t>> {
    r.map(|_| ()).map_err(|e| kiln_error_t::new(&e))
}

/// A linker with no definitions, for `engine`'s stores.
#[no_mangle]
pub unsafe extern "C" fn kiln_linker_new(
    engine: Option<&wasm_engine_t>,
) -> Option<Box<kiln_linker_t>> {
    guard(None, || {
        Some(Box::new(kiln_linker_t {
            linker: Linker::new(&engine?.engine),
        }))
    })
}

/// Releases a linker.
#[no_mangle]
pub unsafe extern "C" fn kiln_linker_delete(linker: Option<Box<kiln_linker_t>>) {
    guard((), || drop(linker))
}

/// Whether a definition may replace an earlier one of the same name (by
/// default, defining a name twice is an error).
#[no_mangle]
pub unsafe extern "C" fn kiln_linker_allow_shadowing(
    linker: Option<&mut kiln_linker_t>,
    allow: bool,
) {
    guard((), || {
        if let Some(linker) = linker {
            linker.linker.allow_shadowing(allow);
        }
    })
}

/// Defines `module`.`name` (null-terminated) as `item`, an extern of
/// `store`.
#[no_mangle]
pub unsafe extern "C" fn kiln_linker_define(
    linker: Option<&mut kiln_linker_t>,
    store: *mut wasm_store_t,
    module: *const c_char,
    name: *const c_char,
    item: Option<&wasm_extern_t>,
) -> Option<Box<kiln_error_t>> {
    run(|| {
        let (Some(linker), Some(item)) = (linker, item.filter(|_| !store.is_null())) else {
            return Err(kiln_error_t::msg("NULL linker, store or item"));
        };
        // SAFETY: both are null or null-terminated strings.
        let (module, name) = unsafe { (str_arg(module, "module name")?, str_arg(name, "name")?) };
        // SAFETY: `store` is a live store.
        let store = unsafe { store_mut(store) };
        check(linker.linker.define(store, module, name, item.which()))
    })
}

/// Defines `module`.`name` as a host function of type `functype`, usable in
/// every store: `callback` (a `wasm_func_callback_with_env_t`) is called
/// with `env`, and `finalizer` (if not
/// NULL) runs with `env` once the linker and every store that used the
/// function are gone.
#[no_mangle]
pub unsafe extern "C" fn kiln_linker_define_func(
    linker: Option<&mut kiln_linker_t>,
    module: *const c_char,
    name: *const c_char,
    functype: Option<&wasm_functype_t>,
    callback: Option<
        unsafe extern "C" fn(
            *mut c_void,
            *const wasm_val_vec_t,
            *mut wasm_val_vec_t,
        ) -> *mut wasm_trap_t,
    >,
    env: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) -> Option<Box<kiln_error_t>> {
    // The environment is finalized even when the function is not defined.
    let env = HostInfo {
        info: env,
        finalizer,
    };
    run(|| {
        let (Some(linker), Some(functype), Some(callback)) = (linker, functype, callback) else {
            return Err(kiln_error_t::msg("NULL linker, type or callback"));
        };
        // SAFETY: both are null or null-terminated strings.
        let (module, name) = unsafe { (str_arg(module, "module name")?, str_arg(name, "name")?) };
        let ty = functype.inner().ty.clone();
        let fty = ty.clone();
        let callback = Callback::WithEnv(callback, env);
        let defined =
            linker
                .linker
                .func_new(module, name, ty, move |mut caller, params, results| {
                    call_host(&mut caller, &callback, &fty, params, results)
                });
        check(defined)
    })
}

/// Defines every export of `instance` under the module name `module`.
#[no_mangle]
pub unsafe extern "C" fn kiln_linker_define_instance(
    linker: Option<&mut kiln_linker_t>,
    store: *mut wasm_store_t,
    module: *const c_char,
    instance: Option<&wasm_instance_t>,
) -> Option<Box<kiln_error_t>> {
    run(|| {
        let (Some(linker), Some(instance)) = (linker, instance.filter(|_| !store.is_null())) else {
            return Err(kiln_error_t::msg("NULL linker, store or instance"));
        };
        // SAFETY: `module` is null or a null-terminated string.
        let module = unsafe { str_arg(module, "module name")? };
        // SAFETY: `store` is a live store.
        let store = unsafe { store_mut(store) };
        let defined = linker.linker.instance(store, module, instance.instance());
        check(defined)
    })
}

/// Defines the `wasi_snapshot_preview1` functions. In each store they act
/// as `kiln_store_set_wasi` configured (by default, granting nothing).
#[no_mangle]
pub unsafe extern "C" fn kiln_linker_define_wasi(
    linker: Option<&mut kiln_linker_t>,
) -> Option<Box<kiln_error_t>> {
    run(|| {
        let Some(linker) = linker else {
            return Err(kiln_error_t::msg("NULL linker"));
        };
        check(kiln_wasi::add_to_linker(
            &mut linker.linker,
            |data: &mut StoreData| &mut data.wasi,
        ))
    })
}

/// Instantiates `module` in `store`, resolving each import by module and
/// name. On success writes the owned instance to `instance` and returns
/// NULL. If an import is missing or has the wrong type, returns an error
/// naming it. If the start function traps, returns NULL with `*instance`
/// NULL and the owned trap in `*trap`.
#[no_mangle]
pub unsafe extern "C" fn kiln_linker_instantiate(
    linker: Option<&kiln_linker_t>,
    store: *mut wasm_store_t,
    module: Option<&wasm_module_t>,
    instance: Option<&mut *mut wasm_instance_t>,
    trap: Option<&mut *mut wasm_trap_t>,
) -> Option<Box<kiln_error_t>> {
    run(|| {
        let (Some(linker), Some(module), Some(instance), Some(trap)) =
            (linker, module, instance, trap)
        else {
            return Err(kiln_error_t::msg("NULL linker, module, instance or trap"));
        };
        *instance = std::ptr::null_mut();
        *trap = std::ptr::null_mut();
        if store.is_null() {
            return Err(kiln_error_t::msg("NULL store"));
        }
        // SAFETY: `store` is a live store.
        let kiln_store = unsafe { store_mut(store) };
        match linker.linker.instantiate(kiln_store, module.module()) {
            Ok(made) => {
                *instance = Box::into_raw(Box::new(wasm_instance_t::new(store, made)));
                Ok(())
            }
            Err(err) if err.trap().is_some() || err.i32_exit().is_some() => {
                *trap = Box::into_raw(wasm_trap_t::from_error(store, &err, None));
                Ok(())
            }
            Err(err) => Err(kiln_error_t::new(&err)),
        }
    })
}

/// Writes the definition of `module`.`name` in `store` to `out` (owned) and
/// returns true, or returns false if there is none.
#[no_mangle]
pub unsafe extern "C" fn kiln_linker_get(
    linker: Option<&kiln_linker_t>,
    store: *mut wasm_store_t,
    module: *const c_char,
    name: *const c_char,
    out: Option<&mut *mut wasm_extern_t>,
) -> bool {
    guard(false, || {
        let (Some(linker), Some(out)) = (linker, out) else {
            return false;
        };
        *out = std::ptr::null_mut();
        // SAFETY: both are null or null-terminated strings.
        let names = unsafe { (str_arg(module, "module name"), str_arg(name, "name")) };
        let (Ok(module), Ok(name)) = names else {
            return false;
        };
        if store.is_null() {
            return false;
        }
        // SAFETY: `store` is a live store.
        match linker.linker.get(unsafe { store_mut(store) }, module, name) {
            Some(item) => {
                *out = Box::into_raw(Box::new(wasm_extern_t::new(store, item, None)));
                true
            }
            None => false,
        }
    })
}

/// Defines `module`.`name` as a host function of type `functype` whose
/// callback also sees its caller (`callback` as for
/// `kiln_func_new_with_caller`), usable
/// in every store; `finalizer` as for `kiln_linker_define_func`.
#[no_mangle]
pub unsafe extern "C" fn kiln_linker_define_func_with_caller(
    linker: Option<&mut kiln_linker_t>,
    module: *const c_char,
    name: *const c_char,
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
) -> Option<Box<kiln_error_t>> {
    // The environment is finalized even when the function is not defined.
    let env = HostInfo {
        info: env,
        finalizer,
    };
    run(|| {
        let (Some(linker), Some(functype), Some(callback)) = (linker, functype, callback) else {
            return Err(kiln_error_t::msg("NULL linker, type or callback"));
        };
        // SAFETY: both are null or null-terminated strings.
        let (module, name) = unsafe { (str_arg(module, "module name")?, str_arg(name, "name")?) };
        let ty = functype.inner().ty.clone();
        let body = caller_body(ty.clone(), callback, env);
        check(linker.linker.func_new(module, name, ty, body))
    })
}

/// Defines `module`.`name` as a host function of numbers over raw slots
/// (`callback` as for `kiln_func_new_raw`), usable in every store; an error if the type
/// has references. `finalizer` as for `kiln_linker_define_func`.
#[no_mangle]
pub unsafe extern "C" fn kiln_linker_define_func_raw(
    linker: Option<&mut kiln_linker_t>,
    module: *const c_char,
    name: *const c_char,
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
) -> Option<Box<kiln_error_t>> {
    let env = HostInfo {
        info: env,
        finalizer,
    };
    run(|| {
        let (Some(linker), Some(functype), Some(callback)) = (linker, functype, callback) else {
            return Err(kiln_error_t::msg("NULL linker, type or callback"));
        };
        // SAFETY: both are null or null-terminated strings.
        let (module, name) = unsafe { (str_arg(module, "module name")?, str_arg(name, "name")?) };
        let ty = functype.inner().ty.clone();
        let defined = linker
            .linker
            .func_new_numeric(module, name, ty, raw_body(callback, env));
        check(defined)
    })
}

/// Defines every function import of `module` that the linker lacks as a
/// function that traps when called, naming the import.
#[no_mangle]
pub unsafe extern "C" fn kiln_linker_define_unknown_imports_as_traps(
    linker: Option<&mut kiln_linker_t>,
    module: Option<&wasm_module_t>,
) -> Option<Box<kiln_error_t>> {
    run(|| {
        let (Some(linker), Some(module)) = (linker, module) else {
            return Err(kiln_error_t::msg("NULL linker or module"));
        };
        check(
            linker
                .linker
                .define_unknown_imports_as_traps(module.module()),
        )
    })
}

/// Defines every function import of `module` that the linker lacks as a
/// function that returns zeros (null references) and does nothing else.
#[no_mangle]
pub unsafe extern "C" fn kiln_linker_define_unknown_imports_as_default_values(
    linker: Option<&mut kiln_linker_t>,
    module: Option<&wasm_module_t>,
) -> Option<Box<kiln_error_t>> {
    run(|| {
        let (Some(linker), Some(module)) = (linker, module) else {
            return Err(kiln_error_t::msg("NULL linker or module"));
        };
        check(
            linker
                .linker
                .define_unknown_imports_as_default_values(module.module()),
        )
    })
}

/// The default function of the module named `name` (null-terminated): its
/// export "" or "_start", or a function doing nothing if the linker has no
/// such module. On success writes the owned function to `out`.
#[no_mangle]
pub unsafe extern "C" fn kiln_linker_get_default(
    linker: Option<&kiln_linker_t>,
    store: *mut wasm_store_t,
    name: *const c_char,
    out: Option<&mut *mut wasm_func_t>,
) -> Option<Box<kiln_error_t>> {
    run(|| {
        let (Some(linker), Some(out)) = (linker, out) else {
            return Err(kiln_error_t::msg("NULL linker or out"));
        };
        *out = std::ptr::null_mut();
        if store.is_null() {
            return Err(kiln_error_t::msg("NULL store"));
        }
        // SAFETY: `name` is null or a null-terminated string.
        let name = unsafe { str_arg(name, "module name")? };
        // SAFETY: `store` is a live store.
        let func = linker.linker.get_default(unsafe { store_mut(store) }, name);
        let func = func.map_err(|e| kiln_error_t::new(&e))?;
        *out = Box::into_raw(wasm_func_t::new(store, func));
        Ok(())
    })
}
