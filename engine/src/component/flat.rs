//! The typed fast path, for generated glue that lowers and lifts values
//! itself: calls of lifted exports with flat core values, and host imports
//! that receive them, with checked access to the component's memory,
//! `realloc` and handle table, and no [`Val`](super::Val) in between.

use super::abi::lift::{ImportCall, LiftCx};
use super::abi::lower::LowerCx;
use super::abi::{strings, Options};
use super::handles::ExportCall;
use super::items::LiftedFunc;
use super::resources::{ResourceAny, ResourceType};
use super::state::InstanceState;
use super::trap::{cannot_enter, misaligned, out_of_bounds, trap};
use super::values::Val;
use crate::environ::error::{Error, Result};
use crate::{AsContext, AsContextMut, StoreContextMut, WasmParams, WasmResults};
use std::sync::Arc;

/// What glue code sees of a component during a flat call: the store, and
/// the memory, `realloc`, string encoding and handle table of the component
/// instance whose values are being lowered or lifted.
///
/// Every accessor checks what the component gave it and fails with the trap
/// the canonical ABI prescribes, as the dynamic path does. See
/// [`FlatFunc`] for an export called this way, and
/// [`LinkerInstance::func_new_flat`](super::LinkerInstance::func_new_flat)
/// for an import.
///
/// ```
/// use kiln::component::{Component, Linker};
/// use kiln::{Engine, Store};
///
/// let engine = Engine::default();
/// let component = Component::new(&engine, r#"
///     (component
///       (core module $m
///         (memory (export "memory") 1)
///         (data (i32.const 32) "\ff\fe")
///         (func (export "bad") (result i32)
///           (i32.store (i32.const 8) (i32.const 32))
///           (i32.store (i32.const 12) (i32.const 2))
///           (i32.const 8)))
///       (core instance $i (instantiate $m))
///       (func (export "bad") (result string)
///         (canon lift (core func $i "bad") (memory (core memory $i "memory")))))
/// "#).unwrap();
/// let mut store = Store::new(&engine, ());
/// let instance = Linker::new(&engine).instantiate(&mut store, &component).unwrap();
/// let bad = instance.get_func(&mut store, "bad").unwrap().typed_flat::<(), u32>(&store).unwrap();
/// let err = bad.call(&mut store, |_| Ok(()), |cx, ret| {
///     let bytes = cx.bytes(ret, 8)?;
///     let ptr = u32::from_le_bytes(bytes[..4].try_into().unwrap());
///     let len = u32::from_le_bytes(bytes[4..].try_into().unwrap());
///     cx.load_string(ptr, len)
/// }).unwrap_err();
/// assert_eq!(err.to_string(), "invalid utf-8 string");
/// ```
pub struct FlatContext<'a, 's, T> {
    pub(super) store: &'a mut StoreContextMut<'s, T>,
    pub(super) opts: &'a Options,
    pub(super) inst: &'a Arc<InstanceState>,
    /// The export call the values are arguments of, which borrows lowered
    /// into the instance are lent to.
    pub(super) scope: Option<&'a ExportCall>,
    /// The import call whose arguments are being lifted from the instance.
    pub(super) call: Option<&'a mut ImportCall>,
}

impl<'s, T> FlatContext<'_, 's, T> {
    fn lower(&mut self) -> LowerCx<'_, 's, T> {
        LowerCx {
            store: &mut *self.store,
            opts: self.opts,
            inst: self.inst,
            scope: self.scope,
        }
    }

    fn lift(&mut self) -> LiftCx<'_> {
        LiftCx {
            mem: self.opts.memory.map(|m| m.data(&*self.store)),
            encoding: self.opts.encoding,
            inst: self.inst,
            call: self.call.as_deref_mut(),
        }
    }

    /// The store.
    pub fn store(&mut self) -> StoreContextMut<'_, T> {
        StoreContextMut(&mut *self.store.0)
    }

    /// The store's host data.
    pub fn data(&self) -> &T {
        self.store.data()
    }

    /// The store's host data, mutably.
    pub fn data_mut(&mut self) -> &mut T {
        self.store.data_mut()
    }

    /// The component's memory (empty if its options name none).
    pub fn memory(&self) -> &[u8] {
        match self.opts.memory {
            Some(m) => m.data(&*self.store),
            None => &[],
        }
    }

    /// The component's memory, mutably.
    pub fn memory_mut(&mut self) -> &mut [u8] {
        match self.opts.memory {
            Some(m) => m.data_mut(&mut *self.store),
            None => &mut [],
        }
    }

    /// `len` bytes of memory at `ptr`; out of bounds is a trap.
    pub fn bytes(&self, ptr: u32, len: u32) -> Result<&[u8]> {
        let end = u64::from(ptr) + u64::from(len);
        self.memory()
            .get(ptr as usize..end as usize)
            .ok_or_else(|| out_of_bounds("value"))
    }

    /// `len` bytes of memory at `ptr`, mutably; out of bounds is a trap.
    pub fn bytes_mut(&mut self, ptr: u32, len: u32) -> Result<&mut [u8]> {
        let end = u64::from(ptr) + u64::from(len);
        self.memory_mut()
            .get_mut(ptr as usize..end as usize)
            .ok_or_else(|| out_of_bounds("value"))
    }

    /// The bytes of a list of `len` elements of `size` bytes aligned to
    /// `align` at `ptr`: misaligned or out of bounds is a trap.
    pub fn list(&self, ptr: u32, len: u32, size: u32, align: u32) -> Result<&[u8]> {
        if !ptr.is_multiple_of(align) {
            return Err(misaligned("list", ptr, align));
        }
        let byte_len = u64::from(len) * u64::from(size);
        let end = u64::from(ptr) + byte_len;
        self.memory()
            .get(ptr as usize..usize::try_from(end).unwrap_or(usize::MAX))
            .ok_or_else(|| out_of_bounds("list"))
    }

    /// Allocates `size` bytes aligned to `align` with the component's
    /// `realloc`; a result misaligned or out of bounds is a trap.
    pub fn realloc(&mut self, align: u32, size: u32) -> Result<u32> {
        self.lower().realloc(align, size)
    }

    /// Reads the string at `ptr` of `len` code units in the component's
    /// encoding (a tagged length for `latin1+utf16`).
    pub fn load_string(&mut self, ptr: u32, len: u32) -> Result<String> {
        let cx = self.lift();
        if cx.mem.is_none() {
            return Err(trap(
                "the canonical option `memory` is required to lift a string",
            ));
        }
        strings::load(&cx, ptr, len)
    }

    /// Stores `s` in memory allocated with `realloc`, in the component's
    /// encoding; returns the pointer and (tagged) length.
    pub fn store_string(&mut self, s: &str) -> Result<(u32, u32)> {
        strings::store(&mut self.lower(), s)
    }

    /// Takes the own handle `index` of resource type `ty` out of the
    /// component's table.
    pub fn lift_own(&mut self, index: u32, ty: &ResourceType) -> Result<ResourceAny> {
        resource(super::abi::lift::lift_flat(
            &mut self.lift(),
            &super::types::Type::Own(ty.clone()),
            &mut super::abi::lift::FlatSrc::new(&[u64::from(index)]),
        )?)
    }

    /// Borrows the handle `index` of resource type `ty` from the component's
    /// table, for the call being made.
    pub fn lift_borrow(&mut self, index: u32, ty: &ResourceType) -> Result<ResourceAny> {
        resource(super::abi::lift::lift_flat(
            &mut self.lift(),
            &super::types::Type::Borrow(ty.clone()),
            &mut super::abi::lift::FlatSrc::new(&[u64::from(index)]),
        )?)
    }

    /// Gives `r` to the component as an own handle of type `ty`; returns
    /// its index.
    pub fn lower_own(&mut self, r: &ResourceAny, ty: &ResourceType) -> Result<u32> {
        self.lower_handle(r, super::types::Type::Own(ty.clone()))
    }

    /// Lends `r` to the component as a borrow of type `ty` for the call;
    /// returns its index (or representation, for the resource's own
    /// instance).
    pub fn lower_borrow(&mut self, r: &ResourceAny, ty: &ResourceType) -> Result<u32> {
        self.lower_handle(r, super::types::Type::Borrow(ty.clone()))
    }

    fn lower_handle(&mut self, r: &ResourceAny, ty: super::types::Type) -> Result<u32> {
        let mut out = Vec::with_capacity(1);
        self.lower()
            .lower_flat(&Val::Resource(r.clone()), &ty, &mut out)?;
        Ok(out[0] as u32)
    }
}

fn resource(v: Val) -> Result<ResourceAny> {
    match v {
        Val::Resource(r) => Ok(r),
        _ => Err(trap("internal error: a handle lifted to a non-resource")),
    }
}

/// The error glue code returns for a value that breaks a canonical ABI rule
/// (an invalid discriminant, say): a trap with `message`, as the dynamic
/// path raises.
///
/// ```
/// let err = kiln::component::abi_trap("invalid enum discriminant 9");
/// assert_eq!(err.kind(), kiln::ErrorKind::Trap);
/// ```
pub fn abi_trap(message: impl Into<String>) -> Error {
    trap(message)
}

/// A lifted export called with flat core values: `P` its core parameters
/// and `R` its core result, as [`Func::typed_flat`](super::Func::typed_flat)
/// checks. Glue code lowers the arguments and lifts the results itself.
///
/// ```
/// use kiln::component::{Component, Linker};
/// use kiln::{Engine, Store};
///
/// let engine = Engine::default();
/// let component = Component::new(&engine, r#"
///     (component
///       (core module $m
///         (memory (export "memory") 1)
///         (global $next (mut i32) (i32.const 64))
///         (func (export "realloc") (param i32 i32 i32 i32) (result i32)
///           (global.get $next)
///           (global.set $next (i32.add (global.get $next) (local.get 3))))
///         ;; The length of a string.
///         (func (export "len") (param i32 i32) (result i32) (local.get 1)))
///       (core instance $i (instantiate $m))
///       (func (export "len") (param "s" string) (result u32)
///         (canon lift (core func $i "len")
///           (memory (core memory $i "memory")) (realloc (core func $i "realloc")))))
/// "#).unwrap();
/// let mut store = Store::new(&engine, ());
/// let instance = Linker::new(&engine).instantiate(&mut store, &component).unwrap();
/// let len = instance.get_func(&mut store, "len").unwrap()
///     .typed_flat::<(u32, u32), u32>(&store).unwrap();
/// let n = len.call(
///     &mut store,
///     |cx| cx.store_string("hello"),
///     |_cx, n| Ok(n),
/// ).unwrap();
/// assert_eq!(n, 5);
/// ```
pub struct FlatFunc<P, R> {
    lifted: Arc<LiftedFunc>,
    core: crate::TypedFunc<P, R>,
    post_return: Option<crate::TypedFunc<R, ()>>,
}

impl<P, R> std::fmt::Debug for FlatFunc<P, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FlatFunc({})", self.lifted.ty)
    }
}

impl<P, R> Clone for FlatFunc<P, R> {
    fn clone(&self) -> Self {
        FlatFunc {
            lifted: self.lifted.clone(),
            core: self.core,
            post_return: self.post_return,
        }
    }
}

impl<P: WasmParams, R: WasmResults + WasmParams + Clone> FlatFunc<P, R> {
    pub(crate) fn new(lifted: Arc<LiftedFunc>, store: impl AsContext) -> Result<FlatFunc<P, R>> {
        let core = lifted.core.typed::<P, R>(&store)?;
        let post_return = lifted
            .opts
            .post_return
            .map(|f| f.typed::<R, ()>(&store))
            .transpose()?;
        Ok(FlatFunc {
            lifted,
            core,
            post_return,
        })
    }

    /// Calls the export: `lower` writes the arguments into the component
    /// and returns the core parameters; the core function runs; `lift`
    /// reads the results from its core result and the component's memory;
    /// then the component's `post-return` runs.
    ///
    /// The component may not be entered if it is running a host import or
    /// trapped before; a trap anywhere leaves it unable to be entered again.
    pub fn call<T: 'static, O>(
        &self,
        mut store: impl AsContextMut<Data = T>,
        lower: impl FnOnce(&mut FlatContext<'_, '_, T>) -> Result<P>,
        lift: impl FnOnce(&mut FlatContext<'_, '_, T>, R) -> Result<O>,
    ) -> Result<O> {
        let mut store = store.as_context_mut();
        let f = &*self.lifted;
        let inst = &f.inst;
        inst.check_store(&store)?;
        if !inst.host_may_enter() {
            return Err(cannot_enter());
        }
        inst.enter(|| self.call_entered(&mut store, lower, lift))
    }

    fn call_entered<T: 'static, O>(
        &self,
        store: &mut StoreContextMut<'_, T>,
        lower: impl FnOnce(&mut FlatContext<'_, '_, T>) -> Result<P>,
        lift: impl FnOnce(&mut FlatContext<'_, '_, T>, R) -> Result<O>,
    ) -> Result<O> {
        let f = &*self.lifted;
        let inst = &f.inst;
        let call = ExportCall::default();
        inst.set_may_leave(false);
        let params = lower(&mut FlatContext {
            store: &mut *store,
            opts: &f.opts,
            inst,
            scope: Some(&call),
            call: None,
        });
        inst.set_may_leave(true);
        let params = inst.poison_on_error(params)?;
        let results = inst.poison_on_error(self.core.call(&mut *store, params))?;
        let out = inst.poison_on_error(lift(
            &mut FlatContext {
                store: &mut *store,
                opts: &f.opts,
                inst,
                scope: None,
                call: None,
            },
            results.clone(),
        ))?;
        if let Some(post_return) = &self.post_return {
            inst.set_may_leave(false);
            let done = post_return.call(&mut *store, results);
            inst.set_may_leave(true);
            inst.poison_on_error(done)?;
        }
        inst.poison_on_error(call.exit())?;
        Ok(out)
    }
}

/// A host function that receives flat core values, typed by the store's
/// data.
pub(crate) struct FlatHostFn<T>(
    #[allow(clippy::type_complexity)]
    pub  Box<dyn Fn(&mut FlatContext<'_, '_, T>, &mut [u128]) -> Result<()> + Send + Sync>,
);

/// Runs a flat host function `f` for a lowered import of instance `inst`:
/// `slots` holds the flat arguments and receives the flat results.
pub(crate) fn call_flat_host<T: 'static>(
    store: &mut StoreContextMut<'_, T>,
    f: &FlatHostFn<T>,
    opts: &Options,
    inst: &Arc<InstanceState>,
    slots: &mut [u128],
) -> Result<()> {
    let mut call = ImportCall::default();
    // The host lifts the arguments and lowers the results in one go; the
    // component's `realloc` may not call imports meanwhile.
    inst.set_may_enter(false);
    inst.set_may_leave(false);
    let done = (f.0)(
        &mut FlatContext {
            store,
            opts,
            inst,
            scope: None,
            call: Some(&mut call),
        },
        slots,
    );
    inst.set_may_leave(true);
    done?;
    inst.set_may_enter(true);
    call.exit(inst);
    Ok(())
}
