//! `Store`: owns every instance, function, memory, table and global created in
//! it, plus the host's own data.

use super::engine::Engine;
use super::externals::GlobalData;
use super::func::FuncData;
use super::instance::InstanceData;
use crate::environ::error::{Error, Result};
use crate::runtime::memory::LinearMemory;
use crate::runtime::table::TableData;
use crate::runtime::vmcontext::VMRuntimeLimits;
use std::sync::atomic::{AtomicU64, Ordering};

static NEXT_STORE_ID: AtomicU64 = AtomicU64::new(1);

/// A handle's position in its store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Stored {
    pub store_id: u64,
    pub index: u32,
}

/// The part of a store that does not depend on the host data type.
#[doc(hidden)]
pub struct StoreOpaque {
    pub(crate) id: u64,
    pub(crate) engine: Engine,
    pub(crate) limits: Box<VMRuntimeLimits>,
    pub(crate) instances: Vec<InstanceData>,
    pub(crate) funcs: Vec<FuncData>,
    // Boxed: instances and builtins keep raw pointers to these, which must not
    // move when the vectors grow.
    #[allow(clippy::vec_box)]
    pub(crate) memories: Vec<Box<LinearMemory>>,
    #[allow(clippy::vec_box)]
    pub(crate) tables: Vec<Box<TableData>>,
    pub(crate) globals: Vec<GlobalData>,
    /// Address of a `VMFuncRef` to the index of its `Func`.
    /// Keyed by address: hashed with Fx, which is several times cheaper
    /// than SipHash for a key no one outside Kiln chooses.
    pub(crate) funcref_to_func: rustc_hash::FxHashMap<usize, u32>,
    pub(crate) externrefs: super::externref::ExternRefSlab,
    /// How many calls into wasm are active on this store.
    pub(crate) wasm_depth: u32,
    /// The `StoreInner<T>` this belongs to, type-erased for host calls.
    pub(crate) data_ptr: *mut u8,
}

/// A store and its host data.
#[doc(hidden)]
pub struct StoreInner<T> {
    pub(crate) opaque: StoreOpaque,
    pub(crate) data: T,
}

/// Everything wasm creates lives in a store, with host data of type `T`
/// that host functions can reach through their [`Caller`](crate::Caller).
///
/// Dropping the store frees all of it at once.
///
/// ```
/// use kiln::{Engine, Store};
/// let engine = Engine::default();
/// let mut store = Store::new(&engine, 41);
/// *store.data_mut() += 1;
/// assert_eq!(*store.data(), 42);
/// ```
pub struct Store<T> {
    inner: Box<StoreInner<T>>,
}

// SAFETY: the raw pointers a store holds point into memory the store itself
// owns (or into immutable code), so moving it to another thread is as safe as
// moving its data.
unsafe impl<T: Send> Send for Store<T> {}
// SAFETY: shared references to a store only read it.
unsafe impl<T: Sync> Sync for Store<T> {}

impl<T> Store<T> {
    /// Creates an empty store using `engine`, holding `data`.
    pub fn new(engine: &Engine, data: T) -> Store<T> {
        let mut inner = Box::new(StoreInner {
            opaque: StoreOpaque {
                id: NEXT_STORE_ID.fetch_add(1, Ordering::Relaxed),
                engine: engine.clone(),
                limits: Box::new(VMRuntimeLimits::new(&engine.0.epoch)),
                instances: Vec::new(),
                funcs: Vec::new(),
                memories: Vec::new(),
                tables: Vec::new(),
                globals: Vec::new(),
                funcref_to_func: Default::default(),
                externrefs: Default::default(),
                wasm_depth: 0,
                data_ptr: std::ptr::null_mut(),
            },
            data,
        });
        inner.opaque.data_ptr = &mut *inner as *mut StoreInner<T> as *mut u8;
        Store { inner }
    }

    /// The host data.
    pub fn data(&self) -> &T {
        &self.inner.data
    }

    /// The host data, mutably.
    pub fn data_mut(&mut self) -> &mut T {
        &mut self.inner.data
    }

    /// Consumes the store and returns its host data.
    pub fn into_data(self) -> T {
        let inner = *self.inner;
        inner.data
    }

    /// The engine this store uses.
    pub fn engine(&self) -> &Engine {
        &self.inner.opaque.engine
    }

    /// Frees host values that wasm no longer references (externrefs held by
    /// no table or global). Runs automatically as the number of them grows.
    pub fn gc(&mut self) {
        self.inner.opaque.gc();
    }

    /// Bounds what the store may hold from now on: memory and table sizes,
    /// and how many instances, memories and tables it may create. See
    /// [`StoreLimits`](crate::StoreLimits).
    pub fn set_limits(&mut self, limits: crate::StoreLimits) {
        self.inner.opaque.limits.resources = limits;
    }

    /// The store's current bounds.
    pub fn limits(&self) -> crate::StoreLimits {
        self.inner.opaque.limits.resources
    }

    /// How many host values (externrefs) wasm currently keeps alive.
    pub fn live_externrefs(&self) -> usize {
        self.inner.opaque.externrefs.live()
    }

    /// Sets the fuel left to `fuel` (at most `i64::MAX`). Fails unless the
    /// engine was configured with [`Config::consume_fuel`](crate::Config::consume_fuel).
    ///
    /// ```
    /// use kiln::{Config, Engine, Store};
    /// let mut config = Config::new();
    /// config.consume_fuel(true);
    /// let mut store = Store::new(&Engine::new(&config).unwrap(), ());
    /// store.set_fuel(1_000).unwrap();
    /// assert_eq!(store.get_fuel().unwrap(), 1_000);
    /// ```
    pub fn set_fuel(&mut self, fuel: u64) -> Result<()> {
        self.inner.opaque.set_fuel(fuel)
    }

    /// The fuel left. Fails unless fuel is enabled.
    ///
    /// ```
    /// use kiln::{Config, Engine, Store};
    /// let mut config = Config::new();
    /// config.consume_fuel(true);
    /// let store = Store::new(&Engine::new(&config).unwrap(), ());
    /// assert_eq!(store.get_fuel().unwrap(), 0);
    /// assert!(Store::new(&Engine::default(), ()).get_fuel().is_err());
    /// ```
    pub fn get_fuel(&self) -> Result<u64> {
        self.inner.opaque.get_fuel()
    }

    /// Adds `fuel` to what is left, saturating at `i64::MAX`. Fails unless
    /// fuel is enabled.
    ///
    /// ```
    /// use kiln::{Config, Engine, Store};
    /// let mut config = Config::new();
    /// config.consume_fuel(true);
    /// let mut store = Store::new(&Engine::new(&config).unwrap(), ());
    /// store.set_fuel(5).unwrap();
    /// store.add_fuel(10).unwrap();
    /// assert_eq!(store.get_fuel().unwrap(), 15);
    /// ```
    pub fn add_fuel(&mut self, fuel: u64) -> Result<()> {
        self.inner.opaque.add_fuel(fuel)
    }

    /// Makes wasm in this store trap with
    /// [`TrapCode::Interrupt`](crate::TrapCode::Interrupt) once the engine's
    /// epoch has advanced `ticks_beyond_current` ticks past its current value
    /// (see [`Config::epoch_interruption`](crate::Config::epoch_interruption)).
    /// A new store's deadline is epoch 0, already reached, so with epoch
    /// interruption on a store must set a deadline before it runs wasm.
    ///
    /// ```
    /// use kiln::{Config, Engine, Instance, Module, Store, Val};
    /// let mut config = Config::new();
    /// config.epoch_interruption(true);
    /// let engine = Engine::new(&config).unwrap();
    /// let module = Module::new(&engine, r#"(module (func (export "one") (result i32) i32.const 1))"#).unwrap();
    /// let mut store = Store::new(&engine, ());
    /// store.set_epoch_deadline(1);
    /// let instance = Instance::new(&mut store, &module, &[]).unwrap();
    /// let one = instance.get_func(&mut store, "one").unwrap();
    /// let mut result = [Val::I32(0)];
    /// one.call(&mut store, &[], &mut result).unwrap();
    /// assert_eq!(result[0], Val::I32(1));
    /// ```
    pub fn set_epoch_deadline(&mut self, ticks_beyond_current: u64) {
        self.inner.opaque.set_epoch_deadline(ticks_beyond_current);
    }

    /// How many times a memory of this store has grown, by `memory.grow` in
    /// wasm or by [`Memory::grow`](crate::Memory::grow). A binding that hands
    /// out views of linear memory, which a growth invalidates, checks them
    /// only when this changes.
    ///
    /// ```
    /// use kiln::{Engine, Memory, MemoryType, Store};
    /// let mut store = Store::new(&Engine::default(), ());
    /// let memory = Memory::new(&mut store, MemoryType::new(1, None)).unwrap();
    /// assert_eq!(store.memory_growths(), 0);
    /// memory.grow(&mut store, 1).unwrap();
    /// memory.grow(&mut store, 0).unwrap();
    /// assert_eq!(store.memory_growths(), 2);
    /// ```
    pub fn memory_growths(&self) -> u64 {
        self.inner.opaque.limits.memory_growths
    }
}

impl<T> std::fmt::Debug for Store<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("id", &self.inner.opaque.id)
            .finish()
    }
}

impl StoreOpaque {
    /// Collects unreachable externrefs; only valid while no wasm runs in the
    /// store, because wasm frames may hold raw references the store cannot see.
    pub(crate) fn gc(&mut self) {
        if self.wasm_depth > 0 {
            return;
        }
        let table_roots = self
            .tables
            .iter()
            .filter(|t| t.ty().element() == crate::environ::types::ValType::ExternRef)
            .flat_map(|t| t.raw_elements().iter().copied());
        let global_roots = self
            .globals
            .iter()
            .filter(|g| g.ty.content() == crate::environ::types::ValType::ExternRef)
            .map(|g| u128::from_le_bytes(g.storage.bytes) as usize);
        self.externrefs.collect(table_roots.chain(global_roots));
    }

    fn check_fuel_enabled(&self) -> Result<()> {
        if self.engine.config().consume_fuel {
            Ok(())
        } else {
            Err(Error::usage(
                "fuel is not enabled: the engine was configured without fuel consumption",
            ))
        }
    }

    pub(crate) fn get_fuel(&self) -> Result<u64> {
        self.check_fuel_enabled()?;
        // Compiled code never stores a negative value, but stay total.
        Ok(self.limits.fuel.max(0) as u64)
    }

    pub(crate) fn set_fuel(&mut self, fuel: u64) -> Result<()> {
        self.check_fuel_enabled()?;
        self.limits.fuel = i64::try_from(fuel).unwrap_or(i64::MAX);
        Ok(())
    }

    pub(crate) fn add_fuel(&mut self, fuel: u64) -> Result<()> {
        let sum = self.get_fuel()?.saturating_add(fuel);
        self.set_fuel(sum)
    }

    /// Compiled code reads the deadline once, when a function is entered:
    /// set from a host function, it applies to the functions wasm enters
    /// afterwards, while the frames already running keep the one they read.
    pub(crate) fn set_epoch_deadline(&mut self, ticks_beyond_current: u64) {
        self.limits.epoch_deadline = self
            .engine
            .current_epoch()
            .saturating_add(ticks_beyond_current);
    }

    #[inline]
    pub(crate) fn check(&self, stored: Stored, what: &str) -> crate::environ::error::Result<()> {
        if stored.store_id == self.id {
            Ok(())
        } else {
            Err(foreign_store(what))
        }
    }

    #[inline]
    pub(crate) fn assert_owns(&self, stored: Stored, what: &str) {
        assert!(
            stored.store_id == self.id,
            "{what} used with a store it does not belong to"
        );
    }

    pub(crate) fn stored(&self, index: usize) -> Stored {
        Stored {
            store_id: self.id,
            index: index as u32,
        }
    }
}

/// Read access to a store: `&Store<T>`, `&mut Store<T>`, a [`Caller`](crate::Caller)
/// or a [`StoreContext`]/[`StoreContextMut`].
pub trait AsContext {
    /// The host data type of the store.
    type Data;

    /// The store, borrowed for reading.
    fn as_context(&self) -> StoreContext<'_, Self::Data> {
        StoreContext(self.as_inner())
    }

    #[doc(hidden)]
    fn as_inner(&self) -> &StoreInner<Self::Data>;
}

/// Write access to a store: `&mut Store<T>`, `&mut Caller<'_, T>` or a
/// [`StoreContextMut`].
pub trait AsContextMut: AsContext {
    /// The store, borrowed for writing.
    fn as_context_mut(&mut self) -> StoreContextMut<'_, Self::Data> {
        StoreContextMut(self.as_inner_mut())
    }

    #[doc(hidden)]
    fn as_inner_mut(&mut self) -> &mut StoreInner<Self::Data>;
}

impl<T> AsContext for Store<T> {
    type Data = T;
    fn as_inner(&self) -> &StoreInner<T> {
        &self.inner
    }
}

impl<T> AsContextMut for Store<T> {
    fn as_inner_mut(&mut self) -> &mut StoreInner<T> {
        &mut self.inner
    }
}

impl<S: AsContext + ?Sized> AsContext for &S {
    type Data = S::Data;
    fn as_inner(&self) -> &StoreInner<S::Data> {
        (**self).as_inner()
    }
}

impl<S: AsContext + ?Sized> AsContext for &mut S {
    type Data = S::Data;
    fn as_inner(&self) -> &StoreInner<S::Data> {
        (**self).as_inner()
    }
}

impl<S: AsContextMut + ?Sized> AsContextMut for &mut S {
    fn as_inner_mut(&mut self) -> &mut StoreInner<S::Data> {
        (**self).as_inner_mut()
    }
}

/// A store borrowed for reading, from a [`Store`] or a
/// [`Caller`](crate::Caller): what every read-only operation takes.
///
/// ```
/// use kiln::{AsContext, Engine, Store};
/// let store = Store::new(&Engine::default(), "host data");
/// let cx = store.as_context();
/// assert_eq!(*cx.data(), "host data");
/// assert_eq!(cx.memory_growths(), 0);
/// ```
pub struct StoreContext<'a, T>(pub(crate) &'a StoreInner<T>);

/// A store borrowed for writing, from a [`Store`] or a
/// [`Caller`](crate::Caller): the whole store surface (host data, fuel,
/// epoch deadline, limits, garbage collection, memory growths) in one type,
/// whether the host holds the store or wasm called the host.
///
/// ```
/// use kiln::{AsContextMut, Caller, Engine, Func, Store, StoreContextMut};
///
/// // One helper serves the store and a host function's caller alike.
/// fn bump(mut cx: StoreContextMut<'_, u32>) {
///     *cx.data_mut() += 1;
/// }
///
/// let mut store = Store::new(&Engine::default(), 0u32);
/// bump(store.as_context_mut());
/// let f = Func::wrap(&mut store, |mut caller: Caller<'_, u32>| bump(caller.as_context_mut()));
/// f.call(&mut store, &[], &mut []).unwrap();
/// assert_eq!(*store.data(), 2);
/// ```
pub struct StoreContextMut<'a, T>(pub(crate) &'a mut StoreInner<T>);

impl<T> Clone for StoreContext<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for StoreContext<'_, T> {}

// What APIs that return data borrowed from the store (`Memory::data`) take:
// anything that is, or borrows, a store.
impl<'a, S: AsContext + ?Sized> From<&'a S> for StoreContext<'a, S::Data> {
    fn from(s: &'a S) -> Self {
        StoreContext(s.as_inner())
    }
}
impl<'a, S: AsContext + ?Sized> From<&'a mut S> for StoreContext<'a, S::Data> {
    fn from(s: &'a mut S) -> Self {
        let s: &'a S = s;
        StoreContext(s.as_inner())
    }
}
impl<'a, T> From<StoreContextMut<'a, T>> for StoreContext<'a, T> {
    fn from(s: StoreContextMut<'a, T>) -> Self {
        StoreContext(s.0)
    }
}
impl<'a, S: AsContextMut + ?Sized> From<&'a mut S> for StoreContextMut<'a, S::Data> {
    fn from(s: &'a mut S) -> Self {
        StoreContextMut(s.as_inner_mut())
    }
}

impl<T> AsContext for StoreContext<'_, T> {
    type Data = T;
    fn as_inner(&self) -> &StoreInner<T> {
        self.0
    }
}

impl<T> AsContext for StoreContextMut<'_, T> {
    type Data = T;
    fn as_inner(&self) -> &StoreInner<T> {
        self.0
    }
}

impl<T> AsContextMut for StoreContextMut<'_, T> {
    fn as_inner_mut(&mut self) -> &mut StoreInner<T> {
        self.0
    }
}

impl<'a, T> StoreContext<'a, T> {
    /// The host data.
    pub fn data(&self) -> &'a T {
        &self.0.data
    }

    /// The engine this store uses.
    pub fn engine(&self) -> &'a Engine {
        &self.0.opaque.engine
    }

    /// The store's current bounds.
    pub fn limits(&self) -> crate::StoreLimits {
        self.0.opaque.limits.resources
    }

    /// How many host values (externrefs) wasm currently keeps alive.
    pub fn live_externrefs(&self) -> usize {
        self.0.opaque.externrefs.live()
    }

    /// The fuel left. Fails unless fuel is enabled.
    pub fn get_fuel(&self) -> Result<u64> {
        self.0.opaque.get_fuel()
    }

    /// How many times a memory of this store has grown (see
    /// [`Store::memory_growths`]).
    pub fn memory_growths(&self) -> u64 {
        self.0.opaque.limits.memory_growths
    }
}

impl<T> StoreContextMut<'_, T> {
    /// The host data.
    pub fn data(&self) -> &T {
        &self.0.data
    }

    /// The host data, mutably.
    pub fn data_mut(&mut self) -> &mut T {
        &mut self.0.data
    }

    /// The engine this store uses.
    pub fn engine(&self) -> &Engine {
        &self.0.opaque.engine
    }

    /// Frees host values that wasm no longer references (see
    /// [`Store::gc`]). While wasm runs in the store (from a host function)
    /// it does nothing: wasm frames may hold references the store cannot see.
    pub fn gc(&mut self) {
        self.0.opaque.gc();
    }

    /// Bounds what the store may hold from now on (see [`Store::set_limits`]).
    pub fn set_limits(&mut self, limits: crate::StoreLimits) {
        self.0.opaque.limits.resources = limits;
    }

    /// The store's current bounds.
    pub fn limits(&self) -> crate::StoreLimits {
        self.as_context().limits()
    }

    /// How many host values (externrefs) wasm currently keeps alive.
    pub fn live_externrefs(&self) -> usize {
        self.as_context().live_externrefs()
    }

    /// The fuel left. Fails unless fuel is enabled.
    pub fn get_fuel(&self) -> Result<u64> {
        self.as_context().get_fuel()
    }

    /// Sets the fuel left (see [`Store::set_fuel`]).
    pub fn set_fuel(&mut self, fuel: u64) -> Result<()> {
        self.0.opaque.set_fuel(fuel)
    }

    /// Adds to the fuel left (see [`Store::add_fuel`]).
    pub fn add_fuel(&mut self, fuel: u64) -> Result<()> {
        self.0.opaque.add_fuel(fuel)
    }

    /// Sets the epoch deadline `ticks_beyond_current` ticks past the
    /// engine's current epoch (see [`Store::set_epoch_deadline`]). Compiled
    /// code reads the deadline when a function is entered, so from a host
    /// function it applies to the functions wasm calls from then on.
    pub fn set_epoch_deadline(&mut self, ticks_beyond_current: u64) {
        self.0.opaque.set_epoch_deadline(ticks_beyond_current);
    }

    /// How many times a memory of this store has grown (see
    /// [`Store::memory_growths`]).
    pub fn memory_growths(&self) -> u64 {
        self.as_context().memory_growths()
    }

    /// This context with its borrow erased, for a binding that must lend it
    /// to code in another language while a host function runs (see
    /// [`RawStoreContext`]).
    pub fn as_raw(&mut self) -> RawStoreContext<T> {
        RawStoreContext(std::ptr::NonNull::from(&mut *self.0))
    }
}

/// A [`StoreContextMut`] whose borrow is erased: the one supported way for a
/// binding to lend a store to another language's code during a host
/// function, or to keep the store it owns behind an interior-mutable cell.
///
/// A Python or JavaScript host function receives a
/// [`Caller`](crate::Caller), then runs code of its language that may use
/// the store again (read a memory, call another export). That code cannot
/// receive a Rust borrow, so the binding records `caller.as_context_mut().as_raw()`
/// where its own operations look for the store, and takes the context back
/// with [`RawStoreContext::as_context_mut`] while the host function is still
/// running. RATIONALE.md records why this is the only way.
///
/// ```
/// use kiln::{AsContextMut, Engine, Store};
/// let mut store = Store::new(&Engine::default(), 1);
/// let raw = store.as_context_mut().as_raw();
/// // SAFETY: `store` is not used while the context taken from `raw` is.
/// let mut cx = unsafe { raw.as_context_mut() };
/// *cx.data_mut() += 1;
/// assert_eq!(*store.data(), 2);
/// ```
pub struct RawStoreContext<T>(std::ptr::NonNull<StoreInner<T>>);

impl<T> Clone for RawStoreContext<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for RawStoreContext<T> {}

impl<T> std::fmt::Debug for RawStoreContext<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("RawStoreContext").field(&self.0).finish()
    }
}

impl<T> RawStoreContext<T> {
    /// The context again, borrowed for `'a`.
    ///
    /// # Safety
    /// The borrow this was made from (of the [`Store`], or of the
    /// [`Caller`](crate::Caller) of a host function still running) must
    /// still be live and not used during `'a`, and no other context taken
    /// from this one may be used during `'a`.
    pub unsafe fn as_context_mut<'a>(self) -> StoreContextMut<'a, T> {
        // SAFETY: the caller guarantees the store is live and that this is
        // the only borrow in use.
        StoreContextMut(unsafe { &mut *self.0.as_ptr() })
    }
}

#[cold]
pub(crate) fn foreign_store(what: &str) -> crate::environ::error::Error {
    crate::environ::error::Error::usage(format!("{what} belongs to a different store"))
}
