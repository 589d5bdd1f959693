//! Engine settings beyond `wasm_config_new`'s defaults: WebAssembly
//! features, resource control, stack size, optimisation, the
//! compiled-module cache and how linear memories reserve address space.

use super::error::kiln_error_t;
use crate::engine::wasm_config_t;
use crate::guard;
use std::ffi::{c_char, CStr};

/// How hard the code generator optimises (`kiln_config_opt_level_set`).
pub type kiln_opt_level_t = u8;
/// No optimisation: the fastest compilation.
pub const KILN_OPT_LEVEL_NONE: kiln_opt_level_t = 0;
/// Optimise for speed (the default).
pub const KILN_OPT_LEVEL_SPEED: kiln_opt_level_t = 1;
/// Optimise for speed and code size.
pub const KILN_OPT_LEVEL_SPEED_AND_SIZE: kiln_opt_level_t = 2;

/// Applies a setting to a config, tolerating NULL.
fn update(config: Option<&mut wasm_config_t>, f: impl FnOnce(&mut kiln::Config)) {
    guard((), || {
        if let Some(config) = config {
            f(&mut config.config);
        }
    })
}

/// Multiple results and block parameters (on by default).
#[no_mangle]
pub unsafe extern "C" fn kiln_config_wasm_multi_value_set(
    config: Option<&mut wasm_config_t>,
    enable: bool,
) {
    update(config, |c| {
        c.wasm_multi_value(enable);
    })
}

/// Bulk memory and table operations (on by default).
#[no_mangle]
pub unsafe extern "C" fn kiln_config_wasm_bulk_memory_set(
    config: Option<&mut wasm_config_t>,
    enable: bool,
) {
    update(config, |c| {
        c.wasm_bulk_memory(enable);
    })
}

/// `funcref`/`externref` values and multiple tables (on by default).
#[no_mangle]
pub unsafe extern "C" fn kiln_config_wasm_reference_types_set(
    config: Option<&mut wasm_config_t>,
    enable: bool,
) {
    update(config, |c| {
        c.wasm_reference_types(enable);
    })
}

/// 128-bit SIMD (on by default).
#[no_mangle]
pub unsafe extern "C" fn kiln_config_wasm_simd_set(
    config: Option<&mut wasm_config_t>,
    enable: bool,
) {
    update(config, |c| {
        c.wasm_simd(enable);
    })
}

/// Sign-extension operators (on by default).
#[no_mangle]
pub unsafe extern "C" fn kiln_config_wasm_sign_extension_set(
    config: Option<&mut wasm_config_t>,
    enable: bool,
) {
    update(config, |c| {
        c.wasm_sign_extension(enable);
    })
}

/// Non-trapping float-to-int conversions (on by default).
#[no_mangle]
pub unsafe extern "C" fn kiln_config_wasm_saturating_float_to_int_set(
    config: Option<&mut wasm_config_t>,
    enable: bool,
) {
    update(config, |c| {
        c.wasm_saturating_float_to_int(enable);
    })
}

/// Import and export of mutable globals (on by default).
#[no_mangle]
pub unsafe extern "C" fn kiln_config_wasm_mutable_global_set(
    config: Option<&mut wasm_config_t>,
    enable: bool,
) {
    update(config, |c| {
        c.wasm_mutable_global(enable);
    })
}

/// More than one memory per module (off by default).
#[no_mangle]
pub unsafe extern "C" fn kiln_config_wasm_multi_memory_set(
    config: Option<&mut wasm_config_t>,
    enable: bool,
) {
    update(config, |c| {
        c.wasm_multi_memory(enable);
    })
}

/// Extended constant expressions (off by default).
#[no_mangle]
pub unsafe extern "C" fn kiln_config_wasm_extended_const_set(
    config: Option<&mut wasm_config_t>,
    enable: bool,
) {
    update(config, |c| {
        c.wasm_extended_const(enable);
    })
}

/// 64-bit memories and tables, memory64 (off by default).
#[no_mangle]
pub unsafe extern "C" fn kiln_config_wasm_memory64_set(
    config: Option<&mut wasm_config_t>,
    enable: bool,
) {
    update(config, |c| {
        c.wasm_memory64(enable);
    })
}

/// Threads: shared memories and atomic instructions (off by default).
#[no_mangle]
pub unsafe extern "C" fn kiln_config_wasm_threads_set(
    config: Option<&mut wasm_config_t>,
    enable: bool,
) {
    update(config, |c| {
        c.wasm_threads(enable);
    })
}

/// Memories of byte-sized pages, custom page sizes (off by default).
#[no_mangle]
pub unsafe extern "C" fn kiln_config_wasm_custom_page_sizes_set(
    config: Option<&mut wasm_config_t>,
    enable: bool,
) {
    update(config, |c| {
        c.wasm_custom_page_sizes(enable);
    })
}

/// Fuel metering (off by default): compiled code consumes fuel as it
/// runs and traps once the store's fuel is gone. A store starts with no
/// fuel; give it some with `kiln_store_set_fuel`.
#[no_mangle]
pub unsafe extern "C" fn kiln_config_consume_fuel_set(
    config: Option<&mut wasm_config_t>,
    enable: bool,
) {
    update(config, |c| {
        c.consume_fuel(enable);
    })
}

/// Epoch interruption (off by default): compiled code traps once the
/// engine's epoch (`kiln_engine_increment_epoch`) reaches the store's
/// deadline (`kiln_store_set_epoch_deadline`).
#[no_mangle]
pub unsafe extern "C" fn kiln_config_epoch_interruption_set(
    config: Option<&mut wasm_config_t>,
    enable: bool,
) {
    update(config, |c| {
        c.epoch_interruption(enable);
    })
}

/// The most stack, in bytes, wasm may use before it traps (512 KiB by
/// default).
#[no_mangle]
pub unsafe extern "C" fn kiln_config_max_wasm_stack_set(
    config: Option<&mut wasm_config_t>,
    bytes: usize,
) {
    guard((), || {
        if let Some(config) = config {
            config.config.max_wasm_stack(bytes);
        }
    })
}

/// How hard the code generator optimises (`KILN_OPT_LEVEL_*`); an unknown
/// level is ignored.
#[no_mangle]
pub unsafe extern "C" fn kiln_config_opt_level_set(
    config: Option<&mut wasm_config_t>,
    level: kiln_opt_level_t,
) {
    guard((), || {
        let level = match level {
            KILN_OPT_LEVEL_NONE => kiln::OptLevel::None,
            KILN_OPT_LEVEL_SPEED => kiln::OptLevel::Speed,
            KILN_OPT_LEVEL_SPEED_AND_SIZE => kiln::OptLevel::SpeedAndSize,
            _ => return,
        };
        if let Some(config) = config {
            config.config.cranelift_opt_level(level);
        }
    })
}

/// Keeps compiled modules in a cache directory that later engines load
/// from, as `wasmtime_config_cache_config_load` does: `path` names a cache
/// configuration file in Wasmtime's format (a `[cache]` table whose
/// `directory` names the cache, relative to the file), or is NULL for the
/// per-user cache (`$KILN_CACHE_DIR`, else `$XDG_CACHE_HOME/kiln`, else
/// `$HOME/.cache/kiln`). Returns NULL, or an owned error saying why the
/// file cannot be used (the config is then unchanged).
#[no_mangle]
pub unsafe extern "C" fn kiln_config_cache_config_load(
    config: Option<&mut wasm_config_t>,
    path: *const c_char,
) -> Option<Box<kiln_error_t>> {
    guard(
        Some(kiln_error_t::msg(
            "kiln_config_cache_config_load: internal error",
        )),
        || {
            let Some(config) = config else {
                return Some(kiln_error_t::msg(
                    "kiln_config_cache_config_load: config is NULL",
                ));
            };
            let cache = if path.is_null() {
                kiln::CacheConfig::from_default_location()
            } else {
                // SAFETY: a non-NULL `path` is a NUL-terminated string, the
                // header's rule, live for the call.
                let path = unsafe { CStr::from_ptr(path) };
                match path.to_str() {
                    Ok(path) => kiln::CacheConfig::from_file(path),
                    Err(_) => {
                        return Some(kiln_error_t::msg(
                            "kiln_config_cache_config_load: path is not UTF-8",
                        ))
                    }
                }
            };
            match cache {
                Ok(cache) => {
                    config.config.cache(Some(cache));
                    None
                }
                Err(err) => Some(kiln_error_t::new(&err)),
            }
        },
    )
}

/// How many bytes of address space each linear memory reserves when it
/// is made (4 GiB by default), as `wasmtime_config_memory_reservation_set`
/// does. Growing within the reservation never moves a memory; with 4 GiB
/// plus the guard, 32-bit memories need no bounds checks. Reserving less
/// lets a process hold more memories at once. A value past what a host's
/// address space holds (64 TiB) makes `kiln_engine_new` fail, naming the
/// setting. Under the pooling allocator
/// (`kiln_pooling_allocation_strategy_set`) every memory lives in a slot
/// of the pool's size instead, and this setting, the growth reservation
/// and `kiln_config_memory_may_move_set` do not apply.
#[no_mangle]
pub unsafe extern "C" fn kiln_config_memory_reservation_set(
    config: Option<&mut wasm_config_t>,
    bytes: u64,
) {
    update(config, |c| {
        c.memory_reservation(bytes);
    })
}

/// How many inaccessible bytes follow each memory's reservation (32 MiB by
/// default), as `wasmtime_config_memory_guard_size_set` does: accesses
/// whose static offset fits in the guard need no bounds check. Past 64 TiB
/// `kiln_engine_new` fails, naming the setting.
#[no_mangle]
pub unsafe extern "C" fn kiln_config_memory_guard_size_set(
    config: Option<&mut wasm_config_t>,
    bytes: u64,
) {
    update(config, |c| {
        c.memory_guard_size(bytes);
    })
}

/// How many bytes past its new size a memory reserves when it moves to
/// grow (2 GiB by default, never past its maximum), as
/// `wasmtime_config_memory_reservation_for_growth_set` does, so the
/// growths after it need not move it again. Past 64 TiB `kiln_engine_new`
/// fails, naming the setting.
#[no_mangle]
pub unsafe extern "C" fn kiln_config_memory_reservation_for_growth_set(
    config: Option<&mut wasm_config_t>,
    bytes: u64,
) {
    update(config, |c| {
        c.memory_reservation_for_growth(bytes);
    })
}

/// Whether a memory that outgrows its reservation may move to a larger
/// one, copying its bytes (on by default), as
/// `wasmtime_config_memory_may_move_set` does. Off, such a memory cannot
/// grow: `memory.grow` returns -1 and `wasm_memory_grow` false. A moved
/// memory's `wasm_memory_data` changes: fetch it again after any growth.
#[no_mangle]
pub unsafe extern "C" fn kiln_config_memory_may_move_set(
    config: Option<&mut wasm_config_t>,
    enable: bool,
) {
    update(config, |c| {
        c.memory_may_move(enable);
    })
}
