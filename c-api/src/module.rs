//! Modules: compile, validate, and reflect on imports and exports.

use crate::byte_vec::wasm_byte_vec_t;
use crate::guard;
use crate::store::wasm_store_t;
use crate::types::{
    wasm_exporttype_t, wasm_exporttype_vec_t, wasm_importtype_t, wasm_importtype_vec_t,
};
use kiln::Module;

/// A compiled module.
#[derive(Clone)]
pub struct wasm_module_t {
    pub(crate) module: Module,
}

#[no_mangle]
pub unsafe extern "C" fn wasm_module_new(
    store: Option<&wasm_store_t>,
    binary: Option<&wasm_byte_vec_t>,
) -> Option<Box<wasm_module_t>> {
    guard(None, || {
        let (store, binary) = (store?, binary?);
        // SAFETY: `binary` is a valid byte vector.
        let bytes = unsafe { binary.as_slice() };
        let module = Module::from_binary(store.engine(), bytes).ok()?;
        Some(Box::new(wasm_module_t { module }))
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_module_validate(
    store: Option<&wasm_store_t>,
    binary: Option<&wasm_byte_vec_t>,
) -> bool {
    guard(false, || {
        let (Some(store), Some(binary)) = (store, binary) else {
            return false;
        };
        // SAFETY: `binary` is a valid byte vector.
        let bytes = unsafe { binary.as_slice() };
        Module::validate(store.engine(), bytes).is_ok()
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_module_delete(module: Option<Box<wasm_module_t>>) {
    guard((), || drop(module))
}

#[no_mangle]
pub unsafe extern "C" fn wasm_module_copy(
    module: Option<&wasm_module_t>,
) -> Option<Box<wasm_module_t>> {
    guard(None, || module.map(|m| Box::new(m.clone())))
}

#[no_mangle]
pub unsafe extern "C" fn wasm_module_imports(
    module: Option<&wasm_module_t>,
    out: *mut wasm_importtype_vec_t,
) {
    guard((), || {
        if out.is_null() {
            return;
        }
        let items = module.map_or_else(Vec::new, |m| {
            m.module
                .imports()
                .map(|i| Some(wasm_importtype_t::from_kiln(i)))
                .collect()
        });
        // SAFETY: `out` is writable storage for a vector.
        unsafe { out.write(wasm_importtype_vec_t::from_vec(items)) }
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_module_exports(
    module: Option<&wasm_module_t>,
    out: *mut wasm_exporttype_vec_t,
) {
    guard((), || {
        if out.is_null() {
            return;
        }
        let items = module.map_or_else(Vec::new, |m| {
            m.module
                .exports()
                .map(|e| Some(wasm_exporttype_t::from_kiln(e)))
                .collect()
        });
        // SAFETY: `out` is writable storage for a vector.
        unsafe { out.write(wasm_exporttype_vec_t::from_vec(items)) }
    })
}
