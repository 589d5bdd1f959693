//! Modules: compile, validate, and reflect on imports and exports.

use crate::byte_vec::wasm_byte_vec_t;
use crate::guard;
use crate::reference::{wasm_ref_t, ModuleObject, RefKind};
use crate::store::wasm_store_t;
use crate::types::{
    wasm_exporttype_t, wasm_exporttype_vec_t, wasm_importtype_t, wasm_importtype_vec_t,
};
use kiln::Module;

/// A compiled module. Modules belong to the engine, not the store: a module
/// stays usable after the store it was compiled in is deleted.
#[repr(transparent)]
#[derive(Clone)]
pub struct wasm_module_t {
    pub(crate) r: wasm_ref_t,
}

declare_ref!(wasm_module_t, module, r, |r| matches!(
    r.which,
    RefKind::Module(_)
));

impl wasm_module_t {
    pub(crate) fn new(module: Module) -> Box<wasm_module_t> {
        Box::new(wasm_module_t {
            r: wasm_ref_t::new(
                std::ptr::null_mut(),
                RefKind::Module(ModuleObject::new(module)),
            ),
        })
    }

    pub(crate) fn module(&self) -> &Module {
        match &self.r.which {
            RefKind::Module(m) => &m.module,
            _ => unreachable!("a module is always a module"),
        }
    }
}

/// A module made by `make` from the bytes of `binary`, in `store`'s engine;
/// NULL if either is NULL or `make` fails.
///
/// # Safety
/// `binary` must be null or a valid byte vector.
unsafe fn load(
    store: Option<&wasm_store_t>,
    binary: Option<&wasm_byte_vec_t>,
    make: impl FnOnce(&kiln::Engine, &[u8]) -> kiln::Result<Module>,
) -> Option<Box<wasm_module_t>> {
    guard(None, || {
        let (store, binary) = (store?, binary?);
        // SAFETY: guaranteed by the caller.
        let bytes = unsafe { binary.as_slice() };
        Some(wasm_module_t::new(make(store.engine(), bytes).ok()?))
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_module_new(
    store: Option<&wasm_store_t>,
    binary: Option<&wasm_byte_vec_t>,
) -> Option<Box<wasm_module_t>> {
    // SAFETY: `binary` is null or a valid byte vector.
    unsafe { load(store, binary, Module::from_binary) }
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
pub unsafe extern "C" fn wasm_module_imports(
    module: Option<&wasm_module_t>,
    out: *mut wasm_importtype_vec_t,
) {
    guard((), || {
        if out.is_null() {
            return;
        }
        let items = module.map_or_else(Vec::new, |m| {
            m.module()
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
            m.module()
                .exports()
                .map(|e| Some(wasm_exporttype_t::from_kiln(e)))
                .collect()
        });
        // SAFETY: `out` is writable storage for a vector.
        unsafe { out.write(wasm_exporttype_vec_t::from_vec(items)) }
    })
}

/// A module that can be passed to another thread and obtained in a store
/// there: `wasm_module_share`, then `wasm_module_obtain`.
pub struct wasm_shared_module_t {
    module: Module,
}

#[no_mangle]
pub unsafe extern "C" fn wasm_shared_module_delete(shared: Option<Box<wasm_shared_module_t>>) {
    guard((), || drop(shared))
}

#[no_mangle]
pub unsafe extern "C" fn wasm_module_share(
    module: Option<&wasm_module_t>,
) -> Option<Box<wasm_shared_module_t>> {
    guard(None, || {
        Some(Box::new(wasm_shared_module_t {
            module: module?.module().clone(),
        }))
    })
}

/// The module in `store`; NULL if the store's engine is not the one the
/// module was compiled by.
#[no_mangle]
pub unsafe extern "C" fn wasm_module_obtain(
    store: Option<&wasm_store_t>,
    shared: Option<&wasm_shared_module_t>,
) -> Option<Box<wasm_module_t>> {
    guard(None, || {
        let (store, shared) = (store?, shared?);
        if !kiln::Engine::same(store.engine(), shared.module.engine()) {
            return None;
        }
        Some(wasm_module_t::new(shared.module.clone()))
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_module_serialize(
    module: Option<&wasm_module_t>,
    out: *mut wasm_byte_vec_t,
) {
    guard((), || {
        if out.is_null() {
            return;
        }
        let bytes = module
            .and_then(|m| m.module().serialize().ok())
            .unwrap_or_default();
        // SAFETY: `out` is writable storage for a vector.
        unsafe { out.write(wasm_byte_vec_t::from_vec(bytes)) }
    })
}

/// The module serialized in `binary`; NULL if it is not an artifact of this
/// engine's version and settings.
#[no_mangle]
pub unsafe extern "C" fn wasm_module_deserialize(
    store: Option<&wasm_store_t>,
    binary: Option<&wasm_byte_vec_t>,
) -> Option<Box<wasm_module_t>> {
    // SAFETY: `binary` is null or a valid byte vector. The header makes the
    // caller responsible for passing only artifacts from
    // `wasm_module_serialize` (native code Kiln cannot verify); Kiln checks
    // the version, target and settings.
    unsafe {
        load(store, binary, |engine, bytes| {
            Module::deserialize(engine, bytes)
        })
    }
}
