//! `Engine` and `Config`: compilation settings shared by modules and stores.

use super::cache::CacheConfig;
use super::pooling::InstanceAllocationStrategy;
use crate::compiler::trampolines::TrampolineCache;
use crate::environ::error::{Error, ErrorKind, Result};
use crate::environ::tunables::{MemoryTunables, PoolSlots, Tunables};
use crate::environ::types::FuncType;
use crate::runtime::pooling::PoolingAllocator;
use cranelift_codegen::isa::OwnedTargetIsa;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use wasmparser::WasmFeatures;

/// How hard Cranelift optimises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptLevel {
    /// No optimisation: fastest compilation.
    None,
    /// Optimise for speed (the default).
    Speed,
    /// Optimise for speed and code size.
    SpeedAndSize,
}

/// Settings for an [`Engine`]: which WebAssembly features are enabled, and
/// limits that compiled code enforces.
///
/// ```
/// use kiln::{Config, Engine};
/// let mut config = Config::new();
/// config.wasm_simd(false).max_wasm_stack(256 * 1024);
/// let engine = Engine::new(&config).unwrap();
/// ```
#[derive(Debug, Clone)]
pub struct Config {
    pub(crate) features: WasmFeatures,
    pub(crate) max_wasm_stack: usize,
    pub(crate) opt_level: OptLevel,
    pub(crate) consume_fuel: bool,
    pub(crate) epoch_interruption: bool,
    pub(crate) explicit_bounds_checks: bool,
    pub(crate) memory_reservation: u64,
    pub(crate) memory_guard_size: u64,
    pub(crate) memory_reservation_for_growth: u64,
    pub(crate) memory_may_move: bool,
    pub(crate) allocation: InstanceAllocationStrategy,
    pub(crate) cache: Option<CacheConfig>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            features: WasmFeatures::WASM1
                | WasmFeatures::MULTI_VALUE
                | WasmFeatures::SIGN_EXTENSION
                | WasmFeatures::SATURATING_FLOAT_TO_INT
                | WasmFeatures::BULK_MEMORY
                | WasmFeatures::REFERENCE_TYPES
                | WasmFeatures::SIMD,
            max_wasm_stack: 512 * 1024,
            opt_level: OptLevel::Speed,
            consume_fuel: false,
            epoch_interruption: false,
            explicit_bounds_checks: crate::runtime::valgrind::running_on_valgrind(),
            memory_reservation: 4 << 30,
            memory_guard_size: 32 << 20,
            memory_reservation_for_growth: 2 << 30,
            memory_may_move: true,
            allocation: InstanceAllocationStrategy::OnDemand,
            cache: None,
        }
    }
}

impl Config {
    /// The settings the compiler sees.
    pub(crate) fn tunables(&self) -> Tunables {
        Tunables {
            features: self.features,
            consume_fuel: self.consume_fuel,
            epoch_interruption: self.epoch_interruption,
            explicit_bounds_checks: self.explicit_bounds_checks,
            memory: MemoryTunables {
                reservation: self.memory_reservation,
                guard_size: self.memory_guard_size,
                reservation_for_growth: self.memory_reservation_for_growth,
                may_move: self.memory_may_move,
                pool: match &self.allocation {
                    InstanceAllocationStrategy::OnDemand => None,
                    InstanceAllocationStrategy::Pooling(pool) => Some(PoolSlots {
                        slot_bytes: pool.limits.max_memory_size as u64,
                    }),
                },
            },
        }
    }

    /// Fails, naming the setting, if a memory setting is past what any
    /// host's address space holds.
    fn check_memory_settings(&self) -> Result<()> {
        let settings = [
            ("memory_reservation", self.memory_reservation),
            ("memory_guard_size", self.memory_guard_size),
            (
                "memory_reservation_for_growth",
                self.memory_reservation_for_growth,
            ),
        ];
        for (name, bytes) in settings {
            if bytes > MAX_MEMORY_SETTING {
                return Err(Error::usage(format!(
                    "{name} of {bytes} bytes is more than the {MAX_MEMORY_SETTING} bytes a host's address space can hold"
                )));
            }
        }
        Ok(())
    }
}

/// The largest reservation, guard or growth reservation a configuration
/// may ask for: 64 TiB, half of what x86-64 and AArch64 give a process.
const MAX_MEMORY_SETTING: u64 = 1 << 46;

macro_rules! feature_setters {
    ($($(#[$doc:meta])* $name:ident => $flag:ident,)*) => {
        $(
            $(#[$doc])*
            pub fn $name(&mut self, enable: bool) -> &mut Self {
                self.features.set(WasmFeatures::$flag, enable);
                self
            }
        )*
    };
}

impl Config {
    /// The default configuration.
    pub fn new() -> Config {
        Config::default()
    }

    feature_setters! {
        /// Multiple results and block parameters.
        wasm_multi_value => MULTI_VALUE,
        /// Bulk memory and table operations.
        wasm_bulk_memory => BULK_MEMORY,
        /// `funcref`/`externref` values and multiple tables.
        wasm_reference_types => REFERENCE_TYPES,
        /// 128-bit SIMD.
        wasm_simd => SIMD,
        /// Sign-extension operators.
        wasm_sign_extension => SIGN_EXTENSION,
        /// Non-trapping float-to-int conversions.
        wasm_saturating_float_to_int => SATURATING_FLOAT_TO_INT,
        /// Import and export of mutable globals.
        wasm_mutable_global => MUTABLE_GLOBAL,
        /// More than one linear memory per module (WebAssembly 3.0; off by default).
        wasm_multi_memory => MULTI_MEMORY,
        /// Constant expressions with `add`, `sub` and `mul` (WebAssembly 3.0; off by default).
        wasm_extended_const => EXTENDED_CONST,
        /// 64-bit memories and tables, addressed with `i64` (memory64,
        /// WebAssembly 3.0; off by default). A 64-bit memory is checked
        /// explicitly on every access and, like every memory, holds at most
        /// 4 GiB.
        ///
        /// ```
        /// use kiln::{Config, Engine, Instance, Module, Store};
        /// let mut config = Config::new();
        /// config.wasm_memory64(true);
        /// let engine = Engine::new(&config).unwrap();
        /// let wat = r#"(module (memory i64 1) (func (export "size") (result i64) (memory.size)))"#;
        /// let module = Module::new(&engine, wat).unwrap();
        /// let mut store = Store::new(&engine, ());
        /// let instance = Instance::new(&mut store, &module, &[]).unwrap();
        /// let size = instance.get_typed_func::<(), i64>(&mut store, "size").unwrap();
        /// assert_eq!(size.call(&mut store, ()).unwrap(), 1);
        /// ```
        wasm_memory64 => MEMORY64,
        /// Shared memories and atomic instructions (threads; off by
        /// default). A shared memory never moves; `memory.atomic.wait32`
        /// and `wait64` block the calling thread (an infinite wait is not
        /// interrupted by fuel or epochs) and trap on a memory that is not
        /// shared. See [`MemoryType::shared`](crate::MemoryType::shared)
        /// to create a shared memory from the host.
        ///
        /// ```
        /// use kiln::{Config, Engine, Instance, Module, Store};
        /// let mut config = Config::new();
        /// config.wasm_threads(true);
        /// let engine = Engine::new(&config).unwrap();
        /// let wat = r#"(module (memory 1 1 shared)
        ///     (func (export "add") (param i32) (result i32)
        ///         (i32.atomic.rmw.add (i32.const 0) (local.get 0))))"#;
        /// let module = Module::new(&engine, wat).unwrap();
        /// let mut store = Store::new(&engine, ());
        /// let instance = Instance::new(&mut store, &module, &[]).unwrap();
        /// let add = instance.get_typed_func::<i32, i32>(&mut store, "add").unwrap();
        /// assert_eq!(add.call(&mut store, 5).unwrap(), 0);
        /// assert_eq!(add.call(&mut store, 1).unwrap(), 5);
        /// ```
        wasm_threads => THREADS,
        /// Memories whose pages are single bytes, declared with
        /// `(pagesize 1)` or made with
        /// [`MemoryType::with_page_size_log2`](crate::MemoryType::with_page_size_log2)
        /// (custom page sizes; off by default). `memory.size` and
        /// `memory.grow` count in the memory's own pages; every access to
        /// such a memory is checked explicitly, since its end need not fall
        /// on a host page.
        ///
        /// ```
        /// use kiln::{Config, Engine, Instance, Module, Store};
        /// let mut config = Config::new();
        /// config.wasm_custom_page_sizes(true);
        /// let engine = Engine::new(&config).unwrap();
        /// let wat = r#"(module (memory 10 (pagesize 1))
        ///     (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"#;
        /// let module = Module::new(&engine, wat).unwrap();
        /// let mut store = Store::new(&engine, ());
        /// let instance = Instance::new(&mut store, &module, &[]).unwrap();
        /// let grow = instance.get_typed_func::<i32, i32>(&mut store, "grow").unwrap();
        /// assert_eq!(grow.call(&mut store, 6).unwrap(), 10);
        /// assert_eq!(grow.call(&mut store, 0).unwrap(), 16);
        /// ```
        wasm_custom_page_sizes => CUSTOM_PAGE_SIZES,
    }

    /// The most stack, in bytes, that wasm may use before it traps with
    /// "call stack exhausted". The default is 512 KiB. On a thread whose
    /// stack is smaller, wasm gets what the thread has left below the call
    /// less a reserve (a quarter of the stack, at most 128 KiB) for the host
    /// functions it calls and for the trap itself, so deep recursion traps
    /// on any thread instead of overflowing it. The limit is set when the
    /// host first calls into wasm: host functions that wasm calls, and the
    /// wasm they call back into, use the same budget.
    pub fn max_wasm_stack(&mut self, bytes: usize) -> &mut Self {
        self.max_wasm_stack = bytes;
        self
    }

    /// How hard Cranelift optimises.
    pub fn cranelift_opt_level(&mut self, level: OptLevel) -> &mut Self {
        self.opt_level = level;
        self
    }

    /// Whether compiled code consumes fuel (off by default). Each basic block
    /// costs one unit per wasm operator in it, charged as the block starts;
    /// when a store has too little fuel left for the next block, wasm traps
    /// with [`TrapCode::OutOfFuel`](crate::TrapCode::OutOfFuel).
    ///
    /// A store starts with no fuel, so it must be given some with
    /// [`Store::set_fuel`](crate::Store::set_fuel) before it can run wasm.
    /// Metering costs some speed, and modules compiled with and without it
    /// are not interchangeable.
    ///
    /// ```
    /// use kiln::{Config, Engine, Instance, Module, Store, TrapCode};
    /// let mut config = Config::new();
    /// config.consume_fuel(true);
    /// let engine = Engine::new(&config).unwrap();
    /// let module = Module::new(&engine, r#"(module (func (export "spin") (loop (br 0))))"#).unwrap();
    /// let mut store = Store::new(&engine, ());
    /// store.set_fuel(10_000).unwrap();
    /// let instance = Instance::new(&mut store, &module, &[]).unwrap();
    /// let spin = instance.get_func(&mut store, "spin").unwrap();
    /// let err = spin.call(&mut store, &[], &mut []).unwrap_err();
    /// assert_eq!(err.trap().unwrap().code(), TrapCode::OutOfFuel);
    /// ```
    pub fn consume_fuel(&mut self, enable: bool) -> &mut Self {
        self.consume_fuel = enable;
        self
    }

    /// Whether compiled code checks the engine's epoch (off by default). At
    /// every loop header, and on entry to every function that makes calls,
    /// wasm traps with [`TrapCode::Interrupt`](crate::TrapCode::Interrupt)
    /// once [`Engine::increment_epoch`] has moved the epoch to the store's
    /// deadline. A function with neither loops nor calls finishes in time
    /// bounded by its size, so it is not checked.
    ///
    /// A store's deadline starts at epoch 0, which has already been reached,
    /// so set one with [`Store::set_epoch_deadline`](crate::Store::set_epoch_deadline)
    /// before running wasm. Modules compiled with and without the checks are
    /// not interchangeable.
    ///
    /// ```
    /// use kiln::{Config, Engine, Instance, Module, Store, TrapCode};
    /// let mut config = Config::new();
    /// config.epoch_interruption(true);
    /// let engine = Engine::new(&config).unwrap();
    /// let module = Module::new(&engine, r#"(module (func (export "spin") (loop (br 0))))"#).unwrap();
    /// let mut store = Store::new(&engine, ());
    /// store.set_epoch_deadline(1);
    /// let instance = Instance::new(&mut store, &module, &[]).unwrap();
    /// let spin = instance.get_func(&mut store, "spin").unwrap();
    /// let ticker = engine.clone();
    /// std::thread::spawn(move || {
    ///     std::thread::sleep(std::time::Duration::from_millis(10));
    ///     ticker.increment_epoch();
    /// });
    /// let err = spin.call(&mut store, &[], &mut []).unwrap_err();
    /// assert_eq!(err.trap().unwrap().code(), TrapCode::Interrupt);
    /// ```
    pub fn epoch_interruption(&mut self, enable: bool) -> &mut Self {
        self.epoch_interruption = enable;
        self
    }

    /// Whether compiled code checks every memory access against the
    /// memory's current size. Off by default: a memory without a small
    /// maximum reserves 4 GiB of address space plus a guard region (see
    /// [`Config::memory_reservation`]), so an out-of-bounds access faults
    /// on an inaccessible page and the fault becomes a trap, at no cost to
    /// accesses in bounds. With explicit checks no access ever touches an
    /// inaccessible page, at the price of a compare per access. Memory
    /// checkers such as valgrind report every access to an inaccessible
    /// page as an error, so under valgrind this is on by default.
    ///
    /// ```
    /// use kiln::{Config, Engine, Instance, Module, Store, TrapCode};
    /// let mut config = Config::new();
    /// config.explicit_bounds_checks(true);
    /// let engine = Engine::new(&config).unwrap();
    /// let wat = r#"(module (memory 1) (func (export "peek") (param i32) (result i32)
    ///     (i32.load (local.get 0))))"#;
    /// let module = Module::new(&engine, wat).unwrap();
    /// let mut store = Store::new(&engine, ());
    /// let instance = Instance::new(&mut store, &module, &[]).unwrap();
    /// let peek = instance.get_typed_func::<i32, i32>(&mut store, "peek").unwrap();
    /// assert_eq!(peek.call(&mut store, 65532).unwrap(), 0);
    /// let err = peek.call(&mut store, 65533).unwrap_err();
    /// assert_eq!(err.trap().unwrap().code(), TrapCode::MemoryOutOfBounds);
    /// ```
    pub fn explicit_bounds_checks(&mut self, enable: bool) -> &mut Self {
        self.explicit_bounds_checks = enable;
        self
    }

    /// How many bytes of address space a linear memory reserves when it
    /// is created (4 GiB by default). Growing within the reservation only
    /// makes pages accessible, and never moves the memory.
    ///
    /// A 32-bit memory whose reservation plus [guard](Config::memory_guard_size)
    /// covers every address a 32-bit index plus a static offset can make
    /// needs no bounds checks in compiled code: an access past its end
    /// faults on an inaccessible page and becomes a trap. That is the case
    /// by default, for accesses whose static offset plus size is at most
    /// the guard size. Where the reservation does not cover an access
    /// (a smaller reservation, a larger offset, 64-bit memories, byte-sized
    /// pages) compiled code compares the access with the memory's length.
    ///
    /// Whatever this setting, a memory whose declared maximum is smaller
    /// reserves only its maximum plus the guard, and its accesses are
    /// checked explicitly. For the same reason accesses to an imported
    /// memory are checked unless its declared minimum alone fills the
    /// reservation: the memory a module is given may have a small maximum.
    /// A memory that outgrows its reservation moves to a larger one if
    /// [`Config::memory_may_move`] allows it, and otherwise cannot grow.
    ///
    /// Reserving less lets a process hold more memories at once (on x86-64
    /// Linux a process has 128 TiB of address space, about 32,500 memories
    /// of 4 GiB plus a 32 MiB guard). Modules compiled with other memory
    /// settings are refused by [`Module::deserialize`](crate::Module::deserialize).
    /// Under the [pooling allocator](Config::allocation_strategy) every
    /// memory lives in a slot of the pool's size instead, and this setting,
    /// [`Config::memory_reservation_for_growth`] and
    /// [`Config::memory_may_move`] apply only to memories made on demand.
    ///
    /// ```
    /// use kiln::{Config, Engine, Instance, Module, Store, TrapCode};
    /// let mut config = Config::new();
    /// config.memory_reservation(1 << 20).memory_guard_size(64 << 10);
    /// let engine = Engine::new(&config).unwrap();
    /// let wat = r#"(module (memory (export "memory") 1)
    ///     (func (export "peek") (param i32) (result i32) (i32.load (local.get 0)))
    ///     (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"#;
    /// let module = Module::new(&engine, wat).unwrap();
    /// let mut store = Store::new(&engine, ());
    /// let instance = Instance::new(&mut store, &module, &[]).unwrap();
    /// let peek = instance.get_typed_func::<i32, i32>(&mut store, "peek").unwrap();
    /// let grow = instance.get_typed_func::<i32, i32>(&mut store, "grow").unwrap();
    /// let err = peek.call(&mut store, 65536).unwrap_err();
    /// assert_eq!(err.trap().unwrap().code(), TrapCode::MemoryOutOfBounds);
    /// // Growing past the 1 MiB reservation moves the memory.
    /// assert_eq!(grow.call(&mut store, 20).unwrap(), 1);
    /// assert_eq!(peek.call(&mut store, 21 * 65536 - 4).unwrap(), 0);
    /// ```
    pub fn memory_reservation(&mut self, bytes: u64) -> &mut Self {
        self.memory_reservation = bytes;
        self
    }

    /// How many inaccessible bytes follow every memory's reservation
    /// (32 MiB by default). With a 4 GiB [reservation](Config::memory_reservation),
    /// an access whose static offset plus size is at most this many bytes
    /// needs no bounds check; larger offsets are checked explicitly. Each
    /// memory uses this much more address space.
    ///
    /// ```
    /// use kiln::{Config, Engine, Instance, Module, Store, TrapCode};
    /// let mut config = Config::new();
    /// config.memory_guard_size(0);
    /// let engine = Engine::new(&config).unwrap();
    /// let wat = r#"(module (memory 1)
    ///     (func (export "peek") (param i32) (result i32) (i32.load offset=8 (local.get 0))))"#;
    /// let module = Module::new(&engine, wat).unwrap();
    /// let mut store = Store::new(&engine, ());
    /// let instance = Instance::new(&mut store, &module, &[]).unwrap();
    /// let peek = instance.get_typed_func::<i32, i32>(&mut store, "peek").unwrap();
    /// let err = peek.call(&mut store, -1).unwrap_err();
    /// assert_eq!(err.trap().unwrap().code(), TrapCode::MemoryOutOfBounds);
    /// ```
    pub fn memory_guard_size(&mut self, bytes: u64) -> &mut Self {
        self.memory_guard_size = bytes;
        self
    }

    /// How many bytes past its new size a memory reserves when it moves
    /// to grow (2 GiB by default, never past its maximum), so that the
    /// growths after it need not move it again. Only memories that outgrow
    /// a [reservation](Config::memory_reservation) smaller than their
    /// maximum move, and only when [`Config::memory_may_move`] allows it.
    ///
    /// ```
    /// use kiln::{Config, Engine, Memory, MemoryType, Store};
    /// let mut config = Config::new();
    /// config.memory_reservation(0).memory_reservation_for_growth(1 << 20);
    /// let engine = Engine::new(&config).unwrap();
    /// let mut store = Store::new(&engine, ());
    /// // One page plus 1 MiB to grow into is reserved.
    /// let memory = Memory::new(&mut store, MemoryType::new(1, None)).unwrap();
    /// memory.data_mut(&mut store)[7] = 7;
    /// let base = memory.data(&store).as_ptr();
    /// memory.grow(&mut store, 16).unwrap();
    /// assert_eq!(memory.data(&store).as_ptr(), base);
    /// // The next page is past the reservation: the memory moves, with its bytes.
    /// memory.grow(&mut store, 1).unwrap();
    /// assert_ne!(memory.data(&store).as_ptr(), base);
    /// assert_eq!(memory.data(&store)[7], 7);
    /// ```
    pub fn memory_reservation_for_growth(&mut self, bytes: u64) -> &mut Self {
        self.memory_reservation_for_growth = bytes;
        self
    }

    /// Whether a memory that outgrows its [reservation](Config::memory_reservation)
    /// may move to a larger one, copying its contents (on by default). Off,
    /// such a memory cannot grow: `memory.grow` returns -1. Shared memories
    /// never move. With the default 4 GiB reservation no memory ever needs
    /// to.
    ///
    /// A moving memory's base changes: compiled code reloads it after
    /// every call that may grow the memory, and views of the memory
    /// ([`Memory::data`](crate::Memory::data)) already end at a growth,
    /// since they borrow the store.
    ///
    /// ```
    /// use kiln::{Config, Engine, Memory, MemoryType, Store};
    /// let mut config = Config::new();
    /// config.memory_reservation(2 << 16).memory_may_move(false);
    /// let engine = Engine::new(&config).unwrap();
    /// let mut store = Store::new(&engine, ());
    /// let memory = Memory::new(&mut store, MemoryType::new(1, None)).unwrap();
    /// assert_eq!(memory.grow(&mut store, 1).unwrap(), 1);
    /// assert!(memory.grow(&mut store, 1).is_err());
    /// ```
    pub fn memory_may_move(&mut self, enable: bool) -> &mut Self {
        self.memory_may_move = enable;
        self
    }

    /// How the engine allocates instances, memories and tables: on demand
    /// (the default) or from a pool reserved in advance, whose limits
    /// [`PoolingAllocationConfig`](crate::PoolingAllocationConfig) sets.
    /// The pooling allocator trades a fixed size per memory and table, and
    /// a fixed number of each, for instantiation without system calls and
    /// for density: its defaults hold 100,000 live instances. Modules
    /// compiled for one strategy are refused by an engine using the other
    /// (or another memory slot size).
    ///
    /// ```
    /// use kiln::{Config, Engine, Instance, Module, PoolingAllocationConfig, Store};
    /// let mut pool = PoolingAllocationConfig::new();
    /// pool.max_memory_size(1 << 20).linear_memory_keep_resident(64 << 10);
    /// let mut config = Config::new();
    /// config.allocation_strategy(pool);
    /// let engine = Engine::new(&config).unwrap();
    /// let wat = r#"(module (memory (export "memory") 1)
    ///     (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"#;
    /// let module = Module::new(&engine, wat).unwrap();
    /// let mut store = Store::new(&engine, ());
    /// let instance = Instance::new(&mut store, &module, &[]).unwrap();
    /// let grow = instance.get_typed_func::<i32, i32>(&mut store, "grow").unwrap();
    /// // A 1 MiB slot holds 16 pages.
    /// assert_eq!(grow.call(&mut store, 15).unwrap(), 1);
    /// assert_eq!(grow.call(&mut store, 1).unwrap(), -1);
    /// ```
    pub fn allocation_strategy(
        &mut self,
        strategy: impl Into<InstanceAllocationStrategy>,
    ) -> &mut Self {
        self.allocation = strategy.into();
        self
    }

    /// Where compiled modules are kept between processes (none by
    /// default). With a cache, [`Module::new`](crate::Module::new) and its
    /// siblings first look for the module compiled by an engine configured
    /// like this one, and store what they compile. See [`CacheConfig`].
    pub fn cache(&mut self, cache: Option<CacheConfig>) -> &mut Self {
        self.cache = cache;
        self
    }
}

pub(crate) struct EngineInner {
    pub config: Config,
    /// The settings compiled code and the runtime share, from `config`.
    pub tunables: Tunables,
    /// The pools, under the pooling allocator.
    pub pool: Option<Arc<PoolingAllocator>>,
    pub isa: OwnedTargetIsa,
    pub trampolines: TrampolineCache,
    /// The epoch that compiled code compares with each store's deadline.
    pub epoch: AtomicU64,
    type_ids: Mutex<HashMap<FuncType, u32>>,
}

/// A compilation environment: configuration plus the native code generator.
/// Cheap to clone; modules and stores must share one engine to work together.
///
/// ```
/// use kiln::{Engine, Module};
/// let engine = Engine::default();
/// let module = Module::new(&engine, "(module)").unwrap();
/// assert_eq!(module.exports().len(), 0);
/// ```
#[derive(Clone)]
pub struct Engine(pub(crate) Arc<EngineInner>);

impl Engine {
    /// Creates an engine for the host CPU with `config`.
    pub fn new(config: &Config) -> Result<Engine> {
        // Cranelift's x86-64 SIMD lowering needs SSE4.1.
        #[cfg(target_arch = "x86_64")]
        if config.features.contains(WasmFeatures::SIMD) && !std::is_x86_feature_detected!("sse4.1")
        {
            return Err(Error::new(
                ErrorKind::Usage,
                "WebAssembly SIMD needs a CPU with SSE4.1; disable it with Config::wasm_simd(false)",
            ));
        }
        let level = match config.opt_level {
            OptLevel::None => "none",
            OptLevel::Speed => "speed",
            OptLevel::SpeedAndSize => "speed_and_size",
        };
        config.check_memory_settings()?;
        let isa = crate::compiler::host_isa(level)?;
        let tunables = config.tunables();
        let pool = match &config.allocation {
            InstanceAllocationStrategy::OnDemand => None,
            InstanceAllocationStrategy::Pooling(pool) => Some(Arc::new(
                PoolingAllocator::new(&pool.limits, &tunables.memory).map_err(Error::usage)?,
            )),
        };
        Ok(Engine(Arc::new(EngineInner {
            config: config.clone(),
            tunables,
            pool,
            trampolines: TrampolineCache::new(isa.clone()),
            isa,
            epoch: AtomicU64::new(0),
            type_ids: Mutex::new(HashMap::new()),
        })))
    }

    /// The engine's configuration.
    pub fn config(&self) -> &Config {
        &self.0.config
    }

    /// Whether a memory of this engine may change its base address when it
    /// grows (see [`Config::memory_may_move`]): a binding that hands out
    /// views of memories must then fetch them again after anything that
    /// may grow one.
    ///
    /// ```
    /// use kiln::{Config, Engine};
    /// assert!(!Engine::default().memories_may_move(), "a 4 GiB reservation holds any memory");
    /// let mut config = Config::new();
    /// config.memory_reservation(1 << 20);
    /// assert!(Engine::new(&config).unwrap().memories_may_move());
    /// config.memory_may_move(false);
    /// assert!(!Engine::new(&config).unwrap().memories_may_move());
    /// ```
    pub fn memories_may_move(&self) -> bool {
        self.0.tunables.memory.any_may_move()
    }

    /// Advances the engine's epoch by one tick. Wasm running in any of the
    /// engine's stores, on any thread, traps with
    /// [`TrapCode::Interrupt`](crate::TrapCode::Interrupt) at its next loop
    /// iteration or call if the epoch has reached that store's deadline
    /// (only when [`Config::epoch_interruption`] is on). Cheap and callable
    /// from any thread, e.g. a timer.
    ///
    /// ```
    /// use kiln::{Config, Engine, Store};
    /// let mut config = Config::new();
    /// config.epoch_interruption(true);
    /// let engine = Engine::new(&config).unwrap();
    /// let mut store = Store::new(&engine, ());
    /// store.set_epoch_deadline(2);
    /// let timer = engine.clone();
    /// std::thread::spawn(move || timer.increment_epoch()).join().unwrap();
    /// ```
    pub fn increment_epoch(&self) {
        self.0.epoch.fetch_add(1, Ordering::Relaxed);
    }

    /// The engine's epoch: how many times [`Engine::increment_epoch`] has
    /// advanced it. A host that times calls sets a store's deadline
    /// relative to it.
    ///
    /// ```
    /// use kiln::Engine;
    /// let engine = Engine::default();
    /// engine.increment_epoch();
    /// engine.increment_epoch();
    /// assert_eq!(engine.current_epoch(), 2);
    /// ```
    pub fn current_epoch(&self) -> u64 {
        self.0.epoch.load(Ordering::Relaxed)
    }

    /// Whether two handles refer to the same engine.
    pub fn same(a: &Engine, b: &Engine) -> bool {
        Arc::ptr_eq(&a.0, &b.0)
    }

    /// Fails, naming the feature, unless the configuration enables `feature`.
    pub(crate) fn check_feature(&self, feature: WasmFeatures, what: &str) -> Result<()> {
        if self.0.config.features.contains(feature) {
            Ok(())
        } else {
            Err(Error::usage(format!(
                "{what}, which the engine's configuration does not enable"
            )))
        }
    }

    /// Fails unless the configuration enables what a memory of type `ty` needs.
    pub(crate) fn check_memory_features(&self, ty: &crate::MemoryType) -> Result<()> {
        if ty.is_64() {
            self.check_feature(WasmFeatures::MEMORY64, "64-bit memories need memory64")?;
        }
        if ty.is_shared() {
            self.check_feature(WasmFeatures::THREADS, "shared memories need threads")?;
        }
        if ty.page_size_log2() != crate::environ::types::DEFAULT_PAGE_SIZE_LOG2 {
            self.check_feature(
                WasmFeatures::CUSTOM_PAGE_SIZES,
                "custom page sizes need custom-page-sizes",
            )?;
        }
        Ok(())
    }

    /// The engine-wide id of a signature: structurally equal types get the
    /// same id, which is what `call_indirect` compares.
    pub(crate) fn type_id(&self, ty: &FuncType) -> u32 {
        let mut ids = self.0.type_ids.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(&id) = ids.get(ty) {
            return id;
        }
        let next = ids.len() as u32 + 1;
        ids.insert(ty.clone(), next);
        next
    }
}

impl Default for Engine {
    fn default() -> Engine {
        Engine::new(&Config::default()).expect("the host CPU is supported")
    }
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("config", &self.0.config)
            .finish()
    }
}
