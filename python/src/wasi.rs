//! `WasiConfig`: what a WASI guest is granted.

use crate::errors::{closed_error, kiln_error, to_py_err};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use std::path::PathBuf;
use std::sync::Mutex;

/// What a WASI program may see and touch: its arguments, environment,
/// standard streams and pre-opened directories. Nothing is granted unless
/// asked for. Give it to a store with `Store.set_wasi`.
#[pyclass(module = "kiln", frozen, name = "WasiConfig")]
pub struct WasiConfig {
    /// `None` once closed.
    config: Mutex<Option<kiln_wasi::WasiConfig>>,
}

impl WasiConfig {
    /// Replaces the configuration with what `f` makes of it; `ValueError`
    /// once closed.
    fn update(
        &self,
        f: impl FnOnce(kiln_wasi::WasiConfig) -> kiln_wasi::WasiConfig,
    ) -> PyResult<()> {
        let mut config = self.config.lock().unwrap_or_else(|e| e.into_inner());
        let open = config
            .take()
            .ok_or_else(|| closed_error("the WASI configuration is closed"))?;
        *config = Some(f(open));
        Ok(())
    }

    /// Opens the files and directories and builds the context.
    pub(crate) fn build(&self, py: Python<'_>) -> PyResult<kiln_wasi::WasiCtx> {
        let config = self
            .config
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
            .ok_or_else(|| closed_error("the WASI configuration is closed"))?;
        config.build().map_err(|e| to_py_err(py, e))
    }
}

#[pymethods]
impl WasiConfig {
    /// A configuration that grants nothing.
    #[new]
    fn new() -> Self {
        WasiConfig {
            config: Mutex::new(Some(kiln_wasi::WasiConfig::default())),
        }
    }

    /// The program's arguments; the first is its name.
    #[setter]
    fn set_argv(&self, argv: Vec<String>) -> PyResult<()> {
        self.update(|c| c.clear_args().args(argv))
    }

    /// Passes this process's arguments (`sys.argv`).
    fn inherit_argv(&self, py: Python<'_>) -> PyResult<()> {
        let argv: Vec<String> = py.import("sys")?.getattr("argv")?.extract()?;
        self.update(|c| c.clear_args().args(argv))?;
        Ok(())
    }

    /// Environment variables, as `(name, value)` pairs or a dict.
    #[setter]
    fn set_env(&self, env: &Bound<'_, PyAny>) -> PyResult<()> {
        // A dict, or pairs as tuples or two-element lists (wasmtime-py
        // takes `[["K", "V"]]`).
        let pairs: Vec<(String, String)> = match env.cast::<pyo3::types::PyDict>() {
            Ok(d) => d.items().extract()?,
            Err(_) => env
                .try_iter()?
                .map(|pair| {
                    let [k, v]: [String; 2] =
                        pair?.extract::<Vec<String>>()?.try_into().map_err(|_| {
                            PyTypeError::new_err("an environment variable is a (name, value) pair")
                        })?;
                    Ok((k, v))
                })
                .collect::<PyResult<_>>()?,
        };
        self.update(|c| {
            pairs
                .into_iter()
                .fold(c.clear_env(), |c, (k, v)| c.env(k, v))
        })?;
        Ok(())
    }

    /// Passes this process's whole environment (as it is now).
    fn inherit_env(&self) -> PyResult<()> {
        self.update(kiln_wasi::WasiConfig::inherit_env)
    }

    /// Reads stdin from the file at this path.
    #[setter]
    fn set_stdin_file(&self, path: PathBuf) -> PyResult<()> {
        // Checked now, as wasmtime-py does; each store's context opens it.
        std::fs::File::open(&path)
            .map_err(|e| kiln_error(format!("cannot open {}: {e}", path.display())))?;
        self.update(|c| c.stdin_file(path))?;
        Ok(())
    }

    /// Gives these bytes to the program as its stdin.
    #[setter]
    fn set_stdin_bytes(&self, bytes: Vec<u8>) -> PyResult<()> {
        self.update(|c| c.stdin_bytes(bytes))
    }

    /// Writes stdout to the file at this path (created or truncated).
    #[setter]
    fn set_stdout_file(&self, path: PathBuf) -> PyResult<()> {
        create_now(&path)?;
        self.update(|c| c.stdout_file(path))?;
        Ok(())
    }

    /// Writes stderr to the file at this path (created or truncated).
    #[setter]
    fn set_stderr_file(&self, path: PathBuf) -> PyResult<()> {
        create_now(&path)?;
        self.update(|c| c.stderr_file(path))?;
        Ok(())
    }

    /// Calls this function with each write to stdout, as `bytes` (as
    /// wasmtime-py's `stdout_custom`). If it raises, the program's write
    /// fails with an I/O error.
    #[setter]
    fn set_stdout_custom(&self, write: Py<PyAny>) -> PyResult<()> {
        self.update(|c| c.stdout_custom(python_writer(write)))
    }

    /// Calls this function with each write to stderr, as `bytes`.
    #[setter]
    fn set_stderr_custom(&self, write: Py<PyAny>) -> PyResult<()> {
        self.update(|c| c.stderr_custom(python_writer(write)))
    }

    /// Drops the configuration now; any later use of it raises
    /// `ValueError`, as in wasmtime-py. Stores it was given to keep what
    /// they were given. Closing twice does nothing.
    fn close(&self) {
        let closed = self.config.lock().unwrap_or_else(|e| e.into_inner()).take();
        drop(closed);
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    /// Closes the configuration; exceptions propagate.
    fn __exit__(
        &self,
        _exc_type: Option<&Bound<'_, PyAny>>,
        _exc_value: Option<&Bound<'_, PyAny>>,
        _traceback: Option<&Bound<'_, PyAny>>,
    ) -> bool {
        self.close();
        false
    }

    /// Lets the program read this process's stdin.
    fn inherit_stdin(&self) -> PyResult<()> {
        self.update(kiln_wasi::WasiConfig::inherit_stdin)
    }

    /// Lets the program write to this process's stdout.
    fn inherit_stdout(&self) -> PyResult<()> {
        self.update(kiln_wasi::WasiConfig::inherit_stdout)
    }

    /// Lets the program write to this process's stderr.
    fn inherit_stderr(&self) -> PyResult<()> {
        self.update(kiln_wasi::WasiConfig::inherit_stderr)
    }

    /// Grants the host directory `path` to the program as `guest_path`.
    /// With `fs_mutable=False` (wasmtime-py's third argument, so also by
    /// position) or `read_only=True`, nothing in it can change.
    #[pyo3(signature = (path, guest_path, fs_mutable=true, *, read_only=false))]
    fn preopen_dir(
        &self,
        path: PathBuf,
        guest_path: String,
        fs_mutable: bool,
        read_only: bool,
    ) -> PyResult<()> {
        let read_only = read_only || !fs_mutable;
        self.update(|c| c.preopened_dir(path, guest_path, read_only))
    }
}

/// Creates (or truncates) the output file at `path` now, so that a bad path
/// is an error when it is set, as in wasmtime-py.
fn create_now(path: &std::path::Path) -> PyResult<()> {
    std::fs::File::create(path)
        .map(drop)
        .map_err(|e| kiln_error(format!("cannot create {}: {e}", path.display())))
}

/// A WASI output that hands each write to the Python callable `write`,
/// taking the GIL for it (wasm runs with the GIL released).
fn python_writer(write: Py<PyAny>) -> impl Fn(&[u8]) -> std::io::Result<()> + Send + Sync {
    move |bytes| {
        Python::attach(|py| {
            write
                .call1(py, (pyo3::types::PyBytes::new(py, bytes),))
                .map(drop)
                .map_err(|e| std::io::Error::other(e.to_string()))
        })
    }
}
