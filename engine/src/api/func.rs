//! `Func`: a function in a store, defined by wasm or by the host, and the two
//! directions of calls between host and wasm.

use super::externals::Extern;
use super::instance::Instance;
use super::store::{AsContext, AsContextMut, StoreInner, StoreOpaque, Stored};
use super::values::Val;
use crate::compiler::trampolines::HostCallEntry;
use crate::environ::code_registry;
use crate::environ::error::{Error, ErrorKind, Result};
use crate::environ::trap::{FrameInfo, Trap, TrapCode};
use crate::environ::types::{FuncType, ValType};
use crate::environ::vmoffsets::{VMCTX_INSTANCE, VMCTX_MAGIC};
use crate::runtime::traphandler::{self, Pending, UnwindReason};
use crate::runtime::vmcontext::VMFuncRef;
use smallvec::SmallVec;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

/// A host function's body, type-erased over the store's data type: it gets
/// the `StoreInner<T>` as a raw pointer and the calling instance, if any.
enum HostCallback {
    /// Parameters and results as `Val`s.
    Vals(Box<ValsBody>),
    /// Parameters and results in raw slots, with references in the raw form
    /// of the store (see [`Func::new_numeric`] and [`Func::wrap`]).
    Slots(Box<SlotsBody>),
}

// Each body takes the store's `StoreInner<T>` and the calling instance's
// context (null when the host calls): the instance is looked up only if the
// host function asks for it, through its `Caller`.
type ValsBody = dyn Fn(*mut u8, *mut u8, &[Val], &mut [Val]) -> Result<()> + Send + Sync;
type SlotsBody = dyn Fn(*mut u8, *mut u8, &mut [u128]) -> Result<()> + Send + Sync;

/// A host function definition, not yet placed in a store.
#[doc(hidden)]
pub struct HostFunc {
    pub(crate) ty: FuncType,
    call: HostCallback,
    /// What wasm-to-host trampolines call for this function: made for its
    /// body's own type when it has a slots body (see `slots_entry`).
    entry: HostCallEntry,
    /// What placing this function in a store of an engine takes from that
    /// engine, kept from the first placement: a linker places its functions
    /// in every store it instantiates into, and looking these up each time
    /// cost more than the rest of the placement.
    placement: std::sync::OnceLock<Placement>,
}

/// A host function's type id and wasm-to-host trampoline in one engine.
struct Placement {
    /// Held weakly, so that the engine's address is not reused while this
    /// names it.
    engine: std::sync::Weak<super::engine::EngineInner>,
    type_id: u32,
    wasm_to_host: *const u8,
}

// SAFETY: `wasm_to_host` points at immutable compiled code that lives as
// long as its engine; the placement is only used with that engine.
unsafe impl Send for Placement {}
// SAFETY: as above; a placement is never changed once made.
unsafe impl Sync for Placement {}

impl HostFunc {
    pub(crate) fn new<T: 'static, F>(ty: FuncType, func: F) -> HostFunc
    where
        F: Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<()> + Send + Sync + 'static,
    {
        HostFunc {
            ty,
            placement: std::sync::OnceLock::new(),
            entry: host_call_entry,
            call: HostCallback::Vals(Box::new(move |data_ptr, caller_vmctx, params, results| {
                // SAFETY: `data_ptr` is the `StoreInner<T>` of the store this host
                // function was placed in (`Func::new` requires a store of `T`),
                // and no other reference to it is in use during the call.
                let store = unsafe { &mut *(data_ptr as *mut StoreInner<T>) };
                func(
                    Caller {
                        store,
                        caller_vmctx,
                    },
                    params,
                    results,
                )
            })),
        }
    }

    /// A host function that works on the store and raw slots directly: the
    /// form every typed host function takes (see [`Func::wrap`]).
    /// A host function of numbers and vectors over raw slots, with a
    /// [`Caller`] (see [`Func::new_numeric`]); a type with references is an
    /// error of kind [`ErrorKind::Usage`](crate::ErrorKind::Usage).
    pub(crate) fn numeric<T: 'static>(
        ty: FuncType,
        func: impl Fn(Caller<'_, T>, &mut [u128]) -> Result<()> + Send + Sync + 'static,
    ) -> Result<HostFunc> {
        if ty.params().iter().chain(ty.results()).any(ValType::is_ref) {
            return Err(Error::usage(format!(
                "a numeric host function cannot have type {ty}, which has references"
            )));
        }
        Ok(HostFunc::new_raw(ty, move |store, caller_vmctx, slots| {
            func(
                Caller {
                    store,
                    caller_vmctx,
                },
                slots,
            )
        }))
    }

    pub(crate) fn new_raw<T: 'static, F>(ty: FuncType, func: F) -> HostFunc
    where
        F: Fn(&mut StoreInner<T>, *mut u8, &mut [u128]) -> Result<()> + Send + Sync + 'static,
    {
        let body = move |data_ptr: *mut u8, caller_vmctx: *mut u8, slots: &mut [u128]| {
            // SAFETY: as in `new`.
            let store = unsafe { &mut *(data_ptr as *mut StoreInner<T>) };
            func(store, caller_vmctx, slots)
        };
        HostFunc {
            ty,
            placement: std::sync::OnceLock::new(),
            entry: slots_entry_of(&body),
            call: HostCallback::Slots(Box::new(body)),
        }
    }
}

/// A host function placed in a store: its `VMFuncRef` points back at this.
#[repr(C)]
pub(crate) struct HostFuncCtx {
    funcref: VMFuncRef,
    /// At `HOST_CTX_ENTRY`: what the wasm-to-host trampoline calls.
    entry: HostCallEntry,
    /// For a function with a slots body, what its entry needs, copied out
    /// of `func` (the store's data, the body, and how many slots it works
    /// on) so that a call reads them from this one place rather than
    /// through three pointers.
    direct: DirectCall,
    store: *mut StoreOpaque,
    func: Arc<HostFunc>,
}

const _: () = assert!(
    std::mem::offset_of!(HostFuncCtx, entry) == crate::environ::vmoffsets::HOST_CTX_ENTRY as usize
);

#[derive(Clone, Copy)]
struct DirectCall {
    data_ptr: *mut u8,
    /// The slots body (its data, without the vtable), or null.
    body: *const u8,
    slots: usize,
}

/// The entry for host functions whose slots body has type `W`.
fn slots_entry_of<W>(_body: &W) -> HostCallEntry
where
    W: Fn(*mut u8, *mut u8, &mut [u128]) -> Result<()> + Send + Sync + 'static,
{
    slots_entry::<W>
}

/// What the wasm-to-host trampoline calls for a host function whose slots
/// body has type `W`: the body is called directly, not through its vtable,
/// and with what it needs read from the context alone.
///
/// # Safety
/// As for [`host_call_entry`]; the function's slots body must be a `W`.
unsafe extern "C" fn slots_entry<W>(ctx: *mut u8, caller_vmctx: *mut u8, values: *mut u128) -> i32
where
    W: Fn(*mut u8, *mut u8, &mut [u128]) -> Result<()> + Send + Sync + 'static,
{
    // SAFETY: the trampoline passes its callee context, a live `HostFuncCtx`.
    let direct = unsafe { (*(ctx as *const HostFuncCtx)).direct };
    // SAFETY: `body` is the `W` owned by the context's `HostFunc`, which the
    // context keeps alive; `values` has `direct.slots` slots (the caller's
    // guarantee) that nothing else uses during the call.
    let (body, slots) = unsafe {
        (
            &*(direct.body as *const W),
            std::slice::from_raw_parts_mut(values, direct.slots),
        )
    };
    match run_host_body(|| body(direct.data_ptr, caller_vmctx, slots)) {
        Ok(()) => 0,
        Err(error) => {
            traphandler::set_pending_error(error);
            1
        }
    }
}

pub(crate) struct FuncData {
    pub ty: FuncType,
    pub funcref: *const VMFuncRef,
    host: Option<Box<HostFuncCtx>>,
    /// A wasm function whose calls are brief (see [`Func::is_brief`]).
    brief: bool,
    /// A wasm function's index in its module's function index space.
    module_index: Option<u32>,
    /// A wasm function's entry, prepared on its first call.
    entry: Option<PreparedEntry>,
}

/// A function: exported by an instance or defined by the host.
///
/// ```
/// use kiln::{Engine, Store, Func, Val};
/// let engine = Engine::default();
/// let mut store = Store::new(&engine, ());
/// let add = Func::wrap(&mut store, |a: i32, b: i32| a + b);
/// let mut result = [Val::I32(0)];
/// add.call(&mut store, &[Val::I32(2), Val::I32(3)], &mut result).unwrap();
/// assert_eq!(result[0], Val::I32(5));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Func(pub(crate) Stored);

impl Func {
    /// Defines a host function of type `ty`; `func` reads `params` and writes
    /// `results`, or fails with an error that becomes a trap in the caller.
    pub fn new<T: 'static>(
        mut store: impl AsContextMut<Data = T>,
        ty: FuncType,
        func: impl Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<()> + Send + Sync + 'static,
    ) -> Func {
        let host = Arc::new(HostFunc::new(ty, func));
        store.as_inner_mut().opaque.add_host_func(host)
    }

    /// Defines a host function of numbers and vectors that takes its
    /// parameters from, and leaves its results in, raw slots, in the form of
    /// [`Val::to_slot`]: one slot per parameter or result, whichever is more,
    /// with result `i` in slot `i`. Calls from wasm skip `Val` conversions.
    ///
    /// A type with a reference parameter or result is an error of kind
    /// [`ErrorKind::Usage`].
    ///
    /// ```
    /// use kiln::{Engine, Store, Func, FuncType, Val, ValType};
    /// let engine = Engine::default();
    /// let mut store = Store::new(&engine, ());
    /// let ty = FuncType::new([ValType::I32, ValType::I32], [ValType::I32]);
    /// let add = Func::new_numeric(&mut store, ty, |_caller, slots| {
    ///     slots[0] = (slots[0] as u32).wrapping_add(slots[1] as u32) as u128;
    ///     Ok(())
    /// })
    /// .unwrap();
    /// let mut result = [Val::I32(0)];
    /// add.call(&mut store, &[Val::I32(2), Val::I32(3)], &mut result).unwrap();
    /// assert_eq!(result[0], Val::I32(5));
    /// ```
    pub fn new_numeric<T: 'static>(
        mut store: impl AsContextMut<Data = T>,
        ty: FuncType,
        func: impl Fn(Caller<'_, T>, &mut [u128]) -> Result<()> + Send + Sync + 'static,
    ) -> Result<Func> {
        let host = Arc::new(HostFunc::numeric(ty, func)?);
        Ok(store.as_inner_mut().opaque.add_host_func(host))
    }

    /// Defines a host function from a Rust closure whose parameter and result
    /// types give the wasm signature. The closure may take a
    /// [`Caller`] first, and may return a `Result` to trap.
    pub fn wrap<T: 'static, Params, Results>(
        mut store: impl AsContextMut<Data = T>,
        func: impl super::typed::IntoFunc<T, Params, Results>,
    ) -> Func {
        let host = Arc::new(func.into_host_func());
        store.as_inner_mut().opaque.add_host_func(host)
    }

    /// This function with a statically checked signature.
    pub fn typed<P: super::typed::WasmParams, R: super::typed::WasmResults>(
        &self,
        store: impl AsContext,
    ) -> Result<super::typed::TypedFunc<P, R>> {
        let ty = self.ty(store);
        let expected = FuncType::new(P::valtypes(), R::valtypes());
        if ty != expected {
            return Err(Error::usage(format!(
                "type mismatch: the function has type {ty}, but {expected} was requested"
            )));
        }
        Ok(super::typed::TypedFunc::new(*self))
    }

    /// The function whose `VMFuncRef` is at `addr` (0 is a null reference).
    /// A store holds a `VMFuncRef` for each host function and one inside each
    /// instance's context for each function it defines; the latter get a
    /// `Func` here the first time the host sees them.
    pub(crate) fn from_funcref_addr(store: &mut StoreOpaque, addr: usize) -> Option<Func> {
        if addr == 0 {
            return None;
        }
        if let Some(&index) = store.funcref_to_func.get(&addr) {
            return Some(Func(store.stored(index as usize)));
        }
        // SAFETY: references that compiled code and tables hold come from
        // this store, and every one not in the map is a defined function's
        // `VMFuncRef`, whose `vmctx` is its instance's context.
        let (instance, index) = unsafe {
            let vmctx = (*(addr as *const VMFuncRef)).vmctx;
            let instance = caller_instance(store, vmctx)
                .expect("a function reference not registered in its store")
                .0
                .index;
            let module = &store.instances[instance as usize].module.0;
            let first = vmctx as usize + module.offsets.defined_funcref(0) as usize;
            let defined = (addr - first) / std::mem::size_of::<VMFuncRef>();
            (instance, module.info.num_imported_funcs + defined as u32)
        };
        Some(store.func_for_defined_funcref(addr as *const VMFuncRef, instance, index))
    }

    /// The function's type.
    pub fn ty(&self, store: impl AsContext) -> FuncType {
        let store = &store.as_inner().opaque;
        store.assert_owns(self.0, "function");
        store.funcs[self.0.index as usize].ty.clone()
    }

    /// Whether every call to this function is brief: it is wasm with no
    /// loops, no calls, no bulk memory or table operations and no more than
    /// a thousand operators, so it returns (or traps) after running each of
    /// them at most once. Bindings to languages with a global interpreter
    /// lock call such functions without releasing it, since releasing and
    /// retaking the lock would cost more than the call.
    ///
    /// ```
    /// use kiln::{Engine, Instance, Module, Store};
    /// let engine = Engine::default();
    /// let module = Module::new(&engine, r#"(module
    ///     (func (export "add") (param i32 i32) (result i32)
    ///       (i32.add (local.get 0) (local.get 1)))
    ///     (func (export "spin") (loop $l (br $l))))"#).unwrap();
    /// let mut store = Store::new(&engine, ());
    /// let instance = Instance::new(&mut store, &module, &[]).unwrap();
    /// assert!(instance.get_func(&mut store, "add").unwrap().is_brief(&store));
    /// assert!(!instance.get_func(&mut store, "spin").unwrap().is_brief(&store));
    /// ```
    pub fn is_brief(&self, store: impl AsContext) -> bool {
        let store = &store.as_inner().opaque;
        store.assert_owns(self.0, "function");
        store.funcs[self.0.index as usize].brief
    }

    /// The function's index in the function index space of the module that
    /// defines it, or `None` for a host function. (The JS API names exported
    /// functions by it.)
    ///
    /// ```
    /// use kiln::{Engine, Instance, Module, Store};
    /// let engine = Engine::default();
    /// let module = Module::new(&engine, r#"(module
    ///     (import "" "f" (func))
    ///     (func) (func (export "second")))"#).unwrap();
    /// let mut store = Store::new(&engine, ());
    /// let f = kiln::Func::wrap(&mut store, || {});
    /// let instance = Instance::new(&mut store, &module, &[f.into()]).unwrap();
    /// let second = instance.get_func(&mut store, "second").unwrap();
    /// assert_eq!(second.module_index(&store), Some(2));
    /// assert_eq!(f.module_index(&store), None);
    /// ```
    pub fn module_index(&self, store: impl AsContext) -> Option<u32> {
        let store = &store.as_inner().opaque;
        store.assert_owns(self.0, "function");
        store.funcs[self.0.index as usize].module_index
    }

    /// Calls a wasm function with its parameters in `slots`, each in the
    /// raw form compiled code reads (an `i32` or `f32` in the low 32 bits, an
    /// `i64` or `f64` in the low 64, a `v128` in all 128), and leaves its
    /// results there. It skips the checks and conversions of [`Func::call`],
    /// for bindings whose calls must cost as little as possible.
    ///
    /// # Safety
    /// `slots` must have room for every parameter and every result, and the
    /// parameters must be of the function's types, which must all be
    /// numbers or vectors (no references).
    ///
    /// ```
    /// use kiln::{Engine, Instance, Module, Store};
    /// let engine = Engine::default();
    /// let module = Module::new(&engine, r#"(module (func (export "add") (param i32 i32) (result i32)
    ///     (i32.add (local.get 0) (local.get 1))))"#).unwrap();
    /// let mut store = Store::new(&engine, ());
    /// let instance = Instance::new(&mut store, &module, &[]).unwrap();
    /// let add = instance.get_func(&mut store, "add").unwrap();
    /// let mut slots = [2u128, 40];
    /// // SAFETY: two i32 parameters, one i32 result, a wasm function.
    /// unsafe { add.call_unchecked(&mut store, &mut slots) }.unwrap();
    /// assert_eq!(slots[0] as u32, 42);
    /// ```
    pub unsafe fn call_unchecked(
        &self,
        mut store: impl AsContextMut,
        slots: &mut [u128],
    ) -> Result<()> {
        let opaque: *mut StoreOpaque = &mut store.as_inner_mut().opaque;
        // SAFETY: `opaque` comes from a live `&mut` borrow held for this
        // call; the caller vouches for the slots.
        unsafe {
            (*opaque).check(self.0, "function")?;
            call_raw(opaque, self.0.index as usize, slots.as_mut_ptr())
        }
    }

    /// Calls the function with `params`, writing its results to `results`.
    /// A trap comes back as an [`Error`] of kind [`ErrorKind::Trap`].
    pub fn call(
        &self,
        mut store: impl AsContextMut,
        params: &[Val],
        results: &mut [Val],
    ) -> Result<()> {
        let opaque: *mut StoreOpaque = &mut store.as_inner_mut().opaque;
        // SAFETY: `opaque` comes from a live `&mut` borrow held for this call.
        unsafe { call_func(opaque, *self, params, results) }
    }
}

impl StoreOpaque {
    pub(crate) fn add_host_func(&mut self, func: Arc<HostFunc>) -> Func {
        let engine = &self.engine.0;
        let place = || Placement {
            engine: Arc::downgrade(engine),
            type_id: self.engine.type_id(&func.ty),
            wasm_to_host: engine.trampolines.get(&func.ty).wasm_to_host,
        };
        let placed = func.placement.get_or_init(place);
        let fresh;
        let placement = if std::ptr::eq(placed.engine.as_ptr(), Arc::as_ptr(engine)) {
            placed
        } else {
            // First placed with another engine.
            fresh = place();
            &fresh
        };
        let (type_id, wasm_to_host) = (placement.type_id, placement.wasm_to_host);
        let direct = DirectCall {
            data_ptr: self.data_ptr,
            body: match &func.call {
                HostCallback::Slots(body) => &**body as *const SlotsBody as *const u8,
                HostCallback::Vals(_) => std::ptr::null(),
            },
            slots: func.ty.params().len().max(func.ty.results().len()),
        };
        let mut ctx = Box::new(HostFuncCtx {
            funcref: VMFuncRef {
                func_ptr: wasm_to_host,
                vmctx: std::ptr::null_mut(),
                type_id,
            },
            entry: func.entry,
            direct,
            store: self,
            func: func.clone(),
        });
        ctx.funcref.vmctx = &mut *ctx as *mut HostFuncCtx as *mut u8;
        let funcref: *const VMFuncRef = &ctx.funcref;
        self.funcs.push(FuncData {
            ty: func.ty.clone(),
            funcref,
            host: Some(ctx),
            brief: false,
            module_index: None,
            entry: None,
        });
        let index = self.funcs.len() - 1;
        self.funcref_to_func.insert(funcref as usize, index as u32);
        Func(self.stored(index))
    }

    pub(crate) fn add_wasm_func(
        &mut self,
        ty: FuncType,
        funcref: *const VMFuncRef,
        brief: bool,
        module_index: u32,
    ) -> Func {
        self.funcs.push(FuncData {
            ty,
            funcref,
            host: None,
            brief,
            module_index: Some(module_index),
            entry: None,
        });
        let index = self.funcs.len() - 1;
        self.funcref_to_func.insert(funcref as usize, index as u32);
        Func(self.stored(index))
    }
}

/// Calls `func` in `store` with dynamically typed values.
///
/// # Safety
/// `store` must be valid for the call and not otherwise borrowed during it.
pub(crate) unsafe fn call_func(
    store: *mut StoreOpaque,
    func: Func,
    params: &[Val],
    results: &mut [Val],
) -> Result<()> {
    let index = func.0.index as usize;
    // SAFETY: the caller guarantees `store` is valid; this borrow ends
    // before any other.
    let s = unsafe { &mut *store };
    s.check(func.0, "function")?;
    // Cloned (two reference counts, no allocation): host code may add
    // functions to the store during the call, moving `funcs`.
    let ty = s.funcs[index].ty.clone();
    if params.len() != ty.params().len() {
        return Err(Error::usage(format!(
            "function expects {} arguments, got {}",
            ty.params().len(),
            params.len()
        )));
    }
    if results.len() != ty.results().len() {
        return Err(Error::usage(format!(
            "function returns {} results, but the results slice has room for {}",
            ty.results().len(),
            results.len()
        )));
    }
    with_slots(params.len().max(results.len()), |slots| {
        for (i, (p, t)) in params.iter().zip(ty.params()).enumerate() {
            p.check_type(s, *t, format_args!("argument {i}"))?;
            slots[i] = p.to_raw(s)?;
        }
        // SAFETY: the caller's guarantee; `slots` has a slot for every
        // parameter and result, holding parameters of the function's types.
        unsafe { call_raw(store, index, slots.as_mut_ptr())? };
        // SAFETY: the call has returned; this is the only borrow of the store.
        let s = unsafe { &mut *store };
        for ((r, t), raw) in results.iter_mut().zip(ty.results()).zip(slots.iter()) {
            *r = Val::from_raw(s, *raw, *t);
        }
        s.after_call();
        Ok(())
    })
}

/// Calls `funcs[index]` of `store`, wasm or host, with its parameters in
/// `slots` (each in the raw form `Val::to_raw` gives), leaving its results
/// there: the one path of every call from the host.
///
/// # Safety
/// `store` must be valid for the call and not otherwise borrowed during it,
/// and own function `index`; `slots` must have a 16-byte slot for each
/// parameter and result, and the parameters must have the function's types
/// (references in this store's raw form).
#[inline]
pub(crate) unsafe fn call_raw(
    store: *mut StoreOpaque,
    index: usize,
    slots: *mut u128,
) -> Result<()> {
    // SAFETY: the store is valid (caller's guarantee); this borrow ends
    // before control passes to wasm or host code.
    let entry = unsafe {
        let s = &mut *store;
        let data = &mut s.funcs[index];
        match data.entry {
            Some(entry) => entry,
            None => match &data.host {
                Some(ctx) => {
                    // Not cloned: the context is boxed and lives until the
                    // store is dropped, which cannot happen during the call.
                    let func: *const HostFunc = &*ctx.func;
                    return invoke_host(store, &*func, std::ptr::null_mut(), slots);
                }
                None => {
                    let entry = data.make_entry(&s.engine);
                    data.entry = Some(entry);
                    entry
                }
            },
        }
    };
    // SAFETY: the caller's guarantees.
    unsafe { enter_prepared(store, &entry, slots) }
}

/// Calls `func`, the start function of the instance whose context is
/// `vmctx`. An imported host function started this way sees that instance
/// as its caller, as it would had the instance's code called it.
///
/// # Safety
/// `store` must be valid for the call and not otherwise borrowed during it;
/// `vmctx` must be the context of a live instance of that store.
pub(crate) unsafe fn call_start(store: *mut StoreOpaque, func: Func, vmctx: *mut u8) -> Result<()> {
    // SAFETY: the store is valid (caller's guarantee); this borrow ends
    // before host code runs.
    let host = unsafe {
        let s = &mut *store;
        s.check(func.0, "function")?;
        s.funcs[func.0.index as usize]
            .host
            .as_ref()
            .map(|ctx| &*ctx.func as *const HostFunc)
    };
    match host {
        // SAFETY: the context is boxed and lives until the store is dropped,
        // which cannot happen during the call; a start function takes and
        // returns nothing, so one slot is room enough.
        Some(func) => with_slots(1, |slots| unsafe {
            invoke_host(store, &*func, vmctx, slots.as_mut_ptr())
        }),
        // SAFETY: the caller's guarantees.
        None => unsafe { call_func(store, func, &[], &mut []) },
    }
}

/// Runs `f` with `n` raw slots (at least one): on the stack for up to
/// [`RawFunc::MAX_VALUES`](super::raw::RawFunc::MAX_VALUES).
#[inline(always)]
pub(crate) fn with_slots<R>(n: usize, f: impl FnOnce(&mut [u128]) -> R) -> R {
    // `n` is a constant in typed calls, so only one arm remains.
    if n <= 2 {
        f(&mut [0u128; 2])
    } else if n <= 4 {
        f(&mut [0u128; 4])
    } else if n <= super::raw::RawFunc::MAX_VALUES {
        f(&mut [0u128; super::raw::RawFunc::MAX_VALUES][..n])
    } else {
        f(&mut vec![0u128; n])
    }
}

impl StoreOpaque {
    /// Collects externrefs after an outermost call made many.
    #[inline]
    pub(crate) fn after_call(&mut self) {
        if self.wasm_depth == 0 && self.externrefs.needs_gc() {
            self.gc();
        }
    }
}

/// What a call of one wasm function through raw slots needs, looked up once
/// per function and kept in the store (see also [`super::raw::RawFunc`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct PreparedEntry {
    trampoline: *const u8,
    vmctx: *mut u8,
    func_ptr: *const u8,
    max_wasm_stack: usize,
}

impl FuncData {
    /// Prepares a wasm function of numbers for raw calls.
    pub(crate) fn prepare(&self, engine: &super::engine::Engine) -> Result<PreparedEntry> {
        if self.host.is_some() {
            return Err(Error::usage(
                "a raw call needs a wasm function, not a host function",
            ));
        }
        Ok(self.entry.unwrap_or_else(|| self.make_entry(engine)))
    }

    /// The entry of this wasm function, through the array-call trampoline
    /// of its type.
    fn make_entry(&self, engine: &super::engine::Engine) -> PreparedEntry {
        // SAFETY: `funcref` belongs to a live function of the store.
        let (vmctx, func_ptr) = unsafe { ((*self.funcref).vmctx, (*self.funcref).func_ptr) };
        PreparedEntry {
            trampoline: engine.0.trampolines.get(&self.ty).array_to_wasm,
            vmctx,
            func_ptr,
            max_wasm_stack: engine.0.config.max_wasm_stack,
        }
    }
}

/// Enters the wasm function `entry` was prepared for, with its parameters
/// in `values`, leaving its results there.
///
/// # Safety
/// `store` must be valid for the call and not otherwise borrowed during it,
/// and be the store `entry` was prepared in; `values` must have a slot for
/// each parameter and result, and the parameters must have the function's
/// types.
#[inline]
pub(crate) unsafe fn enter_prepared(
    store: *mut StoreOpaque,
    entry: &PreparedEntry,
    values: *mut u128,
) -> Result<()> {
    // SAFETY: the store is valid (caller's guarantee); this borrow ends
    // before control passes to wasm.
    let limits = unsafe {
        let s = &mut *store;
        s.wasm_depth += 1;
        &mut *s.limits as *mut _
    };
    let wasm = traphandler::WasmEntry {
        trampoline: entry.trampoline,
        vmctx: entry.vmctx,
        func_ptr: entry.func_ptr,
        values,
    };
    // SAFETY: `trampoline` is the array-call trampoline compiled for the
    // function's type, and `values` has a slot for every parameter and result
    // (caller's guarantee).
    let outcome = unsafe { traphandler::enter_wasm(limits, entry.max_wasm_stack, wasm) };
    // SAFETY: wasm has returned; this is the only borrow of the store.
    unsafe { (*store).wasm_depth -= 1 };
    match outcome {
        Ok(()) => Ok(()),
        Err(reason) => Err(trap_from_unwind(*reason)),
    }
}

fn check_results(store: &StoreOpaque, ty: &FuncType, results: &[Val]) -> Result<()> {
    for (i, (r, t)) in results.iter().zip(ty.results()).enumerate() {
        r.check_type(store, *t, format_args!("host function result {i}"))?;
    }
    Ok(())
}

/// Turns the record of an unwound call into the error the caller sees.
#[cold]
pub(crate) fn trap_from_unwind(reason: UnwindReason) -> Error {
    let backtrace: Vec<FrameInfo> = reason
        .frames
        .iter()
        .filter_map(|pc| frame_info(*pc))
        .collect();
    if let Some(pending) = reason.pending {
        let pending = match pending {
            Pending::Trap(code) => {
                return Trap::new(code, code.message().to_string(), backtrace).into()
            }
            Pending::Error(e) => e,
        };
        if matches!(pending.kind(), ErrorKind::Trap | ErrorKind::Exit) {
            return pending;
        }
        let trap = Trap::new(
            TrapCode::HostError,
            pending.message().to_string(),
            backtrace,
        );
        return pending.into_trap_with_payload(trap);
    }
    let code = reason
        .fault
        .and_then(|f| {
            let (code, offset) = code_registry::lookup(f.pc)?;
            code.trap_at(offset)
        })
        .unwrap_or_else(|| match reason.fault.map(|f| f.signal) {
            Some(libc::SIGILL) => TrapCode::Unreachable,
            Some(libc::SIGFPE) => TrapCode::IntegerDivisionByZero,
            _ => TrapCode::MemoryOutOfBounds,
        });
    Trap::new(code, code.message().to_string(), backtrace).into()
}

fn frame_info(pc: usize) -> Option<FrameInfo> {
    let (code, offset) = code_registry::lookup(pc)?;
    let func_index = code.func_index?;
    let module_offset = code.srcloc_at(offset).map(|o| o as usize);
    Some(FrameInfo {
        func_index,
        func_name: code.names.func_names.get(&func_index).cloned(),
        module_name: code.names.module_name.clone(),
        module_offset,
        func_offset: module_offset.and_then(|o| o.checked_sub(code.body_offset as usize)),
    })
}

/// The wasm-to-host entry of host functions that take `Val`s.
///
/// # Safety
/// `ctx` must be a live `HostFuncCtx`, `values` must have a 16-byte slot for
/// every parameter and result, and a wasm call must be active on this thread.
pub(crate) unsafe extern "C" fn host_call_entry(
    ctx: *mut u8,
    caller_vmctx: *mut u8,
    values: *mut u128,
) -> i32 {
    // SAFETY: guaranteed by the trampoline, which passes its callee context.
    let ctx = unsafe { &*(ctx as *const HostFuncCtx) };
    // Borrowed, not cloned: the context lives in the store until the store
    // is dropped, which cannot happen while one of its functions runs.
    // SAFETY: the caller's guarantees, passed on; the store outlives every
    // call into its functions.
    match unsafe { invoke_host(ctx.store, &ctx.func, caller_vmctx, values) } {
        Ok(()) => 0,
        Err(error) => {
            traphandler::set_pending_error(error);
            1
        }
    }
}

/// Runs host function `func` of `store` with its parameters in `values`,
/// leaving its results there; called by wasm (with the calling instance's
/// context) or directly by the host (with null).
///
/// # Safety
/// `store` must be the function's store, valid and not otherwise borrowed
/// during the call; `values` must have a 16-byte slot for every parameter
/// and result of `func`, holding its parameters in raw form.
#[inline]
unsafe fn invoke_host(
    store: *mut StoreOpaque,
    func: &HostFunc,
    caller_vmctx: *mut u8,
    values: *mut u128,
) -> Result<()> {
    // SAFETY: the store is valid (caller's guarantee).
    let data_ptr = unsafe { (*store).data_ptr };
    match &func.call {
        HostCallback::Slots(body) => {
            let n = func.ty.params().len().max(func.ty.results().len());
            // SAFETY: `values` has a slot for every parameter and result (the
            // caller's guarantee), and nothing else uses them during the call.
            let slots = unsafe { std::slice::from_raw_parts_mut(values, n) };
            run_host_body(|| body(data_ptr, caller_vmctx, slots))
        }
        // SAFETY: the caller's guarantees, passed on.
        HostCallback::Vals(body) => unsafe {
            call_with_vals(store, &func.ty, body, data_ptr, caller_vmctx, values)
        },
    }
}

/// Runs a host function's body as host code, its panic becoming an error.
#[inline]
fn run_host_body(body: impl FnOnce() -> Result<()>) -> Result<()> {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(outcome) => outcome,
        Err(panic) => Err(panic_error(panic)),
    }
}

/// Calls a host function that takes `Val`s with the parameters in `values`,
/// and writes its checked results back there.
///
/// # Safety
/// As for [`invoke_host`]: `store` is the function's store, and `values`
/// has a slot for every parameter and result of `ty`.
unsafe fn call_with_vals(
    store: *mut StoreOpaque,
    ty: &FuncType,
    body: &ValsBody,
    data_ptr: *mut u8,
    caller_vmctx: *mut u8,
    values: *mut u128,
) -> Result<()> {
    // Signatures of up to 16 values live on the stack, filled in place:
    // building them elsewhere and moving them in copies 1 KiB per call.
    let mut params: SmallVec<[Val; 16]> = SmallVec::new();
    let mut results: SmallVec<[Val; 16]> = SmallVec::new();
    {
        // SAFETY: the caller's guarantee; this borrow ends before the body runs.
        let store = unsafe { &mut *store };
        for (i, t) in ty.params().iter().enumerate() {
            // SAFETY: `values` has a slot per parameter (caller's guarantee).
            params.push(Val::from_raw(store, unsafe { *values.add(i) }, *t));
        }
        results.extend(ty.results().iter().map(|t| Val::default_for(*t)));
    }
    run_host_body(|| body(data_ptr, caller_vmctx, &params, &mut results))?;
    // SAFETY: the body has returned; this is the only borrow of the store.
    let store = unsafe { &mut *store };
    check_results(store, ty, &results)?;
    for (i, r) in results.iter().enumerate() {
        let raw = r.to_raw(store)?;
        // SAFETY: `values` has a slot per result.
        unsafe { *values.add(i) = raw };
    }
    Ok(())
}

/// The error a host function's panic becomes.
#[cold]
fn panic_error(panic: Box<dyn std::any::Any + Send>) -> Error {
    let message = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string());
    Error::msg(format!("host function panicked: {message}"))
}

/// The instance whose code made a call, from its `VMContext`.
///
/// # Safety
/// `vmctx` must be null, a host function context, or a live instance context.
unsafe fn caller_instance(store: &StoreOpaque, vmctx: *mut u8) -> Option<Instance> {
    if vmctx.is_null() {
        return None;
    }
    // SAFETY: both kinds of context start with at least 8 readable bytes; only
    // instance contexts start with the magic value.
    unsafe {
        if *(vmctx as *const u64) != VMCTX_MAGIC {
            return None;
        }
        let runtime = *(vmctx.add(VMCTX_INSTANCE as usize)
            as *const *const crate::runtime::builtins::InstanceRuntime);
        Some(Instance(store.stored((*runtime).index as usize)))
    }
}

/// What a host function sees of its caller: the store's data and the calling
/// instance's exports.
pub struct Caller<'a, T> {
    pub(crate) store: &'a mut StoreInner<T>,
    /// The calling instance's context, or null when the host called: alive
    /// for as long as the host function runs.
    pub(crate) caller_vmctx: *mut u8,
}

impl<T> Caller<'_, T> {
    /// The store's host data.
    pub fn data(&self) -> &T {
        &self.store.data
    }

    /// The store's host data, mutably.
    pub fn data_mut(&mut self) -> &mut T {
        &mut self.store.data
    }

    /// An export of the calling instance (typically its memory).
    pub fn get_export(&mut self, name: &str) -> Option<Extern> {
        self.instance()?.get_export(&mut *self, name)
    }

    /// The instance whose wasm called this host function; `None` when the
    /// host called it. A binding that lends the caller's store context to
    /// another language keeps this beside it, to reach the caller's exports
    /// through the context.
    ///
    /// ```
    /// use kiln::{Caller, Engine, Func, Instance, Module, Store};
    /// let engine = Engine::default();
    /// let module = Module::new(&engine, r#"(module
    ///     (import "host" "check" (func $check))
    ///     (memory (export "memory") 1)
    ///     (func (export "run") (call $check)))"#).unwrap();
    /// // Whether the caller exports a memory; `None` without a caller.
    /// let mut store = Store::new(&engine, None);
    /// let check = Func::wrap(&mut store, |mut caller: Caller<'_, Option<bool>>| {
    ///     let found = caller
    ///         .instance()
    ///         .map(|instance| instance.get_memory(&mut caller, "memory").is_some());
    ///     *caller.data_mut() = found;
    /// });
    /// let instance = Instance::new(&mut store, &module, &[check.into()]).unwrap();
    /// let run = instance.get_typed_func::<(), ()>(&mut store, "run").unwrap();
    /// run.call(&mut store, ()).unwrap();
    /// assert_eq!(*store.data(), Some(true));
    /// check.call(&mut store, &[], &mut []).unwrap();
    /// assert_eq!(*store.data(), None);
    /// ```
    pub fn instance(&self) -> Option<Instance> {
        // SAFETY: the calling instance outlives its call into this host
        // function, during which alone a `Caller` exists.
        unsafe { caller_instance(&self.store.opaque, self.caller_vmctx) }
    }

    /// The engine of the store.
    pub fn engine(&self) -> &super::engine::Engine {
        &self.store.opaque.engine
    }

    /// The store's fuel left, as [`Store::get_fuel`](crate::Store::get_fuel).
    /// The block that called the host function has already paid for itself.
    ///
    /// ```
    /// use kiln::{Caller, Config, Engine, Func, Instance, Module, Store};
    /// let mut config = Config::new();
    /// config.consume_fuel(true);
    /// let engine = Engine::new(&config).unwrap();
    /// let module = Module::new(&engine, r#"(module
    ///     (import "host" "fuel" (func $fuel (result i64)))
    ///     (func (export "run") (result i64) call $fuel))"#).unwrap();
    /// let mut store = Store::new(&engine, ());
    /// store.set_fuel(100).unwrap();
    /// let fuel = Func::wrap(&mut store, |caller: Caller<'_, ()>| caller.get_fuel().unwrap() as i64);
    /// let instance = Instance::new(&mut store, &module, &[fuel.into()]).unwrap();
    /// let run = instance.get_typed_func::<(), i64>(&mut store, "run").unwrap();
    /// // `run`'s only block is `call` and `end`: two units.
    /// assert_eq!(run.call(&mut store, ()).unwrap(), 98);
    /// ```
    pub fn get_fuel(&self) -> Result<u64> {
        self.store.opaque.get_fuel()
    }

    /// How many times a memory of the store has grown, as
    /// [`Store::memory_growths`](crate::Store::memory_growths).
    pub fn memory_growths(&self) -> u64 {
        self.store.opaque.limits.memory_growths
    }

    /// Sets the store's fuel left, as [`Store::set_fuel`](crate::Store::set_fuel);
    /// the wasm that called the host function continues with it.
    ///
    /// ```
    /// use kiln::{Caller, Config, Engine, Func, Instance, Module, Store};
    /// let mut config = Config::new();
    /// config.consume_fuel(true);
    /// let engine = Engine::new(&config).unwrap();
    /// let module = Module::new(&engine, r#"(module
    ///     (import "host" "refuel" (func $refuel))
    ///     (func (export "run") call $refuel))"#).unwrap();
    /// let mut store = Store::new(&engine, ());
    /// store.set_fuel(100).unwrap();
    /// let refuel = Func::wrap(&mut store, |mut caller: Caller<'_, ()>| caller.set_fuel(7).unwrap());
    /// let instance = Instance::new(&mut store, &module, &[refuel.into()]).unwrap();
    /// let run = instance.get_typed_func::<(), ()>(&mut store, "run").unwrap();
    /// run.call(&mut store, ()).unwrap();
    /// assert_eq!(store.get_fuel().unwrap(), 7);
    /// ```
    pub fn set_fuel(&mut self, fuel: u64) -> Result<()> {
        self.store.opaque.set_fuel(fuel)
    }

    /// Sets the store's epoch deadline, as
    /// [`Store::set_epoch_deadline`](crate::Store::set_epoch_deadline).
    /// Compiled code reads the deadline when a function is entered, so it
    /// applies to the functions wasm calls after this host function returns.
    pub fn set_epoch_deadline(&mut self, ticks_beyond_current: u64) {
        self.as_context_mut()
            .set_epoch_deadline(ticks_beyond_current);
    }

    /// The store's bounds, as [`Store::limits`](crate::Store::limits).
    pub fn limits(&self) -> crate::StoreLimits {
        self.as_context().limits()
    }

    /// Bounds what the store may hold from now on, as
    /// [`Store::set_limits`](crate::Store::set_limits); a memory or table the
    /// wasm below grows is checked against the new bounds.
    pub fn set_limits(&mut self, limits: crate::StoreLimits) {
        self.as_context_mut().set_limits(limits);
    }

    /// How many host values (externrefs) wasm currently keeps alive.
    pub fn live_externrefs(&self) -> usize {
        self.as_context().live_externrefs()
    }

    /// Adds to the store's fuel left, as [`Store::add_fuel`](crate::Store::add_fuel).
    ///
    /// ```
    /// use kiln::{Caller, Config, Engine, Func, Instance, Module, Store};
    /// let mut config = Config::new();
    /// config.consume_fuel(true);
    /// let engine = Engine::new(&config).unwrap();
    /// let module = Module::new(&engine, r#"(module
    ///     (import "host" "refuel" (func $refuel))
    ///     (func (export "run") call $refuel))"#).unwrap();
    /// let mut store = Store::new(&engine, ());
    /// store.set_fuel(100).unwrap();
    /// let refuel = Func::wrap(&mut store, |mut caller: Caller<'_, ()>| caller.add_fuel(50).unwrap());
    /// let instance = Instance::new(&mut store, &module, &[refuel.into()]).unwrap();
    /// let run = instance.get_typed_func::<(), ()>(&mut store, "run").unwrap();
    /// run.call(&mut store, ()).unwrap();
    /// assert_eq!(store.get_fuel().unwrap(), 148);
    /// ```
    pub fn add_fuel(&mut self, fuel: u64) -> Result<()> {
        self.store.opaque.add_fuel(fuel)
    }
}

impl<T> AsContext for Caller<'_, T> {
    type Data = T;
    fn as_inner(&self) -> &StoreInner<T> {
        self.store
    }
}

impl<T> AsContextMut for Caller<'_, T> {
    fn as_inner_mut(&mut self) -> &mut StoreInner<T> {
        self.store
    }
}
