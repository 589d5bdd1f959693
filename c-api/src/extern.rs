//! Externals: `wasm_extern_t` and the conversions between it and functions,
//! globals, tables and memories.
//!
//! `wasm_extern_t` is a transparent wrapper of `wasm_ref_t`, and
//! `wasm_func_t`, `wasm_global_t`, `wasm_table_t` and `wasm_memory_t` are
//! transparent wrappers of `wasm_extern_t`, so every `_as_` conversion is a
//! pointer cast to the same object. Each is a reference type (see
//! [`crate::reference`]).

use crate::guard;
use crate::reference::{wasm_ref_t, RefKind};
use crate::store::{store_mut, wasm_store_t};
use crate::types::{
    wasm_externkind_t, wasm_externtype_t, WASM_EXTERN_FUNC, WASM_EXTERN_GLOBAL, WASM_EXTERN_MEMORY,
    WASM_EXTERN_TABLE,
};
use kiln::{Extern, Instance};

/// An entity that can be imported or exported.
#[repr(transparent)]
#[derive(Clone)]
pub struct wasm_extern_t {
    pub(crate) r: wasm_ref_t,
}

impl wasm_extern_t {
    pub(crate) fn new(
        store: *mut wasm_store_t,
        which: Extern,
        origin: Option<Instance>,
    ) -> wasm_extern_t {
        let mut r = wasm_ref_t::new(store, RefKind::Extern(which));
        r.origin = origin;
        wasm_extern_t { r }
    }

    pub(crate) fn store(&self) -> *mut wasm_store_t {
        self.r.store
    }

    /// The Kiln entity. Every `wasm_extern_t` is made from one.
    pub(crate) fn which(&self) -> Extern {
        match &self.r.which {
            RefKind::Extern(e) => *e,
            _ => unreachable!("an extern is always a store entity"),
        }
    }

    fn kind(&self) -> wasm_externkind_t {
        match self.which() {
            Extern::Func(_) => WASM_EXTERN_FUNC,
            Extern::Global(_) => WASM_EXTERN_GLOBAL,
            Extern::Table(_) => WASM_EXTERN_TABLE,
            Extern::Memory(_) => WASM_EXTERN_MEMORY,
        }
    }
}

declare_vec!(
    wasm_extern_vec_t, Option<Box<wasm_extern_t>>,
    wasm_extern_vec_new_empty, wasm_extern_vec_new_uninitialized, wasm_extern_vec_new,
    wasm_extern_vec_copy, wasm_extern_vec_delete,
    uninit: None, copy: |e: &Option<Box<wasm_extern_t>>| e.clone(), drop: drop,
);

declare_ref!(wasm_extern_t, extern, r, |r| matches!(
    r.which,
    RefKind::Extern(_)
));

#[no_mangle]
pub unsafe extern "C" fn wasm_extern_kind(e: Option<&wasm_extern_t>) -> wasm_externkind_t {
    guard(WASM_EXTERN_FUNC, || {
        e.map_or(WASM_EXTERN_FUNC, |e| e.kind())
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_extern_type(
    e: Option<&wasm_extern_t>,
) -> Option<Box<wasm_externtype_t>> {
    guard(None, || {
        let e = e?;
        // SAFETY: the extern is live, so its store is (header rule).
        let store = unsafe { store_mut(e.store()) };
        Some(Box::new(wasm_externtype_t::new(e.which().ty(&store))))
    })
}

/// Declares one of the four kinds of extern: a transparent wrapper with the
/// Kiln handle's accessor, the reference functions, and the four
/// conversions to and from `wasm_extern_t`.
macro_rules! extern_kind {
    ($t:ident, $name:ident, $variant:ident, $handle:ty) => {
        #[doc = concat!("`", stringify!($t), "`: an extern of one kind.")]
        #[repr(transparent)]
        #[derive(Clone)]
        pub struct $t {
            pub(crate) ext: wasm_extern_t,
        }

        impl $t {
            pub(crate) fn new(store: *mut wasm_store_t, handle: $handle) -> Box<$t> {
                Box::new($t {
                    ext: wasm_extern_t::new(store, Extern::$variant(handle), None),
                })
            }

            /// The Kiln handle.
            pub(crate) fn handle(&self) -> $handle {
                match self.ext.which() {
                    Extern::$variant(h) => h,
                    _ => unreachable!(concat!(stringify!($t), " of another kind")),
                }
            }

            /// The store, borrowed.
            ///
            /// # Safety
            /// See [`store_mut`]: the object is live, so its store is.
            pub(crate) unsafe fn store(&self) -> kiln::StoreContextMut<'_, $crate::store::StoreData> {
                // SAFETY: guaranteed by the caller.
                unsafe { store_mut(self.ext.store()) }
            }
        }

        declare_ref!($t, $name, ext.r, |r| matches!(r.which, RefKind::Extern(Extern::$variant(_))));

        paste::paste! {
        #[no_mangle]
        pub unsafe extern "C" fn [<wasm_ $name _as_extern>](p: *mut $t) -> *mut wasm_extern_t {
            p.cast()
        }

        #[no_mangle]
        pub unsafe extern "C" fn [<wasm_ $name _as_extern_const>](p: *const $t) -> *const wasm_extern_t {
            p.cast()
        }

        #[no_mangle]
        pub unsafe extern "C" fn [<wasm_extern_as_ $name>](e: *mut wasm_extern_t) -> *mut $t {
            // SAFETY: `e` is null or a live extern.
            match unsafe { e.as_ref() } {
                Some(ext) if matches!(ext.which(), Extern::$variant(_)) => e.cast(),
                _ => std::ptr::null_mut(),
            }
        }

        #[no_mangle]
        pub unsafe extern "C" fn [<wasm_extern_as_ $name _const>](e: *const wasm_extern_t) -> *const $t {
            // SAFETY: `e` is null or a live extern.
            match unsafe { e.as_ref() } {
                Some(ext) if matches!(ext.which(), Extern::$variant(_)) => e.cast(),
                _ => std::ptr::null(),
            }
        }
        }
    };
}

extern_kind!(wasm_func_t, func, Func, kiln::Func);
extern_kind!(wasm_global_t, global, Global, kiln::Global);
extern_kind!(wasm_table_t, table, Table, kiln::Table);
extern_kind!(wasm_memory_t, memory, Memory, kiln::Memory);
