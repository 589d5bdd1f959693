//! `Store` and `Caller`, and the rule that lets one store be used from
//! Python while wasm runs in it with the GIL released.
//!
//! A store is owned by one thread at a time: the thread that entered it
//! records itself in `owner` and keeps it while wasm runs, GIL released. Any
//! other thread that tries to use the store gets an error instead of racing.
//! The owning thread itself re-enters the store only from a host function:
//! there the host function lends its caller's store context (a
//! `kiln::RawStoreContext`) to the Python code it runs, and a re-entrant
//! operation takes that context (never the `Store` behind it), so every
//! access goes through the one live mutable borrow.

use crate::args::Arg;
use crate::engine::Engine;
use crate::errors::{argument_type_error, closed_error, kiln_error, to_py_err};
use crate::wasi::WasiConfig;
use kiln::{AsContextMut, RawStoreContext, StoreContextMut};
use kiln_wasi::WasiCtx;
use pyo3::ffi;
use pyo3::gc::PyVisit;
use pyo3::prelude::*;
use pyo3::PyTraverseError;
use std::cell::{Cell, UnsafeCell};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;

static NEXT_STORE_ID: AtomicU64 = AtomicU64::new(1);

/// The host data of every Kiln store made from Python.
pub(crate) struct StoreData {
    shared: *const Shared,
    pub(crate) wasi: WasiCtx,
}

// SAFETY: `shared` points at the `Shared` that owns this data, which is
// itself `Send`; the pointer is only dereferenced by the thread that owns the
// store at the time.
unsafe impl Send for StoreData {}

impl StoreData {
    /// The `Shared` this store's data lives in; it outlives the store, so
    /// the pointer stays valid while any borrow of the store does.
    pub(crate) fn shared_ptr(&self) -> *const Shared {
        self.shared
    }
}

/// A store plus what Python needs to use it safely across threads.
pub(crate) struct Shared {
    /// `None` once the store is closed and no memory view needs it.
    store: UnsafeCell<Option<kiln::Store<StoreData>>>,
    /// Set by `Store.close`; a closed store refuses every operation.
    closed: AtomicBool,
    /// Memory views handed out by `Memory.buffer` and still alive: a closed
    /// store's memories are freed only when the last one goes.
    views: AtomicUsize,
    /// The token of the thread using the store, or 0 when it is idle.
    owner: AtomicUsize,
    /// The store context the innermost host function running lends to
    /// Python code; `None` at top level, and while an operation has taken it.
    lent: Cell<Option<RawStoreContext<StoreData>>>,
    /// The instance whose wasm called the host function that lent `lent`
    /// (`Caller.get` reads its exports). Meaningful only while `lent` holds
    /// a context: a host function sets it without restoring it, and the
    /// guard that takes the context out puts both back.
    lent_instance: Cell<Option<kiln::Instance>>,
    /// The Python `Store` object the current operation entered through
    /// (borrowed: the operation holds a reference to it).
    py_store: Cell<*mut ffi::PyObject>,
    /// Host functions made with `Func(store, ...)`: owned here rather than by
    /// their closures so that the garbage collector can see (and break)
    /// cycles through them.
    callables: Mutex<Vec<Option<Py<PyAny>>>>,
    pub(crate) id: u64,
}

// SAFETY: `store`, `lent`, `lent_instance` and `py_store` are only touched by
// the thread recorded in `owner` (see `Shared::enter` and
// `Shared::free_store`); the rest is atomic or behind a mutex.
unsafe impl Sync for Shared {}
// SAFETY: as above; the raw pointers are only dereferenced by the owner.
unsafe impl Send for Shared {}

/// A token that tells live threads apart: the address of a thread-local.
fn thread_token() -> usize {
    thread_local!(static TOKEN: u8 = const { 0 });
    TOKEN.with(|t| t as *const u8 as usize)
}

/// A store context moved into a closure that runs with the GIL released on
/// the same thread.
pub(crate) struct SendContext<'a>(pub(crate) StoreContextMut<'a, StoreData>);

// SAFETY: `Python::detach` runs its closure on the calling thread, so the
// context never actually changes threads; `Send` is only what `detach`'s
// signature asks for.
unsafe impl Send for SendContext<'_> {}

impl<'a> SendContext<'a> {
    /// The context; a method rather than a field access so that a closure
    /// captures the whole `SendContext`.
    pub(crate) fn into_inner(self) -> StoreContextMut<'a, StoreData> {
        self.0
    }
}

/// Proof of exclusive use of a store, released on drop.
pub(crate) struct Guard<'a> {
    shared: &'a Shared,
    /// The store's context: taken from the `Store` at top level, or from
    /// `lent` when this is a re-entry from a host function.
    raw: RawStoreContext<StoreData>,
    /// When this is a re-entry from a host function: the instance that
    /// called it, if wasm did. `raw` goes back to `lent` when the guard is
    /// dropped.
    nested: Option<Option<kiln::Instance>>,
    previous_store: *mut ffi::PyObject,
}

impl Guard<'_> {
    /// The store, borrowed for as long as the guard is.
    pub(crate) fn cx(&mut self) -> StoreContextMut<'_, StoreData> {
        // SAFETY: `raw` comes from a borrow this guard holds exclusively: of
        // the `Store` (at top level `owner` is this thread and no host
        // function is running), or of the `Caller` of a host function still
        // running below us on this thread, which lent it and does not use it
        // while `enter` has it out of `lent`. The context borrows the guard,
        // so no other context taken from `raw` is in use meanwhile.
        unsafe { self.raw.as_context_mut() }
    }

    /// The instance whose wasm called the innermost host function running;
    /// `None` at top level or when the host called it.
    pub(crate) fn calling_instance(&self) -> Option<kiln::Instance> {
        self.nested.flatten()
    }

    /// The bytes of `memory` (which must be of this store), as a pointer and
    /// a length.
    pub(crate) fn memory_data(&mut self, memory: kiln::Memory) -> (*mut u8, usize) {
        let cx = self.cx();
        let data = memory.data(&cx);
        (data.as_ptr().cast_mut(), data.len())
    }

    pub(crate) fn shared(&self) -> &Shared {
        self.shared
    }
}

impl Drop for Guard<'_> {
    fn drop(&mut self) {
        if let Some(instance) = self.nested {
            self.shared.lent.set(Some(self.raw));
            // A host function this guard's operation ran may have replaced it.
            self.shared.lent_instance.set(instance);
        } else {
            self.shared.py_store.set(self.previous_store);
            self.shared.owner.store(0, Ordering::Release);
        }
    }
}

impl Shared {
    /// Takes exclusive use of the store for the calling thread, which holds
    /// the GIL and a reference to `py_store`.
    pub(crate) fn enter(&self, py_store: &Bound<'_, Store>) -> PyResult<Guard<'_>> {
        let me = thread_token();
        match self
            .owner
            .compare_exchange(0, me, Ordering::Acquire, Ordering::Relaxed)
        {
            Ok(_) => {
                if self.closed.load(Ordering::SeqCst) {
                    self.owner.store(0, Ordering::Release);
                    return Err(closed_error("the store is closed"));
                }
                // SAFETY: `owner` is now this thread and no host function
                // is running, so nothing else uses the store.
                let store = unsafe { &mut *self.store.get() }
                    .as_mut()
                    .expect("only a closed store has been freed");
                let raw = store.as_context_mut().as_raw();
                let previous_store = self.py_store.replace(py_store.as_ptr());
                Ok(Guard {
                    shared: self,
                    raw,
                    nested: None,
                    previous_store,
                })
            }
            Err(owner) if owner == me => match self.lent.take() {
                Some(raw) => Ok(Guard {
                    shared: self,
                    raw,
                    nested: Some(self.lent_instance.get()),
                    previous_store: std::ptr::null_mut(),
                }),
                None => Err(kiln_error(
                    "the store is busy: it is already in use on this thread",
                )),
            },
            Err(_) => Err(kiln_error("the store is in use by another thread")),
        }
    }

    /// Closes the store: every later operation on it, or on anything in it,
    /// fails. Its instances, functions, memories, tables and globals are
    /// freed now, or, when memory views still exist, once the last is gone.
    fn close(&self, py_store: &Bound<'_, Store>) -> PyResult<()> {
        if self.closed.load(Ordering::SeqCst) {
            return Ok(());
        }
        let guard = self.enter(py_store)?;
        if guard.nested.is_some() {
            return Err(kiln_error("a store cannot be closed while wasm runs in it"));
        }
        self.closed.store(true, Ordering::SeqCst);
        let freed = if self.views.load(Ordering::SeqCst) == 0 {
            // SAFETY: the guard makes this thread the store's only user.
            unsafe { (*self.store.get()).take() }
        } else {
            None
        };
        drop(guard);
        drop(freed);
        Ok(())
    }

    /// Counts a new view of one of the store's memories.
    pub(crate) fn add_view(&self) {
        self.views.fetch_add(1, Ordering::SeqCst);
    }

    /// Forgets a view; the last view of a closed store frees it. (If another
    /// thread holds the store at that moment, the store is freed with its
    /// `Store` object instead.)
    pub(crate) fn drop_view(&self) {
        if self.views.fetch_sub(1, Ordering::SeqCst) != 1 || !self.closed.load(Ordering::SeqCst) {
            return;
        }
        let me = thread_token();
        if self
            .owner
            .compare_exchange(0, me, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
        {
            // SAFETY: `owner` is now this thread, so nothing else uses the store.
            let freed = unsafe { (*self.store.get()).take() };
            self.owner.store(0, Ordering::Release);
            drop(freed);
        }
    }

    /// Lends the store context of a host function's `caller` to the Python
    /// code `f` runs on this thread, where `enter` finds it. `lent_instance`
    /// is left as it is afterwards: the guard that took the context lent
    /// before (if any) restores it.
    pub(crate) fn lend<R>(
        &self,
        caller: &mut kiln::Caller<'_, StoreData>,
        f: impl FnOnce() -> R,
    ) -> R {
        let raw = caller.as_context_mut().as_raw();
        let previous = self.lent.replace(Some(raw));
        self.lent_instance.set(caller.instance());
        let result = f();
        self.lent.set(previous);
        result
    }

    /// Runs `f` with `cx` lent to the Python code it runs, as [`Shared::lend`]
    /// does for a core host function: for component host functions and
    /// resource destructors, which get a store context rather than a caller.
    pub(crate) fn lend_context<R>(
        &self,
        cx: &mut StoreContextMut<'_, StoreData>,
        f: impl FnOnce() -> R,
    ) -> R {
        let raw = cx.as_raw();
        let previous = self.lent.replace(Some(raw));
        self.lent_instance.set(None);
        let result = f();
        self.lent.set(previous);
        result
    }

    /// The Python `Store` of the operation in progress, borrowed from it;
    /// only meaningful while the store is entered.
    pub(crate) fn py_store<'py>(&self, py: Python<'py>) -> Borrowed<'_, 'py, Store> {
        // SAFETY: the operation that entered the store holds a reference to
        // this object, a `Store`, for as long as the store is entered, and
        // host functions (the callers of this) only run while it is.
        unsafe { Borrowed::from_ptr(py, self.py_store.get()).cast_unchecked::<Store>() }
    }

    pub(crate) fn register_callable(&self, callable: Py<PyAny>) -> usize {
        let mut callables = self.callables.lock().unwrap_or_else(|e| e.into_inner());
        callables.push(Some(callable));
        callables.len() - 1
    }

    pub(crate) fn callable(&self, py: Python<'_>, index: usize) -> Option<Py<PyAny>> {
        let callables = self.callables.lock().unwrap_or_else(|e| e.into_inner());
        callables
            .get(index)
            .and_then(|c| c.as_ref().map(|c| c.clone_ref(py)))
    }
}

/// Everything WebAssembly creates lives in a store: instances, functions,
/// memories, tables and globals. Dropping the last reference to the store
/// frees all of it.
///
/// A store runs wasm on one thread at a time; the GIL is released while wasm
/// runs, so different stores run in parallel on different threads.
#[pyclass(module = "kiln", frozen, name = "Store")]
pub struct Store {
    shared: Box<Shared>,
    engine: Py<Engine>,
    data: Mutex<Option<Py<PyAny>>>,
}

impl Store {
    pub(crate) fn shared(&self) -> &Shared {
        &self.shared
    }

    pub(crate) fn engine(&self) -> &Py<Engine> {
        &self.engine
    }
}

/// A store argument: a `Store`, or the `Caller` a host function received.
pub(crate) enum StoreLike<'py> {
    Store(Bound<'py, Store>),
    Caller(Bound<'py, Caller>),
}

impl<'a, 'py> FromPyObject<'a, 'py> for StoreLike<'py> {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if let Ok(store) = obj.cast::<Store>() {
            return Ok(StoreLike::Store(store.to_owned()));
        }
        if let Ok(caller) = obj.cast::<Caller>() {
            return Ok(StoreLike::Caller(caller.to_owned()));
        }
        Err(argument_type_error("a Store or a Caller", &obj))
    }
}

impl<'py> StoreLike<'py> {
    /// The store itself.
    pub(crate) fn store(self) -> PyResult<Bound<'py, Store>> {
        match self {
            StoreLike::Store(s) => Ok(s),
            StoreLike::Caller(c) => {
                if !c.get().active.load(Ordering::Relaxed) {
                    return Err(closed_error(
                        "a Caller is only valid while its host function runs",
                    ));
                }
                Ok(c.get().store.bind(c.py()).clone())
            }
        }
    }
}

#[pymethods]
impl Store {
    /// Creates an empty store for `engine`, holding `data`.
    #[new]
    #[pyo3(signature = (engine=None, data=None))]
    fn new(
        py: Python<'_>,
        engine: Option<Arg<'_, Engine>>,
        data: Option<Py<PyAny>>,
    ) -> PyResult<Self> {
        let engine = match engine {
            Some(e) => e.into_bound().unbind(),
            None => Py::new(py, Engine::default_engine())?,
        };
        let wasi = kiln_wasi::WasiConfig::new()
            .build()
            .map_err(|e| to_py_err(py, e))?;
        let store = kiln::Store::new(
            engine.get().inner()?,
            StoreData {
                shared: std::ptr::null(),
                wasi,
            },
        );
        let shared = Box::new(Shared {
            store: UnsafeCell::new(Some(store)),
            closed: AtomicBool::new(false),
            views: AtomicUsize::new(0),
            owner: AtomicUsize::new(0),
            lent: Cell::new(None),
            lent_instance: Cell::new(None),
            py_store: Cell::new(std::ptr::null_mut()),
            callables: Mutex::new(Vec::new()),
            id: NEXT_STORE_ID.fetch_add(1, Ordering::Relaxed),
        });
        // SAFETY: the store was just created and nothing else refers to it.
        if let Some(store) = unsafe { &mut *shared.store.get() } {
            store.data_mut().shared = &*shared;
        }
        Ok(Store {
            shared,
            engine,
            data: Mutex::new(data),
        })
    }

    /// The engine this store uses.
    #[getter(engine)]
    fn get_engine(&self, py: Python<'_>) -> Py<Engine> {
        self.engine.clone_ref(py)
    }

    /// Host data kept with the store (any Python object; `None` by default).
    #[getter]
    fn data(&self, py: Python<'_>) -> Py<PyAny> {
        let data = self.data.lock().unwrap_or_else(|e| e.into_inner());
        match &*data {
            Some(d) => d.clone_ref(py),
            None => py.None(),
        }
    }

    #[setter]
    fn set_data(&self, data: Py<PyAny>) {
        *self.data.lock().unwrap_or_else(|e| e.into_inner()) = Some(data);
    }

    /// Sets the fuel left to `fuel`. Needs `Config.consume_fuel`.
    fn set_fuel(slf: &Bound<'_, Self>, fuel: u64) -> PyResult<()> {
        let mut guard = slf.get().shared.enter(slf)?;
        guard
            .cx()
            .set_fuel(fuel)
            .map_err(|e| to_py_err(slf.py(), e))
    }

    /// The fuel left. Needs `Config.consume_fuel`.
    fn get_fuel(slf: &Bound<'_, Self>) -> PyResult<u64> {
        let mut guard = slf.get().shared.enter(slf)?;
        guard.cx().get_fuel().map_err(|e| to_py_err(slf.py(), e))
    }

    /// Adds `fuel` to the fuel left. Needs `Config.consume_fuel`.
    fn add_fuel(slf: &Bound<'_, Self>, fuel: u64) -> PyResult<()> {
        let mut guard = slf.get().shared.enter(slf)?;
        guard
            .cx()
            .add_fuel(fuel)
            .map_err(|e| to_py_err(slf.py(), e))
    }

    /// Makes wasm in this store trap with `TrapCode.INTERRUPT` once the
    /// engine's epoch is `ticks` past its current value. Needs
    /// `Config.epoch_interruption`; a new store's deadline is already reached.
    /// Wasm reads the deadline when it enters a function, so set from a host
    /// function it applies to the functions wasm calls from then on.
    fn set_epoch_deadline(slf: &Bound<'_, Self>, ticks: u64) -> PyResult<()> {
        let mut guard = slf.get().shared.enter(slf)?;
        guard.cx().set_epoch_deadline(ticks);
        Ok(())
    }

    /// Bounds what the store may hold from now on, as wasmtime-py's
    /// `Store.set_limits` does: the bytes of each linear memory, the
    /// elements of each table, and how many instances, tables and memories
    /// it may create; -1 leaves a resource unbounded. Past a bound,
    /// `memory.grow` and `table.grow` return -1, `Memory.grow` and
    /// `Table.grow` raise, and instantiation fails with a `KilnError`. Set
    /// from a host function, they bound the wasm below it too.
    #[pyo3(
        signature = (memory_size=-1, table_elements=-1, instances=-1, tables=-1, memories=-1),
        text_signature = "($self, memory_size=-1, table_elements=-1, instances=-1, tables=-1, memories=-1)"
    )]
    fn set_limits(
        slf: &Bound<'_, Self>,
        memory_size: i64,
        table_elements: i64,
        instances: i64,
        tables: i64,
        memories: i64,
    ) -> PyResult<()> {
        let limits = kiln::StoreLimits::from_signed(
            memory_size,
            table_elements,
            instances,
            tables,
            memories,
        );
        let mut guard = slf.get().shared.enter(slf)?;
        guard.cx().set_limits(limits);
        Ok(())
    }

    /// Gives the store's wasm the WASI context `config` describes, for
    /// modules instantiated through `Linker.define_wasi`.
    fn set_wasi(slf: &Bound<'_, Self>, config: &Bound<'_, WasiConfig>) -> PyResult<()> {
        let ctx = config.get().build(slf.py())?;
        let mut guard = slf.get().shared.enter(slf)?;
        guard.cx().data_mut().wasi = ctx;
        Ok(())
    }

    /// Frees everything in the store now rather than when the last
    /// reference to it goes; any later use of the store, or of its
    /// instances, functions, memories, tables and globals, raises
    /// `KilnError`. Memory views taken earlier stay readable until they go.
    /// Closing twice does nothing.
    fn close(slf: &Bound<'_, Self>) -> PyResult<()> {
        slf.get().shared.close(slf)?;
        let callables = std::mem::take(
            &mut *slf
                .get()
                .shared
                .callables
                .lock()
                .unwrap_or_else(|e| e.into_inner()),
        );
        drop(callables);
        Ok(())
    }

    /// Whether `close` has been called.
    #[getter]
    fn closed(&self) -> bool {
        self.shared.closed.load(Ordering::SeqCst)
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    /// Closes the store; exceptions propagate.
    fn __exit__(
        slf: &Bound<'_, Self>,
        _exc_type: Option<&Bound<'_, PyAny>>,
        _exc_value: Option<&Bound<'_, PyAny>>,
        _traceback: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<bool> {
        Store::close(slf)?;
        Ok(false)
    }

    /// Frees host values (externrefs) that wasm no longer references. From
    /// a host function it frees nothing: the wasm below may hold references
    /// the store cannot see.
    fn gc(slf: &Bound<'_, Self>) -> PyResult<()> {
        let mut guard = slf.get().shared.enter(slf)?;
        guard.cx().gc();
        Ok(())
    }

    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        if let Ok(data) = self.data.try_lock() {
            if let Some(d) = &*data {
                visit.call(d)?;
            }
        }
        if let Ok(callables) = self.shared.callables.try_lock() {
            for c in callables.iter().flatten() {
                visit.call(c)?;
            }
        }
        Ok(())
    }

    fn __clear__(&self) {
        let data = self.data.lock().unwrap_or_else(|e| e.into_inner()).take();
        let callables = std::mem::take(
            &mut *self
                .shared
                .callables
                .lock()
                .unwrap_or_else(|e| e.into_inner()),
        );
        drop(data);
        drop(callables);
    }
}

/// What a host function defined with `access_caller=True` receives first:
/// the exports of the instance that called it, and a stand-in for the store
/// wherever one is expected. Valid only while the host function runs.
#[pyclass(module = "kiln", frozen, name = "Caller")]
pub struct Caller {
    store: Py<Store>,
    active: AtomicBool,
}

impl Caller {
    pub(crate) fn new(store: Py<Store>) -> Caller {
        Caller {
            store,
            active: AtomicBool::new(true),
        }
    }

    pub(crate) fn deactivate(&self) {
        self.active.store(false, Ordering::Relaxed);
    }
}

#[pymethods]
impl Caller {
    /// The export `name` of the calling instance, or `None`.
    fn get(slf: &Bound<'_, Self>, name: &str) -> PyResult<Option<Py<PyAny>>> {
        // Once its host function has returned, a caller has no exports (as
        // in wasmtime-py); using it as a store is an error.
        if !slf.get().active.load(Ordering::Relaxed) {
            return Ok(None);
        }
        let store = StoreLike::Caller(slf.clone()).store()?;
        let shared = store.get().shared();
        let mut guard = shared.enter(&store)?;
        let export = match guard.calling_instance() {
            Some(instance) => instance.get_export(guard.cx(), name),
            None => None,
        };
        match export {
            Some(e) => crate::externals::wrap_extern(slf.py(), &mut guard, e).map(Some),
            None => Ok(None),
        }
    }

    fn __getitem__(slf: &Bound<'_, Self>, name: &str) -> PyResult<Py<PyAny>> {
        Caller::get(slf, name)?.ok_or_else(|| {
            pyo3::exceptions::PyKeyError::new_err(format!(
                "the caller has no export named `{name}`"
            ))
        })
    }

    /// The store this caller stands for.
    #[getter]
    fn store(&self, py: Python<'_>) -> Py<Store> {
        self.store.clone_ref(py)
    }
}
