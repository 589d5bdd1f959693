//! The typed path of generated glue: Python objects of the generated
//! classes (dataclasses, enums, flags, case classes) lowered straight into
//! the guest's flat values and memory, and results lifted straight into
//! those classes, with no `Val` in between.
//!
//! Generated code describes each parameter and result once, as a *spec*
//! (nested tuples naming the WIT type and the Python classes that stand for
//! it); [`Shape::compile`] turns a spec into a tree that knows its
//! canonical ABI layout (size, alignment, flat values), and a call walks the
//! tree over the arguments: `TypedFunc` for exports (through
//! [`kiln::component::FlatCall`]) and `LinkerInstance.add_typed_func` for
//! imports (through [`kiln::component::LinkerInstance::func_new_flat`]).
//!
//! Flat values travel as their raw bits in `u64`s (an `f32` as its bit
//! pattern, an `i32` zero-extended), so joining the flat types of a
//! variant's cases needs no conversion: each case writes its own values
//! into the shared slots and the rest are zero.

use super::resources::{remember_host_type, ResourceAny};
use super::Func;
use crate::errors::{call_error, kiln_error};
use crate::store::{Shared, StoreData, StoreLike};
use kiln::component::types::{
    Enum, Flags, List, OptionType, Record, ResultType, Tuple, Type, Variant,
};
use kiln::component::{FlatContext, ResourceType};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{
    PyBool, PyBytes, PyDict, PyFloat, PyInt, PyList, PyModule, PyString, PyTuple, PyType,
};

mod lift;
mod lower;
mod shape;

use lift::*;
use lower::*;
use shape::*;

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<TypedFunc>()?;
    Ok(())
}

/// The most flat parameters a call passes as values; more go through memory.
pub(super) const MAX_FLAT_PARAMS: usize = 16;
/// The most flat results a call returns as values; more go through memory.
pub(super) const MAX_FLAT_RESULTS: usize = 1;

pub(super) static SOME: PyOnceLock<Py<PyType>> = PyOnceLock::new();
pub(super) static OK: PyOnceLock<Py<PyType>> = PyOnceLock::new();
pub(super) static ERR: PyOnceLock<Py<PyType>> = PyOnceLock::new();

pub(super) fn runtime_class<'py>(
    py: Python<'py>,
    cell: &'static PyOnceLock<Py<PyType>>,
    name: &str,
) -> PyResult<&'py Bound<'py, PyType>> {
    cell.import(py, "kiln.component._typed", name)
}

/// What can go wrong in a typed call: a Python exception (a value of the
/// wrong type, or one a host function raised) or an engine error (a trap).
pub(super) enum Failure {
    Py(PyErr),
    Kiln(kiln::Error),
}

impl From<PyErr> for Failure {
    fn from(e: PyErr) -> Failure {
        Failure::Py(e)
    }
}

impl From<std::convert::Infallible> for Failure {
    fn from(e: std::convert::Infallible) -> Failure {
        match e {}
    }
}

impl From<kiln::Error> for Failure {
    fn from(e: kiln::Error) -> Failure {
        Failure::Kiln(e)
    }
}

impl Failure {
    fn into_py(self, py: Python<'_>) -> PyErr {
        match self {
            Failure::Py(e) => e,
            Failure::Kiln(e) => call_error(py, e),
        }
    }

    fn into_kiln(self) -> kiln::Error {
        match self {
            Failure::Py(e) => kiln::Error::host(e),
            Failure::Kiln(e) => e,
        }
    }
}

pub(super) type Res<T> = Result<T, Failure>;
pub(super) type Cx<'a, 's> = FlatContext<'a, 's, StoreData>;
/// A function's parameters and result, compiled.
pub(crate) struct Signature {
    params: Vec<Shape>,
    result: Option<Shape>,
    /// The parameters as one tuple, when they travel through memory: its
    /// size, alignment and flat count, and where each parameter starts.
    params_size: u32,
    params_align: u32,
    params_flat: usize,
    param_offsets: Vec<u32>,
}

impl Signature {
    fn new(params: Vec<Shape>, result: Option<Shape>) -> Signature {
        let tuple = Tuple::new(params.iter().map(|p| p.ty.clone()).collect());
        let param_offsets = tuple.offsets().to_vec();
        let tuple = Type::Tuple(tuple);
        Signature {
            params_size: tuple.size(),
            params_align: tuple.align(),
            params_flat: tuple.flat_count(),
            param_offsets,
            params,
            result,
        }
    }

    fn param_offsets(&self) -> impl Iterator<Item = (&Shape, usize)> {
        self.params
            .iter()
            .zip(&self.param_offsets)
            .map(|(p, at)| (p, *at as usize))
    }

    /// Compiles the specs of an import, whose types the host gives.
    pub(crate) fn for_import(
        params: &Bound<'_, PyAny>,
        result: &Bound<'_, PyAny>,
    ) -> PyResult<Signature> {
        let params = params
            .try_iter()?
            .map(|p| Shape::compile(&p?, Source::Host))
            .collect::<PyResult<Vec<_>>>()?;
        let result = if result.is_none() {
            None
        } else {
            Some(Shape::compile(result, Source::Host)?)
        };
        Ok(Signature::new(params, result))
    }

    /// Runs a host function for the guest: lifts the arguments from
    /// `slots`, calls `callable` with them, and lowers what it returns.
    pub(crate) fn host_call(
        &self,
        cx: &mut Cx<'_, '_>,
        slots: &mut [u128],
        callable: &Py<PyAny>,
    ) -> kiln::Result<()> {
        // SAFETY: the `Shared` owns this store and outlives it (see `StoreData`).
        let shared: &Shared = unsafe { &*cx.data().shared_ptr() };
        Python::attach(|py| {
            self.host_call_py(py, shared, cx, slots, callable)
                .map_err(Failure::into_kiln)
        })
    }

    fn host_call_py(
        &self,
        py: Python<'_>,
        shared: &Shared,
        cx: &mut Cx<'_, '_>,
        slots: &mut [u128],
        callable: &Py<PyAny>,
    ) -> Res<()> {
        let flat: Vec<u64> = slots.iter().map(|s| *s as u64).collect();
        let mut args = Vec::with_capacity(self.params.len());
        if self.params_flat <= MAX_FLAT_PARAMS {
            let mut pos = 0;
            for p in &self.params {
                args.push(lift_flat(py, p, cx, &flat, &mut pos)?);
            }
        } else {
            let ptr = flat[0] as u32;
            let data = cx
                .list(ptr, 1, self.params_size, self.params_align)?
                .to_vec();
            for (p, at) in self.param_offsets() {
                args.push(load(py, p, cx, &data, at)?);
            }
        }
        let args = PyTuple::new(py, args)?;
        let returned = {
            let mut store = cx.store();
            shared.lend_context(&mut store, || callable.bind(py).call1(args))?
        };
        let Some(result) = &self.result else {
            return Ok(());
        };
        if result.flat <= MAX_FLAT_RESULTS {
            let mut out = Vec::with_capacity(1);
            lower_flat(result, cx, &returned, &mut out)?;
            slots[0] = u128::from(out[0]);
        } else {
            let retptr_at = if self.params_flat <= MAX_FLAT_PARAMS {
                self.params_flat
            } else {
                1
            };
            let retptr = flat[retptr_at] as u32;
            let mut buf = vec![0u8; result.size as usize];
            store(result, cx, &returned, &mut buf, 0)?;
            cx.list(retptr, 1, result.size, result.align)?;
            cx.bytes_mut(retptr, result.size)?.copy_from_slice(&buf);
        }
        Ok(())
    }
}

/// An export called through the typed path: built once from the
/// function and the specs generated glue gives for its parameters and
/// result; called as `typed(store, *args)`.
#[pyclass(module = "kiln.component", frozen, name = "TypedFunc")]
pub struct TypedFunc {
    func: kiln::component::Func,
    store_id: u64,
    sig: Signature,
}

#[pymethods]
impl TypedFunc {
    #[new]
    #[pyo3(signature = (func, params, result))]
    fn new(
        func: &Func,
        params: &Bound<'_, PyAny>,
        result: &Bound<'_, PyAny>,
    ) -> PyResult<TypedFunc> {
        let ty = &func.ty;
        let types: Vec<&Type> = ty.params().map(|(_, t)| t).collect();
        let specs: Vec<Bound<'_, PyAny>> = params.try_iter()?.collect::<PyResult<_>>()?;
        if specs.len() != types.len() {
            return Err(PyTypeError::new_err(format!(
                "the function has {} parameters, the specs {}",
                types.len(),
                specs.len()
            )));
        }
        let params = specs
            .iter()
            .zip(&types)
            .map(|(s, t)| Shape::compile(s, Source::Type(Some(t))))
            .collect::<PyResult<Vec<_>>>()?;
        let result_ty = ty.results().next();
        let result = match (result.is_none(), result_ty) {
            (true, None) => None,
            (false, Some(t)) => Some(Shape::compile(result, Source::Type(Some(t)))?),
            _ => {
                return Err(PyTypeError::new_err(
                    "the result spec does not match the function",
                ))
            }
        };
        Ok(TypedFunc {
            func: func.inner.clone(),
            store_id: func.store_id,
            sig: Signature::new(params, result),
        })
    }

    /// Calls the export with arguments of the generated classes; returns
    /// its result as one. A trap raises `Trap`, an exception a host
    /// function raised is raised again, and an argument of the wrong type
    /// raises `TypeError`: before the call begins for scalars, handles and
    /// the Python types of strings, lists and records (the instance stays
    /// usable); a wrong value found only while lowering abandons the call,
    /// and the instance cannot be entered afterwards, as after a trap.
    #[pyo3(signature = (store, *args))]
    fn __call__<'py>(
        &self,
        py: Python<'py>,
        store: StoreLike<'py>,
        args: &Bound<'py, PyTuple>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let store = store.store()?;
        let shared = store.get().shared();
        crate::func::check_same_store(self.store_id, shared, "function")?;
        if args.len() != self.sig.params.len() {
            return Err(PyTypeError::new_err(format!(
                "expected {} arguments, got {}",
                self.sig.params.len(),
                args.len()
            )));
        }
        let mut guard = shared.enter(&store)?;
        let mut cx = guard.cx();
        self.call(py, &mut cx, args).map_err(|f| f.into_py(py))
    }
}

impl TypedFunc {
    fn call<'py>(
        &self,
        py: Python<'py>,
        cx: &mut kiln::StoreContextMut<'_, StoreData>,
        args: &Bound<'py, PyTuple>,
    ) -> Res<Bound<'py, PyAny>> {
        let sig = &self.sig;
        for (p, a) in sig.params.iter().zip(args.iter()) {
            precheck(p, &a)?;
        }
        let mut call = self.func.flat_call(&mut *cx)?;
        let mut flat: Vec<u64> = Vec::with_capacity(sig.params_flat.max(1));
        {
            let mut fcx = call.context(cx)?;
            if sig.params_flat <= MAX_FLAT_PARAMS {
                for (p, a) in sig.params.iter().zip(args.iter()) {
                    lower_flat(p, &mut fcx, &a, &mut flat)?;
                }
            } else {
                let mut buf = vec![0u8; sig.params_size as usize];
                for ((p, at), a) in sig.param_offsets().zip(args.iter()) {
                    store(p, &mut fcx, &a, &mut buf, at)?;
                }
                let ptr = fcx.realloc(sig.params_align, sig.params_size)?;
                fcx.bytes_mut(ptr, sig.params_size)?.copy_from_slice(&buf);
                flat.push(u64::from(ptr));
            }
        }
        let mut slots: Vec<u128> = flat.iter().map(|v| u128::from(*v)).collect();
        if slots.is_empty() {
            slots.push(0);
        }
        call.call(&mut *cx, &mut slots)?;
        let result = {
            let mut fcx = call.context(cx)?;
            match &sig.result {
                None => py.None().into_bound(py),
                Some(r) if r.flat <= MAX_FLAT_RESULTS => {
                    lift_flat(py, r, &mut fcx, &[slots[0] as u64], &mut 0)?
                }
                Some(r) => {
                    let ptr = slots[0] as u32;
                    let data = fcx.list(ptr, 1, r.size, r.align)?.to_vec();
                    load(py, r, &mut fcx, &data, 0)?
                }
            }
        };
        call.finish(&mut *cx)?;
        Ok(result)
    }
}
