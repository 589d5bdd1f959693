//! Exports by name.

use crate::externs::wasm_extern_t;
use crate::guard;
use crate::instance::wasm_instance_t;
use crate::store::store_mut;

/// The export `name` (`len` bytes, UTF-8) of `instance`, owned by the
/// caller; NULL if there is none. (`wasm_instance_exports` lists every
/// export, in the module's order, without names.)
#[no_mangle]
pub unsafe extern "C" fn kiln_instance_export_get(
    instance: Option<&wasm_instance_t>,
    name: *const u8,
    len: usize,
) -> Option<Box<wasm_extern_t>> {
    guard(None, || {
        let instance = instance?;
        let bytes = if len == 0 {
            &[][..]
        } else if name.is_null() {
            return None;
        } else {
            // SAFETY: `name` points at `len` readable bytes.
            unsafe { std::slice::from_raw_parts(name, len) }
        };
        let name = std::str::from_utf8(bytes).ok()?;
        let store = instance.r.store;
        let handle = instance.instance();
        // SAFETY: the instance is live, so its store is; the context is
        // dropped before this call returns (`store_mut`'s rule).
        let item = handle.get_export(unsafe { store_mut(store) }, name)?;
        Some(Box::new(wasm_extern_t::new(store, item, Some(handle))))
    })
}
