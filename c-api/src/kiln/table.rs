//! Host tables with a reason for a failure.

use super::error::kiln_error_t;
use crate::externs::wasm_table_t;
use crate::guard;
use crate::reference::wasm_ref_t;
use crate::store::{store_mut, wasm_store_t};
use crate::table::ref_val;
use crate::types::wasm_tabletype_t;

/// Makes a table of type `ty` (borrowed) in `store` with every element
/// `init` (borrowed; NULL for null references), as `wasm_table_new` does,
/// but says why it cannot: on success writes the owned table to `out` and
/// returns NULL; otherwise returns an error, such as "maximum concurrent
/// limit of 2 for tables reached" from an engine whose pool
/// (`kiln_pooling_allocation_strategy_set`) is full.
#[no_mangle]
pub unsafe extern "C" fn kiln_table_new(
    store: *mut wasm_store_t,
    ty: Option<&wasm_tabletype_t>,
    init: Option<&wasm_ref_t>,
    out: Option<&mut *mut wasm_table_t>,
) -> Option<Box<kiln_error_t>> {
    guard(
        Some(kiln_error_t::msg("kiln_table_new: internal error")),
        || {
            let (Some(ty), Some(out)) = (ty, out) else {
                return Some(kiln_error_t::msg("kiln_table_new: NULL type or out"));
            };
            *out = std::ptr::null_mut();
            if store.is_null() {
                return Some(kiln_error_t::msg("kiln_table_new: NULL store"));
            }
            let ty = ty.inner().ty;
            let Some(init) = ref_val(init, ty.element()) else {
                return Some(kiln_error_t::msg(
                    "kiln_table_new: the initial value is not of the table's element type",
                ));
            };
            // SAFETY: `store` is a live store (the header's rule).
            match kiln::Table::new(unsafe { store_mut(store) }, ty, init) {
                Ok(table) => {
                    *out = Box::into_raw(wasm_table_t::new(store, table));
                    None
                }
                Err(err) => Some(kiln_error_t::new(&err)),
            }
        },
    )
}
