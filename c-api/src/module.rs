//! Modules: compile, validate, and reflect on imports and exports.

use crate::byte_vec::wasm_byte_vec_t;
use crate::guard;
use crate::store::wasm_store_t;
use crate::types::{
    wasm_exporttype_t, wasm_exporttype_vec_t, wasm_importtype_t, wasm_importtype_vec_t,
};
use kiln::{ExternType, Module};
use std::sync::Arc;

/// What traps need to know about a module to describe their frames.
pub(crate) struct ModuleLayout {
    /// Number of imported functions: defined functions start after them.
    pub(crate) imported_funcs: u32,
    /// Byte offset in the binary of each defined function's body.
    pub(crate) body_offsets: Vec<usize>,
}

impl ModuleLayout {
    fn new(module: &Module, binary: &[u8]) -> ModuleLayout {
        let imported_funcs = module
            .imports()
            .filter(|i| matches!(i.ty(), ExternType::Func(_)))
            .count() as u32;
        let mut body_offsets = Vec::new();
        for payload in wasmparser::Parser::new(0).parse_all(binary) {
            if let Ok(wasmparser::Payload::CodeSectionEntry(body)) = payload {
                body_offsets.push(body.range().start as usize);
            }
        }
        ModuleLayout {
            imported_funcs,
            body_offsets,
        }
    }

    /// The offset of `module_offset` from the start of function `func_index`'s body.
    pub(crate) fn func_offset(&self, func_index: u32, module_offset: usize) -> Option<usize> {
        let defined = func_index.checked_sub(self.imported_funcs)?;
        let start = *self.body_offsets.get(defined as usize)?;
        module_offset.checked_sub(start)
    }
}

/// A compiled module.
#[derive(Clone)]
pub struct wasm_module_t {
    pub(crate) module: Module,
    pub(crate) layout: Arc<ModuleLayout>,
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
        let layout = Arc::new(ModuleLayout::new(&module, bytes));
        Some(Box::new(wasm_module_t { module, layout }))
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
