//! Host memories with a reason for a failure.

use super::error::kiln_error_t;
use crate::externs::wasm_memory_t;
use crate::guard;
use crate::store::{store_mut, wasm_store_t};
use crate::types::wasm_memorytype_t;

/// Makes a memory of type `ty` (borrowed) in `store`, as `wasm_memory_new`
/// does, but says why it cannot: on success writes the owned memory to
/// `out` and returns NULL; otherwise returns an error, such as "maximum
/// concurrent limit of 2 for memories reached" from an engine whose pool
/// (`kiln_pooling_allocation_strategy_set`) is full.
#[no_mangle]
pub unsafe extern "C" fn kiln_memory_new(
    store: *mut wasm_store_t,
    ty: Option<&wasm_memorytype_t>,
    out: Option<&mut *mut wasm_memory_t>,
) -> Option<Box<kiln_error_t>> {
    guard(
        Some(kiln_error_t::msg("kiln_memory_new: internal error")),
        || {
            let (Some(ty), Some(out)) = (ty, out) else {
                return Some(kiln_error_t::msg("kiln_memory_new: NULL type or out"));
            };
            *out = std::ptr::null_mut();
            if store.is_null() {
                return Some(kiln_error_t::msg("kiln_memory_new: NULL store"));
            }
            // SAFETY: `store` is a live store (the header's rule).
            match kiln::Memory::new(unsafe { store_mut(store) }, ty.inner().ty) {
                Ok(memory) => {
                    *out = Box::into_raw(wasm_memory_t::new(store, memory));
                    None
                }
                Err(err) => Some(kiln_error_t::new(&err)),
            }
        },
    )
}
