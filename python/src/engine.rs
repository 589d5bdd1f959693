//! `Config` and `Engine`.

use crate::errors::{argument_type_error, closed_error, kiln_error, to_py_err};
use crate::pooling::PoolingAllocationConfig;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

/// Settings for an `Engine`: enabled WebAssembly features, and limits that
/// compiled code enforces. Options are set as attributes, for example
/// `config.consume_fuel = True`. Every setting wasmtime-py has exists; one
/// that asks for something Kiln does not do (a proposal it lacks, another
/// compilation strategy, a profiler) is recorded, and `Engine(config)`
/// then raises `KilnError` naming it.
#[pyclass(module = "kiln", frozen, name = "Config")]
pub struct Config {
    inner: Mutex<kiln::Config>,
    /// The settings asked for that Kiln cannot honour, by wasmtime-py name.
    unsupported: Mutex<BTreeSet<&'static str>>,
    /// Set by `close`: the configuration can no longer be used.
    closed: AtomicBool,
}

impl Config {
    fn with(&self, f: impl FnOnce(&mut kiln::Config)) -> PyResult<()> {
        self.check_open()?;
        f(&mut self.inner.lock().unwrap_or_else(|e| e.into_inner()));
        Ok(())
    }

    fn check_open(&self) -> PyResult<()> {
        if self.closed.load(Ordering::Relaxed) {
            return Err(PyValueError::new_err("the configuration is closed"));
        }
        Ok(())
    }

    /// Records whether the setting `name`, which Kiln cannot honour, is
    /// asked for.
    fn ask(&self, name: &'static str, asked: bool) -> PyResult<()> {
        self.check_open()?;
        let mut unsupported = self.unsupported.lock().unwrap_or_else(|e| e.into_inner());
        if asked {
            unsupported.insert(name);
        } else {
            unsupported.remove(name);
        }
        Ok(())
    }

    /// The engine configuration, or why no engine can be made from it.
    pub(crate) fn snapshot(&self) -> PyResult<kiln::Config> {
        self.check_open()?;
        let unsupported = self.unsupported.lock().unwrap_or_else(|e| e.into_inner());
        if !unsupported.is_empty() {
            let names: Vec<&str> = unsupported.iter().copied().collect();
            return Err(kiln_error(format!(
                "Kiln does not support these settings: {}",
                names.join(", ")
            )));
        }
        Ok(self.inner.lock().unwrap_or_else(|e| e.into_inner()).clone())
    }
}

/// The host's target triple, the only one Kiln compiles for.
fn host_triple() -> String {
    format!(
        "{}-unknown-{}-gnu",
        std::env::consts::ARCH,
        std::env::consts::OS
    )
}

macro_rules! config_setters {
    (
        supported { $($(#[$doc:meta])* $py:ident => $rust:ident,)* }
        unsupported_when_true { $($(#[$udoc:meta])* $upy:ident => $uname:literal,)* }
    ) => {
        #[pymethods]
        impl Config {
            /// The default configuration.
            #[new]
            fn new() -> Self {
                // Memories never move under Python: `Memory.buffer` and
                // `Memory.data_ptr` hand out raw addresses that must stay
                // mapped for the memory's life.
                let mut inner = kiln::Config::new();
                inner.memory_may_move(false);
                Config {
                    inner: Mutex::new(inner),
                    unsupported: Mutex::default(),
                    closed: AtomicBool::new(false),
                }
            }

            $(
                $(#[$doc])*
                #[setter]
                fn $py(&self, enable: bool) -> PyResult<()> {
                    self.with(|c| { c.$rust(enable); })
                }
            )*

            $(
                $(#[$udoc])*
                #[setter]
                fn $upy(&self, enable: bool) -> PyResult<()> {
                    self.ask($uname, enable)
                }
            )*

            /// The most stack, in bytes, that wasm may use before it traps
            /// with "call stack exhausted".
            #[setter]
            fn set_max_wasm_stack(&self, bytes: usize) -> PyResult<()> {
                self.with(|c| { c.max_wasm_stack(bytes); })
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
                        return Err(kiln_error(format!(
                            "unknown optimisation level `{other}`: expected \"none\", \"speed\" or \"speed_and_size\""
                        )))
                    }
                };
                self.with(|c| { c.cranelift_opt_level(level); })
            }

            /// How code is compiled: `"auto"` and `"cranelift"` are what Kiln
            /// does; `"winch"` and `"pulley"` are recorded as unsupported.
            #[setter]
            fn set_strategy(&self, strategy: &str) -> PyResult<()> {
                match strategy {
                    "auto" | "cranelift" => {
                        self.ask("strategy=winch", false)?;
                        self.ask("strategy=pulley", false)
                    }
                    "winch" => self.ask("strategy=winch", true),
                    "pulley" => self.ask("strategy=pulley", true),
                    other => Err(kiln_error(format!(
                        "unknown compilation strategy `{other}`: expected \"auto\", \"cranelift\", \"winch\" or \"pulley\""
                    ))),
                }
            }

            /// Whether to keep compiled modules between processes: `True`
            /// for the per-user cache (`$KILN_CACHE_DIR`, else
            /// `$XDG_CACHE_HOME/kiln`, else `~/.cache/kiln`), `False` for
            /// none, or the path of a cache configuration file in
            /// Wasmtime's format (a `[cache]` table with `directory`), read
            /// now: a missing or malformed file raises `KilnError`.
            #[setter]
            fn set_cache(&self, cache: &Bound<'_, PyAny>) -> PyResult<()> {
                self.check_open()?;
                let cache = if let Ok(enable) = cache.extract::<bool>() {
                    match enable {
                        true => Some(kiln::CacheConfig::from_default_location()),
                        false => None,
                    }
                } else if let Ok(path) = cache.extract::<std::path::PathBuf>() {
                    Some(kiln::CacheConfig::from_file(path))
                } else {
                    return Err(argument_type_error("a bool or a path", cache));
                };
                let cache = cache
                    .transpose()
                    .map_err(|e| kiln_error(e.message().to_string()))?;
                self.with(|config| {
                    config.cache(cache);
                })
            }

            /// A profiler to report compiled code to: `"none"`; `"jitdump"`,
            /// `"vtune"` and `"perfmap"` are recorded as unsupported.
            #[setter]
            fn set_profiler(&self, profiler: &str) -> PyResult<()> {
                for name in ["profiler=jitdump", "profiler=vtune", "profiler=perfmap"] {
                    self.ask(name, false)?;
                }
                match profiler {
                    "none" => Ok(()),
                    "jitdump" => self.ask("profiler=jitdump", true),
                    "vtune" => self.ask("profiler=vtune", true),
                    "perfmap" => self.ask("profiler=perfmap", true),
                    other => Err(kiln_error(format!("unknown profiler `{other}`"))),
                }
            }

            /// The target to compile for: only the host's (for example
            /// `x86_64-unknown-linux-gnu`).
            #[setter]
            fn set_target(&self, target: &str) -> PyResult<()> {
                self.check_open()?;
                let host = host_triple();
                if target == host {
                    return Ok(());
                }
                Err(kiln_error(format!(
                    "cannot compile for `{target}`: Kiln compiles for the host, `{host}`"
                )))
            }

            /// Turns on a Cranelift setting by name (recorded as unsupported:
            /// Kiln chooses Cranelift's settings itself).
            fn cranelift_flag_enable(&self, flag: &str) -> PyResult<()> {
                let _ = flag;
                self.ask("cranelift_flag_enable", true)
            }

            /// Sets a Cranelift setting by name (recorded as unsupported).
            fn cranelift_flag_set(&self, flag: &str, value: &str) -> PyResult<()> {
                let _ = (flag, value);
                self.ask("cranelift_flag_set", true)
            }

            /// Whether compiled code may rely on signals to catch traps: Kiln
            /// always does, so `False` is recorded as unsupported.
            #[setter]
            fn set_signals_based_traps(&self, enable: bool) -> PyResult<()> {
                self.ask("signals_based_traps=False", !enable)
            }

            /// Compile functions in parallel: a hint Kiln accepts (it compiles
            /// a module's functions on the calling thread).
            #[setter]
            fn set_parallel_compilation(&self, _enable: bool) -> PyResult<()> {
                self.check_open()
            }

            /// Map data segments copy-on-write: Kiln does this whenever a
            /// module's segments allow it, whatever this says.
            #[setter]
            fn set_memory_init_cow(&self, _enable: bool) -> PyResult<()> {
                self.check_open()
            }

            /// Whether a memory may move when it outgrows its reservation.
            /// Under Python memories never move, since `Memory.buffer` and
            /// `Memory.data_ptr` hand out raw addresses that must stay
            /// valid: `False` is what Kiln does, and `True` is recorded as
            /// unsupported.
            #[setter]
            fn set_memory_may_move(&self, enable: bool) -> PyResult<()> {
                self.ask("memory_may_move=True", enable)
            }

            /// How the engine allocates instances, memories and tables:
            /// `"on_demand"` (the default), `"pooling"` for the pooling
            /// allocator with its default limits, or a
            /// `PoolingAllocationConfig` for the pooling allocator with
            /// those limits (copied now).
            #[setter]
            fn set_allocation_strategy(&self, strategy: &Bound<'_, PyAny>) -> PyResult<()> {
                self.check_open()?;
                let strategy = if let Ok(pool) = strategy.cast::<PoolingAllocationConfig>() {
                    kiln::InstanceAllocationStrategy::Pooling(pool.get().snapshot())
                } else if let Ok(name) = strategy.extract::<String>() {
                    match name.as_str() {
                        "on_demand" => kiln::InstanceAllocationStrategy::OnDemand,
                        "pooling" => kiln::InstanceAllocationStrategy::pooling(),
                        other => {
                            return Err(kiln_error(format!(
                                "unknown allocation strategy `{other}`: expected \"on_demand\", \"pooling\" or a PoolingAllocationConfig"
                            )))
                        }
                    }
                } else {
                    return Err(argument_type_error(
                        "\"on_demand\", \"pooling\" or a PoolingAllocationConfig",
                        strategy,
                    ));
                };
                self.with(|c| {
                    c.allocation_strategy(strategy);
                })
            }

            /// Garbage-collection support for the GC proposal's types: Kiln
            /// has no such types, so either answer changes nothing.
            #[setter]
            fn set_gc_support(&self, _enable: bool) -> PyResult<()> {
                self.check_open()
            }

            /// Native unwind information for compiled code: Kiln keeps frame
            /// pointers instead, which either answer allows.
            #[setter]
            fn set_native_unwind_info(&self, _enable: bool) -> PyResult<()> {
                self.check_open()
            }

            /// Mach ports for traps on macOS: Kiln runs on Linux, so this
            /// changes nothing.
            #[setter]
            fn set_macos_use_mach_ports(&self, _enable: bool) -> PyResult<()> {
                self.check_open()
            }

            /// Bytes reserved per memory made on demand. A memory never
            /// moves under Python, so one cannot grow past its reservation.
            #[setter]
            fn set_memory_reservation(&self, bytes: u64) -> PyResult<()> {
                self.with(|c| {
                    c.memory_reservation(bytes);
                })
            }

            /// Guard bytes after each memory.
            #[setter]
            fn set_memory_guard_size(&self, bytes: u64) -> PyResult<()> {
                self.with(|c| {
                    c.memory_guard_size(bytes);
                })
            }

            /// Extra bytes reserved beyond a memory's initial size for it
            /// to grow into.
            #[setter]
            fn set_memory_reservation_for_growth(&self, bytes: u64) -> PyResult<()> {
                self.with(|c| {
                    c.memory_reservation_for_growth(bytes);
                })
            }

            /// Makes the configuration unusable: `Engine(config)` and every
            /// setter raise `ValueError` from then on.
            fn close(&self) {
                self.closed.store(true, Ordering::Relaxed);
            }

            fn __enter__(slf: Py<Self>) -> Py<Self> {
                slf
            }

            fn __exit__(
                &self,
                _ty: &Bound<'_, PyAny>,
                _value: &Bound<'_, PyAny>,
                _traceback: &Bound<'_, PyAny>,
            ) {
                self.close();
            }
        }
    };
}

config_setters! {
    supported {
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
        /// 64-bit memories and tables.
        set_wasm_memory64 => wasm_memory64,
        /// Threads: shared memories and atomic instructions.
        set_wasm_threads => wasm_threads,
        /// Memories of byte-sized pages.
        set_wasm_custom_page_sizes => wasm_custom_page_sizes,
        /// Count fuel as wasm runs; a store out of fuel traps with `TrapCode.OUT_OF_FUEL`.
        set_consume_fuel => consume_fuel,
        /// Let `Engine.increment_epoch` interrupt wasm (`TrapCode.INTERRUPT`).
        set_epoch_interruption => epoch_interruption,
        /// Check every memory access explicitly instead of relying on guard pages.
        set_explicit_bounds_checks => explicit_bounds_checks,
    }
    unsupported_when_true {
        /// Tail calls (not in Kiln).
        set_wasm_tail_call => "wasm_tail_call",
        /// Exception handling (not in Kiln).
        set_wasm_exceptions => "wasm_exceptions",
        /// The switch of the component model: Kiln's engines always run
        /// components (`kiln.component`), and the switch is not supported.
        set_wasm_component_model => "wasm_component_model",
        /// Maps in the component model (not in Kiln).
        set_wasm_component_model_map => "wasm_component_model_map",
        /// The component model's `implements` proposal (not in Kiln).
        set_wasm_component_model_implements => "wasm_component_model_implements",
        /// Creating shared memories (not in Kiln: it has no threads).
        set_shared_memory => "shared_memory",
        /// Typed function references (not in Kiln).
        set_wasm_function_references => "wasm_function_references",
        /// Wide arithmetic (not in Kiln).
        set_wasm_wide_arithmetic => "wasm_wide_arithmetic",
        /// Garbage-collected types (not in Kiln).
        set_wasm_gc => "wasm_gc",
        /// Stack switching (not in Kiln).
        set_wasm_stack_switching => "wasm_stack_switching",
        /// Relaxed SIMD (not in Kiln).
        set_wasm_relaxed_simd => "wasm_relaxed_simd",
        /// Deterministic relaxed SIMD (not in Kiln).
        set_wasm_relaxed_simd_deterministic => "wasm_relaxed_simd_deterministic",
        /// DWARF debug information for compiled code (not in Kiln).
        set_debug_info => "debug_info",
        /// Cranelift's IR verifier on every compilation (not in Kiln).
        set_cranelift_debug_verifier => "cranelift_debug_verifier",
        /// Canonical NaNs from float operations (not in Kiln).
        set_cranelift_nan_canonicalization => "cranelift_nan_canonicalization",
    }
}

/// Compiles and runs WebAssembly with one configuration; shared by modules
/// and stores. Cheap to share between threads.
#[pyclass(module = "kiln", frozen, name = "Engine")]
pub struct Engine {
    inner: kiln::Engine,
    /// Set by `close`: the engine makes nothing more.
    closed: AtomicBool,
}

impl Engine {
    fn wrap(inner: kiln::Engine) -> Engine {
        Engine {
            inner,
            closed: AtomicBool::new(false),
        }
    }

    /// The engine, to make something new with; `ValueError` once closed.
    pub(crate) fn inner(&self) -> PyResult<&kiln::Engine> {
        if self.closed.load(Ordering::Relaxed) {
            return Err(closed_error("the engine is closed"));
        }
        Ok(&self.inner)
    }

    /// The engine, open or closed: for checks on what was made with it.
    pub(crate) fn made_with(&self) -> &kiln::Engine {
        &self.inner
    }

    pub(crate) fn default_engine() -> Engine {
        Engine::wrap(kiln::Engine::default())
    }
}

#[pymethods]
impl Engine {
    /// An engine with `config` (which it consumes), or the default
    /// configuration.
    #[new]
    #[pyo3(signature = (config=None))]
    fn new(py: Python<'_>, config: Option<crate::args::Arg<'_, Config>>) -> PyResult<Self> {
        // As in wasmtime-py, an engine consumes its configuration: using
        // it again raises `ValueError`.
        let config = match config {
            Some(c) => {
                let snapshot = c.get().snapshot()?;
                c.get().close();
                snapshot
            }
            None => kiln::Config::default(),
        };
        let inner = kiln::Engine::new(&config).map_err(|e| to_py_err(py, e))?;
        Ok(Engine::wrap(inner))
    }

    /// Whether the engine interprets Pulley bytecode: never, Kiln compiles
    /// to native code with Cranelift (as a Cranelift-only Wasmtime build).
    fn is_pulley(&self) -> bool {
        false
    }

    /// Advances the epoch by one tick, interrupting wasm in stores whose
    /// deadline it reaches. Safe to call from any thread.
    fn increment_epoch(&self) -> PyResult<()> {
        self.inner()?.increment_epoch();
        Ok(())
    }

    /// Makes the engine unusable, as wasmtime-py's `Engine.close` does:
    /// making a store, module or linker with it, or advancing its epoch,
    /// raises `ValueError` from then on. What was made with it keeps
    /// working: it shares the engine, which goes with the last of them.
    /// Closing twice does nothing.
    fn close(&self) {
        self.closed.store(true, Ordering::Relaxed);
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    /// Closes the engine; exceptions propagate.
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
