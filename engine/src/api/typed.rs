//! Statically typed calls: `TypedFunc` for calling wasm, `IntoFunc` for
//! turning Rust closures into host functions.

use super::func::{call_raw, with_slots, Caller, Func, HostFunc};
use super::store::{AsContextMut, StoreInner, StoreOpaque};
use super::values::Val;
use crate::environ::error::Result;
use crate::environ::types::{FuncType, ValType};
use std::marker::PhantomData;

/// A Rust type that is also a WebAssembly value type.
pub trait WasmTy: Clone + Send + 'static {
    /// The wasm type.
    fn valtype() -> ValType;
    /// Converts to a dynamic value.
    fn into_val(self) -> Val;
    /// Converts from a dynamic value already checked to have [`WasmTy::valtype`].
    fn from_val(val: Val) -> Self;
    /// The value in the raw slot form compiled code reads; a reference must
    /// belong to `store`.
    #[doc(hidden)]
    fn into_raw(self, store: &mut StoreOpaque) -> Result<u128>;
    /// The value of a raw slot that compiled code of `store` wrote.
    #[doc(hidden)]
    fn from_raw(raw: u128, store: &mut StoreOpaque) -> Self;
}

macro_rules! wasm_number {
    ($t:ty, $vt:ident, $to:expr, $from:pat => $out:expr, |$r:ident| $raw_in:expr, |$s:ident| $raw_out:expr) => {
        impl WasmTy for $t {
            fn valtype() -> ValType {
                ValType::$vt
            }
            #[allow(clippy::redundant_closure_call)]
            fn into_val(self) -> Val {
                ($to)(self)
            }
            fn from_val(val: Val) -> Self {
                match val {
                    $from => $out,
                    _ => unreachable!("type checked before conversion"),
                }
            }
            #[inline]
            fn into_raw(self, _store: &mut StoreOpaque) -> Result<u128> {
                let $s = self;
                Ok($raw_out)
            }
            #[inline]
            fn from_raw($r: u128, _store: &mut StoreOpaque) -> Self {
                $raw_in
            }
        }
    };
}

// The raw forms are those of `Val::to_slot`: numbers in the low bits.
wasm_number!(i32, I32, Val::I32, Val::I32(v) => v, |r| r as u32 as i32, |v| v as u32 as u128);
wasm_number!(u32, I32, |v: u32| Val::I32(v as i32), Val::I32(v) => v as u32, |r| r as u32, |v| v as u128);
wasm_number!(i64, I64, Val::I64, Val::I64(v) => v, |r| r as u64 as i64, |v| v as u64 as u128);
wasm_number!(u64, I64, |v: u64| Val::I64(v as i64), Val::I64(v) => v as u64, |r| r as u64, |v| v as u128);
wasm_number!(f32, F32, |v: f32| Val::F32(v.to_bits()), Val::F32(v) => f32::from_bits(v),
    |r| f32::from_bits(r as u32), |v| v.to_bits() as u128);
wasm_number!(f64, F64, |v: f64| Val::F64(v.to_bits()), Val::F64(v) => f64::from_bits(v),
    |r| f64::from_bits(r as u64), |v| v.to_bits() as u128);
wasm_number!(u128, V128, Val::V128, Val::V128(v) => v, |r| r, |v| v);

macro_rules! wasm_reference {
    ($t:ty, $vt:ident, $variant:ident) => {
        impl WasmTy for $t {
            fn valtype() -> ValType {
                ValType::$vt
            }
            fn into_val(self) -> Val {
                Val::$variant(self)
            }
            fn from_val(val: Val) -> Self {
                match val {
                    Val::$variant(r) => r,
                    _ => unreachable!("type checked before conversion"),
                }
            }
            fn into_raw(self, store: &mut StoreOpaque) -> Result<u128> {
                Val::$variant(self).to_raw(store)
            }
            fn from_raw(raw: u128, store: &mut StoreOpaque) -> Self {
                Self::from_val(Val::from_raw(store, raw, ValType::$vt))
            }
        }
    };
}

wasm_reference!(Option<Func>, FuncRef, FuncRef);
wasm_reference!(Option<super::externref::ExternRef>, ExternRef, ExternRef);

/// Parameters of a typed call: `()`, a single [`WasmTy`], or a tuple of them.
pub trait WasmParams: Send {
    /// How many parameters.
    #[doc(hidden)]
    const COUNT: usize;
    /// The wasm types.
    fn valtypes() -> Vec<ValType>;
    /// Converts to dynamic values.
    fn into_vals(self) -> Vec<Val>;
    /// Writes parameter `i` into `slots[i]`, in raw form.
    #[doc(hidden)]
    fn store_raw(self, store: &mut StoreOpaque, slots: &mut [u128]) -> Result<()>;
}

/// Results of a typed call: `()`, a single [`WasmTy`], or a tuple of them.
pub trait WasmResults: Sized {
    /// How many results.
    #[doc(hidden)]
    const COUNT: usize;
    /// The wasm types.
    fn valtypes() -> Vec<ValType>;
    /// Converts from dynamic values already checked against [`WasmResults::valtypes`].
    fn from_vals(vals: &[Val]) -> Self;
    /// Converts to dynamic values.
    fn into_vals(self) -> Vec<Val>;
    /// Reads result `i` from `slots[i]`, in raw form.
    #[doc(hidden)]
    fn load_raw(store: &mut StoreOpaque, slots: &[u128]) -> Self;
    /// Writes result `i` into `slots[i]`, in raw form.
    #[doc(hidden)]
    fn store_raw(self, store: &mut StoreOpaque, slots: &mut [u128]) -> Result<()>;
}

impl<A: WasmTy> WasmParams for A {
    const COUNT: usize = 1;
    fn valtypes() -> Vec<ValType> {
        vec![A::valtype()]
    }
    fn into_vals(self) -> Vec<Val> {
        vec![self.into_val()]
    }
    #[inline]
    fn store_raw(self, store: &mut StoreOpaque, slots: &mut [u128]) -> Result<()> {
        slots[0] = self.into_raw(store)?;
        Ok(())
    }
}

impl<A: WasmTy> WasmResults for A {
    const COUNT: usize = 1;
    fn valtypes() -> Vec<ValType> {
        vec![A::valtype()]
    }
    fn from_vals(vals: &[Val]) -> Self {
        A::from_val(vals[0].clone())
    }
    fn into_vals(self) -> Vec<Val> {
        vec![self.into_val()]
    }
    #[inline]
    fn load_raw(store: &mut StoreOpaque, slots: &[u128]) -> Self {
        A::from_raw(slots[0], store)
    }
    #[inline]
    fn store_raw(self, store: &mut StoreOpaque, slots: &mut [u128]) -> Result<()> {
        WasmParams::store_raw(self, store, slots)
    }
}

macro_rules! count {
    () => { 0 };
    ($first:ident $($rest:ident)*) => { 1 + count!($($rest)*) };
}

macro_rules! tuples {
    ($($a:ident)*) => {
        #[allow(non_snake_case, unused_mut, unused_variables, unused_assignments)]
        impl<$($a: WasmTy,)*> WasmParams for ($($a,)*) {
            const COUNT: usize = count!($($a)*);
            fn valtypes() -> Vec<ValType> {
                vec![$($a::valtype()),*]
            }
            fn into_vals(self) -> Vec<Val> {
                let ($($a,)*) = self;
                vec![$($a.into_val()),*]
            }
            #[inline]
            fn store_raw(self, store: &mut StoreOpaque, slots: &mut [u128]) -> Result<()> {
                let ($($a,)*) = self;
                let mut i = 0;
                $(slots[i] = $a.into_raw(store)?; i += 1;)*
                Ok(())
            }
        }

        #[allow(non_snake_case, unused_mut, unused_variables, unused_assignments, clippy::unused_unit)]
        impl<$($a: WasmTy,)*> WasmResults for ($($a,)*) {
            const COUNT: usize = count!($($a)*);
            fn valtypes() -> Vec<ValType> {
                vec![$($a::valtype()),*]
            }
            fn from_vals(vals: &[Val]) -> Self {
                let mut i = 0;
                $(let $a = $a::from_val(vals[i].clone()); i += 1;)*
                ($($a,)*)
            }
            fn into_vals(self) -> Vec<Val> {
                let ($($a,)*) = self;
                vec![$($a.into_val()),*]
            }
            #[inline]
            fn load_raw(store: &mut StoreOpaque, slots: &[u128]) -> Self {
                let mut i = 0;
                $(let $a = $a::from_raw(slots[i], store); i += 1;)*
                ($($a,)*)
            }
            #[inline]
            fn store_raw(self, store: &mut StoreOpaque, slots: &mut [u128]) -> Result<()> {
                WasmParams::store_raw(self, store, slots)
            }
        }

        #[allow(non_snake_case, unused_mut, unused_variables, unused_assignments)]
        impl<T: 'static, F, $($a: WasmTy,)* R: WasmRet> IntoFunc<T, ($($a,)*), R> for F
        where
            F: Fn($($a),*) -> R + Send + Sync + 'static,
        {
            fn into_host_func(self) -> HostFunc {
                let ty = FuncType::new(vec![$($a::valtype()),*], R::valtypes());
                HostFunc::new_raw::<T, _>(ty, move |store: &mut StoreInner<T>, _caller, slots: &mut [u128]| {
                    let mut i = 0;
                    $(let $a = $a::from_raw(slots[i], &mut store.opaque); i += 1;)*
                    (self)($($a),*).store_raw(&mut store.opaque, slots)
                })
            }
        }

        #[allow(non_snake_case, unused_mut, unused_variables, unused_assignments)]
        impl<T: 'static, F, $($a: WasmTy,)* R: WasmRet> IntoFunc<T, (WithCaller, $($a,)*), R> for F
        where
            F: Fn(Caller<'_, T>, $($a),*) -> R + Send + Sync + 'static,
        {
            fn into_host_func(self) -> HostFunc {
                let ty = FuncType::new(vec![$($a::valtype()),*], R::valtypes());
                HostFunc::new_raw::<T, _>(ty, move |store: &mut StoreInner<T>, caller_vmctx, slots: &mut [u128]| {
                    let mut i = 0;
                    $(let $a = $a::from_raw(slots[i], &mut store.opaque); i += 1;)*
                    let out = (self)(Caller { store: &mut *store, caller_vmctx }, $($a),*);
                    out.store_raw(&mut store.opaque, slots)
                })
            }
        }
    };
}

/// Marks closures that take a [`Caller`] first, in [`IntoFunc`]'s parameters.
#[doc(hidden)]
pub struct WithCaller;

/// What a host closure may return: results, or a `Result` of them whose
/// error becomes a trap.
pub trait WasmRet {
    /// The wasm result types.
    fn valtypes() -> Vec<ValType>;
    /// Writes the results into the raw slots, or passes the error on.
    #[doc(hidden)]
    fn store_raw(self, store: &mut StoreOpaque, slots: &mut [u128]) -> Result<()>;
}

impl<R: WasmResults> WasmRet for R {
    fn valtypes() -> Vec<ValType> {
        R::valtypes()
    }
    #[inline]
    fn store_raw(self, store: &mut StoreOpaque, slots: &mut [u128]) -> Result<()> {
        WasmResults::store_raw(self, store, slots)
    }
}

impl<R: WasmResults> WasmRet for Result<R> {
    fn valtypes() -> Vec<ValType> {
        R::valtypes()
    }
    #[inline]
    fn store_raw(self, store: &mut StoreOpaque, slots: &mut [u128]) -> Result<()> {
        WasmResults::store_raw(self?, store, slots)
    }
}

/// A Rust closure usable as a host function: `Fn(A1, ..., An) -> R` or
/// `Fn(Caller<'_, T>, A1, ..., An) -> R`, up to 16 parameters.
pub trait IntoFunc<T, Params, Results>: Send + Sync + 'static {
    #[doc(hidden)]
    fn into_host_func(self) -> HostFunc;
}

tuples!();
tuples!(A1);
tuples!(A1 A2);
tuples!(A1 A2 A3);
tuples!(A1 A2 A3 A4);
tuples!(A1 A2 A3 A4 A5);
tuples!(A1 A2 A3 A4 A5 A6);
tuples!(A1 A2 A3 A4 A5 A6 A7);
tuples!(A1 A2 A3 A4 A5 A6 A7 A8);
tuples!(A1 A2 A3 A4 A5 A6 A7 A8 A9);
tuples!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10);
tuples!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A11);
tuples!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A11 A12);
tuples!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A11 A12 A13);
tuples!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A11 A12 A13 A14);
tuples!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A11 A12 A13 A14 A15);
tuples!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A11 A12 A13 A14 A15 A16);

/// A function whose signature was checked once, so calls need no type checks
/// by the caller: parameters are a tuple, results a value or tuple.
///
/// ```
/// use kiln::{Engine, Store, Module, Instance};
/// let engine = Engine::default();
/// let module = Module::new(&engine, r#"(module (func (export "add") (param i32 i32) (result i32)
///     local.get 0 local.get 1 i32.add))"#).unwrap();
/// let mut store = Store::new(&engine, ());
/// let instance = Instance::new(&mut store, &module, &[]).unwrap();
/// let add = instance.get_typed_func::<(i32, i32), i32>(&mut store, "add").unwrap();
/// assert_eq!(add.call(&mut store, (2, 3)).unwrap(), 5);
/// ```
pub struct TypedFunc<P, R> {
    func: Func,
    _marker: PhantomData<fn(P) -> R>,
}

impl<P, R> Clone for TypedFunc<P, R> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<P, R> Copy for TypedFunc<P, R> {}

impl<P, R> std::fmt::Debug for TypedFunc<P, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TypedFunc")
            .field("func", &self.func)
            .finish()
    }
}

impl<P: WasmParams, R: WasmResults> TypedFunc<P, R> {
    pub(crate) fn new(func: Func) -> Self {
        TypedFunc {
            func,
            _marker: PhantomData,
        }
    }

    /// The untyped function.
    pub fn func(&self) -> &Func {
        &self.func
    }

    /// Calls the function. Arguments and results pass in raw slots on the
    /// stack: no `Val` and no allocation for up to 16 of them.
    #[inline]
    pub fn call(&self, mut store: impl AsContextMut, params: P) -> Result<R> {
        let store: *mut StoreOpaque = &mut store.as_inner_mut().opaque;
        let index = self.func.0.index as usize;
        with_slots(P::COUNT.max(R::COUNT), |slots| {
            // SAFETY: `store` comes from a live `&mut` borrow held for this
            // call; each borrow below ends before the next begins.
            unsafe {
                (*store).check(self.func.0, "function")?;
                params.store_raw(&mut *store, slots)?;
                // `Func::typed` checked the parameter and result types once.
                call_raw(store, index, slots.as_mut_ptr())?;
                let results = R::load_raw(&mut *store, slots);
                (*store).after_call();
                Ok(results)
            }
        })
    }
}
