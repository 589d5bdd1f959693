//! Compiling with error messages, and the text format.

use super::error::kiln_error_t;
use crate::byte_vec::wasm_byte_vec_t;
use crate::engine::wasm_engine_t;
use crate::guard;
use crate::module::wasm_module_t;

/// Compiles a module from `len` bytes at `wasm`, binary or text format
/// (`wasm_module_new` takes only the binary format and gives no reason for
/// a failure). On success writes the owned module to `out` and returns
/// NULL; otherwise returns an error whose message names the problem and its
/// byte offset.
#[no_mangle]
pub unsafe extern "C" fn kiln_module_new(
    engine: Option<&wasm_engine_t>,
    wasm: *const u8,
    len: usize,
    out: Option<&mut *mut wasm_module_t>,
) -> Option<Box<kiln_error_t>> {
    guard(
        Some(kiln_error_t::msg("kiln_module_new: internal error")),
        || {
            let (Some(engine), Some(out)) = (engine, out) else {
                return Some(kiln_error_t::msg("kiln_module_new: NULL engine or out"));
            };
            // SAFETY: `wasm` points to `len` readable bytes (or is NULL).
            let bytes = unsafe { crate::vec::as_slice(len, wasm) };
            match kiln::Module::new(&engine.engine, bytes) {
                Ok(module) => {
                    *out = Box::into_raw(wasm_module_t::new(module));
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

/// Validates `len` bytes of binary module at `wasm`: NULL if valid,
/// otherwise an error naming the problem and its byte offset.
#[no_mangle]
pub unsafe extern "C" fn kiln_module_validate(
    engine: Option<&wasm_engine_t>,
    wasm: *const u8,
    len: usize,
) -> Option<Box<kiln_error_t>> {
    guard(
        Some(kiln_error_t::msg("kiln_module_validate: internal error")),
        || {
            let Some(engine) = engine else {
                return Some(kiln_error_t::msg("kiln_module_validate: NULL engine"));
            };
            // SAFETY: `wasm` points to `len` readable bytes (or is NULL).
            let bytes = unsafe { crate::vec::as_slice(len, wasm) };
            super::error::result(kiln::Module::validate(&engine.engine, bytes))
        },
    )
}

/// Translates `len` bytes of WebAssembly text at `wat` to the binary
/// format. On success writes the owned bytes to `out` and returns NULL;
/// otherwise `out` is empty and the error gives the line and column.
#[no_mangle]
pub unsafe extern "C" fn kiln_wat2wasm(
    wat: *const u8,
    len: usize,
    out: *mut wasm_byte_vec_t,
) -> Option<Box<kiln_error_t>> {
    guard(
        Some(kiln_error_t::msg("kiln_wat2wasm: internal error")),
        || {
            if out.is_null() {
                return Some(kiln_error_t::msg("kiln_wat2wasm: NULL out"));
            }
            // SAFETY: `wat` points to `len` readable bytes (or is NULL).
            let bytes = unsafe { crate::vec::as_slice(len, wat) };
            let (vec, err) = match std::str::from_utf8(bytes) {
                Err(e) => (
                    Vec::new(),
                    Some(kiln_error_t::msg(format!("the text is not UTF-8: {e}"))),
                ),
                Ok(text) => match wat::parse_str(text) {
                    Ok(wasm) => (wasm, None),
                    Err(e) => (Vec::new(), Some(kiln_error_t::msg(e.to_string()))),
                },
            };
            // SAFETY: `out` is writable storage for a vector.
            unsafe { out.write(wasm_byte_vec_t::from_vec(vec)) };
            err
        },
    )
}
