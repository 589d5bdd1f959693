//! Memory instances.

use crate::externs::wasm_memory_t;
use crate::guard;
use crate::store::{store_mut, wasm_store_t};
use crate::types::wasm_memorytype_t;
use kiln::Memory;

#[no_mangle]
pub unsafe extern "C" fn wasm_memory_new(
    store: *mut wasm_store_t,
    ty: Option<&wasm_memorytype_t>,
) -> Option<Box<wasm_memory_t>> {
    guard(None, || {
        let ty = ty?.inner().ty;
        if store.is_null() {
            return None;
        }
        // SAFETY: `store` is a live store.
        let memory = Memory::new(unsafe { store_mut(store) }, ty).ok()?;
        Some(wasm_memory_t::new(store, memory))
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_memory_type(
    m: Option<&wasm_memory_t>,
) -> Option<Box<wasm_memorytype_t>> {
    guard(None, || {
        let m = m?;
        // SAFETY: the memory is live, so its store is; the context
        // is dropped before this call returns (`store_mut`'s rule).
        let ty = m.handle().ty(unsafe { m.store() });
        Some(wasm_memorytype_t::from_kiln(ty))
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_memory_data(m: Option<&mut wasm_memory_t>) -> *mut u8 {
    guard(std::ptr::null_mut(), || match m {
        // SAFETY: the memory is live, so its store is; the context
        // is dropped before this call returns (`store_mut`'s rule).
        Some(m) => m.handle().data_mut(unsafe { m.store() }).as_mut_ptr(),
        None => std::ptr::null_mut(),
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_memory_data_size(m: Option<&wasm_memory_t>) -> usize {
    guard(0, || {
        let Some(m) = m else { return 0 };
        // SAFETY: the memory is live, so its store is; the context
        // is dropped before this call returns (`store_mut`'s rule).
        let store = unsafe { m.store() };
        m.handle().data_size(store)
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_memory_size(m: Option<&wasm_memory_t>) -> u32 {
    guard(0, || {
        let Some(m) = m else { return 0 };
        // SAFETY: the memory is live, so its store is; the context
        // is dropped before this call returns (`store_mut`'s rule).
        let store = unsafe { m.store() };
        // The C API counts pages in 32 bits; a larger size saturates.
        u32::try_from(m.handle().size(store)).unwrap_or(u32::MAX)
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_memory_grow(m: Option<&mut wasm_memory_t>, delta: u32) -> bool {
    guard(false, || match m {
        // SAFETY: the memory is live, so its store is; the context
        // is dropped before this call returns (`store_mut`'s rule).
        Some(m) => m.handle().grow(unsafe { m.store() }, delta.into()).is_ok(),
        None => false,
    })
}
