//! `Instance`, and the exports it gives back.

use crate::args::Arg;
use crate::errors::kiln_error;
use crate::externals::{to_extern, wrap_extern};
use crate::func::check_same_store;
use crate::module::Module;
use crate::store::{SendContext, Store, StoreData, StoreLike};
use pyo3::exceptions::{PyIndexError, PyKeyError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyInt, PyList, PyString};

/// An instantiated module: its functions, memories, tables and globals live
/// in the store it was made in.
#[pyclass(module = "kiln", frozen, name = "Instance")]
pub struct Instance {
    pub(crate) instance: kiln::Instance,
    pub(crate) store_id: u64,
}

/// Instantiates `module` in `store` with `imports` (externs), running its
/// start function with the GIL released.
pub(crate) fn instantiate(
    store: &Bound<'_, Store>,
    module: &Bound<'_, Module>,
    run: impl FnOnce(kiln::StoreContextMut<'_, StoreData>) -> kiln::Result<kiln::Instance> + Send,
) -> PyResult<Instance> {
    let py = store.py();
    let shared = store.get().shared();
    if !store
        .get()
        .engine()
        .bind(py)
        .is(module.get().engine().bind(py))
    {
        let same = kiln::Engine::same(
            store.get().engine().get().made_with(),
            module.get().engine().get().made_with(),
        );
        if !same {
            return Err(kiln_error(
                "the module was compiled by a different engine than the store's",
            ));
        }
    }
    let outcome = {
        let mut guard = shared.enter(store)?;
        let cx = SendContext(guard.cx());
        py.detach(move || run(cx.into_inner()))
    };
    match outcome {
        Ok(instance) => Ok(Instance {
            instance,
            store_id: shared.id,
        }),
        Err(err) => Err(crate::errors::call_error(py, err)),
    }
}

#[pymethods]
impl Instance {
    /// Instantiates `module` in `store`; `imports` gives one extern (`Func`,
    /// `Memory`, `Table` or `Global`) per import of the module, in order.
    #[new]
    fn new(
        store: StoreLike<'_>,
        module: Arg<'_, Module>,
        imports: &Bound<'_, PyAny>,
    ) -> PyResult<Self> {
        let store = store.store()?;
        let shared = store.get().shared();
        let mut externs = Vec::new();
        for item in imports.try_iter()? {
            let (ext, id) = to_extern(&item?)?;
            check_same_store(id, shared, "import")?;
            externs.push(ext);
        }
        let m = module.get().module()?;
        instantiate(&store, &module, move |cx| {
            kiln::Instance::new(cx, &m, &externs)
        })
    }

    /// The instance's exports: look them up by name or by index, or iterate
    /// over their names.
    fn exports(&self, store: StoreLike<'_>) -> PyResult<InstanceExports> {
        let store = store.store()?;
        let py = store.py();
        let shared = store.get().shared();
        check_same_store(self.store_id, shared, "instance")?;
        let mut guard = shared.enter(&store)?;
        let exports = self.instance.exports(guard.cx());
        let mut names = Vec::with_capacity(exports.len());
        let mut items = Vec::with_capacity(exports.len());
        for (name, item) in exports {
            names.push(name);
            items.push(wrap_extern(py, &mut guard, item)?);
        }
        Ok(InstanceExports { names, items })
    }
}

/// The exports of an instance, by name (`exports["add"]`), by index
/// (`exports[0]`), or with `get`; iterating gives the names in order.
#[pyclass(module = "kiln", frozen, name = "InstanceExports")]
pub struct InstanceExports {
    names: Vec<String>,
    items: Vec<Py<PyAny>>,
}

#[pymethods]
impl InstanceExports {
    fn __getitem__(&self, py: Python<'_>, key: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        if key.is_instance_of::<PyString>() {
            let name: String = key.extract()?;
            return self
                .get(py, &name, None)
                .ok_or_else(|| PyKeyError::new_err(name));
        }
        if key.is_instance_of::<PyInt>() {
            let index: isize = key.extract()?;
            let len = self.items.len() as isize;
            let i = if index < 0 { index + len } else { index };
            if i < 0 || i >= len {
                return Err(PyIndexError::new_err(format!(
                    "export index {index} is out of range for {len} exports"
                )));
            }
            return Ok(self.items[i as usize].clone_ref(py));
        }
        Err(PyTypeError::new_err(
            "exports are looked up by name (str) or index (int)",
        ))
    }

    /// The export `name`, or `default` (`None` unless given), as a dict's
    /// `get`.
    #[pyo3(signature = (name, default=None))]
    fn get(&self, py: Python<'_>, name: &str, default: Option<Py<PyAny>>) -> Option<Py<PyAny>> {
        self.names
            .iter()
            .position(|n| n == name)
            .map(|i| self.items[i].clone_ref(py))
            .or(default)
    }

    fn __len__(&self) -> usize {
        self.names.len()
    }

    fn __contains__(&self, name: &str) -> bool {
        self.names.iter().any(|n| n == name)
    }

    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        PyList::new(py, &self.names)?
            .into_any()
            .try_iter()
            .map(Bound::into_any)
    }

    /// The exports in order, as a list indexed by position (as
    /// wasmtime-py's `InstanceExports.by_index`).
    #[getter]
    fn by_index<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(py, self.items.iter().map(|i| i.clone_ref(py)))
    }

    /// The exports, in order.
    fn values(&self, py: Python<'_>) -> Vec<Py<PyAny>> {
        self.items.iter().map(|i| i.clone_ref(py)).collect()
    }

    /// The export names, in order.
    fn keys<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(py, &self.names)
    }

    /// `(name, export)` pairs, in order.
    fn items(&self, py: Python<'_>) -> Vec<(String, Py<PyAny>)> {
        self.names
            .iter()
            .cloned()
            .zip(self.items.iter().map(|i| i.clone_ref(py)))
            .collect()
    }
}
