//! `wasm_store_t`: owns every runtime object created in it.
//!
//! Runtime objects (`wasm_func_t`, `wasm_memory_t`, ...) hold a raw pointer to
//! their store plus Kiln's handle. Each object counts as a handle on its
//! store: `wasm_store_delete` drops the program's own handle, and the store
//! is freed with the last one, so a program that deletes its store before
//! its objects (as Wasmtime's C API allows) never reaches freed memory.

use crate::engine::wasm_engine_t;
use crate::guard;
use crate::reference::{EntityKey, HostInfo};
use kiln::{AsContextMut, Engine, RawStoreContext, Store, StoreContextMut};
use kiln_wasi::{WasiConfig, WasiCtx};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::ffi::c_void;
use std::sync::atomic::{AtomicUsize, Ordering};

/// What a C API store keeps in its Kiln `Store`.
pub(crate) struct StoreData {
    /// The WASI context that `kiln_linker_define_wasi`'s functions use.
    pub(crate) wasi: WasiCtx,
    /// The `wasm_store_t` holding this store, which host functions (defined
    /// in a store or in a linker) need to hand values to C.
    pub(crate) this: StorePtr,
    /// What the program attached with `kiln_store_set_data`, handed to its
    /// host functions as their `store_data`.
    pub(crate) user_data: UserData,
}

/// The program's pointer attached to a store; Kiln never dereferences it.
#[derive(Clone, Copy)]
pub(crate) struct UserData(pub(crate) *mut c_void);
// SAFETY: Kiln only hands the pointer back to the program, on the thread
// using the store (one thread at a time, the header's rule).
unsafe impl Send for UserData {}
// SAFETY: as above.
unsafe impl Sync for UserData {}

/// The Kiln store behind a `wasm_store_t`.
pub(crate) type CStore = Store<StoreData>;

/// A pointer to a `wasm_store_t`, kept where Kiln wants `Send` data.
#[derive(Clone, Copy)]
pub(crate) struct StorePtr(pub(crate) *mut wasm_store_t);
// SAFETY: the store behind the pointer is used by one thread at a time (the
// header's rule); the pointer itself is just an address.
unsafe impl Send for StorePtr {}
// SAFETY: as above.
unsafe impl Sync for StorePtr {}

/// A store: Kiln's `Store` and the host info of its entities.
pub struct wasm_store_t {
    pub(crate) store: CStore,
    /// The context of the innermost host function running in this store:
    /// while C code runs in a callback, every operation on the store goes
    /// through it (see [`store_mut`]).
    lent: Cell<Option<RawStoreContext<StoreData>>>,
    /// The thread (see [`thread_token`]) running the innermost host function
    /// in this store, 0 when none runs: read from any thread by
    /// `kiln_store_in_host_call`, so bindings can tell a host function
    /// re-entering its store from another thread using the store at once.
    lent_thread: AtomicUsize,
    /// Declared after `store`, so finalizers run once the entities are gone.
    host_info: RefCell<HostInfos>,
    /// The program's handle (until `wasm_store_delete`) plus one per live
    /// object of the store (see [`wasm_store_t::retain`]).
    handles: Cell<usize>,
    /// Set while the store is being freed: objects dropped then (by
    /// finalizers) no longer count.
    freeing: Cell<bool>,
}

/// The host info of a store's entities. Finalizers run in the order the
/// info was first attached, so programs see a deterministic order.
#[derive(Default)]
struct HostInfos {
    index: HashMap<EntityKey, usize>,
    infos: Vec<HostInfo>,
}

impl HostInfos {
    fn get(&self, key: EntityKey) -> *mut c_void {
        self.index
            .get(&key)
            .map_or(std::ptr::null_mut(), |&i| self.infos[i].info)
    }

    fn insert(&mut self, key: EntityKey, info: HostInfo) -> Option<HostInfo> {
        match self.index.get(&key) {
            Some(&i) => Some(std::mem::replace(&mut self.infos[i], info)),
            None => {
                self.index.insert(key, self.infos.len());
                self.infos.push(info);
                None
            }
        }
    }
}

impl wasm_store_t {
    pub(crate) fn new(engine: &Engine) -> Box<wasm_store_t> {
        let wasi = WasiConfig::new()
            .build()
            .expect("a WASI context that grants nothing always builds");
        let data = StoreData {
            wasi,
            this: StorePtr(std::ptr::null_mut()),
            user_data: UserData(std::ptr::null_mut()),
        };
        let mut store = Box::new(wasm_store_t {
            store: Store::new(engine, data),
            lent: Cell::new(None),
            lent_thread: AtomicUsize::new(0),
            host_info: RefCell::new(HostInfos::default()),
            handles: Cell::new(1),
            freeing: Cell::new(false),
        });
        // The box never moves, so the pointer stays valid for its life.
        store.store.data_mut().this = StorePtr(&mut *store);
        store
    }

    pub(crate) fn engine(&self) -> &Engine {
        self.store.engine()
    }

    /// Counts one more object of `store` (null: none).
    ///
    /// # Safety
    /// `store` must be null or a live store, one not yet freed.
    pub(crate) unsafe fn retain(store: *mut wasm_store_t) {
        if store.is_null() {
            return;
        }
        // SAFETY: the caller's guarantee; `addr_of!` borrows just the field.
        let handles = unsafe { &*std::ptr::addr_of!((*store).handles) };
        handles.set(handles.get() + 1);
    }

    /// Drops one handle on `store` (null: none), freeing the store with
    /// its last one.
    ///
    /// # Safety
    /// `store` must be null or a live store, and the caller must own the
    /// handle it gives up (the program's own, or one counted by `retain`).
    pub(crate) unsafe fn release(store: *mut wasm_store_t) {
        if store.is_null() {
            return;
        }
        // SAFETY: the caller's guarantee; `addr_of!` borrows just the
        // fields, which stay valid until the box is freed below.
        let (handles, freeing) = unsafe {
            (
                &*std::ptr::addr_of!((*store).handles),
                &*std::ptr::addr_of!((*store).freeing),
            )
        };
        if freeing.get() {
            return;
        }
        let left = handles.get() - 1;
        handles.set(left);
        if left == 0 {
            freeing.set(true);
            // SAFETY: the store was allocated as a box by `wasm_store_new`
            // and this was its last handle: nothing refers to it any more.
            drop(unsafe { Box::from_raw(store) });
        }
    }
}

/// The host info of the entity `key` of `store`.
///
/// # Safety
/// As for [`store_mut`]. Only the `host_info` field is borrowed, so this is
/// sound while a call holds the `Store` itself.
pub(crate) unsafe fn host_info(store: *const wasm_store_t, key: EntityKey) -> *mut c_void {
    // SAFETY: guaranteed by the caller; `addr_of!` borrows just the field.
    let map = unsafe { &*std::ptr::addr_of!((*store).host_info) };
    map.borrow().get(key)
}

/// Attaches `info` to the entity `key` of `store`, returning what it
/// replaces for the caller to drop once no borrow is held (a finalizer may
/// call back into the library).
///
/// # Safety
/// As for [`host_info`].
pub(crate) unsafe fn set_host_info(
    store: *const wasm_store_t,
    key: EntityKey,
    info: HostInfo,
) -> Option<HostInfo> {
    // SAFETY: guaranteed by the caller; `addr_of!` borrows just the field.
    let map = unsafe { &*std::ptr::addr_of!((*store).host_info) };
    map.borrow_mut().insert(key, info)
}

/// Borrows the store an object belongs to: the store itself, or, while a
/// host function runs in it, the context that function's caller lent (see
/// [`lend_while`]), so that a callback's operations on the store go through
/// the one live borrow.
///
/// # Safety
/// `store` must be the live store of an object that is itself live (the
/// header's rule: objects never outlive their store), and the returned
/// context must be dropped before the next operation on the store (the C
/// API's functions each use it for their own length only).
pub(crate) unsafe fn store_mut<'a>(store: *mut wasm_store_t) -> StoreContextMut<'a, StoreData> {
    // SAFETY: guaranteed by the caller; `addr_of!` borrows just the field.
    let lent = unsafe { &*std::ptr::addr_of!((*store).lent) };
    match lent.get() {
        // SAFETY: the host function that lent this context is running below
        // this call on the same thread and does not touch the store until
        // its callback returns; each operation's use ends before the next.
        Some(raw) => unsafe { raw.as_context_mut() },
        // SAFETY: no host function runs in the store, so no other borrow of
        // it is live (the caller's guarantee).
        None => unsafe { (*store).store.as_context_mut() },
    }
}

/// Runs `callback` (a C host function's body) with `cx`, its caller's
/// context, lent to the store's operations.
///
/// # Safety
/// `store` must be the live store `cx` belongs to.
pub(crate) unsafe fn lend_while<R>(
    store: *mut wasm_store_t,
    mut cx: StoreContextMut<'_, StoreData>,
    callback: impl FnOnce() -> R,
) -> R {
    // SAFETY: guaranteed by the caller; `addr_of!` borrows just the fields.
    let (lent, lent_thread) = unsafe {
        (
            &*std::ptr::addr_of!((*store).lent),
            &*std::ptr::addr_of!((*store).lent_thread),
        )
    };
    // Restored on unwinding too, so the store never keeps a dead context.
    struct Restore<'c> {
        lent: &'c Cell<Option<RawStoreContext<StoreData>>>,
        previous: Option<RawStoreContext<StoreData>>,
        lent_thread: &'c AtomicUsize,
        previous_thread: usize,
    }
    impl Drop for Restore<'_> {
        fn drop(&mut self) {
            self.lent.set(self.previous);
            self.lent_thread
                .store(self.previous_thread, Ordering::Release);
        }
    }
    let _restore = Restore {
        lent,
        previous: lent.replace(Some(cx.as_raw())),
        lent_thread,
        previous_thread: lent_thread.swap(thread_token(), Ordering::AcqRel),
    };
    callback()
}

/// A number naming the calling thread, never 0: the address of a
/// thread-local, unique among live threads.
pub(crate) fn thread_token() -> usize {
    thread_local!(static TOKEN: u8 = const { 0 });
    TOKEN.with(|t| t as *const u8 as usize)
}

/// Whether a host function runs in `store` on the calling thread (see
/// `kiln_store_in_host_call`). Safe to call from any thread.
///
/// # Safety
/// `store` must be a live store.
pub(crate) unsafe fn in_host_call(store: *const wasm_store_t) -> bool {
    // SAFETY: guaranteed by the caller; the field is atomic, so reading it
    // while another thread uses the store is no race.
    let lent_thread = unsafe { &*std::ptr::addr_of!((*store).lent_thread) };
    lent_thread.load(Ordering::Acquire) == thread_token()
}

#[no_mangle]
pub unsafe extern "C" fn wasm_store_new(engine: *mut wasm_engine_t) -> Option<Box<wasm_store_t>> {
    guard(None, || {
        // SAFETY: `engine` is null or a live engine.
        let engine = unsafe { engine.as_ref() }?;
        Some(wasm_store_t::new(&engine.engine))
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_store_delete(store: Option<Box<wasm_store_t>>) {
    guard((), || {
        if let Some(store) = store {
            // SAFETY: the program gives up its own handle on a live store.
            unsafe { wasm_store_t::release(Box::into_raw(store)) };
        }
    })
}
