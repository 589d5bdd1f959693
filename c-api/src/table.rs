//! Table instances.

use crate::externs::wasm_table_t;
use crate::guard;
use crate::reference::wasm_ref_t;
use crate::store::{store_mut, wasm_store_t};
use crate::types::wasm_tabletype_t;
use kiln::{Table, Val, ValType};

/// The value of a borrowed, nullable reference for a table of `element`s.
pub(crate) fn ref_val(r: Option<&wasm_ref_t>, element: ValType) -> Option<Val> {
    match r {
        Some(r) => r.to_val(),
        None if element == ValType::FuncRef => Some(Val::FuncRef(None)),
        None => Some(Val::ExternRef(None)),
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_table_new(
    store: *mut wasm_store_t,
    ty: Option<&wasm_tabletype_t>,
    init: Option<&wasm_ref_t>,
) -> Option<Box<wasm_table_t>> {
    guard(None, || {
        let ty = ty?.inner().ty;
        let init = ref_val(init, ty.element())?;
        if store.is_null() {
            return None;
        }
        // SAFETY: `store` is a live store.
        let table = Table::new(unsafe { store_mut(store) }, ty, init).ok()?;
        Some(wasm_table_t::new(store, table))
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_table_type(
    t: Option<&wasm_table_t>,
) -> Option<Box<wasm_tabletype_t>> {
    guard(None, || {
        let t = t?;
        // SAFETY: the table is live, so its store is; the context
        // is dropped before this call returns (`store_mut`'s rule).
        let ty = t.handle().ty(unsafe { t.store() });
        Some(wasm_tabletype_t::from_kiln(ty))
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_table_get(
    t: Option<&wasm_table_t>,
    index: u32,
) -> Option<Box<wasm_ref_t>> {
    guard(None, || {
        let t = t?;
        // SAFETY: the table is live, so its store is; the context
        // is dropped before this call returns (`store_mut`'s rule).
        let val = t.handle().get(unsafe { t.store() }, index.into())?;
        wasm_ref_t::from_val(t.ext.store(), &val)
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_table_set(
    t: Option<&mut wasm_table_t>,
    index: u32,
    r: Option<&wasm_ref_t>,
) -> bool {
    guard(false, || {
        let Some(t) = t else { return false };
        // SAFETY: the table is live, so its store is; the context
        // is dropped before this call returns (`store_mut`'s rule).
        let store = unsafe { t.store() };
        let element = t.handle().ty(&store).element();
        match ref_val(r, element) {
            Some(v) => t.handle().set(store, index.into(), v).is_ok(),
            None => false,
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_table_size(t: Option<&wasm_table_t>) -> u32 {
    guard(0, || {
        let Some(t) = t else { return 0 };
        // SAFETY: the table is live, so its store is; the context
        // is dropped before this call returns (`store_mut`'s rule).
        let store = unsafe { t.store() };
        // The C API counts elements in 32 bits; a larger size saturates.
        u32::try_from(t.handle().size(store)).unwrap_or(u32::MAX)
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_table_grow(
    t: Option<&mut wasm_table_t>,
    delta: u32,
    init: Option<&wasm_ref_t>,
) -> bool {
    guard(false, || {
        let Some(t) = t else { return false };
        // SAFETY: the table is live, so its store is; the context
        // is dropped before this call returns (`store_mut`'s rule).
        let store = unsafe { t.store() };
        let element = t.handle().ty(&store).element();
        match ref_val(init, element) {
            Some(v) => t.handle().grow(store, delta.into(), v).is_ok(),
            None => false,
        }
    })
}
