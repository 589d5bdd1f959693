//! Engines with error messages, fuel, epochs and garbage collection.

use super::error::{kiln_error_t, result};
use crate::engine::{wasm_config_t, wasm_engine_t};
use crate::guard;
use crate::store::{store_mut, wasm_store_t};
use std::ffi::c_void;

/// Makes an engine with `config` (owned; NULL for the defaults). On success
/// writes the owned engine to `out` and returns NULL; otherwise returns why
/// the configuration cannot be used on this machine.
#[no_mangle]
pub unsafe extern "C" fn kiln_engine_new(
    config: Option<Box<wasm_config_t>>,
    out: Option<&mut *mut wasm_engine_t>,
) -> Option<Box<kiln_error_t>> {
    guard(
        Some(kiln_error_t::msg("kiln_engine_new: internal error")),
        || {
            let Some(out) = out else {
                return Some(kiln_error_t::msg("kiln_engine_new: NULL out"));
            };
            let config = config.map_or_else(kiln::Config::new, |c| c.config.clone());
            match kiln::Engine::new(&config) {
                Ok(engine) => {
                    *out = Box::into_raw(Box::new(wasm_engine_t { engine }));
                    None
                }
                Err(err) => {
                    *out = std::ptr::null_mut();
                    Some(kiln_error_t::new(&err))
                }
            }
        },
    )
}

/// Advances the engine's epoch by one. Safe to call from any thread, also
/// while wasm runs: a store whose deadline is reached traps with
/// `KILN_TRAP_CODE_INTERRUPT` at its next loop header or function entry.
#[no_mangle]
pub unsafe extern "C" fn kiln_engine_increment_epoch(engine: Option<&wasm_engine_t>) {
    guard((), || {
        if let Some(engine) = engine {
            engine.engine.increment_epoch();
        }
    })
}

/// Sets the store's deadline to `ticks` epochs after the engine's current
/// epoch (needs `kiln_config_epoch_interruption_set`). Like every store
/// function, it may be called from inside a host function that wasm called
/// in this store; there it governs the functions wasm enters from then on.
#[no_mangle]
pub unsafe extern "C" fn kiln_store_set_epoch_deadline(store: *mut wasm_store_t, ticks: u64) {
    guard((), || {
        if !store.is_null() {
            // SAFETY: `store` is a live store.
            unsafe { store_mut(store) }.set_epoch_deadline(ticks);
        }
    })
}

/// Sets the fuel left in the store; an error unless the engine consumes
/// fuel (`kiln_config_consume_fuel_set`).
#[no_mangle]
pub unsafe extern "C" fn kiln_store_set_fuel(
    store: *mut wasm_store_t,
    fuel: u64,
) -> Option<Box<kiln_error_t>> {
    guard(
        Some(kiln_error_t::msg("kiln_store_set_fuel: internal error")),
        || {
            if store.is_null() {
                return Some(kiln_error_t::msg("kiln_store_set_fuel: NULL store"));
            }
            // SAFETY: `store` is a live store.
            result(unsafe { store_mut(store) }.set_fuel(fuel))
        },
    )
}

/// Writes the fuel left in the store to `fuel`; an error unless the engine
/// consumes fuel.
#[no_mangle]
pub unsafe extern "C" fn kiln_store_get_fuel(
    store: *const wasm_store_t,
    fuel: Option<&mut u64>,
) -> Option<Box<kiln_error_t>> {
    guard(
        Some(kiln_error_t::msg("kiln_store_get_fuel: internal error")),
        || {
            let Some(fuel) = fuel.filter(|_| !store.is_null()) else {
                return Some(kiln_error_t::msg("kiln_store_get_fuel: NULL store or fuel"));
            };
            // SAFETY: `store` is a live store.
            match unsafe { store_mut(store.cast_mut()) }.get_fuel() {
                Ok(left) => {
                    *fuel = left;
                    None
                }
                Err(err) => Some(kiln_error_t::new(&err)),
            }
        },
    )
}

/// Releases the `externref` values (foreign objects) that no table, global
/// or running call holds any more, running their finalizers. Kiln also
/// does this by itself as they accumulate.
#[no_mangle]
pub unsafe extern "C" fn kiln_store_gc(store: *mut wasm_store_t) {
    guard((), || {
        if !store.is_null() {
            // SAFETY: `store` is a live store.
            unsafe { store_mut(store) }.gc();
        }
    })
}

/// Bounds what the store may hold from now on; a negative value leaves that
/// resource unbounded. `memory_size` bounds each linear memory in bytes and
/// `table_elements` each table; `instances`, `tables` and `memories` bound
/// how many the store may create. Past a bound, `memory.grow` and
/// `table.grow` return -1, `wasm_memory_grow` and `wasm_table_grow` return
/// false, and instantiation fails with a message naming the bound.
#[no_mangle]
pub unsafe extern "C" fn kiln_store_limiter(
    store: *mut wasm_store_t,
    memory_size: i64,
    table_elements: i64,
    instances: i64,
    tables: i64,
    memories: i64,
) {
    guard((), || {
        if store.is_null() {
            return;
        }
        let limits = kiln::StoreLimits::from_signed(
            memory_size,
            table_elements,
            instances,
            tables,
            memories,
        );
        // SAFETY: `store` is a live store.
        unsafe { store_mut(store) }.set_limits(limits);
    })
}

/// Whether the calling thread is inside a host function that wasm called
/// in `store`. Safe to call from any thread, also while another thread
/// uses the store: a binding that lets one thread at a time use a store
/// asks this when the store is busy, to let a host function call back into
/// its own store and to refuse every other thread with an error.
#[no_mangle]
pub unsafe extern "C" fn kiln_store_in_host_call(store: *const wasm_store_t) -> bool {
    guard(false, || {
        if store.is_null() {
            return false;
        }
        // SAFETY: `store` is live (the caller's guarantee; NULL checked).
        unsafe { crate::store::in_host_call(store) }
    })
}

/// Attaches `data` to the store (not owned; NULL at first): host functions
/// defined with a caller or over raw slots receive it as their
/// `store_data` argument, so a binding finds its own view of the store
/// without a call back into the library.
#[no_mangle]
pub unsafe extern "C" fn kiln_store_set_data(store: *mut wasm_store_t, data: *mut c_void) {
    guard((), || {
        if !store.is_null() {
            // SAFETY: `store` is live (NULL checked); the context is dropped
            // before this call returns (`store_mut`'s rule).
            unsafe { store_mut(store) }.data_mut().user_data = crate::store::UserData(data);
        }
    })
}

/// The pointer `kiln_store_set_data` attached to the store (NULL if none).
#[no_mangle]
pub unsafe extern "C" fn kiln_store_get_data(store: *mut wasm_store_t) -> *mut c_void {
    guard(std::ptr::null_mut(), || {
        if store.is_null() {
            return std::ptr::null_mut();
        }
        // SAFETY: `store` is live (NULL checked); the context is dropped
        // before this call returns (`store_mut`'s rule).
        unsafe { store_mut(store) }.data().user_data.0
    })
}
