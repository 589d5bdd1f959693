//! The core functions that canonical definitions make: `canon lower` of a
//! component function, and the resource built-ins `resource.new`,
//! `resource.rep` and `resource.drop`.

use super::abi::lift::{lift_values, ImportCall, LiftCx};
use super::abi::{from_core, to_core, Options, MAX_FLAT_PARAMS, MAX_FLAT_RESULTS};
use super::flat::{call_flat_host, FlatHostFn};
use super::func::call_func_item;
use super::handles::HandleElem;
use super::items::FuncItem;
use super::resources::{run_host_dtor, ResourceKind, ResourceType};
use super::state::{self, InstanceState};
use super::trap::{cannot_enter, cannot_leave};
use super::types::ComponentFunc;
use super::values::Val;
use crate::environ::error::Result;
use crate::{AsContextMut, Caller, FuncType, StoreContextMut, ValType};
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// The core signature `canon lower` gives a function of type `ty`.
pub(crate) fn lowered_type(ty: &ComponentFunc) -> FuncType {
    let mut params: Vec<ValType> = if ty.flat_params().len() > MAX_FLAT_PARAMS {
        vec![ValType::I32]
    } else {
        ty.flat_params().iter().map(|t| t.core()).collect()
    };
    let results: Vec<ValType> = if ty.flat_results().len() > MAX_FLAT_RESULTS {
        params.push(ValType::I32);
        Vec::new()
    } else {
        ty.flat_results().iter().map(|t| t.core()).collect()
    };
    FuncType::new(params, results)
}

/// `canon lower`: a core function that lifts its arguments from the
/// calling instance `inst`, calls `target`, and lowers the results back.
pub(crate) fn lower<T: 'static>(
    store: &mut StoreContextMut<'_, T>,
    target: FuncItem,
    ty: ComponentFunc,
    opts: Options,
    inst: Arc<InstanceState>,
) -> crate::Func {
    let core_ty = lowered_type(&ty);
    if let FuncItem::Host(h) = &target {
        if h.flat {
            if let Ok(f) = h.func.clone().downcast::<FlatHostFn<T>>() {
                let (opts, inst) = (opts.clone(), inst.clone());
                let numeric = crate::Func::new_numeric(
                    &mut *store,
                    core_ty.clone(),
                    move |mut caller: Caller<'_, T>, slots: &mut [u128]| {
                        if !inst.may_leave() {
                            return Err(cannot_leave());
                        }
                        let mut store = caller.as_context_mut();
                        call_flat_host(&mut store, &f, &opts, &inst, slots)
                    },
                );
                // A lowered signature has numbers only.
                if let Ok(func) = numeric {
                    return func;
                }
            }
        }
    }
    crate::Func::new(
        &mut *store,
        core_ty,
        move |mut caller: Caller<'_, T>, args: &[crate::Val], results: &mut [crate::Val]| {
            let mut store = caller.as_context_mut();
            call_lowered(&mut store, &target, &ty, &opts, &inst, args, results)
        },
    )
}

fn call_lowered<T: 'static>(
    store: &mut StoreContextMut<'_, T>,
    target: &FuncItem,
    ty: &ComponentFunc,
    opts: &Options,
    inst: &Arc<InstanceState>,
    args: &[crate::Val],
    results: &mut [crate::Val],
) -> Result<()> {
    if !inst.may_leave() {
        return Err(cannot_leave());
    }
    let flat: Vec<u64> = args.iter().map(from_core).collect();
    let mut call = ImportCall::default();
    let params = {
        let mem = opts.memory.map(|m| m.data(&*store));
        let mut cx = LiftCx {
            mem,
            encoding: opts.encoding,
            inst,
            call: Some(&mut call),
        };
        lift_values(
            &mut cx,
            MAX_FLAT_PARAMS,
            &flat,
            &ty.0.params_tuple,
            "arguments",
        )?
    };
    let calls_host = matches!(target, FuncItem::Host(_));
    if calls_host {
        inst.set_may_enter(false);
    }
    let mut vals: Vec<Val> = ty.results().map(Val::default_for).collect();
    call_func_item(store, target, &params, &mut vals)?;
    if calls_host {
        inst.set_may_enter(true);
    }
    let out_ptr = if ty.flat_results().len() > MAX_FLAT_RESULTS {
        args.last().map(|a| from_core(a) as u32)
    } else {
        None
    };
    inst.set_may_leave(false);
    let flat = super::abi::lower::LowerCx {
        store: &mut *store,
        opts,
        inst,
        scope: None,
    }
    .lower_values(MAX_FLAT_RESULTS, &vals, &ty.0.results_tuple, out_ptr);
    inst.set_may_leave(true);
    let flat = flat?;
    for (r, (bits, t)) in results.iter_mut().zip(flat.iter().zip(ty.flat_results())) {
        *r = to_core(*bits, *t);
    }
    call.exit(inst);
    Ok(())
}

fn arg(args: &[crate::Val]) -> u32 {
    args.first().and_then(|a| a.i32()).unwrap_or(0) as u32
}

/// `canon resource.new`: a new own handle in `inst` to the representation
/// given.
pub(crate) fn resource_new<T: 'static>(
    store: &mut StoreContextMut<'_, T>,
    rt: ResourceType,
    inst: Arc<InstanceState>,
) -> crate::Func {
    let ty = FuncType::new([ValType::I32], [ValType::I32]);
    crate::Func::new(
        &mut *store,
        ty,
        move |_caller: Caller<'_, T>, args, results| {
            let index = inst.handles().add(HandleElem {
                ty: rt.key(),
                rep: arg(args),
                own: true,
                scope: None,
                lend_count: 0,
            })?;
            results[0] = crate::Val::I32(index as i32);
            Ok(())
        },
    )
}

/// `canon resource.rep`: the representation behind a handle of `inst`.
pub(crate) fn resource_rep<T: 'static>(
    store: &mut StoreContextMut<'_, T>,
    rt: ResourceType,
    inst: Arc<InstanceState>,
) -> crate::Func {
    let ty = FuncType::new([ValType::I32], [ValType::I32]);
    crate::Func::new(
        &mut *store,
        ty,
        move |_caller: Caller<'_, T>, args, results| {
            let rep = inst.handles().get(arg(args), &rt)?.rep;
            results[0] = crate::Val::I32(rep as i32);
            Ok(())
        },
    )
}

/// `canon resource.drop`: removes a handle from `inst`; dropping an own
/// runs the resource's destructor, dropping a borrow ends it.
pub(crate) fn resource_drop<T: 'static>(
    store: &mut StoreContextMut<'_, T>,
    rt: ResourceType,
    inst: Arc<InstanceState>,
) -> crate::Func {
    let ty = FuncType::new([ValType::I32], []);
    crate::Func::new(
        &mut *store,
        ty,
        move |mut caller: Caller<'_, T>, args, _results| {
            let elem = inst.handles().remove(arg(args), &rt, false)?;
            if !elem.own {
                if let Some(scope) = elem.scope {
                    scope.fetch_sub(1, Ordering::Relaxed);
                }
                return Ok(());
            }
            match &rt.0.kind {
                ResourceKind::Guest { instance, dtor } => {
                    if !state::same(instance, &inst) && !instance.may_enter() {
                        return Err(cannot_enter());
                    }
                    if let Some(dtor) = dtor {
                        let rep = crate::Val::I32(elem.rep as i32);
                        dtor.call(&mut caller, &[rep], &mut [])?;
                    }
                    Ok(())
                }
                _ => match inst.host_dtors.get(&rt) {
                    Some(dtor) => run_host_dtor(caller.as_context_mut(), dtor, elem.rep),
                    None => Ok(()),
                },
            }
        },
    )
}
