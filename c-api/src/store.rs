//! `wasm_store_t`: owns every runtime object created in it.
//!
//! Runtime objects (`wasm_func_t`, `wasm_memory_t`, ...) hold a raw pointer to
//! their store plus Kiln's handle. The header requires that no object outlive
//! its store, which is what makes dereferencing that pointer sound.

use crate::engine::wasm_engine_t;
use crate::guard;
use kiln::{Engine, Store};

/// A store: Kiln's `Store` with no host data.
pub struct wasm_store_t {
    pub(crate) store: Store<()>,
}

impl wasm_store_t {
    pub(crate) fn engine(&self) -> &Engine {
        self.store.engine()
    }
}

/// Borrows the store an object belongs to.
///
/// # Safety
/// `store` must be the live store of an object that is itself live (the
/// header's rule: objects never outlive their store), and no other borrow of
/// the store may be active except the one a running host call holds, which
/// Kiln tolerates for re-entrant calls.
pub(crate) unsafe fn store_mut<'a>(store: *mut wasm_store_t) -> &'a mut Store<()> {
    // SAFETY: guaranteed by the caller.
    unsafe { &mut (*store).store }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_store_new(engine: *mut wasm_engine_t) -> Option<Box<wasm_store_t>> {
    guard(None, || {
        // SAFETY: `engine` is null or a live engine.
        let engine = unsafe { engine.as_ref() }?;
        Some(Box::new(wasm_store_t {
            store: Store::new(&engine.engine, ()),
        }))
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_store_delete(store: Option<Box<wasm_store_t>>) {
    guard((), || drop(store))
}
