//! The one place Kiln errors become Python exceptions. The exception classes
//! are defined in Python (`kiln/_errors.py`) so they read like any other.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyList, PyType};

static KILN_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static TRAP: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static EXIT_TRAP: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static TRAP_CODE: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static FRAME: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static ARGUMENT_TYPE_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();

fn class<'py>(
    py: Python<'py>,
    cell: &'static PyOnceLock<Py<PyType>>,
    name: &str,
) -> PyResult<&'py Bound<'py, PyType>> {
    cell.import(py, "kiln._errors", name)
}

/// A `KilnError` with `message`.
pub(crate) fn kiln_error(message: impl Into<String>) -> PyErr {
    let message = message.into();
    Python::attach(|py| match class(py, &KILN_ERROR, "KilnError") {
        Ok(ty) => PyErr::from_type(ty.clone(), message),
        Err(e) => e,
    })
}

/// The error for an argument that is not the `expected` kind of object:
/// an `ArgumentTypeError`, both the `TypeError` Python code expects and the
/// `AttributeError` wasmtime-py raises for most such arguments.
pub(crate) fn argument_type_error(expected: &str, got: &Bound<'_, PyAny>) -> PyErr {
    let py = got.py();
    let got = got
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "an object".to_string());
    let message = format!("expected {expected}, got {got}");
    match class(py, &ARGUMENT_TYPE_ERROR, "ArgumentTypeError") {
        Ok(ty) => PyErr::from_type(ty.clone(), message),
        Err(e) => e,
    }
}

/// The error for using what has been closed (a store, a module) or has
/// expired (a `Caller` after its host function returned): a `ValueError`,
/// as Python raises for a closed file and wasmtime-py for a closed object.
pub(crate) fn closed_error(message: &str) -> PyErr {
    pyo3::exceptions::PyValueError::new_err(message.to_string())
}

/// The position of each trap code in Python's `TrapCode` enum: the
/// engine's stable number.
fn trap_code_value(code: kiln::TrapCode) -> u8 {
    code.number()
}

fn trap_exception(py: Python<'_>, message: &str, trap: &kiln::Trap) -> PyResult<PyErr> {
    let code = class(py, &TRAP_CODE, "TrapCode")?.call1((trap_code_value(trap.code()),))?;
    let frame = class(py, &FRAME, "Frame")?;
    let frames = PyList::empty(py);
    for f in trap.backtrace() {
        frames.append(frame.call1((
            f.func_index,
            f.func_name.as_deref(),
            f.module_name.as_deref(),
            f.func_offset,
            f.module_offset,
        ))?)?;
    }
    let exc = class(py, &TRAP, "Trap")?.call1((message, code, frames))?;
    Ok(PyErr::from_value(exc))
}

/// The Python exception for a Kiln error: `ExitTrap` for a WASI exit, `Trap`
/// for a trap, `KilnError` for everything else.
pub(crate) fn to_py_err(py: Python<'_>, err: kiln::Error) -> PyErr {
    exception_for(py, &err)
}

/// The exception to raise for the error that ended a call into wasm: the
/// very exception a host function raised, which the error carries (see
/// [`kiln::Error::host`]), chained from the trap it became; or else the
/// error's own exception.
pub(crate) fn call_error(py: Python<'_>, err: kiln::Error) -> PyErr {
    let own = exception_for(py, &err);
    match err.downcast::<PyErr>() {
        Ok(raised) => {
            if raised.cause(py).is_none() {
                raised.set_cause(py, Some(own));
            }
            raised
        }
        Err(_) => own,
    }
}

fn exception_for(py: Python<'_>, err: &kiln::Error) -> PyErr {
    let made = if let Some(code) = err.i32_exit() {
        class(py, &EXIT_TRAP, "ExitTrap")
            .and_then(|ty| ty.call1((err.message(), code)))
            .map(PyErr::from_value)
    } else if let Some(trap) = err.trap() {
        trap_exception(py, err.message(), trap)
    } else {
        class(py, &KILN_ERROR, "KilnError")
            .map(|ty| PyErr::from_type(ty.clone(), err.message().to_string()))
    };
    made.unwrap_or_else(|e| e)
}

/// A frame as Python's `Frame` carries it: function index, function name,
/// module name, function offset, module offset.
type FrameFields = (
    u32,
    Option<String>,
    Option<String>,
    Option<usize>,
    Option<usize>,
);

/// The text Wasmtime gives a trap (see [`kiln::wasmtime_trap_text`]): what
/// `str(trap)` shows, so that code ported from wasmtime-py sees its report.
#[pyfunction]
pub(crate) fn wasmtime_trap_text(
    code: Option<u8>,
    message: &str,
    frames: Vec<FrameFields>,
) -> String {
    let frames: Vec<kiln::FrameInfo> = frames
        .into_iter()
        .map(
            |(func_index, func_name, module_name, func_offset, module_offset)| kiln::FrameInfo {
                func_index,
                func_name,
                module_name,
                func_offset,
                module_offset,
            },
        )
        .collect();
    kiln::wasmtime_trap_text(code.and_then(kiln::TrapCode::from_number), message, &frames)
}

/// The text Wasmtime gives a WASI exit with `status` (`str(exit_trap)`).
#[pyfunction]
pub(crate) fn wasmtime_exit_message(status: i32) -> String {
    kiln::wasmtime_exit_message(status)
}
