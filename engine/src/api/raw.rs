//! `RawFunc`: a wasm function of numbers prepared once for calls through raw
//! slots, so that each call costs little more than entering wasm.

use super::func::{enter_prepared, Func, PreparedEntry};
use super::store::{AsContext, AsContextMut};
use crate::environ::error::Result;
use crate::environ::types::{FuncType, ValType};

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
    /// the function belongs to another store, is defined by the host, or its
    /// type does not [fit](RawFunc::fits) raw calls.
    pub fn to_raw(&self, store: impl AsContext) -> Result<RawFunc> {
        let store = &store.as_inner().opaque;
        store.check(self.0, "function")?;
        let data = &store.funcs[self.0.index as usize];
        if !RawFunc::fits(&data.ty) {
            return Err(crate::environ::error::Error::usage(format!(
                "a raw call needs a function of numbers and vectors, at most {} each way, \
                 not {}",
                RawFunc::MAX_VALUES,
                data.ty
            )));
        }
        let entry = data.prepare(&store.engine)?;
        Ok(RawFunc {
            store_id: store.id,
            entry,
        })
    }
}

impl RawFunc {
    /// The most parameters, and the most results, a raw call passes: as
    /// many as every call path keeps in slots on the stack. A binding that
    /// lends its own buffer as the slots makes it this many slots long.
    pub const MAX_VALUES: usize = 16;

    /// Whether functions of type `ty` can be called through raw slots: every
    /// parameter and result is a number or a vector, and there are at most
    /// [`RawFunc::MAX_VALUES`] of each. The engine decides this, so that
    /// every binding takes its fast path for the same functions.
    ///
    /// ```
    /// use kiln::{FuncType, RawFunc, ValType};
    /// assert!(RawFunc::fits(&FuncType::new([ValType::I32; 16], [ValType::F64])));
    /// assert!(!RawFunc::fits(&FuncType::new([ValType::I32; 17], [])));
    /// assert!(!RawFunc::fits(&FuncType::new([ValType::ExternRef], [])));
    /// ```
    pub fn fits(ty: &FuncType) -> bool {
        ty.params().len() <= Self::MAX_VALUES
            && ty.results().len() <= Self::MAX_VALUES
            && ty.params().iter().chain(ty.results()).all(|t| !t.is_ref())
    }

    /// The value of type `ty` in the raw slot at `slot`, read with a load of
    /// the type's width (4 bytes for `i32` and `f32`, 8 for `i64`, `f64` and
    /// references, 16 for `v128`); the bytes above it read as zero. A slot
    /// another language wrote with a store of that width is then read back
    /// without waiting for the store to reach the cache, and bytes beyond
    /// the value are never touched.
    ///
    /// ```
    /// use kiln::{RawFunc, ValType};
    /// let slot = u128::MAX;
    /// // SAFETY: `slot` is a live, aligned slot.
    /// assert_eq!(unsafe { RawFunc::read_slot(&slot, ValType::I32) }, 0xffff_ffff);
    /// ```
    ///
    /// # Safety
    /// `slot` must be valid for reads of the type's width and aligned to it.
    #[inline]
    pub unsafe fn read_slot(slot: *const u128, ty: ValType) -> u128 {
        // SAFETY: the caller's guarantee covers a read of this width.
        unsafe {
            match ty {
                ValType::I32 | ValType::F32 => (slot as *const u32).read() as u128,
                ValType::V128 => slot.read(),
                _ => (slot as *const u64).read() as u128,
            }
        }
    }

    /// Writes `value`, of type `ty`, into the raw slot at `slot` with a
    /// store of the type's width (see [`RawFunc::read_slot`]): the bytes
    /// above the value are left as they were, and compiled code never reads
    /// them.
    ///
    /// # Safety
    /// `slot` must be valid for writes of the type's width and aligned to it.
    #[inline]
    pub unsafe fn write_slot(slot: *mut u128, ty: ValType, value: u128) {
        // SAFETY: the caller's guarantee covers a write of this width.
        unsafe {
            match ty {
                ValType::I32 | ValType::F32 => (slot as *mut u32).write(value as u32),
                ValType::V128 => slot.write(value),
                _ => (slot as *mut u64).write(value as u64),
            }
        }
    }

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
