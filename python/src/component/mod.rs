//! `kiln.component`: WebAssembly components, shaped like wasmtime-py's
//! `wasmtime.component`: `Component`, `Linker` and `LinkerInstance`,
//! `Instance`, `Func` (the dynamic path: Python values converted by type),
//! resources, and `TypedFunc`, the typed path generated glue uses.

mod resources;
pub(crate) mod typed;
mod values;

use crate::engine::Engine;
use crate::errors::{call_error, kiln_error, to_py_err};
use crate::module::Module;
use crate::store::{Shared, StoreData, StoreLike};
use kiln::component::types::{ComponentInstance, ComponentItem};
use kiln::component::Val;
use kiln::StoreContextMut;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyModule, PyTuple};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

pub(crate) use resources::{remember_host_type, ResourceAny, ResourceHost, ResourceType};

/// Adds the submodule `component` to the native module: its classes'
/// names (`Func`, `Instance`, `Linker`) are the core API's too.
pub(crate) fn register(parent: &Bound<'_, PyModule>) -> PyResult<()> {
    let m = PyModule::new(parent.py(), "component")?;
    add_classes(&m)?;
    parent.add_submodule(&m)
}

fn add_classes(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Component>()?;
    m.add_class::<Linker>()?;
    m.add_class::<LinkerInstance>()?;
    m.add_class::<Instance>()?;
    m.add_class::<ExportIndex>()?;
    m.add_class::<Func>()?;
    m.add_class::<ResourceType>()?;
    m.add_class::<ResourceAny>()?;
    m.add_class::<ResourceHost>()?;
    typed::register(m)?;
    Ok(())
}

static TYPES: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

/// `kiln.component._types`, where the type classes live.
fn types_module(py: Python<'_>) -> PyResult<&Bound<'_, PyModule>> {
    TYPES
        .get_or_try_init(py, || {
            Ok::<_, PyErr>(py.import("kiln.component._types")?.unbind())
        })
        .map(|m| m.bind(py))
}

/// Compiles the component `bytes` for `engine`, without the GIL.
fn compile(engine: &Bound<'_, Engine>, bytes: Vec<u8>) -> PyResult<Component> {
    let py = engine.py();
    let e = engine.get().inner()?.clone();
    let inner = py
        .detach(move || kiln::component::Component::new(&e, bytes))
        .map_err(|e| to_py_err(py, e))?;
    Ok(Component { inner })
}

/// A compiled component.
#[pyclass(module = "kiln.component", frozen, name = "Component")]
pub struct Component {
    pub(crate) inner: kiln::component::Component,
}

#[pymethods]
impl Component {
    /// Compiles `wasm` (binary `bytes`-like, or text as `str`) for
    /// `engine`. The GIL is released while it compiles.
    #[new]
    fn new(engine: &Bound<'_, Engine>, wasm: &Bound<'_, PyAny>) -> PyResult<Component> {
        compile(engine, crate::module::wasm_bytes(wasm)?)
    }

    /// Compiles the component in the file at `path`. A file that cannot
    /// be read raises the `OSError` Python's `open` would, as
    /// `Module.from_file` does.
    #[staticmethod]
    fn from_file(engine: &Bound<'_, Engine>, path: std::path::PathBuf) -> PyResult<Component> {
        let bytes = std::fs::read(&path).map_err(|e| crate::module::os_error(&e, &path))?;
        compile(engine, bytes)
    }

    /// The component's type: its imports and exports.
    #[getter]
    fn r#type<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let ty = self.inner.component_type();
        let mut imports = Vec::new();
        for (n, i) in ty.imports() {
            imports.push((n.to_string(), values::describe_item(py, i)?));
        }
        let mut exports = Vec::new();
        for (n, i) in ty.exports() {
            exports.push((n.to_string(), values::describe_item(py, i)?));
        }
        types_module(py)?
            .getattr("ComponentType")?
            .call1((imports, exports))
    }
}

/// What a `Linker` holds: Python's definitions, turned into the engine's
/// when a component is instantiated and the types of its imports are known.
enum Def {
    Func(Py<PyAny>),
    Resource(u32, Py<PyAny>),
    Instance(BTreeMap<String, Def>),
    Module(kiln::Module),
    /// A function of the typed path: its compiled signature and the Python
    /// callable, which takes and returns values of generated classes.
    Typed(Arc<typed::Signature>, Py<PyAny>),
}

#[derive(Default)]
struct LinkerState {
    root: BTreeMap<String, Def>,
    allow_shadowing: bool,
    traps: Vec<kiln::component::Component>,
}

impl LinkerState {
    fn at(&mut self, path: &[String]) -> PyResult<&mut BTreeMap<String, Def>> {
        let mut defs = &mut self.root;
        for name in path {
            defs = match defs.get_mut(name) {
                Some(Def::Instance(inner)) => inner,
                _ => return Err(kiln_error(format!("`{name}` is not an instance"))),
            };
        }
        Ok(defs)
    }

    fn insert(&mut self, path: &[String], name: &str, def: Def) -> PyResult<()> {
        let shadowing = self.allow_shadowing;
        let defs = self.at(path)?;
        if !shadowing && defs.contains_key(name) {
            return Err(kiln_error(format!("`{name}` is defined twice")));
        }
        defs.insert(name.to_string(), def);
        Ok(())
    }
}

/// Defines what components import, then instantiates them.
#[pyclass(module = "kiln.component", frozen, name = "Linker")]
pub struct Linker {
    engine: Py<Engine>,
    state: Arc<Mutex<LinkerState>>,
}

#[pymethods]
impl Linker {
    #[new]
    fn new(engine: Py<Engine>) -> Linker {
        Linker {
            engine,
            state: Arc::default(),
        }
    }

    /// Whether a later definition may replace an earlier one of the same name.
    #[setter]
    fn set_allow_shadowing(&self, allow: bool) {
        self.state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .allow_shadowing = allow;
    }

    /// The root instance, where world-level imports are defined.
    fn root(&self) -> LinkerInstance {
        LinkerInstance {
            state: self.state.clone(),
            path: Vec::new(),
        }
    }

    /// Defines every import of `component` that is not defined when it is
    /// instantiated as a function that traps.
    fn define_unknown_imports_as_traps(&self, component: &Component) {
        self.state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .traps
            .push(component.inner.clone());
    }

    /// Instantiates `component` in `store` with this linker's definitions.
    fn instantiate(
        &self,
        py: Python<'_>,
        store: StoreLike<'_>,
        component: &Component,
    ) -> PyResult<Instance> {
        let store = store.store()?;
        let engine = self.engine.bind(py).get().inner()?;
        let mut linker = kiln::component::Linker::<StoreData>::new(engine);
        {
            let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
            let ty = component.inner.component_type();
            define(py, &mut linker.root(), &state.root, &mut ty.imports())
                .map_err(|e| to_py_err(py, e))?;
            for c in &state.traps {
                linker
                    .define_unknown_imports_as_traps(c)
                    .map_err(|e| to_py_err(py, e))?;
            }
        }
        let shared = store.get().shared();
        let mut guard = shared.enter(&store)?;
        let instance = linker
            .instantiate(guard.cx(), &component.inner)
            .map_err(|e| call_error(py, e))?;
        Ok(Instance {
            inner: instance,
            store_id: shared.id,
        })
    }
}

/// Defines in `li` each import in `items` that `defs` has.
fn define(
    py: Python<'_>,
    li: &mut kiln::component::LinkerInstance<'_, StoreData>,
    defs: &BTreeMap<String, Def>,
    items: &mut dyn Iterator<Item = (&str, &ComponentItem)>,
) -> kiln::Result<()> {
    for (name, item) in items {
        match (item, defs.get(name)) {
            (ComponentItem::ComponentFunc(ty), Some(Def::Func(f))) => {
                let f = f.clone_ref(py);
                let ty = ty.clone();
                li.func_new(name, move |mut cx, params, results| {
                    host_call(&mut cx, |py, store| {
                        let mut args = vec![store];
                        for ((_, t), v) in ty.params().zip(params) {
                            args.push(values::from_val(py, v, t)?);
                        }
                        let returned = f.bind(py).call1(PyTuple::new(py, args)?)?;
                        if let (Some(t), Some(slot)) = (ty.results().next(), results.first_mut()) {
                            *slot = values::to_val(&returned, t)?;
                        }
                        Ok(())
                    })
                })?;
            }
            (ComponentItem::ComponentFunc(_), Some(Def::Typed(sig, f))) => {
                let (sig, f) = (sig.clone(), f.clone_ref(py));
                li.func_new_flat(name, move |cx, slots| sig.host_call(cx, slots, &f))?;
            }
            (ComponentItem::ComponentInstance(inner), Some(Def::Instance(d))) => {
                let mut sub = li.instance(name)?;
                define(py, &mut sub, d, &mut exports(inner))?;
            }
            (ComponentItem::Resource(_), Some(Def::Resource(key, dtor))) => {
                let dtor = dtor.clone_ref(py);
                li.resource(name, remember_host_type(*key), move |mut cx, rep| {
                    host_call(&mut cx, |py, store| {
                        dtor.bind(py).call1((store, rep))?;
                        Ok(())
                    })
                })?;
            }
            (ComponentItem::Module, Some(Def::Module(m))) => {
                li.module(name, m)?;
            }
            _ => {}
        }
    }
    Ok(())
}

fn exports(inst: &ComponentInstance) -> impl Iterator<Item = (&str, &ComponentItem)> {
    inst.exports()
}

/// Runs Python code for a component host function or destructor: the store
/// is lent to it, and an exception it raises travels up through wasm to
/// be raised again by the call that entered it.
pub(crate) fn host_call(
    cx: &mut StoreContextMut<'_, StoreData>,
    f: impl FnOnce(Python<'_>, Bound<'_, PyAny>) -> PyResult<()>,
) -> kiln::Result<()> {
    // SAFETY: the `Shared` owns this store and outlives it (see `StoreData`).
    let shared: &Shared = unsafe { &*cx.data().shared_ptr() };
    Python::attach(|py| {
        shared
            .lend_context(cx, || {
                let store = shared.py_store(py).to_owned().into_any();
                f(py, store)
            })
            .map_err(kiln::Error::host)
    })
}

/// A place in a `Linker` to define imports: the root or a named instance.
#[pyclass(module = "kiln.component", frozen, name = "LinkerInstance")]
pub struct LinkerInstance {
    state: Arc<Mutex<LinkerState>>,
    path: Vec<String>,
}

impl LinkerInstance {
    fn insert(&self, name: &str, def: Def) -> PyResult<()> {
        self.state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(&self.path, name, def)
    }
}

#[pymethods]
impl LinkerInstance {
    #[new]
    fn py_new() -> PyResult<Self> {
        Err(kiln_error("Cannot directly construct a `LinkerInstance`"))
    }

    /// The instance `name` inside this one, made if it does not exist yet.
    fn add_instance(&self, name: &str) -> PyResult<LinkerInstance> {
        {
            let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
            let defs = state.at(&self.path)?;
            match defs.get(name) {
                Some(Def::Instance(_)) => {}
                Some(_) => return Err(kiln_error(format!("`{name}` is defined twice"))),
                None => {
                    defs.insert(name.to_string(), Def::Instance(BTreeMap::new()));
                }
            }
        }
        let mut path = self.path.clone();
        path.push(name.to_string());
        Ok(LinkerInstance {
            state: self.state.clone(),
            path,
        })
    }

    /// Defines the function `name`: `func(store, *args)` gets the
    /// arguments as Python values and returns the result (or `None`).
    fn add_func(&self, name: &str, func: Py<PyAny>) -> PyResult<()> {
        self.insert(name, Def::Func(func))
    }

    /// Defines the function `name` for generated glue: `params` and
    /// `result` are its type specs (see `TypedFunc`), and `func(*args)`
    /// takes and returns values of the generated classes.
    fn add_typed_func(
        &self,
        name: &str,
        params: &Bound<'_, PyAny>,
        result: &Bound<'_, PyAny>,
        func: Py<PyAny>,
    ) -> PyResult<()> {
        let sig = typed::Signature::for_import(params, result)?;
        self.insert(name, Def::Typed(Arc::new(sig), func))
    }

    /// Defines the resource type `name` as the host's type `ty`;
    /// `dtor(store, rep)` runs when an owned handle to one is dropped.
    fn add_resource(&self, name: &str, ty: &ResourceType, dtor: Py<PyAny>) -> PyResult<()> {
        let key = ty
            .key
            .ok_or_else(|| kiln_error("the resource type must be made with ResourceType.host"))?;
        self.insert(name, Def::Resource(key, dtor))
    }

    /// Defines the core module `name`.
    fn add_module(&self, name: &str, module: &Module) -> PyResult<()> {
        self.insert(name, Def::Module(module.module()?))
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __exit__(
        &self,
        _exc_type: Option<&Bound<'_, PyAny>>,
        _exc_value: Option<&Bound<'_, PyAny>>,
        _traceback: Option<&Bound<'_, PyAny>>,
    ) -> bool {
        false
    }
}

/// An instance of a component.
#[pyclass(module = "kiln.component", frozen, name = "Instance")]
pub struct Instance {
    pub(crate) inner: kiln::component::Instance,
    pub(crate) store_id: u64,
}

/// An export of an instance, to look up what is inside it.
#[pyclass(module = "kiln.component", frozen, name = "ExportIndex")]
pub struct ExportIndex {
    inner: kiln::component::ComponentExportIndex,
}

fn check_store(id: u64, shared: &Shared) -> PyResult<()> {
    crate::func::check_same_store(id, shared, "component instance")
}

#[pymethods]
impl Instance {
    #[new]
    fn py_new() -> PyResult<Self> {
        Err(kiln_error("Cannot directly construct an `Instance`"))
    }

    /// The export `name`, or the export `name` of the exported instance
    /// `instance`; `None` if there is none.
    #[pyo3(signature = (store, name, instance=None))]
    fn get_export_index(
        &self,
        store: StoreLike<'_>,
        name: &str,
        instance: Option<&ExportIndex>,
    ) -> PyResult<Option<ExportIndex>> {
        let store = store.store()?;
        let shared = store.get().shared();
        check_store(self.store_id, shared)?;
        let mut guard = shared.enter(&store)?;
        Ok(self
            .inner
            .get_export_index(guard.cx(), instance.map(|i| &i.inner), name)
            .map(|inner| ExportIndex { inner }))
    }

    /// The exported function `index` (a name or an `ExportIndex`), or `None`.
    fn get_func(&self, store: StoreLike<'_>, index: &Bound<'_, PyAny>) -> PyResult<Option<Func>> {
        let store = store.store()?;
        let shared = store.get().shared();
        check_store(self.store_id, shared)?;
        let mut guard = shared.enter(&store)?;
        let func = if let Ok(i) = index.cast::<ExportIndex>() {
            self.inner.get_func(guard.cx(), i.get().inner.clone())
        } else {
            let name: String = index.extract()?;
            self.inner.get_func(guard.cx(), name.as_str())
        };
        Ok(func.map(|f| Func::wrap(&mut guard.cx(), f, shared.id)))
    }

    /// The exported resource type `name`, or `None`.
    fn get_resource(&self, store: StoreLike<'_>, name: &str) -> PyResult<Option<ResourceType>> {
        let store = store.store()?;
        let shared = store.get().shared();
        check_store(self.store_id, shared)?;
        let mut guard = shared.enter(&store)?;
        Ok(self
            .inner
            .get_resource(guard.cx(), name)
            .map(|inner| ResourceType { inner, key: None }))
    }
}

/// A function a component instance exports: call it as
/// `func(store, *args)`.
#[pyclass(module = "kiln.component", frozen, name = "Func")]
pub struct Func {
    pub(crate) inner: kiln::component::Func,
    pub(crate) store_id: u64,
    pub(crate) ty: kiln::component::types::ComponentFunc,
}

impl Func {
    fn wrap(
        cx: &mut StoreContextMut<'_, StoreData>,
        f: kiln::component::Func,
        store_id: u64,
    ) -> Func {
        let ty = f.ty(&*cx);
        Func {
            inner: f,
            store_id,
            ty,
        }
    }
}

#[pymethods]
impl Func {
    #[new]
    fn py_new() -> PyResult<Self> {
        Err(kiln_error("Cannot directly construct a `Func`"))
    }

    /// Calls the function with Python values converted by its parameter
    /// types; returns its result (`None` without one). A trap raises
    /// `Trap`; an exception a host function raised is raised again.
    #[pyo3(signature = (store, *args))]
    fn __call__<'py>(
        &self,
        py: Python<'py>,
        store: StoreLike<'py>,
        args: &Bound<'py, PyTuple>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let store = store.store()?;
        let shared = store.get().shared();
        check_store(self.store_id, shared)?;
        let n = self.ty.params().len();
        if args.len() != n {
            return Err(pyo3::exceptions::PyTypeError::new_err(format!(
                "wrong number of parameters provided: given {}, expected {n}",
                args.len()
            )));
        }
        let mut params = Vec::with_capacity(n);
        for (arg, (_, t)) in args.iter().zip(self.ty.params()) {
            params.push(values::to_val(&arg, t)?);
        }
        let mut results: Vec<Val> = self.ty.results().map(|_| Val::Bool(false)).collect();
        {
            let mut guard = shared.enter(&store)?;
            self.inner
                .call(guard.cx(), &params, &mut results)
                .map_err(|e| call_error(py, e))?;
        }
        match (results.first(), self.ty.results().next()) {
            (Some(v), Some(t)) => values::from_val(py, v, t),
            _ => Ok(py.None().into_bound(py)),
        }
    }

    /// Kiln runs `post-return` as part of each call: nothing is left to do.
    fn post_return(&self, store: StoreLike<'_>) -> PyResult<()> {
        let _ = store.store()?;
        Ok(())
    }

    /// The function's type.
    fn r#type<'py>(&self, py: Python<'py>, store: StoreLike<'py>) -> PyResult<Bound<'py, PyAny>> {
        let _ = store.store()?;
        let desc = values::describe_func(py, &self.ty)?;
        types_module(py)?.getattr("from_item")?.call1((desc,))
    }
}
