//! `Func`: a component function, and the dynamic call path into it.

use super::abi::lift::{lift_values, LiftCx};
use super::abi::lower::LowerCx;
use super::abi::{from_core, to_core, MAX_FLAT_PARAMS, MAX_FLAT_RESULTS};
use super::flat::FlatFunc;
use super::flat_call::FlatCall;
use super::handles::ExportCall;
use super::items::{FuncItem, HostFuncItem, LiftedFunc};
use super::linker::HostFn;
use super::trap::cannot_enter;
use super::types::{ComponentFunc, Type};
use super::values::Val;
use crate::environ::error::{Error, Result};
use crate::{AsContext, AsContextMut, StoreContextMut};

/// A function exported by a component instance.
///
/// ```
/// use kiln::component::{Component, Linker, Val};
/// use kiln::{Engine, Store};
///
/// let engine = Engine::default();
/// let component = Component::new(&engine, r#"
///     (component
///       (core module $m
///         (func (export "add") (param i32 i32) (result i32)
///           (i32.add (local.get 0) (local.get 1))))
///       (core instance $i (instantiate $m))
///       (func (export "add") (param "a" u32) (param "b" u32) (result u32)
///         (canon lift (core func $i "add"))))
/// "#).unwrap();
/// let mut store = Store::new(&engine, ());
/// let instance = Linker::new(&engine).instantiate(&mut store, &component).unwrap();
/// let add = instance.get_func(&mut store, "add").unwrap();
/// let mut result = [Val::U32(0)];
/// add.call(&mut store, &[Val::U32(40), Val::U32(2)], &mut result).unwrap();
/// assert_eq!(result[0], Val::U32(42));
/// ```
#[derive(Clone)]
pub struct Func {
    pub(crate) item: FuncItem,
    pub(crate) store_id: u64,
}

impl std::fmt::Debug for Func {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Func({})", self.item.ty())
    }
}

impl Func {
    fn check_store(&self, store: &impl AsContext) -> Result<()> {
        if store.as_inner().opaque.id == self.store_id {
            Ok(())
        } else {
            Err(crate::api::store::foreign_store("component function"))
        }
    }

    fn assert_store(&self, store: &impl AsContext) {
        assert!(
            store.as_inner().opaque.id == self.store_id,
            "component function used with a store it does not belong to"
        );
    }

    /// The function's type.
    pub fn ty(&self, store: impl AsContext) -> ComponentFunc {
        self.assert_store(&store);
        self.item.ty().clone()
    }

    /// The parameters' names and types.
    pub fn params(&self, store: impl AsContext) -> Box<[(String, Type)]> {
        self.assert_store(&store);
        self.item.ty().0.params.clone()
    }

    /// The result types (none or one).
    pub fn results(&self, store: impl AsContext) -> Box<[Type]> {
        self.assert_store(&store);
        self.item.ty().0.results.clone()
    }

    /// This function for the typed fast path of generated glue: called with
    /// core parameters `P` and core result `R`, which must be those of the
    /// core function the component lifted (see [`FlatFunc`]). A host
    /// function re-exported by a component has no such core function.
    pub fn typed_flat<P, R>(&self, store: impl AsContext) -> Result<FlatFunc<P, R>>
    where
        P: crate::WasmParams,
        R: crate::WasmResults + crate::WasmParams + Clone,
    {
        self.check_store(&store)?;
        match &self.item {
            FuncItem::Lifted(f) => FlatFunc::new(f.clone(), &store),
            FuncItem::Host(_) => Err(Error::usage(
                "a host function re-exported by a component has no flat form",
            )),
        }
    }

    /// Begins a call of this function with flat core values, made in steps
    /// (see [`FlatCall`]): for glue that learns the core signature only at
    /// run time, such as C glue over the C API. A host function
    /// re-exported by a component has no flat form.
    pub fn flat_call(&self, mut store: impl AsContextMut) -> Result<FlatCall> {
        self.check_store(&store)?;
        match &self.item {
            FuncItem::Lifted(f) => FlatCall::begin(f.clone(), &mut store.as_context_mut()),
            FuncItem::Host(_) => Err(Error::usage(
                "a host function re-exported by a component has no flat form",
            )),
        }
    }

    /// Calls the function with `params`, writing its results to `results`
    /// (which must have room for exactly as many as the function returns).
    /// The values are lowered into the component and its results lifted
    /// back, after which its `post-return` function, if any, runs.
    ///
    /// A value of the wrong type is an error of kind
    /// [`ErrorKind::Usage`](crate::ErrorKind::Usage); a trap, including one
    /// for a canonical ABI rule the component broke, is one of kind
    /// [`ErrorKind::Trap`](crate::ErrorKind::Trap), and leaves the component
    /// instance unable to be entered again.
    pub fn call<T: 'static>(
        &self,
        mut store: impl AsContextMut<Data = T>,
        params: &[Val],
        results: &mut [Val],
    ) -> Result<()> {
        self.check_store(&store)?;
        let mut store = store.as_context_mut();
        let ty = self.item.ty();
        if params.len() != ty.0.params.len() {
            return Err(Error::usage(format!(
                "function expects {} arguments, got {}",
                ty.0.params.len(),
                params.len()
            )));
        }
        for (p, (name, t)) in params.iter().zip(ty.0.params.iter()) {
            p.typecheck(t, &format_args!("parameter `{name}`"))?;
        }
        if let FuncItem::Lifted(f) = &self.item {
            if !f.inst.host_may_enter() {
                return Err(cannot_enter());
            }
        }
        call_func_item(&mut store, &self.item, params, results)
    }
}

/// Calls a component function with values: the one dynamic call path, for
/// the host and for calls between components.
pub(crate) fn call_func_item<T: 'static>(
    store: &mut StoreContextMut<'_, T>,
    item: &FuncItem,
    params: &[Val],
    results: &mut [Val],
) -> Result<()> {
    let ty = item.ty();
    if results.len() != ty.0.results.len() {
        return Err(Error::usage(format!(
            "function returns {} results, but the results slice has room for {}",
            ty.0.results.len(),
            results.len()
        )));
    }
    match item {
        FuncItem::Lifted(f) => call_lifted(store, f, params, results),
        FuncItem::Host(h) => call_host(store, h, params, results),
    }
}

fn call_host<T: 'static>(
    store: &mut StoreContextMut<'_, T>,
    h: &HostFuncItem,
    params: &[Val],
    results: &mut [Val],
) -> Result<()> {
    if h.flat {
        return Err(Error::usage(format!(
            "host function `{}` takes flat values, so only a component can call it",
            h.name
        )));
    }
    let func = h.func.downcast_ref::<HostFn<T>>().ok_or_else(|| {
        Error::usage("the host function was defined for a store of another data type")
    })?;
    (func.0)(store.as_context_mut(), params, results)?;
    for (i, (v, t)) in results.iter().zip(h.ty.results()).enumerate() {
        v.typecheck(t, &format_args!("result {i} of host function `{}`", h.name))?;
    }
    Ok(())
}

/// `canon lift`'s side of a call: lowers `params` into the instance, calls
/// the core function, lifts its results and runs `post-return`.
fn call_lifted<T: 'static>(
    store: &mut StoreContextMut<'_, T>,
    f: &LiftedFunc,
    params: &[Val],
    results: &mut [Val],
) -> Result<()> {
    let inst = &f.inst;
    inst.check_store(&*store)?;
    if !inst.may_enter() {
        return Err(cannot_enter());
    }
    inst.enter(|| call_lifted_entered(store, f, params, results))
}

fn call_lifted_entered<T: 'static>(
    store: &mut StoreContextMut<'_, T>,
    f: &LiftedFunc,
    params: &[Val],
    results: &mut [Val],
) -> Result<()> {
    let inst = &f.inst;
    let call = ExportCall::default();
    inst.set_may_leave(false);
    let flat = LowerCx {
        store: &mut *store,
        opts: &f.opts,
        inst,
        scope: Some(&call),
    }
    .lower_values(MAX_FLAT_PARAMS, params, &f.ty.0.params_tuple, None);
    inst.set_may_leave(true);
    let flat = inst.poison_on_error(flat)?;
    let core_params: Vec<crate::Val> = if f.ty.flat_params().len() > MAX_FLAT_PARAMS {
        flat.iter()
            .map(|b| crate::Val::I32(*b as u32 as i32))
            .collect()
    } else {
        flat.iter()
            .zip(f.ty.flat_params())
            .map(|(b, t)| to_core(*b, *t))
            .collect()
    };
    let core_ty = f.core.ty(&*store);
    let mut core_results: Vec<crate::Val> = core_ty
        .results()
        .iter()
        .map(|t| crate::Val::default_for(*t))
        .collect();
    inst.poison_on_error(f.core.call(&mut *store, &core_params, &mut core_results))?;
    let flat_results: Vec<u64> = core_results.iter().map(from_core).collect();
    let vals = {
        let mem = f.opts.memory.map(|m| m.data(&*store));
        let mut cx = LiftCx {
            mem,
            encoding: f.opts.encoding,
            inst,
            call: None,
        };
        lift_values(
            &mut cx,
            MAX_FLAT_RESULTS,
            &flat_results,
            &f.ty.0.results_tuple,
            "return",
        )
    };
    let vals = inst.poison_on_error(vals)?;
    if let Some(post_return) = f.opts.post_return {
        inst.set_may_leave(false);
        let done = post_return.call(&mut *store, &core_results, &mut []);
        inst.set_may_leave(true);
        inst.poison_on_error(done)?;
    }
    inst.poison_on_error(call.exit())?;
    results.clone_from_slice(&vals);
    Ok(())
}
