//! Global instances.

use crate::externs::wasm_global_t;
use crate::guard;
use crate::store::{store_mut, wasm_store_t};
use crate::types::wasm_globaltype_t;
use crate::val::wasm_val_t;
use kiln::Global;

#[no_mangle]
pub unsafe extern "C" fn wasm_global_new(
    store: *mut wasm_store_t,
    ty: Option<&wasm_globaltype_t>,
    val: Option<&wasm_val_t>,
) -> Option<Box<wasm_global_t>> {
    guard(None, || {
        let ty = ty?.inner().ty;
        // SAFETY: a valid value's reference payload is null or live.
        let val = unsafe { val?.kiln_val(Some(ty.content())) }?;
        if store.is_null() {
            return None;
        }
        // SAFETY: `store` is a live store.
        let global = Global::new(unsafe { store_mut(store) }, ty, val).ok()?;
        Some(wasm_global_t::new(store, global))
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_global_type(
    g: Option<&wasm_global_t>,
) -> Option<Box<wasm_globaltype_t>> {
    guard(None, || {
        let g = g?;
        // SAFETY: the global is live, so its store is; the context
        // is dropped before this call returns (`store_mut`'s rule).
        let ty = g.handle().ty(unsafe { g.store() });
        Some(wasm_globaltype_t::from_kiln(ty))
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_global_get(g: Option<&wasm_global_t>, out: *mut wasm_val_t) {
    guard((), || {
        let Some(g) = g else { return };
        if out.is_null() {
            return;
        }
        // SAFETY: the global is live, so its store is; the context
        // is dropped before this call returns (`store_mut`'s rule).
        let val = g.handle().get(unsafe { g.store() });
        // SAFETY: `out` is writable storage for a value.
        unsafe { out.write(wasm_val_t::from_kiln(g.ext.store(), &val)) }
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_global_set(g: Option<&mut wasm_global_t>, val: Option<&wasm_val_t>) {
    guard((), || {
        let (Some(g), Some(val)) = (g, val) else {
            return;
        };
        // SAFETY: the global is live, so its store is; the context
        // is dropped before this call returns (`store_mut`'s rule).
        let store = unsafe { g.store() };
        let ty = g.handle().ty(&store);
        // SAFETY: a valid value's reference payload is null or live.
        if let Some(val) = unsafe { val.kiln_val(Some(ty.content())) } {
            let _ = g.handle().set(store, val);
        }
    })
}
