//! A flat call of a lifted export made in steps, for glue code that cannot
//! hand the engine closures (C glue, over the C API): lower the arguments,
//! call the core function with slots whose signature is known only at run
//! time, lift the results, finish.

use super::flat::FlatContext;
use super::handles::ExportCall;
use super::items::LiftedFunc;
use super::trap::cannot_enter;
use crate::environ::error::{Error, Result};
use crate::{AsContextMut, StoreContextMut};
use std::sync::Arc;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Stage {
    /// The arguments are being lowered into the component.
    Lowering,
    /// The core function returned; its results are being lifted.
    Lifting,
    /// `post-return` ran and the call's borrows were checked.
    Done,
}

/// A call of a lifted export in progress, made step by step with flat core
/// values: [`FlatCall::context`] lowers the arguments, [`FlatCall::call`]
/// runs the core function over raw slots, [`FlatCall::context`] again lifts
/// the results, and [`FlatCall::finish`] runs the component's
/// `post-return`. It is [`FlatFunc`](super::FlatFunc) for callers that
/// learn the core signature only at run time and cannot pass closures.
///
/// The component counts as entered from [`Func::flat_call`](super::Func::flat_call)
/// until the call is finished or dropped. Dropping it unfinished abandons
/// it: the component instance can then never be entered again, as after a
/// trap, since the values lowered so far (borrowed handles among them)
/// would never be accounted for.
///
/// ```
/// use kiln::component::{Component, Linker};
/// use kiln::{AsContextMut, Engine, Store};
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
///         (func (export "len") (param i32 i32) (result i32) (local.get 1)))
///       (core instance $i (instantiate $m))
///       (func (export "len") (param "s" string) (result u32)
///         (canon lift (core func $i "len")
///           (memory (core memory $i "memory")) (realloc (core func $i "realloc")))))
/// "#).unwrap();
/// let mut store = Store::new(&engine, ());
/// let instance = Linker::new(&engine).instantiate(&mut store, &component).unwrap();
/// let len = instance.get_func(&mut store, "len").unwrap();
///
/// let mut call = len.flat_call(&mut store).unwrap();
/// let mut cx = store.as_context_mut();
/// let (ptr, n) = call.context(&mut cx).unwrap().store_string("hello").unwrap();
/// let mut slots = [u128::from(ptr), u128::from(n)];
/// call.call(&mut store, &mut slots).unwrap();
/// assert_eq!(slots[0] as u32, 5);
/// call.finish(&mut store).unwrap();
/// ```
pub struct FlatCall {
    lifted: Arc<LiftedFunc>,
    call: ExportCall,
    stage: Stage,
    params: usize,
    results: usize,
    /// The core results, which `post-return` receives (a lifted core
    /// function returns at most one value).
    returned: [u128; 1],
}

impl std::fmt::Debug for FlatCall {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FlatCall({}, {:?})", self.lifted.ty, self.stage)
    }
}

impl FlatCall {
    pub(crate) fn begin<T>(
        lifted: Arc<LiftedFunc>,
        store: &mut StoreContextMut<'_, T>,
    ) -> Result<FlatCall> {
        let inst = &lifted.inst;
        inst.check_store(&*store)?;
        if !inst.host_may_enter() {
            return Err(cannot_enter());
        }
        let ty = lifted.core.ty(&*store);
        let (params, results) = (ty.params().len(), ty.results().len());
        if results > 1 {
            return Err(Error::msg(format!(
                "internal error: a lifted core function returns {results} values"
            )));
        }
        inst.begin_call();
        // Lowering may call the component's `realloc`, which may not call
        // imports.
        inst.set_may_leave(false);
        Ok(FlatCall {
            lifted,
            call: ExportCall::default(),
            stage: Stage::Lowering,
            params,
            results,
            returned: [0],
        })
    }

    /// How many parameters the core function takes.
    pub fn core_params(&self) -> usize {
        self.params
    }

    /// How many results the core function returns (0 or 1).
    pub fn core_results(&self) -> usize {
        self.results
    }

    /// The component as glue sees it: before [`FlatCall::call`], for
    /// lowering the arguments (borrows lowered are lent to this call);
    /// after it, for lifting the results.
    pub fn context<'a, 's, T>(
        &'a mut self,
        store: &'a mut StoreContextMut<'s, T>,
    ) -> Result<FlatContext<'a, 's, T>> {
        self.lifted.inst.check_store(&*store)?;
        let scope = (self.stage == Stage::Lowering).then_some(&self.call);
        Ok(FlatContext {
            store,
            opts: &self.lifted.opts,
            inst: &self.lifted.inst,
            scope,
            call: None,
        })
    }

    /// Runs the core function with its parameters in `slots` (each in the
    /// low bits, as [`crate::Func::call_unchecked`] takes them), leaving its
    /// result in the first slot. `slots` must have room for every
    /// parameter and the result. A trap poisons the component instance.
    pub fn call(&mut self, mut store: impl AsContextMut, slots: &mut [u128]) -> Result<()> {
        let mut store = store.as_context_mut();
        let inst = &self.lifted.inst;
        inst.check_store(&store)?;
        if self.stage != Stage::Lowering {
            return Err(Error::usage(
                "the core function of this flat call has already been called",
            ));
        }
        let needed = self.params.max(self.results);
        if slots.len() < needed {
            return Err(Error::usage(format!(
                "the core function takes {} parameters and returns {} results: \
                 {needed} slots are needed, {} were given",
                self.params,
                self.results,
                slots.len()
            )));
        }
        self.stage = Stage::Lifting;
        inst.set_may_leave(true);
        // SAFETY: `slots` has room for every parameter and result (checked
        // above), and a lifted core function's parameters and results are
        // all numbers, as validation of the `canon lift` ensured; a slot
        // holds any number in its low bits.
        let done = unsafe { self.lifted.core.call_unchecked(&mut store, slots) };
        inst.poison_on_error(done)?;
        self.returned[..self.results].copy_from_slice(&slots[..self.results]);
        Ok(())
    }

    /// Ends the call: runs the component's `post-return` with the core
    /// results, and checks that every borrow lent to the call was dropped.
    pub fn finish(mut self, mut store: impl AsContextMut) -> Result<()> {
        let mut store = store.as_context_mut();
        let inst = self.lifted.inst.clone();
        inst.check_store(&store)?;
        if self.stage != Stage::Lifting {
            return Err(Error::usage(
                "a flat call was finished before its core function was called",
            ));
        }
        if let Some(post_return) = self.lifted.opts.post_return {
            inst.set_may_leave(false);
            let mut slots = self.returned;
            // SAFETY: `post-return` takes the core function's results, which
            // `slots` holds, and returns nothing (validation checked both).
            let done = unsafe { post_return.call_unchecked(&mut store, &mut slots) };
            inst.set_may_leave(true);
            inst.poison_on_error(done)?;
        }
        inst.poison_on_error(self.call.exit())?;
        self.stage = Stage::Done;
        Ok(())
    }
}

impl Drop for FlatCall {
    fn drop(&mut self) {
        let inst = &self.lifted.inst;
        if self.stage != Stage::Done {
            inst.poison();
        }
        inst.set_may_leave(true);
        inst.end_call();
    }
}
