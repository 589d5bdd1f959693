//! Errors: what went wrong in a compile, link or configuration step.

use crate::byte_vec::wasm_byte_vec_t;
use crate::guard;

/// An error with a message, owned by the caller and released with
/// `kiln_error_delete`.
pub struct kiln_error_t {
    message: String,
    exit_status: Option<i32>,
}

impl kiln_error_t {
    /// The C error for `err`.
    pub(crate) fn new(err: &kiln::Error) -> Box<kiln_error_t> {
        Box::new(kiln_error_t {
            message: err.to_string(),
            exit_status: err.i32_exit(),
        })
    }

    /// An error with just a message.
    pub(crate) fn msg(message: impl Into<String>) -> Box<kiln_error_t> {
        Box::new(kiln_error_t {
            message: message.into(),
            exit_status: None,
        })
    }
}

/// NULL for `Ok`, the owned error otherwise: what every fallible function
/// returns.
pub(crate) fn result(r: kiln::Result<()>) -> Option<Box<kiln_error_t>> {
    r.err().map(|e| kiln_error_t::new(&e))
}

/// Runs a fallible operation, turning its failure (or a panic) into the
/// owned error a function of `kiln.h` returns.
pub(crate) fn run(f: impl FnOnce() -> Result<(), Box<kiln_error_t>>) -> Option<Box<kiln_error_t>> {
    guard(Some(kiln_error_t::msg("internal error")), || f().err())
}

/// Releases an error.
#[no_mangle]
pub unsafe extern "C" fn kiln_error_delete(error: Option<Box<kiln_error_t>>) {
    guard((), || drop(error))
}

/// Writes the error's message, null-terminated, to `out` (owned by the
/// caller, released with `wasm_byte_vec_delete`).
#[no_mangle]
pub unsafe extern "C" fn kiln_error_message(
    error: Option<&kiln_error_t>,
    out: *mut wasm_byte_vec_t,
) {
    guard((), || {
        if out.is_null() {
            return;
        }
        let mut bytes = error.map_or_else(Vec::new, |e| e.message.as_bytes().to_vec());
        bytes.push(0);
        // SAFETY: `out` is writable storage for a vector.
        unsafe { out.write(wasm_byte_vec_t::from_vec(bytes)) }
    })
}

/// Whether the error is a WASI program's exit (`proc_exit`); if so, writes
/// its status to `status`.
#[no_mangle]
pub unsafe extern "C" fn kiln_error_exit_status(
    error: Option<&kiln_error_t>,
    status: Option<&mut i32>,
) -> bool {
    guard(false, || match error.and_then(|e| e.exit_status) {
        Some(code) => {
            if let Some(status) = status {
                *status = code;
            }
            true
        }
        None => false,
    })
}
