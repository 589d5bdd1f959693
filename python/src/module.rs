//! `Module`: validated, compiled WebAssembly.

use crate::args::Arg;
use crate::engine::Engine;
use crate::errors::{closed_error, kiln_error, to_py_err};
use crate::types::{export_types, import_types};
use pyo3::exceptions::{PyOSError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyList, PyMemoryView, PyString};
use std::sync::RwLock;

/// Compiled WebAssembly, ready to instantiate in any store of its engine.
#[pyclass(module = "kiln", frozen, name = "Module")]
pub struct Module {
    /// `None` once closed.
    inner: RwLock<Option<kiln::Module>>,
    engine: Py<Engine>,
}

impl Module {
    fn wrap(inner: kiln::Module, engine: &Bound<'_, Engine>) -> Module {
        Module {
            inner: RwLock::new(Some(inner)),
            engine: engine.clone().unbind(),
        }
    }

    pub(crate) fn engine(&self) -> &Py<Engine> {
        &self.engine
    }

    /// The compiled module (a cheap handle), or `ValueError` once closed.
    pub(crate) fn module(&self) -> PyResult<kiln::Module> {
        self.inner
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
            .ok_or_else(|| closed_error("the module is closed"))
    }
}

/// The bytes of a module given as `bytes`-like binary or as `str` text.
pub(crate) fn wasm_bytes(wasm: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    if let Ok(s) = wasm.cast::<PyString>() {
        return Ok(s.to_cow()?.as_bytes().to_vec());
    }
    if let Ok(b) = wasm.cast::<PyBytes>() {
        return Ok(b.as_bytes().to_vec());
    }
    if let Ok(b) = wasm.cast::<PyByteArray>() {
        return Ok(b.to_vec());
    }
    if wasm.is_instance_of::<PyMemoryView>() {
        let py = wasm.py();
        let bytes = py.get_type::<PyBytes>().call1((wasm,))?;
        return Ok(bytes.cast_into::<PyBytes>()?.as_bytes().to_vec());
    }
    Err(PyTypeError::new_err(format!(
        "expected wasm as bytes or text as str, got {}",
        wasm.get_type().name()?
    )))
}

fn compile(py: Python<'_>, engine: &Bound<'_, Engine>, bytes: Vec<u8>) -> PyResult<Module> {
    let e = engine.get().inner()?.clone();
    let inner = py
        .detach(move || kiln::Module::new(&e, bytes))
        .map_err(|e| to_py_err(py, e))?;
    Ok(Module::wrap(inner, engine))
}

/// The `OSError` Python raises for `err` on `path`: `OSError(errno,
/// strerror, filename)` picks the subclass (`FileNotFoundError`, ...).
pub(crate) fn os_error(err: &std::io::Error, path: &std::path::Path) -> PyErr {
    let errno = err.raw_os_error().unwrap_or(0);
    // The message without Rust's " (os error N)" suffix, as Python words it.
    let message = err.to_string();
    let message = message
        .split(" (os error")
        .next()
        .unwrap_or(&message)
        .to_string();
    PyOSError::new_err((errno, message, path.as_os_str().to_os_string()))
}

/// Loads the artifact `bytes` on `engine`.
fn deserialize(py: Python<'_>, engine: &Bound<'_, Engine>, bytes: &[u8]) -> PyResult<Module> {
    // SAFETY: the engine's obligation (bytes from a trusted `serialize`)
    // is passed on to the Python caller by the documentation of
    // `Module.deserialize` and `Module.deserialize_file`, the only callers;
    // format, version and settings mismatches are detected by the engine.
    let inner = unsafe { kiln::Module::deserialize(engine.get().inner()?, bytes) }
        .map_err(|e| to_py_err(py, e))?;
    Ok(Module::wrap(inner, engine))
}

#[pymethods]
impl Module {
    /// Compiles `wasm`: binary (`bytes`) or text (`str`). The GIL is released
    /// while it compiles.
    #[new]
    fn new(py: Python<'_>, engine: Arg<'_, Engine>, wasm: &Bound<'_, PyAny>) -> PyResult<Self> {
        compile(py, &engine, wasm_bytes(wasm)?)
    }

    /// Compiles the module in the file at `path` (binary or text). A file
    /// that cannot be read raises the `OSError` Python's `open` would
    /// (`FileNotFoundError`, ...), as in wasmtime-py.
    #[staticmethod]
    fn from_file(
        py: Python<'_>,
        engine: Arg<'_, Engine>,
        path: std::path::PathBuf,
    ) -> PyResult<Self> {
        let bytes = std::fs::read(&path).map_err(|e| os_error(&e, &path))?;
        compile(py, &engine, bytes)
    }

    /// Checks that `wasm` (binary, or text as `str`) is a valid module for
    /// `engine`; raises `KilnError` if not.
    #[staticmethod]
    fn validate(py: Python<'_>, engine: Arg<'_, Engine>, wasm: &Bound<'_, PyAny>) -> PyResult<()> {
        // The validator reads binary only; text is translated first, so that
        // a text module is checked rather than refused for its first byte.
        let bytes = match wasm.cast::<PyString>() {
            Ok(text) => wat::parse_str(&*text.to_cow()?).map_err(|e| kiln_error(e.to_string()))?,
            Err(_) => wasm_bytes(wasm)?,
        };
        kiln::Module::validate(engine.get().inner()?, &bytes).map_err(|e| to_py_err(py, e))
    }

    /// The compiled module as bytes, for `Module.deserialize`.
    fn serialize<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let bytes = self.module()?.serialize().map_err(|e| to_py_err(py, e))?;
        Ok(PyBytes::new(py, &bytes))
    }

    /// Loads a module that `serialize` produced with an engine of the same
    /// version and settings; other versions and settings are refused with
    /// `KilnError`. The bytes are machine code that runs as is: load only
    /// bytes from a trusted `serialize`, never from an untrusted source.
    #[staticmethod]
    fn deserialize(
        py: Python<'_>,
        engine: Arg<'_, Engine>,
        data: &Bound<'_, PyAny>,
    ) -> PyResult<Self> {
        // Text is never an artifact: a `TypeError`, as in wasmtime-py.
        if data.is_instance_of::<PyString>() {
            return Err(PyTypeError::new_err(
                "expected a serialized module as bytes, got str",
            ));
        }
        deserialize(py, &engine, &wasm_bytes(data)?)
    }

    /// Loads a module that `serialize` produced from the file at `path`;
    /// as `deserialize`, load only files from a trusted `serialize`. The
    /// file is read whole and not kept open.
    #[staticmethod]
    fn deserialize_file(
        py: Python<'_>,
        engine: Arg<'_, Engine>,
        path: std::path::PathBuf,
    ) -> PyResult<Self> {
        let bytes = std::fs::read(&path)
            .map_err(|e| kiln_error(format!("failed to read {}: {e}", path.display())))?;
        deserialize(py, &engine, &bytes)
    }

    /// The module's imports, in order, as `ImportType`s.
    #[getter]
    fn imports<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        import_types(py, self.module()?.imports())
    }

    /// The module's exports, in order, as `ExportType`s.
    #[getter]
    fn exports<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        export_types(py, self.module()?.exports())
    }

    /// The module's name from its name section, if any.
    #[getter]
    fn name(&self) -> PyResult<Option<String>> {
        Ok(self.module()?.name().map(str::to_string))
    }

    /// Lets go of the compiled code now rather than when the last reference
    /// goes (instances made from it keep what they need); any later use of
    /// the module raises `ValueError`. Closing twice does nothing.
    fn close(&self) {
        let closed = self.inner.write().unwrap_or_else(|e| e.into_inner()).take();
        drop(closed);
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    /// Closes the module; exceptions propagate.
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

/// Translates WebAssembly text (`str`, or UTF-8 `bytes` as wasmtime-py
/// also takes) to binary, raising `KilnError` with the same message
/// `Module` gives for bad text.
#[pyfunction]
pub(crate) fn wat2wasm<'py>(
    py: Python<'py>,
    wat: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyBytes>> {
    let parsed = match wat.cast::<PyString>() {
        Ok(text) => wat::parse_str(&*text.to_cow()?),
        Err(_) => wat::parse_bytes(&wasm_bytes(wat)?).map(|b| b.into_owned()),
    };
    parsed
        .map(|bytes| PyBytes::new(py, &bytes))
        .map_err(|e| kiln_error(e.to_string()))
}
