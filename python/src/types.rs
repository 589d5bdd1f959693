//! Types: `ValType`, `FuncType`, `Limits`, `MemoryType`, `TableType`,
//! `GlobalType`, `ImportType`, `ExportType`.

use crate::args::Arg;
use crate::errors::kiln_error;
use pyo3::prelude::*;
use pyo3::types::PyList;

/// The type of a WebAssembly value: `ValType.i32()`, `ValType.externref()`, ...
#[pyclass(module = "kiln", frozen, eq, hash, from_py_object, name = "ValType")]
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ValType(pub(crate) kiln::ValType);

#[pymethods]
impl ValType {
    /// 32-bit integer.
    #[staticmethod]
    fn i32() -> Self {
        ValType(kiln::ValType::I32)
    }
    /// 64-bit integer.
    #[staticmethod]
    fn i64() -> Self {
        ValType(kiln::ValType::I64)
    }
    /// 32-bit float.
    #[staticmethod]
    fn f32() -> Self {
        ValType(kiln::ValType::F32)
    }
    /// 64-bit float.
    #[staticmethod]
    fn f64() -> Self {
        ValType(kiln::ValType::F64)
    }
    /// 128-bit vector.
    #[staticmethod]
    fn v128() -> Self {
        ValType(kiln::ValType::V128)
    }
    /// A nullable reference to a function.
    #[staticmethod]
    fn funcref() -> Self {
        ValType(kiln::ValType::FuncRef)
    }
    /// A nullable reference to a host value.
    #[staticmethod]
    fn externref() -> Self {
        ValType(kiln::ValType::ExternRef)
    }

    fn __str__(&self) -> String {
        self.0.to_string()
    }

    fn __repr__(&self) -> String {
        format!("ValType.{}()", self.0)
    }
}

fn valtypes(types: &[kiln::ValType]) -> Vec<ValType> {
    types.iter().map(|t| ValType(*t)).collect()
}

/// The signature of a function: parameter and result types.
#[pyclass(module = "kiln", frozen, eq, hash, from_py_object, name = "FuncType")]
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct FuncType(pub(crate) kiln::FuncType);

#[pymethods]
impl FuncType {
    /// A function type from its parameter and result types.
    #[new]
    fn new(params: Vec<ValType>, results: Vec<ValType>) -> Self {
        FuncType(kiln::FuncType::new(
            params.into_iter().map(|t| t.0),
            results.into_iter().map(|t| t.0),
        ))
    }

    /// The parameter types.
    #[getter]
    fn params(&self) -> Vec<ValType> {
        valtypes(self.0.params())
    }

    /// The result types.
    #[getter]
    fn results(&self) -> Vec<ValType> {
        valtypes(self.0.results())
    }

    fn __str__(&self) -> String {
        self.0.to_string()
    }

    fn __repr__(&self) -> String {
        format!("FuncType({})", self.0)
    }
}

/// Size limits: of a memory in pages, of a table in elements.
///
/// Sizes are 64-bit, as in wasmtime-py, whose `Limits` holds any size; the
/// type they go into (`MemoryType`, `TableType`) says which sizes it takes.
#[pyclass(module = "kiln", frozen, eq, hash, from_py_object, name = "Limits")]
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Limits {
    min: u64,
    max: Option<u64>,
}

impl Limits {
    fn of(limits: kiln::Limits) -> Limits {
        Limits {
            min: limits.min,
            max: limits.max,
        }
    }

    fn to_kiln(self) -> kiln::Limits {
        kiln::Limits {
            min: self.min,
            max: self.max,
        }
    }

    /// The limits as 32-bit sizes of `what`, or a `KilnError` saying which
    /// one does not fit.
    fn to32(self, what: &str) -> PyResult<(u32, Option<u32>)> {
        let fit = |size: u64, which: &str| {
            u32::try_from(size).map_err(|_| {
                kiln_error(format!(
                    "the {which} size of a {what} must be less than 2**32, got {size}"
                ))
            })
        };
        Ok((
            fit(self.min, "minimum")?,
            self.max.map(|max| fit(max, "maximum")).transpose()?,
        ))
    }
}

#[pymethods]
impl Limits {
    /// Limits with an initial size `min` and an optional maximum `max`.
    #[new]
    #[pyo3(signature = (min, max=None))]
    fn new(min: u64, max: Option<u64>) -> Self {
        Limits { min, max }
    }

    /// The initial size.
    #[getter]
    fn min(&self) -> u64 {
        self.min
    }

    /// The maximum size, or `None`.
    #[getter]
    fn max(&self) -> Option<u64> {
        self.max
    }

    fn __repr__(&self) -> String {
        match self.max {
            Some(max) => format!("Limits({}, {max})", self.min),
            None => format!("Limits({})", self.min),
        }
    }
}

/// The type of a linear memory: its limits in 64 KiB pages.
#[pyclass(module = "kiln", frozen, eq, hash, from_py_object, name = "MemoryType")]
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct MemoryType(pub(crate) kiln::MemoryType);

#[pymethods]
impl MemoryType {
    /// A memory type with `limits` in pages of `2**page_size_log2` bytes
    /// (16, or 0 for the custom-page-sizes proposal's byte pages): 64-bit
    /// with `is_64`, shared between threads with `shared`. Raises
    /// `KilnError` for limits its index type cannot address, a maximum
    /// below the minimum, a shared memory without a maximum, or another
    /// page size.
    #[new]
    #[pyo3(signature = (limits, is_64=false, shared=false, page_size_log2=16))]
    fn new(
        limits: Arg<'_, Limits>,
        is_64: bool,
        shared: bool,
        page_size_log2: u32,
    ) -> PyResult<Self> {
        kiln::MemoryType::try_new(limits.get().to_kiln(), is_64, shared, page_size_log2)
            .map(MemoryType)
            .map_err(|e| kiln_error(e.to_string()))
    }

    /// The limits, in pages.
    #[getter]
    fn limits(&self) -> Limits {
        Limits::of(self.0.limits())
    }

    /// Whether the memory is indexed by 64-bit addresses.
    #[getter]
    fn is_64(&self) -> bool {
        self.0.is_64()
    }

    /// Whether the memory may be shared between threads.
    #[getter]
    fn is_shared(&self) -> bool {
        self.0.is_shared()
    }

    /// The size of a page in bytes.
    #[getter]
    fn page_size(&self) -> u64 {
        self.0.page_size()
    }

    /// The base-2 logarithm of `page_size`.
    #[getter]
    fn page_size_log2(&self) -> u32 {
        self.0.page_size_log2()
    }

    fn __repr__(&self) -> String {
        format!("MemoryType({})", self.limits().__repr__())
    }
}

/// The type of a table: its element type and limits.
#[pyclass(module = "kiln", frozen, eq, hash, from_py_object, name = "TableType")]
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct TableType(pub(crate) kiln::TableType);

#[pymethods]
impl TableType {
    /// A table of `element` references with `limits`, sizes that fit in
    /// 32 bits.
    #[new]
    fn new(element: ValType, limits: Arg<'_, Limits>) -> PyResult<Self> {
        let (min, max) = limits.get().to32("table")?;
        Ok(TableType(kiln::TableType::new(element.0, min, max)))
    }

    /// The element type.
    #[getter]
    fn element(&self) -> ValType {
        ValType(self.0.element())
    }

    /// The limits, in elements.
    #[getter]
    fn limits(&self) -> Limits {
        Limits::of(kiln::Limits {
            min: self.0.minimum(),
            max: self.0.maximum(),
        })
    }

    fn __repr__(&self) -> String {
        format!(
            "TableType({}, {})",
            self.element().__repr__(),
            self.limits().__repr__()
        )
    }
}

/// The type of a global: its value type and whether it is mutable.
#[pyclass(module = "kiln", frozen, eq, hash, from_py_object, name = "GlobalType")]
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct GlobalType(pub(crate) kiln::GlobalType);

#[pymethods]
impl GlobalType {
    /// A global holding `content`, mutable or not.
    #[new]
    fn new(content: ValType, mutable: bool) -> Self {
        let mutability = if mutable {
            kiln::Mutability::Var
        } else {
            kiln::Mutability::Const
        };
        GlobalType(kiln::GlobalType::new(content.0, mutability))
    }

    /// The value type.
    #[getter]
    fn content(&self) -> ValType {
        ValType(self.0.content())
    }

    /// Whether the global can be set.
    #[getter]
    fn mutable(&self) -> bool {
        self.0.mutability() == kiln::Mutability::Var
    }

    fn __repr__(&self) -> String {
        format!(
            "GlobalType({}, {})",
            self.content().__repr__(),
            if self.mutable() { "True" } else { "False" }
        )
    }
}

/// The Python object for an extern type.
pub(crate) fn extern_type(py: Python<'_>, ty: &kiln::ExternType) -> PyResult<Py<PyAny>> {
    Ok(match ty {
        kiln::ExternType::Func(f) => Py::new(py, FuncType(f.clone()))?.into_any(),
        kiln::ExternType::Memory(m) => Py::new(py, MemoryType(*m))?.into_any(),
        kiln::ExternType::Table(t) => Py::new(py, TableType(*t))?.into_any(),
        kiln::ExternType::Global(g) => Py::new(py, GlobalType(*g))?.into_any(),
    })
}

/// One import of a module: where it comes from and its type.
#[pyclass(module = "kiln", frozen, name = "ImportType")]
pub struct ImportType {
    /// The module name.
    #[pyo3(get)]
    module: String,
    /// The item name.
    #[pyo3(get)]
    name: String,
    /// The type: a `FuncType`, `MemoryType`, `TableType` or `GlobalType`.
    #[pyo3(get, name = "type")]
    ty: Py<PyAny>,
}

#[pymethods]
impl ImportType {
    fn __repr__(&self) -> String {
        format!("ImportType({:?}, {:?})", self.module, self.name)
    }
}

/// One export of a module: its name and type.
#[pyclass(module = "kiln", frozen, name = "ExportType")]
pub struct ExportType {
    /// The export name.
    #[pyo3(get)]
    name: String,
    /// The type: a `FuncType`, `MemoryType`, `TableType` or `GlobalType`.
    #[pyo3(get, name = "type")]
    ty: Py<PyAny>,
}

#[pymethods]
impl ExportType {
    fn __repr__(&self) -> String {
        format!("ExportType({:?})", self.name)
    }
}

pub(crate) fn import_types<'py>(
    py: Python<'py>,
    imports: impl Iterator<Item = kiln::ImportType>,
) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for i in imports {
        list.append(ImportType {
            module: i.module().to_string(),
            name: i.name().to_string(),
            ty: extern_type(py, i.ty())?,
        })?;
    }
    Ok(list)
}

pub(crate) fn export_types<'py>(
    py: Python<'py>,
    exports: impl Iterator<Item = kiln::ExportType>,
) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for e in exports {
        list.append(ExportType {
            name: e.name().to_string(),
            ty: extern_type(py, e.ty())?,
        })?;
    }
    Ok(list)
}
