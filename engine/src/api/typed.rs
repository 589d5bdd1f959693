//! Statically typed calls: `TypedFunc` for calling wasm, `IntoFunc` for
//! turning Rust closures into host functions.

use super::error::Result;
use super::func::{Caller, Func, HostFunc};
use super::store::AsContextMut;
use super::types::{FuncType, ValType};
use super::values::Val;
use std::marker::PhantomData;

/// A Rust type that is also a WebAssembly value type.
pub trait WasmTy: Clone + Send + 'static {
    /// The wasm type.
    fn valtype() -> ValType;
    /// Converts to a dynamic value.
    fn into_val(self) -> Val;
    /// Converts from a dynamic value already checked to have [`WasmTy::valtype`].
    fn from_val(val: Val) -> Self;
}

macro_rules! wasm_ty {
    ($t:ty, $vt:ident, $to:expr, $from:pat => $out:expr) => {
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
        }
    };
}

wasm_ty!(i32, I32, Val::I32, Val::I32(v) => v);
wasm_ty!(u32, I32, |v: u32| Val::I32(v as i32), Val::I32(v) => v as u32);
wasm_ty!(i64, I64, Val::I64, Val::I64(v) => v);
wasm_ty!(u64, I64, |v: u64| Val::I64(v as i64), Val::I64(v) => v as u64);
wasm_ty!(f32, F32, |v: f32| Val::F32(v.to_bits()), Val::F32(v) => f32::from_bits(v));
wasm_ty!(f64, F64, |v: f64| Val::F64(v.to_bits()), Val::F64(v) => f64::from_bits(v));
wasm_ty!(u128, V128, Val::V128, Val::V128(v) => v);
wasm_ty!(Option<Func>, FuncRef, Val::FuncRef, Val::FuncRef(f) => f);
wasm_ty!(Option<super::externref::ExternRef>, ExternRef, Val::ExternRef, Val::ExternRef(r) => r);

/// Parameters of a typed call: `()`, a single [`WasmTy`], or a tuple of them.
pub trait WasmParams: Send {
    /// The wasm types.
    fn valtypes() -> Vec<ValType>;
    /// Converts to dynamic values.
    fn into_vals(self) -> Vec<Val>;
}

/// Results of a typed call: `()`, a single [`WasmTy`], or a tuple of them.
pub trait WasmResults: Sized {
    /// The wasm types.
    fn valtypes() -> Vec<ValType>;
    /// Converts from dynamic values already checked against [`WasmResults::valtypes`].
    fn from_vals(vals: &[Val]) -> Self;
    /// Converts to dynamic values.
    fn into_vals(self) -> Vec<Val>;
}

impl<A: WasmTy> WasmParams for A {
    fn valtypes() -> Vec<ValType> {
        vec![A::valtype()]
    }
    fn into_vals(self) -> Vec<Val> {
        vec![self.into_val()]
    }
}

impl<A: WasmTy> WasmResults for A {
    fn valtypes() -> Vec<ValType> {
        vec![A::valtype()]
    }
    fn from_vals(vals: &[Val]) -> Self {
        A::from_val(vals[0].clone())
    }
    fn into_vals(self) -> Vec<Val> {
        vec![self.into_val()]
    }
}

macro_rules! tuples {
    ($($a:ident)*) => {
        #[allow(non_snake_case, unused_mut, unused_variables)]
        impl<$($a: WasmTy,)*> WasmParams for ($($a,)*) {
            fn valtypes() -> Vec<ValType> {
                vec![$($a::valtype()),*]
            }
            fn into_vals(self) -> Vec<Val> {
                let ($($a,)*) = self;
                vec![$($a.into_val()),*]
            }
        }

        #[allow(non_snake_case, unused_mut, unused_variables, unused_assignments, clippy::unused_unit)]
        impl<$($a: WasmTy,)*> WasmResults for ($($a,)*) {
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
        }

        #[allow(non_snake_case, unused_mut, unused_variables, unused_assignments)]
        impl<T: 'static, F, $($a: WasmTy,)* R: WasmRet> IntoFunc<T, ($($a,)*), R> for F
        where
            F: Fn($($a),*) -> R + Send + Sync + 'static,
        {
            fn into_host_func(self) -> HostFunc {
                let ty = FuncType::new(vec![$($a::valtype()),*], R::valtypes());
                HostFunc::new::<T, _>(ty, move |_caller: Caller<'_, T>, params: &[Val], results: &mut [Val]| {
                    let mut i = 0;
                    $(let $a = $a::from_val(params[i].clone()); i += 1;)*
                    let out = (self)($($a),*).into_vals()?;
                    results.clone_from_slice(&out);
                    Ok(())
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
                HostFunc::new::<T, _>(ty, move |caller: Caller<'_, T>, params: &[Val], results: &mut [Val]| {
                    let mut i = 0;
                    $(let $a = $a::from_val(params[i].clone()); i += 1;)*
                    let out = (self)(caller, $($a),*).into_vals()?;
                    results.clone_from_slice(&out);
                    Ok(())
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
    #[doc(hidden)]
    fn into_vals(self) -> Result<Vec<Val>>;
}

impl<R: WasmResults> WasmRet for R {
    fn valtypes() -> Vec<ValType> {
        R::valtypes()
    }
    fn into_vals(self) -> Result<Vec<Val>> {
        Ok(WasmResults::into_vals(self))
    }
}

impl<R: WasmResults> WasmRet for Result<R> {
    fn valtypes() -> Vec<ValType> {
        R::valtypes()
    }
    fn into_vals(self) -> Result<Vec<Val>> {
        self.map(WasmResults::into_vals)
    }
}

/// A Rust closure usable as a host function: `Fn(A1, ..., An) -> R` or
/// `Fn(Caller<'_, T>, A1, ..., An) -> R`, up to 8 parameters.
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

    /// Calls the function.
    pub fn call(&self, store: impl AsContextMut, params: P) -> Result<R> {
        let params = params.into_vals();
        let mut results: Vec<Val> = R::valtypes().into_iter().map(Val::default_for).collect();
        self.func.call(store, &params, &mut results)?;
        Ok(R::from_vals(&results))
    }
}
