//! Calls through raw slots: a wasm function of numbers called with its
//! arguments and results in place, converting and allocating nothing.

use super::error::kiln_error_t;
use crate::externs::wasm_func_t;
use crate::guard;
use crate::store::store_mut;
use crate::trap::wasm_trap_t;
use kiln::{Error, RawFunc};

/// One raw slot: a value of a function's parameter or result in the form
/// compiled code reads, an `i32` or `f32` in the low 4 bytes, an `i64` or
/// `f64` in the low 8, a `v128` in all 16. Arrays of slots passed to
/// `kiln_raw_func_call` must be 16-byte aligned.
#[repr(C)]
#[derive(Clone, Copy)]
pub union kiln_val_raw_t {
    /// An `i32`.
    pub i32: i32,
    /// An `i64`.
    pub i64: i64,
    /// An `f32`.
    pub f32: f32,
    /// An `f64`.
    pub f64: f64,
    /// A `v128`, little-endian.
    pub v128: [u8; 16],
}

/// A wasm function prepared for calls through raw slots
/// (`kiln_func_to_raw`). It holds its store, like every object of it.
pub struct kiln_raw_func_t {
    func: wasm_func_t,
    raw: RawFunc,
}

/// Prepares `func` for calls through raw slots. On success writes the
/// owned prepared function to `out` and returns NULL; an error if `func`
/// is a host function, or has references or more than 16 parameters or
/// results (those take `wasm_func_call`).
#[no_mangle]
pub unsafe extern "C" fn kiln_func_to_raw(
    func: Option<&wasm_func_t>,
    out: Option<&mut *mut kiln_raw_func_t>,
) -> Option<Box<kiln_error_t>> {
    guard(Some(kiln_error_t::msg("internal error")), || {
        let (Some(func), Some(out)) = (func, out) else {
            return Some(kiln_error_t::msg("NULL function or out"));
        };
        *out = std::ptr::null_mut();
        // SAFETY: the function is live, so its store is; the context is
        // dropped before this call returns (`store_mut`'s rule).
        match func.handle().to_raw(unsafe { func.store() }) {
            Ok(raw) => {
                let prepared = kiln_raw_func_t {
                    func: func.clone(),
                    raw,
                };
                *out = Box::into_raw(Box::new(prepared));
                None
            }
            Err(e) => Some(kiln_error_t::new(&e)),
        }
    })
}

/// Releases a prepared function.
#[no_mangle]
pub unsafe extern "C" fn kiln_raw_func_delete(raw: Option<Box<kiln_raw_func_t>>) {
    guard((), || drop(raw))
}

/// Calls the prepared function with its arguments in the first slots at
/// `slots` (16-byte aligned, one slot for each parameter and for each
/// result, whichever are more), leaving its results in the first slots.
/// Returns NULL, or the owned trap that stopped it. Like every store
/// function, it may be called from inside a host function of the same
/// store.
#[no_mangle]
pub unsafe extern "C" fn kiln_raw_func_call(
    raw: Option<&kiln_raw_func_t>,
    slots: *mut kiln_val_raw_t,
) -> *mut wasm_trap_t {
    let fail = |msg: &str| {
        Box::into_raw(wasm_trap_t::from_error(
            std::ptr::null_mut(),
            &Error::msg(msg),
            None,
        ))
    };
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let Some(raw) = raw else {
            return fail("kiln_raw_func_call: the function is NULL");
        };
        if slots.is_null() || !slots.cast::<u128>().is_aligned() {
            return fail("kiln_raw_func_call: the slots are NULL or not 16-byte aligned");
        }
        let store = raw.func.ext.store();
        // SAFETY: the prepared function holds its store, so it is live; the
        // caller vouches for the slots (checked aligned above), which
        // have the layout of `u128` slots.
        let result = unsafe { raw.raw.call(store_mut(store), slots.cast::<u128>()) };
        match result {
            Ok(()) => std::ptr::null_mut(),
            Err(err) => Box::into_raw(wasm_trap_t::from_error(store, &err, raw.func.ext.r.origin)),
        }
    }));
    outcome.unwrap_or_else(|_| fail("kiln_raw_func_call: internal error (panic)"))
}
