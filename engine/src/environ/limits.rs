//! `StoreLimits`: bounds on the resources one store may hold.

use super::error::{Error, ErrorKind, Result};

/// The largest linear memory, in bytes, the engine can give (65,536 pages
/// of 64 KiB).
const MAX_MEMORY_BYTES: u64 = 1 << 32;

/// Bounds on what one store may hold: the size of each linear memory, the
/// elements of each table, and how many instances, memories and tables it
/// may create. By default nothing is bounded beyond what wasm allows.
///
/// Going past a bound is never fatal: `memory.grow` and `table.grow` return
/// -1 as wasm expects, [`Memory::grow`](crate::Memory::grow) and
/// [`Table::grow`](crate::Table::grow) return an error, and instantiation
/// fails with an error of kind [`ErrorKind::ResourceLimit`] naming the bound.
///
/// ```
/// use kiln::{Engine, Instance, Module, Store, StoreLimits};
/// let engine = Engine::default();
/// let wat = r#"(module (memory 1) (func (export "grow") (param i32) (result i32)
///     (memory.grow (local.get 0))))"#;
/// let module = Module::new(&engine, wat).unwrap();
/// let mut store = Store::new(&engine, ());
/// store.set_limits(StoreLimits::new().memory_size(2 * 65536));
/// let instance = Instance::new(&mut store, &module, &[]).unwrap();
/// let grow = instance.get_typed_func::<i32, i32>(&mut store, "grow").unwrap();
/// assert_eq!(grow.call(&mut store, 1).unwrap(), 1);
/// assert_eq!(grow.call(&mut store, 1).unwrap(), -1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreLimits {
    pub(crate) memory_size: u64,
    pub(crate) table_elements: u32,
    pub(crate) instances: usize,
    pub(crate) tables: usize,
    pub(crate) memories: usize,
}

impl Default for StoreLimits {
    fn default() -> StoreLimits {
        StoreLimits {
            memory_size: MAX_MEMORY_BYTES,
            table_elements: u32::MAX,
            instances: usize::MAX,
            tables: usize::MAX,
            memories: usize::MAX,
        }
    }
}

impl StoreLimits {
    /// No bounds.
    pub fn new() -> StoreLimits {
        StoreLimits::default()
    }

    /// The most bytes any one linear memory may hold.
    pub fn memory_size(mut self, bytes: usize) -> StoreLimits {
        self.memory_size = bytes as u64;
        self
    }

    /// The most elements any one table may hold.
    pub fn table_elements(mut self, elements: u32) -> StoreLimits {
        self.table_elements = elements;
        self
    }

    /// The most module instances the store may hold.
    pub fn instances(mut self, count: usize) -> StoreLimits {
        self.instances = count;
        self
    }

    /// The most tables the store may hold (defined by modules or the host).
    pub fn tables(mut self, count: usize) -> StoreLimits {
        self.tables = count;
        self
    }

    /// The most linear memories the store may hold (defined by modules or
    /// the host).
    pub fn memories(mut self, count: usize) -> StoreLimits {
        self.memories = count;
        self
    }

    /// Bounds given as signed numbers, a negative one leaving its resource
    /// unbounded: the convention of the C API's `kiln_store_limiter` and
    /// Python's `Store.set_limits`, shared here so they agree.
    ///
    /// ```
    /// use kiln::StoreLimits;
    /// let limits = StoreLimits::from_signed(65536, -1, 4, -1, -1);
    /// assert_eq!(limits, StoreLimits::new().memory_size(65536).instances(4));
    /// ```
    pub fn from_signed(
        memory_size: i64,
        table_elements: i64,
        instances: i64,
        tables: i64,
        memories: i64,
    ) -> StoreLimits {
        let mut limits = StoreLimits::new();
        if let Ok(bytes) = usize::try_from(memory_size) {
            limits = limits.memory_size(bytes);
        }
        if let Ok(elements) = u32::try_from(table_elements) {
            limits = limits.table_elements(elements);
        }
        if let Ok(count) = usize::try_from(instances) {
            limits = limits.instances(count);
        }
        if let Ok(count) = usize::try_from(tables) {
            limits = limits.tables(count);
        }
        if let Ok(count) = usize::try_from(memories) {
            limits = limits.memories(count);
        }
        limits
    }

    /// Whether a memory of `bytes` bytes is within bounds.
    pub(crate) fn memory_bytes_allowed(&self, bytes: u64) -> bool {
        bytes <= self.memory_size
    }

    /// Whether a table of `elements` elements is within bounds.
    pub(crate) fn table_elements_allowed(&self, elements: u64) -> bool {
        elements <= u64::from(self.table_elements)
    }

    /// Fails unless the store may hold `more` further instances, memories
    /// and tables beyond the ones it has.
    pub(crate) fn check_counts(&self, have: [usize; 3], more: [usize; 3]) -> Result<()> {
        let bounds = [
            (self.instances, "instances"),
            (self.memories, "memories"),
            (self.tables, "tables"),
        ];
        for ((have, more), (bound, what)) in have.into_iter().zip(more).zip(bounds) {
            if more > 0 && have.saturating_add(more) > bound {
                return Err(Error::new(
                    ErrorKind::ResourceLimit,
                    format!(
                        "the store's limit of {bound} {what} is reached: it holds {have} and {more} more are needed"
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// What the pooling allocator holds: how many instances, memories and
/// tables may be live at once across all stores of an engine, how large
/// each memory and table may grow, and how much of a freed slot stays
/// resident. Plain data; the public face is `PoolingAllocationConfig`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PoolingLimits {
    pub total_core_instances: u32,
    pub total_memories: u32,
    pub total_tables: u32,
    /// Bytes per memory slot.
    pub max_memory_size: usize,
    /// Elements per table slot.
    pub table_elements: usize,
    pub linear_memory_keep_resident: usize,
    pub table_keep_resident: usize,
}

impl Default for PoolingLimits {
    fn default() -> PoolingLimits {
        PoolingLimits {
            total_core_instances: 100_000,
            total_memories: 100_000,
            total_tables: 100_000,
            max_memory_size: 256 << 20,
            table_elements: 20_000,
            linear_memory_keep_resident: 0,
            table_keep_resident: 0,
        }
    }
}
