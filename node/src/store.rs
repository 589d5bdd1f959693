//! Stores, which JavaScript never sees.
//!
//! The JS API has no store: any memory, table, global or function may be
//! imported by any instance. Kiln links entities within one store, so objects
//! are grouped: an instance joins the store of the entities it imports (or
//! gets a store of its own when it imports only JS functions), and objects
//! made with `new Memory(...)` and the like go to the current "loose" store,
//! which the next instance to import from it claims. A store lives as long
//! as any JS object of it does, so instances that are dropped are freed.
//!
//! Host functions are held weakly by the store and strongly by a JS array
//! that every JS object of the store refers to (its keepalive), so a host
//! function that closes over the instance it serves makes a cycle the
//! JavaScript collector sees and can free.

use crate::js::{call0, callback, Env, JsResult, Value};
use kiln::AsContextMut;
use napi::sys;
use rustc_hash::FxHashMap;
use std::cell::{Cell, RefCell, UnsafeCell};
use std::rc::{Rc, Weak};
use std::sync::{Mutex, OnceLock};

/// What a Kiln store made by this addon holds besides wasm state.
pub(crate) struct HostState {
    pub wasi: kiln_wasi::WasiCtx,
}

pub(crate) type KilnStore = kiln::Store<HostState>;
/// Exclusive use of a store, whether the addon holds the store itself or a
/// running host function lent its caller's context (see [`StoreCell::with`]).
pub(crate) type Context<'a> = kiln::StoreContextMut<'a, HostState>;

/// The two engines: one for plain instances, one whose code counts fuel and
/// checks epochs, for instances given `fuel` or `timeout`.
pub(crate) struct Engines {
    pub plain: kiln::Engine,
    pub metered: kiln::Engine,
}

/// The engines, made at their first use.
static ENGINES: OnceLock<Engines> = OnceLock::new();

/// The compiled-module cache the engines are made with, which
/// `enableCompileCache` sets before they exist.
static CACHE: Mutex<Option<kiln::CacheConfig>> = Mutex::new(None);

pub(crate) fn engines() -> &'static Engines {
    ENGINES.get_or_init(|| {
        let cache = CACHE.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let mut config = kiln::Config::new();
        // The JS API is WebAssembly 3.0's, which has memory64 (64-bit
        // memories and tables, `address: "i64"`), and its tests build modules
        // whose memories are marked shared, which validate only with threads.
        config.cache(cache).wasm_memory64(true).wasm_threads(true);
        crate::config::apply(&mut config);
        // `configureEngine` checked its settings by making an engine.
        let plain = kiln::Engine::new(&config).expect("the configuration was checked");
        crate::config::set_memories_may_move(plain.memories_may_move());
        config.consume_fuel(true).epoch_interruption(true);
        let metered = kiln::Engine::new(&config).expect("the metered configuration is valid");
        Engines { plain, metered }
    })
}

/// Whether the engines have been made, after which their settings are fixed.
pub(crate) fn engines_made() -> bool {
    ENGINES.get().is_some()
}

/// `enableCompileCache(directory?)`: keeps compiled modules in `directory`
/// (default: the per-user cache, see `kiln::CacheConfig`) so that later
/// processes load them instead of compiling; returns the directory. The
/// engines bake the cache in, so it must come before the first module.
pub(crate) unsafe extern "C" fn enable_compile_cache(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> Value {
    callback(env, |env| {
        let ci = env.cb_info::<1>(info)?;
        let cache = match env.type_of(ci.arg(0))? {
            sys::ValueType::napi_undefined => kiln::CacheConfig::from_default_location()
                .map_err(|e| env.throw_type_error(e.message()))?,
            sys::ValueType::napi_string => kiln::CacheConfig::new(env.get_string(ci.arg(0))?),
            _ => {
                return Err(env.throw_type_error(
                    "enableCompileCache takes a directory path (a string) or nothing",
                ))
            }
        };
        if ENGINES.get().is_some() {
            return Err(env.throw_type_error(
                "enableCompileCache must be called before the first module is compiled",
            ));
        }
        let directory = cache.directory().to_string_lossy().into_owned();
        *CACHE.lock().unwrap_or_else(|e| e.into_inner()) = Some(cache);
        env.string(&directory)
    })
}

/// An entity whose JS object is unique per store.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum EntityKey {
    Func(kiln::Func),
    Memory(kiln::Memory),
    Table(kiln::Table),
    Global(kiln::Global),
}

pub(crate) struct StoreCell {
    store: UnsafeCell<KilnStore>,
    env: Env,
    /// The context the innermost running host function of this store lent
    /// (its caller's), while it runs JS (see [`StoreCell::lend`]); taken out
    /// while an operation uses it.
    lent: Cell<Option<kiln::RawStoreContext<HostState>>>,
    /// Whether an operation holds the store (at top level, not through `lent`).
    busy: Cell<bool>,
    /// Whether the store's engine is the metered one.
    metered: bool,
    /// Whether an instance imports from this store: then it is no longer loose.
    claimed: Cell<bool>,
    /// Weak: the array holding this store's host functions.
    keepalive: sys::napi_ref,
    /// Weak references to the JS object of each entity shown to JS. Fx
    /// hashing: the keys are Kiln's own indices, and SipHash cost more than
    /// the rest of a lookup.
    objects: RefCell<FxHashMap<EntityKey, sys::napi_ref>>,
    /// Per call from JS, in milliseconds, for metered stores.
    pub timeout_ms: Cell<Option<u64>>,
    /// The epoch (as `func::epoch` counts) at which the timed call running
    /// in this store is interrupted, while one runs.
    pub deadline: Cell<Option<u64>>,
    /// The ArrayBuffer `memory.buffer` gives for each memory (weak), with the
    /// size it covers: when the memory grows, the buffer is detached, as the
    /// JS API requires, and the next `memory.buffer` is a new one.
    buffers: RefCell<Vec<(kiln::Memory, sys::napi_ref, usize)>>,
    /// The store's count of memory growths when `buffers` were last checked.
    growths_seen: Cell<u64>,
    /// Functions of other stores placed in this one (see `func::proxy_func`):
    /// by (source store, function), and the source of each proxy.
    proxies: RefCell<FxHashMap<(*const StoreCell, kiln::Func), kiln::Func>>,
    proxied: RefCell<FxHashMap<kiln::Func, (StoreRef, kiln::Func)>>,
}

pub(crate) type StoreRef = Rc<StoreCell>;

thread_local! {
    static LOOSE: RefCell<Weak<StoreCell>> = const { RefCell::new(Weak::new()) };
}

impl StoreCell {
    pub fn new(env: Env, engine: &kiln::Engine) -> JsResult<StoreRef> {
        let wasi = kiln_wasi::WasiConfig::new()
            .build()
            .map_err(|e| env.throw_type_error(&e.to_string()))?;
        let array = env.array(0)?;
        // Weak: the callback that makes a store attaches the array to the
        // store's first JS object before it returns (until then the call's
        // handle scope holds it).
        let keepalive = env.reference(array, 0)?;
        let metered = kiln::Engine::same(engine, &engines().metered);
        let mut store = kiln::Store::new(engine, HostState { wasi });
        if metered {
            // Until a call with a timeout sets one, the deadline is never
            // reached (a new store's has already passed).
            store.set_epoch_deadline(crate::func::NO_DEADLINE);
        }
        let cell = Rc::new(StoreCell {
            store: UnsafeCell::new(store),
            env,
            lent: Cell::new(None),
            busy: Cell::new(false),
            metered,
            claimed: Cell::new(false),
            keepalive,
            objects: RefCell::default(),
            timeout_ms: Cell::new(None),
            deadline: Cell::new(None),
            buffers: RefCell::new(Vec::new()),
            growths_seen: Cell::new(0),
            proxies: RefCell::default(),
            proxied: RefCell::default(),
        });
        Ok(cell)
    }

    /// The store that objects made by constructors go to.
    pub fn loose(env: Env) -> JsResult<StoreRef> {
        if let Some(cell) = LOOSE.with(|l| l.borrow().upgrade()) {
            // Once its last JS object is collected, a store may outlive its
            // keepalive array until the objects' finalizers run: it is
            // finished, and new objects go to a new store.
            if !cell.claimed.get() && env.reference_value(cell.keepalive)?.is_some() {
                return Ok(cell);
            }
        }
        let cell = StoreCell::new(env, &engines().plain)?;
        LOOSE.with(|l| *l.borrow_mut() = Rc::downgrade(&cell));
        Ok(cell)
    }

    pub fn claim(&self) {
        self.claimed.set(true);
    }

    pub fn is_metered(&self) -> bool {
        self.metered
    }

    /// Runs `f` with exclusive use of the store: the context a running host
    /// function of the store lent, or else the store's own.
    pub fn with<R>(&self, f: impl FnOnce(Context<'_>) -> R) -> JsResult<R> {
        if let Some(raw) = self.lent.take() {
            // SAFETY: `raw` was lent by `lend`, whose host function is
            // running below us on this thread: it holds its caller's borrow
            // of the store for as long as `raw` is in `lent` and does not use
            // it meanwhile. Taking `raw` out of `lent` until `f` returns makes
            // this the only context taken from it in use.
            let result = f(unsafe { raw.as_context_mut() });
            self.lent.set(Some(raw));
            return Ok(result);
        }
        if self.busy.get() {
            return Err(self
                .env
                .throw_type_error("the store is busy: a kiln-wasm operation is already using it"));
        }
        self.busy.set(true);
        // SAFETY: `busy` was clear and no context is lent, so nothing else
        // borrows the store; single-threaded (the JS thread).
        let result = f(unsafe { &mut *self.store.get() }.as_context_mut());
        self.busy.set(false);
        Ok(result)
    }

    /// Runs `f` with the store itself if nothing holds it, no host function
    /// has lent its context, and calls are not metered by time: the cheap
    /// case of a call from JS. `None` means [`StoreCell::with`] must be used.
    #[inline]
    pub fn with_idle<R>(&self, f: impl FnOnce(Context<'_>) -> R) -> Option<R> {
        if self.busy.get() || self.lent.get().is_some() || self.timeout_ms.get().is_some() {
            return None;
        }
        self.busy.set(true);
        // SAFETY: `busy` was clear and no context is lent, so nothing else
        // borrows the store; single-threaded (the JS thread).
        let result = f(unsafe { &mut *self.store.get() }.as_context_mut());
        self.busy.set(false);
        Some(result)
    }

    /// Lends `cx`, the context of a running host function's caller, to the
    /// JS code `f` runs (the host function's body): operations on the store
    /// meanwhile use it (see [`StoreCell::with`]). Taking `cx` by value holds
    /// its borrow, unused, until `f` returns.
    pub fn lend<R>(&self, mut cx: Context<'_>, f: impl FnOnce() -> R) -> R {
        let previous = self.lent.replace(Some(cx.as_raw()));
        let result = f();
        self.lent.set(previous);
        result
    }

    /// Keeps `host` (a JS function) alive with the store's objects.
    pub fn keep(&self, env: Env, host: Value) -> JsResult<()> {
        let array = self.keepalive_array(env)?;
        let len = env.array_len(array)?;
        env.set_element(array, len, host)
    }

    pub fn keepalive_array(&self, env: Env) -> JsResult<Value> {
        env.reference_value(self.keepalive)?.ok_or_else(|| {
            env.throw_type_error("internal error: the store's keepalive array was collected")
        })
    }

    /// The JS object already made for `key`, if it is still alive.
    pub fn object(&self, env: Env, key: EntityKey) -> JsResult<Option<Value>> {
        let r = self.objects.borrow().get(&key).copied();
        match r {
            Some(r) => env.reference_value(r),
            None => Ok(None),
        }
    }

    pub fn remember_object(&self, env: Env, key: EntityKey, object: Value) -> JsResult<()> {
        let r = env.reference(object, 0)?;
        if let Some(old) = self.objects.borrow_mut().insert(key, r) {
            env.delete_reference(old);
        }
        Ok(())
    }

    pub fn forget_object(&self, key: EntityKey) {
        if let Some(r) = self.objects.borrow_mut().remove(&key) {
            self.env.delete_reference(r);
        }
    }
}

impl StoreCell {
    /// The proxy in this store of `func` of `source`, if made before.
    pub fn proxy(&self, source: &StoreRef, func: kiln::Func) -> Option<kiln::Func> {
        self.proxies
            .borrow()
            .get(&(Rc::as_ptr(source), func))
            .copied()
    }

    pub fn add_proxy(&self, proxy: kiln::Func, source: &StoreRef, func: kiln::Func) {
        self.proxies
            .borrow_mut()
            .insert((Rc::as_ptr(source), func), proxy);
        self.proxied
            .borrow_mut()
            .insert(proxy, (source.clone(), func));
    }

    /// The function a proxy of this store stands for.
    pub fn proxied(&self, proxy: kiln::Func) -> Option<(StoreRef, kiln::Func)> {
        self.proxied.borrow().get(&proxy).cloned()
    }

    /// The current buffer of `memory`, if it still covers `len` bytes.
    pub fn cached_buffer(
        &self,
        env: Env,
        memory: kiln::Memory,
        len: usize,
    ) -> JsResult<Option<Value>> {
        let found = self
            .buffers
            .borrow()
            .iter()
            .find(|(m, _, _)| *m == memory)
            .map(|(_, r, l)| (*r, *l));
        match found {
            Some((r, l)) if l == len => env.reference_value(r),
            _ => Ok(None),
        }
    }

    /// Records `buffer` as the current buffer of `memory`, detaching the
    /// previous one.
    pub fn set_buffer(
        &self,
        env: Env,
        memory: kiln::Memory,
        buffer: Value,
        len: usize,
    ) -> JsResult<()> {
        let r = env.reference(buffer, 0)?;
        let old = {
            let mut buffers = self.buffers.borrow_mut();
            match buffers.iter_mut().find(|(m, _, _)| *m == memory) {
                Some(entry) => Some(std::mem::replace(entry, (memory, r, len)).1),
                None => {
                    buffers.push((memory, r, len));
                    None
                }
            }
        };
        if let Some(old) = old {
            detach_reference(env, old)?;
        }
        Ok(())
    }

    /// Detaches the current buffer of `memory`, if any.
    pub fn set_buffer_stale(&self, env: Env, memory: kiln::Memory) -> JsResult<()> {
        let old = {
            let mut buffers = self.buffers.borrow_mut();
            let i = buffers.iter().position(|(m, _, _)| *m == memory);
            i.map(|i| buffers.swap_remove(i).1)
        };
        match old {
            Some(r) => detach_reference(env, r),
            None => Ok(()),
        }
    }

    /// Detaches the buffers of memories that grew (by `memory.grow` in wasm
    /// or in JS); called after every operation that may grow a memory.
    pub fn refresh_buffers(&self, env: Env) -> JsResult<()> {
        if self.buffers.borrow().is_empty() {
            return Ok(());
        }
        let growths = self.with(|cx| cx.memory_growths())?;
        self.refresh_buffers_after(env, growths)
    }

    /// [`StoreCell::refresh_buffers`], given the store's count of memory
    /// growths now: the buffers are checked only if it changed since they
    /// last were, so that a call costs nothing here when no memory grew.
    #[inline]
    pub fn refresh_buffers_after(&self, env: Env, growths: u64) -> JsResult<()> {
        if growths == self.growths_seen.get() {
            return Ok(());
        }
        self.growths_seen.set(growths);
        if self.buffers.borrow().is_empty() {
            return Ok(());
        }
        self.detach_grown_buffers(env)
    }

    // Out of line: calls check only the count inline, and seldom get here.
    #[cold]
    #[inline(never)]
    fn detach_grown_buffers(&self, env: Env) -> JsResult<()> {
        let sizes: Vec<usize> = {
            let buffers = self.buffers.borrow();
            let memories: Vec<kiln::Memory> = buffers.iter().map(|(m, _, _)| *m).collect();
            self.with(|cx| memories.iter().map(|m| m.data_size(&cx)).collect())?
        };
        let stale: Vec<sys::napi_ref> = {
            let mut buffers = self.buffers.borrow_mut();
            let mut stale = Vec::new();
            let mut i = 0;
            buffers.retain(|(_, r, len)| {
                let keep = sizes[i] == *len;
                i += 1;
                if !keep {
                    stale.push(*r);
                }
                keep
            });
            stale
        };
        for r in stale {
            detach_reference(env, r)?;
        }
        Ok(())
    }
}

/// Detaches the buffer behind a weak reference (if still alive) and deletes it.
fn detach_reference(env: Env, r: sys::napi_ref) -> JsResult<()> {
    let buffer = env.reference_value(r);
    env.delete_reference(r);
    if let Some(buffer) = buffer? {
        if !crate::js::call!(env, napi_is_detached_arraybuffer(buffer))? {
            call0!(env, napi_detach_arraybuffer(buffer))?;
        }
    }
    Ok(())
}

impl Drop for StoreCell {
    fn drop(&mut self) {
        let env = self.env;
        for (_, r, _) in self.buffers.get_mut().drain(..) {
            env.delete_reference(r);
        }
        for (_, r) in self.objects.get_mut().drain() {
            env.delete_reference(r);
        }
        env.delete_reference(self.keepalive);
    }
}

/// Sets the keepalive of `store` on `object`, so that `object` keeps the
/// store's host functions alive.
pub(crate) fn attach_keepalive(env: Env, store: &StoreCell, object: Value) -> JsResult<()> {
    let array = store.keepalive_array(env)?;
    let key = crate::globals::get(env, |g| g.keepalive_symbol)?;
    call0!(env, napi_set_property(object, key, array))
}

/// The number of pages (or elements) JS passed, as the JS API's
/// `[EnforceRange] unsigned long`.
pub(crate) fn enforce_u32(env: Env, v: Value, what: &str) -> JsResult<u32> {
    let n = env.to_number(v)?;
    if !n.is_finite() || n < 0.0 || n.trunc() > u32::MAX as f64 {
        return Err(env.throw_type_error(&format!(
            "{what} must be an integer from 0 to 4294967295, got {n}"
        )));
    }
    Ok(n.trunc() as u32)
}
