//! Module instances.

use crate::externs::{wasm_extern_t, wasm_extern_vec_t};
use crate::guard;
use crate::module::wasm_module_t;
use crate::reference::{wasm_ref_t, RefKind};
use crate::store::{store_mut, wasm_store_t};
use crate::trap::wasm_trap_t;
use kiln::{Extern, Instance};

/// An instance of a module in a store.
#[repr(transparent)]
#[derive(Clone)]
pub struct wasm_instance_t {
    pub(crate) r: wasm_ref_t,
}

impl wasm_instance_t {
    pub(crate) fn new(store: *mut wasm_store_t, instance: Instance) -> wasm_instance_t {
        wasm_instance_t {
            r: wasm_ref_t::new(store, RefKind::Instance(instance)),
        }
    }

    /// The Kiln handle. Every `wasm_instance_t` is made from one.
    pub(crate) fn instance(&self) -> Instance {
        match self.r.which {
            RefKind::Instance(i) => i,
            _ => unreachable!("an instance is always an instance"),
        }
    }
}

declare_ref!(wasm_instance_t, instance, r, |r| matches!(
    r.which,
    RefKind::Instance(_)
));

#[no_mangle]
pub unsafe extern "C" fn wasm_instance_new(
    store: *mut wasm_store_t,
    module: Option<&wasm_module_t>,
    imports: *const wasm_extern_vec_t,
    trap: *mut *mut wasm_trap_t,
) -> Option<Box<wasm_instance_t>> {
    guard(None, || {
        if !trap.is_null() {
            // SAFETY: `trap` is null or writable.
            unsafe { trap.write(std::ptr::null_mut()) };
        }
        let module = module?;
        if store.is_null() {
            return None;
        }
        // SAFETY: `imports` is null or a valid vector whose elements are null
        // or live externs (borrowed for this call).
        let externs: Option<Vec<Extern>> = unsafe { imports.as_ref() }
            .map_or(&[][..], |v| unsafe { v.as_slice() })
            .iter()
            .map(|e| e.as_ref().map(|e| e.which()))
            .collect();
        let result = match externs {
            Some(externs) => {
                // SAFETY: `store` is a live store, borrowed for this call.
                Instance::new(unsafe { store_mut(store) }, module.module(), &externs)
            }
            None => Err(kiln::Error::msg("an import is NULL")),
        };
        match result {
            Ok(instance) => Some(Box::new(wasm_instance_t::new(store, instance))),
            Err(err) => {
                if !trap.is_null() {
                    let t = wasm_trap_t::from_error(store, &err, None);
                    // SAFETY: `trap` is writable.
                    unsafe { trap.write(Box::into_raw(t)) };
                }
                None
            }
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_instance_exports(
    instance: Option<&wasm_instance_t>,
    out: *mut wasm_extern_vec_t,
) {
    guard((), || {
        if out.is_null() {
            return;
        }
        let items = match instance {
            Some(i) => {
                // SAFETY: the instance is live, so its store is.
                let store = unsafe { store_mut(i.r.store) };
                let handle = i.instance();
                handle
                    .exports(store)
                    .into_iter()
                    .map(|(_, e)| Some(Box::new(wasm_extern_t::new(i.r.store, e, Some(handle)))))
                    .collect()
            }
            None => Vec::new(),
        };
        // SAFETY: `out` is writable storage for a vector.
        unsafe { out.write(wasm_extern_vec_t::from_vec(items)) }
    })
}
