//! `PoolingAllocationConfig`: the limits of the pooling allocator, which
//! `Config.allocation_strategy` turns on.

use pyo3::prelude::*;
use std::sync::Mutex;

/// The limits of the pooling allocator, given as keyword arguments or set
/// as attributes: how many instances, memories and tables may be live at
/// once across every store of an engine, how large each memory and table
/// may grow, and how much of a freed memory or table stays resident for the
/// next tenant. Unset limits keep the engine's defaults. Pass it to
/// `Config.allocation_strategy`; the engine takes a copy.
#[pyclass(module = "kiln", frozen, name = "PoolingAllocationConfig")]
pub struct PoolingAllocationConfig {
    inner: Mutex<kiln::PoolingAllocationConfig>,
}

impl PoolingAllocationConfig {
    fn with(&self, f: impl FnOnce(&mut kiln::PoolingAllocationConfig)) {
        f(&mut self.inner.lock().unwrap_or_else(|e| e.into_inner()));
    }

    /// A copy of the limits as they are now.
    pub(crate) fn snapshot(&self) -> kiln::PoolingAllocationConfig {
        self.inner.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

#[pymethods]
impl PoolingAllocationConfig {
    /// The engine's default limits, with those given here instead.
    #[new]
    #[pyo3(signature = (
        *,
        total_core_instances=None,
        total_memories=None,
        total_tables=None,
        max_memory_size=None,
        table_elements=None,
        linear_memory_keep_resident=None,
        table_keep_resident=None,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        total_core_instances: Option<u32>,
        total_memories: Option<u32>,
        total_tables: Option<u32>,
        max_memory_size: Option<usize>,
        table_elements: Option<usize>,
        linear_memory_keep_resident: Option<usize>,
        table_keep_resident: Option<usize>,
    ) -> Self {
        let mut pool = kiln::PoolingAllocationConfig::new();
        if let Some(count) = total_core_instances {
            pool.total_core_instances(count);
        }
        if let Some(count) = total_memories {
            pool.total_memories(count);
        }
        if let Some(count) = total_tables {
            pool.total_tables(count);
        }
        if let Some(bytes) = max_memory_size {
            pool.max_memory_size(bytes);
        }
        if let Some(elements) = table_elements {
            pool.table_elements(elements);
        }
        if let Some(bytes) = linear_memory_keep_resident {
            pool.linear_memory_keep_resident(bytes);
        }
        if let Some(bytes) = table_keep_resident {
            pool.table_keep_resident(bytes);
        }
        PoolingAllocationConfig {
            inner: Mutex::new(pool),
        }
    }

    /// How many core instances may be live at once across every store of
    /// the engine (100,000 by default). An instance holds its place until
    /// its store is closed or freed.
    #[setter]
    fn set_total_core_instances(&self, count: u32) {
        self.with(|p| {
            p.total_core_instances(count);
        })
    }

    /// How many linear memories may be live at once, whether modules or
    /// the host made them (100,000 by default).
    #[setter]
    fn set_total_memories(&self, count: u32) {
        self.with(|p| {
            p.total_memories(count);
        })
    }

    /// How many tables may be live at once, whether modules or the host
    /// made them (100,000 by default).
    #[setter]
    fn set_total_tables(&self, count: u32) {
        self.with(|p| {
            p.total_tables(count);
        })
    }

    /// The most bytes any memory may hold, the size of a memory's slot
    /// (256 MiB by default, at most 4 GiB).
    #[setter]
    fn set_max_memory_size(&self, bytes: usize) {
        self.with(|p| {
            p.max_memory_size(bytes);
        })
    }

    /// The most elements any table may hold (20,000 by default).
    #[setter]
    fn set_table_elements(&self, elements: usize) {
        self.with(|p| {
            p.table_elements(elements);
        })
    }

    /// Bytes at the start of a freed memory's slot that are zeroed by
    /// writing and stay resident (0 by default); the rest is given back to
    /// the kernel.
    #[setter]
    fn set_linear_memory_keep_resident(&self, bytes: usize) {
        self.with(|p| {
            p.linear_memory_keep_resident(bytes);
        })
    }

    /// As `linear_memory_keep_resident`, for tables' slots.
    #[setter]
    fn set_table_keep_resident(&self, bytes: usize) {
        self.with(|p| {
            p.table_keep_resident(bytes);
        })
    }
}
