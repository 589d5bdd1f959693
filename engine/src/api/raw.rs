//! `RawFunc`: a wasm function of numbers prepared once for calls through raw
//! slots, so that each call costs little more than entering wasm.

use super::func::{enter_prepared, Func, PreparedEntry};
use super::store::{AsContext, AsContextMut};
use crate::environ::error::Result;

/// A wasm function whose parameters and results are all numbers or vectors,
/// with everything a call needs looked up in advance: the trampoline, the
/// instance and the code. [`RawFunc::call`] then only checks the store and
/// enters wasm. It is for bindings that call the same function many times
/// and already hold its arguments in Kiln's raw slot form (see
/// [`Func::call_unchecked`]).
///
/// ```
/// use kiln::{Engine, Instance, Module, Store};
/// let engine = Engine::default();
/// let module = Module::new(&engine, r#"(module (func (export "add") (param i32 i32) (result i32)
///     (i32.add (local.get 0) (local.get 1))))"#).unwrap();
/// let mut store = Store::new(&engine, ());
/// let instance = Instance::new(&mut store, &module, &[]).unwrap();
/// let add = instance.get_func(&mut store, "add").unwrap().to_raw(&store).unwrap();
/// let mut slots = [2u128, 40];
/// // SAFETY: two i32 parameters, one i32 result, in 16-byte aligned slots.
/// unsafe { add.call(&mut store, slots.as_mut_ptr()) }.unwrap();
/// assert_eq!(slots[0] as u32, 42);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct RawFunc {
    store_id: u64,
    entry: PreparedEntry,
}

// SAFETY: the pointers in `entry` are only dereferenced by `call`, which
// requires the store they belong to (checked by its id), so a `RawFunc` is
// as safe to move between threads as the `Func` it was made from.
unsafe impl Send for RawFunc {}
// SAFETY: as above; a `RawFunc` is immutable.
unsafe impl Sync for RawFunc {}

impl Func {
    /// Prepares this function for raw calls (see [`RawFunc`]). It fails if
    /// the function belongs to another store, is defined by the host, or has
    /// a reference among its parameters or results.
    pub fn to_raw(&self, store: impl AsContext) -> Result<RawFunc> {
        let store = &store.as_inner().opaque;
        store.check(self.0, "function")?;
        let entry = store.funcs[self.0.index as usize].prepare(&store.engine)?;
        Ok(RawFunc {
            store_id: store.id,
            entry,
        })
    }
}

impl RawFunc {
    /// Calls the function with its parameters in the slots at `slots`, each
    /// in the raw form compiled code reads (an `i32` or `f32` in the low 32
    /// bits, an `i64` or `f64` in the low 64, a `v128` in all 128), and
    /// leaves its results there. A trap comes back as an error of kind
    /// [`ErrorKind::Trap`](crate::ErrorKind::Trap), as from
    /// [`Func::call`]; so does using a store other than the function's.
    ///
    /// # Safety
    /// `slots` must point at 16-byte aligned memory with a 16-byte slot for
    /// every parameter and every result, valid for reads and writes for the
    /// whole call, and each parameter's slot must hold a value of its type.
    pub unsafe fn call(&self, mut store: impl AsContextMut, slots: *mut u128) -> Result<()> {
        let opaque = &mut store.as_inner_mut().opaque;
        if opaque.id != self.store_id {
            return Err(super::store::foreign_store("function"));
        }
        // SAFETY: the store is the function's, borrowed for the call; the
        // caller vouches for the slots.
        unsafe { enter_prepared(opaque, &self.entry, slots) }
    }
}
