//! References (`wasm_ref_t`), what every reference type shares (`_copy`,
//! `_same`, host info, conversions to and from `wasm_ref_t`), and foreign
//! objects (`wasm_foreign_t`).
//!
//! Every reference type (`wasm_func_t`, `wasm_global_t`, `wasm_table_t`,
//! `wasm_memory_t`, `wasm_extern_t`, `wasm_instance_t`, `wasm_module_t`,
//! `wasm_trap_t`, `wasm_foreign_t`) is a transparent wrapper of `wasm_ref_t`,
//! so `wasm_xxx_as_ref` and `wasm_ref_as_xxx` are pointer casts to the same
//! object.
//!
//! Host info belongs to the object a handle refers to, not to the handle:
//! every handle to the same function (a copy, an export fetched again, a
//! reference read back from a table) sees the same host info, and a foreign
//! object passed through wasm as an `externref` comes back with its host info.
//! Setting it again replaces it and runs the finalizer of the info it
//! replaces. A finalizer runs once the object can no longer be reached:
//! for functions, globals, tables, memories and instances when their store is
//! deleted; for a foreign object when the last handle to it is deleted and
//! wasm holds it nowhere; for modules and traps when the last copy is deleted.

use crate::guard;
use crate::store::{self, wasm_store_t};
use kiln::{Extern, ExternRef, Instance, Val};
use std::ffi::c_void;
use std::sync::{Arc, Mutex, OnceLock};

/// A finalizer the C program registers with an object.
pub(crate) type Finalizer = unsafe extern "C" fn(*mut c_void);

/// A pointer the C program attached to an object, and the finalizer that
/// runs when the object (or the attachment) goes away.
pub(crate) struct HostInfo {
    pub(crate) info: *mut c_void,
    pub(crate) finalizer: Option<Finalizer>,
}

// SAFETY: Kiln never dereferences `info`; it only hands it back to the C
// program and passes it to the finalizer, on the thread using the store (the
// header requires one thread at a time per store).
unsafe impl Send for HostInfo {}
// SAFETY: as above.
unsafe impl Sync for HostInfo {}

impl Drop for HostInfo {
    fn drop(&mut self) {
        if let Some(finalizer) = self.finalizer {
            // SAFETY: the C program registered this finalizer for this pointer.
            unsafe { finalizer(self.info) }
        }
    }
}

/// Host info kept in the object itself (modules, traps, foreign objects).
pub(crate) type HostInfoSlot = Mutex<Option<HostInfo>>;

/// A store entity that can carry host info; the store keeps it.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum EntityKey {
    Extern(Extern),
    Instance(Instance),
}

/// The payload of a foreign object's `externref`.
pub(crate) struct Foreign {
    host_info: HostInfoSlot,
}

/// A compiled module shared by every copy of a `wasm_module_t`.
pub(crate) struct ModuleObject {
    pub(crate) module: kiln::Module,
    host_info: HostInfoSlot,
}

impl ModuleObject {
    pub(crate) fn new(module: kiln::Module) -> Arc<ModuleObject> {
        Arc::new(ModuleObject {
            module,
            host_info: Mutex::new(None),
        })
    }
}

/// A trap shared by every copy of a `wasm_trap_t`.
pub(crate) struct TrapObject {
    pub(crate) message: String,
    /// Where wasm was when the trap unwound it; set once, by the call that
    /// returned the trap (a trap a host callback made has none until then).
    pub(crate) trace: OnceLock<TrapTrace>,
    /// The trap's code, when wasm trapped.
    pub(crate) code: Option<kiln::TrapCode>,
    /// The exit status, when a WASI program exited.
    pub(crate) exit_status: Option<i32>,
    pub(crate) host_info: HostInfoSlot,
}

/// A trap's wasm backtrace.
pub(crate) struct TrapTrace {
    pub(crate) frames: Vec<kiln::FrameInfo>,
    /// The instance whose export was called, which frames report as theirs.
    pub(crate) origin: Option<Instance>,
}

impl TrapObject {
    /// The wasm frames, innermost first; none for a trap no call returned.
    pub(crate) fn frames(&self) -> &[kiln::FrameInfo] {
        self.trace.get().map_or(&[], |t| &t.frames)
    }

    pub(crate) fn origin(&self) -> Option<Instance> {
        self.trace.get().and_then(|t| t.origin)
    }

    /// A trap with just a message.
    pub(crate) fn new(message: String) -> TrapObject {
        TrapObject {
            message,
            trace: OnceLock::new(),
            code: None,
            exit_status: None,
            host_info: Mutex::new(None),
        }
    }
}

/// What a reference refers to.
#[derive(Clone)]
pub(crate) enum RefKind {
    /// A function, global, table or memory of the store.
    Extern(Extern),
    /// A host value: a foreign object, which wasm sees as an `externref`.
    Foreign(ExternRef),
    Instance(Instance),
    Module(Arc<ModuleObject>),
    Trap(Arc<TrapObject>),
}

/// A reference to a runtime object. Each one is a handle on its store (see
/// `store.rs`).
pub struct wasm_ref_t {
    /// The store the object belongs to; null for traps made outside a store.
    pub(crate) store: *mut wasm_store_t,
    pub(crate) which: RefKind,
    /// The instance whose export this is, when it is one: frames of traps
    /// raised by calling it name that instance.
    pub(crate) origin: Option<Instance>,
}

impl Clone for wasm_ref_t {
    fn clone(&self) -> wasm_ref_t {
        // SAFETY: this reference is a handle, so its store is live.
        unsafe { wasm_store_t::retain(self.store) };
        wasm_ref_t {
            store: self.store,
            which: self.which.clone(),
            origin: self.origin,
        }
    }
}

impl Drop for wasm_ref_t {
    fn drop(&mut self) {
        // SAFETY: this reference owns the handle `new` or `clone` counted.
        unsafe { wasm_store_t::release(self.store) };
    }
}

impl wasm_ref_t {
    /// A reference to `which` of `store` (null for none), counted as a
    /// handle on the store.
    ///
    /// `store` must be null or a live store; every caller passes the store
    /// of an operation in progress.
    pub(crate) fn new(store: *mut wasm_store_t, which: RefKind) -> wasm_ref_t {
        // SAFETY: `store` is null or live (this function's rule).
        unsafe { wasm_store_t::retain(store) };
        wasm_ref_t {
            store,
            which,
            origin: None,
        }
    }

    /// The value this reference stands for, if it can be a wasm value.
    pub(crate) fn to_val(&self) -> Option<Val> {
        match &self.which {
            RefKind::Extern(Extern::Func(f)) => Some(Val::FuncRef(Some(*f))),
            RefKind::Foreign(r) => Some(Val::ExternRef(Some(r.clone()))),
            _ => None,
        }
    }

    /// The reference for a non-null reference value.
    pub(crate) fn from_val(store: *mut wasm_store_t, val: &Val) -> Option<Box<wasm_ref_t>> {
        let which = match val {
            Val::FuncRef(Some(f)) => RefKind::Extern(Extern::Func(*f)),
            Val::ExternRef(Some(r)) => RefKind::Foreign(r.clone()),
            _ => return None,
        };
        Some(Box::new(wasm_ref_t::new(store, which)))
    }

    /// Whether both refer to the same object.
    pub(crate) fn same(&self, other: &wasm_ref_t) -> bool {
        match (&self.which, &other.which) {
            (RefKind::Extern(a), RefKind::Extern(b)) => a == b,
            (RefKind::Foreign(a), RefKind::Foreign(b)) => ExternRef::ptr_eq(a, b),
            (RefKind::Instance(a), RefKind::Instance(b)) => a == b,
            (RefKind::Module(a), RefKind::Module(b)) => Arc::ptr_eq(a, b),
            (RefKind::Trap(a), RefKind::Trap(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }

    /// Where the host info of a module, trap or foreign object lives.
    fn slot(&self) -> Option<&HostInfoSlot> {
        match &self.which {
            RefKind::Foreign(r) => r.data().downcast_ref::<Foreign>().map(|f| &f.host_info),
            RefKind::Module(m) => Some(&m.host_info),
            RefKind::Trap(t) => Some(&t.host_info),
            RefKind::Extern(_) | RefKind::Instance(_) => None,
        }
    }

    /// The key under which the store keeps a store entity's host info.
    fn entity_key(&self) -> Option<EntityKey> {
        match &self.which {
            RefKind::Extern(e) => Some(EntityKey::Extern(*e)),
            RefKind::Instance(i) => Some(EntityKey::Instance(*i)),
            _ => None,
        }
    }

    pub(crate) fn host_info(&self) -> *mut c_void {
        if let Some(slot) = self.slot() {
            let slot = slot.lock().unwrap_or_else(|e| e.into_inner());
            return slot.as_ref().map_or(std::ptr::null_mut(), |h| h.info);
        }
        match (self.entity_key(), self.store.is_null()) {
            // SAFETY: the object is live, so its store is (header rule).
            (Some(key), false) => unsafe { store::host_info(self.store, key) },
            _ => std::ptr::null_mut(),
        }
    }

    /// Attaches `info`, dropping (and so finalizing) what it replaces.
    pub(crate) fn set_host_info(&self, info: HostInfo) {
        let replaced = if let Some(slot) = self.slot() {
            slot.lock().unwrap_or_else(|e| e.into_inner()).replace(info)
        } else {
            match (self.entity_key(), self.store.is_null()) {
                // SAFETY: the object is live, so its store is (header rule).
                (Some(key), false) => unsafe { store::set_host_info(self.store, key, info) },
                // An object with nowhere to keep host info: finalize at once
                // rather than leak.
                _ => Some(info),
            }
        };
        // The lock is released: a finalizer may call back into the library.
        drop(replaced);
    }
}

/// The reference types: their `wasm_ref_t`, and how to tell whether a
/// `wasm_ref_t` is one of them.
pub(crate) trait RefObject {
    fn as_ref_t(&self) -> &wasm_ref_t;
    fn is_kind(r: &wasm_ref_t) -> bool;
}

impl RefObject for wasm_ref_t {
    fn as_ref_t(&self) -> &wasm_ref_t {
        self
    }
    fn is_kind(_: &wasm_ref_t) -> bool {
        true
    }
}

/// Declares `wasm_<name>_delete`, `_copy`, `_same`, `_get_host_info`,
/// `_set_host_info` and `_set_host_info_with_finalizer` for a type that
/// implements [`RefObject`] and `Clone`.
macro_rules! declare_ref_base {
    ($t:ty, $name:ident) => {
        paste::paste! {
            #[no_mangle]
            pub unsafe extern "C" fn [<wasm_ $name _delete>](p: Option<Box<$t>>) {
                $crate::guard((), || drop(p))
            }

            #[no_mangle]
            pub unsafe extern "C" fn [<wasm_ $name _copy>](p: Option<&$t>) -> Option<Box<$t>> {
                $crate::guard(None, || p.map(|p| Box::new(p.clone())))
            }

            #[no_mangle]
            pub unsafe extern "C" fn [<wasm_ $name _same>](a: Option<&$t>, b: Option<&$t>) -> bool {
                use $crate::reference::RefObject as _;
                $crate::guard(false, || match (a, b) {
                    (Some(a), Some(b)) => a.as_ref_t().same(b.as_ref_t()),
                    (None, None) => true,
                    _ => false,
                })
            }

            #[no_mangle]
            pub unsafe extern "C" fn [<wasm_ $name _get_host_info>](
                p: Option<&$t>,
            ) -> *mut std::ffi::c_void {
                use $crate::reference::RefObject as _;
                $crate::guard(std::ptr::null_mut(), || {
                    p.map_or(std::ptr::null_mut(), |p| p.as_ref_t().host_info())
                })
            }

            #[no_mangle]
            pub unsafe extern "C" fn [<wasm_ $name _set_host_info>](
                p: Option<&$t>,
                info: *mut std::ffi::c_void,
            ) {
                use $crate::reference::RefObject as _;
                $crate::guard((), || {
                    if let Some(p) = p {
                        let info = $crate::reference::HostInfo { info, finalizer: None };
                        p.as_ref_t().set_host_info(info);
                    }
                })
            }

            #[no_mangle]
            pub unsafe extern "C" fn [<wasm_ $name _set_host_info_with_finalizer>](
                p: Option<&$t>,
                info: *mut std::ffi::c_void,
                finalizer: Option<$crate::reference::Finalizer>,
            ) {
                use $crate::reference::RefObject as _;
                $crate::guard((), || {
                    let info = $crate::reference::HostInfo { info, finalizer };
                    match p {
                        Some(p) => p.as_ref_t().set_host_info(info),
                        // Nothing to attach to: finalize at once.
                        None => drop(info),
                    }
                })
            }
        }
    };
}

/// Declares a reference type: a transparent wrapper of `wasm_ref_t` (at
/// field path `$field`) whose refs satisfy `$is_kind`, with
/// [`declare_ref_base`]'s functions and the four conversions to and from
/// `wasm_ref_t`.
macro_rules! declare_ref {
    ($t:ident, $name:ident, $($field:ident).+, |$r:ident| $is_kind:expr) => {
        impl $crate::reference::RefObject for $t {
            fn as_ref_t(&self) -> &$crate::reference::wasm_ref_t {
                &self.$($field).+
            }
            fn is_kind($r: &$crate::reference::wasm_ref_t) -> bool {
                $is_kind
            }
        }

        declare_ref_base!($t, $name);

        paste::paste! {
            #[no_mangle]
            pub unsafe extern "C" fn [<wasm_ $name _as_ref>](
                p: *mut $t,
            ) -> *mut $crate::reference::wasm_ref_t {
                p.cast()
            }

            #[no_mangle]
            pub unsafe extern "C" fn [<wasm_ $name _as_ref_const>](
                p: *const $t,
            ) -> *const $crate::reference::wasm_ref_t {
                p.cast()
            }

            #[no_mangle]
            pub unsafe extern "C" fn [<wasm_ref_as_ $name>](
                r: *mut $crate::reference::wasm_ref_t,
            ) -> *mut $t {
                // SAFETY: `r` is null or a live reference.
                match unsafe { r.as_ref() } {
                    Some(x) if <$t as $crate::reference::RefObject>::is_kind(x) => r.cast(),
                    _ => std::ptr::null_mut(),
                }
            }

            #[no_mangle]
            pub unsafe extern "C" fn [<wasm_ref_as_ $name _const>](
                r: *const $crate::reference::wasm_ref_t,
            ) -> *const $t {
                // SAFETY: `r` is null or a live reference.
                match unsafe { r.as_ref() } {
                    Some(x) if <$t as $crate::reference::RefObject>::is_kind(x) => r.cast(),
                    _ => std::ptr::null(),
                }
            }
        }
    };
}

declare_ref_base!(wasm_ref_t, ref);

/// A host object that wasm can hold as an `externref`: it carries only host
/// info.
#[repr(transparent)]
#[derive(Clone)]
pub struct wasm_foreign_t {
    pub(crate) r: wasm_ref_t,
}

declare_ref!(wasm_foreign_t, foreign, r, |r| matches!(
    r.which,
    RefKind::Foreign(_)
));

#[no_mangle]
pub unsafe extern "C" fn wasm_foreign_new(store: *mut wasm_store_t) -> Option<Box<wasm_foreign_t>> {
    guard(None, || {
        if store.is_null() {
            return None;
        }
        let payload = ExternRef::new(Foreign {
            host_info: Mutex::new(None),
        });
        Some(Box::new(wasm_foreign_t {
            r: wasm_ref_t::new(store, RefKind::Foreign(payload)),
        }))
    })
}
