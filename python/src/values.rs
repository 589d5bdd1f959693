//! `Val`, and the conversions between Python objects and wasm values that
//! every call makes.

use crate::func::Func;
use crate::types::ValType;
use kiln::ValType as T;
use pyo3::exceptions::{PyOverflowError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyFloat, PyInt};

/// A WebAssembly value with its type, for where a plain Python value would
/// be ambiguous (`Val.f32(1.5)`, `Val.externref(obj)`). Calls accept plain
/// `int`, `float`, `None`, `Func` and any object for `externref` as well.
#[pyclass(module = "kiln", frozen, name = "Val")]
pub struct Val {
    pub(crate) inner: kiln::Val,
    /// The function behind a `funcref`, kept to give it back as it came.
    func: Option<Py<Func>>,
}

/// A host value behind an `externref`.
pub(crate) struct PyRef(pub(crate) Py<PyAny>);

fn i32_from(obj: &Bound<'_, PyAny>) -> PyResult<i32> {
    // A plain `int` is read directly; anything else (and an `int` beyond 64
    // bits) goes through pyo3's conversion and its errors.
    let direct = if obj.is_exact_instance_of::<PyInt>() {
        // SAFETY: `obj` is a live `int` and the GIL is held.
        let v = unsafe { pyo3::ffi::PyLong_AsLongLong(obj.as_ptr()) };
        if v == -1 && PyErr::take(obj.py()).is_some() {
            None
        } else {
            Some(v)
        }
    } else {
        None
    };
    let v: i64 = match direct {
        Some(v) => v,
        None => obj.extract()?,
    };
    if v < i32::MIN as i64 || v > u32::MAX as i64 {
        return Err(PyOverflowError::new_err(format!(
            "{v} does not fit in an i32"
        )));
    }
    Ok(v as i32)
}

fn i64_from(obj: &Bound<'_, PyAny>) -> PyResult<i64> {
    match obj.extract::<i64>() {
        Ok(v) => Ok(v),
        Err(_) => obj
            .extract::<u64>()
            .map(|v| v as i64)
            .map_err(|_| PyOverflowError::new_err("the value does not fit in an i64")),
    }
}

/// `obj`, an `int`, modulo `mask + 1`.
fn wrapped_int<'py>(obj: &Bound<'py, PyAny>, mask: u64) -> PyResult<Bound<'py, PyAny>> {
    if !obj.is_instance_of::<PyInt>() {
        return Err(PyTypeError::new_err(format!(
            "expected an int, got {}",
            obj.get_type().name()?
        )));
    }
    obj.bitand(mask)
}

/// `obj`, which must be a `float`.
fn strict_float(obj: &Bound<'_, PyAny>) -> PyResult<f64> {
    if !obj.is_instance_of::<PyFloat>() {
        return Err(PyTypeError::new_err(format!(
            "expected a float, got {}",
            obj.get_type().name()?
        )));
    }
    obj.extract()
}

fn float_from(obj: &Bound<'_, PyAny>) -> PyResult<f64> {
    if obj.is_instance_of::<PyFloat>() || obj.is_instance_of::<PyInt>() {
        obj.extract()
    } else {
        Err(PyTypeError::new_err(format!(
            "expected a float, got {}",
            obj.get_type().name()?
        )))
    }
}

/// Converts `obj` to a wasm value of type `ty`.
pub(crate) fn to_val(obj: &Bound<'_, PyAny>, ty: kiln::ValType) -> PyResult<kiln::Val> {
    // The common case first: a plain `int` for an integer parameter.
    if obj.is_exact_instance_of::<PyInt>() {
        match ty {
            T::I32 => return Ok(kiln::Val::I32(i32_from(obj)?)),
            T::I64 => return Ok(kiln::Val::I64(i64_from(obj)?)),
            _ => {}
        }
    }
    if let Ok(v) = obj.cast::<Val>() {
        let v = &v.get().inner;
        if v.ty() != ty {
            return Err(PyTypeError::new_err(format!(
                "expected a value of type {ty}, got a Val of type {}",
                v.ty()
            )));
        }
        return Ok(v.clone());
    }
    Ok(match ty {
        T::I32 => kiln::Val::I32(i32_from(obj)?),
        T::I64 => kiln::Val::I64(i64_from(obj)?),
        T::F32 => kiln::Val::F32((float_from(obj)? as f32).to_bits()),
        T::F64 => kiln::Val::F64(float_from(obj)?.to_bits()),
        T::V128 => kiln::Val::V128(obj.extract()?),
        T::FuncRef => {
            if obj.is_none() {
                kiln::Val::FuncRef(None)
            } else {
                let f = obj
                    .cast::<Func>()
                    .map_err(|_| PyTypeError::new_err("expected a Func or None for a funcref"))?;
                kiln::Val::FuncRef(Some(f.get().func))
            }
        }
        T::ExternRef => {
            if obj.is_none() {
                kiln::Val::ExternRef(None)
            } else {
                kiln::Val::ExternRef(Some(kiln::ExternRef::new(PyRef(obj.clone().unbind()))))
            }
        }
    })
}

/// Converts a wasm value to Python; `func` wraps a function reference.
pub(crate) fn from_val<'py>(
    py: Python<'py>,
    v: &kiln::Val,
    func: &mut dyn FnMut(kiln::Func) -> PyResult<Py<PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        kiln::Val::I32(x) => x.into_pyobject(py)?.into_any(),
        kiln::Val::I64(x) => x.into_pyobject(py)?.into_any(),
        kiln::Val::F32(x) => (f32::from_bits(*x) as f64).into_pyobject(py)?.into_any(),
        kiln::Val::F64(x) => f64::from_bits(*x).into_pyobject(py)?.into_any(),
        kiln::Val::V128(x) => x.into_pyobject(py)?.into_any(),
        kiln::Val::FuncRef(Some(f)) => func(*f)?.into_bound(py),
        kiln::Val::ExternRef(Some(r)) => match r.data().downcast_ref::<PyRef>() {
            Some(obj) => obj.0.bind(py).clone(),
            None => py.None().into_bound(py),
        },
        _ => py.None().into_bound(py),
    })
}

fn vt(v: &kiln::Val) -> kiln::ValType {
    v.ty()
}

#[pymethods]
impl Val {
    /// A 32-bit integer from an `int`, taken modulo 2**32 (so
    /// `0xffffffff` is -1), as wasmtime-py's `Val.i32` does.
    #[staticmethod]
    fn i32(value: &Bound<'_, PyAny>) -> PyResult<Self> {
        let bits: u32 = wrapped_int(value, u32::MAX as u64)?.extract()?;
        Ok(Val::plain(kiln::Val::I32(bits as i32)))
    }
    /// A 64-bit integer from an `int`, taken modulo 2**64.
    #[staticmethod]
    fn i64(value: &Bound<'_, PyAny>) -> PyResult<Self> {
        let bits: u64 = wrapped_int(value, u64::MAX)?.extract()?;
        Ok(Val::plain(kiln::Val::I64(bits as i64)))
    }
    /// A 32-bit float, from a `float` (an `int` is a `TypeError`, as in
    /// wasmtime-py: say `1.0`).
    #[staticmethod]
    fn f32(value: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(Val::plain(kiln::Val::F32(
            (strict_float(value)? as f32).to_bits(),
        )))
    }
    /// A 64-bit float, from a `float`.
    #[staticmethod]
    fn f64(value: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(Val::plain(kiln::Val::F64(strict_float(value)?.to_bits())))
    }
    /// A 128-bit vector, from an integer in [0, 2**128).
    #[staticmethod]
    fn v128(value: u128) -> Self {
        Val::plain(kiln::Val::V128(value))
    }
    /// A function reference, or null with `None`.
    #[staticmethod]
    fn funcref(value: Option<Py<Func>>) -> Self {
        Val {
            inner: kiln::Val::FuncRef(value.as_ref().map(|f| f.get().func)),
            func: value,
        }
    }
    /// A reference to any Python object, or null with `None`.
    #[staticmethod]
    fn externref(value: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(Val::plain(to_val(value, T::ExternRef)?))
    }

    /// A null reference of the reference type `ty`; any other type is a
    /// `KilnError`, as in wasmtime-py.
    #[staticmethod]
    fn ref_null(ty: crate::args::Arg<'_, ValType>) -> PyResult<Self> {
        let ty = ty.get().0;
        match ty {
            T::FuncRef => Ok(Val::plain(kiln::Val::FuncRef(None))),
            T::ExternRef => Ok(Val::plain(kiln::Val::ExternRef(None))),
            other => Err(crate::errors::kiln_error(format!(
                "a null reference needs a reference type, not {other}"
            ))),
        }
    }

    /// The value if it is an `i32`, else `None`.
    fn as_i32(&self) -> Option<i32> {
        match self.inner {
            kiln::Val::I32(v) => Some(v),
            _ => None,
        }
    }
    /// The value if it is an `i64`, else `None`.
    fn as_i64(&self) -> Option<i64> {
        match self.inner {
            kiln::Val::I64(v) => Some(v),
            _ => None,
        }
    }
    /// The value if it is an `f32`, else `None`.
    fn as_f32(&self) -> Option<f32> {
        match self.inner {
            kiln::Val::F32(bits) => Some(f32::from_bits(bits)),
            _ => None,
        }
    }
    /// The value if it is an `f64`, else `None`.
    fn as_f64(&self) -> Option<f64> {
        match self.inner {
            kiln::Val::F64(bits) => Some(f64::from_bits(bits)),
            _ => None,
        }
    }
    /// The value if it is a `v128`, as an `int`, else `None`.
    fn as_v128(&self) -> Option<u128> {
        match self.inner {
            kiln::Val::V128(v) => Some(v),
            _ => None,
        }
    }
    /// The function if this is a non-null `funcref`, else `None`.
    fn as_funcref(&self, py: Python<'_>) -> Option<Py<Func>> {
        self.func.as_ref().map(|f| f.clone_ref(py))
    }
    /// The object if this is a non-null `externref`, else `None`.
    fn as_externref<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        match self.inner {
            kiln::Val::ExternRef(Some(_)) => self.value(py).map(Some),
            _ => Ok(None),
        }
    }

    /// The value's type.
    #[getter(r#type)]
    fn ty(&self) -> ValType {
        ValType(vt(&self.inner))
    }

    /// The value as a Python object: `int`, `float`, `Func`, any object, or
    /// `None` for a null reference.
    #[getter]
    fn value<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let func = self.func.as_ref().map(|f| f.clone_ref(py).into_any());
        from_val(py, &self.inner, &mut |_| {
            func.as_ref()
                .map(|f| f.clone_ref(py))
                .ok_or_else(|| PyTypeError::new_err("funcref without its function"))
        })
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "Val.{}({})",
            vt(&self.inner),
            self.value(py)?.repr()?
        ))
    }

    fn __eq__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<bool> {
        match other.cast::<Val>() {
            Ok(o) => {
                let o = o.get();
                if vt(&o.inner) != vt(&self.inner) {
                    return Ok(false);
                }
                match (&self.inner, &o.inner) {
                    (kiln::Val::ExternRef(_), _) => Ok(self.value(py)?.is(&o.value(py)?)),
                    _ => Ok(self.inner == o.inner),
                }
            }
            // A plain value compares with the value held, as in wasmtime-py
            // (`Val.i32(1) == 1`).
            Err(_) => self.value(py)?.eq(other),
        }
    }
}

impl Val {
    fn plain(inner: kiln::Val) -> Val {
        Val { inner, func: None }
    }
}
