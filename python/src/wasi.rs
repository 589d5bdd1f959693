//! `WasiConfig`: what a WASI guest is granted.

use crate::errors::{kiln_error, to_py_err};
use pyo3::prelude::*;
use std::path::PathBuf;
use std::sync::Mutex;

enum Input {
    Null,
    Inherit,
    File(PathBuf),
    Bytes(Vec<u8>),
}

enum Output {
    Null,
    Inherit,
    File(PathBuf),
}

struct Preopen {
    host: PathBuf,
    guest: String,
    read_only: bool,
}

struct Settings {
    argv: Vec<String>,
    env: Vec<(String, String)>,
    inherit_env: bool,
    stdin: Input,
    stdout: Output,
    stderr: Output,
    preopens: Vec<Preopen>,
}

/// What a WASI program may see and touch: its arguments, environment,
/// standard streams and pre-opened directories. Nothing is granted unless
/// asked for. Give it to a store with `Store.set_wasi`.
#[pyclass(module = "kiln", frozen, name = "WasiConfig")]
pub struct WasiConfig {
    settings: Mutex<Settings>,
}

impl WasiConfig {
    fn with<R>(&self, f: impl FnOnce(&mut Settings) -> R) -> R {
        f(&mut self.settings.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// Opens the files and directories and builds the context.
    pub(crate) fn build(&self, py: Python<'_>) -> PyResult<kiln::WasiCtx> {
        self.with(|s| {
            let mut c = kiln::WasiConfig::new().args(s.argv.iter().cloned());
            if s.inherit_env {
                c = c.inherit_env();
            }
            for (k, v) in &s.env {
                c = c.env(k.clone(), v.clone());
            }
            let open = |path: &PathBuf, write: bool| {
                let file = if write {
                    std::fs::File::create(path)
                } else {
                    std::fs::File::open(path)
                };
                file.map_err(|e| kiln_error(format!("cannot open {}: {e}", path.display())))
            };
            c = match &s.stdin {
                Input::Null => c,
                Input::Inherit => c.inherit_stdin(),
                Input::File(p) => c.stdin_file(open(p, false)?),
                Input::Bytes(b) => c.stdin_bytes(b.clone()),
            };
            c = match &s.stdout {
                Output::Null => c,
                Output::Inherit => c.inherit_stdout(),
                Output::File(p) => c.stdout_file(open(p, true)?),
            };
            c = match &s.stderr {
                Output::Null => c,
                Output::Inherit => c.inherit_stderr(),
                Output::File(p) => c.stderr_file(open(p, true)?),
            };
            for p in &s.preopens {
                c = c.preopened_dir(p.host.clone(), p.guest.clone(), p.read_only);
            }
            c.build().map_err(|e| to_py_err(py, e))
        })
    }
}

#[pymethods]
impl WasiConfig {
    /// A configuration that grants nothing.
    #[new]
    fn new() -> Self {
        WasiConfig {
            settings: Mutex::new(Settings {
                argv: Vec::new(),
                env: Vec::new(),
                inherit_env: false,
                stdin: Input::Null,
                stdout: Output::Null,
                stderr: Output::Null,
                preopens: Vec::new(),
            }),
        }
    }

    /// The program's arguments; the first is its name.
    #[setter]
    fn set_argv(&self, argv: Vec<String>) {
        self.with(|s| s.argv = argv);
    }

    /// Passes this process's arguments (`sys.argv`).
    fn inherit_argv(&self, py: Python<'_>) -> PyResult<()> {
        let argv: Vec<String> = py.import("sys")?.getattr("argv")?.extract()?;
        self.with(|s| s.argv = argv);
        Ok(())
    }

    /// Environment variables, as `(name, value)` pairs or a dict.
    #[setter]
    fn set_env(&self, env: &Bound<'_, PyAny>) -> PyResult<()> {
        let pairs: Vec<(String, String)> = match env.cast::<pyo3::types::PyDict>() {
            Ok(d) => d.items().extract()?,
            Err(_) => env.extract()?,
        };
        self.with(|s| s.env = pairs);
        Ok(())
    }

    /// Passes this process's whole environment.
    fn inherit_env(&self) {
        self.with(|s| s.inherit_env = true);
    }

    /// Reads stdin from the file at this path.
    #[setter]
    fn set_stdin_file(&self, path: PathBuf) {
        self.with(|s| s.stdin = Input::File(path));
    }

    /// Gives these bytes to the program as its stdin.
    #[setter]
    fn set_stdin_bytes(&self, bytes: Vec<u8>) {
        self.with(|s| s.stdin = Input::Bytes(bytes));
    }

    /// Writes stdout to the file at this path (created or truncated).
    #[setter]
    fn set_stdout_file(&self, path: PathBuf) {
        self.with(|s| s.stdout = Output::File(path));
    }

    /// Writes stderr to the file at this path (created or truncated).
    #[setter]
    fn set_stderr_file(&self, path: PathBuf) {
        self.with(|s| s.stderr = Output::File(path));
    }

    /// Lets the program read this process's stdin.
    fn inherit_stdin(&self) {
        self.with(|s| s.stdin = Input::Inherit);
    }

    /// Lets the program write to this process's stdout.
    fn inherit_stdout(&self) {
        self.with(|s| s.stdout = Output::Inherit);
    }

    /// Lets the program write to this process's stderr.
    fn inherit_stderr(&self) {
        self.with(|s| s.stderr = Output::Inherit);
    }

    /// Grants the host directory `path` to the program as `guest_path`;
    /// with `read_only=True` nothing in it can change.
    #[pyo3(signature = (path, guest_path, *, read_only=false))]
    fn preopen_dir(&self, path: PathBuf, guest_path: String, read_only: bool) {
        self.with(|s| {
            s.preopens.push(Preopen {
                host: path,
                guest: guest_path,
                read_only,
            })
        });
    }
}
