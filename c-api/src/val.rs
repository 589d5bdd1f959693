//! Values: `wasm_val_t` and `wasm_val_vec_t`.

use crate::guard;
use crate::reference::wasm_ref_t;
use crate::store::wasm_store_t;
use crate::types::{
    kind_of, wasm_valkind_t, WASM_EXTERNREF, WASM_F32, WASM_F64, WASM_FUNCREF, WASM_I32, WASM_I64,
};
use kiln::{Val, ValType};

/// The payload of a value.
#[repr(C)]
#[derive(Clone, Copy)]
pub union wasm_val_union {
    /// An `i32`.
    pub i32: i32,
    /// An `i64`.
    pub i64: i64,
    /// An `f32`.
    pub f32: f32,
    /// An `f64`.
    pub f64: f64,
    /// A reference, owned by the value; null for a null reference.
    pub ref_: *mut wasm_ref_t,
}

/// A value: a kind and its payload.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct wasm_val_t {
    /// The kind (`wasm_valkind_t`).
    pub kind: wasm_valkind_t,
    /// The payload.
    pub of: wasm_val_union,
}

impl wasm_val_t {
    /// The zero value of `ty` (a null reference for reference types).
    pub(crate) fn zero(ty: ValType) -> wasm_val_t {
        let mut v = wasm_val_t {
            kind: kind_of(ty),
            of: wasm_val_union { i64: 0 },
        };
        if ty.is_ref() {
            v.of.ref_ = std::ptr::null_mut();
        }
        v
    }

    /// An owned C value for `val`; references are new `wasm_ref_t`s.
    pub(crate) fn from_kiln(store: *mut wasm_store_t, val: &Val) -> wasm_val_t {
        let of = match val {
            Val::I32(v) => wasm_val_union { i32: *v },
            Val::I64(v) => wasm_val_union { i64: *v },
            Val::F32(v) => wasm_val_union {
                f32: f32::from_bits(*v),
            },
            Val::F64(v) => wasm_val_union {
                f64: f64::from_bits(*v),
            },
            // C has no `v128`: only the low 64 bits are visible.
            Val::V128(v) => wasm_val_union { i64: *v as i64 },
            Val::FuncRef(_) | Val::ExternRef(_) => wasm_val_union {
                ref_: wasm_ref_t::from_val(store, val).map_or(std::ptr::null_mut(), Box::into_raw),
            },
            _ => wasm_val_union { i64: 0 },
        };
        wasm_val_t {
            kind: kind_of(val.ty()),
            of,
        }
    }

    /// The Kiln value of this C value. A null reference takes its type from
    /// `expected` when that is a reference type (C programs write null
    /// function references as `WASM_REF_VAL(NULL)`, of kind `externref`).
    ///
    /// # Safety
    /// A reference payload must be null or a live `wasm_ref_t`.
    pub(crate) unsafe fn kiln_val(&self, expected: Option<ValType>) -> Option<Val> {
        // SAFETY: the kind says which field of the union is initialised
        // (C programs initialise the field matching the kind).
        unsafe {
            Some(match self.kind {
                WASM_I32 => Val::I32(self.of.i32),
                WASM_I64 => Val::I64(self.of.i64),
                WASM_F32 => Val::F32(self.of.f32.to_bits()),
                WASM_F64 => Val::F64(self.of.f64.to_bits()),
                WASM_EXTERNREF | WASM_FUNCREF => match self.of.ref_.as_ref() {
                    Some(r) => r.to_val()?,
                    None => match expected.filter(ValType::is_ref) {
                        Some(ValType::FuncRef) => Val::FuncRef(None),
                        Some(_) => Val::ExternRef(None),
                        None if self.kind == WASM_FUNCREF => Val::FuncRef(None),
                        None => Val::ExternRef(None),
                    },
                },
                _ => return None,
            })
        }
    }

    /// Releases the reference this value owns, if any.
    ///
    /// # Safety
    /// A reference payload must be null or an owned `wasm_ref_t`.
    pub(crate) unsafe fn release(&mut self) {
        if self.kind == WASM_EXTERNREF || self.kind == WASM_FUNCREF {
            // SAFETY: the reference field is the initialised one for ref kinds.
            let r = unsafe { self.of.ref_ };
            if !r.is_null() {
                // SAFETY: the value owns its reference (caller's guarantee).
                drop(unsafe { Box::from_raw(r) });
                self.of.ref_ = std::ptr::null_mut();
            }
        }
    }

    /// A copy that owns a copy of the reference.
    ///
    /// # Safety
    /// A reference payload must be null or a live `wasm_ref_t`.
    pub(crate) unsafe fn deep_copy(&self) -> wasm_val_t {
        let mut copy = *self;
        if self.kind == WASM_EXTERNREF || self.kind == WASM_FUNCREF {
            // SAFETY: the reference field is the initialised one for ref kinds,
            // and it is null or live (caller's guarantee).
            if let Some(r) = unsafe { self.of.ref_.as_ref() } {
                copy.of.ref_ = Box::into_raw(Box::new(r.clone()));
            }
        }
        copy
    }
}

declare_vec!(
    wasm_val_vec_t, wasm_val_t,
    wasm_val_vec_new_empty, wasm_val_vec_new_uninitialized, wasm_val_vec_new,
    wasm_val_vec_copy, wasm_val_vec_delete,
    uninit: wasm_val_t::zero(ValType::I32),
    // SAFETY: elements of a valid vector hold null or live references.
    copy: |v: &wasm_val_t| unsafe { v.deep_copy() },
    // SAFETY: elements of an owned vector own their references.
    drop: |mut v: wasm_val_t| unsafe { v.release() },
);

#[no_mangle]
pub unsafe extern "C" fn wasm_val_delete(v: *mut wasm_val_t) {
    guard((), || {
        // SAFETY: `v` is null or an owned value.
        if let Some(v) = unsafe { v.as_mut() } {
            // SAFETY: as above.
            unsafe { v.release() }
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_val_copy(out: *mut wasm_val_t, src: Option<&wasm_val_t>) {
    guard((), || {
        if let (false, Some(src)) = (out.is_null(), src) {
            // SAFETY: `src` is a valid value and `out` writable storage.
            unsafe { out.write(src.deep_copy()) }
        }
    })
}
