//! `Func`: calls from Python into wasm, and host functions that wasm calls.

use crate::args::Arg;
use crate::errors::{call_error, kiln_error};
use crate::store::{Caller, Guard, SendContext, Shared, Store, StoreData, StoreLike};
use crate::types::FuncType;
use crate::values::{from_val, to_val};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple};
use smallvec::SmallVec;

/// A function: exported by an instance, or defined by Python. Call it as
/// `func(store, *args)`; it returns `None`, one value, or a list of values.
#[pyclass(module = "kiln", frozen, name = "Func")]
pub struct Func {
    pub(crate) func: kiln::Func,
    pub(crate) store_id: u64,
    ty: kiln::FuncType,
    /// Called without releasing the GIL (see `kiln::Func::is_brief`).
    brief: bool,
    /// A wasm function whose type fits raw calls (`kiln::RawFunc::fits`),
    /// prepared for calls through raw slots.
    raw: Option<kiln::RawFunc>,
}

/// Where a host function finds its Python callable.
pub(crate) enum Callable {
    /// In its store's list (functions made with `Func(store, ...)`).
    InStore(usize),
    /// Owned by the function (functions a `Linker` defines for any store).
    Owned(Py<PyAny>),
}

impl Func {
    pub(crate) fn wrap(guard: &mut Guard<'_>, func: kiln::Func) -> Func {
        let cx = guard.cx();
        let ty = func.ty(&cx);
        // `to_raw` also refuses host functions.
        let raw = kiln::RawFunc::fits(&ty)
            .then(|| func.to_raw(&cx).ok())
            .flatten();
        let brief = func.is_brief(&cx);
        Func {
            func,
            store_id: guard.shared().id,
            ty,
            brief,
            raw,
        }
    }

    /// Runs `call` on the store: with the GIL released, unless the function
    /// is brief (releasing and retaking the GIL would cost more than it).
    fn run(
        &self,
        py: Python<'_>,
        store: &Bound<'_, Store>,
        call: impl FnOnce(kiln::StoreContextMut<'_, StoreData>) -> kiln::Result<()> + Send,
    ) -> PyResult<kiln::Result<()>> {
        let mut guard = store.get().shared().enter(store)?;
        if self.brief {
            return Ok(call(guard.cx()));
        }
        let cx = SendContext(guard.cx());
        Ok(py.detach(move || call(cx.into_inner())))
    }

    pub(crate) fn check_store(&self, shared: &Shared) -> PyResult<()> {
        check_same_store(self.store_id, shared, "function")
    }
}

pub(crate) fn check_same_store(id: u64, shared: &Shared, what: &str) -> PyResult<()> {
    if id == shared.id {
        Ok(())
    } else {
        Err(kiln_error(format!(
            "the {what} belongs to a different store"
        )))
    }
}

/// The Python object for a function reference, wrapped using the store.
fn func_object(py: Python<'_>, store: &Bound<'_, Store>, func: kiln::Func) -> PyResult<Py<PyAny>> {
    let mut guard = store.get().shared().enter(store)?;
    Ok(Py::new(py, Func::wrap(&mut guard, func))?.into_any())
}

/// Converts results to what a Python call returns: `None`, the one value, or
/// a list.
fn results_to_py(
    py: Python<'_>,
    store: &Bound<'_, Store>,
    results: &[kiln::Val],
) -> PyResult<Py<PyAny>> {
    let mut wrap = |f| func_object(py, store, f);
    match results {
        [] => Ok(py.None()),
        [one] => Ok(from_val(py, one, &mut wrap)?.unbind()),
        many => {
            let list = PyList::empty(py);
            for v in many {
                list.append(from_val(py, v, &mut wrap)?)?;
            }
            Ok(list.into_any().unbind())
        }
    }
}

/// Runs a Python host function for wasm: converts the arguments, calls
/// `callable`, and converts what it returns into `results`. While it runs,
/// Python code may use the store through `caller`.
pub(crate) fn host_call(
    mut caller: kiln::Caller<'_, StoreData>,
    params: &[kiln::Val],
    results: &mut [kiln::Val],
    callable: &Callable,
    access_caller: bool,
) -> kiln::Result<()> {
    // SAFETY: the `Shared` owns this store and outlives it (see `StoreData`).
    let shared = unsafe { &*caller.data().shared_ptr() };
    Python::attach(|py| {
        match shared.lend(&mut caller, || {
            invoke(py, shared, params, results, callable, access_caller)
        }) {
            Ok(()) => Ok(()),
            // The exception itself travels up through wasm, to be raised
            // again by the call that entered it (see `errors::call_error`).
            Err(err) => Err(kiln::Error::host(err)),
        }
    })
}

fn invoke(
    py: Python<'_>,
    shared: &Shared,
    params: &[kiln::Val],
    results: &mut [kiln::Val],
    callable: &Callable,
    access_caller: bool,
) -> PyResult<()> {
    let callable = match callable {
        Callable::InStore(index) => shared
            .callable(py, *index)
            .ok_or_else(|| kiln_error("the host function's store has been cleared"))?,
        Callable::Owned(c) => c.clone_ref(py),
    };
    let mut args: SmallVec<[Bound<'_, PyAny>; 8]> = SmallVec::new();
    let caller = if access_caller {
        let caller = Bound::new(py, Caller::new(shared.py_store(py).to_owned().unbind()))?;
        args.push(caller.clone().into_any());
        Some(caller)
    } else {
        None
    };
    let store = shared.py_store(py);
    let mut wrap = |f| func_object(py, &store, f);
    for p in params {
        args.push(from_val(py, p, &mut wrap)?);
    }
    let args = PyTuple::new(py, args)?;
    let returned = callable.bind(py).call1(args);
    if let Some(caller) = caller {
        caller.get().deactivate();
    }
    let returned = returned?;
    match results {
        // A wrong number of results is a `KilnError`, as in wasmtime-py; a
        // result that is not a sequence, or not of its type, a `TypeError`.
        [] => {
            if !returned.is_none() {
                return Err(kiln_error(
                    "the host function returned a value, but its type has no results",
                ));
            }
        }
        [one] => *one = to_val(&returned, one.ty())?,
        many => {
            let values: Vec<Bound<'_, PyAny>> = returned.extract().map_err(|_| {
                PyTypeError::new_err(format!(
                    "the host function must return a sequence of {} values",
                    many.len()
                ))
            })?;
            if values.len() != many.len() {
                return Err(kiln_error(format!(
                    "the host function returned {} values, but its type has {} results",
                    values.len(),
                    many.len()
                )));
            }
            for (slot, v) in many.iter_mut().zip(&values) {
                *slot = to_val(v, slot.ty())?;
            }
        }
    }
    Ok(())
}

#[pymethods]
impl Func {
    /// A host function of type `ty` that runs `func`. With
    /// `access_caller=True`, `func` gets a `Caller` as its first argument.
    /// (`access_caller` may come by position, as wasmtime-py allows.)
    #[new]
    #[pyo3(signature = (store, ty, func, access_caller=false))]
    fn new(
        store: StoreLike<'_>,
        ty: Arg<'_, FuncType>,
        func: Py<PyAny>,
        access_caller: bool,
    ) -> PyResult<Func> {
        let store = store.store()?;
        let shared = store.get().shared();
        let callable = Callable::InStore(shared.register_callable(func));
        let ty = ty.get().0.clone();
        let mut guard = shared.enter(&store)?;
        let host = move |caller: kiln::Caller<'_, StoreData>,
                         params: &[kiln::Val],
                         results: &mut [kiln::Val]| {
            host_call(caller, params, results, &callable, access_caller)
        };
        let func = kiln::Func::new(guard.cx(), ty.clone(), host);
        Ok(Func {
            func,
            store_id: shared.id,
            ty,
            brief: false,
            raw: None,
        })
    }

    /// The function's type. The store is optional: the type is known
    /// without it, but when given it must be the function's own.
    #[pyo3(signature = (store=None))]
    fn r#type(&self, store: Option<StoreLike<'_>>) -> PyResult<FuncType> {
        if let Some(store) = store {
            self.check_store(store.store()?.get().shared())?;
        }
        Ok(FuncType(self.ty.clone()))
    }

    /// Calls the function in `store` with `args`; a trap raises `Trap`, and
    /// an exception raised by a host function is re-raised as it was.
    // The store is the first of `args` rather than a parameter of its own:
    // that spares pyo3 slicing the arguments into a second tuple per call.
    #[pyo3(signature = (*args))]
    fn __call__(&self, py: Python<'_>, args: &Bound<'_, PyTuple>) -> PyResult<Py<PyAny>> {
        let Ok(store) = args.get_borrowed_item(0) else {
            return Err(PyTypeError::new_err(
                "a function is called with its store first: func(store, *args)",
            ));
        };
        let store = match store.cast::<Store>() {
            Ok(s) => s.to_owned(),
            Err(_) => store.extract::<StoreLike<'_>>()?.store()?,
        };
        let shared = store.get().shared();
        self.check_store(shared)?;
        let param_types = self.ty.params();
        // A `KilnError` rather than Python's `TypeError`, as in wasmtime-py,
        // which checks the count against the function's wasm type.
        if args.len() - 1 != param_types.len() {
            return Err(kiln_error(format!(
                "the function expects {} arguments, got {}",
                param_types.len(),
                args.len() - 1
            )));
        }
        let func = self.func;
        if let Some(raw) = self.raw {
            // Numbers and vectors only: straight into raw slots, no `Val`s
            // in between.
            let mut slots = [0u128; kiln::RawFunc::MAX_VALUES];
            for (slot, (arg, ty)) in slots.iter_mut().zip(args.iter().skip(1).zip(param_types)) {
                *slot = to_val(&arg, *ty)?
                    .to_slot()
                    .expect("a raw function takes no references");
            }
            let call_slots = &mut slots;
            let outcome = self.run(py, &store, move |cx| {
                // SAFETY: `raw` fits raw calls, so it has at most
                // `RawFunc::MAX_VALUES` parameters and results, as many as
                // `slots` holds (aligned as u128s are, and outliving the
                // call); the parameters were converted to its types.
                unsafe { raw.call(cx, call_slots.as_mut_ptr()) }
            })?;
            return match outcome {
                Ok(()) => {
                    let results: SmallVec<[kiln::Val; 2]> = self
                        .ty
                        .results()
                        .iter()
                        .zip(slots.iter())
                        .map(|(t, slot)| {
                            // SAFETY: `slot` is a live, aligned slot of `slots`.
                            let bits = unsafe { kiln::RawFunc::read_slot(slot, *t) };
                            kiln::Val::from_slot(bits, *t)
                                .expect("a raw function returns no references")
                        })
                        .collect();
                    results_to_py(py, &store, &results)
                }
                Err(err) => Err(call_error(py, err)),
            };
        }
        let mut params: SmallVec<[kiln::Val; 4]> = SmallVec::with_capacity(param_types.len());
        for (arg, ty) in args.iter().skip(1).zip(param_types) {
            params.push(to_val(&arg, *ty)?);
        }
        let mut results: SmallVec<[kiln::Val; 2]> = self
            .ty
            .results()
            .iter()
            .map(|t| kiln::Val::default_for(*t))
            .collect();
        let outcome = {
            let (params, results) = (&params[..], &mut results[..]);
            self.run(py, &store, move |cx| func.call(cx, params, results))?
        };
        match outcome {
            Ok(()) => results_to_py(py, &store, &results),
            Err(err) => Err(call_error(py, err)),
        }
    }

    fn __repr__(&self) -> String {
        format!("<kiln.Func {}>", self.ty)
    }
}
