//! Externals: `wasm_extern_t` and the conversions between it and functions,
//! globals, tables and memories.
//!
//! `wasm_extern_t` is a transparent wrapper of `wasm_ref_t`, and
//! `wasm_func_t`, `wasm_global_t`, `wasm_table_t` and `wasm_memory_t` are
//! transparent wrappers of `wasm_extern_t`, so every `_as_` conversion is a
//! pointer cast to the same object.

use crate::guard;
use crate::instance::wasm_instance_t;
use crate::store::{store_mut, wasm_store_t};
use crate::types::{
    wasm_externkind_t, wasm_externtype_t, WASM_EXTERN_FUNC, WASM_EXTERN_GLOBAL, WASM_EXTERN_MEMORY,
    WASM_EXTERN_TABLE,
};
use crate::val::{wasm_ref_t, RefKind};
use kiln::Extern;

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
        origin: Option<wasm_instance_t>,
    ) -> wasm_extern_t {
        wasm_extern_t {
            r: wasm_ref_t {
                store,
                which: RefKind::Extern(which),
                origin,
            },
        }
    }

    pub(crate) fn store(&self) -> *mut wasm_store_t {
        self.r.store
    }

    /// The Kiln entity. Every `wasm_extern_t` is made from one.
    pub(crate) fn which(&self) -> Extern {
        match &self.r.which {
            RefKind::Extern(e) => *e,
            RefKind::Host(_) => unreachable!("an extern is never a host reference"),
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

#[no_mangle]
pub unsafe extern "C" fn wasm_extern_delete(e: Option<Box<wasm_extern_t>>) {
    guard((), || drop(e))
}

#[no_mangle]
pub unsafe extern "C" fn wasm_extern_copy(e: Option<&wasm_extern_t>) -> Option<Box<wasm_extern_t>> {
    guard(None, || e.map(|e| Box::new(e.clone())))
}

#[no_mangle]
pub unsafe extern "C" fn wasm_extern_same(
    a: Option<&wasm_extern_t>,
    b: Option<&wasm_extern_t>,
) -> bool {
    guard(false, || match (a, b) {
        (Some(a), Some(b)) => a.which() == b.which(),
        _ => false,
    })
}

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
        Some(Box::new(wasm_externtype_t::new(e.which().ty(&*store))))
    })
}

/// Declares one of the four kinds of extern: a transparent wrapper with the
/// Kiln handle's accessor, `_delete`, `_copy`, `_same`, and the four
/// conversions to and from `wasm_extern_t`.
macro_rules! extern_kind {
    (
        $t:ident, $variant:ident, $handle:ty, $delete:ident, $copy:ident, $same:ident,
        $as_ext:ident, $as_ext_const:ident, $from_ext:ident, $from_ext_const:ident
    ) => {
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
            #[allow(clippy::mut_from_ref)]
            pub(crate) unsafe fn store(&self) -> &mut kiln::Store<()> {
                // SAFETY: guaranteed by the caller.
                unsafe { store_mut(self.ext.store()) }
            }
        }

        #[no_mangle]
        pub unsafe extern "C" fn $delete(p: Option<Box<$t>>) {
            $crate::guard((), || drop(p))
        }

        #[no_mangle]
        pub unsafe extern "C" fn $copy(p: Option<&$t>) -> Option<Box<$t>> {
            $crate::guard(None, || p.map(|p| Box::new(p.clone())))
        }

        #[no_mangle]
        pub unsafe extern "C" fn $same(a: Option<&$t>, b: Option<&$t>) -> bool {
            $crate::guard(false, || match (a, b) {
                (Some(a), Some(b)) => a.handle() == b.handle(),
                _ => false,
            })
        }

        #[no_mangle]
        pub unsafe extern "C" fn $as_ext(p: *mut $t) -> *mut wasm_extern_t {
            p.cast()
        }

        #[no_mangle]
        pub unsafe extern "C" fn $as_ext_const(p: *const $t) -> *const wasm_extern_t {
            p.cast()
        }

        #[no_mangle]
        pub unsafe extern "C" fn $from_ext(e: *mut wasm_extern_t) -> *mut $t {
            // SAFETY: `e` is null or a live extern.
            match unsafe { e.as_ref() } {
                Some(ext) if matches!(ext.which(), Extern::$variant(_)) => e.cast(),
                _ => std::ptr::null_mut(),
            }
        }

        #[no_mangle]
        pub unsafe extern "C" fn $from_ext_const(e: *const wasm_extern_t) -> *const $t {
            // SAFETY: `e` is null or a live extern.
            match unsafe { e.as_ref() } {
                Some(ext) if matches!(ext.which(), Extern::$variant(_)) => e.cast(),
                _ => std::ptr::null(),
            }
        }
    };
}

extern_kind!(
    wasm_func_t,
    Func,
    kiln::Func,
    wasm_func_delete,
    wasm_func_copy,
    wasm_func_same,
    wasm_func_as_extern,
    wasm_func_as_extern_const,
    wasm_extern_as_func,
    wasm_extern_as_func_const
);
extern_kind!(
    wasm_global_t,
    Global,
    kiln::Global,
    wasm_global_delete,
    wasm_global_copy,
    wasm_global_same,
    wasm_global_as_extern,
    wasm_global_as_extern_const,
    wasm_extern_as_global,
    wasm_extern_as_global_const
);
extern_kind!(
    wasm_table_t,
    Table,
    kiln::Table,
    wasm_table_delete,
    wasm_table_copy,
    wasm_table_same,
    wasm_table_as_extern,
    wasm_table_as_extern_const,
    wasm_extern_as_table,
    wasm_extern_as_table_const
);
extern_kind!(
    wasm_memory_t,
    Memory,
    kiln::Memory,
    wasm_memory_delete,
    wasm_memory_copy,
    wasm_memory_same,
    wasm_memory_as_extern,
    wasm_memory_as_extern_const,
    wasm_extern_as_memory,
    wasm_extern_as_memory_const
);

// Functions are references: `wasm_func_t` wraps `wasm_extern_t`, which wraps
// `wasm_ref_t`, so these are casts too.

#[no_mangle]
pub unsafe extern "C" fn wasm_func_as_ref(f: *mut wasm_func_t) -> *mut wasm_ref_t {
    f.cast()
}

#[no_mangle]
pub unsafe extern "C" fn wasm_func_as_ref_const(f: *const wasm_func_t) -> *const wasm_ref_t {
    f.cast()
}

#[no_mangle]
pub unsafe extern "C" fn wasm_ref_as_func(r: *mut wasm_ref_t) -> *mut wasm_func_t {
    // SAFETY: `r` is null or a live reference.
    match unsafe { r.as_ref() } {
        Some(wasm_ref_t {
            which: RefKind::Extern(Extern::Func(_)),
            ..
        }) => r.cast(),
        _ => std::ptr::null_mut(),
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_ref_as_func_const(r: *const wasm_ref_t) -> *const wasm_func_t {
    // SAFETY: `r` is null or a live reference.
    match unsafe { r.as_ref() } {
        Some(wasm_ref_t {
            which: RefKind::Extern(Extern::Func(_)),
            ..
        }) => r.cast(),
        _ => std::ptr::null(),
    }
}
