//! `Linker`: imports by name.

use crate::args::{Arg, Name};
use crate::engine::Engine;
use crate::errors::{closed_error, kiln_error, to_py_err};
use crate::externals::{to_extern, wrap_extern};
use crate::func::{check_same_store, host_call, Callable};
use crate::instance::{instantiate, Instance};
use crate::module::Module;
use crate::store::{StoreData, StoreLike};
use crate::types::FuncType;
use pyo3::prelude::*;
use std::ops::{Deref, DerefMut};
use std::sync::{Mutex, MutexGuard};

/// Defines imports by module and name, then instantiates modules with them.
/// Functions defined with `define_func` work in every store of the engine.
#[pyclass(module = "kiln", frozen, name = "Linker")]
pub struct Linker {
    /// `None` once closed.
    inner: Mutex<Option<kiln::Linker<StoreData>>>,
    engine: Py<Engine>,
}

/// The locked linker, open.
struct Locked<'a>(MutexGuard<'a, Option<kiln::Linker<StoreData>>>);

impl Deref for Locked<'_> {
    type Target = kiln::Linker<StoreData>;

    fn deref(&self) -> &Self::Target {
        self.0.as_ref().expect("`Linker::lock` checked it is open")
    }
}

impl DerefMut for Locked<'_> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        self.0.as_mut().expect("`Linker::lock` checked it is open")
    }
}

impl Linker {
    fn lock(&self) -> PyResult<Locked<'_>> {
        let guard = self
            .inner
            .try_lock()
            .map_err(|_| kiln_error("the linker is busy: it is instantiating a module"))?;
        if guard.is_none() {
            return Err(closed_error("the linker is closed"));
        }
        Ok(Locked(guard))
    }
}

#[pymethods]
impl Linker {
    /// An empty linker for modules of `engine`.
    #[new]
    fn new(engine: Arg<'_, Engine>) -> PyResult<Self> {
        Ok(Linker {
            inner: Mutex::new(Some(kiln::Linker::new(engine.get().inner()?))),
            engine: engine.clone().unbind(),
        })
    }

    /// Drops the linker's definitions now (host functions, and externs of
    /// stores, which stay alive in their stores); any later use of the
    /// linker raises `ValueError`, as in wasmtime-py. Instances and
    /// `InstancePre`s made with it keep working. Closing twice does
    /// nothing.
    fn close(&self) -> PyResult<()> {
        let closed = self
            .inner
            .try_lock()
            .map_err(|_| kiln_error("the linker is busy: it is instantiating a module"))?
            .take();
        drop(closed);
        Ok(())
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    /// Closes the linker; exceptions propagate.
    fn __exit__(
        &self,
        _exc_type: Option<&Bound<'_, PyAny>>,
        _exc_value: Option<&Bound<'_, PyAny>>,
        _traceback: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<bool> {
        self.close()?;
        Ok(false)
    }

    /// The engine the linker was made for.
    #[getter]
    fn engine(&self, py: Python<'_>) -> Py<Engine> {
        self.engine.clone_ref(py)
    }

    /// Whether a later definition of a name may replace an earlier one
    /// (by default it is an error).
    #[setter]
    fn set_allow_shadowing(&self, allow: bool) -> PyResult<()> {
        self.lock()?.allow_shadowing(allow);
        Ok(())
    }

    /// Defines `module`.`name` as `item`, a `Func`, `Memory`, `Table` or
    /// `Global` of `store`.
    fn define(
        &self,
        store: StoreLike<'_>,
        module: Name,
        name: Name,
        item: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let (module, name) = (module.0.as_str(), name.0.as_str());
        let store = store.store()?;
        let shared = store.get().shared();
        let (item, id) = to_extern(item)?;
        check_same_store(id, shared, "definition")?;
        let mut linker = self.lock()?;
        let mut guard = shared.enter(&store)?;
        linker
            .define(&guard.cx(), module, name, item)
            .map(|_| ())
            .map_err(|e| to_py_err(store.py(), e))
    }

    /// Defines `module`.`name` as a host function of type `ty` that runs
    /// `func`, in whichever store instantiates with this linker. With
    /// `access_caller=True`, `func` gets a `Caller` as its first argument.
    /// (`access_caller` may come by position, as wasmtime-py allows.)
    #[pyo3(signature = (module, name, ty, func, access_caller=false))]
    fn define_func(
        &self,
        py: Python<'_>,
        module: Name,
        name: Name,
        ty: Arg<'_, FuncType>,
        func: Py<PyAny>,
        access_caller: bool,
    ) -> PyResult<()> {
        let callable = Callable::Owned(func);
        let host = move |caller: kiln::Caller<'_, StoreData>,
                         params: &[kiln::Val],
                         results: &mut [kiln::Val]| {
            host_call(caller, params, results, &callable, access_caller)
        };
        self.lock()?
            .func_new(&module.0, &name.0, ty.get().0.clone(), host)
            .map(|_| ())
            .map_err(|e| to_py_err(py, e))
    }

    /// Defines every `wasi_snapshot_preview1` function; each store gets what
    /// its `Store.set_wasi` granted (nothing by default).
    fn define_wasi(&self, py: Python<'_>) -> PyResult<()> {
        kiln_wasi::add_to_linker(&mut *self.lock()?, |data: &mut StoreData| &mut data.wasi)
            .map_err(|e| to_py_err(py, e))
    }

    /// Defines every export of `instance` under the module name `name`.
    fn define_instance(
        &self,
        store: StoreLike<'_>,
        name: Name,
        instance: Arg<'_, Instance>,
    ) -> PyResult<()> {
        let name = name.0.as_str();
        let store = store.store()?;
        let shared = store.get().shared();
        let instance = instance.get();
        check_same_store(instance.store_id, shared, "instance")?;
        let mut linker = self.lock()?;
        let mut guard = shared.enter(&store)?;
        linker
            .instance(guard.cx(), name, instance.instance)
            .map(|_| ())
            .map_err(|e| to_py_err(store.py(), e))
    }

    /// Instantiates `module` in `store` and defines its exports under the
    /// module name `name`.
    fn define_module(
        &self,
        store: StoreLike<'_>,
        name: Name,
        module: Arg<'_, Module>,
    ) -> PyResult<()> {
        let store = store.store()?;
        let instance = Bound::new(
            store.py(),
            self.instantiate(StoreLike::Store(store.clone()), module)?,
        )?;
        self.define_instance(StoreLike::Store(store), name, Arg::from(instance))
    }

    /// Instantiates `module` in `store`, taking each import from this
    /// linker's definitions.
    fn instantiate(&self, store: StoreLike<'_>, module: Arg<'_, Module>) -> PyResult<Instance> {
        let store = store.store()?;
        let linker = self.lock()?;
        let m = module.get().module()?;
        let linker_ref = &*linker;
        instantiate(&store, &module, move |cx| linker_ref.instantiate(cx, &m))
    }

    /// The definition of `module`.`name` as an extern of `store`; a
    /// `KilnError` when there is none (as wasmtime-py raises its error).
    fn get(&self, store: StoreLike<'_>, module: Name, name: Name) -> PyResult<Py<PyAny>> {
        let (module, name) = (module.0.as_str(), name.0.as_str());
        let store = store.store()?;
        let py = store.py();
        let linker = self.lock()?;
        let mut guard = store.get().shared().enter(&store)?;
        match linker.get(guard.cx(), module, name) {
            Some(item) => wrap_extern(py, &mut guard, item),
            None => Err(kiln_error(format!(
                "`{module}::{name}` is not defined in the linker"
            ))),
        }
    }

    /// The default export of the module name `name` in `store`: its export
    /// `""` or `_start`, or else a function that does nothing.
    fn get_default(&self, store: StoreLike<'_>, name: Name) -> PyResult<Py<PyAny>> {
        let name = name.0.as_str();
        let store = store.store()?;
        let py = store.py();
        let linker = self.lock()?;
        let mut guard = store.get().shared().enter(&store)?;
        let func = linker
            .get_default(guard.cx(), name)
            .map_err(|e| to_py_err(py, e))?;
        wrap_extern(py, &mut guard, kiln::Extern::Func(func))
    }

    /// Defines each function `module` imports that the linker does not
    /// define as one that traps, naming the import, when called.
    fn define_unknown_imports_as_traps(
        &self,
        py: Python<'_>,
        module: Arg<'_, Module>,
    ) -> PyResult<()> {
        self.lock()?
            .define_unknown_imports_as_traps(&module.get().module()?)
            .map(|_| ())
            .map_err(|e| to_py_err(py, e))
    }

    /// Defines each function `module` imports that the linker does not
    /// define as one that returns zeros and null references. (`store` is
    /// taken for wasmtime-py's signature; the functions serve every store.)
    fn define_unknown_imports_as_default_values(
        &self,
        store: StoreLike<'_>,
        module: Arg<'_, Module>,
    ) -> PyResult<()> {
        let store = store.store()?;
        self.lock()?
            .define_unknown_imports_as_default_values(&module.get().module()?)
            .map(|_| ())
            .map_err(|e| to_py_err(store.py(), e))
    }

    /// Checks that every import of `module` is defined, and returns what
    /// instantiates it in any store from then on, with the definitions the
    /// linker has now.
    fn instantiate_pre(&self, py: Python<'_>, module: Arg<'_, Module>) -> PyResult<InstancePre> {
        let pre = self
            .lock()?
            .instantiate_pre(&module.get().module()?)
            .map_err(|e| to_py_err(py, e))?;
        Ok(InstancePre {
            pre: Mutex::new(Some(pre)),
            module: module.into_bound().unbind(),
        })
    }
}

/// A module whose imports a `Linker` defines, ready to be instantiated in
/// any store of the linker's engine (see `Linker.instantiate_pre`).
#[pyclass(module = "kiln", frozen, name = "InstancePre")]
pub struct InstancePre {
    /// `None` once closed.
    pre: Mutex<Option<kiln::InstancePre<StoreData>>>,
    module: Py<Module>,
}

#[pymethods]
impl InstancePre {
    /// The module this was made for.
    #[getter]
    fn module(&self, py: Python<'_>) -> Py<Module> {
        self.module.clone_ref(py)
    }

    /// Instantiates the module in `store`.
    fn instantiate(&self, store: StoreLike<'_>) -> PyResult<Instance> {
        let store = store.store()?;
        let module = self.module.bind(store.py());
        // A copy (it shares the definitions), so that no lock is held while
        // the start function runs.
        let pre = self
            .pre
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
            .ok_or_else(|| closed_error("the InstancePre is closed"))?;
        instantiate(&store, module, move |cx| pre.instantiate(cx))
    }

    /// Drops what it holds now; any later `instantiate` raises
    /// `ValueError`, as in wasmtime-py. Closing twice does nothing.
    fn close(&self) {
        let closed = self.pre.lock().unwrap_or_else(|e| e.into_inner()).take();
        drop(closed);
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    /// Closes it; exceptions propagate.
    fn __exit__(
        &self,
        _exc_type: Option<&Bound<'_, PyAny>>,
        _exc_value: Option<&Bound<'_, PyAny>>,
        _traceback: Option<&Bound<'_, PyAny>>,
    ) -> bool {
        self.close();
        false
    }
}
