//! `Val`: a WebAssembly value as the host sees it.

use super::externref::ExternRef;
use super::func::Func;
use super::store::StoreOpaque;
use crate::environ::error::{Error, Result};
use crate::environ::types::ValType;

/// A WebAssembly value. Floats are kept as their bit patterns so NaN payloads
/// survive a round trip.
///
/// ```
/// use kiln::{Val, ValType};
/// let v = Val::from(1.5f32);
/// assert_eq!(v.ty(), ValType::F32);
/// assert_eq!(v.f32(), Some(1.5));
/// assert_eq!(Val::I32(7).i32(), Some(7));
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Val {
    /// A 32-bit integer.
    I32(i32),
    /// A 64-bit integer.
    I64(i64),
    /// A 32-bit float, as bits.
    F32(u32),
    /// A 64-bit float, as bits.
    F64(u64),
    /// A 128-bit vector.
    V128(u128),
    /// A function reference, or null.
    FuncRef(Option<Func>),
    /// A host value reference, or null.
    ExternRef(Option<ExternRef>),
}

impl Val {
    /// The value's type.
    pub fn ty(&self) -> ValType {
        match self {
            Val::I32(_) => ValType::I32,
            Val::I64(_) => ValType::I64,
            Val::F32(_) => ValType::F32,
            Val::F64(_) => ValType::F64,
            Val::V128(_) => ValType::V128,
            Val::FuncRef(_) => ValType::FuncRef,
            Val::ExternRef(_) => ValType::ExternRef,
        }
    }

    /// The zero (or null) value of a type.
    pub fn default_for(ty: ValType) -> Val {
        match ty {
            ValType::I32 => Val::I32(0),
            ValType::I64 => Val::I64(0),
            ValType::F32 => Val::F32(0),
            ValType::F64 => Val::F64(0),
            ValType::V128 => Val::V128(0),
            ValType::FuncRef => Val::FuncRef(None),
            ValType::ExternRef => Val::ExternRef(None),
        }
    }

    /// The integer, if this is an `i32`.
    pub fn i32(&self) -> Option<i32> {
        match self {
            Val::I32(v) => Some(*v),
            _ => None,
        }
    }
    /// The integer, if this is an `i64`.
    pub fn i64(&self) -> Option<i64> {
        match self {
            Val::I64(v) => Some(*v),
            _ => None,
        }
    }
    /// The float, if this is an `f32`.
    pub fn f32(&self) -> Option<f32> {
        match self {
            Val::F32(v) => Some(f32::from_bits(*v)),
            _ => None,
        }
    }
    /// The float, if this is an `f64`.
    pub fn f64(&self) -> Option<f64> {
        match self {
            Val::F64(v) => Some(f64::from_bits(*v)),
            _ => None,
        }
    }
    /// The vector, if this is a `v128`.
    pub fn v128(&self) -> Option<u128> {
        match self {
            Val::V128(v) => Some(*v),
            _ => None,
        }
    }
    /// The function reference, if this is a `funcref`.
    pub fn funcref(&self) -> Option<Option<Func>> {
        match self {
            Val::FuncRef(f) => Some(*f),
            _ => None,
        }
    }

    /// The host value reference, if this is an `externref`.
    pub fn externref(&self) -> Option<Option<ExternRef>> {
        match self {
            Val::ExternRef(r) => Some(r.clone()),
            _ => None,
        }
    }

    /// A number or vector in the raw slot form of [`Func::call_unchecked`];
    /// `None` for references, whose slots only a store can fill.
    ///
    /// ```
    /// use kiln::{Val, ValType};
    /// assert_eq!(Val::I32(-1).to_slot(), Some(0xffff_ffff));
    /// assert_eq!(Val::from_slot(0xffff_ffff, ValType::I32), Some(Val::I32(-1)));
    /// assert_eq!(Val::FuncRef(None).to_slot(), None);
    /// ```
    pub fn to_slot(&self) -> Option<u128> {
        Some(match self {
            Val::I32(v) => *v as u32 as u128,
            Val::I64(v) => *v as u64 as u128,
            Val::F32(v) => *v as u128,
            Val::F64(v) => *v as u128,
            Val::V128(v) => *v,
            Val::FuncRef(_) | Val::ExternRef(_) => return None,
        })
    }

    /// A number or vector of type `ty` from its raw slot form (see
    /// [`Val::to_slot`]); `None` for reference types.
    pub fn from_slot(raw: u128, ty: ValType) -> Option<Val> {
        Some(match ty {
            ValType::I32 => Val::I32(raw as u32 as i32),
            ValType::I64 => Val::I64(raw as u64 as i64),
            ValType::F32 => Val::F32(raw as u32),
            ValType::F64 => Val::F64(raw as u64),
            ValType::V128 => Val::V128(raw),
            ValType::FuncRef | ValType::ExternRef => return None,
        })
    }

    /// The 16-byte slot representation compiled code reads.
    pub(crate) fn to_raw(&self, store: &mut StoreOpaque) -> Result<u128> {
        if let Some(slot) = self.to_slot() {
            return Ok(slot);
        }
        Ok(match self {
            Val::FuncRef(Some(f)) => {
                store.check(f.0, "function reference")?;
                store.funcs[f.0.index as usize].funcref as usize as u128
            }
            Val::ExternRef(Some(r)) => store.externrefs.insert(r.clone()) as u128,
            // Null references; numbers and vectors returned above.
            _ => 0,
        })
    }

    pub(crate) fn from_raw(store: &mut StoreOpaque, raw: u128, ty: ValType) -> Val {
        if let Some(v) = Val::from_slot(raw, ty) {
            return v;
        }
        match ty {
            ValType::FuncRef => Val::FuncRef(Func::from_funcref_addr(store, raw as u64 as usize)),
            _ => Val::ExternRef(store.externrefs.get(raw as u64 as usize)),
        }
    }

    /// Checks that this value has type `ty` and belongs to `store`.
    /// `what` names the value in the error; it is only formatted on failure,
    /// so calls can pass `format_args!` without allocating.
    pub(crate) fn check_type(
        &self,
        store: &StoreOpaque,
        ty: ValType,
        what: impl std::fmt::Display,
    ) -> Result<()> {
        if self.ty() != ty {
            return Err(Error::usage(format!(
                "{what} has type {}, expected {ty}",
                self.ty()
            )));
        }
        if let Val::FuncRef(Some(f)) = self {
            if f.0.store_id != store.id {
                return Err(Error::usage(format!("{what} belongs to a different store")));
            }
        }
        Ok(())
    }
}

impl From<i32> for Val {
    fn from(v: i32) -> Val {
        Val::I32(v)
    }
}
impl From<i64> for Val {
    fn from(v: i64) -> Val {
        Val::I64(v)
    }
}
impl From<f32> for Val {
    fn from(v: f32) -> Val {
        Val::F32(v.to_bits())
    }
}
impl From<f64> for Val {
    fn from(v: f64) -> Val {
        Val::F64(v.to_bits())
    }
}
impl From<ExternRef> for Val {
    fn from(r: ExternRef) -> Val {
        Val::ExternRef(Some(r))
    }
}
impl From<Func> for Val {
    fn from(f: Func) -> Val {
        Val::FuncRef(Some(f))
    }
}
