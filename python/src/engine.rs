//! `Config` and `Engine`.

use crate::errors::to_py_err;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use std::sync::Mutex;

/// Settings for an `Engine`: enabled WebAssembly features, and limits that
/// compiled code enforces. Options are set as attributes, for example
/// `config.consume_fuel = True`.
#[pyclass(module = "kiln", frozen, name = "Config")]
pub struct Config {
    inner: Mutex<kiln::Config>,
}

impl Config {
    fn with(&self, f: impl FnOnce(&mut kiln::Config)) {
        f(&mut self.inner.lock().unwrap_or_else(|e| e.into_inner()));
    }

    pub(crate) fn snapshot(&self) -> kiln::Config {
        self.inner.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

macro_rules! bool_setters {
    ($($(#[$doc:meta])* $py:ident => $rust:ident,)*) => {
        #[pymethods]
        impl Config {
            /// The default configuration.
            #[new]
            fn new() -> Self {
                Config { inner: Mutex::new(kiln::Config::new()) }
            }

            $(
                $(#[$doc])*
                #[setter]
                fn $py(&self, enable: bool) {
                    self.with(|c| { c.$rust(enable); });
                }
            )*

            /// The most stack, in bytes, that wasm may use before it traps
            /// with "call stack exhausted".
            #[setter]
            fn set_max_wasm_stack(&self, bytes: usize) {
                self.with(|c| { c.max_wasm_stack(bytes); });
            }

            /// How hard Cranelift optimises: `"none"`, `"speed"` or
            /// `"speed_and_size"`.
            #[setter]
            fn set_cranelift_opt_level(&self, level: &str) -> PyResult<()> {
                let level = match level {
                    "none" => kiln::OptLevel::None,
                    "speed" => kiln::OptLevel::Speed,
                    "speed_and_size" => kiln::OptLevel::SpeedAndSize,
                    other => {
                        return Err(PyValueError::new_err(format!(
                            "unknown optimisation level `{other}`: expected \"none\", \"speed\" or \"speed_and_size\""
                        )))
                    }
                };
                self.with(|c| { c.cranelift_opt_level(level); });
                Ok(())
            }
        }
    };
}

bool_setters! {
    /// Multiple results and block parameters.
    set_wasm_multi_value => wasm_multi_value,
    /// Bulk memory and table operations.
    set_wasm_bulk_memory => wasm_bulk_memory,
    /// `funcref`/`externref` values and multiple tables.
    set_wasm_reference_types => wasm_reference_types,
    /// 128-bit SIMD.
    set_wasm_simd => wasm_simd,
    /// Sign-extension operators.
    set_wasm_sign_extension => wasm_sign_extension,
    /// Non-trapping float-to-int conversions.
    set_wasm_saturating_float_to_int => wasm_saturating_float_to_int,
    /// Import and export of mutable globals.
    set_wasm_mutable_global => wasm_mutable_global,
    /// More than one linear memory per module.
    set_wasm_multi_memory => wasm_multi_memory,
    /// Extended constant expressions.
    set_wasm_extended_const => wasm_extended_const,
    /// Count fuel as wasm runs; a store out of fuel traps with `TrapCode.OUT_OF_FUEL`.
    set_consume_fuel => consume_fuel,
    /// Let `Engine.increment_epoch` interrupt wasm (`TrapCode.INTERRUPT`).
    set_epoch_interruption => epoch_interruption,
    /// Check every memory access explicitly instead of relying on guard pages.
    set_explicit_bounds_checks => explicit_bounds_checks,
}

/// Compiles and runs WebAssembly with one configuration; shared by modules
/// and stores. Cheap to share between threads.
#[pyclass(module = "kiln", frozen, name = "Engine")]
pub struct Engine {
    inner: kiln::Engine,
}

impl Engine {
    pub(crate) fn inner(&self) -> &kiln::Engine {
        &self.inner
    }

    pub(crate) fn default_engine() -> Engine {
        Engine {
            inner: kiln::Engine::default(),
        }
    }
}

#[pymethods]
impl Engine {
    /// An engine with `config`, or the default configuration.
    #[new]
    #[pyo3(signature = (config=None))]
    fn new(py: Python<'_>, config: Option<&Bound<'_, Config>>) -> PyResult<Self> {
        let config = config.map(|c| c.get().snapshot()).unwrap_or_default();
        let inner = kiln::Engine::new(&config).map_err(|e| to_py_err(py, e))?;
        Ok(Engine { inner })
    }

    /// Whether the engine interprets Pulley bytecode: never, Kiln compiles
    /// to native code with Cranelift (as a Cranelift-only Wasmtime build).
    fn is_pulley(&self) -> bool {
        false
    }

    /// Advances the epoch by one tick, interrupting wasm in stores whose
    /// deadline it reaches. Safe to call from any thread.
    fn increment_epoch(&self) {
        self.inner.increment_epoch();
    }
}
