//! `InstanceAllocationStrategy` and `PoolingAllocationConfig`: how an
//! engine allocates the instances, memories and tables of its stores.

use crate::environ::limits::PoolingLimits;

/// How an engine allocates instances, linear memories and tables: on
/// demand (the default), or from pools reserved in advance
/// ([`InstanceAllocationStrategy::Pooling`]). Set it with
/// [`Config::allocation_strategy`](crate::Config::allocation_strategy).
///
/// ```
/// use kiln::{Config, Engine, InstanceAllocationStrategy};
/// let mut config = Config::new();
/// config.allocation_strategy(InstanceAllocationStrategy::pooling());
/// let engine = Engine::new(&config).unwrap();
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum InstanceAllocationStrategy {
    /// Each memory reserves its own address space when it is created and
    /// releases it when its store is dropped (see
    /// [`Config::memory_reservation`](crate::Config::memory_reservation)).
    #[default]
    OnDemand,
    /// Instances, memories and tables come from pools of slots that the
    /// engine reserves in advance and reuses: a memory's slot is reset
    /// (zeroed and given back to the kernel) rather than unmapped when its
    /// store is dropped. See [`PoolingAllocationConfig`].
    Pooling(PoolingAllocationConfig),
}

impl InstanceAllocationStrategy {
    /// The pooling strategy with the default limits.
    pub fn pooling() -> InstanceAllocationStrategy {
        InstanceAllocationStrategy::Pooling(PoolingAllocationConfig::default())
    }
}

impl From<PoolingAllocationConfig> for InstanceAllocationStrategy {
    fn from(config: PoolingAllocationConfig) -> InstanceAllocationStrategy {
        InstanceAllocationStrategy::Pooling(config)
    }
}

/// The limits of the pooling allocator, shaped like Wasmtime's: how many
/// instances, memories and tables may be live at once across every store
/// of the engine, how large each memory and table may grow, and how much
/// of a freed memory or table stays resident for the next tenant.
///
/// Every memory of a pooling engine, made by a module or by the host
/// ([`Memory::new`](crate::Memory::new)), lives in a slot of
/// [`max_memory_size`](PoolingAllocationConfig::max_memory_size) bytes
/// and never moves; every table in a slot of
/// [`table_elements`](PoolingAllocationConfig::table_elements) elements.
/// Slots are reserved in chunks as they are first needed and kept until
/// the engine is dropped. A freed memory's slot is zeroed: its first
/// [`linear_memory_keep_resident`](PoolingAllocationConfig::linear_memory_keep_resident)
/// bytes by writing zeros (they stay resident), the rest by
/// `madvise(MADV_DONTNEED)`, so the next tenant never sees the last one's
/// data. Instantiation then makes no system call for a memory that starts
/// no larger than the last one in its slot.
///
/// Going past a limit is an error of kind
/// [`ErrorKind::ResourceLimit`](crate::ErrorKind::ResourceLimit) naming
/// it in Wasmtime's words (`maximum concurrent limit of 100000 for core
/// instances reached`, `... for memories reached`, `... for tables
/// reached`), never a crash.
///
/// The defaults hold 100,000 live instances, each with a memory of up to
/// 256 MiB and a table of up to 20,000 elements: 25 TiB of address space
/// when all are live, within x86-64's 128 TiB. A slot smaller than 4 GiB
/// cannot rely on guard pages, so compiled code checks every access to a
/// pooled memory explicitly; with `max_memory_size` of 4 GiB, slots are
/// followed by [`Config::memory_guard_size`](crate::Config::memory_guard_size)
/// bytes of guard and checks are left to it as for memories made on
/// demand (a process then holds about 32,000 of them).
///
/// ```
/// use kiln::{Config, Engine, ErrorKind, Instance, InstanceAllocationStrategy, Module,
///     PoolingAllocationConfig, Store};
/// let mut pool = PoolingAllocationConfig::new();
/// pool.total_core_instances(2).max_memory_size(1 << 20);
/// let mut config = Config::new();
/// config.allocation_strategy(pool);
/// let engine = Engine::new(&config).unwrap();
/// let module = Module::new(&engine, "(module (memory 1))").unwrap();
/// let mut stores: Vec<Store<()>> = (0..3).map(|_| Store::new(&engine, ())).collect();
/// Instance::new(&mut stores[0], &module, &[]).unwrap();
/// Instance::new(&mut stores[1], &module, &[]).unwrap();
/// let err = Instance::new(&mut stores[2], &module, &[]).unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::ResourceLimit);
/// assert_eq!(
///     err.to_string(),
///     "maximum concurrent limit of 2 for core instances reached"
/// );
/// // Dropping a store gives its instance's slots back.
/// stores.remove(0);
/// Instance::new(&mut stores[1], &module, &[]).unwrap();
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PoolingAllocationConfig {
    pub(crate) limits: PoolingLimits,
}

impl PoolingAllocationConfig {
    /// The default limits.
    pub fn new() -> PoolingAllocationConfig {
        PoolingAllocationConfig::default()
    }

    /// How many core instances may be live at once, across every store of
    /// the engine (100,000 by default). An instance holds its place until
    /// its store is dropped.
    pub fn total_core_instances(&mut self, count: u32) -> &mut Self {
        self.limits.total_core_instances = count;
        self
    }

    /// How many linear memories may be live at once, across every store of
    /// the engine, whether modules or the host made them (100,000 by
    /// default).
    pub fn total_memories(&mut self, count: u32) -> &mut Self {
        self.limits.total_memories = count;
        self
    }

    /// How many tables may be live at once, across every store of the
    /// engine, whether modules or the host made them (100,000 by default).
    pub fn total_tables(&mut self, count: u32) -> &mut Self {
        self.limits.total_tables = count;
        self
    }

    /// The most bytes any memory may hold: the size of a memory slot
    /// (256 MiB by default, at most 4 GiB). A module whose memory starts
    /// larger fails to instantiate; `memory.grow` past it returns -1.
    pub fn max_memory_size(&mut self, bytes: usize) -> &mut Self {
        self.limits.max_memory_size = bytes;
        self
    }

    /// The most elements any table may hold: the size of a table slot
    /// (20,000 by default). A module whose table starts larger fails to
    /// instantiate; `table.grow` past it returns -1.
    pub fn table_elements(&mut self, elements: usize) -> &mut Self {
        self.limits.table_elements = elements;
        self
    }

    /// How many bytes at the start of a freed memory's slot are zeroed by
    /// writing and stay resident for the next tenant (0 by default); the
    /// rest of what the last tenant used is given back to the kernel with
    /// `madvise(MADV_DONTNEED)`. Keeping a little resident saves the next
    /// tenant page faults, at the price of writing zeros.
    pub fn linear_memory_keep_resident(&mut self, bytes: usize) -> &mut Self {
        self.limits.linear_memory_keep_resident = bytes;
        self
    }

    /// As [`linear_memory_keep_resident`](PoolingAllocationConfig::linear_memory_keep_resident),
    /// for tables' slots (0 by default).
    pub fn table_keep_resident(&mut self, bytes: usize) -> &mut Self {
        self.limits.table_keep_resident = bytes;
        self
    }
}
